/*
** kernels.h — the kernels, written once over a vector layer. Each runtime/simd/isa_NAME.c
** defines the layer below, then includes this file, which compiles the kernels for that
** instruction set and defines the set's table row, lstm__kernels_NAME (simd.h).
**
** The layer:
**   KS_NAME, KS_NEEDS   the set's name (an identifier) and the CPU features it needs
**   VL                  floats per vector; NREG: vector registers
**   MR, NV              the GEMM register tile: MR rows x NV vectors (panel width NR = NV VL)
**   ACC                 independent FMA chains that keep the FMA units busy (latency x ports)
**   vf, vm              a vector of VL floats and a lane mask
**   v_zero() v_set1(s) v_bcast(p) v_load(p) v_store(p, v)
**   v_load_n(p, n) v_store_n(p, v, n)       the first n < VL lanes (the others read as 0)
**   v_add v_sub v_mul v_div; v_fma(a, b, c) = a b + c; v_fnma(a, b, c) = c - a b
**   v_max(x, y) v_min(x, y)                  a NaN in x is returned as is
**   v_abs(x); v_copysign(m, s)               |m| with the sign of s (m >= 0)
**   v_round(x)                               to the nearest integer (ties to even)
**   v_pow2n(p, n)                            p 2^n for integral n in [-126, 127]
**   v_lt(a, b) -> vm; v_select(m, a, b)      a where m is set, else b
**   v_hsum(v) -> float                       the sum of the lanes
** and optionally V_SIGMOID, V_TANH: the layer's own (the portable set uses libm).
**
** exp: n = round(x log2 e), r = x - n ln 2 (ln 2 in two parts), a degree-6 polynomial for e^r,
** times 2^n. sigmoid = 1 / (1 + e^-x); tanh = sign(x) (1 - e^-2|x|) / (1 + e^-2|x|), with an
** odd polynomial below |x| = 0.0625 where the subtraction would lose digits.
*/
#ifndef LSTM_SIMD_KERNELS_H
#define LSTM_SIMD_KERNELS_H

#include "simd/simd.h"

#define NR            (NV * VL)
#define KS_CAT2(a, b) a##b
#define KS_CAT(a, b)  KS_CAT2(a, b)
#define KS_STR2(a)    #a
#define KS_STR(a)     KS_STR2(a)
#define KS_INLINE     static inline __attribute__((always_inline))

/* Holds a vector in a register: the x86 sets define it so that GCC loads each B-panel vector
** once per k instead of folding the load into every row's FMA (a 2-row tile read the panel
** twice: M = 2, N = 1024, K = 256 on Zen 4, 55 -> 74 GFLOP/s with AVX2). */
#ifndef v_keep
#define v_keep(v) ((void)0)
#endif

/* ---- element-wise ---- */

KS_INLINE vf ld(const float *p, int n)
{
    return n >= VL ? v_load(p) : v_load_n(p, n);
}

KS_INLINE void st(float *p, vf v, int n)
{
    if (n >= VL)
        v_store(p, v);
    else
        v_store_n(p, v, n);
}

KS_INLINE vf clamp(vf x, float lo, float hi)
{
    return v_min(v_max(x, v_set1(lo)), v_set1(hi));
}

/* e^x for x in [-87.34, 88] (or NaN, which passes). */
KS_INLINE vf k_exp(vf x)
{
    vf n = v_round(v_mul(x, v_set1(1.44269504088896341f)));
    vf r = v_fnma(n, v_set1(0.693359375f), x);
    r = v_fnma(n, v_set1(-2.12194440e-4f), r);
    vf p = v_set1(1.9875691500e-4f);
    p = v_fma(p, r, v_set1(1.3981999507e-3f));
    p = v_fma(p, r, v_set1(8.3334519073e-3f));
    p = v_fma(p, r, v_set1(4.1665795894e-2f));
    p = v_fma(p, r, v_set1(1.6666665459e-1f));
    p = v_fma(p, r, v_set1(5.0000001201e-1f));
    p = v_fma(p, v_mul(r, r), v_add(r, v_set1(1.0f)));
    return v_pow2n(p, n);
}

#ifdef V_SIGMOID
#define k_sigmoid V_SIGMOID
#else
KS_INLINE vf k_sigmoid(vf x)
{
    vf e = k_exp(clamp(v_sub(v_zero(), x), -87.0f, 87.0f));
    return v_div(v_set1(1.0f), v_add(v_set1(1.0f), e));
}
#endif

