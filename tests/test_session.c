/* test_session.c — sessions: binding checks, planning once per input shape, no allocation in a
** steady-state run, known-value evaluation (Shape -> Expand chains), API misuse. */
#include "plan.h"
#include "session.h"
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int allocs;
static void *count_alloc(void *ud, size_t n)
{
    (void)ud;
    allocs++;
    return malloc(n);
}
static void count_free(void *ud, void *p)
{
    (void)ud;
    free(p);
}

/* X[T,B,3] -> RNN with h0 = Expand(zeros[1,1,4], Concat([1], Unsqueeze(Shape(X)[1]), [4])), as
** PyTorch exports a zero initial state for a dynamic batch: evaluated while planning. */
static const float w[12] = {0.1f, 0.2f,  0.3f, -0.1f, 0.5f, 0.1f,
                            0.2f, -0.3f, 0.4f, 0.0f,  0.1f, 0.2f};
/* R: not zero, so that outputs depend on the state a chunk starts from (streaming tests). */
static const float r[16] = {0.3f,  -0.2f, 0.1f, 0.4f,  0.0f, 0.5f,  -0.1f, 0.2f,
                            -0.3f, 0.1f,  0.2f, -0.4f, 0.1f, -0.2f, 0.3f,  0.1f};

static void add_i64(tb_model *m, const char *name, int rank, int64_t v)
{
    Onnx__TensorProto *t = tb_tensor(m, name, I64, rank, D1(1));
    tb_tensor_raw(m, t, &v, 8);
    tb_add_initializer(m, t);
}

static tb_model *expand_model(void)
{
    tb_model *m = tb_new(8, 14);
    tb_input(m, "X", F32, 3, D3(-1, -1, 3), "T")->type->tensor_type->shape->dim[1]->dim_param = "B";
    tb_init_f32(m, "W", 3, D3(1, 4, 3), w);
    tb_init_f32(m, "R", 3, D3(1, 4, 4), r);
    tb_init_f32(m, "zero", 3, D3(1, 1, 4), NULL);
    add_i64(m, "index1", 0, 1);
    add_i64(m, "axis0", 1, 0);
    add_i64(m, "one", 1, 1);
    add_i64(m, "four", 1, 4);
    tb_node(m, "Shape", "shape", "X", "xs");
    tb_attr_i(m, tb_node(m, "Gather", "batch", "xs,index1", "b"), "axis", 0);
    tb_node(m, "Unsqueeze", "unsq", "b,axis0", "b1");
    tb_attr_i(m, tb_node(m, "Concat", "cat", "one,b1,four", "hshape"), "axis", 0);
    tb_node(m, "Expand", "h0", "zero,hshape", "h0");
    tb_attr_i(m, tb_node(m, "RNN", "rnn", "X,W,R,,,h0", "Y"), "hidden_size", 4);
    tb_output(m, "Y", F32, -1, NULL, NULL);
    return m;
}

/* expand_model opened with the counting allocator, and a session on it. */
static tb_model *open_counted(lstm_model **m, lstm_session **s)
{
    tb_model *b = expand_model();
    size_t len;
    const uint8_t *buf = tb_pack(b, &len);
    lstm_options opt = {.size = sizeof(lstm_options), .alloc = count_alloc, .free = count_free};
    assert_int_equal(lstm_model_open_buffer(buf, len, &opt, m), LSTM_OK);
    assert_int_equal(lstm_session_open(*m, s), LSTM_OK);
    return b;
}

static void plan_once_no_alloc_in_run(void **state)
{
    (void)state;
    lstm_model *m;
    lstm_session *s;
    tb_model *b = open_counted(&m, &s);
    float x[5 * 2 * 3];
    for (int i = 0; i < 30; i++) x[i] = (float)i * 0.1f - 1.0f;
    assert_int_equal(lstm_session_set_input(s, "X", LSTM_DT_FLOAT, 3, D3(5, 2, 3), x, sizeof x),
                     LSTM_OK);
    int rc = lstm_session_run(s);
    if (rc) print_error("%s\n", lstm_session_errmsg(s));
    assert_int_equal(rc, LSTM_OK);
    lstm_view v;
    assert_int_equal(lstm_session_output(s, "Y", &v), LSTM_OK);
    assert_int_equal(v.rank, 4);
    assert_int_equal(v.dims[0], 5);
    assert_int_equal(v.dims[2], 2);
    float first[40];
    memcpy(first, v.data, sizeof first);
    /* Same shapes: no allocation at all, same numbers. */
    allocs = 0;
    for (int r = 0; r < 3; r++) {
        assert_int_equal(lstm_session_set_input(s, "X", LSTM_DT_FLOAT, 3, D3(5, 2, 3), x, sizeof x),
                         LSTM_OK);
        assert_int_equal(lstm_session_run(s), LSTM_OK);
    }
    assert_int_equal(allocs, 0);
    assert_int_equal(lstm_session_output(s, "Y", &v), LSTM_OK);
    assert_memory_equal(v.data, first, sizeof first);
    /* A new batch size re-plans; the Expand follows the batch. */
    assert_int_equal(lstm_session_set_input(s, "X", LSTM_DT_FLOAT, 3, D3(2, 5, 3), x, sizeof x),
                     LSTM_OK);
    assert_int_equal(lstm_session_run(s), LSTM_OK);
    assert_true(allocs > 0);
    assert_int_equal(lstm_session_output(s, "Y", &v), LSTM_OK);
    assert_int_equal(v.dims[2], 5);
    lstm_session_close(s);
    lstm_model_close(m);
    tb_free(b);
}

/* Input k of test_data_set_0 of a reference case, read as the model declares it. */
static void bind_case_input(lstm_model *m, lstm_session *s, const char *dir, int k, lstm_value *v)
{
    char path[4200];
    snprintf(path, sizeof path, "%.4000s/test_data_set_0/input_%d.pb", dir, k);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static unsigned char buf[1 << 16];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    lstm_value_info vi;
    assert_int_equal(lstm_model_input_info(m, k, &vi), LSTM_OK);
    int proto = vi.kind == LSTM_VALUE_SEQUENCE ? LSTM_PB_SEQUENCE : LSTM_PB_TENSOR;
    assert_int_equal(lstm_value_read_pb(buf, len, proto, v, NULL, 0), LSTM_OK);
    assert_int_equal(v->kind, LSTM_VALUE_TENSOR);
    const lstm_tensor *t = &v->tensor;
    assert_int_equal(
        lstm_session_set_input(s, vi.name, t->dtype, t->rank, t->dims, t->data, t->nbytes),
        LSTM_OK);
}

/* Control flow (If with LSTMs, Scan, a scripted Loop building a sequence): after the first
** run, runs with the same shapes allocate nothing and give the same outputs. */
static void control_flow_no_alloc(void **state)
{
    (void)state;
    static const char *const cases[] = {"if_lstm_outer", "scan_lstm_cell_fwd", "scan_lstm_cell_rev",
                                        "scripted_loop", "loop_greedy_decoder"};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char dir[4096], path[4200];
        snprintf(dir, sizeof dir, "%s/control/%s", TESTS_DATA_DIR, cases[c]);
        snprintf(path, sizeof path, "%s/model.onnx", dir);
        lstm_options opt = {.size = sizeof(lstm_options), .alloc = count_alloc, .free = count_free};
        lstm_model *m;
        lstm_session *s;
        assert_int_equal(lstm_model_open(path, &opt, &m), LSTM_OK);
        if (lstm_session_open(m, &s) != LSTM_OK) {
            /* ArgMax arrives with the operators of the real-world models. */
            print_message("skipping %s: %s\n", cases[c], lstm_session_errmsg(s));
            lstm_session_close(s);
            lstm_model_close(m);
            continue;
        }
        int n_in = lstm_model_input_count(m);
        lstm_value vals[8];
        for (int k = 0; k < n_in; k++) bind_case_input(m, s, dir, k, &vals[k]);
        int rc = lstm_session_run(s);
        if (rc) print_error("%s: %s\n", cases[c], lstm_session_errmsg(s));
        assert_int_equal(rc, LSTM_OK);
        lstm_value_info oi;
        assert_int_equal(lstm_model_output_info(m, 0, &oi), LSTM_OK);
        lstm_view v;
        assert_int_equal(lstm_session_output(s, oi.name, &v), LSTM_OK);
        static unsigned char first[1 << 14];
        assert_true(v.nbytes <= sizeof first);
        memcpy(first, v.data, v.nbytes);
        size_t nbytes = v.nbytes;
        allocs = 0;
        for (int r = 0; r < 3; r++) assert_int_equal(lstm_session_run(s), LSTM_OK);
        if (allocs)
            print_error("%s: %d allocations in runs with the same shapes\n", cases[c], allocs);
        assert_int_equal(allocs, 0);
        assert_int_equal(lstm_session_output(s, oi.name, &v), LSTM_OK);
        assert_int_equal(v.nbytes, nbytes);
        assert_memory_equal(v.data, first, nbytes);
        for (int k = 0; k < n_in; k++) lstm_value_clear(&vals[k]);
        lstm_session_close(s);
        lstm_model_close(m);
    }
}

/* A Loop whose carried value doubles at every iteration (v = Concat(v, v),
** tests/data/cli/loop_grow.onnx) replans its body at each one; runs of the same trip count after
** the first keep the body's arena and planning memory, so they allocate nothing. */
static void loop_growing_no_alloc(void **state)
{
    (void)state;
    lstm_options opt = {.size = sizeof(lstm_options), .alloc = count_alloc, .free = count_free};
    lstm_model *m;
    lstm_session *s;
    assert_int_equal(lstm_model_open(TESTS_DATA_DIR "/cli/loop_grow.onnx", &opt, &m), LSTM_OK);
    assert_int_equal(lstm_session_open(m, &s), LSTM_OK);
    const int64_t trips = 6;
    const float v0[6] = {1, 2, 3, 4, 5, 6};
    assert_int_equal(lstm_session_set_input(s, "M", LSTM_DT_INT64, 0, NULL, &trips, 8), LSTM_OK);
    assert_int_equal(lstm_session_set_input(s, "v0", LSTM_DT_FLOAT, 2, D2(2, 3), v0, sizeof v0),
                     LSTM_OK);
    assert_int_equal(lstm_session_run(s), LSTM_OK);
    allocs = 0;
    for (int r = 0; r < 3; r++) assert_int_equal(lstm_session_run(s), LSTM_OK);
    if (allocs) print_error("%d allocations in three runs with the same shapes\n", allocs);
    assert_int_equal(allocs, 0);
    lstm_view v;
    assert_int_equal(lstm_session_output(s, "vf", &v), LSTM_OK);
    assert_int_equal(v.rank, 2);
    assert_int_equal(v.dims[0], 128);
    for (int i = 0; i < 128 * 3; i++) assert_true(((const float *)v.data)[i] == v0[i % 6]);
    lstm_session_close(s);
    lstm_model_close(m);
}

/* lstm_session_carry: a state-I/O LSTM (x, h0, c0) -> (y, hn, cn) fed in chunks with hn -> h0
** and cn -> c0 gives the outputs of one run; the caller's binding overrides the carried value;
** reset_state goes back to the caller's binding; steady chunks allocate nothing. */
static void explicit_state_carry(void **state)
{
    (void)state;
    enum { T = 12, B = 2, I = 4, H = 6, K = 3 };
    static float x[T * B * I], zeros[2 * B * H], y_full[T * B * H];
    for (int i = 0; i < T * B * I; i++) x[i] = (float)((i * 37) % 17) / 8.0f - 1.0f;
    lstm_options opt = {.size = sizeof(lstm_options), .alloc = count_alloc, .free = count_free};
    lstm_model *m;
    lstm_session *s;
    assert_int_equal(lstm_model_open(TESTS_DATA_DIR "/cli/state_io.onnx", &opt, &m), LSTM_OK);
    assert_int_equal(lstm_session_open(m, &s), LSTM_OK);
    assert_int_equal(lstm_session_set_input(s, "x", LSTM_DT_FLOAT, 3, D3(T, B, I), x, sizeof x),
                     LSTM_OK);
    assert_int_equal(
        lstm_session_set_input(s, "h0", LSTM_DT_FLOAT, 3, D3(2, B, H), zeros, sizeof zeros),
        LSTM_OK);
    assert_int_equal(
        lstm_session_set_input(s, "c0", LSTM_DT_FLOAT, 3, D3(2, B, H), zeros, sizeof zeros),
        LSTM_OK);
    assert_int_equal(lstm_session_run(s), LSTM_OK);
    assert_int_equal(lstm_session_output_copy(s, "y", y_full, sizeof y_full), LSTM_OK);
    assert_int_equal(lstm_session_carry(s, "hn", "h0"), LSTM_OK);
    assert_int_equal(lstm_session_carry(s, "cn", "c0"), LSTM_OK);
    assert_int_equal(lstm_session_carry(s, "hn", "h0"), LSTM_EINVAL); /* h0 is carried */
    assert_int_equal(lstm_session_carry(s, "nope", "c0"), LSTM_EINVAL);
    assert_non_null(strstr(lstm_session_errmsg(s), "no output 'nope'"));
    for (int pass = 0; pass < 2; pass++) {
        for (int t0 = 0; t0 < T; t0 += K) {
            if (t0 == 2 * K) allocs = 0; /* the state's buffers exist after the first chunks */
            assert_int_equal(lstm_session_set_input(s, "x", LSTM_DT_FLOAT, 3, D3(K, B, I),
                                                    x + t0 * B * I, sizeof(float) * K * B * I),
                             LSTM_OK);
            assert_int_equal(lstm_session_run(s), LSTM_OK);
            lstm_view v;
            assert_int_equal(lstm_session_output(s, "y", &v), LSTM_OK);
            for (int i = 0; i < K * B * H; i++)
                assert_true(fabsf(((const float *)v.data)[i] - y_full[t0 * B * H + i]) < 1e-6f);
        }
        assert_int_equal(allocs, 0);
        /* Start over from the caller's zeros. */
        assert_int_equal(lstm_session_reset_state(s), LSTM_OK);
    }
    /* Binding h0 again overrides the carried value for the next run. */
    assert_int_equal(
        lstm_session_set_input(s, "x", LSTM_DT_FLOAT, 3, D3(K, B, I), x, sizeof(float) * K * B * I),
        LSTM_OK);
    assert_int_equal(lstm_session_run(s), LSTM_OK); /* chunk 0, from zeros */
    assert_int_equal(
        lstm_session_set_input(s, "h0", LSTM_DT_FLOAT, 3, D3(2, B, H), zeros, sizeof zeros),
        LSTM_OK);
    assert_int_equal(lstm_session_run(s), LSTM_OK); /* chunk 0 again: h0 zeros, c0 carried */
    lstm_view v;
    assert_int_equal(lstm_session_output(s, "y", &v), LSTM_OK);
    int differs = 0;
    for (int i = 0; i < K * B * H; i++)
        differs |= fabsf(((const float *)v.data)[i] - y_full[i]) > 1e-6f;
    assert_true(differs);
    lstm_session_close(s);
    lstm_model_close(m);
}

