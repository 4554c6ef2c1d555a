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
        8: "STRINGS", 10: "GRAPHS"}
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


def decl(v):
    """(kind, dtype, shape) of a ValueInfo as the JSON gives them."""
    which = v.type.WhichOneof("value") if v.HasField("type") else None
    if which == "tensor_type":
        return "tensor", DTYPES[v.type.tensor_type.elem_type], shape_of(v)
    return {None: "none", "sequence_type": "sequence", "optional_type": "optional",
            "map_type": "map", "sparse_tensor_type": "sparse"}.get(which, "other"), None, None


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
    if a.type == 5:
        return {"nodes": len(a.g.node)}
    return None


def near(a, b):
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(near(x, y) for x, y in zip(a, b))
    if isinstance(a, float):
        return isinstance(b, (int, float)) and abs(a - b) <= 1e-6 * max(1.0, abs(a))
    return a == b


def subgraphs(n):
    """A node's graph attributes in order: (attribute name, GraphProto), GRAPHS unrolled."""
    out = []
    for a in n.attribute:
        if a.type == 5:
            out.append((a.name, a.g))
        elif a.type == 10:
            out += [(a.name, x) for x in a.graphs]
    return out


def json_subgraphs(jn):
    """The JSON objects of a node's subgraphs, in the same order."""
    out = []
    for a in jn["attributes"].values():
        if a["type"] == "GRAPH":
            out.append(a.get("graph"))
        elif a["type"] == "GRAPHS":
            out += a.get("graphs", [])
    return out


def folds(n):
    """The runtime evaluates at load a runnable node whose inputs are all known, except control
    flow, sequence and optional ops (their shapes are known only while running)."""
    return not subgraphs(n) and not n.op_type.startswith("Sequence") and n.op_type not in (
        "If", "Loop", "Scan", "ConcatFromSequence", "SplitToSequence", "Optional",
        "OptionalHasElement", "OptionalGetElement")


class Graph:
    """One graph of the model (the main graph or a subgraph) as the onnx package reads it, with
    ONNX scoping: a name resolves here first (definitions so far), then in the enclosing graph
    as it stood at the owner node. Holds what the dump should say about it: the values known at
    load (initializers that are not inputs, and the outputs of runnable nodes whose inputs are
    all known: the runtime folds them), the names read from enclosing graphs, each node's
    inputs as resolved, and the DOT vertices' names and expected edges."""

    def __init__(self, g, jg, parent, gid, path, attr, owner):
        self.g, self.jg, self.parent = g, jg, parent
        self.gid, self.path, self.attr, self.owner = gid, path, attr, owner
        self.depth = parent.depth + 1 if parent else 0
        self.p = "g%d_" % gid if gid else ""
        self.defs = {}   # name -> (vertex or None, (dtype, dims) when known at load, or None)
        self.free = []   # names read from enclosing graphs, in the order first read
        self.ins = []    # per node: per input (vertex, constant, local) or None
        self.kids = {}   # node index -> its subgraphs (Graph), in order
        self.edges = []  # (tail, head, label, style)

    def resolve(self, name):
        if name in self.defs:
            return self.defs[name] + (True,)
        r = self.parent.resolve(name) if self.parent else None
        if r is None:
            return None
        if name not in self.free:
            self.free.append(name)
        return r[0], r[1], False

    def every_node(self):
        """(graph, index) of every node here and in the subgraphs, depth first."""
        for i in range(len(self.g.node)):
            yield self, i
            for c in self.kids.get(i, []):
                yield from c.every_node()

    def all_graphs(self):
        yield self
        for i in sorted(self.kids):
            for c in self.kids[i]:
                yield from c.all_graphs()


