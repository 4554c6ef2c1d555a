"""Differential entries of Resize (rows since 10, 11, 13, 18, 19) and Upsample (7, 9) for
make_diff_cases.py (which imports this module). The generator also needs Resize 18 and 19 in
diff_case.LATER_VERSIONS (no later Resize version up to opset 26).

The NumPy reference follows onnxruntime's CPU kernel: coordinates in float32 as its C++ computes
them (the nearest pixel of a .5 tie depends on it), the interpolation itself in float64.
Per axis of input length n, output length m and scale s (float32):
  output shape from scales: m = int64(float32(s) * float32(n)); from sizes: m = sizes and
    s = float32(m) / float32(n) (1 when n == 0); keep_aspect_ratio_policy (18+, sizes only)
    takes the min / max of s over the listed axes and m = round_half_away(float32(s * n))
  x_orig of output index x: asymmetric x/s (Resize 10, Upsample), half_pixel (x+.5)/s-.5,
    pytorch_half_pixel (m > 1 ? (x+.5)/s-.5 : 0), tf_half_pixel_for_nn (x+.5)/s,
    align_corners (m == 1 ? 0 : x*(n-1)/(m-1)), tf_crop_and_resize (m > 1 ?
    a*(n-1) + x*(b-a)*(n-1)/(m-1) : 0.5*(a+b)*(n-1), roi (a, b); extrapolation_value where
    x_orig < 0 or > n-1 on any axis), half_pixel_symmetric (19; offset + (x+.5)/s - .5 with
    offset = (n/2)*(1 - m/(s*n)))
  nearest: round_prefer_floor / round_prefer_ceil / floor / ceil of x_orig (Resize 10 and
    Upsample: ceil where s < 1, else truncation), clamped to [0, n-1]
  linear: x_orig clamped to [0, n-1], taps floor and floor+1 (clamped), weights 1-t, t
  cubic: taps floor-1 .. floor+2 with Keys' weights (cubic_coeff_a), clamped or, with
    exclude_outside, dropped and the rest renormalized
  separable over the axes (products of the per-axis weights).
  antialias (18+, linear / cubic): see antialias_matrix (onnxruntime's Pillow-style filter).
onnxruntime's rules beyond these formulas (measured on onnxruntime-node 1.30, followed here):
  an axis of scale 1 is copied (x_orig = x whatever the mode: tf_half_pixel_for_nn does not
    shift it), except under tf_crop_and_resize, which crops it as the spec does (onnxruntime
    copies it whatever its roi: those cases take the NumPy reference, ort_departure);
  round_prefer_floor / round_prefer_ceil take x_orig within 1e-6 of k + 0.5 for a tie (so
    9/1.2f = 7.4999995 rounds up with round_prefer_ceil); floor and ceil have no such zone;
  tf_crop_and_resize with m == 1 and half_pixel_symmetric end in double arithmetic (0.5 is a
    double constant in its C++) before the float32 result.
Where onnxruntime 1.30 is wrong (a negative axis left out of keep_aspect_ratio_policy: that
axis keeps its input length; an output of the input's shape returned as the input whatever the
scales, with antialias an axis whose length does not change: the spec and PyTorch interpolate)
the case's reference is NumPy's.
Nearest cases compare exactly (copies); linear and cubic at lstm-run's usual tolerance (one
bfloat16 step for bfloat16)."""
import numpy as np

from diff_case import ALL, FLOATS, In, op

F32 = "float32"
I64 = "int64"
EXACT = (0.0, 0.0)  # nearest: copies
BF16_TOL = (8e-3, 1e-5)  # one bfloat16 step: the interpolation rounds once into bfloat16
CTMS = ["half_pixel", "asymmetric", "pytorch_half_pixel", "tf_half_pixel_for_nn", "align_corners",
        "tf_crop_and_resize"]
NEAREST_MODES = ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"]


def f32(v):
    return np.float32(v)


# ---------------------------------------------------------------- reference
def coords(ctm, m, n, s, roi=(0.0, 1.0)):
    """x_orig (float32) of the output indices 0 .. m-1 of one axis."""
    x = np.arange(m, dtype=np.float32)
    s, fn, fm = f32(s), f32(n), f32(m)
    half, one = f32(0.5), f32(1)
    zeros = np.zeros(m, np.float32)
    if ctm == "asymmetric":
        return x / s
    if ctm == "half_pixel":
        return (x + half) / s - half
    if ctm == "pytorch_half_pixel":
        return (x + half) / s - half if m > 1 else zeros
    if ctm == "tf_half_pixel_for_nn":
        return (x + half) / s
    if ctm == "align_corners":
        return zeros if m == 1 else x * (fn - one) / (fm - one)
    if ctm == "tf_crop_and_resize":
        a, b = f32(roi[0]), f32(roi[1])
        if m > 1:
            return a * (fn - one) + (x * (b - a) * (fn - one)) / (fm - one)
        # a double product (0.5 is a double constant in onnxruntime's C++), rounded to float
        return np.full(m, np.float32(0.5 * np.float64(a + b) * np.float64(fn - one)), np.float32)
    if ctm == "half_pixel_symmetric":
        adjustment = fm / (s * fn)
        offset = (fn / f32(2)) * (one - adjustment)
        # offset + (x + 0.5) / s - 0.5 in double (0.5 a double constant), rounded to float
        return (np.float64(offset) + (x.astype(np.float64) + 0.5) / np.float64(s) - 0.5).astype(np.float32)
    raise ValueError(ctm)


