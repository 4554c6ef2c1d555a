/* model.h — the public lstm_model handle: an imported, validated graph. */
#ifndef LSTM_MODEL_H
#define LSTM_MODEL_H

#include "graph.h"

struct lstm_model {
    lstm__alloc alloc;
    lstm__graph *g;       /* NULL when loading failed before a graph existed; when loading failed
                          ** later, the graph as far as it was read (for lstm_model_describe only) */
    int status;           /* LSTM_OK for a usable model */
    lstm_limits limits;   /* resolved (defaults filled in) */
    int num_threads;      /* threads a session uses for large products (0 or 1: one) */
    int keep_weights;     /* lstm_options.keep_weights: no constant freed once packed */
    uint64_t freed_bytes; /* the unpacked copies freed once packed (load.c) */
    char *path;           /* the file, or "<memory>" */
    void (*log)(void *ud, int level, const char *msg);
    void *log_ud;
    int (*abort)(void *ud);
    void *abort_ud;
    lstm__diag diag; /* last failure */
};

/* Send a formatted message to the model's log callback, if any. */
void lstm__log(const lstm_model *m, int level, const char *fmt, ...) LSTM__FMT(3, 4);

/* The graph of a usable model, else NULL. */
static inline const lstm__graph *lstm__model_graph(const lstm_model *m)
{
    return m && m->status == LSTM_OK ? m->g : NULL;
}

#endif
