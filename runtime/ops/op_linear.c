/*
** op_linear.c — Gemm (7; C optional as from 11, accepted in every version) and MatMul (1: numpy
** matmul with 1-D promotion and batch broadcasting). float32 with a constant 2-D B (and, for
** Gemm, transA = 0) runs on the simd GEMM against B packed once at load by the pack hook
** (MatMul's batches of A against that B as one product of all their rows); other float32
** products go through OpenBLAS sgemm; other types accumulate in double (floats) or int64
** (integers, wrapping).
*/
#include "blas.h"
#include "ops/op_util.h"
#include "ops/ops.h"
#include "simd/simd.h"
#include "dtype.h"

#include <limits.h>
#include <string.h>

static int fits_int(int64_t v)
{
    return v >= 0 && v <= INT_MAX;
}

/* B (input 1) packed when it is a constant float32 matrix: [K, N], or [N, K] when tb. */
static int pack_b(lstm__graph *g, lstm__node *n, int tb, lstm__diag *err)
{
    const lstm__value *bv = lstm__node_input(g, n, 1);
    if (!bv || !bv->init || (bv->flags & LSTM__V_INPUT)) return LSTM_OK;
    const lstm__tensor *B = bv->init;
    if (B->dtype != LSTM_DT_FLOAT || B->rank != 2) return LSTM_OK;
    int64_t K = B->dims[tb ? 1 : 0], N = B->dims[tb ? 0 : 1];
    const int64_t nr = lstm__kernels_get(lstm__isa())->nr;
    if (K < 1 || N < 1 || K > INT_MAX / nr || N > INT_MAX - nr)
        return LSTM_OK; /* empty: the general path; too large: prepare reports it */
    lstm__linear_pack *pk = lstm__pool_alloc(g->mem, sizeof *pk);
    float *dst = lstm__pool_array(g->mem, lstm__pack_floats((int)K, (int)N), sizeof(float));
    if (!pk || !dst)
        return lstm__errf(err, LSTM_ENOMEM, "out of memory packing %s weights", n->op_type);
    if (tb)
        lstm__pack_wt(dst, B->data, (int)N, (int)K);
    else
        lstm__pack_b(dst, B->data, (int)K, (int)N);
    pk->isa = lstm__isa();
    pk->K = (int)K;
    pk->N = (int)N;
    pk->data = dst;
    n->packed = pk;
    n->pack_replaces = 1u << 1; /* float32 runs read only pk (Gemm packs only when !transA) */
    return LSTM_OK;
}

/* Y[rows x N] = A[rows x K] * B on the packed path, over the session's threads. */
static void packed_product(lstm__kctx *k, int64_t rows, const float *A, float *Y)
{
    const lstm__linear_pack *pk = k->packed;
    lstm__gemm_packed_mt(k->workers, LSTM__SPLIT_ONCE, pk->isa, (int)rows, pk->N, pk->K, A, pk->K,
                         pk->data, Y, pk->N, 0);
}

/* ---- Gemm: Y = alpha * A' * B' + beta * C ---- */
int lstm__gemm_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                     lstm__diag *d)
{
    lstm__gemm_params *p = params;
    static const char *const names[] = {"alpha", "beta", "transA", "transB", NULL};
    char b[LSTM__LABEL_MAX];
    if (lstm__arity(g, n, 2, 3, 1, 1, d) || lstm__attrs_allowed(g, n, since, names, d) ||
        lstm__attr_flag(g, n, "transA", 0, &p->ta, d) ||
        lstm__attr_flag(g, n, "transB", 0, &p->tb, d))
        return d->code;
    p->alpha = p->beta = 1.0f;
    const lstm__attr *a = lstm__attr_find(n, "alpha"), *be = lstm__attr_find(n, "beta");
    if ((a && a->type != LSTM__A_FLOAT) || (be && be->type != LSTM__A_FLOAT))
        return lstm__errf(d, LSTM_EMODEL, "%s: alpha and beta must be floats",
                          lstm__node_ctx(g, n, b, sizeof b));
    if (a) p->alpha = a->f;
    if (be) p->beta = be->f;
    return LSTM_OK;
}

