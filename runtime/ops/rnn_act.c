/*
** rnn_act.c — activation functions (spec formulas; NaN propagates):
**   Relu max(0,x)  Tanh  Sigmoid 1/(1+e^-x)  Affine a*x+b  LeakyRelu x<0 ? a*x : x
**   ThresholdedRelu x>a ? x : 0  ScaledTanh a*tanh(b*x)  HardSigmoid min(max(a*x+b,0),1)
**   Elu x<0 ? a*(e^x-1) : x  Softsign x/(1+|x|)  Softplus log(1+e^x)
*/
#include "ops/rnn_act.h"
#include "simd/simd.h"

#include <math.h>

static inline float softplus(float x)
{
    return x > 0 ? x + log1pf(expf(-x)) : log1pf(expf(x));
}

float lstm__act_one(const lstm__act *a, float x)
{
    lstm__act_apply(a, &x, 1);
    return x;
}

void lstm__act_apply(const lstm__act *a, float *x, int n)
{
    lstm__act_apply_isa(lstm__isa(), a, x, n);
}

void lstm__act_apply_isa(int isa, const lstm__act *a, float *x, int n)
{
    const float al = a->alpha, be = a->beta;
    switch (a->kind) {
    case LSTM__ACT_RELU:
        for (int i = 0; i < n; i++) x[i] = x[i] < 0 ? 0.0f : x[i];
        break;
    case LSTM__ACT_TANH:
        lstm__vtanh(isa, x, n);
        break;
    case LSTM__ACT_SIGMOID:
        lstm__vsigmoid(isa, x, n);
        break;
    case LSTM__ACT_AFFINE:
        for (int i = 0; i < n; i++) x[i] = al * x[i] + be;
        break;
    case LSTM__ACT_LEAKYRELU:
        for (int i = 0; i < n; i++) x[i] = x[i] < 0 ? al * x[i] : x[i];
        break;
    case LSTM__ACT_THRESHOLDEDRELU:
        for (int i = 0; i < n; i++) x[i] = x[i] > al ? x[i] : (isnan(x[i]) ? x[i] : 0.0f);
        break;
    case LSTM__ACT_SCALEDTANH:
        for (int i = 0; i < n; i++) x[i] = al * tanhf(be * x[i]);
        break;
    case LSTM__ACT_HARDSIGMOID:
        for (int i = 0; i < n; i++) {
            float v = al * x[i] + be;
            x[i] = v < 0 ? 0.0f : v > 1 ? 1.0f : v;
        }
        break;
    case LSTM__ACT_ELU:
        for (int i = 0; i < n; i++) x[i] = x[i] < 0 ? al * expm1f(x[i]) : x[i];
        break;
    case LSTM__ACT_SOFTSIGN:
        for (int i = 0; i < n; i++) x[i] = x[i] / (1.0f + fabsf(x[i]));
        break;
    case LSTM__ACT_SOFTPLUS:
        for (int i = 0; i < n; i++) x[i] = softplus(x[i]);
        break;
    default:
        break;
    }
}
