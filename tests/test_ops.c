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

static tb_model *one_at(int64_t opset, const char *op, const char *ins, int n_decl,
                        const int *dtypes)
{
    tb_model *m = tb_new(8, opset);
    char names[8][8];
    for (int i = 0; i < n_decl; i++) {
        snprintf(names[i], sizeof names[i], "%c", 'A' + i);
        tb_input(m, names[i], dtypes[i], -1, NULL, NULL);
    }
    tb_node(m, op, "op", ins, "Y");
    tb_output(m, "Y", F32, -1, NULL, NULL);
    return m;
}

static tb_model *one(const char *op, const char *ins, int n_decl, const int *dtypes)
{
    return one_at(17, op, ins, n_decl, dtypes);
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
    m = one_at(1, "Pad", "A", 1, (int[]){F32});
    tb_attr_ints(m, tb_graph(m)->node[0], "paddings", p4, 4);
    rc = run1(m, &a23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED, "Pad at opset 1 uses an operator version before 2");
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
    expect(rc, msg, LSTM_EMODEL, "attributes 'largest' and 'sorted' must be 0 or 1");
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
    m = one_at(5, "Abs", "A", 1, (int[]){F32});
    rc = run1(m, &a23, 1, msg, NULL, 0);
    expect(rc, msg, LSTM_EUNSUPPORTED, "Abs at opset 5 uses an operator version before 6");
    tb_free(m);
}

/* A late node (pads computed from data: Abs of an input) in one session, run with pads that
** grow, shrink and grow again: the output follows each time (its buffer grows as needed). */
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
        cmocka_unit_test(misc_refusals),
        cmocka_unit_test(pad_late_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
