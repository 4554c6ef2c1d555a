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
/* Op histogram in first-seen order; returns the number of distinct ops. */
int lstm__du_histogram(const lstm__graph *g, const char **ops, int *counts, int cap);

void lstm__describe_text(lstm__out *f, const lstm__dctx *c);
void lstm__describe_json(lstm__out *f, const lstm__dctx *c);
void lstm__describe_dot(lstm__out *f, const lstm__dctx *c);

#endif
