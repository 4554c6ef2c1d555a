/* test_rnn.c — the recurrent kernels through the public API: pair tests (every attribute
** changes the output compared with its default), run-time refusals that name the node and
** the input, empty sizes, and float16/float64 handling. Numerical agreement with PyTorch,
** onnxruntime and the ONNX node tests is checked by the conformance suites. */
#include "test_util.h"

#include "model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

enum { T = 4, B = 3, I = 5, H = 6 };

typedef struct data {
    float X[T * B * I], W[2 * 4 * H * I], R[2 * 4 * H * H], Bias[2 * 8 * H];
} data;

static void fill(data *d)
{
    uint32_t s = 12345;
    float *all[] = {d->X, d->W, d->R, d->Bias};
    size_t n[] = {T * B * I, 2 * 4 * H * I, 2 * 4 * H * H, 2 * 8 * H};
    for (int k = 0; k < 4; k++)
        for (size_t i = 0; i < n[k]; i++) {
            s = s * 1103515245u + 12345u;
            all[k][i] = ((float)(s >> 8) / (float)(1 << 24) - 0.5f) * (k == 0 ? 4.0f : 1.0f);
        }
}

/* A model with one node `op`; X, W, R, B are graph inputs without declared shapes. */
static tb_model *model(const char *op, Onnx__NodeProto **n, const char *inputs)
{
    tb_model *m = tb_new(8, 14);
    const char *names[] = {"X", "W", "R", "B", "seq", "h0", "c0", "P"};
    for (int i = 0; i < 8; i++)
        if (strstr(inputs, names[i]) && (i != 0 || inputs[0] == 'X'))
            tb_input(m, names[i], i == 4 ? I32 : F32, -1, NULL, NULL);
    *n = tb_node(m, op, "cell", inputs, "Y,Y_h");
    tb_output(m, "Y", F32, -1, NULL, NULL);
    tb_output(m, "Y_h", F32, -1, NULL, NULL);
    return m;
}

typedef struct result {
    int rc;
    char msg[512];
    int rank;
    int64_t dims[4];
    float y[2 * T * B * H * 2];
    size_t n;
} result;

/* Run with X given as [x0, x1, I] (layout decides which is T), D directions, gates G. */
static void run(tb_model *m, const data *d, int D, int G, int64_t x0, int64_t x1,
                const int32_t *seq, int seq_dtype, result *r)
{
    size_t len;
    const uint8_t *buf = tb_pack(m, &len);
    lstm_model *md = NULL;
    lstm_session *s = NULL;
    memset(r, 0, sizeof *r);
    r->rc = lstm_model_open_buffer(buf, len, NULL, &md);
    if (r->rc) {
        snprintf(r->msg, sizeof r->msg, "%s", lstm_model_errmsg(md));
        lstm_model_close(md);
        return;
    }
    r->rc = lstm_session_open(md, &s);
    int64_t xd[3] = {x0, x1, I}, wd[3] = {D, G * H, I}, rd[3] = {D, G * H, H},
            bd[2] = {D, 2 * G * H}, sd[1] = {x1};
    if (!r->rc)
        r->rc = lstm_session_set_input(s, "X", LSTM_DT_FLOAT, 3, xd, d->X,
                                       sizeof(float) * (size_t)(x0 * x1 * I));
    if (!r->rc)
        r->rc = lstm_session_set_input(s, "W", LSTM_DT_FLOAT, 3, wd, d->W,
                                       sizeof(float) * (size_t)(D * G * H * I));
    if (!r->rc)
        r->rc = lstm_session_set_input(s, "R", LSTM_DT_FLOAT, 3, rd, d->R,
                                       sizeof(float) * (size_t)(D * G * H * H));
    if (!r->rc && lstm_model_input_count(md) > 3)
        r->rc = lstm_session_set_input(s, "B", LSTM_DT_FLOAT, 2, bd, d->Bias,
                                       sizeof(float) * (size_t)(D * 2 * G * H));
    if (!r->rc && seq) {
        int64_t lens64[B];
        for (int i = 0; i < B; i++) lens64[i] = seq[i];
        r->rc =
            seq_dtype == I32
                ? lstm_session_set_input(s, "seq", LSTM_DT_INT32, 1, sd, seq, sizeof(int32_t) * B)
                : lstm_session_set_input(s, "seq", LSTM_DT_INT64, 1, sd, lens64, sizeof lens64);
    }
    if (!r->rc) r->rc = lstm_session_run(s);
    lstm_view v;
    if (!r->rc) r->rc = lstm_session_output(s, "Y", &v);
    if (r->rc) {
        snprintf(r->msg, sizeof r->msg, "%s", lstm_session_errmsg(s));
    } else {
        r->rank = v.rank;
        memcpy(r->dims, v.dims, sizeof r->dims);
        r->n = v.nbytes / sizeof(float);
        memcpy(r->y, v.data, v.nbytes);
    }
    lstm_session_close(s);
    lstm_model_close(md);
}

static double max_diff(const result *a, const result *b)
{
    double m = 0;
    for (size_t i = 0; i < a->n && i < b->n; i++) {
        double d = fabs((double)a->y[i] - (double)b->y[i]);
        if (d > m || isnan(d)) m = isnan(d) ? INFINITY : d;
    }
    return m;
}

