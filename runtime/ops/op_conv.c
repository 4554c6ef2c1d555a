/*
** op_conv.c — Conv (1, 11, 22: the same semantics): N-D convolution with groups, strides,
** dilations, pads or auto_pad, optional bias; kernel_shape may be absent (W gives it).
** float32 takes one of three paths (the last two on the simd packed GEMM):
**   - one input channel per group and at most 4 outputs per group (depthwise), 1-D or 2-D:
**     direct loops, one tap at a time over a row of outputs;
**   - COLS (many output pixels, 1-D / 2-D): Y_g = [W_g | B_g] x [im2col; 1], the im2col
**     columns written straight into the GEMM's packed panels of 32 output pixels with a row of
**     ones that meets the bias column ([W | B] built once at load for constant weights), a
**     chunk (~128 KiB) at a time, the products landing in Y;
**   - ROWS (few output pixels, e.g. Silero's STFT with 4 frames and 258 filters, or 3-D):
**     im2col rows (one per output pixel) times W' packed once at load by the pack hook
**     (lstm__conv_op_pack; into scratch per run when W is a graph input), transposed into Y
**     with the bias. A 1-D convolution of one input channel without padding and dilation (an
**     STFT as a Conv) reads its rows from X in place.
** The orientation is the one whose GEMM tiles (8 rows x 32 columns) are fuller.
** float16, bfloat16 and float64 run direct loops that accumulate in double.
*/
#include "ops/conv.h"
#include "ops/conv_vec.h"
#include "ops/ops.h"
#include "simd/simd.h"
#include "dtype.h"

#include <limits.h>
#include <string.h>

/* Columns per packed panel of the kernel set this process runs (simd.h). */
#define CONV_NR (lstm__kernels_get(lstm__isa())->nr)

int lstm__conv_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                     lstm__diag *d)
{
    return lstm__conv_parse_io(g, n, since, params, 2, 3, d);
}

int lstm__conv_parse_io(const lstm__graph *g, const lstm__node *n, int since, void *params,
                        int min_in, int max_in, lstm__diag *d)
{
    lstm__conv_params *p = params;
    static const char *const names[] = {"auto_pad", "dilations", "group", "kernel_shape",
                                        "pads",     "strides",   NULL};
    memset(p, 0, sizeof *p);
    if (lstm__arity(g, n, min_in, max_in, 1, 1, d) || lstm__attrs_allowed(g, n, since, names, d) ||
        lstm__win_parse(g, n, LSTM__WIN_DILATIONS, &p->w, d) ||
        lstm__attr_int(g, n, "group", 1, &p->group, d))
        return d->code;
    p->nop = p->nos = -1;
    if (p->group < 1 || p->group > INT_MAX) {
        char b[LSTM__LABEL_MAX];
        return lstm__errf(d, LSTM_EMODEL, "%s: group %lld must be positive",
                          lstm__node_ctx(g, n, b, sizeof b), (long long)p->group);
    }
    return LSTM_OK;
}

/* Depthwise-like convolutions (one input channel per group, few outputs per group) run
** direct: a GEMM with N = Mg <= 4 would fill 4 of the 32 columns of a panel. */
static int direct_fits(int64_t Cg, int64_t Mg, int sp)
{
    return Cg == 1 && Mg <= 4 && sp <= 2;
}

static size_t align64(size_t b)
{
    return (b + 63) & ~(size_t)63;
}

/* The weights and bias a float32 path uses: a fused BatchNormalization's (fuse.c, in the pack)
** or the node's inputs; and the fused activation, or NULL. */
static const float *conv_w(const lstm__kctx *k)
{
    const lstm__conv_pack *pk = k->packed;
    return pk && pk->W ? pk->W : k->in[1]->data;
}

static const float *conv_b(const lstm__kctx *k)
{
    const lstm__conv_pack *pk = k->packed;
    if (pk && pk->W) return pk->B;
    return k->n->n_in > 2 && k->in[2] ? k->in[2]->data : NULL;
}

static const lstm__conv_act *conv_act(const lstm__kctx *k)
{
    const lstm__conv_pack *pk = k->packed;
    return pk ? pk->act : NULL;
}

/* y = min(max(y, lo), hi) over n floats (NaN stays NaN), as the fused Relu / Clip computes. */
static void apply_act(float *y, int64_t n, const lstm__conv_act *a)
{
    if (!a) return;
    const float lo = a->lo, hi = a->hi;
    for (int64_t i = 0; i < n; i++) {
        float v = y[i] < lo ? lo : y[i];
        y[i] = v > hi ? hi : v;
    }
}

int lstm__conv_shapes(lstm__kctx *k, int64_t group, int transpose, int64_t *N, int64_t *C,
                      int64_t *M, int64_t *Cg, int64_t *Mg, int64_t kernel[LSTM__SP_MAX])
{
    const lstm__rt *X = k->in[0], *W = k->in[1], *B = k->n->n_in > 2 ? k->in[2] : NULL;
    if (!lstm__is_float(X->dtype) || W->dtype != X->dtype || (B && B->dtype != X->dtype))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED,
                          "%s: X, W and B must share one float type (got %s, %s%s%s)",
                          lstm__klabel(k), lstm__dtype_name(X->dtype), lstm__dtype_name(W->dtype),
                          B ? ", " : "", B ? lstm__dtype_name(B->dtype) : "");
    return lstm__conv_geometry(k, X, W, B, group, transpose, N, C, M, Cg, Mg, kernel);
}

