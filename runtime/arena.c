/* arena.c — greedy offset planning from lifetimes (see arena.h). */
#include "arena.h"

#include <stdlib.h>

#define ALIGN(x) (((x) + 63) & ~(size_t)63)

static void sort_by_size(const lstm__block *b, int *order, int n)
{
    /* Insertion sort: plans are small (one entry per tensor) and this keeps it stable. */
    for (int i = 1; i < n; i++) {
        int v = order[i], j = i - 1;
        while (j >= 0 && b[order[j]].size < b[v].size) {
            order[j + 1] = order[j];
            j--;
        }
        order[j + 1] = v;
    }
}

size_t lstm__arena_plan(lstm__block *b, int n, int *order)
{
    size_t total = 0;
    for (int i = 0; i < n; i++) order[i] = i;
    sort_by_size(b, order, n);
    for (int k = 0; k < n; k++) {
        lstm__block *cur = &b[order[k]];
        size_t need = ALIGN(cur->size);
        if (need < cur->size) return (size_t)-1;
        size_t off = 0;
        /* Move past every placed block that overlaps in time and in space, until it fits. */
        for (int again = 1; again;) {
            again = 0;
            for (int j = 0; j < k; j++) {
                const lstm__block *o = &b[order[j]];
                if (o->last < cur->first || cur->last < o->first) continue;
                size_t oend = o->offset + ALIGN(o->size);
                if (off < oend && o->offset < off + need) {
                    off = oend;
                    again = 1;
                }
            }
        }
        cur->offset = off;
        if (off + need < off) return (size_t)-1;
        if (off + need > total) total = off + need;
    }
    return total;
}
