/*
** lstm.h — the public C API of the ONNX recurrent-network toolkit (LSTM, GRU, RNN and the
** graph operators exporters put around them). This is the only header a program needs.
**
** Usage (error handling shortened):
**
**     #include <lstm.h>
**
**     lstm_model *m = NULL;
**     lstm_session *s = NULL;
**     lstm_options opt;
**     lstm_options_init(&opt);                               // defaults, and opt.size
**     opt.num_threads = 2;                                   // (or pass NULL for defaults)
**     if (lstm_model_open("model.onnx", &opt, &m) != LSTM_OK) {
**         fprintf(stderr, "%s\n", lstm_model_errmsg(m));   // names the node or tensor at fault
**         lstm_model_close(m);
**         return 1;
**     }
**     lstm_session_open(m, &s);                              // one per thread; m is shared
**     const int64_t dims[3] = {100, 1, 40};                   // [time, batch, features]
**     lstm_session_set_input(s, "X", LSTM_DT_FLOAT, 3, dims, x, sizeof x); // x is not copied
**     if (lstm_session_run(s) == LSTM_OK) {
**         lstm_view y;
**         lstm_session_output(s, "Y", &y);                   // borrowed until the next run
**         ... use (const float *)y.data, y.dims ...
**     }
**     lstm_session_close(s);
**     lstm_model_close(m);
**
** Conventions:
** - Functions return an lstm_status (LSTM_OK == 0) unless stated otherwise; lstm_errstr gives
**   a static description of each code, and the handle's errmsg the details: the node, tensor
**   or input at fault and what was expected.
** - The library never prints, aborts or exits. It has no global mutable state except
**   OpenBLAS's thread count, which it keeps at 1 (set when a model opens and before each
**   product; setting it also stops OpenBLAS's idle thread pool, which OpenBLAS restarts if the
**   program raises the count): the library splits its products over each session's own
**   threads.
** - Constructors always write *out: a handle, or NULL when even that could not be allocated
**   (LSTM_ENOMEM) or a required argument was NULL (LSTM_EINVAL). A handle returned with an
**   error explains it through its errmsg and must still be closed (an lstm_options refused
**   for its size gives such a handle). Closing NULL is a no-op.
** - Threads: a loaded lstm_model is immutable and may be used by any number of threads at
**   once (sessions, introspection, describe). An lstm_session must be used by one thread at a
**   time. Close every session of a model before the model.
** - Dimensions are int64_t in ONNX order (dims[0] outermost, row-major contiguous data).
** - Ownership: every pointer the library returns is owned by the handle it came from and
**   stays valid as stated at the function (strings of a model live as long as the model).
**   Caller memory given to the library is only read, and only during the calls stated.
*/
#ifndef LSTM_H
#define LSTM_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) && __GNUC__ >= 4
#define LSTM_API __attribute__((visibility("default")))
#else
#define LSTM_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes. lstm_errstr() gives a static description of each. */
typedef enum lstm_status {
    LSTM_OK = 0,
    LSTM_ENOMEM = 1,       /* an allocation failed */
    LSTM_EIO = 2,          /* a file could not be read */
    LSTM_EPROTO = 3,       /* the bytes are not a valid ONNX protobuf */
    LSTM_ELIMIT = 4,       /* a configured resource limit was exceeded */
    LSTM_EMODEL = 5,       /* the model is invalid (graph, tensors, attributes) */
    LSTM_EUNSUPPORTED = 6, /* valid ONNX that this runtime does not implement */
    LSTM_EEXTDATA = 7,     /* external tensor data was refused */
    LSTM_EINVAL = 8,       /* a bad argument or input from the caller */
    LSTM_EMISUSE = 9,      /* the API was used out of order */
    LSTM_EABORTED = 10     /* the abort callback asked to stop */
} lstm_status;

