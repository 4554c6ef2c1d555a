/* dump_text.c — the human-readable view, in the spirit of Polygraphy's `inspect model`. */
#include "describe/describe.h"

#include <stdio.h>
#include "dtype.h"
#include "ops/registry.h"

#include <string.h>

static void print_header(lstm__out *f, const lstm__graph *g, const char *path)
{
    lstm__outf(f, "==== ONNX Model ==== %s\n", path);
    /* A model that failed to load may lack any of these. */
    const char *pn = g->producer_name && g->producer_name[0] ? g->producer_name : "?";
    const char *pv = g->producer_version ? g->producer_version : "";
    lstm__outf(f, "    IR version: %lld | producer: %s%s%s | graph: %s\n", (long long)g->ir_version,
               pn, pv[0] ? " " : "", pv, g->name ? g->name : "?");
    lstm__outf(f, "    opsets:");
    for (int i = 0; i < g->n_opsets; i++)
        lstm__outf(f, "%s %s v%lld", i ? "," : "",
                   g->opsets[i].domain[0] ? g->opsets[i].domain : "ai.onnx",
                   (long long)g->opsets[i].version);
    lstm__outf(f, "\n");
    if (g->model_domain && g->model_domain[0]) lstm__outf(f, "    domain: %s\n", g->model_domain);
    if (g->model_version) lstm__outf(f, "    model version: %lld\n", (long long)g->model_version);
    if (g->model_doc && g->model_doc[0]) lstm__outf(f, "    doc: %.200s\n", g->model_doc);
    for (int i = 0; i < g->n_meta; i++)
        lstm__outf(f, "    metadata: %s = %.200s\n", g->meta[i].key, g->meta[i].value);
    if (g->n_functions)
        lstm__outf(f, "    model-local functions: %d (inlined where they are called)\n",
                   g->n_functions);
    if (g->has_training_info) lstm__outf(f, "    training_info present (ignored for inference)\n");
}

static void print_decls(lstm__out *f, const char *ind, const lstm__graph *g, const lstm__decl *dc,
                        int n, const char *title, int inputs)
{
    char dims[256];
    int count = 0;
    for (int i = 0; i < n; i++)
        if (!inputs || !lstm__du_input_is_weight(g, i)) count++;
    lstm__outf(f, "\n%s---- %d %s ----\n", ind, count, title);
    for (int i = 0; i < n; i++) {
        if (inputs && lstm__du_input_is_weight(g, i)) continue;
        lstm__outf(f, "%s    %s [%s, (%s)]\n", ind, dc[i].name, lstm__du_type_dtype(&dc[i].type),
                   lstm__du_type_dims(dims, sizeof dims, &dc[i].type, ", "));
    }
}

/* The values a subgraph reads from enclosing graphs, and where each comes from. */
static void print_outer(lstm__out *f, const char *ind, const lstm__graph *g)
{
    char q[512];
    lstm__outf(f, "\n%s---- %d Outer-scope value(s) read ----\n", ind, g->n_outer);
    for (int i = 0; i < g->n_outer; i++) {
        const lstm__value *v = &g->values[g->outer_values[i]];
        const lstm__graph *og = g;
        const lstm__value *o = lstm__du_origin(&og, v);
        const char *what = o->producer >= 0             ? "output of node"
                           : (o->flags & LSTM__V_INPUT) ? "input"
                           : (o->flags & LSTM__V_INIT)  ? "initializer"
                                                        : "value";
        lstm__outf(f, "%s    %s: %s", ind, v->name, what);
        if (o->producer >= 0) {
            const lstm__node *pn = &og->nodes[o->producer];
            if (pn->name[0])
                lstm__outf(f, " '%s' (%s)", pn->name, pn->op_type);
            else
                lstm__outf(f, " #%d (%s)", o->producer, pn->op_type);
        }
        lstm__du_qualify(og, NULL, q, sizeof q);
        size_t l = strlen(q);
        if (l) q[l - 1] = '\0';
        lstm__outf(f, " of %s%s\n", l ? "graph " : "the main graph", q);
    }
}

