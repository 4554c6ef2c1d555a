/*
** op_qlinear.c — QLinearMatMul 10 and 21: y = saturate(round_half_even(sum_k (a - a_zp) (b - b_zp)
** * a_scale * b_scale / y_scale) + y_zp) as numpy matmul (1-D promotion, broadcast batches).
** a, b, y: int8 or uint8 in any combination (y's type is y_zero_point's); scales float32, from
** opset 21 also float16 or bfloat16 (all three of one type). a_scale / a_zero_point: one value or
** per row of a (2-D a: [M]; else a's shape with K = 1); b_scale / b_zero_point: one value or per
** column of b (2-D b: [N]; else b's shape with K = 1); y_scale / y_zero_point: one value.
** The arithmetic is onnxruntime's: int32 sums (wrapping modulo 2^32), the multiplier
** a_scale * b_scale / y_scale in float32, float32(sum) * multiplier clamped to the output range
** less the zero point (NaN -> the minimum), rounded half to even, plus the zero point.
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"
#include "simd/simd.h"

#include <limits.h>
#include <stdint.h>
#include <math.h>
#include <string.h>

int lstm__qlinear_matmul_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                               lstm__diag *d)
{
    static const char *const none[] = {NULL};
    (void)params;
    return lstm__arity(g, n, 8, 8, 1, 1, d) || lstm__attrs_allowed(g, n, since, none, d) ? d->code
                                                                                         : LSTM_OK;
}

static int is_8bit(int t)
{
    return t == LSTM_DT_INT8 || t == LSTM_DT_UINT8;
}

int lstm__qlin_input(lstm__kctx *k, int idx, const char *what, int like, const char *like_what)
{
    const lstm__rt *t = k->in[idx];
    if (!lstm__dtype_storable(t->dtype))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: %s is %s, a type this runtime cannot hold",
                          lstm__klabel(k), what, lstm__dtype_name(t->dtype));
    if (like >= 0 && t->dtype != k->in[like]->dtype)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: %s is %s, expected %s like %s", lstm__klabel(k),
                          what, lstm__dtype_name(t->dtype), lstm__dtype_name(k->in[like]->dtype),
                          like_what);
    if (!is_8bit(t->dtype))
        return lstm__errf(k->d, LSTM_EINVAL, "%s: %s is %s, expected int8 or uint8",
                          lstm__klabel(k), what, lstm__dtype_name(t->dtype));
    return LSTM_OK;
}

/* Scale input idx: float32, from opset 21 also float16 or bfloat16, the type of input 1. */
static int check_scale(lstm__kctx *k, int idx, const char *what)
{
    int t = k->in[idx]->dtype;
    int ok =
        t == LSTM_DT_FLOAT || (k->since >= 21 && (t == LSTM_DT_FLOAT16 || t == LSTM_DT_BFLOAT16));
    if (!ok)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: %s is %s, expected %s at opset %d",
                          lstm__klabel(k), what, lstm__dtype_name(t),
                          k->since >= 21 ? "float32, float16 or bfloat16" : "float32",
                          (int)k->n->opset);
    if (idx != 1 && t != k->in[1]->dtype)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: %s is %s, expected %s like a_scale",
                          lstm__klabel(k), what, lstm__dtype_name(t),
                          lstm__dtype_name(k->in[1]->dtype));
    return LSTM_OK;
}

/* The layout of a scale or zero point z of operand x (rank r) in *out: 1 for one value, 2 per
** row (rows: along r - 2, x 2-D: [M]) or per column (along r - 1, x 2-D: [N]). */
static int qparam_layout(lstm__kctx *k, const lstm__rt *z, const char *what, const lstm__rt *x,
                         const char *xname, int rows, int64_t kept, int *out)
{
    char b1[96], b2[96];
    if (z->nelem == 1 && z->rank <= 1) {
        *out = 1;
        return LSTM_OK;
    }
    int ok = x->rank == 2 && z->rank == 1 && z->dims[0] == kept;
    if (!ok && x->rank >= 2 && z->rank == x->rank) {
        int kax = rows ? x->rank - 1 : x->rank - 2; /* the K axis */
        ok = z->dims[kax] == 1;
        for (int i = 0; ok && i < x->rank; i++) ok = i == kax || z->dims[i] == x->dims[i];
    }
    if (!ok)
        return lstm__errf(
            k->d, LSTM_EINVAL, "%s: %s has shape %s, expected one value or one per %s of %s %s",
            lstm__klabel(k), what, lstm__dims_str(b1, sizeof b1, z->rank, z->dims),
            rows ? "row" : "column", xname, lstm__dims_str(b2, sizeof b2, x->rank, x->dims));
    *out = 2;
    return LSTM_OK;
}

