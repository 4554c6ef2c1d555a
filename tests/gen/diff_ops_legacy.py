"""Differential entries for the operator versions before opset 7 (ai.onnx 1-6) of the
non-recurrent operators (runtime/ops/op_legacy.c, op_legacy_shape.c). Each wraps the operator's
current entry: versions below `until` (the first version the current entry was written for) get
the cases here, the others go to the current entry unchanged. Where an old version differs from
the next only by consumed_inputs (a legacy in-place hint without effect) and its shorter type
list, the current entry's cases are reused (its g.types() follows the old schema) and one more
case gives consumed_inputs. The references are NumPy written from each old schema's text:
onnxruntime has no kernels for most of these versions (the manifest lists its refusals), and is
the reference where it runs them. Imported by make_diff_cases.py after the other entries."""
import copy

import numpy as np
from onnx import TensorProto

from diff_case import FLOATS, NEWEST_OPSET, REGISTRY, In, schema_versions, to_dtype
from diff_ops import gemm_ref, np_pow, trunc_div

F32 = "float32"


def legacy(name, until):
    """Replace REGISTRY[name] by one that sends versions below `until` to fn(g, current)."""
    def deco(fn):
        cur, types, exact = REGISTRY[name]

        def entry(g):
            if g.v < until:
                yield from fn(g, cur)
                return
            # The type sweep of the later versions as before the legacy rows (where the type
            # lists change from `until` on): their cases stay those of the committed corpus.
            vs = [u for u in schema_versions(name) if until <= u <= NEWEST_OPSET]
            prev = [u for u in vs if u < g.v]
            g.sweep = g.v == vs[-1] or not prev or g._type_lists(g.v) != g._type_lists(prev[-1])
            yield from cur(g)
        REGISTRY[name] = (entry, types, exact)
        return fn
    return deco


def variant(c, tag, what, drop=(), **attrs):
    """A copy of case c with another tag, attributes added (or dropped)."""
    d = copy.copy(c)
    d.tag, d.what = tag, what
    d.attrs = {k: v for k, v in c.attrs.items() if k not in drop}
    d.attrs.update(attrs)
    return d


def with_consumed(g, cur, fix=None):
    """The current entry's cases at this version, then the first again with consumed_inputs."""
    first = None
    for c in cur(g):
        if fix:
            fix(c)
        first = first or c
        yield c
    if "consumed_inputs" in g.schema.attributes:
        yield variant(first, "consumed_inputs", first.what + "; consumed_inputs [0] (no effect)",
                      consumed_inputs=[0])


for _op in ("Abs", "Ceil", "Exp", "Floor", "Log", "Neg", "Reciprocal", "Relu", "Sigmoid", "Sqrt",
            "Tanh", "Elu", "HardSigmoid", "LeakyRelu", "Clip", "Max", "Min", "Sum", "Mean"):
    legacy(_op, 6)(with_consumed)


def selu_ref(a, gm):
    a, gm = np.float64(np.float32(a)), np.float64(np.float32(gm))
    return lambda x: np.where(x > 0, gm * x, gm * (a * np.exp(x) - a))


@legacy("Selu", 6)
def selu(g, cur):
    def fix(c):  # version 1's defaults: alpha 1.6732, gamma 1.0507 (6: 1.67326..., 1.05070...)
        if "alpha" not in c.attrs:
            c.ref = selu_ref(1.6732, 1.0507)
            c.what += " (version 1's default alpha 1.6732, gamma 1.0507)"
    yield from with_consumed(g, cur, fix)


# ---------------------------------------------------------------- legacy broadcasting
def legacy_b(a_shape, b, axis):
    """B as NumPy broadcasting sees it: one element a scalar, else 1s around its dims."""
    if b.size == 1:
        return b.reshape(())
    start = len(a_shape) - b.ndim if axis is None else axis
    return b.reshape((1,) * start + b.shape + (1,) * (len(a_shape) - start - b.ndim))


# (A, B, axis): the text's examples, its suffix and axis forms, size-1 dims of B, empty A
BSHAPES = [((2, 3, 4, 5), (), None), ((2, 3, 4, 5), (1, 1), None), ((2, 3, 4, 5), (5,), None),
           ((2, 3, 4, 5), (4, 5), None), ((2, 3, 4, 5), (3, 4), 1), ((2, 3, 4, 5), (2,), 0),
           ((2, 3, 4), (2, 3, 4), 0), ((2, 3), (2, 1), None), ((2, 3), (1, 3), None),
           ((2, 3, 4), (3, 1), 1), ((0, 3), (3,), None), ((2, 0, 3), (0,), 1), ((3, 4), (1,), 1)]
