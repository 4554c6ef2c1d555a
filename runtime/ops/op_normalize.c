/*
** op_normalize.c — normalisations over reduced axes, on the walk of reduce.h.
** LpNormalization (1; 22 adds bfloat16): x / ||x||_p along axis (default -1), p 1 or 2 (other
**   values refused); 0 where the norm is 0. float64 vectors are scaled by their largest
**   magnitude first, so the squares cannot overflow or underflow.
** MeanVarianceNormalization (9; 13 adds bfloat16): (x - mean) / (sqrt(variance) + 1e-9) over
**   axes (default [0, 2, 3]; an empty list: every axis), with the function body's epsilon; the
**   variance is the mean of the squared deviations.
** Statistics in double; each output is rounded once. Groups whose elements lie side by side
** (the input's last axis kept) are computed 64 at a time, as in op_reduce_more.c.
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "ops/reduce.h"
#include "dtype.h"

#include <math.h>
#include <string.h>

/* float32, float64, float16, and bfloat16 from opset bf16_from. */
static int check_type(lstm__kctx *k, int bf16_from)
{
    int t = k->in[0]->dtype;
    if (t == LSTM_DT_BFLOAT16 && k->n->opset < bf16_from)
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: type bfloat16 is allowed from opset %d",
                          lstm__klabel(k), bf16_from);
    if (!lstm__is_float(t))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED,
                          "%s: unsupported type %s (expected a float type)", lstm__klabel(k),
                          lstm__dtype_name(t));
    return LSTM_OK;
}

/* Output shape = input shape; the walk groups the elements sharing a norm or statistics. */
static int prepare_walk(lstm__kctx *k, const int *red)
{
    const lstm__rt *x = k->in[0];
    lstm__rwalk_init(k->state, x, red);
    return lstm__rt_set(k, k->out[0], x->dtype, x->rank, x->dims);
}

/* ---- LpNormalization ---- */

int lstm__lpnorm_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                       lstm__diag *d)
{
    lstm__lpnorm_params *p = params;
    static const char *const attrs[] = {"axis", "p", NULL};
    char b[LSTM__LABEL_MAX];
    if (lstm__arity(g, n, 1, 1, 1, 1, d) || lstm__attrs_allowed(g, n, since, attrs, d) ||
        lstm__attr_int(g, n, "axis", -1, &p->axis, d) || lstm__attr_int(g, n, "p", 2, &p->p, d))
        return d->code;
    if (p->p != 1 && p->p != 2)
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'p' is %lld, expected 1 or 2",
                          lstm__node_ctx(g, n, b, sizeof b), (long long)p->p);
    return LSTM_OK;
}

int lstm__lpnorm_prepare(lstm__kctx *k)
{
    const lstm__lpnorm_params *p = k->params;
    int red[LSTM__MAX_RANK] = {0}, a;
    if (check_type(k, 22) || lstm__axis(k, p->axis, k->in[0]->rank, &a, "axis")) return k->d->code;
    red[a] = 1;
    return prepare_walk(k, red);
}

