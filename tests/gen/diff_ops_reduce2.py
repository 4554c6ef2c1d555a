"""Differential entries of ReduceMin, ReduceL1, ReduceL2, ReduceSumSquare, ReduceLogSum and
ReduceLogSumExp (1, 11, 13, 18; ReduceMin also 12 and 20), LpNormalization (1, 22) and
MeanVarianceNormalization (9, 13) for make_diff_cases.py (which imports this module). The
versions after opset 17 and the types they add (bool for ReduceMin 20, bfloat16 for
LpNormalization 22) are added to diff_case.LATER_VERSIONS / LATER_TYPES here.

The NumPy references follow the spec: integers compute in their type (|x|, x * x and sums wrap)
as the opset-18 function bodies do, a square root or logarithm is truncated toward zero into
the type, ReduceLogSumExp goes through double; noop_with_empty_axes still applies the
non-reducing steps (ReduceL2 gives |x|)."""
import numpy as np

from diff_case import (FLOATS, INTS, LATER_TYPES, LATER_VERSIONS, NUMERIC, SUITE_TOL, In, op,
                       reduce_inputs)

LATER_VERSIONS.update({"ReduceMin": [18, 20], "ReduceL1": [18], "ReduceL2": [18], "ReduceSumSquare": [18],
                       "ReduceLogSum": [18], "ReduceLogSumExp": [18], "LpNormalization": [22]})
LATER_TYPES.update({("ReduceMin", 20): ["bool"], ("LpNormalization", 22): ["bfloat16"]})

F32 = "float32"
I32 = "int32"
# Per float type: statistics in double rounded once, against onnxruntime's arithmetic in the
# type (float32, float64) or NumPy's (float16, bfloat16: one rounding apart at most).
TOL = {"float32": (1e-5, 1e-6), "float64": (1e-9, 1e-12), "float16": (1e-3, 1e-5), "bfloat16": (8e-3, 1e-5)}


def tol_of(dt):
    return TOL.get(dt, SUITE_TOL)


def to_int(v, dtype):
    """double -> integer type: truncated toward zero, saturating, NaN 0 (the runtime's reading
    of a Cast the spec leaves undefined out of range)."""
    info = np.iinfo(dtype)
    v = np.nan_to_num(np.trunc(np.asarray(v, np.float64)), nan=0.0, posinf=float(info.max), neginf=float(info.min))
    return np.where(v >= float(info.max), info.max, np.where(v <= float(info.min), info.min, v)).astype(dtype)


def logsumexp(x, ax):
    """m + log(sum(exp(x - m))), m the largest element (0 where it is not finite), keepdims."""
    m = np.max(x, axis=ax, keepdims=True, initial=-np.inf)
    mf = np.where(np.isfinite(m), m, 0.0)
    return np.log(np.sum(np.exp(x - mf), axis=ax, keepdims=True)) + mf


def reduce2_ref(kind, axes, keepdims=1, noop=False):
    def f(x, *r):
        ax = axes
        if ax is None or len(ax) == 0:
            ax = () if noop else tuple(range(x.ndim))
        ax = tuple(sorted(a + x.ndim if a < 0 else a for a in ax))
        fl = x.dtype.kind == "f"
        if kind == "min":
            top = np.inf if fl else True if x.dtype == np.bool_ else np.iinfo(x.dtype).max
            y = np.min(x, axis=ax, keepdims=True, initial=top)
        elif kind == "logsumexp":
            y = logsumexp(np.asarray(x, np.float64), ax)
        else:
            t = np.abs(x) if kind == "l1" else x * x if kind in ("l2", "sumsq") else x
            y = np.sum(t, axis=ax, keepdims=True, dtype=x.dtype)  # in the type (wraps)
            if kind == "l2":
                y = np.sqrt(y.astype(np.float64))
            elif kind == "logsum":
                y = np.log(y.astype(np.float64))
        if not fl and kind in ("l2", "logsum", "logsumexp"):
            y = to_int(y, x.dtype)
        return y if keepdims else np.squeeze(y, axis=ax)
    return f


