/*
** op_einsum.c — Einsum 12: the equation "ab,bc->ac" (explicit output) or "ab,bc" (implicit:
** the ellipsis axes, then the letters used once, in ASCII order). A letter repeated within a
** term walks a diagonal; letters absent from the output are summed; "..." axes broadcast as
** numpy does. One loop over the output's indices and the summed ones; floats multiply and add
** in double and round once; integers in 64 bits, wrapping to the type. A float32 equation that
** is a plain (batched) matrix product goes to the BLAS instead (float accumulation).
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"
#include "blas.h"

#include <limits.h>
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

/* Whether seq[0..n) equals the concatenation of a[0..na) and b[0..nb). */
static int is_cat(const int *seq, int n, const int *a, int na, const int *b, int nb)
{
    if (n != na + nb) return 0;
    for (int i = 0; i < na; i++)
        if (seq[i] != a[i]) return 0;
    for (int i = 0; i < nb; i++)
        if (seq[na + i] != b[i]) return 0;
    return 1;
}

/* A float32 product of two operands whose indices split into batch (output, both operands),
** M (output, A), N (output, B) and K (summed, both), laid out as batch-M-N in the output,
** batch-M-K or batch-K-M in A, batch-K-N or batch-N-K in B, with no diagonal, no broadcast
** and no empty axis: set st->gemm. ids[i][ax]: the index of operand i's axis ax. */
static void find_gemm(lstm__kctx *k, lstm__einsum_state *st, int ids[2][LSTM__MAX_RANK])
{
    const lstm__rt *a = k->in[0], *b = k->in[1];
    int in[2][LSTM__EINSUM_MAX_IDX] = {{0}}, out[LSTM__EINSUM_MAX_IDX];
    int bat[LSTM__MAX_RANK], m[LSTM__MAX_RANK], n[LSTM__MAX_RANK], kk[LSTM__MAX_RANK];
    int nb = 0, nm = 0, nn = 0, nk = 0;
    int64_t size[4] = {1, 1, 1, 1};
    st->gemm = 0;
    if (k->n->n_in != 2 || a->dtype != LSTM_DT_FLOAT) return;
    for (int i = 0; i < 2; i++)
        for (int ax = 0; ax < k->in[i]->rank; ax++) {
            int j = ids[i][ax];
            if (in[i][j] || k->in[i]->dims[ax] != st->size[j]) return; /* diagonal, broadcast */
            in[i][j] = 1;
        }
    for (int j = 0; j < st->nidx; j++) {
        if (st->size[j] <= 0 || st->size[j] > INT_MAX) return;
        out[j] = j < st->nout;
        int *list = NULL, *cnt = NULL;
        if (out[j] && in[0][j] && in[1][j])
            list = bat, cnt = &nb, size[0] *= st->size[j];
        else if (out[j] && in[0][j])
            list = m, cnt = &nm, size[1] *= st->size[j];
        else if (out[j] && in[1][j])
            list = n, cnt = &nn, size[2] *= st->size[j];
        else if (!out[j] && in[0][j] && in[1][j])
            list = kk, cnt = &nk, size[3] *= st->size[j];
        else
            return; /* summed within one operand, or an output axis of neither */
        if (*cnt == LSTM__MAX_RANK) return;
        list[(*cnt)++] = j;
    }
    for (int q = 0; q < 4; q++)
        if (size[q] > INT_MAX) return;
    if (size[1] * size[2] * size[3] < 16) return; /* elementwise-like: the loop is cheaper */
    if (size[1] * size[3] > INT_MAX || size[3] * size[2] > INT_MAX || size[1] * size[2] > INT_MAX)
        return;
    /* K in A's order (kk is in index order: reorder by A) */
    int ka[LSTM__MAX_RANK], nka = 0;
    for (int ax = 0; ax < a->rank; ax++)
        if (!out[ids[0][ax]]) ka[nka++] = ids[0][ax];
    int seq[LSTM__EINSUM_MAX_IDX], mn[2 * LSTM__MAX_RANK];
    for (int j = 0; j < st->nout; j++) seq[j] = j;
    memcpy(mn, m, sizeof(int) * (size_t)nm);
    memcpy(mn + nm, n, sizeof(int) * (size_t)nn);
    if (!is_cat(seq, st->nout, bat, nb, mn, nm + nn)) return;
    int tail[2 * LSTM__MAX_RANK];
    int ta = -1, tb = -1;
    for (int t = 0; t < 2 && ta < 0; t++) {
        memcpy(tail, t ? ka : m, sizeof(int) * (size_t)(t ? nka : nm));
        memcpy(tail + (t ? nka : nm), t ? m : ka, sizeof(int) * (size_t)(t ? nm : nka));
        if (is_cat(ids[0], a->rank, bat, nb, tail, nm + nka)) ta = t;
    }
    for (int t = 0; t < 2 && tb < 0; t++) {
        memcpy(tail, t ? n : ka, sizeof(int) * (size_t)(t ? nn : nka));
        memcpy(tail + (t ? nn : nka), t ? ka : n, sizeof(int) * (size_t)(t ? nka : nn));
        if (is_cat(ids[1], b->rank, bat, nb, tail, nn + nka)) tb = t;
    }
    if (ta < 0 || tb < 0) return;
    st->gemm = 1;
    st->ta = ta;
    st->tb = tb;
    st->gb = size[0];
    st->gm = size[1];
    st->gn = size[2];
    st->gk = size[3];
}

