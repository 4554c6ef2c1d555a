/* norm_more.h — parameters and prepared state of GroupNormalization (op_groupnorm.c),
** RMSNormalization (op_rmsnorm.c) and RotaryEmbedding (op_rotary.c). */
#ifndef LSTM_NORM_MORE_H
#define LSTM_NORM_MORE_H

#include "kernel.h"

typedef struct lstm__gn_params {
    float epsilon;
    int64_t groups;
    int stash64;   /* stash_type 11: stage one in double; else 1: in float32 */
    int per_group; /* version 18: scale and bias hold one value per group */
} lstm__gn_params;

typedef struct lstm__gn_state {
    int64_t N, C, S, cpg; /* batch, channels, spatial size, channels per group */
    int stash64;          /* stage one in double (stash_type 11, or float64 X at version 18) */
} lstm__gn_state;

typedef struct lstm__rms_params {
    int64_t axis;
    float epsilon;
    int stash64; /* stash_type 11: stage one in double; else 1: in float32 */
} lstm__rms_params;

typedef struct lstm__rms_state {
    int64_t outer, inner;
    int plain;                   /* scale holds the normalised shape: read row-wise */
    int64_t sst[LSTM__MAX_RANK]; /* else its element strides over X's shape, 0: broadcast */
} lstm__rms_state;

typedef struct lstm__rope_params {
    int64_t interleaved, rot_dim, num_heads; /* num_heads 0: absent */
} lstm__rope_params;

typedef struct lstm__rope_state {
    int64_t B, H, S, D; /* batch, heads, sequence, head size */
    int64_t half;       /* rotated pairs per head */
    int64_t cdim;       /* the caches' last dimension */
    int64_t max_pos;    /* position_ids: the caches' first dimension */
    int four_d;         /* X is [B, H, S, D]; else [B, S, H * D] */
} lstm__rope_state;

/* stash_type (GroupNormalization 21, RMSNormalization): 1 (float32) and 11 (double) are
** honoured (*stash64 set for 11); 10 and 16 (float16, bfloat16) are refused by name, other
** values are not in the spec. Errors name the node. */
int lstm__norm_stash(const lstm__graph *g, const lstm__node *n, int *stash64, lstm__diag *d);
/* Element i of X as stage one reads it: rounded to float32 unless stash64. */
double lstm__norm_get(const lstm__rt *X, size_t i, int stash64);
/* v rounded to float32 (stage one's precision when !stash64), then to float type dtype. */
double lstm__norm_round(double v, int stash64, int dtype);

#endif