#ifdef V_TANH
#define k_tanh V_TANH
#else
KS_INLINE vf k_tanh(vf x)
{
    vf ax = v_abs(x);
    vf t = k_exp(v_max(v_mul(ax, v_set1(-2.0f)), v_set1(-87.0f)));
    vf big = v_div(v_sub(v_set1(1.0f), t), v_add(v_set1(1.0f), t));
    vf x2 = v_mul(x, x);
    vf q = v_fma(x2, v_set1(-17.0f / 315.0f), v_set1(2.0f / 15.0f));
    q = v_fma(q, x2, v_set1(-1.0f / 3.0f));
    vf small = v_fma(v_mul(q, x2), x, x);
    return v_select(v_lt(ax, v_set1(0.0625f)), small, v_copysign(big, x));
}
#endif

/* e^x over the whole float range: +inf above 88.73, 0 below -87.34 (where e^x is subnormal). */
KS_INLINE vf k_exp_full(vf x)
{
    vf e = k_exp(clamp(x, -87.3365479f, 88.0f));
    /* [87, 88.73): e^88 e^(x - 88), both in range. */
    vf hi = v_mul(k_exp(clamp(v_sub(x, v_set1(88.0f)), -87.0f, 0.73f)), v_set1(1.6516363e38f));
    e = v_select(v_lt(v_set1(88.0f), x), hi, e);
    e = v_select(v_lt(v_set1(88.7228394f), x), v_set1(__builtin_inff()), e);
    return v_select(v_lt(x, v_set1(-87.3365479f)), v_zero(), e);
}

/* erf: for |x| < 1, x P(x^2); above, 1 - e^(-x^2) Q(1 / |x|), |x| clamped at 4 (erf is 1 in
** float from 3.92). P (degree 6) and Q (degree 10) are least-squares fits of erf(a) / a on a^2
** in [0, 1] and of erfc(a) e^(a^2) on 1 / a for a in [1, 4] (relative errors 1.4e-9 and 3e-9):
** within 3 ulp of erf. NaN passes. */
KS_INLINE vf k_erf(vf x)
{
    vf a = v_min(v_abs(x), v_set1(4.0f)), s = v_mul(a, a);
    vf p = v_fma(v_set1(7.882500416e-05f), s, v_set1(-8.018859006e-04f));
    p = v_fma(p, s, v_set1(5.189312812e-03f));
    p = v_fma(p, s, v_set1(-2.685432954e-02f));
    p = v_fma(p, s, v_set1(1.128359749e-01f));
    p = v_fma(p, s, v_set1(-3.761262691e-01f));
    p = v_fma(p, s, v_set1(1.128379166e+00f));
    vf u = v_div(v_set1(1.0f), v_max(a, v_set1(1.0f)));
    vf q = v_fma(v_set1(-3.516599756e-02f), u, v_set1(2.458134263e-01f));
    q = v_fma(q, u, v_set1(-7.592916956e-01f));
    q = v_fma(q, u, v_set1(1.343036181e+00f));
    q = v_fma(q, u, v_set1(-1.442142193e+00f));
    q = v_fma(q, u, v_set1(8.440410690e-01f));
    q = v_fma(q, u, v_set1(-4.386603279e-02f));
    q = v_fma(q, u, v_set1(-2.929573710e-01f));
    q = v_fma(q, u, v_set1(4.533485940e-03f));
    q = v_fma(q, u, v_set1(5.635483219e-01f));
    q = v_fma(q, u, v_set1(3.438122153e-05f));
    vf big = v_fnma(k_exp(v_sub(v_zero(), s)), q, v_set1(1.0f));
    return v_copysign(v_select(v_lt(a, v_set1(1.0f)), v_mul(a, p), big), x);
}

/* e^x - 1: below |x| = 1 the Taylor polynomial to x^11 / 11! (within 3e-9 relative there, where
** e^x - 1 would cancel), above it e^x less 1. NaN passes. */
KS_INLINE vf k_expm1(vf x)
{
    static const float c[] = {
        1.0f / 3628800.0f, 1.0f / 362880.0f, 1.0f / 40320.0f, 1.0f / 5040.0f, 1.0f / 720.0f,
        1.0f / 120.0f,     1.0f / 24.0f,     1.0f / 6.0f,     0.5f,           1.0f};
    vf p = v_set1(1.0f / 39916800.0f);
#pragma GCC unroll 10
    for (int k = 0; k < 10; k++) p = v_fma(p, x, v_set1(c[k]));
    vf big = v_sub(k_exp_full(x), v_set1(1.0f));
    return v_select(v_lt(v_abs(x), v_set1(1.0f)), v_mul(p, x), big);
}

