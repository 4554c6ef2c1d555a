/* workers.c — see workers.h.
** A job has one part per thread. The caller runs part 0; helpers claim the others from a shared
** counter, and the caller, its own part done, runs every part no helper has claimed yet: a
** helper that is asleep or descheduled never holds a run up (the caller waits only for parts a
** helper has started).
** Waiting is bounded and adapts to how long jobs take:
** - between jobs a helper spins for up to 4x the usual interval between jobs (a running mean),
**   at most SPIN_MAX_NS and not at all when that interval exceeds it, then sleeps on a
**   condition variable; the spin hint is the CPU's;
** - the caller waits for parts in progress spinning for up to 2x its own part's time (at most
**   SPIN_MAX_NS), then sleeps;
** - when a helper falls behind (its part was still unclaimed when the caller finished its own,
**   4 jobs in a row, or the caller waited longer than its own part's time for it, losing what
**   the helper saved: the helper's core is busy with other work), the jobs of the next 1 ms
**   run on the caller alone while the helpers sleep; each time it happens again the time
**   doubles (up to 0.5 s), and every 16 jobs in a row that a helper keeps up with halve it
**   (down to 1 ms). A single miss after 256 jobs in a row kept up with is a hiccup (an
**   interrupt, a page fault): it only restarts the count. The first 16 jobs after a time
**   alone are not judged: the helpers' caches are cold then.
**   Jobs are judged when the helpers were awake or should have been (the job came within their
**   spin time), or when parts are long (1 ms or more) enough for a wake-up not to matter.
**   Recurrent nodes plan for one thread meanwhile (lstm__workers_solo);
** - jobs that come further apart than SPIN_MAX_NS, with parts shorter than WAKE_WORTH_NS (a
**   running mean), run on the caller alone when the helpers sleep: waking one would cost more
**   than its part. lstm__workers_wake (a recurrent node's run begins with enough work) wakes
**   them ahead and has the next job handed out: each run's first product, the input
**   projection, had run alone when runs came more than SPIN_MAX_NS apart. */
#define _POSIX_C_SOURCE 200809L
#include "workers.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

enum {
    SPIN_MAX_NS = 200000,    /* the longest any thread spins before sleeping */
    LONG_PART_NS = 1000000,  /* parts this long are judged even when the helpers slept */
    SOLO_MIN_NS = 1000000,   /* the first time alone after a helper fell behind */
    SOLO_MAX_NS = 500000000, /* the longest */
    WAKE_WORTH_NS = 200000,  /* parts this long are worth waking a sleeping helper for */
    KEPT_UP = 16,            /* jobs in a row a helper keeps up with to halve the time */
    STEADY = 256,            /* jobs in a row kept up with after which one miss is forgiven */
    STOLEN_RUN = 4,          /* jobs in a row whose helper parts the caller ran: behind */
};

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

struct lstm__workers {
    const lstm__alloc *a;
    int patient; /* tests: the caller never runs a helper's part and never goes alone */
    int n;       /* helpers */
    pthread_t *th;
    pthread_mutex_t mu;
    pthread_cond_t go, done;
    atomic_ulong gen;        /* job number: helpers watch it change */
    atomic_int next;         /* the next part to claim */
    atomic_int finished;     /* parts 1.. finished in the current job */
    atomic_int stop;         /* helpers exit */
    atomic_int sleepers;     /* helpers waiting on `go` */
    atomic_ulong pokes;      /* lstm__workers_wake: helpers leave `go` and spin for a job */
    atomic_llong spin_ns;    /* how long a helper spins for the next job */
    atomic_ulong helper_ran; /* parts run on helper threads, ever (tests) */
    void (*fn)(void *ctx, int part, int parts);
    void *ctx;
    /* The caller's side only. */
    int64_t last_job, interval_ns, own_ns, solo_until, backoff_ns, wake_sent;
    int poked;   /* lstm__workers_wake since the last job */
    int kept_up; /* judged jobs in a row that a helper kept up with */
    int steady;  /* the same, not reset by halving (up to STEADY) */
    int warm;    /* jobs after a time alone still to go unjudged */
    int stolen;  /* judged jobs in a row whose helper parts the caller ran itself */
};

