/*
** run_model.c — `lstm-run MODEL`: bind inputs from files (or generate them), run, print every
** output (and write them with --output-dir), or time it with --bench. Public API only.
*/
#define _POSIX_C_SOURCE 200809L
#include "run.h"
#include "heatmap.h"
#include "measure.h"
#include "tensor_io.h"
#include "trace.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>

static uint64_t rng_next(uint64_t *s)
{
    *s += 0x9e3779b97f4a7c15ull; /* splitmix64 */
    uint64_t z = *s;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Value of a --dim SYMBOL=VALUE, or -1. */
static int64_t dim_value(const run_cfg *c, const char *sym)
{
    for (int i = 0; i < c->n_dims; i++)
        if (strcmp(c->dim_names[i], sym) == 0) return c->dim_values[i];
    return -1;
}

/* x (a multiple of 1/128 in [-1, 1]: exact in both) as float16 or bfloat16. */
static uint16_t half_of(float x, int dtype)
{
    uint32_t b;
    memcpy(&b, &x, sizeof b);
    if (dtype == LSTM_DT_BFLOAT16) return (uint16_t)(b >> 16);
    uint32_t sign = (b >> 16) & 0x8000u, e = (b >> 23) & 0xffu;
    if (e == 0) return (uint16_t)sign; /* zero */
    return (uint16_t)(sign | ((e - 127 + 15) << 10) | ((b >> 13) & 0x3ffu));
}

/* Generate a seeded random tensor for input vi: floats in [-1, 1] (float16 and bfloat16 in steps
** of 1/128), integers in {0, 1}, bools. */
static int generate(const run_cfg *c, const lstm_value_info *vi, uint64_t *seed, lstm_tensor *t)
{
    memset(t, 0, sizeof *t);
    if (vi->rank < 0) {
        fprintf(stderr, "lstm-run: input '%s' has no declared shape; give it with --input\n",
                vi->name);
        return 1;
    }
    size_t es = lstm_dtype_size(vi->dtype);
    if (!es) {
        fprintf(stderr,
                "lstm-run: input '%s' has type %s, which cannot be generated; give it "
                "with --input\n",
                vi->name, lstm_dtype_name(vi->dtype));
        return 1;
    }
    t->dtype = vi->dtype;
    t->rank = vi->rank;
    size_t n = 1;
    for (int i = 0; i < vi->rank; i++) {
        int64_t d = vi->dims[i];
        if (d < 0) d = vi->dim_names[i] ? dim_value(c, vi->dim_names[i]) : -1;
        if (d < 0) { /* like onnxruntime_perf_test -I: a free dimension is 1 */
            printf("note: input '%s' dimension %d ('%s') set to 1 (use --dim %s=N)\n", vi->name, i,
                   vi->dim_names[i] ? vi->dim_names[i] : "?",
                   vi->dim_names[i] ? vi->dim_names[i] : "SYMBOL");
            d = 1;
        }
        t->dims[i] = d;
        n *= (size_t)d;
    }
    t->nbytes = n * es;
    t->data = malloc(t->nbytes ? t->nbytes : 1);
    t->name = strdup(vi->name);
    if (!t->data || !t->name) return 1;
    for (size_t i = 0; i < n; i++) {
        double u = (double)(rng_next(seed) >> 11) / 9007199254740992.0;
        switch (t->dtype) {
        case LSTM_DT_FLOAT:
            ((float *)t->data)[i] = (float)(2 * u - 1);
            break;
        case LSTM_DT_DOUBLE:
            ((double *)t->data)[i] = 2 * u - 1;
            break;
        case LSTM_DT_FLOAT16:
        case LSTM_DT_BFLOAT16:
            ((uint16_t *)t->data)[i] = half_of((float)floor(256 * u - 128) / 128, t->dtype);
            break;
        default: { /* integers of any width and bool: 0 or 1, the whole element */
            const uint64_t v = u < 0.5 ? 0 : 1;
            if (es == 8) ((uint64_t *)t->data)[i] = v;
            if (es == 4) ((uint32_t *)t->data)[i] = (uint32_t)v;
            if (es == 2) ((uint16_t *)t->data)[i] = (uint16_t)v;
            if (es == 1) ((uint8_t *)t->data)[i] = (uint8_t)v;
            break;
        }
        }
    }
    return 0;
}

/* Whether integer element i is below element j (exactly: a double rounds 64-bit ones). */
static int int_less(int dtype, const void *data, size_t i, size_t j)
{
    if (dtype == LSTM_DT_INT64) return ((const int64_t *)data)[i] < ((const int64_t *)data)[j];
    if (dtype == LSTM_DT_UINT64) return ((const uint64_t *)data)[i] < ((const uint64_t *)data)[j];
    return elem_as_double(dtype, data, i) < elem_as_double(dtype, data, j);
}

void print_output(const char *name, const lstm_view *v, const char *note)
{
    size_t es = lstm_dtype_size(v->dtype), n = es ? v->nbytes / es : 0;
    if (note)
        printf("%s (%s): %s [", name, note, lstm_dtype_name(v->dtype));
    else
        printf("%s: %s [", name, lstm_dtype_name(v->dtype));
    for (int i = 0; i < v->rank; i++) printf("%s%lld", i ? ", " : "", (long long)v->dims[i]);
    const int fl = is_float_type(v->dtype);
    double mn = INFINITY, mx = -INFINITY, sum = 0;
    size_t imn = 0, imx = 0; /* integers: where the min and max are */
    for (size_t i = 0; i < n; i++) {
        double x = elem_as_double(v->dtype, v->data, i);
        sum += x;
        if (fl) {
            if (x < mn) mn = x;
            if (x > mx) mx = x;
        } else {
            if (int_less(v->dtype, v->data, i, imn)) imn = i;
            if (int_less(v->dtype, v->data, imx, i)) imx = i;
        }
    }
    printf("]");
    char a[32], b[32];
    if (n && fl) printf("  min %.6g  max %.6g  mean %.6g", mn, mx, sum / (double)n);
    if (n && !fl) { /* integers in full: int64 and uint64 do not fit a double */
        int_str(a, sizeof a, v->dtype, v->data, imn);
        int_str(b, sizeof b, v->dtype, v->data, imx);
        printf("  min %s  max %s  mean %.6g", a, b, sum / (double)n);
    }
    printf("\n  [");
    for (size_t i = 0; i < n && i < 8; i++) {
        if (fl)
            snprintf(a, sizeof a, "%.6g", elem_as_double(v->dtype, v->data, i));
        else
            int_str(a, sizeof a, v->dtype, v->data, i);
        printf("%s%s", i ? ", " : "", a);
    }
    printf("%s]\n", n > 8 ? ", ..." : "");
}

/* Bind a sequence or optional input from a .pb file holding a SequenceProto or OptionalProto.
** The values are kept until the process ends (the session reads them at every run). */
static int bind_value_file(lstm_session *s, const lstm_value_info *vi, const char *file)
{
    static lstm_value kept[64];
    static int nkept;
    size_t len;
    void *buf = read_file(file, &len);
    char err[600];
    if (!buf || nkept >= 64) {
        fprintf(stderr, "lstm-run: input '%s': cannot read '%s'\n", vi->name, file);
        free(buf);
        return 1;
    }
    lstm_value *v = &kept[nkept++];
    int rc = lstm_value_read_pb(
        buf, len, vi->kind == LSTM_VALUE_SEQUENCE ? LSTM_PB_SEQUENCE : LSTM_PB_OPTIONAL, v, err,
        sizeof err);
    free(buf);
    if (rc) {
        fprintf(stderr, "lstm-run: input '%s': %s: %s\n", vi->name, lstm_errstr(rc), err);
        return 1;
    }
    if (v->kind == LSTM_VALUE_NONE) {
        rc = lstm_session_set_input_none(s, vi->name);
    } else if (v->kind == LSTM_VALUE_TENSOR) {
        rc = lstm_session_set_input(s, vi->name, v->tensor.dtype, v->tensor.rank, v->tensor.dims,
                                    v->tensor.data, v->tensor.nbytes);
    } else {
        lstm_view *items = calloc((size_t)v->count + 1, sizeof *items);
        for (int i = 0; items && i < v->count; i++) {
            items[i] = (lstm_view){.dtype = v->items[i].dtype,
                                   .rank = v->items[i].rank,
                                   .data = v->items[i].data,
                                   .nbytes = v->items[i].nbytes};
            memcpy(items[i].dims, v->items[i].dims, sizeof items[i].dims);
        }
        rc = items ? lstm_session_set_input_sequence(s, vi->name, v->count, items) : LSTM_ENOMEM;
        free(items);
    }
    if (rc) fprintf(stderr, "lstm-run: %s\n", lstm_session_errmsg(s));
    return rc != 0;
}

/* The size a symbolic dimension has in the inputs read from files so far, or -1. */
static int64_t symbol_from_files(lstm_model *m, const lstm_tensor *ts, const char **names, int nt,
                                 const char *sym)
{
    int count = lstm_model_input_count(m);
    for (int i = 0; i < nt; i++)
        for (int j = 0; j < count; j++) {
            lstm_value_info vi;
            if (lstm_model_input_info(m, j, &vi) || strcmp(vi.name, names[i]) != 0) continue;
            for (int d = 0; d < vi.rank && d < ts[i].rank; d++)
                if (vi.dim_names[d] && strcmp(vi.dim_names[d], sym) == 0) return ts[i].dims[d];
        }
    return -1;
}

static int has_name(char **list, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(list[i], name) == 0) return 1;
    return 0;
}

