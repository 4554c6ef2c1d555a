/*
** op_logic.c — element-wise binaries on bits and remainders, numpy broadcasting as op_eltwise.c
** (op_util.h's lstm__bcast):
**   And Or Xor  1 (bool; with `broadcast` B takes A's shape: one element, or its dims equal to
**               A's from `axis` on, suffix-matched when axis is absent; without it the shapes
**               must be equal), 7 (multidirectional broadcasting). Any nonzero byte is true.
**   BitShift    11 (uint8/16/32/64; direction LEFT or RIGHT; a shift by the type's width or
**               more gives 0, as onnxruntime and NumPy do)
**   Mod         10, 13 (fmod 0: integers, the remainder takes the divisor's sign as Python's %;
**               fmod 1: C's fmod, the dividend's sign, for floats and integers; floats need
**               fmod 1 (the spec's types); an integer modulo by zero is an error)
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"

#include <math.h>
#include <string.h>

enum { L_AND, L_OR, L_XOR, L_SHIFT, L_MOD };

static int parse(const lstm__graph *g, const lstm__node *n, int since, void *params, int op,
                 lstm__diag *d)
{
    static const char *const v1[] = {"broadcast", "axis", NULL}, *const none[] = {NULL},
                             *const shift[] = {"direction", NULL}, *const mod[] = {"fmod", NULL};
    lstm__logic_params *p = params;
    char b[LSTM__LABEL_MAX];
    memset(p, 0, sizeof *p);
    p->op = op;
    if (lstm__arity(g, n, 2, 2, 1, 1, d)) return d->code;
    if (op == L_SHIFT) {
        const lstm__attr *a = lstm__attr_find(n, "direction");
        if (lstm__attrs_allowed(g, n, since, shift, d)) return d->code;
        if (!a || a->type != LSTM__A_STRING || (strcmp(a->s, "LEFT") && strcmp(a->s, "RIGHT")))
            return lstm__errf(d, LSTM_EMODEL,
                              "%s: attribute 'direction' must be the string LEFT or RIGHT%s",
                              lstm__node_ctx(g, n, b, sizeof b), a ? "" : " (it is required)");
        p->right = strcmp(a->s, "RIGHT") == 0;
        return LSTM_OK;
    }
    if (op == L_MOD) {
        if (lstm__attrs_allowed(g, n, since, mod, d) ||
            lstm__attr_flag(g, n, "fmod", 0, &p->fmod, d))
            return d->code;
        return LSTM_OK;
    }
    int64_t bc;
    if (lstm__attrs_allowed(g, n, since, since >= 7 ? none : v1, d) ||
        lstm__attr_flag(g, n, "broadcast", 0, &bc, d) ||
        lstm__attr_int(g, n, "axis", 0, &p->axis, d))
        return d->code;
    p->legacy = bc == 1;
    p->has_axis = lstm__attr_find(n, "axis") != NULL;
    if (p->has_axis && !p->legacy)
        return lstm__errf(d, LSTM_EMODEL,
                          "%s: attribute 'axis' is given without broadcast=1 (it places B's "
                          "dims when B broadcasts)",
                          lstm__node_ctx(g, n, b, sizeof b));
    return LSTM_OK;
}

/* Version 1 of And / Or / Xor: the output has A's shape; B has it too (broadcast=0), or one
** element, or dims equal to A's from axis on (broadcast=1). */
static int legacy_bcast(lstm__kctx *k, const lstm__rt *a, const lstm__rt *b, lstm__bcast *bc)
{
    const lstm__logic_params *p = k->params;
    char s1[96], s2[96];
    memset(bc, 0, sizeof *bc);
    bc->n = 2;
    bc->rank = a->rank;
    int64_t s = 1;
    for (int d = a->rank - 1; d >= 0; d--) {
        bc->dims[d] = a->dims[d];
        bc->st[0][d] = s;
        s *= a->dims[d];
    }
    lstm__dims_str(s1, sizeof s1, a->rank, a->dims);
    lstm__dims_str(s2, sizeof s2, b->rank, b->dims);
    int same = a->rank == b->rank;
    for (int d = 0; same && d < a->rank; d++) same = a->dims[d] == b->dims[d];
    if (!p->legacy && !same)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: A is %s and B %s; without broadcast=1 version 1 needs equal shapes",
                          lstm__klabel(k), s1, s2);
    if (same && !(p->legacy && p->has_axis)) {
        memcpy(bc->st[1], bc->st[0], sizeof bc->st[1]);
        return LSTM_OK;
    }
    if (b->rank > a->rank)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: B %s has a higher rank than A %s",
                          lstm__klabel(k), s2, s1);
    if (b->nelem == 1) return LSTM_OK; /* B's strides stay 0 */
    int64_t axis = p->has_axis ? p->axis : a->rank - b->rank;
    if (axis < 0) axis += a->rank;
    if (axis < 0 || axis > a->rank - b->rank) /* no axis + rank: axis may be near INT64_MAX */
        return lstm__errf(k->d, LSTM_EINVAL, "%s: axis %lld puts B %s outside A %s",
                          lstm__klabel(k), (long long)p->axis, s2, s1);
    s = 1;
    for (int d = b->rank - 1; d >= 0; d--) {
        if (b->dims[d] != a->dims[axis + d])
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: B %s does not match A %s from axis %lld (version 1 "
                              "broadcasting has no size-1 expansion)",
                              lstm__klabel(k), s2, s1, (long long)axis);
        bc->st[1][axis + d] = s;
        s *= b->dims[d];
    }
    return LSTM_OK;
}