/* Outputs of the block of vectors o .. o + nb - 1 (lstm__rwalk_block): their norms, then x / norm
** (0 where the norm is 0). float64 vectors are divided by their largest magnitude while the norm
** is formed; a vector with NaN or an infinity is not. */
static void lp_block(const lstm__rwalk *w, const lstm__rt *x, lstm__rt *y, int p, size_t o,
                     size_t nb)
{
    double norm[LSTM__RWALK_BLOCK], scale[LSTM__RWALK_BLOCK], row[LSTM__RWALK_BLOCK];
    int64_t ridx[LSTM__MAX_RANK] = {0};
    size_t base = lstm__rwalk_base(w, o), off = base;
    for (size_t i = 0; i < nb; i++) norm[i] = scale[i] = 0;
    if (x->dtype == LSTM_DT_DOUBLE) {
        for (size_t e = 0; e < w->count; e++, off = lstm__rwalk_next(w, ridx, off)) {
            lstm__rwalk_load(x, off, nb, row);
            for (size_t i = 0; i < nb; i++)
                if (fabs(row[i]) > scale[i] || isnan(row[i])) scale[i] = fabs(row[i]);
        }
    }
    for (size_t i = 0; i < nb; i++) scale[i] = scale[i] > 0 && isfinite(scale[i]) ? scale[i] : 1;
    off = base;
    for (size_t e = 0; e < w->count; e++, off = lstm__rwalk_next(w, ridx, off)) {
        lstm__rwalk_load(x, off, nb, row);
        for (size_t i = 0; i < nb; i++) {
            double v = row[i] / scale[i];
            norm[i] += p == 1 ? fabs(v) : v * v;
        }
    }
    for (size_t i = 0; i < nb; i++) norm[i] = (p == 1 ? norm[i] : sqrt(norm[i])) * scale[i];
    off = base;
    for (size_t e = 0; e < w->count; e++, off = lstm__rwalk_next(w, ridx, off)) {
        lstm__rwalk_load(x, off, nb, row);
        for (size_t i = 0; i < nb; i++) row[i] = norm[i] == 0 ? 0.0 : row[i] / norm[i];
        lstm__rwalk_store(y, off, nb, row);
    }
}

/* One vector alone (lp_block for a block of one), in chunks of adjacent elements. */
static void lp_one(const lstm__rwalk *w, const lstm__rt *x, lstm__rt *y, int p, size_t o)
{
    double row[LSTM__RWALK_BLOCK], norm = 0, scale = 0;
    size_t base = lstm__rwalk_base(w, o), off, n;
    lstm__rchunks it;
    if (x->dtype == LSTM_DT_DOUBLE) {
        for (lstm__rchunks_start(&it, w, base); lstm__rchunks_next(&it, &off, &n);) {
            lstm__rwalk_load(x, off, n, row);
            for (size_t i = 0; i < n; i++)
                if (fabs(row[i]) > scale || isnan(row[i])) scale = fabs(row[i]);
        }
    }
    scale = scale > 0 && isfinite(scale) ? scale : 1;
    for (lstm__rchunks_start(&it, w, base); lstm__rchunks_next(&it, &off, &n);) {
        lstm__rwalk_load(x, off, n, row);
        for (size_t i = 0; i < n; i++) {
            double v = row[i] / scale;
            norm += p == 1 ? fabs(v) : v * v;
        }
    }
    norm = (p == 1 ? norm : sqrt(norm)) * scale;
    for (lstm__rchunks_start(&it, w, base); lstm__rchunks_next(&it, &off, &n);) {
        lstm__rwalk_load(x, off, n, row);
        for (size_t i = 0; i < n; i++) row[i] = norm == 0 ? 0.0 : row[i] / norm;
        lstm__rwalk_store(y, off, n, row);
    }
}

int lstm__lpnorm_run(lstm__kctx *k)
{
    const lstm__lpnorm_params *p = k->params;
    const lstm__rwalk *w = k->state;
    for (size_t o = 0, nb; o < w->nout && w->count; o += nb) {
        nb = lstm__rwalk_block(w, o, LSTM__RWALK_BLOCK);
        if (nb == 1)
            lp_one(w, k->in[0], k->out[0], (int)p->p, o);
        else
            lp_block(w, k->in[0], k->out[0], (int)p->p, o, nb);
    }
    return LSTM_OK;
}

/* ---- MeanVarianceNormalization ---- */

int lstm__mvn_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                    lstm__diag *d)
{
    lstm__mvn_params *p = params;
    static const char *const attrs[] = {"axes", NULL};
    memset(p, 0, sizeof *p);
    return lstm__arity(g, n, 1, 1, 1, 1, d) || lstm__attrs_allowed(g, n, since, attrs, d) ||
           lstm__attr_ints(g, n, "axes", p->axes, LSTM__MAX_RANK, &p->n, d);
}

