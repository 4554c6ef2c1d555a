/*
** op_col2im.c — Col2Im (18), what torch.nn.Fold exports to: input [N, C * prod(block_shape), L]
** holds, per channel and block element (row-major over the block), one column of L values, one
** per block position (row-major over the grid of positions); Y [N, C, image_shape...] sums
** (overlap-add) every value into the image pixel it covers:
**   pixel[a] = position[a] * stride[a] - pad_begin[a] + element[a] * dilation[a]
** and drops those that land in the padding. Per spatial axis there are
**   (image + pad_begin + pad_end - (dilation * (block - 1) + 1)) / stride + 1
** block positions (a negative span refused); L must be their product. image_shape and
** block_shape are inputs read at prepare (constants, shape arithmetic, or values known only at
** run time: the node is then prepared just before it runs). Every tensor type the runtime
** holds: floats sum in float32 (float32) or double (rounded once), integers wrap in their
** type, bool is the OR of the values.
*/
#include "ops/ops.h"
#include "ops/pool_more.h"
#include "dtype.h"

#include <string.h>

static int ints_attr(const lstm__graph *g, const lstm__node *n, const char *name, int64_t *out,
                     int cap, int *count, int64_t lo, lstm__diag *d)
{
    char b[LSTM__LABEL_MAX];
    if (lstm__attr_ints(g, n, name, out, cap, count, d)) return d->code;
    for (int i = 0; i < *count; i++)
        if (out[i] < lo || out[i] > LSTM__WIN_MAX)
            return lstm__errf(d, LSTM_EMODEL,
                              "%s: attribute '%s' has value %lld, expected %lld to %lld",
                              lstm__node_ctx(g, n, b, sizeof b), name, (long long)out[i],
                              (long long)lo, (long long)LSTM__WIN_MAX);
    return LSTM_OK;
}

static int parse(const lstm__graph *g, const lstm__node *n, int since, void *params, int unused,
                 lstm__diag *d)
{
    lstm__col2im_params *p = params;
    char b[LSTM__LABEL_MAX];
    static const char *const names[] = {"dilations", "pads", "strides", NULL};
    (void)unused;
    memset(p, 0, sizeof *p);
    p->nd = p->np = p->ns = -1;
    if (lstm__arity(g, n, 3, 3, 1, 1, d) || lstm__attrs_allowed(g, n, since, names, d) ||
        ints_attr(g, n, "dilations", p->dilations, LSTM__SP_MAX, &p->nd, 1, d) ||
        ints_attr(g, n, "pads", p->pads, 2 * LSTM__SP_MAX, &p->np, 0, d) ||
        ints_attr(g, n, "strides", p->strides, LSTM__SP_MAX, &p->ns, 1, d))
        return d->code;
    if (p->np >= 0 && p->np % 2)
        return lstm__errf(d, LSTM_EMODEL,
                          "%s: attribute 'pads' has %d values, expected an even count",
                          lstm__node_ctx(g, n, b, sizeof b), p->np);
    return LSTM_OK;
}

static int count_ok(lstm__kctx *k, const char *name, int have, int want)
{
    if (have < 0 || have == want) return LSTM_OK;
    return lstm__errf(
        k->d, LSTM_EINVAL, "%s: attribute '%s' has %d values, expected %d (image_shape has %d)",
        lstm__klabel(k), name, have, want, strcmp(name, "pads") == 0 ? want / 2 : want);
}

