/* simd.c — packing, the blocked GEMM driver, ISA selection and the portable kernels. */
#include "simd/simd.h"
#include "workers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int lstm__isa(void)
{
    int isa = LSTM__ISA_PORTABLE;
#if defined(__x86_64__) && defined(__GNUC__)
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq"))
        isa = LSTM__ISA_AVX512;
    else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        isa = LSTM__ISA_AVX2;
#endif
    /* LSTM_ISA=portable|avx2 caps the kernels (to test or compare the other paths). */
    const char *cap = getenv("LSTM_ISA");
    if (cap && strcmp(cap, "portable") == 0) isa = LSTM__ISA_PORTABLE;
    if (cap && strcmp(cap, "avx2") == 0 && isa > LSTM__ISA_AVX2) isa = LSTM__ISA_AVX2;
    return isa;
}

const char *lstm__isa_name(int isa)
{
    return isa == LSTM__ISA_AVX512 ? "avx512" : isa == LSTM__ISA_AVX2 ? "avx2" : "portable";
}

size_t lstm__pack_floats(int K, int N)
{
    size_t panels = ((size_t)N + LSTM__NR - 1) / LSTM__NR;
    return panels * (size_t)K * LSTM__NR;
}

void lstm__pack_wt(float *dst, const float *W, int N, int K)
{
    int panels = (N + LSTM__NR - 1) / LSTM__NR;
    for (int p = 0; p < panels; p++) {
        float *d = dst + (size_t)p * (size_t)K * LSTM__NR;
        for (int k = 0; k < K; k++)
            for (int j = 0; j < LSTM__NR; j++) {
                int n = p * LSTM__NR + j;
                d[(size_t)k * LSTM__NR + j] = n < N ? W[(size_t)n * (size_t)K + (size_t)k] : 0.0f;
            }
    }
}

/* Rows of A per block: the block (mc x K floats) should stay in L2 while every panel passes. */
static int row_block(int K)
{
    int mc = (int)((256u * 1024u) / (sizeof(float) * (unsigned)(K > 0 ? K : 1)));
    if (mc < 8) mc = 8;
    return mc - mc % 8;
}

static void panel(int isa, int M, int K, const float *A, int lda, const float *Bp, float *C,
                  int ldc, int ncols, int accumulate, const float *next)
{
    (void)isa; /* unused without x86-64 kernels */
#if defined(__x86_64__) && defined(__GNUC__)
    if (isa == LSTM__ISA_AVX512)
        lstm__gemm_panel_avx512(M, K, A, lda, Bp, C, ldc, ncols, accumulate, next);
    else if (isa == LSTM__ISA_AVX2)
        lstm__gemm_panel_avx2(M, K, A, lda, Bp, C, ldc, ncols, accumulate, next);
    else
#endif
        lstm__gemm_panel_portable(M, K, A, lda, Bp, C, ldc, ncols, accumulate, next);
}

void lstm__gemm_packed(int isa, int M, int N, int K, const float *A, int lda, const float *Bp,
                       float *C, int ldc, int accumulate)
{
    if (M <= 0 || N <= 0) return;
    int panels = (N + LSTM__NR - 1) / LSTM__NR, mc = row_block(K);
    /* Prefetch the next panel only when the packed matrix exceeds 1 MiB: within L2 the
    ** prefetches cost more than they save (M = 8, N = 1024, K = 256: 173 -> 162 GFLOP/s);
    ** beyond it they pay (M = 32, N = 2048, K = 512: 147 -> 162). */
    const int pf = lstm__pack_floats(K, N) * sizeof(float) > (size_t)1 << 20;
    for (int m0 = 0; m0 < M; m0 += mc) {
        int mb = M - m0 < mc ? M - m0 : mc;
        for (int p = 0; p < panels; p++) {
            int ncols = N - p * LSTM__NR < LSTM__NR ? N - p * LSTM__NR : LSTM__NR;
            /* The panel after this one: the next, or the first again for the next row block. */
            const float *next = !pf              ? NULL
                                : p + 1 < panels ? Bp + (size_t)(p + 1) * (size_t)K * LSTM__NR
                                : m0 + mc < M    ? Bp
                                                 : NULL;
            panel(isa, mb, K, A + (size_t)m0 * (size_t)lda, lda,
                  Bp + (size_t)p * (size_t)K * LSTM__NR,
                  C + (size_t)m0 * (size_t)ldc + (size_t)p * LSTM__NR, ldc, ncols, accumulate,
                  next);
        }
    }
}

void lstm__gemm_panel_portable(int M, int K, const float *A, int lda, const float *Bp, float *C,
                               int ldc, int ncols, int accumulate, const float *next)
{
    (void)next;
    for (int m = 0; m < M; m++) {
        float acc[LSTM__NR] = {0};
        const float *a = A + (size_t)m * (size_t)lda;
        for (int k = 0; k < K; k++) {
            const float *b = Bp + (size_t)k * LSTM__NR;
            float av = a[k];
            for (int j = 0; j < LSTM__NR; j++) acc[j] += av * b[j];
        }
        float *c = C + (size_t)m * (size_t)ldc;
        for (int j = 0; j < ncols; j++) c[j] = accumulate ? c[j] + acc[j] : acc[j];
    }
}

void lstm__vsigmoid_portable(float *x, int n)
{
    for (int i = 0; i < n; i++) {
        float v = x[i];
        if (v >= 0) {
            x[i] = 1.0f / (1.0f + expf(-v));
        } else {
            float e = expf(v);
            x[i] = e / (1.0f + e);
        }
    }
}

