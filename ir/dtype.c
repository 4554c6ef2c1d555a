/* dtype.c — element type names and sizes (ONNX TensorProto.DataType numbering). */
#include "dtype.h"

static const struct {
    const char *name, *onnx;
    unsigned char size;
} types[] = {
    {"undefined", "UNDEFINED", 0},
    {"float32", "FLOAT", 4},
    {"uint8", "UINT8", 1},
    {"int8", "INT8", 1},
    {"uint16", "UINT16", 2},
    {"int16", "INT16", 2},
    {"int32", "INT32", 4},
    {"int64", "INT64", 8},
    {"string", "STRING", 0},
    {"bool", "BOOL", 1},
    {"float16", "FLOAT16", 2},
    {"float64", "DOUBLE", 8},
    {"uint32", "UINT32", 4},
    {"uint64", "UINT64", 8},
    {"complex64", "COMPLEX64", 0},
    {"complex128", "COMPLEX128", 0},
    {"bfloat16", "BFLOAT16", 2},
    {"float8e4m3fn", "FLOAT8E4M3FN", 0},
    {"float8e4m3fnuz", "FLOAT8E4M3FNUZ", 0},
    {"float8e5m2", "FLOAT8E5M2", 0},
    {"float8e5m2fnuz", "FLOAT8E5M2FNUZ", 0},
    {"uint4", "UINT4", 0},
    {"int4", "INT4", 0},
    {"float4e2m1", "FLOAT4E2M1", 0},
    {"float8e8m0", "FLOAT8E8M0", 0},
    {"uint2", "UINT2", 0},
    {"int2", "INT2", 0},
};

#define NTYPES (int)(sizeof types / sizeof types[0])

size_t lstm__dtype_size(int dtype)
{
    return dtype > 0 && dtype < NTYPES ? types[dtype].size : 0;
}

const char *lstm__dtype_name(int dtype)
{
    return dtype >= 0 && dtype < NTYPES ? types[dtype].name : "unknown";
}

const char *lstm__dtype_onnx_name(int dtype)
{
    return dtype >= 0 && dtype < NTYPES ? types[dtype].onnx : "UNKNOWN";
}

int lstm__dtype_storable(int dtype)
{
    return lstm__dtype_size(dtype) != 0;
}