def round_away(a):
    """Round half away from zero (std::round) of float32 values, in float64."""
    a = np.asarray(a, np.float64)
    return np.sign(a) * np.floor(np.abs(a) + 0.5)


def nearest_index(xo, nm, down):
    xd = xo.astype(np.float64)
    if nm == "simple":  # Resize 10, Upsample
        return np.ceil(xd) if down else np.trunc(xd)
    # onnxruntime 1.30 takes x_orig within 1e-6 of k + 0.5 for a tie (measured: 9.5e-7 away is
    # a tie, 1.2e-6 away is not; floor and ceil have no such zone)
    tie = np.abs(xd - (np.floor(xd) + 0.5)) < 1e-6
    if nm == "round_prefer_floor":
        return np.where(tie, np.floor(xd), round_away(xd))
    if nm == "round_prefer_ceil":
        return np.where(tie, np.floor(xd) + 1, round_away(xd))
    if nm == "floor":
        return np.floor(xd)
    if nm == "ceil":
        return np.ceil(xd)
    raise ValueError(nm)


def axis_taps(mode, ctm, nm, m, n, s, roi, a, exclude):
    """One axis: (list of index arrays, list of weight arrays, extrapolation mask)."""
    xo = coords(ctm, m, n, s, roi)
    extra = (xo < 0) | (xo > f32(n - 1)) if ctm == "tf_crop_and_resize" else np.zeros(m, bool)
    if mode == "nearest":
        idx = np.clip(nearest_index(xo, nm, f32(s) < 1), 0, n - 1).astype(np.int64)
        return [idx], [np.ones(m)], extra
    if mode == "linear":
        xc = np.minimum(np.maximum(xo, f32(0)), f32(n - 1))
        i0 = np.minimum(np.trunc(xc).astype(np.int64), n - 1)
        i1 = np.minimum(i0 + 1, n - 1)
        t = xc.astype(np.float64) - i0
        return [i0, i1], [1 - t, t], extra
    fl = np.floor(xo)
    t = (xo - fl).astype(np.float32).astype(np.float64)  # float32 difference, as onnxruntime
    fl = fl.astype(np.int64)
    w = [((a * (t + 1) - 5 * a) * (t + 1) + 8 * a) * (t + 1) - 4 * a,
         ((a + 2) * t - (a + 3)) * t * t + 1,
         ((a + 2) * (1 - t) - (a + 3)) * (1 - t) * (1 - t) + 1,
         ((a * (2 - t) - 5 * a) * (2 - t) + 8 * a) * (2 - t) - 4 * a]
    taps = [fl + k for k in (-1, 0, 1, 2)]
    if exclude:
        w = [np.where((tp < 0) | (tp > n - 1), 0.0, wk) for tp, wk in zip(taps, w)]
        total = sum(w)
        w = [wk / total for wk in w]
    return [np.clip(tp, 0, n - 1) for tp in taps], w, extra


def antialias_matrix(mode, ctm, m, n, s, roi, a, exclude):
    """One axis with antialias (18+): (m x n weights, extrapolation mask). onnxruntime's (Pillow's)
    filter: the triangle (linear) or Keys cubic (cubic_coeff_a) over a window of half-width
    support = 1 or 2 (cubic), stretched by 1/s when shrinking, centred at x_orig + 0.5; taps
    floor(c - support + .5) .. floor(c + support + .5) - 1; outside [0, n-1] they read the edge
    element, or with exclude_outside are dropped; weights normalized to sum 1."""
    xo = coords(ctm, m, n, s, roi)
    extra = (xo < 0) | (xo > f32(n - 1)) if ctm == "tf_crop_and_resize" else np.zeros(m, bool)
    inv = f32(1) / f32(s)  # onnxruntime's "scale" (input / output)
    half_width = f32(1 if mode == "linear" else 2)
    support = half_width * inv if inv >= 1 else half_width
    window = int(np.ceil(support)) * 2 + 1
    stretch = 1.0 / float(inv) if inv >= 1 else 1.0
    W = np.zeros((m, n))
    for i in range(m):
        c = f32(0.5) + xo[i]
        lo = int(np.floor(c - support + f32(0.5)))
        hi = lo + min(max(int(np.floor(c + support + f32(0.5))) - lo, 0), window)
        for j in range(lo, hi):
            t = abs(float(f32(j) - c + f32(0.5))) * stretch
            if mode == "linear":
                w = max(0.0, 1 - t)
            else:
                w = ((a + 2) * t - (a + 3)) * t * t + 1 if t < 1 else (((t - 5) * t + 8) * t - 4) * a if t < 2 else 0.0
            if 0 <= j < n:
                W[i, j] += w
            elif not exclude:
                W[i, min(max(j, 0), n - 1)] += w
        total = W[i].sum()
        if total != 0:
            W[i] /= total
    return W, extra


def plan(in_shape, scales=None, sizes=None, axes=None, policy="stretch"):
    """(output shape, per-axis float32 scales) as onnxruntime derives them."""
    r = len(in_shape)
    ax = list(range(r)) if axes is None else [a + r if a < 0 else a for a in axes]
    if scales is not None:
        s = [f32(1)] * r
        for i, a in enumerate(ax):
            s[a] = f32(scales[i])
        return [int(s[i] * f32(in_shape[i])) for i in range(r)], s
    out = list(in_shape)
    for i, a in enumerate(ax):
        out[a] = int(sizes[i])
    s = [f32(out[i]) / f32(in_shape[i]) if in_shape[i] else f32(1) for i in range(r)]
    if policy != "stretch":
        pick = min if policy == "not_larger" else max
        p = pick(s[a] for a in ax)
        for a in ax:
            s[a] = p
            out[a] = int(round_away(p * f32(in_shape[a])))
    return out, s


