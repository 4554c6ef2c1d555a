/*
** op_space.c — moves between depth and space on [N, C, H, W] tensors (any element type):
**   DepthToSpace  1 (DCR), 11 (`mode` DCR or CRD), 13 (bfloat16): [N, C, H, W] ->
**                 [N, C/b², H·b, W·b]. DCR reads channel (i·b + j)·C/b² + c for block position
**                 (i, j) of output channel c, CRD reads c·b² + i·b + j.
**   SpaceToDepth  1, 13 (bfloat16): [N, C, H, W] -> [N, C·b², H/b, W/b], the inverse of DCR.
** b is the `blocksize` attribute (required, >= 1).
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"

#include <string.h>

static int parse(const lstm__graph *g, const lstm__node *n, int since, void *params, int to_depth,
                 lstm__diag *d)
{
    static const char *const v1[] = {"blocksize", NULL}, *const v11[] = {"blocksize", "mode", NULL};
    lstm__space_params *p = params;
    char b[LSTM__LABEL_MAX];
    memset(p, 0, sizeof *p);
    p->to_depth = to_depth;
    if (lstm__arity(g, n, 1, 1, 1, 1, d) ||
        lstm__attrs_allowed(g, n, since, !to_depth && since >= 11 ? v11 : v1, d) ||
        lstm__attr_int(g, n, "blocksize", 0, &p->blocksize, d))
        return d->code;
    if (!lstm__attr_find(n, "blocksize"))
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'blocksize' is required",
                          lstm__node_ctx(g, n, b, sizeof b));
    if (p->blocksize < 1 || p->blocksize > (1 << 20))
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'blocksize' is %lld, expected 1 to 2^20",
                          lstm__node_ctx(g, n, b, sizeof b), (long long)p->blocksize);
    const lstm__attr *mode = lstm__attr_find(n, "mode");
    if (mode &&
        (mode->type != LSTM__A_STRING || (strcmp(mode->s, "DCR") && strcmp(mode->s, "CRD"))))
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'mode' must be DCR or CRD",
                          lstm__node_ctx(g, n, b, sizeof b));
    p->crd = mode && strcmp(mode->s, "CRD") == 0;
    return LSTM_OK;
}

static int prepare(lstm__kctx *k)
{
    const lstm__space_params *p = k->params;
    const lstm__rt *x = k->in[0];
    const int64_t bs = p->blocksize;
    char s[96];
    if (!lstm__dtype_size(x->dtype))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type %s", lstm__klabel(k),
                          lstm__dtype_name(x->dtype));
    lstm__dims_str(s, sizeof s, x->rank, x->dims);
    if (x->rank != 4)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: input %s has rank %d, expected 4 [N,C,H,W]",
                          lstm__klabel(k), s, x->rank);
    int64_t dims[4] = {x->dims[0], x->dims[1], x->dims[2], x->dims[3]};
    if (p->to_depth) {
        if (dims[2] % bs || dims[3] % bs)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: input %s: H and W must be multiples of blocksize %lld",
                              lstm__klabel(k), s, (long long)bs);
        if (dims[1] > INT64_MAX / bs / bs)
            return lstm__errf(k->d, LSTM_EINVAL, "%s: input %s: C * blocksize^2 overflows",
                              lstm__klabel(k), s);
        dims[1] *= bs * bs, dims[2] /= bs, dims[3] /= bs;
    } else {
        if (dims[1] % (bs * bs))
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: input %s: C must be a multiple of blocksize^2 (%lld)",
                              lstm__klabel(k), s, (long long)(bs * bs));
        if (dims[2] > INT64_MAX / bs || dims[3] > INT64_MAX / bs)
            return lstm__errf(k->d, LSTM_EINVAL, "%s: input %s: H or W * blocksize overflows",
                              lstm__klabel(k), s);
        dims[1] /= bs * bs, dims[2] *= bs, dims[3] *= bs;
    }
    return lstm__rt_set(k, k->out[0], x->dtype, 4, dims);
}

/* n elements of es bytes from s (every ss-th) to d (every ds-th). */
#define STRIDED(T)                                                                                 \
    for (size_t w = 0; w < n; w++) ((T *)d)[w * ds] = ((const T *)s)[w * ss];                      \
    break

static void strided(char *d, size_t ds, const char *s, size_t ss, size_t n, size_t es)
{
    switch (es) {
    case 1:
        STRIDED(uint8_t);
    case 2:
        STRIDED(uint16_t);
    case 4:
        STRIDED(uint32_t);
    case 8:
        STRIDED(uint64_t);
    default:
        for (size_t w = 0; w < n; w++) memcpy(d + w * ds * es, s + w * ss * es, es);
        break;
    }
}

/* Both directions walk the depth side [N, C, H, W] (x for DepthToSpace, y for SpaceToDepth)
** one row of W elements at a time; each element goes to or comes from the space side
** [N, C', H·b, W·b] at (c', h·b + i, w·b + j). */
static int run(lstm__kctx *k)
{
    const lstm__space_params *p = k->params;
    const lstm__rt *x = k->in[0];
    lstm__rt *y = k->out[0];
    if (!y->nelem) return LSTM_OK;
    const lstm__rt *depth = p->to_depth ? y : x;
    const size_t es = lstm__dtype_size(x->dtype), bs = (size_t)p->blocksize;
    const size_t N = (size_t)depth->dims[0], C = (size_t)depth->dims[1], H = (size_t)depth->dims[2],
                 W = (size_t)depth->dims[3], C2 = C / (bs * bs);
    const size_t SW = W * bs, plane = H * bs * SW; /* the space side's row and channel plane */
    const char *src = x->data;
    char *dst = y->data;
    for (size_t n = 0; n < N; n++)
        for (size_t ch = 0; ch < C; ch++) {
            /* channel ch of the depth side: space channel c2 at block position (i, j) */
            size_t c2, blk;
            if (p->crd)
                c2 = ch / (bs * bs), blk = ch % (bs * bs);
            else
                c2 = ch % C2, blk = ch / C2;
            const size_t i = blk / bs, j = blk % bs;
            for (size_t h = 0; h < H; h++) {
                size_t drow = ((n * C + ch) * H + h) * W;
                size_t srow = (n * C2 + c2) * plane + (h * bs + i) * SW + j;
                if (p->to_depth)
                    strided(dst + drow * es, 1, src + srow * es, bs, W, es);
                else
                    strided(dst + srow * es, bs, src + drow * es, 1, W, es);
            }
        }
    return LSTM_OK;
}

LSTM__OP_ENTRIES(lstm__depth_to_space, parse, prepare, run, 0)
LSTM__OP_ENTRIES(lstm__space_to_depth, parse, prepare, run, 1)
