"""Differential entries of the com.microsoft operators onnxruntime's dynamic quantizer
(onnxruntime.quantization.quantize_dynamic) writes: DynamicQuantizeLSTM, DynamicQuantizeMatMul
and MatMulIntegerToFloat (version 1 each; the models import ("com.microsoft", 1) and ai.onnx 17).
onnxruntime-node runs them (CPU kernels in contrib_ops/cpu/quantization/), so it is the reference.

The MatMul entries also carry a NumPy reference of onnxruntime's arithmetic (checked against it):
A quantized to uint8 as a whole (range [min(A, 0), max(A, 0)] over 255 steps, zero point
rounded half to even), int32 sums of (a - a_zp) (b - b_zp), float32(sum) * (a_scale *
b_scale[col]) + bias, and a scale of any other shape multiplied onto Y afterwards.

DynamicQuantizeLSTM has no NumPy reference: it quantizes X once and H at every step (rnn_dq.c),
so results agree with onnxruntime's closely but not bit for bit (the float cell's sigmoid / tanh
differ in the last bits, and a value on a rounding boundary of the next step's quantization can
move one step): its cases carry a tolerance. "from_float" builds the quantized node the way
quantize_dynamic converts a float LSTM (W, R transposed to [D, input, 4H] and quantized to int8
per tensor, symmetric)."""
import numpy as np

from diff_case import SALT, In, op

MS = "com.microsoft"
NPT = {"int8": np.int8, "uint8": np.uint8}
LSTM_TOL = (1e-5, 1e-5)


# ---- quantization helpers (what a quantizer would write) ----

def quant_weights(w, wt, per_col):
    """w [D, K, N] float -> (q [D, K, N] wt, scale [D] or [D, N], zero point (same shape))."""
    D, K, N = w.shape
    amax = np.abs(w).max(axis=1) if per_col else np.abs(w).reshape(D, -1).max(axis=1)
    amax = np.maximum(amax, 1e-6)
    scale = (amax / 127.0).astype(np.float32)
    zp = np.zeros(scale.shape, np.int64) + (0 if wt == "int8" else 128)
    s = scale[:, None, :] if per_col else scale[:, None, None]
    z = zp[:, None, :] if per_col else zp[:, None, None]
    q = np.clip(np.rint(w / s) + z, -128 if wt == "int8" else 0, 127 if wt == "int8" else 255)
    return q.astype(NPT[wt]), scale, zp.astype(NPT[wt])


def dq_params(x):
    """onnxruntime's dynamic uint8 quantization of a float32 block."""
    x = np.asarray(x, np.float32).reshape(-1)
    lo = np.float32(min(0.0, float(x.min()) if x.size else 0.0))
    hi = np.float32(max(0.0, float(x.max()) if x.size else 0.0))
    scale = np.float32(1.0) if hi == lo else np.float32((hi - lo) / np.float32(255.0))
    z = np.float32(np.float32(0.0) - lo / scale)
    z = min(max(z, np.float32(0.0)), np.float32(255.0))
    return scale, int(np.rint(z))


def dq_quant(x, scale, zp):
    v = np.asarray(x, np.float32) / np.float32(scale)
    v = np.clip(v, np.float32(-zp), np.float32(255 - zp))
    return np.rint(v).astype(np.int64)  # less the zero point


def per_column(q, b_shape):
    """onnxruntime's IsBQuantParamSupported beyond one value."""
    q = tuple(q)
    if len(b_shape) == 2 and len(q) == 1 and q[0] == b_shape[1]:
        return True
    return (len(q) == len(b_shape) and len(q) >= 2 and q[-2] == 1 and
            all(q[i] == b_shape[i] for i in range(len(q)) if i != len(q) - 2))


