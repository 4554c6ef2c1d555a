#!/usr/bin/python3
"""Differential test cases: every operator of the registry (runtime/ops/ops.def) at every ONNX
operator version each of its rows covers, with onnxruntime's outputs as the reference.

A row with since=S covers every ai.onnx schema version of the operator from S up to the next
row's since (schema versions from onnx.defs, plus diff_case.LATER_VERSIONS beyond the opset 17
that the Debian python3-onnx knows). Each case is one node in a model whose opset is that
version (the smallest opset that selects it), with small randomized tensors (fixed seeds: one
per operator and version), written in the ONNX test-case layout:

    tests/data/diff/<case>/model.onnx, test_data_set_0/input_K.pb, output_K.pb
    [tolerance.txt: "rtol R atol A" where the case is not compared exactly (the suite runs at
     --rtol 0 --atol 0: moves, casts and single correctly rounded operations must be exact)]
    tests/data/diff/manifest.json: every case (op, version, dtype, what it exercises, where
    its reference comes from), what onnxruntime refused, and the versions each row covers.

References: onnxruntime (npm onnxruntime-node, CPU, one thread, graph optimizations off) runs
the same model (bfloat16 graph inputs and outputs go through Cast nodes, which onnxruntime-node
cannot feed). Where an entry gives a NumPy reference it is computed too: it must agree with
onnxruntime (or the generator stops), and it stands in when onnxruntime refuses a case (no
kernel for the type, or a reading it does not implement). Refusals without a NumPy reference
drop the case; both are listed in the manifest.

ADDING AN OPERATOR: add its row to ops.def, then one entry in tests/gen/diff_ops.py (tensor
operators), diff_ops_flow.py (sequences, optionals, control flow), diff_ops_conv.py (the
convolutional front end, on conv_entries.py), diff_ops_resize.py (Resize, Upsample),
diff_ops_unary.py (activations, trigonometric, sign and class), diff_ops_reduce2.py (ReduceMin,
the norm reductions, LpNormalization, MeanVarianceNormalization), diff_ops_logic.py (bitwise,
Mod, CastLike, diagonals, OneHot, GatherND, depth / space), diff_ops_quant.py (quantization) or
diff_ops_misc.py (Pad, TopK, the scatters, variadic and unary math operators...);
com.microsoft operators go in diff_ops_contrib.py with @op(..., domain="com.microsoft") (their
one version is 1; their models import ai.onnx 17 too):

    @op("Neg", types=SIGNED + FLOATS)          # the types the runtime supports
    def neg(g):                                  # called once per schema version g.v
        for dt in g.types():                     # schema types x runtime types
            x = g.rand(dt, g.shape())
            yield g.case("rand_" + dt, "random shape", dt, [In("x", dt, x)],
                         ref=lambda x: -x)

Cover random shapes (size-1 and empty dims where legal), every attribute's non-default values,
negative axes where the version allows them, broadcasting across ranks, optional inputs absent
and present, and every type. g.types() gives every type the schema and the runtime share at the
versions where the schema's type lists change and at the newest version, float32 / int64 at the
others (g.types(sweep=True) always gives all). Sequence and optional values are
In(..., kind="seq" | "opt" | "opt_seq") with out_kinds for outputs (diff_io.py turns them into
tensors for onnxruntime); values a subgraph reads from the outer scope go in outer=[...]. A
case onnxruntime finds invalid stops the generator; give `ort=False, why=...` where
onnxruntime must not be the reference. Then
regenerate (this needs python3-onnx, python3-numpy, node and
`cd tests/gen && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-package-lock`):

    /usr/bin/python3 tests/gen/make_diff_cases.py [OUT_DIR]      (default tests/data/diff)
    DIFF_ONLY=Op1,Op2 ... OUT_DIR     while developing an entry (an incomplete corpus)

HELD-OUT RUNS: the fixed seeds give the same random shapes, values and attributes every time.
DIFF_SALT=N (N > 0) changes every per-operator/version seed (diff_case.seed_of), so a run writes
cases the committed corpus never had; DIFF_SALT=0 (the default) reproduces tests/data/diff byte
for byte (but for the last bits of some float64 NumPy references, whose products OpenBLAS
computes with the CPU's own kernels: keep those files as committed). DIFF_KEEP_GOING=1 writes
the corpus even where onnxruntime and NumPy disagree (with onnxruntime's outputs, the
disagreements listed in OUT_DIR/disagreements.txt): judge each one by the operator's ONNX text. Never commit a salted corpus:

    DIFF_SALT=1 DIFF_KEEP_GOING=1 /usr/bin/python3 tests/gen/make_diff_cases.py /tmp/heldout_1
    build/tools/lstm-run --test /tmp/heldout_1 --rtol 0 --atol 0

tests/test_registry.c fails while a registry row has no case in the manifest.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
from diff_case import (DTYPES, FLOATS, INTS, NEWEST_OPSET, REGISTRY, SUITE_TOL, G,  # noqa: E402
                       as_compute, schema_versions)
from diff_case import CONTRIB_ONNX_OPSET, DOMAINS  # noqa: E402
from diff_io import (OrtForm, cast_value, gather, shapes_of, tensor_proto, value_info,  # noqa: E402
                     value_proto)
import diff_ops  # noqa: E402,F401  (registers the entries)
import diff_ops_conv  # noqa: E402,F401
import diff_ops_einsum  # noqa: E402,F401
import diff_ops_flow  # noqa: E402,F401
import diff_ops_logic  # noqa: E402,F401
import diff_ops_misc  # noqa: E402,F401
import diff_ops_qlinear  # noqa: E402,F401
import diff_ops_quant  # noqa: E402,F401
import diff_ops_reduce2  # noqa: E402,F401
import diff_ops_signal  # noqa: E402,F401
import diff_ops_resize  # noqa: E402,F401
import diff_ops_unary  # noqa: E402,F401
import diff_ops_contrib  # noqa: E402,F401
import diff_ops_pool  # noqa: E402,F401
import diff_ops_norm  # noqa: E402,F401
import diff_ops_attention  # noqa: E402,F401
import diff_ops_grid  # noqa: E402,F401
import diff_ops_bitwise  # noqa: E402,F401
import diff_ops_tscatter  # noqa: E402,F401
import diff_ops_loss  # noqa: E402,F401
import diff_ops_roi  # noqa: E402,F401
import diff_ops_nms  # noqa: E402,F401
import diff_ops_opset26  # noqa: E402,F401
import diff_ops_random  # noqa: E402,F401
import diff_ops_legacy  # noqa: E402,F401  (after the others: it wraps their entries)

OUT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "tests", "data", "diff"))
CHECK_TOL = {"float32": (1e-4, 1e-5), "float64": (1e-9, 1e-12), "float16": (2e-3, 1e-3),
             "bfloat16": (1e-2, 1e-2)}
ORT_TYPES = {"float32": "float32", "float64": "float64", "float16": "float16", "bool": "bool"}
ORT_TYPES.update({t: t for t in INTS})


def registry_rows():
    """(op_type, since) of every ai.onnx row of ops.def, in file order."""
    rows = []
    with open(os.path.join(ROOT, "runtime", "ops", "ops.def")) as f:
        for line in f:
            m = re.match(r'\s*X\("([^"]*)",\s*"([^"]+)",\s*(\d+),', line)
            if m:
                if m.group(1) not in ("", "ai.onnx", "com.microsoft"):
                    raise SystemExit("ops.def: domain '%s' is not handled here" % m.group(1))
                rows.append((m.group(2), int(m.group(3))))
    return rows


def row_versions(rows):
    """[(op, since, until, [versions])]: until is the next row's since (or None)."""
    out = []
    for i, (op, since) in enumerate(rows):
        nxt = [s for o, s in rows[i + 1:] if o == op]
        until = nxt[0] if nxt else None
        vs = [v for v in schema_versions(op)
              if v >= since and (until is None or v < until) and v <= NEWEST_OPSET]
        out.append((op, since, until, vs))
    return out


