/* dump_util.c — formatting helpers shared by the dump formats. */
#include "describe/describe.h"
#include "ops/registry.h"
#include "dtype.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *lstm__du_type_dtype(const lstm__type *t)
{
    switch (t->kind) {
    case LSTM__VK_TENSOR:
        return lstm__dtype_name(t->dtype);
    case LSTM__VK_SPARSE:
        return "sparse";
    case LSTM__VK_SEQUENCE:
        return "sequence";
    case LSTM__VK_MAP:
        return "map";
    case LSTM__VK_OPTIONAL:
        return "optional";
    case LSTM__VK_NONE:
        return "?";
    default:
        return "unknown";
    }
}

const char *lstm__du_type_dims(char *buf, size_t n, const lstm__type *t, const char *sep)
{
    size_t o = 0;
    buf[0] = '\0';
    if (t->rank < 0) {
        snprintf(buf, n, "?");
        return buf;
    }
    if (t->rank == 0) {
        snprintf(buf, n, "scalar");
        return buf;
    }
    for (int i = 0; i < t->rank && o < n; i++) {
        const char *s = i ? sep : "";
        if (t->dim_names[i])
            o += (size_t)snprintf(buf + o, n - o, "%s%s", s, t->dim_names[i]);
        else if (t->dims[i] >= 0)
            o += (size_t)snprintf(buf + o, n - o, "%s%lld", s, (long long)t->dims[i]);
        else
            o += (size_t)snprintf(buf + o, n - o, "%s?", s);
    }
    return buf;
}

const char *lstm__du_tensor_dims(char *buf, size_t n, const lstm__tensor *t, const char *sep)
{
    size_t o = 0;
    buf[0] = '\0';
    if (t->rank == 0) {
        snprintf(buf, n, "scalar");
        return buf;
    }
    for (int i = 0; i < t->rank && o < n; i++)
        o += (size_t)snprintf(buf + o, n - o, "%s%lld", i ? sep : "", (long long)t->dims[i]);
    return buf;
}

const char *lstm__du_attr_type(int type)
{
    static const char *const n[] = {"UNDEFINED",      "FLOAT",      "INT",        "STRING",
                                    "TENSOR",         "GRAPH",      "FLOATS",     "INTS",
                                    "STRINGS",        "TENSORS",    "GRAPHS",     "SPARSE_TENSOR",
                                    "SPARSE_TENSORS", "TYPE_PROTO", "TYPE_PROTOS"};
    return type >= 0 && type < (int)(sizeof n / sizeof n[0]) ? n[type] : "UNKNOWN";
}

const char *lstm__du_attr_value(char *buf, size_t n, const lstm__attr *a)
{
    size_t o = 0;
    char dims[128];
    buf[0] = '\0';
    switch (a->type) {
    case LSTM__A_FLOAT:
        snprintf(buf, n, "%g", (double)a->f);
        break;
    case LSTM__A_INT:
        snprintf(buf, n, "%lld", (long long)a->i);
        break;
    case LSTM__A_STRING:
        snprintf(buf, n, "%s", a->s);
        break;
    case LSTM__A_FLOATS:
    case LSTM__A_INTS:
    case LSTM__A_STRINGS:
        o += (size_t)snprintf(buf, n, "[");
        for (size_t i = 0; i < a->n && o < n; i++) {
            const char *s = i ? ", " : "";
            if (a->type == LSTM__A_FLOATS)
                o += (size_t)snprintf(buf + o, n - o, "%s%g", s, (double)a->floats[i]);
            else if (a->type == LSTM__A_INTS)
                o += (size_t)snprintf(buf + o, n - o, "%s%lld", s, (long long)a->ints[i]);
            else
                o += (size_t)snprintf(buf + o, n - o, "%s%s", s, a->strings[i]);
        }
        if (o < n) snprintf(buf + o, n - o, "]");
        break;
    case LSTM__A_TENSOR:
        snprintf(buf, n, "tensor %s [%s]", lstm__dtype_name(a->t->dtype),
                 lstm__du_tensor_dims(dims, sizeof dims, a->t, ", "));
        break;
    case LSTM__A_TENSORS:
        snprintf(buf, n, "%zu tensors", a->n);
        break;
    case LSTM__A_GRAPH:
        snprintf(buf, n, "subgraph of %d nodes", a->g ? a->g->n_nodes : 0);
        break;
    case LSTM__A_GRAPHS:
        snprintf(buf, n, "%zu subgraphs", a->n);
        break;
    default:
        snprintf(buf, n, "<%s>", lstm__du_attr_type(a->type));
        break;
    }
    /* Keep the output on one line whatever the file holds. */
    for (char *p = buf; *p; p++)
        if ((unsigned char)*p < 0x20) *p = '?';
    return buf;
}

