"""Differential entries of Pad, Size, Max / Min / Sum / Mean, TopK, ArgMax / ArgMin, CumSum,
GatherElements, ScatterElements, ScatterND, Abs, Ceil, Floor, Round, Erf, Sin, Cos and ReduceProd
for make_diff_cases.py (which imports this module). The generator also needs these operators'
later versions in diff_case.LATER_VERSIONS (Pad 18-25, Size 19-25, ScatterElements / ScatterND /
ReduceProd 18, TopK 24, Round / Sin / Cos 22) and LATER_TYPES (bfloat16 for Round, Sin, Cos 22
and TopK 24), and a "prod" branch in diff_ops.reduce_ref."""
import functools
import math

import numpy as np

import diff_ops
from diff_case import ALL, FLOATS, INTS, NUMERIC, In, op, to_dtype

F32 = "float32"
INF = float("inf")
I64 = "int64"
HALF = ("float16", "bfloat16")
HALF_TOL = (1e-3, 1e-5)  # a reduction rounds through float32 into the 16-bit type


def ints(values, dt=I64):
    return np.array(values, {"int64": np.int64, "int32": np.int32}[dt])


# ---------------------------------------------------------------- unary math
def math_cases(g, ref, specials, lo=None, hi=None):
    for dt in g.types():
        shp = g.shape(3)
        x = g.rand(dt, shp, lo=lo, hi=hi) if dt in FLOATS else g.rand(dt, shp)
        yield g.case(dt, "random shape %s" % (shp,), dt, [In("x", dt, x)], ref=ref)
    if F32 in g.types():
        yield g.case("scalar", "0-d input", F32, [In("x", F32, g.rand(F32, ()))], ref=ref)
        yield g.case("empty", "empty input [2, 0]", F32, [In("x", F32, np.zeros((2, 0), np.float32))], ref=ref)
        yield g.case("special", "special values %s" % (specials,), F32,
                     [In("x", F32, np.array(specials, np.float32))], ref=ref)


def int_abs(x):
    if x.dtype.kind == "i":  # the minimum stays itself (two's complement)
        return np.where(x < 0, (0 - x.astype(np.int64)).astype(x.dtype), x)
    return np.abs(x)


@op("Abs", types=NUMERIC, exact=True)
def abs_(g):
    yield from math_cases(g, int_abs, [0.0, -0.0, -INF, INF, -3.5, 2.25])
    for dt in ("int8", "int32", "int64"):
        if dt in g.types():
            info = np.iinfo(np.dtype(dt))
            x = np.array([info.min, info.min + 1, -1, 0, info.max], np.dtype(dt))
            yield g.case("limits_" + dt, "%s limits (the minimum stays)" % dt, dt, [In("x", dt, x)],
                         ref=int_abs)


@op("Ceil", types=FLOATS, exact=True)
def ceil(g):
    yield from math_cases(g, np.ceil, [0.0, -0.0, -0.5, 0.5, -1.5, 2.0, -INF, INF, 1e20])


@op("Floor", types=FLOATS, exact=True)
def floor(g):
    yield from math_cases(g, np.floor, [0.0, -0.0, -0.5, 0.5, -1.5, 2.0, -INF, INF, -1e20])


@op("Round", types=FLOATS, exact=True)
def round_(g):
    halves = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999998, -2.5000002, 0.0, -0.0, INF, -INF, 8388609.0]
    yield from math_cases(g, np.round, halves, lo=-6.0, hi=6.0)
    for dt in g.types():
        x = np.array([0.5, 1.5, 2.5, 3.5, -0.5, -3.5, 4.5, 5.5], np.float32)
        yield g.case("halves_" + dt, "halves round to even", dt, [In("x", dt, x.astype(np.float64).astype(
            np.float16 if dt == "float16" else np.float64 if dt == "float64" else np.float32))], ref=np.round)


def erf(x):
    return np.vectorize(math.erf, otypes=[np.float64])(x) if x.size else x.astype(np.float64)


@op("Erf", types=FLOATS)
def erf_(g):
    yield from math_cases(g, erf, [0.0, -0.0, 0.5, -0.5, 3.0, -6.0, INF, -INF])


@op("Sin", types=FLOATS)
def sin(g):
    yield from math_cases(g, np.sin, [0.0, -0.0, 1.5707964, 3.1415927, -100.0, 1000.5])


@op("Cos", types=FLOATS)
def cos(g):
    yield from math_cases(g, np.cos, [0.0, -0.0, 1.5707964, 3.1415927, -100.0, 1000.5])


# ---------------------------------------------------------------- Size
@op("Size", types=ALL, exact=True)
def size(g):
    for dt in g.types():
        shp = g.shape(3)
        yield g.case(dt, "shape %s" % (shp,), dt, [In("x", dt, g.rand(dt, shp))], out_types=[I64],
                     ref=lambda x: np.array(x.size, np.int64))
    for k, shp in enumerate(((), (0, 4), (2, 3, 4, 5), (7,))):
        yield g.case("s%d" % k, "shape %s" % (shp,), F32, [In("x", F32, g.rand(F32, shp))], out_types=[I64],
                     ref=lambda x: np.array(x.size, np.int64))


