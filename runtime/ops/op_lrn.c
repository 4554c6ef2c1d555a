/*
** op_lrn.c — LRN (1; 13 adds bfloat16), local response normalization across channels (axis 1 of
** X [N, C, D1, ...]): y = x / (bias + alpha / size * square_sum)^beta, square_sum over the
** channels c - floor((size - 1) / 2) .. c + ceil((size - 1) / 2) that exist. An even size
** takes one channel more after c than before it (onnxruntime's window: size channels from
** c - (size - 1) / 2, the same set). Sums and powers in double, rounded once into the output.
*/
#include "ops/ops.h"
#include "ops/pool_more.h"
#include "dtype.h"

#include <math.h>
#include <string.h>

static int parse(const lstm__graph *g, const lstm__node *n, int since, void *params, int unused,
                 lstm__diag *d)
{
    lstm__lrn_params *p = params;
    char b[LSTM__LABEL_MAX];
    static const char *const names[] = {"alpha", "beta", "bias", "size", NULL};
    (void)unused;
    memset(p, 0, sizeof *p);
    if (lstm__arity(g, n, 1, 1, 1, 1, d) || lstm__attrs_allowed(g, n, since, names, d) ||
        lstm__attr_float(g, n, "alpha", 0.0001f, &p->alpha, d) ||
        lstm__attr_float(g, n, "beta", 0.75f, &p->beta, d) ||
        lstm__attr_float(g, n, "bias", 1.0f, &p->bias, d) ||
        lstm__attr_int(g, n, "size", 0, &p->size, d))
        return d->code;
    if (!lstm__attr_find(n, "size"))
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'size' is required",
                          lstm__node_ctx(g, n, b, sizeof b));
    if (p->size < 1 || p->size > ((int64_t)1 << 31))
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'size' is %lld, expected 1 or more",
                          lstm__node_ctx(g, n, b, sizeof b), (long long)p->size);
    return LSTM_OK;
}

static int prepare(lstm__kctx *k)
{
    lstm__lrn_state *st = k->state;
    const lstm__rt *X = k->in[0];
    char s1[96];
    int t = X->dtype;
    if (t != LSTM_DT_FLOAT && t != LSTM_DT_DOUBLE && t != LSTM_DT_FLOAT16 &&
        !(t == LSTM_DT_BFLOAT16 && k->n->opset >= 13))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED,
                          "%s: unsupported type %s, expected float32, float64, float16%s",
                          lstm__klabel(k), lstm__dtype_name(t),
                          k->n->opset >= 13 ? " or bfloat16" : " (bfloat16 from opset 13)");
    if (X->rank < 2)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: X has shape %s, expected [N, C, D1, ...] (rank 2 or more)",
                          lstm__klabel(k), lstm__dims_str(s1, sizeof s1, X->rank, X->dims));
    st->N = X->dims[0];
    st->C = X->dims[1];
    st->S = 1; /* an empty X may have huge dims: its S is not used */
    for (int i = 2; X->nelem && i < X->rank; i++) st->S *= X->dims[i];
    k->scratch_size = X->nelem ? (size_t)st->S * sizeof(double) : 0;
    return lstm__rt_set(k, k->out[0], t, X->rank, X->dims);
}

static int run(lstm__kctx *k)
{
    const lstm__lrn_params *p = k->params;
    const lstm__lrn_state *st = k->state;
    const lstm__rt *X = k->in[0];
    lstm__rt *Y = k->out[0];
    if (Y->nelem == 0) return LSTM_OK;
    const int64_t C = st->C, S = st->S, before = (p->size - 1) / 2, after = p->size - 1 - before;
    const double scale = (double)p->alpha / (double)p->size, bias = p->bias, beta = p->beta;
    const int f32 = X->dtype == LSTM_DT_FLOAT;
    const float *xf = X->data;
    float *yf = Y->data;
    double *sq = k->scratch; /* square_sum of one channel, per position */
    for (int64_t n = 0; n < st->N; n++) {
        const int64_t base = n * C * S;
        for (int64_t c = 0; c < C; c++) {
            int64_t lo = c - before < 0 ? 0 : c - before,
                    hi = c + after > C - 1 ? C - 1 : c + after;
            memset(sq, 0, (size_t)S * sizeof *sq);
            for (int64_t cc = lo; cc <= hi; cc++) {
                const int64_t off = base + cc * S;
                if (f32) {
                    for (int64_t i = 0; i < S; i++) sq[i] += (double)xf[off + i] * xf[off + i];
                } else {
                    for (int64_t i = 0; i < S; i++) {
                        double v = lstm__get_f(X, (size_t)(off + i));
                        sq[i] += v * v;
                    }
                }
            }
            const int64_t off = base + c * S;
            for (int64_t i = 0; i < S; i++) {
                double x = f32 ? xf[off + i] : lstm__get_f(X, (size_t)(off + i));
                double y = x / pow(bias + scale * sq[i], beta);
                if (f32)
                    yf[off + i] = (float)y;
                else
                    lstm__put_f(Y, (size_t)(off + i), y);
            }
        }
    }
    return LSTM_OK;
}

LSTM__OP_FAMILY(lstm__lrn, 0)
