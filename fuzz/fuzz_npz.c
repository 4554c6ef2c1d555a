/*
** fuzz_npz.c — libFuzzer harness for lstm-run's NumPy readers (tools/tensor_io.c) and its DEFLATE
** decoder (tools/inflate.c, for np.savez_compressed members). The first byte picks what the rest
** is: 0 a raw DEFLATE stream after two bytes giving the size the archive would claim; 1 an .npz
** (its member list, its first member and member 'x'); 2 an .npy. Every outcome must be a tensor
** or a message.
*/
#include "inflate.h"
#include "tensor_io.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    const int mode = data[0] % 3;
    data++, size--;
    char err[600];
    lstm_tensor t;
    if (mode == 0 && size >= 2) {
        size_t want = data[0] | (size_t)data[1] << 8;
        unsigned char *out = malloc(want + 1);
        if (out && !inflate_raw(data + 2, size - 2, out, want)) (void)crc32_of(out, want);
        free(out);
    } else if (mode == 1) {
        char **names;
        int n;
        if (!tio_npz_keys_buffer(data, size, "f.npz", &names, &n, err, sizeof err)) {
            for (int i = 0; i < n; i++) free(names[i]);
            free(names);
        }
        if (!tio_read_buffer(data, size, "f.npz", NULL, &t, err, sizeof err)) lstm_tensor_clear(&t);
        if (!tio_read_buffer(data, size, "f.npz", "x", &t, err, sizeof err)) lstm_tensor_clear(&t);
    } else if (mode == 2) {
        if (!tio_read_buffer(data, size, "f.npy", NULL, &t, err, sizeof err)) lstm_tensor_clear(&t);
    }
    return 0;
}