/* Element types, numbered as ONNX TensorProto.DataType. */
typedef enum lstm_dtype {
    LSTM_DT_UNDEFINED = 0,
    LSTM_DT_FLOAT = 1,
    LSTM_DT_UINT8 = 2,
    LSTM_DT_INT8 = 3,
    LSTM_DT_UINT16 = 4,
    LSTM_DT_INT16 = 5,
    LSTM_DT_INT32 = 6,
    LSTM_DT_INT64 = 7,
    LSTM_DT_STRING = 8,
    LSTM_DT_BOOL = 9,
    LSTM_DT_FLOAT16 = 10,
    LSTM_DT_DOUBLE = 11,
    LSTM_DT_UINT32 = 12,
    LSTM_DT_UINT64 = 13,
    LSTM_DT_COMPLEX64 = 14,
    LSTM_DT_COMPLEX128 = 15,
    LSTM_DT_BFLOAT16 = 16
} lstm_dtype;

typedef struct lstm_model lstm_model;

/* Resource limits applied while loading and running. Zero fields take the documented
** defaults. */
typedef struct lstm_limits {
    uint64_t max_file_bytes;   /* default 2 GiB */
    uint32_t max_depth;        /* protobuf message nesting, default 64 */
    uint64_t max_decode_bytes; /* heap used while decoding, default 64 x file size + 64 MiB */
    uint64_t max_tensor_bytes; /* one tensor, default 2 GiB */
    uint64_t max_weight_bytes; /* all initializers together, default 4 GiB */
    uint32_t max_nodes;        /* default 1,000,000 */
    uint32_t max_name_bytes;   /* any name or string attribute, default 4096 */
    /* Memory one session holds for planning and running, default 8 GiB, counted as the bytes
    ** asked for: every plan's arena and planning memory (values computed while planning, the
    ** planner's tables), for the model's graph and each subgraph; and the buffers that grow
    ** with run-time shapes (values and scratch of nodes prepared at run time, buffers of
    ** control-flow operators, sequences, streamed and carried state, the copies of inputs
    ** that planning read). Not counted: tables sized by the model, the caller's inputs (and
    ** the item table of a sequence input). A run refused for it frees the buffers of values,
    ** scratch, control-flow operators and sequences, so a smaller run after it can fit. */
    uint64_t max_run_bytes;
} lstm_limits;

/* Options for opening a model (NULL means defaults). Start from lstm_options_init(&opt), or in
** C `lstm_options opt = {.size = sizeof opt, ...}`: `size` tells the library which version of
** this struct the program was compiled with, so fields added later (always at the end) leave
** older programs working, and zero fields mean defaults. lstm_model_open refuses with
** LSTM_EINVAL (and a message, see Conventions) a size it does not know: 0 (size not set),
** larger than its own (a program built against a newer lstm.h), or any other value. */
typedef struct lstm_options {
    size_t size; /* sizeof(lstm_options) as the program was compiled; set by lstm_options_init */
    lstm_limits limits;
    /* Allocator hooks; both or neither. ud is passed back unchanged. */
    void *(*alloc)(void *ud, size_t size);
    void (*free)(void *ud, void *ptr);
    void *alloc_ud;
    /* Base folder for external tensor data of a model opened from a buffer; NULL refuses
    ** external data in that case. Ignored by lstm_model_open (the model's own folder is used). */
    const char *external_data_dir;
    /* Threads per run: each session starts num_threads - 1 helpers. A recurrent node runs its
    ** two directions on two threads, or splits its batch rows (8+ per thread), or else shares
    ** each step by hidden units; MatMul and Gemm split large products by rows or columns
    ** (OpenBLAS itself stays single-threaded); results are the same bit for bit. Helpers
    ** spin between jobs for up to 4x the usual interval between jobs (at most 0.2 ms), then
    ** sleep; when they fall behind (other work on their cores) the session runs alone for a
    ** while (1 ms, doubling up to 0.5 s). 0 or 1: no helpers. */
    int num_threads;
    /* Non-zero refuses every tensor stored as external data (sandboxed use). */
    int no_external_data;
    /* Diagnostics, never printed by the library: level is LSTM_LOG_*, msg is valid during the
    ** call. Called from the thread that loads the model or runs a session. */
    void (*log)(void *ud, int level, const char *msg);
    void *log_ud;
    /* Polled between nodes and between the time steps of recurrent nodes; a non-zero return
    ** stops the run with LSTM_EABORTED. Called from the thread that runs the session. */
    int (*abort)(void *ud);
    void *abort_ud;
    /* Constant weights the operators pack at load (LSTM/GRU/RNN W and R, MatMul and Gemm B, the
    ** quantized LSTM's) are held once: the unpacked copy of each one that nothing else reads
    ** is freed once packed. Non-zero keeps them (lstm_model_explain's weight statistics read
    ** them; without them it says the weights were freed). Added in 0.3.0. */
    int keep_weights;
} lstm_options;

