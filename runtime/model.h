/* model.h — the public lstm_model handle: an imported, validated graph. */
#ifndef LSTM_MODEL_H
#define LSTM_MODEL_H

#include "graph.h"

struct lstm_model {
    lstm__alloc alloc;
    lstm__graph *g;  /* NULL when loading failed before a graph existed; when loading failed
                     ** later, the graph as far as it was read (for lstm_model_describe only) */
    int status;      /* LSTM_OK for a usable model */
    char *path;      /* the file, or "<memory>" */
    lstm__diag diag; /* last failure */
};

/* The graph of a usable model, else NULL. */
static inline const lstm__graph *lstm__model_graph(const lstm_model *m)
{
    return m && m->status == LSTM_OK ? m->g : NULL;
}

#endif
