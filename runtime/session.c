/* session.c — lstm_session_*: binding, planning and running. */
#include "session.h"
#include "arena.h"
#include "workers.h"
#include "dtype.h"
#include "ops/registry.h"

#include <stdio.h>
#include <string.h>

static void label(const lstm_session *s, const lstm__node *n, lstm__kctx *k)
{
    k->g = s->g;
    k->n = n;
    lstm__kctx_label(k);
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
    s->g = m->g;
    s->alloc = m->alloc;
    lstm__diag_clear(&s->diag);
    lstm__pool_init(&s->pool, &s->alloc);
    lstm__pool_init(&s->plan_pool, &s->alloc);
    const lstm__graph *g = s->g;
    size_t nv = (size_t)g->n_values + 1, nn = (size_t)g->n_nodes + 1;
    s->params = lstm__pool_array(&s->pool, nn, sizeof *s->params);
    s->vals = lstm__pool_array(&s->pool, nv, sizeof *s->vals);
    s->vclass = lstm__pool_array(&s->pool, nv, 1);
    s->bind = lstm__pool_array(&s->pool, (size_t)g->n_inputs + 1, sizeof *s->bind);
    s->node_dyn = lstm__pool_array(&s->pool, nn, 1);
    s->scratch = lstm__pool_array(&s->pool, nn, sizeof(void *));
    s->scratch_size = lstm__pool_array(&s->pool, nn, sizeof(size_t));
    s->value_deps = lstm__pool_array(&s->pool, (size_t)g->n_inputs + 1, 1);
    s->state = lstm__pool_array(&s->pool, nn, sizeof *s->state);
    s->dep_copy = lstm__pool_array(&s->pool, (size_t)g->n_inputs + 1, sizeof(void *));
    s->kin_off = lstm__pool_array(&s->pool, nn, sizeof(int));
    s->kout_off = lstm__pool_array(&s->pool, nn, sizeof(int));
    size_t nin = 0, nout = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        nin += (size_t)g->nodes[i].n_in;
        nout += (size_t)g->nodes[i].n_out;
    }
    s->prof_ns = lstm__pool_array(&s->pool, nn, sizeof *s->prof_ns);
    s->prof_sorted = lstm__pool_array(&s->pool, nn, sizeof *s->prof_sorted);
    s->kin = lstm__pool_array(&s->pool, nin + 1, sizeof *s->kin);
    s->kout = lstm__pool_array(&s->pool, nout + 1, sizeof *s->kout);
    if (!s->params || !s->vals || !s->vclass || !s->bind || !s->node_dyn || !s->value_deps ||
        !s->scratch || !s->scratch_size || !s->state || !s->prof_ns || !s->prof_sorted ||
        !s->dep_copy || !s->kin_off || !s->kout_off || !s->kin || !s->kout)
        return lstm__errf(&s->diag, LSTM_ENOMEM, "out of memory opening a session");
    static const char *const kinds[] = {"none",     "tensor",        "sequence", "map",
                                        "optional", "sparse tensor", "other"};
    for (int i = 0; i < g->n_inputs + g->n_outputs; i++) {
        const lstm__decl *dc = i < g->n_inputs ? &g->inputs[i] : &g->outputs[i - g->n_inputs];
        const char *what = i < g->n_inputs ? "input" : "output";
        if (dc->type.kind != LSTM__VK_TENSOR && dc->type.kind != LSTM__VK_NONE)
            return lstm__errf(&s->diag, LSTM_EUNSUPPORTED, "graph %s '%s' has unsupported type %s",
                              what, dc->name, kinds[dc->type.kind]);
        if (dc->type.kind == LSTM__VK_TENSOR && dc->type.dtype && !lstm__dtype_size(dc->type.dtype))
            return lstm__errf(&s->diag, LSTM_EUNSUPPORTED, "graph %s '%s' has unsupported type %s",
                              what, dc->name, lstm__dtype_name(dc->type.dtype));
    }
    s->workers = lstm__workers_start(m->num_threads, &s->alloc);
    nin = nout = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        const lstm__node *n = &g->nodes[i];
        s->kin_off[i] = (int)nin;
        s->kout_off[i] = (int)nout;
        nin += (size_t)n->n_in;
        nout += (size_t)n->n_out;
        lstm__kctx k;
        label(s, n, &k);
        if (!n->op)
            return lstm__errf(&s->diag, LSTM_EUNSUPPORTED, "%s: %s", k.label,
                              n->support ? n->support : "not supported");
        s->params[i] = lstm__pool_alloc(&s->pool, n->op->params_size);
        if (!s->params[i])
            return lstm__errf(&s->diag, LSTM_ENOMEM, "out of memory for %s", k.label);
        int rc = n->op->parse(g, n, n->op->since, s->params[i], &s->diag);
        if (rc) return rc;
    }
    return LSTM_OK;
}

