#!/usr/bin/python3
"""`lstm-dump --json` and `--dot` parsed and checked against the model as the `onnx` package
reads it (an independent protobuf reader): the JSON's header, inputs, outputs, initializers,
every node (inputs, outputs, attributes, opset, parameters read), the recurrent fields,
totals and histogram; the DOT parsed by Graphviz (`dot -Tjson`): one vertex per graph input,
node and output with its label, the colours, and exactly the edges the graph's data flow
gives. Models: real exports, a hand-built one with every attribute type, metadata and an
operator this runtime lacks (exit 0), an invalid graph and a graph with an invalid node (exit 1,
the error, what could be read).
Exits 77 (skipped) without the onnx package or Graphviz.
usage: describe_check.py LSTM_DUMP REPO_ROOT"""
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper, TensorProto
except ImportError as e:
    print("SKIP: needs the onnx and numpy Python packages (python3-onnx): %s" % e)
    sys.exit(77)
if not shutil.which("dot"):
    print("SKIP: needs Graphviz's dot (apt-get install graphviz)")
    sys.exit(77)

dump, root = sys.argv[1], sys.argv[2]
failures = []
checks = 0

DTYPES = {1: "float32", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64",
          8: "string", 9: "bool", 10: "float16", 11: "float64", 12: "uint32", 13: "uint64",
          16: "bfloat16"}
SIZES = {1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 16: 2}
FLOATS = {1, 10, 11, 16}
ATTR = {1: "FLOAT", 2: "INT", 3: "STRING", 4: "TENSOR", 5: "GRAPH", 6: "FLOATS", 7: "INTS",
        8: "STRINGS"}
RECURRENT = {"LSTM", "GRU", "RNN"}


def check(what, got, want):
    global checks
    checks += 1
    if got != want:
        failures.append(what)
        print("FAIL %s: got %r, expected %r" % (what, got, want))


def shape_of(t):
    """JSON shape of a ValueInfo's tensor type: ints, symbol names, None for unknown."""
    tt = t.type.tensor_type
    if not tt.HasField("shape"):
        return None
    return [d.dim_value if d.HasField("dim_value") else d.dim_param if d.HasField("dim_param")
            else None for d in tt.shape.dim]


def dims_label(shape, sep):
    if shape is None:
        return "?"
    if not shape:
        return "scalar"
    return sep.join("?" if d is None else str(d) for d in shape)


def attr_value(a):
    if a.type == 1:
        return a.f
    if a.type == 2:
        return a.i
    if a.type == 3:
        return a.s.decode()
    if a.type == 6:
        return list(a.floats)
    if a.type == 7:
        return list(a.ints)
    if a.type == 8:
        return [s.decode() for s in a.strings]
    if a.type == 4:
        return {"dtype": DTYPES[a.t.data_type], "shape": list(a.t.dims)}
    return None


def near(a, b):
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(near(x, y) for x, y in zip(a, b))
    if isinstance(a, float):
        return isinstance(b, (int, float)) and abs(a - b) <= 1e-6 * max(1.0, abs(a))
    return a == b


def constants(m, doc):
    """Values known at load: initializers that are not graph inputs, and the outputs of every
    runnable node whose inputs are all such values (the runtime folds those once at load), with
    their dtype and dims (from ONNX shape inference for the folded ones)."""
    g = m.graph
    graph_inputs = {v.name for v in g.input}
    known = {t.name: (t.data_type, list(t.dims)) for t in g.initializer
             if t.name not in graph_inputs}
    inferred = onnx.shape_inference.infer_shapes(m, data_prop=True).graph
    vi = {v.name: v for v in list(inferred.value_info) + list(inferred.output)}
    for i, n in enumerate(g.node):
        if doc is None or not doc["nodes"][i].get("supported"):
            continue
        if all(x in known for x in n.input if x):
            for o in n.output:
                v = vi[o].type.tensor_type
                known[o] = (v.elem_type, [d.dim_value for d in v.shape.dim])
    return known


def run_dump(fmt, path):
    return subprocess.run([dump, fmt, path], capture_output=True, text=True)


