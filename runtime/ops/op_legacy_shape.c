/*
** op_legacy_shape.c — ai.onnx version 1 of operators that move or convert data, on the current
** kernels: Cast (`to` a string: "FLOAT", "INT64"...), Concat (axis optional, default 1), Pad
** (`paddings`), Reshape (`shape` attribute), Split (`split` attribute or second input), Tile
** (inputs tiles and axis: one axis repeated), Upsample (height_scale / width_scale on 4-D,
** nearest or bilinear, as Upsample 7 with scales [1, 1, h, w]). Axes count from 0: these texts
** have no negative axes. Types: each schema's list (float16, float, double for most).
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"

#include <math.h>
#include <string.h>

#define FL LSTM__LT_FLOATS

static int refuse(const lstm__graph *g, const lstm__node *n, lstm__diag *d, int code,
                  const char *what)
{
    char b[LSTM__LABEL_MAX];
    return lstm__errf(d, code, "%s: %s", lstm__node_ctx(g, n, b, sizeof b), what);
}

/* A non-negative axis attribute (default def). */
static int axis_attr(const lstm__graph *g, const lstm__node *n, int64_t def, int64_t *out,
                     lstm__diag *d)
{
    if (lstm__attr_int(g, n, "axis", def, out, d)) return d->code;
    if (*out < 0) {
        char b[LSTM__LABEL_MAX];
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'axis' is %lld; version 1 counts from 0",
                          lstm__node_ctx(g, n, b, sizeof b), (long long)*out);
    }
    return LSTM_OK;
}

/* ---- Cast 1 ---- */
static const struct {
    const char *name;
    int dt;
} cast_names[] = {
    {"FLOAT", LSTM_DT_FLOAT},   {"UINT8", LSTM_DT_UINT8},   {"INT8", LSTM_DT_INT8},
    {"UINT16", LSTM_DT_UINT16}, {"INT16", LSTM_DT_INT16},   {"INT32", LSTM_DT_INT32},
    {"INT64", LSTM_DT_INT64},   {"BOOL", LSTM_DT_BOOL},     {"FLOAT16", LSTM_DT_FLOAT16},
    {"DOUBLE", LSTM_DT_DOUBLE}, {"UINT32", LSTM_DT_UINT32}, {"UINT64", LSTM_DT_UINT64}};
#define CAST_TYPES                                                                                 \
    (FL | LSTM__LT(LSTM_DT_UINT8) | LSTM__LT(LSTM_DT_INT8) | LSTM__LT(LSTM_DT_UINT16) |            \
     LSTM__LT(LSTM_DT_INT16) | LSTM__LT(LSTM_DT_INT32) | LSTM__LT(LSTM_DT_INT64) |                 \
     LSTM__LT(LSTM_DT_BOOL) | LSTM__LT(LSTM_DT_UINT32) | LSTM__LT(LSTM_DT_UINT64))

int lstm__cast_v1_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                        lstm__diag *d)
{
    lstm__legacy_params *p = params;
    static const char *const names[] = {"to", NULL};
    char b[LSTM__LABEL_MAX];
    memset(p, 0, sizeof *p);
    p->types = CAST_TYPES;
    if (lstm__arity(g, n, 1, 1, 1, 1, d) || lstm__legacy_attrs(g, n, since, names, d))
        return d->code;
    const lstm__attr *to = lstm__attr_find(n, "to");
    if (!to || to->type != LSTM__A_STRING)
        return refuse(g, n, d, LSTM_EMODEL,
                      "attribute 'to' (a string: the type's name, e.g. \"FLOAT\") is required "
                      "in version 1");
    for (size_t i = 0; i < sizeof cast_names / sizeof cast_names[0]; i++)
        if (!strcmp(to->s, cast_names[i].name)) {
            p->in.cast.to = cast_names[i].dt;
            return LSTM_OK;
        }
    return lstm__errf(d, LSTM_EUNSUPPORTED,
                      "%s: attribute 'to' is \"%.64s\"; version 1 casts to FLOAT, UINT8, INT8, "
                      "UINT16, INT16, INT32, INT64, BOOL, FLOAT16, DOUBLE, UINT32 or UINT64",
                      lstm__node_ctx(g, n, b, sizeof b), to->s);
}

int lstm__cast_v1_prepare(lstm__kctx *k)
{
    return lstm__legacy_type(k, k->in[0], "input") ? k->d->code : lstm__cast_prepare(k);
}

int lstm__cast_v1_run(lstm__kctx *k)
{
    return lstm__cast_run(k);
}

