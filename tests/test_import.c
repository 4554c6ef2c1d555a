/* test_import.c — the importer: metadata, tensors, attributes, external data, limits, and the
** structural checks of sections B-F of ../shared/docs/robustness.md. */
#define _GNU_SOURCE
#include "test_util.h"
#include "ops/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const float w12x2[24] = {0};

/* X[3,2,2] -> LSTM(hidden 3) -> Y, with W/R/B as initializers. */
static tb_model *base_model(void)
{
    tb_model *m = tb_new(8, 14);
    tb_input(m, "X", F32, 3, D3(-1, 2, 2), "T");
    tb_init_f32(m, "W", 3, D3(1, 12, 2), w12x2);
    tb_init_f32(m, "R", 3, D3(1, 12, 3), NULL);
    tb_init_f32(m, "B", 2, D2(1, 24), NULL);
    Onnx__NodeProto *n = tb_node(m, "LSTM", "lstm", "X,W,R,B", "Y");
    tb_attr_i(m, n, "hidden_size", 3);
    tb_output(m, "Y", F32, -1, NULL, NULL);
    return m;
}

static void valid_model_links(void **state)
{
    (void)state;
    tb_model *m = base_model();
    Onnx__StringStringEntryProto kv = ONNX__STRING_STRING_ENTRY_PROTO__INIT, *kvp = &kv;
    kv.key = "author";
    kv.value = "tests";
    tb_proto(m)->n_metadata_props = 1;
    tb_proto(m)->metadata_props = &kvp;
    lstm__graph *g;
    lstm__diag d;
    size_t len;
    const uint8_t *buf = tb_pack(m, &len);
    assert_int_equal(lstm__import_buffer(buf, len, NULL, NULL, &g, &d), LSTM_OK);
    assert_int_equal(g->ir_version, 8);
    assert_string_equal(g->producer_name, "tests");
    assert_int_equal(g->n_meta, 1);
    assert_string_equal(g->meta[0].value, "tests");
    assert_int_equal(g->n_inputs, 1);
    assert_string_equal(g->inputs[0].type.dim_names[0], "T");
    assert_int_equal(g->inputs[0].type.dims[1], 2);
    assert_int_equal(g->n_inits, 3);
    assert_int_equal(g->inits[0].t.nelem, 24);
    assert_int_equal(g->weight_bytes, (24 + 36 + 24) * 4);
    assert_int_equal(g->n_nodes, 1);
    const lstm__node *n = &g->nodes[0];
    assert_int_equal(n->opset, 14);
    assert_null(n->op); /* the importer only builds the graph: the runtime resolves it */
    assert_int_equal(lstm__registry_resolve(g, &d), LSTM_OK);
    assert_non_null(n->op);
    assert_non_null(n->params);
    assert_int_equal(n->op->since, 14);
    assert_string_equal(lstm__node_input(g, n, 1)->name, "W");
    assert_non_null(lstm__node_input(g, n, 1)->init);
    assert_null(lstm__node_input(g, n, 4));
    assert_int_equal(g->values[n->out[0]].producer, 0);
    assert_true(g->values[g->output_values[0]].flags & LSTM__V_OUTPUT);
    lstm__graph_free(g);
    tb_free(m);
}

/* One value listed as two graph outputs (PyTorch's scripted loops give a Loop body whose state
** is also its scan output): both positions read it. */
static void output_listed_twice(void **state)
{
    (void)state;
    tb_model *m = base_model();
    tb_output(m, "Y", F32, -1, NULL, NULL);
    lstm__graph *g;
    lstm__diag d;
    size_t len;
    const uint8_t *buf = tb_pack(m, &len);
    assert_int_equal(lstm__import_buffer(buf, len, NULL, NULL, &g, &d), LSTM_OK);
    assert_int_equal(g->n_outputs, 2);
    assert_int_equal(g->output_values[0], g->output_values[1]);
    assert_int_equal(g->values[g->output_values[1]].producer, 0);
    lstm__graph_free(g);
    tb_free(m);
}

