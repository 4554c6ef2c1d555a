/* test_arena.c — the lifetime-based offset planner. */
#include "test_util.h"
#include "arena.h"

#include <stdlib.h>

static int overlap(const lstm__block *a, const lstm__block *b)
{
    int time = !(a->last < b->first || b->last < a->first);
    int space = a->offset < b->offset + b->size && b->offset < a->offset + a->size;
    return time && space && a->size && b->size;
}

static void chain_reuses_memory(void **state)
{
    (void)state;
    /* a -> b -> c -> d, each 1000 bytes, each read only by the next: two slots suffice. */
    lstm__block b[4] = {{1000, 0, 1, 0}, {1000, 1, 2, 0}, {1000, 2, 3, 0}, {1000, 3, 3, 0}};
    int order[4];
    size_t total = lstm__arena_plan(b, 4, order);
    assert_int_equal(total, 2 * 1024);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(b[i].offset % 64, 0);
        for (int j = 0; j < i; j++) assert_false(overlap(&b[i], &b[j]));
    }
}

static void random_plans_never_overlap(void **state)
{
    (void)state;
    srand(7);
    for (int round = 0; round < 200; round++) {
        int n = 1 + rand() % 40;
        lstm__block b[40];
        int order[40];
        size_t sum = 0;
        for (int i = 0; i < n; i++) {
            int f = rand() % 20;
            b[i] = (lstm__block){(size_t)(rand() % 5000), f, f + rand() % 6, 0};
            sum += (b[i].size + 63) & ~(size_t)63;
        }
        size_t total = lstm__arena_plan(b, n, order);
        assert_true(total <= sum);
        for (int i = 0; i < n; i++) {
            assert_true(b[i].offset + b[i].size <= total);
            for (int j = 0; j < i; j++) assert_false(overlap(&b[i], &b[j]));
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chain_reuses_memory),
        cmocka_unit_test(random_plans_never_overlap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
