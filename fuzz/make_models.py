# Models for fuzz_ops (fuzz/fuzz_run.c with FUZZ_OPS) and seeds for fuzz_load: weights over 64 KiB,
# made at load by folding Tile over small initializers (the files stay a few KiB), that the
# runtime frees once the nodes reading them have packed them; shared with unpacked readers, read
# from If, Loop and Scan bodies, or graph outputs (then held).
# usage: /usr/bin/python3 fuzz/make_models.py [OUT_DIR]   (default fuzz/models)
import os, sys
import numpy as np
import onnx
from onnx import helper as h, TensorProto as T, numpy_helper as nh

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "models")
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(7)
F = T.FLOAT

def init(name, a):
    return nh.from_array(np.asarray(a), name)

def save(name, nodes, inputs, outputs, inits, opset=17, extra_opsets=()):
    g = h.make_graph(nodes, name, inputs, outputs, inits)
    m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)] + list(extra_opsets))
    m.ir_version = 8
    b = m.SerializeToString()
    assert len(b) < 60000, (name, len(b))
    open(os.path.join(out, name + ".onnx"), "wb").write(b)

H, I = 72, 80  # 4H x I floats = 92 KiB, 4H x H = 83 KiB: each in a pool chunk of its own
def tiled(prefix, rows, cols, nd=3):
    """nodes + inits making a [1,rows,cols] (or [rows,cols]) float tensor by Tile (folded)."""
    small = rng.standard_normal((1, rows // 8, cols // 8) if nd == 3 else (rows // 8, cols // 8)).astype(np.float32) * 0.1
    reps = np.array([1, 8, 8] if nd == 3 else [8, 8], np.int64)
    return ([h.make_node("Tile", [prefix + "_s", prefix + "_r"], [prefix])],
            [init(prefix + "_s", small), init(prefix + "_r", reps)])

def lstm_parts(op="LSTM", gates=4, tag="w"):
    n1, i1 = tiled(tag + "W", gates * H, I)
    n2, i2 = tiled(tag + "R", gates * H, H)
    return n1 + n2, i1 + i2

X = h.make_tensor_value_info("X", F, [3, 2, I])
Y = lambda n="Y": h.make_tensor_value_info(n, F, None)

# 1. LSTM / GRU with folded W and R (released after packing)
for op, gates in (("LSTM", 4), ("GRU", 3), ("RNN", 1)):
    nodes, inits = lstm_parts(op, gates)
    nodes.append(h.make_node(op, ["X", "wW", "wR"], ["Y"], hidden_size=H))
    save(op.lower() + "_folded", nodes, [X], [Y()], inits)

# 2. MatMul / Gemm B folded
n, i = tiled("B", I, 4 * H, nd=2)
A = h.make_tensor_value_info("A", F, [3, I])
save("matmul_folded", n + [h.make_node("MatMul", ["A", "B"], ["Y"])], [A], [Y()], i)
n, i = tiled("B", 4 * H, I, nd=2)
save("gemm_folded_tb", n + [h.make_node("Gemm", ["A", "B"], ["Y"], transB=1)], [A], [Y()], i)
# Gemm with B read by Gemm (packed) and by ReduceSum (unpacked): shared, must stay
save("gemm_shared_unpacked", n + [h.make_node("Gemm", ["A", "B"], ["Y"], transB=1),
                                  h.make_node("Add", ["B", "Bz"], ["Z"])],
     [A, h.make_tensor_value_info("Bz", F, [1])], [Y(), Y("Z")], i)
# MatMul B also a graph output (held for good)
n, i = tiled("B", I, 4 * H, nd=2)
save("matmul_b_output", n + [h.make_node("MatMul", ["A", "B"], ["Y"])], [A], [Y(), Y("B")], i)
# B read by two MatMuls: as B (packed) and as A (unpacked)
A2 = h.make_tensor_value_info("A2", F, [4 * H, 5])
save("matmul_b_and_a", n + [h.make_node("MatMul", ["A", "B"], ["Y"]),
                            h.make_node("MatMul", ["B", "A2"], ["Z"])],
     [A, A2], [Y(), Y("Z")], i)
# batched A [2, 3, I] against the packed B
A3 = h.make_tensor_value_info("A", F, [2, 3, I])
n, i = tiled("B", I, 4 * H, nd=2)
save("matmul_folded_batched", n + [h.make_node("MatMul", ["A", "B"], ["Y"])], [A3], [Y()], i)
# a bidirectional LSTM with sequence_lens and initial_h / initial_c as inputs
nodes, inits = [], []
for tag in ("f", "r"):
    n1, i1 = lstm_parts(tag=tag)
    nodes += n1
    inits += i1
nodes += [h.make_node("Concat", ["fW", "rW"], ["W2"], axis=0), h.make_node("Concat", ["fR", "rR"], ["R2"], axis=0),
          h.make_node("LSTM", ["X", "W2", "R2", "", "L", "H0", "C0"], ["Y", "Yh", "Yc"], hidden_size=H,
                      direction="bidirectional")]
save("lstm_bidi_seq", nodes, [X, h.make_tensor_value_info("L", T.INT32, [2]),
                              h.make_tensor_value_info("H0", F, [2, 2, H]), h.make_tensor_value_info("C0", F, [2, 2, H])],
     [Y(), Y("Yh"), Y("Yc")], inits)
# a folded chain: Tile -> Mul -> Transpose -> LSTM W (intermediates freed once read by folds)
nodes, inits = lstm_parts()
nodes = [nodes[0], nodes[1]] + [
    h.make_node("Mul", ["wW", "two"], ["wW2"]),
    h.make_node("Transpose", ["wW2"], ["wWt"], perm=[0, 1, 2]),
    h.make_node("LSTM", ["X", "wWt", "wR"], ["Y"], hidden_size=H)]
save("lstm_chain", nodes, [X], [Y()], inits + [init("two", np.float32(2))])
# LSTM W shared by an LSTM and an Add (unpacked reader)
nodes, inits = lstm_parts()
nodes += [h.make_node("LSTM", ["X", "wW", "wR"], ["Y"], hidden_size=H),
          h.make_node("Add", ["wW", "Wz"], ["Z"])]
save("lstm_w_shared", nodes, [X, h.make_tensor_value_info("Wz", F, [1])], [Y(), Y("Z")], inits)
# LSTM W shared by two LSTMs (both packed: freed after the second)
nodes, inits = lstm_parts()
nodes += [h.make_node("LSTM", ["X", "wW", "wR"], ["Y"], hidden_size=H),
          h.make_node("LSTM", ["X", "wW", "wR"], ["Y2"], hidden_size=H, direction="reverse")]
save("lstm_w_two", nodes, [X], [Y(), Y("Y2")], inits)
# initializer that is also a graph input (overridable): never freed
nodes, inits = lstm_parts()
W_in = h.make_tensor_value_info("wW_s", F, [1, 4 * H // 8, I // 8])
nodes.append(h.make_node("LSTM", ["X", "wW", "wR"], ["Y"], hidden_size=H))
save("lstm_init_input", nodes, [X, W_in], [Y()], inits)

# 3. LSTM inside an If branch reading outer folded weights; else branch uses them unpacked
C = h.make_tensor_value_info("C", T.BOOL, [])
nodes, inits = lstm_parts()
then_g = h.make_graph([h.make_node("LSTM", ["X", "wW", "wR"], ["ty"], hidden_size=H)], "then", [],
                      [h.make_tensor_value_info("ty", F, None)])
else_g = h.make_graph([h.make_node("LSTM", ["X", "wW", "wR"], ["ey"], hidden_size=H, direction="reverse")],
                      "else", [], [h.make_tensor_value_info("ey", F, None)])
save("if_lstm_outer", nodes + [h.make_node("If", ["C"], ["Y"], then_branch=then_g, else_branch=else_g)],
     [X, C], [Y()], inits)
else_g2 = h.make_graph([h.make_node("ReduceSum", ["X"], ["xs"], keepdims=0), h.make_node("Mul", ["wW", "xs"], ["ey"])], "else", [],
                       [h.make_tensor_value_info("ey", F, None)])
save("if_lstm_vs_unpacked", nodes + [h.make_node("If", ["C"], ["Y"], then_branch=then_g, else_branch=else_g2)],
     [X, C], [Y()], inits)
# weights folded inside the branch itself
nb, ib = lstm_parts(tag="b")
then_g3 = h.make_graph(nb + [h.make_node("LSTM", ["X", "bW", "bR"], ["ty"], hidden_size=H)], "then", [],
                       [h.make_tensor_value_info("ty", F, None)], ib)

# ...with the main-graph tiles too
save("if_lstm_inner_outer", nodes + [h.make_node("If", ["C"], ["Y"], then_branch=then_g3, else_branch=else_g)],
     [X, C], [Y()], inits)

# 4. Loop body reading outer weights (MatMul B and an LSTM)
M = h.make_tensor_value_info("M", T.INT64, [])
cond = h.make_tensor_value_info("cond", T.BOOL, [])
n, i = tiled("B", I, I * 4, nd=2)
body = h.make_graph(
    [h.make_node("Identity", ["c_in"], ["c_out"]),
     h.make_node("MatMul", ["a_in", "B"], ["ab"]),
     h.make_node("Slice", ["ab", "st", "en", "ax"], ["a_out"]),
     h.make_node("Identity", ["a_out"], ["scan"])],
    "body", [h.make_tensor_value_info("i", T.INT64, []), h.make_tensor_value_info("c_in", T.BOOL, []),
             h.make_tensor_value_info("a_in", F, None)],
    [h.make_tensor_value_info("c_out", T.BOOL, []), h.make_tensor_value_info("a_out", F, None),
     h.make_tensor_value_info("scan", F, None)],
    [init("st", np.array([0], np.int64)), init("en", np.array([I], np.int64)), init("ax", np.array([1], np.int64))])
save("loop_matmul_outer", n + [h.make_node("Loop", ["M", "cond", "A"], ["Y", "S"], body=body)],
     [M, cond, A], [Y(), Y("S")], i)
nodes, inits = lstm_parts()
body2 = h.make_graph(
    [h.make_node("Identity", ["c_in"], ["c_out"]),
     h.make_node("LSTM", ["x_in", "wW", "wR"], ["y", "yh"], hidden_size=H),
     h.make_node("Identity", ["x_in"], ["x_out"]),
     h.make_node("Identity", ["yh"], ["scan"])],
    "body", [h.make_tensor_value_info("i", T.INT64, []), h.make_tensor_value_info("c_in", T.BOOL, []),
             h.make_tensor_value_info("x_in", F, None)],
    [h.make_tensor_value_info("c_out", T.BOOL, []), h.make_tensor_value_info("x_out", F, None),
     h.make_tensor_value_info("scan", F, None)])
save("loop_lstm_outer", nodes + [h.make_node("Loop", ["M", "cond", "X"], ["Y", "S"], body=body2)],
     [M, cond, X], [Y(), Y("S")], inits)
# Loop body with an LSTM on outer weights and a second node reading W unpacked in the body
body3 = h.make_graph(list(body2.node) + [h.make_node("ReduceSum", ["x_in"], ["xs"], keepdims=0),
                                         h.make_node("Mul", ["wR", "xs"], ["rs"]),
                                         h.make_node("Identity", ["rs"], ["scan2"])],
                     "body", list(body2.input), list(body2.output) + [h.make_tensor_value_info("scan2", F, None)])
save("loop_lstm_shared", nodes + [h.make_node("Loop", ["M", "cond", "X"], ["Y", "S", "S2"], body=body3)],
     [M, cond, X], [Y(), Y("S"), Y("S2")], inits)
# Scan over X with an LSTM per step reading outer weights
nodes, inits = lstm_parts()
sbody = h.make_graph(
    [h.make_node("Unsqueeze", ["x", "z"], ["x3"]),
     h.make_node("LSTM", ["x3", "wW", "wR"], ["y", "yh"], hidden_size=H),
     h.make_node("Identity", ["s"], ["s2"]),
     h.make_node("Squeeze", ["yh", "z"], ["o"])],
    "sbody", [h.make_tensor_value_info("s", F, None), h.make_tensor_value_info("x", F, None)],
    [h.make_tensor_value_info("s2", F, None), h.make_tensor_value_info("o", F, None)],
    [init("z", np.array([0], np.int64))])
S0 = h.make_tensor_value_info("S0", F, [1])
save("scan_lstm_outer", nodes + [h.make_node("Scan", ["S0", "X"], ["Sf", "Y"], body=sbody, num_scan_inputs=1)],
     [S0, X], [Y("Sf"), Y()], inits, opset=16)

# 5. DynamicQuantizeLSTM with int8 W / R folded by Tile
ms = h.make_opsetid("com.microsoft", 1)
Wq = (rng.integers(-100, 100, (1, 136 // 8, 4 * 128 // 8))).astype(np.int8)
Rq = (rng.integers(-100, 100, (1, 128 // 8, 4 * 128 // 8))).astype(np.int8)
nodes = [h.make_node("Tile", ["Wq_s", "rep"], ["Wq"]), h.make_node("Tile", ["Rq_s", "rep"], ["Rq"]),
         h.make_node("DynamicQuantizeLSTM", ["X", "Wq", "Rq", "", "", "", "", "", "ws", "wz", "rs", "rz"], ["Y"],
                     domain="com.microsoft", hidden_size=128)]
inits = [init("Wq_s", Wq), init("Rq_s", Rq), init("rep", np.array([1, 8, 8], np.int64)),
         init("ws", np.array([0.01], np.float32)), init("wz", np.array([0], np.int8)),
         init("rs", np.array([0.02], np.float32)), init("rz", np.array([0], np.int8))]
save("dqlstm_folded", nodes, [h.make_tensor_value_info("X", F, [3, 2, 136])], [Y()], inits, extra_opsets=[ms])

# float16 LSTM weights (widened and packed at load, then freed): 4H x I halves = 136 KiB
Wh = (rng.standard_normal((1, 4 * 128 // 8, 136 // 8)) * 0.1).astype(np.float16)
Rh = (rng.standard_normal((1, 4 * 128 // 8, 128 // 8)) * 0.1).astype(np.float16)
save("lstm_folded_f16", [h.make_node("Tile", ["Wh_s", "rep"], ["Wh"]), h.make_node("Tile", ["Rh_s", "rep"], ["Rh"]),
                         h.make_node("LSTM", ["X", "Wh", "Rh"], ["Y"], hidden_size=128)],
     [h.make_tensor_value_info("X", T.FLOAT16, [3, 2, 136])], [Y()],
     [init("Wh_s", Wh), init("Rh_s", Rh), init("rep", np.array([1, 8, 8], np.int64))])