/* Zero *opt (defaults) and set opt->size. Inline, so the size is that of the program's lstm.h. */
static inline void lstm_options_init(lstm_options *opt)
{
    static lstm_options zero; /* zeroed as any static object (no initializer list: C++ -Wextra) */
    *opt = zero;
    opt->size = sizeof *opt;
}

enum { LSTM_LOG_ERROR = 0, LSTM_LOG_WARN = 1, LSTM_LOG_INFO = 2, LSTM_LOG_DEBUG = 3 };

/* Threads the BLAS backend uses now (process-wide; 1 once a model has been opened). */
LSTM_API int lstm_num_threads(void);

/* Static description of a status code; never NULL. */
LSTM_API const char *lstm_errstr(int status);
/* The library's version as "MAJOR.MINOR.PATCH"; static. LSTM_VERSION is this header's (the
** version the program was built against). */
LSTM_API const char *lstm_version(void);
#define LSTM_VERSION "0.3.0"
/* The same as numbers. */
#define LSTM_VERSION_MAJOR 0
#define LSTM_VERSION_MINOR 3
#define LSTM_VERSION_PATCH 0
/* The kernel set the recurrent operators run in this process: "avx512", "avx2", "neon" or
** "portable" (static). Chosen once, from the CPU's features, the first time it is needed;
** LSTM_ISA=NAME in the environment caps it (that set, or the best lesser one the CPU has). */
LSTM_API const char *lstm_kernels(void);

/* Load and validate a model from a file (external tensor data is read from the file's folder,
** confined to it), and fold its constant subgraphs. *out receives a handle (see Conventions);
** a model that failed to load can still be described (lstm_model_describe). opt may be NULL;
** it is read during the call only (its callbacks are kept). */
LSTM_API int lstm_model_open(const char *path, const lstm_options *opt, lstm_model **out);
/* Same from memory: buf (len bytes) is read during the call only. External data needs
** opt->external_data_dir. */
LSTM_API int lstm_model_open_buffer(const void *buf, size_t len, const lstm_options *opt,
                                    lstm_model **out);
/* Free a model; NULL is a no-op. Sessions opened on it must be closed first. */
LSTM_API void lstm_model_close(lstm_model *m);
/* Message of the failure that opening m met ("" when none, static text for NULL). Owned by m,
** valid as long as it. The queries below take a const model, which sessions on other threads
** may share: they return a status and leave this message alone. */
LSTM_API const char *lstm_model_errmsg(const lstm_model *m);

/* ---- Introspection ---------------------------------------------------------------------- */

/* Receives text from lstm_model_describe, in pieces (not NUL-terminated). */
typedef void (*lstm_write_fn)(void *ud, const char *data, size_t len);

enum {
    LSTM_DESCRIBE_TEXT = 0, /* the lstm-dump view: header, inputs, weights, outputs, nodes */
    LSTM_DESCRIBE_JSON = 1, /* the same as JSON, schema "lstm-dump/1" (docs/dump-json.md) */
    LSTM_DESCRIBE_DOT = 2   /* a Graphviz digraph */
};

