/*
** import_tensor.c — TensorProto -> lstm__tensor. Data comes from exactly one of raw_data, the
** typed field that the dtype uses, or external data; its size must match the shape exactly.
*/
#include "dtype.h"
#include "importer.h"

#include <string.h>

static int typed_fields(const Onnx__TensorProto *tp)
{
    return (tp->n_float_data > 0) + (tp->n_int32_data > 0) + (tp->n_string_data > 0) +
           (tp->n_int64_data > 0) + (tp->n_double_data > 0) + (tp->n_uint64_data > 0);
}

/* Narrow int32_data for the types stored there (int32/16/8, uint16/8, bool, float16, bf16). */
static int from_int32(lstm__imp *im, const Onnx__TensorProto *tp, lstm__tensor *t, const char *what)
{
    for (size_t i = 0; i < t->nelem; i++) {
        int32_t v = tp->int32_data[i];
        switch (t->dtype) {
        case LSTM_DT_INT32:
            ((int32_t *)t->data)[i] = v;
            break;
        case LSTM_DT_INT16:
        case LSTM_DT_UINT16:
        case LSTM_DT_FLOAT16:
        case LSTM_DT_BFLOAT16:
            if (v < -32768 || v > 65535) goto range;
            ((uint16_t *)t->data)[i] = (uint16_t)v;
            break;
        case LSTM_DT_INT8:
        case LSTM_DT_UINT8:
            if (v < -128 || v > 255) goto range;
            ((uint8_t *)t->data)[i] = (uint8_t)v;
            break;
        case LSTM_DT_BOOL:
            ((uint8_t *)t->data)[i] = v != 0;
            break;
        default:
            goto wrong;
        }
    }
    return LSTM_OK;
range:
    return lstm__errf(im->d, LSTM_EMODEL, "%s: int32_data value out of range for %s", what,
                      lstm__dtype_name(t->dtype));
wrong:
    return lstm__errf(im->d, LSTM_EMODEL, "%s: int32_data cannot hold %s", what,
                      lstm__dtype_name(t->dtype));
}

static void swap_if_big_endian(lstm__tensor *t)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    size_t es = lstm__dtype_size(t->dtype);
    unsigned char *p = t->data;
    for (size_t i = 0; es > 1 && i < t->nelem; i++, p += es)
        for (size_t a = 0, b = es - 1; a < b; a++, b--) {
            unsigned char c = p[a];
            p[a] = p[b];
            p[b] = c;
        }
#else
    (void)t;
#endif
}

