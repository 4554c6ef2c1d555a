/* options.c — lstm__options_check: lstm_options can grow without breaking programs built
** against an older lstm.h, because each tells its struct's size (SQLite's sqlite3_vfs and
** Linux's copy_struct_from_user work the same way). Called once, by model_open.c. */
#include "options.h"

#include <stddef.h>
#include <string.h>

#define END_OF(field) (offsetof(lstm_options, field) + sizeof(((lstm_options *)0)->field))
/* The struct's size when `field` was its last: END_OF rounded up to the struct's alignment. */
#define SIZE_TO(field)                                                                             \
    ((END_OF(field) + _Alignof(lstm_options) - 1) / _Alignof(lstm_options) * _Alignof(lstm_options))

/* sizeof(lstm_options) in every lstm.h that had `size`, oldest first. A new field goes at the
** end of the struct, and its size here (the assertion below asks for it). */
static const size_t known[] = {
    SIZE_TO(abort_ud),     /* 0.2.0 */
    SIZE_TO(keep_weights), /* 0.3.0 */
};
#define NKNOWN (sizeof known / sizeof known[0])
_Static_assert(sizeof(lstm_options) == SIZE_TO(keep_weights),
               "lstm_options changed: append its new size to known[] in options.c");

int lstm__options_check(const lstm_options *in, lstm_options *out, lstm__diag *d)
{
    memset(out, 0, sizeof *out);
    out->size = sizeof *out;
    if (!in) return LSTM_OK;
    const size_t mine = sizeof *out;
    if (in->size == 0)
        return lstm__errf(d, LSTM_EINVAL,
                          "lstm_options.size is 0: set it to sizeof(lstm_options) (with "
                          "lstm_options_init, or pass NULL for the defaults)");
    if (in->size > mine)
        return lstm__errf(d, LSTM_EINVAL,
                          "lstm_options.size is %zu bytes, larger than this library's %zu "
                          "(liblstm %s): the program was built against a newer lstm.h",
                          in->size, mine, lstm_version());
    for (size_t i = 0; i < NKNOWN; i++) {
        if (in->size == known[i]) {
            memcpy(out, in, known[i]);
            out->size = sizeof *out;
            return LSTM_OK;
        }
    }
    return lstm__errf(d, LSTM_EINVAL,
                      "lstm_options.size is %zu bytes, the size of no lstm_options this library "
                      "knows (%zu in liblstm %s): set it to sizeof(lstm_options)",
                      in->size, mine, lstm_version());
}
