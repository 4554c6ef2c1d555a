/*
** op_attention.c — Attention (23, 24): scaled dot product attention of Q [B, Hq, S, D] with
** K [B, Hkv, Tn, D] and V [B, Hkv, Tn, Dv] (or the 3-D forms [B, rows, heads * size] with
** q_num_heads and kv_num_heads), after past_key / past_value [B, Hkv, P, *] are put before K
** and V (present_key / present_value, T = P + Tn). Per (batch, query head h), key head
** h / (Hq / Hkv) (grouped-query attention repeats each key head over consecutive query heads):
**   scores = scale * Q K^T  (scale: the attribute, else 1 / sqrt(D))    qk mode 0
**   scores = softcap * tanh(scores / softcap)  when softcap != 0        qk mode 1
**   scores += bias: attn_mask (bool: false -> -inf; additive, of Q's type; broadcast to
**     [B, Hq, S, T]; a shorter last dimension is padded with -inf), is_causal (key t visible
**     to query s iff t <= s + offset: offset = P with past_key, nonpad_kv_seqlen[b] - S with
**     nonpad_kv_seqlen (24), else 0), nonpad_kv_seqlen (keys t >= nonpad_kv_seqlen[b])    mode 2
**   probs = softmax(scores) per row (softmax_precision: rounded to that type when narrower)
**                                                                        qk mode 3
**   Y = probs V; a row whose every key is masked gives zeros.
** Two products per head go through BLAS (float32; float16 / bfloat16 are computed in float32,
** float64 in double); Q, K, V, the scores and one head's Y live in scratch planned at prepare.
**
** Where ONNX's sources disagree (the operator text, then the function body, decide; onnxruntime
** 1.30's CPU kernel was probed with the differential cases):
** - Grouped-query head mapping: early function bodies Tile K / V (query head h reads key head
**   h % Hkv); ONNX 1.20 (onnx#7274) made it repeat-interleave (h / (Hq / Hkv)), as the text's
**   GQA references and onnxruntime do. This runtime: h / (Hq / Hkv).
** - Softcap and the mask: the text and body of 23 / 24 as first released added the mask, then
**   capped (a -inf mask became -softcap, leaking weight); the errata onnx#7867 caps first, and
**   onnx#7913 renumbered qk_matmul_output_mode (1: after softcap, 2: after the mask). This
**   runtime and onnxruntime follow the errata.
** - is_causal alignment: the text says upper-left; the errata onnx#8068 makes it offset-aware
**   (offset = past length with past_key, nonpad_kv_seqlen[b] - S with nonpad_kv_seqlen, else
**   0: upper-left when Q and K differ in length without a cache). Followed here and by
**   onnxruntime.
** - Fully masked rows (errata onnx#8068): Y is 0, not NaN; qk_matmul_output mode 3 keeps NaN
**   (the errata exempts it). onnxruntime writes 0 there: its cases use the NumPy reference.
**   A row is fully masked when every key's bias is -inf (the guard reads the bias, not the
**   scores): -inf scores from an infinite Q or K in an unmasked row give Softmax's NaN.
** - Masked keys: the bias is added (the body's Add, as onnxruntime and ONNX's reference do), so
**   a NaN or +inf score at a masked key is NaN and takes its row with it (not replaced).
** - qk_matmul_output mode 2 holds -inf at masked keys (Where(mask, 0, -inf) in the body);
**   onnxruntime writes the lowest float: those cases use the NumPy reference.
** - A negative softcap: the body applies it whenever it is non-zero (c tanh(x / c) is even in
**   c), ONNX's Python reference only when > 0. The body is followed.
** - softmax_precision: the body rounds the softmax's input and output to that type;
**   onnxruntime ignores it for float32 Q. Followed: values are rounded to it when it is
**   narrower than the compute type; double gives a softmax in double.
** - Masks onnxruntime refuses though the text allows them (rank 1, a query dimension of 1, a
**   last dimension shorter than T): implemented; those cases use the NumPy reference.
** Refused by name: 3-D inputs without both head counts, head counts that contradict 4-D
** inputs, Q / K / V of different ranks or types, Hq not a multiple of Hkv, past_key without
** past_value, nonpad_kv_seqlen with past_key (the text forbids it), masks of another type
** than bool or Q's, scale < 0 or non-finite, a non-finite softcap, unknown attribute values.
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"
#include "blas.h"

#include <limits.h>
#include <math.h>
#include <string.h>

int lstm__attention_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                          lstm__diag *d)
{
    lstm__attn_params *p = params;
    static const char *const names[] = {
        "is_causal", "kv_num_heads", "q_num_heads",       "qk_matmul_output_mode",
        "scale",     "softcap",      "softmax_precision", NULL};
    char b[LSTM__LABEL_MAX];
    memset(p, 0, sizeof *p);
    if (lstm__arity(g, n, 3, since >= 24 ? 7 : 6, 1, 4, d) ||
        lstm__attrs_allowed(g, n, since, names, d) ||
        lstm__attr_flag(g, n, "is_causal", 0, &p->is_causal, d) ||
        lstm__attr_int(g, n, "q_num_heads", 0, &p->q_heads, d) ||
        lstm__attr_int(g, n, "kv_num_heads", 0, &p->kv_heads, d) ||
        lstm__attr_int(g, n, "qk_matmul_output_mode", 0, &p->mode, d) ||
        lstm__attr_int(g, n, "softmax_precision", 0, &p->softmax_precision, d) ||
        lstm__attr_float(g, n, "scale", 0.0f, &p->scale, d) ||
        lstm__attr_float(g, n, "softcap", 0.0f, &p->softcap, d))
        return d->code;
    const char *ctx = lstm__node_ctx(g, n, b, sizeof b);
    p->has_scale = lstm__attr_find(n, "scale") != NULL;
    if (p->mode < 0 || p->mode > 3)
        return lstm__errf(d, LSTM_EMODEL, "%s: qk_matmul_output_mode is %lld, expected 0 to 3", ctx,
                          (long long)p->mode);
    if (lstm__attr_find(n, "softmax_precision") && p->softmax_precision != LSTM_DT_FLOAT &&
        p->softmax_precision != LSTM_DT_FLOAT16 && p->softmax_precision != LSTM_DT_DOUBLE &&
        p->softmax_precision != LSTM_DT_BFLOAT16)
        return lstm__errf(d, LSTM_EMODEL,
                          "%s: softmax_precision is %lld, expected 1 (float), 10 (float16), 11 "
                          "(double) or 16 (bfloat16)",
                          ctx, (long long)p->softmax_precision);
    if ((lstm__attr_find(n, "q_num_heads") && p->q_heads < 1) ||
        (lstm__attr_find(n, "kv_num_heads") && p->kv_heads < 1))
        return lstm__errf(d, LSTM_EMODEL,
                          "%s: q_num_heads is %lld and kv_num_heads %lld, expected 1 or more", ctx,
                          (long long)p->q_heads, (long long)p->kv_heads);
    if (p->has_scale && !(p->scale >= 0.0f && isfinite(p->scale)))
        return lstm__errf(d, LSTM_EMODEL,
                          "%s: scale is %g, expected a finite value >= 0 (Q and K are scaled by "
                          "its square root)",
                          ctx, (double)p->scale);
    if (!isfinite(p->softcap))
        return lstm__errf(d, LSTM_EMODEL, "%s: softcap is %g, expected a finite value", ctx,
                          (double)p->softcap);
    return LSTM_OK;
}

static const lstm__rt *in_at(lstm__kctx *k, int i)
{
    return k->n->n_in > i ? k->in[i] : NULL;
}

/* The mask's strides over (b, h, s, t) after right-aligned broadcasting to [B, Hq, S, *]. */
static int mask_shape(lstm__kctx *k, lstm__attn_state *st, const lstm__rt *M)
{
    char s1[96];
    const int64_t want[4] = {st->B, st->Hq, st->S, st->T};
    int ok = M->rank >= 1 && M->rank <= 4 && M->dims[M->rank - 1] <= st->T;
    int64_t stride = 1;
    for (int i = 3; ok && i >= 0; i--) {
        const int r = M->rank - 4 + i;
        const int64_t dim = r >= 0 ? M->dims[r] : 1;
        if (i < 3 && dim != 1 && dim != want[i]) ok = 0;
        st->mst[i] = dim == 1 && i < 3 ? 0 : stride;
        stride = M->nelem ? stride * dim : 0; /* empty: the outer dims' product may overflow */
    }
    if (!ok)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: attn_mask %s does not broadcast to [%lld, %lld, %lld, <= %lld] "
                          "(batch, q_num_heads, q_sequence_length, total_sequence_length)",
                          lstm__klabel(k), lstm__dims_str(s1, sizeof s1, M->rank, M->dims),
                          (long long)st->B, (long long)st->Hq, (long long)st->S, (long long)st->T);
    st->mask_t = M->dims[M->rank - 1];
    return LSTM_OK;
}

