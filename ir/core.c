/* core.c — error slots, allocator hooks and the pool. */
#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE */
#include "core.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

int lstm__errf(lstm__diag *d, int code, const char *fmt, ...)
{
    if (!d || d->code != LSTM_OK) return d ? d->code : code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->msg, sizeof d->msg, fmt, ap);
    va_end(ap);
    for (char *c = d->msg; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f) *c = '?';
    d->code = code;
    return code;
}

void lstm__diag_clear(lstm__diag *d)
{
    d->code = LSTM_OK;
    d->msg[0] = '\0';
}

static void *default_alloc(void *ud, size_t size)
{
    (void)ud;
    return malloc(size);
}

static void default_free(void *ud, void *ptr)
{
    (void)ud;
    free(ptr);
}

void lstm__alloc_init(lstm__alloc *a, const lstm_options *opt)
{
    if (opt && opt->alloc && opt->free) {
        a->alloc = opt->alloc;
        a->free = opt->free;
        a->ud = opt->alloc_ud;
    } else {
        a->alloc = default_alloc;
        a->free = default_free;
        a->ud = NULL;
    }
}

void *lstm__malloc(const lstm__alloc *a, size_t size)
{
    return a->alloc(a->ud, size ? size : 1);
}

void *lstm__calloc(const lstm__alloc *a, size_t n, size_t size)
{
    size_t bytes;
    if (!lstm__mul_size(n, size, &bytes)) return NULL;
    void *p = lstm__malloc(a, bytes);
    if (p) memset(p, 0, bytes ? bytes : 1);
    return p;
}

void lstm__free(const lstm__alloc *a, void *p)
{
    if (p) a->free(a->ud, p);
}

/* Chunks are at least POOL_CHUNK bytes; larger requests get a chunk of their own. */
#define POOL_CHUNK (64 * 1024)
#define POOL_ALIGN 64

struct lstm__pool_chunk {
    lstm__pool_chunk *next;
    size_t cap, used;
    unsigned char *base; /* aligned start of the usable bytes */
};

void lstm__pool_init(lstm__pool *p, const lstm__alloc *a)
{
    p->a = a;
    p->head = p->spare = NULL;
    p->used_total = p->spare_total = 0;
}

void lstm__advise_huge(void *p, size_t n)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    uintptr_t lo = ((uintptr_t)p + LSTM__HUGE - 1) & ~(uintptr_t)(LSTM__HUGE - 1),
              hi = ((uintptr_t)p + n) & ~(uintptr_t)(LSTM__HUGE - 1);
    if (hi > lo) (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
    (void)p, (void)n;
#endif
}

static lstm__pool_chunk *chunk_new(lstm__pool *p, size_t need)
{
    size_t cap = need > POOL_CHUNK ? need : POOL_CHUNK;
    const size_t align = cap >= LSTM__HUGE ? LSTM__HUGE : POOL_ALIGN;
    size_t bytes = sizeof(lstm__pool_chunk) + align + cap;
    if (bytes < cap) return NULL;
    lstm__pool_chunk *c = lstm__malloc(p->a, bytes);
    if (!c) return NULL;
    uintptr_t start = (uintptr_t)(c + 1);
    start = (start + align - 1) & ~(uintptr_t)(align - 1);
    c->base = (unsigned char *)start;
    if (align == LSTM__HUGE) lstm__advise_huge(c->base, cap);
    c->cap = cap;
    c->used = 0;
    return c;
}

void *lstm__pool_alloc(lstm__pool *p, size_t size)
{
    size_t need = (size + POOL_ALIGN - 1) & ~(size_t)(POOL_ALIGN - 1);
    if (need < size) return NULL;
    if (need == 0) need = POOL_ALIGN;
    lstm__pool_chunk *c = p->head;
    if (!c || c->cap - c->used < need) {
        /* The smallest chunk kept by lstm__pool_reset that is large enough, else a new one. */
        lstm__pool_chunk **best = NULL;
        for (lstm__pool_chunk **pc = &p->spare; *pc; pc = &(*pc)->next)
            if ((*pc)->cap >= need && (!best || (*pc)->cap < (*best)->cap)) best = pc;
        if (best) {
            c = *best;
            *best = c->next;
            p->spare_total -= c->cap;
        } else if (!(c = chunk_new(p, need))) {
            return NULL;
        }
        /* A big private chunk goes behind the head so the head keeps its free space. */
        if (p->head && need > POOL_CHUNK) {
            c->next = p->head->next;
            p->head->next = c;
        } else {
            c->next = p->head;
            p->head = c;
        }
    }
    void *r = c->base + c->used;
    c->used += need;
    p->used_total += need;
    memset(r, 0, need);
    return r;
}

void *lstm__pool_array(lstm__pool *p, size_t n, size_t elem)
{
    size_t bytes;
    if (!lstm__mul_size(n, elem, &bytes)) return NULL;
    return lstm__pool_alloc(p, bytes);
}

char *lstm__pool_strndup(lstm__pool *p, const char *s, size_t n)
{
    char *r = lstm__pool_alloc(p, n + 1);
    if (!r) return NULL;
    if (n) memcpy(r, s, n);
    r[n] = '\0';
    return r;
}

int lstm__pool_release(lstm__pool *pool, void *p)
{
    for (lstm__pool_chunk **pc = &pool->head; *pc; pc = &(*pc)->next) {
        lstm__pool_chunk *c = *pc;
        if (c->base != p) continue;
        if (c->cap <= POOL_CHUNK || c->used != c->cap) return 0; /* shared with other blocks */
        *pc = c->next;
        pool->used_total -= c->used;
        lstm__free(pool->a, c);
        return 1;
    }
    return 0;
}

void lstm__pool_reset(lstm__pool *p)
{
    while (p->head) {
        lstm__pool_chunk *c = p->head;
        p->head = c->next;
        c->used = 0;
        c->next = p->spare;
        p->spare = c;
        p->spare_total += c->cap;
    }
    p->used_total = 0;
}

void lstm__pool_free(lstm__pool *p)
{
    lstm__pool_reset(p);
    lstm__pool_chunk *c = p->spare;
    while (c) {
        lstm__pool_chunk *n = c->next;
        lstm__free(p->a, c);
        c = n;
    }
    p->spare = NULL;
    p->spare_total = 0;
}

/* Defaults of lstm_limits (documented in lstm.h and the README). */
void lstm__limits_resolve(lstm_limits *out, const lstm_limits *in)
{
    static const lstm_limits def = {
        .max_file_bytes = 2ull << 30,
        .max_depth = 64,
        .max_decode_bytes = 0, /* 64 x file size + 64 MiB, computed per file */
        .max_tensor_bytes = 2ull << 30,
        .max_weight_bytes = 4ull << 30,
        .max_nodes = 1000000,
        .max_name_bytes = 4096,
        .max_run_bytes = 8ull << 30,
    };
    *out = def;
    if (!in) return;
    if (in->max_file_bytes) out->max_file_bytes = in->max_file_bytes;
    if (in->max_depth) out->max_depth = in->max_depth;
    if (in->max_decode_bytes) out->max_decode_bytes = in->max_decode_bytes;
    if (in->max_tensor_bytes) out->max_tensor_bytes = in->max_tensor_bytes;
    if (in->max_weight_bytes) out->max_weight_bytes = in->max_weight_bytes;
    if (in->max_nodes) out->max_nodes = in->max_nodes;
    if (in->max_name_bytes) out->max_name_bytes = in->max_name_bytes;
    if (in->max_run_bytes) out->max_run_bytes = in->max_run_bytes;
}
