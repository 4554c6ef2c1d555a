/* pb_budget.c — protobuf-c allocator with a byte budget (protobuf-c can expand a file ~93x). */
#include "importer.h"

#define HDR 16 /* keeps the returned block 16-byte aligned and records its size */

static void *budget_alloc(void *ud, size_t size)
{
    lstm__pb_budget *b = ud;
    if (size > b->limit || b->used > b->limit - size) {
        b->exhausted = 1;
        return NULL;
    }
    unsigned char *p = lstm__malloc(b->a, size + HDR);
    if (!p) {
        b->oom = 1;
        return NULL;
    }
    *(size_t *)p = size;
    b->used += size;
    return p + HDR;
}

static void budget_free(void *ud, void *ptr)
{
    lstm__pb_budget *b = ud;
    if (!ptr) return;
    unsigned char *p = (unsigned char *)ptr - HDR;
    b->used -= *(size_t *)p;
    lstm__free(b->a, p);
}

void lstm__pb_budget_init(lstm__pb_budget *b, const lstm__alloc *a, uint64_t limit)
{
    b->pa.alloc = budget_alloc;
    b->pa.free = budget_free;
    b->pa.allocator_data = b;
    b->a = a;
    b->used = 0;
    b->limit = limit;
    b->exhausted = 0;
    b->oom = 0;
}