def full_roi(r, roi, axes):
    """(start, end) per axis from the roi input (starts then ends of the listed axes)."""
    if roi is None or len(roi) == 0:
        return [(0.0, 1.0)] * r
    ax = list(range(r)) if axes is None else [a + r if a < 0 else a for a in axes]
    k = len(ax)
    res = [(0.0, 1.0)] * r
    for i, a in enumerate(ax):
        res[a] = (roi[i], roi[k + i])
    return res


# onnxruntime 1.30 returns the input when the output has the input's shape, whatever the scales
# (with antialias: any axis whose length does not change); the spec, PyTorch and this runtime
# interpolate with the given scale. Those cases take the NumPy reference.
SAME_SHAPE = ("onnxruntime copies an output of the input's shape whatever the scales (antialias: an "
              "axis of unchanged length); the spec and PyTorch interpolate")
# onnxruntime 1.30 also copies an axis of scale 1 under tf_crop_and_resize, ignoring its roi;
# the spec (and ONNX's reference implementation) crops it, as this runtime does.
CROP_SCALE1 = "onnxruntime copies a tf_crop_and_resize axis of scale 1 whatever its roi; the spec crops it"


def ort_departure(shape, ctm, scales, sizes, roi, axes, policy, antialias):
    """Why onnxruntime cannot be the reference of a modern Resize case (its copies above), or
    None. Antialias cases name their own."""
    out, s = plan(shape, scales, sizes, axes, policy or "stretch")
    if ctm == "tf_crop_and_resize":
        rois = full_roi(len(shape), roi, axes)
        if any(s[d] == 1 and out[d] == shape[d] > 1 and tuple(rois[d]) != (0.0, 1.0) for d in range(len(shape))):
            return CROP_SCALE1
    if not antialias and list(out) == list(shape) and any(v != 1 for v in s):
        return SAME_SHAPE
    return None


def resize_ref(mode="nearest", ctm="half_pixel", nm="round_prefer_floor", scales=None, sizes=None,
               roi=None, axes=None, policy="stretch", a=-0.75, exclude=False, extrapolation=0.0,
               antialias=False):
    def f(x, *_):
        out, s = plan(x.shape, scales, sizes, axes, policy)
        rois = full_roi(x.ndim, roi, axes)
        y = x if mode == "nearest" else np.asarray(x, np.float64)
        mask = np.zeros([1] * x.ndim, bool)
        for d in range(x.ndim):
            if s[d] == 1 and ctm != "tf_crop_and_resize":  # as onnxruntime: a copy (x_orig = x)
                continue
            shp = [1] * x.ndim
            shp[d] = out[d]
            if antialias:
                W, extra = antialias_matrix(mode, ctm, out[d], x.shape[d], s[d], rois[d], a, exclude)
                y = np.moveaxis(np.tensordot(W, np.moveaxis(y, d, 0), axes=1), 0, d)
                mask = mask | extra.reshape(shp)
                continue
            idx, w, extra = axis_taps(mode, ctm, nm, out[d], x.shape[d], s[d], rois[d], a, exclude)
            if mode == "nearest":
                y = np.take(y, idx[0], axis=d)
            else:
                y = sum(wk.reshape(shp) * np.take(y, ik, axis=d) for ik, wk in zip(idx, w))
            mask = mask | extra.reshape(shp)
        if mask.any():
            ev = np.array(extrapolation).astype(y.dtype) if y.dtype.kind != "f" else extrapolation
            y = np.where(mask, ev, y)
        return y
    return f


# ---------------------------------------------------------------- cases
def node(g, dt, x, mode=None, ctm=None, nm=None, scales=None, sizes=None, roi=None, roi_form=None,
         axes=None, policy=None, a=None, exclude=None, extrapolation=None, scales_init=True,
         sizes_init=True, scales_form=None):
    """Inputs and attributes of one Resize / Upsample node at version g.v.
    roi_form (13+, roi None): "absent" ("" in the node, the default) or "empty" (an empty tensor;
    version 11 always has one). scales_form (13+, sizes given): "absent" (default) or "empty"."""
    v = g.v
    attrs = {}
    if mode is not None:
        attrs["mode"] = mode
    if g.op == "Upsample" and v < 9:
        attrs["scales"] = [float(f32(s)) for s in scales]
        return [In("x", dt, x)], attrs
    if g.op == "Upsample" or v < 11:
        return [In("x", dt, x), In("scales", F32, np.array(scales, np.float32), init=scales_init)], attrs
    for k, val in (("coordinate_transformation_mode", ctm), ("nearest_mode", nm), ("cubic_coeff_a", a),
                   ("exclude_outside", exclude), ("extrapolation_value", extrapolation), ("axes", axes),
                   ("keep_aspect_ratio_policy", policy)):
        if val is not None:
            attrs[k] = val
    empty = np.zeros((0,), np.float32)
    if roi is not None:
        r_in = In("roi", F32, np.array(roi, np.float32), init=True)
    elif v == 11 or roi_form == "empty":
        r_in = In("roi", F32, empty, init=True)
    else:
        r_in = None
    if scales is not None:
        s_in = In("scales", F32, np.array(scales, np.float32), init=scales_init)
    elif v == 11 or scales_form == "empty":
        s_in = In("scales", F32, empty, init=True)
    else:
        s_in = None
    ins = [In("x", dt, x), r_in, s_in]
    if sizes is not None:
        ins.append(In("sizes", I64, np.array(sizes, np.int64), init=sizes_init))
    return ins, attrs


