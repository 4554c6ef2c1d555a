/* quant_contrib.h — node state of the com.microsoft operators onnxruntime's dynamic quantizer
** writes: DynamicQuantizeLSTM (rnn_dq.c), DynamicQuantizeMatMul and MatMulIntegerToFloat
** (op_dqmatmul.c), and the dynamic quantization of a float block they share. */
#ifndef LSTM_QUANT_CONTRIB_H
#define LSTM_QUANT_CONTRIB_H

#include "ops/op_util.h"
#include "ops/rnn.h"

/* onnxruntime's dynamic quantization of n floats to uint8: the range [min(x, 0), max(x, 0)]
** over 255 steps (scale 1 for an all-zero block), the zero point 0 - min / scale clamped to
** [0, 255] and rounded half to even. */
void lstm__dq_params(const float *x, size_t n, float *scale, int32_t *zp);
/* q = clamp(round_half_even(x / scale) + zp, 0, 255) less zp, as int16, for n floats. */
void lstm__dq_less_zp(const float *x, size_t n, float scale, int32_t zp, int16_t *out);

/* lstm__mm_i16 (simd.h) split by column panels over a session's threads when M*N*K reaches
** min_work (LSTM__SPLIT_ONCE or _STEP); w may be NULL. Exact either way. */
struct lstm__workers;
void lstm__mm_i16_mt(struct lstm__workers *w, double min_work, int isa, int M, int N, int K,
                     const int16_t *A, int lda, const int16_t *Bp, uint32_t *C, int ldc);

/* lstm__mm8 (simd.h) over every column, split by column panels as lstm__mm_i16_mt. */
void lstm__mm8_mt(struct lstm__workers *w, double min_work, int isa, int M, int N, int K,
                  const uint8_t *A, int lda, int32_t za, const int8_t *Bp, const int32_t *ct,
                  const int32_t *zb, uint32_t *C, int ldc);

/* DynamicQuantizeLSTM: scratch slots. */
enum {
    DQ_S_LENS,
    DQ_S_XG,
    DQ_S_ACC,
    DQ_S_XW,
    DQ_S_HQ,
    DQ_S_RG,
    DQ_S_TMP,
    DQ_S_H,
    DQ_S_C,
    DQ_S_BIAS,
    DQ_S_MW,
    DQ_S_MR,
    DQ_S_WP,
    DQ_S_RP,
    DQ_S_T16,
    DQ_S_ZP,
    DQ_S_TRACE,
    DQ_S_COUNT
};

typedef struct lstm__dqlstm_state {
    lstm__rnn_dims z;
    int64_t chunk;      /* steps whose input product is computed at a time */
    int ws_per, rs_per; /* W_scale / R_scale: 1 per column (4H per direction), else 0 */
    int wz_per, rz_per; /* the same for the zero points */
    size_t off[DQ_S_COUNT + 1];
} lstm__dqlstm_state;

/* W and R less their zero points, packed for lstm__mm_i16 (simd.h) per direction at load. */
typedef struct lstm__dqlstm_pack {
    const int16_t *w[2]; /* K = input_size, N = 4 * hidden_size */
    const int16_t *r[2]; /* K = hidden_size */
    /* eight: packed for the 8-bit product instead (lstm__pack8) */
    int eight;
    const int8_t *w8[2], *r8[2];
    const int32_t *wct[2], *wzp[2], *rct[2], *rzp[2]; /* lstm__pack8's ct and zb_out */
} lstm__dqlstm_pack;

int lstm__dqlstm_op_pack(lstm__graph *g, lstm__node *n, lstm__diag *d);

/* DynamicQuantizeMatMul and MatMulIntegerToFloat. Scale layouts: per tensor, per column of B
** (2-D B: [N]; else B's shape with K = 1), or a tensor broadcast onto Y and multiplied in after
** the bias (what onnxruntime does with any other shape). */
enum { LSTM__DQS_ONE = 1, LSTM__DQS_COL, LSTM__DQS_BCAST };

typedef struct lstm__dqmm_state {
    lstm__mm_shape s;
    int a_in, b_in; /* inputs holding the scale used as A's and as B's (MatMulIntegerToFloat
                    ** swaps them as onnxruntime does), -1 for none */
    int as, bs, bz; /* layouts of a's scale (ONE or BCAST), b's scale and b's zero point
                    ** (0: absent) */
    int64_t bbst[LSTM__MAX_RANK]; /* B's batch strides in matrices (0 where broadcast) */
} lstm__dqmm_state;

int lstm__itf_op_pack(lstm__graph *g, lstm__node *n, lstm__diag *d);

#endif
