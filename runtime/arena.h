/*
** arena.h — offsets for the tensors of one plan, from their lifetimes.
**
** Greedy by size (as TFLite Micro): blocks are placed largest first, each at the lowest 64-byte
** aligned offset clear of the placed blocks alive at a common step. Its conflicts are listed
** by one sweep over time, so this costs O(n log n + P log P) for P pairs of blocks alive
** together. When P passes LSTM__ARENA_PAIRS(n) (many blocks alive at once) the plan is a sweep
** instead, O(n log n): blocks in order of their first step (larger first within a step) each
** go into the lowest free interval that holds them, else at the top of the arena; a block's
** interval is freed after its last step and merged with its free neighbours (the intervals
** are a treap by offset that knows the largest interval in each subtree).
*/
#ifndef LSTM_ARENA_H
#define LSTM_ARENA_H

#include <stddef.h>
#include <stdint.h>

typedef struct lstm__block {
    size_t size;   /* bytes */
    int first;     /* first node (step) that uses it */
    int last;      /* last node that uses it, inclusive; >= first */
    size_t offset; /* result, multiple of 64 */
} lstm__block;

/* The greedy planner's budget of pairs of blocks alive together. */
#define LSTM__ARENA_PAIRS(n) (4 * (size_t)(n) + 32768)

/* Bytes of scratch lstm__arena_plan needs for n blocks (any alignment): three arrays of n
** sort entries, then the larger of the greedy planner's arrays and the sweep's n + 1 tree
** nodes (of at most LSTM__ARENA_NODE bytes). */
#define LSTM__ARENA_NODE 40
#define LSTM__ARENA_GREEDY_(n)                                                                     \
    (8 * (size_t)(n) + sizeof(int) * (4 * (size_t)(n) + 1 + LSTM__ARENA_PAIRS(n)))
#define LSTM__ARENA_SCRATCH(n)                                                                     \
    (8 + 24 * (size_t)(n) +                                                                        \
     (LSTM__ARENA_GREEDY_(n) > LSTM__ARENA_NODE * ((size_t)(n) + 1)                                \
          ? LSTM__ARENA_GREEDY_(n)                                                                 \
          : LSTM__ARENA_NODE * ((size_t)(n) + 1)))

/* Place n blocks: blocks alive at a common step never share a byte (zero-size blocks get
** offset 0 and take no space); each offset is a multiple of 64. poll (may be NULL) is called
** every few thousand blocks with ud; when it returns nonzero planning stops. Returns LSTM_OK
** with the arena size in *total; LSTM_ELIMIT with *total = SIZE_MAX when the size does not fit
** in a size_t; LSTM_EINVAL for n < 0 or a block with last < first; LSTM_EABORTED when poll
** asked to stop. */
int lstm__arena_plan(lstm__block *b, int n, void *scratch, int (*poll)(void *), void *ud,
                     size_t *total);

/* The same with the greedy planner's budget (at most LSTM__ARENA_PAIRS(n)); 0 always sweeps.
** For tests and benchmarks. */
int lstm__arena_plan_pairs(lstm__block *b, int n, void *scratch, size_t max_pairs,
                           int (*poll)(void *), void *ud, size_t *total);

#endif
