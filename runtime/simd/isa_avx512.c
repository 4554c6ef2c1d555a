/*
** isa_avx512.c — the AVX-512 kernel set (32 zmm registers of 16 floats). Compiled with
** -mavx512f -mavx512dq -mfma on x86-64 (elsewhere an empty row); run only when the CPU has
** AVX-512 F and DQ. GEMM tile 8 x 32: 16 accumulators, 2 zmm of the B panel, A broadcast.
*/
#include "simd/simd.h"

#if defined(__x86_64__) && defined(__AVX512F__) && defined(__AVX512DQ__)
#include <immintrin.h>

#define KS_NAME  avx512
#define KS_NEEDS (LSTM__CPU_AVX512F | LSTM__CPU_AVX512DQ)
#define VL       16
#define NREG     32
#define MR       8
#define NV       2
#define ACC      8 /* FMA latency 4 cycles x 2 ports */

typedef __m512 vf;
typedef __mmask16 vm;

#define v_keep(v)          __asm__("" : "+v"(v))
#define v_zero()           _mm512_setzero_ps()
#define v_set1(s)          _mm512_set1_ps(s)
#define v_bcast(p)         _mm512_set1_ps(*(p))
#define v_load(p)          _mm512_loadu_ps(p)
#define v_store(p, v)      _mm512_storeu_ps(p, v)
#define v_load_n(p, n)     _mm512_maskz_loadu_ps(lanes_below(n), p)
#define v_store_n(p, v, n) _mm512_mask_storeu_ps(p, lanes_below(n), v)
#define v_add(a, b)        _mm512_add_ps(a, b)
#define v_sub(a, b)        _mm512_sub_ps(a, b)
#define v_mul(a, b)        _mm512_mul_ps(a, b)
#define v_div(a, b)        _mm512_div_ps(a, b)
#define v_fma(a, b, c)     _mm512_fmadd_ps(a, b, c)
#define KS_FMA_FUSED       1 /* v_fma rounds once */
#define v_fnma(a, b, c)    _mm512_fnmadd_ps(a, b, c)
#define v_max(x, y)        _mm512_max_ps(y, x) /* the second operand when either is NaN */
#define v_min(x, y)        _mm512_min_ps(y, x)
#define v_abs(x)           _mm512_andnot_ps(sign_bit(), x)
#define v_copysign(m, s)   _mm512_or_ps(m, _mm512_and_ps(s, sign_bit()))
#define v_round(x)         _mm512_roundscale_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define v_pow2n(p, n)      _mm512_scalef_ps(p, n)
#define v_lt(a, b)         _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ)
#define v_select(m, a, b)  _mm512_mask_blend_ps(m, b, a)
#define v_hsum(v)          _mm512_reduce_add_ps(v)

static inline __mmask16 lanes_below(int n)
{
    return (__mmask16)((1u << n) - 1);
}

static inline vf sign_bit(void)
{
    return _mm512_castsi512_ps(_mm512_set1_epi32((int)0x80000000u));
}

#define I16_VNNI
#include "simd/mm_i16_x86.h"
#include "simd/mm8_x86.h"
#include "simd/quant_x86.h"
#include "simd/kernels.h"
#else
const lstm__kernels lstm__kernels_avx512 = {.name = "avx512"}; /* not built for this target */
#endif
