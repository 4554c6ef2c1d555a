/* test_arena.c — the lifetime-based offset planner, checked by brute force. */
#include "test_util.h"
#include "arena.h"

#include <stdlib.h>

#define A64(x) (((x) + 63) & ~(size_t)63)

/* The planners: the default (greedy by size within its budget, else the sweep), the sweep
** alone, and greedy with a small budget (so it gives up part way and sweeps). */
enum { DEFAULT, SWEEP, SMALL_BUDGET, N_WAYS };

static int plan_way(lstm__block *b, int n, int way, size_t *total)
{
    void *scratch = malloc(LSTM__ARENA_SCRATCH(n > 0 ? n : 0));
    assert_non_null(scratch);
    int rc = way == DEFAULT
                 ? lstm__arena_plan(b, n, scratch, NULL, NULL, total)
                 : lstm__arena_plan_pairs(b, n, scratch, way == SWEEP ? 0 : 3, NULL, NULL, total);
    free(scratch);
    return rc;
}

static int plan(lstm__block *b, int n, size_t *total)
{
    return plan_way(b, n, DEFAULT, total);
}

/* Every block 64-byte aligned and inside the arena; no two blocks alive at a common step
** share a byte (all pairs); the arena is at least the bytes alive at the busiest step, which
** is returned. */
static size_t check(const lstm__block *b, int n, size_t total)
{
    int tmax = 0;
    for (int i = 0; i < n; i++) {
        assert_int_equal(b[i].offset % 64, 0);
        if (b[i].size) assert_true(b[i].offset + b[i].size <= total);
        if (b[i].last > tmax) tmax = b[i].last;
        for (int j = 0; j < i; j++) {
            int time = !(b[i].last < b[j].first || b[j].last < b[i].first);
            int space =
                b[i].offset < b[j].offset + b[j].size && b[j].offset < b[i].offset + b[i].size;
            if (time && space && b[i].size && b[j].size)
                fail_msg("blocks %d [%zu, +%zu) steps %d..%d and %d [%zu, +%zu) steps %d..%d", i,
                         b[i].offset, b[i].size, b[i].first, b[i].last, j, b[j].offset, b[j].size,
                         b[j].first, b[j].last);
        }
    }
    size_t most = 0;
    for (int t = 0; t <= tmax; t++) {
        size_t live = 0;
        for (int i = 0; i < n; i++)
            if (b[i].first <= t && t <= b[i].last) live += A64(b[i].size);
        most = live > most ? live : most;
    }
    assert_true(most <= total);
    return most;
}

static void chain_reuses_memory(void **state)
{
    (void)state;
    /* a -> b -> c -> d, each 1000 bytes, each read only by the next: two slots suffice. */
    for (int way = 0; way < N_WAYS; way++) {
        lstm__block b[4] = {{1000, 0, 1, 0}, {1000, 1, 2, 0}, {1000, 2, 3, 0}, {1000, 3, 3, 0}};
        size_t total;
        assert_int_equal(plan_way(b, 4, way, &total), LSTM_OK);
        assert_int_equal(total, 2 * 1024);
        check(b, 4, total);
    }
}

/* Greedy by size places the 128-byte block first, at 0; placed in index order it would land
** above the long-lived block at 64 and make the arena 256 bytes. */
static void largest_first(void **state)
{
    (void)state;
    lstm__block b[3] = {{64, 0, 0, 0}, {64, 0, 1, 0}, {128, 1, 1, 0}};
    size_t total;
    assert_int_equal(plan(b, 3, &total), LSTM_OK);
    assert_int_equal(b[2].offset, 0);
    assert_int_equal(total, 192);
    assert_int_equal(total, check(b, 3, total));
}

