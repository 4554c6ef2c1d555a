/*
** rnn_attrs.h — the attributes of LSTM, GRU and RNN, parsed and validated once, with every
** default resolved (see ../shared/docs/rnn-semantics.md and the README for the decisions).
*/
#ifndef LSTM_RNN_ATTRS_H
#define LSTM_RNN_ATTRS_H

#include "graph.h"

enum { LSTM__CELL_RNN = 0, LSTM__CELL_GRU, LSTM__CELL_LSTM };
enum { LSTM__DIR_FORWARD = 0, LSTM__DIR_REVERSE, LSTM__DIR_BIDIRECTIONAL };

/* Activation functions, in the spec's order. */
enum {
    LSTM__ACT_RELU = 0,
    LSTM__ACT_TANH,
    LSTM__ACT_SIGMOID,
    LSTM__ACT_AFFINE,
    LSTM__ACT_LEAKYRELU,
    LSTM__ACT_THRESHOLDEDRELU,
    LSTM__ACT_SCALEDTANH,
    LSTM__ACT_HARDSIGMOID,
    LSTM__ACT_ELU,
    LSTM__ACT_SOFTSIGN,
    LSTM__ACT_SOFTPLUS,
    LSTM__ACT_COUNT
};

typedef struct lstm__act {
    int kind;      /* LSTM__ACT_* */
    float alpha;   /* used by Affine, LeakyRelu, ThresholdedRelu, ScaledTanh, HardSigmoid, Elu */
    float beta;    /* used by Affine, ScaledTanh, HardSigmoid */
    int alpha_set; /* 1 when taken from activation_alpha, 0 when the default */
    int beta_set;
} lstm__act;

/* Input and output positions. */
enum { RNN_IN_X = 0, RNN_IN_W, RNN_IN_R, RNN_IN_B, RNN_IN_SEQ, RNN_IN_H0, RNN_IN_C0, RNN_IN_P };
enum { RNN_OUT_Y = 0, RNN_OUT_YH, RNN_OUT_YC };

typedef struct lstm__rnn_params {
    int cell;            /* LSTM__CELL_* */
    int version;         /* operator version the node resolved to (7, 14, 22) */
    int gates;           /* G: 4 (LSTM, order i o f c), 3 (GRU, z r h), 1 (RNN) */
    int acts_per_dir;    /* 3 (LSTM f g h), 2 (GRU f g), 1 (RNN f) */
    int direction;       /* LSTM__DIR_* */
    int num_dirs;        /* 1 or 2 */
    int64_t hidden_size; /* H; 0 when absent and not inferable before run time */
    int hidden_given;    /* 1 when the attribute was present */
    int64_t input_size;  /* I when W's shape is known, else 0 */
    int layout;          /* 0: [T,B,...]; 1: [B,T,...] */
    int has_clip;
    float clip;              /* > 0 when has_clip */
    int input_forget;        /* LSTM: couple f = 1 - i */
    int linear_before_reset; /* GRU */
    int acts_given;          /* 1 when the activations attribute was present */
    lstm__act acts[6];       /* [dir * acts_per_dir + k] */
} lstm__rnn_params;

/* Parse and validate. since is the resolved operator version. Static shapes of W, R, B, P,
** initial_h and initial_c (initializers or declared inputs) are cross-checked. */
int lstm__rnn_parse(const lstm__graph *g, const lstm__node *n, int since, lstm__rnn_params *p,
                    lstm__diag *d);

/* The attributes only (cell: LSTM__CELL_*), for operators with LSTM's attributes and other
** inputs (com.microsoft DynamicQuantizeLSTM); lstm__rnn_parse calls it. */
int lstm__rnn_parse_attrs(const lstm__graph *g, const lstm__node *n, int since, int cell,
                          lstm__rnn_params *p, lstm__diag *d);

const char *lstm__act_name(int kind);
int lstm__act_takes_alpha(int kind);
int lstm__act_takes_beta(int kind);
const char *lstm__rnn_direction_name(int dir);
/* "iofc", "zrh" or "i". */
const char *lstm__rnn_gate_order(int cell);

#endif
