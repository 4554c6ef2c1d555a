"""Differential entries of GridSample (16, 20, 22), AffineGrid (20), Unique (11) and Det (11, 22)
for make_diff_cases.py (which imports this module). Their later versions are added to
diff_case.LATER_VERSIONS / LATER_TYPES here (ONNX's operator_sets.h: GridSample 20 renames the
modes linear / cubic and allows any number of spatial axes, 22 adds bfloat16 to X and grid; Det 22
adds bfloat16; none changes at 23-26), and AffineGrid, which the Debian onnx 1.12 does not know,
gets a stand-in schema (float types for theta, int64 size).

The NumPy references follow the operator texts and ONNX's reference implementations (written
again here, in double): GridSample's nearest rounds half to even (the text; onnxruntime agrees
in 2-D and 3-D), padding applies to the coordinate axis by axis, then to each tap; integer X is
interpolated in double and truncated. onnxruntime 1.30 runs GridSample for float32 / float16 X
(float64 from 20) with a grid of the same type, over 2 or 3 spatial axes (cubic over 2); AffineGrid
for float32 / float64 (its float16 / bfloat16 function body fails in onnxruntime, and an axis of
one element with align_corners 1 gives +1 there, Eigen's LinSpaced: the references give -1, as
PyTorch's linspace and the function body's own depth axis do); Unique for float32 / float64 /
float16 / int8 / int64 (NaN: onnxruntime merges NaNs with whatever value is next to them, the
references keep one NaN last, as numpy.unique's equal_nan); Det for float32 / float16 (float64:
NumPy's LAPACK det)."""
import itertools

import numpy as np

import diff_case
from diff_case import FLOATS, INTS, In, op, to_dtype

F32 = "float32"
I64 = "int64"

diff_case.LATER_VERSIONS.update({"GridSample": [20, 22], "Det": [22], "AffineGrid": [20]})
diff_case.LATER_TYPES.update({("GridSample", 22): ["bfloat16"], ("Det", 22): ["bfloat16"]})


diff_case.add_schema("AffineGrid", {20: diff_case.Schema(
    [("T1", ["tensor(bfloat16)", "tensor(float16)", "tensor(float)", "tensor(double)"]),
     ("T2", ["tensor(int64)"])], ["align_corners"])})


def held(a, dt):
    """A float64 result as the held array of type dt: integers truncated toward zero and
    saturated, bool non-zero."""
    a = np.asarray(a, np.float64)
    if dt == "bool":
        return a != 0
    if dt in INTS:
        info = np.iinfo(diff_case.DTYPES[dt][1])
        t = np.clip(np.trunc(np.nan_to_num(a, nan=0.0)), float(info.min), float(info.max))
        return t.astype(diff_case.DTYPES[dt][1])
    return a


def f_tol(dt):
    return {"float32": (1e-5, 1e-6), "float64": (1e-12, 1e-12), "float16": (2e-3, 1e-3),
            "bfloat16": (8e-3, 8e-3)}.get(dt, (0.0, 0.0))


# ---------------------------------------------------------------- GridSample
# onnxruntime departs from the operator's reference here; the NumPy reference stands in.
CUBIC_BORDER = ("onnxruntime (as PyTorch) clamps only cubic's taps with border, not the "
                "coordinate, which the operator's reference clamps to [0, d-1] first")
NONFINITE = ("onnxruntime converts a non-finite coordinate to an integer (undefined in C++): its "
             "results vary")
MODES16 = {"linear": "bilinear", "nearest": "nearest", "cubic": "bicubic"}


def _reflect(x, lo, hi):
    rng = hi - lo
    if rng <= 0:
        return lo
    if x < lo:
        dx = lo - x
        n = np.floor(dx / rng)
        r = dx - n * rng
        return lo + r if n % 2 == 0 else hi - r
    if x > hi:
        dx = x - hi
        n = np.floor(dx / rng)
        r = dx - n * rng
        return hi - r if n % 2 == 0 else lo + r
    return x


def _cubic(t):
    a = -0.75
    t1, u, u1 = t + 1, 1 - t, 2 - t
    return [((a * t1 - 5 * a) * t1 + 8 * a) * t1 - 4 * a, ((a + 2) * t - (a + 3)) * t * t + 1,
            ((a + 2) * u - (a + 3)) * u * u + 1, ((a * u1 - 5 * a) * u1 + 8 * a) * u1 - 4 * a]