typedef void (*setter)(tb_model *m, Onnx__NodeProto *n);
#define SETTER(name, body)                                                                         \
    static void name(tb_model *m, Onnx__NodeProto *n)                                              \
    {                                                                                              \
        (void)m;                                                                                   \
        body;                                                                                      \
    }
SETTER(set_none, (void)n)
SETTER(set_reverse, tb_attr_s(m, n, "direction", "reverse"))
SETTER(set_clip, tb_attr_f(m, n, "clip", 0.2f))
SETTER(set_input_forget, tb_attr_i(m, n, "input_forget", 1))
SETTER(set_lbr, tb_attr_i(m, n, "linear_before_reset", 1))
SETTER(lstm_f, tb_attr_strings(m, n, "activations", "HardSigmoid,Tanh,Tanh"))
SETTER(lstm_g, tb_attr_strings(m, n, "activations", "Sigmoid,Softsign,Tanh"))
SETTER(lstm_h, tb_attr_strings(m, n, "activations", "Sigmoid,Tanh,Relu"))
SETTER(lstm_leaky, tb_attr_strings(m, n, "activations", "Sigmoid,LeakyRelu,Tanh"))
SETTER(lstm_leaky_alpha, tb_attr_floats(m, n, "activation_alpha", (const float[]){0.5f}, 1))
SETTER(lstm_hs, tb_attr_strings(m, n, "activations", "HardSigmoid,Tanh,Tanh"))
SETTER(lstm_hs_beta, tb_attr_floats(m, n, "activation_beta", (const float[]){0.2f}, 1))
SETTER(gru_f, tb_attr_strings(m, n, "activations", "HardSigmoid,Tanh"))
SETTER(gru_g, tb_attr_strings(m, n, "activations", "Sigmoid,Softsign"))
SETTER(rnn_f, tb_attr_strings(m, n, "activations", "Relu"))
SETTER(rnn_elu, tb_attr_strings(m, n, "activations", "Elu"))
SETTER(rnn_elu_alpha, tb_attr_floats(m, n, "activation_alpha", (const float[]){3.0f}, 1))

static void pair(const char *op, int G, setter base, setter with, const char *what)
{
    data d;
    fill(&d);
    Onnx__NodeProto *n;
    result a, b;
    tb_model *m = model(op, &n, "X,W,R,B");
    base(m, n);
    run(m, &d, 1, G, T, B, NULL, 0, &a);
    tb_free(m);
    m = model(op, &n, "X,W,R,B");
    base(m, n);
    with(m, n);
    run(m, &d, 1, G, T, B, NULL, 0, &b);
    tb_free(m);
    if (a.rc || b.rc) print_error("%s %s: %s %s\n", op, what, a.msg, b.msg);
    assert_int_equal(a.rc, 0);
    assert_int_equal(b.rc, 0);
    double diff = max_diff(&a, &b);
    if (!(diff > 1e-3))
        print_error("%s: setting %s changed the output by only %g\n", op, what, diff);
    assert_true(diff > 1e-3);
}

static void pairs(void **state)
{
    (void)state;
    pair("LSTM", 4, set_none, set_reverse, "direction=reverse");
    pair("LSTM", 4, set_none, set_clip, "clip");
    pair("LSTM", 4, set_none, set_input_forget, "input_forget");
    pair("LSTM", 4, set_none, lstm_f, "activations[f]");
    pair("LSTM", 4, set_none, lstm_g, "activations[g]");
    pair("LSTM", 4, set_none, lstm_h, "activations[h]");
    pair("LSTM", 4, lstm_leaky, lstm_leaky_alpha, "activation_alpha");
    pair("LSTM", 4, lstm_hs, lstm_hs_beta, "activation_beta");
    pair("GRU", 3, set_none, set_reverse, "direction=reverse");
    pair("GRU", 3, set_none, set_clip, "clip");
    pair("GRU", 3, set_none, set_lbr, "linear_before_reset");
    pair("GRU", 3, set_none, gru_f, "activations[f]");
    pair("GRU", 3, set_none, gru_g, "activations[g]");
    pair("RNN", 1, set_none, set_reverse, "direction=reverse");
    pair("RNN", 1, set_none, set_clip, "clip");
    pair("RNN", 1, set_none, rnn_f, "activations[f]");
    pair("RNN", 1, rnn_elu, rnn_elu_alpha, "activation_alpha");
}

/* layout=1 reads the same buffer as [B, T, I]: the output differs in shape and values. */
static void layout_pair(void **state)
{
    (void)state;
    data d;
    fill(&d);
    Onnx__NodeProto *n;
    result a, b;
    tb_model *m = model("GRU", &n, "X,W,R,B");
    run(m, &d, 1, 3, T, B, NULL, 0, &a);
    tb_free(m);
    m = model("GRU", &n, "X,W,R,B");
    tb_attr_i(m, n, "layout", 1);
    run(m, &d, 1, 3, B, T, NULL, 0, &b);
    tb_free(m);
    assert_int_equal(a.rc, 0);
    assert_int_equal(b.rc, 0);
    assert_int_equal(a.dims[0], T); /* [T, D, B, H] */
    assert_int_equal(b.dims[0], B); /* [B, T, D, H] */
    assert_int_equal(b.dims[1], T);
    assert_true(max_diff(&a, &b) > 1e-3);
}

