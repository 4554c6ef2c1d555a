/* run_allocs.c — lstm-run --test's allocation checks, through the library's allocator hooks:
** --check-allocs (a second run of the same data allocates nothing) and --fail-allocs (every
** allocation up to the first run fails in turn, and the library recovers). */
#define _POSIX_C_SOURCE 200809L
#include "run.h"

#include <stdlib.h>
#include <string.h>

static void *probe_alloc(void *ud, size_t size)
{
    alloc_probe *p = ud;
    if (atomic_load(&p->armed)) {
        long k = atomic_fetch_add(&p->count, 1) + 1;
        if (k == atomic_load(&p->fail_at)) return NULL;
    }
    return malloc(size);
}

static void probe_free(void *ud, void *ptr)
{
    (void)ud;
    free(ptr);
}

static void probe_arm(alloc_probe *p, long fail_at)
{
    atomic_store(&p->count, 0);
    atomic_store(&p->fail_at, fail_at);
    atomic_store(&p->armed, 1);
}

const lstm_options *probe_options(alloc_probe *p, const lstm_options *opt, lstm_options *buf)
{
    if (opt)
        *buf = *opt;
    else
        lstm_options_init(buf);
    buf->alloc = probe_alloc;
    buf->free = probe_free;
    buf->alloc_ud = p;
    atomic_init(&p->count, 0);
    atomic_init(&p->fail_at, 0);
    atomic_init(&p->armed, 0);
    return buf;
}

int rerun_allocates(lstm_model *m, lstm_session *s, const char *setdir, alloc_probe *p,
                    const run_opts *o)
{
    char *report = NULL;
    size_t len = 0;
    run_opts q = *o;
    if (!(q.out = open_memstream(&report, &len))) return 1;
    probe_arm(p, 0);
    int ok = run_data_set(m, s, setdir, &q, NULL);
    atomic_store(&p->armed, 0);
    long n = atomic_load(&p->count);
    fclose(q.out);
    if (!ok)
        fprintf(o->out, "  --check-allocs: the second run of the same data fails:\n%s", report);
    else if (n)
        fprintf(o->out, "  --check-allocs: the second run of the same data allocated %ld time%s\n",
                n, n == 1 ? "" : "s");
    else
        fprintf(o->out, "  --check-allocs: the second run allocated nothing\n");
    free(report);
    return !ok || n;
}

/* One step of the sweep: allocation k fails. Returns 1 on a fault, -1 when k is past the last
** allocation (the sweep is over), 0 otherwise; a fault's report goes to *report. */
static int fail_one(const char *model, const char *setdir, long k, alloc_probe *p, run_opts *q)
{
    lstm_model *m = NULL;
    lstm_session *s = NULL;
    int lib_rc = 0, ok = 0;
    const char *stage = "opening the model", *msg = NULL;
    probe_arm(p, k);
    int rc = lstm_model_open(model, q->opt, &m);
    if (m) msg = lstm_model_errmsg(m);
    if (!rc) {
        stage = "opening a session";
        rc = lstm_session_open(m, &s);
        msg = s ? lstm_session_errmsg(s) : NULL;
    }
    if (!rc) {
        stage = "registering carried values";
        rc = carry_all(s, q);
        msg = lstm_session_errmsg(s);
    }
    long retried = 0;
    if (!rc) {
        stage = q->stream ? "the streamed run" : "the first run";
        q->nomem_retries = q->stream ? &retried : NULL;
        ok = run_data_set(m, s, setdir, q, &lib_rc);
        q->nomem_retries = NULL;
        rc = lib_rc;
        msg = lstm_session_errmsg(s);
    }
    if (rc < 0) { /* the tool's own failure: not the library's */
        atomic_store(&p->armed, 0);
        fprintf(q->out, "  the data set could not be read\n");
        lstm_session_close(s);
        lstm_model_close(m);
        return 1;
    }
    int hit = atomic_load(&p->count) >= k, fault = 0;
    atomic_store(&p->armed, 0);
    if (!hit) {
        fault = ok ? -1 : 1;
        if (!ok) fprintf(q->out, "  with no allocation failing, the run fails\n");
    } else if (rc && (rc != LSTM_ENOMEM || (msg && !*msg))) {
        fprintf(q->out,
                "  allocation %ld failing in %s gave %s with the message '%s'; expected "
                "ENOMEM and a message\n",
                k, stage, lstm_errstr(rc), msg ? msg : "");
        fault = 1;
    } else if (!rc && !ok) {
        if (q->stream)
            fprintf(q->out, "  allocation %ld failed in %s%s (above)\n", k, stage,
                    retried ? ", and after the call was made again the outputs are wrong: a "
                              "failed call changed the session"
                            : "");
        else
            fprintf(q->out, "  allocation %ld failed in %s, which reported success\n", k, stage);
        fault = 1;
    } else if (!rc && q->stream && q->check_allocs && rerun_allocates(m, s, setdir, p, q)) {
        fprintf(q->out, "  (after allocation %ld failed in %s)\n", k, stage);
        fault = 1;
    } else if (rc && lib_rc) { /* the first run failed: the session must still work */
        if (!run_data_set(m, s, setdir, q, NULL)) {
            fprintf(q->out, "  allocation %ld failed in the first run; the next run fails\n", k);
            fault = 1;
        } else if (q->check_allocs && rerun_allocates(m, s, setdir, p, q)) {
            fprintf(q->out, "  (after allocation %ld failed in the first run)\n", k);
            fault = 1;
        }
    }
    lstm_session_close(s);
    lstm_model_close(m);
    return fault;
}