def build(m, doc, valid):
    """The model's graphs, numbered depth first as the DOT names them (a node's subgraphs
    right after it), each with its JSON object (from doc, walked in parallel)."""
    inferred = onnx.shape_inference.infer_shapes(m, data_prop=True).graph
    count = [0]

    def walk(g, ig, jg, parent, path, attr, owner):
        G = Graph(g, jg, parent, count[0], path, attr, owner)
        count[0] += 1
        p = G.p
        vi = {v.name: v for v in list(ig.value_info) + list(ig.output)}
        inits = {t.name for t in g.initializer}
        for j, v in enumerate(g.input):
            G.defs[v.name] = (None if v.name in inits else "%sin%d" % (p, j), None)
        for t in g.initializer:
            if t.name not in G.defs:
                G.defs[t.name] = (None, (t.data_type, list(t.dims)))
        for i, n in enumerate(g.node):
            jn = jg["nodes"][i] if jg is not None else None
            ins = [G.resolve(x) if x else None for x in n.input]
            G.ins.append(ins)
            for x, r in zip(n.input, ins):
                if r is not None and r[0] is not None:
                    G.edges.append((r[0], "%sn%d" % (p, i), x, None if r[2] else "dashed"))
            jsub = json_subgraphs(jn) if jn is not None else []
            for k, ((a, sg), (_, isg)) in enumerate(zip(subgraphs(n), subgraphs(ig.node[i]))):
                sub = walk(sg, isg, jsub[k] if k < len(jsub) else None, G,
                           "%s%s/%s" % (path + "/" if path else "", n.name or "#%d" % i, a), a,
                           i)
                G.kids.setdefault(i, []).append(sub)
            known = valid and jn["supported"] and folds(n) and \
                all(r is not None and r[1] is not None for x, r in zip(n.input, ins) if x)
            for o in n.output:
                if o:
                    t = vi[o].type.tensor_type if known else None
                    G.defs[o] = ("%sn%d" % (p, i),
                                 (t.elem_type, [d.dim_value for d in t.shape.dim]) if t else None)
        for k, v in enumerate(g.output):
            r = G.resolve(v.name)
            if r is not None and r[0] is not None and (r[0].startswith(p + "n") or not r[2]):
                G.edges.append((r[0], "%sout%d" % (p, k), v.name, None if r[2] else "dashed"))
        return G

    return walk(m.graph, inferred, doc, None, "", None, None)


def run_dump(fmt, path):
    return subprocess.run([dump, fmt, path], capture_output=True, text=True)