/* hidden_size given or inferred from R: the same numbers. */
static void hidden_size_inferred(void **state)
{
    (void)state;
    data d;
    fill(&d);
    Onnx__NodeProto *n;
    result a, b;
    tb_model *m = model("LSTM", &n, "X,W,R,B");
    run(m, &d, 1, 4, T, B, NULL, 0, &a);
    tb_free(m);
    m = model("LSTM", &n, "X,W,R,B");
    tb_attr_i(m, n, "hidden_size", H);
    run(m, &d, 1, 4, T, B, NULL, 0, &b);
    tb_free(m);
    assert_int_equal(a.rc, 0);
    assert_int_equal(b.rc, 0);
    assert_true(max_diff(&a, &b) == 0.0);
    m = model("LSTM", &n, "X,W,R,B");
    tb_attr_i(m, n, "hidden_size", H + 1);
    run(m, &d, 1, 4, T, B, NULL, 0, &b);
    tb_free(m);
    assert_int_equal(b.rc, LSTM_EINVAL);
    assert_non_null(strstr(b.msg, "node 'cell' (LSTM, opset 14): input W has shape [1,24,5], "
                                  "expected [1,28,5]"));
}

#define assert_run_fails(r, code, needle)                                                          \
    do {                                                                                           \
        if ((r).rc != (code) || !strstr((r).msg, needle))                                          \
            print_error("got %d '%s'\n", (r).rc, (r).msg);                                         \
        assert_int_equal((r).rc, code);                                                            \
        assert_non_null(strstr((r).msg, needle));                                                  \
    } while (0)

static void runtime_refusals(void **state)
{
    (void)state;
    data d;
    fill(&d);
    Onnx__NodeProto *n;
    result r;
    tb_model *m = model("LSTM", &n, "X,W,R,B,seq");
    run(m, &d, 1, 4, T, B, (const int32_t[]){4, 5, 1}, I32, &r);
    assert_run_fails(r, LSTM_EINVAL,
                     "node 'cell' (LSTM, opset 14): sequence_lens[1] (tensor 'seq') is 5, "
                     "expected 0..4");
    run(m, &d, 1, 4, T, B, (const int32_t[]){4, -1, 1}, I32, &r);
    assert_run_fails(r, LSTM_EINVAL, "sequence_lens[1] (tensor 'seq') is -1");
    run(m, &d, 1, 4, T, B, (const int32_t[]){4, 2, 1}, I64, &r);
    assert_run_fails(r, LSTM_EINVAL, "input 'seq' is int64, the model expects int32");
    tb_free(m);

    m = model("GRU", &n, "X,W,R,B");
    run(m, &d, 1, 4, T, B, NULL, 0, &r); /* W and R with LSTM's gate count */
    assert_run_fails(r, LSTM_EINVAL, "input W has shape [1,24,5], expected [1,18,5]");
    tb_free(m);

    m = model("RNN", &n, "X,W,R,B");
    tb_attr_s(m, n, "direction", "bidirectional");
    run(m, &d, 1, 1, T, B, NULL, 0, &r);
    assert_run_fails(r, LSTM_EINVAL, "input W has shape [1,6,5], expected [2,6,5]");
    tb_free(m);
}

/* Run-time sequence_lens errors name the graph tensor as well as the slot (the tensor the
** caller feeds, e.g. 'lengths_in'), for wrong values, a wrong shape and a wrong type. */
static int run_lengths(tb_model *m, int dtype, int64_t n, const void *lens, char *msg, size_t cap)
{
    size_t len;
    const uint8_t *buf = tb_pack(m, &len);
    lstm_model *md = NULL;
    lstm_session *s = NULL;
    data d;
    fill(&d);
    int rc = lstm_model_open_buffer(buf, len, NULL, &md);
    if (!rc) rc = lstm_session_open(md, &s);
    const int64_t xd[3] = {T, B, I};
    if (!rc)
        rc = lstm_session_set_input(s, "X", LSTM_DT_FLOAT, 3, xd, d.X, sizeof(float) * T * B * I);
    if (!rc)
        rc = lstm_session_set_input(s, "lengths_in", dtype, 1, &n, lens,
                                    (size_t)n * lstm_dtype_size(dtype));
    if (!rc) rc = lstm_session_run(s);
    snprintf(msg, cap, "%s", s ? lstm_session_errmsg(s) : lstm_model_errmsg(md));
    lstm_session_close(s);
    lstm_model_close(md);
    return rc;
}

