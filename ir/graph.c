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
    g->values[v].outer = -1;
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

const char *lstm__node_label_opset(const lstm__graph *g, const lstm__node *n, char *buf, size_t len)
{
    if (n->name && n->name[0])
        snprintf(buf, len, "node '%.200s' (%s, opset %lld)", n->name, n->op_type,
                 (long long)n->opset);
    else
        snprintf(buf, len, "node #%d (%s, opset %lld)", g ? (int)(n - g->nodes) : 0, n->op_type,
                 (long long)n->opset);
    return buf;
}

const char *lstm__graph_path(const lstm__graph *g, char *buf, size_t len)
{
    if (!len) return buf;
    buf[0] = '\0';
    if (!g->parent) return buf;
    lstm__graph_path(g->parent, buf, len);
    size_t o = strlen(buf);
    const lstm__node *n = g->owner;
    if (n->name && n->name[0])
        snprintf(buf + o, len - o, "node '%s' %s: ", n->name, g->attr_name);
    else
        snprintf(buf + o, len - o, "node #%d (%s) %s: ", (int)(n - g->parent->nodes), n->op_type,
                 g->attr_name);
    return buf;
}

lstm__graph *lstm__node_subgraph(const lstm__node *n, int k, const lstm__attr **attr)
{
    for (int i = 0; i < n->n_attr; i++) {
        const lstm__attr *a = &n->attrs[i];
        if (a->type == LSTM__A_GRAPH && a->g && k-- == 0) {
            if (attr) *attr = a;
            return a->g;
        }
        if (a->type != LSTM__A_GRAPHS) continue;
        if ((size_t)k < a->n) {
            if (attr) *attr = a;
            return a->gs[k];
        }
        k -= (int)a->n;
    }
    return NULL;
}

/* Names a graph's subgraphs may read from it: every node input and graph output inside them. */
static size_t outer_refs(const lstm__graph *g)
{
    size_t r = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        const lstm__node *n = &g->nodes[i];
        lstm__graph *sg;
        for (int k = 0; (sg = lstm__node_subgraph(n, k, NULL)); k++) {
            r += (size_t)sg->n_outputs + outer_refs(sg);
            for (int j = 0; j < sg->n_nodes; j++) r += (size_t)sg->nodes[j].n_in;
        }
    }
    return r;
}

/* The value of g (defined so far) with this name, reading enclosing graphs as ONNX scoping
** does: a name defined further out gets a value here that reads the parent's. -1: none. */
static int resolve(lstm__graph *g, const char *name)
{
    int v = lstm__graph_find(g, name);
    if (v >= 0 || !g->parent) return v;
    int pv = resolve(g->parent, name);
    if (pv == -2) return -2;
    if (pv < 0) return -1;
    if ((size_t)g->n_values >= g->cap_values) return -2; /* cannot happen: counted before */
    v = add_value(g, name);
    g->values[v].flags = LSTM__V_OUTER;
    g->values[v].outer = pv;
    g->values[v].decl = g->parent->values[pv].decl;
    g->values[v].init = g->parent->values[pv].init;
    g->outer_values[g->n_outer++] = v;
    return v;
}

static int link_graph(lstm__graph *g, lstm__diag *d);

/* Link the subgraphs of node n and list the values of g they read as its implicit inputs. */
static int link_subgraphs(lstm__graph *g, lstm__node *n, lstm__diag *d)
{
    size_t cap = 0;
    lstm__graph *sg;
    for (int k = 0; (sg = lstm__node_subgraph(n, k, NULL)); k++) {
        int rc = link_graph(sg, d);
        if (rc) return rc;
        cap += (size_t)sg->n_outer;
    }
    n->implicit = lstm__pool_array(g->mem, cap + 1, sizeof(int));
    if (!n->implicit) return lstm__errf(d, LSTM_ENOMEM, "out of memory linking the graph");
    n->n_implicit = 0;
    for (int k = 0; (sg = lstm__node_subgraph(n, k, NULL)); k++)
        for (int j = 0; j < sg->n_outer; j++) {
            int pv = sg->values[sg->outer_values[j]].outer, seen = 0;
            for (int q = 0; q < n->n_implicit && !seen; q++) seen = n->implicit[q] == pv;
            if (!seen) n->implicit[n->n_implicit++] = pv;
        }
    return LSTM_OK;
}

int lstm__graph_link(lstm__graph *g, lstm__diag *d)
{
    return link_graph(g, d);
}

