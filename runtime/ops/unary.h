/* unary.h — parameters and shared helpers of the element-wise unary operators in
** op_activation.c, op_trig.c and op_sign.c (unary.c holds the helpers). */
#ifndef LSTM_UNARY_H
#define LSTM_UNARY_H

#include "kernel.h"

typedef struct lstm__unary_params {
    int op;            /* the file's operator code */
    float alpha, beta; /* Elu, Celu, ThresholdedRelu: alpha; Selu: alpha, gamma;
                       ** Shrink: lambd, bias */
    int tanh;          /* Gelu: approximate="tanh" */
    int neg, pos;      /* IsInf: detect_negative, detect_positive */
} lstm__unary_params;

/* y[i] = f(x[i]) in float for n elements (x may be y). */
typedef void (*lstm__unary_f32)(const lstm__unary_params *p, const float *x, float *y, size_t n);
/* One element in double. */
typedef double (*lstm__unary_f64)(const lstm__unary_params *p, double x);

/* y = f(x) over a float tensor (x may share y's memory): float32 through f32, float16 and
** bfloat16 through f32 in chunks of floats rounded back to the type, float64 through f64. */
void lstm__unary_floats(const lstm__unary_params *p, const lstm__rt *x, lstm__rt *y,
                        lstm__unary_f32 f32, lstm__unary_f64 f64);

/* The output of a same-type unary op: x's type and shape, after checking that x is a float type
** (ints: also an integer type; f32_only: float32 alone). Errors name the node and the types. */
int lstm__unary_prepare(lstm__kctx *k, const char *op, int ints, int f32_only);

#endif