static void sequence_lens_names_tensor(void **state)
{
    (void)state;
    tb_model *m = tb_new(8, 14);
    tb_input(m, "X", F32, 3, D3(T, B, I), NULL);
    tb_input(m, "lengths_in", 0, -1, NULL, NULL); /* no declared type: any is bound */
    tb_init_f32(m, "W", 3, D3(1, 4 * H, I), NULL);
    tb_init_f32(m, "R", 3, D3(1, 4 * H, H), NULL);
    tb_node(m, "LSTM", "cell", "X,W,R,,lengths_in", "Y");
    tb_output(m, "Y", F32, -1, NULL, NULL);
    char msg[512];
    int rc = run_lengths(m, LSTM_DT_INT32, B, (const int32_t[]){4, 9, 1}, msg, sizeof msg);
    if (rc != LSTM_EINVAL || !strstr(msg, "sequence_lens[1] (tensor 'lengths_in') is 9"))
        print_error("got %d '%s'\n", rc, msg);
    assert_int_equal(rc, LSTM_EINVAL);
    assert_non_null(strstr(msg, "node 'cell' (LSTM, opset 14): sequence_lens[1] (tensor "
                                "'lengths_in') is 9, expected 0..4"));
    rc = run_lengths(m, LSTM_DT_INT32, B + 1, (const int32_t[]){1, 2, 3, 4}, msg, sizeof msg);
    if (rc != LSTM_EINVAL || !strstr(msg, "input sequence_lens (tensor 'lengths_in') has shape"))
        print_error("got %d '%s'\n", rc, msg);
    assert_int_equal(rc, LSTM_EINVAL);
    assert_non_null(strstr(msg, "input sequence_lens (tensor 'lengths_in') has shape [4], "
                                "expected [3] (batch_size)"));
    rc = run_lengths(m, LSTM_DT_INT64, B, (const int64_t[]){4, 2, 1}, msg, sizeof msg);
    if (rc != LSTM_EINVAL || !strstr(msg, "sequence_lens (tensor 'lengths_in') is int64"))
        print_error("got %d '%s'\n", rc, msg);
    assert_int_equal(rc, LSTM_EINVAL);
    assert_non_null(strstr(msg, "sequence_lens (tensor 'lengths_in') is int64, expected int32"));
    tb_free(m);
}

static void empty_sizes_and_zero_lengths(void **state)
{
    (void)state;
    data d;
    fill(&d);
    Onnx__NodeProto *n;
    result r;
    tb_model *m = model("LSTM", &n, "X,W,R,B");
    run(m, &d, 1, 4, 0, B, NULL, 0, &r); /* T = 0 */
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 0);
    run(m, &d, 1, 4, T, 0, NULL, 0, &r); /* B = 0 */
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 0);
    tb_free(m);
    m = model("LSTM", &n, "X,W,R,B,seq");
    run(m, &d, 1, 4, T, B, (const int32_t[]){0, 0, 0}, I32, &r);
    assert_int_equal(r.rc, 0);
    for (size_t i = 0; i < r.n; i++) assert_true(r.y[i] == 0.0f);
    tb_free(m);
}

/* A float64 LSTM (peepholes, sequence_lens) with X, B, initial_h as inputs and W, R, P
** initializers, on d's data converted to double. */
static tb_model *lstm64_model(const data *d)
{
    tb_model *m = tb_new(8, 14);
    tb_input(m, "X", 11, -1, NULL, NULL);
    tb_input(m, "B", 11, -1, NULL, NULL);
    tb_input(m, "seq", I32, -1, NULL, NULL);
    double w[4 * H * I], r[4 * H * H], pp[3 * H];
    for (int i = 0; i < 4 * H * I; i++) w[i] = d->W[i];
    for (int i = 0; i < 4 * H * H; i++) r[i] = d->R[i];
    for (int i = 0; i < 3 * H; i++) pp[i] = d->Bias[i] * 0.5;
    const char *names[] = {"W", "R", "P"};
    const int64_t dims[3][3] = {{1, 4 * H, I}, {1, 4 * H, H}, {1, 3 * H, 0}};
    const void *src[] = {w, r, pp};
    const size_t bytes[] = {sizeof w, sizeof r, sizeof pp};
    for (int k = 0; k < 3; k++) {
        Onnx__TensorProto *t = tb_tensor(m, names[k], 11, k == 2 ? 2 : 3, dims[k]);
        tb_tensor_raw(m, t, src[k], bytes[k]);
        tb_add_initializer(m, t);
    }
    tb_node(m, "LSTM", "l64", "X,W,R,B,seq,,,P", "Y,Y_h,Y_c");
    for (int k = 0; k < 3; k++)
        tb_output(m, k ? (k == 1 ? "Y_h" : "Y_c") : "Y", 11, -1, NULL, NULL);
    return m;
}

static int gates_seen;
static void count_gate(void *ud, const char *node, const char *op, const char *gate,
                       const int64_t dims[4], const float *v)
{
    (void)ud, (void)op, (void)v;
    if (!strcmp(node, "l64") && dims[0] == T && dims[3] == H && strchr("ifogch", gate[0]))
        gates_seen++;
}

/* Runs X rows t0 .. t0 + n - 1 (all batch rows, lengths n) of the float64 model; Y into y. */
static int run64(lstm_session *s, const data *d, int t0, int n, double *y)
{
    double x[T * B * I], bias[8 * H];
    for (int i = 0; i < n * B * I; i++) x[i] = d->X[t0 * B * I + i];
    for (int i = 0; i < 8 * H; i++) bias[i] = d->Bias[i];
    const int32_t seq[B] = {n, n, n};
    int rc = lstm_session_set_input(s, "X", LSTM_DT_DOUBLE, 3, D3(n, B, I), x,
                                    sizeof(double) * (size_t)(n * B * I));
    if (!rc)
        rc = lstm_session_set_input(s, "B", LSTM_DT_DOUBLE, 2, (int64_t[]){1, 8 * H}, bias,
                                    sizeof bias);
    if (!rc) rc = lstm_session_set_input(s, "seq", LSTM_DT_INT32, 1, D1(B), seq, sizeof seq);
    if (!rc) rc = lstm_session_run(s);
    if (!rc) rc = lstm_session_output_copy(s, "Y", y, sizeof(double) * (size_t)(n * B * H));
    return rc;
}