def itf_ref(a_int, b, bz, mult_a, bs, bias, extra):
    """float32(sum) * (mult_a * b_scale[col]) + bias, then the broadcast scales in extra."""
    a = np.asarray(a_int, np.int64)
    bb = np.asarray(b, np.int64) - np.asarray(bz, np.int64)
    acc = np.matmul(a, bb).astype(np.int64).astype(np.uint32).view(np.int32).astype(np.float32)
    mult = np.float32(mult_a) * np.asarray(bs, np.float32)
    y = acc * mult
    if bias is not None:
        y = y + np.asarray(bias, np.float32)
    for s in extra:
        y = y * np.asarray(s, np.float32)
    return y.astype(np.float32)


# ---- DynamicQuantizeMatMul ----

@op("DynamicQuantizeMatMul", types=["float32"], exact=True, domain=MS)
def dq_matmul(g):
    def case(tag, what, a_shape, b_shape, bt, bs_shape=(), bz_shape=None, bias=False,
             b_init=False, bz0=False):
        a = g.rand("float32", a_shape)
        b = np.asarray(g.rng.integers(-128 if bt == "int8" else 0, 128 if bt == "int8" else 256,
                                      b_shape), NPT[bt])
        bs = np.asarray(g.rng.uniform(0.002, 0.02, bs_shape), np.float32)
        bz = None
        if bz_shape is not None:
            bz = np.asarray(g.rng.integers(-5 if bt == "int8" else 120, 6 if bt == "int8" else 136,
                                           bz_shape), NPT[bt])
            if bz0:
                bz = np.zeros(bz_shape, NPT[bt])
        N = b_shape[-1]
        bias_v = g.rand("float32", (N,)) if bias else None
        ins = [In("A", "float32", a), In("B", bt, b, init=b_init), In("b_scale", "float32", bs),
               In("b_zero_point", bt, bz, init=b_init) if bz is not None else None,
               In("bias", "float32", bias_v) if bias else None]
        col = per_column(bs.shape, b_shape) or bs.size == 1

        def ref(a, b, bs, *rest):
            rest = list(rest)
            bz_v = rest.pop(0) if bz is not None else np.zeros((), np.int64)
            bias_r = rest.pop(0) if bias else None
            s, z = dq_params(a)
            aq = dq_quant(a, s, z)
            return itf_ref(aq, b, bz_v, s, bs if col else np.float32(1.0), bias_r,
                           [] if col else [bs])
        return g.case(tag, what, "float32", ins, outputs=("Y",), out_types=["float32"], ref=ref)

    yield case("int8_2d", "int8 B [K,N], one scale", (3, 5), (5, 4), "int8")
    yield case("uint8_2d_zp_bias", "uint8 B, scalar zero point, bias", (4, 6), (6, 3), "uint8",
               bz_shape=(), bias=True)
    yield case("int8_percol", "per-column b_scale and b_zero_point [N], B initializer (packed at "
               "load)", (2, 7), (7, 5), "int8", bs_shape=(5,), bz_shape=(5,), bias=True, b_init=True)
    yield case("int8_percol_rt", "per-column b_scale and b_zero_point [N], B a graph input",
               (3, 5), (5, 4), "int8", bs_shape=(4,), bz_shape=(4,))
    yield case("uint8_percol_init", "uint8 per-column scale and zero point, B initializer",
               (5, 4), (4, 6), "uint8", bs_shape=(6,), bz_shape=(6,), b_init=True)
    yield case("batched_b", "3-D B [2,K,N] with per-column params [2,1,N]; A broadcast",
               (3, 4), (2, 4, 5), "int8", bs_shape=(2, 1, 5), bz_shape=(2, 1, 5))
    yield case("batched_a", "3-D A [2,3,K] against 2-D B, bias", (2, 3, 6), (6, 4), "uint8",
               bz_shape=(1,), bias=True)
    yield case("vec_a", "1-D A (promoted)", (5,), (5, 3), "int8", bs_shape=(1,))
    yield case("vec_b", "1-D B (promoted, N dropped)", (2, 4), (4,), "uint8", bz_shape=())
    yield case("bcast_scale", "b_scale [M,1] (not per column): multiplied onto Y after the bias",
               (3, 4), (4, 2), "int8", bs_shape=(3, 1), bias=True)
    yield case("zero_a", "A all zeros (scale 1, zero point 0)", (2, 3), (3, 3), "int8", bz0=True,
               bz_shape=())
    yield case("empty_m", "M = 0", (0, 4), (4, 3), "uint8")