/* Describe a model through write (called zero or more times, from this thread, before the call
** returns); subgraphs are shown under their node (text: indented, JSON: nested, DOT: clusters),
** and totals count them. A model that failed to load is described as far as it was read, with
** the reason (JSON: the "error" field). Returns LSTM_EINVAL for a NULL model or callback or an
*unknown
** format, else LSTM_OK. */
LSTM_API int lstm_model_describe(const lstm_model *m, int format, lstm_write_fn write, void *ud);
/* Explain the recurrent nodes of a usable model, those inside subgraphs (If branches, Loop and
** Scan bodies) included, or only the one named `node` (its name, or inside a subgraph its
** qualified name "If_1/then_branch/lstm" as the trace and profile give it): the cell's
** equations with the node's attributes put in, weight statistics per gate block (weights
** freed once packed say so: open with lstm_options.keep_weights to see them), and warnings for
** common conversion mistakes. LSTM_EINVAL when there is no such node. */
LSTM_API int lstm_model_explain(const lstm_model *m, const char *node, lstm_write_fn write,
                                void *ud);
/* Status of loading m (LSTM_OK for a usable model). */
LSTM_API int lstm_model_status(const lstm_model *m);

#define LSTM_MAX_RANK 8

/* A graph input or output as declared in the model. Pointers are owned by the model and live
** as long as it. dims[i] is -1 where the model gives no size (dim_names[i] is then the
** symbolic name, or NULL); rank is -1 when the model declares no shape. */
typedef struct lstm_value_info {
    const char *name;
    int dtype;
    int rank;
    int64_t dims[LSTM_MAX_RANK];
    const char *dim_names[LSTM_MAX_RANK];
    int has_default; /* an initializer gives the value when the caller binds none */
    int kind;        /* LSTM_VALUE_TENSOR, LSTM_VALUE_SEQUENCE (dtype: its elements') or
                     ** LSTM_VALUE_OPTIONAL (of a tensor or a sequence) */
} lstm_value_info;

/* Number of graph inputs (those with a default included) / outputs; -1 for a NULL or failed
** model. */
LSTM_API int lstm_model_input_count(const lstm_model *m);
LSTM_API int lstm_model_output_count(const lstm_model *m);
/* Fill *out for input / output i (0 <= i < count); LSTM_EINVAL otherwise. The strings in
** *out belong to m and live as long as it. */
LSTM_API int lstm_model_input_info(const lstm_model *m, int i, lstm_value_info *out);
LSTM_API int lstm_model_output_info(const lstm_model *m, int i, lstm_value_info *out);

/* ---- Sessions ------------------------------------------------------------------------- */

typedef struct lstm_session lstm_session;

/* Open a session on a usable model (LSTM_EINVAL for NULL or a failed model); m must outlive
** it. Every node's attributes are checked here: a node that breaks the ONNX spec is refused
** with LSTM_EMODEL naming it (before any other refusal), a node the runtime cannot run with
** LSTM_EUNSUPPORTED naming it. One thread at a time per session. */
LSTM_API int lstm_session_open(const lstm_model *m, lstm_session **out);
/* Bind input `name` to caller memory: data (nbytes, aligned to the element size) must stay
** valid and unchanged until lstm_session_run returns; it is read, never written. dims has rank
** entries. Binding an input with a default overrides the default. */
LSTM_API int lstm_session_set_input(lstm_session *s, const char *name, int dtype, int rank,
                                    const int64_t *dims, const void *data, size_t nbytes);
/* Run the model. Memory is planned on the first run and again only when an input's shape
** (or the values of an input that gives a shape) changes; a run with the planned shapes
** allocates nothing. Every input without a default must be bound. */
LSTM_API int lstm_session_run(lstm_session *s);

/* A borrowed view of a tensor: an output (valid until the next run, set_input or close of s),
** or an item the caller gives. */
typedef struct lstm_view {
    int dtype;
    int rank;
    int64_t dims[LSTM_MAX_RANK];
    const void *data;
    size_t nbytes;
} lstm_view;