/* log(1 + e^x) = max(x, 0) + log1p(u), u = e^-|x| in [0, 1]: log1p(u) as 2 atanh(t),
** t = u / (2 + u) <= 1/3, the odd series to t^17 (within 1e-9 relative). No overflow and no
** cancellation; NaN passes, -inf gives 0, +inf gives +inf. */
KS_INLINE vf k_softplus(vf x)
{
    static const float c[] = {1.0f / 15.0f, 1.0f / 13.0f, 1.0f / 11.0f, 1.0f / 9.0f,
                              1.0f / 7.0f,  1.0f / 5.0f,  1.0f / 3.0f,  1.0f};
    vf u = k_exp_full(v_sub(v_zero(), v_abs(x)));
    vf t = v_div(u, v_add(v_set1(2.0f), u)), q = v_mul(t, t);
    vf s = v_set1(1.0f / 17.0f);
#pragma GCC unroll 8
    for (int k = 0; k < 8; k++) s = v_fma(s, q, v_set1(c[k]));
    return v_add(v_max(x, v_zero()), v_mul(v_add(t, t), s));
}

/* y = scale (max(x, 0) + alpha (e^(min(x, 0) / div) - 1)): Elu (scale 1, div 1), Selu (scale
** gamma), Celu (div alpha). No branch on the sign; NaN passes (v_min / v_max keep it). */
static void k_velu(const float *x, float *y, int n, float alpha, float scale, float div)
{
    const vf al = v_set1(alpha), sc = v_set1(scale), dv = v_set1(div);
    for (int i = 0; i < n; i += VL) {
        const vf v = ld(x + i, n - i);
        const vf e = k_expm1(v_div(v_min(v, v_zero()), dv));
        st(y + i, v_mul(sc, v_fma(al, e, v_max(v, v_zero()))), n - i);
    }
}

static void k_vsoftplus(float *x, int n)
{
    for (int i = 0; i < n; i += VL) st(x + i, k_softplus(ld(x + i, n - i)), n - i);
}

static void k_verf(float *x, int n)
{
    for (int i = 0; i < n; i += VL) st(x + i, k_erf(ld(x + i, n - i)), n - i);
}

static void k_vexp(float *x, int n)
{
    for (int i = 0; i < n; i += VL) st(x + i, k_exp_full(ld(x + i, n - i)), n - i);
}

static void k_vsigmoid(float *x, int n)
{
    for (int i = 0; i < n; i += VL) st(x + i, k_sigmoid(ld(x + i, n - i)), n - i);
}

static void k_vtanh(float *x, int n)
{
    for (int i = 0; i < n; i += VL) st(x + i, k_tanh(ld(x + i, n - i)), n - i);
}

/* ---- the fused cells (simd.h) ---- */

/* x + q + bias at offset off, n lanes. */
KS_INLINE vf pre(const float *x, const float *q, const float *b, int off, int n)
{
    return v_add(v_add(ld(x + off, n), ld(q + off, n)), ld(b + off, n));
}

KS_INLINE vf clipv(vf v, float clip)
{
    return clip > 0 ? clamp(v, -clip, clip) : v;
}

static void k_lstm_cell(const lstm__cell_args *a, const float *x, const float *q, float *c,
                        float *h)
{
    const int H = a->H;
    const float *b = a->bias, *P = a->P, clip = a->clip;
    for (int j = 0; j < a->n; j += VL) {
        const int n = a->n - j;
        vf cv = ld(c + j, n);
        vf pi = pre(x, q, b, j, n), po = pre(x, q, b, H + j, n);
        vf pf = pre(x, q, b, 2 * H + j, n), pc = pre(x, q, b, 3 * H + j, n);
        if (P) {
            pi = v_fma(ld(P + j, n), cv, pi);
            pf = v_fma(ld(P + 2 * H + j, n), cv, pf);
        }
        vf i = k_sigmoid(clipv(pi, clip));
        vf f = a->coupled ? v_sub(v_set1(1.0f), i) : k_sigmoid(clipv(pf, clip));
        cv = v_fma(f, cv, v_mul(i, k_tanh(clipv(pc, clip))));
        if (P) po = v_fma(ld(P + H + j, n), cv, po);
        st(c + j, cv, n);
        st(h + j, v_mul(k_sigmoid(clipv(po, clip)), k_tanh(cv)), n);
    }
}

