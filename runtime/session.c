/* session.c — lstm_session_*: binding the caller's inputs, running, reading outputs. */
#include "session.h"
#include "dtype.h"
#include "ops/registry.h"
#include "workers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every node of every graph must have an implementation: refused when the session opens.
** invalid_only: only nodes that break the ONNX spec (LSTM_EMODEL), reported before any node
** that is merely unsupported, so the model's invalidity is never hidden. */
static int check_supported(lstm_session *s, const lstm__graph *g, int invalid_only)
{
    for (int i = 0; i < g->n_nodes; i++) {
        const lstm__node *n = &g->nodes[i];
        int invalid = n->support_code == LSTM_EMODEL;
        if ((n->support || !n->op || !n->params) && (invalid || !invalid_only)) {
            char path[512], lb[300];
            lstm__node_label_opset(g, n, lb, sizeof lb);
            lstm__graph_path(g, path, sizeof path);
            const char *why = n->support ? n->support : "not supported";
            int code = invalid ? LSTM_EMODEL : LSTM_EUNSUPPORTED;
            /* Parse errors name the node already (some without the graph's path). */
            if (strncmp(why, path, strlen(path)) == 0 &&
                strncmp(why + strlen(path), lb, strlen(lb)) == 0)
                return lstm__errf(&s->diag, code, "%s", why);
            if (strncmp(why, lb, strlen(lb)) == 0)
                return lstm__errf(&s->diag, code, "%s%s", path, why);
            return lstm__errf(&s->diag, code, "%s%s: %s", path, lb, why);
        }
        lstm__graph *sg;
        for (int k = 0; (sg = lstm__node_subgraph(n, k, NULL)); k++) {
            int rc = check_supported(s, sg, invalid_only);
            if (rc) return rc;
        }
    }
    return LSTM_OK;
}

static int check_decls(lstm_session *s, const lstm__graph *g)
{
    static const char *const kinds[] = {"none",     "tensor",        "sequence", "map",
                                        "optional", "sparse tensor", "other"};
    for (int i = 0; i < g->n_inputs + g->n_outputs; i++) {
        const lstm__decl *dc = i < g->n_inputs ? &g->inputs[i] : &g->outputs[i - g->n_inputs];
        const char *what = i < g->n_inputs ? "input" : "output";
        int k = dc->type.kind;
        if (k == LSTM__VK_MAP || k == LSTM__VK_SPARSE || k == LSTM__VK_OTHER)
            return lstm__errf(&s->diag, LSTM_EUNSUPPORTED, "graph %s '%s' has unsupported type %s",
                              what, dc->name, kinds[k]);
        if (k == LSTM__VK_TENSOR && dc->type.dtype && !lstm__dtype_size(dc->type.dtype))
            return lstm__errf(&s->diag, LSTM_EUNSUPPORTED, "graph %s '%s' has unsupported type %s",
                              what, dc->name, lstm__dtype_name(dc->type.dtype));
    }
    return LSTM_OK;
}

void *lstm__session_alloc(lstm_session *s, size_t n)
{
    s->allocs++;
    return lstm__malloc(&s->alloc, n);
}

int lstm_session_open(const lstm_model *m, lstm_session **out)
{
    if (!out) return LSTM_EINVAL;
    *out = NULL;
    if (!lstm__model_graph(m)) return LSTM_EINVAL;
    lstm_session *s = lstm__calloc(&m->alloc, 1, sizeof *s);
    if (!s) return LSTM_ENOMEM;
    *out = s;
    s->m = m;
    s->alloc = m->alloc;
    lstm__diag_clear(&s->diag);
    lstm__pool_init(&s->pool, &s->alloc);
    const lstm__graph *g = m->g;
    size_t ni = (size_t)g->n_inputs + 1;
    s->in = lstm__pool_array(&s->pool, ni, sizeof *s->in);
    s->in_bound = lstm__pool_array(&s->pool, ni, 1);
    s->in_fresh = lstm__pool_array(&s->pool, ni, 1);
    s->carry = lstm__pool_array(&s->pool, ni, sizeof *s->carry);
    s->input_of = lstm__pool_array(&s->pool, (size_t)g->n_values + 1, sizeof(int));
    s->output_of = lstm__pool_array(&s->pool, (size_t)g->n_values + 1, sizeof(int));
    if (!s->input_of || !s->output_of)
        return lstm__errf(&s->diag, LSTM_ENOMEM, "out of memory opening a session");
    for (int v = 0; v < g->n_values; v++) s->input_of[v] = s->output_of[v] = -1;
    for (int i = 0; i < g->n_inputs; i++) s->input_of[g->input_values[i]] = i;
    for (int i = 0; i < g->n_outputs; i++) s->output_of[g->output_values[i]] = i;
    s->in_items = lstm__pool_array(&s->pool, ni, sizeof *s->in_items);
    s->in_seqs = lstm__pool_array(&s->pool, ni, sizeof *s->in_seqs);
    if (!s->in || !s->in_bound || !s->in_items || !s->in_seqs || !s->in_fresh || !s->carry)
        return lstm__errf(&s->diag, LSTM_ENOMEM, "out of memory opening a session");
    int rc = check_decls(s, g); /* a type it cannot hold first: nodes reading it may fail too */
    if (!rc) rc = check_supported(s, g, 1);
    if (!rc) rc = check_supported(s, g, 0);
    if (rc) return rc;
    s->root = lstm__plan_new(s, g, NULL, 1);
    if (!s->root) return lstm__errf(&s->diag, LSTM_ENOMEM, "out of memory opening a session");
    s->workers = lstm__workers_start(m->num_threads, &s->alloc);
    return LSTM_OK;
}

