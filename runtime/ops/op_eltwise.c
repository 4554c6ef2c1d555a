/*
** op_eltwise.c — element-wise operators with numpy broadcasting:
**   binary  Add Sub Mul Div Pow (7), Equal (7; bool too) Less Greater LessOrEqual GreaterOrEqual
**           (7 / 12),
**           Where (9), Not (1)
**   unary   Neg Exp Log Sqrt Relu Sigmoid Tanh (6), LeakyRelu HardSigmoid (6), Clip (6: min/max
**           attributes; 11: inputs), Dropout (7, 10, 12: inference, the output is the input)
** Floating types compute in double and round to the tensor's type (float32 operands have direct
** paths for Add, Sub, Mul, Div and the comparisons under any broadcasting, in spans of the
** merged innermost axes; Where selects in such spans for every type);
** integers compute in int64 with wrap-around; integer division by zero is an error.
*/
#include "ops/conv_vec.h"
#include "ops/op_util.h"
#include "ops/ops.h"
#include "simd/simd.h"
#include "dtype.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

enum {
    E_ADD,
    E_SUB,
    E_MUL,
    E_DIV,
    E_POW,
    E_EQ,
    E_LT,
    E_GT,
    E_LE,
    E_GE,
    E_WHERE,
    E_NOT,
    E_NEG,
    E_EXP,
    E_LOG,
    E_SQRT,
    E_RELU,
    E_SIGMOID,
    E_TANH,
    E_LEAKY,
    E_HSIG,
    E_CLIP,
    E_DROPOUT
};

static int simple_parse(const lstm__graph *g, const lstm__node *n, int since, lstm__elt_params *p,
                        int op, int nin, const char *const *attrs, lstm__diag *d)
{
    static const char *const none[] = {NULL};
    memset(p, 0, sizeof *p);
    p->op = op;
    p->opset = n->opset;
    return lstm__arity(g, n, nin, nin, 1, 1, d) ||
           lstm__attrs_allowed(g, n, since, attrs ? attrs : none, d);
}

static int numeric(lstm__kctx *k, const lstm__rt *t)
{
    if (lstm__is_float(t->dtype) || lstm__is_int(t->dtype)) return LSTM_OK;
    return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type %s", lstm__klabel(k),
                      lstm__dtype_name(t->dtype));
}

/* ---- binary ---- */
static int binary_prepare(lstm__kctx *k)
{
    const lstm__elt_params *p = k->params;
    const lstm__rt *a = k->in[0], *b = k->in[1];
    lstm__bcast bc;
    int bools = p->op == E_EQ && a->dtype == LSTM_DT_BOOL && b->dtype == LSTM_DT_BOOL;
    if (!bools && (numeric(k, a) || numeric(k, b))) return k->d->code;
    if (a->dtype != b->dtype && !(p->op == E_POW))
        return lstm__errf(k->d, LSTM_EINVAL, "%s: inputs are %s and %s, expected one type",
                          lstm__klabel(k), lstm__dtype_name(a->dtype), lstm__dtype_name(b->dtype));
    if (lstm__bcast_init(k, &bc, (const lstm__rt *[]){a, b}, 2)) return k->d->code;
    int out = p->op >= E_EQ && p->op <= E_GE ? LSTM_DT_BOOL : a->dtype;
    return lstm__rt_set(k, k->out[0], out, bc.rank, bc.dims);
}

typedef struct bin_ctx {
    const lstm__rt *a, *b;
    lstm__rt *y;
    int op, err;
} bin_ctx;

static int64_t ipow(int64_t b, int64_t e)
{
    if (e < 0) return b == 1 ? 1 : b == -1 ? (e % 2 ? -1 : 1) : 0;
    uint64_t r = 1, x = (uint64_t)b;
    while (e) {
        if (e & 1) r *= x;
        x *= x;
        e >>= 1;
    }
    return (int64_t)r;
}