def reductions2(g, kind):
    """Cases of one reduction at version g.v (attribute axes before 18, the axes input from)."""
    by_input = g.v >= 18
    neg = g.v >= 11
    pos = kind in ("logsum",)  # the log of a negative sum is NaN: positive data

    def mk(tag, what, dt, x, axes, keepdims=None, noop=None, graph_input=False, **kw):
        ins, attrs = reduce_inputs(g, by_input, dt, x, axes, keepdims, noop, graph_input)
        return g.case(tag, what, dt, ins, attrs=attrs, tol=SUITE_TOL if kind == "min" else tol_of(dt),
                      ref=reduce2_ref(kind, axes, 1 if keepdims is None else keepdims, bool(noop)), **kw)

    def data(dt, shape):
        return g.rand(dt, shape, positive=pos)

    lse_int = dict(ort=False, why="onnxruntime's integer ReduceLogSumExp takes exp(x - max) in the integer "
                                  "type (0 or 1) and truncates the log before adding the max; the spec's "
                                  "function body computes log(sum(exp(x))) in double and casts it once")
    for dt in g.types():
        extra = lse_int if kind == "logsumexp" and dt in INTS else {}
        yield mk(dt, "every axis, keepdims default", dt, data(dt, (3, 4)), None, **extra)
        yield mk(dt + "_ax1", "axis 1, keepdims 0", dt, data(dt, (3, 4)), [1], 0, **extra)
    for k, axes in enumerate(([1], [0, 2], [-1], [-3, 1], [2, 1, 0], [0, 1])):
        if not neg and any(a < 0 for a in axes):
            continue
        keep = k % 2
        yield mk("ax%d_k%d" % (k, keep), "axes %s keepdims %d" % (axes, keep), F32, data(F32, (2, 3, 4)), axes, keep)
    for k, axes in enumerate(([1, 2], [0, 3, 4], [2])):
        yield mk("unit%d" % k, "[2,1,3,1,4] (size-1 axes) over %s" % axes, F32, data(F32, (2, 1, 3, 1, 4)), axes, 1)
    yield mk("all_k0", "every axis, keepdims 0", F32, data(F32, (2, 3)), None, 0)
    yield mk("scalar", "a 0-d input, every axis", F32, data(F32, ()), None)
    yield mk("size1", "axis of size 1", F32, data(F32, (3, 1, 2)), [1], 0)
    yield mk("empty_keep", "empty [2,0] over axis 0", F32, np.zeros((2, 0), np.float32), [0], 1)
    if kind in ("l1", "l2", "sumsq") or g.v >= 18:  # the spec defines these from version 18
        yield mk("empty_axis", "empty [0,3] over the empty axis", F32, np.zeros((0, 3), np.float32), [0], 0)
        if kind == "min" and I32 in g.types(sweep=True):
            yield mk("empty_axis_int32", "int32 [0,3] over the empty axis: the type's largest value", I32,
                     np.zeros((0, 3), np.int32), [0], 0)
    specials = np.array([[np.nan, 1, -np.inf], [np.inf, 2, 0], [-np.inf, -np.inf, 3], [np.inf, -1, -2]], np.float32)
    yield mk("nan_inf", "NaN and infinities per row", F32, specials, [1], 0)
    if kind == "logsumexp":
        big = np.array([[1000, 1000.5, -3], [-1000, -1001, -1002.5]], np.float32)
        yield mk("stable", "exp overflows / underflows in double: the max is subtracted", F32, big, [1], 0)
        yield mk("stable_f64", "float64 [710, 709]: exp overflows", "float64", np.array([710.0, 709.0]), None, 0)
    if kind == "logsum":
        yield mk("zero_neg", "sums 0 and negative: -inf and NaN", F32, np.array([[1, -1], [-2, 1]], np.float32),
                 [1], 0)
    if kind == "min" and "uint64" in g.types():
        x = np.array([[2 ** 63 + 5, 3, 2 ** 64 - 1], [2 ** 63, 2 ** 64 - 2, 2 ** 63 + 1]], np.uint64)
        yield mk("uint64_big", "uint64 above 2^63 compare unsigned", "uint64", x, [1], 0)
        x = np.array([[-2 ** 63, 5, 2 ** 63 - 1], [7, 2 ** 63 - 1, -3]], np.int64)
        yield mk("int64_ends", "int64 extremes", "int64", x, [1], 0)
    if kind in ("l1", "sumsq") and I32 in g.types():
        x = np.array([[50000, 50000, 1], [-2 ** 31, 1, 0]], np.int32)
        yield mk("int32_wrap", "int32 sums and squares that overflow: they wrap, as in the runtime's ReduceSum",
                 I32, x, [1], 0, ort=False,
                 why="the spec leaves integer overflow undefined; onnxruntime saturates at 2147483647, the "
                     "runtime wraps (two's complement, as NumPy computes in the type)")
    if by_input:
        x = data(F32, (2, 3))
        yield mk("noop", "no axes with noop_with_empty_axes 1 (the non-reducing steps remain)", F32, x, None, 1, 1)
        yield mk("empty_axes", "an empty axes input: every axis", F32, x, [], 0)
        yield mk("empty_axes_noop", "an empty axes input with noop 1", F32, x, [], 1, 1)
        yield mk("axes_input", "axes from a graph input", F32, data(F32, (2, 3, 2)), [0, 2], 1, graph_input=True)
    if kind == "min" and "bool" in g.types():
        x = np.array([[True, False, True], [True, True, True]])
        yield mk("bool_rows", "bool (False < True) over axis 1", "bool", x, [1], 0)
        yield mk("bool_empty", "bool [0,2] over the empty axis: true", "bool", np.zeros((0, 2), np.bool_), [0], 0)


