"""Differential entries of QuantizeLinear, DequantizeLinear (10, 13, 19, 21, 23, 24, 25),
DynamicQuantizeLinear (11) and MatMulInteger (10) for make_diff_cases.py (which imports this
module). The Debian onnx 1.12 knows versions 10 and 13 of the first two; the later ones (ONNX's
onnx/defs/quantization/old.cc and defs.cc) are added to diff_case.LATER_VERSIONS here. Their
schemas differ from version 13 in types and attributes, so the entries name their types
themselves instead of g.types().

The NumPy references compute as the runtime does (op_quant.c): the quotient x / scale in
float32 (float64 for int32 operands; from opset 23 in the scale's type or the precision
attribute's), round half to even, add the zero point, saturate, NaN -> the type's minimum;
dequantization in float32. onnxruntime is the reference wherever it has a kernel; it has none
for int32 or bfloat16 x, bfloat16 scales or outputs, or x and scale of different types, and it
refuses a rank-1 x with a per-axis scale and the default axis: NumPy stands in there. Cases where
onnxruntime 1.30 departs from the spec are NumPy only, with the reason (float16 quotients from
opset 23, which it divides in float32; float16 infinities, which it saturates to the minimum;
NaN in DynamicQuantizeLinear, whose min / max it takes by position; MatMulInteger with K = 0,
whose output it leaves unwritten). It refuses MatMulInteger's per-row a_zero_point."""
import numpy as np

import diff_case
from diff_case import In, op, round_bf16, to_dtype

for _op in ("QuantizeLinear", "DequantizeLinear"):
    diff_case.LATER_VERSIONS[_op] = [19, 21, 23, 24, 25]

F32, F16, BF16, I32 = "float32", "float16", "bfloat16", "int32"
RANGE = {"int8": (-128, 127), "uint8": (0, 255), "int16": (-32768, 32767), "uint16": (0, 65535)}
NPT = {"int8": np.int8, "uint8": np.uint8, "int16": np.int16, "uint16": np.uint16, "int32": np.int32}
ONNX_TYPE = {"float32": 1, "uint8": 2, "int8": 3, "uint16": 4, "int16": 5, "float16": 10,
             "float64": 11, "bfloat16": 16}
F16_SPEC = "onnxruntime 1.30 divides float16 in float32; from opset 23 the spec divides in the scale's type"


def q_types(v):
    return ["uint8", "int8"] + (["uint16", "int16"] if v >= 21 else [])


def dq_types(v):
    return ["uint8", "int8", I32] + (["uint16", "int16"] if v >= 21 else [])


def expand(s, shape, axis, block):
    """A scale / zero point broadcast to x's shape (per-tensor, per-axis or blocked)."""
    s = np.asarray(s)
    if s.size == 1 and not block:
        return s.reshape(())
    r = len(shape)
    axis = axis + r if axis < 0 else axis
    if not block:
        dims = [1] * r
        dims[axis] = s.size
        return s.reshape(dims)
    return np.repeat(s, block, axis=axis).take(range(shape[axis]), axis=axis)


def divide(x, s, calc):
    """x / s in the quotient's type, as float64 values."""
    if calc == "float32":
        return (np.float32(x) / np.float32(s)).astype(np.float64)
    if calc == "float16":
        return (np.asarray(x, np.float64).astype(np.float16) / np.asarray(s, np.float64).astype(np.float16)).astype(np.float64)
    if calc == "bfloat16":
        return round_bf16(round_bf16(x) / round_bf16(s)).astype(np.float64)
    return np.asarray(x, np.float64) / np.asarray(s, np.float64)


def q_ref(out, calc=F32, axis=1, block=0):
    lo, hi = RANGE[out]

    def f(x, s, z=None):
        q = divide(x, expand(s, x.shape, axis, block), calc)
        zp = 0 if z is None else expand(z, x.shape, axis, block).astype(np.float64)
        r = np.rint(q) + zp
        r = np.where(np.isnan(r), lo, np.clip(r, lo, hi))
        return r.astype(NPT[out])
    return f


