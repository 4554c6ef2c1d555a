/*
** op_norm.c — normalisations for inference.
** BatchNormalization, Y = (X - mean) / sqrt(var + epsilon) * scale + B per channel (axis 1):
**   1 (consumed_inputs: a legacy in-place hint, no effect on values), 6 (is_test: 0, the
**   default, is training mode and refused), 7 (spatial = 0: scale, B, mean and var hold one
**   value per channel and position, shaped like X without the batch axis), 9, 14
**   (training_mode = 1 refused; mean and var may have another float type), 15 (scale / B and
**   mean / var each their own float type). momentum only updates running statistics in
**   training, so it has no effect here. Outputs besides Y are training outputs: refused.
** LayerNormalization (17): over the axes from `axis` on; Scale and B broadcast to X; the
**   optional Mean and InvStdDev outputs (X's shape with the normalised axes 1) are float32, the
**   type stash_type 1 gives them; statistics in double; other stash_type values are refused.
** InstanceNormalization (1: consumed_inputs as above; 6; 22): per batch item and channel over
**   the spatial axes, then scale[c] and B[c].
** float32 has direct loops; float16, bfloat16 and float64 go through double.
*/
#include "ops/conv.h"
#include "ops/conv_vec.h"
#include "ops/ops.h"
#include "dtype.h"

#include <math.h>
#include <string.h>

/* ---- BatchNormalization ---- */

int lstm__bn_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                   lstm__diag *d)
{
    lstm__bn_params *p = params;
    char b[LSTM__LABEL_MAX];
    static const char *const v1[] = {"consumed_inputs", "epsilon", "is_test",
                                     "momentum",        "spatial", NULL};
    static const char *const v6[] = {"epsilon", "is_test", "momentum", "spatial", NULL};
    static const char *const v7[] = {"epsilon", "momentum", "spatial", NULL};
    static const char *const v9[] = {"epsilon", "momentum", NULL};
    static const char *const v14[] = {"epsilon", "momentum", "training_mode", NULL};
    int max_out = since >= 14 ? 3 : 5;
    int64_t is_test = 1, training = 0;
    float momentum;
    memset(p, 0, sizeof *p);
    if (lstm__arity(g, n, 5, 5, 1, max_out, d) ||
        lstm__attrs_allowed(g, n, since,
                            since >= 14  ? v14
                            : since >= 9 ? v9
                            : since >= 7 ? v7
                            : since >= 6 ? v6
                                         : v1,
                            d) ||
        lstm__attr_float(g, n, "epsilon", 1e-5f, &p->epsilon, d) ||
        lstm__attr_float(g, n, "momentum", 0.9f, &momentum, d) ||
        lstm__attr_flag(g, n, "spatial", 1, &p->spatial, d) ||
        lstm__attr_flag(g, n, "is_test", since < 7 ? 0 : 1, &is_test, d) ||
        lstm__attr_flag(g, n, "training_mode", 0, &training, d))
        return d->code;
    const lstm__attr *ci = lstm__attr_find(n, "consumed_inputs");
    if (ci && ci->type != LSTM__A_INTS)
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'consumed_inputs' must be a list of ints",
                          lstm__node_ctx(g, n, b, sizeof b));
    if (!is_test)
        return lstm__errf(d, LSTM_EUNSUPPORTED,
                          "%s: is_test=0 (training mode, the default before version 7) is not "
                          "supported; this runtime does inference (is_test=1)",
                          lstm__node_ctx(g, n, b, sizeof b));
    if (training)
        return lstm__errf(d, LSTM_EUNSUPPORTED,
                          "%s: training_mode=%lld is not supported; this runtime does inference "
                          "(training_mode=0)",
                          lstm__node_ctx(g, n, b, sizeof b), (long long)training);
    for (int i = 1; i < n->n_out; i++)
        if (n->out_names[i][0])
            return lstm__errf(d, LSTM_EUNSUPPORTED,
                              "%s: output %d ('%.80s') is a training-mode output; this runtime "
                              "does inference (Y only)",
                              lstm__node_ctx(g, n, b, sizeof b), i, n->out_names[i]);
    if (!(p->epsilon >= 0))
        return lstm__errf(d, LSTM_EMODEL, "%s: epsilon must not be negative",
                          lstm__node_ctx(g, n, b, sizeof b));
    return LSTM_OK;
}

