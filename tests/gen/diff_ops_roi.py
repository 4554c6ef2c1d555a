"""Differential entries of RoiAlign (10, 16, 22) and MaxRoiPool (1, 22) for make_diff_cases.py
(which imports this module). Version 22 of each (bfloat16 added: ONNX's operator_sets.h,
onnxscript's opset22.py) goes to diff_case.LATER_VERSIONS / LATER_TYPES here.

The NumPy references follow onnxruntime's kernels (which ONNX's reference implementation
mirrors): bilinear samples that are 0 more than one pixel outside X, mode max as the largest
weighted corner value of each sample; MaxRoiPool's corners rounded half away from zero."""
import math

import numpy as np

import diff_case
from diff_case import FLOATS, In, op

diff_case.LATER_VERSIONS["RoiAlign"] = [22]
diff_case.LATER_VERSIONS["MaxRoiPool"] = [22]
diff_case.LATER_TYPES[("RoiAlign", 22)] = ["bfloat16"]
diff_case.LATER_TYPES[("MaxRoiPool", 22)] = ["bfloat16"]

F32 = "float32"
I64 = "int64"
TOL = {"float16": (4e-3, 4e-3), "bfloat16": (3e-2, 3e-2)}


def _sample(img, y, x):
    """Weights and values of the four corners of a bilinear sample (zeros outside)."""
    H, W = img.shape
    if H == 0 or W == 0 or y < -1.0 or y > H or x < -1.0 or x > W:
        return [0.0] * 4, [0.0] * 4
    y, x = max(y, 0.0), max(x, 0.0)
    yl, xl = int(y), int(x)
    if yl >= H - 1:
        yl = yh = H - 1
        y = float(yl)
    else:
        yh = yl + 1
    if xl >= W - 1:
        xl = xh = W - 1
        x = float(xl)
    else:
        xh = xl + 1
    ly, lx = y - yl, x - xl
    hy, hx = 1 - ly, 1 - lx
    return [hy * hx, hy * lx, ly * hx, ly * lx], [img[yl, xl], img[yl, xh], img[yh, xl], img[yh, xh]]


def roi_align_ref(oh=1, ow=1, ratio=0, scale=1.0, mode="avg", half_pixel=True):
    def f(X, rois, bi):
        R, C = rois.shape[0], X.shape[1]
        out = np.zeros((R, C, oh, ow))
        off = 0.5 if half_pixel else 0.0
        for r in range(R):
            x0, y0, x1, y1 = [float(v) * scale - off for v in rois[r]]
            rw, rh = x1 - x0, y1 - y0
            if not half_pixel:
                rw, rh = max(rw, 1.0), max(rh, 1.0)
            bh, bw = rh / oh, rw / ow
            gh = ratio if ratio > 0 else max(math.ceil(rh / oh), 0)
            gw = ratio if ratio > 0 else max(math.ceil(rw / ow), 0)
            count = max(gh * gw, 1)
            for c in range(C):
                img = X[int(bi[r]), c]
                for ph in range(oh):
                    for pw in range(ow):
                        acc, first = 0.0, True
                        for iy in range(gh):
                            y = y0 + ph * bh + (iy + 0.5) * bh / gh
                            for ix in range(gw):
                                x = x0 + pw * bw + (ix + 0.5) * bw / gw
                                w, v = _sample(img, y, x)
                                if mode == "max":
                                    m = max(wi * vi for wi, vi in zip(w, v))
                                    acc = m if first else max(acc, m)
                                    first = False
                                else:
                                    acc += sum(wi * vi for wi, vi in zip(w, v))
                        out[r, c, ph, pw] = acc if mode == "max" else acc / count
        return out
    return f