/* The plan of tests/data/pytorch/lstm_h0c0_2layer (sizes, first and last node): greedy by
** size reaches the bytes alive at the busiest step; the sweep alone does not. */
static void greedy_packs_a_real_plan_to_the_bound(void **state)
{
    (void)state;
    static const lstm__block real[24] = {
        {84, 3, 8, 0},    {0, 3, 3, 0},    {84, 7, 8, 0},     {0, 7, 7, 0},     {504, 8, 10, 0},
        {84, 8, 22, 0},   {84, 8, 23, 0},  {3840, 8, 8, 0},   {504, 10, 19, 0}, {0, 10, 10, 0},
        {84, 14, 19, 0},  {0, 14, 14, 0},  {84, 18, 19, 0},   {0, 18, 18, 0},   {504, 19, 21, 0},
        {84, 19, 22, 0},  {84, 19, 23, 0}, {3968, 19, 19, 0}, {504, 21, 24, 0}, {0, 21, 21, 0},
        {168, 22, 24, 0}, {0, 22, 22, 0},  {168, 23, 24, 0},  {0, 23, 23, 0}};
    lstm__block b[24];
    size_t total;
    memcpy(b, real, sizeof b);
    assert_int_equal(plan(b, 24, &total), LSTM_OK);
    assert_int_equal(total, check(b, 24, total));
    memcpy(b, real, sizeof b);
    assert_int_equal(plan_way(b, 24, SWEEP, &total), LSTM_OK);
    assert_true(total > check(b, 24, total));
}

/* Random lifetimes and sizes (some zero, some large), up to 3000 blocks, by every planner:
** hundreds of free intervals at once in the long rounds; the default
** sweeps when more pairs are alive together than its budget. */
static void random_plans_never_overlap(void **state)
{
    (void)state;
    srand(7);
    for (int round = 0; round < 300; round++) {
        int n = round < 290 ? 1 + rand() % 200 : 3000;
        int steps = 1 + rand() % (round % 3 ? 40 : 400);
        int span = 1 + rand() % (round % 5 ? 30 : 300);
        lstm__block *b = malloc(sizeof *b * (size_t)n);
        assert_non_null(b);
        size_t sum = 0;
        for (int i = 0; i < n; i++) {
            int f = rand() % steps;
            size_t size = rand() % 8 == 0   ? 0
                          : rand() % 4 == 0 ? (size_t)(rand() % 1000000)
                                            : (size_t)(rand() % 5000);
            b[i] = (lstm__block){size, f, f + rand() % span, 12345};
            sum += A64(b[i].size);
        }
        for (int way = 0; way < N_WAYS; way++) {
            size_t total;
            assert_int_equal(plan_way(b, n, way, &total), LSTM_OK);
            assert_true(total <= sum);
            check(b, n, total);
        }
        free(b);
    }
}

/* The sweep: two 1 KiB blocks freed side by side merge into one 2 KiB interval that the next block
** takes, so the arena does not grow. */
static void freed_neighbours_merge(void **state)
{
    (void)state;
    lstm__block b[3] = {{1024, 0, 0, 0}, {1024, 0, 0, 0}, {2048, 1, 1, 0}};
    size_t total;
    assert_int_equal(plan_way(b, 3, SWEEP, &total), LSTM_OK);
    assert_int_equal(total, 2048);
    assert_int_equal(b[2].offset, 0);
    check(b, 3, total);
}

/* The sweep: a 2 KiB block skips the 1 KiB hole at 0 for the 4 KiB hole above it; a
** 512-byte block then takes the lowest hole. */
static void first_fit(void **state)
{
    (void)state;
    lstm__block b[6] = {
        {1024, 0, 1, 0}, /* at 0, freed after step 1 */
        {64, 0, 3, 0},   /* at 1024, keeps the holes apart */
        {4096, 1, 1, 0}, /* at 1088, freed after step 1 */
        {64, 1, 3, 0},   /* at 5184 */
        {2048, 2, 3, 0}, /* holes: 1 KiB at 0, 4 KiB at 1088 */
        {512, 2, 3, 0},
    };
    size_t total;
    assert_int_equal(plan_way(b, 6, SWEEP, &total), LSTM_OK);
    assert_int_equal(b[2].offset, 1088);
    assert_int_equal(b[4].offset, 1088);
    assert_int_equal(b[5].offset, 0);
    assert_int_equal(total, 5248);
    check(b, 6, total);
}

