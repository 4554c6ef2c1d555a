/*
** mm8_x86.h — the 8-bit integer product of simd.h (lstm__mm8) with AVX-512 VNNI, included by
** isa_avx512.c after mm_i16_x86.h (VNNI_TARGET, VNNI_MR). vpdpbusd adds the four products of
** unsigned A bytes and signed B bytes of a 32-bit lane to an int32, modulo 2^32 (a product fits
** 16 bits and four of them 18: nothing saturates). Panels of 16 columns by quads of k: one quad
** row of a panel is one zmm. Tile 8 rows x 2 panels, as the int16 product's; the zero-point
** terms are added as the tile is stored.
*/
#ifndef LSTM_MM8_X86_H
#define LSTM_MM8_X86_H

/* The quad row at kk (bytes of K) of both panels against the quads of the h rows of A. */
#define Q8_STEP(U, kk, quad_of_i) VNNI_STEP_OF(_mm512_dpbusd_epi32, U, kk, quad_of_i)

/* The n < 4 bytes at p as the low bytes of a lane (the others 0: the packing's zeros meet 0). */
static inline int32_t q8_quad(const uint8_t *p, int n)
{
    uint32_t v = 0;
    memcpy(&v, p, (size_t)n);
    return (int32_t)v;
}

/* C[h rows, ncols] = (A - za)(B - zb) for h rows of A (bytes; ra, za: their sums and zero
** points) and np (1 or 2)
** panels from B0, `panel` bytes apart (ct, zb: their columns' terms, simd.h: lstm__pack8). */
static inline __attribute__((always_inline)) VNNI_TARGET void
q8_tile(const int h, const int np, int K, const uint8_t *A, int lda, const int8_t *B0, size_t panel,
        uint32_t *C, int ldc, int ncols, const int32_t *ra, const int32_t *za, const int32_t *ct,
        const int32_t *zb)
{
    const int ku = VNNI_KU(h, np);
    __m512i c[4][VNNI_MR][2];
    const int8_t *B1 = B0 + panel;
#pragma GCC unroll 4
    for (int u = 0; u < ku; u++)
#pragma GCC unroll 8
        for (int i = 0; i < h; i++) c[u][i][0] = c[u][i][1] = _mm512_setzero_si512();
    int k = 0;
    for (; k + 4 * ku <= K; k += 4 * ku)
#pragma GCC unroll 4
        for (int u = 0; u < ku; u++)
            Q8_STEP(u, k + 4 * u, q8_quad(A + (size_t)i * (size_t)lda + k + 4 * u, 4));
    for (; k + 4 <= K; k += 4) Q8_STEP(0, k, q8_quad(A + (size_t)i * (size_t)lda + k, 4));
    if (k < K) Q8_STEP(0, k, q8_quad(A + (size_t)i * (size_t)lda + k, K - k));
#pragma GCC unroll 4
    for (int u = 1; u < ku; u++)
#pragma GCC unroll 8
        for (int i = 0; i < h; i++) {
            c[0][i][0] = _mm512_add_epi32(c[0][i][0], c[u][i][0]);
            c[0][i][1] = _mm512_add_epi32(c[0][i][1], c[u][i][1]);
        }
    /* + za[i] ct[n] - ra[i] zb[n], modulo 2^32 (vpmulld keeps the low 32 bits) */
    __mmask16 mk[2];
    __m512i vct[2], vzb[2];
#pragma GCC unroll 2
    for (int q = 0; q < np; q++) {
        const int n = ncols - q * LSTM__I8_NR;
        mk[q] = n >= LSTM__I8_NR ? (__mmask16)0xffff : (__mmask16)((1u << n) - 1);
        vct[q] = _mm512_maskz_loadu_epi32(mk[q], ct + q * LSTM__I8_NR);
        vzb[q] = _mm512_maskz_loadu_epi32(mk[q], zb + q * LSTM__I8_NR);
    }
#pragma GCC unroll 8
    for (int i = 0; i < h; i++)
#pragma GCC unroll 2
        for (int q = 0; q < np; q++) {
            const __m512i t =
                _mm512_sub_epi32(_mm512_mullo_epi32(_mm512_set1_epi32(za[i]), vct[q]),
                                 _mm512_mullo_epi32(_mm512_set1_epi32(ra[i]), vzb[q]));
            _mm512_mask_storeu_epi32(C + (size_t)i * (size_t)ldc + q * LSTM__I8_NR, mk[q],
                                     _mm512_add_epi32(c[0][i][q], t));
        }
}