@op("ReduceMin", types=NUMERIC + ["bool"], exact=True)
def reduce_min(g):
    yield from reductions2(g, "min")


@op("ReduceL1", types=NUMERIC)
def reduce_l1(g):
    yield from reductions2(g, "l1")


@op("ReduceL2", types=NUMERIC)
def reduce_l2(g):
    yield from reductions2(g, "l2")


@op("ReduceSumSquare", types=NUMERIC)
def reduce_sum_square(g):
    yield from reductions2(g, "sumsq")


@op("ReduceLogSum", types=NUMERIC)
def reduce_log_sum(g):
    yield from reductions2(g, "logsum")


@op("ReduceLogSumExp", types=NUMERIC)
def reduce_log_sum_exp(g):
    yield from reductions2(g, "logsumexp")


# ---------------------------------------------------------------- LpNormalization
def lpnorm_ref(axis=-1, p=2):
    def f(x):
        if p == 1:
            n = np.sum(np.abs(x), axis=axis, keepdims=True)
        else:
            s = np.max(np.abs(x), axis=axis, keepdims=True, initial=0.0)  # scaled: no overflow
            ss = np.where((s > 0) & np.isfinite(s), s, 1.0)
            n = np.sqrt(np.sum((x / ss) ** 2, axis=axis, keepdims=True)) * ss
        return np.where(n == 0, 0.0, x / np.where(n == 0, 1.0, n))
    return f


