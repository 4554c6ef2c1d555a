/*
** simd_avx512.c — AVX-512 kernels (this file alone is compiled with -mavx512f -mavx512dq
** -mfma; it runs only when lstm__isa() reports AVX-512).
** GEMM: an MR x 32 register tile (2 zmm per row, MR <= 8 rows), k-loop of broadcast + FMA.
** exp: n = round(x log2 e), r = x - n ln 2 (two-part ln 2), a degree-6 polynomial for e^r,
** then scalef by 2^n. sigmoid = 1 / (1 + e^-x); tanh = sign(x) (1 - e^-2|x|) / (1 + e^-2|x|),
** with an odd polynomial below |x| = 0.0625 where the subtraction would lose digits.
*/
#include "simd/simd.h"

#include <immintrin.h>

/* MR rows x 32 columns. With few rows the FMA chains of one accumulator set are too short to
** hide the FMA latency, so KU independent sets take alternate k and are summed at the end. */
static inline __attribute__((always_inline)) void tile(int MR, int valid, int K, const float *A,
                                                       int lda, const float *Bp, float *C, int ldc,
                                                       int ncols, int accumulate, lstm__pf pf)
{
    /* Rows past `valid` repeat the last valid row (never read out of bounds) and are not
    ** stored: a 4-row tile beats a 2-row one, whose FMA chains are too few. */
    const float *ar[8];
#pragma GCC unroll 8
    for (int i = 0; i < MR; i++) ar[i] = A + (size_t)(i < valid ? i : valid - 1) * (size_t)lda;
    enum { MAXU = 4 };
    const int KU = MR == 1 ? 4 : MR == 2 ? 2 : 1;
    __m512 c0[MAXU][8], c1[MAXU][8];
#pragma GCC unroll 4
    for (int u = 0; u < KU; u++)
#pragma GCC unroll 8
        for (int i = 0; i < MR; i++) c0[u][i] = c1[u][i] = _mm512_setzero_ps();
    int k = 0;
    for (; k + KU <= K; k += KU) {
        lstm__pf_tick(&pf);
#pragma GCC unroll 4
        for (int u = 0; u < KU; u++) {
            const float *b = Bp + (size_t)(k + u) * LSTM__NR;
            __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
#pragma GCC unroll 8
            for (int i = 0; i < MR; i++) {
                __m512 a = _mm512_set1_ps(ar[i][k + u]);
                c0[u][i] = _mm512_fmadd_ps(a, b0, c0[u][i]);
                c1[u][i] = _mm512_fmadd_ps(a, b1, c1[u][i]);
            }
        }
    }
    for (; k < K; k++) {
        const float *b = Bp + (size_t)k * LSTM__NR;
        __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
#pragma GCC unroll 8
        for (int i = 0; i < MR; i++) {
            __m512 a = _mm512_set1_ps(ar[i][k]);
            c0[0][i] = _mm512_fmadd_ps(a, b0, c0[0][i]);
            c1[0][i] = _mm512_fmadd_ps(a, b1, c1[0][i]);
        }
    }
#pragma GCC unroll 4
    for (int u = 1; u < KU; u++)
#pragma GCC unroll 8
        for (int i = 0; i < MR; i++) {
            c0[0][i] = _mm512_add_ps(c0[0][i], c0[u][i]);
            c1[0][i] = _mm512_add_ps(c1[0][i], c1[u][i]);
        }
    __mmask16 m0 = ncols >= 16 ? 0xffff : (__mmask16)((1u << ncols) - 1);
    __mmask16 m1 = ncols >= 32 ? 0xffff : ncols > 16 ? (__mmask16)((1u << (ncols - 16)) - 1) : 0;
#pragma GCC unroll 8
    for (int i = 0; i < MR; i++) {
        if (i >= valid) break;
        float *c = C + (size_t)i * (size_t)ldc;
        __m512 v0 = c0[0][i], v1 = c1[0][i];
        if (accumulate) {
            v0 = _mm512_add_ps(v0, _mm512_maskz_loadu_ps(m0, c));
            v1 = _mm512_add_ps(v1, _mm512_maskz_loadu_ps(m1, c + 16));
        }
        _mm512_mask_storeu_ps(c, m0, v0);
        _mm512_mask_storeu_ps(c + 16, m1, v1);
    }
}

