/* test_registry.c — one row per (domain, op_type, since); highest since <= opset wins; every
** row has differential cases (tests/data/diff/manifest.json). */
#include "test_util.h"
#include "ops/registry.h"

#include <stdio.h>
#include <stdlib.h>

#ifndef DIFF_MANIFEST
#error "DIFF_MANIFEST (the path of tests/data/diff/manifest.json) must be defined"
#endif

static void resolution(void **state)
{
    (void)state;
    static const struct {
        int64_t opset;
        int since;
    } cases[] = {{7, 7}, {13, 7}, {14, 14}, {21, 14}, {22, 22}, {30, 22}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lstm__diag d;
        lstm__diag_clear(&d);
        const lstm__op *op = lstm__registry_find("", "LSTM", cases[i].opset, &d);
        assert_non_null(op);
        assert_int_equal(op->since, cases[i].since);
        op = lstm__registry_find("ai.onnx", "GRU", cases[i].opset, &d);
        assert_non_null(op);
        assert_int_equal(op->since, cases[i].since);
    }
    lstm__diag d;
    lstm__diag_clear(&d);
    const lstm__op *gru = lstm__registry_find("", "GRU", 6, &d);
    assert_non_null(gru);
    assert_int_equal(gru->since, 3);
    gru = lstm__registry_find("", "GRU", 2, &d);
    assert_non_null(gru);
    assert_int_equal(gru->since, 1);
    assert_null(lstm__registry_find("", "Attention", 22, &d));
    assert_int_equal(d.code, LSTM_EUNSUPPORTED);
    assert_non_null(strstr(d.msg, "Attention at opset 22: the operator first appears at opset 23"));
    lstm__diag_clear(&d);
    assert_null(lstm__registry_find("com.example", "LSTM", 14, &d));
    assert_non_null(strstr(d.msg, "no implementation of com.example.LSTM"));
    lstm__diag_clear(&d);
    assert_null(lstm__registry_find("", "Frobnicate", 14, &d));
    assert_non_null(strstr(d.msg, "no implementation of Frobnicate"));
}

static void table_is_sorted_and_unique(void **state)
{
    (void)state;
    for (int i = 1; i < lstm__registry_count(); i++) {
        const lstm__op *a = lstm__registry_row(i - 1), *b = lstm__registry_row(i);
        int c = strcmp(a->domain, b->domain);
        if (!c) c = strcmp(a->op_type, b->op_type);
        if (!c) c = a->since - b->since;
        if (c >= 0)
            print_error("rows %d and %d: %s-%d, %s-%d\n", i - 1, i, a->op_type, a->since,
                        b->op_type, b->since);
        assert_true(c < 0);
    }
    assert_null(lstm__registry_row(-1));
    assert_null(lstm__registry_row(lstm__registry_count()));
}

/* Nodes get a verdict: the reason they cannot run, or NULL. */
static void verdicts(void **state)
{
    (void)state;
    tb_model *m = tb_new(8, 22);
    tb_input(m, "X", F32, 3, D3(2, 1, 3), NULL);
    tb_node(m, "Attention", "old", "X,X,X", "Y");
    tb_node(m, "Frobnicate", "f", "Y", "Z");
    tb_output(m, "Z", F32, -1, NULL, NULL);
    lstm__graph *g;
    lstm__diag d;
    assert_int_equal(tu_import(m, NULL, &g, &d), LSTM_OK);
    assert_null(g->nodes[0].op);
    assert_non_null(strstr(g->nodes[0].support, "Attention at opset 22"));
    assert_non_null(strstr(g->nodes[1].support, "no implementation of Frobnicate"));
    lstm__graph_free(g);
    tb_free(m);
}

/* ---- differential coverage ----
** make_diff_cases.py writes the manifest one case (or row) per line: {"op": ..., "version": N,
** ...} for cases, {"op": ..., "since": N, "until": M|null, "versions": {"V": count}} for rows. */
typedef struct dcase {
    char op[64];
    long version;
} dcase;

/* The value of "key": in line: a string into out (returns 1) or a number into *num. */
static int json_str(const char *line, const char *key, char *out, size_t n)
{
    char pat[80];
    snprintf(pat, sizeof pat, "\"%s\": \"", key);
    const char *p = strstr(line, pat);
    if (!p) return 0;
    p += strlen(pat);
    size_t k = 0;
    while (p[k] && p[k] != '"' && k + 1 < n) k++;
    memcpy(out, p, k);
    out[k] = 0;
    return p[k] == '"';
}

