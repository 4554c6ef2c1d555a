/*
** pool_more.h — parameters and node state of LpPool and GlobalLpPool (op_lppool.c), LRN
** (op_lrn.c), MaxUnpool (op_unpool.c), Col2Im (op_col2im.c) and CenterCropPad
** (op_centercrop.c).
*/
#ifndef LSTM_POOL_MORE_H
#define LSTM_POOL_MORE_H

#include "ops/conv.h"

/* ---- LpPool, GlobalLpPool ---- */
typedef struct lstm__lppool_params {
    lstm__win_params w;
    int global;
    double p; /* the norm's order (an int from opset 2, a float at opset 1) */
} lstm__lppool_params;

typedef struct lstm__lppool_state {
    lstm__win w;
    int64_t planes; /* N * C */
} lstm__lppool_state;

/* ---- LRN ---- */
typedef struct lstm__lrn_params {
    float alpha, beta, bias;
    int64_t size;
} lstm__lrn_params;

typedef struct lstm__lrn_state {
    int64_t N, C, S; /* batch, channels, elements per channel and batch item */
} lstm__lrn_state;

/* ---- MaxUnpool ---- */
typedef struct lstm__unpool_params {
    lstm__win_params w; /* kernel_shape, pads, strides */
} lstm__unpool_params;

typedef struct lstm__unpool_state {
    int unused;
} lstm__unpool_state;

/* ---- Col2Im ---- */
typedef struct lstm__col2im_params {
    int nd, np, ns; /* dilations, pads, strides counts (-1 absent) */
    int64_t dilations[LSTM__SP_MAX], pads[2 * LSTM__SP_MAX], strides[LSTM__SP_MAX];
} lstm__col2im_params;

typedef struct lstm__col2im_state {
    int sp;
    int64_t N, C;
    int64_t img[LSTM__SP_MAX], blk[LSTM__SP_MAX], cnt[LSTM__SP_MAX]; /* image, block, blocks */
    int64_t d[LSTM__SP_MAX], s[LSTM__SP_MAX], pb[LSTM__SP_MAX];
    int64_t kk, L, pix; /* block elements, block positions, image elements */
} lstm__col2im_state;

/* ---- CenterCropPad ---- */
typedef struct lstm__ccp_params {
    int n; /* axes attribute count; -1 when absent */
    int64_t axes[LSTM__MAX_RANK];
} lstm__ccp_params;

typedef struct lstm__ccp_state {
    /* per axis: first input index kept (crop), output elements before the input (pad), kept */
    int64_t crop[LSTM__MAX_RANK], before[LSTM__MAX_RANK], kept[LSTM__MAX_RANK];
} lstm__ccp_state;

#endif
