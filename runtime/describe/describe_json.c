/* dump_json.c — `lstm-dump --json`: the stable schema documented in docs/dump-json.md. */
#include "describe/describe.h"

#include <stdio.h>
#include "dtype.h"
#include "ops/registry.h"

#include <math.h>
#include <string.h>

static void js(lstm__out *f, const char *s)
{
    lstm__out_json_str(f, s);
}

/* A string, or null for NULL. */
static void jsn(lstm__out *f, const char *s)
{
    if (s)
        js(f, s);
    else
        lstm__outf(f, "null");
}

static void jnum(lstm__out *f, double v)
{
    if (isfinite(v))
        lstm__outf(f, "%.9g", v);
    else
        lstm__outf(f, "null");
}

static void type_json(lstm__out *f, const lstm__type *t)
{
    lstm__outf(f, "\"kind\": ");
    static const char *const kinds[] = {"none",     "tensor", "sequence", "map",
                                        "optional", "sparse", "other"};
    js(f, kinds[t->kind]);
    lstm__outf(f, ", \"dtype\": ");
    jsn(f, t->kind == LSTM__VK_TENSOR || t->kind == LSTM__VK_SPARSE ? lstm__dtype_name(t->dtype)
                                                                    : NULL);
    lstm__outf(f, ", \"shape\": ");
    if (t->rank < 0) {
        lstm__outf(f, "null");
        return;
    }
    lstm__outf(f, "[");
    for (int i = 0; i < t->rank; i++) {
        if (i) lstm__outf(f, ", ");
        if (t->dim_names[i])
            js(f, t->dim_names[i]);
        else if (t->dims[i] >= 0)
            lstm__outf(f, "%lld", (long long)t->dims[i]);
        else
            lstm__outf(f, "null");
    }
    lstm__outf(f, "]");
}

static void tensor_shape_json(lstm__out *f, const lstm__tensor *t)
{
    lstm__outf(f, "[");
    for (int i = 0; i < t->rank; i++) lstm__outf(f, "%s%lld", i ? ", " : "", (long long)t->dims[i]);
    lstm__outf(f, "]");
}

static void graph_json(lstm__out *f, const lstm__dctx *c, const lstm__graph *g, const char *ind);

static void attr_json(lstm__out *f, const lstm__dctx *c, const lstm__attr *a, const char *ind)
{
    lstm__outf(f, "{\"type\": ");
    js(f, lstm__du_attr_type(a->type));
    lstm__outf(f, ", \"value\": ");
    switch (a->type) {
    case LSTM__A_FLOAT:
        jnum(f, a->f);
        break;
    case LSTM__A_INT:
        lstm__outf(f, "%lld", (long long)a->i);
        break;
    case LSTM__A_STRING:
        js(f, a->s);
        break;
    case LSTM__A_FLOATS:
    case LSTM__A_INTS:
    case LSTM__A_STRINGS:
        lstm__outf(f, "[");
        for (size_t i = 0; i < a->n; i++) {
            if (i) lstm__outf(f, ", ");
            if (a->type == LSTM__A_FLOATS)
                jnum(f, a->floats[i]);
            else if (a->type == LSTM__A_INTS)
                lstm__outf(f, "%lld", (long long)a->ints[i]);
            else
                js(f, a->strings[i]);
        }
        lstm__outf(f, "]");
        break;
    case LSTM__A_TENSOR:
        lstm__outf(f, "{\"dtype\": ");
        js(f, lstm__dtype_name(a->t->dtype));
        lstm__outf(f, ", \"shape\": ");
        tensor_shape_json(f, a->t);
        lstm__outf(f, "}");
        break;
    case LSTM__A_GRAPH:
        lstm__outf(f, "{\"nodes\": %d}, \"graph\": ", a->g ? a->g->n_nodes : 0);
        if (a->g)
            graph_json(f, c, a->g, ind);
        else
            lstm__outf(f, "null");
        break;
    case LSTM__A_GRAPHS:
        lstm__outf(f, "null, \"graphs\": [");
        for (size_t i = 0; i < a->n; i++) {
            if (i) lstm__outf(f, ", ");
            graph_json(f, c, a->gs[i], ind);
        }
        lstm__outf(f, "]");
        break;
    default:
        lstm__outf(f, "null");
        break;
    }
    lstm__outf(f, "}");
}

static void act_json(lstm__out *f, const lstm__act *a)
{
    lstm__outf(f, "{\"name\": ");
    js(f, lstm__act_name(a->kind));
    lstm__outf(f, ", \"alpha\": ");
    if (lstm__act_takes_alpha(a->kind))
        jnum(f, a->alpha);
    else
        lstm__outf(f, "null");
    lstm__outf(f, ", \"beta\": ");
    if (lstm__act_takes_beta(a->kind))
        jnum(f, a->beta);
    else
        lstm__outf(f, "null");
    lstm__outf(f, "}");
}

