/*
** op_move.c — operators that move elements: Transpose (1), Concat (4), Slice (1: attributes,
** 10: inputs with steps), Gather (1). Element type is irrelevant: bytes are moved.
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"

#include <string.h>

/* Row-major strides in elements. */
static void strides(int rank, const int64_t *dims, int64_t *st)
{
    int64_t s = 1;
    for (int i = rank - 1; i >= 0; i--) {
        st[i] = s;
        s *= dims[i];
    }
}

/* ---- Transpose ---- */
int lstm__transpose_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                          lstm__diag *d)
{
    lstm__transpose_params *p = params;
    static const char *const names[] = {"perm", NULL};
    return lstm__arity(g, n, 1, 1, 1, 1, d) || lstm__attrs_allowed(g, n, since, names, d) ||
           lstm__attr_ints(g, n, "perm", p->perm, LSTM__MAX_RANK, &p->n, d);
}

static int perm_of(lstm__kctx *k, int64_t *perm)
{
    const lstm__transpose_params *p = k->params;
    int r = k->in[0]->rank, seen[LSTM__MAX_RANK] = {0};
    if (p->n < 0) {
        for (int i = 0; i < r; i++) perm[i] = r - 1 - i;
        return LSTM_OK;
    }
    if (p->n != r)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: perm has %d entries for an input of rank %d",
                          lstm__klabel(k), p->n, r);
    for (int i = 0; i < r; i++) {
        if (p->perm[i] < 0 || p->perm[i] >= r || seen[p->perm[i]])
            return lstm__errf(k->d, LSTM_EINVAL, "%s: perm is not a permutation of 0..%d",
                              lstm__klabel(k), r - 1);
        seen[p->perm[i]] = 1;
        perm[i] = p->perm[i];
    }
    return LSTM_OK;
}

int lstm__transpose_prepare(lstm__kctx *k)
{
    const lstm__rt *x = k->in[0];
    int64_t perm[LSTM__MAX_RANK], dims[LSTM__MAX_RANK];
    if (perm_of(k, perm)) return k->d->code;
    if (!lstm__dtype_size(x->dtype))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type %s", lstm__klabel(k),
                          lstm__dtype_name(x->dtype));
    for (int i = 0; i < x->rank; i++) dims[i] = x->dims[perm[i]];
    return lstm__rt_set(k, k->out[0], x->dtype, x->rank, dims);
}

int lstm__transpose_run(lstm__kctx *k)
{
    const lstm__rt *x = k->in[0];
    lstm__rt *y = k->out[0];
    int64_t perm[LSTM__MAX_RANK], xs[LSTM__MAX_RANK], ps[LSTM__MAX_RANK], idx[LSTM__MAX_RANK] = {0};
    perm_of(k, perm);
    strides(x->rank, x->dims, xs);
    int r = x->rank;
    /* Trailing axes that stay in place move as one contiguous block. */
    size_t es = lstm__dtype_size(x->dtype), block = es;
    while (r > 0 && perm[r - 1] == r - 1) block *= (size_t)x->dims[--r];
    for (int i = 0; i < r; i++) ps[i] = xs[perm[i]];
    const char *src = x->data;
    char *dst = y->data;
    size_t blocks = block ? y->nbytes / block : 0;
    for (size_t e = 0; e < blocks; e++) {
        int64_t so = 0;
        for (int i = 0; i < r; i++) so += idx[i] * ps[i];
        memcpy(dst + e * block, src + (size_t)so * es, block);
        for (int i = r - 1; i >= 0; i--) {
            if (++idx[i] < y->dims[i]) break;
            idx[i] = 0;
        }
    }
    return LSTM_OK;
}

/* ---- Concat ---- */
int lstm__concat_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                       lstm__diag *d)
{
    lstm__axis_params *p = params;
    static const char *const names[] = {"axis", NULL};
    char b[LSTM__LABEL_MAX];
    if (lstm__arity(g, n, 1, 1 << 16, 1, 1, d) || lstm__attrs_allowed(g, n, since, names, d) ||
        lstm__attr_int(g, n, "axis", INT64_MIN, &p->axis, d))
        return d->code;
    if (p->axis == INT64_MIN)
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'axis' is required",
                          lstm__node_ctx(g, n, b, sizeof b));
    return LSTM_OK;
}

