/* model.c — lstm_model_open / close / errmsg. */
#include "model.h"
#include "blas.h"
#include "dtype.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void lstm__log(const lstm_model *m, int level, const char *fmt, ...)
{
    if (!m || !m->log) return;
    char msg[LSTM__MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    m->log(m->log_ud, level, msg);
}

const char *lstm_model_errmsg(const lstm_model *m)
{
    if (!m) return "no model (out of memory or NULL handle)";
    return m->diag.msg;
}

int lstm_model_status(const lstm_model *m)
{
    return m ? m->status : LSTM_EINVAL;
}

static int info(const lstm_model *m, const lstm__decl *dc, int n, int i, lstm_value_info *out,
                int inputs)
{
    if (!lstm__model_graph(m) || !out || i < 0 || i >= n) return LSTM_EINVAL;
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
    out->kind = d->type.kind == LSTM__VK_SEQUENCE   ? LSTM_VALUE_SEQUENCE
                : d->type.kind == LSTM__VK_OPTIONAL ? LSTM_VALUE_OPTIONAL
                                                    : LSTM_VALUE_TENSOR;
    return LSTM_OK;
}

int lstm_model_input_count(const lstm_model *m)
{
    const lstm__graph *g = lstm__model_graph(m);
    return g ? g->n_inputs : -1;
}

int lstm_model_output_count(const lstm_model *m)
{
    const lstm__graph *g = lstm__model_graph(m);
    return g ? g->n_outputs : -1;
}

int lstm_model_input_info(const lstm_model *m, int i, lstm_value_info *out)
{
    const lstm__graph *g = lstm__model_graph(m);
    return info(m, g ? g->inputs : NULL, g ? g->n_inputs : 0, i, out, 1);
}

int lstm_model_output_info(const lstm_model *m, int i, lstm_value_info *out)
{
    const lstm__graph *g = lstm__model_graph(m);
    return info(m, g ? g->outputs : NULL, g ? g->n_outputs : 0, i, out, 0);
}

const char *lstm_dtype_name(int dtype)
{
    return lstm__dtype_name(dtype);
}
size_t lstm_dtype_size(int dtype)
{
    return lstm__dtype_size(dtype);
}

int lstm_num_threads(void)
{
    return lstm__blas_threads();
}
