/*
** rnn_cells.c — one time step of each cell for the active batch rows (s < lens[b]) of the
** dir's row range (b counts from r->b0; lens, h, c, rg, tmp, tmp2 start at that row).
** xw holds X*W^T for the chunk of steps around s (lstm__rnn_xw), r->bias the biases (GRU: all
** but Rbh, kept in r->Rb); r->h is H_{t-1} on entry and H_t on exit for the active rows;
** inactive rows keep their state. The recurrent products go through lstm__gemm_packed against
** the packed R; with the default activations the gates take one fused pass (simd.h). With
** threads and R packed gate by gate, each thread takes the same units of every gate: its part
** of the product, then the fused pass on those units, H_t into r->hn (the step returns 1).
**
** LSTM (gate blocks i, o, f, c):
**   i = f(clip(Xi + Hr_i + Pi.C)), f = input_forget ? 1 - i : f(clip(Xf + Hr_f + Pf.C))
**   c~ = g(clip(Xc + Hr_c)), C = f.C + i.c~, o = f(clip(Xo + Hr_o + Po.C)), H = o.h(C)
** GRU (blocks z, r, h):
**   z = f(clip(Xz + Hr_z)), r = f(clip(Xr + Hr_r))
**   lbr=0: h~ = g(clip(Xh + (r.H)*Rh^T + Rbh))   lbr=1: h~ = g(clip(Xh + r.(H*Rh^T + Rbh)))
**   H = (1 - z).h~ + z.H
** RNN: H = f(clip(Xi + H*Ri^T))
*/
#include "simd/simd.h"
#include "ops/rnn.h"
#include "ops/rnn_act.h"
#include "workers.h"

#include <math.h>
#include <string.h>

static inline void clip_vec(const lstm__rnn_params *p, float *x, int64_t n)
{
    if (!p->has_clip) return;
    const float c = p->clip;
    for (int64_t j = 0; j < n; j++) x[j] = x[j] > c ? c : x[j] < -c ? -c : x[j];
}

/* C[:, g H + u] = A * B_g for the gates g of a product whose B is packed gate by gate
** (lstm__rnn_pack: each gate from a new panel). */
typedef struct gated {
    int M, K, lda, ldc, gates;
    const float *A, *Bp;
    float *C;
} gated;

/* Units u0 .. u1-1 of every gate (u0 on a panel boundary); rev (LSTM__GEMM_REVERSE): the gates
** and their panels last to first. */
static void gated_gemm(const lstm__rnn_dir *r, const gated *m, int64_t u0, int64_t u1, int rev)
{
    const int64_t H = r->z->H, nr = lstm__kernels_get(r->isa)->nr;
    const size_t gate = (size_t)(r->gate_panels * nr) * (size_t)m->K;
    for (int i = 0; i < m->gates; i++) {
        const int g = rev ? m->gates - 1 - i : i;
        lstm__gemm_packed(r->isa, m->M, (int)(u1 - u0), m->K, m->A, m->lda,
                          m->Bp + g * gate + (size_t)u0 * (size_t)m->K, m->C + g * H + u0, m->ldc,
                          rev);
    }
}

/* The threads share a step, or a chunk's input projection, by units: each takes whole panels of
** every gate and runs its columns of the product; a step then runs the fused cell on those
** units, reading H_{t-1} from r->h and writing H_t to r->hn. One hand-off per step, and what a
** thread computes (its gates, its columns of xw) stays in its cache for its cell. */
typedef struct unit_job {
    const lstm__rnn_dir *r;
    gated m;
    int64_t s; /* cell: the step */
    const int32_t *lens;
    const lstm__cell_args *a; /* NULL: the product only */
} unit_job;

static void unit_part(void *ctx, int part, int parts)
{
    const unit_job *j = ctx;
    const lstm__rnn_dir *r = j->r;
    const lstm__kernels *ks = lstm__kernels_get(r->isa);
    const int64_t H = r->z->H, GH = r->z->G * H, nr = ks->nr;
    const int64_t u0 = r->gate_panels * part / parts * nr,
                  e = r->gate_panels * (part + 1) / parts * nr, u1 = e < H ? e : H;
    if (u0 >= u1) return;
    gated_gemm(r, &j->m, u0, u1, 0);
    if (!j->a) return;
    lstm__cell_args a = *j->a;
    a.n = (int)(u1 - u0);
    a.bias += u0;
    if (a.P) a.P += u0;
    if (a.rbh) a.rbh += u0;
    for (int64_t b = 0; b < r->nb; b++) {
        const float *hp = r->h + b * H + u0;
        float *hn = r->hn + b * H + u0;
        if (j->s >= j->lens[b]) { /* inactive: the state carries over */
            memcpy(hn, hp, (size_t)(u1 - u0) * sizeof(float));
            continue;
        }
        const float *x = lstm__rnn_xw(r, j->s, b) + u0, *q = r->rg + b * GH + u0;
        if (r->p->cell == LSTM__CELL_LSTM)
            ks->lstm_cell(&a, x, q, r->c + b * H + u0, hn);
        else
            ks->gru_cell(&a, x, q, hp, hn);
    }
}