def tol_of(mode, dt):
    if mode == "nearest" or mode is None:
        return EXACT
    return BF16_TOL if dt == "bfloat16" else None


def rcase(g, tag, what, dt, x, mode=None, ctm=None, nm=None, scales=None, sizes=None, roi=None,
          axes=None, policy=None, a=None, exclude=None, extrapolation=None, ort=True, why=None, antialias=None,
          **forms):
    ins, attrs = node(g, dt, x, mode, ctm, nm, scales, sizes, roi, axes=axes, policy=policy, a=a,
                      exclude=exclude, extrapolation=extrapolation, **forms)
    if antialias is not None:
        attrs["antialias"] = antialias
    modern = g.op == "Resize" and g.v >= 11
    if ort and (sizes is not None or scales is not None) and len(x.shape):
        why = ort_departure(x.shape, (ctm or "half_pixel") if modern else "asymmetric", scales, sizes,
                            roi, axes, policy, antialias)
        ort = why is None
    ref = resize_ref(mode or "nearest",
                     (ctm or "half_pixel") if modern else "asymmetric",
                     (nm or "round_prefer_floor") if modern else "simple",
                     scales, sizes, roi, axes, policy or "stretch",
                     -0.75 if a is None else a, bool(exclude), extrapolation or 0.0, bool(antialias))
    return g.case(tag, what, dt, ins, attrs=attrs, ref=ref, tol=tol_of(mode, dt), ort=ort, why=why)


def rand_x(g, dt, shape):
    return g.rand(dt, shape) if dt not in FLOATS else g.rand(dt, shape, lo=-4, hi=4)


def legacy_cases(g):
    """Upsample 7 / 9 and Resize 10: nearest (ceil when downscaling, else truncation) and
    linear, on asymmetric coordinates."""
    up = g.op == "Upsample"
    for dt in g.types():
        x = rand_x(g, dt, (1, 2, 3, 4))
        sc = [1, 1, 2.5, 1.5] if up else [1, 1, 1.7, 0.6]
        yield rcase(g, "nearest_" + dt, "nearest %s scales %s" % (dt, sc), dt, x, "nearest", scales=sc)
    if g.sweep:
        for dt in g.types():
            if dt in FLOATS and dt != F32:
                x = rand_x(g, dt, (3, 4))
                sc = [2.5, 1.5] if up else [1.7, 0.6]
                yield rcase(g, "linear_" + dt, "linear %s 2-D scales %s" % (dt, sc), dt, x, "linear", scales=sc)
    shapes = [((5,), [2.5] if up else [0.6]), ((3, 4), [1.5, 3] if up else [0.6, 2.5]),
              ((2, 3, 4), [1, 2, 1.7] if up else [1.7, 0.5, 1]), ((1, 2, 3, 2), [1, 1, 3, 2.5]),
              ((2, 1, 2, 3, 2), [1, 2, 1.5, 1, 2])]
    for shp, sc in shapes:  # (onnxruntime's linear takes ranks 2 to 4 here; NumPy stands in for 1, 5)
        x = rand_x(g, F32, shp)
        for mode in ("nearest", "linear"):
            yield rcase(g, "%s_r%d" % (mode, len(shp)), "%s rank %d scales %s" % (mode, len(shp), sc), F32, x,
                        mode, scales=sc)
    x = rand_x(g, F32, (1, 1, 3, 4))
    yield rcase(g, "nearest_x2", "nearest scales [1, 1, 2, 2] (integer factor)", F32, x, "nearest",
                scales=[1, 1, 2, 2])
    yield rcase(g, "linear_x2", "linear scales [1, 1, 2, 2]", F32, x, "linear", scales=[1, 1, 2, 2])
    yield rcase(g, "mode_absent", "mode absent (nearest)", F32, x, None, scales=[1, 1, 1.5, 2.5])
    x = rand_x(g, F32, (2, 5))
    yield rcase(g, "nearest_same", "scales all 1 (a copy)", F32, x, "nearest", scales=[1, 1])
    if not up:
        yield rcase(g, "nearest_down", "nearest scales [0.5, 0.4] (ceil of x/s)", F32, x, "nearest",
                    scales=[0.5, 0.4])
        yield rcase(g, "linear_down", "linear scales [0.5, 0.6]", F32, x, "linear", scales=[0.5, 0.6])
    if g.v >= 9:
        x = rand_x(g, F32, (2, 3))
        yield rcase(g, "scales_input", "scales a graph input", F32, x, "nearest", scales=[2, 1.5],
                    scales_init=False)
        yield rcase(g, "linear_scales_input", "linear, scales a graph input", F32, x, "linear",
                    scales=[1.5, 2.5], scales_init=False)
    x = np.zeros((2, 0, 3), np.float32)
    yield rcase(g, "empty", "an empty axis [2, 0, 3] scales [1, 2, 2]", F32, x, "nearest", scales=[1, 2, 2])


@op("Upsample", types=ALL)
def upsample(g):
    yield from legacy_cases(g)


@op("Resize", types=ALL)
def resize(g):
    if g.v < 11:
        yield from legacy_cases(g)
        return
    yield from modern_cases(g)