static void metadata_refusals(void **state)
{
    (void)state;
    tb_model *m = base_model();
    tb_proto(m)->graph = NULL;
    assert_refused(m, LSTM_EMODEL, "model has no graph");
    tb_free(m);

    m = base_model();
    tb_proto(m)->has_ir_version = 0;
    assert_refused(m, LSTM_EMODEL, "no ir_version");
    tb_free(m);

    m = base_model();
    tb_proto(m)->ir_version = 99;
    assert_refused(m, LSTM_EUNSUPPORTED, "IR version 99");
    tb_free(m);

    m = base_model();
    tb_proto(m)->n_opset_import = 0;
    assert_refused(m, LSTM_EMODEL, "no opset_import");
    tb_free(m);

    m = base_model();
    Onnx__OperatorSetIdProto *ops[2] = {tb_proto(m)->opset_import[0], tb_proto(m)->opset_import[0]};
    tb_proto(m)->opset_import = ops;
    tb_proto(m)->n_opset_import = 2;
    assert_refused(m, LSTM_EMODEL, "lists domain 'ai.onnx' twice");
    tb_free(m);

    m = base_model();
    tb_graph(m)->node[0]->domain = "com.example";
    assert_refused(m, LSTM_EMODEL, "domain 'com.example' is not in opset_import");
    tb_free(m);

    m = base_model();
    Onnx__SparseTensorProto sp = ONNX__SPARSE_TENSOR_PROTO__INIT, *spp = &sp;
    tb_graph(m)->n_sparse_initializer = 1;
    tb_graph(m)->sparse_initializer = &spp;
    assert_refused(m, LSTM_EUNSUPPORTED, "sparse initializers");
    tb_free(m);
}

static void tensor_refusals(void **state)
{
    (void)state;
    tb_model *m = base_model();
    tb_graph(m)->initializer[0]->dims[1] = -12;
    assert_refused(m, LSTM_EMODEL, "initializer 'W': dimension 1 is -12");
    tb_free(m);

    m = base_model();
    tb_graph(m)->initializer[1]->raw_data.len -= 4;
    assert_refused(m, LSTM_EMODEL,
                   "initializer 'R': raw_data has 140 bytes, shape and dtype need 144");
    tb_free(m);

    m = base_model();
    float one = 1;
    tb_graph(m)->initializer[2]->n_float_data = 1;
    tb_graph(m)->initializer[2]->float_data = &one;
    assert_refused(m, LSTM_EMODEL, "initializer 'B' carries data in more than one field");
    tb_free(m);

    m = base_model();
    tb_graph(m)->initializer[2]->has_raw_data = 0;
    tb_graph(m)->initializer[2]->n_float_data = 1;
    tb_graph(m)->initializer[2]->float_data = &one;
    assert_refused(m, LSTM_EMODEL, "float_data has 1 values, the shape needs 24");
    tb_free(m);

    m = base_model();
    tb_graph(m)->initializer[2]->data_type = 8; /* STRING */
    assert_refused(m, LSTM_EUNSUPPORTED, "initializer 'B' has unsupported type STRING");
    tb_free(m);

    m = base_model();
    tb_graph(m)->initializer[2]->data_type = 99;
    assert_refused(m, LSTM_EUNSUPPORTED, "unsupported type UNKNOWN (99)");
    tb_free(m);

    m = base_model();
    tb_graph(m)->initializer[2]->has_data_type = 0;
    assert_refused(m, LSTM_EMODEL, "initializer 'B' has no data_type");
    tb_free(m);

    m = base_model();
    int64_t big[3] = {1 << 30, 1 << 30, 1 << 30};
    tb_graph(m)->initializer[0]->dims = big;
    assert_refused(m, LSTM_ELIMIT, "initializer 'W'");
    tb_free(m);

    m = base_model(); /* no element, but 2^62 x 2^62 past int64 (NumPy: "array is too big") */
    int64_t empty_big[3] = {0, (int64_t)1 << 62, (int64_t)1 << 62};
    tb_graph(m)->initializer[0]->dims = empty_big;
    tb_graph(m)->initializer[0]->raw_data.len = 0;
    assert_refused(m, LSTM_ELIMIT, "initializer 'W': too big to address");
    tb_free(m);

    m = base_model();
    Onnx__TensorProto *t = tb_graph(m)->initializer[2];
    t->has_raw_data = 0;
    assert_refused(m, LSTM_EMODEL, "initializer 'B' has no data for its 24 elements");
    tb_free(m);

    m = base_model();
    static int64_t nine[9] = {1, 1, 1, 1, 1, 1, 1, 1, 24};
    tb_graph(m)->initializer[2]->dims = nine;
    tb_graph(m)->initializer[2]->n_dims = 9;
    assert_refused(m, LSTM_EUNSUPPORTED, "rank 9");
    tb_free(m);
}