int lstm__einsum_prepare(lstm__kctx *k)
{
    const lstm__einsum_params *p = k->params;
    lstm__einsum_state *st = k->state;
    char sb[64];
    int dt = k->in[0]->dtype, E = 0, count[LSTM__EINSUM_LETTERS] = {0};
    int id[LSTM__EINSUM_LETTERS]; /* letter -> index, -1 unused */
    int ids[2][LSTM__MAX_RANK];   /* operands 0 and 1: each axis's index */
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
                if (i < 2) ids[i][ax] = j;
            } else {
                int l = t->lab[q], j = id[l];
                if (st->size[j] >= 0 && st->size[j] != dim)
                    return lstm__errf(k->d, LSTM_EINVAL,
                                      "%s: letter '%c' has size %lld in operand %d, %lld elsewhere",
                                      lstm__klabel(k), l < 26 ? 'A' + l : 'a' + l - 26,
                                      (long long)dim, i, (long long)st->size[j]);
                st->size[j] = dim;
                st->st[i][j] += stride;
                if (i < 2) ids[i][ax] = j;
            }
            if (!lstm__mul_i64(stride, dim, &stride)) stride = 0; /* x is empty: unused */
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
    int rc = lstm__rt_set(k, k->out[0], dt, st->nout, od);
    if (rc || !k->out[0]->nelem) return rc;
    st->inner = 1;
    for (int j = st->nout; j < nidx; j++)
        if (!lstm__mul_i64(st->inner, st->size[j], &st->inner))
            return lstm__errf(k->d, LSTM_ELIMIT,
                              "%s: the letters summed over span more than 2^63 combinations",
                              lstm__klabel(k));
    find_gemm(k, st, ids);
    return LSTM_OK;
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
    if (st->gemm) {
        const float *a = k->in[0]->data, *b = k->in[1]->data;
        float *c = y->data;
        int m = (int)st->gm, n = (int)st->gn, kk = (int)st->gk;
        for (int64_t q = 0; q < st->gb; q++)
            lstm__sgemm_mt(k->workers, st->ta, st->tb, m, n, kk, 1.0f, a + q * m * kk,
                           st->ta ? m : kk, b + q * kk * n, st->tb ? kk : n, 0.0f, c + q * m * n,
                           n);
        return LSTM_OK;
    }
    const int64_t inner = st->inner;
    int64_t polled = 0;
    for (size_t o = 0; o < y->nelem; o++) {
        double sf = 0;
        uint64_t si = 0;
        for (int i = 0; i < nin; i++) off[i] = base[i];
        for (int j = nout; j < nidx; j++) ctr[j] = 0;
        for (int64_t s = 0; s < inner; s++) {
            /* Long sums are stoppable: the abort callback every 2^24 steps. */
            if (++polled == (int64_t)1 << 24) {
                polled = 0;
                if (k->abort && k->abort(k->abort_ud))
                    return lstm__errf(k->d, LSTM_EABORTED, "%s: aborted at output element %zu",
                                      lstm__klabel(k), o);
            }
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