/* A one-dimensional empty input among inputs of higher rank: skipped, as PyTorch's torch.cat
   skips it (its exporter writes such Concats; the ONNX text wants equal ranks). */
static int concat_skips(const lstm__rt *x, int rank)
{
    return x->rank == 1 && x->dims[0] == 0 && rank > 1;
}

int lstm__concat_prepare(lstm__kctx *k)
{
    const lstm__axis_params *p = k->params;
    int a, rank = 0;
    for (int i = 0; i < k->n->n_in; i++) {
        if (!k->in[i])
            return lstm__errf(k->d, LSTM_EINVAL, "%s: input %d is absent", lstm__klabel(k), i);
        if (k->in[i]->rank > rank) rank = k->in[i]->rank;
    }
    const lstm__rt *x0 = k->in[0];
    int i0 = 0;
    while (concat_skips(k->in[i0], rank)) i0++; /* stops: some input has that rank */
    x0 = k->in[i0];
    if (lstm__axis(k, p->axis, x0->rank, &a, "axis")) return k->d->code;
    int64_t dims[LSTM__MAX_RANK];
    memcpy(dims, x0->dims, sizeof dims);
    dims[a] = 0;
    for (int i = 0; i < k->n->n_in; i++) {
        const lstm__rt *x = k->in[i];
        if (concat_skips(x, rank) && x->dtype == x0->dtype) continue;
        if (x->dtype != x0->dtype || x->rank != x0->rank)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: input %d is %s of rank %d, input %d %s of "
                              "rank %d",
                              lstm__klabel(k), i, lstm__dtype_name(x->dtype), x->rank, i0,
                              lstm__dtype_name(x0->dtype), x0->rank);
        for (int j = 0; j < x->rank; j++)
            if (j != a && x->dims[j] != x0->dims[j]) {
                char s1[96], s2[96];
                return lstm__errf(k->d, LSTM_EINVAL, "%s: input %d has shape %s, input %d %s",
                                  lstm__klabel(k), i,
                                  lstm__dims_str(s1, sizeof s1, x->rank, x->dims), i0,
                                  lstm__dims_str(s2, sizeof s2, x0->rank, x0->dims));
            }
        if (__builtin_add_overflow(dims[a], x->dims[a], &dims[a]))
            return lstm__errf(k->d, LSTM_EINVAL, "%s: size overflows", lstm__klabel(k));
    }
    if (!lstm__dtype_size(x0->dtype))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type %s", lstm__klabel(k),
                          lstm__dtype_name(x0->dtype));
    return lstm__rt_set(k, k->out[0], x0->dtype, x0->rank, dims);
}

int lstm__concat_run(lstm__kctx *k)
{
    const lstm__axis_params *p = k->params;
    lstm__rt *y = k->out[0];
    int a = (int)(p->axis < 0 ? p->axis + y->rank : p->axis);
    size_t es = lstm__dtype_size(y->dtype), outer = 1, inner = es;
    for (int i = 0; i < a; i++) outer *= (size_t)y->dims[i];
    for (int i = a + 1; i < y->rank; i++) inner *= (size_t)y->dims[i];
    size_t ystride = (size_t)y->dims[a] * inner, yoff = 0;
    for (int i = 0; i < k->n->n_in; i++) {
        const lstm__rt *x = k->in[i];
        if (concat_skips(x, y->rank)) continue;
        size_t chunk = (size_t)x->dims[a] * inner;
        for (size_t o = 0; o < outer && chunk; o++)
            memcpy((char *)y->data + o * ystride + yoff, (const char *)x->data + o * chunk, chunk);
        yoff += chunk;
    }
    return LSTM_OK;
}

