"""Differential case entries for sequences, optionals and control flow (see make_diff_cases.py
for how to add one). Sequence and optional values are In(..., kind="seq" | "opt" | "opt_seq")
and outputs of those kinds say so in out_kinds; subgraphs are GraphProto attributes."""
import numpy as np
from onnx import TensorProto, helper

from diff_case import ALL, DTYPES, FLOATS, In, op, schema, to_dtype
from diff_io import tensor_proto

F32 = "float32"
I64 = "int64"


def vi(name, dt, shape=None):
    return helper.make_tensor_value_info(name, DTYPES[dt][0], shape)


def seq(name, dt, items, init=False):
    return In(name, dt, list(items), kind="seq")


def pos(name, v, dt=I64, init=True):
    return In(name, dt, np.array(v, DTYPES[dt][1]), init)


def norm(p, n):
    return p + n if p < 0 else p


def body_types(g, ops):
    """The loop types whose bodies' operators (at this opset) take them too."""
    ok = set(g.types("V"))
    for o in ops:
        tcs = {t.type_param_str: t.allowed_type_strs for t in schema(o, g.v).type_constraints}
        ok &= {x for x in g.types("V") if "tensor(%s)" % {"float32": "float", "float64": "double"}.get(x, x)
               in tcs["T"]}
    return [t for t in g.types("V") if t in ok]


def rounder(dt):
    """Each step's result rounded to dt, as the body's tensors are (float16, bfloat16)."""
    return (lambda a: np.asarray(to_dtype(a, dt), np.float64)) if dt in FLOATS else (lambda a: a)


# ---------------------------------------------------------------- sequences
@op("SequenceConstruct", types=ALL, exact=True)
def sequence_construct(g):
    for dt in g.types("T"):
        yield g.case(dt, "two %s tensors of different shapes" % dt, dt,
                     [In("a", dt, g.rand(dt, (2, 3))), In("b", dt, g.rand(dt, (1,)))],
                     out_kinds=["seq"], ref=lambda *xs: list(xs))
    yield g.case("one", "a single tensor", F32, [In("a", F32, g.rand(F32, ()))], out_kinds=["seq"],
                 ref=lambda *xs: list(xs))
    yield g.case("empty_item", "an empty item and an initializer", F32,
                 [In("a", F32, np.zeros((0, 2), np.float32)), In("b", F32, g.rand(F32, (3, 2)), True),
                  In("c", F32, g.rand(F32, (1, 2)))], out_kinds=["seq"], ref=lambda *xs: list(xs))


@op("SequenceEmpty", types=ALL, exact=True)
def sequence_empty(g):
    for dt in g.types("S"):
        yield g.case(dt, "dtype %s" % dt, dt, [], out_types=[dt], out_kinds=["seq"],
                     attrs={"dtype": DTYPES[dt][0]}, ref=lambda: [])
    yield g.case("default", "no dtype: float32", F32, [], out_types=[F32], out_kinds=["seq"], ref=lambda: [])


def insert_ref(p):
    def f(s, t, *r):
        n = len(s)
        k = n if p is None else norm(p, n)
        return s[:k] + [t] + s[k:]
    return f


@op("SequenceInsert", types=ALL, exact=True)
def sequence_insert(g):
    for dt in g.types("T"):
        items = [g.rand(dt, (2,)), g.rand(dt, (3,))]
        yield g.case(dt, "append (no position)", dt, [seq("s", dt, items), In("t", dt, g.rand(dt, (1,)))],
                     out_kinds=["seq"], ref=insert_ref(None))
    items = [g.rand(F32, (2, 2)), g.rand(F32, (1, 2)), g.rand(F32, (3, 2))]
    for p, pt in ((0, I64), (1, I64), (-1, I64), (-3, I64), (3, I64), (2, "int32")):
        yield g.case("pos%d_%s" % (p, pt), "%s position %d into 3 items" % (pt, p), F32,
                     [seq("s", F32, items), In("t", F32, g.rand(F32, (2, 2))), pos("p", p, pt)],
                     out_kinds=["seq"], ref=insert_ref(p))
    yield g.case("into_empty", "into an empty sequence", F32, [seq("s", F32, []), In("t", F32, g.rand(F32, (2,)))],
                 out_kinds=["seq"], ref=insert_ref(None))
    yield g.case("into_empty_pos0", "into an empty sequence at position 0 (a graph input)", F32,
                 [seq("s", F32, []), In("t", F32, g.rand(F32, ())), pos("p", 0, I64, False)],
                 out_kinds=["seq"], ref=insert_ref(0))


