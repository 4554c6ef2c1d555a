/* run.h — pieces of lstm-run (public API only). */
#ifndef LSTM_RUN_H
#define LSTM_RUN_H

#include "lstm.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

typedef struct run_opts {
    double rtol, atol;
    int verbose;
    int stream;              /* > 0: feed the time axis in chunks of this many steps */
    const lstm_options *opt; /* limits for loading */
    int time_axis;           /* the axis of inputs and outputs that is time (default 0) */
    int check_allocs;        /* --check-allocs: a second run of each data set allocates nothing */
    int fail_allocs;         /* --fail-allocs: fail each allocation up to the first run in turn;
                             ** 2 (--fail-allocs-buffer): then each of lstm_model_open_buffer */
    FILE *out;               /* where a data set's report goes (NULL: stdout) */
    const char *const *carry_out, *const *carry_in; /* --carry OUT=IN (with --stream) */
    int n_carry;
    long *nomem_retries; /* non-NULL: a streamed call that ran out of memory (with a message) is
                         ** made again, and counted here (--fail-allocs with --stream) */
} run_opts;

#define RUN_MAX_ARGS 64

/* lstm_options.log for both modes: the library's warnings (a newer opset than it knows, nodes
** it cannot run) on stderr; errors are printed where they are returned. */
void run_log(void *ud, int level, const char *msg);

/* The run mode's command line. */
typedef struct run_cfg {
    const char *model;
    const char *input_names[RUN_MAX_ARGS], *input_files[RUN_MAX_ARGS];
    int n_inputs;
    const char *bundle; /* --inputs FILE.npz: every input by name */
    const char *dim_names[RUN_MAX_ARGS];
    int64_t dim_values[RUN_MAX_ARGS];
    int n_dims;
    const char *output_dir;
    int format_pb;
    int threads;
    unsigned long long seed;
    int bench;
    lstm_limits limits;
    int no_external_data;
    const char *trace_dir;    /* --trace DIR */
    int trace_batch;          /* --trace-batch B */
    int profile;              /* --profile: per-node times to stdout */
    const char *profile_json; /* --profile-json FILE */
    const char *carry_out[RUN_MAX_ARGS], *carry_in[RUN_MAX_ARGS]; /* --carry OUT=IN */
    int n_carry;
    int chunk;     /* --chunk K: feed the time axis K steps at a time */
    int context;   /* --context C: each chunk preceded by the C steps before it */
    int pad_last;  /* --pad-last: the last chunk padded with zeros to K steps */
    int stateless; /* --stateless: no lstm_session_set_streaming for the chunks */
    int time_axis; /* --time-axis A */
    const char *expect_names[RUN_MAX_ARGS], *expect_files[RUN_MAX_ARGS]; /* --expect NAME=FILE */
    int n_expect;
    const char *expect_bundle; /* --expect FILE.npz */
    double rtol, atol;         /* of --expect */
} run_cfg;

int run_model(const run_cfg *c);
/* Whether name is one of the --carry names names[0..n). */
int carried(const char *const *names, int n, const char *name);
/* Whether the model declares dim a of vi with a fixed size (so it is no time axis). */
int declared_fixed(const lstm_value_info *vi, int a);
/* The declaration of input (input 1) or output `name` in *vi; 0 when found. */
int find_decl(const lstm_model *m, int input, const char *name, lstm_value_info *vi);

/* --expect: the reference tensors, read before the run (run_expect.c). */
typedef struct expect_item {
    const char *name; /* the model's output */
    lstm_tensor want;
} expect_item;
typedef struct expect_list {
    expect_item *items;
    int n;
} expect_list;
/* The view of output `name` that --expect compares with want; 0 when there is one. */
typedef int (*expect_get)(void *ud, const char *name, const lstm_tensor *want, lstm_view *v);
/* Read c's --expect files; 0 on success, else 1 with a message on stderr. */
int expect_load(lstm_model *m, const run_cfg *c, expect_list *e);
/* Compare each reference with get's view and print the report; 1 when one differs. */
int expect_compare(const expect_list *e, lstm_model *m, const run_cfg *c, expect_get get, void *ud);
void expect_free(expect_list *e);

/* --chunk: run the bound inputs chunk by chunk (run_chunks.c); names[i] is ts[i]'s input,
** generated[i] whether it was generated (not read from a file). */
int run_chunked(lstm_model *m, lstm_session *s, const run_cfg *c, lstm_tensor *ts,
                const char **names, int nt, const unsigned char *generated,
                const expect_list *expect);
/* Print an output's type, shape, statistics and first values (note: NULL or a remark). */
void print_output(const char *name, const lstm_view *v, const char *note);
/* Write one output to --output-dir (created when missing) as NAME.npy or NAME.pb. */
int write_output(const run_cfg *c, const char *name, const lstm_view *v);

/* out = dir + "/" + name; -1 when it does not fit in n bytes. */
int path_join(char *out, size_t n, const char *dir, const char *name);
/* Read a whole file into a malloc'd buffer. NULL on failure (errno set). */
void *read_file(const char *path, size_t *len);
/* Element i of a tensor's data as double (float types converted; ints up to 32 bits exact). */
double elem_as_double(int dtype, const void *data, size_t i);
/* float32, float64, float16 or bfloat16 */
int is_float_type(int dtype);
/* An integer or bool element in full (int64 / uint64 do not fit a double). */
void int_str(char *buf, size_t n, int dtype, const void *data, size_t i);
/* Compare one output; prints the report line(s) and returns 1 when everything matches. */
int compare_output(FILE *f, const char *name, const lstm_view *got, const lstm_tensor *want,
                   const run_opts *o);
/* Run data set SETDIR (input_K.pb, output_K.pb) on s and compare; 1 when it passes. lib_rc
** (may be NULL) receives the library's status of binding and running (0 when both worked, -1
** when the data set could not be read and nothing was run). */
int run_data_set(lstm_model *m, lstm_session *s, const char *setdir, const run_opts *o,
                 int *lib_rc);

/* Allocator hooks that count the library's allocations and can fail one of them (run_allocs.c). */
typedef struct alloc_probe {
    atomic_long count;   /* allocations while armed */
    atomic_long fail_at; /* the allocation (from 1) that returns NULL; 0 for none */
    atomic_int armed;
} alloc_probe;
/* opt (NULL: defaults) with the probe's hooks, written to *buf; the probe starts disarmed. */
const lstm_options *probe_options(alloc_probe *p, const lstm_options *opt, lstm_options *buf);
/* --check-allocs: run SETDIR again; 1 (and a report) when that run fails or allocates. */
int rerun_allocates(lstm_model *m, lstm_session *s, const char *setdir, alloc_probe *p,
                    const run_opts *o);
/* --fail-allocs: for k = 1, 2, ... open DIR's model, a session and run data set SET with the
** k-th allocation failing, until k passes the last allocation. Each failure must be reported
** (status LSTM_ENOMEM and a message) and the next run on the session must pass; streamed, the
** failed call is made again and the outputs must match. With o->fail_allocs 2, then the same
** for opening the model with lstm_model_open_buffer. 1 on a fault. */
int fail_allocs_sweep(const char *dir, const char *set, alloc_probe *p, const run_opts *o);

/* Register o's --carry pairs on s; the library's status (the message printed to o->out). */
int carry_all(lstm_session *s, const run_opts *o);

/* Run one test-case folder (model.onnx + test_data_set_N, optionally tolerance.txt with the
** case's own "rtol R atol A"). Returns 0 pass, 1 fail. */
int run_test_case(const char *dir, const run_opts *o, int *sets_passed, int *sets_total);

#endif
