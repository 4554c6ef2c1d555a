/*
** op_conv_int.c — ConvInteger 10 and QLinearConv 10: Conv's geometry (spatial.c: kernel_shape,
** strides, dilations, pads, auto_pad; group) over int8 / uint8 x and w in any combination.
** ConvInteger: y = sum (x - x_zero_point) (w - w_zero_point) as int32 (sums wrap modulo 2^32);
** x_zero_point one value, w_zero_point one value or one per output channel [M]; both optional.
** QLinearConv: x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, and an
** optional int32 bias B [M]; w_scale / w_zero_point one value or [M], the others one value. y's
** type is y_zero_point's. onnxruntime's arithmetic: the int32 sum plus B, times the multiplier
** x_scale * w_scale / y_scale (float32), clamped, rounded half to even, plus y_zero_point.
** Padding contributes nothing (padded x equals its zero point).
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"
#include "simd/simd.h"

#include <limits.h>
#include <string.h>

int lstm__conv_int_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                         lstm__diag *d)
{
    return lstm__conv_parse_io(g, n, since, params, 2, 4, d);
}

int lstm__qlinear_conv_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                             lstm__diag *d)
{
    return lstm__conv_parse_io(g, n, since, params, 8, 9, d);
}

static const lstm__rt *opt_in(const lstm__kctx *k, int idx)
{
    return idx < k->n->n_in ? k->in[idx] : NULL;
}

/* Input idx holds one value, or (per_m > 0) one per output channel [per_m]. */
static int check_count(lstm__kctx *k, int idx, const char *what, int64_t per_m)
{
    const lstm__rt *t = k->in[idx];
    char b[96];
    if ((t->nelem == 1 && t->rank <= 1) || (per_m > 0 && t->rank == 1 && t->dims[0] == per_m))
        return LSTM_OK;
    if (per_m > 0)
        return lstm__errf(
            k->d, LSTM_EINVAL,
            "%s: %s has shape %s, expected one value or one per output channel [%lld]",
            lstm__klabel(k), what, lstm__dims_str(b, sizeof b, t->rank, t->dims), (long long)per_m);
    return lstm__errf(k->d, LSTM_EINVAL, "%s: %s has shape %s, expected one value", lstm__klabel(k),
                      what, lstm__dims_str(b, sizeof b, t->rank, t->dims));
}

static int check_f32(lstm__kctx *k, int idx, const char *what)
{
    int t = k->in[idx]->dtype;
    if (t == LSTM_DT_FLOAT) return LSTM_OK;
    return lstm__errf(k->d, LSTM_EINVAL, "%s: %s is %s, expected float32", lstm__klabel(k), what,
                      lstm__dtype_name(t));
}

static size_t align64(size_t b)
{
    return (b + 63) & ~(size_t)63;
}

