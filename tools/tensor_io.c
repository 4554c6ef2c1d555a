/* tensor_io.c — see tensor_io.h. */
#define _POSIX_C_SOURCE 200809L
#include "tensor_io.h"
#include "inflate.h"
#include "run.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *descr;
    int dtype;
} npy_types[] = {
    {"<f4", LSTM_DT_FLOAT},  {"<f8", LSTM_DT_DOUBLE}, {"<f2", LSTM_DT_FLOAT16},
    {"<i8", LSTM_DT_INT64},  {"<i4", LSTM_DT_INT32},  {"<i2", LSTM_DT_INT16},
    {"|i1", LSTM_DT_INT8},   {"|u1", LSTM_DT_UINT8},  {"<u2", LSTM_DT_UINT16},
    {"<u4", LSTM_DT_UINT32}, {"<u8", LSTM_DT_UINT64}, {"|b1", LSTM_DT_BOOL},
};

static int fail(char *err, size_t n, const char *fmt, const char *a, const char *b)
{
    if (err && n) snprintf(err, n, fmt, a, b);
    return 1;
}

void *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (n < cap) break;
        char *nb = realloc(buf, cap *= 2);
        if (!nb) free(buf);
        buf = nb;
    }
    int err = ferror(f) ? (errno ? errno : EIO) : buf ? 0 : ENOMEM;
    fclose(f);
    if (err) {
        free(buf);
        errno = err;
        return NULL;
    }
    *len = n;
    return buf;
}

/* The elements of a Fortran-order (column-major) array in C order. */
static void from_fortran(void *dst, const unsigned char *src, const int64_t *dims, int rank,
                         size_t es)
{
    int64_t idx[LSTM_MAX_RANK] = {0}, cstride[LSTM_MAX_RANK];
    cstride[rank - 1] = 1;
    for (int a = rank - 1; a > 0; a--) cstride[a - 1] = cstride[a] * dims[a];
    size_t n = 1, c = 0;
    for (int a = 0; a < rank; a++) n *= (size_t)dims[a];
    for (size_t f = 0; f < n; f++) { /* f walks the source, the first index fastest */
        memcpy((char *)dst + c * es, src + f * es, es);
        for (int a = 0; a < rank; a++) {
            c += (size_t)cstride[a];
            if (++idx[a] < dims[a]) break;
            c -= (size_t)(cstride[a] * dims[a]);
            idx[a] = 0;
        }
    }
}