void lstm_session_close(lstm_session *s)
{
    if (!s) return;
    lstm__workers_stop(s->workers);
    for (lstm__plan *p = s->plans; p; p = p->next) lstm__plan_free(p);
    lstm__seq_bin_free(s);
    lstm__alloc a = s->alloc;
    if (s->in_items)
        for (int i = 0; i < s->m->g->n_inputs; i++) lstm__free(&a, s->in_items[i].p);
    lstm__free(&a, s->prof_sorted.p);
    lstm__free(&a, s->sym_scratch.p);
    for (int k = 0; k < s->n_carry; k++) {
        lstm__free(&a, s->carry[k].buf.p);
        lstm__free(&a, s->carry[k].spare.p);
    }
    lstm__pool_free(&s->pool);
    lstm__free(&a, s);
}

const char *lstm_session_errmsg(const lstm_session *s)
{
    return s ? s->diag.msg : "no session (out of memory or NULL handle)";
}

/* Graph input / output index of a name through the graph's name hash, or -1. */
static int find_input(const lstm_session *s, const char *name)
{
    int v = lstm__graph_find(s->m->g, name);
    return v >= 0 ? s->input_of[v] : -1;
}

static int find_output(const lstm_session *s, const char *name)
{
    int v = lstm__graph_find(s->m->g, name);
    return v >= 0 ? s->output_of[v] : -1;
}

/* A shape that breaks the declaration of the input `label` names ("input 'x'"). */
static int shape_error(lstm_session *s, const char *label, const lstm__type *t, int rank,
                       const int64_t *dims)
{
    char got[128], exp[128];
    size_t o = (size_t)snprintf(exp, sizeof exp, "[");
    for (int d = 0; d < t->rank && o < sizeof exp; d++)
        o += t->dim_names[d]
                 ? (size_t)snprintf(exp + o, sizeof exp - o, "%s%s", d ? "," : "", t->dim_names[d])
             : t->dims[d] >= 0 ? (size_t)snprintf(exp + o, sizeof exp - o, "%s%lld", d ? "," : "",
                                                  (long long)t->dims[d])
                               : (size_t)snprintf(exp + o, sizeof exp - o, "%s?", d ? "," : "");
    if (o < sizeof exp) snprintf(exp + o, sizeof exp - o, "]");
    return lstm__errf(&s->diag, LSTM_EINVAL, "%s has shape %s, the model expects %s", label,
                      lstm__dims_str(got, sizeof got, rank, dims), exp);
}

/* Whether a tensor of this rank and dims breaks the fixed dims of declaration t. */
static int breaks_shape(const lstm__type *t, int rank, const int64_t *dims)
{
    if (t->kind != LSTM__VK_TENSOR || t->rank < 0) return 0;
    int bad = t->rank != rank;
    for (int d = 0; !bad && d < rank; d++) bad = t->dims[d] >= 0 && t->dims[d] != dims[d];
    return bad;
}

