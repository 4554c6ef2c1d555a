/*
** op_sequence.c — tensor sequences (opset 11+: SequenceEmpty, SequenceConstruct,
** SequenceInsert, SequenceAt, SequenceErase, SequenceLength, ConcatFromSequence,
** SplitToSequence; 17: SequenceMap) and optionals (15, 18: Optional, OptionalHasElement,
** OptionalGetElement). Their outputs are known only while running (LSTM__OPF_RUN_SHAPES); their
** tensors live in buffers the plan keeps, so runs whose shapes repeat allocate nothing.
** Spec: https://onnx.ai/onnx/operators/onnx__SequenceInsert.html (and the others)
*/
#include "dtype.h"
#include "ops/op_util.h"
#include "ops/ops.h"
#include "plan.h"

#include <string.h>

static int need_seq(lstm__kctx *k, int idx, const lstm__seq **out)
{
    static const lstm__seq empty = {0, 0, 0, NULL, NULL};
    const lstm__rt *t = k->in[idx];
    *out = &empty; /* set on failure too: callers read it only after success */
    if (!t || t->kind != LSTM__VAL_SEQUENCE || t->none)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: input %d ('%s') must be a sequence",
                          lstm__klabel(k), idx, k->n->in_names[idx]);
    if (t->seq) *out = t->seq;
    return LSTM_OK;
}

static int need_tensor(lstm__kctx *k, int idx)
{
    const lstm__rt *t = k->in[idx];
    if (t && t->kind == LSTM__VAL_TENSOR && !t->none) return LSTM_OK;
    return lstm__errf(k->d, LSTM_EINVAL, "%s: input %d ('%s') must be a tensor", lstm__klabel(k),
                      idx, k->n->in_names[idx]);
}

/* A position input (int32 / int64 scalar) in [-n, n - 1 + extra], normalised. */
static int position(lstm__kctx *k, int idx, int64_t n, int extra, int64_t def, int64_t *out)
{
    const lstm__rt *t = idx < k->n->n_in ? k->in[idx] : NULL;
    *out = def;
    if (!t) return LSTM_OK;
    if (t->kind != LSTM__VAL_TENSOR || t->nelem != 1 ||
        (t->dtype != LSTM_DT_INT32 && t->dtype != LSTM_DT_INT64))
        return lstm__errf(k->d, LSTM_EINVAL, "%s: position must be one int32 or int64",
                          lstm__klabel(k));
    int64_t p = lstm__get_i(t, 0);
    if (p < -n || p > n - 1 + extra)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: position %lld is out of range for a sequence of %lld tensors",
                          lstm__klabel(k), (long long)p, (long long)n);
    *out = p < 0 ? p + n : p;
    return LSTM_OK;
}

/* Item i of the output sequence q: a copy of t. */
static int put_item(lstm__kctx *k, lstm__seq *q, int i, const lstm__rt *t)
{
    return lstm__seq_put(k, q, i, t);
}

/* When input 0 dies here (lstm__in_movable), output 0 takes its storage and is edited in place:
** `ins` goes in at `at`, or the item at `skip` leaves. Only the item records after that place
** move by one (none for the end); the slot that falls free keeps its buffer for later items. */
static int edit_in_place(lstm__kctx *k, int dtype, const lstm__rt *ins, int64_t at, int64_t skip)
{
    int rc = lstm__out_move(k, 0, k->in[0], 1);
    if (rc) return rc;
    lstm__seq *q = k->out[0]->seq;
    const int n = q->n;
    if (ins) {
        if (!(q = lstm__out_seq(k, 0, n + 1))) return k->d->code;
        lstm__rt spare = q->items[n];
        size_t cap = q->item_cap[n];
        memmove(&q->items[at + 1], &q->items[at], (size_t)(n - at) * sizeof *q->items);
        memmove(&q->item_cap[at + 1], &q->item_cap[at], (size_t)(n - at) * sizeof *q->item_cap);
        q->items[at] = spare;
        q->item_cap[at] = cap;
        if ((rc = put_item(k, q, (int)at, ins))) return rc;
    } else {
        lstm__rt spare = q->items[skip];
        size_t cap = q->item_cap[skip];
        memmove(&q->items[skip], &q->items[skip + 1], (size_t)(n - 1 - skip) * sizeof *q->items);
        memmove(&q->item_cap[skip], &q->item_cap[skip + 1],
                (size_t)(n - 1 - skip) * sizeof *q->item_cap);
        q->items[n - 1] = spare;
        q->item_cap[n - 1] = cap;
        if (!lstm__out_seq(k, 0, n - 1)) return k->d->code;
    }
    k->out[0]->dtype = dtype;
    return LSTM_OK;
}

