/*
** op_resize.c — Resize (10: scales, asymmetric; 11: roi, sizes, coordinate modes, cubic, nearest
** modes; 13: roi and scales optional; 18: axes, keep_aspect_ratio_policy, antialias; 19:
** half_pixel_symmetric) and Upsample (7: scales attribute; 9: scales input). The arithmetic
** follows onnxruntime's CPU kernel where the spec leaves it open: output sizes and source
** coordinates in float32, nearest's ties taken within 1e-6 of k + 0.5 (9 / 1.2f = 7.4999995 is
** one), Resize 10 / Upsample nearest rounding up on shrinking axes and down otherwise, linear
** coordinates clamped into the input, an axis of scale 1 and unchanged size copied whatever the
** coordinate mode (tf_half_pixel_for_nn would shift it by half an element) except that
** tf_crop_and_resize crops it when its roi is not [0, 1], as the spec does (onnxruntime copies
** it). Unlike onnxruntime, an output of the input's shape is interpolated when its scales are not
** 1 (as the spec and PyTorch do; onnxruntime returns the input).
** Separable: one pass per axis that changes, each output index reading 1, 2 or 4 input indices
** (nearest, linear, cubic; antialias: the filter's window, stretched by 1 / scale when an axis
** shrinks) with weights from a table built per run. Nearest copies elements of any type; linear
** and cubic take float types (float16 / bfloat16 through float32). Refused: linear and cubic on
** integer and bool data.
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct tap {
    int64_t idx; /* -1: extrapolation_value */
    double w;
} tap;

