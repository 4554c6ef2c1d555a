/*
** rnn_attrs.c — LSTM / GRU / RNN attributes: parsed, validated and defaulted in one place.
** Decisions where the spec is silent (../shared/docs/rnn-semantics.md):
** - activation names are case-insensitive;
** - activation_alpha / activation_beta are consumed in order, only by the functions that take
**   the parameter; a missing value takes the default of the matching ONNX operator
**   (LeakyRelu 0.01, HardSigmoid 0.2/0.5, Elu 1.0, ThresholdedRelu 1.0, Affine 1.0/0.0,
**   ScaledTanh 1.0/1.0); a list with one value per activation, longer than the functions
**   that take it need, is accepted when reading it value i -> activation i gives the same
**   numbers as reading it in order (e.g. [0.2, 0, 0] for LeakyRelu, Tanh, Tanh), refused when
**   the two readings differ; other values left over are refused rather than ignored;
** - RNN's default is Tanh per direction; a 2-entry list is accepted when unidirectional;
** - hidden_size may be absent: it is inferred from R (or W) and cross-checked.
*/
#include "ops/rnn_attrs.h"
#include "dtype.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *name;
    float alpha, beta;
    signed char takes_alpha, takes_beta;
} acts[LSTM__ACT_COUNT] = {
    [LSTM__ACT_RELU] = {"Relu", 0, 0, 0, 0},
    [LSTM__ACT_TANH] = {"Tanh", 0, 0, 0, 0},
    [LSTM__ACT_SIGMOID] = {"Sigmoid", 0, 0, 0, 0},
    [LSTM__ACT_AFFINE] = {"Affine", 1.0f, 0.0f, 1, 1},
    [LSTM__ACT_LEAKYRELU] = {"LeakyRelu", 0.01f, 0, 1, 0},
    [LSTM__ACT_THRESHOLDEDRELU] = {"ThresholdedRelu", 1.0f, 0, 1, 0},
    [LSTM__ACT_SCALEDTANH] = {"ScaledTanh", 1.0f, 1.0f, 1, 1},
    [LSTM__ACT_HARDSIGMOID] = {"HardSigmoid", 0.2f, 0.5f, 1, 1},
    [LSTM__ACT_ELU] = {"Elu", 1.0f, 0, 1, 0},
    [LSTM__ACT_SOFTSIGN] = {"Softsign", 0, 0, 0, 0},
    [LSTM__ACT_SOFTPLUS] = {"Softplus", 0, 0, 0, 0},
};

const char *lstm__act_name(int k)
{
    return k >= 0 && k < LSTM__ACT_COUNT ? acts[k].name : "?";
}
int lstm__act_takes_alpha(int k)
{
    return k >= 0 && k < LSTM__ACT_COUNT && acts[k].takes_alpha;
}
int lstm__act_takes_beta(int k)
{
    return k >= 0 && k < LSTM__ACT_COUNT && acts[k].takes_beta;
}

const char *lstm__rnn_direction_name(int dir)
{
    static const char *const n[] = {"forward", "reverse", "bidirectional"};
    return dir >= 0 && dir <= 2 ? n[dir] : "?";
}

const char *lstm__rnn_gate_order(int cell)
{
    return cell == LSTM__CELL_LSTM ? "iofc" : cell == LSTM__CELL_GRU ? "zrh" : "i";
}

/* Context for messages: "node 'x' (LSTM, opset 14)". */
typedef struct ctx {
    const lstm__graph *g;
    const lstm__node *n;
    lstm__diag *d;
    char label[200];
} ctx;

static int attr_type(ctx *c, const lstm__attr *a, int type, const char *tname)
{
    if (a->type == type) return 0;
    return lstm__errf(c->d, LSTM_EMODEL, "%s: attribute '%s' must be %s", c->label, a->name, tname);
}

/* A 0 / 1 int attribute into *out (as lstm__attr_flag, on the attribute in hand). */
static int attr_flag(ctx *c, const lstm__attr *a, int *out)
{
    if (attr_type(c, a, LSTM__A_INT, "an int")) return c->d->code;
    if (a->i != 0 && a->i != 1)
        return lstm__errf(c->d, LSTM_EMODEL, "%s: attribute '%s' is %lld, expected 0 or 1",
                          c->label, a->name, (long long)a->i);
    *out = (int)a->i;
    return 0;
}

