/* reduce_walk.c — the walk over each output's reduced elements (reduce.h). */
#include "ops/reduce.h"

#include <string.h>

void lstm__rwalk_init(lstm__rwalk *w, const lstm__rt *x, const int *red)
{
    int64_t st[LSTM__MAX_RANK], s = 1;
    int prev = -1; /* kind of the last axis kept in a group: 0 kept, 1 reduced */
    memset(w, 0, sizeof *w);
    w->count = 1;
    w->nout = 1;
    for (int i = x->rank - 1; i >= 0; i--) {
        st[i] = s;
        s *= x->dims[i];
    }
    for (int i = 0; i < x->rank; i++) {
        int64_t d = x->dims[i];
        int r = red[i] != 0;
        if (r)
            w->count *= (size_t)d;
        else
            w->nout *= (size_t)d;
        if (d == 1) continue; /* size-1 axes move nothing */
        if (d == 0) {         /* nothing to walk on this side */
            prev = -1;
            continue;
        }
        int64_t *dim = r ? w->rdim : w->kdim, *str = r ? w->rst : w->kst;
        int *n = r ? &w->nr : &w->nk;
        if (prev == r) { /* adjacent to the group before: one axis of both */
            dim[*n - 1] *= d;
            str[*n - 1] = st[i];
        } else {
            dim[*n] = d;
            str[*n] = st[i];
            (*n)++;
        }
        prev = r;
    }
    w->run = w->nr && w->rst[w->nr - 1] == 1 ? (size_t)w->rdim[w->nr - 1] : 1;
    w->nruns = w->count / w->run;
}

size_t lstm__rwalk_base(const lstm__rwalk *w, size_t o)
{
    size_t off = 0;
    for (int j = w->nk - 1; j >= 0; j--) {
        size_t d = (size_t)w->kdim[j];
        off += o % d * (size_t)w->kst[j];
        o /= d;
    }
    return off;
}

size_t lstm__rwalk_block(const lstm__rwalk *w, size_t o, size_t max)
{
    if (!w->nk || w->kst[w->nk - 1] != 1) return 1;
    size_t run = (size_t)w->kdim[w->nk - 1], n = run - o % run, left = w->nout - o;
    n = n < left ? n : left;
    return n < max ? n : max;
}
