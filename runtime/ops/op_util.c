/* op_util.c — see op_util.h. */
#include "ops/op_util.h"
#include "dtype.h"

#include <stdio.h>
#include <string.h>

const char *lstm__node_ctx(const lstm__graph *g, const lstm__node *n, char *buf, size_t len)
{
    lstm__graph_path(g, buf, len);
    size_t o = strlen(buf);
    lstm__node_label_opset(g, n, buf + o, len - o);
    return buf;
}

int lstm__axis(lstm__kctx *k, int64_t axis, int rank, int *out, const char *what)
{
    int64_t a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank || rank == 0)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: %s %lld is outside [%d, %d] for rank %d",
                          lstm__klabel(k), what, (long long)axis, -rank, rank - 1, rank);
    *out = (int)a;
    return LSTM_OK;
}

int lstm__read_ints(lstm__kctx *k, int idx, const char *what, int64_t *out, int cap, int *n)
{
    const lstm__rt *t = idx < k->n->n_in ? k->in[idx] : NULL;
    *n = 0;
    if (!t) return LSTM_OK;
    if (lstm__need_value(k, idx, what)) return k->d->code;
    if (t->dtype != LSTM_DT_INT64 && t->dtype != LSTM_DT_INT32)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: input %s is %s, expected int64", lstm__klabel(k),
                          what, lstm__dtype_name(t->dtype));
    if (t->rank > 1)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: input %s has rank %d, expected 1",
                          lstm__klabel(k), what, t->rank);
    if (t->nelem > (size_t)cap)
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: input %s has %zu values, at most %d",
                          lstm__klabel(k), what, t->nelem, cap);
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
        char b[LSTM__LABEL_MAX];
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute '%s' must be an int",
                          lstm__node_ctx(g, n, b, sizeof b), name);
    }
    *out = a->i;
    return LSTM_OK;
}

int lstm__attr_flag(const lstm__graph *g, const lstm__node *n, const char *name, int64_t def,
                    int64_t *out, lstm__diag *d)
{
    if (lstm__attr_int(g, n, name, def, out, d)) return d->code;
    if (*out != 0 && *out != 1) {
        char b[LSTM__LABEL_MAX];
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute '%s' is %lld, expected 0 or 1",
                          lstm__node_ctx(g, n, b, sizeof b), name, (long long)*out);
    }
    return LSTM_OK;
}

int lstm__attr_float(const lstm__graph *g, const lstm__node *n, const char *name, float def,
                     float *out, lstm__diag *d)
{
    const lstm__attr *a = lstm__attr_find(n, name);
    *out = def;
    if (!a) return LSTM_OK;
    if (a->type != LSTM__A_FLOAT) {
        char b[LSTM__LABEL_MAX];
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute '%s' must be a float",
                          lstm__node_ctx(g, n, b, sizeof b), name);
    }
    *out = a->f;
    return LSTM_OK;
}