int lstm__conv_geometry(lstm__kctx *k, const lstm__rt *X, const lstm__rt *W, const lstm__rt *B,
                        int64_t group, int transpose, int64_t *N, int64_t *C, int64_t *M,
                        int64_t *Cg, int64_t *Mg, int64_t kernel[LSTM__SP_MAX])
{
    const lstm__conv_params *p = k->params;
    char s1[96], s2[96];
    if (X->rank < 3)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: X has shape %s, expected [N, C, D1, ...] (rank 3 or more)",
                          lstm__klabel(k), lstm__dims_str(s1, sizeof s1, X->rank, X->dims));
    if (W->rank != X->rank)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: W has shape %s, expected rank %d like X %s",
                          lstm__klabel(k), lstm__dims_str(s1, sizeof s1, W->rank, W->dims), X->rank,
                          lstm__dims_str(s2, sizeof s2, X->rank, X->dims));
    for (int i = 0; i < W->rank; i++)
        if (W->dims[i] < 1)
            return lstm__errf(k->d, LSTM_EINVAL, "%s: W has shape %s, an empty dimension",
                              lstm__klabel(k), lstm__dims_str(s1, sizeof s1, W->rank, W->dims));
    int sp = X->rank - 2;
    *N = X->dims[0];
    *C = X->dims[1];
    if (!transpose) { /* W [M, C/group, k...] */
        *M = W->dims[0];
        *Cg = W->dims[1];
        if (*Cg * group != *C)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: X has %lld channels, W expects %lld x group %lld (W %s)",
                              lstm__klabel(k), (long long)*C, (long long)*Cg, (long long)group,
                              lstm__dims_str(s1, sizeof s1, W->rank, W->dims));
        if (*M % group)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: W has %lld output channels, not a multiple of group %lld",
                              lstm__klabel(k), (long long)*M, (long long)group);
        *Mg = *M / group;
    } else { /* W [C, M/group, k...] */
        if (W->dims[0] != *C || *C % group)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: X has %lld channels, W %s expects %lld (a multiple of group "
                              "%lld)",
                              lstm__klabel(k), (long long)*C,
                              lstm__dims_str(s1, sizeof s1, W->rank, W->dims),
                              (long long)W->dims[0], (long long)group);
        *Cg = *C / group;
        *Mg = W->dims[1];
        *M = *Mg * group;
    }
    for (int i = 0; i < sp; i++) kernel[i] = W->dims[2 + i];
    if (p->w.nk >= 0) {
        int same = p->w.nk == sp;
        for (int i = 0; same && i < sp; i++) same = p->w.kernel[i] == kernel[i];
        if (!same)
            return lstm__errf(k->d, LSTM_EINVAL, "%s: kernel_shape %s differs from W's %s",
                              lstm__klabel(k), lstm__dims_str(s1, sizeof s1, p->w.nk, p->w.kernel),
                              lstm__dims_str(s2, sizeof s2, sp, kernel));
    }
    if (B && (B->rank != 1 || B->dims[0] != *M))
        return lstm__errf(k->d, LSTM_EINVAL, "%s: B has shape %s, expected [%lld]", lstm__klabel(k),
                          lstm__dims_str(s1, sizeof s1, B->rank, B->dims), (long long)*M);
    if (*Cg > INT_MAX || *Mg > INT_MAX)
        return lstm__errf(k->d, LSTM_ELIMIT, "%s: channel counts exceed what this runtime takes",
                          lstm__klabel(k));
    return LSTM_OK;
}

/* Share of a GEMM's multiply-adds that do useful work: row tiles of 8, column panels of NR. */
static double fill(int64_t rows, int64_t cols)
{
    return (double)rows / (double)((rows + 7) / 8 * 8) * (double)cols /
           (double)((cols + CONV_NR - 1) / CONV_NR * CONV_NR);
}

