/*
** op_matmul_int.c — MatMulInteger 10: Y = (A - a_zero_point) x (B - b_zero_point) as numpy matmul
** (1-D promotion, broadcast batch dimensions) with int8 / uint8 A and B in any combination and an
** int32 Y (sums wrap modulo 2^32). Zero points: absent, one value, per row of A (2-D A: [M];
** else A's shape with K = 1) or per column of B (2-D B: [N]; else B's shape with K = 1).
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"
#include "ops/qlinear.h"
#include "simd/simd.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

int lstm__matmul_int_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                           lstm__diag *d)
{
    static const char *const none[] = {NULL};
    (void)params;
    return lstm__arity(g, n, 2, 4, 1, 1, d) || lstm__attrs_allowed(g, n, since, none, d) ? d->code
                                                                                         : LSTM_OK;
}

static int is_8bit(int t)
{
    return t == LSTM_DT_INT8 || t == LSTM_DT_UINT8;
}

/* The zero point's layout for operand x (rank r; kept: its extent that varies, M or N; along:
** the axis of x it follows, r - 2 for A's rows, r - 1 for B's columns). */
static int zp_layout(lstm__kctx *k, int idx, const lstm__rt *x, int64_t kept, int along, int *out)
{
    const lstm__rt *z = idx < k->n->n_in ? k->in[idx] : NULL;
    const char *what = idx == 2 ? "a_zero_point" : "b_zero_point";
    char b1[96], b2[96];
    *out = 0;
    if (!z) return LSTM_OK;
    if (z->dtype != x->dtype)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: %s is %s, expected %s like %s", lstm__klabel(k),
                          what, lstm__dtype_name(z->dtype), lstm__dtype_name(x->dtype),
                          idx == 2 ? "A" : "B");
    if (z->nelem == 1 && z->rank <= 1) {
        *out = 1;
        return LSTM_OK;
    }
    int ok = x->rank == 2 && z->rank == 1 && z->dims[0] == kept;
    if (!ok && x->rank >= 2 && z->rank == x->rank) {
        int other = along == x->rank - 2 ? x->rank - 1 : x->rank - 2; /* the K axis */
        ok = z->dims[other] == 1;
        for (int i = 0; ok && i < x->rank; i++) ok = i == other || z->dims[i] == x->dims[i];
    }
    if (!ok)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: %s has shape %s, expected one value or one per %s of %s %s",
                          lstm__klabel(k), what, lstm__dims_str(b1, sizeof b1, z->rank, z->dims),
                          idx == 2 ? "row" : "column", idx == 2 ? "A" : "B",
                          lstm__dims_str(b2, sizeof b2, x->rank, x->dims));
    *out = 2;
    return LSTM_OK;
}

int lstm__matmul_int_prepare(lstm__kctx *k)
{
    lstm__mmi_state *m = k->state;
    const lstm__rt *A = k->in[0], *B = k->in[1];
    if (!is_8bit(A->dtype) || !is_8bit(B->dtype))
        return lstm__errf(k->d, LSTM_EINVAL, "%s: A is %s and B %s, expected int8 or uint8",
                          lstm__klabel(k), lstm__dtype_name(A->dtype), lstm__dtype_name(B->dtype));
    if (lstm__mm_shape_of(k, &m->s)) return k->d->code;
    const lstm__mm_shape *sh = &m->s;
    int ar = A->rank, br = B->rank;
    if (zp_layout(k, 2, A, sh->M, ar - 2, &m->azp) || zp_layout(k, 3, B, sh->N, br - 1, &m->bzp))
        return k->d->code;
    if (sh->M > INT_MAX || sh->N > INT_MAX || sh->K > INT_MAX)
        return lstm__errf(k->d, LSTM_ELIMIT, "%s: dimensions exceed what one product can take",
                          lstm__klabel(k));
    /* Zero points per row and column, A and B less them (int16), B packed (simd.h). */
    const size_t M = (size_t)sh->M, N = (size_t)sh->N, K = (size_t)sh->K;
    const size_t kn = k->packed ? 0 : K * N; /* B packed at load: none of it here */
    k->scratch_size = (M + N) * sizeof(int32_t) + (M * K + kn) * sizeof(int16_t) + 64 +
                      (kn ? lstm__pack_i16_count((int)K, (int)N) * sizeof(int16_t) : 0);
    return lstm__rt_set(k, k->out[0], LSTM_DT_INT32, sh->out_rank, sh->out);
}

/* Zero points of one batch into out (n values): none, one value or from offset off. */
static void zp_fill(const lstm__rt *z, int layout, int64_t off, int32_t *out, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        out[i] = layout == 0 ? 0 : (int32_t)lstm__get_i(z, layout == 1 ? 0 : (size_t)(off + i));
}

int lstm__matmul_int_run(lstm__kctx *k)
{
    const lstm__mmi_state *st = k->state;
    const lstm__mm_shape *m = &st->s;
    const lstm__rt *A = k->in[0], *B = k->in[1];
    const lstm__rt *az = k->n->n_in > 2 ? k->in[2] : NULL, *bz = k->n->n_in > 3 ? k->in[3] : NULL;
    lstm__rt *Y = k->out[0];
    if (!Y->nelem) return LSTM_OK;
    if (m->K == 0) {
        memset(Y->data, 0, Y->nbytes);
        return LSTM_OK;
    }
    int32_t *azv = k->scratch, *bzv = azv + m->M;
    int16_t *a16 = (int16_t *)(bzv + m->N), *b16 = a16 + m->M * m->K;
    int16_t *bpack = (int16_t *)(((uintptr_t)(b16 + m->K * m->N) + 63) & ~(uintptr_t)63);
    int64_t batches = lstm__dims_count(m->brank, m->bdims), idx[LSTM__MAX_RANK] = {0};
    int64_t packed_bo = -1;
    for (int64_t bt = 0; bt < batches; bt++) {
        int64_t ao = 0, bo = 0;
        for (int d = 0; d < m->brank; d++) ao += idx[d] * m->ast[d], bo += idx[d] * m->bst[d];
        /* A per-row zero point follows A's batches, a per-column one B's. */
        zp_fill(az, st->azp, ao / (m->M * m->K) * m->M, azv, m->M);
        zp_fill(bz, st->bzp, bo / (m->K * m->N) * m->N, bzv, m->N);
        uint32_t *y = (uint32_t *)Y->data + bt * m->M * m->N;
        /* B: packed at load (a constant), else packed here once per matrix of B. */
        if (!k->packed && bo != packed_bo) {
            lstm__qlin_less_zp(B, (size_t)bo, (size_t)m->K, (size_t)m->N, bzv, 0, b16);
            lstm__pack_i16(bpack, b16, (int)m->K, (int)m->N);
            packed_bo = bo;
        }
        lstm__qlin_product((const int8_t *)A->data + ao, A->dtype == LSTM_DT_INT8, (int)m->M,
                           (int)m->N, (int)m->K, azv, k->packed, bpack, a16, y);
        for (int d = m->brank - 1; d >= 0; d--) {
            if (++idx[d] < m->bdims[d]) break;
            idx[d] = 0;
        }
    }
    return LSTM_OK;
}
