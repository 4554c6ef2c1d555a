/*
** op_signal.c — DFT (17: axis attribute; 20: axis input, default -2) and STFT (17).
** Complex values are pairs (real, imaginary) on a last axis of size 2; a last axis of size 1
** holds real values. DFT transforms lines along axis (never the last one), truncated or
** zero-padded to dft_length (default: the axis's size); inverse divides by the length; onesided
** keeps bins 0 .. n/2. inverse with onesided is refused (ONNX's reference once kept the first
** bins of the inverse; newer ONNX makes it a real inverse of a half spectrum; onnxruntime
** refuses it). STFT takes frames of
** frame_length samples, frame_step apart, of signal [batch, length, 1 or 2], each multiplied
** by window when given, and transforms them: [batch, frames, bins, 2]. dft_length, axis,
** frame_step and frame_length are read in prepare. Sums run in double over a table of the roots
** of unity: a radix-2 FFT for power-of-two lengths, a mixed-radix FFT (smallest prime factor
** first) for other lengths whose prime factors are all small (the direct sum for a small prime),
** and Bluestein's algorithm (the DFT as a convolution done with radix-2 FFTs) for lengths with
** a prime factor above BLUE_P, so that every length takes O(n log n).
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"

#include <math.h>
#include <string.h>

#define TWO_PI 6.283185307179586477

static int float_type(int dt)
{
    return dt == LSTM_DT_FLOAT || dt == LSTM_DT_DOUBLE || dt == LSTM_DT_FLOAT16 ||
           dt == LSTM_DT_BFLOAT16;
}

/* w[j] = exp(-+2 pi i j / n) for j < n (interleaved re, im); + for the inverse. */
static void roots(double *w, int64_t n, int inverse)
{
    for (int64_t j = 0; j < n; j++) {
        double a = TWO_PI * ((double)j / (double)n);
        w[2 * j] = cos(a);
        w[2 * j + 1] = inverse ? sin(a) : -sin(a);
    }
}