/* Output 0 becomes a copy of the sequence s with `ins` inserted at `at` (ins NULL: none) and
** the item at `skip` left out (-1: none). s may be this node's own output: items are moved
** from the end so nothing is overwritten before it is read. */
static int rebuild(lstm__kctx *k, const lstm__seq *s, int dtype, const lstm__rt *ins, int64_t at,
                   int64_t skip)
{
    int n = s->n + (ins != NULL) - (skip >= 0);
    /* The input sequence belongs to another value: copy its items (they may live in the
    ** buffers being reused only when the input is this very output, which the plan rules out:
    ** a value is written by one node). */
    lstm__seq *q = lstm__out_seq(k, 0, n);
    if (!q) return k->d->code;
    k->out[0]->dtype = dtype;
    for (int i = 0, j = 0; i < s->n; i++) {
        if (i == skip) continue;
        if (ins && j == at) j++;
        int rc = put_item(k, q, j++, &s->items[i]);
        if (rc) return rc;
    }
    return ins ? put_item(k, q, (int)at, ins) : LSTM_OK;
}

#define NO_PREPARE(pfx)                                                                            \
    int pfx##_prepare(lstm__kctx *k)                                                               \
    {                                                                                              \
        (void)k;                                                                                   \
        return LSTM_OK;                                                                            \
    }

/* ---- SequenceEmpty ---- */
int lstm__seq_empty_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                          lstm__diag *d)
{
    lstm__seq_params *p = params;
    static const char *const names[] = {"dtype", NULL};
    int64_t dt;
    if (lstm__arity(g, n, 0, 0, 1, 1, d) || lstm__attrs_allowed(g, n, since, names, d) ||
        lstm__attr_int(g, n, "dtype", LSTM_DT_FLOAT, &dt, d))
        return d->code;
    char b[LSTM__LABEL_MAX];
    if (!lstm__dtype_size((int)dt))
        return lstm__errf(d, LSTM_EUNSUPPORTED, "%s: dtype %lld is not supported",
                          lstm__node_ctx(g, n, b, sizeof b), (long long)dt);
    p->dtype = (int)dt;
    return LSTM_OK;
}
NO_PREPARE(lstm__seq_empty)
int lstm__seq_empty_run(lstm__kctx *k)
{
    const lstm__seq_params *p = k->params;
    if (!lstm__out_seq(k, 0, 0)) return k->d->code;
    k->out[0]->dtype = p->dtype;
    return LSTM_OK;
}

/* ---- SequenceConstruct ---- */
int lstm__seq_construct_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                              lstm__diag *d)
{
    (void)params;
    static const char *const none[] = {NULL};
    return lstm__arity(g, n, 1, 1 << 16, 1, 1, d) || lstm__attrs_allowed(g, n, since, none, d);
}
NO_PREPARE(lstm__seq_construct)
int lstm__seq_construct_run(lstm__kctx *k)
{
    int n = k->n->n_in, rc;
    for (int i = 0; i < n; i++) {
        if ((rc = need_tensor(k, i))) return rc;
        if (k->in[i]->dtype != k->in[0]->dtype)
            return lstm__errf(k->d, LSTM_EINVAL, "%s: input %d is %s, input 0 is %s",
                              lstm__klabel(k), i, lstm__dtype_name(k->in[i]->dtype),
                              lstm__dtype_name(k->in[0]->dtype));
    }
    lstm__seq *q = lstm__out_seq(k, 0, n);
    if (!q) return k->d->code;
    k->out[0]->dtype = k->in[0]->dtype;
    for (int i = 0; i < n; i++)
        if ((rc = put_item(k, q, i, k->in[i]))) return rc;
    return LSTM_OK;
}

