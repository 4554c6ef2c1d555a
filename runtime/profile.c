/* profile.c — lstm_session_set_profiling / lstm_session_profile: per-node wall time of runs. */
#include "session.h"
#include "describe/describe.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

uint64_t lstm__now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

int lstm_session_set_profiling(lstm_session *s, int on)
{
    if (!s) return LSTM_EINVAL;
    lstm__diag_clear(&s->diag);
    if (on) {
        for (lstm__plan *p = s->plans; p; p = p->next)
            memset(p->prof_ns, 0, sizeof *p->prof_ns * (size_t)p->g->n_nodes);
        s->prof_runs = 0;
    }
    s->profiling = !!on;
    return LSTM_OK;
}

static int slower_first(const void *a, const void *b)
{
    const lstm__prof_entry *x = a, *y = b;
    if (x->ns != y->ns) return x->ns < y->ns ? 1 : -1;
    if (x->plan != y->plan) return x->plan->g->depth - y->plan->g->depth;
    return x->node - y->node;
}

int lstm_session_profile(lstm_session *s, int format, lstm_write_fn write, void *ud)
{
    if (!s) return LSTM_EINVAL;
    lstm__diag_clear(&s->diag);
    if (!write) return lstm__errf(&s->diag, LSTM_EINVAL, "profile: write is NULL");
    if (format != LSTM_DESCRIBE_TEXT && format != LSTM_DESCRIBE_JSON)
        return lstm__errf(&s->diag, LSTM_EINVAL,
                          "profile: format %d (LSTM_DESCRIBE_TEXT or LSTM_DESCRIBE_JSON)", format);
    size_t cap = 0;
    for (lstm__plan *p = s->plans; p; p = p->next) cap += (size_t)p->g->n_nodes;
    if (lstm__buf_table(s, &s->prof_sorted, (cap + 1) * sizeof(lstm__prof_entry)))
        return s->diag.code;
    lstm__prof_entry *e = s->prof_sorted.p;
    int n = 0;
    uint64_t total = 0;
    for (lstm__plan *p = s->plans; p; p = p->next)
        for (int i = 0; i < p->g->n_nodes; i++) {
            /* Nodes that run at every run (as last planned), or that were timed before. */
            if (!p->prof_ns[i] && !(p->planned && p->mode[i] != LSTM__NODE_SKIP)) continue;
            e[n++] = (lstm__prof_entry){p->prof_ns[i], p, i};
            if (!p->parent) total += p->prof_ns[i]; /* subgraph nodes count in their owner */
        }
    qsort(e, (size_t)n, sizeof *e, slower_first);
    const double runs = s->prof_runs ? (double)s->prof_runs : 1.0;
    lstm__out o = {.write = write, .ud = ud};
    if (format == LSTM_DESCRIBE_JSON)
        lstm__outf(&o, "{\"runs\": %llu, \"ms_per_run\": %.6f, \"nodes\": [",
                   (unsigned long long)s->prof_runs, (double)total / 1e6 / runs);
    else
        lstm__outf(&o,
                   "profile: %llu run%s timed, %.3f ms per run in %d nodes%s\n"
                   "  share     ms/run     total ms  node\n",
                   (unsigned long long)s->prof_runs, s->prof_runs == 1 ? "" : "s",
                   (double)total / 1e6 / runs, n, s->profiling ? "" : " (profiling is off)");
    for (int j = 0; j < n; j++) {
        const lstm__prof_entry *x = &e[j];
        const lstm__node *nd = &x->plan->g->nodes[x->node];
        double ms = (double)x->ns / 1e6, share = total ? (double)x->ns / (double)total : 0.0;
        lstm__kctx k = {.n = nd, .plan = (lstm__plan *)x->plan};
        if (format == LSTM_DESCRIBE_JSON) {
            lstm__outf(&o, "%s{\"index\": %d, \"name\": ", j ? ", " : "", x->node);
            lstm__out_json_str(&o, nd->name[0] ? lstm__kname(&k) : "");
            lstm__outs(&o, ", \"op_type\": ");
            lstm__out_json_str(&o, nd->op_type);
            lstm__outs(&o, ", \"graph\": ");
            /* The qualified path of its graph ("Loop_1/body"), "" for the main graph. */
            size_t l = strlen(lstm__du_qualify(x->plan->g, NULL, k.lbuf, sizeof k.lbuf));
            if (l) k.lbuf[l - 1] = '\0';
            lstm__out_json_str(&o, k.lbuf);
            lstm__outf(&o,
                       ", \"ms_per_run\": %.6f, \"total_ms\": %.6f, \"share\": %.6f, "
                       "\"fused\": %s, \"absorbs\": %s, \"packed\": %s}",
                       ms / runs, ms, share, nd->fused ? "true" : "false",
                       nd->fusion ? "true" : "false", nd->packed ? "true" : "false");
        } else {
            /* MatMul / Gemm: packed only when they run on the simd GEMM (op_linear.c). */
            const int simd_mm = nd->packed && (strcmp(nd->op_type, "MatMul") == 0 ||
                                               strcmp(nd->op_type, "Gemm") == 0);
            lstm__outf(&o, "  %5.1f%%  %9.4f  %11.3f  %s%s\n", 100 * share, ms / runs, ms,
                       lstm__klabel(&k),
                       nd->fused    ? " [fused into the node before it]"
                       : nd->fusion ? " [with the nodes fused into it]"
                       : simd_mm    ? " [B packed at load: simd GEMM]"
                                    : "");
        }
    }
    if (format == LSTM_DESCRIBE_JSON) lstm__outs(&o, "]}\n");
    lstm__out_flush(&o);
    return LSTM_OK;
}
