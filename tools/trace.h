/* trace.h — `lstm-run --trace DIR`: the gates the library reports during a run, written after
** it as DIR/NODE_GATE.npy and DIR/NODE_GATE.png (public API only). */
#ifndef LSTM_TRACE_H
#define LSTM_TRACE_H

#include "lstm.h"

#include <stddef.h>

typedef struct trace_item trace_item;

typedef struct trace_ctx {
    const char *dir;
    int batch; /* the batch item of the heatmaps */
    int failed;
    trace_item *items;
    int n, cap;
} trace_ctx;

/* The lstm_trace_fn (ud: a trace_ctx): keeps a copy of the gate. A node that reports the same
** gate more than once in a run (inside a Loop or Scan body: once per iteration) has its
** reports put together along the time axis when their other dims agree. */
void trace_gate(void *ud, const char *node, const char *op_type, const char *gate,
                const int64_t dims[4], const float *values);
/* After a run: write every gate kept, print one line per file, forget them. Returns 0, or 1
** when a file could not be written (or a gate was lost). */
int trace_write(trace_ctx *t);
void trace_free(trace_ctx *t);

/* The file name stem for a node name: '/' (the separator of qualified names in subgraphs,
** "If_1/then_branch/lstm") becomes '.', any byte other than a letter, digit, '.', '_' or '-'
** becomes '_', leading '.' are dropped. */
void trace_stem(char *out, size_t n, const char *node);

#endif