static int is_output(lstm_model *m, const char *name)
{
    lstm_value_info vi;
    for (int j = 0; j < lstm_model_output_count(m); j++)
        if (!lstm_model_output_info(m, j, &vi) && strcmp(vi.name, name) == 0) return 1;
    return 0;
}

/* The members of the --inputs archive in *keys (NULL and 0 without one), checked: an archive
** that cannot be read is an error; a member that is neither an input nor an output of the model
** (reference outputs may ride along) gets a warning. Returns 0 on success. */
static int bundle_keys(lstm_model *m, const run_cfg *c, char ***keys, int *n)
{
    char err[600];
    *keys = NULL;
    *n = 0;
    if (!c->bundle) return 0;
    if (tio_npz_keys(c->bundle, keys, n, err, sizeof err)) {
        fprintf(stderr, "lstm-run: --inputs: %s\n", err);
        return 1;
    }
    for (int k = 0; k < *n; k++) {
        lstm_value_info vi;
        int input = 0;
        for (int j = 0; j < lstm_model_input_count(m); j++)
            input |= !lstm_model_input_info(m, j, &vi) && strcmp(vi.name, (*keys)[k]) == 0;
        if (!input && !is_output(m, (*keys)[k]))
            fprintf(stderr,
                    "lstm-run: warning: --inputs %s: member '%s' is neither an input nor an "
                    "output of the model; ignored\n",
                    c->bundle, (*keys)[k]);
    }
    return 0;
}

