/* simd.c — the table of kernel sets, CPU feature detection, the choice of one set per process,
** and the entry points the runtime calls (simd.h). */
#define _GNU_SOURCE /* sysconf(_SC_LEVEL1_DCACHE_SIZE) */
#include "simd/simd.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#endif
#include "lstm.h"
#include "workers.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#ifndef HWCAP_ASIMD
#define HWCAP_ASIMD (1 << 1)
#endif
#endif

/* The kernel sets, best first: meson.build's simd_isas rows, one per runtime/simd/isa_NAME.c. */
#ifndef LSTM__KERNEL_SETS
#error "LSTM__KERNEL_SETS(X) comes from meson.build (simd_isas)"
#endif
#define SETS(X) LSTM__KERNEL_SETS(X)

#define DECLARE(name) extern const lstm__kernels lstm__kernels_##name;
SETS(DECLARE)
#define ROW(name) &lstm__kernels_##name,
static const lstm__kernels *const sets[] = {SETS(ROW)};
enum { NSETS = sizeof sets / sizeof sets[0] };

static unsigned detect_features(void)
{
    unsigned f = 0;
#if defined(__x86_64__) && defined(__GNUC__)
    /* libgcc's checks include the OS's support for the wider registers (XGETBV). */
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2")) f |= LSTM__CPU_AVX2;
    if (__builtin_cpu_supports("fma")) f |= LSTM__CPU_FMA;
    if (__builtin_cpu_supports("avx512f")) f |= LSTM__CPU_AVX512F;
    if (__builtin_cpu_supports("avx512dq")) f |= LSTM__CPU_AVX512DQ;
    if (__builtin_cpu_supports("avx512bw")) f |= LSTM__CPU_AVX512BW;
    if (__builtin_cpu_supports("avx512vnni")) f |= LSTM__CPU_AVX512VNNI;
    /* AVX-VNNI: CPUID leaf 7, subleaf 1, EAX bit 4 (clang 14 has no name for it); its ymm
    ** state is AVX2's, checked above. */
    unsigned a, b, c, d;
    if ((f & LSTM__CPU_AVX2) && __get_cpuid_count(7, 1, &a, &b, &c, &d) && (a >> 4 & 1))
        f |= LSTM__CPU_AVXVNNI;
#elif defined(__aarch64__) && defined(__linux__)
    if (getauxval(AT_HWCAP) & HWCAP_ASIMD) f |= LSTM__CPU_ASIMD;
#elif defined(__aarch64__) && defined(__ARM_NEON)
    f |= LSTM__CPU_ASIMD; /* part of the architecture's baseline elsewhere (macOS) */
#endif
    return f;
}

static atomic_uint kept = ~0u; /* lstm__cpu_features_keep */

unsigned lstm__cpu_features(void)
{
    static atomic_uint cached; /* features | 1u << 31 once detected */
    unsigned f = atomic_load_explicit(&cached, memory_order_relaxed);
    if (!(f >> 31)) {
        f = detect_features() | 1u << 31;
        atomic_store_explicit(&cached, f, memory_order_relaxed);
    }
    return f & ~(1u << 31) & atomic_load_explicit(&kept, memory_order_relaxed);
}

void lstm__cpu_features_keep(unsigned keep)
{
    atomic_store_explicit(&kept, keep, memory_order_relaxed);
}

int lstm__isa_count(void)
{
    return NSETS;
}

const lstm__kernels *lstm__kernels_get(int isa)
{
    return sets[isa];
}

const char *lstm__isa_name(int isa)
{
    return isa >= 0 && isa < NSETS ? sets[isa]->name : "?";
}

int lstm__isa_find(const char *name)
{
    for (int i = 0; name && i < NSETS; i++)
        if (strcmp(sets[i]->name, name) == 0) return i;
    return -1;
}

int lstm__isa_available(int isa)
{
    if (isa < 0 || isa >= NSETS || !sets[isa]->gemm) return 0;
    return (sets[isa]->needs & ~lstm__cpu_features()) == 0;
}