/* A tensor given by the caller, checked: the rt it becomes in *t. Messages name input 'NAME'
** (and its item, item >= 0), built only when the check fails. */
static int check_tensor(lstm_session *s, const char *name, int item, int dtype, int rank,
                        const int64_t *dims, const void *data, size_t nbytes, lstm__rt *t)
{
    char what[300];
    int64_t n = rank < 0 || rank > LSTM__MAX_RANK || (rank > 0 && !dims)
                    ? -2
                    : lstm__dims_count(rank, dims);
    size_t es = lstm__dtype_size(dtype), want = 0;
    int ok = n >= 0 && es && lstm__mul_size((size_t)n, es, &want);
    if (!ok || nbytes != want || (!data && want)) {
        if (item < 0)
            snprintf(what, sizeof what, "input '%s'", name);
        else
            snprintf(what, sizeof what, "input '%s' item %d", name, item);
        if (n == -2)
            return lstm__errf(&s->diag, LSTM_EINVAL, "%s: rank %d (dims %s)", what, rank,
                              dims ? "given" : "NULL");
        if (!es) return lstm__errf(&s->diag, LSTM_EINVAL, "%s: invalid dtype %d", what, dtype);
        for (int d = 0; !ok && d < rank; d++)
            if (dims[d] < 0)
                return lstm__errf(&s->diag, LSTM_EINVAL, "%s: dimension %d is %lld", what, d,
                                  (long long)dims[d]);
        char shape[128];
        if (!ok)
            return lstm__errf(&s->diag, LSTM_EINVAL, "%s: %s shape %s is too large", what,
                              lstm__dtype_name(dtype),
                              lstm__dims_str(shape, sizeof shape, rank, dims));
        if (nbytes != want)
            return lstm__errf(&s->diag, LSTM_EINVAL, "%s: %zu bytes given, %s shape needs %zu",
                              what, nbytes, lstm__dtype_name(dtype), want);
        return lstm__errf(&s->diag, LSTM_EINVAL, "%s: data is NULL", what);
    }
    if (!lstm__dims_addressable(rank, dims, es)) {
        char got[128];
        return lstm__errf(&s->diag, LSTM_ELIMIT,
                          "input '%s': shape %s is too big to address (its nonzero dimensions "
                          "times %zu bytes exceed 2^63)",
                          name, lstm__dims_str(got, sizeof got, rank, dims), es);
    }
    memset(t, 0, sizeof *t);
    t->dtype = dtype;
    t->rank = rank;
    for (int d = 0; d < rank; d++) t->dims[d] = dims[d];
    t->nelem = (size_t)n;
    t->nbytes = nbytes;
    t->data = (void *)data;
    return LSTM_OK;
}

static int input_index(lstm_session *s, const char *name)
{
    if (!s) return -1;
    lstm__diag_clear(&s->diag);
    if (!name) return lstm__errf(&s->diag, LSTM_EINVAL, "input name is NULL"), -1;
    int i = find_input(s, name);
    if (i < 0) lstm__errf(&s->diag, LSTM_EINVAL, "the model has no input named '%s'", name);
    return i;
}

static void bind(lstm_session *s, int i, const lstm__rt *t)
{
    const lstm__rt *o = &s->in[i];
    int same = s->in_bound[i] && o->kind == t->kind && o->rank == t->rank;
    for (int d = 0; same && d < t->rank; d++) same = o->dims[d] == t->dims[d];
    if (!same) s->shapes_checked = 0;
    s->in[i] = *t;
    s->in_bound[i] = 1;
    s->in_fresh[i] = 1;
    s->ran = 0;
}

int lstm_session_set_input(lstm_session *s, const char *name, int dtype, int rank,
                           const int64_t *dims, const void *data, size_t nbytes)
{
    int i = input_index(s, name);
    if (i < 0) return s ? s->diag.code : LSTM_EINVAL;
    lstm__rt t;
    int rc = check_tensor(s, name, -1, dtype, rank, dims, data, nbytes, &t);
    if (rc) return rc;
    const lstm__type *ty = &s->m->g->inputs[i].type;
    if (ty->kind == LSTM__VK_SEQUENCE)
        return lstm__errf(&s->diag, LSTM_EINVAL,
                          "input '%s' is a sequence of tensors "
                          "(lstm_session_set_input_sequence)",
                          name);
    if (ty->kind == LSTM__VK_TENSOR && ty->dtype && ty->dtype != dtype)
        return lstm__errf(&s->diag, LSTM_EINVAL, "input '%s' is %s, the model expects %s", name,
                          lstm__dtype_name(dtype), lstm__dtype_name(ty->dtype));
    if (breaks_shape(ty, rank, dims)) {
        char label[300];
        snprintf(label, sizeof label, "input '%s'", name);
        return shape_error(s, label, ty, rank, dims);
    }
    bind(s, i, &t);
    return LSTM_OK;
}