/* bind_inputs' work, with the archive's members in keys. */
static int bind_all(lstm_model *m, lstm_session *s, const run_cfg *c, lstm_tensor *ts,
                    const char **names, int *nt, unsigned char *generated, char **keys, int n_keys)
{
    uint64_t seed = c->seed;
    int count = lstm_model_input_count(m);
    char err[600];
    *nt = 0;
    for (int i = 0; i < c->n_inputs; i++) {
        lstm_value_info vi;
        int found = 0;
        for (int j = 0; j < count; j++)
            if (!lstm_model_input_info(m, j, &vi) && strcmp(vi.name, c->input_names[i]) == 0)
                found = 1;
        if (!found) {
            fprintf(stderr, "lstm-run: --input %s: the model has no input named '%s'\n",
                    c->input_names[i], c->input_names[i]);
            return 1;
        }
    }
    for (int k = 0; k < c->n_dims; k++) { /* a --dim for no symbol is a mistake */
        char syms[300] = "";
        size_t o = 0;
        int found = 0;
        for (int j = 0; j < count && !found; j++) {
            lstm_value_info vi;
            if (lstm_model_input_info(m, j, &vi)) continue;
            for (int d = 0; d < vi.rank && d < LSTM_MAX_RANK; d++) {
                const char *nm = vi.dim_names[d];
                if (!nm) continue;
                found |= strcmp(nm, c->dim_names[k]) == 0;
                char tok[300];
                snprintf(tok, sizeof tok, "%s,", nm);
                char all[310];
                snprintf(all, sizeof all, "%s,", syms);
                int listed = !strncmp(all, tok, strlen(tok));
                snprintf(tok, sizeof tok, " %s,", nm);
                listed |= strstr(all, tok) != NULL;
                if (!listed && o < sizeof syms)
                    o += (size_t)snprintf(syms + o, sizeof syms - o, "%s%s", o ? ", " : "", nm);
            }
        }
        if (!found) {
            fprintf(stderr,
                    "lstm-run: --dim %s: no input of the model has a dimension named '%s' "
                    "(%s%s)\n",
                    c->dim_names[k], c->dim_names[k],
                    o ? "its symbols: "
                      : "it has no symbolic "
                        "dimensions",
                    syms);
            return 1;
        }
    }
    for (int pass = 0; pass < 2; pass++)
        for (int j = 0; j < count; j++) {
            lstm_value_info vi;
            lstm_model_input_info(m, j, &vi);
            const char *file = NULL;
            for (int i = 0; i < c->n_inputs; i++)
                if (strcmp(c->input_names[i], vi.name) == 0) file = c->input_files[i];
            lstm_tensor *t = &ts[*nt];
            if (pass == 0 && file && vi.kind != LSTM_VALUE_TENSOR) {
                /* A sequence or optional from a .pb file (SequenceProto / OptionalProto). */
                int rc = bind_value_file(s, &vi, file);
                if (rc) return 1;
                names[(*nt)] = vi.name;
                memset(t, 0, sizeof *t);
                generated[(*nt)++] = 0;
                continue;
            }
            if (pass == 0) { /* the inputs from files */
                if (file) {
                    size_t fl = strlen(file);
                    int npz = fl > 4 && strcmp(file + fl - 4, ".npz") == 0;
                    if (tio_read(file, npz ? vi.name : NULL, t, err, sizeof err)) {
                        fprintf(stderr, "lstm-run: input '%s': %s\n", vi.name, err);
                        return 1;
                    }
                } else if (!has_name(keys, n_keys, vi.name)) {
                    continue;
                } else if (tio_read(c->bundle, vi.name, t, err, sizeof err)) {
                    fprintf(stderr, "lstm-run: input '%s': %s\n", vi.name, err);
                    return 1;
                }
                generated[*nt] = 0;
            } else { /* the others: generated */
                int done = 0;
                for (int i = 0; i < *nt; i++) done |= strcmp(names[i], vi.name) == 0;
                if (done || vi.has_default) continue;
                if (vi.kind == LSTM_VALUE_OPTIONAL) {
                    printf("input '%s': an optional, bound to no value (give one with --input "
                           "%s=FILE.pb, an OptionalProto)\n",
                           vi.name, vi.name);
                    if (lstm_session_set_input_none(s, vi.name)) return 1;
                    memset(t, 0, sizeof *t);
                    generated[*nt] = 1;
                    names[(*nt)++] = vi.name;
                    continue;
                }
                if (vi.kind == LSTM_VALUE_SEQUENCE) {
                    fprintf(stderr,
                            "lstm-run: input '%s' is a sequence of tensors: give it with "
                            "--input %s=FILE.pb (a SequenceProto)\n",
                            vi.name, vi.name);
                    return 1;
                }
                run_cfg cc = *c;
                for (int d = 0; d < vi.rank; d++) {
                    int64_t v = vi.dim_names[d] && dim_value(c, vi.dim_names[d]) < 0
                                    ? symbol_from_files(m, ts, names, *nt, vi.dim_names[d])
                                    : -1;
                    if (v >= 0 && cc.n_dims < RUN_MAX_ARGS) {
                        cc.dim_names[cc.n_dims] = vi.dim_names[d];
                        cc.dim_values[cc.n_dims++] = v;
                    }
                }
                if (generate(&cc, &vi, &seed, t)) return 1;
                printf("generated input '%s': %s [", vi.name, lstm_dtype_name(t->dtype));
                for (int d = 0; d < t->rank; d++)
                    printf("%s%lld", d ? ", " : "", (long long)t->dims[d]);
                printf("] (seed %llu)%s\n", (unsigned long long)c->seed,
                       c->bundle ? ", not in --inputs" : "");
                generated[*nt] = 1;
            }
            names[(*nt)++] = vi.name;
            int rc =
                lstm_session_set_input(s, vi.name, t->dtype, t->rank, t->dims, t->data, t->nbytes);
            if (rc) {
                fprintf(stderr, "lstm-run: %s\n", lstm_session_errmsg(s));
                return 1;
            }
        }
    return 0;
}