/* Parse an .npy image (magic, header dict, data). */
static int parse_npy(const unsigned char *buf, size_t len, const char *what, lstm_tensor *t,
                     char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    if (len < 10 || memcmp(buf, "\x93NUMPY", 6) != 0)
        return fail(err, errlen, "%s: not an .npy file%s", what, "");
    int major = buf[6];
    size_t hl, off;
    if (major == 1) {
        hl = buf[8] | (size_t)buf[9] << 8;
        off = 10;
    } else if (major == 2 || major == 3) {
        if (len < 12) return fail(err, errlen, "%s: truncated .npy header%s", what, "");
        hl = buf[8] | (size_t)buf[9] << 8 | (size_t)buf[10] << 16 | (size_t)buf[11] << 24;
        off = 12;
    } else {
        return fail(err, errlen, "%s: unknown .npy version%s", what, "");
    }
    if (hl > len - off || hl > 65536)
        return fail(err, errlen, "%s: truncated .npy header%s", what, "");
    char h[65537];
    memcpy(h, buf + off, hl);
    h[hl] = 0;
    const char *d = strstr(h, "'descr':"), *fo = strstr(h, "'fortran_order':"),
               *sh = strstr(h, "'shape':");
    if (!d || !fo || !sh) return fail(err, errlen, "%s: .npy header lacks descr/shape%s", what, "");
    const char *fv = fo + 16;
    while (*fv == ' ') fv++;
    const int fortran = strncmp(fv, "True", 4) == 0;
    const char *q = strchr(d + 8, '\'');
    if (!q) return fail(err, errlen, "%s: bad descr%s", what, "");
    /* '<' little-endian, '>' big-endian (swapped here), '=' native (little on every target
    ** built), '|' single bytes. */
    char ds[4] = {q[1] == '>' || q[1] == '=' ? '<' : q[1], q[1] ? q[2] : 0,
                  q[1] && q[2] ? q[3] : 0};
    const int swap = q[1] == '>';
    if (ds[0] == '<' && ds[1] && ds[2] == '1') ds[0] = '|'; /* one byte: no byte order */
    t->dtype = 0;
    for (size_t i = 0; i < sizeof npy_types / sizeof npy_types[0]; i++)
        if (ds[0] && strncmp(ds, npy_types[i].descr, 3) == 0 && q[4] == '\'')
            t->dtype = npy_types[i].dtype;
    if (!t->dtype) {
        char dd[16] = {0};
        const char *e = strchr(q + 1, '\'');
        snprintf(dd, sizeof dd, "%.*s", e && e - q - 1 < 15 ? (int)(e - q - 1) : 15, q + 1);
        return fail(err, errlen, "%s: unsupported .npy dtype '%s' (numeric or bool only)", what,
                    dd);
    }
    const char *p = strchr(sh, '(');
    if (!p) return fail(err, errlen, "%s: bad shape%s", what, "");
    p++;
    t->rank = 0;
    while (*p && *p != ')') {
        while (*p == ' ' || *p == ',') p++;
        if (*p == ')') break;
        char *end;
        long long v = strtoll(p, &end, 10);
        if (end == p || v < 0 || t->rank >= LSTM_MAX_RANK)
            return fail(err, errlen, "%s: bad or too long shape%s", what, "");
        t->dims[t->rank++] = v;
        p = end;
    }
    size_t n = 1, es = lstm_dtype_size(t->dtype);
    for (int i = 0; i < t->rank; i++) {
        if (t->dims[i] && n > SIZE_MAX / es / (uint64_t)t->dims[i])
            return fail(err, errlen, "%s: the shape's size overflows%s", what, "");
        n *= (size_t)t->dims[i];
    }
    size_t bytes = n * es, data = off + hl;
    if (bytes != len - data)
        return fail(err, errlen, "%s: .npy data size does not match its shape%s", what, "");
    t->data = malloc(bytes ? bytes : 1);
    t->name = calloc(1, 1);
    if (!t->data || !t->name) {
        lstm_tensor_clear(t);
        return fail(err, errlen, "%s: out of memory%s", what, "");
    }
    t->nbytes = bytes;
    if (fortran && t->rank > 1 && n > 0)
        from_fortran(t->data, buf + data, t->dims, t->rank, es);
    else
        memcpy(t->data, buf + data, bytes);
    if (swap)
        for (size_t i = 0; i < n; i++) {
            unsigned char *e = (unsigned char *)t->data + i * es;
            for (size_t a = 0, b = es - 1; a < b; a++, b--) {
                unsigned char x = e[a];
                e[a] = e[b], e[b] = x;
            }
        }
    return 0;
}

