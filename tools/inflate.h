/* inflate.h — DEFLATE (RFC 1951) decoding and CRC-32, for the compressed members of .npz
** archives (np.savez_compressed) that lstm-run reads. */
#ifndef LSTM_INFLATE_H
#define LSTM_INFLATE_H

#include <stddef.h>
#include <stdint.h>

/* Decode the raw DEFLATE stream src[0..n) into exactly `want` bytes at dst. NULL on success,
** else why the stream is not such a stream. */
const char *inflate_raw(const unsigned char *src, size_t n, unsigned char *dst, size_t want);

/* The CRC-32 of ZIP and gzip (polynomial 0xEDB88320, reflected). */
uint32_t crc32_of(const unsigned char *p, size_t n);

#endif