/* Run the parts this thread can claim in the current job. */
static int claim_parts(lstm__workers *w, int helper)
{
    const int parts = w->n + 1;
    int ran = 0;
    for (;;) {
        int p = atomic_fetch_add(&w->next, 1);
        if (p >= parts) return ran;
        w->fn(w->ctx, p, parts);
        ran++;
        if (helper) atomic_fetch_add_explicit(&w->helper_ran, 1, memory_order_relaxed);
        if (atomic_fetch_add(&w->finished, 1) + 1 == parts - 1) {
            pthread_mutex_lock(&w->mu);
            pthread_cond_signal(&w->done);
            pthread_mutex_unlock(&w->mu);
        }
    }
}

static void *helper(void *arg)
{
    lstm__workers *w = arg;
    /* Generation 0 is the pool's start: a helper that starts after the first job was handed
    ** out must still see that job as new. */
    unsigned long seen = 0;
    int poked = 0;
    for (;;) {
        /* Poked (lstm__workers_wake): spin as long as any helper does, for the job coming. */
        int64_t t0 = now_ns(),
                limit =
                    poked ? SPIN_MAX_NS : atomic_load_explicit(&w->spin_ns, memory_order_relaxed);
        poked = 0;
        for (int i = 1; atomic_load(&w->gen) == seen && !atomic_load(&w->stop); i++) {
            cpu_relax();
            if (i % 64 == 0 && now_ns() - t0 >= limit) break;
        }
        if (atomic_load(&w->gen) == seen && !atomic_load(&w->stop)) {
            pthread_mutex_lock(&w->mu);
            atomic_fetch_add(&w->sleepers, 1);
            const unsigned long poke = atomic_load(&w->pokes);
            while (!atomic_load(&w->stop) && atomic_load(&w->gen) == seen &&
                   atomic_load(&w->pokes) == poke)
                pthread_cond_wait(&w->go, &w->mu);
            atomic_fetch_sub(&w->sleepers, 1);
            pthread_mutex_unlock(&w->mu);
            if (atomic_load(&w->gen) == seen && !atomic_load(&w->stop)) {
                poked = 1;
                continue;
            }
        }
        if (atomic_load(&w->stop)) return NULL;
        seen = atomic_load(&w->gen);
        claim_parts(w, 1);
    }
}

