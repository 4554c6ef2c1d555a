/*
** load.c — what the runtime does to an imported graph, once, when a model loads: resolve every
** node to its operator row and parse its attributes (registry.c), fold the nodes whose inputs
** are all constants, fuse a Conv with the BatchNormalization / Relu / Clip after it (fuse.c),
** and let operators pack their constant weights. Subgraphs alike.
*/
#include "load.h"
#include "fuse.h"
#include "ops/registry.h"

#include <string.h>

/* A value is a constant when it has data no caller can override (an outer value is one when
** the value it reads is). */
static const lstm__tensor *constant(const lstm__value *v)
{
    return v->init && !(v->flags & LSTM__V_INPUT) ? v->init : NULL;
}

/* Outer values take the constants of the parent graph, folded ones included. */
static void refresh_outer(lstm__graph *g)
{
    for (int i = 0; i < g->n_outer; i++) {
        lstm__value *v = &g->values[g->outer_values[i]];
        v->init = constant(&g->parent->values[v->outer]);
    }
}

static void rt_of(lstm__rt *t, const lstm__tensor *c)
{
    memset(t, 0, sizeof *t);
    t->dtype = c->dtype;
    t->rank = c->rank;
    memcpy(t->dims, c->dims, sizeof t->dims);
    t->nelem = c->nelem;
    t->nbytes = c->nbytes;
    t->data = c->data;
    t->known = 1;
}

/* Evaluate node n now when its inputs are all constants (PyTorch exports without constant
** folding reorder their weights with Slice / Concat / Unsqueeze on initializers). A node that
** fails here is left for the session, which reports the error. */
static int fold_node(lstm_model *m, lstm__graph *g, lstm__node *n, uint64_t *budget)
{
    lstm__rt in[64], out[8], *pin[64], *pout[8];
    if (!n->op || !n->params || n->n_in > 64 || n->n_out > 8 || n->n_subgraphs) return LSTM_OK;
    if (n->op->flags & LSTM__OPF_RUN_SHAPES) return LSTM_OK;
    for (int j = 0; j < n->n_in; j++) {
        pin[j] = NULL;
        if (n->in[j] < 0) continue;
        const lstm__tensor *c = constant(&g->values[n->in[j]]);
        if (!c) return LSTM_OK;
        rt_of(&in[j], c);
        pin[j] = &in[j];
    }
    for (int j = 0; j < n->n_out; j++) {
        memset(&out[j], 0, sizeof out[j]);
        pout[j] = n->out[j] >= 0 ? &out[j] : NULL;
    }
    lstm__diag d;
    lstm__diag_clear(&d);
    void *state = n->op->state_size ? lstm__calloc(&m->alloc, 1, n->op->state_size) : NULL;
    if (n->op->state_size && !state) return LSTM_ENOMEM;
    lstm__kctx k = {.n = n,
                    .since = n->op->since,
                    .in = pin,
                    .out = pout,
                    .params = n->params,
                    .state = state,
                    .d = &d,
                    .planning = 1,
                    .max_tensor_bytes = m->limits.max_tensor_bytes};
    int rc = LSTM_OK;
    if (n->op->prepare(&k)) goto done;
    uint64_t need = k.scratch_size;
    for (int j = 0; j < n->n_out; j++) need += pout[j] ? out[j].nbytes : 0;
    if (need > *budget) goto done; /* left to the session, which applies its own limit */
    *budget -= need;
    rc = LSTM_ENOMEM;
    k.scratch = lstm__pool_alloc(g->mem, k.scratch_size);
    if (!k.scratch) goto done;
    lstm__tensor *ts[8] = {0};
    for (int j = 0; j < n->n_out; j++) {
        if (!pout[j]) continue;
        ts[j] = lstm__pool_alloc(g->mem, sizeof *ts[j]);
        out[j].data = ts[j] ? lstm__pool_alloc(g->mem, out[j].nbytes) : NULL;
        if (!out[j].data) goto done;
    }
    k.planning = 0;
    rc = LSTM_OK;
    if (n->op->run(&k)) goto done;
    for (int j = 0; j < n->n_out; j++) {
        if (!ts[j]) continue;
        ts[j]->dtype = out[j].dtype;
        ts[j]->rank = out[j].rank;
        memcpy(ts[j]->dims, out[j].dims, sizeof ts[j]->dims);
        ts[j]->nelem = out[j].nelem;
        ts[j]->nbytes = out[j].nbytes;
        ts[j]->data = out[j].data;
        g->values[n->out[j]].init = ts[j];
    }
    n->folded = 1;
done:
    lstm__free(&m->alloc, state);
    return rc;
}

/* Fold every node of g, then its subgraphs (which see all of g's constants), then fuse
** (fuse.c), then pack: packing sees the weights fusion folded. */
static int fold_and_pack(lstm_model *m, lstm__graph *g, uint64_t *budget)
{
    if (g->parent) refresh_outer(g);
    for (int i = 0; i < g->n_nodes; i++) {
        if (m->abort && (i & 1023) == 1023 && m->abort(m->abort_ud))
            return lstm__errf(&m->diag, LSTM_EABORTED, "loading aborted while folding constants");
        if (fold_node(m, g, &g->nodes[i], budget) != LSTM_OK)
            return lstm__errf(&m->diag, LSTM_ENOMEM, "out of memory folding constants");
    }
    for (int i = 0; i < g->n_nodes; i++) {
        lstm__graph *sg;
        for (int k = 0; (sg = lstm__node_subgraph(&g->nodes[i], k, NULL)); k++) {
            int rc = fold_and_pack(m, sg, budget);
            if (rc) return rc;
        }
    }
    int rc = lstm__fuse_graph(m, g);
    g->threads = m->num_threads;
    for (int i = 0; !rc && i < g->n_nodes; i++) {
        lstm__node *n = &g->nodes[i];
        if (n->op && n->params && n->op->pack && !n->folded && !n->fused)
            rc = n->op->pack(g, n, &m->diag);
    }
    return rc;
}

