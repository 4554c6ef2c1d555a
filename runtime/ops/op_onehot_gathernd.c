/*
** op_onehot_gathernd.c — operators driven by index values:
**   OneHot    9, 11: output = indices' shape with a `depth` axis inserted at `axis` (negative
**             counts from the back, [-r-1, r]); [off, on] from `values` (any type). Indices and
**             depth of any numeric type are cast to int64 (floats truncate; depth is read while
**             preparing: it sets the shape). An index outside [0, depth) (version 9) or
**             [-depth, depth-1] (11, negative ones count from the end) gives all off values.
**   GatherND  11, 12 (batch_dims), 13 (bfloat16): slices of data picked by the index tuples in
**             indices' last axis (int64; negative ones count from the end; an index out of range
**             is an error naming it). Any element type.
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"

#include <math.h>
#include <string.h>

static int numeric(int t)
{
    return lstm__is_float(t) || lstm__is_int(t);
}

/* A numeric element as int64, floats truncated toward zero; NaN and floats beyond int64 give
** INT64_MIN, uint64 values beyond it INT64_MAX (both out of every range here). */
static int64_t as_index(const lstm__rt *t, size_t i)
{
    if (t->dtype == LSTM_DT_UINT64) {
        uint64_t u = ((const uint64_t *)t->data)[i];
        return u > INT64_MAX ? INT64_MAX : (int64_t)u;
    }
    if (!lstm__is_float(t->dtype)) return lstm__get_i(t, i);
    double v = lstm__get_f(t, i);
    return v == v && v > -9223372036854775808.0 && v < 9223372036854775808.0 ? (int64_t)v
                                                                             : INT64_MIN;
}

/* ---- OneHot ---- */
int lstm__onehot_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                       lstm__diag *d)
{
    static const char *const names[] = {"axis", NULL};
    lstm__onehot_params *p = params;
    return lstm__arity(g, n, 3, 3, 1, 1, d) || lstm__attrs_allowed(g, n, since, names, d) ||
           lstm__attr_int(g, n, "axis", -1, &p->axis, d);
}

int lstm__onehot_prepare(lstm__kctx *k)
{
    const lstm__onehot_params *p = k->params;
    lstm__onehot_state *st = k->state;
    const lstm__rt *ix = k->in[0], *dp = k->in[1], *v = k->in[2];
    if (!numeric(ix->dtype) || !numeric(dp->dtype))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED,
                          "%s: unsupported type: indices are %s and depth %s, expected numeric "
                          "types",
                          lstm__klabel(k), lstm__dtype_name(ix->dtype),
                          lstm__dtype_name(dp->dtype));
    if (!lstm__dtype_size(v->dtype))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type %s", lstm__klabel(k),
                          lstm__dtype_name(v->dtype));
    if (ix->rank < 1 || ix->rank >= LSTM__MAX_RANK)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: indices have rank %d, expected 1 to %d",
                          lstm__klabel(k), ix->rank, LSTM__MAX_RANK - 1);
    if (v->rank != 1 || v->nelem != 2)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: values must be [off_value, on_value] (rank 1, 2 elements), it has "
                          "rank %d and %zu elements",
                          lstm__klabel(k), v->rank, v->nelem);
    if (dp->nelem != 1 || dp->rank > 1)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: depth must hold one value, it has %zu",
                          lstm__klabel(k), dp->nelem);
    if (lstm__need_value(k, 1, "depth")) return k->d->code;
    int64_t depth = as_index(dp, 0);
    if (depth < 0)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: depth is %g, expected 0 to 2^63 - 1",
                          lstm__klabel(k), lstm__get_f(dp, 0));
    int64_t a = p->axis < 0 ? p->axis + ix->rank + 1 : p->axis;
    if (a < 0 || a > ix->rank)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: axis %lld is outside [%d, %d] for indices of rank %d",
                          lstm__klabel(k), (long long)p->axis, -ix->rank - 1, ix->rank, ix->rank);
    int64_t dims[LSTM__MAX_RANK];
    for (int i = 0, j = 0; i <= ix->rank; i++) dims[i] = i == a ? depth : ix->dims[j++];
    st->axis = (int)a;
    st->depth = depth;
    return lstm__rt_set(k, k->out[0], v->dtype, ix->rank + 1, dims);
}

int lstm__onehot_run(lstm__kctx *k)
{
    const lstm__onehot_state *st = k->state;
    const lstm__rt *ix = k->in[0], *v = k->in[2];
    lstm__rt *y = k->out[0];
    const size_t es = lstm__dtype_size(v->dtype);
    const char *off = v->data, *on = off + es;
    char *o = y->data;
    const int64_t depth = st->depth, lo = k->since >= 11 ? -depth : 0;
    size_t inner = 1;
    for (int i = st->axis; i < ix->rank; i++) inner *= (size_t)ix->dims[i];
    for (size_t e = 0; e < y->nelem; e++) memcpy(o + e * es, off, es);
    if (!inner) return LSTM_OK;
    for (size_t e = 0; e < ix->nelem; e++) {
        int64_t c = as_index(ix, e);
        if (c < lo || c >= depth) continue; /* all off */
        if (c < 0) c += depth;
        size_t outer = e / inner, in = e % inner;
        memcpy(o + ((outer * (size_t)depth + (size_t)c) * inner + in) * es, on, es);
    }
    return LSTM_OK;
}