void lstm__gemm_panel_avx512(int M, int K, const float *A, int lda, const float *Bp, float *C,
                             int ldc, int ncols, int accumulate, const float *next)
{
    const int tiles = (M + 7) / 8;
    int m = 0, t = 0;
    for (; m + 8 <= M; m += 8, t++)
        tile(8, 8, K, A + (size_t)m * (size_t)lda, lda, Bp, C + (size_t)m * (size_t)ldc, ldc, ncols,
             accumulate, lstm__pf_share(next, K, K, t, tiles));
    int r = M - m;
    const float *a = A + (size_t)m * (size_t)lda;
    float *c = C + (size_t)m * (size_t)ldc;
    lstm__pf pf = lstm__pf_share(next, K, r == 1 ? K / 4 : K, t, tiles);
    if (r == 1)
        tile(1, 1, K, a, lda, Bp, c, ldc, ncols, accumulate, pf);
    else if (r >= 2 && r <= 4)
        tile(4, r, K, a, lda, Bp, c, ldc, ncols, accumulate, pf);
    else if (r > 4)
        tile(8, r, K, a, lda, Bp, c, ldc, ncols, accumulate, pf);
}

/* e^x for x already clamped to [-87, 87]; NaN passes through. */
static inline __m512 exp_ps(__m512 x)
{
    const __m512 log2e = _mm512_set1_ps(1.44269504088896341f);
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, log2e),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    return _mm512_scalef_ps(p, n);
}

static inline __m512 clamp_ps(__m512 x, float lo, float hi)
{
    /* max(lo, x) and min(hi, x) return x when x is NaN (the second operand). */
    return _mm512_min_ps(_mm512_set1_ps(hi), _mm512_max_ps(_mm512_set1_ps(lo), x));
}

static inline __m512 sigmoid_ps(__m512 x)
{
    __m512 e = exp_ps(clamp_ps(_mm512_sub_ps(_mm512_setzero_ps(), x), -87.0f, 87.0f));
    return _mm512_div_ps(_mm512_set1_ps(1.0f), _mm512_add_ps(_mm512_set1_ps(1.0f), e));
}

static inline __m512 tanh_ps(__m512 x)
{
    const __m512 sign = _mm512_castsi512_ps(_mm512_set1_epi32((int)0x80000000u));
    __m512 ax = _mm512_andnot_ps(sign, x);
    __m512 t = exp_ps(clamp_ps(_mm512_mul_ps(ax, _mm512_set1_ps(-2.0f)), -87.0f, 87.0f));
    __m512 big = _mm512_div_ps(_mm512_sub_ps(_mm512_set1_ps(1.0f), t),
                               _mm512_add_ps(_mm512_set1_ps(1.0f), t));
    __m512 x2 = _mm512_mul_ps(x, x);
    __m512 q = _mm512_fmadd_ps(x2, _mm512_set1_ps(-17.0f / 315.0f), _mm512_set1_ps(2.0f / 15.0f));
    q = _mm512_fmadd_ps(q, x2, _mm512_set1_ps(-1.0f / 3.0f));
    __m512 small = _mm512_fmadd_ps(_mm512_mul_ps(q, x2), x, x);
    __mmask16 is_small = _mm512_cmp_ps_mask(ax, _mm512_set1_ps(0.0625f), _CMP_LT_OQ);
    __m512 r = _mm512_or_ps(big, _mm512_and_ps(x, sign));
    return _mm512_mask_blend_ps(is_small, r, small);
}

