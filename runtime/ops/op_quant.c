/*
** op_quant.c — QuantizeLinear and DequantizeLinear: 10 (per-tensor), 13 (per-axis: axis), 19
** (float16 / bfloat16 scales; QuantizeLinear's saturate, which only concerns float8), 21 (blocked:
** block_size; int16 / uint16; QuantizeLinear's output_dtype), 23 (QuantizeLinear: x and scale of
** different types, precision; DequantizeLinear: output_dtype); 24 and 25 add only types this
** runtime cannot hold (float8, int4, uint4, float4, int2, uint2: refused by name). And
** DynamicQuantizeLinear 11.
**
** Quantize: y = saturate(round_half_even(x / scale) + zero_point), NaN -> the type's minimum (as
** onnxruntime does on x86). The quotient is computed in float32 (onnxruntime), or float64 when x or
** the scale is int32 (the exact quotient, rounded once, as the ONNX reference computes); from
** opset 23 in the type the precision attribute names, else in the scale's type as the spec says
** (a float16 or bfloat16 quotient is rounded to that type; onnxruntime 1.30 divides in float32).
** Dequantize: y = float32(x - zero_point) * scale in float32, rounded to the output type
** (onnxruntime's arithmetic). Scale and zero point: a scalar or one value (per-tensor), 1-D along
** the axis (per-axis; from opset 19 a rank-1 x takes axis 0 whatever the attribute), or x's shape
** with ceil(D / block_size) along the axis (blocked). DynamicQuantizeLinear follows onnxruntime:
** the range [min(0, min x), max(0, max x)] (NaN ignored), scale = range / 255 (1 when the range is
** empty), zero point = round(clamp(-min / scale, 0, 255)).
*/
#include "ops/op_util.h"
#include "simd/simd.h"
#include "ops/ops.h"
#include "dtype.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define T_(x) (1u << LSTM_DT_##x)

static const char *const attrs10[] = {NULL}, *const attrs13[] = {"axis", NULL},
                         *const q19[] = {"axis", "saturate", NULL},
                         *const q21[] = {"axis", "saturate", "block_size", "output_dtype", NULL},
                         *const q23[] = {"axis",         "saturate",  "block_size",
                                         "output_dtype", "precision", NULL},
                         *const dq21[] = {"axis", "block_size", NULL},
                         *const dq23[] = {"axis", "block_size", "output_dtype", NULL};

/* "int8, uint8 or int16" for the types in mask. */
static const char *type_list(unsigned mask, char *buf, size_t len)
{
    int n = 0, total = 0;
    for (int t = 0; t < 32; t++) total += (mask >> t) & 1;
    buf[0] = '\0';
    for (int t = 0; t < 32; t++)
        if ((mask >> t) & 1) {
            size_t o = strlen(buf);
            snprintf(buf + o, len - o, "%s%s",
                     n == 0           ? ""
                     : n == total - 1 ? " or "
                                      : ", ",
                     lstm__dtype_name(t));
            n++;
        }
    return buf;
}

static unsigned q_out_types(int since)
{
    return T_(INT8) | T_(UINT8) | (since >= 21 ? T_(INT16) | T_(UINT16) : 0);
}

/* An attribute naming an element type: 0 (absent) or one of mask. */
static int attr_type(const lstm__graph *g, const lstm__node *n, const char *name, unsigned mask,
                     int *out, lstm__diag *d)
{
    char b[LSTM__LABEL_MAX], l[128];
    int64_t v;
    if (lstm__attr_int(g, n, name, 0, &v, d)) return d->code;
    *out = (int)v;
    if (v == 0 || (v > 0 && v < 32 && ((mask >> v) & 1))) return LSTM_OK;
    if (v >= 17 && v <= 26) /* float8, int4, uint4, float4, float8e8m0, int2, uint2 */
        return lstm__errf(d, LSTM_EUNSUPPORTED,
                          "%s: attribute '%s' is %s, a type this runtime cannot hold",
                          lstm__node_ctx(g, n, b, sizeof b), name, lstm__dtype_name((int)v));
    return lstm__errf(d, LSTM_EMODEL, "%s: attribute '%s' is %lld (%s), expected %s",
                      lstm__node_ctx(g, n, b, sizeof b), name, (long long)v,
                      lstm__dtype_name(v > 0 && v < 64 ? (int)v : 0), type_list(mask, l, sizeof l));
}

