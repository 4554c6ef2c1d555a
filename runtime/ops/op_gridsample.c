/*
** op_gridsample.c — GridSample (16: 4-D X, modes bilinear / nearest / bicubic; 20: any number r
** of spatial axes, the modes named linear / nearest / cubic; 22: bfloat16) and AffineGrid (20).
**
** GridSample follows the operator text and ONNX's reference: grid[n, o..., :] lists r normalized
** coordinates, innermost axis first; each is denormalized (align_corners 1: -1 and 1 are the
** centres of the corner elements, else their outer edges); nearest rounds half to even; a
** coordinate outside [lo, hi] (align_corners 1: [0, d-1], else [-0.5, d-0.5]) is clamped to
** [0, d-1] (border) or reflected about lo and hi until inside (reflection), in every mode, axis
** by axis; then the taps (1, 2 or 4 per axis: Keys cubic with a = -0.75) outside the input give
** 0 (zeros), the nearest edge element (border) or the element reflected about lo and hi
** (reflection). A non-finite coordinate samples nothing: 0, as onnxruntime gives. Integer and
** bool X are interpolated in double and converted at the end (integers truncated toward zero,
** saturated to the type; bool: non-zero). Float32 X is interpolated in float32.
**
** AffineGrid maps the base grid of size's spatial axes (align_corners 1: -1 + 2i / (d - 1), -1
** for an axis of one element as PyTorch's linspace gives; else -1 + (2i + 1) / d) through each
** theta[n] (2 x 3 or 3 x 4), in double.
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int align_attr(const lstm__graph *g, const lstm__node *n, int *out, lstm__diag *d)
{
    int64_t v;
    if (lstm__attr_flag(g, n, "align_corners", 0, &v, d)) return d->code;
    *out = (int)v;
    return LSTM_OK;
}

/* ---------------------------------------------------------------- GridSample */

int lstm__gridsample_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                           lstm__diag *d)
{
    lstm__gridsample_params *p = params;
    static const char *const names[] = {"mode", "padding_mode", "align_corners", NULL};
    /* Listed in LSTM__GS_* order. */
    static const char *const v16[] = {"bilinear", "nearest", "bicubic"},
                             *const v20[] = {"linear", "nearest", "cubic"},
                             *const pads[] = {"zeros", "border", "reflection"};
    memset(p, 0, sizeof *p);
    if (lstm__arity(g, n, 2, 2, 1, 1, d) || lstm__attrs_allowed(g, n, since, names, d) ||
        lstm__attr_choice(g, n, "mode", since < 20 ? v16 : v20, 3, &p->mode, d) ||
        lstm__attr_choice(g, n, "padding_mode", pads, 3, &p->padding, d) ||
        align_attr(g, n, &p->align, d))
        return d->code;
    return LSTM_OK;
}

static int gs_float_type(int dt, int since)
{
    return dt == LSTM_DT_FLOAT || dt == LSTM_DT_DOUBLE || dt == LSTM_DT_FLOAT16 ||
           (dt == LSTM_DT_BFLOAT16 && since >= 22);
}

/* Taps per axis for a mode. */
static int taps_of(int mode)
{
    return mode == LSTM__GS_NEAREST ? 1 : mode == LSTM__GS_LINEAR ? 2 : 4;
}