int lstm__du_is_param(const lstm__tensor *t)
{
    return t->dtype == LSTM_DT_FLOAT || t->dtype == LSTM_DT_FLOAT16 ||
           t->dtype == LSTM_DT_BFLOAT16 || t->dtype == LSTM_DT_DOUBLE;
}

const lstm__value *lstm__du_origin(const lstm__graph **g, const lstm__value *v)
{
    while (v && (v->flags & LSTM__V_OUTER) && v->outer >= 0 && (*g)->parent) {
        *g = (*g)->parent;
        v = &(*g)->values[v->outer];
    }
    return v;
}

uint64_t lstm__du_node_params(const lstm__graph *g, const lstm__node *n)
{
    uint64_t s = 0;
    if (!g->values) return 0;
    for (int k = 0; k < n->n_in; k++) {
        const lstm__graph *og = g;
        const lstm__value *v = lstm__du_origin(&og, lstm__node_input(g, n, k));
        if (v && v->init && lstm__du_is_param(v->init)) s += v->init->nelem;
    }
    return s;
}

uint64_t lstm__du_total_params(const lstm__graph *g)
{
    uint64_t s = 0;
    for (int i = 0; i < g->n_inits; i++)
        if (lstm__du_is_param(&g->inits[i].t)) s += g->inits[i].t.nelem;
    return s;
}

const char *lstm__du_qualify(const lstm__graph *g, const lstm__graph *top, char *buf, size_t n)
{
    if (!n) return buf;
    buf[0] = '\0';
    if (!g->parent || g == top) return buf;
    lstm__du_qualify(g->parent, top, buf, n);
    size_t o = strlen(buf);
    const lstm__node *owner = g->owner;
    if (owner->name[0])
        snprintf(buf + o, n - o, "%s/%s/", owner->name, g->attr_name);
    else
        snprintf(buf + o, n - o, "#%d/%s/", (int)(owner - g->parent->nodes), g->attr_name);
    return buf;
}

const char *lstm__du_reason(const lstm__graph *g, const lstm__node *n)
{
    const char *why = n->support ? n->support : "not supported";
    /* Parse messages start with the node's label, some with its graph's path before it. */
    char path[512], lb[300];
    lstm__graph_path(g, path, sizeof path);
    lstm__node_label_opset(g, n, lb, sizeof lb - 2);
    strcat(lb, ": ");
    size_t pl = strlen(path), ll = strlen(lb);
    if (strncmp(why, path, pl) == 0 && strncmp(why + pl, lb, ll) == 0) return why + pl + ll;
    if (strncmp(why, lb, ll) == 0) return why + ll;
    return why;
}

typedef struct inside_walk {
    const lstm__attr *a;
    lstm__du_inside_fn fn;
    void *ud;
    int count;
} inside_walk;

static void walk_inside(inside_walk *w, const lstm__graph *g)
{
    for (int i = 0; i < g->n_nodes; i++) {
        const lstm__node *n = &g->nodes[i];
        if (n->support || !n->op || !n->params) {
            w->count++;
            if (w->fn) w->fn(w->ud, w->a, g, n);
        }
        lstm__graph *sg;
        for (int k = 0; (sg = lstm__node_subgraph(n, k, NULL)); k++) walk_inside(w, sg);
    }
}

int lstm__du_unsupported_inside(const lstm__node *n, lstm__du_inside_fn fn, void *ud)
{
    inside_walk w = {NULL, fn, ud, 0};
    lstm__graph *sg;
    for (int k = 0; (sg = lstm__node_subgraph(n, k, &w.a)); k++) walk_inside(&w, sg);
    return w.count;
}

typedef struct inside_text {
    char *buf;
    size_t len, o;
    const lstm__node *owner;
    int shown;
} inside_text;

static void add_inside(void *ud, const lstm__attr *a, const lstm__graph *sg, const lstm__node *bad)
{
    inside_text *t = ud;
    char q[512];
    if (t->o + 1 >= t->len) return;
    if (t->shown++ == 8) {
        snprintf(t->buf + t->o, t->len - t->o, "; ...");
        t->o += strlen(t->buf + t->o);
        return;
    }
    if (t->shown > 8) return;
    /* The node's name relative to the owner's subgraph: "x", or "Loop_3/body/x" deeper. */
    const lstm__graph *top = sg;
    while (top->parent && top->owner != t->owner) top = top->parent;
    lstm__du_qualify(sg, top, q, sizeof q);
    size_t o = strlen(q);
    if (bad->name[0])
        snprintf(q + o, sizeof q - o, "%s", bad->name);
    else
        snprintf(q + o, sizeof q - o, "#%d", (int)(bad - sg->nodes));
    snprintf(t->buf + t->o, t->len - t->o, "%sits %s holds node '%s' (%s): %s",
             t->shown > 1 ? "; " : "", a->name, q, bad->op_type, lstm__du_reason(sg, bad));
    t->o += strlen(t->buf + t->o);
}

