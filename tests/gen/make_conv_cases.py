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
The entries (one function per operator, called per version) are in conv_entries.py, shared with
the differential generator through diff_ops_conv.py.

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
from conv_entries import ENTRIES  # noqa: E402

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
                 ref=None, no_ort=None):
        self.op, self.v, self.tag, self.what = op, v, tag, what
        self.inputs, self.outputs, self.attrs, self.ref = list(inputs), list(outputs), attrs or {}, ref
        first = next(i for i in inputs if i is not None)
        self.out_types = out_types or [first.dtype] * len([o for o in outputs if o])
        self.no_ort = no_ort  # why onnxruntime cannot be the reference (it is not run)

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

    def inp(self, name, dtype, value, kind="input"):
        return In(name, dtype, value, kind)

    def case(self, tag, what, inputs, stale_shape=None, **kw):
        return Case(self.op, self.v, tag, what, inputs, **kw)  # output shapes are not declared


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
            if feeds is not None and all(t != "bfloat16" for t in c.out_types) and not c.no_ort:
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
            if c.no_ort:
                err = "not run: " + c.no_ort
            elif not os.path.isdir(od):
                err = "onnxruntime-node cannot feed or return bfloat16"
            elif os.path.exists(os.path.join(od, "error.txt")):
                err = open(os.path.join(od, "error.txt")).read().strip().splitlines()[0][:300]
                err = err.replace(os.path.join(work, c.name, "model.onnx"), "the model")
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
                else:
                    print("DISAGREE %s: %s" % (c.name, "; ".join(m for _, m in checks)))
                    failures += 1
                    continue
            elif c.no_ort:
                note = "NumPy float64 reference (%s %s)" % (ort_version, err)
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
