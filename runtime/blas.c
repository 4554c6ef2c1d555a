/* blas.c — lstm__sgemm over OpenBLAS (single-threaded); empty products are handled here (no
** BLAS call); lstm__sgemm_mt shares a product out over a session's threads. */
#include "blas.h"
#include "workers.h"

#include <cblas.h>
#include <string.h>

/* OpenBLAS (pthread builds) starts its pool when it loads, and the pool's threads spin in
** sched_yield for ~0.1 s (2^28 cycles) after their start or last job, also after the count is
** set to 1: on a 2-core machine that is a core taken from the session's helpers during a short
** program's first runs. Stopping the pool ends them; OpenBLAS starts it again if a program raises
** the count. Weak: builds without a pool (serial, OpenMP) do not have the function. */
extern int blas_thread_shutdown_(void) __attribute__((weak));

void lstm__blas_single(void)
{
    if (openblas_get_num_threads() == 1) return;
    openblas_set_num_threads(1);
    if (blas_thread_shutdown_) blas_thread_shutdown_();
}

void lstm__sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a,
                 int lda, const float *b, int ldb, float beta, float *c, int ldc)
{
    if (m <= 0 || n <= 0) return;
    if (k <= 0) {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                float *e = &c[(size_t)i * (size_t)ldc + (size_t)j];
                *e = beta == 0.0f ? 0.0f : *e * beta;
            }
        return;
    }
    lstm__blas_single(); /* in case the program raised it since the model was opened */
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
                trans_b ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void lstm__dgemm(int trans_a, int trans_b, int m, int n, int k, const double *a, int lda,
                 const double *b, int ldb, double *c, int ldc)
{
    if (m <= 0 || n <= 0) return;
    if (k <= 0) {
        for (int i = 0; i < m; i++) memset(c + (size_t)i * (size_t)ldc, 0, (size_t)n * sizeof *c);
        return;
    }
    lstm__blas_single();
    cblas_dgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
                trans_b ? CblasTrans : CblasNoTrans, m, n, k, 1.0, a, lda, b, ldb, 0.0, c, ldc);
}

typedef struct job {
    int ta, tb, m, n, k, lda, ldb, ldc, by_rows;
    float alpha, beta;
    const float *a, *b;
    float *c;
} job;

/* Part p of C: a band of rows (A's rows), or of columns (B's columns) in multiples of 16. */
static void part(void *ctx, int p, int parts)
{
    const job *j = ctx;
    if (j->by_rows) {
        int r0 = (int)((long long)j->m * p / parts), r1 = (int)((long long)j->m * (p + 1) / parts);
        if (r0 >= r1) return;
        const float *a = j->ta ? j->a + r0 : j->a + (size_t)r0 * (size_t)j->lda;
        lstm__sgemm(j->ta, j->tb, r1 - r0, j->n, j->k, j->alpha, a, j->lda, j->b, j->ldb, j->beta,
                    j->c + (size_t)r0 * (size_t)j->ldc, j->ldc);
    } else {
        int blocks = (j->n + 15) / 16, b0 = blocks * p / parts, b1 = blocks * (p + 1) / parts;
        int c0 = b0 * 16, c1 = b1 * 16 < j->n ? b1 * 16 : j->n;
        if (c0 >= c1) return;
        const float *b = j->tb ? j->b + (size_t)c0 * (size_t)j->ldb : j->b + c0;
        lstm__sgemm(j->ta, j->tb, j->m, c1 - c0, j->k, j->alpha, j->a, j->lda, b, j->ldb, j->beta,
                    j->c + c0, j->ldc);
    }
}

void lstm__sgemm_mt(struct lstm__workers *w, int trans_a, int trans_b, int m, int n, int k,
                    float alpha, const float *a, int lda, const float *b, int ldb, float beta,
                    float *c, int ldc)
{
    int parts = lstm__workers_count(w);
    if (parts < 2 || (double)m * n * k < LSTM__BLAS_SPLIT || (m < 2 * parts && n < 32 * parts)) {
        lstm__sgemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    job j = {trans_a, trans_b, m, n, k, lda, ldb, ldc, m >= 8 * parts || m >= n,
             alpha,   beta,    a, b, c};
    lstm__workers_run(w, part, &j);
}

int lstm__blas_threads(void)
{
    return openblas_get_num_threads();
}
