#!/usr/bin/python3
"""Reference cases for control flow around recurrent cells (tests/data/control):

  if_lstm_outer        If on a data condition; each branch runs an LSTM on the same input with
                       weights read from the outer scope (initializers of the main graph); the
                       branches differ in direction and hidden size, so the If's output shape
                       depends on the condition (two test data sets, one per branch)
  scan_lstm_cell_fwd   an LSTM cell written out with MatMul / Split / Sigmoid / Tanh in a Scan
  scan_lstm_cell_rev   the same scanning input and output in reverse (scan_*_directions = 1),
                       with the input scanned along axis 1 (scan_input_axes)
  loop_greedy_decoder  a Loop that feeds an LSTM step its own argmax until an end token: the
                       trip count bounds it, the condition stops it early
  scripted_loop        a TorchScript-scripted Python loop over time steps (torch.jit.script ->
                       Loop + SequenceInsert + ConcatFromSequence), PyTorch's outputs as
                       reference

References come from onnxruntime (npm onnxruntime-node, CPU) cross-checked with NumPy (float64
LSTM oracle, rnn_ref.py), except scripted_loop (PyTorch, whose export onnxruntime also runs).

    cd tests/gen && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-package-lock
    /usr/bin/python3 tests/gen/make_control_cases.py [OUT_DIR]   (default tests/data/control)
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
import rnn_ref  # noqa: E402
from onnx_case import write_case  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "data", "control")
F, I64 = TensorProto.FLOAT, TensorProto.INT64
OPSET = [helper.make_opsetid("", 16)]


def init(name, a):
    return numpy_helper.from_array(np.asarray(a), name)


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def run_ort(work, name, model, feeds, out_types):
    """onnxruntime's outputs for feeds {name: array} (float32 / int64 / int32)."""
    d = os.path.join(work, name)
    os.makedirs(d, exist_ok=True)
    onnx.save(model, os.path.join(d, "model.onnx"))
    fl = []
    for k, a in feeds.items():
        fn = os.path.join(d, k + ".bin")
        a.tofile(fn)
        fl.append({"name": k, "dtype": str(a.dtype), "dims": list(a.shape), "file": fn})
    job = os.path.join(d, "job.json")
    with open(job, "w") as f:
        json.dump([{"model": os.path.join(d, "model.onnx"), "feeds": fl,
                    "out_dir": os.path.join(d, "out")}], f)
    r = subprocess.run(["node", os.path.join(HERE, "ort_run.js"), job], cwd=HERE, check=True,
                       capture_output=True, text=True)
    meta = json.load(open(os.path.join(d, "out", "outputs.json")))
    outs = {k: np.fromfile(os.path.join(d, "out", k + ".bin"), t).reshape(meta[k])
            for k, t in out_types.items()}
    return outs, r.stdout.strip().split(":")[0]


def check(name, what, got, want, tol=2e-5):
    diff = float(np.max(np.abs(np.asarray(got, np.float64) - want), initial=0))
    if diff > tol * (1 + float(np.max(np.abs(want), initial=0))):
        raise SystemExit("%s: onnxruntime and NumPy differ on %s by %g" % (name, what, diff))