static void recurrent_json(lstm__out *f, const lstm__graph *g, const lstm__node *n)
{
    (void)g;
    if (!n->op || !n->params) {
        lstm__outf(f, "null");
        return;
    }
    const lstm__rnn_params p = *(const lstm__rnn_params *)n->params;
    lstm__outf(f, "{\"version\": %d, \"gate_order\": ", p.version);
    js(f, lstm__rnn_gate_order(p.cell));
    lstm__outf(f, ", \"direction\": ");
    js(f, lstm__rnn_direction_name(p.direction));
    lstm__outf(f, ", \"num_directions\": %d, \"layout\": %d, \"hidden_size\": ", p.num_dirs,
               p.layout);
    if (p.hidden_size)
        lstm__outf(f, "%lld", (long long)p.hidden_size);
    else
        lstm__outf(f, "null");
    lstm__outf(f, ", \"hidden_size_inferred\": %s", p.hidden_given ? "false" : "true");
    lstm__outf(f, ", \"clip\": ");
    if (p.has_clip)
        jnum(f, p.clip);
    else
        lstm__outf(f, "null");
    if (p.cell == LSTM__CELL_LSTM) lstm__outf(f, ", \"input_forget\": %d", p.input_forget);
    if (p.cell == LSTM__CELL_GRU)
        lstm__outf(f, ", \"linear_before_reset\": %d", p.linear_before_reset);
    lstm__outf(f, ", \"activations_default\": %s, \"activations\": [",
               p.acts_given ? "false" : "true");
    for (int i = 0; i < p.num_dirs * p.acts_per_dir; i++) {
        if (i) lstm__outf(f, ", ");
        act_json(f, &p.acts[i]);
    }
    static const char *const in_names[] = {"X",         "W",         "R", "B", "sequence_lens",
                                           "initial_h", "initial_c", "P"};
    static const char *const out_names[] = {"Y", "Y_h", "Y_c"};
    int n_in = p.cell == LSTM__CELL_LSTM ? 8 : 6, n_out = p.cell == LSTM__CELL_LSTM ? 3 : 2;
    lstm__outf(f, "], \"inputs_present\": {");
    for (int k = 0; k < n_in; k++)
        lstm__outf(f, "%s\"%s\": %s", k ? ", " : "", in_names[k],
                   k < n->n_in && n->in_names[k][0] ? "true" : "false");
    lstm__outf(f, "}, \"outputs_present\": {");
    for (int k = 0; k < n_out; k++)
        lstm__outf(f, "%s\"%s\": %s", k ? ", " : "", out_names[k],
                   lstm__node_has_output(n, k) ? "true" : "false");
    lstm__outf(f, "}}");
}

static void decls_json(lstm__out *f, const lstm__graph *g, const lstm__decl *dc, int n, int inputs,
                       const char *ind)
{
    lstm__outf(f, "[");
    for (int i = 0; i < n; i++) {
        lstm__outf(f, "%s\n%s  {\"name\": ", i ? "," : "", ind);
        js(f, dc[i].name);
        lstm__outf(f, ", ");
        type_json(f, &dc[i].type);
        if (inputs)
            lstm__outf(f, ", \"has_initializer\": %s",
                       lstm__du_input_is_weight(g, i) ? "true" : "false");
        lstm__outf(f, "}");
    }
    lstm__outf(f, "]");
}

typedef struct inside_json {
    lstm__out *f;
    int n;
} inside_json;

static void inside_entry(void *ud, const lstm__attr *a, const lstm__graph *sg,
                         const lstm__node *bad)
{
    inside_json *x = ud;
    char q[512];
    size_t o = strlen(lstm__du_qualify(sg, NULL, q, sizeof q));
    lstm__outf(x->f, "%s{\"attribute\": ", x->n++ ? ", " : "");
    js(x->f, a->name);
    lstm__outf(x->f, ", \"graph\": ");
    if (o) q[o - 1] = '\0';
    js(x->f, q);
    lstm__outf(x->f, ", \"index\": %d, \"name\": ", (int)(bad - sg->nodes));
    js(x->f, bad->name);
    lstm__outf(x->f, ", \"op_type\": ");
    js(x->f, bad->op_type);
    lstm__outf(x->f, ", \"reason\": ");
    js(x->f, lstm__du_reason(sg, bad));
    lstm__outf(x->f, "}");
}

