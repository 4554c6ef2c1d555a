/*
** bench_pair.c — one model at 1 and at N threads in one process: two sessions (one per thread
** count) run in turns, order alternating, so a burst of other load on the machine falls on both
** sides of a pair. Prints "median_1_ms=… median_n_ms=… ratio_median=… ratio_p90=… threads=N"
** (ratio = N-thread time / 1-thread time of the same pair).
** usage: bench_pair MODEL.onnx INPUT_NAME T,B,I [PAIRS] [THREADS]
*/
#define _POSIX_C_SOURCE 200809L
#include "lstm.h"
#include "measure.h"

#include <stdio.h>
#include <stdlib.h>

static int open_session(const char *path, int threads, lstm_model **m, lstm_session **s)
{
    lstm_options opt = {.size = sizeof(lstm_options), .num_threads = threads};
    int rc = lstm_model_open(path, &opt, m);
    if (!rc) rc = lstm_session_open(*m, s);
    if (rc) fprintf(stderr, "bench_pair: %s: %s\n", lstm_errstr(rc), lstm_model_errmsg(*m));
    return rc;
}

static double timed_run(lstm_session *s, int *rc)
{
    double a = measure_now_ms();
    if (!*rc) *rc = lstm_session_run(s);
    return measure_now_ms() - a;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: bench_pair MODEL INPUT T,B,I [PAIRS] [THREADS]\n");
        return 2;
    }
    int64_t dims[3];
    if (sscanf(argv[3], "%lld,%lld,%lld", (long long *)&dims[0], (long long *)&dims[1],
               (long long *)&dims[2]) != 3)
        return 2;
    int pairs = argc > 4 ? atoi(argv[4]) : 50, threads = argc > 5 ? atoi(argv[5]) : 2;
    if (pairs < 1) pairs = 1;
    size_t n = (size_t)(dims[0] * dims[1] * dims[2]);
    float *x = malloc(n * sizeof(float));
    double *t1 = malloc(sizeof(double) * (size_t)pairs),
           *tn = malloc(sizeof(double) * (size_t)pairs),
           *r = malloc(sizeof(double) * (size_t)pairs);
    if (!x || !t1 || !tn || !r) return 1;
    for (size_t i = 0; i < n; i++) x[i] = (float)((i * 2654435761u) % 1000) / 500.0f - 1.0f;
    lstm_model *m1 = NULL, *mn = NULL;
    lstm_session *s1 = NULL, *sn = NULL;
    int rc = open_session(argv[1], 1, &m1, &s1);
    if (!rc) rc = open_session(argv[1], threads, &mn, &sn);
    if (!rc) rc = lstm_session_set_input(s1, argv[2], LSTM_DT_FLOAT, 3, dims, x, n * sizeof(float));
    if (!rc) rc = lstm_session_set_input(sn, argv[2], LSTM_DT_FLOAT, 3, dims, x, n * sizeof(float));
    timed_run(s1, &rc); /* warm-up: plans memory */
    timed_run(sn, &rc);
    for (int i = 0; !rc && i < pairs; i++) {
        if (i % 2) {
            t1[i] = timed_run(s1, &rc);
            tn[i] = timed_run(sn, &rc);
        } else {
            tn[i] = timed_run(sn, &rc);
            t1[i] = timed_run(s1, &rc);
        }
        r[i] = tn[i] / t1[i];
    }
    if (rc) {
        fprintf(stderr, "bench_pair: %s: %s\n", lstm_errstr(rc),
                sn ? lstm_session_errmsg(sn) : "session");
        return 1;
    }
    measure_sort(t1, (size_t)pairs);
    measure_sort(tn, (size_t)pairs);
    measure_sort(r, (size_t)pairs);
    printf("median_1_ms=%.4f median_n_ms=%.4f ratio_median=%.4f ratio_p90=%.4f threads=%d\n",
           t1[(pairs - 1) / 2], tn[(pairs - 1) / 2], r[(pairs - 1) / 2], r[(pairs - 1) * 9 / 10],
           threads);
    lstm_session_close(s1);
    lstm_session_close(sn);
    lstm_model_close(m1);
    lstm_model_close(mn);
    free(x);
    free(t1);
    free(tn);
    free(r);
    return 0;
}
