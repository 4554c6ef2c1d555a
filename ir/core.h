/*
** core.h — internal basics shared by every module: error slots, allocator hooks, a pool
** (bump allocator) that owns a model's memory, and overflow-checked arithmetic.
*/
#ifndef LSTM_CORE_H
#define LSTM_CORE_H

#include "lstm.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define LSTM__FMT(a, b) __attribute__((format(printf, a, b)))
#else
#define LSTM__FMT(a, b)
#endif

#define LSTM__MSG_MAX 512

/* An error slot: a status code and a message naming what is at fault. */
typedef struct lstm__diag {
    int code;
    char msg[LSTM__MSG_MAX];
} lstm__diag;

/* Record an error (first one wins unless cleared) and return its code. Non-printable bytes
** in the message (they may come from names in the file) are replaced by '?'. */
int lstm__errf(lstm__diag *d, int code, const char *fmt, ...) LSTM__FMT(3, 4);
void lstm__diag_clear(lstm__diag *d);

/* Allocator hooks (never NULL after lstm__alloc_init). */
typedef struct lstm__alloc {
    void *(*alloc)(void *ud, size_t size);
    void (*free)(void *ud, void *ptr);
    void *ud;
} lstm__alloc;

void lstm__alloc_init(lstm__alloc *a, const lstm_options *opt);
void *lstm__malloc(const lstm__alloc *a, size_t size);
void *lstm__calloc(const lstm__alloc *a, size_t n, size_t size);
void lstm__free(const lstm__alloc *a, void *p);

/* A pool hands out aligned blocks that are all freed together. */
typedef struct lstm__pool_chunk lstm__pool_chunk;
typedef struct lstm__pool {
    const lstm__alloc *a;
    lstm__pool_chunk *head;
    lstm__pool_chunk *spare; /* chunks kept by lstm__pool_reset for the next blocks */
    size_t used_total;       /* bytes handed out, for reporting */
    size_t spare_total;      /* bytes of the spare chunks */
} lstm__pool;

/* Blocks of at least LSTM__HUGE bytes (model weights, packed or not) start on an LSTM__HUGE
** boundary, their whole LSTM__HUGE units advised as transparent huge pages before first use
** (lstm__advise_huge; Linux with THP "madvise" or "always"). Products that stream their weights
** from L3 or memory at every step gain from it: bench_kernels, paired runs on an AVX-512 Xeon,
** batch 1 with H = 512 and 1024 1.04-1.08x (avx2 and avx512), batch 8 with H = 512 1.08x
** (avx512); a whole LSTM H = 512 at batch 1 runs 7% faster. */
#define LSTM__HUGE ((size_t)2 << 20)
/* Advise the whole LSTM__HUGE units of [p, p + n) as huge pages; ignored where unsupported. */
void lstm__advise_huge(void *p, size_t n);

void lstm__pool_init(lstm__pool *p, const lstm__alloc *a);
/* Zeroed block of `size` bytes aligned to 64 (LSTM__HUGE from that size); NULL when out of
** memory. size 0 gives a valid non-NULL pointer. */
void *lstm__pool_alloc(lstm__pool *p, size_t size);
void *lstm__pool_array(lstm__pool *p, size_t n, size_t elem);
char *lstm__pool_strndup(lstm__pool *p, const char *s, size_t n);
/* Free block p now when it has a chunk of its own (more than 64 KiB); returns whether it did. */
int lstm__pool_release(lstm__pool *pool, void *p);
/* Forget every block but keep the chunks: the next blocks reuse them (each chunk still holds
** what it did, so blocks of the same sizes allocate nothing). */
void lstm__pool_reset(lstm__pool *p);
void lstm__pool_free(lstm__pool *p);

/* Overflow-checked products; return false on overflow. */
static inline bool lstm__mul_size(size_t a, size_t b, size_t *out)
{
    return !__builtin_mul_overflow(a, b, out);
}
static inline bool lstm__mul_i64(int64_t a, int64_t b, int64_t *out)
{
    return !__builtin_mul_overflow(a, b, out);
}

/* Whether a tensor of these dims and element size es (> 0) is addressable: every dim >= 0 and
** the product of the nonzero dims times es within int64. A tensor with a zero dim holds no
** element, but the kernels still multiply its other dims (strides) and add them (Concat), so
** [0, 2^62] is refused as NumPy refuses it ("array is too big"). */
static inline bool lstm__dims_addressable(int rank, const int64_t *dims, size_t es)
{
    int64_t n = (int64_t)es;
    for (int i = 0; i < rank; i++)
        if (dims[i] < 0 || (dims[i] && __builtin_mul_overflow(n, dims[i], &n))) return false;
    return es <= INT64_MAX;
}

/* lstm_limits with its defaults filled in where a field is 0 (in may be NULL). */
void lstm__limits_resolve(lstm_limits *out, const lstm_limits *in);

#endif