static void k_gru_cell(const lstm__cell_args *a, const float *x, const float *q, const float *hp,
                       float *h)
{
    const int H = a->H;
    const float *b = a->bias, *rbh = a->rbh, clip = a->clip;
    for (int j = 0; j < a->n; j += VL) {
        const int n = a->n - j;
        vf z = k_sigmoid(clipv(pre(x, q, b, j, n), clip));
        vf r = k_sigmoid(clipv(pre(x, q, b, H + j, n), clip));
        vf qh = ld(q + 2 * H + j, n);
        if (rbh) qh = v_add(qh, ld(rbh + j, n));
        vf g = k_tanh(clipv(v_fma(r, qh, v_add(ld(x + 2 * H + j, n), ld(b + 2 * H + j, n))), clip));
        /* (1 - z) g + z hp = g + z (hp - g) */
        st(h + j, v_fma(z, v_sub(ld(hp + j, n), g), g), n);
    }
}

/* ---- the packed GEMM ---- */

static void k_pack(float *dst, const float *W, int N, int K)
{
    const int panels = (N + NR - 1) / NR;
    for (int p = 0; p < panels; p++) {
        float *d = dst + (size_t)p * (size_t)K * NR;
        for (int k = 0; k < K; k++)
            for (int j = 0; j < NR; j++) {
                const int n = p * NR + j;
                d[(size_t)k * NR + j] = n < N ? W[(size_t)n * (size_t)K + (size_t)k] : 0.0f;
            }
    }
}

/* While a panel is worked on, the next one is prefetched into L2 when the packed weights do
** not fit there (LSTM H = 512: R is 4 MiB and every step streams it from L3). Each tile call
** of the panel takes its share of the lines, one line every `every` iterations of its k loop
** (at most one per iteration: more cost more than they save when the weights are in L2).
** Measured with the 8 x 32 AVX-512 tile, M = 32, N = 2048, K = 512: 150 -> 167 GFLOP/s.
** Nothing is prefetched into L1: tiles of 1-4 rows fetching their panel 16 k rows ahead made the
** GEMM alone faster on Intel and Zen 5, but whole LSTMs slower on every CPU measured (Intel Xeon
** family 6 model 207, paired runs: avx512 H <= 256 batch 1-4 0.83-0.93x the time without,
** avx2, whose 4-row tile is also the large products' tile, batch 1-32 0.81-0.91x; Zen 5 batch
** 1-2 0.93-0.97x; Zen 4 lost 3-45% on the GEMM alone). */
typedef struct pf_lines {
    const char *p, *end;
    int every, count;
} pf_lines;

/* Call t of n on a panel of `bytes` whose k loop runs `iters` iterations; next NULL: none. */
KS_INLINE pf_lines pf_share(const float *next, size_t bytes, int iters, int t, int n)
{
    pf_lines f = {0, 0, 1, 1};
    if (!next || n < 1 || iters < 1) return f;
    size_t lines = bytes / 64, per = (lines + (size_t)n - 1) / (size_t)n;
    size_t lo = per * (size_t)t, hi = lo + per < lines ? lo + per : lines;
    if (lo >= hi) return f;
    f.p = (const char *)next + lo * 64;
    f.end = (const char *)next + hi * 64;
    f.every = (size_t)iters > hi - lo ? (int)((size_t)iters / (hi - lo)) : 1;
    return f;
}

KS_INLINE void pf_tick(pf_lines *f)
{
    if (f->p < f->end && --f->count <= 0) {
        __builtin_prefetch(f->p, 0, 2);
        f->p += 64;
        f->count = f->every;
    }
}

/* Accumulator sets for an h-row tile: with few rows the FMA chains of one set are too few to
** hide the FMA latency, so KU sets take alternate k and are summed at the end; at most 4, and no
** more than the registers hold beside the panel's NV vectors and a broadcast (2 sets of an AVX2
** tile of 3 rows, 18 accumulators in 16 registers, spilled: M = 3 49 -> 96 GFLOP/s on Zen 4). */
#define KU_WANT(h) ((ACC + (h)*NV - 1) / ((h)*NV) > 4 ? 4 : (ACC + (h)*NV - 1) / ((h)*NV))
#define KU_FIT(h)  ((NREG - NV - 1) / ((h)*NV) < 1 ? 1 : (NREG - NV - 1) / ((h)*NV))
#define KU_OF(h)   (KU_WANT(h) < KU_FIT(h) ? KU_WANT(h) : KU_FIT(h))