static int choose(void)
{
    int from = 0;
    int named = lstm__isa_find(getenv("LSTM_ISA"));
    if (named >= 0 && sets[named]->gemm) from = named; /* a cap: that set or a lesser one */
    for (int i = from; i < NSETS; i++)
        if (lstm__isa_available(i)) return i;
    return NSETS - 1; /* the portable set, last, needs nothing */
}

int lstm__isa(void)
{
    static atomic_int cached = -1;
    int isa = atomic_load_explicit(&cached, memory_order_relaxed);
    if (isa < 0) {
        isa = choose();
        atomic_store_explicit(&cached, isa, memory_order_relaxed);
    }
    return isa;
}

const char *lstm_kernels(void)
{
    return lstm__isa_name(lstm__isa());
}

static size_t clamp_size(long v, size_t lo, size_t hi, size_t dflt)
{
    if (v <= 0) return dflt;
    return (size_t)v < lo ? lo : (size_t)v > hi ? hi : (size_t)v;
}

lstm__caches lstm__cache_sizes(void)
{
    static atomic_size_t l1, l2; /* 0 until read; every thread computes the same values */
    lstm__caches c = {atomic_load_explicit(&l1, memory_order_relaxed),
                      atomic_load_explicit(&l2, memory_order_relaxed)};
    if (!c.l1 || !c.l2) {
        long v1 = -1, v2 = -1;
#if defined(_SC_LEVEL1_DCACHE_SIZE) && defined(_SC_LEVEL2_CACHE_SIZE)
        v1 = sysconf(_SC_LEVEL1_DCACHE_SIZE);
        v2 = sysconf(_SC_LEVEL2_CACHE_SIZE);
#endif
        /* Where the system does not say (glibc on most aarch64): 32 KiB and 512 KiB. */
        c.l1 = clamp_size(v1, 16 << 10, 256 << 10, 32 << 10);
        c.l2 = clamp_size(v2, 128 << 10, 16 << 20, 512 << 10);
        atomic_store_explicit(&l1, c.l1, memory_order_relaxed);
        atomic_store_explicit(&l2, c.l2, memory_order_relaxed);
    }
    return c;
}

size_t lstm__pack_floats_isa(int isa, int K, int N)
{
    size_t nr = (size_t)sets[isa]->nr, panels = ((size_t)N + nr - 1) / nr;
    return panels * (size_t)K * nr;
}

void lstm__pack_wt_isa(int isa, float *dst, const float *W, int N, int K)
{
    sets[isa]->pack(dst, W, N, K);
}

size_t lstm__pack_floats(int K, int N)
{
    return lstm__pack_floats_isa(lstm__isa(), K, N);
}

void lstm__pack_wt(float *dst, const float *W, int N, int K)
{
    lstm__pack_wt_isa(lstm__isa(), dst, W, N, K);
}

void lstm__pack_b(float *dst, const float *B, int K, int N)
{
    const size_t nr = (size_t)sets[lstm__isa()]->nr, panels = ((size_t)N + nr - 1) / nr;
    for (size_t p = 0; p < panels; p++) {
        float *d = dst + p * (size_t)K * nr;
        const size_t n0 = p * nr, w = (size_t)N - n0 < nr ? (size_t)N - n0 : nr;
        for (size_t k = 0; k < (size_t)K; k++) {
            memcpy(d + k * nr, B + k * (size_t)N + n0, w * sizeof(float));
            for (size_t j = w; j < nr; j++) d[k * nr + j] = 0.0f;
        }
    }
}

void lstm__gemm_packed(int isa, int M, int N, int K, const float *A, int lda, const float *Bp,
                       float *C, int ldc, int accumulate)
{
    sets[isa]->gemm(M, N, K, A, lda, Bp, C, ldc, accumulate);
}

size_t lstm__pack_i16_count(int K, int N)
{
    size_t panels = ((size_t)N + LSTM__I16_NR - 1) / LSTM__I16_NR, pairs = ((size_t)K + 1) / 2;
    return panels * pairs * 2 * LSTM__I16_NR;
}

