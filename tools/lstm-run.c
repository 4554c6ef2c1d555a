/*
** lstm-run — run ONNX models (public API only).
**   lstm-run MODEL [--input NAME=FILE]... [--inputs FILE.npz] [--dim SYMBOL=VALUE]...
**                  [--output-dir DIR [--format npy|pb]] [--threads N] [--seed S] [--bench N]
**                  [--profile] [--profile-json FILE] [--expect FILE.npz] [--expect NAME=FILE]...
**                  [--rtol R] [--atol A] ...
**   lstm-run --test DIR [--rtol R] [--atol A] [--stream K [--time-axis A] [--carry OUT=IN]...]
**                       [--check-allocs] [--fail-allocs | --fail-allocs-buffer]
*/
#define _POSIX_C_SOURCE 200809L
#include "limits.h"
#include "run.h"

#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: lstm-run MODEL.onnx [options]     run a model and print its outputs\n"
               "       lstm-run --test DIR [--rtol R] [--atol A] [--stream K [--time-axis A]]\n"
               "                [--carry OUT=IN]... [--check-allocs] [--fail-allocs[-buffer]]\n"
               "\n"
               "run options:\n"
               "  --input NAME=FILE    input NAME from FILE: .pb (TensorProto), .npy, or .npz\n"
               "                       (member NAME); repeatable\n"
               "  --inputs FILE.npz    every input found in the archive by name\n"
               "  --dim SYMBOL=VALUE   size of a symbolic dimension for generated inputs\n"
               "                       (inputs not given are generated from --seed)\n"
               "  --expect FILE.npz    compare the outputs with the archive's members of the\n"
               "                       same names (members named like inputs are skipped: one\n"
               "                       archive can hold both, --inputs io.npz --expect io.npz)\n"
               "  --expect NAME=FILE   compare output NAME with FILE (.npy, .pb, or .npz member\n"
               "                       NAME); repeatable; tolerances --rtol and --atol as with\n"
               "                       --test; exit 1 when an output differs\n"
               "  --output-dir DIR     write every output to DIR/NAME.npy (or .pb)\n"
               "  --format npy|pb      format for --output-dir (default npy)\n"
               "  --threads N          threads of the session (OpenBLAS stays at 1)\n"
               "  --seed S             seed for generated inputs (default 0)\n"
               "  --bench N            time N runs after a warm-up run\n"
               "  --profile            print each node's share of the run time (of the --bench\n"
               "                       runs, else of the one run), slowest first\n"
               "  --profile-json FILE  the same as JSON\n"
               "  --trace DIR          write every gate of every LSTM/GRU/RNN node at every step\n"
               "                       of the first run as DIR/NODE_GATE.npy [T, dirs, batch,\n"
               "                       hidden] and a PNG heatmap (time x hidden unit) of one\n"
               "                       batch item; NODE is the node's name with '/' as '.'\n"
               "                       (in a subgraph: If_1.then_branch.lstm); a node in a\n"
               "                       Loop or Scan body has its iterations put together\n"
               "  --trace-batch B      the batch item of the heatmaps (default 0)\n"
               "  --chunk K            feed the inputs' time axis (--time-axis) K steps at a\n"
               "                       time, one run per chunk; the outputs are put together\n"
               "  --time-axis A        with --chunk: the time axis of inputs and outputs\n"
               "                       (default 0)\n"
               "  --carry OUT=IN       with --chunk: output OUT of a run is input IN of the next\n"
               "                       (explicit state, e.g. stateN=state; repeatable); IN starts\n"
               "                       at zeros unless given with --input or --inputs\n"
               "  --context C          with --chunk: each chunk starts with the C steps before it\n"
               "                       (and every LSTM/GRU/RNN node from its initial state, as\n"
               "                       with --stateless: a carried state has seen those steps)\n"
               "  --pad-last           with --chunk: pad the last chunk with zeros to K steps\n"
               "  --stateless          with --chunk: every chunk starts each LSTM/GRU/RNN node\n"
               "                       from its initial state (by default a node whose initial\n"
               "                       state is not an input carries its state on)\n");
    fputs(limits_help, f);
    fprintf(f,
            "test options:\n"
            "  --test DIR   run an ONNX test case (model.onnx + test_data_set_N/) or every\n"
            "               test case in the folder DIR, and compare the outputs\n"
            "  --rtol R     relative tolerance of floating-point outputs (default 1e-3;\n"
            "               integer and bool outputs must be equal; also with --expect)\n"
            "  --atol A     absolute tolerance (default 1e-5); a case's tolerance.txt\n"
            "               (\"rtol R atol A\") replaces both for that case\n"
            "  --stream K   feed the inputs' time axis in chunks of K steps, carrying the\n"
            "               recurrent state (outputs with the time axis are put together)\n"
            "  --time-axis A  the time axis of inputs and outputs (default 0)\n"
            "  --carry OUT=IN  with --stream: output OUT of a chunk is input IN of the next\n"
            "               (lstm_session_carry); the data set's IN is the first chunk's, its\n"
            "               OUT is compared with the last chunk's\n"
            "  --check-allocs  run each data set twice and fail when the second run (same\n"
            "               shapes) allocates through the library's allocator\n"
            "  --fail-allocs  make each allocation of opening the model, a session and the\n"
            "               first run fail in turn; each must be reported as ENOMEM with a\n"
            "               message and the next run on that session must pass (and,\n"
            "               with --check-allocs, the run after it allocate nothing);\n"
            "               with --stream, a chunk whose run ran out of memory is run again\n"
            "               and the outputs must still match\n"
            "  --fail-allocs-buffer  --fail-allocs, then the model opened from memory\n"
            "               (lstm_model_open_buffer) with each allocation failing in turn\n"
            "  (--threads, --limit and --no-external-data apply to --test as well)\n"
            "  --version    print the library version and the kernel set in use\n"
            "\n"
            "exit status: 0 success (every output matched), 1 an error or a mismatch, 2 usage\n");
}

