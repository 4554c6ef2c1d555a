/* attention.h — parameters and prepared state of Attention (op_attention.c). */
#ifndef LSTM_ATTENTION_H
#define LSTM_ATTENTION_H

#include "kernel.h"

typedef struct lstm__attn_params {
    int64_t is_causal, q_heads, kv_heads; /* heads 0: attribute absent */
    int64_t mode;                         /* qk_matmul_output_mode 0-3 */
    int64_t softmax_precision;            /* 0: absent */
    float scale, softcap;
    int has_scale;
} lstm__attn_params;

typedef struct lstm__attn_state {
    int64_t B, Hq, Hkv, S, Tn, P, T, D, Dv; /* batch, heads, lengths (new, past, total), sizes */
    int three_d;                            /* Q, K, V are [batch, sequence, heads * size] */
    int dbl;                                /* compute in double (float64); else in float32 */
    int sp_round;                           /* softmax inputs / outputs rounded to this type */
    int sp_double;                          /* softmax in double */
    int mask;                               /* 0: none, 1: bool, 2: additive (Q's type) */
    int64_t mst[4]; /* mask element strides over (b, h, s, t), 0: broadcast */
    int64_t mask_t; /* the mask's last dimension (padded to T) */
    double scale;
    size_t q_off, k_off, v_off, sc_off, y_off, full_off; /* scratch layout (bytes) */
} lstm__attn_state;

#endif
