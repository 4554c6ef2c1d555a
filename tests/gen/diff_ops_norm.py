"""Differential entries of GroupNormalization (18, 21), RMSNormalization (23), Swish (24) and
RotaryEmbedding (23) for make_diff_cases.py (which imports this module). None of them is known
to the Debian onnx 1.12: their versions go to diff_case.LATER_VERSIONS here and each gets a
stand-in schema (type constraints and attribute names from ONNX's onnx/defs/nn/defs.cc,
nn/old.cc and the Swish operator page; none changes at 24-26 per onnxscript's opset files).

The NumPy references follow the operator text and its function body: stage one (statistics,
normalised values) in the precision stash_type names, rounded to X's type, then the scale (and
bias) in X's type."""
import numpy as np

import diff_case
import diff_ops_unary
from diff_case import FLOATS, In, op, to_dtype

F32 = "float32"
F64 = "float64"
I64 = "int64"
F16_TOL = (4e-3, 4e-3)   # a float16 step or two on values of a few units
BF16_TOL = (3e-2, 3e-2)  # the same in bfloat16
F64_STASH1_TOL = (1e-4, 1e-5)  # float64 X through float32 statistics
F64_TOL = (1e-9, 1e-10)  # float64 X with stage one in double

diff_case.LATER_VERSIONS.update({"GroupNormalization": [18, 21], "RMSNormalization": [23],
                                 "Swish": [24], "RotaryEmbedding": [23]})


_FLOAT_T = ["tensor(float16)", "tensor(float)", "tensor(double)", "tensor(bfloat16)"]
diff_case.add_schema("GroupNormalization", {
    18: diff_case.Schema([("T", _FLOAT_T)], ["epsilon", "num_groups"]),
    21: diff_case.Schema([("T", _FLOAT_T)], ["epsilon", "num_groups", "stash_type"])})
diff_case.add_schema("RMSNormalization", {
    23: diff_case.Schema([("T", _FLOAT_T), ("V", _FLOAT_T)], ["axis", "epsilon", "stash_type"])})
diff_case.add_schema("Swish", {24: diff_case.Schema([("T", _FLOAT_T)], ["alpha"])})
diff_case.add_schema("RotaryEmbedding", {23: diff_case.Schema(
    [("T", ["tensor(float)", "tensor(float16)", "tensor(bfloat16)"]), ("M", ["tensor(int64)"])],
    ["interleaved", "rotary_embedding_dim", "num_heads"])})


def tol_of(dt, default=None):
    return BF16_TOL if dt == "bfloat16" else F16_TOL if dt == "float16" else default


def rnd(a, dt):
    """float64 values rounded to element type dt, as float64."""
    return np.asarray(to_dtype(a, dt), np.float64)


def f32(a):
    return np.asarray(a, np.float64).astype(np.float32).astype(np.float64)