int lstm__gemm_op_pack(lstm__graph *g, lstm__node *n, lstm__diag *err)
{
    const lstm__gemm_params *p = n->params;
    return p->ta ? LSTM_OK : pack_b(g, n, (int)p->tb, err); /* transA: OpenBLAS */
}

/* Y = alpha * A B + beta * C with B packed (transA = 0): the product, then alpha and C. */
static void gemm_packed_run(lstm__kctx *k, const lstm__rt *C, const int64_t *cst)
{
    const lstm__gemm_params *p = k->params;
    const lstm__rt *A = k->in[0];
    lstm__rt *Y = k->out[0];
    const int64_t M = Y->dims[0], N = Y->dims[1];
    if (M == 0) return;
    float *y = Y->data;
    packed_product(k, M, A->data, y);
    const float al = p->alpha, be = p->beta;
    if (!C && al == 1.0f) return;
    const float *c = C ? C->data : NULL;
    for (int64_t i = 0; i < M; i++) {
        float *yr = y + i * N;
        const float *cr = c ? c + i * cst[0] : NULL;
        if (cr && cst[1] == 1 && al == 1.0f && be == 1.0f) /* a bias row */
            for (int64_t j = 0; j < N; j++) yr[j] += cr[j];
        else if (cr)
            for (int64_t j = 0; j < N; j++) yr[j] = al * yr[j] + be * cr[j * cst[1]];
        else
            for (int64_t j = 0; j < N; j++) yr[j] *= al;
    }
}

int lstm__gemm_prepare(lstm__kctx *k)
{
    const lstm__gemm_params *p = k->params;
    const lstm__rt *A = k->in[0], *B = k->in[1], *C = k->n->n_in > 2 ? k->in[2] : NULL;
    if (A->rank != 2 || B->rank != 2)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: A and B must be 2-D (got ranks %d and %d)",
                          lstm__klabel(k), A->rank, B->rank);
    if (A->dtype != B->dtype || (C && C->dtype != A->dtype) ||
        !(lstm__is_float(A->dtype) || lstm__is_int(A->dtype)))
        return lstm__errf(k->d, LSTM_EINVAL, "%s: A, B and C must share one numeric type",
                          lstm__klabel(k));
    int64_t M = A->dims[p->ta ? 1 : 0], K = A->dims[p->ta ? 0 : 1];
    int64_t K2 = B->dims[p->tb ? 1 : 0], N = B->dims[p->tb ? 0 : 1];
    if (K != K2)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: inner dimensions differ: A gives %lld, B %lld",
                          lstm__klabel(k), (long long)K, (long long)K2);
    if (!fits_int(M) || !fits_int(N) || !fits_int(K))
        return lstm__errf(k->d, LSTM_ELIMIT, "%s: dimensions exceed what one GEMM can take",
                          lstm__klabel(k));
    if (C) {
        lstm__bcast bc;
        lstm__rt y = {.rank = 2, .dims = {M, N}};
        if (lstm__bcast_init(k, &bc, (const lstm__rt *[]){&y, C}, 2)) return k->d->code;
        if (bc.rank != 2 || bc.dims[0] != M || bc.dims[1] != N)
            return lstm__errf(k->d, LSTM_EINVAL, "%s: C does not broadcast to [%lld,%lld]",
                              lstm__klabel(k), (long long)M, (long long)N);
    }
    return lstm__rt_set(k, k->out[0], A->dtype, 2, (int64_t[]){M, N});
}

/* Whether alpha or beta is an integer an int64 holds. */
static int integral(double v)
{
    return v > -0x1p63 && v < 0x1p63 && v == (double)(int64_t)v;
}

/* v truncated to int64, saturated (NaN: 0); for uint64 (uns), values from 2^63 up saturate at
** 2^64 - 1 instead. */
static int64_t to_i64(double v, int uns)
{
    if (uns && v >= 0x1p63) return v >= 0x1p64 ? (int64_t)UINT64_MAX : (int64_t)(uint64_t)v;
    return v != v ? 0 : v >= 0x1p63 ? INT64_MAX : v <= -0x1p63 ? INT64_MIN : (int64_t)v;
}