/* Inputs and outputs that are not tensors (ONNX sequence and optional types): what a value
** holds (a tensor, a sequence of tensors, or nothing: an optional without element), and for
** declarations, LSTM_VALUE_OPTIONAL. */
enum {
    LSTM_VALUE_TENSOR = 0,
    LSTM_VALUE_SEQUENCE = 1,
    LSTM_VALUE_NONE = 2,
    LSTM_VALUE_OPTIONAL = 3
};
/* Bind a sequence input to count tensors in caller memory (the same rules as set_input; every
** item has the same dtype; the items array itself may be freed after the call). */
LSTM_API int lstm_session_set_input_sequence(lstm_session *s, const char *name, int count,
                                             const lstm_view *items);
/* Bind an optional input to "no value". */
LSTM_API int lstm_session_set_input_none(lstm_session *s, const char *name);
/* After a run: what output `name` holds (LSTM_VALUE_*), or -1 with the message in s. */
LSTM_API int lstm_session_output_kind(lstm_session *s, const char *name);
/* A sequence output: its number of tensors, then each one as a view (valid like outputs). */
LSTM_API int lstm_session_output_sequence(lstm_session *s, const char *name, int *count);
LSTM_API int lstm_session_output_item(lstm_session *s, const char *name, int i, lstm_view *out);

/* View output `name` after a successful run (LSTM_EMISUSE before one). out->data belongs to s
** and stays valid until the next set_input, run or close on s (turning tracing, streaming or
** profiling on or off leaves it). */
LSTM_API int lstm_session_output(lstm_session *s, const char *name, lstm_view *out);
/* Copy output `name` into dst (cap bytes); LSTM_EINVAL when it does not fit (the message gives
** the size needed). */
LSTM_API int lstm_session_output_copy(lstm_session *s, const char *name, void *dst, size_t cap);

/* Streaming (off by default): every LSTM / GRU / RNN node whose initial_h / initial_c the caller
** does not feed carries its final state into the next run, so a sequence fed in chunks gives
** the outputs of one run over the whole sequence; a run that fails leaves the state as the last
** successful run left it. Reverse and bidirectional nodes cannot
** stream: the run is refused with a message naming the node. The batch size must stay the
** same between runs until lstm_session_reset_state. Nodes inside If branches stream (each
** node keeps its own state, whichever branch runs); nodes inside Loop and Scan bodies never
** do: they run once per iteration, and every iteration starts from their initial state. */
LSTM_API int lstm_session_set_streaming(lstm_session *s, int on);
/* Gate tracing (off by default): during every run, fn receives, for every LSTM / GRU / RNN node
** that ran and each of its gates, the values at every step as float32 [T, num_directions,
** batch, hidden] in original time order (padded steps are 0). Gates: LSTM "i", "f", "o", "g"
** (the candidate), "c" (cell), "h"; GRU "z", "r", "g", "h"; RNN "h". A node inside a subgraph
** is named by its qualified name, "If_1/then_branch/lstm" (owner, attribute, name at each
** level); one inside a Loop or Scan body reports once per iteration. Pointers are valid during
** the call only. fn NULL turns tracing off; off, it costs nothing. */
typedef void (*lstm_trace_fn)(void *ud, const char *node, const char *op_type, const char *gate,
                              const int64_t dims[4], const float *values);
LSTM_API int lstm_session_set_trace(lstm_session *s, lstm_trace_fn fn, void *ud);

/* Per-node timing (off by default): while on, every successful run adds each node's wall time
** (two clock reads per node; nothing is allocated). Turning it on clears the counts. */
LSTM_API int lstm_session_set_profiling(lstm_session *s, int on);
/* The counts so far through write, slowest node first: LSTM_DESCRIBE_TEXT (a table: share,
** ms per run, total ms, node) or LSTM_DESCRIBE_JSON ({"runs", "ms_per_run", "nodes": [{"index",
** "name", "op_type", "graph", "ms_per_run", "total_ms", "share"}]}). Only nodes that run at
** every run are listed (constants folded at load and shape arithmetic done when planning are
** not). Nodes inside subgraphs are listed too, with their graph's path ("graph": "If_1/
** then_branch", "" for the main graph; "name" qualified: "If_1/then_branch/lstm") and the time
** of every iteration; that time also counts in their owner's, so shares add up to more than 1.
** LSTM_EINVAL for a NULL session or callback or another format. */
LSTM_API int lstm_session_profile(lstm_session *s, int format, lstm_write_fn write, void *ud);

