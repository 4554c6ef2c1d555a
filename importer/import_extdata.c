/*
** import_extdata.c — read a tensor's external data, confined to the model's folder: a relative
** location of plain components (no absolute path, no "..", no backslash), opened without
** following symlinks (openat2 RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS, or component by component
** with O_NOFOLLOW), a regular file with one link, offset and length checked without overflow.
*/
#define _GNU_SOURCE
#include "importer.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s) return -1;
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return -1;
        if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10) return -1;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    if (v > INT64_MAX) return -1;
    *out = v;
    return 0;
}

static int location_ok(const char *loc)
{
    if (!loc[0] || loc[0] == '/' || strchr(loc, '\\') || strchr(loc, ':')) return 0;
    const char *p = loc;
    while (*p) {
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.')) return 0;
        p += n;
        if (*p == '/') p++;
    }
    return 1;
}

/* Open rel beneath dirfd without following any symlink. */
static int open_beneath(int dirfd, const char *rel)
{
#ifdef SYS_openat2
    struct open_how how = {.flags = O_RDONLY | O_CLOEXEC,
                           .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS};
    long fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof how);
    if (fd >= 0 || (errno != ENOSYS && errno != EPERM)) return (int)fd;
#endif
    /* Fallback: walk the components with O_NOFOLLOW. */
    char buf[4096];
    size_t n = strlen(rel);
    if (n >= sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(buf, rel, n + 1);
    int cur = dup(dirfd);
    char *p = buf;
    while (cur >= 0) {
        char *slash = strchr(p, '/');
        if (slash) *slash = '\0';
        int flags = O_CLOEXEC | O_NOFOLLOW | (slash ? O_DIRECTORY | O_PATH : O_RDONLY);
        int next = openat(cur, p, flags);
        close(cur);
        cur = next;
        if (!slash) break;
        p = slash + 1;
    }
    return cur;
}

int lstm__imp_extdata(lstm__imp *im, const Onnx__TensorProto *tp, void *dst, size_t nbytes,
                      const char *what, const char **location, int64_t *offset)
{
    const char *loc = NULL;
    uint64_t off = 0, len = 0;
    int have_len = 0;
    for (size_t i = 0; i < tp->n_external_data; i++) {
        const Onnx__StringStringEntryProto *kv = tp->external_data[i];
        const char *k = kv && kv->key ? kv->key : "", *v = kv && kv->value ? kv->value : "";
        if (strcmp(k, "location") == 0) {
            loc = v;
        } else if (strcmp(k, "offset") == 0) {
            if (parse_u64(v, &off))
                return lstm__errf(im->d, LSTM_EEXTDATA,
                                  "%s: external data offset '%s' is not a "
                                  "non-negative integer",
                                  what, v);
        } else if (strcmp(k, "length") == 0) {
            if (parse_u64(v, &len))
                return lstm__errf(im->d, LSTM_EEXTDATA,
                                  "%s: external data length '%s' is not a "
                                  "non-negative integer",
                                  what, v);
            have_len = 1;
        } else if (strcmp(k, "checksum") != 0) {
            return lstm__errf(im->d, LSTM_EEXTDATA, "%s: unknown external data key '%s'", what, k);
        }
    }
    if (im->no_external)
        return lstm__errf(im->d, LSTM_EEXTDATA, "%s: external data is disabled (no_external_data)",
                          what);
    if (!loc) return lstm__errf(im->d, LSTM_EEXTDATA, "%s: external data has no location", what);
    if (!(*location = lstm__imp_name(im, loc, "an external data location"))) return im->d->code;
    *offset = (int64_t)off;
    if (!location_ok(loc))
        return lstm__errf(im->d, LSTM_EEXTDATA,
                          "%s: external data location '%s' must be a relative path inside the "
                          "model's folder (no '..', no absolute path)",
                          what, loc);
    if (have_len && len != nbytes)
        return lstm__errf(im->d, LSTM_EEXTDATA,
                          "%s: external data length %llu does not match the %zu bytes the shape "
                          "needs",
                          what, (unsigned long long)len, nbytes);
    if (!im->base_dir)
        return lstm__errf(im->d, LSTM_EEXTDATA,
                          "%s: external data '%s' needs a base folder (model opened from memory)",
                          what, loc);
    int dirfd = open(im->base_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return lstm__errf(im->d, LSTM_EEXTDATA, "%s: cannot open the model folder '%s'", what,
                          im->base_dir);
    int fd = open_beneath(dirfd, loc);
    int err = errno;
    close(dirfd);
    if (fd < 0)
        return lstm__errf(im->d, LSTM_EEXTDATA,
                          "%s: cannot open external data '%s' inside the "
                          "model's folder without following links: %s",
                          what, loc, strerror(err));
    struct stat st;
    int rc = LSTM_OK;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1) {
        rc = lstm__errf(im->d, LSTM_EEXTDATA,
                        "%s: external data '%s' is not a regular file with a single link", what,
                        loc);
    } else if ((uint64_t)nbytes > (uint64_t)st.st_size ||
               off > (uint64_t)st.st_size - (uint64_t)nbytes) {
        rc = lstm__errf(im->d, LSTM_EEXTDATA,
                        "%s: external data '%s' has %lld bytes, offset %llu + length %zu is past "
                        "its end",
                        what, loc, (long long)st.st_size, (unsigned long long)off, nbytes);
    } else {
        size_t got = 0;
        while (got < nbytes) {
            ssize_t r = pread(fd, (char *)dst + got, nbytes - got, (off_t)(off + got));
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) break;
            got += (size_t)r;
        }
        if (got != nbytes)
            rc = lstm__errf(im->d, LSTM_EEXTDATA, "%s: cannot read external data '%s'", what, loc);
    }
    close(fd);
    return rc;
}
