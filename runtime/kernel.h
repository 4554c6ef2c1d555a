/*
** kernel.h — what an operator implementation sees. Each row of the registry (ops.def) has
** these phases, in the manner of TFLite's init / prepare / invoke:
**   parse    once per node, at load: attributes -> params, which the model owns and every
**            session reads (n->params, k->params);
**   pack     optional, once per node at load: constant weights -> n->packed (k->packed);
**   prepare  per set of input shapes: output types and shapes, scratch bytes, and the node's
**            state (k->state, owned by the session, kept until the next prepare);
**   run      per run: computes into planned memory from what prepare wrote; never allocates.
** Inputs whose values are known before the run (constants, shape arithmetic, graph inputs)
** can be read in prepare (lstm__need_value). When an input's values are computed at run time,
** lstm__need_value defers the node: it is prepared at run time, just before it runs, and its
** outputs live in buffers that grow only when a larger shape appears. Operators flagged
** LSTM__OPF_RUN_SHAPES (control flow, sequences) learn their output shapes while running and
** give them with lstm__out_alloc / lstm__out_seq.
*/
#ifndef LSTM_KERNEL_H
#define LSTM_KERNEL_H

#include "graph.h"

/* What a value holds. */
enum { LSTM__VAL_TENSOR = 0, LSTM__VAL_SEQUENCE = 1 };

typedef struct lstm__seq lstm__seq;

/* A run-time value: a tensor (contiguous, row-major, ONNX dim order) or a sequence of them,
** possibly an optional without element. */
typedef struct lstm__rt {
    int dtype; /* tensors; for a sequence, the element type of its tensors (0: unknown) */
    int rank;
    int64_t dims[LSTM__MAX_RANK];
    size_t nelem;
    size_t nbytes;
    void *data;     /* NULL during prepare unless the value is known before the run */
    int known;      /* 1 when data is known before the run (constant or shape arithmetic) */
    int input;      /* binding index + 1 for a value bound from outside the plan (a graph input,
                    ** a subgraph input or an outer value): its data is readable while planning,
                    ** and a plan that reads it is redone when its values change */
    int kind;       /* LSTM__VAL_* */
    int none;       /* an optional value that holds nothing */
    lstm__seq *seq; /* LSTM__VAL_SEQUENCE: its tensors */
} lstm__rt;

/* A sequence value: n tensors (each with its own data). Slots from `used` to cap are zero. */
struct lstm__seq {
    int n, cap, used;
    lstm__rt *items;
    size_t *item_cap; /* bytes allocated behind each item's data */
};

/* A node's state carried from one run to the next when the session streams (ops whose row
** names stream inputs): the op reads the state it starts from in buf (when valid) and writes
** the state it ends with in next (prepare says how much: need), then sets staged. Only a
** successful run of the whole session makes next the state (lstm__plans_commit): a run that
** fails after the node ran leaves the state as it was. */
typedef struct lstm__carry {
    int active;       /* the node streams in the current plan */
    int valid;        /* buf holds the state left by the previous run */
    int staged;       /* next holds this run's final state */
    int64_t shape[2]; /* what the op recorded about it (LSTM: batch, hidden) */
    size_t need, cap; /* bytes prepare asks for / bytes allocated, each of buf and next */
    void *buf, *next;
} lstm__carry;

/* A buffer that only grows. */
typedef struct lstm__buf {
    void *p;
    size_t cap;
} lstm__buf;

struct lstm__plan;
struct lstm__workers;

typedef struct lstm__kctx {
    const lstm__node *n;
    int since;           /* operator version the node resolved to */
    lstm__rt **in;       /* n->n_in entries, NULL for absent inputs */
    lstm__rt **out;      /* n->n_out entries, NULL for absent outputs */
    const void *params;  /* n->params: parsed at load, read-only */
    const void *packed;  /* n->packed: weights packed at load, or NULL */
    void *state;         /* the node's state: prepare writes it, run reads it (zeroed at open) */
    void *scratch;       /* run: scratch_size bytes, 64-byte aligned */
    size_t scratch_size; /* prepare sets it */
    lstm__diag *d;
    struct lstm__plan *plan; /* the plan running the node (labels, subgraphs, buffers) */
    int planning;            /* prepare called while planning, before any run */
    lstm__carry *carry;      /* streaming: the node's carried state, else NULL */
    lstm_trace_fn trace;     /* gate tracing callback, else NULL */
    void *trace_ud;
    struct lstm__workers *workers; /* helper threads for large products, or NULL */
    uint64_t max_tensor_bytes;     /* limit on any output (0: none) */
    int (*abort)(void *ud);        /* polled between time steps; non-zero stops the run */
    void *abort_ud;
    char lbuf[640]; /* lstm__klabel's buffer */
} lstm__kctx;

