/*
** registry.h — the one table of operator implementations (ops.def). Each row is registered
** once with (domain, op_type, since_version); a node resolves to the row with the highest
** since <= the model's opset for its domain.
*/
#ifndef LSTM_REGISTRY_H
#define LSTM_REGISTRY_H

#include "kernel.h"

/* Row flags. */
enum {
    LSTM__OPF_SHAPE_ONLY = 1, /* outputs depend only on input shapes (Shape, Size) */
    LSTM__OPF_RECURRENT = 2   /* LSTM / GRU / RNN: may carry state when streaming */
};

#define LSTM__PARAMS_MAX 1024 /* bytes; every params struct fits (checked at compile time) */

typedef struct lstm__op {
    const char *domain; /* "" for ai.onnx */
    const char *op_type;
    int since;      /* first opset version this row implements */
    unsigned flags; /* LSTM__OPF_* */
    size_t params_size;
    /* Once per node: attributes and static checks -> params. */
    int (*parse)(const lstm__graph *g, const lstm__node *n, int since, void *params, lstm__diag *d);
    int (*infer)(lstm__kctx *k);
    int (*run)(lstm__kctx *k);
} lstm__op;

/* Resolve every node of a linked graph: node->op, and node->support (NULL when the node can
** run, else why not — parse errors included). */
void lstm__registry_resolve(lstm__graph *g);

/* The row a node resolves to; NULL with the reason in d when there is none. */
const lstm__op *lstm__registry_find(const char *domain, const char *op_type, int64_t opset,
                                    lstm__diag *d);

int lstm__registry_count(void);
const lstm__op *lstm__registry_row(int i);

#endif
