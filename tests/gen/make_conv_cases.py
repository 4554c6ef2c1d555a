#!/usr/bin/python3
"""Differential cases for the convolutional front-end operators: Conv, ConvTranspose, MaxPool,
AveragePool, GlobalMaxPool, GlobalAveragePool, BatchNormalization, LayerNormalization,
InstanceNormalization and PRelu, at every ONNX version of each (up to opset 22), with
random shapes, non-default attributes, optional inputs and outputs absent and present, weights
as initializers, graph inputs and Constant nodes.

Each case is one node in a model whose opset is the operator version, written in the ONNX
test-case layout under tests/data/convops/<case>/ with reference.txt saying where the expected
outputs come from:
  - onnxruntime (npm onnxruntime-node, CPU, one thread), cross-checked against the NumPy float64
    reference of conv_ref.py (the generator stops when they disagree);
  - the NumPy reference alone where onnxruntime cannot run the case (opset < 7 models, types it
    has no kernel for): reference.txt quotes onnxruntime's refusal.
The entries (one function per operator, called per version) follow the shape of the
differential generator's diff_ops.py so they can move there.

    cd tests/gen && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-package-lock
    /usr/bin/python3 tests/gen/make_conv_cases.py [OUT_DIR]      (default tests/data/convops)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import conv_ref as R  # noqa: E402

OUT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                      os.path.join(HERE, "..", "data", "convops"))
PROTO = {"float32": TensorProto.FLOAT, "float64": TensorProto.DOUBLE,
         "float16": TensorProto.FLOAT16, "bfloat16": TensorProto.BFLOAT16,
         "int8": TensorProto.INT8, "uint8": TensorProto.UINT8, "int32": TensorProto.INT32,
         "int64": TensorProto.INT64, "uint32": TensorProto.UINT32, "uint64": TensorProto.UINT64}
NP = {"float32": np.float32, "float64": np.float64, "float16": np.float16,
      "bfloat16": np.float32, "int8": np.int8, "uint8": np.uint8, "int32": np.int32,
      "int64": np.int64, "uint32": np.uint32, "uint64": np.uint64}
# NumPy against onnxruntime before a case is written (float32 sums in another order).
CHECK_TOL = {"float32": (1e-4, 2e-5), "float64": (1e-9, 1e-12), "float16": (2e-3, 2e-3),
             "int8": (0, 0), "uint8": (0, 0), "int32": (0, 0), "int64": (0, 0),
             "uint32": (0, 0), "uint64": (0, 0)}

ORT_RUNNER = r"""
const fs = require('fs'), path = require('path'), ort = require('onnxruntime-node');
const A = {float32: Float32Array, float64: Float64Array, float16: Uint16Array, int8: Int8Array,
           uint8: Uint8Array, int32: Int32Array, int64: BigInt64Array, uint32: Uint32Array,
           uint64: BigUint64Array};