/* Whether the threads share product m by units: B packed gate by gate, M*N*K reaches min_work
** (LSTM__SPLIT_ONCE or _STEP, simd.h), and the helpers are not behind (workers.c; the step then
** takes the one-thread path: its parts one after the other took 12.3 us against 7.7, Zen 5,
** H = 256 batch 1). */
static int by_units(const lstm__rnn_dir *r, const gated *m, double min_work)
{
    return r->gate_panels && r->wk && lstm__workers_count(r->wk) > 1 &&
           (double)m->M * (double)(m->gates * r->z->H) * (double)m->K >= min_work &&
           !lstm__workers_solo(r->wk);
}

/* C = A * B, B packed whole (simd.h) or gate by gate (r->gate_panels); rev: 0 or
** LSTM__GEMM_REVERSE (not when the threads share it by units). */
static void product(const lstm__rnn_dir *r, const gated *m, double min_work, int rev)
{
    const int64_t H = r->z->H;
    if (by_units(r, m, min_work)) {
        unit_job j = {.r = r, .m = *m};
        lstm__workers_run(r->wk, unit_part, &j);
    } else if (r->gate_panels && H % lstm__kernels_get(r->isa)->nr) {
        gated_gemm(r, m, 0, H, rev);
    } else {
        lstm__gemm_packed_mt(r->wk, min_work, r->isa, m->M, (int)(m->gates * H), m->K, m->A, m->lda,
                             m->Bp, m->C, m->ldc, rev);
    }
}

/* The recurrent product of `gates` gates: rg = H_prev * R^T for all batch rows. */
static gated recurrent(const lstm__rnn_dir *r, int gates)
{
    const int H = (int)r->z->H;
    return (gated){.M = (int)r->nb,
                   .K = H,
                   .lda = H,
                   .ldc = (int)r->z->G * H,
                   .gates = gates,
                   .A = r->h,
                   .Bp = r->Rp,
                   .C = r->rg};
}

void lstm__rnn_project(const lstm__rnn_dir *r, int rows, const float *xg)
{
    const int I = (int)r->z->I, G = (int)r->z->G;
    const gated m = {.M = rows,
                     .K = I,
                     .lda = I,
                     .ldc = G * (int)r->z->H,
                     .gates = G,
                     .A = xg,
                     .Bp = r->Wp,
                     .C = r->xw};
    product(r, &m, LSTM__SPLIT_ONCE, 0);
}

/* A step with the fused cell split by units, or 0 when the threads do not share it so. */
static int unit_step(const lstm__rnn_dir *r, int64_t s, const int32_t *lens,
                     const lstm__cell_args *a)
{
    const gated m = recurrent(r, (int)r->z->G);
    if (!by_units(r, &m, LSTM__SPLIT_STEP)) return 0;
    unit_job j = {.r = r, .m = m, .s = s, .lens = lens, .a = a};
    lstm__workers_run(r->wk, unit_part, &j);
    return 1;
}

/* Step s's panel order: odd steps in reverse (LSTM__GEMM_REVERSE), so that each step starts
** where the last one ended, on weights still in L2. */
static int step_order(int64_t s)
{
    return s & 1 ? LSTM__GEMM_REVERSE : 0;
}

static void recur_gemm(const lstm__rnn_dir *r, int gates, int64_t s)
{
    const gated m = recurrent(r, gates);
    product(r, &m, LSTM__SPLIT_STEP, step_order(s));
}

/* a * b + c, rounded once when `once` (as the fused cells' v_fma on sets whose FMA fuses), else
** twice. */
static inline float madd(int once, float a, float b, float c)
{
    return once ? fmaf(a, b, c) : a * b + c;
}

/* Whether r's first n activations are the fused cells' (Sigmoid, then Tanh). */
static int cell_acts(const lstm__rnn_dir *r, int n)
{
    for (int k = 0; k < n; k++)
        if (r->act[k].kind != (k ? LSTM__ACT_TANH : LSTM__ACT_SIGMOID)) return 0;
    return 1;
}

