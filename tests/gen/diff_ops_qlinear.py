"""Differential entries of QLinearMatMul (10, 21), ConvInteger (10) and QLinearConv (10) for
make_diff_cases.py (which imports this module). The Debian onnx 1.12 knows QLinearMatMul 10;
version 21 (ONNX's onnx/defs/math/defs.cc; onnxscript's opset21.py) allows float16 / bfloat16
scales (all three of one type) and float8 operands, which this runtime cannot hold, so the
entries name their types themselves. ConvInteger and QLinearConv have only version 10.

The NumPy references compute as onnxruntime does (and the runtime, op_qlinear.c and
op_conv_int.c): int32 sums of (a - a_zero_point) (b - b_zero_point) wrapping modulo 2^32 (Conv:
padding contributes nothing; QLinearConv adds the int32 bias), the multiplier
a_scale * b_scale / y_scale in float32, float32(sum) * multiplier clamped to the output range
less y_zero_point, rounded half to even, plus y_zero_point. The mult_f32 cases pick scales whose
float32 multiplier gives other results than exact arithmetic, so they pin that down.
onnxruntime has QLinearMatMul / QLinearConv kernels for uint8 / uint8 / uint8,
uint8 / int8 / uint8 and int8 / int8 / int8 with float32 scales, and QLinearMatMul's float16
scales; it refuses a per-row a_scale / a_zero_point and ConvInteger's per-channel w_zero_point.
NumPy stands in for those, the other type combinations, bfloat16 scales and K = 0 (whose
output onnxruntime leaves unwritten)."""
import numpy as np

import diff_case
import conv_ref as R
from diff_case import In, op, round_bf16

diff_case.LATER_VERSIONS["QLinearMatMul"] = [21]

RANGE = {"int8": (-128, 127), "uint8": (0, 255)}
NPT = {"int8": np.int8, "uint8": np.uint8}
ORT_TYPES = {("uint8", "uint8", "uint8"), ("uint8", "int8", "uint8"), ("int8", "int8", "int8")}


def qlmm_ref(yt, a_rows=False):
    """onnxruntime's arithmetic. a_rows: a 1-D a_scale / a_zero_point is per row of a 2-D a."""
    lo, hi = RANGE[yt]

    def f(a, as_, az, b, bs, bz, ys, yz):
        if a_rows:
            as_, az = as_.reshape(-1, 1), az.reshape(-1, 1)
        acc = np.matmul(a.astype(np.int64) - az.astype(np.int64), b.astype(np.int64) - bz.astype(np.int64))
        acc = acc.astype(np.int64).astype(np.uint32).view(np.int32)
        mult = np.float32(as_) * np.float32(bs) / np.float32(ys).reshape(())
        zp = int(np.asarray(yz).reshape(()))
        v = acc.astype(np.float32) * mult
        v = np.minimum(np.where(v >= np.float32(lo - zp), v, np.float32(lo - zp)), np.float32(hi - zp))
        return (np.rint(v).astype(np.int64) + zp).astype(NPT[yt])
    return f


def r8(g, dt, shape):
    lo, hi = RANGE[dt]
    return np.asarray(g.rng.integers(lo, hi + 1, shape), NPT[dt])


def scales(g, shape, st="float32"):
    """Positive scales exactly representable in st (float32 values)."""
    s = np.float32(2.0) ** g.rng.integers(-9, -3, shape) * g.rng.uniform(1, 2, shape).astype(np.float32)
    s = np.asarray(s, np.float32)
    if st == "float16":
        return s.astype(np.float16).astype(np.float32)
    if st == "bfloat16":
        return round_bf16(s).astype(np.float32)
    return s


def qins(a, at, as_, az, b, bt, bs, bz, ys, yt, yz, st="float32", b_init=False):
    return [In("a", at, a), In("a_scale", st, np.asarray(as_, np.float32)), In("a_zero_point", at, np.asarray(az, NPT[at])),
            In("b", bt, b, init=b_init), In("b_scale", st, np.asarray(bs, np.float32), init=b_init),
            In("b_zero_point", bt, np.asarray(bz, NPT[bt]), init=b_init),
            In("y_scale", st, np.asarray(ys, np.float32)), In("y_zero_point", yt, np.asarray(yz, NPT[yt]))]


