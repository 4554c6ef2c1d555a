/* onnx_builder.c — see onnx_builder.h. */
#include "onnx_builder.h"

#include <stdlib.h>
#include <string.h>

typedef struct blk {
    struct blk *next;
    max_align_t align[];
} blk;

struct tb_model {
    blk *mem;
    Onnx__ModelProto mp;
    Onnx__GraphProto gp;
    uint8_t *packed;
};

void *tb_alloc(tb_model *m, size_t size)
{
    blk *b = calloc(1, sizeof *b + size + 1);
    if (!b) abort(); /* tests only */
    b->next = m->mem;
    m->mem = b;
    return b->align;
}

char *tb_strdup(tb_model *m, const char *s)
{
    char *r = tb_alloc(m, strlen(s) + 1);
    strcpy(r, s);
    return r;
}

/* Append p to a (count, array) pair of pointers. */
#define PUSH(m, n, arr, p)                                                                         \
    do {                                                                                           \
        void **na = tb_alloc(m, sizeof(void *) * ((n) + 1));                                       \
        if (n) memcpy(na, arr, sizeof(void *) * (n));                                              \
        na[(n)++] = (p);                                                                           \
        memcpy(&(arr), &na, sizeof na);                                                            \
    } while (0)

tb_model *tb_new(int64_t ir, int64_t opset)
{
    tb_model *m = calloc(1, sizeof *m);
    if (!m) abort();
    onnx__model_proto__init(&m->mp);
    onnx__graph_proto__init(&m->gp);
    m->mp.has_ir_version = 1;
    m->mp.ir_version = ir;
    m->mp.producer_name = "tests";
    m->mp.graph = &m->gp;
    m->gp.name = "g";
    if (opset > 0) {
        Onnx__OperatorSetIdProto *o = tb_alloc(m, sizeof *o);
        onnx__operator_set_id_proto__init(o);
        o->domain = "";
        o->has_version = 1;
        o->version = opset;
        PUSH(m, m->mp.n_opset_import, m->mp.opset_import, o);
    }
    return m;
}

Onnx__ModelProto *tb_proto(tb_model *m)
{
    return &m->mp;
}
Onnx__GraphProto *tb_graph(tb_model *m)
{
    return &m->gp;
}

static Onnx__ValueInfoProto *vi(tb_model *m, const char *name, int dtype, int rank,
                                const int64_t *dims, const char *sym)
{
    Onnx__ValueInfoProto *v = tb_alloc(m, sizeof *v);
    onnx__value_info_proto__init(v);
    v->name = tb_strdup(m, name);
    Onnx__TypeProto *t = tb_alloc(m, sizeof *t);
    onnx__type_proto__init(t);
    Onnx__TypeProto__Tensor *tt = tb_alloc(m, sizeof *tt);
    onnx__type_proto__tensor__init(tt);
    tt->has_elem_type = 1;
    tt->elem_type = dtype;
    if (rank >= 0) {
        Onnx__TensorShapeProto *s = tb_alloc(m, sizeof *s);
        onnx__tensor_shape_proto__init(s);
        for (int i = 0; i < rank; i++) {
            Onnx__TensorShapeProto__Dimension *d = tb_alloc(m, sizeof *d);
            onnx__tensor_shape_proto__dimension__init(d);
            if (dims[i] >= 0) {
                d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
                d->dim_value = dims[i];
            } else if (sym) {
                d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
                d->dim_param = tb_strdup(m, sym);
            }
            PUSH(m, s->n_dim, s->dim, d);
        }
        tt->shape = s;
    }
    t->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
    t->tensor_type = tt;
    v->type = t;
    return v;
}

Onnx__ValueInfoProto *tb_input(tb_model *m, const char *name, int dtype, int rank,
                               const int64_t *dims, const char *sym)
{
    Onnx__ValueInfoProto *v = vi(m, name, dtype, rank, dims, sym);
    PUSH(m, m->gp.n_input, m->gp.input, v);
    return v;
}

Onnx__ValueInfoProto *tb_output(tb_model *m, const char *name, int dtype, int rank,
                                const int64_t *dims, const char *sym)
{
    Onnx__ValueInfoProto *v = vi(m, name, dtype, rank, dims, sym);
    PUSH(m, m->gp.n_output, m->gp.output, v);
    return v;
}

Onnx__TensorProto *tb_tensor(tb_model *m, const char *name, int dtype, int rank,
                             const int64_t *dims)
{
    Onnx__TensorProto *t = tb_alloc(m, sizeof *t);
    onnx__tensor_proto__init(t);
    t->name = tb_strdup(m, name);
    t->has_data_type = 1;
    t->data_type = dtype;
    t->n_dims = (size_t)rank;
    t->dims = tb_alloc(m, sizeof(int64_t) * (size_t)(rank + 1));
    for (int i = 0; i < rank; i++) t->dims[i] = dims[i];
    return t;
}

