/*
** op_shape.c — operators that change only the shape, or compute one:
** Identity, Shape (1, 15: start/end), Reshape (5, 14: allowzero), Squeeze / Unsqueeze (1: axes
** attribute, 13: axes input), Expand (8), ConstantOfShape (9), Size (1; 13, 19 and later add
** types). Shape-valued inputs must be known before the run (constants or shape arithmetic).
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"

#include <math.h>
#include <string.h>

/* Same bytes, new shape: these ops copy, unless the plan gave the output the input's memory
** (LSTM__OPF_ALIAS: the input dies here). */
static int copy_run(lstm__kctx *k)
{
    lstm__rt *y = k->out[0];
    if (y && y->nbytes && y->data != k->in[0]->data) memcpy(y->data, k->in[0]->data, y->nbytes);
    return LSTM_OK;
}

static int need_storable(lstm__kctx *k, const lstm__rt *t)
{
    if (lstm__dtype_size(t->dtype)) return LSTM_OK;
    return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type %s", lstm__klabel(k),
                      lstm__dtype_name(t->dtype));
}

/* ---- Identity ---- */
int lstm__identity_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                         lstm__diag *d)
{
    (void)params;
    static const char *const none[] = {NULL};
    return lstm__arity(g, n, 1, 1, 1, 1, d) || lstm__attrs_allowed(g, n, since, none, d);
}

int lstm__identity_prepare(lstm__kctx *k)
{
    const lstm__rt *x = k->in[0];
    if (x->kind != LSTM__VAL_TENSOR || x->none) return LSTM_OK; /* a late value: run copies */
    return need_storable(k, x) ? k->d->code
                               : lstm__rt_set(k, k->out[0], x->dtype, x->rank, x->dims);
}

int lstm__identity_run(lstm__kctx *k)
{
    const lstm__rt *x = k->in[0];
    if (x->kind != LSTM__VAL_TENSOR || x->none) return lstm__out_take(k, 0, 0);
    return copy_run(k);
}

/* ---- Shape ---- */
int lstm__shape_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                      lstm__diag *d)
{
    lstm__shape_params *p = params;
    static const char *const v1[] = {NULL}, *const v15[] = {"start", "end", NULL};
    if (lstm__arity(g, n, 1, 1, 1, 1, d) ||
        lstm__attrs_allowed(g, n, since, since >= 15 ? v15 : v1, d) ||
        lstm__attr_int(g, n, "start", 0, &p->start, d) ||
        lstm__attr_int(g, n, "end", INT64_MAX, &p->end, d))
        return d->code;
    return LSTM_OK;
}

static void shape_range(const lstm__shape_params *p, int rank, int64_t *s, int64_t *e)
{
    *s = p->start < 0 ? p->start + rank : p->start;
    *e = p->end < 0 ? p->end + rank : p->end;
    if (*s < 0) *s = 0;
    if (*s > rank) *s = rank;
    if (*e > rank) *e = rank;
    if (*e < *s) *e = *s;
}

int lstm__shape_prepare(lstm__kctx *k)
{
    int64_t s, e;
    shape_range(k->params, k->in[0]->rank, &s, &e);
    return lstm__rt_set(k, k->out[0], LSTM_DT_INT64, 1, (int64_t[]){e - s});
}

int lstm__shape_run(lstm__kctx *k)
{
    int64_t s, e;
    shape_range(k->params, k->in[0]->rank, &s, &e);
    for (int64_t i = s; i < e; i++) ((int64_t *)k->out[0]->data)[i - s] = k->in[0]->dims[i];
    return LSTM_OK;
}

/* ---- Reshape ---- */
int lstm__reshape_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                        lstm__diag *d)
{
    lstm__reshape_params *p = params;
    static const char *const v5[] = {NULL}, *const v14[] = {"allowzero", NULL};
    if (lstm__arity(g, n, 2, 2, 1, 1, d) ||
        lstm__attrs_allowed(g, n, since, since >= 14 ? v14 : v5, d) ||
        lstm__attr_flag(g, n, "allowzero", 0, &p->allowzero, d))
        return d->code;
    return LSTM_OK;
}

