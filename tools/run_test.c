/* run_test.c — one ONNX test-case folder: model.onnx + test_data_set_N/{input,output}_K.pb.
** Inputs are matched by the tensor's name, else by position among the inputs without a
** default; outputs likewise. */
#define _POSIX_C_SOURCE 200809L
#include "run.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

void *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (n < cap) break;
        char *nb = realloc(buf, cap *= 2);
        if (!nb) free(buf);
        buf = nb;
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

/* out = dir + "/" + name; -1 when it does not fit. */
int path_join(char *out, size_t n, const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    if (a + 1 + b + 1 > n) return -1;
    memcpy(out, dir, a);
    out[a] = '/';
    memcpy(out + a + 1, name, b + 1);
    return 0;
}

static int read_pb(const char *path, lstm_tensor *t)
{
    size_t len;
    void *buf = read_file(path, &len);
    if (!buf) return -1;
    char err[512];
    int rc = lstm_tensor_read_pb(buf, len, t, err, sizeof err);
    free(buf);
    if (rc) fprintf(stderr, "  %s: %s: %s\n", path, lstm_errstr(rc), err);
    return rc ? -2 : 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the test_data_set_* folders (at most cap). */
static int list_sets(const char *dir, char **names, int cap)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < cap)
        if (strncmp(e->d_name, "test_data_set_", 14) == 0) names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp_str);
    return n;
}

/* Name of the k-th model input without a default, or NULL. */
static const char *positional_input(const lstm_model *m, int k)
{
    int c = lstm_model_input_count(m);
    for (int i = 0; i < c; i++) {
        lstm_value_info vi;
        if (lstm_model_input_info(m, i, &vi) || vi.has_default) continue;
        if (k-- == 0) return vi.name;
    }
    return NULL;
}

static int has_input(const lstm_model *m, const char *name)
{
    int c = lstm_model_input_count(m);
    for (int i = 0; i < c; i++) {
        lstm_value_info vi;
        if (!lstm_model_input_info(m, i, &vi) && strcmp(vi.name, name) == 0) return 1;
    }
    return 0;
}

/* ONNX 1.12 and earlier wrote bfloat16 test tensors with data_type UINT16 (the bits are
** bfloat16): read them as bfloat16 where the model says bfloat16. */
static void bf16_quirk(lstm_tensor *t, int model_dtype, const char *what)
{
    if (t->dtype == LSTM_DT_UINT16 && model_dtype == LSTM_DT_BFLOAT16) {
        printf("  note: %s is stored as uint16; read as bfloat16 (old ONNX test data)\n", what);
        t->dtype = LSTM_DT_BFLOAT16;
    }
}

static int input_dtype(const lstm_model *m, const char *name)
{
    int c = lstm_model_input_count(m);
    for (int i = 0; i < c; i++) {
        lstm_value_info vi;
        if (!lstm_model_input_info(m, i, &vi) && strcmp(vi.name, name) == 0) return vi.dtype;
    }
    return 0;
}

static const char *output_name(const lstm_model *m, const char *name, int k)
{
    int c = lstm_model_output_count(m);
    lstm_value_info vi;
    for (int i = 0; i < c; i++)
        if (!lstm_model_output_info(m, i, &vi) && strcmp(vi.name, name) == 0) return vi.name;
    if (k < c && !lstm_model_output_info(m, k, &vi)) return vi.name;
    return NULL;
}

static int run_set(lstm_model *m, lstm_session *s, const char *setdir, const run_opts *o)
{
    char path[4096];
    lstm_tensor in[64];
    int n_in = 0, ok = 1;
    for (; n_in < 64; n_in++) {
        char fn[32];
        snprintf(fn, sizeof fn, "input_%d.pb", n_in);
        int r = path_join(path, sizeof path, setdir, fn) ? -2 : read_pb(path, &in[n_in]);
        if (r == -1) break;
        if (r) {
            ok = 0;
            break;
        }
        const char *name = in[n_in].name[0] && has_input(m, in[n_in].name)
                               ? in[n_in].name
                               : positional_input(m, n_in);
        if (!name) {
            fprintf(stdout, "  input_%d.pb: the model has no input for it\n", n_in);
            ok = 0;
            n_in++;
            break;
        }
        bf16_quirk(&in[n_in], input_dtype(m, name), name);
        int rc = lstm_session_set_input(s, name, in[n_in].dtype, in[n_in].rank, in[n_in].dims,
                                        in[n_in].data, in[n_in].nbytes);
        if (rc) {
            fprintf(stdout, "  %s: %s\n", lstm_errstr(rc), lstm_session_errmsg(s));
            ok = 0;
            n_in++;
            break;
        }
    }
    if (ok) {
        int rc = lstm_session_run(s);
        if (rc) {
            fprintf(stdout, "  run failed: %s: %s\n", lstm_errstr(rc), lstm_session_errmsg(s));
            ok = 0;
        }
    }
    for (int k = 0; ok; k++) {
        lstm_tensor want;
        char fn[32];
        snprintf(fn, sizeof fn, "output_%d.pb", k);
        int r = path_join(path, sizeof path, setdir, fn) ? -2 : read_pb(path, &want);
        if (r == -1) {
            if (k == 0) {
                fprintf(stdout, "  no output_0.pb in %s\n", setdir);
                ok = 0;
            }
            break;
        }
        if (r) {
            ok = 0;
            break;
        }
        const char *name = output_name(m, want.name, k);
        lstm_view got;
        if (!name || lstm_session_output(s, name, &got)) {
            fprintf(stdout, "  output_%d.pb ('%s'): no such output in the model\n", k, want.name);
            ok = 0;
        } else if (bf16_quirk(&want, got.dtype, name), !compare_output(stdout, name, &got, &want, o)) {
            ok = 0;
        }
        lstm_tensor_clear(&want);
    }
    for (int i = 0; i < n_in; i++) lstm_tensor_clear(&in[i]);
    return ok;
}

int run_test_case(const char *dir, const run_opts *o, int *sets_passed, int *sets_total)
{
    char path[4096];
    printf("%s\n", dir);
    if (path_join(path, sizeof path, dir, "model.onnx")) {
        printf("  path too long\n");
        (*sets_total)++;
        return 1;
    }
    lstm_model *m = NULL;
    int rc = lstm_model_open(path, NULL, &m);
    if (rc) {
        printf("  cannot load model: %s: %s\n", lstm_errstr(rc), lstm_model_errmsg(m));
        lstm_model_close(m);
        (*sets_total)++;
        return 1;
    }
    lstm_session *s = NULL;
    rc = lstm_session_open(m, &s);
    if (rc) {
        printf("  cannot open a session: %s: %s\n", lstm_errstr(rc), lstm_session_errmsg(s));
        lstm_session_close(s);
        lstm_model_close(m);
        (*sets_total)++;
        return 1;
    }
    char *sets[256];
    int n = list_sets(dir, sets, 256), failed = 0;
    if (n == 0) {
        printf("  no test_data_set_* folder\n");
        failed = 1;
        (*sets_total)++;
    }
    for (int i = 0; i < n; i++) {
        printf(" %s\n", sets[i]);
        int ok = !path_join(path, sizeof path, dir, sets[i]) && run_set(m, s, path, o);
        (*sets_total)++;
        *sets_passed += ok;
        failed |= !ok;
        free(sets[i]);
    }
    lstm_session_close(s);
    lstm_model_close(m);
    printf("  %s\n", failed ? "FAIL" : "PASS");
    return failed;
}
