/*
** op_prelu.c — PRelu: Y = X where X >= 0, slope * X elsewhere.
** 1 (consumed_inputs: a legacy in-place hint, no effect on values) and 6: slope has one element
** or X's shape; 7: slope broadcasts to X (unidirectional); 9 (and 16): integer types too
** (int32, int64, uint32, uint64; computed in 64-bit integers, wrapping).
*/
#include "ops/conv.h"
#include "ops/ops.h"
#include "dtype.h"

#include <string.h>

int lstm__prelu_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                      lstm__diag *d)
{
    static const char *const v1[] = {"consumed_inputs", NULL};
    static const char *const none[] = {NULL};
    char b[LSTM__LABEL_MAX];
    (void)params;
    if (lstm__arity(g, n, 2, 2, 1, 1, d) ||
        lstm__attrs_allowed(g, n, since, since >= 6 ? none : v1, d))
        return d->code;
    const lstm__attr *ci = lstm__attr_find(n, "consumed_inputs");
    if (ci && ci->type != LSTM__A_INTS)
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'consumed_inputs' must be a list of ints",
                          lstm__node_ctx(g, n, b, sizeof b));
    return LSTM_OK;
}

int lstm__prelu_prepare(lstm__kctx *k)
{
    lstm__prelu_state *st = k->state;
    const lstm__rt *X = k->in[0], *S = k->in[1];
    char s1[96], s2[96];
    memset(st, 0, sizeof *st);
    int ints = X->dtype == LSTM_DT_INT32 || X->dtype == LSTM_DT_INT64 ||
               X->dtype == LSTM_DT_UINT32 || X->dtype == LSTM_DT_UINT64;
    if (!(lstm__is_float(X->dtype) || (ints && k->since >= 9)) || S->dtype != X->dtype)
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported types X %s, slope %s",
                          lstm__klabel(k), lstm__dtype_name(X->dtype), lstm__dtype_name(S->dtype));
    int same =
        S->rank == X->rank && memcmp(S->dims, X->dims, sizeof(int64_t) * (size_t)X->rank) == 0;
    /* Before 7, a slope of X.shape[1] elements is per channel (the text allows one element or
    ** X's shape; PyTorch's and Caffe2's exports at opset 6 meant this, and the ONNX test data
    ** test_PReLU_*_multiparam, PyTorch's outputs, says so). */
    const int chan = k->since < 7 && S->nelem != 1 && !same && S->rank == 1 && X->rank >= 2 &&
                     S->dims[0] == X->dims[1];
    if (k->since < 7 && S->nelem != 1 && !same && !chan)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: slope has shape %s; before version 7 it must have one element, "
                          "X's shape %s or one per channel (X's dim 1)",
                          lstm__klabel(k), lstm__dims_str(s1, sizeof s1, S->rank, S->dims),
                          lstm__dims_str(s2, sizeof s2, X->rank, X->dims));
    if (chan) {
        st->st[1] = 1; /* the others stay 0 */
        st->rank = X->rank;
        memcpy(st->dims, X->dims, sizeof st->dims);
        return lstm__rt_set(k, k->out[0], X->dtype, X->rank, X->dims);
    }
    /* Unidirectional broadcasting: slope's dims, aligned right, are 1 or X's. */
    int off = X->rank - S->rank, ok = off >= 0;
    int64_t s = 1;
    for (int d = X->rank - 1; ok && d >= 0; d--) {
        int64_t v = d >= off ? S->dims[d - off] : 1;
        ok = v == 1 || v == X->dims[d];
        st->st[d] = v == 1 ? 0 : s;
        s *= v;
    }
    if (!ok)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: slope has shape %s, which does not broadcast to X %s",
                          lstm__klabel(k), lstm__dims_str(s1, sizeof s1, S->rank, S->dims),
                          lstm__dims_str(s2, sizeof s2, X->rank, X->dims));
    st->rank = X->rank;
    memcpy(st->dims, X->dims, sizeof st->dims);
    return lstm__rt_set(k, k->out[0], X->dtype, X->rank, X->dims);
}

int lstm__prelu_run(lstm__kctx *k)
{
    const lstm__prelu_state *st = k->state;
    const lstm__rt *X = k->in[0], *S = k->in[1];
    lstm__rt *Y = k->out[0];
    if (Y->nelem == 0) return LSTM_OK;
    /* Rows along the last axis; the slope's offset advances by its stride there. */
    const int L = st->rank > 0 ? st->rank - 1 : 0;
    const int64_t len = st->rank > 0 ? st->dims[L] : 1, sl = st->rank > 0 ? st->st[L] : 0;
    const int64_t rows = (int64_t)Y->nelem / (len ? len : 1);
    int64_t idx[LSTM__MAX_RANK] = {0};
    const int fl = lstm__is_float(X->dtype), f32 = X->dtype == LSTM_DT_FLOAT;
    for (int64_t r = 0; r < rows; r++) {
        int64_t so = 0;
        for (int d = 0; d < L; d++) so += idx[d] * st->st[d];
        size_t e = (size_t)(r * len);
        if (f32) {
            const float *x = (const float *)X->data + e, *s = (const float *)S->data + so;
            float *y = (float *)Y->data + e;
            if (sl == 0) {
                const float a = s[0];
                for (int64_t i = 0; i < len; i++) y[i] = x[i] < 0 ? a * x[i] : x[i];
            } else {
                for (int64_t i = 0; i < len; i++) y[i] = x[i] < 0 ? s[i] * x[i] : x[i];
            }
        } else if (fl) {
            for (int64_t i = 0; i < len; i++) {
                double v = lstm__get_f(X, e + (size_t)i);
                lstm__put_f(Y, e + (size_t)i,
                            v < 0 ? v * lstm__get_f(S, (size_t)(so + i * sl)) : v);
            }
        } else {
            int sgn = X->dtype == LSTM_DT_INT32 || X->dtype == LSTM_DT_INT64;
            for (int64_t i = 0; i < len; i++) {
                int64_t v = lstm__get_i(X, e + (size_t)i);
                if (sgn && v < 0)
                    v = (int64_t)((uint64_t)v * (uint64_t)lstm__get_i(S, (size_t)(so + i * sl)));
                lstm__put_i(Y, e + (size_t)i, v);
            }
        }
        for (int d = L - 1; d >= 0; d--) {
            if (++idx[d] < st->dims[d]) break;
            idx[d] = 0;
        }
    }
    return LSTM_OK;
}
