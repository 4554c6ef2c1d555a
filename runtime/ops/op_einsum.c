/*
** op_einsum.c — Einsum 12: the equation "ab,bc->ac" (explicit output) or "ab,bc" (implicit:
** the ellipsis axes, then the letters used once, in ASCII order). A letter repeated within a
** term walks a diagonal; letters absent from the output are summed; "..." axes broadcast as
** numpy does. One loop over the output's indices and the summed ones; floats multiply and add
** in double and round once; integers in 64 bits, wrapping to the type.
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int letter(char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return 26 + (c - 'a');
    return -1;
}

/* Parse one term from s[0..len); errors name the node (ctx) and the term. */
static int parse_term(const char *s, size_t len, lstm__einsum_term *t, const char *ctx,
                      const char *which, lstm__diag *d)
{
    t->n = 0;
    t->ell = -1;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == ' ') continue;
        if (c == '.') {
            if (i + 2 >= len || s[i + 1] != '.' || s[i + 2] != '.')
                return lstm__errf(d, LSTM_EMODEL, "%s: equation: %s has a '.' outside '...'", ctx,
                                  which);
            if (t->ell >= 0)
                return lstm__errf(d, LSTM_EMODEL, "%s: equation: %s has more than one '...'", ctx,
                                  which);
            t->ell = t->n;
            i += 2;
            continue;
        }
        int l = letter(c);
        if (l < 0)
            return lstm__errf(d, LSTM_EMODEL,
                              "%s: equation: %s has the character '%c', expected letters, "
                              "'...' and ','",
                              ctx, which, c >= 32 && c < 127 ? c : '?');
        if (t->n == LSTM__MAX_RANK)
            return lstm__errf(d, LSTM_EMODEL, "%s: equation: %s has more than %d letters", ctx,
                              which, LSTM__MAX_RANK);
        t->lab[t->n++] = (unsigned char)l;
    }
    return LSTM_OK;
}

int lstm__einsum_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                       lstm__diag *d)
{
    lstm__einsum_params *p = params;
    static const char *const names[] = {"equation", NULL};
    char b[LSTM__LABEL_MAX], which[32];
    if (lstm__arity(g, n, 1, LSTM__EINSUM_MAX_IN, 1, 1, d) ||
        lstm__attrs_allowed(g, n, since, names, d))
        return d->code;
    const char *ctx = lstm__node_ctx(g, n, b, sizeof b);
    const lstm__attr *a = lstm__attr_find(n, "equation");
    if (!a || a->type != LSTM__A_STRING)
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'equation' (a string) is required", ctx);
    const char *eq = a->s, *arrow = strstr(eq, "->");
    size_t lhs = arrow ? (size_t)(arrow - eq) : strlen(eq);
    p->nin = 0;
    for (size_t s = 0;;) {
        size_t e = s;
        while (e < lhs && eq[e] != ',') e++;
        if (p->nin == n->n_in)
            return lstm__errf(d, LSTM_EMODEL,
                              "%s: equation '%.80s' has more terms than the node's %d inputs", ctx,
                              eq, n->n_in);
        snprintf(which, sizeof which, "operand %d", p->nin);
        if (parse_term(eq + s, e - s, &p->in[p->nin], ctx, which, d)) return d->code;
        p->nin++;
        if (e == lhs) break;
        s = e + 1;
    }
    if (p->nin != n->n_in)
        return lstm__errf(d, LSTM_EMODEL, "%s: equation '%.80s' has %d terms for %d inputs", ctx,
                          eq, p->nin, n->n_in);
    p->explicit_out = arrow != NULL;
    if (!arrow) return LSTM_OK;
    if (strstr(arrow + 2, "->"))
        return lstm__errf(d, LSTM_EMODEL, "%s: equation '%.80s' has more than one '->'", ctx, eq);
    if (parse_term(arrow + 2, strlen(arrow + 2), &p->out, ctx, "the output", d)) return d->code;
    int any_ell = 0;
    for (int i = 0; i < p->nin; i++) any_ell |= p->in[i].ell >= 0;
    if (p->out.ell >= 0 && !any_ell)
        return lstm__errf(d, LSTM_EMODEL, "%s: equation '%.80s': output has '...', no operand has",
                          ctx, eq);
    for (int j = 0; j < p->out.n; j++) {
        int l = p->out.lab[j], seen = 0;
        for (int q = 0; q < j; q++)
            if (p->out.lab[q] == l)
                return lstm__errf(d, LSTM_EMODEL,
                                  "%s: equation '%.80s': output repeats the letter '%c'", ctx, eq,
                                  l < 26 ? 'A' + l : 'a' + l - 26);
        for (int i = 0; i < p->nin && !seen; i++)
            for (int q = 0; q < p->in[i].n; q++) seen |= p->in[i].lab[q] == l;
        if (!seen)
            return lstm__errf(d, LSTM_EMODEL,
                              "%s: equation '%.80s': output letter '%c' is in no operand", ctx, eq,
                              l < 26 ? 'A' + l : 'a' + l - 26);
    }
    return LSTM_OK;
}