static void typed_fields(void **state)
{
    (void)state;
    tb_model *m = base_model();
    Onnx__TensorProto *b = tb_tensor(m, "flags", 9, 1, D1(3)); /* bool */
    int32_t v[3] = {0, 1, 5};
    b->n_int32_data = 3;
    b->int32_data = v;
    tb_add_initializer(m, b);
    Onnx__TensorProto *h = tb_tensor(m, "half", 10, 1, D1(2)); /* float16 */
    int32_t hv[2] = {0x3c00, 0xc000};
    h->n_int32_data = 2;
    h->int32_data = hv;
    tb_add_initializer(m, h);
    Onnx__TensorProto *l = tb_tensor(m, "shape", I64, 1, D1(2));
    int64_t lv[2] = {-1, 7};
    l->n_int64_data = 2;
    l->int64_data = lv;
    tb_add_initializer(m, l);
    Onnx__TensorProto *s = tb_tensor(m, "scalar", F32, 0, NULL);
    float sv = 2.5f;
    s->n_float_data = 1;
    s->float_data = &sv;
    tb_add_initializer(m, s);
    Onnx__TensorProto *e = tb_tensor(m, "empty", F32, 2, D2(0, 5));
    tb_add_initializer(m, e);
    lstm__graph *g;
    lstm__diag d;
    assert_int_equal(tu_import(m, NULL, &g, &d), LSTM_OK);
    const uint8_t *bd = g->inits[3].t.data;
    assert_int_equal(bd[0], 0);
    assert_int_equal(bd[1], 1);
    assert_int_equal(bd[2], 1);
    const uint16_t *hd = g->inits[4].t.data;
    assert_int_equal(hd[0], 0x3c00);
    assert_int_equal(hd[1], 0xc000);
    const int64_t *ld = g->inits[5].t.data;
    assert_int_equal(ld[0], -1);
    assert_int_equal(ld[1], 7);
    assert_int_equal(g->inits[6].t.nelem, 1);
    assert_true(*(const float *)g->inits[6].t.data == 2.5f);
    assert_int_equal(g->inits[7].t.nelem, 0);
    assert_non_null(g->inits[7].t.data);
    lstm__graph_free(g);
    tb_free(m);

    m = base_model();
    Onnx__TensorProto *bad = tb_tensor(m, "bad", I64, 1, D1(1));
    int32_t iv = 3;
    bad->n_int32_data = 1;
    bad->int32_data = &iv;
    tb_add_initializer(m, bad);
    assert_refused(m, LSTM_EMODEL, "initializer 'bad': int32_data cannot hold dtype int64");
    tb_free(m);
}

static void attribute_refusals(void **state)
{
    (void)state;
    tb_model *m = base_model();
    Onnx__AttributeProto *a = tb_graph(m)->node[0]->attribute[0];
    a->has_f = 1;
    assert_refused(m, LSTM_EMODEL, "attribute 'hidden_size' carries more than one value");
    tb_free(m);

    m = base_model();
    a = tb_graph(m)->node[0]->attribute[0];
    a->has_i = 0;
    a->has_f = 1;
    assert_refused(m, LSTM_EMODEL,
                   "attribute 'hidden_size' is declared INT but carries FLOAT data");
    tb_free(m);

    m = base_model();
    tb_attr_i(m, tb_graph(m)->node[0], "hidden_size", 3);
    assert_refused(m, LSTM_EMODEL, "node 'lstm' (LSTM) has attribute 'hidden_size' twice");
    tb_free(m);

    m = base_model();
    tb_graph(m)->node[0]->attribute[0]->ref_attr_name = "hs";
    assert_refused(m, LSTM_EMODEL, "refers to function attribute 'hs' outside a function");
    tb_free(m);

    m = base_model();
    a = tb_attr_s(m, tb_graph(m)->node[0], "direction", "forward");
    a->s.data = (uint8_t *)"forward\0x";
    a->s.len = 9;
    assert_refused(m, LSTM_EMODEL, "attribute 'direction' contains a NUL byte");
    tb_free(m);

    m = base_model();
    tb_graph(m)->node[0]->attribute[0]->type = 42;
    tb_graph(m)->node[0]->attribute[0]->has_i = 0;
    assert_refused(m, LSTM_EMODEL, "attribute 'hidden_size' has unknown type 42");
    tb_free(m);
}

