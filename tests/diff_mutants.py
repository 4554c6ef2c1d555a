#!/usr/bin/python3
"""Mutation check of the differential corpus (tests/data/diff): for every attribute of every
ai.onnx operator version that some case sets, models with the attribute changed must give
outputs that differ from some case's references, so the corpus would notice a runtime that
ignored the attribute.

Each mutant is a case with one attribute of its operator's node changed to another valid value
where one is known: a flag 0 <-> 1, another int + 1, a float x 1.7 + 0.3, a string or a list of
strings to another value the corpus gives the attribute, a permutation with two entries
swapped, another list's first element as an int. Up to PER_ATTR mutants per (operator, version,
attribute), from cases with different values first. `lstm-run --test --rtol 0 --atol 0` runs
them all (a case's tolerance.txt still applies). A mutant is "noticed" when an output differs;
a refused mutant only shows that the value is checked, so an attribute whose mutants are all
refused or all pass is reported, unless NO_EFFECT says why its value cannot change what the
cases compare, or REFUSED_ONLY why no other valid value exists for it in the corpus. A 0 / 1
flag (FLAGS) set to 2 must be refused.
Exit 77 (SKIP) without python3-onnx or without the corpus.
usage: diff_mutants.py LSTM_RUN CORPUS_DIR"""
import collections
import json
import os
import re
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
# 0 / 1 attributes: the value 2 must be refused (engines read other values differently).
FLAGS = {"align_corners", "allowzero", "antialias", "broadcast", "ceil_mode", "center_point_box",
         "count_include_pad", "detect_negative", "detect_positive", "exclude_outside", "exclusive",
         "fmod", "input_forget", "interleaved", "inverse", "is_causal", "is_test", "keepdims",
         "largest", "layout", "linear_before_reset", "new_axis", "noop_with_empty_axes",
         "onesided", "output_sequence", "periodic", "reverse", "saturate", "select_last_index",
         "sorted", "spatial", "storage_order", "training_mode", "transA", "transB", "upper"}
# (op or None for every op, attribute, versions or None for all, why no value changes the cases)
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
# lstm-run --test's lines for an output compared and found different (values, shape, type).
DIFFERS = re.compile(r"^  output '[^']*'.*(-> FAIL|: shape |: dtype |: got |: a sequence of )", re.M)


def excused(op, v, name):
    return any((o is None or o == op) and n == name and (vs is None or v in vs)
               for o, n, vs, _ in NO_EFFECT)