int lstm__conv_prepare(lstm__kctx *k)
{
    const lstm__conv_params *p = k->params;
    lstm__conv_state *st = k->state;
    const lstm__rt *X = k->in[0];
    int64_t kernel[LSTM__SP_MAX];
    memset(st, 0, sizeof *st);
    if (lstm__conv_shapes(k, p->group, 0, &st->N, &st->C, &st->M, &st->Cg, &st->Mg, kernel))
        return k->d->code;
    int sp = X->rank - 2;
    if (lstm__win_forward(k, &p->w, sp, X->dims + 2, kernel, &st->w)) return k->d->code;
    st->G = p->group;
    st->K = st->Cg * st->w.kk;
    int64_t dims[LSTM__MAX_RANK] = {st->N, st->M};
    for (int i = 0; i < sp; i++) dims[2 + i] = st->w.out[i];
    if (lstm__rt_set(k, k->out[0], X->dtype, X->rank, dims)) return k->d->code;
    k->scratch_size = 0;
    if (X->dtype != LSTM_DT_FLOAT) {
        st->path = LSTM__CONV_REF;
        return LSTM_OK;
    }
    if (direct_fits(st->Cg, st->Mg, sp)) {
        st->path = LSTM__CONV_DIRECT;
        return LSTM_OK;
    }
    if (st->K > INT_MAX / CONV_NR || st->w.pix_out > INT_MAX)
        return lstm__errf(k->d, LSTM_ELIMIT, "%s: the convolution exceeds what one GEMM can take",
                          lstm__klabel(k));
    st->isa = lstm__isa();
    const int64_t pout = st->w.pix_out;
    /* The orientation that fills the GEMM's tiles better; on a tie COLS (it writes Y directly)
    ** unless the output pixels take less than a panel (ROWS then reads no padded columns). */
    const double fc = fill(st->Mg, pout), fr = fill(pout, st->Mg);
    st->path =
        sp <= 2 && (fc > fr || (fc == fr && pout >= CONV_NR)) ? LSTM__CONV_COLS : LSTM__CONV_ROWS;
    size_t off = 0;
    const int64_t L = sp - 1; /* the row axis */
    if (st->path == LSTM__CONV_COLS && st->w.s[L] == 1) {
        /* Windows read in place from X padded (with the padding before and after each axis). */
        st->Hp = sp == 2 ? st->w.in[0] + st->w.pb[0] + st->w.pe[0] : 1;
        st->Wp = st->w.in[L] + st->w.pb[L] + st->w.pe[L];
        int64_t plane = st->Hp * st->Wp;
        if (st->Hp > 0 && st->Wp > 0 && plane <= INT_MAX / st->Cg) {
            st->path = LSTM__CONV_WINDOWS;
            st->xp_off = 0;
            st->koff_off = align64((size_t)(plane * st->Cg) * sizeof(float));
            k->scratch_size = st->koff_off + align64((size_t)st->K * sizeof(int));
            return LSTM_OK;
        }
    }
    if (st->path == LSTM__CONV_COLS) {
        const lstm__conv_pack *pk = k->packed;
        const int has_b = conv_b(k) != NULL;
        st->Kc = st->K + has_b;
        /* Chunks of whole panels whose packed columns take about 128 KiB. */
        int64_t panels = (128 * 1024 / 4) / (st->Kc * CONV_NR);
        if (panels < 1) panels = 1;
        st->chunk = panels * CONV_NR;
        if (st->chunk > pout) st->chunk = pout;
        st->col_off = 0;
        off = align64(lstm__pack_floats((int)st->Kc, (int)st->chunk) * sizeof(float));
        st->pack_off = off;
        if (has_b && !(pk && pk->wb && pk->G == st->G && pk->K == st->K && pk->Mg == st->Mg))
            off += align64((size_t)(st->M * st->Kc) * sizeof(float));
        k->scratch_size = off;
        return LSTM_OK;
    }
    /* 1-D without dilation: K ordered (tap, channel), so that output pixel p's window is rows
    ** p s .. p s + k - 1 of X channels-last, zero-padded: A is read in place from that copy,
    ** or from X itself with one input channel and every window inside X (an STFT as a Conv). */
    st->tc = sp == 1 && st->w.d[0] == 1 && st->w.s[0] * st->Cg <= INT_MAX;
    st->direct_rows = st->tc && st->Cg == 1 && st->w.pb[0] == 0 &&
                      (st->w.out[0] - 1) * st->w.s[0] + st->w.k[0] <= st->w.in[0];
    int64_t rows;
    if (st->tc) { /* chunks of output pixels whose products take about 64 KiB */
        rows = (64 * 1024 / 4) / st->Mg;
        rows = rows < 8 ? 8 : rows - rows % 8;
    } else { /* chunks whose im2col rows take about 64 KiB (8 rows at least) */
        rows = (64 * 1024 / 4) / st->K;
        rows = rows < 8 ? 8 : rows - rows % 8;
        if (st->direct_rows) rows = pout;
    }
    if (rows > pout) rows = pout;
    st->chunk = rows;
    st->col_off = off;
    if (!st->tc) off += align64((size_t)rows * (size_t)st->K * sizeof(float));
    st->xt_off = off;
    if (st->tc && !st->direct_rows)
        off += align64((size_t)(st->w.in[0] + st->w.pb[0] + st->w.pe[0]) * (size_t)st->Cg *
                       sizeof(float));
    st->tmp_off = off;
    off += align64((size_t)rows * (size_t)st->Mg * sizeof(float));
    st->pack_per = lstm__pack_floats((int)st->K, (int)st->Mg);
    const lstm__conv_pack *pk = k->packed;
    st->pack_off = off;
    if (!pk || !pk->data || pk->G != st->G || pk->K != st->K || pk->Mg != st->Mg ||
        pk->tc != st->tc) {
        off += align64(st->pack_per * (size_t)st->G * sizeof(float));
        st->perm_off = off;
        if (st->tc) off += align64((size_t)(st->Mg * st->K) * sizeof(float));
    }
    k->scratch_size = off;
    return LSTM_OK;
}

/* Pack group g's weights W_g [Mg, Cg, kk] as the GEMM's B: K ordered (channel, tap) as W is,
** or with tc (tap, channel), permuted through tmp (Mg x K floats). */
static void pack_group(float *dst, const float *Wg, int64_t Mg, int64_t Cg, int64_t kk, int tc,
                       float *tmp)
{
    const int64_t K = Cg * kk;
    if (tc && Cg > 1 && kk > 1) {
        for (int64_t m = 0; m < Mg; m++)
            for (int64_t c = 0; c < Cg; c++)
                for (int64_t t = 0; t < kk; t++) tmp[m * K + t * Cg + c] = Wg[m * K + c * kk + t];
        Wg = tmp;
    }
    lstm__pack_wt(dst, Wg, (int)Mg, (int)K);
}

