/*
** op_convt.c — ConvTranspose (1, 11, 22: the same semantics; version 1's text splits an odd
** output_shape padding the other way, a slip 11 corrected, onnx/onnx#1609). Output size per axis:
** stride * (in - 1) + output_padding + dilation * (kernel - 1) + 1 - pad_begin - pad_end;
** output_shape (spatial, or N, C and spatial) fixes it instead and the padding follows, as
** auto_pad SAME_UPPER / SAME_LOWER do with an output of in * stride.
** float32: per batch item and group one GEMM (W_g' X_g, OpenBLAS) gives every kernel tap's
** contribution of every input pixel, then col2im adds them into Y (which starts as the bias).
** float16, bfloat16, float64: direct scatter accumulated in double.
*/
#include "blas.h"
#include "ops/conv.h"
#include "ops/ops.h"
#include "dtype.h"

#include <limits.h>
#include <string.h>

int lstm__convt_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                      lstm__diag *d)
{
    lstm__conv_params *p = params;
    static const char *const names[] = {"auto_pad",     "dilations",    "group",
                                        "kernel_shape", "output_shape", "output_padding",
                                        "pads",         "strides",      NULL};
    char b[LSTM__LABEL_MAX];
    memset(p, 0, sizeof *p);
    if (lstm__arity(g, n, 2, 3, 1, 1, d) || lstm__attrs_allowed(g, n, since, names, d) ||
        lstm__win_parse(g, n, LSTM__WIN_DILATIONS, &p->w, d) ||
        lstm__attr_int(g, n, "group", 1, &p->group, d) ||
        lstm__attr_ints(g, n, "output_padding", p->output_padding, LSTM__SP_MAX, &p->nop, d) ||
        lstm__attr_ints(g, n, "output_shape", p->output_shape, LSTM__MAX_RANK, &p->nos, d))
        return d->code;
    if (p->group < 1 || p->group > INT_MAX)
        return lstm__errf(d, LSTM_EMODEL, "%s: group %lld must be positive",
                          lstm__node_ctx(g, n, b, sizeof b), (long long)p->group);
    for (int i = 0; i < p->nop; i++)
        if (p->output_padding[i] < 0 || p->output_padding[i] > ((int64_t)1 << 31))
            return lstm__errf(d, LSTM_EMODEL, "%s: output_padding %lld is out of range",
                              lstm__node_ctx(g, n, b, sizeof b), (long long)p->output_padding[i]);
    for (int i = 0; i < p->nos; i++)
        if (p->output_shape[i] < 1 || p->output_shape[i] > ((int64_t)1 << 40))
            return lstm__errf(d, LSTM_EMODEL, "%s: output_shape %lld is out of range",
                              lstm__node_ctx(g, n, b, sizeof b), (long long)p->output_shape[i]);
    return LSTM_OK;
}

