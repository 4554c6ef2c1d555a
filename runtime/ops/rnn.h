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

/* Scratch slots. */
enum {
    RNN_S_XW,
    RNN_S_XG,
    RNN_S_RG,
    RNN_S_TMP,
    RNN_S_TMP2,
    RNN_S_H,
    RNN_S_C,
    RNN_S_BIAS,
    RNN_S_LENS,
    RNN_S_PACK,
    RNN_S_TRACE,
    RNN_S_X,
    RNN_S_W,
    RNN_S_R,
    RNN_S_B,
    RNN_S_H0,
    RNN_S_C0,
    RNN_S_P,
    RNN_S_Y,
    RNN_S_YH,
    RNN_S_YC,
    RNN_S_COUNT
};

/* Steps on one thread (large ones shared by units, rnn_cells.c, or by column panels), the two
** directions on two threads (each with its own slots), or each direction's batch rows split
** over the threads. */
enum { RNN_PAR_NONE, RNN_PAR_DIRS, RNN_PAR_ROWS };

/* Node state: sizes, threading and the scratch layout of one set of input shapes. */
typedef struct lstm__rnn_state {
    lstm__rnn_dims z;
    int dtype;       /* element type of the node's tensors */
    int par;         /* RNN_PAR_*: how the session's threads share the steps */
    int64_t chunk;   /* steps whose input projection is computed at a time */
    int gate_panels; /* weights packed by each run (not at load): lstm__rnn_gate_panels */
    size_t off[RNN_S_COUNT + 1];
    size_t dir_step[RNN_S_COUNT]; /* bytes from direction 0's copy of a slot to direction 1's */
} lstm__rnn_state;

/* Weights packed for lstm__gemm_packed (simd.h), per direction. W and R are packed whole
** (N = G*H), or gate by gate (each gate's H columns from a new panel: `gate_panels` panels per
** gate), so that threads can each take the same units of every gate (lstm__rnn_gate_panels). */
typedef struct lstm__rnn_pack {
    const float *w[2];  /* W_d^T: K = I, N = G*H */
    const float *r[2];  /* R_d^T: K = H, N = G*H (GRU with linear_before_reset 0: z and r only) */
    const float *rh[2]; /* GRU with linear_before_reset 0: Rh_d^T, K = N = H */
    int gate_panels;    /* > 0: W and R packed gate by gate, this many panels each */
} lstm__rnn_pack;

/* Panels per gate when W and R are to be packed gate by gate, else 0: LSTM and GRU with
** linear_before_reset (the cells the threads share by units, rnn_cells.c) when H is a whole
** number of panels (then both layouts are the same), or when the model runs on 2+ threads that
** share every step of its one direction (each gate padded to whole panels). */
int lstm__rnn_gate_panels(const lstm__rnn_params *p, int64_t H, int threads);
/* Floats one direction's packed weights take. */
size_t lstm__rnn_pack_floats(const lstm__rnn_params *p, int64_t I, int64_t H, int gate_panels);
/* Pack direction d of W [G*H, I] and R [G*H, H] (float32) into dst, pointers into pk. */
void lstm__rnn_pack_dir(const lstm__rnn_params *p, const float *W, const float *R, int64_t I,
                        int64_t H, int gate_panels, float *dst, lstm__rnn_pack *pk, int d);
/* Pack hook (at load): the constant weights of node n into the graph's pool (n->packed).
** Leaves nodes whose weights are not constants, or invalid, to the run. LSTM_ENOMEM only. */
int lstm__rnn_op_pack(lstm__graph *g, lstm__node *n, lstm__diag *d);

/* Per-direction operands of one run, all float32. */
typedef struct lstm__rnn_dir {
    const lstm__rnn_params *p;
    const lstm__rnn_dims *z;
    int d;                    /* direction index: 0 forward part, 1 backward part */
    int64_t b0, nb;           /* the batch rows this pass owns: b0 .. b0 + nb - 1 */
    int reverse;              /* this pass consumes time backwards */
    const lstm__act *act;     /* p->acts + d * acts_per_dir */
    int isa;                  /* simd.h kernel set */
    struct lstm__workers *wk; /* helper threads, or NULL */
    const float *Wp;          /* packed W_d^T (gate by gate when gate_panels) */
    const float *Rp;          /* packed R_d^T (GRU lbr=0: z and r columns) */
    int gate_panels;          /* Wp, Rp packed gate by gate (lstm__rnn_pack), or 0 */
    const float *Rhp;         /* GRU lbr=0: packed Rh_d^T */
    const float *bias;        /* [G*H]: Wb + Rb (GRU: Wb + Rb for z, r; Wbh for h) */
    const float *Rb;          /* GRU: Rbh [H] or NULL, kept apart for linear_before_reset */
    const float *P;           /* LSTM peepholes [3H] (i, o, f) or NULL */
    float *xw;                /* X*W^T of steps s0 .. s0 + chunk - 1: row (s - s0) * nb + b */
    int64_t s0;               /* the first step in xw */
    float *rg;                /* [B, G*H] scratch: H_prev * R^T (from row b0, as the next four) */
    float *h, *c;             /* [B, H] state */
    float *hn;                /* [B, H]: the next h when threads split a step by units */
    float *tmp;               /* [B, G*H] gate pre-activations of the fused pass */
    float *tmp2;              /* [2, B, H] GRU lbr=0: r.H_prev and its product with Rh^T */
    float *trace;             /* [gates, T, D, B, H] when tracing, else NULL */
} lstm__rnn_dir;

