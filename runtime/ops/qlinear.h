/* qlinear.h — node state of QLinearMatMul (10, 21), ConvInteger and QLinearConv (10), and the
** integer product and requantization they share. */
#ifndef LSTM_QLINEAR_H
#define LSTM_QLINEAR_H

#include "ops/conv.h"
#include "ops/op_util.h"

/* QLinearMatMul: numpy matmul shapes, the layouts of a's and b's scale and zero point (1: one
** value, 2: per row of a / per column of b) and a's / b's batch strides counted in matrices. */
typedef struct lstm__qlmm_state {
    lstm__mm_shape s;
    int ap, bp;
    int64_t abst[LSTM__MAX_RANK], bbst[LSTM__MAX_RANK];
} lstm__qlmm_state;

/* Input idx is int8 or uint8 (like: the input whose type it must share, named like_what, or -1);
** errors name the node and the input (what). */
int lstm__qlin_input(lstm__kctx *k, int idx, const char *what, int like, const char *like_what);

/* The matrix x[rows, cols] (int8 or uint8, from element off) less its zero points (zp[row] when
** per_row, else zp[col]) into out. */
void lstm__qlin_less_zp(const lstm__rt *x, size_t off, size_t rows, size_t cols, const int32_t *zp,
                        int per_row, int16_t *out);

/* A constant 2-D int8 / uint8 B less its constant zero point (absent, one value or one per
** column), packed at load for lstm__mm_i16 (n->packed). */
typedef struct lstm__qpack {
    int K, N;
    const int16_t *data;
    /* Where the set has an 8-bit product (lstm__mm8_available): B packed for it instead (data
    ** NULL), with its columns' terms and zero points (simd.h: lstm__pack8). */
    const int8_t *b8;
    const int32_t *ct, *zb;
} lstm__qpack;
/* acc [M x N] = (A - za[row]) (B - zb) for the M rows of K 8-bit values at a (int8 when
** a_signed, else uint8; lda = K), B packed at load (pk) or, when pk is NULL, as int16 in bp;
** za: M values, changed here. a16: M x K int16 of scratch (the 8-bit product uses its bytes). */
void lstm__qlin_product(const void *a, int a_signed, int M, int N, int K, int32_t *za,
                        const lstm__qpack *pk, const int16_t *bp, int16_t *a16, uint32_t *acc);
/* Pack hooks: MatMulInteger's B (input 1, zero point 3), QLinearMatMul's b (3, zero point 5).
** Nodes whose B or zero point is not such a constant are left to the run. LSTM_ENOMEM only. */
int lstm__matmul_int_op_pack(lstm__graph *g, lstm__node *n, lstm__diag *d);
/* The same for B at input bi with its zero point at input zi. */
int lstm__qlin_pack_b(lstm__graph *g, lstm__node *n, int bi, int zi, lstm__diag *d);
int lstm__qlinear_matmul_op_pack(lstm__graph *g, lstm__node *n, lstm__diag *d);

/* ConvInteger (10) and QLinearConv (10): the window geometry (conv.h), channels and the scratch
** slices. */
typedef struct lstm__convq_state {
    lstm__win w;
    int64_t N, C, M, G, Cg, Mg, K; /* K: Cg x kernel elements, the GEMM's inner size */
    /* bytes into scratch (col: packed, simd.h; rows: two unfolded rows on their way there) */
    size_t w_off, col_off, acc_off, rows_off, mult_off;
} lstm__convq_state;

/* y[i] = saturate(round_half_even(float(acc[i]) * mult[per_elem ? i : 0]) + zp) into int8 or
** uint8 y (out_dtype), onnxruntime's requantization (NaN -> the type's minimum). */
void lstm__qlin_requant(const uint32_t *acc, size_t n, const float *mult, int per_elem,
                        int out_dtype, int32_t zp, void *y);

#endif
