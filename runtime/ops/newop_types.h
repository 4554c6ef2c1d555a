/* newop_types.h — parameters and node state of TensorScatter (op_tensor_scatter.c),
** NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (op_loss.c), RoiAlign and MaxRoiPool
** (op_roi.c), NonMaxSuppression (op_nms.c). */
#ifndef LSTM_NEWOP_TYPES_H
#define LSTM_NEWOP_TYPES_H

#include "kernel.h"

typedef struct lstm__tscatter_params {
    int64_t axis;
    int circular; /* mode "circular" (else "linear") */
} lstm__tscatter_params;

typedef struct lstm__tscatter_state {
    int axis; /* normalised */
} lstm__tscatter_state;

enum { LSTM__LOSS_NONE, LSTM__LOSS_SUM, LSTM__LOSS_MEAN };

typedef struct lstm__loss_params {
    int softmax;   /* SoftmaxCrossEntropyLoss (else NegativeLogLikelihoodLoss) */
    int reduction; /* LSTM__LOSS_* */
    int has_ignore;
    int64_t ignore_index;
} lstm__loss_params;

typedef struct lstm__roi_params {
    int max_roi_pool;     /* MaxRoiPool (else RoiAlign) */
    int max;              /* RoiAlign mode "max" (else "avg") */
    int half_pixel;       /* RoiAlign coordinate_transformation_mode half_pixel (16's default) */
    int64_t out_h, out_w; /* output_height / output_width, or pooled_shape */
    int64_t sampling_ratio;
    float spatial_scale;
} lstm__roi_params;

typedef struct lstm__nms_params {
    int64_t center; /* center_point_box */
} lstm__nms_params;

#endif
