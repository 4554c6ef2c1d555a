/*
** rnn.c — LSTM / GRU / RNN (ai.onnx versions 1, 3 (GRU), 7, 14, 22): run-time shape checks,
** scratch plan and the driver around the cells in rnn_cells.c.
** Spec: https://onnx.ai/onnx/operators/onnx__LSTM.html (GRU, RNN alike)
**
** Inputs  X [T,B,I] (layout 0) | [B,T,I] (layout 1), W [D,G*H,I], R [D,G*H,H], B [D,2*G*H]?,
**         sequence_lens [B] int32?, initial_h / initial_c [D,B,H] | [B,D,H]?, P [D,3H]?
** Outputs Y [T,D,B,H] | [B,T,D,H], Y_h / Y_c [D,B,H] | [B,D,H], each optional.
** Per direction: xw = X*W^T (one GEMM over all steps) + biases, then per step the recurrent
** GEMM and one fused pass (rnn_cells.c). Padded steps (t >= sequence_lens[b]) give Y = 0; Y_h
** and Y_c hold the state after the last valid step, 0 when the length is 0; a reverse pass
** consumes the first sequence_lens[b] steps backwards and writes Y in original time order.
** float16 / bfloat16 are computed in float32, float64 in double (rnn_f64.c).
*/
#include "ops/rnn.h"
#include "dtype.h"
#include "simd/simd.h"
#include "ops/registry.h"

#include "workers.h"

#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int lstm__rnn_trace_gates(int cell, const char *const **names)
{
    static const char *const lstm[] = {"i", "f", "o", "g", "c", "h"},
                             *const gru[] = {"z", "r", "g", "h"}, *const rnn[] = {"h"};
    *names = cell == LSTM__CELL_LSTM ? lstm : cell == LSTM__CELL_GRU ? gru : rnn;
    return cell == LSTM__CELL_LSTM ? 6 : cell == LSTM__CELL_GRU ? 4 : 1;
}

/* LSTM_RNN_SPLIT=panels|rows|dirs forces a mode where it applies (to test and compare), or -1.
** Read once per process: a plan and the runs that follow it must agree on the scratch layout. */
static int forced_split(void)
{
    static atomic_int mode = -2;
    int m = atomic_load(&mode);
    if (m != -2) return m;
    const char *e = getenv("LSTM_RNN_SPLIT");
    m = !e                         ? -1
        : strcmp(e, "panels") == 0 ? RNN_PAR_NONE
        : strcmp(e, "rows") == 0   ? RNN_PAR_ROWS
        : strcmp(e, "dirs") == 0   ? RNN_PAR_DIRS
                                   : -1;
    atomic_store(&mode, m);
    return m;
}

/* The slots a direction works in: one copy per direction when they run in parallel. */
static int per_dir(int slot)
{
    return slot == RNN_S_XW || slot == RNN_S_XG || slot == RNN_S_RG || slot == RNN_S_TMP ||
           slot == RNN_S_TMP2 || slot == RNN_S_H || slot == RNN_S_C || slot == RNN_S_BIAS;
}

int lstm__rnn_op_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                       lstm__diag *d)
{
    return lstm__rnn_parse(g, n, since, params, d);
}

static int shape_err(lstm__kctx *k, const char *name, const lstm__rt *t, const int64_t *want,
                     int rank, const char *what)
{
    char got[96], exp[96];
    return lstm__errf(k->d, LSTM_EINVAL, "%s: input %s has shape %s, expected %s %s",
                      lstm__klabel(k), name, lstm__dims_str(got, sizeof got, t->rank, t->dims),
                      lstm__dims_str(exp, sizeof exp, rank, want), what);
}

/* "sequence_lens (tensor 'NAME')": the slot and the graph tensor bound to it. */
static const char *seq_name(const lstm__kctx *k, char *buf, size_t n)
{
    snprintf(buf, n, "sequence_lens (tensor '%s')", k->n->in_names[RNN_IN_SEQ]);
    return buf;
}

/* Input idx has shape want; name NULL stands for sequence_lens (built on the error path). */
static int check(lstm__kctx *k, int idx, const char *name, int rank, const int64_t *want,
                 const char *what)
{
    const lstm__rt *t = idx < k->n->n_in ? k->in[idx] : NULL;
    if (!t) return 0;
    int bad = t->rank != rank;
    for (int i = 0; !bad && i < rank; i++) bad = t->dims[i] != want[i];
    char sn[160];
    return bad ? shape_err(k, name ? name : seq_name(k, sn, sizeof sn), t, want, rank, what) : 0;
}

