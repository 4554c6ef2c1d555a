/* fuse.h — operator fusion when a model loads (fuse.c). */
#ifndef LSTM_FUSE_H
#define LSTM_FUSE_H

#include "model.h"

/* Let each Conv of graph g absorb the BatchNormalization, Relu or Clip after it (fuse.c);
** subgraphs are the caller's. Returns LSTM_OK or LSTM_ENOMEM (m->diag says so). */
int lstm__fuse_graph(lstm_model *m, lstm__graph *g);

/* Whether fusion is on for models opened now: unless LSTM_FUSE=0 is in the environment. */
int lstm__fuse_enabled(void);

#endif
