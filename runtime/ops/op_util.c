/* op_util.c — see op_util.h. */
#include "ops/op_util.h"
#include "dtype.h"

#include <stdio.h>
#include <string.h>

const char *lstm__node_ctx(const lstm__graph *g, const lstm__node *n, char *buf, size_t len)
{
    if (n->name[0])
        snprintf(buf, len, "node '%.120s' (%s, opset %lld)", n->name, n->op_type,
                 (long long)n->opset);
    else
        snprintf(buf, len, "node #%d (%s, opset %lld)", (int)(n - g->nodes), n->op_type,
                 (long long)n->opset);
    return buf;
}

int lstm__axis(lstm__kctx *k, int64_t axis, int rank, int *out, const char *what)
{
    int64_t a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank || rank == 0)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: %s %lld is outside [%d, %d] for rank %d",
                          k->label, what, (long long)axis, -rank, rank - 1, rank);
    *out = (int)a;
    return LSTM_OK;
}

int lstm__read_ints(lstm__kctx *k, int idx, const char *what, int64_t *out, int cap, int *n)
{
    const lstm__rt *t = idx < k->n->n_in ? k->in[idx] : NULL;
    *n = 0;
    if (!t) return LSTM_OK;
    if (!t->known)
        return lstm__errf(k->d, LSTM_EUNSUPPORTED,
                          "%s: input %s ('%s') is computed from data at run time; this runtime "
                          "needs it before the run (from constants and input shapes)",
                          k->label, what, k->n->in_names[idx]);
    if (t->dtype != LSTM_DT_INT64 && t->dtype != LSTM_DT_INT32)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: input %s is %s, expected int64", k->label, what,
                          lstm__dtype_name(t->dtype));
    if (t->rank > 1)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: input %s has rank %d, expected 1", k->label,
                          what, t->rank);
    if (t->nelem > (size_t)cap)
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: input %s has %zu values, at most %d",
                          k->label, what, t->nelem, cap);
    for (size_t i = 0; i < t->nelem; i++)
        out[i] = t->dtype == LSTM_DT_INT64 ? ((const int64_t *)t->data)[i]
                                           : ((const int32_t *)t->data)[i];
    *n = (int)t->nelem;
    return LSTM_OK;
}

int lstm__attr_int(const lstm__graph *g, const lstm__node *n, const char *name, int64_t def,
                   int64_t *out, lstm__diag *d)
{
    const lstm__attr *a = lstm__attr_find(n, name);
    *out = def;
    if (!a) return LSTM_OK;
    if (a->type != LSTM__A_INT) {
        char b[160];
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute '%s' must be an int",
                          lstm__node_ctx(g, n, b, sizeof b), name);
    }
    *out = a->i;
    return LSTM_OK;
}

int lstm__attr_ints(const lstm__graph *g, const lstm__node *n, const char *name, int64_t *out,
                    int cap, int *count, lstm__diag *d)
{
    const lstm__attr *a = lstm__attr_find(n, name);
    char b[160];
    *count = -1; /* absent */
    if (!a) return LSTM_OK;
    if (a->type != LSTM__A_INTS)
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute '%s' must be a list of ints",
                          lstm__node_ctx(g, n, b, sizeof b), name);
    if (a->n > (size_t)cap)
        return lstm__errf(d, LSTM_EUNSUPPORTED, "%s: attribute '%s' has %zu values, at most %d",
                          lstm__node_ctx(g, n, b, sizeof b), name, a->n, cap);
    for (size_t i = 0; i < a->n; i++) out[i] = a->ints[i];
    *count = (int)a->n;
    return LSTM_OK;
}

int lstm__attrs_allowed(const lstm__graph *g, const lstm__node *n, int since,
                        const char *const *names, lstm__diag *d)
{
    for (int i = 0; i < n->n_attr; i++) {
        int ok = 0;
        for (const char *const *p = names; *p && !ok; p++) ok = strcmp(*p, n->attrs[i].name) == 0;
        if (!ok) {
            char b[160];
            return lstm__errf(d, LSTM_EMODEL, "%s: unknown attribute '%s' for %s version %d",
                              lstm__node_ctx(g, n, b, sizeof b), n->attrs[i].name, n->op_type,
                              since);
        }
    }
    return LSTM_OK;
}

int lstm__arity(const lstm__graph *g, const lstm__node *n, int min_in, int max_in, int min_out,
                int max_out, lstm__diag *d)
{
    char b[160];
    /* Trailing "" inputs count as absent. */
    int nin = n->n_in;
    while (nin > 0 && !n->in_names[nin - 1][0]) nin--;
    if (nin < min_in || n->n_in > max_in)
        return lstm__errf(d, LSTM_EMODEL, "%s has %d inputs, expected %d to %d",
                          lstm__node_ctx(g, n, b, sizeof b), n->n_in, min_in, max_in);
    if (n->n_out < min_out || n->n_out > max_out)
        return lstm__errf(d, LSTM_EMODEL, "%s has %d outputs, expected %d to %d",
                          lstm__node_ctx(g, n, b, sizeof b), n->n_out, min_out, max_out);
    for (int i = 0; i < min_in; i++)
        if (!n->in_names[i][0])
            return lstm__errf(d, LSTM_EMODEL, "%s: required input %d is missing",
                              lstm__node_ctx(g, n, b, sizeof b), i);
    return LSTM_OK;
}
