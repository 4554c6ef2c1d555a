/* test_rnn_attrs.c — LSTM/GRU/RNN attributes: defaults, every refusal, alpha/beta consumption,
** hidden_size inference and static shape checks with messages that name the culprit. */
#include "test_util.h"
#include "ops/registry.h"
#include "ops/rnn_attrs.h"

/* A node `op` with X[5,2,3] and W/R/B initializers for hidden 4 and `dirs` directions. */
static tb_model *rnn(const char *op, int64_t opset, int dirs, Onnx__NodeProto **node)
{
    int G = op[0] == 'L' ? 4 : op[0] == 'G' ? 3 : 1;
    tb_model *m = tb_new(8, opset);
    tb_input(m, "X", F32, 3, D3(5, 2, 3), NULL);
    tb_init_f32(m, "W", 3, D3(dirs, G * 4, 3), NULL);
    tb_init_f32(m, "R", 3, D3(dirs, G * 4, 4), NULL);
    tb_init_f32(m, "B", 2, D2(dirs, 2 * G * 4), NULL);
    *node = tb_node(m, op, "cell", "X,W,R,B", "Y,Y_h");
    tb_output(m, "Y", F32, -1, NULL, NULL);
    if (dirs == 2) tb_attr_s(m, *node, "direction", "bidirectional");
    return m;
}

static int parse(tb_model *m, lstm__rnn_params *p, lstm__diag *d)
{
    lstm__graph *g;
    int rc = tu_import(m, NULL, &g, d);
    if (rc) return rc;
    lstm__diag_clear(d);
    rc = lstm__rnn_parse(g, &g->nodes[0], g->nodes[0].op->since, p, d);
    lstm__graph_free(g);
    return rc;
}

#define assert_parse_fails(m, code, needle)                                                        \
    do {                                                                                           \
        lstm__rnn_params p_;                                                                       \
        lstm__diag d_;                                                                             \
        int rc_ = parse(m, &p_, &d_);                                                              \
        if (rc_ != (code) || !strstr(d_.msg, needle)) print_error("got '%s'\n", d_.msg);           \
        assert_int_equal(rc_, code);                                                               \
        assert_non_null(strstr(d_.msg, needle));                                                   \
        tb_free(m);                                                                                \
    } while (0)

static void defaults(void **state)
{
    (void)state;
    Onnx__NodeProto *n;
    lstm__rnn_params p;
    lstm__diag d;
    tb_model *m = rnn("LSTM", 14, 1, &n);
    assert_int_equal(parse(m, &p, &d), LSTM_OK);
    assert_int_equal(p.cell, LSTM__CELL_LSTM);
    assert_int_equal(p.version, 14);
    assert_int_equal(p.hidden_size, 4); /* inferred from R */
    assert_int_equal(p.hidden_given, 0);
    assert_int_equal(p.input_size, 3);
    assert_int_equal(p.direction, LSTM__DIR_FORWARD);
    assert_int_equal(p.num_dirs, 1);
    assert_int_equal(p.layout, 0);
    assert_int_equal(p.has_clip, 0);
    assert_int_equal(p.acts[0].kind, LSTM__ACT_SIGMOID);
    assert_int_equal(p.acts[1].kind, LSTM__ACT_TANH);
    assert_int_equal(p.acts[2].kind, LSTM__ACT_TANH);
    tb_free(m);

    m = rnn("GRU", 7, 2, &n);
    assert_int_equal(parse(m, &p, &d), LSTM_OK);
    assert_int_equal(p.version, 7);
    assert_int_equal(p.num_dirs, 2);
    assert_int_equal(p.acts[2].kind, LSTM__ACT_SIGMOID);
    assert_int_equal(p.acts[3].kind, LSTM__ACT_TANH);
    assert_int_equal(p.linear_before_reset, 0);
    tb_free(m);

    m = rnn("RNN", 22, 1, &n);
    tb_attr_strings(m, n, "activations", "Tanh,Tanh"); /* the spec's default list */
    assert_int_equal(parse(m, &p, &d), LSTM_OK);
    assert_int_equal(p.acts[0].kind, LSTM__ACT_TANH);
    assert_int_equal(p.version, 22);
    tb_free(m);
}