int lstm__imp_tensor(lstm__imp *im, const Onnx__TensorProto *tp, lstm__tensor *t, const char *what)
{
    memset(t, 0, sizeof *t);
    t->dtype = tp->data_type;
    if (!tp->has_data_type || t->dtype == LSTM_DT_UNDEFINED)
        return lstm__errf(im->d, LSTM_EMODEL, "%s has no data_type", what);
    if (tp->n_dims > LSTM__MAX_RANK)
        return lstm__errf(im->d, LSTM_EUNSUPPORTED, "%s has rank %zu, this runtime allows %d", what,
                          tp->n_dims, LSTM__MAX_RANK);
    if (tp->segment)
        return lstm__errf(im->d, LSTM_EUNSUPPORTED, "%s is a segment of a tensor (unsupported)",
                          what);
    t->rank = (int)tp->n_dims;
    size_t nelem = 1;
    for (int i = 0; i < t->rank; i++) {
        int64_t dm = tp->dims[i];
        if (dm < 0)
            return lstm__errf(im->d, LSTM_EMODEL, "%s: dimension %d is %lld (must be >= 0)", what,
                              i, (long long)dm);
        t->dims[i] = dm;
        if ((uint64_t)dm > SIZE_MAX || !lstm__mul_size(nelem, (size_t)dm, &nelem))
            return lstm__errf(im->d, LSTM_ELIMIT, "%s: element count overflows", what);
    }
    t->nelem = nelem;
    if (!lstm__dims_addressable(t->rank, t->dims, 1)) /* [0, 2^62, 2^62]: no element */
        return lstm__errf(im->d, LSTM_ELIMIT,
                          "%s: too big to address (its nonzero dimensions multiply past 2^63)",
                          what);
    if (!lstm__dtype_storable(t->dtype))
        return lstm__errf(im->d, LSTM_EUNSUPPORTED, "%s has unsupported type %s (%d)", what,
                          lstm__dtype_onnx_name(t->dtype), t->dtype);
    size_t es = lstm__dtype_size(t->dtype);
    if (!lstm__mul_size(nelem, es, &t->nbytes) || t->nbytes > im->lim.max_tensor_bytes)
        return lstm__errf(im->d, LSTM_ELIMIT,
                          "%s: %zu elements of %s exceed the tensor limit of "
                          "%llu bytes",
                          what, nelem, lstm__dtype_name(t->dtype),
                          (unsigned long long)im->lim.max_tensor_bytes);

    int external =
        tp->has_data_location && tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
    if (tp->has_data_location && tp->data_location != ONNX__TENSOR_PROTO__DATA_LOCATION__DEFAULT &&
        !external)
        return lstm__errf(im->d, LSTM_EMODEL, "%s has data_location %d", what,
                          (int)tp->data_location);
    int sources = typed_fields(tp) + (tp->has_raw_data && tp->raw_data.len > 0) + external;
    if (sources > 1)
        return lstm__errf(im->d, LSTM_EMODEL, "%s carries data in more than one field", what);

    /* The data is checked against the shape before anything is allocated. */
    size_t es_count = 0;
    int field = 0; /* which typed field */
    if (tp->n_float_data) es_count = tp->n_float_data, field = 1;
    if (tp->n_int32_data) es_count = tp->n_int32_data, field = 2;
    if (tp->n_string_data) es_count = tp->n_string_data, field = 3;
    if (tp->n_int64_data) es_count = tp->n_int64_data, field = 4;
    if (tp->n_double_data) es_count = tp->n_double_data, field = 5;
    if (tp->n_uint64_data) es_count = tp->n_uint64_data, field = 6;
    if (!external && tp->has_raw_data && tp->raw_data.len > 0) {
        if (tp->raw_data.len != t->nbytes)
            return lstm__errf(im->d, LSTM_EMODEL,
                              "%s: raw_data has %zu bytes, shape and dtype need %zu", what,
                              tp->raw_data.len, t->nbytes);
    } else if (field) {
        static const char *const names[] = {
            "",           "float_data",  "int32_data", "string_data",
            "int64_data", "double_data", "uint64_data"};
        int ok = (field == 1 && t->dtype == LSTM_DT_FLOAT) ||
                 (field == 2 && (t->dtype == LSTM_DT_INT32 || t->dtype == LSTM_DT_INT16 ||
                                 t->dtype == LSTM_DT_INT8 || t->dtype == LSTM_DT_UINT16 ||
                                 t->dtype == LSTM_DT_UINT8 || t->dtype == LSTM_DT_BOOL ||
                                 t->dtype == LSTM_DT_FLOAT16 || t->dtype == LSTM_DT_BFLOAT16)) ||
                 (field == 4 && t->dtype == LSTM_DT_INT64) ||
                 (field == 5 && t->dtype == LSTM_DT_DOUBLE) ||
                 (field == 6 && (t->dtype == LSTM_DT_UINT32 || t->dtype == LSTM_DT_UINT64));
        if (!ok)
            return lstm__errf(im->d, LSTM_EMODEL, "%s: %s cannot hold dtype %s", what, names[field],
                              lstm__dtype_name(t->dtype));
        if (es_count != nelem)
            return lstm__errf(im->d, LSTM_EMODEL, "%s: %s has %zu values, the shape needs %zu",
                              what, names[field], es_count, nelem);
    } else if (!external && nelem > 0) {
        return lstm__errf(im->d, LSTM_EMODEL, "%s has no data for its %zu elements", what, nelem);
    }

    t->data = lstm__pool_alloc(&im->g->pool, t->nbytes);
    if (!t->data) return lstm__errf(im->d, LSTM_ENOMEM, "out of memory for %s", what);
    if (external)
        return lstm__imp_extdata(im, tp, t->data, t->nbytes, what, &t->ext_location,
                                 &t->ext_offset);
    if (tp->has_raw_data && tp->raw_data.len > 0) {
        memcpy(t->data, tp->raw_data.data, t->nbytes);
        swap_if_big_endian(t);
        if (im->pa && !im->inlining) { /* not read again (a function's may be, per call) */
            Onnx__TensorProto *w = (Onnx__TensorProto *)tp;
            im->pa->free(im->pa->allocator_data, w->raw_data.data);
            w->raw_data.data = NULL;
            w->raw_data.len = 0;
        }
        return LSTM_OK;
    }
    switch (field) {
    case 1:
        memcpy(t->data, tp->float_data, t->nbytes);
        break;
    case 2:
        return from_int32(im, tp, t, what);
    case 4:
        memcpy(t->data, tp->int64_data, t->nbytes);
        break;
    case 5:
        memcpy(t->data, tp->double_data, t->nbytes);
        break;
    case 6:
        if (t->dtype == LSTM_DT_UINT64) {
            memcpy(t->data, tp->uint64_data, t->nbytes);
        } else {
            for (size_t i = 0; i < nelem; i++) {
                if (tp->uint64_data[i] > UINT32_MAX)
                    return lstm__errf(im->d, LSTM_EMODEL,
                                      "%s: uint64_data value out of range "
                                      "for uint32",
                                      what);
                ((uint32_t *)t->data)[i] = (uint32_t)tp->uint64_data[i];
            }
        }
        break;
    default:
        break;
    }
    return LSTM_OK;
}
