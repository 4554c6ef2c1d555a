/* registry.c — the operator table built from ops.def, and node resolution. */
#include "ops/registry.h"
#include "ops/ops.h"

#include <string.h>

static const lstm__op rows[] = {
#define X(dom, ty, since, flags, stream, ptype, stype, pfx, pack)                                  \
    {dom,           ty,          since, flags,         stream,   sizeof(ptype),                    \
     sizeof(stype), pfx##_parse, pack,  pfx##_prepare, pfx##_run},
#include "ops/ops.def"
#undef X
};

#define NROWS (int)(sizeof rows / sizeof rows[0])

int lstm__registry_count(void)
{
    return NROWS;
}
const lstm__op *lstm__registry_row(int i)
{
    return i >= 0 && i < NROWS ? &rows[i] : NULL;
}

const lstm__op *lstm__registry_find(const char *domain, const char *op_type, int64_t opset,
                                    lstm__diag *d)
{
    if (strcmp(domain, "ai.onnx") == 0) domain = "";
    const lstm__op *best = NULL;
    int known = 0, first = 0;
    /* Rows are sorted by domain, then op_type (strcmp order; a test checks): find the first. */
    int lo = 0, hi = NROWS;
    while (lo < hi) {
        int mid = (lo + hi) / 2, c = strcmp(rows[mid].domain, domain);
        if (!c) c = strcmp(rows[mid].op_type, op_type);
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (int i = lo; i < NROWS && strcmp(rows[i].op_type, op_type) == 0; i++) {
        const lstm__op *r = &rows[i];
        if (strcmp(r->domain, domain) != 0) break;
        if (!known || r->since < first) first = r->since;
        known = 1;
        if (r->since <= opset && (!best || r->since > best->since)) best = r;
    }
    if (best) return best;
    if (!known)
        lstm__errf(d, LSTM_EUNSUPPORTED, "no implementation of %s%s%s", domain,
                   domain[0] ? "." : "", op_type);
    else
        lstm__errf(d, LSTM_EUNSUPPORTED,
                   "%s at opset %lld: the operator first appears at opset %d (every version "
                   "from there is implemented; the model's opset import is older than its "
                   "operator)",
                   op_type, (long long)opset, first);
    return NULL;
}

static int resolve_node(lstm__graph *g, lstm__node *n, lstm__diag *err)
{
    lstm__diag d;
    lstm__diag_clear(&d);
    n->params = NULL;
    n->support = NULL;
    n->support_code = 0;
    n->op = lstm__registry_find(n->domain, n->op_type, n->opset, &d);
    if (n->op) {
        void *params = lstm__pool_alloc(g->mem, n->op->params_size);
        if (!params) return lstm__errf(err, LSTM_ENOMEM, "out of memory parsing attributes");
        if (n->op->parse(g, n, n->op->since, params, &d) == LSTM_OK) n->params = params;
    }
    if (d.code) {
        n->support_code = d.code == LSTM_EMODEL ? LSTM_EMODEL : LSTM_EUNSUPPORTED;
        n->support = lstm__pool_strndup(g->mem, d.msg, strlen(d.msg));
        if (!n->support) return lstm__errf(err, LSTM_ENOMEM, "out of memory describing a node");
    }
    return LSTM_OK;
}

int lstm__registry_resolve(lstm__graph *g, lstm__diag *d)
{
    for (int i = 0; i < g->n_nodes; i++) {
        lstm__node *n = &g->nodes[i];
        int rc = resolve_node(g, n, d);
        if (rc) return rc;
        for (int a = 0; a < n->n_attr; a++) {
            const lstm__attr *at = &n->attrs[a];
            for (size_t j = 0; at->type == LSTM__A_GRAPHS && j < at->n; j++)
                if ((rc = lstm__registry_resolve(at->gs[j], d))) return rc;
            if (at->type == LSTM__A_GRAPH && at->g && (rc = lstm__registry_resolve(at->g, d)))
                return rc;
        }
    }
    return LSTM_OK;
}