void tb_tensor_raw(tb_model *m, Onnx__TensorProto *t, const void *data, size_t len)
{
    uint8_t *b = tb_alloc(m, len);
    if (data) memcpy(b, data, len);
    t->has_raw_data = 1;
    t->raw_data.data = b;
    t->raw_data.len = len;
}

void tb_add_initializer(tb_model *m, Onnx__TensorProto *t)
{
    PUSH(m, m->gp.n_initializer, m->gp.initializer, t);
}

Onnx__TensorProto *tb_init_f32(tb_model *m, const char *name, int rank, const int64_t *dims,
                               const float *data)
{
    Onnx__TensorProto *t = tb_tensor(m, name, ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, rank, dims);
    size_t n = 1;
    for (int i = 0; i < rank; i++) n *= (size_t)dims[i];
    tb_tensor_raw(m, t, data, n * sizeof(float));
    tb_add_initializer(m, t);
    return t;
}

static void split(tb_model *m, const char *csv, size_t *n, char ***out)
{
    *n = 0;
    *out = NULL;
    if (!csv) return;
    const char *p = csv;
    for (;;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char *s = tb_alloc(m, len + 1);
        memcpy(s, p, len);
        PUSH(m, *n, *out, s);
        if (!e) break;
        p = e + 1;
    }
}

Onnx__NodeProto *tb_node(tb_model *m, const char *op, const char *name, const char *inputs,
                         const char *outputs)
{
    Onnx__NodeProto *n = tb_alloc(m, sizeof *n);
    onnx__node_proto__init(n);
    n->op_type = tb_strdup(m, op);
    n->name = tb_strdup(m, name ? name : "");
    n->domain = "";
    split(m, inputs, &n->n_input, &n->input);
    split(m, outputs, &n->n_output, &n->output);
    PUSH(m, m->gp.n_node, m->gp.node, n);
    return n;
}

static Onnx__AttributeProto *attr(tb_model *m, Onnx__NodeProto *n, const char *name, int type)
{
    Onnx__AttributeProto *a = tb_alloc(m, sizeof *a);
    onnx__attribute_proto__init(a);
    a->name = tb_strdup(m, name);
    a->has_type = 1;
    a->type = (Onnx__AttributeProto__AttributeType)type;
    PUSH(m, n->n_attribute, n->attribute, a);
    return a;
}

