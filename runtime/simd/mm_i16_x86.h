/*
** mm_i16_x86.h — the integer product of simd.h (lstm__mm_i16) with AVX2 vpmaddwd, included by the
** x86 kernel sets (isa_avx2.c, isa_avx512.c). Tile 6 rows x 16 columns: 12 accumulators of 8
** int32, the panel's pair row (2 ymm) and one broadcast A pair. vpmaddwd adds two int16 products
** into an int32 (exact for values within +-32767), vpaddd sums modulo 2^32.
*/
#ifndef LSTM_MM_I16_X86_H
#define LSTM_MM_I16_X86_H

#include <immintrin.h>
#include <string.h>

#define I16_MR 6

/* One pair row of the panel (B) against the pairs of the h rows of A at k (va: the pair of row i
** in every 32-bit lane). */
#define I16_STEP(va_of_i)                                                                          \
    do {                                                                                           \
        const __m256i b0 = _mm256_loadu_si256((const __m256i *)B),                                 \
                      b1 = _mm256_loadu_si256((const __m256i *)(B + 16));                          \
        _Pragma("GCC unroll 6") for (int i = 0; i < h; i++)                                        \
        {                                                                                          \
            const __m256i va = va_of_i;                                                            \
            c[i][0] = _mm256_add_epi32(c[i][0], _mm256_madd_epi16(va, b0));                        \
            c[i][1] = _mm256_add_epi32(c[i][1], _mm256_madd_epi16(va, b1));                        \
        }                                                                                          \
        B += 2 * LSTM__I16_NR;                                                                     \
    } while (0)

static inline int32_t i16_pair(const int16_t *a)
{
    int32_t v;
    memcpy(&v, a, sizeof v); /* a[0] in the low half */
    return v;
}

/* C[h rows, ncols] = A[h rows, K] x one panel; lane j of c[i][0] / c[i][1] is column j / 8 + j. */
static inline __attribute__((always_inline)) void i16_tile(const int h, int K, const int16_t *A,
                                                           int lda, const int16_t *B, uint32_t *C,
                                                           int ldc, int ncols)
{
    __m256i c[I16_MR][2];
#pragma GCC unroll 6
    for (int i = 0; i < h; i++) c[i][0] = c[i][1] = _mm256_setzero_si256();
    int k = 0;
    for (; k + 1 < K; k += 2)
        I16_STEP(_mm256_set1_epi32(i16_pair(A + (size_t)i * (size_t)lda + k)));
    if (k < K) /* an odd K's last row pairs with the packing's zeros */
        I16_STEP(_mm256_set1_epi32((int32_t)(uint16_t)A[(size_t)i * (size_t)lda + k]));
#pragma GCC unroll 6
    for (int i = 0; i < h; i++) {
        uint32_t *o = C + (size_t)i * (size_t)ldc;
        if (ncols == LSTM__I16_NR) {
            _mm256_storeu_si256((__m256i *)o, c[i][0]);
            _mm256_storeu_si256((__m256i *)(o + 8), c[i][1]);
        } else {
            uint32_t t[LSTM__I16_NR];
            _mm256_storeu_si256((__m256i *)t, c[i][0]);
            _mm256_storeu_si256((__m256i *)(t + 8), c[i][1]);
            memcpy(o, t, (size_t)ncols * sizeof *t);
        }
    }
}