static uint32_t rd32(const unsigned char *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint16_t rd16(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint64_t rd64(const unsigned char *p)
{
    return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* A member of a zip: its name, how it is stored (0 stored, 8 deflated), its bytes as stored,
** and the size and CRC-32 of its contents. */
typedef struct zip_member {
    const char *name;
    size_t nlen;
    int method;
    const unsigned char *data;
    size_t size;
    uint64_t usize;
    uint32_t crc;
} zip_member;

/* Walk the local headers of a zip; cb returns non-zero to stop. */
typedef int (*zip_cb)(void *ctx, const zip_member *m);

static int zip_walk(const unsigned char *b, size_t len, zip_cb cb, void *ctx)
{
    size_t p = 0;
    while (p + 30 <= len && rd32(b + p) == 0x04034b50) {
        int flags = rd16(b + p + 6);
        uint64_t csize = rd32(b + p + 18);
        zip_member m = {
            .method = rd16(b + p + 8), .usize = rd32(b + p + 22), .crc = rd32(b + p + 14)};
        size_t nlen = rd16(b + p + 26), xlen = rd16(b + p + 28);
        if (p + 30 + nlen + xlen > len) return -1;
        const unsigned char *name = b + p + 30, *x = name + nlen;
        /* numpy writes a ZIP64 extra field even for small members. */
        for (size_t q = 0; q + 4 <= xlen;) {
            size_t id = rd16(x + q), sz = rd16(x + q + 2);
            if (id == 1 && sz >= 16 && q + 4 + 16 <= xlen) {
                m.usize = rd64(x + q + 4);
                csize = rd64(x + q + 12);
            }
            q += 4 + sz;
        }
        if (flags & 8) return -2; /* sizes after the data: not written by numpy */
        size_t dstart = p + 30 + nlen + xlen;
        if (csize > len - dstart) return -1;
        m.name = (const char *)name, m.nlen = nlen, m.data = b + dstart, m.size = (size_t)csize;
        if (cb(ctx, &m)) return 1;
        p = dstart + (size_t)csize;
    }
    return 0;
}

typedef struct find_ctx {
    const char *key;
    const char *path;
    lstm_tensor *out;
    char *err;
    size_t errlen;
    int found, rc, count;
    int listing; /* tio_npz_keys: collect every member's name in names */
    char **names;
} find_ctx;

/* Member m's contents: its stored bytes, or (*owned, malloc'd) its deflated ones decoded; both
** checked against the member's size and CRC-32. */
static const unsigned char *member_bytes(const zip_member *m, const char *what,
                                         unsigned char **owned, char *err, size_t errlen)
{
    *owned = NULL;
    const unsigned char *d = m->data;
    if (m->method == 8) {
        /* DEFLATE expands at most 1032 times (258 bytes from about 2 bits). */
        if (m->usize > (uint64_t)m->size * 1032 + 64 || m->usize > SIZE_MAX - 1) {
            fail(err, errlen, "%s: the member's size is more than its data can hold%s", what, "");
            return NULL;
        }
        *owned = malloc((size_t)m->usize + 1);
        if (!*owned) {
            fail(err, errlen, "%s: out of memory%s", what, "");
            return NULL;
        }
        const char *e = inflate_raw(m->data, m->size, *owned, (size_t)m->usize);
        if (e) {
            fail(err, errlen, "%s: bad compressed data: %s", what, e);
            return NULL;
        }
        d = *owned;
    } else if (m->method != 0) {
        char meth[16];
        snprintf(meth, sizeof meth, "%d", m->method);
        fail(err, errlen, "%s: compression method %s (only stored and deflated are read)", what,
             meth);
        return NULL;
    } else if (m->usize != m->size) {
        fail(err, errlen, "%s: a stored member whose two sizes differ%s", what, "");
        return NULL;
    }
    if (crc32_of(d, (size_t)m->usize) != m->crc) {
        fail(err, errlen, "%s: CRC-32 mismatch (a damaged archive)%s", what, "");
        return NULL;
    }
    return d;
}

static int find_cb(void *vc, const zip_member *m)
{
    find_ctx *c = vc;
    char nm[512];
    snprintf(nm, sizeof nm, "%.*s", (int)m->nlen, m->name);
    size_t l = strlen(nm);
    if (l > 4 && strcmp(nm + l - 4, ".npy") == 0) nm[l - 4] = 0;
    if (c->listing) {
        char **nn = realloc(c->names, sizeof *nn * (size_t)(c->count + 1));
        if (nn) c->names = nn;
        char *copy = nn ? strdup(nm) : NULL;
        if (!copy) return c->rc = 1; /* out of memory */
        c->names[c->count++] = copy;
        return 0;
    }
    c->count++;
    if (c->key && strcmp(nm, c->key) != 0) return 0;
    c->found = 1;
    char what[700];
    snprintf(what, sizeof what, "%s[%s]", c->path, nm);
    unsigned char *owned;
    const unsigned char *d = member_bytes(m, what, &owned, c->err, c->errlen);
    c->rc = d ? parse_npy(d, (size_t)m->usize, what, c->out, c->err, c->errlen) : 1;
    free(owned);
    return 1;
}

int tio_npz_keys(const char *path, char ***names, int *count, char *err, size_t errlen)
{
    size_t len;
    *names = NULL;
    *count = 0;
    unsigned char *buf = read_file(path, &len);
    if (!buf) return fail(err, errlen, "cannot read '%s': %s", path, strerror(errno));
    int rc = tio_npz_keys_buffer(buf, len, path, names, count, err, errlen);
    free(buf);
    return rc;
}

int tio_npz_keys_buffer(const unsigned char *buf, size_t len, const char *path, char ***names,
                        int *count, char *err, size_t errlen)
{
    find_ctx c = {.path = path, .err = err, .errlen = errlen, .listing = 1};
    int r = zip_walk(buf, len, find_cb, &c);
    if (r < 0 || c.rc) {
        for (int i = 0; i < c.count; i++) free(c.names[i]);
        free(c.names);
        *names = NULL;
        *count = 0;
        return r < 0 ? fail(err, errlen, "%s: not a readable .npz archive%s", path, "")
                     : fail(err, errlen, "%s: out of memory%s", path, "");
    }
    *names = c.names;
    *count = c.count;
    return 0;
}

int tio_read(const char *path, const char *key, lstm_tensor *out, char *err, size_t errlen)
{
    size_t len;
    memset(out, 0, sizeof *out);
    unsigned char *buf = read_file(path, &len);
    if (!buf) return fail(err, errlen, "cannot read '%s': %s", path, strerror(errno));
    int rc = tio_read_buffer(buf, len, path, key, out, err, errlen);
    free(buf);
    return rc;
}

int tio_read_buffer(const unsigned char *buf, size_t len, const char *path, const char *key,
                    lstm_tensor *out, char *err, size_t errlen)
{
    int rc;
    memset(out, 0, sizeof *out);
    size_t pl = strlen(path);
    if (pl > 4 && strcmp(path + pl - 4, ".npz") == 0) {
        find_ctx c = {.key = key, .path = path, .out = out, .err = err, .errlen = errlen};
        int r = zip_walk(buf, len, find_cb, &c);
        if (r < 0)
            rc = fail(err, errlen, "%s: not a readable .npz archive%s", path, "");
        else if (!c.found)
            rc = fail(err, errlen, "%s: no member '%s'", path, key ? key : "");
        else
            rc = c.rc;
    } else if (len >= 6 && memcmp(buf, "\x93NUMPY", 6) == 0) {
        rc = parse_npy(buf, len, path, out, err, errlen);
    } else if (pl > 4 && strcmp(path + pl - 4, ".npy") == 0) {
        rc = fail(err, errlen, "%s: not an .npy file (it does not start with \\x93NUMPY)%s", path,
                  "");
    } else {
        char e[512];
        rc = lstm_tensor_read_pb(buf, len, out, e, sizeof e);
        if (rc) fail(err, errlen, "%s: %s", path, e);
    }
    return rc;
}

int tio_write_npy(const char *path, const lstm_view *v, char *err, size_t errlen)
{
    const char *descr = NULL;
    for (size_t i = 0; i < sizeof npy_types / sizeof npy_types[0]; i++)
        if (npy_types[i].dtype == v->dtype) descr = npy_types[i].descr;
    if (!descr)
        return fail(err, errlen, "%s: no .npy type for %s", path, lstm_dtype_name(v->dtype));
    char h[256];
    int o = snprintf(h, sizeof h, "{'descr': '%s', 'fortran_order': False, 'shape': (", descr);
    for (int i = 0; i < v->rank; i++)
        o += snprintf(h + o, sizeof h - (size_t)o, "%lld,%s", (long long)v->dims[i],
                      i + 1 < v->rank ? " " : "");
    o += snprintf(h + o, sizeof h - (size_t)o, "), }");
    while ((10 + o + 1) % 64) h[o++] = ' ';
    h[o++] = '\n';
    FILE *f = fopen(path, "wb");
    if (!f) return fail(err, errlen, "cannot write '%s'%s", path, "");
    unsigned char pre[10] = {
        0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(o & 0xff), (unsigned char)(o >> 8)};
    int ok = fwrite(pre, 1, 10, f) == 10 && fwrite(h, 1, (size_t)o, f) == (size_t)o &&
             (!v->nbytes || fwrite(v->data, 1, v->nbytes, f) == v->nbytes);
    ok = (fclose(f) == 0) && ok;
    return ok ? 0 : fail(err, errlen, "cannot write '%s'%s", path, "");
}

static void put_varint(FILE *f, uint64_t v)
{
    do {
        unsigned char b = v & 0x7f;
        v >>= 7;
        fputc(b | (v ? 0x80 : 0), f);
    } while (v);
}

static size_t varint_len(uint64_t v)
{
    size_t n = 1;
    while (v >>= 7) n++;
    return n;
}

/* A TensorProto's fields (dims, data_type, name, raw_data); with f NULL only its length. */
static size_t put_tensor(FILE *f, const char *name, const lstm_view *v)
{
    size_t n = 0, nl = strlen(name);
    for (int i = 0; i < v->rank; i++) {
        if (f) fputc(1 << 3 | 0, f), put_varint(f, (uint64_t)v->dims[i]); /* dims */
        n += 1 + varint_len((uint64_t)v->dims[i]);
    }
    if (f) fputc(2 << 3 | 0, f), put_varint(f, (uint64_t)v->dtype); /* data_type */
    n += 1 + varint_len((uint64_t)v->dtype);
    if (f) fputc(8 << 3 | 2, f), put_varint(f, nl), fwrite(name, 1, nl, f); /* name */
    n += 1 + varint_len(nl) + nl;
    if (f)
        fputc(9 << 3 | 2, f), put_varint(f, v->nbytes),
            (v->nbytes ? (void)fwrite(v->data, 1, v->nbytes, f) : (void)0);
    n += 1 + varint_len(v->nbytes) + v->nbytes; /* raw_data */
    return n;
}

int tio_write_pb(const char *path, const char *name, const lstm_view *v, char *err, size_t errlen)
{
    FILE *f = fopen(path, "wb");
    if (!f) return fail(err, errlen, "cannot write '%s'%s", path, "");
    put_tensor(f, name, v);
    int ok = !ferror(f);
    ok = (fclose(f) == 0) && ok;
    return ok ? 0 : fail(err, errlen, "cannot write '%s'%s", path, "");
}

/* SequenceProto: name = 1, elem_type = 2 (1: tensors), tensor_values = 3. Wrapped in an
** OptionalProto (name = 1, elem_type = 2: 1 tensor / 3 sequence, tensor_value = 3,
** sequence_value = 5) when `optional`. */
int tio_write_pb_value(const char *path, const char *name, int kind, int optional, int count,
                       const lstm_view *items, char *err, size_t errlen)
{
    FILE *f = fopen(path, "wb");
    if (!f) return fail(err, errlen, "cannot write '%s'%s", path, "");
    size_t nl = strlen(name), body = 0;
    if (kind == LSTM_VALUE_SEQUENCE) {
        body = 1 + varint_len(nl) + nl + 2; /* name, elem_type */
        for (int i = 0; i < count; i++) {
            size_t t = put_tensor(NULL, "", &items[i]);
            body += 1 + varint_len(t) + t;
        }
    } else if (kind == LSTM_VALUE_TENSOR) {
        body = put_tensor(NULL, name, &items[0]);
    }
    if (optional) {
        fputc(1 << 3 | 2, f), put_varint(f, nl), fwrite(name, 1, nl, f);
        if (kind != LSTM_VALUE_NONE) {
            fputc(2 << 3 | 0, f), put_varint(f, kind == LSTM_VALUE_SEQUENCE ? 3 : 1);
            fputc((kind == LSTM_VALUE_SEQUENCE ? 5 : 3) << 3 | 2, f), put_varint(f, body);
        }
    }
    if (kind == LSTM_VALUE_SEQUENCE) {
        fputc(1 << 3 | 2, f), put_varint(f, nl), fwrite(name, 1, nl, f);
        fputc(2 << 3 | 0, f), put_varint(f, 1);
        for (int i = 0; i < count; i++) {
            fputc(3 << 3 | 2, f), put_varint(f, put_tensor(NULL, "", &items[i]));
            put_tensor(f, "", &items[i]);
        }
    } else if (kind == LSTM_VALUE_TENSOR) {
        put_tensor(f, name, &items[0]);
    }
    int ok = !ferror(f);
    ok = (fclose(f) == 0) && ok;
    return ok ? 0 : fail(err, errlen, "cannot write '%s'%s", path, "");
}