/* C[h rows, ncols] (= or +=) A[h rows, K] * B (one panel: K rows of NR floats). Rows from
** `valid` on repeat the last valid row (never read out of bounds) and are not stored. */
KS_INLINE void tile(const int h, int valid, int K, const float *A, int lda, const float *B,
                    float *C, int ldc, int ncols, int accumulate, pf_lines pf)
{
    const int ku = KU_OF(h);
    const float *ar[MR];
#pragma GCC unroll 16
    for (int i = 0; i < h; i++) ar[i] = A + (size_t)(i < valid ? i : valid - 1) * (size_t)lda;
    vf c[4][MR][NV];
#pragma GCC unroll 4
    for (int u = 0; u < ku; u++)
#pragma GCC unroll 16
        for (int i = 0; i < h; i++)
#pragma GCC unroll 8
            for (int v = 0; v < NV; v++) c[u][i][v] = v_zero();
    int k = 0;
    for (; k + ku <= K; k += ku) {
        pf_tick(&pf);
#pragma GCC unroll 4
        for (int u = 0; u < ku; u++) {
            const float *b = B + (size_t)(k + u) * NR;
            vf bv[NV];
#pragma GCC unroll 8
            for (int v = 0; v < NV; v++) {
                bv[v] = v_load(b + v * VL);
                if (h > 1) v_keep(bv[v]);
            }
#pragma GCC unroll 16
            for (int i = 0; i < h; i++) {
                const vf a = v_bcast(ar[i] + k + u);
#pragma GCC unroll 8
                for (int v = 0; v < NV; v++) c[u][i][v] = v_fma(a, bv[v], c[u][i][v]);
            }
        }
    }
    for (; k < K; k++) {
        const float *b = B + (size_t)k * NR;
#pragma GCC unroll 16
        for (int i = 0; i < h; i++) {
            const vf a = v_bcast(ar[i] + k);
#pragma GCC unroll 8
            for (int v = 0; v < NV; v++) c[0][i][v] = v_fma(a, v_load(b + v * VL), c[0][i][v]);
        }
    }
#pragma GCC unroll 4
    for (int u = 1; u < ku; u++)
#pragma GCC unroll 16
        for (int i = 0; i < h; i++)
#pragma GCC unroll 8
            for (int v = 0; v < NV; v++) c[0][i][v] = v_add(c[0][i][v], c[u][i][v]);
    if (ncols == NR && valid == h) { /* the common case, without lane counts */
#pragma GCC unroll 16
        for (int i = 0; i < h; i++) {
            float *o = C + (size_t)i * (size_t)ldc;
#pragma GCC unroll 8
            for (int v = 0; v < NV; v++)
                v_store(o + v * VL,
                        accumulate ? v_add(c[0][i][v], v_load(o + v * VL)) : c[0][i][v]);
        }
        return;
    }
#pragma GCC unroll 16
    for (int i = 0; i < h; i++) {
        if (i >= valid) break;
        float *o = C + (size_t)i * (size_t)ldc;
#pragma GCC unroll 8
        for (int v = 0; v < NV; v++) {
            const int n = ncols - v * VL;
            if (n <= 0) break;
            vf r = c[0][i][v];
            if (accumulate) r = v_add(r, ld(o + v * VL, n));
            st(o + v * VL, r, n);
        }
    }
}

/* One tile of `rows` (1..MR) rows on one panel: heights 1 to 4 exactly, larger ones as MR rows
** (the rows past `rows` are not stored). Inlined into the driver's loop (a call per tile costs
** 5-15% on products of 100 to 200 rows). */
KS_INLINE void tile_rows(int rows, int K, const float *A, int lda, const float *B, float *C,
                         int ldc, int ncols, int accumulate, pf_lines pf)
{
    if (rows >= MR) tile(MR, MR, K, A, lda, B, C, ldc, ncols, accumulate, pf);
#if MR > 1
    else if (rows == 1)
        tile(1, 1, K, A, lda, B, C, ldc, ncols, accumulate, pf);
#endif
#if MR > 2
    else if (rows == 2)
        tile(2, 2, K, A, lda, B, C, ldc, ncols, accumulate, pf);
#endif
#if MR > 3
    else if (rows == 3)
        tile(3, 3, K, A, lda, B, C, ldc, ncols, accumulate, pf);
#endif
#if MR > 4
    else if (rows == 4)
        tile(4, 4, K, A, lda, B, C, ldc, ncols, accumulate, pf);
    else
        tile(MR, rows, K, A, lda, B, C, ldc, ncols, accumulate, pf);
#endif
}