def ir_version(opset):
    for limit, ir in ((8, 3), (9, 4), (10, 5), (11, 6), (14, 7), (18, 8), (20, 9), (22, 10)):
        if opset <= limit:
            return ir
    return 10


def attr_value(v):
    if isinstance(v, tuple) and len(v) == 3 and v[0] == "tensor":
        return tensor_proto("value", v[1], v[2])
    return v


def present_outputs(c):
    return [o for o in c.outputs if o]


def made_by_pre(c):
    """Names the case's pre_nodes (nodes before the case's node) make: not graph inputs."""
    return {o for n in getattr(c, "pre_nodes", []) for o in n.output}


def build_model(c, out_vals=None, ort=None):
    """The case's model. out_vals: the expected outputs (declares tensor outputs' shapes).
    ort: an OrtForm to fill for onnxruntime (non-tensor and bfloat16 graph I/O rewritten; it
    needs the NumPy reference's outputs as out_vals for the lengths of sequences)."""
    ins = [i.name if i is not None else "" for i in c.inputs]
    while ins and not ins[-1]:
        ins.pop()
    outs = [o if o else "" for o in c.outputs]
    nodes, g_in, inits, g_out = [], [], [], []
    seen = set()
    seen |= made_by_pre(c)
    for i in c.inputs + c.outer:
        if i is None or i.name in seen:
            continue
        seen.add(i.name)
        if i.init:
            inits.append(tensor_proto(i.name, i.dtype, i.value))
            if ir_version(CONTRIB_ONNX_OPSET if c.op in DOMAINS else c.v) < 4:  # IR 3: every
                # initializer is a graph input too
                g_in.append(value_info(i.name, "tensor", i.dtype, list(i.value.shape)))
        elif ort is not None and (i.kind != "tensor" or i.dtype == "bfloat16"):
            ort.feed(i.name, i.kind, i.dtype, i.value)
        else:
            g_in.append(value_info(i.name, i.kind, i.dtype, shapes_of(i.kind, i.value)))
            if ort is not None:
                ort.feeds.append((i.name, i.dtype, i.value))
    attrs = {k: attr_value(v) for k, v in c.attrs.items()}
    node = helper.make_node(c.op, ins, outs, name="node", domain=DOMAINS.get(c.op), **attrs)
    for k, (o, dt, kind) in enumerate(zip(present_outputs(c), c.out_types, c.out_kinds)):
        v = out_vals[k] if out_vals is not None else None
        if ort is not None and (kind != "tensor" or dt == "bfloat16"):
            ort.out(o, kind, dt, v)
        else:
            shp = shapes_of(kind, v) if out_vals is not None else None
            if shp is not None and c.op == "If":  # branches may differ in shape: the rank only
                shp = [None] * len(shp)
            if shp is not None and c.op == "STFT":  # onnxruntime's shape inference counts
                shp = [None] * len(shp)  # frames from n/2+1 bins when onesided: the rank only
            g_out.append(value_info(o, kind, dt, shp))
            if ort is not None:
                ort.fetch.append(("tensor", o))
    nodes = [node]
    nodes = list(getattr(c, "pre_nodes", [])) + nodes
    if ort is not None:
        nodes = ort.pre + nodes + ort.post
        g_in += ort.g_in
        g_out += ort.g_out
        inits += ort.inits
    graph = helper.make_graph(nodes, c.name, g_in, g_out, initializer=inits)
    opsets = [helper.make_opsetid("", c.v)]
    if c.op in DOMAINS:  # com.microsoft version c.v, with ai.onnx for the inserted casts
        opsets = [helper.make_opsetid("", CONTRIB_ONNX_OPSET), helper.make_opsetid(DOMAINS[c.op], c.v)]
    m = helper.make_model(graph, opset_imports=opsets, producer_name="tests/gen/make_diff_cases.py")
    m.ir_version = ir_version(CONTRIB_ONNX_OPSET if c.op in DOMAINS else c.v)
    return m


