/* dump_json.c — `lstm-dump --json`: the stable schema documented in docs/dump-json.md. */
#include "dump.h"
#include "dtype.h"
#include "ops/registry.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void js(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

/* A string, or null for NULL. */
static void jsn(FILE *f, const char *s)
{
    if (s)
        js(f, s);
    else
        fprintf(f, "null");
}

static void jnum(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.9g", v);
    else
        fprintf(f, "null");
}

static void type_json(FILE *f, const lstm__type *t)
{
    fprintf(f, "\"kind\": ");
    static const char *const kinds[] = {"none", "tensor", "sequence", "map", "optional", "sparse",
                                        "other"};
    js(f, kinds[t->kind]);
    fprintf(f, ", \"dtype\": ");
    jsn(f, t->kind == LSTM__VK_TENSOR || t->kind == LSTM__VK_SPARSE ? lstm__dtype_name(t->dtype)
                                                                     : NULL);
    fprintf(f, ", \"shape\": ");
    if (t->rank < 0) {
        fprintf(f, "null");
        return;
    }
    fprintf(f, "[");
    for (int i = 0; i < t->rank; i++) {
        if (i) fprintf(f, ", ");
        if (t->dim_names[i])
            js(f, t->dim_names[i]);
        else if (t->dims[i] >= 0)
            fprintf(f, "%lld", (long long)t->dims[i]);
        else
            fprintf(f, "null");
    }
    fprintf(f, "]");
}

static void tensor_shape_json(FILE *f, const lstm__tensor *t)
{
    fprintf(f, "[");
    for (int i = 0; i < t->rank; i++) fprintf(f, "%s%lld", i ? ", " : "", (long long)t->dims[i]);
    fprintf(f, "]");
}

static void attr_json(FILE *f, const lstm__attr *a)
{
    fprintf(f, "{\"type\": ");
    js(f, du_attr_type(a->type));
    fprintf(f, ", \"value\": ");
    switch (a->type) {
    case LSTM__A_FLOAT: jnum(f, a->f); break;
    case LSTM__A_INT: fprintf(f, "%lld", (long long)a->i); break;
    case LSTM__A_STRING: js(f, a->s); break;
    case LSTM__A_FLOATS:
    case LSTM__A_INTS:
    case LSTM__A_STRINGS:
        fprintf(f, "[");
        for (size_t i = 0; i < a->n; i++) {
            if (i) fprintf(f, ", ");
            if (a->type == LSTM__A_FLOATS)
                jnum(f, a->floats[i]);
            else if (a->type == LSTM__A_INTS)
                fprintf(f, "%lld", (long long)a->ints[i]);
            else
                js(f, a->strings[i]);
        }
        fprintf(f, "]");
        break;
    case LSTM__A_TENSOR:
        fprintf(f, "{\"dtype\": ");
        js(f, lstm__dtype_name(a->t->dtype));
        fprintf(f, ", \"shape\": ");
        tensor_shape_json(f, a->t);
        fprintf(f, "}");
        break;
    case LSTM__A_GRAPH: fprintf(f, "{\"nodes\": %d}", a->subgraph_nodes); break;
    default: fprintf(f, "null"); break;
    }
    fprintf(f, "}");
}

static void act_json(FILE *f, const lstm__act *a)
{
    fprintf(f, "{\"name\": ");
    js(f, lstm__act_name(a->kind));
    fprintf(f, ", \"alpha\": ");
    if (lstm__act_takes_alpha(a->kind)) jnum(f, a->alpha); else fprintf(f, "null");
    fprintf(f, ", \"beta\": ");
    if (lstm__act_takes_beta(a->kind)) jnum(f, a->beta); else fprintf(f, "null");
    fprintf(f, "}");
}

