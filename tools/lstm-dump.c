/*
** lstm-dump — inspect an ONNX model: header, inputs, weights, outputs, every node with its
** attributes and support verdict, decoded recurrent nodes, totals and an op histogram.
** Exit status: 0 the model parses and validates; 1 it is malformed or invalid (after printing
** what could be read); 2 usage error.
*/
#include "dump.h"
#include "import.h"

#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: lstm-dump [--json | --dot] MODEL.onnx\n"
               "\n"
               "  (default)  text view: header, inputs, weights, outputs, nodes, totals\n"
               "  --json     machine-readable view (schema: docs/dump-json.md)\n"
               "  --dot      Graphviz digraph (render with: dot -Tsvg)\n"
               "  --version  print the library version\n"
               "\n"
               "exit status: 0 valid model, 1 malformed or invalid model, 2 usage error\n");
}

int main(int argc, char **argv)
{
    enum { TEXT, JSON, DOT } fmt = TEXT;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            fmt = JSON;
        else if (strcmp(argv[i], "--dot") == 0)
            fmt = DOT;
        else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
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
    lstm__graph *g = NULL;
    lstm__diag d;
    lstm__diag_clear(&d);
    int rc = lstm__import_file(path, NULL, &g, &d);
    dump_ctx c = {.g = g, .path = path, .rc = rc, .errmsg = d.msg,
                  .linked = g && g->values && rc == LSTM_OK};
    if (fmt == JSON)
        dump_json(stdout, &c);
    else if (g && fmt == DOT)
        dump_dot(stdout, &c);
    else if (g)
        dump_text(stdout, &c);
    fflush(stdout);
    lstm__graph_free(g);
    if (rc) {
        fprintf(stderr, "lstm-dump: %s: %s: %s\n", path, lstm_errstr(rc), d.msg);
        return 1;
    }
    return 0;
}
