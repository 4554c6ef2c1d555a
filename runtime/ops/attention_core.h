/* attention_core.h — the body of Attention's run (op_attention.c), included once per compute
** type: AC_REAL (float or double), AC_(name) naming the functions, AC_EXP / AC_TANH, AC_GEMM
** (C = alpha A op(B), row-major) and AC_LOAD / AC_STORE (a run of elements between a tensor and
** AC_REAL values). Q, K and V are gathered into the scratch as [B, H, rows, size] before the
** products; present_key / present_value are written from there. */

/* Round v to the softmax precision st->sp_round (when it is narrower than AC_REAL). */
static inline AC_REAL AC_(sp)(const lstm__attn_state *st, AC_REAL v)
{
    switch (st->sp_round) {
    case LSTM_DT_FLOAT:
        return (AC_REAL)(float)v;
    case LSTM_DT_FLOAT16:
        return (AC_REAL)lstm__f16_to_f32(lstm__f32_to_f16((float)v));
    case LSTM_DT_BFLOAT16:
        return (AC_REAL)lstm__bf16_to_f32(lstm__f32_to_bf16((float)v));
    default:
        return v;
    }
}

/* Gather X (Q, K or V: 3-D [B, rows, H * size] or 4-D [B, H, rows, size]) into dst
** [B, H, total, size] at row offset `at` of each head. */
static void AC_(gather)(const lstm__rt *X, int three_d, int64_t B, int64_t H, int64_t rows,
                        int64_t size, AC_REAL *dst, int64_t total, int64_t at)
{
    if (!X->nelem) return; /* nothing to copy (its other dims may be huge) */
    for (int64_t b = 0; b < B; b++)
        for (int64_t h = 0; h < H; h++) {
            AC_REAL *o = dst + ((b * H + h) * total + at) * size;
            if (!three_d) {
                AC_LOAD(X, (size_t)((b * H + h) * rows * size), o, (size_t)(rows * size));
                continue;
            }
            for (int64_t r = 0; r < rows; r++)
                AC_LOAD(X, (size_t)(((b * rows + r) * H + h) * size), o + r * size, (size_t)size);
        }
}