/* Pow of an integer base with a float exponent, back to the integer type: C leaves NaN and
** out-of-range values undefined; this gives what x86-64's conversion gives (and so onnxruntime
** there) on every machine: the lowest value of int64, or of int32 for the narrower types. */
static int64_t pow_to_int(double r, int dtype)
{
    if (dtype == LSTM_DT_INT64 || dtype == LSTM_DT_UINT64)
        return r == r && r >= -9223372036854775808.0 && r < 9223372036854775808.0 ? (int64_t)r
                                                                                  : INT64_MIN;
    return r == r && r >= -2147483648.0 && r < 2147483648.0 ? (int64_t)(int32_t)r : INT32_MIN;
}

static void bin_one(void *vc, size_t o, const size_t *off)
{
    bin_ctx *c = vc;
    int fl = lstm__is_float(c->a->dtype) || (c->op == E_POW && lstm__is_float(c->b->dtype));
    if (fl) {
        double x = lstm__get_f(c->a, off[0]), y = lstm__get_f(c->b, off[1]), r = 0;
        switch (c->op) {
        case E_ADD:
            r = x + y;
            break;
        case E_SUB:
            r = x - y;
            break;
        case E_MUL:
            r = x * y;
            break;
        case E_DIV:
            r = x / y;
            break;
        case E_POW:
            r = pow(x, y);
            break;
        case E_EQ:
            r = x == y;
            break;
        case E_LT:
            r = x < y;
            break;
        case E_GT:
            r = x > y;
            break;
        case E_LE:
            r = x <= y;
            break;
        case E_GE:
            r = x >= y;
            break;
        default:
            break;
        }
        if (c->op == E_POW && !lstm__is_float(c->y->dtype))
            lstm__put_i(c->y, o, pow_to_int(r, c->y->dtype));
        else
            lstm__put_f(c->y, o, r);
        return;
    }
    int64_t x = lstm__get_i(c->a, off[0]), y = lstm__get_i(c->b, off[1]), r = 0;
    if (c->a->dtype == LSTM_DT_BOOL) x = x != 0, y = y != 0; /* Equal on bool: any nonzero byte */
    uint64_t ux = (uint64_t)x, uy = (uint64_t)y;
    switch (c->op) {
    case E_ADD:
        r = (int64_t)(ux + uy);
        break;
    case E_SUB:
        r = (int64_t)(ux - uy);
        break;
    case E_MUL:
        r = (int64_t)(ux * uy);
        break;
    case E_DIV:
        if (y == 0) {
            c->err = 1;
            return;
        }
        if (c->a->dtype == LSTM_DT_UINT64) /* unsigned: values above INT64_MAX */
            r = (int64_t)(ux / uy);
        else
            r = (x == INT64_MIN && y == -1) ? INT64_MIN : x / y;
        break;
    case E_POW:
        r = ipow(x, y);
        break;
    case E_EQ:
        r = x == y;
        break;
    case E_LT:
        r = c->a->dtype == LSTM_DT_UINT64 ? ux < uy : x < y;
        break;
    case E_GT:
        r = c->a->dtype == LSTM_DT_UINT64 ? ux > uy : x > y;
        break;
    case E_LE:
        r = c->a->dtype == LSTM_DT_UINT64 ? ux <= uy : x <= y;
        break;
    case E_GE:
        r = c->a->dtype == LSTM_DT_UINT64 ? ux >= uy : x >= y;
        break;
    default:
        break;
    }
    lstm__put_i(c->y, o, r);
}

