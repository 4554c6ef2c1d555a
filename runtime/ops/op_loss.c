/*
** op_loss.c — NegativeLogLikelihoodLoss (12, 13, 22) and SoftmaxCrossEntropyLoss (12, 13):
** input / scores (N, C, d1..dk), target / labels (N, d1..dk) int32 or int64, optional weight (C).
** Each element's loss is -x[n, t, d...] * weight[t] (x: the input, or for SoftmaxCrossEntropyLoss
** log_softmax(scores) over axis 1, its optional second output log_prob); a target equal to
** ignore_index gives 0 and is left out of the mean. reduction "none" keeps (N, d1..dk), "sum"
** adds them, "mean" (the default) divides the sum by the sum of the weights taken (the count
** when there are no weights; 0 / 0 is NaN). Computed in double, stored in the input's type.
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"

#include <math.h>
#include <string.h>

static int parse(const lstm__graph *g, const lstm__node *n, int since, void *params, int softmax,
                 lstm__diag *d)
{
    static const char *const allowed[] = {"ignore_index", "reduction", NULL};
    static const char *const reds[] = {"none", "sum", "mean"};
    lstm__loss_params *p = params;
    memset(p, 0, sizeof *p);
    p->softmax = softmax;
    p->reduction = LSTM__LOSS_MEAN;
    if (lstm__arity(g, n, 2, 3, 1, softmax ? 2 : 1, d) ||
        lstm__attrs_allowed(g, n, since, allowed, d) ||
        lstm__attr_choice(g, n, "reduction", reds, 3, &p->reduction, d) ||
        lstm__attr_int(g, n, "ignore_index", 0, &p->ignore_index, d))
        return d->code;
    p->has_ignore = lstm__attr_find(n, "ignore_index") != NULL;
    return LSTM_OK;
}

static int prepare(lstm__kctx *k)
{
    const lstm__loss_params *p = k->params;
    const lstm__rt *x = k->in[0], *t = k->in[1], *w = k->n->n_in > 2 ? k->in[2] : NULL;
    const char *xn = p->softmax ? "scores" : "input", *tn = p->softmax ? "labels" : "target";
    char s1[96], s2[96];
    int dt = x->dtype;
    if (!lstm__is_float(dt) || (dt == LSTM_DT_BFLOAT16 && !p->softmax && k->since < 22) ||
        (dt == LSTM_DT_BFLOAT16 && p->softmax && k->since < 13))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED,
                          "%s: %s is %s, expected float32, float64, float16%s", lstm__klabel(k), xn,
                          lstm__dtype_name(dt),
                          p->softmax ? (k->since >= 13 ? " or bfloat16" : " (bfloat16 from 13)")
                                     : (k->since >= 22 ? " or bfloat16" : " (bfloat16 from 22)"));
    if (t->dtype != LSTM_DT_INT32 && t->dtype != LSTM_DT_INT64)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: %s is %s, expected int32 or int64",
                          lstm__klabel(k), tn, lstm__dtype_name(t->dtype));
    lstm__dims_str(s1, sizeof s1, x->rank, x->dims);
    lstm__dims_str(s2, sizeof s2, t->rank, t->dims);
    if (x->rank < 2)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: %s is %s, expected (N, C, d1..dk): rank >= 2",
                          lstm__klabel(k), xn, s1);
    int ok = t->rank == x->rank - 1 && t->dims[0] == x->dims[0];
    for (int i = 1; ok && i < t->rank; i++) ok = t->dims[i] == x->dims[i + 1];
    if (!ok)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: %s is %s, expected %s's shape without axis 1 (%s)", lstm__klabel(k),
                          tn, s2, xn, s1);
    if (w) {
        if (w->dtype != dt)
            return lstm__errf(k->d, LSTM_EINVAL, "%s: weight is %s, expected %s like %s",
                              lstm__klabel(k), lstm__dtype_name(w->dtype), lstm__dtype_name(dt),
                              xn);
        if (w->rank != 1 || w->dims[0] != x->dims[1])
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: weight is %s, expected [%lld] (one per class)", lstm__klabel(k),
                              lstm__dims_str(s2, sizeof s2, w->rank, w->dims),
                              (long long)x->dims[1]);
    }
    if (p->reduction == LSTM__LOSS_NONE) {
        if (lstm__rt_set(k, k->out[0], dt, t->rank, t->dims)) return k->d->code;
    } else if (lstm__rt_set(k, k->out[0], dt, 0, NULL)) {
        return k->d->code;
    }
    if (p->softmax) {
        if (k->n->n_out > 1 && k->out[1] && lstm__rt_set(k, k->out[1], dt, x->rank, x->dims))
            return k->d->code;
        k->scratch_size = x->nelem * sizeof(double); /* log_prob in double */
    }
    return LSTM_OK;
}

