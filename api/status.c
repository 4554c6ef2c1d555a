/* status.c — static descriptions of status codes, and the version string. */
#include "lstm.h"

static const char *const descriptions[] = {
    [LSTM_OK] = "ok",
    [LSTM_ENOMEM] = "out of memory",
    [LSTM_EIO] = "cannot read file",
    [LSTM_EPROTO] = "malformed protobuf",
    [LSTM_ELIMIT] = "resource limit exceeded",
    [LSTM_EMODEL] = "invalid model",
    [LSTM_EUNSUPPORTED] = "unsupported",
    [LSTM_EEXTDATA] = "external data refused",
    [LSTM_EINVAL] = "invalid argument",
    [LSTM_EMISUSE] = "API misuse",
    [LSTM_EABORTED] = "aborted",
};

const char *lstm_errstr(int status)
{
    if (status < 0 || status >= (int)(sizeof descriptions / sizeof descriptions[0]))
        return "unknown status";
    return descriptions[status];
}

const char *lstm_version(void)
{
    return LSTM_VERSION_STRING;
}
