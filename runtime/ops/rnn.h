/*
** rnn.h — the shared LSTM / GRU / RNN kernel: run-time shape checks, scratch plan, the input
** projection for all steps as one GEMM, then per step the recurrent GEMM and one fused pass.
*/
#ifndef LSTM_RNN_H
#define LSTM_RNN_H

#include "kernel.h"
#include "ops/rnn_attrs.h"

/* Sizes of one run, from the run-time shapes. */
typedef struct lstm__rnn_dims {
    int64_t T, B, I, H, D, G;
} lstm__rnn_dims;

/* Per-direction operands of one run, all float32. */
typedef struct lstm__rnn_dir {
    const lstm__rnn_params *p;
    const lstm__rnn_dims *z;
    int d;                /* direction index: 0 forward part, 1 backward part */
    int reverse;          /* this pass consumes time backwards */
    const lstm__act *act; /* p->acts + d * acts_per_dir */
    const float *R;       /* [G*H, H] */
    const float *Rb;      /* [G*H] recurrence bias or NULL (GRU keeps Rbh apart) */
    const float *P;       /* LSTM peepholes [3H] (i, o, f) or NULL */
    float *xw;            /* [T*B, G*H]: X*W^T + biases, rows (t,b) in X's layout order */
    float *rg;            /* [B, G*H] scratch: H_prev * R^T */
    float *h, *c;         /* [B, H] state */
    float *tmp;           /* [B, G*H] gate pre-activations of the fused pass */
    float *tmp2;          /* [2, B, H] GRU lbr=0: r.H_prev and its product with Rh^T */
} lstm__rnn_dir;

/* One step for the active rows (lens[b] > s): the recurrent GEMM and the fused gate pass. The
** row of (t, b) in xw is layout ? b*T+t : t*B+b; t is s forward, lens[b]-1-s backward. */
void lstm__lstm_step(const lstm__rnn_dir *r, int64_t s, const int32_t *lens);
void lstm__gru_step(const lstm__rnn_dir *r, int64_t s, const int32_t *lens);
void lstm__rnn_step(const lstm__rnn_dir *r, int64_t s, const int32_t *lens);

/* Time index of step s for batch row b. */
static inline int64_t lstm__rnn_time(const lstm__rnn_dir *r, int64_t s, int64_t len)
{
    return r->reverse ? len - 1 - s : s;
}

static inline int64_t lstm__rnn_row(const lstm__rnn_dir *r, int64_t t, int64_t b)
{
    return r->p->layout ? b * r->z->T + t : t * r->z->B + b;
}

/* Registry hooks. */
int lstm__rnn_op_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                       lstm__diag *d);
int lstm__rnn_op_infer(lstm__kctx *k);
int lstm__rnn_op_run(lstm__kctx *k);

#endif
