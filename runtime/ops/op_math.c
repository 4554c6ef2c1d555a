/*
** op_math.c — element-wise math functions of one input: Abs (6; every numeric type), Ceil,
** Floor (6), Round (11; halves to even), Erf (9), Sin, Cos (7; 13 / 22 add bfloat16). Versions
** 1 (with consumed_inputs) are refused by the registry. float32 computes in float with the C
** library; float64, float16 and bfloat16 in double, rounded to the type.
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "simd/simd.h"
#include "dtype.h"

#include <math.h>
#include <string.h>

enum { M_ABS, M_CEIL, M_FLOOR, M_ROUND, M_ERF, M_SIN, M_COS };

static const char *const names[] = {"Abs", "Ceil", "Floor", "Round", "Erf", "Sin", "Cos"};

static int parse(const lstm__graph *g, const lstm__node *n, int since, void *params, int op,
                 lstm__diag *d)
{
    lstm__elt_params *p = params;
    static const char *const none[] = {NULL};
    memset(p, 0, sizeof *p);
    p->op = op;
    return lstm__arity(g, n, 1, 1, 1, 1, d) || lstm__attrs_allowed(g, n, since, none, d);
}

static int prepare(lstm__kctx *k)
{
    const lstm__elt_params *p = k->params;
    const lstm__rt *x = k->in[0];
    if (!lstm__is_float(x->dtype) && !(p->op == M_ABS && lstm__is_int(x->dtype)))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type %s (%s takes %s types)",
                          lstm__klabel(k), lstm__dtype_name(x->dtype), names[p->op],
                          p->op == M_ABS ? "numeric" : "floating");
    return lstm__rt_set(k, k->out[0], x->dtype, x->rank, x->dims);
}

static float f32(int op, float x)
{
    switch (op) {
    case M_ABS:
        return fabsf(x);
    case M_CEIL:
        return ceilf(x);
    case M_FLOOR:
        return floorf(x);
    case M_ROUND:
        return nearbyintf(x); /* the default rounding mode: to nearest, halves to even */
    case M_ERF:
        return erff(x);
    case M_SIN:
        return sinf(x);
    default:
        return cosf(x);
    }
}

static double f64(int op, double x)
{
    switch (op) {
    case M_ABS:
        return fabs(x);
    case M_CEIL:
        return ceil(x);
    case M_FLOOR:
        return floor(x);
    case M_ROUND:
        return nearbyint(x);
    case M_ERF:
        return erf(x);
    case M_SIN:
        return sin(x);
    default:
        return cos(x);
    }
}

/* Erf on float32: the vectorised erf (within 3 ulp; libm's erff took 55 ns an element here). */
static void erf_f32(const float *x, float *y, size_t n)
{
    if (n && y != x) memcpy(y, x, n * sizeof *y);
    lstm__verf(lstm__isa(), y, n);
}

static int run(lstm__kctx *k)
{
    const lstm__elt_params *p = k->params;
    const lstm__rt *x = k->in[0];
    lstm__rt *y = k->out[0];
    if (x->dtype == LSTM_DT_FLOAT && p->op == M_ERF) {
        erf_f32(x->data, y->data, y->nelem);
    } else if (x->dtype == LSTM_DT_FLOAT) {
        const float *a = x->data;
        float *o = y->data;
        for (size_t i = 0; i < y->nelem; i++) o[i] = f32(p->op, a[i]);
    } else if (lstm__is_float(x->dtype)) {
        for (size_t i = 0; i < y->nelem; i++) lstm__put_f(y, i, f64(p->op, lstm__get_f(x, i)));
    } else if (x->dtype == LSTM_DT_UINT64 || x->dtype == LSTM_DT_UINT32 ||
               x->dtype == LSTM_DT_UINT16 || x->dtype == LSTM_DT_UINT8) {
        if (y->nbytes) memcpy(y->data, x->data, y->nbytes); /* Abs of unsigned: itself */
    } else {
        for (size_t i = 0; i < y->nelem; i++) {
            int64_t v = lstm__get_i(x, i);
            lstm__put_i(y, i, v < 0 ? (int64_t)(0 - (uint64_t)v) : v); /* the minimum stays */
        }
    }
    return LSTM_OK;
}

LSTM__OP_FAMILY(lstm__abs, M_ABS)
LSTM__OP_FAMILY(lstm__ceil, M_CEIL)
LSTM__OP_FAMILY(lstm__floor, M_FLOOR)
LSTM__OP_FAMILY(lstm__round, M_ROUND)
LSTM__OP_FAMILY(lstm__erf, M_ERF)
LSTM__OP_FAMILY(lstm__sine, M_SIN)
LSTM__OP_FAMILY(lstm__cosine, M_COS)