/* Bind every input: --input files (by name), an .npz bundle (keys = input names), else
** generated (a symbolic dimension takes --dim, else its size in the inputs read from files,
** else 1); generated[i] tells which of ts[i] were. Returns 0 on success. */
static int bind_inputs(lstm_model *m, lstm_session *s, const run_cfg *c, lstm_tensor *ts,
                       const char **names, int *nt, unsigned char *generated)
{
    char **keys;
    int n_keys, rc = bundle_keys(m, c, &keys, &n_keys);
    if (!rc) rc = bind_all(m, s, c, ts, names, nt, generated, keys, n_keys);
    for (int k = 0; k < n_keys; k++) free(keys[k]);
    free(keys);
    return rc;
}

int write_output(const run_cfg *c, const char *name, const lstm_view *v)
{
    struct stat st;
    if (stat(c->output_dir, &st) != 0 && mkdir(c->output_dir, 0777) != 0) {
        fprintf(stderr, "lstm-run: cannot create '%s': %s\n", c->output_dir, strerror(errno));
        return 1;
    }
    char fn[300], path[4096], err[600];
    size_t k = 0;
    for (const char *p = name; *p && k < 200; p++)
        fn[k++] = (*p == '/' || *p == '\\' || *p == ':') ? '_' : *p;
    snprintf(fn + k, sizeof fn - k, c->format_pb ? ".pb" : ".npy");
    if (path_join(path, sizeof path, c->output_dir, fn) ||
        (c->format_pb ? tio_write_pb(path, name, v, err, sizeof err)
                      : tio_write_npy(path, v, err, sizeof err))) {
        fprintf(stderr, "lstm-run: %s\n", err);
        return 1;
    }
    printf("wrote %s\n", path);
    return 0;
}

