/*
** op_control.c — control flow: If (1, 11, 13, 16), Loop (1, 11, 13, 16) and Scan (8, 9, 11,
** 16). Each runs its subgraphs through plans of their own (plan.h), made when first run and
** kept, so iterations whose shapes repeat allocate nothing. Values carried from one iteration
** to the next live in the node's outputs (hidden ones when the graph leaves them unnamed).
** Spec: https://onnx.ai/onnx/operators/onnx__If.html (Loop, Scan alike)
*/
#include "dtype.h"
#include "ops/op_util.h"
#include "ops/ops.h"
#include "plan.h"

#include <stdio.h>
#include <string.h>

/* The subgraph held by attribute `name` (its index among the node's subgraphs), or an error. */
static int find_body(const lstm__graph *g, const lstm__node *n, const char *name, int *idx,
                     const lstm__graph **body, lstm__diag *d)
{
    char b[LSTM__LABEL_MAX];
    const lstm__attr *a = lstm__attr_find(n, name);
    if (!a)
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute '%s' is missing",
                          lstm__node_ctx(g, n, b, sizeof b), name);
    if (a->type != LSTM__A_GRAPH || !a->g)
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute '%s' must be a graph",
                          lstm__node_ctx(g, n, b, sizeof b), name);
    const lstm__attr *at;
    lstm__graph *sg;
    for (int k = 0; (sg = lstm__node_subgraph(n, k, &at)); k++)
        if (at == a) {
            *idx = k;
            *body = sg;
            return LSTM_OK;
        }
    return lstm__errf(d, LSTM_EMODEL, "%s: attribute '%s' has no graph",
                      lstm__node_ctx(g, n, b, sizeof b), name);
}

static int signature(const lstm__graph *g, const lstm__node *n, const char *attr,
                     const lstm__graph *body, int ins, int outs, const char *why, lstm__diag *d)
{
    if (body->n_inputs == ins && body->n_outputs == outs) return LSTM_OK;
    char b[LSTM__LABEL_MAX];
    return lstm__errf(
        d, LSTM_EMODEL, "%s: %s has %d inputs and %d outputs, expected %d and %d (%s)",
        lstm__node_ctx(g, n, b, sizeof b), attr, body->n_inputs, body->n_outputs, ins, outs, why);
}

/* Inputs from `first` on (loop-carried initial values; Scan states and scan inputs) must be
** given: an empty name leaves the op nothing to start from. */
static int all_given(const lstm__graph *g, const lstm__node *n, int first, const char *what,
                     lstm__diag *d)
{
    char b[LSTM__LABEL_MAX];
    for (int i = first; i < n->n_in; i++)
        if (!n->in_names[i][0])
            return lstm__errf(d, LSTM_EMODEL, "%s: input %d is empty; %s",
                              lstm__node_ctx(g, n, b, sizeof b), i, what);
    return LSTM_OK;
}

/* A condition: one element of any numeric or bool type. */
static int truth(lstm__kctx *k, const lstm__rt *t, const char *what, int *out)
{
    if (t->kind != LSTM__VAL_TENSOR || t->none || t->nelem != 1 || !lstm__dtype_size(t->dtype))
        return lstm__errf(k->d, LSTM_EINVAL, "%s: %s must be a tensor of one element",
                          lstm__klabel(k), what);
    *out = lstm__is_float(t->dtype) ? lstm__get_f(t, 0) != 0 : lstm__get_i(t, 0) != 0;
    return LSTM_OK;
}

static int run_body(lstm__kctx *k, lstm__plan *sub)
{
    (void)k;
    return lstm__plan_exec(sub);
}

/* ---- If ---- */

int lstm__if_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                   lstm__diag *d)
{
    lstm__if_params *p = params;
    static const char *const names[] = {"then_branch", "else_branch", NULL};
    const lstm__graph *tb, *eb;
    if (lstm__arity(g, n, 1, 1, 1, 1 << 16, d) || lstm__attrs_allowed(g, n, since, names, d) ||
        find_body(g, n, "then_branch", &p->then_sub, &tb, d) ||
        find_body(g, n, "else_branch", &p->else_sub, &eb, d))
        return d->code;
    char b[LSTM__LABEL_MAX];
    if (tb->n_outputs != eb->n_outputs || tb->n_outputs != n->n_out)
        return lstm__errf(
            d, LSTM_EMODEL, "%s: then_branch has %d outputs, else_branch %d; the node has %d",
            lstm__node_ctx(g, n, b, sizeof b), tb->n_outputs, eb->n_outputs, n->n_out);
    if (tb->n_inputs || eb->n_inputs)
        return lstm__errf(d, LSTM_EMODEL, "%s: %s has %d inputs; If branches take none",
                          lstm__node_ctx(g, n, b, sizeof b),
                          tb->n_inputs ? "then_branch" : "else_branch",
                          tb->n_inputs ? tb->n_inputs : eb->n_inputs);
    return LSTM_OK;
}

