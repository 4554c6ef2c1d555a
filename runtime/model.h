/* model.h — the public lstm_model handle: an imported, validated graph. */
#ifndef LSTM_MODEL_H
#define LSTM_MODEL_H

#include "graph.h"

struct lstm_model {
    lstm__alloc alloc;
    lstm__graph *g;  /* NULL when loading failed before a graph existed */
    lstm__diag diag; /* last failure */
};

#endif
