/* test_describe.c — lstm_model_describe and lstm_model_explain: the explained cell for models
** with and without peepholes and coupled gates, each conversion warning, and recurrent nodes
** inside subgraphs (found, named by their qualified name, weights read from the outer scope);
** com.microsoft DynamicQuantizeLSTM's dequantized weights and multiply-adds. */
#include "test_util.h"

#include <stdlib.h>

static char text[65536];
static void capture(void *ud, const char *data, size_t len)
{
    (void)ud;
    size_t n = strlen(text);
    if (n + len >= sizeof text) len = sizeof text - n - 1;
    memcpy(text + n, data, len);
    text[n + len] = 0;
}

/* LSTM (or GRU) with constant W/R/B for hidden 3, input 2; bias block k set to `raised`. */
static tb_model *cell(const char *op, const char *inputs, int raised_block, float raised)
{
    int G = op[0] == 'L' ? 4 : 3;
    tb_model *m = tb_new(8, 14);
    tb_input(m, "X", F32, 3, D3(4, 2, 2), NULL);
    float w[4 * 3 * 2], r[4 * 3 * 3], b[8 * 3] = {0}, p[9], h0[6] = {0};
    for (int i = 0; i < 24; i++) w[i] = (float)(i % 5) * 0.1f - 0.2f;
    for (int i = 0; i < 36; i++) r[i] = (float)(i % 7) * 0.05f - 0.15f;
    for (int i = 0; i < 9; i++) p[i] = 0.1f * (float)i;
    for (int j = 0; raised_block >= 0 && j < 3; j++) b[raised_block * 3 + j] = raised;
    tb_init_f32(m, "W", 3, D3(1, G * 3, 2), w);
    tb_init_f32(m, "R", 3, D3(1, G * 3, 3), r);
    tb_init_f32(m, "B", 2, D2(1, 2 * G * 3), b);
    tb_init_f32(m, "P", 2, D2(1, 9), p);
    tb_init_f32(m, "h0", 3, D3(1, 2, 3), h0);
    tb_node(m, op, "cell", inputs, "Y");
    tb_output(m, "Y", F32, -1, NULL, NULL);
    return m;
}

static int explain(tb_model *m, const char *node)
{
    size_t len;
    const uint8_t *buf = tb_pack(m, &len);
    lstm_model *md;
    text[0] = 0;
    assert_int_equal(lstm_model_open_buffer(buf, len, NULL, &md), LSTM_OK);
    int rc = lstm_model_explain(md, node, capture, NULL);
    lstm_model_close(md);
    return rc;
}

#define has(s)                                                                                     \
    do {                                                                                           \
        if (!strstr(text, s)) print_error("missing '%s' in:\n%s\n", s, text);                      \
        assert_non_null(strstr(text, s));                                                          \
    } while (0)
#define hasnt(s)                                                                                   \
    do {                                                                                           \
        if (strstr(text, s)) print_error("unexpected '%s' in:\n%s\n", s, text);                    \
        assert_null(strstr(text, s));                                                              \
    } while (0)

static void plain_lstm(void **state)
{
    (void)state;
    tb_model *m = cell("LSTM", "X,W,R,B", -1, 0);
    assert_int_equal(explain(m, NULL), LSTM_OK);
    has("== node 'cell' (LSTM), operator version 14");
    has("hidden_size 3 (inferred from R), input_size 2");
    has("peepholes absent; input_forget 0; clip none");
    has("i[t] = Sigmoid(X[t]·Wi' + H[t-1]·Ri' + Wbi + Rbi)");
    has("f[t] = Sigmoid(X[t]·Wf' + H[t-1]·Rf' + Wbf + Rbf)");
    has("H[t] = o[t]*Tanh(C[t])");
    has("    i        |");
    has("no warnings");
    assert_int_equal(explain(m, "nope"), LSTM_EINVAL);
    tb_free(m);
}