static int shapes(lstm__kctx *k, const lstm__attn_params *p, lstm__attn_state *st)
{
    const lstm__rt *Q = k->in[0], *K = k->in[1], *V = k->in[2];
    char s1[96], s2[96], s3[96];
    if (Q->rank != K->rank || Q->rank != V->rank || (Q->rank != 3 && Q->rank != 4))
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: Q %s, K %s and V %s: expected all 4-D [batch, heads, sequence, "
                          "size] or all 3-D [batch, sequence, heads * size]",
                          lstm__klabel(k), lstm__dims_str(s1, sizeof s1, Q->rank, Q->dims),
                          lstm__dims_str(s2, sizeof s2, K->rank, K->dims),
                          lstm__dims_str(s3, sizeof s3, V->rank, V->dims));
    st->three_d = Q->rank == 3;
    st->B = Q->dims[0];
    if (st->three_d) {
        if (!p->q_heads || !p->kv_heads)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: Q, K and V are 3-D: attributes q_num_heads and kv_num_heads "
                              "are required",
                              lstm__klabel(k));
        st->Hq = p->q_heads, st->Hkv = p->kv_heads;
        st->S = Q->dims[1], st->Tn = K->dims[1];
        if (Q->dims[2] % st->Hq || K->dims[2] % st->Hkv || V->dims[2] % st->Hkv)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: hidden sizes of Q %s, K %s and V %s are not multiples of "
                              "q_num_heads %lld and kv_num_heads %lld",
                              lstm__klabel(k), lstm__dims_str(s1, sizeof s1, Q->rank, Q->dims),
                              lstm__dims_str(s2, sizeof s2, K->rank, K->dims),
                              lstm__dims_str(s3, sizeof s3, V->rank, V->dims), (long long)st->Hq,
                              (long long)st->Hkv);
        st->D = Q->dims[2] / st->Hq;
        st->Dv = V->dims[2] / st->Hkv;
        if (K->dims[2] / st->Hkv != st->D || K->dims[0] != st->B || V->dims[0] != st->B ||
            V->dims[1] != st->Tn)
            st->D = -1;
    } else {
        st->Hq = Q->dims[1], st->Hkv = K->dims[1];
        st->S = Q->dims[2], st->Tn = K->dims[2], st->D = Q->dims[3], st->Dv = V->dims[3];
        if ((p->q_heads && p->q_heads != st->Hq) || (p->kv_heads && p->kv_heads != st->Hkv))
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: q_num_heads %lld / kv_num_heads %lld contradict the 4-D Q %s "
                              "and K %s",
                              lstm__klabel(k), (long long)p->q_heads, (long long)p->kv_heads,
                              lstm__dims_str(s1, sizeof s1, Q->rank, Q->dims),
                              lstm__dims_str(s2, sizeof s2, K->rank, K->dims));
        if (K->dims[3] != st->D || K->dims[0] != st->B || V->dims[0] != st->B ||
            V->dims[1] != st->Hkv || V->dims[2] != st->Tn)
            st->D = -1;
    }
    if (st->D < 0)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: Q %s, K %s and V %s disagree (batch, key / value lengths and "
                          "heads, Q and K head sizes must match)",
                          lstm__klabel(k), lstm__dims_str(s1, sizeof s1, Q->rank, Q->dims),
                          lstm__dims_str(s2, sizeof s2, K->rank, K->dims),
                          lstm__dims_str(s3, sizeof s3, V->rank, V->dims));
    if (st->Hkv < 1 || st->Hq % st->Hkv)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: %lld query heads are not a multiple of %lld key / value heads",
                          lstm__klabel(k), (long long)st->Hq, (long long)st->Hkv);
    return LSTM_OK;
}

