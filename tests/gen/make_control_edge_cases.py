#!/usr/bin/python3
"""Reference cases for control flow that produces empty tensors (tests/data/control_edge):

  loop0_known      a Loop with M = 0: its scan output takes the body's declared shape [2, 3]
                   with 0 in front, (0, 2, 3)
  loop0_partial    the same with the body declaring [2, "n"]: (0, 2, 0)
  loop_negative    M = -3 runs no iteration either
  scan8_empty      Scan 8 whose body's scan output is an empty slice: [B, L, 0]

References come from onnxruntime (npm onnxruntime-node, CPU).

    cd tests/gen && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-package-lock
    /usr/bin/python3 tests/gen/make_control_edge_cases.py [OUT_DIR]
"""
import os
import shutil
import sys
import tempfile

import numpy as np
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_control_cases import run_ort  # noqa: E402
from onnx_case import write_case  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "data", "control_edge")
F, I64, BOOL = TensorProto.FLOAT, TensorProto.INT64, TensorProto.BOOL


def vi(name, elem=F, shape=None):
    return helper.make_tensor_value_info(name, elem, shape)


def model(nodes, ins, outs, opset):
    m = helper.make_model(helper.make_graph(nodes, "g", ins, outs),
                          opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    return m


def loop(shape):
    body = helper.make_graph(
        [helper.make_node("Identity", ["cin"], ["cout"]),
         helper.make_node("Add", ["v", "one"], ["vout"]),
         helper.make_node("Identity", ["v"], ["sc"])],
        "body", [vi("i", I64, []), vi("cin", BOOL, []), vi("v")],
        [vi("cout", BOOL, []), vi("vout"), vi("sc", F, shape)],
        [numpy_helper.from_array(np.array(1, np.float32), "one")])
    return model([helper.make_node("Loop", ["M", "", "v0"], ["vf", "scans"], body=body)],
                 [vi("M", I64, []), vi("v0", F, [2, 3])], [vi("vf"), vi("scans")], 17)


def scan8_empty():
    body = helper.make_graph(
        [helper.make_node("Add", ["s", "x"], ["s2"]),
         helper.make_node("Slice", ["x"], ["y"], starts=[0], ends=[0], axes=[0])],
        "body", [vi("s", F, [2]), vi("x", F, [2])], [vi("s2", F, [2]), vi("y")])
    return model([helper.make_node("Scan", ["", "s0", "X"], ["sf", "Y"], body=body,
                                   num_scan_inputs=1)],
                 [vi("s0", F, [None, 2]), vi("X", F, [None, None, 2])], [vi("sf"), vi("Y")], 8)


def main():
    root = os.path.abspath(OUT)
    shutil.rmtree(root, ignore_errors=True)
    rng = np.random.default_rng(20261202)
    v0 = rng.standard_normal((2, 3)).astype(np.float32)
    cases = [("loop0_known", loop([2, 3]), {"M": np.array(0, np.int64), "v0": v0}),
             ("loop0_partial", loop([2, "n"]), {"M": np.array(0, np.int64), "v0": v0}),
             ("loop_negative", loop([2, 3]), {"M": np.array(-3, np.int64), "v0": v0}),
             ("scan8_empty", scan8_empty(),
              {"s0": rng.standard_normal((3, 2)).astype(np.float32),
               "X": rng.standard_normal((3, 4, 2)).astype(np.float32)})]
    work = tempfile.mkdtemp()
    for name, m, feeds in cases:
        outs = [o.name for o in m.graph.output]
        got, ver = run_ort(work, name, m, feeds, {o: np.float32 for o in outs})
        write_case(root, name, m, list(feeds.items()), [(o, got[o]) for o in outs],
                   {"reference.txt": ver + "\n"})
        print("%s: %s (%s)" % (name, ", ".join("%s %s" % (o, got[o].shape) for o in outs), ver))
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