void lstm__pack_i16_isa(int isa, int16_t *dst, size_t panel, const int16_t *B, size_t ldb, int K,
                        int N)
{
    const lstm__kernels *ks = sets[isa];
    if (ks->pack_i16) {
        ks->pack_i16(dst, panel, B, ldb, K, N);
        return;
    }
    const int panels = (N + LSTM__I16_NR - 1) / LSTM__I16_NR, pairs = (K + 1) / 2;
    for (int p = 0; p < panels; p++)
        for (int q = 0; q < pairs; q++) {
            int16_t *d = dst + (size_t)p * panel + (size_t)q * 2 * LSTM__I16_NR;
            for (int j = 0; j < LSTM__I16_NR; j++) {
                const int n = p * LSTM__I16_NR + j, k = 2 * q;
                d[2 * j] = n < N ? B[(size_t)k * ldb + (size_t)n] : 0;
                d[2 * j + 1] = n < N && k + 1 < K ? B[(size_t)(k + 1) * ldb + (size_t)n] : 0;
            }
        }
}

void lstm__pack_i16(int16_t *dst, const int16_t *B, int K, int N)
{
    lstm__pack_i16_isa(lstm__isa(), dst, (size_t)((K + 1) / 2) * 2 * LSTM__I16_NR, B, (size_t)N, K,
                       N);
}

int lstm__mm8_available(int isa)
{
    return isa >= 0 && isa < NSETS && sets[isa]->mm8 && sets[isa]->mm8_ok();
}

size_t lstm__pack8_bytes(int K, int N)
{
    size_t panels = ((size_t)N + LSTM__I8_NR - 1) / LSTM__I8_NR, quads = ((size_t)K + 3) / 4;
    return panels * quads * 4 * LSTM__I8_NR;
}

void lstm__pack8(int8_t *dst, int32_t *ct, int32_t *zb_out, const void *B, int b_signed, size_t ldb,
                 int K, int N, const int32_t *zb)
{
    const int panels = (N + LSTM__I8_NR - 1) / LSTM__I8_NR, quads = (K + 3) / 4;
    const int shift = b_signed ? 0 : 128; /* uint8 less 128 is int8 */
    for (int p = 0; p < panels; p++)
        for (int q = 0; q < quads; q++, dst += 4 * LSTM__I8_NR)
            for (int j = 0; j < LSTM__I8_NR; j++)
                for (int r = 0; r < 4; r++) {
                    const int n = p * LSTM__I8_NR + j, k = 4 * q + r;
                    const size_t e = (size_t)k * ldb + (size_t)n;
                    int v = 0;
                    if (n < N && k < K)
                        v = (b_signed ? ((const int8_t *)B)[e] : ((const uint8_t *)B)[e]) - shift;
                    dst[4 * j + r] = (int8_t)v;
                }
    for (int n = 0; n < N; n++) {
        uint32_t s = 0;
        for (int k = 0; k < K; k++) {
            const size_t e = (size_t)k * ldb + (size_t)n;
            s += (uint32_t)((b_signed ? ((const int8_t *)B)[e] : ((const uint8_t *)B)[e]) - shift);
        }
        zb_out[n] = (zb ? zb[n] : 0) - shift;
        ct[n] = (int32_t)((uint32_t)K * (uint32_t)zb_out[n] - s); /* modulo 2^32 */
    }
}

void lstm__mm8(int isa, int M, int N, int K, const uint8_t *A, int lda, const int32_t *za,
               int za_step, const int8_t *Bp, const int32_t *ct, const int32_t *zb, uint32_t *C,
               int ldc, int n0, int n1)
{
    if (n1 > N) n1 = N;
    if (M <= 0 || n0 >= n1) return;
    sets[isa]->mm8(M, n1 - n0, K, A, lda, za, za_step,
                   Bp + (size_t)(n0 / LSTM__I8_NR) * lstm__pack8_bytes(K, LSTM__I8_NR), ct + n0,
                   zb + n0, C + n0, ldc);
}

