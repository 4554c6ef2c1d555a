/* plan.c — making a plan for a graph and running it (plan.h). */
#include "arena.h"
#include "dtype.h"
#include "ops/registry.h"
#include "session.h"
#include "workers.h"

#include <stdio.h>
#include <string.h>

/* Which node inputs may hand their sequence over (in_move) and which graph outputs may be moved
** out (out_once): from the graph's structure, once. */
static int move_tables(lstm__plan *p)
{
    const lstm__graph *g = p->g;
    size_t nv = (size_t)g->n_values + 1;
    int *last = lstm__malloc(&p->s->alloc, 3 * nv * sizeof(int));
    if (!last) return LSTM_ENOMEM;
    int *mark = last + nv, *cnt = mark + nv;
    for (int v = 0; v < g->n_values; v++) last[v] = mark[v] = -1;
    for (int i = 0; i < g->n_nodes; i++) {
        const lstm__node *n = &g->nodes[i];
        for (int j = 0; j < n->n_in + n->n_implicit; j++) {
            int v = j < n->n_in ? n->in[j] : n->implicit[j - n->n_in];
            if (v >= 0) last[v] = i;
        }
    }
    for (int i = 0; i < g->n_nodes; i++) {
        const lstm__node *n = &g->nodes[i];
        for (int j = 0; j < n->n_in + n->n_implicit; j++) {
            int v = j < n->n_in ? n->in[j] : n->implicit[j - n->n_in];
            if (v < 0) continue;
            if (mark[v] != i) mark[v] = i, cnt[v] = 0;
            cnt[v]++;
        }
        for (int j = 0; j < n->n_in; j++) {
            int v = n->in[j], m = 0;
            p->in_move[p->kin_off[i] + j] = 0;
            if (v < 0 || last[v] != i || cnt[v] != 1) continue;
            const lstm__value *val = &g->values[v];
            if (val->flags & LSTM__V_OUTPUT) continue;
            if (val->producer >= 0)
                m = 1;
            else if (val->flags & LSTM__V_INPUT)
                for (int b = 0; b < g->n_inputs; b++)
                    if (g->input_values[b] == v) m = 2 + b;
            p->in_move[p->kin_off[i] + j] = m;
        }
    }
    for (int o = 0; o < g->n_outputs; o++) {
        int v = g->output_values[o], once = v >= 0 && g->values[v].producer >= 0;
        for (int q = 0; once && q < g->n_outputs; q++) once = q == o || g->output_values[q] != v;
        p->out_once[o] = (unsigned char)once;
    }
    lstm__free(&p->s->alloc, last);
    return LSTM_OK;
}

lstm__plan *lstm__plan_new(lstm_session *s, const lstm__graph *g, lstm__plan *parent, int streams)
{
    lstm__pool *pool = &s->pool;
    lstm__plan *p = lstm__pool_alloc(pool, sizeof *p);
    if (!p) return NULL;
    p->s = s;
    p->g = g;
    p->parent = parent;
    p->streams = streams;
    lstm__pool_init(&p->plan_pool, &s->alloc);
    /* Outputs of run-shaped ops (control flow) that the graph leaves unnamed still need a
    ** place (a Loop carries them): hidden values after the graph's own. */
    int hidden = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        const lstm__node *n = &g->nodes[i];
        if (!n->op || !(n->op->flags & LSTM__OPF_RUN_SHAPES)) continue;
        for (int j = 0; j < n->n_out; j++) hidden += n->out[j] < 0;
    }
    p->n_vals = g->n_values + hidden;
    size_t nv = (size_t)p->n_vals + 1, nn = (size_t)g->n_nodes + 1;
    p->n_bind = g->n_inputs + g->n_outer;
    size_t nb = (size_t)p->n_bind + 1;
    p->vals = lstm__pool_array(pool, nv, sizeof *p->vals);
    p->vclass = lstm__pool_array(pool, nv, 1);
    p->vbuf = lstm__pool_array(pool, nv, sizeof *p->vbuf);
    p->seqs = lstm__pool_array(pool, nv, sizeof *p->seqs);
    p->bind = lstm__pool_array(pool, nb, sizeof *p->bind);
    p->bind_planned = lstm__pool_array(pool, nb, sizeof *p->bind_planned);
    p->bind_fixed = lstm__pool_array(pool, nb, 1);
    p->value_deps = lstm__pool_array(pool, nb, 1);
    p->dep_copy = lstm__pool_array(pool, nb, sizeof *p->dep_copy);
    p->bind_owned = lstm__pool_array(pool, nb, 1);
    p->out_once = lstm__pool_array(pool, (size_t)g->n_outputs + 1, 1);
    p->mode = lstm__pool_array(pool, nn, 1);
    p->nstate = lstm__pool_array(pool, nn, sizeof *p->nstate);
    p->carry = lstm__pool_array(pool, nn, sizeof *p->carry);
    p->scratch = lstm__pool_array(pool, nn, sizeof *p->scratch);
    p->scratch_size = lstm__pool_array(pool, nn, sizeof *p->scratch_size);
    p->late_scratch = lstm__pool_array(pool, nn, sizeof *p->late_scratch);
    p->sub = lstm__pool_array(pool, nn, sizeof *p->sub);
    p->nbufs = lstm__pool_array(pool, nn, sizeof *p->nbufs);
    p->n_nbufs = lstm__pool_array(pool, nn, sizeof *p->n_nbufs);
    p->prof_ns = lstm__pool_array(pool, nn, sizeof *p->prof_ns);
    p->kin_off = lstm__pool_array(pool, nn, sizeof(int));
    p->kout_off = lstm__pool_array(pool, nn, sizeof(int));
    if (!p->kin_off || !p->kout_off) return NULL;
    size_t nin = 0, nout = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        p->kin_off[i] = (int)nin;
        p->kout_off[i] = (int)nout;
        nin += (size_t)g->nodes[i].n_in;
        nout += (size_t)g->nodes[i].n_out;
    }
    p->kin = lstm__pool_array(pool, nin + 1, sizeof *p->kin);
    p->outv = lstm__pool_array(pool, nout + 1, sizeof *p->outv);
    if (!p->outv) return NULL;
    for (int i = 0, h = g->n_values; i < g->n_nodes; i++) {
        const lstm__node *n = &g->nodes[i];
        int rs = n->op && (n->op->flags & LSTM__OPF_RUN_SHAPES);
        for (int j = 0; j < n->n_out; j++)
            p->outv[p->kout_off[i] + j] = n->out[j] >= 0 ? n->out[j] : rs ? h++ : -1;
    }
    p->kout = lstm__pool_array(pool, nout + 1, sizeof *p->kout);
    p->in_move = lstm__pool_array(pool, nin + 1, sizeof *p->in_move);
    if (!p->in_move || !p->bind_owned || !p->out_once || move_tables(p)) return NULL;
    if (!p->vals || !p->vclass || !p->vbuf || !p->seqs || !p->bind || !p->bind_planned ||
        !p->bind_fixed || !p->value_deps || !p->dep_copy || !p->mode || !p->nstate || !p->carry ||
        !p->scratch || !p->scratch_size || !p->late_scratch || !p->sub || !p->nbufs ||
        !p->n_nbufs || !p->prof_ns || !p->kin_off || !p->kout_off || !p->kin || !p->kout)
        return NULL;
    for (int i = 0; i < g->n_nodes; i++) {
        const lstm__node *n = &g->nodes[i];
        if (!n->op || !n->params) continue;
        p->nstate[i] = lstm__pool_alloc(pool, n->op->state_size);
        if (n->n_subgraphs)
            p->sub[i] = lstm__pool_array(pool, (size_t)n->n_subgraphs, sizeof(void *));
        if (!p->nstate[i] || (n->n_subgraphs && !p->sub[i])) return NULL;
    }
    /* Join the session's list (after the root). */
    if (s->plans) {
        p->next = s->plans->next;
        s->plans->next = p;
    } else {
        s->plans = p;
    }
    return p;
}

