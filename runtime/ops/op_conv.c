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
    lstm__conv_params *p = params;
    static const char *const names[] = {"auto_pad", "dilations", "group", "kernel_shape",
                                        "pads",     "strides",   NULL};
    memset(p, 0, sizeof *p);
    if (lstm__arity(g, n, 2, 3, 1, 1, d) || lstm__attrs_allowed(g, n, since, names, d) ||
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

int lstm__conv_shapes(lstm__kctx *k, int64_t group, int transpose, int64_t *N, int64_t *C,
                      int64_t *M, int64_t *Cg, int64_t *Mg, int64_t kernel[LSTM__SP_MAX])
{
    const lstm__rt *X = k->in[0], *W = k->in[1], *B = k->n->n_in > 2 ? k->in[2] : NULL;
    const lstm__conv_params *p = k->params;
    char s1[96], s2[96];
    if (!lstm__is_float(X->dtype) || W->dtype != X->dtype || (B && B->dtype != X->dtype))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED,
                          "%s: X, W and B must share one float type (got %s, %s%s%s)",
                          lstm__klabel(k), lstm__dtype_name(X->dtype), lstm__dtype_name(W->dtype),
                          B ? ", " : "", B ? lstm__dtype_name(B->dtype) : "");
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
    /* The orientation that fills the GEMM's tiles better; COLS writes Y directly (ties). */
    st->path =
        sp <= 2 && fill(st->Mg, pout) >= fill(pout, st->Mg) ? LSTM__CONV_COLS : LSTM__CONV_ROWS;
    size_t off = 0;
    if (st->path == LSTM__CONV_COLS) {
        const lstm__rt *B = k->n->n_in > 2 ? k->in[2] : NULL;
        const lstm__conv_pack *pk = k->packed;
        st->Kc = st->K + (B != NULL);
        /* Chunks of whole panels whose packed columns take about 128 KiB. */
        int64_t panels = (128 * 1024 / 4) / (st->Kc * CONV_NR);
        if (panels < 1) panels = 1;
        st->chunk = panels * CONV_NR;
        if (st->chunk > pout) st->chunk = pout;
        st->col_off = 0;
        off = align64(lstm__pack_floats((int)st->Kc, (int)st->chunk) * sizeof(float));
        st->pack_off = off;
        if (B && !(pk && pk->wb && pk->G == st->G && pk->K == st->K && pk->Mg == st->Mg))
            off += align64((size_t)(st->M * st->Kc) * sizeof(float));
        k->scratch_size = off;
        return LSTM_OK;
    }
    /* Rows read in place: one input channel, 1-D, no dilation, every window inside X. */
    st->direct_rows = sp == 1 && st->Cg == 1 && st->w.d[0] == 1 && st->w.pb[0] == 0 &&
                      (st->w.out[0] - 1) * st->w.s[0] + st->w.k[0] <= st->w.in[0] &&
                      st->w.s[0] <= INT_MAX;
    /* Chunks of output pixels whose im2col rows take about 64 KiB (8 rows at least). */
    int64_t rows = (64 * 1024 / 4) / st->K;
    rows = rows < 8 ? 8 : rows - rows % 8;
    if (st->direct_rows || rows > pout) rows = pout;
    st->chunk = rows;
    st->col_off = off;
    if (!st->direct_rows) off += align64((size_t)rows * (size_t)st->K * sizeof(float));
    st->tmp_off = off;
    off += align64((size_t)rows * (size_t)st->Mg * sizeof(float));
    st->pack_per = lstm__pack_floats((int)st->K, (int)st->Mg);
    const lstm__conv_pack *pk = k->packed;
    st->pack_off = off;
    if (!pk || pk->G != st->G || pk->K != st->K || pk->Mg != st->Mg)
        off += align64(st->pack_per * (size_t)st->G * sizeof(float));
    k->scratch_size = off;
    return LSTM_OK;
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
    const float *X = k->in[0]->data, *W = k->in[1]->data;
    const float *B = k->n->n_in > 2 && k->in[2] ? k->in[2]->data : NULL;
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

static void run_rows(lstm__kctx *k, const lstm__conv_state *st)
{
    const float *X = k->in[0]->data, *W = k->in[1]->data;
    const float *B = k->n->n_in > 2 && k->in[2] ? k->in[2]->data : NULL;
    float *Y = k->out[0]->data;
    char *scratch = k->scratch;
    float *col = (float *)(scratch + st->col_off), *tmp = (float *)(scratch + st->tmp_off);
    const lstm__conv_pack *pk = k->packed;
    const float *packed;
    if (pk && pk->G == st->G && pk->K == st->K && pk->Mg == st->Mg) {
        packed = pk->data;
    } else {
        float *dst = (float *)(scratch + st->pack_off);
        for (int64_t g = 0; g < st->G; g++)
            lstm__pack_wt(dst + (size_t)g * st->pack_per, W + g * st->Mg * st->K, (int)st->Mg,
                          (int)st->K);
        packed = dst;
    }
    const geo2 g2 = geo2_of(&st->w);
    const int64_t pin = st->w.pix_in, pout = st->w.pix_out, Mg = st->Mg;
    for (int64_t n = 0; n < st->N; n++)
        for (int64_t g = 0; g < st->G; g++) {
            const float *x = X + (n * st->C + g * st->Cg) * pin;
            float *y = Y + (n * st->M + g * Mg) * pout;
            const float *wp = packed + (size_t)g * st->pack_per;
            const float *b = B ? B + g * Mg : NULL;
            for (int64_t p0 = 0; p0 < pout; p0 += st->chunk) {
                int64_t r = pout - p0 < st->chunk ? pout - p0 : st->chunk;
                const float *a = col;
                int lda = (int)st->K;
                if (st->direct_rows) {
                    a = x + p0 * st->w.s[0];
                    lda = (int)st->w.s[0];
                } else if (st->w.sp <= 2) {
                    im2col2(st, &g2, x, p0, r, col);
                } else {
                    im2col_nd(st, x, p0, r, col);
                }
                lstm__gemm_packed_mt(k->workers, LSTM__SPLIT_ONCE, st->isa, (int)r, (int)Mg,
                                     (int)st->K, a, lda, wp, tmp, (int)Mg, 0);
                for (int64_t m = 0; m < Mg; m++) {
                    float bias = b ? b[m] : 0.0f, *dst = y + m * pout + p0;
                    const float *src = tmp + m;
                    for (int64_t i = 0; i < r; i++) dst[i] = src[i * Mg] + bias;
                }
            }
        }
}

/* One input channel per group, 1-D or 2-D: each output row gathers tap by tap. */
static void run_direct(lstm__kctx *k, const lstm__conv_state *st)
{
    const float *X = k->in[0]->data, *W = k->in[1]->data;
    const float *B = k->n->n_in > 2 && k->in[2] ? k->in[2]->data : NULL;
    float *Y = k->out[0]->data;
    const lstm__win *w = &st->w;
    int two = w->sp == 2;
    int64_t IH = two ? w->in[0] : 1, IW = w->in[w->sp - 1], OH = two ? w->out[0] : 1,
            OW = w->out[w->sp - 1];
    int64_t KH = two ? w->k[0] : 1, KW = w->k[w->sp - 1], SY = two ? w->s[0] : 1,
            SX = w->s[w->sp - 1], DY = two ? w->d[0] : 1, DX = w->d[w->sp - 1],
            PY = two ? w->pb[0] : 0, PX = w->pb[w->sp - 1];
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
                        int64_t lo = off >= 0 ? 0 : (-off + SX - 1) / SX;
                        int64_t hi = IW - 1 - off < 0 ? 0 : (IW - 1 - off) / SX + 1;
                        if (hi > OW) hi = OW;
                        if (SX == 1 && hi > lo) {
                            lstm__vaxpy(yr + lo, wv, xr + off + lo, hi - lo);
                        } else {
                            for (int64_t ox = lo; ox < hi; ox++) yr[ox] += wv * xr[ox * SX + off];
                        }
                    }
                }
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
    if (st->path == LSTM__CONV_COLS)
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
    if (direct_fits(Cg, Mg, W->rank - 2)) return LSTM_OK;
    size_t per = lstm__pack_floats((int)K, (int)Mg);
    lstm__conv_pack *pk = lstm__pool_alloc(g->mem, sizeof *pk);
    float *dst = lstm__pool_array(g->mem, per * (size_t)p->group, sizeof(float));
    if (!pk || !dst) return lstm__errf(err, LSTM_ENOMEM, "out of memory packing Conv weights");
    for (int64_t gi = 0; gi < p->group; gi++)
        lstm__pack_wt(dst + (size_t)gi * per, (const float *)W->data + gi * Mg * K, (int)Mg,
                      (int)K);
    /* [W | B] for COLS when the bias is a constant float32 [M] (1-D / 2-D only). */
    const lstm__value *bv = lstm__node_input(g, n, 2);
    const lstm__tensor *B = bv && bv->init && !(bv->flags & LSTM__V_INPUT) ? bv->init : NULL;
    float *wb = NULL;
    if (B && B->dtype == LSTM_DT_FLOAT && B->rank == 1 && B->dims[0] == M && W->rank <= 4) {
        wb = lstm__pool_array(g->mem, (size_t)(M * (K + 1)), sizeof(float));
        if (!wb) return lstm__errf(err, LSTM_ENOMEM, "out of memory packing Conv weights");
        for (int64_t m = 0; m < M; m++) {
            memcpy(wb + m * (K + 1), (const float *)W->data + m * K, (size_t)K * sizeof(float));
            wb[m * (K + 1) + K] = ((const float *)B->data)[m];
        }
    }
    *pk = (lstm__conv_pack){p->group, K, Mg, per, dst, wb};
    n->packed = pk;
    return LSTM_OK;
}
