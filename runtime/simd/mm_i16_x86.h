/*
** mm_i16_x86.h — the integer product of simd.h (lstm__mm_i16) on x86, included by the kernel
** sets isa_avx2.c and isa_avx512.c. Tile 6 rows x 16 columns on ymm (mm_i16_ymm.h): 12
** accumulators of 8 int32, the panel's pair row (2 ymm) and one broadcast A pair; the pair
** products (exact for values within +-32767) by AVX2 vpmaddwd + vpaddd or AVX-VNNI vpdpwssd,
** and with AVX-512 VNNI (isa_avx512.c) an 8 x 32 tile on zmm. Sums wrap modulo 2^32.
*/
#ifndef LSTM_MM_I16_X86_H
#define LSTM_MM_I16_X86_H

#include <immintrin.h>
#include <string.h>

#define I16_MR 6

/* One pair row of the panel (B) against the pairs of the h rows of A, into accumulator set U
** (va: the pair of row i in every 32-bit lane); DOT(c, a, b) adds the pair products of a and b to
** c. */
#define I16_STEP(DOT, U, va_of_i)                                                                  \
    do {                                                                                           \
        const __m256i b0 = _mm256_loadu_si256((const __m256i *)B),                                 \
                      b1 = _mm256_loadu_si256((const __m256i *)(B + 16));                          \
        _Pragma("GCC unroll 6") for (int i = 0; i < h; i++)                                        \
        {                                                                                          \
            const __m256i va = va_of_i;                                                            \
            c[U][i][0] = DOT(c[U][i][0], va, b0);                                                  \
            c[U][i][1] = DOT(c[U][i][1], va, b1);                                                  \
        }                                                                                          \
        B += 2 * LSTM__I16_NR;                                                                     \
    } while (0)
/* Accumulator sets of an h-row tile: few rows give too few independent chains to hide the
** latency of the pair products (5 cycles, 2 a cycle), so up to 4 sets take alternate pairs of k
** (integer sums: the same result in any order); at most 12 accumulators (16 ymm). */
#define I16_KU(h)      ((h) == 1 ? 4 : (h) <= 3 ? 6 / (h) : 1)
#define I16_CAT2(a, b) a##b
#define I16_CAT(a, b)  I16_CAT2(a, b)

static inline int32_t i16_pair(const int16_t *a)
{
    int32_t v;
    memcpy(&v, a, sizeof v); /* a[0] in the low half */
    return v;
}

/* vpmaddwd adds the two int16 products of a pair into an int32, vpaddd sums modulo 2^32. */
#define I16_NAME k_mm_i16
#define I16_ATTR
#define I16_DOT(c, a, b) _mm256_add_epi32(c, _mm256_madd_epi16(a, b))
#include "simd/mm_i16_ymm.h"
#undef I16_NAME
#undef I16_ATTR
#undef I16_DOT

/* AVX-VNNI (Intel client CPUs from Alder Lake; checked at run time): vpdpwssd does both in one
** instruction, with the same sums. */
#define I16_NAME         k_mm_i16_avxvnni
#define I16_ATTR         __attribute__((target("avxvnni")))
#define I16_DOT(c, a, b) _mm256_dpwssd_avx_epi32(c, a, b)
#include "simd/mm_i16_ymm.h"
#undef I16_NAME
#undef I16_ATTR
#undef I16_DOT

#ifdef I16_VNNI
/* With AVX-512 BW and VNNI (checked at run time: the set itself needs only F and DQ): vpdpwssd
** adds the two int16 products of a pair to an int32 lane in one instruction, modulo 2^32 like
** vpmaddwd + vpaddd, on zmm: one pair row of a panel (16 columns) is one register. Tile 8 rows x
** 2 panels: 16 accumulators. */
#define VNNI_TARGET __attribute__((target("avx512f,avx512bw,avx512vnni")))
#define VNNI_MR     8

/* The k-group at kk (a pair of int16 rows, or with mm8_x86.h a quad of int8 rows: 64 bytes of a
** 16-column panel either way) of both panels against the groups of the h rows of A, into set U:
** DOT is vpdpwssd or vpdpbusd. */
#define VNNI_STEP_OF(DOT, U, kk, group_of_i)                                                       \
    do {                                                                                           \
        const __m512i b0 = _mm512_loadu_si512(B0 + (size_t)(kk)*16);                               \
        const __m512i b1 = np > 1 ? _mm512_loadu_si512(B1 + (size_t)(kk)*16) : b0;                 \
        _Pragma("GCC unroll 8") for (int i = 0; i < h; i++)                                        \
        {                                                                                          \
            const __m512i va = _mm512_set1_epi32(group_of_i);                                      \
            c[U][i][0] = DOT(c[U][i][0], va, b0);                                                  \
            if (np > 1) c[U][i][1] = DOT(c[U][i][1], va, b1);                                      \
        }                                                                                          \
    } while (0)
#define VNNI_STEP(U, kk, pair_of_i) VNNI_STEP_OF(_mm512_dpwssd_epi32, U, kk, pair_of_i)
/* Accumulator sets (as I16_KU): up to 4 taking alternate pairs of k while h x np chains are too
** few to hide vpdpwssd's latency; at most 16 accumulators. */
#define VNNI_KU(h, np) ((h) * (np) >= 8 ? 1 : (h) * (np) >= 4 ? 2 : 4)