/* Radix-2 FFT of n (a power of two) values x into y; w holds the n roots of unity. */
static void fft2(const double *x, double *y, int64_t n, const double *w)
{
    int bits = 0;
    while (((int64_t)1 << bits) < n) bits++;
    for (int64_t i = 0; i < n; i++) {
        int64_t r = 0;
        for (int b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
        y[2 * r] = x[2 * i];
        y[2 * r + 1] = x[2 * i + 1];
    }
    for (int64_t len = 2; len <= n; len *= 2) {
        int64_t half = len / 2, stride = n / len;
        for (int64_t i = 0; i < n; i += len)
            for (int64_t j = 0; j < half; j++) {
                const double *t = w + 2 * j * stride;
                double *a = y + 2 * (i + j), *b = a + 2 * half;
                double re = b[0] * t[0] - b[1] * t[1], im = b[0] * t[1] + b[1] * t[0];
                b[0] = a[0] - re;
                b[1] = a[1] - im;
                a[0] += re;
                a[1] += im;
            }
    }
}

static int64_t smallest_factor(int64_t n)
{
    for (int64_t p = 2; p * p <= n; p++)
        if (n % p == 0) return p;
    return n;
}

/* Mixed-radix FFT (decimation in time): y gets the n-point DFT of x[0], x[s], x[2s]...; the
** roots of unity of this length are w[0], w[ws], w[2 ws]...; t holds 2 p doubles. Each level
** splits off the smallest prime factor p: p transforms of n / p values, then butterflies of p. */
static void fft_mixed(const double *x, int64_t s, double *y, int64_t n, const double *w, int64_t ws,
                      double *t)
{
    if (n == 1) {
        y[0] = x[0];
        y[1] = x[1];
        return;
    }
    int64_t p = smallest_factor(n), m = n / p;
    for (int64_t r = 0; r < p; r++) fft_mixed(x + 2 * r * s, s * p, y + 2 * r * m, m, w, ws * p, t);
    for (int64_t k = 0; k < m; k++) {
        for (int64_t r = 0; r < p; r++) { /* t[r] = y[r m + k] W_n^(r k) */
            const double *a = y + 2 * (r * m + k), *tw = w + 2 * (r * k * ws);
            t[2 * r] = a[0] * tw[0] - a[1] * tw[1];
            t[2 * r + 1] = a[0] * tw[1] + a[1] * tw[0];
        }
        for (int64_t q = 0; q < p; q++) { /* y[k + q m] = sum_r t[r] W_p^(r q) */
            double re = 0, im = 0;
            int64_t e = 0;
            for (int64_t r = 0; r < p; r++) {
                const double *tw = w + 2 * (e * m * ws);
                re += t[2 * r] * tw[0] - t[2 * r + 1] * tw[1];
                im += t[2 * r] * tw[1] + t[2 * r + 1] * tw[0];
                e += q;
                if (e >= p) e -= p;
            }
            y[2 * (k + q * m)] = re;
            y[2 * (k + q * m) + 1] = im;
        }
    }
}

/* Lengths with a prime factor above BLUE_P go through Bluestein's algorithm. */
#define BLUE_P 64

static int64_t largest_factor(int64_t n)
{
    int64_t p = 1;
    for (int64_t m = n; m > 1; m /= p) p = smallest_factor(m);
    return p;
}

/* The power of two Bluestein's convolution takes for length n (0: the other algorithms). */
static int64_t blue_size(int64_t n)
{
    if (largest_factor(n) <= BLUE_P) return 0;
    int64_t M = 1;
    while (M < 2 * n - 1) M *= 2;
    return M;
}

/* One run's tables: the n roots of unity w, 2 n doubles t for the mixed-radix butterflies, and
** for Bluestein (M > 0) the chirp c[j] = exp(-+ pi i j^2 / n), the M-point FFT of the
** convolution's kernel conj(c) (wrapped to negative offsets), the roots of M forward and
** inverse and two M-point work vectors. */
typedef struct plan {
    int64_t n, M;
    double *w, *t, *chirp, *kern, *wm, *wmi, *a, *fa;
} plan;

/* Doubles of scratch a plan of length n takes, beyond the 4 n of the caller's line buffers. */
static size_t plan_doubles(int64_t n)
{
    int64_t M = blue_size(n);
    return (size_t)(4 * n) + (M ? (size_t)(2 * n + 12 * M) : 0);
}

static plan plan_make(double *mem, int64_t n, int inverse)
{
    plan p = {.n = n, .M = blue_size(n), .w = mem, .t = mem + 2 * n};
    roots(p.w, n, inverse);
    if (!p.M) return p;
    const int64_t M = p.M;
    p.chirp = p.t + 2 * n;
    p.kern = p.chirp + 2 * n;
    p.wm = p.kern + 2 * M;
    p.wmi = p.wm + 2 * M;
    p.a = p.wmi + 2 * M;
    p.fa = p.a + 2 * M;
    /* j^2 mod 2n, kept exact: the angle pi (j^2 mod 2n) / n. */
    for (int64_t j = 0, q = 0; j < n; j++) {
        double ang = (double)q / (double)n * (TWO_PI / 2);
        p.chirp[2 * j] = cos(ang);
        p.chirp[2 * j + 1] = inverse ? sin(ang) : -sin(ang);
        q += 2 * j + 1;
        while (q >= 2 * n) q -= 2 * n;
    }
    roots(p.wm, M, 0);
    roots(p.wmi, M, 1);
    memset(p.a, 0, (size_t)(2 * M) * sizeof(double));
    for (int64_t j = 0; j < n; j++) { /* kernel conj(c[|m|]) at m and M - m */
        p.a[2 * j] = p.chirp[2 * j];
        p.a[2 * j + 1] = -p.chirp[2 * j + 1];
        if (j) {
            p.a[2 * (M - j)] = p.chirp[2 * j];
            p.a[2 * (M - j) + 1] = -p.chirp[2 * j + 1];
        }
    }
    fft2(p.a, p.kern, M, p.wm);
    return p;
}

/* Bluestein: y[k] = c[k] sum_j (x[j] c[j]) conj(c[k - j]), the sum a cyclic convolution of
** length M done as FFT, product with the kernel's FFT, inverse FFT / M. */
static void bluestein(const plan *p, const double *x, double *y, int64_t keep)
{
    const int64_t n = p->n, M = p->M;
    memset(p->a, 0, (size_t)(2 * M) * sizeof(double));
    for (int64_t j = 0; j < n; j++) {
        const double *c = p->chirp + 2 * j;
        p->a[2 * j] = x[2 * j] * c[0] - x[2 * j + 1] * c[1];
        p->a[2 * j + 1] = x[2 * j] * c[1] + x[2 * j + 1] * c[0];
    }
    fft2(p->a, p->fa, M, p->wm);
    for (int64_t i = 0; i < M; i++) {
        const double *k = p->kern + 2 * i;
        double re = p->fa[2 * i] * k[0] - p->fa[2 * i + 1] * k[1];
        p->fa[2 * i + 1] = p->fa[2 * i] * k[1] + p->fa[2 * i + 1] * k[0];
        p->fa[2 * i] = re;
    }
    fft2(p->fa, p->a, M, p->wmi);
    for (int64_t k = 0; k < keep; k++) {
        const double *c = p->chirp + 2 * k, *v = p->a + 2 * k;
        y[2 * k] = (v[0] * c[0] - v[1] * c[1]) / (double)M;
        y[2 * k + 1] = (v[0] * c[1] + v[1] * c[0]) / (double)M;
    }
}

/* y[k] = sum_j x[j] w[jk mod n] for k < keep (all n of them unless n is a small prime). */
static void transform(const plan *pl, const double *x, double *y, int64_t keep)
{
    const int64_t n = pl->n;
    const double *w = pl->w;
    if ((n & (n - 1)) == 0) {
        fft2(x, y, n, w);
        return;
    }
    if (pl->M) {
        bluestein(pl, x, y, keep);
        return;
    }
    if (smallest_factor(n) < n) {
        fft_mixed(x, 1, y, n, w, 1, pl->t);
        return;
    }
    for (int64_t k = 0; k < keep; k++) {
        double re = 0, im = 0;
        int64_t idx = 0;
        for (int64_t j = 0; j < n; j++) {
            const double *tw = w + 2 * idx;
            re += x[2 * j] * tw[0] - x[2 * j + 1] * tw[1];
            im += x[2 * j] * tw[1] + x[2 * j + 1] * tw[0];
            idx += k;
            if (idx >= n) idx -= n;
        }
        y[2 * k] = re;
        y[2 * k + 1] = im;
    }
}

static int parse(const lstm__graph *g, const lstm__node *n, int since, void *params, int stft,
                 lstm__diag *d)
{
    lstm__dft_params *p = params;
    static const char *const v17[] = {"axis", "inverse", "onesided", NULL},
                             *const v20[] = {"inverse", "onesided", NULL},
                             *const vstft[] = {"onesided", NULL};
    char b[LSTM__LABEL_MAX];
    memset(p, 0, sizeof *p);
    if (stft) {
        if (lstm__arity(g, n, 2, 4, 1, 1, d) || lstm__attrs_allowed(g, n, since, vstft, d) ||
            lstm__attr_flag(g, n, "onesided", 1, &p->onesided, d))
            return d->code;
    } else if (lstm__arity(g, n, 1, since >= 20 ? 3 : 2, 1, 1, d) ||
               lstm__attrs_allowed(g, n, since, since >= 20 ? v20 : v17, d) ||
               lstm__attr_int(g, n, "axis", since >= 20 ? -2 : 1, &p->axis, d) ||
               lstm__attr_flag(g, n, "inverse", 0, &p->inverse, d) ||
               lstm__attr_flag(g, n, "onesided", 0, &p->onesided, d))
        return d->code;
    if (p->inverse && p->onesided)
        return lstm__errf(d, LSTM_EUNSUPPORTED,
                          "%s: inverse and onesided together are not supported (their meaning "
                          "differs between ONNX releases; onnxruntime refuses them)",
                          lstm__node_ctx(g, n, b, sizeof b));
    return LSTM_OK;
}

/* Optional scalar integer input idx read in prepare; *set tells whether it was given. */
static int scalar_in(lstm__kctx *k, int idx, const char *what, int64_t *v, int *set)
{
    int n;
    *set = 0;
    if (idx >= k->n->n_in || !k->in[idx]) return LSTM_OK;
    if (lstm__read_ints(k, idx, what, v, 1, &n)) return k->d->code;
    if (n != 1)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: input %s has %d values, expected one",
                          lstm__klabel(k), what, n);
    *set = 1;
    return LSTM_OK;
}