@op("SequenceAt", types=ALL, exact=True)
def sequence_at(g):
    for dt in g.types("T"):
        items = [g.rand(dt, (2,)), g.rand(dt, (1, 3))]
        yield g.case(dt, "item 1 of 2", dt, [seq("s", dt, items), pos("p", 1)], out_types=[dt],
                     ref=lambda s, p: s[1])
    items = [g.rand(F32, (2,)), g.rand(F32, (3,)), np.zeros((0,), np.float32)]
    for p, pt in ((0, I64), (2, I64), (-1, I64), (-3, I64), (1, "int32")):
        yield g.case("pos%d_%s" % (p, pt), "%s position %d of 3" % (pt, p), F32,
                     [seq("s", F32, items), pos("p", p, pt, p != 2)], out_types=[F32],
                     ref=lambda s, q, p=p: s[norm(p, len(s))])


@op("SequenceErase", types=ALL, exact=True)
def sequence_erase(g):
    def ref(p):
        return lambda s, *r: [x for k, x in enumerate(s) if k != (len(s) - 1 if p is None else norm(p, len(s)))]
    for dt in g.types("S"):
        items = [g.rand(dt, (2,)), g.rand(dt, (1,))]
        yield g.case(dt, "the last item (no position)", dt, [seq("s", dt, items)], out_kinds=["seq"], ref=ref(None))
    items = [g.rand(F32, (2,)), g.rand(F32, (3,)), g.rand(F32, (1,))]
    for p, pt in ((0, I64), (-2, I64), (1, "int32")):
        yield g.case("pos%d_%s" % (p, pt), "%s position %d of 3" % (pt, p), F32,
                     [seq("s", F32, items), pos("p", p, pt)], out_kinds=["seq"], ref=ref(p))
    yield g.case("to_empty", "the only item", F32, [seq("s", F32, [g.rand(F32, (2,))]), pos("p", 0)],
                 out_kinds=["seq"], ref=ref(0))


@op("SequenceLength", types=ALL, exact=True)
def sequence_length(g):
    for dt in g.types("S"):
        yield g.case(dt, "3 items", dt, [seq("s", dt, [g.rand(dt, (2,)), g.rand(dt, ()), g.rand(dt, (1, 1))])],
                     out_types=[I64], ref=lambda s: np.array(len(s), np.int64))
    yield g.case("empty", "an empty sequence", F32, [seq("s", F32, [])], out_types=[I64],
                 ref=lambda s: np.array(0, np.int64))


@op("ConcatFromSequence", types=ALL, exact=True)
def concat_from_sequence(g):
    for dt in g.types("T"):
        items = [g.rand(dt, (1, 3)), g.rand(dt, (2, 3))]
        yield g.case(dt, "axis 0", dt, [seq("s", dt, items)], out_types=[dt], attrs={"axis": 0},
                     ref=lambda s: np.concatenate(s, 0))
    for axis, shapes in ((0, [(1, 3), (2, 3), (0, 3)]), (-1, [(2, 1), (2, 2)]), (1, [(2, 0), (2, 2)])):
        items = [g.rand(F32, s) for s in shapes]
        yield g.case("axis%d" % axis, "axis %d over %s" % (axis, shapes), F32, [seq("s", F32, items)],
                     out_types=[F32], attrs={"axis": axis}, ref=lambda s, a=axis: np.concatenate(s, a))
    for axis in (0, 2, -1, -3):
        items = [g.rand(F32, (2, 3)) for _ in range(3)]
        yield g.case("new_axis%d" % axis, "new_axis 1 at axis %d" % axis, F32, [seq("s", F32, items)],
                     out_types=[F32], attrs={"axis": axis, "new_axis": 1}, ref=lambda s, a=axis: np.stack(s, a))


