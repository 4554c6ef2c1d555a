/*
** op_lppool.c — LpPool (1: p a float; 2: p an int; 11; 18: ceil_mode, dilations; 22 adds
** bfloat16) and GlobalLpPool (1: p a float; 2; 22): y = (sum |x|^p)^(1/p) over each window
** (LpPool) or over all spatial positions (GlobalLpPool). The window geometry is the pools'
** (spatial.c: auto_pad, pads, strides, dilations, ceil_mode); taps in the padding are zeros,
** so they add nothing. p must be positive (its reciprocal is the outer power). A NaN in a
** window gives NaN. Sums in double, rounded once into the output's type.
*/
#include "ops/ops.h"
#include "ops/pool_more.h"
#include "dtype.h"

#include <math.h>
#include <string.h>

static int parse(const lstm__graph *g, const lstm__node *n, int since, void *params, int global,
                 lstm__diag *d)
{
    lstm__lppool_params *p = params;
    char b[LSTM__LABEL_MAX];
    memset(p, 0, sizeof *p);
    p->global = global;
    static const char *const gl[] = {"p", NULL};
    static const char *const v1[] = {"auto_pad", "kernel_shape", "p", "pads", "strides", NULL};
    static const char *const v18[] = {"auto_pad", "ceil_mode", "dilations", "kernel_shape",
                                      "p",        "pads",      "strides",   NULL};
    if (lstm__arity(g, n, 1, 1, 1, 1, d) || lstm__attrs_allowed(g, n, since,
                                                                global        ? gl
                                                                : since >= 18 ? v18
                                                                              : v1,
                                                                d))
        return d->code;
    if (since < 2) {
        float pf;
        if (lstm__attr_float(g, n, "p", 2.0f, &pf, d)) return d->code;
        p->p = pf;
    } else {
        int64_t pi;
        if (lstm__attr_int(g, n, "p", 2, &pi, d)) return d->code;
        p->p = (double)pi;
    }
    if (!(p->p > 0) || p->p > 1e6)
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'p' is %g, expected a positive order",
                          lstm__node_ctx(g, n, b, sizeof b), p->p);
    if (global) return LSTM_OK;
    unsigned what = LSTM__WIN_KERNEL_REQUIRED;
    if (since >= 18) what |= LSTM__WIN_CEIL | LSTM__WIN_DILATIONS;
    return lstm__win_parse(g, n, what, &p->w, d);
}

static int prepare(lstm__kctx *k)
{
    const lstm__lppool_params *p = k->params;
    lstm__lppool_state *st = k->state;
    const lstm__rt *X = k->in[0];
    char s1[96];
    memset(st, 0, sizeof *st);
    int t = X->dtype;
    if (t != LSTM_DT_FLOAT && t != LSTM_DT_DOUBLE && t != LSTM_DT_FLOAT16 &&
        !(t == LSTM_DT_BFLOAT16 && k->n->opset >= 22))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED,
                          "%s: unsupported type %s, expected float32, float64, float16%s",
                          lstm__klabel(k), lstm__dtype_name(t),
                          k->n->opset >= 22 ? " or bfloat16" : " (bfloat16 from opset 22)");
    if (X->rank < 3)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: X has shape %s, expected [N, C, D1, ...] (rank 3 or more)",
                          lstm__klabel(k), lstm__dims_str(s1, sizeof s1, X->rank, X->dims));
    int sp = X->rank - 2;
    int64_t dims[LSTM__MAX_RANK] = {X->dims[0], X->dims[1]};
    st->planes = X->dims[0] * X->dims[1];
    if (p->global) {
        st->w.sp = sp;
        st->w.pix_in = 1;
        for (int i = 0; i < sp; i++) st->w.pix_in *= X->dims[2 + i], dims[2 + i] = 1;
        return lstm__rt_set(k, k->out[0], t, X->rank, dims);
    }
    if (lstm__win_forward(k, &p->w, sp, X->dims + 2, p->w.kernel, &st->w)) return k->d->code;
    for (int i = 0; i < sp; i++) dims[2 + i] = st->w.out[i];
    return lstm__rt_set(k, k->out[0], t, X->rank, dims);
}

