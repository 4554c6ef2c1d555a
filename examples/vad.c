/*
** vad — voice activity detection with a Silero VAD model, on the public API of liblstm only.
**
**   vad [options] MODEL.onnx FILE.wav
**
** Reads a mono 16-bit PCM WAV at 8 or 16 kHz, runs the model frame by frame (512 samples at
** 16 kHz, 256 at 8 kHz) carrying its state from one frame to the next (lstm_session_carry), and
** prints one line per speech segment, "start end" in seconds, then a summary line beginning
** with '#'. Silero v5 models (inputs input, state, sr; builds without sr take 16 kHz only) get
** each frame preceded by the last 64 (8 kHz: 32) samples of the previous one, as they expect; v4
** models (input, sr, h, c) get the frame alone. The segments come from the speech probabilities the
*way Silero's
** get_speech_timestamps makes them: speech starts when a frame reaches the onset threshold,
** ends when frames stay under the offset threshold for the minimum silence, segments shorter
** than the minimum speech are dropped, and each keeps some padding around it.
*/
#define _POSIX_C_SOURCE 200809L
#include <lstm.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct opts {
    double onset, offset; /* speech probability thresholds */
    double min_speech_ms, min_silence_ms, pad_ms;
    int probs; /* print every frame's probability */
    int threads;
} opts;

static void usage(FILE *f)
{
    fprintf(f, "usage: lstm-vad [options] MODEL.onnx FILE.wav\n"
               "  Speech segments of a mono 16-bit PCM WAV at 8 or 16 kHz, one 'start end' line\n"
               "  (seconds) each, found with a Silero VAD model (v4 or v5), then a '#' summary.\n"
               "options:\n"
               "  --onset P           probability at which speech starts (default 0.5)\n"
               "  --offset P          probability under which it may end (default 0.35)\n"
               "  --min-speech MS     shortest segment kept (default 250)\n"
               "  --min-silence MS    silence that ends a segment (default 100)\n"
               "  --pad MS            padding added around each segment (default 30)\n"
               "  --probs             also print each frame's time and probability\n"
               "  --threads N         threads for the model, 1 to 64 (default 1)\n"
               "  --version           print the library version\n"
               "exit status: 0 success, 1 an unreadable WAV or model or a failed run, 2 usage\n");
}

/* ---- WAV ---- */

typedef struct wav {
    int rate;
    size_t n;       /* samples */
    float *samples; /* in [-1, 1) */
} wav;

static uint32_t u32(const unsigned char *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint16_t u16(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

/* Read path; on failure print why and return 1. */
static int read_wav(const char *path, wav *w)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "lstm-vad: cannot open '%s': %s\n", path, strerror(errno));
        return 1;
    }
    unsigned char hdr[12], ch[8], fmt[40];
    int have_fmt = 0, status = 1;
    memset(w, 0, sizeof *w);
    if (fread(hdr, 1, 12, f) != 12 || memcmp(hdr, "RIFF", 4) || memcmp(hdr + 8, "WAVE", 4)) {
        fprintf(stderr, "lstm-vad: '%s' is not a WAV file (no RIFF/WAVE header)\n", path);
        goto done;
    }
    for (;;) {
        if (fread(ch, 1, 8, f) != 8) {
            fprintf(stderr, "lstm-vad: '%s' is truncated: no data chunk\n", path);
            goto done;
        }
        uint32_t size = u32(ch + 4);
        if (!memcmp(ch, "fmt ", 4)) {
            if (size < 16 || size > sizeof fmt || fread(fmt, 1, size, f) != size) {
                fprintf(stderr, "lstm-vad: '%s': malformed or truncated fmt chunk\n", path);
                goto done;
            }
            if (size & 1) fgetc(f);
            int format = u16(fmt), channels = u16(fmt + 2), bits = u16(fmt + 14);
            /* WAVE_FORMAT_EXTENSIBLE names its format in the sub-format's first two bytes. */
            if (format == 0xfffe && size >= 26) format = u16(fmt + 24);
            w->rate = (int)u32(fmt + 4);
            if (format != 1 || bits != 16) {
                fprintf(stderr,
                        "lstm-vad: '%s' is not 16-bit PCM (format %d, %d bits); convert it, "
                        "e.g. sox IN -b 16 -e signed OUT.wav\n",
                        path, format, bits);
                goto done;
            }
            if (channels != 1) {
                fprintf(stderr,
                        "lstm-vad: '%s' has %d channels, expected mono (sox IN -c 1 OUT.wav)\n",
                        path, channels);
                goto done;
            }
            if (w->rate != 8000 && w->rate != 16000) {
                fprintf(stderr,
                        "lstm-vad: '%s' is sampled at %d Hz; Silero VAD takes 8000 or 16000 "
                        "(sox IN -r 16000 OUT.wav)\n",
                        path, w->rate);
                goto done;
            }
            have_fmt = 1;
        } else if (!memcmp(ch, "data", 4)) {
            if (!have_fmt) {
                fprintf(stderr, "lstm-vad: '%s': the data chunk comes before the fmt chunk\n",
                        path);
                goto done;
            }
            size_t n = size / 2;
            int16_t *pcm = malloc(n * 2 + 2);
            w->samples = malloc(n * sizeof(float) + 4);
            if (!pcm || !w->samples) {
                free(pcm);
                fprintf(stderr, "lstm-vad: out of memory for %zu samples\n", n);
                goto done;
            }
            size_t got = fread(pcm, 2, n, f);
            if (got != n) {
                fprintf(stderr,
                        "lstm-vad: '%s' is truncated: the data chunk says %zu samples, the "
                        "file has %zu\n",
                        path, n, got);
                free(pcm);
                goto done;
            }
            for (size_t i = 0; i < n; i++) {
                const unsigned char *b = (const unsigned char *)&pcm[i];
                w->samples[i] = (float)(int16_t)u16(b) / 32768.0f;
            }
            free(pcm);
            w->n = n;
            status = 0;
            goto done;
        } else if (fseek(f, (long)size + (size & 1), SEEK_CUR) != 0) {
            fprintf(stderr, "lstm-vad: '%s' is truncated in chunk '%.4s'\n", path,
                    (const char *)ch);
            goto done;
        }
    }