/* log_softmax over axis 1 of x (N, C, D) into lp. */
static void log_softmax(const lstm__rt *x, int64_t N, int64_t C, int64_t D, double *lp)
{
    for (int64_t n = 0; n < N; n++)
        for (int64_t d = 0; d < D; d++) {
            size_t base = (size_t)(n * C * D + d);
            double m = -INFINITY, s = 0;
            for (int64_t c = 0; c < C; c++) {
                double v = lstm__ld(x, base + (size_t)(c * D));
                if (v > m || isnan(v)) m = v;
            }
            for (int64_t c = 0; c < C; c++) s += exp(lstm__ld(x, base + (size_t)(c * D)) - m);
            double ls = log(s);
            for (int64_t c = 0; c < C; c++) {
                size_t i = base + (size_t)(c * D);
                lp[i] = lstm__ld(x, i) - m - ls;
            }
        }
}

static int run(lstm__kctx *k)
{
    const lstm__loss_params *p = k->params;
    const lstm__rt *x = k->in[0], *t = k->in[1], *w = k->n->n_in > 2 ? k->in[2] : NULL;
    lstm__rt *y = k->out[0], *lpo = p->softmax && k->n->n_out > 1 ? k->out[1] : NULL;
    int64_t N = x->dims[0], C = x->dims[1], D = 1;
    for (int i = 2; i < x->rank; i++) D *= x->dims[i];
    double *lp = NULL;
    if (p->softmax) {
        lp = k->scratch;
        log_softmax(x, N, C, D, lp);
        if (lpo)
            for (size_t i = 0; i < x->nelem; i++) lstm__st(lpo, i, lp[i]);
    }
    double sum = 0, wsum = 0;
    for (int64_t n = 0; n < N; n++)
        for (int64_t d = 0; d < D; d++) {
            size_t j = (size_t)(n * D + d);
            int64_t c = lstm__get_i(t, j);
            double l = 0;
            if (!(p->has_ignore && c == p->ignore_index)) {
                if (c < 0 || c >= C)
                    return lstm__errf(k->d, LSTM_EINVAL,
                                      "%s: %s element %zu is %lld, outside the %lld classes "
                                      "[0, %lld)%s",
                                      lstm__klabel(k), p->softmax ? "labels" : "target", j,
                                      (long long)c, (long long)C, (long long)C,
                                      p->has_ignore ? " and not ignore_index" : "");
                size_t i = (size_t)((n * C + c) * D + d);
                double wt = w ? lstm__ld(w, (size_t)c) : 1.0;
                l = -(lp ? lp[i] : lstm__ld(x, i)) * wt;
                wsum += wt;
            }
            if (p->reduction == LSTM__LOSS_NONE)
                lstm__st(y, j, l);
            else
                sum += l;
        }
    if (p->reduction == LSTM__LOSS_SUM) lstm__st(y, 0, sum);
    if (p->reduction == LSTM__LOSS_MEAN) lstm__st(y, 0, sum / wsum);
    return LSTM_OK;
}

LSTM__OP_FAMILY(lstm__nll_loss, 0)
LSTM__OP_FAMILY(lstm__softmax_ce_loss, 1)
