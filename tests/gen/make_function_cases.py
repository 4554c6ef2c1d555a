#!/usr/bin/python3
"""Reference cases for model-local functions (tests/data/functions), which the importer inlines:

  attr_refs        a function's attribute references: given by one caller, left to the
                   operator's default by another (unnamed) caller, an output the caller drops
  nested_refs      a function calling another twice, forwarding its attribute (a reference to a
                   reference), called with and without it
  lstm_in_function an LSTM block (hidden_size and direction by reference) called twice, once
                   without the optional initial state
  if_in_function   an If inside a function whose branches read the function's inputs and an
                   attribute reference (two data sets, one per branch)
  call_in_loop     a Loop body calling a function on its carried value
  defaults_ir9     attribute defaults (FunctionProto.attribute_proto, IR 9)
  overload_ir10    two functions of one name told apart by overload (IR 10)
  pytorch_modules  PyTorch's export with export_modules_as_functions: two residual LSTM blocks
                   (LSTM, Linear, LayerNorm) as one function with inferred attributes, dynamic
                   batch and time (two data sets)

References come from onnxruntime (npm onnxruntime-node, CPU); pytorch_modules is cross-checked
with PyTorch. libonnx-dev's schema (ONNX 1.12) lacks the IR 9 / 10 fields, so defaults_ir9 and
overload_ir10 write them as raw protobuf fields.

    cd tests/gen && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-package-lock
    /usr/bin/python3 tests/gen/make_function_cases.py [OUT_DIR]   (default tests/data/functions)
"""
import os
import shutil
import sys
import tempfile

import numpy as np
import onnx
from onnx import AttributeProto, TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_control_cases import run_ort  # noqa: E402
from onnx_case import write_case  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "data", "functions")
F = TensorProto.FLOAT
ONNX = helper.make_opsetid("", 15)
MY = helper.make_opsetid("my", 1)


def vi(name, shape=None):
    return helper.make_tensor_value_info(name, F, shape)


def ref(name, target, kind):
    a = AttributeProto()
    a.name, a.ref_attr_name, a.type = name, target, kind
    return a


def node(op, ins, outs, refs=(), **kw):
    n = helper.make_node(op, ins, outs, **kw)
    n.attribute.extend(refs)
    return n


def call(op, ins, outs, **kw):
    return helper.make_node(op, ins, outs, domain="my", **kw)


def fn(name, ins, outs, nodes, attrs=(), opsets=(ONNX,)):
    return helper.make_function("my", name, ins, outs, nodes, list(opsets), list(attrs))


def model(nodes, ins, outs, fns, inits=(), ir=8):
    g = helper.make_graph(nodes, "g", ins, outs, list(inits))
    return helper.make_model(g, opset_imports=[ONNX, MY], functions=fns, ir_version=ir)


def f32(rng, *shape):
    return rng.standard_normal(shape).astype(np.float32)


def raw_field(num, payload):
    """A length-delimited protobuf field: tag, varint length, bytes."""
    def varint(n):
        out = b""
        while True:
            b, n = n & 0x7F, n >> 7
            if not n:
                return out + bytes([b])
            out += bytes([b | 0x80])
    return varint(num << 3 | 2) + varint(len(payload)) + payload


def with_raw(proto, extra):
    """A copy of proto with raw fields appended (kept as unknown fields by protobuf)."""
    out = type(proto)()
    out.ParseFromString(proto.SerializeToString() + extra)
    return out


def attr_refs(rng):
    body = [node("Mul", ["x", "w"], ["t"]), node("Add", ["t", "b"], ["u"]),
            node("LeakyRelu", ["u"], ["y"], [ref("alpha", "alpha", AttributeProto.FLOAT)]),
            node("Softmax", ["y"], ["z"], [ref("axis", "axis", AttributeProto.INT)])]
    f = fn("Block", ["x", "w", "b"], ["y", "z"], body, ["alpha", "axis"])
    m = model([call("Block", ["X", "W", "B"], ["Y1", "Z1"], name="blk", alpha=0.3, axis=0),
               call("Block", ["Y1", "W", "B"], ["", "Z2"])],
              [vi("X", [3, 4])], [vi("Z1"), vi("Z2"), vi("Y1")], [f],
              [numpy_helper.from_array(f32(rng, 3, 4), "W"),
               numpy_helper.from_array(f32(rng, 4), "B")])
    return m, [{"X": f32(rng, 3, 4)}]


