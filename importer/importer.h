/* importer.h — shared by the importer sources only; the protobuf-c types stop here. */
#ifndef LSTM_IMPORTER_H
#define LSTM_IMPORTER_H

#include "import.h"
#include "onnx_pb.h"

typedef struct lstm__imp_fn lstm__imp_fn;
typedef struct lstm__imp_call lstm__imp_call;

typedef struct lstm__imp {
    lstm__graph *g;
    lstm__diag *d;
    lstm_limits lim;
    const char *base_dir;   /* folder for external data, NULL refuses it */
    int no_external;        /* external data refused by option */
    uint64_t total_nodes;   /* nodes imported so far, counting every subgraph */
    int (*abort)(void *ud); /* lstm_options.abort, polled while importing nodes */
    void *abort_ud;
    ProtobufCAllocator *pa; /* the decoder's: raw_data is freed once copied (or NULL) */
    lstm__imp_fn *fns;      /* the model-local functions (import_func.c) */
    int n_fns;
    const lstm__imp_call *call; /* the function call being inlined, or NULL */
    int inlining;               /* calls being inlined (call may be NULL meanwhile) */
    const char **prefixes;      /* name prefixes given to calls so far (unique) */
    size_t n_prefixes, cap_prefixes;
} lstm__imp;

/* A GraphProto into g (the main graph or a subgraph whose parent, owner, attr_name, depth and
** mem are set). */
int lstm__imp_graph(lstm__imp *im, const Onnx__GraphProto *gp, lstm__graph *g);

/* Copy a protobuf string into the pool ("" for NULL), enforcing the name limit. what names
** the field for the message. NULL when the limit is exceeded or memory runs out (d is set). */
const char *lstm__imp_name(lstm__imp *im, const char *s, const char *what);
/* The same for a value name: inside an inlined function call, renamed into the caller's graph
** (import_func.c). */
const char *lstm__imp_value(lstm__imp *im, const char *s, const char *what);
/* A protobuf bytes field as a string (no NUL inside, within the name limit). */
const char *lstm__imp_bytes(lstm__imp *im, ProtobufCBinaryData b, const char *what);
const char *lstm__imp_doc(lstm__imp *im, const char *s);

/* TensorProto -> tensor with data in the pool. what names the tensor for messages. */
int lstm__imp_tensor(lstm__imp *im, const Onnx__TensorProto *tp, lstm__tensor *t, const char *what);
/* A node's attributes. */
int lstm__imp_attrs(lstm__imp *im, const Onnx__NodeProto *np, lstm__graph *g, lstm__node *n,
                    const char *label);
/* One node of a graph at index *k of g->nodes, or, when it calls a model-local function, the
** function's nodes inlined from there; *k advances past them. idx numbers it in messages. */
int lstm__imp_node(lstm__imp *im, const Onnx__NodeProto *np, lstm__graph *g, int *k, int idx);

/* A model-local function, and a call of one being inlined. */
struct lstm__imp_fn {
    const Onnx__FunctionProto *fp;
    const char *domain, *overload;   /* "" for ai.onnx / none */
    Onnx__AttributeProto **defaults; /* attribute_proto, decoded from the unknown fields */
    int n_defaults;
};

struct lstm__imp_call {
    const lstm__imp_fn *fn;
    const Onnx__NodeProto *np; /* the calling node */
    const lstm__imp_call *up;  /* the call the calling node belongs to, or NULL */
    const char *prefix;        /* "caller/": the function's own names get it */
    const char **ins, **outs;  /* the caller's names for the function's inputs and outputs */
    int depth;
};

/* Model-local functions (import_func.c): read the table (ModelProto.functions), count the nodes
** a list of nodes becomes once calls are inlined (at most just past the node limit), resolve an
** attribute reference of an inlined node, the opset version of a domain for an inlined node, and
** free what the table decoded. */
int lstm__imp_functions(lstm__imp *im, Onnx__FunctionProto **fps, size_t n);
int lstm__imp_count_nodes(lstm__imp *im, Onnx__NodeProto *const *nodes, size_t n, int depth,
                          uint64_t *count);
const lstm__imp_fn *lstm__imp_find_fn(const lstm__imp *im, const Onnx__NodeProto *np);
int lstm__imp_inline(lstm__imp *im, const Onnx__NodeProto *np, const lstm__imp_fn *fn,
                     lstm__graph *g, int *k, const char *label);
int lstm__imp_attr_ref(lstm__imp *im, const Onnx__AttributeProto *ap,
                       const Onnx__AttributeProto **val, const lstm__imp_call **ctx,
                       const char *what);
int64_t lstm__imp_opset(const lstm__imp *im, const lstm__graph *g, const char *domain);
void lstm__imp_functions_free(lstm__imp *im);

/* Read external data for tensor `what` into dst (nbytes). */
int lstm__imp_extdata(lstm__imp *im, const Onnx__TensorProto *tp, void *dst, size_t nbytes,
                      const char *what, const char **location, int64_t *offset);

/* Iterative wire-format scan: tags, lengths and message nesting, before protobuf-c sees the
** bytes (protobuf-c recurses without a depth limit). */
int lstm__wire_scan(const uint8_t *buf, size_t len, const ProtobufCMessageDescriptor *root,
                    unsigned max_depth, const lstm__alloc *a, lstm__diag *d);

/* A ProtobufCAllocator that stops at a byte budget. */
typedef struct lstm__pb_budget {
    ProtobufCAllocator pa;
    const lstm__alloc *a;
    uint64_t used, limit;
    int exhausted; /* the budget stopped an allocation */
    int oom;       /* the allocator failed */
} lstm__pb_budget;

void lstm__pb_budget_init(lstm__pb_budget *b, const lstm__alloc *a, uint64_t limit);

/* The newest ai.onnx opset whose operator versions this runtime was written and tested
** against (every operator in runtime/ops/ops.def as of that opset). */
#define LSTM__ONNX_OPSET_KNOWN 25
/* Warn through opt->log when the model imports a newer ai.onnx opset (import_opset.c). */
void lstm__imp_opset_warn(const lstm__graph *g, const lstm_options *opt);

#endif
