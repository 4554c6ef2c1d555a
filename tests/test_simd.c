/* test_simd.c — one kernel set (simd.h), named on the command line (test_simd NAME; meson runs
** it once per set built): the packed GEMM against a double-precision product (random shapes,
** edges included), the integer product against an exact one, exp / sigmoid / tanh / erf / Elu /
** softplus against libm, and
*the fused cells against their
** equations in double, all within the same bounds for every set. A set this CPU cannot run
** (or not built for this architecture) is skipped: exit code 77. */
#include "test_util.h"
#include "simd/simd.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int isa; /* the set under test */

static float frand(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (float)((*s >> 8) & 0xffff) / 32768.0f - 1.0f;
}

/* Shapes cover every tile height (1..8 rows and remainders), panel edges (N not a multiple of
** any panel width), K in several L1 blocks, two row blocks and more than half of L2 packed
** (prefetching). C has 3 guard columns past N that must stay as they are. */
static void gemm_agrees(void **state)
{
    (void)state;
    unsigned seed = 1;
    static const int shapes[][3] = {
        {1, 32, 16},    {1, 1, 1},       {3, 7, 5},        {8, 64, 256},
        {9, 33, 17},    {17, 100, 63},   {2, 1024, 256},   {300, 96, 40},
        {5, 31, 0},     {4, 24, 3},      {6, 50, 1000},    {7, 13, 9},
        {13, 200, 700}, {32, 2048, 512}, {230, 1100, 300}, {5, 70, 33}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const int M = shapes[s][0], N = shapes[s][1], K = shapes[s][2], ldc = N + 3;
        float *A = malloc(sizeof(float) * (size_t)(M * K + 1)),
              *W = malloc(sizeof(float) * (size_t)(N * K + 1));
        float *Bp = malloc(sizeof(float) * (lstm__pack_floats_isa(isa, K, N) + 1));
        float *ref = malloc(sizeof(float) * (size_t)(M * N)),
              *got = malloc(sizeof(float) * (size_t)(M * ldc));
        for (int i = 0; i < M * K; i++) A[i] = frand(&seed);
        for (int i = 0; i < N * K; i++) W[i] = frand(&seed);
        lstm__pack_wt_isa(isa, Bp, W, N, K);
        /* Reference in double from the unpacked weights. */
        for (int m = 0; m < M; m++)
            for (int n = 0; n < N; n++) {
                double acc = 0;
                for (int k = 0; k < K; k++) acc += (double)A[m * K + k] * W[n * K + k];
                ref[m * N + n] = (float)acc;
            }
        const float tol = 1e-4f * (1 + (float)K / 64);
        for (int accumulate = 0; accumulate <= 1; accumulate++) {
            /* Accumulate onto 1.0; overwrite -7.0; guards hold 99.0. */
            for (int m = 0; m < M; m++)
                for (int n = 0; n < ldc; n++)
                    got[m * ldc + n] = n >= N ? 99.0f : accumulate ? 1.0f : -7.0f;
            lstm__gemm_packed(isa, M, N, K, A, K, Bp, got, ldc, accumulate);
            for (int m = 0; m < M; m++)
                for (int n = 0; n < ldc; n++) {
                    float want = n >= N ? 99.0f : ref[m * N + n] + (accumulate ? 1.0f : 0.0f);
                    float g = got[m * ldc + n];
                    if (n >= N ? g != want : !(fabsf(g - want) <= tol)) {
                        print_error("%s M=%d N=%d K=%d %s at [%d, %d]: %g vs %g\n",
                                    lstm__isa_name(isa), M, N, K, accumulate ? "+=" : "=", m, n,
                                    (double)g, (double)want);
                        fail();
                    }
                }
            /* The panels last to first (LSTM__GEMM_REVERSE): the same values, bit for bit. */
            float *rev = malloc(sizeof(float) * (size_t)(M * ldc));
            for (int i = 0; i < M * ldc; i++)
                rev[i] = i % ldc >= N ? 99.0f : accumulate ? 1.0f : -7.0f;
            lstm__gemm_packed(isa, M, N, K, A, K, Bp, rev, ldc, accumulate | LSTM__GEMM_REVERSE);
            assert_memory_equal(rev, got, sizeof(float) * (size_t)(M * ldc));
            free(rev);
        }
        free(A), free(W), free(Bp), free(ref), free(got);
    }
}