/* While planning, a condition computed then from constants and shapes chooses the branch now:
** its plan is made and gives the outputs' types and shapes, so the nodes after the If are
** planned ahead like any other (Silero's Ifs test shapes). Otherwise (a condition the run
** computes, or a model input, which may change from run to run without a new plan) or when a
** branch output is itself known only while running, the If runs late: the branch is chosen and
** the outputs shaped at run time. */
int lstm__if_prepare(lstm__kctx *k)
{
    const lstm__if_params *p = k->params;
    lstm__if_state *st = k->state;
    st->planned = 0;
    if (!k->planning) return LSTM_OK;
    for (int o = 0; o < k->n->n_out; o++)
        if (k->n->out[o] < 0) return lstm__need_late(k); /* unnamed: a hidden value */
    if (!k->in[0]->known) return lstm__need_late(k);
    int c, rc = truth(k, k->in[0], "the condition", &c);
    if (rc) return rc;
    int idx = c ? p->then_sub : p->else_sub;
    lstm__plan *sub = lstm__subplan(k, idx, 1);
    if (!sub) return k->d->code;
    if ((rc = lstm__plan_ready(sub))) return rc;
    for (int o = 0; o < k->n->n_out; o++)
        if (!lstm__plan_output_planned(sub, o)) return lstm__need_late(k);
    for (int o = 0; o < k->n->n_out; o++) {
        const lstm__rt *t = lstm__plan_output(sub, o);
        if ((rc = lstm__rt_set(k, k->out[o], t->dtype, t->rank, t->dims))) return rc;
    }
    st->planned = idx + 1;
    return LSTM_OK;
}

int lstm__if_run(lstm__kctx *k)
{
    const lstm__if_params *p = k->params;
    const lstm__if_state *st = k->state;
    int c, rc;
    if (st->planned) { /* the planned branch into the planned outputs */
        lstm__plan *sub = lstm__subplan(k, st->planned - 1, 1);
        if (!sub) return k->d->code;
        if ((rc = run_body(k, sub))) return rc;
        for (int o = 0; o < k->n->n_out; o++) {
            const lstm__rt *t = lstm__plan_output(sub, o);
            lstm__rt *y = k->out[o];
            if (!y) continue;
            int same = t->kind == LSTM__VAL_TENSOR && !t->none && t->dtype == y->dtype &&
                       t->rank == y->rank;
            for (int d = 0; same && d < y->rank; d++) same = t->dims[d] == y->dims[d];
            if (!same) {
                char a[96], b[96];
                return lstm__errf(
                    k->d, LSTM_EINVAL, "%s: output %d of the branch is %s %s, planned as %s %s",
                    lstm__klabel(k), o, lstm__dtype_name(t->dtype),
                    lstm__dims_str(a, sizeof a, t->rank, t->dims), lstm__dtype_name(y->dtype),
                    lstm__dims_str(b, sizeof b, y->rank, y->dims));
            }
            if (y->nbytes && y->data != t->data) memcpy(y->data, t->data, y->nbytes);
        }
        return LSTM_OK;
    }
    if ((rc = truth(k, k->in[0], "the condition", &c))) return rc;
    lstm__plan *sub = lstm__subplan(k, c ? p->then_sub : p->else_sub, 1);
    if (!sub) return k->d->code;
    if ((rc = run_body(k, sub))) return rc;
    for (int o = 0; o < k->n->n_out; o++)
        if ((rc = lstm__out_copy(k, o, lstm__plan_output(sub, o)))) return rc;
    return LSTM_OK;
}

/* ---- shared by Loop and Scan ---- */

/* A scalar (or [1], as the body declares it) bound to one element of the node state. */
static lstm__rt scalar(const lstm__graph *body, int input, int dtype, void *data)
{
    lstm__rt t = {.dtype = dtype, .nelem = 1, .nbytes = lstm__dtype_size(dtype), .data = data};
    const lstm__type *ty = &body->inputs[input].type;
    if (ty->kind == LSTM__VK_TENSOR && ty->rank == 1) {
        t.rank = 1;
        t.dims[0] = 1;
    }
    return t;
}

