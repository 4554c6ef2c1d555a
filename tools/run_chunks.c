/*
** run_chunks.c — `lstm-run MODEL --chunk K [--carry OUT=IN]... [--context C] [--pad-last]`:
** feed a long input chunk by chunk, the way an application streams audio or sensor data. The
** inputs whose time axis (--time-axis, default 0) has the full length are cut into chunks of K
** steps (each preceded by the last C steps of the signal before it, zeros at the start, with
** --context C; the last chunk zero-padded to K steps with --pad-last); the others are bound
** whole. Each --carry OUT=IN feeds output OUT of a run back as input IN of the next
** (lstm_session_carry); a carried input the command line does not give starts at zeros. The
** recurrent nodes whose initial state is not an input carry their state from chunk to chunk
** (lstm_session_set_streaming) unless --stateless or --context. The other outputs of the chunks
** are put together along the time axis. Public API only.
*/
#include "run.h"

#include <stdlib.h>
#include <string.h>

/* Bytes of one step along axis a and the number of blocks before it. */
static void split(const int64_t *dims, int rank, int a, size_t es, size_t *inner, size_t *outer)
{
    *inner = es;
    *outer = 1;
    for (int d = a + 1; d < rank; d++) *inner *= (size_t)dims[d];
    for (int d = 0; d < a; d++) *outer *= (size_t)dims[d];
}

/* Steps t0 .. t0 + len - 1 of x along axis a into dst (steps outside 0 .. end - 1 are 0). */
static void cut(const lstm_tensor *x, int a, int64_t t0, int64_t len, int64_t end, void *dst)
{
    size_t inner, outer;
    split(x->dims, x->rank, a, lstm_dtype_size(x->dtype), &inner, &outer);
    const int64_t L = x->dims[a];
    for (size_t o = 0; o < outer; o++)
        for (int64_t t = 0; t < len; t++) {
            char *d = (char *)dst + (o * (size_t)len + (size_t)t) * inner;
            int64_t src = t0 + t;
            if (src < 0 || src >= end)
                memset(d, 0, inner);
            else
                memcpy(d, (const char *)x->data + (o * (size_t)L + (size_t)src) * inner, inner);
        }
}

typedef struct joined {
    lstm_tensor t; /* the outputs of the chunks so far, along the time axis */
    int ok;        /* every chunk gave a tensor that goes along the time axis */
    int per_chunk; /* 1: one step per chunk (a frame's score); 0: one per step fed; -1: not
                   ** told apart yet (chunks of one step) */
} joined;

/* Append chunk output v (declared as vi) to j along axis a, when it goes along time: one step
** per step fed (len), or one per chunk (a frame's score, a state after each chunk); never an
** axis the model declares with a fixed size other than 1 (classes, directions). A chunk of one
** step is either. */
static int join(joined *j, const lstm_view *v, const lstm_value_info *vi, int a, int64_t len)
{
    int per_chunk = len == 1 ? -1 : v->rank > a && v->dims[a] == 1;
    if (v->rank <= a || (v->dims[a] != len && per_chunk != 1) ||
        (declared_fixed(vi, a) && vi->dims[a] != 1) ||
        (j->t.data && per_chunk >= 0 && j->per_chunk >= 0 && per_chunk != j->per_chunk)) {
        j->ok = 0;
        return 0;
    }
    if (per_chunk >= 0 || !j->t.data) j->per_chunk = per_chunk;
    size_t es = lstm_dtype_size(v->dtype), inner, outer, vinner, vouter;
    if (j->t.data) {
        int same = v->dtype == j->t.dtype && v->rank == j->t.rank;
        for (int d = 0; same && d < v->rank; d++) same = d == a || v->dims[d] == j->t.dims[d];
        if (!same) {
            j->ok = 0;
            return 0;
        }
    } else {
        j->t.dtype = v->dtype;
        j->t.rank = v->rank;
        memcpy(j->t.dims, v->dims, sizeof v->dims);
        j->t.dims[a] = 0;
    }
    split(j->t.dims, j->t.rank, a, es, &inner, &outer);
    split(v->dims, v->rank, a, es, &vinner, &vouter);
    const int64_t L = j->t.dims[a], n = v->dims[a];
    size_t bytes = outer * inner * (size_t)(L + n);
    char *data = malloc(bytes ? bytes : 1);
    if (!data) return 1;
    for (size_t o = 0; o < outer; o++) {
        if (L)
            memcpy(data + o * inner * (size_t)(L + n), (char *)j->t.data + o * inner * (size_t)L,
                   inner * (size_t)L);
        if (n)
            memcpy(data + (o * (size_t)(L + n) + (size_t)L) * inner,
                   (const char *)v->data + o * inner * (size_t)n, inner * (size_t)n);
    }
    free(j->t.data);
    j->t.data = data;
    j->t.dims[a] = L + n;
    j->t.nbytes = bytes;
    return 0;
}

