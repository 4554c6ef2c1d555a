/*
** onnx_builder.h — build small ONNX models in C for tests (good ones and deliberately bad
** ones), then serialize them with protobuf-c. All memory is freed by tb_free.
*/
#ifndef TB_ONNX_BUILDER_H
#define TB_ONNX_BUILDER_H

#include "onnx_pb.h"

#include <stddef.h>
#include <stdint.h>

typedef struct tb_model tb_model;

/* A model with IR version ir and ai.onnx opset `opset` (0: no opset_import). */
tb_model *tb_new(int64_t ir, int64_t opset);
Onnx__ModelProto *tb_proto(tb_model *m);
Onnx__GraphProto *tb_graph(tb_model *m);
/* dims: -1 gives a symbolic dim named sym (or unknown when sym is NULL). */
Onnx__ValueInfoProto *tb_input(tb_model *m, const char *name, int dtype, int rank,
                               const int64_t *dims, const char *sym);
Onnx__ValueInfoProto *tb_output(tb_model *m, const char *name, int dtype, int rank,
                                const int64_t *dims, const char *sym);
/* Float initializer stored in raw_data (data may be NULL for zeros). */
Onnx__TensorProto *tb_init_f32(tb_model *m, const char *name, int rank, const int64_t *dims,
                               const float *data);
Onnx__TensorProto *tb_tensor(tb_model *m, const char *name, int dtype, int rank,
                             const int64_t *dims);
void tb_tensor_raw(tb_model *m, Onnx__TensorProto *t, const void *data, size_t len);
void tb_add_initializer(tb_model *m, Onnx__TensorProto *t);
/* inputs/outputs: comma-separated names; an empty entry is an absent optional ("X,,R"). */
Onnx__NodeProto *tb_node(tb_model *m, const char *op, const char *name, const char *inputs,
                         const char *outputs);
/* Puts node n in `domain` and imports that domain at `version` (once). */
void tb_domain(tb_model *m, Onnx__NodeProto *n, const char *domain, int64_t version);
Onnx__AttributeProto *tb_attr_i(tb_model *m, Onnx__NodeProto *n, const char *name, int64_t v);
Onnx__AttributeProto *tb_attr_f(tb_model *m, Onnx__NodeProto *n, const char *name, float v);
Onnx__AttributeProto *tb_attr_s(tb_model *m, Onnx__NodeProto *n, const char *name, const char *v);
/* comma-separated list */
Onnx__AttributeProto *tb_attr_strings(tb_model *m, Onnx__NodeProto *n, const char *name,
                                      const char *csv);
Onnx__AttributeProto *tb_attr_floats(tb_model *m, Onnx__NodeProto *n, const char *name,
                                     const float *v, size_t count);
Onnx__AttributeProto *tb_attr_ints(tb_model *m, Onnx__NodeProto *n, const char *name,
                                   const int64_t *v, size_t count);
/* A subgraph made of the last k nodes added to the main graph (moved out of it), with these
** comma-separated input and output names (no types; "" for none). */
Onnx__GraphProto *tb_take_graph(tb_model *m, const char *name, int k, const char *inputs,
                                const char *outputs);
Onnx__AttributeProto *tb_attr_graph(tb_model *m, Onnx__NodeProto *n, const char *name,
                                    Onnx__GraphProto *g);
/* A model-local function (domain, name) made of the last k nodes added to the main graph
** (moved out of it), with comma-separated input, output and attribute names; it imports the
** model's opsets. */
Onnx__FunctionProto *tb_take_function(tb_model *m, const char *domain, const char *name, int k,
                                      const char *inputs, const char *outputs, const char *attrs);
/* An attribute of a function's node that refers to the function's attribute ref. */
Onnx__AttributeProto *tb_attr_ref(tb_model *m, Onnx__NodeProto *n, const char *name,
                                  const char *ref, int type);
/* An arena allocation that lives as long as the model. */
void *tb_alloc(tb_model *m, size_t size);
char *tb_strdup(tb_model *m, const char *s);
/* Serialize; the returned buffer is owned by the model. */
const uint8_t *tb_pack(tb_model *m, size_t *len);
void tb_free(tb_model *m);

#endif