/* An output that cannot be read after a successful run: the library's message, exit 1. */
static int output_failed(lstm_session *s)
{
    fprintf(stderr, "lstm-run: %s\n", lstm_session_errmsg(s));
    return 1;
}

/* A sequence output, or an empty optional: a SequenceProto / OptionalProto with --format pb,
** else one NAME_i.npy per tensor (an empty optional: nothing to write). */
static int write_value(lstm_session *s, const run_cfg *c, const lstm_value_info *vi, int kind)
{
    char path[4096], fn[300], err[600];
    int count = 0;
    if (kind == LSTM_VALUE_SEQUENCE && lstm_session_output_sequence(s, vi->name, &count))
        return output_failed(s);
    lstm_view *items = calloc((size_t)count + 1, sizeof *items);
    if (!items) return 1;
    for (int i = 0; i < count; i++)
        if (lstm_session_output_item(s, vi->name, i, &items[i])) {
            free(items);
            return output_failed(s);
        }
    int rc = 0;
    size_t k = 0;
    for (const char *p = vi->name; *p && k < 200; p++)
        fn[k++] = (*p == '/' || *p == '\\' || *p == ':') ? '_' : *p;
    fn[k] = '\0';
    if (c->format_pb) {
        snprintf(fn + k, sizeof fn - k, ".pb");
        rc = path_join(path, sizeof path, c->output_dir, fn) ||
             tio_write_pb_value(path, vi->name, kind, vi->kind == LSTM_VALUE_OPTIONAL, count, items,
                                err, sizeof err);
        if (!rc) printf("wrote %s\n", path);
    } else if (kind == LSTM_VALUE_NONE) {
        printf("%s holds no value: nothing written (use --format pb for an OptionalProto)\n",
               vi->name);
    } else {
        for (int i = 0; i < count && !rc; i++) {
            snprintf(fn + k, sizeof fn - k, "_%d.npy", i);
            rc = path_join(path, sizeof path, c->output_dir, fn) ||
                 tio_write_npy(path, &items[i], err, sizeof err);
            if (!rc) printf("wrote %s\n", path);
        }
    }
    if (rc) fprintf(stderr, "lstm-run: %s\n", err);
    free(items);
    return rc;
}

