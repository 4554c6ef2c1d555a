/* blas.h — the one BLAS shim (OpenBLAS cblas underneath). Row-major, C = alpha*op(A)op(B)+beta*C.
** Callers guarantee every dimension and leading dimension fits in int and is consistent, so
** OpenBLAS's xerbla (which prints) can never fire.
** OpenBLAS runs single-threaded: its own pool spins (up to ~0.1 s after each job) against the
** session's helpers and would make runs depend on it; lstm__sgemm_mt splits a large product
** over the session's threads instead, each part one single-threaded OpenBLAS call. */
#ifndef LSTM_BLAS_H
#define LSTM_BLAS_H

struct lstm__workers;

void lstm__sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a,
                 int lda, const float *b, int ldb, float beta, float *c, int ldc);
/* C = op(A)op(B) in double (alpha 1, beta 0). */
void lstm__dgemm(int trans_a, int trans_b, int m, int n, int k, const double *a, int lda,
                 const double *b, int ldb, double *c, int ldc);
/* The same, split by rows or columns of C over w's threads when m*n*k >= LSTM__BLAS_SPLIT
** (w may be NULL). Every element is computed as lstm__sgemm computes it alone. */
void lstm__sgemm_mt(struct lstm__workers *w, int trans_a, int trans_b, int m, int n, int k,
                    float alpha, const float *a, int lda, const float *b, int ldb, float beta,
                    float *c, int ldc);
#define LSTM__BLAS_SPLIT 2e6

/* OpenBLAS's thread count (process-wide), and setting it to 1 and stopping OpenBLAS's idle
** thread pool (opening a model does; blas.c). */
int lstm__blas_threads(void);
void lstm__blas_single(void);

#endif
