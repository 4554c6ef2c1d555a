/*
** op_const.c — Constant (1, 9, 11; from 12 also value_float(s) / value_int(s); string and sparse
** values refused) and Cast (6, 9, 13, 19...: between the numeric types and bool; float -> int
** truncates toward zero, NaN gives 0 and out-of-range values saturate so nothing is undefined;
** integers narrow by keeping the low bits; `saturate` (19+) and `round_mode` (24+) only concern
** float8 types, which are not supported, so they change nothing). One registry row covers every
** version of each: the version-dependent forms check the node's opset.
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"

#include <math.h>
#include <string.h>

/* ---- Constant ---- */
int lstm__constant_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                         lstm__diag *d)
{
    lstm__constant_params *p = params;
    char b[LSTM__LABEL_MAX];
    if (lstm__arity(g, n, 0, 0, 1, 1, d)) return d->code;
    if (n->n_attr != 1)
        return lstm__errf(d, LSTM_EMODEL, "%s must have exactly one value attribute, it has %d",
                          lstm__node_ctx(g, n, b, sizeof b), n->n_attr);
    const lstm__attr *a = &n->attrs[0];
    if (!strcmp(a->name, "value_string") || !strcmp(a->name, "value_strings") ||
        !strcmp(a->name, "sparse_value"))
        return lstm__errf(d, LSTM_EUNSUPPORTED,
                          "%s: attribute '%s': %s constants are not supported (this runtime has "
                          "no %s tensors)",
                          lstm__node_ctx(g, n, b, sizeof b), a->name,
                          a->name[0] == 's' ? "sparse" : "string",
                          a->name[0] == 's' ? "sparse" : "string");
    struct {
        const char *name;
        int type, min_since;
    } forms[] = {{"value", LSTM__A_TENSOR, 1},
                 {"value_float", LSTM__A_FLOAT, 12},
                 {"value_floats", LSTM__A_FLOATS, 12},
                 {"value_int", LSTM__A_INT, 12},
                 {"value_ints", LSTM__A_INTS, 12}};
    (void)since; /* one row for every version: the forms depend on the node's opset */
    int f = -1;
    for (int i = 0; i < 5; i++)
        if (strcmp(a->name, forms[i].name) == 0) f = i;
    if (f < 0 || n->opset < forms[f].min_since)
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute '%s' is not an attribute of Constant%s",
                          lstm__node_ctx(g, n, b, sizeof b), a->name,
                          f < 0 ? "" : " before opset 12");
    if (a->type != forms[f].type)
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute '%s' has the wrong type",
                          lstm__node_ctx(g, n, b, sizeof b), a->name);
    memset(p, 0, sizeof *p);
    switch (f) {
    case 0:
        p->t = a->t;
        p->dtype = a->t->dtype;
        p->data = a->t->data;
        p->nelem = a->t->nelem;
        break;
    case 1:
        p->dtype = LSTM_DT_FLOAT, p->data = &a->f, p->nelem = 1;
        break;
    case 2:
        p->dtype = LSTM_DT_FLOAT, p->data = a->floats, p->nelem = a->n, p->rank = 1;
        break;
    case 3:
        p->dtype = LSTM_DT_INT64, p->data = &a->i, p->nelem = 1;
        break;
    case 4:
        p->dtype = LSTM_DT_INT64, p->data = a->ints, p->nelem = a->n, p->rank = 1;
        break;
    default:
        break;
    }
    p->dims[0] = (int64_t)p->nelem;
    return LSTM_OK;
}

int lstm__constant_prepare(lstm__kctx *k)
{
    const lstm__constant_params *p = k->params;
    if (p->t) return lstm__rt_set(k, k->out[0], p->dtype, p->t->rank, p->t->dims);
    return lstm__rt_set(k, k->out[0], p->dtype, p->rank, p->dims);
}

int lstm__constant_run(lstm__kctx *k)
{
    const lstm__constant_params *p = k->params;
    if (k->out[0] && k->out[0]->nbytes) memcpy(k->out[0]->data, p->data, k->out[0]->nbytes);
    return LSTM_OK;
}

