/*
** op_roi.c — region-of-interest pooling over X (N, C, H, W) into (num_rois, C, out_h, out_w):
**   RoiAlign    10, 16, 22: rois (num_rois, 4) as x1, y1, x2, y2 and batch_indices (num_rois)
**               int64. Each output cell averages (mode avg) or takes the largest of (mode max)
**               sampling_ratio x sampling_ratio bilinear samples (0: ceil(roi size / output
**               size) per axis). coordinate_transformation_mode half_pixel (16's default) shifts
**               the scaled roi by -0.5; output_half_pixel (and version 10, which has no
**               attribute) does not, but makes each roi at least 1 x 1. As onnxruntime (and
**               ONNX's reference implementation): a sample further than one pixel outside X is
**               0 (they multiply X's first pixel by 0, NaN when it is not finite: this reads no
**               pixel); mode max takes, per sample, the largest of the four weighted corner values
**               w_i * v_i, not the interpolated value. Coordinates in float32 (in float64 for
**               float64 data), as onnxruntime computes them in the data's type.
**   MaxRoiPool  1, 22: rois (num_rois, 5) as batch index, x1, y1, x2, y2; pooled_shape
**               [out_h, out_w] (required). Corners are rounded (half away from zero) after
**               spatial_scale; each bin is the largest value of its pixels, 0 when it has none.
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"

#include <float.h>
#include <math.h>
#include <string.h>

static int parse(const lstm__graph *g, const lstm__node *n, int since, void *params, int maxroi,
                 lstm__diag *d)
{
    static const char *const v10[] = {"mode",           "output_height", "output_width",
                                      "sampling_ratio", "spatial_scale", NULL};
    static const char *const v16[] = {"coordinate_transformation_mode",
                                      "mode",
                                      "output_height",
                                      "output_width",
                                      "sampling_ratio",
                                      "spatial_scale",
                                      NULL};
    static const char *const mrp[] = {"pooled_shape", "spatial_scale", NULL};
    static const char *const modes[] = {"avg", "max"}, *const ctm[] = {"output_half_pixel",
                                                                       "half_pixel"};
    lstm__roi_params *p = params;
    char b[LSTM__LABEL_MAX];
    memset(p, 0, sizeof *p);
    p->max_roi_pool = maxroi;
    if (maxroi) {
        int64_t ps[2];
        int cnt = 0;
        if (lstm__arity(g, n, 2, 2, 1, 1, d) || lstm__attrs_allowed(g, n, since, mrp, d) ||
            lstm__attr_float(g, n, "spatial_scale", 1.0f, &p->spatial_scale, d) ||
            lstm__attr_ints(g, n, "pooled_shape", ps, 2, &cnt, d))
            return d->code;
        if (cnt != 2 || ps[0] < 1 || ps[1] < 1)
            return lstm__errf(d, LSTM_EMODEL,
                              "%s: attribute 'pooled_shape' must be two values >= 1 (height, "
                              "width)%s",
                              lstm__node_ctx(g, n, b, sizeof b),
                              lstm__attr_find(n, "pooled_shape") ? "" : "; it is required");
        p->out_h = ps[0];
        p->out_w = ps[1];
    } else {
        p->half_pixel = since >= 16;
        if (lstm__arity(g, n, 3, 3, 1, 1, d) ||
            lstm__attrs_allowed(g, n, since, since >= 16 ? v16 : v10, d) ||
            lstm__attr_choice(g, n, "mode", modes, 2, &p->max, d) ||
            lstm__attr_choice(g, n, "coordinate_transformation_mode", ctm, 2, &p->half_pixel, d) ||
            lstm__attr_int(g, n, "output_height", 1, &p->out_h, d) ||
            lstm__attr_int(g, n, "output_width", 1, &p->out_w, d) ||
            lstm__attr_int(g, n, "sampling_ratio", 0, &p->sampling_ratio, d) ||
            lstm__attr_float(g, n, "spatial_scale", 1.0f, &p->spatial_scale, d))
            return d->code;
        if (p->out_h < 1 || p->out_w < 1 || p->sampling_ratio < 0)
            return lstm__errf(d, LSTM_EMODEL,
                              "%s: output_height %lld, output_width %lld, sampling_ratio %lld: "
                              "expected sizes >= 1 and a ratio >= 0",
                              lstm__node_ctx(g, n, b, sizeof b), (long long)p->out_h,
                              (long long)p->out_w, (long long)p->sampling_ratio);
    }
    if (!(p->spatial_scale > 0) || isinf(p->spatial_scale))
        return lstm__errf(d, LSTM_EMODEL, "%s: spatial_scale is %g, expected a positive number",
                          lstm__node_ctx(g, n, b, sizeof b), (double)p->spatial_scale);
    return LSTM_OK;
}

static int prepare(lstm__kctx *k)
{
    const lstm__roi_params *p = k->params;
    const lstm__rt *x = k->in[0], *r = k->in[1];
    char s1[96];
    int dt = x->dtype;
    if (!lstm__is_float(dt) || (dt == LSTM_DT_BFLOAT16 && k->since < 22))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: X is %s, expected float32, float64, %s",
                          lstm__klabel(k), lstm__dtype_name(dt),
                          k->since >= 22 ? "float16 or bfloat16"
                                         : "float16 (bfloat16 from version 22)");
    if (x->rank != 4)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: X is %s, expected (N, C, H, W)", lstm__klabel(k),
                          lstm__dims_str(s1, sizeof s1, x->rank, x->dims));
    int cols = p->max_roi_pool ? 5 : 4;
    if (r->dtype != dt)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: rois is %s, expected %s like X", lstm__klabel(k),
                          lstm__dtype_name(r->dtype), lstm__dtype_name(dt));
    if (r->rank != 2 || r->dims[1] != cols)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: rois is %s, expected (num_rois, %d)",
                          lstm__klabel(k), lstm__dims_str(s1, sizeof s1, r->rank, r->dims), cols);
    if (!p->max_roi_pool) {
        const lstm__rt *bi = k->in[2];
        if (bi->dtype != LSTM_DT_INT64)
            return lstm__errf(k->d, LSTM_EINVAL, "%s: batch_indices is %s, expected int64",
                              lstm__klabel(k), lstm__dtype_name(bi->dtype));
        if (bi->rank != 1 || bi->dims[0] != r->dims[0])
            return lstm__errf(k->d, LSTM_EINVAL, "%s: batch_indices is %s, expected [%lld]",
                              lstm__klabel(k), lstm__dims_str(s1, sizeof s1, bi->rank, bi->dims),
                              (long long)r->dims[0]);
    }
    int64_t dims[4] = {r->dims[0], x->dims[1], p->out_h, p->out_w};
    return lstm__rt_set(k, k->out[0], dt, 4, dims);
}

/* The most bilinear samples per output cell (sampling_ratio squared, or the roi's size when the
** ratio is 0): a larger roi is refused rather than run for hours. */
#define MAX_SAMPLES (1 << 20)

