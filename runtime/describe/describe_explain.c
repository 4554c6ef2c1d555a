/*
** describe_explain.c — lstm_model_explain: each recurrent node's cell equations with its real
** attributes put in, weight statistics per gate block (W, R and the two bias halves), and
** warnings for common conversion mistakes.
*/
#include "describe/describe.h"
#include "kernel.h"
#include "dtype.h"
#include "model.h"
#include "ops/registry.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* "Sigmoid", "HardSigmoid[α=0.2, β=0.5]", ... */
static const char *act_str(char *buf, size_t n, const lstm__act *a)
{
    int ta = lstm__act_takes_alpha(a->kind), tb = lstm__act_takes_beta(a->kind);
    if (ta && tb)
        snprintf(buf, n, "%s[alpha=%g, beta=%g]", lstm__act_name(a->kind), (double)a->alpha,
                 (double)a->beta);
    else if (ta)
        snprintf(buf, n, "%s[alpha=%g]", lstm__act_name(a->kind), (double)a->alpha);
    else
        snprintf(buf, n, "%s", lstm__act_name(a->kind));
    return buf;
}

typedef struct stats {
    double mean, sd, lo, hi;
    int ok, freed; /* freed: the tensor's data was freed once packed (lstm_options.keep_weights) */
} stats;

static stats block_stats(const lstm__tensor *t, size_t off, size_t n)
{
    stats s = {0, 0, INFINITY, -INFINITY, 0, t && t->released};
    const int dt = t ? t->dtype : LSTM_DT_UNDEFINED;
    if (!t || t->released || off + n > t->nelem || n == 0 ||
        (dt != LSTM_DT_FLOAT && dt != LSTM_DT_FLOAT16 && dt != LSTM_DT_BFLOAT16 &&
         dt != LSTM_DT_DOUBLE))
        return s;
    double sum = 0, sq = 0;
    for (size_t i = off; i < off + n; i++) {
        const double v = dt == LSTM_DT_FLOAT    ? ((const float *)t->data)[i]
                         : dt == LSTM_DT_DOUBLE ? ((const double *)t->data)[i]
                         : dt == LSTM_DT_FLOAT16
                             ? lstm__f16_to_f32(((const uint16_t *)t->data)[i])
                             : lstm__bf16_to_f32(((const uint16_t *)t->data)[i]);
        sum += v;
        sq += v * v;
        s.lo = v < s.lo ? v : s.lo;
        s.hi = v > s.hi ? v : s.hi;
    }
    s.mean = sum / (double)n;
    s.sd = sqrt(fmax(sq / (double)n - s.mean * s.mean, 0));
    s.ok = 1;
    return s;
}

/* The same over gate block k of direction d of an 8-bit W or R of DynamicQuantizeLSTM
** ([D, rows, G*H]: columns k*H to k*H + H - 1 of every row), dequantized: (w - zp[c]) scale[c]
** with one scale / zero point per direction ([D]) or per column ([D, G*H]); zp may be absent. */
static stats qblock_stats(const lstm__tensor *t, const lstm__tensor *sc, const lstm__tensor *zp,
                          int64_t d, int64_t k, int64_t H, int64_t G)
{
    stats s = {0, 0, INFINITY, -INFINITY, 0, t && t->released};
    if (!t || t->released || !sc || t->rank != 3 ||
        (t->dtype != LSTM_DT_INT8 && t->dtype != LSTM_DT_UINT8) || sc->dtype != LSTM_DT_FLOAT ||
        t->dims[2] != G * H || d >= t->dims[0] || H <= 0 || t->dims[1] <= 0)
        return s;
    const int64_t rows = t->dims[1], GH = G * H;
    const int per = sc->nelem == (size_t)(t->dims[0] * GH);
    if (!per && sc->nelem != (size_t)t->dims[0]) return s;
    if (zp && (zp->nelem != sc->nelem || zp->dtype != t->dtype)) return s;
    double sum = 0, sq = 0;
    for (int64_t i = 0; i < rows; i++)
        for (int64_t c = k * H; c < (k + 1) * H; c++) {
            const size_t e = (size_t)((d * rows + i) * GH + c), q = (size_t)(per ? d * GH + c : d);
            const int32_t w = t->dtype == LSTM_DT_INT8 ? ((const int8_t *)t->data)[e]
                                                       : ((const uint8_t *)t->data)[e];
            const int32_t z = !zp                         ? 0
                              : zp->dtype == LSTM_DT_INT8 ? ((const int8_t *)zp->data)[q]
                                                          : ((const uint8_t *)zp->data)[q];
            const double v = (double)(w - z) * ((const float *)sc->data)[q];
            sum += v;
            sq += v * v;
            s.lo = v < s.lo ? v : s.lo;
            s.hi = v > s.hi ? v : s.hi;
        }
    const double n = (double)(rows * H);
    s.mean = sum / n;
    s.sd = sqrt(fmax(sq / n - s.mean * s.mean, 0));
    s.ok = 1;
    return s;
}

