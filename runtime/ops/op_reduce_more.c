/*
** op_reduce_more.c — ReduceMin, ReduceL1, ReduceL2, ReduceSumSquare, ReduceLogSum and
** ReduceLogSumExp (1, 11, 13: axes attribute; 18: axes input and noop_with_empty_axes), on
** op_reduce.c's attributes and axis plan. Types per the model's opset: int8 / uint8 for ReduceMin
** from 12, bfloat16 from 13, bool for ReduceMin from 20 (False < True).
** Floats accumulate in double and each output is rounded once. Integers compute in the type as
** the opset-18 function bodies do (|x|, x * x and sums wrap), except ReduceLogSumExp, which goes
** through double; a square root or logarithm is truncated toward zero into the type (saturating;
** what NaN or an infinity gives is undefined by the spec). Reducing nothing gives ReduceMin +inf
** (the type's largest value), L1 / L2 / SumSquare 0, LogSum / LogSumExp -inf. With
** noop_with_empty_axes each element still goes through the non-reducing steps (L2 gives |x|).
** ReduceLogSumExp is m + log(sum(exp(x - m))), m the largest element: NaN when an element is NaN,
** +inf when one is +inf. ReduceMin propagates NaN.
** Float outputs whose elements lie side by side (the input's last axis kept) are computed 64 at
** a time in one walk; the others read their elements in chunks of adjacent ones.
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "ops/reduce.h"
#include "dtype.h"

#include <math.h>
#include <stdint.h>

enum { M_MIN, M_L1, M_L2, M_SUMSQ, M_LOGSUM, M_LOGSUMEXP };
enum { S_PLAIN, S_ABS, S_SQUARE }; /* what is summed */

static int prepare(lstm__kctx *k)
{
    const lstm__reduce_params *p = k->params;
    const lstm__rt *x = k->in[0];
    int red[LSTM__MAX_RANK], rank;
    int64_t dims[LSTM__MAX_RANK];
    if (lstm__reduce_check_type(k, p->op == M_MIN)) return k->d->code;
    if (lstm__reduce_plan(k, red, dims, &rank)) return k->d->code;
    lstm__rwalk_init(k->state, x, red);
    return lstm__rt_set(k, k->out[0], x->dtype, rank, dims);
}

/* Float outputs o .. o + nb - 1 (a block of lstm__rwalk_block) into res: one walk for all,
** reading a row of nb adjacent elements per step, each output in the walk's order. */
static void float_block(const lstm__rwalk *w, const lstm__rt *x, int op, size_t o, size_t nb,
                        double *res)
{
    double acc[LSTM__RWALK_BLOCK], m[LSTM__RWALK_BLOCK], row[LSTM__RWALK_BLOCK];
    int64_t ridx[LSTM__MAX_RANK] = {0};
    size_t base = lstm__rwalk_base(w, o), off = base;
    for (size_t i = 0; i < nb; i++) {
        acc[i] = op == M_MIN ? INFINITY : 0.0;
        m[i] = -INFINITY;
    }
    for (size_t e = 0; e < w->count; e++, off = lstm__rwalk_next(w, ridx, off)) {
        lstm__rwalk_load(x, off, nb, row);
        switch (op) {
        case M_MIN:
            for (size_t i = 0; i < nb; i++)
                if (row[i] < acc[i] || isnan(row[i])) acc[i] = row[i]; /* NaN stays */
            break;
        case M_L1:
            for (size_t i = 0; i < nb; i++) acc[i] += fabs(row[i]);
            break;
        case M_L2:
        case M_SUMSQ:
            for (size_t i = 0; i < nb; i++) acc[i] += row[i] * row[i];
            break;
        case M_LOGSUM:
            for (size_t i = 0; i < nb; i++) acc[i] += row[i];
            break;
        default: /* M_LOGSUMEXP: the largest element first (NaN stays) */
            for (size_t i = 0; i < nb; i++)
                if (row[i] > m[i] || isnan(row[i])) m[i] = row[i];
            break;
        }
    }
    if (op == M_LOGSUMEXP) {
        off = base;
        for (size_t e = 0; e < w->count; e++, off = lstm__rwalk_next(w, ridx, off)) {
            lstm__rwalk_load(x, off, nb, row);
            for (size_t i = 0; i < nb; i++)
                if (isfinite(m[i])) acc[i] += exp(row[i] - m[i]);
        }
    }
    for (size_t i = 0; i < nb; i++)
        res[i] = op == M_L2          ? sqrt(acc[i])
                 : op == M_LOGSUM    ? log(acc[i])
                 : op != M_LOGSUMEXP ? acc[i]
                 : isfinite(m[i])    ? m[i] + log(acc[i])
                                     : m[i]; /* NaN; +inf; -inf: only -inf, or nothing */
}