/* Shape of scan output s with no iteration: the body's declared element shape with 0 at the
** scan axis (a dimension it leaves unknown is 0, as onnxruntime gives it) when its rank is
** declared, else [0]. */
static int empty_scan_output(lstm__kctx *k, int idx, const lstm__graph *body, int bout, int axis)
{
    const lstm__type *ty = &body->outputs[bout].type;
    int64_t dims[LSTM__MAX_RANK] = {0};
    int rank = 1, dtype = ty->dtype ? ty->dtype : LSTM_DT_FLOAT;
    if (ty->kind == LSTM__VK_TENSOR && ty->rank >= 0 && ty->rank < LSTM__MAX_RANK) {
        if (axis < 0) axis += ty->rank + 1;
        if (axis < 0 || axis > ty->rank) axis = 0;
        rank = ty->rank + 1;
        for (int d = 0, e = 0; d < rank; d++)
            if (d != axis) {
                dims[d] = ty->dims[e] < 0 ? 0 : ty->dims[e];
                e++;
            }
    }
    return lstm__out_alloc(k, idx, dtype, rank, dims);
}

/* Scan 8 output s when no batch row ran a step: [B, L, element...] (zeros), the element's shape
** as the body declares it; undeclared, only an empty [B, L] is right whatever the rank. */
static int empty_scan8_output(lstm__kctx *k, int s, const lstm__graph *body, int bout, int64_t B,
                              int64_t L)
{
    const lstm__type *ty = &body->outputs[bout].type;
    int64_t dims[LSTM__MAX_RANK] = {B, L};
    int rank = 2, dtype = ty->dtype ? ty->dtype : LSTM_DT_FLOAT, known = 0;
    if (ty->kind == LSTM__VK_TENSOR && ty->rank >= 0 && ty->rank + 2 <= LSTM__MAX_RANK) {
        known = 1;
        for (int d = 0; d < ty->rank; d++) known &= ty->dims[d] >= 0;
        if (known) {
            for (int d = 0; d < ty->rank; d++) dims[2 + d] = ty->dims[d];
            rank += ty->rank;
        }
    }
    if (!known && B && L)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: no sequence ran a step and the body does not declare the shape of "
                          "scan output %d",
                          lstm__klabel(k), s);
    int rc = lstm__out_alloc(k, bout, dtype, rank, dims);
    if (!rc && k->out[bout]->nbytes) memset(k->out[bout]->data, 0, k->out[bout]->nbytes);
    return rc;
}

static int same_shape(const lstm__rt *a, const lstm__rt *b)
{
    if (a->dtype != b->dtype || a->rank != b->rank) return 0;
    for (int d = 0; d < a->rank; d++)
        if (a->dims[d] != b->dims[d]) return 0;
    return 1;
}

static int scan_output_error(lstm__kctx *k, int s, const lstm__rt *first, const lstm__rt *now,
                             int64_t iter)
{
    char a[96], b[96];
    return lstm__errf(k->d, LSTM_EINVAL,
                      "%s: scan output %d is %s %s at iteration %lld but was %s %s: every "
                      "iteration must give the same shape",
                      lstm__klabel(k), s, lstm__dtype_name(now->dtype),
                      lstm__dims_str(a, sizeof a, now->rank, now->dims), (long long)iter,
                      lstm__dtype_name(first->dtype),
                      lstm__dims_str(b, sizeof b, first->rank, first->dims));
}

/* ---- Loop ---- */

int lstm__loop_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                     lstm__diag *d)
{
    lstm__loop_params *p = params;
    static const char *const names[] = {"body", NULL};
    const lstm__graph *body;
    char b[LSTM__LABEL_MAX];
    if (lstm__arity(g, n, 0, 1 << 16, 0, 1 << 16, d) ||
        lstm__attrs_allowed(g, n, since, names, d) || find_body(g, n, "body", &p->body, &body, d))
        return d->code;
    if (n->n_in < 2) /* M and cond may be "", but they are there */
        return lstm__errf(d, LSTM_EMODEL,
                          "%s has %d inputs, expected M, cond and the loop-carried "
                          "values",
                          lstm__node_ctx(g, n, b, sizeof b), n->n_in);
    if (all_given(g, n, 2, "every loop-carried value needs its initial value", d)) return d->code;
    /* Inputs M, cond, v_initial...; body (iteration_num, cond, v...) -> (cond, v..., scan...). */
    p->carried = n->n_in - 2;
    p->scans = n->n_out - p->carried;
    if (p->scans < 0)
        return lstm__errf(d, LSTM_EMODEL,
                          "%s has %d loop-carried inputs but only %d outputs (expected the %d "
                          "final values, then the scan outputs)",
                          lstm__node_ctx(g, n, b, sizeof b), p->carried, n->n_out, p->carried);
    if (body->n_inputs != 2 + p->carried || body->n_outputs < 1 + p->carried)
        return signature(g, n, "body", body, 2 + p->carried, 1 + p->carried + p->scans,
                         "iteration_num, cond and the loop-carried values in; cond, the "
                         "loop-carried values and the scan outputs out",
                         d);
    if (body->n_outputs != 1 + p->carried + p->scans)
        return signature(g, n, "body", body, 2 + p->carried, 1 + p->carried + p->scans,
                         "one scan output per node output after the loop-carried values", d);
    return LSTM_OK;
}