int lstm__bn_prepare(lstm__kctx *k)
{
    const lstm__bn_params *p = k->params;
    lstm__bn_state *st = k->state;
    const lstm__rt *X = k->in[0];
    static const char *const names[] = {"X", "scale", "B", "mean", "var"};
    char s1[96], s2[96];
    memset(st, 0, sizeof *st);
    if (!lstm__is_float(X->dtype))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type %s", lstm__klabel(k),
                          lstm__dtype_name(X->dtype));
    if (X->rank < 2)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: X has shape %s, expected [N, C, ...]",
                          lstm__klabel(k), lstm__dims_str(s1, sizeof s1, X->rank, X->dims));
    st->N = X->dims[0];
    st->C = X->dims[1];
    st->S = lstm__dims_count(X->rank - 2, X->dims + 2);
    st->per = p->spatial ? 1 : st->S;
    for (int i = 1; i < 5; i++) {
        const lstm__rt *t = k->in[i];
        /* Types: one for all before version 14; mean / var their own from 14; scale / B too
        ** from 15. */
        int want = k->since >= 15             ? (i <= 2 ? k->in[1]->dtype : k->in[3]->dtype)
                   : k->since >= 14 && i >= 3 ? k->in[3]->dtype
                                              : X->dtype;
        if (!lstm__is_float(t->dtype) || t->dtype != want)
            return lstm__errf(k->d, LSTM_EINVAL, "%s: input %s is %s, expected %s", lstm__klabel(k),
                              names[i], lstm__dtype_name(t->dtype), lstm__dtype_name(want));
        int ok = p->spatial
                     ? t->rank == 1 && t->dims[0] == st->C
                     : t->rank == X->rank - 1 &&
                           memcmp(t->dims, X->dims + 1, sizeof(int64_t) * (size_t)t->rank) == 0;
        if (!ok)
            return lstm__errf(k->d, LSTM_EINVAL, "%s: input %s has shape %s, expected %s%s",
                              lstm__klabel(k), names[i],
                              lstm__dims_str(s1, sizeof s1, t->rank, t->dims),
                              p->spatial ? "[C] with C = " : "X's without the batch axis, ",
                              p->spatial ? lstm__dims_str(s2, sizeof s2, 1, X->dims + 1)
                                         : lstm__dims_str(s2, sizeof s2, X->rank - 1, X->dims + 1));
    }
    /* a and b in double, then as float for the float32 loop */
    k->scratch_size = (size_t)(2 * st->C * st->per) * (sizeof(double) + sizeof(float));
    return lstm__rt_set(k, k->out[0], X->dtype, X->rank, X->dims);
}

int lstm__bn_run(lstm__kctx *k)
{
    const lstm__bn_params *p = k->params;
    const lstm__bn_state *st = k->state;
    const lstm__rt *X = k->in[0];
    lstm__rt *Y = k->out[0];
    const int64_t CP = st->C * st->per;
    double *a = k->scratch, *b = a + CP;
    for (int64_t i = 0; i < CP; i++) {
        double sc = lstm__get_f(k->in[1], (size_t)i), bias = lstm__get_f(k->in[2], (size_t)i),
               mean = lstm__get_f(k->in[3], (size_t)i), var = lstm__get_f(k->in[4], (size_t)i);
        a[i] = sc / sqrt(var + (double)p->epsilon);
        b[i] = bias - mean * a[i];
    }
    if (X->dtype == LSTM_DT_FLOAT) {
        float *af = (float *)(b + CP), *bf = af + CP;
        for (int64_t i = 0; i < CP; i++) af[i] = (float)a[i];
        for (int64_t i = 0; i < CP; i++) bf[i] = (float)b[i];
        const float *x = X->data;
        float *y = Y->data;
        for (int64_t n = 0; n < st->N; n++)
            for (int64_t c = 0; c < st->C; c++) {
                const float *xs = x + (n * st->C + c) * st->S;
                float *ys = y + (n * st->C + c) * st->S;
                if (st->per == 1) {
                    lstm__vscale_shift(ys, xs, af[c], bf[c], st->S);
                } else {
                    const float *ac = af + c * st->S, *bc = bf + c * st->S;
                    for (int64_t s = 0; s < st->S; s++) ys[s] = xs[s] * ac[s] + bc[s];
                }
            }
        return LSTM_OK;
    }
    for (int64_t n = 0; n < st->N; n++)
        for (int64_t c = 0; c < st->C; c++)
            for (int64_t s = 0; s < st->S; s++) {
                size_t e = (size_t)((n * st->C + c) * st->S + s);
                int64_t j = c * st->per + (st->per == 1 ? 0 : s);
                lstm__put_f(Y, e, lstm__get_f(X, e) * a[j] + b[j]);
            }
    return LSTM_OK;
}