static int check_signal(lstm__kctx *k, const lstm__rt *x, int min_rank, const char *what)
{
    if (!float_type(x->dtype))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED,
                          "%s: input %s is %s, expected float32, float64, float16 or bfloat16",
                          lstm__klabel(k), what, lstm__dtype_name(x->dtype));
    if (x->rank < min_rank || (x->dims[x->rank - 1] != 1 && x->dims[x->rank - 1] != 2)) {
        char b[96];
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: input %s has shape %s, expected rank %d or more with a last axis "
                          "of 1 (real) or 2 (complex)",
                          lstm__klabel(k), what, lstm__dims_str(b, sizeof b, x->rank, x->dims),
                          min_rank);
    }
    return LSTM_OK;
}

static int set_scratch(lstm__kctx *k, int64_t n)
{
    if (n > ((int64_t)1 << 32))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: transform length %lld, at most 2^32",
                          lstm__klabel(k), (long long)n);
    /* Two line buffers of 2 n doubles, then the plan (plan_make). */
    k->scratch_size = ((size_t)(4 * n) + plan_doubles(n)) * sizeof(double);
    return LSTM_OK;
}

static int dft_prepare(lstm__kctx *k)
{
    const lstm__dft_params *p = k->params;
    lstm__dft_state *s = k->state;
    const lstm__rt *x = k->in[0];
    int64_t axis = p->axis, n, dims[LSTM__MAX_RANK];
    int given, a;
    if (check_signal(k, x, 2, "input")) return k->d->code;
    if (k->since >= 20 && scalar_in(k, 2, "axis", &axis, &given)) return k->d->code;
    if (scalar_in(k, 1, "dft_length", &n, &given)) return k->d->code;
    int r = x->rank;
    if (axis < -r || axis >= r || (axis < 0 ? axis + r : axis) == r - 1)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: axis %lld, expected one in [%d, -2] or [0, %d] (input rank %d; "
                          "the last axis holds real and imaginary parts)",
                          lstm__klabel(k), (long long)axis, -r, r - 2, r);
    a = (int)(axis < 0 ? axis + r : axis);
    if (!given) n = x->dims[a];
    if (n < 1)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: DFT length %lld, expected 1 or more%s",
                          lstm__klabel(k), (long long)n,
                          given ? " (dft_length)" : " (the axis is empty: give dft_length)");
    s->outer = s->inner = 1;
    for (int i = 0; i < a; i++) s->outer *= x->dims[i];
    for (int i = a + 1; i < r - 1; i++) s->inner *= x->dims[i];
    s->len = x->dims[a];
    s->n = n;
    s->keep = p->onesided ? n / 2 + 1 : n;
    s->cplx = x->dims[r - 1] == 2;
    lstm__shape_of(x, dims);
    dims[a] = s->keep;
    dims[r - 1] = 2;
    if (set_scratch(k, n)) return k->d->code;
    return lstm__rt_set(k, k->out[0], x->dtype, r, dims);
}