static int write_outputs(lstm_model *m, lstm_session *s, const run_cfg *c)
{
    int n = lstm_model_output_count(m);
    for (int i = 0; i < n; i++) {
        lstm_value_info vi;
        lstm_view v;
        lstm_model_output_info(m, i, &vi);
        int kind = lstm_session_output_kind(s, vi.name);
        if (kind < 0) return output_failed(s);
        if (kind == LSTM_VALUE_TENSOR && !lstm_session_output(s, vi.name, &v) &&
            vi.kind == LSTM_VALUE_TENSOR) {
            if (write_output(c, vi.name, &v)) return 1;
        } else if (kind >= 0) {
            struct stat st;
            if (stat(c->output_dir, &st) != 0 && mkdir(c->output_dir, 0777) != 0) {
                fprintf(stderr, "lstm-run: cannot create '%s'\n", c->output_dir);
                return 1;
            }
            if (kind == LSTM_VALUE_TENSOR) {
                /* an optional holding a tensor */
                if (c->format_pb) {
                    char path[4096], err[600], fn[300];
                    snprintf(fn, sizeof fn, "%.200s.pb", vi.name);
                    if (path_join(path, sizeof path, c->output_dir, fn) ||
                        tio_write_pb_value(path, vi.name, kind, 1, 1, &v, err, sizeof err))
                        return 1;
                    printf("wrote %s\n", path);
                } else if (write_output(c, vi.name, &v)) {
                    return 1;
                }
            } else if (write_value(s, c, &vi, kind)) {
                return 1;
            }
        }
    }
    return 0;
}

/* Print every output (run_model); 1 when one cannot be read. */
static int print_outputs(lstm_model *m, lstm_session *s)
{
    int n = lstm_model_output_count(m);
    for (int i = 0; i < n; i++) {
        lstm_value_info vi;
        lstm_view v;
        lstm_model_output_info(m, i, &vi);
        int kind = lstm_session_output_kind(s, vi.name), count = 0;
        if (kind < 0) return output_failed(s);
        if (kind == LSTM_VALUE_TENSOR) {
            if (lstm_session_output(s, vi.name, &v)) return output_failed(s);
            print_output(vi.name, &v, NULL);
        } else if (kind == LSTM_VALUE_NONE) {
            printf("%s: an optional without value\n", vi.name);
        } else if (kind == LSTM_VALUE_SEQUENCE) {
            if (lstm_session_output_sequence(s, vi.name, &count)) return output_failed(s);
            printf("%s: a sequence of %d tensors\n", vi.name, count);
            for (int k = 0; k < count; k++) {
                char item[300];
                snprintf(item, sizeof item, "%s[%d]", vi.name, k);
                if (lstm_session_output_item(s, vi.name, k, &v)) return output_failed(s);
                print_output(item, &v, NULL);
            }
        }
    }
    return 0;
}

static void write_stdout(void *ud, const char *data, size_t len)
{
    (void)ud;
    fwrite(data, 1, len, stdout);
}

static void write_file(void *ud, const char *data, size_t len)
{
    fwrite(data, 1, len, (FILE *)ud);
}

/* --profile / --profile-json: the per-node times of the runs since profiling was turned on. */
static int report_profile(lstm_session *s, const run_cfg *c)
{
    if (c->profile) lstm_session_profile(s, LSTM_DESCRIBE_TEXT, write_stdout, NULL);
    if (!c->profile_json) return 0;
    FILE *f = fopen(c->profile_json, "w");
    if (!f) {
        fprintf(stderr, "lstm-run: cannot write '%s': %s\n", c->profile_json, strerror(errno));
        return 1;
    }
    lstm_session_profile(s, LSTM_DESCRIBE_JSON, write_file, f);
    if (fclose(f) != 0) {
        fprintf(stderr, "lstm-run: cannot write '%s'\n", c->profile_json);
        return 1;
    }
    return 0;
}

static int session_view(void *ud, const char *name, const lstm_tensor *want, lstm_view *v)
{
    (void)want;
    return lstm_session_output(ud, name, v) != LSTM_OK;
}

void run_log(void *ud, int level, const char *msg)
{
    (void)ud;
    if (level == LSTM_LOG_WARN) fprintf(stderr, "lstm-run: warning: %s\n", msg);
}

