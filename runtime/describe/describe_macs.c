/*
** describe_macs.c — multiply-adds of the nodes that do most of the arithmetic (Conv,
** ConvTranspose, Gemm, MatMul, LSTM, GRU, RNN, com.microsoft DynamicQuantizeLSTM), from the
** shapes the model states: weights, declared inputs and outputs, value_info. A dimension the model
*leaves symbolic or unknown is
** taken as 1 and named in the count ("x T x batch"), so a count is exact once those are known.
*/
#include "describe/describe.h"
#include "ops/conv.h"

#include <stdio.h>
#include <string.h>

typedef struct dims {
    int rank;                         /* -1: unknown */
    int64_t d[LSTM__MAX_RANK];        /* -1 where unknown */
    const char *name[LSTM__MAX_RANK]; /* symbolic names, or NULL */
} dims;

/* The shape of node n's input k as the model states it (an outer value's from its origin). */
static dims shape_of(const lstm__graph *g, const lstm__node *n, int k)
{
    dims s = {.rank = -1};
    const lstm__value *v = lstm__node_input(g, n, k);
    if (!v) return s;
    const lstm__graph *og = g;
    v = lstm__du_origin(&og, v);
    s.rank = lstm__value_shape(v, s.d);
    if (s.rank > 0 && !v->init && v->decl)
        for (int i = 0; i < s.rank; i++) s.name[i] = v->decl->type.dim_names[i];
    return s;
}

static void add_free(lstm__macs *m, const char *nm)
{
    for (int j = 0; j < m->n_free; j++)
        if (strcmp(m->free[j], nm) == 0) return;
    if (m->n_free < LSTM__MACS_FREE) m->free[m->n_free++] = nm;
}

/* Dimension i of s into m's count: its size, or 1 and its name among the free dimensions
** (the model's symbolic name, else `role`: what the dimension is for the operator). */
static uint64_t use(lstm__macs *m, const dims *s, int i, const char *role)
{
    if (i < 0 || i >= s->rank || s->d[i] < 0) {
        add_free(m, i >= 0 && i < s->rank && s->name[i] ? s->name[i] : role);
        return 1;
    }
    return (uint64_t)s->d[i];
}

static int64_t attr_i(const lstm__node *n, const char *name, int64_t def)
{
    const lstm__attr *a = lstm__attr_find(n, name);
    return a && a->type == LSTM__A_INT ? a->i : def;
}

static int64_t attr_at(const lstm__node *n, const char *name, int i, int64_t def)
{
    const lstm__attr *a = lstm__attr_find(n, name);
    return a && a->type == LSTM__A_INTS && (size_t)i < a->n ? a->ints[i] : def;
}

static int recurrent(const lstm__graph *g, const lstm__node *n, lstm__macs *m)
{
    const lstm__rnn_params *p = n->params;
    dims x = shape_of(g, n, RNN_IN_X), w = shape_of(g, n, RNN_IN_W), r = shape_of(g, n, RNN_IN_R);
    const int last = lstm__du_is_dqlstm(n) ? 1 : 2; /* where W and R hold input_size and H */
    if (!p || w.rank != 3 || r.rank != 3 || w.d[last] < 0 || r.d[last] < 0) return 0;
    if (x.rank != 3) x.rank = -1; /* unstated: steps and batch are free */
    uint64_t T = use(m, &x, p->layout ? 1 : 0, "T"), B = use(m, &x, p->layout ? 0 : 1, "batch");
    uint64_t I = (uint64_t)w.d[last], H = (uint64_t)r.d[last], D = (uint64_t)p->num_dirs;
    uint64_t step = (uint64_t)p->gates * H * (I + H);
    if (p->cell == LSTM__CELL_LSTM && n->n_in > RNN_IN_P && n->in[RNN_IN_P] >= 0) step += 3 * H;
    m->count = T * B * D * step;
    return 1;
}

static int gemm(const lstm__graph *g, const lstm__node *n, lstm__macs *m)
{
    dims a = shape_of(g, n, 0), b = shape_of(g, n, 1);
    if (b.rank != 2 || (a.rank != 2 && a.rank != -1)) return 0;
    int ta = attr_i(n, "transA", 0) != 0, tb = attr_i(n, "transB", 0) != 0;
    uint64_t K = b.d[tb ? 1 : 0] >= 0 ? (uint64_t)b.d[tb ? 1 : 0] : use(m, &a, ta ? 0 : 1, "K");
    m->count = use(m, &a, ta ? 1 : 0, "rows") * K * use(m, &b, tb ? 0 : 1, "N");
    return 1;
}