/* 1-D and 2-D geometry (1-D as 2-D with one row). */
typedef struct geo2 {
    int64_t IH, IW, OH, OW, KH, KW, SY, SX, DY, DX, PY, PX;
} geo2;

static geo2 geo2_of(const lstm__win *w)
{
    int two = w->sp == 2, L = w->sp - 1;
    return (geo2){two ? w->in[0] : 1, w->in[L], two ? w->out[0] : 1, w->out[L],
                  two ? w->k[0] : 1,  w->k[L],  two ? w->s[0] : 1,   w->s[L],
                  two ? w->d[0] : 1,  w->d[L],  two ? w->pb[0] : 0,  w->pb[L]};
}

/* dst[t] = xr[ox0 + t) * SX + off] for t < len, 0 where that falls outside [0, IW). */
static inline void gather_row(float *dst, const float *xr, int64_t ox0, int64_t len, int64_t SX,
                              int64_t off, int64_t IW)
{
    /* t where the input index lies inside: lo <= t < hi */
    int64_t first = ox0 * SX + off, lo, hi;
    if (SX == 1) { /* no division on the common path */
        lo = first >= 0 ? 0 : -first;
        hi = IW - first < 0 ? 0 : IW - first;
    } else {
        lo = first >= 0 ? 0 : (-first + SX - 1) / SX;
        hi = IW - 1 - first < 0 ? 0 : (IW - 1 - first) / SX + 1;
    }
    if (lo > len) lo = len;
    if (hi > len) hi = len;
    if (hi < lo) hi = lo;
    for (int64_t t = 0; t < lo; t++) dst[t] = 0.0f;
    if (SX == 1) {
        lstm__vcopy(dst + lo, xr + first + lo, hi - lo);
    } else {
        for (int64_t t = lo; t < hi; t++) dst[t] = xr[first + t * SX];
    }
    for (int64_t t = hi; t < len; t++) dst[t] = 0.0f;
}

/* COLS: im2col of output pixels p0 .. p0 + n - 1 of one group (Cg channels of x) packed as the
** simd GEMM's B: panels of NR pixels, each K rows (channel, ky, kx) of NR floats. */
static void im2col_panels(const lstm__conv_state *st, const geo2 *g, const float *x, int64_t p0,
                          int64_t n, float *dst)
{
    const int64_t K = st->Kc, NR = CONV_NR;
    for (int64_t q = 0; q * NR < n; q++) {
        float *pd = dst + q * K * NR;
        const int64_t pa = p0 + q * NR, cnt = n - q * NR < NR ? n - q * NR : NR;
        for (int64_t j = 0; j < cnt;) {
            const int64_t p = pa + j, oy = p / g->OW, ox0 = p % g->OW;
            const int64_t len = cnt - j < g->OW - ox0 ? cnt - j : g->OW - ox0;
            float *col = pd + j;
            for (int64_t c = 0; c < st->Cg; c++) {
                const float *xc = x + c * g->IH * g->IW;
                for (int64_t ky = 0; ky < g->KH; ky++) {
                    const int64_t iy = oy * g->SY + ky * g->DY - g->PY;
                    for (int64_t kx = 0; kx < g->KW; kx++, col += NR) {
                        if (iy < 0 || iy >= g->IH) {
                            lstm__vfill(col, 0.0f, len);
                            continue;
                        }
                        gather_row(col, xc + iy * g->IW, ox0, len, g->SX, kx * g->DX - g->PX,
                                   g->IW);
                    }
                }
            }
            j += len;
        }
        if (K > st->K) lstm__vfill(pd + st->K * NR, 1.0f, cnt); /* meets the bias column */
        for (int64_t r = 0; cnt < NR && r < K; r++) lstm__vfill(pd + r * NR + cnt, 0.0f, NR - cnt);
    }
}

static void run_cols(lstm__kctx *k, const lstm__conv_state *st)
{
    const float *X = k->in[0]->data, *W = conv_w(k), *B = conv_b(k);
    const lstm__conv_act *act = conv_act(k);
    float *Y = k->out[0]->data, *col = (float *)((char *)k->scratch + st->col_off);
    const lstm__conv_pack *pk = k->packed;
    const float *wb = W; /* [W | B] rows of Kc floats */
    if (B && pk && pk->wb && pk->G == st->G && pk->K == st->K && pk->Mg == st->Mg) {
        wb = pk->wb;
    } else if (B) {
        float *dst = (float *)((char *)k->scratch + st->pack_off);
        for (int64_t m = 0; m < st->M; m++) {
            memcpy(dst + m * st->Kc, W + m * st->K, (size_t)st->K * sizeof(float));
            dst[m * st->Kc + st->K] = B[m];
        }
        wb = dst;
    }
    const geo2 g = geo2_of(&st->w);
    const int64_t pin = st->w.pix_in, pout = st->w.pix_out;
    for (int64_t n = 0; n < st->N; n++)
        for (int64_t gi = 0; gi < st->G; gi++) {
            const float *x = X + (n * st->C + gi * st->Cg) * pin, *w = wb + gi * st->Mg * st->Kc;
            float *y = Y + (n * st->M + gi * st->Mg) * pout;
            for (int64_t p0 = 0; p0 < pout; p0 += st->chunk) {
                int64_t cnt = pout - p0 < st->chunk ? pout - p0 : st->chunk;
                im2col_panels(st, &g, x, p0, cnt, col);
                lstm__gemm_packed_mt(k->workers, LSTM__SPLIT_ONCE, st->isa, (int)st->Mg, (int)cnt,
                                     (int)st->Kc, w, (int)st->Kc, col, y + p0, (int)pout, 0);
                for (int64_t m = 0; act && m < st->Mg; m++) apply_act(y + m * pout + p0, cnt, act);
            }
        }
}