def check_graph_json(name, G, m, valid):
    """A graph's inputs, outputs, initializers and nodes (a subgraph's place in the model
    too), then its subgraphs'."""
    g, jg = G.g, G.jg
    opsets = {(o.domain or "ai.onnx"): o.version for o in m.opset_import}
    inits = {t.name for t in g.initializer}
    where = name if G.gid == 0 else "%s: subgraph %s" % (name, G.path)
    if G.gid:
        check(where + ": place", (jg["path"], jg["graph_name"], jg["depth"]),
              (G.path, g.name, G.depth))
        if valid:
            check(where + ": outer values read", jg["outer_values"], G.free)
    check(where + ": inputs", [(v["name"], v["kind"], v["dtype"], v["shape"],
                                v["has_initializer"]) for v in jg["inputs"]],
          [(v.name,) + decl(v) + (v.name in inits,) for v in g.input])
    check(where + ": outputs", [(v["name"], v["kind"], v["dtype"], v["shape"])
                                for v in jg["outputs"]], [(v.name,) + decl(v) for v in g.output])
    check(where + ": initializers",
          [(t["name"], t["dtype"], t["shape"], t["elements"], t["bytes"], t["external"])
           for t in jg["initializers"]],
          [(t.name, DTYPES[t.data_type], list(t.dims), int(np.prod(t.dims)),
            int(np.prod(t.dims)) * SIZES[t.data_type], None) for t in g.initializer])
    check(where + ": node count", len(jg["nodes"]), len(g.node))
    for i, (jn, n) in enumerate(zip(jg["nodes"], g.node)):
        what = "%s: node %d '%s'" % (where, i, n.name)
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
        kids = G.kids.get(i, [])
        check(what + " subgraphs in the JSON", len(json_subgraphs(jn)), len(kids))
        for c in kids:
            check_graph_json(name, c, m, valid)
        if not valid:
            check(what + " has no verdict (not validated)", "supported" in jn, False)
            continue
        consts = {x: r[1] for x, r in zip(n.input, G.ins[i]) if r is not None and r[1]}
        params = sum(int(np.prod(consts[x][1])) for x in set(n.input)
                     if x in consts and consts[x][0] in FLOATS)
        check(what + " params", jn["params"], params)
        if kids:
            implicit = []
            for c in kids:
                implicit += [x for x in c.free if x not in implicit]
            check(what + " implicit inputs", jn["implicit_inputs"], implicit)
            inside = [(c.attr, H.path, j, H.g.node[j].name, H.g.node[j].op_type,
                       H.jg["nodes"][j]["reason"])
                      for c in kids for H, j in c.every_node() if not H.jg["nodes"][j]["supported"]]
            got_in = [(x["attribute"], x["graph"], x["index"], x["name"], x["op_type"],
                       x["reason"]) for x in jn["unsupported_inside"]]
            check(what + " unsupported inside", [x[:5] for x in got_in], [x[:5] for x in inside])
            check(what + " reasons inside (the node's own, its label left out)",
                  [bool(gi[5]) and w[5].endswith(gi[5]) for gi, w in zip(got_in, inside)],
                  [True] * min(len(got_in), len(inside)))
        else:
            check(what + " has no subgraph fields", "unsupported_inside" in jn, False)
        if n.op_type in RECURRENT and jn["supported"]:
            rec = jn["recurrent"]
            attrs = {a.name: attr_value(a) for a in n.attribute}
            W = consts.get(n.input[1])
            R = consts.get(n.input[2])
            check(what + " direction", rec["direction"], attrs.get("direction", "forward"))
            check(what + " num_directions", rec["num_directions"],
                  2 if attrs.get("direction") == "bidirectional" else 1)
            if W is not None:
                check(what + " num_directions = W.shape[0]", rec["num_directions"], W[1][0])
            if R is not None:
                check(what + " hidden_size = R.shape[2]", rec["hidden_size"], R[1][2])
            check(what + " hidden_size_inferred", rec["hidden_size_inferred"],
                  "hidden_size" not in attrs)
            check(what + " layout", rec["layout"], attrs.get("layout", 0))
            slots = list(rec["inputs_present"])
            check(what + " inputs present", rec["inputs_present"],
                  {s: k < len(n.input) and n.input[k] != "" for k, s in enumerate(slots)})
            oslots = list(rec["outputs_present"])
            check(what + " outputs present", rec["outputs_present"],
                  {s: k < len(n.output) and n.output[k] != "" for k, s in enumerate(oslots)})


def check_json(name, path, m, valid):
    r = run_dump("--json", path)
    check(name + ": exit status", r.returncode, 0 if valid else 1)
    doc = json.loads(r.stdout)
    check(name + ": schema", doc["schema"], "lstm-dump/1")
    check(name + ": file", doc["file"], path)
    check(name + ": ok", doc["ok"], valid)
    if valid:
        check(name + ": error", doc["error"], None)
    else:
        check(name + ": error code", (doc["error"] or {}).get("code"), 5)
    g = m.graph
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
    top = build(m, doc, valid)
    check_graph_json(name, top, m, valid)
    if valid:
        # Totals count every graph of the model, each initializer once.
        tot = doc["totals"]
        every = [G.g for G in top.all_graphs()]
        check(name + ": totals",
              (tot["parameters"], tot["initializer_bytes"], tot["nodes"], tot["graphs"],
               tot["main_graph_nodes"]),
              (sum(int(np.prod(t.dims)) for x in every for t in x.initializer
                   if t.data_type in FLOATS),
               sum(int(np.prod(t.dims)) * SIZES[t.data_type] for x in every
                   for t in x.initializer),
               sum(len(x.node) for x in every), len(every), len(g.node)))
        check(name + ": supported_nodes", tot["supported_nodes"],
              sum(1 for G, i in top.every_node() if G.jg["nodes"][i]["supported"]))
        check(name + ": op_histogram", doc["op_histogram"],
              dict(collections.Counter(n.op_type for x in every for n in x.node)))
    return doc, top