# ---------------------------------------------------------------- Max / Min / Sum / Mean
def variadic(g, fn):
    bcast = g.v >= 8
    for dt in g.types():
        shp = g.shape(3)
        xs = [g.rand(dt, shp) for _ in range(3)]
        yield g.case(dt, "three inputs of shape %s" % (shp,), dt, [In("x%d" % i, dt, x) for i, x in enumerate(xs)],
                     ref=fn)
    x = g.rand(F32, (2, 3))
    yield g.case("one", "one input", F32, [In("x0", F32, x)], ref=fn)
    xs = [g.rand(F32, (4, 2)) for _ in range(6)]
    yield g.case("six", "six inputs, one an initializer", F32,
                 [In("x%d" % i, F32, x, init=(i == 2)) for i, x in enumerate(xs)], ref=fn)
    yield g.case("same_name", "one value given twice", F32, [In("x0", F32, x), In("x0", F32, x), In("x1", F32, x * 2)],
                 ref=lambda a, b, c: fn(a, a, c))
    if not bcast:
        return
    for k, shapes in enumerate((((2, 3, 4), (4,), (3, 1)), ((), (2, 1)), ((0, 3), (1, 3)), ((1, 5), (3, 1), (2, 1, 1)),
                                ((2, 1, 0), (1, 3, 1)))):
        xs = [g.rand(F32, s) for s in shapes]
        yield g.case("bcast%d" % k, "broadcast %s" % (shapes,), F32,
                     [In("x%d" % i, F32, x) for i, x in enumerate(xs)], ref=fn)
    for dt in g.types():
        if dt != F32 and dt in ("int64", "float16", "uint8", "float64"):
            xs = [g.rand(dt, s) for s in ((3, 1), (4,))]
            yield g.case("bcast_" + dt, "%s broadcast [3,1] with [4]" % dt, dt,
                         [In("x%d" % i, dt, x) for i, x in enumerate(xs)], ref=fn)


def reduce_all(f):
    return lambda *xs: functools.reduce(f, xs)


@op("Max", types=NUMERIC, exact=True)
def max_(g):
    yield from variadic(g, reduce_all(np.maximum))
    nan = np.float32(np.nan)
    yield g.case("nan", "NaN propagates", F32, [In("a", F32, np.array([1, nan, 3, nan], np.float32)),
                                                In("b", F32, np.array([nan, 2, 1, nan], np.float32))],
                 ref=reduce_all(np.maximum))


@op("Min", types=NUMERIC, exact=True)
def min_(g):
    yield from variadic(g, reduce_all(np.minimum))
    nan = np.float32(np.nan)
    yield g.case("nan", "NaN propagates", F32, [In("a", F32, np.array([1, nan, 3, nan], np.float32)),
                                                In("b", F32, np.array([nan, 2, 1, nan], np.float32))],
                 ref=reduce_all(np.minimum))


@op("Sum", types=FLOATS)
def sum_(g):
    yield from variadic(g, reduce_all(np.add))


@op("Mean", types=FLOATS)
def mean(g):
    yield from variadic(g, lambda *xs: functools.reduce(np.add, xs) / len(xs))


# ---------------------------------------------------------------- TopK
def topk_ref(k, axis=-1, largest=1):
    """Stable sort (lower index first on ties); NaN last in both orders."""
    def f(x, *rest):
        kk = int(rest[0].reshape(-1)[0]) if rest else k
        key = x.astype(np.float64)
        order = np.argsort(-key if largest else key, axis=axis, kind="stable")
        idx = np.take(order, np.arange(kk), axis=axis)
        return np.take_along_axis(x, idx, axis=axis), idx.astype(np.int64)
    return f