/* ---- Cast ---- */
static int castable(int t)
{
    switch (t) {
    case LSTM_DT_FLOAT:
    case LSTM_DT_DOUBLE:
    case LSTM_DT_FLOAT16:
    case LSTM_DT_BFLOAT16:
    case LSTM_DT_INT8:
    case LSTM_DT_INT16:
    case LSTM_DT_INT32:
    case LSTM_DT_INT64:
    case LSTM_DT_UINT8:
    case LSTM_DT_UINT16:
    case LSTM_DT_UINT32:
    case LSTM_DT_UINT64:
    case LSTM_DT_BOOL:
        return 1;
    default:
        return 0;
    }
}

static int is_float(int t)
{
    return t == LSTM_DT_FLOAT || t == LSTM_DT_DOUBLE || t == LSTM_DT_FLOAT16 ||
           t == LSTM_DT_BFLOAT16;
}

int lstm__cast_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                     lstm__diag *d)
{
    lstm__cast_params *p = params;
    static const char *const v6[] = {"to", NULL}, *const v19[] = {"to", "saturate", NULL},
                             *const v24[] = {"to", "saturate", "round_mode", NULL};
    char b[LSTM__LABEL_MAX];
    int64_t to, sat;
    const lstm__attr *rm = lstm__attr_find(n, "round_mode");
    /* One row covers every version: the attributes depend on the node's opset. */
    int ver = n->opset >= 24 ? 24 : n->opset >= 19 ? 19 : since;
    const char *const *names = ver == 24 ? v24 : ver == 19 ? v19 : v6;
    if (lstm__arity(g, n, 1, 1, 1, 1, d) || lstm__attrs_allowed(g, n, ver, names, d) ||
        lstm__attr_int(g, n, "to", -1, &to, d) || lstm__attr_flag(g, n, "saturate", 1, &sat, d))
        return d->code;
    if (rm && (rm->type != LSTM__A_STRING ||
               (strcmp(rm->s, "up") && strcmp(rm->s, "down") && strcmp(rm->s, "nearest"))))
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'round_mode' must be up, down or nearest",
                          lstm__node_ctx(g, n, b, sizeof b));
    if (to < 0)
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'to' is required",
                          lstm__node_ctx(g, n, b, sizeof b));
    if (!castable((int)to) || to > 100)
        return lstm__errf(d, LSTM_EUNSUPPORTED, "%s: unsupported type: cast to %s",
                          lstm__node_ctx(g, n, b, sizeof b), lstm__dtype_name((int)to));
    p->to = (int)to;
    return LSTM_OK;
}

int lstm__cast_prepare(lstm__kctx *k)
{
    const lstm__cast_params *p = k->params;
    const lstm__rt *x = k->in[0];
    if (!castable(x->dtype))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type: cast from %s",
                          lstm__klabel(k), lstm__dtype_name(x->dtype));
    return lstm__rt_set(k, k->out[0], p->to, x->rank, x->dims);
}

static double get_f(int t, const void *d, size_t i)
{
    switch (t) {
    case LSTM_DT_FLOAT:
        return ((const float *)d)[i];
    case LSTM_DT_DOUBLE:
        return ((const double *)d)[i];
    case LSTM_DT_FLOAT16:
        return lstm__f16_to_f32(((const uint16_t *)d)[i]);
    default:
        return lstm__bf16_to_f32(((const uint16_t *)d)[i]);
    }
}

static int64_t get_i(int t, const void *d, size_t i, uint64_t *u)
{
    *u = 0;
    switch (t) {
    case LSTM_DT_INT8:
        return ((const int8_t *)d)[i];
    case LSTM_DT_INT16:
        return ((const int16_t *)d)[i];
    case LSTM_DT_INT32:
        return ((const int32_t *)d)[i];
    case LSTM_DT_INT64:
        return ((const int64_t *)d)[i];
    case LSTM_DT_UINT8:
    case LSTM_DT_BOOL:
        return ((const uint8_t *)d)[i];
    case LSTM_DT_UINT16:
        return ((const uint16_t *)d)[i];
    case LSTM_DT_UINT32:
        return ((const uint32_t *)d)[i];
    default:
        *u = ((const uint64_t *)d)[i];
        return *u > INT64_MAX ? -1 : (int64_t)*u;
    }
}