static void fmt_dims(char *buf, size_t len, const int64_t *dims, int rank)
{
    size_t o = 0;
    o += (size_t)snprintf(buf + o, len - o, "[");
    for (int i = 0; i < rank && o < len; i++) {
        if (dims[i] < 0)
            o += (size_t)snprintf(buf + o, len - o, "%s?", i ? "," : "");
        else
            o += (size_t)snprintf(buf + o, len - o, "%s%lld", i ? "," : "", (long long)dims[i]);
    }
    if (o < len) snprintf(buf + o, len - o, "]");
}

/* Check a static shape against the expected one (-1 = any). what explains the dims. */
static int check_shape(ctx *c, int k, const char *name, int rank, const int64_t *exp,
                       const char *what)
{
    const lstm__value *v = lstm__node_input(c->g, c->n, k);
    int64_t dims[LSTM__MAX_RANK];
    int r = lstm__value_shape(v, dims);
    if (r < 0) return 0;
    int bad = r != rank;
    for (int i = 0; !bad && i < rank; i++)
        if (exp[i] >= 0 && dims[i] >= 0 && dims[i] != exp[i]) bad = 1;
    if (!bad) return 0;
    char got[96], want[96];
    fmt_dims(got, sizeof got, dims, r);
    fmt_dims(want, sizeof want, exp, rank);
    return lstm__errf(c->d, LSTM_EMODEL, "%s: input %s has shape %s, expected %s %s", c->label,
                      name, got, want, what);
}

static int leftovers(ctx *c, const lstm__rnn_params *p, const lstm__attr *v, size_t used,
                     int listed, int is_beta);

static int parse_acts(ctx *c, lstm__rnn_params *p, const lstm__attr *names, const lstm__attr *alpha,
                      const lstm__attr *beta)
{
    int want = p->acts_per_dir * p->num_dirs;
    if (!names) {
        static const int def[3][3] = {
            [LSTM__CELL_RNN] = {LSTM__ACT_TANH},
            [LSTM__CELL_GRU] = {LSTM__ACT_SIGMOID, LSTM__ACT_TANH},
            [LSTM__CELL_LSTM] = {LSTM__ACT_SIGMOID, LSTM__ACT_TANH, LSTM__ACT_TANH},
        };
        for (int i = 0; i < want; i++) {
            int k = def[p->cell][i % p->acts_per_dir];
            p->acts[i] = (lstm__act){k, acts[k].alpha, acts[k].beta, 0, 0};
        }
    } else {
        int n = (int)names->n;
        if (p->cell == LSTM__CELL_RNN && p->num_dirs == 1 && n == 2) n = 1; /* spec default */
        if (n != want)
            return lstm__errf(c->d, LSTM_EMODEL,
                              "%s: attribute 'activations' has %zu entries, expected %d "
                              "(%d per direction x %d direction%s)",
                              c->label, names->n, want, p->acts_per_dir, p->num_dirs,
                              p->num_dirs > 1 ? "s" : "");
        for (int i = 0; i < n; i++) {
            int k = -1;
            for (int j = 0; j < LSTM__ACT_COUNT; j++)
                if (strcasecmp(names->strings[i], acts[j].name) == 0) k = j;
            if (k < 0)
                return lstm__errf(c->d, LSTM_EUNSUPPORTED,
                                  "%s: activation '%s' is not one of Relu, Tanh, Sigmoid, Affine, "
                                  "LeakyRelu, ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, "
                                  "Softsign, Softplus",
                                  c->label, names->strings[i]);
            p->acts[i] = (lstm__act){k, acts[k].alpha, acts[k].beta, 0, 0};
        }
        p->acts_given = 1;
    }
    size_t ia = 0, ib = 0;
    for (int i = 0; i < want; i++) {
        lstm__act *a = &p->acts[i];
        if (acts[a->kind].takes_alpha && alpha && ia < alpha->n) {
            a->alpha = alpha->floats[ia++];
            a->alpha_set = 1;
        }
        if (acts[a->kind].takes_beta && beta && ib < beta->n) {
            a->beta = beta->floats[ib++];
            a->beta_set = 1;
        }
    }
    int listed = names ? (int)names->n : want;
    if (leftovers(c, p, alpha, ia, listed, 0) || leftovers(c, p, beta, ib, listed, 1))
        return c->d->code;
    return 0;
}