static void stat_cell(lstm__out *f, stats s)
{
    if (s.ok)
        lstm__outf(f, " %8.4f %8.4f %8.4f %8.4f |", s.mean, s.sd, s.lo, s.hi);
    else if (s.freed)
        lstm__outf(f, " %35s |", "(freed once packed)");
    else
        lstm__outf(f, " %35s |", "(not a constant)");
}

/* Input k when it is a constant (of this graph or, for a subgraph, of an enclosing one). */
static const lstm__tensor *const_input(const lstm__graph *g, const lstm__node *n, int k)
{
    const lstm__value *v = lstm__du_origin(&g, lstm__node_input(g, n, k));
    return v && v->init && !(v->flags & LSTM__V_INPUT) ? v->init : NULL;
}

static void equations(lstm__out *f, const lstm__rnn_params *p, const lstm__act *a, int peep)
{
    char f0[64], g0[64], h0[64];
    act_str(f0, sizeof f0, &a[0]);
    if (p->acts_per_dir > 1) act_str(g0, sizeof g0, &a[1]);
    if (p->acts_per_dir > 2) act_str(h0, sizeof h0, &a[2]);
    const char *cl = p->has_clip ? "clip" : "";
    char lo[32] = "", hi[32] = "";
    if (p->has_clip) {
        snprintf(lo, sizeof lo, "(");
        snprintf(hi, sizeof hi, ", %g)", (double)p->clip);
    }
    if (p->cell == LSTM__CELL_LSTM) {
        lstm__outf(f, "    i[t] = %s(%s%sX[t]·Wi' + H[t-1]·Ri' + Wbi + Rbi%s%s)\n", f0, cl, lo,
                   peep ? " + Pi*C[t-1]" : "", hi);
        if (p->input_forget)
            lstm__outf(
                f, "    f[t] = 1 - i[t]                      (input_forget = 1: coupled gates)\n");
        else
            lstm__outf(f, "    f[t] = %s(%s%sX[t]·Wf' + H[t-1]·Rf' + Wbf + Rbf%s%s)\n", f0, cl, lo,
                       peep ? " + Pf*C[t-1]" : "", hi);
        lstm__outf(f, "    g[t] = %s(%s%sX[t]·Wc' + H[t-1]·Rc' + Wbc + Rbc%s)      (candidate)\n",
                   g0, cl, lo, hi);
        lstm__outf(
            f,
            "    C[t] = f[t]*C[t-1] + i[t]*g[t]           (the cell state: the conveyor belt)\n");
        lstm__outf(f, "    o[t] = %s(%s%sX[t]·Wo' + H[t-1]·Ro' + Wbo + Rbo%s%s)\n", f0, cl, lo,
                   peep ? " + Po*C[t]" : "", hi);
        lstm__outf(f, "    H[t] = o[t]*%s(C[t])%s\n", h0,
                   p->has_clip ? "                 (C[t] is not clipped)" : "");
    } else if (p->cell == LSTM__CELL_GRU) {
        lstm__outf(f, "    z[t] = %s(%s%sX[t]·Wz' + H[t-1]·Rz' + Wbz + Rbz%s)      (update)\n", f0,
                   cl, lo, hi);
        lstm__outf(f, "    r[t] = %s(%s%sX[t]·Wr' + H[t-1]·Rr' + Wbr + Rbr%s)      (reset)\n", f0,
                   cl, lo, hi);
        if (p->linear_before_reset)
            lstm__outf(f,
                       "    g[t] = %s(%s%sX[t]·Wh' + r[t]*(H[t-1]·Rh' + Rbh) + Wbh%s)   "
                       "(linear_before_reset = 1)\n",
                       g0, cl, lo, hi);
        else
            lstm__outf(f,
                       "    g[t] = %s(%s%sX[t]·Wh' + (r[t]*H[t-1])·Rh' + Rbh + Wbh%s)   "
                       "(linear_before_reset = 0)\n",
                       g0, cl, lo, hi);
        lstm__outf(f, "    H[t] = (1 - z[t])*g[t] + z[t]*H[t-1]\n");
    } else {
        lstm__outf(f, "    H[t] = %s(%s%sX[t]·Wi' + H[t-1]·Ri' + Wbi + Rbi%s)\n", f0, cl, lo, hi);
    }
}

