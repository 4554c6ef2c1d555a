#!/usr/bin/python3
"""Every attribute an ai.onnx operator version defines is set, at a value other than its
default, by at least one case of the differential corpus (tests/data/diff) at that version, or
is listed below as refused by the runtime; and every attribute or input whose text allows
negative values (axes counted from the back, pads that crop, positions, steps) is negative in
at least one case (inputs: where their values are in the model or its test data).

The attributes and defaults of a version come from onnx.defs (Debian's python3-onnx 1.12 knows
opsets up to 17). A later version is checked against the newest schema known here, less the
attributes that later versions turned into inputs (LATER_INPUTS); attributes added after opset
17 are not known here, so this check cannot see them (the entries in tests/gen name them).
Exit 77 (SKIP) without python3-onnx or without the corpus.
usage: diff_attrs_check.py CORPUS_DIR"""
import collections
import json
import os
import re
import sys

try:
    import numpy as np
    import onnx
    from onnx import defs, helper, numpy_helper
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
# Texts that allow negative values ("detect_negative" of IsInf is a flag, not a value).
NEGATIVE = re.compile(r"[Nn]egative value|if negative|from the back|\[-r, ?r ?- ?1\]|\[-s, ?s ?- ?1\]")
NOT_VALUES = {"detect_negative", "depth"}  # a flag; OneHot's depth text gives the indices' range


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


def known_values(case_dir, m):
    """{name: array} of the initializers, Constant outputs and test inputs of a case."""
    vals = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    for n in nodes(m.graph):
        if n.op_type == "Constant" and n.attribute and n.attribute[0].name == "value":
            vals[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
    feeds = [i.name for i in m.graph.input if i.name not in vals]
    for k, name in enumerate(feeds):
        t = onnx.TensorProto()
        try:
            with open(os.path.join(case_dir, "test_data_set_0", "input_%d.pb" % k), "rb") as f:
                t.ParseFromString(f.read())
            vals[name] = numpy_helper.to_array(t)
        except Exception:  # a sequence or optional input, or none
            pass
    return vals


def schema(op, v):
    try:
        return defs.get_schema(op, min(v, defs.onnx_opset_version()), "")
    except Exception:
        return None


def schema_attrs(op, v):
    """{name: default value or None} of op at opset v, or None when onnx.defs lacks the operator."""
    s = schema(op, v)
    if s is None:
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
negative = collections.defaultdict(dict)  # (op, version) -> name -> some case has a negative value
unknown = set()
for c in cases:
    d = os.path.join(root, c["name"])
    m = onnx.load(os.path.join(d, "model.onnx"), load_external_data=False)
    mine = [n for n in nodes(m.graph) if n.op_type == c["op"] and n.domain in ("", "ai.onnx")]
    s = schema(c["op"], c["version"])
    if not mine:  # a com.microsoft operator's case
        continue
    if s is None:  # an operator newer than onnx.defs knows
        unknown.add("%s-%d" % (c["op"], c["version"]))
        continue
    key = (c["op"], c["version"])
    known = known_values(d, m)
    for n in mine:
        for a in n.attribute:
            seen[key][a.name].add(value(a))
            at = s.attributes.get(a.name)
            if at is not None and a.name not in NOT_VALUES and NEGATIVE.search(at.description):
                v = helper.get_attribute_value(a)
                neg = isinstance(v, (int, list)) and bool((np.asarray(v) < 0).any())
                negative[key][a.name] = negative[key].get(a.name, False) or neg
        for i, name in enumerate(n.input):
            if (name in known and i < len(s.inputs) and s.inputs[i].name not in NOT_VALUES and
                    NEGATIVE.search(s.inputs[i].description)):
                neg = bool((np.asarray(known[name]) < 0).any())
                formal = s.inputs[i].name
                negative[key][formal] = negative[key].get(formal, False) or neg
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
    never = sorted(a for a, neg in negative[(op, v)].items() if not neg)
    if never:
        print("FAIL: %s-%d: no case gives %s a negative value" % (op, v, ", ".join(never)))
    bad += bool(unset or at_default or never)
print("%d operator versions checked, %d with an attribute no case sets (to other than its "
      "default, or negative where allowed); not known to this onnx.defs, so not checked: %s" %
      (len(seen), bad, ", ".join(sorted(unknown))))
sys.exit(1 if bad else 0)