/* The integer product (lstm__mm_i16) against an exact one: every tile height and remainder,
** partial panels, odd and even K (K = 0 too); values of 8-bit data less zero points, then
** +-32767 with K large enough that the sums wrap modulo 2^32. C's guard columns stay. */
static void mm_i16_check(void)
{
    unsigned seed = 7;
    static const int shapes[][4] = {{1, 16, 2, 255},    {1, 1, 1, 255},     {7, 33, 9, 255},
                                    {6, 16, 64, 255},   {13, 47, 301, 255}, {5, 31, 0, 255},
                                    {12, 100, 27, 255}, {17, 64, 33, 255},  {3, 17, 40000, 32767}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const int M = shapes[s][0], N = shapes[s][1], K = shapes[s][2], lim = shapes[s][3];
        const int ldc = N + 3;
        int16_t *A = malloc(sizeof(int16_t) * (size_t)(M * K + 1)),
                *B = malloc(sizeof(int16_t) * (size_t)(K * N + 1)),
                *Bp = malloc(sizeof(int16_t) * (lstm__pack_i16_count(K, N) + 1));
        uint32_t *C = malloc(sizeof(uint32_t) * (size_t)(M * ldc));
        for (int i = 0; i < M * K; i++) A[i] = (int16_t)(frand(&seed) * (float)lim);
        for (int i = 0; i < K * N; i++) B[i] = (int16_t)(frand(&seed) * (float)lim);
        if (lim > 255) A[0] = B[0] = -32767, A[1] = B[N] = 32767;
        lstm__pack_i16_isa(isa, Bp, (size_t)((K + 1) / 2) * 2 * LSTM__I16_NR, B, (size_t)N, K, N);
        for (int i = 0; i < M * ldc; i++) C[i] = 0xdeadbeefu;
        lstm__mm_i16(isa, M, N, K, A, K, Bp, C, ldc);
        for (int m = 0; m < M; m++)
            for (int n = 0; n < ldc; n++) {
                uint32_t want = 0xdeadbeefu;
                if (n < N) {
                    int64_t acc = 0;
                    for (int k = 0; k < K; k++) acc += (int64_t)A[m * K + k] * B[k * N + n];
                    want = (uint32_t)(uint64_t)acc;
                }
                if (C[m * ldc + n] != want) {
                    print_error("%s M=%d N=%d K=%d at [%d, %d]: %u vs %u\n", lstm__isa_name(isa), M,
                                N, K, m, n, C[m * ldc + n], want);
                    fail();
                }
            }
        free(A), free(B), free(Bp), free(C);
    }
}

/* Every variant of the set's integer product this CPU can run: all features, then without
** AVX-512 VNNI (AVX-VNNI or the plain path), then without either. */
static void mm_i16_exact(void **state)
{
    (void)state;
    const unsigned masks[] = {~0u, ~(unsigned)LSTM__CPU_AVX512VNNI,
                              ~(unsigned)(LSTM__CPU_AVX512VNNI | LSTM__CPU_AVXVNNI)};
    for (size_t i = 0; i < sizeof masks / sizeof masks[0]; i++) {
        lstm__cpu_features_keep(masks[i]);
        mm_i16_check();
    }
    lstm__cpu_features_keep(~0u);
}