/* float32 x (op) one scalar b into y; 0 when this path does not apply. Arithmetic in float
** rounds as the double path does (one rounding of the exact result); Pow computes in double
** as the general path, x * x for an exponent of 2 (the same float: x * x is exact in double). */
static int scalar_right(int op, const float *x, const lstm__rt *b, float *o, size_t n)
{
    if (op > E_POW || (op < E_POW && b->dtype != LSTM_DT_FLOAT) || !lstm__is_float(b->dtype))
        return 0;
    const double e = lstm__get_f(b, 0);
    const float s = (float)e;
    switch (op) {
    case E_ADD:
        for (size_t i = 0; i < n; i++) o[i] = x[i] + s;
        break;
    case E_SUB:
        for (size_t i = 0; i < n; i++) o[i] = x[i] - s;
        break;
    case E_MUL:
        for (size_t i = 0; i < n; i++) o[i] = x[i] * s;
        break;
    case E_DIV:
        for (size_t i = 0; i < n; i++) o[i] = x[i] / s;
        break;
    default:
        if (e == 2.0) {
            for (size_t i = 0; i < n; i++) o[i] = x[i] * x[i];
        } else if (e == 1.0) {
            if (n) memmove(o, x, n * sizeof *o);
        } else {
            for (size_t i = 0; i < n; i++) o[i] = (float)pow(x[i], e);
        }
        break;
    }
    return 1;
}

/* float32 operands, any broadcasting, in spans (lstm__bcast_spans): Add / Sub / Mul / Div into
** float32 (the same floats as the double path: one rounding of an exact result either way) and
** the comparisons into bool. */
typedef struct f32_ctx {
    int op;
    const float *x, *z;
    void *o;
} f32_ctx;

static void f32_span(void *vc, size_t o0, const size_t *off, const size_t *step, size_t n)
{
    const f32_ctx *c = vc;
    const float *x = c->x + off[0], *z = c->z + off[1];
    const size_t sa = step[0], sb = step[1];
    if (c->op > E_DIV) {
        uint8_t *q = (uint8_t *)c->o + o0;
        for (size_t j = 0; j < n; j++) {
            const float u = x[j * sa], v = z[j * sb];
            q[j] = c->op == E_EQ   ? u == v
                   : c->op == E_LT ? u < v
                   : c->op == E_GT ? u > v
                   : c->op == E_LE ? u <= v
                                   : u >= v;
        }
        return;
    }
    float *q = (float *)c->o + o0;
    const int op = c->op;
    if (sa == 1 && sb == 1) {
        for (size_t j = 0; j < n; j++)
            q[j] = op == E_ADD   ? x[j] + z[j]
                   : op == E_SUB ? x[j] - z[j]
                   : op == E_MUL ? x[j] * z[j]
                                 : x[j] / z[j];
    } else if (sa == 1 && sb == 0) {
        const float v = *z;
        for (size_t j = 0; j < n; j++)
            q[j] = op == E_ADD   ? x[j] + v
                   : op == E_SUB ? x[j] - v
                   : op == E_MUL ? x[j] * v
                                 : x[j] / v;
    } else if (sa == 0 && sb == 1) {
        const float v = *x;
        for (size_t j = 0; j < n; j++)
            q[j] = op == E_ADD   ? v + z[j]
                   : op == E_SUB ? v - z[j]
                   : op == E_MUL ? v * z[j]
                                 : v / z[j];
    } else {
        for (size_t j = 0; j < n; j++) {
            const float u = x[j * sa], v = z[j * sb];
            q[j] = op == E_ADD ? u + v : op == E_SUB ? u - v : op == E_MUL ? u * v : u / v;
        }
    }
}