/* ---- Slice ---- */
int lstm__slice_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                      lstm__diag *d)
{
    lstm__slice_params *p = params;
    static const char *const v1[] = {"starts", "ends", "axes", NULL}, *const v10[] = {NULL};
    char b[LSTM__LABEL_MAX];
    if (since >= 10)
        return lstm__arity(g, n, 3, 5, 1, 1, d) || lstm__attrs_allowed(g, n, since, v10, d);
    int ns, ne, na;
    if (lstm__arity(g, n, 1, 1, 1, 1, d) || lstm__attrs_allowed(g, n, since, v1, d) ||
        lstm__attr_ints(g, n, "starts", p->starts, LSTM__MAX_RANK, &ns, d) ||
        lstm__attr_ints(g, n, "ends", p->ends, LSTM__MAX_RANK, &ne, d) ||
        lstm__attr_ints(g, n, "axes", p->axes, LSTM__MAX_RANK, &na, d))
        return d->code;
    if (ns < 0 || ne != ns || (na >= 0 && na != ns))
        return lstm__errf(d, LSTM_EMODEL, "%s: starts, ends (and axes) must have equal lengths",
                          lstm__node_ctx(g, n, b, sizeof b));
    p->n = ns;
    p->has_axes = na >= 0;
    return LSTM_OK;
}

/* Per-axis start and step, and the output dims. */
static int slice_plan(lstm__kctx *k, int64_t *start, int64_t *step, int64_t *dims)
{
    const lstm__slice_params *p = k->params;
    const lstm__rt *x = k->in[0];
    int64_t st[LSTM__MAX_RANK], en[LSTM__MAX_RANK], ax[LSTM__MAX_RANK], sp[LSTM__MAX_RANK];
    int n, ne, na = -1, nsp = -1;
    if (k->since >= 10) {
        if (lstm__read_ints(k, 1, "starts", st, LSTM__MAX_RANK, &n) ||
            lstm__read_ints(k, 2, "ends", en, LSTM__MAX_RANK, &ne))
            return k->d->code;
        if (k->n->n_in > 3 && k->in[3] && lstm__read_ints(k, 3, "axes", ax, LSTM__MAX_RANK, &na))
            return k->d->code;
        if (k->n->n_in > 4 && k->in[4] && lstm__read_ints(k, 4, "steps", sp, LSTM__MAX_RANK, &nsp))
            return k->d->code;
        if (ne != n || (na >= 0 && na != n) || (nsp >= 0 && nsp != n))
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: starts, ends, axes and steps differ in "
                              "length",
                              lstm__klabel(k));
        if (k->n->n_in <= 3 || !k->in[3]) na = -1;
    } else {
        n = p->n;
        memcpy(st, p->starts, sizeof st);
        memcpy(en, p->ends, sizeof en);
        memcpy(ax, p->axes, sizeof ax);
        na = p->has_axes ? n : -1;
    }
    int seen[LSTM__MAX_RANK] = {0};
    for (int i = 0; i < x->rank; i++) {
        start[i] = 0;
        step[i] = 1;
        dims[i] = x->dims[i];
    }
    for (int i = 0; i < n; i++) {
        int a = i;
        if (na >= 0 && lstm__axis(k, ax[i], x->rank, &a, "axis")) return k->d->code;
        if (a >= x->rank)
            return lstm__errf(k->d, LSTM_EINVAL, "%s: too many starts", lstm__klabel(k));
        if (seen[a])
            return lstm__errf(k->d, LSTM_EINVAL, "%s: axis %d given twice", lstm__klabel(k), a);
        seen[a] = 1;
        int64_t s = nsp >= 0 ? sp[i] : 1, dim = x->dims[a], b = st[i], e = en[i];
        if (s == 0) return lstm__errf(k->d, LSTM_EINVAL, "%s: step is 0", lstm__klabel(k));
        if (b < 0) b = b < -dim ? 0 : b + dim;
        if (e < 0) e = e < -dim ? -1 : e + dim;
        if (s > 0) {
            if (b > dim) b = dim;
            if (e > dim) e = dim;
            dims[a] = e > b ? (e - b - 1) / s + 1 : 0; /* s + e - b could overflow */
        } else {
            if (b > dim - 1) b = dim - 1;
            if (e > dim - 1) e = dim - 1;
            if (e < -1) e = -1;
            dims[a] = b > e ? 1 - (b - e - 1) / s : 0; /* -s overflows at INT64_MIN */
        }
        start[a] = b;
        step[a] = s;
    }
    return LSTM_OK;
}

