/* import_opset.c — an ai.onnx opset newer than this runtime knows: the model loads and runs
** (each node as the newest operator version implemented here), with a warning through the
** log callback naming the domain and version. Most exporters stamp their newest opset
** whether or not the model uses an operator that changed, so refusing would stop models that
** run correctly; but a node whose operator did change would compute the older semantics,
** and the warning says so. */
#include "importer.h"

#include <stdio.h>

void lstm__imp_opset_warn(const lstm__graph *g, const lstm_options *opt)
{
    if (!opt || !opt->log) return;
    for (int i = 0; i < g->n_opsets; i++) {
        if (g->opsets[i].domain[0] || g->opsets[i].version <= LSTM__ONNX_OPSET_KNOWN) continue;
        char msg[320];
        snprintf(msg, sizeof msg,
                 "the model imports ai.onnx version %lld, newer than %d, the newest this runtime "
                 "knows: every node runs as the newest version of its operator known here, "
                 "which computes older semantics for an operator ONNX changed after opset %d",
                 (long long)g->opsets[i].version, LSTM__ONNX_OPSET_KNOWN, LSTM__ONNX_OPSET_KNOWN);
        opt->log(opt->log_ud, LSTM_LOG_WARN, msg);
    }
}
