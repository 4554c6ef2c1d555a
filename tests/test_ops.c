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

/* Constant's forms by opset (one registry row covers every version), string and sparse values
** refused naming the attribute; Cast's saturate / round_mode only from 19 / 24. */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(h_rows),
        cmocka_unit_test(nan_inputs),
        cmocka_unit_test(version_forms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
