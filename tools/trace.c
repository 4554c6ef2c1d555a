/* trace.c — see trace.h. */
#define _POSIX_C_SOURCE 200809L
#include "trace.h"
#include "heatmap.h"
#include "run.h"
#include "tensor_io.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct trace_item {
    char *node, *op, *gate, *stem;
    int part;        /* 1, or 2, 3... when the node's reports of this gate changed shape */
    int calls;       /* reports put together */
    int64_t dims[4]; /* [T, num_directions, batch, hidden], T summed over the reports */
    float *data;
};

void trace_stem(char *out, size_t n, const char *node)
{
    size_t k = 0;
    if (!n) return;
    for (const unsigned char *p = (const unsigned char *)node; *p && k + 1 < n && k < 200; p++) {
        int c = *p;
        if (c == '/')
            c = '.';
        else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '.' || c == '_' || c == '-'))
            c = '_';
        if (c == '.' && k == 0) continue; /* no hidden files: "/lstm/LSTM" -> "lstm.LSTM" */
        out[k++] = (char)c;
    }
    if (k == 0 && n > 1) out[k++] = '_';
    out[k] = '\0';
}

static char *dup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *r = malloc(n);
    if (r) memcpy(r, s, n);
    return r;
}

/* The stem of a node seen for the first time: its name's, numbered "~2", "~3"... when another
** node's name gives the same stem. */
static char *new_stem(const trace_ctx *t, const char *node)
{
    char base[256], stem[300];
    trace_stem(base, sizeof base, node);
    snprintf(stem, sizeof stem, "%s", base);
    for (int k = 2;; k++) {
        int taken = 0;
        for (int i = 0; i < t->n && !taken; i++)
            taken = strcmp(t->items[i].stem, stem) == 0 && strcmp(t->items[i].node, node) != 0;
        if (!taken) break;
        snprintf(stem, sizeof stem, "%s~%d", base, k);
    }
    return dup(stem);
}

void trace_gate(void *ud, const char *node, const char *op_type, const char *gate,
                const int64_t dims[4], const float *values)
{
    trace_ctx *t = ud;
    trace_item *last = NULL;
    const char *stem = NULL;
    for (int i = 0; i < t->n; i++) {
        if (strcmp(t->items[i].node, node) != 0) continue;
        stem = t->items[i].stem;
        if (strcmp(t->items[i].gate, gate) == 0) last = &t->items[i];
    }
    size_t step = (size_t)(dims[1] * dims[2] * dims[3]), add = (size_t)dims[0] * step;
    if (last && last->dims[1] == dims[1] && last->dims[2] == dims[2] && last->dims[3] == dims[3]) {
        /* Another report of the same gate (a Loop or Scan iteration): append its steps. */
        size_t have = (size_t)last->dims[0] * step;
        float *d = realloc(last->data, (have + add) * sizeof(float) + 1);
        if (!d) {
            t->failed = 1;
            return;
        }
        memcpy(d + have, values, add * sizeof(float));
        last->data = d;
        last->dims[0] += dims[0];
        last->calls++;
        return;
    }
    if (t->n == t->cap) {
        int cap = t->cap ? 2 * t->cap : 16;
        trace_item *it = realloc(t->items, (size_t)cap * sizeof *it);
        if (!it) {
            t->failed = 1;
            return;
        }
        t->items = it;
        t->cap = cap;
    }
    trace_item *it = &t->items[t->n];
    memset(it, 0, sizeof *it);
    it->node = dup(node);
    it->op = dup(op_type);
    it->gate = dup(gate);
    it->stem = stem ? dup(stem) : new_stem(t, node);
    it->part = last ? last->part + 1 : 1;
    it->calls = 1;
    memcpy(it->dims, dims, sizeof it->dims);
    it->data = malloc(add * sizeof(float) + 1);
    if (!it->node || !it->op || !it->gate || !it->stem || !it->data) {
        free(it->node), free(it->op), free(it->gate), free(it->stem), free(it->data);
        t->failed = 1;
        return;
    }
    memcpy(it->data, values, add * sizeof(float));
    t->n++;
}

/* Write one gate's .npy and heatmap; prev is the item written before it (or NULL). */
static int write_item(const trace_ctx *t, const trace_item *it, const trace_item *prev)
{
    char base[400], fn[420], path[4096], err[600];
    if (it->part > 1)
        snprintf(base, sizeof base, "%s_%s~%d", it->stem, it->gate, it->part);
    else
        snprintf(base, sizeof base, "%s_%s", it->stem, it->gate);
    int64_t T = it->dims[0], D = it->dims[1], B = it->dims[2], H = it->dims[3], b = t->batch;
    lstm_view v = {.dtype = LSTM_DT_FLOAT, .rank = 4, .data = it->data};
    memcpy(v.dims, it->dims, sizeof it->dims);
    v.nbytes = (size_t)(T * D * B * H) * sizeof(float);
    snprintf(fn, sizeof fn, "%s.npy", base);
    if (path_join(path, sizeof path, t->dir, fn) || tio_write_npy(path, &v, err, sizeof err)) {
        fprintf(stderr, "lstm-run: --trace: %s\n", err);
        return 1;
    }
    if (b >= B) { /* said once per node, not once per gate */
        if (!prev || strcmp(prev->node, it->node) != 0)
            fprintf(stderr, "lstm-run: --trace-batch %d: node '%s' has batch %lld\n", t->batch,
                    it->node, (long long)B);
        return 1;
    }
    float *m = malloc(sizeof(float) * (size_t)(T * D * H) + 1);
    if (!m) return 1;
    for (int64_t d = 0; d < D; d++)
        for (int64_t j = 0; j < H; j++)
            for (int64_t s = 0; s < T; s++)
                m[((d * H + j) * T) + s] = it->data[((s * D + d) * B + b) * H + j];
    /* Gates in [0, 1] on a sequential scale; candidate, cell and hidden around 0. */
    int diverging =
        strcmp(it->gate, "g") == 0 || strcmp(it->gate, "c") == 0 || strcmp(it->gate, "h") == 0;
    snprintf(fn, sizeof fn, "%s.png", base);
    int rc = 0;
    if (path_join(path, sizeof path, t->dir, fn) ||
        heatmap_png(path, m, (int)(D * H), (int)T, diverging, D > 1 ? (int)H : 0)) {
        fprintf(stderr, "lstm-run: --trace: cannot write '%s'\n", path);
        rc = 1;
    } else {
        printf("traced %s %s gate %s: %s.npy [%lld, %lld, %lld, %lld], %s.png", it->op, it->node,
               it->gate, base, (long long)T, (long long)D, (long long)B, (long long)H, base);
        if (it->calls > 1) printf(" (%d reports put together along the time axis)", it->calls);
        printf("\n");
    }
    free(m);
    return rc;
}

void trace_free(trace_ctx *t)
{
    for (int i = 0; i < t->n; i++) {
        trace_item *it = &t->items[i];
        free(it->node), free(it->op), free(it->gate), free(it->stem), free(it->data);
    }
    free(t->items);
    t->items = NULL;
    t->n = t->cap = 0;
}

int trace_write(trace_ctx *t)
{
    int rc = t->failed;
    if (t->failed) fprintf(stderr, "lstm-run: --trace: out of memory keeping the gates\n");
    for (int i = 0; i < t->n; i++) rc |= write_item(t, &t->items[i], i ? &t->items[i - 1] : NULL);
    trace_free(t);
    t->failed = 0;
    return rc;
}