/* Explicit state: after every successful run, output `out` is copied into the session and
** becomes input `in` of the next run, so a model that takes its state as an input and returns
** the next one (Silero VAD: "stateN" -> "state"; PyTorch exports with state I/O: "hn" -> "h0",
** "cn" -> "c0") can be fed a long signal chunk by chunk. The first run uses `in` as the caller
** bound it (or its default); binding `in` again overrides the carried value for the next run;
** lstm_session_reset_state goes back to the caller's binding. No allocation once the state's
** size is known. LSTM_EINVAL for unknown names, different declared types or an input already
** carried; a run whose carried value breaks the input's declared type or shape is refused like
** a binding that does, its message naming the output the value came from. */
LSTM_API int lstm_session_carry(lstm_session *s, const char *out, const char *in);
/* Forget the carried state (streamed recurrent state and lstm_session_carry values): the next
** run starts from the model's initial state. */
LSTM_API int lstm_session_reset_state(lstm_session *s);
/* Free a session and everything it planned; NULL is a no-op. */
LSTM_API void lstm_session_close(lstm_session *s);
/* Message of the last failure on s; owned by s, valid until the next call on s. */
LSTM_API const char *lstm_session_errmsg(const lstm_session *s);

/* ---- Tensor files ----------------------------------------------------------------------- */
/* (The enums of lstm_value come first, with the session calls above.) */

/* A tensor that owns its name and data (malloc'd; name may be ""). Release with
** lstm_tensor_clear, which frees both and zeroes the struct. */
typedef struct lstm_tensor {
    char *name;
    int dtype;
    int rank;
    int64_t dims[LSTM_MAX_RANK];
    void *data;
    size_t nbytes;
} lstm_tensor;

/* Decode a serialized ONNX TensorProto (the .pb files of ONNX test cases) into *out. On
** failure *out is empty and err (errlen bytes, may be NULL) holds the reason. */
LSTM_API int lstm_tensor_read_pb(const void *buf, size_t len, lstm_tensor *out, char *err,
                                 size_t errlen);
LSTM_API void lstm_tensor_clear(lstm_tensor *t); /* NULL is a no-op */

/* A value read from a test-case file: a tensor (TensorProto), a sequence of tensors
** (SequenceProto) or an optional (OptionalProto: a tensor, a sequence or nothing). Owns its
** memory; release with lstm_value_clear. */
typedef struct lstm_value {
    char *name;         /* "" when the file names none */
    int kind;           /* LSTM_VALUE_TENSOR, LSTM_VALUE_SEQUENCE or LSTM_VALUE_NONE */
    lstm_tensor tensor; /* LSTM_VALUE_TENSOR (its name is in `name`) */
    int count;          /* LSTM_VALUE_SEQUENCE: its tensors */
    lstm_tensor *items;
    int elem_dtype; /* LSTM_VALUE_SEQUENCE: their type (0 when empty and unknown) */
} lstm_value;
enum { LSTM_PB_TENSOR = 0, LSTM_PB_SEQUENCE = 1, LSTM_PB_OPTIONAL = 2 };
/* Decode one serialized message of the kind `proto` (LSTM_PB_*). Sparse tensors, maps and
** nested sequences are refused (LSTM_EUNSUPPORTED). On failure err gets the reason. */
LSTM_API int lstm_value_read_pb(const void *buf, size_t len, int proto, lstm_value *out, char *err,
                                size_t errlen);
LSTM_API void lstm_value_clear(lstm_value *v); /* NULL is a no-op */
/* Static name of an element type ("float32", "int64", ...). */
LSTM_API const char *lstm_dtype_name(int dtype);
/* Size in bytes of one element, 0 for types without a fixed size. */
LSTM_API size_t lstm_dtype_size(int dtype);

#ifdef __cplusplus
}
#endif
#endif
