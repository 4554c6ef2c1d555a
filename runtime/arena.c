/* arena.c — offset planning from lifetimes: greedy by size, or a sweep (see arena.h). */
#include "arena.h"
#include "lstm.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#define ALIGN(x)   (((x) + 63) & ~(size_t)63)
#define POLL_EVERY 4096 /* units of work (about one block each) between two calls of poll */

typedef struct poller {
    int (*poll)(void *);
    void *ud;
    size_t count, next;
} poller;

/* Count `steps` units of work; nonzero when poll, called once every POLL_EVERY units, asks to
** stop. */
static int stop(poller *p, size_t steps)
{
    p->count += steps;
    if (!p->poll || p->count < p->next) return 0;
    p->next = p->count + POLL_EVERY;
    return p->poll(p->ud) != 0;
}

/* Sort entries are key << 32 | block index. */
#define IDX(e) ((int)(uint32_t)(e))

/* Stable radix sort of e[0..n) by key (at most `range`), so equal keys keep index order
** (tmp: n entries). Returns nonzero when aborted. */
static int radix(uint64_t *e, uint64_t *tmp, int n, uint32_t range, poller *p)
{
    uint64_t *src = e, *dst = tmp;
    for (int shift = 32; shift < 64 && range >> (shift - 32); shift += 8) {
        size_t count[257] = {0};
        for (int i = 0; i < n; i++) count[(src[i] >> shift & 255) + 1]++;
        for (int d = 0; d < 256; d++) count[d + 1] += count[d];
        for (int i = 0; i < n; i++) dst[count[src[i] >> shift & 255]++] = src[i];
        uint64_t *t = src;
        src = dst;
        dst = t;
        if (stop(p, (size_t)n)) return 1;
    }
    if (src != e) memcpy(e, src, sizeof *e * (size_t)n);
    return 0;
}

/* Entries of the blocks by first step (by_last: last step), then by index. */
static int sort_steps(const lstm__block *b, int n, int by_last, uint64_t *out, uint64_t *tmp,
                      poller *p)
{
    int lo = INT_MAX, hi = INT_MIN;
    for (int i = 0; i < n; i++) {
        int t = by_last ? b[i].last : b[i].first;
        lo = t < lo ? t : lo;
        hi = t > hi ? t : hi;
    }
    for (int i = 0; i < n; i++) {
        int t = by_last ? b[i].last : b[i].first;
        out[i] = (uint64_t)(uint32_t)((int64_t)t - lo) << 32 | (uint32_t)i;
    }
    return radix(out, tmp, n, n ? (uint32_t)((int64_t)hi - lo) : 0, p);
}

/* A block's size in 64-byte units, at most UINT32_MAX (sizes from 2^38 bytes up compare
** equal). */
static uint32_t units(size_t size)
{
    size_t u = ALIGN(size) >> 6;
    return u > UINT32_MAX ? UINT32_MAX : (uint32_t)u;
}

/* ---- Greedy by size: each block, largest first, at the lowest offset clear of the placed
** blocks alive at a common step (its conflicts, listed ahead). */

typedef struct greedy_work {
    int *rank;  /* block -> position in size order */
    int *pos;   /* block -> position in live, while alive */
    int *live;  /* the blocks alive at the step of the sweep */
    int *start; /* block -> end of its conflict list in list (after filling) */
    int *list;  /* conflicts, each pair listed once: under the later block in size order */
    size_t budget;
} greedy_work;

/* Sweep over time listing each pair of nonzero blocks alive at a common step: count them
** into start (fill = 0) or write them into list (fill = 1). Returns the number of pairs, or
** SIZE_MAX past the budget or when aborted (*aborted set). */
static size_t pairs(const lstm__block *b, int n, const uint64_t *by_first, const uint64_t *by_last,
                    greedy_work *w, int fill, poller *p, int *aborted)
{
    size_t np = 0;
    int nlive = 0;
    for (int k = 0, e = 0; k < n; k++) {
        int x = IDX(by_first[k]);
        for (; e < n && b[IDX(by_last[e])].last < b[x].first; e++) {
            int d = IDX(by_last[e]);
            if (!b[d].size) continue;
            int at = w->pos[d];
            w->live[at] = w->live[--nlive];
            w->pos[w->live[at]] = at;
        }
        if (!b[x].size) continue;
        if ((np += (size_t)nlive) > w->budget) return SIZE_MAX;
        for (int i = 0; i < nlive; i++) {
            int y = w->live[i];
            int later = w->rank[x] > w->rank[y] ? x : y;
            if (fill)
                w->list[w->start[later]++] = later == x ? y : x;
            else
                w->start[later + 1]++;
        }
        w->pos[x] = nlive;
        w->live[nlive++] = x;
        if (stop(p, 1 + (size_t)nlive)) {
            *aborted = 1;
            return SIZE_MAX;
        }
    }
    return np;
}

