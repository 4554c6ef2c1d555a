/*
** simd.h — the compute kernels behind the recurrent ops: a GEMM against pre-packed weights,
** vectorised exp / sigmoid / tanh and the fused LSTM and GRU cells.
**
** Each instruction set is one file, runtime/simd/isa_NAME.c: a thin vector layer (load, store,
** fma, ...) followed by #include "simd/kernels.h", which compiles the kernels, written once over
** that layer, into the set's table row lstm__kernels_NAME. simd.c lists the rows (best first),
** detects the CPU's features and picks one set per process; `int isa` below indexes that list.
**
** Packed layout (per set: nr = the set's panel width): B (K x N, used as C = A * B) is stored as
** ceil(N / nr) panels, each K rows of nr floats (column n of panel p is B[k][nr p + n]); columns
** past N are zero. Weights are packed once, at model load, for the set the process runs.
*/
#ifndef LSTM_SIMD_H
#define LSTM_SIMD_H

#include <stddef.h>
#include <stdint.h>

/* What the fused cells take besides one row's pre-activations. The cells compute units 0 to
** n - 1 of each gate block (n <= H; a thread's share of the units starts its pointers there). */
typedef struct lstm__cell_args {
    int H;             /* floats from one gate block to the next */
    int n;             /* units computed */
    const float *bias; /* [G*H], added to every pre-activation */
    const float *P;    /* LSTM peepholes [3H] (blocks i, o, f) or NULL */
    const float *rbh;  /* GRU: Rb of the h block [H] or NULL */
    float clip;        /* > 0: pre-activations clipped to [-clip, clip] (after the peepholes) */
    int coupled;       /* LSTM input_forget: f = 1 - i */
} lstm__cell_args;

/* What a direct convolution applies to its outputs after the bias: y = min(max(y, lo), hi)
** (a fused Relu: lo 0, hi +inf; a fused Clip: its bounds). */
typedef struct lstm__conv_act {
    float lo, hi;
} lstm__conv_act;

/* CPU features a kernel set needs (lstm__cpu_features). */
enum {
    LSTM__CPU_AVX2 = 1 << 0,
    LSTM__CPU_FMA = 1 << 1,
    LSTM__CPU_AVX512F = 1 << 2,
    LSTM__CPU_AVX512DQ = 1 << 3,
    LSTM__CPU_ASIMD = 1 << 4, /* aarch64 Advanced SIMD (NEON) */
    LSTM__CPU_AVX512BW = 1 << 5,
    LSTM__CPU_AVX512VNNI = 1 << 6, /* (these three: variants inside a set, the integer product) */
    LSTM__CPU_AVXVNNI = 1 << 7,
};

