/*
** simd_avx2.c — AVX2 + FMA kernels (this file alone is compiled with -mavx2 -mfma; it runs only
** when lstm__isa() reports AVX2). GEMM: MR x 32 register tile (4 ymm per row, MR <= 2 rows).
** exp, sigmoid and tanh as in simd_avx512.c, with 2^n built in the exponent bits.
*/
#include "simd/simd.h"

#include <immintrin.h>

/* MR rows x 32 columns; one row keeps two accumulator sets on alternate k (see avx512). */
static inline __attribute__((always_inline)) void tile(int MR, int K, const float *A, int lda,
                                                       const float *Bp, float *C, int ldc,
                                                       int ncols, int accumulate, lstm__pf pf)
{
    const int KU = MR == 1 ? 2 : 1;
    __m256 c[2][2][4];
    for (int u = 0; u < KU; u++)
#pragma GCC unroll 2
        for (int i = 0; i < MR; i++)
            for (int j = 0; j < 4; j++) c[u][i][j] = _mm256_setzero_ps();
    int k = 0;
    for (; k + KU <= K; k += KU) {
        lstm__pf_tick(&pf);
#pragma GCC unroll 2
        for (int u = 0; u < KU; u++) {
            const float *b = Bp + (size_t)(k + u) * LSTM__NR;
            __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8),
                   b2 = _mm256_loadu_ps(b + 16), b3 = _mm256_loadu_ps(b + 24);
#pragma GCC unroll 2
            for (int i = 0; i < MR; i++) {
                __m256 a = _mm256_broadcast_ss(A + (size_t)i * (size_t)lda + (size_t)(k + u));
                c[u][i][0] = _mm256_fmadd_ps(a, b0, c[u][i][0]);
                c[u][i][1] = _mm256_fmadd_ps(a, b1, c[u][i][1]);
                c[u][i][2] = _mm256_fmadd_ps(a, b2, c[u][i][2]);
                c[u][i][3] = _mm256_fmadd_ps(a, b3, c[u][i][3]);
            }
        }
    }
    for (; k < K; k++) {
        const float *b = Bp + (size_t)k * LSTM__NR;
        for (int i = 0; i < MR; i++) {
            __m256 a = _mm256_broadcast_ss(A + (size_t)i * (size_t)lda + (size_t)k);
            for (int j = 0; j < 4; j++)
                c[0][i][j] = _mm256_fmadd_ps(a, _mm256_loadu_ps(b + 8 * j), c[0][i][j]);
        }
    }
    if (KU == 2)
        for (int i = 0; i < MR; i++)
            for (int j = 0; j < 4; j++) c[0][i][j] = _mm256_add_ps(c[0][i][j], c[1][i][j]);
    for (int i = 0; i < MR; i++) {
        float *o = C + (size_t)i * (size_t)ldc;
        if (ncols == LSTM__NR) {
            for (int j = 0; j < 4; j++) {
                __m256 v = c[0][i][j];
                if (accumulate) v = _mm256_add_ps(v, _mm256_loadu_ps(o + 8 * j));
                _mm256_storeu_ps(o + 8 * j, v);
            }
        } else {
            float tmp[LSTM__NR];
            for (int j = 0; j < 4; j++) _mm256_storeu_ps(tmp + 8 * j, c[0][i][j]);
            for (int j = 0; j < ncols; j++) o[j] = accumulate ? o[j] + tmp[j] : tmp[j];
        }
    }
}

void lstm__gemm_panel_avx2(int M, int K, const float *A, int lda, const float *Bp, float *C,
                           int ldc, int ncols, int accumulate, const float *next)
{
    const int tiles = (M + 1) / 2;
    int m = 0, t = 0;
    for (; m + 2 <= M; m += 2, t++)
        tile(2, K, A + (size_t)m * (size_t)lda, lda, Bp, C + (size_t)m * (size_t)ldc, ldc, ncols,
             accumulate, lstm__pf_share(next, K, K, t, tiles));
    if (m < M)
        tile(1, K, A + (size_t)m * (size_t)lda, lda, Bp, C + (size_t)m * (size_t)ldc, ldc, ncols,
             accumulate, lstm__pf_share(next, K, K / 2, t, tiles));
}

