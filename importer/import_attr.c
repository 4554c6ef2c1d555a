/*
** import_attr.c — AttributeProto -> lstm__attr. The declared type must match the field that
** carries the value; duplicate names and NUL bytes in strings are refused; a reference attribute
** (ref_attr_name) takes its value from the function call being inlined (import_func.c).
*/
#include "importer.h"

#include <stdio.h>
#include <string.h>

/* imp_attr's result for a function attribute reference the caller left unset: no attribute. */
#define LSTM__ATTR_ABSENT (-1)

static const char *type_name(int t)
{
    static const char *const n[] = {"UNDEFINED",      "FLOAT",      "INT",        "STRING",
                                    "TENSOR",         "GRAPH",      "FLOATS",     "INTS",
                                    "STRINGS",        "TENSORS",    "GRAPHS",     "SPARSE_TENSOR",
                                    "SPARSE_TENSORS", "TYPE_PROTO", "TYPE_PROTOS"};
    return t >= 0 && t < (int)(sizeof n / sizeof n[0]) ? n[t] : "UNKNOWN";
}

/* Which value field a protobuf attribute carries, as an LSTM__A_* type; 0 when none, -1 when
** several. */
static int carried(const Onnx__AttributeProto *ap)
{
    int kinds[16], k = 0;
    if (ap->has_f) kinds[k++] = LSTM__A_FLOAT;
    if (ap->has_i) kinds[k++] = LSTM__A_INT;
    if (ap->has_s) kinds[k++] = LSTM__A_STRING;
    if (ap->t) kinds[k++] = LSTM__A_TENSOR;
    if (ap->g) kinds[k++] = LSTM__A_GRAPH;
    if (ap->sparse_tensor) kinds[k++] = LSTM__A_SPARSE_TENSOR;
    if (ap->tp) kinds[k++] = LSTM__A_TYPE_PROTO;
    if (ap->n_floats) kinds[k++] = LSTM__A_FLOATS;
    if (ap->n_ints) kinds[k++] = LSTM__A_INTS;
    if (ap->n_strings) kinds[k++] = LSTM__A_STRINGS;
    if (ap->n_tensors) kinds[k++] = LSTM__A_TENSORS;
    if (ap->n_graphs) kinds[k++] = LSTM__A_GRAPHS;
    if (ap->n_sparse_tensors) kinds[k++] = LSTM__A_SPARSE_TENSORS;
    if (ap->n_type_protos) kinds[k++] = LSTM__A_TYPE_PROTOS;
    if (k == 0) return 0;
    return k == 1 ? kinds[0] : -1;
}

const char *lstm__imp_bytes(lstm__imp *im, ProtobufCBinaryData b, const char *what)
{
    if (b.len > im->lim.max_name_bytes) {
        lstm__errf(im->d, LSTM_ELIMIT, "%s is %zu bytes long, the limit is %u", what, b.len,
                   im->lim.max_name_bytes);
        return NULL;
    }
    if (b.len && memchr(b.data, 0, b.len)) {
        lstm__errf(im->d, LSTM_EMODEL, "%s contains a NUL byte", what);
        return NULL;
    }
    char *r = lstm__pool_strndup(&im->g->pool, (const char *)b.data, b.len);
    if (!r) lstm__errf(im->d, LSTM_ENOMEM, "out of memory copying %s", what);
    return r;
}

