/*
** import.c — ONNX ModelProto -> runtime graph: limits, wire scan, budgeted unpack, model
** metadata, opsets, declarations and nodes; then the runtime links and resolves the graph.
*/
#define _GNU_SOURCE
#include "importer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_IR_VERSION 12

const char *lstm__imp_name(lstm__imp *im, const char *s, const char *what)
{
    if (!s) s = "";
    size_t n = strlen(s);
    if (n > im->lim.max_name_bytes) {
        lstm__errf(im->d, LSTM_ELIMIT, "%s is %zu bytes long, the limit is %u", what, n,
                   im->lim.max_name_bytes);
        return NULL;
    }
    char *r = lstm__pool_strndup(&im->g->pool, s, n);
    if (!r) lstm__errf(im->d, LSTM_ENOMEM, "out of memory copying %s", what);
    return r;
}

const char *lstm__imp_doc(lstm__imp *im, const char *s)
{
    if (!s) s = "";
    char *r = lstm__pool_strndup(&im->g->pool, s, strlen(s));
    if (!r) lstm__errf(im->d, LSTM_ENOMEM, "out of memory copying a doc string");
    return r;
}

/* TypeProto -> declared type. */
static int imp_type(lstm__imp *im, const Onnx__TypeProto *tp, lstm__type *t, const char *what)
{
    t->kind = LSTM__VK_NONE;
    t->rank = -1;
    if (!tp) return LSTM_OK;
    const Onnx__TensorShapeProto *shape = NULL;
    switch (tp->value_case) {
    case ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE:
        t->kind = LSTM__VK_TENSOR;
        if (tp->tensor_type) {
            t->dtype = tp->tensor_type->elem_type;
            shape = tp->tensor_type->shape;
        }
        break;
    case ONNX__TYPE_PROTO__VALUE_SPARSE_TENSOR_TYPE:
        t->kind = LSTM__VK_SPARSE;
        if (tp->sparse_tensor_type) {
            t->dtype = tp->sparse_tensor_type->elem_type;
            shape = tp->sparse_tensor_type->shape;
        }
        break;
    case ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE:
        t->kind = LSTM__VK_SEQUENCE;
        break;
    case ONNX__TYPE_PROTO__VALUE_MAP_TYPE:
        t->kind = LSTM__VK_MAP;
        break;
    case ONNX__TYPE_PROTO__VALUE_OPTIONAL_TYPE:
        t->kind = LSTM__VK_OPTIONAL;
        break;
    case ONNX__TYPE_PROTO__VALUE__NOT_SET:
        return LSTM_OK;
    default:
        t->kind = LSTM__VK_OTHER;
        return LSTM_OK;
    }
    if (t->dtype < 0)
        return lstm__errf(im->d, LSTM_EMODEL, "%s has element type %d", what, t->dtype);
    if (!shape) return LSTM_OK;
    if (shape->n_dim > LSTM__MAX_RANK)
        return lstm__errf(im->d, LSTM_EUNSUPPORTED, "%s has rank %zu, this runtime allows %d", what,
                          shape->n_dim, LSTM__MAX_RANK);
    t->rank = (int)shape->n_dim;
    for (size_t i = 0; i < shape->n_dim; i++) {
        const Onnx__TensorShapeProto__Dimension *dm = shape->dim[i];
        t->dims[i] = -1;
        t->dim_names[i] = NULL;
        if (!dm) continue;
        switch (dm->value_case) {
        case ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE:
            if (dm->dim_value < 0)
                return lstm__errf(im->d, LSTM_EMODEL, "%s: dimension %zu is %lld (must be >= 0)",
                                  what, i, (long long)dm->dim_value);
            t->dims[i] = dm->dim_value;
            break;
        case ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM:
            if (dm->dim_param && dm->dim_param[0]) {
                t->dim_names[i] = lstm__imp_name(im, dm->dim_param, "a dimension name");
                if (!t->dim_names[i]) return im->d->code;
            }
            break;
        default:
            break;
        }
    }
    return LSTM_OK;
}

