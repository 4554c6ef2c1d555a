/* registry.c — the operator table built from ops.def, and node resolution. */
#include "ops/registry.h"
#include "ops/ops.h"

#include <string.h>

static const lstm__op rows[] = {
#define X(dom, ty, since, flags, ptype, pfx)                                                       \
    {dom, ty, since, flags, sizeof(ptype), pfx##_parse, pfx##_infer, pfx##_run},
#include "ops/ops.def"
#undef X
};

#define X(dom, ty, since, flags, ptype, pfx)                                                       \
    _Static_assert(sizeof(ptype) <= LSTM__PARAMS_MAX, "params of " ty " too large");
#include "ops/ops.def"
#undef X

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
    for (int i = 0; i < NROWS; i++) {
        const lstm__op *r = &rows[i];
        if (strcmp(r->domain, domain) != 0 || strcmp(r->op_type, op_type) != 0) continue;
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
                   "%s at opset %lld uses an operator version before %d; this runtime implements "
                   "%s from version %d (re-export with opset >= %d)",
                   op_type, (long long)opset, first, op_type, first, first);
    return NULL;
}

void lstm__registry_resolve(lstm__graph *g)
{
    _Alignas(64) unsigned char params[LSTM__PARAMS_MAX];
    for (int i = 0; i < g->n_nodes; i++) {
        lstm__node *n = &g->nodes[i];
        lstm__diag d;
        lstm__diag_clear(&d);
        n->op = lstm__registry_find(n->domain, n->op_type, n->opset, &d);
        if (n->op) {
            memset(params, 0, sizeof params);
            n->op->parse(g, n, n->op->since, params, &d);
        }
        n->support = NULL;
        if (d.code) {
            n->support = lstm__pool_strndup(&g->pool, d.msg, strlen(d.msg));
            if (!n->support) n->support = "not supported (out of memory describing why)";
        }
    }
}