def check_json(name, path, m, valid):
    r = run_dump("--json", path)
    check(name + ": exit status", r.returncode, 0 if valid else 1)
    doc = json.loads(r.stdout)
    g = m.graph
    inits = {t.name: t for t in g.initializer}
    opsets = {(o.domain or "ai.onnx"): o.version for o in m.opset_import}
    check(name + ": schema", doc["schema"], "lstm-dump/1")
    check(name + ": file", doc["file"], path)
    check(name + ": ok", doc["ok"], valid)
    if valid:
        check(name + ": error", doc["error"], None)
    else:
        check(name + ": error code", (doc["error"] or {}).get("code"), 5)
    hdr = doc["model"]
    check(name + ": header", {k: hdr[k] for k in ("ir_version", "producer_name",
                                                  "producer_version", "domain", "model_version",
                                                  "doc_string", "graph_name")},
          {"ir_version": m.ir_version, "producer_name": m.producer_name,
           "producer_version": m.producer_version, "domain": m.domain,
           "model_version": m.model_version, "doc_string": m.doc_string,
           "graph_name": g.name})
    check(name + ": opset_import",
          [(o["domain"], o["version"]) for o in hdr["opset_import"]],
          [((o.domain or "ai.onnx"), o.version) for o in m.opset_import])
    check(name + ": metadata_props", hdr["metadata_props"],
          {p.key: p.value for p in m.metadata_props})
    check(name + ": functions", hdr["functions"], len(m.functions))
    check(name + ": training_info", hdr["training_info"], len(m.training_info) > 0)
    check(name + ": inputs", [(v["name"], v["kind"], v["dtype"], v["shape"], v["has_initializer"])
                              for v in doc["inputs"]],
          [(v.name, "tensor", DTYPES[v.type.tensor_type.elem_type], shape_of(v), v.name in inits)
           for v in g.input])
    check(name + ": outputs", [(v["name"], v["dtype"], v["shape"]) for v in doc["outputs"]],
          [(v.name, DTYPES[v.type.tensor_type.elem_type], shape_of(v)) for v in g.output])
    check(name + ": initializers",
          [(t["name"], t["dtype"], t["shape"], t["elements"], t["bytes"], t["external"])
           for t in doc["initializers"]],
          [(t.name, DTYPES[t.data_type], list(t.dims), int(np.prod(t.dims)),
            int(np.prod(t.dims)) * SIZES[t.data_type], None) for t in g.initializer])
    check(name + ": node count", len(doc["nodes"]), len(g.node))
    consts = constants(m, doc) if valid else {}
    for i, (jn, n) in enumerate(zip(doc["nodes"], g.node)):
        what = "%s: node %d '%s'" % (name, i, n.name)
        check(what + " identity", (jn["index"], jn["name"], jn["op_type"], jn["domain"],
                                   jn["opset"]),
              (i, n.name, n.op_type, n.domain, opsets[n.domain or "ai.onnx"]))
        check(what + " inputs", jn["inputs"], list(n.input))
        check(what + " outputs", jn["outputs"], list(n.output))
        want = {a.name: {"type": ATTR[a.type], "value": attr_value(a)} for a in n.attribute}
        got = jn["attributes"]
        check(what + " attribute names and types", {k: v["type"] for k, v in got.items()},
              {k: v["type"] for k, v in want.items()})
        for k, v in want.items():
            if k in got and not near(v["value"], got[k]["value"]):
                check(what + " attribute " + k, got[k]["value"], v["value"])
        if not valid:
            check(what + " has no verdict (not validated)", "supported" in jn, False)
            continue
        params = sum(int(np.prod(consts[x][1])) for x in set(n.input)
                     if x in consts and consts[x][0] in FLOATS)
        check(what + " params", jn["params"], params)
        if n.op_type in RECURRENT and jn["supported"]:
            rec = jn["recurrent"]
            attrs = {a.name: attr_value(a) for a in n.attribute}
            W = inits.get(n.input[1])
            R = inits.get(n.input[2])
            check(what + " direction", rec["direction"], attrs.get("direction", "forward"))
            check(what + " num_directions", rec["num_directions"],
                  2 if attrs.get("direction") == "bidirectional" else 1)
            if W is not None:
                check(what + " num_directions = W.shape[0]", rec["num_directions"], W.dims[0])
            if R is not None:
                check(what + " hidden_size = R.shape[2]", rec["hidden_size"], R.dims[2])
            check(what + " hidden_size_inferred", rec["hidden_size_inferred"],
                  "hidden_size" not in attrs)
            check(what + " layout", rec["layout"], attrs.get("layout", 0))
            slots = list(rec["inputs_present"])
            check(what + " inputs present", rec["inputs_present"],
                  {s: k < len(n.input) and n.input[k] != "" for k, s in enumerate(slots)})
            oslots = list(rec["outputs_present"])
            check(what + " outputs present", rec["outputs_present"],
                  {s: k < len(n.output) and n.output[k] != "" for k, s in enumerate(oslots)})
    if valid:
        tot = doc["totals"]
        check(name + ": totals",
              (tot["parameters"], tot["initializer_bytes"], tot["nodes"]),
              (sum(int(np.prod(t.dims)) for t in g.initializer if t.data_type in FLOATS),
               sum(int(np.prod(t.dims)) * SIZES[t.data_type] for t in g.initializer),
               len(g.node)))
        check(name + ": supported_nodes", tot["supported_nodes"],
              sum(1 for n in doc["nodes"] if n["supported"]))
        check(name + ": op_histogram", doc["op_histogram"],
              dict(collections.Counter(n.op_type for n in g.node)))
    return doc