def _axis_taps(g, d, mode, pad, align):
    """[(index or None, weight)] of one axis; None: the coordinate samples nothing."""
    x = (g + 1) / 2 * (d - 1) if align else ((g + 1) * d - 1) / 2
    lo, hi = (0.0, d - 1.0) if align else (-0.5, d - 0.5)
    if not np.isfinite(x):
        return None
    if mode == "nearest":
        x = float(np.rint(x))  # half to even
    if x < lo or x > hi:
        if pad == "border":
            x = min(max(x, 0.0), d - 1.0)
        elif pad == "reflection":
            x = _reflect(x, lo, hi)
    if mode == "nearest":
        base, ws, first = np.trunc(x), [1.0], int(np.trunc(x))
    else:
        base = np.floor(x)
        t = x - base
        ws = [1 - t, t] if mode == "linear" else _cubic(t)
        first = int(base) - (1 if mode == "cubic" else 0)
    taps = []
    for j, w in enumerate(ws):
        i = first + j
        if pad == "border":
            i = min(max(i, 0), d - 1)
        elif pad == "reflection":
            i = int(_reflect(float(i), lo, hi))
        taps.append((i if 0 <= i < d else -1, w))
    return taps


def gs_ref(mode, pad, align, dt):
    def f(x, grid):
        N, C = x.shape[:2]
        sp, osp = x.shape[2:], grid.shape[1:-1]
        r = len(sp)
        y = np.zeros((N, C) + tuple(osp))
        for n in range(N):
            for o in itertools.product(*[range(k) for k in osp]):
                axes = [_axis_taps(float(grid[(n,) + o + (r - 1 - a,)]), sp[a], mode, pad, align)
                        for a in range(r)]
                if any(t is None for t in axes):
                    continue
                acc = np.zeros(C)
                for combo in itertools.product(*axes):
                    if any(i < 0 for i, _ in combo):
                        continue
                    w = 1.0
                    for _, wa in combo:
                        w *= wa
                    acc = acc + w * x[(n, slice(None)) + tuple(i for i, _ in combo)]
                y[(n, slice(None)) + o] = acc
        return held(y, dt)
    return f