/* Compute the dims and the scratch layout (byte offsets) from the run-time input shapes. */
static int make_plan(lstm__kctx *k, lstm__rnn_state *pl)
{
    const lstm__rnn_params *p = k->params;
    const lstm__rt *X = k->in[RNN_IN_X], *W = k->in[RNN_IN_W], *R = k->in[RNN_IN_R];
    memset(pl, 0, sizeof *pl);
    lstm__rnn_dims *z = &pl->z;
    if (X->rank != 3)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: input X has rank %d, expected 3", lstm__klabel(k),
                          X->rank);
    z->T = X->dims[p->layout ? 1 : 0];
    z->B = X->dims[p->layout ? 0 : 1];
    z->I = X->dims[2];
    z->D = p->num_dirs;
    z->G = p->gates;
    if (R->rank != 3)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: input R has rank %d, expected 3", lstm__klabel(k),
                          R->rank);
    z->H = p->hidden_given ? p->hidden_size : R->dims[2];
    if (z->H < 1)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: hidden size from R is %lld", lstm__klabel(k),
                          (long long)z->H);
    const int64_t D = z->D, GH = z->G * z->H, H = z->H, B = z->B, T = z->T;
    char sn[160];
    if (check(k, RNN_IN_W, "W", 3, (int64_t[]){D, GH, z->I},
              "(num_directions, gates*hidden_size, input_size)") ||
        check(k, RNN_IN_R, "R", 3, (int64_t[]){D, GH, H},
              "(num_directions, gates*hidden_size, hidden_size)") ||
        check(k, RNN_IN_B, "B", 2, (int64_t[]){D, 2 * GH},
              "(num_directions, 2*gates*hidden_size)") ||
        check(k, RNN_IN_SEQ, NULL, 1, (int64_t[]){B}, "(batch_size)"))
        return k->d->code;
    const char *hw = p->layout ? "(batch_size, num_directions, hidden_size)"
                               : "(num_directions, batch_size, hidden_size)";
    const int64_t *hs = p->layout ? (int64_t[]){B, D, H} : (int64_t[]){D, B, H};
    if (check(k, RNN_IN_H0, "initial_h", 3, hs, hw)) return k->d->code;
    if (p->cell == LSTM__CELL_LSTM &&
        (check(k, RNN_IN_C0, "initial_c", 3, hs, hw) ||
         check(k, RNN_IN_P, "P", 2, (int64_t[]){D, 3 * H}, "(num_directions, 3*hidden_size)")))
        return k->d->code;
    (void)W;

    /* Element types: one float type for all but sequence_lens (int32). */
    pl->dtype = X->dtype;
    for (int i = 0; i < k->n->n_in; i++) {
        const lstm__rt *t = k->in[i];
        if (!t) continue;
        if (i == RNN_IN_SEQ) {
            if (t->dtype != LSTM_DT_INT32)
                return lstm__errf(k->d, LSTM_EINVAL, "%s: %s is %s, expected int32",
                                  lstm__klabel(k), seq_name(k, sn, sizeof sn),
                                  lstm__dtype_name(t->dtype));
        } else if (t->dtype != pl->dtype) {
            return lstm__errf(k->d, LSTM_EINVAL, "%s: input %d ('%s') is %s but X is %s",
                              lstm__klabel(k), i, k->n->in_names[i], lstm__dtype_name(t->dtype),
                              lstm__dtype_name(pl->dtype));
        }
    }
    if (pl->dtype != LSTM_DT_FLOAT && pl->dtype != LSTM_DT_FLOAT16 &&
        pl->dtype != LSTM_DT_BFLOAT16 && pl->dtype != LSTM_DT_DOUBLE)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: X is %s, expected a float type", lstm__klabel(k),
                          lstm__dtype_name(pl->dtype));

    /* BLAS takes int dimensions. */
    int64_t TB;
    if (!lstm__mul_i64(T, B, &TB) || TB > INT_MAX || GH > INT_MAX / 4 || z->I > INT_MAX)
        return lstm__errf(k->d, LSTM_ELIMIT, "%s: sizes exceed what one GEMM can take",
                          lstm__klabel(k));
    if (pl->dtype == LSTM_DT_DOUBLE) {
        const char *const *names;
        if (lstm__rnn_f64_plan(pl, k->trace ? lstm__rnn_trace_gates(p->cell, &names) : 0))
            return lstm__errf(k->d, LSTM_ELIMIT, "%s: scratch size overflows", lstm__klabel(k));
        return 0;
    }

    /* Scratch in floats per slot; conversions only for float16/bfloat16. */
    int conv = pl->dtype != LSTM_DT_FLOAT;
    int64_t n[RNN_S_COUNT] = {0};
    /* The input projection is computed for a chunk of steps at a time, the chunk's rows
    ** gathered from X in step order: it stays in cache until its steps use it, and the scratch
    ** does not grow with T. About 1 MiB of it, at least 64 rows (an efficient GEMM). Measured
    ** against one projection of all steps: LSTM H = 512, B = 32, T = 50 2-7% faster (and
    ** 13 MiB less scratch); 128 KiB to 4 MiB chunks within noise of each other. */
    int64_t rows = (int64_t)1024 * 1024 / (4 * GH);
    if (rows < 64) rows = 64;
    pl->chunk = B > 0 ? (rows - 1) / B + 1 : 1;
    if (pl->chunk > T) pl->chunk = T;
    if (pl->chunk < 1) pl->chunk = 1;
    /* T = 0 leaves B unbounded: every product of B checked (B x GH within chunk x B x GH). */
    if (!lstm__mul_i64(pl->chunk * B, GH, &n[RNN_S_XW]) ||
        !lstm__mul_i64(pl->chunk * B, z->I, &n[RNN_S_XG]) ||
        !lstm__mul_i64(B, 2 * H, &n[RNN_S_TMP2]))
        return lstm__errf(k->d, LSTM_ELIMIT, "%s: scratch size overflows", lstm__klabel(k));
    int ok = 1;
    n[RNN_S_RG] = B * GH;
    n[RNN_S_TMP] = B * GH;
    n[RNN_S_H] = n[RNN_S_TMP2]; /* h, and the next h when threads split the units */
    n[RNN_S_C] = B * H;
    n[RNN_S_BIAS] = GH;
    n[RNN_S_LENS] = B; /* int32, same size as float */
    pl->gate_panels = lstm__rnn_gate_panels(p, H, lstm__workers_count(k->workers));
    if (!k->packed) n[RNN_S_PACK] = D * (int64_t)lstm__rnn_pack_floats(p, z->I, H, pl->gate_panels);
    if (k->trace) {
        const char *const *names;
        ok = ok &&
             lstm__mul_i64(TB * D * H, lstm__rnn_trace_gates(p->cell, &names), &n[RNN_S_TRACE]);
    }
    if (conv) {
        ok = ok && lstm__mul_i64(TB, z->I, &n[RNN_S_X]);
        if (!k->packed) { /* W and R packed at load need no conversion */
            ok = ok && lstm__mul_i64(D * GH, z->I, &n[RNN_S_W]);
            n[RNN_S_R] = D * GH * H;
        }
        n[RNN_S_B] = D * 2 * GH;
        n[RNN_S_H0] = n[RNN_S_C0] = n[RNN_S_YH] = n[RNN_S_YC] = D * B * H;
        n[RNN_S_P] = D * 3 * H;
        ok = ok && lstm__mul_i64(TB, D * H, &n[RNN_S_Y]);
    }
    /* Two directions and a helper thread: each direction on its own thread (no per-step
    ** hand-off), at the cost of a second copy of the per-direction slots. Split rows only when
    ** each thread gets a whole row tile of the kernel set (8 AVX-512, 4 others): below that a
    ** step is bound by reading R, which sharing the step shares out. Measured at 2 threads,
    ** LSTM H = 256, T = 100, AVX-512, rows vs column panels: B = 4 4.9 vs 2.4 ms, B = 8 6-7
    ** vs 4.4-6.9, B = 16 6.9-7.3 vs 9-13, B = 32 18 vs 21; H = 512, B = 32: 40 vs 43 ms.
    ** Sharing by units instead (whole processes, 10 pairs): B = 16 1.22x, B = 32 1.68x, H = 512
    ** B = 32 1.16x the time of rows. AVX2 (4-row tiles), B = 8: units 1.17-1.19x the time of
    ** rows (16 pairs; AVX-512 there 1.02x). */
    const int nt = lstm__workers_count(k->workers);
    const int64_t tile = lstm__kernels_get(lstm__isa())->mr; /* rows each thread needs */
    pl->par = nt < 2                    ? RNN_PAR_NONE
              : D == 2                  ? RNN_PAR_DIRS
              : B >= tile * (int64_t)nt ? RNN_PAR_ROWS
                                        : RNN_PAR_NONE;
    const int force = forced_split();
    if (nt >= 2 && force == RNN_PAR_NONE) pl->par = RNN_PAR_NONE;
    if (nt >= 2 && force == RNN_PAR_ROWS && B >= nt) pl->par = RNN_PAR_ROWS;
    if (nt >= 2 && force == RNN_PAR_DIRS && D == 2) pl->par = RNN_PAR_DIRS;
    size_t off = 0;
    for (int i = 0; i < RNN_S_COUNT; i++) {
        pl->off[i] = off;
        size_t bytes;
        if (!ok || n[i] < 0 || !lstm__mul_size((size_t)n[i], 4, &bytes) || off + bytes < off ||
            off + bytes + 63 < off)
            return lstm__errf(k->d, LSTM_ELIMIT, "%s: scratch size overflows", lstm__klabel(k));
        bytes = (bytes + 63) & ~(size_t)63;
        pl->dir_step[i] = pl->par == RNN_PAR_DIRS && per_dir(i) ? bytes : 0;
        if (pl->dir_step[i] && (bytes > SIZE_MAX / 2 || off + 2 * bytes < off))
            return lstm__errf(k->d, LSTM_ELIMIT, "%s: scratch size overflows", lstm__klabel(k));
        off += pl->dir_step[i] ? 2 * bytes : bytes;
    }
    pl->off[RNN_S_COUNT] = off;
    return 0;
}