static int parse(const lstm__graph *g, const lstm__node *n, int since, void *params, int upsample,
                 lstm__diag *d)
{
    lstm__resize_params *p = params;
    static const char *const v7[] = {"mode", "scales", NULL}, *const v9[] = {"mode", NULL},
                             *const v11[] = {"coordinate_transformation_mode",
                                             "cubic_coeff_a",
                                             "exclude_outside",
                                             "extrapolation_value",
                                             "mode",
                                             "nearest_mode",
                                             NULL},
                             *const v18[] = {"antialias",
                                             "axes",
                                             "coordinate_transformation_mode",
                                             "cubic_coeff_a",
                                             "exclude_outside",
                                             "extrapolation_value",
                                             "keep_aspect_ratio_policy",
                                             "mode",
                                             "nearest_mode",
                                             NULL};
    static const char *const modes[] = {"nearest", "linear", "cubic"},
                             *const coords[] = {"half_pixel",          "asymmetric",
                                                "pytorch_half_pixel",  "tf_half_pixel_for_nn",
                                                "align_corners",       "tf_crop_and_resize",
                                                "half_pixel_symmetric"},
                             *const nearests[] = {"round_prefer_floor", "round_prefer_ceil",
                                                  "floor", "ceil"},
                             *const policies[] = {"stretch", "not_larger", "not_smaller"};
    char b[LSTM__LABEL_MAX];
    memset(p, 0, sizeof *p);
    p->upsample = upsample;
    p->n_axes = -1;
    p->cubic_a = -0.75f;
    p->coord = upsample || since < 11 ? LSTM__RS_ASYMMETRIC : LSTM__RS_HALF_PIXEL;
    p->nearest = upsample || since < 11 ? LSTM__RS_SIMPLE : LSTM__RS_PREFER_FLOOR;
    if (upsample && n->opset >= 10)
        return lstm__errf(d, LSTM_EMODEL,
                          "%s: Upsample is deprecated from opset 10 (this model imports opset "
                          "%lld); use Resize",
                          lstm__node_ctx(g, n, b, sizeof b), (long long)n->opset);
    const char *const *allowed = upsample     ? (since < 9 ? v7 : v9)
                                 : since < 11 ? v9
                                 : since < 18 ? v11
                                              : v18;
    int max_in = upsample || since < 11 ? (since < 9 ? 1 : 2) : 4;
    int min_in = upsample ? (since < 9 ? 1 : 2) : since < 11 ? 2 : since < 13 ? 3 : 1;
    if (lstm__arity(g, n, min_in, max_in, 1, 1, d) ||
        lstm__attrs_allowed(g, n, since, allowed, d) ||
        lstm__attr_choice(g, n, "mode", modes, upsample || since < 11 ? 2 : 3, &p->mode, d))
        return d->code;
    if (upsample && since < 9) {
        const lstm__attr *a = lstm__attr_find(n, "scales");
        if (!a || a->type != LSTM__A_FLOATS)
            return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'scales' (floats) is required",
                              lstm__node_ctx(g, n, b, sizeof b));
        if (a->n > LSTM__MAX_RANK)
            return lstm__errf(d, LSTM_EUNSUPPORTED,
                              "%s: attribute 'scales' has %zu values, at most %d",
                              lstm__node_ctx(g, n, b, sizeof b), a->n, LSTM__MAX_RANK);
        p->n_scales = (int)a->n;
        memcpy(p->scales, a->floats, a->n * sizeof(float));
    }
    if (upsample || since < 11) return LSTM_OK;
    int64_t excl = 0, anti = 0;
    if (lstm__attr_choice(g, n, "coordinate_transformation_mode", coords, since >= 19 ? 7 : 6,
                          &p->coord, d) ||
        lstm__attr_choice(g, n, "nearest_mode", nearests, 4, &p->nearest, d) ||
        lstm__attr_float(g, n, "cubic_coeff_a", -0.75f, &p->cubic_a, d) ||
        lstm__attr_float(g, n, "extrapolation_value", 0.0f, &p->extrapolation, d) ||
        lstm__attr_flag(g, n, "exclude_outside", 0, &excl, d))
        return d->code;
    if (lstm__attr_find(n, "nearest_mode")) p->nearest++; /* the list starts at PREFER_FLOOR */
    p->exclude_outside = excl != 0;
    if (since < 18) return LSTM_OK;
    if (lstm__attr_choice(g, n, "keep_aspect_ratio_policy", policies, 3, &p->policy, d) ||
        lstm__attr_flag(g, n, "antialias", 0, &anti, d) ||
        lstm__attr_ints(g, n, "axes", p->axes, LSTM__MAX_RANK, &p->n_axes, d))
        return d->code;
    p->antialias = anti != 0 && p->mode != LSTM__RS_NEAREST; /* nearest has no filter */
    return LSTM_OK;
}

/* Float values of input idx (float16 / float / double, rank <= 1) into out; *n = -1 when the
** input is absent. */
static int read_floats(lstm__kctx *k, int idx, const char *what, float *out, int cap, int *n)
{
    const lstm__rt *t = idx < k->n->n_in ? k->in[idx] : NULL;
    *n = -1;
    if (!t) return LSTM_OK;
    if (lstm__need_value(k, idx, what)) return k->d->code;
    if (!lstm__is_float(t->dtype) || t->rank > 1)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: input %s is %s of rank %d, expected 1-D float",
                          lstm__klabel(k), what, lstm__dtype_name(t->dtype), t->rank);
    if (t->nelem > (size_t)cap)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: input %s has %zu values, at most %d",
                          lstm__klabel(k), what, t->nelem, cap);
    for (size_t i = 0; i < t->nelem; i++) out[i] = (float)lstm__get_f(t, i);
    *n = (int)t->nelem;
    return LSTM_OK;
}

/* The axes scales / sizes / roi give (18+: the axes attribute), normalized; returns the count. */
static int given_axes(lstm__kctx *k, int rank, int *ax)
{
    const lstm__resize_params *p = k->params;
    if (p->n_axes < 0) {
        for (int i = 0; i < rank; i++) ax[i] = i;
        return rank;
    }
    int seen[LSTM__MAX_RANK] = {0};
    for (int i = 0; i < p->n_axes; i++) {
        if (lstm__axis(k, p->axes[i], rank, &ax[i], "axes")) return -1;
        if (seen[ax[i]]++) {
            lstm__errf(k->d, LSTM_EINVAL, "%s: axes name axis %d twice", lstm__klabel(k), ax[i]);
            return -1;
        }
    }
    return p->n_axes;
}