@op("GridSample", types=diff_case.ALL)
def grid_sample(g):
    v = g.v
    name = (lambda m: MODES16[m]) if v < 20 else (lambda m: m)

    def case(tag, what, dt, x, grid, gdt, mode="linear", pad="zeros", align=0, tol=None, ort=True,
             why=None):
        attrs = {"padding_mode": pad, "align_corners": align}
        if mode != "linear" or g.rng.integers(0, 2):  # the default mode spelled out or left out
            attrs["mode"] = name(mode)
        if tol is None:  # float32: interpolated in float32 here and in onnxruntime
            tol = (1e-5, 1e-5) if dt == F32 else f_tol(dt)
        c = g.case(tag, what, dt, [In("x", dt, x), In("grid", gdt, grid)], attrs=attrs,
                   ref=gs_ref(mode, pad, align, dt), tol=tol, ort=ort, why=why)
        # onnx 1.12's GridSample-16 schema gives grid X's type (T1) and Y the grid's (T2), a
        # slip ONNX fixed later: its shape inference cannot check X and grid of two types.
        c.infer = dt == gdt
        return c

    def grid_of(gdt, shape, lim=1.3):
        return g.rand(gdt, shape, lo=-lim, hi=lim)

    for mode in ("linear", "nearest", "cubic"):
        for pad in ("zeros", "border", "reflection"):
            for align in (0, 1):
                x = g.rand(F32, (2, 3, 4, 5))
                ort = not (mode == "cubic" and pad == "border")
                yield case("%s_%s_ac%d" % (mode, pad, align),
                           "mode %s, padding %s, align_corners %d, X [2, 3, 4, 5], grid [2, 3, 4, 2] "
                           "in [-1.3, 1.3]" % (name(mode), pad, align), F32, x,
                           grid_of(F32, (2, 3, 4, 2)), F32, mode, pad, align, ort=ort,
                           why=None if ort else CUBIC_BORDER)
    for dt in g.types("T1"):
        if dt == F32:
            continue
        x = g.rand(dt, (1, 2, 3, 4))
        gdt = dt if dt in FLOATS else F32
        how = ("rounded to X's type" if dt in FLOATS else "truncated toward zero" if dt != "bool"
               else "non-zero is true")
        yield case("x_" + dt, "X %s (interpolated in double, %s), grid %s, linear" % (dt, how, gdt),
                   dt, x, grid_of(gdt, (1, 2, 3, 2)), gdt)
        if dt not in FLOATS:
            yield case("x_%s_cubic" % dt, "X %s, cubic, border (overshoot truncated, saturated)" % dt,
                       dt, x, grid_of(F32, (1, 2, 3, 2)), F32, "cubic", "border")
    for gdt in g.types("T2"):
        if gdt == F32:
            continue
        x = g.rand(F32, (1, 2, 3, 4))
        yield case("grid_" + gdt, "X float32, grid %s (onnxruntime: one type for both)" % gdt,
                   F32, x, grid_of(gdt, (1, 2, 3, 2)), gdt)
    # Half-way points: align_corners 1, W = 5 puts g = -0.75, -0.25, 0.25, 0.75 at 0.5 ... 3.5.
    x = g.rand(F32, (1, 2, 3, 5))
    gr = np.array([[[[-0.75, -1.0], [-0.25, 0.0], [0.25, 0.0], [0.75, 1.0]],
                    [[-0.75, -0.5], [0.25, 0.5], [0.75, -0.5], [-0.25, 0.5]]]], np.float32)
    yield case("nearest_ties", "nearest at x.5 and y.5 (align_corners 1): half to even", F32, x,
               gr, F32, "nearest", "zeros", 1)
    yield case("far_reflect", "grid in [-5, 5]: several reflections, align_corners 0", F32,
               g.rand(F32, (1, 2, 4, 3)), grid_of(F32, (1, 3, 3, 2), 5.0), F32, "linear",
               "reflection", 0)
    yield case("far_reflect_cubic", "grid in [-5, 5]: cubic, reflection, align_corners 1", F32,
               g.rand(F32, (1, 2, 4, 3)), grid_of(F32, (1, 3, 3, 2), 5.0), F32, "cubic",
               "reflection", 1)
    yield case("one_pixel", "H = W = 1, align_corners 1, reflection (lo = hi: every tap reads the "
               "element)", F32, g.rand(F32, (1, 2, 1, 1)), grid_of(F32, (1, 2, 2, 2)), F32,
               "linear", "reflection", 1)
    gn = grid_of(F32, (1, 2, 3, 2))
    gn[0, 0, 0, 0], gn[0, 0, 1, 1], gn[0, 1, 2, 0], gn[0, 1, 0, 1] = np.nan, np.inf, -np.inf, 1e30
    for pad in ("zeros", "border"):
        yield case("nonfinite_" + pad, "NaN, +-inf and 1e30 in the grid, %s: a non-finite "
                   "coordinate samples nothing (0)" % pad, F32, g.rand(F32, (1, 2, 3, 4)), gn, F32,
                   "linear", pad, ort=False, why=NONFINITE)
    yield case("empty_n", "N = 0", F32, g.rand(F32, (0, 2, 3, 4)), grid_of(F32, (0, 2, 2, 2)), F32)
    yield case("empty_c", "C = 0", F32, g.rand(F32, (2, 0, 3, 4)), grid_of(F32, (2, 2, 2, 2)), F32)
    yield case("empty_out", "grid [1, 0, 3, 2]: no output point", F32, g.rand(F32, (1, 2, 3, 4)),
               grid_of(F32, (1, 0, 3, 2)), F32)
    if v < 20:
        return
    for mode in ("linear", "nearest", "cubic"):
        for pad in ("zeros", "border", "reflection"):
            align = int(g.rng.integers(0, 2))
            ort = mode != "cubic"
            yield case("3d_%s_%s" % (mode, pad), "volumetric X [1, 2, 3, 4, 5], grid [1, 2, 3, 2, 3], "
                       "%s, %s, align_corners %d" % (mode, pad, align), F32,
                       g.rand(F32, (1, 2, 3, 4, 5)), grid_of(F32, (1, 2, 3, 2, 3)), F32, mode, pad,
                       align, ort=ort, why=None if ort else "onnxruntime has no 3-D cubic")
        if mode == "linear":  # several reflections in 3-D
            yield case("3d_far_reflect", "3-D, grid in [-4, 4], linear, reflection, align_corners 1",
                       F32, g.rand(F32, (1, 2, 2, 3, 4)), grid_of(F32, (1, 2, 2, 2, 3), 4.0), F32,
                       "linear", "reflection", 1)
    x = g.rand(F32, (1, 1, 1, 1, 5))
    g3 = np.zeros((1, 1, 1, 4, 3), np.float32)
    g3[0, 0, 0, :, 0] = [-0.75, -0.25, 0.25, 0.75]
    yield case("3d_nearest_ties", "3-D nearest at x.5 (align_corners 1): half to even", F32, x, g3,
               F32, "nearest", "zeros", 1)
    for mode in ("linear", "nearest", "cubic"):
        pad = ("zeros", "border", "reflection")[int(g.rng.integers(0, 3))]
        yield case("1d_" + mode, "one spatial axis: X [2, 3, 6], grid [2, 4, 1], %s, %s" % (mode, pad),
                   F32, g.rand(F32, (2, 3, 6)), grid_of(F32, (2, 4, 1)), F32, mode, pad, 0,
                   ort=False, why="onnxruntime samples 2 or 3 spatial axes only")
    yield case("4d_linear", "four spatial axes: X [1, 2, 2, 3, 2, 3], linear, border", F32,
               g.rand(F32, (1, 2, 2, 3, 2, 3)), grid_of(F32, (1, 2, 1, 2, 1, 4)), F32, "linear",
               "border", 1, ort=False, why="onnxruntime samples 2 or 3 spatial axes only")


