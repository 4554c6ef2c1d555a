#!/usr/bin/python3
"""Conv front-ends side by side with onnxruntime (issue 14): the convolutional part of the CRNN
exports (tests/data/pytorch/crnn_opset17: Conv 1->16 3x3, BatchNorm, ReLU, MaxPool 2x2, Conv
16->32 3x3, BatchNorm, ReLU, MaxPool 2x2; crnn_bnfolded_opset17, the default export, has the
BatchNorm folded into the Conv), cut out of the models with onnx.utils, and Silero-like
1-D front-ends built here (STFT Conv k=256 stride 128 on 640 samples, depthwise k=3, pointwise
k=1), one thread each, both engines in the same run, rounds alternating. Prints the median of
the round medians per engine and the ratio onnxruntime / ours (> 1: this library is faster):
onnxruntime as configured by default (graph optimizations "all": Conv+BatchNorm folding,
Conv+Relu fusion and its NCHWc blocked-layout convolution kernels) and at "extended" (the same
fusions, no blocked layout). This library fuses Conv+BatchNorm+Relu at load too
(runtime/fuse.c; LSTM_FUSE=0 turns it off).

    /usr/bin/python3 bench/conv_bench.py [ROUNDS] [--no-record] [--as-avx2]

Each round runs the three in its own process, in alternating order; per engine the median of
its round medians, the per-round ratios' range and the best rounds' ratio are printed, kept in
bench/frontends.json and written into bench/README.md (bench/frontends.py) unless --no-record.
--as-avx2 runs every engine as on an AVX2-only CPU, as bench/run.py --as-avx2 does (not
recorded).

Needs a build in build/ (bench_ours) and onnxruntime-node in bench/node_modules (bench/run.py
installs it) or tests/gen/node_modules.
"""
import argparse
import os
import statistics
import sys
import tempfile

import numpy as np
import onnx
import onnx.utils
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import frontends  # noqa: E402
from frontends import cpu, run  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OURS = os.path.join(ROOT, "build", "bench", "bench_ours")
_ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
_ap.add_argument("rounds", type=int, nargs="?", default=7)
_ap.add_argument("--no-record", action="store_true", help="leave frontends.json and README alone")
_ap.add_argument("--as-avx2", action="store_true",
                 help="every engine as on an AVX2-only CPU (bench/run.py --as-avx2; not recorded)")
_ARGS = _ap.parse_args()
ROUNDS, RECORD = _ARGS.rounds, not (_ARGS.no_record or _ARGS.as_avx2)


def crnn_front(work, case):
    """The conv front-end (image -> second MaxPool) of a CRNN export in tests/data/pytorch."""
    src = os.path.join(ROOT, "tests", "data", "pytorch", case, "model.onnx")
    m = onnx.load(src)
    pools = [n.output[0] for n in m.graph.node if n.op_type == "MaxPool"]
    out = os.path.join(work, case + "_front.onnx")
    onnx.utils.extract_model(src, out, ["image"], [pools[-1]])
    return out


def silero_like(work):
    """STFT Conv (1 -> 258, k=256, stride 128), then 129 -> 128 pointwise, a depthwise k=3 and a
    pointwise stride 2 conv, as Silero v5's front-end does per 512-sample frame (+64 context,
    reflect-padded to 640)."""
    rng = np.random.default_rng(0)
    inits, nodes = [], []

    def w(name, shape):
        inits.append(numpy_helper.from_array((rng.standard_normal(shape) * 0.05).astype(np.float32), name))
        return name
    nodes.append(helper.make_node("Conv", ["x", w("stft", (258, 1, 256))], ["s"], strides=[128]))
    nodes.append(helper.make_node("Slice", ["s", w("st", (1,)), w("en", (1,)), w("ax", (1,))], ["re"]))
    for i in inits[-3:]:
        i.CopyFrom(numpy_helper.from_array(np.array({"st": [0], "en": [128], "ax": [1]}[i.name], np.int64), i.name))
    nodes.append(helper.make_node("Conv", ["re", w("p1", (128, 128, 1)), w("b1", (128,))], ["a"]))
    nodes.append(helper.make_node("Relu", ["a"], ["ar"]))
    nodes.append(helper.make_node("Conv", ["ar", w("dw", (128, 1, 3)), w("bdw", (128,))], ["d"],
                                  group=128, pads=[1, 1]))
    nodes.append(helper.make_node("Conv", ["d", w("p2", (64, 128, 1)), w("b2", (64,))], ["y"],
                                  strides=[2]))
    g = helper.make_graph(nodes, "silero_like",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 640])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], inits)
    out = os.path.join(work, "silero_like.onnx")
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), out)
    return out