static void ignore_gate(void *ud, const char *node, const char *op_type, const char *gate,
                        const int64_t dims[4], const float *values)
{
    (void)ud, (void)node, (void)op_type, (void)gate, (void)dims, (void)values;
}

/* Tracing only looks: a traced run takes the gates one by one, not the fused cell, but rounds
** as the cell does, so its outputs are the untraced run's bit for bit (every kernel set: CI runs
** this with LSTM_ISA=avx2 and portable too). Peepholes, clip, coupled gates, GRU with and without
** linear_before_reset, both directions, unequal sequence lengths, H not a vector multiple. */
static void trace_exact(void **state)
{
    (void)state;
    enum { T = 5, B = 3, I = 4, H = 6 };
    static const struct {
        const char *op;
        int gates, dirs, peep, lbr;
        float clip;
        int coupled;
    } cfg[] = {{"LSTM", 4, 1, 0, 0, 0, 0},    {"LSTM", 4, 2, 1, 0, 0, 0},
               {"LSTM", 4, 1, 1, 0, 0.4f, 1}, {"GRU", 3, 2, 0, 1, 0, 0},
               {"GRU", 3, 1, 0, 1, 0.5f, 0},  {"GRU", 3, 1, 0, 0, 0, 0},
               {"RNN", 1, 2, 0, 0, 0, 0}};
    for (size_t k = 0; k < sizeof cfg / sizeof cfg[0]; k++) {
        const int G = cfg[k].gates, D = cfg[k].dirs;
        float w[2 * 4 * H * I], r[2 * 4 * H * H], bias[2 * 8 * H], p[2 * 3 * H], x[T * B * I];
        for (int i = 0; i < D * G * H * I; i++) w[i] = 0.37f * sinf(1.3f * (float)i + (float)k);
        for (int i = 0; i < D * G * H * H; i++) r[i] = 0.29f * cosf(0.7f * (float)i + (float)k);
        for (int i = 0; i < D * 2 * G * H; i++) bias[i] = 0.21f * sinf(0.9f * (float)i);
        for (int i = 0; i < D * 3 * H; i++) p[i] = 0.33f * cosf(1.1f * (float)i);
        for (int i = 0; i < T * B * I; i++) x[i] = 1.7f * sinf(0.31f * (float)i + 0.2f);
        const int32_t lens[B] = {T, 2, 4};
        tb_model *m = tb_new(8, 14);
        tb_input(m, "X", F32, 3, D3(T, B, I), NULL);
        tb_init_f32(m, "W", 3, D3(D, G * H, I), w);
        tb_init_f32(m, "R", 3, D3(D, G * H, H), r);
        tb_init_f32(m, "B", 2, D2(D, 2 * G * H), bias);
        tb_input(m, "seq", I32, 1, D1(B), NULL);
        if (cfg[k].peep) tb_init_f32(m, "P", 2, D2(D, 3 * H), p);
        Onnx__NodeProto *n =
            tb_node(m, cfg[k].op, "rnn", cfg[k].peep ? "X,W,R,B,seq,,,P" : "X,W,R,B,seq", "Y,Yh");
        tb_attr_i(m, n, "hidden_size", H);
        if (D == 2) tb_attr_s(m, n, "direction", "bidirectional");
        if (cfg[k].clip > 0) tb_attr_f(m, n, "clip", cfg[k].clip);
        if (cfg[k].coupled) tb_attr_i(m, n, "input_forget", 1);
        if (cfg[k].lbr) tb_attr_i(m, n, "linear_before_reset", 1);
        tb_output(m, "Y", F32, -1, NULL, NULL);
        tb_output(m, "Yh", F32, -1, NULL, NULL);
        size_t len;
        const uint8_t *buf = tb_pack(m, &len);
        lstm_model *md;
        lstm_session *s;
        assert_int_equal(lstm_model_open_buffer(buf, len, NULL, &md), LSTM_OK);
        assert_int_equal(lstm_session_open(md, &s), LSTM_OK);
        assert_int_equal(lstm_session_set_input(s, "X", LSTM_DT_FLOAT, 3, D3(T, B, I), x, sizeof x),
                         LSTM_OK);
        assert_int_equal(
            lstm_session_set_input(s, "seq", LSTM_DT_INT32, 1, D1(B), lens, sizeof lens), LSTM_OK);
        float y[2][T * 2 * B * H], yh[2][2 * B * H];
        for (int traced = 0; traced < 2; traced++) {
            if (traced) assert_int_equal(lstm_session_set_trace(s, ignore_gate, NULL), LSTM_OK);
            assert_int_equal(lstm_session_run(s), LSTM_OK);
            assert_int_equal(
                lstm_session_output_copy(s, "Y", y[traced], sizeof(float) * T * D * B * H),
                LSTM_OK);
            assert_int_equal(
                lstm_session_output_copy(s, "Yh", yh[traced], sizeof(float) * D * B * H), LSTM_OK);
        }
        int same = !memcmp(y[0], y[1], sizeof(float) * T * D * B * H) &&
                   !memcmp(yh[0], yh[1], sizeof(float) * D * B * H);
        if (!same)
            print_error("%s config %zu (kernels %s): traced outputs differ\n", cfg[k].op, k,
                        lstm_kernels());
        assert_true(same);
        lstm_session_close(s);
        lstm_model_close(md);
        tb_free(m);
    }
}

