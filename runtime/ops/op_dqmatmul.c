/*
** op_dqmatmul.c — com.microsoft DynamicQuantizeMatMul and MatMulIntegerToFloat (version 1), what
** onnxruntime's quantize_dynamic makes of MatMul / Gemm weights. numpy matmul shapes (1-D
** promotion, broadcast batches), int8 / uint8 B, float32 Y:
**   Y = (A - a_zp) x (B - b_zp) * a_scale * b_scale + bias
** DynamicQuantizeMatMul (A, B, b_scale, b_zero_point?, bias?) quantizes the float A to uint8 as
** a whole (lstm__dq_params); MatMulIntegerToFloat (A, B, a_scale, b_scale, a_zero_point?,
** b_zero_point?, bias?) takes an int8 / uint8 A.
** As onnxruntime (contrib_ops/cpu/quantization/dynamic_quantize_matmul.cc): integer sums
** (modulo 2^32), float(sum) * (a_scale * b_scale[col]) + bias[col] for a b_scale (and
** b_zero_point) of one value or one per column of B (2-D B: [N]; else B's shape with K = 1);
** a scale of any other shape multiplies Y afterwards, broadcast onto it (after the bias);
** a_zero_point holds one value; bias is [N]. MatMulIntegerToFloat first swaps a_scale and
** b_scale when a_scale looks per column (rank 1 or a last dimension other than 1) or b_scale
** per row (a second-last dimension other than 1), as onnxruntime does. Its scales, bias and Y
** may be float16: computed in float32, Y rounded to float16 once at the end (onnxruntime 1.30's
** CPU kernel for uint8 A gives the same; it has none for int8 A with float16).
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"
#include "simd/simd.h"

#include <limits.h>
#include <string.h>

enum { KIND_DQ = 0, KIND_ITF = 1 };

static int parse(const lstm__graph *g, const lstm__node *n, int since, void *params, int kind,
                 lstm__diag *d)
{
    static const char *const none[] = {NULL};
    (void)params;
    return lstm__arity(g, n, kind == KIND_DQ ? 3 : 4, kind == KIND_DQ ? 5 : 7, 1, 1, d) ||
                   lstm__attrs_allowed(g, n, since, none, d)
               ? d->code
               : LSTM_OK;
}

static const char *in_name(int kind, int i)
{
    static const char *const dq[] = {"A", "B", "b_scale", "b_zero_point", "bias"},
                             *const itf[] = {
                                 "A",   "B", "a_scale", "b_scale", "a_zero_point", "b_zero_point",
                                 "bias"};
    return kind == KIND_DQ ? dq[i] : itf[i];
}

static const lstm__rt *in(lstm__kctx *k, int i)
{
    return i >= 0 && i < k->n->n_in ? k->in[i] : NULL;
}

static int one_value(const lstm__rt *t)
{
    return t->nelem == 1 && t->rank <= 1;
}

/* onnxruntime's IsBQuantParamSupported: one value, [N] for a 2-D B, or B's shape with K = 1. */
static int per_column(const lstm__rt *q, const lstm__rt *B)
{
    if (B->rank == 2 && q->rank == 1 && q->dims[0] == B->dims[1]) return 1;
    if (q->rank != B->rank || q->rank < 2 || q->dims[q->rank - 2] != 1) return 0;
    for (int i = 0; i < q->rank; i++)
        if (i != q->rank - 2 && q->dims[i] != B->dims[i]) return 0;
    return 1;
}