/* ---- memory held (max_run_bytes) ----
** s->held counts what the session holds for planning and running: every plan's arena and
** plan_pool, and the buffers that grow at run time (lstm__buf_reserve / lstm__buf_grow, the
** sequences' tables and tensors, the streamed state), each as the bytes asked for. */

/* Whether one place may go from `had` to `want` bytes within the limit. */
int lstm__may_hold(const lstm_session *s, uint64_t had, uint64_t want)
{
    uint64_t lim = s->m->limits.max_run_bytes, other = s->held - had;
    return want <= had || (want <= lim && other <= lim - want);
}

/* LSTM_ELIMIT for `want` bytes (instead of `had`) that the session cannot hold: "<node or
** graph>: <what> '<name>' needs N bytes and the session holds M more, the limit is L". */
int lstm__refuse(lstm__plan *p, lstm__kctx *k, const char *what, const char *name, uint64_t had,
                 uint64_t want)
{
    lstm_session *s = p->s;
    char path[512], more[80] = "";
    uint64_t other = s->held - had;
    if (other)
        snprintf(more, sizeof more, " and the session holds %llu more", (unsigned long long)other);
    return lstm__errf(&s->diag, LSTM_ELIMIT, "%s%s%s%s%s%s needs %llu bytes%s, the limit is %llu",
                      k ? lstm__klabel(k) : lstm__graph_path(p->g, path, sizeof path),
                      k ? ": " : "", what, name ? " '" : "", name ? name : "", name ? "'" : "",
                      (unsigned long long)want, more,
                      (unsigned long long)s->m->limits.max_run_bytes);
}

/* A place held goes from `had` to `now` bytes. */
void lstm__hold(lstm_session *s, size_t had, size_t now)
{
    s->held = s->held - had + now;
}

/* Plan memory allocated since the last count joins what the session holds. */
static void count_pool(lstm__plan *p)
{
    lstm__hold(p->s, p->pool_held, p->plan_pool.used_total);
    p->pool_held = p->plan_pool.used_total;
}

static void buf_free(lstm_session *s, lstm__buf *b)
{
    lstm__free(&s->alloc, b->p);
    lstm__hold(s, b->cap, 0);
    b->p = NULL;
    b->cap = 0;
}

/* Before a plan is redone: its arena and planning pool stay for the new plan to reuse, so a
** body replanned at every iteration allocates only for shapes larger than it has seen. */
static void reset_memory(lstm__plan *p)
{
    lstm__pool_reset(&p->plan_pool);
    count_pool(p);
}

static void free_memory(lstm__plan *p)
{
    lstm_session *s = p->s;
    lstm__free(&s->alloc, p->place_scratch);
    p->place_scratch = NULL;
    p->place_scratch_cap = 0;
    lstm__free(&s->alloc, p->arena);
    lstm__hold(s, p->arena_size + p->pool_held, 0);
    p->arena = NULL;
    p->arena_size = 0;
    p->pool_held = 0;
    lstm__pool_free(&p->plan_pool);
    lstm__pool_init(&p->plan_pool, &s->alloc);
}

