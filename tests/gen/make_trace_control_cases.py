#!/usr/bin/python3
"""Trace cases with the recurrent node inside a subgraph (tests/data/trace, read by
tests/trace_check.py): PyTorch modules' weights in hand-built ONNX control flow, the expected
gates from make_trace_cases.py's step-by-step PyTorch equations (float64).

  if_lstm    an If on a data flag: then_branch an LSTM, else_branch a GRU, both reading X and
             their weights from the main graph; flag > 0, so the LSTM runs and is traced as
             If_1/then_branch/lstm_then (files If_1.then_branch.lstm_then_GATE.npy)
  loop_lstm  a Loop over the time steps whose body runs the LSTM one step at a time, the state
             carried as loop-carried values through initial_h / initial_c: the node reports each
             gate once per iteration, and lstm-run puts the T reports together along time, which
             must equal the gates of one LSTM over the whole sequence

  collide    two LSTMs (the same weights) named "a/b" and "a.b", whose names give the same file
             stem: lstm-run numbers the second one (a.b and a.b~2)

Each case has model.onnx, its inputs as NAME.npy, expected/<gate>.npy [T, 1, batch, hidden] and
trace_stem.txt (the file stems lstm-run must use, one a line, each with the expected gates).

    /usr/bin/python3 tests/gen/make_trace_control_cases.py [OUT_DIR]   (default tests/data/trace)
"""
import os
import sys

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_trace_cases import B, H, I, T, gru_gates, lstm_gates  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "data", "trace")
F = TensorProto.FLOAT


def onnx_lstm_weights(mod):
    """W, R, B in ONNX layout and gate order (i, o, f, c) from PyTorch's (i, f, g, o)."""
    def reorder(a):
        i, f, g, o = np.split(a, 4, axis=0)
        return np.concatenate([i, o, f, g], axis=0)
    W = reorder(mod.weight_ih_l0.detach().numpy())[None]
    R = reorder(mod.weight_hh_l0.detach().numpy())[None]
    Bs = np.concatenate([reorder(mod.bias_ih_l0.detach().numpy()),
                         reorder(mod.bias_hh_l0.detach().numpy())])[None]
    return W.astype(np.float32), R.astype(np.float32), Bs.astype(np.float32)


def onnx_gru_weights(mod):
    """W, R, B for a GRU with linear_before_reset = 1, gate order (z, r, h) from (r, z, n)."""
    def reorder(a):
        r, z, n = np.split(a, 3, axis=0)
        return np.concatenate([z, r, n], axis=0)
    W = reorder(mod.weight_ih_l0.detach().numpy())[None]
    R = reorder(mod.weight_hh_l0.detach().numpy())[None]
    Bs = np.concatenate([reorder(mod.bias_ih_l0.detach().numpy()),
                         reorder(mod.bias_hh_l0.detach().numpy())])[None]
    return W.astype(np.float32), R.astype(np.float32), Bs.astype(np.float32)


def vi(name, shape):
    return helper.make_tensor_value_info(name, F, shape)


def save(name, model, inputs, gates, stem):
    d = os.path.join(OUT, name)
    os.makedirs(os.path.join(d, "expected"), exist_ok=True)
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(d, "model.onnx"))
    for k, v in inputs.items():
        np.save(os.path.join(d, k + ".npy"), v)
    for k, v in gates.items():
        np.save(os.path.join(d, "expected", k + ".npy"), v.numpy().astype(np.float32))
    with open(os.path.join(d, "trace_stem.txt"), "w") as f:
        f.write("".join(s + "\n" for s in stem.split()))
    print("wrote", d)