/* ---- LayerNormalization ---- */

int lstm__ln_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                   lstm__diag *d)
{
    lstm__ln_params *p = params;
    static const char *const names[] = {"axis", "epsilon", "stash_type", NULL};
    char b[LSTM__LABEL_MAX];
    memset(p, 0, sizeof *p);
    if (lstm__arity(g, n, 2, 3, 1, 3, d) || lstm__attrs_allowed(g, n, since, names, d) ||
        lstm__attr_int(g, n, "axis", -1, &p->axis, d) ||
        lstm__attr_float(g, n, "epsilon", 1e-5f, &p->epsilon, d) ||
        lstm__attr_int(g, n, "stash_type", 1, &p->stash_type, d))
        return d->code;
    if (p->stash_type != 1)
        return lstm__errf(d, LSTM_EUNSUPPORTED,
                          "%s: stash_type %lld is not supported (1, float32, is; statistics are "
                          "computed in double)",
                          lstm__node_ctx(g, n, b, sizeof b), (long long)p->stash_type);
    if (!(p->epsilon >= 0))
        return lstm__errf(d, LSTM_EMODEL, "%s: epsilon must not be negative",
                          lstm__node_ctx(g, n, b, sizeof b));
    return LSTM_OK;
}

/* Strides of t broadcast over X's shape (0 where broadcast); error when t does not broadcast
** to X without changing it. */
static int bstrides(lstm__kctx *k, const lstm__rt *X, const lstm__rt *t, const char *what,
                    int64_t *st)
{
    char s1[96], s2[96];
    int off = X->rank - t->rank, ok = off >= 0;
    int64_t s = 1;
    for (int d = X->rank - 1; ok && d >= 0; d--) {
        int64_t v = d >= off ? t->dims[d - off] : 1;
        ok = v == 1 || v == X->dims[d];
        st[d] = v == 1 ? 0 : s;
        s *= v;
    }
    if (!ok)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: %s has shape %s, which does not broadcast to X %s", lstm__klabel(k),
                          what, lstm__dims_str(s1, sizeof s1, t->rank, t->dims),
                          lstm__dims_str(s2, sizeof s2, X->rank, X->dims));
    return LSTM_OK;
}

/* Strides st read the normalised block as one row: 0 before axis, row-major from it. */
static int row_major_from(const lstm__rt *X, int axis, const int64_t *st)
{
    int64_t s = 1;
    for (int d = X->rank - 1; d >= 0; d--) {
        if (d < axis ? st[d] != 0 : X->dims[d] != 1 && st[d] != s) return 0;
        if (d >= axis) s *= X->dims[d];
    }
    return 1;
}

