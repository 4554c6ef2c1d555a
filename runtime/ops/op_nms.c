/*
** op_nms.c — NonMaxSuppression (10, 11): boxes [num_batches, spatial_dimension, 4] and scores
** [num_batches, num_classes, spatial_dimension] (float32), optional max_output_boxes_per_class
** (int64, default 0: nothing selected), iou_threshold (default 0) and score_threshold (float32
** scalars). Per batch and class: the boxes whose score is above score_threshold (when given), by
** score, highest first (equal scores: lower box index first); a box is kept unless its IoU with
** a box kept before in its class is above iou_threshold, until max_output_boxes_per_class are
** kept. center_point_box 0: [y1, x1, y2, x2], any two opposite corners; 1: [x_center,
** y_center, width, height]. A box without area overlaps nothing. NaN scores are never
** selected. Output selected_indices [count, 3] int64 (batch, class, box), batch by batch, class
** by class, in selection order: its length comes from the values, so the node is prepared once
** they are known (lstm__need_value), and prepare and run both select (in the node's buffers).
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"

#include <math.h>
#include <string.h>

static int parse(const lstm__graph *g, const lstm__node *n, int since, void *params, int unused,
                 lstm__diag *d)
{
    static const char *const allowed[] = {"center_point_box", NULL};
    lstm__nms_params *p = params;
    (void)unused;
    memset(p, 0, sizeof *p);
    if (lstm__arity(g, n, 2, 5, 1, 1, d) || lstm__attrs_allowed(g, n, since, allowed, d) ||
        lstm__attr_flag(g, n, "center_point_box", 0, &p->center, d))
        return d->code;
    return LSTM_OK;
}

typedef struct nms_in {
    const float *boxes, *scores;
    int64_t B, C, S, max_out;
    float iou;
    int has_st;
    float st;
    int center;
} nms_in;

/* One optional scalar input (rank 0 or [1]) of type dt into out; absent: left as is. */
static int scalar(lstm__kctx *k, int idx, int dt, const char *what, void *out)
{
    const lstm__rt *t = k->n->n_in > idx ? k->in[idx] : NULL;
    if (!t) return LSTM_OK;
    if (t->dtype != dt || t->nelem != 1 || t->rank > 1)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: %s is %s %s, expected one %s value",
                          lstm__klabel(k), what, lstm__dtype_name(t->dtype),
                          lstm__dims_str((char[96]){0}, 96, t->rank, t->dims),
                          lstm__dtype_name(dt));
    if (lstm__need_value(k, idx, what)) return k->d->code;
    memcpy(out, t->data, lstm__dtype_size(dt));
    return LSTM_OK;
}

static int inputs(lstm__kctx *k, nms_in *in)
{
    const lstm__nms_params *p = k->params;
    const lstm__rt *bx = k->in[0], *sc = k->in[1];
    char s1[96], s2[96];
    memset(in, 0, sizeof *in);
    in->center = (int)p->center;
    if (bx->dtype != LSTM_DT_FLOAT || sc->dtype != LSTM_DT_FLOAT)
        return lstm__errf(k->d, LSTM_EUNSUPPORTED,
                          "%s: boxes and scores are %s and %s, expected float32", lstm__klabel(k),
                          lstm__dtype_name(bx->dtype), lstm__dtype_name(sc->dtype));
    lstm__dims_str(s1, sizeof s1, bx->rank, bx->dims);
    lstm__dims_str(s2, sizeof s2, sc->rank, sc->dims);
    if (bx->rank != 3 || bx->dims[2] != 4 || sc->rank != 3 || sc->dims[0] != bx->dims[0] ||
        sc->dims[2] != bx->dims[1])
        return lstm__errf(
            k->d, LSTM_EINVAL,
            "%s: boxes %s and scores %s, expected [num_batches, spatial_dimension, 4] "
            "and [num_batches, num_classes, spatial_dimension]",
            lstm__klabel(k), s1, s2);
    in->B = bx->dims[0];
    in->C = sc->dims[1];
    in->S = bx->dims[1];
    float st = 0;
    if (scalar(k, 2, LSTM_DT_INT64, "max_output_boxes_per_class", &in->max_out) ||
        scalar(k, 3, LSTM_DT_FLOAT, "iou_threshold", &in->iou) ||
        scalar(k, 4, LSTM_DT_FLOAT, "score_threshold", &st))
        return k->d->code;
    in->has_st = k->n->n_in > 4 && k->in[4];
    in->st = st;
    if (!(in->iou >= 0.0f && in->iou <= 1.0f))
        return lstm__errf(k->d, LSTM_EINVAL, "%s: iou_threshold is %g, expected a value in [0, 1]",
                          lstm__klabel(k), (double)in->iou);
    if (lstm__need_value(k, 0, "boxes") || lstm__need_value(k, 1, "scores")) return k->d->code;
    in->boxes = bx->data;
    in->scores = sc->data;
    return LSTM_OK;
}

