/*
** op_bitwise.c — bitwise operators on integers (opset 18): BitwiseAnd, BitwiseOr, BitwiseXor
** (numpy broadcasting, op_util.h's lstm__bcast) and BitwiseNot. Types: int8-64 and uint8-64;
** the bits are the same for a signed and an unsigned type of one width, so the loops work on
** unsigned words of the element's width. No attributes.
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"

#include <string.h>

enum { B_AND, B_OR, B_XOR, B_NOT };

static int parse(const lstm__graph *g, const lstm__node *n, int since, void *params, int op,
                 lstm__diag *d)
{
    static const char *const none[] = {NULL};
    lstm__logic_params *p = params;
    memset(p, 0, sizeof *p);
    p->op = op;
    int nin = op == B_NOT ? 1 : 2;
    if (lstm__arity(g, n, nin, nin, 1, 1, d) || lstm__attrs_allowed(g, n, since, none, d))
        return d->code;
    return LSTM_OK;
}

static int prepare(lstm__kctx *k)
{
    const lstm__logic_params *p = k->params;
    const lstm__rt *a = k->in[0];
    int t = a->dtype;
    if (!lstm__is_int(t))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED,
                          "%s: input is %s, expected an integer type (int8, int16, int32, int64, "
                          "uint8, uint16, uint32 or uint64)",
                          lstm__klabel(k), lstm__dtype_name(t));
    if (p->op == B_NOT) return lstm__rt_set(k, k->out[0], t, a->rank, a->dims);
    const lstm__rt *b = k->in[1];
    if (b->dtype != t)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: inputs are %s and %s, expected one type",
                          lstm__klabel(k), lstm__dtype_name(t), lstm__dtype_name(b->dtype));
    lstm__bcast bc;
    if (lstm__bcast_init(k, &bc, (const lstm__rt *[]){a, b}, 2)) return k->d->code;
    return lstm__rt_set(k, k->out[0], t, bc.rank, bc.dims);
}

static uint64_t apply(int op, uint64_t x, uint64_t z)
{
    return op == B_AND ? x & z : op == B_OR ? x | z : x ^ z;
}

/* Word loops: x[i * ia] op z[i * ib] (steps 1 or 0), or ~x. */
#define LOOP(T)                                                                                    \
    do {                                                                                           \
        const T *x_ = a->data, *z_ = b ? b->data : NULL;                                           \
        T *o_ = y->data;                                                                           \
        if (op == B_NOT)                                                                           \
            for (size_t i = 0; i < n; i++) o_[i] = (T)~x_[i];                                      \
        else if (op == B_AND)                                                                      \
            for (size_t i = 0; i < n; i++) o_[i] = x_[i * ia] & z_[i * ib];                        \
        else if (op == B_OR)                                                                       \
            for (size_t i = 0; i < n; i++) o_[i] = x_[i * ia] | z_[i * ib];                        \
        else                                                                                       \
            for (size_t i = 0; i < n; i++) o_[i] = x_[i * ia] ^ z_[i * ib];                        \
    } while (0)

static void flat(int op, const lstm__rt *a, const lstm__rt *b, lstm__rt *y, size_t n, size_t ia,
                 size_t ib)
{
    switch (lstm__dtype_size(a->dtype)) {
    case 1:
        LOOP(uint8_t);
        break;
    case 2:
        LOOP(uint16_t);
        break;
    case 4:
        LOOP(uint32_t);
        break;
    default:
        LOOP(uint64_t);
        break;
    }
}

typedef struct bw_ctx {
    int op;
    size_t w;
    const uint8_t *a, *b;
    uint8_t *y;
} bw_ctx;

static void one(void *vc, size_t o, const size_t *off)
{
    bw_ctx *c = vc;
    uint64_t x = 0, z = 0, r;
    memcpy(&x, c->a + off[0] * c->w, c->w); /* little endian: the low bytes */
    memcpy(&z, c->b + off[1] * c->w, c->w);
    r = apply(c->op, x, z);
    memcpy(c->y + o * c->w, &r, c->w);
}

static int run(lstm__kctx *k)
{
    const lstm__logic_params *p = k->params;
    const lstm__rt *a = k->in[0], *b = p->op == B_NOT ? NULL : k->in[1];
    lstm__rt *y = k->out[0];
    size_t n = y->nelem;
    if (!n) return LSTM_OK;
    if (!b || ((a->nelem == n || a->nelem == 1) && (b->nelem == n || b->nelem == 1))) {
        flat(p->op, a, b, y, n, a->nelem == n, b ? b->nelem == n : 0);
        return LSTM_OK;
    }
    lstm__bcast bc;
    if (lstm__bcast_init(k, &bc, (const lstm__rt *[]){a, b}, 2)) return k->d->code;
    bw_ctx c = {p->op, lstm__dtype_size(a->dtype), a->data, b->data, y->data};
    lstm__bcast_each(&bc, one, &c);
    return LSTM_OK;
}

LSTM__OP_FAMILY(lstm__bitwise_and, B_AND)
LSTM__OP_FAMILY(lstm__bitwise_or, B_OR)
LSTM__OP_FAMILY(lstm__bitwise_xor, B_XOR)
LSTM__OP_FAMILY(lstm__bitwise_not, B_NOT)
