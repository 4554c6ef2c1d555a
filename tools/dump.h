/* dump.h — what lstm-dump's three formats (text, JSON, Graphviz) share. */
#ifndef LSTM_DUMP_H
#define LSTM_DUMP_H

#include "graph.h"
#include "ops/rnn_attrs.h"

#include <stdio.h>

typedef struct dump_ctx {
    const lstm__graph *g; /* NULL when nothing could be decoded */
    const char *path;
    int rc;               /* status of the load */
    const char *errmsg;   /* message when rc != 0 */
    int linked;           /* the graph passed linking: values and verdicts are valid */
    const char *only_node; /* --explain NODE (reserved) */
} dump_ctx;

/* "3x?xbatch" style dims of a declared type into buf; "?" when the rank is unknown. */
const char *du_type_dims(char *buf, size_t n, const lstm__type *t, const char *sep);
const char *du_tensor_dims(char *buf, size_t n, const lstm__tensor *t, const char *sep);
const char *du_type_dtype(const lstm__type *t);
/* Attribute value as text ("bidirectional", "[1, 2]", "tensor float32 [2, 3]"). */
const char *du_attr_value(char *buf, size_t n, const lstm__attr *a);
const char *du_attr_type(int type);
/* Parameters: elements of floating-point initializers. */
int du_is_param(const lstm__tensor *t);
uint64_t du_node_params(const lstm__graph *g, const lstm__node *n);
uint64_t du_total_params(const lstm__graph *g);
/* Declared input i also has an initializer (a weight with a default, not a true input). */
int du_input_is_weight(const lstm__graph *g, int i);
int du_is_recurrent(const lstm__node *n);
/* Op histogram in first-seen order; returns the number of distinct ops. */
int du_histogram(const lstm__graph *g, const char **ops, int *counts, int cap);

void dump_text(FILE *f, const dump_ctx *c);
void dump_json(FILE *f, const dump_ctx *c);
void dump_dot(FILE *f, const dump_ctx *c);

#endif
