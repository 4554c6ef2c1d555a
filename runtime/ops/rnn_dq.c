/*
** rnn_dq.c — com.microsoft DynamicQuantizeLSTM (version 1), what onnxruntime's
** quantize_dynamic makes of an LSTM: ai.onnx LSTM's attributes (no layout) and inputs, but W
** [D, input_size, 4H] and R [D, H, 4H] (transposed against LSTM's) in int8 or uint8, with
** W_scale, W_zero_point, R_scale, R_zero_point (inputs 8-11) of shape [D] (per tensor) or
** [D, 4H] (per column). Gates i, o, f, c as LSTM.
** The arithmetic is onnxruntime's (contrib_ops/cpu/quantization/dynamic_quantize_lstm.cc, the
** uint8 path of providers/cpu/rnn/uni_directional_lstm.cc):
** - X is quantized to uint8 once per direction over the rows of the first max(sequence_lens)
**   steps (lstm__dq_params), and X*W in integers, scaled by x_scale * W_scale[col];
** - each step quantizes H_{t-1} over the batch (the initial state at the first step; later,
**   rows whose sequence ended count as 0 when Y is an output, else with the state they kept),
**   H*R in integers, scaled by h_scale * R_scale[col], added to X*W;
** - then the float LSTM cell (rnn_cells.c: lstm__lstm_gates).
** Integer products are exact (lstm__mm_i16); W and R less their zero points are packed once at
** load when they and their zero points are constants. onnxruntime refuses per-column zero
** points that are not all equal (not 0 for int8); they are implemented here as given.
** The integer products are split by columns over the session's threads when large enough
** (lstm__mm_i16_mt; the numbers do not change); streaming carries h and c, and tracing gives
** the gates, like LSTM's.
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"
#include "simd/simd.h"
#include "workers.h"

#include <limits.h>
#include <math.h>
#include <string.h>

enum { DQ_IN_WS = 8, DQ_IN_WZ, DQ_IN_RS, DQ_IN_RZ };

void lstm__dq_params(const float *x, size_t n, float *scale, int32_t *zp)
{
    float lo = 0.0f, hi = 0.0f; /* the range always holds 0; NaNs are passed over */
    lstm__range(lstm__isa(), x, n, &lo, &hi);
    float s = hi == lo ? 1.0f : (hi - lo) / 255.0f;
    float z = 0.0f - lo / s;
    z = z < 255.0f ? z : 255.0f; /* NaN -> 255, as onnxruntime's std::min / std::max */
    z = 0.0f < z ? z : 0.0f;
    *scale = s;
    *zp = (int32_t)nearbyintf(z);
}

void lstm__dq_less_zp(const float *restrict x, size_t n, float scale, int32_t zp,
                      int16_t *restrict out)
{
    /* Quantized to uint8, then widened less the zero point: both the kernel set's vector loops
    ** (round(x / scale) clamped to [-zp, 255 - zp], NaN to -zp). */
    uint8_t q[256];
    const int isa = lstm__isa();
    for (size_t i = 0; i < n; i += sizeof q) {
        const size_t m = n - i < sizeof q ? n - i : sizeof q;
        lstm__quant8(isa, x + i, m, scale, zp, 0, q);
        lstm__widen8(isa, q, m, 0, zp, out + i);
    }
}

typedef struct mm_job {
    int isa, M, N, K, lda, ldc;
    const int16_t *A, *Bp;
    uint32_t *C;
} mm_job;

static void mm_part(void *ctx, int part, int parts)
{
    const mm_job *j = ctx;
    const int panels = (j->N + LSTM__I16_NR - 1) / LSTM__I16_NR, pairs = (j->K + 1) / 2;
    const int p0 = panels * part / parts, p1 = panels * (part + 1) / parts;
    if (p0 >= p1) return;
    const int n0 = p0 * LSTM__I16_NR, n1 = p1 * LSTM__I16_NR < j->N ? p1 * LSTM__I16_NR : j->N;
    lstm__mm_i16(j->isa, j->M, n1 - n0, j->K, j->A, j->lda,
                 j->Bp + (size_t)p0 * (size_t)pairs * 2 * LSTM__I16_NR, j->C + n0, j->ldc);
}

void lstm__mm_i16_mt(struct lstm__workers *w, double min_work, int isa, int M, int N, int K,
                     const int16_t *A, int lda, const int16_t *Bp, uint32_t *C, int ldc)
{
    if (!w || lstm__workers_count(w) < 2 || (double)M * N * K < min_work || N <= LSTM__I16_NR) {
        lstm__mm_i16(isa, M, N, K, A, lda, Bp, C, ldc);
        return;
    }
    mm_job j = {isa, M, N, K, lda, ldc, A, Bp, C};
    lstm__workers_run(w, mm_part, &j);
}