/* ROWS: im2col rows p0 .. p0 + r - 1 of one group for 1-D and 2-D: row i holds, channel by
** channel, the kernel window of output pixel p0 + i. */
static void im2col2(const lstm__conv_state *st, const geo2 *g, const float *x, int64_t p0,
                    int64_t r, float *col)
{
    int64_t oy = p0 / g->OW, ox = p0 % g->OW;
    for (int64_t i = 0; i < r; i++) {
        float *row = col + i * st->K;
        const int64_t iy0 = oy * g->SY - g->PY, ix0 = ox * g->SX - g->PX;
        for (int64_t c = 0; c < st->Cg; c++) {
            const float *xc = x + c * g->IH * g->IW;
            for (int64_t ky = 0; ky < g->KH; ky++, row += g->KW) {
                const int64_t iy = iy0 + ky * g->DY;
                if (iy < 0 || iy >= g->IH) {
                    lstm__vfill(row, 0.0f, g->KW);
                    continue;
                }
                gather_row(row, xc + iy * g->IW, 0, g->KW, g->DX, ix0, g->IW);
            }
        }
        if (++ox == g->OW) ox = 0, oy++;
    }
}

/* The same for any number of spatial axes. */
static void im2col_nd(const lstm__conv_state *st, const float *x, int64_t p0, int64_t r, float *col)
{
    const lstm__win *w = &st->w;
    int sp = w->sp;
    int64_t o[LSTM__SP_MAX], q[LSTM__SP_MAX], istr[LSTM__SP_MAX];
    int64_t rest = p0, stride = 1;
    for (int a = sp - 1; a >= 0; a--) {
        o[a] = rest % w->out[a];
        rest /= w->out[a];
        istr[a] = stride;
        stride *= w->in[a];
    }
    for (int64_t i = 0; i < r; i++) {
        float *row = col + i * st->K;
        for (int64_t c = 0; c < st->Cg; c++) {
            const float *xc = x + c * w->pix_in;
            for (int a = 0; a < sp; a++) q[a] = 0;
            for (int64_t t = 0; t < w->kk; t++) {
                int64_t off = 0;
                int in = 1;
                for (int a = 0; a < sp && in; a++) {
                    int64_t ia = o[a] * w->s[a] + q[a] * w->d[a] - w->pb[a];
                    in = ia >= 0 && ia < w->in[a];
                    off += ia * istr[a];
                }
                *row++ = in ? xc[off] : 0.0f;
                for (int a = sp - 1; a >= 0; a--) {
                    if (++q[a] < w->k[a]) break;
                    q[a] = 0;
                }
            }
        }
        for (int a = sp - 1; a >= 0; a--) {
            if (++o[a] < w->out[a]) break;
            o[a] = 0;
        }
    }
}

/* dst[j][i] = src[i][j] for i < n, j < m (dst rows of n floats); the longer loop inside. */
static void transpose(float *dst, const float *src, int64_t n, int64_t m)
{
    if (n == 1 || m == 1) {
        lstm__vcopy(dst, src, n * m);
    } else if (n >= m) {
        for (int64_t j = 0; j < m; j++)
            for (int64_t i = 0; i < n; i++) dst[j * n + i] = src[i * m + j];
    } else {
        for (int64_t i = 0; i < n; i++)
            for (int64_t j = 0; j < m; j++) dst[j * n + i] = src[i * m + j];
    }
}

/* ROWS: the products of r output pixels (tmp [r][Mg]) into Y's channels (rows of ldy floats)
** with the bias. */
static void rows_to_y(float *y, int64_t ldy, const float *tmp, int64_t r, int64_t Mg,
                      const float *b, const lstm__conv_act *act)
{
    if (r >= Mg) {
        for (int64_t m = 0; m < Mg; m++) {
            const float bias = b ? b[m] : 0.0f, *src = tmp + m;
            float *dst = y + m * ldy;
            for (int64_t i = 0; i < r; i++) dst[i] = src[i * Mg] + bias;
            apply_act(dst, r, act);
        }
        return;
    }
    for (int64_t i = 0; i < r; i++) {
        const float *src = tmp + i * Mg;
        if (b)
            for (int64_t m = 0; m < Mg; m++) y[m * ldy + i] = src[m] + b[m];
        else
            for (int64_t m = 0; m < Mg; m++) y[m * ldy + i] = src[m];
    }
    for (int64_t m = 0; act && m < Mg; m++) apply_act(y + m * ldy, r, act);
}