/* Open the model b describes and a session on it (both asserted). */
static void open_built(tb_model *b, lstm_model **m, lstm_session **s)
{
    size_t len;
    const uint8_t *buf = tb_pack(b, &len);
    assert_int_equal(lstm_model_open_buffer(buf, len, NULL, m), LSTM_OK);
    assert_int_equal(lstm_session_open(*m, s), LSTM_OK);
}

/* A value carried from an output is checked against the other inputs' symbolic dimensions,
** not the caller's first binding of that input: past [P] grows by x each run (KV-cache style)
** and pos [P], bound fresh each run, must match the carried length. */
static void carried_input_symbols(void **state)
{
    (void)state;
    tb_model *b = tb_new(8, 14);
    tb_input(b, "past", F32, 1, D1(-1), "P");
    tb_input(b, "pos", F32, 1, D1(-1), "P");
    tb_input(b, "x", F32, 1, D1(-1), "T");
    tb_attr_i(b, tb_node(b, "Concat", "cat", "past,x", "present"), "axis", 0);
    tb_node(b, "Add", "add", "pos,past", "y");
    tb_output(b, "present", F32, -1, NULL, NULL);
    tb_output(b, "y", F32, -1, NULL, NULL);
    lstm_model *m;
    lstm_session *s;
    open_built(b, &m, &s);
    const float past = 1, pos[4] = {100, 200, 300, 400}, x[3] = {3, 4, 5}, x1 = 6;
    assert_int_equal(lstm_session_set_input(s, "past", LSTM_DT_FLOAT, 1, D1(1), &past, 4), LSTM_OK);
    assert_int_equal(lstm_session_set_input(s, "pos", LSTM_DT_FLOAT, 1, D1(1), pos, 4), LSTM_OK);
    assert_int_equal(lstm_session_set_input(s, "x", LSTM_DT_FLOAT, 1, D1(3), x, 12), LSTM_OK);
    assert_int_equal(lstm_session_carry(s, "present", "past"), LSTM_OK);
    assert_int_equal(lstm_session_run(s), LSTM_OK);
    assert_int_equal(lstm_session_set_input(s, "pos", LSTM_DT_FLOAT, 1, D1(4), pos, 16), LSTM_OK);
    assert_int_equal(lstm_session_set_input(s, "x", LSTM_DT_FLOAT, 1, D1(1), &x1, 4), LSTM_OK);
    int rc = lstm_session_run(s);
    if (rc) print_error("%s\n", lstm_session_errmsg(s));
    assert_int_equal(rc, LSTM_OK);
    float y[4];
    assert_int_equal(lstm_session_output_copy(s, "y", y, sizeof y), LSTM_OK);
    for (int i = 0; i < 4; i++) assert_true(y[i] == pos[i] + (i ? (float)(i + 2) : 1));
    /* past is now [5] (carried); pos of 4 no longer matches it. */
    assert_int_equal(lstm_session_run(s), LSTM_EINVAL);
    assert_non_null(strstr(lstm_session_errmsg(s), "dimension 'P' is 4 in input 'pos' but 5 in "
                                                   "input 'past' (carried from output 'present')"));
    /* Back to the caller's past [1]: checked again, not broadcast against pos [4]. */
    assert_int_equal(lstm_session_reset_state(s), LSTM_OK);
    assert_int_equal(lstm_session_run(s), LSTM_EINVAL);
    assert_non_null(
        strstr(lstm_session_errmsg(s), "dimension 'P' is 4 in input 'pos' but 1 in input 'past'"));
    lstm_session_close(s);
    lstm_model_close(m);
    tb_free(b);
}

/* A value carried into an input is held to the input's declared shape, as a binding is. */
static void carried_input_declared_shape(void **state)
{
    (void)state;
    tb_model *b = tb_new(8, 14);
    tb_input(b, "state", F32, 1, D1(2), NULL);
    tb_input(b, "x", F32, 1, D1(-1), "T");
    tb_attr_i(b, tb_node(b, "Concat", "cat", "state,x", "y"), "axis", 0);
    tb_output(b, "y", F32, -1, NULL, NULL);
    lstm_model *m;
    lstm_session *s;
    open_built(b, &m, &s);
    const float st[2] = {1, 2}, x = 3;
    assert_int_equal(lstm_session_set_input(s, "state", LSTM_DT_FLOAT, 1, D1(2), st, 8), LSTM_OK);
    assert_int_equal(lstm_session_set_input(s, "x", LSTM_DT_FLOAT, 1, D1(1), &x, 4), LSTM_OK);
    assert_int_equal(lstm_session_carry(s, "y", "state"), LSTM_OK);
    assert_int_equal(lstm_session_run(s), LSTM_OK);
    /* y [3] would now be state [2]. */
    assert_int_equal(lstm_session_run(s), LSTM_EINVAL);
    assert_non_null(strstr(lstm_session_errmsg(s), "input 'state' (carried from output 'y') has "
                                                   "shape [3], the model expects [2]"));
    assert_int_equal(lstm_session_run(s), LSTM_EINVAL); /* the refused run kept the state */
    assert_non_null(strstr(lstm_session_errmsg(s), "(carried from output 'y') has shape [3]"));
    assert_int_equal(lstm_session_reset_state(s), LSTM_OK);
    assert_int_equal(lstm_session_run(s), LSTM_OK);
    lstm_session_close(s);
    lstm_model_close(m);
    tb_free(b);
}

/* Misuse that returns LSTM_EINVAL says what was wrong (found by a review: empty messages). */
static void misuse_messages(void **state)
{
    (void)state;
    tb_model *b = tb_new(8, 14);
    tb_input(b, "X", F32, 1, D1(-1), "T");
    tb_node(b, "Identity", "id", "X", "Y");
    tb_output(b, "Y", F32, -1, NULL, NULL);
    lstm_model *m;
    lstm_session *s;
    open_built(b, &m, &s);
    float x[2] = {1, 2};
    assert_int_equal(lstm_session_set_input(s, "X", LSTM_DT_FLOAT, 1, D1(-2), x, 8), LSTM_EINVAL);
    assert_non_null(strstr(lstm_session_errmsg(s), "input 'X': dimension 0 is -2"));
    assert_int_equal(lstm_session_set_input(s, "X", LSTM_DT_FLOAT, 1, D1(2), x, 8), LSTM_OK);
    assert_int_equal(lstm_session_run(s), LSTM_OK);
    assert_int_equal(lstm_session_output(s, "Y", NULL), LSTM_EINVAL);
    assert_non_null(strstr(lstm_session_errmsg(s), "output 'Y': out is NULL"));
    assert_int_equal(lstm_session_profile(s, 9, NULL, NULL), LSTM_EINVAL);
    assert_non_null(strstr(lstm_session_errmsg(s), "profile: write is NULL"));
    lstm_session_close(s);
    lstm_model_close(m);
    tb_free(b);
}

static void misuse(void **state)
{
    (void)state;
    tb_model *b = tb_new(8, 14);
    tb_input(b, "X", F32, 3, D3(-1, 2, 3), "T");
    tb_input(b, "Z", F32, 2, D2(-1, 2), "T");
    tb_node(b, "Identity", "id", "X", "Y");
    tb_node(b, "Identity", "id2", "Z", "Y2");
    tb_output(b, "Y", F32, -1, NULL, NULL);
    tb_output(b, "Y2", F32, -1, NULL, NULL);
    size_t len;
    const uint8_t *buf = tb_pack(b, &len);
    lstm_model *m;
    lstm_session *s;
    assert_int_equal(lstm_model_open_buffer(buf, len, NULL, &m), LSTM_OK);
    assert_int_equal(lstm_session_open(NULL, &s), LSTM_EINVAL);
    assert_int_equal(lstm_session_open(m, NULL), LSTM_EINVAL);
    assert_int_equal(lstm_session_open(m, &s), LSTM_OK);
    float x[12] = {0}, z[4] = {0};
    lstm_view v;
    assert_int_equal(lstm_session_output(s, "Y", &v), LSTM_EMISUSE);
    assert_non_null(strstr(lstm_session_errmsg(s), "before a successful run"));
    assert_int_equal(lstm_session_run(s), LSTM_EINVAL);
    assert_non_null(strstr(lstm_session_errmsg(s), "input 'X' is not bound"));
    assert_int_equal(lstm_session_set_input(s, "nope", LSTM_DT_FLOAT, 1, D1(1), x, 4), LSTM_EINVAL);
    assert_non_null(strstr(lstm_session_errmsg(s), "no input named 'nope'"));
    assert_int_equal(lstm_session_set_input(s, "X", LSTM_DT_INT32, 3, D3(2, 2, 3), x, 48),
                     LSTM_EINVAL);
    assert_non_null(
        strstr(lstm_session_errmsg(s), "input 'X' is int32, the model expects float32"));
    assert_int_equal(lstm_session_set_input(s, "X", LSTM_DT_FLOAT, 3, D3(2, 3, 2), x, 48),
                     LSTM_EINVAL);
    assert_non_null(
        strstr(lstm_session_errmsg(s), "input 'X' has shape [2,3,2], the model expects [T,2,3]"));
    assert_int_equal(lstm_session_set_input(s, "X", LSTM_DT_FLOAT, 3, D3(2, 2, 3), x, 40),
                     LSTM_EINVAL);
    assert_non_null(strstr(lstm_session_errmsg(s), "40 bytes given"));
    assert_int_equal(lstm_session_set_input(s, "X", LSTM_DT_FLOAT, 3, D3(2, 2, 3), NULL, 48),
                     LSTM_EINVAL);
    assert_int_equal(lstm_session_set_input(s, "X", LSTM_DT_FLOAT, 3, D3(2, 2, 3), x, 48), LSTM_OK);
    assert_int_equal(lstm_session_set_input(s, "Z", LSTM_DT_FLOAT, 2, D2(1, 2), z, 8), LSTM_OK);
    assert_int_equal(lstm_session_run(s), LSTM_EINVAL);
    assert_non_null(
        strstr(lstm_session_errmsg(s), "dimension 'T' is 1 in input 'Z' but 2 in input 'X'"));
    assert_int_equal(lstm_session_set_input(s, "Z", LSTM_DT_FLOAT, 2, D2(2, 2), z, 16), LSTM_OK);
    assert_int_equal(lstm_session_run(s), LSTM_OK);
    assert_int_equal(lstm_session_output(s, "Y2", &v), LSTM_OK);
    assert_int_equal(lstm_session_output(s, "X", &v), LSTM_EINVAL);
    assert_int_equal(lstm_session_output(s, NULL, &v), LSTM_EINVAL);
    assert_int_equal(lstm_session_run(NULL), LSTM_EINVAL);
    assert_non_null(lstm_session_errmsg(NULL));
    lstm_session_close(s);
    lstm_session_close(NULL);
    lstm_model_close(m);
    tb_free(b);
}