def split_ref(axis, split, keepdims):
    def f(x, *r):
        d = x.shape[axis]
        if split is None:
            sizes = [1] * d
        elif np.ndim(split) == 0:
            sizes = [min(split, d - k) for k in range(0, d, split)]
        else:
            sizes = list(split)
        parts = np.split(x, np.cumsum(sizes)[:-1], axis)
        if split is None and not keepdims:
            parts = [np.squeeze(p, axis) for p in parts]
        return parts
    return f


@op("SplitToSequence", types=ALL, exact=True)
def split_to_sequence(g):
    for dt in g.types("T"):
        yield g.case(dt, "no split: chunks of 1 on axis 0", dt, [In("x", dt, g.rand(dt, (3, 2)))],
                     out_kinds=["seq"], ref=split_ref(0, None, 1))
    x = g.rand(F32, (3, 5))
    yield g.case("keepdims0", "no split, keepdims 0", F32, [In("x", F32, x)], out_kinds=["seq"],
                 attrs={"keepdims": 0}, ref=split_ref(0, None, 0))
    yield g.case("scalar_split", "scalar split 2 on a dim of 5 (the last part smaller)", F32,
                 [In("x", F32, x), In("s", I64, np.array(2, np.int64), True)], out_kinds=["seq"],
                 attrs={"axis": 1}, ref=split_ref(1, 2, 1))
    yield g.case("list_split", "split [1, 2] on axis 0", F32, [In("x", F32, x), In("s", I64, g.ints([1, 2]))],
                 out_kinds=["seq"], ref=split_ref(0, [1, 2], 1))
    yield g.case("neg_axis", "axis -1, int32 split [2, 0, 3], keepdims 0 ignored", F32,
                 [In("x", F32, x), In("s", "int32", g.ints([2, 0, 3], "int32"), True)], out_kinds=["seq"],
                 attrs={"axis": -1, "keepdims": 0}, ref=split_ref(-1, [2, 0, 3], 0))
    yield g.case("neg_axis_keep0", "no split on axis -2, keepdims 0", F32, [In("x", F32, g.rand(F32, (2, 2, 1)))],
                 out_kinds=["seq"], attrs={"axis": -2, "keepdims": 0}, ref=split_ref(-2, None, 0))


def body(nodes, ins, outs, inits=()):
    """A subgraph; its constants become Constant nodes (IR 3 would make an initializer a
    subgraph input)."""
    consts = [helper.make_node("Constant", [], [t.name], value=t) for t in inits]
    return helper.make_graph(consts + list(nodes), "body", ins, outs)