done:
    fclose(f);
    if (status) {
        free(w->samples);
        w->samples = NULL;
    }
    return status;
}

/* ---- speech segments from frame probabilities ---- */

typedef struct seg {
    long start, end; /* samples */
} seg;

/* Segments of n frames of `win` samples (audio of `len` samples), as get_speech_timestamps. */
static size_t segments(const float *prob, size_t n, long win, long len, int rate, const opts *o,
                       seg *out)
{
    const long min_speech = (long)(rate * o->min_speech_ms / 1000),
               min_silence = (long)(rate * o->min_silence_ms / 1000),
               pad = (long)(rate * o->pad_ms / 1000);
    size_t k = 0;
    int speaking = 0;
    long start = 0, silent_from = 0;
    for (size_t i = 0; i < n; i++) {
        long t = (long)i * win;
        if (prob[i] >= o->onset) {
            silent_from = 0;
            if (!speaking) {
                speaking = 1;
                start = t;
            }
            continue;
        }
        if (!speaking || prob[i] >= o->offset) continue;
        if (!silent_from) silent_from = t;
        if (t - silent_from < min_silence) continue;
        if (silent_from - start > min_speech) out[k++] = (seg){start, silent_from};
        speaking = 0;
        silent_from = 0;
    }
    if (speaking && len - start > min_speech) out[k++] = (seg){start, len};
    /* Padding: half the gap when two segments are closer than twice the padding. */
    for (size_t i = 0; i < k; i++) {
        if (i == 0) out[i].start = out[i].start > pad ? out[i].start - pad : 0;
        if (i + 1 < k) {
            long gap = out[i + 1].start - out[i].end;
            long add = gap < 2 * pad ? gap / 2 : pad;
            out[i].end += add;
            out[i + 1].start = out[i + 1].start > add ? out[i + 1].start - add : 0;
        } else {
            out[i].end = out[i].end + pad < len ? out[i].end + pad : len;
        }
    }
    return k;
}

/* ---- the model ---- */