/* Output sizes and per-axis scales from scales or sizes (and roi for tf_crop_and_resize). */
static int out_shape(lstm__kctx *k, lstm__resize_state *st, const lstm__rt *x, int64_t *dims)
{
    const lstm__resize_params *p = k->params;
    const int r = x->rank, old = p->upsample || k->since < 11;
    const int i_roi = old ? -1 : 1, i_scales = old ? (k->since < 9 ? -1 : 1) : 2, i_sizes = 3;
    float sc[LSTM__MAX_RANK], roi[2 * LSTM__MAX_RANK];
    int64_t sz[LSTM__MAX_RANK];
    int ax[LSTM__MAX_RANK], na = given_axes(k, r, ax), ns = -1, nz = -1, nr = -1;
    if (na < 0) return k->d->code;
    if (i_scales < 0) {
        ns = p->n_scales;
        memcpy(sc, p->scales, sizeof sc);
    } else if (read_floats(k, i_scales, "scales", sc, LSTM__MAX_RANK, &ns)) {
        return k->d->code;
    }
    if (!old && k->n->n_in > i_sizes && k->in[i_sizes]) {
        if (lstm__read_ints(k, i_sizes, "sizes", sz, LSTM__MAX_RANK, &nz)) return k->d->code;
    }
    if (p->coord == LSTM__RS_TF_CROP_AND_RESIZE && i_roi > 0 &&
        read_floats(k, i_roi, "roi", roi, 2 * LSTM__MAX_RANK, &nr))
        return k->d->code;
    if (ns > 0 && nz > 0)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: scales and sizes are both given, expected one",
                          lstm__klabel(k));
    if (ns <= 0 && nz <= 0)
        return lstm__errf(k->d, LSTM_EINVAL,
                          old ? "%s: scales is empty, expected one value per axis"
                              : "%s: neither scales nor sizes is given",
                          lstm__klabel(k));
    int nv = ns > 0 ? ns : nz;
    if (nv != na)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: %s has %d values, expected %d (%s)",
                          lstm__klabel(k), ns > 0 ? "scales" : "sizes", nv, na,
                          p->n_axes < 0 ? "the input's rank" : "one per axis in axes");
    for (int i = 0; i < r; i++) {
        dims[i] = x->dims[i];
        st->scale[i] = 1.0f;
        st->roi_lo[i] = 0.0f;
        st->roi_hi[i] = 1.0f;
    }
    if (nr > 0 && nr != 2 * na)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: roi has %d values, expected %d", lstm__klabel(k),
                          nr, 2 * na);
    for (int j = 0; j < na && nr > 0; j++) {
        st->roi_lo[ax[j]] = roi[j];
        st->roi_hi[ax[j]] = roi[na + j];
    }
    if (ns > 0) {
        for (int j = 0; j < na; j++) {
            const int a = ax[j];
            const float s = sc[j], o = s * (float)x->dims[a];
            if (!(s > 0.0f) || (p->upsample && s < 1.0f) || !(o < 4.6e18f))
                return lstm__errf(k->d, LSTM_EINVAL, "%s: scale %g of axis %d, expected %s",
                                  lstm__klabel(k), (double)s, a,
                                  p->upsample ? ">= 1" : "> 0 (and an output size that fits)");
            st->scale[a] = s;
            dims[a] = (int64_t)o;
        }
        return LSTM_OK;
    }
    float keep = p->policy == LSTM__RS_NOT_LARGER ? INFINITY : 0.0f;
    for (int j = 0; j < na; j++) {
        const int a = ax[j];
        if (sz[j] < 0 || (x->dims[a] == 0 && sz[j] != 0))
            return lstm__errf(k->d, LSTM_EINVAL, "%s: size %lld for axis %d of %lld, expected %s",
                              lstm__klabel(k), (long long)sz[j], a, (long long)x->dims[a],
                              x->dims[a] ? ">= 0" : "0 (the axis is empty)");
        dims[a] = sz[j];
        const float s = x->dims[a] ? (float)sz[j] / (float)x->dims[a] : 1.0f;
        st->scale[a] = s;
        if (p->policy == LSTM__RS_NOT_LARGER && s < keep) keep = s;
        if (p->policy == LSTM__RS_NOT_SMALLER && s > keep) keep = s;
    }
    if (p->policy == LSTM__RS_STRETCH) return LSTM_OK;
    for (int j = 0; j < na; j++) {
        const int a = ax[j];
        const float o = roundf(keep * (float)x->dims[a]);
        if (!(o < 4.6e18f))
            return lstm__errf(k->d, LSTM_EINVAL, "%s: size of axis %d overflows", lstm__klabel(k),
                              a);
        st->scale[a] = keep;
        dims[a] = (int64_t)o;
    }
    return LSTM_OK;
}