@op("TopK", types=NUMERIC, exact=True)
def topk(g):
    v = g.v
    def node_inputs(dt, x, k, k_init=True, k32=False):
        if v < 10:
            return [In("x", dt, x)], {"k": k}
        return [In("x", dt, x), In("k", I64, ints([k]), init=k_init)], {}
    outs = ("values", "indices")
    for dt in g.types():
        x = g.rand(dt, (3, 6)) if dt in FLOATS else g.rand(dt, (3, 6), lo=0, hi=5)  # integer ties
        ins, attrs = node_inputs(dt, x, 3)
        yield g.case(dt, "[3,6], k 3, default axis (ties among integers)", dt, ins, outs, [dt, I64],
                     attrs=attrs, ref=topk_ref(3))
    axes = (-1, 0, 1, 2, -2, -3) if v >= 11 else (0, 1, 2)
    for a in axes:
        x = g.rand(F32, (3, 4, 5))
        n = (3, 4, 5)[a]
        for k in (1, n):
            ins, attrs = node_inputs(F32, x, k)
            attrs["axis"] = a
            yield g.case("axis%d_k%d" % (a, k), "[3,4,5] axis %d k %d" % (a, k), F32, ins, outs, [F32, I64],
                         attrs=attrs, ref=topk_ref(k, a))
    x = np.array([[3, 1, 3, 2, 3, 1, 0, 2]], np.float32)
    ins, attrs = node_inputs(F32, x, 5)
    yield g.case("ties", "ties: lower index first", F32, ins, outs, [F32, I64], attrs=attrs, ref=topk_ref(5))
    x = g.rand(F32, (2, 5))
    ins, attrs = node_inputs(F32, x, 0)
    if v >= 10:  # onnxruntime finds an attribute k of 0 invalid
        yield g.case("k0", "k = 0", F32, ins, outs, [F32, I64], attrs=attrs, ref=topk_ref(0))
    yield g.case("empty", "[0, 5], k 2", F32, node_inputs(F32, np.zeros((0, 5), np.float32), 2)[0], outs,
                 [F32, I64], attrs=node_inputs(F32, x, 2)[1], ref=topk_ref(2), ort=False,
                 why="onnxruntime 1.30 dies of SIGFPE on an input with no rows")
    if v >= 10:
        yield g.case("k_input", "K a graph input", F32, node_inputs(F32, g.rand(F32, (4, 7)), 4, k_init=False)[0],
                     outs, [F32, I64], ref=topk_ref(4))
    if v < 11:
        return
    for largest in (0, 1):
        for dt in g.types():
            if dt == F32 or largest == 1:
                continue
            x = g.rand(dt, (2, 7), lo=0, hi=6) if dt in INTS else g.rand(dt, (2, 7))
            yield g.case("smallest_" + dt, "largest 0 (%s)" % dt, dt, [In("x", dt, x), In("k", I64, ints([4]), init=True)],
                         outs, [dt, I64], attrs={"largest": 0}, ref=topk_ref(4, largest=0))
        x = np.array([[3, 1, 3, 2, 3, 1, 0, 2], [5, 5, -1, -1, 0, 7, 7, 7]], np.float32)
        yield g.case("ties_largest%d" % largest, "ties, largest %d" % largest, F32,
                     [In("x", F32, x), In("k", I64, ints([6]), init=True)], outs, [F32, I64],
                     attrs={"largest": largest}, ref=topk_ref(6, largest=largest))
        x = g.rand(F32, (3, 5, 2))
        yield g.case("axis1_largest%d" % largest, "axis -2, largest %d" % largest, F32,
                     [In("x", F32, x), In("k", I64, ints([3]), init=True)], outs, [F32, I64],
                     attrs={"largest": largest, "axis": -2}, ref=topk_ref(3, -2, largest))
        # sorted = 0 leaves the order open: k = 1 has only one.
        yield g.case("unsorted_k1_largest%d" % largest, "sorted 0, k 1", F32,
                     [In("x", F32, g.rand(F32, (4, 6))), In("k", I64, ints([1]), init=True)], outs, [F32, I64],
                     attrs={"largest": largest, "sorted": 0}, ref=topk_ref(1, largest=largest))
        yield g.case("unsorted_largest%d" % largest, "sorted 0, k 3: returned sorted", F32,
                     [In("x", F32, g.rand(F32, (4, 6))), In("k", I64, ints([3]), init=True)], outs, [F32, I64],
                     attrs={"largest": largest, "sorted": 0}, ref=topk_ref(3, largest=largest), ort=False,
                     why="sorted=0 leaves the order open and onnxruntime returns another; this runtime returns "
                         "the sorted order")
        nan = np.nan
        x = np.array([[1, nan, 3, -2, nan, 0]], np.float32)
        yield g.case("nan_largest%d" % largest, "NaN ranks after every number", F32,
                     [In("x", F32, x), In("k", I64, ints([6]), init=True)], outs, [F32, I64],
                     attrs={"largest": largest}, ref=topk_ref(6, largest=largest), ort=False,
                     why="onnxruntime's order of NaN among numbers depends on the input; this runtime ranks "
                         "NaN after every number, lower index first")


# ---------------------------------------------------------------- ArgMax / ArgMin
def arg_ref(fn, axis=0, keepdims=1, last=0):
    def f(x):
        a = axis + x.ndim if axis < 0 else axis
        if last:
            n = x.shape[a]
            r = n - 1 - fn(np.flip(x, axis=a), axis=a)
        else:
            r = fn(x, axis=a)
        r = r.astype(np.int64)
        return np.expand_dims(r, a) if keepdims else r
    return f


def arg_cases(g, fn):
    neg = g.v >= 11
    for dt in g.types():
        x = g.rand(dt, (3, 4)) if dt in FLOATS else g.rand(dt, (3, 4), lo=0, hi=3)
        yield g.case(dt, "[3,4], defaults (axis 0, keepdims)", dt, [In("x", dt, x)], out_types=[I64],
                     ref=arg_ref(fn))
    for a in ((-3, -2, -1, 0, 1, 2) if neg else (0, 1, 2)):
        for kd in (0, 1):
            x = g.rand(F32, (2, 3, 4))
            yield g.case("axis%d_keep%d" % (a, kd), "[2,3,4] axis %d keepdims %d" % (a, kd), F32, [In("x", F32, x)],
                         out_types=[I64], attrs={"axis": a, "keepdims": kd}, ref=arg_ref(fn, a, kd))
    x = np.array([[2, 5, 5, 1, 1, 5], [0, 0, 0, 0, 0, 0]], np.float32)
    yield g.case("ties", "ties: the first index", F32, [In("x", F32, x)], out_types=[I64], attrs={"axis": 1},
                 ref=arg_ref(fn, 1))
    yield g.case("scalar_axis", "[1] input", F32, [In("x", F32, g.rand(F32, (1,)))], out_types=[I64],
                 attrs={"keepdims": 0}, ref=arg_ref(fn, 0, 0))
    yield g.case("nan", "NaN wins (the first one)", F32,
                 [In("x", F32, np.array([[1, np.nan, 3, np.nan], [2, 1, np.nan, 0]], np.float32))],
                 out_types=[I64], attrs={"axis": 1}, ref=arg_ref(fn, 1), ort=False,
                 why="onnxruntime picks a NaN only along a 1-D input or when it comes first (its result "
                     "depends on the shape); this runtime follows NumPy: the first NaN wins")
    if g.v >= 12:
        for dt in g.types():
            x = g.rand(dt, (4, 5), lo=0, hi=2) if dt in INTS else g.rand(dt, (4, 5), lo=-1, hi=1).round()
            yield g.case("last_" + dt, "select_last_index 1 (ties)", dt, [In("x", dt, x)], out_types=[I64],
                         attrs={"axis": -1, "select_last_index": 1, "keepdims": 0}, ref=arg_ref(fn, -1, 0, 1))
        yield g.case("last_ties", "select_last_index 1", F32, [In("x", F32, np.array([[2, 5, 5, 1, 1, 5]], np.float32))],
                     out_types=[I64], attrs={"axis": 1, "select_last_index": 1}, ref=arg_ref(fn, 1, 1, 1))
        yield g.case("first_explicit", "select_last_index 0 given", F32,
                     [In("x", F32, np.array([[2, 5, 5, 1, 1, 5]], np.float32))], out_types=[I64],
                     attrs={"axis": 1, "select_last_index": 0}, ref=arg_ref(fn, 1, 1, 0))