/* X [N, C, D...] (input xi), W [M, C / group, k...] (input wi): channels, geometry, scratch and
** the output (of type ydt). */
static int shapes(lstm__kctx *k, int xi, int wi, int ydt, lstm__convq_state *st)
{
    const lstm__conv_params *p = k->params;
    const lstm__rt *X = k->in[xi], *W = k->in[wi];
    int64_t kernel[LSTM__SP_MAX];
    if (lstm__conv_geometry(k, X, W, NULL, p->group, 0, &st->N, &st->C, &st->M, &st->Cg, &st->Mg,
                            kernel))
        return k->d->code;
    const int sp = X->rank - 2;
    st->G = p->group;
    if (lstm__win_forward(k, &p->w, sp, X->dims + 2, kernel, &st->w)) return k->d->code;
    st->K = st->Cg * st->w.kk;
    if (st->K > INT_MAX || st->w.pix_out > INT_MAX || st->M > INT_MAX)
        return lstm__errf(k->d, LSTM_ELIMIT,
                          "%s: the convolution exceeds what one product can take", lstm__klabel(k));
    int64_t dims[LSTM__MAX_RANK] = {st->N, st->M};
    for (int i = 0; i < sp; i++) dims[2 + i] = st->w.out[i];
    int rc = lstm__rt_set(k, k->out[0], ydt, X->rank, dims);
    if (rc || !k->out[0]->nelem) return rc; /* (an empty output needs no scratch) */
    size_t K = (size_t)st->K, P = (size_t)st->w.pix_out, M = (size_t)st->M, kp;
    if (!lstm__mul_size(K, P, &kp) || kp > ((size_t)1 << 40))
        return lstm__errf(k->d, LSTM_ELIMIT, "%s: the unfolded input (%zu x %zu) is too large",
                          lstm__klabel(k), K, P);
    st->w_off = 0;
    st->col_off = align64(M * K * sizeof(int16_t));
    st->acc_off = st->col_off + align64(lstm__pack_i16_count((int)K, (int)P) * sizeof(int16_t));
    st->rows_off = st->acc_off + align64((size_t)st->Mg * P * sizeof(uint32_t));
    st->mult_off = st->rows_off + align64(2 * P * sizeof(int16_t));
    k->scratch_size = st->mult_off + M * (sizeof(float) + sizeof(int32_t));
    return LSTM_OK;
}

int lstm__conv_int_prepare(lstm__kctx *k)
{
    lstm__convq_state *st = k->state;
    memset(st, 0, sizeof *st);
    if (lstm__qlin_input(k, 0, "x", -1, NULL) || lstm__qlin_input(k, 1, "w", -1, NULL) ||
        (opt_in(k, 2) && lstm__qlin_input(k, 2, "x_zero_point", 0, "x")) ||
        (opt_in(k, 3) && lstm__qlin_input(k, 3, "w_zero_point", 1, "w")) ||
        shapes(k, 0, 1, LSTM_DT_INT32, st) ||
        (opt_in(k, 2) && check_count(k, 2, "x_zero_point", 0)) ||
        (opt_in(k, 3) && check_count(k, 3, "w_zero_point", st->M)))
        return k->d->code;
    return LSTM_OK;
}

int lstm__qlinear_conv_prepare(lstm__kctx *k)
{
    lstm__convq_state *st = k->state;
    const lstm__rt *B = opt_in(k, 8);
    char b1[96];
    memset(st, 0, sizeof *st);
    if (lstm__qlin_input(k, 0, "x", -1, NULL) || lstm__qlin_input(k, 3, "w", -1, NULL) ||
        lstm__qlin_input(k, 2, "x_zero_point", 0, "x") ||
        lstm__qlin_input(k, 5, "w_zero_point", 3, "w") ||
        lstm__qlin_input(k, 7, "y_zero_point", -1, NULL) || check_f32(k, 1, "x_scale") ||
        check_f32(k, 4, "w_scale") || check_f32(k, 6, "y_scale") ||
        shapes(k, 0, 3, k->in[7]->dtype, st) || check_count(k, 1, "x_scale", 0) ||
        check_count(k, 2, "x_zero_point", 0) || check_count(k, 4, "w_scale", st->M) ||
        check_count(k, 5, "w_zero_point", st->M) || check_count(k, 6, "y_scale", 0) ||
        check_count(k, 7, "y_zero_point", 0))
        return k->d->code;
    if (B && (B->dtype != LSTM_DT_INT32 || B->rank != 1 || B->dims[0] != st->M))
        return lstm__errf(k->d, LSTM_EINVAL, "%s: B is %s %s, expected int32 [%lld]",
                          lstm__klabel(k), lstm__dtype_name(B->dtype),
                          lstm__dims_str(b1, sizeof b1, B->rank, B->dims), (long long)st->M);
    return LSTM_OK;
}

static int32_t q_at(const lstm__rt *t, size_t i)
{
    return t->dtype == LSTM_DT_INT8 ? ((const int8_t *)t->data)[i] : ((const uint8_t *)t->data)[i];
}

