#!/usr/bin/python3
"""`lstm-run --trace` against gates computed independently (tests/gen/make_trace_cases.py:
PyTorch run step by step with the cell equations written out): every gate of every step within
atol 1e-5, for nodes of the main graph and nodes inside an If branch and a Loop body
(make_trace_control_cases.py: the file stem is the qualified name, the Loop's per-iteration
reports put together along time); and every heatmap is a PNG that decodes (signature, chunk CRCs, zlib stream, size).
Standard library only (the references are committed). Fails when DATA_DIR is missing, holds no
case, or a case has no expected gates.  usage: trace_check.py LSTM_RUN DATA_DIR"""
import glob
import os
import struct
import subprocess
import sys
import tempfile
import zlib

from npy import read_npy

run, root = sys.argv[1], sys.argv[2]
failures = checks = 0


def png_size(path):
    b = open(path, "rb").read()
    assert b[:8] == b"\x89PNG\r\n\x1a\n", "signature"
    i, idat, w = 8, b"", None
    while i < len(b):
        n, typ = struct.unpack(">I4s", b[i:i + 8])
        data = b[i + 8:i + 8 + n]
        assert zlib.crc32(typ + data) == struct.unpack(">I", b[i + 8 + n:i + 12 + n])[0], "CRC of " + typ.decode()
        if typ == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", data[:10])
            assert depth == 8 and ctype == 2
        elif typ == b"IDAT":
            idat += data
        i += 12 + n
    raw = zlib.decompress(idat)
    assert len(raw) == h * (w * 3 + 1), "pixel data size"
    return w, h


cases = sorted(os.listdir(root)) if os.path.isdir(root) else []
if not cases:
    print("FAIL: no trace cases in %s (tests/gen/make_trace_cases.py makes them)" % root)
    print("0 passed, 1 failed")
    sys.exit(1)
for case in cases:
    d = os.path.join(root, case)
    expected = sorted(glob.glob(os.path.join(d, "expected", "*.npy")))
    if not expected:
        print("FAIL %s: no expected gates in %s" % (case, os.path.join(d, "expected")))
        checks += 1
        failures += 1
        continue
    out = tempfile.mkdtemp()
    feeds = []
    for f in sorted(glob.glob(os.path.join(d, "*.npy"))):
        feeds += ["--input", "%s=%s" % (os.path.basename(f)[:-4], f)]
    # Cases with the node inside a subgraph name the file stem lstm-run must use.
    stem_file = os.path.join(d, "trace_stem.txt")
    stems = open(stem_file).read().split() if os.path.exists(stem_file) else ["*"]
    r = subprocess.run([run, os.path.join(d, "model.onnx")] + feeds +
                       ["--trace", out, "--trace-batch", "1"], capture_output=True, text=True)
    if r.returncode:
        print("FAIL %s: lstm-run exited %d: %s" % (case, r.returncode, r.stderr))
        checks += 1
        failures += 1
        continue
    for stem in stems:
        for exp in expected:
            gate = os.path.basename(exp)[:-4]
            got = glob.glob(os.path.join(out, "%s_%s.npy" % (stem, gate)))
            checks += 1
            if len(got) != 1:
                print("FAIL %s %s gate %s: traced files %s" % (case, stem, gate, got))
                failures += 1
                continue
            es, ev = read_npy(exp)
            gs, gv = read_npy(got[0])
            diff = max(abs(a - b) for a, b in zip(ev, gv)) if gs == es else float("inf")
            ok = gs == es and diff <= 1e-5
            failures += not ok
            print("%s %s gate %s %s: max |traced - independent| %.3g" % ("ok  " if ok else "FAIL", case, gate, gs, diff))
            png = got[0][:-4] + ".png"
            checks += 1
            try:
                w, h = png_size(png)
                T, D, B, H = es
                ok = w >= T and h >= D * H
                print("%s %s gate %s heatmap %dx%d" % ("ok  " if ok else "FAIL", case, gate, w, h))
            except (AssertionError, OSError, zlib.error, struct.error) as e:
                ok = False
                print("FAIL %s gate %s heatmap does not decode: %s" % (case, gate, e))
            failures += not ok
print("%d passed, %d failed" % (checks - failures, failures))
sys.exit(1 if failures else 0)
