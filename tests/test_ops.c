/* test_ops.c — the graph operators' refusals of bad run-time values (robustness.md section H
** and I): each names the node and what was expected; NaN handling; the convolutional operators'
** refusals, their weights prepared at load and runs without allocation. Numerical agreement is
** checked by the ONNX node tests (tests/node_suite.py) and the reference suites (tests/data). */
#include "model.h"
#include "ops/conv.h"
#include "ops/ops.h"
#include "simd/simd.h"
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct feed {
    const char *name;
    int dtype, rank;
    int64_t dims[4];
    const void *data;
    size_t bytes;
} feed;

/* Run a one-node model; inputs are declared without shapes. Returns the status; msg gets the
** session's message and out the first output's first values. */
static int run1(tb_model *m, const feed *f, int nf, char *msg, float *out, int nout)
{
    size_t len;
    const uint8_t *buf = tb_pack(m, &len);
    lstm_model *md = NULL;
    lstm_session *s = NULL;
    int rc = lstm_model_open_buffer(buf, len, NULL, &md);
    if (!rc) rc = lstm_session_open(md, &s);
    for (int i = 0; !rc && i < nf; i++)
        rc = lstm_session_set_input(s, f[i].name, f[i].dtype, f[i].rank, f[i].dims, f[i].data,
                                    f[i].bytes);
    if (!rc) rc = lstm_session_run(s);
    snprintf(msg, 512, "%s", s ? lstm_session_errmsg(s) : lstm_model_errmsg(md));
    lstm_view v;
    if (!rc && out && lstm_session_output(s, "Y", &v) == LSTM_OK)
        for (int i = 0; i < nout && (size_t)i < v.nbytes / 4; i++)
            out[i] = ((const float *)v.data)[i];
    lstm_session_close(s);
    lstm_model_close(md);
    return rc;
}

/* run1 for any output type: bytes [off, off + n) of output Y into out (the run fails with
** LSTM_EINVAL when Y is shorter). */
static int run1_bytes(tb_model *m, const feed *f, int nf, char *msg, void *out, size_t off,
                      size_t n)
{
    size_t len;
    const uint8_t *buf = tb_pack(m, &len);
    lstm_model *md = NULL;
    lstm_session *s = NULL;
    int rc = lstm_model_open_buffer(buf, len, NULL, &md);
    if (!rc) rc = lstm_session_open(md, &s);
    for (int i = 0; !rc && i < nf; i++)
        rc = lstm_session_set_input(s, f[i].name, f[i].dtype, f[i].rank, f[i].dims, f[i].data,
                                    f[i].bytes);
    if (!rc) rc = lstm_session_run(s);
    snprintf(msg, 512, "%s", s ? lstm_session_errmsg(s) : lstm_model_errmsg(md));
    lstm_view v;
    if (!rc) rc = lstm_session_output(s, "Y", &v);
    if (!rc && v.nbytes < off + n) rc = LSTM_EINVAL;
    if (!rc) memcpy(out, (const char *)v.data + off, n);
    lstm_session_close(s);
    lstm_model_close(md);
    return rc;
}

/* A one-node model (IR version ir, opset v): inputs A, B, C... of the given types (an empty name
** in ins is an absent input), output Y of type yt. */
static tb_model *node_model(int64_t ir, int64_t v, const char *op, const char *ins, int n,
                            const int *dtypes, int yt)
{
    tb_model *m = tb_new(ir, v);
    char names[12][4];
    for (int i = 0; i < n && i < 12; i++) {
        snprintf(names[i], sizeof names[i], "%c", 'A' + i);
        tb_input(m, names[i], dtypes[i], -1, NULL, NULL);
    }
    tb_node(m, op, "op", ins, "Y");
    tb_output(m, "Y", yt, -1, NULL, NULL);
    return m;
}

static tb_model *one_at(int64_t opset, const char *op, const char *ins, int n_decl,
                        const int *dtypes)
{
    return node_model(8, opset, op, ins, n_decl, dtypes, F32);
}

static tb_model *one(const char *op, const char *ins, int n_decl, const int *dtypes)
{
    return one_at(17, op, ins, n_decl, dtypes);
}

/* A one-node model at opset `opset` whose output Y has type out. */
static tb_model *one_typed(int64_t opset, const char *op, const char *ins, int n_decl,
                           const int *dtypes, int out)
{
    tb_model *m = one_at(opset, op, ins, n_decl, dtypes);
    tb_graph(m)->output[0]->type->tensor_type->elem_type = out;
    return m;
}

#define expect(rc, msg, code, needle)                                                              \
    do {                                                                                           \
        if ((rc) != (code) || !strstr(msg, needle)) print_error("got %d '%s'\n", rc, msg);         \
        assert_int_equal(rc, code);                                                                \
        assert_non_null(strstr(msg, needle));                                                      \
    } while (0)

