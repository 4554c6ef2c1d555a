/*
** workers.h — a session's helper threads (lstm_options.num_threads - 1 of them) for splitting
** large GEMMs by column panels. Created when the session opens, joined when it closes; the
** caller's thread always takes a share. A run still allocates nothing.
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
/* Run fn(ctx, part, parts) for part = 0..parts-1 (parts = the thread count), then return. */
void lstm__workers_run(lstm__workers *w, void (*fn)(void *ctx, int part, int parts), void *ctx);

#endif
