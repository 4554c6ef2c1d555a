/* test_options.c — lstm_options' size field: the sizes the library knows are read, every other
** one (unset, from a newer lstm.h, garbage, the 0.1.0 layout) is refused with LSTM_EINVAL, a
** message and a handle, without reading anything else from the struct. */
#include "test_util.h"

#include "../api/options.h"

#include <stddef.h>
#include <stdlib.h>

static int logged;
static void log_cb(void *ud, int level, const char *msg)
{
    (void)level;
    (void)msg;
    (*(int *)ud)++;
    logged++;
}

static const uint8_t *relu_model(size_t *len)
{
    static tb_model *b;
    if (!b) {
        b = tb_new(8, 14);
        tb_input(b, "X", F32, 1, D1(3), NULL);
        tb_node(b, "Relu", "r", "X", "Y");
        tb_output(b, "Y", F32, 1, D1(3), NULL);
    }
    return tb_pack(b, len);
}

/* Open the Relu model with opt; expect `code` and, on refusal, `needle` in the message. */
static void open_with(const lstm_options *opt, int code, const char *needle)
{
    size_t len;
    const uint8_t *buf = relu_model(&len);
    lstm_model *m = NULL;
    int rc = lstm_model_open_buffer(buf, len, opt, &m);
    if (rc != code || (needle && !strstr(lstm_model_errmsg(m), needle)))
        print_error("got %d '%s', expected %d with '%s'\n", rc, lstm_model_errmsg(m), code,
                    needle ? needle : "");
    assert_int_equal(rc, code);
    assert_non_null(m); /* a handle that explains, even for refused options */
    assert_int_equal(lstm_model_status(m), code);
    if (needle) assert_non_null(strstr(lstm_model_errmsg(m), needle));
    lstm_model_close(m);
}

static void init_and_null(void **state)
{
    (void)state;
    lstm_options opt;
    memset(&opt, 0xAB, sizeof opt);
    lstm_options_init(&opt);
    assert_int_equal(opt.size, sizeof(lstm_options));
    assert_int_equal(opt.num_threads, 0);
    assert_null(opt.log);
    assert_int_equal(opt.limits.max_file_bytes, 0);
    open_with(NULL, LSTM_OK, NULL);
    open_with(&opt, LSTM_OK, NULL);

    /* The fields are read: the log callback hears the load. */
    int calls = 0;
    opt.log = log_cb;
    opt.log_ud = &calls;
    open_with(&opt, LSTM_OK, NULL);
    assert_true(calls > 0);
    /* And the C initializer form works the same. */
    calls = 0;
    lstm_options c = {.size = sizeof c, .log = log_cb, .log_ud = &calls};
    open_with(&c, LSTM_OK, NULL);
    assert_true(calls > 0);
}

static void refused_sizes(void **state)
{
    (void)state;
    int calls = 0;
    logged = 0;
    /* Unset: the 0.1.0 way of writing options ({0} and fields) would otherwise be misread. */
    lstm_options opt = {.log = log_cb, .log_ud = &calls, .num_threads = 2};
    open_with(&opt, LSTM_EINVAL, "lstm_options.size is 0: set it to sizeof(lstm_options)");
    /* From a newer lstm.h: a larger struct. */
    struct {
        lstm_options o;
        uint64_t added_later[2];
    } future = {.o = {.log = log_cb, .log_ud = &calls}};
    future.o.size = sizeof future;
    open_with(&future.o, LSTM_EINVAL, "larger than this library's");
    open_with(&future.o, LSTM_EINVAL, "built against a newer lstm.h");
    /* Garbage: smaller than any version, or between versions. */
    opt.size = 7;
    open_with(&opt, LSTM_EINVAL, "lstm_options.size is 7 bytes, the size of no lstm_options");
    opt.size = offsetof(lstm_options, keep_weights) + 4; /* between 0.2.0's and 0.3.0's */
    open_with(&opt, LSTM_EINVAL, "the size of no lstm_options this library knows");
    opt.size = (size_t)-1;
    open_with(&opt, LSTM_EINVAL, "larger than this library's");
    /* A program built against 0.1.0 (limits first, no size): its max_file_bytes lands in
    ** size and is refused, not taken as a layout. */
    struct {
        lstm_limits limits;
        void *rest[10];
    } v010 = {.limits = {.max_file_bytes = 1 << 20}};
    open_with((const lstm_options *)(const void *)&v010, LSTM_EINVAL, "lstm_options.size is");
    /* Nothing of a refused struct was used: its log callback never ran. */
    assert_int_equal(calls, 0);
    assert_int_equal(logged, 0);
}

/* The check itself: a refused struct leaves defaults; a known one is copied whole. */
static void check_copies(void **state)
{
    (void)state;
    lstm_options in, out;
    lstm__diag d;
    lstm_options_init(&in);
    in.num_threads = 3;
    in.no_external_data = 1;
    lstm__diag_clear(&d);
    assert_int_equal(lstm__options_check(&in, &out, &d), LSTM_OK);
    assert_int_equal(out.size, sizeof out);
    assert_int_equal(out.num_threads, 3);
    assert_int_equal(out.no_external_data, 1);
    in.size = 1;
    assert_int_equal(lstm__options_check(&in, &out, &d), LSTM_EINVAL);
    assert_int_equal(out.num_threads, 0);
    assert_int_equal(out.size, sizeof out);
    /* 0.2.0's struct ended before keep_weights: what follows it in memory is not read. */
    in.size = offsetof(lstm_options, keep_weights);
    in.keep_weights = 1;
    lstm__diag_clear(&d);
    assert_int_equal(lstm__options_check(&in, &out, &d), LSTM_OK);
    assert_int_equal(out.num_threads, 3);
    assert_int_equal(out.keep_weights, 0);
    assert_int_equal(out.size, sizeof out);
    lstm__diag_clear(&d);
    assert_int_equal(lstm__options_check(NULL, &out, &d), LSTM_OK);
    assert_int_equal(out.size, sizeof out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(init_and_null),
        cmocka_unit_test(refused_sizes),
        cmocka_unit_test(check_copies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