typedef struct mm8_job {
    int isa, M, N, K, lda, ldc;
    int32_t za;
    const uint8_t *A;
    const int8_t *Bp;
    const int32_t *ct, *zb;
    uint32_t *C;
} mm8_job;

static void mm8_part(void *ctx, int part, int parts)
{
    const mm8_job *j = ctx;
    const int panels = (j->N + LSTM__I8_NR - 1) / LSTM__I8_NR;
    const int p0 = panels * part / parts, p1 = panels * (part + 1) / parts;
    lstm__mm8(j->isa, j->M, j->N, j->K, j->A, j->lda, &j->za, 0, j->Bp, j->ct, j->zb, j->C, j->ldc,
              p0 * LSTM__I8_NR, p1 * LSTM__I8_NR);
}

void lstm__mm8_mt(struct lstm__workers *w, double min_work, int isa, int M, int N, int K,
                  const uint8_t *A, int lda, int32_t za, const int8_t *Bp, const int32_t *ct,
                  const int32_t *zb, uint32_t *C, int ldc)
{
    mm8_job j = {isa, M, N, K, lda, ldc, za, A, Bp, ct, zb, C};
    if (!w || lstm__workers_count(w) < 2 || (double)M * N * K < min_work || N <= LSTM__I8_NR)
        mm8_part(&j, 0, 1);
    else
        lstm__workers_run(w, mm8_part, &j);
}

int lstm__dqlstm_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                       lstm__diag *d)
{
    lstm__rnn_params *p = params;
    if (lstm__rnn_parse_attrs(g, n, since, LSTM__CELL_LSTM, p, d)) return d->code;
    static const int req[] = {0, 1, 2, DQ_IN_WS, DQ_IN_WZ, DQ_IN_RS, DQ_IN_RZ};
    static const char *const names[] = {"X",       "W",           "R", "W_scale", "W_zero_point",
                                        "R_scale", "R_zero_point"};
    char label[LSTM__LABEL_MAX];
    if (n->n_in != 12 || n->n_out > 3)
        return lstm__errf(d, LSTM_EMODEL, "%s has %d inputs and %d outputs, expected 12 and 0 to 3",
                          lstm__node_ctx(g, n, label, sizeof label), n->n_in, n->n_out);
    for (int i = 0; i < 7; i++)
        if (!n->in_names[req[i]][0])
            return lstm__errf(d, LSTM_EMODEL, "%s: required input %s (input %d) is missing",
                              lstm__node_ctx(g, n, label, sizeof label), names[i], req[i]);
    return LSTM_OK;
}

static const char *in_name(int i)
{
    static const char *const n[] = {"X",         "W",           "R", "B",       "sequence_lens",
                                    "initial_h", "initial_c",   "P", "W_scale", "W_zero_point",
                                    "R_scale",   "R_zero_point"};
    return n[i];
}

static const lstm__rt *in(lstm__kctx *k, int i)
{
    return i < k->n->n_in ? k->in[i] : NULL;
}

/* Input i (when present) has the shape want. */
static int check(lstm__kctx *k, int i, int rank, const int64_t *want, const char *what)
{
    const lstm__rt *t = in(k, i);
    if (!t) return 0;
    int bad = t->rank != rank;
    for (int j = 0; !bad && j < rank; j++) bad = t->dims[j] != want[j];
    if (!bad) return 0;
    char got[96], exp[96];
    return lstm__errf(k->d, LSTM_EINVAL, "%s: input %s has shape %s, expected %s %s",
                      lstm__klabel(k), in_name(i),
                      lstm__dims_str(got, sizeof got, t->rank, t->dims),
                      lstm__dims_str(exp, sizeof exp, rank, want), what);
}

/* Input i (when present) is of type dt. */
static int type_is(lstm__kctx *k, int i, int dt, const char *why)
{
    const lstm__rt *t = in(k, i);
    if (!t || t->dtype == dt) return 0;
    return lstm__errf(k->d, LSTM_EINVAL, "%s: input %s is %s, expected %s%s", lstm__klabel(k),
                      in_name(i), lstm__dtype_name(t->dtype), lstm__dtype_name(dt), why);
}

/* A scale or zero point: [D] (per tensor, *per = 0) or [D, 4H] (per column, *per = 1). */
static int qparam(lstm__kctx *k, int i, int64_t D, int64_t GH, int *per)
{
    const lstm__rt *t = in(k, i);
    *per = t->rank == 2;
    if ((t->rank == 1 && t->dims[0] == D) || (t->rank == 2 && t->dims[0] == D && t->dims[1] == GH))
        return 0;
    char got[96];
    return lstm__errf(k->d, LSTM_EINVAL,
                      "%s: input %s has shape %s, expected [%lld] (per tensor) or [%lld,%lld] (per "
                      "column: num_directions, 4*hidden_size)",
                      lstm__klabel(k), in_name(i),
                      lstm__dims_str(got, sizeof got, t->rank, t->dims), (long long)D, (long long)D,
                      (long long)GH);
}