static int imp_decls(lstm__imp *im, Onnx__ValueInfoProto **vi, size_t n, lstm__decl **out,
                     int *count, const char *kind)
{
    *count = 0; /* counts only complete entries, so a partial graph can be printed */
    *out = lstm__pool_array(&im->g->pool, n + 1, sizeof **out);
    if (!*out) return lstm__errf(im->d, LSTM_ENOMEM, "out of memory importing %ss", kind);
    for (size_t i = 0; i < n; i++) {
        char what[96];
        snprintf(what, sizeof what, "%s #%zu name", kind, i);
        lstm__decl *dc = &(*out)[i];
        dc->name = lstm__imp_value(im, vi[i] ? vi[i]->name : NULL, what);
        if (!dc->name) return im->d->code;
        dc->doc = lstm__imp_doc(im, vi[i] ? vi[i]->doc_string : NULL);
        if (!dc->doc) return im->d->code;
        snprintf(what, sizeof what, "%s '%.60s'", kind, dc->name);
        int rc = imp_type(im, vi[i] ? vi[i]->type : NULL, &dc->type, what);
        if (rc) return rc;
        *count = (int)i + 1;
    }
    return LSTM_OK;
}

static int imp_node(lstm__imp *im, const Onnx__NodeProto *np, lstm__graph *g, lstm__node *n,
                    int idx)
{
    char label[160], path[512];
    lstm__graph_path(g, path, sizeof path);
    if (!np) return lstm__errf(im->d, LSTM_EMODEL, "%snode #%d is empty", path, idx);
    if (!(n->op_type = lstm__imp_name(im, np->op_type, "an op_type"))) return im->d->code;
    /* A function's nodes take the call's prefix ("call/name", "call/Op_3" when unnamed). */
    char unnamed[160];
    const char *name = np->name;
    if (im->call && (!name || !name[0])) {
        snprintf(unnamed, sizeof unnamed, "%.120s_%d", n->op_type, idx);
        name = unnamed;
    }
    if (!(n->name = lstm__imp_value(im, name, "a node name"))) return im->d->code;
    const char *dom = np->domain && strcmp(np->domain, "ai.onnx") != 0 ? np->domain : "";
    if (!(n->domain = lstm__imp_name(im, dom, "a domain"))) return im->d->code;
    if (!(n->doc = lstm__imp_doc(im, np->doc_string))) return im->d->code;
    size_t o = strlen(path) < sizeof label ? strlen(path) : 0;
    memcpy(label, path, o);
    lstm__node_label(g, n, label + o, sizeof label - o);
    if (!n->op_type[0])
        return lstm__errf(im->d, LSTM_EMODEL, "%snode #%d has no op_type", path, idx);
    n->opset = lstm__imp_opset(im, g, n->domain);
    if (n->opset == 0)
        return lstm__errf(im->d, LSTM_EMODEL, "%s: its domain '%s' is not in opset_import", label,
                          n->domain);
    if (np->n_input > 65536 || np->n_output > 65536)
        return lstm__errf(im->d, LSTM_ELIMIT, "%s has more than 65536 inputs or outputs", label);
    n->n_in = (int)np->n_input;
    n->n_out = (int)np->n_output;
    n->in_names = lstm__pool_array(g->mem, np->n_input + 1, sizeof(char *));
    n->out_names = lstm__pool_array(g->mem, np->n_output + 1, sizeof(char *));
    if (!n->in_names || !n->out_names)
        return lstm__errf(im->d, LSTM_ENOMEM, "out of memory importing %s", label);
    for (int k = 0; k < n->n_in; k++)
        if (!(n->in_names[k] = lstm__imp_value(im, np->input[k], "a node input name")))
            return im->d->code;
    for (int k = 0; k < n->n_out; k++)
        if (!(n->out_names[k] = lstm__imp_value(im, np->output[k], "a node output name")))
            return im->d->code;
    return lstm__imp_attrs(im, np, g, n, label);
}

int lstm__imp_node(lstm__imp *im, const Onnx__NodeProto *np, lstm__graph *g, int *k, int idx)
{
    const lstm__imp_fn *fn = lstm__imp_find_fn(im, np);
    if (!fn) {
        g->n_nodes = *k + 1; /* the dump shows the nodes imported so far */
        int rc = imp_node(im, np, g, &g->nodes[*k], idx);
        if (rc)
            g->n_nodes = *k;
        else
            ++*k;
        return rc;
    }
    char label[800], path[512];
    lstm__graph_path(g, path, sizeof path);
    if (np->name && np->name[0])
        snprintf(label, sizeof label, "%snode '%.100s' (%.100s, a model-local function)", path,
                 np->name, np->op_type);
    else
        snprintf(label, sizeof label, "%snode #%d (%.100s, a model-local function)", path, idx,
                 np->op_type);
    return lstm__imp_inline(im, np, fn, g, k, label);
}