int lstm__slice_prepare(lstm__kctx *k)
{
    int64_t start[LSTM__MAX_RANK], step[LSTM__MAX_RANK], dims[LSTM__MAX_RANK];
    if (slice_plan(k, start, step, dims)) return k->d->code;
    if (!lstm__dtype_size(k->in[0]->dtype))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type %s", lstm__klabel(k),
                          lstm__dtype_name(k->in[0]->dtype));
    return lstm__rt_set(k, k->out[0], k->in[0]->dtype, k->in[0]->rank, dims);
}

int lstm__slice_run(lstm__kctx *k)
{
    const lstm__rt *x = k->in[0];
    lstm__rt *y = k->out[0];
    int64_t start[LSTM__MAX_RANK], step[LSTM__MAX_RANK], dims[LSTM__MAX_RANK], xs[LSTM__MAX_RANK],
        idx[LSTM__MAX_RANK] = {0};
    if (slice_plan(k, start, step, dims)) return k->d->code;
    if (!y->nelem) return LSTM_OK;
    strides(x->rank, x->dims, xs);
    size_t es = lstm__dtype_size(x->dtype);
    /* Trailing axes taken whole, and the step-1 axis before them, move as one block. */
    int r = x->rank;
    size_t block = es;
    while (r > 0 && start[r - 1] == 0 && step[r - 1] == 1 && dims[r - 1] == x->dims[r - 1])
        block *= (size_t)x->dims[--r];
    if (r > 0 && step[r - 1] == 1) block *= (size_t)dims[--r];
    const char *src = (const char *)x->data;
    char *dst = y->data;
    size_t blocks = y->nbytes / block;
    for (size_t e = 0; e < blocks; e++) {
        int64_t so = 0;
        for (int i = 0; i < x->rank; i++) so += (start[i] + (i < r ? idx[i] * step[i] : 0)) * xs[i];
        memcpy(dst + e * block, src + (size_t)so * es, block);
        for (int i = r - 1; i >= 0; i--) {
            if (++idx[i] < dims[i]) break;
            idx[i] = 0;
        }
    }
    return LSTM_OK;
}

/* ---- Gather ---- */
int lstm__gather_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                       lstm__diag *d)
{
    lstm__axis_params *p = params;
    static const char *const names[] = {"axis", NULL};
    return lstm__arity(g, n, 2, 2, 1, 1, d) || lstm__attrs_allowed(g, n, since, names, d) ||
           lstm__attr_int(g, n, "axis", 0, &p->axis, d);
}

int lstm__gather_prepare(lstm__kctx *k)
{
    const lstm__axis_params *p = k->params;
    const lstm__rt *x = k->in[0], *ix = k->in[1];
    int a;
    if (lstm__axis(k, p->axis, x->rank, &a, "axis")) return k->d->code;
    if (ix->dtype != LSTM_DT_INT64 && ix->dtype != LSTM_DT_INT32)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: indices are %s, expected int32 or int64",
                          lstm__klabel(k), lstm__dtype_name(ix->dtype));
    int r = x->rank - 1 + ix->rank;
    if (r > LSTM__MAX_RANK)
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: output rank %d exceeds %d", lstm__klabel(k),
                          r, LSTM__MAX_RANK);
    if (!lstm__dtype_size(x->dtype))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type %s", lstm__klabel(k),
                          lstm__dtype_name(x->dtype));
    int64_t dims[LSTM__MAX_RANK];
    int o = 0;
    for (int i = 0; i < a; i++) dims[o++] = x->dims[i];
    for (int i = 0; i < ix->rank; i++) dims[o++] = ix->dims[i];
    for (int i = a + 1; i < x->rank; i++) dims[o++] = x->dims[i];
    return lstm__rt_set(k, k->out[0], x->dtype, r, dims);
}

