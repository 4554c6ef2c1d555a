/* graph.c — name resolution and structural checks of the runtime graph. */
#include "graph.h"

#include <stdio.h>
#include <string.h>

static uint32_t hash_name(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

int lstm__graph_find(const lstm__graph *g, const char *name)
{
    if (!g->hash || !name) return -1;
    uint32_t mask = (uint32_t)g->hash_cap - 1;
    for (uint32_t i = hash_name(name) & mask;; i = (i + 1) & mask) {
        int v = g->hash[i];
        if (v < 0) return -1;
        if (strcmp(g->values[v].name, name) == 0) return v;
    }
}

/* Insert a new value; the caller has checked that the name is not present. */
static int add_value(lstm__graph *g, const char *name)
{
    int v = g->n_values++;
    g->values[v].name = name;
    g->values[v].producer = -1;
    uint32_t mask = (uint32_t)g->hash_cap - 1;
    uint32_t i = hash_name(name) & mask;
    while (g->hash[i] >= 0) i = (i + 1) & mask;
    g->hash[i] = v;
    return v;
}

const char *lstm__node_label(const lstm__graph *g, const lstm__node *n, char *buf, size_t len)
{
    if (n->name && n->name[0])
        snprintf(buf, len, "node '%s' (%s)", n->name, n->op_type);
    else
        snprintf(buf, len, "node #%d (%s)", (int)(n - g->nodes), n->op_type);
    return buf;
}

int lstm__graph_link(lstm__graph *g, lstm__diag *d)
{
    char lb[160];
    /* Upper bound on distinct names: inputs + initializers + node outputs. */
    size_t max_values = (size_t)g->n_inputs + (size_t)g->n_inits;
    for (int i = 0; i < g->n_nodes; i++) max_values += (size_t)g->nodes[i].n_out;
    if (max_values > (1u << 28)) return lstm__errf(d, LSTM_ELIMIT, "graph has too many values");
    size_t cap = 16;
    while (cap < 2 * max_values) cap *= 2;
    g->values = lstm__pool_array(&g->pool, max_values ? max_values : 1, sizeof *g->values);
    g->hash = lstm__pool_array(&g->pool, cap, sizeof *g->hash);
    g->input_values = lstm__pool_array(&g->pool, (size_t)g->n_inputs + 1, sizeof(int));
    g->output_values = lstm__pool_array(&g->pool, (size_t)g->n_outputs + 1, sizeof(int));
    if (!g->values || !g->hash || !g->input_values || !g->output_values)
        return lstm__errf(d, LSTM_ENOMEM, "out of memory linking the graph");
    g->hash_cap = (int)cap;
    memset(g->hash, 0xff, cap * sizeof *g->hash);
    g->n_values = 0;

    for (int i = 0; i < g->n_inputs; i++) {
        const char *nm = g->inputs[i].name;
        if (!nm[0]) return lstm__errf(d, LSTM_EMODEL, "graph input #%d has an empty name", i);
        if (lstm__graph_find(g, nm) >= 0)
            return lstm__errf(d, LSTM_EMODEL, "graph input '%s' is declared twice", nm);
        int v = add_value(g, nm);
        g->values[v].flags = LSTM__V_INPUT;
        g->values[v].decl = &g->inputs[i];
        g->input_values[i] = v;
    }
    for (int i = 0; i < g->n_inits; i++) {
        const char *nm = g->inits[i].name;
        if (!nm[0]) return lstm__errf(d, LSTM_EMODEL, "initializer #%d has an empty name", i);
        int v = lstm__graph_find(g, nm);
        if (v >= 0 && (g->values[v].flags & LSTM__V_INIT))
            return lstm__errf(d, LSTM_EMODEL, "initializer '%s' is given twice", nm);
        /* An initializer with the name of a graph input is that input's default value. */
        if (v < 0) v = add_value(g, nm);
        g->values[v].flags |= LSTM__V_INIT;
        g->values[v].init = &g->inits[i].t;
    }
    for (int i = 0; i < g->n_nodes; i++) {
        lstm__node *n = &g->nodes[i];
        n->in = lstm__pool_array(&g->pool, (size_t)n->n_in + 1, sizeof(int));
        n->out = lstm__pool_array(&g->pool, (size_t)n->n_out + 1, sizeof(int));
        if (!n->in || !n->out) return lstm__errf(d, LSTM_ENOMEM, "out of memory linking the graph");
        for (int k = 0; k < n->n_in; k++) {
            const char *nm = n->in_names[k];
            n->in[k] = -1;
            if (!nm[0]) continue;
            int v = lstm__graph_find(g, nm);
            if (v < 0)
                return lstm__errf(d, LSTM_EMODEL,
                                  "%s: input %d '%s' is not a graph input, an initializer or "
                                  "the output of an earlier node",
                                  lstm__node_label(g, n, lb, sizeof lb), k, nm);
            n->in[k] = v;
        }
        for (int k = 0; k < n->n_out; k++) {
            const char *nm = n->out_names[k];
            n->out[k] = -1;
            if (!nm[0]) continue;
            int v = lstm__graph_find(g, nm);
            if (v >= 0) {
                const lstm__value *pv = &g->values[v];
                const char *what = pv->producer >= 0             ? "the output of an earlier node"
                                   : (pv->flags & LSTM__V_INPUT) ? "a graph input"
                                                                 : "an initializer";
                return lstm__errf(d, LSTM_EMODEL, "%s: output %d '%s' is already %s",
                                  lstm__node_label(g, n, lb, sizeof lb), k, nm, what);
            }
            v = add_value(g, nm);
            g->values[v].producer = i;
            n->out[k] = v;
        }
    }
    for (int i = 0; i < g->n_outputs; i++) {
        const char *nm = g->outputs[i].name;
        int v = lstm__graph_find(g, nm);
        if (v < 0)
            return lstm__errf(d, LSTM_EMODEL,
                              "graph output '%s' is not produced by any node, input or "
                              "initializer",
                              nm);
        if (g->values[v].flags & LSTM__V_OUTPUT)
            return lstm__errf(d, LSTM_EMODEL, "graph output '%s' is declared twice", nm);
        g->values[v].flags |= LSTM__V_OUTPUT;
        g->output_values[i] = v;
        if (!g->values[v].decl) g->values[v].decl = &g->outputs[i];
    }
    /* value_info shapes describe intermediate values; unknown names are ignored. */
    for (int i = 0; i < g->n_value_info; i++) {
        int v = lstm__graph_find(g, g->value_info[i].name);
        if (v >= 0 && !g->values[v].decl) g->values[v].decl = &g->value_info[i];
    }
    return LSTM_OK;
}

const lstm__value *lstm__node_input(const lstm__graph *g, const lstm__node *n, int k)
{
    if (k < 0 || k >= n->n_in || !n->in || n->in[k] < 0) return NULL;
    return &g->values[n->in[k]];
}

int lstm__node_has_output(const lstm__node *n, int k)
{
    return k >= 0 && k < n->n_out && n->out_names[k][0] != '\0';
}

const lstm__attr *lstm__attr_find(const lstm__node *n, const char *name)
{
    for (int i = 0; i < n->n_attr; i++)
        if (strcmp(n->attrs[i].name, name) == 0) return &n->attrs[i];
    return NULL;
}

int64_t lstm__graph_opset(const lstm__graph *g, const char *domain)
{
    if (strcmp(domain, "ai.onnx") == 0) domain = "";
    for (int i = 0; i < g->n_opsets; i++)
        if (strcmp(g->opsets[i].domain, domain) == 0) return g->opsets[i].version;
    return 0;
}

void lstm__graph_free(lstm__graph *g)
{
    if (!g) return;
    lstm__alloc a = g->alloc;
    lstm__pool_free(&g->pool);
    lstm__free(&a, g);
}

int lstm__value_shape(const lstm__value *v, int64_t dims[LSTM__MAX_RANK])
{
    if (!v) return -1;
    if (v->init) {
        for (int i = 0; i < v->init->rank; i++) dims[i] = v->init->dims[i];
        return v->init->rank;
    }
    if (!v->decl || v->decl->type.kind != LSTM__VK_TENSOR || v->decl->type.rank < 0) return -1;
    for (int i = 0; i < v->decl->type.rank; i++) dims[i] = v->decl->type.dims[i];
    return v->decl->type.rank;
}
