/*
** op_swish.c — Swish (24): y = x * sigmoid(alpha * x), alpha a float attribute (default 1).
** float32, float16 and bfloat16 compute in float (halves rounded back once), float64 in double
** (unary.c). As the formula is written: Swish(-inf) is NaN for alpha > 0 (-inf * 0), and
** alpha = 0 gives x / 2 (NaN for an infinite x, as 0 * inf is NaN).
*/
#include "ops/op_util.h"
#include "ops/ops.h"

#include <math.h>
#include <string.h>

int lstm__swish_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                      lstm__diag *d)
{
    lstm__unary_params *p = params;
    static const char *const names[] = {"alpha", NULL};
    memset(p, 0, sizeof *p);
    if (lstm__arity(g, n, 1, 1, 1, 1, d) || lstm__attrs_allowed(g, n, since, names, d) ||
        lstm__attr_float(g, n, "alpha", 1.0f, &p->alpha, d))
        return d->code;
    return LSTM_OK;
}

int lstm__swish_prepare(lstm__kctx *k)
{
    return lstm__unary_prepare(k, "Swish", 0, 0);
}

static void swish_f32(const lstm__unary_params *p, const float *x, float *y, size_t n)
{
    const float a = p->alpha;
    for (size_t i = 0; i < n; i++) y[i] = x[i] * (1.0f / (1.0f + expf(-(a * x[i]))));
}

static double swish_f64(const lstm__unary_params *p, double x)
{
    return x * (1.0 / (1.0 + exp(-((double)p->alpha * x))));
}

int lstm__swish_run(lstm__kctx *k)
{
    lstm__unary_floats(k->params, k->in[0], k->out[0], swish_f32, swish_f64);
    return LSTM_OK;
}