/* ---- SequenceInsert ---- */
int lstm__seq_insert_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                           lstm__diag *d)
{
    (void)params;
    static const char *const none[] = {NULL};
    return lstm__arity(g, n, 2, 3, 1, 1, d) || lstm__attrs_allowed(g, n, since, none, d);
}
NO_PREPARE(lstm__seq_insert)
int lstm__seq_insert_run(lstm__kctx *k)
{
    const lstm__seq *s;
    int64_t at;
    int rc = need_seq(k, 0, &s);
    if (!rc) rc = need_tensor(k, 1);
    if (!rc) rc = position(k, 2, s->n, 1, s->n, &at);
    if (rc) return rc;
    if (k->in[0]->dtype && k->in[1]->dtype != k->in[0]->dtype)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: inserting %s into a sequence of %s",
                          lstm__klabel(k), lstm__dtype_name(k->in[1]->dtype),
                          lstm__dtype_name(k->in[0]->dtype));
    if (lstm__in_movable(k, 0)) return edit_in_place(k, k->in[1]->dtype, k->in[1], at, -1);
    return rebuild(k, s, k->in[1]->dtype, k->in[1], at, -1);
}

/* ---- SequenceErase ---- */
NO_PREPARE(lstm__seq_erase)
int lstm__seq_erase_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                          lstm__diag *d)
{
    (void)params;
    static const char *const none[] = {NULL};
    return lstm__arity(g, n, 1, 2, 1, 1, d) || lstm__attrs_allowed(g, n, since, none, d);
}
int lstm__seq_erase_run(lstm__kctx *k)
{
    const lstm__seq *s;
    int64_t at;
    int rc = need_seq(k, 0, &s);
    if (!rc && s->n == 0)
        rc = lstm__errf(k->d, LSTM_EINVAL, "%s: erasing from an empty sequence", lstm__klabel(k));
    if (!rc) rc = position(k, 1, s->n, 0, s->n - 1, &at);
    if (rc) return rc;
    if (lstm__in_movable(k, 0)) return edit_in_place(k, k->in[0]->dtype, NULL, 0, at);
    return rebuild(k, s, k->in[0]->dtype, NULL, 0, at);
}

/* ---- SequenceAt ---- */
int lstm__seq_at_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                       lstm__diag *d)
{
    (void)params;
    static const char *const none[] = {NULL};
    return lstm__arity(g, n, 2, 2, 1, 1, d) || lstm__attrs_allowed(g, n, since, none, d);
}
NO_PREPARE(lstm__seq_at)
int lstm__seq_at_run(lstm__kctx *k)
{
    const lstm__seq *s;
    int64_t at;
    int rc = need_seq(k, 0, &s);
    if (!rc && s->n == 0)
        rc = lstm__errf(k->d, LSTM_EINVAL, "%s: the sequence is empty", lstm__klabel(k));
    if (!rc) rc = position(k, 1, s->n, 0, 0, &at);
    if (rc) return rc;
    return lstm__out_copy(k, 0, &s->items[at]);
}

/* ---- SequenceLength ---- */
int lstm__seq_length_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                           lstm__diag *d)
{
    (void)params;
    static const char *const none[] = {NULL};
    return lstm__arity(g, n, 1, 1, 1, 1, d) || lstm__attrs_allowed(g, n, since, none, d);
}
NO_PREPARE(lstm__seq_length)
int lstm__seq_length_run(lstm__kctx *k)
{
    const lstm__seq *s;
    int rc = need_seq(k, 0, &s);
    if (!rc) rc = lstm__out_alloc(k, 0, LSTM_DT_INT64, 0, NULL);
    if (rc) return rc;
    *(int64_t *)k->out[0]->data = s->n;
    return LSTM_OK;
}

