/*
** op_scatter.c — operators indexed by a tensor of indices:
**   GatherElements   11 (13 adds bfloat16)
**   Scatter          9 (deprecated in 11): ScatterElements under its first name
**   ScatterElements  11, 16 (reduction none / add / mul), 18 (max / min)
**   ScatterND        11, 16 (reduction none / add / mul), 18 (max / min)
** Indices are int32 or int64; negative ones count from the end; every index is checked before
** anything is written. Updates of one position apply in order (with reduction none the last
** wins). Any element type moves; reductions need a numeric type (floats reduce in double and
** round to the type, float32 directly; integers in int64 with wrap-around). max / min keep
** the current value unless the update compares greater / less (as std::max / std::min).
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"

#include <string.h>

static int64_t index_at(const lstm__rt *ix, size_t i)
{
    return ix->dtype == LSTM_DT_INT64 ? ((const int64_t *)ix->data)[i]
                                      : ((const int32_t *)ix->data)[i];
}

static int index_type(lstm__kctx *k, const lstm__rt *ix)
{
    if (ix->dtype == LSTM_DT_INT64 || ix->dtype == LSTM_DT_INT32) return LSTM_OK;
    return lstm__errf(k->d, LSTM_EINVAL, "%s: indices are %s, expected int32 or int64",
                      lstm__klabel(k), lstm__dtype_name(ix->dtype));
}

static int storable(lstm__kctx *k, const lstm__rt *t)
{
    if (lstm__dtype_size(t->dtype)) return LSTM_OK;
    return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type %s", lstm__klabel(k),
                      lstm__dtype_name(t->dtype));
}

static int bad_index(lstm__kctx *k, int64_t v, size_t at, int64_t dim)
{
    return lstm__errf(k->d, LSTM_EINVAL, "%s: index %lld at %zu is outside [%lld, %lld]",
                      lstm__klabel(k), (long long)v, at, (long long)-dim, (long long)dim - 1);
}

/* The axis of an Elements op and its extent in x; every index checked against it. */
static int element_axis(lstm__kctx *k, const lstm__rt *x, const lstm__rt *ix, int *a, int64_t *dim)
{
    const lstm__scatter_params *p = k->params;
    *a = (int)(p->axis < 0 ? p->axis + x->rank : p->axis);
    *dim = x->dims[*a];
    for (size_t e = 0; e < ix->nelem; e++) {
        int64_t v = index_at(ix, e);
        if (v < -*dim || v >= *dim) return bad_index(k, v, e, *dim);
    }
    return LSTM_OK;
}

/* Indices shaped like the data (same rank, no dim larger except along axis). */
static int like_data(lstm__kctx *k, const lstm__rt *x, const lstm__rt *ix, int axis)
{
    char s1[96], s2[96];
    if (ix->rank != x->rank)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: indices have rank %d, data rank %d",
                          lstm__klabel(k), ix->rank, x->rank);
    for (int i = 0; i < x->rank; i++)
        if (i != axis && ix->dims[i] > x->dims[i])
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: indices of shape %s do not fit data of shape %s (axis %d)",
                              lstm__klabel(k), lstm__dims_str(s1, sizeof s1, ix->rank, ix->dims),
                              lstm__dims_str(s2, sizeof s2, x->rank, x->dims), i);
    return LSTM_OK;
}

/* Offset in data of the element at the index position of e (odometer idx), with the axis
** coordinate replaced by v. */
static size_t data_offset(const lstm__rt *x, const int64_t *idx, int axis, int64_t v)
{
    size_t off = 0;
    for (int i = 0; i < x->rank; i++)
        off = off * (size_t)x->dims[i] + (size_t)(i == axis ? v : idx[i]);
    return off;
}

static void step(int64_t *idx, const lstm__rt *t)
{
    for (int i = t->rank - 1; i >= 0; i--) {
        if (++idx[i] < t->dims[i]) break;
        idx[i] = 0;
    }
}

