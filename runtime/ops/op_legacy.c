/*
** op_legacy.c — ai.onnx versions 1-6 of element-wise operators and Gemm, on the current kernels:
**   unary   Abs Ceil Exp Floor Log Neg Reciprocal Relu Sigmoid Sqrt Tanh Elu HardSigmoid
**           LeakyRelu Selu Clip (1: consumed_inputs; float16, float, double; Selu 1's defaults
**           are alpha 1.6732, gamma 1.0507), Dropout (1, 6: is_test, ratio; inference only)
**   n-ary   Max Min Sum Mean (1: consumed_inputs; every input of one shape)
**   binary  Add Sub Mul Div (1, 6), Pow Equal Greater Less (1): legacy broadcasting
**   Gemm    (1, 6): broadcast for C
** Legacy broadcasting (the text of Add 1): without broadcast=1, A and B have one shape; with it,
** B has one element (a scalar, or any rank up to A's), or B's shape is a contiguous run of A's
** dims from `axis` (0 .. rank(A) - rank(B); the text has no negative axis), A's suffix when
** axis is absent. A size-1 dim of B repeats along A's: the text says "1-dim expansion doesn't
** work yet", but the ONNX test data of PyTorch's opset-6 exports (pytorch-operator
** test_operator_add_size1_*broadcast: B [2, 1] and [1, 3] on A [2, 3]) expands them, and no
** other reading exists. The output has A's shape: B is seen with 1s around it, and the current
** kernel broadcasts that.
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"

#include <stdio.h>
#include <string.h>

/* ---- helpers shared with op_legacy_shape.c ---- */
int lstm__legacy_attrs(const lstm__graph *g, const lstm__node *n, int since,
                       const char *const *names, lstm__diag *d)
{
    if (lstm__attrs_allowed(g, n, since, names, d)) return d->code;
    const lstm__attr *ci = lstm__attr_find(n, "consumed_inputs");
    if (ci && ci->type != LSTM__A_INTS) {
        char b[LSTM__LABEL_MAX];
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'consumed_inputs' must be a list of ints",
                          lstm__node_ctx(g, n, b, sizeof b));
    }
    return LSTM_OK;
}

int lstm__legacy_keep(const lstm__node *n, const char *const *drop, lstm__attr *out, int cap)
{
    int c = 0;
    for (int i = 0; i < n->n_attr; i++) {
        int skip = 0;
        for (const char *const *q = drop; *q && !skip; q++) skip = !strcmp(*q, n->attrs[i].name);
        if (skip) continue;
        if (c == cap) return -1;
        out[c++] = n->attrs[i];
    }
    return c;
}

int lstm__legacy_parse_as(const lstm__graph *g, const lstm__node *n, const lstm__attr *attrs,
                          int count, lstm__parse_fn fn, int isince, void *params, lstm__diag *d)
{
    /* The node itself (its label counts its index in the graph), its attributes swapped for the
    ** call: nodes are parsed once, at load, by the thread loading the model. */
    lstm__node *m = (lstm__node *)n;
    lstm__attr *own = m->attrs;
    int n_own = m->n_attr;
    m->attrs = (lstm__attr *)attrs;
    m->n_attr = count;
    int rc = fn(g, m, isince, params, d);
    m->attrs = own;
    m->n_attr = n_own;
    return rc;
}

int lstm__legacy_type(lstm__kctx *k, const lstm__rt *t, const char *what)
{
    const lstm__legacy_params *p = k->params;
    if (t->dtype >= 0 && t->dtype < 32 && (p->types & LSTM__LT(t->dtype))) return LSTM_OK;
    char list[256] = "";
    size_t o = 0;
    for (int i = 0; i < 32 && o < sizeof list; i++)
        if (p->types & LSTM__LT(i))
            o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", o ? ", " : "",
                                  lstm__dtype_name(i));
    return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: %s is %s; version %d takes %s", lstm__klabel(k),
                      what, lstm__dtype_name(t->dtype), k->since, list);
}

/* ---- the wrapped forms ---- */
enum { F_PLAIN, F_SELU, F_DROPOUT, F_BINARY, F_VARIADIC, F_GEMM };

typedef struct kind {
    int form;
    lstm__parse_fn parse; /* the current version's phases */
    int (*prepare)(lstm__kctx *k);
    int (*run)(lstm__kctx *k);
    int isince;               /* the version whose parse reads the attributes kept */
    unsigned types;           /* the legacy schema's types for input 0 */
    const char *const *names; /* the legacy version's attributes */
} kind;