/* The 8-bit product (lstm__mm8), where the set has one and the CPU runs it, against an exact
** sum of (a - za)(b - zb): int8 and uint8 B, zero points across each type's range (A's one for
** all rows or one per row, in alternate shapes), every tile
** height and remainder, partial panels, K from 0 to 301 (quads and their tails), the columns
** in two calls split at a panel boundary, and sums that wrap (K = 40000). */
static void mm8_exact(void **state)
{
    (void)state;
    if (!lstm__mm8_available(isa)) {
        print_message("  %s: no 8-bit product on this set or CPU\n", lstm__isa_name(isa));
        skip(); /* reported as SKIPPED, not OK */
    }
    unsigned seed = 5;
    static const int shapes[][3] = {{1, 16, 4},   {1, 1, 1},     {7, 33, 9},
                                    {8, 32, 64},  {13, 47, 301}, {5, 31, 0},
                                    {17, 64, 33}, {2, 100, 258}, {3, 17, 40000}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int b_signed = 0; b_signed <= 1; b_signed++) {
            const int M = shapes[s][0], N = shapes[s][1], K = shapes[s][2], ldc = N + 3;
            uint8_t *A = malloc((size_t)(M * K + 1)), *B = malloc((size_t)(K * N + 1));
            int8_t *Bp = malloc(lstm__pack8_bytes(K, N) + 1);
            int32_t *zb = malloc(sizeof(int32_t) * (size_t)N),
                    *cs = malloc(sizeof(int32_t) * (size_t)N),
                    *zq = malloc(sizeof(int32_t) * (size_t)N);
            uint32_t *C = malloc(sizeof(uint32_t) * (size_t)(M * ldc));
            for (int i = 0; i < M * K; i++) A[i] = (uint8_t)(frand(&seed) * 128.0f + 128.0f);
            for (int i = 0; i < K * N; i++) B[i] = (uint8_t)(frand(&seed) * 128.0f + 128.0f);
            if (K > 2 && N > 1) A[0] = B[0] = 255, A[1] = B[N] = 0, B[1] = 128, B[N + 1] = 127;
            for (int n = 0; n < N; n++)
                zb[n] = b_signed ? (int32_t)(frand(&seed) * 128.0f)
                                 : (int32_t)(frand(&seed) * 128.0f + 128.0f);
            /* one zero point for A (the first call), one per row (the second) */
            int32_t *za = malloc(sizeof(int32_t) * (size_t)(M + 1));
            for (int m = 0; m < M; m++) za[m] = (int32_t)(frand(&seed) * 128.0f + 128.0f);
            if (s % 2)
                for (int m = 1; m < M; m++) za[m] = za[0];
            lstm__pack8(Bp, cs, zq, B, b_signed, (size_t)N, K, N, zb);
            for (int i = 0; i < M * ldc; i++) C[i] = 0xdeadbeefu;
            const int half = N > LSTM__I8_NR ? LSTM__I8_NR : N;
            lstm__mm8(isa, M, N, K, A, K, za, s % 2 ? 0 : 1, Bp, cs, zq, C, ldc, 0, half);
            lstm__mm8(isa, M, N, K, A, K, za, s % 2 ? 0 : 1, Bp, cs, zq, C, ldc, half, N);
            for (int m = 0; m < M; m++)
                for (int n = 0; n < ldc; n++) {
                    uint32_t want = 0xdeadbeefu;
                    if (n < N) {
                        int64_t acc = 0;
                        for (int k = 0; k < K; k++) {
                            int b = b_signed ? (int8_t)B[k * N + n] : B[k * N + n];
                            acc += (int64_t)(A[m * K + k] - za[m]) * (b - zb[n]);
                        }
                        want = (uint32_t)(uint64_t)acc;
                    }
                    if (C[m * ldc + n] != want) {
                        print_error("%s mm8 M=%d N=%d K=%d %s at [%d, %d]: %u vs %u\n",
                                    lstm__isa_name(isa), M, N, K, b_signed ? "int8" : "uint8", m, n,
                                    C[m * ldc + n], want);
                        fail();
                    }
                }
            free(A), free(B), free(Bp), free(zb), free(cs), free(zq), free(C), free(za);
        }
}

