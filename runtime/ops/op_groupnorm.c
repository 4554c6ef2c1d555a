/*
** op_groupnorm.c — GroupNormalization: X [N, C, D1, ...] in num_groups groups of C / num_groups
** channels; per batch item and group, y = scale * (x - mean) / sqrt(var + epsilon) + bias.
**   18: scale and bias hold one value per group ([num_groups]); stage one in X's type (double
**       for float64, float32 for the others, rounded to X's type).
**   21: one per channel ([C]); stage one (the statistics and the normalised values) in the
**       precision stash_type names: 1 (float32, the default) and 11 (double) are honoured,
**       float16 / bfloat16 refused (norm_stash.c).
** Statistics are two-pass sums in double over the group's values (as float32 for stash_type
** 1); the normalised value is rounded to float32 (stash_type 1) and to X's type before the
** scale and bias of stage two. float32 with stash_type 1 has a direct loop; the other cases go
** through double. Empty groups (a zero spatial size, N or C) leave an empty Y.
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"

#include <math.h>
#include <string.h>

int lstm__groupnorm_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                          lstm__diag *d)
{
    lstm__gn_params *p = params;
    static const char *const v18[] = {"epsilon", "num_groups", NULL};
    static const char *const v21[] = {"epsilon", "num_groups", "stash_type", NULL};
    char b[LSTM__LABEL_MAX];
    memset(p, 0, sizeof *p);
    p->per_group = since < 21;
    if (lstm__arity(g, n, 3, 3, 1, 1, d) ||
        lstm__attrs_allowed(g, n, since, since >= 21 ? v21 : v18, d) ||
        lstm__attr_float(g, n, "epsilon", 1e-5f, &p->epsilon, d) ||
        lstm__attr_int(g, n, "num_groups", 0, &p->groups, d) ||
        (since >= 21 && lstm__norm_stash(g, n, &p->stash64, d)))
        return d->code;
    if (!lstm__attr_find(n, "num_groups"))
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'num_groups' is required",
                          lstm__node_ctx(g, n, b, sizeof b));
    if (p->groups < 1)
        return lstm__errf(d, LSTM_EMODEL, "%s: num_groups is %lld, expected 1 or more",
                          lstm__node_ctx(g, n, b, sizeof b), (long long)p->groups);
    if (!(p->epsilon >= 0))
        return lstm__errf(d, LSTM_EMODEL, "%s: epsilon must not be negative",
                          lstm__node_ctx(g, n, b, sizeof b));
    return LSTM_OK;
}

int lstm__groupnorm_prepare(lstm__kctx *k)
{
    const lstm__gn_params *p = k->params;
    lstm__gn_state *st = k->state;
    const lstm__rt *X = k->in[0];
    char s1[96];
    memset(st, 0, sizeof *st);
    if (!lstm__is_float(X->dtype))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED,
                          "%s: unsupported type %s (float32, float64, float16 or bfloat16)",
                          lstm__klabel(k), lstm__dtype_name(X->dtype));
    if (X->rank < 2)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: X has shape %s, expected [N, C, D1, ...]",
                          lstm__klabel(k), lstm__dims_str(s1, sizeof s1, X->rank, X->dims));
    st->N = X->dims[0];
    st->C = X->dims[1];
    st->S = lstm__dims_count(X->rank - 2, X->dims + 2);
    if (st->C % p->groups)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: num_groups %lld does not divide the %lld channels of X %s",
                          lstm__klabel(k), (long long)p->groups, (long long)st->C,
                          lstm__dims_str(s1, sizeof s1, X->rank, X->dims));
    st->cpg = st->C / p->groups;
    st->stash64 = p->stash64 || (p->per_group && X->dtype == LSTM_DT_DOUBLE);
    const int64_t want = p->per_group ? p->groups : st->C;
    for (int i = 1; i < 3; i++) {
        const lstm__rt *t = k->in[i];
        if (t->dtype != X->dtype || t->rank != 1 || t->dims[0] != want)
            return lstm__errf(
                k->d, LSTM_EINVAL, "%s: input %s is %s %s, expected %s [%lld] (%s)",
                lstm__klabel(k), i == 1 ? "scale" : "bias", lstm__dtype_name(t->dtype),
                lstm__dims_str(s1, sizeof s1, t->rank, t->dims), lstm__dtype_name(X->dtype),
                (long long)want, p->per_group ? "one per group" : "one per channel");
    }
    return lstm__rt_set(k, k->out[0], X->dtype, X->rank, X->dims);
}

int lstm__groupnorm_run(lstm__kctx *k)
{
    const lstm__gn_params *p = k->params;
    const lstm__gn_state *st = k->state;
    const lstm__rt *X = k->in[0], *Sc = k->in[1], *Bi = k->in[2];
    lstm__rt *Y = k->out[0];
    const int64_t L = st->cpg * st->S;                         /* values per group */
    const int f32 = X->dtype == LSTM_DT_FLOAT && !st->stash64; /* stage one in float */
    if (L == 0) return LSTM_OK;                                /* X and Y are empty */
    for (int64_t n = 0; n < st->N; n++)
        for (int64_t gr = 0; gr < p->groups; gr++) {
            const size_t base = (size_t)((n * p->groups + gr) * L);
            double mean = 0, var = 0;
            if (f32) {
                const float *x = (const float *)X->data + base;
                for (int64_t i = 0; i < L; i++) mean += x[i];
                mean /= (double)L;
                for (int64_t i = 0; i < L; i++) var += (x[i] - mean) * (x[i] - mean);
            } else {
                for (int64_t i = 0; i < L; i++)
                    mean += lstm__norm_get(X, base + (size_t)i, st->stash64);
                mean /= (double)L;
                for (int64_t i = 0; i < L; i++) {
                    double v = lstm__norm_get(X, base + (size_t)i, st->stash64) - mean;
                    var += v * v;
                }
            }
            var /= (double)L;
            const double inv = 1.0 / sqrt(var + (double)p->epsilon);
            for (int64_t j = 0; j < st->cpg; j++) {
                const size_t cb = base + (size_t)(j * st->S);
                const size_t si = (size_t)(p->per_group ? gr : gr * st->cpg + j);
                if (f32) {
                    const float *x = (const float *)X->data + cb;
                    float *y = (float *)Y->data + cb;
                    const float m = (float)mean, iv = (float)inv, s = ((const float *)Sc->data)[si],
                                b = ((const float *)Bi->data)[si];
                    for (int64_t i = 0; i < st->S; i++) y[i] = s * ((x[i] - m) * iv) + b;
                } else {
                    const double s = lstm__get_f(Sc, si), b = lstm__get_f(Bi, si);
                    for (int64_t i = 0; i < st->S; i++) {
                        const size_t e = cb + (size_t)i;
                        double v = (lstm__norm_get(X, e, st->stash64) - mean) * inv;
                        lstm__put_f(Y, e, s * lstm__norm_round(v, st->stash64, X->dtype) + b);
                    }
                }
            }
        }
    return LSTM_OK;
}
