/*
** rnn_f64.c — LSTM / GRU / RNN on float64 tensors, in double throughout, with the float32
** path's contract (rnn.c, rnn_cells.c: the same equations, sequence_lens, layouts, streaming and
** trace). Per direction X*W^T for every step in one DGEMM, then per step H_{t-1}*R^T (DGEMM) and
** the cell element by element. One thread; the weights are read as given (not packed); the
** trace receives the gate values rounded to float32.
*/
#include "ops/rnn.h"
#include "blas.h"

#include <math.h>
#include <string.h>

/* The activation functions of rnn_act.c in double. */
static double act1(const lstm__act *a, double x)
{
    const double al = a->alpha, be = a->beta;
    switch (a->kind) {
    case LSTM__ACT_RELU:
        return x < 0 ? 0.0 : x;
    case LSTM__ACT_TANH:
        return tanh(x);
    case LSTM__ACT_SIGMOID:
        return 1.0 / (1.0 + exp(-x));
    case LSTM__ACT_AFFINE:
        return al * x + be;
    case LSTM__ACT_LEAKYRELU:
        return x < 0 ? al * x : x;
    case LSTM__ACT_THRESHOLDEDRELU:
        return x > al || isnan(x) ? x : 0.0;
    case LSTM__ACT_SCALEDTANH:
        return al * tanh(be * x);
    case LSTM__ACT_HARDSIGMOID: {
        double v = al * x + be;
        return v < 0 ? 0.0 : v > 1 ? 1.0 : v;
    }
    case LSTM__ACT_ELU:
        return x < 0 ? al * expm1(x) : x;
    case LSTM__ACT_SOFTSIGN:
        return x / (1.0 + fabs(x));
    case LSTM__ACT_SOFTPLUS:
        return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
    default:
        return x;
    }
}

/* f(clip(x)) over n values. */
static void act(const lstm__rnn_params *p, const lstm__act *a, double *x, int64_t n)
{
    const double c = p->clip;
    for (int64_t j = 0; j < n; j++) {
        double v = x[j];
        if (p->has_clip) v = v > c ? c : v < -c ? -c : v;
        x[j] = act1(a, v);
    }
}

int lstm__rnn_f64_plan(lstm__rnn_state *pl, int trace_gates)
{
    const lstm__rnn_dims *z = &pl->z;
    const int64_t B = z->B, H = z->H, GH = z->G * H;
    int64_t n[RNN_S_COUNT] = {0}, TB;
    size_t sz[RNN_S_COUNT] = {0};
    /* T = 0 leaves B unbounded: every product of B checked (B x H within B x GH). TMP2: GRU
    ** lbr=0's r.H_prev and its product with Rh^T. */
    if (!lstm__mul_i64(z->T, B, &TB) || !lstm__mul_i64(TB, GH, &n[RNN_S_XW]) ||
        !lstm__mul_i64(B, GH, &n[RNN_S_RG]) || !lstm__mul_i64(B, 2 * H, &n[RNN_S_TMP2]) ||
        !lstm__mul_i64(TB * z->D * H, trace_gates, &n[RNN_S_TRACE]))
        return -1;
    n[RNN_S_TMP] = n[RNN_S_RG];
    n[RNN_S_H] = n[RNN_S_C] = B * H;
    n[RNN_S_BIAS] = GH;
    n[RNN_S_LENS] = B;
    for (int i = 0; i < RNN_S_COUNT; i++)
        sz[i] = i == RNN_S_LENS    ? sizeof(int32_t)
                : i == RNN_S_TRACE ? sizeof(float)
                                   : sizeof(double);
    size_t off = 0;
    for (int i = 0; i < RNN_S_COUNT; i++) {
        size_t bytes;
        pl->off[i] = off;
        if (n[i] < 0 || !lstm__mul_size((size_t)n[i], sz[i], &bytes) || off + bytes < off ||
            off + bytes + 63 < off)
            return -1;
        off += (bytes + 63) & ~(size_t)63;
    }
    pl->off[RNN_S_COUNT] = off;
    pl->par = RNN_PAR_NONE;
    return 0;
}