static int plan(lstm__kctx *k, lstm__dqlstm_state *st)
{
    const lstm__rnn_params *p = k->params;
    lstm__rnn_dims *z = &st->z;
    const lstm__rt *X = in(k, 0), *W = in(k, 1), *R = in(k, 2);
    static const int req[] = {0, 1, 2, DQ_IN_WS, DQ_IN_WZ, DQ_IN_RS, DQ_IN_RZ};
    for (int i = 0; i < 7; i++)
        if (!in(k, req[i]))
            return lstm__errf(k->d, LSTM_EINVAL, "%s: input %s is absent, it is required",
                              lstm__klabel(k), in_name(req[i]));
    if (W->dtype != LSTM_DT_INT8 && W->dtype != LSTM_DT_UINT8)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: input W is %s, expected int8 or uint8",
                          lstm__klabel(k), lstm__dtype_name(W->dtype));
    const char *t2 = " like W (type T2)";
    if (type_is(k, 0, LSTM_DT_FLOAT, "") || type_is(k, 2, W->dtype, t2) ||
        type_is(k, DQ_IN_WZ, W->dtype, t2) || type_is(k, DQ_IN_RZ, W->dtype, t2) ||
        type_is(k, RNN_IN_SEQ, LSTM_DT_INT32, ""))
        return k->d->code;
    for (int i = RNN_IN_B; i <= DQ_IN_RS; i++)
        if (i != RNN_IN_SEQ && i != DQ_IN_WZ && type_is(k, i, LSTM_DT_FLOAT, " (type T)"))
            return k->d->code;
    if (X->rank != 3 || R->rank != 3)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: input %s has rank %d, expected 3",
                          lstm__klabel(k), X->rank != 3 ? "X" : "R",
                          X->rank != 3 ? X->rank : R->rank);
    z->T = X->dims[0];
    z->B = X->dims[1];
    z->I = X->dims[2];
    z->D = p->num_dirs;
    z->G = 4;
    z->H = p->hidden_given ? p->hidden_size : R->dims[1];
    if (z->H < 1 || z->H > (1 << 24))
        return lstm__errf(k->d, LSTM_EINVAL, "%s: hidden size from R is %lld, expected 1..%d",
                          lstm__klabel(k), (long long)z->H, 1 << 24);
    const int64_t T = z->T, B = z->B, I = z->I, D = z->D, H = z->H, GH = 4 * H;
    const char *hw = "(num_directions, batch_size, hidden_size)";
    if (check(k, 1, 3, (int64_t[]){D, I, GH}, "(num_directions, input_size, 4*hidden_size)") ||
        check(k, 2, 3, (int64_t[]){D, H, GH}, "(num_directions, hidden_size, 4*hidden_size)") ||
        check(k, RNN_IN_B, 2, (int64_t[]){D, 2 * GH}, "(num_directions, 8*hidden_size)") ||
        check(k, RNN_IN_SEQ, 1, (int64_t[]){B}, "(batch_size)") ||
        check(k, RNN_IN_H0, 3, (int64_t[]){D, B, H}, hw) ||
        check(k, RNN_IN_C0, 3, (int64_t[]){D, B, H}, hw) ||
        check(k, RNN_IN_P, 2, (int64_t[]){D, 3 * H}, "(num_directions, 3*hidden_size)") ||
        qparam(k, DQ_IN_WS, D, GH, &st->ws_per) || qparam(k, DQ_IN_WZ, D, GH, &st->wz_per) ||
        qparam(k, DQ_IN_RS, D, GH, &st->rs_per) || qparam(k, DQ_IN_RZ, D, GH, &st->rz_per))
        return k->d->code;
    if (I > INT_MAX || GH > INT_MAX / 4)
        return lstm__errf(k->d, LSTM_ELIMIT, "%s: sizes exceed what one product can take",
                          lstm__klabel(k));
    /* The input product of a chunk of steps at a time (about 1 MiB of it, as rnn.c). */
    int64_t rows = (int64_t)1024 * 1024 / (4 * GH);
    if (rows < 64) rows = 64;
    st->chunk = B > 0 ? (rows - 1) / B + 1 : 1;
    if (st->chunk > T) st->chunk = T;
    if (st->chunk < 1) st->chunk = 1;
    int64_t n[DQ_S_COUNT] = {0}, CB;
    int ok = lstm__mul_i64(st->chunk, B, &CB) && CB <= INT_MAX &&
             lstm__mul_i64(CB, I, &n[DQ_S_XG]) &&
             lstm__mul_i64(CB > B ? CB : B, GH, &n[DQ_S_ACC]) && lstm__mul_i64(B, GH, &n[DQ_S_RG]);
    n[DQ_S_LENS] = B;
    n[DQ_S_XW] = n[DQ_S_ACC];
    n[DQ_S_TMP] = n[DQ_S_RG];
    n[DQ_S_HQ] = n[DQ_S_H] = n[DQ_S_C] = B * H; /* within B * GH */
    n[DQ_S_BIAS] = n[DQ_S_MW] = n[DQ_S_MR] = GH;
    if (!k->packed) {
        ok = ok && lstm__mul_i64(D, (int64_t)lstm__pack_i16_count((int)I, (int)GH), &n[DQ_S_WP]);
        n[DQ_S_RP] = D * (int64_t)lstm__pack_i16_count((int)H, (int)GH);
        ok = ok && lstm__mul_i64(I > H ? I : H, GH, &n[DQ_S_T16]);
        n[DQ_S_ZP] = GH;
    }
    if (k->trace) { /* [6 gates, T, D, B, H] */
        int64_t TB;
        ok = ok && lstm__mul_i64(T, B, &TB) && lstm__mul_i64(TB, 6 * D * H, &n[DQ_S_TRACE]);
    }
    static const unsigned char esz[DQ_S_COUNT] = {
        [DQ_S_LENS] = 4, [DQ_S_XG] = 2,   [DQ_S_ACC] = 4, [DQ_S_XW] = 4, [DQ_S_HQ] = 2,
        [DQ_S_RG] = 4,   [DQ_S_TMP] = 4,  [DQ_S_H] = 4,   [DQ_S_C] = 4,  [DQ_S_BIAS] = 4,
        [DQ_S_MW] = 4,   [DQ_S_MR] = 4,   [DQ_S_WP] = 2,  [DQ_S_RP] = 2, [DQ_S_T16] = 2,
        [DQ_S_ZP] = 4,   [DQ_S_TRACE] = 4};
    size_t off = 0;
    for (int i = 0; i < DQ_S_COUNT; i++) {
        size_t bytes;
        st->off[i] = off;
        if (!ok || n[i] < 0 || !lstm__mul_size((size_t)n[i], esz[i], &bytes) ||
            off + bytes + 63 < off)
            return lstm__errf(k->d, LSTM_ELIMIT, "%s: scratch size overflows", lstm__klabel(k));
        off += (bytes + 63) & ~(size_t)63;
    }
    st->off[DQ_S_COUNT] = off;
    return LSTM_OK;
}

