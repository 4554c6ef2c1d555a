/* test_threads.c — one loaded model shared by several threads, each with its own session:
** every thread gets exactly the single-threaded outputs. Run under ThreadSanitizer in CI. */
#include "test_util.h"

#include "blas.h"
#include "session.h"
#include "workers.h"

#include <math.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#define THREADS 4
#define RUNS    20

static const lstm_model *shared;
static float reference[40 * 3 * 25];
static size_t ref_bytes;
static int64_t tokens[40 * 3];

static int run_once(lstm_session *s, float *out, size_t cap, size_t *bytes)
{
    int rc =
        lstm_session_set_input(s, "tokens", LSTM_DT_INT64, 2, D2(40, 3), tokens, sizeof tokens);
    if (!rc) rc = lstm_session_run(s);
    lstm_view v;
    if (!rc) rc = lstm_session_output(s, "log_probs", &v);
    if (!rc && v.nbytes <= cap) {
        memcpy(out, v.data, v.nbytes);
        *bytes = v.nbytes;
    }
    return rc;
}

static void *worker(void *arg)
{
    intptr_t bad = 0;
    lstm_session *s = NULL;
    if (lstm_session_open(shared, &s) != LSTM_OK) return (void *)1;
    static _Thread_local float out[40 * 3 * 25];
    for (int r = 0; r < RUNS; r++) {
        size_t bytes = 0;
        if (run_once(s, out, sizeof out, &bytes) || bytes != ref_bytes ||
            memcmp(out, reference, bytes) != 0)
            bad = 1;
    }
    lstm_session_close(s);
    (void)arg;
    return (void *)bad;
}

static void shared_model(void **state)
{
    (void)state;
    lstm_model *m;
    int rc = lstm_model_open(MODELS_DIR "/char_lstm/model.onnx", NULL, &m);
    if (rc) print_error("%s\n", lstm_model_errmsg(m));
    assert_int_equal(rc, LSTM_OK);
    for (int i = 0; i < 120; i++) tokens[i] = (i * 7) % 25;
    lstm_session *s;
    assert_int_equal(lstm_session_open(m, &s), LSTM_OK);
    assert_int_equal(run_once(s, reference, sizeof reference, &ref_bytes), LSTM_OK);
    lstm_session_close(s);
    shared = m;
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, worker, NULL), 0);
    for (int i = 0; i < THREADS; i++) {
        void *r;
        pthread_join(t[i], &r);
        assert_null(r);
    }
    lstm_model_close(m);
}

