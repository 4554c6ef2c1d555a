/*
** import_pb_value.c — lstm_value_read_pb: a serialized TensorProto, SequenceProto or
** OptionalProto (the files of ONNX test cases). SequenceProto and OptionalProto live in
** onnx-data.proto, which the system does not install: their few fields are read here from the
** wire format (name = 1, elem_type = 2, tensor_value(s) = 3, sequence_value = 5), each tensor
** through lstm_tensor_read_pb. Sparse tensors, maps and nested sequences are refused.
*/
#include "lstm.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ELEM_TENSOR = 1, ELEM_SPARSE = 2, ELEM_SEQUENCE = 3, ELEM_MAP = 4, ELEM_OPTIONAL = 5 };

typedef struct field {
    uint32_t num, wire;
    uint64_t v;       /* varint value */
    const uint8_t *p; /* length-delimited bytes */
    size_t len;
} field;

static int varint(const uint8_t *b, size_t end, size_t *pos, uint64_t *out)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 10; i++) {
        if (*pos >= end) return -1;
        uint8_t c = b[(*pos)++];
        v |= (uint64_t)(c & 0x7f) << (7 * i);
        if (!(c & 0x80)) {
            *out = v;
            return 0;
        }
    }
    return -1;
}

/* The next field at *pos; 1 when there is one, 0 at the end, -1 when malformed. */
static int next(const uint8_t *b, size_t len, size_t *pos, field *f)
{
    if (*pos >= len) return 0;
    uint64_t tag;
    if (varint(b, len, pos, &tag) || (tag >> 3) == 0 || (tag >> 3) > 0x1fffffff) return -1;
    f->num = (uint32_t)(tag >> 3);
    f->wire = (uint32_t)(tag & 7);
    switch (f->wire) {
    case 0:
        return varint(b, len, pos, &f->v) ? -1 : 1;
    case 1:
        if (len - *pos < 8) return -1;
        *pos += 8;
        return 1;
    case 5:
        if (len - *pos < 4) return -1;
        *pos += 4;
        return 1;
    case 2: {
        uint64_t n;
        if (varint(b, len, pos, &n) || n > len - *pos) return -1;
        f->p = b + *pos;
        f->len = (size_t)n;
        *pos += (size_t)n;
        return 1;
    }
    default:
        return -1;
    }
}

static int fail(char *err, size_t n, int rc, const char *fmt, ...)
{
    if (err && n) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, n, fmt, ap);
        va_end(ap);
    }
    return rc;
}

static char *dup_name(const field *f)
{
    char *s = malloc(f->len + 1);
    if (!s) return NULL;
    memcpy(s, f->p, f->len);
    s[f->len] = '\0';
    for (size_t i = 0; i < f->len; i++)
        if (!s[i]) s[i] = '?';
    return s;
}

static int read_sequence(const uint8_t *b, size_t len, lstm_value *out, char *err, size_t n)
{
    size_t pos = 0, count = 0;
    field f;
    int r;
    int64_t elem = ELEM_TENSOR;
    /* First pass: count the tensors and check every field. */
    while ((r = next(b, len, &pos, &f)) == 1) {
        if (f.num == 2 && f.wire == 0)
            elem = (int64_t)f.v;
        else if (f.num == 3 && f.wire == 2)
            count++;
        else if (f.num >= 4 && f.num <= 7)
            return fail(err, n, LSTM_EUNSUPPORTED,
                        "SequenceProto: sequences of sparse tensors, sequences, maps or optionals "
                        "are not supported");
    }
    if (r < 0) return fail(err, n, LSTM_EPROTO, "malformed protobuf: not a SequenceProto");
    if (elem != ELEM_TENSOR && !(elem == 0 && count == 0))
        return fail(err, n, LSTM_EUNSUPPORTED, "SequenceProto of element type %lld",
                    (long long)elem);
    if (count > (1u << 20)) return fail(err, n, LSTM_ELIMIT, "SequenceProto of %zu tensors", count);
    out->kind = LSTM_VALUE_SEQUENCE;
    out->items = calloc(count ? count : 1, sizeof *out->items);
    if (!out->items) return fail(err, n, LSTM_ENOMEM, "out of memory");
    pos = 0;
    while (next(b, len, &pos, &f) == 1) {
        if (f.num == 1 && f.wire == 2 && !out->name && !(out->name = dup_name(&f)))
            return fail(err, n, LSTM_ENOMEM, "out of memory");
        if (f.num != 3 || f.wire != 2) continue;
        char e[256];
        int rc = lstm_tensor_read_pb(f.p, f.len, &out->items[out->count], e, sizeof e);
        if (rc) return fail(err, n, rc, "SequenceProto item %d: %s", out->count, e);
        if (out->count && out->items[out->count].dtype != out->items[0].dtype)
            return fail(err, n, LSTM_EINVAL, "SequenceProto item %d has another element type",
                        out->count);
        out->elem_dtype = out->items[out->count].dtype;
        out->count++;
    }
    return LSTM_OK;
}

