/* grid_types.h — parameters and node state of GridSample, AffineGrid, Unique and Det. */
#ifndef LSTM_GRID_TYPES_H
#define LSTM_GRID_TYPES_H

#include "kernel.h"

enum { LSTM__GS_LINEAR, LSTM__GS_NEAREST, LSTM__GS_CUBIC };
enum { LSTM__GS_ZEROS, LSTM__GS_BORDER, LSTM__GS_REFLECTION };

typedef struct lstm__gridsample_params {
    int mode;    /* LSTM__GS_* */
    int padding; /* LSTM__GS_ZEROS... */
    int align;   /* align_corners */
} lstm__gridsample_params;

typedef struct lstm__affine_grid_params {
    int align;
} lstm__affine_grid_params;

/* The spatial sizes size gives, outermost first (D, H, W or H, W). */
typedef struct lstm__affine_grid_state {
    int r;
    int64_t len[3];
} lstm__affine_grid_state;

typedef struct lstm__unique_params {
    int has_axis;
    int64_t axis, sorted;
} lstm__unique_params;

#endif
