/*
** inflate.c — see inflate.h. Canonical Huffman codes decoded a bit at a time (a few MB/s: enough
** for reference tensors); every read and every back-reference is checked against the buffers.
*/
#include "inflate.h"

#include <string.h>

typedef struct bits {
    const unsigned char *p;
    size_t n, pos;
    uint32_t buf; /* bits not yet used, the next one lowest */
    int cnt;      /* how many (below 8 between calls) */
} bits;

/* The next k (0..16) bits, first bit lowest; -1 past the end of the stream. */
static int32_t get(bits *b, int k)
{
    while (b->cnt < k) {
        if (b->pos >= b->n) return -1;
        b->buf |= (uint32_t)b->p[b->pos++] << b->cnt;
        b->cnt += 8;
    }
    int32_t v = (int32_t)(b->buf & ((1u << k) - 1));
    b->buf >>= k;
    b->cnt -= k;
    return v;
}

/* A canonical code: how many codes of each length, and the symbols in code order. */
typedef struct huff {
    short count[16];
    short sym[288];
} huff;

/* 0 for a complete code, > 0 for an incomplete one, -1 when over-subscribed. */
static int build(huff *h, const unsigned char *len, int n)
{
    short offs[16];
    memset(h->count, 0, sizeof h->count);
    for (int i = 0; i < n; i++) h->count[len[i]]++;
    h->count[0] = 0;
    int left = 1;
    for (int l = 1; l < 16; l++) {
        left = 2 * left - h->count[l];
        if (left < 0) return -1;
    }
    offs[1] = 0;
    for (int l = 1; l < 15; l++) offs[l + 1] = (short)(offs[l] + h->count[l]);
    for (int i = 0; i < n; i++)
        if (len[i]) h->sym[offs[len[i]]++] = (short)i;
    return left;
}

/* A literal/length or distance code as zlib takes it: complete, empty, or one code of 1 bit. */
static int usable(const huff *h, int left)
{
    int codes = 0;
    for (int l = 1; l < 16; l++) codes += h->count[l];
    return left == 0 || codes == 0 || (codes == 1 && h->count[1] == 1);
}

/* The next symbol; -1 at the end of the stream or for a code the table lacks. */
static int decode(bits *b, const huff *h)
{
    int code = 0, first = 0, index = 0;
    for (int l = 1; l < 16; l++) {
        int32_t bit = get(b, 1);
        if (bit < 0) return -1;
        code |= bit;
        if (code - h->count[l] < first) return h->sym[index + code - first];
        index += h->count[l];
        first = (first + h->count[l]) << 1;
        code <<= 1;
    }
    return -1;
}

static const unsigned short len_base[29] = {3,  4,  5,  6,   7,   8,   9,   10,  11, 13,
                                            15, 17, 19, 23,  27,  31,  35,  43,  51, 59,
                                            67, 83, 99, 115, 131, 163, 195, 227, 258};