/* W folded from a node at load (Silero v5 slices and concatenates its weights): input_size
** comes from the folded constant; a W that is a graph input with an unknown last dimension
** leaves it unknown, said so. */
static void input_size_of_computed_w(void **state)
{
    (void)state;
    tb_model *m = cell("LSTM", "X,Wc,R,B", -1, 0);
    /* The Identity goes before the LSTM (nodes are in topological order). */
    Onnx__GraphProto *gp = tb_graph(m);
    tb_node(m, "Identity", "w_copy", "W", "Wc");
    Onnx__NodeProto *lstm = gp->node[0];
    gp->node[0] = gp->node[1];
    gp->node[1] = lstm;
    assert_int_equal(explain(m, NULL), LSTM_OK);
    has("hidden_size 3 (inferred from R), input_size 2\n");
    has("  weights per gate block");
    hasnt("(not a constant)");
    tb_free(m);
    m = cell("LSTM", "X,Win,R,B", -1, 0);
    tb_input(m, "Win", F32, 3, D3(1, 12, -1), NULL);
    assert_int_equal(explain(m, NULL), LSTM_OK);
    has("input_size unknown (W is computed at run time)\n");
    tb_free(m);
}

/* Weight statistics of float16, bfloat16 and float64 weights (read in their own type): gate
** block i of W is [0.5, 1.5], the others [2, 2]. */
static void half_and_double_weights(void **state)
{
    (void)state;
    const float w[8] = {0.5f, 1.5f, 2, 2, 2, 2, 2, 2}, r[4] = {1, 1, 1, 1};
    const int dts[3] = {LSTM_DT_FLOAT16, LSTM_DT_BFLOAT16, LSTM_DT_DOUBLE};
    for (int k = 0; k < 3; k++) {
        const int dt = dts[k];
        tb_model *m = tb_new(8, 14);
        tb_input(m, "X", dt, 3, D3(1, 1, 2), NULL);
        const char *names[2] = {"W", "R"};
        const float *src[2] = {w, r};
        const int64_t *dims[2] = {D3(1, 4, 2), D3(1, 4, 1)};
        for (int i = 0; i < 2; i++) {
            unsigned char raw[64];
            const int n = i ? 4 : 8, es = dt == LSTM_DT_DOUBLE ? 8 : 2;
            for (int j = 0; j < n; j++) {
                if (dt == LSTM_DT_DOUBLE) {
                    double v = src[i][j];
                    memcpy(raw + 8 * j, &v, 8);
                } else {
                    uint16_t v = dt == LSTM_DT_FLOAT16 ? lstm__f32_to_f16(src[i][j])
                                                       : lstm__f32_to_bf16(src[i][j]);
                    memcpy(raw + 2 * j, &v, 2);
                }
            }
            Onnx__TensorProto *t = tb_tensor(m, names[i], dt, 3, dims[i]);
            tb_tensor_raw(m, t, raw, (size_t)(n * es));
            tb_add_initializer(m, t);
        }
        tb_node(m, "LSTM", "cell", "X,W,R", "Y");
        tb_output(m, "Y", dt, -1, NULL, NULL);
        assert_int_equal(explain(m, NULL), LSTM_OK);
        has("    i        |   1.0000   0.5000   0.5000   1.5000 |   1.0000   0.0000   1.0000   "
            "1.0000 |");
        has("    c        |   2.0000   0.0000   2.0000   2.0000 |");
        hasnt("(not a constant)");
        tb_free(m);
    }
}