void lstm_session_close(lstm_session *s)
{
    if (!s) return;
    lstm__workers_stop(s->workers);
    lstm__alloc a = s->alloc;
    lstm__free(&a, s->arena);
    lstm__pool_free(&s->plan_pool);
    lstm__pool_free(&s->pool);
    lstm__free(&a, s);
}

const char *lstm_session_errmsg(const lstm_session *s)
{
    return s ? s->diag.msg : "no session (out of memory or NULL handle)";
}

static int find_input(const lstm__graph *g, const char *name)
{
    for (int i = 0; i < g->n_inputs; i++)
        if (strcmp(g->inputs[i].name, name) == 0) return i;
    return -1;
}

int lstm_session_set_input(lstm_session *s, const char *name, int dtype, int rank,
                           const int64_t *dims, const void *data, size_t nbytes)
{
    if (!s) return LSTM_EINVAL;
    lstm__diag_clear(&s->diag);
    if (!name) return lstm__errf(&s->diag, LSTM_EINVAL, "input name is NULL");
    int i = find_input(s->g, name);
    if (i < 0) return lstm__errf(&s->diag, LSTM_EINVAL, "the model has no input named '%s'", name);
    if (rank < 0 || rank > LSTM__MAX_RANK || (rank > 0 && !dims))
        return lstm__errf(&s->diag, LSTM_EINVAL, "input '%s': rank %d (dims %s)", name, rank,
                          dims ? "given" : "NULL");
    int64_t n = lstm__dims_count(rank, dims);
    size_t es = lstm__dtype_size(dtype), want;
    if (n < 0 || !es || !lstm__mul_size((size_t)n, es, &want))
        return lstm__errf(&s->diag, LSTM_EINVAL, "input '%s': invalid dtype %d or dims", name,
                          dtype);
    if (nbytes != want)
        return lstm__errf(&s->diag, LSTM_EINVAL, "input '%s': %zu bytes given, %s shape needs %zu",
                          name, nbytes, lstm__dtype_name(dtype), want);
    if (!data && want) return lstm__errf(&s->diag, LSTM_EINVAL, "input '%s': data is NULL", name);
    const lstm__type *t = &s->g->inputs[i].type;
    if (t->kind == LSTM__VK_TENSOR && t->dtype && t->dtype != dtype)
        return lstm__errf(&s->diag, LSTM_EINVAL, "input '%s' is %s, the model expects %s", name,
                          lstm__dtype_name(dtype), lstm__dtype_name(t->dtype));
    if (t->kind == LSTM__VK_TENSOR && t->rank >= 0) {
        char got[128], exp[128];
        int bad = t->rank != rank;
        for (int d = 0; !bad && d < rank; d++) bad = t->dims[d] >= 0 && t->dims[d] != dims[d];
        if (bad) {
            size_t o = (size_t)snprintf(exp, sizeof exp, "[");
            for (int d = 0; d < t->rank && o < sizeof exp; d++)
                o += t->dim_names[d] ? (size_t)snprintf(exp + o, sizeof exp - o, "%s%s",
                                                        d ? "," : "", t->dim_names[d])
                     : t->dims[d] >= 0
                         ? (size_t)snprintf(exp + o, sizeof exp - o, "%s%lld", d ? "," : "",
                                            (long long)t->dims[d])
                         : (size_t)snprintf(exp + o, sizeof exp - o, "%s?", d ? "," : "");
            if (o < sizeof exp) snprintf(exp + o, sizeof exp - o, "]");
            return lstm__errf(&s->diag, LSTM_EINVAL,
                              "input '%s' has shape %s, the model expects %s", name,
                              lstm__dims_str(got, sizeof got, rank, dims), exp);
        }
    }
    lstm__binding *b = &s->bind[i];
    int same = b->bound && b->dtype == dtype && b->rank == rank;
    for (int d = 0; same && d < rank; d++) same = b->dims[d] == dims[d];
    if (!same) s->planned = 0;
    s->ran = 0;
    b->bound = 1;
    b->dtype = dtype;
    b->rank = rank;
    for (int d = 0; d < rank; d++) b->dims[d] = dims[d];
    b->data = data;
    b->nbytes = nbytes;
    return LSTM_OK;
}