static int parse(const lstm__graph *g, const lstm__node *n, int since, void *params, int dequant,
                 lstm__diag *d)
{
    lstm__quant_params *p = params;
    char b[LSTM__LABEL_MAX];
    const char *const *names = since >= 23   ? (dequant ? dq23 : q23)
                               : since >= 21 ? (dequant ? dq21 : q21)
                               : since >= 19 ? (dequant ? attrs13 : q19)
                               : since >= 13 ? attrs13
                                             : attrs10;
    int64_t sat;
    memset(p, 0, sizeof *p);
    p->dequant = dequant;
    if (lstm__arity(g, n, 2, 3, 1, 1, d) || lstm__attrs_allowed(g, n, since, names, d) ||
        lstm__attr_int(g, n, "axis", 1, &p->axis, d) ||
        lstm__attr_int(g, n, "block_size", 0, &p->block_size, d) ||
        lstm__attr_flag(g, n, "saturate", 1, &sat, d))
        return d->code;
    if (p->block_size < 0)
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'block_size' is %lld, expected >= 0",
                          lstm__node_ctx(g, n, b, sizeof b), (long long)p->block_size);
    /* saturate only concerns float8 outputs: integer outputs always saturate. */
    unsigned out = dequant ? T_(FLOAT) | T_(FLOAT16) | T_(BFLOAT16) : q_out_types(since);
    if (attr_type(g, n, "output_dtype", out, &p->out_dtype, d) ||
        attr_type(g, n, "precision", T_(FLOAT) | T_(FLOAT16) | T_(BFLOAT16) | T_(DOUBLE),
                  &p->precision, d))
        return d->code;
    return LSTM_OK;
}

/* Input idx's type is one of mask (names the input in the message). */
static int check_type(lstm__kctx *k, int idx, const char *what, unsigned mask)
{
    char l[128];
    int t = k->in[idx]->dtype;
    if (!lstm__dtype_storable(t))
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: %s is %s, a type this runtime cannot hold",
                          lstm__klabel(k), what, lstm__dtype_name(t));
    if (t < 0 || t >= 32 || !((mask >> t) & 1))
        return lstm__errf(k->d, LSTM_EINVAL, "%s: %s is %s, expected %s at opset %d",
                          lstm__klabel(k), what, lstm__dtype_name(t), type_list(mask, l, sizeof l),
                          (int)k->n->opset);
    return LSTM_OK;
}