/* The 8-bit conversions against their definitions: requantization and quantization (round
** half to even in double, saturation, NaN to the lowest value; requantization with one
** multiplier and with one per element; quantization of infinities, halves and huge values),
** both signs, zero points, every length to 40 (vector bodies and tails); dequantization,
** widening less a zero point, and the range of floats with NaNs and infinities among them. The byte
*past n stays as it is. */
static void quant8_exact(void **state)
{
    (void)state;
    unsigned seed = 11;
    uint32_t acc[41];
    float mult[41];
    uint8_t y[42], x8[41];
    int16_t w[42];
    for (int n = 0; n <= 40; n++)
        for (int sgn = 0; sgn <= 1; sgn++)
            for (int per = 0; per <= 1; per++) {
                const int32_t zp =
                    sgn ? (int32_t)(frand(&seed) * 100) : 128 + (int32_t)(frand(&seed) * 100);
                for (int i = 0; i < n; i++) {
                    acc[i] = (uint32_t)(int32_t)(frand(&seed) * 3000.0f);
                    mult[i] = 0.05f + 0.2f * frand(&seed);
                    x8[i] = (uint8_t)(frand(&seed) * 128.0f + 128.0f);
                }
                if (n > 3) acc[1] = (uint32_t)(sgn ? 0x80000000u : 0x7fffffffu), acc[2] = 10;
                if (n > 3) mult[2] = per ? NAN : mult[2];
                if (n > 5) acc[4] = 5, mult[4] = 0.5f, acc[5] = 7, mult[5] = 0.5f; /* halves */
                y[n] = 0xa5;
                lstm__requant8(isa, acc, (size_t)n, mult, per, sgn, zp, y);
                for (int i = 0; i <= n; i++) {
                    int want = 0xa5, got = y[i];
                    if (i < n) {
                        float v = (float)(int32_t)acc[i] * mult[per ? i : 0];
                        double lo = sgn ? -128 : 0, hi = sgn ? 127 : 255;
                        double r = isnan(v) ? lo : nearbyint((double)v) + zp;
                        r = r < lo ? lo : r > hi ? hi : r;
                        want = (int)r;
                        got = sgn ? (int8_t)y[i] : y[i];
                    }
                    if (got != want) {
                        print_error("%s requant8 n=%d sgn=%d per=%d at %d: %d vs %d\n",
                                    lstm__isa_name(isa), n, sgn, per, i, got, want);
                        fail();
                    }
                }
                /* quantization of floats: NaN, infinities, halves, beyond the range */
                float xf[41];
                const float scale = 0.5f + frand(&seed) * 0.25f;
                for (int i = 0; i < n; i++) xf[i] = frand(&seed) * 300.0f * scale;
                if (n > 8) xf[3] = NAN, xf[6] = INFINITY, xf[7] = -INFINITY, xf[8] = 1e30f;
                if (n > 10) xf[9] = 2.5f * scale, xf[10] = -3.5f * scale;
                y[n] = 0xa5;
                lstm__quant8(isa, xf, (size_t)n, scale, zp, sgn, y);
                for (int i = 0; i <= n; i++) {
                    int want = 0xa5, got = y[i];
                    if (i < n) {
                        float v = xf[i] / scale;
                        double lo = sgn ? -128 : 0, hi = sgn ? 127 : 255;
                        double r = isnan(v) ? lo : nearbyint((double)v) + zp;
                        want = (int)(r < lo ? lo : r > hi ? hi : r);
                        got = sgn ? (int8_t)y[i] : y[i];
                    }
                    if (got != want) {
                        print_error("%s quant8 n=%d sgn=%d at %d: %d vs %d\n", lstm__isa_name(isa),
                                    n, sgn, i, got, want);
                        fail();
                    }
                }
                float rlo = 0.0f, rhi = 0.0f, wlo = 0.0f, whi = 0.0f;
                lstm__range(isa, xf, (size_t)n, &rlo, &rhi);
                for (int i = 0; i < n; i++) {
                    if (xf[i] < wlo) wlo = xf[i];
                    if (xf[i] > whi) whi = xf[i];
                }
                if (rlo != wlo || rhi != whi) {
                    print_error("%s range n=%d: [%g, %g] vs [%g, %g]\n", lstm__isa_name(isa), n,
                                (double)rlo, (double)rhi, (double)wlo, (double)whi);
                    fail();
                }
                float df[42];
                df[n] = 99.0f;
                lstm__dequant8(isa, x8, (size_t)n, sgn, zp, scale, df);
                for (int i = 0; i <= n; i++) {
                    float want =
                        i < n ? ((float)(sgn ? (int8_t)x8[i] : x8[i]) - (float)zp) * scale : 99.0f;
                    if (df[i] != want) {
                        print_error("%s dequant8 n=%d sgn=%d at %d: %g vs %g\n",
                                    lstm__isa_name(isa), n, sgn, i, (double)df[i], (double)want);
                        fail();
                    }
                }
                w[n] = 0x5a5;
                lstm__widen8(isa, x8, (size_t)n, sgn, zp, w);
                for (int i = 0; i <= n; i++) {
                    int want = i < n ? (sgn ? (int8_t)x8[i] : x8[i]) - zp : 0x5a5;
                    if (w[i] != want) {
                        print_error("%s widen8 n=%d sgn=%d at %d: %d vs %d\n", lstm__isa_name(isa),
                                    n, sgn, i, w[i], want);
                        fail();
                    }
                }
            }
}

