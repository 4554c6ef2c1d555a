/*
** op_sign.c — the sign, inverse and class of each element: Reciprocal (6; 13 adds bfloat16),
** Sign (9; every numeric type; 13 adds bfloat16), IsNaN (9; 13 and 20 add types) and IsInf (10;
** detect_negative / detect_positive; 20 adds float16 and bfloat16). Versions 1 of Reciprocal
** (consumed_inputs) are refused by the registry. All exact: Reciprocal is one correctly rounded
** division (float16 / bfloat16 divide in float, which rounds to the same value). Sign keeps a
** zero's sign and NaN (as onnxruntime's float32 / float64 Sign and NumPy do).
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"

#include <math.h>
#include <string.h>

enum { S_RECIPROCAL, S_SIGN, S_ISNAN, S_ISINF };

static const char *const names[] = {"Reciprocal", "Sign", "IsNaN", "IsInf"};

static int parse(const lstm__graph *g, const lstm__node *n, int since, void *params, int op,
                 lstm__diag *d)
{
    lstm__unary_params *p = params;
    static const char *const none[] = {NULL}, *const isinf[] = {"detect_negative",
                                                                "detect_positive", NULL};
    int64_t neg, pos;
    memset(p, 0, sizeof *p);
    p->op = op;
    if (lstm__arity(g, n, 1, 1, 1, 1, d) ||
        lstm__attrs_allowed(g, n, since, op == S_ISINF ? isinf : none, d) ||
        lstm__attr_flag(g, n, "detect_negative", 1, &neg, d) ||
        lstm__attr_flag(g, n, "detect_positive", 1, &pos, d))
        return d->code;
    p->neg = neg != 0;
    p->pos = pos != 0;
    return LSTM_OK;
}

static int prepare(lstm__kctx *k)
{
    const lstm__unary_params *p = k->params;
    const lstm__rt *x = k->in[0];
    if (p->op <= S_SIGN) return lstm__unary_prepare(k, names[p->op], p->op == S_SIGN, 0);
    if (!lstm__is_float(x->dtype))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED,
                          "%s: unsupported type %s (%s takes float32, float64, float16 or "
                          "bfloat16)",
                          lstm__klabel(k), lstm__dtype_name(x->dtype), names[p->op]);
    return lstm__rt_set(k, k->out[0], LSTM_DT_BOOL, x->rank, x->dims);
}

static void sign_f32(const lstm__unary_params *p, const float *x, float *y, size_t n)
{
    if (p->op == S_RECIPROCAL)
        for (size_t i = 0; i < n; i++) y[i] = 1.0f / x[i];
    else
        for (size_t i = 0; i < n; i++) y[i] = x[i] > 0 ? 1.0f : x[i] < 0 ? -1.0f : x[i];
}

static double sign_f64(const lstm__unary_params *p, double x)
{
    if (p->op == S_RECIPROCAL) return 1.0 / x;
    return x > 0 ? 1.0 : x < 0 ? -1.0 : x;
}

static int run(lstm__kctx *k)
{
    const lstm__unary_params *p = k->params;
    const lstm__rt *x = k->in[0];
    lstm__rt *y = k->out[0];
    const size_t n = y->nelem;
    if (p->op <= S_SIGN && lstm__is_float(x->dtype)) {
        lstm__unary_floats(p, x, y, sign_f32, sign_f64);
    } else if (p->op == S_SIGN && x->dtype == LSTM_DT_UINT64) {
        const uint64_t *a = x->data;
        uint64_t *o = y->data;
        for (size_t i = 0; i < n; i++) o[i] = a[i] != 0;
    } else if (p->op == S_SIGN) {
        for (size_t i = 0; i < n; i++) {
            int64_t v = lstm__get_i(x, i);
            lstm__put_i(y, i, (v > 0) - (v < 0));
        }
    } else if (x->dtype == LSTM_DT_FLOAT) {
        const float *a = x->data;
        uint8_t *o = y->data;
        if (p->op == S_ISNAN)
            for (size_t i = 0; i < n; i++) o[i] = isnan(a[i]) != 0;
        else
            for (size_t i = 0; i < n; i++)
                o[i] = (p->pos && a[i] == INFINITY) || (p->neg && a[i] == -INFINITY);
    } else {
        uint8_t *o = y->data;
        for (size_t i = 0; i < n; i++) {
            double v = lstm__get_f(x, i);
            o[i] = p->op == S_ISNAN ? isnan(v) != 0
                                    : (p->pos && v == INFINITY) || (p->neg && v == -INFINITY);
        }
    }
    return LSTM_OK;
}

LSTM__OP_FAMILY(lstm__reciprocal, S_RECIPROCAL)
LSTM__OP_FAMILY(lstm__sign, S_SIGN)
LSTM__OP_FAMILY(lstm__isnan, S_ISNAN)
LSTM__OP_FAMILY(lstm__isinf, S_ISINF)
