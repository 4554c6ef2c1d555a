/*
** op_variadic.c — element-wise operators over any number of inputs: Max, Min (6: equal
** shapes; 8: multidirectional broadcasting; 12 adds the integer types, 13 bfloat16), Sum,
** Mean (6, 8; floating types only, as the spec says). The output starts as the first input
** (broadcast) and takes each further one in turn, in the element type (float32 in float,
** float64 in double; integers in int64). Max and Min
** propagate NaN (as onnxruntime). Sum and Mean of float16 / bfloat16 add in double and round
** once.
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"

#include <math.h>
#include <string.h>

enum { V_MAX, V_MIN, V_SUM, V_MEAN };

static const char *const names[] = {"Max", "Min", "Sum", "Mean"};

static int parse(const lstm__graph *g, const lstm__node *n, int since, void *params, int op,
                 lstm__diag *d)
{
    lstm__variadic_params *p = params;
    static const char *const none[] = {NULL};
    p->op = op;
    if (lstm__arity(g, n, 1, 1 << 16, 1, 1, d) || lstm__attrs_allowed(g, n, since, none, d))
        return d->code;
    for (int i = 0; i < n->n_in; i++)
        if (!n->in_names[i][0]) {
            char b[LSTM__LABEL_MAX];
            return lstm__errf(d, LSTM_EMODEL, "%s: input %d is empty; every input is required",
                              lstm__node_ctx(g, n, b, sizeof b), i);
        }
    return LSTM_OK;
}

/* Sum / Mean of a 16-bit float type: added in double (scratch), rounded at the end. */
static int half(const lstm__kctx *k)
{
    const lstm__variadic_params *p = k->params;
    int t = k->in[0]->dtype;
    return p->op >= V_SUM && (t == LSTM_DT_FLOAT16 || t == LSTM_DT_BFLOAT16);
}

static int prepare(lstm__kctx *k)
{
    const lstm__variadic_params *p = k->params;
    const lstm__rt *x0 = k->in[0];
    int n = k->n->n_in, fl = lstm__is_float(x0->dtype);
    char s1[96], s2[96];
    if (!fl && !(lstm__is_int(x0->dtype) && p->op <= V_MIN))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type %s (%s takes %s)",
                          lstm__klabel(k), lstm__dtype_name(x0->dtype), names[p->op],
                          p->op <= V_MIN ? "numeric types" : "floating types");
    int64_t dims[LSTM__MAX_RANK];
    int rank = x0->rank;
    memcpy(dims, x0->dims, sizeof dims);
    for (int i = 1; i < n; i++) {
        const lstm__rt *x = k->in[i];
        if (x->dtype != x0->dtype)
            return lstm__errf(k->d, LSTM_EINVAL, "%s: input %d is %s, input 0 %s", lstm__klabel(k),
                              i, lstm__dtype_name(x->dtype), lstm__dtype_name(x0->dtype));
        int same =
            x->rank == x0->rank && !memcmp(x->dims, x0->dims, sizeof(int64_t) * (size_t)x->rank);
        if (k->since < 8 && !same)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: input %d has shape %s, input 0 %s (before opset 8 every input "
                              "has one shape)",
                              lstm__klabel(k), i, lstm__dims_str(s1, sizeof s1, x->rank, x->dims),
                              lstm__dims_str(s2, sizeof s2, x0->rank, x0->dims));
        /* Broadcast dims with x's (numpy rules). */
        int r = x->rank > rank ? x->rank : rank;
        int64_t nd[LSTM__MAX_RANK];
        for (int j = 0; j < r; j++) {
            int oa = j - (r - rank), ob = j - (r - x->rank);
            int64_t a = oa >= 0 ? dims[oa] : 1, b = ob >= 0 ? x->dims[ob] : 1;
            if (a != b && a != 1 && b != 1)
                return lstm__errf(
                    k->d, LSTM_EINVAL, "%s: input %d of shape %s does not broadcast with shape %s",
                    lstm__klabel(k), i, lstm__dims_str(s1, sizeof s1, x->rank, x->dims),
                    lstm__dims_str(s2, sizeof s2, rank, dims));
            nd[j] = a == 1 ? b : a;
        }
        rank = r;
        memcpy(dims, nd, sizeof(int64_t) * (size_t)r);
    }
    if (lstm__rt_set(k, k->out[0], x0->dtype, rank, dims)) return k->d->code;
    if (half(k) && !lstm__mul_size(k->out[0]->nelem, sizeof(double), &k->scratch_size))
        return lstm__errf(k->d, LSTM_ELIMIT, "%s: output too large", lstm__klabel(k));
    return LSTM_OK;
}

