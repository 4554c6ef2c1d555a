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
        memset(s->prof_ns, 0, sizeof *s->prof_ns * (size_t)s->g->n_nodes);
        s->prof_runs = 0;
    }
    s->profiling = !!on;
    return LSTM_OK;
}

static int slower_first(const void *a, const void *b)
{
    const lstm__prof_entry *x = a, *y = b;
    if (x->ns != y->ns) return x->ns < y->ns ? 1 : -1;
    return x->node - y->node;
}

int lstm_session_profile(lstm_session *s, int format, lstm_write_fn write, void *ud)
{
    if (!s || !write || (format != LSTM_DESCRIBE_TEXT && format != LSTM_DESCRIBE_JSON))
        return LSTM_EINVAL;
    lstm__diag_clear(&s->diag);
    const lstm__graph *g = s->g;
    int n = 0;
    uint64_t total = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        /* Nodes that run at every run (as last planned), or that were timed before. */
        if (!s->prof_ns[i] && !(s->planned && s->node_dyn[i])) continue;
        s->prof_sorted[n++] = (lstm__prof_entry){s->prof_ns[i], i};
        total += s->prof_ns[i];
    }
    qsort(s->prof_sorted, (size_t)n, sizeof *s->prof_sorted, slower_first);
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
        const lstm__prof_entry *e = &s->prof_sorted[j];
        const lstm__node *nd = &g->nodes[e->node];
        double ms = (double)e->ns / 1e6, share = total ? (double)e->ns / (double)total : 0.0;
        if (format == LSTM_DESCRIBE_JSON) {
            lstm__outf(&o, "%s{\"index\": %d, \"name\": ", j ? ", " : "", e->node);
            lstm__out_json_str(&o, nd->name);
            lstm__outs(&o, ", \"op_type\": ");
            lstm__out_json_str(&o, nd->op_type);
            lstm__outf(&o, ", \"ms_per_run\": %.6f, \"total_ms\": %.6f, \"share\": %.6f}",
                       ms / runs, ms, share);
        } else {
            lstm__kctx k = {.g = g, .n = nd};
            lstm__kctx_label(&k);
            lstm__outf(&o, "  %5.1f%%  %9.4f  %11.3f  %s\n", 100 * share, ms / runs, ms, k.label);
        }
    }
    if (format == LSTM_DESCRIBE_JSON) lstm__outs(&o, "]}\n");
    lstm__out_flush(&o);
    return LSTM_OK;
}
