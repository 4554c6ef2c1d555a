/*
** op_compress.c — Compress 9, 11 (11 allows a negative axis): the slices along `axis` (or the
** elements of the flattened input when axis is absent) whose entry of the 1-D bool condition is
** true. A condition shorter than the axis selects among its first entries only; entries past
** the axis's length are ignored, as onnxruntime does (the spec speaks only of shorter ones).
** The condition's values give the output's shape, so they are read in prepare.
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"

#include <string.h>

int lstm__compress_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                         lstm__diag *d)
{
    lstm__compress_params *p = params;
    static const char *const names[] = {"axis", NULL};
    char b[LSTM__LABEL_MAX];
    if (lstm__arity(g, n, 2, 2, 1, 1, d) || lstm__attrs_allowed(g, n, since, names, d) ||
        lstm__attr_int(g, n, "axis", 0, &p->axis, d))
        return d->code;
    p->has_axis = lstm__attr_find(n, "axis") != NULL;
    if (p->has_axis && p->axis < 0 && since < 11)
        return lstm__errf(d, LSTM_EMODEL, "%s: axis %lld is negative (allowed from opset 11)",
                          lstm__node_ctx(g, n, b, sizeof b), (long long)p->axis);
    return LSTM_OK;
}

int lstm__compress_prepare(lstm__kctx *k)
{
    const lstm__compress_params *p = k->params;
    lstm__compress_state *st = k->state;
    const lstm__rt *x = k->in[0], *c = k->in[1];
    char sb[64];
    if (!lstm__dtype_size(x->dtype))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type %s", lstm__klabel(k),
                          lstm__dtype_name(x->dtype));
    if (c->dtype != LSTM_DT_BOOL || c->rank != 1)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: condition is %s %s, expected a 1-D bool tensor",
                          lstm__klabel(k), lstm__dtype_name(c->dtype),
                          lstm__dims_str(sb, sizeof sb, c->rank, c->dims));
    int64_t full = (int64_t)x->nelem;
    st->axis = -1;
    if (p->has_axis) {
        if (lstm__axis(k, p->axis, x->rank, &st->axis, "axis")) return k->d->code;
        full = x->dims[st->axis];
    }
    if (lstm__need_value(k, 1, "condition")) return k->d->code;
    st->len = c->dims[0] < full ? c->dims[0] : full;
    int64_t count = 0, dims[LSTM__MAX_RANK];
    for (int64_t i = 0; i < st->len; i++) count += ((const uint8_t *)c->data)[i] != 0;
    if (st->axis < 0) return lstm__rt_set(k, k->out[0], x->dtype, 1, &count);
    memcpy(dims, x->dims, sizeof dims);
    dims[st->axis] = count;
    return lstm__rt_set(k, k->out[0], x->dtype, x->rank, dims);
}

int lstm__compress_run(lstm__kctx *k)
{
    const lstm__compress_state *st = k->state;
    const lstm__rt *x = k->in[0];
    const uint8_t *cond = k->in[1]->data;
    lstm__rt *y = k->out[0];
    size_t es = lstm__dtype_size(x->dtype), outer = 1, inner = 1, dim = x->nelem;
    if (st->axis >= 0) {
        dim = (size_t)x->dims[st->axis];
        for (int i = 0; i < st->axis; i++) outer *= (size_t)x->dims[i];
        for (int i = st->axis + 1; i < x->rank; i++) inner *= (size_t)x->dims[i];
    }
    const char *src = x->data;
    char *dst = y->data;
    size_t slice = inner * es;
    if (!y->nelem || !slice) return LSTM_OK;
    for (size_t o = 0; o < outer; o++)
        for (int64_t i = 0; i < st->len; i++)
            if (cond[i]) {
                memcpy(dst, src + (o * dim + (size_t)i) * slice, slice);
                dst += slice;
            }
    return LSTM_OK;
}