static void attributes_resolved(void **state)
{
    (void)state;
    Onnx__NodeProto *n;
    lstm__rnn_params p;
    lstm__diag d;
    tb_model *m = rnn("LSTM", 14, 2, &n);
    tb_attr_i(m, n, "hidden_size", 4);
    tb_attr_f(m, n, "clip", 0.5f);
    tb_attr_i(m, n, "input_forget", 1);
    tb_attr_i(m, n, "layout", 0);
    tb_attr_strings(m, n, "activations", "leakyrelu,TANH,HardSigmoid,Affine,ScaledTanh,Elu");
    tb_attr_floats(m, n, "activation_alpha", (const float[]){0.1f, 0.3f, 2.0f}, 3);
    tb_attr_floats(m, n, "activation_beta", (const float[]){0.7f}, 1);
    assert_int_equal(parse(m, &p, &d), LSTM_OK);
    assert_int_equal(p.hidden_given, 1);
    assert_true(p.has_clip && p.clip == 0.5f);
    assert_int_equal(p.input_forget, 1);
    /* Consumed in order by the functions that take them; the rest take defaults. */
    assert_int_equal(p.acts[0].kind, LSTM__ACT_LEAKYRELU);
    assert_true(p.acts[0].alpha == 0.1f && p.acts[0].alpha_set);
    assert_int_equal(p.acts[2].kind, LSTM__ACT_HARDSIGMOID);
    assert_true(p.acts[2].alpha == 0.3f && p.acts[2].beta == 0.7f);
    assert_int_equal(p.acts[3].kind, LSTM__ACT_AFFINE);
    assert_true(p.acts[3].alpha == 2.0f && p.acts[3].beta == 0.0f && !p.acts[3].beta_set);
    assert_true(p.acts[4].alpha == 1.0f && p.acts[4].beta == 1.0f);
    assert_true(p.acts[5].alpha == 1.0f && !p.acts[5].alpha_set);
    tb_free(m);

    /* One value per activation, zeros where none is taken: both readings agree. */
    m = rnn("LSTM", 14, 1, &n);
    tb_attr_strings(m, n, "activations", "LeakyRelu,Tanh,Tanh");
    tb_attr_floats(m, n, "activation_alpha", (const float[]){0.2f, 0.0f, 0.0f}, 3);
    assert_int_equal(parse(m, &p, &d), LSTM_OK);
    assert_true(p.acts[0].alpha == 0.2f && p.acts[0].alpha_set);
    tb_free(m);
    m = rnn("RNN", 14, 1, &n);
    tb_attr_strings(m, n, "activations", "Tanh");
    tb_attr_floats(m, n, "activation_alpha", (const float[]){0.5f}, 1);
    assert_int_equal(parse(m, &p, &d), LSTM_OK);
    tb_free(m);

    m = rnn("GRU", 14, 1, &n);
    tb_attr_i(m, n, "linear_before_reset", 1);
    tb_attr_strings(m, n, "activations", "HardSigmoid,ThresholdedRelu");
    assert_int_equal(parse(m, &p, &d), LSTM_OK);
    assert_int_equal(p.linear_before_reset, 1);
    assert_true(p.acts[0].alpha == 0.2f && p.acts[0].beta == 0.5f);
    assert_true(p.acts[1].alpha == 1.0f);
    tb_free(m);
}

