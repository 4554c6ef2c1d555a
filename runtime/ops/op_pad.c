/*
** op_pad.c — Pad: 2 (pads and value attributes), 11 (pads and constant_value inputs; 13 adds
** bfloat16), 18 (axes input), 19 (wrap mode; 21-25 add types). Modes constant, reflect, edge
** and wrap (19). Negative pads crop: an axis is cropped first, then padded from what is left
** (as onnxruntime does). Reflect needs at least 2 elements left and pads below that count
** (onnxruntime refuses the rest too); wrap repeats the axis as often as the pads ask (numpy's
** "wrap"). Pads (and axes) are read in prepare: constants, shape arithmetic, or values known
** only at run time (the node is then prepared just before it runs).
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"

#include <string.h>

int lstm__pad_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                    lstm__diag *d)
{
    lstm__pad_params *p = params;
    static const char *const v2[] = {"mode", "pads", "value", NULL}, *const v11[] = {"mode", NULL};
    char b[LSTM__LABEL_MAX];
    memset(p, 0, sizeof *p);
    if (since >= 11) {
        if (lstm__arity(g, n, 2, since >= 18 ? 4 : 3, 1, 1, d) ||
            lstm__attrs_allowed(g, n, since, v11, d))
            return d->code;
    } else {
        const lstm__attr *v = lstm__attr_find(n, "value");
        if (lstm__arity(g, n, 1, 1, 1, 1, d) || lstm__attrs_allowed(g, n, since, v2, d) ||
            lstm__attr_ints(g, n, "pads", p->pads, 2 * LSTM__MAX_RANK, &p->n, d))
            return d->code;
        if (p->n < 0)
            return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'pads' is required",
                              lstm__node_ctx(g, n, b, sizeof b));
        if (v && v->type != LSTM__A_FLOAT)
            return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'value' must be a float",
                              lstm__node_ctx(g, n, b, sizeof b));
        p->value = v ? v->f : 0.0f;
    }
    const lstm__attr *m = lstm__attr_find(n, "mode");
    if (!m) return LSTM_OK;
    if (m->type != LSTM__A_STRING)
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'mode' must be a string",
                          lstm__node_ctx(g, n, b, sizeof b));
    if (strcmp(m->s, "constant") == 0)
        p->mode = LSTM__PAD_CONSTANT;
    else if (strcmp(m->s, "reflect") == 0)
        p->mode = LSTM__PAD_REFLECT;
    else if (strcmp(m->s, "edge") == 0)
        p->mode = LSTM__PAD_EDGE;
    else if (strcmp(m->s, "wrap") == 0 && since >= 19)
        p->mode = LSTM__PAD_WRAP;
    else
        return lstm__errf(d, LSTM_EMODEL,
                          "%s: attribute 'mode' is '%.40s', expected constant, reflect, edge%s",
                          lstm__node_ctx(g, n, b, sizeof b), m->s,
                          since >= 19 ? " or wrap" : " (wrap from opset 19)");
    return LSTM_OK;
}

static const char *mode_name(int mode)
{
    static const char *const names[] = {"constant", "reflect", "edge", "wrap"};
    return names[mode];
}

/* Pads per axis (begin in pb, end in pe) from the attribute or the pads / axes inputs. */
static int read_pads(lstm__kctx *k, int rank, int64_t *pb, int64_t *pe)
{
    const lstm__pad_params *p = k->params;
    int64_t pads[2 * LSTM__MAX_RANK], axes[LSTM__MAX_RANK];
    int n = p->n, na = -1;
    if (k->since >= 11) {
        if (lstm__read_ints(k, 1, "pads", pads, 2 * LSTM__MAX_RANK, &n)) return k->d->code;
        if (k->n->n_in > 3 && k->in[3] && lstm__read_ints(k, 3, "axes", axes, LSTM__MAX_RANK, &na))
            return k->d->code;
    } else {
        memcpy(pads, p->pads, sizeof pads);
    }
    if (na < 0) {
        na = rank;
        for (int i = 0; i < rank; i++) axes[i] = i;
    }
    if (n != 2 * na)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: pads has %d values, expected %d (2 per %s)",
                          lstm__klabel(k), n, 2 * na, na == rank ? "input axis" : "axis in axes");
    int seen[LSTM__MAX_RANK] = {0};
    for (int i = 0; i < rank; i++) pb[i] = pe[i] = 0;
    for (int i = 0; i < na; i++) {
        int a;
        if (lstm__axis(k, axes[i], rank, &a, "axis")) return k->d->code;
        if (seen[a])
            return lstm__errf(k->d, LSTM_EINVAL, "%s: axes name axis %d twice", lstm__klabel(k), a);
        seen[a] = 1;
        pb[a] = pads[i];
        pe[a] = pads[i + na];
    }
    return LSTM_OK;
}

