/*
** bench_kernels.c — the packed GEMM of the kernel set this process runs (LSTM_ISA caps it, as
** in the library) on the recurrent shapes, M = batch rows, N = 4H, K = H, against
**   - the set's FMA peak, measured here: independent FMA chains on every vector register but 4;
**   - OpenBLAS sgemm on the same product (row-major A times W^T, one thread);
**   - for batch 1, a copy of as many bytes as the packed weights (GB/s of weight streaming
**     against memcpy's GB/s, bytes read + written as STREAM counts a copy).
** Everything is timed in this process: each round times every shape (~10 ms each, in samples
** of ~0.5 ms), ours then OpenBLAS, with the peak and the copy; the fastest sample of all rounds
** is kept (the machine may be shared).
**
** OpenBLAS picks its kernels when the library loads, from OPENBLAS_CORETYPE: the program
** re-executes itself once with OPENBLAS_CORETYPE set to the core matching the set in use
** (Haswell for avx2, SkylakeX for avx512; left alone when already set or for other sets) and
** OPENBLAS_NUM_THREADS=1.
**
** usage: bench_kernels [--rounds N] [--quick] [--json FILE]
*/
#define _GNU_SOURCE
#include "core.h"
#include "simd/simd.h"

#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Seconds per call of fn: the fastest of samples of ~0.5 ms (as many calls as that takes),
** taken for about `budget` seconds. Short samples find the moments when no other process ran. */
typedef void (*call_fn)(void *ctx);
static double time_calls(call_fn fn, void *ctx, double budget)
{
    fn(ctx); /* warm */
    long n = 1;
    double t0 = now_s(), dt;
    for (;;) {
        t0 = now_s();
        for (long i = 0; i < n; i++) fn(ctx);
        dt = now_s() - t0;
        if (dt >= 5e-4) break;
        n = dt <= 0 ? n * 16 : (long)((double)n * 6e-4 / dt) + 1;
    }
    double best = dt, start = now_s();
    while (now_s() - start < budget) {
        t0 = now_s();
        for (long i = 0; i < n; i++) fn(ctx);
        dt = now_s() - t0;
        if (dt < best) best = dt;
    }
    return best / (double)n;
}

typedef struct shape {
    int isa, M, N, K;
    const float *A, *W, *Bp;
    float *C;
} shape;

static void run_ours(void *ctx)
{
    const shape *s = ctx;
    lstm__gemm_packed(s->isa, s->M, s->N, s->K, s->A, s->K, s->Bp, s->C, s->N, 0);
}

static void run_blas(void *ctx)
{
    const shape *s = ctx;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, s->M, s->N, s->K, 1.0f, s->A, s->K, s->W,
                s->K, 0.0f, s->C, s->N);
}

typedef struct copy_job {
    void *dst;
    const void *src;
    size_t bytes;
} copy_job;

static void run_copy(void *ctx)
{
    copy_job *c = ctx;
    memcpy(c->dst, c->src, c->bytes);
    __asm__ volatile("" ::: "memory");
}

typedef struct peak_job {
    const lstm__kernels *k;
    double flops;
} peak_job;

static void run_peak(void *ctx)
{
    peak_job *p = ctx;
    p->flops = p->k->fma_peak(1 << 16);
}

static void cpu_line(const char *key, char *out, size_t cap)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[4096];
    out[0] = 0;
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, key, strlen(key)) != 0) continue;
        const char *v = strchr(line, ':');
        if (!v) continue;
        snprintf(out, cap, "%s", v + 1 + (v[1] == ' '));
        out[strcspn(out, "\n")] = 0;
        break;
    }
    if (f) fclose(f);
}

/* Re-executes with OpenBLAS set up for the set in use (see the top); returns only when done. */
static void setup_openblas(char **argv, int isa)
{
    if (getenv("BENCH_KERNELS_CHILD")) return;
    const char *name = lstm__isa_name(isa);
    const char *core = strcmp(name, "avx2") == 0     ? "Haswell"
                       : strcmp(name, "avx512") == 0 ? "SkylakeX"
                                                     : NULL;
    if (core && !getenv("OPENBLAS_CORETYPE")) setenv("OPENBLAS_CORETYPE", core, 1);
    setenv("OPENBLAS_NUM_THREADS", "1", 1);
    setenv("BENCH_KERNELS_CHILD", "1", 1);
    execv("/proc/self/exe", argv);
    /* No /proc: run as we are (OpenBLAS with its own choice, said in the header). */
}

