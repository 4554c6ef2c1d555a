/* signal.h — params and state of the signal operators (op_signal.c, op_window.c). */
#ifndef LSTM_OPS_SIGNAL_H
#define LSTM_OPS_SIGNAL_H

#include <stdint.h>

/* HannWindow, HammingWindow, BlackmanWindow. */
typedef struct lstm__window_params {
    int kind; /* LSTM__WIN_* */
    int dtype;
    int64_t periodic;
} lstm__window_params;

typedef struct lstm__window_state {
    int64_t size;
} lstm__window_state;

typedef struct lstm__mel_params {
    int dtype;
} lstm__mel_params;

typedef struct lstm__mel_state {
    int64_t bins, dft_length, sample_rate, spec_bins;
    double low_mel, mel_step;
} lstm__mel_state;

typedef struct lstm__dft_params {
    int64_t axis, inverse, onesided;
} lstm__dft_params;

/* DFT and STFT: lines of len samples (complex when cplx) transformed at length n, the first
** keep bins written; STFT's lines are frames (step apart, windowed). */
typedef struct lstm__dft_state {
    int64_t outer, len, inner, n, keep, step, frames;
    int cplx, window;
} lstm__dft_state;

#endif
