/* test_threads.c — one loaded model shared by several threads, each with its own session:
** every thread gets exactly the single-threaded outputs. Run under ThreadSanitizer in CI. */
#include "test_util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define THREADS 4
#define RUNS 20

static const lstm_model *shared;
static float reference[40 * 3 * 25];
static size_t ref_bytes;
static int64_t tokens[40 * 3];

static int run_once(lstm_session *s, float *out, size_t cap, size_t *bytes)
{
    int rc = lstm_session_set_input(s, "tokens", LSTM_DT_INT64, 2, D2(40, 3), tokens, sizeof tokens);
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
    for (int i = 0; i < THREADS; i++) assert_int_equal(pthread_create(&t[i], NULL, worker, NULL), 0);
    for (int i = 0; i < THREADS; i++) {
        void *r;
        pthread_join(t[i], &r);
        assert_null(r);
    }
    lstm_model_close(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shared_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