# ---------------------------------------------------------------- GroupNormalization
def gn_ref(groups, dt, eps=1e-5, per_group=False, stash=1):
    def f(x, s, b):
        if x.size == 0:
            return x.copy()
        xs = f32(x) if stash == 1 else x
        N, C = x.shape[:2]
        xr = xs.reshape(N, groups, -1)
        mean = xr.mean(axis=-1, keepdims=True)
        var = ((xr - mean) ** 2).mean(axis=-1, keepdims=True)
        nrm = ((xr - mean) / np.sqrt(var + np.float64(np.float32(eps)))).reshape(x.shape)
        if stash == 1:
            nrm = f32(nrm)
        nrm = rnd(nrm, dt)
        if per_group:
            s, b = np.repeat(s, C // groups), np.repeat(b, C // groups)
        shp = (1, C) + (1,) * (x.ndim - 2)
        return rnd(rnd(s.reshape(shp) * nrm, dt) + b.reshape(shp), dt)
    return f


def centre_flat_groups(x, groups, dt, eps):
    """x with every group of two or more finite values whose variance (plus epsilon) is under
    0.1% of their mean square centred (its mean subtracted). With float32 statistics
    onnxruntime, like ONNX's function body, takes the variance as E[x^2] - E[x]^2, which
    cancels there (held-out salt 2: two values 0.013 apart near 2 gave a variance 1.4% low and
    outputs 0.6% off the two-pass value); centred, both readings agree. Other groups are left
    as drawn."""
    if x.size == 0 or x.size // (x.shape[0] * groups) < 2:
        return x
    xr = np.asarray(x, np.float64).reshape(x.shape[0], groups, -1)
    with np.errstate(invalid="ignore", over="ignore"):
        m = xr.mean(axis=-1, keepdims=True)
        ms = (xr ** 2).mean(axis=-1, keepdims=True)
        var = ((xr - m) ** 2).mean(axis=-1, keepdims=True)
        flat = np.isfinite(ms) & (var + eps < 1e-3 * ms)
    if not flat.any():
        return x
    return to_dtype(np.where(flat, xr - m, xr).reshape(x.shape), dt)


@op("GroupNormalization", types=FLOATS)
def group_normalization(g):
    per_group = g.v < 21

    def case(tag, what, dt, x, groups, attrs=None, tol=None, stash=1, numpy=True, centre=True,
             **kw):
        """numpy False: onnxruntime alone (its float32 or float16 arithmetic of stage one is
        not reproduced closer than the generator's cross-check tolerance of the type); centre
        False: X as given (else centre_flat_groups)."""
        C = x.shape[1]
        if per_group and dt == F64:
            stash = 11  # version 18: stage one in X's type
        if stash == 1 and centre:
            x = centre_flat_groups(x, groups, dt, (attrs or {}).get("epsilon", 1e-5))
        if dt == F64 and stash == 1 or per_group and dt == "float16":
            numpy = False
        if dt == F64 and stash == 11 and tol is None:
            tol = F64_TOL
        n = groups if per_group else C
        s, b = g.rand(dt, (n,)), g.rand(dt, (n,))
        a = {"num_groups": groups}
        a.update(attrs or {})
        return g.case(tag, what, dt, [In("x", dt, x), In("scale", dt, s), In("bias", dt, b)],
                      attrs=a,
                      ref=gn_ref(groups, dt, a.get("epsilon", 1e-5), per_group, stash) if numpy
                      else None,
                      tol=tol if tol is not None else tol_of(dt), **kw)

    for dt in g.types():
        G = int(g.rng.integers(1, 4))
        shape = (2, G * int(g.rng.integers(1, 4))) + g.shape(int(g.rng.integers(1, 3)))
        yield case("rand_" + dt, "random shape %s, %d groups" % (shape, G), dt,
                   g.rand(dt, shape), G)
    x = g.rand(F32, (2, 6, 5))
    yield case("one_group", "num_groups 1 (LayerNormalization over C and time)", F32, x, 1)
    yield case("per_channel", "num_groups = C (InstanceNormalization)", F32,
               g.rand(F32, (2, 6, 5)), 6)
    yield case("eps", "epsilon 0.5, 3-D [1, 8, 7] in 4 groups", F32, g.rand(F32, (1, 8, 7)), 4,
               {"epsilon": 0.5})
    yield case("rank2", "2-D X [3, 4] (no spatial axis)", F32, g.rand(F32, (3, 4)), 2)
    yield case("rank5", "5-D X [1, 4, 2, 3, 2], 2 groups", F32, g.rand(F32, (1, 4, 2, 3, 2)), 2)
    x = g.rand(F32, (2, 4, 3))
    x[0, 1, 2] = np.nan
    x[1, 3, 0] = np.inf
    yield case("nan_inf", "a NaN and an inf: their groups become NaN, the others do not", F32,
               x, 2)
    yield case("empty_spatial", "empty spatial axis [2, 4, 0, 3]", F32,
               np.zeros((2, 4, 0, 3), np.float32), 2)
    yield case("empty_batch", "empty batch [0, 6, 3]", F32, np.zeros((0, 6, 3), np.float32), 3)
    if not per_group:
        yield case("stash11_f32", "stash_type 11: float32 X, statistics in double", F32,
                   g.rand(F32, (2, 4, 6)), 2, {"stash_type": 11}, stash=11)
        yield case("stash1_f64", "stash_type 1 (default) with float64 X: statistics in float32",
                   F64, g.rand(F64, (2, 4, 6)), 2, tol=F64_STASH1_TOL)
        yield case("stash11_f64", "stash_type 11 with float64 X", F64, g.rand(F64, (2, 6, 3)), 3,
                   {"stash_type": 11}, stash=11)
        yield case("stash11_f16", "stash_type 11 with float16 X", "float16",
                   g.rand("float16", (1, 4, 5)), 2, {"stash_type": 11}, stash=11)
    else:
        yield case("f64_conv_tasnet", "float64, [1, 8, 16] in 1 group (Conv-TasNet's gLN)", F64,
                   g.rand(F64, (1, 8, 16)), 1)
    x = np.array([[-1.5, 0.75, 2.0146098, 2.001938], [3.0, 3.0125, -0.5, 1.25]], np.float32)
    yield case("flat_group", "groups of two nearly equal values (variance 4e-5 and 3.9e-5 on a "
               "mean square of 4 and 9)", F32, x, 2, centre=False, ort=False,
               why="onnxruntime, like ONNX's function body, takes the variance as E[x^2] - "
               "E[x]^2 in float32, which cancels here (outputs up to 4.5% off); the NumPy "
               "reference takes the spec's mean and variance in two passes")


# ---------------------------------------------------------------- RMSNormalization
def rms_ref(axis, dt, eps=1e-5, stash=1):
    def f(x, s):
        if x.size == 0:
            return (x * s).copy()
        xs = f32(x) if stash == 1 else x
        ax = tuple(range(axis % x.ndim, x.ndim))
        rms = np.sqrt((xs * xs).mean(axis=ax, keepdims=True) + np.float64(np.float32(eps)))
        if stash == 1:
            rms = f32(rms)
        nrm = xs / rms
        if stash == 1:
            nrm = f32(nrm)
        return rnd(nrm, dt) * s
    return f


@op("RMSNormalization", types=FLOATS)
def rms_normalization(g):
    def case(tag, what, dt, x, s, axis=-1, attrs=None, sdt=None, tol=None, stash=1, numpy=True,
             **kw):
        sdt = sdt or dt
        a = dict(attrs or {})
        if axis != -1:
            a["axis"] = axis
        if dt == F64 and stash == 1:
            numpy = False  # onnxruntime's float32 statistics: compared at F64_STASH1_TOL
            tol = tol or F64_STASH1_TOL
        if dt == F64 and sdt == F64 and stash == 11 and tol is None:
            tol = F64_TOL
        return g.case(tag, what, dt, [In("x", dt, x), In("scale", sdt, s)], out_types=[sdt],
                      attrs=a, ref=rms_ref(axis, dt, a.get("epsilon", 1e-5), stash) if numpy
                      else None, tol=tol if tol is not None else tol_of(sdt, tol_of(dt)), **kw)

    for dt in g.types():
        shape = g.shape(int(g.rng.integers(1, 4)), lo=2, hi=5)
        yield case("rand_" + dt, "random shape %s, axis -1, scale [%d]" % (shape, shape[-1]), dt,
                   g.rand(dt, shape), g.rand(dt, shape[-1:]))
    for sdt in ("float16", F64):
        yield case("scale_" + sdt, "float32 X, %s scale and Y" % sdt, F32, g.rand(F32, (3, 5)),
                   g.rand(sdt, (5,)), sdt=sdt)
    x = g.rand(F32, (2, 3, 4))
    yield case("axis1", "axis 1 over [3, 4], scale [3, 4]", F32, x, g.rand(F32, (3, 4)), 1)
    yield case("axis_neg2", "axis -2 over [3, 4], scale [4] broadcast over the 3", F32,
               g.rand(F32, (2, 3, 4)), g.rand(F32, (4,)), -2)
    yield case("axis0", "axis 0: the whole [2, 3, 4], scale [3, 1]", F32,
               g.rand(F32, (2, 3, 4)), g.rand(F32, (3, 1)), 0)
    yield case("axis_neg3", "axis -3 (= 0), scale [1]", F32, g.rand(F32, (2, 3, 4)),
               g.rand(F32, (1,)), -3)
    yield case("scale_wide", "axis -1, scale [3, 4] (broadcasts to X, wider than the row)", F32,
               g.rand(F32, (2, 3, 4)), g.rand(F32, (3, 4)))
    yield case("eps", "epsilon 0.5, rank 1", F32, g.rand(F32, (6,)), g.rand(F32, (6,)),
               attrs={"epsilon": 0.5})
    yield case("stash11", "stash_type 11: float32 X, statistics in double", F32,
               g.rand(F32, (3, 7)), g.rand(F32, (7,)), attrs={"stash_type": 11}, stash=11)
    yield case("stash11_f64", "stash_type 11 with float64 X", F64, g.rand(F64, (2, 5)),
               g.rand(F64, (5,)), attrs={"stash_type": 11}, stash=11)
    yield case("stash11_f16", "stash_type 11 with float16 X", "float16",
               g.rand("float16", (2, 6)), g.rand("float16", (6,)), attrs={"stash_type": 11},
               stash=11)
    x = g.rand(F32, (3, 4))
    x[0, 1], x[1, 2] = np.nan, np.inf
    x[2] = 0
    yield case("nan_inf_zero", "rows with a NaN, an inf (inf / inf is NaN, the rest 0) and all "
               "zeros, epsilon 0 (0 / 0 is NaN)", F32, x, g.rand(F32, (4,)),
               attrs={"epsilon": 0.0})
    yield case("empty_row", "empty normalised axis [2, 0] (axis -1)", F32,
               np.zeros((2, 0), np.float32), np.zeros((0,), np.float32))
    yield case("empty_outer", "empty outer axis [0, 4]", F32, np.zeros((0, 4), np.float32),
               g.rand(F32, (4,)))


# ---------------------------------------------------------------- Swish
def swish_ref(a):
    a = float(np.float32(a))
    return lambda x: x * (1.0 / (1.0 + np.exp(-(a * x))))


@op("Swish", types=FLOATS)
def swish(g):
    yield from diff_ops_unary.cases(g, swish_ref(1.0), diff_ops_unary.COMMON + [-100.0, 100.0])
    yield from diff_ops_unary.long_halves(g, swish_ref(1.0))
    for a in (1.702, 0.5, -1.25, 0.0):
        yield from diff_ops_unary.cases(g, swish_ref(a), None, attrs={"alpha": a},
                                        tag="alpha%g_" % a, full=False)
    x = diff_case.to_dtype(np.array(diff_ops_unary.COMMON, np.float64), F32)
    yield g.case("alpha0_special", "alpha 0 (x / 2; 0 * inf is NaN) on special values", F32,
                 [In("x", F32, x)], attrs={"alpha": 0.0}, ref=swish_ref(0.0))


# ---------------------------------------------------------------- RotaryEmbedding
def rope_ref(interleaved=0, rot_dim=0, num_heads=0):
    """The operator text's algorithm (cos / sin rows picked by position_ids, else read directly;
    a batch of 1 broadcasts)."""
    def f(x, cos, sin, pos=None):
        if x.ndim == 4:
            xi = x.transpose(0, 2, 1, 3)
        else:
            xi = x.reshape(x.shape[0], x.shape[1], num_heads, x.shape[2] // num_heads)
        D = xi.shape[3]
        rot = rot_dim or D
        half = rot // 2
        if pos is not None:
            cos, sin = cos[pos], sin[pos]
        c, s = cos[:, :, None, :half], sin[:, :, None, :half]
        xr = xi[..., :rot]
        x1, x2 = (xr[..., 0::2], xr[..., 1::2]) if interleaved else (xr[..., :half], xr[..., half:])
        out = np.array(np.broadcast_to(xi, np.broadcast_shapes(xi.shape, c.shape[:2] + xi.shape[2:])))
        if interleaved:
            out[..., 0:rot:2], out[..., 1:rot:2] = c * x1 - s * x2, s * x1 + c * x2
        else:
            out[..., :half], out[..., half:rot] = c * x1 - s * x2, s * x1 + c * x2
        return out.transpose(0, 2, 1, 3) if x.ndim == 4 else out.reshape(x.shape)
    return f


def caches(g, dt, rows, n, batch=None):
    """cos / sin of random angles: [rows, n], or [batch, rows, n] when batch is given."""
    shape = (rows, n) if batch is None else (batch, rows, n)
    ang = g.rng.uniform(-4.0, 4.0, shape)
    return to_dtype(np.cos(ang), dt), to_dtype(np.sin(ang), dt)


@op("RotaryEmbedding", types=FLOATS)
def rotary_embedding(g):
    def case(tag, what, dt, x, cos, sin, pos=None, attrs=None, **kw):
        a = dict(attrs or {})
        ins = [In("x", dt, x), In("cos_cache", dt, cos), In("sin_cache", dt, sin)]
        if pos is not None:
            ins.append(In("position_ids", I64, np.asarray(pos, np.int64)))
        return g.case(tag, what, dt, ins, attrs=a,
                      ref=rope_ref(a.get("interleaved", 0), a.get("rotary_embedding_dim", 0),
                                   a.get("num_heads", 0)),
                      tol=tol_of(dt), **kw)

    def pos_of(B, S, rows):
        return g.rng.integers(0, rows, (B, S))

    for dt in g.types(param="T"):
        B, H, S, D = 2, int(g.rng.integers(1, 4)), int(g.rng.integers(1, 5)), 2 * int(g.rng.integers(1, 5))
        cos, sin = caches(g, dt, 8, D // 2)
        yield case("4d_" + dt, "4-D X [%d, %d, %d, %d], position_ids" % (B, H, S, D), dt,
                   g.rand(dt, (B, H, S, D)), cos, sin, pos_of(B, S, 8))
        cos, sin = caches(g, dt, 6, 3)
        yield case("3d_" + dt, "3-D X [2, 3, 12], num_heads 2 (head size 6), position_ids", dt,
                   g.rand(dt, (2, 3, 12)), cos, sin, pos_of(2, 3, 6), {"num_heads": 2})
    cos, sin = caches(g, F32, 10, 4)
    yield case("interleaved_4d", "interleaved, 4-D [1, 2, 5, 8]", F32, g.rand(F32, (1, 2, 5, 8)),
               cos, sin, pos_of(1, 5, 10), {"interleaved": 1})
    yield case("interleaved_3d", "interleaved, 3-D [2, 4, 16], num_heads 2", F32,
               g.rand(F32, (2, 4, 16)), cos, sin, pos_of(2, 4, 10),
               {"interleaved": 1, "num_heads": 2})
    cos, sin = caches(g, F32, 7, 2)
    yield case("partial_3d", "rotary_embedding_dim 4 of head size 10, 3-D, num_heads 3", F32,
               g.rand(F32, (2, 3, 30)), cos, sin, pos_of(2, 3, 7),
               {"rotary_embedding_dim": 4, "num_heads": 3})
    yield case("partial_interleaved", "rotary_embedding_dim 4 of 6, interleaved, 4-D", F32,
               g.rand(F32, (1, 3, 2, 6)), cos, sin, pos_of(1, 2, 7),
               {"rotary_embedding_dim": 4, "interleaved": 1})
    cos, sin = caches(g, F32, 7, 5)
    yield case("partial_wide_cache", "rotary_embedding_dim 4 with caches of 5 columns (the "
               "first 2 used)", F32, g.rand(F32, (1, 2, 3, 8)), cos, sin, pos_of(1, 3, 7),
               {"rotary_embedding_dim": 4})
    cos, sin = caches(g, F32, 3, 3, batch=2)
    yield case("no_pos_4d", "no position_ids: caches [2, 3, 3] read directly, 4-D", F32,
               g.rand(F32, (2, 2, 3, 6)), cos, sin)
    yield case("no_pos_3d_interleaved", "no position_ids, 3-D, interleaved", F32,
               g.rand(F32, (2, 3, 12)), cos, sin, attrs={"num_heads": 2, "interleaved": 1})
    cos, sin = caches(g, F32, 4, 2, batch=1)
    yield case("no_pos_batch1", "no position_ids, caches [1, 4, 2] broadcast over batch 3", F32,
               g.rand(F32, (3, 1, 4, 4)), cos, sin)
    cos, sin = caches(g, F32, 9, 2)
    yield case("pos_batch1", "position_ids [1, 4] broadcast over batch 2", F32,
               g.rand(F32, (2, 2, 4, 4)), cos, sin, pos_of(1, 4, 9))
    yield case("pos_negative", "negative position ids (from the end, as Gather)", F32,
               g.rand(F32, (1, 1, 4, 4)), cos, sin, [[-1, -9, 0, 8]])
    yield case("num_heads_4d", "num_heads 2 given with a 4-D X of 2 heads", F32,
               g.rand(F32, (1, 2, 3, 4)), cos, sin, pos_of(1, 3, 9), {"num_heads": 2})
    x = g.rand(F32, (1, 1, 2, 4))
    x[0, 0, 0, 0], x[0, 0, 1, 3] = np.nan, np.inf
    yield case("nan_inf", "a NaN and an inf reach both values of their pairs", F32, x, cos, sin,
               [[1, 2]])
    yield case("empty_seq", "empty sequence [2, 2, 0, 4]", F32,
               np.zeros((2, 2, 0, 4), np.float32), cos, sin, np.zeros((2, 0), np.int64))
    yield case("empty_batch", "empty batch [0, 3, 8], num_heads 2", F32,
               np.zeros((0, 3, 8), np.float32), cos, sin, np.zeros((0, 3), np.int64),
               {"num_heads": 2})