/* Inputs i and j have one shape (or both hold one value, as [] and [1]). */
static int same_shape(lstm__kctx *k, int i, int j, const char *wi, const char *wj)
{
    const lstm__rt *a = k->in[i], *b = k->in[j];
    char b1[96], b2[96];
    int ok = a->rank == b->rank || (a->nelem == 1 && a->rank <= 1 && b->nelem == 1 && b->rank <= 1);
    for (int d = 0; ok && a->rank == b->rank && d < a->rank; d++) ok = a->dims[d] == b->dims[d];
    if (!ok)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: %s has shape %s and %s %s, expected the same",
                          lstm__klabel(k), wi, lstm__dims_str(b1, sizeof b1, a->rank, a->dims), wj,
                          lstm__dims_str(b2, sizeof b2, b->rank, b->dims));
    return LSTM_OK;
}

static int one_value(lstm__kctx *k, int idx, const char *what)
{
    const lstm__rt *t = k->in[idx];
    char b[96];
    if (t->nelem == 1 && t->rank <= 1) return LSTM_OK;
    return lstm__errf(k->d, LSTM_EINVAL, "%s: %s has shape %s, expected one value", lstm__klabel(k),
                      what, lstm__dims_str(b, sizeof b, t->rank, t->dims));
}

int lstm__qlinear_matmul_prepare(lstm__kctx *k)
{
    lstm__qlmm_state *st = k->state;
    const lstm__rt *A = k->in[0], *B = k->in[3];
    for (int i = 0; i < 8; i++)
        if (!k->in[i])
            return lstm__errf(k->d, LSTM_EINVAL, "%s: input %d is absent, every input is required",
                              lstm__klabel(k), i);
    if (lstm__qlin_input(k, 0, "a", -1, NULL) || lstm__qlin_input(k, 3, "b", -1, NULL) ||
        lstm__qlin_input(k, 2, "a_zero_point", 0, "a") ||
        lstm__qlin_input(k, 5, "b_zero_point", 3, "b") ||
        lstm__qlin_input(k, 7, "y_zero_point", -1, NULL) || check_scale(k, 1, "a_scale") ||
        check_scale(k, 4, "b_scale") || check_scale(k, 6, "y_scale"))
        return k->d->code;
    /* lstm__mm_shape_of reads inputs 0 and 1: show it b in place of a_scale. */
    lstm__rt *saved = k->in[1];
    k->in[1] = k->in[3];
    int rc = lstm__mm_shape_of(k, &st->s);
    k->in[1] = saved;
    if (rc) return k->d->code;
    const lstm__mm_shape *sh = &st->s;
    if (same_shape(k, 1, 2, "a_scale", "a_zero_point") ||
        same_shape(k, 4, 5, "b_scale", "b_zero_point") || one_value(k, 6, "y_scale") ||
        one_value(k, 7, "y_zero_point") ||
        qparam_layout(k, k->in[1], "a_scale", A, "a", 1, sh->M, &st->ap) ||
        qparam_layout(k, k->in[4], "b_scale", B, "b", 0, sh->N, &st->bp))
        return k->d->code;
    /* a's and b's batch strides in matrices (0 where broadcast), as lstm__mm_shape_of aligns. */
    int abr = A->rank > 2 ? A->rank - 2 : 0, bbr = B->rank > 2 ? B->rank - 2 : 0;
    int64_t sa = 1, sb = 1;
    for (int d = sh->brank - 1; d >= 0; d--) {
        int oa = d - (sh->brank - abr), ob = d - (sh->brank - bbr);
        int64_t da = oa >= 0 ? A->dims[oa] : 1, db = ob >= 0 ? B->dims[ob] : 1;
        st->abst[d] = da == 1 ? 0 : sa;
        st->bbst[d] = db == 1 ? 0 : sb;
        sa *= da;
        sb *= db;
    }
    if (sh->M > INT_MAX || sh->N > INT_MAX || sh->K > INT_MAX)
        return lstm__errf(k->d, LSTM_ELIMIT, "%s: dimensions exceed what one product can take",
                          lstm__klabel(k));
    rc = lstm__rt_set(k, k->out[0], k->in[7]->dtype, sh->out_rank, sh->out);
    if (rc || !k->out[0]->nelem) return rc; /* (an empty output needs no scratch) */
    size_t M = (size_t)sh->M, N = (size_t)sh->N, K = (size_t)sh->K;
    /* a and b less their zero points (int16), the sums, zero points and scales per row / col,
    ** then b packed (simd.h). */
    const size_t kn = k->packed ? 0 : K * N; /* b packed at load: none of it here */
    k->scratch_size = (M * K + kn) * sizeof(int16_t) + 64 + M * N * sizeof(uint32_t) +
                      (M + N) * (sizeof(int32_t) + sizeof(float)) + N * sizeof(float) + 64 +
                      (kn ? lstm__pack_i16_count((int)K, (int)N) * sizeof(int16_t) : 0);
    return LSTM_OK;
}