int lstm__reshape_prepare(lstm__kctx *k)
{
    const lstm__reshape_params *p = k->params;
    const lstm__rt *x = k->in[0];
    int64_t sh[LSTM__MAX_RANK];
    int n, infer_at = -1;
    if (lstm__read_ints(k, 1, "shape", sh, LSTM__MAX_RANK, &n) || need_storable(k, x))
        return k->d->code;
    int64_t known = 1;
    for (int i = 0; i < n; i++) {
        if (sh[i] == -1) {
            if (infer_at >= 0)
                return lstm__errf(k->d, LSTM_EINVAL, "%s: shape has more than one -1",
                                  lstm__klabel(k));
            infer_at = i;
            continue;
        }
        if (sh[i] == 0 && !p->allowzero && i < x->rank) {
            sh[i] = x->dims[i];
        } else if (sh[i] == 0 && !p->allowzero && x->nelem) {
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: shape[%d] is 0 (copy) but the input has rank %d",
                              lstm__klabel(k), i, x->rank);
        } /* else: an empty input, whose computed size 0 PyTorch's exporter passes: it stays 0 */
        if (sh[i] < 0)
            return lstm__errf(k->d, LSTM_EINVAL, "%s: shape[%d] is %lld", lstm__klabel(k), i,
                              (long long)sh[i]);
        if (!lstm__mul_i64(known, sh[i], &known))
            return lstm__errf(k->d, LSTM_EINVAL, "%s: shape overflows", lstm__klabel(k));
    }
    if (infer_at >= 0 && p->allowzero && known == 0)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: shape has both 0 and -1 with allowzero=1",
                          lstm__klabel(k));
    return lstm__reshape_finish(k, x, sh, n, infer_at, known);
}

int lstm__reshape_finish(lstm__kctx *k, const lstm__rt *x, int64_t *sh, int n, int infer_at,
                         int64_t known)
{
    if (infer_at >= 0) {
        if (known == 0 || (int64_t)x->nelem % known != 0)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: cannot infer the -1 of the shape: %zu elements are not a "
                              "multiple of %lld",
                              lstm__klabel(k), x->nelem, (long long)known);
        sh[infer_at] = (int64_t)x->nelem / known;
        known *= sh[infer_at];
    }
    if ((uint64_t)known != x->nelem) {
        char a[96], b[96];
        return lstm__errf(k->d, LSTM_EINVAL, "%s: cannot reshape %s (%zu elements) into %s",
                          lstm__klabel(k), lstm__dims_str(a, sizeof a, x->rank, x->dims), x->nelem,
                          lstm__dims_str(b, sizeof b, n, sh));
    }
    return lstm__rt_set(k, k->out[0], x->dtype, n, sh);
}

int lstm__reshape_run(lstm__kctx *k)
{
    return copy_run(k);
}

/* ---- Squeeze / Unsqueeze: axes from the attribute (before 13) or the input (13+) ---- */
static int axes_parse(const lstm__graph *g, const lstm__node *n, int since, lstm__axes_params *p,
                      int required, lstm__diag *d)
{
    static const char *const attr[] = {"axes", NULL}, *const none[] = {NULL};
    if (lstm__arity(g, n, 1, since >= 13 ? 2 : 1, 1, 1, d) ||
        lstm__attrs_allowed(g, n, since, since >= 13 ? none : attr, d) ||
        lstm__attr_ints(g, n, "axes", p->axes, LSTM__MAX_AXES, &p->n, d))
        return d->code;
    if (required && since < 13 && p->n < 0) {
        char b[LSTM__LABEL_MAX];
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'axes' is required",
                          lstm__node_ctx(g, n, b, sizeof b));
    }
    if (required && since >= 13 && (n->n_in < 2 || !n->in_names[1][0])) {
        char b[LSTM__LABEL_MAX];
        return lstm__errf(d, LSTM_EMODEL, "%s: input 'axes' is required",
                          lstm__node_ctx(g, n, b, sizeof b));
    }
    return LSTM_OK;
}

static int axes_get(lstm__kctx *k, int64_t *axes, int *n)
{
    const lstm__axes_params *p = k->params;
    if (k->since >= 13) return lstm__read_ints(k, 1, "axes", axes, LSTM__MAX_AXES, n);
    *n = p->n < 0 ? 0 : p->n;
    memcpy(axes, p->axes, sizeof(int64_t) * (size_t)*n);
    if (p->n < 0) *n = -1;
    return LSTM_OK;
}