int lstm__loop_prepare(lstm__kctx *k)
{
    (void)k;
    return LSTM_OK;
}

/* The body's outputs become the carried values (the node's outputs 0..N-1). An output that is
** the body's own carried input j' (passed straight through) reads out[j'], which another output
** may overwrite first: such sources are set aside before anything is written (tensors copied
** into stash buffers, sequences moved into the holder of the body's input value). A sequence the
** body made is moved, not copied: the Loop's output takes its storage. */
static int carry_back(lstm__kctx *k, lstm__plan *sub, lstm__buf *stash, lstm__rt *aside)
{
    const lstm__loop_params *p = k->params;
    const lstm__graph *body = sub->g;
    const int N = p->carried;
    int rc;
    for (int j = 0; j < N; j++) aside[j].kind = -1; /* nothing set aside */
    for (int j = 0; j < N; j++) {
        int v = body->output_values[1 + j], s = -1;
        for (int q = 0; q < N && s < 0; q++)
            if (body->input_values[2 + q] == v) s = q;
        if (s < 0 || s == j || aside[s].kind >= 0) continue;
        lstm__rt *x = k->out[s];
        aside[s] = *x;
        if (x->kind == LSTM__VAL_SEQUENCE && !x->none) {
            lstm__seq *h = lstm__plan_holder(sub, body->input_values[2 + s]);
            if (!h) return lstm__errf(k->d, LSTM_ENOMEM, "out of memory for %s", lstm__klabel(k));
            lstm__seq tmp = *h;
            *h = *x->seq;
            *x->seq = tmp;
            aside[s].seq = h;
        } else if (!x->none) {
            if ((rc = lstm__buf_grow(k, &stash[s], x->nbytes, "a carried value set aside")))
                return rc;
            if (x->nbytes) memcpy(stash[s].p, x->data, x->nbytes);
            aside[s].data = stash[s].p;
        }
    }
    for (int j = 0; j < N; j++) {
        int v = body->output_values[1 + j], s = -1;
        for (int q = 0; q < N && s < 0; q++)
            if (body->input_values[2 + q] == v) s = q;
        if (s >= 0 && aside[s].kind >= 0) {
            int last = 1; /* the last output reading it may take a sequence set aside */
            for (int q = j + 1; q < N && last; q++) last = body->output_values[1 + q] != v;
            rc = lstm__out_move(k, j, &aside[s], last);
        } else if (s >= 0) {
            rc = lstm__out_copy(k, j, lstm__plan_output(sub, 1 + j)); /* itself: nothing moves */
        } else {
            rc = lstm__out_move(k, j, lstm__plan_output(sub, 1 + j),
                                lstm__plan_output_movable(sub, 1 + j));
        }
        if (rc) return rc;
    }
    return LSTM_OK;
}