# ---- If with LSTMs reading outer weights ----
def if_lstm_outer(rng):
    T, B, I = 5, 2, 3
    H1, H2 = 4, 5
    W1 = rng.standard_normal((1, 4 * H1, I)).astype(np.float32) * 0.5
    R1 = rng.standard_normal((1, 4 * H1, H1)).astype(np.float32) * 0.5
    W2 = rng.standard_normal((1, 4 * H2, I)).astype(np.float32) * 0.5
    R2 = rng.standard_normal((1, 4 * H2, H2)).astype(np.float32) * 0.5
    B2 = rng.standard_normal((1, 8 * H2)).astype(np.float32) * 0.3
    then_g = helper.make_graph(
        [helper.make_node("LSTM", ["X", "W1", "R1"], ["", "th"], name="LSTM_then", hidden_size=H1)],
        "then", [], [vi("th", F, [1, B, H1])])
    else_g = helper.make_graph(
        [helper.make_node("LSTM", ["X", "W2", "R2", "B2"], ["", "eh"], name="LSTM_else",
                          hidden_size=H2, direction="reverse")],
        "else", [], [vi("eh", F, [1, B, H2])])
    nodes = [helper.make_node("ReduceSum", ["flag"], ["s"], keepdims=0),
             helper.make_node("Greater", ["s", "zero"], ["cond"]),
             helper.make_node("If", ["cond"], ["Y_h"], name="If_branch", then_branch=then_g,
                              else_branch=else_g)]
    g = helper.make_graph(nodes, "if_lstm_outer", [vi("X", F, [T, B, I]), vi("flag", F, [1])],
                          [vi("Y_h", F, [1, B, "hidden"])],
                          [init("W1", W1), init("R1", R1), init("W2", W2), init("R2", R2),
                           init("B2", B2), init("zero", np.float32(0))])
    model = helper.make_model(g, opset_imports=OPSET)
    X = rng.standard_normal((T, B, I)).astype(np.float32)
    sets = []
    for flag in (1.0, -1.0):
        feeds = {"X": X, "flag": np.array([flag], np.float32)}
        if flag > 0:
            want = rnn_ref.run("LSTM", X, W1, R1, hidden_size=H1)[1]
        else:
            want = rnn_ref.run("LSTM", X, W2, R2, B=B2, direction="reverse", hidden_size=H2)[1]
        sets.append((feeds, {"Y_h": want}))
    return model, sets, {"Y_h": np.float32}


# ---- an LSTM cell inside a Scan ----
def scan_cell(rng, reverse):
    T, B, I, H = 6, 2, 3, 4
    W = rng.standard_normal((I, 4 * H)).astype(np.float32) * 0.5
    R = rng.standard_normal((H, 4 * H)).astype(np.float32) * 0.5
    bias = rng.standard_normal((4 * H,)).astype(np.float32) * 0.3
    body_nodes = [
        helper.make_node("MatMul", ["x_t", "W"], ["xw"]),
        helper.make_node("MatMul", ["h", "R"], ["hr"]),
        helper.make_node("Add", ["xw", "hr"], ["s1"]),
        helper.make_node("Add", ["s1", "bias"], ["gates"]),
        helper.make_node("Split", ["gates"], ["gi", "gf", "gg", "go"], axis=1),
        helper.make_node("Sigmoid", ["gi"], ["i"]),
        helper.make_node("Sigmoid", ["gf"], ["f"]),
        helper.make_node("Tanh", ["gg"], ["g"]),
        helper.make_node("Sigmoid", ["go"], ["o"]),
        helper.make_node("Mul", ["f", "c"], ["fc"]),
        helper.make_node("Mul", ["i", "g"], ["ig"]),
        helper.make_node("Add", ["fc", "ig"], ["c_out"]),
        helper.make_node("Tanh", ["c_out"], ["tc"]),
        helper.make_node("Mul", ["o", "tc"], ["h_out"]),
        helper.make_node("Identity", ["h_out"], ["y_t"]),
    ]
    body = helper.make_graph(body_nodes, "cell", [vi("h", F, [B, H]), vi("c", F, [B, H]),
                                                   vi("x_t", F, [B, I])],
                             [vi("h_out", F, [B, H]), vi("c_out", F, [B, H]),
                              vi("y_t", F, [B, H])])
    attrs = {"num_scan_inputs": 1}
    if reverse:  # X is [B, T, I], scanned along axis 1 backwards; Y written backwards
        attrs.update(scan_input_axes=[1], scan_input_directions=[1], scan_output_directions=[1])
    node = helper.make_node("Scan", ["h0", "c0", "X"], ["h_T", "c_T", "Y"], name="Scan_cell",
                            body=body, **attrs)
    xshape = [B, T, I] if reverse else [T, B, I]
    g = helper.make_graph([node], "scan_lstm_cell",
                          [vi("h0", F, [B, H]), vi("c0", F, [B, H]), vi("X", F, xshape)],
                          [vi("h_T", F, [B, H]), vi("c_T", F, [B, H]), vi("Y", F, [T, B, H])],
                          [init("W", W), init("R", R), init("bias", bias)])
    model = helper.make_model(g, opset_imports=OPSET)
    h0 = rng.standard_normal((B, H)).astype(np.float32) * 0.5
    c0 = rng.standard_normal((B, H)).astype(np.float32) * 0.5
    X = rng.standard_normal(xshape).astype(np.float32)
    # NumPy reference
    h, c = h0.astype(np.float64), c0.astype(np.float64)
    Xt = X.transpose(1, 0, 2) if reverse else X
    Y = np.zeros((T, B, H))
    order = range(T - 1, -1, -1) if reverse else range(T)
    for k, t in enumerate(order):
        gts = Xt[t] @ W + h @ R + bias
        gi, gf, gg, go = np.split(gts, 4, axis=1)
        c = sigmoid(gf) * c + sigmoid(gi) * np.tanh(gg)
        h = sigmoid(go) * np.tanh(c)
        Y[T - 1 - k if reverse else k] = h
    feeds = {"h0": h0, "c0": c0, "X": X}
    return model, [(feeds, {"h_T": h, "c_T": c, "Y": Y})], {"h_T": np.float32, "c_T": np.float32,
                                                            "Y": np.float32}