/* u rounded to the nearest float, ties to even, in integer arithmetic: the CPU's conversion
** does the same, but valgrind emulates it through double and rounds twice above 2^53. */
static float u64_to_f32(uint64_t u)
{
    if (u < (1u << 24)) return (float)u; /* exact */
    int drop = 0;
    while (u >> drop >= (1u << 24)) drop++;
    uint64_t kept = u >> drop, rest = u & ((UINT64_C(1) << drop) - 1),
             half = UINT64_C(1) << (drop - 1);
    if (rest > half || (rest == half && (kept & 1))) kept++; /* 2^24 at most: still exact */
    return ldexpf((float)kept, drop);
}

/* Saturating double -> integer range [lo, hi]; NaN -> 0. */
static int64_t f2i(double v, double lo, double hi)
{
    if (isnan(v)) return 0;
    if (v <= lo) return (int64_t)lo;
    if (v >= hi) return hi >= 9.2e18 ? INT64_MAX : (int64_t)hi;
    return (int64_t)v;
}

/* An integer given as its 64-bit two's complement bits u, narrowed to the low bits of type t
** and read in t (200 as int16 -> -56 as int8), or bool (nonzero). */
static void put_int(int t, void *d, size_t i, uint64_t u)
{
    switch (t) {
    case LSTM_DT_INT8:
        ((int8_t *)d)[i] = (int8_t)(uint8_t)u;
        break;
    case LSTM_DT_INT16:
        ((int16_t *)d)[i] = (int16_t)(uint16_t)u;
        break;
    case LSTM_DT_INT32:
        ((int32_t *)d)[i] = (int32_t)(uint32_t)u;
        break;
    case LSTM_DT_INT64:
        ((int64_t *)d)[i] = (int64_t)u;
        break;
    case LSTM_DT_UINT8:
        ((uint8_t *)d)[i] = (uint8_t)u;
        break;
    case LSTM_DT_BOOL:
        ((uint8_t *)d)[i] = u != 0;
        break;
    case LSTM_DT_UINT16:
        ((uint16_t *)d)[i] = (uint16_t)u;
        break;
    case LSTM_DT_UINT32:
        ((uint32_t *)d)[i] = (uint32_t)u;
        break;
    default:
        ((uint64_t *)d)[i] = u;
        break;
    }
}

static void put_f(int t, void *d, size_t i, double v)
{
    switch (t) {
    case LSTM_DT_FLOAT:
        ((float *)d)[i] = (float)v;
        break;
    case LSTM_DT_DOUBLE:
        ((double *)d)[i] = v;
        break;
    case LSTM_DT_FLOAT16:
        ((uint16_t *)d)[i] = lstm__f32_to_f16((float)v);
        break;
    default:
        ((uint16_t *)d)[i] = lstm__f32_to_bf16((float)v);
        break;
    }
}

/* The conversions models run on whole activations, as plain loops (the general one below
** switches on both types per element: 35% of a dynamically quantized MatMul's time was its
** Cast of 16K int32 sums). Each gives what the general loop gives: an integer of at most 32
** bits converts to float with one rounding, float to double exactly, double to float with one
** rounding. Returns 0 for the other pairs. */
#define CAST_LOOP(S, D)                                                                            \
    do {                                                                                           \
        const S *a = x->data;                                                                      \
        D *b = y->data;                                                                            \
        for (size_t i = 0; i < x->nelem; i++) b[i] = (D)a[i];                                      \
    } while (0)