int lstm__rnn_op_prepare(lstm__kctx *k)
{
    const lstm__rnn_params *p = k->params;
    lstm__rnn_state *st = k->state;
    if (make_plan(k, st)) return k->d->code;
    const lstm__rnn_state pl = *st;
    const lstm__rnn_dims *z = &pl.z;
    int64_t y0[4] = {z->T, z->D, z->B, z->H}, y1[4] = {z->B, z->T, z->D, z->H};
    int64_t s0[3] = {z->D, z->B, z->H}, s1[3] = {z->B, z->D, z->H};
    for (int o = 0; o < k->n->n_out; o++) {
        if (!k->out[o]) continue;
        int rc = o == RNN_OUT_Y ? lstm__rt_set(k, k->out[o], pl.dtype, 4, p->layout ? y1 : y0)
                                : lstm__rt_set(k, k->out[o], pl.dtype, 3, p->layout ? s1 : s0);
        if (rc) return rc;
    }
    k->scratch_size = pl.off[RNN_S_COUNT];
    return lstm__rnn_carry_prepare(
        k, p, z->B, z->H,
        lstm__dtype_size(pl.dtype == LSTM_DT_DOUBLE ? LSTM_DT_DOUBLE : LSTM_DT_FLOAT));
}

int lstm__rnn_carry_prepare(lstm__kctx *k, const lstm__rnn_params *p, int64_t B, int64_t H,
                            size_t elem)
{
    lstm__carry *st = k->carry;
    if (!st) return LSTM_OK;
    if (p->num_dirs != 1 || p->direction != LSTM__DIR_FORWARD)
        return lstm__errf(k->d, LSTM_EUNSUPPORTED,
                          "%s: a %s node cannot stream (its state depends on the future of "
                          "the sequence); turn streaming off",
                          lstm__klabel(k), lstm__rnn_direction_name(p->direction));
    if (st->valid && (st->shape[0] != B || st->shape[1] != H))
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: the streamed state has batch %lld, this run has batch %lld "
                          "(reset the state to change the batch size)",
                          lstm__klabel(k), (long long)st->shape[0], (long long)B);
    st->need = 2 * (size_t)(B * H) * elem; /* h, c */
    if (!st->valid) {
        st->shape[0] = B;
        st->shape[1] = H;
    }
    return LSTM_OK;
}