/* Plan p's buffers that grow at run time and hold nothing from one run to the next. */
static void release_run_buffers(lstm__plan *p)
{
    lstm_session *s = p->s;
    for (int v = 0; v < p->n_vals; v++) {
        buf_free(s, &p->vbuf[v]);
        if (p->seqs[v]) lstm__seq_holder_free(s, p->seqs[v]);
    }
    for (int i = 0; i < p->g->n_nodes; i++) {
        for (int j = 0; j < p->n_nbufs[i]; j++) buf_free(s, &p->nbufs[i][j]);
        buf_free(s, &p->late_scratch[i]);
    }
}

void lstm__plans_release(lstm_session *s)
{
    for (lstm__plan *p = s->plans; p; p = p->next) release_run_buffers(p);
    lstm__seq_bin_free(s);
}

void lstm__plans_commit(lstm_session *s, int ok)
{
    for (lstm__plan *p = s->plans; p; p = p->next)
        for (int i = 0; i < p->g->n_nodes; i++) {
            lstm__carry *c = p->carry[i];
            if (!c || !c->staged) continue;
            if (ok) {
                void *t = c->buf;
                c->buf = c->next;
                c->next = t;
                c->valid = 1;
            }
            c->staged = 0;
        }
}

void lstm__plan_free(lstm__plan *p)
{
    if (!p) return;
    lstm_session *s = p->s;
    free_memory(p);
    release_run_buffers(p);
    for (int i = 0; i < p->n_bind; i++) buf_free(s, &p->dep_copy[i]);
    for (int i = 0; i < p->g->n_nodes; i++)
        if (p->carry[i]) {
            lstm__free(&s->alloc, p->carry[i]->buf);
            lstm__free(&s->alloc, p->carry[i]->next);
            lstm__hold(s, 2 * p->carry[i]->cap, 0);
        }
}

static int buf_alloc(lstm_session *s, lstm__buf *b, size_t n)
{
    void *q = lstm__malloc(&s->alloc, n + 64);
    if (!q) return lstm__errf(&s->diag, LSTM_ENOMEM, "out of memory: a buffer of %zu bytes", n);
    lstm__free(&s->alloc, b->p);
    b->p = q;
    b->cap = n;
    s->allocs++;
    return LSTM_OK;
}

int lstm__buf_reserve(lstm__plan *p, lstm__buf *b, size_t n, lstm__kctx *k, const char *what,
                      const char *name)
{
    if (n <= b->cap && (b->p || !n)) return LSTM_OK;
    lstm_session *s = p->s;
    size_t had = b->cap;
    if (!lstm__may_hold(s, had, n)) return lstm__refuse(p, k, what, name, had, n);
    int rc = buf_alloc(s, b, n);
    if (!rc) lstm__hold(s, had, n);
    return rc;
}

int lstm__buf_table(lstm_session *s, lstm__buf *b, size_t n)
{
    if (n <= b->cap && (b->p || !n)) return LSTM_OK;
    return buf_alloc(s, b, n);
}

/* Folding at load runs kernels without a plan (load.c): what needs a session's memory fails
** there, and the node is left for the session to run. */
int lstm__no_plan(lstm__kctx *k)
{
    if (k->plan) return 0;
    lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: not evaluated at load", lstm__klabel(k));
    return 1;
}

lstm__buf *lstm__node_bufs(lstm__kctx *k, int n)
{
    lstm__plan *p = k->plan;
    if (lstm__no_plan(k)) return NULL;
    int i = (int)(k->n - p->g->nodes);
    if (!p->nbufs[i] && n > 0) {
        p->nbufs[i] = lstm__pool_array(&p->s->pool, (size_t)n, sizeof(lstm__buf));
        if (!p->nbufs[i]) {
            lstm__errf(k->d, LSTM_ENOMEM, "out of memory for %s", lstm__klabel(k));
            return NULL;
        }
        p->n_nbufs[i] = n;
        p->s->allocs++;
    }
    return p->nbufs[i];
}

int lstm__buf_grow(lstm__kctx *k, lstm__buf *b, size_t n, const char *what)
{
    if (n <= b->cap && (b->p || !n)) return LSTM_OK;
    lstm_session *s = k->plan->s;
    size_t cap = b->cap * 2 > n && lstm__may_hold(s, b->cap, b->cap * 2) ? b->cap * 2 : n;
    if (!lstm__may_hold(s, b->cap, cap)) return lstm__refuse(k->plan, k, what, NULL, b->cap, cap);
    void *q = lstm__malloc(&s->alloc, cap + 64);
    if (!q) return lstm__errf(k->d, LSTM_ENOMEM, "out of memory: a buffer of %zu bytes", n);
    if (b->cap) memcpy(q, b->p, b->cap);
    lstm__free(&s->alloc, b->p);
    lstm__hold(s, b->cap, cap);
    b->p = q;
    b->cap = cap;
    s->allocs++;
    return LSTM_OK;
}

void lstm__plan_bind(lstm__plan *p, int i, const lstm__rt *v)
{
    p->bind[i] = *v;
    p->bind[i].known = 0;
    p->bind[i].input = i + 1;
    p->bind_owned[i] = 0;
}

void lstm__plan_bind_owned(lstm__plan *p, int i, const lstm__rt *v)
{
    lstm__plan_bind(p, i, v);
    p->bind_owned[i] = 1;
}

int lstm__plan_output_movable(const lstm__plan *p, int i)
{
    return p->out_once[i];
}

