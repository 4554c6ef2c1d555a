/* model.c — lstm_model_open / close / errmsg. */
#include "import.h"
#include "model.h"
#include "options.h"
#include "blas.h"
#include "ops/registry.h"
#include "ops/rnn.h"
#include "dtype.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Evaluate once, at load, every node whose inputs are all constants (initializers that no
** caller can override, or earlier folded values): PyTorch exports without constant folding
** reorder their weights with Slice / Concat / Unsqueeze on initializers. A node that fails
** here is left for the session, which reports the error. */
static int fold_constants(lstm_model *m)
{
    lstm__graph *g = m->g;
    _Alignas(64) unsigned char params[LSTM__PARAMS_MAX];
    lstm__rt in[64], out[8], *pin[64], *pout[8];
    /* Folded values count as weights: they share the weight budget. */
    uint64_t budget = m->limits.max_weight_bytes > g->weight_bytes
                          ? m->limits.max_weight_bytes - g->weight_bytes
                          : 0;
    for (int i = 0; i < g->n_nodes; i++) {
        lstm__node *n = &g->nodes[i];
        if (!n->op || n->n_in > 64 || n->n_out > 8) continue;
        int ok = 1;
        for (int j = 0; j < n->n_in && ok; j++) {
            pin[j] = NULL;
            if (n->in[j] < 0) continue;
            const lstm__value *v = &g->values[n->in[j]];
            ok = v->init && !(v->flags & LSTM__V_INPUT);
            if (!ok) break;
            lstm__rt *t = &in[j];
            memset(t, 0, sizeof *t);
            t->dtype = v->init->dtype;
            t->rank = v->init->rank;
            memcpy(t->dims, v->init->dims, sizeof t->dims);
            t->nelem = v->init->nelem;
            t->nbytes = v->init->nbytes;
            t->data = v->init->data;
            t->known = 1;
            pin[j] = t;
        }
        if (!ok) continue;
        lstm__diag d;
        lstm__diag_clear(&d);
        lstm__kctx k = {.g = g,
                        .n = n,
                        .since = n->op->since,
                        .in = pin,
                        .out = pout,
                        .params = params,
                        .d = &d,
                        .max_tensor_bytes = m->limits.max_tensor_bytes};
        lstm__kctx_label(&k);
        for (int j = 0; j < n->n_out; j++) {
            memset(&out[j], 0, sizeof out[j]);
            pout[j] = n->out[j] >= 0 ? &out[j] : NULL;
        }
        memset(params, 0, sizeof params);
        if (n->op->parse(g, n, n->op->since, params, &d) || n->op->infer(&k)) continue;
        uint64_t need = k.scratch_size;
        for (int j = 0; j < n->n_out; j++) need += pout[j] ? out[j].nbytes : 0;
        if (need > budget) continue; /* left to the session, which applies its own limit */
        budget -= need;
        k.scratch = lstm__pool_alloc(&g->pool, k.scratch_size);
        if (!k.scratch) return LSTM_ENOMEM;
        lstm__tensor *ts[8] = {0};
        for (int j = 0; j < n->n_out; j++) {
            if (!pout[j]) continue;
            ts[j] = lstm__pool_alloc(&g->pool, sizeof *ts[j]);
            out[j].data = ts[j] ? lstm__pool_alloc(&g->pool, out[j].nbytes) : NULL;
            if (!out[j].data) return LSTM_ENOMEM;
        }
        if (n->op->run(&k)) continue;
        for (int j = 0; j < n->n_out; j++) {
            if (!ts[j]) continue;
            ts[j]->dtype = out[j].dtype;
            ts[j]->rank = out[j].rank;
            memcpy(ts[j]->dims, out[j].dims, sizeof ts[j]->dims);
            ts[j]->nelem = out[j].nelem;
            ts[j]->nbytes = out[j].nbytes;
            ts[j]->data = out[j].data;
            g->values[n->out[j]].init = ts[j];
        }
        n->folded = 1;
    }
    return LSTM_OK;
}

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
    if (opt && opt->num_threads > 0) lstm__blas_set_threads(opt->num_threads);
    m->num_threads = opt && opt->num_threads > 0 ? opt->num_threads : 1;
    lstm__limits_resolve(&m->limits, opt ? &opt->limits : NULL);
    int rc = path ? lstm__import_file(path, opt, &m->g, &m->diag)
                  : lstm__import_buffer(buf, len, opt, opt ? opt->external_data_dir : NULL, &m->g,
                                        &m->diag);
    if (!rc && fold_constants(m) != LSTM_OK)
        rc = lstm__errf(&m->diag, LSTM_ENOMEM, "out of memory folding constants");
    for (int i = 0; !rc && i < m->g->n_nodes; i++)
        if (m->g->nodes[i].op && (m->g->nodes[i].op->flags & LSTM__OPF_RECURRENT) &&
            lstm__rnn_prepack(m->g, &m->g->nodes[i]) != LSTM_OK)
            rc = lstm__errf(&m->diag, LSTM_ENOMEM, "out of memory packing weights");
    m->status = rc;
    const char *nm = path ? path : "<memory>";
    if (rc) {
        lstm__log(m, LSTM_LOG_ERROR, "%s: %s", nm, m->diag.msg);
    } else {
        int folded = 0, unsupported = 0;
        for (int i = 0; i < m->g->n_nodes; i++) {
            folded += m->g->nodes[i].folded;
            if (m->g->nodes[i].support) {
                unsupported++;
                lstm__log(m, LSTM_LOG_WARN, "node #%d '%s' (%s) cannot run: %s", i,
                          m->g->nodes[i].name, m->g->nodes[i].op_type, m->g->nodes[i].support);
            }
        }
        lstm__log(m, LSTM_LOG_INFO,
                  "loaded %s: %d nodes (%d folded at load, %d unsupported), %llu weight bytes", nm,
                  m->g->n_nodes, folded, unsupported, (unsigned long long)m->g->weight_bytes);
    }
    m->path = lstm__malloc(&m->alloc, strlen(nm) + 1);
    if (m->path) memcpy(m->path, nm, strlen(nm) + 1);
    if (rc == LSTM_ENOMEM || !m->path) {
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