/* A (M x K) and W (N x K) with fixed values, W packed for the set, C (M x N): all or none
** (0 and a message when out of memory). */
static int operands(int isa, int M, int N, int K, float **A, float **W, float **Bp, float **C)
{
    *A = malloc(sizeof(float) * (size_t)M * K);
    *W = malloc(sizeof(float) * (size_t)N * K);
    /* Placed as the library places packed weights (core.h: LSTM__HUGE). */
    const size_t bbytes = sizeof(float) * lstm__pack_floats_isa(isa, K, N);
    if (bbytes >= LSTM__HUGE) {
        *Bp = aligned_alloc(LSTM__HUGE, (bbytes + LSTM__HUGE - 1) & ~(LSTM__HUGE - 1));
        if (*Bp) lstm__advise_huge(*Bp, bbytes);
    } else {
        *Bp = malloc(bbytes);
    }
    *C = malloc(sizeof(float) * (size_t)M * N);
    if (!*A || !*W || !*Bp || !*C) {
        free(*A), free(*W), free(*Bp), free(*C);
        fprintf(stderr, "bench_kernels: out of memory\n");
        return 0;
    }
    for (size_t i = 0; i < (size_t)M * K; i++) (*A)[i] = (float)(i % 17) / 17.0f - 0.5f;
    for (size_t i = 0; i < (size_t)N * K; i++) (*W)[i] = (float)(i % 23) / 230.0f - 0.05f;
    lstm__pack_wt_isa(isa, *Bp, *W, N, K);
    return 1;
}

/* --shape M,N,K: that one product, ours against OpenBLAS and the FMA peak. */
static int one_shape(int isa, int M, int N, int K, int rounds, double budget)
{
    float *A, *W, *Bp, *C;
    if (!operands(isa, M, N, K, &A, &W, &Bp, &C)) return 1;
    shape s = {isa, M, N, K, A, W, Bp, C};
    peak_job pj = {lstm__kernels_get(isa), 0};
    double ours = 1e30, blas = 1e30, peak = 0;
    for (int r = 0; r < rounds; r++) {
        double t = time_calls(run_peak, &pj, budget);
        if (pj.flops / t > peak) peak = pj.flops / t;
        t = time_calls(run_ours, &s, budget);
        if (t < ours) ours = t;
        t = time_calls(run_blas, &s, budget);
        if (t < blas) blas = t;
    }
    const double fl = 2.0 * M * N * K;
    printf("M %d N %d K %d: ours %.1f GFLOP/s (%.0f%% of the %.1f peak), OpenBLAS %.1f, "
           "ours / OpenBLAS %.2f\n",
           M, N, K, fl / ours * 1e-9, 100.0 * fl / ours / peak, peak * 1e-9, fl / blas * 1e-9,
           blas / ours);
    free(A), free(W), free(Bp), free(C);
    return 0;
}

