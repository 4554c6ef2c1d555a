/*
** op_bitcast.c — BitCast 26: the input's bytes (little endian, as this runtime holds them)
** reinterpreted as element type `to` (required) of the same width; the shape is kept. Types:
** those this runtime holds (float32, float64, float16, bfloat16, int8-64, uint8-64, bool);
** others (string, complex, float8, 4- and 2-bit types) are refused by name. A byte other than
** 0 or 1 cast to bool is kept as it is (a true value).
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"

#include <string.h>

static int held(int t)
{
    return lstm__is_float(t) || lstm__is_int(t) || t == LSTM_DT_BOOL;
}

int lstm__bitcast_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                        lstm__diag *d)
{
    lstm__cast_params *p = params;
    static const char *const names[] = {"to", NULL};
    char b[LSTM__LABEL_MAX];
    int64_t to;
    if (lstm__arity(g, n, 1, 1, 1, 1, d) || lstm__attrs_allowed(g, n, since, names, d) ||
        lstm__attr_int(g, n, "to", -1, &to, d))
        return d->code;
    if (to < 0)
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'to' is required",
                          lstm__node_ctx(g, n, b, sizeof b));
    if (to > 100 || !held((int)to))
        return lstm__errf(d, LSTM_EUNSUPPORTED, "%s: unsupported type: bit cast to %s",
                          lstm__node_ctx(g, n, b, sizeof b), lstm__dtype_name((int)to));
    p->to = (int)to;
    return LSTM_OK;
}

int lstm__bitcast_prepare(lstm__kctx *k)
{
    const lstm__cast_params *p = k->params;
    const lstm__rt *x = k->in[0];
    if (!held(x->dtype))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type: bit cast from %s",
                          lstm__klabel(k), lstm__dtype_name(x->dtype));
    if (lstm__dtype_size(x->dtype) != lstm__dtype_size(p->to))
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: input is %s (%zu bits), 'to' is %s (%zu bits): the widths must "
                          "be equal",
                          lstm__klabel(k), lstm__dtype_name(x->dtype),
                          lstm__dtype_size(x->dtype) * 8, lstm__dtype_name(p->to),
                          lstm__dtype_size(p->to) * 8);
    return lstm__rt_set(k, k->out[0], p->to, x->rank, x->dims);
}

int lstm__bitcast_run(lstm__kctx *k)
{
    const lstm__rt *x = k->in[0];
    lstm__rt *y = k->out[0];
    if (x->nbytes && y->data != x->data) memcpy(y->data, x->data, x->nbytes);
    return LSTM_OK;
}