int lstm__convt_prepare(lstm__kctx *k)
{
    const lstm__conv_params *p = k->params;
    lstm__convt_state *st = k->state;
    const lstm__rt *X = k->in[0];
    int64_t kernel[LSTM__SP_MAX];
    memset(st, 0, sizeof *st);
    if (lstm__conv_shapes(k, p->group, 1, &st->N, &st->C, &st->M, &st->Cg, &st->Mg, kernel))
        return k->d->code;
    int sp = X->rank - 2;
    if (lstm__win_counts(k, &p->w, sp)) return k->d->code;
    st->G = p->group;
    if (p->nop >= 0 && p->nop != sp)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: attribute 'output_padding' has %d values for %d spatial axes",
                          lstm__klabel(k), p->nop, sp);
    if (p->nos >= 0 && p->nos != sp && p->nos != sp + 2)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: attribute 'output_shape' has %d values, expected %d (spatial) or "
                          "%d",
                          lstm__klabel(k), p->nos, sp, sp + 2);
    lstm__win *w = &st->w;
    w->sp = sp;
    w->pix_in = w->pix_out = w->kk = 1;
    for (int i = 0; i < sp; i++) {
        int64_t x = X->dims[2 + i], kn = kernel[i], s = p->w.ns >= 0 ? p->w.strides[i] : 1,
                dl = p->w.nd >= 0 ? p->w.dilations[i] : 1,
                op = p->nop >= 0 ? p->output_padding[i] : 0;
        if (kn < 1 || kn > ((int64_t)1 << 31) || x > ((int64_t)1 << 40))
            return lstm__errf(k->d, LSTM_EINVAL, "%s: kernel size %lld on spatial axis %d",
                              lstm__klabel(k), (long long)kn, i);
        int64_t full = s * (x - 1) + op + dl * (kn - 1) + 1, pb = 0, pe = 0, out;
        int same =
            p->w.auto_pad == LSTM__AUTOPAD_SAME_UPPER || p->w.auto_pad == LSTM__AUTOPAD_SAME_LOWER;
        if (p->nos >= 0 || same) {
            out = p->nos >= 0 ? p->output_shape[p->nos - sp + i] : x * s;
            int64_t total = full - out;
            if (total < 0) total = 0; /* a larger output: its tail holds the bias */
            pb = p->w.auto_pad == LSTM__AUTOPAD_SAME_UPPER ? total / 2 : total - total / 2;
            pe = total - pb;
        } else {
            if (p->w.auto_pad == LSTM__AUTOPAD_NOTSET && p->w.np >= 0) {
                pb = p->w.pads[i];
                pe = p->w.pads[sp + i];
            }
            out = full - pb - pe;
        }
        if (x < 1 || out < 1)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: spatial axis %d of %lld elements gives an output of %lld",
                              lstm__klabel(k), i, (long long)x, (long long)out);
        w->in[i] = x;
        w->out[i] = out;
        w->k[i] = kn;
        w->s[i] = s;
        w->d[i] = dl;
        w->pb[i] = pb;
        w->pe[i] = pe;
        w->pix_in *= x;
        w->pix_out *= out;
        w->kk *= kn;
        if (w->pix_in > INT_MAX || w->pix_out > ((int64_t)1 << 40) || w->kk > INT_MAX)
            return lstm__errf(k->d, LSTM_ELIMIT, "%s: window sizes exceed what this runtime takes",
                              lstm__klabel(k));
    }
    st->kk = w->kk;
    int64_t dims[LSTM__MAX_RANK] = {st->N, st->M};
    for (int i = 0; i < sp; i++) dims[2 + i] = w->out[i];
    if (lstm__rt_set(k, k->out[0], X->dtype, X->rank, dims)) return k->d->code;
    st->gemm = X->dtype == LSTM_DT_FLOAT;
    size_t bytes;
    if (st->gemm) {
        if (st->Mg * st->kk > INT_MAX)
            return lstm__errf(k->d, LSTM_ELIMIT, "%s: the kernel exceeds what one GEMM can take",
                              lstm__klabel(k));
        if (!lstm__mul_size((size_t)(st->Mg * st->kk), (size_t)w->pix_in * sizeof(float), &bytes))
            return lstm__errf(k->d, LSTM_ELIMIT, "%s: scratch size overflows", lstm__klabel(k));
    } else if (!lstm__mul_size(k->out[0]->nelem, sizeof(double), &bytes)) {
        return lstm__errf(k->d, LSTM_ELIMIT, "%s: scratch size overflows", lstm__klabel(k));
    }
    k->scratch_size = bytes;
    return LSTM_OK;
}

/* Visit every (input pixel, kernel tap) pair that lands inside the output, innermost axis in
** runs: fn gets the flat input index, the tap index and the flat output index. */
typedef struct scatter {
    const lstm__win *w;
    int64_t ostr[LSTM__SP_MAX];
} scatter;

static void scatter_init(scatter *sc, const lstm__win *w)
{
    sc->w = w;
    int64_t s = 1;
    for (int a = w->sp - 1; a >= 0; a--) sc->ostr[a] = s, s *= w->out[a];
}

/* For tap q (multi-index) and every input pixel: out[o] += src[p] (float or double). */
static void add_tap_f(const scatter *sc, const int64_t *q, const float *src, float *out)
{
    const lstm__win *w = sc->w;
    int sp = w->sp, L = sp - 1;
    int64_t i[LSTM__SP_MAX] = {0};
    int64_t rows = w->pix_in / w->in[L];
    int64_t offL = q[L] * w->d[L] - w->pb[L], sL = w->s[L];
    /* Input positions along the last axis that land inside the output. */
    int64_t lo = offL >= 0 ? 0 : (-offL + sL - 1) / sL;
    int64_t hi = w->out[L] - 1 - offL < 0 ? 0 : (w->out[L] - 1 - offL) / sL + 1;
    if (hi > w->in[L]) hi = w->in[L];
    for (int64_t r = 0; r < rows; r++) {
        int64_t base = 0;
        int in = 1;
        for (int a = 0; a < L && in; a++) {
            int64_t o = i[a] * w->s[a] + q[a] * w->d[a] - w->pb[a];
            in = o >= 0 && o < w->out[a];
            base += o * sc->ostr[a];
        }
        if (in) {
            const float *s = src + r * w->in[L];
            for (int64_t x = lo; x < hi; x++) out[base + x * sL + offL] += s[x];
        }
        for (int a = L - 1; a >= 0; a--) {
            if (++i[a] < w->in[a]) break;
            i[a] = 0;
        }
    }
}