/* Direct convolution rows against a double-precision sum: every tile height and remainder,
** partial panels (n < nr), K from 1 to 300, rows read at scattered offsets, with and without
** bias and clamping; C's guard columns past n and rows past M stay as they are. */
static void conv_rows_agrees(void **state)
{
    (void)state;
    unsigned seed = 3;
    const int nr = lstm__kernels_get(isa)->nr;
    static const int shapes[][3] = {{1, 1, 1},   {8, 32, 144}, {16, 32, 9},   {3, 5, 7},
                                    {9, 17, 30}, {13, 1, 3},   {32, 31, 300}, {5, 32, 1},
                                    {7, 24, 64}, {4, 12, 2}};
    enum { BUF = 4096 };
    float *buf = malloc(sizeof(float) * BUF);
    for (int i = 0; i < BUF; i++) buf[i] = frand(&seed);
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int mode = 0; mode < 3; mode++) {
            const int M = shapes[s][0], n = shapes[s][1] < nr ? shapes[s][1] : nr, K = shapes[s][2];
            const int lda = K + 2, ldc = n + 3;
            float *A = malloc(sizeof(float) * (size_t)(M * lda)), bias[40];
            int *off = malloc(sizeof(int) * (size_t)K);
            float *C = malloc(sizeof(float) * (size_t)((M + 1) * ldc));
            for (int i = 0; i < M * lda; i++) A[i] = frand(&seed);
            for (int i = 0; i < M; i++) bias[i] = frand(&seed);
            for (int k = 0; k < K; k++)
                off[k] = (int)((seed = seed * 1103515245u + 12345u) >> 8) % (BUF - 64);
            for (int i = 0; i < (M + 1) * ldc; i++) C[i] = 99.0f;
            const lstm__conv_act relu = {0.0f, INFINITY}, clip = {-0.25f, 0.5f};
            const lstm__conv_act *act = mode == 1 ? &relu : mode == 2 ? &clip : NULL;
            lstm__conv_rows(isa, M, n, K, A, lda, buf, off, C, ldc, mode ? bias : NULL, act);
            for (int m = 0; m <= M; m++)
                for (int j = 0; j < ldc; j++) {
                    float g = C[m * ldc + j], want = 99.0f;
                    if (m < M && j < n) {
                        double acc = mode ? bias[m] : 0.0;
                        for (int k = 0; k < K; k++) acc += (double)A[m * lda + k] * buf[off[k] + j];
                        if (act) acc = fmin(fmax(acc, act->lo), act->hi);
                        want = (float)acc;
                    }
                    float tol = m < M && j < n ? 1e-4f * (1 + (float)K / 64) : 0.0f;
                    if (!(fabsf(g - want) <= tol)) {
                        print_error("%s M=%d n=%d K=%d mode %d at [%d, %d]: %g vs %g\n",
                                    lstm__isa_name(isa), M, n, K, mode, m, j, (double)g,
                                    (double)want);
                        fail();
                    }
                }
            free(A), free(off), free(C);
        }
    free(buf);
}

static void activations_accurate(void **state)
{
    (void)state;
    enum { N = 4099 };
    static float x[N], s[N], t[N];
    double es = 0, et = 0;
    for (int round = 0; round < 4; round++) {
        for (int i = 0; i < N; i++) {
            float v = round == 0   ? -30.0f + 60.0f * (float)i / (N - 1)
                      : round == 1 ? -0.2f + 0.4f * (float)i / (N - 1)
                      : round == 2 ? -100.0f + 200.0f * (float)i / (N - 1)
                                   : ldexpf(1.0f, -(i % 40)) * (i & 1 ? -1.0f : 1.0f);
            x[i] = s[i] = t[i] = v;
        }
        lstm__vsigmoid(isa, s, N);
        lstm__vtanh(isa, t, N);
        for (int i = 0; i < N; i++) {
            double rs = 1.0 / (1.0 + exp(-(double)x[i])), rt = tanh((double)x[i]);
            es = fmax(es, fabs(s[i] - rs));
            et = fmax(et, fabs(t[i] - rt));
            if (fabs(x[i]) < 0.0625 && x[i] != 0) /* relative accuracy near 0 */
                assert_true(fabs(t[i] - rt) <= 4e-7 * fabs(rt) + 1e-30);
        }
    }
    print_message("  %s: max |sigmoid - libm| %.2g, max |tanh - libm| %.2g\n", lstm__isa_name(isa),
                  es, et);
    assert_true(es <= 2e-7);
    assert_true(et <= 4e-7);
    /* NaN and infinities. */
    float sp[4] = {NAN, INFINITY, -INFINITY, 0.0f}, tp[4] = {NAN, INFINITY, -INFINITY, -0.0f};
    lstm__vsigmoid(isa, sp, 4);
    lstm__vtanh(isa, tp, 4);
    assert_true(isnan(sp[0]) && sp[1] == 1.0f && sp[2] >= 0.0f && sp[2] < 1e-30f && sp[3] == 0.5f);
    assert_true(isnan(tp[0]) && tp[1] == 1.0f && tp[2] == -1.0f && tp[3] == 0.0f);
}