/* ---- ConcatFromSequence ---- */
int lstm__concat_seq_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                           lstm__diag *d)
{
    lstm__concat_seq_params *p = params;
    static const char *const names[] = {"axis", "new_axis", NULL};
    char b[LSTM__LABEL_MAX];
    if (lstm__arity(g, n, 1, 1, 1, 1, d) || lstm__attrs_allowed(g, n, since, names, d) ||
        lstm__attr_flag(g, n, "new_axis", 0, &p->new_axis, d))
        return d->code;
    if (!lstm__attr_find(n, "axis"))
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'axis' is required",
                          lstm__node_ctx(g, n, b, sizeof b));
    return lstm__attr_int(g, n, "axis", 0, &p->axis, d);
}
NO_PREPARE(lstm__concat_seq)
int lstm__concat_seq_run(lstm__kctx *k)
{
    const lstm__concat_seq_params *p = k->params;
    const lstm__seq *s;
    int rc = need_seq(k, 0, &s);
    if (rc) return rc;
    if (s->n == 0)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: concatenating an empty sequence",
                          lstm__klabel(k));
    const lstm__rt *x0 = &s->items[0];
    int a, rank = x0->rank + (int)p->new_axis;
    if (rank > LSTM__MAX_RANK || (rank == 0))
        return lstm__errf(k->d, LSTM_EINVAL, "%s: cannot concatenate tensors of rank %d",
                          lstm__klabel(k), x0->rank);
    if ((rc = lstm__axis(k, p->axis, rank, &a, "axis"))) return rc;
    int64_t dims[LSTM__MAX_RANK];
    /* The concatenated axis starts at 0 and adds every item's size (or 1 with new_axis). */
    for (int d = 0, e = 0; d < rank; d++) {
        int skip = p->new_axis && d == a;
        dims[d] = d == a ? 0 : x0->dims[e];
        e += !skip;
    }
    for (int i = 0; i < s->n; i++) {
        const lstm__rt *x = &s->items[i];
        int bad = x->rank != x0->rank || x->dtype != x0->dtype;
        for (int d = 0; !bad && d < x->rank; d++)
            bad = (p->new_axis || d != a) && x->dims[d] != x0->dims[d];
        if (bad) {
            char s1[96], s2[96];
            return lstm__errf(
                k->d, LSTM_EINVAL, "%s: item %d is %s %s, item 0 is %s %s", lstm__klabel(k), i,
                lstm__dtype_name(x->dtype), lstm__dims_str(s1, sizeof s1, x->rank, x->dims),
                lstm__dtype_name(x0->dtype), lstm__dims_str(s2, sizeof s2, x0->rank, x0->dims));
        }
        dims[a] += p->new_axis ? 1 : x->dims[a];
    }
    if ((rc = lstm__out_alloc(k, 0, x0->dtype, rank, dims))) return rc;
    lstm__rt *y = k->out[0];
    size_t es = lstm__dtype_size(x0->dtype), outer = 1, inner = es;
    for (int d = 0; d < a; d++) outer *= (size_t)dims[d];
    for (int d = a + 1; d < rank; d++) inner *= (size_t)dims[d];
    size_t yrow = (size_t)dims[a] * inner, off = 0;
    for (int i = 0; i < s->n; i++) {
        const lstm__rt *x = &s->items[i];
        size_t chunk = (p->new_axis ? 1 : (size_t)x->dims[a]) * inner;
        for (size_t o = 0; o < outer && chunk; o++)
            memcpy((char *)y->data + o * yrow + off, (const char *)x->data + o * chunk, chunk);
        off += chunk;
    }
    return LSTM_OK;
}

