"""The differential case entries of the convolutional front-end operators, one function per
operator, called once per operator version g.v and yielding cases. Written against a small
interface that the generator provides (tests/gen/make_conv_cases.py; the differential generator's
adapter tests/gen/diff_ops_conv.py):
    g.v, g.rng                      the version and a seeded numpy Generator
    g.x(shape, lo, hi), g.w(shape, fan_in)   float64 values (inputs, weights)
    g.inp(name, dtype, value, kind) a node input: kind 'input' (graph input), 'init'
                                    (initializer) or 'const' (a Constant node's output)
    g.case(tag, what, inputs, outputs=("y",), out_types=None, attrs=None, ref=None,
           no_ort=None, stale_shape=None)
                                    a one-node case; ref: NumPy reference of the present inputs
                                    (floats as float64); no_ort: why onnxruntime cannot be the
                                    reference (it is not run); stale_shape: why onnx 1.12's shape
                                    inference disagrees with the output shape
ENTRIES: op_type -> (function, versions)."""
import numpy as np

import conv_ref as R

ENTRIES = {}


def op(name, versions):
    def deco(fn):
        ENTRIES[name] = (fn, versions)
        return fn
    return deco


# ---------------------------------------------------------------------------- Conv
def conv_case(g, tag, what, N, C, sp_in, M, kernel, group=1, bias=True, dt="float32",
              wkind="init", kernel_attr=True, **attrs):
    x = g.x((N, C) + tuple(sp_in))
    w = g.w((M, C // group) + tuple(kernel), C // group * int(np.prod(kernel)))
    ins = [g.inp("x", dt, x), g.inp("w", dt, w, wkind)]
    if bias:
        ins.append(g.inp("b", dt, g.x((M,)), "init" if wkind != "input" else "input"))
    a = dict(attrs)
    if group != 1:
        a["group"] = group
    if kernel_attr:
        a["kernel_shape"] = list(kernel)
    return g.case(tag, what, ins, attrs=a, ref=lambda x, w, b=None: R.conv(x, w, b, **a))


def rand_conv(g, i):
    """A random Conv: rank 1-3, groups, strides, dilations, pads or auto_pad, bias or not."""
    r = g.rng
    sp = int(r.integers(1, 4))
    group = int(r.choice([1, 1, 2, 3]))
    Cg, Mg = int(r.integers(1, 4)), int(r.integers(1, 6))
    kernel = tuple(int(r.integers(1, 4)) for _ in range(sp))
    strides = [int(r.integers(1, 3)) for _ in range(sp)]
    dil = [int(r.integers(1, 3)) for _ in range(sp)]
    size = tuple(int(r.integers(d * (k - 1) + 1, d * (k - 1) + 8)) for k, d in zip(kernel, dil))
    attrs = {"strides": strides, "dilations": dil}
    auto = str(r.choice(["NOTSET", "NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"]))
    if auto == "NOTSET":
        attrs["pads"] = [int(r.integers(0, 3)) for _ in range(2 * sp)]
    else:
        attrs["auto_pad"] = auto
        if auto.startswith("SAME"):
            attrs["dilations"] = [1] * sp  # onnxruntime refuses dilations with SAME_*
    N = int(r.integers(1, 3))
    return conv_case(g, "rand%d" % i, "random: %d-D, group %d, kernel %s, %s" % (sp, group, kernel, attrs),
                     N, Cg * group, size, Mg * group, kernel, group=group, bias=bool(r.integers(0, 2)),
                     kernel_attr=bool(r.integers(0, 2)), **attrs)


@op("Conv", [1, 11, 22])
def conv(g):
    full = g.v == 11
    for i in range(8 if full else 2):
        yield rand_conv(g, i)
    if g.v >= 22:  # bfloat16 from version 22
        yield conv_case(g, "2d_bfloat16", "2-D group 2 stride 2 in bfloat16", 1, 4, (6, 7), 4,
                        (3, 3), group=2, dt="bfloat16", strides=[2, 2], pads=[1, 1, 1, 1])
    yield conv_case(g, "1d", "1-D, kernel 3, bias", 2, 3, (17,), 4, (3,))
    yield conv_case(g, "2d", "2-D 3x3, no bias, kernel_shape absent", 2, 3, (7, 9), 5, (3, 3),
                    bias=False, kernel_attr=False)
    yield conv_case(g, "2d_attrs", "2-D strides (2,1), dilations (1,2), asymmetric pads", 1, 4,
                    (9, 11), 6, (3, 2), strides=[2, 1], dilations=[1, 2], pads=[1, 0, 2, 1])
    yield conv_case(g, "dw1d", "1-D depthwise k=5 pads 2 (Silero)", 2, 8, (23,), 8, (5,), group=8,
                    pads=[2, 2])
    # every attribute at every version: strides, dilations, auto_pad, group
    yield conv_case(g, "1d_stride_dil", "1-D stride 3, dilation 2, pads 1/2", 2, 3, (29,), 4, (4,),
                    strides=[3], dilations=[2], pads=[1, 2])
    for auto in ("SAME_UPPER", "SAME_LOWER", "VALID"):
        yield conv_case(g, "1d_" + auto.lower(), "1-D auto_pad %s, stride 2, even kernel" % auto,
                        1, 2, (15,), 3, (4,), strides=[2], auto_pad=auto)
        yield conv_case(g, "2d_" + auto.lower(), "2-D auto_pad %s, strides 2, dilation 2" % auto,
                        1, 2, (10, 9), 3, (3, 2), strides=[2, 2], dilations=[2, 1], auto_pad=auto)
    yield conv_case(g, "1d_group", "1-D group 3 (2 channels in, 2 out per group)", 2, 6, (12,),
                    6, (3,), group=3, pads=[1, 1])
    yield conv_case(g, "2d_group", "2-D group 2", 1, 4, (6, 7), 6, (3, 3), group=2,
                    pads=[1, 1, 1, 1])
    if not full:
        return
    yield conv_case(g, "dw2d", "2-D depthwise 3x3 stride 2", 2, 4, (9, 8), 4, (3, 3), group=4,
                    strides=[2, 2], pads=[1, 1, 1, 1])
    yield conv_case(g, "dw2d_mult2", "2-D depthwise, 2 outputs per channel, dilation 2", 1, 3,
                    (8, 8), 6, (3, 3), group=3, dilations=[2, 2], pads=[2, 1, 0, 2])
    yield conv_case(g, "dw1d_stride", "1-D depthwise k=3 stride 2 pads 1 (Silero v5)", 1, 16,
                    (33,), 16, (3,), group=16, strides=[2], pads=[1, 1])
    yield conv_case(g, "pw1d", "1-D pointwise k=1", 2, 16, (13,), 24, (1,))
    yield conv_case(g, "pw1d_stride2", "1-D pointwise k=1 stride 2", 1, 16, (13,), 8, (1,),
                    strides=[2])
    yield conv_case(g, "stft_small", "1-D one channel, k=64 stride 16 (STFT form), no bias", 2,
                    1, (384,), 66, (64,), bias=False)
    yield conv_case(g, "stft_silero", "Silero v5 STFT: k=256 stride 128, 258 filters", 1, 1,
                    (640,), 258, (256,), bias=False, strides=[128])
    yield conv_case(g, "stft_padded", "1-D one channel, k=16 stride 4 with pads (rows gathered)",
                    1, 1, (50,), 10, (16,), strides=[4], pads=[3, 5])
    yield conv_case(g, "2d_chunks", "2-D 64 channels 3x3 on 20x20: several im2col chunks", 1,
                    64, (20, 20), 40, (3, 3), pads=[1, 1, 1, 1])
    yield conv_case(g, "2d_k1", "2-D 1x1", 2, 8, (5, 6), 33, (1, 1))
    yield conv_case(g, "3d", "3-D 2x3x3", 1, 2, (4, 5, 6), 3, (2, 3, 3), pads=[0, 1, 1, 1, 1, 0])
    yield conv_case(g, "3d_dw_stride", "3-D depthwise, strides 2", 1, 3, (5, 6, 5), 3,
                    (3, 3, 3), group=3, strides=[2, 2, 2], pads=[1, 1, 1, 1, 1, 1])
    yield conv_case(g, "w_input", "weights and bias as graph inputs (packed each run)", 2, 3,
                    (6, 7), 4, (3, 3), wkind="input", pads=[1, 1, 1, 1])
    yield conv_case(g, "dw_w_input", "depthwise weights as graph inputs", 1, 4, (11,), 4, (3,),
                    group=4, wkind="input")
    yield conv_case(g, "w_const", "weights and bias from Constant nodes (folded, then packed)",
                    1, 3, (12,), 5, (3,), wkind="const", kernel_attr=False)
    yield conv_case(g, "crnn_c1", "CRNN first layer: 1 -> 16, 3x3 pads 1 on 32x40", 2, 1,
                    (32, 40), 16, (3, 3), pads=[1, 1, 1, 1])
    yield conv_case(g, "n0", "empty batch", 0, 3, (6,), 4, (3,))
    for dt in ("float64", "float16"):
        yield conv_case(g, "2d_" + dt, "2-D group 2 stride 2 in " + dt, 1, 4, (6, 7), 4, (3, 3),
                        group=2, dt=dt, strides=[2, 2], pads=[1, 1, 1, 1])
    # 1-D without dilation runs K as (tap, channel) over X channels-last (op_conv.c).
    yield conv_case(g, "1d_w_input", "1-D weights and bias as graph inputs, stride 2, pads 2/1",
                    2, 3, (13,), 32, (3,), wkind="input", strides=[2], pads=[2, 1])
    yield conv_case(g, "1d_silero_enc0", "Silero v5 encoder: 129 -> 128, k=3 pads 1, 4 samples",
                    1, 129, (4,), 128, (3,), pads=[1, 1])
    yield conv_case(g, "1d_silero_enc1", "Silero v5 encoder: 128 -> 64, k=3 stride 2 pads 1", 1,
                    128, (4,), 64, (3,), strides=[2], pads=[1, 1])
    yield conv_case(g, "dw1d_mult3_pads", "1-D depthwise, 3 outputs per channel, pads 1/3",
                    2, 4, (9,), 12, (5,), group=4, pads=[1, 3])
    yield conv_case(g, "1d_rows_chunks", "1-D 2 -> 32, k=3, 1001 outputs: rows in two chunks", 1,
                    2, (1003,), 32, (3,))


# ---------------------------------------------------------------------------- ConvTranspose
def convt_case(g, tag, what, N, C, sp_in, Mg, kernel, group=1, bias=True, dt="float32",
               no_ort=None, **attrs):
    x = g.x((N, C) + tuple(sp_in))
    w = g.w((C, Mg) + tuple(kernel), C // group * int(np.prod(kernel)))
    ins = [g.inp("x", dt, x), g.inp("w", dt, w, "init")]
    if bias:
        ins.append(g.inp("b", dt, g.x((Mg * group,)), "init"))
    a = dict(attrs)
    if group != 1:
        a["group"] = group
    return g.case(tag, what, ins, attrs=a, no_ort=no_ort,
                  ref=lambda x, w, b=None: R.conv_transpose(x, w, b, **a))


@op("ConvTranspose", [1, 11, 22])
def conv_transpose(g):
    # Version 1's text splits an odd output_shape padding the other way round and, for auto_pad
    # SAME_*, asks for an output the size of the input; both contradict its own attribute text
    # and were corrected in 11 (onnx/onnx#1609, #2095). onnxruntime and this runtime read every
    # version as 11, and so does every case here.
    yield convt_case(g, "1d", "1-D kernel 3 stride 2", 2, 3, (7,), 4, (3,), strides=[2])
    yield convt_case(g, "2d", "2-D 3x3 stride 2 pads 1 output_padding 1", 1, 3, (4, 5), 2,
                     (3, 3), strides=[2, 2], pads=[1, 1, 1, 1], output_padding=[1, 1])
    yield convt_case(g, "2d_nobias_dil", "2-D dilations 2, kernel_shape given, no bias", 2, 2,
                     (4, 3), 3, (2, 3), bias=False, dilations=[2, 2], kernel_shape=[2, 3])
    yield convt_case(g, "2d_group", "2-D group 2, strides (2,3), asymmetric pads", 1, 4, (3, 4),
                     2, (3, 3), group=2, strides=[2, 3], pads=[0, 1, 2, 0])
    yield convt_case(g, "1d_outshape", "1-D output_shape (spatial) 16", 1, 2, (7,), 3, (4,),
                     strides=[2], output_shape=[16])
    yield convt_case(g, "1d_outshape_odd", "1-D output_shape 15: total padding 1 (odd)", 1, 2,
                     (7,), 3, (4,), strides=[2], output_shape=[15])
    for auto in ("SAME_UPPER", "SAME_LOWER"):
        yield convt_case(g, "1d_" + auto.lower(), "1-D auto_pad %s stride 2 kernel 4" % auto, 1, 2,
                         (5,), 2, (4,), strides=[2], auto_pad=auto)
        yield convt_case(g, "2d_" + auto.lower(), "2-D auto_pad %s strides 2, 3x3" % auto, 1, 2,
                         (3, 4), 2, (3, 3), strides=[2, 2], auto_pad=auto)
    yield convt_case(g, "2d_outshape_full", "2-D output_shape given with N and C", 1, 2, (3, 4),
                     2, (3, 3), strides=[2, 2], output_shape=[1, 2, 6, 8],
                     no_ort="its shape inference refuses an output_shape with N and C, which its "
                     "kernel reads")
    yield convt_case(g, "1d_valid", "1-D auto_pad VALID", 1, 2, (5,), 2, (3,), strides=[2],
                     auto_pad="VALID")
    yield convt_case(g, "1d_dw", "1-D depthwise (group = channels)", 1, 4, (6,), 1, (3,),
                     group=4, strides=[2])
    yield convt_case(g, "3d", "3-D 2x2x2 stride 2", 1, 2, (2, 3, 2), 2, (2, 2, 2), strides=[2, 2, 2])
    for dt in ("float64", "float16"):
        yield convt_case(g, "2d_" + dt, "2-D stride 2 in " + dt, 1, 2, (3, 3), 2, (3, 3), dt=dt,
                         strides=[2, 2], pads=[1, 0, 0, 1])


# ---------------------------------------------------------------------------- pools
def pool_case(g, kind, tag, what, shape, kernel, dt="float32", indices=False, **attrs):
    x = g.x(shape)
    if dt in ("int8", "uint8"):
        x = g.rng.integers(-100 if dt == "int8" else 0, 100, shape)
    a = dict(attrs, kernel_shape=list(kernel))
    outs = ("y", "indices") if indices else ("y",)
    types = [dt, "int64"] if indices else [dt]

    def ref(x):
        r = R.pool(x, kind, kernel, with_indices=indices, **attrs)
        return r
    # ceil_mode drops a last window that would start in the end padding (the spec since ONNX
    # 1.15, onnxruntime, PyTorch); onnx 1.12's shape inference still counts it.
    stale = None
    if attrs.get("ceil_mode") and attrs.get("auto_pad", "NOTSET") != "NOTSET":
        stale = "onnx 1.12's shape inference gives auto_pad with ceil_mode other sizes"
    elif attrs.get("ceil_mode"):
        geo = R.geometry(shape[2:], kernel, attrs, True)
        for (o, pb, pe, st, dl, e), x_in in zip(geo, shape[2:]):
            if attrs.get("auto_pad", "NOTSET") == "NOTSET" and o != -(-(x_in + pb + pe - e) // st) + 1:
                stale = "onnx 1.12's shape inference keeps the last window that starts in the padding"
    return g.case(tag, what, [g.inp("x", dt, x)], outputs=outs, out_types=types, attrs=a, ref=ref,
                  stale_shape=stale)


def rand_pool(g, kind, i, ceil=False, dilations=False, include_pad=False, indices=False):
    """A random pool: rank 1-3, kernel, strides, pads smaller than the kernel or auto_pad."""
    r = g.rng
    sp = int(r.integers(1, 4))
    kernel = [int(r.integers(1, 4)) for _ in range(sp)]
    attrs = {"strides": [int(r.integers(1, 3)) for _ in range(sp)]}
    if dilations:
        attrs["dilations"] = [int(r.integers(1, 3)) for _ in range(sp)]
    d = attrs.get("dilations", [1] * sp)
    shape = (int(r.integers(1, 3)), int(r.integers(1, 4))) + tuple(
        int(r.integers(dd * (k - 1) + 1, dd * (k - 1) + 7)) for k, dd in zip(kernel, d))
    if r.integers(0, 4) == 0 and not dilations:
        attrs["auto_pad"] = str(r.choice(["SAME_UPPER", "SAME_LOWER", "VALID"]))
    else:
        attrs["pads"] = [int(r.integers(0, k)) for k in kernel + kernel]
    if ceil:
        attrs["ceil_mode"] = int(r.integers(0, 2))
    if include_pad:
        attrs["count_include_pad"] = int(r.integers(0, 2))
    return pool_case(g, kind, "rand%d" % i, "random: %d-D kernel %s, %s" % (sp, kernel, attrs),
                     shape, kernel, indices=indices, **attrs)


@op("MaxPool", [1, 8, 10, 11, 12, 22])
def maxpool(g):
    v = g.v
    for i in range(3):
        yield rand_pool(g, "max", i, ceil=v >= 10, dilations=v >= 10 and i == 2,
                        indices=v >= 8 and i > 0)
    yield pool_case(g, "max", "2d_k2s2", "2-D 2x2 stride 2 (CRNN)", (2, 3, 8, 10), (2, 2),
                    strides=[2, 2])
    yield pool_case(g, "max", "2d_k3_pads", "2-D 3x3 stride 1 pads 1", (1, 2, 6, 7), (3, 3),
                    pads=[1, 1, 1, 1])
    yield pool_case(g, "max", "1d_same", "1-D k=3 stride 2 auto_pad SAME_UPPER", (2, 3, 11), (3,),
                    strides=[2], auto_pad="SAME_UPPER")
    yield pool_case(g, "max", "1d_same_lower", "1-D SAME_LOWER stride 3", (1, 2, 10), (4,),
                    strides=[3], auto_pad="SAME_LOWER")
    yield pool_case(g, "max", "1d_valid", "1-D VALID stride 2", (1, 2, 10), (3,), strides=[2],
                    auto_pad="VALID")
    if v >= 8:  # the Indices output and storage_order
        yield pool_case(g, "max", "2d_indices", "2-D with Indices", (2, 2, 5, 6), (2, 3),
                        strides=[2, 2], pads=[1, 0, 0, 1], indices=True)
        yield pool_case(g, "max", "2d_indices_colmajor", "2-D Indices, storage_order 1",
                        (1, 3, 5, 4), (3, 2), strides=[1, 2], indices=True, storage_order=1)
        yield pool_case(g, "max", "3d_colmajor", "3-D Indices, storage_order 1", (1, 1, 3, 4, 5),
                        (2, 2, 3), strides=[1, 2, 2], indices=True, storage_order=1)
    if v >= 10:  # ceil_mode and dilations
        yield pool_case(g, "max", "2d_ceil", "2-D ceil_mode, stride 2, pads", (1, 2, 7, 8), (3, 3),
                        strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1)
        yield pool_case(g, "max", "2d_ceil_nopad", "2-D ceil_mode without pads", (2, 1, 6, 9),
                        (2, 2), strides=[2, 2], ceil_mode=1, indices=True)
        yield pool_case(g, "max", "2d_ceil_last_window", "ceil_mode: a last window starting in "
                        "the end pad is dropped", (1, 2, 5, 5), (2, 2), strides=[2, 2],
                        pads=[1, 1, 1, 1], ceil_mode=1, indices=True)
        yield pool_case(g, "max", "2d_dil", "2-D dilations 2, pads", (1, 2, 9, 8), (2, 3),
                        dilations=[2, 2], pads=[1, 1, 0, 2], indices=True)
        yield pool_case(g, "max", "3d", "3-D 2x2x2 stride 2 with Indices", (1, 2, 4, 5, 4),
                        (2, 2, 2), strides=[2, 2, 2], indices=True)
        yield pool_case(g, "max", "1d_ceil_dil", "1-D ceil_mode, dilation 2, stride 2", (1, 3, 12),
                        (3,), strides=[2], dilations=[2], ceil_mode=1)
    for dt in ("float64", "float16", "int8", "uint8") if v >= 12 else ("float64", "float16"):
        yield pool_case(g, "max", "2d_" + dt, "2-D 3x3 stride 2 in " + dt, (1, 2, 7, 6),
                        (3, 3), dt=dt, strides=[2, 2], pads=[1, 1, 1, 1])


@op("AveragePool", [1, 7, 10, 11, 19, 22])
def avgpool(g):
    v = g.v
    for i in range(3):
        yield rand_pool(g, "avg", i, ceil=v >= 10, dilations=v >= 19 and i == 2,
                        include_pad=v >= 7)
    yield pool_case(g, "avg", "2d_k2s2", "2-D 2x2 stride 2", (2, 3, 8, 10), (2, 2), strides=[2, 2])
    yield pool_case(g, "avg", "2d_pads", "2-D 3x3 pads 1 (padding left out of the mean)",
                    (1, 2, 6, 7), (3, 3), pads=[1, 1, 1, 1])
    yield pool_case(g, "avg", "1d_same", "1-D k=4 stride 2 SAME_UPPER", (2, 2, 9), (4,),
                    strides=[2], auto_pad="SAME_UPPER")
    if v >= 7:
        yield pool_case(g, "avg", "2d_include_pad", "2-D count_include_pad=1", (1, 2, 6, 7),
                        (3, 3), pads=[1, 2, 1, 0], count_include_pad=1)
    yield pool_case(g, "avg", "1d_valid", "1-D VALID stride 2", (1, 2, 10), (3,), strides=[2],
                    auto_pad="VALID")
    yield pool_case(g, "avg", "2d_same_lower", "2-D SAME_LOWER strides 2", (1, 2, 7, 6), (3, 2),
                    strides=[2, 2], auto_pad="SAME_LOWER")
    yield pool_case(g, "avg", "3d", "3-D 2x3x2 pads", (1, 2, 4, 5, 4), (2, 3, 2),
                    pads=[1, 1, 0, 0, 1, 1], strides=[1, 2, 1])
    for dt in ("float64", "float16"):
        yield pool_case(g, "avg", "2d_" + dt, "2-D 3x3 stride 2 pads in " + dt, (1, 2, 7, 6),
                        (3, 3), dt=dt, strides=[2, 2], pads=[1, 1, 1, 1])
    if v >= 7:  # count_include_pad
        yield pool_case(g, "avg", "2d_same_include", "2-D SAME_UPPER with count_include_pad",
                        (1, 2, 7, 6), (3, 3), strides=[2, 2], auto_pad="SAME_UPPER",
                        count_include_pad=1)
    if v >= 10:  # ceil_mode
        yield pool_case(g, "avg", "2d_ceil", "2-D ceil_mode, stride 2, pads", (1, 2, 7, 8), (3, 3),
                        strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1)
        yield pool_case(g, "avg", "2d_ceil_include_pad", "2-D ceil_mode with count_include_pad",
                        (1, 2, 7, 8), (3, 3), strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1,
                        count_include_pad=1)
        yield pool_case(g, "avg", "1d_ceil_nopad", "1-D ceil_mode, no pads", (2, 2, 10), (3,),
                        strides=[2], ceil_mode=1)
    if v >= 19:  # dilations
        yield pool_case(g, "avg", "2d_ceil_last_window", "ceil_mode: a last window starting in "
                        "the end pad is dropped", (1, 2, 5, 5), (2, 2), strides=[2, 2],
                        pads=[1, 1, 1, 1], ceil_mode=1, count_include_pad=1)
        yield pool_case(g, "avg", "2d_dil", "2-D dilations 2", (1, 2, 9, 8), (2, 3),
                        dilations=[2, 2])
        yield pool_case(g, "avg", "2d_dil_pads_include", "2-D dilations, pads, count_include_pad",
                        (1, 2, 9, 8), (2, 2), dilations=[2, 1], pads=[1, 1, 1, 1],
                        count_include_pad=1)
        yield pool_case(g, "avg", "1d_dil_pads", "1-D dilation 3, pads", (1, 2, 13), (3,),
                        dilations=[3], pads=[2, 1], strides=[2])


def gpool_entry(kind):
    def entry(g):
        for tag, shape in (("1d", (2, 3, 7)), ("2d", (2, 4, 5, 6)), ("3d", (1, 2, 3, 4, 5))):
            yield g.case(tag, "%d-D input %s" % (len(shape) - 2, shape), [g.inp("x", "float32", g.x(shape))],
                         ref=lambda x: R.global_pool(x, kind))
        for dt in ("float64", "float16"):
            yield g.case("2d_" + dt, "2-D in " + dt, [g.inp("x", dt, g.x((1, 3, 4, 5)))],
                         ref=lambda x: R.global_pool(x, kind))
    return entry


op("GlobalMaxPool", [1, 22])(gpool_entry("max"))
op("GlobalAveragePool", [1, 22])(gpool_entry("avg"))


# ---------------------------------------------------------------------------- normalisations
def bn_case(g, tag, what, shape, dt="float32", sdt=None, mdt=None, spatial=1, **attrs):
    C = shape[1]
    pshape = (C,) if spatial else tuple(shape[1:])
    sdt, mdt = sdt or dt, mdt or dt
    ins = [g.inp("x", dt, g.x(shape, -2, 2)), g.inp("scale", sdt, g.x(pshape, 0.5, 1.5), "init"),
           g.inp("b", sdt, g.x(pshape), "init"), g.inp("mean", mdt, g.x(pshape, -0.5, 0.5), "init"),
           g.inp("var", mdt, g.x(pshape, 0.2, 2.0), "init")]
    a = dict(attrs)
    if not spatial:
        a["spatial"] = 0
    eps = attrs.get("epsilon", 1e-5)
    return g.case(tag, what, ins, attrs=a, out_types=[dt],
                  ref=lambda x, s, b, m, v: R.batch_norm(x, s, b, m, v, eps, spatial))


@op("BatchNormalization", [1, 6, 7, 9, 14, 15])
def batchnorm(g):
    v = g.v
    extra = {}
    if v == 1:
        extra["consumed_inputs"] = [0, 0, 0, 1, 1]
    if v < 7:
        extra["is_test"] = 1
    rank = int(g.rng.integers(2, 6))
    shape = tuple(int(g.rng.integers(1, 5)) for _ in range(rank))
    yield bn_case(g, "rand", "random shape %s" % (shape,), shape,
                  epsilon=float(g.rng.uniform(1e-5, 1e-2)), **extra)
    yield bn_case(g, "4d", "N C H W", (2, 3, 4, 5), **extra)
    yield bn_case(g, "2d_eps", "N C (BatchNorm1d on features), epsilon 0.01, momentum 0.8",
                  (4, 6), epsilon=0.01, momentum=0.8, **extra)
    yield bn_case(g, "3d", "N C L", (2, 5, 7), **extra)
    if v <= 7:
        yield bn_case(g, "spatial0", "spatial=0: statistics per channel and position",
                      (2, 3, 4), spatial=0, **extra)
    if v >= 14:
        yield bn_case(g, "training_mode0", "training_mode=0 given", (2, 3, 4, 4), training_mode=0)
    if v in (9, 15):
        yield bn_case(g, "5d", "N C D H W", (1, 2, 3, 4, 2))
        for dt in ("float64", "float16"):
            yield bn_case(g, "4d_" + dt, "N C H W in " + dt, (2, 3, 3, 4), dt=dt)
    if v == 14:
        yield bn_case(g, "mean_f64", "mean and var in float64, X in float32 (U differs)",
                      (2, 3, 5), mdt="float64")
    if v == 15:
        yield bn_case(g, "mixed", "X float16, scale / B float32, mean / var float64", (2, 3, 5),
                      dt="float16", sdt="float32", mdt="float64")


def ln_case(g, tag, what, shape, axis=-1, bias=True, outs=("y",), dt="float32", sshape=None,
            **attrs):
    a = axis % len(shape)
    sshape = sshape if sshape is not None else tuple(shape[a:])
    ins = [g.inp("x", dt, g.x(shape, -2, 2)), g.inp("scale", dt, g.x(sshape, 0.5, 1.5), "init")]
    if bias:
        ins.append(g.inp("b", dt, g.x(sshape), "init"))
    at = dict(attrs)
    if axis != -1:
        at["axis"] = axis
    eps = attrs.get("epsilon", 1e-5)
    types = [dt if o == "y" else "float32" for o in outs if o]  # stash_type 1: float32 stats

    def ref(x, s, b=None):
        y, m, inv = R.layer_norm(x, s, b, axis, eps)
        return tuple(r for r, o in zip((y, m, inv), outs) if o)
    return g.case(tag, what, ins, outputs=outs, out_types=types, attrs=at, ref=ref)


@op("LayerNormalization", [17])
def layernorm(g):
    for i in range(4):
        rank = int(g.rng.integers(1, 5))
        shape = tuple(int(g.rng.integers(1, 6)) for _ in range(rank))
        axis = int(g.rng.integers(-rank, rank))
        yield ln_case(g, "rand%d" % i, "random shape %s, axis %d" % (shape, axis), shape, axis=axis,
                      bias=bool(g.rng.integers(0, 2)), outs=("y", "mean", "inv"))
    yield ln_case(g, "last", "axis -1 (PyTorch nn.LayerNorm)", (2, 5, 8))
    yield ln_case(g, "axis1", "axis 1 of rank 3, no B", (3, 4, 5), axis=1, bias=False)
    yield ln_case(g, "axis_neg2", "axis -2, epsilon 0.1", (2, 3, 4, 5), axis=-2, epsilon=0.1)
    yield ln_case(g, "axis0", "axis 0: the whole tensor", (3, 4), axis=0)
    yield ln_case(g, "stats", "Mean and InvStdDev outputs", (2, 3, 6), outs=("y", "mean", "inv"))
    yield ln_case(g, "inv_only", "InvStdDev without Mean", (4, 7), outs=("y", "", "inv"))
    yield ln_case(g, "bcast_scale", "Scale [1, 5] broadcast over axis -2's block", (2, 3, 4, 5),
                  axis=-2, sshape=(1, 5))
    yield ln_case(g, "stash1", "stash_type 1 given", (2, 9), stash_type=1)
    for dt in ("float64", "float16"):
        yield ln_case(g, "last_" + dt, "axis -1 in " + dt, (2, 3, 8), dt=dt,
                      outs=("y", "mean", "inv"))


@op("InstanceNormalization", [1, 6, 22])
def instnorm(g):
    extra = {"consumed_inputs": [0, 0, 0]} if g.v == 1 else {}
    rshape = tuple(int(g.rng.integers(1, 5)) for _ in range(int(g.rng.integers(3, 6))))
    yield g.case("rand", "random shape %s" % (rshape,),
                 [g.inp("x", "float32", g.x(rshape, -2, 2)),
                  g.inp("scale", "float32", g.x((rshape[1],), 0.5, 1.5), "init"),
                  g.inp("b", "float32", g.x((rshape[1],)), "init")], attrs=dict(extra),
                 ref=lambda x, s, b: R.instance_norm(x, s, b))
    for tag, shape, eps in (("3d", (2, 3, 7), 1e-5), ("4d_eps", (2, 4, 3, 5), 0.05),
                            ("5d", (1, 2, 3, 2, 4), 1e-5)):
        a = dict(extra, epsilon=eps) if eps != 1e-5 else dict(extra)
        C = shape[1]
        yield g.case(tag, "input %s" % (shape,),
                     [g.inp("x", "float32", g.x(shape, -2, 2)),
                      g.inp("scale", "float32", g.x((C,), 0.5, 1.5), "init"),
                      g.inp("b", "float32", g.x((C,)), "init")], attrs=a,
                     ref=lambda x, s, b, eps=eps: R.instance_norm(x, s, b, eps))
    if g.v == 6:
        for dt in ("float64", "float16"):
            yield g.case("4d_" + dt, "N C H W in " + dt,
                         [g.inp("x", dt, g.x((2, 3, 4, 4), -2, 2)),
                          g.inp("scale", dt, g.x((3,), 0.5, 1.5), "init"),
                          g.inp("b", dt, g.x((3,)), "init")],
                         ref=lambda x, s, b: R.instance_norm(x, s, b))


@op("PRelu", [1, 6, 7, 9, 16])
def prelu(g):
    v = g.v
    for i in range(2 if v >= 7 else 0):
        rank = int(g.rng.integers(1, 5))
        shape = tuple(int(g.rng.integers(1, 5)) for _ in range(rank))
        srank = int(g.rng.integers(0, rank + 1))
        sshape = tuple(d if g.rng.integers(0, 2) else 1 for d in shape[rank - srank:])
        yield g.case("rand%d" % i, "random X %s, slope %s" % (shape, sshape),
                     [g.inp("x", "float32", g.x(shape, -2, 2)),
                      g.inp("slope", "float32", g.x(sshape, 0.1, 0.5), "init")], ref=R.prelu)
    extra = {"consumed_inputs": [0, 0]} if v == 1 else {}
    x = g.x((2, 3, 4, 5), -2, 2)
    yield g.case("scalar", "slope of one element", [g.inp("x", "float32", x),
                 g.inp("slope", "float32", g.x((1,), 0.1, 0.5), "init")], attrs=extra, ref=R.prelu)
    yield g.case("same", "slope of X's shape", [g.inp("x", "float32", x),
                 g.inp("slope", "float32", g.x(x.shape, 0.1, 0.5))], attrs=extra, ref=R.prelu)
    if v < 7:
        return
    yield g.case("channel", "slope [C,1,1] (PyTorch nn.PReLU(C))", [g.inp("x", "float32", x),
                 g.inp("slope", "float32", g.x((3, 1, 1), 0.1, 0.5), "init")], ref=R.prelu)
    yield g.case("last", "slope [W] along the last axis", [g.inp("x", "float32", x),
                 g.inp("slope", "float32", g.x((5,), 0.1, 0.5), "init")], ref=R.prelu)
    yield g.case("mid", "slope [4,1] broadcast inside", [g.inp("x", "float32", x),
                 g.inp("slope", "float32", g.x((4, 1), 0.1, 0.5))], ref=R.prelu)
    if v in (9, 16):
        for dt in ("int32", "int64"):
            xi = g.rng.integers(-20, 20, (2, 3, 4))
            yield g.case("int_" + dt, "integers in " + dt, [g.inp("x", dt, xi),
                         g.inp("slope", dt, g.rng.integers(-3, 4, (3, 1)))], ref=R.prelu)
        for dt in ("float64", "float16"):
            yield g.case("channel_" + dt, "slope [C,1,1] in " + dt, [g.inp("x", dt, x),
                         g.inp("slope", dt, g.x((3, 1, 1), 0.1, 0.5))], ref=R.prelu)