int lstm__loop_run(lstm__kctx *k)
{
    const lstm__loop_params *p = k->params;
    lstm__loop_state *st = k->state;
    const int N = p->carried, K = p->scans;
    int64_t trip = INT64_MAX;
    int cond = 1, rc;
    if (k->in[0]) {
        const lstm__rt *m = k->in[0];
        if (m->kind != LSTM__VAL_TENSOR || m->none || m->nelem != 1 || !lstm__is_int(m->dtype))
            return lstm__errf(k->d, LSTM_EINVAL, "%s: the trip count M must be one integer",
                              lstm__klabel(k));
        trip = lstm__get_i(m, 0);
        if (m->dtype == LSTM_DT_UINT64 && trip < 0) trip = INT64_MAX; /* above 2^63 - 1 */
    }
    if (k->in[1] && (rc = truth(k, k->in[1], "the condition", &cond))) return rc;
    lstm__plan *sub = lstm__subplan(k, p->body, 0);
    /* Scan outputs, their element shapes and the carried values set aside, then the stash of
    ** each carried tensor. */
    lstm__buf *acc = lstm__node_bufs(k, K + 1 + N);
    if (!sub || !acc) return k->d->code;
    if ((rc = lstm__buf_grow(k, &acc[K], (size_t)(K + 1 + N) * sizeof(lstm__rt),
                             "the buffer of its tables")))
        return rc;
    lstm__rt *shape = acc[K].p, *aside = shape + K + 1;
    const lstm__graph *body = sub->g;
    for (int j = 0; j < N; j++) /* an initial sequence that dies here is moved in */
        if ((rc = lstm__out_take(k, j, 2 + j))) return rc;
    int64_t it = 0;
    for (; it < trip && cond; it++) {
        if (k->abort && k->abort(k->abort_ud))
            return lstm__errf(k->d, LSTM_EABORTED, "%s: aborted at iteration %lld", lstm__klabel(k),
                              (long long)it);
        st->iter = it;
        st->cond = 1;
        lstm__rt ti = scalar(body, 0, LSTM_DT_INT64, &st->iter),
                 tc = scalar(body, 1, LSTM_DT_BOOL, &st->cond);
        lstm__plan_bind(sub, 0, &ti);
        lstm__plan_bind(sub, 1, &tc);
        for (int j = 0; j < N; j++) lstm__plan_bind_owned(sub, 2 + j, k->out[j]);
        if ((rc = run_body(k, sub))) return rc;
        if ((rc = truth(k, lstm__plan_output(sub, 0), "the body's condition output", &cond)))
            return rc;
        for (int s = 0; s < K; s++) {
            const lstm__rt *t = lstm__plan_output(sub, 1 + N + s);
            if (t->kind != LSTM__VAL_TENSOR || t->none)
                return lstm__errf(k->d, LSTM_EINVAL, "%s: scan output %d is not a tensor",
                                  lstm__klabel(k), s);
            if (it == 0)
                shape[s] = *t;
            else if (!same_shape(&shape[s], t))
                return scan_output_error(k, s, &shape[s], t, it);
            if ((rc = lstm__buf_grow(k, &acc[s], (size_t)(it + 1) * t->nbytes,
                                     "the buffer of its scan outputs")))
                return rc;
            if (t->nbytes) memcpy((char *)acc[s].p + (size_t)it * t->nbytes, t->data, t->nbytes);
        }
        /* After the scan outputs, which may read a carried input. */
        if ((rc = carry_back(k, sub, acc + K + 1, aside))) return rc;
    }
    for (int s = 0; s < K; s++) {
        if (it == 0) {
            if ((rc = empty_scan_output(k, N + s, body, 1 + N + s, 0))) return rc;
            continue;
        }
        int64_t dims[LSTM__MAX_RANK];
        if (shape[s].rank + 1 > LSTM__MAX_RANK)
            return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: scan output %d has rank %d",
                              lstm__klabel(k), s, shape[s].rank + 1);
        dims[0] = it;
        for (int d = 0; d < shape[s].rank; d++) dims[d + 1] = shape[s].dims[d];
        if ((rc = lstm__out_alloc(k, N + s, shape[s].dtype, shape[s].rank + 1, dims))) return rc;
        if (k->out[N + s]->nbytes) memcpy(k->out[N + s]->data, acc[s].p, k->out[N + s]->nbytes);
    }
    return LSTM_OK;
}

/* ---- Scan ---- */

static int attr_list(const lstm__graph *g, const lstm__node *n, const char *name, int count, int lo,
                     int hi, const int64_t **out, lstm__diag *d)
{
    const lstm__attr *a = lstm__attr_find(n, name);
    *out = NULL;
    if (!a) return LSTM_OK;
    char b[LSTM__LABEL_MAX];
    if (a->type != LSTM__A_INTS || a->n != (size_t)count)
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute '%s' must list %d ints",
                          lstm__node_ctx(g, n, b, sizeof b), name, count);
    for (size_t i = 0; i < a->n; i++)
        if (a->ints[i] < lo || a->ints[i] > hi)
            return lstm__errf(
                d, LSTM_EMODEL, "%s: attribute '%s' has %lld at %zu, expected %d to %d",
                lstm__node_ctx(g, n, b, sizeof b), name, (long long)a->ints[i], i, lo, hi);
    *out = a->ints;
    return LSTM_OK;
}

int lstm__scan_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                     lstm__diag *d)
{
    lstm__scan_params *p = params;
    static const char *const v8[] = {"body", "num_scan_inputs", "directions", NULL};
    static const char *const v9[] = {"body",
                                     "num_scan_inputs",
                                     "scan_input_directions",
                                     "scan_output_directions",
                                     "scan_input_axes",
                                     "scan_output_axes",
                                     NULL};
    const lstm__graph *body;
    int64_t m;
    char b[LSTM__LABEL_MAX];
    p->v8 = since < 9;
    if (lstm__arity(g, n, p->v8 ? 0 : 1, 1 << 16, 1, 1 << 16, d) ||
        lstm__attrs_allowed(g, n, since, p->v8 ? v8 : v9, d) ||
        find_body(g, n, "body", &p->body, &body, d) ||
        lstm__attr_int(g, n, "num_scan_inputs", -1, &m, d))
        return d->code;
    if (all_given(g, n, p->v8, "every state and scan input must be given", d)) return d->code;
    int ins = n->n_in - p->v8; /* Scan 8: sequence_lens (optional) comes first */
    if (m < 1 || m > ins)
        return lstm__errf(d, LSTM_EMODEL,
                          "%s: num_scan_inputs is %lld, expected 1 to the %d state and scan inputs",
                          lstm__node_ctx(g, n, b, sizeof b), (long long)m, ins);
    p->scan_in = (int)m;
    p->states = ins - p->scan_in;
    p->scan_out = n->n_out - p->states;
    if (p->scan_out < 0)
        return lstm__errf(d, LSTM_EMODEL, "%s has %d state inputs but %d outputs",
                          lstm__node_ctx(g, n, b, sizeof b), p->states, n->n_out);
    if (signature(g, n, "body", body, p->states + p->scan_in, p->states + p->scan_out,
                  "the states and one element of each scan input in; the states and one "
                  "element of each scan output out",
                  d))
        return d->code;
    if (p->v8) return attr_list(g, n, "directions", p->scan_in, 0, 1, &p->in_dir, d);
    const int r = LSTM__MAX_RANK;
    return attr_list(g, n, "scan_input_directions", p->scan_in, 0, 1, &p->in_dir, d) ||
           attr_list(g, n, "scan_output_directions", p->scan_out, 0, 1, &p->out_dir, d) ||
           attr_list(g, n, "scan_input_axes", p->scan_in, -r, r - 1, &p->in_axis, d) ||
           attr_list(g, n, "scan_output_axes", p->scan_out, -r, r, &p->out_axis, d);
}