static void recurrent_json(FILE *f, const lstm__graph *g, const lstm__node *n)
{
    lstm__rnn_params p;
    lstm__diag d;
    lstm__diag_clear(&d);
    if (!n->op || lstm__rnn_parse(g, n, n->op->since, &p, &d)) {
        fprintf(f, "null");
        return;
    }
    fprintf(f, "{\"version\": %d, \"gate_order\": ", p.version);
    js(f, lstm__rnn_gate_order(p.cell));
    fprintf(f, ", \"direction\": ");
    js(f, lstm__rnn_direction_name(p.direction));
    fprintf(f, ", \"num_directions\": %d, \"layout\": %d, \"hidden_size\": ", p.num_dirs, p.layout);
    if (p.hidden_size) fprintf(f, "%lld", (long long)p.hidden_size); else fprintf(f, "null");
    fprintf(f, ", \"hidden_size_inferred\": %s", p.hidden_given ? "false" : "true");
    fprintf(f, ", \"clip\": ");
    if (p.has_clip) jnum(f, p.clip); else fprintf(f, "null");
    if (p.cell == LSTM__CELL_LSTM) fprintf(f, ", \"input_forget\": %d", p.input_forget);
    if (p.cell == LSTM__CELL_GRU) fprintf(f, ", \"linear_before_reset\": %d", p.linear_before_reset);
    fprintf(f, ", \"activations_default\": %s, \"activations\": [", p.acts_given ? "false" : "true");
    for (int i = 0; i < p.num_dirs * p.acts_per_dir; i++) {
        if (i) fprintf(f, ", ");
        act_json(f, &p.acts[i]);
    }
    static const char *const in_names[] = {"X", "W", "R", "B", "sequence_lens", "initial_h",
                                           "initial_c", "P"};
    static const char *const out_names[] = {"Y", "Y_h", "Y_c"};
    int n_in = p.cell == LSTM__CELL_LSTM ? 8 : 6, n_out = p.cell == LSTM__CELL_LSTM ? 3 : 2;
    fprintf(f, "], \"inputs_present\": {");
    for (int k = 0; k < n_in; k++)
        fprintf(f, "%s\"%s\": %s", k ? ", " : "", in_names[k],
                k < n->n_in && n->in_names[k][0] ? "true" : "false");
    fprintf(f, "}, \"outputs_present\": {");
    for (int k = 0; k < n_out; k++)
        fprintf(f, "%s\"%s\": %s", k ? ", " : "", out_names[k],
                lstm__node_has_output(n, k) ? "true" : "false");
    fprintf(f, "}}");
}

static void decls_json(FILE *f, const lstm__graph *g, const lstm__decl *dc, int n, int inputs)
{
    fprintf(f, "[");
    for (int i = 0; i < n; i++) {
        fprintf(f, "%s\n    {\"name\": ", i ? "," : "");
        js(f, dc[i].name);
        fprintf(f, ", ");
        type_json(f, &dc[i].type);
        if (inputs) fprintf(f, ", \"has_initializer\": %s", du_input_is_weight(g, i) ? "true" : "false");
        fprintf(f, "}");
    }
    fprintf(f, "]");
}

static void nodes_json(FILE *f, const dump_ctx *c)
{
    const lstm__graph *g = c->g;
    fprintf(f, "[");
    for (int i = 0; i < g->n_nodes; i++) {
        const lstm__node *n = &g->nodes[i];
        fprintf(f, "%s\n    {\"index\": %d, \"name\": ", i ? "," : "", i);
        js(f, n->name);
        fprintf(f, ", \"op_type\": ");
        js(f, n->op_type);
        fprintf(f, ", \"domain\": ");
        js(f, n->domain);
        fprintf(f, ", \"opset\": %lld, \"inputs\": [", (long long)n->opset);
        for (int k = 0; k < n->n_in; k++) {
            if (k) fprintf(f, ", ");
            js(f, n->in_names[k]);
        }
        fprintf(f, "], \"outputs\": [");
        for (int k = 0; k < n->n_out; k++) {
            if (k) fprintf(f, ", ");
            js(f, n->out_names[k]);
        }
        fprintf(f, "], \"attributes\": {");
        for (int k = 0; k < n->n_attr; k++) {
            fprintf(f, "%s", k ? ", " : "");
            js(f, n->attrs[k].name);
            fprintf(f, ": ");
            attr_json(f, &n->attrs[k]);
        }
        fprintf(f, "}");
        if (c->linked) {
            fprintf(f, ", \"params\": %llu, \"supported\": %s, \"reason\": ",
                    (unsigned long long)du_node_params(g, n), n->support ? "false" : "true");
            jsn(f, n->support);
            if (du_is_recurrent(n)) {
                fprintf(f, ", \"recurrent\": ");
                recurrent_json(f, g, n);
            }
        }
        fprintf(f, "}");
    }
    fprintf(f, "]");
}