int main(int argc, char **argv)
{
    int rounds = 7, quick = 0, sM = 0, sN = 0, sK = 0;
    const char *json = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
            rounds = atoi(argv[++i]);
        else if (strcmp(argv[i], "--quick") == 0)
            quick = 1;
        else if (strcmp(argv[i], "--json") == 0 && i + 1 < argc)
            json = argv[++i];
        else if (strcmp(argv[i], "--shape") == 0 && i + 1 < argc &&
                 sscanf(argv[i + 1], "%d,%d,%d", &sM, &sN, &sK) == 3 && sM > 0 && sN > 0 && sK > 0)
            i++;
        else {
            fprintf(stderr,
                    "usage: bench_kernels [--rounds N] [--quick] [--json FILE] [--shape M,N,K]\n");
            return 2;
        }
    }
    if (rounds < 1) rounds = 1;
    const int isa = lstm__isa();
    setup_openblas(argv, isa);
    const lstm__kernels *ks = lstm__kernels_get(isa);
    const double budget = quick ? 0.004 : 0.01;

    char model[256], flags[4096];
    cpu_line("model name", model, sizeof model);
    if (!model[0]) cpu_line("CPU part", model, sizeof model);
    cpu_line("flags", flags, sizeof flags);
    if (!flags[0]) cpu_line("Features", flags, sizeof flags);
    const char *feats[] = {" avx512f", " avx2", " fma", " asimd"};
    char have[64] = "";
    for (size_t i = 0; i < sizeof feats / sizeof feats[0]; i++) {
        size_t n = strlen(feats[i]);
        char padded[4100];
        snprintf(padded, sizeof padded, " %s ", flags);
        for (const char *p = padded; (p = strstr(p, feats[i])) != NULL; p++)
            if (p[n] == ' ') {
                strncat(have, feats[i], sizeof have - strlen(have) - 1);
                break;
            }
    }
    const lstm__caches cs = lstm__cache_sizes();
    printf("CPU: %s; flags:%s; L1d %zu KiB, L2 %zu KiB\n", model[0] ? model : "(unknown)", have,
           cs.l1 >> 10, cs.l2 >> 10);
    printf("kernels: %s (panels of %d columns, tiles of %d rows; LSTM_ISA=%s)\n"
           "OpenBLAS: %s; core %s, OPENBLAS_CORETYPE=%s, %d thread(s)\n",
           ks->name, ks->nr, ks->mr, getenv("LSTM_ISA") ? getenv("LSTM_ISA") : "(not set)",
           openblas_get_config(), openblas_get_corename(),
           getenv("OPENBLAS_CORETYPE") ? getenv("OPENBLAS_CORETYPE") : "(not set)",
           openblas_get_num_threads());
    if (sM) return one_shape(isa, sM, sN, sK, rounds, budget);

    static const int Ms[] = {1, 4, 8, 32}, Hs[] = {256, 512, 768, 1024};
    enum { NM = sizeof Ms / sizeof Ms[0], NH = sizeof Hs / sizeof Hs[0] };
    double ours[NH][NM], blas[NH][NM], copy_gbs[NH], peak = 0;
    size_t wbytes[NH];
    peak_job pj = {ks, 0};
    /* Every shape in every round, so that a burst of other load spoils one sample of each
    ** rather than every sample of one shape. */
    float *A[NH], *W[NH], *Bp[NH], *C[NH];
    void *cdst[NH];
    for (int h = 0; h < NH; h++) {
        const int H = Hs[h], N = 4 * H, K = H, Mmax = Ms[NM - 1];
        wbytes[h] = sizeof(float) * lstm__pack_floats_isa(isa, K, N);
        if (!operands(isa, Mmax, N, K, &A[h], &W[h], &Bp[h], &C[h])) return 1;
        cdst[h] = malloc(wbytes[h]);
        if (!cdst[h]) {
            fprintf(stderr, "bench_kernels: out of memory\n");
            return 1;
        }
        copy_gbs[h] = 0;
        for (int m = 0; m < NM; m++) ours[h][m] = blas[h][m] = 1e30;
    }
    for (int r = 0; r < rounds; r++)
        for (int h = 0; h < NH; h++) {
            double t = time_calls(run_peak, &pj, budget);
            if (pj.flops / t > peak) peak = pj.flops / t;
            copy_job cj = {cdst[h], Bp[h], wbytes[h]};
            t = time_calls(run_copy, &cj, budget);
            if (2.0 * (double)wbytes[h] / t > copy_gbs[h])
                copy_gbs[h] = 2.0 * (double)wbytes[h] / t;
            for (int m = 0; m < NM; m++) {
                shape s = {isa, Ms[m], 4 * Hs[h], Hs[h], A[h], W[h], Bp[h], C[h]};
                t = time_calls(run_ours, &s, budget);
                if (t < ours[h][m]) ours[h][m] = t;
                t = time_calls(run_blas, &s, budget);
                if (t < blas[h][m]) blas[h][m] = t;
            }
        }
    for (int h = 0; h < NH; h++) free(A[h]), free(W[h]), free(Bp[h]), free(C[h]), free(cdst[h]);

    printf("FMA peak (%s, independent chains): %.1f GFLOP/s\n\n", ks->name, peak * 1e-9);
    printf("| M (batch) | H | N x K | ours GFLOP/s | %% of peak | OpenBLAS GFLOP/s | ours / "
           "OpenBLAS |\n|---|---|---|---|---|---|---|\n");
    for (int m = 0; m < NM; m++)
        for (int h = 0; h < NH; h++) {
            const double fl = 2.0 * Ms[m] * 4.0 * Hs[h] * Hs[h];
            printf("| %d | %d | %d x %d | %.1f | %.0f%% | %.1f | %.2f |\n", Ms[m], Hs[h], 4 * Hs[h],
                   Hs[h], fl / ours[h][0 + m] * 1e-9, 100.0 * fl / ours[h][m] / peak,
                   fl / blas[h][m] * 1e-9, blas[h][m] / ours[h][m]);
        }
    printf(
        "\nBatch 1: the packed weights read once per product (GB/s) against memcpy of as many "
        "bytes\n(GB/s read + written, as STREAM counts a copy):\n\n| H | packed weights | "
        "ours GB/s | memcpy GB/s | ours / memcpy | OpenBLAS GB/s |\n|---|---|---|---|---|---|\n");
    for (int h = 0; h < NH; h++) {
        const double ob = (double)wbytes[h] / ours[h][0], bb = (double)wbytes[h] / blas[h][0];
        printf("| %d | %.1f MiB | %.1f | %.1f | %.2f | %.1f |\n", Hs[h],
               (double)wbytes[h] / (1 << 20), ob * 1e-9, copy_gbs[h] * 1e-9, ob / copy_gbs[h],
               bb * 1e-9);
    }
    if (json) {
        FILE *f = fopen(json, "w");
        if (!f) {
            perror(json);
            return 1;
        }
        fprintf(f,
                "{\"cpu\": \"%s\", \"flags\": \"%s\", \"kernels\": \"%s\", \"openblas_core\": "
                "\"%s\", \"fma_peak_gflops\": %.2f, \"shapes\": [",
                model, have + (have[0] == ' '), ks->name, openblas_get_corename(), peak * 1e-9);
        for (int h = 0; h < NH; h++)
            for (int m = 0; m < NM; m++) {
                const double fl = 2.0 * Ms[m] * 4.0 * Hs[h] * Hs[h];
                fprintf(f,
                        "%s\n  {\"M\": %d, \"H\": %d, \"ours_gflops\": %.2f, "
                        "\"openblas_gflops\": %.2f, \"weights_bytes\": %zu, "
                        "\"copy_gbs\": %.2f}",
                        h + m ? "," : "", Ms[m], Hs[h], fl / ours[h][m] * 1e-9,
                        fl / blas[h][m] * 1e-9, wbytes[h], copy_gbs[h] * 1e-9);
            }
        fprintf(f, "\n]}\n");
        fclose(f);
    }
    return 0;
}