/* exp against libm: relative error on the range where e^x is a normal float, and the edges. */
static void exp_accurate(void **state)
{
    (void)state;
    enum { N = 4099 };
    static float x[N], e[N];
    double worst = 0;
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < N; i++)
            x[i] = e[i] = round == 0   ? -87.3f + 176.0f * (float)i / (N - 1)
                          : round == 1 ? -1.0f + 2.0f * (float)i / (N - 1)
                                       : 88.0f + 0.72f * (float)i / (N - 1);
        lstm__vexp(isa, e, N);
        for (int i = 0; i < N; i++) {
            double r = exp((double)x[i]);
            worst = fmax(worst, fabs(e[i] - r) / r);
        }
    }
    print_message("  %s: max relative |exp - libm| %.2g\n", lstm__isa_name(isa), worst);
    assert_true(worst <= 3e-7);
    float ep[6] = {NAN, INFINITY, -INFINITY, 0.0f, 88.8f, -88.0f};
    lstm__vexp(isa, ep, 6);
    assert_true(isnan(ep[0]) && isinf(ep[1]) && ep[1] > 0 && ep[2] == 0.0f && ep[3] == 1.0f &&
                isinf(ep[4]) && ep[5] == 0.0f);
}

/* Elu / Selu / Celu (lstm__velu) and softplus against libm's double: relative error over
** [-90, 90] and near 0 (+-2^-1 .. 2^-60, where e^x - 1 would cancel), with a tail of lanes, and
** the edges (NaN, +-inf, 0). */
static double elu_ref(double x, double al, double sc, double dv)
{
    return sc * (x > 0 ? x : al * expm1(x / dv));
}

static void elu_softplus(void **state)
{
    (void)state;
    enum { N = 4099 };
    static float x[N], y[N];
    static const float forms[][3] = {{1.0f, 1.0f, 1.0f},
                                     {0.5f, 1.0f, 1.0f},
                                     {1.6732632f, 1.0507010f, 1.0f},
                                     {-2.0f, 1.0f, -2.0f}};
    for (int i = 0; i < N - 120; i++) x[i] = -90.0f + 180.0f * (float)i / (N - 121);
    for (int k = 0; k < 120; k++) x[N - 120 + k] = ldexpf(k & 1 ? -1.0f : 1.0f, -1 - k / 2);
    double worst = 0, worst_sp = 0;
    for (int f = 0; f < 4; f++) {
        lstm__velu(isa, x, y, N, forms[f][0], forms[f][1], forms[f][2]);
        for (int i = 0; i < N; i++) {
            const double r = elu_ref(x[i], forms[f][0], forms[f][1], forms[f][2]);
            if (isinf(r)) {
                assert_true(y[i] == (float)r);
                continue;
            }
            const double err = fabs(y[i] - r);
            if (err > 1e-37) worst = fmax(worst, err / fabs(r));
        }
    }
    memcpy(y, x, sizeof y);
    lstm__vsoftplus(isa, y, N);
    for (int i = 0; i < N; i++) {
        const double v = x[i], r = v > 0 ? v + log1p(exp(-v)) : log1p(exp(v));
        const double err = fabs(y[i] - r);
        if (err > 1e-37) worst_sp = fmax(worst_sp, err / r);
    }
    print_message("  %s: max relative error elu %.2g, softplus %.2g\n", lstm__isa_name(isa), worst,
                  worst_sp);
    assert_true(worst <= 1e-6 && worst_sp <= 1e-6);
    float e[4] = {NAN, -INFINITY, INFINITY, 0.0f}, o[4];
    lstm__velu(isa, e, o, 4, 0.5f, 2.0f, 1.0f);
    assert_true(isnan(o[0]) && o[1] == -1.0f && o[2] == INFINITY && o[3] == 0.0f);
    lstm__vsoftplus(isa, e, 4);
    assert_true(isnan(e[0]) && e[1] == 0.0f && e[2] == INFINITY &&
                fabsf(e[3] - 0.6931472f) < 1e-7f);
}

