/*
** graph.h — the intermediate representation: the model's graph and its subgraphs (the bodies
** of If, Loop, Scan...). The importer fills it from ONNX; the runtime resolves, plans and runs
** it; nothing here depends on protobuf or on the runtime. All memory belongs to the main
** graph's pool (subgraphs allocate from it too) and is freed at once.
**
** Scoping follows ONNX: a subgraph reads values of enclosing graphs by name. Linking gives
** each such name a local value (flag LSTM__V_OUTER) that refers to a value of the parent graph,
** created in the parent in turn when the name lives further out; the node that holds the
** subgraph lists those parent values as implicit inputs, so they are computed before it and
** live until it has run. Local names shadow outer ones.
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
    void *data;                   /* 64-byte aligned, little-endian host order; NULL only when
                                  ** released */
    const char *ext_location;     /* external data file relative to the model, or NULL */
    int64_t ext_offset;           /* offset in that file */
    int released;                 /* data freed at load: only packed forms of it are read */
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
enum { LSTM__V_INPUT = 1, LSTM__V_OUTPUT = 2, LSTM__V_INIT = 4, LSTM__V_OUTER = 8 };

/* Nesting of subgraphs (a graph attribute inside a graph attribute...) that a model may use. */
#define LSTM__MAX_GRAPH_DEPTH 32

typedef struct lstm__graph lstm__graph;

/* A named value of the graph (one per distinct name, single assignment). */
typedef struct lstm__value {
    const char *name;
    unsigned flags;           /* LSTM__V_* */
    int producer;             /* node index, or -1 for graph inputs and initializers */
    const lstm__decl *decl;   /* declared type (input, output or value_info) or NULL */
    const lstm__tensor *init; /* initializer data or NULL */
    int outer;                /* LSTM__V_OUTER: the parent graph's value it reads, else -1 */
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
    lstm__graph *g;       /* GRAPH */
    lstm__graph **gs;     /* GRAPHS (n of them) */
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
    int *in, *out;  /* value indices, -1 when absent (filled by lstm__graph_link) */
    int n_implicit; /* values of this graph its subgraphs read (lstm__graph_link) */
    int *implicit;
    int n_attr;
    lstm__attr *attrs;
    int n_subgraphs; /* graph attributes (GRAPH and each of GRAPHS), in attribute order */
    /* Filled when the model is resolved (the runtime's business; opaque here). */
    const struct lstm__op *op; /* resolved implementation or NULL (see support) */
    const void *params;        /* attributes parsed once at load, or NULL (see support) */
    const void *packed;        /* constant weights packed once at load, or NULL */
    unsigned pack_replaces;    /* with packed: inputs (bit k, input k) whose data no run reads */
    int folded;                /* computed at load from constants (outputs have init) */
    int fused;                 /* computed by the node before it, which absorbed it at load
                               ** (runtime/fuse.c): runs as a copy of its input 0 */
    const void *fusion;        /* what this node absorbed at load (the runtime's), or NULL */
    const char *support;       /* NULL when supported, else why not */
    int support_code;          /* with support: LSTM_EMODEL the node breaks the ONNX spec (the
                               ** model is invalid), LSTM_EUNSUPPORTED valid but not run here */
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

struct lstm__graph {
    lstm__alloc alloc;
    lstm__pool pool; /* the main graph's: every graph of the model allocates from it */
    lstm__pool *mem; /* &main->pool */

    /* Nesting: NULL / 0 for the main graph. */
    lstm__graph *parent;
    const lstm__node *owner; /* the parent's node holding this graph */
    const char *attr_name;   /* the attribute it is the value of (then_branch, body...) */
    int depth;               /* 0 for the main graph */
    int64_t total_nodes;     /* main graph: nodes in every graph of the model */

    /* Model metadata. */
    int64_t ir_version, model_version;
    const char *producer_name, *producer_version, *model_domain, *model_doc;
    const char *name, *doc; /* the main graph's */
    int n_opsets;
    lstm__opset *opsets;
    int n_meta;
    lstm__kv *meta;
    int n_functions;       /* model-local functions (inlined by the importer) */
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
    size_t cap_values;
    lstm__value *values;
    int *input_values, *output_values; /* value index of each declared input/output */
    int hash_cap;
    int *hash;         /* open addressing over values, -1 = empty */
    int n_outer;       /* values that read the parent graph (LSTM__V_OUTER) */
    int *outer_values; /* their indices, in the order linking created them */

    /* Set by the runtime's load before the pack hooks: threads per run (a hook may lay the
    ** weights out for them). */
    int threads;
};

/* Resolve names into values and check the structure, for the graph and every subgraph:
** defined before use in this graph or an enclosing one (which also rules out cycles), single
** assignment, outputs produced, no duplicate inputs or initializers. Messages name the path
** of a subgraph ("node 'If_3' then_branch: ..."). */
int lstm__graph_link(lstm__graph *g, lstm__diag *d);

/* "node 'If_3' then_branch: node 'Loop_7' body: " for a subgraph, "" for the main graph. */
const char *lstm__graph_path(const lstm__graph *g, char *buf, size_t len);

/* The k-th subgraph of a node (in attribute order), or NULL; its attribute in *attr. */
lstm__graph *lstm__node_subgraph(const lstm__node *n, int k, const lstm__attr **attr);

/* Value index by name, or -1. Valid after lstm__graph_link. */
int lstm__graph_find(const lstm__graph *g, const char *name);

/* The k-th input value of a node, NULL when absent or beyond n_in. */
const lstm__value *lstm__node_input(const lstm__graph *g, const lstm__node *n, int k);
int lstm__node_has_output(const lstm__node *n, int k);

/* Attribute by name, or NULL. */
const lstm__attr *lstm__attr_find(const lstm__node *n, const char *name);

/* The model's opset for a domain ("" and "ai.onnx" are the same), 0 when not imported. Any graph
** of the model may be given. */
int64_t lstm__graph_opset(const lstm__graph *g, const char *domain);

/* "node 'name' (OpType)" or "node #i (OpType)" for messages, into buf. */
const char *lstm__node_label(const lstm__graph *g, const lstm__node *n, char *buf, size_t len);
/* "node 'name' (OpType, opset N)" or "node #i (...)", the label of run-time messages, into buf;
** g may be NULL (the index is then 0). */
const char *lstm__node_label_opset(const lstm__graph *g, const lstm__node *n, char *buf,
                                   size_t len);

void lstm__graph_free(lstm__graph *g);

/* Static shape of a value: from its initializer or its declared type. Returns the rank, or -1
** when unknown; unknown or symbolic dims are -1. */
int lstm__value_shape(const lstm__value *v, int64_t dims[LSTM__MAX_RANK]);
#endif