/* The model loads but its session is refused with `code` and msg; frees b. */
static void expect_open_refused(tb_model *b, int code, const char *msg)
{
    size_t len;
    const uint8_t *buf = tb_pack(b, &len);
    lstm_model *m;
    lstm_session *s;
    assert_int_equal(lstm_model_open_buffer(buf, len, NULL, &m), LSTM_OK);
    int rc = lstm_session_open(m, &s);
    if (rc != code || !strstr(lstm_session_errmsg(s), msg))
        print_error("got %d '%s', expected %d with '%s'\n", rc, lstm_session_errmsg(s), code, msg);
    assert_int_equal(rc, code);
    assert_non_null(strstr(lstm_session_errmsg(s), msg));
    lstm_session_close(s);
    lstm_model_close(m);
    tb_free(b);
}

static void expect_open_unsupported(tb_model *b, const char *msg)
{
    expect_open_refused(b, LSTM_EUNSUPPORTED, msg);
}

/* A node the runtime cannot run is refused when the session opens, naming the node. */
static void unsupported_node(void **state)
{
    (void)state;
    tb_model *b = tb_new(8, 14);
    tb_input(b, "X", F32, 1, D1(3), NULL);
    tb_node(b, "Frobnicate", "frob", "X", "Y");
    tb_output(b, "Y", F32, -1, NULL, NULL);
    expect_open_unsupported(b,
                            "node 'frob' (Frobnicate, opset 14): no implementation of Frobnicate");
}

/* Streaming: chunks give one run's outputs; reset; batch changes; reverse refused. */
static void streaming(void **state)
{
    (void)state;
    tb_model *b = expand_model();
    size_t len;
    const uint8_t *buf = tb_pack(b, &len);
    lstm_model *m;
    lstm_session *whole, *s;
    assert_int_equal(lstm_model_open_buffer(buf, len, NULL, &m), LSTM_OK);
    assert_int_equal(lstm_session_open(m, &whole), LSTM_OK);
    assert_int_equal(lstm_session_open(m, &s), LSTM_OK);
    float x[6 * 2 * 3], y[6 * 2 * 4], chunk[6 * 2 * 4];
    for (int i = 0; i < 36; i++) x[i] = (float)((i * 7) % 11) * 0.2f - 1.0f;
    assert_int_equal(lstm_session_set_input(whole, "X", LSTM_DT_FLOAT, 3, D3(6, 2, 3), x, sizeof x),
                     LSTM_OK);
    assert_int_equal(lstm_session_run(whole), LSTM_OK);
    assert_int_equal(lstm_session_output_copy(whole, "Y", y, sizeof y), LSTM_OK);
    assert_int_equal(lstm_session_output_copy(whole, "Y", y, 10), LSTM_EINVAL);
    assert_non_null(
        strstr(lstm_session_errmsg(whole), "output 'Y' needs 192 bytes, the buffer has 10"));
    assert_int_equal(lstm_session_set_streaming(s, 1), LSTM_OK);
    for (int pass = 0; pass < 2; pass++) { /* the second pass after a reset */
        int sizes[3] = {1, 3, 2}, t0 = 0;
        for (int c = 0; c < 3; c++) {
            assert_int_equal(lstm_session_set_input(s, "X", LSTM_DT_FLOAT, 3, D3(sizes[c], 2, 3),
                                                    x + t0 * 6,
                                                    sizeof(float) * (size_t)(sizes[c] * 6)),
                             LSTM_OK);
            assert_int_equal(lstm_session_run(s), LSTM_OK);
            assert_int_equal(
                lstm_session_output_copy(s, "Y", chunk + t0 * 8,
                                         sizeof chunk - sizeof(float) * (size_t)(t0 * 8)),
                LSTM_OK);
            t0 += sizes[c];
        }
        for (int i = 0; i < 48; i++) assert_true(fabsf(chunk[i] - y[i]) <= 1e-6f);
        assert_int_equal(lstm_session_reset_state(s), LSTM_OK);
    }
    /* Another batch size with a carried state is refused until a reset. */
    assert_int_equal(lstm_session_set_input(s, "X", LSTM_DT_FLOAT, 3, D3(1, 2, 3), x, 24), LSTM_OK);
    assert_int_equal(lstm_session_run(s), LSTM_OK);
    assert_int_equal(lstm_session_set_input(s, "X", LSTM_DT_FLOAT, 3, D3(1, 3, 3), x, 36), LSTM_OK);
    assert_int_equal(lstm_session_run(s), LSTM_EINVAL);
    assert_non_null(
        strstr(lstm_session_errmsg(s),
               "node 'rnn' (RNN, opset 14): the streamed state has batch 2, this run has batch 3"));
    assert_int_equal(lstm_session_reset_state(s), LSTM_OK);
    assert_int_equal(lstm_session_run(s), LSTM_OK);
    lstm_session_close(s);
    lstm_session_close(whole);
    lstm_model_close(m);
    /* A reverse node cannot stream. */
    tb_graph(b)->node[5]->n_attribute = 0;
    tb_attr_s(b, tb_graph(b)->node[5], "direction", "reverse");
    tb_attr_i(b, tb_graph(b)->node[5], "hidden_size", 4);
    buf = tb_pack(b, &len);
    assert_int_equal(lstm_model_open_buffer(buf, len, NULL, &m), LSTM_OK);
    assert_int_equal(lstm_session_open(m, &s), LSTM_OK);
    assert_int_equal(lstm_session_set_streaming(s, 1), LSTM_OK);
    assert_int_equal(lstm_session_set_input(s, "X", LSTM_DT_FLOAT, 3, D3(2, 2, 3), x, 48), LSTM_OK);
    assert_int_equal(lstm_session_run(s), LSTM_EUNSUPPORTED);
    assert_non_null(
        strstr(lstm_session_errmsg(s), "node 'rnn' (RNN, opset 14): a reverse node cannot stream"));
    assert_int_equal(lstm_session_set_streaming(s, 0), LSTM_OK);
    assert_int_equal(lstm_session_run(s), LSTM_OK);
    lstm_session_close(s);
    lstm_model_close(m);
    tb_free(b);
}

/* Runs X rows t0 .. t0 + n - 1 (batch 2) with Gather's index scale; Y into y when it succeeds. */
static int run_stream_chunk(lstm_session *s, const float *x, int t0, int n, float scale, float *y)
{
    int rc = lstm_session_set_input(s, "X", LSTM_DT_FLOAT, 3, D3(n, 2, 3), x + t0 * 6,
                                    sizeof(float) * (size_t)(n * 6));
    if (!rc) rc = lstm_session_set_input(s, "scale", LSTM_DT_FLOAT, 1, D1(1), &scale, sizeof scale);
    if (!rc) rc = lstm_session_run(s);
    if (!rc) rc = lstm_session_output_copy(s, "Y", y, sizeof(float) * (size_t)(n * 8));
    return rc;
}

/* A streaming run that fails after the recurrent node ran (Gather's index, computed from Y as
** int(max(Y) * scale), out of range) leaves the streamed state as the last successful run left
** it: the same chunk run again continues the sequence as one whole run does. */
static void streaming_failed_run_keeps_state(void **state)
{
    (void)state;
    /* An RNN whose output depends on its state (expand_model's R is 0). */
    float wr[4 * 3 + 4 * 4];
    for (int i = 0; i < 28; i++) wr[i] = (float)((i * 3) % 5) * 0.25f - 0.5f;
    tb_model *b = tb_new(8, 14);
    tb_input(b, "X", F32, 3, D3(-1, 2, 3), "T");
    tb_init_f32(b, "W", 3, D3(1, 4, 3), wr);
    tb_init_f32(b, "R", 3, D3(1, 4, 4), wr + 12);
    tb_attr_i(b, tb_node(b, "RNN", "rnn", "X,W,R", "Y"), "hidden_size", 4);
    tb_output(b, "Y", F32, -1, NULL, NULL);
    tb_input(b, "scale", F32, 1, D1(1), NULL);
    tb_attr_i(b, tb_node(b, "ReduceMax", "top", "Y", "ym"), "keepdims", 0);
    tb_node(b, "Mul", "times", "ym,scale", "yms");
    tb_attr_i(b, tb_node(b, "Cast", "to_int", "yms", "idx"), "to", LSTM_DT_INT64);
    tb_attr_i(b, tb_node(b, "Gather", "pick", "Y,idx", "G"), "axis", 0);
    tb_output(b, "G", F32, -1, NULL, NULL);
    size_t len;
    const uint8_t *buf = tb_pack(b, &len);
    lstm_model *m;
    lstm_session *whole, *s;
    assert_int_equal(lstm_model_open_buffer(buf, len, NULL, &m), LSTM_OK);
    assert_int_equal(lstm_session_open(m, &whole), LSTM_OK);
    assert_int_equal(lstm_session_open(m, &s), LSTM_OK);
    float x[4 * 2 * 3], y[4 * 2 * 4], part[4 * 2 * 4];
    for (int i = 0; i < 24; i++) x[i] = (float)((i * 5) % 7) * 0.3f - 0.9f;
    assert_int_equal(run_stream_chunk(whole, x, 0, 4, 0.0f, y), LSTM_OK);
    assert_int_equal(lstm_session_set_streaming(s, 1), LSTM_OK);
    assert_int_equal(run_stream_chunk(s, x, 0, 2, 0.0f, part), LSTM_OK);
    int rc = run_stream_chunk(s, x, 2, 2, 1e4f, part + 16); /* Y computed, then Gather fails */
    if (rc != LSTM_EINVAL || !strstr(lstm_session_errmsg(s), "pick"))
        print_error("got %d '%s'\n", rc, lstm_session_errmsg(s));
    assert_int_equal(rc, LSTM_EINVAL);
    assert_non_null(strstr(lstm_session_errmsg(s), "node 'pick' (Gather"));
    assert_int_equal(run_stream_chunk(s, x, 2, 2, 0.0f, part + 16), LSTM_OK);
    for (int i = 0; i < 32; i++) {
        if (fabsf(part[i] - y[i]) > 1e-6f)
            print_error("Y[%d]: %g, whole run %g\n", i, part[i], y[i]);
        assert_true(fabsf(part[i] - y[i]) <= 1e-6f);
    }
    lstm_session_close(s);
    lstm_session_close(whole);
    lstm_model_close(m);
    tb_free(b);
}

static char prof_text[4096];
static void prof_write(void *ud, const char *data, size_t len)
{
    (void)ud;
    size_t n = strlen(prof_text);
    if (n + len < sizeof prof_text) memcpy(prof_text + n, data, len), prof_text[n + len] = 0;
}

/* Per-node profile: counts only while on, only nodes that run at every run (the Shape chain is
** evaluated when planning), no allocation in the timed runs, text and JSON. */
static void profiling(void **state)
{
    (void)state;
    lstm_model *m;
    lstm_session *s;
    tb_model *b = open_counted(&m, &s);
    float x[5 * 2 * 3] = {0.5f};
    assert_int_equal(lstm_session_set_input(s, "X", LSTM_DT_FLOAT, 3, D3(5, 2, 3), x, sizeof x),
                     LSTM_OK);
    assert_int_equal(lstm_session_run(s), LSTM_OK);
    prof_text[0] = 0;
    assert_int_equal(lstm_session_profile(s, LSTM_DESCRIBE_TEXT, prof_write, NULL), LSTM_OK);
    assert_non_null(strstr(prof_text, "profile: 0 runs timed"));
    assert_non_null(strstr(prof_text, "(profiling is off)"));
    assert_int_equal(lstm_session_set_profiling(s, 1), LSTM_OK);
    allocs = 0;
    for (int r = 0; r < 2; r++) assert_int_equal(lstm_session_run(s), LSTM_OK);
    assert_int_equal(allocs, 0);
    assert_int_equal(lstm_session_set_profiling(s, 0), LSTM_OK);
    assert_int_equal(lstm_session_run(s), LSTM_OK); /* not counted */
    prof_text[0] = 0;
    assert_int_equal(lstm_session_profile(s, LSTM_DESCRIBE_TEXT, prof_write, NULL), LSTM_OK);
    assert_non_null(strstr(prof_text, "profile: 2 runs timed"));
    assert_non_null(strstr(prof_text, "node 'rnn' (RNN, opset 14)"));
    assert_null(strstr(prof_text, "'shape'"));
    prof_text[0] = 0;
    assert_int_equal(lstm_session_profile(s, LSTM_DESCRIBE_JSON, prof_write, NULL), LSTM_OK);
    assert_non_null(strstr(prof_text, "{\"runs\": 2, \"ms_per_run\": "));
    assert_non_null(strstr(prof_text, "\"name\": \"rnn\", \"op_type\": \"RNN\""));
    assert_int_equal(lstm_session_profile(s, LSTM_DESCRIBE_DOT, prof_write, NULL), LSTM_EINVAL);
    assert_int_equal(lstm_session_profile(s, LSTM_DESCRIBE_TEXT, NULL, NULL), LSTM_EINVAL);
    assert_int_equal(lstm_session_profile(NULL, LSTM_DESCRIBE_TEXT, prof_write, NULL), LSTM_EINVAL);
    assert_int_equal(lstm_session_set_profiling(NULL, 1), LSTM_EINVAL);
    /* On again: the counts start over. */
    assert_int_equal(lstm_session_set_profiling(s, 1), LSTM_OK);
    prof_text[0] = 0;
    assert_int_equal(lstm_session_profile(s, LSTM_DESCRIBE_TEXT, prof_write, NULL), LSTM_OK);
    assert_non_null(strstr(prof_text, "profile: 0 runs timed"));
    lstm_session_close(s);
    lstm_model_close(m);
    tb_free(b);
}