const lstm__rt *lstm__plan_output(const lstm__plan *p, int i)
{
    return &p->vals[p->g->output_values[i]];
}

/* ---- labels ---- */

static const lstm__plan *plan_of(const lstm__kctx *k)
{
    return k->plan;
}

const char *lstm__klabel(lstm__kctx *k)
{
    size_t o = 0;
    k->lbuf[0] = '\0';
    const lstm__plan *p = plan_of(k);
    if (p) lstm__graph_path(p->g, k->lbuf, sizeof k->lbuf);
    o = strlen(k->lbuf);
    const lstm__node *n = k->n;
    lstm__node_label_opset(p ? p->g : NULL, n, k->lbuf + o, sizeof k->lbuf - o);
    return k->lbuf;
}

/* "If_1/then_branch/" for the graph of plan p. */
static size_t qualify(const lstm__graph *g, char *buf, size_t len)
{
    if (!g->parent || !len) return 0;
    size_t o = qualify(g->parent, buf, len);
    const lstm__node *n = g->owner;
    char idx[32];
    snprintf(idx, sizeof idx, "#%d", (int)(n - g->parent->nodes));
    int w = snprintf(buf + o, len - o, "%s/%s/", n->name[0] ? n->name : idx, g->attr_name);
    return w > 0 && o + (size_t)w < len ? o + (size_t)w : len - 1;
}

const char *lstm__kname(lstm__kctx *k)
{
    const lstm__plan *p = plan_of(k);
    if (!k->n->name[0]) return lstm__klabel(k);
    size_t o = p ? qualify(p->g, k->lbuf, sizeof k->lbuf) : 0;
    snprintf(k->lbuf + o, sizeof k->lbuf - o, "%s", k->n->name);
    return k->lbuf;
}

/* ---- planning ---- */

static int input_fed(const lstm__plan *p, const lstm__node *n, int j)
{
    return j < n->n_in && n->in[j] >= 0 && p->vclass[n->in[j]] >= LSTM__VC_DYN;
}

static void node_args(lstm__plan *p, int i, lstm__kctx *k)
{
    lstm_session *s = p->s;
    const lstm__node *n = &p->g->nodes[i];
    memset(k, 0, offsetof(lstm__kctx, lbuf));
    k->n = n;
    k->since = n->op->since;
    k->plan = p;
    k->in = p->kin + p->kin_off[i];
    k->out = p->kout + p->kout_off[i];
    for (int j = 0; j < n->n_in; j++) k->in[j] = n->in[j] >= 0 ? &p->vals[n->in[j]] : NULL;
    const int *ov = p->outv + p->kout_off[i];
    for (int j = 0; j < n->n_out; j++) k->out[j] = ov[j] >= 0 ? &p->vals[ov[j]] : NULL;
    k->params = n->params;
    k->packed = n->packed;
    k->state = p->nstate[i];
    k->d = &s->diag;
    k->carry = p->carry[i] && p->carry[i]->active ? p->carry[i] : NULL;
    k->trace = s->trace;
    k->trace_ud = s->trace_ud;
    k->workers = s->workers;
    k->max_tensor_bytes = s->m->limits.max_tensor_bytes;
    k->abort = s->m->abort;
    k->abort_ud = s->m->abort_ud;
}

/* Streaming: a node whose row names stream inputs carries its state when the caller feeds
** none of them. */
static int carry_setup(lstm__plan *p, int i)
{
    lstm_session *s = p->s;
    const lstm__node *n = &p->g->nodes[i];
    if (p->carry[i]) p->carry[i]->active = 0;
    if (!s->streaming || !p->streams || !n->op->stream) return LSTM_OK;
    for (int j = 0; j < n->n_in; j++)
        if ((n->op->stream & (1u << j)) && input_fed(p, n, j)) return LSTM_OK;
    if (!p->carry[i]) {
        p->carry[i] = lstm__pool_alloc(&s->pool, sizeof *p->carry[i]);
        if (!p->carry[i]) return lstm__errf(&s->diag, LSTM_ENOMEM, "out of memory planning");
    }
    p->carry[i]->active = 1;
    return LSTM_OK;
}

static int carry_reserve(lstm__plan *p, lstm__kctx *k)
{
    lstm__carry *c = k->carry;
    if (!c || c->cap >= c->need) return LSTM_OK;
    /* Grows only when the batch or hidden size grows; session lifetime. */
    if (!lstm__may_hold(p->s, 2 * c->cap, 2 * c->need))
        return lstm__refuse(p, k, "the streamed state", NULL, c->cap, c->need);
    void *b = lstm__malloc(&p->s->alloc, c->need),
         *n = b ? lstm__malloc(&p->s->alloc, c->need) : NULL;
    if (!n) {
        lstm__free(&p->s->alloc, b);
        return lstm__errf(k->d, LSTM_ENOMEM, "out of memory for the streamed state");
    }
    lstm__free(&p->s->alloc, c->buf);
    lstm__free(&p->s->alloc, c->next);
    lstm__hold(p->s, 2 * c->cap, 2 * c->need);
    c->buf = b;
    c->next = n;
    c->cap = c->need;
    c->valid = c->staged = 0;
    return LSTM_OK;
}

