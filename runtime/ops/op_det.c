/*
** op_det.c — Det (11; 22 adds bfloat16): the determinant of each matrix of X [*, M, M], Y [*].
** LU factorization with partial pivoting in double for every type, rounded once to the output
** type; a zero pivot column gives 0 (NaN still propagates); M = 0 gives 1.
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"

#include <math.h>
#include <string.h>

int lstm__det_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                    lstm__diag *d)
{
    static const char *const none[] = {NULL};
    (void)params;
    return lstm__arity(g, n, 1, 1, 1, 1, d) || lstm__attrs_allowed(g, n, since, none, d);
}

int lstm__det_prepare(lstm__kctx *k)
{
    const lstm__rt *x = k->in[0];
    char sb[64];
    int dt = x->dtype;
    if (!(dt == LSTM_DT_FLOAT || dt == LSTM_DT_DOUBLE || dt == LSTM_DT_FLOAT16 ||
          (dt == LSTM_DT_BFLOAT16 && k->since >= 22)))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED,
                          "%s: X is %s, expected float16, float32 or float64 (bfloat16 from opset "
                          "22)",
                          lstm__klabel(k), lstm__dtype_name(dt));
    if (x->rank < 2 || x->dims[x->rank - 1] != x->dims[x->rank - 2])
        return lstm__errf(k->d, LSTM_EINVAL, "%s: X is %s, expected [*, M, M]", lstm__klabel(k),
                          lstm__dims_str(sb, sizeof sb, x->rank, x->dims));
    int64_t M = x->dims[x->rank - 1];
    if (M > 46340)
        return lstm__errf(k->d, LSTM_ELIMIT, "%s: matrices of %lld x %lld are too large",
                          lstm__klabel(k), (long long)M, (long long)M);
    /* One matrix at a time; none when the batch is empty (M may then be any size). */
    k->scratch_size = lstm__dims_count(x->rank - 2, x->dims) ? (size_t)(M * M) * sizeof(double) : 0;
    return lstm__rt_set(k, k->out[0], dt, x->rank - 2, x->dims);
}

/* The determinant of the M x M matrix a (row-major), destroyed. */
static double det_lu(double *a, int64_t M)
{
    double det = 1;
    for (int64_t c = 0; c < M; c++) {
        int64_t piv = c;
        double best = fabs(a[c * M + c]);
        for (int64_t r = c + 1; r < M; r++)
            if (fabs(a[r * M + c]) > best) best = fabs(a[r * M + c]), piv = r;
        if (piv != c) {
            for (int64_t j = 0; j < M; j++) {
                double t = a[c * M + j];
                a[c * M + j] = a[piv * M + j];
                a[piv * M + j] = t;
            }
            det = -det;
        }
        double pv = a[c * M + c];
        det *= pv;
        if (pv == 0) continue; /* singular: det is 0 (or NaN from a later pivot) */
        for (int64_t r = c + 1; r < M; r++) {
            double f = a[r * M + c] / pv;
            if (f == 0) continue;
            for (int64_t j = c + 1; j < M; j++) a[r * M + j] -= f * a[c * M + j];
        }
    }
    return det;
}

int lstm__det_run(lstm__kctx *k)
{
    const lstm__rt *x = k->in[0];
    lstm__rt *y = k->out[0];
    int64_t M = x->dims[x->rank - 1];
    size_t mm = (size_t)(M * M);
    double *a = k->scratch;
    for (size_t b = 0; b < y->nelem; b++) {
        if (x->dtype == LSTM_DT_FLOAT)
            for (size_t i = 0; i < mm; i++) a[i] = ((const float *)x->data)[b * mm + i];
        else
            for (size_t i = 0; i < mm; i++) a[i] = lstm__get_f(x, b * mm + i);
        lstm__put_f(y, b, det_lu(a, M));
    }
    return LSTM_OK;
}