static void run_rows(lstm__kctx *k, const lstm__conv_state *st)
{
    const float *X = k->in[0]->data, *W = conv_w(k), *B = conv_b(k);
    const lstm__conv_act *act = conv_act(k);
    float *Y = k->out[0]->data;
    char *scratch = k->scratch;
    float *col = (float *)(scratch + st->col_off), *tmp = (float *)(scratch + st->tmp_off);
    const lstm__conv_pack *pk = k->packed;
    const float *packed;
    if (pk && pk->data && pk->G == st->G && pk->K == st->K && pk->Mg == st->Mg &&
        pk->tc == st->tc) {
        packed = pk->data;
    } else {
        float *dst = (float *)(scratch + st->pack_off);
        for (int64_t g = 0; g < st->G; g++)
            pack_group(dst + (size_t)g * st->pack_per, W + g * st->Mg * st->K, st->Mg, st->Cg,
                       st->w.kk, st->tc, (float *)(scratch + st->perm_off));
        packed = dst;
    }
    const geo2 g2 = geo2_of(&st->w);
    const int64_t pin = st->w.pix_in, pout = st->w.pix_out, Mg = st->Mg, Cg = st->Cg;
    for (int64_t n = 0; n < st->N; n++)
        for (int64_t g = 0; g < st->G; g++) {
            const float *x = X + (n * st->C + g * Cg) * pin;
            float *y = Y + (n * st->M + g * Mg) * pout;
            const float *wp = packed + (size_t)g * st->pack_per;
            const float *b = B ? B + g * Mg : NULL;
            const float *xt = x; /* tc: X channels-last, padded */
            if (st->tc && !st->direct_rows) {
                float *t = (float *)(scratch + st->xt_off);
                const int64_t IW = st->w.in[0], pb = st->w.pb[0], pe = st->w.pe[0];
                lstm__vfill(t, 0.0f, pb * Cg);
                lstm__vfill(t + (pb + IW) * Cg, 0.0f, pe * Cg);
                transpose(t + pb * Cg, x, Cg, IW);
                xt = t;
            }
            for (int64_t p0 = 0; p0 < pout; p0 += st->chunk) {
                int64_t r = pout - p0 < st->chunk ? pout - p0 : st->chunk;
                const float *a = col;
                int lda = (int)st->K;
                if (st->tc) {
                    a = xt + p0 * st->w.s[0] * Cg;
                    lda = (int)(st->w.s[0] * Cg);
                } else if (st->w.sp <= 2) {
                    im2col2(st, &g2, x, p0, r, col);
                } else {
                    im2col_nd(st, x, p0, r, col);
                }
                lstm__gemm_packed_mt(k->workers, LSTM__SPLIT_ONCE, st->isa, (int)r, (int)Mg,
                                     (int)st->K, a, lda, wp, tmp, (int)Mg, 0);
                rows_to_y(y + p0, pout, tmp, r, Mg, b, act);
            }
        }
}

/* One input channel per group, 1-D or 2-D: each output row gathers tap by tap. */
static void run_direct(lstm__kctx *k, const lstm__conv_state *st)
{
    const float *X = k->in[0]->data, *W = conv_w(k), *B = conv_b(k);
    const lstm__conv_act *act = conv_act(k);
    float *Y = k->out[0]->data;
    const lstm__win *w = &st->w;
    int two = w->sp == 2;
    int64_t IH = two ? w->in[0] : 1, IW = w->in[w->sp - 1], OH = two ? w->out[0] : 1,
            OW = w->out[w->sp - 1];
    int64_t KH = two ? w->k[0] : 1, KW = w->k[w->sp - 1], SY = two ? w->s[0] : 1,
            SX = w->s[w->sp - 1], DY = two ? w->d[0] : 1, DX = w->d[w->sp - 1],
            PY = two ? w->pb[0] : 0, PX = w->pb[w->sp - 1];
    if (!two && SX == 1 && DX == 1 && OW + KW - 1 <= 512) { /* short 1-D rows: padded copy */
        float xp[512];
        const int64_t L = OW + KW - 1, n_in = IW < L - PX ? IW : L - PX;
        lstm__vfill(xp, 0.0f, L);
        for (int64_t n = 0; n < st->N; n++)
            for (int64_t m = 0; m < st->M; m++) {
                const float *x = X + (n * st->C + m / st->Mg) * IW, *wm = W + m * KW;
                float *y = Y + (n * st->M + m) * OW;
                if (m % st->Mg == 0 && n_in > 0) lstm__vcopy(xp + PX, x, n_in);
                lstm__vfill(y, B ? B[m] : 0.0f, OW);
                for (int64_t kx = 0; kx < KW; kx++) lstm__vaxpy(y, wm[kx], xp + kx, OW);
                apply_act(y, OW, act);
            }
        return;
    }
    /* Per tap column: the outputs ox in [lo, hi) whose input ox * SX + off lies inside the
    ** row (the same for every channel and row: computed once, the divisions too). */
    int64_t lo_hi[2 * 64];
    const int cached = KW <= 64;
    for (int64_t kx = 0; cached && kx < KW; kx++) {
        int64_t off = kx * DX - PX;
        int64_t lo = off >= 0 ? 0 : (-off + SX - 1) / SX;
        int64_t hi = IW - 1 - off < 0 ? 0 : (IW - 1 - off) / SX + 1;
        lo_hi[2 * kx] = lo;
        lo_hi[2 * kx + 1] = hi > OW ? OW : hi;
    }
    for (int64_t n = 0; n < st->N; n++)
        for (int64_t m = 0; m < st->M; m++) {
            const float *x = X + (n * st->C + m / st->Mg) * IH * IW, *wm = W + m * KH * KW;
            float *y = Y + (n * st->M + m) * OH * OW, bias = B ? B[m] : 0.0f;
            for (int64_t oy = 0; oy < OH; oy++) {
                float *yr = y + oy * OW;
                lstm__vfill(yr, bias, OW);
                for (int64_t ky = 0; ky < KH; ky++) {
                    int64_t iy = oy * SY + ky * DY - PY;
                    if (iy < 0 || iy >= IH) continue;
                    const float *xr = x + iy * IW;
                    for (int64_t kx = 0; kx < KW; kx++) {
                        const float wv = wm[ky * KW + kx];
                        int64_t off = kx * DX - PX; /* ix = ox * SX + off */
                        int64_t lo, hi;
                        if (cached) {
                            lo = lo_hi[2 * kx];
                            hi = lo_hi[2 * kx + 1];
                        } else {
                            lo = off >= 0 ? 0 : (-off + SX - 1) / SX;
                            hi = IW - 1 - off < 0 ? 0 : (IW - 1 - off) / SX + 1;
                            if (hi > OW) hi = OW;
                        }
                        if (SX == 1 && hi > lo) {
                            lstm__vaxpy(yr + lo, wv, xr + off + lo, hi - lo);
                        } else {
                            for (int64_t ox = lo; ox < hi; ox++) yr[ox] += wv * xr[ox * SX + off];
                        }
                    }
                }
                apply_act(yr, OW, act);
            }
        }
}