static int dft_run(lstm__kctx *k)
{
    const lstm__dft_params *p = k->params;
    const lstm__dft_state *s = k->state;
    const lstm__rt *x = k->in[0];
    lstm__rt *y = k->out[0];
    int64_t n = s->n, m = s->len < n ? s->len : n, c = s->cplx ? 2 : 1;
    double *buf = k->scratch, *out = buf + 2 * n;
    double scale = p->inverse ? 1.0 / (double)n : 1.0;
    if (!y->nelem) return LSTM_OK;
    const plan pl = plan_make(out + 2 * n, n, (int)p->inverse);
    memset(buf, 0, (size_t)(2 * n) * sizeof(double));
    for (int64_t o = 0; o < s->outer; o++)
        for (int64_t j = 0; j < s->inner; j++) {
            size_t base = (size_t)((o * s->len * s->inner + j) * c);
            for (int64_t i = 0; i < m; i++) {
                size_t at = base + (size_t)(i * s->inner * c);
                buf[2 * i] = lstm__ld(x, at);
                buf[2 * i + 1] = c == 2 ? lstm__ld(x, at + 1) : 0.0;
            }
            transform(&pl, buf, out, s->keep);
            size_t ob = (size_t)((o * s->keep * s->inner + j) * 2);
            for (int64_t i = 0; i < s->keep; i++) {
                size_t at = ob + (size_t)(i * s->inner * 2);
                lstm__st(y, at, out[2 * i] * scale);
                lstm__st(y, at + 1, out[2 * i + 1] * scale);
            }
        }
    return LSTM_OK;
}