int lstm_session_set_input_sequence(lstm_session *s, const char *name, int count,
                                    const lstm_view *items)
{
    int i = input_index(s, name);
    if (i < 0) return s ? s->diag.code : LSTM_EINVAL;
    const lstm__type *ty = &s->m->g->inputs[i].type;
    if (ty->kind == LSTM__VK_TENSOR)
        return lstm__errf(&s->diag, LSTM_EINVAL, "input '%s' is a tensor, not a sequence", name);
    if (count < 0 || (count > 0 && !items))
        return lstm__errf(&s->diag, LSTM_EINVAL, "input '%s': %d items at %p", name, count,
                          (const void *)items);
    lstm__buf *b = &s->in_items[i];
    size_t need = (size_t)count * sizeof(lstm__rt);
    if (b->cap < need) {
        void *q = lstm__session_alloc(s, need);
        if (!q) return lstm__errf(&s->diag, LSTM_ENOMEM, "out of memory binding '%s'", name);
        lstm__free(&s->alloc, b->p);
        b->p = q;
        b->cap = need;
    }
    lstm__rt *it = b->p;
    int dtype = 0;
    for (int j = 0; j < count; j++) {
        int rc = check_tensor(s, name, j, items[j].dtype, items[j].rank, items[j].dims,
                              items[j].data, items[j].nbytes, &it[j]);
        if (rc) return rc;
        if (j && items[j].dtype != dtype)
            return lstm__errf(&s->diag, LSTM_EINVAL, "input '%s' item %d is %s, item 0 is %s", name,
                              j, lstm__dtype_name(items[j].dtype), lstm__dtype_name(dtype));
        dtype = items[j].dtype;
    }
    lstm__seq *q = &s->in_seqs[i];
    q->n = q->cap = count;
    q->items = it;
    q->item_cap = NULL;
    lstm__rt t = {.kind = LSTM__VAL_SEQUENCE, .dtype = dtype, .seq = q};
    bind(s, i, &t);
    return LSTM_OK;
}

int lstm_session_set_input_none(lstm_session *s, const char *name)
{
    int i = input_index(s, name);
    if (i < 0) return s ? s->diag.code : LSTM_EINVAL;
    if (s->m->g->inputs[i].type.kind != LSTM__VK_OPTIONAL)
        return lstm__errf(&s->diag, LSTM_EINVAL, "input '%s' is not optional", name);
    lstm__rt t = {.none = 1};
    bind(s, i, &t);
    return LSTM_OK;
}

typedef struct sym_use {
    const char *name;
    int64_t value;
    int input;
} sym_use;

static int by_name(const void *a, const void *b)
{
    return strcmp(((const sym_use *)a)->name, ((const sym_use *)b)->name);
}

/* The output carried into input i this run, or -1 (the caller's binding or nothing). */
static int carried_from(lstm_session *s, int i)
{
    const lstm__rt *v = lstm__carried_input(s, i);
    for (int k = 0; v && k < s->n_carry; k++)
        if (s->carry[k].in == i && v == &s->carry[k].value) return s->carry[k].out;
    return -1;
}

/* "input 'x'", or "input 'h0' (carried from output 'hn')" */
static const char *input_label(lstm_session *s, int i, char *buf, size_t n)
{
    const lstm__graph *g = s->m->g;
    int o = carried_from(s, i);
    if (o < 0)
        snprintf(buf, n, "input '%s'", g->inputs[i].name);
    else
        snprintf(buf, n, "input '%s' (carried from output '%s')", g->inputs[i].name,
                 g->outputs[o].name);
    return buf;
}

/* Whether this run takes a value carried from the last one (its shape may have changed). */
static int carries_now(lstm_session *s)
{
    for (int k = 0; k < s->n_carry; k++)
        if (s->carry[k].have && !s->in_fresh[s->carry[k].in]) return 1;
    return 0;
}