/* Convert a float16/bfloat16 tensor into float32 (or return the float32 data as is). */
static const float *as_f32(const lstm__rt *t, float *buf, int dtype)
{
    if (!t) return NULL;
    if (dtype == LSTM_DT_FLOAT) return t->data;
    const uint16_t *s = t->data;
    for (size_t i = 0; i < t->nelem; i++)
        buf[i] = dtype == LSTM_DT_FLOAT16 ? lstm__f16_to_f32(s[i]) : lstm__bf16_to_f32(s[i]);
    return buf;
}

static void from_f32(lstm__rt *t, const float *src, int dtype)
{
    if (!t || dtype == LSTM_DT_FLOAT) return;
    uint16_t *d = t->data;
    for (size_t i = 0; i < t->nelem; i++)
        d[i] = dtype == LSTM_DT_FLOAT16 ? lstm__f32_to_f16(src[i]) : lstm__f32_to_bf16(src[i]);
}

/* What the directions of one run share. */
typedef struct run_ctx {
    lstm__kctx *k;
    const lstm__rnn_state *pl;
    const float *X, *W, *R, *Bi, *H0, *C0, *P;
    float *Y, *Yh, *Yc;
    const int32_t *lens;
    int64_t steps;
    const lstm__rnn_dir *cur; /* RNN_PAR_ROWS: the direction being run */
    atomic_int stop;          /* the caller's part was aborted: the others stop too */
    int rc[2];
} run_ctx;

static float *slot(const run_ctx *c, int i, int64_t d)
{
    return (float *)((char *)c->k->scratch + c->pl->off[i] + (size_t)d * c->pl->dir_step[i]);
}