/* Symbolic dims: one value per name across the bound inputs. */
static int check_symbols(lstm_session *s)
{
    const lstm__graph *g = s->g;
    for (int i = 0; i < g->n_inputs; i++) {
        const lstm__type *t = &g->inputs[i].type;
        if (!s->bind[i].bound || t->rank < 0) continue;
        for (int d = 0; d < t->rank; d++) {
            if (!t->dim_names[d]) continue;
            for (int j = 0; j <= i; j++) {
                const lstm__type *u = &g->inputs[j].type;
                if (!s->bind[j].bound || u->rank < 0) continue;
                for (int e = 0; e < u->rank; e++)
                    if (u->dim_names[e] && strcmp(u->dim_names[e], t->dim_names[d]) == 0 &&
                        s->bind[j].dims[e] != s->bind[i].dims[d])
                        return lstm__errf(&s->diag, LSTM_EINVAL,
                                          "dimension '%s' is %lld in input '%s' but %lld in "
                                          "input '%s'",
                                          t->dim_names[d], (long long)s->bind[i].dims[d],
                                          g->inputs[i].name, (long long)s->bind[j].dims[e],
                                          g->inputs[j].name);
            }
        }
    }
    return LSTM_OK;
}

static void node_args(lstm_session *s, int i, lstm__kctx *k)
{
    const lstm__node *n = &s->g->nodes[i];
    label(s, n, k);
    k->since = n->op->since;
    k->in = s->kin + s->kin_off[i];
    k->out = s->kout + s->kout_off[i];
    for (int j = 0; j < n->n_in; j++) k->in[j] = n->in[j] >= 0 ? &s->vals[n->in[j]] : NULL;
    for (int j = 0; j < n->n_out; j++) k->out[j] = n->out[j] >= 0 ? &s->vals[n->out[j]] : NULL;
    k->params = s->params[i];
    k->d = &s->diag;
    k->value_deps = s->value_deps;
    k->state = NULL;
    k->trace = s->trace;
    k->workers = s->workers;
    k->trace_ud = s->trace_ud;
    k->max_tensor_bytes = s->m->limits.max_tensor_bytes;
    k->abort = s->m->abort;
    k->abort_ud = s->m->abort_ud;
    /* Streaming: recurrent nodes whose initial states the caller does not feed. */
    if (s->streaming && (n->op->flags & LSTM__OPF_RECURRENT)) {
        int fed = 0;
        for (int j = 5; j <= 6 && j < n->n_in; j++)
            fed |= n->in[j] >= 0 && s->vclass[n->in[j]] == LSTM__VC_DYN;
        if (!fed) k->state = s->state[i];
    }
}

