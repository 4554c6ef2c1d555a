/*
** op_softmax.c — Softmax and LogSoftmax. Versions 1 and 11 flatten the input to 2-D at `axis`
** (default 1) and normalise each row; version 13 normalises along the single `axis` (default
** -1). In every version axis lies in [-r, r-1], a negative one counting from the end (version
** 11's text; version 1 says nothing and onnxruntime reads it the same way). The maximum is
** subtracted, so large inputs do not overflow. float32 along the last (or flattened) axis: the
** vectorised exp, the sum in double; the other types and layouts in double.
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "simd/simd.h"
#include "dtype.h"

#include <limits.h>
#include <math.h>

static int parse(const lstm__graph *g, const lstm__node *n, int since, void *params, int log,
                 lstm__diag *d)
{
    lstm__softmax_params *p = params;
    static const char *const names[] = {"axis", NULL};
    p->log = log;
    return lstm__arity(g, n, 1, 1, 1, 1, d) || lstm__attrs_allowed(g, n, since, names, d) ||
           lstm__attr_int(g, n, "axis", since >= 13 ? -1 : 1, &p->axis, d);
}

int lstm__softmax_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                        lstm__diag *d)
{
    return parse(g, n, since, params, 0, d);
}

int lstm__logsoftmax_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                           lstm__diag *d)
{
    return parse(g, n, since, params, 1, d);
}

/* outer x len x inner view of the input for the normalised axis (or the flattened rows). */
int lstm__softmax_view(lstm__kctx *k, size_t *outer, size_t *len, size_t *inner)
{
    const lstm__softmax_params *p = k->params;
    const lstm__rt *x = k->in[0];
    int a;
    *outer = *len = *inner = 1;
    if (x->rank == 0) return LSTM_OK;
    if (lstm__axis(k, p->axis, x->rank, &a, "axis")) return k->d->code;
    if (k->since < 13) { /* rows of the 2-D coercion at axis */
        for (int i = 0; i < a; i++) *outer *= (size_t)x->dims[i];
        for (int i = a; i < x->rank; i++) *len *= (size_t)x->dims[i];
        return LSTM_OK;
    }
    for (int i = 0; i < a; i++) *outer *= (size_t)x->dims[i];
    *len = (size_t)x->dims[a];
    for (int i = a + 1; i < x->rank; i++) *inner *= (size_t)x->dims[i];
    return LSTM_OK;
}

static int prepare(lstm__kctx *k)
{
    const lstm__rt *x = k->in[0];
    size_t o, l, i;
    if (!lstm__is_float(x->dtype))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type %s", lstm__klabel(k),
                          lstm__dtype_name(x->dtype));
    if (lstm__softmax_view(k, &o, &l, &i)) return k->d->code;
    k->scratch_size = l * sizeof(double); /* a row's x - max, then its exponentials */
    return lstm__rt_set(k, k->out[0], x->dtype, x->rank, x->dims);
}

/* One row of len elements, inner apart from base, in double (e: len doubles of scratch). */
static void row_double(const lstm__rt *x, lstm__rt *y, size_t base, size_t len, size_t inner,
                       int lg, double *e)
{
    double mx = -INFINITY, sum = 0;
    for (size_t j = 0; j < len; j++) {
        e[j] = lstm__ld(x, base + j * inner);
        if (e[j] > mx) mx = e[j];
    }
    for (size_t j = 0; j < len; j++) {
        const double v = e[j] - mx, ex = exp(v);
        sum += ex;
        e[j] = lg ? v : ex;
    }
    const double ls = lg ? log(sum) : 0.0;
    for (size_t j = 0; j < len; j++) lstm__st(y, base + j * inner, lg ? e[j] - ls : e[j] / sum);
}

/* A float32 row along the last axis: the vectorised exp (relative error 3e-7) on x - max, in
** place in y, the sum in double. 0 for a row with a NaN or +inf (the double path's NaN row). */
static int row_f32(const float *xr, float *yr, size_t len, int lg, double *e, int isa)
{
    float mx = -INFINITY;
    int odd = 0;
    for (size_t j = 0; j < len; j++) {
        odd |= xr[j] != xr[j];
        mx = xr[j] > mx ? xr[j] : mx;
    }
    if (odd || mx == INFINITY) return 0;
    for (size_t j = 0; j < len; j++) yr[j] = xr[j] - mx;
    if (lg)
        for (size_t j = 0; j < len; j++) e[j] = yr[j];
    lstm__vexp(isa, yr, len);
    double sum = 0;
    for (size_t j = 0; j < len; j++) sum += yr[j];
    const double ls = log(sum), inv = 1.0 / sum;
    for (size_t j = 0; j < len; j++) yr[j] = (float)(lg ? e[j] - ls : yr[j] * inv);
    return 1;
}

static int run(lstm__kctx *k)
{
    const lstm__softmax_params *p = k->params;
    const lstm__rt *x = k->in[0];
    lstm__rt *y = k->out[0];
    size_t outer, len, inner;
    lstm__softmax_view(k, &outer, &len, &inner);
    double *e = k->scratch;
    if (!x->nelem) return LSTM_OK; /* an empty tensor (its data may be NULL) */
    if (x->dtype == LSTM_DT_FLOAT && inner == 1 && len <= INT_MAX) {
        const int isa = lstm__isa();
        for (size_t o = 0; o < outer; o++)
            if (!row_f32((const float *)x->data + o * len, (float *)y->data + o * len, len, p->log,
                         e, isa))
                row_double(x, y, o * len, len, 1, p->log, e);
        return LSTM_OK;
    }
    for (size_t o = 0; o < outer; o++)
        for (size_t in = 0; in < inner; in++)
            row_double(x, y, o * len * inner + in, len, inner, p->log, e);
    return LSTM_OK;
}

int lstm__softmax_prepare(lstm__kctx *k)
{
    return prepare(k);
}
int lstm__softmax_run(lstm__kctx *k)
{
    return run(k);
}
int lstm__logsoftmax_prepare(lstm__kctx *k)
{
    return prepare(k);
}
int lstm__logsoftmax_run(lstm__kctx *k)
{
    return run(k);
}