@op("SequenceMap", types=["float32", "int64", "int32", "float64"], exact=True)
def sequence_map(g):
    for dt in g.types("V", sweep=True):
        one = tensor_proto("one", dt, np.array(1, DTYPES[dt][1]))
        b = body([helper.make_node("Add", ["x", "one"], ["y"])], [vi("x", dt)], [vi("y", dt)], [one])
        items = [g.rand(dt, (2, 3)), g.rand(dt, (1,)), g.rand(dt, (0, 2))]
        yield g.case(dt, "x + 1 over items of three shapes (one empty)", dt, [seq("s", dt, items)],
                     outputs=["out"], out_kinds=["seq"], attrs={"body": b},
                     ref=lambda s: [x + 1 for x in s])
    b = body([helper.make_node("Mul", ["x", "y"], ["z"])], [vi("x", F32), vi("y", F32)], [vi("z", F32)])
    a_items = [g.rand(F32, (2,)), g.rand(F32, (3, 1))]
    b_items = [g.rand(F32, (2,)), g.rand(F32, (3, 4))]
    yield g.case("zip", "two sequences zipped (broadcast inside the body)", F32,
                 [seq("a", F32, a_items), seq("b", F32, b_items)], outputs=["out"], out_kinds=["seq"],
                 attrs={"body": b}, ref=lambda a, c: [x * y for x, y in zip(a, c)])
    yield g.case("with_tensor", "a sequence and a tensor given to every item", F32,
                 [seq("a", F32, a_items), In("t", F32, g.rand(F32, (1,)))], outputs=["out"], out_kinds=["seq"],
                 attrs={"body": b}, ref=lambda a, t: [x * t for x in a])
    b2 = body([helper.make_node("Neg", ["x"], ["y"]), helper.make_node("Shape", ["x"], ["s"])],
              [vi("x", F32)], [vi("y", F32), vi("s", I64)])
    yield g.case("two_outputs", "two outputs of two types", F32, [seq("a", F32, a_items)], outputs=["o1", "o2"],
                 out_types=[F32, I64], out_kinds=["seq", "seq"], attrs={"body": b2},
                 ref=lambda a: ([-x for x in a], [np.array(x.shape, np.int64) for x in a]))
    neg = body([helper.make_node("Neg", ["x"], ["y"])], [vi("x", F32)], [vi("y", F32)])
    yield g.case("empty", "an empty sequence", F32, [seq("a", F32, [])], outputs=["out"], out_kinds=["seq"],
                 attrs={"body": neg}, ref=lambda a: [])


# ---------------------------------------------------------------- optionals
@op("Optional", types=ALL, exact=True)
def optional(g):
    for dt in g.types("V"):
        yield g.case(dt, "an optional holding a %s tensor" % dt, dt, [In("x", dt, g.rand(dt, (2, 2)))],
                     out_kinds=["opt"], ref=lambda x: x)
    yield g.case("empty", "an empty optional of tensor(float) (type attribute)", F32, [], out_types=[F32],
                 out_kinds=["opt"], attrs={"type": helper.make_tensor_type_proto(TensorProto.FLOAT, None)},
                 ref=lambda: None)
    yield g.case("of_seq", "an optional holding a sequence", F32, [seq("s", F32, [g.rand(F32, (2,)), g.rand(F32, (1,))])],
                 out_kinds=["opt_seq"], ref=lambda s: s)
    yield g.case("empty_seq", "an empty optional of seq(tensor(int64))", I64, [], out_types=[I64],
                 out_kinds=["opt_seq"],
                 attrs={"type": helper.make_sequence_type_proto(helper.make_tensor_type_proto(TensorProto.INT64, None))},
                 ref=lambda: None)


@op("OptionalHasElement", types=ALL, exact=True)
def optional_has_element(g):
    has = (lambda *x: np.array(bool(x) and x[0] is not None))
    for dt in g.types("O"):
        yield g.case(dt, "an optional %s tensor" % dt, dt, [In("x", dt, g.rand(dt, (2,)), kind="opt")],
                     out_types=["bool"], ref=has)
    yield g.case("empty", "an empty optional", F32, [In("x", F32, None, kind="opt")], out_types=["bool"], ref=has)
    yield g.case("seq", "an optional sequence", F32, [In("x", F32, [g.rand(F32, (1,))], kind="opt_seq")],
                 out_types=["bool"], ref=has)
    yield g.case("empty_seq", "an empty optional sequence", F32, [In("x", F32, None, kind="opt_seq")],
                 out_types=["bool"], ref=has)
    if g.v >= 18:
        yield g.case("tensor", "a plain tensor (18+)", F32, [In("x", F32, g.rand(F32, (3,)))], out_types=["bool"],
                     ref=has)
        yield g.case("absent", "no input (18+)", F32, [], out_types=["bool"], ref=has)