int lstm__ln_prepare(lstm__kctx *k)
{
    const lstm__ln_params *p = k->params;
    lstm__ln_state *st = k->state;
    const lstm__rt *X = k->in[0], *S = k->in[1], *B = k->n->n_in > 2 ? k->in[2] : NULL;
    memset(st, 0, sizeof *st);
    if (!lstm__is_float(X->dtype) || S->dtype != X->dtype || (B && B->dtype != X->dtype))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED,
                          "%s: X, Scale and B must share one float type (got %s)", lstm__klabel(k),
                          lstm__dtype_name(X->dtype));
    if (X->rank < 1)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: X must have rank 1 or more", lstm__klabel(k));
    if (lstm__axis(k, p->axis, X->rank, &st->axis, "axis")) return k->d->code;
    st->outer = lstm__dims_count(st->axis, X->dims);
    st->inner = lstm__dims_count(X->rank - st->axis, X->dims + st->axis);
    if (bstrides(k, X, S, "Scale", st->sst) || (B && bstrides(k, X, B, "B", st->bst)))
        return k->d->code;
    st->plain =
        row_major_from(X, st->axis, st->sst) && (!B || row_major_from(X, st->axis, st->bst));
    if (lstm__rt_set(k, k->out[0], X->dtype, X->rank, X->dims)) return k->d->code;
    int64_t dims[LSTM__MAX_RANK];
    for (int d = 0; d < X->rank; d++) dims[d] = d < st->axis ? X->dims[d] : 1;
    for (int j = 1; j < 3 && j < k->n->n_out; j++) /* float32: stash_type 1 */
        if (k->out[j] && lstm__rt_set(k, k->out[j], LSTM_DT_FLOAT, X->rank, dims))
            return k->d->code;
    return LSTM_OK;
}

/* Offset of flat element e of X in a tensor broadcast with strides st. */
static size_t boff(const lstm__rt *X, const int64_t *st, int64_t e)
{
    int64_t off = 0;
    for (int d = X->rank - 1; d >= 0; d--) {
        off += (e % X->dims[d]) * st[d];
        e /= X->dims[d];
    }
    return (size_t)off;
}

int lstm__ln_run(lstm__kctx *k)
{
    const lstm__ln_params *p = k->params;
    const lstm__ln_state *st = k->state;
    const lstm__rt *X = k->in[0], *S = k->in[1], *B = k->n->n_in > 2 ? k->in[2] : NULL;
    lstm__rt *Y = k->out[0], *Mo = k->n->n_out > 1 ? k->out[1] : NULL,
             *Io = k->n->n_out > 2 ? k->out[2] : NULL;
    const int64_t L = st->inner;
    /* L = 0 (an empty normalized axis) leaves X without data: only the statistics are written. */
    const int f32 = X->dtype == LSTM_DT_FLOAT && st->plain && L > 0;
    for (int64_t r = 0; r < st->outer; r++) {
        const size_t base = (size_t)(r * L);
        double mean = 0, var = 0;
        if (f32) {
            const float *x = (const float *)X->data + base;
            for (int64_t i = 0; i < L; i++) mean += x[i];
            mean = L ? mean / (double)L : 0;
            for (int64_t i = 0; i < L; i++) var += (x[i] - mean) * (x[i] - mean);
        } else {
            for (int64_t i = 0; i < L; i++) mean += lstm__get_f(X, base + (size_t)i);
            mean = L ? mean / (double)L : 0;
            for (int64_t i = 0; i < L; i++) {
                double v = lstm__get_f(X, base + (size_t)i) - mean;
                var += v * v;
            }
        }
        var = L ? var / (double)L : 0;
        double inv = 1.0 / sqrt(var + (double)p->epsilon);
        if (f32) {
            const float *x = (const float *)X->data + base, *s = S->data,
                        *b = B ? (const float *)B->data : NULL;
            float *y = (float *)Y->data + base;
            const float m = (float)mean, iv = (float)inv;
            for (int64_t i = 0; i < L; i++) y[i] = (x[i] - m) * iv * s[i] + (b ? b[i] : 0.0f);
        } else {
            for (int64_t i = 0; i < L; i++) {
                int64_t e = (int64_t)base + i;
                size_t so = st->plain ? (size_t)i : boff(X, st->sst, e);
                double v = (lstm__get_f(X, (size_t)e) - mean) * inv * lstm__get_f(S, so);
                if (B) v += lstm__get_f(B, st->plain ? (size_t)i : boff(X, st->bst, e));
                lstm__put_f(Y, (size_t)e, v);
            }
        }
        if (Mo) lstm__put_f(Mo, (size_t)r, mean);
        if (Io) lstm__put_f(Io, (size_t)r, inv);
    }
    return LSTM_OK;
}

/* ---- InstanceNormalization ---- */

