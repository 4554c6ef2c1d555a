/*
** conv_vec.h — short-vector loops for the convolution, pooling and normalisation kernels
** (GCC / clang vector extensions: the baseline ISA's 4-float registers, so -O2 builds get vector
** code without per-ISA files; the heavy products go through runtime/simd).
*/
#ifndef LSTM_CONV_VEC_H
#define LSTM_CONV_VEC_H

#include <stdint.h>

typedef float lstm__v4f __attribute__((vector_size(16), aligned(4), may_alias));
typedef int32_t lstm__v4i __attribute__((vector_size(16)));

static inline lstm__v4f lstm__v4_load(const float *p)
{
    return *(const lstm__v4f *)p;
}
static inline void lstm__v4_store(float *p, lstm__v4f v)
{
    *(lstm__v4f *)p = v;
}
static inline lstm__v4f lstm__v4_splat(float a)
{
    return (lstm__v4f){a, a, a, a};
}

/* d[i] = s[i] */
static inline void lstm__vcopy(float *d, const float *s, int64_t n)
{
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        lstm__v4f a = lstm__v4_load(s + i), b = lstm__v4_load(s + i + 4);
        lstm__v4_store(d + i, a);
        lstm__v4_store(d + i + 4, b);
    }
    for (; i < n; i++) d[i] = s[i];
}

/* d[i] = v */
static inline void lstm__vfill(float *d, float v, int64_t n)
{
    const lstm__v4f a = lstm__v4_splat(v);
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) lstm__v4_store(d + i, a);
    for (; i < n; i++) d[i] = v;
}

/* y[i] += b */
static inline void lstm__vadd_scalar(float *y, float b, int64_t n)
{
    const lstm__v4f a = lstm__v4_splat(b);
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) lstm__v4_store(y + i, lstm__v4_load(y + i) + a);
    for (; i < n; i++) y[i] += b;
}

/* y[i] += a * x[i] */
static inline void lstm__vaxpy(float *y, float a, const float *x, int64_t n)
{
    const lstm__v4f av = lstm__v4_splat(a);
    int64_t i = 0;
    for (; i + 4 <= n; i += 4)
        lstm__v4_store(y + i, lstm__v4_load(y + i) + av * lstm__v4_load(x + i));
    for (; i < n; i++) y[i] += a * x[i];
}

/* y[i] = x[i] * a + b */
static inline void lstm__vscale_shift(float *y, const float *x, float a, float b, int64_t n)
{
    const lstm__v4f av = lstm__v4_splat(a), bv = lstm__v4_splat(b);
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) lstm__v4_store(y + i, lstm__v4_load(x + i) * av + bv);
    for (; i < n; i++) y[i] = x[i] * a + b;
}

/* y[i] = x[i] < 0 ? 0 : x[i] (NaN and -0 pass through, as the scalar form) */
static inline void lstm__vrelu(float *y, const float *x, int64_t n)
{
    const lstm__v4f zero = lstm__v4_splat(0.0f);
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) {
        lstm__v4f v = lstm__v4_load(x + i);
        lstm__v4i neg = v < zero;
        lstm__v4_store(y + i, (lstm__v4f)((lstm__v4i)v & ~neg));
    }
    for (; i < n; i++) y[i] = x[i] < 0 ? 0.0f : x[i];
}

/* Even and odd elements of the 8 floats a, b (portable shuffles). */
#if defined(__clang__)
#define LSTM__V4_EVEN(a, b) __builtin_shufflevector(a, b, 0, 2, 4, 6)
#define LSTM__V4_ODD(a, b)  __builtin_shufflevector(a, b, 1, 3, 5, 7)
#else
#define LSTM__V4_EVEN(a, b) __builtin_shuffle(a, b, (lstm__v4i){0, 2, 4, 6})
#define LSTM__V4_ODD(a, b)  __builtin_shuffle(a, b, (lstm__v4i){1, 3, 5, 7})
#endif
/* b where b > a, else a (the first operand wins ties and NaN, as a scalar "take the first, then
** any greater one" does). */
static inline lstm__v4f lstm__v4_keep_max(lstm__v4f a, lstm__v4f b)
{
    lstm__v4i gt = b > a;
    return (lstm__v4f)(((lstm__v4i)b & gt) | ((lstm__v4i)a & ~gt));
}

/* y[i] = max over the 2x2 block at (2i, 2i+1) of rows r0, r1, taps in the order r0[2i],
** r0[2i+1], r1[2i], r1[2i+1]. */
static inline void lstm__vmax2x2(float *y, const float *r0, const float *r1, int64_t n)
{
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) {
        lstm__v4f a0 = lstm__v4_load(r0 + 2 * i), b0 = lstm__v4_load(r0 + 2 * i + 4);
        lstm__v4f a1 = lstm__v4_load(r1 + 2 * i), b1 = lstm__v4_load(r1 + 2 * i + 4);
        lstm__v4f m = lstm__v4_keep_max(LSTM__V4_EVEN(a0, b0), LSTM__V4_ODD(a0, b0));
        m = lstm__v4_keep_max(m, LSTM__V4_EVEN(a1, b1));
        lstm__v4_store(y + i, lstm__v4_keep_max(m, LSTM__V4_ODD(a1, b1)));
    }
    for (; i < n; i++) {
        float m = r0[2 * i];
        m = r0[2 * i + 1] > m ? r0[2 * i + 1] : m;
        m = r1[2 * i] > m ? r1[2 * i] : m;
        y[i] = r1[2 * i + 1] > m ? r1[2 * i + 1] : m;
    }
}

#endif