/* The profile says which MatMul / Gemm products run on the packed simd GEMM: a constant B
** (text marker, JSON "packed"), not transA = 1 (OpenBLAS). */
static void profile_product_path(void **state)
{
    (void)state;
    static const struct {
        const char *dir;
        int packed;
    } cases[] = {{"gemm_v13_binit_c1", 1}, {"matmul_v13_b_init_rows", 1}, {"gemm_v13_binit_ta", 0}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char path[1200];
        snprintf(path, sizeof path, "%s/diff/%s/model.onnx", TESTS_DATA_DIR, cases[c].dir);
        lstm_model *m = NULL;
        lstm_session *s = NULL;
        assert_int_equal(lstm_model_open(path, NULL, &m), LSTM_OK);
        assert_int_equal(lstm_session_open(m, &s), LSTM_OK);
        for (int k = 0; k < lstm_model_input_count(m); k++) {
            lstm_value_info vi;
            assert_int_equal(lstm_model_input_info(m, k, &vi), LSTM_OK);
            static float zeros[70 * 19];
            int64_t n = 1;
            for (int d = 0; d < vi.rank; d++) n *= vi.dims[d];
            assert_true(n <= 70 * 19);
            assert_int_equal(lstm_session_set_input(s, vi.name, LSTM_DT_FLOAT, vi.rank, vi.dims,
                                                    zeros, (size_t)n * sizeof(float)),
                             LSTM_OK);
        }
        assert_int_equal(lstm_session_set_profiling(s, 1), LSTM_OK);
        assert_int_equal(lstm_session_run(s), LSTM_OK);
        prof_text[0] = 0;
        assert_int_equal(lstm_session_profile(s, LSTM_DESCRIBE_TEXT, prof_write, NULL), LSTM_OK);
        const char *mark = strstr(prof_text, "[B packed at load: simd GEMM]");
        assert_int_equal(!mark, !cases[c].packed);
        prof_text[0] = 0;
        assert_int_equal(lstm_session_profile(s, LSTM_DESCRIBE_JSON, prof_write, NULL), LSTM_OK);
        assert_non_null(
            strstr(prof_text, cases[c].packed ? "\"packed\": true" : "\"packed\": false"));
        lstm_session_close(s);
        lstm_model_close(m);
    }
}

static int abort_after, polls;
static int stop_cb(void *ud)
{
    (void)ud;
    return ++polls > abort_after;
}

static void abort_and_log(void **state)
{
    (void)state;
    tb_model *b = expand_model();
    size_t len;
    const uint8_t *buf = tb_pack(b, &len);
    lstm_options opt = {.size = sizeof(lstm_options), .abort = stop_cb};
    lstm_model *m;
    lstm_session *s;
    assert_int_equal(lstm_model_open_buffer(buf, len, &opt, &m), LSTM_OK);
    assert_int_equal(lstm_session_open(m, &s), LSTM_OK);
    float x[30] = {0};
    assert_int_equal(lstm_session_set_input(s, "X", LSTM_DT_FLOAT, 3, D3(5, 2, 3), x, sizeof x),
                     LSTM_OK);
    abort_after = 1000;
    polls = 0;
    assert_int_equal(lstm_session_run(s), LSTM_OK);
    int total = polls;
    assert_true(total >= 6); /* between nodes and at each of the 5 steps */
    abort_after = 3;
    polls = 0;
    assert_int_equal(lstm_session_run(s), LSTM_EABORTED);
    assert_non_null(strstr(lstm_session_errmsg(s), "aborted at time step 2"));
    lstm_session_close(s);
    lstm_model_close(m);
    tb_free(b);
}

static char logged[4096];
static void log_cb(void *ud, int level, const char *msg)
{
    (void)ud;
    size_t n = strlen(logged);
    snprintf(logged + n, sizeof logged - n, "%d:%s\n", level, msg);
}

static void logging(void **state)
{
    (void)state;
    tb_model *b = tb_new(8, 14);
    tb_input(b, "X", F32, 1, D1(3), NULL);
    tb_node(b, "Frobnicate", "frob", "X", "Y");
    tb_output(b, "Y", F32, -1, NULL, NULL);
    size_t len;
    const uint8_t *buf = tb_pack(b, &len);
    lstm_options opt = {.size = sizeof(lstm_options), .log = log_cb};
    lstm_model *m;
    logged[0] = 0;
    assert_int_equal(lstm_model_open_buffer(buf, len, &opt, &m), LSTM_OK);
    assert_non_null(strstr(
        logged, "1:node #0 'frob' (Frobnicate) cannot run: no implementation of Frobnicate"));
    assert_non_null(
        strstr(logged, "2:loaded <memory>: 1 nodes (0 folded at load, 0 fused, 1 unsupported)"));
    lstm_model_close(m);
    logged[0] = 0;
    assert_int_equal(lstm_model_open_buffer(buf, len - 2, &opt, &m), LSTM_EPROTO);
    assert_non_null(strstr(logged, "0:<memory>: malformed protobuf"));
    lstm_model_close(m);
    tb_free(b);
}

/* The k-th allocation of a session's open + plan + first run fails, for every k: an error
** (ENOMEM), no crash, no leak (ASan checks), and the session still closes. */
static int fail_at = -1;
static void *flaky_alloc(void *ud, size_t n)
{
    (void)ud;
    if (allocs++ == fail_at) return NULL;
    return malloc(n);
}

static void run_allocation_failures(void **state)
{
    (void)state;
    tb_model *b = expand_model();
    size_t len;
    const uint8_t *buf = tb_pack(b, &len);
    lstm_options opt = {.size = sizeof(lstm_options), .alloc = flaky_alloc, .free = count_free};
    float x[30] = {0};
    int total = -1;
    for (int k = -1; k < total || total < 0; k++) {
        lstm_model *m = NULL;
        lstm_session *s = NULL;
        fail_at = -1;
        assert_int_equal(lstm_model_open_buffer(buf, len, &opt, &m), LSTM_OK);
        allocs = 0;
        fail_at = k;
        int rc = lstm_session_open(m, &s);
        if (!rc) rc = lstm_session_set_input(s, "X", LSTM_DT_FLOAT, 3, D3(5, 2, 3), x, sizeof x);
        if (!rc) rc = lstm_session_run(s);
        if (k < 0) {
            assert_int_equal(rc, LSTM_OK);
            total = allocs;
        } else {
            if (rc != LSTM_ENOMEM) print_error("allocation %d of %d: rc %d\n", k, total, rc);
            assert_int_equal(rc, LSTM_ENOMEM);
        }
        lstm_session_close(s);
        fail_at = -1;
        lstm_model_close(m);
    }
    assert_true(total >= 3); /* session struct, pool chunks, arena */
    tb_free(b);
}

/* The memory a session may plan is limited (robustness.md J). */
static void run_memory_limit(void **state)
{
    (void)state;
    tb_model *b = expand_model();
    size_t len;
    const uint8_t *buf = tb_pack(b, &len);
    lstm_options opt = {.size = sizeof(lstm_options), .limits.max_run_bytes = 4096};
    lstm_model *m;
    lstm_session *s;
    assert_int_equal(lstm_model_open_buffer(buf, len, &opt, &m), LSTM_OK);
    assert_int_equal(lstm_session_open(m, &s), LSTM_OK);
    static float x[100 * 2 * 3];
    assert_int_equal(lstm_session_set_input(s, "X", LSTM_DT_FLOAT, 3, D3(100, 2, 3), x, sizeof x),
                     LSTM_OK);
    assert_int_equal(lstm_session_run(s), LSTM_ELIMIT);
    assert_non_null(strstr(lstm_session_errmsg(s), "the memory plan needs"));
    assert_non_null(strstr(lstm_session_errmsg(s), "the limit is 4096"));
    /* The largest block is the RNN's: its 3200-byte output Y or its scratch (h0 is computed
    ** while planning, outside the arena). */
    assert_non_null(strstr(lstm_session_errmsg(s), "; the largest block is "));
    assert_non_null(strstr(lstm_session_errmsg(s), " of node 'rnn' (RNN, opset 14), "));
    assert_int_equal(lstm_session_set_input(s, "X", LSTM_DT_FLOAT, 3, D3(2, 2, 3), x, 48), LSTM_OK);
    assert_int_equal(lstm_session_run(s), LSTM_OK);
    lstm_session_close(s);
    lstm_model_close(m);
    tb_free(b);
}

/* A subgraph made of the last k nodes added to the main graph, with these inputs and outputs
** (names only). */
static Onnx__GraphProto *take_body(tb_model *b, int k, int n_in, const char *const *ins, int n_out,
                                   const char *const *outs)
{
    Onnx__GraphProto *g = tb_graph(b), *body = tb_alloc(b, sizeof *body);
    onnx__graph_proto__init(body);
    body->name = "body";
    body->n_node = (size_t)k;
    body->node = tb_alloc(b, (size_t)(k + 1) * sizeof *body->node);
    for (int i = 0; i < k; i++) body->node[i] = g->node[g->n_node - (size_t)k + (size_t)i];
    g->n_node -= (size_t)k;
    Onnx__ValueInfoProto **vi = tb_alloc(b, (size_t)(n_in + n_out + 1) * sizeof *vi);
    for (int i = 0; i < n_in + n_out; i++) {
        vi[i] = tb_alloc(b, sizeof *vi[i]);
        onnx__value_info_proto__init(vi[i]);
        vi[i]->name = tb_strdup(b, i < n_in ? ins[i] : outs[i - n_in]);
    }
    body->n_input = (size_t)n_in;
    body->input = vi;
    body->n_output = (size_t)n_out;
    body->output = vi + n_in;
    return body;
}

static void attach(tb_model *b, Onnx__NodeProto *n, const char *name, Onnx__GraphProto *body)
{
    Onnx__AttributeProto *a = tb_attr_i(b, n, name, 0);
    a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPH;
    a->has_i = 0;
    a->g = body;
}

/* An If on input "cond" with branches giving Y (the then branch an Identity of X); when
** `outs` > 1 the else branch gives two outputs. */
static tb_model *if_model(int with_else, int else_outs)
{
    tb_model *b = tb_new(8, 14);
    tb_input(b, "cond", 9, 0, NULL, NULL);
    tb_input(b, "X", F32, 1, D1(2), NULL);
    tb_node(b, "Identity", "then_id", "X", "t_out");
    Onnx__GraphProto *tb_ = take_body(b, 1, 0, NULL, 1, (const char *const[]){"t_out"});
    tb_node(b, "Neg", "else_neg", "X", "e_out");
    tb_node(b, "Neg", "else_neg2", "X", "e_out2");
    Onnx__GraphProto *eb =
        take_body(b, 2, 0, NULL, else_outs, (const char *const[]){"e_out", "e_out2"});
    Onnx__NodeProto *n = tb_node(b, "If", "branch", "cond", "Y");
    attach(b, n, "then_branch", tb_);
    if (with_else) attach(b, n, "else_branch", eb);
    tb_output(b, "Y", F32, 1, D1(2), NULL);
    return b;
}

/* The mode the root plan gave the node called name. */
static int node_mode(const lstm_session *s, const char *name)
{
    const lstm__plan *p = s->root;
    for (int i = 0; i < p->g->n_nodes; i++)
        if (!strcmp(p->g->nodes[i].name, name)) return p->mode[i];
    fail_msg("no node %s", name);
    return -1;
}

/* Buffers sized at run time count against max_run_bytes with the plans, for the whole session
** (robustness.md J): X[1] expanded to shape Abs(S) at the top (Expand "big", late: its shape is
** computed by the run), to shape Abs(T) in If "if"'s then branch (Expand "inner", late too)
** and Neg(Z) in its else branch (node "e", planned: Z has the shape T), and stacked M times by
** Loop "loop" (a scan output of X). A run asking for more is refused naming the node; the
** session stays usable. */
static tb_model *late_limit_model(void)
{
    tb_model *b = tb_new(8, 14);
    tb_input(b, "X", F32, 1, D1(1), NULL);
    tb_input(b, "S", I64, 1, D1(2), NULL);
    tb_input(b, "T", I64, 1, D1(2), NULL);
    tb_input(b, "Z", F32, 2, D2(-1, -1), NULL);
    tb_input(b, "cond", 9, 0, NULL, NULL);
    tb_input(b, "M", I64, 0, NULL, NULL);
    tb_node(b, "Abs", "abs_s", "S", "sa");
    tb_node(b, "Expand", "big", "X,sa", "A");
    tb_node(b, "Abs", "abs_t", "T", "ta");
    tb_node(b, "Expand", "inner", "X,ta", "inner_out");
    Onnx__GraphProto *t = take_body(b, 2, 0, NULL, 1, (const char *const[]){"inner_out"});
    tb_node(b, "Neg", "e", "Z", "e_out");
    Onnx__GraphProto *e = take_body(b, 1, 0, NULL, 1, (const char *const[]){"e_out"});
    Onnx__NodeProto *n = tb_node(b, "If", "if", "cond", "B");
    attach(b, n, "then_branch", t);
    attach(b, n, "else_branch", e);
    tb_node(b, "Identity", "keep", "c_in", "c_out");
    tb_node(b, "Identity", "x", "X", "xs");
    Onnx__GraphProto *body = take_body(b, 2, 2, (const char *const[]){"i", "c_in"}, 2,
                                       (const char *const[]){"c_out", "xs"});
    n = tb_node(b, "Loop", "loop", "M,", "C");
    attach(b, n, "body", body);
    tb_output(b, "A", F32, -1, NULL, NULL);
    tb_output(b, "B", F32, -1, NULL, NULL);
    tb_output(b, "C", F32, -1, NULL, NULL);
    return b;
}

