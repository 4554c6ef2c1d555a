/*
** op_tensor_scatter.c — TensorScatter (24), the KV-cache update: present_cache is past_cache with
** update's rows written along `axis` (default -2, never the batch axis 0) from write_indices[b]
** on for batch entry b (0 when the input is absent). mode "linear" needs every
** write_indices[b] + sequence_length <= max_sequence_length; "circular" writes row
** (write_indices[b] + s) mod max_sequence_length. Only the sequence index wraps (the spec's
** pseudocode takes the modulo of the whole index tuple, which would also wrap the leading axes:
** onnxruntime does not, nor does this). Any element type: the rows are copied as bytes.
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"

#include <string.h>

static int parse(const lstm__graph *g, const lstm__node *n, int since, void *params, int unused,
                 lstm__diag *d)
{
    static const char *const allowed[] = {"axis", "mode", NULL};
    static const char *const modes[] = {"linear", "circular"};
    lstm__tscatter_params *p = params;
    (void)unused;
    memset(p, 0, sizeof *p);
    if (lstm__arity(g, n, 2, 3, 1, 1, d) || lstm__attrs_allowed(g, n, since, allowed, d) ||
        lstm__attr_int(g, n, "axis", -2, &p->axis, d) ||
        lstm__attr_choice(g, n, "mode", modes, 2, &p->circular, d))
        return d->code;
    return LSTM_OK;
}

static int prepare(lstm__kctx *k)
{
    const lstm__tscatter_params *p = k->params;
    lstm__tscatter_state *st = k->state;
    const lstm__rt *c = k->in[0], *u = k->in[1], *w = k->n->n_in > 2 ? k->in[2] : NULL;
    char s1[96], s2[96];
    if (c->dtype == LSTM_DT_STRING || !lstm__dtype_size(c->dtype))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: past_cache is %s, which is not supported",
                          lstm__klabel(k), lstm__dtype_name(c->dtype));
    if (u->dtype != c->dtype)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: update is %s, expected past_cache's type %s",
                          lstm__klabel(k), lstm__dtype_name(u->dtype), lstm__dtype_name(c->dtype));
    if (c->rank < 2)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: past_cache has rank %d, expected at least 2 (batch and sequence)",
                          lstm__klabel(k), c->rank);
    if (lstm__axis(k, p->axis, c->rank, &st->axis, "axis")) return k->d->code;
    if (st->axis == 0)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: axis %lld is the batch axis 0, expected a sequence axis in [1, %d]",
                          lstm__klabel(k), (long long)p->axis, c->rank - 1);
    lstm__dims_str(s1, sizeof s1, c->rank, c->dims);
    lstm__dims_str(s2, sizeof s2, u->rank, u->dims);
    int ok = u->rank == c->rank;
    for (int i = 0; ok && i < c->rank; i++)
        ok = i == st->axis ? u->dims[i] <= c->dims[i] : u->dims[i] == c->dims[i];
    if (!ok)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: update %s must match past_cache %s except on axis %d, where it "
                          "must be no longer",
                          lstm__klabel(k), s2, s1, st->axis);
    if (w) {
        if (w->dtype != LSTM_DT_INT64)
            return lstm__errf(k->d, LSTM_EINVAL, "%s: write_indices is %s, expected int64",
                              lstm__klabel(k), lstm__dtype_name(w->dtype));
        if (w->rank != 1 || w->dims[0] != c->dims[0])
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: write_indices is %s, expected [%lld] (one per batch entry)",
                              lstm__klabel(k), lstm__dims_str(s2, sizeof s2, w->rank, w->dims),
                              (long long)c->dims[0]);
    }
    return lstm__rt_set(k, k->out[0], c->dtype, c->rank, c->dims);
}

static int run(lstm__kctx *k)
{
    const lstm__tscatter_params *p = k->params;
    const lstm__tscatter_state *st = k->state;
    const lstm__rt *c = k->in[0], *u = k->in[1], *w = k->n->n_in > 2 ? k->in[2] : NULL;
    lstm__rt *y = k->out[0];
    int ax = st->axis;
    size_t es = lstm__dtype_size(c->dtype);
    int64_t outer = 1, inner = 1, per_batch = 1, max_seq = c->dims[ax], seq = u->dims[ax];
    for (int i = 0; i < ax; i++) outer *= c->dims[i];
    for (int i = 1; i < ax; i++) per_batch *= c->dims[i];
    for (int i = ax + 1; i < c->rank; i++) inner *= c->dims[i];
    const int64_t *wi = w ? w->data : NULL;
    int64_t batch = c->dims[0];
    for (int64_t b = 0; wi && seq > 0 && b < batch; b++) {
        if (!p->circular && (wi[b] < 0 || wi[b] > max_seq - seq))
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: write_indices[%lld] is %lld: mode linear writes %lld rows "
                              "from it, past the %lld of axis %d (use mode circular to wrap)",
                              lstm__klabel(k), (long long)b, (long long)wi[b], (long long)seq,
                              (long long)max_seq, ax);
    }
    if (y->data != c->data && c->nbytes) memcpy(y->data, c->data, c->nbytes);
    if (!seq || !inner || !outer) return LSTM_OK;
    size_t row = (size_t)inner * es;
    const uint8_t *src = u->data;
    uint8_t *dst = y->data;
    for (int64_t o = 0; o < outer; o++) {
        int64_t start = wi ? wi[o / per_batch] : 0;
        if (p->circular) {
            start %= max_seq;
            if (start < 0) start += max_seq;
        }
        for (int64_t s = 0; s < seq; s++) {
            int64_t r = start + s;
            if (r >= max_seq) r -= max_seq; /* circular only: linear stays below */
            memcpy(dst + ((size_t)(o * max_seq + r)) * row, src + ((size_t)(o * seq + s)) * row,
                   row);
        }
    }
    return LSTM_OK;
}

LSTM__OP_FAMILY(lstm__tensor_scatter, 0)
