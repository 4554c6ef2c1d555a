/*
** op_hardmax.c — Hardmax 1, 11, 13 (13 adds bfloat16): 1 at the first maximum of each row, 0
** elsewhere. Versions 1 and 11 take the rows of the 2-D coercion at `axis` (default 1), version
** 13 the single `axis` (default -1), as Softmax (lstm__softmax_view). A NaN counts as the
** maximum (the first NaN wins), as numpy's argmax in ONNX's reference implementation;
** onnxruntime instead gives a row whose running maximum is NaN no 1 at all.
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"

#include <string.h>

int lstm__hardmax_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                        lstm__diag *d)
{
    lstm__softmax_params *p = params;
    static const char *const names[] = {"axis", NULL};
    p->log = 0;
    return lstm__arity(g, n, 1, 1, 1, 1, d) || lstm__attrs_allowed(g, n, since, names, d) ||
           lstm__attr_int(g, n, "axis", since >= 13 ? -1 : 1, &p->axis, d);
}

int lstm__hardmax_prepare(lstm__kctx *k)
{
    const lstm__rt *x = k->in[0];
    size_t o, l, i;
    int dt = x->dtype;
    if (dt != LSTM_DT_FLOAT && dt != LSTM_DT_DOUBLE && dt != LSTM_DT_FLOAT16 &&
        !(dt == LSTM_DT_BFLOAT16 && k->since >= 13))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type %s%s", lstm__klabel(k),
                          lstm__dtype_name(dt),
                          dt == LSTM_DT_BFLOAT16 ? " (bfloat16 from opset 13)" : "");
    if (lstm__softmax_view(k, &o, &l, &i)) return k->d->code;
    return lstm__rt_set(k, k->out[0], dt, x->rank, x->dims);
}

int lstm__hardmax_run(lstm__kctx *k)
{
    const lstm__rt *x = k->in[0];
    lstm__rt *y = k->out[0];
    size_t outer, len, inner;
    if (!y->nelem) return LSTM_OK; /* (the loops below would walk empty rows) */
    lstm__softmax_view(k, &outer, &len, &inner);
    if (y->nbytes) memset(y->data, 0, y->nbytes);
    for (size_t o = 0; o < outer; o++)
        for (size_t in = 0; in < inner; in++) {
            size_t base = o * len * inner + in, best = 0;
            if (!len) continue;
            double mx = lstm__get_f(x, base);
            for (size_t j = 1; j < len && mx == mx; j++) {
                double v = lstm__get_f(x, base + j * inner);
                if (v > mx || v != v) mx = v, best = j;
            }
            lstm__put_f(y, base + best * inner, 1.0);
        }
    return LSTM_OK;
}