/* One row of the kernel table. A row whose file was not built for this architecture has only
** its name (gemm == NULL). */
typedef struct lstm__kernels {
    const char *name;
    unsigned needs; /* LSTM__CPU_* */
    int nr;         /* columns per packed panel */
    int mr;         /* rows of the GEMM register tile */
    int fma_fused;  /* the set's fused multiply-add rounds once (the fused cells' rounding) */
    /* Pack B given as W (N x K, row-major: B = W^T, the ONNX weight layout) into dst. */
    void (*pack)(float *dst, const float *W, int N, int K);
    /* C[M x N] (= or +=) A[M x K] * B, B packed by this set's pack. */
    void (*gemm)(int M, int N, int K, const float *A, int lda, const float *Bp, float *C, int ldc,
                 int accumulate);
    void (*vexp)(float *x, int n);
    void (*verf)(float *x, int n);
    void (*velu)(const float *x, float *y, int n, float alpha, float scale, float div);
    void (*vsoftplus)(float *x, int n);
    void (*vsigmoid)(float *x, int n);
    void (*vtanh)(float *x, int n);
    void (*lstm_cell)(const lstm__cell_args *a, const float *x, const float *q, float *c, float *h);
    void (*gru_cell)(const lstm__cell_args *a, const float *x, const float *q, const float *hp,
                     float *h);
    /* Direct convolution rows (lstm__conv_rows). */
    void (*conv_rows)(int M, int n, int K, const float *A, int lda, const float *base,
                      const int *off, float *C, int ldc, const float *bias,
                      const lstm__conv_act *act);
    /* C[M x N] = A[M x K] * B on int16 values, int32 sums modulo 2^32, B packed by
    ** lstm__pack_i16; NULL: the portable loop (lstm__mm_i16). */
    void (*mm_i16)(int M, int N, int K, const int16_t *A, int lda, const int16_t *Bp, uint32_t *C,
                   int ldc);
    /* lstm__mm8 over columns 0 to N - 1 of Bp, ct and zb, and whether this CPU runs it; NULL:
    ** the set has no 8-bit product. */
    void (*mm8)(int M, int N, int K, const uint8_t *A, int lda, const int32_t *za, int za_step,
                const int8_t *Bp, const int32_t *ct, const int32_t *zb, uint32_t *C, int ldc);
    int (*mm8_ok)(void);
    /* lstm__requant8, lstm__widen8, lstm__quant8, lstm__dequant8, lstm__range and
    ** lstm__pack_i16_isa; NULL: the portable loops. */
    void (*requant8)(const uint32_t *acc, size_t n, const float *mult, int per_elem, int sgn,
                     int32_t zp, void *y);
    void (*widen8)(const void *x, size_t n, int sgn, int32_t zp, int16_t *out);
    void (*quant8)(const float *x, size_t n, float scale, int32_t zp, int sgn, void *y);
    void (*dequant8)(const void *x, size_t n, int sgn, int32_t zp, float scale, float *y);
    void (*range)(const float *x, size_t n, float *lo, float *hi);
    void (*pack_i16)(int16_t *dst, size_t panel, const int16_t *B, size_t ldb, int K, int N);
    /* Runs `iters` rounds of independent FMA chains and returns the FLOPs done (the kernel
    ** benchmark's peak). */
    double (*fma_peak)(long iters);
} lstm__kernels;

/* The set this process runs: the first row of the table the CPU supports, capped by
** LSTM_ISA=NAME (that set, or the best one after it in the table the CPU has; a name not built
** for this architecture is ignored). Chosen once per process. */
int lstm__isa(void);
/* Rows of the table, best first. */
int lstm__isa_count(void);
const lstm__kernels *lstm__kernels_get(int isa);
const char *lstm__isa_name(int isa);
/* The index of the set called name, or -1. */
int lstm__isa_find(const char *name);
/* 1 when set isa is built for this architecture and this CPU has what it needs. */
int lstm__isa_available(int isa);
/* The features this CPU has (LSTM__CPU_*), detected once, less those a test has masked. */
unsigned lstm__cpu_features(void);
/* For tests: lstm__cpu_features() reports only the features in keep from now on (~0u: all),
** which selects the variants inside a set (the set itself is chosen once per process). */
void lstm__cpu_features_keep(unsigned keep);

/* Cache sizes the driver blocks for (sysconf, with defaults where the system does not say). */
typedef struct lstm__caches {
    size_t l1, l2; /* bytes of L1 data cache and L2 per core */
} lstm__caches;
lstm__caches lstm__cache_sizes(void);

/* Floats needed to pack a K x N matrix, and the packing, for the process's set (lstm__isa())
** or for a given one. */
size_t lstm__pack_floats(int K, int N);
void lstm__pack_wt(float *dst, const float *W, int N, int K);
size_t lstm__pack_floats_isa(int isa, int K, int N);
void lstm__pack_wt_isa(int isa, float *dst, const float *W, int N, int K);
/* The same for the process's set from B itself (K x N, row-major: MatMul's and Gemm's B with
** transB = 0). */
void lstm__pack_b(float *dst, const float *B, int K, int N);

/* C[M x N] (= or +=) A[M x K] * B, B packed for set isa. lda / ldc in floats. accumulate: 1 for
** +=, or'd with LSTM__GEMM_REVERSE to take the panels last to first (products of up to the
** set's mr rows; the same sums, bit for bit): a recurrent product that alternates the order
** step by step starts on the panels the step before read last, still in L2. */
#define LSTM__GEMM_REVERSE 2
void lstm__gemm_packed(int isa, int M, int N, int K, const float *A, int lda, const float *Bp,
                       float *C, int ldc, int accumulate);