int lstm__dqlstm_prepare(lstm__kctx *k)
{
    const lstm__rnn_params *p = k->params;
    lstm__dqlstm_state *st = k->state;
    memset(st, 0, sizeof *st);
    if (plan(k, st)) return k->d->code;
    const lstm__rnn_dims *z = &st->z;
    const int64_t y[4] = {z->T, z->D, z->B, z->H}, s[3] = {z->D, z->B, z->H};
    for (int o = 0; o < k->n->n_out; o++)
        if (k->out[o] && lstm__rt_set(k, k->out[o], LSTM_DT_FLOAT, o ? 3 : 4, o ? s : y))
            return k->d->code;
    k->scratch_size = st->off[DQ_S_COUNT];
    return lstm__rnn_carry_prepare(k, p, z->B, z->H, sizeof(float));
}

/* Zero point of column j (per column or one value) as an int. */
static int32_t zp_at(const lstm__rt *z, int per, int64_t d, int64_t GH, int64_t j)
{
    size_t i = (size_t)(per ? d * GH + j : d);
    return z->dtype == LSTM_DT_INT8 ? ((const int8_t *)z->data)[i] : ((const uint8_t *)z->data)[i];
}

/* w [K, N] (int8 / uint8 per dtype) less the column zero points zp, packed into dst. */
static void pack_weights(const void *w, int dtype, int K, int N, const int32_t *zp, int16_t *tmp,
                         int16_t *dst)
{
    const int8_t *s8 = w;
    const uint8_t *u8 = w;
    for (size_t r = 0; r < (size_t)K; r++)
        for (size_t c = 0; c < (size_t)N; c++) {
            size_t i = r * (size_t)N + c;
            tmp[i] = (int16_t)((dtype == LSTM_DT_INT8 ? s8[i] : u8[i]) - zp[c]);
        }
    lstm__pack_i16(dst, tmp, K, N);
}