int lstm__squeeze_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                        lstm__diag *d)
{
    return axes_parse(g, n, since, params, 0, d);
}

int lstm__squeeze_prepare(lstm__kctx *k)
{
    const lstm__rt *x = k->in[0];
    int64_t axes[LSTM__MAX_AXES], dims[LSTM__MAX_RANK];
    int n, drop[LSTM__MAX_RANK] = {0}, r = 0;
    if (axes_get(k, axes, &n) || need_storable(k, x)) return k->d->code;
    if (n < 0 || (k->since >= 13 && (k->n->n_in < 2 || !k->in[1]))) {
        for (int i = 0; i < x->rank; i++) drop[i] = x->dims[i] == 1;
    } else {
        for (int i = 0; i < n; i++) {
            int a;
            if (lstm__axis(k, axes[i], x->rank, &a, "axis")) return k->d->code;
            if (x->dims[a] != 1)
                return lstm__errf(k->d, LSTM_EINVAL, "%s: cannot squeeze axis %d of size %lld",
                                  lstm__klabel(k), a, (long long)x->dims[a]);
            drop[a] = 1;
        }
    }
    for (int i = 0; i < x->rank; i++)
        if (!drop[i]) dims[r++] = x->dims[i];
    return lstm__rt_set(k, k->out[0], x->dtype, r, dims);
}

int lstm__squeeze_run(lstm__kctx *k)
{
    return copy_run(k);
}

int lstm__unsqueeze_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                          lstm__diag *d)
{
    return axes_parse(g, n, since, params, 1, d);
}

int lstm__unsqueeze_prepare(lstm__kctx *k)
{
    const lstm__rt *x = k->in[0];
    int64_t axes[LSTM__MAX_AXES], dims[LSTM__MAX_RANK];
    int n, ins[LSTM__MAX_RANK] = {0};
    if (axes_get(k, axes, &n) || need_storable(k, x)) return k->d->code;
    if (n < 0) n = 0;
    int r = x->rank + n;
    if (r > LSTM__MAX_RANK)
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: output rank %d exceeds %d", lstm__klabel(k),
                          r, LSTM__MAX_RANK);
    for (int i = 0; i < n; i++) {
        int a;
        if (lstm__axis(k, axes[i], r, &a, "axis")) return k->d->code;
        if (ins[a])
            return lstm__errf(k->d, LSTM_EINVAL, "%s: axis %d given twice", lstm__klabel(k), a);
        ins[a] = 1;
    }
    for (int i = 0, j = 0; i < r; i++) dims[i] = ins[i] ? 1 : x->dims[j++];
    return lstm__rt_set(k, k->out[0], x->dtype, r, dims);
}

int lstm__unsqueeze_run(lstm__kctx *k)
{
    return copy_run(k);
}

/* ---- Expand (numpy broadcasting of the input to the shape) ---- */
int lstm__expand_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                       lstm__diag *d)
{
    (void)params;
    static const char *const none[] = {NULL};
    return lstm__arity(g, n, 2, 2, 1, 1, d) || lstm__attrs_allowed(g, n, since, none, d);
}

int lstm__expand_prepare(lstm__kctx *k)
{
    const lstm__rt *x = k->in[0];
    int64_t sh[LSTM__MAX_RANK], dims[LSTM__MAX_RANK];
    int n;
    if (lstm__read_ints(k, 1, "shape", sh, LSTM__MAX_RANK, &n) || need_storable(k, x))
        return k->d->code;
    int r = n > x->rank ? n : x->rank;
    for (int i = 0; i < r; i++) {
        int64_t a = i - (r - x->rank) >= 0 ? x->dims[i - (r - x->rank)] : 1;
        int64_t b = i - (r - n) >= 0 ? sh[i - (r - n)] : 1;
        if (a != b && a != 1 && b != 1) {
            char s1[96], s2[96];
            return lstm__errf(k->d, LSTM_EINVAL, "%s: cannot broadcast %s to %s", lstm__klabel(k),
                              lstm__dims_str(s1, sizeof s1, x->rank, x->dims),
                              lstm__dims_str(s2, sizeof s2, n, sh));
        }
        if (b < 0)
            return lstm__errf(k->d, LSTM_EINVAL, "%s: shape has %lld", lstm__klabel(k),
                              (long long)b);
        dims[i] = a == 1 ? b : a;
    }
    return lstm__rt_set(k, k->out[0], x->dtype, r, dims);
}