/* ---- GatherElements ---- */
int lstm__gather_elements_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                                lstm__diag *d)
{
    lstm__scatter_params *p = params;
    static const char *const names[] = {"axis", NULL};
    memset(p, 0, sizeof *p);
    return lstm__arity(g, n, 2, 2, 1, 1, d) || lstm__attrs_allowed(g, n, since, names, d) ||
           lstm__attr_int(g, n, "axis", 0, &p->axis, d);
}

int lstm__gather_elements_prepare(lstm__kctx *k)
{
    const lstm__scatter_params *p = k->params;
    const lstm__rt *x = k->in[0], *ix = k->in[1];
    int a;
    if (storable(k, x) || index_type(k, ix) || lstm__axis(k, p->axis, x->rank, &a, "axis") ||
        like_data(k, x, ix, a))
        return k->d->code;
    return lstm__rt_set(k, k->out[0], x->dtype, ix->rank, ix->dims);
}

int lstm__gather_elements_run(lstm__kctx *k)
{
    const lstm__rt *x = k->in[0], *ix = k->in[1];
    int a;
    int64_t dim, idx[LSTM__MAX_RANK] = {0};
    int rc = element_axis(k, x, ix, &a, &dim);
    if (rc) return rc;
    size_t es = lstm__dtype_size(x->dtype);
    char *y = k->out[0]->data;
    for (size_t e = 0; e < ix->nelem; e++, step(idx, ix)) {
        int64_t v = index_at(ix, e);
        size_t off = data_offset(x, idx, a, v < 0 ? v + dim : v);
        memcpy(y + e * es, (const char *)x->data + off * es, es);
    }
    return LSTM_OK;
}

/* ---- reductions shared by the scatters ---- */
static int parse_reduction(const lstm__graph *g, const lstm__node *n, int since,
                           lstm__scatter_params *p, lstm__diag *d)
{
    const lstm__attr *r = lstm__attr_find(n, "reduction");
    char b[LSTM__LABEL_MAX];
    p->reduction = LSTM__RED_NONE;
    if (!r) return LSTM_OK;
    if (r->type != LSTM__A_STRING)
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'reduction' must be a string",
                          lstm__node_ctx(g, n, b, sizeof b));
    static const char *const names[] = {"none", "add", "mul", "max", "min"};
    for (int i = 0; i < 5; i++)
        if (strcmp(r->s, names[i]) == 0 && (i < 3 || since >= 18)) {
            p->reduction = i;
            return LSTM_OK;
        }
    return lstm__errf(d, LSTM_EMODEL,
                      "%s: attribute 'reduction' is '%.40s', expected none, add, %s",
                      lstm__node_ctx(g, n, b, sizeof b), r->s,
                      since >= 18 ? "mul, max or min" : "or mul (max and min from opset 18)");
}

static int reduce_type(lstm__kctx *k, const lstm__rt *x)
{
    const lstm__scatter_params *p = k->params;
    if (p->reduction == LSTM__RED_NONE || lstm__is_float(x->dtype) || lstm__is_int(x->dtype))
        return LSTM_OK;
    return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: reduction on %s is not supported",
                      lstm__klabel(k), lstm__dtype_name(x->dtype));
}