/* A subgraph (the value of a GRAPH or GRAPHS attribute of node n in graph g). */
static int imp_subgraph(lstm__imp *im, const Onnx__GraphProto *gp, lstm__graph *g, lstm__node *n,
                        const char *attr, lstm__graph **out, const char *what)
{
    if (!gp) return lstm__errf(im->d, LSTM_EMODEL, "%s has no graph", what);
    if (g->depth + 1 > LSTM__MAX_GRAPH_DEPTH)
        return lstm__errf(im->d, LSTM_ELIMIT, "%s: subgraphs nest more than %d deep", what,
                          LSTM__MAX_GRAPH_DEPTH);
    lstm__graph *sg = lstm__pool_alloc(g->mem, sizeof *sg);
    if (!sg) return lstm__errf(im->d, LSTM_ENOMEM, "out of memory for %s", what);
    sg->alloc = g->alloc;
    sg->mem = g->mem;
    sg->parent = g;
    sg->owner = n;
    sg->attr_name = attr;
    sg->depth = g->depth + 1;
    n->n_subgraphs++;
    *out = sg;
    return lstm__imp_graph(im, gp, sg);
}

static int imp_attr(lstm__imp *im, const Onnx__AttributeProto *ap, lstm__graph *g, lstm__node *n,
                    lstm__attr *a, const char *label)
{
    lstm__pool *pool = &im->g->pool;
    char what[256];
    if (!(a->name = lstm__imp_name(im, ap->name, "an attribute name"))) return im->d->code;
    if (!a->name[0])
        return lstm__errf(im->d, LSTM_EMODEL, "%s has an attribute without a name", label);
    snprintf(what, sizeof what, "%s: attribute '%s'", label, a->name);
    if (ap->ref_attr_name && ap->ref_attr_name[0]) {
        /* Inside a function: the caller's value (or the default) under this node's name, read
        ** in the names of the graph that wrote it. */
        const Onnx__AttributeProto *val;
        const lstm__imp_call *ctx, *self = im->call;
        int rc = lstm__imp_attr_ref(im, ap, &val, &ctx, what);
        if (rc || !val) return rc ? rc : LSTM__ATTR_ABSENT;
        int declared = ap->has_type ? (int)ap->type : 0;
        if (declared && val->has_type && (int)val->type != declared)
            return lstm__errf(im->d, LSTM_EMODEL, "%s refers to '%s', which is %s, not %s", what,
                              ap->ref_attr_name, type_name((int)val->type), type_name(declared));
        const char *name = a->name;
        im->call = ctx;
        rc = imp_attr(im, val, g, n, a, label);
        im->call = self;
        a->name = name;
        return rc;
    }
    int c = carried(ap);
    if (c < 0) return lstm__errf(im->d, LSTM_EMODEL, "%s carries more than one value", what);
    a->type = ap->has_type ? (int)ap->type : c;
    if (a->type < LSTM__A_FLOAT || a->type > LSTM__A_TYPE_PROTOS)
        return lstm__errf(im->d, LSTM_EMODEL, "%s has unknown type %d", what, a->type);
    /* A zero scalar or an empty list may be omitted by writers; any other mismatch is an error. */
    if (c != 0 && c != a->type)
        return lstm__errf(im->d, LSTM_EMODEL, "%s is declared %s but carries %s data", what,
                          type_name(a->type), type_name(c));
    switch (a->type) {
    case LSTM__A_FLOAT:
        a->f = ap->f;
        break;
    case LSTM__A_INT:
        a->i = ap->i;
        break;
    case LSTM__A_STRING:
        if (!(a->s = lstm__imp_bytes(im, ap->s, what))) return im->d->code;
        break;
    case LSTM__A_FLOATS:
        a->n = ap->n_floats;
        a->floats = lstm__pool_array(pool, a->n + 1, sizeof(float));
        if (!a->floats) return lstm__errf(im->d, LSTM_ENOMEM, "out of memory for %s", what);
        if (a->n) memcpy(a->floats, ap->floats, a->n * sizeof(float));
        break;
    case LSTM__A_INTS:
        a->n = ap->n_ints;
        a->ints = lstm__pool_array(pool, a->n + 1, sizeof(int64_t));
        if (!a->ints) return lstm__errf(im->d, LSTM_ENOMEM, "out of memory for %s", what);
        if (a->n) memcpy(a->ints, ap->ints, a->n * sizeof(int64_t));
        break;
    case LSTM__A_STRINGS:
        a->n = ap->n_strings;
        a->strings = lstm__pool_array(pool, a->n + 1, sizeof(char *));
        if (!a->strings) return lstm__errf(im->d, LSTM_ENOMEM, "out of memory for %s", what);
        for (size_t i = 0; i < a->n; i++)
            if (!(a->strings[i] = lstm__imp_bytes(im, ap->strings[i], what))) return im->d->code;
        break;
    case LSTM__A_TENSOR:
        if (!ap->t) return lstm__errf(im->d, LSTM_EMODEL, "%s has no tensor", what);
        a->t = lstm__pool_alloc(pool, sizeof *a->t);
        if (!a->t) return lstm__errf(im->d, LSTM_ENOMEM, "out of memory for %s", what);
        return lstm__imp_tensor(im, ap->t, a->t, what);
    case LSTM__A_TENSORS:
        a->n = ap->n_tensors;
        a->ts = lstm__pool_array(pool, a->n + 1, sizeof *a->ts);
        if (!a->ts) return lstm__errf(im->d, LSTM_ENOMEM, "out of memory for %s", what);
        for (size_t i = 0; i < a->n; i++) {
            a->ts[i] = lstm__pool_alloc(pool, sizeof **a->ts);
            if (!a->ts[i]) return lstm__errf(im->d, LSTM_ENOMEM, "out of memory for %s", what);
            int rc = ap->tensors[i] ? lstm__imp_tensor(im, ap->tensors[i], a->ts[i], what)
                                    : lstm__errf(im->d, LSTM_EMODEL, "%s: empty tensor", what);
            if (rc) return rc;
        }
        break;
    case LSTM__A_GRAPH:
        return imp_subgraph(im, ap->g, g, n, a->name, &a->g, what);
    case LSTM__A_GRAPHS:
        a->gs = lstm__pool_array(pool, ap->n_graphs + 1, sizeof *a->gs);
        if (!a->gs) return lstm__errf(im->d, LSTM_ENOMEM, "out of memory for %s", what);
        for (size_t i = 0; i < ap->n_graphs; i++) {
            int rc = imp_subgraph(im, ap->graphs[i], g, n, a->name, &a->gs[i], what);
            a->n = i + 1; /* complete entries only */
            if (rc) return rc;
        }
        break;
    case LSTM__A_SPARSE_TENSORS:
        a->n = ap->n_sparse_tensors;
        break;
    case LSTM__A_TYPE_PROTOS:
        a->n = ap->n_type_protos;
        break;
    default:
        break; /* SPARSE_TENSOR, TYPE_PROTO: kept as a typed marker; no kernel reads them */
    }
    return LSTM_OK;
}

int lstm__imp_attrs(lstm__imp *im, const Onnx__NodeProto *np, lstm__graph *g, lstm__node *n,
                    const char *label)
{
    n->n_attr = 0; /* complete entries only: a subgraph may fail half-way */
    n->attrs = lstm__pool_array(&im->g->pool, np->n_attribute + 1, sizeof *n->attrs);
    if (!n->attrs) return lstm__errf(im->d, LSTM_ENOMEM, "out of memory for %s", label);
    for (int i = 0; i < (int)np->n_attribute; i++) {
        const Onnx__AttributeProto *ap = np->attribute[i];
        if (!ap) return lstm__errf(im->d, LSTM_EMODEL, "%s has an empty attribute", label);
        int k = n->n_attr, rc = imp_attr(im, ap, g, n, &n->attrs[k], label);
        if (rc == LSTM__ATTR_ABSENT) continue; /* a reference the caller left unset */
        if (rc) return rc;
        n->n_attr = k + 1;
        for (int j = 0; j < k; j++)
            if (strcmp(n->attrs[j].name, n->attrs[k].name) == 0)
                return lstm__errf(im->d, LSTM_EMODEL, "%s has attribute '%s' twice", label,
                                  n->attrs[k].name);
    }
    return LSTM_OK;
}