# ---------------------------------------------------------------- AffineGrid
def affine_ref(size, align):
    def f(theta, *rest):
        N = size[0]
        sp = size[2:]
        r = len(sp)

        def base(i, n):
            if align:
                return -1.0 if n == 1 else -1.0 + 2.0 * i / (n - 1)
            return -1.0 + (2.0 * i + 1.0) / n
        out = np.zeros((N,) + tuple(sp) + (r,))
        for n in range(N):
            for pos in itertools.product(*[range(k) for k in sp]):
                vec = [base(pos[r - 1 - a], sp[r - 1 - a]) for a in range(r)] + [1.0]
                out[(n,) + pos] = theta[n] @ np.array(vec)
        return out
    return f


@op("AffineGrid", types=FLOATS)
def affine_grid(g):
    def case(tag, what, dt, size, align, size_init=True, ort=True, why=None, tol=None):
        r = len(size) - 2
        theta = g.rand(dt, (size[0], r, r + 1))
        return g.case(tag, what, dt, [In("theta", dt, theta), In("size", I64, g.ints(size), size_init)],
                      attrs={"align_corners": align}, ref=affine_ref(size, align),
                      out_types=[dt], ort=ort and dt != "float16",
                      why=why or "onnxruntime runs the function body in float16 (each step rounded)",
                      tol=tol or f_tol(dt))

    for dt in g.types():
        for align in (0, 1):
            yield case("2d_%s_ac%d" % (dt, align), "2-D: size [2, 3, 4, 5], align_corners %d" % align,
                       dt, [2, 3, 4, 5], align)
    for align in (0, 1):
        yield case("3d_ac%d" % align, "3-D: size [2, 1, 3, 4, 5], align_corners %d" % align, F32,
                   [2, 1, 3, 4, 5], align)
    yield case("size_input", "size a graph input (read at prepare)", F32, [1, 2, 3, 2], 0,
               size_init=False)
    yield case("ones_ac0", "axes of one element, align_corners 0 (coordinate 0)", F32,
               [2, 1, 1, 3, 1], 0)
    yield case("ones_ac1", "axes of one element, align_corners 1: coordinate -1", F32,
               [2, 1, 1, 3, 1], 1, ort=False,
               why="onnxruntime gives +1 (Eigen's LinSpaced); PyTorch and the function body's "
               "depth axis give -1")
    yield case("ones_2d_ac1", "2-D, W = 1, align_corners 1: coordinate -1", F32, [1, 1, 3, 1], 1,
               ort=False, why="onnxruntime gives +1 (Eigen's LinSpaced)")
    yield case("empty_hw", "size [1, 1, 0, 3]: an empty grid", F32, [1, 1, 0, 3], 0, ort=False,
               why="onnxruntime refuses an empty axis; the function body gives an empty grid")
    yield case("empty_n", "N = 0", F32, [0, 1, 2, 3], 1)