/* Every panel for M <= MR rows (batch 1 to MR), height h: one call with no per-panel setup
** (a product of H = 64 at batch 1 takes under a microsecond, and the driver's setup for the
** general case costs 10% of it). The weights stream through once; with pf, each panel
** prefetches the next. */
KS_INLINE void every_panel(const int h, int M, int N, int K, const float *A, int lda,
                           const float *Bp, float *C, int ldc, int accumulate, int pf)
{
    const int panels = (N + NR - 1) / NR, rev = accumulate & LSTM__GEMM_REVERSE;
    const size_t panel_floats = (size_t)K * NR;
    accumulate &= 1;
    for (int i = 0; i < panels; i++) {
        const int p = rev ? panels - 1 - i : i;
        const float *B = Bp + (size_t)p * panel_floats;
        const float *next = !pf || i + 1 == panels ? NULL
                            : rev                  ? B - panel_floats
                                                   : B + panel_floats;
        const pf_lines f = pf_share(next, panel_floats * sizeof(float), K / KU_OF(h), 0, 1);
        tile(h, M, K, A, lda, B, C + (size_t)p * NR, ldc, N - p * NR < NR ? N - p * NR : NR,
             accumulate, f);
    }
}

static __attribute__((noinline)) void one_tile(int M, int N, int K, const float *A, int lda,
                                               const float *Bp, float *C, int ldc, int accumulate,
                                               int pf)
{
    if (M >= MR) every_panel(MR, MR, N, K, A, lda, Bp, C, ldc, accumulate, pf);
#if MR > 1
    else if (M == 1)
        every_panel(1, 1, N, K, A, lda, Bp, C, ldc, accumulate, pf);
#endif
#if MR > 2
    else if (M == 2)
        every_panel(2, 2, N, K, A, lda, Bp, C, ldc, accumulate, pf);
#endif
#if MR > 3
    else if (M == 3)
        every_panel(3, 3, N, K, A, lda, Bp, C, ldc, accumulate, pf);
#endif
#if MR > 4
    else if (M == 4)
        every_panel(4, 4, N, K, A, lda, Bp, C, ldc, accumulate, pf);
#if MR == 8 /* exact heights: M = 5 as 8 rows ran at 80 GFLOP/s, as 5 at 116 (Zen 4) */
    else if (M == 5)
        every_panel(5, 5, N, K, A, lda, Bp, C, ldc, accumulate, pf);
    else if (M == 6)
        every_panel(6, 6, N, K, A, lda, Bp, C, ldc, accumulate, pf);
    else if (M == 7)
        every_panel(7, 7, N, K, A, lda, Bp, C, ldc, accumulate, pf);
#endif
    else
        every_panel(MR, M, N, K, A, lda, Bp, C, ldc, accumulate, pf);
#endif
}

/* Blocking: rows of A in blocks of mc (mc x K floats in a quarter of L2) while every panel
** passes; with more than one row tile, the k loop in blocks of kc so that a block's slice of
** the panel (kc x NR floats) stays in two thirds of L1 while the row tiles read it (half of
** L1 split K = 256 in two for the AVX-512 tile: 7% slower at M = 32, N = 1024 on 48 KiB). */
static void k_gemm(int M, int N, int K, const float *A, int lda, const float *Bp, float *C, int ldc,
                   int accumulate)
{
    if (M <= 0 || N <= 0) return;
    if (K < 0) K = 0;
    const lstm__caches cs = lstm__cache_sizes();
    const int panels = (N + NR - 1) / NR;
    const size_t panel_floats = (size_t)K * NR;
    /* Prefetch the next panel only when the packed matrix exceeds half of L2: within L2 the
    ** prefetches cost more than they save (M = 8, N = 1024, K = 256: 173 -> 162 GFLOP/s). */
    const int pf = panel_floats * (size_t)panels * sizeof(float) > cs.l2 / 2;
    if (M <= MR) {
        one_tile(M, N, K, A, lda, Bp, C, ldc, accumulate, pf);
        return;
    }
    accumulate &= 1; /* (LSTM__GEMM_REVERSE: for products of up to MR rows) */
    int mc = M, nkb = 1, kc = K;
    if (K > 0) {
        size_t mcz = cs.l2 / 4 / (sizeof(float) * (size_t)K);
        if (mcz < (size_t)M) mc = mcz < MR ? MR : (int)mcz - (int)mcz % MR;
        size_t fit = cs.l1 * 2 / 3 / (sizeof(float) * NR);
        if (fit < 32) fit = 32;
        nkb = (int)(((size_t)K + fit - 1) / fit);
        kc = (K + nkb - 1) / nkb;
    }
    for (int m0 = 0; m0 < M; m0 += mc) {
        const int mb = M - m0 < mc ? M - m0 : mc, tiles = (mb + MR - 1) / MR;
        for (int p = 0; p < panels; p++) {
            const int ncols = N - p * NR < NR ? N - p * NR : NR;
            const float *B = Bp + (size_t)p * panel_floats;
            /* The panel after this one: the next, or the first again for the next row block. */
            const float *next = !pf              ? NULL
                                : p + 1 < panels ? B + panel_floats
                                : m0 + mc < M    ? Bp
                                                 : NULL;
            for (int kb = 0; kb < nkb; kb++) {
                const int k0 = kb * kc, kn = K - k0 < kc ? K - k0 : kc;
                for (int t = 0; t < tiles; t++) {
                    const int m = m0 + t * MR, rows = mb - t * MR < MR ? mb - t * MR : MR;
                    const pf_lines f = pf_share(next, panel_floats * sizeof(float),
                                                kn / KU_OF(rows), kb * tiles + t, nkb * tiles);
                    tile_rows(rows, kn, A + (size_t)m * (size_t)lda + (size_t)k0, lda,
                              B + (size_t)k0 * NR, C + (size_t)m * (size_t)ldc + (size_t)p * NR,
                              ldc, ncols, kb ? 1 : accumulate, f);
                }
            }
        }
    }
}