/* The fused LSTM cell's arguments for r, and whether r takes it (the default activations, no
** trace). */
static int lstm_cell_args(const lstm__rnn_dir *r, lstm__cell_args *a)
{
    const lstm__rnn_params *p = r->p;
    *a = (lstm__cell_args){.H = (int)r->z->H,
                           .n = (int)r->z->H,
                           .bias = r->bias,
                           .P = r->P,
                           .clip = p->has_clip ? p->clip : 0.0f,
                           .coupled = p->input_forget};
    return !r->trace && cell_acts(r, 3);
}

int lstm__lstm_step(const lstm__rnn_dir *r, int64_t s, const int32_t *lens)
{
    lstm__cell_args a;
    const int fused = lstm_cell_args(r, &a);
    if (fused && unit_step(r, s, lens, &a)) return 1;
    recur_gemm(r, 4, s);
    lstm__lstm_gates(r, s, lens);
    return 0;
}

void lstm__lstm_gates(const lstm__rnn_dir *r, int64_t s, const int32_t *lens)
{
    const lstm__rnn_params *p = r->p;
    const int64_t H = r->z->H, GH = 4 * H, B = r->nb;
    lstm__cell_args a;
    const int fused = lstm_cell_args(r, &a);
    /* Traced, the default activations take the gates one by one, rounded as the fused cell
    ** rounds them: a traced run's outputs are the untraced run's, bit for bit. */
    const int once = r->trace && cell_acts(r, 3) && lstm__kernels_get(r->isa)->fma_fused;
    const float *Pi = r->P, *Po = r->P ? r->P + H : NULL, *Pf = r->P ? r->P + 2 * H : NULL;
    if (fused) {
        /* The default activations: one fused pass per row (the set's lstm_cell, simd.h). */
        void (*cell)(const lstm__cell_args *, const float *, const float *, float *, float *) =
            lstm__kernels_get(r->isa)->lstm_cell;
        for (int64_t b = 0; b < B; b++)
            if (s < lens[b])
                cell(&a, lstm__rnn_xw(r, s, b), r->rg + b * GH, r->c + b * H, r->h + b * H);
        return;
    }
    for (int64_t b = 0; b < B; b++) {
        if (s >= lens[b]) continue;
        const float *restrict x = lstm__rnn_xw(r, s, b);
        const float *restrict q = r->rg + b * GH;
        float *restrict gi = r->tmp + b * GH, *go = gi + H, *gf = gi + 2 * H, *gc = gi + 3 * H;
        float *restrict c = r->c + b * H, *restrict h = r->h + b * H;
        const float *restrict bias = r->bias;
        for (int64_t j = 0; j < GH; j++) gi[j] = x[j] + q[j] + bias[j];
        if (Pi)
            for (int64_t j = 0; j < H; j++) {
                gi[j] = madd(once, Pi[j], c[j], gi[j]);
                gf[j] = madd(once, Pf[j], c[j], gf[j]);
            }
        clip_vec(p, gi, H);
        lstm__act_apply_isa(r->isa, &r->act[0], gi, (int)H);
        if (p->input_forget) {
            for (int64_t j = 0; j < H; j++) gf[j] = 1.0f - gi[j];
        } else {
            clip_vec(p, gf, H);
            lstm__act_apply_isa(r->isa, &r->act[0], gf, (int)H);
        }
        clip_vec(p, gc, H);
        lstm__act_apply_isa(r->isa, &r->act[1], gc, (int)H);
        int64_t t = lstm__rnn_time(r, s, lens[b]);
        lstm__trace_put(r, 0, t, b, gi);
        lstm__trace_put(r, 1, t, b, gf);
        lstm__trace_put(r, 3, t, b, gc);
        for (int64_t j = 0; j < H; j++) c[j] = madd(once, gf[j], c[j], gi[j] * gc[j]);
        if (Po)
            for (int64_t j = 0; j < H; j++) go[j] = madd(once, Po[j], c[j], go[j]);
        clip_vec(p, go, H);
        lstm__act_apply_isa(r->isa, &r->act[0], go, (int)H);
        for (int64_t j = 0; j < H; j++) gc[j] = c[j]; /* h(C): no clip (onnxruntime's reading) */
        lstm__act_apply_isa(r->isa, &r->act[2], gc, (int)H);
        for (int64_t j = 0; j < H; j++) h[j] = go[j] * gc[j];
        lstm__trace_put(r, 2, t, b, go);
        lstm__trace_put(r, 4, t, b, c);
        lstm__trace_put(r, 5, t, b, h);
    }
}