static void peepholes_and_coupled_gates(void **state)
{
    (void)state;
    tb_model *m = cell("LSTM", "X,W,R,B,,,,P", -1, 0);
    Onnx__NodeProto *n = tb_graph(m)->node[0];
    tb_attr_i(m, n, "input_forget", 1);
    tb_attr_f(m, n, "clip", 2.5f);
    tb_attr_strings(m, n, "activations", "HardSigmoid,Tanh,Softsign");
    tb_attr_floats(m, n, "activation_alpha", (const float[]){0.3f}, 1);
    assert_int_equal(explain(m, "cell"), LSTM_OK);
    has("peepholes present (P: i, o, f); input_forget 1; clip on");
    has("i[t] = HardSigmoid[alpha=0.3, beta=0.5](clip(X[t]·Wi' + H[t-1]·Ri' + Wbi + Rbi + "
        "Pi*C[t-1], 2.5))");
    has("f[t] = 1 - i[t]                      (input_forget = 1: coupled gates)");
    has("o[t] = HardSigmoid[alpha=0.3, beta=0.5](clip(X[t]·Wo' + H[t-1]·Ro' + Wbo + Rbo + Po*C[t], "
        "2.5))");
    has("H[t] = o[t]*Softsign(C[t])                 (C[t] is not clipped)");
    tb_free(m);
}

static void warnings(void **state)
{
    (void)state;
    /* A forget-bias offset in block o (index 1): the order is likely mixed up. */
    tb_model *m = cell("LSTM", "X,W,R,B", 1, 1.0f);
    assert_int_equal(explain(m, NULL), LSTM_OK);
    has("warning: the bias of gate block 'o' (mean 1.00) stands out");
    has("gate-order mix-up (ONNX order is i, o, f, c)");
    tb_free(m);
    /* The same offset in block f: fine. */
    m = cell("LSTM", "X,W,R,B", 2, 1.0f);
    assert_int_equal(explain(m, NULL), LSTM_OK);
    has("note: the forget gate's bias stands out (mean 1.00, next 0.00): a forget-bias offset, in "
        "the right slot");
    hasnt("warning:");
    tb_free(m);
    /* A constant initial state fixes the batch. */
    m = cell("LSTM", "X,W,R,B,,h0", -1, 0);
    assert_int_equal(explain(m, NULL), LSTM_OK);
    has("warning: initial_h is a constant of shape [1,2,3]: the model runs only at batch 2");
    tb_free(m);
    /* GRU with linear_before_reset 0 from PyTorch. */
    m = cell("GRU", "X,W,R,B", -1, 0);
    tb_proto(m)->producer_name = "pytorch";
    tb_proto(m)->producer_version = "2.5.0";
    assert_int_equal(explain(m, NULL), LSTM_OK);
    has("g[t] = Tanh(X[t]·Wh' + (r[t]*H[t-1])·Rh' + Rbh + Wbh)   (linear_before_reset = 0)");
    has("warning: linear_before_reset is 0 in a model from pytorch 2.5.0");
    tb_free(m);
    m = cell("GRU", "X,W,R,B", -1, 0);
    tb_attr_i(m, tb_graph(m)->node[0], "linear_before_reset", 1);
    tb_proto(m)->producer_name = "pytorch";
    assert_int_equal(explain(m, NULL), LSTM_OK);
    hasnt("warning:");
    tb_free(m);
}

/* The API's arguments and that each format writes something; the structure of the JSON and
** DOT views is checked against the model by tests/describe_check.py (describe_formats). */
static void describe_api(void **state)
{
    (void)state;
    tb_model *m = cell("LSTM", "X,W,R,B", -1, 0);
    size_t len;
    const uint8_t *buf = tb_pack(m, &len);
    lstm_model *md;
    assert_int_equal(lstm_model_open_buffer(buf, len, NULL, &md), LSTM_OK);
    text[0] = 0;
    assert_int_equal(lstm_model_describe(md, LSTM_DESCRIBE_TEXT, capture, NULL), LSTM_OK);
    has("parameters: ");
    text[0] = 0;
    assert_int_equal(lstm_model_describe(md, LSTM_DESCRIBE_JSON, capture, NULL), LSTM_OK);
    has("\"schema\": \"lstm-dump/1\"");
    text[0] = 0;
    assert_int_equal(lstm_model_describe(md, LSTM_DESCRIBE_DOT, capture, NULL), LSTM_OK);
    has("digraph");
    assert_int_equal(lstm_model_describe(md, 9, capture, NULL), LSTM_EINVAL);
    assert_int_equal(lstm_model_describe(NULL, 0, capture, NULL), LSTM_EINVAL);
    assert_int_equal(lstm_model_describe(md, 0, NULL, NULL), LSTM_EINVAL);
    lstm_model_close(md);
    tb_free(m);
}