int lstm__scan_prepare(lstm__kctx *k)
{
    (void)k;
    return LSTM_OK;
}

/* Element t of x along axis a (dims outer x len x inner): a view when contiguous, else a copy
** into buf. */
static int slice(lstm__kctx *k, const lstm__rt *x, int a, int64_t t, lstm__buf *buf, lstm__rt *out)
{
    size_t es = lstm__dtype_size(x->dtype), outer = 1, inner = es;
    for (int d = 0; d < a; d++) outer *= (size_t)x->dims[d];
    for (int d = a + 1; d < x->rank; d++) inner *= (size_t)x->dims[d];
    const size_t len = (size_t)x->dims[a];
    memset(out, 0, sizeof *out);
    out->dtype = x->dtype;
    out->rank = x->rank - 1;
    for (int d = 0, e = 0; d < x->rank; d++)
        if (d != a) out->dims[e++] = x->dims[d];
    out->nelem = inner / es * outer;
    out->nbytes = inner * outer;
    if (!out->nbytes) return LSTM_OK; /* no element: no data to point into */
    const char *src = (const char *)x->data + (size_t)t * inner;
    if (outer == 1) {
        out->data = (void *)src;
        return LSTM_OK;
    }
    int rc = lstm__buf_grow(k, buf, out->nbytes, "a slice of a scan input");
    if (rc) return rc;
    for (size_t o = 0; o < outer; o++)
        memcpy((char *)buf->p + o * inner, src + o * len * inner, inner);
    out->data = buf->p;
    return LSTM_OK;
}

/* Write element v at position t along axis a of y (the inverse of slice). */
static void place_at(lstm__rt *y, int a, int64_t t, const lstm__rt *v)
{
    size_t es = lstm__dtype_size(y->dtype), outer = 1, inner = es;
    for (int d = 0; d < a; d++) outer *= (size_t)y->dims[d];
    for (int d = a + 1; d < y->rank; d++) inner *= (size_t)y->dims[d];
    const size_t len = (size_t)y->dims[a];
    for (size_t o = 0; o < outer; o++)
        memcpy((char *)y->data + (o * len + (size_t)t) * inner, (const char *)v->data + o * inner,
               inner);
}

/* One scan (Scan 9+, or one batch row of Scan 8) of `steps` steps: xs[m] the scan inputs and
** ax[m] their axes; the states st[j] are bound and updated in place; ys[s] receive the scan
** outputs along axes oax[s] (a NULL data is allocated at the first step: [L, ...] for Scan 9+,
** [B, L, ...] for Scan 8, whose row `row` it then views). */
typedef struct scan_io {
    lstm__rt *xs;
    int *ax, *oax;
    lstm__rt *st, *ys;
    int64_t L, steps, B, row;
    const void **stash; /* per state: its value set aside this step, else NULL */
} scan_io;

static int scan_alloc(lstm__kctx *k, scan_io *io, int s, const lstm__rt *v, int a)
{
    const lstm__scan_params *p = k->params;
    int64_t dims[LSTM__MAX_RANK];
    int rank = v->rank + 1 + (io->B >= 0), rc;
    if (rank > LSTM__MAX_RANK)
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: scan output %d would have rank %d",
                          lstm__klabel(k), s, rank);
    int o = 0;
    if (io->B >= 0) dims[o++] = io->B;
    for (int d = 0, e = 0; d <= v->rank; d++) dims[o++] = d == a ? io->L : v->dims[e++];
    lstm__rt *y = k->out[p->states + s];
    if ((rc = lstm__out_alloc(k, p->states + s, v->dtype, rank, dims))) return rc;
    if (y->nbytes) memset(y->data, 0, y->nbytes);
    io->ys[s] = *y;
    if (io->B >= 0) {
        lstm__rt row = *y;
        row.rank = rank - 1;
        for (int d = 1; d < rank; d++) row.dims[d - 1] = y->dims[d];
        row.nelem = y->nelem / (size_t)io->B;
        row.nbytes = y->nbytes / (size_t)io->B;
        row.data = row.nbytes ? (char *)y->data + (size_t)io->row * row.nbytes : y->data;
        io->ys[s] = row;
    }
    return LSTM_OK;
}