static void print_weights(lstm__out *f, const char *ind, const lstm__graph *g)
{
    char dims[256];
    lstm__outf(f, "\n%s---- %d Weight(s) (initializers) ----\n", ind, g->n_inits);
    for (int i = 0; i < g->n_inits; i++) {
        const lstm__tensor *t = &g->inits[i].t;
        lstm__outf(f, "%s    %s [%s, (%s)] %zu elements, %zu bytes", ind, g->inits[i].name,
                   lstm__dtype_name(t->dtype), lstm__du_tensor_dims(dims, sizeof dims, t, ", "),
                   t->nelem, t->nbytes);
        if (t->ext_location)
            lstm__outf(f, ", external: %s @ %lld", t->ext_location, (long long)t->ext_offset);
        if (g->values) {
            int v = lstm__graph_find(g, g->inits[i].name);
            if (v >= 0 && (g->values[v].flags & LSTM__V_INPUT))
                lstm__outf(f, " (default of graph input, may be overridden)");
        }
        lstm__outf(f, "\n");
    }
}

static void print_act(lstm__out *f, const lstm__act *a)
{
    lstm__outf(f, "%s", lstm__act_name(a->kind));
    int ta = lstm__act_takes_alpha(a->kind), tb = lstm__act_takes_beta(a->kind);
    if (ta || tb) {
        lstm__outf(f, "(");
        if (ta) lstm__outf(f, "alpha=%g%s", (double)a->alpha, a->alpha_set ? "" : " default");
        if (tb) lstm__outf(f, ", beta=%g%s", (double)a->beta, a->beta_set ? "" : " default");
        lstm__outf(f, ")");
    }
}

static void print_recurrent(lstm__out *f, const char *ind, const lstm__node *n)
{
    if (!n->op) {
        lstm__outf(f, "%s        recurrent: not decoded (%s)\n", ind,
                   n->support ? n->support : "?");
        return;
    }
    if (!n->params) {
        lstm__outf(f, "%s        recurrent: attributes invalid: %s\n", ind,
                   n->support ? n->support : "?");
        return;
    }
    const lstm__rnn_params p = *(const lstm__rnn_params *)n->params;
    static const char *const slot[3][3] = {{"f"}, {"f", "g"}, {"f", "g", "h"}};
    lstm__outf(f, "%s        %s version %d, gate order %s\n", ind, n->op_type, p.version,
               lstm__rnn_gate_order(p.cell));
    lstm__outf(f, "%s        direction=%s%s  layout=%d%s  hidden_size=", ind,
               lstm__rnn_direction_name(p.direction),
               lstm__attr_find(n, "direction") ? "" : " (default)", p.layout,
               lstm__attr_find(n, "layout") ? "" : " (default)");
    if (p.hidden_size)
        lstm__outf(f, "%lld%s\n", (long long)p.hidden_size,
                   p.hidden_given ? "" : " (inferred from weights)");
    else
        lstm__outf(f, "? (absent; inferred from R at run time)\n");
    for (int dir = 0; dir < p.num_dirs; dir++) {
        lstm__outf(f, "%s        activations%s: ", ind,
                   p.num_dirs > 1 ? (dir ? " backward" : " forward") : "");
        for (int k = 0; k < p.acts_per_dir; k++) {
            lstm__outf(f, "%s%s=", k ? "  " : "", slot[p.acts_per_dir - 1][k]);
            print_act(f, &p.acts[dir * p.acts_per_dir + k]);
        }
        lstm__outf(f, "%s\n", p.acts_given ? "" : " (default)");
    }
    if (p.has_clip)
        lstm__outf(f, "%s        clip=%g", ind, (double)p.clip);
    else
        lstm__outf(f, "%s        clip=none (default)", ind);
    if (p.cell == LSTM__CELL_LSTM)
        lstm__outf(f, "  input_forget=%d%s", p.input_forget,
                   lstm__attr_find(n, "input_forget") ? "" : " (default)");
    if (p.cell == LSTM__CELL_GRU)
        lstm__outf(f, "  linear_before_reset=%d%s", p.linear_before_reset,
                   lstm__attr_find(n, "linear_before_reset") ? "" : " (default)");
    lstm__outf(f, "\n");
    static const char *const in_names[] = {"X",         "W",         "R", "B", "sequence_lens",
                                           "initial_h", "initial_c", "P"};
    static const char *const out_names[] = {"Y", "Y_h", "Y_c"};
    int n_in = p.cell == LSTM__CELL_LSTM ? 8 : 6, n_out = p.cell == LSTM__CELL_LSTM ? 3 : 2;
    lstm__outf(f, "%s        inputs present:", ind);
    for (int k = 0; k < n_in; k++)
        if (k < n->n_in && n->in_names[k][0]) lstm__outf(f, " %s", in_names[k]);
    lstm__outf(f, " | absent:");
    for (int k = 0; k < n_in; k++)
        if (!(k < n->n_in && n->in_names[k][0])) lstm__outf(f, " %s", in_names[k]);
    lstm__outf(f, "\n%s        outputs present:", ind);
    for (int k = 0; k < n_out; k++)
        if (lstm__node_has_output(n, k)) lstm__outf(f, " %s", out_names[k]);
    lstm__outf(f, " | absent:");
    for (int k = 0; k < n_out; k++)
        if (!lstm__node_has_output(n, k)) lstm__outf(f, " %s", out_names[k]);
    lstm__outf(f, "\n");
}