/* Lay the dynamic values and every node's scratch out in one arena from their lifetimes:
** a value lives from its producer to its last reader (graph outputs to the end), scratch
** only during its node. Graph outputs therefore never share memory. */
static int place(lstm_session *s)
{
    const lstm__graph *g = s->g;
    int nb = 0, end = g->n_nodes;
    lstm__block *b =
        lstm__pool_array(&s->plan_pool, (size_t)g->n_values + (size_t)g->n_nodes + 1, sizeof *b);
    int *last = lstm__pool_array(&s->plan_pool, (size_t)g->n_values + 1, sizeof(int));
    int *slot =
        lstm__pool_array(&s->plan_pool, (size_t)g->n_values + (size_t)g->n_nodes + 1, sizeof(int));
    if (!b || !last || !slot) return lstm__errf(&s->diag, LSTM_ENOMEM, "out of memory planning");
    for (int v = 0; v < g->n_values; v++)
        last[v] = g->values[v].flags & LSTM__V_OUTPUT ? end : g->values[v].producer;
    for (int i = 0; i < g->n_nodes; i++)
        for (int j = 0; j < g->nodes[i].n_in; j++)
            if (g->nodes[i].in[j] >= 0 && last[g->nodes[i].in[j]] < i &&
                last[g->nodes[i].in[j]] != end)
                last[g->nodes[i].in[j]] = i;
    for (int i = 0; i < g->n_nodes; i++) {
        if (!s->node_dyn[i]) continue;
        const lstm__node *n = &g->nodes[i];
        for (int j = 0; j < n->n_out; j++) {
            if (n->out[j] < 0) continue;
            b[nb] = (lstm__block){s->vals[n->out[j]].nbytes, i, last[n->out[j]], 0};
            slot[nb++] = n->out[j];
        }
        b[nb] = (lstm__block){s->scratch_size[i], i, i, 0};
        slot[nb++] = -1 - i;
    }
    /* The planner's scratch lives only while it runs. */
    void *scratch = lstm__malloc(&s->alloc, LSTM__ARENA_SCRATCH(nb));
    if (!scratch) return lstm__errf(&s->diag, LSTM_ENOMEM, "out of memory planning");
    size_t total;
    int rc = lstm__arena_plan(b, nb, scratch, NULL, NULL, &total);
    lstm__free(&s->alloc, scratch);
    if (rc == LSTM_EABORTED) return lstm__errf(&s->diag, rc, "aborted while planning memory");
    if (rc || total > s->m->limits.max_run_bytes) /* total is SIZE_MAX on overflow */
        return lstm__errf(&s->diag, LSTM_ELIMIT,
                          "the memory plan needs %zu bytes, the limit is "
                          "%llu",
                          total, (unsigned long long)s->m->limits.max_run_bytes);
    s->arena = total ? lstm__malloc(&s->alloc, total + 64) : NULL;
    if (total && !s->arena)
        return lstm__errf(&s->diag, LSTM_ENOMEM, "out of memory: the plan needs %zu bytes", total);
    s->arena_size = total;
    uintptr_t base = ((uintptr_t)s->arena + 63) & ~(uintptr_t)63;
    for (int k = 0; k < nb; k++) {
        void *p = (void *)(base + b[k].offset);
        if (slot[k] >= 0)
            s->vals[slot[k]].data = p;
        else
            s->scratch[-1 - slot[k]] = p;
    }
    return LSTM_OK;
}