# ---------------------------------------------------------------- Unique
def unique_ref(axis, sorted_, outs):
    """The four outputs (only those in outs) of Unique, by sorting the slices' keys (NaN one
    value after every number, -0.0 equal to 0.0)."""
    def f(x):
        if axis is None:
            slices = [x.reshape(-1)[i:i + 1] for i in range(x.size)]
        else:
            slices = [np.take(x, i, axis=axis).reshape(-1) for i in range(x.shape[axis])]
        keys = [tuple((1, 0.0) if isinstance(e, float) and e != e else (0, e) for e in s.tolist())
                for s in slices]
        first, count = {}, {}
        for i, k in enumerate(keys):
            first.setdefault(k, i)
            count[k] = count.get(k, 0) + 1
        order = sorted(first) if sorted_ else sorted(first, key=lambda k: first[k])
        place = {k: j for j, k in enumerate(order)}
        idx = np.array([first[k] for k in order], np.int64)
        if axis is None:
            y = x.reshape(-1)[idx]
        else:
            y = np.take(x, idx, axis=axis)
        res = {"y": y, "indices": idx, "inverse": np.array([place[k] for k in keys], np.int64),
               "counts": np.array([count[k] for k in order], np.int64)}
        return tuple(res[o] for o in outs)
    return f


@op("Unique", types=diff_case.ALL, exact=True)
def unique(g):
    ALL4 = ["y", "indices", "inverse", "counts"]

    def case(tag, what, dt, x, axis=None, sorted_=None, outs=ALL4, ort=True, why=None):
        attrs = {}
        if axis is not None:
            attrs["axis"] = axis
        if sorted_ is not None:
            attrs["sorted"] = sorted_
        outputs = [o if o in outs else None for o in ALL4]
        while outputs[-1] is None:
            outputs.pop()
        types = [dt if o == "y" else I64 for o in ALL4 if o in outs]
        return g.case(tag, what, dt, [In("x", dt, x)], outputs=outputs, out_types=types,
                      attrs=attrs, ref=unique_ref(axis, 1 if sorted_ is None else sorted_,
                                                  [o for o in ALL4 if o in outs]),
                      ort=ort, why=why)

    def dup(dt, shape):
        v = g.rand(dt, shape, lo=-2, hi=2) if dt in FLOATS else g.rand(dt, shape)
        if dt in FLOATS:
            v = to_dtype(np.round(np.asarray(v, np.float64) * 2) / 2, dt)  # repeats
        return v

    for dt in g.types():
        x = dup(dt, (3, 5))
        yield case(dt, "flattened %s [3, 5] with repeats, sorted (default)" % dt, dt, x)
        yield case(dt + "_unsorted", "flattened %s, sorted 0: first-occurrence order" % dt, dt, x,
                   sorted_=0)
    x = dup(F32, (2, 4, 3))
    x[:, 2] = x[:, 0]
    x[:, 3, :] = x[:, 1, :]
    yield case("axis1", "axis 1 of [2, 4, 3] with repeated slices", F32, x, axis=1)
    yield case("axis_neg", "axis -2 (= 1), sorted 0", F32, x, axis=-2, sorted_=0)
    x = g.rand(I64, (4, 3), lo=0, hi=1)
    x[3] = x[0]
    yield case("axis0", "axis 0 of int64 [4, 3] (example 3 of the text)", I64, x, axis=0)
    yield case("axis_last", "axis -1 of int64 [4, 3]", I64, x, axis=-1)
    x = dup(F32, (7,))
    yield case("y_only", "Y alone", F32, x, outs=["y"])
    yield case("y_counts", "Y and counts (indices and inverse_indices omitted)", F32, x,
               outs=["y", "counts"])
    yield case("y_inverse", "Y and inverse_indices, sorted 0", F32, x, sorted_=0,
               outs=["y", "inverse"])
    yield case("signed_zero", "-0.0 and 0.0 are one value (the first occurrence kept)", F32,
               np.array([0.0, -0.0, 1.0, -0.0, 0.0], np.float32))
    xn = np.array([2.0, np.nan, 1.0, np.nan, -1.0, 1.0, np.nan], np.float32)
    for s in (0, 1):
        yield case("nan_s%d" % s, "NaNs are one value, sorted last (sorted %d)" % s, F32, xn,
                   sorted_=s, ort=False,
                   why="onnxruntime merges NaNs with the values next to them in its ordering")
    yield case("scalar", "a scalar: one element", F32, np.array(1.5, np.float32))
    yield case("empty", "empty [0, 3] flattened", F32, np.zeros((0, 3), np.float32))
    yield case("empty_axis0", "empty [0, 3], axis 0: no slice", F32, np.zeros((0, 3), np.float32),
               axis=0)
    yield case("empty_slices", "[0, 3], axis 1: three empty slices, all equal", F32,
               np.zeros((0, 3), np.float32), axis=1)


