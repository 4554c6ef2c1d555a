/* heatmap.h — a PNG heatmap of a [rows x cols] matrix with a colour bar and its scale. */
#ifndef LSTM_HEATMAP_H
#define LSTM_HEATMAP_H

#include <stddef.h>

/* values[r * cols + c]; columns are time steps, rows hidden units. diverging: a blue-white-red
** scale symmetric around 0 (else dark-to-yellow from min to max). separators: draw a line
** after every `group` rows (0: none). Returns 0, or non-zero when the file cannot be written. */
int heatmap_png(const char *path, const float *values, int rows, int cols, int diverging,
                int group);

#endif