/* The scale's (and zero point's) layout against x: per-tensor, per-axis or blocked. */
static int geometry(lstm__kctx *k, lstm__quant_state *st)
{
    const lstm__quant_params *p = k->params;
    const lstm__rt *x = k->in[0], *s = k->in[1];
    const lstm__rt *z = k->n->n_in > 2 ? k->in[2] : NULL;
    char b1[96], b2[96], b3[96];
    int a;
    st->outer = st->dim = st->sdim = st->block = 1;
    st->inner = x->nelem;
    st->gran = LSTM__QG_TENSOR;
    if (!p->block_size && (s->rank == 0 || (s->rank == 1 && s->dims[0] == 1))) {
        if (z && !(z->rank == 0 || (z->rank == 1 && z->dims[0] == 1)))
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: zero point has shape %s, expected a scalar like the scale",
                              lstm__klabel(k), lstm__dims_str(b1, sizeof b1, z->rank, z->dims));
        return LSTM_OK;
    }
    if (k->since < 13)
        return lstm__errf(k->d, LSTM_EINVAL,
                          "%s: scale has shape %s, expected a scalar at opset %d", lstm__klabel(k),
                          lstm__dims_str(b1, sizeof b1, s->rank, s->dims), (int)k->n->opset);
    if (!p->block_size && s->rank == 1 && x->rank == 1 && k->since >= 19) {
        a = 0; /* the axis attribute does not matter for a rank-1 x */
    } else if (lstm__axis(k, p->axis, x->rank, &a, "axis")) {
        return k->d->code;
    }
    st->outer = st->inner = 1;
    for (int i = 0; i < a; i++) st->outer *= (size_t)x->dims[i];
    for (int i = a + 1; i < x->rank; i++) st->inner *= (size_t)x->dims[i];
    st->dim = (size_t)x->dims[a];
    if (!p->block_size) {
        if (s->rank != 1 || s->dims[0] != x->dims[a])
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: scale has shape %s, expected a scalar or [%lld] (per-axis, "
                              "axis %d of x %s)",
                              lstm__klabel(k), lstm__dims_str(b1, sizeof b1, s->rank, s->dims),
                              (long long)x->dims[a], a,
                              lstm__dims_str(b2, sizeof b2, x->rank, x->dims));
        st->gran = LSTM__QG_AXIS;
        st->sdim = st->dim;
    } else {
        int64_t nb = x->dims[a] / p->block_size + (x->dims[a] % p->block_size != 0);
        int ok = s->rank == x->rank;
        for (int i = 0; ok && i < x->rank; i++) ok = s->dims[i] == (i == a ? nb : x->dims[i]);
        if (!ok) {
            int64_t want[LSTM__MAX_RANK];
            lstm__shape_of(x, want);
            want[a] = nb;
            return lstm__errf(k->d, LSTM_EINVAL,
                              "%s: scale has shape %s, expected %s (x %s in blocks of %lld along "
                              "axis %d)",
                              lstm__klabel(k), lstm__dims_str(b1, sizeof b1, s->rank, s->dims),
                              lstm__dims_str(b2, sizeof b2, x->rank, want),
                              lstm__dims_str(b3, sizeof b3, x->rank, x->dims),
                              (long long)p->block_size, a);
        }
        st->gran = LSTM__QG_BLOCK;
        st->sdim = (size_t)nb;
        st->block = (size_t)p->block_size;
    }
    if (z) {
        int same = z->rank == s->rank;
        for (int i = 0; same && i < s->rank; i++) same = z->dims[i] == s->dims[i];
        if (!same)
            return lstm__errf(k->d, LSTM_EINVAL, "%s: zero point has shape %s, the scale %s",
                              lstm__klabel(k), lstm__dims_str(b1, sizeof b1, z->rank, z->dims),
                              lstm__dims_str(b2, sizeof b2, s->rank, s->dims));
    }
    return LSTM_OK;
}

/* ---- QuantizeLinear / DequantizeLinear ---- */

