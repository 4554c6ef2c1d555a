/* misc_types.h — parameters and node state of Pad, TopK, ArgMax / ArgMin, CumSum,
** GatherElements / ScatterElements / ScatterND and the variadic Max / Min / Sum / Mean. */
#ifndef LSTM_MISC_TYPES_H
#define LSTM_MISC_TYPES_H

#include "kernel.h"

enum { LSTM__PAD_CONSTANT, LSTM__PAD_REFLECT, LSTM__PAD_EDGE, LSTM__PAD_WRAP };

typedef struct lstm__pad_params {
    int mode;                         /* LSTM__PAD_* */
    int n;                            /* opset 2: entries of the pads attribute */
    int64_t pads[2 * LSTM__MAX_RANK]; /* opset 2 */
    float value;                      /* opset 2: the constant */
} lstm__pad_params;

/* Per axis: input elements cropped at the start (negative begin pads), elements kept, and the
** elements added before and after them. */
typedef struct lstm__pad_state {
    int64_t crop[LSTM__MAX_RANK], kept[LSTM__MAX_RANK];
    int64_t before[LSTM__MAX_RANK], after[LSTM__MAX_RANK];
    unsigned char value[16]; /* the constant in the data's type (opset 2, or no input) */
} lstm__pad_state;

typedef struct lstm__topk_params {
    int64_t axis, k; /* k: opset 1 attribute */
    int64_t largest, sorted;
} lstm__topk_params;

typedef struct lstm__topk_state {
    int axis;
    int64_t k;
} lstm__topk_state;

typedef struct lstm__arg_params {
    int64_t axis, keepdims, last;
    int min; /* ArgMin */
} lstm__arg_params;

typedef struct lstm__cumsum_params {
    int64_t exclusive, reverse;
} lstm__cumsum_params;

typedef struct lstm__cumsum_state {
    int axis;
} lstm__cumsum_state;

enum { LSTM__RED_NONE, LSTM__RED_ADD, LSTM__RED_MUL, LSTM__RED_MAX, LSTM__RED_MIN };

typedef struct lstm__scatter_params {
    int64_t axis;
    int reduction; /* LSTM__RED_* */
} lstm__scatter_params;

typedef struct lstm__variadic_params {
    int op; /* max, min, sum, mean */
} lstm__variadic_params;

#endif
