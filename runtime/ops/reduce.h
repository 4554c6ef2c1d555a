/* reduce.h — what the reductions share: op_reduce.c's attributes and axis plan, the walk over
** each output's reduced elements (reduce_walk.c), and the parameters of LpNormalization and
** MeanVarianceNormalization (op_normalize.c). */
#ifndef LSTM_REDUCE_H
#define LSTM_REDUCE_H

#include "ops/op_util.h"

#include <string.h>

/* parse of the Reduce* rows into lstm__reduce_params (op stored as given): the axes attribute
** before version input_since, the axes input from it, keepdims, noop_with_empty_axes. */
int lstm__reduce_parse(const lstm__graph *g, const lstm__node *n, int since, void *params, int op,
                       int input_since, lstm__diag *d);
/* Input 0's type against the model's opset: float32, float64, float16, int32, int64, uint32,
** uint64; bfloat16 from 13; for ReduceMax / ReduceMin (minmax) int8 / uint8 from 12 and bool from
** 20. The message names the node and the types expected. */
int lstm__reduce_check_type(lstm__kctx *k, int minmax);
/* Which axes of input 0 are reduced (red[i] = 1; every axis when none are given, unless
** noop_with_empty_axes) and the output shape (dims, rank). Reads the axes input. */
int lstm__reduce_plan(lstm__kctx *k, int *red, int64_t *dims, int *rank);

#define LSTM__RWALK_BLOCK 64 /* outputs of a block, elements of a chunk */

/* The elements each output of a reduction reads. The input's axes are split into kept and
** reduced ones; size-1 axes are dropped and adjacent axes of one kind merged, so a run of
** reduced axes is one strided loop. Outputs are numbered in row-major order of the kept axes
** (the order of the output tensor, with or without keepdims). */
typedef struct lstm__rwalk {
    int nk, nr;                                        /* merged kept / reduced axes */
    int64_t kdim[LSTM__MAX_RANK], kst[LSTM__MAX_RANK]; /* sizes and strides in elements */
    int64_t rdim[LSTM__MAX_RANK], rst[LSTM__MAX_RANK];
    size_t count; /* elements reduced into each output */
    size_t nout;  /* outputs */
    size_t run;   /* adjacent elements at each step of lstm__rwalk_next_run (the innermost
                  ** reduced axis when it is the input's last, else 1) */
    size_t nruns; /* steps of lstm__rwalk_next_run: count / run */
} lstm__rwalk;

void lstm__rwalk_init(lstm__rwalk *w, const lstm__rt *x, const int *red);
/* Input offset of output o's first element. */
size_t lstm__rwalk_base(const lstm__rwalk *w, size_t o);

/* The offset of the element after off in an output's walk; ridx holds nr counters, zero at the
** output's first element. */
static inline size_t lstm__rwalk_next(const lstm__rwalk *w, int64_t *ridx, size_t off)
{
    for (int j = w->nr - 1; j >= 0; j--) {
        off += (size_t)w->rst[j];
        if (++ridx[j] < w->rdim[j]) return off;
        off -= (size_t)(w->rst[j] * w->rdim[j]);
        ridx[j] = 0;
    }
    return off;
}

/* The same walk in runs of w->run adjacent elements: the offset of the next run. */
static inline size_t lstm__rwalk_next_run(const lstm__rwalk *w, int64_t *ridx, size_t off)
{
    for (int j = w->nr - 1 - (w->run > 1); j >= 0; j--) {
        off += (size_t)w->rst[j];
        if (++ridx[j] < w->rdim[j]) return off;
        off -= (size_t)(w->rst[j] * w->rdim[j]);
        ridx[j] = 0;
    }
    return off;
}

/* The elements of one output in the walk's order, as chunks of at most LSTM__RWALK_BLOCK
** adjacent ones: for (start; next(&off, &n);) ... */
typedef struct lstm__rchunks {
    const lstm__rwalk *w;
    int64_t ridx[LSTM__MAX_RANK];
    size_t off, c, e; /* the run's offset, the next chunk's place in it, the run's index */
} lstm__rchunks;

static inline void lstm__rchunks_start(lstm__rchunks *it, const lstm__rwalk *w, size_t base)
{
    memset(it->ridx, 0, sizeof it->ridx);
    it->w = w;
    it->off = base;
    it->c = it->e = 0;
}

static inline int lstm__rchunks_next(lstm__rchunks *it, size_t *off, size_t *n)
{
    const lstm__rwalk *w = it->w;
    if (it->c == w->run) {
        it->c = 0;
        it->e++;
        it->off = lstm__rwalk_next_run(w, it->ridx, it->off);
    }
    if (it->e >= w->nruns) return 0;
    *n = w->run - it->c < LSTM__RWALK_BLOCK ? w->run - it->c : LSTM__RWALK_BLOCK;
    *off = it->off + it->c;
    it->c += *n;
    return 1;
}

/* How many outputs from o on (at most max) have their elements side by side: when the input's
** last axis is kept, outputs o, o + 1... read x[off], x[off + 1]... at each step of the walk
** (a block, walked once for all of them, reading rows of adjacent elements). 1 otherwise. */
size_t lstm__rwalk_block(const lstm__rwalk *w, size_t o, size_t max);

/* n elements of a float tensor from offset off as doubles, and back (rounded once). */
static inline void lstm__rwalk_load(const lstm__rt *x, size_t off, size_t n, double *row)
{
    if (x->dtype == LSTM_DT_FLOAT) {
        const float *p = (const float *)x->data + off;
        for (size_t i = 0; i < n; i++) row[i] = p[i];
    } else {
        for (size_t i = 0; i < n; i++) row[i] = lstm__get_f(x, off + i);
    }
}

static inline void lstm__rwalk_store(lstm__rt *y, size_t off, size_t n, const double *row)
{
    if (y->dtype == LSTM_DT_FLOAT) {
        float *p = (float *)y->data + off;
        for (size_t i = 0; i < n; i++) p[i] = (float)row[i];
    } else {
        for (size_t i = 0; i < n; i++) lstm__put_f(y, off + i, row[i]);
    }
}

typedef struct lstm__lpnorm_params {
    int64_t axis, p;
} lstm__lpnorm_params;

typedef struct lstm__mvn_params {
    int n; /* axes attribute entries; -1 when absent ([0, 2, 3]) */
    int64_t axes[LSTM__MAX_RANK];
} lstm__mvn_params;

#endif
