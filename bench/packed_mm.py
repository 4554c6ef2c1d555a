#!/usr/bin/python3
"""MatMul / Gemm against constant weights, before and after they ran on the packed simd GEMM:
two builds of this library (--before BUILD_DIR, e.g. a build of an older commit, and build/)
and onnxruntime-node 1.30 (default optimizations), side by side in one run. Each round runs
every engine once, one process each, in rotating order; each process reports its median.

Cases: the Silero VAD build exported by PyTorch 2.9 at opset 18 (silero_vad_op18_ifless.onnx:
its LSTM cell written as Gemm / Split / Sigmoid / Tanh / Mul), and for reference the opset-15
build of the same weights with an LSTM node (silero_vad_16k_op15.onnx, no MatMul / Gemm: before
and after should not differ), one 16 kHz frame per run, state carried (bench/silero_ours.c,
bench/silero_ort.js); and a Keras-style dense stack made here
(MatMul + Add + Relu: 256 -> 512 -> 512 -> 10, as tf2onnx writes Dense layers) at batch 1 and
32 (bench/bench_ours.c, bench/bench_ort.js). One thread.

    /usr/bin/python3 bench/packed_mm.py --before /path/to/old/build [--rounds N]

Printed per case: the median of the round medians per engine, after / before and onnxruntime
/ after as ratios (> 1: the second is faster), and the spread of the per-round ratios.
"""
import argparse
import os
import statistics
import sys
import tempfile

import numpy as np
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import silero_bench  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def dense_model(path):
    rng = np.random.default_rng(7)
    sizes = [256, 512, 512, 10]
    nodes, inits, x = [], [], "x"
    for i in range(3):
        w = (rng.standard_normal((sizes[i], sizes[i + 1])) / np.sqrt(sizes[i])).astype(np.float32)
        b = (0.1 * rng.standard_normal(sizes[i + 1])).astype(np.float32)
        inits += [numpy_helper.from_array(w, "w%d" % i), numpy_helper.from_array(b, "b%d" % i)]
        nodes += [helper.make_node("MatMul", [x, "w%d" % i], ["m%d" % i]),
                  helper.make_node("Add", ["m%d" % i, "b%d" % i], ["a%d" % i])]
        x = "a%d" % i
        if i < 2:
            nodes.append(helper.make_node("Relu", [x], ["r%d" % i]))
            x = "r%d" % i
    nodes.append(helper.make_node("Identity", [x], ["y"]))
    g = helper.make_graph(nodes, "dense", [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                                                         ["batch", 256])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 10])],
                          initializer=inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 7
    open(path, "wb").write(m.SerializeToString())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", required=True, help="the build directory to compare against")
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--frames", type=int, default=2000)
    a = ap.parse_args()
    builds = {"before": os.path.abspath(a.before), "after": os.path.join(ROOT, "build")}
    silero = {"Silero op18 (Gemm cell), 16 kHz": "silero_vad_op18_ifless.onnx",
              "Silero op15 (LSTM node), 16 kHz": "silero_vad_16k_op15.onnx"}
    for name in silero:
        silero[name] = os.path.join(ROOT, "build", "silero", silero[name])
        if not os.path.exists(silero[name]):
            raise SystemExit("missing %s (scripts/fetch-models build/silero jjhbw)" % silero[name])
    env = silero_bench.frontends.ort_env()
    work = tempfile.mkdtemp(prefix="packed_mm_")
    samples = os.path.join(work, "audio16000.f32")
    silero_bench.audio(16000).tofile(samples)
    dense = os.path.join(work, "dense.onnx")
    dense_model(dense)

    def cmds(case):
        if case in silero:
            args = [silero[case], "16000", samples, str(a.frames)]
            c = {e: [os.path.join(b, "bench", "silero_ours")] + args for e, b in builds.items()}
            c["ort"] = ["node", os.path.join(HERE, "silero_ort.js")] + args
            return c
        batch = case.split()[-1]
        runs = "2000" if batch == "1" else "300"
        args = [dense, "x", "%s,256" % batch, runs]
        c = {e: [os.path.join(b, "bench", "bench_ours")] + args + ["1"] for e, b in builds.items()}
        c["ort"] = ["node", os.path.join(HERE, "bench_ort.js")] + args + ["1"]
        return c

    print("CPU: %s, %d cores; one thread; %d rounds; load average %.2f" %
          (silero_bench.cpu(), os.cpu_count(), a.rounds, os.getloadavg()[0]), flush=True)
    engines = ["before", "after", "ort"]
    for case in ("Silero op18 (Gemm cell), 16 kHz", "Silero op15 (LSTM node), 16 kHz", "dense 256-512-512-10, batch 1",
                 "dense 256-512-512-10, batch 32"):
        c = cmds(case)
        got = {e: [] for e in engines}
        for r in range(a.rounds):
            for e in engines[r % 3:] + engines[:r % 3]:
                got[e].append(silero_bench.run(c[e], env)["median_ms"])
        med = {e: statistics.median(got[e]) for e in engines}
        ab = sorted(b / f for b, f in zip(got["before"], got["after"]))
        oa = sorted(o / f for o, f in zip(got["ort"], got["after"]))
        print("%-34s before %.4f ms  after %.4f ms  onnxruntime %.4f ms | after/before %.2fx "
              "(rounds %.2f-%.2f) | onnxruntime/after %.2f (rounds %.2f-%.2f)" %
              (case, med["before"], med["after"], med["ort"], med["before"] / med["after"],
               ab[0], ab[-1], med["ort"] / med["after"], oa[0], oa[-1]), flush=True)
    print("load average after: %.2f" % os.getloadavg()[0])


if __name__ == "__main__":
    main()
