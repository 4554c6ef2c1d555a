#!/usr/bin/python3
"""A Loop that grows a tensor sequence, as TorchScript exports a loop over time: time n
iterations for several n and show how the time grows.

    /usr/bin/python3 bench/loop_seq.py [--n N]... [--repeat R] [--lstm-run PATH]...

The model: SequenceEmpty, then a Loop of n iterations (n is an input) carrying the sequence;
its body computes a step y = x + i ([1, 16] float32) and does SequenceInsert(seq, y) at the
end; after the Loop, ConcatFromSequence gives [n, 16]. Each n (default 1000, 4000, 16000) runs
`lstm-run MODEL --input n=... --bench 3` R times (default 3), and the fastest median latency
is printed with its time per iteration; linear growth keeps that per-iteration time flat.
Several --lstm-run builds (say, before and after a change) take turns, so a busy machine
disturbs them alike.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))


def model():
    F, I64 = TensorProto.FLOAT, TensorProto.INT64
    body = helper.make_graph(
        [helper.make_node("Cast", ["i"], ["fi"], to=F),
         helper.make_node("Add", ["x", "fi"], ["y"]),
         helper.make_node("SequenceInsert", ["seq_in", "y"], ["seq_out"]),
         helper.make_node("Identity", ["cond_in"], ["cond_out"])],
        "body",
        [helper.make_tensor_value_info("i", I64, []),
         helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
         helper.make_tensor_sequence_value_info("seq_in", F, None)],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
         helper.make_tensor_sequence_value_info("seq_out", F, None)])
    g = helper.make_graph(
        [helper.make_node("SequenceEmpty", [], ["empty"], dtype=F),
         helper.make_node("Loop", ["n", "", "empty"], ["seq"], body=body),
         helper.make_node("ConcatFromSequence", ["seq"], ["y"], axis=0)],
        "loop_seq",
        [helper.make_tensor_value_info("n", I64, []),
         helper.make_tensor_value_info("x", F, [1, 16])],
        [helper.make_tensor_value_info("y", F, ["n", 16])])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 16)])
    onnx.checker.check_model(m)
    return m


def run_once(lstm_run, path, n_file, x_file):
    r = subprocess.run([lstm_run, path, "--input", "n=" + n_file, "--input", "x=" + x_file,
                        "--bench", "3"], capture_output=True, text=True)
    if r.returncode:
        sys.stderr.write(r.stdout + r.stderr)
        return None
    for line in r.stdout.splitlines():
        if line.startswith("latency_ms"):
            return float(line.split("median=")[1].split()[0])
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, action="append", help="iterations (repeatable)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--lstm-run", action="append",
                    help="lstm-run to time (repeatable; default build/tools/lstm-run)")
    a = ap.parse_args()
    ns = a.n or [1000, 4000, 16000]
    runs = a.lstm_run or [os.path.join(HERE, "..", "build", "tools", "lstm-run")]
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "loop_seq.onnx")
        onnx.save(model(), path)
        x_file = os.path.join(d, "x.pb")
        with open(x_file, "wb") as f:
            f.write(numpy_helper.from_array(np.linspace(0, 1, 16, dtype=np.float32)[None],
                                            "x").SerializeToString())
        print("%-8s %s" % ("n", "  ".join("%28s" % os.path.relpath(r) for r in runs)))
        for n in ns:
            n_file = os.path.join(d, "n%d.pb" % n)
            with open(n_file, "wb") as f:
                f.write(numpy_helper.from_array(np.array(n, np.int64), "n").SerializeToString())
            best = {r: None for r in runs}
            for _ in range(a.repeat):
                for r in runs:
                    t = run_once(r, path, n_file, x_file)
                    if t is not None and (best[r] is None or t < best[r]):
                        best[r] = t
            cells = []
            for r in runs:
                t = best[r]
                cells.append("%28s" % ("failed" if t is None else
                                       "%.2f ms (%.2f us/iter)" % (t, t * 1e3 / n)))
            print("%-8d %s" % (n, "  ".join(cells)), flush=True)


if __name__ == "__main__":
    main()