/* float64 is computed in double (rnn_f64.c): it agrees with the float32 path on the same data to
** float rounding, a run fed in two chunks with streaming on gives the whole run's Y, and the
** trace sees every gate. The exact values are checked against the NumPy float64 oracle and
** PyTorch by tests/data/ort and tests/data/pytorch (onnxruntime has no float64 kernel). */
static void float64_lstm(void **state)
{
    (void)state;
    data d;
    fill(&d);
    tb_model *m = lstm64_model(&d);
    size_t len;
    const uint8_t *buf = tb_pack(m, &len);
    lstm_model *md;
    lstm_session *s;
    assert_int_equal(lstm_model_open_buffer(buf, len, NULL, &md), LSTM_OK);
    assert_int_equal(lstm_session_open(md, &s), LSTM_OK);
    assert_int_equal(lstm_session_set_trace(s, count_gate, NULL), LSTM_OK);
    double whole[T * B * H], part[T * B * H];
    assert_int_equal(run64(s, &d, 0, T, whole), LSTM_OK);
    assert_int_equal(gates_seen, 6);

    /* The same LSTM in float32 (P as an initializer too, the other inputs fed). */
    tb_model *m32 = tb_new(8, 14);
    tb_input(m32, "X", F32, -1, NULL, NULL);
    tb_input(m32, "B", F32, -1, NULL, NULL);
    tb_input(m32, "seq", I32, -1, NULL, NULL);
    float pp[3 * H];
    for (int i = 0; i < 3 * H; i++) pp[i] = d.Bias[i] * 0.5f;
    tb_init_f32(m32, "W", 3, D3(1, 4 * H, I), d.W);
    tb_init_f32(m32, "R", 3, D3(1, 4 * H, H), d.R);
    tb_init_f32(m32, "P", 2, (int64_t[]){1, 3 * H}, pp);
    tb_node(m32, "LSTM", "l32", "X,W,R,B,seq,,,P", "Y");
    tb_output(m32, "Y", F32, -1, NULL, NULL);
    buf = tb_pack(m32, &len);
    lstm_model *md32;
    lstm_session *s32;
    assert_int_equal(lstm_model_open_buffer(buf, len, NULL, &md32), LSTM_OK);
    assert_int_equal(lstm_session_open(md32, &s32), LSTM_OK);
    const int32_t seq[B] = {T, T, T};
    assert_int_equal(
        lstm_session_set_input(s32, "X", LSTM_DT_FLOAT, 3, D3(T, B, I), d.X, sizeof d.X), LSTM_OK);
    assert_int_equal(lstm_session_set_input(s32, "B", LSTM_DT_FLOAT, 2, (int64_t[]){1, 8 * H},
                                            d.Bias, sizeof(float) * 8 * H),
                     LSTM_OK);
    assert_int_equal(lstm_session_set_input(s32, "seq", LSTM_DT_INT32, 1, D1(B), seq, sizeof seq),
                     LSTM_OK);
    assert_int_equal(lstm_session_run(s32), LSTM_OK);
    float y32[T * B * H];
    assert_int_equal(lstm_session_output_copy(s32, "Y", y32, sizeof y32), LSTM_OK);
    double worst = 0;
    for (int i = 0; i < T * B * H; i++) { /* (no fmax: aarch64 gcc 12 crashes vectorizing it) */
        double e = fabs(whole[i] - (double)y32[i]);
        if (e > worst) worst = e;
    }
    if (worst > 1e-5) print_error("float64 vs float32: %g\n", worst);
    assert_true(worst <= 1e-5);
    assert_true(worst > 0); /* computed in double, not through float32 */

    /* Streaming: steps 0..1, then 2..3. */
    assert_int_equal(lstm_session_set_streaming(s, 1), LSTM_OK);
    assert_int_equal(run64(s, &d, 0, 2, part), LSTM_OK);
    assert_int_equal(run64(s, &d, 2, T - 2, part + 2 * B * H), LSTM_OK);
    worst = 0;
    for (int i = 0; i < T * B * H; i++) {
        double e = fabs(whole[i] - part[i]);
        if (e > worst) worst = e;
    }
    if (worst > 1e-13) print_error("streamed vs whole: %g\n", worst);
    assert_true(worst <= 1e-13);
    lstm_session_close(s32);
    lstm_model_close(md32);
    tb_free(m32);
    lstm_session_close(s);
    lstm_model_close(md);
    tb_free(m);
}