/* One run of late_limit_model: A = 1.5 over S, B = 1.5 over T (Z = -1.5 over T), C = M x [1.5].
** Returns the status; on success checks every output against that. */
static int late_limit_run(lstm_session *s, int64_t s0, int64_t s1, int64_t t0, int64_t t1, int cond,
                          int64_t M)
{
    static const float x = 1.5f;
    const int64_t S[2] = {s0, -s1}, T[2] = {t0, t1}; /* Abs(S) is {s0, s1} */
    const unsigned char c = (unsigned char)cond;
    static float z[1000 * 100];
    for (int64_t i = 0; i < t0 * t1; i++) z[i] = -x;
    assert_int_equal(lstm_session_set_input(s, "X", F32, 1, D1(1), &x, sizeof x), LSTM_OK);
    assert_int_equal(lstm_session_set_input(s, "S", I64, 1, D1(2), S, sizeof S), LSTM_OK);
    assert_int_equal(lstm_session_set_input(s, "T", I64, 1, D1(2), T, sizeof T), LSTM_OK);
    assert_int_equal(lstm_session_set_input(s, "Z", F32, 2, D2(t0, t1), z, (size_t)(t0 * t1) * 4),
                     LSTM_OK);
    assert_int_equal(lstm_session_set_input(s, "cond", 9, 0, NULL, &c, 1), LSTM_OK);
    assert_int_equal(lstm_session_set_input(s, "M", I64, 0, NULL, &M, sizeof M), LSTM_OK);
    int rc = lstm_session_run(s);
    if (rc) return rc;
    const int64_t want[3][2] = {{s0, s1}, {t0, t1}, {M, 1}};
    const char *names[3] = {"A", "B", "C"};
    for (int o = 0; o < 3; o++) {
        lstm_view v;
        assert_int_equal(lstm_session_output(s, names[o], &v), LSTM_OK);
        assert_int_equal(v.rank, 2);
        assert_int_equal(v.dims[0], want[o][0]);
        assert_int_equal(v.dims[1], want[o][1]);
        assert_int_equal(v.nbytes, (size_t)(want[o][0] * want[o][1]) * 4);
        for (size_t i = 0; i < v.nbytes / 4; i++) assert_true(((const float *)v.data)[i] == x);
    }
    return rc;
}

static void expect_late_limit(lstm_session *s, const char *who, const char *what)
{
    const char *msg = lstm_session_errmsg(s);
    if (!strstr(msg, who) || !strstr(msg, what) || !strstr(msg, "the limit is 65536"))
        fail_msg("expected '%s' and '%s' in: %s", who, what, msg);
}

static void run_memory_limit_late(void **state)
{
    (void)state;
    tb_model *b = late_limit_model();
    size_t len;
    const uint8_t *buf = tb_pack(b, &len);
    lstm_options opt = {.size = sizeof(lstm_options), .limits.max_run_bytes = 65536};
    lstm_model *m;
    lstm_session *s;
    assert_int_equal(lstm_model_open_buffer(buf, len, &opt, &m), LSTM_OK);
    assert_int_equal(lstm_session_open(m, &s), LSTM_OK);
    assert_int_equal(late_limit_run(s, 2, 3, 4, 5, 1, 3), LSTM_OK);
    assert_int_equal(node_mode(s, "big"), LSTM__NODE_LATE);
    /* 1000 x 100 floats at the top. */
    for (int r = 0; r < 2; r++) {
        assert_int_equal(late_limit_run(s, 1000, 100, 4, 5, 1, 3), LSTM_ELIMIT);
        expect_late_limit(s, "node 'big' (Expand, opset 14): output 'A' needs 400000 bytes", "");
        assert_int_equal(late_limit_run(s, 2, 3, 4, 5, 1, 3), LSTM_OK);
    }
    /* The same inside the If's branches, their path named: late in then_branch, planned in
    ** else_branch (the memory plan names its largest block). */
    for (int r = 0; r < 2; r++) {
        assert_int_equal(late_limit_run(s, 2, 3, 1000, 100, 1, 3), LSTM_ELIMIT);
        expect_late_limit(s,
                          "node 'if' then_branch: node 'inner' (Expand, opset 14): output "
                          "'inner_out' needs 400000 bytes",
                          "");
        assert_int_equal(late_limit_run(s, 2, 3, 4, 5, 1, 3), LSTM_OK);
        assert_int_equal(late_limit_run(s, 2, 3, 1000, 100, 0, 3), LSTM_ELIMIT);
        expect_late_limit(s, "node 'if' else_branch: the memory plan needs 400000 bytes",
                          "; the largest block is output 'e_out' of node 'e' (Neg, opset 14), "
                          "400000 bytes");
        assert_int_equal(late_limit_run(s, 2, 3, 4, 5, 0, 3), LSTM_OK);
    }
    /* The Loop's scan output grows with its trip count. */
    for (int r = 0; r < 2; r++) {
        assert_int_equal(late_limit_run(s, 2, 3, 4, 5, 1, 100000), LSTM_ELIMIT);
        expect_late_limit(s, "node 'loop' (Loop, opset 14): the buffer of its scan outputs needs ",
                          "");
        int rc = late_limit_run(s, 2, 3, 4, 5, 1, 1000);
        if (rc) print_error("%s\n", lstm_session_errmsg(s));
        assert_int_equal(rc, LSTM_OK);
    }
    /* The limit is the session's: the branch's 20,000-byte output and the If's copy of it stay
    ** held (buffers only grow), so 32,000 bytes more at the top pass it, though each alone
    ** fits. The refusal released the buffers of the run, so the same run then fits. */
    assert_int_equal(late_limit_run(s, 2, 3, 50, 100, 1, 3), LSTM_OK);
    assert_int_equal(late_limit_run(s, 80, 100, 4, 5, 0, 3), LSTM_ELIMIT);
    expect_late_limit(s, "node 'big' (Expand, opset 14): output 'A' needs 32000 bytes",
                      "and the session holds ");
    assert_int_equal(late_limit_run(s, 80, 100, 4, 5, 0, 3), LSTM_OK);
    /* With 32,000 bytes held at the top, the branch's output fits, the If's copy does not. */
    assert_int_equal(late_limit_run(s, 80, 100, 50, 100, 1, 3), LSTM_ELIMIT);
    expect_late_limit(s, "node 'if' (If, opset 14): output 'B' needs 20000 bytes",
                      "and the session holds ");
    lstm_session_close(s);
    lstm_model_close(m);
    tb_free(b);
}

/* An If whose condition is computed while planning chooses its branch then (If "by_rows":
** Relu(X) when X has 2 rows, else Neg(X)), and the nodes after it are planned ahead; the plan
** follows the shapes. An If on a model input (If "by_flag": [X; X] when flag, else X: branches
** of different shapes) or on a value computed by the run (If "by_sum": X when sum(X) > 0, else
** -X) chooses at run time. Runs with the same shapes and flag allocate nothing. */
static void if_planned(void **state)
{
    (void)state;
    tb_model *b = tb_new(8, 14);
    tb_input(b, "X", F32, 2, D2(-1, 3), NULL)->type->tensor_type->shape->dim[0]->dim_param = "N";
    tb_input(b, "flag", 9, 0, NULL, NULL);
    add_i64(b, "zero", 0, 0);
    add_i64(b, "two", 0, 2);
    tb_init_f32(b, "fzero", 0, NULL, NULL);
    tb_node(b, "Shape", "shape", "X", "xs");
    tb_attr_i(b, tb_node(b, "Gather", "rows", "xs,zero", "n"), "axis", 0);
    tb_node(b, "Equal", "is2", "n,two", "c1");
    tb_node(b, "Relu", "t1", "X", "t1_out");
    Onnx__GraphProto *t1 = take_body(b, 1, 0, NULL, 1, (const char *const[]){"t1_out"});
    tb_node(b, "Neg", "e1", "X", "e1_out");
    Onnx__GraphProto *e1 = take_body(b, 1, 0, NULL, 1, (const char *const[]){"e1_out"});
    Onnx__NodeProto *n = tb_node(b, "If", "by_rows", "c1", "y1");
    attach(b, n, "then_branch", t1);
    attach(b, n, "else_branch", e1);
    tb_node(b, "Add", "after", "y1,X", "Z");
    tb_attr_i(b, tb_node(b, "Concat", "t2", "X,X", "t2_out"), "axis", 0);
    Onnx__GraphProto *t2 = take_body(b, 1, 0, NULL, 1, (const char *const[]){"t2_out"});
    tb_node(b, "Identity", "e2", "X", "e2_out");
    Onnx__GraphProto *e2 = take_body(b, 1, 0, NULL, 1, (const char *const[]){"e2_out"});
    n = tb_node(b, "If", "by_flag", "flag", "W");
    attach(b, n, "then_branch", t2);
    attach(b, n, "else_branch", e2);
    tb_attr_i(b, tb_node(b, "ReduceSum", "sum", "X", "sx"), "keepdims", 0);
    tb_node(b, "Greater", "positive", "sx,fzero", "c3");
    tb_node(b, "Identity", "t3", "X", "t3_out");
    Onnx__GraphProto *t3 = take_body(b, 1, 0, NULL, 1, (const char *const[]){"t3_out"});
    tb_node(b, "Neg", "e3", "X", "e3_out");
    Onnx__GraphProto *e3 = take_body(b, 1, 0, NULL, 1, (const char *const[]){"e3_out"});
    n = tb_node(b, "If", "by_sum", "c3", "V");
    attach(b, n, "then_branch", t3);
    attach(b, n, "else_branch", e3);
    tb_output(b, "Z", F32, -1, NULL, NULL);
    tb_output(b, "W", F32, -1, NULL, NULL);
    tb_output(b, "V", F32, -1, NULL, NULL);
    size_t len;
    const uint8_t *buf = tb_pack(b, &len);
    lstm_options opt = {.size = sizeof(lstm_options), .alloc = count_alloc, .free = count_free};
    lstm_model *m;
    lstm_session *s;
    assert_int_equal(lstm_model_open_buffer(buf, len, &opt, &m), LSTM_OK);
    assert_int_equal(lstm_session_open(m, &s), LSTM_OK);
    static const float x[9] = {1, -2, 3, -4, 5, -6, 0.5f, -0.25f, -7};
    static const struct {
        int rows, flag;
    } runs[] = {{2, 1}, {2, 1}, {2, 0}, {2, 0}, {3, 0}, {3, 1}, {2, 1}};
    for (size_t r = 0; r < sizeof runs / sizeof runs[0]; r++) {
        const int N = runs[r].rows;
        const unsigned char flag = (unsigned char)runs[r].flag;
        assert_int_equal(lstm_session_set_input(s, "X", F32, 2, D2(N, 3), x, (size_t)N * 12),
                         LSTM_OK);
        assert_int_equal(lstm_session_set_input(s, "flag", 9, 0, NULL, &flag, 1), LSTM_OK);
        int same = r > 0 && runs[r].rows == runs[r - 1].rows && runs[r].flag == runs[r - 1].flag;
        allocs = 0;
        int rc = lstm_session_run(s);
        if (rc) print_error("run %zu: %s\n", r, lstm_session_errmsg(s));
        assert_int_equal(rc, LSTM_OK);
        if (same) assert_int_equal(allocs, 0);
        assert_int_equal(node_mode(s, "by_rows"), LSTM__NODE_STATIC);
        assert_int_equal(node_mode(s, "after"), LSTM__NODE_STATIC);
        assert_int_equal(node_mode(s, "by_flag"), LSTM__NODE_LATE);
        assert_int_equal(node_mode(s, "by_sum"), LSTM__NODE_LATE);
        lstm_view z, w, v;
        assert_int_equal(lstm_session_output(s, "Z", &z), LSTM_OK);
        assert_int_equal(lstm_session_output(s, "W", &w), LSTM_OK);
        assert_int_equal(lstm_session_output(s, "V", &v), LSTM_OK);
        assert_int_equal(z.dims[0], N);
        assert_int_equal(w.dims[0], flag ? 2 * N : N);
        float sum = 0;
        for (int i = 0; i < 3 * N; i++) sum += x[i];
        for (int i = 0; i < 3 * N; i++) {
            float y1 = N == 2 ? (x[i] < 0 ? 0 : x[i]) : -x[i];
            assert_true(((const float *)z.data)[i] == y1 + x[i]);
            assert_true(((const float *)v.data)[i] == (sum > 0 ? x[i] : -x[i]));
        }
        for (int i = 0; i < 3 * N * (flag ? 2 : 1); i++)
            assert_true(((const float *)w.data)[i] == x[i % (3 * N)]);
    }
    lstm_session_close(s);
    lstm_model_close(m);
    tb_free(b);
}

