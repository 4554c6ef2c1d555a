/* import_pb_tensor.c — lstm_tensor_read_pb: one serialized TensorProto (test-case .pb files). */
#include "importer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lstm_tensor_clear(lstm_tensor *t)
{
    if (!t) return;
    free(t->name);
    free(t->data);
    memset(t, 0, sizeof *t);
}

int lstm_tensor_read_pb(const void *buf, size_t len, lstm_tensor *out, char *err, size_t errlen)
{
    lstm__diag d;
    lstm__diag_clear(&d);
    if (out) memset(out, 0, sizeof *out);
    lstm__alloc a;
    lstm__alloc_init(&a, NULL);
    lstm__graph *g = NULL;
    Onnx__TensorProto *tp = NULL;
    lstm__pb_budget pb;
    lstm__pb_budget_init(&pb, &a, 64 * (uint64_t)len + (64u << 20));
    int rc;
    if (!out || (!buf && len)) {
        rc = lstm__errf(&d, LSTM_EINVAL, "NULL argument");
        goto done;
    }
    if ((rc = lstm__wire_scan(buf, len, &onnx__tensor_proto__descriptor, 64, &a, &d))) goto done;
    tp = onnx__tensor_proto__unpack(&pb.pa, len, buf);
    if (!tp) {
        rc = lstm__errf(&d, pb.oom ? LSTM_ENOMEM : LSTM_EPROTO,
                        "malformed protobuf: the bytes are not an ONNX TensorProto");
        goto done;
    }
    g = lstm__calloc(&a, 1, sizeof *g);
    if (!g) {
        rc = lstm__errf(&d, LSTM_ENOMEM, "out of memory");
        goto done;
    }
    g->alloc = a;
    lstm__pool_init(&g->pool, &g->alloc);
    g->mem = &g->pool;
    lstm__imp im = {.g = g, .d = &d, .base_dir = NULL};
    lstm__limits_resolve(&im.lim, NULL);
    lstm__tensor t;
    char what[128];
    snprintf(what, sizeof what, "tensor '%.60s'", tp->name ? tp->name : "");
    if ((rc = lstm__imp_tensor(&im, tp, &t, what))) goto done;
    out->name = malloc(strlen(tp->name ? tp->name : "") + 1);
    out->data = malloc(t.nbytes ? t.nbytes : 1);
    if (!out->name || !out->data) {
        lstm_tensor_clear(out);
        rc = lstm__errf(&d, LSTM_ENOMEM, "out of memory");
        goto done;
    }
    strcpy(out->name, tp->name ? tp->name : "");
    memcpy(out->data, t.data, t.nbytes);
    out->dtype = t.dtype;
    out->rank = t.rank;
    memcpy(out->dims, t.dims, sizeof out->dims);
    out->nbytes = t.nbytes;
done:
    if (tp) onnx__tensor_proto__free_unpacked(tp, &pb.pa);
    lstm__graph_free(g);
    if (rc && err && errlen) snprintf(err, errlen, "%s", d.msg);
    return rc;
}