# ---- MatMulIntegerToFloat ----

@op("MatMulIntegerToFloat", types=["float32", "float16"], exact=True, domain=MS)
def itf(g):
    def case(tag, what, a_shape, b_shape, at, bt, as_shape=(), bs_shape=(), az=False,
             bz_shape=None, bias=False, b_init=False, t3="float32"):
        def r8(dt, shape):
            return np.asarray(g.rng.integers(-128 if dt == "int8" else 0,
                                             128 if dt == "int8" else 256, shape), NPT[dt])
        a, b = r8(at, a_shape), r8(bt, b_shape)
        npt3 = np.float16 if t3 == "float16" else np.float32
        as_ = np.asarray(g.rng.uniform(0.002, 0.03, as_shape), npt3)
        bs = np.asarray(g.rng.uniform(0.002, 0.03, bs_shape), npt3)
        azv = np.asarray(g.rng.integers(0, 5) + (128 if at == "uint8" else 0), NPT[at]) if az else None
        bzv = (np.asarray(g.rng.integers(-4, 5, bz_shape) + (128 if bt == "uint8" else 0), NPT[bt])
               if bz_shape is not None else None)
        N = b_shape[-1]
        bias_v = g.rand(t3, (N,)) if bias else None
        ins = [In("A", at, a), In("B", bt, b, init=b_init), In("a_scale", t3, as_),
               In("b_scale", t3, bs), In("a_zero_point", at, azv) if az else None,
               In("b_zero_point", bt, bzv, init=b_init) if bzv is not None else None,
               In("bias", t3, bias_v) if bias else None]

        def ref(a, b, as_, bs, *rest):
            rest = list(rest)
            az_v = rest.pop(0) if az else 0
            bz_v = rest.pop(0) if bzv is not None else np.zeros((), np.int64)
            bias_r = rest.pop(0) if bias else None
            # onnxruntime's fix-up of swapped scales
            sa, sb = np.asarray(as_, np.float32), np.asarray(bs, np.float32)
            if sa.size != 1:
                if sa.ndim == 1 or sa.shape[-1] != 1:
                    sa, sb = sb, sa
            elif sb.size != 1 and sb.ndim > 1 and sb.shape[-2] != 1:
                sa, sb = sb, sa
            extra = []
            ma = sa.reshape(()) if sa.size == 1 else np.float32(1.0)
            if sa.size != 1:
                extra.append(sa)
            if sb.size == 1 or per_column(sb.shape, b_shape):
                bcol = sb.reshape(()) if sb.size == 1 else sb
            else:
                bcol = np.float32(1.0)
                extra.append(sb)
            aq = np.asarray(a, np.int64) - np.int64(np.asarray(az_v).reshape(()))
            return itf_ref(aq, b, bz_v, ma, bcol, bias_r, extra)
        return g.case(tag, what, t3, ins, outputs=("Y",), out_types=[t3], ref=ref)

    yield case("u8_s8", "uint8 A, int8 B, one scale each", (3, 4), (4, 5), "uint8", "int8")
    yield case("u8_u8_zps_bias", "uint8 A and B, both zero points, bias", (2, 6), (6, 3), "uint8",
               "uint8", az=True, bz_shape=(), bias=True)
    yield case("s8_s8", "int8 A and B", (4, 3), (3, 2), "int8", "int8", az=True, bz_shape=(1,))
    yield case("percol", "per-column b_scale / b_zero_point [N], B initializer", (3, 5), (5, 4),
               "uint8", "int8", bs_shape=(4,), bz_shape=(4,), bias=True, b_init=True)
    yield case("s8_s8_init", "int8 A with its zero point, int8 B initializer with per-column "
               "zero points (the 8-bit product where the CPU has one: A moved to uint8)",
               (9, 70), (70, 37), "int8", "int8", az=True, bs_shape=(37,), bz_shape=(37,),
               b_init=True)
    yield case("u8_u8_init", "uint8 A and B initializer, zero points, K not a multiple of 4",
               (3, 13), (13, 20), "uint8", "uint8", az=True, bz_shape=(), b_init=True)
    yield case("batched", "3-D B with per-column params [2,1,N]", (3, 4), (2, 4, 3), "uint8",
               "uint8", bs_shape=(2, 1, 3), bz_shape=(2, 1, 3))
    yield case("a_scale_rows", "a_scale [M,1]: multiplied onto Y", (3, 4), (4, 2), "uint8", "int8",
               as_shape=(3, 1), bias=True)
    yield case("swapped", "a_scale [N] and b_scale one value: swapped as onnxruntime does",
               (2, 3), (3, 4), "uint8", "int8", as_shape=(4,))
    yield case("vec_a", "1-D A", (6,), (6, 2), "uint8", "uint8", bz_shape=())
    # float16 T3: onnxruntime 1.30 has a CPU kernel for uint8 A only (NumPy stands in for int8
    # A); the NumPy reference computes in float32 and rounds Y to float16 once.
    yield case("f16", "float16 scales, bias and Y, per-column b_scale", (3, 4), (4, 5), "uint8",
               "int8", bs_shape=(5,), bz_shape=(5,), bias=True, t3="float16")
    yield case("f16_bcast", "float16, a_scale [M,1] multiplied onto Y", (2, 3), (3, 2), "int8",
               "uint8", as_shape=(2, 1), az=True, t3="float16")


