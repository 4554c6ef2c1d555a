#!/usr/bin/python3
"""Planning at scale: time loading, planning and the first run of a long chain model.

    /usr/bin/python3 bench/plan_scale.py [--nodes N] [--repeat R] [--lstm-run PATH]...
                                         [--keep FILE]

Writes a chain of N nodes (default 65,536) over one float32 input [1, 16]: every third node is
Relu, Add (of the previous value and the value eight nodes back, so lifetimes differ) or
Identity. Then runs `lstm-run MODEL --bench 1` (raising --limit max_nodes past 1,000,000) R
times (default 3) and prints the fastest model_load_ms (import + checks), first_run_ms (shape
inference + memory plan + one run), the process's wall time and its CPU time (user + system,
steadier than wall time on a busy machine). Several --lstm-run builds (say, before and after a
change) take turns, so a busy machine disturbs them alike.
"""
import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time

import onnx
from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))


def chain(n):
    nodes = []
    prev = "x"
    names = ["x"]
    for i in range(n):
        out = "v%d" % i
        k = i % 3
        if k == 0:
            nodes.append(helper.make_node("Relu", [prev], [out], name="n%d" % i))
        elif k == 1:
            skip = names[max(0, len(names) - 8)]
            nodes.append(helper.make_node("Add", [prev, skip], [out], name="n%d" % i))
        else:
            nodes.append(helper.make_node("Identity", [prev], [out], name="n%d" % i))
        names.append(out)
        prev = out
    g = helper.make_graph(nodes, "chain",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16])],
                          [helper.make_tensor_value_info(prev, TensorProto.FLOAT, [1, 16])])
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])


def cpu_children():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run_once(lstm_run, path, nodes):
    t0, c0 = time.monotonic(), cpu_children()
    r = subprocess.run([lstm_run, path, "--bench", "1", "--limit",
                        "max_nodes=%d" % max(nodes, 1000000)], capture_output=True, text=True)
    wall, cpu = (time.monotonic() - t0) * 1e3, (cpu_children() - c0) * 1e3
    if r.returncode:
        sys.stderr.write(r.stdout + r.stderr)
        return None
    got = dict(line.split(None, 1) for line in r.stdout.splitlines() if " " in line)
    return float(got["model_load_ms"]), float(got["first_run_ms"]), wall, cpu


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=65536)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--lstm-run", action="append",
                    help="lstm-run to time (repeatable; default build/tools/lstm-run)")
    ap.add_argument("--keep", help="also write the model to this file")
    a = ap.parse_args()
    runs = a.lstm_run or [os.path.join(HERE, "..", "build", "tools", "lstm-run")]
    m = chain(a.nodes)
    best = {r: None for r in runs}
    with tempfile.TemporaryDirectory() as d:
        path = a.keep or os.path.join(d, "chain.onnx")
        onnx.save(m, path)
        size = os.path.getsize(path)
        for _ in range(a.repeat):
            for r in runs:
                got = run_once(r, path, a.nodes)
                if got is None:
                    return 1
                best[r] = got if best[r] is None else tuple(map(min, best[r], got))
    print("nodes %d  model %.2f MB  (fastest of %d runs)" % (a.nodes, size / 1e6, a.repeat))
    print("%-10s %-13s %-11s %-16s %s" % ("load_ms", "first_run_ms", "process_ms",
                                           "process_cpu_ms", "lstm-run"))
    for r in runs:
        print("%-10.1f %-13.1f %-11.1f %-16.1f %s" % (best[r] + (r,)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
