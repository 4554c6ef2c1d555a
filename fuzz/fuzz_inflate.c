/*
** fuzz_inflate.c — libFuzzer harness for lstm-run's DEFLATE decoder (tools/inflate.c, used for
** np.savez_compressed members): the first two bytes give the size the archive would claim, the
** rest is the stream. Every outcome must be a message or a decoded buffer of that size.
*/
#include "inflate.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    size_t want = data[0] | (size_t)data[1] << 8;
    unsigned char *out = malloc(want + 1);
    if (!out) return 0;
    if (!inflate_raw(data + 2, size - 2, out, want)) (void)crc32_of(out, want);
    free(out);
    return 0;
}