/* lstm_model_open_buffer on the bytes of `model` with each allocation failing in turn: each
** failure must be ENOMEM with a message, and the model opened with none failing must run
** data set `setdir`. Returns 1 on a fault (reported). */
static int buffer_sweep(const char *dir, const char *model, const char *setdir, alloc_probe *p,
                        const run_opts *o)
{
    size_t len = 0;
    void *buf = read_file(model, &len);
    if (!buf) {
        printf("  cannot read %s\n", model);
        return 1;
    }
    lstm_options bopt = *o->opt;
    if (!bopt.external_data_dir) bopt.external_data_dir = dir;
    int fault = 0;
    for (long k = 1; !fault; k++) {
        lstm_model *m = NULL;
        probe_arm(p, k);
        int rc = lstm_model_open_buffer(buf, len, &bopt, &m);
        int hit = atomic_load(&p->count) >= k;
        atomic_store(&p->armed, 0);
        const char *msg = lstm_model_errmsg(m);
        if (rc && (!hit || rc != LSTM_ENOMEM || !msg || !*msg)) {
            printf("  lstm_model_open_buffer with allocation %ld failing gave %s: '%s'%s\n", k,
                   lstm_errstr(rc), msg ? msg : "", hit ? "; expected ENOMEM and a message" : "");
            fault = 1;
        } else if (!rc) {
            lstm_session *s = NULL;
            char *report = NULL;
            size_t rlen = 0;
            run_opts q = *o;
            if (!(q.out = open_memstream(&report, &rlen))) {
                lstm_model_close(m);
                fault = 1;
                break;
            }
            if (lstm_session_open(m, &s) || carry_all(s, &q) ||
                !run_data_set(m, s, setdir, &q, NULL)) {
                fclose(q.out);
                printf("%s  the model opened from memory%s does not run\n", report ? report : "",
                       hit ? " after an allocation failed" : "");
                fault = 1;
            } else {
                fclose(q.out);
            }
            free(report);
            lstm_session_close(s);
            if (!hit) {
                lstm_model_close(m);
                printf("  --fail-allocs: each of the %ld allocations of lstm_model_open_buffer "
                       "failed in turn and was reported\n",
                       k - 1);
                break;
            }
        }
        lstm_model_close(m);
    }
    free(buf);
    return fault;
}

int fail_allocs_sweep(const char *dir, const char *set, alloc_probe *p, const run_opts *o)
{
    char model[4096], setdir[4096];
    if (path_join(model, sizeof model, dir, "model.onnx") ||
        path_join(setdir, sizeof setdir, dir, set)) {
        printf("  path too long\n");
        return 1;
    }
    for (long k = 1;; k++) {
        char *report = NULL;
        size_t len = 0;
        run_opts q = *o;
        if (!(q.out = open_memstream(&report, &len))) return 1;
        int fault = fail_one(model, setdir, k, p, &q);
        fclose(q.out);
        if (fault > 0) printf("%s", report);
        free(report);
        if (fault < 0) {
            printf("  --fail-allocs: each of the %ld allocations up to the end of the %s run "
                   "failed in turn; each was reported, and the %s\n",
                   k - 1, o->stream ? "streamed" : "first",
                   o->stream ? "failed call made again, and the outputs matched"
                             : "next run passed");
            return o->fail_allocs > 1 ? buffer_sweep(dir, model, setdir, p, o) : 0;
        }
        if (fault) return 1;
    }
}
