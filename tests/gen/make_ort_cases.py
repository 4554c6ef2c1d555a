#!/usr/bin/python3
"""Reference cases for LSTM / GRU / RNN beyond what PyTorch exports: every activation in every
slot with and without alpha/beta, clip, input_forget, peepholes, reverse, bidirectional with
different activations per direction, ragged sequence_lens (0 and T included), GRU
linear_before_reset 0/1, optional inputs and outputs absent via "", hidden_size absent,
layout=1, weights as initializers or inputs, float16, bfloat16 and float64 (every activation, the
attributes and layouts again, computed in double: tolerance.txt asks for 1e-9).

Expected outputs come from onnxruntime (npm onnxruntime-node, CPU), each cross-checked against
the independent float64 NumPy oracle rnn_ref.py. Where onnxruntime cannot be the oracle the case
says so in reference.txt and the NumPy oracle provides the outputs:
  - layout=1 (onnxruntime refuses it): onnxruntime runs the layout=0 model on transposed inputs
    and its outputs are transposed back (checked against the oracle run with layout=1);
  - hidden_size absent (onnxruntime requires it): onnxruntime runs the same model with it;
  - Affine / ThresholdedRelu / ScaledTanh without alpha/beta: onnxruntime uses 0 where the
    spec's operator defaults are 1.0 (Affine beta 0.0): the oracle gives the expected values;
  - float16 / bfloat16: no onnxruntime CPU kernel; the oracle on the rounded inputs;
  - float64: onnxruntime 1.30 has no float64 LSTM / GRU / RNN kernel (it loads the model and
    refuses to run it): the oracle gives the expected values, cross-checked against onnxruntime's
    float32 kernel on the inputs rounded to float32 (same attributes, float32 tolerance).

    cd tests/gen && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-package-lock
    /usr/bin/python3 tests/gen/make_ort_cases.py [OUT_DIR]     (default tests/data/ort)
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

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "data", "ort")
GATES = {"LSTM": 4, "GRU": 3, "RNN": 1}
PER = {"LSTM": 3, "GRU": 2, "RNN": 1}
FUNCS = ["Relu", "Tanh", "Sigmoid", "Affine", "LeakyRelu", "ThresholdedRelu", "ScaledTanh",
         "HardSigmoid", "Elu", "Softsign", "Softplus"]
PARAMS = {"Affine": ([0.6], [0.2]), "LeakyRelu": ([0.2], []), "ThresholdedRelu": ([0.4], []),
          "ScaledTanh": ([1.3], [0.7]), "HardSigmoid": ([0.3], [0.6]), "Elu": ([0.8], [])}
ORT_DEFAULTS_DIFFER = {"Affine", "ThresholdedRelu", "ScaledTanh"}
DEFAULT_ACTS = {"LSTM": ["Sigmoid", "Tanh", "Tanh"], "GRU": ["Sigmoid", "Tanh"], "RNN": ["Tanh"]}
IN_NAMES = ["X", "W", "R", "B", "sequence_lens", "initial_h", "initial_c", "P"]
OUT_NAMES = ["Y", "Y_h", "Y_c"]


def make_inputs(rng, op, T, B, I, H, D, want):
    G = GATES[op]
    x = rng.standard_normal((T, B, I)) * 2.0
    x[0, 0, 0], x[T - 1, B - 1, I - 1] = 12.0, -15.0  # saturating
    scale = np.array([1.0, 1.6])[:D].reshape(D, 1, 1)  # directions differ
    v = {"X": x,
         "W": rng.standard_normal((D, G * H, I)) * 0.4 * scale,
         "R": rng.standard_normal((D, G * H, H)) * 0.4 * scale,
         "B": rng.standard_normal((D, 2 * G * H)) * 0.3,
         "initial_h": rng.standard_normal((D, B, H)) * 0.5,
         "initial_c": rng.standard_normal((D, B, H)) * 0.5,
         "P": rng.standard_normal((D, 3 * H)) * 0.5}
    return {k: a.astype(np.float32) for k, a in v.items() if k in want}


class Case:
    def __init__(self, name, op, inputs=("X", "W", "R", "B"), outputs=("Y", "Y_h"), T=4, B=3,
                 I=5, H=6, seq=None, layout=0, dtype="float32", weights_init=False,
                 omit_hidden=False, **attrs):
        self.name, self.op, self.T, self.B, self.I, self.H = name, op, T, B, I, H
        self.inputs, self.outputs, self.seq, self.layout = list(inputs), list(outputs), seq, layout
        self.dtype, self.weights_init, self.omit_hidden, self.attrs = dtype, weights_init, omit_hidden, attrs
        self.ort = True
        self.why_not_ort = None


def node_for(c, layout, with_hidden):
    ins = []
    last = max(IN_NAMES.index(n) for n in c.inputs + (["sequence_lens"] if c.seq is not None else []))
    for n in IN_NAMES[:last + 1]:
        present = n in c.inputs or (n == "sequence_lens" and c.seq is not None)
        ins.append(n if present else "")
    outs_last = max(OUT_NAMES.index(n) for n in c.outputs)
    outs = [n if n in c.outputs else "" for n in OUT_NAMES[:outs_last + 1]]
    attrs = dict(c.attrs)
    if with_hidden:
        attrs["hidden_size"] = c.H
    if layout:
        attrs["layout"] = layout
    return helper.make_node(c.op, ins, outs, name=c.name, **attrs)


def elem_type(dtype):
    return {"float32": TensorProto.FLOAT, "float16": TensorProto.FLOAT16,
            "bfloat16": TensorProto.BFLOAT16, "float64": TensorProto.DOUBLE}[dtype]


def to_tensor(name, a, dtype):
    """numpy array -> TensorProto of the case's float type (bfloat16 by rounding bits)."""
    if a.dtype == np.int32:
        return numpy_helper.from_array(np.ascontiguousarray(a), name)
    if dtype in ("float32", "float64"):
        return numpy_helper.from_array(np.ascontiguousarray(a.astype(dtype)), name)
    if dtype == "float16":
        return numpy_helper.from_array(np.ascontiguousarray(a.astype(np.float16)), name)
    bits = np.ascontiguousarray(a.astype(np.float32)).view(np.uint32)
    bits = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)
    t = TensorProto()
    t.name, t.data_type = name, TensorProto.BFLOAT16
    t.dims.extend(a.shape)
    t.raw_data = bits.tobytes()
    return t