static const float x6[6] = {1, 2, 3, 4, 5, 6}, x12[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

static void h_rows(void **state)
{
    (void)state;
    char msg[512];
    int rc;
    tb_model *m;

    m = one("Transpose", "A", 1, (int[]){F32});
    tb_attr_ints(m, tb_graph(m)->node[0], "perm", (const int64_t[]){0, 0}, 2);
    rc = run1(m, (feed[]){{"A", F32, 2, {2, 3}, x6, 24}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (Transpose, opset 17): perm is not a permutation of 0..1");
    tb_free(m);

    m = one("Transpose", "A", 1, (int[]){F32});
    tb_attr_ints(m, tb_graph(m)->node[0], "perm", (const int64_t[]){1, 0, 2}, 3);
    rc = run1(m, (feed[]){{"A", F32, 2, {2, 3}, x6, 24}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "perm has 3 entries for an input of rank 2");
    tb_free(m);

    int64_t shp[3] = {-1, -1, 2};
    m = one("Reshape", "A,B", 2, (int[]){F32, I64});
    rc = run1(m, (feed[]){{"A", F32, 2, {2, 3}, x6, 24}, {"B", I64, 1, {3}, shp, 24}}, 2, msg, NULL,
              0);
    expect(rc, msg, LSTM_EINVAL, "node 'op' (Reshape, opset 17): shape has more than one -1");
    int64_t shp2[2] = {4, 2};
    rc = run1(m, (feed[]){{"A", F32, 2, {2, 3}, x6, 24}, {"B", I64, 1, {2}, shp2, 16}}, 2, msg,
              NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "cannot reshape [2,3] (6 elements) into [4,2]");
    int64_t shp3[2] = {0, 0};
    rc = run1(m, (feed[]){{"A", F32, 1, {6}, x6, 24}, {"B", I64, 1, {2}, shp3, 16}}, 2, msg, NULL,
              0);
    expect(rc, msg, LSTM_EINVAL, "shape[1] is 0 (copy) but the input has rank 1");
    tb_free(m);

    int64_t idx[2] = {1, 3};
    m = one("Gather", "A,B", 2, (int[]){F32, I64});
    rc = run1(m, (feed[]){{"A", F32, 2, {3, 2}, x6, 24}, {"B", I64, 1, {2}, idx, 16}}, 2, msg, NULL,
              0);
    expect(rc, msg, LSTM_EINVAL, "node 'op' (Gather, opset 17): index 3 at 1 is outside [-3, 2]");
    int64_t idx2[1] = {INT64_MIN};
    rc = run1(m, (feed[]){{"A", F32, 2, {3, 2}, x6, 24}, {"B", I64, 1, {1}, idx2, 8}}, 2, msg, NULL,
              0);
    expect(rc, msg, LSTM_EINVAL, "is outside [-3, 2]");
    int64_t idx3[1] = {-3};
    float got[2] = {0, 0};
    rc = run1(m, (feed[]){{"A", F32, 2, {3, 2}, x6, 24}, {"B", I64, 1, {1}, idx3, 8}}, 2, msg, got,
              2);
    assert_int_equal(rc, LSTM_OK);
    assert_true(got[0] == 1 && got[1] == 2);
    tb_free(m);

    m = one("Concat", "A,B", 2, (int[]){F32, F32});
    tb_attr_i(m, tb_graph(m)->node[0], "axis", 0);
    rc = run1(m, (feed[]){{"A", F32, 2, {2, 3}, x6, 24}, {"B", F32, 2, {3, 2}, x6, 24}}, 2, msg,
              NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (Concat, opset 17): input 1 has shape [3,2], input 0 [2,3]");
    tb_free(m);
    m = one("Concat", "A", 1, (int[]){F32});
    tb_attr_i(m, tb_graph(m)->node[0], "axis", 5);
    rc = run1(m, (feed[]){{"A", F32, 2, {2, 3}, x6, 24}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "axis 5 is outside [-2, 1] for rank 2");
    tb_free(m);

    m = one("MatMul", "A,B", 2, (int[]){F32, F32});
    rc = run1(m, (feed[]){{"A", F32, 2, {2, 3}, x6, 24}, {"B", F32, 2, {2, 3}, x6, 24}}, 2, msg,
              NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "node 'op' (MatMul, opset 17): inner dimensions differ (3 and 2)");
    rc = run1(m, (feed[]){{"A", F32, 3, {2, 1, 3}, x6, 24}, {"B", F32, 3, {3, 3, 1}, x12, 36}}, 2,
              msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "batch dimensions 2 and 3 do not broadcast");
    /* Empty operands (fuzz_load found an offset taken on an empty tensor's NULL data): K = 0
    ** gives zeros (NumPy: np.zeros((2, 0)) @ np.zeros((0, 3)) is zeros((2, 3))), M = 0 an empty
    ** output. */
    float z6[6] = {9, 9, 9, 9, 9, 9};
    rc = run1(m, (feed[]){{"A", F32, 2, {2, 0}, NULL, 0}, {"B", F32, 2, {0, 3}, NULL, 0}}, 2, msg,
              z6, 6);
    assert_int_equal(rc, LSTM_OK);
    for (int i = 0; i < 6; i++) assert_true(z6[i] == 0.0f);
    rc = run1(m, (feed[]){{"A", F32, 2, {0, 3}, NULL, 0}, {"B", F32, 2, {3, 2}, x6, 24}}, 2, msg,
              NULL, 0);
    assert_int_equal(rc, LSTM_OK);
    tb_free(m);

    int64_t st[1] = {0}, en[1] = {2}, ax[1] = {0}, sp[1] = {0};
    m = one("Slice", "A,B,C,D,E", 5, (int[]){F32, I64, I64, I64, I64});
    rc = run1(m,
              (feed[]){{"A", F32, 1, {6}, x6, 24},
                       {"B", I64, 1, {1}, st, 8},
                       {"C", I64, 1, {1}, en, 8},
                       {"D", I64, 1, {1}, ax, 8},
                       {"E", I64, 1, {1}, sp, 8}},
              5, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "node 'op' (Slice, opset 17): step is 0");
    /* Steps of the int64 extremes take one element (NumPy: x[1::2**63-1], x[5::-2**63]); the
    ** count once overflowed computing end - start + step - 1 (a fuzzer finding). */
    const int64_t ext[2][3] = {{1, INT64_MAX, INT64_MAX}, {-1, INT64_MIN, INT64_MIN}};
    const float want[2] = {2, 6};
    for (int t = 0; t < 2; t++) {
        float got[2] = {-1, -1};
        rc = run1(m,
                  (feed[]){{"A", F32, 1, {6}, x6, 24},
                           {"B", I64, 1, {1}, &ext[t][0], 8},
                           {"C", I64, 1, {1}, &ext[t][1], 8},
                           {"D", I64, 1, {1}, ax, 8},
                           {"E", I64, 1, {1}, &ext[t][2], 8}},
                  5, msg, got, 2);
        assert_int_equal(rc, LSTM_OK);
        assert_true(got[0] == want[t] && got[1] == -1); /* one element */
    }
    tb_free(m);

    int64_t sh[2] = {3, 3};
    m = one("Expand", "A,B", 2, (int[]){F32, I64});
    rc = run1(m, (feed[]){{"A", F32, 2, {2, 3}, x6, 24}, {"B", I64, 1, {2}, sh, 16}}, 2, msg, NULL,
              0);
    expect(rc, msg, LSTM_EINVAL, "node 'op' (Expand, opset 17): cannot broadcast [2,3] to [3,3]");
    tb_free(m);

    int64_t rep[2] = {1, -2};
    m = one("Tile", "A,B", 2, (int[]){F32, I64});
    rc = run1(m, (feed[]){{"A", F32, 2, {2, 3}, x6, 24}, {"B", I64, 1, {2}, rep, 16}}, 2, msg, NULL,
              0);
    expect(rc, msg, LSTM_EINVAL, "node 'op' (Tile, opset 17): repeats[1] is -2");
    tb_free(m);

    int64_t big[2] = {1 << 20, 1 << 20};
    m = one("Expand", "A,B", 2, (int[]){F32, I64});
    rc = run1(m, (feed[]){{"A", F32, 1, {1}, x6, 4}, {"B", I64, 1, {2}, big, 16}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_ELIMIT, "exceeds the tensor limit of 2147483648 bytes");
    tb_free(m);

    int64_t zero[2] = {0, 1}, num[2] = {7, 7};
    m = one("Div", "A,B", 2, (int[]){I64, I64});
    tb_graph(m)->output[0]->type->tensor_type->elem_type = I64;
    rc = run1(m, (feed[]){{"A", I64, 1, {2}, num, 16}, {"B", I64, 1, {2}, zero, 16}}, 2, msg, NULL,
              0);
    expect(rc, msg, LSTM_EINVAL, "node 'op' (Div, opset 17): integer division by zero");
    tb_free(m);

    m = one("Add", "A,B", 2, (int[]){F32, F32});
    rc = run1(m, (feed[]){{"A", F32, 1, {2}, x6, 8}, {"B", F32, 1, {3}, x6, 12}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (Add, opset 17): shapes [2] and [3] cannot be broadcast together");
    tb_free(m);
}

/* A one-node model at another opset, with its own output list (graph output: Y). */
static tb_model *one_v(const char *op, int64_t opset, const char *ins, const char *outs, int n_decl,
                       const int *dtypes)
{
    tb_model *m = tb_new(8, opset);
    char names[8][8];
    for (int i = 0; i < n_decl; i++) {
        snprintf(names[i], sizeof names[i], "%c", 'A' + i);
        tb_input(m, names[i], dtypes[i], -1, NULL, NULL);
    }
    tb_node(m, op, "op", ins, outs);
    tb_output(m, "Y", F32, -1, NULL, NULL);
    return m;
}

/* Conv, ConvTranspose, the pools, the normalisations and PRelu refuse what they do not
** implement and bad shapes, naming the node and the attribute or input. */
static void conv_refusals(void **state)
{
    (void)state;
    char msg[512];
    int rc;
    tb_model *m;
    float x12[12] = {0}, w6[6] = {1, 2, 3, 4, 5, 6};
    const feed conv1d[2] = {{"A", F32, 3, {1, 2, 6}, x12, 48}, {"B", F32, 3, {1, 2, 3}, w6, 24}};

    m = one("Conv", "A,B", 2, (int[]){F32, F32});
    tb_attr_ints(m, tb_graph(m)->node[0], "kernel_shape", (const int64_t[]){2}, 1);
    rc = run1(m, conv1d, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (Conv, opset 17): kernel_shape [2] differs from W's [3]");
    tb_free(m);

    m = one("Conv", "A,B", 2, (int[]){F32, F32});
    tb_attr_s(m, tb_graph(m)->node[0], "auto_pad", "SAME");
    rc = run1(m, conv1d, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "(Conv, opset 17): auto_pad 'SAME' is not NOTSET, SAME_UPPER, SAME_LOWER or VALID");
    tb_free(m);

    m = one("Conv", "A,B", 2, (int[]){F32, F32});
    tb_attr_s(m, tb_graph(m)->node[0], "auto_pad", "SAME_UPPER");
    tb_attr_ints(m, tb_graph(m)->node[0], "pads", (const int64_t[]){1, 1}, 2);
    rc = run1(m, conv1d, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "node 'op' (Conv, opset 17): attribute 'pads' cannot be given with auto_pad=SAME_UPPER");
    tb_free(m);

    m = one("Conv", "A,B", 2, (int[]){F32, F32});
    tb_attr_i(m, tb_graph(m)->node[0], "group", 2);
    rc = run1(m, conv1d, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "(Conv, opset 17): X has 2 channels, W expects 2 x group 2");
    tb_free(m);

    m = one("Conv", "A,B", 2, (int[]){F32, F32});
    tb_attr_i(m, tb_graph(m)->node[0], "grop", 2);
    rc = run1(m, conv1d, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "node 'op' (Conv, opset 17): unknown attribute 'grop'");
    tb_free(m);

    m = one("Conv", "A,B", 2, (int[]){F32, F32});
    tb_attr_ints(m, tb_graph(m)->node[0], "strides", (const int64_t[]){1, 1}, 2);
    rc = run1(m, conv1d, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (Conv, opset 17): attribute 'strides' has 2 values for 1 spatial axes");
    tb_free(m);

    m = one("Conv", "A,B", 2, (int[]){F32, F32});
    rc = run1(m, (feed[]){{"A", F32, 3, {1, 2, 2}, x12, 16}, {"B", F32, 3, {1, 2, 3}, w6, 24}}, 2,
              msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "(Conv, opset 17): spatial axis 0 has 2 elements with padding 0 + 0, fewer than the "
           "kernel's extent 3");
    tb_free(m);
    int32_t xi[12] = {0};
    m = one("Conv", "A,B", 2, (int[]){I32, F32});
    rc = run1(m, (feed[]){{"A", I32, 3, {1, 2, 6}, xi, 48}, {"B", F32, 3, {1, 2, 3}, w6, 24}}, 2,
              msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "(Conv, opset 17): X, W and B must share one float type (got int32, float32)");
    tb_free(m);

    float none[1];
    m = one("Conv", "A,B", 2, (int[]){F32, F32});
    rc = run1(m, (feed[]){{"A", F32, 3, {1, 0, 6}, none, 0}, {"B", F32, 3, {1, 0, 3}, none, 0}}, 2,
              msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "(Conv, opset 17): W has shape [1,0,3], an empty dimension");
    tb_free(m);

    m = one("ConvTranspose", "A,B", 2, (int[]){F32, F32});
    tb_attr_ints(m, tb_graph(m)->node[0], "output_shape", (const int64_t[]){4, 4}, 2);
    rc = run1(m, (feed[]){{"A", F32, 3, {1, 1, 6}, x12, 24}, {"B", F32, 3, {1, 2, 3}, w6, 24}}, 2,
              msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "(ConvTranspose, opset 17): attribute 'output_shape' has 2 values, expected 1 "
           "(spatial) or 3");
    tb_free(m);

    const feed x4d[1] = {{"A", F32, 4, {1, 1, 3, 4}, x12, 48}};
    m = one("MaxPool", "A", 1, (int[]){F32});
    tb_attr_ints(m, tb_graph(m)->node[0], "kernel_shape", (const int64_t[]){2, 2}, 2);
    tb_attr_i(m, tb_graph(m)->node[0], "storage_order", 2);
    rc = run1(m, x4d, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "node 'op' (MaxPool, opset 17): attribute 'storage_order' is 2, expected 0 or 1");
    tb_free(m);

    m = one_v("MaxPool", 9, "A", "Y", 1, (int[]){F32});
    tb_attr_ints(m, tb_graph(m)->node[0], "kernel_shape", (const int64_t[]){2, 2}, 2);
    tb_attr_i(m, tb_graph(m)->node[0], "ceil_mode", 1);
    rc = run1(m, x4d, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "node 'op' (MaxPool, opset 9): unknown attribute 'ceil_mode' for MaxPool version 8");
    tb_free(m);

    m = one("MaxPool", "A", 1, (int[]){F32});
    tb_attr_ints(m, tb_graph(m)->node[0], "kernel_shape", (const int64_t[]){2, 2}, 2);
    tb_attr_ints(m, tb_graph(m)->node[0], "pads", (const int64_t[]){0, 2, 0, 0}, 4);
    rc = run1(m, x4d, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "(MaxPool, opset 17): pads 2 and 0 on spatial axis 1 must be smaller than the kernel");
    tb_free(m);

    m = one("AveragePool", "A", 1, (int[]){F32});
    rc = run1(m, x4d, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "node 'op' (AveragePool, opset 17): attribute 'kernel_shape' is required");
    tb_free(m);

    float c1[1] = {1};
    const feed bn[5] = {{"A", F32, 4, {1, 1, 3, 4}, x12, 48},
                        {"B", F32, 1, {1}, c1, 4},
                        {"C", F32, 1, {1}, c1, 4},
                        {"D", F32, 1, {1}, c1, 4},
                        {"E", F32, 1, {1}, c1, 4}};
    const int f5[5] = {F32, F32, F32, F32, F32};
    m = one_v("BatchNormalization", 15, "A,B,C,D,E", "Y", 5, f5);
    tb_attr_i(m, tb_graph(m)->node[0], "training_mode", 1);
    rc = run1(m, bn, 5, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "node 'op' (BatchNormalization, opset 15): training_mode=1 is not supported");
    tb_free(m);
    m = one_v("BatchNormalization", 6, "A,B,C,D,E", "Y", 5, f5);
    rc = run1(m, bn, 5, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "node 'op' (BatchNormalization, opset 6): is_test=0 (training mode, the default before "
           "version 7) is not supported");
    tb_free(m);
    m = one_v("BatchNormalization", 9, "A,B,C,D,E", "Y,M", 5, f5);
    rc = run1(m, bn, 5, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "node 'op' (BatchNormalization, opset 9): output 1 ('M') is a training-mode output");
    tb_free(m);
    m = one_v("BatchNormalization", 9, "A,B,C,D,E", "Y", 5, f5);
    const feed bn2[5] = {bn[0], bn[1], {"C", F32, 1, {2}, x12, 8}, bn[3], bn[4]};
    rc = run1(m, bn2, 5, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (BatchNormalization, opset 9): input B has shape [2], expected [C] with C = "
           "[1]");
    tb_free(m);

    m = one("LayerNormalization", "A,B", 2, (int[]){F32, F32});
    tb_attr_i(m, tb_graph(m)->node[0], "stash_type", 0);
    rc = run1(m, (feed[]){{"A", F32, 2, {3, 4}, x12, 48}, {"B", F32, 1, {4}, x12, 16}}, 2, msg,
              NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "node 'op' (LayerNormalization, opset 17): stash_type 0 is not supported");
    tb_free(m);
    m = one("LayerNormalization", "A,B", 2, (int[]){F32, F32});
    tb_attr_i(m, tb_graph(m)->node[0], "axis", 2);
    rc = run1(m, (feed[]){{"A", F32, 2, {3, 4}, x12, 48}, {"B", F32, 1, {4}, x12, 16}}, 2, msg,
              NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "(LayerNormalization, opset 17): axis 2 is outside [-2, 1]");
    rc = run1(m, (feed[]){{"A", F32, 3, {1, 3, 4}, x12, 48}, {"B", F32, 1, {3}, x12, 12}}, 2, msg,
              NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "(LayerNormalization, opset 17): Scale has shape [3], which does not broadcast to X "
           "[1,3,4]");
    tb_free(m);

    m = one("PRelu", "A,B", 2, (int[]){F32, F32});
    rc = run1(m, (feed[]){{"A", F32, 2, {3, 4}, x12, 48}, {"B", F32, 1, {3}, x12, 12}}, 2, msg,
              NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (PRelu, opset 17): slope has shape [3], which does not broadcast to X [3,4]");
    tb_free(m);
    m = one_v("PRelu", 6, "A,B", "Y", 2, (int[]){F32, F32});
    rc = run1(m, (feed[]){{"A", F32, 2, {3, 4}, x12, 48}, {"B", F32, 1, {2}, x12, 8}}, 2, msg, NULL,
              0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (PRelu, opset 6): slope has shape [2]; before version 7 it must have one "
           "element, X's shape [3,4] or one per channel (X's dim 1)");
    tb_free(m);
}

/* A Conv model X [1,2,5] * W [3,2,3] + B [3] (pads 1): W and B as initializers (how = 0), from
** Constant nodes (1) or graph inputs (2). */
static const float cw[18] = {1, -2, 0.5f, 3, 0, -1, 2, 2, -1, 0.25f, 1, 0, -3, 1, 1, 0, 2, -0.5f};
static const float cb[3] = {0.5f, -1, 2};
static const float cx[10] = {1, 2, -1, 0.5f, 3, -2, 1, 0, 4, -1};

static tb_model *conv_model(int how)
{
    tb_model *m = tb_new(8, 17);
    tb_input(m, "X", F32, 3, D3(1, 2, 5), NULL);
    if (how == 0) {
        tb_init_f32(m, "W", 3, D3(3, 2, 3), cw);
        tb_init_f32(m, "B", 1, D1(3), cb);
    } else if (how == 1) {
        const char *names[2] = {"W", "B"};
        const float *vals[2] = {cw, cb};
        for (int i = 0; i < 2; i++) {
            Onnx__NodeProto *c = tb_node(m, "Constant", names[i], NULL, names[i]);
            Onnx__AttributeProto *a = tb_attr_i(m, c, "value", 0);
            a->has_i = 0;
            a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR;
            a->t = i ? tb_tensor(m, "b", F32, 1, D1(3)) : tb_tensor(m, "w", F32, 3, D3(3, 2, 3));
            tb_tensor_raw(m, a->t, vals[i], i ? sizeof cb : sizeof cw);
        }
    } else {
        tb_input(m, "W", F32, 3, D3(3, 2, 3), NULL);
        tb_input(m, "B", F32, 1, D1(3), NULL);
    }
    Onnx__NodeProto *n = tb_node(m, "Conv", "conv", "X,W,B", "Y");
    tb_attr_ints(m, n, "pads", (const int64_t[]){1, 1}, 2);
    tb_output(m, "Y", F32, -1, NULL, NULL);
    return m;
}

/* Constant Conv weights are prepared once when the model loads (initializers and Constant
** nodes alike, the bias folded into the COLS form); weights bound at run time are not, and every
** form gives the convolution computed here by hand. */
static void conv_weights_packed_at_load(void **state)
{
    (void)state;
    float want[15];
    for (int m = 0; m < 3; m++)
        for (int o = 0; o < 5; o++) {
            double acc = cb[m];
            for (int c = 0; c < 2; c++)
                for (int t = 0; t < 3; t++) {
                    int i = o + t - 1;
                    if (i >= 0 && i < 5) acc += (double)cw[(m * 2 + c) * 3 + t] * cx[c * 5 + i];
                }
            want[m * 5 + o] = (float)acc;
        }
    for (int how = 0; how < 3; how++) {
        tb_model *b = conv_model(how);
        size_t len;
        const uint8_t *buf = tb_pack(b, &len);
        lstm_model *md = NULL;
        lstm_session *s = NULL;
        assert_int_equal(lstm_model_open_buffer(buf, len, NULL, &md), LSTM_OK);
        const lstm__node *conv = &md->g->nodes[md->g->n_nodes - 1];
        assert_string_equal(conv->op_type, "Conv");
        const lstm__conv_pack *pk = conv->packed;
        if (how < 2) {
            assert_non_null(pk);
            assert_non_null(pk->wb);
            assert_true(pk->G == 1 && pk->K == 6 && pk->Mg == 3);
            assert_true(pk->wb[6] == cb[0] && pk->wb[7] == cw[6]); /* row 0: W then B */
        } else {
            assert_null(pk);
        }
        assert_int_equal(lstm_session_open(md, &s), LSTM_OK);
        assert_int_equal(
            lstm_session_set_input(s, "X", LSTM_DT_FLOAT, 3, D3(1, 2, 5), cx, sizeof cx), LSTM_OK);
        if (how == 2) {
            assert_int_equal(
                lstm_session_set_input(s, "W", LSTM_DT_FLOAT, 3, D3(3, 2, 3), cw, sizeof cw),
                LSTM_OK);
            assert_int_equal(lstm_session_set_input(s, "B", LSTM_DT_FLOAT, 1, D1(3), cb, sizeof cb),
                             LSTM_OK);
        }
        assert_int_equal(lstm_session_run(s), LSTM_OK);
        lstm_view v;
        assert_int_equal(lstm_session_output(s, "Y", &v), LSTM_OK);
        assert_int_equal(v.nbytes, sizeof want);
        for (int i = 0; i < 15; i++)
            assert_true(fabsf(((const float *)v.data)[i] - want[i]) <=
                        1e-5f * (1 + fabsf(want[i])));
        lstm_session_close(s);
        lstm_model_close(md);
        tb_free(b);
    }
}

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

/* Every path of the convolutional operators, the CRNN export, MatMul / Gemm on packed and on
** OpenBLAS, and Resize: once planned, runs with the same shapes allocate nothing and give the
** same outputs. */
static void conv_paths_no_alloc(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "pytorch/crnn_opset17",                        /* Conv COLS, BN, Relu, MaxPool 2x2, LSTM */
        "convops/conv_v11_stft_silero",                /* ROWS, rows read in place */
        "convops/conv_v11_3d",                         /* ROWS with im2col over 3 axes */
        "convops/conv_v11_w_input",                    /* COLS, [W | B] built per run */
        "convops/conv_v11_dw1d_stride",                /* depthwise, direct */
        "convops/conv_v11_2d_float16",                 /* double accumulation */
        "convops/convtranspose_v11_2d_group",          /* GEMM + col2im */
        "convops/maxpool_v12_2d_dil",                  /* spans, Indices */
        "convops/averagepool_v19_2d_dil_pads_include", /* spans, count_include_pad */
        "convops/maxpool_v12_3d",                      /* any rank */
        "convops/layernormalization_v17_stats",        /* Mean, InvStdDev */
        "convops/batchnormalization_v7_spatial0",
        "convops/instancenormalization_v6_4d_float64",
        "convops/prelu_v9_mid",
        "diff/gemm_v13_binit_c0",                 /* packed B, one row, C a bias row */
        "diff/gemm_v13_binit_c2",                 /* packed B, 19 rows, alpha, beta, C [M,1] */
        "diff/gemm_v13_binit_ta",                 /* transA: OpenBLAS */
        "diff/matmul_v13_b_init_batched",         /* packed B, the batches' rows as one product */
        "diff/matmul_v13_float32",                /* B an input: OpenBLAS */
        "diff/resize_v19_nearest_float32",        /* Resize: nearest copies */
        "diff/resize_v19_symmetric0_cubic",       /* cubic passes through scratch */
        "diff/resize_v19_aa_cubic_float16",       /* antialias windows, float16 via float32 */
        "diff/upsample_v9_linear_r5",             /* linear over several axes */
        "diff/quantizelinear_v21_block3_a1_2x7",  /* blocked scales in scratch */
        "diff/dequantizelinear_v21_float16_axis", /* per-axis, float16 out */
        "diff/matmulinteger_v10_azp_rows",        /* zero points per row in scratch */
        "diff/reducelogsumexp_v18_ax1_k1",        /* the reduction walk in the node's state */
        "diff/meanvariancenormalization_v13_axes1",
        "diff/onehot_v11_axis1", /* depth read while planning */
        "diff/trilu_v14_bool_lower",
        "diff/mod_v13_bcast0_int32", /* broadcast walk */
        "diff/depthtospace_v13_bool_crd",
        "diff/attention_v24_past_float32",   /* past / present key and value */
        "diff/attention_v24_3d_gqa_float16", /* 3-D, grouped heads, float16 via float32 */
        "diff/attention_v24_nonpad_causal",
        "diff/attention_v24_big",
        "diff/gridsample_v22_cubic_border_ac1",
        "diff/gridsample_v22_3d_linear_border",
        "diff/affinegrid_v20_3d_ac1",
        "diff/unique_v11_axis1", /* run-shaped: buffers that only grow */
        "diff/det_v22_batch2",
    };
    static unsigned char buf[1 << 20];
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char dir[1024], path[1200];
        snprintf(dir, sizeof dir, "%s/%s", TESTS_DATA_DIR, cases[c]);
        snprintf(path, sizeof path, "%s/model.onnx", dir);
        lstm_options opt = {.size = sizeof opt, .alloc = count_alloc, .free = count_free};
        lstm_model *m = NULL;
        lstm_session *s = NULL;
        assert_int_equal(lstm_model_open(path, &opt, &m), LSTM_OK);
        assert_int_equal(lstm_session_open(m, &s), LSTM_OK);
        int n_in = lstm_model_input_count(m);
        lstm_value vals[8];
        assert_true(n_in <= 8);
        for (int k = 0; k < n_in; k++) {
            snprintf(path, sizeof path, "%s/test_data_set_0/input_%d.pb", dir, k);
            FILE *f = fopen(path, "rb");
            assert_non_null(f);
            size_t len = fread(buf, 1, sizeof buf, f);
            fclose(f);
            lstm_value_info vi;
            assert_int_equal(lstm_model_input_info(m, k, &vi), LSTM_OK);
            assert_int_equal(lstm_value_read_pb(buf, len, LSTM_PB_TENSOR, &vals[k], NULL, 0),
                             LSTM_OK);
            const lstm_tensor *t = &vals[k].tensor;
            assert_int_equal(
                lstm_session_set_input(s, vi.name, t->dtype, t->rank, t->dims, t->data, t->nbytes),
                LSTM_OK);
        }
        allocs = 0;
        int rc = lstm_session_run(s);
        if (rc) print_error("%s: %s\n", cases[c], lstm_session_errmsg(s));
        assert_int_equal(rc, LSTM_OK);
        assert_true(allocs > 0); /* planning allocates: the counter sees the library's calls */
        lstm_view v;
        lstm_value_info out;
        assert_int_equal(lstm_model_output_info(m, 0, &out), LSTM_OK);
        assert_int_equal(lstm_session_output(s, out.name, &v), LSTM_OK);
        void *first = malloc(v.nbytes);
        assert_non_null(first);
        memcpy(first, v.data, v.nbytes);
        allocs = 0;
        for (int r = 0; r < 3; r++) assert_int_equal(lstm_session_run(s), LSTM_OK);
        if (allocs) print_error("%s: %d allocations in 3 runs\n", cases[c], allocs);
        assert_int_equal(allocs, 0);
        assert_int_equal(lstm_session_output(s, out.name, &v), LSTM_OK);
        assert_memory_equal(v.data, first, v.nbytes);
        free(first);
        for (int k = 0; k < n_in; k++) lstm_value_clear(&vals[k]);
        lstm_session_close(s);
        lstm_model_close(m);
    }
}

/* MatMul and Gemm pack a constant float32 B at load (transB honoured), and only then: not with
** transA, not an empty B, not an initializer that is also a graph input (IR 3). */
static void linear_packed_at_load(void **state)
{
    (void)state;
    static const struct {
        const char *dir;
        int packed;
    } cases[] = {
        {"gemm_v13_binit_c0", 1},     {"gemm_v13_binit_c1", 1},
        {"matmul_v13_b_init_vec", 1}, {"matmul_v13_b_init_batched", 1},
        {"gemm_v13_binit_ta", 0},     {"matmul_v13_b_init_empty_n", 0},
        {"gemm_v7_binit_c0", 0},      {"matmul_v13_float32", 0},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char path[1200];
        snprintf(path, sizeof path, "%s/diff/%s/model.onnx", TESTS_DATA_DIR, cases[c].dir);
        lstm_model *m = NULL;
        assert_int_equal(lstm_model_open(path, NULL, &m), LSTM_OK);
        const lstm__node *n = &m->g->nodes[m->g->n_nodes - 1];
        const lstm__linear_pack *pk = n->packed;
        if (!cases[c].packed != !pk) print_error("%s: packed %p\n", cases[c].dir, (void *)pk);
        assert_int_equal(!cases[c].packed, !pk);
        if (pk) {
            assert_int_equal(pk->K, 70);
            assert_int_equal(pk->N, 37);
            assert_int_equal(pk->isa, lstm__isa());
        }
        lstm_model_close(m);
    }
}

/* QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear and MatMulInteger refuse malformed
** scales and zero points, types their version does not allow and types this runtime cannot hold,
** naming the node and what was expected. */
static void quant_refusals(void **state)
{
    (void)state;
    enum { U8 = 2, I8 = 3, U16 = 4, I16 = 5, F16 = 10, F8 = 17, INT4 = 22 };
    char msg[512];
    int rc;
    tb_model *m;
    const float s3[3] = {1, 2, 3}, s1 = 0.5f;
    const int8_t z3[3] = {0, 1, 2}, z1 = 0;
    const int16_t z16 = 0;
    const feed x24 = {"A", F32, 2, {2, 4}, x12, 32}, sc = {"B", F32, 0, {0}, &s1, 4};
    const uint8_t q6[6] = {1, 2, 3, 4, 5, 6};

    /* Per-axis scale of the wrong length; a 1-D scale before opset 13. */
    m = node_model(10, 13, "QuantizeLinear", "A,B", 2, (int[]){F32, F32}, U8);
    rc = run1(m, (feed[]){x24, {"B", F32, 1, {3}, s3, 12}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (QuantizeLinear, opset 13): scale has shape [3], expected a scalar or [4] "
           "(per-axis, axis 1 of x [2,4])");
    tb_free(m);
    m = node_model(10, 10, "QuantizeLinear", "A,B", 2, (int[]){F32, F32}, U8);
    rc = run1(m, (feed[]){x24, {"B", F32, 1, {3}, s3, 12}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "scale has shape [3], expected a scalar at opset 10");
    tb_free(m);

    /* Axis out of range; zero point shape and type. */
    m = node_model(10, 13, "DequantizeLinear", "A,B,C", 3, (int[]){U8, F32, U8}, F32);
    tb_attr_i(m, tb_graph(m)->node[0], "axis", 2);
    rc = run1(
        m,
        (feed[]){{"A", U8, 2, {2, 3}, q6, 6}, {"B", F32, 1, {3}, s3, 12}, {"C", U8, 1, {3}, q6, 3}},
        3, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (DequantizeLinear, opset 13): axis 2 is outside [-2, 1]");
    rc = run1(
        m,
        (feed[]){{"A", U8, 2, {2, 3}, q6, 6}, {"B", F32, 0, {0}, &s1, 4}, {"C", U8, 1, {3}, q6, 3}},
        3, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "zero point has shape [3], expected a scalar like the scale");
    tb_free(m);
    m = node_model(10, 13, "DequantizeLinear", "A,B,C", 3, (int[]){U8, F32, I8}, F32);
    rc = run1(m, (feed[]){{"A", U8, 2, {2, 3}, q6, 6}, sc, {"C", I8, 0, {0}, &z1, 1}}, 3, msg, NULL,
              0);
    expect(rc, msg, LSTM_EINVAL, "zero point is int8, expected uint8 at opset 13");
    tb_free(m);
    m = node_model(10, 13, "QuantizeLinear", "A,B,C", 3, (int[]){F32, F32, I16}, I16);
    rc = run1(m, (feed[]){x24, sc, {"C", I16, 0, {0}, &z16, 2}}, 3, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "zero point is int16, expected uint8 or int8 at opset 13");
    tb_free(m);
    m = node_model(10, 13, "QuantizeLinear", "A,B,C", 3, (int[]){F32, F32, I8}, I8);
    rc = run1(m, (feed[]){x24, {"B", F32, 1, {4}, x6, 16}, {"C", I8, 1, {3}, z3, 3}}, 3, msg, NULL,
              0);
    expect(rc, msg, LSTM_EINVAL, "zero point has shape [3], the scale [4]");
    tb_free(m);

    /* Types by version: float16 x before 19, a scale of another type than x at 19 and 21. */
    uint16_t h4[8] = {0};
    m = node_model(10, 13, "QuantizeLinear", "A,B", 2, (int[]){F16, F32}, U8);
    rc = run1(m, (feed[]){{"A", F16, 2, {2, 4}, h4, 16}, sc}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "x is float16, expected float32 or int32 at opset 13");
    tb_free(m);
    m = node_model(10, 21, "QuantizeLinear", "A,B", 2, (int[]){F16, F32}, U8);
    rc = run1(m, (feed[]){{"A", F16, 2, {2, 4}, h4, 16}, sc}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "scale is float32, expected float16 at opset 21");
    tb_free(m);

    /* Blocked: the scale's shape, block_size. */
    m = node_model(10, 21, "DequantizeLinear", "A,B", 2, (int[]){U8, F32}, F32);
    tb_attr_i(m, tb_graph(m)->node[0], "block_size", 2);
    rc = run1(m, (feed[]){{"A", U8, 2, {2, 3}, q6, 6}, {"B", F32, 2, {2, 1}, s3, 8}}, 2, msg, NULL,
              0);
    expect(rc, msg, LSTM_EINVAL,
           "scale has shape [2,1], expected [2,2] (x [2,3] in blocks of 2 along axis 1)");
    tb_free(m);
    /* A block_size past the axis is one block (ceil(D / block_size) overflowed int64). */
    m = node_model(10, 21, "DequantizeLinear", "A,B", 2, (int[]){U8, F32}, F32);
    tb_attr_i(m, tb_graph(m)->node[0], "block_size", INT64_MAX);
    float dq[6];
    rc =
        run1(m, (feed[]){{"A", U8, 2, {2, 3}, q6, 6}, {"B", F32, 2, {2, 1}, s3, 8}}, 2, msg, dq, 6);
    expect(rc, msg, LSTM_OK, "");
    for (int i = 0; i < 6; i++) assert_true(dq[i] == (float)q6[i] * s3[i / 3]);
    tb_free(m);
    m = node_model(10, 21, "QuantizeLinear", "A,B", 2, (int[]){F32, F32}, U8);
    tb_attr_i(m, tb_graph(m)->node[0], "block_size", -1);
    rc = run1(m, (feed[]){x24, sc}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "attribute 'block_size' is -1, expected >= 0");
    tb_free(m);
    m = node_model(10, 19, "QuantizeLinear", "A,B", 2, (int[]){F32, F32}, U8);
    tb_attr_i(m, tb_graph(m)->node[0], "block_size", 2);
    rc = run1(m, (feed[]){x24, sc}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "unknown attribute 'block_size' for QuantizeLinear version 19");
    tb_free(m);

    /* output_dtype: types this runtime cannot hold, types that are not quantized types, a zero
    ** point of another type; saturate, precision. */
    m = node_model(10, 21, "QuantizeLinear", "A,B", 2, (int[]){F32, F32}, U8);
    tb_attr_i(m, tb_graph(m)->node[0], "output_dtype", F8);
    rc = run1(m, (feed[]){x24, sc}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "node 'op' (QuantizeLinear, opset 21): attribute 'output_dtype' is float8e4m3fn, a type "
           "this runtime cannot hold");
    tb_free(m);
    m = node_model(10, 25, "QuantizeLinear", "A,B", 2, (int[]){F32, F32}, U8);
    tb_attr_i(m, tb_graph(m)->node[0], "output_dtype", INT4);
    rc = run1(m, (feed[]){x24, sc}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED, "attribute 'output_dtype' is int4, a type this runtime");
    tb_free(m);
    m = node_model(10, 21, "QuantizeLinear", "A,B", 2, (int[]){F32, F32}, U8);
    tb_attr_i(m, tb_graph(m)->node[0], "output_dtype", F32);
    rc = run1(m, (feed[]){x24, sc}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "attribute 'output_dtype' is 1 (float32), expected uint8, int8, uint16 or int16");
    tb_free(m);
    m = node_model(10, 21, "QuantizeLinear", "A,B,C", 3, (int[]){F32, F32, I8}, I8);
    tb_attr_i(m, tb_graph(m)->node[0], "output_dtype", U8);
    rc = run1(m, (feed[]){x24, sc, {"C", I8, 0, {0}, &z1, 1}}, 3, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "zero point is int8 but attribute 'output_dtype' says uint8");
    tb_free(m);
    m = node_model(10, 23, "DequantizeLinear", "A,B", 2, (int[]){U8, F32}, F32);
    tb_attr_i(m, tb_graph(m)->node[0], "output_dtype", U8);
    rc = run1(m, (feed[]){{"A", U8, 2, {2, 3}, q6, 6}, sc}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "expected float32, float16 or bfloat16");
    tb_free(m);
    m = node_model(10, 19, "QuantizeLinear", "A,B", 2, (int[]){F32, F32}, U8);
    tb_attr_i(m, tb_graph(m)->node[0], "saturate", 2);
    rc = run1(m, (feed[]){x24, sc}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "attribute 'saturate' is 2, expected 0 or 1");
    tb_free(m);
    m = node_model(10, 23, "QuantizeLinear", "A,B", 2, (int[]){F32, F32}, U8);
    tb_attr_i(m, tb_graph(m)->node[0], "precision", I32);
    rc = run1(m, (feed[]){x24, sc}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "attribute 'precision' is 6 (int32), expected float32");
    tb_free(m);

    /* MatMulInteger: 8-bit operands, zero points of their operand's type and layout. */
    const uint8_t a6[6] = {1, 2, 3, 4, 5, 6}, z2[2] = {1, 2};
    const int16_t w6[6] = {0};
    m = node_model(10, 10, "MatMulInteger", "A,B", 2, (int[]){U8, I16}, I32);
    rc = run1(m, (feed[]){{"A", U8, 2, {2, 3}, a6, 6}, {"B", I16, 2, {3, 2}, w6, 12}}, 2, msg, NULL,
              0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (MatMulInteger, opset 10): A is uint8 and B int16, expected int8 or uint8");
    tb_free(m);
    m = node_model(10, 10, "MatMulInteger", "A,B,C,D", 4, (int[]){U8, U8, U8, I8}, I32);
    rc = run1(m,
              (feed[]){{"A", U8, 2, {2, 3}, a6, 6},
                       {"B", U8, 2, {3, 2}, a6, 6},
                       {"C", U8, 0, {0}, a6, 1},
                       {"D", I8, 0, {0}, &z1, 1}},
              4, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "b_zero_point is int8, expected uint8 like B");
    tb_free(m);
    m = node_model(10, 10, "MatMulInteger", "A,B,C", 3, (int[]){U8, U8, U8}, I32);
    rc = run1(m,
              (feed[]){{"A", U8, 2, {2, 3}, a6, 6},
                       {"B", U8, 2, {3, 2}, a6, 6},
                       {"C", U8, 1, {3}, a6, 3}},
              3, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "a_zero_point has shape [3], expected one value or one per row of A [2,3]");
    rc = run1(m,
              (feed[]){{"A", U8, 2, {2, 3}, a6, 6},
                       {"B", U8, 2, {2, 3}, a6, 6},
                       {"C", U8, 1, {2}, z2, 2}},
              3, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "inner dimensions differ (3 and 2)");
    tb_free(m);

    /* DynamicQuantizeLinear takes float32 only. */
    m = tb_new(10, 11);
    tb_input(m, "A", F16, -1, NULL, NULL);
    tb_node(m, "DynamicQuantizeLinear", "op", "A", "Y,S,Z");
    tb_output(m, "Y", U8, -1, NULL, NULL);
    tb_output(m, "S", F32, -1, NULL, NULL);
    tb_output(m, "Z", U8, -1, NULL, NULL);
    rc = run1(m, (feed[]){{"A", F16, 2, {2, 4}, h4, 16}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (DynamicQuantizeLinear, opset 11): x is float16, expected float32");
    tb_free(m);
}

/* QLinearMatMul, ConvInteger and QLinearConv refuse types their version does not allow, zero
** points of another type than their operand, scales / zero points / bias of the wrong layout and
** unknown attributes, naming the node and what was expected. */
static void qlinear_refusals(void **state)
{
    (void)state;
    enum { U8 = 2, I8 = 3, I16 = 5, F16 = 10 };
    char msg[512];
    int rc;
    tb_model *m;
    const uint8_t a6[6] = {1, 2, 3, 4, 5, 6}, z1 = 0, z2[2] = {0, 0};
    const int8_t i1 = 0;
    const int16_t w6[6] = {0};
    const float s1 = 0.5f, s3[3] = {1, 2, 3};
    const uint16_t h1 = 0x3800; /* 0.5 */
    const feed a = {"A", U8, 2, {2, 3}, a6, 6}, sa = {"B", F32, 0, {0}, &s1, 4},
               za = {"C", U8, 0, {0}, &z1, 1}, b = {"D", U8, 2, {3, 2}, a6, 6},
               sb = {"E", F32, 0, {0}, &s1, 4}, zb = {"F", U8, 0, {0}, &z1, 1},
               sy = {"G", F32, 0, {0}, &s1, 4}, zy = {"H", U8, 0, {0}, &z1, 1};
    const int t8[8] = {U8, F32, U8, U8, F32, U8, F32, U8};

    m = node_model(12, 10, "QLinearMatMul", "A,B,C,D,E,F,G,H", 8, t8, U8);
    rc = run1(m, (feed[]){a, sa, za, b, sb, zb, sy, zy}, 8, msg, NULL, 0);
    expect(rc, msg, LSTM_OK, "");
    rc = run1(m, (feed[]){a, sa, za, b, {"E", F32, 1, {3}, s3, 12}, zb, sy, zy}, 8, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (QLinearMatMul, opset 10): b_scale has shape [3] and "
           "b_zero_point [], expected the same");
    rc = run1(m,
              (feed[]){a, sa, za, b, {"E", F32, 1, {3}, s3, 12}, {"F", U8, 1, {3}, a6, 3}, sy, zy},
              8, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "b_scale has shape [3], expected one value or one per column of b [3,2]");
    rc = run1(m,
              (feed[]){a, {"B", F32, 1, {3}, s3, 12}, {"C", U8, 1, {3}, a6, 3}, b, sb, zb, sy, zy},
              8, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "a_scale has shape [3], expected one value or one per row of a [2,3]");
    rc = run1(m, (feed[]){a, sa, za, b, sb, zb, sy, {"H", U8, 1, {2}, z2, 2}}, 8, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "y_zero_point has shape [2], expected one value");
    rc = run1(m, (feed[]){a, sa, za, {"D", U8, 2, {2, 3}, a6, 6}, sb, zb, sy, zy}, 8, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "inner dimensions differ (3 and 2)");
    tb_free(m);

    m = node_model(12, 10, "QLinearMatMul", "A,B,C,D,E,F,G,H", 8,
                   (int[]){U8, F32, I8, I16, F32, I16, F32, U8}, U8);
    rc = run1(m,
              (feed[]){a,
                       sa,
                       {"C", I8, 0, {0}, &i1, 1},
                       {"D", I16, 2, {3, 2}, w6, 12},
                       sb,
                       {"F", I16, 0, {0}, w6, 2},
                       sy,
                       zy},
              8, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (QLinearMatMul, opset 10): b is int16, expected int8 or uint8");
    tb_free(m);
    m = node_model(12, 10, "QLinearMatMul", "A,B,C,D,E,F,G,H", 8,
                   (int[]){U8, F32, I8, U8, F32, U8, F32, U8}, U8);
    rc = run1(m, (feed[]){a, sa, {"C", I8, 0, {0}, &i1, 1}, b, sb, zb, sy, zy}, 8, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "a_zero_point is int8, expected uint8 like a");
    tb_free(m);

    /* float16 scales from opset 21 only, all three of one type. */
    const int th[8] = {U8, F16, U8, U8, F16, U8, F16, U8};
    const feed hs[8] = {a,  {"B", F16, 0, {0}, &h1, 2}, za, b, {"E", F16, 0, {0}, &h1, 2},
                        zb, {"G", F16, 0, {0}, &h1, 2}, zy};
    m = node_model(12, 10, "QLinearMatMul", "A,B,C,D,E,F,G,H", 8, th, U8);
    rc = run1(m, hs, 8, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "a_scale is float16, expected float32 at opset 10");
    tb_free(m);
    m = node_model(12, 21, "QLinearMatMul", "A,B,C,D,E,F,G,H", 8, th, U8);
    rc = run1(m, hs, 8, msg, NULL, 0);
    expect(rc, msg, LSTM_OK, "");
    tb_free(m);
    m = node_model(12, 21, "QLinearMatMul", "A,B,C,D,E,F,G,H", 8,
                   (int[]){U8, F16, U8, U8, F16, U8, F32, U8}, U8);
    rc = run1(m, (feed[]){hs[0], hs[1], hs[2], hs[3], hs[4], hs[5], sy, zy}, 8, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "y_scale is float32, expected float16 like a_scale");
    tb_free(m);

    /* Every input is required; no attribute is known. */
    m = node_model(12, 10, "QLinearMatMul", "A,B,C,D,E,F,G", 7, t8, U8);
    rc = run1(m, (feed[]){a, sa, za, b, sb, zb, sy}, 7, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "node 'op' (QLinearMatMul, opset 10) has 7 inputs, expected 8");
    tb_free(m);
    m = node_model(12, 10, "QLinearMatMul", "A,B,C,D,,F,G,H", 8, t8, U8);
    rc = run1(m, (feed[]){a, sa, za, b, zb, sy, zy}, 7, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "node 'op' (QLinearMatMul, opset 10): required input 4 is missing");
    tb_free(m);
    m = node_model(12, 10, "QLinearMatMul", "A,B,C,D,E,F,G,H", 8, t8, U8);
    tb_attr_i(m, tb_graph(m)->node[0], "axis", 0);
    rc = run1(m, (feed[]){a, sa, za, b, sb, zb, sy, zy}, 8, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "unknown attribute 'axis'");
    tb_free(m);

    /* ConvInteger: 8-bit x and w, zero points one value (w: or one per output channel). */
    const uint8_t x12[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, z3[3] = {0, 1, 2};
    const feed cx = {"A", U8, 3, {1, 3, 4}, x12, 12}, cw = {"B", U8, 3, {2, 3, 2}, x12, 12};
    m = node_model(12, 10, "ConvInteger", "A,B,C,D", 4, (int[]){U8, U8, U8, U8}, LSTM_DT_INT32);
    rc = run1(m, (feed[]){cx, cw, {"C", U8, 0, {0}, &z1, 1}, {"D", U8, 1, {2}, z2, 2}}, 4, msg,
              NULL, 0);
    expect(rc, msg, LSTM_OK, "");
    rc = run1(m, (feed[]){cx, cw, {"C", U8, 0, {0}, &z1, 1}, {"D", U8, 1, {3}, z3, 3}}, 4, msg,
              NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (ConvInteger, opset 10): w_zero_point has shape [3], expected one value or "
           "one per output channel [2]");
    rc = run1(m, (feed[]){cx, cw, {"C", U8, 1, {2}, z2, 2}, {"D", U8, 0, {0}, &z1, 1}}, 4, msg,
              NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "x_zero_point has shape [2], expected one value");
    tb_free(m);
    m = node_model(12, 10, "ConvInteger", "A,B", 2, (int[]){I16, U8}, LSTM_DT_INT32);
    rc = run1(m, (feed[]){{"A", I16, 3, {1, 3, 2}, w6, 12}, cw}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "x is int16, expected int8 or uint8");
    tb_free(m);
    m = node_model(12, 10, "ConvInteger", "A,B", 2, (int[]){U8, U8}, LSTM_DT_INT32);
    tb_attr_i(m, tb_graph(m)->node[0], "group", 3);
    rc = run1(m, (feed[]){cx, cw}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "X has 3 channels, W expects 3 x group 3");
    tb_free(m);

    /* QLinearConv: float32 scales, bias int32 [M]; no channels_last (a Microsoft-domain form). */
    const int32_t b3[3] = {0};
    const int tc[9] = {U8, F32, U8, U8, F32, U8, F32, U8, LSTM_DT_INT32};
    const feed qc[9] = {cx, sa, za, {"D", U8, 3, {2, 3, 2}, x12, 12},    sb,
                        zb, sy, zy, {"I", LSTM_DT_INT32, 1, {3}, b3, 12}};
    m = node_model(12, 10, "QLinearConv", "A,B,C,D,E,F,G,H,I", 9, tc, U8);
    rc = run1(m, qc, 9, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (QLinearConv, opset 10): B is int32 [3], expected int32 [2]");
    tb_free(m);
    m = node_model(12, 10, "QLinearConv", "A,B,C,D,E,F,G,H", 8, tc, U8);
    rc = run1(m, qc, 8, msg, NULL, 0);
    expect(rc, msg, LSTM_OK, "");
    rc = run1(m, (feed[]){cx, sa, za, qc[3], {"E", F32, 1, {3}, s3, 12}, zb, sy, zy}, 8, msg, NULL,
              0);
    expect(rc, msg, LSTM_EINVAL,
           "w_scale has shape [3], expected one value or one per output channel [2]");
    tb_attr_i(m, tb_graph(m)->node[0], "channels_last", 1);
    rc = run1(m, qc, 8, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "unknown attribute 'channels_last'");
    tb_free(m);
    m = node_model(12, 10, "QLinearConv", "A,B,C,D,E,F,G,H", 8, th, U8);
    rc = run1(m, (feed[]){cx, hs[1], za, qc[3], hs[4], zb, hs[6], zy}, 8, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "x_scale is float16, expected float32");
    tb_free(m);
}

/* Resize and Upsample refuse what they cannot do or what is malformed, naming the node and what
** was expected; a planned Resize runs again without allocating. */
static void resize_refusals(void **state)
{
    (void)state;
    char msg[512];
    int rc;
    tb_model *m;
    const feed a23 = {"A", F32, 2, {2, 3}, x6, 24};
    const float s2[2] = {2, 2}, s3[3] = {1, 2, 2}, neg[2] = {1, -1}, half[2] = {1, 0.5f};
    const int64_t z2[2] = {4, 6}, zneg[2] = {2, -1};
    const int32_t i6[6] = {1, 2, 3, 4, 5, 6};
    const feed scales = {"B", F32, 1, {2}, s2, 8}, sizes = {"C", I64, 1, {2}, z2, 16};

    m = one_at(13, "Resize", "A,,B", 2, (int[]){I32, F32});
    tb_attr_s(m, tb_graph(m)->node[0], "mode", "cubic");
    rc = run1(m, (feed[]){{"A", I32, 2, {2, 3}, i6, 24}, scales}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED, "mode cubic on int32 data is not implemented");
    tb_free(m);

    m = one_at(13, "Resize", "A,,B,C", 3, (int[]){F32, F32, I64});
    rc = run1(m, (feed[]){a23, scales, sizes}, 3, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "scales and sizes are both given, expected one");
    rc = run1(m, (feed[]){a23, {"B", F32, 1, {3}, s3, 12}, {"C", I64, 1, {0}, z2, 0}}, 3, msg, NULL,
              0);
    expect(rc, msg, LSTM_EINVAL, "scales has 3 values, expected 2 (the input's rank)");
    rc = run1(m, (feed[]){a23, {"B", F32, 1, {2}, neg, 8}, {"C", I64, 1, {0}, z2, 0}}, 3, msg, NULL,
              0);
    expect(rc, msg, LSTM_EINVAL, "scale -1 of axis 1, expected > 0");
    rc = run1(m, (feed[]){a23, {"B", F32, 1, {0}, s2, 0}, {"C", I64, 1, {2}, zneg, 16}}, 3, msg,
              NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "size -1 for axis 1 of 3, expected >= 0");
    tb_free(m);

    m = one_at(13, "Resize", "A", 1, (int[]){F32});
    rc = run1(m, &a23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "node 'op' (Resize, opset 13): neither scales nor sizes is given");
    tb_free(m);

    m = one_at(18, "Resize", "A,B,C", 3, (int[]){F32, F32, F32});
    tb_attr_s(m, tb_graph(m)->node[0], "coordinate_transformation_mode", "half_pixel_symmetric");
    rc = run1(m, (feed[]){a23, {"B", F32, 1, {0}, s2, 0}, {"C", F32, 1, {2}, s2, 8}}, 3, msg, NULL,
              0);
    expect(rc, msg, LSTM_EMODEL,
           "attribute 'coordinate_transformation_mode' is 'half_pixel_symmetric', expected "
           "half_pixel, asymmetric, pytorch_half_pixel, tf_half_pixel_for_nn, align_corners or "
           "tf_crop_and_resize");
    tb_free(m);

    m = one_at(19, "Resize", "A,B,C", 3, (int[]){F32, F32, F32});
    tb_attr_s(m, tb_graph(m)->node[0], "coordinate_transformation_mode", "tf_crop_and_resize");
    rc = run1(m, (feed[]){a23, {"B", F32, 1, {2}, s2, 8}, {"C", F32, 1, {2}, s2, 8}}, 3, msg, NULL,
              0);
    expect(rc, msg, LSTM_EINVAL, "roi has 2 values, expected 4");
    tb_free(m);

    const int64_t twice[2] = {1, -1};
    m = one_at(19, "Resize", "A,,B", 2, (int[]){F32, F32});
    tb_attr_ints(m, tb_graph(m)->node[0], "axes", twice, 2);
    rc = run1(m, (feed[]){a23, scales}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "axes name axis 1 twice");
    tb_free(m);

    m = one_at(11, "Resize", "A,B", 2, (int[]){F32, F32});
    rc = run1(m, (feed[]){a23, scales}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "node 'op' (Resize, opset 11) has 2 inputs, expected 3 to 4");
    tb_free(m);
    m = one_at(13, "Mod", "A,", 1, (int[]){F32}); /* an empty name is an absent input */
    rc = run1(m, &a23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "node 'op' (Mod, opset 13): required input 1 is missing");
    tb_free(m);

    m = one_at(9, "Upsample", "A,B", 2, (int[]){F32, F32});
    rc = run1(m, (feed[]){a23, {"B", F32, 1, {2}, half, 8}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (Upsample, opset 9): scale 0.5 of axis 1, expected >= 1");
    rc = run1(m, (feed[]){a23, {"B", F32, 1, {0}, half, 0}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "(Upsample, opset 9): scales is empty, expected one value per axis");
    tb_free(m);
    m = one_at(10, "Upsample", "A,B", 2, (int[]){F32, F32});
    rc = run1(m, (feed[]){a23, scales}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "Upsample is deprecated from opset 10 (this model imports opset 10)");
    tb_free(m);
    m = one_at(7, "Upsample", "A", 1, (int[]){F32});
    tb_attr_s(m, tb_graph(m)->node[0], "mode", "bilinear");
    tb_attr_floats(m, tb_graph(m)->node[0], "scales", s2, 2);
    rc = run1(m, &a23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "attribute 'mode' is 'bilinear', expected nearest or linear");
    tb_free(m);
    m = one_at(7, "Upsample", "A", 1, (int[]){F32});
    rc = run1(m, &a23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "attribute 'scales' (floats) is required");
    tb_free(m);
    m = one_at(6, "Upsample", "A", 1, (int[]){F32}); /* version 1: height_scale, width_scale */
    rc = run1(m, &a23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "node 'op' (Upsample, opset 6): attribute 'height_scale' (a float >= 1) is required");
    tb_free(m);

    /* Sizes 2^24 + 1 -> 2^24 give a float32 scale of 1: the axis still changes (it was skipped,
    ** and the other axis's pass wrote 3 bytes past Y). Nearest, half_pixel: rows 0, 0, 1; the
    ** first columns o -> o. */
    const size_t w = ((size_t)1 << 24) + 1;
    uint8_t *big = malloc(2 * w), got[4];
    assert_non_null(big);
    for (size_t i = 0; i < 2 * w; i++) big[i] = (uint8_t)(i / w * 7 + i % w * 13);
    const int64_t z3[2] = {3, (int64_t)w - 1};
    m = one_typed(13, "Resize", "A,,,B", 2, (int[]){LSTM_DT_UINT8, I64}, LSTM_DT_UINT8);
    const size_t at = 2 * (w - 1);
    rc = run1_bytes(
        m,
        (feed[]){{"A", LSTM_DT_UINT8, 2, {2, (int64_t)w}, big, 2 * w}, {"B", I64, 1, {2}, z3, 16}},
        2, msg, got, at, 4);
    expect(rc, msg, LSTM_OK, "");
    for (int i = 0; i < 4; i++) assert_int_equal(got[i], big[w + (size_t)i]);
    tb_free(m);
    /* 2^24 -> 2^24 + 1 alone: the last element repeats (a copy read one byte past X). */
    const int64_t z1 = (int64_t)w;
    m = one_typed(13, "Resize", "A,,,B", 2, (int[]){LSTM_DT_UINT8, I64}, LSTM_DT_UINT8);
    rc = run1_bytes(
        m,
        (feed[]){{"A", LSTM_DT_UINT8, 1, {(int64_t)w - 1}, big, w - 1}, {"B", I64, 1, {1}, &z1, 8}},
        2, msg, got, w - 2, 2);
    expect(rc, msg, LSTM_OK, "");
    assert_int_equal(got[0], big[w - 2]);
    assert_int_equal(got[1], big[w - 2]);
    tb_free(m);
    free(big);
}

/* Einsum refuses malformed equations and operands that do not fit them, Hardmax and Compress
** bad axes, types and conditions, naming the node; Compress reads a condition computed at run
** time. */
static tb_model *einsum_model(const char *eq, const char *ins, int n, const int *dtypes)
{
    tb_model *m = one_at(12, "Einsum", ins, n, dtypes);
    if (eq) tb_attr_s(m, tb_graph(m)->node[0], "equation", eq);
    return m;
}

static void einsum_hardmax_compress(void **state)
{
    (void)state;
    char msg[512];
    int rc;
    tb_model *m;
    const feed a23 = {"A", F32, 2, {2, 3}, x6, 24}, b23 = {"B", F32, 2, {2, 3}, x6, 24};
    const feed a6 = {"A", F32, 1, {6}, x6, 24};
    static const struct {
        const char *eq, *ins, *needle;
        int n, code;
    } bad[] = {
        {NULL, "A", "node 'op' (Einsum, opset 12): attribute 'equation' (a string) is required", 1,
         LSTM_EMODEL},
        {"ij,jk->ik", "A", "equation 'ij,jk->ik' has more terms than the node's 1 inputs", 1,
         LSTM_EMODEL},
        {"ij->ij", "A,B", "equation 'ij->ij' has 1 terms for 2 inputs", 2, LSTM_EMODEL},
        {"ij->ii", "A",
         "node 'op' (Einsum, opset 12): equation 'ij->ii': output repeats the "
         "letter 'i'",
         1, LSTM_EMODEL},
        {"i1->i", "A", "equation: operand 0 has the character '1'", 1, LSTM_EMODEL},
        {"i.j->ij", "A", "equation: operand 0 has a '.' outside '...'", 1, LSTM_EMODEL},
        {"...i...->i", "A", "equation: operand 0 has more than one '...'", 1, LSTM_EMODEL},
        {"ij->k", "A", "equation 'ij->k': output letter 'k' is in no operand", 1, LSTM_EMODEL},
        {"ij->i->j", "A", "has more than one '->'", 1, LSTM_EMODEL},
        {"ij->...i", "A", "output has '...', no operand has", 1, LSTM_EMODEL},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        m = einsum_model(bad[i].eq, bad[i].ins, bad[i].n, (int[]){F32, F32});
        rc = run1(m, (feed[]){a23, b23}, bad[i].n, msg, NULL, 0);
        expect(rc, msg, bad[i].code, bad[i].needle);
        tb_free(m);
    }
    /* summed letters spanning 2^64 combinations (four operands of 2^16): refused, where the
    ** count used to wrap and the walk read before the operands */
    static float big[4][1 << 16];
    const int64_t n16 = 1 << 16;
    m = einsum_model("a,b,c,d->", "A,B,C,D", 4, (int[]){F32, F32, F32, F32});
    rc = run1(m,
              (feed[]){{"A", F32, 1, {n16}, big[0], sizeof big[0]},
                       {"B", F32, 1, {n16}, big[1], sizeof big[1]},
                       {"C", F32, 1, {n16}, big[2], sizeof big[2]},
                       {"D", F32, 1, {n16}, big[3], sizeof big[3]}},
              4, msg, NULL, 0);
    expect(rc, msg, LSTM_ELIMIT, "the letters summed over span more than 2^63 combinations");
    tb_free(m);
    /* operands that do not fit the equation */
    m = einsum_model("ij->i", "A", 1, (int[]){F32});
    rc = run1(m, &a6, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (Einsum, opset 12): operand 0 has shape [6], its term has 2 letters");
    tb_free(m);
    m = einsum_model("...ij->i", "A", 1, (int[]){F32});
    rc = run1(m, &a6, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "operand 0 has shape [6], its term has 2 letters and '...'");
    tb_free(m);
    m = einsum_model("ij,jk->ik", "A,B", 2, (int[]){F32, F32});
    rc = run1(m, (feed[]){a23, b23}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (Einsum, opset 12): letter 'j' has size 2 in operand 1, 3 elsewhere");
    tb_free(m);
    m = einsum_model("...j->j", "A", 1, (int[]){F32});
    rc = run1(m, &a23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "the operands' '...' has 1 axes, the output has no '...'");
    tb_free(m);
    const feed a33 = {"A", F32, 2, {3, 2}, x6, 24}, b43 = {"B", F32, 2, {4, 2}, x12, 32};
    m = einsum_model("...j,...j->...", "A,B", 2, (int[]){F32, F32});
    rc = run1(m, (feed[]){a33, b43}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "operand 1's '...' axis 0 has 4, another operand's has 3");
    tb_free(m);
    const int64_t i6[6] = {1, 2, 3, 4, 5, 6};
    m = einsum_model("ij,ij->ij", "A,B", 2, (int[]){F32, I64});
    rc = run1(m, (feed[]){a23, {"B", I64, 2, {2, 3}, i6, 48}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "operand 1 is int64, operand 0 is float32");
    tb_free(m);
    const uint8_t b6[6] = {1, 0, 1, 0, 1, 1};
    m = einsum_model("ij->j", "A", 1, (int[]){LSTM_DT_BOOL});
    rc = run1(m, (feed[]){{"A", LSTM_DT_BOOL, 2, {2, 3}, b6, 6}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED, "node 'op' (Einsum, opset 12): unsupported type bool");
    tb_free(m);

    /* Hardmax */
    m = one_at(13, "Hardmax", "A", 1, (int[]){F32});
    tb_attr_i(m, tb_graph(m)->node[0], "axis", 2);
    rc = run1(m, &a23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "node 'op' (Hardmax, opset 13): axis 2 is outside [-2, 1]");
    tb_free(m);
    m = one_at(11, "Hardmax", "A", 1, (int[]){F32});
    tb_attr_i(m, tb_graph(m)->node[0], "axis", -3);
    rc = run1(m, &a23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "node 'op' (Hardmax, opset 11): axis -3 is outside [-2, 1]");
    tb_free(m);
    m = one_at(13, "Hardmax", "A", 1, (int[]){F32});
    tb_attr_i(m, tb_graph(m)->node[0], "keepdims", 1);
    rc = run1(m, &a23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "unknown attribute 'keepdims' for Hardmax version 13");
    tb_free(m);
    const uint16_t h6[6] = {0x3f80, 0x4000, 0x4040, 0x4080, 0x40a0, 0x40c0};
    m = one_typed(11, "Hardmax", "A", 1, (int[]){LSTM_DT_BFLOAT16}, LSTM_DT_BFLOAT16);
    rc = run1(m, (feed[]){{"A", LSTM_DT_BFLOAT16, 2, {2, 3}, h6, 12}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "node 'op' (Hardmax, opset 11): unsupported type bfloat16 (bfloat16 from opset 13)");
    tb_free(m);
    m = one_typed(13, "Hardmax", "A", 1, (int[]){I64}, I64);
    rc = run1(m, (feed[]){{"A", I64, 2, {2, 3}, i6, 48}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED, "unsupported type int64");
    tb_free(m);

    /* Compress */
    const uint8_t c3[3] = {1, 0, 1};
    const feed cond3 = {"B", LSTM_DT_BOOL, 1, {3}, c3, 3};
    m = one_at(9, "Compress", "A,B", 2, (int[]){F32, LSTM_DT_BOOL});
    tb_attr_i(m, tb_graph(m)->node[0], "axis", -1);
    rc = run1(m, (feed[]){a23, cond3}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "node 'op' (Compress, opset 9): axis -1 is negative (allowed from opset 11)");
    tb_free(m);
    m = one_at(11, "Compress", "A,B", 2, (int[]){F32, LSTM_DT_BOOL});
    tb_attr_i(m, tb_graph(m)->node[0], "axis", 2);
    rc = run1(m, (feed[]){a23, cond3}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "node 'op' (Compress, opset 11): axis 2 is outside [-2, 1]");
    tb_free(m);
    m = one_at(11, "Compress", "A,B", 2, (int[]){F32, I64});
    rc = run1(m, (feed[]){a23, {"B", I64, 1, {3}, i6, 24}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (Compress, opset 11): condition is int64 [3], expected a 1-D bool tensor");
    tb_free(m);
    m = one_at(11, "Compress", "A,B", 2, (int[]){F32, LSTM_DT_BOOL});
    rc = run1(m, (feed[]){a23, {"B", LSTM_DT_BOOL, 2, {2, 3}, b6, 6}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "condition is bool [2,3], expected a 1-D bool tensor");
    tb_free(m);
    /* the condition computed at run time: Compress(A, B > C, axis 1) */
    const float th[3] = {0, 5, 1}, zero[3] = {0, 0, 0};
    m = tb_new(8, 11);
    tb_input(m, "A", F32, -1, NULL, NULL);
    tb_input(m, "B", F32, -1, NULL, NULL);
    tb_input(m, "C", F32, -1, NULL, NULL);
    tb_node(m, "Greater", "gt", "B,C", "K");
    tb_attr_i(m, tb_node(m, "Compress", "op", "A,K", "Y"), "axis", 1);
    tb_output(m, "Y", F32, -1, NULL, NULL);
    float got[4] = {0};
    rc = run1(m, (feed[]){a23, {"B", F32, 1, {3}, th, 12}, {"C", F32, 1, {3}, zero, 12}}, 3, msg,
              got, 4);
    expect(rc, msg, LSTM_OK, "");
    /* B > 0 keeps columns 1 and 2 of [[1,2,3],[4,5,6]] */
    assert_true(got[0] == 2 && got[1] == 3 && got[2] == 5 && got[3] == 6);
    tb_free(m);
}

/* Pad, TopK, ArgMax, CumSum, the scatters and the variadic / math ops refuse what they cannot
** do, naming the node, the attribute or input, and what was expected. */
static void misc_refusals(void **state)
{
    (void)state;
    char msg[512];
    int rc;
    tb_model *m;
    Onnx__NodeProto *n;
    const feed a23 = {"A", F32, 2, {2, 3}, x6, 24};

    /* Pad */
    int64_t p4[4] = {0, 3, 0, 0}, p3[3] = {0, 1, 0}, crop[4] = {0, -2, 0, -2};
    m = one_at(19, "Pad", "A,B", 2, (int[]){F32, I64});
    tb_attr_s(m, tb_graph(m)->node[0], "mode", "reflect");
    rc = run1(m, (feed[]){a23, {"B", I64, 1, {4}, p4, 32}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (Pad, opset 19): mode reflect pads axis 1 (3 elements left) by 3, at most 2");
    rc = run1(m, (feed[]){a23, {"B", I64, 1, {3}, p3, 24}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "pads has 3 values, expected 4 (2 per input axis)");
    rc = run1(m, (feed[]){a23, {"B", I64, 1, {4}, crop, 32}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "pads -2 and -2 do not fit axis 1 of size 3");
    tb_free(m);

    m = one_at(18, "Pad", "A,B", 2, (int[]){F32, I64});
    tb_attr_s(m, tb_graph(m)->node[0], "mode", "wrap");
    rc = run1(m, (feed[]){a23, {"B", I64, 1, {4}, p4, 32}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "attribute 'mode' is 'wrap', expected constant, reflect, edge (wrap from opset 19)");
    tb_free(m);

    int64_t eat[4] = {0, -3, 0, 1};
    m = one_at(19, "Pad", "A,B", 2, (int[]){F32, I64});
    tb_attr_s(m, tb_graph(m)->node[0], "mode", "edge");
    rc = run1(m, (feed[]){a23, {"B", I64, 1, {4}, eat, 32}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "mode edge cannot pad axis 1: no element is left");
    tb_free(m);

    int64_t p2[2] = {1, 1}, ax2[2] = {1, -1};
    int32_t i32 = 5;
    m = one_at(19, "Pad", "A,B,C,D", 4, (int[]){F32, I64, I32, I64});
    rc = run1(m,
              (feed[]){a23,
                       {"B", I64, 1, {2}, p2, 16},
                       {"C", I32, 0, {0}, &i32, 4},
                       {"D", I64, 1, {1}, ax2, 8}},
              4, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "constant_value must be one float32 value");
    int64_t p4b[4] = {1, 1, 1, 1};
    rc = run1(m,
              (feed[]){a23,
                       {"B", I64, 1, {4}, p4b, 32},
                       {"C", I32, 0, {0}, &i32, 4},
                       {"D", I64, 1, {2}, ax2, 16}},
              4, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "constant_value must be one float32 value");
    tb_free(m);
    m = tb_new(8, 19);
    tb_input(m, "A", F32, -1, NULL, NULL);
    tb_input(m, "B", I64, -1, NULL, NULL);
    tb_input(m, "D", I64, -1, NULL, NULL);
    tb_node(m, "Pad", "op", "A,B,,D", "Y");
    tb_output(m, "Y", F32, -1, NULL, NULL);
    rc = run1(m, (feed[]){a23, {"B", I64, 1, {4}, p4b, 32}, {"D", I64, 1, {2}, ax2, 16}}, 3, msg,
              NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "node 'op' (Pad, opset 19): axes name axis 1 twice");
    tb_free(m);

    m = one_at(7, "Pad", "A", 1, (int[]){F32});
    rc = run1(m, &a23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "node 'op' (Pad, opset 7): attribute 'pads' is required");
    tb_free(m);
    m = one_at(1, "Pad", "A", 1, (int[]){F32}); /* version 1 (op_legacy_shape.c): paddings */
    tb_attr_ints(m, tb_graph(m)->node[0], "pads", p4, 4);
    rc = run1(m, &a23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "node 'op' (Pad, opset 1): unknown attribute 'pads' for Pad version 1");
    tb_free(m);

    /* TopK */
    int64_t k4 = 4, k2[2] = {1, 1};
    m = tb_new(8, 11);
    tb_input(m, "A", F32, -1, NULL, NULL);
    tb_input(m, "K", I64, -1, NULL, NULL);
    n = tb_node(m, "TopK", "op", "A,K", "Y,I");
    tb_output(m, "Y", F32, -1, NULL, NULL);
    tb_output(m, "I", I64, -1, NULL, NULL);
    rc = run1(m, (feed[]){a23, {"K", I64, 1, {1}, &k4, 8}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "node 'op' (TopK, opset 11): K is 4, axis 1 has 3 elements");
    rc = run1(m, (feed[]){a23, {"K", I64, 1, {2}, k2, 16}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "K has 2 values, expected 1");
    tb_attr_i(m, n, "sorted", 2);
    rc = run1(m, (feed[]){a23, {"K", I64, 1, {1}, k2, 8}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "attribute 'sorted' is 2, expected 0 or 1");
    tb_free(m);
    m = tb_new(8, 1);
    tb_input(m, "A", F32, -1, NULL, NULL);
    n = tb_node(m, "TopK", "op", "A", "Y,I");
    tb_attr_i(m, n, "largest", 0);
    tb_output(m, "Y", F32, -1, NULL, NULL);
    tb_output(m, "I", I64, -1, NULL, NULL);
    rc = run1(m, &a23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "unknown attribute 'largest' for TopK version 1");
    tb_free(m);

    /* ArgMax */
    m = one_at(11, "ArgMax", "A", 1, (int[]){F32});
    tb_attr_i(m, tb_graph(m)->node[0], "select_last_index", 1);
    rc = run1(m, &a23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "unknown attribute 'select_last_index' for ArgMax version 1");
    tb_free(m);
    m = one_at(13, "ArgMin", "A", 1, (int[]){F32});
    rc = run1(m, (feed[]){{"A", F32, 2, {0, 3}, x6, 0}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "node 'op' (ArgMin, opset 13): axis 0 is empty");
    tb_free(m);

    /* CumSum */
    int64_t axes2[2] = {0, 1}, bad_axis = 2;
    m = one_at(14, "CumSum", "A,B", 2, (int[]){F32, I64});
    rc = run1(m, (feed[]){a23, {"B", I64, 1, {2}, axes2, 16}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "node 'op' (CumSum, opset 14): axis has 2 values, expected 1");
    rc = run1(m, (feed[]){a23, {"B", I64, 0, {0}, &bad_axis, 8}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "axis 2 is outside [-2, 1] for rank 2");
    tb_free(m);

    /* GatherElements / ScatterElements / ScatterND: indices checked before any write */
    int64_t idx[2] = {0, 3}, idx22[4] = {0, 1, 1, 0};
    m = one_at(13, "GatherElements", "A,B", 2, (int[]){F32, I64});
    tb_attr_i(m, tb_graph(m)->node[0], "axis", 1);
    rc = run1(m, (feed[]){a23, {"B", I64, 2, {1, 2}, idx, 16}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (GatherElements, opset 13): index 3 at 1 is outside [-3, 2]");
    rc = run1(m, (feed[]){a23, {"B", I64, 2, {4, 1}, idx22, 32}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "indices of shape [4,1] do not fit data of shape [2,3] (axis 0)");
    tb_free(m);

    m = one_at(16, "ScatterElements", "A,B,C", 3, (int[]){F32, I64, F32});
    tb_attr_s(m, tb_graph(m)->node[0], "reduction", "max");
    rc = run1(m, (feed[]){a23, {"B", I64, 2, {1, 2}, idx, 16}, {"C", F32, 2, {1, 2}, x6, 8}}, 3,
              msg, NULL, 0);
    expect(
        rc, msg, LSTM_EMODEL,
        "attribute 'reduction' is 'max', expected none, add, or mul (max and min from opset 18)");
    tb_free(m);
    m = one_at(18, "ScatterElements", "A,B,C", 3, (int[]){F32, I64, F32});
    tb_attr_i(m, tb_graph(m)->node[0], "axis", -1);
    rc = run1(m, (feed[]){a23, {"B", I64, 2, {1, 2}, idx, 16}, {"C", F32, 2, {1, 2}, x6, 8}}, 3,
              msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "(ScatterElements, opset 18): index 3 at 1 is outside [-3, 2]");
    rc = run1(m, (feed[]){a23, {"B", I64, 2, {1, 2}, idx, 16}, {"C", F32, 2, {2, 1}, x6, 8}}, 3,
              msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "updates have shape [2,1], indices [1,2]");
    tb_free(m);

    int64_t tup[3] = {1, 0, 0}, row[1] = {-3};
    m = one_at(18, "ScatterND", "A,B,C", 3, (int[]){F32, I64, F32});
    rc = run1(m, (feed[]){a23, {"B", I64, 2, {1, 3}, tup, 24}, {"C", F32, 1, {1}, x6, 4}}, 3, msg,
              NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "need rank >= 1 and a last dim <= 2 (the data's rank)");
    rc = run1(m, (feed[]){a23, {"B", I64, 2, {1, 1}, row, 8}, {"C", F32, 2, {1, 3}, x6, 12}}, 3,
              msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "(ScatterND, opset 18): index -3 at 0 is outside [-2, 1]");
    rc = run1(m, (feed[]){a23, {"B", I64, 2, {1, 1}, row, 8}, {"C", F32, 2, {1, 2}, x6, 8}}, 3, msg,
              NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "updates have shape [1,2]; with indices [1,1] and data [2,3]");
    tb_free(m);

    /* Variadic and math: shapes before opset 8, types */
    m = one_at(7, "Max", "A,B", 2, (int[]){F32, F32});
    rc = run1(m, (feed[]){a23, {"B", F32, 1, {3}, x6, 12}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (Max, opset 7): input 1 has shape [3], input 0 [2,3] (before opset 8");
    tb_free(m);
    m = one_at(13, "Min", "A,B,C", 3, (int[]){F32, F32, F32});
    rc = run1(m, (feed[]){a23, {"B", F32, 1, {3}, x6, 12}, {"C", F32, 1, {2}, x6, 8}}, 3, msg, NULL,
              0);
    expect(rc, msg, LSTM_EINVAL, "input 2 of shape [2] does not broadcast with shape [2,3]");
    tb_free(m);
    int32_t i6[6] = {1, 2, 3, 4, 5, 6};
    m = one_at(13, "Sum", "A,B", 2, (int[]){I32, I32});
    rc = run1(m, (feed[]){{"A", I32, 1, {6}, i6, 24}, {"B", I32, 1, {6}, i6, 24}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "node 'op' (Sum, opset 13): unsupported type int32 (Sum takes floating types)");
    tb_free(m);
    m = one_at(13, "Erf", "A", 1, (int[]){I32});
    rc = run1(m, (feed[]){{"A", I32, 1, {6}, i6, 24}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED, "unsupported type int32 (Erf takes floating types)");
    tb_free(m);
    m = one_at(5, "Abs", "A", 1, (int[]){I32}); /* version 1 (op_legacy.c): float types only */
    rc = run1(m, (feed[]){{"A", I32, 1, {6}, i6, 24}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "node 'op' (Abs, opset 5): input 0 is int32; version 1 takes float32, float16, float64");
    tb_free(m);
}

/* And / Or / Xor, BitShift, Mod, CastLike, Trilu, EyeLike, OneHot, GatherND, DepthToSpace and
** SpaceToDepth: bad attributes, types, shapes and index values are refused naming the node. */
static void logic_refusals(void **state)
{
    (void)state;
    char msg[512];
    int rc;
    tb_model *m;
    const int BL = LSTM_DT_BOOL, U8 = LSTM_DT_UINT8;
    const uint8_t b6[6] = {1, 0, 1, 1, 0, 0};
    const int32_t i6[6] = {7, -7, 5, 0, 3, 2}, z6[6] = {2, 0, 3, 1, 1, 1};
    const feed a23 = {"A", F32, 2, {2, 3}, x6, 24}, ab23 = {"A", BL, 2, {2, 3}, b6, 6};

    /* And / Or / Xor */
    m = one_typed(7, "And", "A,B", 2, (int[]){I32, I32}, BL);
    rc = run1(m, (feed[]){{"A", I32, 1, {6}, i6, 24}, {"B", I32, 1, {6}, z6, 24}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "node 'op' (And, opset 7): inputs are int32, expected bool");
    tb_free(m);
    m = one_typed(7, "Or", "A,B", 2, (int[]){BL, BL}, BL);
    rc = run1(m, (feed[]){ab23, {"B", BL, 1, {2}, b6, 2}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "(Or, opset 7): shapes [2,3] and [2] cannot be broadcast together");
    tb_attr_i(m, tb_graph(m)->node[0], "broadcast", 1);
    rc = run1(m, (feed[]){ab23, {"B", BL, 1, {3}, b6, 3}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "unknown attribute 'broadcast' for Or version 7");
    tb_free(m);
    m = one_typed(6, "Xor", "A,B", 2, (int[]){BL, BL}, BL);
    rc = run1(m, (feed[]){ab23, {"B", BL, 1, {3}, b6, 3}}, 2, msg, NULL, 0);
    expect(
        rc, msg, LSTM_EINVAL,
        "(Xor, opset 6): A is [2,3] and B [3]; without broadcast=1 version 1 needs equal shapes");
    tb_attr_i(m, tb_graph(m)->node[0], "broadcast", 1);
    rc = run1(m, (feed[]){ab23, {"B", BL, 2, {2, 1}, b6, 2}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "B [2,1] does not match A [2,3] from axis 0 (version 1 broadcasting has no size-1");
    tb_attr_i(m, tb_graph(m)->node[0], "axis", 1);
    rc = run1(m, (feed[]){ab23, {"B", BL, 1, {2}, b6, 2}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "B [2] does not match A [2,3] from axis 1");
    rc = run1(m, (feed[]){ab23, {"B", BL, 2, {2, 3}, b6, 6}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "axis 1 puts B [2,3] outside A [2,3]");
    tb_graph(m)->node[0]->attribute[1]->i = INT64_MAX; /* axis + B's rank overflowed */
    rc = run1(m, (feed[]){ab23, {"B", BL, 1, {3}, b6, 3}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "axis 9223372036854775807 puts B [3] outside A [2,3]");
    tb_free(m);
    m = one_typed(1, "And", "A,B", 2, (int[]){BL, BL}, BL);
    tb_attr_i(m, tb_graph(m)->node[0], "axis", 0);
    rc = run1(m, (feed[]){ab23, {"B", BL, 2, {2, 3}, b6, 6}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "(And, opset 1): attribute 'axis' is given without broadcast=1");
    tb_free(m);

    /* BitShift */
    m = one_typed(11, "BitShift", "A,B", 2, (int[]){U8, U8}, U8);
    rc = run1(m, (feed[]){{"A", U8, 1, {6}, b6, 6}, {"B", U8, 1, {6}, b6, 6}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "(BitShift, opset 11): attribute 'direction' must be the string LEFT or RIGHT (it is "
           "required)");
    tb_attr_s(m, tb_graph(m)->node[0], "direction", "left");
    rc = run1(m, (feed[]){{"A", U8, 1, {6}, b6, 6}, {"B", U8, 1, {6}, b6, 6}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "attribute 'direction' must be the string LEFT or RIGHT");
    tb_free(m);
    m = one_typed(11, "BitShift", "A,B", 2, (int[]){I32, I32}, I32);
    tb_attr_s(m, tb_graph(m)->node[0], "direction", "LEFT");
    rc = run1(m, (feed[]){{"A", I32, 1, {6}, i6, 24}, {"B", I32, 1, {6}, z6, 24}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "unsupported type int32 (BitShift takes uint8, uint16, uint32 or uint64)");
    tb_free(m);

    /* Mod: integer modulo by zero, float types need fmod 1 */
    m = one_typed(13, "Mod", "A,B", 2, (int[]){I32, I32}, I32);
    rc = run1(m, (feed[]){{"A", I32, 1, {6}, i6, 24}, {"B", I32, 1, {6}, z6, 24}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (Mod, opset 13): integer modulo by zero (element 1 of B is 0)");
    rc = run1(m, (feed[]){{"A", I32, 2, {2, 3}, i6, 24}, {"B", I32, 1, {3}, z6, 12}}, 2, msg, NULL,
              0);
    expect(rc, msg, LSTM_EINVAL, "integer modulo by zero (element 1 of B is 0)");
    int64_t l2[2] = {5, -4}, lz[1] = {0};
    tb_graph(m)->input[0]->type->tensor_type->elem_type = I64;
    tb_graph(m)->input[1]->type->tensor_type->elem_type = I64;
    tb_graph(m)->output[0]->type->tensor_type->elem_type = I64;
    rc = run1(m, (feed[]){{"A", I64, 1, {2}, l2, 16}, {"B", I64, 0, {0}, lz, 8}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "integer modulo by zero (element 0 of B is 0)");
    tb_free(m);
    m = one_typed(13, "Mod", "A,B", 2, (int[]){LSTM_DT_UINT16, LSTM_DT_UINT16}, LSTM_DT_UINT16);
    const uint16_t u3[3] = {4, 5, 6}, uz[3] = {3, 0, 1};
    rc = run1(m,
              (feed[]){{"A", LSTM_DT_UINT16, 1, {3}, u3, 6}, {"B", LSTM_DT_UINT16, 1, {3}, uz, 6}},
              2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "integer modulo by zero (element 1 of B is 0)");
    tb_free(m);
    m = one_typed(10, "Mod", "A,B", 2, (int[]){F32, F32}, F32);
    rc = run1(m, (feed[]){a23, {"B", F32, 1, {3}, x6, 12}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "(Mod, opset 10): fmod 0 (the integer modulo) takes integer types, the inputs are "
           "float32 (floats need fmod=1)");
    tb_attr_i(m, tb_graph(m)->node[0], "fmod", 2);
    rc = run1(m, (feed[]){a23, {"B", F32, 1, {3}, x6, 12}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "attribute 'fmod' is 2, expected 0 or 1");
    tb_free(m);
    m = one_typed(13, "Mod", "A,B", 2, (int[]){F32, I32}, F32);
    tb_attr_i(m, tb_graph(m)->node[0], "fmod", 1);
    rc = run1(m, (feed[]){a23, {"B", I32, 1, {3}, i6, 12}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "inputs are float32 and int32, expected one type");
    tb_free(m);

    /* CastLike: attributes by version */
    m = one_typed(15, "CastLike", "A,B", 2, (int[]){F32, I32}, I32);
    tb_attr_i(m, tb_graph(m)->node[0], "saturate", 0);
    rc = run1(m, (feed[]){a23, {"B", I32, 1, {1}, i6, 4}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "(CastLike, opset 15): unknown attribute 'saturate' for CastLike");
    tb_free(m);
    m = one_typed(24, "CastLike", "A,B", 2, (int[]){F32, I32}, I32);
    tb_attr_s(m, tb_graph(m)->node[0], "round_mode", "zero");
    rc = run1(m, (feed[]){a23, {"B", I32, 1, {1}, i6, 4}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "attribute 'round_mode' must be up, down or nearest");
    tb_free(m);
    m = one_typed(19, "CastLike", "A,B", 2, (int[]){F32, I32}, I32);
    tb_attr_i(m, tb_graph(m)->node[0], "saturate", 3);
    rc = run1(m, (feed[]){a23, {"B", I32, 1, {1}, i6, 4}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "attribute 'saturate' is 3, expected 0 or 1");
    tb_free(m);

    /* Trilu */
    m = one_at(14, "Trilu", "A,B", 2, (int[]){F32, I32});
    rc = run1(m, (feed[]){a23, {"B", I32, 0, {0}, i6, 4}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (Trilu, opset 14): k must be one int64 value, it is int32 with 1 elements");
    rc = run1(m, (feed[]){{"A", F32, 1, {6}, x6, 24}, {"B", I32, 0, {0}, i6, 4}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "input has rank 1, expected 2 or more");
    tb_attr_i(m, tb_graph(m)->node[0], "upper", 2);
    rc = run1(m, (feed[]){a23, {"B", I32, 0, {0}, i6, 4}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "attribute 'upper' is 2, expected 0 or 1");
    tb_free(m);

    /* EyeLike */
    m = one_at(9, "EyeLike", "A", 1, (int[]){F32});
    rc = run1(m, (feed[]){{"A", F32, 3, {1, 2, 3}, x6, 24}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "node 'op' (EyeLike, opset 9): input has rank 3, expected 2");
    tb_attr_i(m, tb_graph(m)->node[0], "dtype", LSTM_DT_STRING);
    rc = run1(m, &a23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "attribute 'dtype' is 8 (string), expected a numeric or bool type");
    tb_free(m);

    /* OneHot */
    int64_t ix3[3] = {0, 2, 1}, d3 = 3, dneg = -2;
    float v2[2] = {0, 1}, v3[3] = {0, 1, 2};
    const feed oi = {"A", I64, 1, {3}, ix3, 24}, od = {"B", I64, 0, {0}, &d3, 8};
    const float dinf = INFINITY; /* a float depth past int64 (was "expected 0 or more") */
    m = one_at(11, "OneHot", "A,B,C", 3, (int[]){I64, F32, F32});
    rc = run1(m, (feed[]){oi, {"B", F32, 0, {0}, &dinf, 4}, {"C", F32, 1, {2}, v2, 8}}, 3, msg,
              NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "(OneHot, opset 11): depth is inf, expected 0 to 2^63 - 1");
    tb_free(m);
    m = one_at(11, "OneHot", "A,B,C", 3, (int[]){I64, I64, F32});
    rc = run1(m, (feed[]){oi, od, {"C", F32, 1, {3}, v3, 12}}, 3, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (OneHot, opset 11): values must be [off_value, on_value] (rank 1, 2 "
           "elements), it has rank 1 and 3 elements");
    rc = run1(m, (feed[]){oi, {"B", I64, 0, {0}, &dneg, 8}, {"C", F32, 1, {2}, v2, 8}}, 3, msg,
              NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "depth is -2, expected 0 to 2^63 - 1");
    rc = run1(m, (feed[]){oi, {"B", I64, 1, {2}, ix3, 16}, {"C", F32, 1, {2}, v2, 8}}, 3, msg, NULL,
              0);
    expect(rc, msg, LSTM_EINVAL, "depth must hold one value, it has 2");
    rc = run1(m, (feed[]){{"A", I64, 0, {0}, ix3, 8}, od, {"C", F32, 1, {2}, v2, 8}}, 3, msg, NULL,
              0);
    expect(rc, msg, LSTM_EINVAL, "indices have rank 0, expected 1 to");
    tb_attr_i(m, tb_graph(m)->node[0], "axis", -3);
    rc = run1(m, (feed[]){oi, od, {"C", F32, 1, {2}, v2, 8}}, 3, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "axis -3 is outside [-2, 1] for indices of rank 1");
    tb_free(m);
    m = one_at(11, "OneHot", "A,B,C", 3, (int[]){BL, I64, F32});
    rc =
        run1(m, (feed[]){{"A", BL, 1, {3}, b6, 3}, od, {"C", F32, 1, {2}, v2, 8}}, 3, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "unsupported type: indices are bool and depth int64, expected numeric types");
    tb_free(m);

    /* GatherND: indices checked before anything is written */
    int64_t t2[4] = {0, 1, 1, 3}, t1[2] = {1, 0};
    int32_t t2i[4] = {0, 1, 1, 2};
    m = one_at(13, "GatherND", "A,B", 2, (int[]){F32, I64});
    rc = run1(m, (feed[]){a23, {"B", I64, 2, {2, 2}, t2, 32}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (GatherND, opset 13): index 3 at 3 (data axis 1) is outside [-3, 2]");
    t2[3] = -4;
    rc = run1(m, (feed[]){a23, {"B", I64, 2, {2, 2}, t2, 32}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "index -4 at 3 (data axis 1) is outside [-3, 2]");
    rc = run1(m, (feed[]){a23, {"B", I64, 2, {1, 3}, t2, 24}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "index tuples of 3 values (indices [1,3]) address data [2,3] with 2 axes after "
           "batch_dims 0");
    tb_attr_i(m, tb_graph(m)->node[0], "batch_dims", 1);
    rc = run1(m, (feed[]){a23, {"B", I64, 2, {1, 1}, t1, 8}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "batch axis 0 differs: data [2,3], indices [1,1]");
    rc = run1(m, (feed[]){a23, {"B", I64, 1, {2}, t1, 16}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "data [2,3] and indices [2] need rank >= 1 and more than batch_dims (1) axes");
    tb_free(m);
    m = one_at(13, "GatherND", "A,B", 2, (int[]){F32, I32});
    rc = run1(m, (feed[]){a23, {"B", I32, 2, {2, 2}, t2i, 16}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "indices are int32, expected int64");
    tb_free(m);
    m = one_at(11, "GatherND", "A,B", 2, (int[]){F32, I64});
    tb_attr_i(m, tb_graph(m)->node[0], "batch_dims", 0);
    rc = run1(m, (feed[]){a23, {"B", I64, 2, {2, 1}, t1, 16}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "unknown attribute 'batch_dims' for GatherND version 11");
    tb_free(m);

    /* DepthToSpace / SpaceToDepth */
    float x24[24] = {0};
    m = one_at(13, "DepthToSpace", "A", 1, (int[]){F32});
    rc = run1(m, (feed[]){{"A", F32, 4, {1, 4, 1, 1}, x24, 16}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "node 'op' (DepthToSpace, opset 13): attribute 'blocksize' is required");
    tb_attr_i(m, tb_graph(m)->node[0], "blocksize", 2);
    rc = run1(m, (feed[]){{"A", F32, 4, {1, 6, 2, 2}, x24, 96}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "input [1,6,2,2]: C must be a multiple of blocksize^2 (4)");
    rc = run1(m, (feed[]){{"A", F32, 3, {4, 2, 3}, x24, 96}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "input [4,2,3] has rank 3, expected 4 [N,C,H,W]");
    tb_attr_s(m, tb_graph(m)->node[0], "mode", "RCD");
    rc = run1(m, (feed[]){{"A", F32, 4, {1, 4, 1, 1}, x24, 16}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "attribute 'mode' must be DCR or CRD");
    tb_free(m);
    m = one_at(1, "DepthToSpace", "A", 1, (int[]){F32});
    tb_attr_i(m, tb_graph(m)->node[0], "blocksize", 2);
    tb_attr_s(m, tb_graph(m)->node[0], "mode", "CRD");
    rc = run1(m, (feed[]){{"A", F32, 4, {1, 4, 1, 1}, x24, 16}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "unknown attribute 'mode' for DepthToSpace version 1");
    tb_free(m);
    m = one_at(13, "SpaceToDepth", "A", 1, (int[]){F32});
    tb_attr_i(m, tb_graph(m)->node[0], "blocksize", 0);
    rc = run1(m, (feed[]){{"A", F32, 4, {1, 1, 2, 2}, x24, 16}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "attribute 'blocksize' is 0, expected 1 to 2^20");
    tb_free(m);
    m = one_at(13, "SpaceToDepth", "A", 1, (int[]){F32});
    tb_attr_i(m, tb_graph(m)->node[0], "blocksize", 2);
    rc = run1(m, (feed[]){{"A", F32, 4, {1, 2, 3, 4}, x24, 96}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (SpaceToDepth, opset 13): input [1,2,3,4]: H and W must be multiples of "
           "blocksize 2");
    tb_free(m);
}

/* A late node (pads computed from data: Abs of an input) in one session, run with pads that
** grow, shrink and grow again: the output follows each time (its buffer grows as needed). */
/* LpPool, GlobalLpPool, LRN, MaxUnpool, Col2Im and CenterCropPad refusals. */
static void pool_more_refusals(void **state)
{
    (void)state;
    char msg[512];
    int rc;
    tb_model *m;
    float x16[16] = {0};
    uint16_t h16[16] = {0};
    const feed x4 = {"A", F32, 4, {1, 1, 4, 4}, x16, 64};

    /* LpPool */
    m = one_at(11, "LpPool", "A", 1, (int[]){F32});
    tb_attr_ints(m, tb_graph(m)->node[0], "kernel_shape", D2(2, 2), 2);
    tb_attr_ints(m, tb_graph(m)->node[0], "dilations", D2(2, 2), 2);
    rc = run1(m, &x4, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "node 'op' (LpPool, opset 11)");
    assert_non_null(strstr(msg, "dilations"));
    tb_free(m);
    m = one_at(18, "LpPool", "A", 1, (int[]){F32});
    tb_attr_ints(m, tb_graph(m)->node[0], "kernel_shape", D2(2, 2), 2);
    tb_attr_i(m, tb_graph(m)->node[0], "p", 0);
    rc = run1(m, &x4, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "node 'op' (LpPool, opset 18): attribute 'p' is 0, expected a positive order");
    tb_free(m);
    m = one_at(1, "LpPool", "A", 1, (int[]){F32});
    tb_attr_ints(m, tb_graph(m)->node[0], "kernel_shape", D2(2, 2), 2);
    tb_attr_i(m, tb_graph(m)->node[0], "p", 2); /* a float at opset 1 */
    rc = run1(m, &x4, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "node 'op' (LpPool, opset 1): attribute 'p' must be a float");
    tb_free(m);
    m = one_at(11, "LpPool", "A", 1, (int[]){F32});
    rc = run1(m, &x4, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "node 'op' (LpPool, opset 11): attribute 'kernel_shape' is required");
    tb_free(m);
    m = one_typed(18, "LpPool", "A", 1, (int[]){LSTM_DT_BFLOAT16}, LSTM_DT_BFLOAT16);
    tb_attr_ints(m, tb_graph(m)->node[0], "kernel_shape", D2(2, 2), 2);
    rc = run1(m, (feed[]){{"A", LSTM_DT_BFLOAT16, 4, {1, 1, 4, 4}, h16, 32}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "node 'op' (LpPool, opset 18): unsupported type bfloat16, expected float32, float64, "
           "float16 (bfloat16 from opset 22)");
    tb_free(m);
    m = one_at(18, "LpPool", "A", 1, (int[]){F32});
    tb_attr_ints(m, tb_graph(m)->node[0], "kernel_shape", D2(5, 2), 2);
    rc = run1(m, &x4, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "fewer than the kernel's extent 5");
    tb_free(m);
    m = one_at(2, "GlobalLpPool", "A", 1, (int[]){F32});
    rc = run1(m, (feed[]){{"A", F32, 2, {2, 3}, x16, 24}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (GlobalLpPool, opset 2): X has shape [2,3], expected [N, C, D1, ...]");
    tb_free(m);

    /* LRN */
    m = one_at(13, "LRN", "A", 1, (int[]){F32});
    rc = run1(m, &x4, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "node 'op' (LRN, opset 13): attribute 'size' is required");
    tb_free(m);
    m = one_at(13, "LRN", "A", 1, (int[]){F32});
    tb_attr_i(m, tb_graph(m)->node[0], "size", 0);
    rc = run1(m, &x4, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "node 'op' (LRN, opset 13): attribute 'size' is 0, expected 1");
    tb_free(m);
    m = one_typed(1, "LRN", "A", 1, (int[]){LSTM_DT_BFLOAT16}, LSTM_DT_BFLOAT16);
    tb_attr_i(m, tb_graph(m)->node[0], "size", 3);
    rc = run1(m, (feed[]){{"A", LSTM_DT_BFLOAT16, 4, {1, 1, 4, 4}, h16, 32}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "unsupported type bfloat16, expected float32, float64, "
           "float16 (bfloat16 from opset 13)");
    tb_free(m);
    m = one_typed(13, "LRN", "A", 1, (int[]){I32}, I32);
    tb_attr_i(m, tb_graph(m)->node[0], "size", 3);
    rc = run1(m, (feed[]){{"A", I32, 4, {1, 1, 2, 2}, x16, 16}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED, "node 'op' (LRN, opset 13): unsupported type int32");
    tb_free(m);

    /* MaxUnpool */
    int64_t idx4[4] = {0, 5, 99, 15}, idx3[3] = {0, 1, 2}, shp[4] = {1, 1, 3, 3},
            shp3[3] = {1, 1, 4};
    const feed xu = {"A", F32, 4, {1, 1, 2, 2}, x16, 16};
    m = one_at(11, "MaxUnpool", "A,B", 2, (int[]){F32, I64});
    tb_attr_ints(m, tb_graph(m)->node[0], "kernel_shape", D2(2, 2), 2);
    tb_attr_ints(m, tb_graph(m)->node[0], "strides", D2(2, 2), 2);
    rc = run1(m, (feed[]){xu, {"B", I64, 4, {1, 1, 2, 2}, idx4, 32}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (MaxUnpool, opset 11): index 99 at position 2 of I is outside the "
           "output's 16 elements");
    rc = run1(m, (feed[]){xu, {"B", I64, 3, {1, 1, 3}, idx3, 24}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "I has shape [1,1,3], expected X's shape [1,1,2,2]");
    tb_free(m);
    m = one_at(11, "MaxUnpool", "A,B,C", 3, (int[]){F32, I64, I64});
    tb_attr_ints(m, tb_graph(m)->node[0], "kernel_shape", D2(2, 2), 2);
    tb_attr_ints(m, tb_graph(m)->node[0], "strides", D2(2, 2), 2);
    idx4[2] = 2;
    rc = run1(m, (feed[]){xu, {"B", I64, 4, {1, 1, 2, 2}, idx4, 32}, {"C", I64, 1, {4}, shp, 32}},
              3, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "output_shape [1,1,3,3] holds fewer elements than the unpooled shape [1,1,4,4]");
    rc = run1(m, (feed[]){xu, {"B", I64, 4, {1, 1, 2, 2}, idx4, 32}, {"C", I64, 1, {3}, shp3, 24}},
              3, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "output_shape has 3 values, expected 4 (X's rank)");
    shp[2] = -9;
    rc = run1(m, (feed[]){xu, {"B", I64, 4, {1, 1, 2, 2}, idx4, 32}, {"C", I64, 1, {4}, shp, 32}},
              3, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "output_shape [1,1,-9,3] has a size out of range");
    tb_free(m);
    m = one_at(9, "MaxUnpool", "A,B", 2, (int[]){F32, I64});
    tb_attr_ints(m, tb_graph(m)->node[0], "kernel_shape", D2(1, 1), 2);
    tb_attr_ints(m, tb_graph(m)->node[0], "pads", (const int64_t[]){1, 0, 1, 0}, 4);
    rc = run1(m, (feed[]){xu, {"B", I64, 4, {1, 1, 2, 2}, idx4, 32}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "spatial axis 0 of 2 elements unpools to 0 elements");
    tb_free(m);

    /* An empty X may have huge dims: no overflow, no scratch for them. */
    const int64_t huge = (int64_t)1 << 35;
    m = one_at(11, "MaxUnpool", "A,B", 2, (int[]){F32, I64});
    tb_attr_ints(m, tb_graph(m)->node[0], "kernel_shape", D1(2), 1);
    tb_attr_ints(m, tb_graph(m)->node[0], "strides", D1((int64_t)1 << 30), 1);
    rc =
        run1(m, (feed[]){{"A", F32, 3, {0, 1, huge}, x16, 0}, {"B", I64, 3, {0, 1, huge}, idx4, 0}},
             2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "spatial axis 0 of 34359738368 elements unpools to");
    tb_free(m);
    m = one_at(13, "LRN", "A", 1, (int[]){F32});
    tb_attr_i(m, tb_graph(m)->node[0], "size", 3);
    const int64_t plane = (int64_t)1 << 29; /* 3 x 2^58 floats: addressable */
    rc = run1(m, (feed[]){{"A", F32, 4, {0, 3, plane, plane}, x16, 0}}, 1, msg, NULL, 0);
    if (rc) print_error("%s\n", msg);
    assert_int_equal(rc, LSTM_OK);
    tb_free(m);

    /* Col2Im: input [1, 4, L] of 2x2 blocks in a 3x3 image: L = 4 */
    int64_t img[2] = {3, 3}, blk[2] = {2, 2}, blk3[3] = {2, 2, 1}, big[2] = {4, 1};
    m = one_at(18, "Col2Im", "A,B,C", 3, (int[]){F32, I64, I64});
    rc = run1(m,
              (feed[]){{"A", F32, 3, {1, 4, 5}, x16, 80},
                       {"B", I64, 1, {2}, img, 16},
                       {"C", I64, 1, {2}, blk, 16}},
              3, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (Col2Im, opset 18): input has 5 columns, expected 4: the block positions "
           "of block_shape [2,2] in image_shape [3,3]");
    rc = run1(m,
              (feed[]){{"A", F32, 3, {1, 3, 4}, x16, 48},
                       {"B", I64, 1, {2}, img, 16},
                       {"C", I64, 1, {2}, blk, 16}},
              3, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "input has 3 rows, not a multiple of the block's 4 elements");
    rc = run1(m,
              (feed[]){{"A", F32, 3, {1, 4, 4}, x16, 64},
                       {"B", I64, 1, {2}, img, 16},
                       {"C", I64, 1, {3}, blk3, 24}},
              3, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "image_shape has 2 values and block_shape 3");
    rc = run1(m,
              (feed[]){{"A", F32, 3, {1, 4, 4}, x16, 64},
                       {"B", I64, 1, {2}, img, 16},
                       {"C", I64, 1, {2}, big, 16}},
              3, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "spatial axis 0: image 3 with pads 0 + 0 is smaller than the block's extent 4");
    int64_t wide[2] = {(int64_t)1 << 20, (int64_t)1 << 20}, ones[2] = {1, 1};
    rc = run1(m,
              (feed[]){{"A", F32, 3, {0, 1, (int64_t)1 << 40}, x16, 0},
                       {"B", I64, 1, {2}, wide, 16},
                       {"C", I64, 1, {2}, ones, 16}},
              3, msg, NULL, 0);
    expect(rc, msg, LSTM_ELIMIT, "(Col2Im, opset 18): block or image sizes exceed");
    tb_free(m);
    m = one_at(18, "Col2Im", "A,B,C", 3, (int[]){F32, I64, I64});
    tb_attr_ints(m, tb_graph(m)->node[0], "pads", (const int64_t[]){1, 1}, 2);
    rc = run1(m,
              (feed[]){{"A", F32, 3, {1, 4, 4}, x16, 64},
                       {"B", I64, 1, {2}, img, 16},
                       {"C", I64, 1, {2}, blk, 16}},
              3, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "attribute 'pads' has 2 values, expected 4 (image_shape has 2)");
    tb_free(m);
    m = one_at(18, "Col2Im", "A,B,C", 3, (int[]){F32, I64, I64});
    tb_attr_ints(m, tb_graph(m)->node[0], "strides", (const int64_t[]){0, 1}, 2);
    rc = run1(m, &x4, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "attribute 'strides' has value 0, expected 1 to");
    tb_free(m);

    /* CenterCropPad */
    int64_t s2[2] = {2, 2}, s1[1] = {2}, neg[2] = {-1, 2};
    const feed x23 = {"A", F32, 2, {2, 3}, x16, 24};
    m = one_at(18, "CenterCropPad", "A,B", 2, (int[]){F32, I64});
    tb_attr_ints(m, tb_graph(m)->node[0], "axes", D2(1, -1), 2);
    rc = run1(m, (feed[]){x23, {"B", I64, 1, {2}, s2, 16}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "node 'op' (CenterCropPad, opset 18): axes name axis 1 twice");
    rc = run1(m, (feed[]){x23, {"B", I64, 1, {1}, s1, 8}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "shape has 1 values, expected 2 (one per axis in axes)");
    tb_free(m);
    m = one_at(18, "CenterCropPad", "A,B", 2, (int[]){F32, I64});
    rc = run1(m, (feed[]){x23, {"B", I64, 1, {2}, neg, 16}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "shape gives axis 0 the length -1");
    rc = run1(m, (feed[]){x23, {"B", I64, 1, {1}, s1, 8}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "shape has 1 values, expected 2 (X's rank)");
    tb_free(m);
    m = one_at(18, "CenterCropPad", "A,B", 2, (int[]){F32, I64});
    tb_attr_ints(m, tb_graph(m)->node[0], "axes", D1(2), 1);
    rc = run1(m, (feed[]){x23, {"B", I64, 1, {1}, s1, 8}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "axis 2 is outside [-2, 1] for rank 2");
    tb_free(m);

    /* Col2Im whose image_shape and block_shape are computed while running (the node is
    ** prepared just before it runs), the shapes changing from run to run in one session:
    ** 1-D overlap-add of block [2], y[p] = row0[p] + row1[p - 1]. */
    m = tb_new(8, 18);
    tb_input(m, "A", F32, -1, NULL, NULL);
    tb_input(m, "I", I64, -1, NULL, NULL);
    tb_input(m, "K", I64, -1, NULL, NULL);
    tb_node(m, "Abs", "abs_i", "I", "Ia");
    tb_node(m, "Abs", "abs_k", "K", "Ka");
    tb_node(m, "Col2Im", "op", "A,Ia,Ka", "Y");
    tb_output(m, "Y", F32, -1, NULL, NULL);
    size_t len;
    const uint8_t *buf = tb_pack(m, &len);
    lstm_model *md = NULL;
    lstm_session *s = NULL;
    assert_int_equal(lstm_model_open_buffer(buf, len, NULL, &md), LSTM_OK);
    assert_int_equal(lstm_session_open(md, &s), LSTM_OK);
    const float cols[2][6] = {{1, 2, 3, 4, 5, 6}, {1, 2, 3, 4}};
    const float want[2][4] = {{1, 6, 8, 6}, {1, 5, 4}};
    const int64_t L[2] = {3, 2}, image[2] = {-4, 3}, block = -2, one1[1] = {1};
    for (int r = 0; r < 2; r++) {
        const int64_t xd[3] = {1, 2, L[r]};
        assert_int_equal(lstm_session_set_input(s, "A", F32, 3, xd, cols[r], (size_t)L[r] * 8),
                         LSTM_OK);
        assert_int_equal(lstm_session_set_input(s, "I", I64, 1, one1, &image[r], 8), LSTM_OK);
        assert_int_equal(lstm_session_set_input(s, "K", I64, 1, one1, &block, 8), LSTM_OK);
        rc = lstm_session_run(s);
        if (rc) print_error("%s\n", lstm_session_errmsg(s));
        assert_int_equal(rc, LSTM_OK);
        lstm_view v;
        assert_int_equal(lstm_session_output(s, "Y", &v), LSTM_OK);
        assert_int_equal(v.nbytes, (size_t)(L[r] + 1) * 4);
        for (int64_t i = 0; i <= L[r]; i++) assert_true(((const float *)v.data)[i] == want[r][i]);
    }
    lstm_session_close(s);
    lstm_model_close(md);
    tb_free(m);
}

/* GroupNormalization, RMSNormalization, Swish, RotaryEmbedding: refused attributes and inputs. */
static void norm_more_refusals(void **state)
{
    (void)state;
    char msg[512];
    int rc;
    tb_model *m;
    const feed x46 = {"A", F32, 3, {1, 4, 3}, x12, 48};
    const feed s4 = {"B", F32, 1, {4}, x12, 16}, b4 = {"C", F32, 1, {4}, x12, 16};

    /* GroupNormalization */
    m = one_at(21, "GroupNormalization", "A,B,C", 3, (int[]){F32, F32, F32});
    rc = run1(m, (feed[]){x46, s4, b4}, 3, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "node 'op' (GroupNormalization, opset 21): attribute 'num_groups' is required");
    tb_free(m);
    m = one_at(21, "GroupNormalization", "A,B,C", 3, (int[]){F32, F32, F32});
    tb_attr_i(m, tb_graph(m)->node[0], "num_groups", 3);
    rc = run1(m, (feed[]){x46, s4, b4}, 3, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (GroupNormalization, opset 21): num_groups 3 does not divide the 4 channels "
           "of X [1,4,3]");
    tb_free(m);
    m = one_at(21, "GroupNormalization", "A,B,C", 3, (int[]){F32, F32, F32});
    tb_attr_i(m, tb_graph(m)->node[0], "num_groups", 2);
    rc = run1(m, (feed[]){x46, {"B", F32, 1, {2}, x12, 8}, b4}, 3, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "(GroupNormalization, opset 21): input scale is float32 [2], expected float32 [4] (one "
           "per channel)");
    tb_free(m);
    m = one_at(18, "GroupNormalization", "A,B,C", 3, (int[]){F32, F32, F32});
    tb_attr_i(m, tb_graph(m)->node[0], "num_groups", 2);
    rc = run1(m, (feed[]){x46, s4, b4}, 3, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "(GroupNormalization, opset 18): input scale is float32 [4], expected float32 [2] (one "
           "per group)");
    tb_attr_i(m, tb_graph(m)->node[0], "stash_type", 1);
    rc = run1(m, (feed[]){x46, s4, b4}, 3, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "(GroupNormalization, opset 18): unknown attribute 'stash_type' for "
           "GroupNormalization version 18");
    tb_free(m);
    m = one_at(21, "GroupNormalization", "A,B,C", 3, (int[]){F32, F32, F32});
    tb_attr_i(m, tb_graph(m)->node[0], "num_groups", 2);
    tb_attr_i(m, tb_graph(m)->node[0], "stash_type", 10);
    rc = run1(m, (feed[]){x46, s4, b4}, 3, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "node 'op' (GroupNormalization, opset 21): stash_type 10 (float16) is not supported; 1 "
           "(float32) and 11 (double) are");
    tb_free(m);
    m = one_at(21, "GroupNormalization", "A,B,C", 3, (int[]){F32, F32, F32});
    tb_attr_i(m, tb_graph(m)->node[0], "num_groups", 0);
    rc = run1(m, (feed[]){x46, s4, b4}, 3, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "num_groups is 0, expected 1 or more");
    tb_free(m);
    m = one_at(21, "GroupNormalization", "A,B,C", 3, (int[]){F32, F32, F32});
    tb_attr_i(m, tb_graph(m)->node[0], "num_groups", 2);
    rc = run1(m, (feed[]){{"A", F32, 1, {4}, x12, 16}, s4, b4}, 3, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "X has shape [4], expected [N, C, D1, ...]");
    tb_free(m);
    m = one_at(21, "GroupNormalization", "A,B,C", 3, (int[]){F32, F32, F32});
    tb_attr_i(m, tb_graph(m)->node[0], "num_groups", 2);
    tb_attr_i(m, tb_graph(m)->node[0], "stash_type", 7);
    rc = run1(m, (feed[]){x46, s4, b4}, 3, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "stash_type 7 is not a float type");
    tb_free(m);

    /* RMSNormalization */
    const feed x34 = {"A", F32, 2, {3, 4}, x12, 48};
    m = one_at(23, "RMSNormalization", "A,B", 2, (int[]){F32, F32});
    tb_attr_i(m, tb_graph(m)->node[0], "axis", 2);
    rc = run1(m, (feed[]){x34, s4}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "node 'op' (RMSNormalization, opset 23): axis 2 is outside");
    tb_free(m);
    m = one_at(23, "RMSNormalization", "A,B", 2, (int[]){F32, F32});
    rc = run1(m, (feed[]){x34, {"B", F32, 1, {3}, x12, 12}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (RMSNormalization, opset 23): scale has shape [3], which does not broadcast "
           "to X [3,4]");
    rc = run1(m, (feed[]){x34, {"B", F32, 3, {1, 3, 4}, x12, 48}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "scale has shape [1,3,4], which does not broadcast to X [3,4]");
    tb_free(m);
    m = one_at(23, "RMSNormalization", "A,B", 2, (int[]){F32, F32});
    tb_attr_i(m, tb_graph(m)->node[0], "stash_type", 16);
    rc = run1(m, (feed[]){x34, s4}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "node 'op' (RMSNormalization, opset 23): stash_type 16 (bfloat16) is not supported");
    tb_free(m);
    m = one_at(23, "RMSNormalization", "A,B", 2, (int[]){F32, F32});
    tb_attr_f(m, tb_graph(m)->node[0], "epsilon", -1.0f);
    rc = run1(m, (feed[]){x34, s4}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "(RMSNormalization, opset 23): epsilon must not be negative");
    tb_free(m);
    m = one_at(23, "RMSNormalization", "A,B", 2, (int[]){F32, F32});
    tb_attr_i(m, tb_graph(m)->node[0], "axes", 1);
    rc = run1(m, (feed[]){x34, s4}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "unknown attribute 'axes' for RMSNormalization version 23");
    tb_free(m);

    /* Swish */
    m = one_at(24, "Swish", "A", 1, (int[]){F32});
    tb_attr_i(m, tb_graph(m)->node[0], "alpha", 2);
    rc = run1(m, (feed[]){x34}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "node 'op' (Swish, opset 24): attribute 'alpha'");
    tb_free(m);
    m = one_at(24, "Swish", "A", 1, (int[]){F32});
    tb_attr_f(m, tb_graph(m)->node[0], "beta", 2.0f);
    rc = run1(m, (feed[]){x34}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "unknown attribute 'beta' for Swish version 24");
    tb_free(m);
    m = one_at(23, "Swish", "A", 1, (int[]){F32});
    rc = run1(m, (feed[]){x34}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED, "Swish at opset 23: the operator first appears at opset 24");
    tb_free(m);
    m = node_model(10, 24, "Swish", "A", 1, (int[]){I64}, I64);
    rc = run1(m, (feed[]){{"A", I64, 1, {2}, (int64_t[]){1, 2}, 16}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "node 'op' (Swish, opset 24): unsupported type int64 (Swish takes float32, float64, "
           "float16 or bfloat16)");
    tb_free(m);

    /* RotaryEmbedding: X [1, 1, 2, 4] or [1, 2, 4], caches [3, 2], position_ids [1, 2] */
    static const float x8[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    const feed rx = {"A", F32, 4, {1, 1, 2, 4}, x8, 32}, rc_ = {"B", F32, 2, {3, 2}, x6, 24},
               rs = {"C", F32, 2, {3, 2}, x6, 24};
    int64_t pos_bad[2] = {0, 3}, pos_ok[2] = {0, 2};
    const feed rp = {"D", I64, 2, {1, 2}, pos_ok, 16};
    m = one_at(23, "RotaryEmbedding", "A,B,C,D", 4, (int[]){F32, F32, F32, I64});
    rc = run1(m, (feed[]){rx, rc_, rs, {"D", I64, 2, {1, 2}, pos_bad, 16}}, 4, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (RotaryEmbedding, opset 23): position_ids[0][1] is 3, outside [-3, 3) (the "
           "rows of cos_cache)");
    rc = run1(m, (feed[]){rx, {"B", F32, 2, {3, 1}, x6, 12}, {"C", F32, 2, {3, 1}, x6, 12}, rp}, 4,
              msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "cos_cache [3,1] and sin_cache [3,1], expected both [max_position_id + 1, n] "
           "(position_ids given) with a last dimension of at least 2");
    rc = run1(m, (feed[]){{"A", F32, 2, {2, 4}, x8, 32}, rc_, rs, rp}, 4, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "X has shape [2,4], expected [batch, heads, sequence, head size] or [batch, sequence, "
           "hidden]");
    rc = run1(m, (feed[]){{"A", F32, 3, {1, 2, 4}, x8, 32}, rc_, rs, rp}, 4, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "attribute num_heads is required");
    tb_free(m);
    m = one_at(23, "RotaryEmbedding", "A,B,C,D", 4, (int[]){F32, F32, F32, I64});
    tb_attr_i(m, tb_graph(m)->node[0], "num_heads", 3);
    rc = run1(m, (feed[]){{"A", F32, 3, {1, 2, 4}, x8, 32}, rc_, rs, rp}, 4, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "hidden size 4 of X is not a multiple of num_heads 3");
    rc = run1(m, (feed[]){rx, rc_, rs, rp}, 4, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "num_heads is 3 but X [1,1,2,4] (4-D) has 1 heads");
    tb_free(m);
    m = one_at(23, "RotaryEmbedding", "A,B,C,D", 4, (int[]){F32, F32, F32, I64});
    tb_attr_i(m, tb_graph(m)->node[0], "rotary_embedding_dim", 3);
    rc = run1(m, (feed[]){rx, rc_, rs, rp}, 4, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "(RotaryEmbedding, opset 23): rotary_embedding_dim is 3, expected 0 (the head size) or "
           "a positive even number");
    tb_free(m);
    m = one_at(23, "RotaryEmbedding", "A,B,C,D", 4, (int[]){F32, F32, F32, I64});
    tb_attr_i(m, tb_graph(m)->node[0], "rotary_embedding_dim", 6);
    rc = run1(m, (feed[]){rx, rc_, rs, rp}, 4, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "rotary_embedding_dim 6 does not fit the head size 4");
    tb_free(m);
    m = one_at(23, "RotaryEmbedding", "A,B,C,D", 4, (int[]){F32, F32, F32, I64});
    tb_attr_i(m, tb_graph(m)->node[0], "interleaved", 2);
    rc = run1(m, (feed[]){rx, rc_, rs, rp}, 4, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "attribute 'interleaved' is 2, expected 0 or 1");
    tb_free(m);
    m = one_at(23, "RotaryEmbedding", "A,B,C", 3, (int[]){F32, F32, F32});
    rc = run1(m, (feed[]){rx, rc_, rs}, 3, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "expected both [batch, sequence, n] (no position_ids)");
    tb_free(m);
    enum { F64 = 11 };
    m = one_at(23, "RotaryEmbedding", "A,B,C,D", 4, (int[]){F64, F64, F64, I64});
    rc = run1(m,
              (feed[]){{"A", F64, 4, {1, 1, 1, 2}, x8, 16},
                       {"B", F64, 2, {1, 1}, x8, 8},
                       {"C", F64, 2, {1, 1}, x8, 8},
                       {"D", I64, 2, {1, 1}, pos_ok, 8}},
              4, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED, "X is float64, expected float32, float16 or bfloat16");
    tb_free(m);
}

/* Attention's fully-masked guard reads the bias, not the scores (ONNX errata onnx#8068): a
** query whose every score is -inf from an infinite Q, with no key masked, gets Softmax's NaN;
** one whose every key the mask removes gets zeros though its scores are +inf (NaN once
** masked). The other query: softmax([0, -1] / sqrt(2)) times V, in double. The mask is added
** to the scores as in the function body: a NaN score at a masked key stays NaN. */
static void attention_inf_scores(void **state)
{
    (void)state;
    char msg[512];
    float got[4];
    const float k[4] = {1, -1, 2, -3}, v[4] = {1, 2, 3, 4};
    const float qa[4] = {0.5f, INFINITY, 1, 1}, qb[4] = {-0.5f, -INFINITY, 1, 1};
    const float mask[4] = {-INFINITY, -INFINITY, 0, 0};
    const double e = exp(-1 / sqrt(2.0)), p0 = 1 / (1 + e), p1 = e / (1 + e);
    const double y1[2] = {p0 * 1 + p1 * 3, p0 * 2 + p1 * 4};
    const feed K = {"B", F32, 4, {1, 1, 2, 2}, k, 16}, V = {"C", F32, 4, {1, 1, 2, 2}, v, 16};

    tb_model *m = one_at(24, "Attention", "A,B,C", 3, (int[]){F32, F32, F32});
    assert_int_equal(run1(m, (feed[]){{"A", F32, 4, {1, 1, 2, 2}, qa, 16}, K, V}, 3, msg, got, 4),
                     LSTM_OK);
    assert_true(isnan(got[0]) && isnan(got[1]));
    for (int i = 0; i < 2; i++) assert_float_equal(got[2 + i], y1[i], 1e-6);
    tb_free(m);

    m = one_at(24, "Attention", "A,B,C,D", 4, (int[]){F32, F32, F32, F32});
    assert_int_equal(
        run1(m,
             (feed[]){{"A", F32, 4, {1, 1, 2, 2}, qb, 16}, K, V, {"D", F32, 2, {2, 2}, mask, 16}},
             4, msg, got, 4),
        LSTM_OK);
    assert_true(got[0] == 0 && got[1] == 0);
    for (int i = 0; i < 2; i++) assert_float_equal(got[2 + i], y1[i], 1e-6);
    tb_free(m);

    /* is_causal with a NaN in K's key 1: query 0's masked score is NaN + -inf, still NaN */
    const float kn[4] = {1, -1, NAN, -3}, qc[4] = {1, 1, 1, 1};
    m = one_at(24, "Attention", "A,B,C", 3, (int[]){F32, F32, F32});
    tb_attr_i(m, tb_graph(m)->node[0], "is_causal", 1);
    assert_int_equal(
        run1(m,
             (feed[]){{"A", F32, 4, {1, 1, 2, 2}, qc, 16}, {"B", F32, 4, {1, 1, 2, 2}, kn, 16}, V},
             3, msg, got, 4),
        LSTM_OK);
    for (int i = 0; i < 4; i++) assert_true(isnan(got[i]));
    tb_free(m);
}

/* Attention refuses attribute values outside the spec, inconsistent shapes and types, and the
** input combinations the text forbids, naming the node and what was expected. */
static void attention_refusals(void **state)
{
    (void)state;
    char msg[512];
    int rc;
    tb_model *m;
    enum { F16 = 10, F64 = 11, BOOL = 9 };
    static const float z16[16] = {0};
    static const unsigned char b9[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    const feed q4 = {"A", F32, 4, {1, 2, 2, 2}, z16, 32}, k4 = {"B", F32, 4, {1, 2, 2, 2}, z16, 32},
               v4 = {"C", F32, 4, {1, 2, 2, 2}, z16, 32};
    const feed q3 = {"A", F32, 3, {1, 2, 4}, z16, 32}, k3 = {"B", F32, 3, {1, 2, 4}, z16, 32},
               v3 = {"C", F32, 3, {1, 2, 4}, z16, 32};
    const int f3[3] = {F32, F32, F32};

    /* attributes */
    static const struct {
        const char *name;
        int64_t v;
        const char *needle;
    } ints[] = {
        {"is_causal", 2,
         "node 'op' (Attention, opset 24): attribute 'is_causal' is 2, expected 0 or 1"},
        {"qk_matmul_output_mode", 4, "qk_matmul_output_mode is 4, expected 0 to 3"},
        {"softmax_precision", 7, "softmax_precision is 7, expected 1 (float), 10 (float16)"},
        {"q_num_heads", 0, "q_num_heads is 0 and kv_num_heads 0, expected 1 or more"},
    };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        m = one_at(24, "Attention", "A,B,C", 3, f3);
        tb_attr_i(m, tb_graph(m)->node[0], ints[i].name, ints[i].v);
        rc = run1(m, (feed[]){q4, k4, v4}, 3, msg, NULL, 0);
        expect(rc, msg, LSTM_EMODEL, ints[i].needle);
        tb_free(m);
    }
    m = one_at(23, "Attention", "A,B,C", 3, f3);
    tb_attr_f(m, tb_graph(m)->node[0], "scale", -1.0f);
    rc = run1(m, (feed[]){q4, k4, v4}, 3, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "node 'op' (Attention, opset 23): scale is -1, expected a finite value >= 0");
    tb_free(m);
    m = one_at(23, "Attention", "A,B,C", 3, f3);
    tb_attr_f(m, tb_graph(m)->node[0], "softcap", INFINITY);
    rc = run1(m, (feed[]){q4, k4, v4}, 3, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "softcap is inf, expected a finite value");
    tb_free(m);
    m = one_at(24, "Attention", "A,B,C", 3, f3);
    tb_attr_i(m, tb_graph(m)->node[0], "window", 2);
    rc = run1(m, (feed[]){q4, k4, v4}, 3, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "unknown attribute 'window' for Attention version 24");
    tb_free(m);

    /* head counts and shapes */
    m = one_at(24, "Attention", "A,B,C", 3, f3);
    tb_attr_i(m, tb_graph(m)->node[0], "q_num_heads", 2);
    rc = run1(m, (feed[]){q3, k3, v3}, 3, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (Attention, opset 24): Q, K and V are 3-D: attributes q_num_heads and "
           "kv_num_heads are required");
    tb_attr_i(m, tb_graph(m)->node[0], "kv_num_heads", 3);
    rc = run1(m, (feed[]){q3, k3, v3}, 3, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "hidden sizes of Q [1,2,4], K [1,2,4] and V [1,2,4] are not multiples of q_num_heads "
           "2 and kv_num_heads 3");
    rc = run1(m, (feed[]){q4, k4, v4}, 3, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "q_num_heads 2 / kv_num_heads 3 contradict the 4-D Q [1,2,2,2] and K [1,2,2,2]");
    rc = run1(m, (feed[]){q3, k4, v4}, 3, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "expected all 4-D [batch, heads, sequence, size] or all 3-D");
    tb_free(m);
    m = one_at(24, "Attention", "A,B,C", 3, f3);
    rc = run1(m, (feed[]){{"A", F32, 4, {1, 3, 1, 2}, z16, 24}, k4, v4}, 3, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "3 query heads are not a multiple of 2 key / value heads");
    rc = run1(m, (feed[]){q4, {"B", F32, 4, {1, 2, 2, 3}, z16, 48}, v4}, 3, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "Q [1,2,2,2], K [1,2,2,3] and V [1,2,2,2] disagree (batch, key / value lengths and "
           "heads, Q and K head sizes must match)");
    tb_free(m);

    /* types */
    m = one_at(24, "Attention", "A,B,C", 3, (int[]){F32, F32, F16});
    rc = run1(m, (feed[]){q4, k4, {"C", F16, 4, {1, 2, 2, 2}, z16, 16}}, 3, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "K is float32 and V float16, expected float32 as Q");
    tb_free(m);
    m = one_at(24, "Attention", "A,B,C", 3, (int[]){I64, I64, I64});
    rc = run1(m,
              (feed[]){{"A", I64, 4, {1, 1, 1, 1}, z16, 8},
                       {"B", I64, 4, {1, 1, 1, 1}, z16, 8},
                       {"C", I64, 4, {1, 1, 1, 1}, z16, 8}},
              3, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "Q is int64, expected float32, float64, float16 or bfloat16");
    tb_free(m);

    /* masks */
    m = one_at(24, "Attention", "A,B,C,D", 4, (int[]){F32, F32, F32, BOOL});
    rc = run1(m, (feed[]){q4, k4, v4, {"D", BOOL, 2, {3, 3}, b9, 9}}, 4, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "attn_mask [3,3] does not broadcast to [1, 2, 2, <= 2] (batch, q_num_heads, "
           "q_sequence_length, total_sequence_length)");
    tb_free(m);
    m = one_at(24, "Attention", "A,B,C,D", 4, (int[]){F32, F32, F32, F64});
    rc = run1(m, (feed[]){q4, k4, v4, {"D", F64, 2, {2, 2}, z16, 32}}, 4, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "attn_mask is float64, expected bool or float32 (Q's type)");
    tb_free(m);

    /* past and nonpad_kv_seqlen */
    m = one_at(24, "Attention", "A,B,C,,D", 4, (int[]){F32, F32, F32, F32});
    rc = run1(m, (feed[]){q4, k4, v4, {"D", F32, 4, {1, 2, 1, 2}, z16, 16}}, 4, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "past_key and past_value must be given together");
    tb_free(m);
    const feed pk = {"D", F32, 4, {1, 2, 1, 2}, z16, 16}, pv = {"E", F32, 4, {1, 2, 1, 2}, z16, 16};
    m = one_at(24, "Attention", "A,B,C,,D,E,F", 6, (int[]){F32, F32, F32, F32, F32, I64});
    int64_t np2[1] = {2};
    rc = run1(m, (feed[]){q4, k4, v4, pk, pv, {"F", I64, 1, {1}, np2, 8}}, 6, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "nonpad_kv_seqlen cannot be used with past_key / past_value");
    tb_free(m);
    m = one_at(24, "Attention", "A,B,C,,D,E", 5, (int[]){F32, F32, F32, F32, F32});
    rc = run1(m, (feed[]){q4, k4, v4, pk, {"E", F32, 4, {1, 2, 1, 3}, z16, 24}}, 5, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "past_key [1,2,1,2] and past_value [1,2,1,3], expected [1, 2, past, 2] and [1, 2, "
           "past, 2]");
    tb_free(m);
    m = one_at(24, "Attention", "A,B,C,,,,D", 4, (int[]){F32, F32, F32, I64});
    int64_t np3[1] = {3};
    rc = run1(m, (feed[]){q4, k4, v4, {"D", I64, 1, {1}, np3, 8}}, 4, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (Attention, opset 24): nonpad_kv_seqlen[0] is 3, outside [0, 2] (the key "
           "length)");
    rc = run1(m, (feed[]){q4, k4, v4, {"D", I64, 1, {2}, (int64_t[]){1, 1}, 16}}, 4, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "nonpad_kv_seqlen is int64 [2], expected int64 [1]");
    tb_free(m);
    m = one_at(23, "Attention", "A,B,C,,,,D", 4, (int[]){F32, F32, F32, I64});
    rc = run1(m, (feed[]){q4, k4, v4, {"D", I64, 1, {1}, np2, 8}}, 4, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "node 'op' (Attention, opset 23)");
    tb_free(m);

    /* Empty Q, K and V with huge dims (products of them overflowed int64; a batch of 2^40 heads
    ** with nothing to compute was looped over). */
    const int64_t e40 = (int64_t)1 << 40, e62 = (int64_t)1 << 62;
    m = one_at(24, "Attention", "A,B,C", 3, f3);
    tb_attr_i(m, tb_graph(m)->node[0], "q_num_heads", e62);
    tb_attr_i(m, tb_graph(m)->node[0], "kv_num_heads", e62);
    const feed q0 = {"A", F32, 3, {2, 3, 0}, z16, 0}, k0 = {"B", F32, 3, {2, 3, 0}, z16, 0},
               v0 = {"C", F32, 3, {2, 3, 0}, z16, 0};
    rc = run1(m, (feed[]){q0, k0, v0}, 3, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED, "sequence lengths, head counts or head sizes too large");
    tb_free(m);
    m = one_at(24, "Attention", "A,B,C,D", 4, (int[]){F32, F32, F32, BOOL});
    rc = run1(m,
              (feed[]){{"A", F32, 4, {0, e40, e40, 1}, z16, 0},
                       {"B", F32, 4, {0, e40, 3, 1}, z16, 0},
                       {"C", F32, 4, {0, e40, 3, 1}, z16, 0},
                       {"D", BOOL, 4, {0, e40, e40, 3}, b9, 0}},
              4, msg, NULL, 0);
    /* such inputs no longer reach a kernel (NumPy refuses them too) */
    expect(rc, msg, LSTM_ELIMIT,
           "input 'A': shape [0,1099511627776,1099511627776,1] is too big to address");
    tb_free(m);
    m = one_at(24, "Attention", "A,B,C", 3, f3);
    tb_attr_i(m, tb_graph(m)->node[0], "q_num_heads", 1);
    tb_attr_i(m, tb_graph(m)->node[0], "kv_num_heads", 1);
    const feed qe = {"A", F32, 3, {e40, 1, 0}, z16, 0}, ke = {"B", F32, 3, {e40, 1, 0}, z16, 0},
               ve = {"C", F32, 3, {e40, 1, 0}, z16, 0};
    size_t len;
    const uint8_t *buf = tb_pack(m, &len);
    lstm_model *md = NULL;
    lstm_session *s = NULL;
    lstm_view y = {0};
    rc = lstm_model_open_buffer(buf, len, NULL, &md);
    if (!rc) rc = lstm_session_open(md, &s);
    for (int i = 0; !rc && i < 3; i++) {
        const feed *f = i == 0 ? &qe : i == 1 ? &ke : &ve;
        rc = lstm_session_set_input(s, f->name, F32, 3, f->dims, f->data, 0);
    }
    if (!rc) rc = lstm_session_run(s);
    if (!rc) rc = lstm_session_output(s, "Y", &y);
    if (rc) print_error("%s\n", s ? lstm_session_errmsg(s) : lstm_model_errmsg(md));
    assert_int_equal(rc, LSTM_OK);
    assert_true(y.rank == 3 && y.dims[0] == e40 && y.dims[1] == 1 && y.dims[2] == 0);
    lstm_session_close(s);
    lstm_model_close(md);
    tb_free(m);
}

static void pad_late_values(void **state)
{
    (void)state;
    tb_model *m = tb_new(8, 19);
    tb_input(m, "A", F32, -1, NULL, NULL);
    tb_input(m, "P", I64, -1, NULL, NULL);
    tb_node(m, "Abs", "abs", "P", "Q");
    tb_node(m, "Pad", "op", "A,Q", "Y");
    tb_attr_s(m, tb_graph(m)->node[1], "mode", "wrap");
    tb_output(m, "Y", F32, -1, NULL, NULL);
    size_t len;
    const uint8_t *buf = tb_pack(m, &len);
    lstm_model *md = NULL;
    lstm_session *s = NULL;
    assert_int_equal(lstm_model_open_buffer(buf, len, NULL, &md), LSTM_OK);
    assert_int_equal(lstm_session_open(md, &s), LSTM_OK);
    const int64_t dims[2] = {1, 3}, pdims[1] = {4};
    const int64_t pads[3][4] = {{0, 1, 0, 2}, {0, 5, 0, 0}, {0, 0, 0, 1}};
    /* numpy.pad([1,2,3], (b, e), "wrap") */
    const float want[3][8] = {{3, 1, 2, 3, 1, 2}, {2, 3, 1, 2, 3, 1, 2, 3}, {1, 2, 3, 1}};
    const size_t n[3] = {6, 8, 4};
    for (int r = 0; r < 3; r++) {
        assert_int_equal(lstm_session_set_input(s, "A", F32, 2, dims, x6, 12), LSTM_OK);
        assert_int_equal(lstm_session_set_input(s, "P", I64, 1, pdims, pads[r], 32), LSTM_OK);
        int rc = lstm_session_run(s);
        if (rc) print_error("%s\n", lstm_session_errmsg(s));
        assert_int_equal(rc, LSTM_OK);
        lstm_view v;
        assert_int_equal(lstm_session_output(s, "Y", &v), LSTM_OK);
        assert_int_equal(v.nbytes, n[r] * 4);
        for (size_t i = 0; i < n[r]; i++) assert_true(((const float *)v.data)[i] == want[r][i]);
    }
    lstm_session_close(s);
    lstm_model_close(md);
    tb_free(m);
}

/* NaN propagates where IEEE says so and never becomes undefined behaviour. */
/* Split sizes read from an input may be huge: their sum must not overflow (fuzz_load found
** Split adding two sizes past INT64_MAX). The same for SplitToSequence, whose scalar split may
** be huge too (one part). */
static void split_sizes_overflow(void **state)
{
    (void)state;
    char msg[512];
    const int64_t big[2] = {INT64_MAX / 2 + 3, INT64_MAX / 2 + 3}, huge = INT64_MAX;
    tb_model *m = tb_new(8, 17);
    tb_input(m, "A", F32, -1, NULL, NULL);
    tb_input(m, "B", I64, -1, NULL, NULL);
    tb_node(m, "Split", "op", "A,B", "Y,Z");
    tb_output(m, "Y", F32, -1, NULL, NULL);
    tb_output(m, "Z", F32, -1, NULL, NULL);
    int rc =
        run1(m, (feed[]){{"A", F32, 1, {6}, x6, 24}, {"B", I64, 1, {2}, big, 16}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (Split, opset 17): split sizes add up to more than axis 0's 6");
    tb_free(m);
    m = one("SplitToSequence", "A,B", 2, (int[]){F32, I64});
    rc =
        run1(m, (feed[]){{"A", F32, 1, {6}, x6, 24}, {"B", I64, 1, {2}, big, 16}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (SplitToSequence, opset 17): split sums to more than the axis' 6");
    rc = run1(m, (feed[]){{"A", F32, 1, {6}, x6, 24}, {"B", I64, 0, {0}, &huge, 8}}, 2, msg, NULL,
              0);
    if (rc) print_error("%s\n", msg);
    assert_int_equal(rc, LSTM_OK);
    tb_free(m);
    /* Split-18's num_outputs must match the node's outputs and comes without a split input. */
    const feed a6 = {"A", F32, 1, {6}, x6, 24};
    m = tb_new(8, 18);
    tb_input(m, "A", F32, -1, NULL, NULL);
    Onnx__NodeProto *n = tb_node(m, "Split", "op", "A", "Y,Z");
    tb_attr_i(m, n, "num_outputs", 3);
    tb_output(m, "Y", F32, -1, NULL, NULL);
    tb_output(m, "Z", F32, -1, NULL, NULL);
    rc = run1(m, &a6, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "node 'op' (Split, opset 18): attribute 'num_outputs' is 3, the node has 2 outputs");
    tb_free(m);
    const int64_t two[2] = {4, 2};
    m = tb_new(8, 18);
    tb_input(m, "A", F32, -1, NULL, NULL);
    tb_input(m, "B", I64, -1, NULL, NULL);
    n = tb_node(m, "Split", "op", "A,B", "Y,Z");
    tb_attr_i(m, n, "num_outputs", 2);
    tb_output(m, "Y", F32, -1, NULL, NULL);
    tb_output(m, "Z", F32, -1, NULL, NULL);
    rc = run1(m, (feed[]){a6, {"B", I64, 1, {2}, two, 16}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "attribute 'num_outputs' and input 'split' both given");
    tb_free(m);
}

/* InstanceNormalization over one element per instance: x - mean is 0, so y is B exactly (a
** held-out case, salt 25, was off by 6e-5 when B - mean * scale / sqrt(epsilon) was formed
** first). Over two elements {m - d, m + d}: y = -+ scale * d / sqrt(d^2 + epsilon) + B. */
static void instnorm_tiny_variance(void **state)
{
    (void)state;
    char msg[512];
    const float x[4] = {1.896413f, -1.6813117f, 1.9123298f, 1.2565601f};
    const float sc[2] = {0.75f, -1.25f}, b[2] = {0.0467228f, 0.9655812f};
    float got[4];
    tb_model *m = one("InstanceNormalization", "A,B,C", 3, (int[]){F32, F32, F32});
    const feed sb[2] = {{"B", F32, 1, {2}, sc, 8}, {"C", F32, 1, {2}, b, 8}};
    int rc = run1(m, (feed[]){{"A", F32, 4, {2, 2, 1, 1}, x, 16}, sb[0], sb[1]}, 3, msg, got, 4);
    assert_int_equal(rc, LSTM_OK);
    for (int i = 0; i < 4; i++) assert_true(got[i] == b[i % 2]);
    const float x2[4] = {3.0f, 3.001f, -2.5f, -2.5f};
    rc = run1(m, (feed[]){{"A", F32, 3, {1, 2, 2}, x2, 16}, sb[0], sb[1]}, 3, msg, got, 4);
    assert_int_equal(rc, LSTM_OK);
    double d = ((double)x2[1] - (double)x2[0]) / 2, a = 0.75 * d / sqrt(d * d + 1e-5);
    assert_true(fabs(got[0] - (-a + b[0])) < 1e-6 && fabs(got[1] - (a + b[0])) < 1e-6);
    assert_true(got[2] == b[1] && got[3] == b[1]);
    tb_free(m);
}

static void nan_inputs(void **state)
{
    (void)state;
    char msg[512];
    float x[3] = {NAN, -1, 2}, got[3];
    tb_model *m = one("Relu", "A", 1, (int[]){F32});
    assert_int_equal(run1(m, (feed[]){{"A", F32, 1, {3}, x, 12}}, 1, msg, got, 3), LSTM_OK);
    assert_true(isnan(got[0]) && got[1] == 0 && got[2] == 2);
    tb_free(m);
    m = one("Cast", "A", 1, (int[]){F32});
    tb_attr_i(m, tb_graph(m)->node[0], "to", I32);
    tb_graph(m)->output[0]->type->tensor_type->elem_type = I32;
    float y[3] = {NAN, 1e20f, -1e20f};
    assert_int_equal(run1(m, (feed[]){{"A", F32, 1, {3}, y, 12}}, 1, msg, got, 3), LSTM_OK);
    int32_t ints[3];
    memcpy(ints, got, sizeof ints);
    assert_int_equal(ints[0], 0);
    assert_int_equal(ints[1], INT32_MAX);
    assert_int_equal(ints[2], INT32_MIN);
    tb_free(m);
    m = one("Clip", "A", 1, (int[]){F32});
    assert_int_equal(run1(m, (feed[]){{"A", F32, 1, {3}, x, 12}}, 1, msg, got, 3), LSTM_OK);
    assert_true(isnan(got[0]));
    tb_free(m);
    /* Softmax / LogSoftmax on float32 rows (the vectorised path): a row with a NaN or +inf is
       NaN throughout (as in double and in onnxruntime); -inf gives 0 (log: -inf); the others
       within 1e-6 of libm's double. */
    float rows[12] = {NAN, -1, 2, INFINITY, 1, 0, -INFINITY, 1, 2, 0.5f, -3, 40}, out[12];
    for (int lg = 0; lg < 2; lg++) {
        m = one(lg ? "LogSoftmax" : "Softmax", "A", 1, (int[]){F32});
        assert_int_equal(run1(m, (feed[]){{"A", F32, 2, {4, 3}, rows, 48}}, 1, msg, out, 12),
                         LSTM_OK);
        for (int i = 0; i < 6; i++) assert_true(isnan(out[i]));
        assert_true(lg ? out[6] == -INFINITY : out[6] == 0.0f);
        for (int r = 2; r < 4; r++) {
            double mx = -INFINITY, sum = 0;
            for (int j = 0; j < 3; j++) mx = fmax(mx, rows[3 * r + j]);
            for (int j = 0; j < 3; j++) sum += exp(rows[3 * r + j] - mx);
            for (int j = 0; j < 3; j++) {
                const double v = rows[3 * r + j] - mx;
                if (!isfinite(v)) continue;
                const double want = lg ? v - log(sum) : exp(v) / sum;
                assert_true(fabs(out[3 * r + j] - want) <= 1e-6 * fmax(1.0, fabs(want)));
            }
        }
        tb_free(m);
    }
}

/* The activations built on the vectorised exp, float32 (blocks of 256 and a tail): within 1e-6
** relative of double over [-80, 30] and near 0 (Gelu "tanh": of the float32 argument of its exp, as
** computed before; below 1e-30 absolute counts as agreeing), at non-default alphas too, and
** NaN, -inf, +inf and 0 as the formula gives them. */
static double act_ref(int op, double al, double be, float v)
{
    switch (op) {
    case 0:
        return v * tanh(log1p(exp(v)));
    case 1: {
        const float a = -2.0f * (0.7978845608028654f * (v + 0.044715f * v * v * v));
        return v / (1.0 + exp((double)a));
    }
    case 2:
        return v < 0 ? al * expm1(v) : v;
    case 3:
        return v > 0 ? be * v : be * al * expm1(v);
    case 4:
        return v > 0 ? v : al * expm1(v / al);
    default:
        return v > 0 ? v + log1p(exp(-(double)v)) : log1p(exp(v));
    }
}

static void activations_f32(void **state)
{
    (void)state;
    enum { N = 4099 };
    static float x[N], got[N];
    static const char *const ops[] = {"Mish", "Gelu", "Elu", "Selu", "Celu", "Softplus"};
    static const float specials[][4] = {
        /* f(NaN), f(-inf), f(+inf), f(0) (alpha 0.5, -2) */
        {NAN, NAN, INFINITY, 0},   {NAN, NAN, INFINITY, 0},       {NAN, -0.5f, INFINITY, 0},
        {NAN, -1.0f, INFINITY, 0}, {NAN, -INFINITY, INFINITY, 0}, {NAN, 0, INFINITY, 0.6931472f}};
    char msg[512];
    for (int i = 0; i < N - 104; i++) x[i] = -80.0f + 110.0f * (float)i / (N - 105);
    for (int k = 0; k < 100; k++) /* +-2^-1 to 2^-50: no cancellation near 0 */
        x[N - 104 + k] = ldexpf(k & 1 ? -1.0f : 1.0f, -1 - k / 2);
    x[N - 4] = NAN, x[N - 3] = -INFINITY, x[N - 2] = INFINITY, x[N - 1] = 0.0f;
    for (int op = 0; op < 6; op++) {
        tb_model *m = one_at(20, ops[op], "A", 1, (int[]){F32});
        Onnx__NodeProto *nd = tb_graph(m)->node[0];
        const float al = op == 2 ? 0.5f : op == 3 ? 2.0f : op == 4 ? -2.0f : 0, be = 0.5f;
        if (op == 1) tb_attr_s(m, nd, "approximate", "tanh");
        if (op >= 2 && op <= 4) tb_attr_f(m, nd, "alpha", al);
        if (op == 3) tb_attr_f(m, nd, "gamma", be);
        assert_int_equal(run1(m, (feed[]){{"A", F32, 1, {N}, x, sizeof x}}, 1, msg, got, N),
                         LSTM_OK);
        double worst = 0;
        for (int i = 0; i < N - 4; i++) {
            const double want = act_ref(op, al, be, x[i]), err = fabs(got[i] - want);
            if (err > 1e-30) worst = fmax(worst, err / fabs(want));
        }
        print_message("  %s: max relative error %.2g\n", ops[op], worst);
        assert_true(worst <= 1e-6);
        for (int k = 0; k < 4; k++) {
            const float w = specials[op][k], g = got[N - 4 + k];
            if (isnan(w)) {
                assert_true(isnan(g));
            } else {
                const int ok = isinf(w) ? g == w : fabsf(g - w) <= 1e-6f * fabsf(w);
                if (!ok) print_error("%s special %d: %g, expected %g\n", ops[op], k, g, w);
                assert_true(ok);
            }
        }
        tb_free(m);
    }
}

/* float32 with one scalar operand (rank 0 or [1], either side) and Pow with a scalar exponent
** run direct loops: each value equals libm's double computation rounded to float (the general
** path's), bit for bit; Cast to the same type keeps the values. */
static void scalar_operands(void **state)
{
    (void)state;
    char msg[512];
    static const float a[9] = {1.5f, -2.25f, 0.0f, -0.0f, 3e38f, 1e-30f, 7.0f, -0.1f, 65504.5f};
    static const char *const ops[] = {"Add", "Sub", "Mul", "Div", "Pow"};
    static const float scal[] = {2.0f, -3.5f, 1.0f, 0.5f, 3.0f};
    float got[9];
    for (int o = 0; o < 5; o++)
        for (int sv = 0; sv < 5; sv++)
            for (int form = 0; form < 3; form++) { /* b rank 0, b [1], a scalar on the left */
                if (o == 4 && form == 2) continue;
                const float b = scal[sv];
                tb_model *m = one(ops[o], "A,B", 2, (int[]){F32, F32});
                feed f[2] = {{"A", F32, 1, {9}, a, sizeof a}, {"B", F32, 0, {0}, &b, 4}};
                if (form == 1) f[1] = (feed){"B", F32, 1, {1}, &b, 4};
                if (form == 2) {
                    f[0] = (feed){"A", F32, 0, {0}, &b, 4};
                    f[1] = (feed){"B", F32, 1, {9}, a, sizeof a};
                }
                assert_int_equal(run1(m, f, 2, msg, got, 9), LSTM_OK);
                for (int i = 0; i < 9; i++) {
                    double x = form == 2 ? b : a[i], y = form == 2 ? a[i] : b;
                    double r = o == 0   ? x + y
                               : o == 1 ? x - y
                               : o == 2 ? x * y
                               : o == 3 ? x / y
                                        : pow(x, y);
                    float want = (float)r;
                    if (memcmp(&want, &got[i], 4) != 0 && !(isnan(want) && isnan(got[i])))
                        print_error("%s form %d b=%g i=%d: got %.9g want %.9g\n", ops[o], form,
                                    (double)b, i, (double)got[i], (double)want);
                    assert_true(memcmp(&want, &got[i], 4) == 0 || (isnan(want) && isnan(got[i])));
                }
                tb_free(m);
            }
    tb_model *m = one("Cast", "A", 1, (int[]){F32});
    tb_attr_i(m, tb_graph(m)->node[0], "to", F32);
    assert_int_equal(run1(m, (feed[]){{"A", F32, 1, {9}, a, sizeof a}}, 1, msg, got, 9), LSTM_OK);
    assert_memory_equal(got, a, sizeof a);
    tb_free(m);
}

/* Constant's forms by opset (one registry row covers every version), string and sparse values
** refused naming the attribute; Cast's saturate / round_mode only from 19 / 24. */
/* ReduceMin / L1 / L2 / SumSquare / LogSum / LogSumExp, LpNormalization and
** MeanVarianceNormalization: types by opset, attributes by version, axes. */
static void reduce_norm_refusals(void **state)
{
    (void)state;
    char msg[512];
    int rc;
    tb_model *m;
    const int8_t i8[6] = {1, -2, 3, -4, 5, -6};
    const uint8_t b6[6] = {1, 0, 1, 1, 1, 1};
    const feed a23 = {"A", F32, 2, {2, 3}, x6, 24};
    const feed c23 = {"A", LSTM_DT_INT8, 2, {2, 3}, i8, 6};

    /* 0 / 1 flags: onnxruntime reads keepdims 2 as 0, ONNX's reference as 1: refused */
    m = one_at(13, "ReduceMean", "A", 1, (int[]){F32});
    tb_attr_i(m, tb_graph(m)->node[0], "keepdims", 2);
    rc = run1(m, &a23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "node 'op' (ReduceMean, opset 13): attribute 'keepdims' is 2, expected 0 or 1");
    tb_free(m);
    m = one_at(13, "ArgMax", "A", 1, (int[]){F32});
    tb_attr_i(m, tb_graph(m)->node[0], "select_last_index", -1);
    rc = run1(m, &a23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "attribute 'select_last_index' is -1, expected 0 or 1");
    tb_free(m);
    /* element types per opset: int8 for ReduceMin from 12, bool from 20, never for ReduceL1 */
    m = one_at(11, "ReduceMin", "A", 1, (int[]){LSTM_DT_INT8});
    rc = run1(m, &c23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "node 'op' (ReduceMin, opset 11): type int8 is allowed from opset 12");
    tb_free(m);
    m = one_at(12, "ReduceMin", "A", 1, (int[]){LSTM_DT_INT8});
    rc = run1(m, &c23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_OK, "");
    tb_free(m);
    m = one_at(18, "ReduceMin", "A", 1, (int[]){LSTM_DT_BOOL});
    rc = run1(m, (feed[]){{"A", LSTM_DT_BOOL, 2, {2, 3}, b6, 6}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED, "(ReduceMin, opset 18): type bool is allowed from opset 20");
    tb_free(m);
    /* the older reductions alike: int8 for ReduceMax from 12, bool from 20, never for Sum */
    m = one_at(11, "ReduceMax", "A", 1, (int[]){LSTM_DT_INT8});
    rc = run1(m, &c23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "node 'op' (ReduceMax, opset 11): type int8 is allowed from opset 12");
    tb_free(m);
    m = one_at(18, "ReduceMax", "A", 1, (int[]){LSTM_DT_BOOL});
    rc = run1(m, (feed[]){{"A", LSTM_DT_BOOL, 2, {2, 3}, b6, 6}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED, "(ReduceMax, opset 18): type bool is allowed from opset 20");
    tb_free(m);
    m = one_at(13, "ReduceSum", "A", 1, (int[]){LSTM_DT_INT8});
    rc = run1(m, &c23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "node 'op' (ReduceSum, opset 13): unsupported type int8 (expected float32, float64, "
           "float16, bfloat16, int32, int64, uint32 or uint64)");
    tb_free(m);
    m = one_at(12, "ReduceMean", "A", 1, (int[]){LSTM_DT_BFLOAT16});
    rc = run1(m, (feed[]){{"A", LSTM_DT_BFLOAT16, 2, {2, 3}, x6, 12}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "(ReduceMean, opset 12): type bfloat16 is allowed from opset 13");
    tb_free(m);
    m = one_at(18, "ReduceL1", "A", 1, (int[]){LSTM_DT_INT8});
    rc = run1(m, &c23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "node 'op' (ReduceL1, opset 18): unsupported type int8 (expected float32, float64, "
           "float16, bfloat16, int32, int64, uint32 or uint64)");
    tb_free(m);

    /* attributes by version: noop_with_empty_axes and the axes input from 18 */
    m = one_at(13, "ReduceL2", "A", 1, (int[]){F32});
    tb_attr_i(m, tb_graph(m)->node[0], "noop_with_empty_axes", 1);
    rc = run1(m, &a23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "unknown attribute 'noop_with_empty_axes' for ReduceL2 version 1");
    tb_free(m);
    m = one_at(18, "ReduceSumSquare", "A", 1, (int[]){F32});
    tb_attr_ints(m, tb_graph(m)->node[0], "axes", (const int64_t[]){1}, 1);
    rc = run1(m, &a23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "unknown attribute 'axes' for ReduceSumSquare version 18");
    tb_free(m);
    int64_t ax2 = 2;
    m = one_at(18, "ReduceLogSumExp", "A,B", 2, (int[]){F32, I64});
    rc = run1(m, (feed[]){a23, {"B", I64, 1, {1}, &ax2, 8}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (ReduceLogSumExp, opset 18): axis 2 is outside [-2, 1] for rank 2");
    tb_free(m);

    /* LpNormalization: p 1 or 2, axis in range, float types (bfloat16 from 22) */
    m = one_at(22, "LpNormalization", "A", 1, (int[]){F32});
    tb_attr_i(m, tb_graph(m)->node[0], "p", 3);
    rc = run1(m, &a23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "node 'op' (LpNormalization, opset 22): attribute 'p' is 3, expected 1 or 2");
    tb_free(m);
    m = one_at(1, "LpNormalization", "A", 1, (int[]){F32});
    tb_attr_i(m, tb_graph(m)->node[0], "axis", -3);
    rc = run1(m, &a23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "axis -3 is outside [-2, 1] for rank 2");
    tb_free(m);
    const uint16_t bf[6] = {0x3f80, 0x4000, 0x4040, 0x4080, 0x40a0, 0x40c0};
    m = one_at(21, "LpNormalization", "A", 1, (int[]){LSTM_DT_BFLOAT16});
    rc = run1(m, (feed[]){{"A", LSTM_DT_BFLOAT16, 2, {2, 3}, bf, 12}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED, "type bfloat16 is allowed from opset 22");
    tb_free(m);
    m = one_at(22, "LpNormalization", "A", 1, (int[]){LSTM_DT_INT8});
    rc = run1(m, &c23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED, "unsupported type int8 (expected a float type)");
    tb_free(m);

    /* Neg and Relu: signed integers only (Relu from opset 14); an unsigned value above the
    ** signed range was negated or zeroed as if negative */
    const uint8_t u8[6] = {0, 1, 127, 128, 200, 255};
    const feed u23 = {"A", LSTM_DT_UINT8, 2, {2, 3}, u8, 6};
    m = one_at(14, "Relu", "A", 1, (int[]){LSTM_DT_UINT8});
    rc = run1(m, &u23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "(Relu, opset 14): unsupported type uint8 (Relu takes float types and signed integers)");
    tb_free(m);
    m = one_at(13, "Relu", "A", 1, (int[]){LSTM_DT_INT8});
    rc = run1(m, &c23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "unsupported type int8 (Relu takes float types; integers from opset 14)");
    tb_free(m);
    m = one_at(13, "Neg", "A", 1, (int[]){LSTM_DT_UINT8});
    rc = run1(m, &u23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED, "unsupported type uint8 (Neg takes float types and signed");
    tb_free(m);
    /* Clip takes integers from opset 12 (Clip-6 left them unbounded); Pad from opset 11 (Pad-1
    ** said "out of memory") */
    m = one_at(6, "Clip", "A", 1, (int[]){LSTM_DT_INT8});
    tb_attr_f(m, tb_graph(m)->node[0], "max", 0);
    rc = run1(m, &c23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "unsupported type int8 (Clip takes float types; integers from opset 12)");
    tb_free(m);
    m = one_at(11, "Clip", "A", 1, (int[]){LSTM_DT_INT8});
    rc = run1(m, &c23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED, "(Clip, opset 11): unsupported type int8 (Clip takes float");
    tb_free(m);
    for (int v = 1; v <= 2; v++) {
        m = one_at(v, "Pad", "A", 1, (int[]){LSTM_DT_UINT8});
        tb_attr_ints(m, tb_graph(m)->node[0], v == 1 ? "paddings" : "pads", (int64_t[]){0, 1, 0, 1},
                     4);
        rc = run1(m, &u23, 1, msg, NULL, 0);
        expect(rc, msg, LSTM_EUNSUPPORTED,
               v == 1 ? "(Pad, opset 1): data is uint8; version 1 takes float32, float16, float64"
                      : "(Pad, opset 2): unsupported type uint8 (Pad takes float types before");
        tb_free(m);
    }

    /* MeanVarianceNormalization: the default axes need rank 4; ONNX attributes only */
    m = one_at(13, "MeanVarianceNormalization", "A", 1, (int[]){F32});
    rc = run1(m, (feed[]){{"A", F32, 3, {1, 2, 3}, x6, 24}}, 1, msg, NULL, 0);
    expect(
        rc, msg, LSTM_EINVAL,
        "node 'op' (MeanVarianceNormalization, opset 13): the default axes [0, 2, 3] need rank 4 "
        "or more, the input has rank 3");
    tb_free(m);
    m = one_at(9, "MeanVarianceNormalization", "A", 1, (int[]){F32});
    tb_attr_i(m, tb_graph(m)->node[0], "across_channels", 1);
    rc = run1(m, &a23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "unknown attribute 'across_channels' for MeanVarianceNormalization version 9");
    tb_free(m);
    /* an empty axes list (which onnx's checker rejects) normalises over every axis, as the
    ** function body's ReduceMean does: (x - 3.5) / (sqrt(35 / 12) + 1e-9) */
    float got[6];
    m = one_at(13, "MeanVarianceNormalization", "A", 1, (int[]){F32});
    tb_attr_ints(m, tb_graph(m)->node[0], "axes", (const int64_t[]){0}, 0);
    rc = run1(m, &a23, 1, msg, got, 6);
    expect(rc, msg, LSTM_OK, "");
    for (int i = 0; i < 6; i++)
        assert_float_equal(got[i], (x6[i] - 3.5) / (sqrt(35.0 / 12.0) + 1e-9), 1e-6);
    tb_free(m);
}

/* The versions before opset 7 (op_legacy.c, op_legacy_shape.c): legacy broadcasting, Gemm's C,
** the attributes each version had, its types; every refusal names the node. And two that run. */
static void legacy_refusals(void **state)
{
    (void)state;
    char msg[512];
    int rc;
    tb_model *m;
    Onnx__NodeProto *n;
    float out[6];
    const feed a23 = {"A", F32, 2, {2, 3}, x6, 24}, b3 = {"B", F32, 1, {3}, x6, 12};
    const feed b21 = {"B", F32, 2, {2, 1}, x6, 8}, b4 = {"B", F32, 1, {4}, x6, 16};
    const feed b23 = {"B", F32, 2, {2, 3}, x6, 24};

    /* Add: without broadcast=1 the shapes are equal; with it B is a run of A's dims (or 1s). */
    m = one_at(1, "Add", "A,B", 2, (int[]){F32, F32});
    rc = run1(m, (feed[]){a23, b3}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (Add, opset 1): A has shape [2,3] and B [3]; without broadcast=1 they must "
           "be equal (version 1)");
    tb_free(m);
    m = one_at(6, "Add", "A,B", 2, (int[]){F32, F32});
    n = tb_graph(m)->node[0];
    tb_attr_i(m, n, "broadcast", 1);
    rc = run1(m, (feed[]){a23, b4}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (Add, opset 6): B of shape [4] does not match A of shape [2,3] from axis 1");
    rc = run1(m, (feed[]){a23, b21}, 2, msg, out, 6); /* B [2, 1] repeats along A's axis 1 */
    expect(rc, msg, LSTM_OK, "");
    assert_true(out[0] == 2 && out[2] == 4 && out[3] == 6 && out[5] == 8);
    tb_attr_i(m, n, "axis", 1);
    rc = run1(m, (feed[]){a23, b21}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (Add, opset 6): B of shape [2,1] does not fit in A of shape [2,3] from axis "
           "1");
    rc = run1(m, (feed[]){a23, b3}, 2, msg, out, 6);
    expect(rc, msg, LSTM_OK, "");
    assert_true(out[0] == 2 && out[2] == 6 && out[3] == 5);
    tb_free(m);
    m = one_at(6, "Sub", "A,B", 2, (int[]){F32, F32});
    tb_attr_i(m, tb_graph(m)->node[0], "broadcast", 1);
    tb_attr_i(m, tb_graph(m)->node[0], "axis", -1);
    rc = run1(m, (feed[]){a23, b3}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "node 'op' (Sub, opset 6): attribute 'axis' is -1; before opset 7 the broadcast axis");
    tb_free(m);
    m = one_at(6, "Mul", "A,B", 2, (int[]){F32, F32});
    tb_attr_i(m, tb_graph(m)->node[0], "axis", 0);
    rc = run1(m, (feed[]){a23, b23}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "node 'op' (Mul, opset 6): attribute 'axis' is given without broadcast=1");
    tb_free(m);
    m = one_at(1, "Div", "A,B", 2, (int[]){F32, F32});
    tb_attr_i(m, tb_graph(m)->node[0], "broadcast", 2);
    rc = run1(m, (feed[]){a23, b23}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "node 'op' (Div, opset 1): attribute 'broadcast' is 2, expected 0 or 1");
    tb_free(m);
    m = one_at(1, "Add", "A,B", 2, (int[]){F32, F32});
    tb_attr_f(m, tb_graph(m)->node[0], "consumed_inputs", 0.0f);
    rc = run1(m, (feed[]){a23, b23}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "node 'op' (Add, opset 1): attribute 'consumed_inputs' must be a list of ints");
    tb_free(m);
    m = one_at(6, "Pow", "A,B", 2, (int[]){F32, F32});
    tb_attr_i(m, tb_graph(m)->node[0], "consumed_inputs", 0);
    rc = run1(m, (feed[]){a23, b23}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "node 'op' (Pow, opset 6): unknown attribute 'consumed_inputs' for Pow version 1");
    tb_free(m);
    int32_t i6[6] = {1, 2, 3, 4, 5, 6};
    m = one_at(6, "Greater", "A,B", 2, (int[]){I32, I32});
    rc = run1(m, (feed[]){{"A", I32, 1, {6}, i6, 24}, {"B", I32, 1, {6}, i6, 24}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "node 'op' (Greater, opset 6): input 0 is int32; version 1 takes float32, float16, "
           "float64");
    tb_free(m);
    m = one_at(6, "Equal", "A,B", 2, (int[]){F32, F32});
    rc = run1(m, (feed[]){a23, b23}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "node 'op' (Equal, opset 6): input 0 is float32; version 1 takes int32, int64, bool");
    tb_free(m);
    m = one_at(1, "Max", "A,B", 2, (int[]){F32, F32});
    rc = run1(m, (feed[]){a23, b3}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "node 'op' (Max, opset 1): input 1 has shape [3], input 0 [2,3]");
    tb_free(m);

    /* Gemm: C required; [M, N] unless broadcast=1. */
    m = one_at(6, "Gemm", "A,B", 2, (int[]){F32, F32});
    rc = run1(m, (feed[]){a23, {"B", F32, 2, {3, 2}, x6, 24}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "node 'op' (Gemm, opset 6): Gemm before version 7 takes 3 inputs (C required)");
    tb_free(m);
    m = one_at(1, "Gemm", "A,B,C", 3, (int[]){F32, F32, F32});
    const feed gemm[3] = {a23, {"B", F32, 2, {3, 2}, x6, 24}, {"C", F32, 1, {2}, x6, 8}};
    rc = run1(m, gemm, 3, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (Gemm, opset 1): C has shape [2]; without broadcast=1 it must be [M, N] = "
           "[2,2]");
    tb_attr_i(m, tb_graph(m)->node[0], "broadcast", 1);
    rc = run1(m, gemm, 3, msg, out, 4); /* [1,2,3;4,5,6] x [1,2;3,4;5,6] + [1,2] */
    expect(rc, msg, LSTM_OK, "");
    assert_true(out[0] == 23 && out[1] == 30 && out[2] == 50 && out[3] == 66);
    tb_free(m);

    /* Cast 1: `to` is a type's name. */
    m = one_at(5, "Cast", "A", 1, (int[]){F32});
    tb_attr_i(m, tb_graph(m)->node[0], "to", 7);
    rc = run1(m, &a23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "node 'op' (Cast, opset 5): attribute 'to' (a string: the type's name, e.g. \"FLOAT\") "
           "is required in version 1");
    tb_free(m);
    m = one_at(5, "Cast", "A", 1, (int[]){F32});
    tb_attr_s(m, tb_graph(m)->node[0], "to", "BFLOAT16");
    rc = run1(m, &a23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED, "node 'op' (Cast, opset 5): attribute 'to' is \"BFLOAT16\"");
    tb_free(m);

    /* Dropout 1 / 6: training (is_test 0) is refused. */
    m = one_at(6, "Dropout", "A", 1, (int[]){F32});
    rc = run1(m, &a23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "node 'op' (Dropout, opset 6): is_test is 0 (training: random dropout with ratio 0.5)");
    tb_free(m);

    /* Concat, Reshape, Split, Tile, Upsample 1. */
    m = one_at(3, "Concat", "A,A", 1, (int[]){F32});
    tb_attr_i(m, tb_graph(m)->node[0], "axis", -1);
    rc = run1(m, &a23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "node 'op' (Concat, opset 3): attribute 'axis' is -1; version 1 counts from 0");
    tb_free(m);
    m = one_at(4, "Reshape", "A", 1, (int[]){F32});
    rc = run1(m, &a23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "node 'op' (Reshape, opset 4): attribute 'shape' is required");
    tb_free(m);
    int64_t sh[2] = {4, -1}, sp[2] = {1, 2};
    m = one_at(4, "Reshape", "A", 1, (int[]){F32});
    tb_attr_ints(m, tb_graph(m)->node[0], "shape", sh, 2);
    rc = run1(m, &a23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (Reshape, opset 4): cannot infer the -1 of the shape: 6 elements are not a "
           "multiple of 4");
    tb_free(m);
    m = one_at(1, "Split", "A,B", 2, (int[]){F32, F32});
    tb_attr_ints(m, tb_graph(m)->node[0], "split", sp, 2);
    rc = run1(m, (feed[]){a23, b3}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "node 'op' (Split, opset 1): the sizes are given twice: attribute 'split' and input "
           "'split'");
    tb_free(m);
    m = one_at(1, "Split", "A,B", 2, (int[]){F32, F32});
    tb_attr_i(m, tb_graph(m)->node[0], "axis", 1);
    const float half[2] = {1.5f, 1.5f};
    rc = run1(m, (feed[]){a23, {"B", F32, 1, {2}, half, 8}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (Split, opset 1): split size 1.5 (input 'split'[0]) is not a whole number");
    tb_free(m);
    const float neg1 = -1.0f, one1 = 1.0f;
    m = one_at(5, "Tile", "A,B,C", 3, (int[]){F32, F32, F32});
    rc = run1(m, (feed[]){a23, {"B", F32, 0, {0}, &neg1, 4}, {"C", F32, 0, {0}, &one1, 4}}, 3, msg,
              NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (Tile, opset 5): input 'tiles' must be one whole number >= 0");
    rc = run1(m, (feed[]){a23, {"B", F32, 0, {0}, &one1, 4}, {"C", F32, 0, {0}, &one1, 4}}, 3, msg,
              out, 6);
    expect(rc, msg, LSTM_OK, "");
    tb_free(m);
    m = one_at(6, "Upsample", "A", 1, (int[]){F32});
    tb_attr_f(m, tb_graph(m)->node[0], "height_scale", 0.5f);
    tb_attr_f(m, tb_graph(m)->node[0], "width_scale", 2.0f);
    rc = run1(m, &a23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "node 'op' (Upsample, opset 6): attribute 'height_scale' (a float >= 1) is required: it "
           "is below 1");
    tb_free(m);
    m = one_at(6, "Upsample", "A", 1, (int[]){F32});
    tb_attr_f(m, tb_graph(m)->node[0], "height_scale", 2.0f);
    tb_attr_f(m, tb_graph(m)->node[0], "width_scale", 2.0f);
    rc = run1(m, &a23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (Upsample, opset 6): X has rank 2; version 1 takes 4-D [N, C, H, W]");
    tb_attr_s(m, tb_graph(m)->node[0], "mode", "linear");
    rc = run1(m, &a23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "node 'op' (Upsample, opset 6): attribute 'mode' is 'linear'");
    tb_free(m);
}

static void version_forms(void **state)
{
    (void)state;
    char msg[512];
    float got[3];
    static const struct {
        int64_t opset;
        const char *attr;
        int code;
        const char *needle;
    } cases[] = {
        {13, "value_string", LSTM_EUNSUPPORTED,
         "node 'c' (Constant, opset 13): attribute 'value_string': string constants are not "
         "supported"},
        {21, "value_strings", LSTM_EUNSUPPORTED,
         "attribute 'value_strings': string constants are not supported"},
        {11, "value_float", LSTM_EMODEL,
         "attribute 'value_float' is not an attribute of Constant before opset 12"},
        {12, "value_float", LSTM_OK, ""},
        {25, "value_floats", LSTM_OK, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tb_model *m = tb_new(8, cases[i].opset);
        Onnx__NodeProto *n = tb_node(m, "Constant", "c", NULL, "Y");
        if (!strcmp(cases[i].attr, "value_string"))
            tb_attr_s(m, n, "value_string", "hi");
        else if (!strcmp(cases[i].attr, "value_strings"))
            tb_attr_strings(m, n, "value_strings", "a,b");
        else if (!strcmp(cases[i].attr, "value_float"))
            tb_attr_f(m, n, "value_float", 1.5f);
        else
            tb_attr_floats(m, n, "value_floats", (const float[]){2.5f, -1}, 2);
        tb_output(m, "Y", F32, -1, NULL, NULL);
        int rc = run1(m, NULL, 0, msg, got, 2);
        expect(rc, msg, cases[i].code, cases[i].needle);
        if (rc == LSTM_OK) assert_true(got[0] == (cases[i].opset == 12 ? 1.5f : 2.5f));
        tb_free(m);
    }
    for (int opset = 18; opset <= 24; opset += 6) {
        tb_model *m = one("Cast", "A", 1, (int[]){F32});
        tb_proto(m)->opset_import[0]->version = opset;
        tb_attr_i(m, tb_graph(m)->node[0], "to", F32);
        tb_attr_i(m, tb_graph(m)->node[0], "saturate", 0);
        tb_attr_s(m, tb_graph(m)->node[0], "round_mode", "down");
        int rc = run1(m, (feed[]){{"A", F32, 1, {3}, x6, 12}}, 1, msg, got, 3);
        if (opset == 18)
            expect(rc, msg, LSTM_EMODEL, "unknown attribute 'saturate' for Cast version 6");
        else
            expect(rc, msg, LSTM_OK, "");
        tb_free(m);
    }
}

/* The element-wise unary operators (op_activation.c, op_trig.c, op_sign.c): bad attributes,
** types and arities refused naming the node and what was expected. */
static void unary_refusals(void **state)
{
    (void)state;
    char msg[512];
    int rc;
    tb_model *m;
    float x4[4] = {-1.0f, 0.0f, 0.5f, 2.0f};
    double d4[4] = {-1.0, 0.0, 0.5, 2.0};
    int32_t i4[4] = {-1, 0, 1, 2};
    int64_t l4[4] = {-1, 0, 1, 2};
    uint8_t b4[4] = {0, 1, 1, 0};
    const feed f4 = {"A", F32, 1, {4}, x4, 16};

    m = one_at(20, "Gelu", "A", 1, (int[]){F32});
    tb_attr_s(m, tb_graph(m)->node[0], "approximate", "fast");
    rc = run1(m, &f4, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "node 'op' (Gelu, opset 20): attribute 'approximate' is 'fast', expected none or tanh");
    tb_free(m);
    m = one_at(20, "Gelu", "A", 1, (int[]){F32});
    tb_attr_i(m, tb_graph(m)->node[0], "approximate", 1);
    rc = run1(m, &f4, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "node 'op' (Gelu, opset 20): attribute 'approximate' must be a string");
    tb_free(m);
    m = one_at(19, "Gelu", "A", 1, (int[]){F32});
    rc = run1(m, &f4, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED, "Gelu at opset 19: the operator first appears at opset 20");
    tb_free(m);

    m = one_at(12, "Celu", "A", 1, (int[]){F32});
    tb_attr_f(m, tb_graph(m)->node[0], "alpha", 0.0f);
    rc = run1(m, &f4, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "node 'op' (Celu, opset 12): attribute 'alpha' is 0, expected a non-zero value");
    tb_free(m);
    m = one_at(12, "Celu", "A", 1, (int[]){LSTM_DT_DOUBLE});
    rc = run1(m, (feed[]){{"A", LSTM_DT_DOUBLE, 1, {4}, d4, 32}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "node 'op' (Celu, opset 12): unsupported type float64 (Celu takes float32 only)");
    tb_free(m);

    m = one_at(22, "Elu", "A", 1, (int[]){F32});
    tb_attr_i(m, tb_graph(m)->node[0], "alpha", 2);
    rc = run1(m, &f4, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "node 'op' (Elu, opset 22): attribute 'alpha' must be a float");
    tb_free(m);
    m = one_at(6, "Elu", "A", 1, (int[]){I32});
    rc = run1(m, (feed[]){{"A", I32, 1, {4}, i4, 16}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "node 'op' (Elu, opset 6): unsupported type int32 (Elu takes float32, float64, float16 "
           "or bfloat16)");
    tb_free(m);
    m = one_at(5, "Selu", "A", 1, (int[]){F32});
    rc = run1(m, &f4, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_OK, ""); /* version 1 (op_legacy.c) */
    tb_free(m);
    m = one_at(6, "Selu", "A", 1, (int[]){F32});
    tb_attr_f(m, tb_graph(m)->node[0], "lambd", 1.0f);
    rc = run1(m, &f4, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "node 'op' (Selu, opset 6): unknown attribute 'lambd' for Selu version 6");
    tb_free(m);
    m = one_at(22, "Softsign", "A", 1, (int[]){F32});
    tb_attr_f(m, tb_graph(m)->node[0], "alpha", 1.0f);
    rc = run1(m, &f4, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "unknown attribute 'alpha' for Softsign version 1");
    tb_free(m);

    m = one_at(9, "Shrink", "A", 1, (int[]){LSTM_DT_BOOL});
    rc = run1(m, (feed[]){{"A", LSTM_DT_BOOL, 1, {4}, b4, 4}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "node 'op' (Shrink, opset 9): unsupported type bool (Shrink takes numeric types)");
    tb_free(m);
    m = one_at(9, "Shrink", "A", 1, (int[]){F32});
    tb_attr_s(m, tb_graph(m)->node[0], "bias", "1");
    rc = run1(m, &f4, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "node 'op' (Shrink, opset 9): attribute 'bias' must be a float");
    tb_free(m);

    m = one_at(13, "Reciprocal", "A", 1, (int[]){I64});
    rc = run1(m, (feed[]){{"A", I64, 1, {4}, l4, 32}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "node 'op' (Reciprocal, opset 13): unsupported type int64 (Reciprocal takes float32, "
           "float64, float16 or bfloat16)");
    tb_free(m);
    m = one_at(13, "Sign", "A", 1, (int[]){LSTM_DT_BOOL});
    rc = run1(m, (feed[]){{"A", LSTM_DT_BOOL, 1, {4}, b4, 4}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED, "unsupported type bool (Sign takes numeric types)");
    tb_free(m);
    m = one_at(20, "IsNaN", "A", 1, (int[]){I32});
    rc = run1(m, (feed[]){{"A", I32, 1, {4}, i4, 16}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "node 'op' (IsNaN, opset 20): unsupported type int32 (IsNaN takes float32, float64, "
           "float16 or bfloat16)");
    tb_free(m);
    m = one_at(20, "IsInf", "A", 1, (int[]){F32});
    tb_attr_f(m, tb_graph(m)->node[0], "detect_negative", 0.0f);
    rc = run1(m, &f4, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "node 'op' (IsInf, opset 20): attribute 'detect_negative' must be an int");
    tb_free(m);
    m = one_at(9, "IsNaN", "A", 1, (int[]){F32});
    tb_attr_i(m, tb_graph(m)->node[0], "detect_positive", 0);
    rc = run1(m, &f4, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "unknown attribute 'detect_positive' for IsNaN version 9");
    tb_free(m);

    m = one_at(22, "Atanh", "A,B", 2, (int[]){F32, F32});
    rc = run1(m, (feed[]){f4, {"B", F32, 1, {4}, x4, 16}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "node 'op' (Atanh, opset 22) has 2 inputs, expected 1 to 1");
    tb_free(m);
    m = one_at(7, "Tan", "A", 1, (int[]){F32});
    tb_attr_f(m, tb_graph(m)->node[0], "alpha", 1.0f);
    rc = run1(m, &f4, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "unknown attribute 'alpha' for Tan version 7");
    tb_free(m);
}

/* The signal operators (DFT, STFT, the windows, MelWeightMatrix) refuse bad attributes and
** inputs, naming the node and what was expected. */
static void signal_refusals(void **state)
{
    (void)state;
    char msg[512];
    int rc;
    tb_model *m;
    int64_t zero = 0, eight = 8, n64 = 64, sr = 16000, five = 5, fifty = 50;
    float lo = 0.0f, hi = 9000.0f, sig[24] = {0}, win4[4] = {1, 1, 1, 1};
    const feed x3 = {"A", F32, 3, {2, 3, 1}, sig, 24}, x33 = {"A", F32, 3, {2, 2, 3}, sig, 48};

    /* Windows */
    m = one_at(17, "HannWindow", "A", 1, (int[]){I64});
    rc = run1(m, (feed[]){{"A", I64, 0, {0}, &zero, 8}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (HannWindow, opset 17): input size is 0, expected 1 or more");
    tb_free(m);
    m = one_at(17, "HammingWindow", "A", 1, (int[]){I64});
    tb_attr_i(m, tb_graph(m)->node[0], "periodic", 2);
    rc = run1(m, (feed[]){{"A", I64, 0, {0}, &eight, 8}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "attribute 'periodic' is 2, expected 0 or 1");
    tb_free(m);
    m = one_at(17, "BlackmanWindow", "A", 1, (int[]){I64});
    tb_attr_i(m, tb_graph(m)->node[0], "output_datatype", LSTM_DT_BOOL);
    rc = run1(m, (feed[]){{"A", I64, 0, {0}, &eight, 8}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "attribute 'output_datatype' is 9, expected a float or integer");
    tb_free(m);

    /* A large prime length goes through Bluestein's algorithm (it cost n^2 before): every bin
    ** of x zero-padded to 10007 points against the three-term sum in double. */
    int64_t prime = 10007;
    static float big[2 * 10007 * 2];
    sig[0] = 1.5f, sig[1] = -0.75f, sig[2] = 2.25f;
    m = one_at(17, "DFT", "A,B", 2, (int[]){F32, I64});
    tb_attr_i(m, tb_graph(m)->node[0], "axis", 1);
    rc = run1(m, (feed[]){x3, {"B", I64, 0, {0}, &prime, 8}}, 2, msg, big, 2 * 10007 * 2);
    expect(rc, msg, LSTM_OK, "");
    double worst = 0;
    for (int64_t k = 0; k < prime; k++) {
        double re = 0, im = 0;
        for (int j = 0; j < 3; j++) {
            double a = -6.283185307179586 * (double)((j * k) % prime) / (double)prime;
            re += sig[j] * cos(a);
            im += sig[j] * sin(a);
        }
        worst = fmax(worst, fmax(fabs(big[2 * k] - re), fabs(big[2 * k + 1] - im)));
    }
    if (!(worst < 1e-5)) print_error("DFT of length 10007: worst error %g\n", worst);
    assert_true(worst < 1e-5);
    sig[0] = sig[1] = sig[2] = 0.0f;
    tb_free(m);

    /* MelWeightMatrix: 9000 Hz maps past bin 32 of a 64-point DFT at 16 kHz. */
    m = one_at(17, "MelWeightMatrix", "A,B,C,D,E", 5, (int[]){I64, I64, I64, F32, F32});
    rc = run1(m,
              (feed[]){{"A", I64, 0, {0}, &eight, 8},
                       {"B", I64, 0, {0}, &n64, 8},
                       {"C", I64, 0, {0}, &sr, 8},
                       {"D", F32, 0, {0}, &lo, 4},
                       {"E", F32, 0, {0}, &hi, 4}},
              5, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "lower_edge_hertz 0 and upper_edge_hertz 9000 map to spectrogram bins 0 and 36, "
           "expected bins in [0, 32]");
    tb_free(m);

    /* DFT */
    m = one_at(17, "DFT", "A", 1, (int[]){F32});
    tb_attr_i(m, tb_graph(m)->node[0], "axis", 2);
    rc = run1(m, &x3, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "axis 2, expected one in [-3, -2] or [0, 1]");
    tb_free(m);
    m = one_at(20, "DFT", "A", 1, (int[]){F32});
    tb_attr_i(m, tb_graph(m)->node[0], "axis", 1);
    rc = run1(m, &x3, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "axis");
    tb_free(m);
    m = one_at(20, "DFT", "A", 1, (int[]){F32});
    tb_attr_i(m, tb_graph(m)->node[0], "inverse", 1);
    tb_attr_i(m, tb_graph(m)->node[0], "onesided", 1);
    rc = run1(m, &x3, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED, "inverse and onesided together are not supported");
    tb_free(m);
    m = one_at(20, "DFT", "A", 1, (int[]){F32});
    rc = run1(m, &x33, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "input input has shape [2,2,3], expected rank 2 or more with a last axis of 1 (real) "
           "or 2 (complex)");
    tb_free(m);
    m = one_at(20, "DFT", "A,B", 2, (int[]){F32, I64});
    rc = run1(m, (feed[]){x3, {"B", I64, 0, {0}, &zero, 8}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "DFT length 0, expected 1 or more (dft_length)");
    tb_free(m);

    /* STFT */
    m = one_at(17, "STFT", "A,B", 2, (int[]){F32, I64});
    rc = run1(m, (feed[]){x3, {"B", I64, 0, {0}, &eight, 8}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "give window or frame_length");
    tb_free(m);
    m = one_at(17, "STFT", "A,B,,C", 3, (int[]){F32, I64, I64});
    rc = run1(m, (feed[]){x3, {"B", I64, 0, {0}, &eight, 8}, {"C", I64, 0, {0}, &fifty, 8}}, 3, msg,
              NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "frame length 50, expected 1 to the signal's length 3");
    tb_free(m);
    m = one_at(17, "STFT", "A,B,C,D", 4, (int[]){F32, I64, F32, I64});
    rc = run1(m,
              (feed[]){x3,
                       {"B", I64, 0, {0}, &eight, 8},
                       {"C", F32, 1, {4}, win4, 16},
                       {"D", I64, 0, {0}, &five, 8}},
              4, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "window has 4 values, frame_length is 5");
    tb_free(m);
    m = one_at(17, "STFT", "A,B,,C", 3, (int[]){F32, I64, I64});
    const feed c3 = {"A", F32, 3, {1, 6, 2}, sig, 48};
    rc = run1(m, (feed[]){c3, {"B", I64, 0, {0}, &eight, 8}, {"C", I64, 0, {0}, &five, 8}}, 3, msg,
              NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "onesided needs a real signal (last axis 1), the signal is complex");
    tb_free(m);
}

/* A one-node com.microsoft model (ai.onnx 17 and com.microsoft 1): the node's inputs ins
** (comma-separated, empty for absent) declared with dtypes[position], output Y float32. */
static tb_model *ms_model(const char *op, const char *ins, int n, const int *dtypes)
{
    tb_model *m = tb_new(8, 17);
    char buf[128];
    snprintf(buf, sizeof buf, "%s", ins);
    int i = 0;
    for (char *p = buf, *e; p && i < n; p = e ? e + 1 : NULL, i++) {
        e = strchr(p, ',');
        if (e) *e = 0;
        if (*p) tb_input(m, p, dtypes[i], -1, NULL, NULL);
    }
    tb_domain(m, tb_node(m, op, "op", ins, "Y"), "com.microsoft", 1);
    tb_output(m, "Y", F32, -1, NULL, NULL);
    return m;
}

/* Gate tracing of a DynamicQuantizeLSTM: the "h" gate is Y. */
typedef struct h_trace {
    int calls;
    float h[4];
} h_trace;

static void keep_h(void *ud, const char *node, const char *op, const char *gate,
                   const int64_t dims[4], const float *v)
{
    h_trace *t = ud;
    (void)node;
    t->calls += strcmp(op, "DynamicQuantizeLSTM") == 0;
    if (strcmp(gate, "h") == 0 && dims[0] * dims[1] * dims[2] * dims[3] == 4)
        memcpy(t->h, v, sizeof t->h);
}

/* DynamicQuantizeLSTM, DynamicQuantizeMatMul, MatMulIntegerToFloat (com.microsoft 1). */
/* GridSample, AffineGrid, Unique and Det: attributes and shapes refused by name. */
static void grid_refusals(void **state)
{
    (void)state;
    char msg[512];
    int rc;
    tb_model *m;
    static const float g8[8] = {0}, x36[36] = {0};
    const feed x4 = {"A", F32, 4, {1, 1, 2, 3}, x6, 24}, g4 = {"B", F32, 4, {1, 2, 2, 2}, g8, 32};

    /* GridSample: mode names by version, padding_mode, align_corners, ranks, types */
    m = one_at(16, "GridSample", "A,B", 2, (int[]){F32, F32});
    tb_attr_s(m, tb_graph(m)->node[0], "mode", "linear");
    rc = run1(m, (feed[]){x4, g4}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "node 'op' (GridSample, opset 16): attribute 'mode' is 'linear', expected bilinear, "
           "nearest or bicubic");
    tb_free(m);
    m = one_at(20, "GridSample", "A,B", 2, (int[]){F32, F32});
    tb_attr_s(m, tb_graph(m)->node[0], "mode", "bicubic");
    rc = run1(m, (feed[]){x4, g4}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "attribute 'mode' is 'bicubic', expected linear, nearest or cubic");
    tb_free(m);
    m = one_at(22, "GridSample", "A,B", 2, (int[]){F32, F32});
    tb_attr_s(m, tb_graph(m)->node[0], "padding_mode", "wrap");
    rc = run1(m, (feed[]){x4, g4}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "attribute 'padding_mode' is 'wrap', expected zeros, border or reflection");
    tb_free(m);
    m = one_at(20, "GridSample", "A,B", 2, (int[]){F32, F32});
    tb_attr_i(m, tb_graph(m)->node[0], "align_corners", 2);
    rc = run1(m, (feed[]){x4, g4}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "(GridSample, opset 20): attribute 'align_corners' is 2, expected 0 or 1");
    tb_free(m);
    m = one_at(20, "GridSample", "A,B", 2, (int[]){F32, F32});
    tb_attr_i(m, tb_graph(m)->node[0], "antialias", 1);
    rc = run1(m, (feed[]){x4, g4}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "unknown attribute 'antialias' for GridSample version 20");
    tb_free(m);
    m = one_at(16, "GridSample", "A,B", 2, (int[]){F32, F32});
    rc = run1(m, (feed[]){{"A", F32, 3, {1, 2, 3}, x6, 24}, {"B", F32, 3, {1, 4, 1}, g8, 16}}, 2,
              msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "(GridSample, opset 16): X is [1,2,3], expected rank 4 (N, C, H, W; other ranks from "
           "opset 20)");
    tb_free(m);
    m = one_at(20, "GridSample", "A,B", 2, (int[]){F32, F32});
    rc = run1(m, (feed[]){x4, {"B", F32, 4, {1, 2, 1, 3}, g8, 24}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "grid is [1,2,1,3] for X [1,1,2,3], expected [1, ..., 2]");
    rc = run1(m, (feed[]){x4, {"B", F32, 4, {2, 1, 2, 2}, g8, 32}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "grid is [2,1,2,2] for X [1,1,2,3], expected [1, ..., 2]");
    rc = run1(m, (feed[]){{"A", F32, 4, {1, 1, 0, 3}, x6, 0}, g4}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "X is [1,1,0,3]: an empty spatial axis has nothing to sample");
    tb_free(m);
    m = one_at(20, "GridSample", "A,B", 2, (int[]){F32, I32});
    rc = run1(m, (feed[]){x4, {"B", I32, 4, {1, 2, 2, 2}, g8, 32}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "grid is int32, expected float16, float32 or float64 (bfloat16 from opset 22)");
    tb_free(m);

    /* AffineGrid */
    const int64_t sz4[4] = {1, 1, 2, 3}, sz3[3] = {1, 2, 3}, szn[4] = {2, 1, 2, 3};
    const feed th = {"A", F32, 3, {1, 2, 3}, x6, 24};
    m = one_at(20, "AffineGrid", "A,B", 2, (int[]){F32, I64});
    rc = run1(m, (feed[]){th, {"B", I64, 1, {3}, sz3, 24}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (AffineGrid, opset 20): size is int64 [3], expected int64 [4] (N, C, H, W) "
           "or [5] (N, C, D, H, W)");
    rc = run1(m, (feed[]){th, {"B", I64, 1, {4}, szn, 32}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "theta is [1,2,3], expected [2, 2, 3] for size's 2-D grid");
    rc = run1(m, (feed[]){{"A", F32, 3, {1, 3, 4}, x36, 48}, {"B", I64, 1, {4}, sz4, 32}}, 2, msg,
              NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "theta is [1,3,4], expected [1, 2, 3] for size's 2-D grid");
    tb_free(m);
    m = one_at(20, "AffineGrid", "A,B", 2, (int[]){F32, I64});
    tb_attr_i(m, tb_graph(m)->node[0], "align_corners", -1);
    rc = run1(m, (feed[]){th, {"B", I64, 1, {4}, sz4, 32}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "(AffineGrid, opset 20): attribute 'align_corners' is -1, expected 0 or 1");
    tb_free(m);

    /* Unique */
    m = one_at(11, "Unique", "A", 1, (int[]){F32});
    tb_attr_i(m, tb_graph(m)->node[0], "sorted", 2);
    rc = run1(m, (feed[]){{"A", F32, 2, {2, 3}, x6, 24}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "node 'op' (Unique, opset 11): attribute 'sorted' is 2, expected 0 or 1");
    tb_free(m);
    m = one_at(11, "Unique", "A", 1, (int[]){F32});
    tb_attr_i(m, tb_graph(m)->node[0], "axis", -3);
    rc = run1(m, (feed[]){{"A", F32, 2, {2, 3}, x6, 24}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "(Unique, opset 11): axis -3 is outside [-2, 1] for rank 2");
    tb_free(m);
    /* An empty X [2^40, 3, 0] along axis 1: three empty slices, all equal (NumPy's
    ** np.unique(np.zeros((2, 3, 0)), axis=1, ...) gives Y (2, 1, 0), indices [0], inverse
    ** [0, 0, 0], counts [3]); its 2^40 rows were walked at every comparison (fuzz_load). */
    {
        m = tb_new(8, 11);
        tb_input(m, "A", F32, -1, NULL, NULL);
        tb_attr_i(m, tb_node(m, "Unique", "op", "A", "Y,I,V,C"), "axis", 1);
        tb_output(m, "Y", F32, -1, NULL, NULL);
        tb_output(m, "I", I64, -1, NULL, NULL);
        tb_output(m, "V", I64, -1, NULL, NULL);
        tb_output(m, "C", I64, -1, NULL, NULL);
        size_t len;
        const uint8_t *buf = tb_pack(m, &len);
        lstm_model *md = NULL;
        lstm_session *s = NULL;
        lstm_view y = {0}, o[3];
        rc = lstm_model_open_buffer(buf, len, NULL, &md);
        if (!rc) rc = lstm_session_open(md, &s);
        if (!rc)
            rc = lstm_session_set_input(s, "A", F32, 3, (int64_t[]){(int64_t)1 << 40, 3, 0}, x6, 0);
        if (!rc) rc = lstm_session_run(s);
        if (!rc) rc = lstm_session_output(s, "Y", &y);
        for (int i = 0; !rc && i < 3; i++)
            rc = lstm_session_output(s, (const char *[]){"I", "V", "C"}[i], &o[i]);
        if (rc) print_error("%s\n", s ? lstm_session_errmsg(s) : lstm_model_errmsg(md));
        assert_int_equal(rc, LSTM_OK);
        assert_true(y.rank == 3 && y.dims[0] == (int64_t)1 << 40 && y.dims[1] == 1 &&
                    y.dims[2] == 0);
        assert_true(o[0].rank == 1 && o[0].dims[0] == 1 && ((const int64_t *)o[0].data)[0] == 0);
        assert_true(o[1].rank == 1 && o[1].dims[0] == 3);
        for (int i = 0; i < 3; i++) assert_int_equal(((const int64_t *)o[1].data)[i], 0);
        assert_true(o[2].rank == 1 && o[2].dims[0] == 1 && ((const int64_t *)o[2].data)[0] == 3);
        lstm_session_close(s);
        lstm_model_close(md);
        tb_free(m);
    }

    /* Det */
    m = one_at(11, "Det", "A", 1, (int[]){F32});
    rc = run1(m, (feed[]){{"A", F32, 2, {2, 3}, x6, 24}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "node 'op' (Det, opset 11): X is [2,3], expected [*, M, M]");
    rc = run1(m, (feed[]){{"A", F32, 1, {4}, x6, 16}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "X is [4], expected [*, M, M]");
    tb_free(m);
    m = one_typed(22, "Det", "A", 1, (int[]){I32}, I32);
    rc = run1(m, (feed[]){{"A", I32, 2, {2, 2}, x6, 16}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "(Det, opset 22): X is int32, expected float16, float32 or float64 (bfloat16 from opset "
           "22)");
    tb_free(m);
}

/* Empty outputs whose other axes are huge: nothing to compute, so nothing to refuse (the
** scratch of one matrix / one head is not planned; AffineGrid's grid size is not multiplied
** out, which overflowed int64: the sanitizer build stopped there). */
/* ---- random operators ---- */

/* Open the model, run it `runs` times (input X: n floats of xv, or none) and copy n floats of
** output Y of each run into out[run * n ...]. */
static int run_random(tb_model *m, const float *xv, int64_t nx, int runs, float *out, size_t n,
                      char *msg)
{
    size_t len;
    const uint8_t *buf = tb_pack(m, &len);
    lstm_model *md = NULL;
    lstm_session *s = NULL;
    int rc = lstm_model_open_buffer(buf, len, NULL, &md);
    if (!rc) rc = lstm_session_open(md, &s);
    if (!rc && xv) rc = lstm_session_set_input(s, "X", LSTM_DT_FLOAT, 1, &nx, xv, nx * 4);
    for (int r = 0; !rc && r < runs; r++) {
        lstm_view v;
        rc = lstm_session_run(s);
        if (!rc) rc = lstm_session_output(s, "Y", &v);
        if (!rc && v.nbytes != n * 4) rc = LSTM_EINVAL;
        if (!rc) memcpy(out + r * n, v.data, n * 4);
    }
    snprintf(msg, 512, "%s", s ? lstm_session_errmsg(s) : lstm_model_errmsg(md));
    lstm_session_close(s);
    lstm_model_close(md);
    return rc;
}

static tb_model *random_model(const char *op, int64_t n, int seeded, float seed)
{
    tb_model *m = tb_new(8, 22);
    Onnx__NodeProto *node;
    if (strstr(op, "Like") || strcmp(op, "Bernoulli") == 0) {
        tb_input(m, "X", F32, 1, (int64_t[]){n}, NULL);
        node = tb_node(m, op, "r", "X", "Y");
    } else {
        node = tb_node(m, op, "r", NULL, "Y");
        tb_attr_ints(m, node, "shape", (int64_t[]){n}, 1);
    }
    if (seeded) tb_attr_f(m, node, "seed", seed);
    tb_output(m, "Y", F32, -1, NULL, NULL);
    return m;
}

/* Mean and standard deviation of n values. */
static void moments(const float *v, size_t n, double *mean, double *sd)
{
    double s = 0, q = 0;
    for (size_t i = 0; i < n; i++) s += v[i];
    *mean = s / (double)n;
    for (size_t i = 0; i < n; i++) q += (v[i] - *mean) * (v[i] - *mean);
    *sd = sqrt(q / (double)(n - 1));
}

/* Distributions (bounds at 5 standard errors, so an honest generator fails about once in two
** million runs), seeds, fresh values at every run (never folded), and refusals. */
static void random_ops(void **state)
{
    (void)state;
    enum { N = 200000 };
    float *a = malloc(3 * N * sizeof *a), *b = malloc(N * sizeof *b);
    char msg[512];
    assert_non_null(a);
    assert_non_null(b);
    double mean, sd;
    int rc;

    tb_model *m = random_model("RandomNormal", N, 1, 3.0f);
    Onnx__NodeProto *node = tb_graph(m)->node[0];
    tb_attr_f(m, node, "mean", 1.5f);
    tb_attr_f(m, node, "scale", 2.0f);
    rc = run_random(m, NULL, 0, 2, a, N, msg);
    if (rc) print_error("%s\n", msg);
    assert_int_equal(rc, LSTM_OK);
    assert_int_equal(run_random(m, NULL, 0, 1, b, N, msg), LSTM_OK);
    tb_free(m);
    assert_memory_equal(a, b, N * sizeof *a);          /* same seed, new session: the same values */
    assert_true(memcmp(a, a + N, N * sizeof *a) != 0); /* the next run: new values */
    moments(a, N, &mean, &sd);
    assert_true(fabs(mean - 1.5) < 5 * 2.0 / sqrt(N));
    assert_true(fabs(sd - 2.0) < 5 * 2.0 / sqrt(2.0 * N));
    size_t in1 = 0; /* within one standard deviation: 68.27% */
    for (size_t i = 0; i < N; i++) in1 += fabs(a[i] - 1.5) < 2.0;
    assert_true(fabs((double)in1 / N - 0.682689) < 5 * sqrt(0.6827 * 0.3173 / N));

    m = random_model("RandomUniform", N, 1, 7.0f);
    node = tb_graph(m)->node[0];
    tb_attr_f(m, node, "low", -1.0f);
    tb_attr_f(m, node, "high", 3.0f);
    assert_int_equal(run_random(m, NULL, 0, 1, a, N, msg), LSTM_OK);
    tb_free(m);
    size_t bins[8] = {0};
    for (size_t i = 0; i < N; i++) {
        assert_true(a[i] >= -1.0f && a[i] <= 3.0f);
        bins[(int)((a[i] + 1.0f) * 2.0f) & 7]++;
    }
    for (int i = 0; i < 8; i++) /* N/8 each, binomial spread */
        assert_true(fabs((double)bins[i] - N / 8.0) < 5 * sqrt(N / 8.0 * 7.0 / 8.0));

    /* Unseeded: two sessions differ. On a constant input the Like form is still drawn anew at
       every run (not folded at load nor computed once while planning). */
    m = random_model("RandomNormal", 64, 0, 0);
    assert_int_equal(run_random(m, NULL, 0, 1, a, 64, msg), LSTM_OK);
    assert_int_equal(run_random(m, NULL, 0, 1, b, 64, msg), LSTM_OK);
    tb_free(m);
    assert_true(memcmp(a, b, 64 * sizeof *a) != 0);
    m = tb_new(8, 22);
    tb_init_f32(m, "C", 1, (int64_t[]){64}, NULL);
    tb_node(m, "RandomUniformLike", "r", "C", "Y");
    tb_output(m, "Y", F32, -1, NULL, NULL);
    assert_int_equal(run_random(m, NULL, 0, 2, a, 64, msg), LSTM_OK);
    tb_free(m);
    assert_true(memcmp(a, a + 64, 64 * sizeof *a) != 0);

    /* Bernoulli: each element 1 with its own probability. */
    for (size_t i = 0; i < N; i++) b[i] = i % 2 ? 0.3f : 0.9f;
    m = random_model("Bernoulli", N, 1, 1.0f);
    assert_int_equal(run_random(m, b, N, 1, a, N, msg), LSTM_OK);
    tb_free(m);
    double ones[2] = {0, 0};
    for (size_t i = 0; i < N; i++) {
        assert_true(a[i] == 0.0f || a[i] == 1.0f);
        ones[i % 2] += a[i];
    }
    assert_true(fabs(ones[1] / (N / 2) - 0.3) < 5 * sqrt(0.21 / (N / 2)));
    assert_true(fabs(ones[0] / (N / 2) - 0.9) < 5 * sqrt(0.09 / (N / 2)));

    /* Multinomial: frequencies of softmax([log .2, log .5, log .3, -inf]). */
    m = tb_new(8, 22);
    float logits[4] = {logf(0.2f), logf(0.5f), logf(0.3f), -INFINITY};
    Onnx__TensorProto *t = tb_tensor(m, "L", LSTM_DT_FLOAT, 2, (int64_t[]){1, 4});
    tb_tensor_raw(m, t, logits, sizeof logits);
    tb_add_initializer(m, t);
    node = tb_node(m, "Multinomial", "r", "L", "Y");
    tb_attr_i(m, node, "sample_size", N);
    tb_attr_i(m, node, "dtype", LSTM_DT_INT64);
    tb_attr_f(m, node, "seed", 5.0f);
    tb_output(m, "Y", LSTM_DT_INT64, -1, NULL, NULL);
    int64_t *idx = (int64_t *)a; /* N int64 fit in 2N floats */
    assert_int_equal(run_random(m, NULL, 0, 1, (float *)idx, 2 * N, msg), LSTM_OK);
    tb_free(m);
    double count[4] = {0}, want[4] = {0.2, 0.5, 0.3, 0};
    for (size_t i = 0; i < N; i++) {
        assert_true(idx[i] >= 0 && idx[i] < 3); /* never the -inf class */
        count[idx[i]]++;
    }
    for (int c = 0; c < 3; c++)
        assert_true(fabs(count[c] / N - want[c]) < 5 * sqrt(want[c] * (1 - want[c]) / N));

    /* Refusals. */
    m = tb_new(8, 22);
    tb_node(m, "RandomNormal", "r", NULL, "Y");
    tb_output(m, "Y", F32, -1, NULL, NULL);
    rc = run1(m, NULL, 0, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "node 'r' (RandomNormal, opset 22): attribute 'shape' is required");
    tb_free(m);
    m = random_model("RandomUniform", 4, 0, 0);
    tb_attr_i(m, tb_graph(m)->node[0], "dtype", LSTM_DT_INT32);
    rc = run1(m, NULL, 0, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "attribute 'dtype' is 6 (int32), which RandomUniform 22 does not produce");
    tb_free(m);
    m = tb_new(8, 21);
    node = tb_node(m, "RandomNormal", "r", NULL, "Y");
    tb_attr_ints(m, node, "shape", (int64_t[]){2}, 1);
    tb_attr_i(m, node, "dtype", LSTM_DT_BFLOAT16);
    tb_output(m, "Y", F32, -1, NULL, NULL);
    rc = run1(m, NULL, 0, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED, "(bfloat16), which RandomNormal 1 does not produce");
    tb_free(m);
    m = tb_new(8, 22);
    tb_input(m, "X", LSTM_DT_INT32, 1, (int64_t[]){2}, NULL);
    tb_node(m, "RandomNormalLike", "r", "X", "Y");
    tb_output(m, "Y", F32, -1, NULL, NULL);
    int32_t xi[2] = {1, 2};
    rc = run1(m, (feed[]){{"X", LSTM_DT_INT32, 1, {2}, xi, 8}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "input is int32 and attribute 'dtype' is absent: the output would be int32");
    tb_free(m);
    m = tb_new(8, 22);
    tb_input(m, "X", F32, 2, (int64_t[]){1, 2}, NULL);
    node = tb_node(m, "Multinomial", "r", "X", "Y");
    tb_attr_i(m, node, "sample_size", -1);
    tb_output(m, "Y", LSTM_DT_INT32, -1, NULL, NULL);
    rc = run1(m, NULL, 0, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "attribute 'sample_size' is -1, expected >= 0");
    tb_free(m);
    m = tb_new(8, 22);
    tb_input(m, "X", F32, 2, (int64_t[]){2, 2}, NULL);
    tb_node(m, "Multinomial", "r", "X", "Y");
    tb_output(m, "Y", LSTM_DT_INT32, -1, NULL, NULL);
    float rows[4] = {0.0f, 1.0f, -INFINITY, -INFINITY};
    rc = run1(m, (feed[]){{"X", F32, 2, {2, 2}, rows, 16}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "row 1 of the input has no finite log-probability");
    tb_free(m);
    m = tb_new(8, 22);
    tb_input(m, "X", F32, 1, (int64_t[]){2}, NULL);
    tb_node(m, "Multinomial", "r", "X", "Y");
    tb_output(m, "Y", LSTM_DT_INT32, -1, NULL, NULL);
    float flat[2] = {0.0f, 1.0f};
    rc = run1(m, (feed[]){{"X", F32, 1, {2}, flat, 8}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "input has rank 1, expected 2 [batch, classes]");
    tb_free(m);
    free(a);
    free(b);
}

static void empty_with_huge_axes(void **state)
{
    (void)state;
    char msg[512];
    int rc;
    tb_model *m;
    static const float x1[1] = {0};
    const int64_t big = (int64_t)1 << 29, sz[4] = {0, 1, big, big};
    m = one_at(20, "AffineGrid", "A,B", 2, (int[]){F32, I64});
    rc = run1(m, (feed[]){{"A", F32, 3, {0, 2, 3}, x1, 0}, {"B", I64, 1, {4}, sz, 32}}, 2, msg,
              NULL, 0);
    expect(rc, msg, LSTM_OK, "");
    /* A grid [0, 2^40, 2^40, 2]: no element, but its other dims multiply past 2^63 (NumPy
    ** refuses such an array; Concat, Split, Tile, Expand and broadcasting overflowed int64). */
    const int64_t sz40[4] = {0, 1, (int64_t)1 << 40, (int64_t)1 << 40};
    rc = run1(m, (feed[]){{"A", F32, 3, {0, 2, 3}, x1, 0}, {"B", I64, 1, {4}, sz40, 32}}, 2, msg,
              NULL, 0);
    expect(rc, msg, LSTM_ELIMIT,
           "(AffineGrid, opset 20): an output of shape [0,1099511627776,1099511627776,2] is too "
           "big to address");
    tb_free(m);
    m = one_at(11, "Det", "A", 1, (int[]){F32});
    rc = run1(m, (feed[]){{"A", F32, 3, {0, 40000, 40000}, x1, 0}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_OK, "");
    tb_free(m);
    m = one_at(23, "Attention", "A,B,C", 3, (int[]){F32, F32, F32});
    rc = run1(m,
              (feed[]){{"A", F32, 4, {0, 1, 1000000000, 0}, x1, 0},
                       {"B", F32, 4, {0, 1, 0, 0}, x1, 0},
                       {"C", F32, 4, {0, 1, 0, 1000000000}, x1, 0}},
              3, msg, NULL, 0);
    expect(rc, msg, LSTM_OK, "");
    tb_free(m);
}

static void quant_contrib_refusals(void **state)
{
    (void)state;
    enum { U8 = 2, I8 = 3, F16 = 10, F64 = 11 };
    char msg[512];
    int rc;
    tb_model *m;
    /* DynamicQuantizeLSTM, hidden 2 (4H = 8), input 3, T 2, batch 1. */
    static const float x6[6] = {0.5f, -1, 0.25f, 1, 0, -0.5f}, ws1 = 0.01f, s8[8] = {0};
    static const int8_t w24[24] = {1, -2, 3, 4, 5, -6, 7, 8, 9, 10, -11, 12}, r16[16] = {3, -1},
                        z1 = 0, z8[8] = {0};
    static const uint8_t u16[16] = {0};
    static const int32_t lens_bad = 3;
    const feed X = {"A", F32, 3, {2, 1, 3}, x6, 24}, W = {"B", I8, 3, {1, 3, 8}, w24, 24},
               R = {"C", I8, 3, {1, 2, 8}, r16, 16}, WS = {"I", F32, 1, {1}, &ws1, 4},
               WZ = {"J", I8, 1, {1}, &z1, 1}, RS = {"K", F32, 1, {1}, &ws1, 4},
               RZ = {"L", I8, 1, {1}, &z1, 1};
    const int t12[12] = {F32, I8, I8, F32, I32, F32, F32, F32, F32, I8, F32, I8};
    const char *ins = "A,B,C,,,,,,I,J,K,L";
    m = ms_model("DynamicQuantizeLSTM", ins, 12, t12);
    tb_attr_i(m, tb_graph(m)->node[0], "hidden_size", 2);
    float y4[4];
    rc = run1(m, (feed[]){X, W, R, WS, WZ, RS, RZ}, 7, msg, y4, 4);
    expect(rc, msg, LSTM_OK, "");
    {
        /* Traced, the gates take the unfused path: its "h" is Y (6 gates reported). */
        size_t len;
        const uint8_t *buf = tb_pack(m, &len);
        lstm_model *md = NULL;
        lstm_session *s = NULL;
        h_trace t = {0};
        assert_int_equal(lstm_model_open_buffer(buf, len, NULL, &md), LSTM_OK);
        assert_int_equal(lstm_session_open(md, &s), LSTM_OK);
        assert_int_equal(lstm_session_set_trace(s, keep_h, &t), LSTM_OK);
        const feed f[7] = {X, W, R, WS, WZ, RS, RZ};
        for (int i = 0; i < 7; i++)
            assert_int_equal(lstm_session_set_input(s, f[i].name, f[i].dtype, f[i].rank, f[i].dims,
                                                    f[i].data, f[i].bytes),
                             LSTM_OK);
        assert_int_equal(lstm_session_run(s), LSTM_OK);
        assert_int_equal(t.calls, 6);
        for (int i = 0; i < 4; i++) assert_float_equal(t.h[i], y4[i], 1e-6);
        assert_true(y4[0] != 0.0f || y4[1] != 0.0f);
        lstm_session_close(s);
        lstm_model_close(md);
    }
    /* ONNX LSTM's W layout [D, 4H, I] instead of the transposed one. */
    rc = run1(m, (feed[]){X, {"B", I8, 3, {1, 8, 3}, w24, 24}, R, WS, WZ, RS, RZ}, 7, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (DynamicQuantizeLSTM, opset 1): input W has shape [1,8,3], expected [1,3,8] "
           "(num_directions, input_size, 4*hidden_size)");
    rc = run1(m, (feed[]){X, W, R, {"I", F32, 2, {1, 3}, s8, 12}, WZ, RS, RZ}, 7, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "input W_scale has shape [1,3], expected [1] (per tensor) or [1,8] (per column: "
           "num_directions, 4*hidden_size)");
    tb_free(m);
    int tw[12];
    memcpy(tw, t12, sizeof tw);
    tw[1] = F32;
    m = ms_model("DynamicQuantizeLSTM", ins, 12, tw);
    rc = run1(m, (feed[]){X, {"B", F32, 3, {1, 3, 8}, s8, 96}, R, WS, WZ, RS, RZ}, 7, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "input W is float32, expected int8 or uint8");
    tb_free(m);
    tw[1] = I8;
    tw[2] = U8;
    m = ms_model("DynamicQuantizeLSTM", ins, 12, tw);
    rc = run1(m, (feed[]){X, W, {"C", U8, 3, {1, 2, 8}, u16, 16}, WS, WZ, RS, RZ}, 7, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "input R is uint8, expected int8 like W (type T2)");
    tb_free(m);
    tw[2] = I8;
    tw[11] = U8;
    m = ms_model("DynamicQuantizeLSTM", ins, 12, tw);
    rc = run1(m, (feed[]){X, W, R, WS, {"J", I8, 2, {1, 8}, z8, 8}, RS, {"L", U8, 1, {1}, u16, 1}},
              7, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "input R_zero_point is uint8, expected int8 like W (type T2)");
    tb_free(m);
    m = ms_model("DynamicQuantizeLSTM", "A,B,C,,E,,,,I,J,K,L", 12, t12);
    rc = run1(m, (feed[]){X, W, R, {"E", I32, 1, {1}, &lens_bad, 4}, WS, WZ, RS, RZ}, 8, msg, NULL,
              0);
    expect(rc, msg, LSTM_EINVAL, "sequence_lens[0] (tensor 'E') is 3, expected 0..2");
    tb_free(m);
    /* LSTM's layout (ai.onnx 14+) is not an attribute of the contrib schema. */
    m = ms_model("DynamicQuantizeLSTM", ins, 12, t12);
    tb_attr_i(m, tb_graph(m)->node[0], "layout", 0);
    rc = run1(m, (feed[]){X, W, R, WS, WZ, RS, RZ}, 7, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "unknown attribute 'layout' for DynamicQuantizeLSTM version 1");
    tb_free(m);
    m = ms_model("DynamicQuantizeLSTM", ins, 12, t12);
    tb_attr_s(m, tb_graph(m)->node[0], "direction", "sideways");
    rc = run1(m, (feed[]){X, W, R, WS, WZ, RS, RZ}, 7, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "attribute 'direction' is 'sideways'");
    tb_free(m);
    m = ms_model("DynamicQuantizeLSTM", "A,B,C,,,,,,,J,K,L", 12, t12);
    rc = run1(m, (feed[]){X, W, R, WZ, RS, RZ}, 6, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "required input W_scale (input 8) is missing");
    tb_free(m);
    m = ms_model("DynamicQuantizeLSTM", "A,B,C,,,,,,I,J,K", 11, t12);
    rc = run1(m, (feed[]){X, W, R, WS, WZ, RS}, 6, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "has 11 inputs and 1 outputs, expected 12 and 0 to 3");
    tb_free(m);

    /* DynamicQuantizeMatMul: A [2,3] float, B [3,4] int8. */
    static const uint16_t h1 = 0x3800; /* 0.5 */
    static const float a6[6] = {1, 2, 3, -1, 0, 2}, s1 = 0.5f, bias3[3] = {0};
    static const int8_t b12[12] = {1, 2, 3, 4, -5, 6, 7, 8, 9, 10, 11, -12}, z4[4] = {0};
    const feed A = {"A", F32, 2, {2, 3}, a6, 24}, B = {"B", I8, 2, {3, 4}, b12, 12},
               BS = {"C", F32, 0, {0}, &s1, 4};
    m = ms_model("DynamicQuantizeMatMul", "A,B,C,D,E", 5, (int[]){F32, I8, F32, I8, F32});
    rc = run1(m, (feed[]){A, B, BS, {"D", I8, 0, {0}, z4, 1}, {"E", F32, 1, {4}, s8, 16}}, 5, msg,
              NULL, 0);
    expect(rc, msg, LSTM_OK, "");
    rc = run1(m, (feed[]){A, B, BS, {"D", I8, 2, {2, 2}, z4, 4}, {"E", F32, 1, {4}, s8, 16}}, 5,
              msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (DynamicQuantizeMatMul, opset 1): b_zero_point has shape [2,2], expected "
           "one value or one per column of B [3,4]");
    rc = run1(m, (feed[]){A, B, BS, {"D", I8, 0, {0}, z4, 1}, {"E", F32, 1, {3}, bias3, 12}}, 5,
              msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "bias has shape [3], expected [4] (B's columns)");
    rc = run1(m,
              (feed[]){A,
                       B,
                       {"C", F32, 1, {3}, bias3, 12},
                       {"D", I8, 0, {0}, z4, 1},
                       {"E", F32, 1, {4}, s8, 16}},
              5, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "b_scale has shape [3], expected one value, one per column of B, or a shape that "
           "broadcasts onto Y [2,4]");
    tb_free(m);
    m = ms_model("DynamicQuantizeMatMul", "A,B,C", 3, (int[]){F32, I8, F16});
    rc = run1(m, (feed[]){A, B, {"C", F16, 0, {0}, &h1, 2}}, 3, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "b_scale is float16, expected float32");
    tb_free(m);
    m = ms_model("DynamicQuantizeMatMul", "A,B,C", 3, (int[]){I8, I8, F32});
    rc = run1(m, (feed[]){{"A", I8, 2, {2, 3}, b12, 6}, B, BS}, 3, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "A is int8, expected float32");
    tb_free(m);
    m = ms_model("DynamicQuantizeMatMul", "A,B,C", 3, (int[]){F32, I8, F32});
    tb_attr_i(m, tb_graph(m)->node[0], "transB", 1);
    rc = run1(m, (feed[]){A, B, BS}, 3, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "transB");
    tb_free(m);

    /* MatMulIntegerToFloat: A [2,3] uint8, B [3,4] int8. */
    static const uint8_t ua6[6] = {1, 2, 3, 4, 5, 6}, uz2[2] = {0};
    const feed UA = {"A", U8, 2, {2, 3}, ua6, 6}, AS = {"C", F32, 0, {0}, &s1, 4},
               BS2 = {"D", F32, 0, {0}, &s1, 4};
    m = ms_model("MatMulIntegerToFloat", "A,B,C,D,E", 5, (int[]){U8, I8, F32, F32, U8});
    rc = run1(m, (feed[]){UA, B, AS, BS2, {"E", U8, 0, {0}, uz2, 1}}, 5, msg, NULL, 0);
    expect(rc, msg, LSTM_OK, "");
    rc = run1(m, (feed[]){UA, B, AS, BS2, {"E", U8, 1, {2}, uz2, 2}}, 5, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (MatMulIntegerToFloat, opset 1): a_zero_point has shape [2], expected one "
           "value");
    tb_free(m);
    m = ms_model("MatMulIntegerToFloat", "A,B,C,D", 4, (int[]){U8, I8, F16, F32});
    rc = run1(m, (feed[]){UA, B, {"C", F16, 0, {0}, &h1, 2}, BS2}, 4, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "b_scale is float32, expected float16 like a_scale (type T3)");
    tb_free(m);
    static const double d1 = 0.5;
    m = ms_model("MatMulIntegerToFloat", "A,B,C,D", 4, (int[]){U8, I8, F64, F64});
    rc = run1(m, (feed[]){UA, B, {"C", F64, 0, {0}, &d1, 8}, {"D", F64, 0, {0}, &d1, 8}}, 4, msg,
              NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "a_scale is float64, expected float32 or float16");
    tb_free(m);
    m = ms_model("MatMulIntegerToFloat", "A,B,C,D", 4, (int[]){F32, I8, F32, F32});
    rc = run1(m, (feed[]){A, B, AS, BS2}, 4, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "A is float32, expected int8 or uint8");
    tb_free(m);
}

/* Bitwise*, TensorScatter, the losses, RoiAlign, MaxRoiPool, NonMaxSuppression, BitCast,
** CumProd: refusals naming the node; NonMaxSuppression on scores computed at run time. */
static void newop_refusals(void **state)
{
    (void)state;
    char msg[512];
    int rc;
    tb_model *m;
    const int32_t i6[6] = {1, 2, 3, 4, 5, 6};
    const feed a23 = {"A", F32, 2, {2, 3}, x6, 24};

    /* Bitwise* */
    m = one_at(18, "BitwiseAnd", "A,B", 2, (int[]){F32, F32});
    rc = run1(m, (feed[]){a23, {"B", F32, 2, {2, 3}, x6, 24}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "node 'op' (BitwiseAnd, opset 18): input is float32, expected an integer type");
    tb_free(m);
    m = one_typed(18, "BitwiseXor", "A,B", 2, (int[]){I32, I64}, I32);
    rc = run1(m, (feed[]){{"A", I32, 1, {6}, i6, 24}, {"B", I64, 1, {1}, i6, 8}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "(BitwiseXor, opset 18): inputs are int32 and int64");
    tb_free(m);
    m = one_typed(18, "BitwiseOr", "A,B", 2, (int[]){I32, I32}, I32);
    rc = run1(m, (feed[]){{"A", I32, 1, {6}, i6, 24}, {"B", I32, 1, {4}, i6, 16}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "(BitwiseOr, opset 18): shapes [6] and [4] cannot be broadcast");
    tb_free(m);
    m = one_typed(18, "BitwiseNot", "A", 1, (int[]){I32}, I32);
    tb_attr_i(m, tb_graph(m)->node[0], "axis", 1);
    rc = run1(m, (feed[]){{"A", I32, 1, {6}, i6, 24}}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "unknown attribute 'axis' for BitwiseNot version 18");
    tb_free(m);

    /* TensorScatter */
    const float c24[24] = {0};
    const int64_t w2[2] = {1, 3}, w3[3] = {0, 0, 0};
    const feed cache = {"A", F32, 3, {2, 4, 3}, c24, 96}, upd = {"B", F32, 3, {2, 2, 3}, x12, 48};
    m = one_at(24, "TensorScatter", "A,B,C", 3, (int[]){F32, F32, I64});
    rc = run1(m, (feed[]){cache, upd, {"C", I64, 1, {2}, w2, 16}}, 3, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (TensorScatter, opset 24): write_indices[1] is 3: mode linear writes 2 "
           "rows from it, past the 4 of axis 1 (use mode circular to wrap)");
    rc = run1(m, (feed[]){cache, upd, {"C", I64, 1, {3}, w3, 24}}, 3, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "write_indices is [3], expected [2] (one per batch entry)");
    rc = run1(m, (feed[]){cache, {"B", F32, 3, {2, 5, 3}, c24, 120}, {"C", I64, 1, {2}, w2, 16}}, 3,
              msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "update [2,5,3] must match past_cache [2,4,3] except on axis 1, where it must be no "
           "longer");
    tb_free(m);
    m = one_at(24, "TensorScatter", "A,B", 2, (int[]){F32, F32});
    tb_attr_i(m, tb_graph(m)->node[0], "axis", -3);
    rc = run1(m, (feed[]){cache, upd}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "axis -3 is the batch axis 0, expected a sequence axis in [1, 2]");
    tb_free(m);
    m = one_at(24, "TensorScatter", "A,B", 2, (int[]){F32, F32});
    tb_attr_s(m, tb_graph(m)->node[0], "mode", "ring");
    rc = run1(m, (feed[]){cache, upd}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "attribute 'mode'");
    tb_free(m);

    /* NegativeLogLikelihoodLoss, SoftmaxCrossEntropyLoss */
    const int64_t t2[2] = {1, 3}, t3[3] = {0, 1, 2};
    const float cw3[3] = {1, 1, 1};
    m = one_at(13, "NegativeLogLikelihoodLoss", "A,B", 2, (int[]){F32, I64});
    rc = run1(m, (feed[]){a23, {"B", I64, 1, {2}, t2, 16}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (NegativeLogLikelihoodLoss, opset 13): target element 1 is 3, outside the 3 "
           "classes [0, 3)");
    rc = run1(m, (feed[]){a23, {"B", I64, 1, {3}, t3, 24}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "target is [3], expected input's shape without axis 1 ([2,3])");
    tb_free(m);
    m = one_at(13, "NegativeLogLikelihoodLoss", "A,B,C", 3, (int[]){F32, I64, F32});
    tb_attr_i(m, tb_graph(m)->node[0], "ignore_index", 3);
    rc = run1(m, (feed[]){a23, {"B", I64, 1, {2}, t2, 16}, {"C", F32, 1, {2}, cw3, 8}}, 3, msg,
              NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "weight is [2], expected [3] (one per class)");
    tb_free(m);
    m = one_at(13, "SoftmaxCrossEntropyLoss", "A,B", 2, (int[]){F32, I32});
    tb_attr_s(m, tb_graph(m)->node[0], "reduction", "max");
    rc = run1(m, (feed[]){a23, {"B", I32, 1, {2}, i6, 8}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "attribute 'reduction'");
    tb_free(m);
    m = one_at(12, "SoftmaxCrossEntropyLoss", "A,B", 2, (int[]){F32, F32});
    rc = run1(m, (feed[]){a23, {"B", F32, 1, {2}, x6, 8}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "(SoftmaxCrossEntropyLoss, opset 12): labels is float32, expected int32 or int64");
    tb_free(m);

    /* RoiAlign, MaxRoiPool */
    const float box4[4] = {0, 0, 1, 1}, box5[5] = {2, 0, 0, 1, 1};
    const int64_t bi1 = 1;
    const feed x1 = {"A", F32, 4, {1, 1, 2, 3}, x6, 24};
    m = one_at(16, "RoiAlign", "A,B,C", 3, (int[]){F32, F32, I64});
    rc = run1(m, (feed[]){x1, {"B", F32, 2, {1, 4}, box4, 16}, {"C", I64, 1, {1}, &bi1, 8}}, 3, msg,
              NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (RoiAlign, opset 16): roi 0 names batch entry 1, expected an integer in "
           "[0, 1)");
    rc = run1(m, (feed[]){x1, {"B", F32, 2, {1, 3}, box4, 12}, {"C", I64, 1, {1}, &bi1, 8}}, 3, msg,
              NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "rois is [1,3], expected (num_rois, 4)");
    tb_free(m);
    m = one_at(10, "RoiAlign", "A,B,C", 3, (int[]){F32, F32, I64});
    tb_attr_s(m, tb_graph(m)->node[0], "coordinate_transformation_mode", "half_pixel");
    rc = run1(m, (feed[]){x1, {"B", F32, 2, {1, 4}, box4, 16}, {"C", I64, 1, {1}, &bi1, 8}}, 3, msg,
              NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "unknown attribute 'coordinate_transformation_mode' for RoiAlign version 10");
    tb_free(m);
    m = one_at(16, "RoiAlign", "A,B,C", 3, (int[]){F32, F32, I64});
    tb_attr_i(m, tb_graph(m)->node[0], "output_height", 0);
    rc = run1(m, (feed[]){x1, {"B", F32, 2, {1, 4}, box4, 16}, {"C", I64, 1, {1}, &bi1, 8}}, 3, msg,
              NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "output_height 0, output_width 1, sampling_ratio 0");
    tb_free(m);
    /* An empty roi (width 0 after half_pixel) whose height would take 2^68 samples per cell
    ** has no samples at all: its output is 0 (a fuzzer found the float-to-int overflow). */
    const float tall[4] = {0, 0, 0, 3e20f};
    float out0 = -1;
    m = one_at(16, "RoiAlign", "A,B,C", 3, (int[]){F32, F32, I64});
    rc = run1(m,
              (feed[]){x1, {"B", F32, 2, {1, 4}, tall, 16}, {"C", I64, 1, {1}, (int64_t[]){0}, 8}},
              3, msg, &out0, 1);
    assert_int_equal(rc, LSTM_OK);
    assert_true(out0 == 0.0f);
    tb_free(m);
    m = one_at(22, "MaxRoiPool", "A,B", 2, (int[]){F32, F32});
    rc = run1(m, (feed[]){x1, {"B", F32, 2, {1, 5}, box5, 20}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL,
           "(MaxRoiPool, opset 22): attribute 'pooled_shape' must be two values >= 1 (height, "
           "width); it is required");
    tb_attr_ints(m, tb_graph(m)->node[0], "pooled_shape", (int64_t[]){1, 1}, 2);
    rc = run1(m, (feed[]){x1, {"B", F32, 2, {1, 5}, box5, 20}}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "roi 0 names batch entry 2, expected an integer in [0, 1)");
    tb_free(m);

    /* NonMaxSuppression */
    const float bx8[8] = {0, 0, 1, 1, 0, 0.5f, 1, 1.5f}, sc2[2] = {0.9f, 0.8f}, iou2 = 2;
    const int64_t mo = 2;
    const feed bxs = {"A", F32, 3, {1, 2, 4}, bx8, 32}, scs = {"B", F32, 3, {1, 1, 2}, sc2, 8};
    m = one_typed(11, "NonMaxSuppression", "A,B,C,D", 4, (int[]){F32, F32, I64, F32}, I64);
    rc = run1(m, (feed[]){bxs, scs, {"C", I64, 0, {0}, &mo, 8}, {"D", F32, 0, {0}, &iou2, 4}}, 4,
              msg, NULL, 0);
    expect(
        rc, msg, LSTM_EINVAL,
        "node 'op' (NonMaxSuppression, opset 11): iou_threshold is 2, expected a value in [0, 1]");
    rc = run1(m,
              (feed[]){bxs,
                       {"B", F32, 3, {1, 2, 1}, sc2, 8},
                       {"C", I64, 0, {0}, &mo, 8},
                       {"D", F32, 0, {0}, &iou2, 4}},
              4, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "boxes [1,2,4] and scores [1,2,1], expected [num_batches, spatial_dimension, 4] and "
           "[num_batches, num_classes, spatial_dimension]");
    rc = run1(m, (feed[]){bxs, scs, {"C", I64, 1, {2}, bx8, 16}, {"D", F32, 0, {0}, &iou2, 4}}, 4,
              msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "max_output_boxes_per_class is int64 [2], expected one int64 value");
    tb_free(m);
    m = one_typed(10, "NonMaxSuppression", "A,B", 2, (int[]){F32, F32}, I64);
    tb_attr_i(m, tb_graph(m)->node[0], "center_point_box", 2);
    rc = run1(m, (feed[]){bxs, scs}, 2, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "attribute 'center_point_box' is 2, expected 0 or 1");
    tb_free(m);

    /* BitCast, CumProd (26) */
    m = one_typed(26, "BitCast", "A", 1, (int[]){F32}, I64);
    tb_attr_i(m, tb_graph(m)->node[0], "to", LSTM_DT_INT64);
    rc = run1(m, (feed[]){a23}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (BitCast, opset 26): input is float32 (32 bits), 'to' is int64 (64 bits): "
           "the widths must be equal");
    tb_free(m);
    m = one_typed(26, "BitCast", "A", 1, (int[]){F32}, I32);
    rc = run1(m, (feed[]){a23}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EMODEL, "(BitCast, opset 26): attribute 'to' is required");
    tb_attr_i(m, tb_graph(m)->node[0], "to", LSTM_DT_STRING);
    rc = run1(m, (feed[]){a23}, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED, "unsupported type: bit cast to string");
    tb_free(m);
    const int8_t i8[6] = {1, 2, 3, 4, 5, 6};
    const int64_t ax1 = 1;
    m = one_typed(26, "CumProd", "A,B", 2, (int[]){I8, I64}, I8);
    rc = run1(m, (feed[]){{"A", I8, 2, {2, 3}, i8, 6}, {"B", I64, 0, {0}, &ax1, 8}}, 2, msg, NULL,
              0);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "node 'op' (CumProd, opset 26): x is int8, expected float32, float64, float16, "
           "bfloat16, int32, int64, uint32 or uint64");
    tb_free(m);

    /* NonMaxSuppression whose scores come from two Neg nodes: prepared at run time, its output
    ** length following the values; repeated runs allocate nothing. b1 overlaps b0 (IoU
    ** 0.9 / 1.1 > 0.5); max 3 per class, scores above 0.35. */
    const float boxes[16] = {0, 0, 1, 1, 0, 0.1f, 1, 1.1f, 0, 10, 1, 11, 0, 20, 1, 21};
    const float sa[4] = {0.9f, 0.8f, 0.7f, 0.6f}, sb[4] = {0.5f, 0.9f, 0.4f, 0.3f};
    const int64_t want_a[9] = {0, 0, 0, 0, 0, 2, 0, 0, 3}, want_b[6] = {0, 0, 1, 0, 0, 2};
    const int64_t max3 = 3;
    const float half = 0.5f, thr = 0.35f;
    m = tb_new(8, 11);
    tb_input(m, "B", F32, -1, NULL, NULL);
    tb_input(m, "S", F32, -1, NULL, NULL);
    Onnx__TensorProto *tm = tb_tensor(m, "M", I64, 0, NULL);
    tb_tensor_raw(m, tm, &max3, 8);
    tb_add_initializer(m, tm);
    tb_init_f32(m, "I", 0, NULL, &half);
    tb_init_f32(m, "T", 0, NULL, &thr);
    tb_node(m, "Neg", "n1", "S", "S1");
    tb_node(m, "Neg", "n2", "S1", "S2");
    tb_node(m, "NonMaxSuppression", "nms", "B,S2,M,I,T", "Y");
    tb_output(m, "Y", I64, -1, NULL, NULL);
    size_t len;
    const uint8_t *buf = tb_pack(m, &len);
    lstm_options opt = {.size = sizeof opt, .alloc = count_alloc, .free = count_free};
    lstm_model *md = NULL;
    lstm_session *s = NULL;
    lstm_view v;
    int orc = lstm_model_open_buffer(buf, len, &opt, &md);
    if (orc) print_error("%s\n", lstm_model_errmsg(md));
    assert_int_equal(orc, LSTM_OK);
    assert_int_equal(lstm_session_open(md, &s), LSTM_OK);
    const int64_t bd[3] = {1, 4, 4}, sd[3] = {1, 1, 4};
    assert_int_equal(lstm_session_set_input(s, "B", F32, 3, bd, boxes, 64), LSTM_OK);
    assert_int_equal(lstm_session_set_input(s, "S", F32, 3, sd, sa, 16), LSTM_OK);
    assert_int_equal(lstm_session_run(s), LSTM_OK);
    assert_int_equal(lstm_session_output(s, "Y", &v), LSTM_OK);
    assert_int_equal(v.nbytes, sizeof want_a);
    assert_memory_equal(v.data, want_a, sizeof want_a);
    allocs = 0;
    for (int r = 0; r < 3; r++) assert_int_equal(lstm_session_run(s), LSTM_OK);
    assert_int_equal(allocs, 0);
    assert_int_equal(lstm_session_set_input(s, "S", F32, 3, sd, sb, 16), LSTM_OK);
    assert_int_equal(lstm_session_run(s), LSTM_OK);
    assert_int_equal(lstm_session_output(s, "Y", &v), LSTM_OK);
    assert_int_equal(v.nbytes, sizeof want_b);
    assert_memory_equal(v.data, want_b, sizeof want_b);
    lstm_session_close(s);
    lstm_model_close(md);
    tb_free(m);
}

/* int64 values at the type's ends, checked exactly: Range counted its elements in double (start
** 2^63 - 3 to 2^63 - 1 gave none; a count one too high overflowed start + i delta); integer
** Gemm went through double (2^53 + 1 came back as 2^53, a sum past 2^63 was undefined); a Concat
** of empty tensors added their axes without a check; NonMaxSuppression folded at load (all
** inputs constant) dereferenced the session's missing plan. Each was found by a review with
** UBSan, and each check below failed before its fix. */
static void int64_extremes(void **state)
{
    (void)state;
    char msg[512];
    int rc;
    tb_model *m;
    /* Range: NumPy's arange values */
    const int64_t r1[3] = {INT64_MAX - 2, INT64_MAX, 1}, want1[2] = {INT64_MAX - 2, INT64_MAX - 1};
    const int64_t r2[3] = {9223372036854774073, -4611686018427388706, -4611686018427387593},
                  want2[3] = {9223372036854774073, 4611686018427386480, -1113};
    const int64_t *rs[2] = {r1, r2}, *wants[2] = {want1, want2};
    const size_t nwant[2] = {2, 3};
    for (int t = 0; t < 2; t++) {
        int64_t got[4] = {0};
        m = one_typed(11, "Range", "A,B,C", 3, (int[]){I64, I64, I64}, I64);
        const feed f[3] = {{"A", I64, 0, {0}, &rs[t][0], 8},
                           {"B", I64, 0, {0}, &rs[t][1], 8},
                           {"C", I64, 0, {0}, &rs[t][2], 8}};
        rc = run1_bytes(m, f, 3, msg, got, 0, nwant[t] * 8);
        if (rc) print_error("%s\n", msg);
        assert_int_equal(rc, LSTM_OK);
        assert_memory_equal(got, wants[t], nwant[t] * 8);
        assert_int_equal(run1_bytes(m, f, 3, msg, got, 0, nwant[t] * 8 + 8), LSTM_EINVAL);
        tb_free(m);
    }
    /* Gemm on int64: alpha = beta = 1 wraps like MatMul (and NumPy's dot) */
    const int64_t a2[2] = {INT64_MIN, INT64_MAX}, b2[2] = {-1, 2}, big = ((int64_t)1 << 53) + 1,
                  one1 = 1;
    int64_t y = 0;
    m = one_typed(13, "Gemm", "A,B", 2, (int[]){I64, I64}, I64);
    rc = run1_bytes(m, (feed[]){{"A", I64, 2, {1, 2}, a2, 16}, {"B", I64, 2, {2, 1}, b2, 16}}, 2,
                    msg, &y, 0, 8);
    assert_int_equal(rc, LSTM_OK);
    assert_true(y == INT64_MAX - 1);
    rc = run1_bytes(m, (feed[]){{"A", I64, 2, {1, 1}, &big, 8}, {"B", I64, 2, {1, 1}, &one1, 8}}, 2,
                    msg, &y, 0, 8);
    assert_int_equal(rc, LSTM_OK);
    assert_true(y == big);
    tb_free(m);
    /* Gemm on uint64 with alpha 0.5: the sum read unsigned (it was read as -2^62) */
    const uint64_t ua = ((uint64_t)1 << 63) + ((uint64_t)1 << 62), ub = 1;
    uint64_t uy = 0;
    m = one_typed(13, "Gemm", "A,B", 2, (int[]){LSTM_DT_UINT64, LSTM_DT_UINT64}, LSTM_DT_UINT64);
    tb_attr_f(m, tb_graph(m)->node[0], "alpha", 0.5f);
    rc = run1_bytes(m,
                    (feed[]){{"A", LSTM_DT_UINT64, 2, {1, 1}, &ua, 8},
                             {"B", LSTM_DT_UINT64, 2, {1, 1}, &ub, 8}},
                    2, msg, &uy, 0, 8);
    assert_int_equal(rc, LSTM_OK);
    assert_true(uy == ua / 2);
    tb_free(m);
    /* Range takes no unsigned type (its bounds compared signed) */
    m = one_typed(11, "Range", "A,B,C", 3, (int[]){LSTM_DT_UINT64, LSTM_DT_UINT64, LSTM_DT_UINT64},
                  LSTM_DT_UINT64);
    rc = run1_bytes(m,
                    (feed[]){{"A", LSTM_DT_UINT64, 0, {0}, &ub, 8},
                             {"B", LSTM_DT_UINT64, 0, {0}, &ua, 8},
                             {"C", LSTM_DT_UINT64, 0, {0}, &ua, 8}},
                    3, msg, &uy, 0, 8);
    expect(rc, msg, LSTM_EUNSUPPORTED,
           "unsupported type uint64 (Range takes float, double, int16, int32 or int64)");
    tb_free(m);
    /* Concat of two empty uint8 [0, 2^62]: each addressable, their sum overflows */
    const uint8_t u1 = 0;
    const int64_t e62 = (int64_t)1 << 62;
    m = one("Concat", "A,B", 2, (int[]){2, 2});
    tb_attr_i(m, tb_graph(m)->node[0], "axis", 1);
    rc = run1(m, (feed[]){{"A", 2, 2, {0, e62}, &u1, 0}, {"B", 2, 2, {0, e62}, &u1, 0}}, 2, msg,
              NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "node 'op' (Concat, opset 17): size overflows");
    tb_free(m);
    /* NonMaxSuppression on constants: left to the session, which runs it */
    const float boxes[8] = {0, 0, 1, 1, 0, 10, 1, 11}, scores[2] = {0.8f, 0.9f}, half = 0.5f;
    const int64_t max1 = 1, want_nms[3] = {0, 0, 1};
    int64_t sel[3] = {0};
    m = tb_new(8, 11);
    tb_init_f32(m, "B", 3, D3(1, 2, 4), boxes);
    tb_init_f32(m, "S", 3, D3(1, 1, 2), scores);
    Onnx__TensorProto *tm = tb_tensor(m, "M", I64, 0, NULL);
    tb_tensor_raw(m, tm, &max1, 8);
    tb_add_initializer(m, tm);
    tb_init_f32(m, "I", 0, NULL, &half);
    tb_node(m, "NonMaxSuppression", "nms", "B,S,M,I", "Y");
    tb_output(m, "Y", I64, -1, NULL, NULL);
    rc = run1_bytes(m, NULL, 0, msg, sel, 0, sizeof sel);
    if (rc) print_error("%s\n", msg);
    assert_int_equal(rc, LSTM_OK);
    assert_memory_equal(sel, want_nms, sizeof sel);
    tb_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(h_rows),
        cmocka_unit_test(instnorm_tiny_variance),
        cmocka_unit_test(nan_inputs),
        cmocka_unit_test(activations_f32),
        cmocka_unit_test(scalar_operands),
        cmocka_unit_test(split_sizes_overflow),
        cmocka_unit_test(misc_refusals),
        cmocka_unit_test(newop_refusals),
        cmocka_unit_test(attention_refusals),
        cmocka_unit_test(attention_inf_scores),
        cmocka_unit_test(einsum_hardmax_compress),
        cmocka_unit_test(signal_refusals),
        cmocka_unit_test(logic_refusals),
        cmocka_unit_test(reduce_norm_refusals),
        cmocka_unit_test(resize_refusals),
        cmocka_unit_test(quant_refusals),
        cmocka_unit_test(qlinear_refusals),
        cmocka_unit_test(pad_late_values),
        cmocka_unit_test(pool_more_refusals),
        cmocka_unit_test(norm_more_refusals),
        cmocka_unit_test(version_forms),
        cmocka_unit_test(legacy_refusals),
        cmocka_unit_test(unary_refusals),
        cmocka_unit_test(conv_refusals),
        cmocka_unit_test(conv_weights_packed_at_load),
        cmocka_unit_test(conv_paths_no_alloc),
        cmocka_unit_test(linear_packed_at_load),
        cmocka_unit_test(quant_contrib_refusals),
        cmocka_unit_test(grid_refusals),
        cmocka_unit_test(empty_with_huge_axes),
        cmocka_unit_test(random_ops),
        cmocka_unit_test(int64_extremes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
