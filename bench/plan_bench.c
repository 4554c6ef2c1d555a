/*
** plan_bench — time the arena planner alone (runtime/arena.c; CPU time of the planning
** thread), and compare its arena with the lower bound (the most bytes alive at one step).
**   plan_bench [N...]        synthetic plans of N blocks (default 65536 1000000): a chain
**                            (each node's output read by the next, plus a scratch block) and
**                            random lifetimes; each planned by the default planner and by the
**                            sweep alone, the fastest of 3-5 runs
**   plan_bench --file F...   plans from files: "plan N" then N lines "size first last"
*/
#define _POSIX_C_SOURCE 200809L
#include "arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define A64(x) (((x) + 63) & ~(size_t)63)

static unsigned long long rng = 88172645463325252ull;

static unsigned rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng >> 16);
}

/* This thread's CPU time: steadier than wall time on a busy machine. */
static double cpu_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp_int(const void *x, const void *y)
{
    int a = *(const int *)x, b = *(const int *)y;
    return (a > b) - (a < b);
}

/* The most aligned bytes alive at one step (no plan can be smaller) and the number of pairs
** of nonzero blocks alive at a common step. */
static size_t lower_bound(const lstm__block *b, int n, size_t *pairs)
{
    int tmax = 0, m = 0;
    for (int i = 0; i < n; i++)
        if (b[i].last > tmax) tmax = b[i].last;
    long long *d = calloc((size_t)tmax + 2, sizeof *d);
    int *f = malloc(sizeof(int) * ((size_t)n + 1)), *l = malloc(sizeof(int) * ((size_t)n + 1));
    if (!d || !f || !l) return 0;
    for (int i = 0; i < n; i++) {
        d[b[i].first] += (long long)A64(b[i].size);
        d[b[i].last + 1] -= (long long)A64(b[i].size);
        if (b[i].size) f[m] = b[i].first, l[m++] = b[i].last;
    }
    long long live = 0, best = 0;
    for (int t = 0; t <= tmax; t++)
        if ((live += d[t]) > best) best = live;
    /* Pairs: for each block, the blocks starting by its last step less those dead before its
    ** first step, less itself; each pair counted twice. */
    qsort(f, (size_t)m, sizeof *f, cmp_int);
    qsort(l, (size_t)m, sizeof *l, cmp_int);
    long long twice = 0;
    for (int i = 0, a = 0; i < m; i++) {
        /* walk blocks in order of last step: starts <= l[i] */
        while (a < m && f[a] <= l[i]) a++;
        twice += a;
    }
    for (int i = 0, c = 0; i < m; i++) {
        /* walk blocks in order of first step: lasts < f[i] */
        while (c < m && l[c] < f[i]) c++;
        twice -= c;
    }
    *pairs = (size_t)((twice - m) / 2);
    free(d);
    free(f);
    free(l);
    return (size_t)best;
}

/* Plan b (n blocks) with the default planner and with the sweep alone, best of `reps` runs
** each; prints times, arenas, the lower bound and the pairs per block. */
static int run(const char *name, lstm__block *b, int n, int reps)
{
    void *scratch = malloc(LSTM__ARENA_SCRATCH(n));
    if (!scratch) return 1;
    double best[2] = {1e30, 1e30};
    size_t total[2] = {0, 0};
    for (int r = 0; r < reps; r++)
        for (int way = 0; way < 2; way++) {
            size_t budget = way ? 0 : LSTM__ARENA_PAIRS(n);
            double t0 = cpu_ms();
            int rc = lstm__arena_plan_pairs(b, n, scratch, budget, NULL, NULL, &total[way]);
            double ms = cpu_ms() - t0;
            if (rc) {
                fprintf(stderr, "plan_bench: %s: error %d\n", name, rc);
                free(scratch);
                return 1;
            }
            if (ms < best[way]) best[way] = ms;
        }
    size_t pairs = 0, lb = lower_bound(b, n, &pairs);
    printf("%-30s %8d %7.2f %-6s %11.3f %11zu %12.3f %11zu %11zu\n", name, n,
           n ? (double)pairs / n : 0.0, pairs <= LSTM__ARENA_PAIRS(n) ? "greedy" : "sweep", best[0],
           total[0], best[1], total[1], lb);
    free(scratch);
    return 0;
}

static void header(void)
{
    printf("%-30s %8s %7s %-6s %11s %11s %12s %11s %11s\n", "plan", "blocks", "pairs/n", "uses",
           "plan_cpu_ms", "arena", "sweep_cpu_ms", "sweep_arena", "lower_bound");
}

/* Synthetic plans of n blocks (n even, >= 2). */
static int synthetic(int n)
{
    int nodes = n / 2;
    lstm__block *b = malloc(sizeof *b * (size_t)n);
    if (!b || nodes < 1) return 1;
    char name[64];
    /* A chain: node i writes a value read by node i + 1 and uses a scratch block (zero-size
    ** for three nodes in four). */
    for (int i = 0; i < nodes; i++) {
        b[2 * i] = (lstm__block){64 * (size_t)(1 + rnd() % 16), i, i + 1 < nodes ? i + 1 : i, 0};
        b[2 * i + 1] = (lstm__block){rnd() % 4 ? 0 : 64 * (size_t)(rnd() % 8), i, i, 0};
    }
    snprintf(name, sizeof name, "chain of %d nodes", nodes);
    int rc = run(name, b, 2 * nodes, 5);
    /* Random lifetimes up to 64 steps long (about 128 blocks alive at once), then up to 4096
    ** (about 8000); two blocks start per step; sizes up to 64 KiB. */
    for (int life = 64; life <= 4096; life *= 64) {
        for (int i = 0; i < 2 * nodes; i++) {
            int f = (int)(rnd() % (unsigned)nodes);
            b[i] = (lstm__block){rnd() % 65536, f, f + (int)(rnd() % (unsigned)life), 0};
        }
        snprintf(name, sizeof name, "random, life < %d", life);
        rc |= run(name, b, 2 * nodes, 3);
    }
    free(b);
    return rc;
}

static int from_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "plan_bench: cannot open %s\n", path);
        return 1;
    }
    int n, k = 0, rc = 0;
    while (!rc && fscanf(f, " plan %d", &n) == 1 && n >= 0) {
        lstm__block *b = malloc(sizeof *b * ((size_t)n + 1));
        if (!b) break;
        for (int i = 0; i < n; i++)
            if (fscanf(f, "%zu %d %d", &b[i].size, &b[i].first, &b[i].last) != 3) rc = 1;
        char name[64];
        const char *base = strrchr(path, '/');
        snprintf(name, sizeof name, "%.28s#%d", base ? base + 1 : path, k++);
        if (!rc) rc = run(name, b, n, 1);
        free(b);
    }
    fclose(f);
    return rc;
}

int main(int argc, char **argv)
{
    int rc = 0;
    header();
    if (argc > 1 && strcmp(argv[1], "--file") == 0) {
        for (int i = 2; i < argc; i++) rc |= from_file(argv[i]);
        return rc;
    }
    if (argc == 1) return synthetic(65536) | synthetic(1000000);
    for (int i = 1; i < argc; i++) rc |= synthetic(atoi(argv[i]));
    return rc;
}
