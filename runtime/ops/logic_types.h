/* logic_types.h — parameters and node state of And / Or / Xor, BitShift, Mod (op_logic.c),
** Trilu, EyeLike (op_diag.c), OneHot, GatherND (op_onehot_gathernd.c), DepthToSpace and
** SpaceToDepth (op_space.c). */
#ifndef LSTM_LOGIC_TYPES_H
#define LSTM_LOGIC_TYPES_H

#include "kernel.h"

typedef struct lstm__logic_params {
    int op;       /* op_logic.c's operator code */
    int legacy;   /* And / Or / Xor 1: broadcast attribute set (B broadcasts to A's shape) */
    int has_axis; /* version 1: axis attribute given */
    int64_t axis; /* version 1: where B's dims start in A's */
    int64_t fmod; /* Mod */
    int right;    /* BitShift direction RIGHT */
} lstm__logic_params;

typedef struct lstm__trilu_params {
    int64_t upper;
} lstm__trilu_params;

typedef struct lstm__eyelike_params {
    int64_t k;
    int dtype; /* 0: the input's type */
} lstm__eyelike_params;

typedef struct lstm__onehot_params {
    int64_t axis;
} lstm__onehot_params;

typedef struct lstm__onehot_state {
    int axis;      /* where the one-hot dimension goes in the output */
    int64_t depth; /* read from the depth input while preparing */
} lstm__onehot_state;

typedef struct lstm__gathernd_params {
    int64_t batch_dims;
} lstm__gathernd_params;

typedef struct lstm__space_params {
    int64_t blocksize;
    int crd;      /* DepthToSpace mode CRD (else DCR) */
    int to_depth; /* SpaceToDepth */
} lstm__space_params;

#endif
