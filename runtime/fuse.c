/*
** fuse.c — operator fusion when a model loads, after constant folding and before packing: a
** Conv with constant float32 weights absorbs
**   - the BatchNormalization right after it (inference, spatial, constant float32 scale, B,
**     mean and var): W' = W a and B' = (B - mean) a + beta per output channel, with
**     a = scale / sqrt(var + epsilon) computed in double as BatchNormalization does;
**   - then a Relu, or a Clip with constant bounds: applied in the Conv's output pass;
** when each absorbed node reads the previous node's output, which nothing else reads (no other
** node, no subgraph) and which is not a graph output. The model stays as written (lstm-dump
** shows it so): the folded weights live in the Conv's pack (runtime state, op_conv.c), and the
** absorbed nodes are marked fused; a fused node runs as a copy of its input 0, or not at all
** when the plan gives its output the input's memory (plan.c). LSTM_FUSE=0 in the environment
** turns fusion off when a model opens (tests compare both).
*/
#include "fuse.h"
#include "ops/conv.h"
#include "ops/ops.h"
#include "ops/registry.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int lstm__fuse_enabled(void)
{
    const char *e = getenv("LSTM_FUSE");
    return !(e && e[0] == '0' && !e[1]);
}

static const lstm__tensor *constant(const lstm__graph *g, const lstm__node *n, int k)
{
    const lstm__value *v = lstm__node_input(g, n, k);
    return v && v->init && !(v->flags & LSTM__V_INPUT) ? v->init : NULL;
}

static const lstm__tensor *const_f32(const lstm__graph *g, const lstm__node *n, int k, int64_t len)
{
    const lstm__tensor *t = constant(g, n, k);
    return t && t->dtype == LSTM_DT_FLOAT && (int64_t)t->nelem == len ? t : NULL;
}

/* The one node reading value v (a node input or a subgraph's outer value), or -1 when none,
** several, or v is a graph output. */
static int only_reader(const lstm__graph *g, const int *readers, int v)
{
    if (v < 0 || readers[v] != 1 || (g->values[v].flags & LSTM__V_OUTPUT)) return -1;
    for (int i = 0; i < g->n_nodes; i++) {
        const lstm__node *n = &g->nodes[i];
        for (int j = 0; j < n->n_in; j++)
            if (n->in[j] == v) return i;
    }
    return -1; /* read by a subgraph */
}

static int usable(const lstm__node *n, const char *op)
{
    return n->op && n->params && !n->folded && !n->fused && !n->support && !n->fusion &&
           !n->n_subgraphs && !strcmp(n->op_type, op) && !n->domain[0];
}

/* Output 0 only (the others absent). */
static int one_output(const lstm__node *n)
{
    for (int j = 1; j < n->n_out; j++)
        if (n->out[j] >= 0) return 0;
    return n->n_out >= 1 && n->out[0] >= 0;
}

/* The BatchNormalization node b folded into W [M, per] and B [M] (B may start as NULL: zeros). */
static int fold_bn(lstm_model *m, const lstm__graph *g, const lstm__node *b, int64_t M, int64_t per,
                   const float *W, const float *B, float **Wf, float **Bf)
{
    const lstm__bn_params *p = b->params;
    const lstm__tensor *sc = const_f32(g, b, 1, M), *bb = const_f32(g, b, 2, M),
                       *mean = const_f32(g, b, 3, M), *var = const_f32(g, b, 4, M);
    if (!sc || !bb || !mean || !var || p->spatial != 1) return 0;
    float *w = lstm__pool_array(g->mem, (size_t)(M * per), sizeof(float));
    float *bias = lstm__pool_array(g->mem, (size_t)M, sizeof(float));
    if (!w || !bias) return -1;
    (void)m;
    const float *s = sc->data, *be = bb->data, *mu = mean->data, *va = var->data;
    for (int64_t c = 0; c < M; c++) {
        double a = (double)s[c] / sqrt((double)va[c] + (double)p->epsilon);
        for (int64_t i = 0; i < per; i++) w[c * per + i] = (float)(W[c * per + i] * a);
        bias[c] = (float)(((B ? (double)B[c] : 0.0) - mu[c]) * a + be[c]);
    }
    *Wf = w;
    *Bf = bias;
    return 1;
}