/* y[o] = reduce(y[o], u[i]) */
static void apply(int red, lstm__rt *y, size_t o, const lstm__rt *u, size_t i, size_t es)
{
    if (red == LSTM__RED_NONE) {
        memcpy((char *)y->data + o * es, (const char *)u->data + i * es, es);
    } else if (y->dtype == LSTM_DT_FLOAT) {
        float *a = (float *)y->data + o, b = ((const float *)u->data)[i];
        *a = red == LSTM__RED_ADD   ? *a + b
             : red == LSTM__RED_MUL ? *a * b
             : red == LSTM__RED_MAX ? (*a < b ? b : *a)
                                    : (b < *a ? b : *a);
    } else if (lstm__is_float(y->dtype)) {
        double a = lstm__get_f(y, o), b = lstm__get_f(u, i);
        lstm__put_f(y, o,
                    red == LSTM__RED_ADD   ? a + b
                    : red == LSTM__RED_MUL ? a * b
                    : red == LSTM__RED_MAX ? (a < b ? b : a)
                                           : (b < a ? b : a));
    } else if (y->dtype == LSTM_DT_UINT64) {
        uint64_t a = ((uint64_t *)y->data)[o], b = ((const uint64_t *)u->data)[i];
        ((uint64_t *)y->data)[o] = red == LSTM__RED_ADD   ? a + b
                                   : red == LSTM__RED_MUL ? a * b
                                   : red == LSTM__RED_MAX ? (a > b ? a : b)
                                                          : (a < b ? a : b);
    } else {
        int64_t a = lstm__get_i(y, o), b = lstm__get_i(u, i);
        lstm__put_i(y, o,
                    red == LSTM__RED_ADD   ? (int64_t)((uint64_t)a + (uint64_t)b)
                    : red == LSTM__RED_MUL ? (int64_t)((uint64_t)a * (uint64_t)b)
                    : red == LSTM__RED_MAX ? (a > b ? a : b)
                                           : (a < b ? a : b));
    }
}

static void copy_data(const lstm__rt *x, lstm__rt *y)
{
    if (y->nbytes && y->data != x->data) memcpy(y->data, x->data, y->nbytes);
}

/* ---- ScatterElements ---- */
int lstm__scatter_elements_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                                 lstm__diag *d)
{
    lstm__scatter_params *p = params;
    static const char *const v11[] = {"axis", NULL}, *const v16[] = {"axis", "reduction", NULL};
    memset(p, 0, sizeof *p);
    return lstm__arity(g, n, 3, 3, 1, 1, d) ||
           lstm__attrs_allowed(g, n, since, since >= 16 ? v16 : v11, d) ||
           lstm__attr_int(g, n, "axis", 0, &p->axis, d) || parse_reduction(g, n, since, p, d);
}

static int same_type(lstm__kctx *k, const lstm__rt *x, const lstm__rt *u)
{
    if (u->dtype == x->dtype) return LSTM_OK;
    return lstm__errf(k->d, LSTM_EINVAL, "%s: updates are %s, data %s", lstm__klabel(k),
                      lstm__dtype_name(u->dtype), lstm__dtype_name(x->dtype));
}

int lstm__scatter_elements_prepare(lstm__kctx *k)
{
    const lstm__scatter_params *p = k->params;
    const lstm__rt *x = k->in[0], *ix = k->in[1], *u = k->in[2];
    int a;
    char s1[96], s2[96];
    if (storable(k, x) || reduce_type(k, x) || index_type(k, ix) || same_type(k, x, u) ||
        lstm__axis(k, p->axis, x->rank, &a, "axis") || like_data(k, x, ix, a))
        return k->d->code;
    if (u->rank != ix->rank || memcmp(u->dims, ix->dims, sizeof(int64_t) * (size_t)ix->rank))
        return lstm__errf(k->d, LSTM_EINVAL, "%s: updates have shape %s, indices %s",
                          lstm__klabel(k), lstm__dims_str(s1, sizeof s1, u->rank, u->dims),
                          lstm__dims_str(s2, sizeof s2, ix->rank, ix->dims));
    return lstm__rt_set(k, k->out[0], x->dtype, x->rank, x->dims);
}

int lstm__scatter_elements_run(lstm__kctx *k)
{
    const lstm__scatter_params *p = k->params;
    const lstm__rt *x = k->in[0], *ix = k->in[1], *u = k->in[2];
    lstm__rt *y = k->out[0];
    int a;
    int64_t dim, idx[LSTM__MAX_RANK] = {0};
    int rc = element_axis(k, x, ix, &a, &dim);
    if (rc) return rc;
    size_t es = lstm__dtype_size(x->dtype);
    copy_data(x, y);
    for (size_t e = 0; e < ix->nelem; e++, step(idx, ix)) {
        int64_t v = index_at(ix, e);
        apply(p->reduction, y, data_offset(x, idx, a, v < 0 ? v + dim : v), u, e, es);
    }
    return LSTM_OK;
}

