/*
** isa_portable.c — the portable kernel set: GNU C vectors of 4 floats (SSE2 on x86-64, NEON on
** aarch64, plain scalar code where the target has no SIMD), with libm's exp, sigmoid and tanh
** lane by lane. It needs nothing of the CPU and is the last row of the table.
*/
#include "simd/simd.h"

#include <math.h>
#include <string.h>

#define KS_NAME  portable
#define KS_NEEDS 0u
#define VL       4
#define NREG     16
#define MR       4
#define NV       3
#define ACC      8

typedef float vf __attribute__((vector_size(16)));
typedef int vm __attribute__((vector_size(16)));

#define v_zero()          ((vf){0.0f, 0.0f, 0.0f, 0.0f})
#define v_set1(s)         (v_zero() + (float)(s))
#define v_bcast(p)        v_set1(*(p))
#define v_add(a, b)       ((a) + (b))
#define v_sub(a, b)       ((a) - (b))
#define v_mul(a, b)       ((a) * (b))
#define v_div(a, b)       ((a) / (b))
#define v_fma(a, b, c)    ((a) * (b) + (c))
#define KS_FMA_FUSED      0 /* v_fma rounds twice (a * b, then + c) */
#define v_fnma(a, b, c)   ((c) - (a) * (b))
#define v_lt(a, b)        ((a) < (b))
#define v_select(m, a, b) ((vf)(((m) & (vm)(a)) | (~(m) & (vm)(b))))
#define v_max(x, y)       v_select(v_lt(x, y), y, x) /* a NaN in x fails the test: x */
#define v_min(x, y)       v_select(v_lt(y, x), y, x)
#define v_abs(x)          ((vf)((vm)(x)&0x7fffffff))
#define v_copysign(m, s)  ((vf)((vm)(m) | ((vm)(s) & (int)0x80000000u)))

static inline vf v_load(const float *p)
{
    vf v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void v_store(float *p, vf v)
{
    memcpy(p, &v, sizeof v);
}

static inline vf v_load_n(const float *p, int n)
{
    vf v = v_zero();
    for (int i = 0; i < n; i++) v[i] = p[i];
    return v;
}

static inline void v_store_n(float *p, vf v, int n)
{
    for (int i = 0; i < n; i++) p[i] = v[i];
}

static inline vf v_round(vf x)
{
    for (int i = 0; i < VL; i++) x[i] = rintf(x[i]);
    return x;
}

static inline vf v_pow2n(vf p, vf n)
{
    for (int i = 0; i < VL; i++) p[i] = n[i] == n[i] ? ldexpf(p[i], (int)n[i]) : n[i];
    return p;
}

static inline float v_hsum(vf v)
{
    return (v[0] + v[1]) + (v[2] + v[3]);
}

static inline vf sigmoid_libm(vf x)
{
    for (int i = 0; i < VL; i++) {
        float e = expf(-fabsf(x[i])); /* never overflows */
        x[i] = x[i] >= 0 ? 1.0f / (1.0f + e) : x[i] < 0 ? e / (1.0f + e) : x[i];
    }
    return x;
}

static inline vf tanh_libm(vf x)
{
    for (int i = 0; i < VL; i++) x[i] = tanhf(x[i]);
    return x;
}

#define V_SIGMOID sigmoid_libm
#define V_TANH    tanh_libm

#include "simd/kernels.h"
