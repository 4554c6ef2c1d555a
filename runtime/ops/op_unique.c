/*
** op_unique.c — Unique (11): the distinct elements of the flattened X, or with `axis` (negative
** counts from the end) the distinct slices along it, in ascending order (sorted 1, the default)
** or in the order of their first occurrence (sorted 0); outputs Y, indices (each one's first
** occurrence), inverse_indices (each element's or slice's entry in Y) and counts, any of the
** last three omitted. Slices compare element by element in row-major order (numpy.unique's
** order). NaN equals NaN and sorts after every number, -0.0 equals 0.0 (numpy.unique with
** equal_nan; the first occurrence's value is kept). An empty X has no element (Y [0]); empty
** slices along an axis of n > 0 are all equal (one of them in Y).
** The outputs' shapes come from the values, so the op runs with LSTM__OPF_RUN_SHAPES: it sorts
** in buffers the plan keeps (grown only when a larger input appears) and gives its outputs
** memory as it runs.
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"

#include <string.h>

int lstm__unique_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                       lstm__diag *d)
{
    lstm__unique_params *p = params;
    static const char *const names[] = {"axis", "sorted", NULL};
    memset(p, 0, sizeof *p);
    if (lstm__arity(g, n, 1, 1, 1, 4, d) || lstm__attrs_allowed(g, n, since, names, d) ||
        lstm__attr_int(g, n, "axis", 0, &p->axis, d) ||
        lstm__attr_flag(g, n, "sorted", 1, &p->sorted, d))
        return d->code;
    p->has_axis = lstm__attr_find(n, "axis") != NULL;
    return LSTM_OK;
}

/* The slices view of X: len slices of outer x inner elements. */
typedef struct view {
    const lstm__rt *x;
    size_t len, outer, inner;
} view;

static int setup(lstm__kctx *k, view *v)
{
    const lstm__unique_params *p = k->params;
    const lstm__rt *x = k->in[0];
    v->x = x;
    v->len = x->nelem, v->outer = 1, v->inner = 1;
    if (!lstm__dtype_size(x->dtype) || x->dtype == LSTM_DT_STRING)
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type %s", lstm__klabel(k),
                          lstm__dtype_name(x->dtype));
    if (!p->has_axis) return LSTM_OK;
    int a;
    if (lstm__axis(k, p->axis, x->rank, &a, "axis")) return k->d->code;
    v->len = (size_t)x->dims[a];
    if (!x->nelem) { /* the slices are empty, all equal: no element to compare or copy */
        v->outer = v->inner = 0;
        return LSTM_OK;
    }
    for (int i = 0; i < a; i++) v->outer *= (size_t)x->dims[i];
    for (int i = a + 1; i < x->rank; i++) v->inner *= (size_t)x->dims[i];
    return LSTM_OK;
}

int lstm__unique_prepare(lstm__kctx *k)
{
    view v;
    return setup(k, &v);
}

/* -1, 0, 1: element i against element j (NaN after every number, equal to NaN). */
static int cmp_elem(const lstm__rt *x, size_t i, size_t j)
{
    switch (x->dtype) {
    case LSTM_DT_FLOAT: {
        float a = ((const float *)x->data)[i], b = ((const float *)x->data)[j];
        if (a != a || b != b) return (a != a) - (b != b);
        return (a > b) - (a < b);
    }
    case LSTM_DT_DOUBLE:
    case LSTM_DT_FLOAT16:
    case LSTM_DT_BFLOAT16: {
        double a = lstm__get_f(x, i), b = lstm__get_f(x, j);
        if (a != a || b != b) return (a != a) - (b != b);
        return (a > b) - (a < b);
    }
    case LSTM_DT_UINT64: {
        uint64_t a = ((const uint64_t *)x->data)[i], b = ((const uint64_t *)x->data)[j];
        return (a > b) - (a < b);
    }
    case LSTM_DT_BOOL: {
        int a = ((const uint8_t *)x->data)[i] != 0, b = ((const uint8_t *)x->data)[j] != 0;
        return a - b;
    }
    default: {
        int64_t a = lstm__get_i(x, i), b = lstm__get_i(x, j);
        return (a > b) - (a < b);
    }
    }
}

