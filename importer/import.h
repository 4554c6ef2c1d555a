/*
** import.h — load ONNX bytes into the runtime graph. This header exposes no protobuf type;
** only the importer sources include the generated onnx_pb.h.
*/
#ifndef LSTM_IMPORT_H
#define LSTM_IMPORT_H

#include "graph.h"

/*
** Import a model. On success *out is a validated, linked graph. On failure the code and the
** message are in d, and *out is the graph as far as it was built (the dump prints it) or NULL
** when the bytes could not be decoded. The caller frees *out with lstm__graph_free.
** base_dir is the folder external data is resolved in; NULL refuses external data.
*/
int lstm__import_buffer(const void *buf, size_t len, const lstm_options *opt, const char *base_dir,
                        lstm__graph **out, lstm__diag *d);
/* Read the file (within the size limit) and import it; external data resolves beside it. */
int lstm__import_file(const char *path, const lstm_options *opt, lstm__graph **out, lstm__diag *d);

#endif
