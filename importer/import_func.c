/*
** import_func.c — model-local functions (ModelProto.functions), inlined at import: a node that
** calls one becomes the function's nodes in the caller's graph. The function's inputs and
** outputs take the caller's names, its other names get a prefix unique to the call, and its
** attribute references take the caller's attributes or the function's defaults.
*/
#include "importer.h"

#include <stdio.h>
#include <string.h>

/* Fields newer than the schema this build is generated from (libonnx-dev 1.12), read from the
** unknown fields protobuf-c keeps: FunctionProto.attribute_proto (IR 9) and overload (IR 10),
** NodeProto.overload (IR 10). */
enum { FN_ATTRIBUTE_PROTO = 11, FN_OVERLOAD = 13, NODE_OVERLOAD = 8 };

static const char *norm_domain(const char *d)
{
    return !d || strcmp(d, "ai.onnx") == 0 ? "" : d;
}

/* The bytes of the length-delimited unknown field `tag` of m, or NULL. */
static const ProtobufCMessageUnknownField *unknown(const ProtobufCMessage *m, uint32_t tag)
{
    for (unsigned i = 0; i < m->n_unknown_fields; i++)
        if (m->unknown_fields[i].tag == tag) return &m->unknown_fields[i];
    return NULL;
}

/* The payload of a length-delimited unknown field: protobuf-c keeps its length prefix. 0 when
** the prefix does not match. */
static int payload(const ProtobufCMessageUnknownField *u, const uint8_t **p, size_t *n)
{
    uint64_t v = 0;
    size_t i = 0;
    if (u->wire_type != PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED) return 0;
    for (; i < u->len && i < 10; i++) {
        v |= (uint64_t)(u->data[i] & 0x7f) << (7 * i);
        if (!(u->data[i] & 0x80)) break;
    }
    if (i >= u->len || i == 10 || v != u->len - i - 1) return 0;
    *p = u->data + i + 1;
    *n = (size_t)v;
    return 1;
}

static int unknown_string(lstm__imp *im, const ProtobufCMessage *m, uint32_t tag, const char **out,
                          const char *what)
{
    *out = "";
    const ProtobufCMessageUnknownField *u = unknown(m, tag);
    if (!u) return LSTM_OK;
    ProtobufCBinaryData b;
    if (!payload(u, (const uint8_t **)&b.data, &b.len))
        return lstm__errf(im->d, LSTM_EMODEL, "%s is not a string", what);
    return (*out = lstm__imp_bytes(im, b, what)) ? LSTM_OK : im->d->code;
}

/* The caller's overload (NodeProto field 8) equals s. */
static int same_overload(const Onnx__NodeProto *np, const char *s)
{
    const ProtobufCMessageUnknownField *u = unknown(&np->base, NODE_OVERLOAD);
    const uint8_t *p = NULL;
    size_t n = 0;
    if (u && !payload(u, &p, &n)) n = 0;
    return strlen(s) == n && (n == 0 || memcmp(p, s, n) == 0);
}

/* attribute_proto of function f: each one scanned (nesting) before protobuf-c decodes it. */
static int read_defaults(lstm__imp *im, const Onnx__FunctionProto *fp, lstm__imp_fn *f,
                         const char *what)
{
    const ProtobufCMessage *m = &fp->base;
    int n = 0;
    for (unsigned i = 0; i < m->n_unknown_fields; i++)
        n += m->unknown_fields[i].tag == FN_ATTRIBUTE_PROTO;
    f->defaults = lstm__pool_array(&im->g->pool, (size_t)n + 1, sizeof *f->defaults);
    if (!f->defaults) return lstm__errf(im->d, LSTM_ENOMEM, "out of memory for %s", what);
    for (unsigned i = 0; i < m->n_unknown_fields; i++) {
        const ProtobufCMessageUnknownField *u = &m->unknown_fields[i];
        if (u->tag != FN_ATTRIBUTE_PROTO) continue;
        const uint8_t *p;
        size_t len;
        if (!payload(u, &p, &len))
            return lstm__errf(im->d, LSTM_EMODEL, "%s: attribute_proto is not a message", what);
        int rc = lstm__wire_scan(p, len, &onnx__attribute_proto__descriptor, im->lim.max_depth,
                                 &im->g->alloc, im->d);
        if (rc) return rc;
        const lstm__pb_budget *pb = (const lstm__pb_budget *)im->pa;
        Onnx__AttributeProto *ap = onnx__attribute_proto__unpack(im->pa, len, p);
        if (!ap)
            return lstm__errf(im->d,
                              pb->oom         ? LSTM_ENOMEM
                              : pb->exhausted ? LSTM_ELIMIT
                                              : LSTM_EPROTO,
                              "%s: an attribute default cannot be decoded", what);
        f->defaults[f->n_defaults++] = ap;
        if (!ap->name || !ap->name[0])
            return lstm__errf(im->d, LSTM_EMODEL, "%s has an attribute default without a name",
                              what);
        for (size_t j = 0; j < fp->n_attribute; j++)
            if (fp->attribute[j] && strcmp(fp->attribute[j], ap->name) == 0)
                return lstm__errf(im->d, LSTM_EMODEL,
                                  "%s lists attribute '%s' both with and without a default", what,
                                  ap->name);
        for (int j = 0; j + 1 < f->n_defaults; j++)
            if (strcmp(f->defaults[j]->name, ap->name) == 0)
                return lstm__errf(im->d, LSTM_EMODEL, "%s has two defaults for attribute '%s'",
                                  what, ap->name);
    }
    return LSTM_OK;
}