static int supported(int dt)
{
    return dt == LSTM_DT_FLOAT || dt == LSTM_DT_DOUBLE || dt == LSTM_DT_FLOAT16 || lstm__is_int(dt);
}

int lstm__einsum_prepare(lstm__kctx *k)
{
    const lstm__einsum_params *p = k->params;
    lstm__einsum_state *st = k->state;
    char sb[64];
    int dt = k->in[0]->dtype, E = 0, count[LSTM__EINSUM_LETTERS] = {0};
    int id[LSTM__EINSUM_LETTERS]; /* letter -> index, -1 unused */
    if (!supported(dt))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type %s", lstm__klabel(k),
                          lstm__dtype_name(dt));
    for (int i = 0; i < p->nin; i++) {
        const lstm__rt *x = k->in[i];
        const lstm__einsum_term *t = &p->in[i];
        if (!x)
            return lstm__errf(k->d, LSTM_EINVAL, "%s: operand %d is absent", lstm__klabel(k), i);
        if (x->dtype != dt)
            return lstm__errf(k->d, LSTM_EINVAL, "%s: operand %d is %s, operand 0 is %s",
                              lstm__klabel(k), i, lstm__dtype_name(x->dtype), lstm__dtype_name(dt));
        if (t->ell < 0 ? x->rank != t->n : x->rank < t->n)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: operand %d has shape %s, its term has %d letters%s",
                              lstm__klabel(k), i, lstm__dims_str(sb, sizeof sb, x->rank, x->dims),
                              t->n, t->ell < 0 ? "" : " and '...'");
        if (t->ell >= 0 && x->rank - t->n > E) E = x->rank - t->n;
        for (int q = 0; q < t->n; q++) count[t->lab[q]]++;
    }
    /* The output's indices: ellipsis axes are indices 0..E-1 of the ellipsis block. */
    int ell0 = 0, nidx = 0;
    for (int l = 0; l < LSTM__EINSUM_LETTERS; l++) id[l] = -1;
    if (p->explicit_out) {
        if (p->out.ell < 0 && E > 0)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: the operands' '...' has %d axes, the output has no '...'",
                              lstm__klabel(k), E);
        for (int j = 0; j < p->out.n; j++) {
            if (j == p->out.ell) ell0 = nidx, nidx += E;
            id[p->out.lab[j]] = nidx++;
        }
        if (p->out.ell == p->out.n) ell0 = nidx, nidx += E;
    } else {
        ell0 = 0, nidx = E;
        for (int l = 0; l < LSTM__EINSUM_LETTERS; l++)
            if (count[l] == 1) id[l] = nidx++;
    }
    st->nout = nidx;
    for (int l = 0; l < LSTM__EINSUM_LETTERS; l++)
        if (count[l] && id[l] < 0) id[l] = nidx++;
    st->nidx = nidx;
    for (int j = 0; j < nidx; j++) st->size[j] = -1;
    for (int i = 0; i < p->nin; i++) {
        const lstm__rt *x = k->in[i];
        const lstm__einsum_term *t = &p->in[i];
        int er = t->ell < 0 ? 0 : x->rank - t->n;
        int64_t stride = 1;
        for (int j = 0; j < nidx; j++) st->st[i][j] = 0;
        for (int ax = x->rank - 1; ax >= 0; ax--) {
            int64_t dim = x->dims[ax];
            int q = t->ell < 0 || ax < t->ell ? ax : ax < t->ell + er ? -1 : ax - er;
            if (q < 0) { /* ellipsis axis, numpy broadcasting from the right */
                int j = ell0 + E - er + (ax - t->ell);
                if (st->size[j] < 0 || st->size[j] == 1)
                    st->size[j] = dim;
                else if (dim != 1 && dim != st->size[j])
                    return lstm__errf(k->d, LSTM_EINVAL,
                                      "%s: operand %d's '...' axis %d has %lld, another operand's "
                                      "has %lld (not broadcastable)",
                                      lstm__klabel(k), i, ax, (long long)dim,
                                      (long long)st->size[j]);
                if (dim != 1) st->st[i][j] += stride;
            } else {
                int l = t->lab[q], j = id[l];
                if (st->size[j] >= 0 && st->size[j] != dim)
                    return lstm__errf(k->d, LSTM_EINVAL,
                                      "%s: letter '%c' has size %lld in operand %d, %lld elsewhere",
                                      lstm__klabel(k), l < 26 ? 'A' + l : 'a' + l - 26,
                                      (long long)dim, i, (long long)st->size[j]);
                st->size[j] = dim;
                st->st[i][j] += stride;
            }
            stride *= dim;
        }
    }
    int64_t od[LSTM__MAX_RANK];
    for (int j = 0; j < st->nout; j++) {
        if (st->size[j] < 0) st->size[j] = 1; /* an ellipsis axis no operand reaches */
        if (j >= LSTM__MAX_RANK)
            return lstm__errf(k->d, LSTM_EINVAL, "%s: the output would have more than %d axes",
                              lstm__klabel(k), LSTM__MAX_RANK);
        od[j] = st->size[j];
    }
    return lstm__rt_set(k, k->out[0], dt, st->nout, od);
}