static int imp_opsets(lstm__imp *im, const Onnx__ModelProto *mp)
{
    lstm__graph *g = im->g;
    g->n_opsets = 0; /* counts complete entries only: a partial graph is still printable */
    g->opsets = lstm__pool_array(&g->pool, mp->n_opset_import + 1, sizeof *g->opsets);
    if (!g->opsets) return lstm__errf(im->d, LSTM_ENOMEM, "out of memory importing opsets");
    for (size_t i = 0; i < mp->n_opset_import; i++) {
        const Onnx__OperatorSetIdProto *op = mp->opset_import[i];
        const char *dom = op && op->domain && strcmp(op->domain, "ai.onnx") != 0 ? op->domain : "";
        if (!(g->opsets[i].domain = lstm__imp_name(im, dom, "an opset domain"))) return im->d->code;
        int64_t v = op ? op->version : 0;
        if (v < 1 || v > 10000)
            return lstm__errf(im->d, LSTM_EMODEL, "opset_import for domain '%s' has version %lld",
                              dom[0] ? dom : "ai.onnx", (long long)v);
        for (size_t j = 0; j < i; j++)
            if (strcmp(g->opsets[j].domain, dom) == 0)
                return lstm__errf(im->d, LSTM_EMODEL, "opset_import lists domain '%s' twice",
                                  dom[0] ? dom : "ai.onnx");
        g->opsets[i].version = v;
        g->n_opsets = (int)i + 1;
    }
    /* Each node's domain must be imported (checked per node); a model whose nodes all live in
    ** another domain need not import ai.onnx. */
    if (mp->n_opset_import == 0) return lstm__errf(im->d, LSTM_EMODEL, "model has no opset_import");
    return LSTM_OK;
}

static int imp_model(lstm__imp *im, const Onnx__ModelProto *mp)
{
    lstm__graph *g = im->g;
    int rc;
    g->ir_version = mp->ir_version;
    g->model_version = mp->model_version;
    if (!(g->producer_name = lstm__imp_name(im, mp->producer_name, "producer_name")) ||
        !(g->producer_version = lstm__imp_name(im, mp->producer_version, "producer_version")) ||
        !(g->model_domain = lstm__imp_name(im, mp->domain, "the model domain")) ||
        !(g->model_doc = lstm__imp_doc(im, mp->doc_string)))
        return im->d->code;
    g->n_meta = 0;
    g->meta = lstm__pool_array(&g->pool, mp->n_metadata_props + 1, sizeof *g->meta);
    if (!g->meta) return lstm__errf(im->d, LSTM_ENOMEM, "out of memory importing metadata");
    for (size_t i = 0; i < mp->n_metadata_props; i++) {
        const Onnx__StringStringEntryProto *kv = mp->metadata_props[i];
        if (!(g->meta[i].key = lstm__imp_name(im, kv ? kv->key : NULL, "a metadata key")) ||
            !(g->meta[i].value = lstm__imp_doc(im, kv ? kv->value : NULL)))
            return im->d->code;
        g->n_meta = (int)i + 1;
    }
    g->n_functions = (int)mp->n_functions;
    if ((rc = lstm__imp_functions(im, mp->functions, mp->n_functions))) return rc;
    g->has_training_info = mp->n_training_info > 0;

    if (!mp->has_ir_version || mp->ir_version < 1)
        return lstm__errf(im->d, LSTM_EMODEL, "model has no ir_version");
    if (mp->ir_version > MAX_IR_VERSION)
        return lstm__errf(im->d, LSTM_EUNSUPPORTED,
                          "model has IR version %lld, this runtime reads up to %d",
                          (long long)mp->ir_version, MAX_IR_VERSION);
    if ((rc = imp_opsets(im, mp))) return rc;
    if (!mp->graph) return lstm__errf(im->d, LSTM_EMODEL, "model has no graph");
    return lstm__imp_graph(im, mp->graph, g);
}