@op("QLinearMatMul", types=["int8", "uint8"], exact=True)
def qlinear_matmul(g):
    v = g.v
    # Every type combination, per-tensor, M x K x N = 3 x 7 x 4; y_scale so that results spread.
    for at in ("uint8", "int8"):
        for bt in ("uint8", "int8"):
            for yt in ("uint8", "int8"):
                a, b = r8(g, at, (3, 7)), r8(g, bt, (7, 4))
                az, bz, yz = r8(g, at, ()), r8(g, bt, ()), r8(g, yt, ())
                as_, bs = scales(g, ()), scales(g, ())
                ys = np.float32(as_ * bs * 300)
                tag = "%s_%s_%s" % (at, bt, yt)
                yield g.case(tag, "a %s, b %s, y %s, per-tensor" % (at, bt, yt), at,
                             qins(a, at, as_, az, b, bt, bs, bz, ys, yt, yz), out_types=[yt], ref=qlmm_ref(yt),
                             ort=(at, bt, yt) in ORT_TYPES,
                             why="onnxruntime 1.30 has no kernel for a %s, b %s, y %s" % (at, bt, yt))
    # b constant (onnxruntime packs it), per-column b_scale / b_zero_point [N].
    for at, bt in (("uint8", "int8"), ("uint8", "uint8"), ("int8", "int8")):
        yt = at
        a, b = r8(g, at, (5, 9)), r8(g, bt, (9, 6))
        bs, bz = scales(g, (6,)), r8(g, bt, (6,))
        as_ = scales(g, ())
        ys = np.float32(as_ * 2 ** -7 * 200)
        yield g.case("bcols_" + at + "_" + bt, "b constant, per-column b_scale and b_zero_point [N]", at,
                     qins(a, at, as_, r8(g, at, ()), b, bt, bs, bz, ys, yt, r8(g, yt, ()), b_init=True),
                     out_types=[yt], ref=qlmm_ref(yt))
        yield g.case("bconst_" + at + "_" + bt, "b constant, per-tensor", at,
                     qins(a, at, as_, r8(g, at, ()), b, bt, bs[0], bz[0], ys, yt, r8(g, yt, ()), b_init=True),
                     out_types=[yt], ref=qlmm_ref(yt))
    # Per-row a_scale / a_zero_point (the spec allows them; onnxruntime refuses them).
    a, b = r8(g, "uint8", (4, 6)), r8(g, "int8", (6, 3))
    yield g.case("arows", "per-row a_scale and a_zero_point [M]", "uint8",
                 qins(a, "uint8", scales(g, (4,)), r8(g, "uint8", (4,)), b, "int8", scales(g, (3,)), r8(g, "int8", (3,)),
                      np.float32(2 ** -9), "uint8", 128), out_types=["uint8"], ref=qlmm_ref("uint8", a_rows=True))
    # Batches: b's parameters [2, 1, N], a's [2, M, 1]; broadcast batch dimensions; 1-D operands.
    a, b = r8(g, "uint8", (2, 3, 5)), r8(g, "int8", (2, 5, 4))
    yield g.case("batched_bcols", "batched a and b, b_scale / b_zero_point [2, 1, 4]", "uint8",
                 qins(a, "uint8", scales(g, ()), 3, b, "int8", scales(g, (2, 1, 4)), r8(g, "int8", (2, 1, 4)),
                      np.float32(2 ** -6), "uint8", 100), out_types=["uint8"], ref=qlmm_ref("uint8"))
    yield g.case("batched_arows", "batched a and b, a_scale / a_zero_point [2, 3, 1]", "uint8",
                 qins(a, "uint8", scales(g, (2, 3, 1)), r8(g, "uint8", (2, 3, 1)), b, "int8", scales(g, ()), 0,
                      np.float32(2 ** -6), "uint8", 100), out_types=["uint8"], ref=qlmm_ref("uint8"))
    for tag, what, sa, sb in (("bcast", "a [2, 1, 3, 4] x b [3, 4, 5]", (2, 1, 3, 4), (3, 4, 5)),
                              ("bcast_b2d", "a [2, 3, 4] x b [4, 5]", (2, 3, 4), (4, 5)),
                              ("a1d", "1-D a [4] x b [2, 4, 3]", (4,), (2, 4, 3)),
                              ("b1d", "a [2, 3, 4] x 1-D b [4]", (2, 3, 4), (4,)),
                              ("both1d", "1-D a and b", (6,), (6,)),
                              ("m0", "M = 0: empty", (0, 4), (4, 2)),
                              ("n0", "N = 0: empty", (3, 4), (4, 0)),
                              ("k0", "K = 0: y = y_zero_point", (3, 0), (0, 2))):
        a, b = r8(g, "uint8", sa), r8(g, "int8", sb)
        yield g.case(tag, what, "uint8",
                     qins(a, "uint8", scales(g, ()), 7, b, "int8", scales(g, ()), -3, np.float32(2 ** -7), "uint8", 90),
                     out_types=["uint8"], ref=qlmm_ref("uint8"), ort=tag != "k0",
                     why="onnxruntime 1.30 leaves the output unwritten when K = 0")
    # Saturation at both ends, ties (multiplier 0.5: odd sums land on .5), long K with extremes.
    for yt in ("uint8", "int8"):
        at = bt = yt
        a, b = r8(g, at, (4, 8)), r8(g, bt, (8, 5))
        yield g.case("saturate_" + yt, "y_scale small: most results saturate", at,
                     qins(a, at, 0.05, 0, b, bt, 0.05, 0, np.float32(1e-3), yt, RANGE[yt][0] + 20),
                     out_types=[yt], ref=qlmm_ref(yt))
        a, b = r8(g, at, (6, 3)) // 16, r8(g, bt, (3, 7)) // 16
        yield g.case("ties_" + yt, "multiplier 0.5: ties round half to even", at,
                     qins(a, at, 1.0, 0, b, bt, 1.0, 0, 2.0, yt, 0 if yt == "int8" else 128),
                     out_types=[yt], ref=qlmm_ref(yt))
    # Scales whose multiplier computed in float32 ((a_scale * b_scale) / y_scale, two roundings)
    # differs from the correctly rounded one on some results: these cases pin onnxruntime's down.
    a = np.arange(256, dtype=np.int64).astype(np.uint8).reshape(256, 1)
    b = np.arange(-128, 128, dtype=np.int64).astype(np.int8).reshape(1, 256)
    acc = a.astype(np.int64) @ b.astype(np.int64)
    for _ in range(2000):
        as_, bs = (np.float32(g.rng.uniform(0.001, 0.1)) for _ in range(2))
        ys = np.float32(as_ * bs * np.abs(acc).max() / 120 * g.rng.uniform(0.9, 1.1))
        m32 = as_ * bs / ys
        r32 = np.rint(np.clip(acc.astype(np.float32) * m32, -128, 127))
        r64 = np.rint(np.clip(acc.astype(np.float32) * np.float32(float(as_) * float(bs) / float(ys)), -128, 127))
        if (r32 != r64).sum() >= 3:
            break
    yield g.case("mult_f32", "every product of a uint8 and an int8 value, the multiplier in float32: "
                 "%d results differ with a correctly rounded one" % int((r32 != r64).sum()), "uint8",
                 qins(a, "uint8", as_, 0, b, "int8", bs, 0, ys, "int8", 0), out_types=["int8"], ref=qlmm_ref("int8"),
                 ort=False, why="onnxruntime 1.30 has no kernel for a uint8, b int8, y int8")
    yield g.case("mult_f32_u8", "the multiplier in float32, y uint8 (zero point 128)", "uint8",
                 qins(a, "uint8", as_, 0, b, "int8", bs, 0, ys, "uint8", 128), out_types=["uint8"], ref=qlmm_ref("uint8"))
    a, b = np.full((2, 700), 255, np.uint8), r8(g, "int8", (700, 3))
    b[:, 0], b[:, 1] = -128, 127
    yield g.case("long_k", "K = 700, extreme values, zero points 0", "uint8",
                 qins(a, "uint8", 0.02, 0, b, "int8", 0.01, 0, 40.0, "uint8", 128),
                 out_types=["uint8"], ref=qlmm_ref("uint8"))
    a, b = np.full((1, 70000), 255, np.uint8), np.full((70000, 1), 255, np.uint8)
    yield g.case("wrap", "sums beyond int32 wrap modulo 2^32", "uint8",
                 qins(a, "uint8", 1.0, 0, b, "uint8", 1.0, 0, 1e8, "uint8", 0),
                 out_types=["uint8"], ref=qlmm_ref("uint8"))
    if v >= 21:
        for st in ("float16", "bfloat16"):
            a, b = r8(g, "uint8", (3, 5)), r8(g, "int8", (5, 4))
            bs = scales(g, (4,), st)
            yield g.case("scales_" + st, "%s scales, per-column b" % st, "uint8",
                         qins(a, "uint8", scales(g, (), st), 5, b, "int8", bs, r8(g, "int8", (4,)),
                              scales(g, (), st) * 64, "uint8", 128, st=st),
                         out_types=["uint8"], ref=qlmm_ref("uint8"), ort=st == "float16",
                         why="onnxruntime 1.30 has no bfloat16 QLinearMatMul")