/* The arena of `total` bytes passes max_run_bytes (or its size overflowed: SIZE_MAX): the
** message names its largest block, a node's output or scratch. */
static int plan_refused(lstm__plan *p, const lstm__block *b, const int *slot, int nb, size_t total)
{
    lstm_session *s = p->s;
    const lstm__graph *g = p->g;
    char path[512], more[80] = "", sz[32] = "more than SIZE_MAX", big[800] = "";
    if (s->held)
        snprintf(more, sizeof more, " and the session holds %llu more",
                 (unsigned long long)s->held);
    if (total != SIZE_MAX) snprintf(sz, sizeof sz, "%zu", total);
    int m = 0;
    for (int k = 1; k < nb; k++)
        if (b[k].size > b[m].size) m = k;
    if (nb) {
        int v = slot[m], i = v < 0 ? -1 - v : g->values[v].producer;
        char node[320];
        snprintf(big, sizeof big, "; the largest block is %s%.200s%s of %s, %zu bytes",
                 v < 0 ? "the scratch" : "output '", v < 0 ? "" : g->values[v].name,
                 v < 0 ? "" : "'", lstm__node_label_opset(g, &g->nodes[i], node, sizeof node),
                 b[m].size);
    }
    return lstm__errf(&s->diag, LSTM_ELIMIT,
                      "%sthe memory plan needs %s bytes%s, the limit is %llu%s",
                      lstm__graph_path(g, path, sizeof path), sz, more,
                      (unsigned long long)s->m->limits.max_run_bytes, big);
}

/* Lay the dynamic values and every dynamic node's scratch out in one arena from their
** lifetimes: a value lives from its producer to its last reader (graph outputs to the end),
** scratch only during its node. Graph outputs therefore never share memory. Nodes flagged
** LSTM__OPF_ALIAS give their output its input's memory when the input dies there. */
static int place(lstm__plan *p)
{
    lstm_session *s = p->s;
    const lstm__graph *g = p->g;
    int nb = 0, end = g->n_nodes;
    size_t cap = (size_t)g->n_values + (size_t)g->n_nodes + 1;
    lstm__block *b = lstm__pool_array(&p->plan_pool, cap, sizeof *b);
    int *last = lstm__pool_array(&p->plan_pool, (size_t)g->n_values + 1, sizeof(int));
    int *slot = lstm__pool_array(&p->plan_pool, cap, sizeof(int));
    int *blk = lstm__pool_array(&p->plan_pool, (size_t)g->n_values + 1, sizeof(int));
    count_pool(p);
    if (!b || !last || !slot || !blk)
        return lstm__errf(&s->diag, LSTM_ENOMEM, "out of memory planning");
    for (int v = 0; v < g->n_values; v++) {
        last[v] = g->values[v].flags & LSTM__V_OUTPUT ? end : g->values[v].producer;
        blk[v] = -1;
    }
    for (int i = 0; i < g->n_nodes; i++) {
        const lstm__node *n = &g->nodes[i];
        for (int j = 0; j < n->n_in + n->n_implicit; j++) {
            int v = j < n->n_in ? n->in[j] : n->implicit[j - n->n_in];
            if (v >= 0 && last[v] != end && last[v] < i) last[v] = i;
        }
    }
    for (int i = 0; i < g->n_nodes; i++) {
        if (p->mode[i] != LSTM__NODE_STATIC) continue;
        const lstm__node *n = &g->nodes[i];
        for (int j = 0; j < n->n_out; j++) {
            int v = n->out[j];
            if (v < 0) continue;
            int x = n->n_in > 0 ? n->in[0] : -1;
            if (j == 0 && ((n->op->flags & LSTM__OPF_ALIAS) || n->fused) && x >= 0 && blk[x] >= 0 &&
                last[x] == i && !(g->values[x].flags & LSTM__V_OUTPUT) &&
                p->vals[v].nbytes == p->vals[x].nbytes) {
                blk[v] = blk[x]; /* shares the input's block, which now lives as long */
                if (b[blk[v]].last < last[v]) b[blk[v]].last = last[v];
                continue;
            }
            b[nb] = (lstm__block){p->vals[v].nbytes, i, last[v], 0};
            blk[v] = nb;
            slot[nb++] = v;
        }
        b[nb] = (lstm__block){p->scratch_size[i], i, i, 0};
        slot[nb++] = -1 - i;
    }
    /* The planner's scratch: kept for the next plan, which may need as much. */
    if (LSTM__ARENA_SCRATCH(nb) > p->place_scratch_cap) {
        lstm__free(&s->alloc, p->place_scratch);
        p->place_scratch_cap = 0;
        if (!(p->place_scratch = lstm__malloc(&s->alloc, LSTM__ARENA_SCRATCH(nb))))
            return lstm__errf(&s->diag, LSTM_ENOMEM, "out of memory planning");
        p->place_scratch_cap = LSTM__ARENA_SCRATCH(nb);
    }
    size_t total;
    int rc = lstm__arena_plan(b, nb, p->place_scratch, s->m->abort, s->m->abort_ud, &total);
    if (rc == LSTM_EABORTED) return lstm__errf(&s->diag, rc, "aborted while planning memory");
    if (rc || !lstm__may_hold(s, p->arena_size, total)) /* total is SIZE_MAX on overflow */
        return plan_refused(p, b, slot, nb, total);
    if (total > p->arena_size) { /* else the arena of an earlier plan serves */
        lstm__free(&s->alloc, p->arena);
        lstm__hold(s, p->arena_size, 0);
        p->arena_size = 0;
        p->arena = lstm__malloc(&s->alloc, total + 64);
        if (!p->arena)
            return lstm__errf(&s->diag, LSTM_ENOMEM, "out of memory: the plan needs %zu bytes",
                              total);
        p->arena_size = total;
        lstm__hold(s, 0, total);
    }
    uintptr_t base = ((uintptr_t)p->arena + 63) & ~(uintptr_t)63;
    for (int v = 0; v < g->n_values; v++)
        if (blk[v] >= 0) p->vals[v].data = (void *)(base + b[blk[v]].offset);
    for (int k = 0; k < nb; k++)
        if (slot[k] < 0) p->scratch[-1 - slot[k]] = (void *)(base + b[k].offset);
    return LSTM_OK;
}

