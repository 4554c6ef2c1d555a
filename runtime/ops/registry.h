/*
** registry.h — the one table of operator implementations. Each row is registered once with
** (domain, op_type, since_version); a node resolves to the row with the highest since <= the
** model's opset for its domain.
*/
#ifndef LSTM_REGISTRY_H
#define LSTM_REGISTRY_H

#include "graph.h"

typedef struct lstm__op {
    const char *domain;  /* "" for ai.onnx */
    const char *op_type;
    int since;           /* first opset version this row implements */
    /* Load-time checks that need no run-time shapes: attributes, arity, constant shapes.
    ** Returns a status with the reason in d. */
    int (*check)(const lstm__graph *g, const lstm__node *n, int since, lstm__diag *d);
    int has_kernel;      /* 0 while only the checks exist */
} lstm__op;

/* Resolve every node of a linked graph: sets node->op, and node->support to NULL when the
** node can run or to the reason it cannot. */
void lstm__registry_resolve(lstm__graph *g);

/* The row a node resolves to; NULL with the reason in d when there is none. */
const lstm__op *lstm__registry_find(const char *domain, const char *op_type, int64_t opset,
                                    lstm__diag *d);

/* Number of rows and row access (for listings). */
int lstm__registry_count(void);
const lstm__op *lstm__registry_row(int i);

#endif
