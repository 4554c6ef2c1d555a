/* seq_store.c — the storage of sequence values: each value's holder (a table of items, each
** item with its own buffer), growing it, copying and handing storage over, and the session's
** bin of free tables and buffers. */
#include "session.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- the bin ----
** A holder's storage is dead when its plan starts another run: nothing reads a value of an
** earlier run of the same plan (a parent copies or moves what it keeps from a subgraph, and the
** caller reads the model's outputs only until the next run). So at that point tables and item
** buffers go to the session's bin, and a holder that needs room takes from the bin before it
** allocates. Storage then follows the work rather than the values: a chain of edits hands one
** sequence's storage from value to value, and the first value of the next run finds it in the
** bin. Sizes are rounded up to classes (four per power of two, under 25% more); each class is
** a list through the free blocks themselves, so the bin itself never allocates. */

/* A free block's header, written over its first bytes (a buffer has at least 16 + 64 bytes, a
** table at least one item record): the plan whose run recycled it, and that run. */
typedef struct free_block {
    struct free_block *next;
    size_t *item_cap; /* a table's second array */
    const lstm__plan *plan;
    uint64_t run;
} free_block;

static void tag(free_block *f, const lstm__plan *p)
{
    f->plan = p;
    f->run = p ? p->seq_runs : 0;
}

/* The class of n bytes (or items) and its size; -1 when n is too large to round. */
static int size_class(size_t n, size_t *size)
{
    if (n <= 16) {
        *size = 16;
        return 0;
    }
    if (n > SIZE_MAX / 16) return -1;
    int e = 4;
    while ((n - 1) >> (e + 1)) e++;                                   /* 2^e <= n - 1 < 2^(e+1) */
    size_t step = (size_t)1 << (e - 2), q = ((n - 1) >> (e - 2)) + 1; /* q in 5..8 */
    *size = q * step;
    return 1 + (e - 4) * 4 + (int)(q - 5);
}

static size_t class_size(int c)
{
    if (c == 0) return 16;
    int e = 4 + (c - 1) / 4;
    return (size_t)(5 + (c - 1) % 4) << (e - 2);
}

/* Whether cap is exactly a class's size (only such blocks go to the bin). */
static int binnable(size_t cap, int *c)
{
    size_t sz;
    *c = size_class(cap, &sz);
    return *c >= 0 && sz == cap;
}

static void put_buf(lstm_session *s, const lstm__plan *p, void *b, size_t cap)
{
    int c;
    if (!b) return;
    if (!binnable(cap, &c)) {
        lstm__free(&s->alloc, b);
        lstm__hold(s, cap, 0);
        return;
    }
    free_block *f = b;
    tag(f, p);
    f->next = s->bin.bufs[c];
    s->bin.bufs[c] = f;
}

/* Unlinks the first block of the smallest class in `lists` that holds n; NULL when none does
** (*c gets its class). */
static free_block *take_fit(void **lists, size_t n, int *c)
{
    size_t sz;
    for (*c = size_class(n, &sz); *c >= 0 && *c < LSTM__BIN_CLASSES; (*c)++) {
        free_block *f = lists[*c];
        if (!f) continue;
        lists[*c] = f->next;
        return f;
    }
    return NULL;
}

/* The smallest free buffer of at least n bytes (its size in *cap), or NULL. */
static void *take_buf(lstm_session *s, size_t n, size_t *cap)
{
    int c;
    free_block *f = take_fit(s->bin.bufs, n, &c);
    if (f) *cap = class_size(c);
    return f;
}

static void put_table(lstm_session *s, const lstm__plan *p, lstm__rt *items, size_t *ic, int cap)
{
    int c;
    if (!items) return;
    if (!binnable((size_t)cap, &c)) {
        lstm__free(&s->alloc, items);
        lstm__free(&s->alloc, ic);
        lstm__hold(s, (size_t)cap * (sizeof *items + sizeof *ic), 0);
        return;
    }
    free_block *f = (free_block *)(void *)items;
    tag(f, p);
    f->next = s->bin.tables[c];
    f->item_cap = ic;
    s->bin.tables[c] = f;
}

/* The smallest free table of at least n items (its slots are zero), or 0. */
static int take_table(lstm_session *s, int n, lstm__rt **items, size_t **ic)
{
    int c;
    free_block *f = take_fit(s->bin.tables, (size_t)n, &c);
    if (!f) return 0;
    *items = (lstm__rt *)(void *)f;
    *ic = f->item_cap;
    memset(*items, 0, sizeof **items); /* the list's link */
    return (int)class_size(c);
}

/* A miss: nothing in the bin fits class c. The blocks of smaller classes that p's earlier runs
** recycled and its later runs left unused are freed (all of them when p is NULL), so sizes that
** grow from run to run of a Loop body do not leave a block in every class they pass; blocks
** recycled by this run of p, or by other plans, stay for what may still ask for them. */
static void drop_below(lstm_session *s, void **lists, int c, int tables, const lstm__plan *p)
{
    for (int j = 0; j < c && j < LSTM__BIN_CLASSES; j++) {
        size_t sz = lists[j] ? class_size(j) : 0;
        for (free_block **at = (free_block **)&lists[j], *f; (f = *at);) {
            if (p && (f->plan != p || f->run >= p->seq_runs)) {
                at = &f->next;
                continue;
            }
            *at = f->next;
            if (tables) lstm__free(&s->alloc, f->item_cap);
            lstm__free(&s->alloc, f);
            lstm__hold(s, tables ? sz * (sizeof(lstm__rt) + sizeof(size_t)) : sz, 0);
        }
    }
}

/* q's table and item buffers go to the bin (the used slots cleared); q is left empty. */
static void holder_to_bin(lstm_session *s, const lstm__plan *p, lstm__seq *q)
{
    for (int i = 0; i < q->used; i++) put_buf(s, p, q->items[i].data, q->item_cap[i]);
    memset(q->items, 0, (size_t)q->used * sizeof *q->items);
    memset(q->item_cap, 0, (size_t)q->used * sizeof *q->item_cap);
    put_table(s, p, q->items, q->item_cap, q->cap);
    memset(q, 0, sizeof *q);
}

void lstm__seq_recycle(lstm__plan *p)
{
    p->seq_runs++;
    for (int v = 0; v < p->n_vals; v++)
        if (p->seqs[v] && p->seqs[v]->cap) holder_to_bin(p->s, p, p->seqs[v]);
}

void lstm__seq_holder_free(lstm_session *s, lstm__seq *q)
{
    for (int i = 0; i < q->cap; i++) {
        lstm__free(&s->alloc, q->items[i].data);
        lstm__hold(s, q->item_cap[i], 0);
    }
    lstm__free(&s->alloc, q->items);
    lstm__free(&s->alloc, q->item_cap);
    lstm__hold(s, (size_t)q->cap * (sizeof *q->items + sizeof *q->item_cap), 0);
    memset(q, 0, sizeof *q);
}

void lstm__seq_bin_free(lstm_session *s)
{
    drop_below(s, s->bin.bufs, LSTM__BIN_CLASSES, 0, NULL);
    drop_below(s, s->bin.tables, LSTM__BIN_CLASSES, 1, NULL);
}

/* ---- holders ---- */

lstm__seq *lstm__plan_holder(lstm__plan *p, int v)
{
    if (!p->seqs[v]) p->seqs[v] = lstm__pool_alloc(&p->s->pool, sizeof *p->seqs[v]);
    return p->seqs[v];
}

/* Give q room for n items: a table from the bin, else a new one (the old one freed). */
static int grow_table(lstm__kctx *k, lstm__seq *q, int n)
{
    lstm__plan *p = k->plan;
    lstm_session *s = p->s;
    const size_t per = sizeof *q->items + sizeof *q->item_cap;
    size_t want = (size_t)q->cap * 2 > (size_t)n ? (size_t)q->cap * 2 : (size_t)n, sz;
    if (want > INT32_MAX) want = INT32_MAX;
    lstm__rt *items;
    size_t *ic;
    int cap = take_table(s, (int)want, &items, &ic), fresh = !cap;
    if (fresh) {
        int c = size_class(want, &sz);
        c = c < 0 ? LSTM__BIN_CLASSES : c;
        drop_below(s, s->bin.tables, c, 1, p);
        if (c == LSTM__BIN_CLASSES || sz > INT32_MAX) sz = want;
        cap = (int)sz;
        if (!lstm__may_hold(s, (size_t)q->cap * per, (size_t)cap * per))
            drop_below(s, s->bin.tables, c, 1, NULL); /* under the limit: every smaller one */
        if (!lstm__may_hold(s, (size_t)q->cap * per, (size_t)cap * per)) {
            char what[64];
            snprintf(what, sizeof what, "a sequence of %d tensors", n);
            return lstm__refuse(p, k, what, NULL, (size_t)q->cap * per, (size_t)cap * per);
        }
        items = lstm__calloc(&s->alloc, (size_t)cap, sizeof *items);
        ic = lstm__calloc(&s->alloc, (size_t)cap, sizeof *ic);
        if (!items || !ic) {
            lstm__free(&s->alloc, items);
            lstm__free(&s->alloc, ic);
            return lstm__errf(k->d, LSTM_ENOMEM, "out of memory for a sequence of %d tensors", n);
        }
        s->allocs++;
    }
    if (q->used) { /* the items stay (a sequence edited in place keeps them) */
        memcpy(items, q->items, (size_t)q->used * sizeof *items);
        memcpy(ic, q->item_cap, (size_t)q->used * sizeof *ic);
    }
    if (fresh) {
        lstm__free(&s->alloc, q->items);
        lstm__free(&s->alloc, q->item_cap);
        lstm__hold(s, (size_t)q->cap * per, (size_t)cap * per);
    } else if (q->cap) { /* its item buffers now belong to the new table */
        memset(q->items, 0, (size_t)q->used * sizeof *q->items);
        memset(q->item_cap, 0, (size_t)q->used * sizeof *q->item_cap);
        put_table(s, p, q->items, q->item_cap, q->cap);
    }
    q->items = items;
    q->item_cap = ic;
    q->cap = cap;
    return LSTM_OK;
}

lstm__seq *lstm__out_seq(lstm__kctx *k, int idx, int n)
{
    lstm__plan *p = k->plan;
    lstm__rt *t = k->out[idx];
    if (!t || lstm__no_plan(k)) return NULL;
    lstm__seq *q = lstm__plan_holder(p, p->outv[p->kout_off[k->n - p->g->nodes] + idx]);
    if (!q) {
        lstm__errf(k->d, LSTM_ENOMEM, "out of memory for a sequence");
        return NULL;
    }
    if (n > q->cap && grow_table(k, q, n)) return NULL;
    q->n = n;
    if (n > q->used) q->used = n;
    memset(t, 0, sizeof *t);
    t->kind = LSTM__VAL_SEQUENCE;
    t->seq = q;
    return q;
}

/* A sequence item whose memory could not grow: an empty tensor (its buffer stays). */
static void seq_item_empty(lstm__rt *t)
{
    t->rank = 1;
    t->dims[0] = 0;
    t->nelem = t->nbytes = 0;
}

lstm__rt *lstm__seq_item(lstm__kctx *k, lstm__seq *q, int i, int dtype, int rank,
                         const int64_t *dims)
{
    lstm_session *s = k->plan->s;
    lstm__rt *t = &q->items[i];
    void *data = t->data;
    memset(t, 0, sizeof *t);
    t->data = data;
    if (lstm__rt_set(k, t, dtype, rank, dims)) return NULL;
    if (q->item_cap[i] >= t->nbytes && t->data) return t;
    size_t cap;
    void *b = take_buf(s, t->nbytes, &cap);
    if (b) { /* the smaller buffer goes to the bin */
        put_buf(s, k->plan, t->data, q->item_cap[i]);
    } else {
        int c = size_class(t->nbytes, &cap);
        if (c < 0) cap = t->nbytes;
        c = c < 0 ? LSTM__BIN_CLASSES : c;
        drop_below(s, s->bin.bufs, c, 0, k->plan);
        if (!lstm__may_hold(s, q->item_cap[i], cap))
            drop_below(s, s->bin.bufs, c, 0, NULL); /* under the limit: every smaller one */
        if (!lstm__may_hold(s, q->item_cap[i], cap)) {
            char what[48];
            snprintf(what, sizeof what, "tensor %d of a sequence", i);
            lstm__refuse(k->plan, k, what, NULL, q->item_cap[i], cap);
            seq_item_empty(t);
            return NULL;
        }
        if (!(b = lstm__malloc(&s->alloc, cap + 64))) {
            lstm__errf(k->d, LSTM_ENOMEM, "out of memory for a tensor of %zu bytes", t->nbytes);
            seq_item_empty(t);
            return NULL;
        }
        lstm__free(&s->alloc, t->data);
        lstm__hold(s, q->item_cap[i], cap);
        s->allocs++;
    }
    t->data = b;
    q->item_cap[i] = cap;
    return t;
}

int lstm__out_copy(lstm__kctx *k, int idx, const lstm__rt *from)
{
    lstm__rt *t = k->out[idx];
    if (!t) return LSTM_OK;
    if (t == from) return LSTM_OK;
    const lstm__rt src = *from; /* the output is rewritten below */
    if (src.none) return lstm__out_none(k, idx);
    if (src.kind == LSTM__VAL_SEQUENCE) {
        const lstm__seq *sq = src.seq;
        int n = sq ? sq->n : 0;
        lstm__seq *q = lstm__out_seq(k, idx, n);
        if (!q) return k->d->code;
        t->dtype = src.dtype;
        if (q == sq) return LSTM_OK;
        for (int i = 0; i < n; i++) {
            int rc = lstm__seq_put(k, q, i, &sq->items[i]);
            if (rc) return rc;
        }
        return LSTM_OK;
    }
    int rc = lstm__out_alloc(k, idx, src.dtype, src.rank, src.dims);
    if (rc) return rc;
    if (src.nbytes && t->data != src.data) memmove(t->data, src.data, src.nbytes);
    return LSTM_OK;
}

int lstm__seq_put(lstm__kctx *k, lstm__seq *q, int i, const lstm__rt *t)
{
    lstm__rt *r = lstm__seq_item(k, q, i, t->dtype, t->rank, t->dims);
    if (!r) return k->d->code;
    if (t->nbytes) memcpy(r->data, t->data, t->nbytes);
    k->plan->s->seq_copied += t->nbytes;
    return LSTM_OK;
}

/* ---- handing sequences over ---- */

int lstm__in_movable(lstm__kctx *k, int idx)
{
    const lstm__plan *p = k->plan;
    const lstm__rt *t = k->in[idx];
    if (!p || !t || t->kind != LSTM__VAL_SEQUENCE || t->none || !t->seq) return 0;
    int i = (int)(k->n - p->g->nodes), m = p->in_move[p->kin_off[i] + idx];
    if (m == 1) return t->seq == p->seqs[k->n->in[idx]]; /* its storage is this plan's */
    return m >= 2 && p->bind_owned[m - 2] && t->seq == p->bind[m - 2].seq;
}

int lstm__out_move(lstm__kctx *k, int idx, const lstm__rt *src, int movable)
{
    lstm__rt *t = k->out[idx];
    if (!t || t == src || !movable || src->kind != LSTM__VAL_SEQUENCE || src->none || !src->seq)
        return lstm__out_copy(k, idx, src);
    lstm__seq *from = src->seq;
    int dtype = src->dtype;
    lstm__seq *q = lstm__out_seq(k, idx, 0);
    if (!q) return k->d->code;
    if (q != from && q->cap > from->cap) {
        /* The output has more room: it keeps its table and its spare item buffers, and the
        ** items change places with its first slots (O(items), no tensor copied). */
        for (int i = 0; i < from->n; i++) {
            lstm__rt t0 = q->items[i];
            size_t c0 = q->item_cap[i];
            q->items[i] = from->items[i];
            q->item_cap[i] = from->item_cap[i];
            from->items[i] = t0;
            from->item_cap[i] = c0;
        }
        q->n = from->n;
        if (q->n > q->used) q->used = q->n;
        from->n = 0;
    } else if (q != from) { /* swap the storages (O(1)): the dying input gets the old one */
        lstm__seq tmp = *q;
        *q = *from;
        *from = tmp;
    }
    t->dtype = dtype;
    return LSTM_OK;
}

int lstm__out_take(lstm__kctx *k, int idx, int in)
{
    return lstm__out_move(k, idx, k->in[in], lstm__in_movable(k, in));
}
