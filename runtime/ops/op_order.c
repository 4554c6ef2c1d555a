/*
** op_order.c — operators that rank elements along an axis:
**   TopK    1 (k attribute), 10 (k input), 11 (largest, sorted; negative axis; 24 adds types):
**           ties go to the lower index; NaN ranks after every number whichever way the
**           order runs (as onnxruntime); sorted=0 returns them sorted too (the spec leaves
**           the order open).
**   ArgMax / ArgMin  1 (axis, keepdims), 12 (select_last_index; 11 allows negative axes, 13
**           adds bfloat16): NaN wins, as in NumPy and onnxruntime.
**   NonZero  9, 13 (bfloat16): the indices of the non-zero elements.
** Numeric element types; values compare exactly (int64 and uint64 as integers).
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"

#include <math.h>
#include <string.h>

static int numeric(lstm__kctx *k, const lstm__rt *t)
{
    if (lstm__is_float(t->dtype) || lstm__is_int(t->dtype)) return LSTM_OK;
    return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type %s", lstm__klabel(k),
                      lstm__dtype_name(t->dtype));
}

/* An element as a sortable key. */
typedef struct key {
    union {
        double f;
        int64_t i;
        uint64_t u;
    } v;
    int64_t idx;
} key;

enum { K_FLOAT, K_INT, K_UINT };

static int key_kind(int dtype)
{
    return lstm__is_float(dtype) ? K_FLOAT : dtype == LSTM_DT_UINT64 ? K_UINT : K_INT;
}

static void load_key(const lstm__rt *x, int kind, size_t i, key *o)
{
    if (kind == K_FLOAT)
        o->v.f = lstm__get_f(x, i);
    else if (kind == K_UINT)
        o->v.u = ((const uint64_t *)x->data)[i];
    else
        o->v.i = lstm__get_i(x, i);
}

/* -1 when a ranks before b for TopK (largest first when desc); NaN after numbers. */
static int cmp_f(const key *a, const key *b, int desc)
{
    int an = isnan(a->v.f), bn = isnan(b->v.f);
    if (an != bn) return an ? 1 : -1;
    if (!an && a->v.f != b->v.f) return (a->v.f > b->v.f) == desc ? -1 : 1;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

#define INT_CMP(name, field)                                                                       \
    static int name(const key *a, const key *b, int desc)                                          \
    {                                                                                              \
        if (a->v.field != b->v.field) return (a->v.field > b->v.field) == desc ? -1 : 1;           \
        return a->idx < b->idx ? -1 : a->idx > b->idx;                                             \
    }
INT_CMP(cmp_i, i)
INT_CMP(cmp_u, u)

/* The order TopK returns: a before b (largest first when desc, lower index on ties). */
static int before(const key *a, const key *b, int kind, int desc)
{
    return (kind == K_FLOAT ? cmp_f(a, b, desc)
            : kind == K_INT ? cmp_i(a, b, desc)
                            : cmp_u(a, b, desc)) < 0;
}

/* h[0..n) is a heap whose top ranks last; restore it below i. */
static void sift(key *h, size_t n, size_t i, int kind, int desc)
{
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n) return;
        if (c + 1 < n && before(&h[c], &h[c + 1], kind, desc)) c++;
        if (!before(&h[i], &h[c], kind, desc)) return;
        key t = h[i];
        h[i] = h[c];
        h[c] = t;
        i = c;
    }
}

/* ---- TopK ---- */
int lstm__topk_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                     lstm__diag *d)
{
    lstm__topk_params *p = params;
    static const char *const v1[] = {"axis", "k", NULL}, *const v10[] = {"axis", NULL},
                             *const v11[] = {"axis", "largest", "sorted", NULL};
    char b[LSTM__LABEL_MAX];
    memset(p, 0, sizeof *p);
    if (lstm__arity(g, n, since >= 10 ? 2 : 1, since >= 10 ? 2 : 1, 2, 2, d) ||
        lstm__attrs_allowed(g, n, since,
                            since >= 11   ? v11
                            : since >= 10 ? v10
                                          : v1,
                            d) ||
        lstm__attr_int(g, n, "axis", -1, &p->axis, d) || lstm__attr_int(g, n, "k", -1, &p->k, d) ||
        lstm__attr_flag(g, n, "largest", 1, &p->largest, d) ||
        lstm__attr_flag(g, n, "sorted", 1, &p->sorted, d))
        return d->code;
    if (since < 10 && p->k < 0)
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'k' is required and must be >= 0",
                          lstm__node_ctx(g, n, b, sizeof b));
    return LSTM_OK;
}

