/*
** silero_ours.c — times a Silero VAD model frame by frame through the public API, the way an
** application runs it: one frame per run, batch 1, the state carried from run to run by the
** session (lstm_session_carry), one thread. v5 models (inputs input, state, sr) get each frame
** preceded by the last 64 (8 kHz: 32) samples before it; v4 models (input, h, c, sr) get the
** frame alone. Frames are 512 samples at 16 kHz, 256 at 8 kHz.
**
** usage: silero_ours MODEL.onnx RATE SAMPLES.f32 FRAMES
**   SAMPLES.f32: raw little-endian float32 audio; FRAMES frames are timed (the audio is looped
**   over), after one warm-up pass over the first 20 frames with the state reset after it.
** prints: median_ms=… min_ms=… p90_ms=… mean_ms=… prob_sum=… frames=… peak_rss_kb=…
*/
#define _POSIX_C_SOURCE 200809L
#include "lstm.h"
#include "measure.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int has_input(const lstm_model *m, const char *name)
{
    lstm_value_info vi;
    for (int i = 0; i < lstm_model_input_count(m); i++)
        if (!lstm_model_input_info(m, i, &vi) && strcmp(vi.name, name) == 0) return 1;
    return 0;
}

static float *read_samples(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    float *x = len > 0 ? malloc((size_t)len) : NULL;
    *n = x && fread(x, 1, (size_t)len, f) == (size_t)len ? (size_t)len / sizeof(float) : 0;
    fclose(f);
    if (!*n) {
        free(x);
        return NULL;
    }
    return x;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: silero_ours MODEL.onnx RATE SAMPLES.f32 FRAMES\n");
        return 2;
    }
    const int64_t rate = atoi(argv[2]);
    const long frames = atol(argv[4]);
    size_t n = 0;
    float *audio = read_samples(argv[3], &n);
    if ((rate != 8000 && rate != 16000) || frames < 1 || !audio) {
        fprintf(stderr, "silero_ours: bad arguments or unreadable %s\n", argv[3]);
        return 2;
    }
    lstm_options opt;
    lstm_options_init(&opt);
    opt.num_threads = 1;
    lstm_model *m = NULL;
    lstm_session *s = NULL;
    int rc = lstm_model_open(argv[1], &opt, &m);
    if (!rc) rc = lstm_session_open(m, &s);
    if (rc) {
        fprintf(stderr, "silero_ours: %s\n", s ? lstm_session_errmsg(s) : lstm_model_errmsg(m));
        return 1;
    }
    const int v5 = has_input(m, "state");
    const long win = rate == 16000 ? 512 : 256, ctx = v5 ? win / 8 : 0;
    const int64_t H = v5 ? 128 : 64, sdims[3] = {2, 1, H}, fdims[2] = {1, ctx + win};
    float *frame = calloc((size_t)(ctx + win), sizeof *frame);
    float *state = calloc((size_t)(4 * H), sizeof *state);
    double *t = malloc(sizeof *t * (size_t)frames);
    if (!frame || !state || !t || n < (size_t)win) return 1;
    rc = lstm_session_set_input(s, "sr", LSTM_DT_INT64, 0, NULL, &rate, sizeof rate);
    if (!rc && v5) {
        rc = lstm_session_set_input(s, "state", LSTM_DT_FLOAT, 3, sdims, state, 2 * H * 4);
        if (!rc) rc = lstm_session_carry(s, "stateN", "state");
    } else if (!rc) {
        rc = lstm_session_set_input(s, "h", LSTM_DT_FLOAT, 3, sdims, state, 2 * H * 4);
        if (!rc)
            rc = lstm_session_set_input(s, "c", LSTM_DT_FLOAT, 3, sdims, state + 2 * H, 2 * H * 4);
        if (!rc) rc = lstm_session_carry(s, "hn", "h");
        if (!rc) rc = lstm_session_carry(s, "cn", "c");
    }
    const size_t per_pass = n / (size_t)win;
    double prob_sum = 0;
    for (long i = -20; !rc && i < frames; i++) {
        if (i == 0) {
            rc = lstm_session_reset_state(s);
            memset(frame, 0, (size_t)(ctx + win) * sizeof *frame);
            if (rc) break;
        }
        size_t at = (size_t)(i < 0 ? i + 20 : i) % per_pass * (size_t)win;
        if (ctx) memmove(frame, frame + win, (size_t)ctx * sizeof *frame);
        memcpy(frame + ctx, audio + at, (size_t)win * sizeof *frame);
        double a = measure_now_ms();
        rc = lstm_session_set_input(s, "input", LSTM_DT_FLOAT, 2, fdims, frame,
                                    (size_t)(ctx + win) * sizeof *frame);
        if (!rc) rc = lstm_session_run(s);
        float p = 0;
        if (!rc) rc = lstm_session_output_copy(s, "output", &p, sizeof p);
        if (i >= 0) {
            t[i] = measure_now_ms() - a;
            prob_sum += p;
        }
    }
    if (rc) {
        fprintf(stderr, "silero_ours: %s: %s\n", lstm_errstr(rc), lstm_session_errmsg(s));
        return 1;
    }
    double mean = 0;
    for (long i = 0; i < frames; i++) mean += t[i] / (double)frames;
    measure_sort(t, (size_t)frames);
    printf("median_ms=%.4f min_ms=%.4f p90_ms=%.4f mean_ms=%.4f prob_sum=%.6f frames=%ld "
           "peak_rss_kb=%ld\n",
           t[(frames - 1) / 2], t[0], t[frames * 9 / 10], mean, prob_sum, frames,
           measure_peak_rss_kb());
    free(t);
    free(frame);
    free(state);
    free(audio);
    lstm_session_close(s);
    lstm_model_close(m);
    return 0;
}