@op("LpNormalization", types=FLOATS)
def lp_normalization(g):
    def mk(tag, what, dt, x, axis=None, p=None, **kw):
        attrs = {k: v for k, v in (("axis", axis), ("p", p)) if v is not None}
        return g.case(tag, what, dt, [In("x", dt, x)], attrs=attrs, tol=tol_of(dt),
                      ref=lpnorm_ref(-1 if axis is None else axis, 2 if p is None else p), **kw)
    for dt in g.types():
        yield mk(dt, "[3,4], axis -1, p 2 (defaults)", dt, g.rand(dt, (3, 4)))
    for p in (1, 2):
        for axis in (0, 1, -2, 2):
            yield mk("p%d_axis%d" % (p, axis) if axis >= 0 else "p%d_axism%d" % (p, -axis),
                     "[2,3,4] p %d axis %d" % (p, axis), F32, g.rand(F32, (2, 3, 4)), axis, p)
    yield mk("rank1", "a vector, p 1", F32, g.rand(F32, (5,)), 0, 1)
    yield mk("zero", "an all-zero vector gives zeros", F32, np.array([[0, 0, 0], [1, -2, 2]], np.float32), 1, 2)
    yield mk("special", "NaN and infinities", F32,
             np.array([[np.inf, 1, 2], [np.nan, 0, 0], [-np.inf, np.inf, 0]], np.float32), 1, 2)
    yield mk("f64_range", "float64 magnitudes 1e200 and 1e-200: no overflow or underflow in the norm",
             "float64", np.array([[3e200, 4e200], [3e-200, -4e-200]]), 1, 2, ort=False,
             why="onnxruntime 1.30 squares the float64 elements unscaled: 9e400 overflows and 9e-400 "
                 "underflows, so every output becomes 0")
    yield mk("empty", "empty [0,3] over axis 1", F32, np.zeros((0, 3), np.float32), 1, 2)
    yield mk("empty_axis", "[3,0] over the empty axis 1", F32, np.zeros((3, 0), np.float32), 1, 1)


# ---------------------------------------------------------------- MeanVarianceNormalization
def mvn_ref(axes=None):
    def f(x):
        ax = tuple(range(x.ndim)) if axes is not None and len(axes) == 0 else tuple(sorted(set(
            a + x.ndim if a < 0 else a for a in (axes if axes is not None else (0, 2, 3)))))
        m = np.mean(x, axis=ax, keepdims=True)
        v = np.mean((x - m) ** 2, axis=ax, keepdims=True)
        return (x - m) / (np.sqrt(v) + 1e-9)
    return f


@op("MeanVarianceNormalization", types=FLOATS)
def mean_variance_normalization(g):
    def mk(tag, what, dt, x, axes=None, **kw):
        attrs = {"axes": axes} if axes is not None else {}
        return g.case(tag, what, dt, [In("x", dt, x)], attrs=attrs, tol=tol_of(dt), ref=mvn_ref(axes), **kw)
    for dt in g.types():
        c = mk(dt, "[2,3,2,2], axes [0, 2, 3] (default)", dt, g.rand(dt, (2, 3, 2, 2)))
        # onnx's function body adds float32 constants (Pow's exponent, the epsilon) to X: its
        # shape inference fails for the other types the schema allows.
        c.infer = dt == F32
        yield c
    for k, axes in enumerate(([0, 1], [2, 3], [-1], [1], [3, 0], [0, 2, 3], [1, 1])):
        yield mk("axes%d" % k, "[2,3,2,3] over axes %s" % axes, F32, g.rand(F32, (2, 3, 2, 3)), axes)
    yield mk("rank3", "[2,4,3] over [0, 2]", F32, g.rand(F32, (2, 4, 3)), [0, 2])
    yield mk("rank2", "[3,5] over [1]", F32, g.rand(F32, (3, 5)), [1])
    yield mk("rank5", "[2,2,2,2,3] default axes", F32, g.rand(F32, (2, 2, 2, 2, 3)))
    yield mk("nan", "a NaN spreads over its group", F32,
             np.array([[1, np.nan, 3], [1, 2, 4]], np.float32), [1])
    yield mk("empty", "empty [0,2,2,2]", F32, np.zeros((0, 2, 2, 2), np.float32))
    yield mk("constant", "a constant group: 0 / (0 + 1e-9) is 0", F32,
             np.array([[2, 2, 2], [1, 2, 6]], np.float32), [1], ort=False,
             why="onnxruntime divides by the standard deviation without the function body's epsilon (0 / 0: NaN)")