static int read_optional(const uint8_t *b, size_t len, lstm_value *out, char *err, size_t n)
{
    size_t pos = 0;
    field f, val = {0};
    int r, have = 0;
    int64_t elem = 0;
    while ((r = next(b, len, &pos, &f)) == 1) {
        if (f.num == 1 && f.wire == 2 && !out->name && !(out->name = dup_name(&f)))
            return fail(err, n, LSTM_ENOMEM, "out of memory");
        if (f.num == 2 && f.wire == 0) elem = (int64_t)f.v;
        if ((f.num == 3 || f.num == 5) && f.wire == 2) {
            val = f;
            have = 1;
        }
        if (f.num == 4 || f.num == 6 || f.num == 7)
            return fail(err, n, LSTM_EUNSUPPORTED,
                        "OptionalProto of a sparse tensor, map or optional is not supported");
    }
    if (r < 0) return fail(err, n, LSTM_EPROTO, "malformed protobuf: not an OptionalProto");
    if (!have) {
        out->kind = LSTM_VALUE_NONE;
        return LSTM_OK;
    }
    if (val.num == 5 || elem == ELEM_SEQUENCE) return read_sequence(val.p, val.len, out, err, n);
    char e[256];
    char *name = out->name;
    int rc = lstm_tensor_read_pb(val.p, val.len, &out->tensor, e, sizeof e);
    if (rc) return fail(err, n, rc, "OptionalProto: %s", e);
    out->kind = LSTM_VALUE_TENSOR;
    if (!name) {
        out->name = out->tensor.name;
        out->tensor.name = NULL;
    }
    return LSTM_OK;
}

void lstm_value_clear(lstm_value *v)
{
    if (!v) return;
    free(v->name);
    lstm_tensor_clear(&v->tensor);
    for (int i = 0; i < v->count; i++) lstm_tensor_clear(&v->items[i]);
    free(v->items);
    memset(v, 0, sizeof *v);
}

int lstm_value_read_pb(const void *buf, size_t len, int proto, lstm_value *out, char *err,
                       size_t errlen)
{
    if (!out || (!buf && len)) return fail(err, errlen, LSTM_EINVAL, "NULL argument");
    memset(out, 0, sizeof *out);
    int rc;
    if (proto == LSTM_PB_TENSOR) {
        rc = lstm_tensor_read_pb(buf, len, &out->tensor, err, errlen);
        if (!rc) {
            out->kind = LSTM_VALUE_TENSOR;
            out->name = out->tensor.name;
            out->tensor.name = NULL;
        }
    } else if (proto == LSTM_PB_SEQUENCE) {
        rc = read_sequence(buf, len, out, err, errlen);
    } else if (proto == LSTM_PB_OPTIONAL) {
        rc = read_optional(buf, len, out, err, errlen);
    } else {
        rc = fail(err, errlen, LSTM_EINVAL, "unknown proto %d", proto);
    }
    if (!rc && !out->name && !(out->name = calloc(1, 1))) rc = LSTM_ENOMEM;
    if (rc) lstm_value_clear(out);
    return rc;
}