static int prepare(lstm__kctx *k)
{
    const lstm__quant_params *p = k->params;
    lstm__quant_state *st = k->state;
    const lstm__rt *x = k->in[0], *s = k->in[1];
    const lstm__rt *z = k->n->n_in > 2 ? k->in[2] : NULL;
    const unsigned halfs = T_(FLOAT16) | T_(BFLOAT16);
    int v = k->since, out;
    memset(st, 0, sizeof *st);
    if (p->dequant) {
        if (check_type(k, 0, "x",
                       T_(INT8) | T_(UINT8) | T_(INT32) |
                           (v >= 21 ? T_(INT16) | T_(UINT16) : 0u)) ||
            check_type(k, 1, "scale", T_(FLOAT) | (v >= 19 ? halfs : 0u)))
            return k->d->code;
        out = p->out_dtype ? p->out_dtype : s->dtype;
    } else {
        unsigned xt = T_(FLOAT) | T_(INT32) | (v >= 19 ? halfs : 0u);
        if (check_type(k, 0, "x", xt) || check_type(k, 1, "scale",
                                                    v >= 23   ? T_(FLOAT) | T_(INT32) | halfs
                                                    : v >= 19 ? 1u << x->dtype
                                                              : T_(FLOAT)))
            return k->d->code;
        out = z ? z->dtype : p->out_dtype ? p->out_dtype : LSTM_DT_UINT8;
        if (z && p->out_dtype && z->dtype != p->out_dtype)
            return lstm__errf(
                k->d, LSTM_EINVAL, "%s: zero point is %s but attribute 'output_dtype' says %s",
                lstm__klabel(k), lstm__dtype_name(z->dtype), lstm__dtype_name(p->out_dtype));
        int by = p->precision ? p->precision : v >= 23 ? s->dtype : LSTM_DT_UNDEFINED;
        if (!by) /* before opset 23: float32, or float64 for int32 operands */
            by = x->dtype == LSTM_DT_INT32 || s->dtype == LSTM_DT_INT32 ? LSTM_DT_DOUBLE
                                                                        : LSTM_DT_FLOAT;
        st->calc = by == LSTM_DT_DOUBLE || by == LSTM_DT_INT32 ? LSTM__QC_F64
                   : by == LSTM_DT_FLOAT16                     ? LSTM__QC_F16
                   : by == LSTM_DT_BFLOAT16                    ? LSTM__QC_BF16
                                                               : LSTM__QC_F32;
    }
    if (z) {
        if (check_type(k, 2, "zero point", p->dequant ? 1u << x->dtype : q_out_types(v)))
            return k->d->code;
    }
    if (!p->dequant) {
        st->qmin = out == LSTM_DT_INT8 ? -128 : out == LSTM_DT_INT16 ? -32768 : 0;
        st->qmax = out == LSTM_DT_INT8    ? 127
                   : out == LSTM_DT_UINT8 ? 255
                   : out == LSTM_DT_INT16 ? 32767
                                          : 65535;
    }
    if (geometry(k, st)) return k->d->code;
    k->scratch_size = s->nelem * 2 * sizeof(double);
    return lstm__rt_set(k, k->out[0], out, x->rank, x->dims);
}

/* A value converted to the quotient's type (float16 / bfloat16: rounded to it). */
static double to_calc(int calc, double v)
{
    switch (calc) {
    case LSTM__QC_F32:
        return (float)v;
    case LSTM__QC_F16:
        return lstm__f16_to_f32(lstm__f32_to_f16((float)v));
    case LSTM__QC_BF16:
        return lstm__bf16_to_f32(lstm__f32_to_bf16((float)v));
    default:
        return v;
    }
}

/* x / s in the quotient's type (x and s already of it); a 16-bit quotient is computed in float32
** and rounded once more, which gives the correctly rounded 16-bit quotient. */
static double quotient(int calc, double x, double s)
{
    if (calc == LSTM__QC_F64) return x / s;
    return to_calc(calc, (float)x / (float)s);
}

/* round_half_even(q) + zp saturated to [lo, hi]; NaN gives lo. Clamped before rounding (the
** same: the bounds are integers and rounding is monotonic), which keeps it call-free. */
static inline float qround_f(float q, float zp, float lo, float hi)
{
    q = q >= lo - zp ? q : lo - zp;
    q = q <= hi - zp ? q : hi - zp;
    return lstm__round_small(q) + zp;
}

static inline double qround_d(double q, double zp, double lo, double hi)
{
    double r = nearbyint(q) + zp;
    r = r >= lo ? r : lo;
    return r <= hi ? r : hi;
}

/* float32 x and scale, float32 quotient: n elements from x[0] with scales sf[0], sf[step]... */
#define Q_F32_ROW(T)                                                                               \
    static void q_f32_##T(const float *x, T *y, size_t n, const float *sf, const float *zf,        \
                          size_t step, float lo, float hi)                                         \
    {                                                                                              \
        if (!step) {                                                                               \
            float s = sf[0], z = zf[0];                                                            \
            for (size_t i = 0; i < n; i++) y[i] = (T)qround_f(x[i] / s, z, lo, hi);                \
        } else {                                                                                   \
            for (size_t i = 0; i < n; i++) y[i] = (T)qround_f(x[i] / sf[i], zf[i], lo, hi);        \
        }                                                                                          \
    }