static const unsigned char len_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                            2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const unsigned short dist_base[30] = {
    1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
    193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
static const unsigned char dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                             6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

typedef struct out {
    unsigned char *p;
    size_t n, pos;
} out;

/* The symbols of one block up to its end code. */
static const char *codes(bits *b, out *o, const huff *lit, const huff *dist)
{
    for (;;) {
        int s = decode(b, lit);
        if (s < 0) return "a code the block's table does not have, or the stream ends early";
        if (s < 256) {
            if (o->pos >= o->n) return "more data than the archive says";
            o->p[o->pos++] = (unsigned char)s;
            continue;
        }
        if (s == 256) return NULL;
        s -= 257;
        if (s >= 29) return "a length code out of range";
        int32_t e = get(b, len_extra[s]);
        int d = decode(b, dist);
        if (e < 0 || d < 0 || d >= 30) return "a bad distance code, or the stream ends early";
        size_t len = len_base[s] + (size_t)e;
        int32_t de = get(b, dist_extra[d]);
        if (de < 0) return "the stream ends early";
        size_t back = dist_base[d] + (size_t)de;
        if (back > o->pos) return "a distance back past the start";
        if (len > o->n - o->pos) return "more data than the archive says";
        for (size_t i = 0; i < len; i++, o->pos++) o->p[o->pos] = o->p[o->pos - back];
    }
}

static const char *stored(bits *b, out *o)
{
    b->buf = 0, b->cnt = 0; /* to the byte boundary */
    if (b->n - b->pos < 4) return "the stream ends early";
    const unsigned char *q = b->p + b->pos;
    size_t len = q[0] | (size_t)q[1] << 8, nlen = q[2] | (size_t)q[3] << 8;
    b->pos += 4;
    if (len != (~nlen & 0xffff)) return "a stored block's length check fails";
    if (len > b->n - b->pos) return "the stream ends early";
    if (len > o->n - o->pos) return "more data than the archive says";
    memcpy(o->p + o->pos, b->p + b->pos, len);
    o->pos += len;
    b->pos += len;
    return NULL;
}

static const char *fixed(bits *b, out *o)
{
    unsigned char len[288];
    huff lit, dist;
    for (int i = 0; i < 288; i++) len[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
    build(&lit, len, 288);
    memset(len, 5, 30);
    build(&dist, len, 30);
    return codes(b, o, &lit, &dist);
}

static const char *dynamic(bits *b, out *o)
{
    static const unsigned char order[19] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                            11, 4,  12, 3, 13, 2, 14, 1, 15};
    int32_t nlit = get(b, 5), ndist = get(b, 5), ncode = get(b, 4);
    if (nlit < 0 || ndist < 0 || ncode < 0) return "the stream ends early";
    nlit += 257, ndist += 1, ncode += 4;
    if (nlit > 286 || ndist > 30) return "too many codes in a block header";
    unsigned char len[320] = {0};
    for (int i = 0; i < ncode; i++) {
        int32_t v = get(b, 3);
        if (v < 0) return "the stream ends early";
        len[order[i]] = (unsigned char)v;
    }
    huff lc, lit, dist;
    if (build(&lc, len, 19) != 0) return "a bad code-length code";
    memset(len, 0, sizeof len);
    for (int i = 0; i < nlit + ndist;) {
        int s = decode(b, &lc);
        if (s < 0) return "a bad code length, or the stream ends early";
        if (s < 16) {
            len[i++] = (unsigned char)s;
            continue;
        }
        int32_t rep = get(b, s == 16 ? 2 : s == 17 ? 3 : 7);
        if (rep < 0) return "the stream ends early";
        rep += s == 18 ? 11 : 3;
        if (s == 16 && i == 0) return "a repeat with no length before it";
        unsigned char v = s == 16 ? len[i - 1] : 0;
        if (rep > nlit + ndist - i) return "code lengths past the block header's count";
        while (rep--) len[i++] = v;
    }
    if (!len[256]) return "no end-of-block code";
    int ll = build(&lit, len, nlit), dl = build(&dist, len + nlit, ndist);
    if (ll < 0 || dl < 0 || !usable(&lit, ll) || !usable(&dist, dl)) return "a bad Huffman code";
    return codes(b, o, &lit, &dist);
}

const char *inflate_raw(const unsigned char *src, size_t n, unsigned char *dst, size_t want)
{
    bits b = {src, n, 0, 0, 0};
    out o = {dst, want, 0};
    int32_t last;
    do {
        last = get(&b, 1);
        int32_t type = get(&b, 2);
        if (last < 0 || type < 0) return "the stream ends early";
        const char *e = type == 0   ? stored(&b, &o)
                        : type == 1 ? fixed(&b, &o)
                        : type == 2 ? dynamic(&b, &o)
                                    : "a block of the reserved type 3";
        if (e) return e;
    } while (!last);
    return o.pos == want ? NULL : "less data than the archive says";
}

uint32_t crc32_of(const unsigned char *p, size_t n)
{
    uint32_t table[256];
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) c = table[(c ^ p[i]) & 0xff] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}
