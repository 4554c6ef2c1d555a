/*
** fuzz_load.c — libFuzzer harness: model bytes -> load, validate, fold, describe in the three
** formats, explain the recurrent nodes (subgraphs included), open a session and run it on zero
** inputs (empty sequences, optionals without a value). Tight limits and an abort budget keep
** each input cheap; every outcome must be a status code (the sanitizers turn anything else
** into a finding).
*/
#include "lstm.h"

#include <stddef.h>
#include <stdint.h>

static void sink(void *ud, const char *data, size_t len)
{
    (void)data;
    *(size_t *)ud += len;
}

static _Atomic long polls; /* abort polls left: a Loop may run for ever */

static int budget(void *ud)
{
    (void)ud;
    return --polls < 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lstm_options opt = {.size = sizeof(lstm_options)};
    opt.limits.max_decode_bytes = 64u << 20;
    opt.limits.max_tensor_bytes = 16u << 20;
    opt.limits.max_weight_bytes = 32u << 20;
    opt.limits.max_nodes = 10000;
    opt.limits.max_run_bytes = 256u << 20;
    opt.abort = budget;
    polls = 1 << 20; /* loading polls too */
    lstm_model *m = NULL;
    lstm_model_open_buffer(data, size, &opt, &m);
    if (m) {
        size_t n = 0;
        lstm_model_describe(m, LSTM_DESCRIBE_TEXT, sink, &n);
        lstm_model_describe(m, LSTM_DESCRIBE_JSON, sink, &n);
        lstm_model_describe(m, LSTM_DESCRIBE_DOT, sink, &n);
        lstm_model_explain(m, NULL, sink, &n);
        lstm_session *s = NULL;
        if (lstm_model_status(m) == LSTM_OK && lstm_session_open(m, &s) == LSTM_OK) {
            /* Run with zero-filled inputs of the declared shapes (small ones only). */
            int count = lstm_model_input_count(m), ok = 1;
            static unsigned char zeros[1 << 16];
            for (int i = 0; i < count && ok; i++) {
                lstm_value_info vi;
                if (lstm_model_input_info(m, i, &vi) || vi.has_default) continue;
                if (vi.kind == LSTM_VALUE_SEQUENCE) {
                    ok = lstm_session_set_input_sequence(s, vi.name, 0, NULL) == LSTM_OK;
                    continue;
                }
                if (vi.kind == LSTM_VALUE_OPTIONAL) {
                    ok = lstm_session_set_input_none(s, vi.name) == LSTM_OK;
                    continue;
                }
                int64_t dims[LSTM_MAX_RANK];
                size_t bytes = lstm_dtype_size(vi.dtype);
                ok = bytes > 0 && vi.rank >= 0;
                for (int d = 0; ok && d < vi.rank; d++) {
                    dims[d] = vi.dims[d] < 0 ? 2 : vi.dims[d];
                    if (dims[d] > 64) ok = 0;
                    bytes *= (size_t)dims[d];
                }
                ok = ok && bytes <= sizeof zeros &&
                     lstm_session_set_input(s, vi.name, vi.dtype, vi.rank, dims, zeros, bytes) ==
                         LSTM_OK;
            }
            polls = 100000;
            if (ok) lstm_session_run(s);
        }
        lstm_session_close(s);
    }
    lstm_model_close(m);
    return 0;
}