int lstm__gridsample_prepare(lstm__kctx *k)
{
    const lstm__gridsample_params *p = k->params;
    const lstm__rt *x = k->in[0], *grid = k->in[1];
    char sb[64], gb[64];
    int xok =
        lstm__is_int(x->dtype) || x->dtype == LSTM_DT_BOOL || gs_float_type(x->dtype, k->since);
    if (!xok)
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: X is %s, expected a numeric or bool type%s",
                          lstm__klabel(k), lstm__dtype_name(x->dtype),
                          x->dtype == LSTM_DT_BFLOAT16 ? " (bfloat16 from opset 22)" : "");
    if (!gs_float_type(grid->dtype, k->since))
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: grid is %s, expected float16, float32 or float64 (bfloat16 from "
                          "opset 22)",
                          lstm__klabel(k), lstm__dtype_name(grid->dtype));
    int r = x->rank - 2;
    if (r < 1 || (k->since < 20 && r != 2))
        return lstm__errf(k->d, LSTM_EINVAL, "%s: X is %s, expected rank %s", lstm__klabel(k),
                          lstm__dims_str(sb, sizeof sb, x->rank, x->dims),
                          k->since < 20 ? "4 (N, C, H, W; other ranks from opset 20)"
                                        : "3 or more (N, C and the spatial axes)");
    if (grid->rank != x->rank || grid->dims[0] != x->dims[0] || grid->dims[r + 1] != r)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: grid is %s for X %s, expected [%lld, ..., %d]",
                          lstm__klabel(k), lstm__dims_str(gb, sizeof gb, grid->rank, grid->dims),
                          lstm__dims_str(sb, sizeof sb, x->rank, x->dims), (long long)x->dims[0],
                          r);
    int64_t dims[LSTM__MAX_RANK];
    dims[0] = x->dims[0];
    dims[1] = x->dims[1];
    for (int a = 0; a < r; a++) dims[2 + a] = grid->dims[1 + a];
    int rc = lstm__rt_set(k, k->out[0], x->dtype, x->rank, dims);
    if (rc) return rc;
    for (int a = 0; a < r && k->out[0]->nelem; a++)
        if (x->dims[2 + a] == 0)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: X is %s: an empty spatial axis has nothing to sample",
                              lstm__klabel(k), lstm__dims_str(sb, sizeof sb, x->rank, x->dims));
    size_t combos = 1;
    for (int a = 0; a < r; a++) combos *= (size_t)taps_of(p->mode);
    k->scratch_size = combos * (sizeof(int64_t) + sizeof(double) + sizeof(float));
    return LSTM_OK;
}

/* x reflected about lo and hi until it lies between them (lo when they meet). */
static double reflect(double x, double lo, double hi)
{
    double range = hi - lo;
    if (range <= 0) return lo;
    if (x >= lo && x <= hi) return x;
    double dx = x < lo ? lo - x : x - hi;
    double whole = floor(dx / range), rest = dx - whole * range;
    if (!(rest >= 0 && rest <= range)) return lo; /* |x| so large that rest lost all precision */
    int odd = fmod(whole, 2.0) != 0;
    if (x < lo) return odd ? hi - rest : lo + rest;
    return odd ? lo + rest : hi - rest;
}

static void cubic_weights(double t, double *w)
{
    const double A = -0.75;
    double t1 = t + 1, u = 1 - t, u1 = 2 - t;
    w[0] = ((A * t1 - 5 * A) * t1 + 8 * A) * t1 - 4 * A;
    w[1] = ((A + 2) * t - (A + 3)) * t * t + 1;
    w[2] = ((A + 2) * u - (A + 3)) * u * u + 1;
    w[3] = ((A * u1 - 5 * A) * u1 + 8 * A) * u1 - 4 * A;
}

/* One axis of length len: the taps of normalized coordinate g (index -1: outside, reads 0).
** Returns the tap count, 0 when the coordinate samples nothing. */
static int axis_taps(const lstm__gridsample_params *p, double g, int64_t len, int64_t *idx,
                     double *w)
{
    double d = (double)len;
    double x = p->align ? (g + 1) / 2 * (d - 1) : ((g + 1) * d - 1) / 2;
    double lo = p->align ? 0 : -0.5, hi = p->align ? d - 1 : d - 0.5;
    if (!isfinite(x)) return 0;
    if (p->mode == LSTM__GS_NEAREST) x = rint(x); /* ties to even */
    if (x < lo || x > hi) {
        if (p->padding == LSTM__GS_BORDER)
            x = x < 0 ? 0 : x > d - 1 ? d - 1 : x;
        else if (p->padding == LSTM__GS_REFLECTION)
            x = reflect(x, lo, hi);
        else if (x < -4 || x > d + 4)
            return 0; /* every tap outside */
    }
    int nt = taps_of(p->mode);
    double base = p->mode == LSTM__GS_NEAREST ? trunc(x) : floor(x), t = x - base;
    int64_t first = (int64_t)base - (p->mode == LSTM__GS_CUBIC);
    if (p->mode == LSTM__GS_NEAREST)
        w[0] = 1;
    else if (p->mode == LSTM__GS_LINEAR)
        w[0] = 1 - t, w[1] = t;
    else
        cubic_weights(t, w);
    for (int j = 0; j < nt; j++) {
        int64_t i = first + j;
        if (p->padding == LSTM__GS_BORDER)
            i = i < 0 ? 0 : i > len - 1 ? len - 1 : i;
        else if (p->padding == LSTM__GS_REFLECTION)
            i = (int64_t)reflect((double)i, lo, hi);
        idx[j] = i >= 0 && i < len ? i : -1;
    }
    return nt;
}