Onnx__AttributeProto *tb_attr_i(tb_model *m, Onnx__NodeProto *n, const char *name, int64_t v)
{
    Onnx__AttributeProto *a = attr(m, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
    a->has_i = 1;
    a->i = v;
    return a;
}

Onnx__AttributeProto *tb_attr_f(tb_model *m, Onnx__NodeProto *n, const char *name, float v)
{
    Onnx__AttributeProto *a = attr(m, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
    a->has_f = 1;
    a->f = v;
    return a;
}

Onnx__AttributeProto *tb_attr_s(tb_model *m, Onnx__NodeProto *n, const char *name, const char *v)
{
    Onnx__AttributeProto *a = attr(m, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);
    a->has_s = 1;
    a->s.data = (uint8_t *)tb_strdup(m, v);
    a->s.len = strlen(v);
    return a;
}

Onnx__AttributeProto *tb_attr_strings(tb_model *m, Onnx__NodeProto *n, const char *name,
                                      const char *csv)
{
    Onnx__AttributeProto *a = attr(m, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRINGS);
    size_t k;
    char **parts;
    split(m, csv, &k, &parts);
    a->n_strings = k;
    a->strings = tb_alloc(m, sizeof(ProtobufCBinaryData) * (k + 1));
    for (size_t i = 0; i < k; i++) {
        a->strings[i].data = (uint8_t *)parts[i];
        a->strings[i].len = strlen(parts[i]);
    }
    return a;
}

Onnx__AttributeProto *tb_attr_floats(tb_model *m, Onnx__NodeProto *n, const char *name,
                                     const float *v, size_t count)
{
    Onnx__AttributeProto *a = attr(m, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS);
    a->n_floats = count;
    a->floats = tb_alloc(m, sizeof(float) * (count + 1));
    memcpy(a->floats, v, sizeof(float) * count);
    return a;
}

Onnx__AttributeProto *tb_attr_ints(tb_model *m, Onnx__NodeProto *n, const char *name,
                                   const int64_t *v, size_t count)
{
    Onnx__AttributeProto *a = attr(m, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
    a->n_ints = count;
    a->ints = tb_alloc(m, sizeof(int64_t) * (count + 1));
    memcpy(a->ints, v, sizeof(int64_t) * count);
    return a;
}

Onnx__GraphProto *tb_take_graph(tb_model *m, const char *name, int k, const char *inputs,
                                const char *outputs)
{
    Onnx__GraphProto *g = tb_graph(m), *sg = tb_alloc(m, sizeof *sg);
    onnx__graph_proto__init(sg);
    sg->name = tb_strdup(m, name);
    sg->n_node = (size_t)k;
    sg->node = tb_alloc(m, (size_t)(k + 1) * sizeof *sg->node);
    for (int i = 0; i < k; i++) sg->node[i] = g->node[g->n_node - (size_t)k + (size_t)i];
    g->n_node -= (size_t)k;
    const char *lists[2] = {inputs, outputs};
    for (int l = 0; l < 2; l++) {
        size_t n = 0;
        Onnx__ValueInfoProto **vi = tb_alloc(m, (strlen(lists[l]) + 2) * sizeof *vi);
        for (const char *p = lists[l]; *p;) {
            const char *e = strchr(p, ',');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            vi[n] = tb_alloc(m, sizeof *vi[n]);
            onnx__value_info_proto__init(vi[n]);
            char *nm = tb_alloc(m, len + 1);
            memcpy(nm, p, len);
            nm[len] = 0;
            vi[n++]->name = nm;
            p += len + (e != NULL);
        }
        if (l == 0) {
            sg->n_input = n;
            sg->input = vi;
        } else {
            sg->n_output = n;
            sg->output = vi;
        }
    }
    return sg;
}

void tb_domain(tb_model *m, Onnx__NodeProto *n, const char *domain, int64_t version)
{
    Onnx__ModelProto *mp = tb_proto(m);
    n->domain = tb_strdup(m, domain);
    for (size_t i = 0; i < mp->n_opset_import; i++)
        if (mp->opset_import[i]->domain && strcmp(mp->opset_import[i]->domain, domain) == 0) return;
    Onnx__OperatorSetIdProto *o = tb_alloc(m, sizeof *o), **ops;
    onnx__operator_set_id_proto__init(o);
    o->domain = n->domain;
    o->has_version = 1;
    o->version = version;
    ops = tb_alloc(m, (mp->n_opset_import + 1) * sizeof *ops);
    memcpy(ops, mp->opset_import, mp->n_opset_import * sizeof *ops);
    ops[mp->n_opset_import++] = o;
    mp->opset_import = ops;
}

Onnx__AttributeProto *tb_attr_graph(tb_model *m, Onnx__NodeProto *n, const char *name,
                                    Onnx__GraphProto *g)
{
    Onnx__AttributeProto *a = attr(m, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPH);
    a->g = g;
    return a;
}

const uint8_t *tb_pack(tb_model *m, size_t *len)
{
    *len = onnx__model_proto__get_packed_size(&m->mp);
    m->packed = tb_alloc(m, *len + 1);
    onnx__model_proto__pack(&m->mp, m->packed);
    return m->packed;
}

void tb_free(tb_model *m)
{
    if (!m) return;
    blk *b = m->mem;
    while (b) {
        blk *n = b->next;
        free(b);
        b = n;
    }
    free(m);
}

Onnx__FunctionProto *tb_take_function(tb_model *m, const char *domain, const char *name, int k,
                                      const char *inputs, const char *outputs, const char *attrs)
{
    Onnx__ModelProto *mp = tb_proto(m);
    Onnx__GraphProto *g = tb_graph(m);
    Onnx__FunctionProto *f = tb_alloc(m, sizeof *f);
    onnx__function_proto__init(f);
    f->name = tb_strdup(m, name);
    f->domain = tb_strdup(m, domain);
    f->n_node = (size_t)k;
    f->node = tb_alloc(m, (size_t)(k + 1) * sizeof *f->node);
    for (int i = 0; i < k; i++) f->node[i] = g->node[g->n_node - (size_t)k + (size_t)i];
    g->n_node -= (size_t)k;
    split(m, inputs, &f->n_input, &f->input);
    split(m, outputs, &f->n_output, &f->output);
    if (attrs[0]) split(m, attrs, &f->n_attribute, &f->attribute);
    f->n_opset_import = mp->n_opset_import;
    f->opset_import = mp->opset_import;
    PUSH(m, mp->n_functions, mp->functions, f);
    return f;
}

Onnx__AttributeProto *tb_attr_ref(tb_model *m, Onnx__NodeProto *n, const char *name,
                                  const char *ref, int type)
{
    Onnx__AttributeProto *a = attr(m, n, name, type);
    a->ref_attr_name = tb_strdup(m, ref);
    return a;
}