/* The model is refused when it loads, with code and a message that contains msg. */
static void expect_load_refused(tb_model *b, const lstm_options *opt, int code, const char *msg)
{
    size_t len;
    const uint8_t *buf = tb_pack(b, &len);
    lstm_model *m;
    int rc = lstm_model_open_buffer(buf, len, opt, &m);
    if (rc != code || !strstr(lstm_model_errmsg(m), msg))
        print_error("got %d '%s', expected %d with '%s'\n", rc, lstm_model_errmsg(m), code, msg);
    assert_int_equal(rc, code);
    assert_non_null(strstr(lstm_model_errmsg(m), msg));
    lstm_model_close(m);
    tb_free(b);
}

/* Malformed subgraphs are refused with a message naming the path. */
static void malformed_subgraphs(void **state)
{
    (void)state;
    /* A well-formed If runs, taking either branch. */
    tb_model *b = if_model(1, 1);
    size_t len;
    const uint8_t *buf = tb_pack(b, &len);
    lstm_model *m;
    lstm_session *s;
    assert_int_equal(lstm_model_open_buffer(buf, len, NULL, &m), LSTM_OK);
    assert_int_equal(lstm_session_open(m, &s), LSTM_OK);
    float x[2] = {1.5f, -2.0f};
    for (unsigned char c = 0; c < 2; c++) {
        assert_int_equal(lstm_session_set_input(s, "cond", 9, 0, NULL, &c, 1), LSTM_OK);
        assert_int_equal(lstm_session_set_input(s, "X", LSTM_DT_FLOAT, 1, D1(2), x, sizeof x),
                         LSTM_OK);
        assert_int_equal(lstm_session_run(s), LSTM_OK);
        lstm_view v;
        assert_int_equal(lstm_session_output(s, "Y", &v), LSTM_OK);
        assert_true(((const float *)v.data)[0] == (c ? 1.5f : -1.5f));
    }
    lstm_session_close(s);
    lstm_model_close(m);
    tb_free(b);
    /* A missing branch. */
    expect_open_refused(if_model(0, 1), LSTM_EMODEL,
                        "node 'branch' (If, opset 14): attribute 'else_branch' is missing");
    /* Branches with different output counts. */
    expect_open_refused(if_model(1, 2), LSTM_EMODEL, "then_branch has 1 outputs, else_branch 2");
    /* A Loop body with the wrong signature: (cond) -> (cond) for one loop-carried value. */
    b = tb_new(8, 14);
    tb_input(b, "X", F32, 1, D1(2), NULL);
    tb_node(b, "Identity", "pass", "c_in", "c_out");
    Onnx__GraphProto *body =
        take_body(b, 1, 1, (const char *const[]){"c_in"}, 1, (const char *const[]){"c_out"});
    Onnx__NodeProto *n = tb_node(b, "Loop", "loop", ",,X", "Y");
    attach(b, n, "body", body);
    tb_output(b, "Y", F32, 1, D1(2), NULL);
    expect_open_refused(b, LSTM_EMODEL,
                        "node 'loop' (Loop, opset 14): body has 1 inputs and 1 outputs, "
                        "expected 3 and 2");
    /* A loop-carried value without its initial value (fuzz_load: the Loop read through the
    ** absent input's NULL). */
    b = tb_new(8, 16);
    tb_input(b, "X", F32, 1, D1(2), NULL);
    tb_node(b, "Identity", "keep", "c_in", "c_out");
    tb_node(b, "Identity", "pass", "v_in", "v_out");
    body = take_body(b, 2, 3, (const char *const[]){"i", "c_in", "v_in"}, 2,
                     (const char *const[]){"c_out", "v_out"});
    n = tb_node(b, "Loop", "loop", ",,", "Y");
    attach(b, n, "body", body);
    tb_output(b, "Y", F32, 1, D1(2), NULL);
    expect_open_refused(b, LSTM_EMODEL,
                        "node 'loop' (Loop, opset 16): input 2 is empty; every loop-carried value "
                        "needs its initial value");
    /* The same for a Scan's scan input. */
    b = tb_new(8, 16);
    tb_input(b, "S0", F32, 1, D1(2), NULL);
    tb_node(b, "Identity", "keep", "s_in", "s_out");
    tb_node(b, "Identity", "pass", "x_t", "y_t");
    body = take_body(b, 2, 2, (const char *const[]){"s_in", "x_t"}, 2,
                     (const char *const[]){"s_out", "y_t"});
    n = tb_node(b, "Scan", "scan", "S0,", "S,Y");
    attach(b, n, "body", body);
    tb_attr_i(b, n, "num_scan_inputs", 1);
    tb_output(b, "Y", F32, 2, D2(3, 2), NULL);
    expect_open_refused(b, LSTM_EMODEL,
                        "node 'scan' (Scan, opset 16): input 1 is empty; every state and scan "
                        "input must be given");
    /* A name defined nowhere in scope, inside a branch. */
    b = if_model(1, 1);
    tb_graph(b)->node[0]->attribute[0]->g->node[0]->input[0] = "ghost";
    expect_load_refused(b, NULL, LSTM_EMODEL,
                        "node 'branch' then_branch: node 'then_id' (Identity): input 0 'ghost' is "
                        "not a graph input, an initializer or the output of an earlier node of "
                        "this graph or an enclosing one");
    /* Nesting past the limit: If inside If ... 33 deep (the protobuf depth limit raised so
    ** that the graph limit is the one that refuses it). */
    b = tb_new(8, 14);
    tb_input(b, "cond", 9, 0, NULL, NULL);
    tb_node(b, "Identity", "leaf", "cond", "r0");
    Onnx__GraphProto *inner = take_body(b, 1, 0, NULL, 1, (const char *const[]){"r0"});
    for (int d = 1; d <= 33; d++) {
        char out[16], nm[16], leaf[16];
        snprintf(out, sizeof out, "r%d", d);
        snprintf(nm, sizeof nm, "if%d", d);
        snprintf(leaf, sizeof leaf, "e%d", d);
        tb_node(b, "Identity", "else_leaf", "cond", leaf);
        Onnx__GraphProto *eb =
            take_body(b, 1, 0, NULL, 1, (const char *const[]){tb_strdup(b, leaf)});
        n = tb_node(b, "If", nm, "cond", out);
        attach(b, n, "then_branch", inner); /* gives r(d-1) */
        attach(b, n, "else_branch", eb);
        inner = take_body(b, 1, 0, NULL, 1, (const char *const[]){tb_strdup(b, out)});
    }
    Onnx__GraphProto *g = tb_graph(b);
    g->node = inner->node;
    g->n_node = inner->n_node;
    tb_output(b, "r33", 9, 0, NULL, NULL);
    lstm_options deep = {.size = sizeof(lstm_options), .limits.max_depth = 1000};
    expect_load_refused(b, &deep, LSTM_ELIMIT, "subgraphs nest more than 32 deep");
}

static void count_gates(void *ud, const char *node, const char *op_type, const char *gate,
                        const int64_t dims[4], const float *values)
{
    (void)node, (void)op_type, (void)gate, (void)dims, (void)values;
    (*(int *)ud)++;
}

/* Settings that replan (gate tracing, streaming) leave the last run's outputs readable until
** the next run, as the API says (lstm-run --trace printed and wrote none of its outputs). */
static void settings_keep_outputs(void **state)
{
    (void)state;
    enum { T = 2, I = 3, H = 3 };
    float w[4 * H * I], r[4 * H * H], x[T * I], y0[T * H], y[T * H];
    for (int i = 0; i < 4 * H * I; i++) w[i] = 0.05f * (float)(i % 7) - 0.1f;
    for (int i = 0; i < 4 * H * H; i++) r[i] = 0.04f * (float)(i % 5) - 0.08f;
    for (int i = 0; i < T * I; i++) x[i] = 0.3f * (float)i - 0.5f;
    tb_model *b = tb_new(8, 14);
    tb_input(b, "X", F32, 3, D3(T, 1, I), NULL);
    tb_init_f32(b, "W", 3, D3(1, 4 * H, I), w);
    tb_init_f32(b, "R", 3, D3(1, 4 * H, H), r);
    tb_attr_i(b, tb_node(b, "LSTM", "cell", "X,W,R", "Y"), "hidden_size", H);
    tb_output(b, "Y", F32, -1, NULL, NULL);
    lstm_model *m;
    lstm_session *s;
    open_built(b, &m, &s);
    assert_int_equal(lstm_session_set_input(s, "X", LSTM_DT_FLOAT, 3, D3(T, 1, I), x, sizeof x),
                     LSTM_OK);
    assert_int_equal(lstm_session_run(s), LSTM_OK);
    assert_int_equal(lstm_session_output_copy(s, "Y", y0, sizeof y0), LSTM_OK);
    assert_true(y0[0] != 0);
    int gates = 0;
    for (int k = 0; k < 4; k++) {
        if (k == 0) assert_int_equal(lstm_session_set_trace(s, count_gates, &gates), LSTM_OK);
        if (k == 1) assert_int_equal(lstm_session_run(s), LSTM_OK);
        if (k == 2) assert_int_equal(lstm_session_set_trace(s, NULL, NULL), LSTM_OK);
        if (k == 3) assert_int_equal(lstm_session_set_streaming(s, 1), LSTM_OK);
        int rc = lstm_session_output_copy(s, "Y", y, sizeof y);
        if (rc) print_error("step %d: %s\n", k, lstm_session_errmsg(s));
        assert_int_equal(rc, LSTM_OK);
        assert_memory_equal(y, y0, sizeof y); /* the traced run's too (test_rnn trace_exact) */
    }
    assert_int_equal(gates, 6);
    lstm_session_close(s);
    lstm_model_close(m);
    tb_free(b);
}

/* A node that breaks the ONNX spec makes the model invalid: the session refuses it with
** LSTM_EMODEL naming it (once), even after a node this runtime merely lacks. */
static void invalid_node_before_unsupported(void **state)
{
    (void)state;
    tb_model *b = tb_new(8, 14);
    tb_input(b, "X", F32, 3, D3(5, 2, 3), NULL);
    tb_init_f32(b, "W", 3, D3(1, 16, 3), NULL);
    tb_init_f32(b, "R", 3, D3(1, 16, 4), NULL);
    tb_node(b, "StringNormalizer", "det", "X", "C");
    Onnx__NodeProto *n = tb_node(b, "LSTM", "cell", "X,W,R", "Y");
    tb_attr_s(b, n, "direction", "sideways");
    tb_output(b, "Y", F32, -1, NULL, NULL);
    tb_output(b, "C", F32, -1, NULL, NULL);
    size_t len;
    const uint8_t *buf = tb_pack(b, &len);
    lstm_model *m;
    lstm_session *s;
    assert_int_equal(lstm_model_open_buffer(buf, len, NULL, &m), LSTM_OK);
    assert_int_equal(lstm_session_open(m, &s), LSTM_EMODEL);
    const char *msg = lstm_session_errmsg(s);
    if (strncmp(msg, "node 'cell' (LSTM, opset 14): attribute 'direction' is 'sideways'", 64))
        print_error("got '%s'\n", msg);
    assert_int_equal(
        strncmp(msg, "node 'cell' (LSTM, opset 14): attribute 'direction' is 'sideways'", 64), 0);
    lstm_session_close(s);
    lstm_model_close(m);
    /* Without the invalid node, the unsupported one is refused as such. */
    tb_graph(b)->n_node = 1;
    tb_graph(b)->n_output = 1;
    tb_graph(b)->output[0] = tb_graph(b)->output[1];
    buf = tb_pack(b, &len);
    assert_int_equal(lstm_model_open_buffer(buf, len, NULL, &m), LSTM_OK);
    assert_int_equal(lstm_session_open(m, &s), LSTM_EUNSUPPORTED);
    assert_non_null(strstr(lstm_session_errmsg(s), "node 'det' (StringNormalizer, opset 14)"));
    lstm_session_close(s);
    lstm_model_close(m);
    tb_free(b);
}