def check_dot(name, path, m, top, valid):
    r = run_dump("--dot", path)
    check(name + ": --dot exit status", r.returncode, 0 if valid else 1)
    p = subprocess.run(["dot", "-Tjson"], input=r.stdout, capture_output=True, text=True)
    check(name + ": Graphviz parses the DOT", (p.returncode, p.stderr.strip()), (0, ""))
    if p.returncode:
        return
    gv = json.loads(p.stdout)
    objs = {o["name"]: o for o in gv.get("objects", [])}
    by_id = {o["_gvid"]: o["name"] for o in gv.get("objects", [])}
    want, clusters, exp = {}, {}, collections.Counter()
    for G in top.all_graphs():
        g, p_ = G.g, G.p
        for j, v in enumerate(g.input):
            if G.defs.get(v.name, (None,))[0] == "%sin%d" % (p_, j):
                kind, dt, shp = decl(v)
                want["%sin%d" % (p_, j)] = [v.name, "%s [%s]" % (dt or kind, dims_label(shp, ", "))]
        for i, n in enumerate(g.node):
            lines = [n.op_type] + ([n.name] if n.name else [])
            if valid:
                lines += ["%s [%s]" % (x, dims_label(r[1][1], "x"))
                          for x, r in zip(n.input, G.ins[i]) if r is not None and r[1]]
            want["%sn%d" % (p_, i)] = lines
        for k, v in enumerate(g.output):
            kind, dt, shp = decl(v)
            want["%sout%d" % (p_, k)] = [v.name, "%s [%s]" % (dt or kind, dims_label(shp, ", "))]
        if G.gid and not any(x.startswith(p_) for x in want):
            want[p_ + "empty"] = ["(empty graph)"]
        if G.gid:
            clusters["cluster_g%d" % G.gid] = G
        if valid:
            exp.update(G.edges)
    # Each subgraph hangs from its node by a dotted edge to its first vertex.
    if valid:
        for G in top.all_graphs():
            for i, kids in G.kids.items():
                for c in kids:
                    exp[("%sn%d" % (G.p, i), first_vertex(c, want), c.attr, "dotted")] += 1
    vertices = sorted(x for x in objs if not x.startswith("cluster_"))
    check(name + ": DOT vertices", vertices, sorted(want))
    for k, lines in want.items():
        if k in objs:
            check(name + ": DOT label of " + k, objs[k].get("label", "").split("\\n"), lines)
    # One cluster per subgraph, labelled with its path, holding its vertices (and its
    # subgraphs').
    check(name + ": DOT clusters", sorted(x for x in objs if x.startswith("cluster_")),
          sorted(clusters))
    for cn, G in clusters.items():
        if cn not in objs:
            continue
        inner = sorted(x for H in G.all_graphs() for x in want if x.startswith(H.p))
        check(name + ": DOT cluster %s label" % cn, objs[cn].get("label"), G.path)
        check(name + ": DOT cluster %s vertices" % cn,
              sorted(by_id[v] for v in objs[cn].get("nodes", [])), inner)
    if valid:
        for G, i in top.every_node():
            jn = G.jg["nodes"][i]
            colour = ("#fecaca" if not jn["supported"] else
                      "#fed7aa" if jn.get("unsupported_inside") else
                      "#fde68a" if G.g.node[i].op_type in RECURRENT else "#e5e7eb")
            v = "%sn%d" % (G.p, i)
            check(name + ": DOT colour of %s (%s)" % (v, G.g.node[i].op_type),
                  objs.get(v, {}).get("fillcolor"), colour)
    got = collections.Counter((by_id[e["tail"]], by_id[e["head"]], e.get("label"),
                               e.get("style")) for e in gv.get("edges", []))
    check(name + ": DOT edges", sorted(got.items(), key=str), sorted(exp.items(), key=str))
    anchors = [e for e in gv.get("edges", []) if e.get("style") == "dotted"]
    check(name + ": DOT subgraph edges end at their cluster",
          sorted(e.get("lhead") for e in anchors), sorted(clusters))