int lstm__instnorm_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                         lstm__diag *d)
{
    lstm__in_params *p = params;
    static const char *const v1[] = {"consumed_inputs", "epsilon", NULL};
    static const char *const v6[] = {"epsilon", NULL};
    char b[LSTM__LABEL_MAX];
    memset(p, 0, sizeof *p);
    if (lstm__arity(g, n, 3, 3, 1, 1, d) ||
        lstm__attrs_allowed(g, n, since, since >= 6 ? v6 : v1, d) ||
        lstm__attr_float(g, n, "epsilon", 1e-5f, &p->epsilon, d))
        return d->code;
    const lstm__attr *ci = lstm__attr_find(n, "consumed_inputs");
    if (ci && ci->type != LSTM__A_INTS)
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'consumed_inputs' must be a list of ints",
                          lstm__node_ctx(g, n, b, sizeof b));
    if (!(p->epsilon >= 0))
        return lstm__errf(d, LSTM_EMODEL, "%s: epsilon must not be negative",
                          lstm__node_ctx(g, n, b, sizeof b));
    return LSTM_OK;
}

int lstm__instnorm_prepare(lstm__kctx *k)
{
    lstm__in_state *st = k->state;
    const lstm__rt *X = k->in[0];
    char s1[96];
    memset(st, 0, sizeof *st);
    if (!lstm__is_float(X->dtype))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type %s", lstm__klabel(k),
                          lstm__dtype_name(X->dtype));
    if (X->rank < 3)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: input has shape %s, expected [N, C, D1, ...] (rank 3 or more)",
                          lstm__klabel(k), lstm__dims_str(s1, sizeof s1, X->rank, X->dims));
    st->N = X->dims[0];
    st->C = X->dims[1];
    st->S = lstm__dims_count(X->rank - 2, X->dims + 2);
    for (int i = 1; i < 3; i++) {
        const lstm__rt *t = k->in[i];
        if (t->dtype != X->dtype || t->rank != 1 || t->dims[0] != st->C)
            return lstm__errf(k->d, LSTM_EINVAL, "%s: input %s is %s %s, expected %s [%lld]",
                              lstm__klabel(k), i == 1 ? "scale" : "B", lstm__dtype_name(t->dtype),
                              lstm__dims_str(s1, sizeof s1, t->rank, t->dims),
                              lstm__dtype_name(X->dtype), (long long)st->C);
    }
    return lstm__rt_set(k, k->out[0], X->dtype, X->rank, X->dims);
}

int lstm__instnorm_run(lstm__kctx *k)
{
    const lstm__in_params *p = k->params;
    const lstm__in_state *st = k->state;
    const lstm__rt *X = k->in[0];
    lstm__rt *Y = k->out[0];
    const int64_t S = st->S;
    if (S == 0) return LSTM_OK; /* X and Y are empty (and have no data) */
    for (int64_t n = 0; n < st->N; n++)
        for (int64_t c = 0; c < st->C; c++) {
            const size_t base = (size_t)((n * st->C + c) * S);
            double mean = 0, var = 0;
            for (int64_t i = 0; i < S; i++) mean += lstm__get_f(X, base + (size_t)i);
            mean = S ? mean / (double)S : 0;
            for (int64_t i = 0; i < S; i++) {
                double v = lstm__get_f(X, base + (size_t)i) - mean;
                var += v * v;
            }
            var = S ? var / (double)S : 0;
            /* (x - mean) * a + B: with x * a + (B - mean * a) instead, a variance near 0 (a
            ** ~ scale / sqrt(epsilon)) left float32 rounding of x * a in the result. */
            double a = lstm__get_f(k->in[1], (size_t)c) / sqrt(var + (double)p->epsilon);
            double b = lstm__get_f(k->in[2], (size_t)c);
            if (X->dtype == LSTM_DT_FLOAT) {
                const float *x = (const float *)X->data + base;
                float *y = (float *)Y->data + base;
                const float fa = (float)a, fb = (float)b;
                for (int64_t i = 0; i < S; i++) y[i] = (float)((double)x[i] - mean) * fa + fb;
            } else {
                for (int64_t i = 0; i < S; i++)
                    lstm__put_f(Y, base + (size_t)i,
                                (lstm__get_f(X, base + (size_t)i) - mean) * a + b);
            }
        }
    return LSTM_OK;
}