static void sift(const lstm__block *b, int *v, int i, int end)
{
    for (int c; (c = 2 * i + 1) < end; i = c) {
        if (c + 1 < end && b[v[c + 1]].offset > b[v[c]].offset) c++;
        if (b[v[c]].offset <= b[v[i]].offset) return;
        int t = v[c];
        v[c] = v[i];
        v[i] = t;
    }
}

/* Order the block indices v[0..m) by offset: insertion sort when short, else heap sort. */
static void sort_offsets(const lstm__block *b, int *v, int m)
{
    if (m <= 16) {
        for (int i = 1; i < m; i++) {
            int x = v[i], j = i;
            for (; j > 0 && b[v[j - 1]].offset > b[x].offset; j--) v[j] = v[j - 1];
            v[j] = x;
        }
        return;
    }
    for (int k = m / 2 - 1; k >= 0; k--) sift(b, v, k, m);
    for (int end = m - 1; end > 0; end--) {
        int t = v[0];
        v[0] = v[end];
        v[end] = t;
        sift(b, v, 0, end);
    }
}

/* Returns LSTM_OK, LSTM_ELIMIT on overflow, LSTM_EABORTED, or -1 when the conflicts pass the
** budget (the caller then sweeps). */
static int greedy(lstm__block *b, int n, const uint64_t *by_first, const uint64_t *by_last,
                  uint64_t *by_size, uint64_t *tmp, greedy_work *w, poller *p, size_t *total)
{
    /* Larger first, then by index. */
    uint32_t lo = UINT32_MAX, hi = 0;
    for (int i = 0; i < n; i++) {
        uint32_t u = units(b[i].size);
        lo = u < lo ? u : lo;
        hi = u > hi ? u : hi;
    }
    for (int i = 0; i < n; i++) by_size[i] = (uint64_t)(hi - units(b[i].size)) << 32 | (uint32_t)i;
    if (radix(by_size, tmp, n, n ? hi - lo : 0, p)) return LSTM_EABORTED;
    for (int k = 0; k < n; k++) w->rank[IDX(by_size[k])] = k;
    int aborted = 0;
    memset(w->start, 0, sizeof *w->start * ((size_t)n + 1));
    if (pairs(b, n, by_first, by_last, w, 0, p, &aborted) == SIZE_MAX)
        return aborted ? LSTM_EABORTED : -1;
    for (int i = 0; i < n; i++) w->start[i + 1] += w->start[i];
    pairs(b, n, by_first, by_last, w, 1, p, &aborted); /* start[i]: now the end of i's list */
    if (aborted) return LSTM_EABORTED;
    size_t top = 0;
    for (int k = 0; k < n; k++) {
        lstm__block *x = &b[IDX(by_size[k])];
        x->offset = 0;
        if (!x->size) continue;
        int i = IDX(by_size[k]), lo = i ? w->start[i - 1] : 0, m = w->start[i] - lo;
        int *c = w->list + lo;
        sort_offsets(b, c, m);
        size_t need = ALIGN(x->size), off = 0;
        for (int j = 0; j < m; j++) {
            if (off + need < off) break;
            if (b[c[j]].offset >= off + need) break;
            size_t end = b[c[j]].offset + ALIGN(b[c[j]].size);
            off = end > off ? end : off;
        }
        if (off + need < off) return LSTM_ELIMIT;
        x->offset = off;
        top = off + need > top ? off + need : top;
        if (stop(p, 1 + (size_t)m)) return LSTM_EABORTED;
    }
    *total = top;
    return LSTM_OK;
}

/* ---- The sweep: blocks in order of their first step (larger first within a step) into the
** smallest free interval that holds them. */

/* Larger blocks first, then by index. */
static int bigger(const lstm__block *b, uint64_t x, uint64_t y)
{
    size_t sx = b[IDX(x)].size, sy = b[IDX(y)].size;
    return sx != sy ? sx > sy : IDX(x) < IDX(y);
}

/* Order e[0..n) by bigger (tmp: n entries): insertion sort when short, else merge sort. */
static void sort_sizes(const lstm__block *b, uint64_t *e, size_t n, uint64_t *tmp)
{
    if (n <= 16) {
        for (size_t i = 1; i < n; i++) {
            uint64_t v = e[i];
            size_t j = i;
            for (; j > 0 && bigger(b, v, e[j - 1]); j--) e[j] = e[j - 1];
            e[j] = v;
        }
        return;
    }
    uint64_t *src = e, *dst = tmp;
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = mid + w < n ? mid + w : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) dst[k++] = bigger(b, src[j], src[i]) ? src[j++] : src[i++];
            while (i < mid) dst[k++] = src[i++];
            while (j < hi) dst[k++] = src[j++];
        }
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != e) memcpy(e, src, sizeof *e * n);
}