static int has_input(const lstm_model *m, const char *name)
{
    lstm_value_info vi;
    for (int i = 0; i < lstm_model_input_count(m); i++)
        if (!lstm_model_input_info(m, i, &vi) && strcmp(vi.name, name) == 0) return 1;
    return 0;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int fail(const char *what, int rc, const char *msg)
{
    fprintf(stderr, "lstm-vad: %s: %s: %s\n", what, lstm_errstr(rc), msg);
    return 1;
}

static int parse_num(const char *s, double lo, double hi, double *out)
{
    char *end;
    *out = strtod(s, &end);
    return *s && !*end && *out >= lo && *out <= hi;
}

int main(int argc, char **argv)
{
    opts o = {0.5, 0.35, 250, 100, 30, 0, 1};
    const char *model_path = NULL, *wav_path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        double v;
        double *dst = !strcmp(a, "--onset")         ? &o.onset
                      : !strcmp(a, "--offset")      ? &o.offset
                      : !strcmp(a, "--min-speech")  ? &o.min_speech_ms
                      : !strcmp(a, "--min-silence") ? &o.min_silence_ms
                      : !strcmp(a, "--pad")         ? &o.pad_ms
                                                    : NULL;
        if (dst || !strcmp(a, "--threads")) {
            double hi = dst == &o.onset || dst == &o.offset ? 1 : 1e7;
            if (i + 1 >= argc || !parse_num(argv[++i], dst ? 0 : 1, dst ? hi : 64, &v)) {
                fprintf(stderr, "lstm-vad: %s needs a number %s\n", a,
                        !dst      ? "from 1 to 64"
                        : hi == 1 ? "in [0, 1]"
                                  : ">= 0");
                return 2;
            }
            if (dst)
                *dst = v;
            else
                o.threads = (int)v;
        } else if (!strcmp(a, "--probs")) {
            o.probs = 1;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--version")) {
            printf("lstm-vad %s\n", lstm_version());
            return 0;
        } else if (a[0] != '-' && !model_path) {
            model_path = a;
        } else if (a[0] != '-' && !wav_path) {
            wav_path = a;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (!model_path || !wav_path) {
        usage(stderr);
        return 2;
    }
    wav w;
    if (read_wav(wav_path, &w)) return 1;

    int status = 1;
    lstm_options opt;
    lstm_options_init(&opt);
    opt.num_threads = o.threads;
    lstm_model *m = NULL;
    lstm_session *s = NULL;
    float *frame = NULL, *prob = NULL, *state = NULL;
    seg *segs = NULL;
    int rc = lstm_model_open(model_path, &opt, &m);
    if (rc) {
        fail(model_path, rc, lstm_model_errmsg(m));
        goto done;
    }
    int v5 = has_input(m, "state"), v4 = has_input(m, "h") && has_input(m, "c");
    int has_sr = has_input(m, "sr");
    if ((!v5 && !v4) || !has_input(m, "input") || (v4 && !has_sr)) {
        fprintf(stderr,
                "lstm-vad: '%s' is not a Silero VAD model (inputs input, sr and state, or h "
                "and c; sr may be absent beside state)\n",
                model_path);
        goto done;
    }
    if (!has_sr && w.rate != 16000) {
        fprintf(
            stderr,
            "lstm-vad: '%s' has no sr input: it takes 16000 Hz only, and '%s' is sampled at %d Hz "
            "(sox IN -r 16000 OUT.wav)\n",
            model_path, wav_path, w.rate);
        goto done;
    }
    if ((rc = lstm_session_open(m, &s))) {
        fail("session", rc, lstm_session_errmsg(s));
        goto done;
    }
    const long win = w.rate == 16000 ? 512 : 256, ctx = v5 ? (w.rate == 16000 ? 64 : 32) : 0;
    const size_t frames = (w.n + (size_t)win - 1) / (size_t)win;
    const int64_t H = v5 ? 128 : 64, sdims[3] = {2, 1, H}, fdims[2] = {1, ctx + win};
    const int64_t sr = w.rate;
    frame = calloc((size_t)(ctx + win), sizeof *frame);
    prob = calloc(frames + 1, sizeof *prob);
    state = calloc((size_t)(4 * H), sizeof *state); /* zeros: one or two states */
    segs = calloc(frames + 1, sizeof *segs);
    if (!frame || !prob || !state || !segs) {
        fprintf(stderr, "lstm-vad: out of memory\n");
        goto done;
    }
    rc = has_sr ? lstm_session_set_input(s, "sr", LSTM_DT_INT64, 0, NULL, &sr, sizeof sr) : 0;
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
    if (rc) {
        fail("binding the state", rc, lstm_session_errmsg(s));
        goto done;
    }
    double t0 = now_s();
    for (size_t i = 0; i < frames; i++) {
        /* The context (the end of the previous frame), then this frame, zero-padded at the end. */
        if (ctx) memmove(frame, frame + win, (size_t)ctx * sizeof *frame);
        size_t at = i * (size_t)win, n = w.n - at < (size_t)win ? w.n - at : (size_t)win;
        memcpy(frame + ctx, w.samples + at, n * sizeof *frame);
        memset(frame + ctx + n, 0, (size_t)(win - (long)n) * sizeof *frame);
        rc = lstm_session_set_input(s, "input", LSTM_DT_FLOAT, 2, fdims, frame,
                                    (size_t)(ctx + win) * sizeof *frame);
        if (!rc) rc = lstm_session_run(s);
        if (!rc) rc = lstm_session_output_copy(s, "output", &prob[i], sizeof prob[i]);
        if (rc) {
            char what[64];
            snprintf(what, sizeof what, "frame %zu", i);
            fail(what, rc, lstm_session_errmsg(s));
            goto done;
        }
        if (o.probs) printf("# %.3f %.4f\n", (double)at / w.rate, prob[i]);
    }
    double took = now_s() - t0, audio = (double)w.n / w.rate;
    size_t k = segments(prob, frames, win, (long)w.n, w.rate, &o, segs);
    for (size_t i = 0; i < k; i++)
        printf("%.3f %.3f\n", (double)segs[i].start / w.rate, (double)segs[i].end / w.rate);
    printf("# %zu frames of %ld samples at %d Hz, %.2f s of audio, %zu segment%s, %.3f s to "
           "process (real-time factor %.4f, %.3f ms per frame)\n",
           frames, win, w.rate, audio, k, k == 1 ? "" : "s", took, audio > 0 ? took / audio : 0.0,
           frames ? took * 1e3 / (double)frames : 0.0);
    status = 0;
done:
    free(frame);
    free(prob);
    free(state);
    free(segs);
    free(w.samples);
    lstm_session_close(s);
    lstm_model_close(m);
    return status;
}