/* WINDOWS: per image and group, X zero-padded into scratch; then per output row and run of up
** to NR consecutive output pixels, row k = (channel, ky, kx) of the product's right-hand side is
** the run of padded input at koff[k] from the pixels' first window: read in place. */
static void run_windows(lstm__kctx *k, const lstm__conv_state *st)
{
    const float *X = k->in[0]->data, *W = conv_w(k), *B = conv_b(k);
    const lstm__conv_act *act = conv_act(k);
    float *Y = k->out[0]->data, *xp = (float *)((char *)k->scratch + st->xp_off);
    int *koff = (int *)(void *)((char *)k->scratch + st->koff_off);
    const geo2 g = geo2_of(&st->w);
    const int64_t Hp = st->Hp, Wp = st->Wp, plane = Hp * Wp, Cg = st->Cg, Mg = st->Mg;
    const int64_t PYe = st->w.sp == 2 ? st->w.pe[0] : 0, PXe = st->w.pe[st->w.sp - 1];
    const int64_t pin = st->w.pix_in, pout = st->w.pix_out, K = st->K;
    for (int64_t c = 0, kk = 0; c < Cg; c++)
        for (int64_t ky = 0; ky < g.KH; ky++)
            for (int64_t kx = 0; kx < g.KW; kx++)
                koff[kk++] = (int)(c * plane + ky * g.DY * Wp + kx * g.DX);
    const int nr = CONV_NR;
    for (int64_t n = 0; n < st->N; n++)
        for (int64_t gi = 0; gi < st->G; gi++) {
            const float *x = X + (n * st->C + gi * Cg) * pin;
            for (int64_t c = 0; c < Cg; c++) {
                float *d = xp + c * plane;
                lstm__vfill(d, 0.0f, g.PY * Wp);
                for (int64_t iy = 0; iy < g.IH; iy++) {
                    float *row = d + (g.PY + iy) * Wp;
                    lstm__vfill(row, 0.0f, g.PX);
                    lstm__vcopy(row + g.PX, x + (c * g.IH + iy) * g.IW, g.IW);
                    lstm__vfill(row + g.PX + g.IW, 0.0f, PXe);
                }
                lstm__vfill(d + (g.PY + g.IH) * Wp, 0.0f, PYe * Wp);
            }
            const float *w = W + gi * Mg * K, *b = B ? B + gi * Mg : NULL;
            float *y = Y + (n * st->M + gi * Mg) * pout;
            for (int64_t oy = 0; oy < g.OH; oy++)
                for (int64_t ox = 0; ox < g.OW; ox += nr) {
                    const int cnt = (int)(g.OW - ox < nr ? g.OW - ox : nr);
                    lstm__conv_rows(st->isa, (int)Mg, cnt, (int)K, w, (int)K,
                                    xp + oy * g.SY * Wp + ox, koff, y + oy * g.OW + ox, (int)pout,
                                    b, act);
                }
        }
}

/* Any float type and rank: direct loops in double. */
static void run_ref(lstm__kctx *k, const lstm__conv_state *st)
{
    const lstm__rt *X = k->in[0], *W = k->in[1], *B = k->n->n_in > 2 ? k->in[2] : NULL;
    lstm__rt *Y = k->out[0];
    const lstm__win *w = &st->w;
    int sp = w->sp;
    int64_t istr[LSTM__SP_MAX], stride = 1;
    for (int a = sp - 1; a >= 0; a--) istr[a] = stride, stride *= w->in[a];
    for (int64_t n = 0; n < st->N; n++)
        for (int64_t m = 0; m < st->M; m++) {
            int64_t g = m / st->Mg, o[LSTM__SP_MAX] = {0};
            for (int64_t p = 0; p < w->pix_out; p++) {
                double acc = B ? lstm__get_f(B, (size_t)m) : 0.0;
                for (int64_t c = 0; c < st->Cg; c++) {
                    int64_t xbase = (n * st->C + g * st->Cg + c) * w->pix_in,
                            wbase = (m * st->Cg + c) * w->kk, q[LSTM__SP_MAX] = {0};
                    for (int64_t t = 0; t < w->kk; t++) {
                        int64_t off = 0;
                        int in = 1;
                        for (int a = 0; a < sp && in; a++) {
                            int64_t ia = o[a] * w->s[a] + q[a] * w->d[a] - w->pb[a];
                            in = ia >= 0 && ia < w->in[a];
                            off += ia * istr[a];
                        }
                        if (in)
                            acc += lstm__get_f(X, (size_t)(xbase + off)) *
                                   lstm__get_f(W, (size_t)(wbase + t));
                        for (int a = sp - 1; a >= 0; a--) {
                            if (++q[a] < w->k[a]) break;
                            q[a] = 0;
                        }
                    }
                }
                lstm__put_f(Y, (size_t)((n * st->M + m) * w->pix_out + p), acc);
                for (int a = sp - 1; a >= 0; a--) {
                    if (++o[a] < w->out[a]) break;
                    o[a] = 0;
                }
            }
        }
}