/* The source coordinate of output index x on an axis (float32, as onnxruntime computes it). */
static float source(const lstm__resize_params *p, const lstm__resize_state *st, int a, float x,
                    float out, float in)
{
    const float s = st->scale[a];
    switch (p->coord) {
    case LSTM__RS_ASYMMETRIC:
        return x / s;
    case LSTM__RS_PYTORCH_HALF_PIXEL:
        return out > 1 ? (x + 0.5f) / s - 0.5f : 0.0f;
    case LSTM__RS_TF_HALF_PIXEL_FOR_NN:
        return (x + 0.5f) / s;
    case LSTM__RS_ALIGN_CORNERS:
        return out == 1 ? 0.0f : x * (in - 1) / (out - 1);
    case LSTM__RS_TF_CROP_AND_RESIZE: {
        const float lo = st->roi_lo[a], hi = st->roi_hi[a];
        return out > 1 ? lo * (in - 1) + (x * (hi - lo) * (in - 1)) / (out - 1)
                       : (float)(0.5 * (lo + hi) * (in - 1));
    }
    case LSTM__RS_HALF_PIXEL_SYMMETRIC: {
        const float w = s * in, adj = out / w, center = in / 2, off = center * (1 - adj);
        return (float)(off + (x + 0.5) / s - 0.5);
    }
    default:
        return (x + 0.5f) / s - 0.5f;
    }
}

/* A float index as an integer: NaN as 0, magnitudes past 2^50 saturated (the callers clamp into
** the axis), so that no conversion overflows. */
static int64_t to_index(float v)
{
    const float big = 1125899906842624.0f; /* 2^50 */
    return v != v ? 0 : v < -big ? -(int64_t)big : v > big ? (int64_t)big : (int64_t)v;
}

static int64_t nearest_index(int mode, float x, int shrink)
{
    switch (mode) {
    case LSTM__RS_SIMPLE:
        return to_index(shrink ? ceilf(x) : x);

    case LSTM__RS_FLOOR:
        return to_index(floorf(x));
    case LSTM__RS_CEIL:
        return to_index(ceilf(x));
    default: { /* round_prefer_floor / _ceil: within 1e-6 of k + 0.5 is a tie, as onnxruntime */
        const float f = floorf(x);
        if (fabsf(x - (f + 0.5f)) < 1e-6f)
            return to_index(mode == LSTM__RS_PREFER_CEIL ? f + 1 : f);
        return to_index(roundf(x));
    }
    }
}

static void cubic_weights(double t, double A, double *w)
{
    const double u = 1 - t;
    w[0] = ((A * (t + 1) - 5 * A) * (t + 1) + 8 * A) * (t + 1) - 4 * A;
    w[1] = ((A + 2) * t - (A + 3)) * t * t + 1;
    w[2] = ((A + 2) * u - (A + 3)) * u * u + 1;
    w[3] = ((A * (u + 1) - 5 * A) * (u + 1) + 8 * A) * (u + 1) - 4 * A;
}