/* An interpolated value stored in an integer or bool element: truncated toward zero,
** saturated to the type (NaN: 0). */
static void put_int(lstm__rt *y, size_t i, double v)
{
    if (y->dtype == LSTM_DT_BOOL) {
        ((uint8_t *)y->data)[i] = v != 0;
        return;
    }
    v = v != v ? 0 : trunc(v);
    double lo = y->dtype == LSTM_DT_UINT64 ? 0 : (double)lstm__int_lowest(y->dtype);
    double hi =
        y->dtype == LSTM_DT_UINT64 ? 18446744073709551615.0 : (double)lstm__int_highest(y->dtype);
    if (v < lo) v = lo;
    if (v > hi) v = hi;
    if (y->dtype == LSTM_DT_UINT64)
        ((uint64_t *)y->data)[i] = v >= 18446744073709551615.0 ? UINT64_MAX : (uint64_t)v;
    else
        lstm__put_i(y, i, v >= 9223372036854775807.0 ? INT64_MAX : (int64_t)v);
}

int lstm__gridsample_run(lstm__kctx *k)
{
    const lstm__gridsample_params *p = k->params;
    const lstm__rt *x = k->in[0], *grid = k->in[1];
    lstm__rt *y = k->out[0];
    if (!y->nelem) return LSTM_OK;
    const int r = x->rank - 2, nt = taps_of(p->mode);
    const int64_t N = x->dims[0], C = x->dims[1];
    int64_t S = 1, P = 1, stride[LSTM__MAX_RANK];
    for (int a = r - 1; a >= 0; a--) {
        stride[a] = S;
        S *= x->dims[2 + a];
        P *= grid->dims[1 + a];
    }
    size_t combos = 1;
    for (int a = 0; a < r; a++) combos *= (size_t)nt;
    int64_t *off = k->scratch;
    double *w = (double *)(off + combos);
    float *wf = (float *)(w + combos);
    const int f32 = x->dtype == LSTM_DT_FLOAT, fl = lstm__is_float(x->dtype);
    for (int64_t n = 0; n < N; n++) {
        for (int64_t q = 0; q < P; q++) {
            int64_t idx[LSTM__MAX_RANK][4];
            double tw[LSTM__MAX_RANK][4];
            size_t gi = (size_t)((n * P + q) * r), live = 0;
            int empty = 0;
            for (int a = 0; a < r && !empty; a++) /* grid lists the innermost axis first */
                empty = !axis_taps(p, lstm__get_f(grid, gi + (size_t)(r - 1 - a)), x->dims[2 + a],
                                   idx[a], tw[a]);
            /* The product of the axes' taps: the in-bounds ones with their offsets. */
            int pos[LSTM__MAX_RANK] = {0};
            for (size_t c = 0; c < combos && !empty; c++) {
                int64_t o = 0;
                double wt = 1;
                int in = 1;
                for (int a = 0; a < r; a++) {
                    in &= idx[a][pos[a]] >= 0;
                    o += idx[a][pos[a]] * stride[a];
                    wt *= tw[a][pos[a]];
                }
                if (in) {
                    off[live] = o;
                    w[live] = wt;
                    wf[live++] = (float)wt;
                }
                for (int a = r - 1; a >= 0 && ++pos[a] == nt; a--) pos[a] = 0;
            }
            for (int64_t ch = 0; ch < C; ch++) {
                size_t base = (size_t)((n * C + ch) * S), o = (size_t)((n * C + ch) * P + q);
                if (f32) {
                    const float *xs = (const float *)x->data + base;
                    float acc = 0;
                    for (size_t t = 0; t < live; t++) acc += wf[t] * xs[off[t]];
                    ((float *)y->data)[o] = acc;
                    continue;
                }
                double acc = 0;
                for (size_t t = 0; t < live; t++)
                    acc += w[t] * lstm__get_f(x, base + (size_t)off[t]);
                if (fl)
                    lstm__put_f(y, o, acc);
                else
                    put_int(y, o, acc);
            }
        }
    }
    return LSTM_OK;
}

/* ---------------------------------------------------------------- AffineGrid */