int lstm__expand_run(lstm__kctx *k)
{
    const lstm__rt *x = k->in[0];
    lstm__rt *y = k->out[0];
    size_t es = lstm__dtype_size(x->dtype);
    int r = y->rank, off = r - x->rank;
    int64_t xs[LSTM__MAX_RANK], idx[LSTM__MAX_RANK] = {0};
    int64_t st = 1;
    for (int i = r - 1; i >= 0; i--) {
        int64_t xd = i >= off ? x->dims[i - off] : 1;
        xs[i] = xd == 1 ? 0 : st;
        st *= xd;
    }
    const char *src = x->data;
    char *dst = y->data;
    for (size_t e = 0; e < y->nelem; e++) {
        int64_t so = 0;
        for (int i = 0; i < r; i++) so += idx[i] * xs[i];
        memcpy(dst + e * es, src + (size_t)so * es, es);
        for (int i = r - 1; i >= 0; i--) {
            if (++idx[i] < y->dims[i]) break;
            idx[i] = 0;
        }
    }
    return LSTM_OK;
}

/* ---- ConstantOfShape ---- */
int lstm__cos_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                    lstm__diag *d)
{
    lstm__cos_params *p = params;
    static const char *const names[] = {"value", NULL};
    char b[LSTM__LABEL_MAX];
    if (lstm__arity(g, n, 1, 1, 1, 1, d) || lstm__attrs_allowed(g, n, since, names, d))
        return d->code;
    const lstm__attr *a = lstm__attr_find(n, "value");
    p->dtype = LSTM_DT_FLOAT;
    memset(p->value, 0, sizeof p->value);
    if (!a) return LSTM_OK;
    if (a->type != LSTM__A_TENSOR || a->t->nelem != 1)
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'value' must be a one-element tensor",
                          lstm__node_ctx(g, n, b, sizeof b));
    p->dtype = a->t->dtype;
    memcpy(p->value, a->t->data, a->t->nbytes);
    return LSTM_OK;
}

int lstm__cos_prepare(lstm__kctx *k)
{
    const lstm__cos_params *p = k->params;
    int64_t sh[LSTM__MAX_RANK];
    int n;
    if (lstm__read_ints(k, 0, "input", sh, LSTM__MAX_RANK, &n)) return k->d->code;
    for (int i = 0; i < n; i++)
        if (sh[i] < 0)
            return lstm__errf(k->d, LSTM_EINVAL, "%s: shape[%d] is %lld", lstm__klabel(k), i,
                              (long long)sh[i]);
    return lstm__rt_set(k, k->out[0], p->dtype, n, sh);
}

int lstm__cos_run(lstm__kctx *k)
{
    const lstm__cos_params *p = k->params;
    lstm__rt *y = k->out[0];
    size_t es = lstm__dtype_size(p->dtype);
    for (size_t i = 0; i < y->nelem; i++) memcpy((char *)y->data + i * es, p->value, es);
    return LSTM_OK;
}

/* ---- Flatten (1; negative axis from 11) ---- */
int lstm__flatten_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                        lstm__diag *d)
{
    lstm__axis_params *p = params;
    static const char *const names[] = {"axis", NULL};
    return lstm__arity(g, n, 1, 1, 1, 1, d) || lstm__attrs_allowed(g, n, since, names, d) ||
           lstm__attr_int(g, n, "axis", 1, &p->axis, d);
}

int lstm__flatten_prepare(lstm__kctx *k)
{
    const lstm__axis_params *p = k->params;
    const lstm__rt *x = k->in[0];
    int64_t a = p->axis < 0 ? p->axis + x->rank : p->axis;
    if (a < 0 || a > x->rank)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: axis %lld is outside [%d, %d]", lstm__klabel(k),
                          (long long)p->axis, -x->rank, x->rank);
    int64_t outer = lstm__dims_count((int)a, x->dims),
            inner = lstm__dims_count(x->rank - (int)a, x->dims + a);
    if (need_storable(k, x)) return k->d->code;
    return lstm__rt_set(k, k->out[0], x->dtype, 2, (int64_t[]){outer, inner});
}