static int link_graph(lstm__graph *g, lstm__diag *d)
{
    char lb[160], path[512];
    lstm__graph_path(g, path, sizeof path);
    if (g->depth > LSTM__MAX_GRAPH_DEPTH)
        return lstm__errf(d, LSTM_ELIMIT, "%ssubgraphs nest %d deep, the limit is %d", path,
                          g->depth, LSTM__MAX_GRAPH_DEPTH);
    /* Upper bound on distinct names: inputs + initializers + node outputs + outer reads. */
    size_t outer = g->parent ? outer_refs(g) : 0,
           max_values = (size_t)g->n_inputs + (size_t)g->n_inits + outer;
    if (g->parent)
        for (int i = 0; i < g->n_nodes; i++) max_values += (size_t)g->nodes[i].n_in;
    max_values += (size_t)g->n_outputs;
    for (int i = 0; i < g->n_nodes; i++) max_values += (size_t)g->nodes[i].n_out;
    if (max_values > (1u << 28))
        return lstm__errf(d, LSTM_ELIMIT, "%sgraph has too many values", path);
    size_t cap = 16;
    while (cap < 2 * max_values) cap *= 2;
    g->values = lstm__pool_array(g->mem, max_values ? max_values : 1, sizeof *g->values);
    g->cap_values = max_values;
    g->outer_values = lstm__pool_array(g->mem, max_values + 1, sizeof(int));
    g->hash = lstm__pool_array(g->mem, cap, sizeof *g->hash);
    g->input_values = lstm__pool_array(g->mem, (size_t)g->n_inputs + 1, sizeof(int));
    g->output_values = lstm__pool_array(g->mem, (size_t)g->n_outputs + 1, sizeof(int));
    if (!g->values || !g->hash || !g->input_values || !g->output_values || !g->outer_values)
        return lstm__errf(d, LSTM_ENOMEM, "out of memory linking the graph");
    g->hash_cap = (int)cap;
    memset(g->hash, 0xff, cap * sizeof *g->hash);
    g->n_values = 0;
    g->n_outer = 0;

    for (int i = 0; i < g->n_inputs; i++) {
        const char *nm = g->inputs[i].name;
        if (!nm[0])
            return lstm__errf(d, LSTM_EMODEL, "%sgraph input #%d has an empty name", path, i);
        if (lstm__graph_find(g, nm) >= 0)
            return lstm__errf(d, LSTM_EMODEL, "%sgraph input '%s' is declared twice", path, nm);
        int v = add_value(g, nm);
        g->values[v].flags = LSTM__V_INPUT;
        g->values[v].decl = &g->inputs[i];
        g->input_values[i] = v;
    }
    for (int i = 0; i < g->n_inits; i++) {
        const char *nm = g->inits[i].name;
        if (!nm[0])
            return lstm__errf(d, LSTM_EMODEL, "%sinitializer #%d has an empty name", path, i);
        int v = lstm__graph_find(g, nm);
        if (v >= 0 && (g->values[v].flags & LSTM__V_INIT))
            return lstm__errf(d, LSTM_EMODEL, "%sinitializer '%s' is given twice", path, nm);
        /* An initializer with the name of a graph input is that input's default value. */
        if (v < 0) v = add_value(g, nm);
        g->values[v].flags |= LSTM__V_INIT;
        g->values[v].init = &g->inits[i].t;
    }
    for (int i = 0; i < g->n_nodes; i++) {
        lstm__node *n = &g->nodes[i];
        n->in = lstm__pool_array(g->mem, (size_t)n->n_in + 1, sizeof(int));
        n->out = lstm__pool_array(g->mem, (size_t)n->n_out + 1, sizeof(int));
        if (!n->in || !n->out) return lstm__errf(d, LSTM_ENOMEM, "out of memory linking the graph");
        for (int k = 0; k < n->n_in; k++) {
            const char *nm = n->in_names[k];
            n->in[k] = -1;
            if (!nm[0]) continue;
            int v = resolve(g, nm);
            if (v < 0)
                return lstm__errf(d, LSTM_EMODEL,
                                  "%s%s: input %d '%s' is not a graph input, an initializer or "
                                  "the output of an earlier node%s",
                                  path, lstm__node_label(g, n, lb, sizeof lb), k, nm,
                                  g->parent ? " of this graph or an enclosing one" : "");
            n->in[k] = v;
        }
        int rc = link_subgraphs(g, n, d);
        if (rc) return rc;
        for (int k = 0; k < n->n_out; k++) {
            const char *nm = n->out_names[k];
            n->out[k] = -1;
            if (!nm[0]) continue;
            int v = lstm__graph_find(g, nm);
            if (v >= 0) {
                const lstm__value *pv = &g->values[v];
                const char *what = pv->producer >= 0             ? "the output of an earlier node"
                                   : (pv->flags & LSTM__V_INPUT) ? "a graph input"
                                   : (pv->flags & LSTM__V_OUTER)
                                       ? "a value of an enclosing graph read earlier here"
                                       : "an initializer";
                return lstm__errf(d, LSTM_EMODEL, "%s%s: output %d '%s' is already %s", path,
                                  lstm__node_label(g, n, lb, sizeof lb), k, nm, what);
            }
            v = add_value(g, nm);
            g->values[v].producer = i;
            n->out[k] = v;
        }
    }
    for (int i = 0; i < g->n_outputs; i++) {
        const char *nm = g->outputs[i].name;
        int v = resolve(g, nm);
        if (v < 0)
            return lstm__errf(d, LSTM_EMODEL,
                              "%sgraph output '%s' is not produced by any node, input or "
                              "initializer%s",
                              path, nm, g->parent ? " of this graph or an enclosing one" : "");
        /* One value may be listed as several outputs (a Loop body whose state is also its
        ** scan output: PyTorch's scripted loops); each position reads it. */
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
    while (g->parent) g = g->parent;
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