/* A scale multiplied onto Y: it broadcasts onto Y's shape. */
static int onto_y(lstm__kctx *k, const lstm__rt *s, const char *what, const lstm__rt *Y)
{
    int ok = s->rank <= Y->rank;
    for (int i = 0; ok && i < s->rank; i++) {
        int64_t d = s->dims[s->rank - 1 - i], y = Y->dims[Y->rank - 1 - i];
        ok = d == 1 || d == y;
    }
    if (ok) return 0;
    char b1[96], b2[96];
    return lstm__errf(k->d, LSTM_EINVAL,
                      "%s: %s has shape %s, expected one value, one per column of B, or a shape "
                      "that broadcasts onto Y %s",
                      lstm__klabel(k), what, lstm__dims_str(b1, sizeof b1, s->rank, s->dims),
                      lstm__dims_str(b2, sizeof b2, Y->rank, Y->dims));
}

static int type_is(lstm__kctx *k, int kind, int i, int dt, const char *why)
{
    const lstm__rt *t = in(k, i);
    if (!t || t->dtype == dt) return 0;
    return lstm__errf(k->d, LSTM_EINVAL, "%s: %s is %s, expected %s%s", lstm__klabel(k),
                      in_name(kind, i), lstm__dtype_name(t->dtype), lstm__dtype_name(dt), why);
}