Q_F32_ROW(int8_t)
Q_F32_ROW(uint8_t)
Q_F32_ROW(int16_t)
Q_F32_ROW(uint16_t)

static void q_f32_row(int out, const float *x, void *y, size_t n, const float *sf, const float *zf,
                      size_t step, float lo, float hi)
{
    if (!step && (out == LSTM_DT_INT8 || out == LSTM_DT_UINT8)) { /* (lo, hi: the type's) */
        lstm__quant8(lstm__isa(), x, n, sf[0], (int32_t)zf[0], out == LSTM_DT_INT8, y);
        return;
    }
    switch (out) {
    case LSTM_DT_INT8:
        q_f32_int8_t(x, y, n, sf, zf, step, lo, hi);
        break;
    case LSTM_DT_UINT8:
        q_f32_uint8_t(x, y, n, sf, zf, step, lo, hi);
        break;
    case LSTM_DT_INT16:
        q_f32_int16_t(x, y, n, sf, zf, step, lo, hi);
        break;
    default:
        q_f32_uint16_t(x, y, n, sf, zf, step, lo, hi);
        break;
    }
}

/* Where row (o, j) of x starts, and its first scale and the scales' stride along the row. */
static size_t row_at(const lstm__quant_state *st, size_t o, size_t j, size_t *sb, size_t *step)
{
    *step = st->gran == LSTM__QG_BLOCK;
    *sb = st->gran == LSTM__QG_TENSOR ? 0
          : st->gran == LSTM__QG_AXIS ? j
                                      : (o * st->sdim + j / st->block) * st->inner;
    return (o * st->dim + j) * st->inner;
}

static int run_quant(lstm__kctx *k)
{
    const lstm__quant_state *st = k->state;
    const lstm__rt *x = k->in[0], *s = k->in[1];
    const lstm__rt *z = k->n->n_in > 2 ? k->in[2] : NULL;
    lstm__rt *y = k->out[0];
    size_t ns = s->nelem;
    if (!y->nelem) return LSTM_OK;
    if (st->calc == LSTM__QC_F32 && x->dtype == LSTM_DT_FLOAT) {
        float *sf = k->scratch, *zf = sf + ns;
        for (size_t i = 0; i < ns; i++) {
            sf[i] = (float)to_calc(LSTM__QC_F32, lstm__get_f(s, i));
            zf[i] = z ? (float)lstm__get_i(z, i) : 0.0f;
        }
        size_t es = lstm__dtype_size(y->dtype);
        for (size_t o = 0; o < st->outer; o++)
            for (size_t j = 0; j < st->dim; j++) {
                size_t sb, step, base = row_at(st, o, j, &sb, &step);
                q_f32_row(y->dtype, (const float *)x->data + base, (char *)y->data + base * es,
                          st->inner, sf + sb, zf + sb, step, (float)st->qmin, (float)st->qmax);
            }
        return LSTM_OK;
    }
    double *sd = k->scratch, *zd = sd + ns;
    for (size_t i = 0; i < ns; i++) {
        sd[i] = to_calc(st->calc, lstm__get_f(s, i));
        zd[i] = z ? (double)lstm__get_i(z, i) : 0.0;
    }
    for (size_t o = 0; o < st->outer; o++)
        for (size_t j = 0; j < st->dim; j++) {
            size_t sb, step, base = row_at(st, o, j, &sb, &step);
            for (size_t i = 0; i < st->inner; i++) {
                size_t e = sb + i * step;
                double q = quotient(st->calc, to_calc(st->calc, lstm__get_f(x, base + i)), sd[e]);
                lstm__put_i(y, base + i,
                            (int64_t)qround_d(q, zd[e], (double)st->qmin, (double)st->qmax));
            }
        }
    return LSTM_OK;
}