def ort_file(name, dt, a, path):
    """Write one onnxruntime-node feed; returns its job entry."""
    a = np.asarray(a)
    if dt == "float16":
        a.astype(np.float16).view(np.uint16).tofile(path)
    elif dt == "bool":
        a.astype(np.uint8).tofile(path)
    else:
        a.astype(DTYPES[dt][1]).tofile(path)
    return {"name": name, "dtype": ORT_TYPES[dt], "dims": list(a.shape), "file": path}


def read_ort_outputs(outdir):
    meta = json.load(open(os.path.join(outdir, "outputs.json")))
    res = {}
    for name, m in meta.items():
        raw = np.fromfile(os.path.join(outdir, name + ".bin"), np.uint8)
        t = m["type"]
        if t == "float16":
            a = raw.view(np.uint16).view(np.float16)
        elif t == "bool":
            a = raw.astype(np.bool_)
        else:
            a = raw.view({"float32": np.float32, "float64": np.float64, **{k: DTYPES[k][1] for k in INTS}}[t])
        res[name] = a.reshape(m["dims"])
    return res


def to_held(kind, dt, v):
    """onnxruntime's output as held: bfloat16 comes back as float32 from the Cast."""
    if v is None or isinstance(v, str) or dt != "bfloat16":
        return v
    return cast_value(kind, dt, v)