/* Operand values as double (floats) or as 64-bit integers. */
static double getf(const lstm__rt *x, size_t e)
{
    if (x->dtype == LSTM_DT_FLOAT) return ((const float *)x->data)[e];
    if (x->dtype == LSTM_DT_DOUBLE) return ((const double *)x->data)[e];
    return lstm__get_f(x, e);
}

/* double -> float16 rounded once: round to odd in float (13 spare bits), then to nearest. */
static uint16_t to_f16(double v)
{
    float f = (float)v;
    uint32_t u;
    memcpy(&u, &f, 4);
    if ((double)f != v && !isnan(v) && !(u & 1)) f = nextafterf(f, v > f ? INFINITY : -INFINITY);
    return lstm__f32_to_f16(f);
}

int lstm__einsum_run(lstm__kctx *k)
{
    const lstm__einsum_params *p = k->params;
    const lstm__einsum_state *st = k->state;
    lstm__rt *y = k->out[0];
    int nin = p->nin, nout = st->nout, nidx = st->nidx, fl = lstm__is_float(y->dtype);
    int64_t ctr[LSTM__EINSUM_MAX_IDX] = {0};
    size_t base[LSTM__EINSUM_MAX_IN] = {0}, off[LSTM__EINSUM_MAX_IN];
    int64_t inner = 1;
    for (int j = nout; j < nidx; j++) inner *= st->size[j];
    for (size_t o = 0; o < y->nelem; o++) {
        double sf = 0;
        uint64_t si = 0;
        for (int i = 0; i < nin; i++) off[i] = base[i];
        for (int64_t s = 0; s < inner; s++) {
            if (fl) {
                double v = 1;
                for (int i = 0; i < nin; i++) v *= getf(k->in[i], off[i]);
                sf += v;
            } else {
                uint64_t v = 1;
                for (int i = 0; i < nin; i++) v *= (uint64_t)lstm__get_i(k->in[i], off[i]);
                si += v;
            }
            for (int j = nidx - 1; j >= nout; j--) { /* next summed index */
                for (int i = 0; i < nin; i++) off[i] += (size_t)st->st[i][j];
                if (++ctr[j] < st->size[j]) break;
                ctr[j] = 0;
                for (int i = 0; i < nin; i++) off[i] -= (size_t)(st->st[i][j] * st->size[j]);
            }
        }
        if (y->dtype == LSTM_DT_FLOAT)
            ((float *)y->data)[o] = (float)sf;
        else if (y->dtype == LSTM_DT_FLOAT16)
            ((uint16_t *)y->data)[o] = to_f16(sf);
        else if (fl)
            lstm__put_f(y, o, sf);
        else
            lstm__put_i(y, o, (int64_t)si);
        for (int j = nout - 1; j >= 0; j--) { /* next output element */
            for (int i = 0; i < nin; i++) base[i] += (size_t)st->st[i][j];
            if (++ctr[j] < st->size[j]) break;
            ctr[j] = 0;
            for (int i = 0; i < nin; i++) base[i] -= (size_t)(st->st[i][j] * st->size[j]);
        }
    }
    return LSTM_OK;
}