static int binary_run(lstm__kctx *k)
{
    const lstm__elt_params *p = k->params;
    const lstm__rt *a = k->in[0], *b = k->in[1];
    lstm__rt *y = k->out[0];
    /* float32, same shapes: the direct path. */
    if (a->dtype == LSTM_DT_FLOAT && b->dtype == LSTM_DT_FLOAT && y->dtype == LSTM_DT_FLOAT &&
        a->nelem == y->nelem && b->nelem == y->nelem && p->op <= E_DIV) {
        const float *x = a->data, *z = b->data;
        float *o = y->data;
        size_t n = y->nelem;
        switch (p->op) {
        case E_ADD:
            for (size_t i = 0; i < n; i++) o[i] = x[i] + z[i];
            break;
        case E_SUB:
            for (size_t i = 0; i < n; i++) o[i] = x[i] - z[i];
            break;
        case E_MUL:
            for (size_t i = 0; i < n; i++) o[i] = x[i] * z[i];
            break;
        default:
            for (size_t i = 0; i < n; i++) o[i] = x[i] / z[i];
            break;
        }
        return LSTM_OK;
    }
    if (a->dtype == LSTM_DT_FLOAT && y->dtype == LSTM_DT_FLOAT && a->nelem == y->nelem &&
        b->nelem == 1 && scalar_right(p->op, a->data, b, y->data, y->nelem))
        return LSTM_OK;
    if (a->dtype == LSTM_DT_FLOAT && b->dtype == LSTM_DT_FLOAT && y->dtype == LSTM_DT_FLOAT &&
        a->nelem == 1 && b->nelem == y->nelem && p->op <= E_DIV) {
        const float s = *(const float *)a->data, *z = b->data;
        float *o = y->data;
        for (size_t i = 0, n = y->nelem; i < n; i++)
            o[i] = p->op == E_ADD   ? s + z[i]
                   : p->op == E_SUB ? s - z[i]
                   : p->op == E_MUL ? s * z[i]
                                    : s / z[i];
        return LSTM_OK;
    }
    lstm__bcast bc;
    lstm__bcast_init(k, &bc, (const lstm__rt *[]){a, b}, 2);
    if (a->dtype == LSTM_DT_FLOAT && b->dtype == LSTM_DT_FLOAT && p->op != E_POW) {
        f32_ctx fc = {p->op, a->data, b->data, y->data};
        lstm__bcast_spans(&bc, f32_span, &fc);
        return LSTM_OK;
    }
    bin_ctx c = {a, b, y, p->op, 0};
    lstm__bcast_each(&bc, bin_one, &c);
    if (c.err)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: integer division by zero", lstm__klabel(k));
    return LSTM_OK;
}

#define BINARY(pfx, code)                                                                          \
    LSTM__OP_ENTRIES(pfx, simple_parse, binary_prepare, binary_run, code, 2, NULL)

BINARY(lstm__add, E_ADD)
BINARY(lstm__sub, E_SUB)
BINARY(lstm__mul, E_MUL)
BINARY(lstm__div, E_DIV)
BINARY(lstm__pow, E_POW)
BINARY(lstm__equal, E_EQ)
BINARY(lstm__less, E_LT)
BINARY(lstm__greater, E_GT)
BINARY(lstm__less_equal, E_LE)
BINARY(lstm__greater_equal, E_GE)

/* ---- Where ---- */
int lstm__where_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                      lstm__diag *d)
{
    return simple_parse(g, n, since, params, E_WHERE, 3, NULL, d);
}

int lstm__where_prepare(lstm__kctx *k)
{
    const lstm__rt *c = k->in[0], *x = k->in[1], *y = k->in[2];
    lstm__bcast bc;
    if (c->dtype != LSTM_DT_BOOL)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: condition is %s, expected bool", lstm__klabel(k),
                          lstm__dtype_name(c->dtype));
    if (x->dtype != y->dtype || !lstm__dtype_size(x->dtype))
        return lstm__errf(k->d, LSTM_EINVAL, "%s: X is %s and Y %s, expected one type",
                          lstm__klabel(k), lstm__dtype_name(x->dtype), lstm__dtype_name(y->dtype));
    if (lstm__bcast_init(k, &bc, (const lstm__rt *[]){c, x, y}, 3)) return k->d->code;
    return lstm__rt_set(k, k->out[0], x->dtype, bc.rank, bc.dims);
}

typedef struct where_ctx {
    const lstm__rt *c, *x, *y;
    lstm__rt *o;
    size_t es;
} where_ctx;

