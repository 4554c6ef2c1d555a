/* blas.c — lstm__sgemm over OpenBLAS; empty products are handled here (no BLAS call). */
#include "blas.h"

#include <cblas.h>
#include <string.h>

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
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
                trans_b ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

int lstm__blas_threads(void)
{
    return openblas_get_num_threads();
}
void lstm__blas_set_threads(int n)
{
    openblas_set_num_threads(n);
}