static void structure_refusals(void **state)
{
    (void)state;
    tb_model *m = base_model();
    tb_graph(m)->node[0]->input[2] = "nowhere";
    lstm__graph *g = NULL;
    lstm__diag d;
    assert_int_equal(tu_import(m, NULL, &g, &d), LSTM_EMODEL);
    assert_non_null(strstr(d.msg, "node 'lstm' (LSTM): input 2 'nowhere' is not a graph input"));
    assert_non_null(g); /* the partial graph is kept for the dump */
    lstm__graph_free(g);
    tb_free(m);

    /* Defined before use: a node reading a later node's output (also how cycles show). */
    m = base_model();
    tb_graph(m)->node[0]->input[0] = "X2";
    tb_node(m, "Identity", "id", "X", "X2");
    assert_refused(m, LSTM_EMODEL, "input 0 'X2' is not a graph input");
    tb_free(m);

    m = base_model();
    tb_node(m, "Identity", "id", "X", "Y");
    assert_refused(m, LSTM_EMODEL,
                   "node 'id' (Identity): output 0 'Y' is already the output of an "
                   "earlier node");
    tb_free(m);

    m = base_model();
    tb_node(m, "Identity", "id", "X", "W");
    assert_refused(m, LSTM_EMODEL, "output 0 'W' is already an initializer");
    tb_free(m);

    m = base_model();
    tb_node(m, "Identity", "", "Y", "X");
    assert_refused(m, LSTM_EMODEL, "node #1 (Identity): output 0 'X' is already a graph input");
    tb_free(m);

    m = base_model();
    tb_output(m, "Z", F32, -1, NULL, NULL);
    assert_refused(m, LSTM_EMODEL, "graph output 'Z' is not produced");
    tb_free(m);

    m = base_model();
    tb_init_f32(m, "W", 3, D3(1, 12, 2), NULL);
    assert_refused(m, LSTM_EMODEL, "initializer 'W' is given twice");
    tb_free(m);

    m = base_model();
    tb_input(m, "X", F32, 1, D1(1), NULL);
    assert_refused(m, LSTM_EMODEL, "graph input 'X' is declared twice");
    tb_free(m);

    m = base_model();
    tb_graph(m)->node[0]->op_type = "";
    assert_refused(m, LSTM_EMODEL, "node #0 has no op_type");
    tb_free(m);

    m = base_model();
    Onnx__ValueInfoProto *bad = tb_input(m, "bad", F32, 2, D2(2, 3), NULL);
    bad->type->tensor_type->shape->dim[1]->dim_value = -3;
    assert_refused(m, LSTM_EMODEL, "graph input 'bad': dimension 1 is -3");
    tb_free(m);
}

/* An initializer named like a graph input is that input's default value. */
static void initializer_as_input_default(void **state)
{
    (void)state;
    tb_model *m = base_model();
    tb_input(m, "B", F32, 2, D2(1, 24), NULL);
    lstm__graph *g;
    lstm__diag d;
    assert_int_equal(tu_import(m, NULL, &g, &d), LSTM_OK);
    int v = lstm__graph_find(g, "B");
    assert_true(v >= 0);
    assert_int_equal(g->values[v].flags, LSTM__V_INPUT | LSTM__V_INIT);
    assert_non_null(g->values[v].init);
    lstm__graph_free(g);
    tb_free(m);
}

static void limits(void **state)
{
    (void)state;
    tb_model *m = base_model();
    size_t len;
    const uint8_t *buf = tb_pack(m, &len);
    lstm_options opt = {.size = sizeof(lstm_options)};
    lstm__graph *g = NULL;
    lstm__diag d;

    opt.limits.max_file_bytes = len - 1;
    lstm__diag_clear(&d);
    assert_int_equal(lstm__import_buffer(buf, len, &opt, NULL, &g, &d), LSTM_ELIMIT);
    assert_non_null(strstr(d.msg, "the limit is"));

    opt = (lstm_options){.size = sizeof(lstm_options)};
    opt.limits.max_tensor_bytes = 100;
    lstm__diag_clear(&d);
    assert_int_equal(lstm__import_buffer(buf, len, &opt, NULL, &g, &d), LSTM_ELIMIT);
    assert_non_null(
        strstr(d.msg, "initializer 'R': 36 elements of float32 exceed the tensor limit"));
    lstm__graph_free(g);

    opt = (lstm_options){.size = sizeof(lstm_options)};
    opt.limits.max_weight_bytes = 200;
    lstm__diag_clear(&d);
    assert_int_equal(lstm__import_buffer(buf, len, &opt, NULL, &g, &d), LSTM_ELIMIT);
    assert_non_null(strstr(d.msg, "weight limit of 200 bytes at initializer 'R'"));
    lstm__graph_free(g);

    opt = (lstm_options){.size = sizeof(lstm_options)};
    opt.limits.max_name_bytes = 2;
    lstm__diag_clear(&d);
    assert_int_equal(lstm__import_buffer(buf, len, &opt, NULL, &g, &d), LSTM_ELIMIT);
    assert_non_null(strstr(d.msg, "bytes long, the limit is 2"));
    lstm__graph_free(g);

    opt = (lstm_options){.size = sizeof(lstm_options)};
    opt.limits.max_nodes = 1;
    tb_node(m, "Identity", "id", "Y", "Z");
    buf = tb_pack(m, &len);
    lstm__diag_clear(&d);
    assert_int_equal(lstm__import_buffer(buf, len, &opt, NULL, &g, &d), LSTM_ELIMIT);
    assert_non_null(strstr(d.msg, "graph has 2 nodes, the limit is 1"));
    lstm__graph_free(g);
    tb_free(m);
}