/* A span of Where: each output from x or y by its condition byte. */
static void where_span(void *vc, size_t o0, const size_t *off, const size_t *step, size_t n)
{
    const where_ctx *w = vc;
    const uint8_t *c = (const uint8_t *)w->c->data + off[0];
    const size_t es = w->es;
    const char *x = (const char *)w->x->data + off[1] * es,
               *y = (const char *)w->y->data + off[2] * es;
    char *o = (char *)w->o->data + o0 * es;
    if (es == 4) { /* a mask, not a branch: conditions from data are unpredictable */
        for (size_t j = 0; j < n; j++) {
            uint32_t u, v;
            memcpy(&u, x + 4 * j * step[1], 4);
            memcpy(&v, y + 4 * j * step[2], 4);
            const uint32_t m = 0u - (uint32_t)(c[j * step[0]] != 0), r = (u & m) | (v & ~m);
            memcpy(o + 4 * j, &r, 4);
        }
        return;
    }
    for (size_t j = 0; j < n; j++)
        memcpy(o + es * j, c[j * step[0]] ? x + es * j * step[1] : y + es * j * step[2], es);
}

int lstm__where_run(lstm__kctx *k)
{
    lstm__bcast bc;
    lstm__bcast_init(k, &bc, (const lstm__rt *[]){k->in[0], k->in[1], k->in[2]}, 3);
    where_ctx w = {k->in[0], k->in[1], k->in[2], k->out[0], lstm__dtype_size(k->in[1]->dtype)};
    lstm__bcast_spans(&bc, where_span, &w);
    return LSTM_OK;
}

/* ---- Not ---- */
int lstm__not_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                    lstm__diag *d)
{
    return simple_parse(g, n, since, params, E_NOT, 1, NULL, d);
}

int lstm__not_prepare(lstm__kctx *k)
{
    const lstm__rt *x = k->in[0];
    if (x->dtype != LSTM_DT_BOOL)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: input is %s, expected bool", lstm__klabel(k),
                          lstm__dtype_name(x->dtype));
    return lstm__rt_set(k, k->out[0], x->dtype, x->rank, x->dims);
}

int lstm__not_run(lstm__kctx *k)
{
    const uint8_t *x = k->in[0]->data;
    uint8_t *y = k->out[0]->data;
    for (size_t i = 0; i < k->out[0]->nelem; i++) y[i] = !x[i];
    return LSTM_OK;
}

/* ---- unary ---- */
static int unary_prepare(lstm__kctx *k)
{
    const lstm__elt_params *p = k->params;
    const lstm__rt *x = k->in[0];
    if (numeric(k, x)) return k->d->code;
    int ints_ok = p->op == E_NEG || p->op == E_RELU || p->op == E_CLIP;
    if (!lstm__is_float(x->dtype) && !ints_ok)
        return lstm__errf(k->d, LSTM_EUNSUPPORTED,
                          "%s: unsupported type %s (expected a float "
                          "type)",
                          lstm__klabel(k), lstm__dtype_name(x->dtype));
    /* Clip takes integers from opset 12 (Clip-6's float attributes bound no integer); Neg (6)
    ** and Relu (14) signed ones only: a negation or a "below zero" of an unsigned value would
    ** read it as signed. */
    if (p->op == E_CLIP && lstm__is_int(x->dtype) && p->opset < 12)
        return lstm__errf(k->d, LSTM_EUNSUPPORTED,
                          "%s: unsupported type %s (Clip takes float types; integers from opset "
                          "12)",
                          lstm__klabel(k), lstm__dtype_name(x->dtype));
    if (p->op != E_CLIP && lstm__is_int(x->dtype) &&
        (lstm__int_lowest(x->dtype) == 0 || (p->op == E_RELU && p->opset < 14)))
        return lstm__errf(
            k->d, LSTM_EUNSUPPORTED, "%s: unsupported type %s (%s takes float types%s)",
            lstm__klabel(k), lstm__dtype_name(x->dtype), p->op == E_NEG ? "Neg" : "Relu",
            p->op == E_NEG || p->opset >= 14 ? " and signed integers" : "; integers from opset 14");
    return lstm__rt_set(k, k->out[0], x->dtype, x->rank, x->dims);
}

