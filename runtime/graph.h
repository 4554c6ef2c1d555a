/*
** graph.h — the runtime's own graph representation. The importer fills it from ONNX; nothing
** here depends on protobuf. All memory belongs to the graph's pool and is freed at once.
*/
#ifndef LSTM_GRAPH_H
#define LSTM_GRAPH_H

#include "core.h"

#define LSTM__MAX_RANK 8

/* A tensor with data: initializers and tensor-valued attributes. */
typedef struct lstm__tensor {
    int dtype;                    /* lstm_dtype */
    int rank;                     /* 0..LSTM__MAX_RANK; 0 is a scalar with one element */
    int64_t dims[LSTM__MAX_RANK]; /* ONNX order, each >= 0 */
    size_t nelem;                 /* product of dims (1 for a scalar) */
    size_t nbytes;                /* nelem * element size */
    void *data;                   /* 64-byte aligned, little-endian host order, never NULL */
    const char *ext_location;     /* external data file relative to the model, or NULL */
    int64_t ext_offset;           /* offset in that file */
} lstm__tensor;

/* What kind of value a declared type describes. */
enum {
    LSTM__VK_NONE = 0, /* no type given */
    LSTM__VK_TENSOR,
    LSTM__VK_SEQUENCE,
    LSTM__VK_MAP,
    LSTM__VK_OPTIONAL,
    LSTM__VK_SPARSE,
    LSTM__VK_OTHER
};

/* A declared type (graph input/output, value_info). */
typedef struct lstm__type {
    int kind;                              /* LSTM__VK_* */
    int dtype;                             /* element type (for tensors) */
    int rank;                              /* -1 when the shape is not given */
    int64_t dims[LSTM__MAX_RANK];          /* -1 where unknown or symbolic */
    const char *dim_names[LSTM__MAX_RANK]; /* symbolic name (dim_param) or NULL */
} lstm__type;

/* A named declaration with an optional type. */
typedef struct lstm__decl {
    const char *name;
    const char *doc;
    lstm__type type;
} lstm__decl;

/* Value flags. */
enum { LSTM__V_INPUT = 1, LSTM__V_OUTPUT = 2, LSTM__V_INIT = 4 };

/* A named value of the graph (one per distinct name, single assignment). */
typedef struct lstm__value {
    const char *name;
    unsigned flags;           /* LSTM__V_* */
    int producer;             /* node index, or -1 for graph inputs and initializers */
    const lstm__decl *decl;   /* declared type (input, output or value_info) or NULL */
    const lstm__tensor *init; /* initializer data or NULL */
} lstm__value;

/* ONNX attribute types (AttributeProto.AttributeType numbering). */
enum {
    LSTM__A_UNDEFINED = 0,
    LSTM__A_FLOAT = 1,
    LSTM__A_INT = 2,
    LSTM__A_STRING = 3,
    LSTM__A_TENSOR = 4,
    LSTM__A_GRAPH = 5,
    LSTM__A_FLOATS = 6,
    LSTM__A_INTS = 7,
    LSTM__A_STRINGS = 8,
    LSTM__A_TENSORS = 9,
    LSTM__A_GRAPHS = 10,
    LSTM__A_SPARSE_TENSOR = 11,
    LSTM__A_SPARSE_TENSORS = 12,
    LSTM__A_TYPE_PROTO = 13,
    LSTM__A_TYPE_PROTOS = 14
};

typedef struct lstm__attr {
    const char *name;
    int type;             /* LSTM__A_* */
    float f;              /* FLOAT */
    int64_t i;            /* INT */
    const char *s;        /* STRING (NUL-terminated copy) */
    size_t n;             /* element count of list types */
    float *floats;        /* FLOATS */
    int64_t *ints;        /* INTS */
    const char **strings; /* STRINGS */
    lstm__tensor *t;      /* TENSOR */
    lstm__tensor **ts;    /* TENSORS */
    int subgraph_nodes;   /* GRAPH: nodes in the body, which is not imported */
} lstm__attr;

struct lstm__op;

typedef struct lstm__node {
    const char *name; /* may be "" */
    const char *op_type;
    const char *domain; /* "" for ai.onnx */
    const char *doc;
    int64_t opset; /* the model's opset for this domain, 0 when not imported */
    int n_in, n_out;
    const char **in_names; /* "" marks an absent optional input */
    const char **out_names;
    int *in, *out; /* value indices, -1 when absent (filled by lstm__graph_link) */
    int n_attr;
    lstm__attr *attrs;
    const struct lstm__op *op; /* resolved implementation or NULL (see support) */
    int folded;                /* computed at load from constants (outputs have init) */
    const void *prepacked;     /* weights packed at load for the kernel (rnn.c), or NULL */
    const char *support;       /* NULL when supported, else why not */
} lstm__node;

typedef struct lstm__opset {
    const char *domain; /* "" for ai.onnx */
    int64_t version;
} lstm__opset;

typedef struct lstm__kv {
    const char *key, *value;
} lstm__kv;

typedef struct lstm__init {
    const char *name;
    const char *doc;
    lstm__tensor t;
} lstm__init;

typedef struct lstm__graph {
    lstm__alloc alloc;
    lstm__pool pool;

    /* Model metadata. */
    int64_t ir_version, model_version;
    const char *producer_name, *producer_version, *model_domain, *model_doc;
    const char *name, *doc; /* the main graph's */
    int n_opsets;
    lstm__opset *opsets;
    int n_meta;
    lstm__kv *meta;
    int n_functions;       /* model-local functions (not supported, reported by the dump) */
    int has_training_info; /* training_info present (ignored for inference, reported) */

    /* Declarations as in the file. */
    int n_inputs, n_outputs, n_value_info, n_inits;
    lstm__decl *inputs, *outputs, *value_info;
    lstm__init *inits;
    int n_nodes;
    lstm__node *nodes;
    uint64_t weight_bytes; /* total initializer bytes */

    /* Filled by lstm__graph_link. */
    int n_values;
    lstm__value *values;
    int *input_values, *output_values; /* value index of each declared input/output */
    int hash_cap;
    int *hash; /* open addressing over values, -1 = empty */
} lstm__graph;

/* Resolve names into values and check the structure: defined before use (which also rules
** out cycles), single assignment, outputs produced, no duplicate inputs or initializers. */
int lstm__graph_link(lstm__graph *g, lstm__diag *d);

/* Value index by name, or -1. Valid after lstm__graph_link. */
int lstm__graph_find(const lstm__graph *g, const char *name);

/* The k-th input value of a node, NULL when absent or beyond n_in. */
const lstm__value *lstm__node_input(const lstm__graph *g, const lstm__node *n, int k);
int lstm__node_has_output(const lstm__node *n, int k);

/* Attribute by name, or NULL. */
const lstm__attr *lstm__attr_find(const lstm__node *n, const char *name);

/* The model's opset for a domain ("" and "ai.onnx" are the same), 0 when not imported. */
int64_t lstm__graph_opset(const lstm__graph *g, const char *domain);

/* "node 'name' (OpType)" or "node #i (OpType)" for messages, into buf. */
const char *lstm__node_label(const lstm__graph *g, const lstm__node *n, char *buf, size_t len);

void lstm__graph_free(lstm__graph *g);

/* Static shape of a value: from its initializer or its declared type. Returns the rank, or -1
** when unknown; unknown or symbolic dims are -1. */
int lstm__value_shape(const lstm__value *v, int64_t dims[LSTM__MAX_RANK]);
#endif