void lstm__vtanh_portable(float *x, int n)
{
    for (int i = 0; i < n; i++) x[i] = tanhf(x[i]);
}

void lstm__vsigmoid(int isa, float *x, int n)
{
    (void)isa; /* unused without x86-64 kernels */
#if defined(__x86_64__) && defined(__GNUC__)
    if (isa == LSTM__ISA_AVX512)
        lstm__vsigmoid_avx512(x, n);
    else if (isa == LSTM__ISA_AVX2)
        lstm__vsigmoid_avx2(x, n);
    else
#endif
        lstm__vsigmoid_portable(x, n);
}

void lstm__vtanh(int isa, float *x, int n)
{
    (void)isa; /* unused without x86-64 kernels */
#if defined(__x86_64__) && defined(__GNUC__)
    if (isa == LSTM__ISA_AVX512)
        lstm__vtanh_avx512(x, n);
    else if (isa == LSTM__ISA_AVX2)
        lstm__vtanh_avx2(x, n);
    else
#endif
        lstm__vtanh_portable(x, n);
}

static inline float sigmoid1(float v)
{
    if (v >= 0) return 1.0f / (1.0f + expf(-v));
    float e = expf(v);
    return e / (1.0f + e);
}

static inline float clip1(float v, float clip)
{
    return clip > 0 ? (v > clip ? clip : v < -clip ? -clip : v) : v;
}

void lstm__lstm_cell_portable(const lstm__cell_args *a, int j0, const float *x, const float *q,
                              float *c, float *h)
{
    const int H = a->H;
    const float *b = a->bias, *P = a->P, clip = a->clip;
    for (int j = j0; j < H; j++) {
        float pi = x[j] + q[j] + b[j], po = x[H + j] + q[H + j] + b[H + j];
        float pf = x[2 * H + j] + q[2 * H + j] + b[2 * H + j];
        float pc = x[3 * H + j] + q[3 * H + j] + b[3 * H + j];
        if (P) pi += P[j] * c[j], pf += P[2 * H + j] * c[j];
        float i = sigmoid1(clip1(pi, clip));
        float f = a->coupled ? 1.0f - i : sigmoid1(clip1(pf, clip));
        c[j] = f * c[j] + i * tanhf(clip1(pc, clip));
        if (P) po += P[H + j] * c[j];
        h[j] = sigmoid1(clip1(po, clip)) * tanhf(c[j]);
    }
}

void lstm__lstm_cell(int isa, const lstm__cell_args *a, const float *x, const float *q, float *c,
                     float *h)
{
    (void)isa; /* unused without x86-64 kernels */
#if defined(__x86_64__) && defined(__GNUC__)
    if (isa == LSTM__ISA_AVX512)
        lstm__lstm_cell_avx512(a, x, q, c, h);
    else if (isa == LSTM__ISA_AVX2)
        lstm__lstm_cell_avx2(a, x, q, c, h);
    else
#endif
        lstm__lstm_cell_portable(a, 0, x, q, c, h);
}

void lstm__gru_cell_portable(const lstm__cell_args *a, int j0, const float *x, const float *q,
                             float *h)
{
    const int H = a->H;
    const float *b = a->bias, *rbh = a->rbh, clip = a->clip;
    for (int j = j0; j < H; j++) {
        float z = sigmoid1(clip1(x[j] + q[j] + b[j], clip));
        float r = sigmoid1(clip1(x[H + j] + q[H + j] + b[H + j], clip));
        float n = x[2 * H + j] + b[2 * H + j] + r * (q[2 * H + j] + (rbh ? rbh[j] : 0.0f));
        float g = tanhf(clip1(n, clip));
        h[j] = (1.0f - z) * g + z * h[j];
    }
}

void lstm__gru_cell(int isa, const lstm__cell_args *a, const float *x, const float *q, float *h)
{
    (void)isa; /* unused without x86-64 kernels */
#if defined(__x86_64__) && defined(__GNUC__)
    if (isa == LSTM__ISA_AVX512)
        lstm__gru_cell_avx512(a, x, q, h);
    else if (isa == LSTM__ISA_AVX2)
        lstm__gru_cell_avx2(a, x, q, h);
    else
#endif
        lstm__gru_cell_portable(a, 0, x, q, h);
}

typedef struct mt_job {
    int isa, M, N, K, lda, ldc, accumulate;
    const float *A, *Bp;
    float *C;
} mt_job;

static void mt_part(void *ctx, int part, int parts)
{
    const mt_job *j = ctx;
    int panels = (j->N + LSTM__NR - 1) / LSTM__NR;
    int p0 = panels * part / parts, p1 = panels * (part + 1) / parts;
    if (p0 >= p1) return;
    int n0 = p0 * LSTM__NR, n1 = p1 * LSTM__NR < j->N ? p1 * LSTM__NR : j->N;
    lstm__gemm_packed(j->isa, j->M, n1 - n0, j->K, j->A, j->lda,
                      j->Bp + (size_t)p0 * (size_t)j->K * LSTM__NR, j->C + n0, j->ldc,
                      j->accumulate);
}

void lstm__gemm_packed_mt(struct lstm__workers *w, double min_work, int isa, int M, int N, int K,
                          const float *A, int lda, const float *Bp, float *C, int ldc,
                          int accumulate)
{
    if (!w || (double)M * N * K < min_work || N <= LSTM__NR) {
        lstm__gemm_packed(isa, M, N, K, A, lda, Bp, C, ldc, accumulate);
        return;
    }
    mt_job j = {isa, M, N, K, lda, ldc, accumulate, A, Bp, C};
    lstm__workers_run(w, mt_part, &j);
}