def max_roi_pool_ref(ph_n, pw_n, scale=1.0):
    def rnd(v):
        return int(math.floor(abs(v) + 0.5)) * (1 if v >= 0 else -1)

    def f(X, rois):
        R, C, H, W = rois.shape[0], X.shape[1], X.shape[2], X.shape[3]
        out = np.zeros((R, C, ph_n, pw_n))
        for r in range(R):
            b = int(rois[r, 0])
            x0, y0, x1, y1 = [rnd(float(np.float32(np.float32(v) * np.float32(scale)))) for v in rois[r, 1:]]
            rh, rw = max(y1 - y0 + 1, 1), max(x1 - x0 + 1, 1)
            bh, bw = rh / ph_n, rw / pw_n
            for ph in range(ph_n):
                for pw in range(pw_n):
                    hs = min(max(math.floor(ph * bh) + y0, 0), H)
                    he = min(max(math.ceil((ph + 1) * bh) + y0, 0), H)
                    ws = min(max(math.floor(pw * bw) + x0, 0), W)
                    we = min(max(math.ceil((pw + 1) * bw) + x0, 0), W)
                    if he > hs and we > ws:
                        out[r, :, ph, pw] = X[b, :, hs:he, ws:we].max(axis=(1, 2))
        return out
    return f


def rois_in(g, n, H, W, lo=-1.0, hi=None):
    """n boxes (x1, y1, x2, y2) with x1 <= x2, y1 <= y2, corners in [lo, hi] on a 0.25 grid."""
    hi = max(H, W) if hi is None else hi
    a = np.round(g.rng.uniform(lo, hi, (n, 2, 2)) * 4) / 4
    a.sort(axis=1)
    return np.stack([a[:, 0, 1], a[:, 0, 0], a[:, 1, 1], a[:, 1, 0]], axis=1)


@op("RoiAlign", types=FLOATS)
def roi_align(g):
    hp = g.v >= 16

    def case(tag, what, dt, X, rois, bi, ref_kw, attrs=None, ort=True, why=None):
        attrs = dict(attrs or {})
        return g.case(tag, what, dt, [In("x", dt, X), In("rois", dt, diff_case.to_dtype(rois, dt)),
                                      In("bi", I64, np.asarray(bi, np.int64))],
                      attrs=attrs, tol=TOL.get(dt), ref=roi_align_ref(half_pixel=hp, **ref_kw),
                      ort=ort, why=why)

    for dt in g.types():
        X = g.rand(dt, (2, 3, 6, 5))
        rois = rois_in(g, 4, 6, 5)
        yield case("avg_" + dt, "%s avg, 2x2 output, sampling_ratio 2" % dt, dt, X, rois, [0, 1, 1, 0],
                   dict(oh=2, ow=2, ratio=2), {"output_height": 2, "output_width": 2, "sampling_ratio": 2})
        yield case("max_" + dt, "%s max, 3x2 output, sampling_ratio 0" % dt, dt, X, rois, [1, 0, 1, 0],
                   dict(oh=3, ow=2, mode="max"), {"output_height": 3, "output_width": 2, "mode": "max"})
    f = F32
    X = g.rand(f, (2, 2, 8, 7))
    rois = rois_in(g, 5, 8, 7, lo=-3.0, hi=10.0)
    bi = [0, 1, 0, 1, 1]
    yield case("default", "default attributes (1x1, sampling_ratio 0, avg)", f, X, rois, bi, {})
    for ratio in (0, 1, 3):
        for mode in ("avg", "max"):
            yield case("r%d_%s" % (ratio, mode), "rois partly outside X, sampling_ratio %d, %s" % (ratio, mode),
                       f, X, rois, bi, dict(oh=2, ow=3, ratio=ratio, mode=mode),
                       {"output_height": 2, "output_width": 3, "sampling_ratio": ratio, "mode": mode})
    yield case("scale", "spatial_scale 0.5, rois in input pixels, 3x3", f, X, rois * 2, bi,
               dict(oh=3, ow=3, scale=0.5), {"output_height": 3, "output_width": 3, "spatial_scale": 0.5})
    big = np.array([[0.0, 0.0, 6.0, 7.0], [1.0, 2.0, 1.5, 2.25], [5.0, 5.0, 3.0, 4.0]])
    yield case("shapes", "the whole image, a tiny roi, an inverted roi", f, X, big, [0, 1, 0],
               dict(oh=2, ow=2), {"output_height": 2, "output_width": 2})
    yield case("max_shapes", "the whole image, a tiny roi, an inverted roi, max", f, X, big, [0, 1, 0],
               dict(oh=2, ow=2, mode="max"), {"output_height": 2, "output_width": 2, "mode": "max"})
    yield case("no_rois", "num_rois 0", f, X, np.zeros((0, 4)), [], dict(oh=2, ow=2),
               {"output_height": 2, "output_width": 2})
    yield case("empty_x", "X of height 0: every sample outside", f, np.zeros((1, 2, 0, 3), np.float32),
               np.array([[0.0, 0.0, 1.0, 1.0]]), [0], dict(oh=2, ow=2), {"output_height": 2, "output_width": 2},
               ort=False, why="onnxruntime-node 1.30 crashes (SIGSEGV) on an X without pixels")
    if g.v >= 16:
        for m, h in (("half_pixel", True), ("output_half_pixel", False)):
            for mode in ("avg", "max"):
                yield g.case("ctm_%s_%s" % (m, mode), "coordinate_transformation_mode %s, %s" % (m, mode), f,
                             [In("x", f, X), In("rois", f, rois.astype(np.float32)),
                              In("bi", I64, np.asarray(bi, np.int64))],
                             attrs={"coordinate_transformation_mode": m, "mode": mode,
                                    "output_height": 2, "output_width": 2},
                             ref=roi_align_ref(oh=2, ow=2, mode=mode, half_pixel=h))


