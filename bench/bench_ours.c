/*
** bench_ours.c — times one model in-process through the public API: a warm-up run, then N
** timed runs; prints "median_ms=… min_ms=… peak_rss_kb=… threads=…" on one line.
** usage: bench_ours MODEL.onnx INPUT_NAME D0,D1,... [RUNS] [THREADS]   (float32 input, rank 1-8)
*/
#define _POSIX_C_SOURCE 200809L
#include "lstm.h"
#include "measure.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: bench_ours MODEL INPUT D0,D1,... [RUNS] [THREADS]\n");
        return 2;
    }
    int64_t dims[8];
    int rank = 0;
    size_t n = 1;
    for (char *p = argv[3], *end; rank < 8; p = end + 1) {
        long long v = strtoll(p, &end, 10);
        if (end == p || v < 1) return 2;
        dims[rank++] = v;
        n *= (size_t)v;
        if (*end != ',') break;
    }
    int runs = argc > 4 ? atoi(argv[4]) : 50, threads = argc > 5 ? atoi(argv[5]) : 1;
    lstm_options opt = {.size = sizeof(lstm_options), .num_threads = threads};
    lstm_model *m = NULL;
    lstm_session *s = NULL;
    int rc = lstm_model_open(argv[1], &opt, &m);
    if (!rc) rc = lstm_session_open(m, &s);
    float *x = malloc(n * sizeof(float));
    for (size_t i = 0; x && i < n; i++) x[i] = (float)((i * 2654435761u) % 1000) / 500.0f - 1.0f;
    if (!rc)
        rc = lstm_session_set_input(s, argv[2], LSTM_DT_FLOAT, rank, dims, x, n * sizeof(float));
    if (!rc) rc = lstm_session_run(s); /* warm-up: plans memory */
    double *t = malloc(sizeof(double) * (size_t)runs);
    for (int i = 0; !rc && i < runs; i++) {
        double a = measure_now_ms();
        rc = lstm_session_run(s);
        t[i] = measure_now_ms() - a;
    }
    if (rc) {
        fprintf(stderr, "bench_ours: %s: %s\n", lstm_errstr(rc),
                s ? lstm_session_errmsg(s) : lstm_model_errmsg(m));
        return 1;
    }
    measure_sort(t, (size_t)runs);
    printf("median_ms=%.4f min_ms=%.4f peak_rss_kb=%ld threads=%d\n", t[(runs - 1) / 2], t[0],
           measure_peak_rss_kb(), threads);
    free(t);
    free(x);
    lstm_session_close(s);
    lstm_model_close(m);
    return 0;
}