static int json_long(const char *line, const char *key, long *num)
{
    char pat[80];
    snprintf(pat, sizeof pat, "\"%s\": ", key);
    const char *p = strstr(line, pat);
    if (!p) return 0;
    char *end;
    *num = strtol(p + strlen(pat), &end, 10);
    return end != p + strlen(pat);
}

static int count_cases(const dcase *c, int n, const char *op, long lo, long hi)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        if (strcmp(c[i].op, op) == 0 && c[i].version >= lo && (hi < 0 || c[i].version < hi)) k++;
    return k;
}

/* Every registry row has a differential case whose operator version lies in [since, the next
** row's since); every version the generator listed for the row has cases; and the manifest's
** rows are the registry's (a row added to ops.def without regenerating fails here). */
static void differential_coverage(void **state)
{
    (void)state;
    FILE *f = fopen(DIFF_MANIFEST, "r");
    if (!f) print_error("cannot open %s\n", DIFF_MANIFEST);
    assert_non_null(f);
    static dcase cases[20000];
    static char rows[512][1024];
    int n = 0, nrows = 0;
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        dcase c;
        if (!json_str(line, "op", c.op, sizeof c.op)) continue;
        if (json_long(line, "version", &c.version)) {
            assert_true(n < (int)(sizeof cases / sizeof cases[0]));
            cases[n++] = c;
        } else if (strstr(line, "\"since\": ")) {
            assert_true(nrows < 512 && strlen(line) < sizeof rows[0]);
            strcpy(rows[nrows++], line);
        }
    }
    fclose(f);
    int missing = 0;
    for (int i = 0; i < lstm__registry_count(); i++) {
        const lstm__op *r = lstm__registry_row(i), *next = lstm__registry_row(i + 1);
        long hi = next && !strcmp(next->domain, r->domain) && !strcmp(next->op_type, r->op_type)
                      ? next->since
                      : -1;
        /* Cases name the op_type only: com.microsoft's rows have names of their own. */
        int k = count_cases(cases, n, r->op_type, r->since, hi);
        if (k == 0) {
            char upto[24] = "inf";
            if (hi >= 0) snprintf(upto, sizeof upto, "%ld", hi);
            print_error("registry row %s%s%s since %d: no differential case with a version in "
                        "[%d, %s) in %s (add an entry to tests/gen/diff_ops.py and run "
                        "tests/gen/make_diff_cases.py)\n",
                        r->domain, r->domain[0] ? "." : "", r->op_type, r->since, r->since, upto,
                        DIFF_MANIFEST);
            missing++;
        }
        /* The manifest row for this registry row, and each version it lists. */
        int found = 0;
        for (int j = 0; j < nrows && !found; j++) {
            char op[64];
            long since;
            if (!json_str(rows[j], "op", op, sizeof op) || strcmp(op, r->op_type) ||
                !json_long(rows[j], "since", &since) || since != r->since)
                continue;
            found = 1;
            const char *p = strstr(rows[j], "\"versions\": {");
            for (p = p ? strchr(p, '{') : NULL; p && (p = strchr(p, '"'));) {
                long v = strtol(p + 1, NULL, 10);
                if (count_cases(cases, n, op, v, v + 1) == 0) {
                    print_error("%s version %ld (row since %d): no differential case\n", op, v,
                                r->since);
                    missing++;
                }
                p = strchr(p + 1, '"');
                if (p) p++;
            }
        }
        if (!found) {
            print_error("registry row %s since %d is not in %s: regenerate it\n", r->op_type,
                        r->since, DIFF_MANIFEST);
            missing++;
        }
    }
    if (nrows != lstm__registry_count()) {
        print_error("%s lists %d rows, the registry has %d: regenerate it\n", DIFF_MANIFEST, nrows,
                    lstm__registry_count());
        missing++;
    }
    assert_true(n > 0);
    assert_int_equal(missing, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(resolution),
        cmocka_unit_test(table_is_sorted_and_unique),
        cmocka_unit_test(verdicts),
        cmocka_unit_test(differential_coverage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
