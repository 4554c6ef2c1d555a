/*
** op_window.c — HannWindow, HammingWindow, BlackmanWindow and MelWeightMatrix (opset 17, the
** only versions). Their inputs are scalars read in prepare (they give the output's shape); the
** output's type is the attribute output_datatype (float by default).
** Windows: w[n] = a0 - a1 cos(2 pi n / N) + a2 cos(4 pi n / N), N = size when periodic, else
** size - 1 (a non-periodic window of size 1 divides 0 by 0: NaN, as the spec's formula and
** onnxruntime give; 0 in an integer type). Hann a = (0.5, 0.5, 0), Hamming (25/46, 21/46, 0),
** Blackman (0.42, 0.5, 0.08). Computed in double, then converted (integers truncate).
** MelWeightMatrix follows the spec's reference and onnxruntime: num_mel_bins + 2 points evenly
** spaced in mel = 2595 log10(1 + hz / 700) from lower_edge_hertz to upper_edge_hertz (step =
** range / (num_mel_bins + 2)), each mapped to bin floor((dft_length + 1) hz / sample_rate);
** filter i rises from point i to point i + 1 (a 1 there when they coincide) and falls to
** point i + 2. The edges must map to bins in [0, dft_length / 2] (as onnxruntime checks).
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"

#include <math.h>
#include <string.h>

enum { WIN_HANN, WIN_HAMMING, WIN_BLACKMAN };

static int out_type_ok(int dt)
{
    return dt == LSTM_DT_FLOAT || dt == LSTM_DT_DOUBLE || dt == LSTM_DT_FLOAT16 ||
           dt == LSTM_DT_BFLOAT16 || dt == LSTM_DT_INT8 || dt == LSTM_DT_INT16 ||
           dt == LSTM_DT_INT32 || dt == LSTM_DT_INT64 || dt == LSTM_DT_UINT8 ||
           dt == LSTM_DT_UINT16 || dt == LSTM_DT_UINT32 || dt == LSTM_DT_UINT64;
}

static int parse_dtype(const lstm__graph *g, const lstm__node *n, int *dtype, lstm__diag *d)
{
    int64_t dt;
    char b[LSTM__LABEL_MAX];
    if (lstm__attr_int(g, n, "output_datatype", LSTM_DT_FLOAT, &dt, d)) return d->code;
    if (dt < 0 || dt > 64 || !out_type_ok((int)dt))
        return lstm__errf(d, LSTM_EUNSUPPORTED,
                          "%s: attribute 'output_datatype' is %lld, expected a float or integer "
                          "type (1-7, 10-13, 16)",
                          lstm__node_ctx(g, n, b, sizeof b), (long long)dt);
    *dtype = (int)dt;
    return LSTM_OK;
}

static int parse(const lstm__graph *g, const lstm__node *n, int since, void *params, int kind,
                 lstm__diag *d)
{
    lstm__window_params *p = params;
    static const char *const names[] = {"output_datatype", "periodic", NULL};
    memset(p, 0, sizeof *p);
    p->kind = kind;
    if (lstm__arity(g, n, 1, 1, 1, 1, d) || lstm__attrs_allowed(g, n, since, names, d) ||
        lstm__attr_flag(g, n, "periodic", 1, &p->periodic, d) || parse_dtype(g, n, &p->dtype, d))
        return d->code;
    return LSTM_OK;
}

/* Scalar integer input idx (int32 / int64, one value) read in prepare. */
static int read_scalar(lstm__kctx *k, int idx, const char *what, int64_t *v)
{
    int n;
    if (!k->in[idx])
        return lstm__errf(k->d, LSTM_EINVAL, "%s: input %s is required", lstm__klabel(k), what);
    if (lstm__read_ints(k, idx, what, v, 1, &n)) return k->d->code;
    if (n != 1)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: input %s has %d values, expected one",
                          lstm__klabel(k), what, n);
    return LSTM_OK;
}

static int prepare(lstm__kctx *k)
{
    const lstm__window_params *p = k->params;
    lstm__window_state *st = k->state;
    if (read_scalar(k, 0, "size", &st->size)) return k->d->code;
    if (st->size < 1)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: input size is %lld, expected 1 or more",
                          lstm__klabel(k), (long long)st->size);
    return lstm__rt_set(k, k->out[0], p->dtype, 1, &st->size);
}

static int run(lstm__kctx *k)
{
    const lstm__window_params *p = k->params;
    const lstm__window_state *st = k->state;
    static const double a[3][3] = {
        {0.5, 0.5, 0.0}, {25.0 / 46.0, 1.0 - 25.0 / 46.0, 0.0}, {0.42, 0.5, 0.08}};
    const double *c = a[p->kind];
    lstm__rt *y = k->out[0];
    double N = (double)(p->periodic ? st->size : st->size - 1);
    for (int64_t i = 0; i < st->size; i++) {
        double x = 6.283185307179586477 * ((double)i / N);
        double w = c[0] - c[1] * cos(x) + (c[2] != 0.0 ? c[2] * cos(2.0 * x) : 0.0);
        if (p->dtype == LSTM_DT_FLOAT)
            ((float *)y->data)[i] = (float)w;
        else
            lstm__put_f(y, (size_t)i, w);
    }
    return LSTM_OK;
}

