/*
** op_unpool.c — MaxUnpool (9; 11; 22 adds bfloat16): Y is zeros except Y.flat[I[i]] = X[i], I
** holding flat indices into Y (batch and channel included) as MaxPool's Indices output gives
** them. Y's shape is X's with each spatial axis (in - 1) * stride + kernel - pad_begin - pad_end,
** or the optional output_shape input (read at prepare; it may not hold fewer elements than that
** shape, as onnxruntime checks). An index outside Y is refused by the run, naming it; where
** two indices repeat, the later element wins.
*/
#include "ops/ops.h"
#include "ops/pool_more.h"
#include "dtype.h"

#include <string.h>

static int parse(const lstm__graph *g, const lstm__node *n, int since, void *params, int unused,
                 lstm__diag *d)
{
    lstm__unpool_params *p = params;
    static const char *const names[] = {"kernel_shape", "pads", "strides", NULL};
    (void)unused;
    memset(p, 0, sizeof *p);
    if (lstm__arity(g, n, 2, 3, 1, 1, d) || lstm__attrs_allowed(g, n, since, names, d))
        return d->code;
    return lstm__win_parse(g, n, LSTM__WIN_KERNEL_REQUIRED, &p->w, d);
}

static int prepare(lstm__kctx *k)
{
    const lstm__unpool_params *p = k->params;
    const lstm__rt *X = k->in[0], *I = k->in[1];
    char s1[96], s2[96];
    int t = X->dtype;
    if (t != LSTM_DT_FLOAT && t != LSTM_DT_DOUBLE && t != LSTM_DT_FLOAT16 &&
        !(t == LSTM_DT_BFLOAT16 && k->n->opset >= 22))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED,
                          "%s: unsupported type %s, expected float32, float64, float16%s",
                          lstm__klabel(k), lstm__dtype_name(t),
                          k->n->opset >= 22 ? " or bfloat16" : " (bfloat16 from opset 22)");
    if (I->dtype != LSTM_DT_INT64)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: I is %s, expected int64", lstm__klabel(k),
                          lstm__dtype_name(I->dtype));
    if (X->rank < 3)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: X has shape %s, expected [N, C, D1, ...] (rank 3 or more)",
                          lstm__klabel(k), lstm__dims_str(s1, sizeof s1, X->rank, X->dims));
    int same = I->rank == X->rank;
    for (int i = 0; same && i < X->rank; i++) same = I->dims[i] == X->dims[i];
    if (!same)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: I has shape %s, expected X's shape %s",
                          lstm__klabel(k), lstm__dims_str(s1, sizeof s1, I->rank, I->dims),
                          lstm__dims_str(s2, sizeof s2, X->rank, X->dims));
    const int sp = X->rank - 2;
    if (lstm__win_counts(k, &p->w, sp)) return k->d->code;
    int64_t dims[LSTM__MAX_RANK] = {X->dims[0], X->dims[1]};
    for (int i = 0; i < sp; i++) {
        int64_t s = p->w.ns >= 0 ? p->w.strides[i] : 1;
        int64_t pads = p->w.np >= 0 ? p->w.pads[i] + p->w.pads[sp + i] : 0;
        /* every term below 2^31 (spatial.c's bound on the attributes): no overflow */
        int64_t in = X->dims[2 + i] < ((int64_t)1 << 31) ? X->dims[2 + i] : ((int64_t)1 << 31);
        int64_t v = (in - 1) * s + p->w.kernel[i] - pads;
        if (X->dims[2 + i] >= ((int64_t)1 << 31) || v <= 0)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: spatial axis %d of %lld elements unpools to %lld elements "
                              "(kernel %lld, stride %lld, pads %lld)",
                              lstm__klabel(k), i, (long long)X->dims[2 + i], (long long)v,
                              (long long)p->w.kernel[i], (long long)s, (long long)pads);
        dims[2 + i] = v;
    }
    if (k->n->n_in > 2 && k->in[2]) {
        int64_t given[LSTM__MAX_RANK];
        int n;
        if (lstm__read_ints(k, 2, "output_shape", given, LSTM__MAX_RANK, &n)) return k->d->code;
        if (n != X->rank)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: output_shape has %d values, expected %d (X's rank)",
                              lstm__klabel(k), n, X->rank);
        for (int i = 0; i < n; i++)
            if (given[i] < 0 || given[i] > ((int64_t)1 << 40))
                return lstm__errf(k->d, LSTM_EINVAL, "%s: output_shape %s has a size out of range",
                                  lstm__klabel(k), lstm__dims_str(s1, sizeof s1, n, given));
        int64_t want = lstm__dims_count(X->rank, dims), have = lstm__dims_count(n, given);
        if (have < 0 || have < want)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: output_shape %s holds fewer elements than the unpooled shape %s",
                              lstm__klabel(k), lstm__dims_str(s1, sizeof s1, n, given),
                              lstm__dims_str(s2, sizeof s2, X->rank, dims));
        memcpy(dims, given, sizeof(int64_t) * (size_t)n);
    }
    return lstm__rt_set(k, k->out[0], t, X->rank, dims);
}

static int run(lstm__kctx *k)
{
    const lstm__rt *X = k->in[0], *I = k->in[1];
    lstm__rt *Y = k->out[0];
    const int64_t *idx = I->data;
    const size_t total = Y->nelem, es = lstm__dtype_size(Y->dtype);
    if (Y->nbytes) memset(Y->data, 0, Y->nbytes); /* +0.0 in every float type */
    for (size_t i = 0; i < X->nelem; i++) {
        int64_t at = idx[i];
        if (at < 0 || (uint64_t)at >= total)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: index %lld at position %zu of I is outside the output's %zu "
                              "elements",
                              lstm__klabel(k), (long long)at, i, total);
        memcpy((char *)Y->data + (size_t)at * es, (const char *)X->data + i * es, es);
    }
    return LSTM_OK;
}

LSTM__OP_FAMILY(lstm__maxunpool, 0)
