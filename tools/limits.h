/* limits.h — the --limit NAME=VALUE and --no-external-data flags both tools take. */
#ifndef LSTM_TOOLS_LIMITS_H
#define LSTM_TOOLS_LIMITS_H

#include "lstm.h"

/* Parse "NAME=VALUE" into the matching lstm_limits field; 0 on success, else prints why. */
int parse_limit(const char *arg, lstm_limits *l);
extern const char *const limits_help;

#endif