static void k_mm_i16(int M, int N, int K, const int16_t *A, int lda, const int16_t *Bp, uint32_t *C,
                     int ldc)
{
    const int panels = (N + LSTM__I16_NR - 1) / LSTM__I16_NR;
    const size_t panel = (size_t)((K + 1) / 2) * 2 * LSTM__I16_NR;
    for (int p = 0; p < panels; p++) {
        const int16_t *B = Bp + (size_t)p * panel;
        const int ncols = N - p * LSTM__I16_NR < LSTM__I16_NR ? N - p * LSTM__I16_NR : LSTM__I16_NR;
        for (int i = 0; i < M; i += I16_MR) {
            const int16_t *a = A + (size_t)i * (size_t)lda;
            uint32_t *c = C + (size_t)i * (size_t)ldc + (size_t)p * LSTM__I16_NR;
            switch (M - i) { /* each height its own unrolled copy */
            case 1:
                i16_tile(1, K, a, lda, B, c, ldc, ncols);
                break;
            case 2:
                i16_tile(2, K, a, lda, B, c, ldc, ncols);
                break;
            case 3:
                i16_tile(3, K, a, lda, B, c, ldc, ncols);
                break;
            case 4:
                i16_tile(4, K, a, lda, B, c, ldc, ncols);
                break;
            case 5:
                i16_tile(5, K, a, lda, B, c, ldc, ncols);
                break;
            default:
                i16_tile(I16_MR, K, a, lda, B, c, ldc, ncols);
                break;
            }
        }
    }
}

#ifdef I16_VNNI
/* With AVX-512 BW and VNNI (checked at run time: the set itself needs only F and DQ): vpdpwssd
** adds the two int16 products of a pair to an int32 lane in one instruction, modulo 2^32 like
** vpmaddwd + vpaddd, on zmm: one pair row of a panel (16 columns) is one register. Tile 8 rows x
** 2 panels: 16 accumulators. */
#define VNNI_TARGET __attribute__((target("avx512f,avx512bw,avx512vnni")))
#define VNNI_MR     8

/* The pair row at k of both panels against the pairs of the h rows of A. */
#define VNNI_STEP(pair_of_i)                                                                       \
    do {                                                                                           \
        const __m512i b0 = _mm512_loadu_si512(B0 + (size_t)k * LSTM__I16_NR);                      \
        const __m512i b1 = np > 1 ? _mm512_loadu_si512(B1 + (size_t)k * LSTM__I16_NR) : b0;        \
        _Pragma("GCC unroll 8") for (int i = 0; i < h; i++)                                        \
        {                                                                                          \
            const __m512i va = _mm512_set1_epi32(pair_of_i);                                       \
            c[i][0] = _mm512_dpwssd_epi32(c[i][0], va, b0);                                        \
            if (np > 1) c[i][1] = _mm512_dpwssd_epi32(c[i][1], va, b1);                            \
        }                                                                                          \
    } while (0)

/* C[h rows, ncols] = A[h rows, K] x np (1 or 2) panels from B0, `panel` int16 apart. */
static inline __attribute__((always_inline)) VNNI_TARGET void
vnni_tile(const int h, const int np, int K, const int16_t *A, int lda, const int16_t *B0,
          size_t panel, uint32_t *C, int ldc, int ncols)
{
    __m512i c[VNNI_MR][2];
    const int16_t *B1 = B0 + panel;
#pragma GCC unroll 8
    for (int i = 0; i < h; i++) c[i][0] = c[i][1] = _mm512_setzero_si512();
    int k = 0;
    for (; k + 1 < K; k += 2) VNNI_STEP(i16_pair(A + (size_t)i * (size_t)lda + k));
    if (k < K) /* an odd K's last row pairs with the packing's zeros */
        VNNI_STEP((int32_t)(uint16_t)A[(size_t)i * (size_t)lda + k]);
#pragma GCC unroll 8
    for (int i = 0; i < h; i++)
#pragma GCC unroll 2
        for (int q = 0; q < np; q++) {
            const int n = ncols - q * LSTM__I16_NR;
            uint32_t *o = C + (size_t)i * (size_t)ldc + q * LSTM__I16_NR;
            if (n >= LSTM__I16_NR)
                _mm512_storeu_si512(o, c[i][q]);
            else
                _mm512_mask_storeu_epi32(o, (__mmask16)((1u << n) - 1), c[i][q]);
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
    else
        k_mm_i16(M, N, K, A, lda, Bp, C, ldc);
}
#define KS_MM_I16 k_mm_i16_any
#else
#define KS_MM_I16 k_mm_i16
#endif

#endif