static int prepare(lstm__kctx *k, int kind)
{
    lstm__dqmm_state *st = k->state;
    memset(st, 0, sizeof *st);
    const int req = kind == KIND_DQ ? 3 : 4;
    for (int i = 0; i < req; i++)
        if (!in(k, i))
            return lstm__errf(k->d, LSTM_EINVAL, "%s: input %s is absent, it is required",
                              lstm__klabel(k), in_name(kind, i));
    const lstm__rt *A = k->in[0], *B = k->in[1];
    const int bzi = kind == KIND_DQ ? 3 : 5, biasi = bzi + 1;
    if (kind == KIND_DQ ? type_is(k, kind, 0, LSTM_DT_FLOAT, "")
                        : A->dtype != LSTM_DT_INT8 && A->dtype != LSTM_DT_UINT8)
        return kind == KIND_DQ
                   ? k->d->code
                   : lstm__errf(k->d, LSTM_EINVAL, "%s: A is %s, expected int8 or uint8",
                                lstm__klabel(k), lstm__dtype_name(A->dtype));
    if (B->dtype != LSTM_DT_INT8 && B->dtype != LSTM_DT_UINT8)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: B is %s, expected int8 or uint8", lstm__klabel(k),
                          lstm__dtype_name(B->dtype));
    /* T3 (MatMulIntegerToFloat): float32 or float16 scales, bias and Y; T1: float32. */
    const int t3 = kind == KIND_DQ ? LSTM_DT_FLOAT : k->in[2]->dtype;
    if (kind == KIND_ITF && t3 != LSTM_DT_FLOAT && t3 != LSTM_DT_FLOAT16)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: a_scale is %s, expected float32 or float16",
                          lstm__klabel(k), lstm__dtype_name(t3));
    for (int i = 2; i < req; i++)
        if (type_is(k, kind, i, t3, kind == KIND_ITF ? " like a_scale (type T3)" : ""))
            return k->d->code;
    if (type_is(k, kind, bzi, B->dtype, " like B") || type_is(k, kind, biasi, t3, "") ||
        (kind == KIND_ITF && type_is(k, kind, 4, A->dtype, " like A")))
        return k->d->code;
    if (lstm__mm_shape_of(k, &st->s)) return k->d->code;
    const lstm__mm_shape *sh = &st->s;
    if (sh->M > INT_MAX || sh->N > INT_MAX || sh->K > INT_MAX)
        return lstm__errf(k->d, LSTM_ELIMIT, "%s: dimensions exceed what one product can take",
                          lstm__klabel(k));
    int rc = lstm__rt_set(k, k->out[0], t3, sh->out_rank, sh->out);
    if (rc) return rc;
    const lstm__rt *Y = k->out[0];
    char b1[96], b2[96];
    /* Zero points: a's one value, b's one value or per column. */
    const lstm__rt *az = kind == KIND_ITF ? in(k, 4) : NULL, *bz = in(k, bzi), *bias = in(k, biasi);
    if (az && !one_value(az))
        return lstm__errf(k->d, LSTM_EINVAL, "%s: a_zero_point has shape %s, expected one value",
                          lstm__klabel(k), lstm__dims_str(b1, sizeof b1, az->rank, az->dims));
    st->bz = !bz ? 0 : one_value(bz) ? LSTM__DQS_ONE : per_column(bz, B) ? LSTM__DQS_COL : -1;
    if (st->bz < 0)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: b_zero_point has shape %s, expected one value or one per column of "
                          "B %s",
                          lstm__klabel(k), lstm__dims_str(b1, sizeof b1, bz->rank, bz->dims),
                          lstm__dims_str(b2, sizeof b2, B->rank, B->dims));
    if (bias && !(bias->rank == 1 && bias->dims[0] == sh->N))
        return lstm__errf(k->d, LSTM_EINVAL, "%s: bias has shape %s, expected [%lld] (B's columns)",
                          lstm__klabel(k), lstm__dims_str(b1, sizeof b1, bias->rank, bias->dims),
                          (long long)sh->N);
    /* Scales (onnxruntime's fix-up of swapped ones first). */
    st->a_in = kind == KIND_DQ ? -1 : 2;
    st->b_in = kind == KIND_DQ ? 2 : 3;
    if (kind == KIND_ITF) {
        const lstm__rt *as = k->in[2], *bs = k->in[3];
        int swap = !one_value(as)   ? as->rank == 1 || as->dims[as->rank - 1] != 1
                   : !one_value(bs) ? bs->rank > 1 && bs->dims[bs->rank - 2] != 1
                                    : 0;
        if (swap) st->a_in = 3, st->b_in = 2;
        const lstm__rt *a = k->in[st->a_in];
        st->as = one_value(a) ? LSTM__DQS_ONE : LSTM__DQS_BCAST;
        if (st->as == LSTM__DQS_BCAST && onto_y(k, a, in_name(kind, st->a_in), Y))
            return k->d->code;
    }
    const lstm__rt *bsc = k->in[st->b_in];
    st->bs = one_value(bsc) ? LSTM__DQS_ONE : per_column(bsc, B) ? LSTM__DQS_COL : LSTM__DQS_BCAST;
    if (st->bs == LSTM__DQS_BCAST && onto_y(k, bsc, in_name(kind, st->b_in), Y)) return k->d->code;
    /* B's batch strides in matrices (0 where broadcast), aligned as lstm__mm_shape_of does. */
    int bbr = B->rank > 2 ? B->rank - 2 : 0;
    int64_t sb = 1;
    for (int d = sh->brank - 1; d >= 0; d--) {
        int ob = d - (sh->brank - bbr);
        int64_t db = ob >= 0 ? B->dims[ob] : 1;
        st->bbst[d] = db == 1 ? 0 : sb;
        sb *= db;
    }
    /* Scratch: A as int16 less its zero point, the sums, B's zero points and multipliers per
    ** column, then B less its zero point and packed (when not packed at load). */
    const size_t M = (size_t)sh->M, N = (size_t)sh->N, K = (size_t)sh->K;
    const size_t kn = k->packed ? 0 : K * N;
    size_t a16 = (A->nelem * sizeof(int16_t) + 63) & ~(size_t)63;
    size_t y32 = t3 == LSTM_DT_FLOAT ? 0 : (Y->nelem * sizeof(float) + 63) & ~(size_t)63;
    k->scratch_size = y32 + a16 + M * N * sizeof(uint32_t) + N * (sizeof(int32_t) + sizeof(float)) +
                      kn * sizeof(int16_t) + 64 +
                      (kn ? lstm__pack_i16_count((int)K, (int)N) * sizeof(int16_t) : 0);
    return LSTM_OK;
}

/* Element i of a float32 or float16 tensor. */
static float fval(const lstm__rt *t, size_t i)
{
    return t->dtype == LSTM_DT_FLOAT ? ((const float *)t->data)[i]
                                     : lstm__f16_to_f32(((const uint16_t *)t->data)[i]);
}

