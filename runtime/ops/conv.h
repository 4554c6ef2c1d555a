/*
** conv.h — parameters and node state of the convolutional front-end operators: Conv,
** ConvTranspose, the pools (op_conv.c, op_convt.c, op_pool.c), the normalisations and PRelu
** (op_norm.c, op_prelu.c); and the window geometry they share (spatial.c).
*/
#ifndef LSTM_CONV_H
#define LSTM_CONV_H

#include "kernel.h"
#include "ops/op_util.h"
#include "simd/simd.h"

#define LSTM__SP_MAX (LSTM__MAX_RANK - 2) /* spatial axes: rank minus batch and channels */
/* Bound on kernel sizes, strides, dilations and pads (larger ones are refused): the window
** arithmetic on them stays within int64. */
#define LSTM__WIN_MAX ((int64_t)1 << 31)

enum {
    LSTM__AUTOPAD_NOTSET = 0,
    LSTM__AUTOPAD_SAME_UPPER,
    LSTM__AUTOPAD_SAME_LOWER,
    LSTM__AUTOPAD_VALID
};

/* Window attributes as written (kernel_shape, strides, dilations, pads, auto_pad, ceil_mode).
** Counts are -1 when the attribute is absent. */
typedef struct lstm__win_params {
    int auto_pad;
    int nk, ns, nd, np;
    int64_t kernel[LSTM__SP_MAX], strides[LSTM__SP_MAX], dilations[LSTM__SP_MAX];
    int64_t pads[2 * LSTM__SP_MAX];
    int64_t ceil_mode;
} lstm__win_params;

/* The window geometry for one input shape: per spatial axis the input and output sizes,
** kernel, stride, dilation and the padding before / after. */
typedef struct lstm__win {
    int sp;
    int64_t in[LSTM__SP_MAX], out[LSTM__SP_MAX], k[LSTM__SP_MAX], s[LSTM__SP_MAX], d[LSTM__SP_MAX],
        pb[LSTM__SP_MAX], pe[LSTM__SP_MAX];
    int64_t pix_in, pix_out, kk; /* products of in, out, k */
} lstm__win;

/* Which window attributes an operator version has. */
enum {
    LSTM__WIN_DILATIONS = 1,
    LSTM__WIN_CEIL = 2,
    LSTM__WIN_KERNEL_REQUIRED = 4 /* the pools */
};

/* Read and check the window attributes (values, counts, auto_pad); messages name the node. */
int lstm__win_parse(const lstm__graph *g, const lstm__node *n, unsigned what, lstm__win_params *p,
                    lstm__diag *d);
/* The attribute counts agree with sp spatial axes (messages name the attribute). */
int lstm__win_counts(lstm__kctx *k, const lstm__win_params *p, int sp);
/* The geometry for sp spatial axes of sizes in[] and a kernel of sizes kernel[] (Conv takes
** them from W when kernel_shape is absent); messages name the node and attribute at fault. */
int lstm__win_forward(lstm__kctx *k, const lstm__win_params *p, int sp, const int64_t *in,
                      const int64_t *kernel, lstm__win *w);

/* ---- Conv and ConvTranspose ---- */
typedef struct lstm__conv_params {
    lstm__win_params w;
    int64_t group;
    int nop, nos; /* ConvTranspose: output_padding, output_shape counts (-1 absent) */
    int64_t output_padding[LSTM__SP_MAX], output_shape[LSTM__MAX_RANK];
} lstm__conv_params;

/* The shapes Conv and ConvTranspose check: X [N, C, D...], W [M, C/group, k...] (transposed:
** [C, M/group, k...]), B [M], one float type, kernel_shape equal to W's when given. */
int lstm__conv_shapes(lstm__kctx *k, int64_t group, int transpose, int64_t *N, int64_t *C,
                      int64_t *M, int64_t *Cg, int64_t *Mg, int64_t kernel[LSTM__SP_MAX]);
/* Conv's attributes (auto_pad, dilations, group, kernel_shape, pads, strides) for a node of
** min_in..max_in inputs (Conv, ConvInteger, QLinearConv). */
int lstm__conv_parse_io(const lstm__graph *g, const lstm__node *n, int since, void *params,
                        int min_in, int max_in, lstm__diag *d);
/* The same checks on X, W and B (or NULL) of any element type (the integer convolutions). */
int lstm__conv_geometry(lstm__kctx *k, const lstm__rt *X, const lstm__rt *W, const lstm__rt *B,
                        int64_t group, int transpose, int64_t *N, int64_t *C, int64_t *M,
                        int64_t *Cg, int64_t *Mg, int64_t kernel[LSTM__SP_MAX]);