int lstm__pad_prepare(lstm__kctx *k)
{
    const lstm__pad_params *p = k->params;
    lstm__pad_state *st = k->state;
    const lstm__rt *x = k->in[0];
    const lstm__rt *cv = k->since >= 11 && k->n->n_in > 2 ? k->in[2] : NULL;
    int64_t pb[LSTM__MAX_RANK], pe[LSTM__MAX_RANK], dims[LSTM__MAX_RANK];
    if (!lstm__dtype_size(x->dtype))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type %s", lstm__klabel(k),
                          lstm__dtype_name(x->dtype));
    if (k->since < 11 && !lstm__is_float(x->dtype)) /* its float `value` fills no integer */
        return lstm__errf(k->d, LSTM_EUNSUPPORTED,
                          "%s: unsupported type %s (Pad takes float types before opset 11)",
                          lstm__klabel(k), lstm__dtype_name(x->dtype));
    if (cv && (cv->dtype != x->dtype || cv->nelem != 1))
        return lstm__errf(k->d, LSTM_EINVAL, "%s: constant_value must be one %s value",
                          lstm__klabel(k), lstm__dtype_name(x->dtype));
    if (read_pads(k, x->rank, pb, pe)) return k->d->code;
    for (int i = 0; i < x->rank; i++) {
        int64_t crop_b = pb[i] < 0 ? pb[i] : 0, crop_e = pe[i] < 0 ? pe[i] : 0;
        if (pb[i] < -x->dims[i] || pe[i] < -x->dims[i] || -crop_b - crop_e > x->dims[i] ||
            pb[i] > ((int64_t)1 << 40) || pe[i] > ((int64_t)1 << 40))
            return lstm__errf(
                k->d, LSTM_EINVAL, "%s: pads %lld and %lld do not fit axis %d of size %lld",
                lstm__klabel(k), (long long)pb[i], (long long)pe[i], i, (long long)x->dims[i]);
        st->crop[i] = -crop_b;
        st->kept[i] = x->dims[i] + crop_b + crop_e;
        st->before[i] = pb[i] > 0 ? pb[i] : 0;
        st->after[i] = pe[i] > 0 ? pe[i] : 0;
        dims[i] = st->kept[i] + st->before[i] + st->after[i];
        int64_t kept = st->kept[i],
                most = st->before[i] > st->after[i] ? st->before[i] : st->after[i];
        if (!most || p->mode == LSTM__PAD_CONSTANT) continue;
        if (kept == 0)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: mode %s cannot pad axis %d: no element is left", lstm__klabel(k),
                              mode_name(p->mode), i);
        if (p->mode == LSTM__PAD_REFLECT && (kept < 2 || most > kept - 1))
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: mode reflect pads axis %d (%lld elements left) by %lld, "
                              "at most %lld",
                              lstm__klabel(k), i, (long long)kept, (long long)most,
                              (long long)(kept > 1 ? kept - 1 : 0));
    }
    /* The constant in the data's type: the attribute (opset 2) or 0; run reads the input. */
    memset(st->value, 0, sizeof st->value);
    lstm__rt v = {.dtype = x->dtype, .data = st->value};
    if (k->since < 11 && lstm__dtype_size(x->dtype) <= sizeof st->value)
        lstm__put_f(&v, 0, p->value);
    return lstm__rt_set(k, k->out[0], x->dtype, x->rank, dims);
}

/* Index into the kept part of an axis for output position j, or -1 for the constant. */
static int64_t src_index(int mode, int64_t j, int64_t before, int64_t kept)
{
    int64_t t = j - before;
    if (t >= 0 && t < kept) return t;
    switch (mode) {
    case LSTM__PAD_EDGE:
        return t < 0 ? 0 : kept - 1;
    case LSTM__PAD_REFLECT:
        return t < 0 ? -t : 2 * (kept - 1) - t;
    case LSTM__PAD_WRAP:
        return ((t % kept) + kept) % kept;
    default:
        return -1;
    }
}

static void fill(char *dst, const void *val, size_t es, int64_t n)
{
    for (int64_t i = 0; i < n; i++) memcpy(dst + (size_t)i * es, val, es);
}

int lstm__pad_run(lstm__kctx *k)
{
    const lstm__pad_params *p = k->params;
    const lstm__pad_state *st = k->state;
    const lstm__rt *x = k->in[0];
    lstm__rt *y = k->out[0];
    const lstm__rt *cv = k->since >= 11 && k->n->n_in > 2 ? k->in[2] : NULL;
    const void *value = cv ? cv->data : st->value;
    size_t es = lstm__dtype_size(x->dtype);
    int r = x->rank;
    if (!y->nelem) return LSTM_OK;
    if (r == 0) {
        memcpy(y->data, x->data, es);
        return LSTM_OK;
    }
    int64_t xs[LSTM__MAX_RANK], idx[LSTM__MAX_RANK] = {0}, s = 1;
    for (int i = r - 1; i >= 0; i--) {
        xs[i] = s;
        s *= x->dims[i];
    }
    /* One output row (the last axis) at a time. */
    int64_t row = y->dims[r - 1], before = st->before[r - 1], kept = st->kept[r - 1];
    size_t rows = y->nelem / (size_t)row;
    char *dst = y->data;
    const char *src = x->data;
    for (size_t e = 0; e < rows; e++, dst += (size_t)row * es) {
        int64_t off = st->crop[r - 1];
        int constant = 0;
        for (int i = 0; i < r - 1 && !constant; i++) {
            int64_t t = src_index(p->mode, idx[i], st->before[i], st->kept[i]);
            if (t < 0)
                constant = 1;
            else
                off += (st->crop[i] + t) * xs[i];
        }
        if (constant) {
            fill(dst, value, es, row);
        } else {
            const char *srow = src + (size_t)off * es;
            for (int64_t j = 0; j < before; j++) {
                int64_t t = src_index(p->mode, j, before, kept);
                if (t < 0)
                    memcpy(dst + (size_t)j * es, value, es);
                else
                    memcpy(dst + (size_t)j * es, srow + (size_t)t * es, es);
            }
            if (kept) memcpy(dst + (size_t)before * es, srow, (size_t)kept * es);
            for (int64_t j = before + kept; j < row; j++) {
                int64_t t = src_index(p->mode, j, before, kept);
                if (t < 0)
                    memcpy(dst + (size_t)j * es, value, es);
                else
                    memcpy(dst + (size_t)j * es, srow + (size_t)t * es, es);
            }
        }
        for (int i = r - 2; i >= 0; i--) {
            if (++idx[i] < y->dims[i]) break;
            idx[i] = 0;
        }
    }
    return LSTM_OK;
}