typedef struct f64_run {
    lstm__kctx *k;
    const lstm__rnn_params *p;
    const lstm__rnn_dims *z;
    const int32_t *lens;
    int64_t steps;
    const double *X, *W, *R, *Bi, *H0, *C0, *P;
    double *Y, *Yh, *Yc;
    double *xw, *rg, *tmp, *rh, *hh, *h, *c, *bias;
    float *trace;
} f64_run;

static double *slot(lstm__kctx *k, const lstm__rnn_state *pl, int i)
{
    return (double *)((char *)k->scratch + pl->off[i]);
}

static const double *in64(lstm__kctx *k, int i)
{
    return k->n->n_in > i && k->in[i] ? k->in[i]->data : NULL;
}

static double *out64(lstm__kctx *k, int i)
{
    return k->n->n_out > i && k->out[i] ? k->out[i]->data : NULL;
}

/* Gate g's values v[H] of batch row b at time t of direction d, rounded to float32. */
static void trace_put(const f64_run *r, int g, int64_t t, int64_t d, int64_t b, const double *v)
{
    if (!r->trace) return;
    const int64_t T = r->z->T, D = r->z->D, B = r->z->B, H = r->z->H;
    float *dst = r->trace + (((g * T + t) * D + d) * B + b) * H;
    for (int64_t j = 0; j < H; j++) dst[j] = (float)v[j];
}

static void lstm_cell(const f64_run *r, const lstm__act *a, int64_t d, int64_t b, int64_t t,
                      const double *x)
{
    const int64_t H = r->z->H, GH = 4 * H;
    const double *q = r->rg + b * GH, *P = r->P ? r->P + d * 3 * H : NULL;
    double *gi = r->tmp + b * GH, *go = gi + H, *gf = gi + 2 * H, *gc = gi + 3 * H;
    double *c = r->c + b * H, *h = r->h + b * H;
    for (int64_t j = 0; j < GH; j++) gi[j] = x[j] + q[j] + r->bias[j];
    if (P)
        for (int64_t j = 0; j < H; j++) {
            gi[j] += P[j] * c[j];
            gf[j] += P[2 * H + j] * c[j];
        }
    act(r->p, &a[0], gi, H);
    if (r->p->input_forget)
        for (int64_t j = 0; j < H; j++) gf[j] = 1.0 - gi[j];
    else
        act(r->p, &a[0], gf, H);
    act(r->p, &a[1], gc, H);
    for (int64_t j = 0; j < H; j++) c[j] = gf[j] * c[j] + gi[j] * gc[j];
    if (P)
        for (int64_t j = 0; j < H; j++) go[j] += P[H + j] * c[j];
    act(r->p, &a[0], go, H);
    trace_put(r, 0, t, d, b, gi);
    trace_put(r, 1, t, d, b, gf);
    trace_put(r, 2, t, d, b, go);
    trace_put(r, 3, t, d, b, gc);
    for (int64_t j = 0; j < H; j++) h[j] = go[j] * act1(&a[2], c[j]); /* h(C): no clip */
    trace_put(r, 4, t, d, b, c);
    trace_put(r, 5, t, d, b, h);
}

/* GRU up to h~ (gate block 2 of tmp): z and r activated; lbr=0 leaves r.H_prev in rh. */
static void gru_gates(const f64_run *r, const lstm__act *a, int64_t b, const double *x,
                      const double *Rb)
{
    const int64_t H = r->z->H, GH = 3 * H;
    const double *q = r->rg + b * GH, *h = r->h + b * H;
    double *gz = r->tmp + b * GH, *gr = gz + H, *gh = gz + 2 * H;
    for (int64_t j = 0; j < 2 * H; j++) gz[j] = x[j] + q[j] + r->bias[j];
    act(r->p, &a[0], gz, 2 * H);
    for (int64_t j = 0; j < H; j++) {
        if (r->p->linear_before_reset)
            gh[j] = x[2 * H + j] + r->bias[2 * H + j] + gr[j] * (q[2 * H + j] + (Rb ? Rb[j] : 0.0));
        else
            r->rh[b * H + j] = gr[j] * h[j];
    }
}