/* The value a use of v reads: v itself, or for an outer value the one it reads above. */
static lstm__value *origin(lstm__graph **g, int v)
{
    lstm__value *u = &(*g)->values[v];
    while ((u->flags & LSTM__V_OUTER) && (*g)->parent && u->outer >= 0) {
        *g = (*g)->parent;
        u = &(*g)->values[u->outer];
    }
    return u;
}

/* Mark (in need[], one flag per value of the main graph, then of each graph after it in the
** walk order) every constant some run may read: a graph output, an input of a node that is
** neither folded nor packed in its place. Fused nodes keep theirs. */
static void mark_needed(lstm__graph *g, unsigned char **need_of, int n_graphs, lstm__graph **gs)
{
    for (int i = 0; i < g->n_outputs; i++) {
        lstm__graph *og = g;
        lstm__value *u = origin(&og, g->output_values[i]);
        for (int k = 0; k < n_graphs; k++)
            if (gs[k] == og) need_of[k][u - og->values] = 1;
    }
    for (int i = 0; i < g->n_nodes; i++) {
        const lstm__node *n = &g->nodes[i];
        lstm__graph *sg;
        for (int k = 0; (sg = lstm__node_subgraph(n, k, NULL)); k++)
            mark_needed(sg, need_of, n_graphs, gs);
        if (n->folded) continue;
        for (int j = 0; j < n->n_in; j++) {
            if (n->in[j] < 0 || (n->packed && j < 32 && (n->pack_replaces >> j & 1))) continue;
            lstm__graph *og = g;
            lstm__value *u = origin(&og, n->in[j]);
            for (int k = 0; k < n_graphs; k++)
                if (gs[k] == og) need_of[k][u - og->values] = 1;
        }
    }
}

static int list_graphs(lstm__graph *g, lstm__graph **gs, int n, int cap)
{
    if (n < cap) gs[n] = g;
    n++;
    for (int i = 0; i < g->n_nodes; i++) {
        lstm__graph *sg;
        for (int k = 0; (sg = lstm__node_subgraph(&g->nodes[i], k, NULL)); k++)
            n = list_graphs(sg, gs, n, cap);
    }
    return n;
}

/* Free the unpacked copy of every constant that only packed forms are read from (weights held
** once, not twice). Blocks of 64 KiB or less share chunks and stay. */
static int release_packed(lstm_model *m)
{
    lstm__graph *g = m->g;
    const int n_graphs = list_graphs(g, NULL, 0, 0);
    lstm__graph **gs = lstm__calloc(&m->alloc, (size_t)n_graphs, sizeof *gs);
    unsigned char **need = lstm__calloc(&m->alloc, (size_t)n_graphs, sizeof *need);
    int rc = gs && need ? LSTM_OK : LSTM_ENOMEM;
    if (!rc) list_graphs(g, gs, 0, n_graphs);
    for (int k = 0; !rc && k < n_graphs; k++)
        if (!(need[k] = lstm__calloc(&m->alloc, (size_t)gs[k]->n_values + 1, 1))) rc = LSTM_ENOMEM;
    if (!rc) mark_needed(g, need, n_graphs, gs);
    for (int k = 0; !rc && k < n_graphs; k++) {
        lstm__graph *sg = gs[k];
        for (int v = 0; v < sg->n_values; v++) {
            lstm__value *u = &sg->values[v];
            if (need[k][v] || !u->init || (u->flags & (LSTM__V_INPUT | LSTM__V_OUTER))) continue;
            lstm__tensor *t = (lstm__tensor *)u->init;
            if (t->released || !t->data || !lstm__pool_release(g->mem, t->data)) continue;
            t->data = NULL;
            t->released = 1;
            m->freed_bytes += t->nbytes;
        }
    }
    for (int k = 0; need && k < n_graphs; k++) lstm__free(&m->alloc, need[k]);
    lstm__free(&m->alloc, need);
    lstm__free(&m->alloc, gs);
    return rc ? lstm__errf(&m->diag, rc, "out of memory freeing packed weights") : LSTM_OK;
}

int lstm__model_load(lstm_model *m)
{
    lstm__graph *g = m->g;
    int rc = lstm__registry_resolve(g, &m->diag);
    if (rc) return rc;
    /* Folded values count as weights: they share the weight budget. */
    uint64_t budget = m->limits.max_weight_bytes > g->weight_bytes
                          ? m->limits.max_weight_bytes - g->weight_bytes
                          : 0;
    rc = fold_and_pack(m, g, &budget);
    return rc || m->keep_weights ? rc : release_packed(m);
}

static void count(const lstm__graph *g, int *nodes, int *folded, int *fused, int *unsupported)
{
    for (int i = 0; i < g->n_nodes; i++) {
        const lstm__node *n = &g->nodes[i];
        *nodes += 1;
        *folded += n->folded;
        *fused += n->fused;
        *unsupported += n->support != NULL;
        lstm__graph *sg;
        for (int k = 0; (sg = lstm__node_subgraph(n, k, NULL)); k++)
            count(sg, nodes, folded, fused, unsupported);
    }
}

void lstm__model_counts(const lstm_model *m, int *nodes, int *folded, int *fused, int *unsupported)
{
    *nodes = *folded = *fused = *unsupported = 0;
    if (m->g) count(m->g, nodes, folded, fused, unsupported);
}