static int cmp_slice(const view *v, int64_t s, int64_t t)
{
    for (size_t o = 0; o < v->outer; o++)
        for (size_t i = 0; i < v->inner; i++) {
            size_t row = o * v->len;
            int c =
                cmp_elem(v->x, (row + (size_t)s) * v->inner + i, (row + (size_t)t) * v->inner + i);
            if (c) return c;
        }
    return 0;
}

/* Stable bottom-up merge sort of the slice numbers a[0..n) (tmp: n more). */
static void sort_slices(const view *v, int64_t *a, int64_t *tmp, size_t n)
{
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, o = lo;
            while (i < mid && j < hi) tmp[o++] = cmp_slice(v, a[j], a[i]) < 0 ? a[j++] : a[i++];
            while (i < mid) tmp[o++] = a[i++];
            while (j < hi) tmp[o++] = a[j++];
        }
        memcpy(a, tmp, n * sizeof *a);
    }
}

int lstm__unique_run(lstm__kctx *k)
{
    const lstm__unique_params *p = k->params;
    view v;
    int rc = setup(k, &v);
    if (rc) return rc;
    const lstm__rt *x = k->in[0];
    const size_t L = v.len;
    /* perm, tmp (then each slice's group), each group's first slice, count and place in Y. */
    lstm__buf *b = lstm__node_bufs(k, 1);
    if (!b) return k->d->code;
    if (L > SIZE_MAX / (5 * sizeof(int64_t)))
        return lstm__errf(k->d, LSTM_ELIMIT, "%s: X has too many slices", lstm__klabel(k));
    /* One slot at least: with no slices the buffer would stay NULL, and NULL + 0 is undefined. */
    if ((rc = lstm__buf_grow(k, b, 5 * (L ? L : 1) * sizeof(int64_t), "the slices it sorts")))
        return rc;
    int64_t *perm = b->p, *grp = perm + L, *first = grp + L, *count = first + L, *place = count + L;
    for (size_t i = 0; i < L; i++) perm[i] = (int64_t)i;
    sort_slices(&v, perm, grp, L);
    size_t U = 0;
    for (size_t i = 0; i < L; i++) {
        if (i == 0 || cmp_slice(&v, perm[i - 1], perm[i]) != 0) {
            first[U] = perm[i]; /* the sort is stable: the first occurrence */
            count[U++] = 0;
        }
        count[U - 1]++;
        grp[perm[i]] = (int64_t)(U - 1);
    }
    if (p->sorted) {
        for (size_t u = 0; u < U; u++) place[u] = (int64_t)u;
    } else {
        int64_t next = 0;
        for (size_t i = 0; i < L; i++)
            if (first[grp[i]] == (int64_t)i) place[grp[i]] = next++;
    }
    int64_t dims[LSTM__MAX_RANK], u64 = (int64_t)U, l64 = (int64_t)L;
    int rank = 1;
    dims[0] = u64;
    if (p->has_axis) {
        int a;
        lstm__axis(k, p->axis, x->rank, &a, "axis");
        rank = lstm__shape_of(x, dims);
        dims[a] = u64;
    }
    if ((rc = lstm__out_alloc(k, 0, x->dtype, rank, dims))) return rc;
    lstm__rt *y = k->out[0];
    size_t es = lstm__dtype_size(x->dtype), run = v.inner * es;
    for (size_t u = 0; u < U && run; u++)
        for (size_t o = 0; o < v.outer; o++)
            memcpy((char *)y->data + (o * U + (size_t)place[u]) * run,
                   (const char *)x->data + (o * L + (size_t)first[u]) * run, run);
    int64_t *out;
    if (k->n->n_out > 1 && k->out[1]) {
        if ((rc = lstm__out_alloc(k, 1, LSTM_DT_INT64, 1, &u64))) return rc;
        out = k->out[1]->data;
        for (size_t u = 0; u < U; u++) out[place[u]] = first[u];
    }
    if (k->n->n_out > 2 && k->out[2]) {
        if ((rc = lstm__out_alloc(k, 2, LSTM_DT_INT64, 1, &l64))) return rc;
        out = k->out[2]->data;
        for (size_t i = 0; i < L; i++) out[i] = place[grp[i]];
    }
    if (k->n->n_out > 3 && k->out[3]) {
        if ((rc = lstm__out_alloc(k, 3, LSTM_DT_INT64, 1, &u64))) return rc;
        out = k->out[3]->data;
        for (size_t u = 0; u < U; u++) out[place[u]] = count[u];
    }
    return LSTM_OK;
}