/* ---- ScatterND ---- */
int lstm__scatter_nd_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                           lstm__diag *d)
{
    lstm__scatter_params *p = params;
    static const char *const v11[] = {NULL}, *const v16[] = {"reduction", NULL};
    memset(p, 0, sizeof *p);
    return lstm__arity(g, n, 3, 3, 1, 1, d) ||
           lstm__attrs_allowed(g, n, since, since >= 16 ? v16 : v11, d) ||
           parse_reduction(g, n, since, p, d);
}

int lstm__scatter_nd_prepare(lstm__kctx *k)
{
    const lstm__rt *x = k->in[0], *ix = k->in[1], *u = k->in[2];
    char s1[96], s2[96], s3[96];
    if (storable(k, x) || reduce_type(k, x) || index_type(k, ix) || same_type(k, x, u))
        return k->d->code;
    int64_t q = ix->rank, kk = q ? ix->dims[q - 1] : -1;
    if (q < 1 || kk > x->rank)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: indices of shape %s need rank >= 1 and a last dim <= %d (the data's "
                          "rank)",
                          lstm__klabel(k), lstm__dims_str(s1, sizeof s1, ix->rank, ix->dims),
                          x->rank);
    /* updates: indices.shape[:-1] + data.shape[k:] */
    int ok = u->rank == (int)(q - 1 + x->rank - kk);
    for (int i = 0; ok && i < q - 1; i++) ok = u->dims[i] == ix->dims[i];
    for (int i = 0; ok && i < x->rank - kk; i++) ok = u->dims[q - 1 + i] == x->dims[kk + i];
    if (!ok)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: updates have shape %s; with indices %s and data %s they need "
                          "indices.shape[:-1] + data.shape[%lld:]",
                          lstm__klabel(k), lstm__dims_str(s1, sizeof s1, u->rank, u->dims),
                          lstm__dims_str(s2, sizeof s2, ix->rank, ix->dims),
                          lstm__dims_str(s3, sizeof s3, x->rank, x->dims), (long long)kk);
    return lstm__rt_set(k, k->out[0], x->dtype, x->rank, x->dims);
}

int lstm__scatter_nd_run(lstm__kctx *k)
{
    const lstm__scatter_params *p = k->params;
    const lstm__rt *x = k->in[0], *ix = k->in[1], *u = k->in[2];
    lstm__rt *y = k->out[0];
    int kk = (int)ix->dims[ix->rank - 1];
    size_t es = lstm__dtype_size(x->dtype), slice = 1, tuples = kk ? ix->nelem / (size_t)kk : 0;
    for (int i = kk; i < x->rank; i++) slice *= (size_t)x->dims[i];
    if (!kk) tuples = u->nelem / (slice ? slice : 1); /* empty tuples address the whole data */
    for (size_t e = 0; e < ix->nelem; e++) {
        int64_t v = index_at(ix, e), dim = x->dims[e % (size_t)kk];
        if (v < -dim || v >= dim) return bad_index(k, v, e, dim);
    }
    copy_data(x, y);
    for (size_t t = 0; t < tuples; t++) {
        size_t off = 0;
        for (int i = 0; i < kk; i++) {
            int64_t v = index_at(ix, t * (size_t)kk + (size_t)i), dim = x->dims[i];
            off = off * (size_t)dim + (size_t)(v < 0 ? v + dim : v);
        }
        off *= slice;
        for (size_t j = 0; j < slice; j++) apply(p->reduction, y, off + j, u, t * slice + j, es);
    }
    return LSTM_OK;
}