/* erf against libm in ulps of the result over [-6, 6] (both pieces, the switch at |x| = 1 and
** the clamp at 4), and the edges. */
static void erf_accurate(void **state)
{
    (void)state;
    enum { N = 24001 };
    static float x[N], e[N];
    double worst = 0;
    for (int i = 0; i < N; i++) x[i] = e[i] = -6.0f + 12.0f * (float)i / (N - 1);
    lstm__verf(isa, e, N);
    for (int i = 0; i < N; i++) {
        const double r = erf((double)x[i]),
                     ulp = fmax(nextafterf((float)fabs(r), 1e30f) - (float)fabs(r), 1e-45);
        worst = fmax(worst, fabs(e[i] - r) / ulp);
    }
    print_message("  %s: max |erf - libm| %.2f ulp\n", lstm__isa_name(isa), worst);
    assert_true(worst <= 3.0);
    float ep[7] = {NAN, INFINITY, -INFINITY, 0.0f, -0.0f, 1e-30f, 3.95f};
    lstm__verf(isa, ep, 7);
    assert_true(isnan(ep[0]) && ep[1] == 1.0f && ep[2] == -1.0f && ep[3] == 0.0f &&
                signbit(ep[4]) && ep[4] == 0.0f && fabsf(ep[5] - 1.1283792e-30f) < 1e-36f &&
                ep[6] == 1.0f);
}

/* The fused LSTM cell against the equations in double, every H from 1 to 40 (tails of 8 and 16
** lanes), with and without clip, peepholes and coupled gates, whole or as two shares of the units
** (as threads run it); inputs span the saturated range. */
static void lstm_cell_agrees(void **state)
{
    (void)state;
    unsigned seed = 7;
    enum { HMAX = 40 };
    float x[4 * HMAX], q[4 * HMAX], b[4 * HMAX], P[3 * HMAX], c0[HMAX], c[HMAX], h[HMAX];
    double worst = 0;
    for (int H = 1; H <= HMAX; H++)
        for (int variant = 0; variant < 16; variant++) {
            const lstm__cell_args a = {.H = H,
                                       .n = H,
                                       .bias = b,
                                       .P = variant & 2 ? P : NULL,
                                       .clip = variant & 1 ? 1.5f : 0.0f,
                                       .coupled = (variant >> 2) & 1};
            for (int j = 0; j < 4 * H; j++) {
                x[j] = 6 * frand(&seed), q[j] = 3 * frand(&seed), b[j] = frand(&seed);
            }
            for (int j = 0; j < 3 * H; j++) P[j] = 2 * frand(&seed);
            for (int j = 0; j < H; j++) c[j] = c0[j] = 2 * frand(&seed);
            if (variant & 8) { /* units 0 .. u-1, then u .. H-1 */
                const int u = H / 3;
                lstm__cell_args lo = a, hi = a;
                lo.n = u, hi.n = H - u;
                hi.bias += u;
                if (hi.P) hi.P += u;
                lstm__lstm_cell(isa, &lo, x, q, c, h);
                lstm__lstm_cell(isa, &hi, x + u, q + u, c + u, h + u);
            } else {
                lstm__lstm_cell(isa, &a, x, q, c, h);
            }
            for (int j = 0; j < H; j++) {
                double pre[4], cl = a.clip;
                for (int g = 0; g < 4; g++)
                    pre[g] = (double)x[g * H + j] + q[g * H + j] + b[g * H + j];
                if (a.P) pre[0] += (double)P[j] * c0[j], pre[2] += (double)P[2 * H + j] * c0[j];
                for (int g = 0; g < 4; g++)
                    if (cl > 0 && g != 1) pre[g] = fmin(fmax(pre[g], -cl), cl);
                double ig = 1 / (1 + exp(-pre[0])),
                       fg = a.coupled ? 1 - ig : 1 / (1 + exp(-pre[2]));
                double cr = fg * c0[j] + ig * tanh(pre[3]);
                if (a.P) pre[1] += (double)P[H + j] * cr;
                if (cl > 0) pre[1] = fmin(fmax(pre[1], -cl), cl);
                double hr = 1 / (1 + exp(-pre[1])) * tanh(cr);
                worst = fmax(worst, fmax(fabs(c[j] - cr), fabs(h[j] - hr)));
            }
        }
    print_message("  %s: max |LSTM cell - double| %.2g\n", lstm__isa_name(isa), worst);
    assert_true(worst <= 2e-6);
}

