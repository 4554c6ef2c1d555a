/*
** replay.c — runs a fuzz harness over files without libFuzzer: the regression tests replay
** every finding (tests/data/fuzz/) in the normal and the sanitizer builds.
** usage: replay FILE_OR_DIR...
** Exit 1 when a file or folder cannot be read, or when there was nothing to replay (a folder
** with no files, dot files aside, would otherwise pass without testing anything).
*/
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int replay(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        printf("FAIL cannot open %s\n", path);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
    size_t got = buf ? fread(buf, 1, (size_t)n, f) : 0;
    fclose(f);
    if (!buf || got != (size_t)n) {
        free(buf);
        printf("FAIL cannot read %s\n", path);
        return 1;
    }
    LLVMFuzzerTestOneInput(buf, got);
    free(buf);
    printf("replayed %s (%ld bytes)\n", path, n);
    return 0;
}

int main(int argc, char **argv)
{
    if (LLVMFuzzerInitialize && LLVMFuzzerInitialize(&argc, &argv)) return 1;
    int count = 0, bad = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            DIR *d = opendir(argv[i]);
            if (!d) {
                printf("FAIL cannot open folder %s\n", argv[i]);
                bad++;
                continue;
            }
            struct dirent *e;
            while ((e = readdir(d))) {
                if (e->d_name[0] == '.') continue;
                char p[4096];
                snprintf(p, sizeof p, "%s/%s", argv[i], e->d_name);
                bad += replay(p);
                count++;
            }
            closedir(d);
        } else {
            bad += replay(argv[i]);
            count++;
        }
    }
    if (count == 0) {
        printf("FAIL nothing to replay: no files in");
        for (int i = 1; i < argc; i++) printf(" %s", argv[i]);
        printf("\n0 passed, 1 failed\n");
        return 1;
    }
    printf("%d passed, %d failed\n", count - bad, bad);
    return bad ? 1 : 0;
}
