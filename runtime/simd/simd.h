/*
** simd.h — the compute kernels behind the recurrent ops: a GEMM against pre-packed weights and
** vectorised sigmoid / tanh, each in a portable C version and AVX2 / AVX-512 versions chosen at
** run time from the CPU's features (the portable one is kept, and tested to agree).
**
** Packed layout: B (K x N, used as C = A * B) is stored as ceil(N / 32) panels, each K rows of
** 32 floats (column n of panel p is B[k][32p + n]); columns past N are zero.
*/
#ifndef LSTM_SIMD_H
#define LSTM_SIMD_H

#include <stddef.h>

#define LSTM__NR 32 /* columns per packed panel */

enum { LSTM__ISA_PORTABLE = 0, LSTM__ISA_AVX2 = 1, LSTM__ISA_AVX512 = 2 };

/* The best ISA this CPU supports (stateless: asks the CPU each time). */
int lstm__isa(void);
const char *lstm__isa_name(int isa);

/* Floats needed to pack a K x N matrix. */
size_t lstm__pack_floats(int K, int N);
/* Pack B given as W (N x K, row-major: B = W^T, the ONNX weight layout) into dst. */
void lstm__pack_wt(float *dst, const float *W, int N, int K);

/* C[M x N] (= or +=) A[M x K] * B, B packed. lda / ldc in floats. */
void lstm__gemm_packed(int isa, int M, int N, int K, const float *A, int lda, const float *Bp,
                       float *C, int ldc, int accumulate);

/* The same split by column panels over a session's threads when M*N*K reaches min_work
** (w may be NULL). A one-off product wakes sleeping helpers (~0.1 ms on these machines):
** LSTM__SPLIT_ONCE; the products of consecutive time steps find them spinning:
** LSTM__SPLIT_STEP. Measured with lstm-run --bench at 2 threads: H = 512, batch 1 goes from
** 19 to 8 ms with the step threshold; H = 32 loses 4x if its input projection is split. */
#define LSTM__SPLIT_ONCE 2e6
#define LSTM__SPLIT_STEP 2.5e5
struct lstm__workers;
void lstm__gemm_packed_mt(struct lstm__workers *w, double min_work, int isa, int M, int N, int K,
                          const float *A, int lda, const float *Bp, float *C, int ldc,
                          int accumulate);

/* In place, n elements. Max abs error against libm: 2e-7 (sigmoid), 4e-7 (tanh). */
void lstm__vsigmoid(int isa, float *x, int n);
void lstm__vtanh(int isa, float *x, int n);

/* What the fused cells below take besides one row's pre-activations. */
typedef struct lstm__cell_args {
    int H;
    const float *bias; /* [G*H], added to every pre-activation */
    const float *P;    /* LSTM peepholes [3H] (blocks i, o, f) or NULL */
    const float *rbh;  /* GRU: Rb of the h block [H] or NULL */
    float clip;        /* > 0: pre-activations clipped to [-clip, clip] (after the peepholes) */
    int coupled;       /* LSTM input_forget: f = 1 - i */
} lstm__cell_args;

/* One batch row of the LSTM cell with the default activations (sigmoid, tanh, tanh) in one
** pass: a = x + q + bias (blocks i, o, f, c of H each); i = f(a_i + P_i.c), f = f(a_f + P_f.c)
** (or 1 - i when coupled), c = f.c + i.tanh(a_c), o = f(a_o + P_o.c) with the new c,
** h = o.tanh(c). */
void lstm__lstm_cell(int isa, const lstm__cell_args *a, const float *x, const float *q, float *c,
                     float *h);

/* One batch row of the GRU cell with linear_before_reset = 1 and the default activations
** (sigmoid, tanh): a = x + q + bias (blocks z, r, h), z = f(a_z), r = f(a_r),
** h~ = g(x_h + b_h + r.(q_h + rbh)), h = (1 - z).h~ + z.h. */
void lstm__gru_cell(int isa, const lstm__cell_args *a, const float *x, const float *q, float *h);

/* The panel kernels prefetch the next panel into L2 while they work on theirs (next may be NULL):
** when the packed weights do not fit in L2 (LSTM H = 512: R is 4 MiB) every step streams them
** from L3. Each of a panel's row tiles takes its share of the lines, one line at a time spread
** over its k loop (at most one per iteration: more cost more than they save when the weights
** are in L2 anyway). Measured M = 32, N = 2048, K = 512: 150 -> 167 GFLOP/s (paired, best of
** 40); lstm-run on LSTM H = 512, B = 32: 9% less wall time. */
typedef struct lstm__pf {
    const char *p, *end; /* lines still to prefetch */
    int every, count;    /* one line every `every` iterations of the k loop */
} lstm__pf;

/* Tile t of n of a panel whose k loop runs `iters` iterations. */
static inline lstm__pf lstm__pf_share(const float *next, int K, int iters, int t, int n)
{
    lstm__pf f = {0, 0, 1, 1};
    if (!next || n < 1 || K < 1 || iters < 1) return f;
    size_t lines = (size_t)K * LSTM__NR * sizeof(float) / 64,
           per = (lines + (size_t)n - 1) / (size_t)n;
    size_t lo = per * (size_t)t, hi = lo + per < lines ? lo + per : lines;
    if (lo >= hi) return f;
    f.p = (const char *)next + lo * 64;
    f.end = (const char *)next + hi * 64;
    f.every = (size_t)iters > hi - lo ? (int)((size_t)iters / (hi - lo)) : 1;
    return f;
}

/* One iteration of the k loop. */
static inline void lstm__pf_tick(lstm__pf *f)
{
    if (f->p < f->end && --f->count <= 0) {
        __builtin_prefetch(f->p, 0, 2);
        f->p += 64;
        f->count = f->every;
    }
}

/* Per-ISA entry points (simd_avx2.c, simd_avx512.c, simd_portable.c). */
void lstm__gemm_panel_portable(int M, int K, const float *A, int lda, const float *Bp, float *C,
                               int ldc, int ncols, int accumulate, const float *next);
void lstm__gemm_panel_avx2(int M, int K, const float *A, int lda, const float *Bp, float *C,
                           int ldc, int ncols, int accumulate, const float *next);
void lstm__gemm_panel_avx512(int M, int K, const float *A, int lda, const float *Bp, float *C,
                             int ldc, int ncols, int accumulate, const float *next);
void lstm__vsigmoid_portable(float *x, int n);
/* Columns j0..H-1 only (the vector versions finish their tail with it). */
void lstm__lstm_cell_portable(const lstm__cell_args *a, int j0, const float *x, const float *q,
                              float *c, float *h);
void lstm__lstm_cell_avx2(const lstm__cell_args *a, const float *x, const float *q, float *c,
                          float *h);
void lstm__lstm_cell_avx512(const lstm__cell_args *a, const float *x, const float *q, float *c,
                            float *h);
void lstm__gru_cell_portable(const lstm__cell_args *a, int j0, const float *x, const float *q,
                             float *h);
void lstm__gru_cell_avx2(const lstm__cell_args *a, const float *x, const float *q, float *h);
void lstm__gru_cell_avx512(const lstm__cell_args *a, const float *x, const float *q, float *h);
void lstm__vtanh_portable(float *x, int n);
void lstm__vsigmoid_avx2(float *x, int n);
void lstm__vtanh_avx2(float *x, int n);
void lstm__vsigmoid_avx512(float *x, int n);
void lstm__vtanh_avx512(float *x, int n);

#endif
