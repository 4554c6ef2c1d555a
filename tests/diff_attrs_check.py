#!/usr/bin/python3
"""Every attribute an ai.onnx operator version defines is set in at least one case of the
differential corpus (tests/data/diff) at that version, or is listed below as refused.

The attributes of a version come from onnx.defs (Debian's python3-onnx 1.12 knows opsets up to
17). A later version is checked against the attributes of the newest schema known here, less the
ones that later versions turned into inputs (LATER_INPUTS); attributes added after opset 17 are
not known here, so this check cannot miss them in cases (the entries in tests/gen name them).
Exit 77 (SKIP) without python3-onnx or without the corpus.
usage: diff_attrs_check.py CORPUS_DIR"""
import collections
import json
import os
import sys

try:
    import onnx
    from onnx import defs
except ImportError:
    print("SKIP: python3-onnx is not installed")
    sys.exit(77)

# Refused with a message by the runtime (op_const.c: no sparse or string tensors).
REFUSED = {("Constant", "sparse_value"), ("Constant", "value_string"), ("Constant", "value_strings")}
# (op, first version without it): attributes that became inputs after opset 17.
LATER_INPUTS = {(op, 18): "axes" for op in ("ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp",
                                           "ReduceMax", "ReduceMean", "ReduceMin", "ReduceProd",
                                           "ReduceSumSquare")}
LATER_INPUTS[("DFT", 20)] = "axis"


def nodes(g):
    for n in g.node:
        yield n
        for a in n.attribute:
            if a.type == onnx.AttributeProto.GRAPH:
                yield from nodes(a.g)
            for sub in a.graphs:
                yield from nodes(sub)


def schema_attrs(op, v):
    """The attribute names of op at opset v, or None when onnx.defs has no such operator."""
    try:
        s = defs.get_schema(op, min(v, defs.onnx_opset_version()), "")
    except Exception:
        return None
    names = set(s.attributes)
    for (o, since), name in LATER_INPUTS.items():
        if o == op and v >= since:
            names.discard(name)
    return names


root = sys.argv[1]
manifest = os.path.join(root, "manifest.json")
if not os.path.isfile(manifest):
    print("SKIP: no corpus in " + root)
    sys.exit(77)
with open(manifest) as f:
    cases = json.load(f)["cases"]
used = collections.defaultdict(set)  # (op, version) -> attributes set on its nodes
for c in cases:
    m = onnx.load(os.path.join(root, c["name"], "model.onnx"), load_external_data=False)
    mine = [n for n in nodes(m.graph) if n.op_type == c["op"] and n.domain in ("", "ai.onnx")]
    if mine:  # none: a com.microsoft operator's case
        used[(c["op"], c["version"])].update(a.name for n in mine for a in n.attribute)
bad = 0
for (op, v), names in sorted(used.items()):
    want = schema_attrs(op, v)
    if want is None:
        continue
    missing = sorted(a for a in want - names if (op, a) not in REFUSED)
    if missing:
        print("FAIL: %s-%d: no case sets %s" % (op, v, ", ".join(missing)))
        bad += 1
print("%d operator versions checked, %d with an attribute no case sets" % (len(used), bad))
sys.exit(1 if bad else 0)
