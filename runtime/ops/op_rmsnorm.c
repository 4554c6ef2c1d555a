/*
** op_rmsnorm.c — RMSNormalization (23): over the axes from `axis` on (negative counts from the
** end), Y = X / sqrt(mean(X^2) + epsilon) * scale. Stage one (the mean of squares and the
** division) in the precision stash_type names: 1 (float32, the default) and 11 (double) are
** honoured, float16 / bfloat16 refused (norm_stash.c); the normalised value is rounded to X's
** type, then multiplied by scale, which broadcasts to X (unidirectionally) and whose type Y
** takes. The sums are in double. float32 X and scale read row-wise have a direct loop; the other
** types and broadcasts go through double. An empty normalised block leaves an empty Y.
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"

#include <math.h>
#include <string.h>

int lstm__rmsnorm_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                        lstm__diag *d)
{
    lstm__rms_params *p = params;
    static const char *const names[] = {"axis", "epsilon", "stash_type", NULL};
    char b[LSTM__LABEL_MAX];
    memset(p, 0, sizeof *p);
    if (lstm__arity(g, n, 2, 2, 1, 1, d) || lstm__attrs_allowed(g, n, since, names, d) ||
        lstm__attr_int(g, n, "axis", -1, &p->axis, d) ||
        lstm__attr_float(g, n, "epsilon", 1e-5f, &p->epsilon, d) ||
        lstm__norm_stash(g, n, &p->stash64, d))
        return d->code;
    if (!(p->epsilon >= 0))
        return lstm__errf(d, LSTM_EMODEL, "%s: epsilon must not be negative",
                          lstm__node_ctx(g, n, b, sizeof b));
    return LSTM_OK;
}

int lstm__rmsnorm_prepare(lstm__kctx *k)
{
    const lstm__rms_params *p = k->params;
    lstm__rms_state *st = k->state;
    const lstm__rt *X = k->in[0], *S = k->in[1];
    char s1[96], s2[96];
    int axis;
    memset(st, 0, sizeof *st);
    if (!lstm__is_float(X->dtype) || !lstm__is_float(S->dtype))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED,
                          "%s: X is %s and scale %s, expected float32, float64, float16 or "
                          "bfloat16",
                          lstm__klabel(k), lstm__dtype_name(X->dtype), lstm__dtype_name(S->dtype));
    if (X->rank < 1)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: X must have rank 1 or more", lstm__klabel(k));
    if (lstm__axis(k, p->axis, X->rank, &axis, "axis")) return k->d->code;
    st->outer = lstm__dims_count(axis, X->dims);
    st->inner = lstm__dims_count(X->rank - axis, X->dims + axis);
    /* scale's strides over X's shape (0 where it broadcasts); it must not widen X */
    int off = X->rank - S->rank, ok = off >= 0;
    int64_t s = 1;
    for (int d = X->rank - 1; ok && d >= 0; d--) {
        int64_t v = d >= off ? S->dims[d - off] : 1;
        ok = v == 1 || v == X->dims[d];
        st->sst[d] = v == 1 ? 0 : s;
        s *= v;
    }
    if (!ok)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: scale has shape %s, which does not broadcast to X %s",
                          lstm__klabel(k), lstm__dims_str(s1, sizeof s1, S->rank, S->dims),
                          lstm__dims_str(s2, sizeof s2, X->rank, X->dims));
    /* row-wise: no stride before axis, row-major strides over the normalised axes */
    st->plain = 1;
    s = 1;
    for (int d = X->rank - 1; d >= 0; d--) {
        if (d < axis ? st->sst[d] != 0 : X->dims[d] != 1 && st->sst[d] != s) st->plain = 0;
        if (d >= axis) s *= X->dims[d];
    }
    return lstm__rt_set(k, k->out[0], S->dtype, X->rank, X->dims);
}

/* Offset in scale of element e of X. */
static size_t soff(const lstm__rt *X, const int64_t *st, int64_t e)
{
    int64_t off = 0;
    for (int d = X->rank - 1; d >= 0; d--) {
        off += (e % X->dims[d]) * st[d];
        e /= X->dims[d];
    }
    return (size_t)off;
}

int lstm__rmsnorm_run(lstm__kctx *k)
{
    const lstm__rms_params *p = k->params;
    const lstm__rms_state *st = k->state;
    const lstm__rt *X = k->in[0], *S = k->in[1];
    lstm__rt *Y = k->out[0];
    const int64_t L = st->inner;
    const int f32 =
        X->dtype == LSTM_DT_FLOAT && S->dtype == LSTM_DT_FLOAT && st->plain && !p->stash64;
    if (L == 0) return LSTM_OK; /* X and Y are empty */
    for (int64_t r = 0; r < st->outer; r++) {
        const size_t base = (size_t)(r * L);
        double ss = 0;
        if (f32) {
            const float *x = (const float *)X->data + base, *s = S->data;
            float *y = (float *)Y->data + base;
            for (int64_t i = 0; i < L; i++) ss += (double)x[i] * x[i];
            const float rms = (float)sqrt(ss / (double)L + (double)p->epsilon);
            for (int64_t i = 0; i < L; i++) y[i] = x[i] / rms * s[i];
            continue;
        }
        for (int64_t i = 0; i < L; i++) {
            double v = lstm__norm_get(X, base + (size_t)i, p->stash64);
            ss += v * v;
        }
        double rms = sqrt(ss / (double)L + (double)p->epsilon);
        if (!p->stash64) rms = (float)rms;
        for (int64_t i = 0; i < L; i++) {
            const int64_t e = (int64_t)base + i;
            double v = lstm__norm_get(X, (size_t)e, p->stash64) / rms;
            double sc = lstm__get_f(S, st->plain ? (size_t)i : soff(X, st->sst, e));
            lstm__put_f(Y, (size_t)e, lstm__norm_round(v, p->stash64, X->dtype) * sc);
        }
    }
    return LSTM_OK;
}