int lstm__attr_ints(const lstm__graph *g, const lstm__node *n, const char *name, int64_t *out,
                    int cap, int *count, lstm__diag *d)
{
    const lstm__attr *a = lstm__attr_find(n, name);
    char b[LSTM__LABEL_MAX];
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
            char b[LSTM__LABEL_MAX];
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
    char b[LSTM__LABEL_MAX];
    if (n->n_in < min_in || n->n_in > max_in)
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

int lstm__is_float(int t)
{
    return t == LSTM_DT_FLOAT || t == LSTM_DT_DOUBLE || t == LSTM_DT_FLOAT16 ||
           t == LSTM_DT_BFLOAT16;
}

int lstm__is_int(int t)
{
    return t == LSTM_DT_INT8 || t == LSTM_DT_INT16 || t == LSTM_DT_INT32 || t == LSTM_DT_INT64 ||
           t == LSTM_DT_UINT8 || t == LSTM_DT_UINT16 || t == LSTM_DT_UINT32 || t == LSTM_DT_UINT64;
}

double lstm__get_f(const lstm__rt *t, size_t i)
{
    switch (t->dtype) {
    case LSTM_DT_FLOAT:
        return ((const float *)t->data)[i];
    case LSTM_DT_DOUBLE:
        return ((const double *)t->data)[i];
    case LSTM_DT_FLOAT16:
        return lstm__f16_to_f32(((const uint16_t *)t->data)[i]);
    case LSTM_DT_BFLOAT16:
        return lstm__bf16_to_f32(((const uint16_t *)t->data)[i]);
    case LSTM_DT_UINT64:
        return (double)((const uint64_t *)t->data)[i];
    default:
        return (double)lstm__get_i(t, i);
    }
}

int64_t lstm__get_i(const lstm__rt *t, size_t i)
{
    switch (t->dtype) {
    case LSTM_DT_INT8:
        return ((const int8_t *)t->data)[i];
    case LSTM_DT_INT16:
        return ((const int16_t *)t->data)[i];
    case LSTM_DT_INT32:
        return ((const int32_t *)t->data)[i];
    case LSTM_DT_INT64:
        return ((const int64_t *)t->data)[i];
    case LSTM_DT_UINT8:
    case LSTM_DT_BOOL:
        return ((const uint8_t *)t->data)[i];
    case LSTM_DT_UINT16:
        return ((const uint16_t *)t->data)[i];
    case LSTM_DT_UINT32:
        return ((const uint32_t *)t->data)[i];
    case LSTM_DT_UINT64:
        return (int64_t)((const uint64_t *)t->data)[i];
    default: {
        double v = lstm__get_f(t, i);
        return v != v ? 0 : v >= 0x1p63 ? INT64_MAX : v <= -0x1p63 ? INT64_MIN : (int64_t)v;
    }
    }
}

void lstm__put_f(lstm__rt *t, size_t i, double v)
{
    switch (t->dtype) {
    case LSTM_DT_FLOAT:
        ((float *)t->data)[i] = (float)v;
        break;
    case LSTM_DT_DOUBLE:
        ((double *)t->data)[i] = v;
        break;
    case LSTM_DT_FLOAT16:
        ((uint16_t *)t->data)[i] = lstm__f32_to_f16((float)v);
        break;
    case LSTM_DT_BFLOAT16:
        ((uint16_t *)t->data)[i] = lstm__f32_to_bf16((float)v);
        break;
    case LSTM_DT_BOOL:
        ((uint8_t *)t->data)[i] = v != 0;
        break;
    case LSTM_DT_UINT64: /* [2^63, 2^64) does not pass through int64 */
        if (v >= 0x1p63) {
            ((uint64_t *)t->data)[i] = v < 0x1p64 ? (uint64_t)v : UINT64_MAX;
            break;
        }
        /* fall through */
    default:
        lstm__put_i(t, i,
                    v != v         ? 0
                    : v >= 0x1p63  ? INT64_MAX
                    : v <= -0x1p63 ? INT64_MIN
                                   : (int64_t)v);
        break;
    }
}

void lstm__put_i(lstm__rt *t, size_t i, int64_t v)
{
    switch (t->dtype) {
    case LSTM_DT_INT8:
        ((int8_t *)t->data)[i] = (int8_t)v;
        break;
    case LSTM_DT_INT16:
        ((int16_t *)t->data)[i] = (int16_t)v;
        break;
    case LSTM_DT_INT32:
        ((int32_t *)t->data)[i] = (int32_t)v;
        break;
    case LSTM_DT_INT64:
        ((int64_t *)t->data)[i] = v;
        break;
    case LSTM_DT_UINT8:
        ((uint8_t *)t->data)[i] = (uint8_t)v;
        break;
    case LSTM_DT_BOOL:
        ((uint8_t *)t->data)[i] = v != 0;
        break;
    case LSTM_DT_UINT16:
        ((uint16_t *)t->data)[i] = (uint16_t)v;
        break;
    case LSTM_DT_UINT32:
        ((uint32_t *)t->data)[i] = (uint32_t)v;
        break;
    case LSTM_DT_UINT64:
        ((uint64_t *)t->data)[i] = (uint64_t)v;
        break;
    default:
        lstm__put_f(t, i, (double)v);
        break;
    }
}

int64_t lstm__int_lowest(int dtype)
{
    switch (dtype) {
    case LSTM_DT_INT8:
        return INT8_MIN;
    case LSTM_DT_INT16:
        return INT16_MIN;
    case LSTM_DT_INT32:
        return INT32_MIN;
    case LSTM_DT_INT64:
        return INT64_MIN;
    default:
        return 0;
    }
}

int64_t lstm__int_highest(int dtype)
{
    switch (dtype) {
    case LSTM_DT_BOOL:
        return 1;
    case LSTM_DT_INT8:
        return INT8_MAX;
    case LSTM_DT_UINT8:
        return UINT8_MAX;
    case LSTM_DT_INT16:
        return INT16_MAX;
    case LSTM_DT_UINT16:
        return UINT16_MAX;
    case LSTM_DT_INT32:
        return INT32_MAX;
    case LSTM_DT_UINT32:
        return UINT32_MAX;
    case LSTM_DT_UINT64:
        return -1; /* UINT64_MAX */
    default:
        return INT64_MAX;
    }
}

int lstm__bcast_init(lstm__kctx *k, lstm__bcast *b, const lstm__rt *const *in, int n)
{
    memset(b, 0, sizeof *b);
    b->n = n;
    for (int i = 0; i < n; i++)
        if (in[i]->rank > b->rank) b->rank = in[i]->rank;
    for (int d = 0; d < b->rank; d++) {
        int64_t dim = 1;
        for (int i = 0; i < n; i++) {
            int off = b->rank - in[i]->rank;
            int64_t v = d >= off ? in[i]->dims[d - off] : 1;
            if (v == 1) continue;
            if (dim != 1 && v != dim) {
                char s1[96], s2[96];
                return lstm__errf(
                    k->d, LSTM_EINVAL, "%s: shapes %s and %s cannot be broadcast together",
                    lstm__klabel(k), lstm__dims_str(s1, sizeof s1, in[0]->rank, in[0]->dims),
                    lstm__dims_str(s2, sizeof s2, in[i]->rank, in[i]->dims));
            }
            dim = v;
        }
        /* A zero-sized input dim wins over 1. */
        for (int i = 0; i < n; i++) {
            int off = b->rank - in[i]->rank;
            if (d >= off && in[i]->dims[d - off] == 0) dim = 0;
        }
        b->dims[d] = dim;
    }
    for (int i = 0; i < n; i++) {
        int off = b->rank - in[i]->rank;
        int64_t s = 1;
        for (int d = b->rank - 1; d >= 0; d--) {
            int64_t v = d >= off ? in[i]->dims[d - off] : 1;
            b->st[i][d] = v == 1 ? 0 : s;
            s *= v;
        }
    }
    return LSTM_OK;
}

void lstm__bcast_each(const lstm__bcast *b, void (*fn)(void *ctx, size_t o, const size_t *off),
                      void *ctx)
{
    int64_t total = lstm__dims_count(b->rank, b->dims);
    int64_t idx[LSTM__MAX_RANK] = {0};
    size_t off[4] = {0};
    for (int64_t e = 0; e < total; e++) {
        fn(ctx, (size_t)e, off);
        for (int d = b->rank - 1; d >= 0; d--) {
            for (int i = 0; i < b->n; i++) off[i] += (size_t)b->st[i][d];
            if (++idx[d] < b->dims[d]) break;
            for (int i = 0; i < b->n; i++) off[i] -= (size_t)(b->st[i][d] * b->dims[d]);
            idx[d] = 0;
        }
    }
}

void lstm__bcast_spans(const lstm__bcast *b,
                       void (*fn)(void *ctx, size_t o, const size_t *off, const size_t *step,
                                  size_t n),
                       void *ctx)
{
    const int64_t total = lstm__dims_count(b->rank, b->dims);
    int64_t dim[LSTM__MAX_RANK], st[4][LSTM__MAX_RANK], idx[LSTM__MAX_RANK] = {0};
    int r = 0;
    if (total <= 0) return;
    for (int d = b->rank - 1; d >= 0; d--) { /* innermost first */
        if (b->dims[d] == 1) continue;
        int merge = r > 0;
        for (int i = 0; merge && i < b->n; i++) merge = st[i][r - 1] * dim[r - 1] == b->st[i][d];
        if (merge) {
            dim[r - 1] *= b->dims[d];
            continue;
        }
        dim[r] = b->dims[d];
        for (int i = 0; i < b->n; i++) st[i][r] = b->st[i][d];
        r++;
    }
    if (!r) {
        dim[0] = 1;
        for (int i = 0; i < b->n; i++) st[i][0] = 0;
        r = 1;
    }
    size_t off[4] = {0}, step[4] = {0};
    for (int i = 0; i < b->n; i++) step[i] = (size_t)st[i][0];
    const size_t n0 = (size_t)dim[0];
    for (size_t o = 0; o < (size_t)total; o += n0) {
        fn(ctx, o, off, step, n0);
        for (int d = 1; d < r; d++) {
            for (int i = 0; i < b->n; i++) off[i] += (size_t)st[i][d];
            if (++idx[d] < dim[d]) break;
            for (int i = 0; i < b->n; i++) off[i] -= (size_t)(st[i][d] * dim[d]);
            idx[d] = 0;
        }
    }
}

int lstm__mm_shape_of(lstm__kctx *k, lstm__mm_shape *m)
{
    const lstm__rt *A = k->in[0], *B = k->in[1];
    memset(m, 0, sizeof *m);
    if (A->rank < 1 || B->rank < 1)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: inputs must have rank >= 1", lstm__klabel(k));
    int ar = A->rank, br = B->rank;
    m->M = ar == 1 ? 1 : A->dims[ar - 2];
    m->K = A->dims[ar - 1];
    int64_t K2 = br == 1 ? B->dims[0] : B->dims[br - 2];
    m->N = br == 1 ? 1 : B->dims[br - 1];
    if (m->K != K2)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: inner dimensions differ (%lld and %lld)",
                          lstm__klabel(k), (long long)m->K, (long long)K2);
    int abr = ar > 2 ? ar - 2 : 0, bbr = br > 2 ? br - 2 : 0;
    m->brank = abr > bbr ? abr : bbr;
    int64_t sa = m->M * m->K, sb = m->K * m->N;
    for (int d = m->brank - 1; d >= 0; d--) {
        int oa = d - (m->brank - abr), ob = d - (m->brank - bbr);
        int64_t da = oa >= 0 ? A->dims[oa] : 1, db = ob >= 0 ? B->dims[ob] : 1;
        if (da != db && da != 1 && db != 1)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: batch dimensions %lld and %lld do not broadcast",
                              lstm__klabel(k), (long long)da, (long long)db);
        m->bdims[d] = da == 1 ? db : da;
        m->ast[d] = da == 1 ? 0 : sa;
        m->bst[d] = db == 1 ? 0 : sb;
        sa *= da;
        sb *= db;
    }
    for (int d = 0; d < m->brank; d++) m->out[m->out_rank++] = m->bdims[d];
    if (ar > 1) m->out[m->out_rank++] = m->M;
    if (br > 1) m->out[m->out_rank++] = m->N;
    return LSTM_OK;
}

int lstm__attr_choice(const lstm__graph *g, const lstm__node *n, const char *name,
                      const char *const *names, int count, int *out, lstm__diag *d)
{
    const lstm__attr *a = lstm__attr_find(n, name);
    if (!a) return LSTM_OK;
    char b[LSTM__LABEL_MAX], list[256] = "";
    for (int i = 0; i < count; i++) {
        if (a->type == LSTM__A_STRING && strcmp(a->s, names[i]) == 0) {
            *out = i;
            return LSTM_OK;
        }
        size_t len = strlen(list);
        snprintf(list + len, sizeof list - len, "%s%s", i ? (i + 1 < count ? ", " : " or ") : "",
                 names[i]);
    }
    return lstm__errf(d, LSTM_EMODEL, "%s: attribute '%s' is '%.40s', expected %s",
                      lstm__node_ctx(g, n, b, sizeof b), name,
                      a->type == LSTM__A_STRING ? a->s : "(not a string)", list);
}