/* W and R (t[0], t[1]; zero points t[2], t[3], per column where per[i]) packed for the 8-bit
** product. */
static int pack8(lstm__graph *g, lstm__node *n, const lstm__tensor *const *t, int64_t D, int64_t I,
                 int64_t H, const int *per, lstm__diag *err)
{
    const int64_t GH = 4 * H;
    lstm__dqlstm_pack *pk = lstm__pool_alloc(g->mem, sizeof *pk);
    int32_t *zp = pk ? lstm__malloc(g->mem->a, (size_t)GH * sizeof(int32_t)) : NULL;
    if (!zp) return lstm__errf(err, LSTM_ENOMEM, "out of memory packing %s weights", n->op_type);
    memset(pk, 0, sizeof *pk);
    pk->eight = 1;
    for (int64_t d = 0; d < D; d++)
        for (int i = 0; i < 2; i++) {
            const int64_t K = i ? H : I;
            int8_t *b = lstm__pool_alloc(g->mem, lstm__pack8_bytes((int)K, (int)GH));
            int32_t *sum = lstm__pool_array(g->mem, (size_t)GH, sizeof(int32_t)),
                    *zb = lstm__pool_array(g->mem, (size_t)GH, sizeof(int32_t));
            if (!b || !sum || !zb) {
                lstm__free(g->mem->a, zp);
                return lstm__errf(err, LSTM_ENOMEM, "out of memory packing %s weights", n->op_type);
            }
            lstm__rt zr = {.dtype = t[2 + i]->dtype, .data = t[2 + i]->data};
            for (int64_t j = 0; j < GH; j++) zp[j] = zp_at(&zr, per[i], d, GH, j);
            lstm__pack8(b, sum, zb, (const char *)t[i]->data + (size_t)(d * K * GH),
                        t[i]->dtype == LSTM_DT_INT8, (size_t)GH, (int)K, (int)GH, zp);
            if (i)
                pk->r8[d] = b, pk->rct[d] = sum, pk->rzp[d] = zb;
            else
                pk->w8[d] = b, pk->wct[d] = sum, pk->wzp[d] = zb;
        }
    lstm__free(g->mem->a, zp);
    n->packed = pk;
    n->pack_replaces = 1u << 1 | 1u << 2; /* W and R: the run reads only pk */
    return LSTM_OK;
}

int lstm__dqlstm_op_pack(lstm__graph *g, lstm__node *n, lstm__diag *err)
{
    const lstm__rnn_params *p = n->params;
    if (!p || n->n_in < 12) return LSTM_OK;
    const lstm__tensor *t[4];
    static const int idx[4] = {1, 2, DQ_IN_WZ, DQ_IN_RZ};
    for (int i = 0; i < 4; i++) {
        const lstm__value *v = lstm__node_input(g, n, idx[i]);
        if (!v || !v->init || (v->flags & LSTM__V_INPUT)) return LSTM_OK; /* packed by the run */
        t[i] = v->init;
    }
    const lstm__tensor *W = t[0], *R = t[1];
    const int64_t D = p->num_dirs;
    if ((W->dtype != LSTM_DT_INT8 && W->dtype != LSTM_DT_UINT8) || R->dtype != W->dtype ||
        W->rank != 3 || R->rank != 3)
        return LSTM_OK; /* prepare reports it */
    const int64_t I = W->dims[1], GH = W->dims[2], H = GH / 4;
    if (H < 1 || GH != 4 * H || I < 1 || I > (1 << 24) || H > (1 << 24) || W->dims[0] != D ||
        R->dims[0] != D || R->dims[1] != H || R->dims[2] != GH ||
        (p->hidden_given && p->hidden_size != H))
        return LSTM_OK;
    int per[2];
    for (int i = 0; i < 2; i++) {
        const lstm__tensor *zt = t[2 + i];
        int one = zt->rank == 1 && zt->dims[0] == D;
        per[i] = zt->rank == 2 && zt->dims[0] == D && zt->dims[1] == GH;
        if (zt->dtype != W->dtype || !(one || per[i])) return LSTM_OK;
    }
    if (lstm__mm8_available(lstm__isa())) return pack8(g, n, t, D, I, H, per, err);
    const size_t wn = lstm__pack_i16_count((int)I, (int)GH),
                 rn = lstm__pack_i16_count((int)H, (int)GH);
    lstm__dqlstm_pack *pk = lstm__pool_alloc(g->mem, sizeof *pk);
    int16_t *wd = lstm__pool_array(g->mem, (size_t)D * (wn + rn), sizeof(int16_t));
    int16_t *tmp = pk && wd ? lstm__malloc(g->mem->a, (size_t)((I > H ? I : H) * GH) * 2) : NULL;
    int32_t *zp = tmp ? lstm__malloc(g->mem->a, (size_t)GH * sizeof(int32_t)) : NULL;
    if (!zp) {
        lstm__free(g->mem->a, tmp);
        return lstm__errf(err, LSTM_ENOMEM, "out of memory packing %s weights", n->op_type);
    }
    for (int64_t d = 0; d < D; d++) {
        for (int i = 0; i < 2; i++) {
            lstm__rt zr = {.dtype = t[2 + i]->dtype, .data = t[2 + i]->data};
            for (int64_t j = 0; j < GH; j++) zp[j] = zp_at(&zr, per[i], d, GH, j);
            const int64_t K = i ? H : I;
            int16_t *dst = wd + (size_t)D * (i ? wn : 0) + (size_t)d * (i ? rn : wn);
            pack_weights((const char *)t[i]->data + (size_t)(d * K * GH), W->dtype, (int)K, (int)GH,
                         zp, tmp, dst);
            if (i)
                pk->r[d] = dst;
            else
                pk->w[d] = dst;
        }
    }
    lstm__free(g->mem->a, tmp);
    lstm__free(g->mem->a, zp);
    n->packed = pk;
    n->pack_replaces = 1u << 1 | 1u << 2; /* W and R: the run reads only pk */
    return LSTM_OK;
}

