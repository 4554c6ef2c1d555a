/* random_types.h — parameters and node state of the random operators (op_random.c). */
#ifndef LSTM_RANDOM_TYPES_H
#define LSTM_RANDOM_TYPES_H

#include "kernel.h"

enum {
    LSTM__RND_NORMAL,
    LSTM__RND_UNIFORM,
    LSTM__RND_NORMAL_LIKE,
    LSTM__RND_UNIFORM_LIKE,
    LSTM__RND_BERNOULLI,
    LSTM__RND_MULTINOMIAL
};

typedef struct lstm__random_params {
    int kind;            /* LSTM__RND_* */
    int dtype;           /* output type; 0: the input's */
    float a, b;          /* mean and scale, or low and high */
    int has_seed;        /* the seed attribute is given */
    float seed;          /* its value */
    int64_t sample_size; /* Multinomial */
    int rank;            /* RandomNormal / RandomUniform: the shape attribute */
    int64_t shape[LSTM__MAX_RANK];
} lstm__random_params;

/* The node's generator (xoshiro256++), seeded at its first prepare in a session. */
typedef struct lstm__random_state {
    uint64_t s[4];
    int seeded;
} lstm__random_state;

#endif