static int scan_steps(lstm__kctx *k, lstm__plan *sub, lstm__buf *bufs, scan_io *io)
{
    const lstm__scan_params *p = k->params;
    const int N = p->states, M = p->scan_in, K = p->scan_out;
    const void **stashed = io->stash;
    int rc;
    for (int64_t t = 0; t < io->steps; t++) {
        if (k->abort && k->abort(k->abort_ud))
            return lstm__errf(k->d, LSTM_EABORTED, "%s: aborted at step %lld", lstm__klabel(k),
                              (long long)t);
        for (int j = 0; j < N; j++) lstm__plan_bind(sub, j, &io->st[j]);
        for (int m = 0; m < M; m++) {
            lstm__rt e;
            int64_t pos = p->in_dir && p->in_dir[m] ? io->steps - 1 - t : t;
            if ((rc = slice(k, &io->xs[m], io->ax[m], pos, &bufs[m], &e))) return rc;
            lstm__plan_bind(sub, N + m, &e);
        }
        if ((rc = run_body(k, sub))) return rc;
        for (int s = 0; s < K; s++) {
            const lstm__rt *v = lstm__plan_output(sub, N + s);
            if (v->kind != LSTM__VAL_TENSOR || v->none || v->rank + 1 > LSTM__MAX_RANK)
                return lstm__errf(k->d, LSTM_EINVAL,
                                  "%s: scan output %d is not a tensor of rank < %d",
                                  lstm__klabel(k), s, LSTM__MAX_RANK);
            int a = io->oax[s] < 0 ? io->oax[s] + v->rank + 1 : io->oax[s];
            if (a < 0 || a > v->rank)
                return lstm__errf(k->d, LSTM_EINVAL, "%s: scan_output_axes[%d] is %d for rank %d",
                                  lstm__klabel(k), s, io->oax[s], v->rank + 1);
            if (!io->ys[s].data && (rc = scan_alloc(k, io, s, v, a))) return rc;
            lstm__rt *y = &io->ys[s], want = *y;
            want.rank = y->rank - 1;
            for (int d = 0, e = 0; d < y->rank; d++)
                if (d != a) want.dims[e++] = y->dims[d];
            if (!same_shape(&want, v)) return scan_output_error(k, s, &want, v, t);
            int64_t pos = p->out_dir && p->out_dir[s] ? io->steps - 1 - t : t;
            if (v->nbytes) place_at(y, a, pos, v);
        }
        /* States after the scan outputs (which may read a state input), and a state input
        ** passed straight through to another state is set aside first. */
        for (int j = 0; j < N; j++) {
            const lstm__rt *v = lstm__plan_output(sub, j);
            if (v->kind != LSTM__VAL_TENSOR || v->none || !same_shape(v, &io->st[j]))
                return lstm__errf(k->d, LSTM_EINVAL,
                                  "%s: state %d changes its type or shape in the body",
                                  lstm__klabel(k), j);
            for (int q = 0; q < N; q++)
                if (q != j && v->data == io->st[q].data) {
                    lstm__buf *b = &bufs[M + 1 + q];
                    if ((rc = lstm__buf_grow(k, b, v->nbytes, "a state set aside"))) return rc;
                    if (v->nbytes && b->p != v->data) memcpy(b->p, v->data, v->nbytes);
                    stashed[j] = b->p;
                }
        }
        for (int j = 0; j < N; j++) {
            const lstm__rt *v = lstm__plan_output(sub, j);
            const void *src = stashed[j] ? stashed[j] : v->data;
            stashed[j] = NULL;
            if (v->nbytes && src != io->st[j].data) memcpy(io->st[j].data, src, v->nbytes);
        }
    }
    return LSTM_OK;
}