static void nodes_json(lstm__out *f, const lstm__dctx *c, const lstm__graph *g, const char *ind)
{
    char in2[LSTM__MAX_GRAPH_DEPTH * 4 + 16];
    snprintf(in2, sizeof in2, "%s    ", ind);
    lstm__outf(f, "[");
    for (int i = 0; i < g->n_nodes; i++) {
        const lstm__node *n = &g->nodes[i];
        lstm__outf(f, "%s\n%s  {\"index\": %d, \"name\": ", i ? "," : "", ind, i);
        js(f, n->name);
        lstm__outf(f, ", \"op_type\": ");
        js(f, n->op_type);
        lstm__outf(f, ", \"domain\": ");
        js(f, n->domain);
        lstm__outf(f, ", \"opset\": %lld, \"inputs\": [", (long long)n->opset);
        for (int k = 0; k < n->n_in; k++) {
            if (k) lstm__outf(f, ", ");
            js(f, n->in_names[k]);
        }
        lstm__outf(f, "], \"outputs\": [");
        for (int k = 0; k < n->n_out; k++) {
            if (k) lstm__outf(f, ", ");
            js(f, n->out_names[k]);
        }
        lstm__outf(f, "], \"attributes\": {");
        for (int k = 0; k < n->n_attr; k++) {
            lstm__outf(f, "%s", k ? ", " : "");
            js(f, n->attrs[k].name);
            lstm__outf(f, ": ");
            attr_json(f, c, &n->attrs[k], in2);
        }
        lstm__outf(f, "}");
        if (c->linked) {
            lstm__macs mc;
            if (lstm__du_node_macs(g, n, &mc)) {
                lstm__outf(f, ", \"macs\": {\"count\": %llu, \"per\": [",
                           (unsigned long long)mc.count);
                for (int q = 0; q < mc.n_free; q++) {
                    if (q) lstm__outs(f, ", ");
                    lstm__out_json_str(f, mc.free[q]);
                }
                lstm__outs(f, "]}");
            } else {
                lstm__outs(f, ", \"macs\": null");
            }
            lstm__outf(f, ", \"params\": %llu, \"supported\": %s, \"reason\": ",
                       (unsigned long long)lstm__du_node_params(g, n),
                       n->support ? "false" : "true");
            jsn(f, n->support);
            if (lstm__du_is_recurrent(n)) {
                lstm__outf(f, ", \"recurrent\": ");
                recurrent_json(f, g, n);
            }
            if (n->n_subgraphs) {
                lstm__outf(f, ", \"implicit_inputs\": [");
                for (int k = 0; k < n->n_implicit; k++) {
                    if (k) lstm__outf(f, ", ");
                    js(f, g->values[n->implicit[k]].name);
                }
                lstm__outf(f, "], \"unsupported_inside\": [");
                inside_json x = {f, 0};
                lstm__du_unsupported_inside(n, inside_entry, &x);
                lstm__outf(f, "]");
            }
        }
        lstm__outf(f, "}");
    }
    lstm__outf(f, "]");
}

/* "inputs", "outputs", "initializers" and "nodes" of a graph; the caller writes the braces. */
static void graph_body_json(lstm__out *f, const lstm__dctx *c, const lstm__graph *g,
                            const char *ind)
{
    lstm__outf(f, "\"inputs\": ");
    decls_json(f, g, g->inputs, g->n_inputs, 1, ind);
    lstm__outf(f, ",\n%s\"outputs\": ", ind);
    decls_json(f, g, g->outputs, g->n_outputs, 0, ind);
    lstm__outf(f, ",\n%s\"initializers\": [", ind);
    for (int i = 0; i < g->n_inits; i++) {
        const lstm__tensor *t = &g->inits[i].t;
        lstm__outf(f, "%s\n%s  {\"name\": ", i ? "," : "", ind);
        js(f, g->inits[i].name);
        lstm__outf(f, ", \"dtype\": ");
        js(f, lstm__dtype_name(t->dtype));
        lstm__outf(f, ", \"shape\": ");
        tensor_shape_json(f, t);
        lstm__outf(f, ", \"elements\": %zu, \"bytes\": %zu, \"external\": ", t->nelem, t->nbytes);
        if (t->ext_location) {
            lstm__outf(f, "{\"location\": ");
            js(f, t->ext_location);
            lstm__outf(f, ", \"offset\": %lld}", (long long)t->ext_offset);
        } else {
            lstm__outf(f, "null");
        }
        lstm__outf(f, "}");
    }
    lstm__outf(f, "],\n%s\"nodes\": ", ind);
    nodes_json(f, c, g, ind);
}

