/*
** lstm-dump — inspect an ONNX model (public API only: lstm_model_describe).
** Exit status: 0 the model parses and validates; 1 it is malformed or invalid, a node that
** breaks the ONNX spec included (after printing what could be read); 2 usage error.
*/
#include "limits.h"
#include "lstm.h"

#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: lstm-dump [--json | --dot | --explain [NODE]] [--limit NAME=VALUE]...\n"
               "                 [--no-external-data] MODEL.onnx\n"
               "\n"
               "  (default)  text view: header, inputs, weights, outputs, nodes, totals\n"
               "  --json     machine-readable view (schema: docs/dump-json.md)\n"
               "  --dot      Graphviz digraph (render with: dot -Tsvg)\n"
               "  --explain [NODE]  each LSTM/GRU/RNN node (or NODE), subgraphs included: its\n"
               "             equations with the node's attributes, weight statistics per gate,\n"
               "             warnings; NODE is a node name, or inside a subgraph its qualified\n"
               "             name OWNER/ATTRIBUTE/NAME (e.g. If_1/then_branch/lstm)\n"
               "  --version  print the library version\n");
    fputs(limits_help, f);
    fprintf(f, "\n"
               "exit status: 0 valid model, 1 malformed or invalid model (--explain: also no\n"
               "LSTM/GRU/RNN node, or none named NODE), 2 usage error\n");
}

static void to_stdout(void *ud, const char *data, size_t len)
{
    (void)ud;
    fwrite(data, 1, len, stdout);
}

/* Whether argv[i..] holds an argument that is neither an option nor an option's value. */
static int positional_after(int argc, char **argv, int i)
{
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--limit") == 0)
            i++;
        else if (argv[i][0] != '-' || !argv[i][1])
            return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int fmt = LSTM_DESCRIBE_TEXT, explain = 0, formats = 0;
    const char *path = NULL, *node = NULL;
    lstm_options opt = {.size = sizeof(lstm_options), .keep_weights = 1}; /* for --explain */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
            if (parse_limit(argv[++i], &opt.limits)) return 2;
        } else if (strcmp(argv[i], "--no-external-data") == 0) {
            opt.no_external_data = 1;
        } else if (strcmp(argv[i], "--explain") == 0) {
            explain = 1;
            /* An optional node name follows when the model path comes before or after it. */
            if (i + 1 < argc && argv[i + 1][0] != '-' &&
                (path || positional_after(argc, argv, i + 2)))
                node = argv[++i];
        } else if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "--dot") == 0) {
            fmt = argv[i][2] == 'j' ? LSTM_DESCRIBE_JSON : LSTM_DESCRIBE_DOT;
            formats++;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("lstm-dump %s\n", lstm_version());
            return 0;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "lstm-dump: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        } else if (path) {
            fprintf(stderr, "lstm-dump: one model at a time ('%s' and '%s')\n", path, argv[i]);
            return 2;
        } else {
            path = argv[i];
        }
    }
    if (!path) {
        usage(stderr);
        return 2;
    }
    if (formats > 1 || (formats && explain)) {
        fprintf(stderr, "lstm-dump: give one of --json, --dot and --explain (--explain writes "
                        "text)\n");
        return 2;
    }
    lstm_model *m = NULL;
    int rc = lstm_model_open(path, &opt, &m);
    if (m && explain && rc == LSTM_OK) {
        if (lstm_model_explain(m, node, to_stdout, NULL) != LSTM_OK) {
            if (node)
                fprintf(stderr, "lstm-dump: %s: no LSTM, GRU or RNN node named '%s'\n", path, node);
            else
                fprintf(stderr,
                        "lstm-dump: %s: no LSTM, GRU or RNN node (a cell written out as "
                        "MatMul/Gemm, Sigmoid and Tanh nodes is not recognised; plain "
                        "'lstm-dump %s' lists the nodes)\n",
                        path, path);
            rc = -1;
        }
    } else if (m) {
        lstm_model_describe(m, fmt, to_stdout, NULL);
    }
    fflush(stdout);
    if (rc > 0)
        fprintf(stderr, "lstm-dump: %s: %s: %s\n", path, lstm_errstr(rc), lstm_model_errmsg(m));
    /* A loaded model can still hold a node that breaks the ONNX spec: a session refuses it with
    ** LSTM_EMODEL (an operator this runtime lacks is LSTM_EUNSUPPORTED, not an error here). */
    lstm_session *s = NULL;
    if (rc == LSTM_OK && lstm_session_open(m, &s) == LSTM_EMODEL) {
        rc = LSTM_EMODEL;
        fprintf(stderr, "lstm-dump: %s: %s: %s\n", path, lstm_errstr(rc), lstm_session_errmsg(s));
    }
    lstm_session_close(s);
    lstm_model_close(m);
    return rc ? 1 : 0;
}
