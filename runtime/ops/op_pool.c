/*
** op_pool.c — MaxPool (1; 8: storage_order and the Indices output; 10: ceil_mode, dilations;
** 11, 12 (int8 / uint8), 22), AveragePool (1; 7: count_include_pad; 10: ceil_mode; 11;
** 19: dilations; 22), GlobalMaxPool and GlobalAveragePool (1, 22).
** Each output pixel's window, per spatial axis: taps j = 0..k-1 at start + j * dilation with
** start = out * stride - pad_begin; taps outside the input are skipped (MaxPool) or left out of
** the average; with count_include_pad the divisor counts the taps inside the input and its
** pads (not those past the end pad that ceil_mode adds, as onnxruntime does).
** MaxPool takes the first tap, then any greater one (a NaN first stays; -inf stays -inf). Its
** Indices are flat indices into X (batch and channel included), row-major, or with
** storage_order = 1 column-major over the spatial axes. A window without any tap inside the
** input gives the type's lowest value and index -1 (onnxruntime's reading).
** float32 1-D / 2-D pools run direct loops; other types and ranks go through double.
*/
#include "ops/conv.h"
#include "ops/conv_vec.h"
#include "ops/ops.h"
#include "dtype.h"

#include <float.h>
#include <string.h>

static int pool_parse(const lstm__graph *g, const lstm__node *n, int since, void *params, int kind,
                      lstm__diag *d)
{
    lstm__pool_params *p = params;
    memset(p, 0, sizeof *p);
    p->kind = kind;
    if (kind == LSTM__POOL_GMAX || kind == LSTM__POOL_GAVG) {
        static const char *const none[] = {NULL};
        return lstm__arity(g, n, 1, 1, 1, 1, d) || lstm__attrs_allowed(g, n, since, none, d);
    }
    unsigned what = LSTM__WIN_KERNEL_REQUIRED;
    if (kind == LSTM__POOL_MAX) {
        static const char *const v1[] = {"auto_pad", "kernel_shape", "pads", "strides", NULL};
        static const char *const v8[] = {"auto_pad", "kernel_shape",  "pads",
                                         "strides",  "storage_order", NULL};
        static const char *const v10[] = {"auto_pad", "ceil_mode",     "dilations", "kernel_shape",
                                          "pads",     "storage_order", "strides",   NULL};
        if (lstm__arity(g, n, 1, 1, 1, since >= 8 ? 2 : 1, d) ||
            lstm__attrs_allowed(g, n, since,
                                since >= 10  ? v10
                                : since >= 8 ? v8
                                             : v1,
                                d) ||
            lstm__attr_flag(g, n, "storage_order", 0, &p->storage_order, d))
            return d->code;
        if (since >= 10) what |= LSTM__WIN_CEIL | LSTM__WIN_DILATIONS;
    } else {
        static const char *const v1[] = {"auto_pad", "kernel_shape", "pads", "strides", NULL};
        static const char *const v7[] = {"auto_pad", "count_include_pad", "kernel_shape",
                                         "pads",     "strides",           NULL};
        static const char *const v10[] = {
            "auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads", "strides", NULL};
        static const char *const v19[] = {
            "auto_pad",     "ceil_mode", "count_include_pad", "dilations",
            "kernel_shape", "pads",      "strides",           NULL};
        if (lstm__arity(g, n, 1, 1, 1, 1, d) ||
            lstm__attrs_allowed(g, n, since,
                                since >= 19   ? v19
                                : since >= 10 ? v10
                                : since >= 7  ? v7
                                              : v1,
                                d) ||
            lstm__attr_flag(g, n, "count_include_pad", 0, &p->count_include_pad, d))
            return d->code;
        if (since >= 10) what |= LSTM__WIN_CEIL;
        if (since >= 19) what |= LSTM__WIN_DILATIONS;
    }
    return lstm__win_parse(g, n, what, &p->w, d);
}

int lstm__maxpool_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                        lstm__diag *d)
{
    return pool_parse(g, n, since, params, LSTM__POOL_MAX, d);
}
int lstm__avgpool_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                        lstm__diag *d)
{
    return pool_parse(g, n, since, params, LSTM__POOL_AVG, d);
}
int lstm__gmaxpool_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                         lstm__diag *d)
{
    return pool_parse(g, n, since, params, LSTM__POOL_GMAX, d);
}
int lstm__gavgpool_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                         lstm__diag *d)
{
    return pool_parse(g, n, since, params, LSTM__POOL_GAVG, d);
}