# ---- DynamicQuantizeLSTM ----

def lstm_inputs(g, T, B, I, H, D, wt, per_col, w_init=True):
    x = g.rand("float32", (T, B, I), lo=-1.5, hi=1.5)
    w = g.rng.uniform(-0.6, 0.6, (D, I, 4 * H))
    r = g.rng.uniform(-0.6, 0.6, (D, H, 4 * H))
    wq, ws, wz = quant_weights(w, wt, per_col)
    rq, rs, rz = quant_weights(r, wt, per_col)
    return x, (wq, ws, wz, w_init), (rq, rs, rz, w_init)


def dq_lstm_case(g, tag, what, T, B, I, H, direction="forward", wt="int8", per_col=False,
                 seq=None, h0=False, c0=False, P=False, bias=True, attrs=None,
                 outputs=("Y", "Y_h", "Y_c"), w_init=True, weights=None, tol=LSTM_TOL,
                 row_scale=None, bias_value=None):
    D = 2 if direction == "bidirectional" else 1
    if weights is None:
        x, (wq, ws, wz, wi), (rq, rs, rz, ri) = lstm_inputs(g, T, B, I, H, D, wt, per_col, w_init)
    else:
        x, (wq, ws, wz, wi), (rq, rs, rz, ri) = weights
    if row_scale is not None:  # batch rows of very different magnitude
        x = (x * np.asarray(row_scale, np.float32)[None, :, None]).astype(np.float32)
    ins = [In("X", "float32", x), In("W", wt, wq, init=wi), In("R", wt, rq, init=ri),
           In("B", "float32", bias_value if bias_value is not None else
              g.rand("float32", (D, 8 * H), lo=-0.5, hi=0.5), init=True) if bias else None,
           In("sequence_lens", "int32", np.asarray(seq, np.int32)) if seq is not None else None,
           In("initial_h", "float32", g.rand("float32", (D, B, H), lo=-1, hi=1)) if h0 else None,
           In("initial_c", "float32", g.rand("float32", (D, B, H), lo=-1, hi=1)) if c0 else None,
           In("P", "float32", g.rand("float32", (D, 3 * H), lo=-0.5, hi=0.5), init=True) if P else None,
           In("W_scale", "float32", ws, init=wi), In("W_zero_point", wt, wz, init=wi),
           In("R_scale", "float32", rs, init=ri), In("R_zero_point", wt, rz, init=ri)]
    a = {"hidden_size": H, "direction": direction}
    a.update(attrs or {})
    outs = [o if o else None for o in outputs]
    return g.case(tag, what, "float32", ins, outputs=outs,
                  out_types=["float32"] * len([o for o in outs if o]), attrs=a, tol=tol)


