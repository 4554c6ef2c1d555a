/*
** legacy.h — the operator versions before opset 7 (ai.onnx 1-6) of the non-recurrent operators,
** mapped onto the current kernels (op_legacy.c: element-wise, legacy broadcasting, Gemm;
** op_legacy_shape.c: Cast, Concat, Pad, Reshape, Split, Tile, Upsample). Included from ops.h
** after the params types it holds.
*/
#ifndef LSTM_LEGACY_H
#define LSTM_LEGACY_H

/* What a legacy row parses. The current kernel's params come first: the wrapped kernel (and
** the fusion pass, the pack hooks) read k->params / n->params as their own type. */
typedef struct lstm__legacy_params {
    union {
        lstm__elt_params elt;
        lstm__unary_params un;
        lstm__variadic_params var;
        lstm__gemm_params gemm;
        lstm__cast_params cast;
        lstm__axis_params axis;
        lstm__pad_params pad;
        lstm__split_params split;
        lstm__resize_params rs;
    } in;
    unsigned types; /* bit t: element type t is in the schema's list for input 0 */
    int bcast;      /* broadcast=1 (Add, Sub, Mul, Div, Pow, Equal, Greater, Less; Gemm's C) */
    int has_axis;   /* with bcast: B's first axis given (else B's shape is A's suffix) */
    int64_t axis;   /* ... that axis */
    int n_shape;    /* Reshape 1: the shape attribute */
    int64_t shape[LSTM__MAX_RANK];
} lstm__legacy_params;

/* Element type bits. */
#define LSTM__LT(t) (1u << (t))
#define LSTM__LT_FLOATS                                                                            \
    (LSTM__LT(LSTM_DT_FLOAT) | LSTM__LT(LSTM_DT_DOUBLE) | LSTM__LT(LSTM_DT_FLOAT16))

typedef int (*lstm__parse_fn)(const lstm__graph *g, const lstm__node *n, int since, void *params,
                              lstm__diag *d);

/* Refuse attributes outside names (NULL-terminated; the version's list) and a consumed_inputs
** that is not a list of ints. consumed_inputs (versions 1-5) was an in-place hint of the Caffe2
** era: it never changes values, so it is accepted and not used. */
int lstm__legacy_attrs(const lstm__graph *g, const lstm__node *n, int since,
                       const char *const *names, lstm__diag *d);
/* Call the current parse fn (version isince) on node n as if its attributes were
** attrs[count] (n's own are put back after). */
int lstm__legacy_parse_as(const lstm__graph *g, const lstm__node *n, const lstm__attr *attrs,
                          int count, lstm__parse_fn fn, int isince, void *params, lstm__diag *d);
/* n's attributes without those named in drop (NULL-terminated) into out (cap entries); the
** count, or -1 when they do not fit. */
int lstm__legacy_keep(const lstm__node *n, const char *const *drop, lstm__attr *out, int cap);
/* Refuse t (input `what`) when its element type is not in p->types, listing those allowed. */
int lstm__legacy_type(lstm__kctx *k, const lstm__rt *t, const char *what);

#endif
