/* op_util.h — helpers shared by the graph operators (axes, int lists, attribute access). */
#ifndef LSTM_OP_UTIL_H
#define LSTM_OP_UTIL_H

#include "kernel.h"

#define LSTM__MAX_AXES LSTM__MAX_RANK

/* The entry points pfx_parse, pfx_prepare and pfx_run of one operator, calling a file's static
** parse_fn (given the extra arguments, its op code..., before the diagnostics), prepare_fn and
** run_fn. */
#define LSTM__OP_ENTRIES(pfx, parse_fn, prepare_fn, run_fn, ...)                                   \
    int pfx##_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,            \
                    lstm__diag *d)                                                                 \
    {                                                                                              \
        return parse_fn(g, n, since, params, __VA_ARGS__, d);                                      \
    }                                                                                              \
    int pfx##_prepare(lstm__kctx *k)                                                               \
    {                                                                                              \
        return prepare_fn(k);                                                                      \
    }                                                                                              \
    int pfx##_run(lstm__kctx *k)                                                                   \
    {                                                                                              \
        return run_fn(k);                                                                          \
    }

/* One member of an operator family sharing a file's static parse, prepare and run. */
#define LSTM__OP_FAMILY(pfx, ...) LSTM__OP_ENTRIES(pfx, parse, prepare, run, __VA_ARGS__)

/* Normalise axis (negative counts from the end) into [0, rank); error names the node. */
int lstm__axis(lstm__kctx *k, int64_t axis, int rank, int *out, const char *what);
/* Read the values of known input idx (int32 or int64, rank <= 1) into out (cap entries).
** *n gets the count. The input must be known before the run. */
int lstm__read_ints(lstm__kctx *k, int idx, const char *what, int64_t *out, int cap, int *n);
/* Integer / float / ints attribute with a default; type mismatches are errors (d). */
int lstm__attr_int(const lstm__graph *g, const lstm__node *n, const char *name, int64_t def,
                   int64_t *out, lstm__diag *d);
/* A 0 / 1 flag: other values are refused (engines read them differently: onnxruntime takes
** keepdims 7 as 0, ONNX's reference implementation as 1). */
int lstm__attr_flag(const lstm__graph *g, const lstm__node *n, const char *name, int64_t def,
                    int64_t *out, lstm__diag *d);
int lstm__attr_float(const lstm__graph *g, const lstm__node *n, const char *name, float def,
                     float *out, lstm__diag *d);
int lstm__attr_ints(const lstm__graph *g, const lstm__node *n, const char *name, int64_t *out,
                    int cap, int *count, lstm__diag *d);
/* String attribute `name` as the index of its value in names[count] (*out unchanged when
** absent); another value or type is refused with the list of those allowed. */
int lstm__attr_choice(const lstm__graph *g, const lstm__node *n, const char *name,
                      const char *const *names, int count, int *out, lstm__diag *d);
/* Refuse any attribute not in the NULL-terminated list. */
int lstm__attrs_allowed(const lstm__graph *g, const lstm__node *n, int since,
                        const char *const *names, lstm__diag *d);
/* Refuse a node whose input / output count is outside the ranges. */
int lstm__arity(const lstm__graph *g, const lstm__node *n, int min_in, int max_in, int min_out,
                int max_out, lstm__diag *d);
/* Copy t's shape into out dims; returns rank. */
static inline int lstm__shape_of(const lstm__rt *t, int64_t *dims)
{
    for (int i = 0; i < t->rank; i++) dims[i] = t->dims[i];
    return t->rank;
}
/* "node 'If_1' then_branch: node 'x' (Op, opset N)" for parse-time messages (buffers of
** LSTM__LABEL_MAX bytes). */
#define LSTM__LABEL_MAX 640
const char *lstm__node_ctx(const lstm__graph *g, const lstm__node *n, char *buf, size_t len);

/* ---- Element access for the generic (non-float32) paths ---- */
int lstm__is_float(int dtype);
int lstm__is_int(int dtype); /* signed or unsigned integer types (not bool) */
double lstm__get_f(const lstm__rt *t, size_t i);
int64_t lstm__get_i(const lstm__rt *t, size_t i);
void lstm__put_f(lstm__rt *t, size_t i, double v);
void lstm__put_i(lstm__rt *t, size_t i, int64_t v);
/* The smallest / largest value of an integer type (bool: 0 / 1) as 64 bits: uint64's largest is
** -1, its bits. */
/* lstm__get_f / lstm__put_f with float32 and float64 read and written directly. */
static inline double lstm__ld(const lstm__rt *t, size_t i)
{
    if (t->dtype == LSTM_DT_FLOAT) return ((const float *)t->data)[i];
    if (t->dtype == LSTM_DT_DOUBLE) return ((const double *)t->data)[i];
    return lstm__get_f(t, i);
}
static inline void lstm__st(lstm__rt *t, size_t i, double v)
{
    if (t->dtype == LSTM_DT_FLOAT)
        ((float *)t->data)[i] = (float)v;
    else if (t->dtype == LSTM_DT_DOUBLE)
        ((double *)t->data)[i] = v;
    else
        lstm__put_f(t, i, v);
}
int64_t lstm__int_lowest(int dtype);
int64_t lstm__int_highest(int dtype);

/* ---- numpy-style multidirectional broadcasting ---- */
typedef struct lstm__bcast {
    int rank;
    int64_t dims[LSTM__MAX_RANK];
    int n;                         /* inputs */
    int64_t st[4][LSTM__MAX_RANK]; /* element strides per input, 0 where broadcast */
} lstm__bcast;

/* Output shape of broadcasting n (<= 4) inputs; error names the node. */
int lstm__bcast_init(lstm__kctx *k, lstm__bcast *b, const lstm__rt *const *in, int n);
/* Visit every output element: fn(ctx, out_index, in_offsets). */
void lstm__bcast_each(const lstm__bcast *b, void (*fn)(void *ctx, size_t o, const size_t *off),
                      void *ctx);
/* Visit the output in spans: fn(ctx, o, off, step, n) covers outputs o .. o + n - 1, input i
** at offsets off[i] + j * step[i] (step 0: repeated). Adjacent axes through which every input
** steps alike are merged first, so that spans are as long as the layouts allow. */
void lstm__bcast_spans(const lstm__bcast *b,
                       void (*fn)(void *ctx, size_t o, const size_t *off, const size_t *step,
                                  size_t n),
                       void *ctx);

/* numpy matmul shapes: [..., M, K] x [..., K, N], a 1-D operand promoted (A to [1, K], B to
** [K, 1], the added axis dropped from the output), the batch axes broadcast. */
typedef struct lstm__mm_shape {
    int64_t M, K, N;
    int brank;                                        /* batch axes of the output */
    int64_t bdims[LSTM__MAX_RANK];                    /* their sizes */
    int64_t ast[LSTM__MAX_RANK], bst[LSTM__MAX_RANK]; /* A's / B's element strides, 0: broadcast */
    int out_rank;
    int64_t out[LSTM__MAX_RANK];
} lstm__mm_shape;

/* The shapes of the product of inputs 0 (A) and 1 (B); errors name the node. */
int lstm__mm_shape_of(lstm__kctx *k, lstm__mm_shape *m);
#endif