# ---------------------------------------------------------------- ConvInteger, QLinearConv
def conv_acc(x, xz, w, wz, attrs):
    """The int32 sums (wrapping) of (x - xz) (w - wz) as Conv lays them out; wz: one value or [M]."""
    xd = np.asarray(x, np.float64) - (0 if xz is None else float(np.asarray(xz).reshape(-1)[0]))
    wz = 0 if wz is None else np.asarray(wz, np.float64).reshape((-1,) + (1,) * (w.ndim - 1))
    y = R.conv(xd, np.asarray(w, np.float64) - wz, None, **attrs)  # exact: |y| < 2^53
    return y.astype(np.int64).astype(np.uint32).view(np.int32)


def requant(acc, mult, yt, yz):
    lo, hi = RANGE[yt]
    zp = int(np.asarray(yz).reshape(-1)[0])
    v = acc.astype(np.float32) * mult
    v = np.minimum(np.where(v >= np.float32(lo - zp), v, np.float32(lo - zp)), np.float32(hi - zp))
    return (np.rint(v).astype(np.int64) + zp).astype(NPT[yt])


def conv_int_case(g, tag, what, xt, wt, xshape, wshape, xz=0, wz=0, ort=True, why=None, **attrs):
    """xz / wz: a value, an array ([M] for w) or None (the input left out)."""
    x, w = r8(g, xt, xshape), r8(g, wt, wshape)
    ins = [In("x", xt, x), In("w", wt, w, init=True)]
    ins.append(None if xz is None else In("x_zero_point", xt, np.asarray(xz, NPT[xt])))
    ins.append(None if wz is None else In("w_zero_point", wt, np.asarray(wz, NPT[wt]), init=True))
    while ins[-1] is None:
        ins.pop()

    def ref(x, w, *zps):
        zps = list(zps)
        z_x = zps.pop(0) if xz is not None and zps else None
        z_w = zps.pop(0) if wz is not None and zps else None
        return conv_acc(x, z_x, w, z_w, attrs)
    return g.case(tag, what, xt, ins, out_types=["int32"], attrs=dict(attrs), ref=ref, ort=ort, why=why)