/* Handled here, never passed on. */
static const char *const legacy_only[] = {"consumed_inputs", "axis", "broadcast", "is_test", NULL};

static int bcast_parse(const lstm__graph *g, const lstm__node *n, lstm__legacy_params *p,
                       lstm__diag *d)
{
    char b[LSTM__LABEL_MAX];
    int64_t bc, ax;
    if (lstm__attr_flag(g, n, "broadcast", 0, &bc, d)) return d->code;
    p->bcast = (int)bc;
    if (!lstm__attr_find(n, "axis")) return LSTM_OK;
    if (lstm__attr_int(g, n, "axis", 0, &ax, d)) return d->code;
    if (!bc)
        return lstm__errf(d, LSTM_EMODEL,
                          "%s: attribute 'axis' is given without broadcast=1 (it places B "
                          "within A when broadcasting)",
                          lstm__node_ctx(g, n, b, sizeof b));
    if (ax < 0)
        return lstm__errf(d, LSTM_EMODEL,
                          "%s: attribute 'axis' is %lld; before opset 7 the broadcast axis is "
                          "A's dim where B starts, from 0",
                          lstm__node_ctx(g, n, b, sizeof b), (long long)ax);
    p->has_axis = 1;
    p->axis = ax;
    return LSTM_OK;
}

static int legacy_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                        const kind *kd, lstm__diag *d)
{
    lstm__legacy_params *p = params;
    char b[LSTM__LABEL_MAX];
    memset(p, 0, sizeof *p);
    p->types = kd->types;
    if (lstm__legacy_attrs(g, n, since, kd->names, d)) return d->code;
    if ((kd->form == F_BINARY || kd->form == F_GEMM) && bcast_parse(g, n, p, d)) return d->code;
    if (kd->form == F_GEMM && (n->n_in != 3 || !n->in_names[2][0]))
        return lstm__errf(d, LSTM_EMODEL, "%s: Gemm before version 7 takes 3 inputs (C required)",
                          lstm__node_ctx(g, n, b, sizeof b));
    if (kd->form == F_DROPOUT) {
        int64_t test;
        float ratio;
        if (lstm__attr_flag(g, n, "is_test", 0, &test, d) ||
            lstm__attr_float(g, n, "ratio", 0.5f, &ratio, d))
            return d->code;
        if (!test && ratio != 0.0f)
            return lstm__errf(d, LSTM_EUNSUPPORTED,
                              "%s: is_test is 0 (training: random dropout with ratio %g); this "
                              "runtime does inference only (is_test=1)",
                              lstm__node_ctx(g, n, b, sizeof b), ratio);
    }
    lstm__attr keep[16];
    int c = lstm__legacy_keep(n, legacy_only, keep, 16);
    if (c < 0)
        return lstm__errf(d, LSTM_EMODEL, "%s: too many attributes",
                          lstm__node_ctx(g, n, b, sizeof b));
    if (lstm__legacy_parse_as(g, n, keep, c, kd->parse, kd->isince, &p->in, d)) return d->code;
    if (kd->form == F_SELU) { /* version 1's defaults */
        if (!lstm__attr_find(n, "alpha")) p->in.un.alpha = 1.6732f;
        if (!lstm__attr_find(n, "gamma")) p->in.un.beta = 1.0507f;
    }
    return LSTM_OK;
}

/* B (input 1) as the current kernel's broadcasting sees it (v: a copy of B's header with A's
** rank, 1s around B's dims); errors name both shapes. */
static int bview(lstm__kctx *k, lstm__rt *v)
{
    const lstm__legacy_params *p = k->params;
    const lstm__rt *a = k->in[0], *b = k->in[1];
    char s1[96], s2[96];
    *v = *b;
    lstm__dims_str(s1, sizeof s1, a->rank, a->dims);
    lstm__dims_str(s2, sizeof s2, b->rank, b->dims);
    int same = a->rank == b->rank && !memcmp(a->dims, b->dims, sizeof(int64_t) * (size_t)a->rank);
    if (!p->bcast) {
        if (same) return LSTM_OK;
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: A has shape %s and B %s; without broadcast=1 they must be equal "
                          "(version %d)",
                          lstm__klabel(k), s1, s2, k->since);
    }
    if (b->rank > a->rank || (p->has_axis && p->axis > a->rank - b->rank)) {
        char at[48] = "";
        if (p->has_axis) snprintf(at, sizeof at, " from axis %lld", (long long)p->axis);
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: B of shape %s does not fit in A of shape %s%s (broadcast=1 "
                          "before opset 7: B's dims are a run of A's)",
                          lstm__klabel(k), s2, s1, at);
    }
    const int start = p->has_axis ? (int)p->axis : a->rank - b->rank;
    if (b->nelem == 1) { /* one element: a scalar */
        v->rank = 0;
        return LSTM_OK;
    }
    for (int i = 0; i < b->rank; i++)
        if (b->dims[i] != a->dims[start + i] && b->dims[i] != 1)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: B of shape %s does not match A of shape %s from axis %d "
                              "(broadcast=1 before opset 7: B's dims are those of a run of A's, "
                              "or 1)",
                              lstm__klabel(k), s2, s1, start);
    v->rank = a->rank;
    for (int i = 0; i < a->rank; i++)
        v->dims[i] = i < start || i >= start + b->rank ? 1 : b->dims[i - start];
    return LSTM_OK;
}

