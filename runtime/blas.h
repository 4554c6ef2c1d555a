/* blas.h — the one BLAS shim (OpenBLAS cblas underneath). Row-major, C = alpha*op(A)op(B)+beta*C.
** Callers guarantee every dimension and leading dimension fits in int and is consistent, so
** OpenBLAS's xerbla (which prints) can never fire. */
#ifndef LSTM_BLAS_H
#define LSTM_BLAS_H

void lstm__sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a,
                 int lda, const float *b, int ldb, float beta, float *c, int ldc);

/* OpenBLAS's thread count: process-wide. */
int lstm__blas_threads(void);
void lstm__blas_set_threads(int n);

#endif
