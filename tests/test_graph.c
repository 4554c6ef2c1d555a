/* test_graph.c — name lookup, static shapes, labels and opsets of the runtime graph. */
#include "test_util.h"

#include <stdio.h>

static void many_values_lookup(void **state)
{
    (void)state;
    tb_model *m = tb_new(8, 17);
    tb_input(m, "v0", F32, 2, D2(-1, 4), "batch");
    char in[32], out[32];
    for (int i = 0; i < 500; i++) {
        snprintf(in, sizeof in, "v%d", i);
        snprintf(out, sizeof out, "v%d", i + 1);
        tb_node(m, "Relu", NULL, in, out);
    }
    tb_output(m, "v500", F32, -1, NULL, NULL);
    lstm__graph *g;
    lstm__diag d;
    assert_int_equal(tu_import(m, NULL, &g, &d), LSTM_OK);
    assert_int_equal(g->n_values, 501);
    for (int i = 0; i <= 500; i++) {
        snprintf(in, sizeof in, "v%d", i);
        int v = lstm__graph_find(g, in);
        assert_true(v >= 0);
        assert_string_equal(g->values[v].name, in);
        assert_int_equal(g->values[v].producer, i - 1);
    }
    assert_int_equal(lstm__graph_find(g, "v501"), -1);
    assert_int_equal(lstm__graph_find(g, ""), -1);
    int64_t dims[LSTM__MAX_RANK];
    assert_int_equal(lstm__value_shape(&g->values[0], dims), 2);
    assert_int_equal(dims[0], -1);
    assert_int_equal(dims[1], 4);
    assert_int_equal(lstm__value_shape(&g->values[1], dims), -1);
    char buf[64];
    assert_string_equal(lstm__node_label(g, &g->nodes[3], buf, sizeof buf), "node #3 (Relu)");
    assert_int_equal(lstm__graph_opset(g, ""), 17);
    assert_int_equal(lstm__graph_opset(g, "ai.onnx"), 17);
    assert_int_equal(lstm__graph_opset(g, "com.microsoft"), 0);
    lstm__graph_free(g);
    tb_free(m);
}

static void absent_optional_inputs_and_outputs(void **state)
{
    (void)state;
    tb_model *m = tb_new(8, 14);
    tb_input(m, "X", F32, 3, D3(2, 1, 3), NULL);
    tb_input(m, "W", F32, 3, D3(1, 4, 3), NULL);
    tb_input(m, "R", F32, 3, D3(1, 4, 4), NULL);
    tb_input(m, "h0", F32, 3, D3(1, 1, 4), NULL);
    tb_node(m, "RNN", "rnn", "X,W,R,,,h0", ",Y_h");
    tb_output(m, "Y_h", F32, -1, NULL, NULL);
    lstm__graph *g;
    lstm__diag d;
    assert_int_equal(tu_import(m, NULL, &g, &d), LSTM_OK);
    const lstm__node *n = &g->nodes[0];
    assert_int_equal(n->n_in, 6);
    assert_int_equal(n->in[3], -1);
    assert_null(lstm__node_input(g, n, 3));
    assert_null(lstm__node_input(g, n, 4));
    assert_string_equal(lstm__node_input(g, n, 5)->name, "h0");
    assert_null(lstm__node_input(g, n, 6));
    assert_false(lstm__node_has_output(n, 0));
    assert_true(lstm__node_has_output(n, 1));
    assert_false(lstm__node_has_output(n, 2));
    lstm__graph_free(g);
    tb_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(many_values_lookup),
        cmocka_unit_test(absent_optional_inputs_and_outputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
