/*
** quant_x86.h — the 8-bit conversions (simd.h: lstm__requant8, lstm__quant8, lstm__dequant8,
** lstm__widen8), the range dynamic quantization takes (lstm__range) and
** the integer product's packing (lstm__pack_i16_isa) with AVX2, included by the x86 kernel sets.
** Rounding is cvtps2dq's: to nearest, halves to even, in the default rounding mode (as
** nearbyintf).
*/
#ifndef LSTM_QUANT_X86_H
#define LSTM_QUANT_X86_H

#include <immintrin.h>

/* 8 int32 lanes (within the 8-bit range) to 8 bytes at y. */
static inline void store8(void *y, __m256i q, int sgn)
{
    __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
    __m128i b = sgn ? _mm_packs_epi16(w, w) : _mm_packus_epi16(w, w);
    _mm_storel_epi64((__m128i *)y, b);
}

static void k_requant8(const uint32_t *acc, size_t n, const float *mult, int per_elem, int sgn,
                       int32_t zp, void *y)
{
    /* Clamped before rounding (the same: the bounds are integers, rounding is monotonic); max
    ** with the bound second turns NaN into the bound. */
    const __m256 lo = _mm256_set1_ps((float)((sgn ? -128 : 0) - zp)),
                 hi = _mm256_set1_ps((float)((sgn ? 127 : 255) - zp));
    const __m256i z = _mm256_set1_epi32(zp);
    uint8_t *out = y;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 m = per_elem ? _mm256_loadu_ps(mult + i) : _mm256_broadcast_ss(mult);
        __m256 v =
            _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_loadu_si256((const __m256i *)(acc + i))), m);
        v = _mm256_min_ps(_mm256_max_ps(v, lo), hi);
        store8(out + i, _mm256_add_epi32(_mm256_cvtps_epi32(v), z), sgn);
    }
    if (i < n) { /* the last 1 to 7 through a lane-sized copy */
        uint32_t a[8] = {0};
        float m[8] = {0};
        uint8_t t[8];
        for (size_t j = 0; j < n - i; j++) a[j] = acc[i + j], m[j] = mult[per_elem ? i + j : 0];
        k_requant8(a, 8, m, 1, sgn, zp, t);
        for (size_t j = 0; j < n - i; j++) out[i + j] = t[j];
    }
}

static void k_quant8(const float *x, size_t n, float scale, int32_t zp, int sgn, void *y)
{
    const __m256 lo = _mm256_set1_ps((float)((sgn ? -128 : 0) - zp)),
                 hi = _mm256_set1_ps((float)((sgn ? 127 : 255) - zp)), s = _mm256_set1_ps(scale);
    const __m256i z = _mm256_set1_epi32(zp);
    uint8_t *out = y;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_div_ps(_mm256_loadu_ps(x + i), s); /* as the scalar division */
        v = _mm256_min_ps(_mm256_max_ps(v, lo), hi);
        store8(out + i, _mm256_add_epi32(_mm256_cvtps_epi32(v), z), sgn);
    }
    if (i < n) {
        float a[8] = {0};
        uint8_t t[8];
        for (size_t j = 0; j < n - i; j++) a[j] = x[i + j];
        k_quant8(a, 8, scale, zp, sgn, t);
        for (size_t j = 0; j < n - i; j++) out[i + j] = t[j];
    }
}

static void k_dequant8(const void *x, size_t n, int sgn, int32_t zp, float scale, float *y)
{
    const uint8_t *p = x;
    const __m256 z = _mm256_set1_ps((float)zp), s = _mm256_set1_ps(scale);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m128i b = _mm_loadl_epi64((const __m128i *)(p + i));
        __m256i w = sgn ? _mm256_cvtepi8_epi32(b) : _mm256_cvtepu8_epi32(b);
        _mm256_storeu_ps(y + i, _mm256_mul_ps(_mm256_sub_ps(_mm256_cvtepi32_ps(w), z), s));
    }
    for (; i < n; i++)
        y[i] = ((float)(sgn ? (int32_t)(int8_t)p[i] : (int32_t)p[i]) - (float)zp) * scale;
}

static void k_range(const float *x, size_t n, float *lo, float *hi)
{
    /* min / max return their second operand when either is NaN: NaNs are passed over, as the
    ** portable loop's comparisons pass them over. */
    __m256 a = _mm256_set1_ps(*lo), b = _mm256_set1_ps(*hi);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 v = _mm256_loadu_ps(x + i);
        a = _mm256_min_ps(v, a);
        b = _mm256_max_ps(v, b);
    }
    float la[8], hb[8];
    _mm256_storeu_ps(la, a);
    _mm256_storeu_ps(hb, b);
    for (int j = 0; j < 8; j++) {
        if (la[j] < *lo) *lo = la[j];
        if (hb[j] > *hi) *hi = hb[j];
    }
    for (; i < n; i++) {
        if (x[i] < *lo) *lo = x[i];
        if (x[i] > *hi) *hi = x[i];
    }
}

static void k_widen8(const void *x, size_t n, int sgn, int32_t zp, int16_t *out)
{
    const uint8_t *p = x;
    const __m256i z = _mm256_set1_epi16((int16_t)zp);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m128i b = _mm_loadu_si128((const __m128i *)(p + i));
        __m256i w = sgn ? _mm256_cvtepi8_epi16(b) : _mm256_cvtepu8_epi16(b);
        _mm256_storeu_si256((__m256i *)(out + i), _mm256_sub_epi16(w, z));
    }
    for (; i < n; i++) out[i] = (int16_t)((sgn ? (int32_t)(int8_t)p[i] : (int32_t)p[i]) - zp);
}

/* Pairs of rows interleaved by column (simd.h: lstm__pack_i16_isa): a pair row of a full panel
** is the two rows' 16 values unpacked into 32. */
static void k_pack_i16(int16_t *dst, size_t panel, const int16_t *B, size_t ldb, int K, int N)
{
    const int pairs = (K + 1) / 2, full = N / LSTM__I16_NR;
    for (int q = 0; q < pairs; q++) {
        const int16_t *r0 = B + (size_t)(2 * q) * ldb, *r1 = 2 * q + 1 < K ? r0 + ldb : NULL;
        int16_t *d = dst + (size_t)q * 2 * LSTM__I16_NR;
        for (int p = 0; p < full; p++, d += panel) {
            __m256i a = _mm256_loadu_si256((const __m256i *)(r0 + p * LSTM__I16_NR));
            __m256i b = r1 ? _mm256_loadu_si256((const __m256i *)(r1 + p * LSTM__I16_NR))
                           : _mm256_setzero_si256();
            __m256i lo = _mm256_unpacklo_epi16(a, b), hi = _mm256_unpackhi_epi16(a, b);
            _mm256_storeu_si256((__m256i *)d, _mm256_permute2x128_si256(lo, hi, 0x20));
            _mm256_storeu_si256((__m256i *)(d + 16), _mm256_permute2x128_si256(lo, hi, 0x31));
        }
        if (full * LSTM__I16_NR < N) /* the last panel, partial: zeros past N */
            for (int j = 0; j < LSTM__I16_NR; j++) {
                const int n = full * LSTM__I16_NR + j;
                d[2 * j] = n < N ? r0[n] : 0;
                d[2 * j + 1] = n < N && r1 ? r1[n] : 0;
            }
    }
}

#define KS_PACK_I16 k_pack_i16
#define KS_REQUANT8 k_requant8
#define KS_WIDEN8   k_widen8
#define KS_QUANT8   k_quant8
#define KS_DEQUANT8 k_dequant8
#define KS_RANGE    k_range

#endif