def nested_refs(rng):
    inner = fn("Inner", ["x"], ["y"],
               [node("Elu", ["x"], ["y"], [ref("alpha", "a", AttributeProto.FLOAT)])], ["a"])
    outer = fn("Outer", ["x", "s"], ["y", "aux"],
               [call("Inner", ["x"], ["t"]), node("Mul", ["t", "s"], ["ts"]),
                call("Inner", ["ts"], ["y"]),
                node("Neg", ["t"], ["aux"])], ["k"], (ONNX, MY))
    outer.node[0].attribute.append(ref("a", "k", AttributeProto.FLOAT))
    outer.node[2].attribute.append(ref("a", "k", AttributeProto.FLOAT))
    m = model([call("Outer", ["X", "S"], ["Y1", ""], name="o1", k=2.5),
               call("Outer", ["Y1", "S"], ["Y2", "A2"], name="o2")],
              [vi("X", [2, 5]), vi("S", [5])], [vi("Y1"), vi("Y2"), vi("A2")], [inner, outer])
    return m, [{"X": f32(rng, 2, 5) * 2, "S": f32(rng, 5)}]


def lstm_in_function(rng):
    T, B, I, H = 6, 2, 3, 5
    body = [node("LSTM", ["x", "w", "r", "", "", "h0"], ["y", "yh"],
                 [ref("hidden_size", "hidden", AttributeProto.INT),
                  ref("direction", "dir", AttributeProto.STRING)]),
            node("Squeeze", ["y", "axes"], ["ys"]),
            node("Constant", [], ["axes"], value=numpy_helper.from_array(np.array([1], np.int64)))]
    body = [body[2], body[0], body[1]]
    f = fn("LstmBlock", ["x", "w", "r", "h0"], ["ys", "yh"], body, ["hidden", "dir"])
    W1, R1 = f32(rng, 1, 4 * H, I) * 0.5, f32(rng, 1, 4 * H, H) * 0.5
    W2, R2 = f32(rng, 1, 4 * H, H) * 0.5, f32(rng, 1, 4 * H, H) * 0.5
    m = model([call("LstmBlock", ["X", "W1", "R1"], ["Y1", ""], name="l1", hidden=H,
                    dir="forward"),
               call("LstmBlock", ["Y1", "W2", "R2", "H0"], ["Y2", "Yh2"], name="l2", hidden=H,
                    dir="reverse")],
              [vi("X", [T, B, I]), vi("H0", [1, B, H])], [vi("Y2"), vi("Yh2")], [f],
              [numpy_helper.from_array(a, n) for a, n in
               ((W1, "W1"), (R1, "R1"), (W2, "W2"), (R2, "R2"))])
    return m, [{"X": f32(rng, T, B, I), "H0": f32(rng, 1, B, H) * 0.5}]


def if_in_function(rng):
    then_g = helper.make_graph(
        [node("HardSigmoid", ["x"], ["ht"], [ref("alpha", "slope", AttributeProto.FLOAT)]),
         node("Mul", ["ht", "w"], ["tb"])], "then", [], [vi("tb")])
    else_g = helper.make_graph([node("Sub", ["x", "w"], ["eb"])], "else", [], [vi("eb")])
    body = [node("ReduceSum", ["x"], ["s"], keepdims=0),
            node("Greater", ["s", "zero"], ["c"]),
            node("If", ["c"], ["y"], then_branch=then_g, else_branch=else_g),
            node("Constant", [], ["zero"], value=numpy_helper.from_array(np.float32(0)))]
    body = [body[3]] + body[:3]
    f = fn("Gate", ["x", "w"], ["y"], body, ["slope"])
    m = model([call("Gate", ["X", "W"], ["Y"], name="gate", slope=0.4)],
              [vi("X", [2, 3]), vi("W", [2, 3])], [vi("Y")], [f])
    x = f32(rng, 2, 3)
    x -= x.mean() - 1
    w = f32(rng, 2, 3)
    return m, [{"X": x, "W": w}, {"X": x - 2, "W": w}]


def call_in_loop(rng):
    f = fn("Step", ["h", "u"], ["h2"], [node("Mul", ["h", "u"], ["p"]),
                                        node("Tanh", ["p"], ["q"]),
                                        node("Add", ["q", "h"], ["h2"])])
    body = helper.make_graph(
        [helper.make_node("Identity", ["cond_in"], ["cond_out"]),
         call("Step", ["h_in", "U"], ["h_out"], name="step")],
        "body", [helper.make_tensor_value_info("i", TensorProto.INT64, []),
                 helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []), vi("h_in")],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []), vi("h_out")])
    m = model([helper.make_node("Loop", ["N", "", "H0"], ["H"], body=body)],
              [helper.make_tensor_value_info("N", TensorProto.INT64, []), vi("H0", [4]),
               vi("U", [4])], [vi("H")], [f])
    return m, [{"N": np.array(5, np.int64), "H0": f32(rng, 4), "U": f32(rng, 4)}]


