/* ops.h — prototypes of every kernel named in ops.def. */
#ifndef LSTM_OPS_H
#define LSTM_OPS_H

#include "kernel.h"
#include "ops/misc_types.h"
#include "ops/random_types.h"
#include "ops/quant.h"
#include "ops/qlinear.h"
#include "ops/quant_contrib.h"
#include "ops/compress.h"
#include "ops/conv.h"
#include "ops/einsum.h"
#include "ops/logic_types.h"
#include "ops/attention.h"
#include "ops/norm_more.h"
#include "ops/pool_more.h"
#include "ops/reduce.h"
#include "ops/resize.h"
#include "ops/rnn.h"
#include "ops/signal.h"
#include "ops/unary.h"
#include "ops/grid_types.h"
#include "ops/newop_types.h"

typedef struct lstm__no_params {
    int unused;
} lstm__no_params;

typedef struct lstm__no_state {
    int unused;
} lstm__no_state;

typedef struct lstm__shape_params {
    int64_t start, end;
} lstm__shape_params;

typedef struct lstm__reshape_params {
    int64_t allowzero;
} lstm__reshape_params;

/* Reshape's end, shared by its versions: sh[n] with every entry resolved but the -1 at infer_at
** (or none: -1), known the product of the others; infers it, checks the element count and sets
** the output (messages name the node). */
int lstm__reshape_finish(lstm__kctx *k, const lstm__rt *x, int64_t *sh, int n, int infer_at,
                         int64_t known);

typedef struct lstm__axes_params {
    int n; /* -1 when the attribute is absent */
    int64_t axes[LSTM__MAX_RANK];
} lstm__axes_params;

typedef struct lstm__cos_params {
    int dtype;
    unsigned char value[16];
} lstm__cos_params;

typedef struct lstm__axis_params {
    int64_t axis;
} lstm__axis_params;

typedef struct lstm__transpose_params {
    int n; /* -1: reverse the dims */
    int64_t perm[LSTM__MAX_RANK];
} lstm__transpose_params;

typedef struct lstm__slice_params {
    int n; /* opset 1-9: attribute lists */
    int64_t starts[LSTM__MAX_RANK], ends[LSTM__MAX_RANK], axes[LSTM__MAX_RANK];
    int has_axes;
} lstm__slice_params;

typedef struct lstm__constant_params {
    const lstm__tensor *t; /* value, or the scalar/list forms materialised at parse time */
    int dtype;
    int rank;
    int64_t dims[1];
    const void *data;
    size_t nelem;
} lstm__constant_params;

typedef struct lstm__elt_params {
    int op;
    float alpha, beta; /* LeakyRelu alpha; HardSigmoid alpha, beta; Clip-6 min, max */
    int64_t opset;     /* the node's (Relu takes integers from 14) */
} lstm__elt_params;

typedef struct lstm__gemm_params {
    int64_t ta, tb;
    float alpha, beta;
} lstm__gemm_params;

/* MatMul's and Gemm's constant B packed at load (n->packed) for the simd GEMM of set isa. */
typedef struct lstm__linear_pack {
    int isa, K, N;
    const float *data;
} lstm__linear_pack;

typedef struct lstm__softmax_params {
    int64_t axis;
    int log;
} lstm__softmax_params;

/* Softmax's outer x len x inner view of input 0 at params' axis (the 2-D coercion before
** version 13): shared with Hardmax. */
int lstm__softmax_view(lstm__kctx *k, size_t *outer, size_t *len, size_t *inner);

typedef struct lstm__reduce_params {
    int op;
    int64_t keepdims, noop_empty;
    int n; /* attribute axes; -1 when absent */
    int64_t axes[LSTM__MAX_RANK];
} lstm__reduce_params;

typedef struct lstm__split_params {
    int64_t axis, num_outputs;
    int n; /* split attribute; -1 when absent */
    int64_t split[64];
} lstm__split_params;

typedef struct lstm__revseq_params {
    int64_t batch_axis, time_axis;
} lstm__revseq_params;

typedef struct lstm__cast_params {
    int to;
} lstm__cast_params;

/* Control flow (op_control.c): subgraph indices among the node's subgraphs. */
typedef struct lstm__if_params {
    int then_sub, else_sub;
} lstm__if_params;

typedef struct lstm__if_state {
    int planned; /* the branch's subgraph index + 1 when the plan chose it (the condition was
                 ** known while planning and the outputs' shapes came from its plan), else 0 */
} lstm__if_state;

typedef struct lstm__loop_params {
    int body, carried, scans;
} lstm__loop_params;

typedef struct lstm__loop_state {
    int64_t iter;       /* bound as the body's iteration_num */
    unsigned char cond; /* bound as the body's cond input */
} lstm__loop_state;

typedef struct lstm__scan_params {
    int body, v8, states, scan_in, scan_out;
    const int64_t *in_dir, *out_dir, *in_axis, *out_axis; /* the attributes, or NULL */
} lstm__scan_params;

/* Sequences (op_sequence.c). */
typedef struct lstm__seq_params {
    int dtype;
} lstm__seq_params;

typedef struct lstm__concat_seq_params {
    int64_t axis, new_axis;
} lstm__concat_seq_params;

typedef struct lstm__split_seq_params {
    int64_t axis, keepdims;
} lstm__split_seq_params;

typedef struct lstm__seq_map_params {
    int body;
} lstm__seq_map_params;

#include "ops/legacy.h"

int lstm__gemm_op_pack(lstm__graph *g, lstm__node *n, lstm__diag *d);
int lstm__matmul_op_pack(lstm__graph *g, lstm__node *n, lstm__diag *d);

#define LSTM__DECLARE_OP(pfx)                                                                      \
    int pfx##_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,            \
                    lstm__diag *d);                                                                \
    int pfx##_prepare(lstm__kctx *k);                                                              \
    int pfx##_run(lstm__kctx *k);

#define X(dom, ty, since, flags, stream, ptype, stype, pfx, pack) LSTM__DECLARE_OP(pfx)
#include "ops/ops.def"
#undef X

#endif
