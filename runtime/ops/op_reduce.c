/*
** op_reduce.c — ReduceSum (1: axes attribute; 13: axes input), ReduceMean, ReduceMax and
** ReduceProd (1: attribute; 18: input), with keepdims and noop_with_empty_axes (13 / 18). No
** axes reduces every axis unless noop_with_empty_axes is 1. Types per the model's opset: float32,
** float64, float16, int32, int64, uint32, uint64; bfloat16 from 13; int8 / uint8 for ReduceMax
** from 12; bool for ReduceMax from 20 (False < True). Accumulates in double (64-bit integers for
** integer types) and rounds each output once.
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "ops/reduce.h"
#include "dtype.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

enum { R_SUM, R_MEAN, R_MAX, R_PROD };

int lstm__reduce_parse(const lstm__graph *g, const lstm__node *n, int since, void *params, int op,
                       int input_since, lstm__diag *d)
{
    lstm__reduce_params *p = params;
    static const char *const attr[] = {"axes", "keepdims", NULL}, *const input[] = {
                                                                      "keepdims",
                                                                      "noop_with_empty_axes", NULL};
    int by_input = since >= input_since;
    memset(p, 0, sizeof *p);
    p->op = op;
    return lstm__arity(g, n, 1, by_input ? 2 : 1, 1, 1, d) ||
           lstm__attrs_allowed(g, n, since, by_input ? input : attr, d) ||
           lstm__attr_flag(g, n, "keepdims", 1, &p->keepdims, d) ||
           lstm__attr_flag(g, n, "noop_with_empty_axes", 0, &p->noop_empty, d) ||
           lstm__attr_ints(g, n, "axes", p->axes, LSTM__MAX_RANK, &p->n, d);
}

int lstm__reduce_plan(lstm__kctx *k, int *red, int64_t *dims, int *rank)
{
    const lstm__reduce_params *p = k->params;
    const lstm__rt *x = k->in[0];
    int64_t axes[LSTM__MAX_RANK];
    int n = p->n;
    memcpy(axes, p->axes, sizeof axes);
    if (k->n->n_in > 1 && k->in[1] && lstm__read_ints(k, 1, "axes", axes, LSTM__MAX_RANK, &n))
        return k->d->code;
    if (k->n->n_in > 1 && !k->in[1]) n = -1;
    memset(red, 0, sizeof(int) * LSTM__MAX_RANK);
    if (n <= 0) {
        for (int i = 0; i < x->rank; i++) red[i] = !p->noop_empty;
    } else {
        for (int i = 0; i < n; i++) {
            int a;
            if (lstm__axis(k, axes[i], x->rank, &a, "axis")) return k->d->code;
            red[a] = 1;
        }
    }
    *rank = 0;
    for (int i = 0; i < x->rank; i++) {
        if (!red[i])
            dims[(*rank)++] = x->dims[i];
        else if (p->keepdims)
            dims[(*rank)++] = 1;
    }
    return LSTM_OK;
}

/* The first opset whose schema allows dtype; 0: never. */
static int first_opset(int minmax, int dtype)
{
    switch (dtype) {
    case LSTM_DT_FLOAT:
    case LSTM_DT_DOUBLE:
    case LSTM_DT_FLOAT16:
    case LSTM_DT_INT32:
    case LSTM_DT_INT64:
    case LSTM_DT_UINT32:
    case LSTM_DT_UINT64:
        return 1;
    case LSTM_DT_BFLOAT16:
        return 13;
    case LSTM_DT_INT8:
    case LSTM_DT_UINT8:
        return minmax ? 12 : 0;
    case LSTM_DT_BOOL:
        return minmax ? 20 : 0;
    default:
        return 0;
    }
}

int lstm__reduce_check_type(lstm__kctx *k, int minmax)
{
    const lstm__rt *x = k->in[0];
    const int from = first_opset(minmax, x->dtype);
    if (!from)
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type %s (expected %s)",
                          lstm__klabel(k), lstm__dtype_name(x->dtype),
                          minmax ? "float32, float64, float16, bfloat16, int8, uint8, "
                                   "int32, int64, uint32, uint64 or bool"
                                 : "float32, float64, float16, bfloat16, int32, int64, "
                                   "uint32 or uint64");
    if (k->n->opset < from)
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: type %s is allowed from opset %d",
                          lstm__klabel(k), lstm__dtype_name(x->dtype), from);
    return LSTM_OK;
}

static int prepare(lstm__kctx *k)
{
    const lstm__reduce_params *p = k->params;
    const lstm__rt *x = k->in[0];
    int red[LSTM__MAX_RANK], rank;
    int64_t dims[LSTM__MAX_RANK];
    if (lstm__reduce_check_type(k, p->op == R_MAX)) return k->d->code;
    if (lstm__reduce_plan(k, red, dims, &rank)) return k->d->code;
    return lstm__rt_set(k, k->out[0], x->dtype, rank, dims);
}