static int prepare(lstm__kctx *k)
{
    const lstm__col2im_params *p = k->params;
    lstm__col2im_state *st = k->state;
    const lstm__rt *X = k->in[0];
    char s1[96], s2[96];
    int64_t img[LSTM__MAX_RANK], blk[LSTM__MAX_RANK];
    int ni, nb;
    memset(st, 0, sizeof *st);
    if (!lstm__dtype_size(X->dtype) || X->dtype == LSTM_DT_STRING)
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type %s", lstm__klabel(k),
                          lstm__dtype_name(X->dtype));
    if (lstm__read_ints(k, 1, "image_shape", img, LSTM__MAX_RANK, &ni) ||
        lstm__read_ints(k, 2, "block_shape", blk, LSTM__MAX_RANK, &nb))
        return k->d->code;
    if (ni != nb || ni < 1 || ni > LSTM__SP_MAX)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: image_shape has %d values and block_shape %d, expected the same "
                          "count, 1 to %d",
                          lstm__klabel(k), ni, nb, LSTM__SP_MAX);
    if (X->rank != 3)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: input has shape %s, expected [N, C * %s, L]",
                          lstm__klabel(k), lstm__dims_str(s1, sizeof s1, X->rank, X->dims),
                          "prod(block_shape)");
    const int sp = ni;
    if (count_ok(k, "dilations", p->nd, sp) || count_ok(k, "strides", p->ns, sp) ||
        count_ok(k, "pads", p->np, 2 * sp))
        return k->d->code;
    st->sp = sp;
    st->kk = st->L = st->pix = 1;
    for (int a = 0; a < sp; a++) {
        int64_t d = p->nd >= 0 ? p->dilations[a] : 1, s = p->ns >= 0 ? p->strides[a] : 1;
        int64_t pb = p->np >= 0 ? p->pads[a] : 0, pe = p->np >= 0 ? p->pads[sp + a] : 0;
        if (img[a] < 0 || img[a] > LSTM__WIN_MAX || blk[a] < 1 || blk[a] > LSTM__WIN_MAX)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: image_shape %s and block_shape %s: expected sizes of 0 or "
                              "more and blocks of 1 or more",
                              lstm__klabel(k), lstm__dims_str(s1, sizeof s1, sp, img),
                              lstm__dims_str(s2, sizeof s2, sp, blk));
        int64_t span = img[a] + pb + pe - (d * (blk[a] - 1) + 1);
        if (span < 0)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: spatial axis %d: image %lld with pads %lld + %lld is smaller "
                              "than the block's extent %lld",
                              lstm__klabel(k), a, (long long)img[a], (long long)pb, (long long)pe,
                              (long long)(d * (blk[a] - 1) + 1));
        st->img[a] = img[a];
        st->blk[a] = blk[a];
        st->cnt[a] = span / s + 1;
        st->d[a] = d;
        st->s[a] = s;
        st->pb[a] = pb;
        /* factors below 2^34, products so far at most 2^31 (kk) or 2^30: no overflow */
        st->kk *= blk[a];
        st->L *= st->cnt[a];
        st->pix *= img[a];
        if (st->kk > LSTM__WIN_MAX || st->L > ((int64_t)1 << 30) || st->pix > ((int64_t)1 << 30))
            return lstm__errf(k->d, LSTM_ELIMIT,
                              "%s: block or image sizes exceed what this "
                              "runtime takes",
                              lstm__klabel(k));
    }
    if (X->dims[1] % st->kk)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: input has %lld rows, not a multiple of the block's %lld elements "
                          "(block_shape %s)",
                          lstm__klabel(k), (long long)X->dims[1], (long long)st->kk,
                          lstm__dims_str(s1, sizeof s1, sp, blk));
    if (X->dims[2] != st->L)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: input has %lld columns, expected %lld: the block positions of "
                          "block_shape %s in image_shape %s (with the pads, strides and "
                          "dilations)",
                          lstm__klabel(k), (long long)X->dims[2], (long long)st->L,
                          lstm__dims_str(s1, sizeof s1, sp, blk),
                          lstm__dims_str(s2, sizeof s2, sp, img));
    st->N = X->dims[0];
    st->C = X->dims[1] / st->kk;
    int64_t dims[LSTM__MAX_RANK] = {st->N, st->C};
    for (int a = 0; a < sp; a++) dims[2 + a] = img[a];
    if (lstm__rt_set(k, k->out[0], X->dtype, sp + 2, dims)) return k->d->code;
    if (X->dtype != LSTM_DT_FLOAT) k->scratch_size = k->out[0]->nelem * 8; /* double / int64 */
    return LSTM_OK;
}

/* One run of values that land in one image row: columns col + j and pixels px + j * step for
** j = 0..n-1 (the last axis's positions that fall inside the image). */
typedef struct run_ {
    int64_t col, px, step, n;
} run_;

