/* test_fuse.c — operator fusion at load (runtime/fuse.c): a Conv absorbs the
** BatchNormalization, Relu or Clip after it. Each model runs fused and unfused (LSTM_FUSE=0 when
** it opens) and the outputs must agree to float rounding (the unfused operators are checked
** against onnxruntime by the conformance suites); the load log counts the fused nodes; nodes
** that another node reads, graph outputs and non-constant parameters are left alone; the model
** is described as written; a Clip without bounds clips infinities to -+FLT_MAX either way. */
#define _POSIX_C_SOURCE 200809L /* setenv */
#include "test_util.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static char logged[4096];
static void log_cb(void *ud, int level, const char *msg)
{
    (void)ud;
    size_t n = strlen(logged);
    snprintf(logged + n, sizeof logged - n, "%d:%s\n", level, msg);
}

static const float *given_x; /* run() feeds X these values when set, else random ones */
static unsigned seed = 11;
static float frand(void)
{
    seed = seed * 1103515245u + 12345u;
    return (float)((seed >> 8) & 0xffff) / 32768.0f - 1.0f;
}

/* A float initializer of n random values in [lo, hi). */
static void init_rand(tb_model *b, const char *name, int rank, const int64_t *dims, float lo,
                      float hi)
{
    int64_t n = 1;
    for (int i = 0; i < rank; i++) n *= dims[i];
    float *v = tb_alloc(b, sizeof(float) * (size_t)n);
    for (int64_t i = 0; i < n; i++) v[i] = lo + (hi - lo) * (frand() + 1.0f) / 2.0f;
    tb_init_f32(b, name, rank, dims, v);
}

/* BatchNormalization "bn" of C channels from x to y, its parameters initializers. */
static void add_bn(tb_model *b, int64_t C, const char *x, const char *y)
{
    init_rand(b, "bn_s", 1, D1(C), 0.5f, 1.5f);
    init_rand(b, "bn_b", 1, D1(C), -0.3f, 0.3f);
    init_rand(b, "bn_m", 1, D1(C), -0.2f, 0.2f);
    init_rand(b, "bn_v", 1, D1(C), 0.3f, 2.0f);
    char ins[160];
    snprintf(ins, sizeof ins, "%s,bn_s,bn_b,bn_m,bn_v", x);
    tb_attr_f(b, tb_node(b, "BatchNormalization", "bn", ins, y), "epsilon", 1e-3f);
}

typedef struct run_out {
    float y[4096];
    size_t n;
    int fused;
    char described[1 << 14];
} run_out;

static void collect(void *ud, const char *data, size_t len)
{
    char *d = ud;
    size_t n = strlen(d);
    if (n + len >= (1 << 14)) len = (1 << 14) - 1 - n;
    memcpy(d + n, data, len);
    d[n + len] = 0;
}

/* Open (fused unless LSTM_FUSE=0), run on X of shape xdims, keep output Y and the fused count. */
static void run(tb_model *b, int fuse, int xrank, const int64_t *xdims, run_out *o)
{
    size_t len;
    const uint8_t *buf = tb_pack(b, &len);
    if (fuse)
        unsetenv("LSTM_FUSE");
    else
        setenv("LSTM_FUSE", "0", 1);
    lstm_options opt = {.size = sizeof(lstm_options), .log = log_cb};
    lstm_model *m;
    lstm_session *s;
    logged[0] = 0;
    int rc = lstm_model_open_buffer(buf, len, &opt, &m);
    unsetenv("LSTM_FUSE");
    if (rc) print_error("%s\n", lstm_model_errmsg(m));
    assert_int_equal(rc, LSTM_OK);
    const char *p = strstr(logged, "folded at load, ");
    assert_non_null(p);
    o->fused = atoi(p + strlen("folded at load, "));
    o->described[0] = 0;
    assert_int_equal(lstm_model_describe(m, LSTM_DESCRIBE_TEXT, collect, o->described), LSTM_OK);
    assert_int_equal(lstm_session_open(m, &s), LSTM_OK);
    int64_t n = 1;
    for (int i = 0; i < xrank; i++) n *= xdims[i];
    static float x[4096];
    unsigned keep = seed;
    seed = 5;
    for (int64_t i = 0; i < n; i++) x[i] = given_x ? given_x[i] : frand();
    seed = keep;
    assert_int_equal(lstm_session_set_input(s, "X", F32, xrank, xdims, x, (size_t)n * 4), LSTM_OK);
    for (int r = 0; r < 2; r++) { /* twice: the second run reuses the plan */
        rc = lstm_session_run(s);
        if (rc) print_error("%s\n", lstm_session_errmsg(s));
        assert_int_equal(rc, LSTM_OK);
    }
    lstm_view v;
    assert_int_equal(lstm_session_output(s, "Y", &v), LSTM_OK);
    o->n = v.nbytes / 4;
    assert_true(o->n <= 4096);
    memcpy(o->y, v.data, v.nbytes);
    lstm_session_close(s);
    lstm_model_close(m);
}