/* The same split by column panels over a session's threads when M*N*K reaches min_work
** (w may be NULL) and the helpers are not behind (lstm__workers_solo). A one-off product
** wakes sleeping helpers (~0.1 ms on these machines): LSTM__SPLIT_ONCE; the products of
** consecutive time steps find them spinning: LSTM__SPLIT_STEP. Measured with lstm-run --bench
** at 2 threads: H = 512, batch 1 goes from 19 to 8 ms with the step threshold; H = 32 loses 4x
** if its input projection is split. */
#define LSTM__SPLIT_ONCE 2e6
#define LSTM__SPLIT_STEP 2.5e5
struct lstm__workers;
void lstm__gemm_packed_mt(struct lstm__workers *w, double min_work, int isa, int M, int N, int K,
                          const float *A, int lda, const float *Bp, float *C, int ldc,
                          int accumulate);

/* Integer products (QLinearMatMul, MatMulInteger, ConvInteger, QLinearConv): B [K x N] int16
** (row-major, values within +-32767) packed in panels of LSTM__I16_NR columns, its rows in
** pairs (panel p, pair q: the 2 x NR values B[2q][pNR + j], B[2q + 1][pNR + j] interleaved by
** column, zeros past N and K); C [M x N] = A [M x K] * B, int32 sums modulo 2^32 (exact). */
#define LSTM__I16_NR 16
size_t lstm__pack_i16_count(int K, int N);
void lstm__pack_i16(int16_t *dst, const int16_t *B, int K, int N);
/* The same for set isa from K rows of B (ldb apart) into the pairs from dst on, panel p at
** dst + p panel: lstm__pack_i16 is panel = ceil(K / 2) 2 NR, ldb = N; a caller packing a matrix
** two rows at a time gives each pair its own dst (+ 2 NR per pair) and the whole's panel. */
void lstm__pack_i16_isa(int isa, int16_t *dst, size_t panel, const int16_t *B, size_t ldb, int K,
                        int N);
void lstm__mm_i16(int isa, int M, int N, int K, const int16_t *A, int lda, const int16_t *Bp,
                  uint32_t *C, int ldc);

/* v rounded to the nearest integer, halves to even, for |v| <= 2^22: as nearbyintf in the
** default rounding mode, without a call (1.5 2^23 + v has a spacing of 1; the project never
** builds with -ffast-math, which would fold it). */
static inline float lstm__round_small(float v)
{
    const float m = 12582912.0f;
    return (v + m) - m;
}

/* The 8-bit product, where a set has one (AVX-512 VNNI): C [M x N] = (A - za) (B - zb), int32
** sums modulo 2^32 (exact), A uint8 [M x K] (lda apart) with row m's zero point
** za[m za_step], B [K x N] int8
** or uint8 (ldb apart) with a zero point per column. lstm__pack8 stores B as int8 (uint8 less
** 128, its zero points too) in panels of LSTM__I8_NR columns by quads of k (panel p, quad q:
** the 4 x NR values B[4q + r][p NR + j] at 4 j + r, zeros past N and K), each column's zero
** point zb_out and term ct = K zb_out - (its sum); then (A - za)(B - zb) = A B - zb (A's row
** sum) + za ct. lstm__mm8 computes the columns from n0 to n1 (multiples of LSTM__I8_NR, or N).
** lstm__mm8_available: whether set isa has the product and this CPU runs it. */
#define LSTM__I8_NR 16
int lstm__mm8_available(int isa);
size_t lstm__pack8_bytes(int K, int N);
void lstm__pack8(int8_t *dst, int32_t *ct, int32_t *zb_out, const void *B, int b_signed, size_t ldb,
                 int K, int N, const int32_t *zb);
void lstm__mm8(int isa, int M, int N, int K, const uint8_t *A, int lda, const int32_t *za,
               int za_step, const int8_t *Bp, const int32_t *ct, const int32_t *zb, uint32_t *C,
               int ldc, int n0, int n1);