lstm__workers *lstm__workers_start(int n_threads, const lstm__alloc *a)
{
    if (n_threads < 2) return NULL;
    lstm__workers *w = lstm__calloc(a, 1, sizeof *w);
    if (!w) return NULL;
    w->a = a;
    w->th = lstm__calloc(a, (size_t)n_threads, sizeof *w->th);
    if (!w->th || pthread_mutex_init(&w->mu, NULL)) {
        lstm__free(a, w->th);
        lstm__free(a, w);
        return NULL;
    }
    pthread_cond_init(&w->go, NULL);
    pthread_cond_init(&w->done, NULL);
    atomic_init(&w->spin_ns, SPIN_MAX_NS);
    atomic_init(&w->next, n_threads); /* nothing to claim before the first job */
    w->backoff_ns = SOLO_MIN_NS;
    for (int i = 0; i < n_threads - 1; i++) {
        if (pthread_create(&w->th[i], NULL, helper, w)) break;
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
    lstm__free(a, w);
}

int lstm__workers_count(const lstm__workers *w)
{
    return w ? w->n + 1 : 1;
}

int lstm__workers_solo(const lstm__workers *w)
{
    return w && w->solo_until && now_ns() < w->solo_until;
}

void lstm__workers_set_patient(lstm__workers *w, int on)
{
    if (w) w->patient = on;
}

unsigned long lstm__workers_helper_parts(const lstm__workers *w)
{
    return w ? atomic_load(&((lstm__workers *)w)->helper_ran) : 0;
}

void lstm__workers_wake(lstm__workers *w)
{
    if (!w || w->patient || atomic_load(&w->sleepers) == 0 || now_ns() < w->solo_until) return;
    w->poked = 1;
    pthread_mutex_lock(&w->mu);
    atomic_fetch_add(&w->pokes, 1);
    pthread_cond_broadcast(&w->go);
    pthread_mutex_unlock(&w->mu);
}

/* Publish a job whose parts from `first` on are to be claimed, and wake sleeping helpers. */
static void hand_out(lstm__workers *w, void (*fn)(void *, int, int), void *ctx, int first)
{
    w->fn = fn;
    w->ctx = ctx;
    atomic_store(&w->finished, 0);
    atomic_store(&w->next, first);
    atomic_fetch_add(&w->gen, 1);
    if (atomic_load(&w->sleepers) > 0) {
        pthread_mutex_lock(&w->mu);
        pthread_cond_broadcast(&w->go);
        pthread_mutex_unlock(&w->mu);
    }
}

void lstm__workers_run(lstm__workers *w, void (*fn)(void *ctx, int part, int parts), void *ctx)
{
    if (!w) {
        fn(ctx, 0, 1);
        return;
    }
    const int parts = w->n + 1;
    int64_t t0 = now_ns(), gap = w->last_job ? t0 - w->last_job : INT64_MAX;
    /* A helper asleep although this job came within its spin time, and not woken within the
    ** last SPIN_MAX_NS either, is not getting a core. */
    int asleep = atomic_load(&w->sleepers) > 0;
    int late = asleep && gap < atomic_load_explicit(&w->spin_ns, memory_order_relaxed) &&
               w->wake_sent && t0 - w->wake_sent > SPIN_MAX_NS;
    /* Helpers spin for up to 4x the usual interval between jobs (long enough to catch the next
    ** step's product), and not at all when jobs come further apart than SPIN_MAX_NS. */
    if (w->last_job) {
        w->interval_ns = w->interval_ns ? (3 * w->interval_ns + gap) / 4 : gap;
        int64_t spin = w->interval_ns > SPIN_MAX_NS ? 0 : 4 * w->interval_ns;
        atomic_store_explicit(&w->spin_ns, spin < SPIN_MAX_NS ? spin : SPIN_MAX_NS,
                              memory_order_relaxed);
    }
    w->last_job = t0;
    /* Alone: while helpers are behind, and for jobs that come seldom with short parts when the
    ** helpers sleep (waking one takes longer than its part would). */
    const int coming = w->poked; /* lstm__workers_wake: hand this job out */
    w->poked = 0;
    if (!w->patient && (t0 < w->solo_until || (asleep && !coming && w->interval_ns > SPIN_MAX_NS &&
                                               w->own_ns < WAKE_WORTH_NS))) {
        for (int p = 0; p < parts; p++) fn(ctx, p, parts);
        w->own_ns = (3 * w->own_ns + (now_ns() - t0) / parts) / 4;
        return;
    }
    if (!asleep)
        w->wake_sent = 0;
    else if (!w->wake_sent)
        w->wake_sent = t0;
    hand_out(w, fn, ctx, 1);
    fn(ctx, 0, parts);
    int64_t t1 = now_ns(), own = t1 - t0;
    w->own_ns = (3 * w->own_ns + own) / 4;
    int stole = w->patient ? 0 : claim_parts(w, 0);
    int64_t limit = 2 * own < SPIN_MAX_NS ? 2 * own : SPIN_MAX_NS;
    for (int i = 1; atomic_load(&w->finished) < parts - 1; i++) {
        cpu_relax();
        if (i % 64 == 0 && now_ns() - t1 >= limit) break;
    }
    if (atomic_load(&w->finished) < parts - 1) {
        pthread_mutex_lock(&w->mu);
        while (atomic_load(&w->finished) < parts - 1) pthread_cond_wait(&w->done, &w->mu);
        pthread_mutex_unlock(&w->mu);
    }
    if (!w->patient && (!asleep || late || own >= LONG_PART_NS)) {
        /* Behind: the caller waited longer than its own part for a part a helper had claimed,
        ** or ran the helpers' parts itself STOLEN_RUN jobs in a row. A part taken over once
        ** costs no more than going alone, and with parts of a few microseconds any hiccup of
        ** the helper's core (an interrupt) causes one. */
        const int64_t t2 = stole ? t1 : now_ns();
        w->stolen = stole ? w->stolen + 1 : 0;
        const int behind = stole ? w->stolen >= STOLEN_RUN : t2 - t1 > own;
        if (stole && !behind) {
            if (w->warm) w->warm--; /* neither behind nor kept up */
        } else if (w->warm) {
            w->warm--; /* just back from a time alone: the helpers' caches are cold */
        } else if (behind && w->steady >= STEADY) {
            w->steady = w->kept_up = w->stolen = 0; /* a hiccup: the next miss counts */
        } else if (behind) {
            w->solo_until = t2 + w->backoff_ns;
            w->warm = KEPT_UP;
            w->wake_sent = 0; /* the helpers sleep from now on, and are woken afresh after */
            w->backoff_ns = w->backoff_ns < SOLO_MAX_NS / 2 ? 2 * w->backoff_ns : SOLO_MAX_NS;
            w->steady = w->kept_up = w->stolen = 0;
        } else {
            if (w->steady < STEADY) w->steady++;
            if (++w->kept_up == KEPT_UP && w->backoff_ns > SOLO_MIN_NS) {
                w->backoff_ns /= 2;
                w->kept_up = 0;
            }
        }
    }
}