/* Fused and unfused agree; `fused` nodes were fused; the description still names every node. */
static void check(const char *what, tb_model *b, int xrank, const int64_t *xdims, int fused)
{
    static run_out a, u;
    run(b, 1, xrank, xdims, &a);
    run(b, 0, xrank, xdims, &u);
    if (a.fused != fused) print_error("%s: %d nodes fused, expected %d\n", what, a.fused, fused);
    assert_int_equal(a.fused, fused);
    assert_int_equal(u.fused, 0);
    assert_int_equal(a.n, u.n);
    double worst = 0;
    for (size_t i = 0; i < a.n; i++) {
        double d = fabs((double)a.y[i] - u.y[i]);
        worst = fmax(worst, d / (1e-5 + fabs(u.y[i])));
        if (!(d <= 2e-6 + 2e-5 * fabs(u.y[i])))
            print_error("%s: [%zu] fused %.9g, unfused %.9g\n", what, i, (double)a.y[i],
                        (double)u.y[i]);
        assert_true(d <= 2e-6 + 2e-5 * fabs(u.y[i]));
    }
    if (!fused) assert_memory_equal(a.y, u.y, a.n * 4); /* the same code runs */
    assert_string_equal(a.described, u.described);
    print_message("  %s: %d fused, %zu outputs, worst relative difference %.2g\n", what, a.fused,
                  a.n, worst);
}

static tb_model *conv_model(int64_t opset, int rank, const int64_t *xdims, int64_t M, int64_t Cg,
                            const int64_t *kernel, int group, int bias)
{
    tb_model *b = tb_new(8, opset);
    tb_input(b, "X", F32, rank, xdims, NULL);
    int64_t wd[5] = {M, Cg, kernel[0], rank > 3 ? kernel[1] : 0, 0};
    init_rand(b, "W", rank, wd, -0.5f, 0.5f);
    if (bias) init_rand(b, "B", 1, D1(M), -0.5f, 0.5f);
    Onnx__NodeProto *n = tb_node(b, "Conv", "conv", bias ? "X,W,B" : "X,W", "c");
    if (group > 1) tb_attr_i(b, n, "group", group);
    return b;
}