/* ---- SplitToSequence ---- */
int lstm__split_seq_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                          lstm__diag *d)
{
    lstm__split_seq_params *p = params;
    static const char *const names[] = {"axis", "keepdims", NULL};
    if (lstm__arity(g, n, 1, 2, 1, 1, d) || lstm__attrs_allowed(g, n, since, names, d) ||
        lstm__attr_int(g, n, "axis", 0, &p->axis, d) ||
        lstm__attr_flag(g, n, "keepdims", 1, &p->keepdims, d))
        return d->code;
    return LSTM_OK;
}
NO_PREPARE(lstm__split_seq)
int lstm__split_seq_run(lstm__kctx *k)
{
    const lstm__split_seq_params *p = k->params;
    int rc = need_tensor(k, 0), a;
    if (rc) return rc;
    const lstm__rt *x = k->in[0], *sp = k->n->n_in > 1 ? k->in[1] : NULL;
    if (x->rank < 1)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: cannot split a scalar", lstm__klabel(k));
    if ((rc = lstm__axis(k, p->axis, x->rank, &a, "axis"))) return rc;
    const int64_t len = x->dims[a];
    /* Parts: none given -> len parts of 1 (keepdims applies); a scalar -> parts of that size
    ** (the last one shorter); a list -> those sizes. */
    int64_t nparts, size = 1;
    if (sp) {
        if (!lstm__is_int(sp->dtype) || sp->rank > 1)
            return lstm__errf(k->d, LSTM_EINVAL, "%s: split must be an integer scalar or list",
                              lstm__klabel(k));
        if (sp->rank == 0) {
            size = lstm__get_i(sp, 0);
            if (size < 1)
                return lstm__errf(k->d, LSTM_EINVAL, "%s: split is %lld, expected >= 1",
                                  lstm__klabel(k), (long long)size);
            nparts = len / size + (len % size != 0); /* no overflow for a huge size */
        } else {
            nparts = (int64_t)sp->nelem;
            int64_t sum = 0;
            for (int64_t i = 0; i < nparts; i++) {
                int64_t v = lstm__get_i(sp, (size_t)i);
                if (v < 0)
                    return lstm__errf(k->d, LSTM_EINVAL, "%s: split[%lld] is %lld", lstm__klabel(k),
                                      (long long)i, (long long)v);
                if (v > len - sum) /* before adding: the sum must not overflow */
                    return lstm__errf(k->d, LSTM_EINVAL,
                                      "%s: split sums to more than the axis' %lld", lstm__klabel(k),
                                      (long long)len);
                sum += v;
            }
            if (sum != len)
                return lstm__errf(k->d, LSTM_EINVAL, "%s: split sums to %lld, the axis has %lld",
                                  lstm__klabel(k), (long long)sum, (long long)len);
        }
    } else {
        nparts = len;
    }
    if (nparts > 1 << 20)
        return lstm__errf(k->d, LSTM_ELIMIT, "%s: %lld parts", lstm__klabel(k), (long long)nparts);
    lstm__seq *q = lstm__out_seq(k, 0, (int)nparts);
    if (!q) return k->d->code;
    k->out[0]->dtype = x->dtype;
    size_t es = lstm__dtype_size(x->dtype), outer = 1, inner = es;
    for (int d = 0; d < a; d++) outer *= (size_t)x->dims[d];
    for (int d = a + 1; d < x->rank; d++) inner *= (size_t)x->dims[d];
    int64_t start = 0;
    for (int64_t i = 0; i < nparts; i++) {
        int64_t n = !sp             ? 1
                    : sp->rank == 0 ? (len - start < size ? len - start : size)
                                    : lstm__get_i(sp, (size_t)i);
        int64_t dims[LSTM__MAX_RANK];
        int rank = 0;
        for (int d = 0; d < x->rank; d++) {
            if (d == a && !sp && !p->keepdims) continue;
            dims[rank++] = d == a ? n : x->dims[d];
        }
        lstm__rt *r = lstm__seq_item(k, q, (int)i, x->dtype, rank, dims);
        if (!r) return k->d->code;
        size_t chunk = (size_t)n * inner;
        for (size_t o = 0; o < outer && chunk; o++)
            memcpy((char *)r->data + o * chunk,
                   (const char *)x->data + (o * (size_t)len + (size_t)start) * inner, chunk);
        start += n;
    }
    return LSTM_OK;
}