/* How a Conv runs (chosen in prepare). */
enum {
    LSTM__CONV_REF = 0, /* any float type, any rank: direct loops in double */
    LSTM__CONV_DIRECT,  /* float32, one input channel per group, 1-D / 2-D: direct (depthwise) */
    LSTM__CONV_ROWS,    /* float32: im2col rows (one per output pixel) x W' packed (simd GEMM),
                        ** then transposed into Y: few output pixels (Silero) */
    LSTM__CONV_WINDOWS, /* float32, 1-D / 2-D, stride 1 along the rows: W x the windows of
                        ** consecutive output pixels read in place from X zero-padded
                        ** (lstm__conv_rows): many output pixels, no im2col */
    LSTM__CONV_COLS     /* float32, 1-D / 2-D: W x im2col packed as GEMM panels of output pixels,
                        ** straight into Y: many output pixels (images, long signals) */
};

typedef struct lstm__conv_state {
    lstm__win w;
    int path, isa;
    int64_t N, C, M, G, Cg, Mg;        /* batch, channels in / out, groups, per group */
    int64_t K;                         /* Cg * kernel elements: the GEMM's inner size */
    int64_t chunk;                     /* output pixels per GEMM */
    int64_t Kc;                        /* COLS: the GEMM's inner size, K + 1 with a bias */
    int direct_rows;                   /* ROWS: A read in place from X (lda = stride) */
    int tc;                            /* ROWS, 1-D without dilation: K runs (tap, channel), A
                                       ** read in place from X channels-last (xt_off) */
    size_t xt_off, perm_off;           /* scratch: X channels-last and padded; W permuted */
    int64_t Hp, Wp;                    /* WINDOWS: the zero-padded plane (rows, columns) */
    size_t xp_off, koff_off;           /* WINDOWS scratch: X padded, per k its offset there */
    size_t col_off, tmp_off, pack_off; /* scratch slices, bytes (COLS: pack_off holds [W | B]
                                       ** when the load did not) */
    size_t pack_per;                   /* packed floats per group */
} lstm__conv_state;

/* Weights packed at load (n->packed): per group, W_g' in the simd panel layout. */
/* Weights prepared at load (n->packed) for both GEMM orientations: ROWS reads W_g' in the simd
** panel layout; COLS reads [W | B] (each output channel's weights then its bias, which meets a
** row of ones appended to the im2col panels), present when the bias is a constant. */
/* What fuse.c folded into a Conv (n->fusion): W and B with a BatchNormalization folded in (W
** NULL when there was none) and the activation applied after the bias (act NULL: none). */
typedef struct lstm__conv_fusion {
    const float *W, *B;
    const lstm__conv_act *act;
} lstm__conv_fusion;

typedef struct lstm__conv_pack {
    const float *W, *B;        /* the weights and bias to use (a BatchNormalization folded in),
                               ** or NULL: the node's inputs */
    const lstm__conv_act *act; /* a fused activation, or NULL */
    int64_t G, K, Mg;
    int tc;            /* ROWS: K ordered (tap, channel) (1-D without dilation), else (channel,
                       ** tap) */
    size_t per;        /* floats per group of data */
    const float *data; /* ROWS: W_g' packed, per group */
    const float *wb;   /* COLS: [M, K + 1], or NULL */
} lstm__conv_pack;

typedef struct lstm__convt_state {
    lstm__win w; /* in: X's spatial sizes, out: Y's */
    int64_t N, C, M, G, Cg, Mg, kk;
    int gemm; /* float32: GEMM then col2im; else direct scatter in double */
} lstm__convt_state;

/* ---- pools ---- */
enum { LSTM__POOL_MAX, LSTM__POOL_AVG, LSTM__POOL_GMAX, LSTM__POOL_GAVG };

typedef struct lstm__pool_params {
    lstm__win_params w;
    int kind;
    int64_t count_include_pad, storage_order;
} lstm__pool_params;

typedef struct lstm__pool_state {
    lstm__win w;
    int64_t N, C;
} lstm__pool_state;

/* ---- normalisations ---- */
typedef struct lstm__bn_params {
    float epsilon;
    int64_t spatial;
} lstm__bn_params;

typedef struct lstm__bn_state {
    int64_t N, C, S; /* batch, channels, elements per channel and batch item */
    int64_t per;     /* coefficients per channel: 1 (spatial) or S (spatial = 0) */
} lstm__bn_state;

typedef struct lstm__ln_params {
    int64_t axis, stash_type;
    float epsilon;
} lstm__ln_params;

typedef struct lstm__ln_state {
    int64_t outer, inner;
    int axis;
    int plain; /* Scale (and B) hold exactly the normalised shape: read row-wise */
    int64_t sst[LSTM__MAX_RANK], bst[LSTM__MAX_RANK]; /* else their strides, broadcast */
} lstm__ln_state;

typedef struct lstm__in_params {
    float epsilon;
} lstm__in_params;

typedef struct lstm__in_state {
    int64_t N, C, S;
} lstm__in_state;

typedef struct lstm__prelu_state {
    int rank;
    int64_t dims[LSTM__MAX_RANK], st[LSTM__MAX_RANK]; /* slope's strides over X's shape */
} lstm__prelu_state;

int lstm__conv_op_pack(lstm__graph *g, lstm__node *n, lstm__diag *d);

#endif
