#!/usr/bin/python3
"""Loops that carry tensor sequences (and carried values that alias one another), against
onnxruntime: the cases where a Loop may hand a sequence over instead of copying it, and the
cases where it must not.

  append          TorchScript's loop over time: SequenceInsert at the end of the carried
                  sequence, ConcatFromSequence after; a carried tensor passed through an
                  Identity and one passed straight through (the body's output is its input)
  insert_middle   SequenceInsert at i // 2 and at 0, SequenceErase of the last item
  erase_middle    two inserts, then SequenceErase at SequenceLength // 2
  at_then_insert  SequenceAt(seq, -1) feeds the step, then the insert (the insert is the old
                  sequence's last reader); the step is also a scan output
  read_old_after  the insert, then SequenceLength and SequenceAt of the old sequence (the insert
                  is not its last reader), both as scan outputs
  old_carried     the old sequence is also carried out, straight and through an Identity read
                  after the insert
  swap            two carried tensors and two carried sequences swap places every iteration
                  (straight through); a Scan whose two states swap
  nested          an outer Loop whose body runs an inner Loop on the carried sequence

Each case has data sets for several trip counts, including 0. The references are onnxruntime's
(npm onnxruntime-node, CPU), cross-checked with a Python simulation in NumPy.

    cd tests/gen && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-package-lock
    /usr/bin/python3 tests/gen/make_loop_seq_cases.py [OUT_DIR]   (default tests/data/loop_seq)
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
from make_control_cases import run_ort  # noqa: E402
from onnx_case import write_case  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "data", "loop_seq")
F, I64, BOOL = TensorProto.FLOAT, TensorProto.INT64, TensorProto.BOOL
X = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -3.0]], np.float32)
TRIPS = (5, 1, 0)


def node(op, ins, outs, **kw):
    return helper.make_node(op, ins, outs, **kw)


def t(name, elem=F, shape=(2, 3)):
    return helper.make_tensor_value_info(name, elem, shape)


def sq(name):
    return helper.make_tensor_sequence_value_info(name, F, None)


def const(name, v):
    a = np.asarray(v)
    return node("Constant", [], [name], value=onnx.numpy_helper.from_array(a, name))


def step(prefix="b_"):
    """y = x + float(i) in a body whose iteration number is i."""
    return [node("Cast", ["i"], [prefix + "fi"], to=F), node("Add", ["x", prefix + "fi"], ["y"])]


def body(nodes, carried_in, outs):
    return helper.make_graph(nodes + [node("Identity", ["c"], ["c_out"])], "body",
                             [t("i", I64, []), t("c", BOOL, [])] + carried_in,
                             [t("c_out", BOOL, [])] + outs)


def model(nodes, outputs, extra_inputs=()):
    g = helper.make_graph(nodes, "loop_seq", [t("n", I64, []), t("x", F, [2, 3])] +
                          list(extra_inputs), outputs)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 16)])
    onnx.checker.check_model(m)
    return m


def concat(seq):
    return np.concatenate(seq, 0) if seq else np.zeros((0, 3), np.float32)


# ---- the cases: (model, function n -> {output: array}) ----
def append():
    b = body(step() + [node("SequenceInsert", ["s", "y"], ["s2"]),
                       node("Identity", ["tt"], ["tt2"])],
             [sq("s"), t("tt"), t("u")], [sq("s2"), t("tt2"), t("u")])
    m = model([node("SequenceConstruct", ["x"], ["s0"]), node("Neg", ["x"], ["t0"]),
               node("Add", ["x", "x"], ["u0"]),
               node("Loop", ["n", "", "s0", "t0", "u0"], ["S", "T", "U"], body=b),
               node("ConcatFromSequence", ["S"], ["Y"], axis=0),
               node("SequenceLength", ["S"], ["L"])],
              [t("Y", F, ["m", 3]), t("L", I64, []), t("T"), t("U")])

    def ref(n):
        s = [X] + [X + i for i in range(n)]
        return {"Y": concat(s), "L": np.array(len(s), np.int64), "T": -X, "U": X + X}
    return m, ref


def insert_middle():
    b = body(step() + [node("Div", ["i", "two"], ["h"]),
                       node("SequenceInsert", ["s", "y", "h"], ["s1"]),
                       node("Neg", ["y"], ["ny"]),
                       node("SequenceInsert", ["s1", "ny", "zero"], ["s2"]),
                       node("SequenceErase", ["s2", "last"], ["s3"])],
             [sq("s")], [sq("s3")])
    m = model([const("two", np.array(2, np.int64)), const("zero", np.array(0, np.int64)),
               const("last", np.array(-1, np.int64)),
               node("SequenceConstruct", ["x", "x"], ["s0"]),
               node("Loop", ["n", "", "s0"], ["S"], body=b),
               node("ConcatFromSequence", ["S"], ["Y"], axis=0)], [t("Y", F, ["m", 3])])

    def ref(n):
        s = [X, X]
        for i in range(n):
            y = X + i
            s.insert(i // 2, y)
            s.insert(0, -y)
            s.pop()
        return {"Y": concat(s)}
    return m, ref


def erase_middle():
    b = body(step() + [node("SequenceInsert", ["s", "y"], ["s1"]),
                       node("Add", ["y", "y"], ["y2"]),
                       node("SequenceInsert", ["s1", "y2"], ["s2"]),
                       node("SequenceLength", ["s2"], ["len"]),
                       node("Div", ["len", "two"], ["mid"]),
                       node("SequenceErase", ["s2", "mid"], ["s3"])],
             [sq("s")], [sq("s3")])
    m = model([const("two", np.array(2, np.int64)), node("SequenceConstruct", ["x"], ["s0"]),
               node("Loop", ["n", "", "s0"], ["S"], body=b),
               node("ConcatFromSequence", ["S"], ["Y"], axis=0)], [t("Y", F, ["m", 3])])

    def ref(n):
        s = [X]
        for i in range(n):
            y = X + i
            s += [y, y + y]
            del s[len(s) // 2]
        return {"Y": concat(s)}
    return m, ref


def at_then_insert():
    b = body([node("SequenceAt", ["s", "last"], ["prev"]), node("Cast", ["i"], ["fi"], to=F),
              node("Mul", ["prev", "half"], ["p2"]), node("Add", ["p2", "fi"], ["y"]),
              node("SequenceInsert", ["s", "y"], ["s2"]), node("Identity", ["y"], ["ys"])],
             [sq("s")], [sq("s2"), t("ys")])
    m = model([const("last", np.array(-1, np.int64)), const("half", np.float32(0.5)),
               node("SequenceConstruct", ["x"], ["s0"]),
               node("Loop", ["n", "", "s0"], ["S", "YS"], body=b),
               node("ConcatFromSequence", ["S"], ["Y"], axis=0)], [t("Y", F, ["m", 3]), t("YS", F, ["n", 2, 3])])

    def ref(n):
        s = [X]
        for i in range(n):
            s.append(s[-1] * np.float32(0.5) + np.float32(i))
        return {"Y": concat(s), "YS": np.stack(s[1:]) if n else np.zeros((0, 2, 3), np.float32)}
    return m, ref


def read_old_after():
    b = body(step() + [node("SequenceInsert", ["s", "y"], ["s2"]),
                       node("SequenceLength", ["s"], ["len_old"]),
                       node("SequenceAt", ["s", "last"], ["last_old"])],
             [sq("s")], [sq("s2"), t("len_old", I64, []), t("last_old")])
    m = model([const("last", np.array(-1, np.int64)), node("SequenceConstruct", ["x"], ["s0"]),
               node("Loop", ["n", "", "s0"], ["S", "LEN", "LAST"], body=b),
               node("ConcatFromSequence", ["S"], ["Y"], axis=0)],
              [t("Y", F, ["m", 3]), t("LEN", I64, ["n"]), t("LAST", F, ["n", 2, 3])])

    def ref(n):
        s, lens, lasts = [X], [], []
        for i in range(n):
            lens.append(len(s))
            lasts.append(s[-1])
            s.append(X + i)
        return {"Y": concat(s), "LEN": np.array(lens, np.int64).reshape(n),
                "LAST": np.stack(lasts) if n else np.zeros((0, 2, 3), np.float32)}
    return m, ref


def old_carried():
    b = body(step() + [node("SequenceInsert", ["a", "y"], ["a2"]),
                       node("Identity", ["a"], ["c2"])],
             [sq("a"), sq("b"), sq("cc")], [sq("a2"), sq("a"), sq("c2")])
    m = model([node("SequenceConstruct", ["x"], ["s0"]), node("Neg", ["x"], ["nx"]),
               node("SequenceConstruct", ["nx"], ["b0"]),
               node("SequenceConstruct", ["nx", "nx"], ["c0"]),
               node("Loop", ["n", "", "s0", "b0", "c0"], ["A", "B", "C"], body=b),
               node("ConcatFromSequence", ["A"], ["YA"], axis=0),
               node("ConcatFromSequence", ["B"], ["YB"], axis=0),
               node("ConcatFromSequence", ["C"], ["YC"], axis=0)], [t("YA", F, ["m", 3]), t("YB", F, ["m", 3]), t("YC", F, ["m", 3])])

    def ref(n):
        a, bb, c = [X], [-X], [-X, -X]
        for i in range(n):
            a, bb, c = a + [X + i], list(a), list(a)
        return {"YA": concat(a), "YB": concat(bb), "YC": concat(c)}
    return m, ref


def swap():
    b = body(step() + [node("SequenceInsert", ["r", "y"], ["r2"])],
             [t("p"), t("q"), sq("r"), sq("s")], [t("q"), t("p"), sq("s"), sq("r2")])
    m = model([node("Neg", ["x"], ["nx"]), node("SequenceConstruct", ["x"], ["r0"]),
               node("SequenceConstruct", ["nx", "x"], ["s0"]),
               node("Loop", ["n", "", "x", "nx", "r0", "s0"], ["P", "Q", "R", "S"], body=b),
               node("ConcatFromSequence", ["R"], ["YR"], axis=0),
               node("ConcatFromSequence", ["S"], ["YS"], axis=0)],
              [t("P"), t("Q"), t("YR", F, ["m", 3]), t("YS", F, ["m", 3])])

    def ref(n):
        p, q, r, s = X, -X, [X], [-X, X]
        for i in range(n):
            p, q, r, s = q, p, s, r + [X + i]
        return {"P": p, "Q": q, "YR": concat(r), "YS": concat(s)}
    return m, ref


def scan_swap():
    """A Scan whose two states swap (straight through) at each of the 3 rows of its input.
    onnxruntime 1.30 gives zeros for SA here: the reference is the NumPy simulation alone."""
    sb = helper.make_graph([node("Add", ["sa", "e"], ["e2"])], "scan_body",
                           [t("sa"), t("sb"), t("e", F, [3])], [t("sb"), t("sa"), t("e2")])
    rows = np.arange(9, dtype=np.float32).reshape(3, 3)
    m = model([const("rows", rows), node("Neg", ["x"], ["nx"]),
               node("Scan", ["x", "nx", "rows"], ["SA", "SB", "SE"], body=sb,
                    num_scan_inputs=1)],
              [t("SA"), t("SB"), t("SE", F, [3, 2, 3])])

    def ref(n):
        sa, sbv, se = X, -X, []
        for row in rows:
            se.append(sa + row)
            sa, sbv = sbv, sa
        return {"SA": sa, "SB": sbv, "SE": np.stack(se)}
    return m, ref


def nested():
    inner = helper.make_graph(
        [node("Cast", ["j"], ["fj"], to=F), node("Mul", ["x", "fj"], ["z"]),
         node("Add", ["z", "ofs"], ["z2"]), node("SequenceInsert", ["w", "z2"], ["w2"]),
         node("Identity", ["d"], ["d_out"])],
        "inner", [t("j", I64, []), t("d", BOOL, []), sq("w")], [t("d_out", BOOL, []), sq("w2")])
    b = body([node("Cast", ["i"], ["ofs"], to=F),
              node("Loop", ["three", "", "s"], ["s2"], body=inner)], [sq("s")], [sq("s2")])
    m = model([const("three", np.array(3, np.int64)), node("SequenceConstruct", ["x"], ["s0"]),
               node("Loop", ["n", "", "s0"], ["S"], body=b),
               node("ConcatFromSequence", ["S"], ["Y"], axis=0)], [t("Y", F, ["m", 3])])

    def ref(n):
        s = [X]
        for i in range(n):
            for j in range(3):
                s.append(X * np.float32(j) + np.float32(i))
        return {"Y": concat(s)}
    return m, ref


CASES = [("append", append), ("insert_middle", insert_middle), ("erase_middle", erase_middle),
         ("at_then_insert", at_then_insert), ("read_old_after", read_old_after),
         ("old_carried", old_carried), ("swap", swap), ("nested", nested),
         ("scan_swap", scan_swap)]


NUMPY_ONLY = {"scan_swap": "onnxruntime 1.30 gives zeros for SA (states swapped straight "
                           "through the body)"}


def main():
    root = os.path.abspath(OUT)
    shutil.rmtree(root, ignore_errors=True)
    work = tempfile.mkdtemp()
    for name, make in CASES:
        m, ref = make()
        outs = [o.name for o in m.graph.output]
        written = []
        for k, n in enumerate(TRIPS):
            feeds = {"n": np.array(n, np.int64), "x": X}
            want = ref(n)
            types = {o: want[o].dtype.type for o in outs}
            got, ver = run_ort(work, "%s_%d" % (name, k), m, feeds, types)
            if name in NUMPY_ONLY:
                got, ver = {o: np.asarray(want[o]) for o in outs}, "NumPy"
            for o in outs:
                w = np.asarray(want[o])
                if got[o].shape != w.shape or not np.allclose(got[o], w, rtol=1e-6, atol=1e-6):
                    raise SystemExit("%s n=%d: onnxruntime and NumPy differ on %s:\n%s\n%s" %
                                     (name, n, o, got[o], w))
            written.append((list(feeds.items()), [(o, got[o]) for o in outs]))
        note = ("NumPy; %s" % NUMPY_ONLY[name] if name in NUMPY_ONLY else
                "%s, cross-checked with NumPy; trip counts %s" % (ver, ", ".join(map(str, TRIPS))))
        write_case(root, name, m, written[0][0], written[0][1], {"reference.txt": note + "\n"},
                   more_sets=written[1:])
        print("%s: %d data sets (%s)" % (name, len(TRIPS), ver))
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