def first_vertex(G, want):
    """The vertex a subgraph's dotted edge from its node points at: its first input that is
    not a weight, else its first node, else its first output, else its "(empty graph)"."""
    for j in range(len(G.g.input)):
        if "%sin%d" % (G.p, j) in want:
            return "%sin%d" % (G.p, j)
    for x in ("n0", "out0", "empty"):
        if G.p + x in want:
            return G.p + x
    return None


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


def nested(folder):
    """Subgraphs two deep: an If whose then_branch runs a Loop whose body holds an LSTM reading
    the main graph's weights, an unnamed operator this runtime lacks (Foo) and an initializer of
    its own; an else_branch that only passes an outer value through; a node of an unknown
    domain with a GRAPHS attribute (one graph empty)."""
    H, I = 3, 2
    rng = np.random.default_rng(1)
    w = numpy_helper.from_array(rng.standard_normal((1, 4 * H, I)).astype(np.float32), "W")
    r = numpy_helper.from_array(rng.standard_normal((1, 4 * H, H)).astype(np.float32), "R")
    f32 = TensorProto.FLOAT
    body = helper.make_graph(
        [helper.make_node("LSTM", ["x_in", "W", "R"], ["", "h"], name="cell", hidden_size=H),
         helper.make_node("Foo", ["h"], ["f"]),
         helper.make_node("Add", ["f", "bias"], ["fb"], name="add"),
         helper.make_node("Identity", ["cond_in"], ["cond_out"], name="keep"),
         helper.make_node("Identity", ["x_in"], ["x_out"], name="pass")],
        "body", [helper.make_tensor_value_info("it", TensorProto.INT64, []),
                 helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
                 helper.make_tensor_value_info("x_in", f32, [5, 2, I])],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
         helper.make_tensor_value_info("x_out", f32, [5, 2, I]),
         helper.make_tensor_value_info("fb", f32, None)],
        [numpy_helper.from_array(np.ones((1, 2, H), np.float32), "bias")])
    then_g = helper.make_graph(
        [helper.make_node("Loop", ["n", "", "X"], ["xf", "fs"], name="loop", body=body)],
        "then", [], [helper.make_tensor_value_info("xf", f32, [5, 2, I])])
    else_g = helper.make_graph([], "else", [], [helper.make_tensor_value_info("X", f32, None)])
    multi = helper.make_node("Multi", ["X"], ["M"], name="multi", domain="custom.x")
    multi.attribute.append(helper.make_attribute("branches", [
        helper.make_graph([], "empty", [], []),
        helper.make_graph([helper.make_node("Neg", ["X"], ["nx"], name="neg")], "one", [],
                          [helper.make_tensor_value_info("nx", f32, None)])]))
    g = helper.make_graph(
        [helper.make_node("If", ["c"], ["Y"], name="iff", then_branch=then_g,
                          else_branch=else_g), multi],
        "nested", [helper.make_tensor_value_info("X", f32, [5, 2, I]),
                   helper.make_tensor_value_info("c", TensorProto.BOOL, []),
                   helper.make_tensor_value_info("n", TensorProto.INT64, [])],
        [helper.make_tensor_value_info("Y", f32, None),
         helper.make_tensor_value_info("M", f32, None)], [w, r])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 16),
                                            helper.make_opsetid("custom.x", 1)])
    m.ir_version = 8
    path = os.path.join(folder, "nested.onnx")
    onnx.save(m, path)
    return path


