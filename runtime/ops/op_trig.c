/*
** op_trig.c — element-wise trigonometric and hyperbolic functions: Tan, Asin, Acos, Atan (7),
** Sinh, Cosh, Asinh, Acosh, Atanh (9); version 22 of each adds bfloat16. float32, float16 and
** bfloat16 compute in float with the C library (halves rounded back), float64 in double. Outside
** the domain the C library's answer stands: NaN (Asin(2), Acosh(0.5)) or an infinity
** (Atanh(1)).
*/
#include "ops/op_util.h"
#include "ops/ops.h"

#include <math.h>
#include <string.h>

enum { T_TAN, T_ASIN, T_ACOS, T_ATAN, T_SINH, T_COSH, T_ASINH, T_ACOSH, T_ATANH };

static const char *const names[] = {"Tan",  "Asin",  "Acos",  "Atan", "Sinh",
                                    "Cosh", "Asinh", "Acosh", "Atanh"};

static int parse(const lstm__graph *g, const lstm__node *n, int since, void *params, int op,
                 lstm__diag *d)
{
    lstm__unary_params *p = params;
    static const char *const none[] = {NULL};
    memset(p, 0, sizeof *p);
    p->op = op;
    return lstm__arity(g, n, 1, 1, 1, 1, d) || lstm__attrs_allowed(g, n, since, none, d);
}

static int prepare(lstm__kctx *k)
{
    const lstm__unary_params *p = k->params;
    return lstm__unary_prepare(k, names[p->op], 0, 0);
}

#define LOOP(fn)                                                                                   \
    for (size_t i = 0; i < n; i++) y[i] = fn(x[i]);                                                \
    break

static void trig_f32(const lstm__unary_params *p, const float *x, float *y, size_t n)
{
    switch (p->op) {
    case T_TAN:
        LOOP(tanf);
    case T_ASIN:
        LOOP(asinf);
    case T_ACOS:
        LOOP(acosf);
    case T_ATAN:
        LOOP(atanf);
    case T_SINH:
        LOOP(sinhf);
    case T_COSH:
        LOOP(coshf);
    case T_ASINH:
        LOOP(asinhf);
    case T_ACOSH:
        LOOP(acoshf);
    default:
        LOOP(atanhf);
    }
}

static double trig_f64(const lstm__unary_params *p, double x)
{
    switch (p->op) {
    case T_TAN:
        return tan(x);
    case T_ASIN:
        return asin(x);
    case T_ACOS:
        return acos(x);
    case T_ATAN:
        return atan(x);
    case T_SINH:
        return sinh(x);
    case T_COSH:
        return cosh(x);
    case T_ASINH:
        return asinh(x);
    case T_ACOSH:
        return acosh(x);
    default:
        return atanh(x);
    }
}

static int run(lstm__kctx *k)
{
    lstm__unary_floats(k->params, k->in[0], k->out[0], trig_f32, trig_f64);
    return LSTM_OK;
}

LSTM__OP_FAMILY(lstm__tan, T_TAN)
LSTM__OP_FAMILY(lstm__asin, T_ASIN)
LSTM__OP_FAMILY(lstm__acos, T_ACOS)
LSTM__OP_FAMILY(lstm__atan, T_ATAN)
LSTM__OP_FAMILY(lstm__sinh, T_SINH)
LSTM__OP_FAMILY(lstm__cosh, T_COSH)
LSTM__OP_FAMILY(lstm__asinh, T_ASINH)
LSTM__OP_FAMILY(lstm__acosh, T_ACOSH)
LSTM__OP_FAMILY(lstm__atanh, T_ATANH)