/* External data: a folder with weights.bin, a symlink and a file outside. */
static char dir[256], outside[300];

static int ext_setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/lstm-test-ext-XXXXXX");
    if (!mkdtemp(dir)) return -1;
    char p[400];
    snprintf(p, sizeof p, "%s/weights.bin", dir);
    FILE *f = fopen(p, "wb");
    float v[40];
    for (int i = 0; i < 40; i++) v[i] = (float)i;
    fwrite(v, sizeof v, 1, f);
    fclose(f);
    snprintf(outside, sizeof outside, "%s.outside", dir);
    f = fopen(outside, "wb");
    fwrite(v, sizeof v, 1, f);
    fclose(f);
    snprintf(p, sizeof p, "%s/link.bin", dir);
    if (symlink(outside, p) != 0) return -1;
    snprintf(p, sizeof p, "%s/sub", dir);
    mkdir(p, 0700);
    return 0;
}

static int ext_teardown(void **state)
{
    (void)state;
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", dir, outside);
    return system(cmd) == 0 ? 0 : -1;
}

static tb_model *ext_model(const char *loc, const char *off, const char *len)
{
    tb_model *m = base_model();
    Onnx__TensorProto *t = tb_graph(m)->initializer[2]; /* B: 24 floats */
    t->has_raw_data = 0;
    t->has_data_location = 1;
    t->data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
    const char *keys[3] = {"location", "offset", "length"}, *vals[3] = {loc, off, len};
    t->external_data = tb_alloc(m, 3 * sizeof(void *));
    for (int i = 0; i < 3; i++) {
        if (!vals[i]) continue;
        Onnx__StringStringEntryProto *kv = tb_alloc(m, sizeof *kv);
        onnx__string_string_entry_proto__init(kv);
        kv->key = (char *)keys[i];
        kv->value = tb_strdup(m, vals[i]);
        t->external_data[t->n_external_data++] = kv;
    }
    return m;
}

static int ext_import(tb_model *m, lstm__graph **g, lstm__diag *d)
{
    return tu_import(m, dir, g, d);
}

#define assert_ext_refused(loc, off, len, needle)                                                  \
    do {                                                                                           \
        tb_model *m_ = ext_model(loc, off, len);                                                   \
        lstm__graph *g_ = NULL;                                                                    \
        lstm__diag d_;                                                                             \
        int rc_ = ext_import(m_, &g_, &d_);                                                        \
        if (rc_ != LSTM_EEXTDATA || !strstr(d_.msg, needle)) print_error("got '%s'\n", d_.msg);    \
        assert_int_equal(rc_, LSTM_EEXTDATA);                                                      \
        assert_non_null(strstr(d_.msg, needle));                                                   \
        lstm__graph_free(g_);                                                                      \
        tb_free(m_);                                                                               \
    } while (0)

static void external_data(void **state)
{
    (void)state;
    tb_model *m = ext_model("weights.bin", "16", "96");
    lstm__graph *g;
    lstm__diag d;
    assert_int_equal(ext_import(m, &g, &d), LSTM_OK);
    const float *b = g->inits[2].t.data;
    assert_true(b[0] == 4.0f && b[23] == 27.0f);
    assert_string_equal(g->inits[2].t.ext_location, "weights.bin");
    assert_int_equal(g->inits[2].t.ext_offset, 16);
    lstm__graph_free(g);
    tb_free(m);

    assert_ext_refused("/etc/passwd", NULL, NULL, "must be a relative path");
    assert_ext_refused("../weights.bin", NULL, NULL, "must be a relative path");
    assert_ext_refused("sub/../../x", NULL, NULL, "must be a relative path");
    assert_ext_refused("", NULL, NULL, "must be a relative path");
    assert_ext_refused("link.bin", NULL, NULL, "without following links");
    assert_ext_refused("missing.bin", NULL, NULL, "cannot open external data 'missing.bin'");
    assert_ext_refused("weights.bin", "100", NULL, "past its end");
    assert_ext_refused("weights.bin", "18446744073709551615", NULL, "not a non-negative integer");
    assert_ext_refused("weights.bin", "9223372036854775807", NULL, "past its end");
    assert_ext_refused("weights.bin", "-1", NULL, "not a non-negative integer");
    assert_ext_refused("weights.bin", "4x", NULL, "not a non-negative integer");
    assert_ext_refused("weights.bin", NULL, "95", "does not match the 96 bytes");
    assert_ext_refused("sub", NULL, NULL, "not a regular file");
    assert_ext_refused(NULL, "0", NULL, "external data has no location");

    m = ext_model("weights.bin", NULL, NULL);
    assert_refused(m, LSTM_EEXTDATA, "needs a base folder");
    tb_free(m);
}