int lstm__flatten_run(lstm__kctx *k)
{
    return copy_run(k);
}

/* ---- Range (11): start, limit, delta scalars ---- */
int lstm__range_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                      lstm__diag *d)
{
    (void)params;
    static const char *const none[] = {NULL};
    return lstm__arity(g, n, 3, 3, 1, 1, d) || lstm__attrs_allowed(g, n, since, none, d);
}

static int range_count(lstm__kctx *k, int64_t *n)
{
    const lstm__rt *s = k->in[0], *l = k->in[1], *dl = k->in[2];
    static const char *const names[] = {"start", "limit", "delta"};
    for (int i = 0; i < 3; i++) {
        if (lstm__need_value(k, i, names[i])) return k->d->code;
        if (k->in[i]->nelem != 1 || k->in[i]->dtype != s->dtype)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: start, limit and delta must be scalars of one type",
                              lstm__klabel(k));
    }
    double a = lstm__get_f(s, 0), b = lstm__get_f(l, 0), c = lstm__get_f(dl, 0), cnt;
    if (c == 0 || c != c) return lstm__errf(k->d, LSTM_EINVAL, "%s: delta is 0", lstm__klabel(k));
    if (lstm__is_int(s->dtype)) { /* exactly: int64 values beyond 2^53 do not round */
        const int64_t ia = lstm__get_i(s, 0), ib = lstm__get_i(l, 0), ic = lstm__get_i(dl, 0);
        const uint64_t span = ic > 0 ? (uint64_t)ib - (uint64_t)ia : (uint64_t)ia - (uint64_t)ib,
                       step = ic > 0 ? (uint64_t)ic : 0 - (uint64_t)ic;
        cnt = (ic > 0 ? ib > ia : ia > ib) ? (double)((span - 1) / step + 1) : 0;
    } else {
        cnt = ceil((b - a) / c);
    }
    if (cnt != cnt || cnt > 1e9)
        return lstm__errf(k->d, LSTM_ELIMIT, "%s: range too long", lstm__klabel(k));
    *n = cnt > 0 ? (int64_t)cnt : 0;
    return LSTM_OK;
}

int lstm__range_prepare(lstm__kctx *k)
{
    int64_t n;
    const int t = k->in[0]->dtype; /* the spec's types (unsigned ones would compare signed) */
    if (t != LSTM_DT_FLOAT && t != LSTM_DT_DOUBLE && t != LSTM_DT_INT16 && t != LSTM_DT_INT32 &&
        t != LSTM_DT_INT64)
        return lstm__errf(k->d, LSTM_EUNSUPPORTED,
                          "%s: unsupported type %s (Range takes float, double, int16, int32 or "
                          "int64)",
                          lstm__klabel(k), lstm__dtype_name(t));
    if (range_count(k, &n)) return k->d->code;
    return lstm__rt_set(k, k->out[0], k->in[0]->dtype, 1, &n);
}

int lstm__range_run(lstm__kctx *k)
{
    lstm__rt *y = k->out[0];
    if (lstm__is_float(y->dtype)) {
        double a = lstm__get_f(k->in[0], 0), c = lstm__get_f(k->in[2], 0);
        for (size_t i = 0; i < y->nelem; i++) lstm__put_f(y, i, a + (double)i * c);
    } else {
        /* a + i c lies between start and limit; the product alone may not fit */
        const uint64_t a = (uint64_t)lstm__get_i(k->in[0], 0),
                       c = (uint64_t)lstm__get_i(k->in[2], 0);
        for (size_t i = 0; i < y->nelem; i++) lstm__put_i(y, i, (int64_t)(a + (uint64_t)i * c));
    }
    return LSTM_OK;
}

/* ---- Size: the element count as an int64 scalar ---- */
int lstm__size_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                     lstm__diag *d)
{
    (void)params;
    static const char *const none[] = {NULL};
    return lstm__arity(g, n, 1, 1, 1, 1, d) || lstm__attrs_allowed(g, n, since, none, d);
}

int lstm__size_prepare(lstm__kctx *k)
{
    return lstm__rt_set(k, k->out[0], LSTM_DT_INT64, 0, NULL);
}

int lstm__size_run(lstm__kctx *k)
{
    *(int64_t *)k->out[0]->data = (int64_t)k->in[0]->nelem;
    return LSTM_OK;
}