static int64_t clamp(int64_t i, int64_t n)
{
    return i < 0 ? 0 : i >= n ? n - 1 : i;
}

/* Whether axis a is copied as it is. As onnxruntime: no coordinate transformation at scale 1,
** except tf_crop_and_resize with a roi other than [0, 1] on the axis, which the spec crops (and
** onnxruntime copies). A scale of 1 from sizes can still change the axis (float32 rounds 2^24 + 1
** to 2^24): then the taps are built. */
static int copied(const lstm__resize_params *p, const lstm__resize_state *st, int a, int64_t in,
                  int64_t out)
{
    if (p->coord == LSTM__RS_TF_CROP_AND_RESIZE && (st->roi_lo[a] != 0.0f || st->roi_hi[a] != 1.0f))
        return 0;
    return st->scale[a] == 1.0f && in == out;
}

/* The taps of every output index of axis a (in -> out elements); returns whether the axis maps
** each index onto itself (then it needs no pass). */
static int make_taps(const lstm__resize_params *p, const lstm__resize_state *st, int a, int64_t in,
                     int64_t out, tap *t)
{
    const int nt = p->mode == LSTM__RS_NEAREST ? 1 : p->mode == LSTM__RS_LINEAR ? 2 : 4;
    if (copied(p, st, a, in, out)) return 1;
    const float fin = (float)in, fout = (float)out;
    int same = in == out;
    for (int64_t o = 0; o < out; o++, t += nt) {
        const float x = source(p, st, a, (float)o, fout, fin);
        if (p->coord == LSTM__RS_TF_CROP_AND_RESIZE && !(x >= 0 && x <= fin - 1)) {
            for (int i = 0; i < nt; i++) t[i] = (tap){-1, 0.0};
            same = 0;
            continue;
        }
        if (p->mode == LSTM__RS_NEAREST) {
            t[0] = (tap){clamp(nearest_index(p->nearest, x, st->scale[a] < 1.0f), in), 1.0};
        } else if (p->mode == LSTM__RS_LINEAR) {
            const float c = x < 0 ? 0 : x > fin - 1 ? fin - 1 : x;
            const int64_t i1 = clamp(to_index(c), in), i2 = clamp(i1 + 1, in);
            const double d1 = i1 == i2 ? 0.5 : fabsf(c - (float)i1),
                         d2 = i1 == i2 ? 0.5 : fabsf(c - (float)i2);
            t[0] = (tap){i1, d2};
            t[1] = (tap){i2, d1};
        } else {
            const float f = floorf(x);
            double w[4], sum = 0;
            cubic_weights((double)(x - f), p->cubic_a, w);
            for (int i = 0; i < 4; i++) {
                const int64_t j = to_index(f) - 1 + i;
                if (p->exclude_outside && (j < 0 || j >= in)) w[i] = 0;
                sum += w[i];
                t[i] = (tap){clamp(j, in), w[i]};
            }
            if (p->exclude_outside)
                for (int i = 0; i < 4; i++) t[i].w = sum != 0 ? t[i].w / sum : 0;
        }
        for (int i = 0; i < nt && same; i++) same = t[i].w == 0 || (t[i].idx == o && t[i].w == 1.0);
    }
    return same;
}