GEOMETRY = [  # tag, what, x shape, w shape, attrs
    ("1d", "1-D, kernel 3, pads 1/2", (2, 3, 11), (4, 3, 3), {"pads": [1, 2]}),
    ("1d_stride_dil", "1-D stride 3, dilation 2", (1, 2, 19), (3, 2, 4), {"strides": [3], "dilations": [2], "pads": [1, 0]}),
    ("2d_attrs", "2-D strides (2,1), dilations (1,2), asymmetric pads, kernel_shape",
     (1, 4, 9, 10), (5, 4, 3, 2), {"strides": [2, 1], "dilations": [1, 2], "pads": [1, 0, 2, 1], "kernel_shape": [3, 2]}),
    ("2d_group", "2-D group 2", (2, 4, 6, 7), (6, 2, 3, 3), {"group": 2, "pads": [1, 1, 1, 1]}),
    ("dw1d", "1-D depthwise k=5 pads 2", (1, 6, 15), (6, 1, 5), {"group": 6, "pads": [2, 2]}),
    ("dw2d_mult2", "2-D depthwise, 2 outputs per channel, stride 2", (1, 3, 8, 8), (6, 1, 3, 3),
     {"group": 3, "strides": [2, 2], "pads": [1, 1, 1, 1]}),
    ("3d", "3-D 2x3x3", (1, 2, 4, 5, 6), (3, 2, 2, 3, 3), {"pads": [0, 1, 1, 1, 1, 0]}),
    ("same_upper", "2-D auto_pad SAME_UPPER stride 2", (1, 2, 7, 8), (3, 2, 3, 2), {"auto_pad": "SAME_UPPER", "strides": [2, 2]}),
    ("same_lower", "1-D auto_pad SAME_LOWER stride 2, even kernel", (1, 2, 9), (3, 2, 4), {"auto_pad": "SAME_LOWER", "strides": [2]}),
    ("valid", "2-D auto_pad VALID", (1, 2, 6, 5), (2, 2, 3, 3), {"auto_pad": "VALID"}),
    ("pw", "2-D 1x1, 16 -> 24 channels", (2, 16, 3, 4), (24, 16, 1, 1), {}),
    ("n0", "empty batch", (0, 3, 6), (4, 3, 3), {}),
]