/* Taps of axis a for output position o: the window starts at *start; taps [lo, hi) fall inside
** the input. */
static void taps(const lstm__win *w, int a, int64_t o, int64_t *start, int64_t *lo, int64_t *hi)
{
    int64_t s = o * w->s[a] - w->pb[a], d = w->d[a], k = w->k[a];
    int64_t l = s < 0 ? (-s + d - 1) / d : 0;
    int64_t h = w->in[a] - 1 - s < 0 ? 0 : (w->in[a] - 1 - s) / d + 1;
    *start = s;
    *lo = l < k ? l : k;
    *hi = h < k ? h : k;
}

/* |x|^p, with the common orders done without pow. */
static inline double powp(double x, double p)
{
    x = fabs(x);
    return p == 2.0 ? x * x : p == 1.0 ? x : pow(x, p);
}

static inline double root(double s, double p)
{
    return p == 2.0 ? sqrt(s) : p == 1.0 ? s : pow(s, 1.0 / p);
}

static void global_run(lstm__kctx *k, const lstm__lppool_params *p, const lstm__lppool_state *st)
{
    const lstm__rt *X = k->in[0];
    lstm__rt *Y = k->out[0];
    const int64_t S = st->w.pix_in;
    for (int64_t pl = 0; pl < st->planes; pl++) {
        double sum = 0;
        if (X->dtype == LSTM_DT_FLOAT) {
            const float *x = (const float *)X->data + pl * S;
            for (int64_t i = 0; i < S; i++) sum += powp(x[i], p->p);
        } else {
            for (int64_t i = 0; i < S; i++) sum += powp(lstm__get_f(X, (size_t)(pl * S + i)), p->p);
        }
        if (X->dtype == LSTM_DT_FLOAT)
            ((float *)Y->data)[pl] = (float)root(sum, p->p);
        else
            lstm__put_f(Y, (size_t)pl, root(sum, p->p));
    }
}

static void window_run(lstm__kctx *k, const lstm__lppool_params *p, const lstm__lppool_state *st)
{
    const lstm__win *w = &st->w;
    const lstm__rt *X = k->in[0];
    lstm__rt *Y = k->out[0];
    const int sp = w->sp, f32 = X->dtype == LSTM_DT_FLOAT;
    const float *xf = X->data;
    int64_t rstr[LSTM__SP_MAX], r = 1;
    for (int a = sp - 1; a >= 0; a--) rstr[a] = r, r *= w->in[a];
    size_t e = 0;
    for (int64_t pl = 0; pl < st->planes; pl++) {
        int64_t o[LSTM__SP_MAX] = {0};
        for (int64_t q = 0; q < w->pix_out; q++, e++) {
            int64_t s[LSTM__SP_MAX], lo[LSTM__SP_MAX], hi[LSTM__SP_MAX], j[LSTM__SP_MAX];
            int empty = 0;
            for (int a = 0; a < sp; a++) {
                taps(w, a, o[a], &s[a], &lo[a], &hi[a]);
                empty |= lo[a] >= hi[a];
                j[a] = lo[a];
            }
            double sum = 0;
            while (!empty) {
                int64_t off = pl * w->pix_in;
                for (int a = 0; a < sp; a++) off += (s[a] + j[a] * w->d[a]) * rstr[a];
                sum += powp(f32 ? xf[off] : lstm__get_f(X, (size_t)off), p->p);
                int a = sp - 1;
                for (; a >= 0; a--) {
                    if (++j[a] < hi[a]) break;
                    j[a] = lo[a];
                }
                if (a < 0) break;
            }
            if (f32)
                ((float *)Y->data)[e] = (float)root(sum, p->p);
            else
                lstm__put_f(Y, e, root(sum, p->p));
            for (int a = sp - 1; a >= 0; a--) {
                if (++o[a] < w->out[a]) break;
                o[a] = 0;
            }
        }
    }
}

static int run(lstm__kctx *k)
{
    const lstm__lppool_params *p = k->params;
    const lstm__lppool_state *st = k->state;
    if (k->out[0]->nelem == 0) return LSTM_OK;
    if (p->global)
        global_run(k, p, st);
    else
        window_run(k, p, st);
    return LSTM_OK;
}

LSTM__OP_FAMILY(lstm__lppool, 0)
LSTM__OP_FAMILY(lstm__glppool, 1)