def check_dot(name, path, m, doc, valid):
    r = run_dump("--dot", path)
    check(name + ": --dot exit status", r.returncode, 0 if valid else 1)
    p = subprocess.run(["dot", "-Tjson"], input=r.stdout, capture_output=True, text=True)
    check(name + ": Graphviz parses the DOT", (p.returncode, p.stderr.strip()), (0, ""))
    if p.returncode:
        return
    gv = json.loads(p.stdout)
    objs = {o["name"]: o for o in gv.get("objects", [])}
    g = m.graph
    inits = {t.name: t for t in g.initializer}
    consts = constants(m, doc) if valid else {}
    want = {}
    for j, v in enumerate(g.input):
        if v.name not in inits:
            want["in%d" % j] = [v.name, "%s [%s]" % (DTYPES[v.type.tensor_type.elem_type],
                                                     dims_label(shape_of(v), ", "))]
    for i, n in enumerate(g.node):
        lines = [n.op_type] + ([n.name] if n.name else [])
        if valid:
            lines += ["%s [%s]" % (x, dims_label(consts[x][1], "x")) for x in n.input
                      if x in consts]
        want["n%d" % i] = lines
    for k, v in enumerate(g.output):
        want["out%d" % k] = [v.name, "%s [%s]" % (DTYPES[v.type.tensor_type.elem_type],
                                                  dims_label(shape_of(v), ", "))]
    check(name + ": DOT vertices", sorted(objs), sorted(want))
    for k, lines in want.items():
        if k in objs:
            check(name + ": DOT label of " + k, objs[k].get("label", "").split("\\n"), lines)
    if valid:
        for i, n in enumerate(g.node):
            jn = doc["nodes"][i]
            colour = ("#fecaca" if not jn["supported"] else
                      "#fde68a" if n.op_type in RECURRENT else "#e5e7eb")
            check(name + ": DOT colour of n%d (%s)" % (i, n.op_type),
                  objs.get("n%d" % i, {}).get("fillcolor"), colour)
    # Edges: producer -> reader, labelled with the value; graph inputs and outputs likewise.
    by_id = {o["_gvid"]: o["name"] for o in gv.get("objects", [])}
    got = collections.Counter((by_id[e["tail"]], by_id[e["head"]], e.get("label"))
                              for e in gv.get("edges", []))
    exp = collections.Counter()
    if valid:
        producer = {o: "n%d" % i for i, n in enumerate(g.node) for o in n.output if o}
        for j, v in enumerate(g.input):
            if v.name not in inits:
                producer.setdefault(v.name, "in%d" % j)
        for i, n in enumerate(g.node):
            for x in n.input:
                if x in producer:
                    exp[(producer[x], "n%d" % i, x)] += 1
        for k, v in enumerate(g.output):
            if v.name in producer and producer[v.name].startswith("n"):
                exp[(producer[v.name], "out%d" % k, v.name)] += 1
    check(name + ": DOT edges", sorted(got.items()), sorted(exp.items()))


def hand_built(folder):
    """Every attribute type, metadata, symbolic and unknown dims, a reverse LSTM with absent
    optional inputs, and an operator this runtime lacks (LpPool)."""
    H, I = 3, 2
    rng = np.random.default_rng(0)
    w = numpy_helper.from_array(rng.standard_normal((1, 4 * H, I)).astype(np.float32), "W")
    r = numpy_helper.from_array(rng.standard_normal((1, 4 * H, H)).astype(np.float32), "R")
    b = numpy_helper.from_array(np.zeros((1, 8 * H), np.float16), "B16")
    steps = numpy_helper.from_array(np.array([2], np.int64), "steps")
    axes = numpy_helper.from_array(np.array([1], np.int64), "axes")
    nodes = [
        helper.make_node("Cast", ["B16"], ["B"], name="cast", to=TensorProto.FLOAT),
        helper.make_node("LSTM", ["X", "W", "R", "B", "", "h0"], ["Y", "", "Y_c"], name="cell",
                         direction="reverse", clip=2.5,
                         activations=["HardSigmoid", "Tanh", "Tanh"], activation_alpha=[0.3],
                         hidden_size=H),
        helper.make_node("Squeeze", ["Y", "axes"], ["Ys"], name=""),
        helper.make_node("LpPool", ["Ys"], ["Z"], name="lppool", kernel_shape=[1],
                         pads=[0, 0], strides=[1]),
        helper.make_node("Tile", ["Y_c", "steps"], ["T2"], name="tile\"q"),
    ]
    g = helper.make_graph(
        nodes, "hand built",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["T", "batch", I]),
         helper.make_tensor_value_info("h0", TensorProto.FLOAT, [1, None, H]),
         helper.make_tensor_value_info("steps", TensorProto.INT64, [1])],
        [helper.make_tensor_value_info("Z", TensorProto.FLOAT, None),
         helper.make_tensor_value_info("T2", TensorProto.FLOAT, [])],
        [w, r, b, steps, axes])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 14)], producer_name="hand",
                          producer_version="0.1", doc_string="made by describe_check.py")
    m.ir_version = 8
    m.model_version = 3
    helper.set_model_props(m, {"author": "test", "licence": "MIT"})
    path = os.path.join(folder, "hand_built.onnx")
    onnx.save(m, path)
    return path