/* fn with input 1 seen as v. */
static int with_b(lstm__kctx *k, int (*fn)(lstm__kctx *k), lstm__rt *v)
{
    lstm__rt *ins[2] = {k->in[0], v}, **own = k->in;
    k->in = ins;
    int rc = fn(k);
    k->in = own;
    return rc;
}

static int legacy_prepare(lstm__kctx *k, const kind *kd)
{
    const lstm__legacy_params *p = k->params;
    if (lstm__legacy_type(k, k->in[0], kd->form == F_GEMM ? "A" : "input 0")) return k->d->code;
    if (kd->form == F_BINARY) {
        lstm__rt v;
        if (lstm__legacy_type(k, k->in[1], "input 1") || bview(k, &v)) return k->d->code;
        return with_b(k, kd->prepare, &v);
    }
    if (kd->prepare(k)) return k->d->code;
    if (kd->form == F_GEMM && !p->bcast) { /* C must be [M, N] */
        const lstm__rt *c = k->in[2], *y = k->out[0];
        if (c->rank != 2 || c->dims[0] != y->dims[0] || c->dims[1] != y->dims[1]) {
            char s1[96], s2[96];
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: C has shape %s; without broadcast=1 it must be [M, N] = %s",
                              lstm__klabel(k), lstm__dims_str(s1, sizeof s1, c->rank, c->dims),
                              lstm__dims_str(s2, sizeof s2, y->rank, y->dims));
        }
    }
    return LSTM_OK;
}

static int legacy_run(lstm__kctx *k, const kind *kd)
{
    if (kd->form != F_BINARY) return kd->run(k);
    lstm__rt v; /* B in A's rank: the kernel's float32 spans take a channel bias directly */
    if (bview(k, &v)) return k->d->code;
    return with_b(k, kd->run, &v);
}

