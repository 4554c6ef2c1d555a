/* describe.c — lstm_model_describe: the text, JSON and Graphviz views of a model. */
#include "describe/describe.h"
#include "model.h"

#include <stdio.h>

/* The first node (subgraphs included) that breaks the ONNX spec, or NULL; its graph in *in. */
static const lstm__node *invalid_node(const lstm__graph *g, const lstm__graph **in)
{
    for (int i = 0; g && i < g->n_nodes; i++) {
        const lstm__node *n = &g->nodes[i], *bad;
        if (n->support_code == LSTM_EMODEL) {
            *in = g;
            return n;
        }
        lstm__graph *sg;
        for (int k = 0; (sg = lstm__node_subgraph(n, k, NULL)); k++)
            if ((bad = invalid_node(sg, in))) return bad;
    }
    return NULL;
}

int lstm_model_describe(const lstm_model *m, int format, lstm_write_fn write, void *ud)
{
    if (!m || !write || format < LSTM_DESCRIBE_TEXT || format > LSTM_DESCRIBE_DOT)
        return LSTM_EINVAL;
    lstm__out o = {.write = write, .ud = ud};
    lstm__dctx c = {.g = m->g,
                    .path = m->path ? m->path : "",
                    .rc = m->status,
                    .errmsg = m->diag.msg,
                    .linked = m->g && m->g->values && m->status == LSTM_OK};
    /* A loaded model with a node that breaks the spec is invalid: described in full, with the
    ** node's reason as the error (a session refuses it with LSTM_EMODEL). */
    const lstm__graph *bg = NULL;
    const lstm__node *bad = c.linked ? invalid_node(m->g, &bg) : NULL;
    char msg[1024];
    if (bad) {
        /* As the session says it: the path of the graph, the node's label, the reason. */
        char path[512], lb[300];
        lstm__graph_path(bg, path, sizeof path);
        lstm__node_label_opset(bg, bad, lb, sizeof lb);
        snprintf(msg, sizeof msg, "%s%s: %s", path, lb, lstm__du_reason(bg, bad));
        c.rc = LSTM_EMODEL;
        c.errmsg = msg;
    }
    if (format == LSTM_DESCRIBE_JSON)
        lstm__describe_json(&o, &c);
    else if (m->g && format == LSTM_DESCRIBE_DOT)
        lstm__describe_dot(&o, &c);
    else if (m->g)
        lstm__describe_text(&o, &c);
    lstm__out_flush(&o);
    return LSTM_OK;
}