/* What a chunked run gives for each output: put together, or the last chunk's. */
typedef struct chunk_out {
    lstm_model *m;
    lstm_session *s;
    const run_cfg *c;
    const joined *outs;
} chunk_out;

/* Output i's view and how it was made (NULL: the output cannot be read); 0 when there is one. */
static int chunk_view(const chunk_out *o, int i, lstm_view *v, const char **note)
{
    lstm_value_info vi;
    lstm_model_output_info(o->m, i, &vi);
    const joined *j = &o->outs[i];
    int kept = carried(o->c->carry_out, o->c->n_carry, vi.name);
    if (!kept && j->ok && j->t.data) {
        *v = (lstm_view){
            .dtype = j->t.dtype, .rank = j->t.rank, .data = j->t.data, .nbytes = j->t.nbytes};
        memcpy(v->dims, j->t.dims, sizeof v->dims);
        *note =
            j->per_chunk == 1 ? "one per chunk, put together" : "the chunks' outputs put together";
        return 0;
    }
    *note = kept ? "carried: the last chunk's" : "the last chunk's";
    return lstm_session_output(o->s, vi.name, v) != LSTM_OK;
}

static int same_shape(const lstm_view *v, const lstm_tensor *t)
{
    return v->rank == t->rank && !memcmp(v->dims, t->dims, (size_t)t->rank * sizeof *t->dims);
}

/* expect_get over a chunked run's outputs. An output put together one per chunk (a state) is
** compared as the last chunk's when that, not the whole, has the reference's shape: a one-call
** reference holds the state after the whole signal. */
static int chunk_get(void *ud, const char *name, const lstm_tensor *want, lstm_view *v)
{
    const chunk_out *o = ud;
    lstm_value_info vi;
    const char *note;
    int i = 0, n = lstm_model_output_count(o->m);
    while (i < n && (lstm_model_output_info(o->m, i, &vi) || strcmp(vi.name, name) != 0)) i++;
    if (i == n || chunk_view(o, i, v, &note)) return 1;
    lstm_view last;
    if (o->outs[i].per_chunk == 1 && !same_shape(v, want) &&
        lstm_session_output(o->s, vi.name, &last) == LSTM_OK && same_shape(&last, want)) {
        printf("  output '%s': the last chunk's, as the reference has one chunk's shape\n", name);
        *v = last;
    }
    return 0;
}

