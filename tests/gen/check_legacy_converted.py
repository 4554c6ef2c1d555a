#!/usr/bin/python3
"""A second reference for the cases of the operator versions before opset 7 (diff_ops_legacy.py),
which onnxruntime mostly refuses (the corpus uses NumPy written from the schemas there): each
case's model is converted by onnx.version_converter to opset 7 and run by onnxruntime, and its
outputs compared with the case's expected ones (rtol 1e-3, atol 1e-5). Not part of the suite:

    /usr/bin/python3 tests/gen/check_legacy_converted.py tests/data/diff

Prints the cases that agree, disagree, that onnxruntime refuses after conversion and those the
converter cannot convert (onnx 1.12's asserts on B placed by axis, no adapters for Cast, Pad,
Split, Tile, Equal, Greater, Less 1). Dropout's mask disagrees: onnxruntime's Dropout 7 writes
zeros in inference, ONNX's reference ones (diff_ops.py's Dropout entry)."""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper, version_converter

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_diff_cases as M  # noqa: E402

src = sys.argv[1]
man = json.load(open(os.path.join(src, "manifest.json")))
legacy = {}
for l in open(os.path.join(HERE, "..", "..", "runtime", "ops", "ops.def")):
    m = re.match(r'X\("", "(\w+)", (\d+), .*_v[16],', l)
    if m: legacy.setdefault(m.group(1), []).append(int(m.group(2)))
work = tempfile.mkdtemp()
jobs, meta, conv_fail = [], [], {}
for c in man["cases"]:
    op, v = c["op"], c["version"]
    if not ((op in legacy and v < 7) or (op == "PRelu" and v < 7)):
        continue
    d = os.path.join(src, c["name"])
    model = onnx.load(os.path.join(d, "model.onnx"))
    try:
        conv = version_converter.convert_version(model, 7)
    except Exception as e:
        conv_fail.setdefault((op, v), []).append(str(e).splitlines()[0][:100]); continue
    jd = os.path.join(work, c["name"]); os.makedirs(jd)
    onnx.save(conv, os.path.join(jd, "model.onnx"))
    feeds = []
    for k, f in enumerate(sorted(glob.glob(os.path.join(d, "test_data_set_0", "input_*.pb")))):
        t = onnx.TensorProto(); t.ParseFromString(open(f, "rb").read())
        a = numpy_helper.to_array(t)
        dt = {np.dtype(np.float32): "float32", np.dtype(np.float64): "float64", np.dtype(np.float16): "float16",
              np.dtype(np.bool_): "bool"}.get(a.dtype, str(a.dtype))
        feeds.append(M.ort_file(t.name, dt, a, os.path.join(jd, "in%d.bin" % k)))
    outs = []
    for f in sorted(glob.glob(os.path.join(d, "test_data_set_0", "output_*.pb"))):
        t = onnx.TensorProto(); t.ParseFromString(open(f, "rb").read()); outs.append((t.name, numpy_helper.to_array(t)))
    jobs.append({"model": os.path.join(jd, "model.onnx"), "feeds": feeds, "out_dir": os.path.join(jd, "out"),
                 "typed": True, "keep_going": True, "optimization": "disabled"})
    meta.append((c, outs, os.path.join(jd, "out")))
json.dump(jobs, open(os.path.join(work, "jobs.json"), "w"))
r = subprocess.run(["node", os.path.join(HERE, "ort_run.js"), os.path.join(work, "jobs.json")],
                   cwd=HERE, capture_output=True, text=True)
print(r.stdout.strip().splitlines()[-1] if r.stdout.strip() else r.stderr[-500:])
ok, bad, refused = {}, [], {}
for c, outs, od in meta:
    key = (c["op"], c["version"])
    if os.path.exists(os.path.join(od, "error.txt")):
        refused.setdefault(key, []).append(open(os.path.join(od, "error.txt")).read().splitlines()[0][:120]); continue
    got = M.read_ort_outputs(od)
    good = True
    for name, exp in outs:
        g = got.get(name)
        if g is None or g.shape != exp.shape: good = False; why = "shape %s vs %s" % (None if g is None else g.shape, exp.shape); break
        if exp.dtype.kind == "f":
            e, gg = exp.astype(np.float64), g.astype(np.float64)
            with np.errstate(invalid="ignore"):
                close = (np.isnan(e) & np.isnan(gg)) | (e == gg) | (np.abs(e - gg) <= 1e-5 + 1e-3 * np.abs(e))
            if not close.all(): good = False; why = "values"; break
        elif not (g == exp).all(): good = False; why = "values"; break
    if good: ok[key] = ok.get(key, 0) + 1
    else: bad.append((c["name"], why))
print("agree:", sum(ok.values()), sorted(ok.items()))
print("disagree:", bad)
print("onnxruntime refused after conversion:", {k: (len(v), v[0]) for k, v in refused.items()})
print("converter failed:", {k: (len(v), v[0]) for k, v in conv_fail.items()})
shutil.rmtree(work)