/* Symbolic dims: one value per name across the inputs as this run gets them (bound by the
** caller or carried from an output; sorted, O(n log n)); checked when a binding changed its
** shape, at every run that carries values and at the first run after one. */
static int check_symbols(lstm_session *s)
{
    const lstm__graph *g = s->m->g;
    size_t n = 0;
    for (int i = 0; i < g->n_inputs; i++)
        if (lstm__carried_input(s, i) && g->inputs[i].type.rank > 0)
            n += (size_t)g->inputs[i].type.rank;
    if (lstm__buf_table(s, &s->sym_scratch, n * sizeof(sym_use))) return s->diag.code;
    sym_use *u = s->sym_scratch.p;
    n = 0;
    for (int i = 0; i < g->n_inputs; i++) {
        const lstm__type *t = &g->inputs[i].type;
        const lstm__rt *v = lstm__carried_input(s, i);
        if (v && carried_from(s, i) >= 0) { /* the caller's bindings were checked when bound */
            char label[600];
            if (t->kind == LSTM__VK_TENSOR && t->dtype && v->dtype != t->dtype)
                return lstm__errf(&s->diag, LSTM_EINVAL, "%s is %s, the model expects %s",
                                  input_label(s, i, label, sizeof label),
                                  lstm__dtype_name(v->dtype), lstm__dtype_name(t->dtype));
            if (breaks_shape(t, v->rank, v->dims))
                return shape_error(s, input_label(s, i, label, sizeof label), t, v->rank, v->dims);
        }
        if (!v || t->rank < 0 || v->kind != LSTM__VAL_TENSOR) continue;
        for (int d = 0; d < t->rank && d < v->rank; d++)
            if (t->dim_names[d]) u[n++] = (sym_use){t->dim_names[d], v->dims[d], i};
    }
    if (n > 1) qsort(u, n, sizeof *u, by_name);
    for (size_t k = 1; k < n; k++)
        if (strcmp(u[k].name, u[k - 1].name) == 0 && u[k].value != u[k - 1].value) {
            const sym_use *a = u[k - 1].input < u[k].input ? &u[k] : &u[k - 1],
                          *b = a == &u[k] ? &u[k - 1] : &u[k];
            char la[600], lb[600];
            return lstm__errf(&s->diag, LSTM_EINVAL, "dimension '%s' is %lld in %s but %lld in %s",
                              a->name, (long long)a->value, input_label(s, a->input, la, sizeof la),
                              (long long)b->value, input_label(s, b->input, lb, sizeof lb));
        }
    s->shapes_checked = !carries_now(s); /* carried shapes change without a binding */
    return LSTM_OK;
}

int lstm_session_run(lstm_session *s)
{
    if (!s) return LSTM_EINVAL;
    lstm__diag_clear(&s->diag);
    s->ran = 0;
    const lstm__graph *g = s->m->g;
    int rc = s->shapes_checked && !carries_now(s) ? LSTM_OK : check_symbols(s);
    if (rc) return rc;
    for (int i = 0; i < g->n_inputs; i++) {
        const lstm__rt *v = lstm__carried_input(s, i);
        if (v) {
            lstm__plan_bind(s->root, i, v);
            continue;
        }
        memset(&s->root->bind[i], 0, sizeof s->root->bind[i]);
        if (!(g->values[g->input_values[i]].flags & LSTM__V_INIT))
            return lstm__errf(&s->diag, LSTM_EINVAL, "input '%s' is not bound", g->inputs[i].name);
    }
    if ((rc = lstm__plan_exec(s->root)) || (rc = lstm__carry_keep(s))) {
        lstm__plans_commit(s, 0);
        if (rc == LSTM_ELIMIT) lstm__plans_release(s); /* a smaller run can then still fit */
        return rc;
    }
    lstm__plans_commit(s, 1);
    memset(s->in_fresh, 0, (size_t)g->n_inputs);
    s->prof_runs += s->profiling;
    s->ran = 1;
    return LSTM_OK;
}

static const lstm__rt *output_value(lstm_session *s, const char *name)
{
    if (!s) return NULL;
    lstm__diag_clear(&s->diag);
    if (!name) return lstm__errf(&s->diag, LSTM_EINVAL, "output name is NULL"), NULL;
    int o = find_output(s, name);
    if (o < 0)
        return lstm__errf(&s->diag, LSTM_EINVAL, "the model has no output named '%s'", name), NULL;
    if (!s->ran)
        return lstm__errf(&s->diag, LSTM_EMISUSE, "output '%s' read before a successful run", name),
               NULL;
    const lstm__rt *t = lstm__plan_output(s->root, o);
    if (t->kind == LSTM__VAL_TENSOR && !t->none && !t->data && t->nbytes)
        return lstm__errf(&s->diag, LSTM_EMISUSE, "output '%s' is not computed", name), NULL;
    return t;
}