/* A Loop growing a sequence (tests/data/loop_seq/append, TorchScript's loop over time) copies
** each tensor into the sequence once: n iterations copy (n + 1) items of 24 bytes (x, then one
** step each), not the whole sequence at every iteration (before: 974,448 bytes for n = 200). A
** second run of the same length allocates nothing; a longer one allocates about once per new
** item. */
static void loop_sequence_linear(void **state)
{
    (void)state;
    char path[4200];
    snprintf(path, sizeof path, "%s/loop_seq/append/model.onnx", TESTS_DATA_DIR);
    lstm_options opt = {.size = sizeof(lstm_options), .alloc = count_alloc, .free = count_free};
    lstm_model *m;
    lstm_session *s;
    assert_int_equal(lstm_model_open(path, &opt, &m), LSTM_OK);
    assert_int_equal(lstm_session_open(m, &s), LSTM_OK);
    static const float x[6] = {0.5f, -1, 2, 1.5f, 0.25f, -3};
    const int64_t xd[2] = {2, 3};
    assert_int_equal(lstm_session_set_input(s, "x", LSTM_DT_FLOAT, 2, xd, x, sizeof x), LSTM_OK);
    const int64_t lens[3] = {200, 200, 400};
    for (int r = 0; r < 3; r++) {
        int64_t n = lens[r];
        assert_int_equal(lstm_session_set_input(s, "n", LSTM_DT_INT64, 0, NULL, &n, sizeof n),
                         LSTM_OK);
        s->seq_copied = 0;
        allocs = 0;
        int rc = lstm_session_run(s);
        if (rc) print_error("%s\n", lstm_session_errmsg(s));
        assert_int_equal(rc, LSTM_OK);
        assert_int_equal(s->seq_copied, (uint64_t)(n + 1) * sizeof x);
        if (r == 1) assert_int_equal(allocs, 0);
        if (r == 2) assert_true(allocs <= 200 + 32);
        lstm_view v;
        assert_int_equal(lstm_session_output(s, "Y", &v), LSTM_OK);
        assert_int_equal(v.dims[0], 2 * (n + 1));
        const float *y = v.data; /* rows 2 (i + 1), 2 (i + 1) + 1 hold x + i */
        for (int64_t i = 0; i < n; i += 37)
            for (int e = 0; e < 6; e++) assert_true(y[(2 * (i + 1)) * 3 + e] == x[e] + (float)i);
    }
    lstm_session_close(s);
    lstm_model_close(m);
}

/* Aborts the run at the poll its counter reaches (-1: never). */
static long abort_at = -1;
static int abort_countdown(void *ud)
{
    (void)ud;
    return abort_at >= 0 && abort_at-- == 0;
}

/* tests/data/loop_seq/caller_seq: the caller's sequence is the Loop's initial value and is read
** again after it (expected values: the generator's NumPy simulation, written out here). Runs on
** one binding of s: a good run, a run that fails in the body's second iteration (SequenceAt out
** of range with k = 3), runs aborted part way through the Loop, then good runs with other trip
** counts. Every good run gives the right values and the caller's tensors never change. */
static void check_caller_seq(lstm_session *s, const float *x, const float *s0, int64_t n)
{
    lstm_view ya, e, yt;
    assert_int_equal(lstm_session_output(s, "YA", &ya), LSTM_OK);
    assert_int_equal(lstm_session_output(s, "E", &e), LSTM_OK);
    assert_int_equal(lstm_session_output(s, "YT", &yt), LSTM_OK);
    assert_int_equal(ya.dims[0], 2 * (n + 1));
    assert_int_equal(e.dims[0], n);
    assert_int_equal(yt.dims[0], 4);
    const float *a = ya.data, *ev = e.data, *t = yt.data;
    for (int q = 0; q < 6; q++) {
        assert_true(a[q] == s0[q]); /* item 0: the caller's */
        assert_true(t[q] == s0[q] && t[6 + q] == x[q]);
        for (int64_t i = 0; i < n; i++) {
            assert_true(a[6 * (i + 1) + q] == x[q] + (float)i);
            /* e[i] = a[i] (k = 1): the caller's item, then the steps */
            assert_true(ev[6 * i + q] == (i == 0 ? s0[q] : x[q] + (float)(i - 1)));
        }
    }
}

static const float seq_x[6] = {0.5f, -1, 2, 1.5f, 0.25f, -3};

/* Bind scalar input name to *v (read in place: *v must outlive the run). */
static void set_i64(lstm_session *s, const char *name, const int64_t *v)
{
    assert_int_equal(lstm_session_set_input(s, name, LSTM_DT_INT64, 0, NULL, v, sizeof *v),
                     LSTM_OK);
}

/* caller_seq opened with opt, x bound and s bound to the one-item sequence [s0] (the caller's
** tensor, read in place). */
static void open_caller_seq(const lstm_options *opt, float *s0, lstm_model **m, lstm_session **s)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/loop_seq/caller_seq/model.onnx", TESTS_DATA_DIR);
    assert_int_equal(lstm_model_open(path, opt, m), LSTM_OK);
    assert_int_equal(lstm_session_open(*m, s), LSTM_OK);
    lstm_view item = {
        .dtype = LSTM_DT_FLOAT, .rank = 2, .dims = {2, 3}, .data = s0, .nbytes = 6 * sizeof *s0};
    static const int64_t xd[2] = {2, 3};
    assert_int_equal(lstm_session_set_input(*s, "x", LSTM_DT_FLOAT, 2, xd, seq_x, sizeof seq_x),
                     LSTM_OK);
    assert_int_equal(lstm_session_set_input_sequence(*s, "s", 1, &item), LSTM_OK);
}

static void loop_sequence_caller_input(void **state)
{
    (void)state;
    lstm_options opt = {.size = sizeof(lstm_options), .abort = abort_countdown};
    lstm_model *m;
    lstm_session *s;
    float s0[6] = {7, 8, 9, -7, -8, -9}, keep[6];
    memcpy(keep, s0, sizeof keep);
    open_caller_seq(&opt, s0, &m, &s);
    /* n, k, abort after that many polls (-1: none), whether the run succeeds */
    static const struct {
        int64_t n, k;
        long abort;
        int ok;
    } runs[] = {{4, 1, -1, 1}, {4, 3, -1, 0}, {6, 1, -1, 1}, {6, 1, 12, 0}, {2, 1, -1, 1},
                {5, 1, 20, 0}, {5, 1, 3, 0},  {7, 1, -1, 1}, {0, 1, -1, 1}, {3, 1, -1, 1}};
    for (size_t r = 0; r < sizeof runs / sizeof runs[0]; r++) {
        const int64_t n = runs[r].n, k = runs[r].k;
        set_i64(s, "n", &n);
        set_i64(s, "k", &k);
        abort_at = runs[r].abort;
        int rc = lstm_session_run(s);
        abort_at = -1;
        if (runs[r].ok) {
            if (rc) print_error("run %zu: %s\n", r, lstm_session_errmsg(s));
            assert_int_equal(rc, LSTM_OK);
            check_caller_seq(s, seq_x, s0, n);
        } else {
            assert_int_equal(rc, runs[r].abort >= 0 ? LSTM_EABORTED : LSTM_EINVAL);
        }
        assert_memory_equal(s0, keep, sizeof keep);
    }
    lstm_session_close(s);
    lstm_model_close(m);
}

/* The same model, an allocation failing in turn in a run whose Loop grows the sequences past
** what an earlier run left room for (storage handed between the Loop, its body and the insert
** part way): the run reports LSTM_ENOMEM, and the next run on the same session and binding
** gives the right values, the caller's tensors untouched. */
static void loop_sequence_alloc_failures(void **state)
{
    (void)state;
    lstm_options opt = {.size = sizeof(lstm_options), .alloc = flaky_alloc, .free = count_free};
    float s0[6] = {7, 8, 9, -7, -8, -9}, keep[6];
    memcpy(keep, s0, sizeof keep);
    int total = -1, failed = 0;
    for (int k = -1; k < total || total < 0; k++) {
        lstm_model *m;
        lstm_session *s;
        fail_at = -1;
        open_caller_seq(&opt, s0, &m, &s);
        int64_t n = 2, one = 1;
        set_i64(s, "k", &one);
        set_i64(s, "n", &n);
        assert_int_equal(lstm_session_run(s), LSTM_OK);
        n = 9;
        set_i64(s, "n", &n);
        allocs = 0;
        fail_at = k;
        int rc = lstm_session_run(s);
        fail_at = -1;
        if (k < 0) {
            assert_int_equal(rc, LSTM_OK);
            total = allocs;
        } else {
            if (rc != LSTM_ENOMEM) print_error("allocation %d of %d: rc %d\n", k, total, rc);
            assert_int_equal(rc, LSTM_ENOMEM);
            failed++;
        }
        assert_int_equal(lstm_session_run(s), LSTM_OK);
        check_caller_seq(s, seq_x, s0, n);
        assert_memory_equal(s0, keep, sizeof keep);
        lstm_session_close(s);
        lstm_model_close(m);
    }
    assert_true(failed >= 7); /* the sequences grow from 3 items to 10 */
}

/* SequenceMap with an empty name for a body input that needs a value: refused when the model is
** resolved, naming the node (it once dereferenced the missing input). */
static void sequence_map_empty_input(void **state)
{
    (void)state;
    tb_model *b = tb_new(8, 17);
    tb_input(b, "X", F32, 2, D2(2, 3), NULL);
    tb_node(b, "Identity", NULL, "a", "o");
    Onnx__GraphProto *body = tb_take_graph(b, "body", 1, "a,e", "o");
    Onnx__NodeProto *split = tb_node(b, "SplitToSequence", NULL, "X", "S");
    tb_attr_i(b, split, "axis", 0);
    tb_attr_graph(b, tb_node(b, "SequenceMap", "map", "S,", "T"), "body", body);
    tb_attr_i(b, tb_node(b, "ConcatFromSequence", NULL, "T", "Y"), "axis", 0);
    tb_output(b, "Y", F32, -1, NULL, NULL);
    size_t len;
    const uint8_t *buf = tb_pack(b, &len);
    lstm_model *m;
    lstm_session *s = NULL;
    int rc = lstm_model_open_buffer(buf, len, NULL, &m);
    const char *msg = lstm_model_errmsg(m);
    if (rc == LSTM_OK) {
        rc = lstm_session_open(m, &s);
        msg = lstm_session_errmsg(s);
    }
    assert_int_equal(rc, LSTM_EMODEL);
    assert_non_null(strstr(msg, "node 'map' (SequenceMap"));
    assert_non_null(strstr(msg, "input 1 is empty; body input 1 needs a value"));
    lstm_session_close(s);
    lstm_model_close(m);
    tb_free(b);
}

/* SequenceInsert of a float tensor into an empty int64 sequence (SequenceEmpty's dtype) is
** refused, as onnxruntime refuses it, not taken as the sequence's first item. */
static void sequence_insert_into_empty_typed(void **state)
{
    (void)state;
    tb_model *b = tb_new(8, 17);
    tb_input(b, "X", F32, 1, D1(3), NULL);
    Onnx__NodeProto *empty = tb_node(b, "SequenceEmpty", NULL, "", "E");
    empty->n_input = 0; /* (the builder reads "" as one empty name) */
    tb_attr_i(b, empty, "dtype", I64);
    tb_node(b, "SequenceInsert", "ins", "E,X", "S");
    tb_attr_i(b, tb_node(b, "ConcatFromSequence", NULL, "S", "Y"), "axis", 0);
    tb_output(b, "Y", F32, -1, NULL, NULL);
    size_t len;
    const uint8_t *buf = tb_pack(b, &len);
    lstm_model *m;
    lstm_session *s;
    assert_int_equal(lstm_model_open_buffer(buf, len, NULL, &m), LSTM_OK);
    assert_int_equal(lstm_session_open(m, &s), LSTM_OK);
    float x[3] = {1, 2, 3};
    assert_int_equal(lstm_session_set_input(s, "X", LSTM_DT_FLOAT, 1, D1(3), x, sizeof x), LSTM_OK);
    assert_int_equal(lstm_session_run(s), LSTM_EINVAL);
    assert_non_null(strstr(lstm_session_errmsg(s), "inserting float32 into a sequence of int64"));
    lstm_session_close(s);
    lstm_model_close(m);
    tb_free(b);
}