/* Rows b0 .. b1-1 of direction dir->d from the initial state to Y, Y_h, Y_c. Only the caller's
** thread polls the abort callback and writes messages; the other parts watch c->stop. */
static int run_rows(run_ctx *c, const lstm__rnn_dir *dir, int64_t b0, int64_t b1, int caller)
{
    lstm__kctx *k = c->k;
    const lstm__rnn_params *p = k->params;
    const lstm__rnn_dims *z = &c->pl->z;
    const int64_t T = z->T, B = z->B, H = z->H, D = z->D, GH = z->G * z->H, d = dir->d;
    lstm__rnn_dir r = *dir;
    r.b0 = b0, r.nb = b1 - b0;
    r.h += b0 * H, r.hn += b0 * H, r.c += b0 * H, r.rg += b0 * GH, r.tmp += b0 * GH,
        r.tmp2 += b0 * H;
    if (c->pl->par != RNN_PAR_NONE) r.wk = NULL;
    const int32_t *lens = c->lens;
    /* Initial state, in [B, H] order whatever the layout; a streamed state replaces it. */
    for (int64_t b = b0; b < b1; b++) {
        float *h = r.h + (b - b0) * H, *cs = r.c + (b - b0) * H;
        if (k->carry && k->carry->valid && H > 0) { /* an empty state has no buffer */
            const float *ch = k->carry->buf, *cc = ch + B * H;
            memcpy(h, ch + b * H, (size_t)H * sizeof(float));
            memcpy(cs, cc + b * H, (size_t)H * sizeof(float));
            continue;
        }
        int64_t src = p->layout ? (b * D + d) * H : (d * B + b) * H;
        for (int64_t j = 0; j < H; j++) {
            h[j] = c->H0 ? c->H0[src + j] : 0.0f;
            cs[j] = c->C0 ? c->C0[src + j] : 0.0f;
        }
    }
    float *Y = c->Y;
    const int64_t I = z->I, nb = b1 - b0, chunk = c->pl->chunk;
    float *xg = slot(c, RNN_S_XG, d) + chunk * b0 * I;
    r.xw += chunk * b0 * GH;
    for (int64_t s = 0; s < c->steps; s++) {
        if ((s - r.s0) % chunk == 0) {
            /* Rows of X for steps s .. s + n - 1 in step order (padded ones zero), then X*W^T. */
            int64_t n = c->steps - s < chunk ? c->steps - s : chunk;
            r.s0 = s;
            for (int64_t i = 0; i < n; i++)
                for (int64_t b = b0; b < b1; b++) {
                    float *dst = xg + (i * nb + b - b0) * I;
                    if (s + i >= lens[b]) {
                        memset(dst, 0, (size_t)I * sizeof(float));
                        continue;
                    }
                    int64_t t = lstm__rnn_time(&r, s + i, lens[b]);
                    memcpy(dst, c->X + (p->layout ? b * T + t : t * B + b) * I,
                           (size_t)I * sizeof(float));
                }
            lstm__rnn_project(&r, (int)(n * nb), xg);
        }
        if (caller && k->abort && k->abort(k->abort_ud)) {
            atomic_store(&c->stop, 1);
            return lstm__errf(k->d, LSTM_EABORTED, "%s: aborted at time step %lld", lstm__klabel(k),
                              (long long)s);
        }
        if (!caller && atomic_load_explicit(&c->stop, memory_order_relaxed)) return LSTM_EABORTED;
        int swap = 0;
        if (p->cell == LSTM__CELL_LSTM)
            swap = lstm__lstm_step(&r, s, lens + b0);
        else if (p->cell == LSTM__CELL_GRU)
            swap = lstm__gru_step(&r, s, lens + b0);
        else
            lstm__rnn_step(&r, s, lens + b0);
        if (swap) {
            float *t = r.h;
            r.h = r.hn, r.hn = t;
        }
        if (!Y) continue;
        for (int64_t b = b0; b < b1; b++) {
            if (s >= lens[b]) continue;
            int64_t t = lstm__rnn_time(&r, s, lens[b]);
            int64_t dst = p->layout ? ((b * T + t) * D + d) * H : ((t * D + d) * B + b) * H;
            memcpy(Y + dst, r.h + (b - b0) * H, (size_t)H * sizeof(float));
        }
    }
    if (r.h != dir->h + b0 * H) /* the state lives in dir->h (streaming keeps it from there) */
        memcpy(dir->h + b0 * H, r.h, (size_t)(nb * H) * sizeof(float));
    r.h = dir->h + b0 * H;
    for (int64_t b = b0; b < b1; b++) {
        int64_t dst = p->layout ? (b * D + d) * H : (d * B + b) * H;
        for (int64_t j = 0; j < H; j++) {
            if (c->Yh) c->Yh[dst + j] = lens[b] ? r.h[(b - b0) * H + j] : 0.0f;
            if (c->Yc) c->Yc[dst + j] = lens[b] ? r.c[(b - b0) * H + j] : 0.0f;
        }
    }
    return LSTM_OK;
}

/* RNN_PAR_ROWS: part i of the threads takes its share of the batch rows. */
static void rows_part(void *ctx, int part, int parts)
{
    run_ctx *c = ctx;
    const int64_t B = c->pl->z.B, b0 = B * part / parts, b1 = B * (part + 1) / parts;
    int rc = b0 < b1 ? run_rows(c, c->cur, b0, b1, part == 0) : LSTM_OK;
    if (part == 0) c->rc[0] = rc;
}