/* Bound values (graph inputs and outer values) into vals. */
static void set_bound(lstm__plan *p)
{
    const lstm__graph *g = p->g;
    for (int i = 0; i < p->n_bind; i++) {
        int v = i < g->n_inputs ? g->input_values[i] : g->outer_values[i - g->n_inputs];
        if (!p->bind[i].input) continue; /* not bound: an initializer gives the value */
        int known = p->vals[v].known;
        p->vals[v] = p->bind[i];
        p->vals[v].known = known;
    }
}

/* What planning decides for node i. */
static int plan_node(lstm__plan *p, int i)
{
    lstm_session *s = p->s;
    const lstm__graph *g = p->g;
    const lstm__node *n = &g->nodes[i];
    p->mode[i] = LSTM__NODE_SKIP;
    p->scratch_size[i] = 0;
    if (n->folded) return LSTM_OK; /* its outputs are constants, set up already */
    if (!n->op || !n->params) {
        lstm__kctx k = {.n = n, .plan = p};
        return lstm__errf(&s->diag, LSTM_EUNSUPPORTED, "%s: %s", lstm__klabel(&k),
                          n->support ? n->support : "not supported");
    }
    int rc = carry_setup(p, i);
    if (rc) return rc;
    int late = (n->op->flags & LSTM__OPF_RUN_SHAPES) != 0;
    int known = !late && !(n->op->flags & LSTM__OPF_RANDOM);
    for (int j = 0; j < n->n_in + n->n_implicit; j++) {
        int v = j < n->n_in ? n->in[j] : n->implicit[j - n->n_in];
        if (v < 0) continue;
        late |= p->vclass[v] == LSTM__VC_LATE;
        known &= p->vclass[v] == LSTM__VC_CONST || p->vclass[v] == LSTM__VC_KNOWN ||
                 ((n->op->flags & LSTM__OPF_SHAPE_ONLY) && j < n->n_in);
    }
    if (late && (n->op->flags & LSTM__OPF_PLANNABLE)) {
        late = 0; /* its prepare says whether it can plan its outputs */
        for (int j = 0; j < n->n_in + n->n_implicit; j++) {
            int v = j < n->n_in ? n->in[j] : n->implicit[j - n->n_in];
            late |= v >= 0 && p->vclass[v] == LSTM__VC_LATE;
        }
    }
    lstm__kctx k;
    node_args(p, i, &k);
    k.planning = 1;
    for (int j = 0; j < n->n_out; j++)
        if (k.out[j]) memset(k.out[j], 0, sizeof *k.out[j]);
    if (!late) {
        rc = n->op->prepare(&k);
        if (rc == LSTM__DEFER) {
            lstm__diag_clear(&s->diag);
            late = 1;
        } else if (rc) {
            return rc;
        }
    }
    if (late) {
        p->mode[i] = LSTM__NODE_LATE;
        for (int j = 0; j < n->n_out; j++)
            if (k.out[j]) p->vclass[p->outv[p->kout_off[i] + j]] = LSTM__VC_LATE;
        return LSTM_OK;
    }
    if ((rc = carry_reserve(p, &k))) return rc;
    p->scratch_size[i] = k.scratch_size;
    if (!known) {
        p->mode[i] = LSTM__NODE_STATIC;
        for (int j = 0; j < n->n_out; j++)
            if (k.out[j]) p->vclass[n->out[j]] = LSTM__VC_DYN;
        return LSTM_OK;
    }
    /* Every input known: compute it now, once per plan. */
    uint64_t need = k.scratch_size;
    for (int j = 0; j < n->n_out; j++) need += k.out[j] ? k.out[j]->nbytes : 0;
    if (!lstm__may_hold(s, 0, need))
        return lstm__refuse(p, &k, "planning its outputs and scratch", NULL, 0, need);
    for (int j = 0; j < n->n_out; j++) {
        if (!k.out[j]) continue;
        k.out[j]->data = lstm__pool_alloc(&p->plan_pool, k.out[j]->nbytes);
        if (!k.out[j]->data)
            return lstm__errf(&s->diag, LSTM_ENOMEM, "out of memory planning %s", lstm__klabel(&k));
        k.out[j]->known = 1;
        p->vclass[n->out[j]] = LSTM__VC_KNOWN;
    }
    k.scratch = lstm__pool_alloc(&p->plan_pool, k.scratch_size);
    count_pool(p);
    if (!k.scratch)
        return lstm__errf(&s->diag, LSTM_ENOMEM, "out of memory planning %s", lstm__klabel(&k));
    k.planning = 0;
    return n->op->run(&k);
}