/* Free intervals, never touching each other, in a treap keyed by offset whose nodes know the
** largest interval below them: the lowest interval that holds a block is found in O(log n). */
typedef struct fnode {
    size_t off, size, max; /* the interval; the largest size in this subtree */
    int l, r;              /* children, -1 for none */
    uint32_t prio;         /* heap order: a parent's is larger */
} fnode;

_Static_assert(sizeof(fnode) <= LSTM__ARENA_NODE, "LSTM__ARENA_SCRATCH counts a node too small");

typedef struct ftree {
    fnode *t;
    int root, used, spare; /* spare: deleted slots, linked through l */
    uint32_t seed;
} ftree;

static size_t tmax(const ftree *f, int t)
{
    return t < 0 ? 0 : f->t[t].max;
}

static void fix(ftree *f, int t)
{
    fnode *x = &f->t[t];
    size_t l = tmax(f, x->l), r = tmax(f, x->r);
    x->max = x->size > l ? x->size : l;
    x->max = x->max > r ? x->max : r;
}

/* Subtree t into *a (offsets below key) and *b (the rest). */
static void split(ftree *f, int t, size_t key, int *a, int *b)
{
    if (t < 0) {
        *a = *b = -1;
    } else if (f->t[t].off < key) {
        split(f, f->t[t].r, key, &f->t[t].r, b);
        *a = t;
        fix(f, t);
    } else {
        split(f, f->t[t].l, key, a, &f->t[t].l);
        *b = t;
        fix(f, t);
    }
}

/* Every offset in a is below every offset in b. */
static int join(ftree *f, int a, int b)
{
    if (a < 0 || b < 0) return a < 0 ? b : a;
    if (f->t[a].prio > f->t[b].prio) {
        f->t[a].r = join(f, f->t[a].r, b);
        fix(f, a);
        return a;
    }
    f->t[b].l = join(f, a, f->t[b].l);
    fix(f, b);
    return b;
}

static int insert(ftree *f, int t, int x)
{
    if (t < 0) return x;
    if (f->t[x].prio > f->t[t].prio) {
        split(f, t, f->t[x].off, &f->t[x].l, &f->t[x].r);
        fix(f, x);
        return x;
    }
    if (f->t[x].off < f->t[t].off)
        f->t[t].l = insert(f, f->t[t].l, x);
    else
        f->t[t].r = insert(f, f->t[t].r, x);
    fix(f, t);
    return t;
}

/* Remove the interval at offset key (present). */
static int erase(ftree *f, int t, size_t key)
{
    fnode *x = &f->t[t];
    if (x->off == key) {
        int r = join(f, x->l, x->r);
        x->l = f->spare;
        f->spare = t;
        return r;
    }
    if (key < x->off)
        x->l = erase(f, x->l, key);
    else
        x->r = erase(f, x->r, key);
    fix(f, t);
    return t;
}

/* The size of the interval at offset key (present) changed: update the path to it. */
static void refresh(ftree *f, int t, size_t key)
{
    if (f->t[t].off != key) refresh(f, key < f->t[t].off ? f->t[t].l : f->t[t].r, key);
    fix(f, t);
}

static void add(ftree *f, size_t off, size_t size)
{
    int x = f->spare >= 0 ? f->spare : f->used++;
    if (x == f->spare) f->spare = f->t[x].l;
    f->seed = f->seed * 1664525u + 1013904223u;
    f->t[x] = (fnode){off, size, size, -1, -1, f->seed};
    f->root = insert(f, f->root, x);
}

/* Return [off, off + size) (in no interval) to the free intervals, merged with the ones it
** touches. */
static void release(ftree *f, size_t off, size_t size)
{
    int p = -1, s = -1; /* the intervals just below and just above */
    for (int t = f->root; t >= 0;)
        if (f->t[t].off < off) {
            p = t;
            t = f->t[t].r;
        } else {
            s = t;
            t = f->t[t].l;
        }
    int left = p >= 0 && f->t[p].off + f->t[p].size == off;
    int right = s >= 0 && off + size == f->t[s].off;
    if (left) {
        f->t[p].size += size;
        if (right) {
            f->t[p].size += f->t[s].size;
            f->root = erase(f, f->root, f->t[s].off);
        }
        refresh(f, f->root, f->t[p].off);
    } else if (right) {
        f->t[s].off = off;
        f->t[s].size += size;
        refresh(f, f->root, off);
    } else {
        add(f, off, size);
    }
}