@op("ArgMax", types=NUMERIC, exact=True)
def argmax(g):
    yield from arg_cases(g, np.argmax)


@op("ArgMin", types=NUMERIC, exact=True)
def argmin(g):
    yield from arg_cases(g, np.argmin)


# ---------------------------------------------------------------- CumSum
def cumsum_ref(exclusive=0, reverse=0):
    def f(x, axis):
        a = int(np.asarray(axis).reshape(-1)[0])
        a = a + x.ndim if a < 0 else a
        y = np.flip(x, a) if reverse else x
        acc = np.float32 if x.dtype == np.float32 else None
        c = np.cumsum(y, axis=a, dtype=acc)
        if exclusive:
            c = c - y
        return np.flip(c, a) if reverse else c
    return f


@op("CumSum", types=NUMERIC)
def cumsum(g):
    for dt in g.types():
        x = g.rand(dt, (3, 4)) if dt in FLOATS else g.rand(dt, (3, 4), lo=0, hi=9)
        yield g.case(dt, "[3,4] axis 1", dt, [In("x", dt, x), In("axis", I64, np.array(1, np.int64), init=True)],
                     out_types=[dt], ref=cumsum_ref())
    for ex in (0, 1):
        for rev in (0, 1):
            for a in (-3, -1, 0, 2):
                x = g.rand(F32, (2, 3, 4))
                yield g.case("ex%d_rev%d_axis%d" % (ex, rev, a), "exclusive %d reverse %d axis %d" % (ex, rev, a),
                             F32, [In("x", F32, x), In("axis", I64, np.array(a, np.int64), init=True)],
                             out_types=[F32], attrs={"exclusive": ex, "reverse": rev}, ref=cumsum_ref(ex, rev))
    x = g.rand(F32, (5, 3))
    yield g.case("axis_int32_input", "axis an int32 graph input", F32,
                 [In("x", F32, x), In("axis", "int32", np.array(0, np.int32))], out_types=[F32], ref=cumsum_ref())
    yield g.case("axis_1d", "axis of shape [1]", F32, [In("x", F32, x), In("axis", I64, ints([-1]), init=True)],
                 out_types=[F32], attrs={"reverse": 1}, ref=cumsum_ref(0, 1))
    yield g.case("empty", "empty axis", F32,
                 [In("x", F32, np.zeros((3, 0), np.float32)), In("axis", I64, np.array(1, np.int64), init=True)],
                 out_types=[F32], ref=cumsum_ref())
    if "int32" in g.types():
        xi = g.rand("int32", (4, 3), lo=-9, hi=9)
        yield g.case("int32_ex_rev", "int32, exclusive and reverse", "int32",
                     [In("x", "int32", xi), In("axis", I64, np.array(0, np.int64), init=True)], out_types=["int32"],
                     attrs={"exclusive": 1, "reverse": 1}, ref=cumsum_ref(1, 1))


# ---------------------------------------------------------------- GatherElements / scatters
def gather_elements_ref(axis):
    def f(x, ix):
        a = axis + x.ndim if axis < 0 else axis
        sl = tuple(slice(0, ix.shape[i]) if i != a else slice(None) for i in range(x.ndim))
        i = np.where(ix < 0, ix + x.shape[a], ix).astype(np.int64)
        return np.take_along_axis(x[sl], i, axis=a)
    return f


def rand_index(g, shape, dim, neg=True, dt=I64):
    lo = -dim if neg else 0
    return g.rng.integers(lo, dim, shape).astype(np.int64 if dt == I64 else np.int32)