def main():
    ort_env = frontends.ort_env(_ARGS.as_avx2)
    work = tempfile.mkdtemp(prefix="conv_bench_")
    front = crnn_front(work, "crnn_opset17")  # BatchNormalization kept
    folded = crnn_front(work, "crnn_bnfolded_opset17")  # the default export: BN in the Conv
    sil = silero_like(work)
    configs = [("CRNN front-end (Conv BN Relu MaxPool x2), b1 32x128", front, "image", "1,1,32,128", 300),
               ("CRNN front-end, batch 8, 32x128", front, "image", "8,1,32,128", 50),
               ("CRNN front-end, batch 1, 32x512", front, "image", "1,1,32,512", 100),
               ("CRNN default export (BN folded), b1 32x128", folded, "image", "1,1,32,128", 300),
               ("CRNN default export (BN folded), b8 32x128", folded, "image", "8,1,32,128", 50),
               ("Silero-like 1-D front-end, one frame", sil, "x", "1,1,640", 2000)]
    print("CPU: %s%s; one thread; %d rounds (each a median of its runs), load average %.2f"
          % (cpu(), " seen as AVX2-only" if _ARGS.as_avx2 else "", ROUNDS, os.getloadavg()[0]))
    cases = []
    for name, model, inp, shape, runs in configs:
        rounds = {"ours": [], "all": [], "extended": []}
        for r in range(ROUNDS):
            order = ["ours", "all", "extended"] if r % 2 == 0 else ["all", "extended", "ours"]
            for e in order:
                if e == "ours":
                    got = run([OURS, model, inp, shape, str(runs), "1"])
                else:
                    got = run(["node", os.path.join(HERE, "bench_ort.js"), model, inp, shape,
                               str(runs), "1", e], ort_env)
                rounds[e].append(got["median_ms"])
        med = {e: statistics.median(v) for e, v in rounds.items()}
        ratios = sorted(a / o for a, o in zip(rounds["all"], rounds["ours"]))
        c = {"name": name, "ours_ms": med["ours"], "ort_ms": med["all"],
             "ort_extended_ms": med["extended"], "ratio": med["all"] / med["ours"],
             "round_ratios": ratios, "round_ratio_median": statistics.median(ratios),
             "best_rounds_ratio": min(rounds["all"]) / min(rounds["ours"]),
             "extended_ratio": med["extended"] / med["ours"], "rounds": rounds}
        cases.append(c)
        print("%-50s ours %7.4f ms | onnxruntime %7.4f ms, ratio %.2f (per round: median %.2f, "
              "%.2f-%.2f; best rounds %.2f) | extended %7.4f ms, ratio %.2f"
              % (name, med["ours"], med["all"], c["ratio"], c["round_ratio_median"], ratios[0],
                 ratios[-1], c["best_rounds_ratio"], med["extended"], c["extended_ratio"]),
              flush=True)
    print("load average after: %.2f" % os.getloadavg()[0])
    if RECORD:
        frontends.save("conv", {"rounds": ROUNDS, "cases": cases})
    return cases


if __name__ == "__main__":
    main()
