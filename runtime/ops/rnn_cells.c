/*
** rnn_cells.c — one time step of each cell for the active batch rows (s < lens[b]) of the
** dir's row range (b counts from r->b0; lens, h, c, rg, tmp, tmp2 start at that row).
** xw holds X*W^T for the chunk of steps around s (lstm__rnn_xw), r->bias the biases (GRU: all
** but Rbh, kept in r->Rb); r->h is H_{t-1} on entry and H_t on exit for the active rows;
** inactive rows keep their state. The recurrent products go through lstm__gemm_packed against
** the packed R; with the default activations the gates take one fused pass (simd.h).
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

static inline void clip_vec(const lstm__rnn_params *p, float *x, int64_t n)
{
    if (!p->has_clip) return;
    const float c = p->clip;
    for (int64_t j = 0; j < n; j++) x[j] = x[j] > c ? c : x[j] < -c ? -c : x[j];
}

/* rg = H_prev * R[rows]^T for all batch rows, ldc = G*H. */
static void recur_gemm(const lstm__rnn_dir *r, int rows)
{
    const int B = (int)r->nb, H = (int)r->z->H, GH = (int)(r->z->G * r->z->H);
    lstm__gemm_packed_mt(r->wk, LSTM__SPLIT_STEP, r->isa, B, rows, H, r->h, H, r->Rp, r->rg, GH, 0);
}

void lstm__lstm_step(const lstm__rnn_dir *r, int64_t s, const int32_t *lens)
{
    const lstm__rnn_params *p = r->p;
    const int64_t H = r->z->H, GH = 4 * H, B = r->nb;
    recur_gemm(r, (int)GH);
    const float *Pi = r->P, *Po = r->P ? r->P + H : NULL, *Pf = r->P ? r->P + 2 * H : NULL;
    if (!r->trace && r->act[0].kind == LSTM__ACT_SIGMOID && r->act[1].kind == LSTM__ACT_TANH &&
        r->act[2].kind == LSTM__ACT_TANH) {
        /* The default activations: one fused pass per row (the set's lstm_cell, simd.h). */
        void (*cell)(const lstm__cell_args *, const float *, const float *, float *, float *) =
            lstm__kernels_get(r->isa)->lstm_cell;
        const lstm__cell_args a = {.H = (int)H,
                                   .bias = r->bias,
                                   .P = r->P,
                                   .clip = p->has_clip ? p->clip : 0.0f,
                                   .coupled = p->input_forget};
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
                gi[j] += Pi[j] * c[j];
                gf[j] += Pf[j] * c[j];
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
        for (int64_t j = 0; j < H; j++) c[j] = gf[j] * c[j] + gi[j] * gc[j];
        if (Po)
            for (int64_t j = 0; j < H; j++) go[j] += Po[j] * c[j];
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

void lstm__gru_step(const lstm__rnn_dir *r, int64_t s, const int32_t *lens)
{
    const lstm__rnn_params *p = r->p;
    const int64_t H = r->z->H, GH = 3 * H, B = r->nb;
    const int lbr = p->linear_before_reset;
    recur_gemm(r, (int)(lbr ? GH : 2 * H));
    if (lbr && !r->trace && r->act[0].kind == LSTM__ACT_SIGMOID &&
        r->act[1].kind == LSTM__ACT_TANH) {
        /* PyTorch's GRU: one fused pass per row (the set's gru_cell, simd.h). */
        void (*cell)(const lstm__cell_args *, const float *, const float *, float *) =
            lstm__kernels_get(r->isa)->gru_cell;
        const lstm__cell_args a = {
            .H = (int)H, .bias = r->bias, .rbh = r->Rb, .clip = p->has_clip ? p->clip : 0.0f};
        for (int64_t b = 0; b < B; b++)
            if (s < lens[b]) cell(&a, lstm__rnn_xw(r, s, b), r->rg + b * GH, r->h + b * H);
        return;
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
            for (int64_t j = 0; j < H; j++)
                gh[j] = x[2 * H + j] + r->bias[2 * H + j] +
                        gr[j] * (q[2 * H + j] + (r->Rb ? r->Rb[j] : 0.0f));
        } else {
            for (int64_t j = 0; j < H; j++) rh[b * H + j] = gr[j] * h[j];
        }
    }
    if (!lbr)
        lstm__gemm_packed_mt(r->wk, LSTM__SPLIT_STEP, r->isa, (int)B, (int)H, (int)H, rh, (int)H,
                             r->Rhp, hh, (int)H, 0);
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
        for (int64_t j = 0; j < H; j++) h[j] = (1.0f - gz[j]) * gh[j] + gz[j] * h[j];
        if (r->trace) {
            int64_t t = lstm__rnn_time(r, s, lens[b]);
            lstm__trace_put(r, 0, t, b, gz);
            lstm__trace_put(r, 1, t, b, gz + H);
            lstm__trace_put(r, 2, t, b, gh);
            lstm__trace_put(r, 3, t, b, h);
        }
    }
}

void lstm__rnn_step(const lstm__rnn_dir *r, int64_t s, const int32_t *lens)
{
    const int64_t H = r->z->H, B = r->nb;
    recur_gemm(r, (int)H);
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