/* Antialias: the linear (triangle) or cubic filter over a window of input indices around the
** source coordinate, stretched by 1 / scale on a shrinking axis, its weights normalized to sum
** 1 (float32, as onnxruntime computes them; indices outside the input read the edge unless
** exclude_outside drops them). nt is the window (window()). Copies as make_taps (copied()). */
static int make_taps_aa(const lstm__resize_params *p, const lstm__resize_state *st, int a,
                        int64_t in, int64_t out, int nt, tap *t)
{
    if (copied(p, st, a, in, out)) return 1;
    const float rs = st->scale[a], sc = 1.0f / rs, fin = (float)in, fout = (float)out;
    const float half = p->mode == LSTM__RS_LINEAR ? 1.0f : 2.0f;
    const float support = sc >= 1.0f ? half * sc : half, inv = sc >= 1.0f ? 1.0f / sc : 1.0f;
    const float A = p->cubic_a;
    for (int64_t o = 0; o < out; o++, t += nt) {
        const float center = 0.5f + source(p, st, a, (float)o, fout, fin);
        if (p->coord == LSTM__RS_TF_CROP_AND_RESIZE &&
            !(center - 0.5f >= 0 && center - 0.5f <= fin - 1)) {
            for (int i = 0; i < nt; i++) t[i] = (tap){-1, 0.0};
            continue;
        }
        int64_t lo = to_index(floorf(center - support + 0.5f)),
                hi = to_index(floorf(center + support + 0.5f));
        hi = lo + (hi - lo < 0 ? 0 : hi - lo > nt ? nt : hi - lo);
        if (p->exclude_outside) {
            lo = lo < 0 ? 0 : lo > in ? in : lo;
            hi = hi < 0 ? 0 : hi > in ? in : hi;
        }
        float total = 0.0f;
        int k = 0;
        for (int64_t j = lo; j < hi; j++, k++) {
            float x = ((float)j - center + 0.5f) * inv;
            x = x < 0 ? -x : x;
            float f = 0.0f;
            if (p->mode == LSTM__RS_LINEAR)
                f = x < 1.0f ? 1.0f - x : 0.0f;
            else if (x < 1.0f)
                f = ((A + 2.0f) * x - (A + 3.0f)) * x * x + 1;
            else if (x < 2.0f)
                f = (((x - 5.0f) * x + 8.f) * x - 4.f) * A;
            total += f;
            if (k < nt) t[k] = (tap){clamp(j, in), f};
        }
        const float norm = total == 0.0f ? 1.0f : 1.0f / total;
        for (int i = 0; i < nt; i++)
            t[i] =
                i < k ? (tap){t[i].idx, (double)((float)t[i].w * norm)} : (tap){clamp(lo, in), 0.0};
    }
    return 0;
}

/* Taps per output index of axis a: the filter's window with antialias, else 1, 2 or 4. */
static int window(const lstm__resize_params *p, const lstm__resize_state *st, int a)
{
    if (p->mode == LSTM__RS_NEAREST) return 1;
    if (!p->antialias) return p->mode == LSTM__RS_LINEAR ? 2 : 4;
    const float sc = 1.0f / st->scale[a], half = p->mode == LSTM__RS_LINEAR ? 1.0f : 2.0f;
    const float support = sc >= 1.0f ? half * sc : half;
    return support < 1e6f ? (int)ceilf(support) * 2 + 1 : -1;
}