int lstm__gru_step(const lstm__rnn_dir *r, int64_t s, const int32_t *lens)
{
    const lstm__rnn_params *p = r->p;
    const int64_t H = r->z->H, GH = 3 * H, B = r->nb;
    const int lbr = p->linear_before_reset;
    const int fused = lbr && !r->trace && cell_acts(r, 2);
    /* Traced: the fused cell's formula, rounded as it rounds (see lstm__lstm_gates). */
    const int as_fused = lbr && r->trace && cell_acts(r, 2);
    const int once = as_fused && lstm__kernels_get(r->isa)->fma_fused;
    const lstm__cell_args a = {.H = (int)H,
                               .n = (int)H,
                               .bias = r->bias,
                               .rbh = r->Rb,
                               .clip = p->has_clip ? p->clip : 0.0f};
    if (fused && unit_step(r, s, lens, &a)) return 1;
    recur_gemm(r, lbr ? 3 : 2, s);
    if (fused) {
        /* PyTorch's GRU: one fused pass per row (the set's gru_cell, simd.h). */
        void (*cell)(const lstm__cell_args *, const float *, const float *, const float *,
                     float *) = lstm__kernels_get(r->isa)->gru_cell;
        for (int64_t b = 0; b < B; b++)
            if (s < lens[b])
                cell(&a, lstm__rnn_xw(r, s, b), r->rg + b * GH, r->h + b * H, r->h + b * H);
        return 0;
    }
    float *rh = r->tmp2, *hh = r->tmp2 + r->z->B * H;
    for (int64_t b = 0; b < B; b++) {
        float *gz = r->tmp + b * GH, *gr = gz + H, *gh = gz + 2 * H;
        if (s >= lens[b]) {
            if (!lbr)
                for (int64_t j = 0; j < H; j++) rh[b * H + j] = 0.0f;
            continue;
        }
        const float *x = lstm__rnn_xw(r, s, b);
        const float *q = r->rg + b * GH, *h = r->h + b * H;
        for (int64_t j = 0; j < 2 * H; j++) gz[j] = x[j] + q[j] + r->bias[j];
        clip_vec(p, gz, 2 * H);
        lstm__act_apply_isa(r->isa, &r->act[0], gz, (int)(2 * H));
        if (lbr) {
            for (int64_t j = 0; j < H; j++) {
                const float qh = r->Rb ? q[2 * H + j] + r->Rb[j] : q[2 * H + j];
                gh[j] = madd(once, gr[j], qh, x[2 * H + j] + r->bias[2 * H + j]);
            }
        } else {
            for (int64_t j = 0; j < H; j++) rh[b * H + j] = gr[j] * h[j];
        }
    }
    if (!lbr)
        lstm__gemm_packed_mt(r->wk, LSTM__SPLIT_STEP, r->isa, (int)B, (int)H, (int)H, rh, (int)H,
                             r->Rhp, hh, (int)H, step_order(s));
    for (int64_t b = 0; b < B; b++) {
        if (s >= lens[b]) continue;
        float *gz = r->tmp + b * GH, *gh = gz + 2 * H, *h = r->h + b * H;
        if (!lbr) {
            const float *x = lstm__rnn_xw(r, s, b);
            for (int64_t j = 0; j < H; j++)
                gh[j] =
                    x[2 * H + j] + r->bias[2 * H + j] + hh[b * H + j] + (r->Rb ? r->Rb[j] : 0.0f);
        }
        clip_vec(p, gh, H);
        lstm__act_apply_isa(r->isa, &r->act[1], gh, (int)H);
        if (as_fused) /* the fused cell's g + z (h - g) */
            for (int64_t j = 0; j < H; j++) h[j] = madd(once, gz[j], h[j] - gh[j], gh[j]);
        else
            for (int64_t j = 0; j < H; j++) h[j] = (1.0f - gz[j]) * gh[j] + gz[j] * h[j];
        if (r->trace) {
            int64_t t = lstm__rnn_time(r, s, lens[b]);
            lstm__trace_put(r, 0, t, b, gz);
            lstm__trace_put(r, 1, t, b, gz + H);
            lstm__trace_put(r, 2, t, b, gh);
            lstm__trace_put(r, 3, t, b, h);
        }
    }
    return 0;
}

void lstm__rnn_step(const lstm__rnn_dir *r, int64_t s, const int32_t *lens)
{
    const int64_t H = r->z->H, B = r->nb;
    recur_gemm(r, 1, s);
    for (int64_t b = 0; b < B; b++) {
        if (s >= lens[b]) continue;
        const float *x = lstm__rnn_xw(r, s, b);
        const float *q = r->rg + b * H;
        float *h = r->h + b * H;
        for (int64_t j = 0; j < H; j++) h[j] = x[j] + q[j] + r->bias[j];
        clip_vec(r->p, h, H);
        lstm__act_apply_isa(r->isa, &r->act[0], h, (int)H);
        lstm__trace_put(r, 0, lstm__rnn_time(r, s, lens[b]), b, h);
    }
}