int lstm__mvn_prepare(lstm__kctx *k)
{
    const lstm__mvn_params *p = k->params;
    static const int64_t def[3] = {0, 2, 3};
    const int64_t *axes = p->n < 0 ? def : p->axes;
    int red[LSTM__MAX_RANK] = {0}, rank = k->in[0]->rank, n = p->n < 0 ? 3 : p->n;
    if (check_type(k, 13)) return k->d->code;
    if (p->n < 0 && rank < 4)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: the default axes [0, 2, 3] need rank 4 or more, the input has "
                          "rank %d",
                          lstm__klabel(k), rank);
    for (int i = 0; i < n; i++) {
        int a;
        if (lstm__axis(k, axes[i], rank, &a, "axis")) return k->d->code;
        red[a] = 1;
    }
    for (int i = 0; i < rank && n == 0; i++) red[i] = 1; /* an empty list: every axis */
    return prepare_walk(k, red);
}

/* The groups o .. o + nb - 1 (lstm__rwalk_block): means, variances, then the outputs. */
static void mvn_block(const lstm__rwalk *w, const lstm__rt *x, lstm__rt *y, size_t o, size_t nb)
{
    double mean[LSTM__RWALK_BLOCK], var[LSTM__RWALK_BLOCK], row[LSTM__RWALK_BLOCK];
    int64_t ridx[LSTM__MAX_RANK] = {0};
    size_t base = lstm__rwalk_base(w, o), off = base;
    for (size_t i = 0; i < nb; i++) mean[i] = var[i] = 0;
    for (size_t e = 0; e < w->count; e++, off = lstm__rwalk_next(w, ridx, off)) {
        lstm__rwalk_load(x, off, nb, row);
        for (size_t i = 0; i < nb; i++) mean[i] += row[i];
    }
    for (size_t i = 0; i < nb; i++) mean[i] /= (double)w->count;
    off = base;
    for (size_t e = 0; e < w->count; e++, off = lstm__rwalk_next(w, ridx, off)) {
        lstm__rwalk_load(x, off, nb, row);
        for (size_t i = 0; i < nb; i++) var[i] += (row[i] - mean[i]) * (row[i] - mean[i]);
    }
    for (size_t i = 0; i < nb; i++) var[i] = sqrt(var[i] / (double)w->count) + 1e-9;
    off = base;
    for (size_t e = 0; e < w->count; e++, off = lstm__rwalk_next(w, ridx, off)) {
        lstm__rwalk_load(x, off, nb, row);
        for (size_t i = 0; i < nb; i++) row[i] = (row[i] - mean[i]) / var[i];
        lstm__rwalk_store(y, off, nb, row);
    }
}

/* One group alone (mvn_block for a block of one), in chunks of adjacent elements. */
static void mvn_one(const lstm__rwalk *w, const lstm__rt *x, lstm__rt *y, size_t o)
{
    double row[LSTM__RWALK_BLOCK], mean = 0, var = 0;
    size_t base = lstm__rwalk_base(w, o), off, n;
    lstm__rchunks it;
    for (lstm__rchunks_start(&it, w, base); lstm__rchunks_next(&it, &off, &n);) {
        lstm__rwalk_load(x, off, n, row);
        for (size_t i = 0; i < n; i++) mean += row[i];
    }
    mean /= (double)w->count;
    for (lstm__rchunks_start(&it, w, base); lstm__rchunks_next(&it, &off, &n);) {
        lstm__rwalk_load(x, off, n, row);
        for (size_t i = 0; i < n; i++) var += (row[i] - mean) * (row[i] - mean);
    }
    double den = sqrt(var / (double)w->count) + 1e-9;
    for (lstm__rchunks_start(&it, w, base); lstm__rchunks_next(&it, &off, &n);) {
        lstm__rwalk_load(x, off, n, row);
        for (size_t i = 0; i < n; i++) row[i] = (row[i] - mean) / den;
        lstm__rwalk_store(y, off, n, row);
    }
}

int lstm__mvn_run(lstm__kctx *k)
{
    const lstm__rwalk *w = k->state;
    for (size_t o = 0, nb; o < w->nout && w->count; o += nb) {
        nb = lstm__rwalk_block(w, o, LSTM__RWALK_BLOCK);
        if (nb == 1)
            mvn_one(w, k->in[0], k->out[0], o);
        else
            mvn_block(w, k->in[0], k->out[0], o, nb);
    }
    return LSTM_OK;
}