/* y[i] = round(v) + zp saturated to int8 (sgn) or uint8; NaN gives the lowest value. Clamped
** before rounding (the same: the bounds are integers and rounding is monotonic). */
static inline void put8(void *y, size_t i, float v, int sgn, int32_t zp)
{
    const float lo = (float)((sgn ? -128 : 0) - zp), hi = (float)((sgn ? 127 : 255) - zp);
    v = v >= lo ? v : lo; /* NaN too, as onnxruntime's vector code */
    v = v <= hi ? v : hi;
    int32_t q = (int32_t)lstm__round_small(v) + zp;
    if (sgn)
        ((int8_t *)y)[i] = (int8_t)q;
    else
        ((uint8_t *)y)[i] = (uint8_t)q;
}

void lstm__requant8(int isa, const uint32_t *acc, size_t n, const float *mult, int per_elem,
                    int sgn, int32_t zp, void *y)
{
    const lstm__kernels *ks = sets[isa];
    if (ks->requant8) {
        ks->requant8(acc, n, mult, per_elem, sgn, zp, y);
        return;
    }
    for (size_t i = 0; i < n; i++)
        put8(y, i, (float)(int32_t)acc[i] * mult[per_elem ? i : 0], sgn, zp);
}

void lstm__quant8(int isa, const float *x, size_t n, float scale, int32_t zp, int sgn, void *y)
{
    const lstm__kernels *ks = sets[isa];
    if (ks->quant8) {
        ks->quant8(x, n, scale, zp, sgn, y);
        return;
    }
    for (size_t i = 0; i < n; i++) put8(y, i, x[i] / scale, sgn, zp);
}

void lstm__dequant8(int isa, const void *x, size_t n, int sgn, int32_t zp, float scale, float *y)
{
    const lstm__kernels *ks = sets[isa];
    if (ks->dequant8) {
        ks->dequant8(x, n, sgn, zp, scale, y);
        return;
    }
    const float z = (float)zp;
    if (sgn)
        for (size_t i = 0; i < n; i++) y[i] = ((float)((const int8_t *)x)[i] - z) * scale;
    else
        for (size_t i = 0; i < n; i++) y[i] = ((float)((const uint8_t *)x)[i] - z) * scale;
}

void lstm__range(int isa, const float *x, size_t n, float *lo, float *hi)
{
    const lstm__kernels *ks = sets[isa];
    if (ks->range) {
        ks->range(x, n, lo, hi);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (x[i] < *lo) *lo = x[i];
        if (x[i] > *hi) *hi = x[i];
    }
}

void lstm__widen8(int isa, const void *x, size_t n, int sgn, int32_t zp, int16_t *out)
{
    const lstm__kernels *ks = sets[isa];
    if (ks->widen8) {
        ks->widen8(x, n, sgn, zp, out);
        return;
    }
    if (sgn)
        for (size_t i = 0; i < n; i++) out[i] = (int16_t)(((const int8_t *)x)[i] - zp);
    else
        for (size_t i = 0; i < n; i++) out[i] = (int16_t)(((const uint8_t *)x)[i] - zp);
}

void lstm__mm_i16(int isa, int M, int N, int K, const int16_t *A, int lda, const int16_t *Bp,
                  uint32_t *C, int ldc)
{
    const lstm__kernels *ks = sets[isa];
    if (ks->mm_i16) {
        ks->mm_i16(M, N, K, A, lda, Bp, C, ldc);
        return;
    }
    /* Portable: a panel's 16 sums of one row at a time (pairs of A against pairs of B). */
    const int pairs = (K + 1) / 2, panels = (N + LSTM__I16_NR - 1) / LSTM__I16_NR;
    for (int p = 0; p < panels; p++) {
        const int16_t *b = Bp + (size_t)p * (size_t)pairs * 2 * LSTM__I16_NR;
        const int cols = N - p * LSTM__I16_NR < LSTM__I16_NR ? N - p * LSTM__I16_NR : LSTM__I16_NR;
        for (int i = 0; i < M; i++) {
            const int16_t *a = A + (size_t)i * (size_t)lda;
            uint32_t acc[LSTM__I16_NR] = {0};
            for (int q = 0; q < pairs; q++) {
                const int32_t a0 = a[2 * q], a1 = 2 * q + 1 < K ? a[2 * q + 1] : 0;
                const int16_t *bq = b + (size_t)q * 2 * LSTM__I16_NR;
                for (int j = 0; j < LSTM__I16_NR; j++)
                    acc[j] += (uint32_t)(a0 * bq[2 * j] + a1 * bq[2 * j + 1]);
            }
            memcpy(C + (size_t)i * (size_t)ldc + (size_t)p * LSTM__I16_NR, acc,
                   (size_t)cols * sizeof *acc);
        }
    }
}