/* ---- GatherND ---- */
int lstm__gathernd_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                         lstm__diag *d)
{
    static const char *const v11[] = {NULL}, *const v12[] = {"batch_dims", NULL};
    lstm__gathernd_params *p = params;
    char b[LSTM__LABEL_MAX];
    if (lstm__arity(g, n, 2, 2, 1, 1, d) ||
        lstm__attrs_allowed(g, n, since, since >= 12 ? v12 : v11, d) ||
        lstm__attr_int(g, n, "batch_dims", 0, &p->batch_dims, d))
        return d->code;
    if (p->batch_dims < 0)
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'batch_dims' is %lld, expected 0 or more",
                          lstm__node_ctx(g, n, b, sizeof b), (long long)p->batch_dims);
    return LSTM_OK;
}

int lstm__gathernd_prepare(lstm__kctx *k)
{
    const lstm__gathernd_params *p = k->params;
    const lstm__rt *x = k->in[0], *ix = k->in[1];
    char s1[96], s2[96];
    const int r = x->rank, q = ix->rank, b = (int)p->batch_dims;
    if (!lstm__dtype_size(x->dtype))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type %s", lstm__klabel(k),
                          lstm__dtype_name(x->dtype));
    if (ix->dtype != LSTM_DT_INT64)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: indices are %s, expected int64", lstm__klabel(k),
                          lstm__dtype_name(ix->dtype));
    lstm__dims_str(s1, sizeof s1, r, x->dims);
    lstm__dims_str(s2, sizeof s2, q, ix->dims);
    if (r < 1 || q < 1 || p->batch_dims >= (r < q ? r : q))
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: data %s and indices %s need rank >= 1 and more than batch_dims "
                          "(%lld) axes",
                          lstm__klabel(k), s1, s2, (long long)p->batch_dims);
    const int64_t m = ix->dims[q - 1];
    if (m > r - b)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: index tuples of %lld values (indices %s) address data %s with %d "
                          "axes after batch_dims %d",
                          lstm__klabel(k), (long long)m, s2, s1, r - b, b);
    for (int i = 0; i < b; i++)
        if (ix->dims[i] != x->dims[i])
            return lstm__errf(k->d, LSTM_EINVAL, "%s: batch axis %d differs: data %s, indices %s",
                              lstm__klabel(k), i, s1, s2);
    int64_t dims[LSTM__MAX_RANK];
    int rank = 0;
    for (int i = 0; i < q - 1; i++) dims[rank++] = ix->dims[i];
    if (rank + r - b - (int)m > LSTM__MAX_RANK)
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: the output would have rank %d, at most %d",
                          lstm__klabel(k), rank + r - b - (int)m, LSTM__MAX_RANK);
    for (int i = b + (int)m; i < r; i++) dims[rank++] = x->dims[i];
    return lstm__rt_set(k, k->out[0], x->dtype, rank, dims);
}

int lstm__gathernd_run(lstm__kctx *k)
{
    const lstm__gathernd_params *p = k->params;
    const lstm__rt *x = k->in[0], *ix = k->in[1];
    lstm__rt *y = k->out[0];
    const int r = x->rank, q = ix->rank, b = (int)p->batch_dims;
    const int m = (int)ix->dims[q - 1];
    const size_t es = lstm__dtype_size(x->dtype);
    const int64_t *iv = ix->data;
    /* batches, tuples per batch, the slice each tuple picks and a batch's extent in data */
    size_t nb = 1, slice = 1, batch = 1;
    for (int i = 0; i < b; i++) nb *= (size_t)x->dims[i];
    for (int i = b + m; i < r; i++) slice *= (size_t)x->dims[i];
    for (int i = b; i < r; i++) batch *= (size_t)x->dims[i];
    const size_t tuples = nb ? (ix->nelem / (m ? (size_t)m : 1)) / nb : 0;
    /* Check every index before writing. */
    for (size_t e = 0; m && e < ix->nelem; e++) {
        int64_t dim = x->dims[b + (int)(e % (size_t)m)], v = iv[e];
        if (v < -dim || v >= dim)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: index %lld at %zu (data axis %d) is outside [%lld, %lld]",
                              lstm__klabel(k), (long long)v, e, b + (int)(e % (size_t)m),
                              (long long)-dim, (long long)dim - 1);
    }
    if (!y->nelem) return LSTM_OK;
    if (!m) { /* an empty tuple picks its whole batch */
        size_t per = 1;
        for (int i = b; i < q - 1; i++) per *= (size_t)ix->dims[i];
        for (size_t t = 0; t < nb * per; t++)
            memcpy((char *)y->data + t * batch * es, (const char *)x->data + (t / per) * batch * es,
                   batch * es);
        return LSTM_OK;
    }
    for (size_t t = 0; t < nb * tuples; t++) {
        const int64_t *tup = iv + t * (size_t)m;
        size_t off = 0;
        for (int j = 0; j < m; j++) {
            int64_t dim = x->dims[b + j], v = tup[j] < 0 ? tup[j] + dim : tup[j];
            off = off * (size_t)dim + (size_t)v;
        }
        off = (t / tuples) * batch + off * slice;
        memcpy((char *)y->data + t * slice * es, (const char *)x->data + off * es, slice * es);
    }
    return LSTM_OK;
}
