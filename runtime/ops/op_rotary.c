/*
** op_rotary.c — RotaryEmbedding (23): rotary position embeddings on X [B, H, S, D] (4-D) or
** [B, S, H * D] (3-D, num_heads required). The first rotary_embedding_dim values of each head
** (0: all D; even, at most D) are rotated in pairs (x1, x2), taken as the two halves or, with
** interleaved = 1, as the even / odd values: x1' = cos x1 - sin x2, x2' = sin x1 + cos x2; the
** rest is copied. cos / sin come from cos_cache / sin_cache: rows [max_pos, >= rot / 2] picked by
** position_ids [B, S] (int64; negative counts from the end, as Gather), or without position_ids
** [B, S, >= rot / 2] read directly (a batch dimension of 1 broadcasts, as the function body's
** Mul does). num_heads given with a 4-D X must equal its H. float32 has a direct loop; float16
** and bfloat16 compute in double, rounded once. Position ids are checked as the run reads them.
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"

#include <string.h>

int lstm__rotary_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                       lstm__diag *d)
{
    lstm__rope_params *p = params;
    static const char *const names[] = {"interleaved", "num_heads", "rotary_embedding_dim", NULL};
    char b[LSTM__LABEL_MAX];
    memset(p, 0, sizeof *p);
    if (lstm__arity(g, n, 3, 4, 1, 1, d) || lstm__attrs_allowed(g, n, since, names, d) ||
        lstm__attr_flag(g, n, "interleaved", 0, &p->interleaved, d) ||
        lstm__attr_int(g, n, "rotary_embedding_dim", 0, &p->rot_dim, d) ||
        lstm__attr_int(g, n, "num_heads", 0, &p->num_heads, d))
        return d->code;
    if (p->rot_dim < 0 || p->rot_dim % 2)
        return lstm__errf(d, LSTM_EMODEL,
                          "%s: rotary_embedding_dim is %lld, expected 0 (the head size) or a "
                          "positive even number",
                          lstm__node_ctx(g, n, b, sizeof b), (long long)p->rot_dim);
    if (lstm__attr_find(n, "num_heads") && p->num_heads < 1)
        return lstm__errf(d, LSTM_EMODEL, "%s: num_heads is %lld, expected 1 or more",
                          lstm__node_ctx(g, n, b, sizeof b), (long long)p->num_heads);
    return LSTM_OK;
}

int lstm__rotary_prepare(lstm__kctx *k)
{
    const lstm__rope_params *p = k->params;
    lstm__rope_state *st = k->state;
    const lstm__rt *X = k->in[0], *C = k->in[1], *Sn = k->in[2];
    const lstm__rt *P = k->n->n_in > 3 ? k->in[3] : NULL;
    char s1[96], s2[96];
    memset(st, 0, sizeof *st);
    if (X->dtype != LSTM_DT_FLOAT && X->dtype != LSTM_DT_FLOAT16 && X->dtype != LSTM_DT_BFLOAT16)
        return lstm__errf(k->d, LSTM_EUNSUPPORTED,
                          "%s: X is %s, expected float32, float16 or bfloat16", lstm__klabel(k),
                          lstm__dtype_name(X->dtype));
    if (C->dtype != X->dtype || Sn->dtype != X->dtype)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: cos_cache is %s and sin_cache %s, expected %s",
                          lstm__klabel(k), lstm__dtype_name(C->dtype), lstm__dtype_name(Sn->dtype),
                          lstm__dtype_name(X->dtype));
    if (X->rank == 4) {
        st->four_d = 1;
        st->B = X->dims[0], st->H = X->dims[1], st->S = X->dims[2], st->D = X->dims[3];
        if (p->num_heads && p->num_heads != st->H)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: num_heads is %lld but X %s (4-D) has %lld heads",
                              lstm__klabel(k), (long long)p->num_heads,
                              lstm__dims_str(s1, sizeof s1, X->rank, X->dims), (long long)st->H);
    } else if (X->rank == 3) {
        if (!p->num_heads)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: X %s is 3-D [batch, sequence, hidden]: attribute num_heads is "
                              "required",
                              lstm__klabel(k), lstm__dims_str(s1, sizeof s1, X->rank, X->dims));
        if (X->dims[2] % p->num_heads)
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: hidden size %lld of X is not a multiple of num_heads %lld",
                              lstm__klabel(k), (long long)X->dims[2], (long long)p->num_heads);
        st->B = X->dims[0], st->S = X->dims[1], st->H = p->num_heads;
        st->D = X->dims[2] / p->num_heads;
    } else {
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: X has shape %s, expected [batch, heads, sequence, head size] or "
                          "[batch, sequence, hidden]",
                          lstm__klabel(k), lstm__dims_str(s1, sizeof s1, X->rank, X->dims));
    }
    const int64_t rot = p->rot_dim ? p->rot_dim : st->D;
    if (rot > st->D || rot % 2)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: rotary_embedding_dim %lld does not fit the head size %lld (it must "
                          "be even and at most the head size)",
                          lstm__klabel(k), (long long)rot, (long long)st->D);
    st->half = rot / 2;
    const int crank = P ? 2 : 3;
    int ok = C->rank == crank && Sn->rank == crank &&
             memcmp(C->dims, Sn->dims, sizeof(int64_t) * (size_t)crank) == 0 &&
             C->dims[crank - 1] >= st->half;
    if (ok && !P) ok = (C->dims[0] == st->B || C->dims[0] == 1) && C->dims[1] == st->S;
    if (!ok)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: cos_cache %s and sin_cache %s, expected both %s with a last "
                          "dimension of at least %lld (rotary_embedding_dim / 2)",
                          lstm__klabel(k), lstm__dims_str(s1, sizeof s1, C->rank, C->dims),
                          lstm__dims_str(s2, sizeof s2, Sn->rank, Sn->dims),
                          P ? "[max_position_id + 1, n] (position_ids given)"
                            : "[batch, sequence, n] (no position_ids)",
                          (long long)st->half);
    st->cdim = C->dims[crank - 1];
    st->max_pos = P ? C->dims[0] : 0;
    if (P && (P->dtype != LSTM_DT_INT64 || P->rank != 2 ||
              (P->dims[0] != st->B && P->dims[0] != 1) || P->dims[1] != st->S))
        return lstm__errf(
            k->d, LSTM_EINVAL, "%s: position_ids is %s %s, expected int64 [%lld, %lld]",
            lstm__klabel(k), lstm__dtype_name(P->dtype),
            lstm__dims_str(s1, sizeof s1, P->rank, P->dims), (long long)st->B, (long long)st->S);
    if (P && st->max_pos == 0 && st->B * st->S > 0)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: cos_cache %s has no row for the position ids to pick",
                          lstm__klabel(k), lstm__dims_str(s1, sizeof s1, C->rank, C->dims));
    return lstm__rt_set(k, k->out[0], X->dtype, X->rank, X->dims);
}

int lstm__rotary_run(lstm__kctx *k)
{
    const lstm__rope_params *p = k->params;
    const lstm__rope_state *st = k->state;
    const lstm__rt *X = k->in[0], *C = k->in[1], *Sn = k->in[2];
    const lstm__rt *P = k->n->n_in > 3 ? k->in[3] : NULL;
    lstm__rt *Y = k->out[0];
    const int64_t D = st->D, half = st->half, S = st->S;
    /* element strides of X over (batch, sequence, head) */
    const int64_t sb = st->H * S * D, ss = st->four_d ? D : st->H * D, sh = st->four_d ? S * D : D;
    const int64_t x2 = p->interleaved ? 1 : half, step = p->interleaved ? 2 : 1;
    for (int64_t b = 0; b < st->B; b++)
        for (int64_t s = 0; s < S; s++) {
            int64_t row; /* the caches' row, in elements */
            if (P) {
                const int64_t pi = (P->dims[0] == 1 ? 0 : b * S) + s;
                int64_t pos = ((const int64_t *)P->data)[pi];
                if (pos < -st->max_pos || pos >= st->max_pos)
                    return lstm__errf(k->d, LSTM_EINVAL,
                                      "%s: position_ids[%lld][%lld] is %lld, outside [-%lld, "
                                      "%lld) (the rows of cos_cache)",
                                      lstm__klabel(k), (long long)(pi / S), (long long)s,
                                      (long long)pos, (long long)st->max_pos,
                                      (long long)st->max_pos);
                row = (pos < 0 ? pos + st->max_pos : pos) * st->cdim;
            } else {
                row = ((C->dims[0] == 1 ? 0 : b * S) + s) * st->cdim;
            }
            for (int64_t h = 0; h < st->H; h++) {
                const int64_t base = b * sb + s * ss + h * sh;
                if (X->dtype == LSTM_DT_FLOAT) {
                    const float *x = (const float *)X->data + base;
                    const float *c = (const float *)C->data + row,
                                *sn = (const float *)Sn->data + row;
                    float *y = (float *)Y->data + base;
                    for (int64_t i = 0; i < half; i++) {
                        const float a = x[i * step], e = x[i * step + x2];
                        y[i * step] = c[i] * a - sn[i] * e;
                        y[i * step + x2] = sn[i] * a + c[i] * e;
                    }
                    for (int64_t i = 2 * half; i < D; i++) y[i] = x[i];
                    continue;
                }
                for (int64_t i = 0; i < half; i++) {
                    const size_t i1 = (size_t)(base + i * step), i2 = i1 + (size_t)x2;
                    const double a = lstm__get_f(X, i1), e = lstm__get_f(X, i2),
                                 c = lstm__get_f(C, (size_t)(row + i)),
                                 sn = lstm__get_f(Sn, (size_t)(row + i));
                    lstm__put_f(Y, i1, c * a - sn * e);
                    lstm__put_f(Y, i2, sn * a + c * e);
                }
                for (int64_t i = 2 * half; i < D; i++)
                    lstm__put_f(Y, (size_t)(base + i), lstm__get_f(X, (size_t)(base + i)));
            }
        }
    return LSTM_OK;
}
