#!/usr/bin/python3
"""Streaming through control flow (tests/data/control_stream), checked by `lstm-run --test DIR
--stream K`, which feeds X in chunks of K steps with lstm_session_set_streaming on:

  if_lstm_stream  an If on a data flag whose branches run a forward LSTM (then_branch) or a
                  forward GRU (else_branch) over X [T, batch, input] read from the outer scope:
                  a node in an If branch carries its state between runs, so the chunks give
                  the Y and Y_h of one run over the whole sequence (one data set per branch)
  scan_lstm_step  a Scan over the time steps whose body runs an LSTM on each step alone (no
                  initial state given): a node in a Loop or Scan body never carries state, so
                  every step starts from zeros whether the session streams or not

References from onnxruntime (npm onnxruntime-node, CPU), cross-checked with NumPy (float64,
rnn_ref.py). T is symbolic in both models.

    cd tests/gen && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-package-lock
    /usr/bin/python3 tests/gen/make_control_stream_cases.py [OUT_DIR]
"""
import os
import shutil
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import rnn_ref  # noqa: E402
from make_control_cases import check, init, run_ort, vi  # noqa: E402
from onnx_case import write_case  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "data", "control_stream")
F = TensorProto.FLOAT
OPSET = [helper.make_opsetid("", 16)]
T, B, I = 6, 2, 3


def if_lstm_stream(rng):
    H1, H2 = 4, 5
    W1 = rng.standard_normal((1, 4 * H1, I)).astype(np.float32) * 0.5
    R1 = rng.standard_normal((1, 4 * H1, H1)).astype(np.float32) * 0.5
    B1 = rng.standard_normal((1, 8 * H1)).astype(np.float32) * 0.3
    W2 = rng.standard_normal((1, 3 * H2, I)).astype(np.float32) * 0.5
    R2 = rng.standard_normal((1, 3 * H2, H2)).astype(np.float32) * 0.5
    B2 = rng.standard_normal((1, 6 * H2)).astype(np.float32) * 0.3
    then_g = helper.make_graph(
        [helper.make_node("LSTM", ["X", "W1", "R1", "B1"], ["ty", "th"], name="lstm_then",
                          hidden_size=H1)],
        "then", [], [vi("ty", F, ["T", 1, B, H1]), vi("th", F, [1, B, H1])])
    else_g = helper.make_graph(
        [helper.make_node("GRU", ["X", "W2", "R2", "B2"], ["ey", "eh"], name="gru_else",
                          hidden_size=H2, linear_before_reset=1)],
        "else", [], [vi("ey", F, ["T", 1, B, H2]), vi("eh", F, [1, B, H2])])
    nodes = [helper.make_node("ReduceSum", ["flag"], ["s"], keepdims=0),
             helper.make_node("Greater", ["s", "zero"], ["cond"]),
             helper.make_node("If", ["cond"], ["Y", "Y_h"], name="If_1", then_branch=then_g,
                              else_branch=else_g)]
    g = helper.make_graph(nodes, "if_lstm_stream", [vi("X", F, ["T", B, I]), vi("flag", F, [1])],
                          [vi("Y", F, ["T", 1, B, "hidden"]), vi("Y_h", F, [1, B, "hidden"])],
                          [init("W1", W1), init("R1", R1), init("B1", B1), init("W2", W2),
                           init("R2", R2), init("B2", B2), init("zero", np.float32(0))])
    model = helper.make_model(g, opset_imports=OPSET)
    X = rng.standard_normal((T, B, I)).astype(np.float32)
    sets = []
    for flag in (1.0, -1.0):
        feeds = {"X": X, "flag": np.array([flag], np.float32)}
        if flag > 0:
            y, yh = rnn_ref.run("LSTM", X, W1, R1, B=B1, hidden_size=H1)[:2]
        else:
            y, yh = rnn_ref.run("GRU", X, W2, R2, B=B2, hidden_size=H2,
                                linear_before_reset=1)[:2]
        sets.append((feeds, {"Y": y, "Y_h": yh}))
    return model, sets, {"Y": np.float32, "Y_h": np.float32}


def scan_lstm_step(rng):
    H = 4
    W = rng.standard_normal((1, 4 * H, I)).astype(np.float32) * 0.5
    R = rng.standard_normal((1, 4 * H, H)).astype(np.float32) * 0.5
    Bs = rng.standard_normal((1, 8 * H)).astype(np.float32) * 0.3
    body = helper.make_graph(
        [helper.make_node("Unsqueeze", ["x_t", "axis0"], ["x1"]),
         helper.make_node("LSTM", ["x1", "W", "R", "B"], ["", "h1"], name="lstm_step",
                          hidden_size=H),
         helper.make_node("Squeeze", ["h1", "axis0"], ["h_t"]),
         helper.make_node("Add", ["acc_in", "h_t"], ["acc_out"])],
        "body", [vi("acc_in", F, [B, H]), vi("x_t", F, [B, I])],
        [vi("acc_out", F, [B, H]), vi("h_t", F, [B, H])])
    nodes = [helper.make_node("Scan", ["acc0", "X"], ["acc", "Y"], name="Scan_1", body=body,
                              num_scan_inputs=1)]
    g = helper.make_graph(nodes, "scan_lstm_step", [vi("X", F, ["T", B, I])],
                          [vi("Y", F, ["T", B, H])],
                          [init("W", W), init("R", R), init("B", Bs),
                           init("axis0", np.array([0], np.int64)),
                           init("acc0", np.zeros((B, H), np.float32))])
    model = helper.make_model(g, opset_imports=OPSET)
    X = rng.standard_normal((T, B, I)).astype(np.float32)
    # Each step alone, from a zero state.
    want = np.stack([rnn_ref.run("LSTM", X[t:t + 1], W, R, B=Bs, hidden_size=H)[1][0]
                     for t in range(T)])
    return model, [({"X": X}, {"Y": want})], {"Y": np.float32}


def main():
    root = os.path.abspath(OUT)
    shutil.rmtree(root, ignore_errors=True)
    rng = np.random.default_rng(20261130)
    work = tempfile.mkdtemp()
    for name, (model, sets, types) in (("if_lstm_stream", if_lstm_stream(rng)),
                                       ("scan_lstm_step", scan_lstm_step(rng))):
        model.ir_version = 8
        onnx.checker.check_model(model)
        written = []
        for k, (feeds, want) in enumerate(sets):
            got, ver = run_ort(work, "%s_%d" % (name, k), model, feeds, types)
            for n in types:
                check(name, n, got[n], want[n])
            written.append((list(feeds.items()), [(n, got[n].astype(types[n])) for n in types]))
        note = "%s, cross-checked with NumPy (float64)" % ver
        write_case(root, name, model, written[0][0], written[0][1], {"reference.txt": note + "\n"},
                   more_sets=written[1:])
        print("%s: %d data sets (%s)" % (name, len(sets), note))
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