/* NAME=VALUE split; returns the value or NULL. */
static const char *split_eq(const char *arg, char *name, size_t n)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || (size_t)(eq - arg) >= n) return NULL;
    memcpy(name, arg, (size_t)(eq - arg));
    name[eq - arg] = 0;
    return eq + 1;
}

static int parse_int(const char *s, long long lo, long long hi, long long *out)
{
    char *end;
    *out = strtoll(s, &end, 10);
    return *s && !*end && *out >= lo && *out <= hi;
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

/* Options of one mode only: given in the other, they are refused, not ignored. */
static const char *const run_only[] = {
    "--input",    "--dim",       "--inputs",       "--output-dir",  "--format", "--seed",
    "--bench",    "--profile",   "--trace",        "--trace-batch", "--chunk",  "--context",
    "--pad-last", "--stateless", "--profile-json", "--expect",      NULL};
static const char *const test_only[] = {"--stream", "--check-allocs", "--fail-allocs",
                                        "--fail-allocs-buffer", NULL};

static const char *listed(const char *const *list, const char *a, const char *seen)
{
    for (; !seen && *list; list++)
        if (strcmp(*list, a) == 0) return *list;
    return seen;
}

int main(int argc, char **argv)
{
    const char *test = NULL, *seen_run = NULL, *seen_test = NULL;
    int given_format = 0, given_time_axis = 0, given_trace_batch = 0, given_tol = 0;
    run_opts o = {.rtol = 1e-3, .atol = 1e-5};
    static run_cfg c;
    static char names[4][RUN_MAX_ARGS][256];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        long long v;
        seen_run = listed(run_only, a, seen_run);
        seen_test = listed(test_only, a, seen_test);
        if ((strcmp(a, "--input") == 0 || strcmp(a, "--dim") == 0) && i + 1 < argc) {
            int is_dim = a[2] == 'd';
            int *cnt = is_dim ? &c.n_dims : &c.n_inputs;
            const char *val = *cnt < RUN_MAX_ARGS
                                  ? split_eq(argv[++i], names[is_dim][*cnt], sizeof names[0][0])
                                  : NULL;
            if (!val || !*val) {
                fprintf(stderr, "lstm-run: %s needs NAME=%s, got '%s'\n", a,
                        is_dim ? "VALUE" : "FILE", argv[i]);
                return 2;
            }
            if (is_dim) {
                if (!parse_int(val, 0, 1ll << 40, &v)) {
                    fprintf(stderr, "lstm-run: --dim %s: '%s' is not a size\n", names[1][*cnt],
                            val);
                    return 2;
                }
                c.dim_names[*cnt] = names[1][*cnt];
                c.dim_values[(*cnt)++] = v;
            } else {
                c.input_names[*cnt] = names[0][*cnt];
                c.input_files[(*cnt)++] = val;
            }
        } else if (strcmp(a, "--limit") == 0 && i + 1 < argc) {
            if (parse_limit(argv[++i], &c.limits)) return 2;
        } else if (strcmp(a, "--no-external-data") == 0) {
            c.no_external_data = 1;
        } else if (strcmp(a, "--trace") == 0 && i + 1 < argc) {
            c.trace_dir = argv[++i];
        } else if (strcmp(a, "--trace-batch") == 0 && i + 1 < argc) {
            if (!parse_int(argv[++i], 0, 1 << 30, &v)) {
                fprintf(stderr, "lstm-run: --trace-batch needs a batch index, got '%s'\n", argv[i]);
                return 2;
            }
            c.trace_batch = (int)v;
            given_trace_batch = 1;
        } else if (strcmp(a, "--expect") == 0 && i + 1 < argc) {
            const char *arg = argv[++i], *val = NULL;
            struct stat st;
            /* NAME=FILE, unless the whole argument is a file (a path may hold '='). */
            if (strchr(arg, '=') && stat(arg, &st) != 0) {
                if (c.n_expect == RUN_MAX_ARGS) {
                    fprintf(stderr, "lstm-run: more than %d --expect NAME=FILE\n", RUN_MAX_ARGS);
                    return 2;
                }
                val = split_eq(arg, names[3][c.n_expect], sizeof names[0][0]);
                if (!val || !*val) {
                    fprintf(stderr,
                            "lstm-run: --expect needs FILE.npz or NAME=FILE (NAME under %zu "
                            "bytes), got '%s'\n",
                            sizeof names[0][0], arg);
                    return 2;
                }
                c.expect_names[c.n_expect] = names[3][c.n_expect];
                c.expect_files[c.n_expect++] = val;
            } else if (c.expect_bundle) {
                fprintf(stderr, "lstm-run: --expect FILE.npz is given twice\n");
                return 2;
            } else {
                c.expect_bundle = arg;
            }
        } else if (strcmp(a, "--inputs") == 0 && i + 1 < argc) {
            c.bundle = argv[++i];
        } else if (strcmp(a, "--output-dir") == 0 && i + 1 < argc) {
            c.output_dir = argv[++i];
        } else if (strcmp(a, "--format") == 0 && i + 1 < argc) {
            const char *f = argv[++i];
            if (strcmp(f, "pb") != 0 && strcmp(f, "npy") != 0) {
                fprintf(stderr, "lstm-run: --format takes npy or pb, got '%s'\n", f);
                return 2;
            }
            c.format_pb = strcmp(f, "pb") == 0;
            given_format = 1;
        } else if (strcmp(a, "--threads") == 0 && i + 1 < argc) {
            if (!parse_int(argv[++i], 1, 1024, &v)) {
                fprintf(stderr, "lstm-run: --threads needs 1..1024, got '%s'\n", argv[i]);
                return 2;
            }
            c.threads = (int)v;
        } else if (strcmp(a, "--seed") == 0 && i + 1 < argc) {
            if (!parse_int(argv[++i], 0, INT64_MAX, &v)) {
                fprintf(stderr, "lstm-run: --seed needs a number >= 0, got '%s'\n", argv[i]);
                return 2;
            }
            c.seed = (unsigned long long)v;
        } else if (strcmp(a, "--bench") == 0 && i + 1 < argc) {
            if (!parse_int(argv[++i], 1, 100000000, &v)) {
                fprintf(stderr, "lstm-run: --bench needs a run count >= 1, got '%s'\n", argv[i]);
                return 2;
            }
            c.bench = (int)v;
        } else if (strcmp(a, "--profile") == 0) {
            c.profile = 1;
        } else if (strcmp(a, "--carry") == 0 && i + 1 < argc) {
            const char *val = c.n_carry < RUN_MAX_ARGS
                                  ? split_eq(argv[++i], names[2][c.n_carry], sizeof names[0][0])
                                  : NULL;
            if (!val || !*val) {
                fprintf(stderr, "lstm-run: --carry needs OUTPUT=INPUT, got '%s'\n", argv[i]);
                return 2;
            }
            c.carry_out[c.n_carry] = names[2][c.n_carry];
            c.carry_in[c.n_carry++] = val;
        } else if ((strcmp(a, "--chunk") == 0 || strcmp(a, "--context") == 0) && i + 1 < argc) {
            int ch = a[3] == 'h';
            if (!parse_int(argv[++i], ch ? 1 : 0, 1 << 30, &v)) {
                fprintf(stderr, "lstm-run: %s needs a number of steps, got '%s'\n", a, argv[i]);
                return 2;
            }
            *(ch ? &c.chunk : &c.context) = (int)v;
        } else if (strcmp(a, "--pad-last") == 0) {
            c.pad_last = 1;
        } else if (strcmp(a, "--stateless") == 0) {
            c.stateless = 1;
        } else if (strcmp(a, "--profile-json") == 0 && i + 1 < argc) {
            c.profile_json = argv[++i];
        } else if (a[0] != '-' && !c.model) {
            c.model = a;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--version") == 0) {
            printf("lstm-run %s\nkernels: %s\n", lstm_version(), lstm_kernels());
            return 0;
        } else if (strcmp(a, "--test") == 0 && i + 1 < argc) {
            test = argv[++i];
        } else if (strcmp(a, "--stream") == 0 && i + 1 < argc) {
            if (!parse_int(argv[++i], 1, 1 << 30, &v)) {
                fprintf(stderr, "lstm-run: --stream needs a chunk length >= 1, got '%s'\n",
                        argv[i]);
                return 2;
            }
            o.stream = (int)v;
        } else if (strcmp(a, "--time-axis") == 0 && i + 1 < argc) {
            if (!parse_int(argv[++i], 0, LSTM_MAX_RANK - 1, &v)) {
                fprintf(stderr, "lstm-run: --time-axis needs 0..%d, got '%s'\n", LSTM_MAX_RANK - 1,
                        argv[i]);
                return 2;
            }
            o.time_axis = c.time_axis = (int)v;
            given_time_axis = 1;
        } else if (strcmp(a, "--check-allocs") == 0) {
            o.check_allocs = 1;
        } else if (strcmp(a, "--fail-allocs") == 0 || strcmp(a, "--fail-allocs-buffer") == 0) {
            o.fail_allocs = a[13] ? 2 : 1;
        } else if (strcmp(a, "--rtol") == 0 && i + 1 < argc) {
            if (!parse_double(argv[++i], &o.rtol)) {
                fprintf(stderr, "lstm-run: --rtol needs a number >= 0, got '%s'\n", argv[i]);
                return 2;
            }
            given_tol = 1;
        } else if (strcmp(a, "--atol") == 0 && i + 1 < argc) {
            if (!parse_double(argv[++i], &o.atol)) {
                fprintf(stderr, "lstm-run: --atol needs a number >= 0, got '%s'\n", argv[i]);
                return 2;
            }
            given_tol = 1;
        } else {
            fprintf(stderr, "lstm-run: unknown or incomplete option '%s'\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (test && c.model) {
        fprintf(stderr, "lstm-run: give a MODEL or --test DIR, not both\n");
        return 2;
    }
    if (test && seen_run) {
        fprintf(stderr, "lstm-run: %s is for running a MODEL, not for --test%s\n", seen_run,
                c.chunk ? " (--test feeds chunks with --stream K)" : "");
        return 2;
    }
    if (!test && seen_test) {
        fprintf(stderr, "lstm-run: %s goes with --test DIR\n", seen_test);
        return 2;
    }
    if (test && c.n_carry && !o.stream) {
        fprintf(stderr, "lstm-run: --carry with --test goes with --stream K\n");
        return 2;
    }
    o.carry_out = c.carry_out;
    o.carry_in = c.carry_in;
    o.n_carry = c.n_carry;
    if (!test && (c.n_carry || c.context || c.pad_last || c.stateless) && !c.chunk) {
        fprintf(stderr,
                "lstm-run: --carry, --context, --pad-last and --stateless go with --chunk K\n");
        return 2;
    }
    /* An option that would do nothing is refused: it is a mistake, not a no-op. */
    c.rtol = o.rtol;
    c.atol = o.atol;
    const char *alone = given_time_axis && !c.chunk && !o.stream
                            ? "--time-axis goes with --chunk K or --stream K"
                        : given_tol && !test && !c.n_expect && !c.expect_bundle
                            ? "--rtol and --atol go with --test DIR or --expect"
                        : given_format && !c.output_dir     ? "--format goes with --output-dir DIR"
                        : given_trace_batch && !c.trace_dir ? "--trace-batch goes with --trace DIR"
                        : c.chunk && (c.trace_dir || c.bench || c.profile || c.profile_json)
                            ? "--trace, --bench and --profile run the whole input; they do not go "
                              "with --chunk"
                            : NULL;
    if (alone) {
        fprintf(stderr, "lstm-run: %s\n", alone);
        return 2;
    }
    for (int i = 0; i < c.n_inputs; i++)
        for (int j = 0; j < i; j++)
            if (strcmp(c.input_names[i], c.input_names[j]) == 0) {
                fprintf(stderr, "lstm-run: --input %s is given twice\n", c.input_names[i]);
                return 2;
            }
    for (int i = 0; i < c.n_dims; i++)
        for (int j = 0; j < i; j++)
            if (strcmp(c.dim_names[i], c.dim_names[j]) == 0) {
                fprintf(stderr, "lstm-run: --dim %s is given twice\n", c.dim_names[i]);
                return 2;
            }
    for (int i = 0; i < c.n_expect; i++)
        for (int j = 0; j < i; j++)
            if (strcmp(c.expect_names[i], c.expect_names[j]) == 0) {
                fprintf(stderr, "lstm-run: --expect %s is given twice\n", c.expect_names[i]);
                return 2;
            }
    lstm_options topt = {.size = sizeof(lstm_options),
                         .log = run_log,
                         .num_threads = c.threads,
                         .limits = c.limits,
                         .no_external_data = c.no_external_data};
    o.opt = &topt;
    if (c.model) return run_model(&c);
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