static int matmul(const lstm__graph *g, const lstm__node *n, lstm__macs *m)
{
    dims a = shape_of(g, n, 0), b = shape_of(g, n, 1);
    if (b.rank < 1) return 0;
    if (a.rank < 1) { /* unstated: the rows (every leading dimension) are free */
        if (b.rank != 2 || b.d[0] < 0) return 0;
        m->count = (uint64_t)b.d[0] * use(m, &b, 1, "N");
        add_free(m, "rows");
        return 1;
    }
    uint64_t M = a.rank > 1 ? use(m, &a, a.rank - 2, "M") : 1, K = use(m, &a, a.rank - 1, "K"),
             N = b.rank > 1 ? use(m, &b, b.rank - 1, "N") : 1, batch = 1;
    /* The broadcast batch dimensions: the larger of the two where both are known. */
    int ra = a.rank - 2, rb = b.rank - 2, rank = ra > rb ? ra : rb;
    for (int i = 0; i < rank; i++) {
        int ia = ra - rank + i, ib = rb - rank + i;
        int64_t da = ia >= 0 ? a.d[ia] : 1, db = ib >= 0 ? b.d[ib] : 1;
        if (da < 0 || db < 0)
            batch *= da < 0 ? use(m, &a, ia, "batch") : use(m, &b, ib, "batch");
        else
            batch *= (uint64_t)(da > db ? da : db);
    }
    m->count = batch * M * N * K;
    return 1;
}

/* Conv: N x output pixels x Cout x Cin/group x kernel; ConvTranspose: N x input pixels x Cin x
** Cout/group x kernel. */
static int conv(const lstm__graph *g, const lstm__node *n, lstm__macs *m, int transposed)
{
    dims x = shape_of(g, n, 0), w = shape_of(g, n, 1);
    if (w.rank < 3 || (x.rank != w.rank && x.rank != -1)) return 0;
    for (int i = 0; i < w.rank; i++)
        if (w.d[i] < 0) return 0;
    const int sp = w.rank - 2;
    uint64_t c = use(m, &x, 0, "batch") * (uint64_t)w.d[0] * (uint64_t)w.d[1];
    const lstm__attr *ap = lstm__attr_find(n, "auto_pad");
    const char *pad = ap && ap->type == LSTM__A_STRING ? ap->s : "NOTSET";
    for (int i = 0; i < sp; i++) {
        int64_t k = w.d[2 + i], in = x.rank > 0 ? x.d[2 + i] : -1;
        c *= (uint64_t)k;
        if (x.rank < 0) {
            add_free(m, transposed ? "input pixels" : "output pixels");
            continue;
        }
        if (transposed || in < 0) {
            c *= use(m, &x, 2 + i, transposed ? "input pixels" : "output pixels");
            continue;
        }
        int64_t s = attr_at(n, "strides", i, 1), dl = attr_at(n, "dilations", i, 1), out;
        int64_t pb = attr_at(n, "pads", i, 0), pe = attr_at(n, "pads", sp + i, 0);
        if (s < 1) s = 1;
        /* Beyond the operator's own bounds (spatial.c): not counted, and no overflow below. */
        const int64_t W = LSTM__WIN_MAX;
        if (s > W || dl < 1 || dl > W || k > W || in > W || pb < -W || pb > W || pe < -W || pe > W)
            return 0;
        if (!strcmp(pad, "SAME_UPPER") || !strcmp(pad, "SAME_LOWER"))
            out = (in + s - 1) / s;
        else
            out = (in + pb + pe - dl * (k - 1) - 1) / s + 1;
        c *= (uint64_t)(out > 0 ? out : 0);
    }
    m->count = c;
    return 1;
}

int lstm__du_node_macs(const lstm__graph *g, const lstm__node *n, lstm__macs *m)
{
    memset(m, 0, sizeof *m);
    if (!g->values) return 0;
    if (lstm__du_is_recurrent(n)) return recurrent(g, n, m); /* (DynamicQuantizeLSTM too) */
    if (n->domain[0]) return 0;
    const char *t = n->op_type;
    if (!strcmp(t, "Gemm")) return gemm(g, n, m);
    if (!strcmp(t, "MatMul")) return matmul(g, n, m);
    if (!strcmp(t, "Conv")) return conv(g, n, m, 0);
    if (!strcmp(t, "ConvTranspose")) return conv(g, n, m, 1);
    return 0;
}

const char *lstm__du_macs_text(const lstm__macs *m, char *buf, size_t len)
{
    size_t o = 0;
    char num[32];
    int k = snprintf(num, sizeof num, "%llu", (unsigned long long)m->count), nd = k;
    /* Thousands separated by commas. */
    for (int i = 0; i < nd && o + 2 < len; i++) {
        buf[o++] = num[i];
        if ((nd - 1 - i) % 3 == 0 && i != nd - 1) buf[o++] = ',';
    }
    buf[o] = '\0';
    for (int i = 0; i < m->n_free && o < len; i++)
        o += (size_t)snprintf(buf + o, len - o, " x %s", m->free[i]);
    return buf;
}
