/* test_util.h — helpers shared by the CMocka tests. */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "import.h"
#include "kernel.h"
#include "ops/registry.h"
#include "onnx_builder.h"

/* Import a built model from memory (no external data folder unless dir is given), then resolve
** its nodes as a model load does (parse every node's attributes). */
static inline int tu_import(tb_model *m, const char *dir, lstm__graph **g, lstm__diag *d)
{
    size_t len;
    const uint8_t *buf = tb_pack(m, &len);
    lstm__diag_clear(d);
    int rc = lstm__import_buffer(buf, len, NULL, dir, g, d);
    return rc ? rc : lstm__registry_resolve(*g, d);
}

/* The import fails with `code` and a message that contains `needle`. */
#define assert_refused(m, code, needle)                                                            \
    do {                                                                                           \
        lstm__graph *g_ = NULL;                                                                    \
        lstm__diag d_;                                                                             \
        int rc_ = tu_import(m, NULL, &g_, &d_);                                                    \
        if (rc_ != (code) || !strstr(d_.msg, needle))                                              \
            print_error("got %d '%s', expected %d with '%s'\n", rc_, d_.msg, (int)(code), needle); \
        assert_int_equal(rc_, code);                                                               \
        assert_non_null(strstr(d_.msg, needle));                                                   \
        lstm__graph_free(g_);                                                                      \
    } while (0)

#define D3(a, b, c) ((const int64_t[]){a, b, c})
#define D2(a, b)    ((const int64_t[]){a, b})
#define D1(a)       ((const int64_t[]){a})

enum { F32 = 1, I8 = 3, I32 = 6, I64 = 7 };

#endif
