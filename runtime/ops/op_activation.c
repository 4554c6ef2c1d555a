/*
** op_activation.c — element-wise activations: Elu, Selu (6; 22 adds bfloat16), Celu (12;
** float32 only), Softplus, Softsign (1; 22), HardSwish (14; 22), ThresholdedRelu (10; 22), Mish
** (18; 22), Gelu (20; approximate "none" or "tanh") and Shrink (9; every numeric type). Versions
** 1 of Elu and Selu (consumed_inputs) are refused by the registry. float32, float16 and
** bfloat16 compute in float (halves rounded back; Elu, Selu, Celu, Softplus, Mish and Gelu
** "tanh" with the kernels' vectorised exp, within 1e-6 relative of double; the others with the
** C library), float64 in double; Shrink of integers is exact. Where the spec's formula meets an
** infinity it is followed as written: HardSwish, Mish and Gelu of -inf and Softsign of +-inf are
** NaN, as in onnxruntime.
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "simd/simd.h"

#include <math.h>
#include <string.h>

enum {
    A_ELU,
    A_SELU,
    A_CELU,
    A_SOFTPLUS,
    A_SOFTSIGN,
    A_HARDSWISH,
    A_THRESH,
    A_MISH,
    A_GELU,
    A_SHRINK
};

static const char *const names[] = {
    "Elu",  "Selu", "Celu",  "Softplus", "Softsign", "HardSwish", "ThresholdedRelu",
    "Mish", "Gelu", "Shrink"};

static int parse(const lstm__graph *g, const lstm__node *n, int since, void *params, int op,
                 lstm__diag *d)
{
    lstm__unary_params *p = params;
    static const char *const none[] = {NULL}, *const alpha[] = {"alpha", NULL},
                             *const selu[] = {"alpha", "gamma", NULL},
                             *const gelu[] = {"approximate", NULL},
                             *const shrink[] = {"bias", "lambd", NULL};
    const char *const *allowed = op == A_ELU || op == A_CELU || op == A_THRESH ? alpha
                                 : op == A_SELU                                ? selu
                                 : op == A_GELU                                ? gelu
                                 : op == A_SHRINK                              ? shrink
                                                                               : none;
    char b[LSTM__LABEL_MAX];
    memset(p, 0, sizeof *p);
    p->op = op;
    if (lstm__arity(g, n, 1, 1, 1, 1, d) || lstm__attrs_allowed(g, n, since, allowed, d))
        return d->code;
    switch (op) {
    case A_ELU:
    case A_CELU:
    case A_THRESH:
        if (lstm__attr_float(g, n, "alpha", 1.0f, &p->alpha, d)) return d->code;
        if (op == A_CELU && p->alpha == 0.0f)
            return lstm__errf(d, LSTM_EMODEL,
                              "%s: attribute 'alpha' is 0, expected a non-zero value (Celu "
                              "divides by it)",
                              lstm__node_ctx(g, n, b, sizeof b));
        return LSTM_OK;
    case A_SELU: /* the defaults of version 6 (version 1's differ) */
        return lstm__attr_float(g, n, "alpha", 1.67326319217681884765625f, &p->alpha, d) ||
               lstm__attr_float(g, n, "gamma", 1.05070102214813232421875f, &p->beta, d);
    case A_SHRINK:
        return lstm__attr_float(g, n, "lambd", 0.5f, &p->alpha, d) ||
               lstm__attr_float(g, n, "bias", 0.0f, &p->beta, d);
    case A_GELU: {
        const lstm__attr *a = lstm__attr_find(n, "approximate");
        if (!a) return LSTM_OK;
        if (a->type != LSTM__A_STRING)
            return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'approximate' must be a string",
                              lstm__node_ctx(g, n, b, sizeof b));
        p->tanh = strcmp(a->s, "tanh") == 0;
        if (!p->tanh && strcmp(a->s, "none") != 0)
            return lstm__errf(d, LSTM_EMODEL,
                              "%s: attribute 'approximate' is '%.40s', expected none or tanh",
                              lstm__node_ctx(g, n, b, sizeof b), a->s);
        return LSTM_OK;
    }
    default:
        return LSTM_OK;
    }
}

static int prepare(lstm__kctx *k)
{
    const lstm__unary_params *p = k->params;
    return lstm__unary_prepare(k, names[p->op], p->op == A_SHRINK, p->op == A_CELU);
}

static double softplus(double x)
{
    return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
}