int lstm__topk_prepare(lstm__kctx *k)
{
    const lstm__topk_params *p = k->params;
    lstm__topk_state *st = k->state;
    const lstm__rt *x = k->in[0];
    int64_t kv = p->k;
    if (numeric(k, x)) return k->d->code;
    if (x->rank < 1)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: input is a scalar, expected rank >= 1",
                          lstm__klabel(k));
    if (lstm__axis(k, p->axis, x->rank, &st->axis, "axis")) return k->d->code;
    if (k->since >= 10) {
        int n;
        if (k->in[1]->nelem != 1)
            return lstm__errf(k->d, LSTM_EINVAL, "%s: K has %zu values, expected 1",
                              lstm__klabel(k), k->in[1]->nelem);
        if (lstm__read_ints(k, 1, "K", &kv, 1, &n)) return k->d->code;
    }
    int64_t dim = x->dims[st->axis];
    if (kv < 0 || kv > dim)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: K is %lld, axis %d has %lld elements",
                          lstm__klabel(k), (long long)kv, st->axis, (long long)dim);
    st->k = kv;
    int64_t dims[LSTM__MAX_RANK];
    memcpy(dims, x->dims, sizeof dims);
    dims[st->axis] = kv;
    k->scratch_size = (size_t)kv * sizeof(key);
    if (lstm__rt_set(k, k->out[0], x->dtype, x->rank, dims)) return k->d->code;
    return lstm__rt_set(k, k->out[1], LSTM_DT_INT64, x->rank, dims);
}

int lstm__topk_run(lstm__kctx *k)
{
    const lstm__topk_params *p = k->params;
    const lstm__topk_state *st = k->state;
    const lstm__rt *x = k->in[0];
    lstm__rt *vals = k->out[0], *inds = k->out[1];
    int a = st->axis, kind = key_kind(x->dtype);
    int64_t kk = st->k, dim = x->dims[a];
    size_t outer = 1, inner = 1, es = lstm__dtype_size(x->dtype);
    for (int i = 0; i < a; i++) outer *= (size_t)x->dims[i];
    for (int i = a + 1; i < x->rank; i++) inner *= (size_t)x->dims[i];
    int desc = (int)p->largest;
    key *keys = k->scratch, cur;
    size_t n = (size_t)kk;
    if (!kk) return LSTM_OK;
    /* Per row: the k best in a heap whose top is the worst of them (O(dim log k), no
    ** allocation), then sorted in place, best first. */
    for (size_t o = 0; o < outer; o++)
        for (size_t in = 0; in < inner; in++) {
            size_t base = o * (size_t)dim * inner + in;
            for (size_t j = 0; j < n; j++) {
                keys[j].idx = (int64_t)j;
                load_key(x, kind, base + j * inner, &keys[j]);
            }
            for (size_t j = n / 2; j-- > 0;) sift(keys, n, j, kind, desc);
            for (int64_t j = kk; j < dim; j++) {
                cur.idx = j;
                load_key(x, kind, base + (size_t)j * inner, &cur);
                if (!before(&cur, &keys[0], kind, desc)) continue;
                keys[0] = cur;
                sift(keys, n, 0, kind, desc);
            }
            for (size_t end = n - 1; end > 0; end--) {
                key t = keys[0];
                keys[0] = keys[end];
                keys[end] = t;
                sift(keys, end, 0, kind, desc);
            }
            size_t obase = o * (size_t)kk * inner + in;
            for (int64_t j = 0; j < kk; j++) {
                size_t oi = obase + (size_t)j * inner;
                if (vals)
                    memcpy((char *)vals->data + oi * es,
                           (const char *)x->data + (base + (size_t)keys[j].idx * inner) * es, es);
                if (inds) ((int64_t *)inds->data)[oi] = keys[j].idx;
            }
        }
    return LSTM_OK;
}

/* ---- ArgMax / ArgMin ---- */
static int arg_parse(const lstm__graph *g, const lstm__node *n, int since, void *params, int min,
                     lstm__diag *d)
{
    lstm__arg_params *p = params;
    static const char *const v1[] = {"axis", "keepdims", NULL}, *const v12[] = {"axis", "keepdims",
                                                                                "select_last_index",
                                                                                NULL};
    memset(p, 0, sizeof *p);
    p->min = min;
    return lstm__arity(g, n, 1, 1, 1, 1, d) ||
           lstm__attrs_allowed(g, n, since, since >= 12 ? v12 : v1, d) ||
           lstm__attr_int(g, n, "axis", 0, &p->axis, d) ||
           lstm__attr_flag(g, n, "keepdims", 1, &p->keepdims, d) ||
           lstm__attr_flag(g, n, "select_last_index", 0, &p->last, d);
}

static int arg_prepare(lstm__kctx *k)
{
    const lstm__arg_params *p = k->params;
    const lstm__rt *x = k->in[0];
    int a, r = 0;
    int64_t dims[LSTM__MAX_RANK];
    if (numeric(k, x) || lstm__axis(k, p->axis, x->rank, &a, "axis")) return k->d->code;
    if (x->dims[a] == 0)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: axis %d is empty: no index to return",
                          lstm__klabel(k), a);
    for (int i = 0; i < x->rank; i++)
        if (i != a)
            dims[r++] = x->dims[i];
        else if (p->keepdims)
            dims[r++] = 1;
    return lstm__rt_set(k, k->out[0], LSTM_DT_INT64, r, dims);
}

