/* tensor_io.h — tensors from and to files for lstm-run: ONNX TensorProto (.pb), NumPy .npy (C or
** Fortran order, either byte order) and .npz (stored or deflated members). */
#ifndef LSTM_TENSOR_IO_H
#define LSTM_TENSOR_IO_H

#include "lstm.h"

#include <stddef.h>

/* Read one tensor from path (.pb or .npy), or member `key` of an .npz (key NULL: the only
** member). On failure returns non-zero with the reason in err. */
int tio_read(const char *path, const char *key, lstm_tensor *out, char *err, size_t errlen);
/* Names of the members of an .npz (without ".npy"); *names is malloc'd, each entry too
** (NULL and 0 on failure). */
int tio_npz_keys(const char *path, char ***names, int *count, char *err, size_t errlen);
/* The same on a file's bytes; path names it (its extension picks the format) in messages. */
int tio_read_buffer(const unsigned char *buf, size_t len, const char *path, const char *key,
                    lstm_tensor *out, char *err, size_t errlen);
int tio_npz_keys_buffer(const unsigned char *buf, size_t len, const char *path, char ***names,
                        int *count, char *err, size_t errlen);
/* Write a view as .npy or .pb (TensorProto named `name`). */
int tio_write_npy(const char *path, const lstm_view *v, char *err, size_t errlen);
int tio_write_pb(const char *path, const char *name, const lstm_view *v, char *err, size_t errlen);
/* A sequence (kind LSTM_VALUE_SEQUENCE: count items) or a tensor (items[0]) as a SequenceProto or
** TensorProto, inside an OptionalProto when `optional` (kind LSTM_VALUE_NONE: an empty one). */
int tio_write_pb_value(const char *path, const char *name, int kind, int optional, int count,
                       const lstm_view *items, char *err, size_t errlen);

#endif