static void gru_finish(const f64_run *r, const lstm__act *a, int64_t d, int64_t b, int64_t t,
                       const double *x, const double *Rb)
{
    const int64_t H = r->z->H, GH = 3 * H;
    double *gz = r->tmp + b * GH, *gh = gz + 2 * H, *h = r->h + b * H;
    if (!r->p->linear_before_reset)
        for (int64_t j = 0; j < H; j++)
            gh[j] = x[2 * H + j] + r->bias[2 * H + j] + r->hh[b * H + j] + (Rb ? Rb[j] : 0.0);
    act(r->p, &a[1], gh, H);
    for (int64_t j = 0; j < H; j++) h[j] = (1.0 - gz[j]) * gh[j] + gz[j] * h[j];
    trace_put(r, 0, t, d, b, gz);
    trace_put(r, 1, t, d, b, gz + H);
    trace_put(r, 2, t, d, b, gh);
    trace_put(r, 3, t, d, b, h);
}

/* X*W^T of time t, batch row b. */
static const double *xw_at(const f64_run *r, int64_t t, int64_t b)
{
    const lstm__rnn_dims *z = r->z;
    return r->xw + (r->p->layout ? b * z->T + t : t * z->B + b) * z->G * z->H;
}

static int run_dir(f64_run *r, int64_t d)
{
    lstm__kctx *k = r->k;
    const lstm__rnn_params *p = r->p;
    const int64_t T = r->z->T, B = r->z->B, I = r->z->I, H = r->z->H, D = r->z->D, GH = r->z->G * H;
    const int reverse = p->direction == LSTM__DIR_REVERSE || d == 1;
    const lstm__act *a = p->acts + d * p->acts_per_dir;
    const double *Wd = r->W + d * GH * I, *Rd = r->R + d * GH * H;
    const double *Bd = r->Bi ? r->Bi + d * 2 * GH : NULL, *Rb = NULL;
    for (int64_t j = 0; j < GH; j++) {
        int keep = p->cell == LSTM__CELL_GRU && j >= 2 * H; /* Rbh apart (lbr multiplies it) */
        r->bias[j] = Bd ? Bd[j] + (keep ? 0.0 : Bd[GH + j]) : 0.0;
    }
    if (Bd && p->cell == LSTM__CELL_GRU) Rb = Bd + GH + 2 * H;
    /* X is [T*B, I] in layout 0 and [B*T, I] in layout 1: one product for every step. */
    lstm__dgemm(0, 1, (int)(T * B), (int)GH, (int)I, r->X, (int)I, Wd, (int)I, r->xw, (int)GH);
    const lstm__carry *cy = k->carry;
    for (int64_t b = 0; b < B; b++) {
        double *h = r->h + b * H, *c = r->c + b * H;
        if (cy && cy->valid && H > 0) { /* a streamed state replaces the initial one */
            const double *ch = cy->buf;
            memcpy(h, ch + b * H, (size_t)H * sizeof(double));
            memcpy(c, ch + B * H + b * H, (size_t)H * sizeof(double));
            continue;
        }
        int64_t src = p->layout ? (b * D + d) * H : (d * B + b) * H;
        for (int64_t j = 0; j < H; j++) {
            h[j] = r->H0 ? r->H0[src + j] : 0.0;
            c[j] = r->C0 ? r->C0[src + j] : 0.0;
        }
    }
    /* GRU lbr=0 multiplies r.H_prev by Rh apart: the first product takes z and r only. */
    const int lbr0 = p->cell == LSTM__CELL_GRU && !p->linear_before_reset;
    for (int64_t s = 0; s < r->steps; s++) {
        if (k->abort && k->abort(k->abort_ud))
            return lstm__errf(k->d, LSTM_EABORTED, "%s: aborted at time step %lld", lstm__klabel(k),
                              (long long)s);
        lstm__dgemm(0, 1, (int)B, (int)(lbr0 ? 2 * H : GH), (int)H, r->h, (int)H, Rd, (int)H, r->rg,
                    (int)GH);
        for (int64_t b = 0; b < B; b++) {
            if (s >= r->lens[b]) continue;
            int64_t t = reverse ? r->lens[b] - 1 - s : s;
            const double *x = xw_at(r, t, b);
            if (p->cell == LSTM__CELL_LSTM) {
                lstm_cell(r, a, d, b, t, x);
            } else if (p->cell == LSTM__CELL_GRU) {
                gru_gates(r, a, b, x, Rb);
            } else {
                double *h = r->h + b * H;
                for (int64_t j = 0; j < H; j++) h[j] = x[j] + r->rg[b * GH + j] + r->bias[j];
                act(p, &a[0], h, H);
                trace_put(r, 0, t, d, b, h);
            }
        }
        if (p->cell == LSTM__CELL_GRU) {
            if (lbr0) {
                for (int64_t b = 0; b < B; b++)
                    if (s >= r->lens[b]) memset(r->rh + b * H, 0, (size_t)H * sizeof(double));
                lstm__dgemm(0, 1, (int)B, (int)H, (int)H, r->rh, (int)H, Rd + 2 * H * H, (int)H,
                            r->hh, (int)H);
            }
            for (int64_t b = 0; b < B; b++)
                if (s < r->lens[b])
                    gru_finish(r, a, d, b, reverse ? r->lens[b] - 1 - s : s,
                               xw_at(r, reverse ? r->lens[b] - 1 - s : s, b), Rb);
        }
        if (!r->Y) continue;
        for (int64_t b = 0; b < B; b++) {
            if (s >= r->lens[b]) continue;
            int64_t t = reverse ? r->lens[b] - 1 - s : s;
            int64_t dst = p->layout ? ((b * T + t) * D + d) * H : ((t * D + d) * B + b) * H;
            memcpy(r->Y + dst, r->h + b * H, (size_t)H * sizeof(double));
        }
    }
    for (int64_t b = 0; b < B; b++) {
        int64_t dst = p->layout ? (b * D + d) * H : (d * B + b) * H;
        for (int64_t j = 0; j < H; j++) {
            if (r->Yh) r->Yh[dst + j] = r->lens[b] ? r->h[b * H + j] : 0.0;
            if (r->Yc) r->Yc[dst + j] = r->lens[b] ? r->c[b * H + j] : 0.0;
        }
    }
    if (k->carry) { /* one forward direction (prepare checked): stage the state (rnn.c) */
        if (B * H > 0) {
            double *ch = k->carry->next;
            memcpy(ch, r->h, (size_t)(B * H) * sizeof(double));
            memcpy(ch + B * H, r->c, (size_t)(B * H) * sizeof(double));
        }
        k->carry->staged = 1;
    }
    return LSTM_OK;
}

