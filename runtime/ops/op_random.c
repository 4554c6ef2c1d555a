/*
** op_random.c — random values (rows flagged LSTM__OPF_RANDOM: new values at every run):
**   RandomNormal  1 (22 adds bfloat16): a tensor of the `shape` attribute drawn from
**                 N(mean, scale^2), of type `dtype` (float32 by default; float16, float64).
**   RandomUniform 1, 22: the same from U[low, high).
**   RandomNormalLike / RandomUniformLike 1, 22: the input's shape; `dtype` defaults to the
**                 input's type (which must then be a float type); the input's values unused.
**   Bernoulli     15, 22: 1 where a uniform draw falls below the input's probability, else 0,
**                 of type `dtype` (default the input's): float, integer and bool types.
**   Multinomial   7, 22: `sample_size` class indices per row of a [batch, classes] input of
**                 unnormalised log-probabilities (softmax), int32 (default) or int64.
** Each node has its own generator per session: xoshiro256++ (Blackman and Vigna), its state
** filled by splitmix64 from the `seed` attribute's bits at the node's first prepare, then
** running on from run to run, as onnxruntime's generators do; a node without `seed` starts
** from a process-wide counter mixed with the clock. ONNX leaves the values to each
** implementation, so they are not onnxruntime's: the tests check the distributions.
** Normal draws: Box-Muller on 53-bit uniforms in double, stored in the output's type.
*/
#include "ops/op_util.h"
#include "ops/ops.h"
#include "dtype.h"

#include <math.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t next_u64(uint64_t *s)
{
    const uint64_t r = rotl(s[0] + s[3], 23) + s[0], t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return r;
}

/* A uniform double in [0, 1). */
static double next_unit(uint64_t *s)
{
    return (double)(next_u64(s) >> 11) * 0x1.0p-53;
}

static void seed_state(lstm__random_state *st, const lstm__random_params *p)
{
    static atomic_uint_fast64_t counter;
    uint64_t x;
    if (p->has_seed) {
        uint32_t bits;
        memcpy(&bits, &p->seed, sizeof bits);
        x = bits;
    } else {
        x = (uint64_t)time(NULL) ^ ((uint64_t)clock() << 32) ^
            (atomic_fetch_add(&counter, 1) * 0xd1b54a32d192ed03u) ^ (uint64_t)(uintptr_t)st;
    }
    for (int i = 0; i < 4; i++) st->s[i] = splitmix64(&x);
    st->seeded = 1;
}

static int out_float(int t, int since)
{
    return t == LSTM_DT_FLOAT || t == LSTM_DT_DOUBLE || t == LSTM_DT_FLOAT16 ||
           (t == LSTM_DT_BFLOAT16 && since >= 22);
}

static int in_float(int t, int since)
{
    return out_float(t, since);
}

static int bernoulli_out(int t)
{
    return lstm__is_float(t) || lstm__is_int(t) || t == LSTM_DT_BOOL;
}