void lstm__qlin_less_zp(const lstm__rt *x, size_t off, size_t rows, size_t cols, const int32_t *zp,
                        int per_row, int16_t *out)
{
    const int sgn = x->dtype == LSTM_DT_INT8, isa = lstm__isa();
    const int8_t *s8 = (const int8_t *)x->data + off;
    const uint8_t *u8 = (const uint8_t *)x->data + off;
    if (per_row) {
        for (size_t r = 0; r < rows; r++)
            lstm__widen8(isa, u8 + r * cols, cols, sgn, zp[r], out + r * cols);
        return;
    }
    for (size_t r = 0; r < rows; r++, out += cols) /* (b, once per matrix: no vector path) */
        for (size_t c = 0; c < cols; c++)
            out[c] =
                (int16_t)((sgn ? (int32_t)s8[r * cols + c] : (int32_t)u8[r * cols + c]) - zp[c]);
}

/* B [K x N] (zero points Z: NULL, one, or one per column) packed for the 8-bit product. */
static int pack_b8(lstm__graph *g, lstm__node *n, const lstm__tensor *B, const lstm__tensor *Z,
                   lstm__qpack *pk, lstm__diag *err)
{
    const int K = (int)B->dims[0], N = (int)B->dims[1];
    int8_t *b8 = lstm__pool_alloc(g->mem, lstm__pack8_bytes(K, N));
    int32_t *ct = lstm__pool_array(g->mem, (size_t)N, sizeof(int32_t)),
            *zb = lstm__pool_array(g->mem, (size_t)N, sizeof(int32_t));
    int32_t *zp = b8 && ct && zb ? lstm__malloc(g->mem->a, (size_t)N * sizeof(int32_t)) : NULL;
    if (!zp) return lstm__errf(err, LSTM_ENOMEM, "out of memory packing %s weights", n->op_type);
    for (int j = 0; j < N; j++) {
        size_t at = Z && Z->nelem > 1 ? (size_t)j : 0;
        zp[j] = !Z                         ? 0
                : Z->dtype == LSTM_DT_INT8 ? ((const int8_t *)Z->data)[at]
                                           : ((const uint8_t *)Z->data)[at];
    }
    lstm__pack8(b8, ct, zb, B->data, B->dtype == LSTM_DT_INT8, (size_t)N, K, N, zp);
    lstm__free(g->mem->a, zp);
    *pk = (lstm__qpack){.K = K, .N = N, .b8 = b8, .ct = ct, .zb = zb};
    n->packed = pk;
    return LSTM_OK;
}