/* w less its zero point(s) (wz: NULL, one value or one per output channel) as int16 [M, K]. */
static void weights(const lstm__rt *W, const lstm__rt *wz, int64_t M, int64_t K, int16_t *out)
{
    for (int64_t m = 0; m < M; m++) {
        int32_t z = !wz ? 0 : q_at(wz, wz->nelem == 1 ? 0 : (size_t)m);
        for (int64_t q = 0; q < K; q++)
            out[m * K + q] = (int16_t)(q_at(W, (size_t)(m * K + q)) - z);
    }
}

/* Row kr of the unfolded input (tap kr % kernel of channel kr / kernel of the Cg channels from
** element off, at every output pixel), less the zero point xz, into dst [P]; taps in the padding
** are 0. Along the last spatial axis a row of taps is a strided run of the input: its range
** inside the input is found once per row. */
static void unfold_row(const lstm__rt *X, size_t off, const lstm__win *w, int32_t xz, int64_t kr,
                       int16_t *dst)
{
    const int L = w->sp - 1, isa = lstm__isa(), sgn = X->dtype == LSTM_DT_INT8;
    const int64_t P = w->pix_out, OL = w->out[L], IL = w->in[L], sL = w->s[L];
    const int64_t c = kr / w->kk, t = kr % w->kk;
    const uint8_t *plane = (const uint8_t *)X->data + off + (size_t)(c * w->pix_in);
    int64_t kc[LSTM__SP_MAX], o[LSTM__SP_MAX] = {0}, r = t;
    for (int i = L; i >= 0; i--) kc[i] = r % w->k[i], r /= w->k[i];
    const int64_t shift = kc[L] * w->d[L] - w->pb[L]; /* ic = j sL + shift */
    /* Output columns j0 .. j1-1 read inside the input. */
    int64_t j0 = shift >= 0 ? 0 : (-shift + sL - 1) / sL, j1 = OL;
    if (IL - 1 - shift < 0)
        j1 = 0;
    else if ((IL - 1 - shift) / sL + 1 < OL)
        j1 = (IL - 1 - shift) / sL + 1;
    if (j0 > j1) j0 = j1;
    for (int64_t p0 = 0; p0 < P; p0 += OL) {
        int64_t idx = 0;
        int in = j0 < j1;
        for (int i = 0; i < L && in; i++) {
            int64_t ic = o[i] * w->s[i] - w->pb[i] + kc[i] * w->d[i];
            in = ic >= 0 && ic < w->in[i];
            idx = idx * w->in[i] + ic;
        }
        int16_t *d = dst + p0;
        if (!in) {
            memset(d, 0, (size_t)OL * sizeof *d);
        } else {
            const uint8_t *src = plane + (size_t)(idx * IL + shift + j0 * sL);
            memset(d, 0, (size_t)j0 * sizeof *d);
            if (sL == 1)
                lstm__widen8(isa, src, (size_t)(j1 - j0), sgn, xz, d + j0);
            else
                for (int64_t j = 0; j < j1 - j0; j++)
                    d[j0 + j] = (int16_t)((sgn ? (int32_t)(int8_t)src[j * sL] : src[j * sL]) - xz);
            memset(d + j1, 0, (size_t)(OL - j1) * sizeof *d);
        }
        for (int i = L - 1; i >= 0; i--) {
            if (++o[i] < w->out[i]) break;
            o[i] = 0;
        }
    }
}

/* The windows of Cg channels of x from element off, less the zero point xz: the int16 matrix
** [Cg x kernel, output pixels] packed for lstm__mm_i16 (simd.h) into col, two rows at a time
** through rows [2 x P]. */
static void im2col(const lstm__rt *X, size_t off, int64_t Cg, const lstm__win *w, int32_t xz,
                   int16_t *rows, int16_t *col)
{
    const int64_t K = Cg * w->kk, P = w->pix_out;
    const size_t panel = (size_t)(K + 1) / 2 * 2 * LSTM__I16_NR;
    for (int64_t kr = 0; kr < K; kr += 2) {
        const int n = K - kr < 2 ? 1 : 2;
        for (int i = 0; i < n; i++) unfold_row(X, off, w, xz, kr + i, rows + i * P);
        lstm__pack_i16_isa(lstm__isa(), col + kr / 2 * 2 * LSTM__I16_NR, panel, rows, (size_t)P, n,
                           (int)P);
    }
}

