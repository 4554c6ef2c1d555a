/* workers.c — see workers.h. A generation counter hands out each job; the caller runs part 0
** and waits until every helper has finished its part. Both sides spin briefly before blocking
** on a condition variable: a recurrent step hands out a job every few tens of microseconds,
** and a futex wake-up per step would cost as much as the work it splits. */
#include "workers.h"

#include <pthread.h>
#include <stdatomic.h>

enum { SPINS = 4000 }; /* pause iterations (roughly 50-150 us) before blocking */

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

struct lstm__workers {
    const lstm__alloc *a;
    int n; /* helpers */
    pthread_t *th;
    struct slot *slots;
    pthread_mutex_t mu;
    pthread_cond_t go, done;
    atomic_ulong gen;
    atomic_int pending, stop;
    void (*fn)(void *ctx, int part, int parts);
    void *ctx;
};

/* Helper i gets part i + 1: its index is read from the slot it was started with. */
typedef struct slot {
    lstm__workers *w;
    int part;
} slot;

static void *helper(void *arg)
{
    slot *a = arg;
    lstm__workers *w = a->w;
    int part = a->part;
    unsigned long seen = 0;
    for (;;) {
        for (int i = 0; i < SPINS && atomic_load_explicit(&w->gen, memory_order_acquire) == seen &&
                        !atomic_load_explicit(&w->stop, memory_order_acquire);
             i++)
            cpu_relax();
        pthread_mutex_lock(&w->mu);
        while (!atomic_load(&w->stop) && atomic_load(&w->gen) == seen)
            pthread_cond_wait(&w->go, &w->mu);
        if (atomic_load(&w->stop)) {
            pthread_mutex_unlock(&w->mu);
            return NULL;
        }
        seen = atomic_load(&w->gen);
        void (*fn)(void *, int, int) = w->fn;
        void *ctx = w->ctx;
        pthread_mutex_unlock(&w->mu);
        fn(ctx, part, w->n + 1);
        if (atomic_fetch_sub_explicit(&w->pending, 1, memory_order_acq_rel) == 1) {
            pthread_mutex_lock(&w->mu);
            pthread_cond_signal(&w->done);
            pthread_mutex_unlock(&w->mu);
        }
    }
}

lstm__workers *lstm__workers_start(int n_threads, const lstm__alloc *a)
{
    if (n_threads < 2) return NULL;
    lstm__workers *w = lstm__calloc(a, 1, sizeof *w);
    if (!w) return NULL;
    w->a = a;
    w->th = lstm__calloc(a, (size_t)n_threads, sizeof *w->th);
    w->slots = lstm__calloc(a, (size_t)n_threads, sizeof *w->slots);
    if (!w->th || !w->slots || pthread_mutex_init(&w->mu, NULL)) {
        lstm__free(a, w->th);
        lstm__free(a, w->slots);
        lstm__free(a, w);
        return NULL;
    }
    pthread_cond_init(&w->go, NULL);
    pthread_cond_init(&w->done, NULL);
    for (int i = 0; i < n_threads - 1; i++) {
        w->slots[i] = (slot){w, i + 1};
        if (pthread_create(&w->th[i], NULL, helper, &w->slots[i])) break;
        w->n++;
    }
    if (w->n == 0) {
        lstm__workers_stop(w);
        return NULL;
    }
    return w;
}

void lstm__workers_stop(lstm__workers *w)
{
    if (!w) return;
    pthread_mutex_lock(&w->mu);
    atomic_store(&w->stop, 1);
    pthread_cond_broadcast(&w->go);
    pthread_mutex_unlock(&w->mu);
    for (int i = 0; i < w->n; i++) pthread_join(w->th[i], NULL);
    pthread_cond_destroy(&w->go);
    pthread_cond_destroy(&w->done);
    pthread_mutex_destroy(&w->mu);
    const lstm__alloc *a = w->a;
    lstm__free(a, w->th);
    lstm__free(a, w->slots);
    lstm__free(a, w);
}

int lstm__workers_count(const lstm__workers *w)
{
    return w ? w->n + 1 : 1;
}

void lstm__workers_run(lstm__workers *w, void (*fn)(void *ctx, int part, int parts), void *ctx)
{
    if (!w) {
        fn(ctx, 0, 1);
        return;
    }
    pthread_mutex_lock(&w->mu);
    w->fn = fn;
    w->ctx = ctx;
    atomic_store(&w->pending, w->n);
    atomic_fetch_add_explicit(&w->gen, 1, memory_order_release);
    pthread_cond_broadcast(&w->go);
    pthread_mutex_unlock(&w->mu);
    fn(ctx, 0, w->n + 1);
    for (int i = 0; i < SPINS && atomic_load_explicit(&w->pending, memory_order_acquire) > 0; i++)
        cpu_relax();
    if (atomic_load_explicit(&w->pending, memory_order_acquire) > 0) {
        pthread_mutex_lock(&w->mu);
        while (atomic_load(&w->pending) > 0) pthread_cond_wait(&w->done, &w->mu);
        pthread_mutex_unlock(&w->mu);
    }
}