/* Float output o alone (float_block for a block of one), in chunks of adjacent elements. */
static double float_one(const lstm__rwalk *w, const lstm__rt *x, int op, size_t o)
{
    double row[LSTM__RWALK_BLOCK], acc = op == M_MIN ? INFINITY : 0.0, m = -INFINITY;
    size_t base = lstm__rwalk_base(w, o), off, n;
    lstm__rchunks it;
    for (lstm__rchunks_start(&it, w, base); lstm__rchunks_next(&it, &off, &n);) {
        lstm__rwalk_load(x, off, n, row);
        switch (op) {
        case M_MIN:
            for (size_t i = 0; i < n; i++)
                if (row[i] < acc || isnan(row[i])) acc = row[i]; /* NaN stays */
            break;
        case M_L1:
            for (size_t i = 0; i < n; i++) acc += fabs(row[i]);
            break;
        case M_L2:
        case M_SUMSQ:
            for (size_t i = 0; i < n; i++) acc += row[i] * row[i];
            break;
        case M_LOGSUM:
            for (size_t i = 0; i < n; i++) acc += row[i];
            break;
        default:
            for (size_t i = 0; i < n; i++)
                if (row[i] > m || isnan(row[i])) m = row[i];
            break;
        }
    }
    if (op == M_L2) return sqrt(acc);
    if (op == M_LOGSUM) return log(acc);
    if (op != M_LOGSUMEXP) return acc;
    if (!isfinite(m)) return m; /* NaN; +inf; -inf: only -inf, or nothing */
    for (lstm__rchunks_start(&it, w, base); lstm__rchunks_next(&it, &off, &n);) {
        lstm__rwalk_load(x, off, n, row);
        for (size_t i = 0; i < n; i++) acc += exp(row[i] - m);
    }
    return m + log(acc);
}

/* v as arithmetic in the type leaves it: its low bits, sign-extended for signed types. */
static int64_t wrap(int dtype, uint64_t v)
{
    switch (dtype) {
    case LSTM_DT_INT8:
        return (int8_t)v;
    case LSTM_DT_UINT8:
        return (uint8_t)v;
    case LSTM_DT_INT32:
        return (int32_t)v;
    case LSTM_DT_UINT32:
        return (uint32_t)v;
    default:
        return (int64_t)v;
    }
}

/* A wrapped integer as a double (uint64 unsigned). */
static double int_value(int dtype, int64_t v)
{
    return dtype == LSTM_DT_UINT64 ? (double)(uint64_t)v : (double)v;
}

/* Store v truncated toward zero into integer output element o, saturating; NaN gives 0. */
static void put_trunc(lstm__rt *y, size_t o, double v)
{
    int u64 = y->dtype == LSTM_DT_UINT64;
    double hi = u64 ? 18446744073709551615.0 : (double)lstm__int_highest(y->dtype);
    double lo = (double)lstm__int_lowest(y->dtype);
    int64_t r;
    if (isnan(v))
        r = 0;
    else if (v >= hi)
        r = lstm__int_highest(y->dtype);
    else if (v <= lo)
        r = lstm__int_lowest(y->dtype);
    else
        r = u64 ? (int64_t)(uint64_t)v : (int64_t)v;
    lstm__put_i(y, o, r);
}

static int64_t min_i(const lstm__rwalk *w, const lstm__rt *x, size_t off)
{
    int64_t ridx[LSTM__MAX_RANK] = {0}, m = lstm__int_highest(x->dtype);
    int u64 = x->dtype == LSTM_DT_UINT64;
    for (size_t e = 0; e < w->count; e++, off = lstm__rwalk_next(w, ridx, off)) {
        int64_t v = lstm__get_i(x, off);
        if (u64 ? (uint64_t)v < (uint64_t)m : v < m) m = v;
    }
    return m;
}

