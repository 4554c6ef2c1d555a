/*
** registry.h — the one table of operator implementations (ops.def). Each row is registered
** once with (domain, op_type, since_version); a node resolves to the row with the highest
** since <= the model's opset for its domain. A row carries the op's phases (kernel.h) and its
** metadata: flags, the inputs that carry state when streaming, the sizes of its parameters and
** of its per-session node state.
*/
#ifndef LSTM_REGISTRY_H
#define LSTM_REGISTRY_H

#include "kernel.h"

/* Row flags. */
enum {
    LSTM__OPF_SHAPE_ONLY = 1, /* outputs depend only on input shapes (Shape, Size) */
    LSTM__OPF_RECURRENT = 2,  /* LSTM / GRU / RNN and com.microsoft DynamicQuantizeLSTM:
                              ** described, explained and traced as such */
    LSTM__OPF_ALIAS = 4,      /* output 0 may share input 0's memory (Reshape, Squeeze...) */
    LSTM__OPF_RUN_SHAPES = 8, /* output shapes are known only while running (control flow,
                              ** sequences): prepared and run at run time, never folded */
    LSTM__OPF_PLANNABLE = 16, /* a RUN_SHAPES op whose prepare may give its outputs' shapes
                              ** while planning (If on a condition known then); it returns
                              ** LSTM__DEFER when it cannot, and the node runs late */
    LSTM__OPF_RANDOM = 32     /* new values at every run (RandomNormal...): never folded at load
                              ** nor computed once while planning, whatever its inputs */
};

typedef struct lstm__op {
    const char *domain; /* "" for ai.onnx */
    const char *op_type;
    int since;          /* first opset version this row implements */
    unsigned flags;     /* LSTM__OPF_* */
    unsigned stream;    /* bit k: input k carries state between runs when streaming */
    size_t params_size; /* bytes parse fills once at load (the model owns them) */
    size_t state_size;  /* bytes of node state prepare writes (each session owns its own) */
    /* At load: attributes and static checks -> params. */
    int (*parse)(const lstm__graph *g, const lstm__node *n, int since, void *params, lstm__diag *d);
    /* At load, optional: pack constant weights into n->packed (graph pool). Returns an error
    ** only when memory runs out; a node it cannot pack is left to the run. */
    int (*pack)(lstm__graph *g, lstm__node *n, lstm__diag *d);
    /* Per set of input shapes: output types and shapes, scratch bytes, node state. */
    int (*prepare)(lstm__kctx *k);
    /* Per run: compute into planned memory; never allocates. */
    int (*run)(lstm__kctx *k);
} lstm__op;

/* Resolve every node of a linked graph: node->op, node->params (parsed once, graph pool) and
** node->support (NULL when the node can run, else why not — parse errors included).
** LSTM_ENOMEM only. */
int lstm__registry_resolve(lstm__graph *g, lstm__diag *d);

/* The row a node resolves to; NULL with the reason in d when there is none. */
const lstm__op *lstm__registry_find(const char *domain, const char *op_type, int64_t opset,
                                    lstm__diag *d);

int lstm__registry_count(void);
const lstm__op *lstm__registry_row(int i);

#endif