/* Conv's multiply-adds: X [1, 1, 8] * W [1, 1, 3] gives 6 outputs of 3; attributes beyond
** the operator's bounds leave the node uncounted (they once overflowed int64 in the count). */
static void conv_macs(void **state)
{
    (void)state;
    static const int64_t max = INT64_MAX, quarter = (int64_t)1 << 62;
    const struct {
        const char *attr, *auto_pad;
        int64_t v[2];
        int nv;
        const char *want;
    } cases[] = {{NULL, NULL, {0}, 0, "\"macs\": {\"count\": 18,"},
                 {"strides", "SAME_UPPER", {max}, 1, "\"macs\": null"},
                 {"dilations", NULL, {quarter}, 1, "\"macs\": null"},
                 {"pads", NULL, {quarter, quarter}, 2, "\"macs\": null"}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        tb_model *m = tb_new(8, 17);
        const float w[3] = {1, 1, 1};
        tb_input(m, "X", F32, 3, D3(1, 1, 8), NULL);
        tb_init_f32(m, "W", 3, D3(1, 1, 3), w);
        Onnx__NodeProto *n = tb_node(m, "Conv", "conv", "X,W", "Y");
        if (cases[c].attr) tb_attr_ints(m, n, cases[c].attr, cases[c].v, cases[c].nv);
        if (cases[c].auto_pad) tb_attr_s(m, n, "auto_pad", cases[c].auto_pad);
        tb_output(m, "Y", F32, -1, NULL, NULL);
        size_t len;
        const uint8_t *buf = tb_pack(m, &len);
        lstm_model *md = NULL;
        lstm_model_open_buffer(buf, len, NULL, &md); /* refused but still described */
        assert_non_null(md);
        text[0] = 0;
        assert_int_equal(lstm_model_describe(md, LSTM_DESCRIBE_JSON, capture, NULL), LSTM_OK);
        has(cases[c].want);
        lstm_model_close(md);
        tb_free(m);
    }
}

/* An LSTM "top" in the main graph and the same LSTM (the same weights, read from the main graph)
** inside an If's then_branch; the else_branch holds an operator this runtime lacks. */
static tb_model *lstm_in_if(void)
{
    tb_model *m = cell("LSTM", "X,W,R,B", 2, 1.0f);
    tb_input(m, "cond", 9, 0, NULL, NULL);
    tb_node(m, "LSTM", "inner", "X,W,R,B", ",h");
    Onnx__GraphProto *then_g = tb_take_graph(m, "then", 1, "", "h");
    tb_node(m, "Foo", "foo", "X", "e");
    Onnx__GraphProto *else_g = tb_take_graph(m, "else", 1, "", "e");
    Onnx__NodeProto *n = tb_node(m, "If", "iff", "cond", "Z");
    tb_attr_graph(m, n, "then_branch", then_g);
    tb_attr_graph(m, n, "else_branch", else_g);
    tb_output(m, "Z", F32, -1, NULL, NULL);
    return m;
}

/* The lines of text after the line starting with `from`, up to the next blank line. */
static void section(char *out, size_t n, const char *from)
{
    const char *p = strstr(text, from);
    assert_non_null(p);
    const char *e = strstr(p, "\n\n");
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (len >= n) len = n - 1;
    memcpy(out, p, len);
    out[len] = 0;
}

