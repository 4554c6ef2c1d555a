/*
** model_open.c — lstm_model_open / _open_buffer / _close: the layer that composes the importer
** (ONNX bytes -> graph) and the runtime (resolve, fold, pack). The only code that sees both.
*/
#include "blas.h"
#include "import.h"
#include "load.h"
#include "options.h"

#include <string.h>

static int open_common(const void *buf, size_t len, const char *path, const lstm_options *caller,
                       lstm_model **out)
{
    if (!out) return LSTM_EINVAL;
    lstm_options o; /* the caller's, in this library's layout (options.c) */
    lstm__diag od;
    lstm__diag_clear(&od);
    int orc = lstm__options_check(caller, &o, &od);
    const lstm_options *opt = &o; /* all defaults when refused */
    lstm__alloc a;
    lstm__alloc_init(&a, opt);
    lstm_model *m = lstm__calloc(&a, 1, sizeof *m);
    *out = m;
    if (!m) return LSTM_ENOMEM;
    m->alloc = a;
    if (orc) {
        m->diag = od;
        m->status = orc;
        return orc;
    }
    if (opt) {
        m->log = opt->log;
        m->log_ud = opt->log_ud;
        m->abort = opt->abort;
        m->abort_ud = opt->abort_ud;
    }
    lstm__diag_clear(&m->diag);
    lstm__blas_single(); /* the session's threads share the products out (blas.h) */
    m->num_threads = opt && opt->num_threads > 0 ? opt->num_threads : 1;
    m->keep_weights = opt && opt->keep_weights;
    lstm__limits_resolve(&m->limits, opt ? &opt->limits : NULL);
    int rc = path ? lstm__import_file(path, opt, &m->g, &m->diag)
                  : lstm__import_buffer(buf, len, opt, opt ? opt->external_data_dir : NULL, &m->g,
                                        &m->diag);
    if (!rc) rc = lstm__model_load(m);
    m->status = rc;
    const char *nm = path ? path : "<memory>";
    if (rc) {
        lstm__log(m, LSTM_LOG_ERROR, "%s: %s", nm, m->diag.msg);
    } else {
        int nodes, folded, fused, unsupported;
        lstm__model_counts(m, &nodes, &folded, &fused, &unsupported);
        for (int i = 0; i < m->g->n_nodes; i++)
            if (m->g->nodes[i].support)
                lstm__log(m, LSTM_LOG_WARN, "node #%d '%s' (%s) cannot run: %s", i,
                          m->g->nodes[i].name, m->g->nodes[i].op_type, m->g->nodes[i].support);
        lstm__log(m, LSTM_LOG_INFO,
                  "loaded %s: %d nodes%s (%d folded at load, %d fused, %d unsupported), %llu "
                  "weight bytes (%llu freed once packed)",
                  nm, nodes, nodes != m->g->n_nodes ? " counting subgraphs" : "", folded, fused,
                  unsupported, (unsigned long long)m->g->weight_bytes,
                  (unsigned long long)m->freed_bytes);
    }
    m->path = lstm__malloc(&m->alloc, strlen(nm) + 1);
    if (m->path) memcpy(m->path, nm, strlen(nm) + 1);
    if (rc == LSTM_ENOMEM || !m->path) {
        if (!m->path && !rc)
            lstm__errf(&m->diag, LSTM_ENOMEM, "out of memory keeping the model's name");
        lstm__graph_free(m->g);
        m->g = NULL;
        m->status = LSTM_ENOMEM;
        return LSTM_ENOMEM;
    }
    return rc;
}

int lstm_model_open(const char *path, const lstm_options *opt, lstm_model **out)
{
    if (!path) {
        if (out) *out = NULL;
        return LSTM_EINVAL;
    }
    return open_common(NULL, 0, path, opt, out);
}

int lstm_model_open_buffer(const void *buf, size_t len, const lstm_options *opt, lstm_model **out)
{
    return open_common(buf, len, NULL, opt, out);
}

void lstm_model_close(lstm_model *m)
{
    if (!m) return;
    lstm__graph_free(m->g);
    lstm__free(&m->alloc, m->path);
    lstm__alloc a = m->alloc;
    lstm__free(&a, m);
}