static double unary_f(const lstm__elt_params *p, double x)
{
    switch (p->op) {
    case E_NEG:
        return -x;
    case E_EXP:
        return exp(x);
    case E_LOG:
        return log(x);
    case E_SQRT:
        return sqrt(x);
    case E_RELU:
        return x < 0 ? 0 : x;
    case E_SIGMOID:
        return x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x));
    case E_TANH:
        return tanh(x);
    case E_LEAKY:
        return x < 0 ? p->alpha * x : x;
    case E_HSIG: {
        double v = p->alpha * x + p->beta;
        return v < 0 ? 0 : v > 1 ? 1 : v;
    }
    default:
        return x;
    }
}

static int unary_run(lstm__kctx *k)
{
    const lstm__elt_params *p = k->params;
    const lstm__rt *x = k->in[0];
    lstm__rt *y = k->out[0];
    if (x->dtype == LSTM_DT_FLOAT && p->op == E_RELU) { /* after every Conv: vector loop */
        lstm__vrelu(y->data, x->data, (int64_t)y->nelem);
    } else if (x->dtype == LSTM_DT_FLOAT && (p->op == E_NEG || p->op == E_LOG || p->op == E_SQRT)) {
        /* One loop per op (sqrtf is correctly rounded: the float of the double square root). */
        const float *a = x->data;
        float *o = y->data;
        const size_t n = y->nelem;
        switch (p->op) {
        case E_SQRT:
            for (size_t i = 0; i < n; i++) o[i] = sqrtf(a[i]);
            break;
        case E_NEG:
            for (size_t i = 0; i < n; i++) o[i] = -a[i];
            break;
        default:
            for (size_t i = 0; i < n; i++) o[i] = (float)log(a[i]);
            break;
        }
    } else if (x->dtype == LSTM_DT_FLOAT &&
               (p->op == E_SIGMOID || p->op == E_TANH || p->op == E_EXP)) {
        /* The recurrent cells' vector kernels (within 2e-7 / 4e-7 of libm, exp 3e-7 relative;
        ** a cell written out as Gemm / Sigmoid / Tanh / Mul, Silero at opset 18: 2-3 -> 0.1 us
        ** per node; Exp 4.7 -> 0.3 ns an element). */
        if (y->data != x->data && y->nelem) memcpy(y->data, x->data, y->nelem * sizeof(float));
        if (p->op == E_SIGMOID)
            lstm__vsigmoid(lstm__isa(), y->data, y->nelem);
        else if (p->op == E_TANH)
            lstm__vtanh(lstm__isa(), y->data, y->nelem);
        else
            lstm__vexp(lstm__isa(), y->data, y->nelem);
    } else if (x->dtype == LSTM_DT_FLOAT) {
        const float *a = x->data;
        float *o = y->data;
        for (size_t i = 0; i < y->nelem; i++) o[i] = (float)unary_f(p, a[i]);
    } else if (lstm__is_float(x->dtype)) {
        for (size_t i = 0; i < y->nelem; i++) lstm__put_f(y, i, unary_f(p, lstm__get_f(x, i)));
    } else {
        for (size_t i = 0; i < y->nelem; i++) {
            int64_t v = lstm__get_i(x, i);
            lstm__put_i(y, i, p->op == E_NEG ? (int64_t)(0 - (uint64_t)v) : v < 0 ? 0 : v);
        }
    }
    return LSTM_OK;
}

#define UNARY(pfx, code)                                                                           \
    LSTM__OP_ENTRIES(pfx, simple_parse, unary_prepare, unary_run, code, 1, NULL)