#define LEGACY(pfx, inner, form, isince, types, names)                                             \
    static const kind pfx##_kind = {form,  inner##_parse, inner##_prepare, inner##_run, isince,    \
                                    types, names};                                                 \
    int pfx##_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,            \
                    lstm__diag *d)                                                                 \
    {                                                                                              \
        return legacy_parse(g, n, since, params, &pfx##_kind, d);                                  \
    }                                                                                              \
    int pfx##_prepare(lstm__kctx *k)                                                               \
    {                                                                                              \
        return legacy_prepare(k, &pfx##_kind);                                                     \
    }                                                                                              \
    int pfx##_run(lstm__kctx *k)                                                                   \
    {                                                                                              \
        return legacy_run(k, &pfx##_kind);                                                         \
    }

#define FL LSTM__LT_FLOATS
/* Add, Sub, Mul, Div 6 add these integer types. */
#define FL_INT                                                                                     \
    (FL | LSTM__LT(LSTM_DT_INT32) | LSTM__LT(LSTM_DT_INT64) | LSTM__LT(LSTM_DT_UINT32) |           \
     LSTM__LT(LSTM_DT_UINT64))
#define EQ_TYPES (LSTM__LT(LSTM_DT_BOOL) | LSTM__LT(LSTM_DT_INT32) | LSTM__LT(LSTM_DT_INT64))

static const char *const a_ci[] = {"consumed_inputs", NULL},
                         *const a_alpha[] = {"alpha", "consumed_inputs", NULL},
                         *const a_hsig[] = {"alpha", "beta", "consumed_inputs", NULL},
                         *const a_selu[] = {"alpha", "consumed_inputs", "gamma", NULL},
                         *const a_clip[] = {"consumed_inputs", "max", "min", NULL},
                         *const a_drop1[] = {"consumed_inputs", "is_test", "ratio", NULL},
                         *const a_drop6[] = {"is_test", "ratio", NULL},
                         *const a_bin1[] = {"axis", "broadcast", "consumed_inputs", NULL},
                         *const a_bin6[] = {"axis", "broadcast", NULL},
                         *const a_gemm[] = {"alpha", "beta", "broadcast", "transA", "transB", NULL};

LEGACY(lstm__abs_v1, lstm__abs, F_PLAIN, 6, FL, a_ci)
LEGACY(lstm__ceil_v1, lstm__ceil, F_PLAIN, 6, FL, a_ci)
LEGACY(lstm__exp_v1, lstm__exp, F_PLAIN, 6, FL, a_ci)
LEGACY(lstm__floor_v1, lstm__floor, F_PLAIN, 6, FL, a_ci)
LEGACY(lstm__log_v1, lstm__log, F_PLAIN, 6, FL, a_ci)
LEGACY(lstm__neg_v1, lstm__neg, F_PLAIN, 6, FL, a_ci)
LEGACY(lstm__reciprocal_v1, lstm__reciprocal, F_PLAIN, 6, FL, a_ci)
LEGACY(lstm__relu_v1, lstm__relu, F_PLAIN, 6, FL, a_ci)
LEGACY(lstm__sigmoid_v1, lstm__sigmoid, F_PLAIN, 6, FL, a_ci)
LEGACY(lstm__sqrt_v1, lstm__sqrt, F_PLAIN, 6, FL, a_ci)
LEGACY(lstm__tanh_v1, lstm__tanh, F_PLAIN, 6, FL, a_ci)
LEGACY(lstm__elu_v1, lstm__elu, F_PLAIN, 6, FL, a_alpha)
LEGACY(lstm__leaky_v1, lstm__leaky, F_PLAIN, 6, FL, a_alpha)
LEGACY(lstm__hsig_v1, lstm__hsig, F_PLAIN, 6, FL, a_hsig)
LEGACY(lstm__selu_v1, lstm__selu, F_SELU, 6, FL, a_selu)
LEGACY(lstm__clip_v1, lstm__clip, F_PLAIN, 6, FL, a_clip)
LEGACY(lstm__dropout_v1, lstm__dropout, F_DROPOUT, 7, FL, a_drop1)
LEGACY(lstm__dropout_v6, lstm__dropout, F_DROPOUT, 7, FL, a_drop6)
LEGACY(lstm__max_v1, lstm__max, F_VARIADIC, 6, FL, a_ci)
LEGACY(lstm__min_v1, lstm__min, F_VARIADIC, 6, FL, a_ci)
LEGACY(lstm__sum_v1, lstm__sum, F_VARIADIC, 6, FL, a_ci)
LEGACY(lstm__mean_v1, lstm__mean, F_VARIADIC, 6, FL, a_ci)
LEGACY(lstm__add_v1, lstm__add, F_BINARY, 7, FL, a_bin1)
LEGACY(lstm__add_v6, lstm__add, F_BINARY, 7, FL_INT, a_bin6)
LEGACY(lstm__sub_v1, lstm__sub, F_BINARY, 7, FL, a_bin1)
LEGACY(lstm__sub_v6, lstm__sub, F_BINARY, 7, FL_INT, a_bin6)
LEGACY(lstm__mul_v1, lstm__mul, F_BINARY, 7, FL, a_bin1)
LEGACY(lstm__mul_v6, lstm__mul, F_BINARY, 7, FL_INT, a_bin6)
LEGACY(lstm__div_v1, lstm__div, F_BINARY, 7, FL, a_bin1)
LEGACY(lstm__div_v6, lstm__div, F_BINARY, 7, FL_INT, a_bin6)
LEGACY(lstm__pow_v1, lstm__pow, F_BINARY, 7, FL, a_bin6)
LEGACY(lstm__equal_v1, lstm__equal, F_BINARY, 7, EQ_TYPES, a_bin6)
LEGACY(lstm__greater_v1, lstm__greater, F_BINARY, 7, FL, a_bin6)
LEGACY(lstm__less_v1, lstm__less, F_BINARY, 7, FL, a_bin6)
LEGACY(lstm__gemm_v1, lstm__gemm, F_GEMM, 7, FL, a_gemm)
