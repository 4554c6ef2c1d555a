/* model.c — lstm_model_open / close / errmsg. */
#include "import.h"
#include "model.h"
#include "dtype.h"

#include <string.h>

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

static int info(const lstm_model *m, const lstm__decl *dc, int n, int i, lstm_value_info *out,
                int inputs)
{
    if (!m || !m->g || !out || i < 0 || i >= n) return LSTM_EINVAL;
    const lstm__decl *d = &dc[i];
    memset(out, 0, sizeof *out);
    out->name = d->name;
    out->dtype = d->type.kind == LSTM__VK_TENSOR ? d->type.dtype : LSTM_DT_UNDEFINED;
    out->rank = d->type.rank;
    for (int k = 0; k < d->type.rank && k < LSTM_MAX_RANK; k++) {
        out->dims[k] = d->type.dims[k];
        out->dim_names[k] = d->type.dim_names[k];
    }
    out->has_default = inputs && (m->g->values[m->g->input_values[i]].flags & LSTM__V_INIT);
    return LSTM_OK;
}

int lstm_model_input_count(const lstm_model *m) { return m && m->g ? m->g->n_inputs : -1; }
int lstm_model_output_count(const lstm_model *m) { return m && m->g ? m->g->n_outputs : -1; }

int lstm_model_input_info(const lstm_model *m, int i, lstm_value_info *out)
{
    return info(m, m && m->g ? m->g->inputs : NULL, m && m->g ? m->g->n_inputs : 0, i, out, 1);
}

int lstm_model_output_info(const lstm_model *m, int i, lstm_value_info *out)
{
    return info(m, m && m->g ? m->g->outputs : NULL, m && m->g ? m->g->n_outputs : 0, i, out, 0);
}

const char *lstm_dtype_name(int dtype) { return lstm__dtype_name(dtype); }
size_t lstm_dtype_size(int dtype) { return lstm__dtype_size(dtype); }