static int plan(lstm_session *s)
{
    const lstm__graph *g = s->g;
    lstm__free(&s->alloc, s->arena);
    s->arena = NULL;
    lstm__pool_free(&s->plan_pool);
    lstm__pool_init(&s->plan_pool, &s->alloc);
    s->planned = 0;
    memset(s->vals, 0, sizeof *s->vals * (size_t)g->n_values);
    memset(s->vclass, 0, (size_t)g->n_values);
    memset(s->value_deps, 0, (size_t)g->n_inputs);
    int rc = check_symbols(s);
    if (rc) return rc;
    for (int v = 0; v < g->n_values; v++) {
        const lstm__value *val = &g->values[v];
        if (!val->init) continue;
        lstm__rt *t = &s->vals[v];
        t->dtype = val->init->dtype;
        t->rank = val->init->rank;
        memcpy(t->dims, val->init->dims, sizeof t->dims);
        t->nelem = val->init->nelem;
        t->nbytes = val->init->nbytes;
        t->data = val->init->data;
        t->known = 1;
        s->vclass[v] = LSTM__VC_CONST;
    }
    for (int i = 0; i < g->n_inputs; i++) {
        int v = g->input_values[i];
        const lstm__binding *b = &s->bind[i];
        if (!b->bound) {
            if (s->vclass[v] == LSTM__VC_CONST) continue; /* the initializer is the default */
            return lstm__errf(&s->diag, LSTM_EINVAL, "input '%s' is not bound", g->inputs[i].name);
        }
        lstm__rt *t = &s->vals[v];
        t->dtype = b->dtype;
        t->rank = b->rank;
        memcpy(t->dims, b->dims, sizeof t->dims);
        t->nelem = (size_t)lstm__dims_count(b->rank, b->dims);
        t->nbytes = b->nbytes;
        t->data = (void *)b->data; /* readable while planning, see lstm__need_value */
        t->known = 0;
        t->input = i + 1;
        s->vclass[v] = LSTM__VC_DYN;
    }
    /* infer every node; evaluate those whose outputs are known before the run */
    for (int i = 0; i < g->n_nodes; i++) {
        const lstm__node *n = &g->nodes[i];
        s->node_dyn[i] = 0;
        s->scratch_size[i] = 0;
        if (n->folded) continue; /* its outputs are constants, set up above */
        if (s->streaming && (n->op->flags & LSTM__OPF_RECURRENT) && !s->state[i]) {
            s->state[i] = lstm__pool_alloc(&s->pool, sizeof *s->state[i]);
            if (!s->state[i]) return lstm__errf(&s->diag, LSTM_ENOMEM, "out of memory planning");
        }
        lstm__kctx k;
        node_args(s, i, &k);
        for (int j = 0; j < n->n_out; j++)
            if (k.out[j]) memset(k.out[j], 0, sizeof *k.out[j]);
        k.scratch_size = 0;
        if ((rc = n->op->infer(&k))) return rc;
        if (k.state && k.state->cap < k.state->need) {
            /* Grows only when the batch or hidden size grows; session lifetime. */
            k.state->h = lstm__pool_array(&s->pool, k.state->need, sizeof(float));
            k.state->c = lstm__pool_array(&s->pool, k.state->need, sizeof(float));
            if (!k.state->h || !k.state->c)
                return lstm__errf(&s->diag, LSTM_ENOMEM, "out of memory for the streamed state");
            k.state->cap = k.state->need;
            k.state->valid = 0;
        }
        s->scratch_size[i] = k.scratch_size;
        int known = 1;
        if (!(n->op->flags & LSTM__OPF_SHAPE_ONLY))
            for (int j = 0; j < n->n_in; j++) known = known && (!k.in[j] || k.in[j]->known);
        s->node_dyn[i] = !known;
        if (!known) {
            for (int j = 0; j < n->n_out; j++)
                if (k.out[j]) s->vclass[n->out[j]] = LSTM__VC_DYN;
            continue;
        }
        uint64_t need = k.scratch_size;
        for (int j = 0; j < n->n_out; j++) need += k.out[j] ? k.out[j]->nbytes : 0;
        if (s->plan_pool.used_total + need > s->m->limits.max_run_bytes)
            return lstm__errf(&s->diag, LSTM_ELIMIT,
                              "%s: planning needs more than the limit of "
                              "%llu bytes",
                              k.label, (unsigned long long)s->m->limits.max_run_bytes);
        for (int j = 0; j < n->n_out; j++) {
            if (!k.out[j]) continue;
            k.out[j]->data = lstm__pool_alloc(&s->plan_pool, k.out[j]->nbytes);
            if (!k.out[j]->data)
                return lstm__errf(&s->diag, LSTM_ENOMEM, "out of memory planning %s", k.label);
            k.out[j]->known = 1;
            s->vclass[n->out[j]] = LSTM__VC_KNOWN;
        }
        k.scratch = lstm__pool_alloc(&s->plan_pool, k.scratch_size);
        if (!k.scratch)
            return lstm__errf(&s->diag, LSTM_ENOMEM, "out of memory planning %s", k.label);
        if ((rc = n->op->run(&k))) return rc;
    }
    if ((rc = place(s))) return rc;
    /* Keep the values of the inputs the plan read, to notice when they change. */
    for (int i = 0; i < g->n_inputs; i++) {
        s->dep_copy[i] = NULL;
        if (!s->value_deps[i]) continue;
        s->dep_copy[i] = lstm__pool_alloc(&s->plan_pool, s->bind[i].nbytes);
        if (!s->dep_copy[i]) return lstm__errf(&s->diag, LSTM_ENOMEM, "out of memory planning");
        memcpy(s->dep_copy[i], s->bind[i].data, s->bind[i].nbytes);
    }
    s->planned = 1;
    return LSTM_OK;
}