@op("GatherElements", types=ALL, exact=True)
def gather_elements(g):
    for dt in g.types():
        x = g.rand(dt, (3, 4))
        ix = rand_index(g, (2, 4), 3)
        yield g.case(dt, "[3,4] axis 0, indices [2,4] (negative among them)", dt, [In("x", dt, x), In("i", I64, ix)],
                     out_types=[dt], ref=gather_elements_ref(0))
    for a in (-3, -2, -1, 0, 1, 2):
        x = g.rand(F32, (3, 4, 5))
        shp = [2, 3, 4]
        aa = a % 3
        shp[aa] = 6  # longer than the data along the axis
        ix = rand_index(g, shp, (3, 4, 5)[aa])
        yield g.case("axis%d" % a, "[3,4,5] axis %d, indices %s" % (a, shp), F32, [In("x", F32, x), In("i", I64, ix)],
                     out_types=[F32], attrs={"axis": a}, ref=gather_elements_ref(a))
    x = g.rand(F32, (4, 3))
    yield g.case("idx_int32", "int32 indices, axis 1", F32, [In("x", F32, x), In("i", "int32", rand_index(g, (4, 2), 3, dt="int32"))],
                 out_types=[F32], attrs={"axis": 1}, ref=gather_elements_ref(1))
    yield g.case("init", "indices an initializer", F32,
                 [In("x", F32, x), In("i", I64, rand_index(g, (1, 3), 4), init=True)], out_types=[F32],
                 ref=gather_elements_ref(0))
    yield g.case("empty", "empty indices", F32, [In("x", F32, x), In("i", I64, np.zeros((0, 3), np.int64))],
                 out_types=[F32], ref=gather_elements_ref(0))


RED = {"none": lambda a, b: b, "add": lambda a, b: a + b, "mul": lambda a, b: a * b,
       "max": lambda a, b: b if a < b else a, "min": lambda a, b: b if b < a else a}


def scatter_reductions(g):
    return ["none", "add", "mul", "max", "min"][: 5 if g.v >= 18 else 3 if g.v >= 16 else 1]


def rounder(dt):
    """Each update lands in the element type (float16 / bfloat16 round after every step)."""
    if dt in ("float16", "bfloat16"):
        return lambda v: float(to_dtype(np.array(v), dt))
    return lambda v: v


def scatter_elements_ref(axis, red, dt=F32):
    rnd = rounder(dt)

    def f(x, ix, u):
        y = x.copy()
        a = axis + x.ndim if axis < 0 else axis
        for pos in np.ndindex(*ix.shape):
            i = int(ix[pos])
            t = list(pos)
            t[a] = i + x.shape[a] if i < 0 else i
            y[tuple(t)] = rnd(RED[red](y[tuple(t)], u[pos]))
        return y
    return f


@op("ScatterElements", types=ALL, exact=True)
def scatter_elements(g):
    for dt in g.types():
        x = g.rand(dt, (4, 3))
        ix = np.array([[1, -1, 0], [3, 2, -4]], np.int64)  # no repeated position
        u = g.rand(dt, (2, 3))
        yield g.case(dt, "[4,3] axis 0, negative indices", dt, [In("x", dt, x), In("i", I64, ix), In("u", dt, u)],
                     ref=scatter_elements_ref(0, "none"))
    for red in scatter_reductions(g):
        for a in (-2, 0, 1):
            x = g.rand(F32, (3, 5))
            aa = a % 2
            shp = (4, 5) if aa == 0 else (3, 7)  # more indices than the axis: repeats for the reductions
            n = (3, 5)[aa]
            if red == "none":
                shp = (2, 5) if aa == 0 else (3, 2)
                ix = np.stack([g.rng.permutation(n)[:shp[aa]] for _ in range(shp[1 - aa])], axis=1 - aa).astype(np.int64)
            else:
                ix = rand_index(g, shp, n)
            u = g.rand(F32, shp)
            attrs = {"axis": a}
            if g.v >= 16 and red != "none":
                attrs["reduction"] = red
            yield g.case("%s_axis%d" % (red, a), "reduction %s axis %d indices %s" % (red, a, shp), F32,
                         [In("x", F32, x), In("i", I64, ix), In("u", F32, u)], attrs=attrs,
                         ref=scatter_elements_ref(a, red))
        if red != "none":
            for dt in ("int32", "int64", "float64", "float16", "uint8"):
                if dt not in g.types():
                    continue
                x = g.rand(dt, (3, 4), lo=1, hi=4) if dt in INTS else g.rand(dt, (3, 4))
                ix = rand_index(g, (5, 4), 3)
                u = g.rand(dt, (5, 4), lo=1, hi=3) if dt in INTS else g.rand(dt, (5, 4))
                yield g.case("%s_%s" % (red, dt), "reduction %s on %s, repeats" % (red, dt), dt,
                             [In("x", dt, x), In("i", I64, ix), In("u", dt, u)], attrs={"reduction": red},
                             ref=scatter_elements_ref(0, red, dt), tol=HALF_TOL if dt in HALF else None)
    x = g.rand(F32, (2, 3, 4))
    ix = np.stack([g.rng.permutation(4)[:2] for _ in range(6)]).reshape(2, 3, 2).astype(np.int32)
    yield g.case("int32_rank3", "int32 indices, rank 3, axis -1", F32,
                 [In("x", F32, x), In("i", "int32", ix), In("u", F32, g.rand(F32, (2, 3, 2)))], attrs={"axis": -1},
                 ref=scatter_elements_ref(-1, "none"))
    x = g.rand(F32, (3, 2))
    yield g.case("dup_none", "one position twice, reduction none: the last update wins", F32,
                 [In("x", F32, x), In("i", I64, np.array([[1, 0], [1, 0]], np.int64)),
                  In("u", F32, np.array([[5, 6], [7, 8]], np.float32))], ref=scatter_elements_ref(0, "none"))
    yield g.case("empty", "empty indices", F32, [In("x", F32, x), In("i", I64, np.zeros((0, 2), np.int64)),
                                                 In("u", F32, np.zeros((0, 2), np.float32))],
                 ref=scatter_elements_ref(0, "none"))