/* Catalogue rows not covered above (robustness.md A7, B5, C11, D10). */
static void catalogue_more(void **state)
{
    (void)state;
    tb_model *m = base_model();
    tb_graph(m)->initializer[2]->has_data_location = 1;
    tb_graph(m)->initializer[2]->data_location = 5;
    assert_refused(m, LSTM_EMODEL, "initializer 'B' has data_location 5");
    tb_free(m);

    m = base_model();
    tb_graph(m)->initializer[1]->name = "";
    assert_refused(m, LSTM_EMODEL, "initializer #1 has an empty name");
    tb_free(m);

    m = base_model();
    tb_graph(m)->input[0]->type->tensor_type->elem_type = -4;
    assert_refused(m, LSTM_EMODEL, "graph input 'X' has element type -4");
    tb_free(m);

    /* An out-of-range element type loads (the dump shows it) and a session refuses it. */
    m = base_model();
    tb_graph(m)->input[0]->type->tensor_type->elem_type = 77;
    size_t len;
    const uint8_t *buf = tb_pack(m, &len);
    lstm_model *md;
    lstm_session *s;
    assert_int_equal(lstm_model_open_buffer(buf, len, NULL, &md), LSTM_OK);
    assert_int_equal(lstm_session_open(md, &s), LSTM_EUNSUPPORTED);
    assert_non_null(strstr(lstm_session_errmsg(s), "graph input 'X' has unsupported type unknown"));
    lstm_session_close(s);
    lstm_model_close(md);
    tb_free(m);

    /* A node of a custom domain that no model-local function defines cannot run. */
    m = base_model();
    Onnx__FunctionProto fn = ONNX__FUNCTION_PROTO__INIT, *fnp = &fn;
    fn.name = "OtherCell";
    fn.domain = "custom";
    tb_proto(m)->n_functions = 1;
    tb_proto(m)->functions = &fnp;
    Onnx__OperatorSetIdProto cust = ONNX__OPERATOR_SET_ID_PROTO__INIT;
    cust.domain = "custom";
    cust.has_version = 1;
    cust.version = 1;
    Onnx__OperatorSetIdProto *ops[2] = {tb_proto(m)->opset_import[0], &cust};
    tb_proto(m)->opset_import = ops;
    tb_proto(m)->n_opset_import = 2;
    tb_graph(m)->node[0]->op_type = "MyCell";
    tb_graph(m)->node[0]->domain = "custom";
    tb_graph(m)->node[0]->n_attribute = 0;
    buf = tb_pack(m, &len);
    assert_int_equal(lstm_model_open_buffer(buf, len, NULL, &md), LSTM_OK);
    assert_int_equal(lstm_session_open(md, &s), LSTM_EUNSUPPORTED);
    assert_non_null(strstr(lstm_session_errmsg(s),
                           "node 'lstm' (MyCell, opset 1): no implementation of custom.MyCell"));
    lstm_session_close(s);
    lstm_model_close(md);
    tb_free(m);

    /* External data can be switched off. */
    m = ext_model("weights.bin", NULL, NULL);
    buf = tb_pack(m, &len);
    lstm_options opt = {
        .size = sizeof(lstm_options), .no_external_data = 1, .external_data_dir = "/tmp"};
    assert_int_equal(lstm_model_open_buffer(buf, len, &opt, &md), LSTM_EEXTDATA);
    assert_non_null(strstr(lstm_model_errmsg(md), "initializer 'B': external data is disabled"));
    lstm_model_close(md);
    tb_free(m);
}

/* An ai.onnx opset newer than the runtime knows: the model loads (it may well run as it should),
** with one warning through the log callback naming the domain and version; none at the newest
** known version; another domain's version is not ai.onnx's. */
static char warned[512];
static int nwarn;
static void warn_cb(void *ud, int level, const char *msg)
{
    (void)ud;
    if (level != LSTM_LOG_WARN) return;
    nwarn++;
    snprintf(warned, sizeof warned, "%s", msg);
}