static int prepare(lstm__kctx *k)
{
    const lstm__resize_params *p = k->params;
    lstm__resize_state *st = k->state;
    const lstm__rt *x = k->in[0];
    int64_t dims[LSTM__MAX_RANK];
    const int r = x->rank;
    memset(st, 0, sizeof *st);
    if (!lstm__dtype_size(x->dtype))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type %s", lstm__klabel(k),
                          lstm__dtype_name(x->dtype));
    if (p->mode != LSTM__RS_NEAREST && !lstm__is_float(x->dtype))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED,
                          "%s: mode %s on %s data is not implemented (float types only; nearest "
                          "takes any type)",
                          lstm__klabel(k), p->mode == LSTM__RS_LINEAR ? "linear" : "cubic",
                          lstm__dtype_name(x->dtype));
    if (r == 0)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: input X is a scalar, expected rank >= 1",
                          lstm__klabel(k));
    if (out_shape(k, st, x, dims)) return k->d->code;
    int rc = lstm__rt_set(k, k->out[0], x->dtype, r, dims);
    if (rc || !k->out[0]->nelem) return rc;
    st->convert = p->mode != LSTM__RS_NEAREST &&
                  (x->dtype == LSTM_DT_FLOAT16 || x->dtype == LSTM_DT_BFLOAT16);
    lstm__rt fill = {.dtype = x->dtype, .data = st->fill};
    if (lstm__dtype_size(x->dtype) <= sizeof st->fill) lstm__put_f(&fill, 0, p->extrapolation);

    /* Axes that change, the ones that shrink the data most first; an axis whose taps map every
    ** index onto itself is found when the tables are built and skipped then (run). */
    int order[LSTM__MAX_RANK], n = 0;
    for (int a = 0; a < r; a++) order[n++] = a;
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0; j--) {
            const int a = order[j - 1], b = order[j];
            if ((double)dims[b] * (double)x->dims[a] >= (double)dims[a] * (double)x->dims[b]) break;
            order[j - 1] = b;
            order[j] = a;
        }
    const size_t csize = p->mode == LSTM__RS_NEAREST  ? lstm__dtype_size(x->dtype)
                         : x->dtype == LSTM_DT_DOUBLE ? sizeof(double)
                                                      : sizeof(float);
    size_t off = 0, most = st->convert ? x->nelem : 0;
    int64_t cur[LSTM__MAX_RANK];
    memcpy(cur, x->dims, sizeof cur);
    st->n_pass = n;
    for (int i = 0; i < n; i++) {
        const int a = order[i];
        st->pass[i] = a;
        st->tap_off[i] = off;
        st->taps[i] = window(p, st, a);
        if (st->taps[i] < 0 || (size_t)dims[a] > ((size_t)1 << 40) / (size_t)st->taps[i])
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: scale %g of axis %d needs a filter table too large",
                              lstm__klabel(k), (double)st->scale[a], a);
        off += ((size_t)dims[a] * (size_t)st->taps[i] * sizeof(tap) + 63) & ~(size_t)63;
        cur[a] = dims[a];
        const size_t elems = (size_t)lstm__dims_count(r, cur);
        if (elems > most) most = elems;
    }
    st->buf_bytes = (most * csize + 63) & ~(size_t)63;
    st->buf_off[0] = off;
    st->buf_off[1] = off + st->buf_bytes;
    k->scratch_size = off + 2 * st->buf_bytes;
    return LSTM_OK;
}