static void view_of(const lstm__rt *t, lstm_view *out)
{
    memset(out, 0, sizeof *out);
    out->dtype = t->dtype;
    out->rank = t->rank;
    memcpy(out->dims, t->dims, sizeof t->dims);
    out->data = t->data;
    out->nbytes = t->nbytes;
}

int lstm_session_output_kind(lstm_session *s, const char *name)
{
    const lstm__rt *t = output_value(s, name);
    if (!t) return -1;
    return t->none                         ? LSTM_VALUE_NONE
           : t->kind == LSTM__VAL_SEQUENCE ? LSTM_VALUE_SEQUENCE
                                           : LSTM_VALUE_TENSOR;
}

int lstm_session_output(lstm_session *s, const char *name, lstm_view *out)
{
    if (!s) return LSTM_EINVAL;
    if (!out)
        return lstm__errf(&s->diag, LSTM_EINVAL, "output '%s': out is NULL", name ? name : "");
    const lstm__rt *t = output_value(s, name);
    if (!t) return s->diag.code;
    if (t->none || t->kind != LSTM__VAL_TENSOR)
        return lstm__errf(&s->diag, LSTM_EINVAL, "output '%s' is %s, not a tensor", name,
                          t->none ? "an optional without value" : "a sequence");
    view_of(t, out);
    return LSTM_OK;
}

int lstm_session_output_sequence(lstm_session *s, const char *name, int *count)
{
    if (!s) return LSTM_EINVAL;
    if (!count)
        return lstm__errf(&s->diag, LSTM_EINVAL, "output '%s': count is NULL", name ? name : "");
    const lstm__rt *t = output_value(s, name);
    if (!t) return s->diag.code;
    if (t->none || t->kind != LSTM__VAL_SEQUENCE)
        return lstm__errf(&s->diag, LSTM_EINVAL, "output '%s' is %s, not a sequence", name,
                          t->none ? "an optional without value" : "a tensor");
    *count = t->seq ? t->seq->n : 0;
    return LSTM_OK;
}

int lstm_session_output_item(lstm_session *s, const char *name, int i, lstm_view *out)
{
    int n = 0;
    if (!s) return LSTM_EINVAL;
    if (!out)
        return lstm__errf(&s->diag, LSTM_EINVAL, "output '%s': out is NULL", name ? name : "");
    int rc = lstm_session_output_sequence(s, name, &n);
    if (rc) return rc;
    if (i < 0 || i >= n)
        return lstm__errf(&s->diag, LSTM_EINVAL, "output '%s' has %d items, item %d asked", name, n,
                          i);
    view_of(&output_value(s, name)->seq->items[i], out);
    return LSTM_OK;
}

int lstm_session_output_copy(lstm_session *s, const char *name, void *dst, size_t cap)
{
    lstm_view v;
    int rc = lstm_session_output(s, name, &v);
    if (rc) return rc;
    if (!dst && v.nbytes) return lstm__errf(&s->diag, LSTM_EINVAL, "destination is NULL");
    if (cap < v.nbytes)
        return lstm__errf(&s->diag, LSTM_EINVAL, "output '%s' needs %zu bytes, the buffer has %zu",
                          name, v.nbytes, cap);
    if (v.nbytes) memcpy(dst, v.data, v.nbytes);
    return LSTM_OK;
}

/* The next run plans again; the last run's outputs stay readable until then. */
static void replan_all(lstm_session *s)
{
    for (lstm__plan *p = s->plans; p; p = p->next) p->planned = 0;
}

int lstm_session_set_streaming(lstm_session *s, int on)
{
    if (!s) return LSTM_EINVAL;
    lstm__diag_clear(&s->diag);
    if (s->streaming != !!on) {
        s->streaming = !!on;
        replan_all(s); /* which nodes carry state is decided while planning */
    }
    return lstm_session_reset_state(s);
}

int lstm_session_reset_state(lstm_session *s)
{
    if (!s) return LSTM_EINVAL;
    lstm__carry_reset(s);
    for (lstm__plan *p = s->plans; p; p = p->next)
        for (int i = 0; i < p->g->n_nodes; i++)
            if (p->carry[i]) p->carry[i]->valid = p->carry[i]->staged = 0;
    return LSTM_OK;
}

int lstm_session_set_trace(lstm_session *s, lstm_trace_fn fn, void *ud)
{
    if (!s) return LSTM_EINVAL;
    if (!s->trace != !fn) replan_all(s); /* trace buffers are planned scratch */
    s->trace = fn;
    s->trace_ud = ud;
    return LSTM_OK;
}