static int plan(lstm__plan *p)
{
    lstm_session *s = p->s;
    const lstm__graph *g = p->g;
    reset_memory(p);
    p->planned = 0;
    p->epoch++; /* before the nodes: subplans made while planning (If) belong to this plan */
    memset(p->vals, 0, sizeof *p->vals * (size_t)p->n_vals);
    memset(p->vclass, 0, (size_t)p->n_vals);
    memset(p->value_deps, 0, (size_t)p->n_bind);
    for (int v = 0; v < g->n_values; v++) {
        const lstm__value *val = &g->values[v];
        if (!val->init || (val->flags & LSTM__V_INPUT)) continue;
        lstm__rt *t = &p->vals[v];
        t->dtype = val->init->dtype;
        t->rank = val->init->rank;
        memcpy(t->dims, val->init->dims, sizeof t->dims);
        t->nelem = val->init->nelem;
        t->nbytes = val->init->nbytes;
        t->data = val->init->data;
        t->known = 1;
        p->vclass[v] = LSTM__VC_CONST;
    }
    for (int i = 0; i < p->n_bind; i++) {
        int v = i < g->n_inputs ? g->input_values[i] : g->outer_values[i - g->n_inputs];
        const lstm__rt *b = &p->bind[i];
        p->bind_planned[i] = *b;
        if (!b->input) {
            const lstm__value *val = &g->values[v];
            if (val->init) { /* the initializer is the default */
                lstm__rt *t = &p->vals[v];
                t->dtype = val->init->dtype;
                t->rank = val->init->rank;
                memcpy(t->dims, val->init->dims, sizeof t->dims);
                t->nelem = val->init->nelem;
                t->nbytes = val->init->nbytes;
                t->data = val->init->data;
                t->known = 1;
                p->vclass[v] = LSTM__VC_CONST;
                continue;
            }
            if (p->vclass[v] == LSTM__VC_CONST) continue; /* a constant outer value */
            lstm__kctx k = {.n = g->owner, .plan = p->parent};
            if (!p->parent)
                return lstm__errf(&s->diag, LSTM_EINVAL, "input '%s' is not bound",
                                  g->inputs[i].name);
            return lstm__errf(&s->diag, LSTM_EINVAL, "%s: %s '%s' has no value", lstm__klabel(&k),
                              i < g->n_inputs ? "subgraph input" : "outer value",
                              g->values[v].name);
        }
        p->vals[v] = *b;
        p->vals[v].known = p->bind_fixed[i];
        p->vclass[v] = p->bind_fixed[i]                           ? LSTM__VC_KNOWN
                       : b->kind == LSTM__VAL_SEQUENCE || b->none ? LSTM__VC_LATE
                                                                  : LSTM__VC_DYN;
    }
    for (int i = 0; i < g->n_nodes; i++) {
        if (s->m->abort && (i & 1023) == 1023 && s->m->abort(s->m->abort_ud))
            return lstm__errf(&s->diag, LSTM_EABORTED, "planning aborted at node #%d", i);
        int rc = plan_node(p, i);
        if (rc) return rc;
    }
    int rc = place(p);
    if (rc) return rc;
    /* Keep the values of the bindings the plan read, to notice when they change. */
    for (int i = 0; i < p->n_bind; i++) {
        if (!p->value_deps[i]) continue;
        const lstm__rt *b = &p->bind[i];
        int v = i < g->n_inputs ? g->input_values[i] : g->outer_values[i - g->n_inputs];
        rc = lstm__buf_reserve(p, &p->dep_copy[i], b->nbytes, NULL, "the copy planning keeps of",
                               g->values[v].name);
        if (rc) return rc;
        if (b->nbytes) memcpy(p->dep_copy[i].p, b->data, b->nbytes);
    }
    p->planned = 1;
    p->parent_epoch = p->parent ? p->parent->epoch : 0;
    return LSTM_OK;
}

/* ---- running ---- */

static int same_type(const lstm__rt *a, const lstm__rt *b)
{
    if (a->input != b->input || a->kind != b->kind || a->none != b->none || a->dtype != b->dtype)
        return 0;
    /* A sequence (or an empty optional) is a late value: the nodes reading it are prepared at
    ** run time, so the plan does not depend on its length or its tensors' shapes. */
    if (a->kind == LSTM__VAL_SEQUENCE || a->none) return 1;
    if (a->rank != b->rank) return 0;
    for (int d = 0; d < a->rank; d++)
        if (a->dims[d] != b->dims[d]) return 0;
    return 1;
}

/* Outer values read the parent plan's values. */
static void bind_outer(lstm__plan *p)
{
    const lstm__graph *g = p->g;
    for (int j = 0; j < g->n_outer; j++) {
        int i = g->n_inputs + j, v = g->outer_values[j], pv = g->values[v].outer;
        if (g->values[v].init) continue; /* a constant of the parent (folded or initializer) */
        lstm__rt r = p->parent->vals[pv];
        unsigned char c = p->parent->vclass[pv];
        p->bind_fixed[i] = c == LSTM__VC_CONST || c == LSTM__VC_KNOWN;
        lstm__plan_bind(p, i, &r);
    }
}

/* The memory of node k's output j, a value of this plan (what and name for messages). */
static int out_reserve(lstm__plan *p, lstm__kctx *k, int j, size_t n)
{
    int v = p->outv[p->kout_off[k->n - p->g->nodes] + j];
    char what[32];
    snprintf(what, sizeof what, "output %d", j);
    int named = v < p->g->n_values && p->g->values[v].name[0];
    return lstm__buf_reserve(p, &p->vbuf[v], n, k, named ? "output" : what,
                             named ? p->g->values[v].name : NULL);
}