/* ---- Concat 1 ---- */
int lstm__concat_v1_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                          lstm__diag *d)
{
    lstm__legacy_params *p = params;
    static const char *const names[] = {"axis", NULL};
    memset(p, 0, sizeof *p);
    p->types = FL;
    return lstm__arity(g, n, 1, 1 << 16, 1, 1, d) || lstm__legacy_attrs(g, n, since, names, d) ||
           axis_attr(g, n, 1, &p->in.axis.axis, d);
}

int lstm__concat_v1_prepare(lstm__kctx *k)
{
    for (int i = 0; i < k->n->n_in; i++)
        if (k->in[i] && lstm__legacy_type(k, k->in[i], "an input")) return k->d->code;
    return lstm__concat_prepare(k);
}

int lstm__concat_v1_run(lstm__kctx *k)
{
    return lstm__concat_run(k);
}

/* ---- Pad 1: Pad 2 with `paddings` for `pads` ---- */
int lstm__pad_v1_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                       lstm__diag *d)
{
    lstm__legacy_params *p = params;
    static const char *const names[] = {"mode", "paddings", "value", NULL};
    memset(p, 0, sizeof *p);
    p->types = FL;
    if (lstm__arity(g, n, 1, 1, 1, 1, d) || lstm__legacy_attrs(g, n, since, names, d))
        return d->code;
    if (!lstm__attr_find(n, "paddings"))
        return refuse(g, n, d, LSTM_EMODEL, "attribute 'paddings' is required");
    lstm__attr a[3];
    int c = 0;
    if (n->n_attr > 3) return refuse(g, n, d, LSTM_EMODEL, "an attribute is given twice");
    for (int i = 0; i < n->n_attr; i++) {
        a[c] = n->attrs[i];
        if (!strcmp(a[c].name, "paddings")) a[c].name = "pads";
        c++;
    }
    return lstm__legacy_parse_as(g, n, a, c, lstm__pad_parse, 2, &p->in.pad, d);
}

int lstm__pad_v1_prepare(lstm__kctx *k)
{
    return lstm__legacy_type(k, k->in[0], "data") ? k->d->code : lstm__pad_prepare(k);
}

int lstm__pad_v1_run(lstm__kctx *k)
{
    return lstm__pad_run(k);
}

/* ---- Reshape 1: the shape attribute (0 copies the input's dim, one -1 is inferred) ---- */
int lstm__reshape_v1_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                           lstm__diag *d)
{
    lstm__legacy_params *p = params;
    static const char *const names[] = {"consumed_inputs", "shape", NULL};
    memset(p, 0, sizeof *p);
    p->types = FL;
    if (lstm__arity(g, n, 1, 1, 1, 1, d) || lstm__legacy_attrs(g, n, since, names, d) ||
        lstm__attr_ints(g, n, "shape", p->shape, LSTM__MAX_RANK, &p->n_shape, d))
        return d->code;
    if (p->n_shape < 0)
        return refuse(g, n, d, LSTM_EMODEL,
                      "attribute 'shape' is required (version 1 takes the shape as an attribute)");
    return LSTM_OK;
}

int lstm__reshape_v1_prepare(lstm__kctx *k)
{
    const lstm__legacy_params *p = k->params;
    const lstm__rt *x = k->in[0];
    int64_t sh[LSTM__MAX_RANK], known = 1;
    int infer = -1;
    if (lstm__legacy_type(k, x, "data")) return k->d->code;
    for (int i = 0; i < p->n_shape; i++) {
        sh[i] = p->shape[i];
        if (sh[i] == -1 && infer < 0) {
            infer = i;
            continue;
        }
        if (sh[i] == 0 && i < x->rank) sh[i] = x->dims[i];
        if (sh[i] < 0 || (sh[i] == 0 && i >= x->rank))
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: shape[%d] is %lld (0 copies one of the input's %d dims; one "
                              "-1 is inferred)",
                              lstm__klabel(k), i, (long long)p->shape[i], x->rank);
        if (!lstm__mul_i64(known, sh[i], &known))
            return lstm__errf(k->d, LSTM_EINVAL, "%s: shape overflows", lstm__klabel(k));
    }
    return lstm__reshape_finish(k, x, sh, p->n_shape, infer, known);
}

int lstm__reshape_v1_run(lstm__kctx *k)
{
    return lstm__reshape_run(k);
}

/* ---- Split 1: sizes from the split attribute or the second input, else equal parts ---- */
int lstm__split_v1_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                         lstm__diag *d)
{
    lstm__legacy_params *p = params;
    static const char *const names[] = {"axis", "split", NULL};
    memset(p, 0, sizeof *p);
    p->types = FL;
    if (lstm__arity(g, n, 1, 2, 1, 64, d) || lstm__legacy_attrs(g, n, since, names, d) ||
        axis_attr(g, n, 0, &p->in.split.axis, d) ||
        lstm__attr_ints(g, n, "split", p->in.split.split, 64, &p->in.split.n, d))
        return d->code;
    if (p->in.split.n >= 0 && n->n_in > 1 && n->in_names[1][0])
        return refuse(g, n, d, LSTM_EMODEL,
                      "the sizes are given twice: attribute 'split' and input 'split'");
    return LSTM_OK;
}