/* What one run's directions share. */
typedef struct dq_run {
    lstm__kctx *k;
    const lstm__dqlstm_state *st;
    const float *X, *Bi, *H0, *C0, *P;
    float *Y, *Yh, *Yc;
    const int32_t *lens;
    int64_t steps;
    float xs; /* X's quantization */
    int32_t xz;
} dq_run;

static void *slot(const dq_run *c, int i)
{
    return (char *)c->k->scratch + c->st->off[i];
}

/* out[j] = acc[j] * mult[j % n] for rows x n values. */
static void scale_rows(const uint32_t *restrict acc, const float *restrict mult, int64_t rows,
                       int64_t n, float *restrict out)
{
    for (int64_t r = 0; r < rows; r++)
        for (int64_t j = 0; j < n; j++) out[r * n + j] = (float)(int32_t)acc[r * n + j] * mult[j];
}

/* The quantization of H_{t-1} at step s over the batch as onnxruntime sees it (see the top). */
static void h_params(const dq_run *c, const float *h, int64_t s, float *scale, int32_t *zp)
{
    const int64_t B = c->st->z.B, H = c->st->z.H;
    float lo = 0.0f, hi = 0.0f;
    for (int64_t b = 0; b < B; b++) {
        if (s > 0 && c->lens[b] < s && c->Y) continue; /* ended: a zero row */
        lstm__range(lstm__isa(), h + b * H, (size_t)H, &lo, &hi);
    }
    float two[2] = {lo, hi};
    lstm__dq_params(two, 2, scale, zp);
}