int run_model(const run_cfg *c)
{
    lstm_options opt = {.size = sizeof(lstm_options),
                        .log = run_log,
                        .num_threads = c->threads,
                        .limits = c->limits,
                        .no_external_data = c->no_external_data};
    lstm_model *m = NULL;
    lstm_session *s = NULL;
    lstm_tensor ts[64];
    const char *names[64];
    unsigned char generated[64];
    int nt = 0, status = 1, trace_failed = 0;
    trace_ctx tc = {.dir = c->trace_dir, .batch = c->trace_batch};
    expect_list ex = {0};
    double t0 = measure_now_ms();
    int rc = lstm_model_open(c->model, &opt, &m);
    double load_ms = measure_now_ms() - t0;
    if (rc) {
        fprintf(stderr, "lstm-run: %s: %s: %s\n", c->model, lstm_errstr(rc), lstm_model_errmsg(m));
        goto done;
    }
    if (lstm_model_input_count(m) > 64) {
        fprintf(stderr, "lstm-run: models with more than 64 inputs are not supported\n");
        goto done;
    }
    if ((rc = lstm_session_open(m, &s))) {
        fprintf(stderr, "lstm-run: %s: %s\n", lstm_errstr(rc), lstm_session_errmsg(s));
        goto done;
    }
    if (expect_load(m, c, &ex) || bind_inputs(m, s, c, ts, names, &nt, generated)) goto done;
    if (c->chunk > 0) {
        status = run_chunked(m, s, c, ts, names, nt, generated, &ex);
        goto done;
    }
    if (c->trace_dir) {
        struct stat st;
        if (stat(c->trace_dir, &st) != 0 && mkdir(c->trace_dir, 0777) != 0) {
            fprintf(stderr, "lstm-run: cannot create '%s': %s\n", c->trace_dir, strerror(errno));
            goto done;
        }
        lstm_session_set_trace(s, trace_gate, &tc);
    }
    /* Profiled: the one run, or the timed runs after the warm-up. */
    if ((c->profile || c->profile_json) && !c->bench) lstm_session_set_profiling(s, 1);
    t0 = measure_now_ms();
    rc = lstm_session_run(s);
    double first_ms = measure_now_ms() - t0;
    if (rc) {
        fprintf(stderr, "lstm-run: %s: %s\n", lstm_errstr(rc), lstm_session_errmsg(s));
        goto done;
    }
    /* The gates of the first run; the --bench runs are not traced. */
    if (c->trace_dir) {
        trace_failed = trace_write(&tc);
        lstm_session_set_trace(s, NULL, NULL);
    }
    if (c->bench > 0) {
        double *lat = malloc(sizeof(double) * (size_t)c->bench);
        if (!lat) goto done;
        double total = 0;
        if (c->profile || c->profile_json) lstm_session_set_profiling(s, 1);
        for (int i = 0; i < c->bench; i++) {
            t0 = measure_now_ms();
            rc = lstm_session_run(s);
            lat[i] = measure_now_ms() - t0;
            total += lat[i];
            if (rc) {
                fprintf(stderr, "lstm-run: %s\n", lstm_session_errmsg(s));
                free(lat);
                goto done;
            }
        }
        measure_sort(lat, (size_t)c->bench);
        int n = c->bench;
        printf("model_load_ms %.3f\nfirst_run_ms %.3f\n", load_ms, first_ms);
        /* Percentile p: the element at floor(p * (n - 1)) of the sorted latencies. */
        printf("latency_ms min=%.4f median=%.4f p90=%.4f p99=%.4f max=%.4f\n", lat[0],
               lat[(n - 1) / 2], lat[(int)(0.90 * (n - 1))], lat[(int)(0.99 * (n - 1))],
               lat[n - 1]);
        printf("runs %d  runs_per_s %.2f\npeak_rss_kb %ld\nthreads %d (OpenBLAS %d)\nkernels: %s\n",
               n, total > 0 ? n / (total / 1e3) : 0.0, measure_peak_rss_kb(),
               c->threads > 0 ? c->threads : 1, lstm_num_threads(), lstm_kernels());
        free(lat);
        status = report_profile(s, c);
        /* The last run's outputs: written with --output-dir, compared with --expect. */
        if (c->output_dir && write_outputs(m, s, c)) status = 1;
        if (expect_compare(&ex, m, c, session_view, s)) status = 1;
        goto done;
    }
    if (print_outputs(m, s)) goto done;
    status = c->output_dir ? write_outputs(m, s, c) : 0;
    if (report_profile(s, c)) status = 1;
    if (expect_compare(&ex, m, c, session_view, s)) status = 1;
done:
    if (trace_failed) status = 1;
    trace_free(&tc);
    expect_free(&ex);
    for (int i = 0; i < nt; i++) lstm_tensor_clear(&ts[i]);
    lstm_session_close(s);
    lstm_model_close(m);
    return status;
}