def round_like(a, dtype):
    """The value a float16/bfloat16 tensor really holds."""
    if dtype == "float16":
        return a.astype(np.float16).astype(np.float64)
    if dtype == "bfloat16":
        bits = np.ascontiguousarray(a.astype(np.float32)).view(np.uint32)
        bits = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16) << 16
        return bits.astype(np.uint32).view(np.float32).astype(np.float64)
    return a


def build_model(c, feeds, layout, with_hidden, dtype):
    node = node_for(c, layout, with_hidden)
    et = elem_type(dtype)
    graph_inputs, inits = [], []
    for n in node.input:
        if not n:
            continue
        a = feeds[n]
        et_n = TensorProto.INT32 if n == "sequence_lens" else et
        if c.weights_init and n in ("W", "R", "B", "P"):
            inits.append(to_tensor(n, a, dtype))
        else:
            graph_inputs.append(helper.make_tensor_value_info(n, et_n, list(a.shape)))
    D = 2 if c.attrs.get("direction") == "bidirectional" else 1
    shapes = {"Y": [c.B, c.T, D, c.H] if layout else [c.T, D, c.B, c.H],
              "Y_h": [c.B, D, c.H] if layout else [D, c.B, c.H]}
    shapes["Y_c"] = shapes["Y_h"]
    outputs = [helper.make_tensor_value_info(n, et, shapes[n]) for n in node.output if n]
    g = helper.make_graph([node], c.name, graph_inputs, outputs, initializer=inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 14)], producer_name="tests/gen")
    m.ir_version = 7
    return m