static int run_dir(dq_run *c, int64_t d)
{
    lstm__kctx *k = c->k;
    const lstm__rnn_params *p = k->params;
    const lstm__dqlstm_state *st = c->st;
    const lstm__rnn_dims *z = &st->z;
    const int64_t T = z->T, B = z->B, I = z->I, H = z->H, D = z->D, GH = 4 * H;
    const lstm__rt *W = k->in[1], *R = k->in[2];
    const lstm__rt *ws = k->in[DQ_IN_WS], *rs = k->in[DQ_IN_RS];
    const int isa = lstm__isa();
    /* W and R less their zero points, packed at load or now. */
    const int16_t *Wp = NULL, *Rp = NULL;
    const lstm__dqlstm_pack *pk = k->packed, *p8 = pk && pk->eight ? pk : NULL;
    if (pk) {
        Wp = pk->w[d];
        Rp = pk->r[d];
    } else {
        int32_t *zp = slot(c, DQ_S_ZP);
        int16_t *wd =
            (int16_t *)slot(c, DQ_S_WP) + (size_t)d * lstm__pack_i16_count((int)I, (int)GH);
        int16_t *rd =
            (int16_t *)slot(c, DQ_S_RP) + (size_t)d * lstm__pack_i16_count((int)H, (int)GH);
        for (int64_t j = 0; j < GH; j++) zp[j] = zp_at(k->in[DQ_IN_WZ], st->wz_per, d, GH, j);
        pack_weights((const char *)W->data + (size_t)(d * I * GH), W->dtype, (int)I, (int)GH, zp,
                     slot(c, DQ_S_T16), wd);
        for (int64_t j = 0; j < GH; j++) zp[j] = zp_at(k->in[DQ_IN_RZ], st->rz_per, d, GH, j);
        pack_weights((const char *)R->data + (size_t)(d * H * GH), R->dtype, (int)H, (int)GH, zp,
                     slot(c, DQ_S_T16), rd);
        Wp = wd;
        Rp = rd;
    }
    float *bias = slot(c, DQ_S_BIAS), *mw = slot(c, DQ_S_MW), *mr = slot(c, DQ_S_MR);
    const float *wsv = ws->data, *rsv = rs->data, *Bd = c->Bi ? c->Bi + d * 2 * GH : NULL;
    for (int64_t j = 0; j < GH; j++) {
        bias[j] = Bd ? Bd[j] + Bd[GH + j] : 0.0f;
        mw[j] = c->xs * wsv[st->ws_per ? d * GH + j : d];
    }
    float *h = slot(c, DQ_S_H), *cs = slot(c, DQ_S_C);
    const lstm__carry *cy = k->carry;
    for (int64_t b = 0; b < B; b++) {
        if (cy && cy->valid && H > 0) { /* a streamed state replaces the initial one */
            const float *ch = cy->buf;
            memcpy(h + b * H, ch + b * H, (size_t)H * sizeof(float));
            memcpy(cs + b * H, ch + B * H + b * H, (size_t)H * sizeof(float));
            continue;
        }
        const int64_t src = (d * B + b) * H;
        for (int64_t j = 0; j < H; j++) {
            h[b * H + j] = c->H0 ? c->H0[src + j] : 0.0f;
            cs[b * H + j] = c->C0 ? c->C0[src + j] : 0.0f;
        }
    }
    lstm__rnn_dir r = {
        .p = p,
        .z = z,
        .d = (int)d,
        .nb = B,
        .reverse = p->direction == LSTM__DIR_REVERSE || d == 1,
        .act = p->acts + d * p->acts_per_dir,
        .isa = isa,
        .bias = bias,
        .P = c->P ? c->P + d * 3 * H : NULL,
        .xw = slot(c, DQ_S_XW),
        .rg = slot(c, DQ_S_RG),
        .tmp = slot(c, DQ_S_TMP),
        .h = h,
        .c = cs,
        .trace = k->trace ? slot(c, DQ_S_TRACE) : NULL,
    };
    int16_t *xg = slot(c, DQ_S_XG), *hq = slot(c, DQ_S_HQ);
    uint8_t *xg8 = (uint8_t *)xg, *hq8 = (uint8_t *)hq; /* (the 8-bit product's: half the room) */
    uint32_t *acc = slot(c, DQ_S_ACC);
    const int64_t chunk = st->chunk;
    for (int64_t s = 0; s < c->steps; s++) {
        if (s % chunk == 0) {
            /* X rows of steps s .. s + n - 1 in step order (padded ones 0), quantized; X*W. */
            const int64_t n = c->steps - s < chunk ? c->steps - s : chunk;
            r.s0 = s;
            for (int64_t i = 0; i < n; i++)
                for (int64_t b = 0; b < B; b++) {
                    const int64_t row = (i * B + b) * I;
                    if (s + i >= c->lens[b]) { /* padding: 0 (8-bit: the zero point) */
                        if (p8)
                            memset(xg8 + row, (int)c->xz, (size_t)I);
                        else
                            memset(xg + row, 0, (size_t)I * sizeof(int16_t));
                        continue;
                    }
                    const int64_t t = lstm__rnn_time(&r, s + i, c->lens[b]);
                    const float *x = c->X + (t * B + b) * I;
                    if (p8)
                        lstm__quant8(isa, x, (size_t)I, c->xs, c->xz, 0, xg8 + row);
                    else
                        lstm__dq_less_zp(x, (size_t)I, c->xs, c->xz, xg + row);
                }
            if (I && p8)
                lstm__mm8_mt(k->workers, LSTM__SPLIT_ONCE, isa, (int)(n * B), (int)GH, (int)I, xg8,
                             (int)I, c->xz, p8->w8[d], p8->wct[d], p8->wzp[d], acc, (int)GH);
            else if (I)
                lstm__mm_i16_mt(k->workers, LSTM__SPLIT_ONCE, isa, (int)(n * B), (int)GH, (int)I,
                                xg, (int)I, Wp, acc, (int)GH);
            else
                memset(acc, 0, (size_t)(n * B * GH) * sizeof(uint32_t));
            scale_rows(acc, mw, n * B, GH, r.xw);
        }
        if (k->abort && k->abort(k->abort_ud))
            return lstm__errf(k->d, LSTM_EABORTED, "%s: aborted at time step %lld", lstm__klabel(k),
                              (long long)s);
        /* H_{t-1} quantized over the batch; H*R; the gates. */
        float hs;
        int32_t hz;
        h_params(c, h, s, &hs, &hz);
        for (int64_t b = 0; b < B; b++) {
            if (p8 && s < c->lens[b])
                lstm__quant8(isa, h + b * H, (size_t)H, hs, hz, 0, hq8 + b * H);
            else if (p8)
                memset(hq8 + b * H, (int)hz, (size_t)H);
            else if (s < c->lens[b])
                lstm__dq_less_zp(h + b * H, (size_t)H, hs, hz, hq + b * H);
            else
                memset(hq + b * H, 0, (size_t)H * sizeof(int16_t));
        }
        for (int64_t j = 0; j < GH; j++) mr[j] = hs * rsv[st->rs_per ? d * GH + j : d];
        if (p8)
            lstm__mm8_mt(k->workers, LSTM__SPLIT_STEP, isa, (int)B, (int)GH, (int)H, hq8, (int)H,
                         hz, p8->r8[d], p8->rct[d], p8->rzp[d], acc, (int)GH);
        else
            lstm__mm_i16_mt(k->workers, LSTM__SPLIT_STEP, isa, (int)B, (int)GH, (int)H, hq, (int)H,
                            Rp, acc, (int)GH);
        scale_rows(acc, mr, B, GH, r.rg);
        lstm__lstm_gates(&r, s, c->lens);
        if (!c->Y) continue;
        for (int64_t b = 0; b < B; b++) {
            if (s >= c->lens[b]) continue;
            const int64_t t = lstm__rnn_time(&r, s, c->lens[b]);
            memcpy(c->Y + ((t * D + d) * B + b) * H, h + b * H, (size_t)H * sizeof(float));
        }
    }
    for (int64_t b = 0; b < B; b++) {
        const int64_t dst = (d * B + b) * H;
        for (int64_t j = 0; j < H; j++) {
            if (c->Yh) c->Yh[dst + j] = c->lens[b] ? h[b * H + j] : 0.0f;
            if (c->Yc) c->Yc[dst + j] = c->lens[b] ? cs[b * H + j] : 0.0f;
        }
    }
    if (k->carry) { /* one forward direction (prepare checked): stage the state */
        if (B * H > 0) {
            float *ch = k->carry->next;
            memcpy(ch, h, (size_t)(B * H) * sizeof(float));
            memcpy(ch + B * H, cs, (size_t)(B * H) * sizeof(float));
        }
        k->carry->staged = 1;
    }
    (void)T;
    return LSTM_OK;
}