def if_lstm(x, lstm, gru):
    W1, R1, B1 = onnx_lstm_weights(lstm)
    W2, R2, B2 = onnx_gru_weights(gru)
    then_g = helper.make_graph(
        [helper.make_node("LSTM", ["X", "W1", "R1", "B1"], ["", "th"], name="lstm_then",
                          hidden_size=H)], "then", [], [vi("th", [1, B, H])])
    else_g = helper.make_graph(
        [helper.make_node("GRU", ["X", "W2", "R2", "B2"], ["", "eh"], name="gru_else",
                          hidden_size=H, linear_before_reset=1)], "else", [],
        [vi("eh", [1, B, H])])
    nodes = [helper.make_node("ReduceSum", ["flag"], ["s"], keepdims=0),
             helper.make_node("Greater", ["s", "zero"], ["cond"]),
             helper.make_node("If", ["cond"], ["Y_h"], name="If_1", then_branch=then_g,
                              else_branch=else_g)]
    inits = [numpy_helper.from_array(a, n) for n, a in
             (("W1", W1), ("R1", R1), ("B1", B1), ("W2", W2), ("R2", R2), ("B2", B2),
              ("zero", np.array(0, np.float32)))]
    g = helper.make_graph(nodes, "if_lstm", [vi("X", [T, B, I]), vi("flag", [1])],
                          [vi("Y_h", [1, B, H])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 16)])
    m.ir_version = 8
    gates = lstm_gates(lstm, x, False)
    save("if_lstm", m, {"X": x.float().numpy(), "flag": np.array([1.0], np.float32)},
         {k: v[:, None] for k, v in gates.items()}, "If_1.then_branch.lstm_then")


def loop_lstm(x, lstm):
    W, R, Bs = onnx_lstm_weights(lstm)
    body = helper.make_graph(
        [helper.make_node("Gather", ["X", "it"], ["xt"], axis=0),
         helper.make_node("Unsqueeze", ["xt", "axis0"], ["x1"]),
         helper.make_node("LSTM", ["x1", "W", "R", "B", "", "h_in", "c_in"], ["", "h_out", "c_out"],
                          name="lstm_step", hidden_size=H),
         helper.make_node("Identity", ["cond_in"], ["cond_out"])],
        "body",
        [helper.make_tensor_value_info("it", TensorProto.INT64, []),
         helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
         vi("h_in", [1, B, H]), vi("c_in", [1, B, H])],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
         vi("h_out", [1, B, H]), vi("c_out", [1, B, H])])
    nodes = [helper.make_node("Loop", ["steps", "", "h0", "c0"], ["hT", "cT"], name="Loop_1",
                              body=body)]
    inits = [numpy_helper.from_array(a, n) for n, a in
             (("W", W), ("R", R), ("B", Bs), ("steps", np.array(T, np.int64)),
              ("axis0", np.array([0], np.int64)), ("h0", np.zeros((1, B, H), np.float32)),
              ("c0", np.zeros((1, B, H), np.float32)))]
    g = helper.make_graph(nodes, "loop_lstm", [vi("X", [T, B, I])],
                          [vi("hT", [1, B, H]), vi("cT", [1, B, H])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 16)])
    m.ir_version = 8
    gates = lstm_gates(lstm, x, False)
    save("loop_lstm", m, {"X": x.float().numpy()}, {k: v[:, None] for k, v in gates.items()},
         "Loop_1.body.lstm_step")


def collide(x, lstm):
    W, R, Bs = onnx_lstm_weights(lstm)
    nodes = [helper.make_node("LSTM", ["X", "W", "R", "B"], ["", "h1"], name="a/b", hidden_size=H),
             helper.make_node("LSTM", ["X", "W", "R", "B"], ["", "h2"], name="a.b", hidden_size=H)]
    inits = [numpy_helper.from_array(a, n) for n, a in (("W", W), ("R", R), ("B", Bs))]
    g = helper.make_graph(nodes, "collide", [vi("X", [T, B, I])],
                          [vi("h1", [1, B, H]), vi("h2", [1, B, H])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 16)])
    m.ir_version = 8
    gates = lstm_gates(lstm, x, False)
    save("collide", m, {"X": x.float().numpy()}, {k: v[:, None] for k, v in gates.items()},
         "a.b a.b~2")


def main():
    torch.manual_seed(5)
    x = torch.randn(T, B, I, dtype=torch.float64) * 2
    with torch.no_grad():
        lstm, gru = torch.nn.LSTM(I, H), torch.nn.GRU(I, H)
        if_lstm(x, lstm, gru)
        loop_lstm(x, lstm)
        collide(x, lstm)


if __name__ == "__main__":
    main()