/* Take need bytes: the lowest free interval that holds them, else the free interval at the
** top of the arena grown to size, else fresh bytes at the top. Returns 0 on overflow. */
static int take(ftree *f, size_t *top, size_t need, size_t *off)
{
    int t = f->root;
    if (tmax(f, t) >= need) {
        for (;;)
            if (tmax(f, f->t[t].l) >= need)
                t = f->t[t].l;
            else if (f->t[t].size >= need)
                break;
            else
                t = f->t[t].r;
        *off = f->t[t].off;
        if (f->t[t].size == need) {
            f->root = erase(f, f->root, *off);
        } else {
            f->t[t].off += need;
            f->t[t].size -= need;
            refresh(f, f->root, f->t[t].off);
        }
        return 1;
    }
    *off = *top;
    while (t >= 0 && f->t[t].r >= 0) t = f->t[t].r;
    if (t >= 0 && f->t[t].off + f->t[t].size == *top) {
        *off = f->t[t].off;
        f->root = erase(f, f->root, *off);
    }
    if (*off + need < *off) return 0;
    *top = *off + need;
    return 1;
}

static int sweep(lstm__block *b, int n, uint64_t *by_first, const uint64_t *by_last, uint64_t *tmp,
                 fnode *nodes, poller *p, size_t *total)
{
    for (int i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && by_first[j] >> 32 == by_first[i] >> 32;) j++;
        if (j - i > 1) sort_sizes(b, by_first + i, (size_t)(j - i), tmp);
        if (stop(p, (size_t)(j - i))) return LSTM_EABORTED;
    }
    ftree f = {nodes, -1, 0, -1, 12345};
    size_t top = 0;
    /* Steps are compared as the sort keys (step - the smallest step) to spare reading b. */
    int64_t first0 = n ? b[IDX(by_first[0])].first : 0, last0 = n ? b[IDX(by_last[0])].last : 0;
    for (int k = 0, e = 0; k < n; k++) {
        if (stop(p, 1)) return LSTM_EABORTED;
        if (k + 8 < n) __builtin_prefetch(&b[IDX(by_first[k + 8])]);
        lstm__block *cur = &b[IDX(by_first[k])];
        int64_t now = (int64_t)(by_first[k] >> 32) + first0;
        /* Blocks that died before this step give their bytes back. */
        for (; e < n && (int64_t)(by_last[e] >> 32) + last0 < now; e++) {
            if (e + 8 < n) __builtin_prefetch(&b[IDX(by_last[e + 8])]);
            const lstm__block *d = &b[IDX(by_last[e])];
            if (d->size) release(&f, d->offset, ALIGN(d->size));
        }
        cur->offset = 0;
        if (cur->size && !take(&f, &top, ALIGN(cur->size), &cur->offset)) return LSTM_ELIMIT;
    }
    *total = top;
    return LSTM_OK;
}

int lstm__arena_plan(lstm__block *b, int n, void *scratch, int (*poll)(void *), void *ud,
                     size_t *total)
{
    return lstm__arena_plan_pairs(b, n, scratch, LSTM__ARENA_PAIRS(n > 0 ? n : 0), poll, ud, total);
}

int lstm__arena_plan_pairs(lstm__block *b, int n, void *scratch, size_t max_pairs,
                           int (*poll)(void *), void *ud, size_t *total)
{
    *total = 0;
    if (n < 0) return LSTM_EINVAL;
    for (int i = 0; i < n; i++) {
        if (b[i].last < b[i].first) return LSTM_EINVAL;
        if (ALIGN(b[i].size) < b[i].size) {
            *total = SIZE_MAX;
            return LSTM_ELIMIT;
        }
    }
    poller p = {poll, ud, 0, POLL_EVERY};
    if (max_pairs > LSTM__ARENA_PAIRS(n)) max_pairs = LSTM__ARENA_PAIRS(n);
    if (max_pairs > INT_MAX) max_pairs = INT_MAX; /* list positions are ints */
    /* Scratch: three arrays of n sort entries, then either the greedy planner's arrays (n sort
    ** entries, then ints) or the sweep's tree (see LSTM__ARENA_SCRATCH). */
    size_t m = (size_t)n;
    uint64_t *by_first = (uint64_t *)(((uintptr_t)scratch + 7) & ~(uintptr_t)7);
    uint64_t *by_last = by_first + m, *tmp = by_last + m, *by_size = tmp + m;
    int *ints = (int *)(by_size + m);
    fnode *nodes = (fnode *)(tmp + m);
    greedy_work w = {ints, ints + m, ints + 2 * m, ints + 3 * m, ints + 4 * m + 1, max_pairs};
    if (sort_steps(b, n, 0, by_first, tmp, &p) || sort_steps(b, n, 1, by_last, tmp, &p))
        return LSTM_EABORTED;
    int rc = max_pairs ? greedy(b, n, by_first, by_last, by_size, tmp, &w, &p, total) : -1;
    if (rc < 0) rc = sweep(b, n, by_first, by_last, tmp, nodes, &p, total);
    if (rc == LSTM_ELIMIT) *total = SIZE_MAX;
    return rc;
}