/* Calls row(ctx, r) for every run of one image plane's values: per block element, per block
** position of the axes before the last (skipped when their pixel is in the padding), the
** positions along the last axis whose pixel is inside the image. */
static void each_row(const lstm__col2im_state *st, void (*row)(void *, const run_ *), void *ctx)
{
    const int sp = st->sp, a = sp - 1;
    const int64_t cl = st->cnt[a], s = st->s[a];
    int64_t e[LSTM__SP_MAX] = {0};
    for (int64_t ei = 0; ei < st->kk; ei++) {
        /* the last axis: position j lands on j * s + first; inside for j in [lo, hi) */
        const int64_t first = e[a] * st->d[a] - st->pb[a];
        int64_t lo = first >= 0 ? 0 : (-first + s - 1) / s;
        int64_t hi = st->img[a] - 1 - first < 0 ? 0 : (st->img[a] - 1 - first) / s + 1;
        if (hi > cl) hi = cl;
        int64_t pos[LSTM__SP_MAX] = {0}, outer = st->L / cl;
        for (int64_t l = 0; l < outer && lo < hi; l++) {
            int64_t off = 0;
            int in = 1;
            for (int b = 0; b < a && in; b++) {
                int64_t px = pos[b] * st->s[b] - st->pb[b] + e[b] * st->d[b];
                in = px >= 0 && px < st->img[b];
                off = off * st->img[b] + px;
            }
            if (in) {
                run_ r = {ei * st->L + l * cl + lo, off * st->img[a] + lo * s + first, s, hi - lo};
                row(ctx, &r);
            }
            for (int b = a - 1; b >= 0; b--) {
                if (++pos[b] < st->cnt[b]) break;
                pos[b] = 0;
            }
        }
        for (int b = sp - 1; b >= 0; b--) {
            if (++e[b] < st->blk[b]) break;
            e[b] = 0;
        }
    }
}

typedef struct plane {
    const lstm__rt *X;
    int64_t xbase; /* first element of this channel's rows in X */
    const float *xf;
    float *yf;   /* float32: the output plane */
    double *yd;  /* other floats: the sums */
    int64_t *yi; /* integers and bool */
} plane;

static void row_f32(void *ctx, const run_ *r)
{
    plane *p = ctx;
    const float *x = p->xf + p->xbase + r->col;
    float *y = p->yf + r->px;
    for (int64_t j = 0; j < r->n; j++) y[j * r->step] += x[j];
}

static void row_f64(void *ctx, const run_ *r)
{
    plane *p = ctx;
    for (int64_t j = 0; j < r->n; j++)
        p->yd[r->px + j * r->step] += lstm__get_f(p->X, (size_t)(p->xbase + r->col + j));
}

static void row_int(void *ctx, const run_ *r)
{
    plane *p = ctx;
    for (int64_t j = 0; j < r->n; j++) {
        int64_t *y = p->yi + r->px + j * r->step; /* wraps in uint64, then in the type */
        *y = (int64_t)((uint64_t)*y + (uint64_t)lstm__get_i(p->X, (size_t)(p->xbase + r->col + j)));
    }
}

static int run(lstm__kctx *k)
{
    const lstm__col2im_state *st = k->state;
    const lstm__rt *X = k->in[0];
    lstm__rt *Y = k->out[0];
    if (Y->nelem == 0) return LSTM_OK;
    const int t = X->dtype, fl = lstm__is_float(t);
    plane p = {.X = X, .xf = X->data, .yf = Y->data, .yd = k->scratch, .yi = k->scratch};
    if (t == LSTM_DT_FLOAT)
        memset(Y->data, 0, Y->nbytes);
    else
        memset(k->scratch, 0, Y->nelem * 8);
    for (int64_t pl = 0; pl < st->N * st->C; pl++) {
        p.xbase = pl * st->kk * st->L;
        each_row(st, t == LSTM_DT_FLOAT ? row_f32 : fl ? row_f64 : row_int, &p);
        if (t == LSTM_DT_FLOAT)
            p.yf += st->pix;
        else
            p.yd += st->pix, p.yi += st->pix;
    }
    if (t == LSTM_DT_FLOAT) return LSTM_OK;
    const double *sd = k->scratch;
    const int64_t *si = k->scratch;
    for (size_t i = 0; i < Y->nelem; i++) {
        if (fl)
            lstm__put_f(Y, i, sd[i]);
        else
            lstm__put_i(Y, i, si[i]);
    }
    return LSTM_OK;
}

LSTM__OP_FAMILY(lstm__col2im, 0)