/* The activation of node a (Relu, or Clip with constant bounds), or 0. */
static int activation(const lstm__graph *g, const lstm__node *a, lstm__conv_act *act)
{
    if (usable(a, "Relu")) {
        *act = (lstm__conv_act){0.0f, INFINITY};
        return 1;
    }
    if (!usable(a, "Clip")) return 0;
    const lstm__elt_params *p = a->params;
    if (a->op->since < 11) {
        *act = (lstm__conv_act){p->alpha, p->beta};
        return 1;
    }
    float lo = -FLT_MAX, hi = FLT_MAX; /* absent: float's lowest / max, as op_eltwise.c */
    for (int k = 1; k < a->n_in && k < 3; k++) {
        if (a->in[k] < 0) continue;
        const lstm__tensor *t = const_f32(g, a, k, 1);
        if (!t) return 0;
        *(k == 1 ? &lo : &hi) = *(const float *)t->data;
    }
    *act = (lstm__conv_act){lo, hi};
    return 1;
}

static int fuse_conv(lstm_model *m, lstm__graph *g, const int *readers, lstm__node *c)
{
    const lstm__tensor *W = constant(g, c, 1), *B = c->n_in > 2 ? constant(g, c, 2) : NULL;
    if (!usable(c, "Conv") || !one_output(c) || !W || W->dtype != LSTM_DT_FLOAT || W->rank < 3 ||
        (c->n_in > 2 && c->in[2] >= 0 && (!B || B->dtype != LSTM_DT_FLOAT)))
        return 0;
    const int64_t M = W->dims[0], per = (int64_t)W->nelem / (M ? M : 1);
    if (M < 1 || (B && (int64_t)B->nelem != M)) return 0;
    lstm__conv_fusion f = {0};
    int next = only_reader(g, readers, c->out[0]);
    lstm__node *bn = NULL, *act = NULL;
    if (next >= 0 && usable(&g->nodes[next], "BatchNormalization") && one_output(&g->nodes[next]) &&
        g->nodes[next].in[0] == c->out[0]) {
        float *wf, *bf;
        int rc = fold_bn(m, g, &g->nodes[next], M, per, W->data, B ? B->data : NULL, &wf, &bf);
        if (rc < 0) return -1;
        if (rc > 0) {
            bn = &g->nodes[next];
            f.W = wf;
            f.B = bf;
            next = only_reader(g, readers, bn->out[0]);
        }
    }
    lstm__conv_act a;
    const int from = bn ? bn->out[0] : c->out[0];
    if (next >= 0 && one_output(&g->nodes[next]) && g->nodes[next].in[0] == from &&
        activation(g, &g->nodes[next], &a)) {
        lstm__conv_act *keep = lstm__pool_alloc(g->mem, sizeof *keep);
        if (!keep) return -1;
        *keep = a;
        f.act = keep;
        act = &g->nodes[next];
    }
    if (!bn && !act) return 0;
    lstm__conv_fusion *keep = lstm__pool_alloc(g->mem, sizeof *keep);
    if (!keep) return -1;
    *keep = f;
    c->fusion = keep;
    if (bn) bn->fused = 1;
    if (act) act->fused = 1;
    return (bn != NULL) + (act != NULL);
}

int lstm__fuse_graph(lstm_model *m, lstm__graph *g)
{
    if (!lstm__fuse_enabled()) return LSTM_OK;
    int *readers = lstm__calloc(&m->alloc, (size_t)g->n_values + 1, sizeof(int));
    if (!readers) return lstm__errf(&m->diag, LSTM_ENOMEM, "out of memory fusing operators");
    for (int i = 0; i < g->n_nodes; i++) {
        const lstm__node *n = &g->nodes[i];
        for (int j = 0; j < n->n_in + n->n_implicit; j++) {
            int v = j < n->n_in ? n->in[j] : n->implicit[j - n->n_in];
            if (v >= 0) readers[v]++;
        }
    }
    int rc = LSTM_OK;
    for (int i = 0; i < g->n_nodes && rc == LSTM_OK; i++)
        if (fuse_conv(m, g, readers, &g->nodes[i]) < 0)
            rc = lstm__errf(&m->diag, LSTM_ENOMEM, "out of memory fusing operators");
    lstm__free(&m->alloc, readers);
    return rc;
}
