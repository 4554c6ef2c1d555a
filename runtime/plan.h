/*
** plan.h — a graph made ready to run: the values of one graph (the model's, or a subgraph's
** that a control-flow node runs), what each node prepared, and where every value lives.
**
** Values are of four classes: constants (initializers, folded values), known (computed while
** planning because they depend only on constants, shapes and bound values: PyTorch's
** Shape -> Gather -> Concat -> Expand chains), dynamic (computed by each run, their shapes
** known when planning: they live in one arena placed from their lifetimes) and late (their
** shapes are known only while running: outputs of control flow and sequence ops, and of the
** nodes whose shapes depend on values computed at run time; they live in buffers that grow
** only when a larger shape appears). Nodes producing late values are prepared at run time,
** just before they run.
**
** A plan is made when it first runs and again only when a bound value changes its type or
** shape, or when a bound value that planning read changes its contents; a run whose shapes
** repeat allocates nothing.
*/
#ifndef LSTM_PLAN_H
#define LSTM_PLAN_H

#include "kernel.h"

enum { LSTM__VC_NONE = 0, LSTM__VC_CONST, LSTM__VC_KNOWN, LSTM__VC_DYN, LSTM__VC_LATE };

typedef struct lstm__plan lstm__plan;

/* Free sequence storage of a session, by size class (seq_store.c). */
#define LSTM__BIN_CLASSES 256
typedef struct lstm__seq_bin {
    void *bufs[LSTM__BIN_CLASSES];   /* item buffers */
    void *tables[LSTM__BIN_CLASSES]; /* item tables */
} lstm__seq_bin;

struct lstm__plan {
    lstm_session *s;
    const lstm__graph *g;
    lstm__plan *parent;    /* the plan of the graph holding this subgraph, NULL at the top */
    lstm__plan *next;      /* every plan of the session (profiles, state resets, freeing) */
    int streams;           /* recurrent nodes here may carry state between runs */
    int n_vals;            /* the graph's values, then hidden ones (unnamed outputs of
                           ** run-shaped nodes) */
    int *outv;             /* per node output slot: its value, or -1 when absent */
    lstm__rt *vals;        /* per value */
    unsigned char *vclass; /* per value: LSTM__VC_* */
    /* Bindings: the graph's inputs, then its outer values (g->outer_values order). */
    int n_bind;
    lstm__rt *bind;            /* what is bound now */
    lstm__rt *bind_planned;    /* what the plan was made for (types and shapes) */
    unsigned char *bind_fixed; /* per binding: its data cannot change while the parent's plan
                               ** stands (constants and known values of the parent) */
    unsigned char *value_deps; /* per binding: planning read its values */
    unsigned char *bind_owned; /* per binding: the binder hands over a sequence's storage (a
                               ** Loop's carried values, which it replaces after the body) */
    int *in_move;              /* per node input slot: 1 the value dies there (its last reader,
                               ** read once, not a graph output) and a node here made it; 2 + b
                               ** graph input b dies there; 0 otherwise */
    unsigned char *out_once;   /* per graph output: made by a node here, listed once */
    lstm__buf *dep_copy;       /* those values */
    uint64_t epoch;            /* counts plans made (subplans compare their parent's) */
    uint64_t parent_epoch;
    int planned;
    /* Per node. */
    unsigned char *mode; /* LSTM__NODE_* */
    void **nstate;       /* op state (op->state_size bytes, session pool) */
    lstm__carry **carry; /* streamed state, or NULL */
    void **scratch;      /* planned scratch (dynamic nodes) */
    size_t *scratch_size;
    lstm__buf *late_scratch; /* scratch of late nodes */
    lstm__plan ***sub;       /* plans of the node's subgraphs, made on first use */
    lstm__buf **nbufs;       /* buffers an op keeps (lstm__node_bufs), and how many */
    int *n_nbufs;
    uint64_t *prof_ns;      /* wall time of the timed runs */
    lstm__rt **kin, **kout; /* argument arrays, sliced per node */
    int *kin_off, *kout_off;
    /* Memory of the plan. */
    lstm__pool plan_pool; /* known values, the scratch used to compute them, the planner's
                          ** tables */
    size_t pool_held;     /* plan_pool's bytes counted in the session's held */
    void *arena;          /* dynamic values and scratch, placed by lifetime (arena.c) */
    size_t arena_size;    /* kept from plan to plan while large enough */
    void *place_scratch;  /* the arena planner's (not counted: it holds nothing after it) */
    size_t place_scratch_cap;
    lstm__buf *vbuf;   /* per value: memory of late tensors */
    lstm__seq **seqs;  /* per value: sequence holders (session pool, made on first use) */
    uint64_t seq_runs; /* runs started (seq_store.c tags the storage each run recycles) */
};