int lstm__imp_graph(lstm__imp *im, const Onnx__GraphProto *gp, lstm__graph *g)
{
    int rc;
    char path[512];
    lstm__graph_path(g, path, sizeof path);
    if (g->depth > LSTM__MAX_GRAPH_DEPTH)
        return lstm__errf(im->d, LSTM_ELIMIT, "%ssubgraphs nest more than %d deep", path,
                          LSTM__MAX_GRAPH_DEPTH);
    if (!(g->name = lstm__imp_name(im, gp->name, "a graph name")) ||
        !(g->doc = lstm__imp_doc(im, gp->doc_string)))
        return im->d->code;
    if (gp->n_sparse_initializer)
        return lstm__errf(im->d, LSTM_EUNSUPPORTED, "%ssparse initializers are not supported",
                          path);
    uint64_t count = 0; /* nodes once function calls are inlined */
    if ((rc = lstm__imp_count_nodes(im, gp->node, gp->n_node, im->call ? im->call->depth : 0,
                                    &count)))
        return rc;
    im->total_nodes += count;
    if (im->total_nodes > im->lim.max_nodes)
        return lstm__errf(im->d, LSTM_ELIMIT, "%sgraph has %llu nodes%s, the limit is %u", path,
                          (unsigned long long)im->total_nodes,
                          g->parent || im->total_nodes != count ? " counting subgraphs" : "",
                          im->lim.max_nodes);
    if ((rc = imp_decls(im, gp->input, gp->n_input, &g->inputs, &g->n_inputs, "graph input")) ||
        (rc =
             imp_decls(im, gp->output, gp->n_output, &g->outputs, &g->n_outputs, "graph output")) ||
        (rc = imp_decls(im, gp->value_info, gp->n_value_info, &g->value_info, &g->n_value_info,
                        "value_info")))
        return rc;

    g->inits = lstm__pool_array(g->mem, gp->n_initializer + 1, sizeof *g->inits);
    if (!g->inits) return lstm__errf(im->d, LSTM_ENOMEM, "out of memory importing initializers");
    for (size_t i = 0; i < gp->n_initializer; i++) {
        const Onnx__TensorProto *tp = gp->initializer[i];
        lstm__init *in = &g->inits[i];
        if (!(in->name = lstm__imp_value(im, tp ? tp->name : NULL, "an initializer name")) ||
            !(in->doc = lstm__imp_doc(im, tp ? tp->doc_string : NULL)))
            return im->d->code;
        char what[600];
        snprintf(what, sizeof what, "%sinitializer '%.60s'", path, in->name);
        if (!tp) return lstm__errf(im->d, LSTM_EMODEL, "%s is empty", what);
        if ((rc = lstm__imp_tensor(im, tp, &in->t, what))) return rc;
        g->n_inits = (int)i + 1;
        im->g->weight_bytes += in->t.nbytes;
        if (im->g->weight_bytes > im->lim.max_weight_bytes)
            return lstm__errf(im->d, LSTM_ELIMIT,
                              "initializers exceed the weight limit of %llu bytes at %s",
                              (unsigned long long)im->lim.max_weight_bytes, what);
    }

    g->nodes = lstm__pool_array(g->mem, (size_t)count + 1, sizeof *g->nodes);
    if (!g->nodes) return lstm__errf(im->d, LSTM_ENOMEM, "out of memory importing nodes");
    int k = 0;
    for (size_t i = 0; i < gp->n_node; i++) {
        if ((rc = lstm__imp_node(im, gp->node[i], g, &k, (int)i))) return rc;
        if (im->abort && (i & 1023) == 1023 && im->abort(im->abort_ud))
            return lstm__errf(im->d, LSTM_EABORTED, "loading aborted at node #%zu", i);
    }
    return LSTM_OK;
}