static int plan(lstm__kctx *k, lstm__bcast *bc)
{
    const lstm__rt *a = k->in[0], *b = k->in[1];
    if (k->since < 7 && ((const lstm__logic_params *)k->params)->op <= L_XOR)
        return legacy_bcast(k, a, b, bc);
    return lstm__bcast_init(k, bc, (const lstm__rt *[]){a, b}, 2);
}

static int prepare(lstm__kctx *k)
{
    const lstm__logic_params *p = k->params;
    const lstm__rt *a = k->in[0], *b = k->in[1];
    int t = a->dtype;
    lstm__bcast bc;
    if (a->dtype != b->dtype)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: inputs are %s and %s, expected one type",
                          lstm__klabel(k), lstm__dtype_name(a->dtype), lstm__dtype_name(b->dtype));
    if (p->op <= L_XOR && t != LSTM_DT_BOOL)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: inputs are %s, expected bool", lstm__klabel(k),
                          lstm__dtype_name(t));
    if (p->op == L_SHIFT && t != LSTM_DT_UINT8 && t != LSTM_DT_UINT16 && t != LSTM_DT_UINT32 &&
        t != LSTM_DT_UINT64)
        return lstm__errf(k->d, LSTM_EUNSUPPORTED,
                          "%s: unsupported type %s (BitShift takes uint8, uint16, uint32 or "
                          "uint64)",
                          lstm__klabel(k), lstm__dtype_name(t));
    if (p->op == L_MOD && !lstm__is_float(t) && !lstm__is_int(t))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type %s", lstm__klabel(k),
                          lstm__dtype_name(t));
    if (p->op == L_MOD && lstm__is_float(t) && !p->fmod)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: fmod 0 (the integer modulo) takes integer types, the inputs are %s "
                          "(floats need fmod=1)",
                          lstm__klabel(k), lstm__dtype_name(t));
    if (plan(k, &bc)) return k->d->code;
    return lstm__rt_set(k, k->out[0], t, bc.rank, bc.dims);
}

/* ---- element kernels ---- */
static uint64_t shift_of(uint64_t x, uint64_t s, int bits, int right)
{
    if (s >= (uint64_t)bits) return 0;
    return right ? x >> s : x << s; /* the store keeps the type's low bits */
}

/* Integer remainder (y != 0): truncated (fmod 1) or with the divisor's sign (fmod 0). */
static int64_t imod(int64_t x, int64_t y, int64_t fm)
{
    if (y == -1) return 0; /* INT64_MIN % -1 overflows in C */
    int64_t r = x % y;
    if (!fm && r != 0 && (r < 0) != (y < 0)) r += y;
    return r;
}

typedef struct elt_ctx {
    const lstm__logic_params *p;
    const lstm__rt *a, *b;
    lstm__rt *y;
    int bits;
    size_t zero_at; /* element of B that is a zero divisor, + 1 */
} elt_ctx;

static void one(void *vc, size_t o, const size_t *off)
{
    elt_ctx *c = vc;
    const lstm__logic_params *p = c->p;
    if (p->op <= L_XOR) {
        int x = ((const uint8_t *)c->a->data)[off[0]] != 0,
            z = ((const uint8_t *)c->b->data)[off[1]] != 0;
        ((uint8_t *)c->y->data)[o] = p->op == L_AND ? x & z : p->op == L_OR ? x | z : x ^ z;
    } else if (p->op == L_SHIFT) {
        uint64_t x = (uint64_t)lstm__get_i(c->a, off[0]), s = (uint64_t)lstm__get_i(c->b, off[1]);
        lstm__put_i(c->y, o, (int64_t)shift_of(x, s, c->bits, p->right));
    } else if (lstm__is_float(c->a->dtype)) {
        lstm__put_f(c->y, o, fmod(lstm__get_f(c->a, off[0]), lstm__get_f(c->b, off[1])));
    } else {
        int64_t x = lstm__get_i(c->a, off[0]), z = lstm__get_i(c->b, off[1]);
        if (z == 0) {
            if (!c->zero_at) c->zero_at = off[1] + 1;
            lstm__put_i(c->y, o, 0);
        } else if (c->a->dtype == LSTM_DT_UINT64) { /* both readings: values above INT64_MAX */
            lstm__put_i(c->y, o, (int64_t)((uint64_t)x % (uint64_t)z));
        } else {
            lstm__put_i(c->y, o, imod(x, z, p->fmod));
        }
    }
}

