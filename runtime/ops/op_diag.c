/*
** op_diag.c — matrices by their diagonals:
**   Trilu    14: the upper (upper=1, default) or lower triangle of the last two axes of a tensor
**            of rank >= 2, from diagonal k (optional int64 input of one element, read while
**            running; negative below the main one); the rest is zero. Any element type.
**   EyeLike  9 (22 adds bfloat16): a 2-D tensor of the input's shape with ones on diagonal k
**            and zeros elsewhere, of type `dtype` (default: the input's); numeric and bool.
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"

#include <string.h>

/* ---- Trilu ---- */
int lstm__trilu_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                      lstm__diag *d)
{
    static const char *const names[] = {"upper", NULL};
    lstm__trilu_params *p = params;
    if (lstm__arity(g, n, 1, 2, 1, 1, d) || lstm__attrs_allowed(g, n, since, names, d) ||
        lstm__attr_flag(g, n, "upper", 1, &p->upper, d))
        return d->code;
    return LSTM_OK;
}

int lstm__trilu_prepare(lstm__kctx *k)
{
    const lstm__rt *x = k->in[0], *kk = k->n->n_in > 1 ? k->in[1] : NULL;
    if (!lstm__dtype_size(x->dtype))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type %s", lstm__klabel(k),
                          lstm__dtype_name(x->dtype));
    if (x->rank < 2)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: input has rank %d, expected 2 or more",
                          lstm__klabel(k), x->rank);
    if (kk && (kk->dtype != LSTM_DT_INT64 || kk->nelem != 1 || kk->rank > 1))
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: k must be one int64 value, it is %s with %zu elements",
                          lstm__klabel(k), lstm__dtype_name(kk->dtype), kk->nelem);
    return lstm__rt_set(k, k->out[0], x->dtype, x->rank, x->dims);
}

int lstm__trilu_run(lstm__kctx *k)
{
    const lstm__trilu_params *p = k->params;
    const lstm__rt *x = k->in[0], *kk = k->n->n_in > 1 ? k->in[1] : NULL;
    lstm__rt *y = k->out[0];
    const int64_t diag = kk ? *(const int64_t *)kk->data : 0;
    const int64_t rows = x->dims[x->rank - 2], cols = x->dims[x->rank - 1];
    const size_t es = lstm__dtype_size(x->dtype), row = (size_t)cols * es;
    if (!y->nelem) return LSTM_OK;
    const size_t mats = y->nelem / (size_t)(rows * cols);
    const char *src = x->data;
    char *dst = y->data;
    for (size_t m = 0; m < mats; m++) {
        for (int64_t i = 0; i < rows; i++) {
            /* Kept columns: j - i >= diag (upper) or j - i <= diag (lower), clamped to [0, cols]
            ** without overflow for any diag. */
            int64_t lo = 0, hi = cols;
            if (p->upper) {
                lo = diag >= cols ? cols : diag <= -rows ? 0 : i + diag;
                lo = lo < 0 ? 0 : lo > cols ? cols : lo;
            } else {
                hi = diag >= cols ? cols : diag <= -rows ? 0 : i + diag + 1;
                hi = hi < 0 ? 0 : hi > cols ? cols : hi;
            }
            size_t off = ((m * (size_t)rows) + (size_t)i) * row;
            const char *s = src + off;
            char *o = dst + off;
            if (s != o && hi > lo) memcpy(o + lo * es, s + lo * es, (size_t)(hi - lo) * es);
            if (lo > 0) memset(o, 0, (size_t)lo * es);
            if (hi < cols) memset(o + hi * es, 0, (size_t)(cols - hi) * es);
        }
    }
    return LSTM_OK;
}

/* ---- EyeLike ---- */
static int eye_type(int t)
{
    return lstm__is_float(t) || lstm__is_int(t) || t == LSTM_DT_BOOL;
}

int lstm__eyelike_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                        lstm__diag *d)
{
    static const char *const names[] = {"dtype", "k", NULL};
    lstm__eyelike_params *p = params;
    char b[LSTM__LABEL_MAX];
    int64_t dt;
    if (lstm__arity(g, n, 1, 1, 1, 1, d) || lstm__attrs_allowed(g, n, since, names, d) ||
        lstm__attr_int(g, n, "k", 0, &p->k, d) || lstm__attr_int(g, n, "dtype", 0, &dt, d))
        return d->code;
    if (lstm__attr_find(n, "dtype") && (dt <= 0 || dt > 100 || !eye_type((int)dt)))
        return lstm__errf(d, LSTM_EUNSUPPORTED,
                          "%s: attribute 'dtype' is %lld (%s), expected a numeric or bool type",
                          lstm__node_ctx(g, n, b, sizeof b), (long long)dt,
                          dt > 0 && dt <= 100 ? lstm__dtype_name((int)dt) : "unknown");
    p->dtype = lstm__attr_find(n, "dtype") ? (int)dt : 0;
    return LSTM_OK;
}

int lstm__eyelike_prepare(lstm__kctx *k)
{
    const lstm__eyelike_params *p = k->params;
    const lstm__rt *x = k->in[0];
    if (!eye_type(x->dtype))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type %s", lstm__klabel(k),
                          lstm__dtype_name(x->dtype));
    if (x->rank != 2)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: input has rank %d, expected 2", lstm__klabel(k),
                          x->rank);
    return lstm__rt_set(k, k->out[0], p->dtype ? p->dtype : x->dtype, 2, x->dims);
}

int lstm__eyelike_run(lstm__kctx *k)
{
    const lstm__eyelike_params *p = k->params;
    lstm__rt *y = k->out[0];
    const int64_t rows = y->dims[0], cols = y->dims[1];
    if (y->nbytes) memset(y->data, 0, y->nbytes); /* zero bits are 0 in every type */
    /* Row i has its one at column i + k when that is in [0, cols). */
    int64_t first = p->k < 0 ? (p->k <= -rows ? rows : -p->k) : 0;
    for (int64_t i = first; i < rows && p->k < cols - i; i++)
        lstm__put_f(y, (size_t)(i * cols + i + p->k), 1.0);
    return LSTM_OK;
}
