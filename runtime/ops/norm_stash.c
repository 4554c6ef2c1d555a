/* norm_stash.c — stash_type and the roundings of stage one, shared by GroupNormalization and
** RMSNormalization (norm_more.h). */
#include "ops/op_util.h"
#include "ops/ops.h"

int lstm__norm_stash(const lstm__graph *g, const lstm__node *n, int *stash64, lstm__diag *d)
{
    int64_t st;
    char b[LSTM__LABEL_MAX];
    if (lstm__attr_int(g, n, "stash_type", LSTM_DT_FLOAT, &st, d)) return d->code;
    *stash64 = st == LSTM_DT_DOUBLE;
    if (st == LSTM_DT_FLOAT || st == LSTM_DT_DOUBLE) return LSTM_OK;
    if (st == LSTM_DT_FLOAT16 || st == LSTM_DT_BFLOAT16)
        return lstm__errf(d, LSTM_EUNSUPPORTED,
                          "%s: stash_type %lld (%s) is not supported; 1 (float32) and 11 "
                          "(double) are",
                          lstm__node_ctx(g, n, b, sizeof b), (long long)st,
                          st == LSTM_DT_FLOAT16 ? "float16" : "bfloat16");
    return lstm__errf(d, LSTM_EMODEL,
                      "%s: stash_type %lld is not a float type, expected 1 (float32), 10 "
                      "(float16), 11 (double) or 16 (bfloat16)",
                      lstm__node_ctx(g, n, b, sizeof b), (long long)st);
}

double lstm__norm_round(double v, int stash64, int dtype)
{
    if (!stash64 || dtype == LSTM_DT_FLOAT) v = (float)v;
    if (dtype == LSTM_DT_FLOAT16) return lstm__f16_to_f32(lstm__f32_to_f16((float)v));
    if (dtype == LSTM_DT_BFLOAT16) return lstm__bf16_to_f32(lstm__f32_to_bf16((float)v));
    return v;
}

double lstm__norm_get(const lstm__rt *X, size_t i, int stash64)
{
    double v = lstm__get_f(X, i);
    return stash64 ? v : (double)(float)v;
}