/* The model in buf; owned (non-NULL: buf itself, allocated with opt's allocator) is freed as
** soon as protobuf-c has decoded it, before the graph takes its own copy of the weights. */
static int import_bytes(const void *buf, size_t len, void *owned, const lstm_options *opt,
                        const char *base_dir, lstm__graph **out, lstm__diag *d)
{
    *out = NULL;
    lstm__imp im = {.d = d,
                    .base_dir = base_dir,
                    .no_external = opt && opt->no_external_data,
                    .abort = opt ? opt->abort : NULL,
                    .abort_ud = opt ? opt->abort_ud : NULL};
    lstm__limits_resolve(&im.lim, opt ? &opt->limits : NULL);
    lstm__alloc a;
    lstm__alloc_init(&a, opt);
    int rc = LSTM_OK;
    if (!buf && len)
        rc = lstm__errf(d, LSTM_EINVAL, "model buffer is NULL");
    else if (len > im.lim.max_file_bytes)
        rc = lstm__errf(d, LSTM_ELIMIT, "model is %zu bytes, the limit is %llu", len,
                        (unsigned long long)im.lim.max_file_bytes);
    else
        rc = lstm__wire_scan(buf, len, &onnx__model_proto__descriptor, im.lim.max_depth, &a, d);
    if (rc) {
        if (owned) lstm__free(&a, owned);
        return rc;
    }

    uint64_t budget = im.lim.max_decode_bytes;
    if (!budget) budget = 64 * (uint64_t)len + (64u << 20);
    lstm__pb_budget pb;
    lstm__pb_budget_init(&pb, &a, budget);
    Onnx__ModelProto *mp = onnx__model_proto__unpack(&pb.pa, len, buf);
    if (owned) lstm__free(&a, owned);
    if (!mp) {
        if (pb.oom) return lstm__errf(d, LSTM_ENOMEM, "out of memory decoding the model");
        if (pb.exhausted)
            return lstm__errf(d, LSTM_ELIMIT,
                              "decoding the model needs more than %llu bytes of memory",
                              (unsigned long long)budget);
        return lstm__errf(d, LSTM_EPROTO,
                          "malformed protobuf: the bytes are not an ONNX ModelProto");
    }
    lstm__graph *g = lstm__calloc(&a, 1, sizeof *g);
    if (!g) {
        onnx__model_proto__free_unpacked(mp, &pb.pa);
        return lstm__errf(d, LSTM_ENOMEM, "out of memory");
    }
    g->alloc = a;
    lstm__pool_init(&g->pool, &g->alloc);
    g->mem = &g->pool;
    im.g = g;
    im.pa = &pb.pa;
    rc = imp_model(&im, mp);
    lstm__imp_functions_free(&im);
    onnx__model_proto__free_unpacked(mp, &pb.pa);
    if (!rc) lstm__imp_opset_warn(g, opt);
    if (!rc) rc = lstm__graph_link(g, d);
    g->total_nodes = (int64_t)im.total_nodes;
    if (rc == LSTM_ENOMEM) {
        lstm__graph_free(g);
        return rc;
    }
    *out = g;
    return rc;
}

int lstm__import_buffer(const void *buf, size_t len, const lstm_options *opt, const char *base_dir,
                        lstm__graph **out, lstm__diag *d)
{
    return import_bytes(buf, len, NULL, opt, base_dir, out, d);
}

int lstm__import_file(const char *path, const lstm_options *opt, lstm__graph **out, lstm__diag *d)
{
    *out = NULL;
    if (!path) return lstm__errf(d, LSTM_EINVAL, "model path is NULL");
    lstm_limits lim;
    lstm__limits_resolve(&lim, opt ? &opt->limits : NULL);
    lstm__alloc a;
    lstm__alloc_init(&a, opt);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return lstm__errf(d, LSTM_EIO, "cannot open '%s': %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return lstm__errf(d, LSTM_EIO, "'%s' is not a regular file", path);
    }
    if ((uint64_t)st.st_size > lim.max_file_bytes) {
        close(fd);
        return lstm__errf(d, LSTM_ELIMIT, "'%s' is %lld bytes, the limit is %llu", path,
                          (long long)st.st_size, (unsigned long long)lim.max_file_bytes);
    }
    size_t len = (size_t)st.st_size;
    uint8_t *buf = lstm__malloc(&a, len);
    if (!buf) {
        close(fd);
        return lstm__errf(d, LSTM_ENOMEM, "out of memory reading '%s'", path);
    }
    size_t got = 0;
    while (got < len) {
        ssize_t r = pread(fd, buf + got, len - got, (off_t)got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += (size_t)r;
    }
    close(fd);
    if (got != len) {
        lstm__free(&a, buf);
        return lstm__errf(d, LSTM_EIO, "cannot read '%s'", path);
    }
    /* External data lives in the model's folder. */
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    return import_bytes(buf, len, buf, opt, dir, out, d);
}