/* The sweep: a block that fits no hole grows the hole at the top of the arena. */
static void top_hole_grows(void **state)
{
    (void)state;
    lstm__block b[3] = {{64, 0, 2, 0}, {1024, 1, 1, 0}, {4096, 2, 2, 0}};
    size_t total;
    assert_int_equal(plan_way(b, 3, SWEEP, &total), LSTM_OK);
    assert_int_equal(b[1].offset, 64);
    assert_int_equal(b[2].offset, 64);
    assert_int_equal(total, 4160);
    check(b, 3, total);
}

/* The sweep: 400 holes of different sizes at once: every later block lands in a hole. */
static void many_holes(void **state)
{
    (void)state;
    enum { H = 400, N = 3 * H };
    static lstm__block b[N];
    for (int i = 0; i < H; i++) {
        b[2 * i] = (lstm__block){64 * (size_t)(H - i), 0, 0, 0}; /* the holes */
        b[2 * i + 1] = (lstm__block){64, 0, 2, 0};               /* walls between them */
        b[2 * H + i] = (lstm__block){64 * (size_t)(1 + i % 50), 1, 2, 0};
    }
    size_t total;
    assert_int_equal(plan_way(b, N, SWEEP, &total), LSTM_OK);
    /* The later blocks all fit in the holes: the arena is what step 0 holds. */
    assert_int_equal(total, check(b, N, total));
}

/* 400 blocks all alive at once: more pairs than the default's budget, so it sweeps. */
static void past_the_budget(void **state)
{
    (void)state;
    enum { N = 400 };
    static lstm__block b[N], s[N];
    for (int i = 0; i < N; i++) b[i] = s[i] = (lstm__block){64 * (size_t)(1 + i % 7), i % 3, N, 0};
    assert_true((size_t)N * (N - 1) / 2 > LSTM__ARENA_PAIRS(N));
    size_t total, swept;
    assert_int_equal(plan(b, N, &total), LSTM_OK);
    assert_int_equal(plan_way(s, N, SWEEP, &swept), LSTM_OK);
    check(b, N, total);
    assert_int_equal(total, swept);
    for (int i = 0; i < N; i++) assert_int_equal(b[i].offset, s[i].offset);
}

static void empty_and_single(void **state)
{
    (void)state;
    for (int way = 0; way < N_WAYS; way++) {
        size_t total = 99;
        assert_int_equal(plan_way(NULL, 0, way, &total), LSTM_OK);
        assert_int_equal(total, 0);
        lstm__block one = {1, 5, 5, 77};
        assert_int_equal(plan_way(&one, 1, way, &total), LSTM_OK);
        assert_int_equal(total, 64);
        assert_int_equal(one.offset, 0);
    }
}

/* Zero-size blocks take no space (offset 0) and never push other blocks up. */
static void zero_size_blocks(void **state)
{
    (void)state;
    for (int way = 0; way < N_WAYS; way++) {
        lstm__block z[3] = {{0, 0, 3, 9}, {0, 1, 1, 9}, {0, 0, 0, 9}};
        size_t total = 99;
        assert_int_equal(plan_way(z, 3, way, &total), LSTM_OK);
        assert_int_equal(total, 0);
        for (int i = 0; i < 3; i++) assert_int_equal(z[i].offset, 0);
        lstm__block b[4] = {{0, 0, 2, 9}, {128, 0, 1, 9}, {0, 1, 2, 9}, {64, 1, 2, 9}};
        assert_int_equal(plan_way(b, 4, way, &total), LSTM_OK);
        assert_int_equal(total, 192);
        for (int i = 0; i < 4; i++)
            if (!b[i].size) assert_int_equal(b[i].offset, 0);
        check(b, 4, total);
    }
}