static inline __m256 exp_ps(__m256 x)
{
    __m256 fn = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(fn, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(fn, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    __m256i e =
        _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(fn), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

static inline __m256 clamp_ps(__m256 x, float lo, float hi)
{
    return _mm256_min_ps(_mm256_set1_ps(hi), _mm256_max_ps(_mm256_set1_ps(lo), x));
}

static inline __m256 sigmoid_ps(__m256 x)
{
    __m256 e = exp_ps(clamp_ps(_mm256_sub_ps(_mm256_setzero_ps(), x), -87.0f, 87.0f));
    return _mm256_div_ps(_mm256_set1_ps(1.0f), _mm256_add_ps(_mm256_set1_ps(1.0f), e));
}

static inline __m256 tanh_ps(__m256 x)
{
    const __m256 sign = _mm256_castsi256_ps(_mm256_set1_epi32((int)0x80000000u));
    __m256 ax = _mm256_andnot_ps(sign, x);
    __m256 t = exp_ps(clamp_ps(_mm256_mul_ps(ax, _mm256_set1_ps(-2.0f)), -87.0f, 87.0f));
    __m256 big = _mm256_div_ps(_mm256_sub_ps(_mm256_set1_ps(1.0f), t),
                               _mm256_add_ps(_mm256_set1_ps(1.0f), t));
    __m256 x2 = _mm256_mul_ps(x, x);
    __m256 q = _mm256_fmadd_ps(x2, _mm256_set1_ps(-17.0f / 315.0f), _mm256_set1_ps(2.0f / 15.0f));
    q = _mm256_fmadd_ps(q, x2, _mm256_set1_ps(-1.0f / 3.0f));
    __m256 small = _mm256_fmadd_ps(_mm256_mul_ps(q, x2), x, x);
    __m256 is_small = _mm256_cmp_ps(ax, _mm256_set1_ps(0.0625f), _CMP_LT_OQ);
    __m256 r = _mm256_or_ps(big, _mm256_and_ps(x, sign));
    return _mm256_blendv_ps(r, small, is_small);
}

void lstm__vsigmoid_avx2(float *x, int n)
{
    int i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(x + i, sigmoid_ps(_mm256_loadu_ps(x + i)));
    if (i < n) {
        float t[8] = {0};
        for (int j = 0; j < n - i; j++) t[j] = x[i + j];
        _mm256_storeu_ps(t, sigmoid_ps(_mm256_loadu_ps(t)));
        for (int j = 0; j < n - i; j++) x[i + j] = t[j];
    }
}

void lstm__vtanh_avx2(float *x, int n)
{
    int i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(x + i, tanh_ps(_mm256_loadu_ps(x + i)));
    if (i < n) {
        float t[8] = {0};
        for (int j = 0; j < n - i; j++) t[j] = x[i + j];
        _mm256_storeu_ps(t, tanh_ps(_mm256_loadu_ps(t)));
        for (int j = 0; j < n - i; j++) x[i + j] = t[j];
    }
}

/* x + q + bias at offset off. */
static inline __m256 pre(int off, const float *x, const float *q, const float *b)
{
    __m256 v = _mm256_add_ps(_mm256_loadu_ps(x + off), _mm256_loadu_ps(q + off));
    return _mm256_add_ps(v, _mm256_loadu_ps(b + off));
}

static inline __m256 clip_ps(__m256 v, float clip)
{
    return clip > 0 ? clamp_ps(v, -clip, clip) : v;
}

void lstm__lstm_cell_avx2(const lstm__cell_args *a, const float *x, const float *q, float *c,
                          float *h)
{
    const int H = a->H;
    const float *b = a->bias, *P = a->P, clip = a->clip;
    int j = 0;
    for (; j + 8 <= H; j += 8) {
        __m256 cv = _mm256_loadu_ps(c + j);
        __m256 pi = pre(j, x, q, b), po = pre(H + j, x, q, b);
        __m256 pf = pre(2 * H + j, x, q, b), pc = pre(3 * H + j, x, q, b);
        if (P) {
            pi = _mm256_fmadd_ps(_mm256_loadu_ps(P + j), cv, pi);
            pf = _mm256_fmadd_ps(_mm256_loadu_ps(P + 2 * H + j), cv, pf);
        }
        __m256 i = sigmoid_ps(clip_ps(pi, clip));
        __m256 f =
            a->coupled ? _mm256_sub_ps(_mm256_set1_ps(1.0f), i) : sigmoid_ps(clip_ps(pf, clip));
        cv = _mm256_fmadd_ps(f, cv, _mm256_mul_ps(i, tanh_ps(clip_ps(pc, clip))));
        if (P) po = _mm256_fmadd_ps(_mm256_loadu_ps(P + H + j), cv, po);
        _mm256_storeu_ps(c + j, cv);
        _mm256_storeu_ps(h + j, _mm256_mul_ps(sigmoid_ps(clip_ps(po, clip)), tanh_ps(cv)));
    }
    lstm__lstm_cell_portable(a, j, x, q, c, h);
}

void lstm__gru_cell_avx2(const lstm__cell_args *a, const float *x, const float *q, float *h)
{
    const int H = a->H;
    const float *b = a->bias, *rbh = a->rbh, clip = a->clip;
    int j = 0;
    for (; j + 8 <= H; j += 8) {
        __m256 z = sigmoid_ps(clip_ps(pre(j, x, q, b), clip));
        __m256 r = sigmoid_ps(clip_ps(pre(H + j, x, q, b), clip));
        __m256 qh = _mm256_loadu_ps(q + 2 * H + j);
        if (rbh) qh = _mm256_add_ps(qh, _mm256_loadu_ps(rbh + j));
        __m256 n = _mm256_add_ps(_mm256_loadu_ps(x + 2 * H + j), _mm256_loadu_ps(b + 2 * H + j));
        __m256 g = tanh_ps(clip_ps(_mm256_fmadd_ps(r, qh, n), clip));
        __m256 hv = _mm256_loadu_ps(h + j);
        _mm256_storeu_ps(h + j, _mm256_fmadd_ps(z, _mm256_sub_ps(hv, g), g));
    }
    lstm__gru_cell_portable(a, j, x, q, h);
}
