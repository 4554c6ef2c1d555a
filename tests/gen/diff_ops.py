"""Differential case entries, one per operator (see make_diff_cases.py for how to add one).
Each entry is called once per schema version g.v and yields Cases; `ref` functions get the
present inputs' values (floats as float64) and return the outputs."""
import numpy as np

import rnn_ref
from diff_case import (ALL, FLOATS, INTS, NUMERIC, SIGNED, In, as_compute, op, reduce_inputs,
                       to_dtype)

# Shape pairs for broadcasting: different ranks, size-1 dims, scalars and empty dims.
BCAST = [((2, 3, 4), (4,)), ((3, 1), (2, 1, 4)), ((), (2, 3)), ((1, 1), (3,)), ((0, 3), (1, 3)),
         ((2, 1, 0), (1, 3, 1))]
F32 = "float32"


def first_int(g, param=None):
    ts = [t for t in g.types(param) if t in INTS]
    return ts[:1]


# ---------------------------------------------------------------- element-wise binary
def binary(g, ref, out_bool=False, nonzero_b=False, b_range=None, wrap=False):
    out = (lambda dt: ["bool"]) if out_bool else (lambda dt: [dt])
    for dt in g.types():
        shp = g.shape(3)
        lo, hi = b_range or (None, None)
        a = g.rand(dt, shp)
        b = g.rand(dt, shp, lo=lo, hi=hi, nonzero=nonzero_b and dt in INTS)
        if out_bool and dt != "bool":  # some equal elements
            b.reshape(-1)[::2] = a.reshape(-1)[::2]
        yield g.case(dt, "same shapes %s" % (shp,), dt, [In("a", dt, a), In("b", dt, b)],
                     out_types=out(dt), ref=ref)
    if out_bool and F32 in g.types():  # NaN compares false (Equal too), infinities compare
        a = np.array([np.nan, 1.0, np.nan, np.inf, -np.inf, 0.0], np.float32)
        b = np.array([1.0, np.nan, np.nan, np.inf, 3.0, -0.0], np.float32)
        yield g.case("nan_inf", "NaN, infinities, -0 == 0", F32, [In("a", F32, a), In("b", F32, b)],
                     out_types=["bool"], ref=ref)
    if wrap:  # integer results beyond the type wrap around (two's complement)
        for dt in ("uint8", "int8", "uint16"):
            if dt in g.types(sweep=True):
                info = np.iinfo(dt)
                a = g.rng.integers(info.max // 2, info.max + 1, (2, 4)).astype(dt)
                b = g.rng.integers(info.max // 2, info.max + 1, (2, 4)).astype(dt)
                a[0, 0], b[0, 0] = info.min, info.max
                yield g.case("wrap_" + dt, "%s results beyond the type wrap" % dt, dt,
                             [In("a", dt, a), In("b", dt, b)], out_types=out(dt), ref=ref)
    for dt in [F32] + first_int(g):
        if dt not in g.types():
            continue
        for k, (sa, sb) in enumerate(BCAST):
            a = g.rand(dt, sa)
            b = g.rand(dt, sb, nonzero=nonzero_b and dt in INTS)
            yield g.case("bcast%d_%s" % (k, dt), "broadcast %s with %s" % (sa, sb), dt,
                         [In("a", dt, a), In("b", dt, b)], out_types=out(dt), ref=ref)
    if F32 in g.types():  # a row repeated along the leading axes, on either side
        for tag, sa, sb in (("row_left", (5,), (2, 3, 5)), ("row_right", (3, 5), (1, 1, 5))):
            yield g.case(tag, "broadcast %s with %s" % (sa, sb), F32,
                         [In("a", F32, g.rand(F32, sa)), In("b", F32, g.rand(F32, sb))],
                         out_types=out(F32), ref=ref)


def trunc_div(a, b):
    if a.dtype.kind in "iu":
        q = np.abs(a.astype(np.int64)) // np.abs(b.astype(np.int64))
        return (np.sign(a.astype(np.int64)) * np.sign(b.astype(np.int64)) * q).astype(a.dtype)
    return a / b


@op("Add", types=NUMERIC, exact=True)
def add(g):
    yield from binary(g, lambda a, b: a + b, wrap=g.sweep)


@op("Sub", types=NUMERIC, exact=True)
def sub(g):
    yield from binary(g, lambda a, b: a - b, wrap=g.sweep)


@op("Mul", types=NUMERIC, exact=True)
def mul(g):
    yield from binary(g, lambda a, b: a * b, wrap=g.sweep)


@op("Div", types=NUMERIC, exact=True)
def div(g):
    yield from binary(g, trunc_div, nonzero_b=True)
    if "uint64" in g.types(sweep=True) and g.sweep:
        a = np.array([2 ** 64 - 1, 2 ** 63 + 7, 10, 2 ** 63], np.uint64)
        b = np.array([3, 2, 2 ** 63 + 1, 1], np.uint64)
        yield g.case("uint64_big", "uint64 values above INT64_MAX", "uint64",
                     [In("a", "uint64", a), In("b", "uint64", b)], ref=lambda a, b: a // b)


@op("Equal", types=ALL, exact=True)
def equal(g):
    yield from binary(g, lambda a, b: a == b, out_bool=True)


@op("Less", types=NUMERIC, exact=True)
def less(g):
    yield from binary(g, lambda a, b: a < b, out_bool=True)


@op("Greater", types=NUMERIC, exact=True)
def greater(g):
    yield from binary(g, lambda a, b: a > b, out_bool=True)


@op("LessOrEqual", types=NUMERIC, exact=True)
def less_equal(g):
    yield from binary(g, lambda a, b: a <= b, out_bool=True)


@op("GreaterOrEqual", types=NUMERIC, exact=True)
def greater_equal(g):
    yield from binary(g, lambda a, b: a >= b, out_bool=True)


def np_pow(a, b):
    if a.dtype.kind in "iu" and b.dtype.kind in "iu":
        return a ** b.astype(a.dtype)
    if a.dtype.kind in "iu":  # integer base, float exponent: computed in double, truncated
        return np.trunc(a.astype(np.float64) ** b).astype(a.dtype)
    return a ** b.astype(np.float64)


@op("Pow", types=NUMERIC)
def pow_(g):
    mixed = "T1" in {t.type_param_str for t in g.schema.type_constraints}
    for dt in g.types("T"):
        if mixed and dt not in g.types("T1", sweep=True):
            continue  # the exponent type T1 lacks it at this version
        shp = g.shape(3)
        a = g.rand(dt, shp, lo=0.2, hi=3.0) if dt in FLOATS else g.rand(dt, shp, lo=-3, hi=3)
        b = g.rand(dt, shp, lo=-2.0, hi=2.0) if dt in FLOATS else g.rand(dt, shp, lo=0, hi=3)
        yield g.case(dt, "same shapes %s" % (shp,), dt, [In("a", dt, a), In("b", dt, b)], ref=np_pow)
    a = g.rand(F32, (2, 3, 4), lo=-3.0, hi=3.0)
    b = np.array([0.0, 1.0, 2.0, 3.0], np.float32)  # negative bases with integral exponents
    yield g.case("neg_base", "negative bases, integral exponents, broadcast", F32,
                 [In("a", F32, a), In("b", F32, b)], ref=np_pow)
    yield g.case("bcast_scalar", "broadcast a scalar exponent", F32,
                 [In("a", F32, g.rand(F32, (3, 1), lo=0.5, hi=2.0)), In("b", F32, np.array(0.5, np.float32))],
                 ref=np_pow)
    if mixed:
        for ta, tb in (("float32", "int64"), ("float32", "int32"), ("int64", "float32"),
                       ("int32", "int64"), ("float64", "float32"), ("float32", "float16")):
            if ta not in g.types("T") or tb not in g.types("T1"):
                continue
            a = g.rand(ta, (2, 3), lo=0.5, hi=3.0) if ta in FLOATS else g.rand(ta, (2, 3), lo=-3, hi=3)
            b = g.rand(tb, (3,), lo=0, hi=3) if tb in INTS else g.rand(tb, (3,), lo=0.0, hi=2.0)
            yield g.case("mixed_%s_%s" % (ta, tb), "base %s, exponent %s (broadcast)" % (ta, tb), ta,
                         [In("a", ta, a), In("b", tb, b)], ref=np_pow)


@op("Where", types=ALL, exact=True)
def where(g):
    for dt in g.types("T"):
        c = g.rand("bool", (2, 3))
        yield g.case(dt, "same shapes", dt, [In("c", "bool", c), In("a", dt, g.rand(dt, (2, 3))),
                                             In("b", dt, g.rand(dt, (2, 3)))],
                     out_types=[dt], ref=lambda c, x, y: np.where(c, x, y))
    for k, (sc, sx, sy) in enumerate((((2, 1, 4), (3, 1), (4,)), ((), (2, 2), (1,)),
                                      ((0, 2), (1, 2), ()), ((3,), (2, 3), (2, 1)))):
        yield g.case("bcast%d" % k, "broadcast %s, %s, %s" % (sc, sx, sy), F32,
                     [In("c", "bool", g.rand("bool", sc)), In("a", F32, g.rand(F32, sx)),
                      In("b", F32, g.rand(F32, sy))], out_types=[F32],
                     ref=lambda c, x, y: np.where(c, x, y))


@op("Not", types=["bool"], exact=True)
def not_(g):
    for k, shp in enumerate(((2, 3), (), (0, 4), (1, 5, 1))):
        yield g.case("s%d" % k, "shape %s" % (shp,), "bool", [In("x", "bool", g.rand("bool", shp))],
                     ref=np.logical_not)


# ---------------------------------------------------------------- element-wise unary
def unary(g, ref, positive=False, specials=None, attrs=None, tag="", ints=False):
    for dt in g.types():
        shp = g.shape()
        x = g.rand(dt, shp, positive=positive) if dt in FLOATS else g.rand(dt, shp)
        yield g.case(tag + dt, "random shape %s" % (shp,), dt, [In("x", dt, x)], attrs=attrs, ref=ref)
    if F32 in g.types():
        yield g.case(tag + "scalar", "0-d input", F32, [In("x", F32, g.rand(F32, (), positive=positive))],
                     attrs=attrs, ref=ref)
        yield g.case(tag + "empty", "empty input [0, 3]", F32, [In("x", F32, np.zeros((0, 3), np.float32))],
                     attrs=attrs, ref=ref)
        if specials is not None:
            yield g.case(tag + "special", "special values %s" % (specials,), F32,
                         [In("x", F32, np.array(specials, np.float32))], attrs=attrs, ref=ref)


INF = float("inf")


@op("Neg", types=SIGNED + FLOATS, exact=True)
def neg(g):
    yield from unary(g, lambda x: -x, specials=[0.0, -0.0, INF, -INF, 3.5])


@op("Exp", types=FLOATS)
def exp(g):
    yield from unary(g, np.exp, specials=[0.0, -INF, INF, 80.0, -100.0, 88.0, 89.0, -104.0])


@op("Log", types=FLOATS)
def log(g):
    yield from unary(g, np.log, positive=True, specials=[0.0, 1.0, INF, 1e-30, -1.0])


@op("Sqrt", types=FLOATS)
def sqrt(g):
    yield from unary(g, np.sqrt, positive=True, specials=[0.0, 4.0, INF, 1e-30, -1.0])


@op("Relu", types=SIGNED + FLOATS, exact=True)
def relu(g):
    yield from unary(g, lambda x: np.maximum(x, 0), specials=[-0.0, -INF, INF, 2.0])


def sigmoid(x):
    return np.where(x >= 0, 1 / (1 + np.exp(-np.abs(x))), np.exp(-np.abs(x)) / (1 + np.exp(-np.abs(x))))


@op("Sigmoid", types=FLOATS)
def sigmoid_(g):
    yield from unary(g, sigmoid, specials=[0.0, -INF, INF, 30.0, -30.0, -100.0])


@op("Tanh", types=FLOATS)
def tanh(g):
    yield from unary(g, np.tanh, specials=[0.0, -INF, INF, 20.0, -0.5])


@op("LeakyRelu", types=FLOATS, exact=True)
def leaky(g):
    yield from unary(g, lambda x: np.where(x < 0, np.float32(0.01) * x, x), specials=[-INF, -1.0, 2.0])
    for alpha in (0.3, -0.5, 1.5):
        x = g.rand(F32, g.shape(2))
        yield g.case("alpha%g" % alpha, "alpha %g" % alpha, F32, [In("x", F32, x)], attrs={"alpha": alpha},
                     ref=lambda x, a=alpha: np.where(x < 0, np.float32(a) * x, x))


@op("HardSigmoid", types=FLOATS)
def hard_sigmoid(g):
    def hs(a, b):
        return lambda x: np.clip(np.float32(a) * x + np.float32(b), 0, 1)
    yield from unary(g, hs(0.2, 0.5), specials=[-INF, INF, -2.5, 2.5])
    for a, b in ((0.5, 0.1), (1.0, 0.0), (-0.3, 0.7)):
        x = g.rand(F32, (3, 4))
        yield g.case("a%g_b%g" % (a, b), "alpha %g beta %g" % (a, b), F32, [In("x", F32, x)],
                     attrs={"alpha": a, "beta": b}, ref=hs(a, b))


@op("Clip", types=NUMERIC, exact=True)
def clip(g):
    def ref(lo, hi):
        return lambda x, *r: np.minimum(np.maximum(x, lo), hi)
    if g.v < 11:  # min / max attributes
        for tag, attrs in (("none", {}), ("min", {"min": -0.5}), ("max", {"max": 0.7}),
                           ("both", {"min": -1.0, "max": 1.0}), ("min_gt_max", {"min": 0.6, "max": -0.4})):
            for dt in g.types() if tag == "both" else [F32]:
                x = g.rand(dt, g.shape(3))
                yield g.case("%s_%s" % (tag, dt), "attributes %s" % attrs, dt, [In("x", dt, x)], attrs=attrs,
                             ref=ref(attrs.get("min", -np.inf), attrs.get("max", np.inf)))
        yield from clip_unbounded(g, ref)
        return
    for dt in g.types():
        x = g.rand(dt, g.shape(3))
        lo, hi = (-0.5, 0.8) if dt in FLOATS else (-3, 4)
        if dt.startswith("uint"):
            lo = 2
        mn, mx = (to_dtype(np.array(v), dt).reshape(()) for v in (lo, hi))  # 0.8: no bfloat16
        yield g.case("both_" + dt, "min and max inputs", dt,
                     [In("x", dt, x), In("min", dt, mn), In("max", dt, mx)],
                     ref=ref(as_compute(mn, dt), as_compute(mx, dt)))
    x = g.rand(F32, (2, 5))
    yield g.case("none", "no min, no max", F32, [In("x", F32, x)], ref=ref(-np.inf, np.inf))
    yield g.case("min_only", "min only (max omitted)", F32,
                 [In("x", F32, x), In("min", F32, np.array(-0.3, np.float32), init=True)], ref=ref(-0.3, np.inf))
    yield g.case("max_only", "max only (min absent as \"\")", F32,
                 [In("x", F32, x), None, In("max", F32, np.array(0.2, np.float32))], ref=ref(-np.inf, 0.2))
    yield g.case("min_gt_max", "min > max: every element is max", F32,
                 [In("x", F32, x), In("min", F32, np.array(0.5, np.float32)),
                  In("max", F32, np.array(-0.5, np.float32))], ref=ref(0.5, -0.5))
    if "int32" in g.types():
        xi = g.rand("int32", (3, 3))
        yield g.case("min_gt_max_int32", "int32, min > max", "int32",
                     [In("x", "int32", xi), In("min", "int32", np.array(3, np.int32)),
                      In("max", "int32", np.array(-2, np.int32))], ref=ref(3, -2))
    if "uint64" in g.types(sweep=True) and g.sweep:
        big = np.array([2 ** 63 + 5, 2 ** 64 - 1, 3, 2 ** 63 - 1], np.uint64)
        yield g.case("uint64_big", "uint64 values above INT64_MAX", "uint64",
                     [In("x", "uint64", big), In("min", "uint64", np.array(2 ** 62, np.uint64)),
                      In("max", "uint64", np.array(2 ** 63 + 9, np.uint64))], ref=ref(2 ** 62, 2 ** 63 + 9))
    yield g.case("special", "NaN and infinities", F32,
                 [In("x", F32, np.array([np.nan, INF, -INF, 0.3], np.float32)),
                  In("min", F32, np.array(-1, np.float32)), In("max", F32, np.array(1, np.float32))],
                 ref=ref(-1, 1))
    yield from clip_unbounded(g, ref)


def clip_unbounded(g, ref):
    """Infinities where a bound is absent: it is numeric_limits::lowest() / max() (11+), the
    attributes' defaults -+FLT_MAX (6), so -inf and inf become finite."""
    big = float(np.finfo(np.float32).max)
    x = np.array([-INF, -2.5, 0.0, 1.5, INF, np.nan], np.float32)
    yield g.case("inf_no_bounds", "-inf and inf, no min, no max: -+FLT_MAX", F32, [In("x", F32, x)],
                 ref=ref(-big, big))
    if g.v < 11:
        yield g.case("inf_min_only", "-inf and inf, min -0.5 only: inf -> FLT_MAX", F32, [In("x", F32, x)],
                     attrs={"min": -0.5}, ref=ref(-0.5, big))
    else:
        yield g.case("inf_max_only", "-inf and inf, max 0.5 only: -inf -> -FLT_MAX", F32,
                     [In("x", F32, x), None, In("max", F32, np.array(0.5, np.float32))], ref=ref(-big, 0.5))


# ---------------------------------------------------------------- softmax
def softmax_ref(v, axis, log):
    def f(x):
        r = x.ndim
        a = axis + r if axis < 0 else axis
        if v < 13:
            shp = x.shape
            x2 = x.reshape(int(np.prod(shp[:a], dtype=np.int64)), int(np.prod(shp[a:], dtype=np.int64)))
            m = x2.max(axis=1, keepdims=True) if x2.size else 0
            e = x2 - m
            s = np.log(np.exp(e).sum(axis=1, keepdims=True))
            y = e - s if log else np.exp(e - s)
            return y.reshape(shp)
        m = x.max(axis=a, keepdims=True) if x.size else 0
        e = x - m
        s = np.log(np.exp(e).sum(axis=a, keepdims=True))
        return e - s if log else np.exp(e - s)
    return f


def softmax_cases(g, log):
    default = -1 if g.v >= 13 else 1
    for dt in g.types():
        x = g.rand(dt, (2, 3, 4))
        yield g.case("default_" + dt, "default axis (%d)" % default, dt, [In("x", dt, x)],
                     ref=softmax_ref(g.v, default, log))
    # Every axis in [-r, r-1] of a rank-3 input, a few of others. Version 1's text does not
    # mention negative axes, but onnxruntime takes them (as version 11 defines them) and
    # exporters write them.
    for shp, axes in (((2, 3, 4), range(-3, 3)), ((5,), (-1, 0)), ((2, 5), (-1,)), ((1, 4, 1), (-2, 2))):
        for a in axes:
            x = g.rand(F32, shp)
            yield g.case("%s_axis%s" % ("x".join(map(str, shp)), a), "shape %s axis %d" % (shp, a), F32,
                         [In("x", F32, x)], attrs={"axis": a}, ref=softmax_ref(g.v, a, log))
    x = np.array([[1000.0, 0.0, -1000.0, 3.0]], np.float32)
    yield g.case("large", "large magnitudes (no overflow)", F32, [In("x", F32, x)],
                 attrs={"axis": -1 if g.v >= 11 else 1}, ref=softmax_ref(g.v, -1, log))
    yield g.case("empty", "empty dim [0, 3]", F32, [In("x", F32, np.zeros((0, 3), np.float32))],
                 attrs={"axis": 1}, ref=softmax_ref(g.v, 1, log))


@op("Softmax", types=FLOATS)
def softmax(g):
    yield from softmax_cases(g, False)


@op("LogSoftmax", types=FLOATS)
def log_softmax(g):
    yield from softmax_cases(g, True)


# ---------------------------------------------------------------- linear algebra
def matmul_ref(a, b):
    if a.dtype.kind in "iu":
        return np.matmul(a.astype(np.int64), b.astype(np.int64)).astype(a.dtype)
    return np.matmul(a, b)


def k70(c):
    """A float32 product with K = 70 (terms of magnitude ~4): its agreement check at atol 5e-5.
    onnxruntime's float32 sums are off by up to ~2e-5 near zero (held-out salts 9 and 11: 1.1e-5
    on a MatMul element of 0.0023 whose terms sum to 205 in magnitude, 2.2e-5 on a Gemm one
    with alpha 2), beyond the default check's 1e-5."""
    c.check_tol = (1e-4, 5e-5)
    return c


@op("MatMul", types=NUMERIC)
def matmul(g):
    for dt in g.types():
        a = g.rand(dt, (2, 3), lo=0, hi=3) if dt in INTS else g.rand(dt, (2, 3))
        b = g.rand(dt, (3, 4), lo=0, hi=3) if dt in INTS else g.rand(dt, (3, 4))
        yield g.case(dt, "[2,3] x [3,4]", dt, [In("a", dt, a), In("b", dt, b)], ref=matmul_ref)
    for k, (sa, sb) in enumerate((((3,), (3, 4)), ((2, 3), (3,)), ((4,), (4,)), ((2, 1, 3, 4), (5, 4, 2)),
                                  ((3, 4), (2, 4, 5)), ((2, 0), (0, 3)), ((0, 3), (3, 2)), ((1, 1), (1, 1)),
                                  ((2, 2, 3), (3, 1)))):
        yield g.case("shape%d" % k, "%s x %s" % (sa, sb), F32, [In("a", F32, g.rand(F32, sa)),
                                                               In("b", F32, g.rand(F32, sb))], ref=matmul_ref)
    yield g.case("b_init", "B an initializer", F32,
                 [In("a", F32, g.rand(F32, (3, 5))), In("b", F32, g.rand(F32, (5, 2)), init=True)], ref=matmul_ref)
    # B a constant matrix: packed at load for the simd GEMM (rows of every batch as one product).
    K, N = 70, 37  # N: a full panel and a partial one at every panel width
    for tag, sa, sb in (("m1", (1, K), (K, N)), ("vec", (K,), (K, N)), ("rows", (19, K), (K, N)),
                        ("batched", (2, 3, 5, K), (K, N)), ("empty_m", (2, 0, K), (K, N)),
                        ("empty_k", (3, 0), (0, 4)), ("empty_n", (3, 4), (4, 0))):
        yield k70(g.case("b_init_" + tag, "%s x %s, B an initializer" % (sa, sb), F32,
                         [In("a", F32, g.rand(F32, sa)), In("b", F32, g.rand(F32, sb), init=True)],
                         ref=matmul_ref))


def gemm_ref(alpha=1.0, beta=1.0, ta=0, tb=0):
    def f(a, b, c=None):
        A = a.T if ta else a
        B = b.T if tb else b
        if a.dtype.kind in "iu":
            y = np.float64(np.float32(alpha)) * np.matmul(A.astype(np.int64), B.astype(np.int64))
            if c is not None:
                y = y + np.float64(np.float32(beta)) * c
            return y.astype(a.dtype)
        y = np.float64(np.float32(alpha)) * (A @ B)
        return y if c is None else y + np.float64(np.float32(beta)) * c
    return f


@op("Gemm", types=NUMERIC)
def gemm(g):
    c_optional = g.v >= 11
    for dt in g.types():
        small = dt in INTS
        a = g.rand(dt, (2, 3), lo=0, hi=3) if small else g.rand(dt, (2, 3))
        b = g.rand(dt, (3, 4), lo=0, hi=3) if small else g.rand(dt, (3, 4))
        c = g.rand(dt, (2, 4), lo=0, hi=3) if small else g.rand(dt, (2, 4))
        yield g.case(dt, "A [2,3], B [3,4], C [2,4]", dt, [In("a", dt, a), In("b", dt, b), In("c", dt, c)],
                     ref=gemm_ref())
    M, K, N = 3, 4, 2
    for ta in (0, 1):
        for tb in (0, 1):
            a = g.rand(F32, (K, M) if ta else (M, K))
            b = g.rand(F32, (N, K) if tb else (K, N))
            c = g.rand(F32, (N,))
            yield g.case("t%d%d" % (ta, tb), "transA %d transB %d, C [N]" % (ta, tb), F32,
                         [In("a", F32, a), In("b", F32, b), In("c", F32, c)],
                         attrs={"transA": ta, "transB": tb}, ref=gemm_ref(ta=ta, tb=tb))
    for k, cs in enumerate(((1, N), (M, 1), (), (M, N), (1,))):
        a, b = g.rand(F32, (M, K)), g.rand(F32, (K, N))
        yield g.case("c%d" % k, "C of shape %s broadcast" % (cs,), F32,
                     [In("a", F32, a), In("b", F32, b), In("c", F32, g.rand(F32, cs), init=True)],
                     attrs={"alpha": 0.5, "beta": -1.5}, ref=gemm_ref(0.5, -1.5))
    M, K, N = 3, 4, 2
    if c_optional:
        a, b = g.rand(F32, (M, K)), g.rand(F32, (K, N))
        yield g.case("no_c", "C absent", F32, [In("a", F32, a), In("b", F32, b)], attrs={"alpha": 2.0},
                     ref=gemm_ref(2.0))
        yield g.case("empty_c", "C absent as \"\", alpha, transA", F32,
                     [In("a", F32, g.rand(F32, (K, M))), In("b", F32, b), None],
                     attrs={"alpha": -0.7, "transA": 1}, ref=gemm_ref(-0.7, ta=1))
    if "int32" in g.types():
        a, b, c = g.rand("int32", (2, 3), lo=-3, hi=3), g.rand("int32", (3, 2), lo=-3, hi=3), g.rand("int32", (2,))
        yield g.case("int32_ab", "int32 with alpha 2, beta 3", "int32",
                     [In("a", "int32", a), In("b", "int32", b), In("c", "int32", c)],
                     attrs={"alpha": 2.0, "beta": 3.0}, ref=gemm_ref(2.0, 3.0))
    # B a constant matrix: packed at load for the simd GEMM (transA = 0; transA = 1 stays on BLAS).
    M, K, N = 19, 70, 37
    for k, cs in enumerate(((N,), (1, N), (M, 1), (), (M, N), (1,))):
        tb, rows = k % 2, 1 if k < 2 else M
        a, b = g.rand(F32, (rows, K)), g.rand(F32, (N, K) if tb else (K, N))
        cs = tuple(rows if d == M else d for d in cs)
        attrs = {"transB": tb} if k < 2 else {"transB": tb, "alpha": 0.5, "beta": -1.5}
        ref = gemm_ref(tb=tb) if k < 2 else gemm_ref(0.5, -1.5, tb=tb)
        yield k70(g.case("binit_c%d" % k, "A [%d,%d], B an initializer, transB %d, C %s"
                         % (rows, K, tb, cs), F32,
                         [In("a", F32, a), In("b", F32, b, init=True),
                          In("c", F32, g.rand(F32, cs))], attrs=attrs, ref=ref))
    yield k70(g.case("binit_ta", "transA 1, B an initializer", F32,
                     [In("a", F32, g.rand(F32, (K, M))), In("b", F32, g.rand(F32, (K, N)), init=True),
                      In("c", F32, g.rand(F32, (N,)))], attrs={"transA": 1}, ref=gemm_ref(ta=1)))
    yield g.case("binit_m0", "A [0,K], B an initializer", F32,
                 [In("a", F32, g.rand(F32, (0, K))), In("b", F32, g.rand(F32, (N, K)), init=True),
                  In("c", F32, g.rand(F32, (N,)))], attrs={"transB": 1}, ref=gemm_ref(tb=1))
    if c_optional:
        yield k70(g.case("binit_no_c", "C absent, alpha 2, B an initializer", F32,
                         [In("a", F32, g.rand(F32, (M, K))),
                          In("b", F32, g.rand(F32, (K, N)), init=True)],
                         attrs={"alpha": 2.0}, ref=gemm_ref(2.0)))


# ---------------------------------------------------------------- data movement
@op("Concat", types=ALL, exact=True)
def concat(g):
    neg = g.v >= 11
    for dt in g.types():
        a, b = g.rand(dt, (2, 3)), g.rand(dt, (2, 1))
        yield g.case(dt, "two inputs on axis 1", dt, [In("a", dt, a), In("b", dt, b)], attrs={"axis": 1},
                     ref=lambda a, b: np.concatenate([a, b], 1))
    shp = (2, 3, 4)
    for axis in range(-3 if neg else 0, 3):
        parts = []
        for k in range(3):
            s = list(shp)
            s[axis] = k  # sizes 0, 1 and 2 along the axis: one part is empty
            parts.append(In("x%d" % k, F32, g.rand(F32, s)))
        yield g.case("axis%d" % axis, "three inputs (one empty) on axis %d" % axis, F32, parts,
                     attrs={"axis": axis}, ref=lambda *xs, a=axis: np.concatenate(xs, a))
    yield g.case("one", "a single input", F32, [In("x", F32, g.rand(F32, (3, 2)))], attrs={"axis": 0},
                 ref=lambda x: x)
    yield g.case("rank1", "rank 1 with an initializer", F32,
                 [In("a", F32, g.rand(F32, (3,))), In("b", F32, g.rand(F32, (2,)), init=True)], attrs={"axis": 0},
                 ref=lambda a, b: np.concatenate([a, b]))
    # PyTorch's exporter writes torch.cat of an empty one-dimensional tensor with 3-D ones (the
    # Emformer RNN-T); torch.cat skips it, as the runtime does.
    c = g.case("empty_rank1", "a one-dimensional empty input among 3-D ones (skipped, as torch.cat)", F32,
               [In("a", F32, g.rand(F32, (2, 3, 2))), In("e", F32, np.zeros((0,), np.float32)),
                In("b", F32, g.rand(F32, (2, 1, 2)))], attrs={"axis": -2 if neg else 1},
               ref=lambda a, e, b: np.concatenate([a, b], 1), ort=False,
               why="onnxruntime refuses inputs of unequal ranks (and aborts when it meets them at run time)")
    c.infer = False  # the checker's shape inference wants equal ranks too
    yield c


@op("Gather", types=ALL, exact=True)
def gather(g):
    neg_idx = g.v >= 11
    for dt in g.types("T"):
        x = g.rand(dt, (4, 3))
        yield g.case(dt, "rows of [4,3]", dt, [In("x", dt, x), In("i", "int64", g.ints([3, 0, 3]))],
                     ref=lambda x, i: np.take(x, i, 0))
    for axis in (-3, -2, -1, 0, 1, 2):
        x = g.rand(F32, (3, 4, 2))
        n = x.shape[axis]
        for k, ishape in [(axis % 3, ((), (2,), (2, 2))[axis % 3])]:
            lo = -n if neg_idx else 0
            idx = g.rng.integers(lo, n, ishape).astype(np.int64)
            it = "int32" if k == 1 else "int64"
            yield g.case("axis%d_i%d" % (axis, k), "axis %d, %s indices of shape %s%s" % (
                axis, it, ishape, " (negative ones too)" if neg_idx else ""), F32,
                [In("x", F32, x), In("i", it, idx.astype(np.int32 if it == "int32" else np.int64))],
                attrs={"axis": axis}, ref=lambda x, i, a=axis: np.take(x, i, a))
    yield g.case("empty_idx", "no indices", F32,
                 [In("x", F32, g.rand(F32, (3, 2))), In("i", "int64", np.zeros((0,), np.int64))],
                 ref=lambda x, i: np.take(x, i, 0))
    yield g.case("init_idx", "indices an initializer", F32,
                 [In("x", F32, g.rand(F32, (5,))), In("i", "int64", g.ints([[4, 1], [0, 0]]), init=True)],
                 ref=lambda x, i: np.take(x, i, 0))


def np_slice(x, starts, ends, axes=None, steps=None):
    axes = list(range(len(starts))) if axes is None else list(axes)
    steps = [1] * len(starts) if steps is None else list(steps)
    sl = [slice(None)] * x.ndim
    for s, e, a, st in zip(starts, ends, axes, steps):
        d = x.shape[a]
        s = int(max(min(s, 2 ** 40), -2 ** 40))
        e = int(max(min(e, 2 ** 40), -2 ** 40))
        if st > 0:
            s = max(0, min(d, s + d if s < 0 else s))
            e = max(0, min(d, e + d if e < 0 else e))
            sl[a] = slice(s, e, st)
        else:
            s = max(-1, min(d - 1, s + d if s < 0 else s))
            e = max(-1, min(d - 1, e + d if e < 0 else e))
            sl[a] = slice(s, e if e >= 0 else None, st)
    return x[tuple(sl)]


BIG = 2 ** 62


@op("Slice", types=ALL, exact=True)
def slice_(g):
    if g.v < 10:  # starts / ends / axes attributes
        for dt in g.types():
            x = g.rand(dt, (3, 4))
            yield g.case(dt, "starts [1,0] ends [3,-1]", dt, [In("x", dt, x)],
                         attrs={"starts": [1, 0], "ends": [3, -1]}, ref=lambda x: np_slice(x, [1, 0], [3, -1]))
        for k, (st, en, ax) in enumerate((([0], [2], [1]), ([-2], [BIG], [0]), ([1, -3], [-1, 100], [2, 0]),
                                          ([2], [1], [1]), ([-100], [2], [2]))):
            x = g.rand(F32, (4, 3, 5))
            yield g.case("a%d" % k, "starts %s ends %s axes %s" % (st, en, ax), F32, [In("x", F32, x)],
                         attrs={"starts": st, "ends": en, "axes": ax}, ref=lambda x, s=st, e=en, a=ax: np_slice(x, s, e, a))
        return
    neg_axes = g.v >= 11
    for dt in g.types("T"):
        x = g.rand(dt, (3, 4))
        yield g.case(dt, "starts [1,0] ends [3,-1]", dt,
                     [In("x", dt, x), In("s", "int64", g.ints([1, 0]), True), In("e", "int64", g.ints([3, -1]), True)],
                     ref=lambda x, s, e: np_slice(x, s, e))
    specs = [([0], [2], [1], None), ([-2], [BIG], [0], [1]), ([1, -3], [-1, 100], [2, 0], None),
             ([3], [0], [0], [-1]), ([-1], [-BIG], [2], [-2]), ([0, 4], [BIG, 0], [1, 2], [2, -1]),
             ([2], [1], [1], None), ([0], [3], [-1] if neg_axes else [2], [2])]
    for k, (st, en, ax, sp) in enumerate(specs):
        x = g.rand(F32, (4, 3, 5))
        ins = [In("x", F32, x), In("s", "int64", g.ints(st), True), In("e", "int64", g.ints(en), True),
               In("ax", "int64", g.ints(ax), True) if ax is not None else None]
        if sp is not None:
            ins.append(In("st", "int64", g.ints(sp), True))
        yield g.case("s%d" % k, "starts %s ends %s axes %s steps %s" % (st, en, ax, sp), F32, ins,
                     ref=lambda x, *r, s=st, e=en, a=ax, p=sp: np_slice(x, s, e, a, p))
    x = g.rand(F32, (5, 2))
    yield g.case("steps_no_axes", "steps given, axes absent (\"\")", F32,
                 [In("x", F32, x), In("s", "int64", g.ints([4]), True), In("e", "int64", g.ints([0]), True), None,
                  In("st", "int64", g.ints([-2]), True)], ref=lambda x, *r: np_slice(x, [4], [0], None, [-2]))
    yield g.case("int32_inputs", "int32 starts / ends from graph inputs", F32,
                 [In("x", F32, x), In("s", "int32", g.ints([1], "int32")), In("e", "int32", g.ints([4], "int32"))],
                 ref=lambda x, s, e: np_slice(x, [1], [4]))
    # Steps of the int64 extremes take one element (end - start + step - 1 once overflowed).
    for k, (st, en, sp) in enumerate((([1], [2 ** 63 - 1], [2 ** 63 - 1]), ([-1], [-2 ** 63], [-2 ** 63]))):
        x = g.rand(F32, (3, 6))
        yield g.case("step_extreme%d" % k, "starts %s ends %s axes [1] steps %s" % (st, en, sp), F32,
                     [In("x", F32, x), In("s", "int64", g.ints(st), True), In("e", "int64", g.ints(en), True),
                      In("ax", "int64", g.ints([1]), True), In("st", "int64", g.ints(sp), True)],
                     ref=lambda x, *r, s=st, e=en, p=sp: np_slice(x, s, e, [1], p))


@op("Split", types=ALL, exact=True)
def split(g):
    neg = g.v >= 11

    def outs(n):
        return ["y%d" % k for k in range(n)]

    def ref_sizes(axis, sizes):
        return lambda x, *r: tuple(np.split(x, np.cumsum(sizes)[:-1], axis))

    # From version 18 an equal split needs num_outputs (or the split input).
    num = (lambda n: {"num_outputs": n}) if g.v >= 18 else (lambda n: {})
    for dt in g.types():
        x = g.rand(dt, (4, 3))
        yield g.case(dt, "two equal parts on axis 0", dt, [In("x", dt, x)], outputs=outs(2), out_types=[dt] * 2,
                     attrs=num(2), ref=ref_sizes(0, [2, 2]))
    for axis in range(-2 if neg else 0, 2):
        x = g.rand(F32, (6, 3) if axis in (0, -2) else (2, 6))
        sizes = [1, 0, 3, 2]
        if g.v < 13:
            yield g.case("split_axis%d" % axis, "split attribute %s (one empty) on axis %d" % (sizes, axis), F32,
                         [In("x", F32, x)], outputs=outs(4), out_types=[F32] * 4,
                         attrs={"axis": axis, "split": sizes}, ref=ref_sizes(axis, sizes))
        else:
            yield g.case("split_axis%d" % axis, "split input %s (one empty) on axis %d" % (sizes, axis), F32,
                         [In("x", F32, x), In("split", "int64", g.ints(sizes), True)], outputs=outs(4),
                         out_types=[F32] * 4, attrs={"axis": axis}, ref=ref_sizes(axis, sizes))
        yield g.case("equal_axis%d" % axis, "three equal parts on axis %d" % axis, F32, [In("x", F32, x)],
                     outputs=outs(3), out_types=[F32] * 3, attrs=dict(axis=axis, **num(3)),
                     ref=lambda x, a=axis: tuple(np.split(x, 3, a)))
    if g.v >= 13:
        x = g.rand(F32, (4, 2))
        yield g.case("split_absent", "split input absent (\"\"), two outputs", F32, [In("x", F32, x), None],
                     outputs=outs(2), out_types=[F32] * 2, attrs=num(2), ref=lambda x: tuple(np.split(x, 2, 0)))
    if g.v >= 18:
        for dim, n in ((7, 3), (5, 2), (4, 4), (2, 3)):
            x = g.rand(F32, (2, dim))
            part = -(-dim // n)
            sizes = [min(part, dim - part * k) for k in range(n)]
            sizes = [s for s in sizes if s > 0]
            yield g.case("num%d_of%d" % (n, dim), "num_outputs %d on a dim of %d" % (n, dim), F32,
                         [In("x", F32, x)], outputs=outs(len(sizes)), out_types=[F32] * len(sizes),
                         attrs={"axis": 1, "num_outputs": len(sizes)}, ref=ref_sizes(1, sizes))
    x = g.rand(F32, (3, 4))
    yield g.case("one_output", "a single output", F32, [In("x", F32, x)], outputs=["y0"],
                 attrs=dict(axis=1, **num(1)), ref=lambda x: x)


def squeeze_ref(axes):
    return lambda x, *r: np.squeeze(x, axis=tuple(axes)) if axes is not None else np.squeeze(x)


@op("Squeeze", types=ALL, exact=True)
def squeeze(g):
    by_input = g.v >= 13
    neg = g.v >= 11

    def mk(tag, what, dt, x, axes):
        if axes is None:
            return g.case(tag, what, dt, [In("x", dt, x)], ref=squeeze_ref(None))
        if by_input:
            return g.case(tag, what, dt, [In("x", dt, x), In("axes", "int64", g.ints(axes), True)],
                          ref=squeeze_ref(axes))
        return g.case(tag, what, dt, [In("x", dt, x)], attrs={"axes": axes}, ref=squeeze_ref(axes))

    for dt in g.types():
        yield mk(dt, "axes [0, 2]", dt, g.rand(dt, (1, 3, 1, 2)), [0, 2])
    yield mk("all", "no axes: every size-1 dim", F32, g.rand(F32, (1, 3, 1, 2, 1)), None)
    yield mk("to_scalar", "[1,1] to a scalar", F32, g.rand(F32, (1, 1)), [0, 1])
    yield mk("empty", "empty tensor [0,1,2]", F32, np.zeros((0, 1, 2), np.float32), [1])
    if neg:
        yield mk("neg", "negative axes [-1, -4]", F32, g.rand(F32, (1, 2, 3, 1)), [-1, -4])
        yield mk("mixed", "axes [2, -5] unsorted", F32, g.rand(F32, (1, 2, 1, 3, 1)), [2, -5])
    if by_input:
        yield g.case("axes_graph_input", "axes from a graph input", F32,
                     [In("x", F32, g.rand(F32, (2, 1))), In("axes", "int64", g.ints([1]))], ref=squeeze_ref([1]))


def unsqueeze_ref(axes):
    def f(x, *r):
        out_r = x.ndim + len(axes)
        for a in sorted(a + out_r if a < 0 else a for a in axes):
            x = np.expand_dims(x, a)
        return x
    return f


@op("Unsqueeze", types=ALL, exact=True)
def unsqueeze(g):
    by_input = g.v >= 13
    neg = g.v >= 11

    def mk(tag, what, dt, x, axes, graph_input=False):
        if by_input:
            return g.case(tag, what, dt, [In("x", dt, x), In("axes", "int64", g.ints(axes), not graph_input)],
                          ref=unsqueeze_ref(axes))
        return g.case(tag, what, dt, [In("x", dt, x)], attrs={"axes": axes}, ref=unsqueeze_ref(axes))

    for dt in g.types():
        yield mk(dt, "axes [0, 3]", dt, g.rand(dt, (2, 3)), [0, 3])
    yield mk("scalar", "a scalar to [1]", F32, g.rand(F32, ()), [0])
    yield mk("unsorted", "axes [4, 1, 0] unsorted", F32, g.rand(F32, (2, 3)), [4, 1, 0])
    yield mk("empty", "empty tensor [0, 2]", F32, np.zeros((0, 2), np.float32), [1])
    if neg:
        yield mk("neg", "negative axes [-1, -3]", F32, g.rand(F32, (2, 3)), [-1, -3])
    if by_input:
        yield mk("graph_input", "axes from a graph input", F32, g.rand(F32, (3,)), [1], graph_input=True)


@op("Reshape", types=ALL, exact=True)
def reshape(g):
    allowzero = g.v >= 14

    def mk(tag, what, dt, x, shape, attrs=None, graph_input=False):
        def ref(x, s):
            s = list(s)
            if not (attrs or {}).get("allowzero"):
                s = [x.shape[i] if d == 0 else d for i, d in enumerate(s)]
            return x.reshape(s)
        return g.case(tag, what, dt, [In("x", dt, x), In("shape", "int64", g.ints(shape), not graph_input)],
                      attrs=attrs, ref=ref)

    for dt in g.types("T"):
        yield mk(dt, "[2,3,4] to [4,-1]", dt, g.rand(dt, (2, 3, 4)), [4, -1])
    yield mk("copy0", "0 copies the input dim", F32, g.rand(F32, (2, 3, 4)), [0, -1, 2])
    yield mk("flat", "to 1-D with -1", F32, g.rand(F32, (2, 3)), [-1])
    yield mk("scalar", "[1,1] to a scalar", F32, g.rand(F32, (1, 1)), [])
    yield mk("from_scalar", "a scalar to [1,1,1]", F32, g.rand(F32, ()), [1, 1, 1])
    yield mk("empty", "empty [2,0,3] to [0,-1,3] (0 copies, -1 is 0)", F32, np.zeros((2, 0, 3), np.float32),
             [0, -1, 3])
    yield mk("graph_input", "shape from a graph input", F32, g.rand(F32, (6,)), [3, 2], graph_input=True)
    # PyTorch's exporter writes a view of an empty tensor whose computed sizes include 0 as a plain
    # Reshape (torchaudio's streaming Emformer): a 0 past the input's rank stays 0 when the input is
    # empty (it has no dim to copy); onnxruntime refuses it.
    c = g.case("empty_zero_past_rank", "empty [0] to [1,0] (allowzero 0: the 0 past the rank stays 0)", F32,
               [In("x", F32, np.zeros((0,), np.float32)), In("shape", "int64", g.ints([1, 0]), True)],
               ref=lambda x, s: x.reshape(1, 0), ort=False,
               why="onnxruntime refuses a 0 past the input's rank (it has no dim to copy)")
    c.infer = False  # the checker's shape inference refuses it too
    yield c
    if allowzero:
        yield mk("allowzero", "allowzero 1: a 0 is a zero dim", F32, np.zeros((0, 3), np.float32), [3, 0],
                 attrs={"allowzero": 1})
        yield mk("allowzero_plain", "allowzero 1 without zeros", F32, g.rand(F32, (2, 3)), [3, -1],
                 attrs={"allowzero": 1})


@op("Flatten", types=ALL, exact=True)
def flatten(g):
    neg = g.v >= 11

    def ref(a):
        def f(x):
            r = x.ndim
            k = a + r if a < 0 else a
            return x.reshape(int(np.prod(x.shape[:k], dtype=np.int64)), int(np.prod(x.shape[k:], dtype=np.int64)))
        return f
    for dt in g.types():
        yield g.case(dt, "default axis 1", dt, [In("x", dt, g.rand(dt, (2, 3, 2)))], ref=ref(1))
    for a in range(-3 if neg else 0, 4):
        yield g.case("axis%d" % a, "[2,3,4] at axis %d" % a, F32, [In("x", F32, g.rand(F32, (2, 3, 4)))],
                     attrs={"axis": a}, ref=ref(a))
    yield g.case("empty", "[2,0,3] at axis 2", F32, [In("x", F32, np.zeros((2, 0, 3), np.float32))],
                 attrs={"axis": 2}, ref=ref(2))
    yield g.case("rank1", "a vector at axis 0", F32, [In("x", F32, g.rand(F32, (4,)))], attrs={"axis": 0},
                 ref=ref(0))


@op("Transpose", types=ALL, exact=True)
def transpose(g):
    for dt in g.types():
        yield g.case(dt, "default perm (reversed) on [2,3,4]", dt, [In("x", dt, g.rand(dt, (2, 3, 4)))],
                     ref=lambda x: np.transpose(x))
    for k, (shp, perm) in enumerate((((2, 3), [1, 0]), ((2, 3, 4), [1, 0, 2]), ((2, 3, 4), [2, 0, 1]),
                                     ((1, 2, 1, 3), [3, 1, 0, 2]), ((2, 1, 3, 2, 2), [4, 2, 0, 3, 1]),
                                     ((3,), [0]), ((0, 2, 3), [2, 0, 1]), ((2, 3, 4), [0, 1, 2]))):
        yield g.case("p%d" % k, "shape %s perm %s" % (shp, perm), F32, [In("x", F32, g.rand(F32, shp))],
                     attrs={"perm": perm}, ref=lambda x, p=perm: np.transpose(x, p))


@op("Expand", types=ALL, exact=True)
def expand(g):
    for dt in g.types():
        yield g.case(dt, "[3,1] to [2,3,4]", dt,
                     [In("x", dt, g.rand(dt, (3, 1))), In("shape", "int64", g.ints([2, 1, 4]), True)],
                     ref=lambda x, s: np.broadcast_to(x, np.broadcast_shapes(x.shape, tuple(s))).copy())
    for k, (xs, s) in enumerate((((1,), [2, 3]), ((2, 3), [1, 1]), ((), [2, 2]), ((0, 1), [0, 4]),
                                 ((2, 1, 3), [4, 1, 1, 1]), ((3,), [3]))):
        yield g.case("s%d" % k, "%s to shape %s" % (xs, s), F32,
                     [In("x", F32, g.rand(F32, xs)), In("shape", "int64", g.ints(s), k != 1)],
                     ref=lambda x, sh: np.broadcast_to(x, np.broadcast_shapes(x.shape, tuple(sh))).copy())


@op("Tile", types=ALL, exact=True)
def tile(g):
    for dt in g.types():
        yield g.case(dt, "[2,3] repeats [2,1]", dt,
                     [In("x", dt, g.rand(dt, (2, 3))), In("r", "int64", g.ints([2, 1]), True)],
                     ref=lambda x, r: np.tile(x, r))
    for k, (xs, r) in enumerate((((3,), [3]), ((1, 2, 1), [2, 3, 4]), ((2, 2), [0, 2]), ((0, 2), [3, 1]),
                                 ((2, 3), [1, 1]))):
        yield g.case("r%d" % k, "%s repeats %s" % (xs, r), F32,
                     [In("x", F32, g.rand(F32, xs)), In("r", "int64", g.ints(r), k != 4)],
                     ref=lambda x, rr: np.tile(x, rr))


@op("ReverseSequence", types=ALL, exact=True)
def reverse_sequence(g):
    def ref(batch_axis, time_axis):
        def f(x, lens):
            y = x.copy()
            for b, n in enumerate(lens):
                idx = [slice(None)] * x.ndim
                idx[batch_axis] = b
                idx[time_axis] = slice(0, n)
                src = [slice(None)] * x.ndim
                src[batch_axis] = b
                src[time_axis] = slice(n - 1, None, -1) if n > 0 else slice(0, 0)
                y[tuple(idx)] = x[tuple(src)] if n > 0 else y[tuple(idx)]
            return y
        return f
    for dt in g.types("T"):
        yield g.case(dt, "time-major [4,3,2], lengths [4,1,3]", dt,
                     [In("x", dt, g.rand(dt, (4, 3, 2))), In("lens", "int64", g.ints([4, 1, 3]))], ref=ref(1, 0))
    yield g.case("batch_major", "batch_axis 0, time_axis 1", F32,
                 [In("x", F32, g.rand(F32, (3, 5))), In("lens", "int64", g.ints([2, 5, 1]))],
                 attrs={"batch_axis": 0, "time_axis": 1}, ref=ref(0, 1))
    yield g.case("rank4", "rank 4, lengths an initializer", F32,
                 [In("x", F32, g.rand(F32, (3, 2, 2, 2))), In("lens", "int64", g.ints([3, 2]), True)],
                 attrs={"batch_axis": 1, "time_axis": 0}, ref=ref(1, 0))
    yield g.case("all_full", "every length is T", F32,
                 [In("x", F32, g.rand(F32, (2, 2, 3))), In("lens", "int64", g.ints([2, 2]))], ref=ref(1, 0))


# ---------------------------------------------------------------- shapes and constants
@op("Shape", types=ALL, exact=True)
def shape(g):
    for dt in g.types("T"):
        yield g.case(dt, "shape of [2,3,1]", dt, [In("x", dt, g.rand(dt, (2, 3, 1)))], out_types=["int64"],
                     ref=lambda x: np.array(x.shape, np.int64))
    for k, shp in enumerate(((), (0, 4), (5,), (1, 2, 3, 4, 1))):
        yield g.case("s%d" % k, "shape of %s" % (shp,), F32, [In("x", F32, g.rand(F32, shp))], out_types=["int64"],
                     ref=lambda x: np.array(x.shape, np.int64))
    if g.v >= 15:
        for k, (s, e) in enumerate(((1, None), (None, -1), (-2, 10), (5, None), (2, 1), (-10, 2), (0, 0))):
            attrs = {}
            if s is not None:
                attrs["start"] = s
            if e is not None:
                attrs["end"] = e
            yield g.case("se%d" % k, "start %s end %s on rank 3" % (s, e), F32, [In("x", F32, g.rand(F32, (2, 3, 4)))],
                         out_types=["int64"], attrs=attrs,
                         ref=lambda x, s=s, e=e: np.array(x.shape[slice(s, e)], np.int64))


@op("ConstantOfShape", types=ALL, exact=True)
def constant_of_shape(g):
    for dt in g.types("T2"):
        v = g.rand(dt, (1,))
        yield g.case(dt, "value of type %s, shape [2,3]" % dt, dt, [In("shape", "int64", g.ints([2, 3]))],
                     out_types=[dt], attrs={"value": ("tensor", dt, v)},
                     ref=lambda s, v=v, dt=dt: np.full(tuple(s), v[0] if dt != "bfloat16" else np.float64(v[0])))
    yield g.case("default", "no value: float32 zeros", F32, [In("shape", "int64", g.ints([3, 1, 2]))],
                 out_types=[F32], ref=lambda s: np.zeros(tuple(s)))
    yield g.case("scalar", "empty shape: a scalar", F32, [In("shape", "int64", g.ints([]), True)],
                 out_types=[F32], attrs={"value": ("tensor", F32, np.array([2.5], np.float32))},
                 ref=lambda s: np.array(2.5))
    yield g.case("empty", "a zero dim", "int32", [In("shape", "int64", g.ints([2, 0]))], out_types=["int32"],
                 attrs={"value": ("tensor", "int32", np.array([7], np.int32))}, ref=lambda s: np.full((2, 0), 7, np.int32))


@op("Constant", types=ALL, exact=True)
def constant(g):
    for k, dt in enumerate(g.types()):
        shp = [(2, 3), (), (4,), (1, 2, 2), (0, 2)][k % 5]
        v = g.rand(dt, shp)
        yield g.case(dt, "value tensor %s of shape %s" % (dt, shp), dt, [], out_types=[dt],
                     attrs={"value": ("tensor", dt, v)}, ref=lambda v=v: v)
    if g.v >= 12:
        yield g.case("value_float", "value_float", F32, [], out_types=[F32], attrs={"value_float": 1.25},
                     ref=lambda: np.array(1.25))
        yield g.case("value_floats", "value_floats", F32, [], out_types=[F32],
                     attrs={"value_floats": [0.5, -2.0, 3.25]}, ref=lambda: np.array([0.5, -2.0, 3.25]))
        yield g.case("value_int", "value_int", "int64", [], out_types=["int64"], attrs={"value_int": -7},
                     ref=lambda: np.array(-7, np.int64))
        yield g.case("value_ints", "value_ints", "int64", [], out_types=["int64"],
                     attrs={"value_ints": [3, 0, -1, 2 ** 40]}, ref=lambda: np.array([3, 0, -1, 2 ** 40], np.int64))


@op("Identity", types=ALL, exact=True)
def identity(g):
    for dt in g.types():
        yield g.case(dt, "copy of %s" % dt, dt, [In("x", dt, g.rand(dt, g.shape()))], ref=lambda x: x)
    yield g.case("scalar", "a scalar", F32, [In("x", F32, g.rand(F32, ()))], ref=lambda x: x)
    yield g.case("empty", "an empty tensor", F32, [In("x", F32, np.zeros((3, 0), np.float32))], ref=lambda x: x)
    yield g.case("init", "an initializer", F32, [In("x", F32, g.rand(F32, (2, 2)), True)], ref=lambda x: x)


# ---------------------------------------------------------------- Cast
def cast_values(g, s, t):
    """Source values for a cast s -> t that the spec defines (no out-of-range float -> int)."""
    r = g.rng
    if s == "bool":
        return np.array([True, False, True, True, False, False])
    if s in FLOATS:
        if t in FLOATS:
            v = list(r.standard_normal(5) * 3) + [0.0, -0.0, 1e-3, 300.5, np.inf, -np.inf, np.nan]
            if t == "float16" and s != "float16":
                v += [7e4, -1e5, 65519.0, 65520.0]  # beyond float16: infinities (65520 rounds up)
            if t in ("float16", "bfloat16") and s in ("float32", "float64"):
                v += [1e-6, -6e-8, 2.9e-8, 3e-39, 1.00048828125]  # subnormals, underflow, ties
            return to_float(v, s)
        if t == "bool":
            return to_float([0.0, -0.0, 0.5, -2.0, np.nan, np.inf], s)
        info = np.iinfo(t) if t != "bool" else None
        lo, hi = max(-100, int(info.min)), min(100, int(info.max))
        return to_float(list(r.uniform(lo, hi, 6)) + [lo + 0.25, hi - 0.25], s)
    info = np.iinfo(s)
    v = list(r.integers(max(-100, int(info.min)), min(100, int(info.max)) + 1, 5))
    extra = {"int16": [300, -200, 32767], "int32": [300, -200, 70000, -2 ** 31],
             "int64": [300, -200, 70000, 2 ** 53 + 2 ** 29 + 1, -2 ** 62 - 2 ** 38 - 1],
             "uint16": [300, 65535], "uint32": [300, 70000, 2 ** 32 - 1],
             "uint64": [300, 70000, 2 ** 63 + 2 ** 39 + 1, 2 ** 64 - 1], "int8": [-128, 127],
             "uint8": [255, 128]}[s]
    if t == "float16":
        extra = [e for e in extra if abs(e) < 60000]  # beyond float16 is +-inf: tested from floats
    return np.array(v + extra, info.dtype)


def to_float(v, dt):
    from diff_case import to_dtype
    return to_dtype(np.array(v, np.float64), dt)


def cast_ref(t):
    def f(x):
        if t in FLOATS:
            return x.astype(np.float64)
        if t == "bool":
            return x != 0
        if x.dtype.kind == "f":
            return np.trunc(x).astype(np.int64).astype(t)
        return x.astype(t)  # integers wrap (two's complement)
    return f


def cast_pairs(g, every_at):
    """(source, target) type pairs of Cast and CastLike: every pair at version every_at, else
    each source type to one target, rotating with the version."""
    types = g.types("T1", sweep=True)
    targets = g.types("T2", sweep=True)
    if g.v == every_at:
        return [(s, t) for s in types for t in targets]
    return [(s, targets[(i + g.v) % len(targets)]) for i, s in enumerate(types)]


@op("Cast", types=ALL, exact=True)
def cast(g):
    pairs = cast_pairs(g, 13)
    from diff_case import DTYPES
    for s, t in pairs:
        x = cast_values(g, s, t)
        yield g.case("%s_to_%s" % (s, t), "cast %s to %s" % (s, t), s, [In("x", s, x)], out_types=[t],
                     attrs={"to": DTYPES[t][0]}, ref=cast_ref(t))
    if g.v >= 19:
        x = cast_values(g, "float32", "float16")
        yield g.case("saturate0", "saturate 0 (it concerns float8 only)", F32, [In("x", F32, x)],
                     out_types=["float16"], attrs={"to": DTYPES["float16"][0], "saturate": 0}, ref=cast_ref("float16"))
    if g.v >= 24:
        x = cast_values(g, "float32", "int32")
        yield g.case("round_mode", "round_mode \"down\" (it concerns float8e8m0 only)", F32, [In("x", F32, x)],
                     out_types=["int32"], attrs={"to": DTYPES["int32"][0], "round_mode": "down"},
                     ref=cast_ref("int32"))


# ---------------------------------------------------------------- Range
@op("Range", types=["float32", "float64", "int16", "int32", "int64"])
def range_(g):
    def ref_for(dt):
        def ref(s, l, d):
            # The count ceil((limit - start) / delta): onnxruntime subtracts in the inputs' type
            # and divides in double (float32 0.3 / 0.1 gives 4 elements, not 3).
            t = {"float32": np.float32, "float64": np.float64}.get(dt, np.float64)
            n = max(int(np.ceil(np.float64(t(l) - t(s)) / np.float64(t(d)))), 0)
            return (s + np.arange(n) * d).astype(s.dtype) if s.dtype.kind != "f" else s + np.arange(n) * d
        return ref
    for dt in g.types():
        fl = dt in FLOATS
        for k, (s, l, d) in enumerate(((0.5, 3.0, 0.7), (10, 1, -3), (5, 1, 2), (-3, 4, 1), (0, 0.3, 0.1),
                                       (1, 0, -0.1))
                                      if fl else ((1, 10, 3), (10, 1, -3), (5, 1, 2), (-3, 4, 1))):
            cast = np.dtype({"float32": np.float32, "float64": np.float64, "int16": np.int16,
                             "int32": np.int32, "int64": np.int64}[dt]).type
            ins = [In(n, dt, np.array(cast(v)), k % 2 == 1) for n, v in (("start", s), ("limit", l), ("delta", d))]
            yield g.case("%s_%d" % (dt, k), "start %s limit %s delta %s%s" % (
                s, l, d, " (initializers)" if k % 2 else ""), dt, ins, ref=ref_for(dt))
    if "int64" in g.types():  # near 2^63: a count in double rounded these to none
        ins = [In(n, "int64", np.array(np.int64(v))) for n, v in
               (("start", 2 ** 63 - 3), ("limit", 2 ** 63 - 1), ("delta", 1))]
        yield g.case("int64_top", "start 2^63-3 limit 2^63-1 delta 1", "int64", ins,
                     ref=lambda s, l, d: np.arange(s, l, d, dtype=np.int64), ort=False,
                     why="onnxruntime 1.30 counts in double and returns no element; NumPy's arange two")


# ---------------------------------------------------------------- reductions
def reduce_ref(kind, axes, keepdims, noop=False):
    def f(x, *r):
        ax = axes
        if ax is None or len(ax) == 0:
            if noop:
                return x
            ax = tuple(range(x.ndim))
        ax = tuple(a + x.ndim if a < 0 else a for a in ax)
        kd = bool(keepdims)
        if kind == "sum":
            return x.sum(axis=ax, keepdims=kd) if x.dtype.kind == "f" else x.sum(axis=ax, keepdims=kd, dtype=x.dtype)
        if kind == "max":
            if x.size == 0:
                low = -np.inf if x.dtype.kind == "f" else False if x.dtype == np.bool_ else np.iinfo(x.dtype).min
                return np.full([1 if i in ax else d for i, d in enumerate(x.shape)] if kd else
                               [d for i, d in enumerate(x.shape) if i not in ax], low, dtype=x.dtype)
            return x.max(axis=ax, keepdims=kd)
        if kind == "prod":
            return x.prod(axis=ax, keepdims=kd) if x.dtype.kind == "f" else x.prod(axis=ax, keepdims=kd, dtype=x.dtype)
        if x.dtype.kind == "f":
            return x.mean(axis=ax, keepdims=kd)
        cnt = int(np.prod([x.shape[a] for a in ax]))
        return trunc_div(x.sum(axis=ax, keepdims=kd, dtype=np.int64), np.int64(cnt)).astype(x.dtype)
    return f


def reductions(g, kind, input_since):
    by_input = g.v >= input_since
    neg = g.v >= 11

    def mk(tag, what, dt, x, axes, keepdims=None, noop=None, graph_input=False):
        ins, attrs = reduce_inputs(g, by_input, dt, x, axes, keepdims, noop, graph_input)
        return g.case(tag, what, dt, ins, attrs=attrs,
                      ref=reduce_ref(kind, axes, 1 if keepdims is None else keepdims, bool(noop)))

    for dt in g.types():
        yield mk(dt, "every axis, keepdims default", dt, g.rand(dt, (3, 4)), None)
    for k, axes in enumerate(([1], [0, 2], [-1], [-3, 1], [2, 1, 0])):
        if not neg and any(a < 0 for a in axes):
            continue
        for keep in (k % 2,):
            yield mk("ax%d_k%d" % (k, keep), "axes %s keepdims %d" % (axes, keep), F32, g.rand(F32, (2, 3, 4)), axes, keep)
    yield mk("all_k0", "every axis, keepdims 0", F32, g.rand(F32, (2, 3)), None, 0)
    yield mk("nan_inf", "NaN and infinities", F32, np.array([[np.nan, 1, -np.inf], [np.inf, 2, 0]], np.float32),
             [1], 0)
    yield mk("size1", "axis of size 1", F32, g.rand(F32, (3, 1, 2)), [1], 0)
    yield mk("empty_keep", "empty [2,0] over axis 0", F32, np.zeros((2, 0), np.float32), [0], 1)
    if kind in ("sum", "prod") or (kind == "max" and g.v >= 18):  # the mean of nothing is
        # undefined; the max of nothing is the type's lowest value from version 18
        yield mk("empty_axis", "empty [0,3] over the empty axis", F32, np.zeros((0, 3), np.float32), [0], 0)
        if kind == "max" and "int32" in g.types(sweep=True):
            yield mk("empty_axis_int32", "int32 [0,3] over the empty axis", "int32", np.zeros((0, 3), np.int32),
                     [0], 0)
    if by_input:
        x = g.rand(F32, (2, 3))
        yield mk("noop", "no axes with noop_with_empty_axes 1", F32, x, None, 1, 1)
        yield mk("empty_axes", "an empty axes input: every axis", F32, x, [], 0)
        yield mk("empty_axes_noop", "an empty axes input with noop 1", F32, x, [], 1, 1)
        yield mk("axes_input", "axes from a graph input", F32, g.rand(F32, (2, 3, 2)), [0, 2], 1, graph_input=True)
    if "int32" in g.types():
        yield mk("int32_ax", "int32 over axis 1", "int32", g.rand("int32", (3, 4)), [1], 0)
    if kind == "max" and "bool" in g.types():
        x = np.array([[False, True, False], [False, False, False]])
        yield mk("bool_rows", "bool (False < True) over axis 1", "bool", x, [1], 0)
        yield mk("bool_empty", "bool [0,2] over the empty axis: false", "bool", np.zeros((0, 2), np.bool_), [0], 0)


@op("ReduceSum", types=NUMERIC)
def reduce_sum(g):
    yield from reductions(g, "sum", 13)


@op("ReduceMean", types=NUMERIC)
def reduce_mean(g):
    yield from reductions(g, "mean", 18)


@op("ReduceMax", types=NUMERIC + ["bool"], exact=True)
def reduce_max(g):
    yield from reductions(g, "max", 18)


# ---------------------------------------------------------------- Dropout (inference)
@op("Dropout", types=FLOATS, exact=True)
def dropout(g):
    mask_t = (lambda dt: dt) if g.v < 10 else (lambda dt: "bool")

    def ref_mask(x, *r):
        return x, np.ones(x.shape, np.bool_)
    for dt in g.types("T"):
        yield g.case(dt, "inference: y = x", dt, [In("x", dt, g.rand(dt, (2, 3)))], ref=lambda x, *r: x)
    x = g.rand(F32, (3, 4))
    # onnxruntime's Dropout 7 and 10 write a zero mask in inference; ONNX's reference
    # implementation (onnx/reference/ops/op_dropout.py) gives ones, as Dropout 12 does.
    old = g.v < 12
    yield g.case("mask", "mask output", F32, [In("x", F32, x)], outputs=["y", "mask"],
                 out_types=[F32, mask_t(F32)], ref=ref_mask, ort=not old,
                 why="onnxruntime's Dropout-7/10 mask is zeros in inference; ONNX's reference gives ones"
                 if old else None)
    if g.v < 12:
        yield g.case("ratio", "ratio 0.3", F32, [In("x", F32, x)], attrs={"ratio": 0.3}, ref=lambda x: x)
        return
    r = lambda v: In("ratio", F32, np.array(v, np.float32))  # noqa: E731
    tm = lambda v, init=False: In("training_mode", "bool", np.array(v), init)  # noqa: E731
    yield g.case("ratio_input", "ratio input 0.3", F32, [In("x", F32, x), r(0.3)], ref=lambda x, *a: x)
    yield g.case("not_training", "training_mode false, mask", F32, [In("x", F32, x), r(0.5), tm(False)],
                 outputs=["y", "mask"], out_types=[F32, "bool"], ref=ref_mask)
    yield g.case("training_ratio0", "training_mode true with ratio 0: y = x", F32,
                 [In("x", F32, x), r(0.0), tm(True, True)], outputs=["y", "mask"], out_types=[F32, "bool"],
                 ref=ref_mask)
    yield g.case("seed", "seed attribute, ratio absent (\"\")", F32, [In("x", F32, x), None, tm(False)],
                 attrs={"seed": 7}, ref=lambda x, *a: x)
    if "float64" in g.types("T1"):
        yield g.case("ratio_f64", "float64 ratio", F32, [In("x", F32, x), In("ratio", "float64", np.array(0.2))],
                     ref=lambda x, *a: x)


# ---------------------------------------------------------------- LSTM / GRU / RNN
GATES = {"LSTM": 4, "GRU": 3, "RNN": 1}
SLOTS = ["X", "W", "R", "B", "sequence_lens", "initial_h", "initial_c", "P"]


def recurrent(g, kind):
    T, Bn, I, H = 3, 2, 4, 3
    G_ = GATES[kind]
    outs = ["Y", "Y_h", "Y_c"] if kind == "LSTM" else ["Y", "Y_h"]
    layout_ok = g.v >= 14

    def mk(tag, what, dt="float32", direction="forward", present=("X", "W", "R", "B"), seq=None,
           outputs=None, layout=0, hidden=True, **attrs):
        D = 2 if direction == "bidirectional" else 1
        rng = g.rng
        vals = {"X": rng.standard_normal((T, Bn, I)) * 1.5, "W": rng.standard_normal((D, G_ * H, I)) * 0.5,
                "R": rng.standard_normal((D, G_ * H, H)) * 0.5, "B": rng.standard_normal((D, 2 * G_ * H)) * 0.3,
                "initial_h": rng.standard_normal((D, Bn, H)) * 0.5, "initial_c": rng.standard_normal((D, Bn, H)) * 0.5,
                "P": rng.standard_normal((D, 3 * H)) * 0.5}
        vals = {k: to_float(v, dt) for k, v in vals.items()}
        if seq is not None:
            vals["sequence_lens"] = np.array(seq, np.int32)
        feed = dict(vals)
        if layout:
            for k in ("X", "initial_h", "initial_c"):
                feed[k] = np.ascontiguousarray(np.swapaxes(vals[k], 0, 1))
        used = [k for k in SLOTS if k in present or (k == "sequence_lens" and seq is not None)]
        last = max(SLOTS.index(k) for k in used)
        ins = [In(k, "int32" if k == "sequence_lens" else dt, feed[k]) if k in used else None
               for k in SLOTS[:last + 1]]
        want = outputs or outs
        out_names = [o if o in want else None for o in outs[:max(outs.index(o) for o in want) + 1]]
        a = dict(attrs)
        if hidden:
            a["hidden_size"] = H
        if direction != "forward":
            a["direction"] = direction
        if layout:
            a["layout"] = 1

        def ref(*present_vals):
            v = dict(zip(used, present_vals))
            alpha = attrs.get("activation_alpha")
            beta = attrs.get("activation_beta")
            r = rnn_ref.run(kind, vals["X"].astype(np.float64) if dt != "bfloat16" else np.float64(vals["X"]),
                            v["W"], v["R"], B=v.get("B"), seq=v.get("sequence_lens"), h0=vals.get("initial_h") if "initial_h" in used else None,
                            c0=vals.get("initial_c") if "initial_c" in used else None, P=v.get("P"),
                            direction=direction, hidden_size=H, clip=attrs.get("clip"),
                            input_forget=attrs.get("input_forget", 0),
                            linear_before_reset=attrs.get("linear_before_reset", 0),
                            activations=attrs.get("activations"), alpha=attrs.get("ref_alpha", alpha),
                            beta=attrs.get("ref_beta", beta))
            res = dict(zip(["Y", "Y_h", "Y_c"], r))
            if layout:
                res["Y"] = np.transpose(res["Y"], (2, 0, 1, 3))
                res["Y_h"] = np.swapaxes(res["Y_h"], 0, 1)
                if res.get("Y_c") is not None:
                    res["Y_c"] = np.swapaxes(res["Y_c"], 0, 1)
            return tuple(res[o] for o in out_names if o)
        a.pop("ref_alpha", None)
        a.pop("ref_beta", None)
        return g.case(tag, what, dt, ins, outputs=out_names, out_types=[dt] * len([o for o in out_names if o]),
                      attrs=a, ref=ref, ort=hidden, why=None if hidden else "onnxruntime requires hidden_size")

    state = ("X", "W", "R", "B", "initial_h", "initial_c") if kind == "LSTM" else ("X", "W", "R", "B", "initial_h")
    yield mk("default", "X, W, R, B; every output")
    yield mk("bidi_seq", "bidirectional, ragged sequence_lens, initial state", direction="bidirectional",
             present=state + (("P",) if kind == "LSTM" else ()), seq=[3, 1])
    yield mk("reverse_no_bias", "reverse, no B, only Y_h", direction="reverse", present=("X", "W", "R"),
             outputs=["Y_h"])
    acts = {"LSTM": (["LeakyRelu", "Tanh", "HardSigmoid"], [0.2, 0.3], [0.6]),
            "GRU": (["HardSigmoid", "Softsign"], [0.3], [0.6]), "RNN": (["LeakyRelu"], [0.2], None)}[kind]
    kw = {"activations": acts[0], "activation_alpha": acts[1]}
    if acts[2]:
        kw["activation_beta"] = acts[2]
    yield mk("acts", "activations %s with alpha/beta" % acts[0], **kw)
    # One alpha per activation, 0 for those that take none: every reading gives the same numbers.
    per = {"LSTM": (["LeakyRelu", "Tanh", "Tanh"], [0.2, 0.0, 0.0]), "GRU": (["LeakyRelu", "Tanh"], [0.25, 0.0]),
           "RNN": (["LeakyRelu", "Tanh"], [0.3, 0.0])}[kind]
    yield mk("alpha_per_act", "activation_alpha with one entry per activation (zeros unused)",
             direction="bidirectional" if kind == "RNN" else "forward", activations=per[0],
             activation_alpha=per[1], ref_alpha=[x for x in per[1] if x != 0.0])
    extra = {"LSTM": {"input_forget": 1}, "GRU": {"linear_before_reset": 1} if g.v >= 3 else {},
             "RNN": {}}[kind]
    yield mk("clip", "clip 0.5 %s" % extra, clip=0.5, present=state, **extra)
    if layout_ok:
        yield mk("layout1", "layout 1 (batch-major)", layout=1, present=state, seq=[2, 3])
    yield mk("no_hidden_size", "hidden_size absent (inferred from R)", hidden=False)
    if g.v < 7:  # versions 1-6: output_sequence says whether Y may be left out
        yield mk("output_sequence1", "output_sequence 1, every output", output_sequence=1,
                 direction="bidirectional", present=state, seq=[3, 2])
        yield mk("output_sequence0_yh", "output_sequence 0, only Y_h", output_sequence=0,
                 outputs=["Y_h"])
    yield mk("float16", "float16", dt="float16", present=state, seq=[3, 2])
    if g.v >= 22:
        yield mk("bfloat16", "bfloat16", dt="bfloat16", present=state)
    if kind == "RNN":  # activation_beta: the acts case above has none for RNN
        yield mk("acts_beta", "bidirectional ScaledTanh / Affine with activation_alpha and activation_beta",
                 direction="bidirectional", activations=["ScaledTanh", "Affine"],
                 activation_alpha=[0.8, 0.6], activation_beta=[1.3, 0.2])


@op("LSTM", types=["float32", "float16", "bfloat16"])
def lstm(g):
    yield from recurrent(g, "LSTM")


@op("GRU", types=["float32", "float16", "bfloat16"])
def gru(g):
    yield from recurrent(g, "GRU")


@op("RNN", types=["float32", "float16", "bfloat16"])
def rnn(g):
    yield from recurrent(g, "RNN")