/* Direct loops where each operand is y's size or one element (ia, ib: its step, 1 or 0).
** They return -1 when the type has none, 0 when done, or 1 + the element of B that is a zero
** divisor. */
#define FLAT(T, expr)                                                                              \
    do {                                                                                           \
        const T *x_ = a->data, *z_ = b->data;                                                      \
        T *o_ = y->data;                                                                           \
        for (size_t i = 0; i < n; i++) {                                                           \
            T x = x_[i * ia], z = z_[i * ib];                                                      \
            o_[i] = (expr);                                                                        \
        }                                                                                          \
        return 0;                                                                                  \
    } while (0)

#define FLAT_IMOD(T)                                                                               \
    do {                                                                                           \
        const T *x_ = a->data, *z_ = b->data;                                                      \
        T *o_ = y->data;                                                                           \
        for (size_t i = 0; i < n; i++) {                                                           \
            T z = z_[i * ib];                                                                      \
            if (z == 0) return (int64_t)(i * ib) + 1;                                              \
            o_[i] = (T)imod(x_[i * ia], z, p->fmod);                                               \
        }                                                                                          \
        return 0;                                                                                  \
    } while (0)

static int64_t flat(const lstm__logic_params *p, const lstm__rt *a, const lstm__rt *b, lstm__rt *y,
                    size_t n, size_t ia, size_t ib)
{
    switch (p->op) {
    case L_AND:
        FLAT(uint8_t, (uint8_t)((x != 0) & (z != 0)));
    case L_OR:
        FLAT(uint8_t, (uint8_t)((x != 0) | (z != 0)));
    case L_XOR:
        FLAT(uint8_t, (uint8_t)((x != 0) ^ (z != 0)));
    case L_SHIFT:
        switch (a->dtype) {
        case LSTM_DT_UINT8:
            FLAT(uint8_t, (uint8_t)shift_of(x, z, 8, p->right));
        case LSTM_DT_UINT16:
            FLAT(uint16_t, (uint16_t)shift_of(x, z, 16, p->right));
        case LSTM_DT_UINT32:
            FLAT(uint32_t, (uint32_t)shift_of(x, z, 32, p->right));
        default:
            FLAT(uint64_t, shift_of(x, z, 64, p->right));
        }
    default:
        switch (a->dtype) {
        case LSTM_DT_FLOAT: /* fmod is exact: fmodf gives the float of the double result */
            FLAT(float, fmodf(x, z));
        case LSTM_DT_DOUBLE:
            FLAT(double, fmod(x, z));
        case LSTM_DT_INT32:
            FLAT_IMOD(int32_t);
        case LSTM_DT_INT64:
            FLAT_IMOD(int64_t);
        default:
            return -1;
        }
    }
}

static int run(lstm__kctx *k)
{
    const lstm__logic_params *p = k->params;
    const lstm__rt *a = k->in[0], *b = k->in[1];
    lstm__rt *y = k->out[0];
    size_t n = y->nelem;
    int64_t r = -1;
    if (!n) return LSTM_OK;
    if ((a->nelem == n || a->nelem == 1) && (b->nelem == n || b->nelem == 1))
        r = flat(p, a, b, y, n, a->nelem == n, b->nelem == n);
    if (r < 0) {
        lstm__bcast bc;
        plan(k, &bc);
        elt_ctx c = {p, a, b, y, (int)lstm__dtype_size(a->dtype) * 8, 0};
        lstm__bcast_each(&bc, one, &c);
        r = (int64_t)c.zero_at;
    }
    if (!r) return LSTM_OK;
    return lstm__errf(k->d, LSTM_EINVAL, "%s: integer modulo by zero (element %lld of B is 0)",
                      lstm__klabel(k), (long long)r - 1);
}

LSTM__OP_ENTRIES(lstm__and, parse, prepare, run, L_AND)
LSTM__OP_ENTRIES(lstm__or, parse, prepare, run, L_OR)
LSTM__OP_ENTRIES(lstm__xor, parse, prepare, run, L_XOR)
LSTM__OP_ENTRIES(lstm__bitshift, parse, prepare, run, L_SHIFT)
LSTM__OP_ENTRIES(lstm__mod, parse, prepare, run, L_MOD)