/* The part sizes along the axis (a). */
static int split_v1_sizes(lstm__kctx *k, int *a, int64_t *sizes)
{
    const lstm__legacy_params *p = k->params;
    const lstm__rt *x = k->in[0], *s = k->n->n_in > 1 ? k->in[1] : NULL;
    const int outs = k->n->n_out;
    int n = p->in.split.n;
    if (p->in.split.axis >= x->rank)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: axis %lld is outside [0, %d] for rank %d",
                          lstm__klabel(k), (long long)p->in.split.axis, x->rank - 1, x->rank);
    *a = (int)p->in.split.axis;
    const int64_t dim = x->dims[*a];
    if (n >= 0) memcpy(sizes, p->in.split.split, sizeof(int64_t) * (size_t)n);
    if (s) {
        if (lstm__need_value(k, 1, "split")) return k->d->code;
        if (s->rank > 1 || s->nelem > 64 || !(lstm__is_float(s->dtype) || lstm__is_int(s->dtype)))
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: input 'split' is %s of rank %d, expected a list of sizes",
                              lstm__klabel(k), lstm__dtype_name(s->dtype), s->rank);
        n = (int)s->nelem;
        for (int i = 0; i < n; i++) {
            double v = lstm__is_float(s->dtype) ? lstm__get_f(s, (size_t)i)
                                                : (double)lstm__get_i(s, (size_t)i);
            if (!(v >= 0 && v <= (double)dim && v == floor(v)))
                return lstm__errf(k->d, LSTM_EINVAL,
                                  "%s: split size %g (input 'split'[%d]) is not a whole number "
                                  "in [0, %lld]",
                                  lstm__klabel(k), v, i, (long long)dim);
            sizes[i] = (int64_t)v;
        }
    }
    if (n < 0) {
        if (dim % outs)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: axis %d of size %lld does not split into %d equal parts",
                              lstm__klabel(k), *a, (long long)dim, outs);
        for (int i = 0; i < outs; i++) sizes[i] = dim / outs;
        return LSTM_OK;
    }
    if (n != outs)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: split has %d sizes for %d outputs",
                          lstm__klabel(k), n, outs);
    int64_t sum = 0;
    for (int i = 0; i < n; i++) {
        if (sizes[i] < 0 || sizes[i] > dim - sum)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: split sizes add up to more than axis %d's %lld", lstm__klabel(k),
                              *a, (long long)dim);
        sum += sizes[i];
    }
    if (sum != dim)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: split sizes add up to %lld, axis %d has %lld",
                          lstm__klabel(k), (long long)sum, *a, (long long)dim);
    return LSTM_OK;
}

int lstm__split_v1_prepare(lstm__kctx *k)
{
    const lstm__rt *x = k->in[0];
    int a;
    int64_t sizes[64];
    if (lstm__legacy_type(k, x, "input") || split_v1_sizes(k, &a, sizes)) return k->d->code;
    for (int i = 0; i < k->n->n_out; i++) {
        int64_t dims[LSTM__MAX_RANK];
        memcpy(dims, x->dims, sizeof dims);
        dims[a] = sizes[i];
        if (k->out[i] && lstm__rt_set(k, k->out[i], x->dtype, x->rank, dims)) return k->d->code;
    }
    return LSTM_OK;
}

int lstm__split_v1_run(lstm__kctx *k)
{
    const lstm__rt *x = k->in[0];
    int a;
    int64_t sizes[64];
    if (split_v1_sizes(k, &a, sizes)) return k->d->code;
    size_t outer = 1, inner = lstm__dtype_size(x->dtype);
    for (int i = 0; i < a; i++) outer *= (size_t)x->dims[i];
    for (int i = a + 1; i < x->rank; i++) inner *= (size_t)x->dims[i];
    size_t row = (size_t)x->dims[a] * inner, off = 0;
    for (int i = 0; i < k->n->n_out; i++) {
        size_t chunk = (size_t)sizes[i] * inner;
        if (k->out[i] && chunk)
            for (size_t o = 0; o < outer; o++)
                memcpy((char *)k->out[i]->data + o * chunk, (const char *)x->data + o * row + off,
                       chunk);
        off += chunk;
    }
    return LSTM_OK;
}