/* Requantization: y[i] = round(acc[i] (as int32) x mult[per_elem ? i : 0]) + zp, halves to
** even, saturated to int8 (sgn) or uint8 (NaN: the lowest value). */
void lstm__requant8(int isa, const uint32_t *acc, size_t n, const float *mult, int per_elem,
                    int sgn, int32_t zp, void *y);
/* Quantization (QuantizeLinear's): y[i] = round(x[i] / scale) + zp, halves to even, saturated
** to int8 (sgn) or uint8 (NaN: the lowest value). */
void lstm__quant8(int isa, const float *x, size_t n, float scale, int32_t zp, int sgn, void *y);
/* Dequantization (DequantizeLinear's): y[i] = (x[i] - zp) scale in float32, for n int8 (sgn) or
** uint8 values x. */
void lstm__dequant8(int isa, const void *x, size_t n, int sgn, int32_t zp, float scale, float *y);
/* *lo = min(*lo, x[i]...), *hi = max(*hi, x[i]...) over n floats; NaNs are passed over. */
void lstm__range(int isa, const float *x, size_t n, float *lo, float *hi);
/* out[i] = x[i] - zp for n int8 (sgn) or uint8 values x. */
void lstm__widen8(int isa, const void *x, size_t n, int sgn, int32_t zp, int16_t *out);

/* In place, n elements (any count: the entry points split it for the kernels). Max abs error
 *against libm: 2e-7 (sigmoid), 4e-7 (tanh); exp: relative
 ** 3e-7 on [-87, 88.7], +inf above, 0 below -87.3 (where e^x is no longer a normal float). */
void lstm__vexp(int isa, float *x, size_t n);
/* erf in place: within 3 ulp (1.3e-7) of erf; NaN passes. */
void lstm__verf(int isa, float *x, size_t n);
/* y = scale (max(x, 0) + alpha (e^(min(x, 0) / div) - 1)) (Elu, Selu, Celu; x may be y), and
** log(1 + e^x) in place: within 1e-6 relative of libm's double (e^x - 1 without cancellation
** near 0, no overflow), NaN passes (test_simd elu_softplus). */
void lstm__velu(int isa, const float *x, float *y, size_t n, float alpha, float scale, float div);
void lstm__vsoftplus(int isa, float *x, size_t n);
void lstm__vsigmoid(int isa, float *x, size_t n);
void lstm__vtanh(int isa, float *x, size_t n);

/* One batch row of the LSTM cell with the default activations (sigmoid, tanh, tanh) in one
** pass: a = x + q + bias (blocks i, o, f, c of H each); i = f(a_i + P_i.c), f = f(a_f + P_f.c)
** (or 1 - i when coupled), c = f.c + i.tanh(a_c), o = f(a_o + P_o.c) with the new c,
** h = o.tanh(c). */
void lstm__lstm_cell(int isa, const lstm__cell_args *a, const float *x, const float *q, float *c,
                     float *h);

/* Direct convolution, n <= nr output pixels of one row of a stride-1 convolution for M output
** channels: C[m][j] = act(sum_k A[m][k] base[off[k] + j] + bias[m]) for j < n, where A holds
** the weights (rows lda apart, K = channels x taps) and off[k] is where tap k of pixel 0 sits in
** a zero-padded input (so the window rows of consecutive pixels are contiguous: no im2col).
** C rows are ldc apart; bias and act may be NULL. */
void lstm__conv_rows(int isa, int M, int n, int K, const float *A, int lda, const float *base,
                     const int *off, float *C, int ldc, const float *bias,
                     const lstm__conv_act *act);

/* One batch row of the GRU cell with linear_before_reset = 1 and the default activations
** (sigmoid, tanh): a = x + q + bias (blocks z, r, h), z = f(a_z), r = f(a_r),
** h~ = g(x_h + b_h + r.(q_h + rbh)), h = (1 - z).h~ + z.hp (hp: the previous h; h may be hp). */
void lstm__gru_cell(int isa, const lstm__cell_args *a, const float *x, const float *q,
                    const float *hp, float *h);

#endif