# ---------------------------------------------------------------- Det
def det_ref(x):
    return np.linalg.det(x) if x.shape[-1] else np.ones(x.shape[:-2])


def det_tol(x, dt):
    """rtol of the type; atol from Hadamard's bound (the product of the rows' norms), the scale
    of a determinant's rounding error."""
    rt, _ = {"float32": (1e-4, 0), "float64": (1e-10, 0), "float16": (4e-3, 0),
             "bfloat16": (3e-2, 0)}[dt]
    x = np.nan_to_num(np.asarray(x, np.float64), nan=0.0, posinf=0.0, neginf=0.0)
    bound = float(np.max(np.prod(np.linalg.norm(x, axis=-1), axis=-1))) if x.size else 1.0
    eps = {"float32": 1e-6, "float64": 1e-14, "float16": 2e-3, "bfloat16": 2e-2}[dt]
    return (rt, max(eps * bound, 1e-7))


@op("Det", types=FLOATS)
def det(g):
    def case(tag, what, dt, x, ort=True, why=None):
        c = g.case(tag, what, dt, [In("x", dt, x)], ref=det_ref, tol=det_tol(x, dt), ort=ort,
                   why=why)
        # onnxruntime's float32 elimination is off by the scale det_tol gives, not by the
        # default check's 1e-4 relative (held-out salt 10, m8: 0.0045 on 38.97, its atol 1.09)
        c.check_tol = det_tol(x, dt)
        return c

    for dt in g.types():
        yield case(dt, "%s [2, 3, 3]" % dt, dt, g.rand(dt, (2, 3, 3)))
    yield case("matrix", "one 4 x 4 matrix: a scalar Y", F32, g.rand(F32, (4, 4)))
    yield case("batch2", "batch [2, 3] of 5 x 5", F32, g.rand(F32, (2, 3, 5, 5)))
    yield case("m8", "8 x 8 (pivoting matters)", F32, g.rand(F32, (2, 8, 8)))
    yield case("m1", "1 x 1 matrices", F32, g.rand(F32, (3, 1, 1)))
    yield case("m0", "0 x 0 matrices: 1", F32, np.zeros((2, 0, 0), np.float32))
    yield case("empty_batch", "no matrix: [0, 3, 3]", F32, np.zeros((0, 3, 3), np.float32))
    s = g.rand(F32, (2, 4, 4))
    s[0, 3] = s[0, 0] + s[0, 1]  # rank 3
    s[1, :, 2] = 0  # a zero column
    yield case("singular", "singular: a row the sum of two others; a zero column", F32, s)
    ns = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9.0001]], np.float32)
    yield case("near_singular", "near-singular 3 x 3 (det -3e-4)", F32, ns)
    sw = np.array([[0, 2, 1], [3, 0, 1], [1, 1, 0]], np.float32)
    yield case("zero_pivot", "zero leading entry: pivoting needed (det 5)", F32, sw)
    nn = g.rand(F32, (2, 3, 3))
    nn[0, 1, 2] = np.nan
    yield case("nan", "a NaN gives NaN", F32, nn[:1])
    yield case("f64_big", "float64 6 x 6", "float64", g.rand("float64", (6, 6)))
