#!/usr/bin/python3
"""Every attribute an ai.onnx operator version defines is set, at a value other than its
default, by at least one case of the differential corpus (tests/data/diff) at that version, or
is listed below as refused by the runtime.

The attributes and defaults of a version come from onnx.defs (Debian's python3-onnx 1.12 knows
opsets up to 17). A later version is checked against the newest schema known here, less the
attributes that later versions turned into inputs (LATER_INPUTS); attributes added after opset
17 are not known here, so this check cannot see them (the entries in tests/gen name them).
Exit 77 (SKIP) without python3-onnx or without the corpus.
usage: diff_attrs_check.py CORPUS_DIR"""
import collections
import json
import os
import sys

try:
    import onnx
    from onnx import defs, helper
except ImportError:
    print("SKIP: python3-onnx is not installed")
    sys.exit(77)

# Refused with a message by the runtime: sparse and string constants (op_const.c) ...
REFUSED = {("Constant", "sparse_value"), ("Constant", "value_string"), ("Constant", "value_strings")}
# ... and every value but the default (op_norm.c: training mode; float32 statistics).
ONLY_DEFAULT = {("BatchNormalization", "training_mode"), ("LayerNormalization", "stash_type")}
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


def value(a):
    """An attribute's value in a comparable, hashable form."""
    v = helper.get_attribute_value(a)
    if isinstance(v, list):
        v = tuple(repr(x) if hasattr(x, "SerializeToString") else x for x in v)
    elif hasattr(v, "SerializeToString"):  # tensor, graph, type
        v = repr(v)
    return v


def schema_attrs(op, v):
    """{name: default value or None} of op at opset v, or None when onnx.defs lacks the operator."""
    try:
        s = defs.get_schema(op, min(v, defs.onnx_opset_version()), "")
    except Exception:
        return None
    out = {}
    for name, at in s.attributes.items():
        if any(o == op and v >= since and n == name for (o, since), n in LATER_INPUTS.items()):
            continue
        has_default = at.default_value.type != onnx.AttributeProto.UNDEFINED
        out[name] = value(at.default_value) if has_default else None
    return out


root = sys.argv[1]
manifest = os.path.join(root, "manifest.json")
if not os.path.isfile(manifest):
    print("SKIP: no corpus in " + root)
    sys.exit(77)
with open(manifest) as f:
    cases = json.load(f)["cases"]
seen = collections.defaultdict(lambda: collections.defaultdict(set))  # (op, version) -> name -> values
for c in cases:
    m = onnx.load(os.path.join(root, c["name"], "model.onnx"), load_external_data=False)
    mine = [n for n in nodes(m.graph) if n.op_type == c["op"] and n.domain in ("", "ai.onnx")]
    if mine:  # none: a com.microsoft operator's case
        vals = seen[(c["op"], c["version"])]
        for n in mine:
            for a in n.attribute:
                vals[a.name].add(value(a))
bad = 0
for (op, v), vals in sorted(seen.items()):
    want = schema_attrs(op, v)
    if want is None:
        continue
    unset = sorted(a for a in want if a not in vals and (op, a) not in REFUSED)
    at_default = sorted(a for a, d in want.items() if a in vals and d is not None and
                        vals[a] <= {d} and (op, a) not in ONLY_DEFAULT)
    if unset:
        print("FAIL: %s-%d: no case sets %s" % (op, v, ", ".join(unset)))
    if at_default:
        print("FAIL: %s-%d: no case sets %s to other than the default" % (op, v, ", ".join(at_default)))
    bad += bool(unset or at_default)
print("%d operator versions checked, %d with an attribute no case sets (to other than its "
      "default)" % (len(seen), bad))
sys.exit(1 if bad else 0)