BINARY = {"Add": (lambda a, b: a + b, False), "Sub": (lambda a, b: a - b, False),
          "Mul": (lambda a, b: a * b, False), "Div": (trunc_div, False), "Pow": (np_pow, False),
          "Equal": (lambda a, b: a == b, True), "Greater": (lambda a, b: a > b, True),
          "Less": (lambda a, b: a < b, True)}


def binary_legacy(g, cur):
    fn, out_bool = BINARY[g.op]
    ot = (lambda dt: ["bool"]) if out_bool else (lambda dt: [dt])

    def values(dt, shape, second=False):
        if g.op == "Pow" and dt in FLOATS:
            return g.rand(dt, shape, lo=-2.0, hi=2.0) if second else g.rand(dt, shape, lo=0.2, hi=3.0)
        return g.rand(dt, shape, nonzero=second and g.op == "Div")

    def ref(axis):
        return lambda a, b: fn(a, legacy_b(a.shape, b, axis))
    for dt in g.types():
        a, b = values(dt, (3, 4)), values(dt, (3, 4), True)
        if out_bool and dt != "bool":
            b.reshape(-1)[::2] = a.reshape(-1)[::2]
        yield g.case(dt, "same shapes [3, 4], broadcast absent", dt, [In("a", dt, a), In("b", dt, b)],
                     out_types=ot(dt), ref=ref(None))
    if out_bool and F32 in g.types():
        a = np.array([np.nan, 1.0, np.nan, np.inf, -np.inf, 0.0], np.float32)
        b = np.array([1.0, np.nan, np.nan, np.inf, 3.0, -0.0], np.float32)
        yield g.case("nan_inf", "NaN, infinities, -0 and 0", F32, [In("a", F32, a), In("b", F32, b)],
                     out_types=["bool"], ref=ref(None))
    for dt in g.types():
        if dt != F32 and dt not in ("int64", "bool"):
            continue
        for k, (sa, sb, axis) in enumerate(BSHAPES if dt == F32 else BSHAPES[2:6]):
            attrs = {"broadcast": 1}
            if axis is not None:
                attrs["axis"] = axis
            yield g.case("bcast%d_%s" % (k, dt), "broadcast=1, A %s, B %s, axis %s" % (sa, sb, axis), dt,
                         [In("a", dt, values(dt, sa)), In("b", dt, values(dt, sb, True))],
                         out_types=ot(dt), attrs=attrs, ref=ref(axis))
    dt = g.types()[0]
    a, b = values(dt, (2, 3)), values(dt, (2, 3), True)
    yield g.case("broadcast0", "broadcast=0 given, same shapes", dt, [In("a", dt, a), In("b", dt, b)],
                 out_types=ot(dt), attrs={"broadcast": 0}, ref=ref(None))
    yield g.case("b_init", "broadcast=1, B [3] an initializer", dt,
                 [In("a", dt, values(dt, (2, 3))), In("b", dt, values(dt, (3,), True), init=True)],
                 out_types=ot(dt), attrs={"broadcast": 1}, ref=ref(None))
    if "consumed_inputs" in g.schema.attributes:
        yield g.case("consumed_inputs", "consumed_inputs [0, 1] (no effect), broadcast=1 axis 0", dt,
                     [In("a", dt, values(dt, (2, 3))), In("b", dt, values(dt, (2,), True))], out_types=ot(dt),
                     attrs={"broadcast": 1, "axis": 0, "consumed_inputs": [0, 1]}, ref=ref(0))


for _op in BINARY:
    legacy(_op, 7)(binary_legacy)


