/*
** isa_avx2.c — the AVX2 + FMA kernel set (16 ymm registers of 8 floats). Compiled with -mavx2
** -mfma on x86-64 (elsewhere an empty row); run only when the CPU has both.
** GEMM tile 4 x 24: 12 accumulators, 3 ymm of the B panel and a broadcast of A per k (16 ymm).
*/
#include "simd/simd.h"

#if defined(__x86_64__) && defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#define KS_NAME  avx2
#define KS_NEEDS (LSTM__CPU_AVX2 | LSTM__CPU_FMA)
#define VL       8
#define NREG     16
#define MR       4
#define NV       3
#define ACC      10 /* FMA latency 4-5 cycles x 2 ports */

typedef __m256 vf;
typedef __m256 vm;

#define v_keep(v)          __asm__("" : "+x"(v))
#define v_zero()           _mm256_setzero_ps()
#define v_set1(s)          _mm256_set1_ps(s)
#define v_bcast(p)         _mm256_broadcast_ss(p)
#define v_load(p)          _mm256_loadu_ps(p)
#define v_store(p, v)      _mm256_storeu_ps(p, v)
#define v_load_n(p, n)     _mm256_maskload_ps(p, lanes_below(n))
#define v_store_n(p, v, n) _mm256_maskstore_ps(p, lanes_below(n), v)
#define v_add(a, b)        _mm256_add_ps(a, b)
#define v_sub(a, b)        _mm256_sub_ps(a, b)
#define v_mul(a, b)        _mm256_mul_ps(a, b)
#define v_div(a, b)        _mm256_div_ps(a, b)
#define v_fma(a, b, c)     _mm256_fmadd_ps(a, b, c)
#define KS_FMA_FUSED       1 /* v_fma rounds once */
#define v_fnma(a, b, c)    _mm256_fnmadd_ps(a, b, c)
#define v_max(x, y)        _mm256_max_ps(y, x) /* the second operand when either is NaN */
#define v_min(x, y)        _mm256_min_ps(y, x)
#define v_abs(x)           _mm256_andnot_ps(sign_bit(), x)
#define v_copysign(m, s)   _mm256_or_ps(m, _mm256_and_ps(s, sign_bit()))
#define v_round(x)         _mm256_round_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define v_lt(a, b)         _mm256_cmp_ps(a, b, _CMP_LT_OQ)
#define v_select(m, a, b)  _mm256_blendv_ps(b, a, m)

static inline __m256i lanes_below(int n)
{
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

static inline vf sign_bit(void)
{
    return _mm256_castsi256_ps(_mm256_set1_epi32((int)0x80000000u));
}

/* 2^n built in the exponent bits. */
static inline vf v_pow2n(vf p, vf n)
{
    __m256i e = _mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127));
    return _mm256_mul_ps(p, _mm256_castsi256_ps(_mm256_slli_epi32(e, 23)));
}

static inline float v_hsum(vf v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
}

#include "simd/mm_i16_x86.h"
#include "simd/quant_x86.h"
#include "simd/kernels.h"
#else
const lstm__kernels lstm__kernels_avx2 = {.name = "avx2"}; /* not built for this target */
#endif
