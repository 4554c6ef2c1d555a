/* test_core.c — error slots, the pool, dtype tables and status strings. */
#include "test_util.h"
#include "dtype.h"

#include <stdlib.h>

static void errf_first_wins_and_sanitizes(void **state)
{
    (void)state;
    lstm__diag d;
    lstm__diag_clear(&d);
    assert_int_equal(lstm__errf(&d, LSTM_EMODEL, "bad name '%s'", "a\nb\x01"), LSTM_EMODEL);
    assert_string_equal(d.msg, "bad name 'a?b?'");
    assert_int_equal(lstm__errf(&d, LSTM_EIO, "second"), LSTM_EMODEL);
    assert_string_equal(d.msg, "bad name 'a?b?'");
    char big[2000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    lstm__diag_clear(&d);
    lstm__errf(&d, LSTM_EIO, "%s", big);
    assert_int_equal(strlen(d.msg), LSTM__MSG_MAX - 1);
}

static int fail_after = -1, allocs = 0;
static void *counting_alloc(void *ud, size_t n)
{
    (void)ud;
    if (fail_after >= 0 && allocs >= fail_after) return NULL;
    allocs++;
    return malloc(n);
}
static void counting_free(void *ud, void *p)
{
    (void)ud;
    free(p);
}

static void pool_alignment_and_failure(void **state)
{
    (void)state;
    lstm_options opt = {
        .size = sizeof(lstm_options), .alloc = counting_alloc, .free = counting_free};
    lstm__alloc a;
    lstm__alloc_init(&a, &opt);
    lstm__pool p;
    lstm__pool_init(&p, &a);
    for (int i = 0; i < 100; i++) {
        unsigned char *b = lstm__pool_alloc(&p, (size_t)i * 37);
        assert_non_null(b);
        assert_int_equal((uintptr_t)b % 64, 0);
        for (int k = 0; k < i * 37; k++) assert_int_equal(b[k], 0);
        memset(b, 0xab, (size_t)i * 37);
    }
    void *big = lstm__pool_alloc(&p, 1 << 20);
    assert_non_null(big);
    assert_non_null(lstm__pool_alloc(&p, 16)); /* the head chunk still has room */
    /* Weights of LSTM__HUGE bytes and more start on an LSTM__HUGE boundary, zeroed. */
    unsigned char *huge = lstm__pool_alloc(&p, LSTM__HUGE + 100);
    assert_non_null(huge);
    assert_int_equal((uintptr_t)huge % LSTM__HUGE, 0);
    for (size_t k = 0; k < LSTM__HUGE + 100; k += 4093) assert_int_equal(huge[k], 0);
    assert_null(lstm__pool_array(&p, SIZE_MAX / 2, 4));
    char *s = lstm__pool_strndup(&p, "hello", 3);
    assert_string_equal(s, "hel");
    lstm__pool_free(&p);
    fail_after = allocs;
    lstm__pool_init(&p, &a);
    assert_null(lstm__pool_alloc(&p, 10));
    lstm__pool_free(&p);
    fail_after = -1;
}

static void dtypes_and_status(void **state)
{
    (void)state;
    assert_int_equal(lstm__dtype_size(LSTM_DT_FLOAT), 4);
    assert_int_equal(lstm__dtype_size(LSTM_DT_FLOAT16), 2);
    assert_int_equal(lstm__dtype_size(LSTM_DT_STRING), 0);
    assert_int_equal(lstm__dtype_size(-1), 0);
    assert_int_equal(lstm__dtype_size(1000), 0);
    assert_string_equal(lstm__dtype_name(LSTM_DT_INT64), "int64");
    assert_string_equal(lstm__dtype_name(17), "float8e4m3fn");
    assert_string_equal(lstm__dtype_name(99), "unknown");
    assert_string_equal(lstm__dtype_onnx_name(LSTM_DT_BFLOAT16), "BFLOAT16");
    for (int s = 0; s <= LSTM_EABORTED; s++) {
        assert_non_null(lstm_errstr(s));
        assert_string_not_equal(lstm_errstr(s), "unknown status");
    }
    assert_string_equal(lstm_errstr(-3), "unknown status");
    assert_string_equal(lstm_version(), "0.3.0");
}

static void checked_products(void **state)
{
    (void)state;
    size_t s;
    int64_t i;
    assert_true(lstm__mul_size(1000, 1000, &s) && s == 1000000);
    assert_false(lstm__mul_size(SIZE_MAX, 2, &s));
    assert_false(lstm__mul_i64(INT64_MAX, 2, &i));
    assert_true(lstm__mul_i64(-3, 4, &i) && i == -12);
}

/* lstm__pool_reset keeps the chunks: the same blocks again allocate nothing and come zeroed;
** a larger one still gets a chunk; lstm__pool_free frees the kept ones too (ASan). */
static void pool_reset_reuses_chunks(void **state)
{
    (void)state;
    lstm_options opt = {
        .size = sizeof(lstm_options), .alloc = counting_alloc, .free = counting_free};
    lstm__alloc a;
    lstm__alloc_init(&a, &opt);
    lstm__pool p;
    lstm__pool_init(&p, &a);
    static const size_t sizes[] = {100, 200000, 5000, 70000, 60000, 3};
    for (int round = 0; round < 3; round++) {
        int before = allocs;
        for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
            unsigned char *b = lstm__pool_alloc(&p, sizes[i]);
            assert_non_null(b);
            assert_int_equal((uintptr_t)b % 64, 0);
            for (size_t k = 0; k < sizes[i]; k += 97) assert_int_equal(b[k], 0);
            memset(b, 0xcd, sizes[i]);
        }
        if (round > 0) assert_int_equal(allocs, before);
        lstm__pool_reset(&p);
        assert_int_equal(p.used_total, 0);
        assert_true(p.spare_total >= 200000 + 70000);
    }
    int before = allocs;
    assert_non_null(lstm__pool_alloc(&p, 300000));
    assert_int_equal(allocs, before + 1);
    lstm__pool_free(&p);
    assert_null(p.spare);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(errf_first_wins_and_sanitizes),
        cmocka_unit_test(pool_alignment_and_failure),
        cmocka_unit_test(pool_reset_reuses_chunks),
        cmocka_unit_test(dtypes_and_status),
        cmocka_unit_test(checked_products),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
