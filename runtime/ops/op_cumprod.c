/*
** op_cumprod.c — CumProd 26: running products along the axis given as an input (0-D or one
** value, int32 or int64, read in prepare), exclusive (the first product is 1) and reverse
** attributes, as CumSum (op_cumsum.c). Types: float32 (multiplied in float), float64, float16,
** bfloat16 (in double, each output rounded once), int32, int64, uint32, uint64 (in 64 bits,
** wrapping).
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"

#include <string.h>

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
            float pf = 1;
            double pd = 1;
            uint64_t pi = 1;
            for (int64_t j = 0; j < dim; j++) {
                int64_t t = p->reverse ? dim - 1 - j : j;
                size_t e = base + (size_t)t * inner;
                if (f32) {
                    float v = ((const float *)x->data)[e];
                    if (!p->exclusive) pf *= v;
                    ((float *)y->data)[e] = pf;
                    if (p->exclusive) pf *= v;
                } else if (fl) {
                    double v = lstm__get_f(x, e);
                    if (!p->exclusive) pd *= v;
                    lstm__put_f(y, e, pd);
                    if (p->exclusive) pd *= v;
                } else {
                    uint64_t v = (uint64_t)lstm__get_i(x, e);
                    if (!p->exclusive) pi *= v;
                    lstm__put_i(y, e, (int64_t)pi);
                    if (p->exclusive) pi *= v;
                }
            }
        }
    return LSTM_OK;
}