(async () => {
  const jobs = JSON.parse(fs.readFileSync(process.argv[2]));
  for (const job of jobs) {
    fs.mkdirSync(job.out_dir, {recursive: true});
    try {
      const s = await ort.InferenceSession.create(job.model,
          {intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'disabled'});
      const feeds = {};
      for (const f of job.feeds) {
        const b = fs.readFileSync(f.file), c = new Uint8Array(b.byteLength);
        c.set(b);
        feeds[f.name] = new ort.Tensor(f.dtype, new A[f.dtype](c.buffer), f.dims);
      }
      const res = await s.run(feeds), meta = {};
      for (const [n, t] of Object.entries(res)) {
        const d = t.data;
        fs.writeFileSync(path.join(job.out_dir, n + '.bin'),
                         Buffer.from(d.buffer, d.byteOffset, d.byteLength));
        meta[n] = {dims: t.dims, type: t.type};
      }
      fs.writeFileSync(path.join(job.out_dir, 'outputs.json'), JSON.stringify(meta));
    } catch (e) {
      fs.writeFileSync(path.join(job.out_dir, 'error.txt'), String(e && e.message ? e.message : e));
    }
  }
  console.log('onnxruntime-node ' + require('onnxruntime-node/package.json').version);
})().catch((e) => { console.error(e); process.exit(1); });
"""


def round_bf16(a):
    bits = np.ascontiguousarray(np.asarray(a, np.float32)).view(np.uint32).astype(np.uint64)
    bits = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16) << 16
    return bits.astype(np.uint32).view(np.float32)


def held(a, dt):
    """A float64 / integer array as the values element type dt holds."""
    return round_bf16(a) if dt == "bfloat16" else np.asarray(a).astype(NP[dt])


class In:
    """A node input: name, dtype, value; kind 'input' (graph input), 'init' (initializer) or
    'const' (the output of a Constant node)."""

    def __init__(self, name, dtype, value, kind="input"):
        self.name, self.dtype, self.value, self.kind = name, dtype, held(value, dtype), kind


class Case:
    def __init__(self, op, v, tag, what, inputs, outputs=("y",), out_types=None, attrs=None,
                 ref=None, ort_differs=None):
        self.op, self.v, self.tag, self.what = op, v, tag, what
        self.inputs, self.outputs, self.attrs, self.ref = list(inputs), list(outputs), attrs or {}, ref
        first = next(i for i in inputs if i is not None)
        self.out_types = out_types or [first.dtype] * len([o for o in outputs if o])
        self.ort_differs = ort_differs  # why onnxruntime is not the reference, when it is not

    @property
    def name(self):
        return ("%s_v%d_%s" % (self.op, self.v, self.tag)).lower()


class G:
    """What an entry gets for one version: g.v, a seeded g.rng, value helpers, g.case."""

    def __init__(self, op, v):
        self.op, self.v = op, v
        self.rng = np.random.default_rng(zlib.crc32(("%s-%d" % (op, v)).encode()))

    def x(self, shape, lo=-1.0, hi=1.0):
        return self.rng.uniform(lo, hi, shape)

    def w(self, shape, fan_in):
        return self.rng.standard_normal(shape) / np.sqrt(max(1, fan_in))

    def case(self, tag, what, inputs, **kw):
        return Case(self.op, self.v, tag, what, inputs, **kw)


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
    ins = [In("x", dt, x), In("w", dt, w, wkind)]
    if bias:
        ins.append(In("b", dt, g.x((M,)), "init" if wkind != "input" else "input"))
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
    yield conv_case(g, "1d", "1-D, kernel 3, bias", 2, 3, (17,), 4, (3,))
    yield conv_case(g, "2d", "2-D 3x3, no bias, kernel_shape absent", 2, 3, (7, 9), 5, (3, 3),
                    bias=False, kernel_attr=False)
    yield conv_case(g, "2d_attrs", "2-D strides (2,1), dilations (1,2), asymmetric pads", 1, 4,
                    (9, 11), 6, (3, 2), strides=[2, 1], dilations=[1, 2], pads=[1, 0, 2, 1])
    yield conv_case(g, "dw1d", "1-D depthwise k=5 pads 2 (Silero)", 2, 8, (23,), 8, (5,), group=8,
                    pads=[2, 2])
    if not full:
        return
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
    for dt in ("float64", "float16", "bfloat16"):
        yield conv_case(g, "2d_" + dt, "2-D group 2 stride 2 in " + dt, 1, 4, (6, 7), 4, (3, 3),
                        group=2, dt=dt, strides=[2, 2], pads=[1, 1, 1, 1])


# ---------------------------------------------------------------------------- ConvTranspose
def convt_case(g, tag, what, N, C, sp_in, Mg, kernel, group=1, bias=True, dt="float32", **attrs):
    x = g.x((N, C) + tuple(sp_in))
    w = g.w((C, Mg) + tuple(kernel), C // group * int(np.prod(kernel)))
    ins = [In("x", dt, x), In("w", dt, w, "init")]
    if bias:
        ins.append(In("b", dt, g.x((Mg * group,)), "init"))
    a = dict(attrs)
    if group != 1:
        a["group"] = group
    return g.case(tag, what, ins, attrs=a,
                  ref=lambda x, w, b=None: R.conv_transpose(x, w, b, **a))


@op("ConvTranspose", [1, 11, 22])
def conv_transpose(g):
    full = g.v == 11
    yield convt_case(g, "1d", "1-D kernel 3 stride 2", 2, 3, (7,), 4, (3,), strides=[2])
    yield convt_case(g, "2d", "2-D 3x3 stride 2 pads 1 output_padding 1", 1, 3, (4, 5), 2,
                     (3, 3), strides=[2, 2], pads=[1, 1, 1, 1], output_padding=[1, 1])
    if not full:
        return
    yield convt_case(g, "2d_nobias_dil", "2-D dilations 2, kernel_shape given, no bias", 2, 2,
                     (4, 3), 3, (2, 3), bias=False, dilations=[2, 2], kernel_shape=[2, 3])
    yield convt_case(g, "2d_group", "2-D group 2, strides (2,3), asymmetric pads", 1, 4, (3, 4),
                     2, (3, 3), group=2, strides=[2, 3], pads=[0, 1, 2, 0])
    yield convt_case(g, "1d_outshape", "1-D output_shape (spatial) 16", 1, 2, (7,), 3, (4,),
                     strides=[2], output_shape=[16])
    yield convt_case(g, "1d_outshape_odd", "1-D output_shape 14: odd total padding", 1, 2, (7,),
                     3, (4,), strides=[2], output_shape=[14])
    for auto in ("SAME_UPPER", "SAME_LOWER"):
        yield convt_case(g, "1d_" + auto.lower(), "1-D auto_pad %s stride 2 kernel 4" % auto, 1, 2,
                         (5,), 2, (4,), strides=[2], auto_pad=auto)
        yield convt_case(g, "2d_" + auto.lower(), "2-D auto_pad %s strides 2, 3x3" % auto, 1, 2,
                         (3, 4), 2, (3, 3), strides=[2, 2], auto_pad=auto)
    yield convt_case(g, "2d_outshape_full", "2-D output_shape given with N and C", 1, 2, (3, 4),
                     2, (3, 3), strides=[2, 2], output_shape=[1, 2, 6, 8])
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
    return g.case(tag, what, [In("x", dt, x)], outputs=outs, out_types=types, attrs=a, ref=ref)


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
    if v in (8, 12):
        yield pool_case(g, "max", "2d_indices", "2-D with Indices", (2, 2, 5, 6), (2, 3),
                        strides=[2, 2], pads=[1, 0, 0, 1], indices=True)
        yield pool_case(g, "max", "2d_indices_colmajor", "2-D Indices, storage_order 1",
                        (1, 3, 5, 4), (3, 2), strides=[1, 2], indices=True, storage_order=1)
    if v == 12:
        yield pool_case(g, "max", "2d_ceil", "2-D ceil_mode, stride 2, pads", (1, 2, 7, 8), (3, 3),
                        strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1)
        yield pool_case(g, "max", "2d_ceil_nopad", "2-D ceil_mode without pads", (2, 1, 6, 9),
                        (2, 2), strides=[2, 2], ceil_mode=1, indices=True)
        yield pool_case(g, "max", "2d_dil", "2-D dilations 2, pads", (1, 2, 9, 8), (2, 3),
                        dilations=[2, 2], pads=[1, 1, 0, 2], indices=True)
        yield pool_case(g, "max", "1d_same_lower", "1-D SAME_LOWER stride 3", (1, 2, 10), (4,),
                        strides=[3], auto_pad="SAME_LOWER")
        yield pool_case(g, "max", "1d_valid", "1-D VALID stride 2", (1, 2, 10), (3,), strides=[2],
                        auto_pad="VALID")
        yield pool_case(g, "max", "3d", "3-D 2x2x2 stride 2 with Indices", (1, 2, 4, 5, 4),
                        (2, 2, 2), strides=[2, 2, 2], indices=True)
        yield pool_case(g, "max", "3d_colmajor", "3-D Indices, storage_order 1", (1, 1, 3, 4, 5),
                        (2, 2, 3), strides=[1, 2, 2], indices=True, storage_order=1)
        yield pool_case(g, "max", "1d_ceil_dil", "1-D ceil_mode, dilation 2, stride 2", (1, 3, 12),
                        (3,), strides=[2], dilations=[2], ceil_mode=1)
        for dt in ("float64", "float16", "int8", "uint8"):
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
    if v in (10, 11, 19):
        yield pool_case(g, "avg", "2d_ceil", "2-D ceil_mode, stride 2, pads", (1, 2, 7, 8), (3, 3),
                        strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1)
        yield pool_case(g, "avg", "2d_ceil_include_pad", "2-D ceil_mode with count_include_pad",
                        (1, 2, 7, 8), (3, 3), strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1,
                        count_include_pad=1)
        yield pool_case(g, "avg", "1d_ceil_nopad", "1-D ceil_mode, no pads", (2, 2, 10), (3,),
                        strides=[2], ceil_mode=1)
    if v == 19:
        yield pool_case(g, "avg", "2d_dil", "2-D dilations 2", (1, 2, 9, 8), (2, 3),
                        dilations=[2, 2])
        yield pool_case(g, "avg", "2d_dil_pads_include", "2-D dilations, pads, count_include_pad",
                        (1, 2, 9, 8), (2, 2), dilations=[2, 1], pads=[1, 1, 1, 1],
                        count_include_pad=1)
        yield pool_case(g, "avg", "1d_dil_pads", "1-D dilation 3, pads", (1, 2, 13), (3,),
                        dilations=[3], pads=[2, 1], strides=[2])
    if v == 11:
        yield pool_case(g, "avg", "1d_valid", "1-D VALID stride 2", (1, 2, 10), (3,), strides=[2],
                        auto_pad="VALID")
        yield pool_case(g, "avg", "2d_same_lower", "2-D SAME_LOWER strides 2", (1, 2, 7, 6), (3, 2),
                        strides=[2, 2], auto_pad="SAME_LOWER")
        yield pool_case(g, "avg", "2d_same_include", "2-D SAME_UPPER with count_include_pad",
                        (1, 2, 7, 6), (3, 3), strides=[2, 2], auto_pad="SAME_UPPER",
                        count_include_pad=1)
        yield pool_case(g, "avg", "3d", "3-D 2x3x2 pads", (1, 2, 4, 5, 4), (2, 3, 2),
                        pads=[1, 1, 0, 0, 1, 1], strides=[1, 2, 1])
        for dt in ("float64", "float16"):
            yield pool_case(g, "avg", "2d_" + dt, "2-D 3x3 stride 2 pads in " + dt, (1, 2, 7, 6),
                            (3, 3), dt=dt, strides=[2, 2], pads=[1, 1, 1, 1])


def gpool_entry(kind):
    def entry(g):
        for tag, shape in (("1d", (2, 3, 7)), ("2d", (2, 4, 5, 6)), ("3d", (1, 2, 3, 4, 5))):
            yield g.case(tag, "%d-D input %s" % (len(shape) - 2, shape), [In("x", "float32", g.x(shape))],
                         ref=lambda x: R.global_pool(x, kind))
        for dt in ("float64", "float16"):
            yield g.case("2d_" + dt, "2-D in " + dt, [In("x", dt, g.x((1, 3, 4, 5)))],
                         ref=lambda x: R.global_pool(x, kind))
    return entry


op("GlobalMaxPool", [1, 22])(gpool_entry("max"))
op("GlobalAveragePool", [1, 22])(gpool_entry("avg"))


# ---------------------------------------------------------------------------- normalisations
def bn_case(g, tag, what, shape, dt="float32", sdt=None, mdt=None, spatial=1, **attrs):
    C = shape[1]
    pshape = (C,) if spatial else tuple(shape[1:])
    sdt, mdt = sdt or dt, mdt or dt
    ins = [In("x", dt, g.x(shape, -2, 2)), In("scale", sdt, g.x(pshape, 0.5, 1.5), "init"),
           In("b", sdt, g.x(pshape), "init"), In("mean", mdt, g.x(pshape, -0.5, 0.5), "init"),
           In("var", mdt, g.x(pshape, 0.2, 2.0), "init")]
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
    ins = [In("x", dt, g.x(shape, -2, 2)), In("scale", dt, g.x(sshape, 0.5, 1.5), "init")]
    if bias:
        ins.append(In("b", dt, g.x(sshape), "init"))
    at = dict(attrs)
    if axis != -1:
        at["axis"] = axis
    eps = attrs.get("epsilon", 1e-5)
    stat = "float64" if dt == "float64" else "float32"
    types = [dt if o == "y" else stat for o in outs if o]

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
                 [In("x", "float32", g.x(rshape, -2, 2)),
                  In("scale", "float32", g.x((rshape[1],), 0.5, 1.5), "init"),
                  In("b", "float32", g.x((rshape[1],)), "init")], attrs=dict(extra),
                 ref=lambda x, s, b: R.instance_norm(x, s, b))
    for tag, shape, eps in (("3d", (2, 3, 7), 1e-5), ("4d_eps", (2, 4, 3, 5), 0.05),
                            ("5d", (1, 2, 3, 2, 4), 1e-5)):
        a = dict(extra, epsilon=eps) if eps != 1e-5 else dict(extra)
        C = shape[1]
        yield g.case(tag, "input %s" % (shape,),
                     [In("x", "float32", g.x(shape, -2, 2)),
                      In("scale", "float32", g.x((C,), 0.5, 1.5), "init"),
                      In("b", "float32", g.x((C,)), "init")], attrs=a,
                     ref=lambda x, s, b, eps=eps: R.instance_norm(x, s, b, eps))
    if g.v == 6:
        for dt in ("float64", "float16"):
            yield g.case("4d_" + dt, "N C H W in " + dt,
                         [In("x", dt, g.x((2, 3, 4, 4), -2, 2)),
                          In("scale", dt, g.x((3,), 0.5, 1.5), "init"),
                          In("b", dt, g.x((3,)), "init")],
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
                     [In("x", "float32", g.x(shape, -2, 2)),
                      In("slope", "float32", g.x(sshape, 0.1, 0.5), "init")], ref=R.prelu)
    extra = {"consumed_inputs": [0, 0]} if v == 1 else {}
    x = g.x((2, 3, 4, 5), -2, 2)
    yield g.case("scalar", "slope of one element", [In("x", "float32", x),
                 In("slope", "float32", g.x((1,), 0.1, 0.5), "init")], attrs=extra, ref=R.prelu)
    yield g.case("same", "slope of X's shape", [In("x", "float32", x),
                 In("slope", "float32", g.x(x.shape, 0.1, 0.5))], attrs=extra, ref=R.prelu)
    if v < 7:
        return
    yield g.case("channel", "slope [C,1,1] (PyTorch nn.PReLU(C))", [In("x", "float32", x),
                 In("slope", "float32", g.x((3, 1, 1), 0.1, 0.5), "init")], ref=R.prelu)
    yield g.case("last", "slope [W] along the last axis", [In("x", "float32", x),
                 In("slope", "float32", g.x((5,), 0.1, 0.5), "init")], ref=R.prelu)
    yield g.case("mid", "slope [4,1] broadcast inside", [In("x", "float32", x),
                 In("slope", "float32", g.x((4, 1), 0.1, 0.5))], ref=R.prelu)
    if v in (9, 16):
        for dt in ("int32", "int64"):
            xi = g.rng.integers(-20, 20, (2, 3, 4))
            yield g.case("int_" + dt, "integers in " + dt, [In("x", dt, xi),
                         In("slope", dt, g.rng.integers(-3, 4, (3, 1)))], ref=R.prelu)
        for dt in ("float64", "float16"):
            yield g.case("channel_" + dt, "slope [C,1,1] in " + dt, [In("x", dt, x),
                         In("slope", dt, g.x((3, 1, 1), 0.1, 0.5))], ref=R.prelu)


# ---------------------------------------------------------------------------- building, running
def ir_version(opset):
    for limit, ir in ((8, 3), (9, 4), (10, 5), (11, 6), (14, 7), (18, 8), (20, 9)):
        if opset <= limit:
            return ir
    return 10


def tensor(name, dt, a):
    t = TensorProto()
    t.name, t.data_type = name, PROTO[dt]
    a = np.array(a, order="C")
    t.dims.extend(a.shape)
    if dt == "bfloat16":
        t.raw_data = (a.astype(np.float32).view(np.uint32) >> 16).astype(np.uint16).tobytes()
    else:
        t.raw_data = a.astype(NP[dt]).tobytes()
    return t


def build(c):
    nodes, inits, ginputs = [], [], []
    names = []
    for i in c.inputs:
        if i is None:
            names.append("")
        elif i.kind == "init":
            inits.append(tensor(i.name, i.dtype, i.value))
            names.append(i.name)
        elif i.kind == "const":
            nodes.append(helper.make_node("Constant", [], [i.name],
                                          value=tensor(i.name + "_value", i.dtype, i.value)))
            names.append(i.name)
        else:
            ginputs.append(helper.make_tensor_value_info(i.name, PROTO[i.dtype], i.value.shape))
            names.append(i.name)
    nodes.append(helper.make_node(c.op, names, list(c.outputs), name="n", **c.attrs))
    outs = [helper.make_tensor_value_info(o, PROTO[t], None)
            for o, t in zip([o for o in c.outputs if o], c.out_types)]
    graph = helper.make_graph(nodes, c.name, ginputs, outs, initializer=inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", c.v)],
                          producer_name="make_conv_cases")
    m.ir_version = ir_version(c.v)
    return m


def compute_ref(c):
    vals = [np.asarray(i.value, np.float64) if i.dtype not in ("int8", "uint8", "int32", "int64")
            else i.value for i in c.inputs if i is not None]
    r = c.ref(*vals)
    r = r if isinstance(r, tuple) else (r,)
    return [held(a, t) for a, t in zip(r, c.out_types)]


def agree(a, b, dt):
    if a.shape != b.shape:
        return False, "shapes %s and %s" % (a.shape, b.shape)
    rtol, atol = CHECK_TOL.get(dt, (1e-2, 1e-2))
    a64, b64 = np.asarray(a, np.float64), np.asarray(b, np.float64)
    d = np.abs(a64 - b64)
    ok = bool(np.all(d <= atol + rtol * np.abs(b64)))
    return ok, "max diff %.3g" % (d.max() if d.size else 0.0)


def main():
    cases = []
    for name, (fn, versions) in sorted(ENTRIES.items()):
        for v in versions:
            cases.extend(fn(G(name, v)))
    seen = set()
    for c in cases:
        assert c.name not in seen, c.name
        seen.add(c.name)
    work = tempfile.mkdtemp(prefix="convops_")
    runner = os.path.join(HERE, ".ort_run_convops.js")  # node resolves node_modules from here
    jobs = []
    try:
        with open(runner, "w") as f:
            f.write(ORT_RUNNER)
        for c in cases:
            d = os.path.join(work, c.name)
            os.makedirs(d)
            mp = os.path.join(d, "model.onnx")
            onnx.save(build(c), mp)
            feeds = []
            for i in c.inputs:
                if i is None or i.kind != "input":
                    continue
                if i.dtype == "bfloat16":
                    feeds = None
                    break
                fp = os.path.join(d, i.name + ".bin")
                i.value.tofile(fp)
                feeds.append({"name": i.name, "dtype": i.dtype, "dims": list(i.value.shape),
                              "file": fp})
            if feeds is not None and all(t != "bfloat16" for t in c.out_types):
                jobs.append({"model": mp, "feeds": feeds, "out_dir": os.path.join(d, "out")})
        with open(os.path.join(work, "jobs.json"), "w") as f:
            json.dump(jobs, f)
        r = subprocess.run(["node", runner, os.path.join(work, "jobs.json")], cwd=HERE,
                           check=True, capture_output=True, text=True)
        ort_version = r.stdout.strip()
        print(ort_version)
        if os.path.isdir(OUT):
            shutil.rmtree(OUT)
        manifest, failures = [], 0
        for c in cases:
            ref = compute_ref(c)
            od = os.path.join(work, c.name, "out")
            err = None
            if not os.path.isdir(od):
                err = "onnxruntime-node cannot feed or return bfloat16"
            elif os.path.exists(os.path.join(od, "error.txt")):
                err = open(os.path.join(od, "error.txt")).read().strip().splitlines()[0][:300]
            expected, note = ref, ""
            if err is None:
                meta = json.load(open(os.path.join(od, "outputs.json")))
                got = []
                for o, t in zip([o for o in c.outputs if o], c.out_types):
                    a = np.fromfile(os.path.join(od, o + ".bin"), NP[t]).reshape(meta[o]["dims"])
                    got.append(a)
                checks = [agree(a, b, t) for a, b, t in zip(got, ref, c.out_types)]
                if all(ok for ok, _ in checks):
                    expected = got
                    note = "%s, cross-checked with the NumPy float64 reference (%s)" % (
                        ort_version, "; ".join(m for _, m in checks))
                elif c.ort_differs:
                    note = ("NumPy float64 reference; %s differs (%s): %s" %
                            (ort_version, "; ".join(m for _, m in checks), c.ort_differs))
                else:
                    print("DISAGREE %s: %s" % (c.name, "; ".join(m for _, m in checks)))
                    failures += 1
                    continue
            else:
                note = "NumPy float64 reference (%s refuses the case: %s)" % (ort_version, err)
            ins = [(i.name, i.value) for i in c.inputs if i is not None and i.kind == "input"]
            outs = list(zip([o for o in c.outputs if o], expected))
            write_case(c, ins, outs, note)
            manifest.append({"case": c.name, "op": c.op, "version": c.v, "what": c.what,
                             "reference": note})
        with open(os.path.join(OUT, "manifest.json"), "w") as f:
            json.dump(manifest, f, indent=1)
        print("%d cases written to %s, %d disagreements" % (len(manifest), OUT, failures))
        if failures:
            sys.exit(1)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if os.path.exists(runner):
            os.unlink(runner)


def write_case(c, ins, outs, note):
    d = os.path.join(OUT, c.name)
    os.makedirs(os.path.join(d, "test_data_set_0"))
    onnx.save(build(c), os.path.join(d, "model.onnx"))
    types = {i.name: i.dtype for i in c.inputs if i is not None}
    for kind, items in (("input", ins), ("output", outs)):
        for k, (n, a) in enumerate(items):
            dt = types.get(n) or c.out_types[[o for o in c.outputs if o].index(n)]
            with open(os.path.join(d, "test_data_set_0", "%s_%d.pb" % (kind, k)), "wb") as f:
                f.write(tensor(n, dt, a).SerializeToString())
    with open(os.path.join(d, "reference.txt"), "w") as f:
        f.write("%s\n%s (opset %d): %s\n" % (note, c.op, c.v, c.what))


if __name__ == "__main__":
    main()
