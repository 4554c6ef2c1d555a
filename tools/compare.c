/* compare.c — output comparison for `lstm-run --test`:
** floating-point elements pass when |got - expected| <= atol + rtol * |expected| (NaN matches
** NaN, equal infinities match); integer and bool elements must be equal. The report names the
** worst element (flat index, expected, got, diff: the first NaN or infinity that differs, else
** the largest diff against its tolerance), how many differ, and the smallest tolerances that
** would pass (Polygraphy style). */
#include "run.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

static double half(uint16_t h)
{
    int e = (h >> 10) & 0x1f, m = h & 0x3ff;
    double v = e == 0 ? ldexp(m, -24) : e == 31 ? (m ? NAN : INFINITY) : ldexp(m | 0x400, e - 25);
    return h & 0x8000 ? -v : v;
}

double elem_as_double(int dtype, const void *data, size_t i)
{
    switch (dtype) {
    case LSTM_DT_FLOAT:
        return ((const float *)data)[i];
    case LSTM_DT_DOUBLE:
        return ((const double *)data)[i];
    case LSTM_DT_FLOAT16:
        return half(((const uint16_t *)data)[i]);
    case LSTM_DT_BFLOAT16: {
        uint32_t b = (uint32_t)((const uint16_t *)data)[i] << 16;
        float f;
        memcpy(&f, &b, 4);
        return f;
    }
    case LSTM_DT_INT8:
        return ((const int8_t *)data)[i];
    case LSTM_DT_UINT8:
    case LSTM_DT_BOOL:
        return ((const uint8_t *)data)[i];
    case LSTM_DT_INT16:
        return ((const int16_t *)data)[i];
    case LSTM_DT_UINT16:
        return ((const uint16_t *)data)[i];
    case LSTM_DT_INT32:
        return ((const int32_t *)data)[i];
    case LSTM_DT_UINT32:
        return ((const uint32_t *)data)[i];
    case LSTM_DT_INT64:
        return (double)((const int64_t *)data)[i];
    case LSTM_DT_UINT64:
        return (double)((const uint64_t *)data)[i];
    default:
        return NAN;
    }
}

int is_float_type(int dtype)
{
    return dtype == LSTM_DT_FLOAT || dtype == LSTM_DT_DOUBLE || dtype == LSTM_DT_FLOAT16 ||
           dtype == LSTM_DT_BFLOAT16;
}

/* Integer elements compare byte for byte (a double cannot hold every int64 / uint64), bool
** elements as true / false. */
static int int_equal(int dtype, const void *a, const void *b, size_t i)
{
    size_t es = lstm_dtype_size(dtype);
    return memcmp((const char *)a + i * es, (const char *)b + i * es, es) == 0 ||
           (dtype == LSTM_DT_BOOL && !((const uint8_t *)a)[i] == !((const uint8_t *)b)[i]);
}

void int_str(char *buf, size_t n, int dtype, const void *data, size_t i)
{
    if (dtype == LSTM_DT_UINT64)
        snprintf(buf, n, "%llu", (unsigned long long)((const uint64_t *)data)[i]);
    else if (dtype == LSTM_DT_INT64)
        snprintf(buf, n, "%lld", (long long)((const int64_t *)data)[i]);
    else
        snprintf(buf, n, "%.0f", elem_as_double(dtype, data, i));
}

static void shape_str(char *buf, size_t n, int rank, const int64_t *dims)
{
    size_t o = (size_t)snprintf(buf, n, "[");
    for (int i = 0; i < rank && o < n; i++)
        o += (size_t)snprintf(buf + o, n - o, "%s%lld", i ? "," : "", (long long)dims[i]);
    if (o < n) snprintf(buf + o, n - o, "]");
}

int compare_output(FILE *f, const char *name, const lstm_view *got, const lstm_tensor *want,
                   const run_opts *o)
{
    char gs[128], ws[128];
    shape_str(gs, sizeof gs, got->rank, got->dims);
    shape_str(ws, sizeof ws, want->rank, want->dims);
    if (got->dtype != want->dtype) {
        fprintf(f, "  output '%s': dtype %s, expected %s\n", name, lstm_dtype_name(got->dtype),
                lstm_dtype_name(want->dtype));
        return 0;
    }
    if (strcmp(gs, ws) != 0) {
        fprintf(f, "  output '%s': shape %s, expected %s\n", name, gs, ws);
        return 0;
    }
    size_t es = lstm_dtype_size(want->dtype), n = es ? want->nbytes / es : 0;
    size_t bad = 0, worst = 0, nonfinite = 0;
    double worst_ratio = -1, max_abs = 0, max_rel = 0;
    int exact = !is_float_type(want->dtype);
    for (size_t i = 0; i < n; i++) {
        double e = elem_as_double(want->dtype, want->data, i);
        double g = elem_as_double(got->dtype, got->data, i);
        double diff;
        int ok;
        if (exact) {
            ok = int_equal(want->dtype, want->data, got->data, i);
            diff = ok ? 0 : fabs(g - e) > 0 ? fabs(g - e) : 1; /* 1: equal as doubles only */
            if (diff > max_abs) max_abs = diff;
            if (e != 0 && diff / fabs(e) > max_rel) max_rel = diff / fabs(e);
        } else if (isnan(e) || isnan(g) || isinf(e) || isinf(g)) {
            ok = isnan(e) ? isnan(g) : e == g;
            diff = ok ? 0 : INFINITY;
            nonfinite += !ok;
        } else {
            diff = fabs(g - e);
            ok = diff <= o->atol + o->rtol * fabs(e);
            if (diff > max_abs) max_abs = diff;
            if (e != 0 && diff / fabs(e) > max_rel) max_rel = diff / fabs(e);
        }
        /* No tolerance passes a NaN or infinity that differs (its ratio would be NaN for an
        ** expected NaN or infinity): the first such element stays the worst. */
        double ratio = exact || isinf(diff) ? diff : diff / (o->atol + o->rtol * fabs(e) + 1e-300);
        if (!ok) bad++;
        if (ratio > worst_ratio) {
            worst_ratio = ratio;
            worst = i;
        }
    }
    fprintf(f, "  output '%s' %s %s: %zu of %zu differ", name, lstm_dtype_name(want->dtype), ws,
            bad, n);
    if (n && exact) {
        char es_[32], gs_[32];
        int_str(es_, sizeof es_, want->dtype, want->data, worst);
        int_str(gs_, sizeof gs_, got->dtype, got->data, worst);
        fprintf(f, "; worst at %zu: expected %s, got %s; compared exactly", worst, es_, gs_);
    } else if (n) {
        double e = elem_as_double(want->dtype, want->data, worst);
        double g = elem_as_double(got->dtype, got->data, worst);
        fprintf(f, "; worst at %zu: expected %.9g, got %.9g, diff %.3g", worst, e, g,
                isnan(e) || isnan(g) ? (double)NAN : fabs(g - e));
        if (nonfinite)
            fprintf(f, "; no tolerance passes %zu NaN or infinite mismatches", nonfinite);
        else
            fprintf(f, "; needs atol %.3g or rtol %.3g", max_abs, max_rel);
    }
    fprintf(f, " -> %s\n", bad ? "FAIL" : "ok");
    return bad == 0;
}
