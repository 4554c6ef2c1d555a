/* unary.c — helpers shared by the element-wise unary operator files (see unary.h). */
#include "ops/unary.h"
#include "ops/op_util.h"
#include "dtype.h"

void lstm__unary_floats(const lstm__unary_params *p, const lstm__rt *x, lstm__rt *y,
                        lstm__unary_f32 f32, lstm__unary_f64 f64)
{
    const size_t n = y->nelem;
    if (x->dtype == LSTM_DT_FLOAT) {
        f32(p, x->data, y->data, n);
    } else if (x->dtype == LSTM_DT_DOUBLE) {
        const double *a = x->data;
        double *o = y->data;
        for (size_t i = 0; i < n; i++) o[i] = f64(p, a[i]);
    } else { /* float16, bfloat16: as onnxruntime computes them, in float */
        const uint16_t *a = x->data;
        uint16_t *o = y->data;
        const int half = x->dtype == LSTM_DT_FLOAT16;
        float buf[256];
        for (size_t i = 0; i < n; i += 256) {
            size_t m = n - i < 256 ? n - i : 256;
            for (size_t j = 0; j < m; j++)
                buf[j] = half ? lstm__f16_to_f32(a[i + j]) : lstm__bf16_to_f32(a[i + j]);
            f32(p, buf, buf, m);
            for (size_t j = 0; j < m; j++)
                o[i + j] = half ? lstm__f32_to_f16(buf[j]) : lstm__f32_to_bf16(buf[j]);
        }
    }
}

int lstm__unary_prepare(lstm__kctx *k, const char *op, int ints, int f32_only)
{
    const lstm__rt *x = k->in[0];
    int ok = f32_only ? x->dtype == LSTM_DT_FLOAT
                      : lstm__is_float(x->dtype) || (ints && lstm__is_int(x->dtype));
    if (!ok)
        return lstm__errf(k->d, LSTM_EUNSUPPORTED, "%s: unsupported type %s (%s takes %s)",
                          lstm__klabel(k), lstm__dtype_name(x->dtype), op,
                          f32_only ? "float32 only"
                          : ints   ? "numeric types"
                                   : "float32, float64, float16 or bfloat16");
    return lstm__rt_set(k, k->out[0], x->dtype, x->rank, x->dims);
}
