/* quant.h — parameters and node state of QuantizeLinear, DequantizeLinear (10, 13, 19, 21, 23),
** DynamicQuantizeLinear (11) and MatMulInteger (10). */
#ifndef LSTM_QUANT_H
#define LSTM_QUANT_H

#include "ops/op_util.h"

typedef struct lstm__quant_params {
    int dequant;        /* DequantizeLinear */
    int64_t axis;       /* 13+ */
    int64_t block_size; /* 21+: 0 unless blocked */
    int out_dtype;      /* output_dtype (Q 21+, DQ 23+); 0 when absent */
    int precision;      /* Q 23+: the division's type; 0 when absent */
} lstm__quant_params;

/* How the scale (and zero point) maps onto x, seen as [outer, dim, inner] around the axis. */
enum { LSTM__QG_TENSOR, LSTM__QG_AXIS, LSTM__QG_BLOCK };

/* The type the quotient x / scale is computed in. */
enum { LSTM__QC_F32, LSTM__QC_F64, LSTM__QC_F16, LSTM__QC_BF16 };

typedef struct lstm__quant_state {
    int gran;                 /* LSTM__QG_* */
    int calc;                 /* QuantizeLinear: LSTM__QC_* */
    size_t outer, dim, inner; /* x around the axis (per-tensor: 1, nelem, 1) */
    size_t block;             /* elements of the axis per scale (per-axis: 1) */
    size_t sdim;              /* the scale's extent along the axis */
    int64_t qmin, qmax;       /* QuantizeLinear: the output type's range */
} lstm__quant_state;

/* MatMulInteger: numpy matmul shapes (1-D promotion, broadcast batches) and the zero points'
** layout: none, one value, or per row of A / per column of B (following A's / B's batches). */
typedef struct lstm__mmi_state {
    lstm__mm_shape s;
    int azp, bzp; /* 0: none, 1: one value, 2: per row / per column */
} lstm__mmi_state;

#endif
