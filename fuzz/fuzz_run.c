/*
** fuzz_run.c — libFuzzer harness: valid models with fuzzed inputs. The first byte picks a model
** (LSTM with sequence_lens, the char-LSTM LM whose tokens index an embedding, a GRU tagger, an
** RNN); the next bytes give the dims; the rest fills the tensors (sequence_lens and token ids
** included, so out-of-range values are exercised). Models are loaded once (FUZZ_MODELS_DIR),
** each also with two threads (bit 1 of the second byte picks them): bidirectional nodes then run
** their directions in parallel, batches of 16 or more split their rows.
*/
#include "lstm.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const char *const paths[] = {
    "tests/data/ort/lstm_seq_bidi/model.onnx", "models/char_lstm/model.onnx",
    "models/bigru_tagger/model.onnx",          "tests/data/ort/gru_layout1_bidi_seq/model.onnx",
    "tests/data/ort/rnn_seq_rev/model.onnx",   "tests/data/ort/lstm_peephole_bidi_seq/model.onnx",
    "models/lstm_classifier/model.onnx",
};
#define NMODELS (int)(sizeof paths / sizeof paths[0])
static lstm_model *models[2][NMODELS];
static lstm_session *sessions[2][NMODELS];
static volatile unsigned char sink_byte; /* keeps the output reads */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    for (int t = 0; t < 2; t++)
        for (int i = 0; i < NMODELS; i++) {
            char p[1024];
            snprintf(p, sizeof p, "%s/%s", FUZZ_SOURCE_DIR, paths[i]);
            lstm_options opt = {.size = sizeof(lstm_options), .num_threads = t + 1};
            if (lstm_model_open(p, &opt, &models[t][i]) ||
                lstm_session_open(models[t][i], &sessions[t][i])) {
                fprintf(stderr, "fuzz_run: cannot load %s\n", p);
                return 1;
            }
        }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4) return 0;
    int which = data[0] % NMODELS;
    lstm_model *m = models[data[1] >> 1 & 1][which];
    lstm_session *s = sessions[data[1] >> 1 & 1][which];
    if (!m || !s) return 0;
    lstm_session_set_streaming(s, data[1] & 1 && which != 0 && which != 2 && which != 3);
    size_t pos = 2;
    static unsigned char buf[8][1 << 14];
    int count = lstm_model_input_count(m);
    for (int i = 0; i < count && i < 8; i++) {
        lstm_value_info vi;
        if (lstm_model_input_info(m, i, &vi)) return 0;
        int64_t dims[LSTM_MAX_RANK];
        size_t bytes = lstm_dtype_size(vi.dtype);
        for (int d = 0; d < vi.rank; d++) {
            /* Declared sizes mostly kept; symbolic ones (and sometimes fixed ones) fuzzed. */
            uint8_t b = pos < size ? data[pos++] : 1;
            dims[d] = vi.dims[d] >= 0 && !(b & 0x80) ? vi.dims[d] : (int64_t)(b % 18);
            bytes *= (size_t)dims[d];
        }
        if (bytes > sizeof buf[i]) return 0;
        for (size_t k = 0; k < bytes; k++) buf[i][k] = pos < size ? data[pos++] : 0;
        if (lstm_session_set_input(s, vi.name, vi.dtype, vi.rank, dims, buf[i], bytes)) return 0;
    }
    if (lstm_session_run(s) == LSTM_OK) {
        int n = lstm_model_output_count(m);
        for (int i = 0; i < n; i++) {
            lstm_value_info vi;
            lstm_view v;
            if (!lstm_model_output_info(m, i, &vi) && !lstm_session_output(s, vi.name, &v)) {
                for (size_t k = 0; k < v.nbytes; k++)
                    sink_byte ^= ((const unsigned char *)v.data)[k];
            }
        }
    }
    return 0;
}