def from_float_lstm(g, T, B, I, H):
    """A float ONNX LSTM's weights converted as quantize_dynamic does: W [1, 4H, I] and
    R [1, 4H, H] transposed to [1, I, 4H] / [1, H, 4H], int8 per tensor, symmetric."""
    x = g.rand("float32", (T, B, I), lo=-1, hi=1)
    k = 1.0 / np.sqrt(H)  # PyTorch's nn.LSTM initialisation range
    w = g.rng.uniform(-k, k, (1, 4 * H, I)).astype(np.float32)
    r = g.rng.uniform(-k, k, (1, 4 * H, H)).astype(np.float32)
    wq, ws, wz = quant_weights(np.transpose(w, (0, 2, 1)), "int8", False)
    rq, rs, rz = quant_weights(np.transpose(r, (0, 2, 1)), "int8", False)
    return x, (wq, ws, wz, True), (rq, rs, rz, True)


def quantize_dynamic_lstm(w, r):
    """W [D, 4H, I] and R [D, 4H, H] of a float LSTM as quantize_dynamic writes them (its
    LSTMQuant, per_channel off): int8, symmetric, one scale per direction, then transposed to
    [D, I, 4H] / [D, H, 4H]."""
    out = []
    for a in (w, r):
        scale = (np.maximum(np.abs(a).reshape(a.shape[0], -1).max(axis=1), 1e-8) / 127.0).astype(np.float32)
        q = np.clip(np.rint(a / scale[:, None, None]), -127, 127).astype(np.int8)
        out.append((np.ascontiguousarray(np.transpose(q, (0, 2, 1))), scale, np.zeros(scale.shape, np.int8)))
    return out


