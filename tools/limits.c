/* limits.c — see limits.h. */
#include "limits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const limits_help =
    "  --limit NAME=VALUE   resource limit (0 keeps the default): max_file_bytes (2 GiB),\n"
    "                       max_depth (64), max_decode_bytes (64 x file + 64 MiB),\n"
    "                       max_tensor_bytes (2 GiB), max_weight_bytes (4 GiB), max_nodes\n"
    "                       (1000000), max_name_bytes (4096), max_run_bytes (8 GiB)\n"
    "  --no-external-data   refuse tensors stored in external files\n";

int parse_limit(const char *arg, lstm_limits *l)
{
    const char *eq = strchr(arg, '=');
    char *end;
    unsigned long long v = eq ? strtoull(eq + 1, &end, 10) : 0;
    if (!eq || !eq[1] || *end || eq[1] == '-') {
        fprintf(stderr, "--limit needs NAME=VALUE with a number, got '%s'\n", arg);
        return 1;
    }
    size_t n = (size_t)(eq - arg);
#define LIM(field, max)                                                                            \
    if (n == sizeof #field - 1 && strncmp(arg, #field, n) == 0) {                                  \
        if (v > (max)) {                                                                           \
            fprintf(stderr, "--limit %s: %llu is too large\n", #field, v);                         \
            return 1;                                                                              \
        }                                                                                          \
        l->field = (__typeof__(l->field))v;                                                        \
        return 0;                                                                                  \
    }
    LIM(max_file_bytes, UINT64_MAX)
    LIM(max_depth, 100000)
    LIM(max_decode_bytes, UINT64_MAX)
    LIM(max_tensor_bytes, UINT64_MAX)
    LIM(max_weight_bytes, UINT64_MAX)
    LIM(max_nodes, 100000000)
    LIM(max_name_bytes, 1u << 30)
    LIM(max_run_bytes, UINT64_MAX)
#undef LIM
    fprintf(stderr, "--limit: unknown limit '%.*s'\n", (int)n, arg);
    return 1;
}