/* y (Y's shape) *= s broadcast onto it. */
static void mul_onto(const lstm__rt *Y, float *y, const lstm__rt *s)
{
    int64_t st[LSTM__MAX_RANK] = {0}, idx[LSTM__MAX_RANK] = {0}, stride = 1;
    const int r = Y->rank, off = Y->rank - s->rank;
    for (int i = s->rank - 1; i >= 0; i--) {
        st[i + off] = s->dims[i] == 1 ? 0 : stride;
        stride *= s->dims[i];
    }
    size_t at = 0;
    for (size_t o = 0; o < Y->nelem; o++) {
        y[o] *= fval(s, at);
        for (int d = r - 1; d >= 0; d--) {
            at += (size_t)st[d];
            if (++idx[d] < Y->dims[d]) break;
            at -= (size_t)(st[d] * idx[d]);
            idx[d] = 0;
        }
    }
}

static int run(lstm__kctx *k, int kind)
{
    const lstm__dqmm_state *st = k->state;
    const lstm__mm_shape *m = &st->s;
    const lstm__rt *A = k->in[0], *B = k->in[1];
    lstm__rt *Y = k->out[0];
    if (!Y->nelem) return LSTM_OK;
    const int bzi = kind == KIND_DQ ? 3 : 5;
    const lstm__rt *bz = in(k, bzi), *biasr = in(k, bzi + 1), *bsc = k->in[st->b_in];
    const size_t M = (size_t)m->M, N = (size_t)m->N, K = (size_t)m->K;
    const size_t kn = k->packed ? 0 : K * N;
    /* float16 Y: computed in float32 (y32), rounded to float16 at the end. */
    const int f16 = Y->dtype == LSTM_DT_FLOAT16;
    float *y32 = f16 ? k->scratch : Y->data;
    char *base = (char *)k->scratch + (f16 ? (Y->nelem * sizeof(float) + 63) & ~(size_t)63 : 0);
    int16_t *a16 = (int16_t *)base;
    uint32_t *acc = (uint32_t *)(base + ((A->nelem * sizeof(int16_t) + 63) & ~(size_t)63));
    int32_t *bzv = (int32_t *)(acc + M * N);
    float *mult = (float *)(bzv + N);
    int16_t *b16 = (int16_t *)(mult + N);
    int16_t *bpack = (int16_t *)(((uintptr_t)(b16 + kn) + 63) & ~(uintptr_t)63);
    /* A less its zero point, and the scale that goes with it; for B packed for the 8-bit product
    ** (pk8), A as uint8 in a16's bytes with its zero point za. */
    const lstm__qpack *pk8 = k->packed && ((const lstm__qpack *)k->packed)->b8 ? k->packed : NULL;
    const uint8_t *a8 = (const uint8_t *)a16;
    float as;
    int32_t za = 0;
    if (kind == KIND_DQ) {
        lstm__dq_params(A->data, A->nelem, &as, &za);
        if (pk8)
            lstm__quant8(lstm__isa(), A->data, A->nelem, as, za, 0, (uint8_t *)a16);
        else
            lstm__dq_less_zp(A->data, A->nelem, as, za, a16);
    } else {
        const lstm__rt *az = in(k, 4), *a = k->in[st->a_in];
        za = az ? (int32_t)lstm__get_i(az, 0) : 0;
        const int sgn = A->dtype == LSTM_DT_INT8;
        if (pk8 && sgn) { /* int8 + 128 is uint8, its zero point too */
            for (size_t i = 0; i < A->nelem; i++)
                ((uint8_t *)a16)[i] = (uint8_t)(((const uint8_t *)A->data)[i] ^ 0x80u);
            za += 128;
        } else if (pk8) {
            a8 = A->data;
        } else {
            lstm__widen8(lstm__isa(), A->data, A->nelem, sgn, za, a16);
        }
        as = st->as == LSTM__DQS_ONE ? fval(a, 0) : 1.0f;
    }
    int64_t batches = lstm__dims_count(m->brank, m->bdims), idx[LSTM__MAX_RANK] = {0};
    int64_t packed_bo = -1;
    for (int64_t bt = 0; bt < batches; bt++) {
        int64_t ao = 0, bo = 0, bb = 0;
        for (int d = 0; d < m->brank; d++)
            ao += idx[d] * m->ast[d], bo += idx[d] * m->bst[d], bb += idx[d] * st->bbst[d];
        /* Per-column parameters follow B's batches. */
        for (size_t j = 0; j < N; j++) {
            size_t c = (size_t)bb * N + j;
            bzv[j] = st->bz == LSTM__DQS_COL ? (int32_t)lstm__get_i(bz, c)
                     : st->bz                ? (int32_t)lstm__get_i(bz, 0)
                                             : 0;
            mult[j] = st->bs == LSTM__DQS_COL   ? as * fval(bsc, c)
                      : st->bs == LSTM__DQS_ONE ? as * fval(bsc, 0)
                                                : as;
        }
        if (!k->packed && bo != packed_bo) {
            lstm__qlin_less_zp(B, (size_t)bo, K, N, bzv, 0, b16);
            lstm__pack_i16(bpack, b16, (int)K, (int)N);
            packed_bo = bo;
        }
        if (K && pk8)
            lstm__mm8_mt(k->workers, LSTM__SPLIT_ONCE, lstm__isa(), (int)M, (int)N, (int)K, a8 + ao,
                         (int)K, za, pk8->b8, pk8->ct, pk8->zb, acc, (int)N);
        else if (K)
            lstm__mm_i16_mt(
                k->workers, LSTM__SPLIT_ONCE, lstm__isa(), (int)M, (int)N, (int)K, a16 + ao, (int)K,
                k->packed ? ((const lstm__qpack *)k->packed)->data : bpack, acc, (int)N);
        else
            memset(acc, 0, M * N * sizeof(uint32_t));
        float *y = y32 + (size_t)bt * M * N;
        for (size_t i = 0; i < M; i++)
            for (size_t j = 0; j < N; j++) {
                float v = (float)(int32_t)acc[i * N + j] * mult[j];
                y[i * N + j] = biasr ? v + fval(biasr, j) : v;
            }
        for (int d = m->brank - 1; d >= 0; d--) {
            if (++idx[d] < m->bdims[d]) break;
            idx[d] = 0;
        }
    }
    if (kind == KIND_ITF && st->as == LSTM__DQS_BCAST) mul_onto(Y, y32, k->in[st->a_in]);
    if (st->bs == LSTM__DQS_BCAST) mul_onto(Y, y32, bsc);
    if (f16)
        for (size_t i = 0; i < Y->nelem; i++) ((uint16_t *)Y->data)[i] = lstm__f32_to_f16(y32[i]);
    return LSTM_OK;
}

int lstm__dqmatmul_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                         lstm__diag *d)
{
    return parse(g, n, since, params, KIND_DQ, d);
}
int lstm__dqmatmul_prepare(lstm__kctx *k)
{
    return prepare(k, KIND_DQ);
}
int lstm__dqmatmul_run(lstm__kctx *k)
{
    return run(k, KIND_DQ);
}
int lstm__itf_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                    lstm__diag *d)
{
    return parse(g, n, since, params, KIND_ITF, d);
}
int lstm__itf_prepare(lstm__kctx *k)
{
    return prepare(k, KIND_ITF);
}
int lstm__itf_run(lstm__kctx *k)
{
    return run(k, KIND_ITF);
}

int lstm__itf_op_pack(lstm__graph *g, lstm__node *n, lstm__diag *d)
{
    return lstm__qlin_pack_b(g, n, 1, 5, d);
}