/* Every (image, group) product into rows of Mg x P (y: NULL: the accumulator, requantized by
** done(k, n, g)). */
static void run_groups(lstm__kctx *k, int xi, int wi, int xzi, int wzi, uint32_t *y,
                       void (*done)(lstm__kctx *, int64_t, int64_t, uint32_t *))
{
    const lstm__convq_state *st = k->state;
    const lstm__rt *X = k->in[xi], *xz = opt_in(k, xzi), *wz = opt_in(k, wzi);
    char *s = k->scratch;
    int16_t *w16 = (int16_t *)(s + st->w_off), *col = (int16_t *)(s + st->col_off);
    uint32_t *acc = (uint32_t *)(s + st->acc_off);
    const int64_t P = st->w.pix_out;
    int32_t xzv = xz ? q_at(xz, 0) : 0;
    weights(k->in[wi], wz, st->M, st->K, w16);
    for (int64_t n = 0; n < st->N; n++)
        for (int64_t g = 0; g < st->G; g++) {
            im2col(X, (size_t)((n * st->C + g * st->Cg) * st->w.pix_in), st->Cg, &st->w, xzv,
                   (int16_t *)(s + st->rows_off), col);
            uint32_t *out = y ? y + (n * st->M + g * st->Mg) * P : acc;
            lstm__mm_i16(lstm__isa(), (int)st->Mg, (int)P, (int)st->K, w16 + g * st->Mg * st->K,
                         (int)st->K, col, out, (int)P);
            if (!y) done(k, n, g, acc);
        }
}

int lstm__conv_int_run(lstm__kctx *k)
{
    if (!k->out[0]->nelem) return LSTM_OK;
    run_groups(k, 0, 1, 2, 3, (uint32_t *)k->out[0]->data, NULL);
    return LSTM_OK;
}

/* Group g of image n: bias, requantization into y. */
static void qconv_done(lstm__kctx *k, int64_t n, int64_t g, uint32_t *acc)
{
    const lstm__convq_state *st = k->state;
    const lstm__rt *B = opt_in(k, 8);
    lstm__rt *Y = k->out[0];
    const float *mult = (const float *)((char *)k->scratch + st->mult_off);
    const int64_t P = st->w.pix_out;
    int32_t yz = q_at(k->in[7], 0);
    for (int64_t mm = 0; mm < st->Mg; mm++) {
        int64_t m = g * st->Mg + mm;
        uint32_t *row = acc + mm * P;
        if (B) {
            uint32_t bv = (uint32_t)((const int32_t *)B->data)[m];
            for (int64_t p = 0; p < P; p++) row[p] += bv;
        }
        lstm__qlin_requant(row, (size_t)P, mult + m, 0, Y->dtype, yz,
                           (char *)Y->data + (size_t)((n * st->M + m) * P));
    }
}

int lstm__qlinear_conv_run(lstm__kctx *k)
{
    const lstm__convq_state *st = k->state;
    if (!k->out[0]->nelem) return LSTM_OK;
    float *mult = (float *)((char *)k->scratch + st->mult_off);
    const float xs = ((const float *)k->in[1]->data)[0], ys = ((const float *)k->in[6]->data)[0];
    const float *ws = k->in[4]->data;
    for (int64_t m = 0; m < st->M; m++) mult[m] = xs * ws[k->in[4]->nelem == 1 ? 0 : m] / ys;
    run_groups(k, 0, 3, 2, 5, NULL, qconv_done);
    return LSTM_OK;
}