int lstm_session_run(lstm_session *s)
{
    if (!s) return LSTM_EINVAL;
    lstm__diag_clear(&s->diag);
    s->ran = 0;
    int rc;
    const lstm__graph *gr = s->g;
    for (int i = 0; s->planned && i < gr->n_inputs; i++)
        if (s->value_deps[i] && memcmp(s->dep_copy[i], s->bind[i].data, s->bind[i].nbytes) != 0)
            s->planned = 0; /* a shape-giving input changed its values */
    if (!s->planned && (rc = plan(s))) {
        s->planned = 0;
        return rc;
    }
    const lstm__graph *g = s->g;
    for (int i = 0; i < g->n_inputs; i++)
        if (s->bind[i].bound) s->vals[g->input_values[i]].data = (void *)s->bind[i].data;
    for (int i = 0; i < g->n_nodes; i++) {
        if (!s->node_dyn[i]) continue;
        if (s->m->abort && s->m->abort(s->m->abort_ud))
            return lstm__errf(&s->diag, LSTM_EABORTED, "run aborted before node #%d", i);
        lstm__kctx k;
        node_args(s, i, &k);
        k.scratch = s->scratch[i];
        k.scratch_size = s->scratch_size[i];
        uint64_t t0 = s->profiling ? lstm__now_ns() : 0;
        if ((rc = g->nodes[i].op->run(&k))) return rc;
        if (s->profiling) s->prof_ns[i] += lstm__now_ns() - t0;
    }
    s->prof_runs += s->profiling;
    s->ran = 1;
    return LSTM_OK;
}

int lstm_session_output(lstm_session *s, const char *name, lstm_view *out)
{
    if (!s || !out) return LSTM_EINVAL;
    lstm__diag_clear(&s->diag);
    if (!name) return lstm__errf(&s->diag, LSTM_EINVAL, "output name is NULL");
    const lstm__graph *g = s->g;
    int v = -1;
    for (int i = 0; i < g->n_outputs; i++)
        if (strcmp(g->outputs[i].name, name) == 0) v = g->output_values[i];
    if (v < 0) return lstm__errf(&s->diag, LSTM_EINVAL, "the model has no output named '%s'", name);
    if (!s->ran)
        return lstm__errf(&s->diag, LSTM_EMISUSE, "output '%s' read before a successful run", name);
    const lstm__rt *t = &s->vals[v];
    if (!t->data && t->nbytes)
        return lstm__errf(&s->diag, LSTM_EMISUSE, "output '%s' is not computed", name);
    memset(out, 0, sizeof *out);
    out->dtype = t->dtype;
    out->rank = t->rank;
    memcpy(out->dims, t->dims, sizeof t->dims);
    out->data = t->data;
    out->nbytes = t->nbytes;
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

int lstm_session_set_streaming(lstm_session *s, int on)
{
    if (!s) return LSTM_EINVAL;
    lstm__diag_clear(&s->diag);
    if (s->streaming != !!on) {
        s->streaming = !!on;
        s->planned = 0; /* which nodes carry state is decided while planning */
        s->ran = 0;
    }
    return lstm_session_reset_state(s);
}

int lstm_session_reset_state(lstm_session *s)
{
    if (!s) return LSTM_EINVAL;
    for (int i = 0; i < s->g->n_nodes; i++)
        if (s->state[i]) s->state[i]->valid = 0;
    return LSTM_OK;
}

int lstm_session_set_trace(lstm_session *s, lstm_trace_fn fn, void *ud)
{
    if (!s) return LSTM_EINVAL;
    if (!s->trace != !fn) {
        s->planned = 0; /* trace buffers are planned scratch */
        s->ran = 0;
    }
    s->trace = fn;
    s->trace_ud = ud;
    return LSTM_OK;
}