/* More values than the activations take. With one value per activation there is a second
** reading, value i for activation i; it is accepted when it gives every activation the value
** the in-order reading (the spec's, onnxruntime's) gave, else refused naming the first
** activation on which they differ. Values neither reading uses are refused (onnxruntime
** ignores them). */
static int leftovers(ctx *c, const lstm__rnn_params *p, const lstm__attr *v, size_t used,
                     int listed, int is_beta)
{
    if (!v || used >= v->n) return 0;
    const char *an = is_beta ? "activation_beta" : "activation_alpha";
    int want = p->acts_per_dir * p->num_dirs;
    if ((int)v->n != listed)
        return lstm__errf(c->d, LSTM_EMODEL,
                          "%s: attribute '%s' has %zu values but the activations take only %zu, "
                          "and it is not one value per activation (%d); refusing rather than "
                          "ignoring the rest",
                          c->label, an, v->n, used, listed);
    for (int i = 0; i < want; i++) {
        const lstm__act *a = &p->acts[i];
        int takes = is_beta ? acts[a->kind].takes_beta : acts[a->kind].takes_alpha;
        float in_order = is_beta ? a->beta : a->alpha, per_act = v->floats[i];
        if (takes && in_order != per_act)
            return lstm__errf(c->d, LSTM_EMODEL,
                              "%s: attribute '%s' has one value per activation (%d) but only %zu "
                              "of them take it: read in order (the spec, onnxruntime) %s "
                              "(activation %d) gets %g, read one per activation it gets %g; "
                              "refusing rather than choosing",
                              c->label, an, listed, used, acts[a->kind].name, i, (double)in_order,
                              (double)per_act);
    }
    return 0;
}

int lstm__rnn_parse_attrs(const lstm__graph *g, const lstm__node *n, int since, int cell,
                          lstm__rnn_params *p, lstm__diag *d)
{
    ctx c = {g, n, d, {0}};
    lstm__node_label_opset(g, n, c.label, sizeof c.label);

    memset(p, 0, sizeof *p);
    p->version = since;
    if (cell == LSTM__CELL_LSTM)
        p->cell = LSTM__CELL_LSTM, p->gates = 4, p->acts_per_dir = 3;
    else if (cell == LSTM__CELL_GRU)
        p->cell = LSTM__CELL_GRU, p->gates = 3, p->acts_per_dir = 2;
    else
        p->cell = LSTM__CELL_RNN, p->gates = 1, p->acts_per_dir = 1;

    const lstm__attr *names = NULL, *alpha = NULL, *beta = NULL;
    const int legacy = !n->domain[0] && since < 7; /* ai.onnx 1-6 (GRU 1 and 3) */
    p->num_dirs = 1;
    for (int i = 0; i < n->n_attr; i++) {
        const lstm__attr *a = &n->attrs[i];
        const char *an = a->name;
        if (strcmp(an, "activations") == 0) {
            if (attr_type(&c, a, LSTM__A_STRINGS, "a list of strings")) return d->code;
            names = a;
        } else if (strcmp(an, "activation_alpha") == 0) {
            if (attr_type(&c, a, LSTM__A_FLOATS, "a list of floats")) return d->code;
            alpha = a;
        } else if (strcmp(an, "activation_beta") == 0) {
            if (attr_type(&c, a, LSTM__A_FLOATS, "a list of floats")) return d->code;
            beta = a;
        } else if (strcmp(an, "clip") == 0) {
            if (attr_type(&c, a, LSTM__A_FLOAT, "a float")) return d->code;
            if (!(a->f > 0))
                return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'clip' is %g, it must be > 0",
                                  c.label, (double)a->f);
            p->has_clip = 1;
            p->clip = a->f;
        } else if (strcmp(an, "direction") == 0) {
            if (attr_type(&c, a, LSTM__A_STRING, "a string")) return d->code;
            if (strcmp(a->s, "forward") == 0)
                p->direction = LSTM__DIR_FORWARD;
            else if (strcmp(a->s, "reverse") == 0)
                p->direction = LSTM__DIR_REVERSE;
            else if (strcmp(a->s, "bidirectional") == 0)
                p->direction = LSTM__DIR_BIDIRECTIONAL, p->num_dirs = 2;
            else
                return lstm__errf(d, LSTM_EMODEL,
                                  "%s: attribute 'direction' is '%s', expected forward, reverse "
                                  "or bidirectional",
                                  c.label, a->s);
        } else if (strcmp(an, "hidden_size") == 0) {
            if (attr_type(&c, a, LSTM__A_INT, "an int")) return d->code;
            if (a->i < 1 || a->i > (1 << 24))
                return lstm__errf(d, LSTM_EMODEL,
                                  "%s: attribute 'hidden_size' is %lld, expected 1..%d", c.label,
                                  (long long)a->i, 1 << 24);
            p->hidden_size = a->i;
            p->hidden_given = 1;
        } else if (strcmp(an, "layout") == 0 && since >= 14) {
            if (attr_flag(&c, a, &p->layout)) return d->code;
        } else if (strcmp(an, "input_forget") == 0 && p->cell == LSTM__CELL_LSTM) {
            if (attr_flag(&c, a, &p->input_forget)) return d->code;
        } else if (strcmp(an, "output_sequence") == 0 && legacy) {
            /* Versions 1-6: 0 says Y may be left out, which the node's outputs already say;
               Y is computed when the node names it, either way (version 7 dropped it). */
            int unused;
            if (attr_flag(&c, a, &unused)) return d->code;
        } else if (strcmp(an, "linear_before_reset") == 0 && p->cell == LSTM__CELL_GRU &&
                   since >= 3) {
            if (attr_flag(&c, a, &p->linear_before_reset)) return d->code;
        } else {
            return lstm__errf(d, LSTM_EMODEL, "%s: unknown attribute '%s' for %s version %d",
                              c.label, an, n->op_type, since);
        }
    }
    return parse_acts(&c, p, names, alpha, beta) ? d->code : 0;
}