@op("OptionalGetElement", types=ALL, exact=True)
def optional_get_element(g):
    for dt in g.types("O"):
        yield g.case(dt, "an optional %s tensor" % dt, dt, [In("x", dt, g.rand(dt, (2, 3)), kind="opt")],
                     ref=lambda x: x)
    yield g.case("seq", "an optional sequence", F32,
                 [In("x", F32, [g.rand(F32, (1,)), g.rand(F32, (2, 2))], kind="opt_seq")], out_kinds=["seq"],
                 ref=lambda x: x)
    if g.v >= 18:
        yield g.case("tensor", "a plain tensor (18+)", F32, [In("x", F32, g.rand(F32, (3,)))], ref=lambda x: x)
        yield g.case("plain_seq", "a plain sequence (18+)", F32, [seq("x", F32, [g.rand(F32, (2,))])],
                     out_kinds=["seq"], ref=lambda x: x)


# ---------------------------------------------------------------- control flow
@op("If", types=ALL, exact=True)
def if_(g):
    def branches(dt, then_nodes, else_nodes, outs, then_outs=None, else_outs=None):
        t = body(then_nodes, [], [vi(o, dt) for o in (then_outs or outs)])
        e = body(else_nodes, [], [vi(o, dt) for o in (else_outs or outs)])
        return {"then_branch": t, "else_branch": e}

    for dt in g.types("V"):
        attrs = branches(dt, [helper.make_node("Identity", ["a"], ["t"])], [helper.make_node("Identity", ["b"], ["e"])],
                         None, ["t"], ["e"])
        yield g.case(dt, "branches read outer tensors (cond false)", dt, [In("c", "bool", np.array(False))],
                     outer=[In("a", dt, g.rand(dt, (2,))), In("b", dt, g.rand(dt, (2,)))],
                     attrs=attrs, out_types=[dt], ref=lambda c, a, b: a if c else b)
    two = tensor_proto("two", F32, np.array(2, np.float32))
    if g.v >= 7:
        then_b = body([helper.make_node("Add", ["x", "x"], ["t1"]), helper.make_node("Neg", ["x"], ["t2"])], [],
                      [vi("t1", F32), vi("t2", F32)])
        else_b = body([helper.make_node("Mul", ["x", "two"], ["e1"]), helper.make_node("Identity", ["x"], ["e2"])],
                      [], [vi("e1", F32), vi("e2", F32)], [two])
        two_ref = (lambda c, x: (x + x, -x) if np.asarray(c).reshape(-1)[0] else (x * 2, x))
    else:  # at opset 1 the branches' operators are version 1
        then_b = body([helper.make_node("ReduceSum", ["x"], ["t1"], axes=[1]),
                       helper.make_node("Identity", ["x"], ["t2"])], [], [vi("t1", F32), vi("t2", F32)])
        else_b = body([helper.make_node("ReduceMax", ["x"], ["e1"], axes=[1]),
                       helper.make_node("Softmax", ["x"], ["e2"])], [], [vi("e1", F32), vi("e2", F32)])

        def two_ref(c, x):
            if np.asarray(c).reshape(-1)[0]:
                return x.sum(1, keepdims=True), x
            e = np.exp(x - x.max(1, keepdims=True))
            return x.max(1, keepdims=True), e / e.sum(1, keepdims=True)
    for cv, shp in ((True, ()), (False, ()), (True, (1,)), (False, (1, 1))):
        yield g.case("two_%s_%d" % ("t" if cv else "f", len(shp)), "two outputs, cond %s of shape %s" % (cv, shp),
                     F32, [In("c", "bool", np.full(shp, cv))], outer=[In("x", F32, g.rand(F32, (2, 3)))],
                     outputs=["y1", "y2"], out_types=[F32, F32], attrs={"then_branch": then_b, "else_branch": else_b},
                     ref=two_ref, tol=None if g.v >= 7 else (1e-5, 1e-6))
    then_r = body([helper.make_node("Flatten", ["x"], ["t"], axis=0)], [], [vi("t", F32)])
    else_r = body([helper.make_node("Identity", ["x"], ["e"])], [], [vi("e", F32)])
    for cv in (True, False) if g.v >= 11 else ():  # branches of different shapes: If-11 on
        yield g.case("shapes_%s" % ("t" if cv else "f"), "branches of different shapes (cond %s)" % cv, F32,
                     [In("c", "bool", np.array(cv))], outer=[In("x", F32, g.rand(F32, (2, 3)))], out_types=[F32],
                     attrs={"then_branch": then_r, "else_branch": else_r},
                     ref=lambda c, x: x.reshape(1, 6) if c else x)
    k = tensor_proto("k", I64, np.array([5, 7], np.int64))
    const_t = body([helper.make_node("Identity", ["k"], ["t"])], [], [vi("t", I64)], [k])
    const_e = body([helper.make_node("Constant", [], ["e"], value=tensor_proto("v", I64, np.array([1, 2], np.int64)))],
                   [], [vi("e", I64)])
    yield g.case("constants", "branches of constants (cond from an initializer)", I64,
                 [In("c", "bool", np.array(True), True)], out_types=[I64],
                 attrs={"then_branch": const_t, "else_branch": const_e}, ref=lambda c: np.array([5, 7], np.int64))