static void print_graph(lstm__out *f, const lstm__dctx *c, const lstm__graph *g, const char *ind);

/* A subgraph under its node, indented 8 columns deeper. */
static void print_subgraph(lstm__out *f, const lstm__dctx *c, const lstm__graph *sg,
                           const char *ind)
{
    char in2[LSTM__MAX_GRAPH_DEPTH * 8 + 16], q[512];
    snprintf(in2, sizeof in2, "%s        ", ind);
    lstm__du_qualify(sg, NULL, q, sizeof q);
    size_t l = strlen(q);
    if (l) q[l - 1] = '\0';
    lstm__outf(f, "\n%s==== subgraph %s (graph '%s') ====\n", in2, q, sg->name ? sg->name : "");
    print_graph(f, c, sg, in2);
    lstm__outf(f, "%s==== end of subgraph %s ====\n", in2, q);
}

static void print_nodes(lstm__out *f, const lstm__dctx *c, const lstm__graph *g, const char *ind)
{
    char buf[4096];
    lstm__outf(f, "\n%s---- %d Node(s) ----\n", ind, g->n_nodes);
    for (int i = 0; i < g->n_nodes; i++) {
        const lstm__node *n = &g->nodes[i];
        lstm__outf(f, "%sNode %d | %s [Op: %s%s%s, opset %lld]\n", ind, i, n->name, n->domain,
                   n->domain[0] ? "." : "", n->op_type, (long long)n->opset);
        lstm__outf(f, "%s        ", ind);
        for (int k = 0; k < n->n_in; k++)
            lstm__outf(f, "%s%s", k ? ", " : "", n->in_names[k][0] ? n->in_names[k] : "\"\"");
        lstm__outf(f, " -> ");
        for (int k = 0; k < n->n_out; k++)
            lstm__outf(f, "%s%s", k ? ", " : "", n->out_names[k][0] ? n->out_names[k] : "\"\"");
        lstm__outf(f, "\n");
        for (int k = 0; k < n->n_attr; k++)
            lstm__outf(f, "%s        %s = %s\n", ind, n->attrs[k].name,
                       lstm__du_attr_value(buf, 512, &n->attrs[k]));
        if (c->linked) {
            uint64_t params = lstm__du_node_params(g, n);
            if (params) lstm__outf(f, "%s        params: %llu\n", ind, (unsigned long long)params);
            lstm__macs mc;
            if (lstm__du_node_macs(g, n, &mc))
                lstm__outf(f, "%s        multiply-adds: %s\n", ind,
                           lstm__du_macs_text(&mc, buf, 512));
            if (n->n_implicit) {
                lstm__outf(f, "%s        reads from this graph inside its subgraphs:", ind);
                for (int k = 0; k < n->n_implicit; k++)
                    lstm__outf(f, "%s %s", k ? "," : "", g->values[n->implicit[k]].name);
                lstm__outf(f, "\n");
            }
            if (lstm__du_is_recurrent(n)) print_recurrent(f, ind, n);
            /* Reasons may be long: written whole, not through lstm__outf's buffer. */
            lstm__outf(f, "%s        supported: ", ind);
            if (n->support) {
                lstm__outs(f, "no: ");
                lstm__outs(f, n->support);
            } else if (lstm__du_inside_text(n, buf, sizeof buf)[0]) {
                lstm__outs(f, "yes, but ");
                lstm__outs(f, buf);
            } else {
                lstm__outs(f, "yes");
            }
            lstm__outc(f, '\n');
        }
        lstm__graph *sg;
        for (int k = 0; (sg = lstm__node_subgraph(n, k, NULL)); k++) print_subgraph(f, c, sg, ind);
    }
}