/* One pass along an axis: src [outer, in, inner] -> dst [outer, out, inner]. */
#define RESIZE_PASS(name, T)                                                                       \
    static void name(const T *src, T *dst, size_t outer, int64_t in, int64_t out, size_t inner,    \
                     const tap *taps, int nt, T fill)                                              \
    {                                                                                              \
        for (size_t o = 0; o < outer; o++) {                                                       \
            const T *s = src + o * (size_t)in * inner;                                             \
            T *d = dst + o * (size_t)out * inner;                                                  \
            for (int64_t j = 0; j < out; j++, d += inner) {                                        \
                const tap *t = taps + (size_t)j * (size_t)nt;                                      \
                if (t[0].idx < 0) {                                                                \
                    for (size_t i = 0; i < inner; i++) d[i] = fill;                                \
                    continue;                                                                      \
                }                                                                                  \
                const T w0 = (T)t[0].w, *s0 = s + (size_t)t[0].idx * inner;                        \
                for (size_t i = 0; i < inner; i++) d[i] = w0 * s0[i];                              \
                for (int q = 1; q < nt; q++) {                                                     \
                    const T w = (T)t[q].w, *sq = s + (size_t)t[q].idx * inner;                     \
                    for (size_t i = 0; i < inner; i++) d[i] += w * sq[i];                          \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
    }
RESIZE_PASS(pass_f32, float)
RESIZE_PASS(pass_f64, double)

/* Nearest: copies of es-byte elements. */
static void pass_copy(const char *src, char *dst, size_t outer, int64_t in, int64_t out,
                      size_t inner, const tap *taps, size_t es, const unsigned char *fill)
{
    const size_t row = inner * es;
    for (size_t o = 0; o < outer; o++) {
        const char *s = src + o * (size_t)in * row;
        char *d = dst + o * (size_t)out * row;
        if (inner == 1 && es == 4) {
            for (int64_t j = 0; j < out; j++)
                if (taps[j].idx < 0)
                    memcpy(d + (size_t)j * 4, fill, 4);
                else
                    memcpy(d + (size_t)j * 4, s + (size_t)taps[j].idx * 4, 4);
            continue;
        }
        for (int64_t j = 0; j < out; j++, d += row) {
            if (taps[j].idx >= 0) {
                memcpy(d, s + (size_t)taps[j].idx * row, row);
                continue;
            }
            for (size_t i = 0; i < inner; i++) memcpy(d + i * es, fill, es);
        }
    }
}

static int run(lstm__kctx *k)
{
    const lstm__resize_params *p = k->params;
    const lstm__resize_state *st = k->state;
    const lstm__rt *x = k->in[0];
    lstm__rt *y = k->out[0];
    if (!y->nelem) return LSTM_OK;
    const int r = x->rank, nearest = p->mode == LSTM__RS_NEAREST;
    const int f64 = x->dtype == LSTM_DT_DOUBLE;
    const size_t es = lstm__dtype_size(x->dtype);
    char *sc = k->scratch, *buf[2] = {sc + st->buf_off[0], sc + st->buf_off[1]};
    int todo[LSTM__MAX_RANK], n = 0;
    for (int i = 0; i < st->n_pass; i++) {
        const int a = st->pass[i];
        tap *t = (tap *)(sc + st->tap_off[i]);
        if (!(p->antialias ? make_taps_aa(p, st, a, x->dims[a], y->dims[a], st->taps[i], t)
                           : make_taps(p, st, a, x->dims[a], y->dims[a], t)))
            todo[n++] = i;
    }
    if (!n) { /* every axis maps onto itself */
        memcpy(y->data, x->data, y->nbytes);
        return LSTM_OK;
    }
    const void *src = x->data;
    int which = 0;
    if (st->convert) { /* float16 / bfloat16 -> float32 */
        float *f = (float *)buf[0];
        for (size_t i = 0; i < x->nelem; i++) f[i] = (float)lstm__get_f(x, i);
        src = f;
        which = 1;
    }
    int64_t cur[LSTM__MAX_RANK];
    memcpy(cur, x->dims, sizeof cur);
    for (int i = 0; i < n; i++) {
        const int a = st->pass[todo[i]];
        size_t outer = 1, inner = 1;
        for (int b = 0; b < a; b++) outer *= (size_t)cur[b];
        for (int b = a + 1; b < r; b++) inner *= (size_t)cur[b];
        const int last = i == n - 1 && !st->convert;
        void *dst = last ? y->data : buf[which];
        const tap *t = (const tap *)(sc + st->tap_off[todo[i]]);
        if (nearest)
            pass_copy(src, dst, outer, cur[a], y->dims[a], inner, t, es, st->fill);
        else if (f64)
            pass_f64(src, dst, outer, cur[a], y->dims[a], inner, t, st->taps[todo[i]],
                     p->extrapolation);
        else
            pass_f32(src, dst, outer, cur[a], y->dims[a], inner, t, st->taps[todo[i]],
                     p->extrapolation);
        cur[a] = y->dims[a];
        src = dst;
        which ^= 1;
    }
    if (st->convert) { /* float32 -> float16 / bfloat16 */
        const float *f = src;
        for (size_t i = 0; i < y->nelem; i++) lstm__put_f(y, i, f[i]);
    }
    return LSTM_OK;
}

LSTM__OP_FAMILY(lstm__resize, 0)
LSTM__OP_FAMILY(lstm__upsample, 1)