/* Mish and Gelu "tanh" on float32 through the kernels' vectorised exp, in blocks (x may be y):
** each block's exponents, one call, then the formula. Within 1e-6 relative of double
** (activations_f32); NaN and infinities as the formula gives them.
** - Mish as x v / (v + 2) with v = e (e + 2), e = e^x: tanh(log(1 + e)) = ((1 + e)^2 - 1) /
**   ((1 + e)^2 + 1), without a log or a cancellation; the exponent stops at 20, where the
**   ratio is 1 in float32 and v still finite (-inf gives -inf * 0 = NaN, as the formula).
** - Gelu "tanh" as x / (1 + exp(-2u)).
** Elu, Selu, Celu and Softplus are kernels of their own (lstm__velu, lstm__vsoftplus). */
enum { VBLOCK = 256 };

static void exp_block(int mish, const float *x, float *y, int m, float *e)
{
    int j;
    if (mish)
        for (j = 0; j < m; j++) e[j] = x[j] < 20.0f ? x[j] : 20.0f;
    else
        for (j = 0; j < m; j++)
            e[j] = -2.0f * (0.7978845608028654f * (x[j] + 0.044715f * x[j] * x[j] * x[j]));
    lstm__vexp(lstm__isa(), e, (size_t)m);
    if (mish)
        for (j = 0; j < m; j++) {
            const float v = e[j] * (e[j] + 2.0f);
            y[j] = x[j] * (v / (v + 2.0f));
        }
    else
        for (j = 0; j < m; j++) y[j] = x[j] / (1.0f + e[j]);
}

/* Elu, Selu, Celu and Softplus through their kernels (x may be y). */
static void exp_kernels(const lstm__unary_params *p, const float *x, float *y, size_t n)
{
    const int isa = lstm__isa();
    if (p->op == A_SOFTPLUS) {
        if (y != x && n) memcpy(y, x, sizeof *y * n);
        lstm__vsoftplus(isa, y, n);
    } else {
        lstm__velu(isa, x, y, n, p->alpha, p->op == A_SELU ? p->beta : 1.0f,
                   p->op == A_CELU ? p->alpha : 1.0f);
    }
}

/* One loop per operator (x may be y). */
static void act_f32(const lstm__unary_params *p, const float *x, float *y, size_t n)
{
    const float al = p->alpha, be = p->beta;
    size_t i;
    if (p->op == A_MISH || (p->op == A_GELU && p->tanh)) {
        float e[VBLOCK];
        for (i = 0; i < n; i += VBLOCK)
            exp_block(p->op == A_MISH, x + i, y + i, n - i < VBLOCK ? (int)(n - i) : VBLOCK, e);
        return;
    }
    if (p->op == A_ELU || p->op == A_SELU || p->op == A_CELU || p->op == A_SOFTPLUS) {
        exp_kernels(p, x, y, n);
        return;
    }
    switch (p->op) {
    case A_SOFTSIGN:
        for (i = 0; i < n; i++) y[i] = x[i] / (1.0f + fabsf(x[i]));
        break;
    case A_HARDSWISH: /* x * HardSigmoid(x) with alpha 1/6, beta 1/2; NaN stays NaN */
        for (i = 0; i < n; i++) {
            float v = x[i] * (1.0f / 6.0f) + 0.5f;
            y[i] = x[i] * (v < 0 ? 0.0f : v > 1 ? 1.0f : v);
        }
        break;
    case A_THRESH:
        for (i = 0; i < n; i++) y[i] = x[i] > al ? x[i] : 0.0f;
        break;
    case A_GELU: /* 1 + erf(x / sqrt 2) as erfc(-x / sqrt 2), without cancellation */
        for (i = 0; i < n; i++) y[i] = 0.5f * x[i] * erfcf(x[i] * -0.70710678118654752f);
        break;
    default: /* Shrink */
        for (i = 0; i < n; i++) y[i] = x[i] < -al ? x[i] + be : x[i] > al ? x[i] - be : 0.0f;
        break;
    }
}