def compute_value(i):
    """An input's value as the NumPy references see it (floats as float64)."""
    if i.kind in ("seq", "opt_seq"):
        return None if i.value is None else [as_compute(a, i.dtype) for a in i.value]
    return None if i.value is None else as_compute(i.value, i.dtype)


def run_ref(c):
    vals = [compute_value(i) for i in c.inputs + c.outer if i is not None]
    with np.errstate(all="ignore"):
        r = c.ref(*vals)
    r = list(r) if isinstance(r, tuple) or (isinstance(r, list) and len(c.out_types) > 1) else [r]
    if len(r) != len(c.out_types):
        raise SystemExit("%s: the NumPy reference gives %d outputs, the case has %d" % (c.name, len(r), len(c.out_types)))
    with np.errstate(all="ignore"):
        return [cast_value(kind, dt, a) for a, dt, kind in zip(r, c.out_types, c.out_kinds)]


def agree(a, b, dt, check=None):
    """onnxruntime's output a against the NumPy reference b (same dtype and kind). check: the
    case's own (rtol, atol) for this check (c.check_tol), else CHECK_TOL of the type."""
    if isinstance(b, list) or isinstance(a, list):
        if not isinstance(a, list) or not isinstance(b, list) or len(a) != len(b):
            return False, "sequences of %s and %s items" % (len(a) if isinstance(a, list) else a,
                                                            len(b) if isinstance(b, list) else b)
        for k, (x, y) in enumerate(zip(a, b)):
            ok, why = agree(x, y, dt, check) if x is not None else (False, "missing")
            if not ok:
                return False, "item %d: %s" % (k, why)
        return True, ""
    if a is None or b is None or isinstance(a, str):
        return (a is None) == (b is None), "an optional: onnxruntime %s, NumPy %s" % (
            "empty" if a is None else "present", "empty" if b is None else "present")
    if a.shape != b.shape:
        return False, "shape %s vs %s" % (a.shape, b.shape)
    if dt not in FLOATS:
        bad = int(np.sum(a != b))
        return bad == 0, "%d elements differ" % bad
    x, y = np.asarray(a, np.float64), np.asarray(b, np.float64)
    rtol, atol = check or CHECK_TOL[dt]
    both_nan = np.isnan(x) & np.isnan(y)
    same_inf = np.isinf(x) & (x == y)
    with np.errstate(invalid="ignore"):
        ok = both_nan | same_inf | (np.abs(x - y) <= atol + rtol * np.abs(y))
    if ok.all():
        return True, ""
    k = int(np.argmax(~ok.reshape(-1)))
    return False, "%d elements differ, e.g. at %d: onnxruntime %r, NumPy %r" % (
        int(np.sum(~ok)), k, x.reshape(-1)[k], y.reshape(-1)[k])


def short_error(msg):
    """onnxruntime's message without source paths and C++ signatures."""
    msg = msg.strip().splitlines()[0] if msg.strip() else msg
    msg = re.sub(r"/onnxruntime_src/\S+ ", "", msg)
    msg = re.sub(r"[A-Za-z_:<>, ]+\([^()]*\) ", "", msg, count=1) if "onnxruntime::" in msg else msg
    return msg[:300]


def case_tol(c):
    return c.tol