enum { LSTM__NODE_SKIP = 0, LSTM__NODE_STATIC, LSTM__NODE_LATE };

/* A plan for graph g (session pool); parent is NULL for the model's graph. */
lstm__plan *lstm__plan_new(lstm_session *s, const lstm__graph *g, lstm__plan *parent, int streams);
/* Free what the plan allocated outside the session pool. */
void lstm__plan_free(lstm__plan *p);

/* Free every plan's buffers that grow at run time and hold nothing from one run to the next
** (values and scratch of nodes prepared at run time, operators' buffers, sequences): after a
** run refused for max_run_bytes, the next run counts from the plans and the carried state. */
void lstm__plans_release(lstm_session *s);

/* The end of a run: the streamed states the nodes staged become the state (ok) or are dropped
** (the run failed: the state stays as the last successful run left it). */
void lstm__plans_commit(lstm_session *s, int ok);

/* Bind the graph's input i (or, for i >= g->n_inputs, nothing: outer values are bound from
** the parent by lstm__plan_exec). The value's data must stay valid during the run. */
void lstm__plan_bind(lstm__plan *p, int i, const lstm__rt *v);

/* The same for a value whose storage the subgraph may take (a sequence read last by a node that
** changes it): the caller replaces the value after the run. */
void lstm__plan_bind_owned(lstm__plan *p, int i, const lstm__rt *v);

/* Whether the graph's output i may be moved out after a run (made by a node of the graph and
** listed once among its outputs). */
int lstm__plan_output_movable(const lstm__plan *p, int i);

/* The holder of value v's sequence (made on first use); NULL when out of memory. */
lstm__seq *lstm__plan_holder(lstm__plan *p, int v);

/* Sequence storage (seq_store.c). At the start of each of p's runs its holders' tables and
** item buffers go to the session's bin, where holders that need room look first. */
void lstm__seq_recycle(lstm__plan *p);
/* Free q's storage (the holder stays, empty). */
void lstm__seq_holder_free(lstm_session *s, lstm__seq *q);
/* Free the bin. */
void lstm__seq_bin_free(lstm_session *s);

/* The session's memory accounting (plan.c): whether the session may hold `want` bytes
** instead of `had` under max_run_bytes; record that it does; LSTM_ELIMIT for k's node (or p's
** graph when k is NULL) naming what needs the bytes. */
int lstm__may_hold(const lstm_session *s, uint64_t had, uint64_t want);
void lstm__hold(lstm_session *s, size_t had, size_t now);
int lstm__refuse(lstm__plan *p, lstm__kctx *k, const char *what, const char *name, uint64_t had,
                 uint64_t want);
/* Whether k runs without a plan (folding at load), with the error set. */
int lstm__no_plan(lstm__kctx *k);

/* Plan when needed, then run every node. k is the node running this subgraph (NULL at the
** top): its plan's values are what outer values read. */
int lstm__plan_exec(lstm__plan *p);

/* Plan when needed without running (outer values bound as the parent has them now: while the
** parent plans, their types and shapes, and the data of its constants and known values). */
int lstm__plan_ready(lstm__plan *p);

/* Whether the graph's output i has its type and shape in the plan (a tensor that is not a
** late value). */
int lstm__plan_output_planned(const lstm__plan *p, int i);

/* The plan of node k's j-th subgraph (made on first use); NULL when out of memory. */
lstm__plan *lstm__subplan(lstm__kctx *k, int j, int streams);

/* The graph's output i after a run. */
const lstm__rt *lstm__plan_output(const lstm__plan *p, int i);

/* Make buf hold at least n bytes (contents are not kept); counts as an allocation only when
** it grows. The bytes count against max_run_bytes: past it, LSTM_ELIMIT with a message naming
** k's node (or, when k is NULL, p's graph) and what the buffer holds (what, then 'name' when
** name is not NULL). */
int lstm__buf_reserve(lstm__plan *p, lstm__buf *b, size_t n, lstm__kctx *k, const char *what,
                      const char *name);
/* The same for tables sized by the model, which do not count (lstm_session's own). */
int lstm__buf_table(lstm_session *s, lstm__buf *b, size_t n);

#endif