/* ---- SequenceMap ---- */
int lstm__seq_map_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                        lstm__diag *d)
{
    lstm__seq_map_params *p = params;
    static const char *const names[] = {"body", NULL};
    char b[LSTM__LABEL_MAX];
    if (lstm__arity(g, n, 1, 1 << 16, 1, 1 << 16, d) || lstm__attrs_allowed(g, n, since, names, d))
        return d->code;
    const lstm__attr *at, *a = lstm__attr_find(n, "body");
    if (!a || a->type != LSTM__A_GRAPH || !a->g)
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'body' must be a graph",
                          lstm__node_ctx(g, n, b, sizeof b));
    lstm__graph *sg;
    for (int k = 0; (sg = lstm__node_subgraph(n, k, &at)); k++)
        if (at == a) p->body = k;
    for (int i = 1; i < n->n_in; i++)
        if (!n->in_names[i][0])
            return lstm__errf(d, LSTM_EMODEL, "%s: input %d is empty; body input %d needs a value",
                              lstm__node_ctx(g, n, b, sizeof b), i, i);
    if (a->g->n_inputs != n->n_in || a->g->n_outputs != n->n_out)
        return lstm__errf(d, LSTM_EMODEL,
                          "%s: body has %d inputs and %d outputs, expected %d and %d (one per "
                          "node input and output)",
                          lstm__node_ctx(g, n, b, sizeof b), a->g->n_inputs, a->g->n_outputs,
                          n->n_in, n->n_out);
    return LSTM_OK;
}
NO_PREPARE(lstm__seq_map)
int lstm__seq_map_run(lstm__kctx *k)
{
    const lstm__seq_map_params *p = k->params;
    const lstm__seq *s;
    int rc = need_seq(k, 0, &s);
    if (rc) return rc;
    const int n = s->n;
    for (int i = 1; i < k->n->n_in; i++) {
        const lstm__rt *t = k->in[i];
        if (t && t->kind == LSTM__VAL_SEQUENCE && (t->seq ? t->seq->n : 0) != n)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: input %d is a sequence of %d tensors, input 0 has %d",
                              lstm__klabel(k), i, t->seq ? t->seq->n : 0, n);
    }
    lstm__plan *sub = lstm__subplan(k, p->body, 0);
    if (!sub) return k->d->code;
    for (int o = 0; o < k->n->n_out; o++)
        if (!lstm__out_seq(k, o, n)) return k->d->code;
    for (int it = 0; it < n; it++) {
        if (k->abort && k->abort(k->abort_ud))
            return lstm__errf(k->d, LSTM_EABORTED, "%s: aborted at item %d", lstm__klabel(k), it);
        for (int i = 0; i < k->n->n_in; i++) {
            const lstm__rt *t = k->in[i];
            lstm__plan_bind(sub, i, t->kind == LSTM__VAL_SEQUENCE ? &t->seq->items[it] : t);
        }
        if ((rc = lstm__plan_exec(sub))) return rc;
        for (int o = 0; o < k->n->n_out; o++) {
            const lstm__rt *v = lstm__plan_output(sub, o);
            if (v->kind != LSTM__VAL_TENSOR || v->none)
                return lstm__errf(k->d, LSTM_EINVAL, "%s: body output %d is not a tensor",
                                  lstm__klabel(k), o);
            k->out[o]->dtype = v->dtype;
            if ((rc = put_item(k, k->out[o]->seq, it, v))) return rc;
        }
    }
    return LSTM_OK;
}

/* ---- Optional, OptionalHasElement, OptionalGetElement ---- */
int lstm__optional_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                         lstm__diag *d)
{
    (void)params;
    static const char *const names[] = {"type", NULL};
    char b[LSTM__LABEL_MAX];
    if (lstm__arity(g, n, 0, 1, 1, 1, d) || lstm__attrs_allowed(g, n, since, names, d))
        return d->code;
    /* Without an input the type attribute says what the empty optional would hold; no
    ** computation depends on it. */
    if ((n->n_in == 0 || !n->in_names[0][0]) && !lstm__attr_find(n, "type"))
        return lstm__errf(d, LSTM_EMODEL, "%s: an Optional without input needs attribute 'type'",
                          lstm__node_ctx(g, n, b, sizeof b));
    return LSTM_OK;
}
NO_PREPARE(lstm__optional)
int lstm__optional_run(lstm__kctx *k)
{
    const lstm__rt *x = k->n->n_in ? k->in[0] : NULL;
    return x ? lstm__out_take(k, 0, 0) : lstm__out_none(k, 0);
}

int lstm__opt_has_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                        lstm__diag *d)
{
    (void)params;
    static const char *const none[] = {NULL};
    return lstm__arity(g, n, since >= 18 ? 0 : 1, 1, 1, 1, d) ||
           lstm__attrs_allowed(g, n, since, none, d);
}
NO_PREPARE(lstm__opt_has)
int lstm__opt_has_run(lstm__kctx *k)
{
    const lstm__rt *x = k->n->n_in ? k->in[0] : NULL;
    int rc = lstm__out_alloc(k, 0, LSTM_DT_BOOL, 0, NULL);
    if (rc) return rc;
    *(unsigned char *)k->out[0]->data = x && !x->none;
    return LSTM_OK;
}

int lstm__opt_get_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                        lstm__diag *d)
{
    (void)params;
    static const char *const none[] = {NULL};
    return lstm__arity(g, n, 1, 1, 1, 1, d) || lstm__attrs_allowed(g, n, since, none, d);
}
NO_PREPARE(lstm__opt_get)
int lstm__opt_get_run(lstm__kctx *k)
{
    const lstm__rt *x = k->in[0];
    if (x->none)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: input '%s' is an optional without value",
                          lstm__klabel(k), k->n->in_names[0]);
    return lstm__out_take(k, 0, 0);
}