def scatter_nd_ref(red, dt=F32):
    rnd = rounder(dt)

    def f(x, ix, u):
        y = x.copy()
        k = ix.shape[-1]
        for pos in np.ndindex(*ix.shape[:-1]):
            t = tuple(int(v) + (x.shape[j] if v < 0 else 0) for j, v in enumerate(ix[pos]))
            for sub in np.ndindex(*x.shape[k:]):
                y[t + sub] = rnd(RED[red](y[t + sub], u[pos + sub]))
        return y
    return f


@op("ScatterND", types=ALL, exact=True)
def scatter_nd(g):
    for dt in g.types():
        x = g.rand(dt, (4, 3))
        ix = np.array([[2], [-1]], np.int64)
        yield g.case(dt, "[4,3], rows 2 and -1", dt, [In("x", dt, x), In("i", I64, ix), In("u", dt, g.rand(dt, (2, 3)))],
                     ref=scatter_nd_ref("none"))
    for red in scatter_reductions(g):
        attrs = {"reduction": red} if g.v >= 16 and red != "none" else {}
        x = g.rand(F32, (4, 5, 3))
        dup = red != "none"
        # k = 1, 2, 3 (slices down to elements)
        for k in (1, 2, 3):
            n = 6 if dup else 3
            if dup:
                ix = np.stack([g.rng.integers(-x.shape[j], x.shape[j], n) for j in range(k)], axis=-1)
            else:
                flat = g.rng.permutation(int(np.prod(x.shape[:k])))[:n]
                ix = np.stack(np.unravel_index(flat, x.shape[:k]), axis=-1)
                ix[0] -= np.array(x.shape[:k])  # negative indices
            ix = ix.astype(np.int64)
            u = g.rand(F32, (n,) + x.shape[k:])
            yield g.case("%s_k%d" % (red, k), "reduction %s, index tuples of %d into [4,5,3]" % (red, k), F32,
                         [In("x", F32, x), In("i", I64, ix), In("u", F32, u)], attrs=attrs, ref=scatter_nd_ref(red))
        ix = np.array([[[0, 1], [3, 4]], [[1, 0], [2, 2]]], np.int64)
        if dup:
            ix[1, 1] = ix[0, 0]
        yield g.case("%s_q3" % red, "reduction %s, indices [2,2,2]" % red, F32,
                     [In("x", F32, x), In("i", I64, ix), In("u", F32, g.rand(F32, (2, 2, 3)))], attrs=attrs,
                     ref=scatter_nd_ref(red))
        if dup:
            for dt in ("int32", "int64", "float64", "float16"):
                if dt in g.types():
                    xd = g.rand(dt, (3, 2), lo=1, hi=4) if dt in INTS else g.rand(dt, (3, 2))
                    ix = np.array([[0], [2], [0]], np.int64)
                    ud = g.rand(dt, (3, 2), lo=1, hi=3) if dt in INTS else g.rand(dt, (3, 2))
                    yield g.case("%s_%s" % (red, dt), "reduction %s on %s, repeats" % (red, dt), dt,
                                 [In("x", dt, xd), In("i", I64, ix), In("u", dt, ud)], attrs=attrs,
                                 ref=scatter_nd_ref(red, dt), tol=HALF_TOL if dt in HALF else None)
    x = g.rand(F32, (3, 2))
    yield g.case("whole", "indices [1,0]: the whole tensor", F32,
                 [In("x", F32, x), In("i", I64, np.zeros((1, 0), np.int64)), In("u", F32, g.rand(F32, (1, 3, 2)))],
                 ref=scatter_nd_ref("none"))
    yield g.case("empty", "no index tuple", F32,
                 [In("x", F32, x), In("i", I64, np.zeros((0, 1), np.int64)), In("u", F32, np.zeros((0, 2), np.float32))],
                 ref=scatter_nd_ref("none"))


# ---------------------------------------------------------------- Pad
def pad_ref(pads, mode="constant", value=0.0, axes=None):
    def f(x, *rest):
        r = x.ndim
        if r == 0:
            return x
        ax = list(range(r)) if axes is None else [a + r if a < 0 else a for a in axes]
        n = len(ax)
        pb, pe = [0] * r, [0] * r
        for i, a in enumerate(ax):
            pb[a], pe[a] = pads[i], pads[i + n]
        sl = tuple(slice(-b if b < 0 else 0, x.shape[i] + e if e < 0 else x.shape[i])
                   for i, (b, e) in enumerate(zip(pb, pe)))
        c = x[sl]
        width = [(max(b, 0), max(e, 0)) for b, e in zip(pb, pe)]
        if mode == "constant":
            return np.pad(c, width, mode="constant", constant_values=value)
        return np.pad(c, width, mode=mode)
    return f