static int prepare(lstm__kctx *k)
{
    const lstm__pool_params *p = k->params;
    lstm__pool_state *st = k->state;
    const lstm__rt *X = k->in[0];
    char s1[96];
    memset(st, 0, sizeof *st);
    int ints_ok = p->kind == LSTM__POOL_MAX && k->since >= 10 &&
                  (X->dtype == LSTM_DT_INT8 || X->dtype == LSTM_DT_UINT8);
    if (!lstm__is_float(X->dtype) && !ints_ok)
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type %s", lstm__klabel(k),
                          lstm__dtype_name(X->dtype));
    if (X->rank < 3)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: X has shape %s, expected [N, C, D1, ...] (rank 3 or more)",
                          lstm__klabel(k), lstm__dims_str(s1, sizeof s1, X->rank, X->dims));
    int sp = X->rank - 2;
    st->N = X->dims[0];
    st->C = X->dims[1];
    int64_t dims[LSTM__MAX_RANK] = {st->N, st->C};
    if (p->kind == LSTM__POOL_GMAX || p->kind == LSTM__POOL_GAVG) {
        st->w.sp = sp;
        st->w.pix_in = 1;
        for (int i = 0; i < sp; i++) st->w.pix_in *= X->dims[2 + i], dims[2 + i] = 1;
        return lstm__rt_set(k, k->out[0], X->dtype, X->rank, dims);
    }
    if (p->w.nk != sp)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: attribute 'kernel_shape' has %d values for %d spatial axes",
                          lstm__klabel(k), p->w.nk, sp);
    if (lstm__win_forward(k, &p->w, sp, X->dims + 2, p->w.kernel, &st->w)) return k->d->code;
    for (int i = 0; p->w.auto_pad == LSTM__AUTOPAD_NOTSET && i < sp; i++)
        if (st->w.pb[i] >= st->w.k[i] || st->w.pe[i] >= st->w.k[i])
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: pads %lld and %lld on spatial axis %d must be smaller than the "
                              "kernel (%lld)",
                              lstm__klabel(k), (long long)st->w.pb[i], (long long)st->w.pe[i], i,
                              (long long)st->w.k[i]);
    for (int i = 0; i < sp; i++) dims[2 + i] = st->w.out[i];
    if (lstm__rt_set(k, k->out[0], X->dtype, X->rank, dims)) return k->d->code;
    if (X->dtype == LSTM_DT_FLOAT && sp <= 2) /* the spans of pool2_f32 */
        k->scratch_size =
            (size_t)(st->w.out[0] + (sp == 2 ? st->w.out[1] : 1)) * 4 * sizeof(int64_t);
    if (k->n->n_out > 1 && k->out[1] && lstm__rt_set(k, k->out[1], LSTM_DT_INT64, X->rank, dims))
        return k->d->code;
    return LSTM_OK;
}

int lstm__maxpool_prepare(lstm__kctx *k)
{
    return prepare(k);
}
int lstm__avgpool_prepare(lstm__kctx *k)
{
    return prepare(k);
}
int lstm__gmaxpool_prepare(lstm__kctx *k)
{
    return prepare(k);
}
int lstm__gavgpool_prepare(lstm__kctx *k)
{
    return prepare(k);
}

/* Taps of one axis for output position o: [lo, hi) inside the input, [0, pad) inside the
** input and its pads. */
static inline void taps(const lstm__win *w, int a, int64_t o, int64_t *start, int64_t *lo,
                        int64_t *hi, int64_t *pad)
{
    int64_t s = o * w->s[a] - w->pb[a], d = w->d[a], k = w->k[a];
    int64_t l = s < 0 ? (-s + d - 1) / d : 0;
    int64_t h = w->in[a] - 1 - s < 0 ? 0 : (w->in[a] - 1 - s) / d + 1;
    int64_t pd = w->in[a] + w->pe[a] - 1 - s < 0 ? 0 : (w->in[a] + w->pe[a] - 1 - s) / d + 1;
    *start = s;
    *lo = l;
    *hi = h < k ? h : k;
    *pad = pd < k ? pd : k;
}

/* Per output position of one axis: its window's start and taps [lo, hi) inside the input,
** [0, pad) inside the input and its pads. */
typedef struct span {
    int64_t start, lo, hi, pad;
} span;

static void spans(const lstm__win *w, int a, span *out)
{
    for (int64_t o = 0; o < w->out[a]; o++)
        taps(w, a, o, &out[o].start, &out[o].lo, &out[o].hi, &out[o].pad);
}

