/*
** wire_scan.c — walk the protobuf wire format iteratively before protobuf-c unpacks it.
** Refuses: truncated or over-long varints, tags longer than 5 bytes or with field number 0 or
** above 2^29-1 (protobuf-c 1.4.1 shifts those into undefined behaviour), wire types 3, 4, 6
** and 7, lengths past the end of the enclosing message, and message nesting deeper than the
** limit (protobuf-c recurses without one).
*/
#include "importer.h"

typedef struct frame {
    const ProtobufCMessageDescriptor *desc;
    size_t end;
} frame;

static int read_varint(const uint8_t *buf, size_t end, size_t *pos, unsigned max_bytes,
                       uint64_t *out)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < max_bytes; i++) {
        if (*pos >= end) return -1;
        uint8_t b = buf[(*pos)++];
        v |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            *out = v;
            return 0;
        }
    }
    return -2;
}

int lstm__wire_scan(const uint8_t *buf, size_t len, const ProtobufCMessageDescriptor *root,
                    unsigned max_depth, const lstm__alloc *a, lstm__diag *d)
{
    if (max_depth < 1) max_depth = 1;
    frame *st = lstm__calloc(a, (size_t)max_depth + 1, sizeof *st);
    if (!st) return lstm__errf(d, LSTM_ENOMEM, "out of memory scanning the model");
    int rc = LSTM_OK;
    unsigned depth = 0;
    st[0].desc = root;
    st[0].end = len;
    size_t pos = 0;
    for (;;) {
        while (depth > 0 && pos == st[depth].end) depth--;
        if (pos == st[depth].end) break; /* depth 0 and the end of the buffer */
        const ProtobufCMessageDescriptor *desc = st[depth].desc;
        size_t end = st[depth].end, at = pos;
        uint64_t tag;
        int r = read_varint(buf, end, &pos, 5, &tag);
        if (r == -1) {
            rc = lstm__errf(d, LSTM_EPROTO, "malformed protobuf at byte %zu: truncated tag in %s",
                            at, desc ? desc->name : "unknown field");
            break;
        }
        if (r == -2 || tag > 0xffffffffu) {
            rc = lstm__errf(d, LSTM_EPROTO,
                            "malformed protobuf at byte %zu: tag longer than 5 bytes", at);
            break;
        }
        uint32_t field = (uint32_t)(tag >> 3), wt = (uint32_t)(tag & 7);
        if (field == 0 || field > 0x1fffffffu) {
            rc = lstm__errf(d, LSTM_EPROTO, "malformed protobuf at byte %zu: field number %u", at,
                            field);
            break;
        }
        const ProtobufCFieldDescriptor *fd =
            desc ? protobuf_c_message_descriptor_get_field(desc, field) : NULL;
        uint64_t v;
        switch (wt) {
        case 0:
            if (read_varint(buf, end, &pos, 10, &v) != 0)
                rc = lstm__errf(d, LSTM_EPROTO,
                                "malformed protobuf at byte %zu: bad varint in field %u of %s", at,
                                field, desc ? desc->name : "unknown field");
            break;
        case 1:
        case 5: {
            size_t n = wt == 1 ? 8 : 4;
            if (end - pos < n)
                rc = lstm__errf(d, LSTM_EPROTO,
                                "malformed protobuf at byte %zu: truncated field %u of %s", at,
                                field, desc ? desc->name : "unknown field");
            else
                pos += n;
            break;
        }
        case 2:
            if (read_varint(buf, end, &pos, 10, &v) != 0 || v > end - pos) {
                rc = lstm__errf(d, LSTM_EPROTO,
                                "malformed protobuf at byte %zu: length of field %u of %s runs "
                                "past the end of its message",
                                at, field, desc ? desc->name : "unknown field");
                break;
            }
            if (fd && fd->type == PROTOBUF_C_TYPE_MESSAGE) {
                if (depth + 1 > max_depth) {
                    rc = lstm__errf(d, LSTM_ELIMIT,
                                    "protobuf nesting deeper than %u messages at byte %zu (%s)",
                                    max_depth, at, fd->name);
                    break;
                }
                depth++;
                st[depth].desc = fd->descriptor;
                st[depth].end = pos + (size_t)v;
            } else {
                pos += (size_t)v;
            }
            break;
        default:
            rc = lstm__errf(d, LSTM_EPROTO,
                            "malformed protobuf at byte %zu: unsupported wire type %u in field %u "
                            "of %s",
                            at, wt, field, desc ? desc->name : "unknown field");
            break;
        }
        if (rc) break;
        if (fd && fd->type == PROTOBUF_C_TYPE_MESSAGE && wt != 2) {
            rc = lstm__errf(d, LSTM_EPROTO,
                            "malformed protobuf at byte %zu: field %s of %s must be a message", at,
                            fd->name, desc->name);
            break;
        }
    }
    lstm__free(a, st);
    return rc;
}