/* One step for the active rows (lens[b] > s) of the range: the recurrent GEMM and the fused
** gate pass. lens starts at row b0. Step s of row b consumes time t = s forward,
** lens[b]-1-s backward. The LSTM and GRU steps return 1 when they wrote H_t to r->hn instead
** of r->h (the session's threads took a share of the units each: the caller swaps the two). */
int lstm__lstm_step(const lstm__rnn_dir *r, int64_t s, const int32_t *lens);
int lstm__gru_step(const lstm__rnn_dir *r, int64_t s, const int32_t *lens);
void lstm__rnn_step(const lstm__rnn_dir *r, int64_t s, const int32_t *lens);
/* The LSTM step after its recurrent product: the gates of the active rows from r->xw and the
** product H_prev * R^T already in r->rg (lstm__lstm_step computes it, DynamicQuantizeLSTM
** computes it in integers), updating r->c and r->h. */
void lstm__lstm_gates(const lstm__rnn_dir *r, int64_t s, const int32_t *lens);

/* xw = xg * W^T for `rows` rows of X gathered in xg (the chunk's steps), split over the threads
** like the steps that use it. */
void lstm__rnn_project(const lstm__rnn_dir *r, int rows, const float *xg);

/* Gate names in trace order. */
int lstm__rnn_trace_gates(int cell, const char *const **names);

/* Record gate g's values v[H] of batch row b at time t (tracing only). */
static inline void lstm__trace_put(const lstm__rnn_dir *r, int g, int64_t t, int64_t b,
                                   const float *v)
{
    if (!r->trace) return;
    const int64_t T = r->z->T, D = r->z->D, B = r->z->B, H = r->z->H;
    float *dst = r->trace + (((g * T + t) * D + r->d) * B + r->b0 + b) * H;
    for (int64_t j = 0; j < H; j++) dst[j] = v[j];
}

/* Time index of step s for batch row b. */
static inline int64_t lstm__rnn_time(const lstm__rnn_dir *r, int64_t s, int64_t len)
{
    return r->reverse ? len - 1 - s : s;
}

/* X*W^T (G*H floats) for step s of the range's row b. */
static inline const float *lstm__rnn_xw(const lstm__rnn_dir *r, int64_t s, int64_t b)
{
    return r->xw + ((s - r->s0) * r->nb + b) * r->z->G * r->z->H;
}

/* float64 (rnn_f64.c): the scratch layout of pl's dims in pl->off (-1 when its size overflows),
** and a run with sequence_lens validated in lens (steps: the largest) and the trace slot or
** NULL. */
int lstm__rnn_f64_plan(lstm__rnn_state *pl, int trace_gates);
int lstm__rnn_f64_run(lstm__kctx *k, const lstm__rnn_state *pl, const int32_t *lens, int64_t steps,
                      float *trace);

/* Registry hooks (also lstm__rnn_op_pack above). The streamed inputs: initial_h and initial_c. */
#define LSTM__RNN_STREAM ((1u << RNN_IN_H0) | (1u << RNN_IN_C0))
int lstm__rnn_op_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                       lstm__diag *d);
int lstm__rnn_op_prepare(lstm__kctx *k);
/* sequence_lens (input 4, or T for every row) into lens, validated; *steps the largest. */
int lstm__rnn_read_lens(lstm__kctx *k, int64_t T, int64_t B, int32_t *lens, int64_t *steps);
/* The streamed state of a recurrent node (k->carry, when the session streams): refused unless
** the node runs forward only, checked against batch B, sized for h and c of B x H elements of
** elem bytes. */
int lstm__rnn_carry_prepare(lstm__kctx *k, const lstm__rnn_params *p, int64_t B, int64_t H,
                            size_t elem);
int lstm__rnn_op_run(lstm__kctx *k);

#endif
