/* test_model.c — the public lstm_model handle. */
#include "test_util.h"

#include <stdlib.h>

static void open_close(void **state)
{
    (void)state;
    lstm_model *m = (lstm_model *)1;
    assert_int_equal(lstm_model_open("/nonexistent/model.onnx", NULL, &m), LSTM_EIO);
    assert_non_null(m);
    assert_non_null(strstr(lstm_model_errmsg(m), "cannot open '/nonexistent/model.onnx'"));
    lstm_model_close(m);
    lstm_model_close(NULL);
    assert_non_null(lstm_model_errmsg(NULL));
    assert_int_equal(lstm_model_open(NULL, NULL, &m), LSTM_EINVAL);
    assert_null(m);
    assert_int_equal(lstm_model_open("x", NULL, NULL), LSTM_EINVAL);
    assert_int_equal(lstm_model_open("/", NULL, &m), LSTM_EIO);
    assert_non_null(strstr(lstm_model_errmsg(m), "is not a regular file"));
    lstm_model_close(m);

    tb_model *b = tb_new(8, 14);
    tb_input(b, "X", F32, 1, D1(3), NULL);
    tb_node(b, "Relu", "r", "X", "Y");
    tb_output(b, "Y", F32, 1, D1(3), NULL);
    size_t len;
    const uint8_t *buf = tb_pack(b, &len);
    assert_int_equal(lstm_model_open_buffer(buf, len, NULL, &m), LSTM_OK);
    assert_string_equal(lstm_model_errmsg(m), "");
    lstm_model_close(m);
    assert_int_equal(lstm_model_open_buffer(buf, len - 3, NULL, &m), LSTM_EPROTO);
    assert_non_null(strstr(lstm_model_errmsg(m), "malformed protobuf"));
    lstm_model_close(m);
    assert_int_equal(lstm_model_open_buffer(NULL, 5, NULL, &m), LSTM_EINVAL);
    lstm_model_close(m);
    tb_free(b);
}

/* Every allocation of a load fails in turn: an error, never a crash or a leak (ASan). */
static int fail_at = -1, count = 0;
static void *flaky_alloc(void *ud, size_t n)
{
    (void)ud;
    if (count++ == fail_at) return NULL;
    return malloc(n);
}
static void plain_free(void *ud, void *p)
{
    (void)ud;
    free(p);
}

static void allocation_failures(void **state)
{
    (void)state;
    tb_model *b = tb_new(8, 14);
    tb_input(b, "X", F32, 3, D3(2, 1, 3), NULL);
    tb_init_f32(b, "W", 3, D3(1, 4, 3), NULL);
    tb_init_f32(b, "R", 3, D3(1, 4, 4), NULL);
    Onnx__NodeProto *n = tb_node(b, "RNN", "r", "X,W,R", "Y");
    tb_attr_i(b, n, "hidden_size", 4);
    tb_attr_strings(b, n, "activations", "Relu");
    tb_output(b, "Y", F32, -1, NULL, NULL);
    size_t len;
    const uint8_t *buf = tb_pack(b, &len);
    lstm_options opt = {.size = sizeof(lstm_options), .alloc = flaky_alloc, .free = plain_free};
    fail_at = -1;
    count = 0;
    lstm_model *m;
    assert_int_equal(lstm_model_open_buffer(buf, len, &opt, &m), LSTM_OK);
    lstm_model_close(m);
    int total = count;
    assert_true(total > 5);
    for (int k = 0; k < total; k++) {
        fail_at = k;
        count = 0;
        int rc = lstm_model_open_buffer(buf, len, &opt, &m);
        assert_int_equal(rc, LSTM_ENOMEM);
        lstm_model_close(m);
    }
    fail_at = -1;
    tb_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(open_close),
        cmocka_unit_test(allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
