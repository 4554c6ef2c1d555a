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
        if (m && !lstm_model_errmsg(m)[0])
            print_error("allocation %d of %d: no message\n", k, total);
        assert_true(!m || lstm_model_errmsg(m)[0]); /* a handle says what failed */
        lstm_model_close(m);
    }
    fail_at = -1;
    tb_free(b);
}

/* Live bytes of a model: an allocator that counts what is held. */
static size_t live;
static void *counting_alloc(void *ud, size_t n)
{
    (void)ud;
    size_t *p = malloc(n + 16);
    if (!p) return NULL;
    *p = n;
    live += n;
    return (char *)p + 16;
}
static void counting_free(void *ud, void *q)
{
    (void)ud;
    if (!q) return;
    size_t *p = (size_t *)(void *)((char *)q - 16);
    live -= *p;
    free(p);
}

static void append(void *ud, const char *data, size_t len)
{
    char *b = ud;
    size_t have = strlen(b);
    if (have + len < 65536) memcpy(b + have, data, len), b[have + len] = '\0';
}

/* Open `buf` with or without keep_weights; its live bytes, Z after one run, the explanation. */
static size_t open_counted(const uint8_t *buf, size_t len, int keep, const float *x, float *z,
                           size_t zn, char *explain)
{
    lstm_options opt;
    lstm_options_init(&opt);
    opt.alloc = counting_alloc;
    opt.free = counting_free;
    opt.keep_weights = keep;
    live = 0;
    lstm_model *m;
    assert_int_equal(lstm_model_open_buffer(buf, len, &opt, &m), LSTM_OK);
    size_t held = live;
    explain[0] = '\0';
    assert_int_equal(lstm_model_explain(m, NULL, append, explain), LSTM_OK);
    lstm_session *s;
    assert_int_equal(lstm_session_open(m, &s), LSTM_OK);
    assert_int_equal(lstm_session_set_input(s, "X", LSTM_DT_FLOAT, 3, D3(3, 2, 128), x,
                                            3 * 2 * 128 * sizeof(float)),
                     LSTM_OK);
    assert_int_equal(lstm_session_run(s), LSTM_OK);
    assert_int_equal(lstm_session_output_copy(s, "Z", z, zn * sizeof(float)), LSTM_OK);
    lstm_session_close(s);
    lstm_model_close(m);
    assert_int_equal(live, 0);
    return held;
}

/* Weights only packed forms read are held once: W and R of the LSTM and MatMul's B are freed
** once packed (S also feeds a node folded at load); Q, a graph output too, is kept. Results
** are the same bit for bit, and the explanation says what was freed. */
static void weights_freed_once_packed(void **state)
{
    (void)state;
    tb_model *b = tb_new(8, 14);
    const int H = 128, N = 256;
    float *w = malloc(sizeof(float) * 4 * 128 * 128), *m2 = malloc(sizeof(float) * 128 * 256);
    uint32_t seed = 12345;
    for (int i = 0; i < 4 * H * H; i++)
        w[i] = (float)((seed = seed * 1664525u + 1013904223u) >> 8) / 16777216.0f - 0.5f;
    for (int i = 0; i < H * N; i++)
        m2[i] = (float)((seed = seed * 1664525u + 1013904223u) >> 8) / 16777216.0f - 0.5f;
    tb_input(b, "X", F32, 3, D3(3, 2, 128), NULL);
    tb_init_f32(b, "W", 3, D3(1, 4 * H, 128), w);
    tb_init_f32(b, "R", 3, D3(1, 4 * H, H), w);
    tb_init_f32(b, "M", 2, D2(H, N), m2);
    tb_init_f32(b, "S", 2, D2(H, N), m2);
    tb_init_f32(b, "Q", 2, D2(H, N), m2);
    Onnx__NodeProto *n = tb_node(b, "LSTM", "lstm", "X,W,R", "Y");
    tb_attr_i(b, n, "hidden_size", H);
    tb_node(b, "MatMul", "mm", "Y,M", "Z0");
    tb_node(b, "MatMul", "mm_s", "Y,S", "Z1");
    tb_node(b, "MatMul", "mm_q", "Y,Q", "Z2");
    tb_node(b, "Sum", "add", "Z0,Z1,Z2", "Z");
    tb_node(b, "Add", "add_s", "S,S", "S2"); /* folded at load: S is read there, then freed */
    tb_output(b, "Z", F32, -1, NULL, NULL);
    tb_output(b, "S2", F32, -1, NULL, NULL);
    tb_output(b, "Q", F32, -1, NULL, NULL); /* Q is an output too: it stays */
    size_t len;
    const uint8_t *buf = tb_pack(b, &len);
    float x[3 * 2 * 128], z[2][3 * 2 * 256];
    for (int i = 0; i < 3 * 2 * 128; i++)
        x[i] = (float)((seed = seed * 1664525u + 1013904223u) >> 8) / 16777216.0f - 0.5f;
    char *ex[2] = {malloc(65536), malloc(65536)};
    size_t kept = open_counted(buf, len, 1, x, z[0], 3 * 2 * 256, ex[0]);
    size_t freed = open_counted(buf, len, 0, x, z[1], 3 * 2 * 256, ex[1]);
    const size_t wrm = (size_t)(4 * H * 128 + 4 * H * H + 2 * H * N) * sizeof(float);
    print_message("  held with keep_weights %zu bytes, without %zu (W, R, M and S: %zu)\n", kept,
                  freed, wrm);
    assert_true(kept - freed >= wrm && kept - freed <= wrm + 4 * 4096);
    assert_memory_equal(z[0], z[1], sizeof z[0]);
    assert_null(strstr(ex[0], "freed once packed"));
    assert_non_null(strstr(ex[1], "(freed once packed)"));
    assert_non_null(strstr(ex[1], "lstm_options.keep_weights keeps them"));
    free(ex[0]);
    free(ex[1]);
    free(w);
    free(m2);
    tb_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(open_close),
        cmocka_unit_test(allocation_failures),
        cmocka_unit_test(weights_freed_once_packed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
