/* run_test.c — one ONNX test-case folder: model.onnx + test_data_set_N/{input,output}_K.pb.
** Inputs are matched by the tensor's name, else by position among the inputs without a
** default; outputs likewise. */
#define _POSIX_C_SOURCE 200809L
#include "run.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

/* read_file for a data set's file: -1 when it is not there (the end of the list), -2 (and a
** report on f) when it cannot be read. */
static void *read_set_file(const char *path, size_t *len, FILE *f, int *rc)
{
    void *buf = read_file(path, len);
    *rc = buf ? 0 : errno == ENOENT ? -1 : -2;
    if (*rc == -2) fprintf(f, "  cannot read %s: %s\n", path, strerror(errno));
    return buf;
}

/* Files PREFIX_J.pb with J > k in setdir: after PREFIX_k.pb is missing, a gap (reported on f;
** returns 1). */
static int after_gap(const char *setdir, const char *prefix, int k, FILE *f)
{
    DIR *d = opendir(setdir);
    if (!d) return 0;
    struct dirent *e;
    size_t pl = strlen(prefix);
    int gap = 0;
    while (!gap && (e = readdir(d))) {
        char *end;
        if (strncmp(e->d_name, prefix, pl) || e->d_name[pl] != '_') continue;
        long j = strtol(e->d_name + pl + 1, &end, 10);
        if (end != e->d_name + pl + 1 && strcmp(end, ".pb") == 0 && j > k) {
            fprintf(f,
                    "  %s/%s is there but %s_%d.pb is not: a data set's files are numbered "
                    "from 0 without gaps\n",
                    setdir, e->d_name, prefix, k);
            gap = 1;
        }
    }
    closedir(d);
    return gap;
}

static int read_pb(const char *path, lstm_tensor *t)
{
    size_t len;
    int r;
    void *buf = read_set_file(path, &len, stderr, &r);
    if (!buf) return r;
    char err[512];
    int rc = lstm_tensor_read_pb(buf, len, t, err, sizeof err);
    free(buf);
    if (rc) fprintf(stderr, "  %s: %s: %s\n", path, lstm_errstr(rc), err);
    return rc ? -2 : 0;
}

/* A .pb file holding a TensorProto, SequenceProto or OptionalProto (proto: LSTM_PB_*). */
static int read_value(const char *path, int proto, lstm_value *v)
{
    size_t len;
    int r;
    void *buf = read_set_file(path, &len, stdout, &r);
    if (!buf) return r;
    char err[512];
    int rc = lstm_value_read_pb(buf, len, proto, v, err, sizeof err);
    free(buf);
    if (rc) fprintf(stdout, "  %s: %s: %s\n", path, lstm_errstr(rc), err);
    return rc ? -2 : 0;
}