/* An int64 holding a value of type dtype, as a double (uint64 read unsigned). */
static double as_real(int64_t v, int dtype)
{
    return dtype == LSTM_DT_UINT64 ? (double)(uint64_t)v : (double)v;
}

int lstm__gemm_run(lstm__kctx *k)
{
    const lstm__gemm_params *p = k->params;
    const lstm__rt *A = k->in[0], *B = k->in[1], *C = k->n->n_in > 2 ? k->in[2] : NULL;
    lstm__rt *Y = k->out[0];
    int64_t M = Y->dims[0], N = Y->dims[1], K = A->dims[p->ta ? 0 : 1];
    /* beta * C, broadcast, first. */
    lstm__bcast bc;
    int64_t cst[2] = {0, 0};
    if (C) {
        lstm__rt y = {.rank = 2, .dims = {M, N}};
        lstm__bcast_init(k, &bc, (const lstm__rt *[]){&y, C}, 2);
        cst[0] = bc.st[1][0];
        cst[1] = bc.st[1][1];
    }
    if (Y->dtype == LSTM_DT_FLOAT && k->packed && !p->ta) {
        gemm_packed_run(k, C, cst);
        return LSTM_OK;
    }
    if (Y->dtype == LSTM_DT_FLOAT) {
        float *y = Y->data;
        for (int64_t i = 0; i < M; i++)
            for (int64_t j = 0; j < N; j++)
                y[i * N + j] = C ? p->beta * ((const float *)C->data)[i * cst[0] + j * cst[1]] : 0;
        lstm__sgemm_mt(k->workers, (int)p->ta, (int)p->tb, (int)M, (int)N, (int)K, p->alpha,
                       A->data, (int)A->dims[1], B->data, (int)B->dims[1], C ? 1.0f : 0.0f, y,
                       (int)N);
        return LSTM_OK;
    }
    /* Integer types: exact (modulo 2^64, then the type) when alpha and beta are integers */
    const int fl = lstm__is_float(Y->dtype), exact = integral(p->alpha) && integral(p->beta);
    const uint64_t ai = exact ? (uint64_t)(int64_t)p->alpha : 0,
                   bi = exact ? (uint64_t)(int64_t)p->beta : 0;
    for (int64_t i = 0; i < M; i++)
        for (int64_t j = 0; j < N; j++) {
            double sf = 0;
            int64_t si = 0;
            for (int64_t q = 0; q < K; q++) {
                size_t ia = (size_t)(p->ta ? q * M + i : i * K + q);
                size_t ib = (size_t)(p->tb ? j * K + q : q * N + j);
                if (fl)
                    sf += lstm__get_f(A, ia) * lstm__get_f(B, ib);
                else
                    si = (int64_t)((uint64_t)si +
                                   (uint64_t)lstm__get_i(A, ia) * (uint64_t)lstm__get_i(B, ib));
            }
            size_t o = (size_t)(i * N + j), co = (size_t)(i * cst[0] + j * cst[1]);
            if (fl)
                lstm__put_f(Y, o, p->alpha * sf + (C ? p->beta * lstm__get_f(C, co) : 0));
            else if (exact)
                lstm__put_i(
                    Y, o,
                    (int64_t)(ai * (uint64_t)si + (C ? bi * (uint64_t)lstm__get_i(C, co) : 0)));
            else
                lstm__put_i(Y, o,
                            to_i64(p->alpha * as_real(si, Y->dtype) +
                                       (C ? p->beta * as_real(lstm__get_i(C, co), Y->dtype) : 0),
                                   Y->dtype == LSTM_DT_UINT64));
        }
    return LSTM_OK;
}

/* ---- MatMul ---- */
int lstm__matmul_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                       lstm__diag *d)
{
    (void)params;
    static const char *const none[] = {NULL};
    return lstm__arity(g, n, 2, 2, 1, 1, d) || lstm__attrs_allowed(g, n, since, none, d);
}

