/* dtype.h — element type names and sizes. */
#ifndef LSTM_DTYPE_H
#define LSTM_DTYPE_H

#include <stddef.h>

/* Element size in bytes; 0 for types whose elements have no fixed size (string, undefined,
** types this runtime cannot hold). */
size_t lstm__dtype_size(int dtype);
/* NumPy-style lower-case name ("float32", "int64", ...); "unknown" out of range. Names of
** newer ONNX types (float8*, int4, ...) are known so messages can name them. */
const char *lstm__dtype_name(int dtype);
/* ONNX enum spelling ("FLOAT", "INT64", ...). */
const char *lstm__dtype_onnx_name(int dtype);
/* True for the element types whose data this runtime can hold in memory. */
int lstm__dtype_storable(int dtype);

#endif
