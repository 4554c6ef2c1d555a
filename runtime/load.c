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
    if (n->op->flags & (LSTM__OPF_RUN_SHAPES | LSTM__OPF_RANDOM)) return LSTM_OK;
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

/* Who may still read each constant's unpacked data: per value of every graph, the node inputs
** reading it that are not done (counted before folding; a node folded at load is done with its
** inputs, a node packed with those its packed form replaces); a graph output holds it for
** good. */
typedef struct readers {
    int n;
    lstm__graph **gs;
    int **left;
} readers;

enum { FOREVER = 1 << 30 };

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

/* The value use v of g reads (itself, or for an outer value the one it reads above) and its
** reader count. */
static int *reader_count(const readers *r, lstm__graph *g, int v, lstm__value **out)
{
    lstm__value *u = &g->values[v];
    while ((u->flags & LSTM__V_OUTER) && g->parent && u->outer >= 0) {
        g = g->parent;
        u = &g->values[u->outer];
    }
    *out = u;
    for (int k = 0; k < r->n; k++)
        if (r->gs[k] == g) return &r->left[k][u - g->values];
    return NULL;
}

static void count_readers(const readers *r, lstm__graph *g)
{
    lstm__value *u;
    int *c;
    for (int i = 0; i < g->n_outputs; i++)
        if ((c = reader_count(r, g, g->output_values[i], &u))) *c = FOREVER;
    for (int i = 0; i < g->n_nodes; i++) {
        const lstm__node *n = &g->nodes[i];
        lstm__graph *sg;
        for (int k = 0; (sg = lstm__node_subgraph(n, k, NULL)); k++) count_readers(r, sg);
        for (int j = 0; j < n->n_in; j++)
            if (n->in[j] >= 0 && (c = reader_count(r, g, n->in[j], &u)) && *c < FOREVER) ++*c;
    }
}

/* Free u's data when it is a constant in a block of its own. */
static void release(lstm_model *m, lstm__value *u)
{
    if (!u->init || (u->flags & (LSTM__V_INPUT | LSTM__V_OUTER))) return;
    lstm__tensor *t = (lstm__tensor *)u->init;
    if (t->released || !t->data || !lstm__pool_release(m->g->mem, t->data)) return;
    t->data = NULL;
    t->released = 1;
    m->freed_bytes += t->nbytes;
}

/* Inputs j of n (those with bit j in mask) are read no more: free the constants no one else
** reads. */
static void done_reading(lstm_model *m, const readers *r, lstm__graph *g, const lstm__node *n,
                         unsigned mask)
{
    lstm__value *u;
    int *c;
    for (int j = 0; r && j < n->n_in && j < 32; j++)
        if ((mask >> j & 1) && n->in[j] >= 0 && (c = reader_count(r, g, n->in[j], &u)) &&
            *c < FOREVER && --*c == 0)
            release(m, u);
}

/* Fold every node of g, then its subgraphs (which see all of g's constants), then fuse
** (fuse.c). A folded node's inputs are read no more. */
static int fold_and_fuse(lstm_model *m, lstm__graph *g, uint64_t *budget, const readers *r)
{
    if (g->parent) refresh_outer(g);
    for (int i = 0; i < g->n_nodes; i++) {
        if (m->abort && (i & 1023) == 1023 && m->abort(m->abort_ud))
            return lstm__errf(&m->diag, LSTM_EABORTED, "loading aborted while folding constants");
        if (fold_node(m, g, &g->nodes[i], budget) != LSTM_OK)
            return lstm__errf(&m->diag, LSTM_ENOMEM, "out of memory folding constants");
        if (g->nodes[i].folded) done_reading(m, r, g, &g->nodes[i], ~0u);
    }
    for (int i = 0; i < g->n_nodes; i++) {
        lstm__graph *sg;
        for (int k = 0; (sg = lstm__node_subgraph(&g->nodes[i], k, NULL)); k++) {
            int rc = fold_and_fuse(m, sg, budget, r);
            if (rc) return rc;
        }
    }
    return lstm__fuse_graph(m, g);
}

/* Pack the nodes of g's subgraphs, then g's. With readers r, an input a node's packed form
** replaces stops counting as read, and a constant no one reads any more is freed at once: each
** weight is held twice only while its own node packs. */
static int pack_all(lstm_model *m, lstm__graph *g, const readers *r)
{
    for (int i = 0; i < g->n_nodes; i++) {
        lstm__graph *sg;
        for (int k = 0; (sg = lstm__node_subgraph(&g->nodes[i], k, NULL)); k++) {
            int rc = pack_all(m, sg, r);
            if (rc) return rc;
        }
    }
    g->threads = m->num_threads;
    for (int i = 0; i < g->n_nodes; i++) {
        lstm__node *n = &g->nodes[i];
        if (!n->op || !n->params || !n->op->pack || n->folded || n->fused) continue;
        int rc = n->op->pack(g, n, &m->diag);
        if (rc) return rc;
        if (n->packed) done_reading(m, r, g, n, n->pack_replaces);
    }
    return LSTM_OK;
}

/* Unless keep_weights, each constant's data is freed as soon as nothing reads it but packed
** forms: weights held once, not twice (and PyTorch's reordered weights not three times). Blocks
** of 64 KiB or less share chunks and stay. */
static int readers_init(lstm_model *m, readers *r)
{
    r->n = list_graphs(m->g, NULL, 0, 0);
    r->gs = lstm__calloc(&m->alloc, (size_t)r->n, sizeof *r->gs);
    r->left = lstm__calloc(&m->alloc, (size_t)r->n, sizeof *r->left);
    if (!r->gs || !r->left) return LSTM_ENOMEM;
    list_graphs(m->g, r->gs, 0, r->n);
    for (int k = 0; k < r->n; k++)
        if (!(r->left[k] = lstm__calloc(&m->alloc, (size_t)r->gs[k]->n_values + 1, sizeof(int))))
            return LSTM_ENOMEM;
    count_readers(r, m->g);
    return LSTM_OK;
}

static void readers_free(lstm_model *m, readers *r)
{
    for (int k = 0; r->left && k < r->n; k++) lstm__free(&m->alloc, r->left[k]);
    lstm__free(&m->alloc, r->left);
    lstm__free(&m->alloc, r->gs);
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
    readers r = {0};
    if (!m->keep_weights && readers_init(m, &r)) {
        readers_free(m, &r);
        return lstm__errf(&m->diag, LSTM_ENOMEM, "out of memory counting the weights' readers");
    }
    const readers *rp = m->keep_weights ? NULL : &r;
    rc = fold_and_fuse(m, g, &budget, rp);
    for (int k = 0; !rc && rp && k < r.n; k++) /* unused, or read by folded nodes only */
        for (int v = 0; v < r.gs[k]->n_values; v++)
            if (!r.left[k][v]) release(m, &r.gs[k]->values[v]);
    if (!rc) rc = pack_all(m, g, rp);
    readers_free(m, &r);
    return rc;
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