/* The fused GRU cell (linear_before_reset = 1) against the equations in double, the same way
** (two shares write the new h apart from the previous one, as threads do). */
static void gru_cell_agrees(void **state)
{
    (void)state;
    unsigned seed = 11;
    enum { HMAX = 40 };
    float x[3 * HMAX], q[3 * HMAX], b[3 * HMAX], rb[HMAX], h0[HMAX], h[HMAX], hp[HMAX];
    double worst = 0;
    for (int H = 1; H <= HMAX; H++)
        for (int variant = 0; variant < 8; variant++) {
            const float clip = variant & 1 ? 1.5f : 0.0f;
            const float *rbh = variant & 2 ? rb : NULL;
            const lstm__cell_args a = {.H = H, .n = H, .bias = b, .rbh = rbh, .clip = clip};
            for (int j = 0; j < 3 * H; j++) {
                x[j] = 6 * frand(&seed), q[j] = 3 * frand(&seed), b[j] = frand(&seed);
            }
            for (int j = 0; j < H; j++) rb[j] = frand(&seed), h[j] = h0[j] = hp[j] = frand(&seed);
            if (variant & 4) { /* units 0 .. u-1, then u .. H-1, from hp into h */
                const int u = H / 3;
                lstm__cell_args lo = a, hi = a;
                lo.n = u, hi.n = H - u;
                hi.bias += u;
                if (hi.rbh) hi.rbh += u;
                for (int j = 0; j < H; j++) h[j] = NAN;
                lstm__gru_cell(isa, &lo, x, q, hp, h);
                lstm__gru_cell(isa, &hi, x + u, q + u, hp + u, h + u);
            } else {
                lstm__gru_cell(isa, &a, x, q, h, h);
            }
            for (int j = 0; j < H; j++) {
                double a[3] = {(double)x[j] + q[j] + b[j], (double)x[H + j] + q[H + j] + b[H + j],
                               0};
                for (int g = 0; g < 2; g++)
                    if (clip > 0) a[g] = fmin(fmax(a[g], -clip), clip);
                double z = 1 / (1 + exp(-a[0])), r = 1 / (1 + exp(-a[1]));
                a[2] = (double)x[2 * H + j] + b[2 * H + j] +
                       r * ((double)q[2 * H + j] + (rbh ? rb[j] : 0));
                if (clip > 0) a[2] = fmin(fmax(a[2], -clip), clip);
                double hr = (1 - z) * tanh(a[2]) + z * h0[j];
                worst = fmax(worst, fabs(h[j] - hr));
            }
        }
    print_message("  %s: max |GRU cell - double| %.2g\n", lstm__isa_name(isa), worst);
    assert_true(worst <= 2e-6);
}

/* The process's set (simd.c): one the CPU runs, and with LSTM_ISA=NAME (CI runs the suites
** with portable and avx2) the first available set from NAME's row on. */
static void choice_follows_the_cap(void **state)
{
    (void)state;
    const int chosen = lstm__isa(), named = lstm__isa_find(getenv("LSTM_ISA"));
    assert_true(lstm__isa_available(chosen));
    int want = 0;
    if (named >= 0 && lstm__kernels_get(named)->gemm) want = named;
    while (!lstm__isa_available(want)) want++;
    print_message("  kernels: %s (LSTM_ISA=%s)\n", lstm__isa_name(chosen),
                  getenv("LSTM_ISA") ? getenv("LSTM_ISA") : "");
    assert_int_equal(chosen, want);
}

int main(int argc, char **argv)
{
    isa = argc > 1 ? lstm__isa_find(argv[1]) : lstm__isa();
    if (isa < 0) {
        fprintf(stderr, "test_simd: no kernel set '%s'\n", argv[1]);
        return 1;
    }
    if (!lstm__isa_available(isa)) {
        printf("SKIP: kernel set %s %s\n", lstm__isa_name(isa),
               lstm__kernels_get(isa)->gemm ? "needs CPU features this CPU lacks"
                                            : "is not built for this architecture");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gemm_agrees),     cmocka_unit_test(conv_rows_agrees),
        cmocka_unit_test(mm_i16_exact),    cmocka_unit_test(mm8_exact),
        cmocka_unit_test(quant8_exact),    cmocka_unit_test(activations_accurate),
        cmocka_unit_test(exp_accurate),    cmocka_unit_test(elu_softplus),
        cmocka_unit_test(erf_accurate),    cmocka_unit_test(lstm_cell_agrees),
        cmocka_unit_test(gru_cell_agrees), cmocka_unit_test(choice_follows_the_cap),
    };
    return cmocka_run_group_tests_name(lstm__isa_name(isa), tests, NULL, NULL);
}