static int past_shapes(lstm__kctx *k, lstm__attn_state *st)
{
    const lstm__rt *PK = in_at(k, 4), *PV = in_at(k, 5), *NP = in_at(k, 6);
    char s1[96], s2[96];
    st->P = 0;
    if (!PK != !PV)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: past_key and past_value must be given together (one is absent)",
                          lstm__klabel(k));
    if (PK) {
        if (NP)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: nonpad_kv_seqlen cannot be used with past_key / past_value "
                              "(an external cache is the whole of K and V)",
                              lstm__klabel(k));
        if (PK->rank != 4 || PV->rank != 4 || PK->dims[0] != st->B || PK->dims[1] != st->Hkv ||
            PK->dims[3] != st->D || PV->dims[0] != st->B || PV->dims[1] != st->Hkv ||
            PV->dims[2] != PK->dims[2] || PV->dims[3] != st->Dv)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: past_key %s and past_value %s, expected [%lld, %lld, past, "
                              "%lld] and [%lld, %lld, past, %lld]",
                              lstm__klabel(k), lstm__dims_str(s1, sizeof s1, PK->rank, PK->dims),
                              lstm__dims_str(s2, sizeof s2, PV->rank, PV->dims), (long long)st->B,
                              (long long)st->Hkv, (long long)st->D, (long long)st->B,
                              (long long)st->Hkv, (long long)st->Dv);
        if (PK->dtype != k->in[0]->dtype || PV->dtype != k->in[0]->dtype)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: past_key is %s and past_value %s, expected %s", lstm__klabel(k),
                              lstm__dtype_name(PK->dtype), lstm__dtype_name(PV->dtype),
                              lstm__dtype_name(k->in[0]->dtype));
        st->P = PK->dims[2];
    }
    st->T = st->P + st->Tn;
    if (NP && (NP->dtype != LSTM_DT_INT64 || NP->rank != 1 || NP->dims[0] != st->B))
        return lstm__errf(k->d, LSTM_EINVAL, "%s: nonpad_kv_seqlen is %s %s, expected int64 [%lld]",
                          lstm__klabel(k), lstm__dtype_name(NP->dtype),
                          lstm__dims_str(s1, sizeof s1, NP->rank, NP->dims), (long long)st->B);
    return LSTM_OK;
}

