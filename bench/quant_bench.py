#!/usr/bin/python3
"""The 8-bit operators against onnxruntime-node 1.30, in the graphs quantized models put them in,
one thread, side by side in one run (optionally against an older build of this library too):

- QLinearMatMul 128 x 256 x 256: QuantizeLinear (uint8) -> QLinearMatMul (int8 weights) ->
  DequantizeLinear, as a QOperator model holds a Dense layer;
- QLinearConv 1 x 32 x 56 x 56, 32 filters 3 x 3, pads 1, per-channel weight scales and a bias,
  between QuantizeLinear and DequantizeLinear;
- MatMulInteger 16 x 1024 x 1024 as onnxruntime's quantize_dynamic writes a MatMul:
  DynamicQuantizeLinear -> MatMulInteger (int8 weights) -> Cast -> Mul by the scales;
- com.microsoft DynamicQuantizeLSTM, what quantize_dynamic makes of an LSTM: input 128, hidden
  256, T = 100, batch 1, int8 weights with one scale per direction (an older build without the
  operator is left out of that row).

    /usr/bin/python3 bench/quant_bench.py [--rounds N] [--before BUILD_DIR] [--as-avx2]

--as-avx2 runs every engine as on an AVX2-only CPU, as bench/run.py --as-avx2 does (AVX-512,
AVX-VNNI and AMX hidden from CPUID; onnxruntime then takes its AVX2 u8s8 kernels).

Each round runs every engine once, one process each (bench/bench_ours.c, bench/bench_ort.js), in
rotating order; per engine the median of its round medians, and the ratios
onnxruntime / ours and before / ours (> 1: ours is faster).
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import frontends  # noqa: E402
from frontends import cpu, run  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def save(work, name, nodes, inputs, inits, opset=13):
    g = helper.make_graph(nodes, name, inputs,
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], inits)
    path = os.path.join(work, name + ".onnx")
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)]), path)
    return path


def models(work):
    rng = np.random.default_rng(0)

    def t(name, a):
        return numpy_helper.from_array(np.asarray(a), name)

    def w8(shape):
        return rng.integers(-127, 128, shape).astype(np.int8)
    f32 = TensorProto.FLOAT
    q = [t("xs", np.float32(0.01)), t("xz", np.uint8(128)), t("ys", np.float32(0.05)),
         t("yz", np.uint8(128))]
    out = []
    # QLinearMatMul
    inits = q + [t("b", w8((256, 256))), t("bs", np.float32(0.002)), t("bz", np.int8(0))]
    nodes = [helper.make_node("QuantizeLinear", ["x", "xs", "xz"], ["xq"]),
             helper.make_node("QLinearMatMul", ["xq", "xs", "xz", "b", "bs", "bz", "ys", "yz"], ["yq"]),
             helper.make_node("DequantizeLinear", ["yq", "ys", "yz"], ["y"])]
    out.append(("QLinearMatMul 128x256x256", save(work, "qlinear_matmul", nodes,
                [helper.make_tensor_value_info("x", f32, [128, 256])], inits), "x", "128,256", 300))
    # QLinearConv
    inits = q + [t("w", w8((32, 32, 3, 3))), t("ws", (rng.random(32) * 0.004 + 0.001).astype(np.float32)),
                 t("wz", np.zeros(32, np.int8)), t("bias", rng.integers(-500, 500, 32).astype(np.int32))]
    nodes = [helper.make_node("QuantizeLinear", ["x", "xs", "xz"], ["xq"]),
             helper.make_node("QLinearConv", ["xq", "xs", "xz", "w", "ws", "wz", "ys", "yz", "bias"],
                              ["yq"], pads=[1, 1, 1, 1]),
             helper.make_node("DequantizeLinear", ["yq", "ys", "yz"], ["y"])]
    out.append(("QLinearConv 1x32x56x56, 32 3x3", save(work, "qlinear_conv", nodes,
                [helper.make_tensor_value_info("x", f32, [1, 32, 56, 56])], inits), "x", "1,32,56,56", 100))
    # MatMulInteger, onnxruntime's dynamic quantization of a MatMul
    inits = [t("w", w8((1024, 1024))), t("wz", np.int8(0)), t("wsc", np.float32(0.002))]
    nodes = [helper.make_node("DynamicQuantizeLinear", ["x"], ["xq", "xsc", "xzp"]),
             helper.make_node("MatMulInteger", ["xq", "w", "xzp", "wz"], ["acc"]),
             helper.make_node("Cast", ["acc"], ["accf"], to=f32),
             helper.make_node("Mul", ["xsc", "wsc"], ["sc"]),
             helper.make_node("Mul", ["accf", "sc"], ["y"])]
    out.append(("MatMulInteger 16x1024x1024 (dynamic)", save(work, "matmul_integer", nodes,
                [helper.make_tensor_value_info("x", f32, [16, 1024])], inits), "x", "16,1024", 200))
    # DynamicQuantizeLSTM
    H, I = 256, 128
    inits = [t("W", w8((1, I, 4 * H))), t("R", w8((1, H, 4 * H))),
             t("B", (rng.standard_normal((1, 8 * H)) * 0.1).astype(np.float32)),
             t("ws", np.array([0.01], np.float32)), t("wz", np.zeros(1, np.int8)),
             t("rs", np.array([0.01], np.float32)), t("rz", np.zeros(1, np.int8))]
    nodes = [helper.make_node("DynamicQuantizeLSTM", ["x", "W", "R", "B", "", "", "", "", "ws", "wz",
                                                      "rs", "rz"], ["y"], domain="com.microsoft",
                              hidden_size=H)]
    g = helper.make_graph(nodes, "dq_lstm", [helper.make_tensor_value_info("x", f32, [100, 1, I])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], inits)
    path = os.path.join(work, "dq_lstm.onnx")
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17),
                                                  helper.make_opsetid("com.microsoft", 1)]), path)
    out.append(("DynamicQuantizeLSTM 128->256, T=100, b1", path, "x", "100,1,128", 200))
    return out


def takes(engine, model, inp, shape):
    """Whether a build runs the model (an older one may lack an operator)."""
    return subprocess.run([engine, model, inp, shape, "1", "1"], capture_output=True).returncode == 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--before", help="build directory of another version of this library")
    ap.add_argument("--as-avx2", action="store_true", help="hide AVX-512 from every engine")
    a = ap.parse_args()
    ort_env = frontends.ort_env(a.as_avx2)
    work = tempfile.mkdtemp(prefix="quant_bench_")
    engines = {"ours": os.path.join(ROOT, "build", "bench", "bench_ours")}
    if a.before:
        engines["before"] = os.path.join(os.path.abspath(a.before), "bench", "bench_ours")
    print("CPU: %s%s; kernels as the library picks them (LSTM_ISA=%s); one thread; %d rounds; "
          "load average %.2f" % (cpu(), " seen as AVX2-only" if a.as_avx2 else "",
                                 os.environ.get("LSTM_ISA", "not set"), a.rounds,
                                 os.getloadavg()[0]))
    for name, model, inp, shape, runs in models(work):
        names = [e for e in engines if e == "ours" or takes(engines[e], model, inp, shape)] + ["ort"]
        rounds = {e: [] for e in names}
        for r in range(a.rounds):
            for e in names[r % len(names):] + names[:r % len(names)]:
                if e == "ort":
                    got = run(["node", os.path.join(HERE, "bench_ort.js"), model, inp, shape,
                               str(runs), "1"], ort_env)
                else:
                    got = run([engines[e], model, inp, shape, str(runs), "1"])
                rounds[e].append(got["median_ms"])
        med = {e: statistics.median(v) for e, v in rounds.items()}
        line = "%-38s ours %.4f ms | onnxruntime %.4f ms, ort / ours %.2f" % (
            name, med["ours"], med["ort"], med["ort"] / med["ours"])
        if "before" in med:
            line += " | before %.4f ms, before / ours %.2f" % (med["before"], med["before"] / med["ours"])
        print(line, flush=True)
    print("load average after: %.2f" % os.getloadavg()[0])


if __name__ == "__main__":
    main()
