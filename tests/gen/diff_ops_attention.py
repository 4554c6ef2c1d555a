"""Differential entries of Attention (23, 24) for make_diff_cases.py (which imports this module).
Neither version is known to the Debian onnx 1.12: they go to diff_case.LATER_VERSIONS here with
a stand-in schema (type constraints and attribute names from ONNX's onnx/defs/nn/defs.cc and
nn/old.cc; no later version up to opset 26, per onnxscript's opset25.py / opset26.py).

The NumPy reference follows the operator text as corrected by ONNX's errata (see the comment at
the top of runtime/ops/op_attention.c): grouped-query heads repeat-interleaved, softcap before
the mask, qk_matmul_output_mode 1 after softcap and 2 after the mask, is_causal offset by the
past length (or nonpad_kv_seqlen - S), fully masked rows give Y = 0 (and NaN in mode 3), the
softmax input and output rounded to softmax_precision when it is narrower than float32 (or to
Q's float16 / bfloat16). Cases where onnxruntime 1.30 departs from it give ort=False and say
why; masks onnxruntime refuses fall back to the NumPy reference by themselves."""
import numpy as np

import diff_case
from diff_case import In, op, to_dtype

F32, F64, F16, BF16 = "float32", "float64", "float16", "bfloat16"
I64 = "int64"
TOL = {F32: (1e-4, 1e-5), F64: (1e-9, 1e-10), F16: (1e-2, 1e-2), BF16: (6e-2, 6e-2)}
DT_CODE = {1: F32, 10: F16, 11: F64, 16: BF16}

diff_case.LATER_VERSIONS.update({"Attention": [23, 24]})


_FLOAT_T = ["tensor(float16)", "tensor(float)", "tensor(double)", "tensor(bfloat16)"]
_U = _FLOAT_T + ["tensor(%s)" % t for t in diff_case.INTS] + ["tensor(bool)"]
_ATTRS = ["is_causal", "kv_num_heads", "q_num_heads", "qk_matmul_output_mode", "scale",
          "softcap", "softmax_precision"]
diff_case.add_schema("Attention", {
    v: diff_case.Schema([("T1", _FLOAT_T), ("T2", _FLOAT_T), ("U", _U)], _ATTRS) for v in (23, 24)})


def rnd(a, dt):
    return np.asarray(to_dtype(a, dt), np.float64)