/* "node 'x' (LSTM)"; in a subgraph with the qualified name: "node 'If_1/then_branch/x'". */
static const char *label(const lstm__graph *g, const lstm__node *n, char *buf, size_t len)
{
    char q[512];
    lstm__du_qualify(g, NULL, q, sizeof q);
    if (n->name[0])
        snprintf(buf, len, "node '%s%s' (%s)", q, n->name, n->op_type);
    else
        snprintf(buf, len, "node %s#%d (%s)", q, (int)(n - g->nodes), n->op_type);
    return buf;
}

static void explain_node(lstm__out *f, const lstm_model *m, const lstm__graph *g,
                         const lstm__node *n)
{
    const lstm__graph *top = m->g;
    char lb[800];
    label(g, n, lb, sizeof lb);
    if (!n->op || !n->params) {
        lstm__outf(f, "== %s: cannot be explained: %s\n\n", lb,
                   n->support ? n->support : "not resolved");
        return;
    }
    const lstm__rnn_params p = *(const lstm__rnn_params *)n->params;
    const int64_t H = p.hidden_size, G = p.gates, D = p.num_dirs;
    int peep = n->n_in > RNN_IN_P && n->in_names[RNN_IN_P][0];
    /* W may be folded from constants after the shapes were first inferred (Silero v5 slices
    ** and concatenates it): its constant, then its known shape, tell input_size. */
    const lstm__tensor *W = const_input(g, n, RNN_IN_W), *R = const_input(g, n, RNN_IN_R),
                       *Bt = const_input(g, n, RNN_IN_B);
    int64_t wdims[LSTM__MAX_RANK];
    const int dq = lstm__du_is_dqlstm(n), last = dq ? 1 : 2; /* W's input_size axis */
    int64_t I =
        W && W->rank == 3 ? W->dims[last]
        : lstm__value_shape(lstm__node_input(g, n, RNN_IN_W), wdims) == 3 && wdims[last] >= 0
            ? wdims[last]
            : -1;
    char isz[64];
    if (I >= 0)
        snprintf(isz, sizeof isz, "%lld", (long long)I);
    else
        snprintf(isz, sizeof isz, "unknown (W is computed at run time)");
    lstm__outf(f, "== %s, operator version %d\n", lb, p.version);
    lstm__outf(f, "  direction %s, layout %d (X is %s), hidden_size %lld%s, input_size %s\n",
               lstm__rnn_direction_name(p.direction), p.layout,
               p.layout ? "[batch, T, input]" : "[T, batch, input]", (long long)H,
               p.hidden_given ? "" : " (inferred from R)", isz);
    lstm__outf(f, "  gate blocks in W, R and B: %s; ",
               p.cell == LSTM__CELL_LSTM  ? "i, o, f, c (PyTorch: i, f, g, o; Keras: i, f, c, o)"
               : p.cell == LSTM__CELL_GRU ? "z, r, h (PyTorch: r, z, n)"
                                          : "i");
    if (p.cell == LSTM__CELL_LSTM)
        lstm__outf(f, "peepholes %s; input_forget %d; ", peep ? "present (P: i, o, f)" : "absent",
                   p.input_forget);
    lstm__outf(f, "clip %s\n", p.has_clip ? "on" : "none");
    const lstm__tensor *q[4] = {NULL}; /* W_scale, W_zero_point, R_scale, R_zero_point */
    if (dq) {
        for (int i = 0; i < 4; i++) q[i] = n->n_in > 8 + i ? const_input(g, n, 8 + i) : NULL;
        lstm__outf(f,
                   "  quantized (com.microsoft): W %s [D, input, 4H] and R %s [D, H, 4H], scales "
                   "of W %s, of R %s; X and H are quantized to uint8 at run time; the "
                   "statistics below are of the dequantized weights\n",
                   W ? lstm__dtype_name(W->dtype) : "?", R ? lstm__dtype_name(R->dtype) : "?",
                   !q[0]                     ? "not constant"
                   : q[0]->nelem > (size_t)D ? "per column"
                                             : "per direction",
                   !q[2]                     ? "not constant"
                   : q[2]->nelem > (size_t)D ? "per column"
                                             : "per direction");
    }
    for (int64_t dir = 0; dir < D; dir++) {
        const lstm__act *a = p.acts + dir * p.acts_per_dir;
        if (D > 1) lstm__outf(f, "  %s direction:\n", dir ? "backward" : "forward");
        equations(f, &p, a, peep);
    }
    /* Weight statistics per gate block. */
    static const char *const lstm_g[] = {"i", "o", "f", "c"}, *const gru_g[] = {"z", "r", "h"},
                             *const rnn_g[] = {"i"};
    const char *const *gn = p.cell == LSTM__CELL_LSTM  ? lstm_g
                            : p.cell == LSTM__CELL_GRU ? gru_g
                                                       : rnn_g;
    if (!W) I = 0;
    lstm__outf(f, "  weights per gate block (mean, std, min, max):\n");
    lstm__outf(f, "    %-9s|%36s|%36s|%36s|%36s|\n", "gate", "W (input)", "R (recurrence)",
               "Wb (input bias)", "Rb (recurrence bias)");
    double bias_mean[2][4] = {{0}};
    const int b_absent = !(n->n_in > RNN_IN_B && n->in_names[RNN_IN_B][0]);
    int have_bias = Bt && H > 0;
    for (int64_t dir = 0; dir < D && H > 0; dir++)
        for (int64_t k = 0; k < G; k++) {
            lstm__outf(f, "    %-4s %-4s|", gn[k], D > 1 ? (dir ? "bw" : "fw") : "");
            if (dq) {
                stat_cell(f, qblock_stats(W, q[0], q[1], dir, k, H, G));
                stat_cell(f, qblock_stats(R, q[2], q[3], dir, k, H, G));
            } else {
                stat_cell(f, block_stats(W, (size_t)((dir * G + k) * H * I), (size_t)(H * I)));
                stat_cell(f, block_stats(R, (size_t)((dir * G + k) * H * H), (size_t)(H * H)));
            }
            stats wb = block_stats(Bt, (size_t)(dir * 2 * G * H + k * H), (size_t)H);
            stats rb = block_stats(Bt, (size_t)(dir * 2 * G * H + (G + k) * H), (size_t)H);
            if (Bt || !b_absent) {
                stat_cell(f, wb);
                stat_cell(f, rb);
            } else {
                lstm__outf(f, " %35s | %35s |", "(B absent: zeros)", "(B absent: zeros)");
            }
            lstm__outf(f, "\n");
            if (wb.ok && rb.ok) bias_mean[dir][k] = wb.mean + rb.mean;
        }
    if ((W && W->released) || (R && R->released))
        lstm__outf(f, "  (weights freed once packed; lstm_options.keep_weights keeps them, as "
                      "lstm-dump does)\n");
    /* Warnings. */
    int warned = 0;
    if (p.cell == LSTM__CELL_LSTM && have_bias) {
        /* A forget-bias offset (Keras unit_forget_bias, a common initialisation) makes one block
        ** stand out from the three others; in the ONNX order that block must be f (index 2). */
        for (int64_t dir = 0; dir < D; dir++) {
            int top = 0;
            for (int k = 1; k < 4; k++)
                if (bias_mean[dir][k] > bias_mean[dir][top]) top = k;
            double second = -INFINITY;
            for (int k = 0; k < 4; k++)
                if (k != top && bias_mean[dir][k] > second) second = bias_mean[dir][k];
            if (bias_mean[dir][top] - second < 0.5) continue;
            if (top != 2) {
                lstm__outf(
                    f,
                    "  warning: the bias of gate block '%s'%s (mean %.2f) stands out from the "
                    "others (next %.2f) as a forget-gate bias would, but the forget gate is "
                    "block 'f': this suggests a gate-order mix-up (ONNX order is i, o, f, c)\n",
                    gn[top], D > 1 ? (dir ? " (backward)" : " (forward)") : "", bias_mean[dir][top],
                    second);
                warned = 1;
            } else {
                lstm__outf(f,
                           "  note: the forget gate's bias stands out (mean %.2f, next %.2f): a "
                           "forget-bias offset, in the right slot\n",
                           bias_mean[dir][top], second);
            }
        }
    }
    for (int k = RNN_IN_H0; k <= RNN_IN_C0 && k < n->n_in; k++) {
        const lstm__graph *og = g;
        const lstm__value *v = lstm__du_origin(&og, lstm__node_input(g, n, k));
        if (!v || !v->init || (v->flags & LSTM__V_INPUT) || v->init->rank != 3) continue;
        char dims[64];
        lstm__outf(f,
                   "  warning: %s is a constant of shape [%s]: the model runs only at batch %lld "
                   "(export the initial state as an input, or let it follow the batch)\n",
                   k == RNN_IN_H0 ? "initial_h" : "initial_c",
                   lstm__du_tensor_dims(dims, sizeof dims, v->init, ","),
                   (long long)v->init->dims[p.layout ? 0 : 1]);
        warned = 1;
    }
    if (p.cell == LSTM__CELL_GRU && !p.linear_before_reset && top->producer_name &&
        strstr(top->producer_name, "pytorch")) {
        lstm__outf(f,
                   "  warning: linear_before_reset is 0 in a model from %s %s, but PyTorch's GRU "
                   "computes linear_before_reset = 1; the dynamo exporter is known to write 0 "
                   "(pytorch#189225): outputs may differ from PyTorch\n",
                   top->producer_name, top->producer_version ? top->producer_version : "");
        warned = 1;
    }
    if (!warned) lstm__outf(f, "  no warnings\n");
    lstm__outf(f, "\n");
}