int lstm__dqlstm_run(lstm__kctx *k)
{
    const lstm__dqlstm_state *st = k->state;
    const lstm__rnn_dims *z = &st->z;
    const int64_t T = z->T, B = z->B;
    if (st->off[DQ_S_COUNT] > k->scratch_size)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: scratch of %zu bytes planned, %zu needed",
                          lstm__klabel(k), k->scratch_size, st->off[DQ_S_COUNT]);
    dq_run c = {.k = k, .st = st};
    int32_t *lens = slot(&c, DQ_S_LENS);
    if (lstm__rnn_read_lens(k, T, B, lens, &c.steps)) return k->d->code;
    c.lens = lens;
    const lstm__rt *t;
    c.X = k->in[0]->data;
    c.Bi = (t = in(k, RNN_IN_B)) ? t->data : NULL;
    c.H0 = (t = in(k, RNN_IN_H0)) ? t->data : NULL;
    c.C0 = (t = in(k, RNN_IN_C0)) ? t->data : NULL;
    c.P = (t = in(k, RNN_IN_P)) ? t->data : NULL;
    c.Y = k->n->n_out > 0 && k->out[0] ? k->out[0]->data : NULL;
    c.Yh = k->n->n_out > 1 && k->out[1] ? k->out[1]->data : NULL;
    c.Yc = k->n->n_out > 2 && k->out[2] ? k->out[2]->data : NULL;
    int ragged = 0;
    for (int64_t b = 0; b < B; b++) ragged |= lens[b] < T;
    if (c.Y && ragged) memset(c.Y, 0, k->out[0]->nbytes);
    /* X's range: every row of the steps that run (padded ones too, as onnxruntime). */
    lstm__dq_params(c.X, (size_t)(c.steps * B * z->I), &c.xs, &c.xz);
    const size_t per = (size_t)(T * z->D * B * z->H);
    if (k->trace) memset(slot(&c, DQ_S_TRACE), 0, 6 * per * sizeof(float));
    for (int64_t d = 0; d < z->D; d++) {
        int rc = run_dir(&c, d);
        if (rc) return rc;
    }
    if (k->trace) { /* the gates as LSTM's (rnn.c) */
        const char *const *names;
        const int n = lstm__rnn_trace_gates(LSTM__CELL_LSTM, &names);
        const int64_t dims[4] = {T, z->D, B, z->H};
        const float *tr = slot(&c, DQ_S_TRACE);
        for (int g = 0; g < n; g++)
            k->trace(k->trace_ud, lstm__kname(k), k->n->op_type, names[g], dims, tr + g * per);
    }
    return LSTM_OK;
}