def loop_body(dt, update, cond_nodes=(), scan=True, extra_inits=()):
    """Body (i, cond_in, v) -> (cond_out, v_out[, scan: v_out])."""
    nodes = [helper.make_node("Cast", ["i"], ["fi"], to=DTYPES[dt][0])] + update
    nodes += list(cond_nodes) or [helper.make_node("Identity", ["cond_in"], ["cond_out"])]
    outs = [vi("cond_out", "bool"), vi("v_out", dt)]
    if scan:
        nodes.append(helper.make_node("Identity", ["v_out"], ["scan_out"]))
        outs.append(vi("scan_out", dt))
    return body(nodes, [vi("i", I64, []), vi("cond_in", "bool", []), vi("v", dt)], outs, extra_inits)


@op("Loop", types=ALL, exact=True)
def loop(g):
    def run(m, cond, v, step, stop=None, scan=True):
        outs, k = [], 0
        while (m is None or k < m) and cond:
            v = step(v, k)
            outs.append(v)
            if stop is not None:
                cond = stop(v, k)
            k += 1
        stacked = np.stack(outs) if outs else np.zeros((0,) + np.shape(v))
        return (v, stacked) if scan else v

    if g.v < 7:  # at opset 1 the body's operators are version 1: MatMul and Identity
        def mm(scan):
            nodes = [helper.make_node("MatMul", ["v", "w"], ["v_out"]),
                     helper.make_node("Identity", ["cond_in"], ["cond_out"])]
            outs = [vi("cond_out", "bool"), vi("v_out", F32)]
            if scan:
                nodes.append(helper.make_node("Identity", ["v_out"], ["scan_out"]))
                outs.append(vi("scan_out", F32))
            return body(nodes, [vi("i", I64, []), vi("cond_in", "bool", []), vi("v", F32)], outs)
        w = In("w", F32, g.rand(F32, (2, 2)) * 0.5)
        # (No scan output when nothing iterates: its shape is then unknown; onnxruntime gives [0].)
        for tag, what, m, cond in (("m3", "M 3, no cond: v @ w, scan output (outer w)", 3, None),
                                   ("m2_cond", "M 2 and cond true", 2, True),
                                   ("cond_false", "cond false at the start: no iteration", 4, False)):
            ins = [In("M", I64, np.array(m, np.int64)),
                   In("cond", "bool", np.array(cond)) if cond is not None else None,
                   In("v", F32, g.rand(F32, (1, 2)))]
            scan = cond is not False
            yield g.case(tag, what, F32, ins, outer=[w], outputs=["v_final", "scans"][:1 + scan],
                         out_types=[F32] * (1 + scan), attrs={"body": mm(scan)}, tol=(1e-5, 1e-6),
                         ref=lambda *a, m=m, scan=scan: run(m, scan, a[-2], lambda v, k: v @ a[-1], scan=scan))
        return
    add_i = [helper.make_node("Add", ["v", "fi"], ["v_out"])]
    for dt in body_types(g, ["Add"]):
        yield g.case(dt, "M 3, no cond: v + i, scan output", dt,
                     [In("M", I64, np.array(3, np.int64)), None, In("v", dt, g.rand(dt, (2,), lo=0, hi=3)
                                                              if dt not in ("float32", "float64", "float16", "bfloat16")
                                                              else g.rand(dt, (2,)))],
                     outputs=["v_final", "scans"], out_types=[dt, dt], attrs={"body": loop_body(dt, add_i)},
                     ref=lambda m, v, r=rounder(dt): run(int(m), True, v, lambda v, k: r(v + k)))
    limit = tensor_proto("limit", F32, np.array(10, np.float32))
    dbl = [helper.make_node("Add", ["v", "v"], ["v_out"])]
    stop = [helper.make_node("ReduceMax", ["v_out"], ["mx"], keepdims=0),
            helper.make_node("Less", ["mx", "limit"], ["cond_out"])]
    x0 = np.array([0.7, 1.5], np.float32)
    yield g.case("while", "no M, cond: doubles while max < 10 (a body constant)", F32,
                 [None, In("cond", "bool", np.array(True)), In("v", F32, x0)], outputs=["v_final", "scans"],
                 out_types=[F32, F32], attrs={"body": loop_body(F32, dbl, stop, extra_inits=[limit])},
                 ref=lambda c, v: run(None, True, v, lambda v, k: v + v, lambda v, k: v.max() < 10))
    yield g.case("cond_false", "cond false at the start: no iteration", F32,
                 [In("M", I64, np.array(4, np.int64)), In("cond", "bool", np.array(False)), In("v", F32, x0)],
                 outputs=["v_final"], out_types=[F32], attrs={"body": loop_body(F32, dbl, scan=False)},
                 ref=lambda m, c, v: v)
    stop_i = [helper.make_node("Less", ["i", "two"], ["cond_out"])]
    two = tensor_proto("two", I64, np.array(2, np.int64))
    yield g.case("m_and_cond", "M 5 and cond: stops after i = 2", F32,
                 [In("M", I64, np.array(5, np.int64), True), In("cond", "bool", np.array(True)), In("v", F32, x0)],
                 outputs=["v_final", "scans"], out_types=[F32, F32],
                 attrs={"body": loop_body(F32, add_i, stop_i, extra_inits=[two])},
                 ref=lambda m, c, v: run(5, True, v, lambda v, k: v + k, lambda v, k: k < 2))
    outer = [helper.make_node("Mul", ["v", "w"], ["v_out"])]
    yield g.case("outer", "the body reads an outer graph input", F32,
                 [In("M", I64, np.array(2, np.int64)), None, In("v", F32, x0)],
                 outer=[In("w", F32, np.array([1.5, -0.5], np.float32))],
                 outputs=["v_final"], out_types=[F32], attrs={"body": loop_body(F32, outer, scan=False)},
                 ref=lambda m, v, w: v * w * w)