int lstm__rnn_parse(const lstm__graph *g, const lstm__node *n, int since, lstm__rnn_params *p,
                    lstm__diag *d)
{
    const int cell = strcmp(n->op_type, "LSTM") == 0  ? LSTM__CELL_LSTM
                     : strcmp(n->op_type, "GRU") == 0 ? LSTM__CELL_GRU
                                                      : LSTM__CELL_RNN;
    if (lstm__rnn_parse_attrs(g, n, since, cell, p, d)) return d->code;
    ctx c = {g, n, d, {0}};
    lstm__node_label_opset(g, n, c.label, sizeof c.label);

    /* Arity. */
    int max_in = p->cell == LSTM__CELL_LSTM ? 8 : 6, max_out = p->cell == LSTM__CELL_LSTM ? 3 : 2;
    if (n->n_in < 3 || n->n_in > max_in)
        return lstm__errf(d, LSTM_EMODEL, "%s has %d inputs, expected 3 to %d", c.label, n->n_in,
                          max_in);
    if (n->n_out > max_out)
        return lstm__errf(d, LSTM_EMODEL, "%s has %d outputs, expected at most %d", c.label,
                          n->n_out, max_out);
    if (p->cell == LSTM__CELL_GRU && since < 3 && (n->n_out < 2 || !n->out_names[1][0]))
        return lstm__errf(d, LSTM_EMODEL, "%s: output Y_h is required at GRU version 1", c.label);
    static const char *const in_names[] = {"X", "W", "R"};
    for (int k = 0; k < 3; k++)
        if (!n->in_names[k][0])
            return lstm__errf(d, LSTM_EMODEL, "%s: required input %s is missing", c.label,
                              in_names[k]);

    /* Element types where they are known before run time. */
    int tdt = 0;
    for (int k = 0; k < n->n_in; k++) {
        const lstm__value *v = lstm__node_input(g, n, k);
        if (!v) continue;
        int dt = v->init                                            ? v->init->dtype
                 : v->decl && v->decl->type.kind == LSTM__VK_TENSOR ? v->decl->type.dtype
                                                                    : 0;
        if (!dt) continue;
        if (k == RNN_IN_SEQ) {
            if (dt != LSTM_DT_INT32)
                return lstm__errf(d, LSTM_EMODEL, "%s: input sequence_lens is %s, expected int32",
                                  c.label, lstm__dtype_name(dt));
        } else if (dt != LSTM_DT_FLOAT && dt != LSTM_DT_FLOAT16 && dt != LSTM_DT_BFLOAT16 &&
                   dt != LSTM_DT_DOUBLE) {
            return lstm__errf(d, LSTM_EMODEL, "%s: input %d ('%s') is %s, expected a float type",
                              c.label, k, n->in_names[k], lstm__dtype_name(dt));
        } else if (tdt && dt != tdt) {
            return lstm__errf(d, LSTM_EMODEL, "%s: input %d ('%s') is %s but X/W are %s", c.label,
                              k, n->in_names[k], lstm__dtype_name(dt), lstm__dtype_name(tdt));
        } else {
            tdt = dt;
        }
    }

    /* Shapes known before run time. */
    int64_t D = p->num_dirs, G = p->gates, dims[LSTM__MAX_RANK];
    const lstm__value *xv = lstm__node_input(g, n, RNN_IN_X);
    int xr = lstm__value_shape(xv, dims);
    if (xr >= 0 && xr != 3)
        return lstm__errf(d, LSTM_EMODEL, "%s: input X has rank %d, expected 3", c.label, xr);
    int64_t I = xr == 3 ? dims[2] : -1;
    int64_t rdims[LSTM__MAX_RANK], wdims[LSTM__MAX_RANK];
    int rr = lstm__value_shape(lstm__node_input(g, n, RNN_IN_R), rdims);
    int wr = lstm__value_shape(lstm__node_input(g, n, RNN_IN_W), wdims);
    if (!p->hidden_given) {
        if (rr == 3 && rdims[2] > 0)
            p->hidden_size = rdims[2];
        else if (wr == 3 && wdims[1] > 0 && wdims[1] % G == 0)
            p->hidden_size = wdims[1] / G;
    }
    if (wr == 3 && wdims[2] >= 0) p->input_size = wdims[2];
    int64_t H = p->hidden_size ? p->hidden_size : -1, GH = H > 0 ? G * H : -1;
    char why[128];
    snprintf(why, sizeof why, "(num_directions, %lld*hidden_size, input_size) for hidden_size=%lld",
             (long long)G, (long long)H);
    if (check_shape(&c, RNN_IN_W, "W", 3, (int64_t[]){D, GH, I}, why)) return d->code;
    snprintf(why, sizeof why,
             "(num_directions, %lld*hidden_size, hidden_size) for hidden_size=%lld", (long long)G,
             (long long)H);
    if (check_shape(&c, RNN_IN_R, "R", 3, (int64_t[]){D, GH, H}, why)) return d->code;
    snprintf(why, sizeof why, "(num_directions, %lld*hidden_size) for hidden_size=%lld",
             (long long)(2 * G), (long long)H);
    if (check_shape(&c, RNN_IN_B, "B", 2, (int64_t[]){D, GH > 0 ? 2 * GH : -1}, why))
        return d->code;
    int64_t B = xr == 3 ? dims[p->layout ? 0 : 1] : -1;
    if (check_shape(&c, RNN_IN_SEQ, "sequence_lens", 1, (int64_t[]){B}, "(batch_size)"))
        return d->code;
    const char *sw = p->layout ? "(batch_size, num_directions, hidden_size)"
                               : "(num_directions, batch_size, hidden_size)";
    int64_t s0[3] = {D, B, H}, s1[3] = {B, D, H};
    if (check_shape(&c, RNN_IN_H0, "initial_h", 3, p->layout ? s1 : s0, sw)) return d->code;
    if (p->cell == LSTM__CELL_LSTM) {
        if (check_shape(&c, RNN_IN_C0, "initial_c", 3, p->layout ? s1 : s0, sw)) return d->code;
        snprintf(why, sizeof why, "(num_directions, 3*hidden_size) for hidden_size=%lld",
                 (long long)H);
        if (check_shape(&c, RNN_IN_P, "P", 2, (int64_t[]){D, H > 0 ? 3 * H : -1}, why))
            return d->code;
    }
    return 0;
}
