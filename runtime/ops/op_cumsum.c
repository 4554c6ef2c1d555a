/*
** op_cumsum.c — CumSum 11 (14 adds float16 and bfloat16) and CumProd 26: running sums or
** products along the axis given as an input (0-D or one value, read in prepare), exclusive
** (the first output is 0, or 1) and reverse attributes. float32 in float; float64, float16 and
** bfloat16 in double, each output rounded once (onnxruntime adds float16 in float32); integers
** in 64 bits, wrapping (CumProd: int32, int64, uint32, uint64).
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"

#include <string.h>

int lstm__cumsum_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                       lstm__diag *d)
{
    lstm__cumsum_params *p = params;
    static const char *const names[] = {"exclusive", "reverse", NULL};
    if (lstm__arity(g, n, 2, 2, 1, 1, d) || lstm__attrs_allowed(g, n, since, names, d) ||
        lstm__attr_flag(g, n, "exclusive", 0, &p->exclusive, d) ||
        lstm__attr_flag(g, n, "reverse", 0, &p->reverse, d))
        return d->code;
    return LSTM_OK;
}

int lstm__cumsum_prepare(lstm__kctx *k)
{
    lstm__cumsum_state *st = k->state;
    const lstm__rt *x = k->in[0];
    int64_t axis;
    int n;
    if (!lstm__is_float(x->dtype) && !lstm__is_int(x->dtype))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type %s", lstm__klabel(k),
                          lstm__dtype_name(x->dtype));
    if (k->in[1]->nelem != 1)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: axis has %zu values, expected 1", lstm__klabel(k),
                          k->in[1]->nelem);
    if (lstm__read_ints(k, 1, "axis", &axis, 1, &n)) return k->d->code;
    if (lstm__axis(k, axis, x->rank, &st->axis, "axis")) return k->d->code;
    return lstm__rt_set(k, k->out[0], x->dtype, x->rank, x->dims);
}

/* Running sums (prod 0) or products (prod 1). */
static int scan_run(lstm__kctx *k, int prod)
{
    const lstm__cumsum_params *p = k->params;
    const lstm__cumsum_state *st = k->state;
    const lstm__rt *x = k->in[0];
    lstm__rt *y = k->out[0];
    int a = st->axis;
    int64_t dim = x->dims[a];
    size_t outer = 1, inner = 1;
    for (int i = 0; i < a; i++) outer *= (size_t)x->dims[i];
    for (int i = a + 1; i < x->rank; i++) inner *= (size_t)x->dims[i];
    int fl = lstm__is_float(x->dtype), f32 = x->dtype == LSTM_DT_FLOAT;
    for (size_t o = 0; o < outer; o++)
        for (size_t in = 0; in < inner; in++) {
            size_t base = o * (size_t)dim * inner + in;
            float sf = (float)prod;
            double sd = prod;
            uint64_t si = (uint64_t)prod;
            for (int64_t j = 0; j < dim; j++) {
                int64_t t = p->reverse ? dim - 1 - j : j;
                size_t e = base + (size_t)t * inner;
                if (f32) {
                    float v = ((const float *)x->data)[e];
                    if (!p->exclusive) sf = prod ? sf * v : sf + v;
                    ((float *)y->data)[e] = sf;
                    if (p->exclusive) sf = prod ? sf * v : sf + v;
                } else if (fl) {
                    double v = lstm__get_f(x, e);
                    if (!p->exclusive) sd = prod ? sd * v : sd + v;
                    lstm__put_f(y, e, sd);
                    if (p->exclusive) sd = prod ? sd * v : sd + v;
                } else {
                    uint64_t v = (uint64_t)lstm__get_i(x, e);
                    if (!p->exclusive) si = prod ? si * v : si + v;
                    lstm__put_i(y, e, (int64_t)si);
                    if (p->exclusive) si = prod ? si * v : si + v;
                }
            }
        }
    return LSTM_OK;
}

int lstm__cumsum_run(lstm__kctx *k)
{
    return scan_run(k, 0);
}

/* CumProd 26: CumSum's parse and scan, its own types. */
int lstm__cumprod_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                        lstm__diag *d)
{
    return lstm__cumsum_parse(g, n, since, params, d);
}

int lstm__cumprod_prepare(lstm__kctx *k)
{
    int t = k->in[0]->dtype;
    if (!lstm__is_float(t) && t != LSTM_DT_INT32 && t != LSTM_DT_INT64 && t != LSTM_DT_UINT32 &&
        t != LSTM_DT_UINT64)
        return lstm__errf(k->d, LSTM_EUNSUPPORTED,
                          "%s: x is %s, expected float32, float64, float16, bfloat16, int32, "
                          "int64, uint32 or uint64",
                          lstm__klabel(k), lstm__dtype_name(t));
    if (k->in[1]->dtype != LSTM_DT_INT32 && k->in[1]->dtype != LSTM_DT_INT64)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: axis is %s, expected int32 or int64",
                          lstm__klabel(k), lstm__dtype_name(k->in[1]->dtype));
    return lstm__cumsum_prepare(k);
}

int lstm__cumprod_run(lstm__kctx *k)
{
    return scan_run(k, 1);
}