/* Direction d: its packed weights, the input projection, the biases, then its rows. */
static int run_dir(run_ctx *c, int64_t d)
{
    lstm__kctx *k = c->k;
    const lstm__rnn_params *p = k->params;
    const lstm__rnn_dims *z = &c->pl->z;
    const int64_t B = z->B, I = z->I, H = z->H, GH = z->G * z->H;
    /* Weights packed at load, or now when they are graph inputs. */
    lstm__rnn_pack pk;
    if (k->packed) {
        pk = *(const lstm__rnn_pack *)k->packed;
    } else {
        const int gp = c->pl->gate_panels;
        float *dst = slot(c, RNN_S_PACK, 0) + (size_t)d * lstm__rnn_pack_floats(p, I, H, gp);
        lstm__rnn_pack_dir(p, c->W + d * GH * I, c->R + d * GH * H, I, H, gp, dst, &pk, (int)d);
    }
    float *bias = slot(c, RNN_S_BIAS, d);
    lstm__rnn_dir r = {
        .p = p,
        .z = z,
        .d = (int)d,
        .nb = B,
        .reverse = p->direction == LSTM__DIR_REVERSE || d == 1,
        .act = p->acts + d * p->acts_per_dir,
        .isa = lstm__isa(),
        .wk = c->pl->par == RNN_PAR_DIRS ? NULL : k->workers,
        .Wp = pk.w[d],
        .Rp = pk.r[d],
        .gate_panels = pk.gate_panels,
        .Rhp = pk.rh[d],
        .bias = bias,
        .P = c->P ? c->P + d * 3 * H : NULL,
        .xw = slot(c, RNN_S_XW, d),
        .rg = slot(c, RNN_S_RG, d),
        .tmp = slot(c, RNN_S_TMP, d),
        .tmp2 = slot(c, RNN_S_TMP2, d),
        .h = slot(c, RNN_S_H, d),
        .hn = slot(c, RNN_S_H, d) + B * H,
        .c = slot(c, RNN_S_C, d),
        .trace = k->trace ? slot(c, RNN_S_TRACE, 0) : NULL,
    };
    const float *Bd = c->Bi ? c->Bi + d * 2 * GH : NULL;
    for (int64_t j = 0; j < GH; j++) {
        /* GRU keeps Rbh apart: lbr=1 multiplies it by r. */
        int keep = p->cell == LSTM__CELL_GRU && j >= 2 * H;
        bias[j] = Bd ? Bd[j] + (keep ? 0.0f : Bd[GH + j]) : 0.0f;
    }
    if (Bd && p->cell == LSTM__CELL_GRU) r.Rb = Bd + GH + 2 * H;
    int rc;
    if (c->pl->par != RNN_PAR_ROWS) {
        rc = run_rows(c, &r, 0, B, c->pl->par != RNN_PAR_DIRS || d == 0);
    } else {
        c->cur = &r;
        lstm__workers_run(k->workers, rows_part, c);
        rc = c->rc[0];
    }
    /* Streaming (one forward direction): stage the state of a complete run (a row of length
    ** 0 keeps the state it came with); the session commits it when the whole run succeeds. */
    if (!rc && k->carry) {
        if (B * H > 0) { /* a batch of 0 has an empty state and no buffer */
            float *ch = k->carry->next, *cc = ch + B * H;
            memcpy(ch, r.h, (size_t)(B * H) * sizeof(float));
            memcpy(cc, r.c, (size_t)(B * H) * sizeof(float));
        }
        k->carry->staged = 1;
    }
    return rc;
}

/* RNN_PAR_DIRS: the two directions on the first two threads. */
static void dir_part(void *ctx, int part, int parts)
{
    (void)parts;
    run_ctx *c = ctx;
    if (part < 2) c->rc[part] = run_dir(c, part);
}

int lstm__rnn_read_lens(lstm__kctx *k, int64_t T, int64_t B, int32_t *lens, int64_t *steps)
{
    const lstm__rt *seq = k->n->n_in > RNN_IN_SEQ ? k->in[RNN_IN_SEQ] : NULL;
    *steps = 0;
    for (int64_t b = 0; b < B; b++) {
        int32_t l = seq ? ((const int32_t *)seq->data)[b] : (int32_t)T;
        if (l < 0 || l > T)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: sequence_lens[%lld] (tensor '%s') is %d, expected 0..%lld (the "
                              "sequence length of X)",
                              lstm__klabel(k), (long long)b, k->n->in_names[RNN_IN_SEQ], (int)l,
                              (long long)T);
        lens[b] = l;
        if (l > *steps) *steps = l;
    }
    return LSTM_OK;
}

/* Hand the trace slot ([gates, T, D, B, H]) to the trace callback, gate by gate. */
static void emit_trace(lstm__kctx *k, const lstm__rnn_dims *z, const float *trace)
{
    if (!k->trace) return;
    const lstm__rnn_params *p = k->params;
    const char *const *gate_names;
    const int n_gates = lstm__rnn_trace_gates(p->cell, &gate_names);
    const int64_t dims[4] = {z->T, z->D, z->B, z->H};
    const char *name = lstm__kname(k);
    for (int g = 0; g < n_gates; g++)
        k->trace(k->trace_ud, name, k->n->op_type, gate_names[g], dims,
                 trace + (size_t)g * (size_t)(z->T * z->D * z->B * z->H));
}

