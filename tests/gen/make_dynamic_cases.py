#!/usr/bin/python3
"""Graphs whose shape-giving inputs come from other nodes: Pad's pads and constant_value,
TopK's K, CumSum's axis. Each comes in the two ways the runtime meets them: computed from
shapes (Shape -> Gather -> Mul ...: known while planning) and computed from data (ArgMax,
ReduceMax, Add on a graph input...: known only while running, so the node is prepared at run
time). Several test_data_sets per case run in one session with values and shapes that change
from set to set (outputs of late nodes grow and shrink).

Expected outputs come from onnxruntime (npm onnxruntime-node), cross-checked against NumPy.

    /usr/bin/python3 tests/gen/make_dynamic_cases.py [OUT_DIR]   (default tests/data/dynamic)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from onnx_case import write_case  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "data", "dynamic")
F, I = TensorProto.FLOAT, TensorProto.INT64
NP = {F: np.float32, I: np.int64}
rng = np.random.default_rng(20240614)


def const(name, values, dtype=np.int64):
    return helper.make_node("Constant", [], [name], name=name,
                            value=numpy_helper.from_array(np.array(values, dtype), name))


def model(nodes, inputs, outputs, opset=19):
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs],
                          [helper.make_tensor_value_info(n, t, None) for n, t in outputs])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)],
                          producer_name="tests/gen/make_dynamic_cases.py")
    m.ir_version = 8
    return m


def np_pad(x, pads, mode="constant", value=0.0):
    r = x.ndim
    pb, pe = pads[:r], pads[r:]
    sl = tuple(slice(-b if b < 0 else 0, x.shape[i] + e if e < 0 else x.shape[i]) for i, (b, e) in enumerate(zip(pb, pe)))
    w = [(max(b, 0), max(e, 0)) for b, e in zip(pb, pe)]
    c = x[sl]
    return np.pad(c, w, mode="constant", constant_values=value) if mode == "constant" else np.pad(c, w, mode=mode)


def topk(x, k, largest=1):
    order = np.argsort(-x if largest else x, axis=-1, kind="stable")[..., :k]
    return np.take_along_axis(x, order, -1), order.astype(np.int64)


CASES = []


def case(name, what):
    def deco(fn):
        CASES.append((name, what, fn))
        return fn
    return deco


@case("pad_reflect_from_shape", "reflect pads of T/8 from Shape -> Gather -> Div -> Mul (Silero v5's form)")
def pad_reflect_from_shape():
    nodes = [helper.make_node("Shape", ["x"], ["s"]), const("one", 1), const("eight", [8]), const("two", [2]),
             const("z", [0]),
             helper.make_node("Gather", ["s", "one"], ["t"]),
             helper.make_node("Unsqueeze", ["t", "z"], ["t1"]),
             helper.make_node("Div", ["t1", "eight"], ["q"]),
             helper.make_node("Mul", ["q", "two"], ["p"]),  # 2 * (T / 8)
             helper.make_node("Concat", ["z", "q", "z", "p"], ["pads"], axis=0),
             helper.make_node("Pad", ["x", "pads"], ["y"], mode="reflect")]
    m = model(nodes, [("x", F, [2, "T"])], [("y", F)])
    sets = []
    for T in (16, 24, 40, 16):
        x = rng.standard_normal((2, T)).astype(np.float32)
        sets.append(([("x", x)], [np_pad(x, [0, T // 8, 0, 2 * (T // 8)], "reflect")]))
    return m, sets


@case("pad_from_input", "pads a graph input read while planning (the plan is redone when they change)")
def pad_from_input():
    nodes = [helper.make_node("Pad", ["x", "pads", "v"], ["y"], mode="constant")]
    m = model(nodes, [("x", F, [3, 4]), ("pads", I, [4]), ("v", F, [])], [("y", F)])
    sets = []
    for pads, v in (([1, 0, 2, 3], 1.5), ([0, 2, 0, 0], -1.0), ([2, 2, 2, 2], 0.0), ([-1, 0, 0, -2], 7.0)):
        x = rng.standard_normal((3, 4)).astype(np.float32)
        sets.append(([("x", x), ("pads", np.array(pads, np.int64)), ("v", np.array(v, np.float32))],
                     [np_pad(x, pads, value=v)]))
    return m, sets


@case("pad_from_data", "pads = p + 1 and constant_value = ReduceMax(x): computed at run time")
def pad_from_data():
    nodes = [const("one", [1]), helper.make_node("Add", ["p", "one"], ["pads"]),
             helper.make_node("ReduceMax", ["x"], ["v"], keepdims=0),
             helper.make_node("Pad", ["x", "pads", "v"], ["y"]),
             helper.make_node("Shape", ["y"], ["ys"])]
    m = model(nodes, [("x", F, [2, 3]), ("p", I, [4])], [("y", F), ("ys", I)])
    sets = []
    for p in ([0, 0, 0, 0], [3, 1, 0, 2], [-1, -1, 5, -1], [0, 0, 0, 0]):
        x = rng.standard_normal((2, 3)).astype(np.float32)
        pads = [v + 1 for v in p]
        y = np_pad(x, pads, value=x.max())
        sets.append(([("x", x), ("p", np.array(p, np.int64))], [y, np.array(y.shape, np.int64)]))
    return m, sets


@case("pad_from_argmax", "edge pads from ArgMax of float data, then a second Pad sized by the first")
def pad_from_argmax():
    nodes = [helper.make_node("ArgMax", ["w"], ["a"], keepdims=1), const("two", [2]), const("axes", [1]),
             helper.make_node("Concat", ["a", "two"], ["pads"], axis=0),
             helper.make_node("Pad", ["x", "pads", "", "axes"], ["y"], mode="edge"),
             helper.make_node("Shape", ["y"], ["s"]), const("i1", [1]),
             helper.make_node("Gather", ["s", "i1"], ["n"]), const("z", [0]),
             helper.make_node("Concat", ["z", "z", "n", "z"], ["pads2"], axis=0),
             helper.make_node("Pad", ["y", "pads2"], ["y2"], mode="constant")]
    m = model(nodes, [("x", F, [2, 3]), ("w", F, [5])], [("y", F), ("y2", F)])
    sets = []
    for hot in (4, 0, 2, 4):
        x = rng.standard_normal((2, 3)).astype(np.float32)
        w = rng.standard_normal(5).astype(np.float32)
        w[hot] = 9.0
        y = np_pad(x, [0, hot, 0, 2], "edge")
        y2 = np_pad(y, [0, 0, y.shape[1], 0])
        sets.append(([("x", x), ("w", w)], [y, y2]))
    return m, sets


@case("topk_k_from_shape", "K = N / 2 from Shape, over rows of changing length")
def topk_k_from_shape():
    nodes = [helper.make_node("Shape", ["x"], ["s"], start=-1), const("two", [2]),
             helper.make_node("Div", ["s", "two"], ["k"]),
             helper.make_node("TopK", ["x", "k"], ["v", "i"], largest=0)]
    m = model(nodes, [("x", F, [3, "N"])], [("v", F), ("i", I)])
    sets = []
    for n in (6, 9, 2):
        x = rng.standard_normal((3, n)).astype(np.float32)
        sets.append(([("x", x)], list(topk(x, n // 2, 0))))
    return m, sets


@case("topk_k_from_data", "K = ReduceMax(lengths): computed at run time")
def topk_k_from_data():
    nodes = [helper.make_node("ReduceMax", ["len"], ["k"], keepdims=1),
             helper.make_node("TopK", ["x", "k"], ["v", "i"], axis=-1),
             helper.make_node("Cast", ["i"], ["fi"], to=F),
             helper.make_node("Add", ["v", "fi"], ["y"])]
    m = model(nodes, [("x", F, [2, 7]), ("len", I, [3])], [("v", F), ("i", I), ("y", F)])
    sets = []
    for lens in ([1, 3, 2], [7, 0, 0], [0, 0, 0], [4, 5, 2]):
        x = rng.standard_normal((2, 7)).astype(np.float32)
        v, i = topk(x, max(lens))
        sets.append(([("x", x), ("len", np.array(lens, np.int64))], [v, i, v + i.astype(np.float32)]))
    return m, sets


@case("cumsum_axis_from_data", "axis = ArgMax(w) - 2 (negative axes), exclusive and reverse")
def cumsum_axis_from_data():
    nodes = [helper.make_node("ArgMax", ["w"], ["a"], keepdims=0), const("two", 2),
             helper.make_node("Sub", ["a", "two"], ["axis"]),
             helper.make_node("CumSum", ["x", "axis"], ["y"], exclusive=1, reverse=1)]
    m = model(nodes, [("x", F, [2, 3, 4]), ("w", F, [5])], [("y", F)], opset=14)
    sets = []
    for hot in (0, 4, 2):
        x = rng.standard_normal((2, 3, 4)).astype(np.float32)
        w = np.zeros(5, np.float32)
        w[hot] = 1
        a = hot - 2
        r = np.flip(np.cumsum(np.flip(x, a), a) - np.flip(x, a), a)
        sets.append(([("x", x), ("w", w)], [r]))
    return m, sets


@case("scatter_sort_by_length", "sort rows by length (TopK), gather, and scatter them back "
      "(the form PyTorch exports for enforce_sorted=False)")
def scatter_sort_by_length():
    nodes = [helper.make_node("Shape", ["len"], ["n"]),
             helper.make_node("TopK", ["len", "n"], ["sl", "perm"]),
             helper.make_node("Gather", ["x", "perm"], ["xs"], axis=0),
             helper.make_node("Mul", ["xs", "xs"], ["ys"]),
             helper.make_node("Shape", ["perm"], ["pn"]),
             helper.make_node("ConstantOfShape", ["pn"], ["zero"], value=numpy_helper.from_array(np.array([0], np.int64))),
             const("zero_s", 0), const("one_s", 1),
             helper.make_node("Squeeze", ["pn"], ["pns"], ),
             helper.make_node("Range", ["zero_s", "pns", "one_s"], ["iota"]),
             helper.make_node("ScatterElements", ["zero", "perm", "iota"], ["inv"], axis=0),
             helper.make_node("Gather", ["ys", "inv"], ["y"], axis=0)]
    m = model(nodes, [("x", F, ["B", 3]), ("len", I, ["B"])], [("y", F), ("perm", I), ("inv", I)])
    sets = []
    for lens in ([2, 5, 5, 1], [3], [1, 2, 3, 4, 5, 6]):
        b = len(lens)
        x = rng.standard_normal((b, 3)).astype(np.float32)
        ln = np.array(lens, np.int64)
        perm = np.argsort(-ln, kind="stable").astype(np.int64)
        inv = np.empty_like(perm)
        inv[perm] = np.arange(b)
        sets.append(([("x", x), ("len", ln)], [x * x, perm, inv]))
    return m, sets


@case("nonzero_from_data", "NonZero(x > t): its count changes with the data (0 included), so it is "
      "prepared at run time; the indices feed a Gather")
def nonzero_from_data():
    nodes = [helper.make_node("Greater", ["x", "t"], ["m"]),
             helper.make_node("NonZero", ["m"], ["nz"]),
             helper.make_node("Cast", ["nz"], ["fnz"], to=F),
             helper.make_node("ReduceSum", ["fnz"], ["s"], keepdims=0),
             const("one", [1]),
             helper.make_node("Gather", ["nz", "one"], ["cols"], axis=0),
             const("zero_ax", [0]),
             helper.make_node("Squeeze", ["cols", "zero_ax"], ["cols1"])]
    m = model(nodes, [("x", F, [3, 5]), ("t", F, [])], [("nz", I), ("s", F), ("cols1", I)], opset=13)
    sets = []
    for t in (0.0, 5.0, -5.0, 1.0):
        x = rng.standard_normal((3, 5)).astype(np.float32)
        nz = np.array(np.nonzero(x > t), np.int64)
        sets.append(([("x", x), ("t", np.array(t, np.float32))],
                     [nz, np.array(nz.astype(np.float32).sum(), np.float32), nz[1]]))
    return m, sets


@case("nonzero_arange_from_shape", "NonZero(ConstantOfShape(Shape(x)[1])) as PyTorch exports arange at "
      "opset 9: known while planning, the length changes with the input")
def nonzero_arange_from_shape():
    nodes = [helper.make_node("Shape", ["x"], ["shp"]), const("i1", [1]),
             helper.make_node("Gather", ["shp", "i1"], ["t"], axis=0),
             helper.make_node("ConstantOfShape", ["t"], ["ones"], value=numpy_helper.from_array(np.array([1], np.int64))),
             helper.make_node("NonZero", ["ones"], ["nz"]),
             helper.make_node("Transpose", ["nz"], ["nzt"], perm=[1, 0]),
             helper.make_node("Squeeze", ["nzt"], ["pos"], axes=[1]),
             helper.make_node("Cast", ["pos"], ["fpos"], to=F),
             helper.make_node("Add", ["x", "fpos"], ["y"])]
    m = model(nodes, [("x", F, ["B", "T"])], [("pos", I), ("y", F)], opset=9)
    sets = []
    for b, t in ((2, 5), (1, 1), (3, 9)):
        x = rng.standard_normal((b, t)).astype(np.float32)
        sets.append(([("x", x)], [np.arange(t, dtype=np.int64), x + np.arange(t, dtype=np.float32)]))
    return m, sets


def run_ort(work, m, sets, out_names):
    """onnxruntime's outputs for every set."""
    path = os.path.join(work, "model.onnx")
    onnx.save(m, path)
    jobs = []
    for k, (ins, _) in enumerate(sets):
        feeds = []
        for n, a in ins:
            f = os.path.join(work, "%d_%s.bin" % (k, n))
            np.ascontiguousarray(a).tofile(f)
            feeds.append({"name": n, "dtype": {np.float32: "float32", np.int64: "int64"}[a.dtype.type],
                          "dims": list(a.shape), "file": f})
        jobs.append({"model": path, "feeds": feeds, "out_dir": os.path.join(work, "out%d" % k)})
    with open(os.path.join(work, "jobs.json"), "w") as f:
        json.dump(jobs, f)
    r = subprocess.run(["node", os.path.join(HERE, "ort_run.js"), os.path.join(work, "jobs.json")],
                       cwd=HERE, capture_output=True, text=True)
    if r.returncode:
        raise SystemExit("onnxruntime failed: " + r.stderr[-2000:])
    res = []
    for k in range(len(sets)):
        d = os.path.join(work, "out%d" % k)
        meta = json.load(open(os.path.join(d, "outputs.json")))
        outs = []
        for n, t in out_names:
            dims = meta[n]["dims"] if isinstance(meta[n], dict) else meta[n]
            outs.append(np.fromfile(os.path.join(d, n + ".bin"), NP[t]).reshape(dims))
        res.append(outs)
    return res, r.stdout.strip().splitlines()[-1].split(":")[0]


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    for name, what, fn in CASES:
        m, sets = fn()
        out_names = [(o.name, o.type.tensor_type.elem_type) for o in m.graph.output]
        work = tempfile.mkdtemp(prefix="dyncase")
        ort, ort_name = run_ort(work, m, sets, out_names)
        shutil.rmtree(work)
        for k, ((_, want), got) in enumerate(zip(sets, ort)):
            for (n, _), a, b in zip(out_names, got, want):
                if a.shape != b.shape or not np.allclose(a, b, rtol=1e-5, atol=1e-6):
                    raise SystemExit("%s set %d output %s: onnxruntime %s, NumPy %s" % (name, k, n, a, b))
        pairs = [(ins, [(n, a) for (n, _), a in zip(out_names, outs)]) for (ins, _), outs in zip(sets, ort)]
        write_case(OUT, name, m, pairs[0][0], pairs[0][1], {"reference.txt": "%s (cross-checked with NumPy): %s\n" % (ort_name, what)},
                   more_sets=pairs[1:])
        print("wrote %s: %d sets" % (name, len(sets)))


if __name__ == "__main__":
    main()
