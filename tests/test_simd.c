/* test_simd.c — the packed GEMM and the vectorised sigmoid / tanh: every ISA this CPU has
** agrees with the portable C version (run on random shapes, edges included), and the fast
** functions stay within their stated error of libm. */
#include "test_util.h"
#include "simd/simd.h"

#include <math.h>
#include <stdlib.h>

static float frand(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (float)((*s >> 8) & 0xffff) / 32768.0f - 1.0f;
}

static int isa_available(int isa)
{
    return isa <= lstm__isa();
}

static void gemm_agrees(void **state)
{
    (void)state;
    unsigned seed = 1;
    static const int shapes[][3] = {{1, 32, 16}, {1, 1, 1},       {3, 7, 5},      {8, 64, 256},
                                    {9, 33, 17}, {17, 100, 63},   {2, 1024, 256}, {300, 96, 40},
                                    {5, 31, 0},  {230, 1100, 300}}; /* > 1 MiB packed, two row
                                                                       blocks: prefetching */
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        int M = shapes[s][0], N = shapes[s][1], K = shapes[s][2];
        float *A = malloc(sizeof(float) * (size_t)(M * K + 1)),
              *W = malloc(sizeof(float) * (size_t)(N * K + 1));
        float *Bp = malloc(sizeof(float) * (lstm__pack_floats(K, N) + 1));
        float *ref = malloc(sizeof(float) * (size_t)(M * N)),
              *got = malloc(sizeof(float) * (size_t)(M * N));
        for (int i = 0; i < M * K; i++) A[i] = frand(&seed);
        for (int i = 0; i < N * K; i++) W[i] = frand(&seed);
        lstm__pack_wt(Bp, W, N, K);
        /* Reference in double from the unpacked weights. */
        for (int m = 0; m < M; m++)
            for (int n = 0; n < N; n++) {
                double acc = 0;
                for (int k = 0; k < K; k++) acc += (double)A[m * K + k] * W[n * K + k];
                ref[m * N + n] = (float)acc + 1.0f; /* accumulate onto 1.0 */
            }
        for (int isa = LSTM__ISA_PORTABLE; isa <= LSTM__ISA_AVX512; isa++) {
            if (!isa_available(isa)) {
                print_message("  (ISA %s not on this CPU: not run)\n", lstm__isa_name(isa));
                continue;
            }
            for (int i = 0; i < M * N; i++) got[i] = 1.0f;
            lstm__gemm_packed(isa, M, N, K, A, K, Bp, got, N, 1);
            for (int i = 0; i < M * N; i++) {
                if (fabsf(got[i] - ref[i]) > 1e-4f * (1 + (float)K / 64)) {
                    print_error("%s M=%d N=%d K=%d at %d: %g vs %g\n", lstm__isa_name(isa), M, N, K,
                                i, (double)got[i], (double)ref[i]);
                    fail();
                }
            }
        }
        free(A), free(W), free(Bp), free(ref), free(got);
    }
}

static void activations_accurate(void **state)
{
    (void)state;
    enum { N = 4099 };
    static float x[N], s[N], t[N];
    for (int isa = LSTM__ISA_PORTABLE; isa <= LSTM__ISA_AVX512; isa++) {
        if (!isa_available(isa)) continue;
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
        print_message("  %s: max |sigmoid - libm| %.2g, max |tanh - libm| %.2g\n",
                      lstm__isa_name(isa), es, et);
        assert_true(es <= 2e-7);
        assert_true(et <= 4e-7);
        /* NaN and infinities. */
        float sp[4] = {NAN, INFINITY, -INFINITY, 0.0f}, tp[4] = {NAN, INFINITY, -INFINITY, -0.0f};
        lstm__vsigmoid(isa, sp, 4);
        lstm__vtanh(isa, tp, 4);
        assert_true(isnan(sp[0]) && sp[1] == 1.0f && sp[2] >= 0.0f && sp[2] < 1e-30f &&
                    sp[3] == 0.5f);
        assert_true(isnan(tp[0]) && tp[1] == 1.0f && tp[2] == -1.0f && tp[3] == 0.0f);
    }
}

/* The fused LSTM cell against the equations in double, every H from 1 to 40 (tails of 8 and 16
** lanes), with and without clip, peepholes and coupled gates; inputs span the saturated range. */
static void lstm_cell_agrees(void **state)
{
    (void)state;
    unsigned seed = 7;
    enum { HMAX = 40 };
    float x[4 * HMAX], q[4 * HMAX], b[4 * HMAX], P[3 * HMAX], c0[HMAX], c[HMAX], h[HMAX];
    for (int isa = LSTM__ISA_PORTABLE; isa <= LSTM__ISA_AVX512; isa++) {
        if (!isa_available(isa)) continue;
        double worst = 0;
        for (int H = 1; H <= HMAX; H++)
            for (int variant = 0; variant < 8; variant++) {
                const lstm__cell_args a = {.H = H,
                                           .bias = b,
                                           .P = variant & 2 ? P : NULL,
                                           .clip = variant & 1 ? 1.5f : 0.0f,
                                           .coupled = variant >> 2};
                for (int j = 0; j < 4 * H; j++) {
                    x[j] = 6 * frand(&seed), q[j] = 3 * frand(&seed), b[j] = frand(&seed);
                }
                for (int j = 0; j < 3 * H; j++) P[j] = 2 * frand(&seed);
                for (int j = 0; j < H; j++) c[j] = c0[j] = 2 * frand(&seed);
                lstm__lstm_cell(isa, &a, x, q, c, h);
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
}

/* The fused GRU cell (linear_before_reset = 1) against the equations in double, the same way. */
static void gru_cell_agrees(void **state)
{
    (void)state;
    unsigned seed = 11;
    enum { HMAX = 40 };
    float x[3 * HMAX], q[3 * HMAX], b[3 * HMAX], rb[HMAX], h0[HMAX], h[HMAX];
    for (int isa = LSTM__ISA_PORTABLE; isa <= LSTM__ISA_AVX512; isa++) {
        if (!isa_available(isa)) continue;
        double worst = 0;
        for (int H = 1; H <= HMAX; H++)
            for (int variant = 0; variant < 4; variant++) {
                const float clip = variant & 1 ? 1.5f : 0.0f;
                const float *rbh = variant & 2 ? rb : NULL;
                const lstm__cell_args a = {.H = H, .bias = b, .rbh = rbh, .clip = clip};
                for (int j = 0; j < 3 * H; j++) {
                    x[j] = 6 * frand(&seed), q[j] = 3 * frand(&seed), b[j] = frand(&seed);
                }
                for (int j = 0; j < H; j++) rb[j] = frand(&seed), h[j] = h0[j] = frand(&seed);
                lstm__gru_cell(isa, &a, x, q, h);
                for (int j = 0; j < H; j++) {
                    double a[3] = {(double)x[j] + q[j] + b[j],
                                   (double)x[H + j] + q[H + j] + b[H + j], 0};
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
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gemm_agrees),
        cmocka_unit_test(activations_accurate),
        cmocka_unit_test(lstm_cell_agrees),
        cmocka_unit_test(gru_cell_agrees),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
