/*
** heatmap.c — writes the gate heatmaps of `lstm-run --trace` as PNG: 8-bit RGB, zlib stream of
** stored (uncompressed) deflate blocks, CRC-32 per chunk. Layout: the matrix (time across,
** hidden units down), then a colour bar with its top, middle and bottom values in a 3x5 font.
*/
#include "heatmap.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t crc_table[256];

static void crc_init(void)
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}

static uint32_t crc(uint32_t c, const unsigned char *b, size_t n)
{
    c ^= 0xffffffffu;
    for (size_t i = 0; i < n; i++) c = crc_table[(c ^ b[i]) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

static void be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16),
    p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

static int chunk(FILE *f, const char *type, const unsigned char *data, size_t n)
{
    unsigned char hdr[8];
    be32(hdr, (uint32_t)n);
    memcpy(hdr + 4, type, 4);
    uint32_t c = crc(crc(0, hdr + 4, 4), data, n);
    unsigned char tail[4];
    be32(tail, c);
    return fwrite(hdr, 1, 8, f) != 8 || (n && fwrite(data, 1, n, f) != n) ||
           fwrite(tail, 1, 4, f) != 4;
}

/* 3x5 glyphs for the scale labels. */
static const char *glyph(char ch)
{
    static const char *const digits[] = {"111101101101111", "010110010010111", "111001111100111",
                                         "111001111001111", "101101111001001", "111100111001111",
                                         "111100111101111", "111001001010010", "111101111101111",
                                         "111101111001111"};
    if (ch >= '0' && ch <= '9') return digits[ch - '0'];
    if (ch == '-') return "000000111000000";
    if (ch == '.') return "000000000000010";
    if (ch == 'e') return "000111111100111";
    return "000000000000000";
}

typedef struct img {
    int w, h;
    unsigned char *px;
} img;

static void put(img *im, int x, int y, const unsigned char rgb[3])
{
    if (x < 0 || y < 0 || x >= im->w || y >= im->h) return;
    memcpy(im->px + ((size_t)y * (size_t)im->w + (size_t)x) * 3, rgb, 3);
}

static void text(img *im, int x, int y, const char *s, int scale)
{
    static const unsigned char black[3] = {0, 0, 0};
    for (; *s; s++, x += 4 * scale) {
        const char *g = glyph(*s);
        for (int r = 0; r < 5; r++)
            for (int c = 0; c < 3; c++)
                if (g[r * 3 + c] == '1')
                    for (int dy = 0; dy < scale; dy++)
                        for (int dx = 0; dx < scale; dx++)
                            put(im, x + c * scale + dx, y + r * scale + dy, black);
    }
}

static void colour(float t, int diverging, unsigned char rgb[3])
{
    if (!(t == t)) { /* NaN: grey */
        rgb[0] = rgb[1] = rgb[2] = 128;
        return;
    }
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    if (diverging) { /* blue (0) - white (0.5) - red (1) */
        float a = t < 0.5f ? t * 2 : (1 - t) * 2;
        rgb[0] = (unsigned char)(t < 0.5f ? 40 + 215 * a : 255);
        rgb[1] = (unsigned char)(40 + 215 * a);
        rgb[2] = (unsigned char)(t < 0.5f ? 255 : 40 + 215 * a);
    } else { /* dark purple - teal - yellow */
        rgb[0] = (unsigned char)(68 + (253 - 68) * t * t);
        rgb[1] = (unsigned char)(1 + 230 * t);
        rgb[2] = (unsigned char)(84 + 60 * sinf(3.14159f * t) - 50 * t);
    }
}

int heatmap_png(const char *path, const float *values, int rows, int cols, int diverging, int group)
{
    if (rows < 1 || cols < 1) return 1;
    int cw = 800 / cols, ch = 400 / rows;
    cw = cw < 1 ? 1 : cw > 12 ? 12 : cw;
    ch = ch < 1 ? 1 : ch > 12 ? 12 : ch;
    float lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < (size_t)rows * (size_t)cols; i++)
        if (values[i] == values[i]) {
            lo = values[i] < lo ? values[i] : lo;
            hi = values[i] > hi ? values[i] : hi;
        }
    if (!(lo <= hi)) lo = 0, hi = 1;
    if (diverging) {
        float m = fmaxf(fabsf(lo), fabsf(hi));
        lo = -m, hi = m;
    } else if (lo >= 0 && hi <= 1) { /* gates: the full [0, 1] scale */
        lo = 0, hi = 1;
    }
    if (hi == lo) hi = lo + 1;
    int mw = cols * cw, mh = rows * ch, bar = 16, pad = 10;
    int bh = mh < 60 ? 60 : mh;
    img im = {mw + pad * 3 + bar + 60, bh + 2 * pad, NULL};
    im.px = malloc((size_t)im.w * (size_t)im.h * 3);
    if (!im.px) return 1;
    memset(im.px, 255, (size_t)im.w * (size_t)im.h * 3);
    unsigned char rgb[3];
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) {
            colour((values[(size_t)r * (size_t)cols + (size_t)c] - lo) / (hi - lo), diverging, rgb);
            for (int y = 0; y < ch; y++)
                for (int x = 0; x < cw; x++) put(&im, pad + c * cw + x, pad + r * ch + y, rgb);
        }
    static const unsigned char black[3] = {0, 0, 0};
    if (group > 0)
        for (int r = group; r < rows; r += group)
            for (int x = 0; x < mw; x++) put(&im, pad + x, pad + r * ch, black);
    /* Colour bar: top is hi, bottom lo; labels hi, middle, lo. */
    int bx = pad * 2 + mw;
    for (int y = 0; y < bh; y++) {
        colour(1.0f - (float)y / (float)(bh - 1), diverging, rgb);
        for (int x = 0; x < bar; x++) put(&im, bx + x, pad + y, rgb);
    }
    char label[32];
    snprintf(label, sizeof label, "%.3g", (double)hi);
    text(&im, bx + bar + 4, pad, label, 2);
    snprintf(label, sizeof label, "%.3g", (double)(lo + hi) / 2);
    text(&im, bx + bar + 4, pad + bh / 2 - 5, label, 2);
    snprintf(label, sizeof label, "%.3g", (double)lo);
    text(&im, bx + bar + 4, pad + bh - 10, label, 2);

    /* Encode: filter byte 0 per row, stored deflate blocks, adler32. */
    size_t raw_n = (size_t)im.h * ((size_t)im.w * 3 + 1);
    unsigned char *raw = malloc(raw_n);
    size_t blocks = raw_n / 65535 + 1, z_n = 2 + raw_n + blocks * 5 + 4;
    unsigned char *z = malloc(z_n);
    if (!raw || !z) {
        free(im.px), free(raw), free(z);
        return 1;
    }
    for (int y = 0; y < im.h; y++) {
        raw[(size_t)y * ((size_t)im.w * 3 + 1)] = 0;
        memcpy(raw + (size_t)y * ((size_t)im.w * 3 + 1) + 1, im.px + (size_t)y * (size_t)im.w * 3,
               (size_t)im.w * 3);
    }
    size_t o = 0;
    z[o++] = 0x78, z[o++] = 0x01;
    uint32_t a = 1, b2 = 0;
    for (size_t i = 0; i < raw_n; i++) a = (a + raw[i]) % 65521, b2 = (b2 + a) % 65521;
    for (size_t p = 0; p < raw_n || p == 0;) {
        size_t n = raw_n - p > 65535 ? 65535 : raw_n - p;
        z[o++] = p + n == raw_n;
        z[o++] = (unsigned char)(n & 0xff), z[o++] = (unsigned char)(n >> 8);
        z[o++] = (unsigned char)(~n & 0xff), z[o++] = (unsigned char)((~n >> 8) & 0xff);
        memcpy(z + o, raw + p, n);
        o += n;
        p += n;
        if (n == 0) break;
    }
    be32(z + o, (b2 << 16) | a);
    o += 4;
    crc_init();
    unsigned char ihdr[13];
    be32(ihdr, (uint32_t)im.w);
    be32(ihdr + 4, (uint32_t)im.h);
    ihdr[8] = 8, ihdr[9] = 2, ihdr[10] = ihdr[11] = ihdr[12] = 0;
    FILE *f = fopen(path, "wb");
    int bad = !f;
    if (f) {
        bad |= fwrite("\x89PNG\r\n\x1a\n", 1, 8, f) != 8;
        bad |= chunk(f, "IHDR", ihdr, 13) || chunk(f, "IDAT", z, o) || chunk(f, "IEND", NULL, 0);
        bad |= fclose(f) != 0;
    }
    free(im.px), free(raw), free(z);
    return bad;
}