# ---- a Loop greedy decoder with an LSTM step ----
def greedy_decoder(rng):
    V, E, H, MAXLEN = 7, 4, 6, 12
    emb = rng.standard_normal((V, E)).astype(np.float32)
    W = rng.standard_normal((1, 4 * H, E)).astype(np.float32) * 0.8
    R = rng.standard_normal((1, 4 * H, H)).astype(np.float32) * 0.8
    Bb = rng.standard_normal((1, 8 * H)).astype(np.float32) * 0.5
    Wout = rng.standard_normal((H, V)).astype(np.float32)

    def step(tok, h, c):
        x = emb[tok].reshape(1, 1, E)
        _, hn, cn = rnn_ref.run("LSTM", x, W, R, B=Bb, h0=h, c0=c)
        logits = hn.reshape(1, H) @ Wout
        return int(np.argmax(logits)), hn, cn

    # The end token: the one the decoder emits at its 4th step from token 0, so the condition
    # (not the trip count) stops the loop.
    h = np.zeros((1, 1, H)); c = np.zeros((1, 1, H)); tok = 0; emitted = []
    for _ in range(MAXLEN):
        tok, h, c = step(tok, h, c)
        emitted.append(tok)
    eos = emitted[3]
    stop = emitted.index(eos) + 1
    body_nodes = [
        helper.make_node("Gather", ["emb", "tok"], ["x0"]),
        helper.make_node("Unsqueeze", ["x0", "ax0"], ["x"]),  # [1, 1, E]
        helper.make_node("LSTM", ["x", "W", "R", "B", "", "h", "c"], ["", "h_out", "c_out"],
                         name="LSTM_step", hidden_size=H),
        helper.make_node("Reshape", ["h_out", "hshape"], ["h2"]),
        helper.make_node("MatMul", ["h2", "Wout"], ["logits"]),
        helper.make_node("ArgMax", ["logits"], ["tok_out"], axis=1, keepdims=0),
        helper.make_node("Equal", ["tok_out", "eos"], ["is_end"]),
        helper.make_node("Not", ["is_end"], ["cond_out"]),
        helper.make_node("Identity", ["tok_out"], ["emitted"]),
    ]
    body = helper.make_graph(body_nodes, "decode_step",
                             [vi("i", I64, []), vi("cond_in", TensorProto.BOOL, []),
                              vi("tok", I64, [1]), vi("h", F, [1, 1, H]), vi("c", F, [1, 1, H])],
                             [vi("cond_out", TensorProto.BOOL, [1]), vi("tok_out", I64, [1]),
                              vi("h_out", F, [1, 1, H]), vi("c_out", F, [1, 1, H]),
                              vi("emitted", I64, [1])])
    loop = helper.make_node("Loop", ["max_len", "", "start", "h0", "c0"],
                            ["last_tok", "h_T", "c_T", "tokens"], name="Loop_decode", body=body)
    g = helper.make_graph([loop], "greedy_decoder",
                          [vi("start", I64, [1]), vi("h0", F, [1, 1, H]), vi("c0", F, [1, 1, H])],
                          [vi("tokens", I64, ["steps", 1]), vi("h_T", F, [1, 1, H])],
                          [init("max_len", np.array(MAXLEN, np.int64)), init("emb", emb),
                           init("W", W), init("R", R), init("B", Bb), init("Wout", Wout),
                           init("eos", np.array([eos], np.int64)),
                           init("ax0", np.array([0], np.int64)),
                           init("hshape", np.array([1, H], np.int64))])
    model = helper.make_model(g, opset_imports=OPSET)
    feeds = {"start": np.array([0], np.int64), "h0": np.zeros((1, 1, H), np.float32),
             "c0": np.zeros((1, 1, H), np.float32)}
    h = np.zeros((1, 1, H)); c = np.zeros((1, 1, H)); tok = 0; toks = []
    for _ in range(stop):
        tok, h, c = step(tok, h, c)
        toks.append(tok)
    want = {"tokens": np.array(toks, np.int64).reshape(stop, 1), "h_T": h}
    print("  greedy decoder: end token %d, stops after %d of %d steps" % (eos, stop, MAXLEN))
    return model, [(feeds, want)], {"tokens": np.int64, "h_T": np.float32}