static size_t align64(size_t n)
{
    return (n + 63) & ~(size_t)63;
}

/* Places a block of a * b * c * d elements of es bytes at *off (its offset in *at); 0 when the
** size overflows (the dims of an empty Q, K or V may be huge). */
static int block(size_t *off, size_t *at, int64_t a, int64_t b, int64_t c, int64_t d, size_t es)
{
    size_t n = es;
    if (!a || !b || !c || !d)
        n = 0;
    else if (!lstm__mul_size(n, (size_t)a, &n) || !lstm__mul_size(n, (size_t)b, &n) ||
             !lstm__mul_size(n, (size_t)c, &n) || !lstm__mul_size(n, (size_t)d, &n) ||
             n > SIZE_MAX / 2 - *off)
        return 0;
    *at = *off;
    *off += align64(n);
    return 1;
}

int lstm__attention_prepare(lstm__kctx *k)
{
    const lstm__attn_params *p = k->params;
    lstm__attn_state *st = k->state;
    const lstm__rt *Q = k->in[0], *K = k->in[1], *V = k->in[2], *M = in_at(k, 3);
    const int dt = Q->dtype;
    memset(st, 0, sizeof *st);
    if (dt != LSTM_DT_FLOAT && dt != LSTM_DT_DOUBLE && dt != LSTM_DT_FLOAT16 &&
        dt != LSTM_DT_BFLOAT16)
        return lstm__errf(k->d, LSTM_EUNSUPPORTED,
                          "%s: Q is %s, expected float32, float64, float16 or bfloat16",
                          lstm__klabel(k), lstm__dtype_name(dt));
    if (K->dtype != dt || V->dtype != dt)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: K is %s and V %s, expected %s as Q",
                          lstm__klabel(k), lstm__dtype_name(K->dtype), lstm__dtype_name(V->dtype),
                          lstm__dtype_name(dt));
    int rc = shapes(k, p, st);
    if (!rc) rc = past_shapes(k, st);
    if (rc) return rc;
    if (M) {
        if (M->dtype != LSTM_DT_BOOL && M->dtype != dt)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: attn_mask is %s, expected bool or %s (Q's type)",
                              lstm__klabel(k), lstm__dtype_name(M->dtype), lstm__dtype_name(dt));
        st->mask = M->dtype == LSTM_DT_BOOL ? 1 : 2;
        if ((rc = mask_shape(k, st, M))) return rc;
    }
    if (st->S > INT_MAX || st->T > INT_MAX || st->D > INT_MAX || st->Dv > INT_MAX ||
        st->Hq > INT_MAX || st->S * st->T > INT_MAX)
        return lstm__errf(k->d, LSTM_EUNSUPPORTED,
                          "%s: sequence lengths, head counts or head sizes too large",
                          lstm__klabel(k));
    st->dbl = dt == LSTM_DT_DOUBLE;
    /* as the function body: the scale in float32, Q and K each times its square root */
    const float sf = sqrtf(p->has_scale ? p->scale : 1.0f / sqrtf((float)st->D));
    st->scale = (double)sf * (double)sf;
    /* softmax precision: the attribute, else Q's type; rounded to it when narrower */
    const int sp = p->softmax_precision ? (int)p->softmax_precision : dt;
    st->sp_double = sp == LSTM_DT_DOUBLE;
    if (sp == LSTM_DT_FLOAT16 || sp == LSTM_DT_BFLOAT16 || (st->dbl && sp == LSTM_DT_FLOAT))
        st->sp_round = sp;

    const size_t es = st->dbl ? sizeof(double) : sizeof(float);
    size_t off = 0;
    /* One head's scores and Y: none when no head runs (then S and Dv may be any size). */
    const int64_t heads = st->B > 0 && st->Hq > 0;
    if (!block(&off, &st->q_off, st->B, st->Hq, st->S, st->D, es) ||
        !block(&off, &st->k_off, st->B, st->Hkv, st->T, st->D, es) ||
        !block(&off, &st->v_off, st->B, st->Hkv, st->T, st->Dv, es) ||
        !block(&off, &st->sc_off, 1, heads, st->S, st->T, es) ||
        !block(&off, &st->y_off, 1, heads, st->S, st->Dv, es) ||
        !block(&off, &st->full_off, 1, 1, heads, st->S, 1))
        return lstm__errf(k->d, LSTM_ELIMIT,
                          "%s: %lld x %lld heads of Q [%lld, %lld] and K / V [%lld, %lld / %lld] "
                          "need more scratch than memory holds",
                          lstm__klabel(k), (long long)st->B, (long long)st->Hq, (long long)st->S,
                          (long long)st->D, (long long)st->T, (long long)st->D, (long long)st->Dv);
    k->scratch_size = off;

    int64_t dims[4] = {st->B, st->Hq, st->S, st->Dv};
    if (st->three_d) dims[1] = st->S, dims[2] = st->Hq * st->Dv;
    if ((rc = lstm__rt_set(k, k->out[0], dt, st->three_d ? 3 : 4, dims))) return rc;
    const int64_t pk[4] = {st->B, st->Hkv, st->T, st->D}, pv[4] = {st->B, st->Hkv, st->T, st->Dv},
                  qk[4] = {st->B, st->Hq, st->S, st->T};
    if (k->n->n_out > 1 && k->out[1] && (rc = lstm__rt_set(k, k->out[1], dt, 4, pk))) return rc;
    if (k->n->n_out > 2 && k->out[2] && (rc = lstm__rt_set(k, k->out[2], dt, 4, pv))) return rc;
    if (k->n->n_out > 3 && k->out[3] && (rc = lstm__rt_set(k, k->out[3], dt, 4, qk))) return rc;
    return LSTM_OK;
}