/* float32, 1 or 2 spatial axes; the spans of both axes in scratch. */
static void pool2_f32(lstm__kctx *k, const lstm__pool_params *p, const lstm__pool_state *st)
{
    const lstm__win *w = &st->w;
    const int two = w->sp == 2;
    lstm__win v = *w; /* 1-D as 2-D with one row */
    if (!two) {
        v.in[1] = w->in[0], v.out[1] = w->out[0], v.k[1] = w->k[0], v.s[1] = w->s[0];
        v.d[1] = w->d[0], v.pb[1] = w->pb[0], v.pe[1] = w->pe[0];
        v.in[0] = v.out[0] = v.k[0] = v.s[0] = v.d[0] = 1;
        v.pb[0] = v.pe[0] = 0;
    }
    const float *X = k->in[0]->data;
    float *Y = k->out[0]->data;
    int64_t *I = k->n->n_out > 1 && k->out[1] ? k->out[1]->data : NULL;
    const int64_t IH = v.in[0], IW = v.in[1], OH = v.out[0], OW = v.out[1], DY = v.d[0],
                  DX = v.d[1];
    span *ys = k->scratch, *xs = ys + OH;
    spans(&v, 0, ys);
    spans(&v, 1, xs);
    const int max = p->kind == LSTM__POOL_MAX;
    /* 2x2 windows at stride 2 inside the input (the CRNN's MaxPool2d(2)): four loads. */
    const int quad = max && !I && v.k[0] == 2 && v.k[1] == 2 && v.s[0] == 2 && v.s[1] == 2 &&
                     DY == 1 && DX == 1 && v.pb[0] == 0 && v.pb[1] == 0 && 2 * OH <= IH &&
                     2 * OW <= IW;
    for (int64_t pl = 0; pl < st->N * st->C; pl++) {
        const float *x = X + pl * IH * IW;
        float *y = Y + pl * OH * OW;
        if (quad) {
            for (int64_t oy = 0; oy < OH; oy++) {
                const float *r0 = x + 2 * oy * IW, *r1 = r0 + IW;
                lstm__vmax2x2(y + oy * OW, r0, r1, OW);
            }
            continue;
        }
        for (int64_t oy = 0; oy < OH; oy++) {
            const span sy = ys[oy];
            for (int64_t ox = 0; ox < OW; ox++) {
                const span sx = xs[ox];
                if (max) {
                    float best = -FLT_MAX;
                    int64_t at = -1;
                    for (int64_t jy = sy.lo; jy < sy.hi; jy++) {
                        const int64_t row = (sy.start + jy * DY) * IW + sx.start;
                        for (int64_t jx = sx.lo; jx < sx.hi; jx++) {
                            float val = x[row + jx * DX];
                            if (at < 0 || val > best) {
                                best = val;
                                at = row + jx * DX;
                            }
                        }
                    }
                    y[oy * OW + ox] = best;
                    if (I) {
                        int64_t idx = at;
                        if (at >= 0 && p->storage_order) {
                            int64_t iy = at / IW, ix = at % IW;
                            idx = two ? ix * IH + iy : ix;
                        }
                        I[pl * OH * OW + oy * OW + ox] = at < 0 ? -1 : pl * IH * IW + idx;
                    }
                } else {
                    float sum = 0;
                    for (int64_t jy = sy.lo; jy < sy.hi; jy++) {
                        const float *xr = x + (sy.start + jy * DY) * IW + sx.start;
                        for (int64_t jx = sx.lo; jx < sx.hi; jx++) sum += xr[jx * DX];
                    }
                    int64_t cnt =
                        p->count_include_pad ? sy.pad * sx.pad : (sy.hi - sy.lo) * (sx.hi - sx.lo);
                    y[oy * OW + ox] =
                        cnt > 0 && sy.hi > sy.lo && sx.hi > sx.lo ? sum / (float)cnt : 0.0f;
                }
            }
        }
    }
}