static void run_gemm(lstm__kctx *k, const lstm__convt_state *st)
{
    const float *X = k->in[0]->data, *W = k->in[1]->data;
    const float *B = k->n->n_in > 2 && k->in[2] ? k->in[2]->data : NULL;
    float *Y = k->out[0]->data, *col = k->scratch;
    const lstm__win *w = &st->w;
    scatter sc;
    scatter_init(&sc, w);
    const int64_t pin = w->pix_in, pout = w->pix_out, MK = st->Mg * st->kk;
    for (int64_t n = 0; n < st->N; n++) {
        for (int64_t m = 0; m < st->M; m++) {
            float *y = Y + (n * st->M + m) * pout, b = B ? B[m] : 0.0f;
            for (int64_t i = 0; i < pout; i++) y[i] = b;
        }
        for (int64_t g = 0; g < st->G; g++) {
            /* col [Mg*kk, pin] = W_g' [Mg*kk, Cg] x X_g [Cg, pin] */
            lstm__sgemm(1, 0, (int)MK, (int)pin, (int)st->Cg, 1.0f, W + g * st->Cg * MK, (int)MK,
                        X + (n * st->C + g * st->Cg) * pin, (int)pin, 0.0f, col, (int)pin);
            for (int64_t m = 0; m < st->Mg; m++) {
                float *y = Y + (n * st->M + g * st->Mg + m) * pout;
                int64_t q[LSTM__SP_MAX] = {0};
                for (int64_t t = 0; t < st->kk; t++) {
                    add_tap_f(&sc, q, col + (m * st->kk + t) * pin, y);
                    for (int a = w->sp - 1; a >= 0; a--) {
                        if (++q[a] < w->k[a]) break;
                        q[a] = 0;
                    }
                }
            }
        }
    }
}

static void run_ref(lstm__kctx *k, const lstm__convt_state *st)
{
    const lstm__rt *X = k->in[0], *W = k->in[1], *B = k->n->n_in > 2 ? k->in[2] : NULL;
    lstm__rt *Y = k->out[0];
    double *acc = k->scratch;
    const lstm__win *w = &st->w;
    int sp = w->sp;
    int64_t ostr[LSTM__SP_MAX], s = 1;
    for (int a = sp - 1; a >= 0; a--) ostr[a] = s, s *= w->out[a];
    for (int64_t n = 0; n < st->N; n++)
        for (int64_t m = 0; m < st->M; m++) {
            double *y = acc + (n * st->M + m) * w->pix_out, b = B ? lstm__get_f(B, (size_t)m) : 0;
            for (int64_t i = 0; i < w->pix_out; i++) y[i] = b;
        }
    for (int64_t n = 0; n < st->N; n++)
        for (int64_t c = 0; c < st->C; c++) {
            int64_t g = c / st->Cg, i[LSTM__SP_MAX] = {0};
            for (int64_t p = 0; p < w->pix_in; p++) {
                double xv = lstm__get_f(X, (size_t)((n * st->C + c) * w->pix_in + p));
                int64_t q[LSTM__SP_MAX] = {0};
                for (int64_t t = 0; t < st->kk; t++) {
                    int64_t off = 0;
                    int in = 1;
                    for (int a = 0; a < sp && in; a++) {
                        int64_t o = i[a] * w->s[a] + q[a] * w->d[a] - w->pb[a];
                        in = o >= 0 && o < w->out[a];
                        off += o * ostr[a];
                    }
                    for (int64_t m = 0; in && m < st->Mg; m++)
                        acc[(n * st->M + g * st->Mg + m) * w->pix_out + off] +=
                            xv * lstm__get_f(W, (size_t)((c * st->Mg + m) * st->kk + t));
                    for (int a = sp - 1; a >= 0; a--) {
                        if (++q[a] < w->k[a]) break;
                        q[a] = 0;
                    }
                }
                for (int a = sp - 1; a >= 0; a--) {
                    if (++i[a] < w->in[a]) break;
                    i[a] = 0;
                }
            }
        }
    for (size_t e = 0; e < Y->nelem; e++) lstm__put_f(Y, e, acc[e]);
}

int lstm__convt_run(lstm__kctx *k)
{
    const lstm__convt_state *st = k->state;
    if (k->out[0]->nelem == 0) return LSTM_OK;
    if (st->gemm)
        run_gemm(k, st);
    else
        run_ref(k, st);
    return LSTM_OK;
}