/* A subgraph: the main graph's fields, plus where it sits and what it reads from outside. */
static void graph_json(lstm__out *f, const lstm__dctx *c, const lstm__graph *g, const char *ind)
{
    char q[512];
    size_t o = strlen(lstm__du_qualify(g, NULL, q, sizeof q));
    if (o) q[o - 1] = '\0';
    lstm__outf(f, "{\"path\": ");
    js(f, q);
    lstm__outf(f, ", \"graph_name\": ");
    js(f, g->name);
    lstm__outf(f, ", \"depth\": %d", g->depth);
    if (c->linked) {
        lstm__outf(f, ", \"outer_values\": [");
        for (int i = 0; i < g->n_outer; i++) {
            if (i) lstm__outf(f, ", ");
            js(f, g->values[g->outer_values[i]].name);
        }
        lstm__outf(f, "]");
    }
    lstm__outf(f, ",\n%s", ind);
    graph_body_json(f, c, g, ind);
    lstm__outf(f, "}");
}

void lstm__describe_json(lstm__out *f, const lstm__dctx *c)
{
    const lstm__graph *g = c->g;
    lstm__outf(f, "{\"schema\": \"lstm-dump/1\", \"file\": ");
    js(f, c->path);
    lstm__outf(f, ", \"ok\": %s, \"error\": ", c->rc ? "false" : "true");
    if (c->rc) {
        lstm__outf(f, "{\"code\": %d, \"status\": ", c->rc);
        js(f, lstm_errstr(c->rc));
        lstm__outf(f, ", \"message\": ");
        js(f, c->errmsg);
        lstm__outf(f, "}");
    } else {
        lstm__outf(f, "null");
    }
    if (!g) {
        lstm__outf(f, "}\n");
        return;
    }
    lstm__outf(
        f, ",\n  \"model\": {\"ir_version\": %lld, \"producer_name\": ", (long long)g->ir_version);
    js(f, g->producer_name);
    lstm__outf(f, ", \"producer_version\": ");
    js(f, g->producer_version);
    lstm__outf(f, ", \"domain\": ");
    js(f, g->model_domain);
    lstm__outf(f, ", \"model_version\": %lld, \"doc_string\": ", (long long)g->model_version);
    js(f, g->model_doc);
    lstm__outf(f, ", \"graph_name\": ");
    js(f, g->name);
    lstm__outf(f, ", \"opset_import\": [");
    for (int i = 0; i < g->n_opsets; i++) {
        lstm__outf(f, "%s{\"domain\": ", i ? ", " : "");
        js(f, g->opsets[i].domain[0] ? g->opsets[i].domain : "ai.onnx");
        lstm__outf(f, ", \"version\": %lld}", (long long)g->opsets[i].version);
    }
    lstm__outf(f, "], \"metadata_props\": {");
    for (int i = 0; i < g->n_meta; i++) {
        lstm__outf(f, "%s", i ? ", " : "");
        js(f, g->meta[i].key);
        lstm__outf(f, ": ");
        js(f, g->meta[i].value);
    }
    lstm__outf(f, "}, \"functions\": %d, \"training_info\": %s},\n  ", g->n_functions,
               g->has_training_info ? "true" : "false");
    graph_body_json(f, c, g, "  ");
    if (c->linked) {
        lstm__du_totals t;
        lstm__du_count(g, &t);
        lstm__outf(f,
                   ",\n  \"totals\": {\"parameters\": %llu, \"initializer_bytes\": %llu, "
                   "\"nodes\": %lld, \"supported_nodes\": %lld, \"graphs\": %lld, "
                   "\"main_graph_nodes\": %d, \"macs\": %llu, \"macs_nodes_with_free_dims\": "
                   "%lld},\n  \"op_histogram\": {",
                   (unsigned long long)t.params, (unsigned long long)t.bytes, (long long)t.nodes,
                   (long long)t.supported, (long long)t.graphs, g->n_nodes,
                   (unsigned long long)t.macs, (long long)t.macs_free);
        const char **ops = lstm__calloc(&g->alloc, (size_t)t.nodes + 1, sizeof *ops);
        int *counts = lstm__calloc(&g->alloc, (size_t)t.nodes + 1, sizeof *counts);
        if (ops && counts) {
            int k = lstm__du_histogram(g, ops, counts, (int)t.nodes);
            for (int i = 0; i < k; i++) {
                lstm__outf(f, "%s", i ? ", " : "");
                js(f, ops[i]);
                lstm__outf(f, ": %d", counts[i]);
            }
        }
        lstm__free(&g->alloc, ops);
        lstm__free(&g->alloc, counts);
        lstm__outf(f, "}");
    }
    lstm__outf(f, "}\n");
}
