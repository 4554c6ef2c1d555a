/* qlinear.h — node state of QLinearMatMul (10, 21) and the requantization it shares. */
#ifndef LSTM_QLINEAR_H
#define LSTM_QLINEAR_H

#include "ops/op_util.h"

/* QLinearMatMul: numpy matmul shapes, the layouts of a's and b's scale and zero point (1: one
** value, 2: per row of a / per column of b) and a's / b's batch strides counted in matrices. */
typedef struct lstm__qlmm_state {
    lstm__mm_shape s;
    int ap, bp;
    int64_t abst[LSTM__MAX_RANK], bbst[LSTM__MAX_RANK];
} lstm__qlmm_state;

/* y[i] = saturate(round_half_even(float(acc[i]) * mult[per_elem ? i : 0]) + zp) into int8 or
** uint8 y (out_dtype), onnxruntime's requantization (NaN -> the type's minimum). */
void lstm__qlin_requant(const uint32_t *acc, size_t n, const float *mult, int per_elem,
                        int out_dtype, int32_t zp, void *y);

#endif