static void explain_in_subgraph(void **state)
{
    (void)state;
    tb_model *m = lstm_in_if();
    assert_int_equal(explain(m, NULL), LSTM_OK);
    has("== node 'cell' (LSTM), operator version 14");
    has("== node 'iff/then_branch/inner' (LSTM), operator version 14");
    /* The same weights, read from the main graph: the same statistics, and the same note
    ** about the forget gate's bias. */
    static char top[8192], inner[8192];
    section(top, sizeof top, "== node 'cell'");
    section(inner, sizeof inner, "== node 'iff/then_branch/inner'");
    const char *a = strstr(top, "  weights per gate block"), *b = strstr(inner, "  weights per");
    assert_non_null(a);
    assert_non_null(b);
    assert_string_equal(a, b);
    assert_non_null(strstr(b, "note: the forget gate's bias stands out (mean 1.00"));
    assert_null(strstr(b, "(not a constant)"));
    /* By qualified name or by name; a wrong path finds nothing. */
    assert_int_equal(explain(m, "iff/then_branch/inner"), LSTM_OK);
    has("== node 'iff/then_branch/inner' (LSTM)");
    hasnt("== node 'cell'");
    assert_int_equal(explain(m, "inner"), LSTM_OK);
    has("== node 'iff/then_branch/inner' (LSTM)");
    assert_int_equal(explain(m, "iff/else_branch/inner"), LSTM_EINVAL);
    tb_free(m);
}

/* Each format shows the subgraphs, the If's verdict names what inside cannot run, and the
** totals count every graph (the structure is checked against the model by
** tests/describe_check.py). */
static void describe_subgraphs(void **state)
{
    (void)state;
    tb_model *m = lstm_in_if();
    size_t len;
    const uint8_t *buf = tb_pack(m, &len);
    lstm_model *md;
    assert_int_equal(lstm_model_open_buffer(buf, len, NULL, &md), LSTM_OK);
    text[0] = 0;
    assert_int_equal(lstm_model_describe(md, LSTM_DESCRIBE_TEXT, capture, NULL), LSTM_OK);
    has("        ==== subgraph iff/then_branch (graph 'then') ====\n");
    has("        Node 0 | inner [Op: LSTM, opset 14]\n");
    has("                supported: yes\n");
    has("        supported: yes, but its else_branch holds node 'foo' (Foo): no implementation "
        "of Foo\n");
    has("    nodes: 4 (2 in the main graph, 2 in subgraphs)\n");
    has("    supported nodes: 3/4 (subgraphs included)\n");
    text[0] = 0;
    assert_int_equal(lstm_model_describe(md, LSTM_DESCRIBE_JSON, capture, NULL), LSTM_OK);
    has("\"graph\": {\"path\": \"iff/then_branch\", \"graph_name\": \"then\", \"depth\": 1, "
        "\"outer_values\": [\"X\", \"W\", \"R\", \"B\"]");
    has("\"unsupported_inside\": [{\"attribute\": \"else_branch\", \"graph\": "
        "\"iff/else_branch\", \"index\": 0, \"name\": \"foo\", \"op_type\": \"Foo\", "
        "\"reason\": \"no implementation of Foo\"}]");
    text[0] = 0;
    assert_int_equal(lstm_model_describe(md, LSTM_DESCRIBE_DOT, capture, NULL), LSTM_OK);
    has("  subgraph cluster_g1 {\n    label=\"iff/then_branch\";");
    has("  in0 -> g1_n0 [label=\"X\", style=dashed];\n");
    has("  n1 -> g1_n0 [lhead=cluster_g1, style=dotted, arrowhead=none, label=\"then_branch\"];");
    lstm_model_close(md);
    tb_free(m);
}