/* Element strides of x broadcast to y's shape (0 where x has 1 or lacks the axis). */
static void bstrides(const lstm__rt *x, const lstm__rt *y, int64_t *st)
{
    int64_t s = 1;
    for (int j = y->rank - 1; j >= 0; j--) {
        int xj = j - (y->rank - x->rank);
        int64_t d = xj >= 0 ? x->dims[xj] : 1;
        st[j] = d == 1 ? 0 : s;
        s *= d;
    }
}

static void combine(int op, lstm__rt *y, size_t o, const lstm__rt *x, size_t i, int first)
{
    if (y->dtype == LSTM_DT_FLOAT) {
        float *a = (float *)y->data + o, b = ((const float *)x->data)[i];
        if (first)
            *a = b;
        else if (op == V_MAX)
            *a = isnan(*a) || *a >= b ? *a : b;
        else if (op == V_MIN)
            *a = isnan(*a) || *a <= b ? *a : b;
        else
            *a += b;
    } else if (lstm__is_float(y->dtype)) {
        double a = first ? 0 : lstm__get_f(y, o), b = lstm__get_f(x, i);
        lstm__put_f(y, o,
                    first         ? b
                    : op == V_MAX ? (isnan(a) || a >= b ? a : b)
                    : op == V_MIN ? (isnan(a) || a <= b ? a : b)
                                  : a + b);
    } else if (y->dtype == LSTM_DT_UINT64) {
        uint64_t *a = (uint64_t *)y->data + o, b = ((const uint64_t *)x->data)[i];
        *a = first ? b : op == V_MAX ? (*a > b ? *a : b) : (*a < b ? *a : b);
    } else {
        int64_t a = first ? 0 : lstm__get_i(y, o), b = lstm__get_i(x, i);
        lstm__put_i(y, o, first ? b : op == V_MAX ? (a > b ? a : b) : (a < b ? a : b));
    }
}

static int run(lstm__kctx *k)
{
    const lstm__variadic_params *p = k->params;
    lstm__rt *out = k->out[0], acc = *out, *y = &acc;
    if (!y->nelem) return LSTM_OK;
    if (half(k)) {
        acc.dtype = LSTM_DT_DOUBLE;
        acc.data = k->scratch;
    }
    for (int i = 0; i < k->n->n_in; i++) {
        const lstm__rt *x = k->in[i];
        if (x->nelem == y->nelem) { /* same shape: no broadcasting */
            for (size_t e = 0; e < y->nelem; e++) combine(p->op, y, e, x, e, i == 0);
            continue;
        }
        int64_t st[LSTM__MAX_RANK], idx[LSTM__MAX_RANK] = {0};
        size_t off = 0;
        bstrides(x, y, st);
        for (size_t e = 0; e < y->nelem; e++) {
            combine(p->op, y, e, x, off, i == 0);
            for (int j = y->rank - 1; j >= 0; j--) {
                off += (size_t)st[j];
                if (++idx[j] < y->dims[j]) break;
                off -= (size_t)(st[j] * y->dims[j]);
                idx[j] = 0;
            }
        }
    }
    if (p->op == V_MEAN) {
        double n = k->n->n_in;
        if (y->dtype == LSTM_DT_FLOAT)
            for (size_t e = 0; e < y->nelem; e++) ((float *)y->data)[e] /= (float)n;
        else
            for (size_t e = 0; e < y->nelem; e++) lstm__put_f(y, e, lstm__get_f(y, e) / n);
    }
    if (half(k))
        for (size_t e = 0; e < y->nelem; e++) lstm__put_f(out, e, ((const double *)acc.data)[e]);
    return LSTM_OK;
}

LSTM__OP_FAMILY(lstm__max, V_MAX)
LSTM__OP_FAMILY(lstm__min, V_MIN)
LSTM__OP_FAMILY(lstm__sum, V_SUM)
LSTM__OP_FAMILY(lstm__mean, V_MEAN)