/* One RoiAlign roi in real type R (float or double): the samples' corners and weights, then
** every channel. Returns 0, or the samples per cell when more than MAX_SAMPLES. */
#define ROI_ALIGN(NAME, R)                                                                         \
    static int64_t NAME(const lstm__roi_params *p, const lstm__rt *x, lstm__rt *y, size_t yo,      \
                        const R *box, int64_t batch)                                               \
    {                                                                                              \
        int64_t C = x->dims[1], H = x->dims[2], W = x->dims[3];                                    \
        R scale = (R)p->spatial_scale, off = p->half_pixel ? (R)0.5 : (R)0;                        \
        R x0 = box[0] * scale - off, y0 = box[1] * scale - off;                                    \
        R rw = box[2] * scale - off - x0, rh = box[3] * scale - off - y0;                          \
        if (!p->half_pixel) {                                                                      \
            if (rw < (R)1) rw = (R)1;                                                              \
            if (rh < (R)1) rh = (R)1;                                                              \
        }                                                                                          \
        R bh = rh / (R)p->out_h, bw = rw / (R)p->out_w;                                            \
        double gh_ = p->sampling_ratio > 0 ? (double)p->sampling_ratio : ceil(rh / (R)p->out_h);   \
        double gw_ = p->sampling_ratio > 0 ? (double)p->sampling_ratio : ceil(rw / (R)p->out_w);   \
        gh_ = gh_ > 0 ? gh_ : 0; /* NaN too */                                                     \
        gw_ = gw_ > 0 ? gw_ : 0;                                                                   \
        if (gh_ == 0 || gw_ == 0) gh_ = gw_ = 0; /* no samples, however tall or wide */            \
        if (gh_ * gw_ > MAX_SAMPLES) return gh_ * gw_ > 1e18 ? INT64_MAX : (int64_t)(gh_ * gw_);   \
        int64_t gh = (int64_t)gh_, gw = (int64_t)gw_;                                              \
        R count = (R)(gh * gw > 1 ? gh * gw : 1);                                                  \
        size_t plane = (size_t)(H * W);                                                            \
        for (int64_t c = 0; c < C; c++) {                                                          \
            size_t xo = (size_t)((batch * C + c)) * plane;                                         \
            for (int64_t ph = 0; ph < p->out_h; ph++)                                              \
                for (int64_t pw = 0; pw < p->out_w; pw++) {                                        \
                    R acc = 0;                                                                     \
                    int first = 1;                                                                 \
                    for (int64_t iy = 0; iy < gh; iy++) {                                          \
                        R yy = y0 + (R)ph * bh + ((R)iy + (R)0.5) * bh / (R)gh;                    \
                        for (int64_t ix = 0; ix < gw; ix++) {                                      \
                            R xx = x0 + (R)pw * bw + ((R)ix + (R)0.5) * bw / (R)gw;                \
                            R w[4] = {0, 0, 0, 0};                                                 \
                            size_t pos[4] = {0, 0, 0, 0};                                          \
                            int in = H > 0 && W > 0 && yy >= (R)-1 && yy <= (R)H && xx >= (R)-1 && \
                                     xx <= (R)W;                                                   \
                            if (in) {                                                              \
                                R sy = yy <= 0 ? (R)0 : yy, sx = xx <= 0 ? (R)0 : xx;              \
                                int64_t yl = (int64_t)sy, xl = (int64_t)sx, yh, xh;                \
                                if (yl >= H - 1) {                                                 \
                                    yh = yl = H - 1;                                               \
                                    sy = (R)yl;                                                    \
                                } else {                                                           \
                                    yh = yl + 1;                                                   \
                                }                                                                  \
                                if (xl >= W - 1) {                                                 \
                                    xh = xl = W - 1;                                               \
                                    sx = (R)xl;                                                    \
                                } else {                                                           \
                                    xh = xl + 1;                                                   \
                                }                                                                  \
                                R ly = sy - (R)yl, lx = sx - (R)xl, hy = 1 - ly, hx = 1 - lx;      \
                                w[0] = hy * hx, w[1] = hy * lx, w[2] = ly * hx, w[3] = ly * lx;    \
                                pos[0] = (size_t)(yl * W + xl), pos[1] = (size_t)(yl * W + xh);    \
                                pos[2] = (size_t)(yh * W + xl), pos[3] = (size_t)(yh * W + xh);    \
                            }                                                                      \
                            if (p->max) {                                                          \
                                R v = 0; /* a sample outside X is 0 (X is not read) */             \
                                for (int q = 0; in && q < 4; q++) {                                \
                                    R u = w[q] * (R)lstm__ld(x, xo + pos[q]);                      \
                                    if (q == 0 || u > v) v = u;                                    \
                                }                                                                  \
                                if (first || v > acc) acc = v;                                     \
                                first = 0;                                                         \
                            } else {                                                               \
                                for (int q = 0; in && q < 4; q++)                                  \
                                    acc += w[q] * (R)lstm__ld(x, xo + pos[q]);                     \
                            }                                                                      \
                        }                                                                          \
                    }                                                                              \
                    lstm__st(y, yo + (size_t)((c * p->out_h + ph) * p->out_w + pw),                \
                             p->max ? (double)acc : (double)(acc / count));                        \
                }                                                                                  \
        }                                                                                          \
        return 0;                                                                                  \
    }