/* Y for one (batch, query head): the row-wise softmax of the scores sc [S, T] (masked and
** capped already) times the value head. Rows whose keys are all masked give zeros in Y. */
static void AC_(head)(lstm__kctx *k, const lstm__attn_state *st, const lstm__attn_params *p,
                      int64_t b, int64_t h)
{
    const int64_t S = st->S, T = st->T, D = st->D, Dv = st->Dv;
    const int64_t g = h / (st->Hq / st->Hkv);
    unsigned char *sbase = k->scratch;
    const AC_REAL *q = (const AC_REAL *)(sbase + st->q_off) + (b * st->Hq + h) * S * D;
    const AC_REAL *kk = (const AC_REAL *)(sbase + st->k_off) + (b * st->Hkv + g) * T * D;
    const AC_REAL *vv = (const AC_REAL *)(sbase + st->v_off) + (b * st->Hkv + g) * T * Dv;
    AC_REAL *sc = (AC_REAL *)(sbase + st->sc_off), *y = (AC_REAL *)(sbase + st->y_off);
    unsigned char *full = sbase + st->full_off;
    lstm__rt *QK = k->n->n_out > 3 ? k->out[3] : NULL;
    const size_t qk_at = (size_t)((b * st->Hq + h) * S * T);
    const AC_REAL neg_inf = -(AC_REAL)INFINITY;

    if (T > 0 && D > 0)
        AC_GEMM(k, 0, 1, (int)S, (int)T, (int)D, (AC_REAL)st->scale, q, (int)D, kk, (int)D, sc,
                (int)T);
    else
        for (int64_t i = 0; i < S * T; i++) sc[i] = 0;
    if (QK && p->mode == 0) AC_STORE(QK, qk_at, sc, (size_t)(S * T));
    if (p->softcap != 0.0f) {
        const AC_REAL c = (AC_REAL)p->softcap;
        for (int64_t i = 0; i < S * T; i++) sc[i] = c * AC_TANH(sc[i] / c);
    }
    if (QK && p->mode == 1) AC_STORE(QK, qk_at, sc, (size_t)(S * T));

    /* The bias, added to the scores as in the function body (a NaN or +inf score at a masked
    ** key gives NaN): the mask (bool: false is -inf; additive: added, -inf past its last
    ** dimension), the causal frontier t <= s + offset, the keys past nonpad_kv_seqlen[b].
    ** A row is fully masked when its every key's bias is -inf (the errata's guard reads the
    ** bias, not the scores: a row of -inf scores from an infinite Q or K is not masked). */
    const lstm__rt *M = st->mask ? k->in[3] : NULL;
    const lstm__rt *NP = k->n->n_in > 6 ? k->in[6] : NULL;
    const int64_t valid = NP ? ((const int64_t *)NP->data)[b] : T;
    const int64_t off = st->P ? st->P : NP ? valid - S : 0;
    for (int64_t s = 0; s < S; s++) {
        AC_REAL *row = sc + s * T;
        const int64_t mrow = b * st->mst[0] + h * st->mst[1] + s * st->mst[2];
        int64_t last = valid; /* keys at or past it are masked */
        int all_masked = 1;
        if (p->is_causal && s + off + 1 < last) last = s + off + 1 < 0 ? 0 : s + off + 1;
        for (int64_t t = 0; t < T; t++) {
            if (t >= last) {
                row[t] += neg_inf;
            } else if (!M) {
                all_masked = 0;
            } else if (t >= st->mask_t) {
                row[t] += neg_inf;
            } else {
                const size_t mi = (size_t)(mrow + t * st->mst[3]);
                if (st->mask == 1) {
                    if (((const unsigned char *)M->data)[mi])
                        all_masked = 0;
                    else
                        row[t] += neg_inf;
                } else {
                    const AC_REAL bias = AC_MASK(M, mi);
                    if (bias != neg_inf) all_masked = 0;
                    row[t] += bias;
                }
            }
        }
        full[s] = (unsigned char)all_masked;
    }
    if (QK && p->mode == 2) AC_STORE(QK, qk_at, sc, (size_t)(S * T));

    /* Softmax per row (in st->sp_round's precision when narrower; double when asked). A
    ** fully masked row: qk_matmul_output mode 3 keeps the NaN the softmax gives it, Y gets
    ** zeros (the errata of Attention 23 and 24). A row of -inf scores that is not masked
    ** gives NaN, as Softmax does. */
    for (int64_t s = 0; s < S; s++) {
        AC_REAL *row = sc + s * T;
        AC_REAL mx = neg_inf;
        for (int64_t t = 0; t < T; t++) {
            row[t] = AC_(sp)(st, row[t]);
            if (row[t] > mx || row[t] != row[t]) mx = row[t];
        }
        if (full[s]) {
            for (int64_t t = 0; t < T; t++) row[t] = (AC_REAL)NAN;
            continue;
        }
        if (st->sp_double) {
            double sum = 0;
            for (int64_t t = 0; t < T; t++) sum += exp((double)row[t] - (double)mx);
            for (int64_t t = 0; t < T; t++)
                row[t] = (AC_REAL)(exp((double)row[t] - (double)mx) / sum);
        } else {
            AC_REAL sum = 0;
            for (int64_t t = 0; t < T; t++) sum += (row[t] = AC_EXP(row[t] - mx));
            for (int64_t t = 0; t < T; t++) row[t] /= sum;
        }
        for (int64_t t = 0; t < T; t++) row[t] = AC_(sp)(st, row[t]);
    }
    if (QK && p->mode == 3) AC_STORE(QK, qk_at, sc, (size_t)(S * T));
    for (int64_t s = 0; s < S; s++)
        if (full[s])
            for (int64_t t = 0; t < T; t++) sc[s * T + t] = 0;

    if (T > 0 && Dv > 0)
        AC_GEMM(k, 0, 0, (int)S, (int)Dv, (int)T, (AC_REAL)1, sc, (int)T, vv, (int)Dv, y, (int)Dv);
    else
        for (int64_t i = 0; i < S * Dv; i++) y[i] = 0;
    lstm__rt *Y = k->out[0];
    for (int64_t s = 0; s < S; s++) {
        if (full[s])
            for (int64_t i = 0; i < Dv; i++) y[s * Dv + i] = 0;
        const int64_t at =
            st->three_d ? ((b * S + s) * st->Hq + h) * Dv : ((b * st->Hq + h) * S + s) * Dv;
        AC_STORE(Y, (size_t)at, y + s * Dv, (size_t)Dv);
    }
}

static void AC_(run)(lstm__kctx *k, const lstm__attn_state *st, const lstm__attn_params *p)
{
    unsigned char *sbase = k->scratch;
    if (!sbase) return; /* no scratch: Q, K, V and every output are empty */
    AC_REAL *qs = (AC_REAL *)(sbase + st->q_off), *ks = (AC_REAL *)(sbase + st->k_off),
            *vs = (AC_REAL *)(sbase + st->v_off);
    AC_(gather)(k->in[0], st->three_d, st->B, st->Hq, st->S, st->D, qs, st->S, 0);
    if (st->P) {
        AC_(gather)(k->in[4], 0, st->B, st->Hkv, st->P, st->D, ks, st->T, 0);
        AC_(gather)(k->in[5], 0, st->B, st->Hkv, st->P, st->Dv, vs, st->T, 0);
    }
    AC_(gather)(k->in[1], st->three_d, st->B, st->Hkv, st->Tn, st->D, ks, st->T, st->P);
    AC_(gather)(k->in[2], st->three_d, st->B, st->Hkv, st->Tn, st->Dv, vs, st->T, st->P);
    if (k->n->n_out > 1 && k->out[1]) AC_STORE(k->out[1], 0, ks, k->out[1]->nelem);
    if (k->n->n_out > 2 && k->out[2]) AC_STORE(k->out[2], 0, vs, k->out[2]->nelem);
    /* With Y and the scores empty (or absent) no head has work, and B * Hq may be huge. */
    const lstm__rt *QK = k->n->n_out > 3 ? k->out[3] : NULL;
    if (!k->out[0]->nelem && !(QK && QK->nelem)) return;
    for (int64_t b = 0; b < st->B; b++)
        for (int64_t h = 0; h < st->Hq; h++) AC_(head)(k, st, p, b, h);
}