UNARY(lstm__neg, E_NEG)
UNARY(lstm__exp, E_EXP)
UNARY(lstm__log, E_LOG)
UNARY(lstm__sqrt, E_SQRT)
UNARY(lstm__relu, E_RELU)
UNARY(lstm__sigmoid, E_SIGMOID)
UNARY(lstm__tanh, E_TANH)

int lstm__leaky_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                      lstm__diag *d)
{
    lstm__elt_params *p = params;
    static const char *const names[] = {"alpha", NULL};
    return simple_parse(g, n, since, p, E_LEAKY, 1, names, d) ||
           lstm__attr_float(g, n, "alpha", 0.01f, &p->alpha, d);
}
int lstm__leaky_prepare(lstm__kctx *k)
{
    return unary_prepare(k);
}
int lstm__leaky_run(lstm__kctx *k)
{
    return unary_run(k);
}

int lstm__hsig_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                     lstm__diag *d)
{
    lstm__elt_params *p = params;
    static const char *const names[] = {"alpha", "beta", NULL};
    return simple_parse(g, n, since, p, E_HSIG, 1, names, d) ||
           lstm__attr_float(g, n, "alpha", 0.2f, &p->alpha, d) ||
           lstm__attr_float(g, n, "beta", 0.5f, &p->beta, d);
}
int lstm__hsig_prepare(lstm__kctx *k)
{
    return unary_prepare(k);
}
int lstm__hsig_run(lstm__kctx *k)
{
    return unary_run(k);
}

/* ---- Clip: y = min(max(x, min), max), so min > max gives max everywhere (the spec's 11+
** reading, onnxruntime's; used for version 6 too). An absent bound is the type's lowest / largest
** finite value (11+: numeric_limits::lowest() / max(); 6: the attributes' defaults -+FLT_MAX),
** so the spec clips -inf and inf to finite values. ---- */
int lstm__clip_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                     lstm__diag *d)
{
    lstm__elt_params *p = params;
    static const char *const v6[] = {"min", "max", NULL}, *const v11[] = {NULL};
    memset(p, 0, sizeof *p);
    p->op = E_CLIP;
    p->opset = n->opset;
    if (since >= 11)
        return lstm__arity(g, n, 1, 3, 1, 1, d) || lstm__attrs_allowed(g, n, since, v11, d);
    return lstm__arity(g, n, 1, 1, 1, 1, d) || lstm__attrs_allowed(g, n, since, v6, d) ||
           lstm__attr_float(g, n, "min", -FLT_MAX, &p->alpha, d) ||
           lstm__attr_float(g, n, "max", FLT_MAX, &p->beta, d);
}

/* The largest finite value of a floating type. */
static double max_finite(int dtype)
{
    switch (dtype) {
    case LSTM_DT_DOUBLE:
        return DBL_MAX;
    case LSTM_DT_FLOAT16:
        return 65504.0;
    case LSTM_DT_BFLOAT16:
        return 0x1.fep127; /* 0x7F7F */
    default:
        return FLT_MAX;
    }
}

int lstm__clip_prepare(lstm__kctx *k)
{
    for (int i = 1; i < k->n->n_in; i++) {
        const lstm__rt *b = k->in[i];
        if (b && (b->nelem != 1 || b->dtype != k->in[0]->dtype))
            return lstm__errf(k->d, LSTM_EINVAL, "%s: input %s must be a %s scalar",
                              lstm__klabel(k), i == 1 ? "min" : "max",
                              lstm__dtype_name(k->in[0]->dtype));
    }
    return unary_prepare(k);
}