# ---- a TorchScript-scripted loop ----
def scripted_loop(work):
    import torch

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.cell = torch.nn.LSTMCell(3, 5)
            self.out = torch.nn.Linear(5, 2)

        def forward(self, x):
            h = torch.zeros(x.size(1), 5)
            c = torch.zeros(x.size(1), 5)
            outs = []
            for t in range(x.size(0)):
                h, c = self.cell(x[t], (h, c))
                outs.append(self.out(h))
            return torch.stack(outs)

    torch.manual_seed(0)
    net = torch.jit.script(Net().eval())
    x = torch.randn(7, 2, 3)
    path = os.path.join(work, "scripted.onnx")
    torch.onnx.export(net, (x,), path, input_names=["x"], output_names=["y"],
                      dynamic_axes={"x": {0: "T", 1: "batch"}}, opset_version=14)
    model = onnx.load(path)
    ops = sorted({n.op_type for n in model.graph.node})
    print("  scripted loop exports:", ", ".join(ops))
    sets = []
    for T, B in ((7, 2), (3, 1)):
        xs = torch.randn(T, B, 3)
        with torch.no_grad():
            y = net(xs).numpy()
        sets.append(({"x": xs.numpy()}, {"y": y}))
    return model, sets, {"y": np.float32}


def main():
    root = os.path.abspath(OUT)
    shutil.rmtree(root, ignore_errors=True)
    rng = np.random.default_rng(20261129)
    work = tempfile.mkdtemp()
    cases = [("if_lstm_outer", if_lstm_outer(rng), True),
             ("scan_lstm_cell_fwd", scan_cell(rng, False), True),
             ("scan_lstm_cell_rev", scan_cell(rng, True), True),
             ("loop_greedy_decoder", greedy_decoder(rng), True),
             ("scripted_loop", scripted_loop(work), False)]
    for name, (model, sets, types), ort_ref in cases:
        onnx.checker.check_model(model)
        written = []
        note = ""
        for k, (feeds, want) in enumerate(sets):
            got, ver = run_ort(work, "%s_%d" % (name, k), model, feeds, types)
            for n in types:
                check(name, n, got[n], want[n])
            exp = got if ort_ref else {n: np.asarray(want[n], types[n]) for n in types}
            if ort_ref:
                note = "%s, cross-checked with NumPy (float64)" % ver
            else:
                note = "PyTorch %s, cross-checked with %s" % (__import__("torch").__version__, ver)
            written.append((list(feeds.items()), [(n, exp[n].astype(types[n])) for n in types]))
        write_case(root, name, model, written[0][0], written[0][1], {"reference.txt": note + "\n"},
                   more_sets=written[1:])
        print("%s: %d data sets (%s)" % (name, len(sets), note))
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
