/* dump_dot.c — `lstm-dump --dot`: a Graphviz digraph (graph inputs, nodes, outputs; values on
** the edges; weights listed inside the node that reads them). Each subgraph is a cluster
** (nested in its graph's) tied to its node by a dashed edge; reads of outer-scope values are
** dashed edges from where the value is made. Vertices of subgraph k (numbered depth first from
** 1) are named gK_in0, gK_n0, gK_out0; the main graph's in0, n0, out0. */
#include "describe/describe.h"

#include <stdio.h>
#include <string.h>

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

typedef struct dot_ctx {
    lstm__out *f;
    const lstm__dctx *c;
    int next;                           /* last subgraph number given */
    int ids[LSTM__MAX_GRAPH_DEPTH + 2]; /* the number of the graph at each depth, on the path */
} dot_ctx;

/* Prefix of graph number id's vertices. */
static const char *pfx(char *buf, size_t n, int id)
{
    if (id)
        snprintf(buf, n, "g%d_", id);
    else
        buf[0] = '\0';
    return buf;
}

static int input_index(const lstm__graph *g, int v)
{
    for (int j = 0; j < g->n_inputs; j++)
        if (g->input_values[j] == v) return j;
    return -1;
}

static int anchor_input(const lstm__graph *g)
{
    for (int i = 0; i < g->n_inputs; i++)
        if (!lstm__du_input_is_weight(g, i)) return 1;
    return 0;
}

/* The vertex a subgraph's dashed edge from its node points at. */
static void anchor(char *buf, size_t n, const lstm__graph *g, int id)
{
    char p[32];
    pfx(p, sizeof p, id);
    for (int i = 0; i < g->n_inputs; i++)
        if (!lstm__du_input_is_weight(g, i)) {
            snprintf(buf, n, "%sin%d", p, i);
            return;
        }
    if (g->n_nodes)
        snprintf(buf, n, "%sn0", p);
    else if (g->n_outputs)
        snprintf(buf, n, "%sout0", p);
    else
        snprintf(buf, n, "%sempty", p);
}

static void vertices(dot_ctx *d, const lstm__graph *g, int id, const char *ind)
{
    lstm__out *f = d->f;
    const lstm__dctx *c = d->c;
    char dims[256], label[1024], p[32], in2[LSTM__MAX_GRAPH_DEPTH * 2 + 8], q[512];
    pfx(p, sizeof p, id);
    snprintf(in2, sizeof in2, "%s  ", ind);
    for (int i = 0; i < g->n_inputs; i++) {
        if (lstm__du_input_is_weight(g, i)) continue;
        snprintf(label, sizeof label, "%s\n%s [%s]", g->inputs[i].name,
                 lstm__du_type_dtype(&g->inputs[i].type),
                 lstm__du_type_dims(dims, sizeof dims, &g->inputs[i].type, ", "));
        lstm__outf(f, "%s%sin%d [shape=ellipse, style=filled, fillcolor=\"#dbeafe\", label=", ind,
                   p, i);
        dq(f, label);
        lstm__outf(f, "];\n");
    }
    for (int i = 0; i < g->n_nodes; i++) {
        const lstm__node *n = &g->nodes[i];
        int o =
            snprintf(label, sizeof label, "%s%s%s", n->op_type, n->name[0] ? "\n" : "", n->name);
        for (int k = 0; k < n->n_in && o > 0 && (size_t)o < sizeof label; k++) {
            const lstm__graph *og = g;
            const lstm__value *v =
                c->linked ? lstm__du_origin(&og, lstm__node_input(g, n, k)) : NULL;
            if (v && v->init && !(v->flags & LSTM__V_INPUT))
                o += snprintf(label + o, sizeof label - (size_t)o, "\n%s [%s]", v->name,
                              lstm__du_tensor_dims(dims, sizeof dims, v->init, "x"));
        }
        const char *fill = !c->linked                                   ? "#eeeeee"
                           : n->support                                 ? "#fecaca"
                           : lstm__du_unsupported_inside(n, NULL, NULL) ? "#fed7aa"
                           : lstm__du_is_recurrent(n)                   ? "#fde68a"
                                                                        : "#e5e7eb";
        lstm__outf(f, "%s%sn%d [shape=box, style=\"rounded,filled\", fillcolor=\"%s\", label=", ind,
                   p, i, fill);
        dq(f, label);
        lstm__outf(f, "];\n");
    }
    for (int i = 0; i < g->n_outputs; i++) {
        snprintf(label, sizeof label, "%s\n%s [%s]", g->outputs[i].name,
                 lstm__du_type_dtype(&g->outputs[i].type),
                 lstm__du_type_dims(dims, sizeof dims, &g->outputs[i].type, ", "));
        lstm__outf(f, "%s%sout%d [shape=ellipse, style=filled, fillcolor=\"#dcfce7\", label=", ind,
                   p, i);
        dq(f, label);
        lstm__outf(f, "];\n");
    }
    if (id && !g->n_nodes && !g->n_outputs && !anchor_input(g))
        lstm__outf(f, "%s%sempty [shape=plaintext, label=\"(empty graph)\"];\n", ind, p);
    for (int i = 0; i < g->n_nodes; i++) {
        lstm__graph *sg;
        for (int k = 0; (sg = lstm__node_subgraph(&g->nodes[i], k, NULL)); k++) {
            int sid = ++d->next;
            size_t l = strlen(lstm__du_qualify(sg, NULL, q, sizeof q));
            if (l) q[l - 1] = '\0';
            lstm__outf(f, "%ssubgraph cluster_g%d {\n%s  label=", ind, sid, ind);
            dq(f, q);
            lstm__outf(f,
                       ";\n%s  style=\"rounded,dashed\";\n%s  color=\"#6b7280\";\n%s  "
                       "fontname=\"Helvetica\";\n",
                       ind, ind, ind);
            vertices(d, sg, sid, in2);
            lstm__outf(f, "%s}\n", ind);
        }
    }
}