@op("Pad", types=ALL, exact=True)
def pad(g):
    v = g.v
    modes = ["constant", "reflect", "edge"] + (["wrap"] if v >= 19 else [])

    def node(dt, x, pads, mode=None, value=None, axes=None, pads_init=True, value_init=False):
        attrs = {}
        if mode is not None:
            attrs["mode"] = mode
        if v < 11:
            attrs["pads"] = list(pads)
            if value is not None:
                attrs["value"] = float(value)
            return [In("x", dt, x)], attrs
        ins = [In("x", dt, x), In("pads", I64, ints(pads), init=pads_init)]
        if value is not None:
            ins.append(In("value", dt, np.array(value, x.dtype), init=value_init))
        if axes is not None:
            if value is None:
                ins.append(None)
            ins.append(In("axes", I64, ints(axes), init=True))
        return ins, attrs

    for dt in g.types():
        x = g.rand(dt, (3, 4))
        val = None if dt == "bool" else 3 if dt in INTS else 1.5
        if v < 11 and val is None:
            continue
        ins, attrs = node(dt, x, [1, 0, 2, 3], value=val)
        yield g.case(dt, "constant %s" % val, dt, ins, attrs=attrs,
                     ref=pad_ref([1, 0, 2, 3], value=val if val is not None else 0))
    if v > 19 and not g.sweep:  # versions that only add types this runtime does not hold
        for mode in modes:
            x = g.rand(F32, (3, 4))
            ins, attrs = node(F32, x, [1, 2, 2, 1], mode=mode)
            yield g.case(mode, "mode %s" % mode, F32, ins, attrs=attrs, ref=pad_ref([1, 2, 2, 1], mode))
        x = g.rand(F32, (4, 6))
        ins, attrs = node(F32, x, [-2, 2, -1, -5])
        yield g.case("crop_constant", "negative pads [-2, 2, -1, -5]", F32, ins, attrs=attrs,
                     ref=pad_ref([-2, 2, -1, -5]))
        return
    for mode in modes:
        for k, (shp, pads) in enumerate((((3, 4), [1, 2, 2, 1]), ((2, 3, 4), [0, 1, 3, 1, 2, 0]), ((5,), [4, 3]),
                                         ((2, 1, 5), [1, 0, 2, 0, 0, 4])) if mode != "reflect" else
                                        (((3, 4), [1, 2, 2, 3]), ((2, 3, 4), [0, 1, 3, 1, 2, 0]), ((5,), [4, 3]),
                                         ((2, 2, 5), [1, 0, 2, 0, 0, 4]))):
            x = g.rand(F32, shp)
            ins, attrs = node(F32, x, pads, mode=mode)
            yield g.case("%s%d" % (mode, k), "mode %s, %s pads %s" % (mode, shp, pads), F32, ins, attrs=attrs,
                         ref=pad_ref(pads, mode))
    x = g.rand(F32, (2, 3))
    ins, attrs = node(F32, x, [0, 0, 0, 0])
    yield g.case("zero", "zero pads", F32, ins, attrs=attrs, ref=pad_ref([0, 0, 0, 0]))
    ins, attrs = node(F32, x, [0, 1, 0, 2], value=-2.5 if v < 11 else None)
    yield g.case("default_mode", "mode absent", F32, ins, attrs=attrs, ref=pad_ref([0, 1, 0, 2], value=-2.5 if v < 11 else 0))
    ins, attrs = node(F32, np.zeros((0, 3), np.float32), [1, 0, 1, 1], value=2.0)
    yield g.case("empty", "an empty input padded (constant)", F32, ins, attrs=attrs,
                 ref=pad_ref([1, 0, 1, 1], value=2.0))
    # Negative pads crop, then the axis is padded from what is left (from version 2: Pad-1's
    # paddings say nothing of negative values).
    for mode in modes if v >= 2 else []:
        x = g.rand(F32, (4, 6))
        pads = ([-1, 3, 2, -2] if mode == "reflect" else [-1, 2, 2, -3] if mode == "wrap"
                else [-1, 4, 2, -3] if mode == "edge" else [-2, 2, -1, -5])
        ins, attrs = node(F32, x, pads, mode=mode)
        yield g.case("crop_" + mode, "mode %s, negative pads %s" % (mode, pads), F32, ins, attrs=attrs,
                     ref=pad_ref(pads, mode))
    if v < 11:
        return
    ins, attrs = node(F32, np.array(2.5, np.float32), [])
    yield g.case("scalar", "0-d input, no pads", F32, ins, attrs=attrs, ref=pad_ref([]))
    x = g.rand(F32, (3, 5))
    ins, attrs = node(F32, x, [1, 2, 0, 1], pads_init=False)
    yield g.case("pads_input", "pads a graph input", F32, ins, attrs=attrs, ref=pad_ref([1, 2, 0, 1]))
    ins, attrs = node(F32, x, [1, 2, 0, 1], mode="constant", value=-4.0, value_init=True)
    yield g.case("value_init", "constant_value an initializer", F32, ins, attrs=attrs,
                 ref=pad_ref([1, 2, 0, 1], value=-4.0))
    ins, attrs = node(F32, x, [1, 2, 0, 1], mode="edge", value=-4.0)
    yield g.case("value_unused", "constant_value given with mode edge", F32, ins, attrs=attrs,
                 ref=pad_ref([1, 2, 0, 1], "edge"))
    ins = [In("x", F32, x), In("pads", I64, ints([0, 1, 1, 0]), init=True), None]
    yield g.case("value_empty", "constant_value absent as \"\"", F32, ins, attrs={"mode": "constant"},
                 ref=pad_ref([0, 1, 1, 0]))
    for dt in g.types():
        if dt in ("int64", "float16", "float64", "uint8", "bool", "int8") and dt != F32:
            xd = g.rand(dt, (2, 3))
            for mode in ("reflect", "edge"):
                ins, attrs = node(dt, xd, [1, 2, 1, 1], mode=mode)
                yield g.case("%s_%s" % (mode, dt), "mode %s on %s" % (mode, dt), dt, ins, attrs=attrs,
                             ref=pad_ref([1, 2, 1, 1], mode))
    if v < 18:
        return
    for k, (axes, pads) in enumerate((([1], [2, 1]), ([-1, 0], [1, 0, 2, 2]), ([-3], [1, 1]), ([2, 0], [0, 2, 1, 1]))):
        for mode in ("constant", "reflect") + (("wrap",) if v >= 19 else ()):
            x = g.rand(F32, (3, 4, 5))
            ins, attrs = node(F32, x, pads, mode=mode, axes=axes, value=0.5 if mode == "constant" else None)
            yield g.case("axes%d_%s" % (k, mode), "axes %s pads %s mode %s" % (axes, pads, mode), F32, ins,
                         attrs=attrs, ref=pad_ref(pads, mode, 0.5, axes))
    if v < 19:
        return
    for pads in ([0, 5, 0, 7], [3, 0, 8, 2]):
        x = g.rand(F32, (2, 3))
        ins, attrs = node(F32, x, pads, mode="wrap")
        yield g.case("wrap_long_%d" % pads[1], "wrap pads %s longer than the axes" % pads, F32, ins, attrs=attrs,
                     ref=pad_ref(pads, "wrap"), ort=False,
                     why="onnxruntime 1.30 repeats the wrong elements when a begin pad exceeds the axis length "
                         "(its output [0,0,1,2,...] for [0,1,2] padded by 4, where numpy's wrap gives [2,0,1,2,...])")