static double act_f64(const lstm__unary_params *p, double x)
{
    const double al = p->alpha, be = p->beta;
    switch (p->op) {
    case A_ELU:
        return x < 0 ? al * expm1(x) : x;
    case A_SELU:
        return x > 0 ? be * x : be * (al * expm1(x));
    case A_CELU:
        return x > 0 ? x : al * expm1(x / al);
    case A_SOFTPLUS:
        return softplus(x);
    case A_SOFTSIGN:
        return x / (1.0 + fabs(x));
    case A_HARDSWISH: {
        double v = x * (double)(1.0f / 6.0f) + 0.5;
        return x * (v < 0 ? 0.0 : v > 1 ? 1.0 : v);
    }
    case A_THRESH:
        return x > al ? x : 0.0;
    case A_MISH:
        return x * tanh(softplus(x));
    case A_GELU:
        if (p->tanh) { /* as the spec's function body: sqrt of 2/pi and 0.044715 as float32 */
            double u = sqrt((double)0.63661977236758134f) * (x + (double)0.044715f * x * x * x);
            return x / (1.0 + exp(-2.0 * u));
        }
        return 0.5 * x * erfc(x * -0.70710678118654752);
    default:
        return x < -al ? x + be : x > al ? x - be : 0.0;
    }
}

/* The sign of x - f for an integer x (bits: int64 when !u, uint64 when u) and an integer-valued
** or infinite f, exactly. */
static int cmp_int(uint64_t bits, int u, double f)
{
    if (f >= 18446744073709551616.0) return -1;
    if (f < -9223372036854775808.0) return 1;
    if (u) {
        if (f < 0) return 1;
        uint64_t v = (uint64_t)f;
        return bits > v ? 1 : bits < v ? -1 : 0;
    }
    if (f >= 9223372036854775808.0) return -1;
    int64_t x = (int64_t)bits, v = (int64_t)f;
    return x > v ? 1 : x < v ? -1 : 0;
}

/* Shrink of an integer, exactly: x < -lambd gives x + bias, x > lambd gives x - bias (truncated
** toward zero, wrapped into 64 bits), else 0. A NaN lambd or a non-finite bias gives 0. */
static uint64_t shrink_int(uint64_t bits, int u, float lambd, float bias)
{
    double f = floor((double)lambd); /* x > lambd iff x > floor(lambd); x < -lambd iff x < -f */
    double b;
    if (lambd != lambd || !isfinite(bias)) return 0;
    if (cmp_int(bits, u, -f) < 0)
        b = bias;
    else if (cmp_int(bits, u, f) > 0)
        b = -(double)bias;
    else
        return 0;
    double ib = trunc(b), fb = b - ib;
    uint64_t s = bits; /* x + trunc(b), modulo 2^64 */
    if (fabs(ib) < 9223372036854775808.0) {
        s += (uint64_t)(int64_t)ib;
    } else { /* a multiple of 2^40 at least: exact modulo 2^64 */
        double r = fmod(ib, 18446744073709551616.0);
        s += (uint64_t)(r < 0 ? r + 18446744073709551616.0 : r);
    }
    int sign = cmp_int(bits, u, -ib); /* the sign of the true x + trunc(b) */
    if (fb > 0 && sign < 0) s += 1;   /* a negative sum truncates up */
    if (fb < 0 && sign > 0) s -= 1;   /* a positive one down */
    return s;
}

static int run(lstm__kctx *k)
{
    const lstm__unary_params *p = k->params;
    const lstm__rt *x = k->in[0];
    lstm__rt *y = k->out[0];
    if (lstm__is_float(x->dtype)) {
        lstm__unary_floats(p, x, y, act_f32, act_f64);
    } else if (x->dtype == LSTM_DT_UINT64) {
        const uint64_t *a = x->data;
        uint64_t *o = y->data;
        for (size_t i = 0; i < y->nelem; i++) o[i] = shrink_int(a[i], 1, p->alpha, p->beta);
    } else {
        for (size_t i = 0; i < y->nelem; i++)
            lstm__put_i(y, i,
                        (int64_t)shrink_int((uint64_t)lstm__get_i(x, i), 0, p->alpha, p->beta));
    }
    return LSTM_OK;
}

LSTM__OP_FAMILY(lstm__elu, A_ELU)
LSTM__OP_FAMILY(lstm__selu, A_SELU)
LSTM__OP_FAMILY(lstm__celu, A_CELU)
LSTM__OP_FAMILY(lstm__softplus, A_SOFTPLUS)
LSTM__OP_FAMILY(lstm__softsign, A_SOFTSIGN)
LSTM__OP_FAMILY(lstm__hardswish, A_HARDSWISH)
LSTM__OP_FAMILY(lstm__thresh_relu, A_THRESH)
LSTM__OP_FAMILY(lstm__mish, A_MISH)
LSTM__OP_FAMILY(lstm__gelu, A_GELU)
LSTM__OP_FAMILY(lstm__shrink, A_SHRINK)