void dump_json(FILE *f, const dump_ctx *c)
{
    const lstm__graph *g = c->g;
    fprintf(f, "{\"schema\": \"lstm-dump/1\", \"file\": ");
    js(f, c->path);
    fprintf(f, ", \"ok\": %s, \"error\": ", c->rc ? "false" : "true");
    if (c->rc) {
        fprintf(f, "{\"code\": %d, \"status\": ", c->rc);
        js(f, lstm_errstr(c->rc));
        fprintf(f, ", \"message\": ");
        js(f, c->errmsg);
        fprintf(f, "}");
    } else {
        fprintf(f, "null");
    }
    if (!g) {
        fprintf(f, "}\n");
        return;
    }
    fprintf(f, ",\n  \"model\": {\"ir_version\": %lld, \"producer_name\": ", (long long)g->ir_version);
    js(f, g->producer_name);
    fprintf(f, ", \"producer_version\": ");
    js(f, g->producer_version);
    fprintf(f, ", \"domain\": ");
    js(f, g->model_domain);
    fprintf(f, ", \"model_version\": %lld, \"doc_string\": ", (long long)g->model_version);
    js(f, g->model_doc);
    fprintf(f, ", \"graph_name\": ");
    js(f, g->name);
    fprintf(f, ", \"opset_import\": [");
    for (int i = 0; i < g->n_opsets; i++) {
        fprintf(f, "%s{\"domain\": ", i ? ", " : "");
        js(f, g->opsets[i].domain[0] ? g->opsets[i].domain : "ai.onnx");
        fprintf(f, ", \"version\": %lld}", (long long)g->opsets[i].version);
    }
    fprintf(f, "], \"metadata_props\": {");
    for (int i = 0; i < g->n_meta; i++) {
        fprintf(f, "%s", i ? ", " : "");
        js(f, g->meta[i].key);
        fprintf(f, ": ");
        js(f, g->meta[i].value);
    }
    fprintf(f, "}, \"functions\": %d, \"training_info\": %s},\n  \"inputs\": ", g->n_functions,
            g->has_training_info ? "true" : "false");
    decls_json(f, g, g->inputs, g->n_inputs, 1);
    fprintf(f, ",\n  \"outputs\": ");
    decls_json(f, g, g->outputs, g->n_outputs, 0);
    fprintf(f, ",\n  \"initializers\": [");
    uint64_t bytes = 0;
    for (int i = 0; i < g->n_inits; i++) {
        const lstm__tensor *t = &g->inits[i].t;
        bytes += t->nbytes;
        fprintf(f, "%s\n    {\"name\": ", i ? "," : "");
        js(f, g->inits[i].name);
        fprintf(f, ", \"dtype\": ");
        js(f, lstm__dtype_name(t->dtype));
        fprintf(f, ", \"shape\": ");
        tensor_shape_json(f, t);
        fprintf(f, ", \"elements\": %zu, \"bytes\": %zu, \"external\": ", t->nelem, t->nbytes);
        if (t->ext_location) {
            fprintf(f, "{\"location\": ");
            js(f, t->ext_location);
            fprintf(f, ", \"offset\": %lld}", (long long)t->ext_offset);
        } else {
            fprintf(f, "null");
        }
        fprintf(f, "}");
    }
    fprintf(f, "],\n  \"nodes\": ");
    nodes_json(f, c);
    if (c->linked) {
        fprintf(f, ",\n  \"totals\": {\"parameters\": %llu, \"initializer_bytes\": %llu, "
                   "\"nodes\": %d, \"supported_nodes\": ",
                (unsigned long long)du_total_params(g), (unsigned long long)bytes, g->n_nodes);
        int sup = 0;
        for (int i = 0; i < g->n_nodes; i++) sup += g->nodes[i].support == NULL;
        fprintf(f, "%d},\n  \"op_histogram\": {", sup);
        const char **ops = calloc((size_t)g->n_nodes + 1, sizeof *ops);
        int *counts = calloc((size_t)g->n_nodes + 1, sizeof *counts);
        if (ops && counts) {
            int k = du_histogram(g, ops, counts, g->n_nodes);
            for (int i = 0; i < k; i++) {
                fprintf(f, "%s", i ? ", " : "");
                js(f, ops[i]);
                fprintf(f, ": %d", counts[i]);
            }
        }
        free(ops);
        free(counts);
        fprintf(f, "}");
    }
    fprintf(f, "}\n");
}