def write(c, expected, root):
    model = build_model(c, out_vals=expected)
    if c.v <= onnx.defs.onnx_opset_version():
        try:
            # full_check: shape inference too; a case may turn it off (c.infer False) where
            # onnx's own function body of the operator fails it for types its schema allows.
            onnx.checker.check_model(model, full_check=getattr(c, "infer", True))
        except (onnx.checker.ValidationError, onnx.shape_inference.InferenceError) as e:
            raise SystemExit("%s: %s" % (c.name, str(e).splitlines()[0]))
    d = os.path.join(root, c.name)
    ts = os.path.join(d, "test_data_set_0")
    os.makedirs(ts)
    with open(os.path.join(d, "model.onnx"), "wb") as f:
        f.write(model.SerializeToString())
    k = 0
    seen = set()
    seen |= made_by_pre(c)
    for i in c.inputs + c.outer:
        if i is None or i.init or i.name in seen:
            continue
        seen.add(i.name)
        with open(os.path.join(ts, "input_%d.pb" % k), "wb") as f:
            f.write(value_proto(i.name, i.kind, i.dtype, i.value).SerializeToString())
        k += 1
    for k, (o, dt, kind, a) in enumerate(zip(present_outputs(c), c.out_types, c.out_kinds, expected)):
        with open(os.path.join(ts, "output_%d.pb" % k), "wb") as f:
            f.write(value_proto(o, kind, dt, a).SerializeToString())
    tol = case_tol(c)
    if tol is not None and tuple(tol) != SUITE_TOL:
        with open(os.path.join(d, "tolerance.txt"), "w") as f:
            f.write("rtol %g atol %g\n" % tuple(tol))