/* com.microsoft DynamicQuantizeLSTM (hidden 3, input 2): explained with the statistics of its
** dequantized weights, (w - zp) scale: W int8 per direction (scale 0.5, zero point 1; block i
** all 3, so 1.0; the others 1, 3, 5 along the columns, so 0, 1, 2: mean 1, std sqrt(2/3)), R
** int8 with per-column scales 0.1 (c + 1) and zero points 0 (all 2: block i 0.2, 0.4, 0.6);
** and its multiply-adds counted from W [D, input, 4H] and R [D, H, 4H]. */
static void dynamic_quantize_lstm(void **state)
{
    (void)state;
    tb_model *m = tb_new(8, 17);
    tb_input(m, "X", F32, 3, D3(4, 2, 2), NULL);
    int8_t w[2 * 12], r[3 * 12], wz = 1, rz[12] = {0};
    float ws = 0.5f, rs[12];
    for (int i = 0; i < 2; i++)
        for (int c = 0; c < 12; c++) w[i * 12 + c] = (int8_t)(c < 3 ? 3 : 1 + 2 * (c % 3));
    for (int i = 0; i < 36; i++) r[i] = 2;
    for (int c = 0; c < 12; c++) rs[c] = 0.1f * (float)(c + 1);
    struct {
        const char *name;
        int dtype, rank;
        const int64_t *dims;
        const void *data;
        size_t bytes;
    } init[] = {{"W", I8, 3, D3(1, 2, 12), w, sizeof w},  {"R", I8, 3, D3(1, 3, 12), r, sizeof r},
                {"WS", F32, 1, D2(1, 0), &ws, 4},         {"WZ", I8, 1, D2(1, 0), &wz, 1},
                {"RS", F32, 2, D2(1, 12), rs, sizeof rs}, {"RZ", I8, 2, D2(1, 12), rz, sizeof rz}};
    for (int i = 0; i < 6; i++) {
        Onnx__TensorProto *t =
            tb_tensor(m, init[i].name, init[i].dtype, init[i].rank, init[i].dims);
        tb_tensor_raw(m, t, init[i].data, init[i].bytes);
        tb_add_initializer(m, t);
    }
    Onnx__NodeProto *n = tb_node(m, "DynamicQuantizeLSTM", "dq", "X,W,R,,,,,,WS,WZ,RS,RZ", "Y");
    tb_domain(m, n, "com.microsoft", 1);
    tb_attr_i(m, n, "hidden_size", 3);
    tb_output(m, "Y", F32, -1, NULL, NULL);
    assert_int_equal(explain(m, NULL), LSTM_OK);
    has("== node 'dq' (DynamicQuantizeLSTM), operator version 1");
    has("hidden_size 3, input_size 2");
    has("quantized (com.microsoft): W int8 [D, input, 4H] and R int8 [D, H, 4H], scales of W per "
        "direction, of R per column;");
    has("    i        |   1.0000   0.0000   1.0000   1.0000 |   0.4000   0.1633   0.2000   0.6000 "
        "|");
    has("    o        |   1.0000   0.8165   0.0000   2.0000 |   1.0000   0.1633   0.8000   1.2000 "
        "|");
    size_t len;
    const uint8_t *buf = tb_pack(m, &len);
    lstm_model *md;
    assert_int_equal(lstm_model_open_buffer(buf, len, NULL, &md), LSTM_OK);
    text[0] = 0;
    assert_int_equal(lstm_model_describe(md, LSTM_DESCRIBE_TEXT, capture, NULL), LSTM_OK);
    has("        multiply-adds: 480\n"); /* T 4 x batch 2 x 4 gates x H 3 x (input 2 + H 3) */
    lstm_model_close(md);
    tb_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_lstm),
        cmocka_unit_test(half_and_double_weights),
        cmocka_unit_test(input_size_of_computed_w),
        cmocka_unit_test(peepholes_and_coupled_gates),
        cmocka_unit_test(warnings),
        cmocka_unit_test(describe_api),
        cmocka_unit_test(conv_macs),
        cmocka_unit_test(explain_in_subgraph),
        cmocka_unit_test(describe_subgraphs),
        cmocka_unit_test(dynamic_quantize_lstm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
