/* test_wire.c — the iterative wire scan and the decode budget (robustness.md section A). */
#include "test_util.h"

#include <stdlib.h>

static int scan(const uint8_t *b, size_t n, unsigned depth, lstm__diag *d)
{
    lstm__graph *g = NULL;
    lstm__diag_clear(d);
    int rc = lstm__import_buffer(
        b, n, &(lstm_options){.size = sizeof(lstm_options), .limits.max_depth = depth}, NULL, &g,
        d);
    lstm__graph_free(g);
    return rc;
}

#define assert_wire(bytes, code, needle)                                                           \
    do {                                                                                           \
        const uint8_t b_[] = bytes;                                                                \
        lstm__diag d_;                                                                             \
        int rc_ = scan(b_, sizeof b_, 0, &d_);                                                     \
        if (rc_ != (code) || !strstr(d_.msg, needle)) print_error("got '%s'\n", d_.msg);           \
        assert_int_equal(rc_, code);                                                               \
        assert_non_null(strstr(d_.msg, needle));                                                   \
    } while (0)

#define B(...)                                                                                     \
    {                                                                                              \
        __VA_ARGS__                                                                                \
    }

static void wire_errors(void **state)
{
    (void)state;
    /* ir_version (field 1, varint) truncated. */
    assert_wire(B(0x08, 0x80), LSTM_EPROTO, "bad varint in field 1 of onnx.ModelProto");
    /* Varint of 11 bytes. */
    assert_wire(B(0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01),
                LSTM_EPROTO, "bad varint");
    /* Tag of 6 bytes (field number beyond 2^29-1: UB in protobuf-c 1.4.1). */
    assert_wire(B(0xf8, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00), LSTM_EPROTO,
                "tag longer than 5 bytes");
    assert_wire(B(0xf8, 0xff, 0xff, 0xff, 0x7f, 0x00), LSTM_EPROTO, "tag longer than 5 bytes");
    /* Field number 0. */
    assert_wire(B(0x00, 0x01), LSTM_EPROTO, "field number 0");
    /* Wire types 3 (group), 6 and 7. */
    assert_wire(B(0x0b), LSTM_EPROTO, "unsupported wire type 3");
    assert_wire(B(0x0e), LSTM_EPROTO, "unsupported wire type 6");
    assert_wire(B(0x0f), LSTM_EPROTO, "unsupported wire type 7");
    /* graph (field 7) with a length past the end. */
    assert_wire(B(0x3a, 0x05, 0x00), LSTM_EPROTO, "runs past the end");
    /* graph sent as a varint. */
    assert_wire(B(0x38, 0x01), LSTM_EPROTO, "field graph of onnx.ModelProto must be a message");
    /* A nested length that runs past its parent. */
    assert_wire(B(0x3a, 0x02, 0x0a, 0x05), LSTM_EPROTO, "runs past the end");
    /* fixed64 truncated inside an unknown field. */
    assert_wire(B(0xf9, 0x01, 0x00, 0x00), LSTM_EPROTO, "truncated field 31");
    /* Empty input decodes to an empty model: no ir_version. */
    lstm__diag d;
    assert_int_equal(scan((const uint8_t *)"", 0, 0, &d), LSTM_EMODEL);
    assert_non_null(strstr(d.msg, "no ir_version"));
}

/* Write a length-delimited field around [inner, inner+n) into out; returns the new length. */
static size_t wrap(uint8_t *out, uint32_t field, const uint8_t *inner, size_t n)
{
    size_t o = 0;
    out[o++] = (uint8_t)(field << 3 | 2);
    size_t v = n;
    do {
        uint8_t b = v & 0x7f;
        v >>= 7;
        out[o++] = b | (v ? 0x80 : 0);
    } while (v);
    memmove(out + o, inner, n);
    return o + n;
}

/* ModelProto.graph.input[0].type = TypeProto{sequence_type{elem_type{...}}} nested `levels`. */
static uint8_t *nested_model(int levels, size_t *len)
{
    size_t cap = (size_t)levels * 16 + 64;
    uint8_t *a = calloc(1, cap), *b = calloc(1, cap);
    size_t n = 0;
    for (int i = 0; i < levels; i++) {
        n = wrap(b, 1, a, n); /* Sequence.elem_type = TypeProto */
        n = wrap(a, 4, b, n); /* TypeProto.sequence_type = Sequence */
    }
    n = wrap(b, 2, a, n);  /* ValueInfoProto.type */
    n = wrap(a, 11, b, n); /* GraphProto.input */
    n = wrap(b, 7, a, n);  /* ModelProto.graph */
    free(a);
    *len = n;
    return b;
}

static void nesting_limit(void **state)
{
    (void)state;
    size_t len;
    uint8_t *m = nested_model(20000, &len); /* ~100 KB: overflows protobuf-c's recursion */
    lstm__diag d;
    assert_int_equal(scan(m, len, 0, &d), LSTM_ELIMIT);
    assert_non_null(strstr(d.msg, "protobuf nesting deeper than 64 messages"));
    free(m);
    m = nested_model(10, &len);
    assert_int_equal(scan(m, len, 8, &d), LSTM_ELIMIT);
    assert_int_equal(scan(m, len, 64, &d), LSTM_EMODEL); /* decodes; no ir_version */
    free(m);
}

static void decode_budget(void **state)
{
    (void)state;
    /* 100,000 empty NodeProtos: 2 bytes each on the wire, far more once unpacked. */
    size_t n = 100000, len = 0;
    uint8_t *g = malloc(2 * n), *m = malloc(2 * n + 16);
    for (size_t i = 0; i < n; i++) g[2 * i] = 0x0a, g[2 * i + 1] = 0;
    len = wrap(m, 7, g, 2 * n);
    lstm__diag d;
    lstm__diag_clear(&d);
    lstm__graph *gr = NULL;
    lstm_options opt = {.size = sizeof(lstm_options), .limits.max_decode_bytes = 1 << 20};
    assert_int_equal(lstm__import_buffer(m, len, &opt, NULL, &gr, &d), LSTM_ELIMIT);
    assert_non_null(strstr(d.msg, "decoding the model needs more than 1048576 bytes"));
    free(g);
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wire_errors),
        cmocka_unit_test(nesting_limit),
        cmocka_unit_test(decode_budget),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