int lstm__imp_functions(lstm__imp *im, Onnx__FunctionProto **fps, size_t n)
{
    if (n > 65536)
        return lstm__errf(im->d, LSTM_ELIMIT, "model has %zu functions, the limit is 65536", n);
    im->fns = lstm__pool_array(&im->g->pool, n + 1, sizeof *im->fns);
    if (!im->fns) return lstm__errf(im->d, LSTM_ENOMEM, "out of memory importing functions");
    for (size_t i = 0; i < n; i++) {
        const Onnx__FunctionProto *fp = fps[i];
        char what[160];
        snprintf(what, sizeof what, "function #%zu", i);
        if (!fp || !fp->name || !fp->name[0])
            return lstm__errf(im->d, LSTM_EMODEL, "%s has no name", what);
        snprintf(what, sizeof what, "function '%.100s'", fp->name);
        lstm__imp_fn *f = &im->fns[im->n_fns++];
        f->fp = fp;
        if (!(f->domain = lstm__imp_name(im, norm_domain(fp->domain), "a function domain")))
            return im->d->code;
        int rc = unknown_string(im, &fp->base, FN_OVERLOAD, &f->overload, "a function overload");
        if (rc || (rc = read_defaults(im, fp, f, what))) return rc;
        for (int j = 0; j + 1 < im->n_fns; j++)
            if (strcmp(im->fns[j].fp->name, fp->name) == 0 &&
                strcmp(im->fns[j].domain, f->domain) == 0 &&
                strcmp(im->fns[j].overload, f->overload) == 0)
                return lstm__errf(im->d, LSTM_EMODEL, "%s (domain '%s') is defined twice", what,
                                  f->domain);
    }
    return LSTM_OK;
}

void lstm__imp_functions_free(lstm__imp *im)
{
    for (int i = 0; i < im->n_fns; i++)
        for (int j = 0; j < im->fns[i].n_defaults; j++)
            onnx__attribute_proto__free_unpacked(im->fns[i].defaults[j], im->pa);
    im->n_fns = 0;
}

const lstm__imp_fn *lstm__imp_find_fn(const lstm__imp *im, const Onnx__NodeProto *np)
{
    if (!np || !np->op_type) return NULL;
    const char *dom = norm_domain(np->domain);
    for (int i = 0; i < im->n_fns; i++) {
        const lstm__imp_fn *f = &im->fns[i];
        if (strcmp(f->fp->name, np->op_type) == 0 && strcmp(f->domain, dom) == 0 &&
            same_overload(np, f->overload))
            return f;
    }
    return NULL;
}

int lstm__imp_count_nodes(lstm__imp *im, Onnx__NodeProto *const *nodes, size_t n, int depth,
                          uint64_t *count)
{
    for (size_t i = 0; i < n && *count <= im->lim.max_nodes; i++) {
        const lstm__imp_fn *f = lstm__imp_find_fn(im, nodes[i]);
        if (!f) {
            ++*count;
            continue;
        }
        if (depth >= LSTM__MAX_GRAPH_DEPTH)
            return lstm__errf(im->d, LSTM_ELIMIT,
                              "function calls nest more than %d deep (function '%s')",
                              LSTM__MAX_GRAPH_DEPTH, f->fp->name);
        int rc = lstm__imp_count_nodes(im, f->fp->node, f->fp->n_node, depth + 1, count);
        if (rc) return rc;
    }
    return LSTM_OK;
}

