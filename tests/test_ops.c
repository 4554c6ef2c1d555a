/* test_ops.c — the graph operators' refusals of bad run-time values (robustness.md section H
** and I): each names the node and what was expected; NaN handling. Numerical agreement is
** checked by the ONNX node tests (tests/node_suite.py). */
#include "test_util.h"

#include <math.h>
#include <stdio.h>

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

static tb_model *one(const char *op, const char *ins, int n_decl, const int *dtypes)
{
    tb_model *m = tb_new(8, 17);
    char names[8][8];
    for (int i = 0; i < n_decl; i++) {
        snprintf(names[i], sizeof names[i], "%c", 'A' + i);
        tb_input(m, names[i], dtypes[i], -1, NULL, NULL);
    }
    tb_node(m, op, "op", ins, "Y");
    tb_output(m, "Y", F32, -1, NULL, NULL);
    return m;
}

#define expect(rc, msg, code, needle)                                                              \
    do {                                                                                           \
        if ((rc) != (code) || !strstr(msg, needle)) print_error("got %d '%s'\n", rc, msg);         \
        assert_int_equal(rc, code);                                                                \
        assert_non_null(strstr(msg, needle));                                                      \
    } while (0)

static const float x6[6] = {1, 2, 3, 4, 5, 6};

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
    float got[2];
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
    rc = run1(m, (feed[]){{"A", F32, 3, {2, 1, 3}, x6, 24}, {"B", F32, 3, {3, 3, 1}, x6, 36}}, 2,
              msg, NULL, 0);
    expect(rc, msg, LSTM_EINVAL, "batch dimensions 2 and 3 do not broadcast");
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
    expect(rc, msg, LSTM_EMODEL, "node 'op' (MaxPool, opset 17): storage_order must be 0 or 1");
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
    rc = run1(m, (feed[]){{"A", F32, 2, {3, 4}, x12, 48}, {"B", F32, 1, {4}, x12, 16}}, 2, msg,
              NULL, 0);
    expect(rc, msg, LSTM_EINVAL,
           "node 'op' (PRelu, opset 6): slope has shape [4]; before version 7 it must have one "
           "element or X's shape [3,4]");
    tb_free(m);
}

/* NaN propagates where IEEE says so and never becomes undefined behaviour. */
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
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(h_rows),
        cmocka_unit_test(nan_inputs),
        cmocka_unit_test(conv_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