static int late_outputs(lstm__plan *p, lstm__kctx *k)
{
    const lstm__node *n = k->n;
    for (int j = 0; j < n->n_out; j++) {
        lstm__rt *t = k->out[j];
        if (!t || !t->dtype || t->kind != LSTM__VAL_TENSOR) continue;
        int rc = out_reserve(p, k, j, t->nbytes);
        if (rc) return rc;
        t->data = p->vbuf[p->outv[p->kout_off[k->n - p->g->nodes] + j]].p;
    }
    lstm__buf *sb = &p->late_scratch[k->n - p->g->nodes];
    int rc = lstm__buf_reserve(p, sb, k->scratch_size, k, "its scratch", NULL);
    if (rc) return rc;
    k->scratch = sb->p;
    return carry_reserve(p, k);
}

/* A node the node before it absorbed at load (fuse.c): its input 0 already holds its output. */
static int run_fused(lstm__kctx *k)
{
    const lstm__rt *x = k->in[0];
    lstm__rt *y = k->out[0];
    if (y && y->nbytes && y->data != x->data) memcpy(y->data, x->data, y->nbytes);
    return LSTM_OK;
}

int lstm__plan_ready(lstm__plan *p)
{
    int rc;
    if (p->parent) bind_outer(p);
    if (p->planned && p->parent && p->parent_epoch != p->parent->epoch) p->planned = 0;
    for (int i = 0; p->planned && i < p->n_bind; i++) {
        if (!same_type(&p->bind[i], &p->bind_planned[i]))
            p->planned = 0;
        else if (p->value_deps[i] && p->bind[i].nbytes &&
                 memcmp(p->dep_copy[i].p, p->bind[i].data, p->bind[i].nbytes) != 0)
            p->planned = 0; /* a value planning read has changed */
    }
    if (!p->planned && (rc = plan(p))) {
        p->planned = 0;
        free_memory(p); /* a refused plan keeps nothing */
        return rc;
    }
    return LSTM_OK;
}

int lstm__plan_output_planned(const lstm__plan *p, int i)
{
    int v = p->g->output_values[i];
    const lstm__rt *t = &p->vals[v];
    return p->vclass[v] != LSTM__VC_LATE && p->vclass[v] != LSTM__VC_NONE &&
           t->kind == LSTM__VAL_TENSOR && !t->none && t->dtype;
}

int lstm__plan_exec(lstm__plan *p)
{
    lstm_session *s = p->s;
    const lstm__graph *g = p->g;
    int rc = lstm__plan_ready(p);
    if (rc) return rc;
    set_bound(p);
    lstm__seq_recycle(p);
    for (int i = 0; i < g->n_nodes; i++) {
        if (p->mode[i] == LSTM__NODE_SKIP) continue;
        if (s->m->abort && s->m->abort(s->m->abort_ud)) {
            char path[512];
            return lstm__errf(&s->diag, LSTM_EABORTED, "%srun aborted before node #%d",
                              lstm__graph_path(g, path, sizeof path), i);
        }
        lstm__kctx k;
        node_args(p, i, &k);
        uint64_t t0 = s->profiling ? lstm__now_ns() : 0;
        const lstm__node *n = &g->nodes[i];
        if (p->mode[i] == LSTM__NODE_LATE) {
            for (int j = 0; j < n->n_out; j++)
                if (k.out[j]) {
                    lstm__seq *q = k.out[j]->seq;
                    memset(k.out[j], 0, sizeof *k.out[j]);
                    k.out[j]->seq = q;
                }
            rc = n->op->prepare(&k);
            if (!rc) rc = late_outputs(p, &k);
        } else {
            k.scratch = p->scratch[i];
            k.scratch_size = p->scratch_size[i];
            rc = LSTM_OK;
        }
        if (!rc) rc = n->fused ? run_fused(&k) : n->op->run(&k);
        if (rc) return rc;
        if (s->profiling) p->prof_ns[i] += lstm__now_ns() - t0;
    }
    return LSTM_OK;
}

lstm__plan *lstm__subplan(lstm__kctx *k, int j, int streams)
{
    lstm__plan *p = k->plan;
    if (lstm__no_plan(k)) return NULL;
    int i = (int)(k->n - p->g->nodes);
    if (!p->sub[i] || j < 0 || j >= k->n->n_subgraphs) return NULL;
    if (!p->sub[i][j]) {
        const lstm__graph *sg = lstm__node_subgraph(k->n, j, NULL);
        p->sub[i][j] = lstm__plan_new(p->s, sg, p, streams && p->streams);
        if (!p->sub[i][j]) lstm__errf(k->d, LSTM_ENOMEM, "out of memory for %s", lstm__klabel(k));
    }
    return p->sub[i][j];
}

/* ---- run-shaped outputs ---- */

int lstm__out_alloc(lstm__kctx *k, int idx, int dtype, int rank, const int64_t *dims)
{
    lstm__rt *t = k->out[idx];
    if (!t) return LSTM_OK;
    lstm__seq *q = t->seq;
    memset(t, 0, sizeof *t);
    t->seq = q;
    int rc = lstm__rt_set(k, t, dtype, rank, dims);
    if (rc || lstm__no_plan(k)) return k->d->code;
    lstm__plan *p = k->plan;
    if ((rc = out_reserve(p, k, idx, t->nbytes))) return rc;
    t->data = p->vbuf[p->outv[p->kout_off[k->n - p->g->nodes] + idx]].p;
    return LSTM_OK;
}

int lstm__out_none(lstm__kctx *k, int idx)
{
    lstm__rt *t = k->out[idx];
    if (!t) return LSTM_OK;
    lstm__seq *q = t->seq;
    memset(t, 0, sizeof *t);
    t->seq = q;
    t->none = 1;
    return LSTM_OK;
}