ROI_ALIGN(align_f, float)
ROI_ALIGN(align_d, double)

/* A scaled corner rounded half away from zero, kept within +-2^40 (NaN: 0). */
static int64_t corner(double v, float scale)
{
    float f = roundf((float)v * scale);
    return f > 1099511627776.0f    ? (int64_t)1 << 40
           : f < -1099511627776.0f ? -((int64_t)1 << 40)
           : f == f                ? (int64_t)f
                                   : 0;
}

static void max_roi_pool(const lstm__roi_params *p, const lstm__rt *x, lstm__rt *y, size_t yo,
                         const double *box, int64_t batch)
{
    int64_t C = x->dims[1], H = x->dims[2], W = x->dims[3];
    float sc = p->spatial_scale;
    int64_t x0 = corner(box[0], sc), y0 = corner(box[1], sc);
    int64_t x1 = corner(box[2], sc), y1 = corner(box[3], sc);
    int64_t rh = y1 - y0 + 1 > 1 ? y1 - y0 + 1 : 1, rw = x1 - x0 + 1 > 1 ? x1 - x0 + 1 : 1;
    float bh = (float)rh / (float)p->out_h, bw = (float)rw / (float)p->out_w;
    for (int64_t c = 0; c < C; c++) {
        size_t xo = (size_t)((batch * C + c) * H * W);
        for (int64_t ph = 0; ph < p->out_h; ph++)
            for (int64_t pw = 0; pw < p->out_w; pw++) {
                int64_t hs = (int64_t)floorf((float)ph * bh) + y0;
                int64_t he = (int64_t)ceilf((float)(ph + 1) * bh) + y0;
                int64_t ws = (int64_t)floorf((float)pw * bw) + x0;
                int64_t we = (int64_t)ceilf((float)(pw + 1) * bw) + x0;
                hs = hs < 0 ? 0 : hs > H ? H : hs;
                he = he < 0 ? 0 : he > H ? H : he;
                ws = ws < 0 ? 0 : ws > W ? W : ws;
                we = we < 0 ? 0 : we > W ? W : we;
                double m = 0;
                if (he > hs && we > ws) {
                    m = -DBL_MAX;
                    for (int64_t h = hs; h < he; h++)
                        for (int64_t w = ws; w < we; w++) {
                            double v = lstm__ld(x, xo + (size_t)(h * W + w));
                            if (v > m) m = v;
                        }
                }
                lstm__st(y, yo + (size_t)((c * p->out_h + ph) * p->out_w + pw), m);
            }
    }
}