/* Two carried outputs that grow every run (a KV cache: k = Concat(k, x), v = Concat(v, 2x),
** y = sum(k) + sum(v)). An allocation failing in turn in the second run: ENOMEM, and the retry
** sees the state of the first run, both carries whole (one was once replaced before the other's
** buffer failed). */
static void carry_failure_all_or_nothing(void **state)
{
    (void)state;
    tb_model *b = tb_new(8, 13);
    tb_input(b, "x", F32, 2, D2(1, 4), NULL);
    tb_input(b, "k_in", F32, 2, D2(-1, 4), "n");
    tb_input(b, "v_in", F32, 2, D2(-1, 4), "n");
    static const float two = 2;
    tb_init_f32(b, "two", 0, NULL, &two);
    tb_attr_i(b, tb_node(b, "Concat", NULL, "k_in,x", "k_out"), "axis", 0);
    tb_node(b, "Mul", NULL, "x,two", "x2");
    tb_attr_i(b, tb_node(b, "Concat", NULL, "v_in,x2", "v_out"), "axis", 0);
    tb_attr_i(b, tb_node(b, "ReduceSum", NULL, "k_out", "sk"), "keepdims", 0);
    tb_attr_i(b, tb_node(b, "ReduceSum", NULL, "v_out", "sv"), "keepdims", 0);
    tb_node(b, "Add", NULL, "sk,sv", "y");
    tb_output(b, "y", F32, 0, NULL, NULL);
    tb_output(b, "k_out", F32, 2, D2(-1, 4), "m");
    tb_output(b, "v_out", F32, 2, D2(-1, 4), "m");
    size_t len;
    const uint8_t *buf = tb_pack(b, &len);
    lstm_options opt = {.size = sizeof(lstm_options), .alloc = flaky_alloc, .free = count_free};
    const float x1[4] = {1, 2, 3, 4}, x2[4] = {0.5f, -1, 0.25f, 2}, k0[4] = {1, 1, 1, 1};
    const float want = 3 * (4 + 10 + 1.75f); /* k: k0, x1, x2; v: 2x of each */
    int failed = 0;
    for (int k = 0;; k++) {
        lstm_model *m;
        lstm_session *s;
        fail_at = -1;
        assert_int_equal(lstm_model_open_buffer(buf, len, &opt, &m), LSTM_OK);
        assert_int_equal(lstm_session_open(m, &s), LSTM_OK);
        assert_int_equal(
            lstm_session_set_input(s, "k_in", LSTM_DT_FLOAT, 2, D2(1, 4), k0, sizeof k0), LSTM_OK);
        float v0[4] = {2, 2, 2, 2};
        assert_int_equal(
            lstm_session_set_input(s, "v_in", LSTM_DT_FLOAT, 2, D2(1, 4), v0, sizeof v0), LSTM_OK);
        assert_int_equal(lstm_session_carry(s, "k_out", "k_in"), LSTM_OK);
        assert_int_equal(lstm_session_carry(s, "v_out", "v_in"), LSTM_OK);
        assert_int_equal(lstm_session_set_input(s, "x", LSTM_DT_FLOAT, 2, D2(1, 4), x1, sizeof x1),
                         LSTM_OK);
        assert_int_equal(lstm_session_run(s), LSTM_OK);
        assert_int_equal(lstm_session_set_input(s, "x", LSTM_DT_FLOAT, 2, D2(1, 4), x2, sizeof x2),
                         LSTM_OK);
        allocs = 0;
        fail_at = k;
        int rc = lstm_session_run(s);
        fail_at = -1;
        if (rc == LSTM_OK) {
            lstm_session_close(s);
            lstm_model_close(m);
            break;
        }
        assert_int_equal(rc, LSTM_ENOMEM);
        failed++;
        float y;
        assert_int_equal(lstm_session_run(s), LSTM_OK);
        assert_int_equal(lstm_session_output_copy(s, "y", &y, sizeof y), LSTM_OK);
        if (fabsf(y - want) > 1e-5f) print_error("allocation %d: y %g, expected %g\n", k, y, want);
        assert_true(fabsf(y - want) <= 1e-5f);
        assert_memory_equal(v0, ((float[4]){2, 2, 2, 2}), sizeof v0); /* the caller's, untouched */
        lstm_session_close(s);
        lstm_model_close(m);
    }
    assert_true(failed >= 2); /* both carried buffers grow in the second run */
    tb_free(b);
}

/* A Loop's trip count as uint64 above 2^63 - 1 is that many iterations (the condition stops
** this one after 4), not a negative count that runs none. */
static void loop_uint64_trip_count(void **state)
{
    (void)state;
    tb_model *b = tb_new(8, 17);
    tb_input(b, "M", 13, 0, NULL, NULL);
    tb_input(b, "v0", F32, 1, D1(1), NULL);
    static const int64_t three = 3;
    static const float one = 1;
    Onnx__TensorProto *t = tb_tensor(b, "three", I64, 0, NULL);
    tb_tensor_raw(b, t, &three, sizeof three);
    tb_add_initializer(b, t);
    tb_init_f32(b, "one", 0, NULL, &one);
    tb_node(b, "Less", NULL, "i,three", "cond_out");
    tb_node(b, "Add", NULL, "v,one", "v_out");
    Onnx__GraphProto *body = tb_take_graph(b, "body", 2, "i,cond_in,v", "cond_out,v_out");
    tb_attr_graph(b, tb_node(b, "Loop", "loop", "M,,v0", "v"), "body", body);
    tb_output(b, "v", F32, -1, NULL, NULL);
    size_t len;
    const uint8_t *buf = tb_pack(b, &len);
    lstm_model *m;
    lstm_session *s;
    assert_int_equal(lstm_model_open_buffer(buf, len, NULL, &m), LSTM_OK);
    assert_int_equal(lstm_session_open(m, &s), LSTM_OK);
    static const uint64_t trips[] = {UINT64_MAX, (uint64_t)1 << 63, 2};
    static const float want[] = {14, 14, 12};
    for (int r = 0; r < 3; r++) {
        float v0 = 10, v;
        assert_int_equal(lstm_session_set_input(s, "M", 13, 0, NULL, &trips[r], 8), LSTM_OK);
        assert_int_equal(lstm_session_set_input(s, "v0", LSTM_DT_FLOAT, 1, D1(1), &v0, 4), LSTM_OK);
        assert_int_equal(lstm_session_run(s), LSTM_OK);
        assert_int_equal(lstm_session_output_copy(s, "v", &v, sizeof v), LSTM_OK);
        assert_true(v == want[r]);
    }
    lstm_session_close(s);
    lstm_model_close(m);
    tb_free(b);
}

/* A Loop "M,,v0" -> "v" whose body is the last k nodes of b ((i, cond_in, v) -> (cond_out,
** v_out)), opened with the counting allocator. */
static void open_loop_counted(tb_model *b, int k, lstm_model **m, lstm_session **s)
{
    Onnx__GraphProto *body = tb_take_graph(b, "body", k, "i,cond_in,v", "cond_out,v_out");
    tb_attr_graph(b, tb_node(b, "Loop", "loop", "M,,v0", "v"), "body", body);
    tb_output(b, "v", F32, -1, NULL, NULL);
    size_t len;
    const uint8_t *buf = tb_pack(b, &len);
    lstm_options opt = {.size = sizeof(lstm_options), .alloc = count_alloc, .free = count_free};
    assert_int_equal(lstm_model_open_buffer(buf, len, &opt, m), LSTM_OK);
    assert_int_equal(lstm_session_open(*m, s), LSTM_OK);
}

/* Free sequence blocks of the session's bin. */
static int bin_blocks(const lstm_session *s)
{
    int n = 0;
    for (int c = 0; c < LSTM__BIN_CLASSES; c++)
        for (const void *f = s->bin.bufs[c]; f; f = *(void *const *)f) n++;
    return n;
}

/* A Loop whose body puts its carried tensor, one element longer at each iteration, in a
** sequence: its item needs a larger size class every few iterations. A miss frees the bin's
** smaller blocks, so the bin does not keep a block per class passed (about 6 times the live
** size); a second run of the same trip count allocates nothing. */
static void sequence_bin_bounded(void **state)
{
    (void)state;
    tb_model *b = tb_new(8, 17);
    tb_input(b, "M", I64, 0, NULL, NULL);
    tb_input(b, "v0", F32, 1, D1(1), NULL);
    static const int64_t zero = 0;
    static const float one = 1;
    Onnx__TensorProto *t = tb_tensor(b, "zero", I64, 0, NULL);
    tb_tensor_raw(b, t, &zero, sizeof zero);
    tb_add_initializer(b, t);
    tb_init_f32(b, "one", 1, D1(1), &one);
    tb_attr_i(b, tb_node(b, "Concat", NULL, "v,one", "v2"), "axis", 0);
    tb_node(b, "SequenceConstruct", NULL, "v2", "S");
    tb_node(b, "SequenceAt", NULL, "S,zero", "v_out");
    tb_node(b, "Identity", NULL, "cond_in", "cond_out");
    lstm_model *m;
    lstm_session *s;
    open_loop_counted(b, 4, &m, &s);
    const int64_t trips = 300;
    const float v0 = 5;
    assert_int_equal(lstm_session_set_input(s, "M", LSTM_DT_INT64, 0, NULL, &trips, 8), LSTM_OK);
    assert_int_equal(lstm_session_set_input(s, "v0", LSTM_DT_FLOAT, 1, D1(1), &v0, 4), LSTM_OK);
    for (int r = 0; r < 2; r++) {
        allocs = 0;
        assert_int_equal(lstm_session_run(s), LSTM_OK);
        if (r == 1) assert_int_equal(allocs, 0);
        int blocks = bin_blocks(s);
        if (blocks > 2) print_error("%d free blocks after run %d\n", blocks, r);
        assert_true(blocks <= 2);
        lstm_view v;
        assert_int_equal(lstm_session_output(s, "v", &v), LSTM_OK);
        assert_int_equal(v.dims[0], 301);
        for (int i = 0; i < 301; i++) assert_true(((const float *)v.data)[i] == (i ? 1 : 5));
    }
    lstm_session_close(s);
    lstm_model_close(m);
    tb_free(b);
}

/* Two one-item sequences per iteration whose sizes change class between iterations (A: 80 then
** 200 bytes, B: 80 then 16): a miss in the second iteration must not free the blocks that
** iteration recycled, which B and the next run's first iteration need; the second run
** allocates nothing. */
static void sequence_bin_steady(void **state)
{
    (void)state;
    tb_model *b = tb_new(8, 17);
    tb_input(b, "M", I64, 0, NULL, NULL);
    tb_input(b, "v0", F32, 0, NULL, NULL);
    static const int64_t la[2] = {20, 50}, lb[2] = {20, 4}, zero = 0;
    const char *names[3] = {"la", "lb", "zero"};
    const void *data[3] = {la, lb, &zero};
    for (int q = 0; q < 3; q++) {
        Onnx__TensorProto *t = tb_tensor(b, names[q], I64, q < 2 ? 2 : 0, D2(2, 1));
        tb_tensor_raw(b, t, data[q], q < 2 ? sizeof la : sizeof zero);
        tb_add_initializer(b, t);
    }
    tb_node(b, "Gather", NULL, "la,i", "na");
    tb_node(b, "Gather", NULL, "lb,i", "nb");
    tb_node(b, "ConstantOfShape", NULL, "na", "ta");
    tb_node(b, "ConstantOfShape", NULL, "nb", "tb");
    tb_node(b, "SequenceConstruct", NULL, "ta", "sa");
    tb_node(b, "SequenceConstruct", NULL, "tb", "sb");
    tb_node(b, "SequenceAt", NULL, "sa,zero", "a");
    tb_node(b, "SequenceAt", NULL, "sb,zero", "bb");
    tb_attr_i(b, tb_node(b, "ReduceSum", NULL, "a", "ra"), "keepdims", 0);
    tb_attr_i(b, tb_node(b, "ReduceSum", NULL, "bb", "rb"), "keepdims", 0);
    tb_node(b, "Add", NULL, "ra,rb", "r");
    tb_node(b, "Add", NULL, "v,r", "v_out");
    tb_node(b, "Identity", NULL, "cond_in", "cond_out");
    lstm_model *m;
    lstm_session *s;
    open_loop_counted(b, 13, &m, &s);
    const int64_t trips = 2;
    const float v0 = 3;
    assert_int_equal(lstm_session_set_input(s, "M", LSTM_DT_INT64, 0, NULL, &trips, 8), LSTM_OK);
    assert_int_equal(lstm_session_set_input(s, "v0", LSTM_DT_FLOAT, 0, NULL, &v0, 4), LSTM_OK);
    for (int r = 0; r < 3; r++) {
        allocs = 0;
        int rc = lstm_session_run(s);
        if (rc) print_error("%s\n", lstm_session_errmsg(s));
        assert_int_equal(rc, LSTM_OK);
        if (r && allocs) print_error("run %d allocated %d times\n", r + 1, allocs);
        if (r) assert_int_equal(allocs, 0);
        float v;
        assert_int_equal(lstm_session_output_copy(s, "v", &v, sizeof v), LSTM_OK);
        assert_true(v == 3);
    }
    lstm_session_close(s);
    lstm_model_close(m);
    tb_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plan_once_no_alloc_in_run),
        cmocka_unit_test(control_flow_no_alloc),
        cmocka_unit_test(loop_growing_no_alloc),
        cmocka_unit_test(loop_sequence_linear),
        cmocka_unit_test(loop_sequence_caller_input),
        cmocka_unit_test(loop_sequence_alloc_failures),
        cmocka_unit_test(explicit_state_carry),
        cmocka_unit_test(carry_failure_all_or_nothing),
        cmocka_unit_test(carried_input_symbols),
        cmocka_unit_test(carried_input_declared_shape),
        cmocka_unit_test(misuse_messages),
        cmocka_unit_test(misuse),
        cmocka_unit_test(sequence_map_empty_input),
        cmocka_unit_test(sequence_insert_into_empty_typed),
        cmocka_unit_test(loop_uint64_trip_count),
        cmocka_unit_test(sequence_bin_bounded),
        cmocka_unit_test(sequence_bin_steady),
        cmocka_unit_test(unsupported_node),
        cmocka_unit_test(malformed_subgraphs),
        cmocka_unit_test(if_planned),
        cmocka_unit_test(streaming),
        cmocka_unit_test(streaming_failed_run_keeps_state),
        cmocka_unit_test(run_allocation_failures),
        cmocka_unit_test(run_memory_limit),
        cmocka_unit_test(run_memory_limit_late),
        cmocka_unit_test(abort_and_log),
        cmocka_unit_test(profiling),
        cmocka_unit_test(profile_product_path),
        cmocka_unit_test(logging),
        cmocka_unit_test(invalid_node_before_unsupported),
        cmocka_unit_test(settings_keep_outputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