def main():
    rows = row_versions(registry_rows())
    only = os.environ.get("DIFF_ONLY")  # development: OP,OP,... (writes an incomplete corpus)
    if only:
        rows = [r for r in rows if r[0] in only.split(",")]
    # Every version: an operator's first row is its first schema version.
    early = sorted("%s %s" % (op, [v for v in schema_versions(op) if v < since])
                   for op, since, _, _ in rows if op not in DOMAINS and
                   since == min(s for o, s, _, _ in rows if o == op) and
                   any(v < since for v in schema_versions(op)))
    if early:
        raise SystemExit("versions before the registry's first row: " + ", ".join(early))
    missing = sorted({op for op, _, _, _ in rows if op not in REGISTRY})
    if missing:
        raise SystemExit("no diff_ops.py entry for: " + ", ".join(missing))
    cases, names = [], set()
    for op, since, until, vs in rows:
        if not vs:
            raise SystemExit("%s row since %d covers no schema version" % (op, since))
        covered = [u for o, _, _, us in rows if o == op for u in us]
        for v in vs:
            g = G(op, v, covered)
            got = list(REGISTRY[op][0](g))
            if not got:
                raise SystemExit("%s version %d: the entry yields no case" % (op, v))
            for c in got:
                if c.name in names:
                    raise SystemExit("duplicate case name " + c.name)
                names.add(c.name)
                cases.append(c)
    for c in cases:
        c.ref_out = run_ref(c) if c.ref is not None else None
        if any(k != "tensor" for k in c.out_kinds) and c.ref_out is None:
            raise SystemExit("%s: sequence and optional outputs need a NumPy reference" % c.name)
    work = tempfile.mkdtemp(prefix="diffcases")
    jobs = []
    for n, c in enumerate(cases):
        if not c.ort:
            continue
        d = os.path.join(work, "%04d" % n)
        os.makedirs(d)
        c.ort_form = OrtForm()
        om = build_model(c, out_vals=c.ref_out, ort=c.ort_form)
        for o in om.graph.output:  # onnxruntime infers the shapes itself
            if o.type.HasField("tensor_type"):
                o.type.tensor_type.ClearField("shape")
        onnx.save(om, os.path.join(d, "model.onnx"))
        feeds = [ort_file(name, dt, a, os.path.join(d, "in%d.bin" % k))
                 for k, (name, dt, a) in enumerate(c.ort_form.feeds)]
        c.ort_dir = os.path.join(d, "out")
        jobs.append({"model": os.path.join(d, "model.onnx"), "feeds": feeds, "out_dir": c.ort_dir,
                     "typed": True, "keep_going": True, "optimization": "disabled"})
    with open(os.path.join(work, "jobs.json"), "w") as f:
        json.dump(jobs, f)
    r = subprocess.run(["node", os.path.join(HERE, "ort_run.js"), os.path.join(work, "jobs.json")],
                       cwd=HERE, check=True, capture_output=True, text=True)
    ort_line = r.stdout.strip().splitlines()[-1]
    ort_name = ort_line.split(":")[0]
    print(ort_line)

    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    manifest, refused, disagreements = [], [], []
    for c in cases:
        ref = c.ref_out
        entry = {"op": c.op, "version": c.v, "name": c.name, "opset": c.v, "dtype": c.dtype,
                 "exercises": c.what}
        expected = None
        if c.ort:
            err = os.path.join(c.ort_dir, "error.txt")
            if os.path.exists(err):
                full = open(err).read()
                msg = short_error(full)
                # A model onnxruntime finds invalid is a generator bug, unless the complaint is
                # about a node onnxruntime made itself (inserted casts, expanded functions).
                if ("invalid model" in full or "InferenceError" in full) and not (
                        "Inserted" in full or "in node ()" in full):
                    raise SystemExit("%s: onnxruntime finds the model invalid: %s" % (c.name, msg))
                refused.append({"name": c.name, "op": c.op, "version": c.v, "dtype": c.dtype,
                                "exercises": c.what, "onnxruntime": msg,
                                "outcome": "NumPy reference" if ref is not None else "dropped"})
                if ref is None:
                    continue
                expected = ref
                entry["reference"] = "NumPy (onnxruntime refused: %s)" % msg
            else:
                got = read_ort_outputs(c.ort_dir)
                expected = [to_held(kind, dt, gather(f, got))
                            for f, dt, kind in zip(c.ort_form.fetch, c.out_types, c.out_kinds)]
                entry["reference"] = ort_name
                if ref is not None:
                    for k, (a, b, dt) in enumerate(zip(expected, ref, c.out_types)):
                        ok, why = agree(a, b, dt, getattr(c, "check_tol", None))
                        if not ok:
                            disagreements.append("%s output %d (%s): %s" % (c.name, k, dt, why))
                    entry["reference"] += ", cross-checked with NumPy"
        else:
            expected = ref
            entry["reference"] = "NumPy (%s)" % c.why
        tol = case_tol(c)
        entry["tolerance"] = list(tol if tol is not None else SUITE_TOL)
        write(c, expected, OUT)
        manifest.append(entry)
    shutil.rmtree(work)
    if disagreements and os.environ.get("DIFF_KEEP_GOING"):  # held-out runs: list, go on
        with open(os.path.join(OUT, "disagreements.txt"), "w") as f:
            f.write("".join(d + "\n" for d in disagreements))
        print("onnxruntime and NumPy disagree (onnxruntime's outputs written):\n  " +
              "\n  ".join(disagreements))
    elif disagreements:
        raise SystemExit("onnxruntime and NumPy disagree:\n  " + "\n  ".join(disagreements))

    covered = {}
    for e in manifest:
        covered.setdefault((e["op"], e["version"]), 0)
        covered[(e["op"], e["version"])] += 1
    row_list = []
    for op, since, until, vs in rows:
        row_list.append({"op": op, "since": since, "until": until,
                         "versions": {str(v): covered.get((op, v), 0) for v in vs}})
        for v in vs:
            if not covered.get((op, v)):
                raise SystemExit("%s version %d has no case left (every one refused)" % (op, v))
    # One case, one refusal, one row per line: tests/test_registry.c reads the file line by line.
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        f.write('{\n"generator": "tests/gen/make_diff_cases.py",\n')
        f.write('"onnxruntime": %s,\n' % json.dumps(ort_name))
        f.write('"rows": [\n' + ",\n".join(json.dumps(r) for r in row_list) + "\n],\n")
        f.write('"refused": [\n' + ",\n".join(json.dumps(r) for r in refused) + "\n],\n")
        f.write('"cases": [\n' + ",\n".join(json.dumps(e) for e in manifest) + "\n]\n}\n")
    size = sum(os.path.getsize(os.path.join(dp, fn)) for dp, _, fns in os.walk(OUT) for fn in fns)
    print("%d cases (%d refused by onnxruntime: %d with a NumPy reference, %d dropped), %d bytes in %s" % (
        len(manifest), len(refused), sum(r["outcome"] != "dropped" for r in refused),
        sum(r["outcome"] == "dropped" for r in refused), size, OUT))


if __name__ == "__main__":
    main()