static int stft_prepare(lstm__kctx *k)
{
    const lstm__dft_params *p = k->params;
    lstm__dft_state *s = k->state;
    const lstm__rt *x = k->in[0], *win = k->n->n_in > 2 ? k->in[2] : NULL;
    int64_t step, flen = 0;
    int given, has_len;
    if (check_signal(k, x, 3, "signal")) return k->d->code;
    if (x->rank != 3) {
        char b[96];
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: signal has shape %s, expected [batch, length, 1 or 2]",
                          lstm__klabel(k), lstm__dims_str(b, sizeof b, x->rank, x->dims));
    }
    if (scalar_in(k, 1, "frame_step", &step, &given)) return k->d->code;
    if (!given || step < 1)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: frame_step must be given and 1 or more",
                          lstm__klabel(k));
    if (scalar_in(k, 3, "frame_length", &flen, &has_len)) return k->d->code;
    if (win && (win->dtype != x->dtype || win->rank != 1))
        return lstm__errf(k->d, LSTM_EINVAL, "%s: window must be a 1-D %s tensor (%s, rank %d)",
                          lstm__klabel(k), lstm__dtype_name(x->dtype), lstm__dtype_name(win->dtype),
                          win->rank);
    if (win && has_len && win->dims[0] != flen)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: window has %lld values, frame_length is %lld",
                          lstm__klabel(k), (long long)win->dims[0], (long long)flen);
    if (win && !has_len) flen = win->dims[0];
    if (!win && !has_len)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: give window or frame_length", lstm__klabel(k));
    if (flen < 1 || flen > x->dims[1])
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: frame length %lld, expected 1 to the signal's length %lld",
                          lstm__klabel(k), (long long)flen, (long long)x->dims[1]);
    s->cplx = x->dims[2] == 2;
    if (p->onesided && s->cplx)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: onesided needs a real signal (last axis 1), the signal is complex",
                          lstm__klabel(k));
    s->outer = x->dims[0];
    s->len = x->dims[1];
    s->n = flen;
    s->step = step;
    s->frames = (s->len - flen) / step + 1;
    s->keep = p->onesided ? flen / 2 + 1 : flen;
    s->window = win != NULL;
    int64_t dims[4] = {s->outer, s->frames, s->keep, 2};
    if (set_scratch(k, flen)) return k->d->code;
    return lstm__rt_set(k, k->out[0], x->dtype, 4, dims);
}

static int stft_run(lstm__kctx *k)
{
    const lstm__dft_state *s = k->state;
    const lstm__rt *x = k->in[0], *win = s->window ? k->in[2] : NULL;
    lstm__rt *y = k->out[0];
    int64_t n = s->n, c = s->cplx ? 2 : 1;
    double *buf = k->scratch, *out = buf + 2 * n;
    if (!y->nelem) return LSTM_OK;
    const plan pl = plan_make(out + 2 * n, n, 0);
    for (int64_t b = 0; b < s->outer; b++)
        for (int64_t f = 0; f < s->frames; f++) {
            size_t base = (size_t)((b * s->len + f * s->step) * c);
            for (int64_t i = 0; i < n; i++) {
                double g = win ? lstm__ld(win, (size_t)i) : 1.0;
                buf[2 * i] = lstm__ld(x, base + (size_t)(i * c)) * g;
                buf[2 * i + 1] = c == 2 ? lstm__ld(x, base + (size_t)(i * c) + 1) * g : 0.0;
            }
            transform(&pl, buf, out, s->keep);
            size_t ob = (size_t)((b * s->frames + f) * s->keep * 2);
            for (int64_t i = 0; i < 2 * s->keep; i++) lstm__st(y, ob + (size_t)i, out[i]);
        }
    return LSTM_OK;
}

LSTM__OP_ENTRIES(lstm__dft, parse, dft_prepare, dft_run, 0)
LSTM__OP_ENTRIES(lstm__stft, parse, stft_prepare, stft_run, 1)
