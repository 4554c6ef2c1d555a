/*
** measure.h — timing helpers shared by lstm-run --bench and bench/bench_ours.
*/
#ifndef LSTM_TOOLS_MEASURE_H
#define LSTM_TOOLS_MEASURE_H

#include <stddef.h>

/* Monotonic clock in milliseconds. */
double measure_now_ms(void);
/* Peak resident memory of this process in KiB (VmHWM; ru_maxrss if /proc is missing). */
long measure_peak_rss_kb(void);
/* Sorts n latencies ascending. */
void measure_sort(double *v, size_t n);

#endif