def defaults_ir9(rng):
    f = fn("Lr", ["x"], ["y", "z"],
           [node("LeakyRelu", ["x"], ["y"], [ref("alpha", "alpha", AttributeProto.FLOAT)]),
            node("Clip", ["y", "lo", "hi"], ["z"]),
            node("Constant", [], ["lo"], [ref("value_float", "lo", AttributeProto.FLOAT)]),
            node("Constant", [], ["hi"], value_float=1.0)], ["lo"])
    f.node.insert(0, f.node[3])
    f.node.insert(0, f.node[3])
    del f.node[4:]
    f = with_raw(f, raw_field(11, helper.make_attribute("alpha", 0.25).SerializeToString()))
    m = model([call("Lr", ["X"], ["Y", "Z"], lo=-0.5),
               call("Lr", ["X"], ["Y2", "Z2"], alpha=2.0, lo=-3.0)],
              [vi("X", [2, 3, 4])], [vi("Y"), vi("Z"), vi("Y2"), vi("Z2")], [f], ir=9)
    return m, [{"X": f32(rng, 2, 3, 4) * 2}]


def overload_ir10(rng):
    fa = with_raw(fn("Act", ["x"], ["y"], [node("Tanh", ["x"], ["y"])]), raw_field(13, b"tanh"))
    fb = with_raw(fn("Act", ["x"], ["y"], [node("Sigmoid", ["x"], ["y"])]),
                  raw_field(13, b"sigmoid"))
    n1 = with_raw(call("Act", ["X"], ["A"]), raw_field(8, b"sigmoid"))
    n2 = with_raw(call("Act", ["X"], ["B"]), raw_field(8, b"tanh"))
    m = model([n1, n2], [vi("X", [5])], [vi("A"), vi("B")], [fa, fb], ir=10)
    return m, [{"X": f32(rng, 5) * 2}]


def pytorch_modules(rng, work):
    import torch
    torch.manual_seed(7)

    class Block(torch.nn.Module):
        def __init__(self, i, h):
            super().__init__()
            self.lstm = torch.nn.LSTM(i, h, batch_first=True)
            self.proj = torch.nn.Linear(h, i)
            self.norm = torch.nn.LayerNorm(i)

        def forward(self, x):
            y, _ = self.lstm(x)
            return self.norm(x + torch.tanh(self.proj(y)))

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.b1, self.b2 = Block(8, 16), Block(8, 12)
            self.head = torch.nn.Linear(8, 3)

        def forward(self, x):
            return torch.softmax(self.head(self.b2(self.b1(x))), -1)

    net = Net().eval()
    path = os.path.join(work, "pytorch_modules.onnx")
    torch.onnx.export(net, torch.zeros(2, 7, 8), path, input_names=["x"], output_names=["p"],
                      opset_version=15, export_modules_as_functions={Block},
                      dynamic_axes={"x": {0: "batch", 1: "T"}})
    m = onnx.load(path)
    sets, torch_out = [], []
    for b, t in ((2, 7), (3, 11)):
        x = rng.standard_normal((b, t, 8)).astype(np.float32)
        with torch.no_grad():
            torch_out.append(net(torch.from_numpy(x)).numpy())
        sets.append({"x": x})
    return m, sets, torch_out, torch.__version__


def main():
    root = os.path.abspath(OUT)
    shutil.rmtree(root, ignore_errors=True)
    rng = np.random.default_rng(20261202)
    work = tempfile.mkdtemp()
    cases = [(name, f(rng)) for name, f in
             (("attr_refs", attr_refs), ("nested_refs", nested_refs),
              ("lstm_in_function", lstm_in_function), ("if_in_function", if_in_function),
              ("call_in_loop", call_in_loop), ("defaults_ir9", defaults_ir9),
              ("overload_ir10", overload_ir10))]
    m, sets, torch_out, tv = pytorch_modules(rng, work)
    cases.append(("pytorch_modules", (m, sets)))
    for name, (m, sets) in cases:
        outs = [o.name for o in m.graph.output]
        written = []
        for k, feeds in enumerate(sets):
            got, ver = run_ort(work, "%s_%d" % (name, k), m, feeds,
                               {o: np.float32 for o in outs})
            if name == "pytorch_modules":
                diff = float(np.abs(got["p"] - torch_out[k]).max())
                if diff > 1e-5:
                    raise SystemExit("pytorch_modules: onnxruntime and PyTorch differ by %g" % diff)
            written.append((list(feeds.items()), [(o, got[o]) for o in outs]))
        note = ver + (", cross-checked with PyTorch %s" % tv if name == "pytorch_modules" else "")
        write_case(root, name, m, written[0][0], written[0][1], {"reference.txt": note + "\n"},
                   more_sets=written[1:])
        print("%s: %d data sets (%s)" % (name, len(sets), note))
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