int lstm__scan_run(lstm__kctx *k)
{
    const lstm__scan_params *p = k->params;
    const int N = p->states, M = p->scan_in, K = p->scan_out, first = p->v8;
    lstm__plan *sub = lstm__subplan(k, p->body, 0);
    lstm__buf *bufs = lstm__node_bufs(k, M + 1 + N); /* slices, tables, states set aside */
    if (!sub || !bufs) return k->d->code;
    /* Per-run tables in buffer M: xs[M], st[N], ys[K], stash[N], then ax[M], oax[K]. */
    size_t tab = (size_t)(M + N + K) * sizeof(lstm__rt) + (size_t)N * sizeof(void *) +
                 (size_t)(M + K + 2) * sizeof(int);
    int rc = lstm__buf_grow(k, &bufs[M], tab, "the buffer of its tables");
    if (rc) return rc;
    lstm__rt *xs = bufs[M].p, *st = xs + M, *ys = st + N;
    const void **stash = (const void **)(ys + K);
    int *ax = (int *)(stash + N), *oax = ax + M + 1;
    memset(stash, 0, (size_t)N * sizeof *stash);
    memset(ys, 0, (size_t)K * sizeof *ys);
    for (int s = 0; s < K; s++) oax[s] = p->out_axis ? (int)p->out_axis[s] : 0;
    int64_t L = -1;
    for (int m = 0; m < M; m++) {
        const lstm__rt *x = k->in[first + N + m];
        if (!x || x->kind != LSTM__VAL_TENSOR || x->none || x->rank < 1 + p->v8)
            return lstm__errf(k->d, LSTM_EINVAL, "%s: scan input %d must be a tensor of rank >= %d",
                              lstm__klabel(k), m, 1 + p->v8);
        int a = p->v8 ? 1 : p->in_axis ? (int)p->in_axis[m] : 0;
        if (a < 0) a += x->rank;
        if (a < 0 || a >= x->rank)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: scan_input_axes[%d] is out of range for rank %d",
                              lstm__klabel(k), m, x->rank);
        ax[m] = p->v8 ? 0 : a; /* Scan 8: axis 0 of a batch row */
        if (L >= 0 && x->dims[a] != L)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: scan input %d has %lld steps, scan input 0 has %lld",
                              lstm__klabel(k), m, (long long)x->dims[a], (long long)L);
        L = x->dims[a];
    }
    for (int j = 0; j < N; j++)
        if ((rc = lstm__out_copy(k, j, k->in[first + j]))) return rc;
    if (!p->v8) {
        for (int j = 0; j < N; j++) st[j] = *k->out[j];
        for (int m = 0; m < M; m++) xs[m] = *k->in[N + m];
        scan_io io = {xs, ax, oax, st, ys, L, L, -1, 0, stash};
        if ((rc = scan_steps(k, sub, bufs, &io))) return rc;
        for (int s = 0; s < K && L == 0; s++)
            if ((rc = empty_scan_output(k, N + s, sub->g, N + s, oax[s]))) return rc;
        return LSTM_OK;
    }
    /* Scan 8: batch axis 0 everywhere, time axis 1 of the scan inputs; per row b, the states
    ** and scan inputs are row b, and sequence_lens[b] steps run (the rest of the outputs is 0). */
    const lstm__rt *lens = k->in[0];
    const int64_t B = k->in[1 + N]->dims[0];
    for (int j = 0; j < N + M; j++) {
        const lstm__rt *x = k->in[1 + j];
        if (!x || x->kind != LSTM__VAL_TENSOR || x->none || x->rank < 1 || x->dims[0] != B)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: input %d must be a tensor whose first dimension is the batch "
                              "size %lld",
                              lstm__klabel(k), 1 + j, (long long)B);
    }
    if (lens && (lens->nelem != (size_t)B || !lstm__is_int(lens->dtype)))
        return lstm__errf(k->d, LSTM_EINVAL, "%s: sequence_lens must hold %lld integers",
                          lstm__klabel(k), (long long)B);
    for (int64_t b = 0; b < B; b++) {
        int64_t n = lens ? lstm__get_i(lens, (size_t)b) : L;
        if (n < 0 || n > L)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: sequence_lens[%lld] is %lld, expected 0..%lld", lstm__klabel(k),
                              (long long)b, (long long)n, (long long)L);
        for (int j = 0; j < N; j++)
            if ((rc = slice(k, k->out[j], 0, b, &bufs[0], &st[j]))) return rc;
        for (int m = 0; m < M; m++)
            if ((rc = slice(k, k->in[1 + N + m], 0, b, &bufs[0], &xs[m]))) return rc;
        for (int s = 0; s < K; s++) {
            lstm__rt *y = k->out[N + s];
            memset(&ys[s], 0, sizeof ys[s]);
            if (y->dtype && (rc = slice(k, y, 0, b, &bufs[0], &ys[s]))) return rc;
        }
        scan_io io = {xs, ax, oax, st, ys, L, n, B, b, stash};
        if ((rc = scan_steps(k, sub, bufs, &io))) return rc;
    }
    for (int s = 0; s < K; s++)
        if (!k->out[N + s]->dtype && (rc = empty_scan8_output(k, s, sub->g, N + s, B, L)))
            return rc;
    return LSTM_OK;
}