void lstm__qlin_product(const void *a, int a_signed, int M, int N, int K, int32_t *za,
                        const lstm__qpack *pk, const int16_t *bp, int16_t *a16, uint32_t *acc)
{
    const int isa = lstm__isa();
    if (pk && pk->b8) {
        const uint8_t *au = a;
        if (a_signed) { /* int8 + 128 is uint8, its zero points too */
            uint8_t *t = (uint8_t *)a16;
            for (size_t i = 0; i < (size_t)M * (size_t)K; i++) t[i] = (uint8_t)(au[i] ^ 0x80u);
            for (int m = 0; m < M; m++) za[m] += 128;
            au = t;
        }
        lstm__mm8(isa, M, N, K, au, K, za, 1, pk->b8, pk->ct, pk->zb, acc, N, 0, N);
        return;
    }
    lstm__rt at = {.dtype = a_signed ? LSTM_DT_INT8 : LSTM_DT_UINT8, .data = (void *)a};
    lstm__qlin_less_zp(&at, 0, (size_t)M, (size_t)K, za, 1, a16);
    lstm__mm_i16(isa, M, N, K, a16, K, pk ? pk->data : bp, acc, N);
}

int lstm__qlin_pack_b(lstm__graph *g, lstm__node *n, int bi, int zi, lstm__diag *err)
{
    const lstm__value *bv = lstm__node_input(g, n, bi), *zv = lstm__node_input(g, n, zi);
    if (!bv || !bv->init || (bv->flags & LSTM__V_INPUT)) return LSTM_OK;
    const lstm__tensor *B = bv->init, *Z = NULL;
    if (!is_8bit(B->dtype) || B->rank != 2 || B->dims[0] < 1 || B->dims[1] < 1 ||
        B->dims[0] > INT_MAX / 2 || B->dims[1] > INT_MAX / 2)
        return LSTM_OK;
    const int K = (int)B->dims[0], N = (int)B->dims[1];
    if (zv) {
        if (!zv->init || (zv->flags & LSTM__V_INPUT)) return LSTM_OK;
        Z = zv->init;
        int one = Z->nelem == 1 && Z->rank <= 1, cols = Z->rank == 1 && Z->dims[0] == N;
        if (Z->dtype != B->dtype || !(one || cols)) return LSTM_OK; /* prepare reports it */
    }
    size_t n16 = 0;
    lstm__qpack *pk = lstm__pool_alloc(g->mem, sizeof *pk);
    if (pk && lstm__mm8_available(lstm__isa())) return pack_b8(g, n, B, Z, pk, err);
    int16_t *dst = lstm__pool_array(g->mem, lstm__pack_i16_count(K, N), sizeof(int16_t));
    int16_t *tmp = pk && dst && lstm__mul_size((size_t)K * (size_t)N, sizeof(int16_t), &n16)
                       ? lstm__malloc(g->mem->a, n16)
                       : NULL;
    int32_t *zp = tmp ? lstm__malloc(g->mem->a, (size_t)N * sizeof(int32_t)) : NULL;
    if (!zp) {
        lstm__free(g->mem->a, tmp);
        return lstm__errf(err, LSTM_ENOMEM, "out of memory packing %s weights", n->op_type);
    }
    for (int j = 0; j < N; j++) {
        size_t at = Z && Z->nelem > 1 ? (size_t)j : 0;
        zp[j] = !Z                         ? 0
                : Z->dtype == LSTM_DT_INT8 ? ((const int8_t *)Z->data)[at]
                                           : ((const uint8_t *)Z->data)[at];
    }
    lstm__rt b = {.dtype = B->dtype, .data = B->data};
    lstm__qlin_less_zp(&b, 0, (size_t)K, (size_t)N, zp, 0, tmp);
    lstm__pack_i16(dst, tmp, K, N);
    lstm__free(g->mem->a, tmp);
    lstm__free(g->mem->a, zp);
    *pk = (lstm__qpack){.K = K, .N = N, .data = dst};
    n->packed = pk;
    return LSTM_OK;
}

int lstm__matmul_int_op_pack(lstm__graph *g, lstm__node *n, lstm__diag *d)
{
    return lstm__qlin_pack_b(g, n, 1, 3, d);
}

int lstm__qlinear_matmul_op_pack(lstm__graph *g, lstm__node *n, lstm__diag *d)
{
    return lstm__qlin_pack_b(g, n, 3, 5, d);
}