@legacy("Gemm", 7)
def gemm(g, cur):
    M, K, N = 3, 4, 2
    for dt in g.types():
        a, b, c = g.rand(dt, (M, K)), g.rand(dt, (K, N)), g.rand(dt, (M, N))
        yield g.case(dt, "A [3,4], B [4,2], C [3,2], broadcast absent", dt,
                     [In("a", dt, a), In("b", dt, b), In("c", dt, c)], ref=gemm_ref())
    for ta in (0, 1):
        for tb in (0, 1):
            a = g.rand(F32, (K, M) if ta else (M, K))
            b = g.rand(F32, (N, K) if tb else (K, N))
            yield g.case("t%d%d" % (ta, tb), "transA %d transB %d, alpha 0.5, beta -1.5, C [M,N]" % (ta, tb),
                         F32, [In("a", F32, a), In("b", F32, b), In("c", F32, g.rand(F32, (M, N)))],
                         attrs={"transA": ta, "transB": tb, "alpha": 0.5, "beta": -1.5},
                         ref=gemm_ref(0.5, -1.5, ta=ta, tb=tb))
    for k, cs in enumerate(((N,), (1, N), (M, 1), (), (1,), (M, N))):
        a, b = g.rand(F32, (M, K)), g.rand(F32, (K, N))
        yield g.case("bcast%d" % k, "broadcast=1, C of shape %s" % (cs,), F32,
                     [In("a", F32, a), In("b", F32, b), In("c", F32, g.rand(F32, cs), init=k % 2 == 0)],
                     attrs={"broadcast": 1, "beta": 2.0}, ref=gemm_ref(1.0, 2.0))
    M, K, N = 5, 70, 37  # B a constant matrix: packed at load
    yield g.case("binit", "B an initializer (packed), transB 1, broadcast=1, C [N]", F32,
                 [In("a", F32, g.rand(F32, (M, K))), In("b", F32, g.rand(F32, (N, K)), init=True),
                  In("c", F32, g.rand(F32, (N,)))], attrs={"transB": 1, "broadcast": 1}, ref=gemm_ref(tb=1))
    yield g.case("m0", "A [0,K], C [0,N]", F32,
                 [In("a", F32, g.rand(F32, (0, 4))), In("b", F32, g.rand(F32, (4, 3))),
                  In("c", F32, g.rand(F32, (0, 3)))], ref=gemm_ref())


# ---------------------------------------------------------------- data movement, conversion
@legacy("Cast", 6)
def cast(g, cur):
    for c in cur(g):  # `to` is the type's name
        yield variant(c, c.tag, c.what + " (to as a string)",
                      to=TensorProto.DataType.Name(c.attrs["to"]))


@legacy("Concat", 4)
def concat(g, cur):
    yield from cur(g)
    a, b = g.rand(F32, (2, 3, 2)), g.rand(F32, (2, 1, 2))
    yield g.case("axis_absent", "axis absent (version 1: 1)", F32, [In("a", F32, a), In("b", F32, b)],
                 ref=lambda a, b: np.concatenate([a, b], 1))


@legacy("Pad", 2)
def pad(g, cur):
    for c in cur(g):  # `paddings` for `pads`
        yield variant(c, c.tag, c.what, drop=("pads",), paddings=c.attrs["pads"])


@legacy("Reshape", 5)
def reshape(g, cur):
    for dt in g.types():
        x = g.rand(dt, (2, 3, 4))
        yield g.case(dt, "[2,3,4] to [4,6]", dt, [In("x", dt, x)], attrs={"shape": [4, 6]},
                     ref=lambda x: x.reshape(4, 6))
    for k, (shp, new, out) in enumerate((((2, 3, 4), [0, -1], (2, 12)), ((2, 3, 4), [-1, 0, 2], (4, 3, 2)),
                                         ((6,), [1, 2, 1, 3], (1, 2, 1, 3)), ((1, 1), [1], (1,)),
                                         ((0, 3), [3, -1], (3, 0)), ((0, 3), [0, 0], (0, 3)), ((0, 3), [-1, 3], (0, 3)))):
        yield g.case("s%d" % k, "%s with shape %s" % (shp, new), F32, [In("x", F32, g.rand(F32, shp))],
                     attrs={"shape": new}, ref=lambda x, o=out: x.reshape(o))
    yield g.case("consumed_inputs", "consumed_inputs [0] (no effect)", F32, [In("x", F32, g.rand(F32, (2, 2)))],
                 attrs={"shape": [4], "consumed_inputs": [0]}, ref=lambda x: x.reshape(4))


@legacy("Split", 2)
def split(g, cur):
    yield from cur(g)  # the split attribute and equal parts, as version 2
    x = g.rand(F32, (2, 6))
    for tag, init in (("input_init", True), ("input", False)):
        yield g.case("split_" + tag, "sizes as input 'split' [1, 3, 2] (float, as the schema's T; %s)"
                     % ("an initializer" if init else "a graph input"), F32,
                     [In("x", F32, x), In("split", F32, np.array([1, 3, 2], np.float32), init)],
                     outputs=["y0", "y1", "y2"], out_types=[F32] * 3, attrs={"axis": 1},
                     ref=lambda x, s: tuple(np.split(x, [1, 4], 1)))
    yield g.case("axis_absent", "axis absent (0), two equal parts", F32, [In("x", F32, g.rand(F32, (4, 3)))],
                 outputs=["y0", "y1"], out_types=[F32] * 2, ref=lambda x: tuple(np.split(x, 2, 0)))