def dq_ref(axis=1, block=0):
    def f(x, s, z=None):
        d = x.astype(np.int64) - (0 if z is None else expand(z, x.shape, axis, block).astype(np.int64))
        return np.float32(d) * np.float32(expand(s, x.shape, axis, block))
    return f


def qvalues(g, shape, out, scale=1.0, zp=0):
    """float values over the output range and beyond it, ties (k + 0.5) among them."""
    lo, hi = RANGE[out]
    span = hi - lo
    x = g.rng.uniform(lo - zp - span * 0.1, lo - zp + span * 1.1, shape)
    ties = g.rng.random(shape) < 0.3
    x = np.where(ties, np.floor(x) + 0.5, x) * scale
    return x.astype(np.float32)


def qinputs(x, xt, s, st, z=None, zt=None, s_init=True, z_init=True, empty_z=False):
    ins = [In("x", xt, to_dtype(x, xt) if xt != I32 else np.asarray(x, np.int32)),
           In("s", st, to_dtype(s, st) if st != I32 else np.asarray(s, np.int32), init=s_init)]
    if z is not None:
        ins.append(In("z", zt, np.asarray(z, NPT[zt]), init=z_init))
    elif empty_z:
        ins.append(None)
    return ins


# ---------------------------------------------------------------- QuantizeLinear
@op("QuantizeLinear", types=["float32", "float16", "bfloat16", "int32"], exact=True)
def quantize(g):
    v = g.v
    outs = q_types(v)
    xts = [F32, I32] + ([F16, BF16] if v >= 19 else [])
    newer = v in (24, 25)  # only add types this runtime cannot hold: a few cases

    # Per-tensor, every output type: zero point present (initializer or input), absent, "".
    for out in outs if not newer else ["int8"]:
        lo, hi = RANGE[out]
        zp = int(g.rng.integers(lo, hi + 1)) if out.endswith("8") else int(g.rng.integers(lo // 256, hi // 256 + 1))
        x = qvalues(g, (3, 7), out, 0.25, zp)
        yield g.case("tensor_" + out, "per-tensor, scale 0.25, zero point %d" % zp, F32,
                     qinputs(x, F32, 0.25, F32, zp, out), out_types=[out], ref=q_ref(out))
        s = np.float32(g.rng.uniform(0.01, 2))
        x = qvalues(g, (2, 3, 5), out, float(s), zp)
        yield g.case("tensor_in_" + out, "per-tensor, random scale %r, zero point an input" % float(s), F32,
                     qinputs(x, F32, s, F32, zp, out, s_init=False, z_init=False), out_types=[out], ref=q_ref(out))
    x = qvalues(g, (4, 6), "uint8", 0.5)
    yield g.case("no_zp", "no zero point: uint8", F32, qinputs(x, F32, 0.5, F32), out_types=["uint8"], ref=q_ref("uint8"))
    yield g.case("empty_zp", "zero point '' (absent): uint8", F32, qinputs(x, F32, 0.5, F32, empty_z=True),
                 out_types=["uint8"], ref=q_ref("uint8"), attrs={"axis": 0} if v >= 13 else {})
    sp = np.array([np.nan, np.inf, -np.inf, 3e38, -3e38, -0.0, 0.0, 1e-45, 127.5, 128.5, -128.5, -127.5,
                   0.5, -0.5, 1.5, 2.5, -2.5, 254.5, 255.5], np.float32)
    for out in ("int8", "uint8"):
        yield g.case("special_" + out, "NaN, infinities, huge, zeros, ties", F32,
                     qinputs(sp, F32, 1.0, F32, 0 if out == "int8" else 3, out), out_types=[out], ref=q_ref(out))
    yield g.case("scalar", "0-d x", F32, qinputs(np.float32(-7.3), F32, 0.5, F32, -3, "int8"), out_types=["int8"],
                 ref=q_ref("int8"))
    yield g.case("empty", "empty x [2, 0]", F32, qinputs(np.zeros((2, 0), np.float32), F32, 0.5, F32, 1, "uint8"),
                 out_types=["uint8"], ref=q_ref("uint8"))
    yield g.case("scale1d", "scale and zero point of shape [1]: per-tensor", F32,
                 qinputs(qvalues(g, (3, 4), "int8", 0.1), F32, [0.1], F32, [2], "int8"), out_types=["int8"], ref=q_ref("int8"))
    yield g.case("zero_scale", "scale 0: +-inf saturate, 0/0 is NaN -> minimum", F32,
                 qinputs(np.array([1, -1, 0, 2.5], np.float32), F32, 0.0, F32, 5, "int8"), out_types=["int8"], ref=q_ref("int8"))

    # int32 x (onnxruntime has no kernel): float64 quotient before opset 23 and for int32 scales.
    xi = g.rng.integers(-2000, 2000, (3, 5)).astype(np.int32)
    xi[0, :3] = [2**31 - 1, -2**31, 7]
    if v >= 19:  # x and scale share their type up to 21
        yield g.case("int32", "int32 x and int32 scale 3", I32, qinputs(xi, I32, 3, I32, -1, "int8"),
                     out_types=["int8"], ref=q_ref("int8", "float64"))
    if v < 19 or v >= 23:
        yield g.case("int32_f32scale", "int32 x, float32 scale", I32, qinputs(xi, I32, 7.0, F32, 100, "uint8"),
                     out_types=["uint8"], ref=q_ref("uint8", F32 if v >= 23 else "float64"))

    if v >= 13:
        # Per-axis: default axis 1, axis 0, negative axes, rank 3.
        for axis, shp in ((None, (2, 4, 3)), (0, (3, 5)), (-1, (2, 3, 4)), (-3, (4, 2, 2))):
            a = 1 if axis is None else axis
            n = shp[a]
            out = outs[len(shp) % len(outs)] if not newer else "uint8"
            s = g.rng.uniform(0.05, 1.5, n).astype(np.float32)
            lo, hi = RANGE[out]
            z = g.rng.integers(max(lo, -50), min(hi, 300) + 1, n)
            x = (g.rng.uniform(-1.2, 1.2, shp) * (hi - lo) * 0.3).astype(np.float32)
            attrs = {} if axis is None else {"axis": axis}
            yield g.case("axis%s_%s" % ("def" if axis is None else str(axis).replace("-", "m"), out),
                         "per-axis along axis %d of %s -> %s" % (a, shp, out), F32,
                         qinputs(x, F32, s, F32, z, out), attrs=attrs, out_types=[out], ref=q_ref(out, axis=a))
        s = g.rng.uniform(0.05, 1.5, 4).astype(np.float32)
        x = g.rng.uniform(-150, 150, (3, 4)).astype(np.float32)
        yield g.case("axis_no_zp", "per-axis, no zero point", F32, qinputs(x, F32, s, F32), attrs={"axis": 1},
                     out_types=["uint8"], ref=q_ref("uint8", axis=1))
        if v >= 19:
            x = g.rng.uniform(-50, 50, 5).astype(np.float32)
            yield g.case("rank1_axis", "rank-1 x, 1-D scale, default axis 1: the axis does not matter", F32,
                         qinputs(x, F32, [0.5, 1, 2, 4, 0.25], F32, [0, 1, 2, 3, 4], "int8"),
                         out_types=["int8"], ref=q_ref("int8", axis=0))

    if v >= 19:
        # float16 / bfloat16 x and scale: quotients exact in every type (power-of-two scales),
        # then (23+) the scale's type rounding a quotient, which onnxruntime does in float32.
        for xt in (F16, BF16):
            x = to_dtype(qvalues(g, (3, 6), "int8", 0.125), xt)
            yield g.case(xt + "_tensor", "%s x and scale 0.125" % xt, xt,
                         qinputs(x, xt, 0.125, xt, -2, "int8"), out_types=["int8"], ref=q_ref("int8"))
            s = to_dtype(2.0 ** g.rng.integers(-3, 3, 4), xt)
            x = to_dtype(g.rng.uniform(-40, 40, (2, 4)), xt)
            yield g.case(xt + "_axis", "%s per-axis, power-of-two scales" % xt, xt,
                         qinputs(x, xt, s, xt, [1, 2, 3, 4], "uint8"), out_types=["uint8"], ref=q_ref("uint8", axis=1))
        x = to_dtype(np.array([np.inf, -np.inf, 65504, -65504, np.nan], np.float64), F16)
        yield g.case("float16_inf", "float16 infinities and extremes saturate", F16,
                     qinputs(x, F16, 1.0, F16, 0, "int8"), out_types=["int8"], ref=q_ref("int8"), ort=False,
                     why="onnxruntime 1.30 quantizes float16 +inf to the minimum (int32 overflow)")
        rng_x = to_dtype(g.rng.uniform(-300, 300, 40), F16)
        rng_s = to_dtype(g.rng.uniform(0.5, 2), F16)
        calc = F16 if v >= 23 else F32
        yield g.case("float16_div", "float16 x / float16 scale %r (quotient in %s)" % (float(rng_s), calc), F16,
                     qinputs(rng_x, F16, rng_s, F16, 0, "int16" if v >= 21 else "int8"),
                     out_types=["int16" if v >= 21 else "int8"], ref=q_ref("int16" if v >= 21 else "int8", calc),
                     ort=v < 23, why=F16_SPEC if v >= 23 else None)

    if v >= 21:
        # Output types from output_dtype; blocked quantization.
        for out in ("int16", "uint16", "int8") if not newer else ("int16",):
            x = qvalues(g, (2, 5), out, 2.0)
            yield g.case("odt_" + out, "output_dtype %s, no zero point" % out, F32, qinputs(x, F32, 2.0, F32),
                         attrs={"output_dtype": ONNX_TYPE[out]}, out_types=[out], ref=q_ref(out))
        yield g.case("odt_zp", "output_dtype and a zero point of that type", F32,
                     qinputs(qvalues(g, (4,), "uint16", 1.0, 7), F32, 1.0, F32, 7, "uint16"),
                     attrs={"output_dtype": ONNX_TYPE["uint16"]}, out_types=["uint16"], ref=q_ref("uint16"))
        for axis, shp, bs in ((1, (2, 6), 3), (1, (2, 7), 3), (0, (5, 3), 2), (-1, (2, 2, 5), 4), (-2, (3, 4, 2), 4)):
            a = axis % len(shp)
            sshape = list(shp)
            sshape[a] = -(-shp[a] // bs)
            out = "int8" if bs % 2 else "uint8"
            s = g.rng.uniform(0.1, 2, sshape).astype(np.float32)
            lo, hi = RANGE[out]
            z = g.rng.integers(lo, hi + 1, sshape)
            x = g.rng.uniform(-200, 200, shp).astype(np.float32)
            tag = "block%d_a%s_%s" % (bs, str(axis).replace("-", "m"), "x".join(map(str, shp)))
            yield g.case(tag, "blocked: x %s, blocks of %d along axis %d" % (shp, bs, axis), F32,
                         qinputs(x, F32, s, F32, z, out), attrs={"axis": axis, "block_size": bs},
                         out_types=[out], ref=q_ref(out, axis=a, block=bs))
        s = g.rng.uniform(0.5, 2, (2, 2)).astype(np.float32)
        x = g.rng.uniform(-100, 100, (2, 5)).astype(np.float32)
        yield g.case("block_no_zp", "blocked, no zero point, last block short", F32, qinputs(x, F32, s, F32),
                     attrs={"axis": 1, "block_size": 3}, out_types=["uint8"], ref=q_ref("uint8", axis=1, block=3))

    if v >= 23:
        # x and scale of different types; the precision attribute.
        x = qvalues(g, (3, 4), "int8", 0.5)
        yield g.case("f32_f16scale", "float32 x, float16 scale 0.3 (x and quotient in float16)", F32,
                     qinputs(x, F32, 0.3, F16, 1, "int8"), out_types=["int8"], ref=q_ref("int8", F16))
        x = g.rng.uniform(-300, 300, 30).astype(np.float32)
        yield g.case("f32_bf16scale", "float32 x, bfloat16 scale (quotient in bfloat16)", F32,
                     qinputs(x, F32, 1.7, BF16, 0, "int16"), out_types=["int16"], ref=q_ref("int16", BF16))
        yield g.case("f32_i32scale", "float32 x, int32 scale 3 (quotient in float64)", F32,
                     qinputs(x, F32, 3, I32, 0, "int16"), out_types=["int16"], ref=q_ref("int16", "float64"))
        x16 = to_dtype(g.rng.uniform(-300, 300, 30), F16)
        yield g.case("prec_f32", "float16 x and scale, precision float32", F16,
                     qinputs(x16, F16, float(rng_s), F16, 0, "int16"), attrs={"precision": ONNX_TYPE[F32]},
                     out_types=["int16"], ref=q_ref("int16", F32))
        yield g.case("prec_f16", "float32 x and scale, precision float16", F32,
                     qinputs(x, F32, 1.7, F32, 0, "int16"), attrs={"precision": ONNX_TYPE[F16]},
                     out_types=["int16"], ref=q_ref("int16", F16), ort=False,
                     why="onnxruntime 1.30 ignores the precision attribute (divides in float32)")
        yield g.case("prec_f64", "float32 x and scale, precision float64", F32,
                     qinputs(x, F32, 1.7, F32, 0, "int16"), attrs={"precision": ONNX_TYPE["float64"]},
                     out_types=["int16"], ref=q_ref("int16", "float64"), ort=False,
                     why="onnxruntime 1.30 ignores the precision attribute (divides in float32)")


# ---------------------------------------------------------------- DequantizeLinear
@op("DequantizeLinear", types=["int8", "uint8", "int16", "uint16", "int32"], exact=True)
def dequantize(g):
    v = g.v
    newer = v in (24, 25)
    for xt in dq_types(v) if not newer else ["int8", "uint16"]:
        lo, hi = RANGE.get(xt, (-2**31, 2**31 - 1))
        x = g.rng.integers(max(lo, -40000), min(hi, 70000) + 1, (3, 5)).astype(NPT[xt])
        x.flat[:2] = [lo, hi]
        s = np.float32(g.rng.uniform(0.001, 0.5))
        z = 0 if xt == I32 else int(g.rng.integers(lo, hi + 1))
        yield g.case("tensor_" + xt, "per-tensor %s, scale %r, zero point %d" % (xt, float(s), z), xt,
                     qinputs(x, xt, s, F32, z, xt), out_types=[F32], ref=dq_ref())
        yield g.case("tensor_in_" + xt, "per-tensor %s, scale and zero point inputs" % xt, xt,
                     qinputs(x, xt, s, F32, z, xt, s_init=False, z_init=False), out_types=[F32], ref=dq_ref())
        yield g.case("no_zp_" + xt, "per-tensor %s, no zero point" % xt, xt, qinputs(x, xt, s, F32),
                     out_types=[F32], ref=dq_ref())
    x = g.rng.integers(-128, 128, (2, 3)).astype(np.int8)
    yield g.case("empty_zp", "zero point '' (absent)", "int8", qinputs(x, "int8", 0.5, F32, empty_z=True),
                 out_types=[F32], ref=dq_ref())
    xi = np.array([16777217, -16777219, 2**31 - 1, -2**31 + 5, 12345, -3], np.int32)
    yield g.case("int32_zp", "int32 x and zero point 3: x - zp in integers, rounded to float32 once",
                 I32, qinputs(xi, I32, 0.75, F32, 3, I32), out_types=[F32], ref=dq_ref())
    yield g.case("scalar", "0-d x", "uint8", qinputs(np.uint8(200), "uint8", 0.5, F32, 128, "uint8"),
                 out_types=[F32], ref=dq_ref())
    yield g.case("empty", "empty x [0, 3]", "int8", qinputs(np.zeros((0, 3), np.int8), "int8", 0.5, F32, 1, "int8"),
                 out_types=[F32], ref=dq_ref())
    yield g.case("scale1d", "scale and zero point of shape [1]: per-tensor", "uint8",
                 qinputs(g.rng.integers(0, 256, (2, 3)).astype(np.uint8), "uint8", [0.3], F32, [100], "uint8"),
                 out_types=[F32], ref=dq_ref())

    if v >= 13:
        for axis, shp in ((None, (2, 4, 3)), (0, (3, 5)), (-1, (2, 3, 4)), (-2, (4, 2, 2))):
            a = (1 if axis is None else axis) % len(shp)
            xt = ["int8", "uint8", I32][len(shp) % 3]
            lo, hi = RANGE.get(xt, (-100000, 100000))
            x = g.rng.integers(lo, hi + 1, shp).astype(NPT[xt])
            s = g.rng.uniform(0.01, 1, shp[a]).astype(np.float32)
            z = np.zeros(shp[a], np.int64) if xt == I32 else g.rng.integers(lo, hi + 1, shp[a])
            attrs = {} if axis is None else {"axis": axis}
            yield g.case("axis%s_%s" % ("def" if axis is None else str(axis).replace("-", "m"), xt),
                         "per-axis along axis %d of %s (%s)" % (a, shp, xt), xt,
                         qinputs(x, xt, s, F32, z, xt), attrs=attrs, out_types=[F32], ref=dq_ref(axis=a))
        x = g.rng.integers(-128, 128, (3, 4)).astype(np.int8)
        yield g.case("axis_no_zp", "per-axis, no zero point", "int8",
                     qinputs(x, "int8", g.rng.uniform(0.1, 1, 3).astype(np.float32), F32), attrs={"axis": 0},
                     out_types=[F32], ref=dq_ref(axis=0))
        if v >= 19:
            yield g.case("rank1_axis", "rank-1 x, 1-D scale, default axis 1: the axis does not matter", "int8",
                         qinputs(np.arange(-2, 3, dtype=np.int8), "int8", [0.5, 1, 2, 4, 0.25], F32,
                                 [0, 1, 2, 3, 4], "int8"), out_types=[F32], ref=dq_ref(axis=0))

    if v >= 19:
        for st in ("float16", "bfloat16"):
            x = g.rng.integers(0, 256, (3, 4)).astype(np.uint8)
            s = to_dtype(g.rng.uniform(0.01, 0.5), st)
            yield g.case(st + "_scale", "%s scale -> %s output" % (st, st), "uint8",
                         qinputs(x, "uint8", s, st, 77, "uint8"), out_types=[st], ref=dq_ref())
            s = to_dtype(g.rng.uniform(0.01, 0.5, 4), st)
            yield g.case(st + "_axis", "%s per-axis" % st, "uint8", qinputs(x, "uint8", s, st, [1, 2, 3, 4], "uint8"),
                         attrs={"axis": 1}, out_types=[st], ref=dq_ref(axis=1))

    if v >= 21:
        for axis, shp, bs in ((1, (2, 6), 3), (1, (2, 7), 2), (0, (5, 3), 2), (-1, (2, 2, 5), 4), (-3, (3, 2, 2), 2)):
            a = axis % len(shp)
            sshape = list(shp)
            sshape[a] = -(-shp[a] // bs)
            xt = ("int8", "uint16", "int16", "uint8", I32)[bs % 5]
            lo, hi = RANGE.get(xt, (-100000, 100000))
            x = g.rng.integers(lo, hi + 1, shp).astype(NPT[xt])
            s = g.rng.uniform(0.01, 1, sshape).astype(np.float32)
            z = np.zeros(sshape, np.int64) if xt == I32 else g.rng.integers(lo, hi + 1, sshape)
            tag = "block%d_a%s_%s" % (bs, str(axis).replace("-", "m"), "x".join(map(str, shp)))
            yield g.case(tag, "blocked %s: x %s, blocks of %d along axis %d" % (xt, shp, bs, axis), xt,
                         qinputs(x, xt, s, F32, z, xt), attrs={"axis": axis, "block_size": bs},
                         out_types=[F32], ref=dq_ref(axis=a, block=bs))
        x = g.rng.integers(-128, 128, (2, 5)).astype(np.int8)
        yield g.case("block_no_zp", "blocked, no zero point, last block short", "int8",
                     qinputs(x, "int8", g.rng.uniform(0.1, 1, (2, 2)).astype(np.float32), F32),
                     attrs={"axis": 1, "block_size": 3}, out_types=[F32], ref=dq_ref(axis=1, block=3))

    if v >= 23:
        x = g.rng.integers(-128, 128, (3, 4)).astype(np.int8)
        for st, out in ((F32, F16), (F32, BF16), (F16, F32), (BF16, F16)):
            s = to_dtype(g.rng.uniform(0.01, 0.5), st)
            yield g.case("odt_%s_%s" % (st, out), "%s scale, output_dtype %s" % (st, out), "int8",
                         qinputs(x, "int8", s, st, -5, "int8"), attrs={"output_dtype": ONNX_TYPE[out]},
                         out_types=[out], ref=dq_ref())


# ---------------------------------------------------------------- DynamicQuantizeLinear
def dynq_ref(x):
    x = np.float32(x)
    finite = x[~np.isnan(x)]
    lo = np.float32(min(0.0, finite.min())) if finite.size else np.float32(0)
    hi = np.float32(max(0.0, finite.max())) if finite.size else np.float32(0)
    scale = np.float32(1) if hi == lo else np.float32((hi - lo) / np.float32(255))
    with np.errstate(all="ignore"):
        zf = np.float32(0) - lo / scale
    zf = zf if zf < 255 else np.float32(255)
    zf = zf if zf > 0 else np.float32(0)
    zp = np.rint(zf)
    y = q_ref("uint8")(x.astype(np.float64), np.float64(scale), np.uint8(zp))
    return y, np.float32(scale), np.uint8(zp)


@op("DynamicQuantizeLinear", types=["float32"], exact=True)
def dynamic_quantize(g):
    outs = dict(outputs=("y", "y_scale", "y_zero_point"), out_types=["uint8", F32, "uint8"], ref=dynq_ref)
    for tag, what, x in (
            ("rand", "random [3, 4, 5]", g.rng.standard_normal((3, 4, 5)) * 3),
            ("long", "random [300] (vector paths)", g.rng.uniform(-1, 7, 300)),
            ("positive", "all positive: range [0, max]", g.rng.uniform(0.5, 4, (2, 6))),
            ("negative", "all negative: zero point 255", -g.rng.uniform(0.5, 4, 7)),
            ("zeros", "all zero: scale 1", np.zeros((2, 3))),
            ("empty", "empty [0, 3]: scale 1", np.zeros((0, 3))),
            ("scalar", "0-d x", np.array(-2.5)),
            ("ties", "values on quantization ties", np.array([-1.0, 0.0, 254.0, 1.5, 2.5, 100.5]) / 1.0),
            ("inf", "an infinity: scale inf", np.array([-1.0, np.inf, -3.0]))):
        yield g.case(tag, what, F32, [In("x", F32, np.asarray(x, np.float32))], **outs)
    x = (g.rng.standard_normal(40) * 3).astype(np.float32)
    x[[3, 39]] = np.nan
    yield g.case("nan", "NaN ignored by min / max, quantized to 0", F32, [In("x", F32, x)], **outs, ort=False,
                 why="onnxruntime's min / max keep or drop a NaN by its position")


# ---------------------------------------------------------------- MatMulInteger
def mmi_ref(a_rows=False, has_az=True):
    """(A - a_zp) @ (B - b_zp) in int64, wrapped to int32. a_rows: a 1-D a_zp is per row of a 2-D
    A (numpy would broadcast it along K); has_az False: a_zp absent and the next value is b_zp."""
    def f(a, b, *zps):
        zps = list(zps) if has_az else [None] + list(zps)
        az, bz = (zps + [None, None])[:2]
        a = a.astype(np.int64) - (0 if az is None else (az.reshape(-1, 1) if a_rows else az).astype(np.int64))
        b = b.astype(np.int64) - (0 if bz is None else bz.astype(np.int64))
        return np.matmul(a, b).astype(np.int64).astype(np.uint32).view(np.int32)
    return f


def mm_in(name, dt, v, init=False):
    return In(name, dt, np.asarray(v, NPT[dt]), init=init)


@op("MatMulInteger", types=["int8", "uint8"], exact=True)
def matmul_integer(g):
    def r8(dt, shape):
        lo, hi = RANGE[dt]
        return g.rng.integers(lo, hi + 1, shape)

    for at, bt in (("uint8", "uint8"), ("uint8", "int8"), ("int8", "int8"), ("int8", "uint8")):
        a, b = r8(at, (3, 5)), r8(bt, (5, 4))
        za, zb = int(r8(at, ())), int(r8(bt, ()))
        yield g.case("%s_%s" % (at, bt), "A %s x B %s, scalar zero points" % (at, bt), at,
                     [mm_in("a", at, a), mm_in("b", bt, b, True), mm_in("az", at, za), mm_in("bz", bt, zb, True)],
                     out_types=[I32], ref=mmi_ref())
        yield g.case("%s_%s_nozp" % (at, bt), "A %s x B %s, no zero points" % (at, bt), at,
                     [mm_in("a", at, a), mm_in("b", bt, b)], out_types=[I32], ref=mmi_ref())
    a, b = r8("uint8", (4, 6)), r8("int8", (6, 3))
    yield g.case("bzp_only", "a_zero_point '' and b_zero_point [1]", "uint8",
                 [mm_in("a", "uint8", a), mm_in("b", "int8", b), None, mm_in("bz", "int8", [3])],
                 out_types=[I32], ref=mmi_ref(has_az=False))
    yield g.case("bzp_cols", "b_zero_point per column [N]", "uint8",
                 [mm_in("a", "uint8", a), mm_in("b", "int8", b, True), mm_in("az", "uint8", 7),
                  mm_in("bz", "int8", r8("int8", (3,)), True)], out_types=[I32], ref=mmi_ref())
    yield g.case("azp_rows", "a_zero_point per row [M]", "uint8",
                 [mm_in("a", "uint8", a), mm_in("b", "int8", b), mm_in("az", "uint8", r8("uint8", (4,)))],
                 out_types=[I32], ref=mmi_ref(a_rows=True))
    a, b = r8("uint8", (2, 3, 4)), r8("uint8", (2, 4, 5))
    yield g.case("batched_zps", "batched A and B, zero points [2, 3, 1] and [2, 1, 5]", "uint8",
                 [mm_in("a", "uint8", a), mm_in("b", "uint8", b), mm_in("az", "uint8", r8("uint8", (2, 3, 1))),
                  mm_in("bz", "uint8", r8("uint8", (2, 1, 5)))], out_types=[I32], ref=mmi_ref())
    yield g.case("batched_bcols", "batched B, b_zero_point [2, 1, 5]", "uint8",
                 [mm_in("a", "uint8", a), mm_in("b", "uint8", b), mm_in("az", "uint8", 3),
                  mm_in("bz", "uint8", r8("uint8", (2, 1, 5)))], out_types=[I32], ref=mmi_ref())
    for tag, what, sa, sb in (("bcast", "A [2, 1, 3, 4] x B [3, 4, 5]", (2, 1, 3, 4), (3, 4, 5)),
                              ("a1d", "1-D A [4] x B [2, 4, 3]", (4,), (2, 4, 3)),
                              ("b1d", "A [2, 3, 4] x 1-D B [4]", (2, 3, 4), (4,)),
                              ("both1d", "1-D A and B", (6,), (6,)),
                              ("k0", "K = 0: zeros", (3, 0), (0, 2)),
                              ("m0", "M = 0: empty", (0, 4), (4, 2)),
                              ("long_k", "K = 700, extreme values", (2, 700), (700, 3))):
        a, b = r8("uint8", sa), r8("int8", sb)
        if tag == "long_k":
            a[:] = 255
            b[:, 0], b[:, 1] = -128, 127
        yield g.case(tag, what, "uint8", [mm_in("a", "uint8", a), mm_in("b", "int8", b), mm_in("az", "uint8", 1),
                                          mm_in("bz", "int8", -2)], out_types=[I32], ref=mmi_ref(),
                     ort=tag != "k0", why="onnxruntime 1.30 leaves the output unwritten when K = 0")
    a, b = np.full((1, 70000), 255), np.full((70000, 1), 255)
    yield g.case("wrap", "sums beyond int32 wrap modulo 2^32", "uint8",
                 [mm_in("a", "uint8", a), mm_in("b", "uint8", b)], out_types=[I32], ref=mmi_ref())