def scan_body(dt, n_state=1, n_scan=1, outs=("sum", "twice")):
    """Body (s, x_t) -> (s + x_t, 2 (s + x_t))."""
    two = tensor_proto("two", dt, np.array(2, DTYPES[dt][1]))
    nodes = [helper.make_node("Add", ["s", "x"], ["s_out"]), helper.make_node("Mul", ["s_out", "two"], ["y"])]
    return body(nodes, [vi("s", dt), vi("x", dt)], [vi("s_out", dt), vi("y", dt)], [two])


def scan_ref(in_axis=0, in_rev=False, out_axis=0, out_rev=False, rnd=lambda a: a):
    def f(s, x):
        xs = np.moveaxis(x, in_axis, 0)
        if in_rev:
            xs = xs[::-1]
        ys = []
        for xt in xs:
            s = rnd(s + xt)
            ys.append(s * 2)
        y = np.stack(ys)
        if out_rev:
            y = y[::-1]
        return s, np.moveaxis(y, 0, out_axis)
    return f


@op("Scan", types=ALL, exact=True)
def scan(g):
    num = body_types(g, ["Add", "Mul"])
    if g.v == 8:  # a batch axis first; sequence_lens; directions
        def ref8(rev=False, lens=None, rnd=lambda a: a):
            def f(*a):
                s, x = a[-2], a[-1]
                outs_s, outs_y = [], []
                for b in range(x.shape[0]):
                    n = x.shape[1] if lens is None else lens[b]
                    st, y = scan_ref(0, rev, rnd=rnd)(s[b], x[b, :n])
                    pad = np.zeros((x.shape[1] - n,) + y.shape[1:])
                    outs_s.append(st)
                    outs_y.append(np.concatenate([y, pad]) if n < x.shape[1] else y)
                return np.stack(outs_s), np.stack(outs_y)
            return f
        for dt in num:
            yield g.case(dt, "state + scan over [B, T, D]", dt,
                         [None, In("s", dt, g.rand(dt, (2, 3), lo=0, hi=3) if dt not in ("float32",) else g.rand(dt, (2, 3))),
                          In("x", dt, g.rand(dt, (2, 4, 3), lo=0, hi=3) if dt != "float32" else g.rand(dt, (2, 4, 3)))],
                         outputs=["s_final", "ys"], out_types=[dt, dt], attrs={"body": scan_body(dt), "num_scan_inputs": 1},
                         ref=ref8(rnd=rounder(dt)))
        x = g.rand(F32, (2, 3, 2))
        s = g.rand(F32, (2, 2))
        yield g.case("reverse", "directions [1]", F32, [None, In("s", F32, s), In("x", F32, x)],
                     outputs=["s_final", "ys"], out_types=[F32, F32],
                     attrs={"body": scan_body(F32), "num_scan_inputs": 1, "directions": [1]}, ref=ref8(True))
        yield g.case("lens", "sequence_lens [3, 1]", F32,
                     [In("L", I64, np.array([3, 1], np.int64)), In("s", F32, s), In("x", F32, x)],
                     outputs=["s_final", "ys"], out_types=[F32, F32],
                     attrs={"body": scan_body(F32), "num_scan_inputs": 1}, ref=ref8(False, [3, 1]))
        return
    neg = g.v >= 11
    for dt in num:
        yield g.case(dt, "state + scan over [T, D]", dt,
                     [In("s", dt, g.rand(dt, (3,), lo=0, hi=3) if dt != "float32" else g.rand(dt, (3,))),
                      In("x", dt, g.rand(dt, (4, 3), lo=0, hi=3) if dt != "float32" else g.rand(dt, (4, 3)))],
                     outputs=["s_final", "ys"], out_types=[dt, dt], attrs={"body": scan_body(dt), "num_scan_inputs": 1},
                     ref=scan_ref(rnd=rounder(dt)))
    s = g.rand(F32, (2,))
    variants = [("in_rev", "scan_input_directions [1]", {"scan_input_directions": [1]}, (0, True, 0, False), (3, 2)),
                ("in_axis1", "scan_input_axes [1]", {"scan_input_axes": [1]}, (1, False, 0, False), (2, 3)),
                ("out_axis1", "scan_output_axes [1]", {"scan_output_axes": [1]}, (0, False, 1, False), (3, 2)),
                ("out_rev", "scan_output_directions [1]", {"scan_output_directions": [1]}, (0, False, 0, True), (3, 2))]
    if neg:
        variants += [("neg_axes", "scan_input_axes [-1], scan_output_axes [-1]",
                      {"scan_input_axes": [-1], "scan_output_axes": [-1]}, (1, False, 1, False), (2, 3))]
    for tag, what, extra, (ia, ir, oa, orr), xs in variants:
        attrs = {"body": scan_body(F32), "num_scan_inputs": 1}
        attrs.update(extra)
        yield g.case(tag, what, F32, [In("s", F32, s), In("x", F32, g.rand(F32, xs))], outputs=["s_final", "ys"],
                     out_types=[F32, F32], attrs=attrs, ref=scan_ref(ia, ir, oa, orr))