def attention_ref(Q, K, V, mask=None, past_k=None, past_v=None, nonpad=None, dt=F32, scale=None,
                  is_causal=0, qh=None, kvh=None, softcap=0.0, mode=0, sp=None):
    """The spec (with its errata) in float64; returns Y, present_key, present_value, qk."""
    three = Q.ndim == 3
    B = Q.shape[0]
    if three:
        Q = Q.reshape(B, Q.shape[1], qh, -1).transpose(0, 2, 1, 3)
        K = K.reshape(B, K.shape[1], kvh, -1).transpose(0, 2, 1, 3)
        V = V.reshape(B, V.shape[1], kvh, -1).transpose(0, 2, 1, 3)
    Hq, S, D = Q.shape[1], Q.shape[2], Q.shape[3]
    if past_k is not None:
        K, V = np.concatenate([past_k, K], 2), np.concatenate([past_v, V], 2)
    pk, pv = K, V
    T, Hkv = K.shape[2], K.shape[1]
    # the function body: scale (or 1 / sqrt(D)) in float32, Q and K each times its square root
    sf = np.float32(np.float32(1) / np.sqrt(np.float32(D)) if scale is None else scale)
    scale = np.float64(np.sqrt(sf)) ** 2
    K, V = np.repeat(K, Hq // Hkv, 1), np.repeat(V, Hq // Hkv, 1)
    qk = scale * np.matmul(Q, np.swapaxes(K, -1, -2))
    allowed = np.ones((B, Hq, S, T), bool)
    bias = np.zeros((B, Hq, S, T))
    if mask is not None:
        m = mask
        if m.shape[-1] < T:
            pad = [(0, 0)] * (m.ndim - 1) + [(0, T - m.shape[-1])]
            m = np.pad(m, pad, constant_values=(False if m.dtype == np.bool_ else -np.inf))
        m = np.broadcast_to(m, (B, Hq, S, T))
        if m.dtype == np.bool_:
            allowed &= m
        else:
            bias = bias + m
    i, j = np.arange(S)[:, None], np.arange(T)[None, :]
    for b in range(B):
        if is_causal:
            off = past_k.shape[2] if past_k is not None else (
                int(nonpad[b]) - S if nonpad is not None else 0)
            allowed[b] &= (j <= i + off)[None]
        if nonpad is not None:
            allowed[b, :, :, int(nonpad[b]):] = False
    bias = np.where(allowed, bias, -np.inf)
    capped = softcap * np.tanh(qk / softcap) if softcap else qk
    wb = capped + bias
    spt = DT_CODE.get(sp) if sp else dt
    narrow = spt in (F16, BF16) or (spt == F32 and dt == F64)
    x = rnd(wb, spt) if narrow else wb
    # fully masked: every key's bias -inf (the errata's guard reads the bias, not the scores)
    full = np.all(np.isneginf(bias), -1, keepdims=True)
    with np.errstate(all="ignore"):
        e = np.exp(x - (np.max(x, -1, keepdims=True) if T else 0))
        p = e / np.sum(e, -1, keepdims=True)
    if narrow:
        p = rnd(p, spt)
    Y = np.matmul(np.where(full, 0.0, p), V)
    Y = np.where(full, 0.0, Y)
    out_qk = {0: qk, 1: capped, 2: wb, 3: p}[mode]
    if three:
        Y = Y.transpose(0, 2, 1, 3).reshape(B, S, -1)
    return Y, pk, pv, out_qk


NAMES = ["Q", "K", "V", "attn_mask", "past_key", "past_value", "nonpad_kv_seqlen"]
OUTS = ["Y", "present_key", "present_value", "qk_matmul_output"]


@op("Attention", types=diff_case.FLOATS)
def attention(g):
    v24 = g.v >= 24

    def case(tag, what, dt, Q, K, V, mask=None, past=None, nonpad=None, attrs=None, outs=4,
             tol=None, **kw):
        a = dict(attrs or {})
        vals = [Q, K, V, mask, past[0] if past else None, past[1] if past else None, nonpad]
        ins = []
        for n, x in zip(NAMES, vals):
            if x is None:
                ins.append(None)
            elif n == "nonpad_kv_seqlen":
                ins.append(In(n, I64, np.asarray(x, np.int64)))
            elif n == "attn_mask" and x.dtype == np.bool_:
                ins.append(In(n, "bool", x))
            else:
                ins.append(In(n, dt, x))
        present = [n for n, x in zip(NAMES, vals) if x is not None]
        sel = outs if isinstance(outs, (list, tuple)) else range(outs)
        keep = [o if k in sel else None for k, o in enumerate(OUTS)]
        which = [k for k, o in enumerate(keep) if o]

        def ref(*args):
            d = dict(zip(present, args))
            r = attention_ref(d["Q"], d["K"], d["V"], d.get("attn_mask"), d.get("past_key"),
                              d.get("past_value"), d.get("nonpad_kv_seqlen"), dt,
                              a.get("scale"), a.get("is_causal", 0), a.get("q_num_heads"),
                              a.get("kv_num_heads"), a.get("softcap", 0.0),
                              a.get("qk_matmul_output_mode", 0), a.get("softmax_precision"))
            out = tuple(r[k] for k in which)
            return out if len(out) > 1 else out[0]
        c = g.case(tag, what, dt, ins, outputs=keep, attrs=a, ref=ref, tol=tol or TOL[dt], **kw)
        if dt == F16:
            # onnxruntime rounds the scores and the probabilities to float16 (the function
            # body's steps in T), the NumPy reference only where the softmax precision says:
            # 8 float16 steps apart on held-out salt 8 (0.0078 at 1.52), within TOL[F16]
            c.check_tol = TOL[F16]
        return c

    def qkv4(dt, B, Hq, Hkv, S, T, D, Dv=None):
        return (g.rand(dt, (B, Hq, S, D)), g.rand(dt, (B, Hkv, T, D)),
                g.rand(dt, (B, Hkv, T, Dv or D)))

    def qkv3(dt, B, Hq, Hkv, S, T, D, Dv=None):
        return (g.rand(dt, (B, S, Hq * D)), g.rand(dt, (B, T, Hkv * D)),
                g.rand(dt, (B, T, Hkv * (Dv or D))))

    def heads(qh, kvh):
        return {"q_num_heads": qh, "kv_num_heads": kvh}

    r = g.rng
    for dt in g.types(param="T1"):
        B, H, S, T = int(r.integers(1, 3)), int(r.integers(1, 4)), int(r.integers(1, 5)), int(r.integers(1, 6))
        D, Dv = int(r.integers(1, 9)), int(r.integers(1, 9))
        yield case("4d_" + dt, "4-D MHA [%d, %d, %d, %d], T %d, Dv %d, every output (qk mode 0)"
                   % (B, H, S, D, T, Dv), dt, *qkv4(dt, B, H, H, S, T, D, Dv))
        yield case("3d_gqa_" + dt, "3-D GQA, q_num_heads 4, kv_num_heads 2, S 3, T 5, D 6, Y",
                   dt, *qkv3(dt, 2, 4, 2, 3, 5, 6), attrs=heads(4, 2), outs=1)
        Q, K, V = qkv4(dt, 1, 2, 2, 3, 3, 4)
        m = g.rand(dt, (3, 3))
        yield case("causal_mask_" + dt, "is_causal with an additive mask [S, T], softcap 2.5, "
                   "qk mode 1", dt, Q, K, V, m, attrs={"is_causal": 1, "softcap": 2.5,
                                                       "qk_matmul_output_mode": 1})
        PK, PV = g.rand(dt, (1, 2, 2, 4)), g.rand(dt, (1, 2, 2, 4))
        yield case("past_" + dt, "past_key / past_value (P 2), is_causal (offset by P), every "
                   "output", dt, Q, K, V, past=(PK, PV), attrs={"is_causal": 1})

    # head layouts
    yield case("gqa_4d", "4-D GQA 6 query heads on 2 key heads (each key head read by 3 "
               "consecutive query heads)", F32, *qkv4(F32, 2, 6, 2, 3, 4, 5), outs=(0, 3))
    yield case("mqa_3d", "3-D MQA: 4 query heads on 1 key head, Dv 3 != D 5", F32,
               *qkv3(F32, 1, 4, 1, 2, 6, 5, 3), attrs=heads(4, 1))
    yield case("3d_mha_past", "3-D MHA with past (P 3) and present outputs", F32,
               *qkv3(F32, 2, 2, 2, 2, 2, 4), past=(g.rand(F32, (2, 2, 3, 4)),
                                               g.rand(F32, (2, 2, 3, 4))), attrs=heads(2, 2))
    yield case("4d_heads_attrs", "4-D with q_num_heads / kv_num_heads equal to its heads", F32,
               *qkv4(F32, 1, 4, 2, 2, 3, 4), attrs=heads(4, 2), outs=1)
    yield case("big", "S 33, T 40, D 64, 3 heads on 1: the products through BLAS", F32,
               *qkv4(F32, 1, 3, 1, 33, 40, 64), attrs={"is_causal": 1}, outs=1)
    # causal alignment
    yield case("causal_square", "is_causal, S = T 5 (lower triangle)", F32,
               *qkv4(F32, 2, 2, 2, 5, 5, 4), attrs={"is_causal": 1})
    yield case("causal_short_q", "is_causal, S 2 < T 5, no cache: upper-left (offset 0)", F32,
               *qkv4(F32, 1, 2, 2, 2, 5, 4), attrs={"is_causal": 1}, outs=(0, 3))
    yield case("causal_long_q", "is_causal, S 5 > T 3, no cache: upper-left", F32,
               *qkv4(F32, 1, 1, 1, 5, 3, 4), attrs={"is_causal": 1}, outs=(0, 3))
    yield case("causal_past_gqa_3d", "3-D GQA 4 on 2, past P 4, S 2: key t visible to s iff "
               "t <= s + 4", F32, *qkv3(F32, 2, 4, 2, 2, 2, 3),
               past=(g.rand(F32, (2, 2, 4, 3)), g.rand(F32, (2, 2, 4, 3))),
               attrs=dict(heads(4, 2), is_causal=1))
    # masks of each kind and broadcast rank
    Q, K, V = qkv4(F32, 2, 3, 3, 4, 5, 4)
    for shp in [(4, 5), (1, 4, 5), (3, 4, 5), (2, 1, 4, 5), (2, 3, 4, 5)]:
        tag = "x".join(map(str, shp))
        yield case("mask_f_" + tag, "additive mask %s" % (shp,), F32, Q, K, V,
                   g.rand(F32, shp), outs=1)
        bm = r.integers(0, 2, shp).astype(bool)
        bm[..., 0] = True
        yield case("mask_b_" + tag, "bool mask %s" % (shp,), F32, Q, K, V, bm, outs=1)
    yield case("mask_rank1", "additive mask [T] (rank 1)", F32, Q, K, V, g.rand(F32, (5,)), outs=1)
    yield case("mask_q1", "bool mask [1, 1, 1, T] (one row for every query)", F32, Q, K, V,
               np.array([[[[True, False, True, True, False]]]]), outs=1)
    yield case("mask_short_f", "additive mask [S, 3] < T 5: padded with -inf", F32, Q, K, V,
               g.rand(F32, (4, 3)), outs=(0, 3), attrs={"qk_matmul_output_mode": 3})
    yield case("mask_short_b", "bool mask [2, 1, 4, 2] < T 5: padded with false", F32, Q, K, V,
               np.ones((2, 1, 4, 2), bool), outs=1)
    m = g.rand(F32, (4, 5))
    m[1, 2] = m[3, 0] = -np.inf
    yield case("mask_neginf", "additive mask with -inf entries", F32, Q, K, V, m, outs=(0, 3),
               attrs={"qk_matmul_output_mode": 3})
    bm = np.ones((4, 5), bool)
    bm[2] = False
    yield case("mask_full_row", "bool mask with a row all false: Y row 0", F32, Q, K, V, bm,
               outs=1)
    yield case("mask_full_row_mode3", "bool mask with a row all false, qk mode 3: NaN there",
               F32, Q, K, V, bm, outs=(0, 3), attrs={"qk_matmul_output_mode": 3}, ort=False,
               why="onnxruntime writes 0 in qk_matmul_output mode 3 for a fully masked row; the "
               "errata (onnx#8068) keeps the softmax's NaN there")
    bm = np.array([[False, True, True, True, True], [True, True, False, True, True],
                   [True, False, True, True, True], [True, True, True, True, False]])
    yield case("mask_b_causal", "bool mask composed with is_causal (row 0 fully masked: Y 0)",
               F32, Q, K, V, bm, attrs={"is_causal": 1}, outs=1)
    yield case("mask_f_causal_past", "additive mask over T = P + S with past and is_causal",
               F32, *qkv4(F32, 1, 2, 2, 3, 3, 4), g.rand(F32, (1, 2, 3, 5)),
               past=(g.rand(F32, (1, 2, 2, 4)), g.rand(F32, (1, 2, 2, 4))),
               attrs={"is_causal": 1})
    # softcap, scale and every qk_matmul_output_mode
    Q, K, V = qkv4(F32, 2, 2, 2, 3, 4, 4)
    fm = g.rand(F32, (3, 4))
    for mode in range(4):
        yield case("mode%d" % mode, "qk_matmul_output_mode %d, additive mask, no softcap" % mode,
                   F32, Q, K, V, fm, attrs={"qk_matmul_output_mode": mode}, outs=(0, 3))
        yield case("softcap_mode%d" % mode, "softcap 1.5 (before the mask), qk mode %d" % mode,
                   F32, Q, K, V, fm, attrs={"softcap": 1.5, "qk_matmul_output_mode": mode},
                   outs=(0, 3))
    fm2 = fm.copy()
    fm2[0, 1] = -np.inf
    yield case("softcap_neginf", "softcap 2 and a -inf mask entry: the key gets no weight", F32,
               Q, K, V, fm2, attrs={"softcap": 2.0, "qk_matmul_output_mode": 1}, outs=(0, 3))
    yield case("mode2_neginf", "qk mode 2 with a -inf mask entry and is_causal: -inf there",
               F32, Q, K, V, fm2, attrs={"qk_matmul_output_mode": 2, "is_causal": 1},
               outs=(0, 3), ort=False,
               why="onnxruntime writes the lowest float32 in qk_matmul_output mode 2 at masked "
               "keys; the function body adds -inf")
    yield case("softcap_negative", "softcap -1.5 (the body applies any non-zero value)", F32,
               Q, K, V, attrs={"softcap": -1.5, "qk_matmul_output_mode": 1}, outs=(0, 3),
               ort=False, why="onnxruntime applies softcap only when it is > 0 (as ONNX's Python "
               "reference does); the function body applies any non-zero value")
    yield case("scale", "scale 0.3", F32, Q, K, V, attrs={"scale": 0.3}, outs=(0, 3))
    yield case("scale0", "scale 0: uniform weights", F32, Q, K, V, attrs={"scale": 0.0}, outs=1)
    # softmax_precision
    yield case("sp_float", "softmax_precision 1 (float) on float32", F32, Q, K, V, fm,
               attrs={"softmax_precision": 1}, outs=(0, 3))
    yield case("sp_double", "softmax_precision 11 (double) on float32", F32, Q, K, V, fm,
               attrs={"softmax_precision": 11}, outs=(0, 3))
    yield case("sp_half", "softmax_precision 10 (float16) on float32: rounded to float16", F32,
               Q, K, V, fm, attrs={"softmax_precision": 10, "qk_matmul_output_mode": 3},
               outs=(0, 3), tol=(2e-3, 2e-3), ort=False,
               why="onnxruntime computes the softmax of float32 Q in float32 whatever "
               "softmax_precision says; the function body casts its input and output to it")
    Qd, Kd, Vd = qkv4(F64, 1, 2, 2, 3, 4, 4)
    yield case("sp_float_f64", "softmax_precision 1 (float) on float64: rounded to float32",
               F64, Qd, Kd, Vd, attrs={"softmax_precision": 1}, outs=1, tol=(1e-6, 1e-6),
               ort=False, why="onnxruntime computes the softmax of float64 Q in double whatever "
               "softmax_precision says; the function body casts its input and output to it")
    Qh, Kh, Vh = qkv4(F16, 1, 2, 2, 3, 4, 4)
    yield case("sp_float_f16", "softmax_precision 1 (float) on float16", F16, Qh, Kh, Vh,
               attrs={"softmax_precision": 1}, outs=1)
    # nonpad_kv_seqlen (24)
    if v24:
        Q, K, V = qkv4(F32, 3, 2, 2, 2, 6, 4)
        yield case("nonpad", "nonpad_kv_seqlen [4, 6, 1]: keys past it masked", F32, Q, K, V,
                   nonpad=[4, 6, 1], outs=1)
        yield case("nonpad_causal", "nonpad_kv_seqlen with is_causal: offset nonpad - S", F32,
                   Q, K, V, nonpad=[4, 6, 2], attrs={"is_causal": 1}, outs=1)
        yield case("nonpad_zero", "nonpad_kv_seqlen 0 for one batch: its Y is 0", F32, Q, K, V,
                   nonpad=[0, 3, 6], outs=1)
        yield case("nonpad_causal_short", "nonpad_kv_seqlen 1 < S 2 with is_causal: the first "
                   "query sees no key (Y 0)", F32, Q, K, V, nonpad=[1, 6, 3],
                   attrs={"is_causal": 1}, outs=1)
        yield case("nonpad_mask", "nonpad_kv_seqlen with a bool mask [B, 1, S, T]", F32, Q, K, V,
                   np.ones((3, 1, 2, 6), bool), nonpad=[5, 2, 6], outs=1)
        yield case("nonpad_mask_short", "nonpad_kv_seqlen [3, 4, 2] with an additive mask [S, 4] "
                   "shorter than T 6", F32, Q, K, V, g.rand(F32, (2, 4)), nonpad=[3, 4, 2],
                   outs=1)
        yield case("nonpad_3d_gqa", "3-D GQA with nonpad_kv_seqlen", F32,
                   *qkv3(F32, 2, 4, 2, 3, 5, 2), nonpad=[5, 3], attrs=heads(4, 2), outs=1)
    # empty tensors and special values
    yield case("empty_batch", "batch 0", F32, *qkv4(F32, 0, 2, 2, 3, 4, 4))
    yield case("empty_q", "S 0", F32, *qkv4(F32, 1, 2, 2, 0, 4, 4))
    yield case("empty_kv_past", "T 0 (K, V and past empty): every row fully masked, Y 0", F32,
               *qkv4(F32, 1, 2, 2, 3, 0, 4), past=(np.zeros((1, 2, 0, 4), np.float32),
                                                   np.zeros((1, 2, 0, 4), np.float32)), outs=3)
    Q, K, V = qkv4(F32, 1, 1, 1, 2, 3, 2)
    V[0, 0, 1, 0] = np.nan
    Q[0, 0, 1, 1] = np.inf
    yield case("nan_inf", "a NaN in V and an inf in Q", F32, Q, K, V, outs=1)
    # The errata's fully-masked guard reads the bias, not the scores (held-out salt 8: an inf
    # in Q made a row's every score -inf; it was taken for a masked row and gave 0)
    Q, K, V = qkv4(F32, 1, 1, 1, 3, 3, 2)
    Q[0, 0, 1] = [0.5, np.inf]
    Q[0, 0, 2] = [np.inf, -0.25]
    K[0, 0, :, 1] = -np.abs(K[0, 0, :, 1]) - 0.5
    K[0, 0, :, 0] = np.abs(K[0, 0, :, 0]) + 0.5
    yield case("inf_scores", "an inf in Q: query 1's every score -inf, unmasked (Softmax gives "
               "NaN, so Y is NaN)", F32, Q, K, V, outs=1)
    mask = g.rand(F32, (3, 3))
    mask[2] = -np.inf
    yield case("inf_scores_masked", "query 2's scores +inf and its additive mask all -inf: "
               "fully masked (the bias decides; its NaN scores do not), Y 0", F32, Q, K, V, mask,
               outs=1)
    # The bias is added to the scores, as in the function body: a NaN score at a masked key
    # stays NaN (-inf added) and takes its row with it; this runtime replaced it by -inf
    Q, K, V = qkv4(F32, 1, 1, 1, 3, 3, 2)
    K[0, 0, 2, 0] = np.nan
    yield case("nan_masked_key_causal", "is_causal, a NaN in K at key 2, masked for queries 0 "
               "and 1: every row NaN", F32, Q, K, V, attrs={"is_causal": 1}, outs=1)
    Q, K, V = qkv4(F32, 1, 1, 1, 3, 3, 2)
    K[0, 0, 1, 1] = np.nan
    bm = np.ones((3, 3), bool)
    bm[:, 1] = False
    bm[2] = False
    yield case("nan_masked_key_bool", "a bool mask removing key 1 (a NaN in K) from every query "
               "and every key from query 2: rows 0, 1 NaN, row 2 fully masked (0)", F32, Q, K, V,
               bm, outs=1)