int lstm__clip_run(lstm__kctx *k)
{
    const lstm__elt_params *p = k->params;
    const lstm__rt *x = k->in[0];
    lstm__rt *y = k->out[0];
    const lstm__rt *mn = k->n->n_in > 1 ? k->in[1] : NULL, *mx = k->n->n_in > 2 ? k->in[2] : NULL;
    if (lstm__is_float(x->dtype)) {
        const double big = max_finite(x->dtype);
        double lo = k->since >= 11 ? (mn ? lstm__get_f(mn, 0) : -big) : p->alpha;
        double hi = k->since >= 11 ? (mx ? lstm__get_f(mx, 0) : big) : p->beta;
        for (size_t i = 0; i < y->nelem; i++) {
            double v = lstm__get_f(x, i);
            v = v < lo ? lo : v;
            lstm__put_f(y, i, v > hi ? hi : v); /* NaN stays NaN */
        }
    } else {
        int64_t lo = mn ? lstm__get_i(mn, 0) : INT64_MIN, hi = mx ? lstm__get_i(mx, 0) : INT64_MAX;
        if (x->dtype == LSTM_DT_UINT64) { /* compared unsigned: values above INT64_MAX */
            uint64_t ulo = mn ? (uint64_t)lo : 0, uhi = mx ? (uint64_t)hi : UINT64_MAX;
            for (size_t i = 0; i < y->nelem; i++) {
                uint64_t v = ((const uint64_t *)x->data)[i];
                v = v < ulo ? ulo : v;
                ((uint64_t *)y->data)[i] = v > uhi ? uhi : v;
            }
            return LSTM_OK;
        }
        for (size_t i = 0; i < y->nelem; i++) {
            int64_t v = lstm__get_i(x, i);
            v = v < lo ? lo : v;
            lstm__put_i(y, i, v > hi ? hi : v);
        }
    }
    return LSTM_OK;
}

/* ---- Dropout (inference: Y = X; the mask is all true) ---- */
int lstm__dropout_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                        lstm__diag *d)
{
    lstm__elt_params *p = params;
    static const char *const v7[] = {"ratio", NULL}, *const v12[] = {"seed", NULL};
    memset(p, 0, sizeof *p);
    p->op = E_DROPOUT;
    return lstm__arity(g, n, 1, since >= 12 ? 3 : 1, 1, 2, d) ||
           lstm__attrs_allowed(g, n, since, since >= 12 ? v12 : v7, d);
}

int lstm__dropout_prepare(lstm__kctx *k)
{
    const lstm__rt *x = k->in[0];
    const lstm__rt *ratio = k->n->n_in > 1 ? k->in[1] : NULL,
                   *tm = k->n->n_in > 2 ? k->in[2] : NULL;
    if (tm) {
        if (lstm__need_value(k, 2, "training_mode")) return k->d->code;
        int training = tm->nelem && ((const uint8_t *)tm->data)[0];
        double r = 0.5;
        if (ratio) {
            if (lstm__need_value(k, 1, "ratio")) return k->d->code;
            r = ratio->nelem ? lstm__get_f(ratio, 0) : 0.5;
        }
        /* Training with ratio 0 keeps every element: the same as inference. */
        if (training && r != 0)
            return lstm__errf(k->d, LSTM_EUNSUPPORTED,
                              "%s: training_mode is true with ratio %g; this runtime does "
                              "inference only (random dropout is not reproduced)",
                              lstm__klabel(k), r);
    }
    if (lstm__rt_set(k, k->out[0], x->dtype, x->rank, x->dims)) return k->d->code;
    int mask = k->since >= 10 ? LSTM_DT_BOOL : x->dtype;
    return k->n->n_out > 1 ? lstm__rt_set(k, k->out[1], mask, x->rank, x->dims) : LSTM_OK;
}

int lstm__dropout_run(lstm__kctx *k)
{
    lstm__rt *y = k->out[0];
    if (y && y->nbytes) memcpy(y->data, k->in[0]->data, y->nbytes);
    lstm__rt *m = k->n->n_out > 1 ? k->out[1] : NULL;
    if (m)
        for (size_t i = 0; i < m->nelem; i++) lstm__put_f(m, i, 1.0);
    return LSTM_OK;
}