/* ---- Tile 1: input tiled `tiles` times along `axis` (both one-element inputs) ---- */
int lstm__tile_v1_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                        lstm__diag *d)
{
    lstm__legacy_params *p = params;
    static const char *const none[] = {NULL};
    memset(p, 0, sizeof *p);
    p->types = FL;
    return lstm__arity(g, n, 3, 3, 1, 1, d) || lstm__legacy_attrs(g, n, since, none, d);
}

/* The whole, non-negative value of one-element input idx. */
static int count_of(lstm__kctx *k, int idx, const char *what, int64_t *out)
{
    const lstm__rt *t = k->in[idx];
    if (lstm__need_value(k, idx, what)) return k->d->code;
    double v = -1;
    if (t->nelem == 1 && lstm__is_float(t->dtype)) v = lstm__get_f(t, 0);
    if (t->nelem == 1 && lstm__is_int(t->dtype)) v = (double)lstm__get_i(t, 0);
    if (!(v >= 0 && v < 9.2e18 && v == floor(v)))
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: input '%s' must be one whole number >= 0 (%s, %zu elements)",
                          lstm__klabel(k), what, lstm__dtype_name(t->dtype), t->nelem);
    *out = (int64_t)v;
    return LSTM_OK;
}

int lstm__tile_v1_prepare(lstm__kctx *k)
{
    const lstm__rt *x = k->in[0];
    int64_t tiles, axis, dims[LSTM__MAX_RANK];
    if (lstm__legacy_type(k, x, "input") || count_of(k, 1, "tiles", &tiles) ||
        count_of(k, 2, "axis", &axis))
        return k->d->code;
    if (axis >= x->rank)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: axis %lld is outside [0, %d] for rank %d",
                          lstm__klabel(k), (long long)axis, x->rank - 1, x->rank);
    memcpy(dims, x->dims, sizeof dims);
    if (!lstm__mul_i64(dims[axis], tiles, &dims[axis]))
        return lstm__errf(k->d, LSTM_EINVAL, "%s: tiles %lld overflows", lstm__klabel(k),
                          (long long)tiles);
    return lstm__rt_set(k, k->out[0], x->dtype, x->rank, dims);
}

int lstm__tile_v1_run(lstm__kctx *k)
{
    return lstm__tile_run(k); /* reads the input's and the output's shapes only */
}

/* ---- Upsample 1 ---- */
#define UPSAMPLE_TYPES                                                                             \
    (FL | LSTM__LT(LSTM_DT_BOOL) | LSTM__LT(LSTM_DT_INT32) | LSTM__LT(LSTM_DT_INT64))

int lstm__upsample_v1_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                            lstm__diag *d)
{
    lstm__legacy_params *p = params;
    static const char *const names[] = {"height_scale", "mode", "width_scale", NULL};
    static const char *const modes[] = {"nearest", "bilinear"};
    char b[LSTM__LABEL_MAX];
    float hw[2];
    int mode = 0;
    memset(p, 0, sizeof *p);
    p->types = UPSAMPLE_TYPES;
    if (lstm__arity(g, n, 1, 1, 1, 1, d) || lstm__legacy_attrs(g, n, since, names, d) ||
        lstm__attr_choice(g, n, "mode", modes, 2, &mode, d))
        return d->code;
    for (int i = 0; i < 2; i++) {
        const char *name = i ? "width_scale" : "height_scale";
        const lstm__attr *a = lstm__attr_find(n, name);
        if (!a || a->type != LSTM__A_FLOAT || !(a->f >= 1.0f && a->f <= 1e6f))
            return lstm__errf(d, LSTM_EMODEL, "%s: attribute '%s' (a float >= 1) is required%s",
                              lstm__node_ctx(g, n, b, sizeof b), name,
                              a && a->type == LSTM__A_FLOAT ? ": it is below 1" : "");
        hw[i] = a->f;
    }
    /* Upsample 7 with scales [1, 1, height, width]; bilinear is its linear on H and W. */
    float scales[4] = {1.0f, 1.0f, hw[0], hw[1]};
    lstm__attr a[2] = {{.name = "mode", .type = LSTM__A_STRING, .s = mode ? "linear" : "nearest"},
                       {.name = "scales", .type = LSTM__A_FLOATS, .n = 4, .floats = scales}};
    return lstm__legacy_parse_as(g, n, a, 2, lstm__upsample_parse, 7, &p->in.rs, d);
}

int lstm__upsample_v1_prepare(lstm__kctx *k)
{
    const lstm__rt *x = k->in[0];
    if (lstm__legacy_type(k, x, "X")) return k->d->code;
    if (x->rank != 4)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: X has rank %d; version 1 takes 4-D [N, C, H, W]",
                          lstm__klabel(k), x->rank);
    return lstm__upsample_prepare(k);
}

int lstm__upsample_v1_run(lstm__kctx *k)
{
    return lstm__upsample_run(k);
}