@legacy("Tile", 6)
def tile(g, cur):
    def ref(x, t, a):
        reps = [1] * x.ndim
        reps[int(a.reshape(-1)[0])] = int(t.reshape(-1)[0])
        return np.tile(x, reps)

    def ins(dt, x, tiles, axis, init):  # tiles and axis are of type T (the input's)
        return [In("x", dt, x), In("tiles", dt, to_dtype(np.array([tiles]), dt), init),
                In("axis", dt, to_dtype(np.array([axis]), dt), init)]
    for dt in g.types():
        x = g.rand(dt, (2, 3))
        yield g.case(dt, "[2,3] tiled 3 times along axis 1", dt, ins(dt, x, 3, 1, True), ref=ref)
    for k, (shp, t, a) in enumerate((((2, 3, 2), 2, 0), ((2, 3, 2), 4, 2), ((3,), 1, 0), ((2, 2), 0, 1),
                                     ((0, 2), 3, 1))):
        yield g.case("s%d" % k, "%s tiled %d times along axis %d" % (shp, t, a), F32,
                     ins(F32, g.rand(F32, shp), t, a, k % 2 == 0), ref=ref)


@legacy("Upsample", 7)
def upsample(g, cur):
    from diff_ops_resize import rand_x, rcase

    def v1(c):  # Upsample 7's scales [1, 1, h, w] as height_scale / width_scale
        sc = c.attrs["scales"]
        mode = {"linear": "bilinear"}.get(c.attrs.get("mode"), c.attrs.get("mode"))
        attrs = {"height_scale": sc[2], "width_scale": sc[3]}
        if mode is not None:
            attrs["mode"] = mode
        return variant(c, c.tag, c.what.replace("linear", "bilinear"), drop=("scales", "mode"), **attrs)
    for dt in g.types():
        x = rand_x(g, dt, (1, 2, 3, 4))
        yield v1(rcase(g, "nearest_" + dt, "nearest %s [1,2,3,4] h 2.5 w 1.5" % dt, dt, x, "nearest",
                       scales=[1, 1, 2.5, 1.5]))
        if dt in FLOATS:
            yield v1(rcase(g, "linear_" + dt, "linear %s [1,2,3,4] h 2 w 1.5" % dt, dt, x, "linear",
                           scales=[1, 1, 2, 1.5]))
    x = rand_x(g, F32, (2, 1, 2, 3))
    for h, w in ((2, 2), (3, 1), (1, 1), (1.25, 3.5)):
        for mode in ("nearest", "linear", None):
            yield v1(rcase(g, "%s_h%g_w%g" % (mode or "absent", h, w), "%s h %g w %g" % (mode or "mode absent", h, w),
                           F32, x, mode, scales=[1, 1, h, w]))
    yield v1(rcase(g, "empty", "an empty batch [0, 2, 2, 2]", F32, np.zeros((0, 2, 2, 2), np.float32), "nearest",
                   scales=[1, 1, 2, 2]))


@legacy("Dropout", 7)
def dropout(g, cur):
    for c in cur(g):  # inference: is_test=1
        yield variant(c, c.tag, c.what + ", is_test 1", is_test=1)
    x = g.rand(F32, (2, 3))
    yield g.case("ratio0_train", "is_test absent (training) with ratio 0: y = x", F32, [In("x", F32, x)],
                 attrs={"ratio": 0.0}, ref=lambda x: x)
    if "consumed_inputs" in g.schema.attributes:
        yield g.case("consumed_inputs", "consumed_inputs [0] (no effect), is_test 1", F32, [In("x", F32, x)],
                     attrs={"is_test": 1, "consumed_inputs": [0]}, ref=lambda x: x)


@legacy("PRelu", 7)
def prelu(g, cur):
    yield from cur(g)
    # Before 7 a slope of X.shape[1] elements is per channel (PyTorch's and Caffe2's exports,
    # the ONNX test data test_PReLU_*_multiparam).
    for k, shp in enumerate(((2, 3, 4, 5), (2, 3), (1, 4, 3))):
        x = g.rand(F32, shp)
        s = g.rand(F32, (shp[1],), lo=0.1, hi=0.5)
        yield g.case("per_channel%d" % k, "X %s, slope [%d]: one per channel" % (shp, shp[1]), F32,
                     [In("x", F32, x), In("slope", F32, s, init=k != 1)],
                     ref=lambda x, s: np.where(x < 0, x * s.reshape((1, -1) + (1,) * (x.ndim - 2)), x))