/* The element-wise kernels count in int: pieces of at most 2^20 elements. */
enum { VPIECE = 1 << 20 };

static int piece(size_t n, size_t i)
{
    return n - i < VPIECE ? (int)(n - i) : VPIECE;
}

void lstm__vexp(int isa, float *x, size_t n)
{
    for (size_t i = 0; i < n; i += VPIECE) sets[isa]->vexp(x + i, piece(n, i));
}

void lstm__verf(int isa, float *x, size_t n)
{
    for (size_t i = 0; i < n; i += VPIECE) sets[isa]->verf(x + i, piece(n, i));
}

void lstm__velu(int isa, const float *x, float *y, size_t n, float alpha, float scale, float div)
{
    for (size_t i = 0; i < n; i += VPIECE)
        sets[isa]->velu(x + i, y + i, piece(n, i), alpha, scale, div);
}

void lstm__vsoftplus(int isa, float *x, size_t n)
{
    for (size_t i = 0; i < n; i += VPIECE) sets[isa]->vsoftplus(x + i, piece(n, i));
}

void lstm__vsigmoid(int isa, float *x, size_t n)
{
    for (size_t i = 0; i < n; i += VPIECE) sets[isa]->vsigmoid(x + i, piece(n, i));
}

void lstm__vtanh(int isa, float *x, size_t n)
{
    for (size_t i = 0; i < n; i += VPIECE) sets[isa]->vtanh(x + i, piece(n, i));
}

void lstm__lstm_cell(int isa, const lstm__cell_args *a, const float *x, const float *q, float *c,
                     float *h)
{
    sets[isa]->lstm_cell(a, x, q, c, h);
}

void lstm__gru_cell(int isa, const lstm__cell_args *a, const float *x, const float *q,
                    const float *hp, float *h)
{
    sets[isa]->gru_cell(a, x, q, hp, h);
}

void lstm__conv_rows(int isa, int M, int n, int K, const float *A, int lda, const float *base,
                     const int *off, float *C, int ldc, const float *bias,
                     const lstm__conv_act *act)
{
    sets[isa]->conv_rows(M, n, K, A, lda, base, off, C, ldc, bias, act);
}

typedef struct mt_job {
    int isa, M, N, K, lda, ldc, accumulate;
    const float *A, *Bp;
    float *C;
} mt_job;

static void mt_part(void *ctx, int part, int parts)
{
    const mt_job *j = ctx;
    const int nr = sets[j->isa]->nr, panels = (j->N + nr - 1) / nr;
    int p0 = panels * part / parts, p1 = panels * (part + 1) / parts;
    if (p0 >= p1) return;
    int n0 = p0 * nr, n1 = p1 * nr < j->N ? p1 * nr : j->N;
    lstm__gemm_packed(j->isa, j->M, n1 - n0, j->K, j->A, j->lda,
                      j->Bp + (size_t)p0 * (size_t)j->K * (size_t)nr, j->C + n0, j->ldc,
                      j->accumulate);
}

void lstm__gemm_packed_mt(struct lstm__workers *w, double min_work, int isa, int M, int N, int K,
                          const float *A, int lda, const float *Bp, float *C, int ldc,
                          int accumulate)
{
    /* While the helpers are behind (workers.c), one call: the parts one after the other cost
    ** more (and this comes last, as it reads the clock). */
    if (!w || (double)M * N * K < min_work || N <= sets[isa]->nr || lstm__workers_solo(w)) {
        lstm__gemm_packed(isa, M, N, K, A, lda, Bp, C, ldc, accumulate);
        return;
    }
    mt_job j = {isa, M, N, K, lda, ldc, accumulate, A, Bp, C};
    lstm__workers_run(w, mt_part, &j);
}
