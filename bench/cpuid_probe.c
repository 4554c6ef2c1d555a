/* Checks bench/cpuid_avx2.c: run with the shim preloaded, CPUID must report AVX2 and FMA and no
 * AVX-512 (exit 0, else 1). Exit 77 (skip) when the CPU has no AVX-512 to hide, as
 * /proc/cpuinfo (which the shim cannot change) says; the shim itself exits 77 when it has no
 * way to trap CPUID (no CPUID faulting and no patched copy, bench/cpuid_patch.py). */
#include <cpuid.h>
#include <stdio.h>
#include <string.h>

static int cpuinfo_has(const char *flag)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[8192];
    int found = 0;
    size_t n = strlen(flag);
    while (f && !found && fgets(line, sizeof line, f))
        if (strncmp(line, "flags", 5) == 0)
            for (const char *p = strstr(line, flag); p && !found; p = strstr(p + 1, flag))
                found = p[-1] == ' ' && (p[n] == ' ' || p[n] == '\n');
    if (f) fclose(f);
    return found;
}

int main(void)
{
    if (!cpuinfo_has("avx512f")) {
        printf("SKIP: the CPU has no AVX-512\n");
        return 77;
    }
    unsigned a, b, c, d, fma;
    __cpuid(1, a, b, fma, d);
    __cpuid_count(7, 0, a, b, c, d);
    int avx512f = b >> 16 & 1, avx2 = b >> 5 & 1;
    fma = fma >> 12 & 1;
    printf("CPUID: avx512f %d, avx2 %d, fma %u\n", avx512f, avx2, fma);
    return avx512f == 0 && avx2 && fma ? 0 : 1;
}
