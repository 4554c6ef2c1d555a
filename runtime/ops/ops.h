/* ops.h — prototypes of every kernel named in ops.def. */
#ifndef LSTM_OPS_H
#define LSTM_OPS_H

#include "kernel.h"
#include "ops/rnn.h"

typedef struct lstm__no_params {
    int unused;
} lstm__no_params;

#define LSTM__DECLARE_OP(pfx)                                                                  \
    int pfx##_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,        \
                    lstm__diag *d);                                                            \
    int pfx##_infer(lstm__kctx *k);                                                            \
    int pfx##_run(lstm__kctx *k);

#define X(dom, ty, since, flags, ptype, pfx) LSTM__DECLARE_OP(pfx)
#include "ops/ops.def"
#undef X

#endif
