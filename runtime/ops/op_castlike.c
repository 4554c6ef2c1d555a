/*
** op_castlike.c — CastLike (15; 19 adds `saturate`, 24 `round_mode`; 21, 23, 25 only add element
** types this runtime does not hold): Cast to target_type's element type, with Cast's conversions
** (op_const.c's lstm__cast_run: the output's type is the target). `saturate` and `round_mode`
** only concern float8 targets, which are not supported, so they change nothing; their values are
** checked. One registry row covers every version: the attributes depend on the node's opset.
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"

#include <string.h>

static int castable(int t)
{
    return lstm__is_float(t) || lstm__is_int(t) || t == LSTM_DT_BOOL;
}

int lstm__castlike_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                         lstm__diag *d)
{
    static const char *const v15[] = {NULL}, *const v19[] = {"saturate", NULL},
                             *const v24[] = {"saturate", "round_mode", NULL};
    const lstm__attr *rm = lstm__attr_find(n, "round_mode");
    char b[LSTM__LABEL_MAX];
    int64_t sat;
    (void)params;
    int ver = n->opset >= 24 ? 24 : n->opset >= 19 ? 19 : since;
    if (lstm__arity(g, n, 2, 2, 1, 1, d) ||
        lstm__attrs_allowed(g, n, ver,
                            ver == 24   ? v24
                            : ver == 19 ? v19
                                        : v15,
                            d) ||
        lstm__attr_flag(g, n, "saturate", 1, &sat, d))
        return d->code;
    if (rm && (rm->type != LSTM__A_STRING ||
               (strcmp(rm->s, "up") && strcmp(rm->s, "down") && strcmp(rm->s, "nearest"))))
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'round_mode' must be up, down or nearest",
                          lstm__node_ctx(g, n, b, sizeof b));
    return LSTM_OK;
}

int lstm__castlike_prepare(lstm__kctx *k)
{
    const lstm__rt *x = k->in[0], *t = k->in[1];
    if (!castable(x->dtype) || !castable(t->dtype))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type: cast %s to %s",
                          lstm__klabel(k), lstm__dtype_name(x->dtype), lstm__dtype_name(t->dtype));
    return lstm__rt_set(k, k->out[0], t->dtype, x->rank, x->dims);
}

int lstm__castlike_run(lstm__kctx *k)
{
    return lstm__cast_run(k); /* reads input 0 and converts into output 0's type */
}
