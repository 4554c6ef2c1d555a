/* test_registry.c — one row per (domain, op_type, since); highest since <= opset wins. */
#include "test_util.h"
#include "ops/registry.h"

static void resolution(void **state)
{
    (void)state;
    static const struct {
        int64_t opset;
        int since;
    } cases[] = {{7, 7}, {13, 7}, {14, 14}, {21, 14}, {22, 22}, {30, 22}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lstm__diag d;
        lstm__diag_clear(&d);
        const lstm__op *op = lstm__registry_find("", "LSTM", cases[i].opset, &d);
        assert_non_null(op);
        assert_int_equal(op->since, cases[i].since);
        op = lstm__registry_find("ai.onnx", "GRU", cases[i].opset, &d);
        assert_non_null(op);
        assert_int_equal(op->since, cases[i].since);
    }
    lstm__diag d;
    lstm__diag_clear(&d);
    assert_null(lstm__registry_find("", "GRU", 6, &d));
    assert_int_equal(d.code, LSTM_EUNSUPPORTED);
    assert_non_null(strstr(d.msg, "GRU at opset 6 uses an operator version before 7"));
    lstm__diag_clear(&d);
    assert_null(lstm__registry_find("com.example", "LSTM", 14, &d));
    assert_non_null(strstr(d.msg, "no implementation of com.example.LSTM"));
    lstm__diag_clear(&d);
    assert_null(lstm__registry_find("", "Frobnicate", 14, &d));
    assert_non_null(strstr(d.msg, "no implementation of Frobnicate"));
}

static void table_is_sorted_and_unique(void **state)
{
    (void)state;
    for (int i = 1; i < lstm__registry_count(); i++) {
        const lstm__op *a = lstm__registry_row(i - 1), *b = lstm__registry_row(i);
        int c = strcmp(a->domain, b->domain);
        if (!c) c = strcmp(a->op_type, b->op_type);
        if (!c) c = a->since - b->since;
        if (c >= 0)
            print_error("rows %d and %d: %s-%d, %s-%d\n", i - 1, i, a->op_type, a->since,
                        b->op_type, b->since);
        assert_true(c < 0);
    }
    assert_null(lstm__registry_row(-1));
    assert_null(lstm__registry_row(lstm__registry_count()));
}

/* Nodes get a verdict: the reason they cannot run, or NULL. */
static void verdicts(void **state)
{
    (void)state;
    tb_model *m = tb_new(8, 6);
    tb_input(m, "X", F32, 3, D3(2, 1, 3), NULL);
    tb_input(m, "W", F32, 3, D3(1, 4, 3), NULL);
    tb_input(m, "R", F32, 3, D3(1, 4, 4), NULL);
    tb_node(m, "RNN", "old", "X,W,R", "Y");
    tb_node(m, "Frobnicate", "f", "Y", "Z");
    tb_output(m, "Z", F32, -1, NULL, NULL);
    lstm__graph *g;
    lstm__diag d;
    assert_int_equal(tu_import(m, NULL, &g, &d), LSTM_OK);
    assert_null(g->nodes[0].op);
    assert_non_null(strstr(g->nodes[0].support, "RNN at opset 6"));
    assert_non_null(strstr(g->nodes[1].support, "no implementation of Frobnicate"));
    lstm__graph_free(g);
    tb_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(resolution),
        cmocka_unit_test(table_is_sorted_and_unique),
        cmocka_unit_test(verdicts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