int lstm__matmul_op_pack(lstm__graph *g, lstm__node *n, lstm__diag *err)
{
    return pack_b(g, n, 0, err);
}

/* The product's shapes, its sizes within what one GEMM call takes. */
static int mm_plan(lstm__kctx *k, lstm__mm_shape *m)
{
    if (lstm__mm_shape_of(k, m)) return k->d->code;
    if (!fits_int(m->M) || !fits_int(m->N) || !fits_int(m->K))
        return lstm__errf(k->d, LSTM_ELIMIT, "%s: dimensions exceed what one GEMM can take",
                          lstm__klabel(k));
    return LSTM_OK;
}

int lstm__matmul_prepare(lstm__kctx *k)
{
    const lstm__rt *A = k->in[0], *B = k->in[1];
    lstm__mm_shape m;
    if (A->dtype != B->dtype || !(lstm__is_float(A->dtype) || lstm__is_int(A->dtype)))
        return lstm__errf(k->d, LSTM_EINVAL, "%s: A and B must share one numeric type",
                          lstm__klabel(k));
    if (mm_plan(k, &m)) return k->d->code;
    return lstm__rt_set(k, k->out[0], A->dtype, m.out_rank, m.out);
}

int lstm__matmul_run(lstm__kctx *k)
{
    const lstm__rt *A = k->in[0], *B = k->in[1];
    lstm__rt *Y = k->out[0];
    lstm__mm_shape m;
    mm_plan(k, &m);
    int64_t batches = lstm__dims_count(m.brank, m.bdims), idx[LSTM__MAX_RANK] = {0};
    /* Empty operands have no data to offset: Y is empty, or zeros when only K is 0. */
    if (batches == 0 || m.M == 0 || m.N == 0) return LSTM_OK;
    if (m.K == 0) {
        memset(Y->data, 0, Y->nbytes);
        return LSTM_OK;
    }
    /* B [K, N] packed: the rows of A's batches follow one another, one product takes them. */
    if (Y->dtype == LSTM_DT_FLOAT && k->packed) {
        const int64_t rows = batches * m.M, step = INT_MAX / 2;
        for (int64_t r = 0; r < rows; r += step)
            packed_product(k, rows - r < step ? rows - r : step, (const float *)A->data + r * m.K,
                           (float *)Y->data + r * m.N);
        return LSTM_OK;
    }
    int fl = lstm__is_float(Y->dtype);
    for (int64_t bt = 0; bt < batches; bt++) {
        int64_t ao = 0, bo = 0, yo = bt * m.M * m.N;
        for (int d = 0; d < m.brank; d++) ao += idx[d] * m.ast[d], bo += idx[d] * m.bst[d];
        if (Y->dtype == LSTM_DT_FLOAT) {
            lstm__sgemm_mt(k->workers, 0, 0, (int)m.M, (int)m.N, (int)m.K, 1.0f,
                           (const float *)A->data + ao, (int)m.K, (const float *)B->data + bo,
                           (int)m.N, 0.0f, (float *)Y->data + yo, (int)m.N);
        } else {
            for (int64_t i = 0; i < m.M; i++)
                for (int64_t j = 0; j < m.N; j++) {
                    double sf = 0;
                    uint64_t si = 0;
                    for (int64_t q = 0; q < m.K; q++) {
                        size_t ia = (size_t)(ao + i * m.K + q), ib = (size_t)(bo + q * m.N + j);
                        if (fl)
                            sf += lstm__get_f(A, ia) * lstm__get_f(B, ib);
                        else
                            si += (uint64_t)lstm__get_i(A, ia) * (uint64_t)lstm__get_i(B, ib);
                    }
                    if (fl)
                        lstm__put_f(Y, (size_t)(yo + i * m.N + j), sf);
                    else
                        lstm__put_i(Y, (size_t)(yo + i * m.N + j), (int64_t)si);
                }
        }
        for (int d = m.brank - 1; d >= 0; d--) {
            if (++idx[d] < m.bdims[d]) break;
            idx[d] = 0;
        }
    }
    return LSTM_OK;
}