/* ---- element runs between tensors and the compute types ---- */
static void load_f(const lstm__rt *t, size_t off, float *dst, size_t n)
{
    if (n == 0) return; /* an empty tensor's data may be NULL */
    if (t->dtype == LSTM_DT_FLOAT) {
        memcpy(dst, (const float *)t->data + off, n * sizeof(float));
        return;
    }
    const uint16_t *h = (const uint16_t *)t->data + off;
    for (size_t i = 0; i < n; i++)
        dst[i] = t->dtype == LSTM_DT_FLOAT16 ? lstm__f16_to_f32(h[i]) : lstm__bf16_to_f32(h[i]);
}

static void store_f(lstm__rt *t, size_t off, const float *src, size_t n)
{
    if (n == 0) return; /* an empty tensor's data may be NULL */
    if (t->dtype == LSTM_DT_FLOAT) {
        memcpy((float *)t->data + off, src, n * sizeof(float));
        return;
    }
    uint16_t *h = (uint16_t *)t->data + off;
    for (size_t i = 0; i < n; i++)
        h[i] = t->dtype == LSTM_DT_FLOAT16 ? lstm__f32_to_f16(src[i]) : lstm__f32_to_bf16(src[i]);
}

static float mask_f(const lstm__rt *M, size_t i)
{
    if (M->dtype == LSTM_DT_FLOAT) return ((const float *)M->data)[i];
    const uint16_t h = ((const uint16_t *)M->data)[i];
    return M->dtype == LSTM_DT_FLOAT16 ? lstm__f16_to_f32(h) : lstm__bf16_to_f32(h);
}