def invalid(folder):
    """A node that reads a tensor nothing defines: the model is invalid."""
    g = helper.make_graph(
        [helper.make_node("Relu", ["X"], ["A"], name="ok"),
         helper.make_node("Add", ["A", "ghost"], ["Y"], name="bad")], "broken",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [2])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [2])])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 14)])
    m.ir_version = 8
    path = os.path.join(folder, "invalid.onnx")
    onnx.save(m, path)
    return path


def invalid_node(folder):
    """Valid protobuf, linked graph, but an LSTM whose direction ONNX does not define, after a
    node this runtime lacks (Det): the model is invalid, not merely unsupported."""
    H, I = 3, 2
    w = numpy_helper.from_array(np.zeros((1, 4 * H, I), np.float32), "W")
    r = numpy_helper.from_array(np.zeros((1, 4 * H, H), np.float32), "R")
    g = helper.make_graph(
        [helper.make_node("Det", ["X"], ["C"], name="det"),
         helper.make_node("LSTM", ["X", "W", "R"], ["Y"], name="cell", direction="sideways")],
        "bad node", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [5, 2, I])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, None),
         helper.make_tensor_value_info("C", TensorProto.FLOAT, None)], [w, r])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 14)])
    m.ir_version = 8
    path = os.path.join(folder, "invalid_node.onnx")
    onnx.save(m, path)
    return path


def check_invalid_node(path):
    """Exit 1 in every format, everything printed first (with the verdicts), the reason on
    stderr naming the node; the JSON says ok false with the node's message."""
    name = os.path.basename(path)
    why = "node 'cell' (LSTM, opset 14): attribute 'direction' is 'sideways'"
    for fmt in ("--text", "--json", "--dot"):
        r = subprocess.run([dump, path] if fmt == "--text" else [dump, fmt, path],
                           capture_output=True, text=True)
        check("%s %s: exit status" % (name, fmt), r.returncode, 1)
        check("%s %s: the reason on stderr" % (name, fmt), why in r.stderr, True)
        if fmt == "--text":
            check(name + ": the text still shows both nodes and their verdicts",
                  all(x in r.stdout for x in ("Node 0 | det", "Node 1 | cell",
                                              "supported: no: " + why)), True)
        elif fmt == "--json":
            doc = json.loads(r.stdout)
            check(name + ": JSON ok", doc["ok"], False)
            err = doc["error"] or {}
            check(name + ": JSON error code", err.get("code"), 5)
            check(name + ": JSON error names the node", why in err.get("message", ""), True)
            check(name + ": JSON verdicts", [(n["name"], n["supported"]) for n in doc["nodes"]],
                  [("det", False), ("cell", False)])
        else:
            p = subprocess.run(["dot", "-Tjson"], input=r.stdout, capture_output=True, text=True)
            check(name + ": the DOT still parses", p.returncode, 0)


tmp = tempfile.mkdtemp()
cases = [(os.path.join(root, p), True) for p in (
    "tests/data/pytorch/lstm_2layer_bidi/model.onnx", "tests/data/pytorch/gru_packed_bidi/model.onnx",
    "models/bigru_tagger/model.onnx", "tests/data/ort/lstm_peephole_bidi_seq/model.onnx")]
cases += [(hand_built(tmp), True), (invalid(tmp), False)]
for path, valid in cases:
    name = os.path.relpath(path, root) if path.startswith(root) else os.path.basename(path)
    m = onnx.load(path)
    doc = check_json(name, path, m, valid)
    check_dot(name, path, m, doc, valid)
    if not valid:
        r = run_dump("--json", path)
        check(name + ": the reason names the tensor", "ghost" in (doc["error"] or {}).get(
            "message", ""), True)
        check(name + ": the reason is on stderr", "ghost" in r.stderr, True)
check_invalid_node(invalid_node(tmp))
shutil.rmtree(tmp)
print("%d passed, %d failed" % (checks - len(failures), len(failures)))
sys.exit(1 if failures else 0)
