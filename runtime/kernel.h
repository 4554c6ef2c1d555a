/*
** kernel.h — what an operator implementation sees. Each op has four phases (TFLite style):
**   parse  once per node at session open: attributes -> params (no run-time shapes);
**   infer  whenever input shapes change: output dtypes/shapes and scratch bytes;
**   run    compute into planned memory; never allocates;
** and inputs whose values are known before the run (constants, shape arithmetic) can be read
** in infer (lstm__rt.data is non-NULL there for them).
*/
#ifndef LSTM_KERNEL_H
#define LSTM_KERNEL_H

#include "graph.h"

/* A run-time tensor: contiguous, row-major, ONNX dim order. */
typedef struct lstm__rt {
    int dtype;
    int rank;
    int64_t dims[LSTM__MAX_RANK];
    size_t nelem;
    size_t nbytes;
    void *data; /* NULL during infer unless the value is known before the run */
    int known;  /* 1 when data is known before the run (constant or shape arithmetic) */
    int input;  /* graph input index + 1 for a bound graph input (its data is readable while
                ** planning; a plan that reads it is redone when its values change) */
} lstm__rt;

/* Recurrent state a streaming session carries from one run to the next (one direction). */
typedef struct lstm__rnn_state {
    int valid;             /* h / c hold the state after the previous run */
    int64_t batch, hidden; /* their sizes */
    size_t cap;            /* floats allocated in h and c */
    size_t need;           /* floats this plan needs (set by infer) */
    float *h, *c;          /* [batch, hidden] */
} lstm__rnn_state;

typedef struct lstm__kctx {
    const lstm__graph *g;
    const lstm__node *n;
    int since;           /* operator version the node resolved to */
    lstm__rt **in;       /* n->n_in entries, NULL for absent inputs */
    lstm__rt **out;      /* n->n_out entries, NULL for absent outputs */
    void *params;        /* parsed parameters (parse fills, read-only afterwards) */
    void *scratch;       /* run: scratch_size bytes, 64-byte aligned */
    size_t scratch_size; /* infer sets it */
    lstm__diag *d;
    unsigned char *value_deps;     /* per graph input: set when infer reads its values */
    lstm__rnn_state *state;        /* streaming state of a recurrent node, else NULL */
    lstm_trace_fn trace;           /* gate tracing callback, else NULL */
    struct lstm__workers *workers; /* helper threads for large products, or NULL */
    void *trace_ud;
    uint64_t max_tensor_bytes; /* limit on any output (0: none) */
    int (*abort)(void *ud);    /* polled between time steps; non-zero stops the run */
    void *abort_ud;
    char label[200]; /* "node 'x' (LSTM, opset 14)" for messages */
} lstm__kctx;

/* Input idx must have readable values during infer: a constant, a value computed from
** constants and shapes, or a bound graph input (recorded as a dependency of the plan). Returns
** an error naming the input otherwise. An absent input is fine (the caller checks). */
int lstm__need_value(lstm__kctx *k, int idx, const char *what);

/* Set an output's dtype and shape (computes nelem/nbytes with overflow checks). */
int lstm__rt_set(lstm__kctx *k, lstm__rt *t, int dtype, int rank, const int64_t *dims);
/* Element count of dims; returns -1 on overflow or a negative dim. */
int64_t lstm__dims_count(int rank, const int64_t *dims);
/* "[2,3,4]" */
const char *lstm__dims_str(char *buf, size_t n, int rank, const int64_t *dims);
/* Fill k->label. */
void lstm__kctx_label(lstm__kctx *k);

/* float16 / bfloat16 <-> float32. */
float lstm__f16_to_f32(uint16_t h);
uint16_t lstm__f32_to_f16(float f);
float lstm__bf16_to_f32(uint16_t h);
uint16_t lstm__f32_to_bf16(float f);

#endif