static int run(lstm__kctx *k)
{
    const lstm__roi_params *p = k->params;
    const lstm__rt *x = k->in[0], *r = k->in[1];
    lstm__rt *y = k->out[0];
    int64_t n_rois = r->dims[0], N = x->dims[0];
    size_t per_roi = (size_t)(x->dims[1] * p->out_h * p->out_w);
    for (int64_t i = 0; i < n_rois; i++) {
        double box[5];
        int cols = p->max_roi_pool ? 5 : 4;
        for (int j = 0; j < cols; j++) box[j] = lstm__ld(r, (size_t)(i * cols + j));
        double bd = p->max_roi_pool ? box[0] : (double)((const int64_t *)k->in[2]->data)[i];
        if (!(bd >= 0 && bd < (double)N) || bd != floor(bd))
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: roi %lld names batch entry %g, expected an integer in [0, %lld)",
                              lstm__klabel(k), (long long)i, bd, (long long)N);
        int64_t b = (int64_t)bd, many = 0;
        size_t yo = (size_t)i * per_roi;
        if (p->max_roi_pool) {
            max_roi_pool(p, x, y, yo, box + 1, b);
        } else if (x->dtype == LSTM_DT_DOUBLE) {
            many = align_d(p, x, y, yo, box, b);
        } else {
            float bf[4] = {(float)box[0], (float)box[1], (float)box[2], (float)box[3]};
            many = align_f(p, x, y, yo, bf, b);
        }
        if (many)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: roi %lld takes %lld samples per output cell, more than the %d "
                              "this runtime allows (set sampling_ratio)",
                              lstm__klabel(k), (long long)i, (long long)many, MAX_SAMPLES);
    }
    return LSTM_OK;
}

LSTM__OP_FAMILY(lstm__roi_align, 0)
LSTM__OP_FAMILY(lstm__max_roi_pool, 1)