static void print_totals(lstm__out *f, const lstm__graph *g)
{
    lstm__du_totals t;
    lstm__du_count(g, &t);
    const int sub = t.graphs > 1;
    const char *inc = sub ? ", subgraphs included" : "";
    if (sub)
        lstm__outf(f, "\n---- Totals (the main graph and its %lld subgraph%s) ----\n",
                   (long long)t.graphs - 1, t.graphs > 2 ? "s" : "");
    else
        lstm__outf(f, "\n---- Totals ----\n");
    lstm__outf(f, "    parameters: %llu (elements of floating-point initializers%s)\n",
               (unsigned long long)t.params, inc);
    lstm__outf(f, "    initializer bytes: %llu%s\n", (unsigned long long)t.bytes,
               sub ? " (subgraphs included)" : "");
    if (t.macs) {
        char mb[64];
        lstm__macs m = {.count = t.macs};
        lstm__outf(f,
                   "    multiply-adds: %s (Conv, ConvTranspose, Gemm, MatMul, LSTM, GRU, RNN, "
                   "DynamicQuantizeLSTM%s%s)\n",
                   lstm__du_macs_text(&m, mb, sizeof mb), sub ? "; every branch counted" : "",
                   t.macs_free ? "; symbolic or unknown dimensions taken as 1" : "");
    }
    if (sub)
        lstm__outf(f, "    nodes: %lld (%d in the main graph, %lld in subgraphs)\n",
                   (long long)t.nodes, g->n_nodes, (long long)(t.nodes - g->n_nodes));
    else
        lstm__outf(f, "    nodes: %d\n", g->n_nodes);
    const char **ops = lstm__calloc(&g->alloc, (size_t)t.nodes + 1, sizeof *ops);
    int *counts = lstm__calloc(&g->alloc, (size_t)t.nodes + 1, sizeof *counts);
    if (ops && counts) {
        int k = lstm__du_histogram(g, ops, counts, (int)t.nodes);
        lstm__outf(f, "    op histogram%s:", sub ? " (subgraphs included)" : "");
        for (int i = 0; i < k; i++) lstm__outf(f, "%s %s x%d", i ? "," : "", ops[i], counts[i]);
        lstm__outf(f, "\n");
    }
    lstm__free(&g->alloc, ops);
    lstm__free(&g->alloc, counts);
    lstm__outf(f, "    supported nodes: %lld/%lld%s\n", (long long)t.supported, (long long)t.nodes,
               sub ? " (subgraphs included)" : "");
}

static void print_graph(lstm__out *f, const lstm__dctx *c, const lstm__graph *g, const char *ind)
{
    print_decls(f, ind, g, g->inputs, g->n_inputs, "Graph Input(s)", 1);
    if (g->parent && c->linked) print_outer(f, ind, g);
    print_weights(f, ind, g);
    print_decls(f, ind, g, g->outputs, g->n_outputs, "Graph Output(s)", 0);
    print_nodes(f, c, g, ind);
}

void lstm__describe_text(lstm__out *f, const lstm__dctx *c)
{
    const lstm__graph *g = c->g;
    if (g) {
        print_header(f, g, c->path);
        print_graph(f, c, g, "");
        if (c->linked) print_totals(f, g);
    }
}