/* The vertex value v of graph g comes from (a node, or a graph input that is not a weight), or
** 0 when none (a weight, or a value not linked). */
static int source(const dot_ctx *d, const lstm__graph *g, int v, char *buf, size_t n)
{
    char p[32];
    const lstm__graph *og = g;
    const lstm__value *o = lstm__du_origin(&og, &g->values[v]);
    pfx(p, sizeof p, d->ids[og->depth]);
    if (o->producer >= 0) {
        snprintf(buf, n, "%sn%d", p, o->producer);
        return 1;
    }
    if ((o->flags & LSTM__V_INPUT) && !(o->flags & LSTM__V_INIT)) {
        snprintf(buf, n, "%sin%d", p, input_index(og, (int)(o - og->values)));
        return 1;
    }
    return 0;
}

static void edges(dot_ctx *d, const lstm__graph *g, int id)
{
    lstm__out *f = d->f;
    char p[32], from[64], to[64];
    pfx(p, sizeof p, id);
    d->ids[g->depth] = id;
    for (int i = 0; i < g->n_nodes; i++) {
        const lstm__node *n = &g->nodes[i];
        for (int k = 0; k < n->n_in; k++) {
            if (n->in[k] < 0 || !source(d, g, n->in[k], from, sizeof from)) continue;
            const lstm__value *v = &g->values[n->in[k]];
            lstm__outf(f, "  %s -> %sn%d [label=", from, p, i);
            dq(f, v->name);
            lstm__outf(f, "%s];\n", v->flags & LSTM__V_OUTER ? ", style=dashed" : "");
        }
    }
    for (int i = 0; i < g->n_outputs; i++) {
        const lstm__value *v = &g->values[g->output_values[i]];
        /* Outputs: from the node making them, or from an enclosing graph's value. */
        if (!(v->producer >= 0 || (v->flags & LSTM__V_OUTER)) ||
            !source(d, g, g->output_values[i], from, sizeof from))
            continue;
        lstm__outf(f, "  %s -> %sout%d [label=", from, p, i);
        dq(f, v->name);
        lstm__outf(f, "%s];\n", v->flags & LSTM__V_OUTER ? ", style=dashed" : "");
    }
    for (int i = 0; i < g->n_nodes; i++) {
        const lstm__attr *a;
        lstm__graph *sg;
        for (int k = 0; (sg = lstm__node_subgraph(&g->nodes[i], k, &a)); k++) {
            int sid = ++d->next;
            anchor(to, sizeof to, sg, sid);
            lstm__outf(f,
                       "  %sn%d -> %s [lhead=cluster_g%d, style=dotted, arrowhead=none, label=", p,
                       i, to, sid);
            dq(f, a->name);
            lstm__outf(f, "];\n");
            edges(d, sg, sid);
        }
    }
}

void lstm__describe_dot(lstm__out *f, const lstm__dctx *c)
{
    const lstm__graph *g = c->g;
    dot_ctx d = {.f = f, .c = c};
    lstm__outf(f, "digraph ");
    dq(f, g->name && g->name[0] ? g->name : "model");
    lstm__outf(f, " {\n  rankdir=TB;\n  compound=true;\n"
                  "  node [fontname=\"Helvetica\", fontsize=10];\n"
                  "  edge [fontname=\"Helvetica\", fontsize=9];\n");
    vertices(&d, g, 0, "  ");
    if (c->linked) {
        d.next = 0;
        edges(&d, g, 0);
    }
    lstm__outf(f, "}\n");
}
