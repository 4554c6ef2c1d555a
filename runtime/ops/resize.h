/* resize.h — parameters and node state of Resize (10, 11, 13, 18, 19) and Upsample (7, 9). */
#ifndef LSTM_RESIZE_H
#define LSTM_RESIZE_H

#include "kernel.h"

enum { LSTM__RS_NEAREST, LSTM__RS_LINEAR, LSTM__RS_CUBIC };
/* coordinate_transformation_mode */
enum {
    LSTM__RS_HALF_PIXEL,
    LSTM__RS_ASYMMETRIC,
    LSTM__RS_PYTORCH_HALF_PIXEL,
    LSTM__RS_TF_HALF_PIXEL_FOR_NN,
    LSTM__RS_ALIGN_CORNERS,
    LSTM__RS_TF_CROP_AND_RESIZE,
    LSTM__RS_HALF_PIXEL_SYMMETRIC
};
/* nearest_mode; SIMPLE is Resize 10 and Upsample (ceil when the axis shrinks, else truncate). */
enum {
    LSTM__RS_SIMPLE,
    LSTM__RS_PREFER_FLOOR,
    LSTM__RS_PREFER_CEIL,
    LSTM__RS_FLOOR,
    LSTM__RS_CEIL
};
/* keep_aspect_ratio_policy */
enum { LSTM__RS_STRETCH, LSTM__RS_NOT_LARGER, LSTM__RS_NOT_SMALLER };

typedef struct lstm__resize_params {
    int upsample; /* the node is Upsample */
    int mode, coord, nearest, policy;
    int exclude_outside, antialias;
    float cubic_a, extrapolation;
    int n_scales; /* Upsample 7: the scales attribute */
    float scales[LSTM__MAX_RANK];
    int n_axes; /* 18+: the axes attribute, -1 when absent */
    int64_t axes[LSTM__MAX_RANK];
} lstm__resize_params;

/* What prepare works out for a set of input shapes: per axis the scale the coordinate
** formulas use and the roi; the axes that change (pass order) and the scratch layout. */
typedef struct lstm__resize_state {
    float scale[LSTM__MAX_RANK], roi_lo[LSTM__MAX_RANK], roi_hi[LSTM__MAX_RANK];
    int n_pass, pass[LSTM__MAX_RANK]; /* axes resized, in order */
    int taps[LSTM__MAX_RANK];         /* per output index of each pass's axis */
    int convert;                      /* float16 / bfloat16 interpolated in float32 */
    size_t tap_off[LSTM__MAX_RANK];   /* byte offset of each pass's table in scratch */
    size_t buf_off[2], buf_bytes;     /* the two intermediate tensors */
    unsigned char fill[16];           /* extrapolation_value in the data's type */
} lstm__resize_state;

#endif
