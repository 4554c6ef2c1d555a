#!/usr/bin/python3
"""The graph tf2onnx writes for a masked Keras LSTM (../shared/docs/rnn-semantics.md 5.2),
built by hand: X [B,T,F] -> Transpose(1,0,2) -> LSTM(sequence_lens from the mask, initial
states Unsqueeze'd from [B,H]) -> Squeeze(Y, axes 1) -> Transpose back to [B,T,H]; Y_h and Y_c ->
Squeeze(axes 0). Keras' gate order and forget bias are already folded into W/R/B, as tf2onnx
does. Expected outputs: onnxruntime, cross-checked with the NumPy oracle.

    /usr/bin/python3 tests/gen/make_keras_form.py [OUT_DIR]   (default tests/data/keras)
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import rnn_ref  # noqa: E402
from onnx_case import write_case  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "data", "keras")
B, T, F, H = 3, 6, 4, 5


def main():
    rng = np.random.default_rng(7)
    W = (rng.standard_normal((1, 4 * H, F)) * 0.5).astype(np.float32)
    R = (rng.standard_normal((1, 4 * H, H)) * 0.5).astype(np.float32)
    Bb = (rng.standard_normal((1, 8 * H)) * 0.2).astype(np.float32)
    Bb[0, 2 * H:3 * H] += 1.0  # Keras unit_forget_bias, folded into the forget-gate bias
    inits = [numpy_helper.from_array(W, "W"), numpy_helper.from_array(R, "R"),
             numpy_helper.from_array(Bb, "B"),
             numpy_helper.from_array(np.array([0], np.int64), "axis0"),
             numpy_helper.from_array(np.array([1], np.int64), "axis1")]
    nodes = [
        helper.make_node("Transpose", ["x"], ["x_tm"], perm=[1, 0, 2], name="transpose_in"),
        helper.make_node("Unsqueeze", ["h0", "axis0"], ["h0_3d"], name="unsqueeze_h"),
        helper.make_node("Unsqueeze", ["c0", "axis0"], ["c0_3d"], name="unsqueeze_c"),
        helper.make_node("LSTM", ["x_tm", "W", "R", "B", "seq_lens", "h0_3d", "c0_3d"],
                         ["Y", "Y_h", "Y_c"], hidden_size=H, name="lstm"),
        helper.make_node("Squeeze", ["Y", "axis1"], ["y_tm"], name="squeeze_y"),
        helper.make_node("Transpose", ["y_tm"], ["sequence"], perm=[1, 0, 2], name="transpose_out"),
        helper.make_node("Squeeze", ["Y_h", "axis0"], ["state_h"], name="squeeze_h"),
        helper.make_node("Squeeze", ["Y_c", "axis0"], ["state_c"], name="squeeze_c"),
    ]
    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", "T", F]),
              helper.make_tensor_value_info("seq_lens", TensorProto.INT32, ["batch"]),
              helper.make_tensor_value_info("h0", TensorProto.FLOAT, ["batch", H]),
              helper.make_tensor_value_info("c0", TensorProto.FLOAT, ["batch", H])]
    outputs = [helper.make_tensor_value_info(n, TensorProto.FLOAT, None)
               for n in ("sequence", "state_h", "state_c")]
    g = helper.make_graph(nodes, "keras_lstm_masked", inputs, outputs, initializer=inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="tests/gen")
    m.ir_version = 7
    feeds = {"x": (rng.standard_normal((B, T, F)) * 2).astype(np.float32),
             "seq_lens": np.array([6, 2, 4], np.int32),
             "h0": (rng.standard_normal((B, H)) * 0.5).astype(np.float32),
             "c0": (rng.standard_normal((B, H)) * 0.5).astype(np.float32)}
    Y, Yh, Yc = rnn_ref.run("LSTM", feeds["x"].transpose(1, 0, 2), W, R, B=Bb, seq=feeds["seq_lens"],
                            h0=feeds["h0"][None], c0=feeds["c0"][None])
    ref = {"sequence": Y[:, 0].transpose(1, 0, 2), "state_h": Yh[0], "state_c": Yc[0]}
    work = tempfile.mkdtemp()
    onnx.save(m, os.path.join(work, "model.onnx"))
    fl = []
    for n, a in feeds.items():
        a.tofile(os.path.join(work, n + ".bin"))
        fl.append({"name": n, "dtype": "int32" if a.dtype == np.int32 else "float32",
                   "dims": list(a.shape), "file": os.path.join(work, n + ".bin")})
    with open(os.path.join(work, "jobs.json"), "w") as f:
        json.dump([{"model": os.path.join(work, "model.onnx"), "feeds": fl,
                    "out_dir": os.path.join(work, "out")}], f)
    r = subprocess.run(["node", os.path.join(HERE, "ort_run.js"), os.path.join(work, "jobs.json")],
                       cwd=HERE, check=True, capture_output=True, text=True)
    meta = json.load(open(os.path.join(work, "out", "outputs.json")))
    outs = []
    for n in ("sequence", "state_h", "state_c"):
        a = np.fromfile(os.path.join(work, "out", n + ".bin"), np.float32).reshape(meta[n])
        diff = float(np.abs(a - ref[n]).max())
        assert diff < 1e-5, (n, diff)
        outs.append((n, a))
    write_case(OUT, "lstm_masked_keras_form", m, list(feeds.items()), outs,
               {"reference.txt": "%s; cross-checked with the NumPy float64 oracle\n" % r.stdout.strip()})
    print("wrote", os.path.join(OUT, "lstm_masked_keras_form"))


if __name__ == "__main__":
    main()