int lstm__gather_run(lstm__kctx *k)
{
    const lstm__axis_params *p = k->params;
    const lstm__rt *x = k->in[0], *ix = k->in[1];
    int a = (int)(p->axis < 0 ? p->axis + x->rank : p->axis);
    size_t es = lstm__dtype_size(x->dtype), outer = 1, inner = es;
    for (int i = 0; i < a; i++) outer *= (size_t)x->dims[i];
    for (int i = a + 1; i < x->rank; i++) inner *= (size_t)x->dims[i];
    int64_t dim = x->dims[a];
    /* Every index is checked before any element moves. */
    for (size_t j = 0; j < ix->nelem; j++) {
        int64_t v = ix->dtype == LSTM_DT_INT64 ? ((const int64_t *)ix->data)[j]
                                               : ((const int32_t *)ix->data)[j];
        if (v < -dim || v >= dim)
            return lstm__errf(k->d, LSTM_EINVAL, "%s: index %lld at %zu is outside [%lld, %lld]",
                              lstm__klabel(k), (long long)v, j, (long long)-dim,
                              (long long)dim - 1);
    }
    char *dst = k->out[0]->data;
    if (!k->out[0]->nbytes) return LSTM_OK; /* an empty output: an empty input may have no data */
    for (size_t o = 0; o < outer; o++)
        for (size_t j = 0; j < ix->nelem; j++) {
            int64_t v = ix->dtype == LSTM_DT_INT64 ? ((const int64_t *)ix->data)[j]
                                                   : ((const int32_t *)ix->data)[j];
            if (v < 0) v += dim;
            memcpy(dst, (const char *)x->data + (o * (size_t)dim + (size_t)v) * inner, inner);
            dst += inner;
        }
    return LSTM_OK;
}

/* ---- Split (2: split attribute; 13: split input; 18: num_outputs) ---- */
int lstm__split_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                      lstm__diag *d)
{
    lstm__split_params *p = params;
    static const char *const v2[] = {"axis", "split", NULL}, *const v13[] = {"axis", NULL},
                             *const v18[] = {"axis", "num_outputs", NULL};
    const char *const *names = since >= 18 ? v18 : since >= 13 ? v13 : v2;
    char b[LSTM__LABEL_MAX];
    memset(p, 0, sizeof *p);
    if (lstm__arity(g, n, 1, since >= 13 ? 2 : 1, 1, 64, d) ||
        lstm__attrs_allowed(g, n, since, names, d) ||
        lstm__attr_int(g, n, "axis", 0, &p->axis, d) ||
        lstm__attr_int(g, n, "num_outputs", 0, &p->num_outputs, d) ||
        lstm__attr_ints(g, n, "split", p->split, 64, &p->n, d))
        return d->code;
    if (!lstm__attr_find(n, "num_outputs")) return LSTM_OK;
    if (p->num_outputs != n->n_out)
        return lstm__errf(d, LSTM_EMODEL,
                          "%s: attribute 'num_outputs' is %lld, the node has %d outputs",
                          lstm__node_ctx(g, n, b, sizeof b), (long long)p->num_outputs, n->n_out);
    if (n->n_in > 1 && n->in_names[1][0])
        return lstm__errf(d, LSTM_EMODEL,
                          "%s: attribute 'num_outputs' and input 'split' both given",
                          lstm__node_ctx(g, n, b, sizeof b));
    return LSTM_OK;
}

