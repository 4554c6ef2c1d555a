/*
** op_centercrop.c — CenterCropPad (18): each axis named by `axes` (default: every axis; negative
** counts from the end; an axis named twice is refused) gets the length the `shape` input gives
** it (one value per named axis, read at prepare): a longer axis is cropped around its centre,
** keeping from (length - target) / 2 on (rounded down), a shorter one padded with zeros,
** (target - length) / 2 of them before (rounded down) and the rest after. Any tensor type.
*/
#include "ops/ops.h"
#include "ops/pool_more.h"
#include "dtype.h"

#include <string.h>

static int parse(const lstm__graph *g, const lstm__node *n, int since, void *params, int unused,
                 lstm__diag *d)
{
    lstm__ccp_params *p = params;
    static const char *const names[] = {"axes", NULL};
    (void)unused;
    memset(p, 0, sizeof *p);
    if (lstm__arity(g, n, 2, 2, 1, 1, d) || lstm__attrs_allowed(g, n, since, names, d) ||
        lstm__attr_ints(g, n, "axes", p->axes, LSTM__MAX_RANK, &p->n, d))
        return d->code;
    return LSTM_OK;
}

static int prepare(lstm__kctx *k)
{
    const lstm__ccp_params *p = k->params;
    lstm__ccp_state *st = k->state;
    const lstm__rt *X = k->in[0];
    int64_t shape[LSTM__MAX_RANK], dims[LSTM__MAX_RANK];
    int ns, seen[LSTM__MAX_RANK] = {0};
    if (!lstm__dtype_size(X->dtype) || X->dtype == LSTM_DT_STRING)
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type %s", lstm__klabel(k),
                          lstm__dtype_name(X->dtype));
    if (lstm__read_ints(k, 1, "shape", shape, LSTM__MAX_RANK, &ns)) return k->d->code;
    int na = p->n >= 0 ? p->n : X->rank;
    if (ns != na)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: shape has %d values, expected %d (%s)",
                          lstm__klabel(k), ns, na, p->n >= 0 ? "one per axis in axes" : "X's rank");
    for (int i = 0; i < X->rank; i++) {
        st->crop[i] = st->before[i] = 0;
        st->kept[i] = dims[i] = X->dims[i];
    }
    for (int i = 0; i < na; i++) {
        int a = i;
        if (p->n >= 0 && lstm__axis(k, p->axes[i], X->rank, &a, "axis")) return k->d->code;
        if (seen[a])
            return lstm__errf(k->d, LSTM_EINVAL, "%s: axes name axis %d twice", lstm__klabel(k), a);
        seen[a] = 1;
        int64_t len = X->dims[a], want = shape[i];
        if (want < 0 || want > ((int64_t)1 << 40))
            return lstm__errf(k->d, LSTM_EINVAL, "%s: shape gives axis %d the length %lld",
                              lstm__klabel(k), a, (long long)want);
        dims[a] = want;
        if (want <= len) {
            st->crop[a] = (len - want) / 2;
            st->kept[a] = want;
        } else {
            st->before[a] = (want - len) / 2;
        }
    }
    return lstm__rt_set(k, k->out[0], X->dtype, X->rank, dims);
}

static int run(lstm__kctx *k)
{
    const lstm__ccp_state *st = k->state;
    const lstm__rt *X = k->in[0];
    lstm__rt *Y = k->out[0];
    const int r = X->rank;
    const size_t es = lstm__dtype_size(X->dtype);
    if (!Y->nelem) return LSTM_OK;
    if (r == 0) {
        memcpy(Y->data, X->data, es);
        return LSTM_OK;
    }
    memset(Y->data, 0, Y->nbytes);
    int64_t xs[LSTM__MAX_RANK], ys[LSTM__MAX_RANK], s = 1, t = 1;
    for (int i = r - 1; i >= 0; i--) {
        xs[i] = s, s *= X->dims[i];
        ys[i] = t, t *= Y->dims[i];
    }
    /* Copy the kept block one row (the last axis) at a time. */
    int64_t rows = 1, idx[LSTM__MAX_RANK] = {0};
    for (int i = 0; i < r - 1; i++) rows *= st->kept[i];
    const int64_t row = st->kept[r - 1];
    if (!row) return LSTM_OK;
    for (int64_t e = 0; e < rows; e++) {
        int64_t xo = st->crop[r - 1], yo = st->before[r - 1];
        for (int i = 0; i < r - 1; i++) {
            xo += (st->crop[i] + idx[i]) * xs[i];
            yo += (st->before[i] + idx[i]) * ys[i];
        }
        memcpy((char *)Y->data + (size_t)yo * es, (const char *)X->data + (size_t)xo * es,
               (size_t)row * es);
        for (int i = r - 2; i >= 0; i--) {
            if (++idx[i] < st->kept[i]) break;
            idx[i] = 0;
        }
    }
    return LSTM_OK;
}

LSTM__OP_FAMILY(lstm__center_crop_pad, 0)