int run_chunked(lstm_model *m, lstm_session *s, const run_cfg *c, lstm_tensor *ts,
                const char **names, int nt, const unsigned char *generated,
                const expect_list *expect)
{
    const int a = c->time_axis, K = c->chunk, C = c->context;
    int status = 1, n_out = lstm_model_output_count(m);
    joined *outs = calloc((size_t)n_out + 1, sizeof *outs);
    void **bufs = calloc((size_t)nt + 1, sizeof *bufs);
    if (!outs || !bufs) goto done;
    for (int k = 0; k < c->n_carry; k++) {
        if (lstm_session_carry(s, c->carry_out[k], c->carry_in[k])) {
            fprintf(stderr, "lstm-run: --carry %s=%s: %s\n", c->carry_out[k], c->carry_in[k],
                    lstm_session_errmsg(s));
            goto done;
        }
    }
    /* Recurrent nodes whose initial state is not an input carry it on, as an application
    ** streaming with lstm_session_set_streaming does; not with --context, whose chunks feed
    ** again the C steps such a state has seen. */
    const int stream = !c->stateless && !C;
    if (stream && lstm_session_set_streaming(s, 1)) {
        fprintf(stderr, "lstm-run: %s\n", lstm_session_errmsg(s));
        goto done;
    }
    /* The inputs that can be cut: not carried, with an axis a the model does not fix. */
    unsigned char cuttable[64] = {0};
    for (int i = 0; i < nt && i < 64; i++) {
        lstm_value_info vi;
        find_decl(m, 1, names[i], &vi);
        cuttable[i] = !carried(c->carry_in, c->n_carry, names[i]) && ts[i].rank > a &&
                      !declared_fixed(&vi, a);
    }
    /* The length of the signal: the time axis of the first input that can be cut. */
    int64_t L = -1;
    for (int i = 0; i < nt; i++)
        if (cuttable[i] && L < 0) L = ts[i].dims[a];
    if (L < 0) {
        fprintf(stderr,
                "lstm-run: --chunk: no input has a time axis %d (one the model does not fix "
                "to a size)\n",
                a);
        goto done;
    }
    for (int i = 0; i < nt; i++) {
        lstm_tensor *t = &ts[i];
        if (carried(c->carry_in, c->n_carry, names[i])) {
            if (generated[i]) { /* a state starts at zeros */
                memset(t->data, 0, t->nbytes);
                printf("carried input '%s' starts at zeros\n", names[i]);
            }
        } else if (cuttable[i] && t->dims[a] == L) {
            size_t inner, outer;
            split(t->dims, t->rank, a, lstm_dtype_size(t->dtype), &inner, &outer);
            bufs[i] = malloc(inner * outer * (size_t)(K + C) + 1);
            if (!bufs[i]) goto done;
            continue;
        }
        if (lstm_session_set_input(s, names[i], t->dtype, t->rank, t->dims, t->data, t->nbytes)) {
            fprintf(stderr, "lstm-run: %s\n", lstm_session_errmsg(s));
            goto done;
        }
    }
    for (int i = 0; i < n_out; i++) outs[i].ok = 1;
    int64_t chunks = 0;
    for (int64_t t0 = 0; t0 < L; t0 += K, chunks++) {
        int64_t n = L - t0 < K ? L - t0 : K, len = (c->pad_last ? K : n) + C;
        for (int i = 0; i < nt; i++) {
            if (!bufs[i]) continue;
            lstm_tensor *t = &ts[i];
            int64_t dims[LSTM_MAX_RANK];
            memcpy(dims, t->dims, sizeof dims);
            dims[a] = len;
            cut(t, a, t0 - C, len, t0 + n, bufs[i]);
            size_t inner, outer;
            split(t->dims, t->rank, a, lstm_dtype_size(t->dtype), &inner, &outer);
            if (lstm_session_set_input(s, names[i], t->dtype, t->rank, dims, bufs[i],
                                       inner * outer * (size_t)len)) {
                fprintf(stderr, "lstm-run: %s\n", lstm_session_errmsg(s));
                goto done;
            }
        }
        int rc = lstm_session_run(s);
        if (rc) {
            fprintf(stderr, "lstm-run: chunk %lld (steps %lld..%lld): %s: %s\n", (long long)chunks,
                    (long long)t0, (long long)(t0 + n - 1), lstm_errstr(rc),
                    lstm_session_errmsg(s));
            if (stream && strstr(lstm_session_errmsg(s), "stream"))
                fprintf(stderr, "lstm-run: (--stateless runs each chunk from the initial state)\n");
            goto done;
        }
        for (int i = 0; i < n_out; i++) {
            lstm_value_info vi;
            lstm_view v;
            lstm_model_output_info(m, i, &vi);
            if (carried(c->carry_out, c->n_carry, vi.name) || lstm_session_output(s, vi.name, &v))
                continue;
            if (outs[i].ok && join(&outs[i], &v, &vi, a, len)) goto done;
        }
    }
    printf("%lld chunks of %d steps along axis %d (%lld steps%s%s)\n", (long long)chunks, K, a,
           (long long)L, C ? ", with context" : "", c->pad_last ? ", the last one padded" : "");
    const chunk_out co = {m, s, c, outs};
    for (int i = 0; i < n_out; i++) {
        lstm_value_info vi;
        lstm_view v;
        const char *note;
        lstm_model_output_info(m, i, &vi);
        if (chunk_view(&co, i, &v, &note)) continue;
        print_output(vi.name, &v, note);
        if (c->output_dir && write_output(c, vi.name, &v)) goto done;
    }
    status = expect_compare(expect, m, c, chunk_get, (void *)&co);
done:
    for (int i = 0; outs && i < n_out; i++) free(outs[i].t.data);
    for (int i = 0; bufs && i < nt; i++) free(bufs[i]);
    free(outs);
    free(bufs);
    return status;
}
