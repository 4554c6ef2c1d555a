/* dump_dot.c — `lstm-dump --dot`: a Graphviz digraph (graph inputs, nodes, outputs; values on
** the edges; weights listed inside the node that reads them). */
#include "describe/describe.h"

#include <stdio.h>

/* A quoted DOT string: a newline becomes DOT's line break, other control bytes '?'. */
static void dq(lstm__out *f, const char *s)
{
    lstm__outc(f, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            lstm__outf(f, "\\%c", *p);
        else if (*p == '\n')
            lstm__outf(f, "\\n");
        else if (*p < 0x20)
            lstm__outc(f, '?');
        else
            lstm__outc(f, *p);
    }
    lstm__outc(f, '"');
}

void lstm__describe_dot(lstm__out *f, const lstm__dctx *c)
{
    const lstm__graph *g = c->g;
    char dims[256], label[1024];
    lstm__outf(f, "digraph ");
    dq(f, g->name && g->name[0] ? g->name : "model");
    lstm__outf(f, " {\n  rankdir=TB;\n  node [fontname=\"Helvetica\", fontsize=10];\n"
                  "  edge [fontname=\"Helvetica\", fontsize=9];\n");
    for (int i = 0; i < g->n_inputs; i++) {
        if (lstm__du_input_is_weight(g, i)) continue;
        snprintf(label, sizeof label, "%s\n%s [%s]", g->inputs[i].name,
                 lstm__du_type_dtype(&g->inputs[i].type),
                 lstm__du_type_dims(dims, sizeof dims, &g->inputs[i].type, ", "));
        lstm__outf(f, "  in%d [shape=ellipse, style=filled, fillcolor=\"#dbeafe\", label=", i);
        dq(f, label);
        lstm__outf(f, "];\n");
    }
    for (int i = 0; i < g->n_nodes; i++) {
        const lstm__node *n = &g->nodes[i];
        int o =
            snprintf(label, sizeof label, "%s%s%s", n->op_type, n->name[0] ? "\n" : "", n->name);
        for (int k = 0; k < n->n_in && o > 0 && (size_t)o < sizeof label; k++) {
            const lstm__value *v = c->linked ? lstm__node_input(g, n, k) : NULL;
            if (v && v->init && !(v->flags & LSTM__V_INPUT))
                o += snprintf(label + o, sizeof label - (size_t)o, "\n%s [%s]", v->name,
                              lstm__du_tensor_dims(dims, sizeof dims, v->init, "x"));
        }
        const char *fill = !c->linked                 ? "#eeeeee"
                           : n->support               ? "#fecaca"
                           : lstm__du_is_recurrent(n) ? "#fde68a"
                                                      : "#e5e7eb";
        lstm__outf(f, "  n%d [shape=box, style=\"rounded,filled\", fillcolor=\"%s\", label=", i,
                   fill);
        dq(f, label);
        lstm__outf(f, "];\n");
    }
    for (int i = 0; i < g->n_outputs; i++) {
        snprintf(label, sizeof label, "%s\n%s [%s]", g->outputs[i].name,
                 lstm__du_type_dtype(&g->outputs[i].type),
                 lstm__du_type_dims(dims, sizeof dims, &g->outputs[i].type, ", "));
        lstm__outf(f, "  out%d [shape=ellipse, style=filled, fillcolor=\"#dcfce7\", label=", i);
        dq(f, label);
        lstm__outf(f, "];\n");
    }
    if (!c->linked) {
        lstm__outf(f, "}\n");
        return;
    }
    /* Edges: from the producer (node or graph input) of each value to its readers. */
    for (int i = 0; i < g->n_nodes; i++) {
        const lstm__node *n = &g->nodes[i];
        for (int k = 0; k < n->n_in; k++) {
            if (n->in[k] < 0) continue;
            const lstm__value *v = &g->values[n->in[k]];
            if (v->producer >= 0) {
                lstm__outf(f, "  n%d -> n%d [label=", v->producer, i);
            } else if (v->flags & LSTM__V_INPUT && !(v->flags & LSTM__V_INIT)) {
                int inp = -1;
                for (int j = 0; j < g->n_inputs; j++)
                    if (g->input_values[j] == n->in[k]) inp = j;
                lstm__outf(f, "  in%d -> n%d [label=", inp, i);
            } else {
                continue;
            }
            dq(f, v->name);
            lstm__outf(f, "];\n");
        }
    }
    for (int i = 0; i < g->n_outputs; i++) {
        const lstm__value *v = &g->values[g->output_values[i]];
        if (v->producer >= 0) {
            lstm__outf(f, "  n%d -> out%d [label=", v->producer, i);
            dq(f, v->name);
            lstm__outf(f, "];\n");
        }
    }
    lstm__outf(f, "}\n");
}