/* Any type and rank, through double. */
static void pool_nd(lstm__kctx *k, const lstm__pool_params *p, const lstm__pool_state *st)
{
    const lstm__win *w = &st->w;
    const lstm__rt *X = k->in[0];
    lstm__rt *Y = k->out[0];
    int64_t *I = k->n->n_out > 1 && k->out[1] ? k->out[1]->data : NULL;
    const int sp = w->sp, max = p->kind == LSTM__POOL_MAX;
    int64_t rstr[LSTM__SP_MAX], cstr[LSTM__SP_MAX], r = 1, c = 1;
    for (int a = sp - 1; a >= 0; a--) rstr[a] = r, r *= w->in[a];
    for (int a = 0; a < sp; a++) cstr[a] = c, c *= w->in[a];
    size_t e = 0;
    for (int64_t pl = 0; pl < st->N * st->C; pl++) {
        int64_t o[LSTM__SP_MAX] = {0};
        for (int64_t q = 0; q < w->pix_out; q++, e++) {
            int64_t s[LSTM__SP_MAX], lo[LSTM__SP_MAX], hi[LSTM__SP_MAX], pad[LSTM__SP_MAX];
            int64_t cnt = 1, cntpad = 1;
            int empty = 0;
            for (int a = 0; a < sp; a++) {
                taps(w, a, o[a], &s[a], &lo[a], &hi[a], &pad[a]);
                empty |= lo[a] >= hi[a];
                cnt *= hi[a] > lo[a] ? hi[a] - lo[a] : 0;
                cntpad *= pad[a];
            }
            double best = -DBL_MAX, sum = 0;
            int64_t at = -1, atc = -1;
            int64_t j[LSTM__SP_MAX];
            for (int a = 0; a < sp; a++) j[a] = lo[a];
            while (!empty) {
                int64_t off = 0, offc = 0;
                for (int a = 0; a < sp; a++) {
                    int64_t pos = s[a] + j[a] * w->d[a];
                    off += pos * rstr[a];
                    offc += pos * cstr[a];
                }
                double v = lstm__get_f(X, (size_t)(pl * w->pix_in + off));
                if (max) {
                    if (at < 0 || v > best) best = v, at = off, atc = offc;
                } else {
                    sum += v;
                }
                int a = sp - 1;
                for (; a >= 0; a--) {
                    if (++j[a] < hi[a]) break;
                    j[a] = lo[a];
                }
                if (a < 0) break;
            }
            if (max) {
                lstm__put_f(Y, e, best);
                if (I) I[e] = at < 0 ? -1 : pl * w->pix_in + (p->storage_order ? atc : at);
            } else {
                int64_t dv = p->count_include_pad ? cntpad : cnt;
                lstm__put_f(Y, e, dv > 0 ? sum / (double)dv : 0.0);
            }
            for (int a = sp - 1; a >= 0; a--) {
                if (++o[a] < w->out[a]) break;
                o[a] = 0;
            }
        }
    }
}

static void global(lstm__kctx *k, const lstm__pool_params *p, const lstm__pool_state *st)
{
    const lstm__rt *X = k->in[0];
    lstm__rt *Y = k->out[0];
    const int64_t S = st->w.pix_in;
    for (int64_t pl = 0; pl < st->N * st->C; pl++) {
        if (X->dtype == LSTM_DT_FLOAT) {
            const float *x = (const float *)X->data + pl * S;
            float *y = Y->data;
            if (p->kind == LSTM__POOL_GMAX) {
                float best = S > 0 ? x[0] : -FLT_MAX;
                for (int64_t i = 1; i < S; i++) best = x[i] > best ? x[i] : best;
                y[pl] = best;
            } else {
                double sum = 0;
                for (int64_t i = 0; i < S; i++) sum += x[i];
                y[pl] = S > 0 ? (float)(sum / (double)S) : 0.0f;
            }
            continue;
        }
        double best = -DBL_MAX, sum = 0;
        for (int64_t i = 0; i < S; i++) {
            double v = lstm__get_f(X, (size_t)(pl * S + i));
            if (i == 0 || v > best) best = v;
            sum += v;
        }
        lstm__put_f(Y, (size_t)pl, p->kind == LSTM__POOL_GMAX ? best : S > 0 ? sum / (double)S : 0);
    }
}

static int run(lstm__kctx *k)
{
    const lstm__pool_params *p = k->params;
    const lstm__pool_state *st = k->state;
    if (k->out[0]->nelem == 0) return LSTM_OK;
    if (p->kind == LSTM__POOL_GMAX || p->kind == LSTM__POOL_GAVG)
        global(k, p, st);
    else if (k->in[0]->dtype == LSTM_DT_FLOAT && st->w.sp <= 2)
        pool2_f32(k, p, st);
    else
        pool_nd(k, p, st);
    return LSTM_OK;
}

int lstm__maxpool_run(lstm__kctx *k)
{
    return run(k);
}
int lstm__avgpool_run(lstm__kctx *k)
{
    return run(k);
}
int lstm__gmaxpool_run(lstm__kctx *k)
{
    return run(k);
}
int lstm__gavgpool_run(lstm__kctx *k)
{
    return run(k);
}
