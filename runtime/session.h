/*
** session.h — a session runs a model. Values are of three kinds: constants (initializers),
** known (computed while planning because they depend only on constants and input shapes:
** PyTorch's Shape -> Gather -> Concat -> Expand chains), and dynamic (computed by each run).
** Planning runs infer over the graph, evaluates the known nodes, and places every dynamic
** value and the largest scratch in one arena; a run then allocates nothing.
*/
#ifndef LSTM_SESSION_H
#define LSTM_SESSION_H

#include "kernel.h"
#include "model.h"

enum { LSTM__VC_NONE = 0, LSTM__VC_CONST, LSTM__VC_KNOWN, LSTM__VC_DYN };

typedef struct lstm__binding {
    int bound;
    int dtype;
    int rank;
    int64_t dims[LSTM__MAX_RANK];
    const void *data;
    size_t nbytes;
} lstm__binding;

/* lstm_session_profile's sort scratch, one per node (profile.c). */
typedef struct lstm__prof_entry {
    uint64_t ns;
    int node;
} lstm__prof_entry;

/* CLOCK_MONOTONIC in nanoseconds (profile.c). */
uint64_t lstm__now_ns(void);

struct lstm_session {
    const lstm_model *m;
    const lstm__graph *g;
    lstm__alloc alloc;
    lstm__diag diag;
    lstm__pool pool;        /* session lifetime: params and tables */
    void **params;          /* per node */
    lstm__rt *vals;         /* per value */
    unsigned char *vclass;  /* per value: LSTM__VC_* */
    lstm__binding *bind;    /* per declared graph input */
    lstm__rt **kin, **kout; /* per-node argument arrays, sliced from these */
    int *kin_off, *kout_off;

    /* The plan (valid while planned != 0). */
    int planned;
    int ran;                 /* the last run succeeded: outputs are valid */
    lstm__pool plan_pool;    /* known values and their scratch */
    unsigned char *node_dyn; /* per node: runs at each run */
    void *arena;             /* dynamic values + scratch, placed by lifetime (arena.c) */
    size_t arena_size;
    void **scratch;                /* per node */
    size_t *scratch_size;          /* per node */
    struct lstm__workers *workers; /* helper threads, or NULL */
    int streaming;                 /* carry recurrent state between runs */
    lstm_trace_fn trace;           /* gate tracing, or NULL */
    void *trace_ud;
    lstm__rnn_state **state;       /* per node: the carried state (session pool), or NULL */
    int profiling;                 /* time every node of every run */
    uint64_t *prof_ns;             /* per node: wall time summed over the timed runs */
    lstm__prof_entry *prof_sorted; /* per node: scratch of lstm_session_profile */
    uint64_t prof_runs;
    unsigned char *value_deps; /* per graph input: the plan read its values */
    void **dep_copy;           /* per graph input: those values (plan_pool) */
};

#endif