def oracle(c, v):
    a = {k: round_like(x.astype(np.float64), c.dtype) if k != "sequence_lens" else x for k, x in v.items()}
    attrs = dict(c.attrs)
    # The model holds float attributes: the oracle takes their float32 values.
    f32 = lambda xs: None if xs is None else [float(np.float32(x)) for x in xs]  # noqa: E731
    attrs["alpha"] = f32(attrs.pop("activation_alpha", None))
    attrs["beta"] = f32(attrs.pop("activation_beta", None))
    if "clip" in attrs:
        attrs["clip"] = float(np.float32(attrs["clip"]))
    return rnn_ref.run(c.op, a["X"], a["W"], a["R"], B=a.get("B"), seq=a.get("sequence_lens"),
                       h0=a.get("initial_h"), c0=a.get("initial_c"), P=a.get("P"),
                       layout=c.layout, hidden_size=c.H, **attrs)


def cases():
    out, f64 = [], []
    # Every activation in every slot, with and without alpha/beta.
    for op in ("LSTM", "GRU", "RNN"):
        for slot in range(PER[op]):
            for fn in FUNCS:
                for with_params in ((False, True) if fn in PARAMS else (False,)):
                    acts = list(DEFAULT_ACTS[op])
                    acts[slot] = fn if op == "RNN" else fn.lower() if slot == 1 else fn
                    attrs = {"activations": acts}
                    if with_params:
                        attrs["activation_alpha"], attrs["activation_beta"] = PARAMS[fn]
                        if not attrs["activation_beta"]:
                            del attrs["activation_beta"]
                    c = Case("%s_act%d_%s%s" % (op.lower(), slot, fn.lower(), "_ab" if with_params else ""),
                             op, inputs=("X", "W", "R", "B", "initial_h"), **attrs)
                    if fn in ORT_DEFAULTS_DIFFER and not with_params:
                        c.ort, c.why_not_ort = False, "onnxruntime uses alpha/beta 0 for %s when absent" % fn
                    out.append(c)
    # Alpha/beta consumed in order by the functions that take them (LSTM: LeakyRelu, HardSigmoid).
    out.append(Case("lstm_alpha_beta_order", "LSTM", activations=["LeakyRelu", "Tanh", "HardSigmoid"],
                    activation_alpha=[0.1, 0.3], activation_beta=[0.7]))
    out.append(Case("lstm_alpha_short_list", "LSTM", activations=["LeakyRelu", "Tanh", "HardSigmoid"],
                    activation_alpha=[0.1]))
    bidi_acts = {"LSTM": ["Sigmoid", "Tanh", "Tanh", "HardSigmoid", "Softsign", "Elu"],
                 "GRU": ["Sigmoid", "Tanh", "HardSigmoid", "Softsign"], "RNN": ["Tanh", "Relu"]}
    for op in ("LSTM", "GRU", "RNN"):
        lo = op.lower()
        st = ("X", "W", "R", "B", "initial_h", "initial_c") if op == "LSTM" else ("X", "W", "R", "B", "initial_h")
        out += [
            Case(lo + "_clip", op, clip=0.5),
            Case(lo + "_reverse", op, direction="reverse", inputs=st),
            Case(lo + "_bidi", op, direction="bidirectional", inputs=st, weights_init=True),
            Case(lo + "_bidi_acts", op, direction="bidirectional", activations=bidi_acts[op]),
            Case(lo + "_seq_fwd", op, inputs=st, B=4, seq=[4, 1, 0, 3]),
            Case(lo + "_seq_rev", op, inputs=st, B=4, seq=[4, 1, 0, 3], direction="reverse"),
            Case(lo + "_seq_bidi", op, inputs=st, B=4, seq=[2, 4, 0, 1], direction="bidirectional"),
            Case(lo + "_seq_all_T", op, inputs=st, seq=[4, 4, 4]),
            Case(lo + "_seq_all_0", op, inputs=st, seq=[0, 0, 0], direction="bidirectional"),
            Case(lo + "_seq_short_max", op, inputs=st, T=5, seq=[3, 2, 1], weights_init=True),
            Case(lo + "_no_hidden_size", op, omit_hidden=True),
            Case(lo + "_weights_init", op, weights_init=True, inputs=st),
            Case(lo + "_T1_B1", op, T=1, B=1, I=1, H=1),
            Case(lo + "_odd_sizes", op, T=7, B=5, I=13, H=17, direction="bidirectional"),
            Case(lo + "_long", op, T=120, B=2, I=8, H=16),
            Case(lo + "_layout1", op, layout=1, inputs=st),
            Case(lo + "_layout1_rev", op, layout=1, inputs=st, direction="reverse"),
            Case(lo + "_layout1_bidi_seq", op, layout=1, inputs=st, direction="bidirectional", B=4, seq=[4, 0, 2, 3]),
            Case(lo + "_layout1_no_state", op, layout=1),
            Case(lo + "_only_Y_h", op, outputs=("Y_h",)),
            Case(lo + "_only_Y", op, outputs=("Y",), inputs=st),
            Case(lo + "_no_bias_with_seq", op, inputs=st[:3] + st[4:], seq=[4, 2, 3]),
            Case(lo + "_fp16", op, inputs=st, dtype="float16", seq=[4, 2, 3]),
            Case(lo + "_bf16", op, inputs=st, dtype="bfloat16"),
        ]
        f64.append(Case(lo + "_f64", op, inputs=st, dtype="float64", seq=[4, 2, 3]))
        f64.append(Case(lo + "_f64_bidi_acts_clip", op, inputs=st, dtype="float64", B=4,
                        seq=[3, 0, 4, 1], direction="bidirectional", activations=bidi_acts[op],
                        clip=0.9))
        f64.append(Case(lo + "_f64_layout1_rev", op, inputs=st, dtype="float64", layout=1,
                        direction="reverse", weights_init=True))
        f64.append(Case(lo + "_f64_long", op, dtype="float64", T=120, B=2, I=8, H=16))
        # Every activation function in double (the first slot; LSTM's h and GRU's g below).
        for fn in FUNCS:
            acts = list(DEFAULT_ACTS[op])
            acts[0] = fn
            extra = {}
            if fn in PARAMS:
                extra["activation_alpha"], extra["activation_beta"] = PARAMS[fn]
                if not extra["activation_beta"]:
                    del extra["activation_beta"]
            f64.append(Case("%s_f64_act0_%s" % (lo, fn.lower()), op, dtype="float64",
                            inputs=("X", "W", "R", "B", "initial_h"), activations=acts, **extra))
    lstm_all = ("X", "W", "R", "B", "initial_h", "initial_c", "P")
    out += [
        Case("lstm_peephole", "LSTM", inputs=lstm_all),
        Case("lstm_peephole_no_bias", "LSTM", inputs=("X", "W", "R", "initial_h", "initial_c", "P")),
        Case("lstm_peephole_bidi_seq", "LSTM", inputs=lstm_all, direction="bidirectional", B=4, seq=[4, 0, 1, 3]),
        Case("lstm_peephole_clip", "LSTM", inputs=lstm_all, clip=0.7),
        Case("lstm_input_forget", "LSTM", input_forget=1),
        Case("lstm_input_forget_peephole", "LSTM", inputs=lstm_all, input_forget=1),
        Case("lstm_only_Y_c", "LSTM", outputs=("Y_c",), inputs=lstm_all),
        Case("lstm_Y_h_Y_c", "LSTM", outputs=("Y_h", "Y_c"), inputs=lstm_all, seq=[4, 1, 3]),
        Case("lstm_c0_only", "LSTM", inputs=("X", "W", "R", "B", "initial_c")),
        Case("lstm_layout1_peephole_seq", "LSTM", layout=1, inputs=lstm_all, B=4, seq=[1, 4, 0, 2]),
        Case("gru_lbr1", "GRU", linear_before_reset=1, inputs=("X", "W", "R", "B", "initial_h")),
        Case("gru_lbr1_bidi_seq", "GRU", linear_before_reset=1, direction="bidirectional",
             inputs=("X", "W", "R", "B", "initial_h"), B=4, seq=[3, 0, 4, 1]),
        Case("gru_lbr1_clip", "GRU", linear_before_reset=1, clip=0.6),
        Case("gru_lbr1_hardsigmoid", "GRU", linear_before_reset=1, activations=["HardSigmoid", "Tanh"]),
        Case("gru_lbr1_layout1", "GRU", linear_before_reset=1, layout=1, inputs=("X", "W", "R", "B", "initial_h")),
        Case("rnn_relu_bidi", "RNN", direction="bidirectional", activations=["Relu", "Relu"]),
        Case("rnn_leakyrelu_bidi", "RNN", direction="bidirectional", activations=["LeakyRelu", "LeakyRelu"],
             activation_alpha=[0.1, 0.25]),
        # Large enough for two threads to share each step by units (rnn_cells.c): H = 260 and
        # 292 are no whole number of panels for any kernel set (each gate padded), H = 96 is
        # for all.
        Case("lstm_units_peephole_seq", "LSTM", inputs=lstm_all, T=4, B=4, I=9, H=260,
             seq=[4, 0, 3, 1], outputs=("Y", "Y_h", "Y_c")),
        Case("lstm_units_forget_clip", "LSTM", inputs=lstm_all, T=5, B=7, I=9, H=96,
             input_forget=1, clip=0.8, outputs=("Y", "Y_h", "Y_c")),
        Case("gru_units_lbr1_seq", "GRU", linear_before_reset=1, inputs=("X", "W", "R", "B", "initial_h"),
             T=4, B=4, I=9, H=292, seq=[4, 2, 0, 3]),
        Case("gru_units_lbr1_clip", "GRU", linear_before_reset=1, inputs=("X", "W", "R", "B", "initial_h"),
             T=5, B=10, I=9, H=96, clip=0.9),
    ]
    f64 += [
        Case("lstm_f64_peephole_forget_seq", "LSTM", inputs=lstm_all, dtype="float64", B=4,
             seq=[4, 0, 1, 3], input_forget=1, outputs=("Y", "Y_h", "Y_c")),
        Case("lstm_f64_peephole_bidi", "LSTM", inputs=lstm_all, dtype="float64",
             direction="bidirectional", outputs=("Y", "Y_h", "Y_c")),
        Case("lstm_f64_act2_softplus", "LSTM", dtype="float64", activations=["Sigmoid", "Tanh", "Softplus"]),
        Case("gru_f64_act1_hardsigmoid", "GRU", dtype="float64", activations=["Sigmoid", "HardSigmoid"],
             activation_alpha=[0.3], activation_beta=[0.6]),
        Case("gru_f64_lbr1_seq", "GRU", linear_before_reset=1, dtype="float64",
             inputs=("X", "W", "R", "B", "initial_h"), B=4, seq=[3, 0, 4, 1]),
        Case("gru_f64_lbr1_bidi_layout1", "GRU", linear_before_reset=1, dtype="float64", layout=1,
             direction="bidirectional", inputs=("X", "W", "R", "B", "initial_h")),
    ]
    out += f64  # last: the cases before keep their random inputs
    for c in out:
        if c.layout:
            c.why_not_ort = "layout=1: onnxruntime ran the layout=0 model on transposed inputs"
        if c.omit_hidden:
            c.why_not_ort = "hidden_size absent: onnxruntime ran the model with it"
        if c.dtype in ("float16", "bfloat16"):
            c.ort, c.why_not_ort = False, "%s: onnxruntime has no CPU kernel" % c.dtype
        if c.op == "RNN" and c.name == "rnn_leakyrelu_bidi":
            pass  # onnxruntime indexes RNN alpha by direction: the same numbers here
    return out