/* Internal status: prepare needs values only the run computes (see lstm__need_value). */
#define LSTM__DEFER 1000

/* "node 'If_1' then_branch: node 'x' (LSTM, opset 14)" for messages, built on demand. */
const char *lstm__klabel(lstm__kctx *k);
/* The node's name qualified by its subgraph path ("If_1/then_branch/x"), for traces and
** profiles; unnamed nodes get their label. */
const char *lstm__kname(lstm__kctx *k);

/* Input idx must have readable values during prepare: a constant, a value computed from
** constants and shapes, or a value bound from outside the plan (recorded as a dependency of
** the plan). While planning, a value computed at run time defers the node (returns
** LSTM__DEFER, which is also left in k->d->code). An absent input is fine (the caller checks). */
int lstm__need_value(lstm__kctx *k, int idx, const char *what);
/* Defer the node to the run from its prepare while planning (returns LSTM__DEFER). */
int lstm__need_late(lstm__kctx *k);

/* Set an output's dtype and shape (computes nelem/nbytes with overflow checks). */
int lstm__rt_set(lstm__kctx *k, lstm__rt *t, int dtype, int rank, const int64_t *dims);
/* LSTM__OPF_RUN_SHAPES ops, in run: set output idx's type and shape and give it memory (a
** buffer kept by the plan that grows only when a larger shape appears). */
int lstm__out_alloc(lstm__kctx *k, int idx, int dtype, int rank, const int64_t *dims);
/* The same for a sequence output of n tensors, then each tensor with lstm__seq_item. */
lstm__seq *lstm__out_seq(lstm__kctx *k, int idx, int n);
lstm__rt *lstm__seq_item(lstm__kctx *k, lstm__seq *s, int i, int dtype, int rank,
                         const int64_t *dims);
/* Output idx holds nothing (an optional without element). */
int lstm__out_none(lstm__kctx *k, int idx);
/* Copy a value (tensor, sequence or none) into output idx (run-shaped ops). */
int lstm__out_copy(lstm__kctx *k, int idx, const lstm__rt *src);
/* Whether input idx is a sequence whose storage output may take: the input dies at this node
** (lstm__plan's in_move) and its storage belongs to the plan (or was handed over). */
int lstm__in_movable(lstm__kctx *k, int idx);
/* Output idx gets the value src: a sequence's storage is moved (swapped with the output's, in
** O(1)) when movable, else copied as lstm__out_copy. */
int lstm__out_move(lstm__kctx *k, int idx, const lstm__rt *src, int movable);
/* Output idx gets input in's value, moved when lstm__in_movable. */
int lstm__out_take(lstm__kctx *k, int idx, int in);
/* Item i of sequence q becomes a copy of tensor t (counted in the session's seq_copied). */
int lstm__seq_put(lstm__kctx *k, lstm__seq *q, int i, const lstm__rt *t);
/* n buffers the plan keeps for this node until the session closes (made on first call; the
** same n each time), for use within one run: a run refused for max_run_bytes empties them.
** NULL when out of memory (k->d says so). */
lstm__buf *lstm__node_bufs(lstm__kctx *k, int n);
/* Make b hold n bytes, keeping its contents; allocates only when it grows. Its bytes count
** against max_run_bytes: past it, LSTM_ELIMIT naming the node and what b holds. */
int lstm__buf_grow(lstm__kctx *k, lstm__buf *b, size_t n, const char *what);

/* Element count of dims; returns -1 on overflow or a negative dim. */
int64_t lstm__dims_count(int rank, const int64_t *dims);
/* "[2,3,4]" */
const char *lstm__dims_str(char *buf, size_t n, int rank, const int64_t *dims);

/* float16 / bfloat16 <-> float32. */
float lstm__f16_to_f32(uint16_t h);
uint16_t lstm__f32_to_f16(float f);
float lstm__bf16_to_f32(uint16_t h);
uint16_t lstm__f32_to_bf16(float f);

#endif
