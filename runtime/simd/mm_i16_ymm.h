/*
** mm_i16_ymm.h — the ymm tile and driver of the integer product, included by mm_i16_x86.h once
** per way of forming a pair product: I16_NAME (the driver's name), I16_ATTR (its target
** attribute, or nothing) and I16_DOT(c, a, b) (c + the pair products of a and b, per int32
** lane) are defined before each inclusion and undefined after it.
*/
/* C[h rows, ncols] = A[h rows, K] x one panel; lane j of c[i][0] / c[i][1] is column j / 8 + j. */
static inline __attribute__((always_inline)) I16_ATTR void
I16_CAT(I16_NAME, _tile)(const int h, int K, const int16_t *A, int lda, const int16_t *B,
                         uint32_t *C, int ldc, int ncols)
{
    const int ku = I16_KU(h);
    __m256i c[4][I16_MR][2];
#pragma GCC unroll 4
    for (int u = 0; u < ku; u++)
#pragma GCC unroll 6
        for (int i = 0; i < h; i++) c[u][i][0] = c[u][i][1] = _mm256_setzero_si256();
    int k = 0;
    for (; k + 2 * ku <= K; k += 2 * ku)
#pragma GCC unroll 4
        for (int u = 0; u < ku; u++)
            I16_STEP(I16_DOT, u,
                     _mm256_set1_epi32(i16_pair(A + (size_t)i * (size_t)lda + k + 2 * u)));
    for (; k + 1 < K; k += 2)
        I16_STEP(I16_DOT, 0, _mm256_set1_epi32(i16_pair(A + (size_t)i * (size_t)lda + k)));
    if (k < K) /* an odd K's last row pairs with the packing's zeros */
        I16_STEP(I16_DOT, 0, _mm256_set1_epi32((int32_t)(uint16_t)A[(size_t)i * (size_t)lda + k]));
#pragma GCC unroll 4
    for (int u = 1; u < ku; u++)
#pragma GCC unroll 6
        for (int i = 0; i < h; i++) {
            c[0][i][0] = _mm256_add_epi32(c[0][i][0], c[u][i][0]);
            c[0][i][1] = _mm256_add_epi32(c[0][i][1], c[u][i][1]);
        }
#pragma GCC unroll 6
    for (int i = 0; i < h; i++) {
        uint32_t *o = C + (size_t)i * (size_t)ldc;
        if (ncols == LSTM__I16_NR) {
            _mm256_storeu_si256((__m256i *)o, c[0][i][0]);
            _mm256_storeu_si256((__m256i *)(o + 8), c[0][i][1]);
        } else {
            uint32_t t[LSTM__I16_NR];
            _mm256_storeu_si256((__m256i *)t, c[0][i][0]);
            _mm256_storeu_si256((__m256i *)(t + 8), c[0][i][1]);
            memcpy(o, t, (size_t)ncols * sizeof *t);
        }
    }
}

static I16_ATTR void I16_NAME(int M, int N, int K, const int16_t *A, int lda, const int16_t *Bp,
                              uint32_t *C, int ldc)
{
    const int panels = (N + LSTM__I16_NR - 1) / LSTM__I16_NR;
    const size_t panel = (size_t)((K + 1) / 2) * 2 * LSTM__I16_NR;
    for (int p = 0; p < panels; p++) {
        const int16_t *B = Bp + (size_t)p * panel;
        const int ncols = N - p * LSTM__I16_NR < LSTM__I16_NR ? N - p * LSTM__I16_NR : LSTM__I16_NR;
        for (int i = 0; i < M; i += I16_MR) {
            const int16_t *a = A + (size_t)i * (size_t)lda;
            uint32_t *c = C + (size_t)i * (size_t)ldc + (size_t)p * LSTM__I16_NR;
            switch (M - i) { /* each height its own unrolled copy */
            case 1:
                I16_CAT(I16_NAME, _tile)(1, K, a, lda, B, c, ldc, ncols);
                break;
            case 2:
                I16_CAT(I16_NAME, _tile)(2, K, a, lda, B, c, ldc, ncols);
                break;
            case 3:
                I16_CAT(I16_NAME, _tile)(3, K, a, lda, B, c, ldc, ncols);
                break;
            case 4:
                I16_CAT(I16_NAME, _tile)(4, K, a, lda, B, c, ldc, ncols);
                break;
            case 5:
                I16_CAT(I16_NAME, _tile)(5, K, a, lda, B, c, ldc, ncols);
                break;
            default:
                I16_CAT(I16_NAME, _tile)(I16_MR, K, a, lda, B, c, ldc, ncols);
                break;
            }
        }
    }
}
