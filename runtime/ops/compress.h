/* compress.h — parameters and node state of Compress. */
#ifndef LSTM_COMPRESS_H
#define LSTM_COMPRESS_H

#include <stdint.h>

typedef struct lstm__compress_params {
    int has_axis;
    int64_t axis;
} lstm__compress_params;

typedef struct lstm__compress_state {
    int axis;    /* -1: the flattened input */
    int64_t len; /* condition entries read: min(condition length, axis length) */
} lstm__compress_state;

#endif