static void newer_opset_warns(void **state)
{
    (void)state;
    lstm_options opt;
    lstm_options_init(&opt);
    opt.log = warn_cb;
    const int64_t versions[] = {25, 26, 999};
    for (int k = 0; k < 3; k++) {
        tb_model *m = tb_new(8, versions[k]);
        tb_input(m, "X", F32, 1, D1(3), NULL);
        tb_node(m, "Relu", "r", "X", "Y");
        tb_output(m, "Y", F32, 1, D1(3), NULL);
        size_t len;
        const uint8_t *buf = tb_pack(m, &len);
        lstm_model *md;
        nwarn = 0;
        warned[0] = 0;
        assert_int_equal(lstm_model_open_buffer(buf, len, &opt, &md), LSTM_OK);
        lstm_session *s;
        assert_int_equal(lstm_session_open(md, &s), LSTM_OK);
        lstm_session_close(s);
        lstm_model_close(md);
        if (versions[k] == 25) {
            assert_int_equal(nwarn, 0);
        } else {
            char want[64];
            snprintf(want, sizeof want, "imports ai.onnx version %lld, newer than 25",
                     (long long)versions[k]);
            if (nwarn != 1 || !strstr(warned, want)) print_error("got %d: '%s'\n", nwarn, warned);
            assert_int_equal(nwarn, 1);
            assert_non_null(strstr(warned, want));
            assert_non_null(strstr(warned, "older semantics"));
        }
        tb_free(m);
    }
    /* A newer version of another domain says nothing about ai.onnx. */
    tb_model *m = tb_new(8, 14);
    tb_input(m, "X", F32, 1, D1(3), NULL);
    tb_node(m, "Relu", "r", "X", "Y");
    tb_output(m, "Y", F32, 1, D1(3), NULL);
    Onnx__OperatorSetIdProto ml = ONNX__OPERATOR_SET_ID_PROTO__INIT;
    ml.domain = "ai.onnx.ml";
    ml.has_version = 1;
    ml.version = 999;
    Onnx__OperatorSetIdProto *ops[2] = {tb_proto(m)->opset_import[0], &ml};
    tb_proto(m)->opset_import = ops;
    tb_proto(m)->n_opset_import = 2;
    size_t len;
    const uint8_t *buf = tb_pack(m, &len);
    lstm_model *md;
    nwarn = 0;
    assert_int_equal(lstm_model_open_buffer(buf, len, &opt, &md), LSTM_OK);
    assert_int_equal(nwarn, 0);
    lstm_model_close(md);
    tb_free(m);
}