/* float32 Sum / Mean over one run of adjacent axes, X seen as [outer, R, inner]: each output
** is summed in double over r = 0 .. R-1, the order of the general loop below (so the same
** float), 64 inner elements at a time. 0 when the axes are not such a run. */
static int run_f32_block(lstm__kctx *k, const int *red)
{
    const lstm__reduce_params *p = k->params;
    const lstm__rt *x = k->in[0];
    lstm__rt *y = k->out[0];
    if (x->dtype != LSTM_DT_FLOAT || (p->op != R_SUM && p->op != R_MEAN)) return 0;
    int a = 0, b = x->rank - 1;
    while (a < x->rank && !red[a]) a++;
    while (b >= 0 && !red[b]) b--;
    if (a > b) return 0;
    for (int i = a; i <= b; i++)
        if (!red[i]) return 0;
    size_t outer = 1, R = 1, inner = 1;
    for (int i = 0; i < x->rank; i++)
        *(i < a ? &outer : i <= b ? &R : &inner) *= (size_t)x->dims[i];
    if (!R || !y->nelem) return 0;
    const float *xs = x->data;
    float *ys = y->data;
    for (size_t o = 0; o < outer; o++)
        for (size_t i0 = 0; i0 < inner; i0 += 64) {
            const size_t n = inner - i0 < 64 ? inner - i0 : 64;
            double acc[64] = {0};
            for (size_t r = 0; r < R; r++) {
                const float *row = xs + (o * R + r) * inner + i0;
                for (size_t i = 0; i < n; i++) acc[i] += row[i];
            }
            for (size_t i = 0; i < n; i++)
                ys[o * inner + i0 + i] = (float)(p->op == R_MEAN ? acc[i] / (double)R : acc[i]);
        }
    return 1;
}

/* One output element at a time: its reduced elements are visited with an odometer over the
** reduced axes and summed (multiplied) in a double (floats) or a wrapping 64-bit integer, then
** stored once,
** so float16 / bfloat16 / float32 outputs are rounded once rather than at every step. */
static int run(lstm__kctx *k)
{
    const lstm__reduce_params *p = k->params;
    const lstm__rt *x = k->in[0];
    lstm__rt *y = k->out[0];
    int red[LSTM__MAX_RANK], rank, nr = 0, nk = 0, rax[LSTM__MAX_RANK], kax[LSTM__MAX_RANK];
    int64_t dims[LSTM__MAX_RANK], xst[LSTM__MAX_RANK], s = 1;
    lstm__reduce_plan(k, red, dims, &rank);
    if (run_f32_block(k, red)) return LSTM_OK;
    for (int i = x->rank - 1; i >= 0; i--) {
        xst[i] = s;
        s *= x->dims[i];
    }
    for (int i = 0; i < x->rank; i++) {
        if (red[i])
            rax[nr++] = i;
        else
            kax[nk++] = i;
    }
    int fl = lstm__is_float(x->dtype), u64 = x->dtype == LSTM_DT_UINT64;
    size_t count = y->nelem ? x->nelem / y->nelem : 0;
    for (size_t o = 0; o < y->nelem; o++) {
        /* The input offset of this output's first element: its kept-axis indices. */
        size_t base = 0, rest = o;
        for (int j = nk - 1; j >= 0; j--) {
            size_t d = (size_t)x->dims[kax[j]];
            base += rest % d * (size_t)xst[kax[j]];
            rest /= d;
        }
        int64_t ridx[LSTM__MAX_RANK] = {0};
        double sf = p->op == R_MAX ? -INFINITY : p->op == R_PROD ? 1.0 : 0.0;
        int64_t si = p->op == R_MAX ? lstm__int_lowest(x->dtype) : p->op == R_PROD;
        for (size_t e = 0; e < count; e++) {
            size_t off = base;
            for (int j = 0; j < nr; j++) off += (size_t)(ridx[j] * xst[rax[j]]);
            if (fl) {
                double v = lstm__get_f(x, off);
                sf = p->op == R_MAX    ? (v > sf || isnan(v) ? v : sf)
                     : p->op == R_PROD ? sf * v
                                       : sf + v;
            } else {
                int64_t v = lstm__get_i(x, off);
                int gt = u64 ? (uint64_t)v > (uint64_t)si : v > si;
                si = p->op == R_MAX    ? (gt ? v : si)
                     : p->op == R_PROD ? (int64_t)((uint64_t)si * (uint64_t)v)
                                       : (int64_t)((uint64_t)si + (uint64_t)v);
            }
            for (int j = nr - 1; j >= 0; j--) {
                if (++ridx[j] < x->dims[rax[j]]) break;
                ridx[j] = 0;
            }
        }
        if (p->op == R_MEAN && count) {
            sf /= (double)count;
            si = u64 ? (int64_t)((uint64_t)si / count) : si / (int64_t)count;
        }
        if (fl)
            lstm__put_f(y, o, sf);
        else
            lstm__put_i(y, o, si);
    }
    return LSTM_OK;
}

LSTM__OP_ENTRIES(lstm__reduce_sum, lstm__reduce_parse, prepare, run, R_SUM, 13)
LSTM__OP_ENTRIES(lstm__reduce_mean, lstm__reduce_parse, prepare, run, R_MEAN, 18)
LSTM__OP_ENTRIES(lstm__reduce_max, lstm__reduce_parse, prepare, run, R_MAX, 18)
LSTM__OP_ENTRIES(lstm__reduce_prod, lstm__reduce_parse, prepare, run, R_PROD, 18)