int lstm__random_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                       lstm__diag *d)
{
    static const char *const normal[] = {"dtype", "mean", "scale", "seed", "shape", NULL},
                             *const uniform[] = {"dtype", "high", "low", "seed", "shape", NULL},
                             *const nlike[] = {"dtype", "mean", "scale", "seed", NULL},
                             *const ulike[] = {"dtype", "high", "low", "seed", NULL},
                             *const bern[] = {"dtype", "seed", NULL},
                             *const multi[] = {"dtype", "sample_size", "seed", NULL};
    static const struct {
        const char *op;
        const char *const *attrs;
        int inputs;
    } kinds[] = {{"RandomNormal", normal, 0},    {"RandomUniform", uniform, 0},
                 {"RandomNormalLike", nlike, 1}, {"RandomUniformLike", ulike, 1},
                 {"Bernoulli", bern, 1},         {"Multinomial", multi, 1}};
    lstm__random_params *p = params;
    char b[LSTM__LABEL_MAX];
    int kind = 0;
    while (strcmp(kinds[kind].op, n->op_type) != 0) kind++;
    memset(p, 0, sizeof *p);
    p->kind = kind;
    const int normalish = kind == LSTM__RND_NORMAL || kind == LSTM__RND_NORMAL_LIKE;
    const int uniformish = kind == LSTM__RND_UNIFORM || kind == LSTM__RND_UNIFORM_LIKE;
    int64_t dt = 0;
    if (lstm__arity(g, n, kinds[kind].inputs, kinds[kind].inputs, 1, 1, d) ||
        lstm__attrs_allowed(g, n, since, kinds[kind].attrs, d) ||
        lstm__attr_int(g, n, "dtype", 0, &dt, d) ||
        lstm__attr_float(g, n, "seed", 0.0f, &p->seed, d) ||
        (normalish && (lstm__attr_float(g, n, "mean", 0.0f, &p->a, d) ||
                       lstm__attr_float(g, n, "scale", 1.0f, &p->b, d))) ||
        (uniformish && (lstm__attr_float(g, n, "low", 0.0f, &p->a, d) ||
                        lstm__attr_float(g, n, "high", 1.0f, &p->b, d))) ||
        lstm__attr_int(g, n, "sample_size", 1, &p->sample_size, d))
        return d->code;
    p->has_seed = lstm__attr_find(n, "seed") != NULL;
    const char *lb = lstm__node_ctx(g, n, b, sizeof b);
    if (kind == LSTM__RND_NORMAL || kind == LSTM__RND_UNIFORM) {
        if (!lstm__attr_find(n, "shape"))
            return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'shape' is required", lb);
        if (lstm__attr_ints(g, n, "shape", p->shape, LSTM__MAX_RANK, &p->rank, d)) return d->code;
        for (int i = 0; i < p->rank; i++)
            if (p->shape[i] < 0)
                return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'shape' has %lld at axis %d", lb,
                                  (long long)p->shape[i], i);
        if (!lstm__attr_find(n, "dtype")) dt = LSTM_DT_FLOAT;
    }
    if (lstm__attr_find(n, "dtype") || dt) {
        int ok = dt > 0 && dt <= 100;
        if (ok && kind == LSTM__RND_BERNOULLI)
            ok = bernoulli_out((int)dt);
        else if (ok && kind == LSTM__RND_MULTINOMIAL)
            ok = dt == LSTM_DT_INT32 || dt == LSTM_DT_INT64;
        else if (ok)
            ok = out_float((int)dt, since);
        if (!ok)
            return lstm__errf(d, LSTM_EUNSUPPORTED,
                              "%s: attribute 'dtype' is %lld (%s), which %s %d does not produce",
                              lb, (long long)dt,
                              dt > 0 && dt <= 100 ? lstm__dtype_name((int)dt) : "unknown",
                              n->op_type, since);
        p->dtype = (int)dt;
    } else if (kind == LSTM__RND_MULTINOMIAL) {
        p->dtype = LSTM_DT_INT32;
    }
    if (kind == LSTM__RND_MULTINOMIAL && p->sample_size < 0)
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'sample_size' is %lld, expected >= 0", lb,
                          (long long)p->sample_size);
    return LSTM_OK;
}

int lstm__random_prepare(lstm__kctx *k)
{
    const lstm__random_params *p = k->params;
    lstm__random_state *st = k->state;
    const lstm__rt *x = k->n->n_in ? k->in[0] : NULL;
    if (!st->seeded) seed_state(st, p);
    if (!x) return lstm__rt_set(k, k->out[0], p->dtype, p->rank, p->shape);
    int dt = p->dtype ? p->dtype : x->dtype;
    if (p->kind == LSTM__RND_BERNOULLI || p->kind == LSTM__RND_MULTINOMIAL) {
        if (!in_float(x->dtype, k->since))
            return lstm__errf(
                k->d, LSTM_EUNSUPPORTED, "%s: input is %s, expected float16, float32, float64%s",
                lstm__klabel(k), lstm__dtype_name(x->dtype), k->since >= 22 ? " or bfloat16" : "");
    } else if (!p->dtype && !out_float(x->dtype, k->since)) {
        return lstm__errf(
            k->d, LSTM_EUNSUPPORTED,
            "%s: input is %s and attribute 'dtype' is absent: the output would be %s, "
            "expected a float type (give dtype)",
            lstm__klabel(k), lstm__dtype_name(x->dtype), lstm__dtype_name(x->dtype));
    }
    if (p->kind != LSTM__RND_MULTINOMIAL) return lstm__rt_set(k, k->out[0], dt, x->rank, x->dims);
    if (x->rank != 2)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: input has rank %d, expected 2 [batch, classes]",
                          lstm__klabel(k), x->rank);
    k->scratch_size = (size_t)x->dims[1] * sizeof(double);
    int64_t dims[2] = {x->dims[0], p->sample_size};
    return lstm__rt_set(k, k->out[0], dt, 2, dims);
}

