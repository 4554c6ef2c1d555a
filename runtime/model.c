/* model.c — lstm_model_open / close / errmsg. */
#include "import.h"
#include "model.h"

static int open_common(const void *buf, size_t len, const char *path, const lstm_options *opt,
                       lstm_model **out)
{
    if (!out) return LSTM_EINVAL;
    lstm__alloc a;
    lstm__alloc_init(&a, opt);
    lstm_model *m = lstm__calloc(&a, 1, sizeof *m);
    *out = m;
    if (!m) return LSTM_ENOMEM;
    m->alloc = a;
    lstm__diag_clear(&m->diag);
    int rc = path ? lstm__import_file(path, opt, &m->g, &m->diag)
                  : lstm__import_buffer(buf, len, opt, opt ? opt->external_data_dir : NULL, &m->g,
                                        &m->diag);
    if (rc) {
        /* A failed model keeps only its message. */
        lstm__graph_free(m->g);
        m->g = NULL;
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

int lstm_model_open_buffer(const void *buf, size_t len, const lstm_options *opt,
                           lstm_model **out)
{
    return open_common(buf, len, NULL, opt, out);
}

void lstm_model_close(lstm_model *m)
{
    if (!m) return;
    lstm__graph_free(m->g);
    lstm__alloc a = m->alloc;
    lstm__free(&a, m);
}

const char *lstm_model_errmsg(const lstm_model *m)
{
    if (!m) return "no model (out of memory or NULL handle)";
    return m->diag.msg;
}