static void refusals(void **state)
{
    (void)state;
    Onnx__NodeProto *n;
    tb_model *m;

    m = rnn("LSTM", 14, 1, &n);
    tb_attr_s(m, n, "direction", "sideways");
    assert_parse_fails(m, LSTM_EMODEL,
                       "node 'cell' (LSTM, opset 14): attribute 'direction' is 'sideways'");

    m = rnn("LSTM", 14, 1, &n);
    tb_attr_i(m, n, "layout", 2);
    assert_parse_fails(m, LSTM_EMODEL, "attribute 'layout' is 2, expected 0 or 1");

    m = rnn("LSTM", 13, 1, &n);
    tb_attr_i(m, n, "layout", 1);
    assert_parse_fails(m, LSTM_EMODEL, "unknown attribute 'layout' for LSTM version 7");

    m = rnn("GRU", 14, 1, &n);
    tb_attr_i(m, n, "input_forget", 1);
    assert_parse_fails(m, LSTM_EMODEL, "unknown attribute 'input_forget' for GRU");

    m = rnn("LSTM", 14, 1, &n);
    tb_attr_f(m, n, "clip", 0.0f);
    assert_parse_fails(m, LSTM_EMODEL, "attribute 'clip' is 0, it must be > 0");

    m = rnn("LSTM", 14, 1, &n);
    tb_attr_f(m, n, "clip", -1.0f);
    assert_parse_fails(m, LSTM_EMODEL, "attribute 'clip' is -1");

    m = rnn("LSTM", 14, 1, &n);
    tb_attr_i(m, n, "hidden_size", 0);
    assert_parse_fails(m, LSTM_EMODEL, "attribute 'hidden_size' is 0");

    m = rnn("LSTM", 14, 1, &n);
    tb_attr_f(m, n, "hidden_size", 4.0f);
    assert_parse_fails(m, LSTM_EMODEL, "attribute 'hidden_size' must be an int");

    m = rnn("LSTM", 14, 1, &n);
    tb_attr_i(m, n, "input_forget", 2);
    assert_parse_fails(m, LSTM_EMODEL, "attribute 'input_forget' is 2");

    m = rnn("GRU", 14, 1, &n);
    tb_attr_i(m, n, "linear_before_reset", -1);
    assert_parse_fails(m, LSTM_EMODEL, "attribute 'linear_before_reset' is -1");

    m = rnn("LSTM", 14, 2, &n);
    tb_attr_strings(m, n, "activations", "Sigmoid,Tanh,Tanh");
    assert_parse_fails(m, LSTM_EMODEL,
                       "'activations' has 3 entries, expected 6 (3 per direction x 2 directions)");

    m = rnn("GRU", 14, 1, &n);
    tb_attr_strings(m, n, "activations", "Sigmoid,Swish");
    assert_parse_fails(m, LSTM_EUNSUPPORTED, "activation 'Swish' is not one of");

    /* More values than the activations take, not one per activation: refused. */
    m = rnn("RNN", 14, 1, &n);
    tb_attr_strings(m, n, "activations", "Tanh");
    tb_attr_floats(m, n, "activation_alpha", (const float[]){0.5f, 0.7f}, 2);
    assert_parse_fails(m, LSTM_EMODEL,
                       "'activation_alpha' has 2 values but the activations take only 0, and it "
                       "is not one value per activation (1)");

    /* One value per activation where reading them in order and one per activation differ. */
    m = rnn("LSTM", 14, 1, &n);
    tb_attr_strings(m, n, "activations", "LeakyRelu,Tanh,HardSigmoid");
    tb_attr_floats(m, n, "activation_alpha", (const float[]){0.1f, 0.0f, 0.3f}, 3);
    assert_parse_fails(m, LSTM_EMODEL,
                       "'activation_alpha' has one value per activation (3) but only 2 of them "
                       "take it: read in order (the spec, onnxruntime) HardSigmoid (activation 2) "
                       "gets 0, read one per activation it gets 0.3");

    m = rnn("LSTM", 14, 1, &n);
    tb_attr_i(m, n, "hidden_size", 5);
    assert_parse_fails(m, LSTM_EMODEL,
                       "input W has shape [1,16,3], expected [1,20,3] (num_directions, "
                       "4*hidden_size, input_size) for hidden_size=5");

    m = rnn("LSTM", 14, 1, &n);
    tb_attr_s(m, n, "direction", "bidirectional");
    assert_parse_fails(m, LSTM_EMODEL, "input W has shape [1,16,3], expected [2,16,3]");

    m = rnn("GRU", 14, 1, &n);
    tb_graph(m)->initializer[2]->dims[1] = 12;
    tb_graph(m)->initializer[2]->raw_data.len = 48;
    assert_parse_fails(m, LSTM_EMODEL, "input B has shape [1,12], expected [1,24]");

    m = rnn("LSTM", 14, 1, &n);
    tb_graph(m)->node[0]->input[2] = "";
    assert_parse_fails(m, LSTM_EMODEL, "required input R is missing");

    m = rnn("RNN", 14, 1, &n);
    tb_graph(m)->node[0]->n_output = 3;
    tb_graph(m)->node[0]->output = (char *[]){"Y", "Y_h", "Y_c"};
    assert_parse_fails(m, LSTM_EMODEL, "has 3 outputs, expected at most 2");

    m = rnn("LSTM", 14, 1, &n);
    tb_input(m, "seq", I64, 1, D1(2), NULL);
    tb_graph(m)->node[0]->n_input = 5;
    tb_graph(m)->node[0]->input = (char *[]){"X", "W", "R", "B", "seq"};
    assert_parse_fails(m, LSTM_EMODEL, "input sequence_lens is int64, expected int32");

    m = rnn("LSTM", 14, 1, &n);
    tb_input(m, "h0", F32, 3, D3(1, 3, 4), NULL);
    tb_graph(m)->node[0]->n_input = 6;
    tb_graph(m)->node[0]->input = (char *[]){"X", "W", "R", "B", "", "h0"};
    assert_parse_fails(m, LSTM_EMODEL,
                       "input initial_h has shape [1,3,4], expected [1,2,4] (num_directions, "
                       "batch_size, hidden_size)");

    m = rnn("LSTM", 14, 1, &n);
    tb_input(m, "P", F32, 2, D2(1, 9), NULL);
    tb_graph(m)->node[0]->n_input = 8;
    tb_graph(m)->node[0]->input = (char *[]){"X", "W", "R", "B", "", "", "", "P"};
    assert_parse_fails(m, LSTM_EMODEL, "input P has shape [1,9], expected [1,12]");

    m = rnn("LSTM", 14, 1, &n);
    tb_graph(m)->input[0]->type->tensor_type->shape->n_dim = 2;
    assert_parse_fails(m, LSTM_EMODEL, "input X has rank 2, expected 3");

    m = rnn("LSTM", 14, 1, &n);
    tb_graph(m)->input[0]->type->tensor_type->elem_type = I32;
    assert_parse_fails(m, LSTM_EMODEL, "input 0 ('X') is int32, expected a float type");
}

