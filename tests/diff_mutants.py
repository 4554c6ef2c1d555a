#!/usr/bin/python3
"""Mutation check of the differential corpus (tests/data/diff): for every attribute of every
ai.onnx operator version, models whose attribute is changed must fail some case, so the corpus
would catch an implementation that ignored the attribute.

Each mutant is a case of the corpus with one attribute of its operator's node changed: an int
flag 0 <-> 1, another int + 1, a float x 1.7 + 0.3, a string to "BOGUS", the first element of a
list the same way. Up to PER_ATTR mutants per (operator, version, attribute), from cases with
different values of it first. `lstm-run --test` runs them all; a mutant that still passes its
case's references changed nothing the case looks at. An attribute none of whose mutants fails
is reported, unless NO_EFFECT says why its value cannot change what the cases compare.
Exit 77 (SKIP) without python3-onnx or without the corpus.
usage: diff_mutants.py LSTM_RUN CORPUS_DIR"""
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile

try:
    import onnx
    from onnx import helper
except ImportError:
    print("SKIP: python3-onnx is not installed")
    sys.exit(77)

PER_ATTR = 8
RANDOM = ("Bernoulli", "Multinomial", "RandomNormal", "RandomNormalLike", "RandomUniform",
          "RandomUniformLike")
# (op or None for every op, attribute, versions or None for all): why no value changes the cases.
NO_EFFECT = [
    (None, "consumed_inputs", None, "an in-place hint of versions 1-5"),
    (None, "seed", None, "random outputs are compared by their statistics; Dropout in inference"),
    ("BatchNormalization", "momentum", None, "training only"),
    ("Cast", "saturate", None, "float8 targets only, which the runtime does not have"),
    ("CastLike", "saturate", None, "float8 targets only, which the runtime does not have"),
    ("Dropout", "ratio", (7, 10), "inference: no element is dropped"),
    ("LSTM", "output_sequence", None, "whether Y may be left out (versions 1-6), not its values"),
    ("GRU", "output_sequence", None, "whether Y may be left out (versions 1-6), not its values"),
    ("RNN", "output_sequence", None, "whether Y may be left out (versions 1-6), not its values"),
    ("TopK", "sorted", None, "sorted = 0 leaves the order open; the runtime always sorts"),
]
A = onnx.AttributeProto


def excused(op, v, name):
    return any((o is None or o == op) and n == name and (vs is None or v in vs)
               for o, n, vs, _ in NO_EFFECT) or (name == "seed" and op in RANDOM + ("Dropout",))


def mutate(a):
    """Change attribute a in place; False when it is of a kind left alone (tensors, graphs)."""
    def int_(x):
        return 1 - x if x in (0, 1) else x + 1
    if a.type == A.INT:
        a.i = int_(a.i)
    elif a.type == A.FLOAT:
        a.f = a.f * 1.7 + 0.3
    elif a.type == A.STRING:
        a.s = b"BOGUS"
    elif a.type == A.INTS and len(a.ints):
        a.ints[0] = int_(a.ints[0])
    elif a.type == A.FLOATS and len(a.floats):
        a.floats[0] = a.floats[0] * 1.7 + 0.3
    elif a.type == A.STRINGS and len(a.strings):
        a.strings[0] = b"BOGUS"
    else:
        return False
    return True


def main():
    run, root = sys.argv[1], sys.argv[2]
    manifest = os.path.join(root, "manifest.json")
    if not os.path.isfile(manifest):
        print("SKIP: no corpus in " + root)
        sys.exit(77)
    with open(manifest) as f:
        cases = json.load(f)["cases"]
    # (op, version, attribute) -> value -> [(case, node index)]
    cands = collections.defaultdict(lambda: collections.defaultdict(list))
    for c in cases:
        m = onnx.load(os.path.join(root, c["name"], "model.onnx"), load_external_data=False)
        for i, n in enumerate(m.graph.node):
            if n.op_type == c["op"] and n.domain in ("", "ai.onnx"):
                for a in n.attribute:
                    if a.type in (A.TENSOR, A.GRAPH, A.GRAPHS, A.TENSORS, A.TYPE_PROTO):
                        continue
                    cands[(c["op"], c["version"], a.name)][repr(helper.get_attribute_value(a))].append(
                        (c["name"], i))
    tmp = tempfile.mkdtemp(prefix="diff_mutants")
    try:
        owner = {}
        for key, by_value in cands.items():
            picks = []  # round robin over the values: different values first
            lists = [list(v) for v in by_value.values()]
            while len(picks) < PER_ATTR and any(lists):
                for lst in lists:
                    if lst and len(picks) < PER_ATTR:
                        picks.append(lst.pop(0))
            for k, (case, i) in enumerate(picks):
                m = onnx.load(os.path.join(root, case, "model.onnx"), load_external_data=False)
                a = next(a for a in m.graph.node[i].attribute if a.name == key[2])
                if not mutate(a):
                    continue
                name = "%s__%s_%d" % (case, key[2], k)
                shutil.copytree(os.path.join(root, case), os.path.join(tmp, name))
                onnx.save(m, os.path.join(tmp, name, "model.onnx"))
                owner[name] = key
        r = subprocess.run([run, "--test", tmp], capture_output=True, text=True)
        passed, cur = set(), None
        for line in r.stdout.splitlines():
            if line.startswith(tmp):
                cur = os.path.basename(line.strip())
            elif line.strip() == "PASS" and cur:
                passed.add(cur)
        caught = collections.defaultdict(bool)
        for name, key in owner.items():
            caught[key] |= name not in passed
    finally:
        shutil.rmtree(tmp)
    bad = 0
    for (op, v, name), hit in sorted(caught.items()):
        if hit and excused(op, v, name):
            print("NOTE: %s-%d %s: listed as without effect, but a mutant failed" % (op, v, name))
        elif not hit and not excused(op, v, name):
            print("FAIL: %s-%d: changing attribute '%s' fails no case" % (op, v, name))
            bad += 1
    print("%d mutants of %d attributes; %d attributes whose change no case notices" %
          (len(owner), len(caught), bad))
    return 1 if bad else 0


sys.exit(main())