/* log(sum(exp(x))) of integers through double, the largest element subtracted. */
static double logsumexp_i(const lstm__rwalk *w, const lstm__rt *x, size_t base)
{
    int64_t ridx[LSTM__MAX_RANK] = {0};
    double m = -INFINITY, s = 0;
    size_t off = base;
    for (size_t e = 0; e < w->count; e++, off = lstm__rwalk_next(w, ridx, off)) {
        double v = lstm__get_f(x, off);
        if (v > m) m = v;
    }
    if (isinf(m)) return m; /* nothing to reduce */
    off = base;
    for (size_t e = 0; e < w->count; e++, off = lstm__rwalk_next(w, ridx, off))
        s += exp(lstm__get_f(x, off) - m);
    return m + log(s);
}

/* The sum in the type (wrapping) of x, |x| or x * x. */
static int64_t sum_i(const lstm__rwalk *w, const lstm__rt *x, size_t off, int what)
{
    int64_t ridx[LSTM__MAX_RANK] = {0};
    uint64_t s = 0;
    int sign = x->dtype != LSTM_DT_UINT64; /* get_i holds uint64 in an int64 */
    for (size_t e = 0; e < w->count; e++, off = lstm__rwalk_next(w, ridx, off)) {
        int64_t v = lstm__get_i(x, off);
        uint64_t u = (uint64_t)v;
        if (what == S_SQUARE)
            u *= u;
        else if (what == S_ABS && sign && v < 0)
            u = 0 - u;
        s += u;
    }
    return wrap(x->dtype, s);
}

/* Integer output o: ReduceMin and the sums in the type; a square root or logarithm through
** double, truncated; ReduceLogSumExp in double. */
static void int_one(const lstm__rwalk *w, const lstm__rt *x, int op, lstm__rt *y, size_t o)
{
    size_t base = lstm__rwalk_base(w, o);
    int dt = x->dtype;
    if (op == M_MIN)
        lstm__put_i(y, o, min_i(w, x, base));
    else if (op == M_L1 || op == M_SUMSQ)
        lstm__put_i(y, o, sum_i(w, x, base, op == M_L1 ? S_ABS : S_SQUARE));
    else if (op == M_L2)
        put_trunc(y, o, sqrt(int_value(dt, sum_i(w, x, base, S_SQUARE))));
    else if (op == M_LOGSUM)
        put_trunc(y, o, log(int_value(dt, sum_i(w, x, base, S_PLAIN))));
    else
        put_trunc(y, o, logsumexp_i(w, x, base));
}

static int run(lstm__kctx *k)
{
    const lstm__reduce_params *p = k->params;
    const lstm__rwalk *w = k->state;
    const lstm__rt *x = k->in[0];
    lstm__rt *y = k->out[0];
    double res[LSTM__RWALK_BLOCK];
    if (!lstm__is_float(x->dtype)) {
        for (size_t o = 0; o < y->nelem; o++) int_one(w, x, p->op, y, o);
        return LSTM_OK;
    }
    for (size_t o = 0, nb; o < y->nelem; o += nb) {
        nb = lstm__rwalk_block(w, o, LSTM__RWALK_BLOCK);
        if (nb == 1)
            res[0] = float_one(w, x, p->op, o);
        else
            float_block(w, x, p->op, o, nb, res);
        lstm__rwalk_store(y, o, nb, res);
    }
    return LSTM_OK;
}

LSTM__OP_ENTRIES(lstm__reduce_min, lstm__reduce_parse, prepare, run, M_MIN, 18)
LSTM__OP_ENTRIES(lstm__reduce_l1, lstm__reduce_parse, prepare, run, M_L1, 18)
LSTM__OP_ENTRIES(lstm__reduce_l2, lstm__reduce_parse, prepare, run, M_L2, 18)
LSTM__OP_ENTRIES(lstm__reduce_sumsq, lstm__reduce_parse, prepare, run, M_SUMSQ, 18)
LSTM__OP_ENTRIES(lstm__reduce_logsum, lstm__reduce_parse, prepare, run, M_LOGSUM, 18)
LSTM__OP_ENTRIES(lstm__reduce_logsumexp, lstm__reduce_parse, prepare, run, M_LOGSUMEXP, 18)