/* The sum of the K bytes at a. */
static inline VNNI_TARGET int32_t q8_row_sum(const uint8_t *a, int K)
{
    __m512i s = _mm512_setzero_si512();
    int k = 0;
    for (; k + 64 <= K; k += 64)
        s = _mm512_add_epi64(s, _mm512_sad_epu8(_mm512_loadu_si512(a + k), _mm512_setzero_si512()));
    if (k < K)
        s = _mm512_add_epi64(
            s, _mm512_sad_epu8(_mm512_maskz_loadu_epi8((__mmask64)(~0ull >> (64 - (K - k))), a + k),
                               _mm512_setzero_si512()));
    return (int32_t)_mm512_reduce_add_epi64(s);
}

#define Q8_ROWS(np)                                                                                \
    switch (M - i < VNNI_MR ? M - i : VNNI_MR) { /* each height its own unrolled copy */           \
    case 1:                                                                                        \
        q8_tile(1, np, K, a, lda, B, panel, c, ldc, ncols, ra, zr, ct + n0, zb + n0);              \
        break;                                                                                     \
    case 2:                                                                                        \
        q8_tile(2, np, K, a, lda, B, panel, c, ldc, ncols, ra, zr, ct + n0, zb + n0);              \
        break;                                                                                     \
    case 3:                                                                                        \
        q8_tile(3, np, K, a, lda, B, panel, c, ldc, ncols, ra, zr, ct + n0, zb + n0);              \
        break;                                                                                     \
    case 4:                                                                                        \
        q8_tile(4, np, K, a, lda, B, panel, c, ldc, ncols, ra, zr, ct + n0, zb + n0);              \
        break;                                                                                     \
    case 5:                                                                                        \
        q8_tile(5, np, K, a, lda, B, panel, c, ldc, ncols, ra, zr, ct + n0, zb + n0);              \
        break;                                                                                     \
    case 6:                                                                                        \
        q8_tile(6, np, K, a, lda, B, panel, c, ldc, ncols, ra, zr, ct + n0, zb + n0);              \
        break;                                                                                     \
    case 7:                                                                                        \
        q8_tile(7, np, K, a, lda, B, panel, c, ldc, ncols, ra, zr, ct + n0, zb + n0);              \
        break;                                                                                     \
    default:                                                                                       \
        q8_tile(VNNI_MR, np, K, a, lda, B, panel, c, ldc, ncols, ra, zr, ct + n0, zb + n0);        \
        break;                                                                                     \
    }

/* C[M x N] = (A - za)(B - zb) (simd.h: lstm__mm8; Bp, ct, zb from the first column on). Rows in
** blocks of VNNI_MR, their sums taken once, against every panel. */
static VNNI_TARGET void k_mm8_vnni(int M, int N, int K, const uint8_t *A, int lda,
                                   const int32_t *za, int za_step, const int8_t *Bp,
                                   const int32_t *ct, const int32_t *zb, uint32_t *C, int ldc)
{
    const int panels = (N + LSTM__I8_NR - 1) / LSTM__I8_NR;
    const size_t panel = (size_t)((K + 3) / 4) * 4 * LSTM__I8_NR;
    for (int i = 0; i < M; i += VNNI_MR) {
        const uint8_t *a = A + (size_t)i * (size_t)lda;
        int32_t ra[VNNI_MR] = {0}, zr[VNNI_MR] = {0}; /* rows past M stay 0, unread */
        for (int r = 0; r < VNNI_MR && i + r < M; r++) {
            ra[r] = q8_row_sum(a + (size_t)r * (size_t)lda, K);
            zr[r] = za[(size_t)(i + r) * (size_t)za_step];
        }
        for (int p = 0; p < panels; p += 2) {
            const int8_t *B = Bp + (size_t)p * panel;
            const int n0 = p * LSTM__I8_NR;
            const int ncols = N - n0 < 2 * LSTM__I8_NR ? N - n0 : 2 * LSTM__I8_NR;
            uint32_t *c = C + (size_t)i * (size_t)ldc + (size_t)n0;
            if (p + 1 < panels) {
                Q8_ROWS(2)
            } else {
                Q8_ROWS(1)
            }
        }
    }
}

/* NULL when the CPU lacks AVX-512 BW or VNNI: the caller keeps the int16 product. */
static int k_mm8_ok(void)
{
    const unsigned need = LSTM__CPU_AVX512BW | LSTM__CPU_AVX512VNNI;
    return (lstm__cpu_features() & need) == need;
}

#define KS_MM8    k_mm8_vnni
#define KS_MM8_OK k_mm8_ok

#endif