def main():
    root = os.path.abspath(OUT)
    shutil.rmtree(root, ignore_errors=True)
    rng = np.random.default_rng(20261126)
    work = tempfile.mkdtemp()
    jobs, pending = [], []
    for c in cases():
        D = 2 if c.attrs.get("direction") == "bidirectional" else 1
        v = make_inputs(rng, c.op, c.T, c.B, c.I, c.H, D, set(c.inputs))
        if c.dtype == "float64":  # values float32 cannot hold
            v = {k: a.astype(np.float64) * (1 + 1e-3 * rng.standard_normal(a.shape)) for k, a in v.items()}
        if c.seq is not None:
            v["sequence_lens"] = np.array(c.seq, np.int32)
        feeds = dict(v)
        if c.layout:  # the model under test sees batch-major X / initial states
            for k in ("X", "initial_h", "initial_c"):
                if k in feeds:
                    feeds[k] = np.ascontiguousarray(feeds[k].transpose(1, 0, 2))
        model = build_model(c, feeds, c.layout, not c.omit_hidden, c.dtype)
        onnx.checker.check_model(model)
        ref = oracle(c, feeds)
        pending.append((c, feeds, model, ref))
        if c.ort:
            ort_model = build_model(c, v, 0, True, "float32")  # layout 0, hidden_size given
            d = os.path.join(work, c.name)
            os.makedirs(d)
            onnx.save(ort_model, os.path.join(d, "model.onnx"))
            fl = []
            for n in ort_model.graph.input:
                fn = os.path.join(d, n.name + ".bin")
                v[n.name].astype(np.int32 if n.name == "sequence_lens" else np.float32).tofile(fn)
                fl.append({"name": n.name, "dtype": "int32" if n.name == "sequence_lens" else "float32",
                           "dims": list(v[n.name].shape), "file": fn})
            jobs.append({"model": os.path.join(d, "model.onnx"), "feeds": fl, "out_dir": os.path.join(d, "out")})
    with open(os.path.join(work, "jobs.json"), "w") as f:
        json.dump(jobs, f)
    r = subprocess.run(["node", os.path.join(HERE, "ort_run.js"), os.path.join(work, "jobs.json")],
                       cwd=HERE, check=True, capture_output=True, text=True)
    ort_version = r.stdout.strip()
    print(ort_version)
    worst = 0.0
    for c, feeds, model, ref in pending:
        refs = dict(zip(OUT_NAMES, ref))
        expected, note = {}, ""
        if c.ort:
            outdir = os.path.join(work, c.name, "out")
            meta = json.load(open(os.path.join(outdir, "outputs.json")))
            for n in c.outputs:
                a = np.fromfile(os.path.join(outdir, n + ".bin"), np.float32).reshape(meta[n])
                if c.layout:
                    a = a.transpose(2, 0, 1, 3) if n == "Y" else a.transpose(1, 0, 2)
                diff = float(np.max(np.abs(a - refs[n]), initial=0))
                tol = 2e-5 + 2e-5 * float(np.max(np.abs(refs[n]), initial=0)) * (c.T / 4)
                if diff > tol:
                    raise SystemExit("%s: onnxruntime and the NumPy oracle differ on %s by %g" % (c.name, n, diff))
                if diff > 1e-4:
                    print("  %s %s: |onnxruntime - oracle| = %.3g (max |value| %.3g)" % (
                        c.name, n, diff, float(np.max(np.abs(refs[n]), initial=0))))
                worst = max(worst, diff)
                expected[n] = np.ascontiguousarray(a if c.dtype != "float64" else refs[n])
            note = "%s; cross-checked with the NumPy float64 oracle (tests/gen/rnn_ref.py)" % ort_version
            if c.dtype == "float64":
                note = ("NumPy float64 oracle (tests/gen/rnn_ref.py), cross-checked against %s in "
                        "float32 on the inputs rounded to float32 (it has no float64 kernel)" % ort_version)
            if c.why_not_ort:
                note += "; " + c.why_not_ort
        else:
            for n in c.outputs:
                expected[n] = refs[n]
            note = "NumPy float64 oracle (tests/gen/rnn_ref.py): " + c.why_not_ort
        in_pairs = [(gi.name, feeds[gi.name]) for gi in model.graph.input]
        extra = {"reference.txt": note + "\n"}
        if c.dtype == "float64":  # computed in double: float32 arithmetic would miss by ~1e-7
            extra["tolerance.txt"] = "rtol 1e-09 atol 1e-12\n"
        d = write_case(root, c.name, model, [], [], extra)
        ts = os.path.join(d, "test_data_set_0")
        for k, (n, a) in enumerate(in_pairs):
            with open(os.path.join(ts, "input_%d.pb" % k), "wb") as f:
                f.write(to_tensor(n, a, c.dtype).SerializeToString())
        for k, n in enumerate(c.outputs):
            with open(os.path.join(ts, "output_%d.pb" % k), "wb") as f:
                f.write(to_tensor(n, expected[n], c.dtype).SerializeToString())
    shutil.rmtree(work)
    print("%d cases in %s; worst onnxruntime vs NumPy difference %.3g" % (len(pending), root, worst))


if __name__ == "__main__":
    main()