static void load_d(const lstm__rt *t, size_t off, double *dst, size_t n)
{
    if (n == 0) return; /* an empty tensor's data may be NULL */
    memcpy(dst, (const double *)t->data + off, n * sizeof(double));
}

static void store_d(lstm__rt *t, size_t off, const double *src, size_t n)
{
    if (n == 0) return; /* an empty tensor's data may be NULL */
    memcpy((double *)t->data + off, src, n * sizeof(double));
}

static void gemm_f(lstm__kctx *k, int ta, int tb, int m, int n, int kk, float alpha, const float *a,
                   int lda, const float *b, int ldb, float *c, int ldc)
{
    lstm__sgemm_mt(k->workers, ta, tb, m, n, kk, alpha, a, lda, b, ldb, 0.0f, c, ldc);
}

static void gemm_d(lstm__kctx *k, int ta, int tb, int m, int n, int kk, double alpha,
                   const double *a, int lda, const double *b, int ldb, double *c, int ldc)
{
    (void)k;
    lstm__dgemm(ta, tb, m, n, kk, a, lda, b, ldb, c, ldc);
    if (alpha != 1.0)
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) c[(size_t)i * (size_t)ldc + (size_t)j] *= alpha;
}

#define AC_REAL  float
#define AC_(x)   x##_f
#define AC_EXP   expf
#define AC_TANH  tanhf
#define AC_GEMM  gemm_f
#define AC_LOAD  load_f
#define AC_STORE store_f
#define AC_MASK  mask_f
#include "ops/attention_core.h"
#undef AC_REAL
#undef AC_
#undef AC_EXP
#undef AC_TANH
#undef AC_GEMM
#undef AC_LOAD
#undef AC_STORE
#undef AC_MASK

#define AC_REAL       double
#define AC_(x)        x##_d
#define AC_EXP        exp
#define AC_TANH       tanh
#define AC_GEMM       gemm_d
#define AC_LOAD       load_d
#define AC_STORE      store_d
#define AC_MASK(M, i) (((const double *)(M)->data)[i])
#include "ops/attention_core.h"

int lstm__attention_run(lstm__kctx *k)
{
    const lstm__attn_state *st = k->state;
    const lstm__rt *NP = in_at(k, 6);
    for (int64_t b = 0; NP && b < st->B; b++) {
        const int64_t v = ((const int64_t *)NP->data)[b];
        if (v < 0 || v > st->T)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: nonpad_kv_seqlen[%lld] is %lld, outside [0, %lld] (the key "
                              "length)",
                              lstm__klabel(k), (long long)b, (long long)v, (long long)st->T);
    }
    if (st->dbl)
        run_d(k, st, k->params);
    else
        run_f(k, st, k->params);
    return LSTM_OK;
}