/* Sizes whose alignment or sum overflows a size_t are refused; the same sizes one after the
** other reuse the bytes and fit. */
static void huge_sizes_overflow(void **state)
{
    (void)state;
    for (int way = 0; way < N_WAYS; way++) {
        size_t total = 0;
        lstm__block one = {SIZE_MAX - 10, 0, 0, 0};
        assert_int_equal(plan_way(&one, 1, way, &total), LSTM_ELIMIT);
        assert_true(total == SIZE_MAX);
        size_t half = SIZE_MAX / 2 + 1; /* 2^63 on 64-bit: aligned, two of them do not fit */
        lstm__block together[2] = {{half, 0, 1, 0}, {half, 1, 1, 0}};
        assert_int_equal(plan_way(together, 2, way, &total), LSTM_ELIMIT);
        assert_true(total == SIZE_MAX);
        lstm__block apart[2] = {{half, 0, 0, 0}, {half, 1, 1, 0}};
        assert_int_equal(plan_way(apart, 2, way, &total), LSTM_OK);
        assert_true(total == half);
        lstm__block three[3] = {{half, 0, 2, 0}, {half / 2, 1, 2, 0}, {half / 2, 2, 2, 0}};
        assert_int_equal(plan_way(three, 3, way, &total), LSTM_ELIMIT);
    }
}

static void bad_lifetimes_refused(void **state)
{
    (void)state;
    size_t total;
    lstm__block b[2] = {{64, 0, 1, 0}, {64, 3, 2, 0}};
    assert_int_equal(plan(b, 2, &total), LSTM_EINVAL);
    assert_int_equal(plan(b, -1, &total), LSTM_EINVAL);
}

typedef struct polls {
    int calls, stop_at;
} polls;

static int on_poll(void *ud)
{
    polls *p = ud;
    return ++p->calls == p->stop_at;
}

/* poll is called while sorting and while placing, by each planner; stopping at any call
** returns LSTM_EABORTED; never stopping gives the same plan as no poll. */
static void poll_aborts(void **state)
{
    (void)state;
    enum { N = 100000 };
    lstm__block *b = malloc(sizeof *b * N);
    void *scratch = malloc(LSTM__ARENA_SCRATCH(N));
    assert_non_null(b);
    assert_non_null(scratch);
    for (int i = 0; i < N; i++) b[i] = (lstm__block){(size_t)(64 + i % 7 * 100), i, i + 1, 0};
    size_t budgets[] = {LSTM__ARENA_PAIRS(N), 0, 1000};
    for (int way = 0; way < 3; way++) {
        size_t total, ref;
        assert_int_equal(lstm__arena_plan_pairs(b, N, scratch, budgets[way], NULL, NULL, &ref),
                         LSTM_OK);
        polls p = {0, -1};
        assert_int_equal(lstm__arena_plan_pairs(b, N, scratch, budgets[way], on_poll, &p, &total),
                         LSTM_OK);
        assert_true(total == ref);
        /* At least once every 4096 blocks placed. */
        int calls = p.calls;
        assert_true(calls >= N / 4096);
        int stops[] = {1, 2, calls / 2, calls};
        for (int k = 0; k < 4; k++) {
            p = (polls){0, stops[k]};
            assert_int_equal(
                lstm__arena_plan_pairs(b, N, scratch, budgets[way], on_poll, &p, &total),
                LSTM_EABORTED);
            assert_int_equal(p.calls, stops[k]);
        }
    }
    free(scratch);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chain_reuses_memory),
        cmocka_unit_test(largest_first),
        cmocka_unit_test(greedy_packs_a_real_plan_to_the_bound),
        cmocka_unit_test(random_plans_never_overlap),
        cmocka_unit_test(freed_neighbours_merge),
        cmocka_unit_test(first_fit),
        cmocka_unit_test(top_hole_grows),
        cmocka_unit_test(many_holes),
        cmocka_unit_test(past_the_budget),
        cmocka_unit_test(empty_and_single),
        cmocka_unit_test(zero_size_blocks),
        cmocka_unit_test(huge_sizes_overflow),
        cmocka_unit_test(bad_lifetimes_refused),
        cmocka_unit_test(poll_aborts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