static int split_sizes(lstm__kctx *k, int *axis, int64_t *sizes)
{
    const lstm__split_params *p = k->params;
    const lstm__rt *x = k->in[0];
    int n = p->n, outs = k->n->n_out;
    int64_t sp[64];
    memcpy(sp, p->split, sizeof sp);
    if (lstm__axis(k, p->axis, x->rank, axis, "axis")) return k->d->code;
    if (k->n->n_in > 1 && k->in[1] && lstm__read_ints(k, 1, "split", sp, 64, &n)) return k->d->code;
    if (k->n->n_in > 1 && !k->in[1]) n = -1;
    int64_t dim = x->dims[*axis];
    if (n >= 0 && n != outs)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: split has %d sizes for %d outputs",
                          lstm__klabel(k), n, outs);
    if (n >= 0) {
        int64_t s = 0;
        for (int i = 0; i < n; i++) {
            if (sp[i] < 0)
                return lstm__errf(k->d, LSTM_EINVAL, "%s: split size %lld", lstm__klabel(k),
                                  (long long)sp[i]);
            if (sp[i] > dim - s) /* before adding: the sum must not overflow */
                return lstm__errf(k->d, LSTM_EINVAL,
                                  "%s: split sizes add up to more than axis %d's %lld",
                                  lstm__klabel(k), *axis, (long long)dim);
            sizes[i] = sp[i];
            s += sp[i];
        }
        if (s != dim)
            return lstm__errf(k->d, LSTM_EINVAL, "%s: split sizes add up to %lld, axis %d has %lld",
                              lstm__klabel(k), (long long)s, *axis, (long long)dim);
        return LSTM_OK;
    }
    /* Equal parts; with num_outputs (18) the last part may be smaller. */
    int64_t part = (dim + outs - 1) / outs;
    if (p->num_outputs == 0 && dim % outs != 0)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: axis %d of size %lld does not split into %d "
                          "equal parts",
                          lstm__klabel(k), *axis, (long long)dim, outs);
    int64_t left = dim;
    for (int i = 0; i < outs; i++) {
        sizes[i] = left < part ? left : part;
        left -= sizes[i];
    }
    return LSTM_OK;
}

int lstm__split_prepare(lstm__kctx *k)
{
    const lstm__rt *x = k->in[0];
    int axis;
    int64_t sizes[64];
    if (split_sizes(k, &axis, sizes)) return k->d->code;
    if (!lstm__dtype_size(x->dtype))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type %s", lstm__klabel(k),
                          lstm__dtype_name(x->dtype));
    for (int i = 0; i < k->n->n_out; i++) {
        int64_t dims[LSTM__MAX_RANK];
        memcpy(dims, x->dims, sizeof dims);
        dims[axis] = sizes[i];
        if (lstm__rt_set(k, k->out[i], x->dtype, x->rank, dims)) return k->d->code;
    }
    return LSTM_OK;
}

int lstm__split_run(lstm__kctx *k)
{
    const lstm__rt *x = k->in[0];
    int axis;
    int64_t sizes[64];
    split_sizes(k, &axis, sizes);
    size_t es = lstm__dtype_size(x->dtype), outer = 1, inner = es;
    for (int i = 0; i < axis; i++) outer *= (size_t)x->dims[i];
    for (int i = axis + 1; i < x->rank; i++) inner *= (size_t)x->dims[i];
    size_t xrow = (size_t)x->dims[axis] * inner, off = 0;
    for (int i = 0; i < k->n->n_out; i++) {
        size_t chunk = (size_t)sizes[i] * inner;
        if (k->out[i])
            for (size_t o = 0; o < outer && chunk; o++)
                memcpy((char *)k->out[i]->data + o * chunk, (const char *)x->data + o * xrow + off,
                       chunk);
        off += chunk;
    }
    return LSTM_OK;
}

/* ---- Tile (6) ---- */
int lstm__tile_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                     lstm__diag *d)
{
    (void)params;
    static const char *const none[] = {NULL};
    return lstm__arity(g, n, 2, 2, 1, 1, d) || lstm__attrs_allowed(g, n, since, none, d);
}

int lstm__tile_prepare(lstm__kctx *k)
{
    const lstm__rt *x = k->in[0];
    int64_t rep[LSTM__MAX_RANK], dims[LSTM__MAX_RANK];
    int n;
    if (lstm__read_ints(k, 1, "repeats", rep, LSTM__MAX_RANK, &n)) return k->d->code;
    if (n != x->rank)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: repeats has %d values for rank %d",
                          lstm__klabel(k), n, x->rank);
    for (int i = 0; i < n; i++) {
        if (rep[i] < 0 || !lstm__mul_i64(x->dims[i], rep[i], &dims[i]))
            return lstm__errf(k->d, LSTM_EINVAL, "%s: repeats[%d] is %lld", lstm__klabel(k), i,
                              (long long)rep[i]);
    }
    if (!lstm__dtype_size(x->dtype))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type %s", lstm__klabel(k),
                          lstm__dtype_name(x->dtype));
    return lstm__rt_set(k, k->out[0], x->dtype, x->rank, dims);
}

