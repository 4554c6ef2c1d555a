/* einsum.h — parameters and node state of Einsum. */
#ifndef LSTM_EINSUM_H
#define LSTM_EINSUM_H

#include "kernel.h"

#define LSTM__EINSUM_MAX_IN  16 /* operands */
#define LSTM__EINSUM_LETTERS 52 /* A-Z then a-z, in ASCII order */
#define LSTM__EINSUM_MAX_IDX (LSTM__EINSUM_LETTERS + LSTM__MAX_RANK)

/* One term of the equation: its letters (0..51) in order, the ellipsis before lab[ell]. */
typedef struct lstm__einsum_term {
    int n;   /* letters */
    int ell; /* -1: no ellipsis */
    unsigned char lab[LSTM__MAX_RANK];
} lstm__einsum_term;

typedef struct lstm__einsum_params {
    int nin;
    int explicit_out; /* "->" given */
    lstm__einsum_term in[LSTM__EINSUM_MAX_IN];
    lstm__einsum_term out; /* explicit output */
} lstm__einsum_params;

/* Indices 0..nout-1 are the output's axes in order, nout..nidx-1 the summed ones. gemm: a
** float32 (batched) matrix product, batch x [M,K] x [K,N] (ta, tb: the operands hold [K,M],
** [N,K]), done by the BLAS. */
typedef struct lstm__einsum_state {
    int nidx, nout;
    int gemm, ta, tb;
    int64_t gb, gm, gn, gk;
    int64_t inner; /* steps per output element: the product of the summed sizes */
    int64_t size[LSTM__EINSUM_MAX_IDX];
    int64_t st[LSTM__EINSUM_MAX_IN][LSTM__EINSUM_MAX_IDX]; /* element strides per operand */
} lstm__einsum_state;

#endif
