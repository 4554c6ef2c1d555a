/*
** session.h — a session runs a model: the bindings of the caller's inputs, the plan of the
** model's graph (plan.h) and the plans of its subgraphs, helper threads, and the options of
** its runs (streaming, tracing, profiling).
*/
#ifndef LSTM_SESSION_H
#define LSTM_SESSION_H

#include "model.h"
#include "plan.h"

/* lstm_session_profile's sort entries. */
typedef struct lstm__prof_entry {
    uint64_t ns;
    const lstm__plan *plan;
    int node;
} lstm__prof_entry;

/* CLOCK_MONOTONIC in nanoseconds (profile.c). */
uint64_t lstm__now_ns(void);

/* An output fed back as an input (lstm_session_carry, carry.c). */
typedef struct lstm__carried {
    int out, in; /* graph output and input indices */
    int have;    /* value holds the output of the last run */
    lstm__rt value;
    lstm__buf buf;
    lstm__buf spare; /* a larger buffer made before any value is replaced (carry_keep) */
} lstm__carried;

struct lstm_session {
    const lstm_model *m;
    lstm__alloc alloc;
    lstm__diag diag;
    lstm__pool pool;   /* session lifetime: tables, node states, plans */
    lstm__plan *root;  /* the model's graph */
    lstm__plan *plans; /* every plan (root first) */
    lstm__rt *in;      /* per graph input: what the caller bound */
    unsigned char *in_bound;
    unsigned char *in_fresh; /* per graph input: bound by the caller since the last run */
    lstm__carried *carry;    /* explicit state: up to one per input */
    int n_carry;
    int *input_of, *output_of;     /* per value: its graph input / output index, or -1 */
    int shapes_checked;            /* the bound shapes agree on symbolic dimensions */
    lstm__buf sym_scratch;         /* check_symbols' table */
    lstm__buf *in_items;           /* per graph input: the item views of a bound sequence */
    lstm__seq *in_seqs;            /* per graph input: its sequence holder */
    int ran;                       /* the last run succeeded: outputs are valid */
    struct lstm__workers *workers; /* helper threads, or NULL */
    int streaming;                 /* carry recurrent state between runs */
    lstm_trace_fn trace;           /* gate tracing, or NULL */
    void *trace_ud;
    int profiling; /* time every node of every run */
    uint64_t prof_runs;
    lstm__buf prof_sorted; /* lstm_session_profile's scratch */
    uint64_t allocs;       /* allocations made by runs (grow-only buffers growing) */
    uint64_t held;         /* bytes counted against max_run_bytes (plan.c, "memory held") */
    lstm__seq_bin bin;     /* free sequence storage (seq_store.c) */
    uint64_t seq_copied;   /* tensor bytes copied into sequence items (tests check that a
                           ** growing sequence copies each tensor once) */
};

/* Explicit state (carry.c): the value input i gets in this run (NULL: not bound), keeping the
** carried outputs after a successful run, forgetting them. */
const lstm__rt *lstm__carried_input(lstm_session *s, int i);
int lstm__carry_keep(lstm_session *s);
void lstm__carry_reset(lstm_session *s);

/* Session allocation helpers that count what runs allocate. */
void *lstm__session_alloc(lstm_session *s, size_t n);

#endif