int lstm__rnn_f64_run(lstm__kctx *k, const lstm__rnn_state *pl, const int32_t *lens, int64_t steps,
                      float *trace)
{
    const lstm__rnn_params *p = k->params;
    const lstm__rnn_dims *z = &pl->z;
    const int lstm = p->cell == LSTM__CELL_LSTM;
    f64_run r = {
        .k = k,
        .p = p,
        .z = z,
        .lens = lens,
        .steps = steps,
        .X = in64(k, RNN_IN_X),
        .W = in64(k, RNN_IN_W),
        .R = in64(k, RNN_IN_R),
        .Bi = in64(k, RNN_IN_B),
        .H0 = in64(k, RNN_IN_H0),
        .C0 = lstm ? in64(k, RNN_IN_C0) : NULL,
        .P = lstm ? in64(k, RNN_IN_P) : NULL,
        .Y = out64(k, RNN_OUT_Y),
        .Yh = out64(k, RNN_OUT_YH),
        .Yc = lstm ? out64(k, RNN_OUT_YC) : NULL,
        .xw = slot(k, pl, RNN_S_XW),
        .rg = slot(k, pl, RNN_S_RG),
        .tmp = slot(k, pl, RNN_S_TMP),
        .rh = slot(k, pl, RNN_S_TMP2),
        .hh = slot(k, pl, RNN_S_TMP2) + z->B * z->H,
        .h = slot(k, pl, RNN_S_H),
        .c = slot(k, pl, RNN_S_C),
        .bias = slot(k, pl, RNN_S_BIAS),
        .trace = trace,
    };
    int ragged = 0;
    for (int64_t b = 0; b < z->B; b++) ragged |= lens[b] < z->T;
    if (r.Y && ragged) memset(r.Y, 0, (size_t)(z->T * z->D * z->B * z->H) * sizeof(double));
    for (int64_t d = 0; d < z->D; d++) {
        int rc = run_dir(&r, d);
        if (rc) return rc;
    }
    return LSTM_OK;
}