int lstm__rnn_op_run(lstm__kctx *k)
{
    const lstm__rnn_params *p = k->params;
    lstm__rnn_state pl = *(const lstm__rnn_state *)k->state;
    if (lstm__workers_solo(k->workers)) pl.par = RNN_PAR_NONE; /* helpers behind (workers.c) */
    const lstm__rnn_dims *z = &pl.z;
    const int64_t T = z->T, B = z->B, D = z->D, H = z->H;
    /* Steps the threads share: helpers asleep since the last run wake now, not at the first
    ** product (which would run alone, as jobs seldom come: the input projection, at H = 256
    ** batch 1 a fifth of the run). Not for a projection alone: waking cost more than the half
    ** it would take (H = 128 batch 1, Zen 5: 1.14x the time; H = 64 1.3x). */
    if (pl.par != RNN_PAR_NONE || (double)(B * z->G) * (double)(H * H) >= LSTM__SPLIT_STEP)
        lstm__workers_wake(k->workers);
    if (pl.off[RNN_S_COUNT] > k->scratch_size)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: scratch of %zu bytes planned, %zu needed (the "
                          "input shapes changed without a new plan)",
                          lstm__klabel(k), k->scratch_size, pl.off[RNN_S_COUNT]);
    run_ctx c = {.k = k, .pl = &pl};
#define SLOT(i) slot(&c, i, 0)
    int32_t *lens = (int32_t *)SLOT(RNN_S_LENS);
    int rc = lstm__rnn_read_lens(k, T, B, lens, &c.steps);
    if (rc) return rc;
    const char *const *gate_names;
    const int n_gates = lstm__rnn_trace_gates(p->cell, &gate_names);
    if (k->trace) memset(SLOT(RNN_S_TRACE), 0, (size_t)(n_gates * T * D * B * H) * sizeof(float));
    if (pl.dtype == LSTM_DT_DOUBLE) {
        rc = lstm__rnn_f64_run(k, &pl, lens, c.steps, k->trace ? SLOT(RNN_S_TRACE) : NULL);
        if (!rc) emit_trace(k, z, SLOT(RNN_S_TRACE));
        return rc;
    }
    int dt = pl.dtype;
    lstm__rt **in = k->in;
    c.X = as_f32(in[RNN_IN_X], SLOT(RNN_S_X), dt);
    c.W = k->packed ? NULL : as_f32(in[RNN_IN_W], SLOT(RNN_S_W), dt);
    c.R = k->packed ? NULL : as_f32(in[RNN_IN_R], SLOT(RNN_S_R), dt);
    c.Bi = k->n->n_in > RNN_IN_B ? as_f32(in[RNN_IN_B], SLOT(RNN_S_B), dt) : NULL;
    c.H0 = k->n->n_in > RNN_IN_H0 ? as_f32(in[RNN_IN_H0], SLOT(RNN_S_H0), dt) : NULL;
    c.C0 = k->n->n_in > RNN_IN_C0 && p->cell == LSTM__CELL_LSTM
               ? as_f32(in[RNN_IN_C0], SLOT(RNN_S_C0), dt)
               : NULL;
    c.P = k->n->n_in > RNN_IN_P && p->cell == LSTM__CELL_LSTM
              ? as_f32(in[RNN_IN_P], SLOT(RNN_S_P), dt)
              : NULL;
    lstm__rt *oY = k->n->n_out > 0 ? k->out[0] : NULL, *oYh = k->n->n_out > 1 ? k->out[1] : NULL,
             *oYc = k->n->n_out > 2 && p->cell == LSTM__CELL_LSTM ? k->out[2] : NULL;
    c.Y = oY ? (dt == LSTM_DT_FLOAT ? oY->data : SLOT(RNN_S_Y)) : NULL;
    c.Yh = oYh ? (dt == LSTM_DT_FLOAT ? oYh->data : SLOT(RNN_S_YH)) : NULL;
    c.Yc = oYc ? (dt == LSTM_DT_FLOAT ? oYc->data : SLOT(RNN_S_YC)) : NULL;

    c.lens = lens;
    /* Padded steps of Y are 0: clear Y only when some sequence is shorter than T. */
    int ragged = 0;
    for (int64_t b = 0; b < B; b++) ragged |= lens[b] < T;
    if (c.Y && ragged) memset(c.Y, 0, (size_t)(T * D * B * H) * sizeof(float));

    atomic_init(&c.stop, 0);
    if (pl.par == RNN_PAR_DIRS) {
        lstm__workers_run(k->workers, dir_part, &c);
        if (c.rc[0]) return c.rc[0];
        if (c.rc[1]) return lstm__errf(k->d, LSTM_EABORTED, "%s: aborted", lstm__klabel(k));
    } else {
        for (int64_t d = 0; d < D; d++) {
            rc = run_dir(&c, d);
            if (rc) return rc;
        }
    }
    from_f32(oY, c.Y, dt);
    from_f32(oYh, c.Yh, dt);
    from_f32(oYc, c.Yc, dt);
    emit_trace(k, z, SLOT(RNN_S_TRACE));
#undef SLOT
    return LSTM_OK;
}

int lstm__rnn_gate_panels(const lstm__rnn_params *p, int64_t H, int threads)
{
    if (p->cell == LSTM__CELL_RNN || (p->cell == LSTM__CELL_GRU && !p->linear_before_reset))
        return 0;
    const int64_t nr = lstm__kernels_get(lstm__isa())->nr, gp = (H + nr - 1) / nr;
    if (H % nr == 0) return (int)gp; /* the same layout either way */
    /* Padded gates cost every product their padding and a call per gate: only where threads
    ** share every step (one direction, and a step of batch 1 reaches LSTM__SPLIT_STEP). */
    return threads >= 2 && p->num_dirs == 1 &&
                   (double)p->gates * (double)H * (double)H >= LSTM__SPLIT_STEP
               ? (int)gp
               : 0;
}

size_t lstm__rnn_pack_floats(const lstm__rnn_params *p, int64_t I, int64_t H, int gate_panels)
{
    int GH = (int)(p->gates * H), h = (int)H;
    if (gate_panels)
        return (size_t)p->gates * (lstm__pack_floats((int)I, h) + lstm__pack_floats(h, h));
    size_t n = lstm__pack_floats((int)I, GH);
    if (p->cell == LSTM__CELL_GRU && !p->linear_before_reset)
        return n + lstm__pack_floats(h, 2 * h) + lstm__pack_floats(h, h);
    return n + lstm__pack_floats(h, GH);
}