static int cast_direct(const lstm__rt *x, lstm__rt *y)
{
    if (y->dtype == LSTM_DT_FLOAT) {
        switch (x->dtype) {
        case LSTM_DT_INT32:
            CAST_LOOP(int32_t, float);
            return 1;
        case LSTM_DT_INT16:
            CAST_LOOP(int16_t, float);
            return 1;
        case LSTM_DT_INT8:
            CAST_LOOP(int8_t, float);
            return 1;
        case LSTM_DT_UINT8:
            CAST_LOOP(uint8_t, float);
            return 1;
        case LSTM_DT_UINT16:
            CAST_LOOP(uint16_t, float);
            return 1;
        case LSTM_DT_DOUBLE:
            CAST_LOOP(double, float);
            return 1;
        case LSTM_DT_FLOAT16:
        case LSTM_DT_BFLOAT16: {
            const uint16_t *a = x->data;
            float *b = y->data;
            const int bf = x->dtype == LSTM_DT_BFLOAT16;
            for (size_t i = 0; i < x->nelem; i++)
                b[i] = bf ? lstm__bf16_to_f32(a[i]) : lstm__f16_to_f32(a[i]);
            return 1;
        }
        default:
            return 0;
        }
    }
    if (y->dtype == LSTM_DT_DOUBLE && x->dtype == LSTM_DT_FLOAT) {
        CAST_LOOP(float, double);
        return 1;
    }
    /* float32 <-> float16 / bfloat16 (half-precision models' boundaries): one rounding to the
       nearest even one way, exact the other, as the general loop. */
    const int half = y->dtype == LSTM_DT_FLOAT16 || y->dtype == LSTM_DT_BFLOAT16;
    if (x->dtype == LSTM_DT_FLOAT && half) {
        const float *a = x->data;
        uint16_t *b = y->data;
        if (y->dtype == LSTM_DT_FLOAT16)
            for (size_t i = 0; i < x->nelem; i++) b[i] = lstm__f32_to_f16(a[i]);
        else
            for (size_t i = 0; i < x->nelem; i++) b[i] = lstm__f32_to_bf16(a[i]);
        return 1;
    }
    return 0;
}

int lstm__cast_run(lstm__kctx *k)
{
    const lstm__rt *x = k->in[0];
    lstm__rt *y = k->out[0];
    int from = x->dtype, to = y->dtype;
    if (from == to && from != LSTM_DT_BOOL) { /* the same bytes (bool normalises below) */
        if (y->nbytes && y->data != x->data) memcpy(y->data, x->data, y->nbytes);
        return LSTM_OK;
    }
    if (cast_direct(x, y)) return LSTM_OK;
    /* Integer ranges of the targets, for saturation of float sources. */
    double lo = 0, hi = 0;
    switch (to) {
    case LSTM_DT_INT8:
        lo = -128, hi = 127;
        break;
    case LSTM_DT_INT16:
        lo = -32768, hi = 32767;
        break;
    case LSTM_DT_INT32:
        lo = -2147483648.0, hi = 2147483647.0;
        break;
    case LSTM_DT_INT64:
        lo = -9.2233720368547758e18, hi = 9.2233720368547758e18;
        break;
    case LSTM_DT_UINT8:
        hi = 255;
        break;
    case LSTM_DT_UINT16:
        hi = 65535;
        break;
    case LSTM_DT_UINT32:
        hi = 4294967295.0;
        break;
    case LSTM_DT_UINT64:
        hi = 1.8e19;
        break;
    default:
        break;
    }
    for (size_t i = 0; i < x->nelem; i++) {
        if (is_float(from)) {
            double v = get_f(from, x->data, i);
            if (is_float(to))
                put_f(to, y->data, i, v);
            else if (to == LSTM_DT_BOOL)
                ((uint8_t *)y->data)[i] = v != 0;
            else if (to == LSTM_DT_UINT64)
                ((uint64_t *)y->data)[i] = isnan(v) || v <= 0           ? 0
                                           : v >= 1.8446744073709552e19 ? UINT64_MAX
                                                                        : (uint64_t)v;
            else
                put_int(to, y->data, i, (uint64_t)f2i(v, lo, hi));
        } else {
            uint64_t u;
            int64_t v = get_i(from, x->data, i, &u);
            if (from == LSTM_DT_BOOL) v = v != 0; /* any nonzero byte is true */
            int big = from == LSTM_DT_UINT64 && u > INT64_MAX;
            if (to == LSTM_DT_FLOAT) /* one rounding (through double, 2^53+ would round twice) */
                ((float *)y->data)[i] = big || v >= 0 ? u64_to_f32(big ? u : (uint64_t)v)
                                                      : -u64_to_f32(0 - (uint64_t)v);
            else if (is_float(to))
                put_f(to, y->data, i, big ? (double)u : (double)v);
            else
                put_int(to, y->data, i, big ? u : (uint64_t)v);
        }
    }
    return LSTM_OK;
}