const char *lstm__du_inside_text(const lstm__node *n, char *buf, size_t len)
{
    inside_text t = {buf, len, 0, n, 0};
    if (len) buf[0] = '\0';
    lstm__du_unsupported_inside(n, add_inside, &t);
    return buf;
}

static void count_graph(const lstm__graph *g, lstm__du_totals *t)
{
    t->graphs++;
    t->nodes += g->n_nodes;
    t->params += lstm__du_total_params(g);
    for (int i = 0; i < g->n_inits; i++) t->bytes += g->inits[i].t.nbytes;
    for (int i = 0; i < g->n_nodes; i++) {
        const lstm__node *n = &g->nodes[i];
        t->supported += n->support == NULL;
        lstm__macs m;
        if (lstm__du_node_macs(g, n, &m)) {
            t->macs += m.count;
            t->macs_free += m.n_free > 0;
        }
        lstm__graph *sg;
        for (int k = 0; (sg = lstm__node_subgraph(n, k, NULL)); k++) count_graph(sg, t);
    }
}

void lstm__du_count(const lstm__graph *g, lstm__du_totals *t)
{
    memset(t, 0, sizeof *t);
    count_graph(g, t);
}

int lstm__du_input_is_weight(const lstm__graph *g, int i)
{
    if (!g->values) return 0;
    return (g->values[g->input_values[i]].flags & LSTM__V_INIT) != 0;
}

int lstm__du_is_recurrent(const lstm__node *n)
{
    if (n->op) return (n->op->flags & LSTM__OPF_RECURRENT) != 0;
    /* Not resolved (an opset 1-6 form, a model that failed to load): known by name. */
    return n->domain[0] == '\0' &&
           (strcmp(n->op_type, "LSTM") == 0 || strcmp(n->op_type, "GRU") == 0 ||
            strcmp(n->op_type, "RNN") == 0);
}

int lstm__du_is_dqlstm(const lstm__node *n)
{
    return strcmp(n->domain, "com.microsoft") == 0 &&
           strcmp(n->op_type, "DynamicQuantizeLSTM") == 0;
}

static int histogram(const lstm__graph *g, const char **ops, int *counts, int cap, int k)
{
    for (int i = 0; i < g->n_nodes; i++) {
        int j = 0;
        while (j < k && strcmp(ops[j], g->nodes[i].op_type) != 0) j++;
        if (j == k && k < cap) {
            ops[k] = g->nodes[i].op_type;
            counts[k++] = 0;
        }
        if (j < k) counts[j]++;
        lstm__graph *sg;
        for (int s = 0; (sg = lstm__node_subgraph(&g->nodes[i], s, NULL)); s++)
            k = histogram(sg, ops, counts, cap, k);
    }
    return k;
}

int lstm__du_histogram(const lstm__graph *g, const char **ops, int *counts, int cap)
{
    return histogram(g, ops, counts, cap, 0);
}

void lstm__out_flush(lstm__out *o)
{
    if (o->n) o->write(o->ud, o->buf, o->n);
    o->n = 0;
}

void lstm__outs(lstm__out *o, const char *s)
{
    size_t len = strlen(s);
    while (len) {
        if (o->n == sizeof o->buf) lstm__out_flush(o);
        size_t k = sizeof o->buf - o->n;
        if (k > len) k = len;
        memcpy(o->buf + o->n, s, k);
        o->n += k;
        s += k;
        len -= k;
    }
}

void lstm__outc(lstm__out *o, int c)
{
    if (o->n == sizeof o->buf) lstm__out_flush(o);
    o->buf[o->n++] = (char)c;
}

void lstm__outf(lstm__out *o, const char *fmt, ...)
{
    char tmp[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    lstm__outs(o, tmp);
}

void lstm__out_json_str(lstm__out *o, const char *s)
{
    lstm__outc(o, '"');
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            lstm__outf(o, "\\%c", *p);
        else if (*p < 0x20)
            lstm__outf(o, "\\u%04x", *p);
        else
            lstm__outc(o, *p);
    }
    lstm__outc(o, '"');
}