void lstm__vsigmoid_avx512(float *x, int n)
{
    int i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(x + i, sigmoid_ps(_mm512_loadu_ps(x + i)));
    if (i < n) {
        __mmask16 m = (__mmask16)((1u << (n - i)) - 1);
        _mm512_mask_storeu_ps(x + i, m, sigmoid_ps(_mm512_maskz_loadu_ps(m, x + i)));
    }
}

void lstm__vtanh_avx512(float *x, int n)
{
    int i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(x + i, tanh_ps(_mm512_loadu_ps(x + i)));
    if (i < n) {
        __mmask16 m = (__mmask16)((1u << (n - i)) - 1);
        _mm512_mask_storeu_ps(x + i, m, tanh_ps(_mm512_maskz_loadu_ps(m, x + i)));
    }
}

/* x + q + bias at offset off (masked to m). */
static inline __m512 pre(__mmask16 m, int off, const float *x, const float *q, const float *b)
{
    __m512 v = _mm512_add_ps(_mm512_maskz_loadu_ps(m, x + off), _mm512_maskz_loadu_ps(m, q + off));
    return _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, b + off));
}

static inline __m512 clip_ps(__m512 v, float clip)
{
    return clip > 0 ? clamp_ps(v, -clip, clip) : v;
}

void lstm__lstm_cell_avx512(const lstm__cell_args *a, const float *x, const float *q, float *c,
                            float *h)
{
    const int H = a->H;
    const float *b = a->bias, *P = a->P, clip = a->clip;
    for (int j = 0; j < H; j += 16) {
        __mmask16 m = H - j >= 16 ? 0xffff : (__mmask16)((1u << (H - j)) - 1);
        __m512 cv = _mm512_maskz_loadu_ps(m, c + j);
        __m512 pi = pre(m, j, x, q, b), po = pre(m, H + j, x, q, b);
        __m512 pf = pre(m, 2 * H + j, x, q, b), pc = pre(m, 3 * H + j, x, q, b);
        if (P) {
            pi = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, P + j), cv, pi);
            pf = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, P + 2 * H + j), cv, pf);
        }
        __m512 i = sigmoid_ps(clip_ps(pi, clip));
        __m512 f =
            a->coupled ? _mm512_sub_ps(_mm512_set1_ps(1.0f), i) : sigmoid_ps(clip_ps(pf, clip));
        cv = _mm512_fmadd_ps(f, cv, _mm512_mul_ps(i, tanh_ps(clip_ps(pc, clip))));
        if (P) po = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, P + H + j), cv, po);
        _mm512_mask_storeu_ps(c + j, m, cv);
        _mm512_mask_storeu_ps(h + j, m, _mm512_mul_ps(sigmoid_ps(clip_ps(po, clip)), tanh_ps(cv)));
    }
}

void lstm__gru_cell_avx512(const lstm__cell_args *a, const float *x, const float *q, float *h)
{
    const int H = a->H;
    const float *b = a->bias, *rbh = a->rbh, clip = a->clip;
    for (int j = 0; j < H; j += 16) {
        __mmask16 m = H - j >= 16 ? 0xffff : (__mmask16)((1u << (H - j)) - 1);
        __m512 z = sigmoid_ps(clip_ps(pre(m, j, x, q, b), clip));
        __m512 r = sigmoid_ps(clip_ps(pre(m, H + j, x, q, b), clip));
        __m512 qh = _mm512_maskz_loadu_ps(m, q + 2 * H + j);
        if (rbh) qh = _mm512_add_ps(qh, _mm512_maskz_loadu_ps(m, rbh + j));
        __m512 n = _mm512_add_ps(_mm512_maskz_loadu_ps(m, x + 2 * H + j),
                                 _mm512_maskz_loadu_ps(m, b + 2 * H + j));
        __m512 g = tanh_ps(clip_ps(_mm512_fmadd_ps(r, qh, n), clip));
        __m512 hv = _mm512_maskz_loadu_ps(m, h + j);
        /* (1 - z) g + z h = g + z (h - g) */
        _mm512_mask_storeu_ps(h + j, m, _mm512_fmadd_ps(z, _mm512_sub_ps(hv, g), g));
    }
}