static const char *prefixed(lstm__imp *im, const char *prefix, const char *s, const char *what)
{
    size_t a = strlen(prefix), b = strlen(s);
    if (a + b > im->lim.max_name_bytes) {
        lstm__errf(im->d, LSTM_ELIMIT, "%s '%s%s' is %zu bytes long, the limit is %u", what, prefix,
                   s, a + b, im->lim.max_name_bytes);
        return NULL;
    }
    char *r = lstm__pool_alloc(&im->g->pool, a + b + 1);
    if (!r) {
        lstm__errf(im->d, LSTM_ENOMEM, "out of memory copying %s", what);
        return NULL;
    }
    memcpy(r, prefix, a);
    memcpy(r + a, s, b + 1);
    return r;
}

const char *lstm__imp_value(lstm__imp *im, const char *s, const char *what)
{
    const lstm__imp_call *c = im->call;
    if (!c || !s || !s[0]) return lstm__imp_name(im, s, what);
    const Onnx__FunctionProto *fp = c->fn->fp;
    for (size_t i = 0; i < fp->n_input; i++)
        if (fp->input[i] && strcmp(fp->input[i], s) == 0) return c->ins[i];
    for (size_t i = 0; i < fp->n_output; i++)
        if (fp->output[i] && strcmp(fp->output[i], s) == 0) return c->outs[i];
    return prefixed(im, c->prefix, s, what);
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* Add p to the set of prefixes given so far; 0 when it is there already, -1 out of memory. */
static int prefix_add(lstm__imp *im, const char *p)
{
    if (2 * (im->n_prefixes + 1) > im->cap_prefixes) {
        size_t cap = im->cap_prefixes ? 2 * im->cap_prefixes : 64;
        const char **t = lstm__pool_array(&im->g->pool, cap, sizeof *t);
        if (!t) return -1;
        memset(t, 0, cap * sizeof *t);
        for (size_t i = 0; i < im->cap_prefixes; i++) {
            const char *q = im->prefixes[i];
            if (!q) continue;
            size_t h = (size_t)fnv1a(q) & (cap - 1);
            while (t[h]) h = (h + 1) & (cap - 1);
            t[h] = q;
        }
        im->prefixes = t;
        im->cap_prefixes = cap;
    }
    size_t h = (size_t)fnv1a(p) & (im->cap_prefixes - 1);
    for (; im->prefixes[h]; h = (h + 1) & (im->cap_prefixes - 1))
        if (strcmp(im->prefixes[h], p) == 0) return 0;
    im->prefixes[h] = p;
    im->n_prefixes++;
    return 1;
}

/* "base/", or "base~2/", ... when an earlier call took it: the calls' names stay distinct. */
static const char *call_prefix(lstm__imp *im, const char *base)
{
    char suffix[32];
    for (size_t k = 1;; k++) {
        snprintf(suffix, sizeof suffix, k == 1 ? "/" : "~%zu/", k);
        const char *p = prefixed(im, base, suffix, "a function call's name prefix");
        if (!p) return NULL;
        int added = prefix_add(im, p);
        if (added < 0) {
            lstm__errf(im->d, LSTM_ENOMEM, "out of memory inlining a function");
            return NULL;
        }
        if (added) return p;
        if (k == 1) k = im->n_prefixes; /* skip the numbers likely taken */
    }
}

static int declared(const lstm__imp_fn *f, const char *name)
{
    for (size_t j = 0; j < f->fp->n_attribute; j++)
        if (f->fp->attribute[j] && strcmp(f->fp->attribute[j], name) == 0) return 1;
    for (int j = 0; j < f->n_defaults; j++)
        if (strcmp(f->defaults[j]->name, name) == 0) return 1;
    return 0;
}

int lstm__imp_inline(lstm__imp *im, const Onnx__NodeProto *np, const lstm__imp_fn *fn,
                     lstm__graph *g, int *k, const char *label)
{
    const Onnx__FunctionProto *fp = fn->fp;
    lstm__imp_call c = {.fn = fn, .np = np, .up = im->call};
    c.depth = c.up ? c.up->depth + 1 : 1;
    if (c.depth > LSTM__MAX_GRAPH_DEPTH)
        return lstm__errf(im->d, LSTM_ELIMIT, "%s: function calls nest more than %d deep", label,
                          LSTM__MAX_GRAPH_DEPTH);
    if (np->n_input > fp->n_input || np->n_output > fp->n_output)
        return lstm__errf(im->d, LSTM_EMODEL,
                          "%s has %zu inputs and %zu outputs; function '%s' takes at most %zu "
                          "and %zu",
                          label, np->n_input, np->n_output, fp->name, fp->n_input, fp->n_output);
    for (size_t i = 0; i < np->n_attribute; i++) {
        const Onnx__AttributeProto *ap = np->attribute[i];
        if (!ap || !ap->name)
            return lstm__errf(im->d, LSTM_EMODEL, "%s has an attribute without a name", label);
        if (!declared(fn, ap->name))
            return lstm__errf(im->d, LSTM_EMODEL, "%s: function '%s' has no attribute '%s'", label,
                              fp->name, ap->name);
    }
    c.ins = lstm__pool_array(&im->g->pool, fp->n_input + 1, sizeof *c.ins);
    c.outs = lstm__pool_array(&im->g->pool, fp->n_output + 1, sizeof *c.outs);
    if (!c.ins || !c.outs)
        return lstm__errf(im->d, LSTM_ENOMEM, "out of memory inlining %s", label);
    const char *base = np->name && np->name[0] ? np->name : fp->name;
    if (c.up && !(base = prefixed(im, c.up->prefix, base, "a node name"))) return im->d->code;
    if (!(c.prefix = call_prefix(im, base))) return im->d->code;
    for (size_t i = 0; i < fp->n_input; i++) {
        c.ins[i] = i < np->n_input ? lstm__imp_value(im, np->input[i], "a node input name") : "";
        if (!c.ins[i]) return im->d->code;
    }
    for (size_t i = 0; i < fp->n_output; i++) {
        const char *o = i < np->n_output && np->output[i] ? np->output[i] : "";
        c.outs[i] = o[0] ? lstm__imp_value(im, o, "a node output name")
                         : prefixed(im, c.prefix, fp->output[i] ? fp->output[i] : "",
                                    "a function output name");
        if (!c.outs[i]) return im->d->code;
    }
    im->call = &c;
    im->inlining++;
    int rc = LSTM_OK;
    for (size_t i = 0; i < fp->n_node && !rc; i++)
        rc = lstm__imp_node(im, fp->node[i], g, k, (int)i);
    im->inlining--;
    im->call = c.up;
    return rc;
}

int lstm__imp_attr_ref(lstm__imp *im, const Onnx__AttributeProto *ap,
                       const Onnx__AttributeProto **val, const lstm__imp_call **ctx,
                       const char *what)
{
    *val = NULL;
    *ctx = NULL;
    const char *ref = ap->ref_attr_name;
    for (const lstm__imp_call *c = im->call; c;) {
        const Onnx__AttributeProto *found = NULL;
        for (size_t i = 0; i < c->np->n_attribute && !found; i++)
            if (c->np->attribute[i] && strcmp(c->np->attribute[i]->name, ref) == 0)
                found = c->np->attribute[i];
        if (!found) {
            /* Not given by the caller: the function's default, else the attribute is absent. */
            for (int j = 0; j < c->fn->n_defaults && !found; j++)
                if (strcmp(c->fn->defaults[j]->name, ref) == 0) found = c->fn->defaults[j];
            if (!found) {
                if (!declared(c->fn, ref))
                    return lstm__errf(im->d, LSTM_EMODEL,
                                      "%s refers to attribute '%s', which function '%s' does not "
                                      "declare",
                                      what, ref, c->fn->fp->name);
                return LSTM_OK;
            }
            if (found->ref_attr_name && found->ref_attr_name[0])
                return lstm__errf(im->d, LSTM_EMODEL,
                                  "function '%s': the default of attribute '%s' is a reference",
                                  c->fn->fp->name, ref);
            *val = found;
            *ctx = c; /* a default's graph, if any, is written in the function's own names */
            return LSTM_OK;
        }
        if (!found->ref_attr_name || !found->ref_attr_name[0]) {
            *val = found;
            *ctx = c->up; /* the caller's graph attribute reads the caller's names */
            return LSTM_OK;
        }
        /* The caller is itself inside a function: follow its reference outwards. */
        ref = found->ref_attr_name;
        c = c->up;
    }
    /* No call (left), or a reference in the main graph's caller. */
    return lstm__errf(im->d, LSTM_EMODEL, "%s refers to function attribute '%s' outside a function",
                      what, ref);
}

int64_t lstm__imp_opset(const lstm__imp *im, const lstm__graph *g, const char *domain)
{
    /* A function's node binds to the function's opset_import, else to the model's. */
    const char *dom = norm_domain(domain);
    if (im->call) {
        const Onnx__FunctionProto *fp = im->call->fn->fp;
        for (size_t i = 0; i < fp->n_opset_import; i++) {
            const Onnx__OperatorSetIdProto *op = fp->opset_import[i];
            if (op && strcmp(norm_domain(op->domain), dom) == 0)
                return op->version >= 1 && op->version <= 10000 ? op->version : 0;
        }
    }
    return lstm__graph_opset(g, dom);
}