/* A box's extent on one axis from its two coordinates (corners) or centre and size. */
static void extent(const float *b, int axis, int center, float *lo, float *hi)
{
    if (center) {
        float half = b[axis + 2] / 2;
        *lo = b[axis] - half;
        *hi = b[axis] + half;
    } else {
        float a = b[axis], c = b[axis + 2];
        *lo = a < c ? a : c;
        *hi = a < c ? c : a;
    }
}

/* Whether IoU(a, b) > thr; a box without area overlaps nothing. Corner form: axis 0 of the
** four values is y (y1, x1, y2, x2); centre form: x (xc, yc, w, h) — the IoU is the same. */
static int suppresses(const float *a, const float *b, int center, float thr)
{
    float alo[2], ahi[2], blo[2], bhi[2], inter = 1, area_a = 1, area_b = 1;
    for (int ax = 0; ax < 2; ax++) {
        extent(a, ax, center, &alo[ax], &ahi[ax]);
        extent(b, ax, center, &blo[ax], &bhi[ax]);
        float lo = alo[ax] > blo[ax] ? alo[ax] : blo[ax],
              hi = ahi[ax] < bhi[ax] ? ahi[ax] : bhi[ax];
        if (!(hi > lo)) return 0;
        inter *= hi - lo;
        area_a *= ahi[ax] - alo[ax];
        area_b *= bhi[ax] - blo[ax];
    }
    float uni = area_a + area_b - inter;
    if (!(inter > 0) || !(area_a > 0) || !(area_b > 0) || !(uni > 0)) return 0;
    return inter / uni > thr;
}

/* Before: a higher score, then a lower index. */
static int before(const float *s, int64_t i, int64_t j)
{
    return s[i] > s[j] || (s[i] == s[j] && i < j);
}

/* Sort idx[0..n) with tmp[n] (a stable merge sort). */
static void sort_idx(const float *s, int64_t *idx, int64_t *tmp, int64_t n)
{
    for (int64_t w = 1; w < n; w *= 2) {
        for (int64_t lo = 0; lo < n; lo += 2 * w) {
            int64_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            int64_t i = lo, j = mid, o = lo;
            while (i < mid && j < hi) tmp[o++] = before(s, idx[j], idx[i]) ? idx[j++] : idx[i++];
            while (i < mid) tmp[o++] = idx[i++];
            while (j < hi) tmp[o++] = idx[j++];
        }
        memcpy(idx, tmp, (size_t)n * sizeof *idx);
    }
}

/* Select over every batch and class; out (3 per selection) may be NULL (count only). */
static int64_t select_all(const nms_in *in, int64_t *work, int64_t *out)
{
    int64_t total = 0, S = in->S, *idx = work, *tmp = work + S, *kept = work + 2 * S;
    if (in->max_out <= 0) return 0;
    for (int64_t b = 0; b < in->B; b++)
        for (int64_t c = 0; c < in->C; c++) {
            const float *s = in->scores + (b * in->C + c) * S, *bx = in->boxes + b * S * 4;
            int64_t n = 0, nk = 0;
            for (int64_t i = 0; i < S; i++)
                if (s[i] == s[i] && (!in->has_st || s[i] > in->st)) idx[n++] = i;
            sort_idx(s, idx, tmp, n);
            for (int64_t i = 0; i < n && nk < in->max_out; i++) {
                int drop = 0;
                for (int64_t j = 0; j < nk && !drop; j++)
                    drop = suppresses(bx + idx[i] * 4, bx + kept[j] * 4, in->center, in->iou);
                if (drop) continue;
                kept[nk++] = idx[i];
                if (out) {
                    out[total * 3] = b;
                    out[total * 3 + 1] = c;
                    out[total * 3 + 2] = idx[i];
                }
                total++;
            }
        }
    return total;
}

static int64_t *work_of(lstm__kctx *k, int64_t S)
{
    lstm__buf *w = lstm__node_bufs(k, 1);
    if (!w || lstm__buf_grow(k, w, (size_t)S * 3 * sizeof(int64_t) + 8, "box orders")) return NULL;
    return w->p;
}

static int prepare(lstm__kctx *k)
{
    nms_in in;
    if (inputs(k, &in)) return k->d->code;
    int64_t *work = work_of(k, in.S);
    if (!work) return k->d->code;
    int64_t count = select_all(&in, work, NULL);
    return lstm__rt_set(k, k->out[0], LSTM_DT_INT64, 2, (int64_t[]){count, 3});
}

static int run(lstm__kctx *k)
{
    nms_in in;
    if (inputs(k, &in)) return k->d->code;
    int64_t *work = work_of(k, in.S);
    if (!work) return k->d->code;
    if (select_all(&in, work, NULL) != k->out[0]->dims[0])
        return lstm__errf(k->d, LSTM_EINVAL, "%s: inputs changed between prepare and run",
                          lstm__klabel(k));
    select_all(&in, work, k->out[0]->data);
    return LSTM_OK;
}

LSTM__OP_FAMILY(lstm__nms, 0)