LSTM__OP_FAMILY(lstm__hann_window, WIN_HANN)
LSTM__OP_FAMILY(lstm__hamming_window, WIN_HAMMING)
LSTM__OP_FAMILY(lstm__blackman_window, WIN_BLACKMAN)

/* ---- MelWeightMatrix ---- */

int lstm__mel_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                    lstm__diag *d)
{
    lstm__mel_params *p = params;
    static const char *const names[] = {"output_datatype", NULL};
    memset(p, 0, sizeof *p);
    if (lstm__arity(g, n, 5, 5, 1, 1, d) || lstm__attrs_allowed(g, n, since, names, d) ||
        parse_dtype(g, n, &p->dtype, d))
        return d->code;
    return LSTM_OK;
}

/* Scalar float input idx read in prepare. */
static int read_hertz(lstm__kctx *k, int idx, const char *what, double *v)
{
    const lstm__rt *t = k->in[idx];
    if (!t) return lstm__errf(k->d, LSTM_EINVAL, "%s: input %s is required", lstm__klabel(k), what);
    if (lstm__need_value(k, idx, what)) return k->d->code;
    if (!lstm__is_float(t->dtype) || t->rank > 1 || t->nelem != 1)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: input %s must be one float value (%s, %zu values)", lstm__klabel(k),
                          what, lstm__dtype_name(t->dtype), t->nelem);
    *v = lstm__get_f(t, 0);
    return LSTM_OK;
}

/* Spectrogram bin of mel point i. */
static double mel_point(const lstm__mel_state *st, int64_t i)
{
    double hz = 700.0 * (pow(10.0, (st->low_mel + st->mel_step * (double)i) / 2595.0) - 1.0);
    return floor((double)(st->dft_length + 1) * hz / (double)st->sample_rate);
}

int lstm__mel_prepare(lstm__kctx *k)
{
    const lstm__mel_params *p = k->params;
    lstm__mel_state *st = k->state;
    double lo, hi;
    if (read_scalar(k, 0, "num_mel_bins", &st->bins) ||
        read_scalar(k, 1, "dft_length", &st->dft_length) ||
        read_scalar(k, 2, "sample_rate", &st->sample_rate) ||
        read_hertz(k, 3, "lower_edge_hertz", &lo) || read_hertz(k, 4, "upper_edge_hertz", &hi))
        return k->d->code;
    if (st->bins < 0 || st->bins > ((int64_t)1 << 40) || st->dft_length < 1 ||
        st->dft_length > ((int64_t)1 << 40) || st->sample_rate < 1)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: num_mel_bins %lld, dft_length %lld, sample_rate %lld: expected "
                          "num_mel_bins >= 0, dft_length >= 1, sample_rate >= 1",
                          lstm__klabel(k), (long long)st->bins, (long long)st->dft_length,
                          (long long)st->sample_rate);
    st->spec_bins = st->dft_length / 2 + 1;
    st->low_mel = 2595.0 * log10(1.0 + lo / 700.0);
    st->mel_step = (2595.0 * log10(1.0 + hi / 700.0) - st->low_mel) / (double)(st->bins + 2);
    /* The edges' bins bound every point (as onnxruntime, which checks the edges). */
    double first = floor((double)(st->dft_length + 1) * lo / (double)st->sample_rate),
           last = floor((double)(st->dft_length + 1) * hi / (double)st->sample_rate);
    double lim = (double)st->spec_bins;
    if (!(first >= 0 && first < lim) || !(last >= 0 && last < lim))
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: lower_edge_hertz %g and upper_edge_hertz %g map to spectrogram "
                          "bins %g and %g, expected bins in [0, %lld] (dft_length %lld, "
                          "sample_rate %lld)",
                          lstm__klabel(k), lo, hi, first, last, (long long)(st->spec_bins - 1),
                          (long long)st->dft_length, (long long)st->sample_rate);
    int64_t dims[2] = {st->spec_bins, st->bins};
    if (lstm__rt_set(k, k->out[0], p->dtype, 2, dims)) return k->d->code;
    /* The run writes at every point's bin: check them all (rounding in the mel round trip). */
    for (int64_t i = 0; i < st->bins + 2; i++) {
        double b = mel_point(st, i);
        if (!(b >= 0 && b < lim))
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: mel point %lld maps to spectrogram bin %g, expected one in "
                              "[0, %lld]",
                              lstm__klabel(k), (long long)i, b, (long long)(st->spec_bins - 1));
    }
    return LSTM_OK;
}

int lstm__mel_run(lstm__kctx *k)
{
    const lstm__mel_state *st = k->state;
    lstm__rt *y = k->out[0];
    int64_t m = st->bins;
    memset(y->data, 0, y->nbytes);
    for (int64_t i = 0; i < m; i++) {
        int64_t lo = (int64_t)mel_point(st, i), c = (int64_t)mel_point(st, i + 1),
                hi = (int64_t)mel_point(st, i + 2);
        if (c == lo)
            lstm__put_f(y, (size_t)(c * m + i), 1.0);
        else
            for (int64_t j = lo; j <= c; j++)
                lstm__put_f(y, (size_t)(j * m + i), (double)(j - lo) / (double)(c - lo));
        for (int64_t j = c; j < hi; j++)
            lstm__put_f(y, (size_t)(j * m + i), (double)(hi - j) / (double)(hi - c));
    }
    return LSTM_OK;
}