def check_text_nested(path):
    """The text view of nested(): each subgraph indented under its node, verdicts inside,
    the owners' verdicts naming what inside cannot run, totals over every graph."""
    r = run_dump("--text", path) if False else subprocess.run([dump, path], capture_output=True,
                                                               text=True)
    name = os.path.basename(path) + " text"
    check(name + ": exit status", r.returncode, 0)
    lines = r.stdout.split("\n")
    for want in (
            "Node 0 | iff [Op: If, opset 16]",
            "        reads from this graph inside its subgraphs: X, n, W, R",
            "        supported: yes, but its then_branch holds node 'loop/body/#1' (Foo): no "
            "implementation of Foo",
            "        ==== subgraph iff/else_branch (graph 'else') ====",
            "            X: input of the main graph",
            "        ==== subgraph iff/then_branch (graph 'then') ====",
            "        Node 0 | loop [Op: Loop, opset 16]",
            "                supported: yes, but its body holds node '#1' (Foo): no implementation "
            "of Foo",
            "                ==== subgraph iff/then_branch/loop/body (graph 'body') ====",
            "                ---- 1 Weight(s) (initializers) ----",
            "                Node 0 | cell [Op: LSTM, opset 16]",
            "                        params: 60",
            "                        direction=forward (default)  layout=0 (default)  "
            "hidden_size=3",
            "                        supported: no: no implementation of Foo",
            "                ==== end of subgraph iff/then_branch/loop/body ====",
            "        supported: no: no implementation of custom.x.Multi",
            "        ==== subgraph multi/branches (graph 'empty') ====",
            "---- Totals (the main graph and its 5 subgraphs) ----",
            "    parameters: 66 (elements of floating-point initializers, subgraphs included)",
            "    nodes: 9 (2 in the main graph, 7 in subgraphs)",
            "    op histogram (subgraphs included): If x1, Loop x1, LSTM x1, Foo x1, Add x1, "
            "Identity x2, Multi x1, Neg x1",
            "    supported nodes: 7/9 (subgraphs included)"):
        check(name + ": has the line %r" % want, want in lines, True)


def invalid_in_subgraph(folder):
    """An LSTM whose direction ONNX does not define, inside an If branch: the model is invalid;
    the message names the path once and the node once."""
    H, I = 3, 2
    w = numpy_helper.from_array(np.zeros((1, 4 * H, I), np.float32), "W")
    r = numpy_helper.from_array(np.zeros((1, 4 * H, H), np.float32), "R")
    f32 = TensorProto.FLOAT
    then_g = helper.make_graph(
        [helper.make_node("LSTM", ["X", "W", "R"], ["", "th"], name="cell",
                          direction="sideways")], "then", [],
        [helper.make_tensor_value_info("th", f32, None)])
    else_g = helper.make_graph([], "else", [], [helper.make_tensor_value_info("X", f32, None)])
    g = helper.make_graph(
        [helper.make_node("If", ["c"], ["Y"], name="iff", then_branch=then_g,
                          else_branch=else_g)], "bad inside",
        [helper.make_tensor_value_info("X", f32, [5, 2, I]),
         helper.make_tensor_value_info("c", TensorProto.BOOL, [])],
        [helper.make_tensor_value_info("Y", f32, None)], [w, r])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 16)])
    m.ir_version = 8
    path = os.path.join(folder, "invalid_in_subgraph.onnx")
    onnx.save(m, path)
    return path