/* float16 in, float16 out, computed in float32: agrees with the float32 run to fp16 rounding. */
static void float16_io(void **state)
{
    (void)state;
    data d;
    fill(&d);
    Onnx__NodeProto *n;
    result ref;
    tb_model *m = model("RNN", &n, "X,W,R,B");
    run(m, &d, 1, 1, T, B, NULL, 0, &ref);
    tb_free(m);
    assert_int_equal(ref.rc, 0);

    /* The same model in float16, with the float32 data rounded by the library's converter. */
    m = tb_new(8, 14);
    const char *names[] = {"X", "W", "R", "B"};
    for (int i = 0; i < 4; i++) tb_input(m, names[i], 10, -1, NULL, NULL);
    tb_node(m, "RNN", "cell", "X,W,R,B", "Y");
    tb_output(m, "Y", 10, -1, NULL, NULL);
    size_t len;
    const uint8_t *buf = tb_pack(m, &len);
    lstm_model *md;
    lstm_session *s;
    assert_int_equal(lstm_model_open_buffer(buf, len, NULL, &md), LSTM_OK);
    assert_int_equal(lstm_session_open(md, &s), LSTM_OK);
    const float *src[4] = {d.X, d.W, d.R, d.Bias};
    int64_t dims[4][3] = {{T, B, I}, {1, H, I}, {1, H, H}, {1, 2 * H, 0}};
    int ranks[4] = {3, 3, 3, 2};
    uint16_t *h[4];
    for (int i = 0; i < 4; i++) {
        size_t cnt = (size_t)lstm__dims_count(ranks[i], dims[i]);
        h[i] = malloc(cnt * 2);
        for (size_t j = 0; j < cnt; j++) h[i][j] = lstm__f32_to_f16(src[i][j]);
        assert_int_equal(
            lstm_session_set_input(s, names[i], LSTM_DT_FLOAT16, ranks[i], dims[i], h[i], cnt * 2),
            LSTM_OK);
    }
    assert_int_equal(lstm_session_run(s), LSTM_OK);
    lstm_view v;
    assert_int_equal(lstm_session_output(s, "Y", &v), LSTM_OK);
    assert_int_equal(v.dtype, LSTM_DT_FLOAT16);
    assert_int_equal(v.nbytes, ref.n * 2);
    for (size_t j = 0; j < ref.n; j++) {
        float got = lstm__f16_to_f32(((const uint16_t *)v.data)[j]);
        assert_true(fabsf(got - ref.y[j]) <= 1e-2f + 1e-2f * fabsf(ref.y[j]));
    }
    for (int i = 0; i < 4; i++) free(h[i]);
    lstm_session_close(s);
    lstm_model_close(md);
    tb_free(m);
}

/* Run an LSTM over float16 or bfloat16 X with W, R and B either graph inputs (widened and
** packed by each run) or initializers (widened and packed once at load); Y's bytes. */
static void half_lstm(const data *d, int dt, int as_init, uint16_t *y, size_t yn)
{
    uint16_t (*conv)(float) = dt == LSTM_DT_FLOAT16 ? lstm__f32_to_f16 : lstm__f32_to_bf16;
    const char *names[] = {"X", "W", "R", "B"};
    const float *src[4] = {d->X, d->W, d->R, d->Bias};
    int64_t dims[4][3] = {{T, B, I}, {1, 4 * H, I}, {1, 4 * H, H}, {1, 8 * H, 0}};
    int ranks[4] = {3, 3, 3, 2};
    uint16_t *h[4];
    size_t cnt[4];
    for (int i = 0; i < 4; i++) {
        cnt[i] = (size_t)lstm__dims_count(ranks[i], dims[i]);
        h[i] = malloc(cnt[i] * 2);
        for (size_t j = 0; j < cnt[i]; j++) h[i][j] = conv(src[i][j]);
    }
    tb_model *m = tb_new(8, 14);
    for (int i = 0; i < 4; i++) {
        if (i == 0 || !as_init) {
            tb_input(m, names[i], dt, -1, NULL, NULL);
        } else {
            Onnx__TensorProto *t = tb_tensor(m, names[i], dt, ranks[i], dims[i]);
            tb_tensor_raw(m, t, h[i], cnt[i] * 2);
            tb_add_initializer(m, t);
        }
    }
    Onnx__NodeProto *n = tb_node(m, "LSTM", "cell", "X,W,R,B", "Y");
    tb_attr_i(m, n, "hidden_size", H);
    tb_output(m, "Y", dt, -1, NULL, NULL);
    size_t len;
    const uint8_t *buf = tb_pack(m, &len);
    lstm_model *md;
    lstm_session *s;
    assert_int_equal(lstm_model_open_buffer(buf, len, NULL, &md), LSTM_OK);
    const lstm__node *node = &md->g->nodes[md->g->n_nodes - 1];
    assert_true((node->packed != NULL) == as_init); /* packed at load only as initializers */
    assert_int_equal(lstm_session_open(md, &s), LSTM_OK);
    for (int i = 0; i < (as_init ? 1 : 4); i++)
        assert_int_equal(
            lstm_session_set_input(s, names[i], dt, ranks[i], dims[i], h[i], cnt[i] * 2), LSTM_OK);
    for (int run = 0; run < 2; run++) assert_int_equal(lstm_session_run(s), LSTM_OK);
    lstm_view v;
    assert_int_equal(lstm_session_output(s, "Y", &v), LSTM_OK);
    assert_int_equal(v.nbytes, yn * 2);
    memcpy(y, v.data, yn * 2);
    for (int i = 0; i < 4; i++) free(h[i]);
    lstm_session_close(s);
    lstm_model_close(md);
    tb_free(m);
}