static int run_dequant(lstm__kctx *k)
{
    const lstm__quant_state *st = k->state;
    const lstm__rt *x = k->in[0], *s = k->in[1];
    const lstm__rt *z = k->n->n_in > 2 ? k->in[2] : NULL;
    lstm__rt *y = k->out[0];
    size_t ns = s->nelem;
    if (!y->nelem) return LSTM_OK;
    float *sf = k->scratch;
    int64_t *zi = (int64_t *)(void *)((double *)k->scratch + ns);
    for (size_t i = 0; i < ns; i++) {
        sf[i] = (float)lstm__get_f(s, i);
        zi[i] = z ? lstm__get_i(z, i) : 0;
    }
    int fast = y->dtype == LSTM_DT_FLOAT && (x->dtype == LSTM_DT_INT8 || x->dtype == LSTM_DT_UINT8);
    for (size_t o = 0; o < st->outer; o++)
        for (size_t j = 0; j < st->dim; j++) {
            size_t sb, step, base = row_at(st, o, j, &sb, &step);
            float *yf = (float *)y->data + base;
            if (fast && !step) {
                lstm__dequant8(lstm__isa(), (const uint8_t *)x->data + base, st->inner,
                               x->dtype == LSTM_DT_INT8, (int32_t)zi[sb], sf[sb], yf);
                continue;
            }
            for (size_t i = 0; i < st->inner; i++) {
                size_t e = sb + i * step;
                float v = (float)(lstm__get_i(x, base + i) - zi[e]) * sf[e];
                if (y->dtype == LSTM_DT_FLOAT)
                    ((float *)y->data)[base + i] = v;
                else
                    lstm__put_f(y, base + i, v);
            }
        }
    return LSTM_OK;
}

static int run(lstm__kctx *k)
{
    const lstm__quant_params *p = k->params;
    return p->dequant ? run_dequant(k) : run_quant(k);
}

LSTM__OP_FAMILY(lstm__quantize, 0)
LSTM__OP_FAMILY(lstm__dequantize, 1)

/* ---- DynamicQuantizeLinear ---- */

int lstm__dynquant_parse(const lstm__graph *g, const lstm__node *n, int since, void *params,
                         lstm__diag *d)
{
    (void)params;
    return lstm__arity(g, n, 1, 1, 3, 3, d) || lstm__attrs_allowed(g, n, since, attrs10, d)
               ? d->code
               : LSTM_OK;
}

int lstm__dynquant_prepare(lstm__kctx *k)
{
    const lstm__rt *x = k->in[0];
    if (check_type(k, 0, "x", T_(FLOAT))) return k->d->code;
    if ((k->out[0] && lstm__rt_set(k, k->out[0], LSTM_DT_UINT8, x->rank, x->dims)) ||
        (k->out[1] && lstm__rt_set(k, k->out[1], LSTM_DT_FLOAT, 0, NULL)) ||
        (k->out[2] && lstm__rt_set(k, k->out[2], LSTM_DT_UINT8, 0, NULL)))
        return k->d->code;
    return LSTM_OK;
}

int lstm__dynquant_run(lstm__kctx *k)
{
    const lstm__rt *x = k->in[0];
    const float *xf = x->data;
    float lo = 0.0f, hi = 0.0f; /* the range always holds 0 */
    lstm__range(lstm__isa(), xf, x->nelem, &lo, &hi);
    float scale = hi == lo ? 1.0f : (hi - lo) / 255.0f;
    float zf = 0.0f - lo / scale;
    zf = zf < 255.0f ? zf : 255.0f; /* NaN -> 255, as onnxruntime's std::min / std::max */
    zf = 0.0f < zf ? zf : 0.0f;
    zf = nearbyintf(zf);
    if (k->out[1]) *(float *)k->out[1]->data = scale;
    if (k->out[2]) *(uint8_t *)k->out[2]->data = (uint8_t)zf;
    if (k->out[0] && x->nelem)
        lstm__quant8(lstm__isa(), xf, x->nelem, scale, (int32_t)zf, 0, k->out[0]->data);
    return LSTM_OK;
}