/* my.F(a, b; alpha) -> (c, d): c = LeakyRelu(a + b, alpha), d = -c (node 'neg'). */
static tb_model *function_model(void)
{
    tb_model *m = tb_new(8, 14);
    tb_input(m, "X", F32, 1, D1(3), NULL);
    tb_input(m, "Y", F32, 1, D1(3), NULL);
    tb_node(m, "Add", NULL, "a,b", "t");
    Onnx__NodeProto *lr = tb_node(m, "LeakyRelu", NULL, "t", "c");
    tb_attr_ref(m, lr, "alpha", "alpha", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
    tb_node(m, "Neg", "neg", "c", "d");
    tb_take_function(m, "my", "F", 3, "a,b", "c,d", "alpha");
    Onnx__NodeProto *call = tb_node(m, "F", "call", "X,Y", "Z");
    tb_domain(m, call, "my", 1);
    tb_attr_f(m, call, "alpha", 0.5f);
    tb_domain(m, tb_node(m, "F", NULL, "Z,X", "W,V"), "my", 1);
    tb_output(m, "V", F32, -1, NULL, NULL);
    return m;
}

static void functions_inlined(void **state)
{
    (void)state;
    tb_model *m = function_model();
    lstm__graph *g;
    lstm__diag d;
    assert_int_equal(tu_import(m, NULL, &g, &d), LSTM_OK);
    assert_int_equal(g->n_functions, 1);
    assert_int_equal(g->n_nodes, 6);
    const lstm__node *n = g->nodes;
    assert_string_equal(n[0].name, "call/Add_0");
    assert_string_equal(n[0].in_names[1], "Y");
    assert_string_equal(n[0].out_names[0], "call/t");
    assert_int_equal(n[0].opset, 14);
    assert_int_equal(n[1].n_attr, 1);
    assert_true(n[1].attrs[0].f == 0.5f);
    assert_string_equal(n[1].out_names[0], "Z");
    assert_string_equal(n[2].name, "call/neg");
    assert_string_equal(n[2].out_names[0], "call/d"); /* the caller does not take it */
    assert_string_equal(n[3].name, "F/Add_0");        /* unnamed: the function's name */
    assert_string_equal(n[3].in_names[0], "Z");
    assert_int_equal(n[4].n_attr, 0); /* alpha not given: LeakyRelu's own default */
    assert_string_equal(n[5].out_names[0], "V");
    lstm__graph_free(g);
    tb_free(m);
}

static int fail_at = -1, count = 0;
static void *flaky_alloc(void *ud, size_t n)
{
    (void)ud;
    return count++ == fail_at ? NULL : malloc(n);
}
static void plain_free(void *ud, void *p)
{
    (void)ud;
    free(p);
}

static void function_refusals(void **state)
{
    (void)state;
    tb_model *m = function_model();
    tb_attr_f(m, tb_graph(m)->node[0], "beta", 1);
    assert_refused(m, LSTM_EMODEL,
                   "node 'call' (F, a model-local function): function 'F' has "
                   "no attribute 'beta'");
    tb_free(m);

    m = function_model();
    tb_attr_i(m, tb_graph(m)->node[0], "alpha", 2)->has_type = 1;
    tb_graph(m)->node[0]->n_attribute = 1;
    tb_graph(m)->node[0]->attribute[0]->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT;
    tb_graph(m)->node[0]->attribute[0]->has_i = 1;
    tb_graph(m)->node[0]->attribute[0]->has_f = 0;
    assert_refused(m, LSTM_EMODEL, "refers to 'alpha', which is INT, not FLOAT");
    tb_free(m);

    m = function_model();
    tb_graph(m)->node[1]->n_input = 1;
    tb_graph(m)->node[1]->n_output = 3;
    tb_graph(m)->node[1]->output = (char *[]){"W", "V", "U"};
    assert_refused(m, LSTM_EMODEL, "has 1 inputs and 3 outputs; function 'F' takes at most 2");
    tb_free(m);

    m = function_model();
    tb_proto(m)->functions[0]->node[1]->attribute[0]->ref_attr_name = "gamma";
    assert_refused(m, LSTM_EMODEL, "refers to attribute 'gamma', which function 'F' does not");
    tb_free(m);

    m = function_model();
    Onnx__FunctionProto *f = tb_proto(m)->functions[0];
    tb_proto(m)->n_functions = 2;
    tb_proto(m)->functions = (Onnx__FunctionProto *[]){f, f};
    assert_refused(m, LSTM_EMODEL, "function 'F' (domain 'my') is defined twice");
    tb_free(m);

    /* F calls itself. */
    m = function_model();
    f = tb_proto(m)->functions[0];
    f->node[2]->op_type = "F";
    f->node[2]->domain = "my";
    assert_refused(m, LSTM_ELIMIT, "function calls nest more than 32 deep (function 'F')");
    tb_free(m);

    /* Twice as many nodes at each of 24 levels: refused by the node count, at once. */
    m = tb_new(8, 14);
    tb_input(m, "X", F32, 1, D1(3), NULL);
    tb_node(m, "Neg", NULL, "a", "b");
    tb_take_function(m, "my", "F0", 1, "a", "b", "");
    char name[8], callee[8];
    for (int k = 1; k <= 24; k++) {
        snprintf(name, sizeof name, "F%d", k);
        snprintf(callee, sizeof callee, "F%d", k - 1);
        tb_domain(m, tb_node(m, callee, NULL, "a", "t"), "my", 1);
        tb_domain(m, tb_node(m, callee, NULL, "t", "b"), "my", 1);
        tb_take_function(m, "my", name, 2, "a", "b", "");
    }
    tb_domain(m, tb_node(m, "F24", NULL, "X", "Y"), "my", 1);
    tb_output(m, "Y", F32, -1, NULL, NULL);
    assert_refused(m, LSTM_ELIMIT, "graph has 1000001 nodes, the limit is 1000000");
    tb_free(m);

    /* Every allocation of an import with functions fails in turn: an error, no leak (ASan). */
    m = function_model();
    size_t len;
    const uint8_t *buf = tb_pack(m, &len);
    lstm_options opt = {.size = sizeof opt, .alloc = flaky_alloc, .free = plain_free};
    lstm__graph *g;
    lstm__diag d;
    fail_at = -1;
    count = 0;
    lstm__diag_clear(&d);
    assert_int_equal(lstm__import_buffer(buf, len, &opt, NULL, &g, &d), LSTM_OK);
    lstm__graph_free(g);
    int total = count;
    for (int k = 0; k < total; k++) {
        fail_at = k;
        count = 0;
        lstm__diag_clear(&d);
        int rc = lstm__import_buffer(buf, len, &opt, NULL, &g, &d);
        if (rc != LSTM_ENOMEM) print_error("allocation %d of %d: %d %s\n", k, total, rc, d.msg);
        assert_int_equal(rc, LSTM_ENOMEM);
        lstm__graph_free(g);
    }
    fail_at = -1;
    tb_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_model_links),
        cmocka_unit_test(output_listed_twice),
        cmocka_unit_test(metadata_refusals),
        cmocka_unit_test(tensor_refusals),
        cmocka_unit_test(typed_fields),
        cmocka_unit_test(attribute_refusals),
        cmocka_unit_test(structure_refusals),
        cmocka_unit_test(initializer_as_input_default),
        cmocka_unit_test(limits),
        cmocka_unit_test_setup_teardown(external_data, ext_setup, ext_teardown),
        cmocka_unit_test(catalogue_more),
        cmocka_unit_test(newer_opset_warns),
        cmocka_unit_test(functions_inlined),
        cmocka_unit_test(function_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