def mutate(a, seen):
    """Change attribute a in place to another valid value where one is known (seen: the values
    the corpus gives it). Returns False for kinds left alone (tensors, graphs, empty lists)."""
    def int_(x):
        return 1 - x if x in (0, 1) else x + 1
    if a.type == A.INT:
        a.i = int_(a.i)
    elif a.type == A.FLOAT:
        a.f = a.f * 1.7 + 0.3
    elif a.type == A.STRING:
        other = [s for s in seen if isinstance(s, bytes) and s != a.s]
        a.s = other[0] if other else b"BOGUS"
    elif a.type == A.INTS and len(a.ints) >= 2 and a.name == "perm":
        a.ints[0], a.ints[1] = a.ints[1], a.ints[0]
    elif a.type == A.INTS and len(a.ints):
        a.ints[0] = int_(a.ints[0])
    elif a.type == A.FLOATS and len(a.floats):
        a.floats[0] = a.floats[0] * 1.7 + 0.3
    elif a.type == A.STRINGS and len(a.strings):
        other = [s for lst in seen if isinstance(lst, list) for s in lst if s != a.strings[0]]
        a.strings[0] = other[0] if other else b"BOGUS"
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
    # (op, version, attribute) -> value -> [(case, node index)]; (op, attribute) -> values
    cands = collections.defaultdict(lambda: collections.defaultdict(list))
    values = collections.defaultdict(list)
    for c in cases:
        m = onnx.load(os.path.join(root, c["name"], "model.onnx"), load_external_data=False)
        for i, n in enumerate(m.graph.node):
            if n.op_type == c["op"] and n.domain in ("", "ai.onnx"):
                for a in n.attribute:
                    if a.type in (A.TENSOR, A.GRAPH, A.GRAPHS, A.TENSORS, A.TYPE_PROTO):
                        continue
                    v = helper.get_attribute_value(a)
                    cands[(c["op"], c["version"], a.name)][repr(v)].append((c["name"], i))
                    for k in ((c["op"], c["version"], a.name), (c["op"], a.name)):
                        if a.type in (A.STRING, A.STRINGS) and v not in values[k]:
                            values[k].append(v)
    tmp = tempfile.mkdtemp(prefix="diff_mutants")
    bad = 0
    try:
        owner, flag2 = {}, {}

        def write(case, i, name, change):
            m = onnx.load(os.path.join(root, case, "model.onnx"), load_external_data=False)
            a = next(a for a in m.graph.node[i].attribute if a.name == name)
            if not change(a):
                return None
            d = os.path.join(tmp, "%s__%s_%d" % (case, name, len(owner) + len(flag2)))
            shutil.copytree(os.path.join(root, case), d)
            onnx.save(m, os.path.join(d, "model.onnx"))
            return os.path.basename(d)

        for key, by_value in cands.items():
            picks = []  # round robin over the values: different values first
            lists = [list(v) for v in by_value.values()]
            while len(picks) < PER_ATTR and any(lists):
                for lst in lists:
                    if lst and len(picks) < PER_ATTR:
                        picks.append(lst.pop(0))
            # other values of this version first (names change: GridSample's bicubic became cubic)
            seen = values[key] + [v for v in values[(key[0], key[2])] if v not in values[key]]
            for case, i in picks:
                name = write(case, i, key[2], lambda a: mutate(a, seen))
                if name:
                    owner[name] = key
            if key[2] in FLAGS:  # and one with the value 2, which must be refused
                name = write(picks[0][0], picks[0][1], key[2], lambda a: setattr(a, "i", 2) or True)
                flag2[name] = key
        r = subprocess.run([run, "--test", tmp, "--rtol", "0", "--atol", "0"], capture_output=True,
                           text=True)
        verdict, text, cur = {}, collections.defaultdict(str), None
        for line in r.stdout.splitlines():
            if line.startswith(tmp):
                cur = os.path.basename(line.strip())
            elif cur:
                text[cur] += line + "\n"
                if line.strip() in ("PASS", "FAIL"):
                    verdict[cur] = line.strip()
        total = re.search(r"^(\d+) passed, (\d+) failed$", r.stdout, re.M)
        everyone = set(owner) | set(flag2)
        if r.returncode not in (0, 1) or not total or set(verdict) != everyone or \
                int(total.group(1)) + int(total.group(2)) != len(everyone):
            print("FAIL: lstm-run --test exited %d with verdicts for %d of %d mutants\n%s" %
                  (r.returncode, len(verdict), len(everyone), r.stderr[-2000:]))
            return 1
        noticed, refused = collections.defaultdict(bool), collections.defaultdict(bool)
        for name, key in owner.items():
            if verdict[name] == "FAIL":
                differs = bool(DIFFERS.search(text[name]))
                noticed[key] |= differs
                refused[key] |= not differs
            else:
                noticed[key] |= False
        accepted = sorted(key for name, key in flag2.items()
                          if "is 2, expected 0 or 1" not in text[name])
    finally:
        shutil.rmtree(tmp)
    only_refused = []
    for (op, v, name), hit in sorted(noticed.items()):
        if hit and excused(op, v, name):
            print("NOTE: %s-%d %s: listed as without effect, but a mutant's outputs differ" %
                  (op, v, name))
        elif not hit and refused[(op, v, name)]:
            only_refused.append("%s-%d %s" % (op, v, name))
        elif not hit and not excused(op, v, name):
            print("FAIL: %s-%d: changing attribute '%s' changes no case's outputs" % (op, v, name))
            bad += 1
    for op, v, name in accepted:
        print("FAIL: %s-%d: attribute '%s' = 2 is not refused as a 0 / 1 flag" % (op, v, name))
    bad += len(accepted)
    if only_refused:
        print("only refusals (no other valid value known here): " + ", ".join(only_refused))
    print("%d mutants of %d attributes (%d noticed by their outputs, %d only refused), %d flags "
          "set to 2; %d failures" % (len(owner), len(noticed), sum(noticed.values()),
                                     len(only_refused), len(flag2), bad))
    return 1 if bad else 0


sys.exit(main())