# ---------------------------------------------------------------- ReduceProd
@op("ReduceProd", types=NUMERIC)
def reduce_prod(g):
    yield from diff_ops.reductions(g, "prod", 18)  # reduce_ref's "prod" branch


@op("Scatter", types=ALL, exact=True)
def scatter(g):
    """Scatter 9 (11 deprecates it): ScatterElements without reduction under its first name."""
    for dt in g.types():
        x = g.rand(dt, (4, 3))
        ix = np.array([[1, 3, 0], [3, 2, 2]], np.int64)
        u = g.rand(dt, (2, 3))
        yield g.case(dt, "[4,3] axis 0", dt, [In("x", dt, x), In("i", I64, ix), In("u", dt, u)],
                     ref=scatter_elements_ref(0, "none"))
    for a in (0, 1):
        x = g.rand(F32, (3, 5))
        shp = (2, 5) if a == 0 else (3, 2)
        n = (3, 5)[a]
        ix = np.stack([g.rng.permutation(n)[:shp[a]] for _ in range(shp[1 - a])], axis=1 - a).astype(np.int64)
        yield g.case("axis%d" % a, "axis %d indices %s" % (a, shp), F32,
                     [In("x", F32, x), In("i", I64, ix), In("u", F32, g.rand(F32, shp))], attrs={"axis": a},
                     ref=scatter_elements_ref(a, "none"))
    x = g.rand(F32, (4,))
    yield g.case("int32_idx", "int32 indices, rank 1 (a sort's inverse permutation)", F32,
                 [In("x", F32, x), In("i", "int32", np.array([2, 0, 3, 1], np.int32)),
                  In("u", F32, np.array([10, 11, 12, 13], np.float32))], ref=scatter_elements_ref(0, "none"))
    for a in (-1, -2):  # negative axes (version 9 allows them)
        x = g.rand(F32, (3, 4))
        ix = np.array([[2, 0, 1], [1, 2, 0]], np.int64) if a == -2 else np.array([[3, 0], [1, 2], [0, 3]], np.int64)
        yield g.case("axis_neg%d" % -a, "axis %d indices %s" % (a, ix.shape), F32,
                     [In("x", F32, x), In("i", I64, ix), In("u", F32, g.rand(F32, ix.shape))], attrs={"axis": a},
                     ref=scatter_elements_ref(a, "none"))


# ---------------------------------------------------------------- NonZero
def nonzero_ref(x):
    return np.array(np.nonzero(x), np.int64)


@op("NonZero", types=ALL, exact=True)
def nonzero(g):
    for dt in g.types():
        x = g.rand(dt, (3, 4), lo=-1, hi=2) if dt in INTS else g.rand(dt, (3, 4))
        if dt in FLOATS:
            x = np.where(g.rng.integers(0, 2, x.shape) == 1, x, np.zeros_like(x))
        yield g.case(dt, "[3,4], about half zero", dt, [In("x", dt, x)], out_types=[I64], ref=nonzero_ref)
    for k, shp in enumerate(((7,), (2, 3, 4), (2, 0, 3), (1, 1, 1, 5))):
        x = g.rand(F32, shp)
        x = np.where(g.rng.integers(0, 3, shp) == 0, np.float32(0), x)
        yield g.case("shape%d" % k, "shape %s" % (shp,), F32, [In("x", F32, x)], out_types=[I64], ref=nonzero_ref)
    x = np.array([0.0, -0.0, np.nan, np.inf, 1e-45], np.float32)
    yield g.case("special", "-0 is zero; NaN, inf and a denormal are not", F32, [In("x", F32, x)],
                 out_types=[I64], ref=nonzero_ref)
    yield g.case("all_zero", "no non-zero element: [2, 0]", F32, [In("x", F32, np.zeros((2, 3), np.float32))],
                 out_types=[I64], ref=nonzero_ref)
    yield g.case("ones_init", "ConstantOfShape-like ones, an initializer (PyTorch's arange at opset 9)",
                 F32, [In("x", F32, np.ones((6,), np.float32), init=True)], out_types=[I64], ref=nonzero_ref)