def modern_cases(g):
    v = g.v
    ctms = CTMS + (["half_pixel_symmetric"] if v >= 19 else [])
    roi4 = [0, 0, 0.2, -0.3, 1, 1, 0.9, 1.2]  # reaches outside [0, 1] on the last axis
    # every type, nearest
    for dt in g.types():
        x = rand_x(g, dt, (1, 2, 3, 4))
        yield rcase(g, "nearest_" + dt, "nearest %s scales [1, 1, 1.7, 0.6]" % dt, dt, x, "nearest",
                    scales=[1, 1, 1.7, 0.6])
        ev = None if dt == "bool" else 5.0 if dt not in FLOATS else -2.5
        yield rcase(g, "crop_" + dt, "nearest %s tf_crop_and_resize, extrapolation_value %s" % (dt, ev), dt, x,
                    "nearest", ctm="tf_crop_and_resize", sizes=[1, 2, 4, 5], roi=roi4, extrapolation=ev)
    if g.sweep:  # linear and cubic in every float type
        for dt in g.types():
            if dt in FLOATS and dt != F32:
                x = rand_x(g, dt, (1, 1, 3, 4))
                for mode in ("linear", "cubic"):
                    yield rcase(g, "%s_%s" % (mode, dt), "%s %s scales [1, 1, 1.7, 0.6]" % (mode, dt), dt, x,
                                mode, scales=[1, 1, 1.7, 0.6])
                yield rcase(g, "cubic_crop_" + dt, "cubic %s tf_crop_and_resize, exclude_outside" % dt, dt, x,
                            "cubic", ctm="tf_crop_and_resize", sizes=[1, 1, 5, 3], roi=roi4, exclude=1,
                            extrapolation=0.75)
    # every coordinate transformation x every mode: up, down and from sizes at the first and the
    # newest version, up at the versions between (13, 18: the same arithmetic)
    full = v in (11, 19)
    for ctm in ctms:
        for mode in ("nearest", "linear", "cubic"):
            for k, (shp, sc) in enumerate((((1, 2, 4, 5), [1, 1, 1.7, 2.5]), ((2, 1, 6, 7), [1, 1, 0.6, 0.45]))):
                if k and not full:
                    continue
                x = rand_x(g, F32, shp)
                roi = roi4 if ctm == "tf_crop_and_resize" else None
                yield rcase(g, "%s_%s_%s" % (mode, ctm, "up" if k == 0 else "down"),
                            "%s %s scales %s" % (mode, ctm, sc), F32, x, mode, ctm=ctm, scales=sc, roi=roi)
            if full:
                x = rand_x(g, F32, (1, 1, 4, 3))
                roi = roi4 if ctm == "tf_crop_and_resize" else None
                yield rcase(g, "%s_%s_sizes" % (mode, ctm), "%s %s sizes [1, 1, 7, 2]" % (mode, ctm), F32, x,
                            mode, ctm=ctm, sizes=[1, 1, 7, 2], roi=roi)
    # onnxruntime's rules beyond the formulas: an axis of scale 1 is copied (x_orig = x, so
    # tf_half_pixel_for_nn does not shift it; tf_crop_and_resize crops it by the spec, onnxruntime
    # ignores its roi: NumPy stands in); an output of
    # the input's shape is a copy (whatever the scales); x_orig within 1e-6 of k + 0.5 is a tie
    x = rand_x(g, F32, (3, 5))
    for mode in ("nearest", "linear", "cubic"):
        yield rcase(g, "scale1_nn_%s" % mode, "%s tf_half_pixel_for_nn scales [1, 2.5]: axis 0 copied" % mode, F32, x,
                    mode, ctm="tf_half_pixel_for_nn", nm="ceil" if mode == "nearest" else None, scales=[1, 2.5])
        yield rcase(g, "scale1_crop_%s" % mode, "%s tf_crop_and_resize roi [0.2, -0.2, 0.7, 1.3] sizes [3, 7]: "
                    "axis 0 (scale 1) cropped to its roi" % mode, F32, x, mode, ctm="tf_crop_and_resize",
                    roi=[0.2, -0.2, 0.7, 1.3], sizes=[3, 7], extrapolation=-3.0)
        yield rcase(g, "same_shape_%s" % mode, "%s half_pixel scales [1.2, 1.1] on [3, 5] (output [3, 5]): "
                    "interpolated" % mode, F32, x, mode, scales=[1.2, 1.1], ort=False, why=SAME_SHAPE)
    for ctm, n, sc, nm, what in (("asymmetric", 9, 1.2, "round_prefer_ceil", "9/1.2 = 7.4999995 -> 8"),
                                 ("tf_half_pixel_for_nn", 9, 2.6, "round_prefer_floor", "19.5/2.6 = 7.5000005 -> 7"),
                                 ("half_pixel", 31, 1.3, "round_prefer_floor", "(19+0.5)/1.3-0.5 = 14.500001 -> 14")):
        yield rcase(g, "tie_zone_%s" % ctm, "nearest %s %s: %s (within 1e-6 of a tie)" % (ctm, nm, what), F32,
                    rand_x(g, F32, (2, n)), "nearest", ctm=ctm, nm=nm, scales=[1, sc])
    # every nearest_mode, with ties: asymmetric x2 (x/2), align_corners 4 -> 7 (x/2), half_pixel x0.5
    for nm in NEAREST_MODES:
        for ctm, shp, kw in (("asymmetric", (3, 4), {"scales": [2, 2]}),
                             ("align_corners", (4, 3), {"sizes": [7, 5]}),
                             ("half_pixel", (6, 8), {"scales": [0.5, 0.5]}),
                             ("tf_half_pixel_for_nn", (3, 5), {"scales": [1.7, 0.6]}),
                             ("pytorch_half_pixel", (3, 5), {"scales": [2.5, 0.6]})):
            x = rand_x(g, F32, shp)
            yield rcase(g, "nm_%s_%s" % (nm, ctm), "nearest_mode %s, %s %s" % (nm, ctm, kw), F32, x,
                        "nearest", ctm=ctm, nm=nm, **kw)
        if v >= 19:
            x = rand_x(g, F32, (5, 4))
            yield rcase(g, "nm_%s_symmetric" % nm, "nearest_mode %s, half_pixel_symmetric scales [1.7, 0.6]" % nm,
                        F32, x, "nearest", ctm="half_pixel_symmetric", nm=nm, scales=[1.7, 0.6])
    # cubic attributes
    x = rand_x(g, F32, (1, 1, 5, 4))
    for a, ex in ((-0.5, None), (None, 1), (-0.5, 1), (-1.0, 0)):
        for ctm in ("half_pixel", "align_corners", "asymmetric"):
            yield rcase(g, "cubic_a%s_ex%s_%s" % (a, ex, ctm), "cubic cubic_coeff_a %s exclude_outside %s %s"
                        % (a, ex, ctm), F32, x, "cubic", ctm=ctm, a=a, exclude=ex, scales=[1, 1, 1.7, 2.5])
    x = rand_x(g, F32, (6, 7))
    yield rcase(g, "cubic_ex_down", "cubic exclude_outside, downscale [0.5, 0.45]", F32, x, "cubic", exclude=1,
                scales=[0.5, 0.45])
    # tf_crop_and_resize: extrapolation_value, roi inside / outside, one output
    for mode in ("nearest", "linear", "cubic"):
        x = rand_x(g, F32, (1, 1, 4, 5))
        for k, (roi, sizes) in enumerate((([0, 0, -0.4, 0.3, 1, 1, 0.6, 1.5], [1, 1, 5, 6]),
                                          ([0, 0, 0.25, 0.1, 1, 1, 0.75, 0.8], [1, 1, 3, 4]),
                                          ([0, 0, 0.3, 0.9, 1, 1, 0.7, 0.2], [1, 1, 1, 3]))):
            yield rcase(g, "crop%d_%s" % (k, mode), "%s tf_crop_and_resize roi %s sizes %s, extrapolation_value -9"
                        % (mode, roi, sizes), F32, x, mode, ctm="tf_crop_and_resize", roi=roi, sizes=sizes,
                        extrapolation=-9.0)
        yield rcase(g, "crop_default_ev_%s" % mode, "%s tf_crop_and_resize, extrapolation_value absent" % mode,
                    F32, x, mode, ctm="tf_crop_and_resize", roi=[0, 0, -0.5, -0.2, 1, 1, 1.5, 1.1],
                    scales=[1, 1, 1.5, 1.4])
    # random shapes of rank 1 to 5 (size-1 axes), scales or sizes
    r = g.rng
    for k in range(10):
        rank = 1 + k % 5
        shp = tuple(int(r.integers(1, 5)) for _ in range(rank))
        ctm = ctms[int(r.integers(0, len(ctms)))]
        nm = NEAREST_MODES[int(r.integers(0, 4))]
        roi = None
        if ctm == "tf_crop_and_resize":
            roi = [round(float(r.uniform(-0.3, 0.4)), 2) for _ in range(rank)] + \
                  [round(float(r.uniform(0.6, 1.3)), 2) for _ in range(rank)]
        if k % 2:
            kw = {"sizes": [int(r.integers(1, 8)) for _ in range(rank)]}
        else:
            kw = {"scales": [float(r.choice([0.6, 1.7, 2.5, 3.0, 1.0, 0.5, 1.25]))
                             for _ in range(rank)]}
        x = rand_x(g, F32, shp)
        yield rcase(g, "rand%d" % k, "nearest rank %d %s %s %s %s" % (rank, shp, ctm, nm, kw), F32, x, "nearest",
                    ctm=ctm, nm=nm, roi=roi, **kw)
    # linear: ranks 1 to 5 (onnxruntime: 2-D, 3-D, 4-D with outer or outer+inner scales 1, 5-D
    # with outer scales 1), including the NHWC form
    for k, (shp, sc) in enumerate((((7,), [1.7]), ((3, 4), [0.6, 2.5]), ((2, 3, 4), [1.5, 0.6, 2]),
                                   ((1, 3, 4, 2), [1, 1.5, 0.7, 1]), ((2, 3, 4, 2), [1.5, 1, 2, 1]),
                                   ((1, 1, 2, 3, 4), [1, 1, 2, 1.5, 0.6]), ((2, 2, 2, 3, 2), [1, 2, 1, 1.5, 1]))):
        x = rand_x(g, F32, shp)
        yield rcase(g, "linear_r%d_%d" % (len(shp), k), "linear %s scales %s" % (shp, sc), F32, x, "linear",
                    ctm=["half_pixel", "align_corners", "asymmetric"][k % 3], scales=sc)
    # cubic: ranks 1 to 4 (onnxruntime: 2-D and 4-D with outer scales 1)
    for k, (shp, sc) in enumerate((((6,), [1.7]), ((4, 5), [2.5, 0.6]), ((2, 3, 4), [1, 1.5, 2]),
                                   ((1, 4, 3, 1), [1, 1.5, 2, 1]), ((2, 3, 3, 4), [1, 1, 0.7, 1.5]))):
        x = rand_x(g, F32, shp)
        yield rcase(g, "cubic_r%d_%d" % (len(shp), k), "cubic %s scales %s" % (shp, sc), F32, x, "cubic",
                    scales=sc)
    # size-1 axes: upscaled from 1, resized to 1
    x = rand_x(g, F32, (1, 1, 1, 3))
    for mode in ("nearest", "linear", "cubic"):
        for ctm in ("align_corners", "pytorch_half_pixel", "half_pixel"):
            yield rcase(g, "one_%s_%s" % (mode, ctm), "%s %s [1, 1, 1, 3] -> sizes [1, 1, 3, 1]" % (mode, ctm),
                        F32, x, mode, ctm=ctm, sizes=[1, 1, 3, 1])
    # scales and sizes as initializers and graph inputs
    x = rand_x(g, F32, (1, 2, 3, 4))
    yield rcase(g, "scales_input", "scales a graph input", F32, x, "linear", scales=[1, 1, 1.5, 0.6],
                scales_init=False)
    yield rcase(g, "sizes_input", "sizes a graph input", F32, x, "nearest", sizes=[1, 2, 5, 3], sizes_init=False)
    yield rcase(g, "sizes_init", "sizes an initializer, cubic", F32, x, "cubic", sizes=[1, 2, 2, 7])
    if v >= 13:
        yield rcase(g, "roi_absent", "roi absent, scales given", F32, x, "linear", scales=[1, 1, 2, 1.5])
        yield rcase(g, "roi_empty", "roi an empty tensor", F32, x, "linear", scales=[1, 1, 2, 1.5],
                    roi_form="empty")
        yield rcase(g, "scales_empty", "scales an empty tensor, sizes given", F32, x, "nearest", sizes=[1, 2, 6, 3],
                    scales_form="empty")
        yield rcase(g, "scales_absent", "scales absent, sizes given", F32, x, "nearest", sizes=[1, 2, 6, 3])
        yield rcase(g, "crop_roi_absent", "tf_crop_and_resize with roi absent (0..1)", F32, x, "linear",
                    ctm="tf_crop_and_resize", sizes=[1, 2, 5, 6])
    else:
        yield rcase(g, "roi_empty", "roi an empty tensor", F32, x, "linear", scales=[1, 1, 2, 1.5])
        yield rcase(g, "scales_empty", "scales an empty tensor, sizes given", F32, x, "nearest", sizes=[1, 2, 6, 3])
    # empty tensors: an empty input axis; an output axis of 0 (scale 0.3 on 3)
    yield rcase(g, "empty_in", "an empty axis [2, 0, 3] scales [1, 2, 1.5]", F32, np.zeros((2, 0, 3), np.float32),
                "nearest", scales=[1, 2, 1.5])
    yield rcase(g, "empty_in_sizes", "an empty axis [2, 0, 3] sizes [3, 0, 2]", F32,
                np.zeros((2, 0, 3), np.float32), "linear", sizes=[3, 0, 2])
    yield rcase(g, "empty_out", "output axis 0: [3, 4] scales [0.3, 1.5]", F32, rand_x(g, F32, (3, 4)),
                "nearest", scales=[0.3, 1.5])
    yield rcase(g, "same", "scales all 1 (a copy)", F32, x, "linear", scales=[1, 1, 1, 1])
    # attributes that do not apply to the mode or coordinates (ignored)
    yield rcase(g, "ignored_attrs", "linear half_pixel with nearest_mode ceil, cubic_coeff_a -0.5, "
                "extrapolation_value 3", F32, x, "linear", nm="ceil", a=-0.5, extrapolation=3.0, scales=[1, 1, 1.5, 2])
    if v < 18:
        return
    # 18: axes (negative, unsorted), keep_aspect_ratio_policy
    x = rand_x(g, F32, (1, 2, 4, 5))
    for mode in ("nearest", "linear", "cubic"):
        yield rcase(g, "axes_%s" % mode, "%s axes [2, 3] scales [1.7, 0.6]" % mode, F32, x, mode, axes=[2, 3],
                    scales=[1.7, 0.6])
        yield rcase(g, "axes_neg_%s" % mode, "%s axes [-1, -2] (unsorted) scales [0.6, 1.7]" % mode, F32, x, mode,
                    axes=[-1, -2], scales=[0.6, 1.7])
        yield rcase(g, "axes_sizes_%s" % mode, "%s axes [3, -2] sizes [3, 7]" % mode, F32, x, mode, axes=[3, -2],
                    sizes=[3, 7])
        yield rcase(g, "axes_crop_%s" % mode, "%s axes [3, 2] tf_crop_and_resize roi, sizes" % mode, F32, x, mode,
                    axes=[3, 2], ctm="tf_crop_and_resize", roi=[-0.2, 0.1, 1.1, 0.8], sizes=[6, 3],
                    extrapolation=4.5)
    yield rcase(g, "antialias0", "antialias 0 given", F32, x, "linear", scales=[1, 1, 1.5, 0.6], antialias=0)
    x3 = rand_x(g, F32, (3, 4, 5))
    yield rcase(g, "axes_one", "nearest axes [1] scales [2.5] on rank 3", F32, x3, "nearest", axes=[1], scales=[2.5])
    yield rcase(g, "axes_one_linear", "linear axes [-3] sizes [7] on rank 3", F32, x3, "linear", axes=[-3],
                sizes=[7])
    for policy in ("stretch", "not_larger", "not_smaller"):
        for mode in ("nearest", "linear", "cubic"):
            yield rcase(g, "policy_%s_%s" % (policy, mode), "%s keep_aspect_ratio_policy %s sizes [1, 2, 7, 7]"
                        % (mode, policy), F32, x, mode, sizes=[1, 2, 7, 7], policy=policy)
        yield rcase(g, "policy_axes_%s" % policy, "keep_aspect_ratio_policy %s, axes [2, 3] sizes [9, 3]" % policy,
                    F32, x, "nearest", axes=[2, 3], sizes=[9, 3], policy=policy)
        # onnxruntime 1.30 leaves a negative axis out of the policy (that axis keeps its input
        # length): the reference here is NumPy's, on the normalized axes
        yield rcase(g, "policy_axes_neg_%s" % policy, "keep_aspect_ratio_policy %s, axes [-1, 1] sizes [8, 3]"
                    % policy, F32, x, "nearest", axes=[-1, 1], sizes=[8, 3], policy=policy,
                    ort=policy == "stretch", why="onnxruntime 1.30 leaves negative axes out of keep_aspect_ratio_policy")
    yield rcase(g, "policy_rounds", "not_smaller: round(s * n) half away ([1, 1, 2, 5] sizes [1, 1, 3, 5])", F32,
                rand_x(g, F32, (1, 1, 2, 5)), "nearest", sizes=[1, 1, 3, 5], policy="not_smaller")
    yield from antialias_cases(g, x)
    if v < 19:
        return
    # 19: half_pixel_symmetric, where s * n differs from the output length (offset != 0)
    for mode in ("nearest", "linear", "cubic"):
        for k, (shp, kw) in enumerate((((1, 1, 4, 5), {"scales": [1, 1, 1.7, 2.3]}),
                                       ((1, 1, 7, 6), {"scales": [1, 1, 0.6, 0.45]}),
                                       ((1, 1, 5, 4), {"sizes": [1, 1, 3, 9]}))):
            yield rcase(g, "symmetric%d_%s" % (k, mode), "%s half_pixel_symmetric %s" % (mode, kw), F32,
                        rand_x(g, F32, shp), mode, ctm="half_pixel_symmetric", **kw)