int lstm__conv_run(lstm__kctx *k)
{
    const lstm__conv_state *st = k->state;
    if (k->out[0]->nelem == 0) return LSTM_OK;
    if (st->path == LSTM__CONV_WINDOWS)
        run_windows(k, st);
    else if (st->path == LSTM__CONV_COLS)
        run_cols(k, st);
    else if (st->path == LSTM__CONV_ROWS)
        run_rows(k, st);
    else if (st->path == LSTM__CONV_DIRECT)
        run_direct(k, st);
    else
        run_ref(k, st);
    return LSTM_OK;
}

int lstm__conv_op_pack(lstm__graph *g, lstm__node *n, lstm__diag *err)
{
    const lstm__conv_params *p = n->params;
    const lstm__conv_fusion *f = n->fusion;
    const lstm__value *wv = lstm__node_input(g, n, 1);
    if (!p || !wv || !wv->init || (wv->flags & LSTM__V_INPUT)) return LSTM_OK;
    const lstm__tensor *W = wv->init;
    if (W->dtype != LSTM_DT_FLOAT || W->rank < 3 || W->rank > LSTM__MAX_RANK)
        return LSTM_OK; /* prepare reports what is wrong */
    int64_t M = W->dims[0], Cg = W->dims[1], kk = 1;
    for (int i = 2; i < W->rank; i++) kk *= W->dims[i];
    if (M < 1 || M % p->group || Cg < 1 || kk < 1 || Cg * kk > INT_MAX / CONV_NR ||
        M / p->group > INT_MAX)
        return LSTM_OK;
    int64_t Mg = M / p->group, K = Cg * kk;
    lstm__conv_pack *pk = lstm__pool_alloc(g->mem, sizeof *pk);
    if (!pk) return lstm__errf(err, LSTM_ENOMEM, "out of memory packing Conv weights");
    memset(pk, 0, sizeof *pk);
    /* A fused BatchNormalization's weights (fuse.c) replace W and B; a fused activation. */
    const float *w = f && f->W ? f->W : W->data;
    const lstm__value *bv = lstm__node_input(g, n, 2);
    const lstm__tensor *B = bv && bv->init && !(bv->flags & LSTM__V_INPUT) ? bv->init : NULL;
    const float *b = f && f->W                                                           ? f->B
                     : B && B->dtype == LSTM_DT_FLOAT && B->rank == 1 && B->dims[0] == M ? B->data
                                                                                         : NULL;
    pk->W = f && f->W ? f->W : NULL;
    pk->B = f && f->W ? f->B : NULL;
    pk->act = f ? f->act : NULL;
    pk->G = p->group;
    pk->K = K;
    pk->Mg = Mg;
    if (direct_fits(Cg, Mg, W->rank - 2)) { /* direct loops read W: a pack only for a fusion */
        if (f) n->packed = pk;
        return LSTM_OK;
    }
    /* As prepare decides: 1-D without dilation orders K (tap, channel). */
    int tc = W->rank == 3 && (p->w.nd < 1 || p->w.dilations[0] == 1);
    size_t per = lstm__pack_floats((int)K, (int)Mg);
    float *dst = lstm__pool_array(g->mem, per * (size_t)p->group, sizeof(float));
    float *tmp = tc ? lstm__malloc(g->mem->a, (size_t)(Mg * K) * sizeof(float)) : NULL;
    if (!dst || (tc && !tmp)) {
        lstm__free(g->mem->a, tmp);
        return lstm__errf(err, LSTM_ENOMEM, "out of memory packing Conv weights");
    }
    for (int64_t gi = 0; gi < p->group; gi++)
        pack_group(dst + (size_t)gi * per, w + gi * Mg * K, Mg, Cg, kk, tc, tmp);
    lstm__free(g->mem->a, tmp);
    /* [W | B] for COLS when the bias is a constant float32 [M] (1-D / 2-D only). */
    float *wb = NULL;
    if (b && W->rank <= 4) {
        wb = lstm__pool_array(g->mem, (size_t)(M * (K + 1)), sizeof(float));
        if (!wb) return lstm__errf(err, LSTM_ENOMEM, "out of memory packing Conv weights");
        for (int64_t m = 0; m < M; m++) {
            memcpy(wb + m * (K + 1), w + m * K, (size_t)K * sizeof(float));
            wb[m * (K + 1) + K] = b[m];
        }
    }
    pk->tc = tc;
    pk->per = per;
    pk->data = dst;
    pk->wb = wb;
    n->packed = pk;
    return LSTM_OK;
}