/* float16 and bfloat16 weights that are initializers are widened and packed once at load and
** give the bits of the same weights bound at run time (widened and packed by every run). */
static void half_weights_packed(void **state)
{
    (void)state;
    data d;
    fill(&d);
    const size_t yn = (size_t)T * B * H;
    uint16_t a[T * B * H], b[T * B * H];
    const int dts[2] = {LSTM_DT_FLOAT16, LSTM_DT_BFLOAT16};
    for (int k = 0; k < 2; k++) {
        half_lstm(&d, dts[k], 0, a, yn);
        half_lstm(&d, dts[k], 1, b, yn);
        assert_memory_equal(a, b, sizeof a);
        int nonzero = 0;
        for (size_t j = 0; j < yn; j++) nonzero += (a[j] & 0x7fff) != 0;
        assert_true(nonzero > (int)yn / 2);
    }
}

/* An empty sequence (T = 0) with a batch whose scratch passes 2^63 bytes (2 x batch x
** hidden_size floats; an RNN's G x H is H): refused by the node as too large in float32 and
** float64, the sizes computed without overflow (the sanitizer build checks it). Larger batches
** make X itself too big to address (batch x input_size x 8 bytes past 2^63): refused as input. */
static void huge_batch_refused(void **state)
{
    (void)state;
    const int64_t bigs[] = {INT64_MAX / (I * 8), (int64_t)1 << 62, INT64_MAX};
    static const float w[H * I], r[H * H];
    static const double w64[H * I], r64[H * H];
    for (int c = 0; c < 6; c++) {
        const int f64 = c & 1;
        const int64_t big = bigs[c / 2];
        const int dt = f64 ? LSTM_DT_DOUBLE : LSTM_DT_FLOAT;
        tb_model *m = tb_new(8, 14);
        const char *names[] = {"X", "W", "R"};
        for (int i = 0; i < 3; i++) tb_input(m, names[i], f64 ? 11 : F32, -1, NULL, NULL);
        tb_node(m, "RNN", "cell", "X,W,R", "Y,Y_h");
        tb_output(m, "Y", f64 ? 11 : F32, -1, NULL, NULL);
        tb_output(m, "Y_h", f64 ? 11 : F32, -1, NULL, NULL);
        size_t len;
        const uint8_t *buf = tb_pack(m, &len);
        lstm_model *md;
        lstm_session *s;
        assert_int_equal(lstm_model_open_buffer(buf, len, NULL, &md), LSTM_OK);
        assert_int_equal(lstm_session_open(md, &s), LSTM_OK);
        const size_t es = f64 ? sizeof(double) : sizeof(float);
        int rc = lstm_session_set_input(s, "X", dt, 3, D3(0, big, I), w, 0);
        if (c >= 2) {
            assert_int_equal(rc, LSTM_ELIMIT);
            assert_non_null(strstr(lstm_session_errmsg(s), "input 'X': shape [0,"));
            assert_non_null(strstr(lstm_session_errmsg(s), "is too big to address"));
            lstm_session_close(s);
            lstm_model_close(md);
            tb_free(m);
            continue;
        }
        assert_int_equal(rc, LSTM_OK);
        assert_int_equal(lstm_session_set_input(s, "W", dt, 3, D3(1, H, I),
                                                f64 ? (const void *)w64 : w, es * H * I),
                         LSTM_OK);
        assert_int_equal(lstm_session_set_input(s, "R", dt, 3, D3(1, H, H),
                                                f64 ? (const void *)r64 : r, es * H * H),
                         LSTM_OK);
        rc = lstm_session_run(s);
        if (rc != LSTM_ELIMIT) print_error("%d: %s\n", rc, lstm_session_errmsg(s));
        assert_int_equal(rc, LSTM_ELIMIT);
        assert_non_null(strstr(lstm_session_errmsg(s), "cell"));
        lstm_session_close(s);
        lstm_model_close(md);
        tb_free(m);
    }
}

static void half_conversions(void **state)
{
    (void)state;
    const float v[] = {0.0f,           -0.0f,          1.0f,        -2.5f,    65504.0f,
                       6.1035156e-05f, 5.9604645e-08f, 0.33325195f, INFINITY, -INFINITY};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        assert_true(lstm__f16_to_f32(lstm__f32_to_f16(v[i])) == v[i]);
        float b = lstm__bf16_to_f32(lstm__f32_to_bf16(v[i]));
        assert_true(b == v[i] || fabsf(b - v[i]) <= fabsf(v[i]) * 0.004f);
    }
    assert_int_equal(lstm__f32_to_f16(1e6f), 0x7c00);           /* overflow -> inf */
    assert_int_equal(lstm__f32_to_f16(1e-9f), 0);               /* underflow -> 0 */
    assert_int_equal(lstm__f32_to_f16(1.0009766f), 0x3c01);     /* exact */
    assert_int_equal(lstm__f32_to_f16(1.00048828125f), 0x3c00); /* tie to even */
    assert_true(isnan(lstm__f16_to_f32(lstm__f32_to_f16(NAN))));
    assert_true(isnan(lstm__bf16_to_f32(lstm__f32_to_bf16(NAN))));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pairs),
        cmocka_unit_test(layout_pair),
        cmocka_unit_test(hidden_size_inferred),
        cmocka_unit_test(runtime_refusals),
        cmocka_unit_test(sequence_lens_names_tensor),
        cmocka_unit_test(empty_sizes_and_zero_lengths),
        cmocka_unit_test(trace_exact),
        cmocka_unit_test(float64_lstm),
        cmocka_unit_test(float16_io),
        cmocka_unit_test(half_weights_packed),
        cmocka_unit_test(huge_batch_refused),
        cmocka_unit_test(half_conversions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