/* Does the node answer to `want`: its name, or its qualified name in a subgraph? */
static int named(const lstm__graph *g, const lstm__node *n, const char *want)
{
    char q[1024];
    if (!want) return 1;
    if (!n->name[0]) return 0;
    if (strcmp(n->name, want) == 0) return 1;
    size_t o = strlen(lstm__du_qualify(g, NULL, q, sizeof q));
    snprintf(q + o, sizeof q - o, "%s", n->name);
    return g->parent && strcmp(q, want) == 0;
}

/* The recurrent nodes of g and of its subgraphs, in order (a node's subgraphs after it). */
static int explain_graph(lstm__out *o, const lstm_model *m, const lstm__graph *g, const char *node)
{
    int found = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        const lstm__node *n = &g->nodes[i];
        if (lstm__du_is_recurrent(n) && named(g, n, node)) {
            found++;
            explain_node(o, m, g, n);
        }
        lstm__graph *sg;
        for (int k = 0; (sg = lstm__node_subgraph(n, k, NULL)); k++)
            found += explain_graph(o, m, sg, node);
    }
    return found;
}

int lstm_model_explain(const lstm_model *m, const char *node, lstm_write_fn write, void *ud)
{
    const lstm__graph *g = lstm__model_graph(m);
    if (!g || !write) return LSTM_EINVAL;
    lstm__out o = {.write = write, .ud = ud};
    int found = explain_graph(&o, m, g, node);
    lstm__out_flush(&o);
    return found ? LSTM_OK : LSTM_EINVAL;
}
