/*
** workers.h — a session's helper threads (lstm_options.num_threads - 1 of them): the products
** of recurrent and MatMul / Gemm nodes split by columns, hidden units, batch rows or directions
** (rnn.c, rnn_cells.c, op_linear.c). Created when
** the session opens, joined when it closes; the caller's thread always takes a share, and takes
** over every share no helper has started (workers.c). A run still allocates nothing.
*/
#ifndef LSTM_WORKERS_H
#define LSTM_WORKERS_H

#include "core.h"

typedef struct lstm__workers lstm__workers;

/* n_threads total (caller included); NULL when n_threads < 2 or on failure (then the work is
** done on the caller's thread alone, which is always correct). */
lstm__workers *lstm__workers_start(int n_threads, const lstm__alloc *a);
void lstm__workers_stop(lstm__workers *w);
int lstm__workers_count(const lstm__workers *w); /* 1 for NULL */
/* Run fn(ctx, part, parts) for part = 0..parts-1 (parts = the thread count), then return. Part
** 0 always runs on the calling thread; the others on any thread, each exactly once. */
/* Non-zero while the helpers fell behind and jobs run on the caller alone (workers.c): a
** recurrent node then plans for one thread. */
int lstm__workers_solo(const lstm__workers *w);
/* Jobs are coming (a node's run begins): sleeping helpers wake and spin for them, and the next
** job is handed out although jobs had come seldom. Nothing when helpers spin or are behind. */
void lstm__workers_wake(lstm__workers *w);
/* Tests: the caller waits for the helpers to run their parts instead of running them itself
** (so a test proves the helpers' results even where threads barely run at once: valgrind). */
void lstm__workers_set_patient(lstm__workers *w, int on);
/* Parts run on helper threads since the start (tests check that helpers do work). */
unsigned long lstm__workers_helper_parts(const lstm__workers *w);
void lstm__workers_run(lstm__workers *w, void (*fn)(void *ctx, int part, int parts), void *ctx);

#endif