def antialias_cases(g, x):
    """18+: antialias 1 (linear and cubic) on x [1, 2, 4, 5] and other shapes."""
    v = g.v
    ctms = CTMS + (["half_pixel_symmetric"] if v >= 19 else [])
    for mode in ("linear", "cubic"):
        for ctm in ctms:
            roi = [0, 0, 0.1, -0.2, 1, 1, 0.9, 1.1] if ctm == "tf_crop_and_resize" else None
            for k, sc in enumerate(([1, 1, 0.6, 0.45], [1, 1, 1.7, 2.5]) if v >= 19 or ctm in CTMS[:2] else
                                   ([1, 1, 0.6, 0.45],)):
                xx = rand_x(g, F32, (1, 2, 6, 9) if k == 0 else (1, 2, 4, 5))
                yield rcase(g, "aa_%s_%s_%s" % (mode, ctm, "down" if k == 0 else "up"), "antialias %s %s scales %s"
                            % (mode, ctm, sc), F32, xx, mode, ctm=ctm, scales=sc, roi=roi, antialias=1,
                            extrapolation=-1.5 if roi else None)
        xx = rand_x(g, F32, (1, 1, 9, 11))
        for ex in (0, 1):
            for a in ((None, -0.5) if mode == "cubic" else (None,)):
                yield rcase(g, "aa_%s_ex%d_a%s" % (mode, ex, a), "antialias %s exclude_outside %d cubic_coeff_a %s, "
                            "scales [1, 1, 0.3, 0.45]" % (mode, ex, a), F32, xx, mode, scales=[1, 1, 0.3, 0.45],
                            exclude=ex, a=a, antialias=1)
        yield rcase(g, "aa_%s_sizes" % mode, "antialias %s sizes [1, 2, 3, 2]" % mode, F32, x, mode,
                    sizes=[1, 2, 3, 2], antialias=1)
        yield rcase(g, "aa_%s_same_axis" % mode, "antialias %s scales [1, 1, 1.2, 0.6] on [1, 2, 4, 5] (axis 2 keeps "
                    "its length, filtered)" % mode, F32, x, mode, scales=[1, 1, 1.2, 0.6], antialias=1, ort=False,
                    why=SAME_SHAPE)
        for k, (shp, sc) in enumerate((((9,), [0.45]), ((7, 9), [0.6, 0.3]), ((5, 6, 9), [0.6, 1.5, 0.45]),
                                       ((1, 7, 9, 2), [1, 0.6, 0.45, 1]), ((1, 1, 5, 6, 9), [1, 1, 0.6, 1.5, 0.45]))):
            yield rcase(g, "aa_%s_r%d" % (mode, len(shp)), "antialias %s %s scales %s" % (mode, shp, sc), F32,
                        rand_x(g, F32, shp), mode, scales=sc, antialias=1)
        if g.sweep:
            for dt in ("float16", "float64", "bfloat16"):
                yield rcase(g, "aa_%s_%s" % (mode, dt), "antialias %s %s scales [1, 1, 0.6, 0.45]" % (mode, dt), dt,
                            rand_x(g, dt, (1, 1, 6, 9)), mode, scales=[1, 1, 0.6, 0.45], antialias=1)
    yield rcase(g, "aa_policy", "antialias linear, keep_aspect_ratio_policy not_larger, axes [2, 3] sizes [3, 3]",
                F32, rand_x(g, F32, (1, 1, 7, 9)), "linear", axes=[2, 3], sizes=[3, 3], policy="not_larger",
                antialias=1)
