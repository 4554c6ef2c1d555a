/* kernel.c — helpers for operator implementations. */
#include "kernel.h"
#include "dtype.h"
#include "plan.h"

#include <stdio.h>
#include <string.h>

int64_t lstm__dims_count(int rank, const int64_t *dims)
{
    int64_t n = 1;
    for (int i = 0; i < rank; i++)
        if (dims[i] < 0 || !lstm__mul_i64(n, dims[i], &n)) return -1;
    return n;
}

const char *lstm__dims_str(char *buf, size_t n, int rank, const int64_t *dims)
{
    size_t o = (size_t)snprintf(buf, n, "[");
    for (int i = 0; i < rank && o < n; i++)
        o += (size_t)snprintf(buf + o, n - o, "%s%lld", i ? "," : "", (long long)dims[i]);
    if (o < n) snprintf(buf + o, n - o, "]");
    return buf;
}

int lstm__rt_set(lstm__kctx *k, lstm__rt *t, int dtype, int rank, const int64_t *dims)
{
    if (!t) return LSTM_OK; /* absent optional output */
    if (rank < 0 || rank > LSTM__MAX_RANK)
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: output rank %d exceeds %d", lstm__klabel(k),
                          rank, LSTM__MAX_RANK);
    int64_t n = lstm__dims_count(rank, dims);
    size_t es = lstm__dtype_size(dtype), bytes;
    uint64_t limit = k->max_tensor_bytes ? k->max_tensor_bytes : (uint64_t)1 << 40;
    char s[128];
    if (n < 0 || (uint64_t)n > SIZE_MAX || !lstm__mul_size((size_t)n, es, &bytes) || bytes > limit)
        return lstm__errf(k->d, LSTM_ELIMIT,
                          "%s: an output of shape %s exceeds the tensor limit of "
                          "%llu bytes",
                          lstm__klabel(k), lstm__dims_str(s, sizeof s, rank, dims),
                          (unsigned long long)limit);
    if (!n && !lstm__dims_addressable(rank, dims, es ? es : 1)) /* with elements: within limit */
        return lstm__errf(k->d, LSTM_ELIMIT,
                          "%s: an output of shape %s is too big to address (no element, but its "
                          "nonzero dimensions times %zu bytes exceed 2^63)",
                          lstm__klabel(k), lstm__dims_str(s, sizeof s, rank, dims), es);
    t->dtype = dtype;
    t->rank = rank;
    for (int i = 0; i < rank; i++) t->dims[i] = dims[i];
    t->nelem = (size_t)n;
    t->nbytes = bytes;
    return LSTM_OK;
}

float lstm__f16_to_f32(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, exp = (h >> 10) & 0x1f, man = h & 0x3ff, bits;
    if (exp == 0) {
        if (man == 0) {
            bits = sign;
        } else { /* subnormal: normalise */
            int e = -1;
            do {
                e++;
                man <<= 1;
            } while (!(man & 0x400));
            bits = sign | (uint32_t)(127 - 15 - e) << 23 | (man & 0x3ff) << 13;
        }
    } else if (exp == 31) {
        bits = sign | 0x7f800000u | man << 13;
    } else {
        bits = sign | (exp + 112) << 23 | man << 13;
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

uint16_t lstm__f32_to_f16(float f)
{
    uint32_t x;
    memcpy(&x, &f, 4);
    uint32_t sign = (x >> 16) & 0x8000, absx = x & 0x7fffffffu;
    if (absx >= 0x7f800000u) /* inf or nan */
        return (uint16_t)(sign | 0x7c00 |
                          (absx > 0x7f800000u ? 0x200 | ((absx >> 13) & 0x3ff) : 0));
    if (absx >= 0x477ff000u) return (uint16_t)(sign | 0x7c00); /* rounds to inf */
    if (absx < 0x38800000u) {                                  /* subnormal or zero */
        if (absx < 0x33000001u) return (uint16_t)sign;
        uint32_t man = (absx & 0x7fffff) | 0x800000;
        int shift = 126 - (int)(absx >> 23); /* 14..24 */
        uint32_t half = man >> shift, rem = man & ((1u << shift) - 1), mid = 1u << (shift - 1);
        if (rem > mid || (rem == mid && (half & 1))) half++;
        return (uint16_t)(sign | half);
    }
    uint32_t h = ((absx - 0x38000000u) >> 13), rem = absx & 0x1fff;
    h += (uint32_t)(rem > 0x1000) | ((uint32_t)(rem == 0x1000) & h); /* to nearest even, */
    return (uint16_t)(sign | h); /* without a branch on the data's low bits */
}

float lstm__bf16_to_f32(uint16_t h)
{
    uint32_t bits = (uint32_t)h << 16;
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

uint16_t lstm__f32_to_bf16(float f)
{
    uint32_t x;
    memcpy(&x, &f, 4);
    if ((x & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((x >> 16) | 0x40); /* quiet nan */
    x += 0x7fff + ((x >> 16) & 1); /* round to nearest even */
    return (uint16_t)(x >> 16);
}

int lstm__need_value(lstm__kctx *k, int idx, const char *what)
{
    (void)what;
    const lstm__rt *t = idx < k->n->n_in ? k->in[idx] : NULL;
    if (!t || t->known || !k->planning) return LSTM_OK;
    /* The model's inputs can be read while planning (the plan is redone when they change);
    ** anything else computed at run time defers the node to the run. */
    if (t->input && k->plan && !k->plan->parent) {
        k->plan->value_deps[t->input - 1] = 1;
        return LSTM_OK;
    }
    return lstm__need_late(k);
}

int lstm__need_late(lstm__kctx *k)
{
    k->d->code = LSTM__DEFER;
    k->d->msg[0] = '\0';
    return LSTM__DEFER;
}