/* Opening a model leaves no OpenBLAS thread spinning: the process uses no CPU while it sleeps
** for 0.2 s right after (Debian's OpenBLAS starts a pool at load whose threads spin ~0.1 s; blas.c
** stops it). Run alone in a fresh process (main), while that pool would still be spinning. */
static double cpu_seconds(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

static void openblas_pool_stopped(void **state)
{
    (void)state;
    lstm_model *m;
    assert_int_equal(lstm_model_open(MODELS_DIR "/char_lstm/model.onnx", NULL, &m), LSTM_OK);
    assert_int_equal(lstm_num_threads(), 1);
    double c0 = cpu_seconds();
    nanosleep(&(struct timespec){0, 200000000}, NULL);
    double used = cpu_seconds() - c0;
    print_message("  CPU used while sleeping 0.2 s after the model opened: %.3f s\n", used);
    assert_true(used < 0.02);
    lstm_model_close(m);
}

/* A session with helper threads (num_threads 2) splits large products by column panels, and
** runs the two directions of a bidirectional node (the BiGRU) on the two threads: every
** element is still computed by one thread in the same order, so results are identical. The
** helper must have done some of the work (a part it did not take falls back to the caller, so
** under heavy load the runs repeat, up to 200, until it has). */
static void helper_threads_same_results(void **state)
{
    (void)state;
    /* 3200 tokens: the input projection (3200 x 256 x 16) is split between the threads, and
    ** the LSTM's 32 batch rows (100 steps) are split 16 + 16. */
    static float one[400 * 8 * 25], two[400 * 8 * 25];
    static int64_t toks[400 * 8];
    size_t b1 = 0, b2 = 0;
    for (int i = 0; i < 3200; i++) toks[i] = (i * 11) % 25;
    const char *paths[] = {MODELS_DIR "/char_lstm/model.onnx",
                           MODELS_DIR "/bigru_tagger/model.onnx"};
    for (int p = 0; p < 2; p++) {
        for (int threads = 1; threads <= 2; threads++) {
            lstm_options opt = {.size = sizeof(lstm_options), .num_threads = threads};
            lstm_model *m;
            lstm_session *s;
            assert_int_equal(lstm_model_open(paths[p], &opt, &m), LSTM_OK);
            assert_int_equal(lstm_session_open(m, &s), LSTM_OK);
            lstm__workers_set_patient(s->workers, 1); /* the helper's parts run on the helper */
            int rc = lstm_session_set_input(s, "tokens", LSTM_DT_INT64, 2,
                                            p ? D2(8, 400) : D2(100, 32), toks, sizeof toks);
            for (int r = 0; !rc && (r < 3 || (threads == 2 && r < 200 &&
                                              !lstm__workers_helper_parts(s->workers)));
                 r++)
                rc = lstm_session_run(s);
            assert_int_equal(rc, LSTM_OK);
            if (threads == 2) assert_true(lstm__workers_helper_parts(s->workers) > 0);
            lstm_view v;
            assert_int_equal(lstm_session_output(s, p ? "tag_logits" : "log_probs", &v), LSTM_OK);
            memcpy(threads == 1 ? one : two, v.data, v.nbytes);
            *(threads == 1 ? &b1 : &b2) = v.nbytes;
            lstm_session_close(s);
            lstm_model_close(m);
        }
        assert_int_equal(b1, b2);
        assert_memory_equal(one, two, b1);
    }
}

/* A recurrent node big enough for the threads to share each step by hidden units (rnn_cells.c):
** LSTM with peepholes and GRU with linear_before_reset, H = 292 (no whole number of panels for
** any kernel set, so each gate is packed padded), batch 3. Two threads give the same bits as one
** thread, with the helper taking part, run whole and fed in chunks of 1, 4, 2 and 3 steps with
** the state carried (odd and even step counts per chunk: the new h alternates buffers); the
** chunked run agrees with the whole one to rounding (its projections have other row counts). */
enum { UT = 10, UB = 3, UI = 9, UH = 292 };

static const uint8_t *units_model(int gru, size_t *len, tb_model **out)
{
    const int G = gru ? 3 : 4;
    static float w[4 * UH * UI], r[4 * UH * UH], bias[8 * UH], p[3 * UH];
    for (int i = 0; i < 4 * UH * UI; i++) w[i] = (float)((i * 37) % 101) / 200 - 0.25f;
    for (int i = 0; i < 4 * UH * UH; i++) r[i] = (float)((i * 53) % 97) / 400 - 0.12f;
    for (int i = 0; i < 8 * UH; i++) bias[i] = (float)((i * 29) % 31) / 60 - 0.25f;
    for (int i = 0; i < 3 * UH; i++) p[i] = (float)((i * 17) % 23) / 40 - 0.3f;
    tb_model *m = tb_new(8, 14);
    tb_input(m, "X", F32, 3, D3(-1, UB, UI), "T");
    tb_init_f32(m, "W", 3, D3(1, G * UH, UI), w);
    tb_init_f32(m, "R", 3, D3(1, G * UH, UH), r);
    tb_init_f32(m, "B", 2, D2(1, 2 * G * UH), bias);
    if (!gru) tb_init_f32(m, "P", 2, D2(1, 3 * UH), p);
    Onnx__NodeProto *n = tb_node(m, gru ? "GRU" : "LSTM", "cell", gru ? "X,W,R,B" : "X,W,R,B,,,,P",
                                 gru ? "Y,Y_h" : "Y,Y_h,Y_c");
    tb_attr_i(m, n, "hidden_size", UH);
    if (gru) tb_attr_i(m, n, "linear_before_reset", 1);
    tb_output(m, "Y", F32, -1, NULL, NULL);
    tb_output(m, "Y_h", F32, -1, NULL, NULL);
    if (!gru) tb_output(m, "Y_c", F32, -1, NULL, NULL);
    *out = m;
    return tb_pack(m, len);
}

/* Y and Y_h of one run on steps t0 .. t0 + n - 1 into y (at step t0) and yh. */
static void units_run(lstm_session *s, const float *x, int t0, int n, float *y, float *yh)
{
    assert_int_equal(lstm_session_set_input(s, "X", LSTM_DT_FLOAT, 3, D3(n, UB, UI),
                                            x + t0 * UB * UI, sizeof(float) * n * UB * UI),
                     LSTM_OK);
    assert_int_equal(lstm_session_run(s), LSTM_OK);
    assert_int_equal(
        lstm_session_output_copy(s, "Y", y + t0 * UB * UH, sizeof(float) * n * UB * UH), LSTM_OK);
    assert_int_equal(lstm_session_output_copy(s, "Y_h", yh, sizeof(float) * UB * UH), LSTM_OK);
}

static void units_split_same_results(void **state)
{
    (void)state;
    /* [threads - 1][whole, chunked] */
    static float x[UT * UB * UI], y[2][2][UT * UB * UH], yh[2][2][UB * UH];
    for (int i = 0; i < UT * UB * UI; i++) x[i] = (float)((i * 7) % 19) / 5 - 1.8f;
    for (int gru = 0; gru < 2; gru++) {
        tb_model *b;
        size_t len;
        const uint8_t *buf = units_model(gru, &len, &b);
        for (int threads = 1; threads <= 2; threads++) {
            lstm_options opt = {.size = sizeof(lstm_options), .num_threads = threads};
            lstm_model *m;
            lstm_session *s;
            assert_int_equal(lstm_model_open_buffer(buf, len, &opt, &m), LSTM_OK);
            assert_int_equal(lstm_session_open(m, &s), LSTM_OK);
            lstm__workers_set_patient(s->workers, 1); /* the helper's parts run on the helper */
            units_run(s, x, 0, UT, y[threads - 1][0], yh[threads - 1][0]);
            assert_int_equal(lstm_session_set_streaming(s, 1), LSTM_OK);
            const int sizes[] = {1, 4, 2, 3};
            for (int c = 0, t0 = 0; c < 4; t0 += sizes[c++])
                units_run(s, x, t0, sizes[c], y[threads - 1][1], yh[threads - 1][1]);
            if (threads == 2) assert_true(lstm__workers_helper_parts(s->workers) > 0);
            lstm_session_close(s);
            lstm_model_close(m);
        }
        for (int k = 0; k < 2; k++) {
            assert_memory_equal(y[0][k], y[1][k], sizeof y[0][k]);
            assert_memory_equal(yh[0][k], yh[1][k], sizeof yh[0][k]);
        }
        for (int i = 0; i < UT * UB * UH; i++) assert_true(fabsf(y[0][0][i] - y[0][1][i]) < 1e-5f);
        tb_free(b);
    }
}

static pthread_t runner;
static int polls, abort_at, foreign_polls;
static int stop_cb(void *ud)
{
    (void)ud;
    if (!pthread_equal(pthread_self(), runner)) foreign_polls++;
    return ++polls > abort_at;
}

/* Aborting a bidirectional node whose directions run on two threads: the callback is only
** ever called on the thread that called lstm_session_run, both directions stop, the message
** names the node, and the next run gives the full results. */
static void abort_parallel_directions(void **state)
{
    (void)state;
    static float ref[8 * 50 * 25], out[8 * 50 * 25];
    static int64_t toks[8 * 50];
    for (int i = 0; i < 400; i++) toks[i] = (i * 5) % 25;
    size_t nref = 0;
    for (int threads = 1; threads <= 2; threads++) {
        lstm_options opt = {.size = sizeof(lstm_options), .num_threads = threads, .abort = stop_cb};
        lstm_model *m;
        lstm_session *s;
        assert_int_equal(lstm_model_open(MODELS_DIR "/bigru_tagger/model.onnx", &opt, &m), LSTM_OK);
        assert_int_equal(lstm_session_open(m, &s), LSTM_OK);
        assert_int_equal(
            lstm_session_set_input(s, "tokens", LSTM_DT_INT64, 2, D2(8, 50), toks, sizeof toks),
            LSTM_OK);
        runner = pthread_self();
        polls = foreign_polls = 0;
        abort_at = 1 << 30;
        assert_int_equal(lstm_session_run(s), LSTM_OK);
        lstm_view v;
        assert_int_equal(lstm_session_output(s, "tag_logits", &v), LSTM_OK);
        memcpy(threads == 1 ? ref : out, v.data, v.nbytes);
        if (threads == 1) nref = v.nbytes;
        if (threads == 2) {
            assert_int_equal(v.nbytes, nref);
            assert_memory_equal(ref, out, nref);
            /* Stop in the middle of the recurrent node's steps. */
            abort_at = polls / 2;
            polls = 0;
            assert_int_equal(lstm_session_run(s), LSTM_EABORTED);
            assert_non_null(strstr(lstm_session_errmsg(s), "aborted"));
            abort_at = 1 << 30;
            assert_int_equal(lstm_session_run(s), LSTM_OK);
            assert_int_equal(lstm_session_output(s, "tag_logits", &v), LSTM_OK);
            assert_memory_equal(ref, v.data, nref);
        }
        assert_int_equal(foreign_polls, 0);
        lstm_session_close(s);
        lstm_model_close(m);
    }
}

/* lstm__sgemm_mt split over two threads (by rows, or by columns when there are few rows), every
** transpose, beta 0 and 1: what one lstm__sgemm call gives, and the helper took part. Equal to
** rounding, not bit for bit: OpenBLAS may block a part differently from the whole product (it
** does with the kernels it picks under valgrind), which changes the order of the additions. */
/* com.microsoft DynamicQuantizeLSTM with products large enough to be split by column panels
** (the input product 8 x 1024 x 256, each step 1 x 1024 x 256): the integer sums are exact, so
** two threads give the bits of one, with the helper taking part. */
static void dq_lstm_split_same_results(void **state)
{
    (void)state;
    enum { T = 8, I = 256, H = 256 };
    static int8_t w[I * 4 * H], r[H * 4 * H];
    static float x[T * I], one[T * H], two[T * H];
    for (int i = 0; i < I * 4 * H; i++) w[i] = (int8_t)((i * 37) % 255 - 127);
    for (int i = 0; i < H * 4 * H; i++) r[i] = (int8_t)((i * 53) % 251 - 125);
    for (int i = 0; i < T * I; i++) x[i] = (float)((i * 29) % 61) / 30 - 1.0f;
    const float ws = 0.002f, rs = 0.001f;
    const int8_t z = 0;
    tb_model *m = tb_new(8, 17);
    tb_input(m, "X", F32, 3, D3(T, 1, I), NULL);
    struct {
        const char *name;
        int dtype, rank;
        const int64_t *dims;
        const void *data;
        size_t bytes;
    } init[] = {
        {"W", I8, 3, D3(1, I, 4 * H), w, sizeof w}, {"R", I8, 3, D3(1, H, 4 * H), r, sizeof r},
        {"WS", F32, 1, D2(1, 0), &ws, 4},           {"WZ", I8, 1, D2(1, 0), &z, 1},
        {"RS", F32, 1, D2(1, 0), &rs, 4},           {"RZ", I8, 1, D2(1, 0), &z, 1}};
    for (int i = 0; i < 6; i++) {
        Onnx__TensorProto *t =
            tb_tensor(m, init[i].name, init[i].dtype, init[i].rank, init[i].dims);
        tb_tensor_raw(m, t, init[i].data, init[i].bytes);
        tb_add_initializer(m, t);
    }
    Onnx__NodeProto *n = tb_node(m, "DynamicQuantizeLSTM", "dq", "X,W,R,,,,,,WS,WZ,RS,RZ", "Y");
    tb_domain(m, n, "com.microsoft", 1);
    tb_attr_i(m, n, "hidden_size", H);
    tb_output(m, "Y", F32, -1, NULL, NULL);
    size_t len;
    const uint8_t *buf = tb_pack(m, &len);
    for (int threads = 1; threads <= 2; threads++) {
        lstm_options opt = {.size = sizeof(lstm_options), .num_threads = threads};
        lstm_model *md;
        lstm_session *s;
        assert_int_equal(lstm_model_open_buffer(buf, len, &opt, &md), LSTM_OK);
        assert_int_equal(lstm_session_open(md, &s), LSTM_OK);
        lstm__workers_set_patient(s->workers, 1);
        int rc = lstm_session_set_input(s, "X", LSTM_DT_FLOAT, 3, D3(T, 1, I), x, sizeof x);
        for (int k = 0;
             !rc && (k < 2 || (threads == 2 && k < 200 && !lstm__workers_helper_parts(s->workers)));
             k++)
            rc = lstm_session_run(s);
        assert_int_equal(rc, LSTM_OK);
        if (threads == 2) assert_true(lstm__workers_helper_parts(s->workers) > 0);
        assert_int_equal(lstm_session_output_copy(s, "Y", threads == 1 ? one : two, sizeof one),
                         LSTM_OK);
        lstm_session_close(s);
        lstm_model_close(md);
    }
    assert_memory_equal(one, two, sizeof one);
    float amax = 0;
    for (int i = 0; i < T * H; i++) amax = fabsf(one[i]) > amax ? fabsf(one[i]) : amax;
    assert_true(amax > 0.01f); /* not a trivial all-zero output */
    tb_free(m);
}

static void blas_split_same_results(void **state)
{
    (void)state;
    lstm__alloc a;
    lstm__alloc_init(&a, NULL);
    lstm__workers *w = lstm__workers_start(2, &a);
    assert_non_null(w);
    lstm__workers_set_patient(w, 1); /* the helper's parts run on the helper */
    static const int shapes[][3] = {{300, 40, 200}, {3, 700, 1000}, {5, 33, 20000}};
    static float A[20000 * 300], B[20000 * 700], C1[300 * 700], C2[300 * 700];
    for (size_t i = 0; i < sizeof A / sizeof *A; i++) A[i] = (float)((i * 7919u) % 201) / 100 - 1;
    for (size_t i = 0; i < sizeof B / sizeof *B; i++) B[i] = (float)((i * 104729u) % 199) / 99 - 1;
    for (int sh = 0; sh < 3; sh++)
        for (int t = 0; t < 8; t++) {
            int m = shapes[sh][0], n = shapes[sh][1], k = shapes[sh][2];
            int ta = t & 1, tb = (t >> 1) & 1;
            float beta = (t >> 2) ? 1.0f : 0.0f;
            for (int i = 0; i < m * n; i++) C1[i] = C2[i] = (float)(i % 13) - 6;
            lstm__sgemm(ta, tb, m, n, k, 0.5f, A, ta ? m : k, B, tb ? k : n, beta, C1, n);
            for (int r = 0; r < 200; r++) { /* until the helper has taken a part */
                unsigned long before = lstm__workers_helper_parts(w);
                for (int i = 0; i < m * n; i++) C2[i] = (float)(i % 13) - 6;
                lstm__sgemm_mt(w, ta, tb, m, n, k, 0.5f, A, ta ? m : k, B, tb ? k : n, beta, C2, n);
                for (int i = 0; i < m * n; i++)
                    if (fabsf(C1[i] - C2[i]) > 1e-5f * (1.0f + fabsf(C1[i]))) {
                        print_error("shape %d, case %d: element %d is %.9g, one call gives %.9g\n",
                                    sh, t, i, (double)C2[i], (double)C1[i]);
                        fail();
                    }
                if (lstm__workers_helper_parts(w) > before) break;
            }
        }
    assert_true(lstm__workers_helper_parts(w) > 0);
    lstm__workers_stop(w);
}

/* Part 1 records its thread; part 0 of a `wait` job waits (up to 2 s) for part 1 to start. */
typedef struct wake_job {
    int wait;
    atomic_int started;
    pthread_t ran1;
} wake_job;

static void wake_part(void *ctx, int part, int parts)
{
    (void)parts;
    wake_job *j = ctx;
    if (part == 1) {
        j->ran1 = pthread_self();
        atomic_store(&j->started, 1);
        return;
    }
    const struct timespec ms = {0, 1000000};
    for (int i = 0; j->wait && i < 2000 && !atomic_load(&j->started); i++) nanosleep(&ms, NULL);
}

static int ran_alone(lstm__workers *w, int wait)
{
    wake_job j = {.wait = wait};
    atomic_init(&j.started, 0);
    lstm__workers_run(w, wake_part, &j);
    return pthread_equal(j.ran1, pthread_self());
}

/* Jobs 2 ms apart with short parts run on the caller alone (waking a helper would cost more
** than its part; asserted, as the premise); after lstm__workers_wake the next one is handed
** out, and the helper, woken ahead, takes its part. */
static void wake_ahead_of_jobs(void **state)
{
    (void)state;
    lstm__alloc a;
    lstm__alloc_init(&a, NULL);
    lstm__workers *w = lstm__workers_start(2, &a);
    assert_non_null(w);
    const struct timespec gap = {0, 2000000};
    int alone = 0;
    for (int i = 0; i < 40 && !alone; i++) { /* until jobs come seldom enough to run alone */
        nanosleep(&gap, NULL);
        alone = ran_alone(w, 0) && i >= 10;
    }
    assert_true(alone); /* helpers do not spin when jobs come more than 0.2 ms apart */
    nanosleep(&gap, NULL);
    lstm__workers_wake(w);
    assert_false(ran_alone(w, 1));
    lstm__workers_stop(w);
}

/* `test_threads openblas-pool` runs openblas_pool_stopped alone, first thing in a fresh process
** (meson test openblas_pool), and exits 77 when OpenBLAS has no pool to stop. */
int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "openblas-pool") == 0) {
        if (lstm_num_threads() < 2) return 77; /* OPENBLAS_NUM_THREADS=1, one core */
        const struct CMUnitTest pool[] = {cmocka_unit_test(openblas_pool_stopped)};
        return cmocka_run_group_tests(pool, NULL, NULL);
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shared_model),
        cmocka_unit_test(helper_threads_same_results),
        cmocka_unit_test(units_split_same_results),
        cmocka_unit_test(abort_parallel_directions),
        cmocka_unit_test(blas_split_same_results),
        cmocka_unit_test(dq_lstm_split_same_results),
        cmocka_unit_test(wake_ahead_of_jobs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
