/* describe.c — lstm_model_describe: the text, JSON and Graphviz views of a model. */
#include "describe/describe.h"
#include "model.h"

int lstm_model_describe(const lstm_model *m, int format, lstm_write_fn write, void *ud)
{
    if (!m || !write || format < LSTM_DESCRIBE_TEXT || format > LSTM_DESCRIBE_DOT)
        return LSTM_EINVAL;
    lstm__out o = {.write = write, .ud = ud};
    lstm__dctx c = {.g = m->g,
                    .path = m->path ? m->path : "",
                    .rc = m->status,
                    .errmsg = m->diag.msg,
                    .linked = m->g && m->g->values && m->status == LSTM_OK};
    if (format == LSTM_DESCRIBE_JSON)
        lstm__describe_json(&o, &c);
    else if (m->g && format == LSTM_DESCRIBE_DOT)
        lstm__describe_dot(&o, &c);
    else if (m->g)
        lstm__describe_text(&o, &c);
    lstm__out_flush(&o);
    return LSTM_OK;
}
