/*
** lstm-run — run ONNX models.
**   lstm-run --test DIR [--rtol R] [--atol A]
** DIR is a test case (model.onnx + test_data_set_N/) or a folder of them. Every output is
** compared with |got - expected| <= atol + rtol*|expected| (NaN matches NaN); exit 0 only if
** everything matches. Uses the public API (lstm.h) only.
*/
#define _POSIX_C_SOURCE 200809L
#include "run.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: lstm-run --test DIR [--rtol R] [--atol A]\n"
               "\n"
               "  --test DIR   run an ONNX test case (model.onnx + test_data_set_N/) or every\n"
               "               test case in the folder DIR, and compare the outputs\n"
               "  --rtol R     relative tolerance (default 1e-3)\n"
               "  --atol A     absolute tolerance (default 1e-5)\n"
               "  --version    print the library version\n"
               "\n"
               "exit status: 0 everything matched, 1 a mismatch or an error, 2 usage error\n");
}

static int is_case(const char *dir)
{
    char p[4096];
    struct stat st;
    return !path_join(p, sizeof p, dir, "model.onnx") && stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int parse_double(const char *s, double *out)
{
    char *end;
    *out = strtod(s, &end);
    return *s && !*end && *out >= 0;
}

int main(int argc, char **argv)
{
    const char *test = NULL;
    run_opts o = {.rtol = 1e-3, .atol = 1e-5};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--version") == 0) {
            printf("lstm-run %s\n", lstm_version());
            return 0;
        } else if (strcmp(a, "--test") == 0 && i + 1 < argc) {
            test = argv[++i];
        } else if (strcmp(a, "--rtol") == 0 && i + 1 < argc) {
            if (!parse_double(argv[++i], &o.rtol)) {
                fprintf(stderr, "lstm-run: --rtol needs a number >= 0, got '%s'\n", argv[i]);
                return 2;
            }
        } else if (strcmp(a, "--atol") == 0 && i + 1 < argc) {
            if (!parse_double(argv[++i], &o.atol)) {
                fprintf(stderr, "lstm-run: --atol needs a number >= 0, got '%s'\n", argv[i]);
                return 2;
            }
        } else {
            fprintf(stderr, "lstm-run: unknown or incomplete option '%s'\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (!test) {
        usage(stderr);
        return 2;
    }
    int passed = 0, total = 0, failed_cases = 0, cases = 0;
    if (is_case(test)) {
        cases = 1;
        failed_cases = run_test_case(test, &o, &passed, &total);
    } else {
        DIR *d = opendir(test);
        if (!d) {
            fprintf(stderr, "lstm-run: '%s' is neither a test case nor a folder of them\n", test);
            return 1;
        }
        char **names = NULL;
        int n = 0;
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.') continue;
            char **nn = realloc(names, sizeof *names * (size_t)(n + 1));
            if (!nn) break;
            names = nn;
            names[n++] = strdup(e->d_name);
        }
        closedir(d);
        qsort(names, (size_t)n, sizeof *names, cmp_str);
        for (int i = 0; i < n; i++) {
            char p[4096];
            if (!path_join(p, sizeof p, test, names[i]) && is_case(p)) {
                cases++;
                failed_cases += run_test_case(p, &o, &passed, &total);
            }
            free(names[i]);
        }
        free(names);
        if (cases == 0) {
            fprintf(stderr, "lstm-run: no test case (folder with model.onnx) in '%s'\n", test);
            return 1;
        }
    }
    printf("%d passed, %d failed\n", cases - failed_cases, failed_cases);
    return failed_cases ? 1 : 0;
}
