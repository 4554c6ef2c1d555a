/* describe.h — lstm_model_describe's three formats (text, JSON, Graphviz) and what they share.
** Output goes through the caller's write callback; the library itself never prints. */
#ifndef LSTM_DESCRIBE_H
#define LSTM_DESCRIBE_H

#include "graph.h"
#include "ops/rnn_attrs.h"

/* A buffered writer over the caller's callback. */
typedef struct lstm__out {
    lstm_write_fn write;
    void *ud;
    size_t n;
    char buf[4096];
} lstm__out;

void lstm__outf(lstm__out *o, const char *fmt, ...) LSTM__FMT(2, 3);
void lstm__outc(lstm__out *o, int c);
void lstm__outs(lstm__out *o, const char *s);
void lstm__out_flush(lstm__out *o);
/* s as a JSON string literal ("" for NULL). */
void lstm__out_json_str(lstm__out *o, const char *s);

typedef struct lstm__dctx {
    const lstm__graph *g; /* NULL when nothing could be decoded */
    const char *path;
    int rc;                /* status of the load */
    const char *errmsg;    /* message when rc != 0 */
    int linked;            /* the graph passed linking: values and verdicts are valid */
    const char *only_node; /* --explain NODE (reserved) */
} lstm__dctx;

/* "3x?xbatch" style dims of a declared type into buf; "?" when the rank is unknown. */
const char *lstm__du_type_dims(char *buf, size_t n, const lstm__type *t, const char *sep);
const char *lstm__du_tensor_dims(char *buf, size_t n, const lstm__tensor *t, const char *sep);
const char *lstm__du_type_dtype(const lstm__type *t);
/* Attribute value as text ("bidirectional", "[1, 2]", "tensor float32 [2, 3]"). */
const char *lstm__du_attr_value(char *buf, size_t n, const lstm__attr *a);
const char *lstm__du_attr_type(int type);
/* Parameters: elements of floating-point initializers. */
int lstm__du_is_param(const lstm__tensor *t);
uint64_t lstm__du_node_params(const lstm__graph *g, const lstm__node *n);
uint64_t lstm__du_total_params(const lstm__graph *g);
/* Declared input i also has an initializer (a weight with a default, not a true input). */
int lstm__du_input_is_weight(const lstm__graph *g, int i);
int lstm__du_is_recurrent(const lstm__node *n);
/* com.microsoft DynamicQuantizeLSTM: W [D, input, 4H] and R [D, H, 4H], 8-bit with scales. */
int lstm__du_is_dqlstm(const lstm__node *n);

/* Subgraphs. A value read from an enclosing graph (LSTM__V_OUTER) comes from the value that
** defines it: returned, with its graph in *g (v itself and *g unchanged for a local value). */
const lstm__value *lstm__du_origin(const lstm__graph **g, const lstm__value *v);
/* The runtime's qualified name of graph g (lstm__kname: "If_1/then_branch/", the owner's name
** or "#index" when it has none), relative to graph top (NULL: to the main graph), into buf. */
const char *lstm__du_qualify(const lstm__graph *g, const lstm__graph *top, char *buf, size_t n);
/* A node's reason (n->support, or "not supported") without the node's own label in front. */
const char *lstm__du_reason(const lstm__graph *g, const lstm__node *n);
/* Calls fn for every node inside n's subgraphs (at any depth) that cannot run, with the graph
** holding it and the attribute of n it is under; returns how many. */
typedef void (*lstm__du_inside_fn)(void *ud, const lstm__attr *a, const lstm__graph *sg,
                                   const lstm__node *bad);
int lstm__du_unsupported_inside(const lstm__node *n, lstm__du_inside_fn fn, void *ud);
/* "its then_branch holds node 'x' (Foo): why; ..." for n's verdict, into buf; "" if none. */
const char *lstm__du_inside_text(const lstm__node *n, char *buf, size_t len);

/* Multiply-adds of a node (describe_macs.c): count with every symbolic or unknown dimension
** taken as 1, and those dimensions ("T", "batch", "?" for an unnamed unknown one). */
#define LSTM__MACS_FREE 4
typedef struct lstm__macs {
    uint64_t count;
    int n_free;
    const char *free[LSTM__MACS_FREE];
} lstm__macs;
/* 1 when the node is one whose multiply-adds are counted (Conv, ConvTranspose, Gemm, MatMul,
** LSTM, GRU, RNN) and the model states the shapes that need; 0 otherwise. */
int lstm__du_node_macs(const lstm__graph *g, const lstm__node *n, lstm__macs *m);
/* "1,234,567 x T x batch" */
const char *lstm__du_macs_text(const lstm__macs *m, char *buf, size_t len);

/* Totals over the graph and every subgraph. */
typedef struct lstm__du_totals {
    int64_t graphs, nodes, supported;
    uint64_t params, bytes;
    uint64_t macs;     /* multiply-adds of the nodes counted, free dimensions taken as 1 */
    int64_t macs_free; /* of which nodes had free dimensions */
} lstm__du_totals;
void lstm__du_count(const lstm__graph *g, lstm__du_totals *t);
/* Op histogram over the graph and its subgraphs, in first-seen order (depth first); returns
** the number of distinct ops. */
int lstm__du_histogram(const lstm__graph *g, const char **ops, int *counts, int cap);

void lstm__describe_text(lstm__out *f, const lstm__dctx *c);
void lstm__describe_json(lstm__out *f, const lstm__dctx *c);
void lstm__describe_dot(lstm__out *f, const lstm__dctx *c);

#endif
