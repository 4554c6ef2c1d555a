/*
** isa_neon.c — the aarch64 Advanced SIMD (NEON) kernel set (32 q registers of 4 floats). Part of
** the aarch64 baseline, so no flags (elsewhere an empty row); run when getauxval(AT_HWCAP) has
** ASIMD. GEMM tile 4 x 16: 16 accumulators, 4 q of the B panel and 4 values of A per k (with 8
** rows, the 8 A values and 24 accumulators of an 8 x 12 tile spill).
*/
#include "simd/simd.h"

#if defined(__aarch64__) && defined(__ARM_NEON)
#include <arm_neon.h>
#include <string.h>

#define KS_NAME  neon
#define KS_NEEDS LSTM__CPU_ASIMD
#define VL       4
#define NREG     32
#define MR       4
#define NV       4
#define ACC      12 /* FMA latency 4 cycles x 2 to 4 pipes */

typedef float32x4_t vf;
typedef uint32x4_t vm;

#define v_zero()          vdupq_n_f32(0.0f)
#define v_set1(s)         vdupq_n_f32(s)
#define v_bcast(p)        vld1q_dup_f32(p)
#define v_load(p)         vld1q_f32(p)
#define v_store(p, v)     vst1q_f32(p, v)
#define v_add(a, b)       vaddq_f32(a, b)
#define v_sub(a, b)       vsubq_f32(a, b)
#define v_mul(a, b)       vmulq_f32(a, b)
#define v_div(a, b)       vdivq_f32(a, b)
#define v_fma(a, b, c)    vfmaq_f32(c, a, b)
#define KS_FMA_FUSED      1 /* v_fma rounds once */
#define v_fnma(a, b, c)   vfmsq_f32(c, a, b)
#define v_max(x, y)       vmaxq_f32(x, y) /* NaN if either is */
#define v_min(x, y)       vminq_f32(x, y)
#define v_abs(x)          vabsq_f32(x)
#define v_copysign(m, s)  vbslq_f32(vdupq_n_u32(0x80000000u), s, m)
#define v_round(x)        vrndnq_f32(x)
#define v_lt(a, b)        vcltq_f32(a, b)
#define v_select(m, a, b) vbslq_f32(m, a, b)
#define v_hsum(v)         vaddvq_f32(v)

static inline vf v_load_n(const float *p, int n)
{
    float t[4] = {0};
    memcpy(t, p, sizeof(float) * (size_t)n);
    return vld1q_f32(t);
}

static inline void v_store_n(float *p, vf v, int n)
{
    float t[4];
    vst1q_f32(t, v);
    memcpy(p, t, sizeof(float) * (size_t)n);
}

/* 2^n built in the exponent bits. */
static inline vf v_pow2n(vf p, vf n)
{
    int32x4_t e = vaddq_s32(vcvtq_s32_f32(n), vdupq_n_s32(127));
    return vmulq_f32(p, vreinterpretq_f32_s32(vshlq_n_s32(e, 23)));
}

#include "simd/kernels.h"
#else
const lstm__kernels lstm__kernels_neon = {.name = "neon"}; /* not built for this target */
#endif