void lstm__qlin_requant(const uint32_t *acc, size_t n, const float *mult, int per_elem,
                        int out_dtype, int32_t zp, void *y)
{
    lstm__requant8(lstm__isa(), acc, n, mult, per_elem, out_dtype == LSTM_DT_INT8, zp, y);
}

static float scale_at(const lstm__rt *s, size_t i)
{
    return (float)lstm__get_f(s, i);
}

int lstm__qlinear_matmul_run(lstm__kctx *k)
{
    const lstm__qlmm_state *st = k->state;
    const lstm__mm_shape *m = &st->s;
    const lstm__rt *A = k->in[0], *B = k->in[3];
    const lstm__rt *as = k->in[1], *az = k->in[2], *bs = k->in[4], *bz = k->in[5];
    lstm__rt *Y = k->out[0];
    if (!Y->nelem) return LSTM_OK;
    size_t M = (size_t)m->M, N = (size_t)m->N, K = (size_t)m->K;
    const size_t kn = k->packed ? 0 : K * N;
    int16_t *a16 = k->scratch, *b16 = a16 + M * K;
    uint32_t *acc =
        (uint32_t *)((char *)k->scratch + ((M * K + kn) * sizeof(int16_t) + 63) / 64 * 64);
    int32_t *azv = (int32_t *)(acc + M * N), *bzv = azv + M;
    float *asv = (float *)(bzv + N), *bsv = asv + M, *mult = bsv + N;
    int16_t *bpack = (int16_t *)(((uintptr_t)(mult + N) + 63) & ~(uintptr_t)63);
    float ys = scale_at(k->in[6], 0);
    int32_t yz = (int32_t)lstm__get_i(k->in[7], 0);
    int64_t batches = lstm__dims_count(m->brank, m->bdims), idx[LSTM__MAX_RANK] = {0};
    int64_t packed_bo = -1;
    for (int64_t bt = 0; bt < batches; bt++) {
        int64_t ao = 0, bo = 0, ab = 0, bb = 0;
        for (int d = 0; d < m->brank; d++) {
            ao += idx[d] * m->ast[d], bo += idx[d] * m->bst[d];
            ab += idx[d] * st->abst[d], bb += idx[d] * st->bbst[d];
        }
        /* Per-row parameters follow a's batches, per-column ones b's. */
        size_t ar0 = (size_t)ab * M, bc0 = (size_t)bb * N;
        for (size_t i = 0; i < M; i++) {
            size_t p = st->ap == 2 ? ar0 + i : 0;
            azv[i] = (int32_t)lstm__get_i(az, p);
            asv[i] = scale_at(as, p);
        }
        for (size_t j = 0; j < N; j++) {
            size_t p = st->bp == 2 ? bc0 + j : 0;
            bzv[j] = (int32_t)lstm__get_i(bz, p);
            bsv[j] = scale_at(bs, p);
        }
        /* b: packed at load (a constant), else packed here once per matrix of b (batches that
        ** broadcast one b reuse it). */
        if (!k->packed && bo != packed_bo) {
            lstm__qlin_less_zp(B, (size_t)bo, K, N, bzv, 0, b16);
            lstm__pack_i16(bpack, b16, (int)K, (int)N);
            packed_bo = bo;
        }
        lstm__qlin_product((const int8_t *)A->data + ao, A->dtype == LSTM_DT_INT8, (int)M, (int)N,
                           (int)K, azv, k->packed, bpack, a16, acc);
        char *y = (char *)Y->data + (size_t)bt * M * N;
        for (size_t i = 0; i < M; i++) {
            /* a's scale per row: the multipliers of each row (else those of row 0 serve all) */
            if (i == 0 || st->ap == 2)
                for (size_t j = 0; j < N; j++) mult[j] = asv[i] * bsv[j] / ys;
            lstm__qlin_requant(acc + i * N, N, mult, 1, Y->dtype, yz, y + i * N);
        }
        for (int d = m->brank - 1; d >= 0; d--) {
            if (++idx[d] < m->bdims[d]) break;
            idx[d] = 0;
        }
    }
    return LSTM_OK;
}