/* Versions 1-6: output_sequence accepted there only; GRU 1 has no linear_before_reset and
   needs Y_h. */
static void legacy_versions(void **state)
{
    (void)state;
    Onnx__NodeProto *n;
    lstm__rnn_params p;
    lstm__diag d;
    tb_model *m = rnn("GRU", 3, 1, &n);
    tb_attr_i(m, n, "output_sequence", 1);
    tb_attr_i(m, n, "linear_before_reset", 1);
    assert_int_equal(parse(m, &p, &d), LSTM_OK);
    assert_int_equal(p.version, 3);
    assert_int_equal(p.linear_before_reset, 1);
    tb_free(m);

    m = rnn("LSTM", 6, 2, &n);
    tb_attr_i(m, n, "output_sequence", 0);
    assert_int_equal(parse(m, &p, &d), LSTM_OK);
    assert_int_equal(p.version, 1);
    assert_int_equal(p.num_dirs, 2);
    tb_free(m);

    m = rnn("RNN", 1, 1, &n);
    tb_attr_i(m, n, "output_sequence", 2);
    assert_parse_fails(m, LSTM_EMODEL,
                       "node 'cell' (RNN, opset 1): attribute 'output_sequence' is 2, expected 0 "
                       "or 1");

    m = rnn("LSTM", 7, 1, &n);
    tb_attr_i(m, n, "output_sequence", 1);
    assert_parse_fails(m, LSTM_EMODEL, "unknown attribute 'output_sequence' for LSTM version 7");

    m = rnn("GRU", 2, 1, &n);
    tb_attr_i(m, n, "linear_before_reset", 1);
    assert_parse_fails(m, LSTM_EMODEL, "unknown attribute 'linear_before_reset' for GRU version 1");

    m = tb_new(8, 1);
    tb_input(m, "X", F32, 3, D3(5, 2, 3), NULL);
    tb_init_f32(m, "W", 3, D3(1, 12, 3), NULL);
    tb_init_f32(m, "R", 3, D3(1, 12, 4), NULL);
    tb_node(m, "GRU", "cell", "X,W,R", "Y");
    tb_output(m, "Y", F32, -1, NULL, NULL);
    assert_parse_fails(m, LSTM_EMODEL, "output Y_h is required at GRU version 1");
}

static void layout_one_shapes(void **state)
{
    (void)state;
    Onnx__NodeProto *n;
    tb_model *m = rnn("GRU", 14, 1, &n);
    tb_attr_i(m, n, "layout", 1);
    tb_input(m, "h0", F32, 3, D3(1, 5, 4), NULL); /* layout 1: [B=5, D=1, H] */
    tb_graph(m)->node[0]->n_input = 6;
    tb_graph(m)->node[0]->input = (char *[]){"X", "W", "R", "B", "", "h0"};
    lstm__rnn_params p;
    lstm__diag d;
    assert_int_equal(parse(m, &p, &d), LSTM_EMODEL);
    assert_non_null(strstr(d.msg, "initial_h has shape [1,5,4], expected [5,1,4] (batch_size, "
                                  "num_directions, hidden_size)"));
    tb_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults),          cmocka_unit_test(attributes_resolved),
        cmocka_unit_test(refusals),          cmocka_unit_test(legacy_versions),
        cmocka_unit_test(layout_one_shapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
