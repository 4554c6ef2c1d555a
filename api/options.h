/* options.h — the caller's lstm_options checked against the sizes this library knows. */
#ifndef LSTM_OPTIONS_H
#define LSTM_OPTIONS_H

#include "core.h"

/* Copy the caller's options (NULL: defaults) into *out, a full struct whose fields the
** caller's lstm.h lacks are zero (their defaults). LSTM_EINVAL with the reason in d, and *out
** all defaults, when in->size is not the size of an lstm_options this library knows. */
int lstm__options_check(const lstm_options *in, lstm_options *out, lstm__diag *d);

#endif