@op("ConvInteger", types=["int8", "uint8"], exact=True)
def conv_integer(g):
    for xt in ("uint8", "int8"):
        for wt in ("uint8", "int8"):
            yield conv_int_case(g, "%s_%s" % (xt, wt), "x %s, w %s, 2-D pads 1, zero points" % (xt, wt), xt, wt,
                                (2, 3, 6, 7), (4, 3, 3, 3), xz=r8(g, xt, ()), wz=r8(g, wt, ()), pads=[1, 1, 1, 1])
    yield conv_int_case(g, "no_zp", "no zero points", "uint8", "uint8", (1, 3, 9), (2, 3, 3), xz=None, wz=None)
    yield conv_int_case(g, "x_zp_only", "x_zero_point only, pads 2", "uint8", "uint8", (1, 3, 9), (2, 3, 3), xz=100,
                        wz=None, pads=[2, 2])
    yield conv_int_case(g, "w_zp_per_m", "w_zero_point per output channel [M]", "uint8", "uint8", (1, 3, 6, 6),
                        (4, 3, 2, 2), xz=7, wz=r8(g, "uint8", (4,)), pads=[1, 0, 0, 1])
    for tag, what, xs, ws, attrs in GEOMETRY:
        yield conv_int_case(g, tag, what, "uint8", "uint8", xs, ws, xz=r8(g, "uint8", ()), wz=r8(g, "uint8", ()), **attrs)
    yield conv_int_case(g, "extremes", "x 255, w 0 with zero point 255: sums of -255^2", "uint8", "uint8", (1, 8, 5, 5),
                        (2, 8, 3, 3), xz=0, wz=255, pads=[1, 1, 1, 1])


def qconv_case(g, tag, what, xt, wt, yt, xshape, wshape, ws=None, wz=None, bias=True, ort=True, why=None,
               yscale=None, **attrs):
    """ws / wz: None (one random value) or arrays [M]."""
    M = wshape[0]
    x, w = r8(g, xt, xshape), r8(g, wt, wshape)
    xs, xz = scales(g, ()), r8(g, xt, ())
    ws = scales(g, ()) if ws is None else ws
    wz = r8(g, wt, ()) if wz is None else wz
    K = int(np.prod(wshape[1:]))
    ys = np.float32(yscale) if yscale is not None else np.float32(xs * np.max(ws) * 40 * np.sqrt(K))
    yz = r8(g, yt, ())
    b = np.asarray(g.rng.integers(-3000, 3000, (M,)), np.int32) if bias else None
    ins = [In("x", xt, x), In("x_scale", "float32", np.asarray(xs, np.float32)), In("x_zero_point", xt, np.asarray(xz, NPT[xt])),
           In("w", wt, w, init=True), In("w_scale", "float32", np.asarray(ws, np.float32), init=True),
           In("w_zero_point", wt, np.asarray(wz, NPT[wt]), init=True),
           In("y_scale", "float32", np.asarray(ys, np.float32)), In("y_zero_point", yt, np.asarray(yz, NPT[yt]))]
    if bias:
        ins.append(In("B", "int32", b, init=True))

    def ref(x, xs_, xz_, w, ws_, wz_, ys_, yz_, b_=None):
        acc = conv_acc(x, xz_, w, wz_, attrs)
        if b_ is not None:
            acc = (acc.astype(np.int64) + b_.astype(np.int64).reshape((1, -1) + (1,) * (x.ndim - 2)))
            acc = acc.astype(np.uint32).view(np.int32) if acc.size else acc.astype(np.int32)
        mult = (np.float32(xs_) * np.asarray(ws_, np.float32) / np.float32(ys_)).reshape((1, -1) + (1,) * (x.ndim - 2))
        if np.asarray(ws_).size == 1:
            mult = np.float32(np.float32(xs_) * np.float32(np.asarray(ws_).reshape(-1)[0]) / np.float32(ys_))
        return requant(acc, mult, yt, yz_)
    return g.case(tag, what, xt, ins, out_types=[yt], attrs=dict(attrs), ref=ref, ort=ort, why=why)