/* The message a declared kind is stored as. */
static int proto_of(int kind)
{
    return kind == LSTM_VALUE_SEQUENCE   ? LSTM_PB_SEQUENCE
           : kind == LSTM_VALUE_OPTIONAL ? LSTM_PB_OPTIONAL
                                         : LSTM_PB_TENSOR;
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

/* Declared kind (LSTM_VALUE_*) of input or output `name` (by position k when absent). */
static int decl_kind(const lstm_model *m, int input, const char *name)
{
    int c = input ? lstm_model_input_count(m) : lstm_model_output_count(m);
    lstm_value_info vi;
    for (int i = 0; name && i < c; i++)
        if (!(input ? lstm_model_input_info(m, i, &vi) : lstm_model_output_info(m, i, &vi)) &&
            strcmp(vi.name, name) == 0)
            return vi.kind;
    return LSTM_VALUE_TENSOR;
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

/* Bytes of one step along axis a (the product of the dims after it, times the element size)
** and the number of blocks before it. */
static void axis_split(const int64_t *dims, int rank, int a, size_t es, size_t *inner,
                       size_t *outer)
{
    *inner = es;
    *outer = 1;
    for (int i = a + 1; i < rank; i++) *inner *= (size_t)dims[i];
    for (int i = 0; i < a; i++) *outer *= (size_t)dims[i];
}

/* Copy steps [t0, t0+n) of src (time length T on axis a) into dst. */
static void slice_time(void *dst, const void *src, const int64_t *dims, int rank, int a, size_t es,
                       int64_t T, int64_t t0, int64_t n)
{
    size_t inner, outer;
    axis_split(dims, rank, a, es, &inner, &outer);
    for (size_t o = 0; o < outer; o++)
        memcpy((char *)dst + o * (size_t)n * inner,
               (const char *)src + (o * (size_t)T + (size_t)t0) * inner, (size_t)n * inner);
}

int declared_fixed(const lstm_value_info *vi, int a)
{
    return vi->kind == LSTM_VALUE_TENSOR && a < vi->rank && vi->dims[a] >= 0 && !vi->dim_names[a];
}

int find_decl(const lstm_model *m, int input, const char *name, lstm_value_info *vi)
{
    int n = input ? lstm_model_input_count(m) : lstm_model_output_count(m);
    for (int i = 0; i < n; i++)
        if (!(input ? lstm_model_input_info(m, i, vi) : lstm_model_output_info(m, i, vi)) &&
            strcmp(vi->name, name) == 0)
            return 0;
    memset(vi, 0, sizeof *vi);
    vi->rank = -1;
    return -1;
}

/* Whether declared dim a of input (input 1) or output `name` is a fixed size: no time axis. */
static int fixed_axis(const lstm_model *m, int input, const char *name, int a)
{
    lstm_value_info vi;
    return !find_decl(m, input, name, &vi) && declared_fixed(&vi, a);
}

int carried(const char *const *names, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0) return 1;
    return 0;
}

int carry_all(lstm_session *s, const run_opts *o)
{
    for (int i = 0; i < o->n_carry; i++) {
        int rc = lstm_session_carry(s, o->carry_out[i], o->carry_in[i]);
        if (rc) {
            fprintf(o->out, "  --carry %s=%s: %s\n", o->carry_out[i], o->carry_in[i],
                    lstm_session_errmsg(s));
            return rc;
        }
    }
    return LSTM_OK;
}

/* With --fail-allocs: rc is a call's status; when it ran out of memory and said so, the caller
** makes the call again (the sweep fails one allocation only). */
static int retry(lstm_session *s, int rc, const run_opts *o)
{
    if (rc != LSTM_ENOMEM || !o->nomem_retries) return 0;
    const char *msg = lstm_session_errmsg(s);
    if (!msg || !*msg) {
        fprintf(o->out, "  out of memory, without a message\n");
        return 0;
    }
    ++*o->nomem_retries;
    return 1;
}

/* --stream K: the inputs whose time axis has the length T go in chunks of K steps (the first
** chunk is one step, so that the second grows the shapes while state is carried); outputs
** with the time axis are put back together, the others come from the last chunk. Inputs that
** receive a carried output (--carry) are bound for the first chunk only. */
static int run_streamed(const lstm_model *m, lstm_session *s, lstm_tensor *in, const char **names,
                        int n_in, lstm_tensor *want, const char **outs, int n_out,
                        const run_opts *o)
{
    int a = o->time_axis;
    int64_t T = -1;
    unsigned char cut[64];
    for (int i = 0; i < n_in; i++) {
        cut[i] = in[i].rank > a && !carried(o->carry_in, o->n_carry, names[i]) &&
                 !fixed_axis(m, 1, names[i], a);
        if (cut[i] && T < 0) T = in[i].dims[a];
    }
    if (T < 0) {
        fprintf(o->out, "  --stream: no input has an axis %d\n", a);
        return 0;
    }
    lstm_view got[64];
    void *acc[64] = {0};
    int ok = 1;
    if (lstm_session_set_streaming(s, 1)) return 0;
    for (int k = 0; k < n_out; k++)
        if (want[k].rank > a && want[k].dims[a] == T &&
            !carried(o->carry_out, o->n_carry, outs[k]) && !fixed_axis(m, 0, outs[k], a) &&
            !(acc[k] = malloc(want[k].nbytes + 1)))
            ok = 0;
    int64_t t0 = 0;
    while (ok && t0 < T) {
        int64_t n = T - t0 < o->stream ? T - t0 : o->stream;
        if (t0 == 0 && T > n) n = 1; /* then the shapes grow while state is carried */
        void *bufs[64] = {0};
        for (int i = 0; i < n_in && ok; i++) {
            lstm_tensor *t = &in[i];
            size_t es = lstm_dtype_size(t->dtype);
            if (carried(o->carry_in, o->n_carry, names[i]) && t0 > 0) continue;
            int chunked = cut[i] && t->dims[a] == T;
            int64_t dims[LSTM_MAX_RANK];
            memcpy(dims, t->dims, sizeof dims);
            const void *data = t->data;
            size_t bytes = t->nbytes;
            if (chunked) {
                dims[a] = n;
                bytes = t->nbytes / (size_t)T * (size_t)n;
                bufs[i] = malloc(bytes + 1);
                if (!bufs[i])
                    ok = 0;
                else
                    slice_time(bufs[i], t->data, t->dims, t->rank, a, es, T, t0, n);
                data = bufs[i];
            }
            int rc =
                ok ? lstm_session_set_input(s, names[i], t->dtype, t->rank, dims, data, bytes) : 0;
            if (retry(s, rc, o))
                rc = lstm_session_set_input(s, names[i], t->dtype, t->rank, dims, data, bytes);
            if (rc) {
                fprintf(o->out, "  %s\n", lstm_session_errmsg(s));
                ok = 0;
            }
        }
        int rc = ok ? lstm_session_run(s) : 0;
        if (retry(s, rc, o)) rc = lstm_session_run(s);
        if (rc) {
            fprintf(o->out, "  run failed (steps %lld..%lld): %s\n", (long long)t0,
                    (long long)(t0 + n - 1), lstm_session_errmsg(s));
            ok = 0;
        }
        for (int k = 0; ok && k < n_out; k++) {
            if (lstm_session_output(s, outs[k], &got[k])) {
                fprintf(o->out, "  output '%s': %s\n", outs[k], lstm_session_errmsg(s));
                ok = 0;
                break;
            }
            if (!acc[k]) continue;
            size_t es = lstm_dtype_size(got[k].dtype), inner, outer;
            axis_split(want[k].dims, want[k].rank, a, es, &inner, &outer);
            if (got[k].rank != want[k].rank || got[k].dims[a] != n ||
                got[k].dtype != want[k].dtype) {
                fprintf(o->out, "  output '%s' of a chunk does not have %lld steps on axis %d\n",
                        outs[k], (long long)n, a);
                ok = 0;
                break;
            }
            for (size_t b = 0; b < outer; b++)
                memcpy((char *)acc[k] + (b * (size_t)T + (size_t)t0) * inner,
                       (const char *)got[k].data + b * (size_t)n * inner, (size_t)n * inner);
        }
        for (int i = 0; i < n_in; i++) free(bufs[i]);
        t0 += n;
    }
    for (int k = 0; ok && k < n_out; k++) {
        lstm_view v = got[k];
        if (acc[k]) {
            memcpy(v.dims, want[k].dims, sizeof v.dims);
            v.data = acc[k];
            v.nbytes = want[k].nbytes;
        }
        if (!compare_output(o->out, outs[k], &v, &want[k], o)) ok = 0;
    }
    for (int k = 0; k < n_out; k++) free(acc[k]);
    return ok;
}

/* Bind a value read from a file to input `name`. */
static int bind_value(lstm_session *s, const char *name, lstm_value *v)
{
    if (v->kind == LSTM_VALUE_NONE) return lstm_session_set_input_none(s, name);
    if (v->kind == LSTM_VALUE_TENSOR)
        return lstm_session_set_input(s, name, v->tensor.dtype, v->tensor.rank, v->tensor.dims,
                                      v->tensor.data, v->tensor.nbytes);
    lstm_view *items = calloc((size_t)v->count + 1, sizeof *items);
    if (!items) return LSTM_ENOMEM;
    for (int i = 0; i < v->count; i++) {
        const lstm_tensor *t = &v->items[i];
        items[i].dtype = t->dtype;
        items[i].rank = t->rank;
        memcpy(items[i].dims, t->dims, sizeof t->dims);
        items[i].data = t->data;
        items[i].nbytes = t->nbytes;
    }
    int rc = lstm_session_set_input_sequence(s, name, v->count, items);
    free(items);
    return rc;
}

/* Compare output `name` with the value read from its file. */
static int compare_value(lstm_session *s, const char *name, lstm_value *want, const run_opts *o)
{
    int kind = lstm_session_output_kind(s, name);
    static const char *const kinds[] = {"a tensor", "a sequence", "an empty optional"};
    if (kind < 0 || kind != want->kind) {
        fprintf(o->out, "  output '%s': got %s, expected %s\n", name,
                kind < 0 ? "nothing" : kinds[kind], kinds[want->kind]);
        return 0;
    }
    if (kind == LSTM_VALUE_NONE) {
        fprintf(o->out, "  output '%s': an empty optional -> ok\n", name);
        return 1;
    }
    lstm_view got;
    if (kind == LSTM_VALUE_TENSOR) {
        if (lstm_session_output(s, name, &got)) return 0;
        bf16_quirk(&want->tensor, got.dtype, name);
        return compare_output(o->out, name, &got, &want->tensor, o);
    }
    int n = 0, ok = 1;
    lstm_session_output_sequence(s, name, &n);
    if (n != want->count) {
        fprintf(o->out, "  output '%s': a sequence of %d tensors, expected %d\n", name, n,
                want->count);
        return 0;
    }
    for (int i = 0; i < n; i++) {
        char item[300];
        snprintf(item, sizeof item, "%s[%d]", name, i);
        if (lstm_session_output_item(s, name, i, &got)) return 0;
        ok &= compare_output(o->out, item, &got, &want->items[i], o);
    }
    if (n == 0) fprintf(o->out, "  output '%s': an empty sequence -> ok\n", name);
    return ok;
}

int run_data_set(lstm_model *m, lstm_session *s, const char *setdir, const run_opts *o, int *lib_rc)
{
    char path[4096];
    lstm_tensor in[64];
    lstm_value vals[64];
    const char *in_names[64];
    int n_in = 0, ok = 1;
    if (lib_rc) *lib_rc = -1; /* not bound and run (the data set could not be read) */
    memset(in, 0, sizeof in);
    memset(vals, 0, sizeof vals);
    for (; n_in < 64; n_in++) {
        char fn[32];
        snprintf(fn, sizeof fn, "input_%d.pb", n_in);
        const char *pos = positional_input(m, n_in);
        int r = path_join(path, sizeof path, setdir, fn)
                    ? -2
                    : read_value(path, o->stream ? LSTM_PB_TENSOR : proto_of(decl_kind(m, 1, pos)),
                                 &vals[n_in]);
        if (r == -1) {
            if (after_gap(setdir, "input", n_in, o->out)) ok = 0;
            break;
        }
        if (r) {
            ok = 0;
            break;
        }
        /* Streaming feeds tensors in slices: keep them as tensors. */
        in[n_in] = vals[n_in].tensor;
        in[n_in].name = vals[n_in].name;
        const char *name =
            vals[n_in].name[0] && has_input(m, vals[n_in].name) ? vals[n_in].name : pos;
        if (!name) {
            fprintf(o->out, "  input_%d.pb: the model has no input for it\n", n_in);
            ok = 0;
            n_in++;
            break;
        }
        if (vals[n_in].kind == LSTM_VALUE_TENSOR) {
            bf16_quirk(&vals[n_in].tensor, input_dtype(m, name), name);
            in[n_in].dtype = vals[n_in].tensor.dtype;
        }
        in_names[n_in] = name;
    }
    if (ok && o->stream) {
        lstm_tensor want[64];
        const char *outs[64];
        int n_out = 0;
        for (; ok && n_out < 64; n_out++) {
            char fn[32];
            snprintf(fn, sizeof fn, "output_%d.pb", n_out);
            int r = path_join(path, sizeof path, setdir, fn) ? -2 : read_pb(path, &want[n_out]);
            if (r == -1) {
                if (after_gap(setdir, "output", n_out, o->out)) ok = 0;
                break;
            }
            if (r) {
                ok = 0;
                break;
            }
            outs[n_out] = output_name(m, want[n_out].name, n_out);
            if (!outs[n_out]) {
                fprintf(o->out, "  output_%d.pb: no such output in the model\n", n_out);
                lstm_tensor_clear(&want[n_out]);
                ok = 0;
                break;
            }
            bf16_quirk(&want[n_out], want[n_out].dtype, outs[n_out]);
        }
        if (ok && lib_rc) *lib_rc = 0; /* read: a failure now is in the report */
        if (ok) ok = run_streamed(m, s, in, in_names, n_in, want, outs, n_out, o);
        for (int k = 0; k < n_out; k++) lstm_tensor_clear(&want[k]);
        for (int i = 0; i < n_in; i++) lstm_value_clear(&vals[i]);
        return ok;
    }
    if (ok) {
        int rc = LSTM_OK;
        for (int i = 0; i < n_in && !rc; i++) {
            rc = bind_value(s, in_names[i], &vals[i]);
            if (rc) fprintf(o->out, "  %s: %s\n", lstm_errstr(rc), lstm_session_errmsg(s));
        }
        if (!rc) rc = lstm_session_run(s);
        if (lib_rc) *lib_rc = rc;
        if (rc) {
            fprintf(o->out, "  run failed: %s: %s\n", lstm_errstr(rc), lstm_session_errmsg(s));
            ok = 0;
        }
    }
    for (int k = 0; ok; k++) {
        lstm_value want;
        char fn[32];
        snprintf(fn, sizeof fn, "output_%d.pb", k);
        const char *pos = output_name(m, "", k);
        int r = path_join(path, sizeof path, setdir, fn)
                    ? -2
                    : read_value(path, proto_of(decl_kind(m, 0, pos)), &want);
        if (r == -1) {
            if (k == 0) {
                fprintf(o->out, "  no output_0.pb in %s\n", setdir);
                ok = 0;
            } else if (after_gap(setdir, "output", k, o->out)) {
                ok = 0;
            }
            break;
        }
        if (r) {
            ok = 0;
            break;
        }
        const char *name = output_name(m, want.name, k);
        if (!name || lstm_session_output_kind(s, name) < 0) {
            fprintf(o->out, "  output_%d.pb ('%s'): no such output in the model\n", k, want.name);
            ok = 0;
        } else if (!compare_value(s, name, &want, o)) {
            ok = 0;
        }
        lstm_value_clear(&want);
    }
    for (int i = 0; i < n_in; i++) lstm_value_clear(&vals[i]);
    return ok;
}

/* A case's own tolerances: "rtol R atol A" in DIR/tolerance.txt replace the command line's.
** Returns 0 when there is no such file, -1 when it cannot be read. */
static int case_tolerance(const char *dir, run_opts *o)
{
    char path[4096];
    if (path_join(path, sizeof path, dir, "tolerance.txt")) return -1;
    FILE *f = fopen(path, "r");
    if (!f) return errno == ENOENT ? 0 : -1;
    double r, a;
    int n = fscanf(f, " rtol %lf atol %lf", &r, &a);
    fclose(f);
    if (n != 2 || !(r >= 0) || !(a >= 0)) return -1;
    o->rtol = r;
    o->atol = a;
    printf("  tolerance.txt: rtol %g atol %g\n", r, a);
    return 1;
}

int run_test_case(const char *dir, const run_opts *o_in, int *sets_passed, int *sets_total)
{
    char path[4096];
    run_opts case_o = *o_in;
    const run_opts *o = &case_o;
    if (!case_o.out) case_o.out = stdout;
    printf("%s\n", dir);
    if (case_tolerance(dir, &case_o) < 0) {
        printf("  tolerance.txt: expected \"rtol R atol A\" with numbers >= 0\n");
        (*sets_total)++;
        return 1;
    }
    if (path_join(path, sizeof path, dir, "model.onnx")) {
        printf("  path too long\n");
        (*sets_total)++;
        return 1;
    }
    char *sets[256];
    int n = list_sets(dir, sets, 256), failed = 0;
    alloc_probe probe;
    lstm_options popt;
    if (o->check_allocs || o->fail_allocs) case_o.opt = probe_options(&probe, o->opt, &popt);
    if (o->fail_allocs && n > 0 && fail_allocs_sweep(dir, sets[0], &probe, o)) {
        (*sets_total)++;
        failed = 1;
        goto done;
    }
    lstm_model *m = NULL;
    int rc = lstm_model_open(path, o->opt, &m);
    if (rc) {
        printf("  cannot load model: %s: %s\n", lstm_errstr(rc), lstm_model_errmsg(m));
        lstm_model_close(m);
        (*sets_total)++;
        failed = 1;
        goto done;
    }
    lstm_session *s = NULL;
    rc = lstm_session_open(m, &s);
    if (rc) {
        printf("  cannot open a session: %s: %s\n", lstm_errstr(rc), lstm_session_errmsg(s));
        lstm_session_close(s);
        lstm_model_close(m);
        (*sets_total)++;
        failed = 1;
        goto done;
    }
    if (carry_all(s, o)) {
        lstm_session_close(s);
        lstm_model_close(m);
        (*sets_total)++;
        failed = 1;
        goto done;
    }
    if (n == 0) {
        printf("  no test_data_set_* folder\n");
        failed = 1;
        (*sets_total)++;
    }
    for (int i = 0; i < n; i++) {
        printf(" %s\n", sets[i]);
        int ok = !path_join(path, sizeof path, dir, sets[i]) && run_data_set(m, s, path, o, NULL);
        if (ok && o->check_allocs) ok = !rerun_allocates(m, s, path, &probe, o);
        (*sets_total)++;
        *sets_passed += ok;
        failed |= !ok;
    }
    lstm_session_close(s);
    lstm_model_close(m);
done:
    for (int i = 0; i < n; i++) free(sets[i]);
    printf("  %s\n", failed ? "FAIL" : "PASS");
    return failed;
}