def check_invalid_in_subgraph(path):
    name = os.path.basename(path)
    why = ("node 'iff' then_branch: node 'cell' (LSTM, opset 16): attribute 'direction' is "
           "'sideways', expected")
    for fmt in ("--text", "--json", "--dot"):
        r = subprocess.run([dump, path] if fmt == "--text" else [dump, fmt, path],
                           capture_output=True, text=True)
        check("%s %s: exit status" % (name, fmt), r.returncode, 1)
        check("%s %s: the reason on stderr, the node named once" % (name, fmt),
              (why in r.stderr, r.stderr.count("node 'cell'")), (True, 1))
        if fmt == "--json":
            doc = json.loads(r.stdout)
            check(name + ": JSON error", (doc["ok"], why in (doc["error"] or {}).get("message",
                                                                                    "")),
                  (False, True))
            jn = doc["nodes"][0]
            check(name + ": JSON: the If's verdict names the node inside",
                  [(x["attribute"], x["name"]) for x in jn["unsupported_inside"]],
                  [("then_branch", "cell")])


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
    node this runtime lacks (StringNormalizer): the model is invalid, not merely unsupported."""
    H, I = 3, 2
    w = numpy_helper.from_array(np.zeros((1, 4 * H, I), np.float32), "W")
    r = numpy_helper.from_array(np.zeros((1, 4 * H, H), np.float32), "R")
    g = helper.make_graph(
        [helper.make_node("StringNormalizer", ["X"], ["C"], name="det"),
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


def check_macs(name, path, m):
    """Multiply-adds per node, worked out here from the weights' shapes and the stated shapes of
    graph inputs (a symbolic or unstated dimension is free: taken as 1 and named)."""
    doc = json.loads(run_dump("--json", path).stdout)
    inits = {t.name: list(t.dims) for t in m.graph.initializer}
    inputs = {}
    for v in list(m.graph.input) + list(m.graph.value_info):
        if v.name not in inits and v.type.HasField("tensor_type") and v.type.tensor_type.HasField("shape"):
            inputs[v.name] = [d.dim_value if d.HasField("dim_value") else (d.dim_param or "?")
                              for d in v.type.tensor_type.shape.dim]
    total = 0
    for n, jn in zip(m.graph.node, doc["nodes"]):
        want = None
        attrs = {a.name: helper.get_attribute_value(a) for a in n.attribute}
        if n.op_type in ("LSTM", "GRU", "RNN"):
            G = {"LSTM": 4, "GRU": 3, "RNN": 1}[n.op_type]
            D, GH, I = inits[n.input[1]]
            H = inits[n.input[2]][2]
            x = inputs.get(n.input[0])
            layout = attrs.get("layout", 0)
            steps = [x[1 - layout if layout else 0], x[0 if layout else 1]] if x else ["T", "batch"]
            count = D * G * H * (I + H)
            free = [d for d in steps if not isinstance(d, int)]
            for d in steps:
                count *= d if isinstance(d, int) else 1
            want = {"count": count, "per": free}
        elif n.op_type == "Conv" and n.input[1] in inits and n.input[0] in inputs:
            W, x = inits[n.input[1]], inputs[n.input[0]]
            count, free = W[0] * W[1], [] if isinstance(x[0], int) else [x[0]]
            count *= x[0] if isinstance(x[0], int) else 1
            pads = attrs.get("pads", [0] * (2 * (len(W) - 2)))
            for i, k in enumerate(W[2:]):
                count *= k
                s, dl, xin = attrs.get("strides", [1] * 8)[i], attrs.get("dilations", [1] * 8)[i], x[2 + i]
                if isinstance(xin, int):
                    count *= (xin + pads[i] + pads[len(W) - 2 + i] - dl * (k - 1) - 1) // s + 1
                else:
                    free.append(xin)
            want = {"count": count, "per": free}
        if want is not None:
            check("%s: %s multiply-adds" % (name, n.name), jn.get("macs"), want)
        total += (jn.get("macs") or {}).get("count", 0)
    check("%s: total multiply-adds is the nodes' sum" % name, doc["totals"]["macs"], total)


tmp = tempfile.mkdtemp()
for rel in ("tests/data/pytorch/lstm_2layer_bidi/model.onnx", "tests/data/pytorch/crnn_opset17/model.onnx",
            "tests/data/pytorch/gru_packed_bidi/model.onnx", "models/bigru_tagger/model.onnx"):
    check_macs(rel, os.path.join(root, rel), onnx.load(os.path.join(root, rel)))
cases = [(os.path.join(root, p), True) for p in (
    "tests/data/pytorch/lstm_2layer_bidi/model.onnx", "tests/data/pytorch/gru_packed_bidi/model.onnx",
    "models/bigru_tagger/model.onnx", "tests/data/ort/lstm_peephole_bidi_seq/model.onnx")]
# Control flow: an If with LSTMs reading outer weights, Scans, Loops, sequences in subgraphs.
cases += [(os.path.join(root, "tests", "data", d, c, "model.onnx"), True) for d, c in (
    ("control", "if_lstm_outer"), ("control", "scan_lstm_cell_fwd"),
    ("control", "scan_lstm_cell_rev"), ("control", "loop_greedy_decoder"),
    ("control", "scripted_loop"), ("control_stream", "if_lstm_stream"),
    ("control_stream", "scan_lstm_step"), ("trace", "loop_lstm"))]
testdata = os.path.join("/usr/share/libonnx-testdata/data/node")
cases += [(os.path.join(testdata, c, "model.onnx"), True) for c in (
    "test_if", "test_loop11", "test_scan_sum", "test_scan9_sum", "test_if_seq",
    "test_loop13_seq")]
cases += [(hand_built(tmp), True), (nested(tmp), True), (invalid(tmp), False)]
for path, valid in cases:
    name = os.path.relpath(path, root) if path.startswith(root) else os.path.basename(path)
    m = onnx.load(path)
    doc, top = check_json(name, path, m, valid)
    check_dot(name, path, m, top, valid)
    if not valid:
        r = run_dump("--json", path)
        check(name + ": the reason names the tensor", "ghost" in (doc["error"] or {}).get(
            "message", ""), True)
        check(name + ": the reason is on stderr", "ghost" in r.stderr, True)
check_invalid_node(invalid_node(tmp))
check_text_nested(os.path.join(tmp, "nested.onnx"))
check_invalid_in_subgraph(invalid_in_subgraph(tmp))
# --explain: a recurrent node inside an If is explained (exit 0); a model without one, or a
# node name that is not there, gets exit 1 and a message saying which.
lstm_in_if = os.path.join(root, "tests", "data", "control", "if_lstm_outer", "model.onnx")
r = subprocess.run([dump, "--explain", lstm_in_if], capture_output=True, text=True)
check("--explain in an If: exit status", r.returncode, 0)
check("--explain in an If: both branches", ("then_branch/LSTM_then" in r.stdout,
      "else_branch/LSTM_else" in r.stdout, "C[t] = f[t]*C[t-1]" in r.stdout), (True,) * 3)
no_rnn = os.path.join(testdata, "test_scan_sum", "model.onnx")
r = subprocess.run([dump, "--explain", no_rnn], capture_output=True, text=True)
check("--explain without a recurrent node: exit status", r.returncode, 1)
check("--explain without a recurrent node: says so", "no LSTM, GRU or RNN node (" in r.stderr,
      True)
r = subprocess.run([dump, "--explain", "nosuch", lstm_in_if], capture_output=True, text=True)
check("--explain NODE not there: exit status", r.returncode, 1)
check("--explain NODE not there: names it", "named 'nosuch'" in r.stderr, True)
# NODE after the model (MODEL --explain NODE) as before it.
r = subprocess.run([dump, lstm_in_if, "--explain", "If_branch/then_branch/LSTM_then"],
                   capture_output=True, text=True)
check("MODEL --explain NODE", (r.returncode, "then_branch/LSTM_then" in r.stdout,
      "else_branch/LSTM_else" in r.stdout), (0, True, False))
# An option after the model is not taken for a NODE name.
r = subprocess.run([dump, "--explain", lstm_in_if, "--no-external-data"], capture_output=True,
                   text=True)
check("--explain MODEL --no-external-data", (r.returncode, "then_branch/LSTM_then" in r.stdout),
      (0, True))
# Formats that cannot go together are refused, not ignored.
for args in (["--json", "--dot"], ["--explain", "--json"], ["--dot", "--explain"]):
    r = subprocess.run([dump] + args + [lstm_in_if], capture_output=True, text=True)
    check("%s together: a usage error" % " ".join(args),
          (r.returncode, "give one of --json, --dot and --explain" in r.stderr), (2, True))
shutil.rmtree(tmp)
print("%d passed, %d failed" % (checks - len(failures), len(failures)))
sys.exit(1 if failures else 0)