/* ---- direct convolution (simd.h: lstm__conv_rows) ---- */

/* n <= 0 lanes read as zeros. */
KS_INLINE vf ldz(const float *p, int n)
{
    return n >= VL ? v_load(p) : n > 0 ? v_load_n(p, n) : v_zero();
}

/* C[h rows, n columns] = act(A[h rows, K] B + bias) where row k of B is the n floats at
** base + off[k]; `full` when n == NR (plain loads and stores). Rows from `valid` on repeat the
** last valid row and are not stored (as tile). */
KS_INLINE void conv_tile(const int h, int valid, const int full, int K, const float *A, int lda,
                         const float *base, const int *off, float *C, int ldc, int n,
                         const float *bias, const lstm__conv_act *act)
{
    const int ku = KU_OF(h);
    const float *ar[MR];
#pragma GCC unroll 16
    for (int i = 0; i < h; i++) ar[i] = A + (size_t)(i < valid ? i : valid - 1) * (size_t)lda;
    vf c[4][MR][NV];
#pragma GCC unroll 4
    for (int u = 0; u < ku; u++)
#pragma GCC unroll 16
        for (int i = 0; i < h; i++)
#pragma GCC unroll 8
            for (int v = 0; v < NV; v++) c[u][i][v] = v_zero();
    int k = 0;
    for (; k + ku <= K; k += ku) {
#pragma GCC unroll 4
        for (int u = 0; u < ku; u++) {
            const float *b = base + off[k + u];
            vf bv[NV];
#pragma GCC unroll 8
            for (int v = 0; v < NV; v++)
                bv[v] = full ? v_load(b + v * VL) : ldz(b + v * VL, n - v * VL);
#pragma GCC unroll 16
            for (int i = 0; i < h; i++) {
                const vf a = v_bcast(ar[i] + k + u);
#pragma GCC unroll 8
                for (int v = 0; v < NV; v++) c[u][i][v] = v_fma(a, bv[v], c[u][i][v]);
            }
        }
    }
    for (; k < K; k++) {
        const float *b = base + off[k];
        vf bv[NV];
#pragma GCC unroll 8
        for (int v = 0; v < NV; v++)
            bv[v] = full ? v_load(b + v * VL) : ldz(b + v * VL, n - v * VL);
#pragma GCC unroll 16
        for (int i = 0; i < h; i++) {
            const vf a = v_bcast(ar[i] + k);
#pragma GCC unroll 8
            for (int v = 0; v < NV; v++) c[0][i][v] = v_fma(a, bv[v], c[0][i][v]);
        }
    }
#pragma GCC unroll 4
    for (int u = 1; u < ku; u++)
#pragma GCC unroll 16
        for (int i = 0; i < h; i++)
#pragma GCC unroll 8
            for (int v = 0; v < NV; v++) c[0][i][v] = v_add(c[0][i][v], c[u][i][v]);
#pragma GCC unroll 16
    for (int i = 0; i < h; i++) {
        if (i >= valid) break;
        float *o = C + (size_t)i * (size_t)ldc;
        const vf b = v_set1(bias ? bias[i] : 0.0f);
#pragma GCC unroll 8
        for (int v = 0; v < NV; v++) {
            vf r = v_add(c[0][i][v], b);
            if (act) r = v_min(v_max(r, v_set1(act->lo)), v_set1(act->hi));
            if (full)
                v_store(o + v * VL, r);
            else if (n - v * VL > 0)
                st(o + v * VL, r, n - v * VL);
        }
    }
}