int lstm__tile_run(lstm__kctx *k)
{
    const lstm__rt *x = k->in[0];
    lstm__rt *y = k->out[0];
    int64_t xs[LSTM__MAX_RANK], idx[LSTM__MAX_RANK] = {0};
    strides(x->rank, x->dims, xs);
    size_t es = lstm__dtype_size(x->dtype);
    for (size_t e = 0; e < y->nelem; e++) {
        int64_t so = 0;
        for (int i = 0; i < x->rank; i++) so += (idx[i] % x->dims[i]) * xs[i];
        memcpy((char *)y->data + e * es, (const char *)x->data + (size_t)so * es, es);
        for (int i = y->rank - 1; i >= 0; i--) {
            if (++idx[i] < y->dims[i]) break;
            idx[i] = 0;
        }
    }
    return LSTM_OK;
}

/* ---- ReverseSequence (10): reverse the first lengths[b] steps of each batch row ---- */
int lstm__revseq_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                       lstm__diag *d)
{
    lstm__revseq_params *p = params;
    static const char *const names[] = {"batch_axis", "time_axis", NULL};
    char b[LSTM__LABEL_MAX];
    if (lstm__arity(g, n, 2, 2, 1, 1, d) || lstm__attrs_allowed(g, n, since, names, d) ||
        lstm__attr_int(g, n, "batch_axis", 1, &p->batch_axis, d) ||
        lstm__attr_int(g, n, "time_axis", 0, &p->time_axis, d))
        return d->code;
    if (!((p->batch_axis == 0 && p->time_axis == 1) || (p->batch_axis == 1 && p->time_axis == 0)))
        return lstm__errf(d, LSTM_EMODEL, "%s: batch_axis and time_axis must be 0 and 1",
                          lstm__node_ctx(g, n, b, sizeof b));
    return LSTM_OK;
}

int lstm__revseq_prepare(lstm__kctx *k)
{
    const lstm__revseq_params *p = k->params;
    const lstm__rt *x = k->in[0], *l = k->in[1];
    if (x->rank < 2)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: input has rank %d, expected >= 2",
                          lstm__klabel(k), x->rank);
    if (l->dtype != LSTM_DT_INT64 || l->rank != 1 || l->dims[0] != x->dims[p->batch_axis])
        return lstm__errf(k->d, LSTM_EINVAL, "%s: sequence_lens must be int64 of shape [%lld]",
                          lstm__klabel(k), (long long)x->dims[p->batch_axis]);
    if (!lstm__dtype_size(x->dtype))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type %s", lstm__klabel(k),
                          lstm__dtype_name(x->dtype));
    return lstm__rt_set(k, k->out[0], x->dtype, x->rank, x->dims);
}

int lstm__revseq_run(lstm__kctx *k)
{
    const lstm__revseq_params *p = k->params;
    const lstm__rt *x = k->in[0], *l = k->in[1];
    int64_t T = x->dims[p->time_axis], B = x->dims[p->batch_axis];
    size_t es = lstm__dtype_size(x->dtype), inner = es;
    for (int i = 2; i < x->rank; i++) inner *= (size_t)x->dims[i];
    for (int64_t b = 0; b < B; b++) {
        int64_t len = ((const int64_t *)l->data)[b];
        if (len < 0 || len > T)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: sequence_lens[%lld] is %lld, expected 0..%lld", lstm__klabel(k),
                              (long long)b, (long long)len, (long long)T);
    }
    if (inner == 0) return LSTM_OK; /* nothing to move (and X has no data) */
    for (int64_t b = 0; b < B; b++) {
        int64_t len = ((const int64_t *)l->data)[b];
        for (int64_t t = 0; t < T; t++) {
            int64_t src = t < len ? len - 1 - t : t;
            size_t so = (size_t)(p->time_axis == 0 ? src * B + b : b * T + src) * inner;
            size_t o = (size_t)(p->time_axis == 0 ? t * B + b : b * T + t) * inner;
            memcpy((char *)k->out[0]->data + o, (const char *)x->data + so, inner);
        }
    }
    return LSTM_OK;
}