int lstm__affine_grid_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                            lstm__diag *d)
{
    lstm__affine_grid_params *p = params;
    static const char *const names[] = {"align_corners", NULL};
    memset(p, 0, sizeof *p);
    if (lstm__arity(g, n, 2, 2, 1, 1, d) || lstm__attrs_allowed(g, n, since, names, d) ||
        align_attr(g, n, &p->align, d))
        return d->code;
    return LSTM_OK;
}

int lstm__affine_grid_prepare(lstm__kctx *k)
{
    lstm__affine_grid_state *st = k->state;
    const lstm__rt *theta = k->in[0], *size = k->in[1];
    char sb[64];
    if (!lstm__is_float(theta->dtype))
        return lstm__errf(k->d, LSTM_EINVAL, "%s: theta is %s, expected a float type",
                          lstm__klabel(k), lstm__dtype_name(theta->dtype));
    if (size->dtype != LSTM_DT_INT64 || size->rank != 1 ||
        (size->dims[0] != 4 && size->dims[0] != 5))
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: size is %s %s, expected int64 [4] (N, C, H, W) or [5] (N, C, D, H, "
                          "W)",
                          lstm__klabel(k), lstm__dtype_name(size->dtype),
                          lstm__dims_str(sb, sizeof sb, size->rank, size->dims));
    int64_t sz[5];
    int ns;
    if (lstm__read_ints(k, 1, "size", sz, 5, &ns)) return k->d->code;
    int r = ns - 2;
    if (theta->rank != 3 || theta->dims[0] != sz[0] || theta->dims[1] != r ||
        theta->dims[2] != r + 1)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: theta is %s, expected [%lld, %d, %d] for size's %d-D grid",
                          lstm__klabel(k), lstm__dims_str(sb, sizeof sb, theta->rank, theta->dims),
                          (long long)sz[0], r, r + 1, r);
    int64_t dims[5];
    dims[0] = sz[0];
    for (int a = 0; a < r; a++) {
        if (sz[2 + a] < 0)
            return lstm__errf(k->d, LSTM_EINVAL, "%s: size[%d] is %lld, expected 0 or more",
                              lstm__klabel(k), 2 + a, (long long)sz[2 + a]);
        st->len[a] = dims[1 + a] = sz[2 + a];
    }
    if (sz[1] < 0)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: size[1] is %lld, expected 0 or more",
                          lstm__klabel(k), (long long)sz[1]);
    dims[1 + r] = r;
    st->r = r;
    return lstm__rt_set(k, k->out[0], theta->dtype, r + 2, dims);
}

static double base_coord(int64_t i, int64_t len, int align)
{
    if (align) return len == 1 ? -1.0 : -1.0 + 2.0 * (double)i / (double)(len - 1);
    return -1.0 + (2.0 * (double)i + 1.0) / (double)len;
}

int lstm__affine_grid_run(lstm__kctx *k)
{
    const lstm__affine_grid_params *p = k->params;
    const lstm__affine_grid_state *st = k->state;
    const lstm__rt *theta = k->in[0];
    lstm__rt *y = k->out[0];
    if (!y->nelem) return LSTM_OK; /* N or a spatial axis is 0: the others may be any size */
    const int r = st->r;
    const int64_t N = theta->dims[0];
    int64_t P = 1;
    for (int a = 0; a < r; a++) P *= st->len[a];
    size_t o = 0;
    for (int64_t n = 0; n < N; n++) {
        double th[3][4];
        for (int i = 0; i < r; i++)
            for (int j = 0; j <= r; j++)
                th[i][j] = lstm__get_f(theta, (size_t)((n * r + i) * (r + 1) + j));
        int64_t pos[3] = {0, 0, 0};
        for (int64_t q = 0; q < P; q++) {
            double v[4]; /* x (innermost axis), y, z, 1 */
            for (int a = 0; a < r; a++)
                v[a] = base_coord(pos[r - 1 - a], st->len[r - 1 - a], p->align);
            v[r] = 1.0;
            for (int i = 0; i < r; i++) {
                double s = 0;
                for (int j = 0; j <= r; j++) s += th[i][j] * v[j];
                lstm__put_f(y, o++, s);
            }
            for (int a = r - 1; a >= 0 && ++pos[a] == st->len[a]; a--) pos[a] = 0;
        }
    }
    return LSTM_OK;
}
