/*
** carry.c — explicit state (lstm_session_carry): models that take their state as an input and
** return the next state as an output (Silero VAD: stateN -> state; PyTorch state I/O:
** hn -> h0, cn -> c0). After every successful run the output is copied into the session and
** bound to the input for the next run, unless the caller binds that input again first.
*/
#include "dtype.h"
#include "session.h"

#include <string.h>

static int find(const lstm__decl *d, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(d[i].name, name) == 0) return i;
    return -1;
}

int lstm_session_carry(lstm_session *s, const char *out, const char *in)
{
    if (!s) return LSTM_EINVAL;
    lstm__diag_clear(&s->diag);
    const lstm__graph *g = s->m->g;
    if (!out || !in) return lstm__errf(&s->diag, LSTM_EINVAL, "carry: a name is NULL");
    int o = find(g->outputs, g->n_outputs, out), i = find(g->inputs, g->n_inputs, in);
    if (o < 0) return lstm__errf(&s->diag, LSTM_EINVAL, "carry: the model has no output '%s'", out);
    if (i < 0) return lstm__errf(&s->diag, LSTM_EINVAL, "carry: the model has no input '%s'", in);
    const lstm__type *to = &g->outputs[o].type, *ti = &g->inputs[i].type;
    if (to->kind == LSTM__VK_TENSOR && ti->kind == LSTM__VK_TENSOR && to->dtype && ti->dtype &&
        to->dtype != ti->dtype)
        return lstm__errf(&s->diag, LSTM_EINVAL, "carry: output '%s' is %s, input '%s' is %s", out,
                          lstm__dtype_name(to->dtype), in, lstm__dtype_name(ti->dtype));
    for (int k = 0; k < s->n_carry; k++)
        if (s->carry[k].in == i)
            return lstm__errf(&s->diag, LSTM_EINVAL, "carry: input '%s' already receives '%s'", in,
                              g->outputs[s->carry[k].out].name);
    if (s->n_carry >= g->n_inputs)
        return lstm__errf(&s->diag, LSTM_EINVAL, "carry: every input is carried already");
    lstm__carried *c = &s->carry[s->n_carry++];
    memset(c, 0, sizeof *c);
    c->out = o;
    c->in = i;
    return LSTM_OK;
}

/* The value input i gets in this run: the carried one, unless the caller bound it since. */
const lstm__rt *lstm__carried_input(lstm_session *s, int i)
{
    for (int k = 0; k < s->n_carry; k++) {
        lstm__carried *c = &s->carry[k];
        if (c->in == i && c->have && !s->in_fresh[i]) return &c->value;
    }
    return s->in_bound[i] ? &s->in[i] : NULL;
}

/* All or nothing: a run that fails leaves every carried value as the last successful run left
** it, so outputs that outgrew their buffer get a new one (spare) before any value is replaced. */
static int outgrown(const lstm__buf *b, size_t n)
{
    return !(n <= b->cap && (b->p || !n));
}

int lstm__carry_keep(lstm_session *s)
{
    for (int k = 0; k < s->n_carry; k++) {
        lstm__carried *c = &s->carry[k];
        const lstm__rt *t = lstm__plan_output(s->root, c->out);
        if (t->kind != LSTM__VAL_TENSOR || t->none)
            return lstm__errf(&s->diag, LSTM_EINVAL, "carry: output '%s' is not a tensor",
                              s->m->g->outputs[c->out].name);
        if (!outgrown(&c->buf, t->nbytes)) continue;
        int rc = lstm__buf_reserve(s->root, &c->spare, t->nbytes, NULL, "the carried output",
                                   s->m->g->outputs[c->out].name);
        if (rc) return rc;
    }
    for (int k = 0; k < s->n_carry; k++) {
        lstm__carried *c = &s->carry[k];
        const lstm__rt *t = lstm__plan_output(s->root, c->out);
        if (outgrown(&c->buf, t->nbytes)) {
            lstm__buf old = c->buf;
            c->buf = c->spare;
            c->spare = old; /* the old state, reused or freed when it grows again */
        }
        c->value = *t;
        c->value.known = 0;
        c->value.data = c->buf.p;
        if (t->nbytes) memcpy(c->buf.p, t->data, t->nbytes);
        c->have = 1;
    }
    return LSTM_OK;
}

void lstm__carry_reset(lstm_session *s)
{
    for (int k = 0; k < s->n_carry; k++) s->carry[k].have = 0;
}
