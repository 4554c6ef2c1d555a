/*
** arena.h — offsets for the tensors of one plan, from their lifetimes (TFLite Micro's greedy
** planner): blocks are placed largest first at the lowest 64-byte aligned offset that does not
** overlap a placed block alive at the same time.
*/
#ifndef LSTM_ARENA_H
#define LSTM_ARENA_H

#include <stddef.h>

typedef struct lstm__block {
    size_t size;   /* bytes */
    int first;     /* first node (step) that uses it */
    int last;      /* last node that uses it, inclusive */
    size_t offset; /* result, multiple of 64 */
} lstm__block;

/* Place n blocks; order is scratch for n ints. Returns the arena size, or (size_t)-1 when it
** overflows. */
size_t lstm__arena_plan(lstm__block *b, int n, int *order);

#endif