static void conv_bn_relu(void **state)
{
    (void)state;
    /* 2-D stride 1 (windows read in place), pads 1, then BatchNormalization and Relu. */
    tb_model *b = conv_model(17, 4, (int64_t[]){2, 3, 9, 11}, 8, 3, (int64_t[]){3, 3}, 1, 1);
    tb_attr_ints(b, tb_graph(b)->node[0], "pads", (int64_t[]){1, 1, 1, 1}, 4);
    add_bn(b, 8, "c", "n");
    tb_node(b, "Relu", "relu", "n", "Y");
    tb_output(b, "Y", F32, -1, NULL, NULL);
    check("2-D Conv + BatchNormalization + Relu", b, 4, (int64_t[]){2, 3, 9, 11}, 2);
    tb_free(b);

    /* Stride 2 (im2col panels), no bias, then Clip with constant bounds (opset 11 inputs). */
    b = conv_model(13, 4, (int64_t[]){1, 4, 12, 10}, 5, 4, (int64_t[]){3, 2}, 1, 0);
    tb_attr_ints(b, tb_graph(b)->node[0], "strides", (int64_t[]){2, 2}, 2);
    add_bn(b, 5, "c", "n");
    tb_init_f32(b, "lo", 0, NULL, (const float[]){-0.2f});
    tb_init_f32(b, "hi", 0, NULL, (const float[]){0.3f});
    tb_node(b, "Clip", "clip", "n,lo,hi", "Y");
    tb_output(b, "Y", F32, -1, NULL, NULL);
    check("strided Conv + BatchNormalization + Clip", b, 4, (int64_t[]){1, 4, 12, 10}, 2);
    tb_free(b);

    /* 1-D with few output pixels (rows of X channels-last), BatchNormalization only. */
    b = conv_model(17, 3, (int64_t[]){1, 16, 4}, 32, 16, (int64_t[]){3}, 1, 1);
    tb_attr_ints(b, tb_graph(b)->node[0], "pads", (int64_t[]){1, 1}, 2);
    add_bn(b, 32, "c", "Y");
    tb_output(b, "Y", F32, -1, NULL, NULL);
    check("1-D Conv (4 pixels) + BatchNormalization", b, 3, (int64_t[]){1, 16, 4}, 1);
    tb_free(b);

    /* Depthwise (direct loops), then BatchNormalization and Relu. */
    b = conv_model(17, 3, (int64_t[]){2, 6, 10}, 6, 1, (int64_t[]){5}, 6, 1);
    tb_attr_ints(b, tb_graph(b)->node[0], "pads", (int64_t[]){2, 2}, 2);
    add_bn(b, 6, "c", "n");
    tb_node(b, "Relu", "relu", "n", "Y");
    tb_output(b, "Y", F32, -1, NULL, NULL);
    check("depthwise Conv + BatchNormalization + Relu", b, 3, (int64_t[]){2, 6, 10}, 2);
    tb_free(b);

    /* Opset 10: Clip's bounds are attributes; no BatchNormalization. */
    b = conv_model(10, 4, (int64_t[]){1, 2, 7, 20}, 40, 2, (int64_t[]){3, 3}, 1, 1);
    Onnx__NodeProto *c = tb_node(b, "Clip", "clip", "c", "Y");
    tb_attr_f(b, c, "min", -0.1f);
    tb_attr_f(b, c, "max", 0.15f);
    tb_output(b, "Y", F32, -1, NULL, NULL);
    check("Conv + Clip (attributes)", b, 4, (int64_t[]){1, 2, 7, 20}, 1);
    tb_free(b);
}

static void left_alone(void **state)
{
    (void)state;
    /* The Conv's output is also a graph output: nothing fuses. */
    tb_model *b = conv_model(17, 4, (int64_t[]){1, 3, 6, 6}, 4, 3, (int64_t[]){3, 3}, 1, 1);
    add_bn(b, 4, "c", "n");
    tb_node(b, "Relu", "relu", "n", "Y");
    tb_output(b, "Y", F32, -1, NULL, NULL);
    tb_output(b, "c", F32, -1, NULL, NULL);
    check("Conv output also a graph output", b, 4, (int64_t[]){1, 3, 6, 6}, 0);
    tb_free(b);

    /* Another node reads the Conv's output. */
    b = conv_model(17, 4, (int64_t[]){1, 3, 6, 6}, 4, 3, (int64_t[]){3, 3}, 1, 1);
    add_bn(b, 4, "c", "n");
    tb_node(b, "Add", "add", "n,c", "Y");
    tb_output(b, "Y", F32, -1, NULL, NULL);
    check("Conv output read twice", b, 4, (int64_t[]){1, 3, 6, 6}, 0);
    tb_free(b);

    /* The BatchNormalization's scale is a graph input: neither it nor the Relu after it fuse. */
    b = conv_model(17, 4, (int64_t[]){1, 3, 6, 6}, 4, 3, (int64_t[]){3, 3}, 1, 1);
    tb_input(b, "S", F32, 1, D1(4), NULL);
    init_rand(b, "bn_b", 1, D1(4), -0.3f, 0.3f);
    init_rand(b, "bn_m", 1, D1(4), -0.2f, 0.2f);
    init_rand(b, "bn_v", 1, D1(4), 0.3f, 2.0f);
    tb_node(b, "BatchNormalization", "bn", "c,S,bn_b,bn_m,bn_v", "n");
    tb_node(b, "Relu", "relu", "n", "Y");
    tb_output(b, "Y", F32, -1, NULL, NULL);
    static const float sc[4] = {1, 0.5f, 2, 1.5f};
    static run_out a, u;
    size_t len;
    const uint8_t *buf = tb_pack(b, &len);
    for (int fuse = 1; fuse >= 0; fuse--) {
        if (!fuse) setenv("LSTM_FUSE", "0", 1);
        lstm_options opt = {.size = sizeof(lstm_options), .log = log_cb};
        lstm_model *m;
        lstm_session *s;
        logged[0] = 0;
        assert_int_equal(lstm_model_open_buffer(buf, len, &opt, &m), LSTM_OK);
        unsetenv("LSTM_FUSE");
        assert_non_null(strstr(logged, "folded at load, 0 fused"));
        assert_int_equal(lstm_session_open(m, &s), LSTM_OK);
        float x[108];
        for (int i = 0; i < 108; i++) x[i] = (float)(i % 7) * 0.25f - 0.7f;
        assert_int_equal(lstm_session_set_input(s, "X", F32, 4, (int64_t[]){1, 3, 6, 6}, x, 432),
                         LSTM_OK);
        assert_int_equal(lstm_session_set_input(s, "S", F32, 1, D1(4), sc, 16), LSTM_OK);
        assert_int_equal(lstm_session_run(s), LSTM_OK);
        lstm_view v;
        assert_int_equal(lstm_session_output(s, "Y", &v), LSTM_OK);
        run_out *o = fuse ? &a : &u;
        o->n = v.nbytes / 4;
        memcpy(o->y, v.data, v.nbytes);
        lstm_session_close(s);
        lstm_model_close(m);
    }
    assert_memory_equal(a.y, u.y, a.n * 4);
    tb_free(b);

    /* The BatchNormalization's output is read twice: it fuses, the Relu does not. */
    b = conv_model(17, 4, (int64_t[]){1, 3, 6, 6}, 4, 3, (int64_t[]){3, 3}, 1, 1);
    add_bn(b, 4, "c", "n");
    tb_node(b, "Relu", "relu", "n", "r");
    tb_node(b, "Add", "add", "r,n", "Y");
    tb_output(b, "Y", F32, -1, NULL, NULL);
    check("BatchNormalization output read twice", b, 4, (int64_t[]){1, 3, 6, 6}, 1);
    tb_free(b);
}