/* Whether b replaces the best so far a (for the max: b > a; NaN wins; ties go to the last
** index when last). */
static int better(const key *a, const key *b, int kind, int min, int last)
{
    int c;
    if (kind == K_FLOAT) {
        int an = isnan(a->v.f), bn = isnan(b->v.f);
        if (an || bn) return bn && (!an || last);
        c = a->v.f < b->v.f ? -1 : a->v.f > b->v.f;
    } else if (kind == K_UINT) {
        c = a->v.u < b->v.u ? -1 : a->v.u > b->v.u;
    } else {
        c = a->v.i < b->v.i ? -1 : a->v.i > b->v.i;
    }
    if (min) c = -c;
    return c < 0 || (c == 0 && last);
}

static int arg_run(lstm__kctx *k)
{
    const lstm__arg_params *p = k->params;
    const lstm__rt *x = k->in[0];
    int a = (int)(p->axis < 0 ? p->axis + x->rank : p->axis), kind = key_kind(x->dtype);
    int64_t dim = x->dims[a];
    size_t outer = 1, inner = 1;
    for (int i = 0; i < a; i++) outer *= (size_t)x->dims[i];
    for (int i = a + 1; i < x->rank; i++) inner *= (size_t)x->dims[i];
    int64_t *y = k->out[0]->data;
    for (size_t o = 0; o < outer; o++)
        for (size_t in = 0; in < inner; in++) {
            size_t base = o * (size_t)dim * inner + in;
            key best, cur;
            load_key(x, kind, base, &best);
            best.idx = 0;
            for (int64_t j = 1; j < dim; j++) {
                load_key(x, kind, base + (size_t)j * inner, &cur);
                cur.idx = j;
                if (better(&best, &cur, kind, p->min, (int)p->last)) best = cur;
            }
            y[o * inner + in] = best.idx;
        }
    return LSTM_OK;
}

#define ARG(pfx, min) LSTM__OP_ENTRIES(pfx, arg_parse, arg_prepare, arg_run, min)

ARG(lstm__argmax, 0)
ARG(lstm__argmin, 1)

/* ---- NonZero (9; 13 adds bfloat16): the indices of the non-zero elements, [rank, count] in
** row-major order; a scalar is refused (the schema's shape inference gives [0, count], its
** reference NumPy's [1, count]). NaN is
** non-zero, -0.0 is zero. The count comes from the values, so the node is prepared once they
** are known (at load for constants, else just before it runs). ---- */
int lstm__nonzero_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                        lstm__diag *d)
{
    (void)params;
    static const char *const none[] = {NULL};
    return lstm__arity(g, n, 1, 1, 1, 1, d) || lstm__attrs_allowed(g, n, since, none, d);
}

static int nonzero_at(const lstm__rt *x, size_t i)
{
    if (lstm__is_float(x->dtype)) return lstm__get_f(x, i) != 0.0;
    if (x->dtype == LSTM_DT_UINT64) return ((const uint64_t *)x->data)[i] != 0;
    return lstm__get_i(x, i) != 0;
}

int lstm__nonzero_prepare(lstm__kctx *k)
{
    const lstm__rt *x = k->in[0];
    if (x->dtype != LSTM_DT_BOOL && numeric(k, x)) return k->d->code;
    if (x->rank == 0)
        return lstm__errf(k->d, LSTM_EUNSUPPORTED,
                          "%s: NonZero of a scalar is not supported (give X rank 1 or more)",
                          lstm__klabel(k));
    if (lstm__need_value(k, 0, "X")) return k->d->code;
    int64_t count = 0;
    for (size_t i = 0; i < x->nelem; i++) count += nonzero_at(x, i);
    return lstm__rt_set(k, k->out[0], LSTM_DT_INT64, 2, (int64_t[]){x->rank, count});
}

int lstm__nonzero_run(lstm__kctx *k)
{
    const lstm__rt *x = k->in[0];
    lstm__rt *y = k->out[0];
    int64_t *out = y->data, count = y->dims[1], j = 0, idx[LSTM__MAX_RANK] = {0};
    for (size_t i = 0; i < x->nelem && j < count; i++) {
        if (nonzero_at(x, i)) {
            for (int a = 0; a < x->rank; a++) out[a * count + j] = idx[a];
            j++;
        }
        for (int a = x->rank - 1; a >= 0 && ++idx[a] == x->dims[a]; a--) idx[a] = 0;
    }
    if (j != count)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: input changed between prepare and run",
                          lstm__klabel(k));
    return LSTM_OK;
}