void lstm__rnn_pack_dir(const lstm__rnn_params *p, const float *W, const float *R, int64_t I,
                        int64_t H, int gate_panels, float *dst, lstm__rnn_pack *pk, int d)
{
    int GH = (int)(p->gates * H), h = (int)H, i = (int)I;
    pk->w[d] = dst;
    pk->rh[d] = NULL;
    pk->gate_panels = gate_panels;
    if (gate_panels) { /* W, then R, gate by gate */
        for (int g = 0; g < p->gates; g++, dst += lstm__pack_floats(i, h))
            lstm__pack_wt(dst, W + (size_t)g * (size_t)h * (size_t)i, h, i);
        pk->r[d] = dst;
        for (int g = 0; g < p->gates; g++, dst += lstm__pack_floats(h, h))
            lstm__pack_wt(dst, R + (size_t)g * (size_t)h * (size_t)h, h, h);
        return;
    }
    lstm__pack_wt(dst, W, GH, i);
    dst += lstm__pack_floats(i, GH);
    pk->r[d] = dst;
    if (p->cell == LSTM__CELL_GRU && !p->linear_before_reset) {
        lstm__pack_wt(dst, R, 2 * h, h);
        dst += lstm__pack_floats(h, 2 * h);
        pk->rh[d] = dst;
        lstm__pack_wt(dst, R + (size_t)2 * (size_t)h * (size_t)h, h, h);
    } else {
        lstm__pack_wt(dst, R, GH, h);
    }
}

int lstm__rnn_op_pack(lstm__graph *g, lstm__node *n, lstm__diag *err)
{
    const lstm__rnn_params *pp = n->params;
    if (!pp) return LSTM_OK;
    const lstm__rnn_params p = *pp;
    const lstm__value *wv = lstm__node_input(g, n, RNN_IN_W),
                      *rv = lstm__node_input(g, n, RNN_IN_R);
    if (!wv || !rv || !wv->init || !rv->init || (wv->flags & LSTM__V_INPUT) ||
        (rv->flags & LSTM__V_INPUT))
        return LSTM_OK; /* weights bound at run time: packed by each run */
    const lstm__tensor *W = wv->init, *R = rv->init;
    const int dt = W->dtype;
    if ((dt != LSTM_DT_FLOAT && dt != LSTM_DT_FLOAT16 && dt != LSTM_DT_BFLOAT16) ||
        R->dtype != dt || W->rank != 3 || R->rank != 3)
        return LSTM_OK; /* float64 reads W and R as given (rnn_f64.c) */
    int64_t D = p.num_dirs, H = R->dims[2], I = W->dims[2], GH = p.gates * H;
    if (H < 1 || H > (1 << 24) || I > (1 << 24) || W->dims[0] != D || R->dims[0] != D ||
        W->dims[1] != GH || R->dims[1] != GH || (p.hidden_given && p.hidden_size != H))
        return LSTM_OK; /* the run reports the shape error */
    const int gp = lstm__rnn_gate_panels(&p, H, g->threads);
    size_t per = lstm__rnn_pack_floats(&p, I, H, gp);
    lstm__rnn_pack *pk = lstm__pool_alloc(g->mem, sizeof *pk);
    float *dst = lstm__pool_array(g->mem, per * (size_t)D, sizeof(float));
    /* float16 / bfloat16: one direction's W and R widened to float32 first. */
    float *wide = dt == LSTM_DT_FLOAT
                      ? NULL
                      : lstm__malloc(g->mem->a, (size_t)(GH * (I + H)) * sizeof(float));
    if (!pk || !dst || (dt != LSTM_DT_FLOAT && !wide)) {
        lstm__free(g->mem->a, wide);
        return lstm__errf(err, LSTM_ENOMEM, "out of memory packing weights");
    }
    for (int64_t dd = 0; dd < D; dd++) {
        const float *w, *r;
        if (!wide) {
            w = (const float *)W->data + dd * GH * I;
            r = (const float *)R->data + dd * GH * H;
        } else {
            const uint16_t *w16 = (const uint16_t *)W->data + dd * GH * I,
                           *r16 = (const uint16_t *)R->data + dd * GH * H;
            for (int64_t i = 0; i < GH * I; i++)
                wide[i] =
                    dt == LSTM_DT_FLOAT16 ? lstm__f16_to_f32(w16[i]) : lstm__bf16_to_f32(w16[i]);
            for (int64_t i = 0; i < GH * H; i++)
                wide[GH * I + i] =
                    dt == LSTM_DT_FLOAT16 ? lstm__f16_to_f32(r16[i]) : lstm__bf16_to_f32(r16[i]);
            w = wide;
            r = wide + GH * I;
        }
        lstm__rnn_pack_dir(&p, w, r, I, H, gp, dst + (size_t)dd * per, pk, (int)dd);
    }
    lstm__free(g->mem->a, wide);
    n->packed = pk;
    n->pack_replaces = 1u << RNN_IN_W | 1u << RNN_IN_R; /* run_dir reads only pk */
    return LSTM_OK;
}