@op("QLinearConv", types=["int8", "uint8"], exact=True)
def qlinear_conv(g):
    for xt in ("uint8", "int8"):
        for wt in ("uint8", "int8"):
            for yt in ("uint8", "int8"):
                ok = (xt, wt, yt) in ORT_TYPES
                yield qconv_case(g, "%s_%s_%s" % (xt, wt, yt), "x %s, w %s, y %s, 2-D pads 1, bias" % (xt, wt, yt),
                                 xt, wt, yt, (2, 3, 6, 7), (4, 3, 3, 3), ort=ok, pads=[1, 1, 1, 1],
                                 why=None if ok else "onnxruntime 1.30 has no kernel for x %s, w %s, y %s" % (xt, wt, yt))
    yield qconv_case(g, "no_bias", "no bias", "uint8", "int8", "uint8", (1, 3, 9), (2, 3, 3), bias=False)
    yield qconv_case(g, "ws_per_m", "w_scale per output channel [M]", "uint8", "int8", "uint8", (1, 3, 6, 6),
                     (4, 3, 2, 2), ws=scales(g, (4,)), pads=[1, 0, 0, 1])
    yield qconv_case(g, "ws_wz_per_m_same", "w_scale and w_zero_point [M], zero points equal", "uint8", "uint8", "uint8",
                     (1, 3, 6, 6), (4, 3, 2, 2), ws=scales(g, (4,)), wz=np.full(4, 9, np.uint8))
    yield qconv_case(g, "wz_per_m", "w_zero_point per output channel [M], different values", "uint8", "uint8", "uint8",
                     (1, 3, 6, 6), (4, 3, 2, 2), ws=scales(g, (4,)), wz=r8(g, "uint8", (4,)))
    yield qconv_case(g, "s8_sym", "int8, w_zero_point 0 (onnxruntime's symmetric path)", "int8", "int8", "int8",
                     (1, 8, 7, 7), (16, 8, 3, 3), wz=np.int8(0), pads=[1, 1, 1, 1])
    yield qconv_case(g, "s8_dw", "int8 depthwise 3x3, w_zero_point 0", "int8", "int8", "int8",
                     (1, 8, 7, 7), (8, 1, 3, 3), wz=np.int8(0), group=8, pads=[1, 1, 1, 1])
    for tag, what, xs, ws, attrs in GEOMETRY:
        yield qconv_case(g, tag, what, "uint8", "int8", "uint8", xs, ws, **attrs)
    # Every product of a uint8 x and an int8 w (1x1 kernel), with scales whose multiplier computed
    # in float32 differs from the correctly rounded one on some results.
    x = np.arange(256, dtype=np.int64).astype(np.uint8).reshape(1, 1, 16, 16)
    w = np.arange(-128, 128, dtype=np.int64).astype(np.int8).reshape(256, 1, 1, 1)
    acc = np.arange(256).reshape(256, 1) * np.arange(-128, 128).reshape(1, 256)
    for _ in range(2000):
        xs, ws = (np.float32(g.rng.uniform(0.001, 0.1)) for _ in range(2))
        ys = np.float32(xs * ws * 32768 / 120 * g.rng.uniform(0.9, 1.1))
        r32 = np.rint(np.clip(acc.astype(np.float32) * (xs * ws / ys), -128, 127))
        r64 = np.rint(np.clip(acc.astype(np.float32) * np.float32(float(xs) * float(ws) / float(ys)), -128, 127))
        if (r32 != r64).sum() >= 3:
            break
    ins = [In("x", "uint8", x), In("x_scale", "float32", np.asarray(xs, np.float32)), In("x_zero_point", "uint8", np.uint8(0)),
           In("w", "int8", w, init=True), In("w_scale", "float32", np.asarray(ws, np.float32), init=True),
           In("w_zero_point", "int8", np.int8(0), init=True), In("y_scale", "float32", np.asarray(ys, np.float32)),
           In("y_zero_point", "uint8", np.uint8(128))]

    def ref_f32(x, xs_, xz_, w, ws_, wz_, ys_, yz_):
        return requant(conv_acc(x, xz_, w, wz_, {}), np.float32(np.float32(xs_) * np.float32(ws_) / np.float32(ys_)), "uint8", yz_)
    yield g.case("mult_f32", "1x1 kernel, every uint8 x int8 product, the multiplier in float32: "
                 "%d results differ with a correctly rounded one" % int((r32 != r64).sum()), "uint8", ins,
                 out_types=["uint8"], ref=ref_f32)
    yield qconv_case(g, "saturate", "y_scale small: most results saturate", "uint8", "int8", "uint8", (1, 4, 5, 5),
                     (3, 4, 3, 3), yscale=1e-6, pads=[1, 1, 1, 1])