def from_pytorch_lstm(g, T, B, I, H):
    """nn.LSTM(I, H, bidirectional=True) exported by torch.onnx.export, its LSTM node's W, R and B
    taken from the exported model and quantized as quantize_dynamic does. None without torch."""
    try:
        import io
        import onnx
        import torch
        from onnx import numpy_helper
    except ImportError:
        return None
    torch.manual_seed(20240 + SALT)
    m = torch.nn.LSTM(I, H, bidirectional=True)
    f = io.BytesIO()
    torch.onnx.export(m, (torch.zeros(T, B, I),), f, opset_version=14, input_names=["x"])
    model = onnx.load_from_string(f.getvalue())
    vals = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    for n in model.graph.node:  # weights given as Constant nodes
        if n.op_type == "Constant":
            vals[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
    node = next(n for n in model.graph.node if n.op_type == "LSTM")
    w, r, b = (vals[node.input[k]].astype(np.float32) for k in (1, 2, 3))
    (wq, ws, wz), (rq, rs, rz) = quantize_dynamic_lstm(w, r)
    x = g.rand("float32", (T, B, I), lo=-1, hi=1)
    return x, (wq, ws, wz, True), (rq, rs, rz, True), b


@op("DynamicQuantizeLSTM", types=["float32"], domain=MS)
def dq_lstm(g):
    yield dq_lstm_case(g, "t1_b1", "T = 1, batch 1, int8 per tensor, no bias", 1, 1, 3, 4,
                       bias=False)
    yield dq_lstm_case(g, "fwd_percol", "forward, int8 per-column scales, initial h and c", 6, 3,
                       5, 8, per_col=True, h0=True, c0=True)
    yield dq_lstm_case(g, "u8_reverse_seq", "reverse, uint8 per tensor, sequence_lens with a 0",
                       5, 4, 3, 6, direction="reverse", wt="uint8", seq=[3, 0, 5, 1])
    yield dq_lstm_case(g, "bidir", "bidirectional, per-column int8, sequence_lens, initial "
                       "states, peepholes", 7, 3, 4, 5, direction="bidirectional", per_col=True,
                       seq=[7, 4, 2], h0=True, c0=True, P=True)
    yield dq_lstm_case(g, "peep_clip", "peepholes and clip", 6, 2, 4, 6, P=True,
                       attrs={"clip": 0.7}, h0=True)
    yield dq_lstm_case(g, "input_forget", "input_forget = 1, uint8 per column", 5, 2, 3, 5,
                       wt="uint8", per_col=True, attrs={"input_forget": 1})
    yield dq_lstm_case(g, "acts", "bidirectional, non-default activations with alpha / beta",
                       4, 2, 3, 4, direction="bidirectional",
                       attrs={"activations": ["HardSigmoid", "Tanh", "Softsign",
                                              "Sigmoid", "LeakyRelu", "Tanh"],
                              "activation_alpha": [0.3, 0.05], "activation_beta": [0.4]})
    yield dq_lstm_case(g, "yh_only_seq", "Y absent: ended rows keep their state in H's "
                       "quantization range; sequence_lens without 0", 6, 3, 4, 5,
                       seq=[6, 2, 4], h0=True, outputs=(None, "Y_h", "Y_c"))
    yield dq_lstm_case(g, "ended_rows", "a loud row that ends after one step and a quiet one: "
                       "with Y the ended row counts as 0 in H's quantization range", 6, 2, 3, 6,
                       seq=[2, 6], row_scale=[4.0, 0.2])
    yield dq_lstm_case(g, "ended_rows_no_y", "the same without Y: the ended row keeps its state "
                       "in the range", 6, 2, 3, 6, seq=[2, 6], row_scale=[4.0, 0.2],
                       outputs=(None, "Y_h", "Y_c"))
    yield dq_lstm_case(g, "batch6", "batch 6, reverse, per-column int8", 4, 6, 5, 4,
                       direction="reverse", per_col=True, seq=[4, 3, 4, 1, 2, 4])
    yield dq_lstm_case(g, "w_inputs", "W, R and their parameters as graph inputs (packed by "
                       "each run), uint8 per column", 5, 2, 4, 6, wt="uint8", per_col=True,
                       w_init=False)
    yield dq_lstm_case(g, "long", "T = 40, batch 2, input 16, hidden 32", 40, 2, 16, 32,
                       h0=True, c0=True)
    yield dq_lstm_case(g, "big_bidir", "bidirectional, hidden 64, input 32, T = 24, batch 4, "
                       "uint8 per column, sequence_lens, initial states, peepholes", 24, 4, 32, 64,
                       direction="bidirectional", wt="uint8", per_col=True, seq=[24, 17, 1, 20],
                       h0=True, c0=True, P=True)
    yield dq_lstm_case(g, "from_float", "a float LSTM (PyTorch initialisation) converted as "
                       "quantize_dynamic does: transposed, int8 per tensor", 20, 2, 10, 16,
                       weights=from_float_lstm(g, 20, 2, 10, 16))
    pt = from_pytorch_lstm(g, 12, 3, 8, 10)
    if pt is not None:
        yield dq_lstm_case(g, "from_pytorch", "PyTorch nn.LSTM(8, 10, bidirectional) exported by "
                           "torch.onnx.export, its weights quantized as quantize_dynamic does "
                           "(int8 symmetric, one scale per direction, transposed)", 12, 3, 8, 10,
                           direction="bidirectional", weights=pt[:3], bias_value=pt[3])