/* A Clip bound that is absent is float's lowest / max (the spec's numeric_limits defaults; at
** opset 10 the attributes' defaults -+FLT_MAX): infinities from the Conv become finite, fused as
** unfused. A 1x1 Conv of weight 2: one product per output. */
static void clip_unbounded(void **state)
{
    (void)state;
    static const float x[6] = {-INFINITY, -1, 0, 1, INFINITY, 3e38f};
    static const float none[6] = {-FLT_MAX, -2, 0, 2, FLT_MAX, FLT_MAX},
                       min_only[6] = {-1, -1, 0, 2, FLT_MAX, FLT_MAX};
    const struct {
        int64_t opset;
        const char *ins;
        const float *want;
    } c[] = {{10, "c", none}, {13, "c", none}, {13, "c,lo", min_only}};
    given_x = x;
    for (int k = 0; k < 3; k++) {
        tb_model *b = tb_new(8, c[k].opset);
        tb_input(b, "X", F32, 3, (int64_t[]){1, 1, 6}, NULL);
        tb_init_f32(b, "W", 3, (int64_t[]){1, 1, 1}, (const float[]){2.0f});
        tb_init_f32(b, "lo", 0, NULL, (const float[]){-1.0f});
        tb_node(b, "Conv", "conv", "X,W", "c");
        tb_node(b, "Clip", "clip", c[k].ins, "Y");
        tb_output(b, "Y", F32, -1, NULL, NULL);
        for (int fuse = 1; fuse >= 0; fuse--) {
            static run_out o;
            run(b, fuse, 3, (int64_t[]){1, 1, 6}, &o);
            assert_int_equal(o.fused, fuse);
            assert_int_equal(o.n, 6);
            for (int i = 0; i < 6; i++)
                if (o.y[i] != c[k].want[i])
                    print_error("opset %d Clip(%s), fused %d: [%d] %g, expected %g\n",
                                (int)c[k].opset, c[k].ins, fuse, i, (double)o.y[i],
                                (double)c[k].want[i]);
            assert_memory_equal(o.y, c[k].want, sizeof none);
        }
        tb_free(b);
    }
    given_x = NULL;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(conv_bn_relu),
        cmocka_unit_test(left_alone),
        cmocka_unit_test(clip_unbounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