/* C[h rows, ncols] = A[h rows, K] x np (1 or 2) panels from B0, `panel` int16 apart. */
static inline __attribute__((always_inline)) VNNI_TARGET void
vnni_tile(const int h, const int np, int K, const int16_t *A, int lda, const int16_t *B0,
          size_t panel, uint32_t *C, int ldc, int ncols)
{
    const int ku = VNNI_KU(h, np);
    __m512i c[4][VNNI_MR][2];
    const int16_t *B1 = B0 + panel;
#pragma GCC unroll 4
    for (int u = 0; u < ku; u++)
#pragma GCC unroll 8
        for (int i = 0; i < h; i++) c[u][i][0] = c[u][i][1] = _mm512_setzero_si512();
    int k = 0;
    for (; k + 2 * ku <= K; k += 2 * ku)
#pragma GCC unroll 4
        for (int u = 0; u < ku; u++)
            VNNI_STEP(u, k + 2 * u, i16_pair(A + (size_t)i * (size_t)lda + k + 2 * u));
    for (; k + 1 < K; k += 2) VNNI_STEP(0, k, i16_pair(A + (size_t)i * (size_t)lda + k));
    if (k < K) /* an odd K's last row pairs with the packing's zeros */
        VNNI_STEP(0, k, (int32_t)(uint16_t)A[(size_t)i * (size_t)lda + k]);
#pragma GCC unroll 4
    for (int u = 1; u < ku; u++)
#pragma GCC unroll 8
        for (int i = 0; i < h; i++) {
            c[0][i][0] = _mm512_add_epi32(c[0][i][0], c[u][i][0]);
            c[0][i][1] = _mm512_add_epi32(c[0][i][1], c[u][i][1]);
        }
#pragma GCC unroll 8
    for (int i = 0; i < h; i++)
#pragma GCC unroll 2
        for (int q = 0; q < np; q++) {
            const int n = ncols - q * LSTM__I16_NR;
            uint32_t *o = C + (size_t)i * (size_t)ldc + q * LSTM__I16_NR;
            if (n >= LSTM__I16_NR)
                _mm512_storeu_si512(o, c[0][i][q]);
            else
                _mm512_mask_storeu_epi32(o, (__mmask16)((1u << n) - 1), c[0][i][q]);
        }
}

#define VNNI_ROWS(np)                                                                              \
    switch (M - i < VNNI_MR ? M - i : VNNI_MR) { /* each height its own unrolled copy */           \
    case 1:                                                                                        \
        vnni_tile(1, np, K, a, lda, B, panel, c, ldc, ncols);                                      \
        break;                                                                                     \
    case 2:                                                                                        \
        vnni_tile(2, np, K, a, lda, B, panel, c, ldc, ncols);                                      \
        break;                                                                                     \
    case 3:                                                                                        \
        vnni_tile(3, np, K, a, lda, B, panel, c, ldc, ncols);                                      \
        break;                                                                                     \
    case 4:                                                                                        \
        vnni_tile(4, np, K, a, lda, B, panel, c, ldc, ncols);                                      \
        break;                                                                                     \
    case 5:                                                                                        \
        vnni_tile(5, np, K, a, lda, B, panel, c, ldc, ncols);                                      \
        break;                                                                                     \
    case 6:                                                                                        \
        vnni_tile(6, np, K, a, lda, B, panel, c, ldc, ncols);                                      \
        break;                                                                                     \
    case 7:                                                                                        \
        vnni_tile(7, np, K, a, lda, B, panel, c, ldc, ncols);                                      \
        break;                                                                                     \
    default:                                                                                       \
        vnni_tile(VNNI_MR, np, K, a, lda, B, panel, c, ldc, ncols);                                \
        break;                                                                                     \
    }

static VNNI_TARGET void k_mm_i16_vnni(int M, int N, int K, const int16_t *A, int lda,
                                      const int16_t *Bp, uint32_t *C, int ldc)
{
    const int panels = (N + LSTM__I16_NR - 1) / LSTM__I16_NR;
    const size_t panel = (size_t)((K + 1) / 2) * 2 * LSTM__I16_NR;
    for (int p = 0; p < panels; p += 2) {
        const int16_t *B = Bp + (size_t)p * panel;
        const int ncols =
            N - p * LSTM__I16_NR < 2 * LSTM__I16_NR ? N - p * LSTM__I16_NR : 2 * LSTM__I16_NR;
        for (int i = 0; i < M; i += VNNI_MR) {
            const int16_t *a = A + (size_t)i * (size_t)lda;
            uint32_t *c = C + (size_t)i * (size_t)ldc + (size_t)p * LSTM__I16_NR;
            if (p + 1 < panels) {
                VNNI_ROWS(2)
            } else {
                VNNI_ROWS(1)
            }
        }
    }
}

static void k_mm_i16_any(int M, int N, int K, const int16_t *A, int lda, const int16_t *Bp,
                         uint32_t *C, int ldc)
{
    const unsigned need = LSTM__CPU_AVX512BW | LSTM__CPU_AVX512VNNI;
    if ((lstm__cpu_features() & need) == need)
        k_mm_i16_vnni(M, N, K, A, lda, Bp, C, ldc);
    else if (lstm__cpu_features() & LSTM__CPU_AVXVNNI)
        k_mm_i16_avxvnni(M, N, K, A, lda, Bp, C, ldc);
    else
        k_mm_i16(M, N, K, A, lda, Bp, C, ldc);
}
#else
static void k_mm_i16_any(int M, int N, int K, const int16_t *A, int lda, const int16_t *Bp,
                         uint32_t *C, int ldc)
{
    if (lstm__cpu_features() & LSTM__CPU_AVXVNNI)
        k_mm_i16_avxvnni(M, N, K, A, lda, Bp, C, ldc);
    else
        k_mm_i16(M, N, K, A, lda, Bp, C, ldc);
}
#endif
#define KS_MM_I16 k_mm_i16_any

#endif