static void fill_normal(lstm__rt *y, uint64_t *s, double mean, double scale)
{
    const double two_pi = 6.283185307179586;
    for (size_t i = 0; i < y->nelem; i += 2) {
        const double u1 = 1.0 - next_unit(s), u2 = next_unit(s); /* u1 in (0, 1] */
        const double r = sqrt(-2.0 * log(u1));
        const double z0 = mean + scale * r * cos(two_pi * u2),
                     z1 = mean + scale * r * sin(two_pi * u2);
        if (y->dtype == LSTM_DT_FLOAT) {
            float *o = y->data;
            o[i] = (float)z0;
            if (i + 1 < y->nelem) o[i + 1] = (float)z1;
        } else {
            lstm__put_f(y, i, z0);
            if (i + 1 < y->nelem) lstm__put_f(y, i + 1, z1);
        }
    }
}

static void fill_uniform(lstm__rt *y, uint64_t *s, double low, double high)
{
    float *o = y->data;
    for (size_t i = 0; i < y->nelem; i++) {
        const double v = low + (high - low) * next_unit(s);
        if (y->dtype == LSTM_DT_FLOAT)
            o[i] = (float)v;
        else
            lstm__put_f(y, i, v);
    }
}

static void fill_bernoulli(lstm__rt *y, const lstm__rt *x, uint64_t *s)
{
    const int f32 = x->dtype == LSTM_DT_FLOAT;
    for (size_t i = 0; i < y->nelem; i++) {
        const double prob = f32 ? ((const float *)x->data)[i] : lstm__get_f(x, i);
        const int one = next_unit(s) < prob; /* a NaN probability gives 0 */
        if (y->dtype == LSTM_DT_FLOAT)
            ((float *)y->data)[i] = (float)one;
        else if (lstm__is_float(y->dtype))
            lstm__put_f(y, i, one);
        else
            lstm__put_i(y, i, one);
    }
}

/* Each row: the softmax's cumulative sums, then for every sample the first class whose sum
** exceeds a uniform draw times the total (classes of probability 0 are never chosen). */
static int fill_multinomial(lstm__kctx *k, uint64_t *s)
{
    const lstm__rt *x = k->in[0];
    lstm__rt *y = k->out[0];
    const int64_t rows = x->dims[0], classes = x->dims[1], n = y->dims[1];
    double *cum = k->scratch;
    for (int64_t r = 0; r < rows; r++) {
        double top = -INFINITY, total = 0;
        for (int64_t c = 0; c < classes; c++) {
            const double v = lstm__get_f(x, (size_t)(r * classes + c));
            if (v > top) top = v;
        }
        for (int64_t c = 0; c < classes; c++) {
            const double v = lstm__get_f(x, (size_t)(r * classes + c));
            total += v == -INFINITY ? 0.0 : exp(v - top);
            cum[c] = total;
        }
        if (n && !(total >= 1.0 && total <= (double)classes)) /* NaN, inf, all -inf */
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: row %lld of the input has no finite log-probability to "
                              "sample from",
                              lstm__klabel(k), (long long)r);
        for (int64_t j = 0; j < n; j++) {
            const double u = next_unit(s) * total;
            int64_t lo = 0, hi = classes - 1; /* the first c with cum[c] > u */
            while (lo < hi) {
                const int64_t mid = lo + (hi - lo) / 2;
                if (cum[mid] > u)
                    hi = mid;
                else
                    lo = mid + 1;
            }
            lstm__put_i(y, (size_t)(r * n + j), lo);
        }
    }
    return LSTM_OK;
}

int lstm__random_run(lstm__kctx *k)
{
    const lstm__random_params *p = k->params;
    lstm__random_state *st = k->state;
    lstm__rt *y = k->out[0];
    switch (p->kind) {
    case LSTM__RND_NORMAL:
    case LSTM__RND_NORMAL_LIKE:
        fill_normal(y, st->s, p->a, p->b);
        return LSTM_OK;
    case LSTM__RND_UNIFORM:
    case LSTM__RND_UNIFORM_LIKE:
        fill_uniform(y, st->s, p->a, p->b);
        return LSTM_OK;
    case LSTM__RND_BERNOULLI:
        fill_bernoulli(y, k->in[0], st->s);
        return LSTM_OK;
    default:
        return fill_multinomial(k, st->s);
    }
}
