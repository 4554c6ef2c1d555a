/* load.h — the runtime's work on a freshly imported model (resolve, fold, fuse, pack). */
#ifndef LSTM_LOAD_H
#define LSTM_LOAD_H

#include "model.h"

/* Resolve every node (parse once), fold constant nodes and pack constant weights, in every
** graph of the model. Errors (out of memory, aborted) go to m->diag. */
int lstm__model_load(lstm_model *m);

/* Nodes of every graph, how many were folded at load, fused into the node before them
** (fuse.c) and how many cannot run. */
void lstm__model_counts(const lstm_model *m, int *nodes, int *folded, int *fused, int *unsupported);

#endif