KS_INLINE void conv_rows_of(const int full, int M, int n, int K, const float *A, int lda,
                            const float *base, const int *off, float *C, int ldc, const float *bias,
                            const lstm__conv_act *act)
{
    for (int m = 0; m < M; m += MR) {
        const int rows = M - m < MR ? M - m : MR;
        const float *a = A + (size_t)m * (size_t)lda, *b = bias ? bias + m : NULL;
        float *c = C + (size_t)m * (size_t)ldc;
        if (rows >= MR) conv_tile(MR, MR, full, K, a, lda, base, off, c, ldc, n, b, act);
#if MR > 1
        else if (rows == 1)
            conv_tile(1, 1, full, K, a, lda, base, off, c, ldc, n, b, act);
#endif
#if MR > 2
        else if (rows == 2)
            conv_tile(2, 2, full, K, a, lda, base, off, c, ldc, n, b, act);
#endif
#if MR > 3
        else if (rows == 3)
            conv_tile(3, 3, full, K, a, lda, base, off, c, ldc, n, b, act);
#endif
#if MR > 4
        else if (rows == 4)
            conv_tile(4, 4, full, K, a, lda, base, off, c, ldc, n, b, act);
        else
            conv_tile(MR, rows, full, K, a, lda, base, off, c, ldc, n, b, act);
#endif
    }
}

static void k_conv_rows(int M, int n, int K, const float *A, int lda, const float *base,
                        const int *off, float *C, int ldc, const float *bias,
                        const lstm__conv_act *act)
{
    if (M <= 0 || n <= 0) return;
    if (n >= NR)
        conv_rows_of(1, M, NR, K, A, lda, base, off, C, ldc, bias, act);
    else
        conv_rows_of(0, M, n, K, A, lda, base, off, C, ldc, bias, act);
}

/* ---- the peak the kernel benchmark measures against ---- */

static double k_fma_peak(long iters)
{
    enum { CH = NREG - 4 };
    vf acc[CH];
    const vf m = v_set1(0.999999f), s = v_set1(1e-7f);
#pragma GCC unroll 32
    for (int i = 0; i < CH; i++) acc[i] = v_set1((float)i);
    for (long it = 0; it < iters; it++)
#pragma GCC unroll 32
        for (int i = 0; i < CH; i++) acc[i] = v_fma(acc[i], m, s);
    vf sum = acc[0];
#pragma GCC unroll 32
    for (int i = 1; i < CH; i++) sum = v_add(sum, acc[i]);
    volatile float sink = v_hsum(sum);
    (void)sink;
    return 2.0 * VL * CH * (double)iters;
}

const lstm__kernels KS_CAT(lstm__kernels_, KS_NAME) = {
    .name = KS_STR(KS_NAME),
    .needs = KS_NEEDS,
    .nr = NR,
    .mr = MR,
    .fma_fused = KS_FMA_FUSED,
    .pack = k_pack,
    .gemm = k_gemm,
    .vexp = k_vexp,
    .verf = k_verf,
    .velu = k_velu,
    .vsoftplus = k_vsoftplus,
    .vsigmoid = k_vsigmoid,
    .vtanh = k_vtanh,
    .lstm_cell = k_lstm_cell,
    .gru_cell = k_gru_cell,
    .conv_rows = k_conv_rows,
#ifdef KS_MM_I16
    .mm_i16 = KS_MM_I16,
#endif
#ifdef KS_MM8
    .mm8 = KS_MM8,
    .mm8_ok = KS_MM8_OK,
#endif
#ifdef KS_REQUANT8
    .requant8 = KS_REQUANT8,
    .widen8 = KS_WIDEN8,
    .quant8 = KS_QUANT8,
    .dequant8 = KS_DEQUANT8,
    .range = KS_RANGE,
    .pack_i16 = KS_PACK_I16,
#endif
    .fma_peak = k_fma_peak,
};

#endif