@op("MaxRoiPool", types=FLOATS)
def max_roi_pool(g):
    def case(tag, what, dt, X, rois, ps, scale=None):
        attrs = {"pooled_shape": list(ps)}
        if scale is not None:
            attrs["spatial_scale"] = scale
        return g.case(tag, what, dt, [In("x", dt, X), In("rois", dt, diff_case.to_dtype(rois, dt))],
                      attrs=attrs, tol=TOL.get(dt), ref=max_roi_pool_ref(ps[0], ps[1], scale or 1.0))

    def with_batch(rois, b):
        return np.concatenate([np.asarray(b, np.float64)[:, None], rois], axis=1)

    for dt in g.types():
        X = g.rand(dt, (2, 3, 6, 5))
        rois = np.round(rois_in(g, 4, 6, 5, lo=0.0, hi=5.0))
        yield case("basic_" + dt, "%s pooled_shape [2,2]" % dt, dt, X, with_batch(rois, [0, 1, 1, 0]), (2, 2))
    f = F32
    X = g.rand(f, (2, 2, 8, 7))
    rois = np.round(rois_in(g, 5, 8, 7, lo=-3.0, hi=10.0))
    b = [0, 1, 0, 1, 1]
    yield case("outside", "rois partly outside X, [3,2]", f, X, with_batch(rois, b), (3, 2))
    yield case("one", "pooled_shape [1,1]", f, X, with_batch(rois, b), (1, 1))
    yield case("fine", "pooled_shape [4,5]: bins of one pixel and empty ones", f, X, with_batch(rois, b), (4, 5))
    odd = np.array([[1.0, 1.0, 5.0, 7.0], [3.0, 5.0, 9.0, 11.0], [0.0, 0.0, 13.0, 15.0]])
    yield case("scale", "spatial_scale 0.5: corners at .5 round away from zero", f, X,
               with_batch(odd, [0, 1, 1]), (2, 3), scale=0.5)
    yield case("no_rois", "num_rois 0", f, X, np.zeros((0, 5)), (2, 2))
    yield case("empty_x", "X of width 0: every bin empty", f, np.zeros((1, 2, 3, 0), np.float32),
               np.array([[0.0, 0.0, 0.0, 1.0, 1.0]]), (2, 2))
