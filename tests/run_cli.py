#!/usr/bin/python3
"""lstm-run's command line: inputs from .pb / .npy / .npz, generated inputs, --output-dir in
both formats (checked against PyTorch's outputs), --expect against PyTorch's outputs, --bench's
report, --test summaries, and the messages for wrong inputs. Standard library only.  usage: run_cli.py LSTM_RUN REPO_ROOT"""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
from zlib import crc32 as zlib_crc

from npy import npy_bytes, read_raw

run, root = sys.argv[1], sys.argv[2]
tmp = tempfile.mkdtemp()
failures = []
checks = 0


def check(name, cond, detail=""):
    global checks
    checks += 1
    print("%s %s %s" % ("ok  " if cond else "FAIL", name, detail if not cond else ""))
    if not cond:
        failures.append(name)


def lstm_run(*args):
    r = subprocess.run([run] + list(args), capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


def varint(b, i):
    v = s = 0
    while True:
        c = b[i]
        i += 1
        v |= (c & 0x7F) << s
        s += 7
        if not c & 0x80:
            return v, i


def fields(b):
    """(field, wire type, value or bytes) of a serialized message."""
    i, out = 0, []
    while i < len(b):
        tag, i = varint(b, i)
        f, wt = tag >> 3, tag & 7
        if wt == 0:
            v, i = varint(b, i)
        elif wt == 2:
            n, i = varint(b, i)
            v, i = b[i:i + n], i + n
        else:
            v, i = None, i + (4 if wt == 5 else 8)
        out.append((f, wt, v))
    return out


def tensor_values(b):
    """(dims, data_type, int64 values) of a TensorProto in int64_data or raw_data."""
    dims, dt, vals = [], 0, []
    for f, wt, v in fields(b):
        if f == 1 and wt == 0:
            dims.append(v)
        elif f == 2:
            dt = v
        elif f == 7 and wt == 2:  # packed int64_data
            j = 0
            while j < len(v):
                x, j = varint(v, j)
                vals.append(x - (1 << 64) if x >= 1 << 63 else x)
        elif f == 9:
            vals = list(struct.unpack("<%dq" % (len(v) // 8), v))
    return dims, dt, vals


def read_pb(path):
    """(dims, data_type, raw bytes) of a TensorProto written with raw_data."""
    b = open(path, "rb").read()
    i, dims, dt, raw = 0, [], 0, b""
    while i < len(b):
        tag, i = varint(b, i)
        f, wt = tag >> 3, tag & 7
        if wt == 0:
            v, i = varint(b, i)
            if f == 1:
                dims.append(v)
            elif f == 2:
                dt = v
        elif wt == 2:
            n, i = varint(b, i)
            if f == 9:
                raw = b[i:i + n]
            elif f == 1:  # packed dims
                j = i
                while j < i + n:
                    v, j = varint(b, j)
                    dims.append(v)
            i += n
        elif wt == 5:
            i += 4
        elif wt == 1:
            i += 8
    return dims, dt, raw


def read_npy(path):
    shape, _, raw = read_raw(path)
    return shape, raw


def floats(raw):
    return struct.unpack("<%df" % (len(raw) // 4), raw)


def close(a, b, rtol=1e-3, atol=1e-5):
    return len(a) == len(b) and all(abs(x - y) <= atol + rtol * abs(y) for x, y in zip(a, b))


clf = os.path.join(root, "models", "lstm_classifier")
case = os.path.join(clf, "test_data_set_2")
dims, dt, raw = read_pb(os.path.join(case, "input_0.pb"))
_, _, want = read_pb(os.path.join(case, "output_0.pb"))

# .npy input, --output-dir in npy and pb
with open(os.path.join(tmp, "x.npy"), "wb") as f:
    f.write(npy_bytes("<f4", dims, raw))
rc, out, err = lstm_run(os.path.join(clf, "model.onnx"), "--input", "features=" + os.path.join(tmp, "x.npy"),
                        "--output-dir", os.path.join(tmp, "out"))
check("npy input runs", rc == 0, err)
check("summary printed", re.search(r"probs: float32 \[%d, 4\]  min .* max .* mean" % dims[0], out) is not None, out)
shape, got = read_npy(os.path.join(tmp, "out", "probs.npy"))
check("npy output matches PyTorch", shape == [dims[0], 4] and close(floats(got), floats(want)))
rc, out, err = lstm_run(os.path.join(clf, "model.onnx"), "--input", "features=" + os.path.join(case, "input_0.pb"),
                        "--output-dir", os.path.join(tmp, "outpb"), "--format", "pb")
gd, gt, graw = read_pb(os.path.join(tmp, "outpb", "probs.pb"))
check("pb input, pb output matches PyTorch", rc == 0 and gd == [dims[0], 4] and gt == 1 and close(floats(graw), floats(want)))

# .npz bundle (stored, with the ZIP64 extra numpy writes is covered by numpy-made files; here plain)
with zipfile.ZipFile(os.path.join(tmp, "in.npz"), "w", zipfile.ZIP_STORED) as z:
    z.writestr("features.npy", npy_bytes("<f4", dims, raw))
rc, out, err = lstm_run(os.path.join(clf, "model.onnx"), "--inputs", os.path.join(tmp, "in.npz"),
                        "--output-dir", os.path.join(tmp, "outnpz"))
check("npz bundle", rc == 0 and close(floats(read_npy(os.path.join(tmp, "outnpz", "probs.npy"))[1]), floats(want)), err)
npz = os.path.join(root, "tests", "data", "cli", "features.npz")  # np.savez: ZIP64 extras
rc, out, err = lstm_run(os.path.join(clf, "model.onnx"), "--input", "features=" + npz,
                        "--output-dir", os.path.join(tmp, "outnp"))
check("numpy-written npz", rc == 0 and close(floats(read_npy(os.path.join(tmp, "outnp", "probs.npy"))[1]), floats(want)), err)
# Deflated members (np.savez_compressed; here Python's zlib at every level, 0 is stored blocks),
# Fortran order (np.save of a transposed array) and big-endian elements read as the same tensor.
for level in range(10):
    with zipfile.ZipFile(os.path.join(tmp, "c.npz"), "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        z.writestr("features.npy", npy_bytes("<f4", dims, raw))
    od = os.path.join(tmp, "outc%d" % level)
    rc, out, err = lstm_run(os.path.join(clf, "model.onnx"), "--inputs", os.path.join(tmp, "c.npz"),
                            "--output-dir", od)
    check("deflated npz, zlib level %d" % level,
          rc == 0 and close(floats(read_npy(os.path.join(od, "probs.npy"))[1]), floats(want)), err)
n_el = len(raw) // 4
cidx = [((i * dims[1]) + j) * dims[2] + k for k in range(dims[2]) for j in range(dims[1])
        for i in range(dims[0])]  # C offsets in Fortran order: the first index fastest
fraw = b"".join(raw[4 * c:4 * c + 4] for c in cidx)
fortran = npy_bytes("<f4", dims, fraw).replace(b"'fortran_order': False", b"'fortran_order': True ")
bigend = npy_bytes(">f4", dims, b"".join(raw[4 * i:4 * i + 4][::-1] for i in range(n_el)))
for name, data in (("Fortran-order", fortran), ("big-endian", bigend)):
    path = os.path.join(tmp, "layout.npy")
    with open(path, "wb") as f:
        f.write(data)
    od = os.path.join(tmp, "out_layout")
    rc, out, err = lstm_run(os.path.join(clf, "model.onnx"), "--input", "features=" + path,
                            "--output-dir", od)
    check("%s .npy" % name,
          rc == 0 and close(floats(read_npy(os.path.join(od, "probs.npy"))[1]), floats(want)), err)
# Shapes whose size overflows, and a header without spaces (fortran_order:True).
for name, descr, fo in (("big-endian", ">f4", False), ("Fortran-order", "<f4", True)):
    data = npy_bytes(descr, [4611686018427387905, 1], b"\0" * 4)
    if fo:
        data = data.replace(b"'fortran_order': False", b"'fortran_order': True ")
    with open(os.path.join(tmp, "ovf.npy"), "wb") as f:
        f.write(data)
    rc, out, err = lstm_run(os.path.join(clf, "model.onnx"), "--input",
                            "features=" + os.path.join(tmp, "ovf.npy"))
    check("%s .npy whose size overflows: a message" % name, rc == 1 and "overflows" in err, err)
spaced = b"'descr': '<f4', 'fortran_order': True , "
tight = fortran.replace(spaced, b"'descr':'<f4','fortran_order':True,".ljust(len(spaced)))
with open(os.path.join(tmp, "tight.npy"), "wb") as f:
    f.write(tight)
rc, out, err = lstm_run(os.path.join(clf, "model.onnx"), "--input", "features=" + os.path.join(tmp, "tight.npy"),
                        "--output-dir", os.path.join(tmp, "out_tight"))
check("fortran_order:True without spaces",
      rc == 0 and close(floats(read_npy(os.path.join(tmp, "out_tight", "probs.npy"))[1]), floats(want)), err)
# A damaged deflated member, a bad CRC, another compression method: messages, exit 1.
with open(os.path.join(tmp, "c.npz"), "rb") as f:
    good = f.read()
at = good.index(b"features.npy") + len(b"features.npy") + 40
for what, data, msg in (
        ("damaged deflate data", good[:at] + bytes([good[at] ^ 0x55]) + good[at + 1:],
         ("bad compressed data", "CRC-32 mismatch")),
        ("bad CRC", good[:14] + bytes([good[14] ^ 1]) + good[15:], ("CRC-32 mismatch",)),
        ("compression method 12", good[:8] + b"\x0c" + good[9:], ("compression method 12",)),
        # an incomplete literal/length code, which zlib refuses too, decoding to "A"
        ("an incomplete Huffman code", None, ("a bad Huffman code",))):
    if data is None:  # a local header for it, by hand
        stream = bytes.fromhex("05e081080000008000b0ed2f7508")
        hdr = struct.pack("<IHHHHHIIIHH", 0x04034b50, 20, 0, 8, 0, 0, zlib_crc(b"A"), len(stream), 1,
                          len("features.npy"), 0)
        data = hdr + b"features.npy" + stream
    with open(os.path.join(tmp, "bad.npz"), "wb") as f:
        f.write(data)
    rc, out, err = lstm_run(os.path.join(clf, "model.onnx"), "--inputs", os.path.join(tmp, "bad.npz"))
    check("npz with %s: a message" % what, rc == 1 and any(m in err for m in msg), err)

# generated inputs with --dim, --seed reproducible
a = lstm_run(os.path.join(clf, "model.onnx"), "--dim", "batch=3", "--dim", "T=7", "--seed", "5")
b = lstm_run(os.path.join(clf, "model.onnx"), "--dim", "batch=3", "--dim", "T=7", "--seed", "5")
check("generated inputs", a[0] == 0 and "generated input 'features': float32 [3, 7, 8]" in a[1], a[2])
check("same seed, same output", a[1] == b[1])

# wrong inputs
rc, out, err = lstm_run(os.path.join(clf, "model.onnx"), "--input", "nope=" + os.path.join(tmp, "x.npy"))
check("unknown input name", rc == 1 and "no input named 'nope'" in err, err)
with open(os.path.join(tmp, "bad.npy"), "wb") as f:
    f.write(npy_bytes("<f4", [2, 3, 5], b"\0" * 120))
rc, out, err = lstm_run(os.path.join(clf, "model.onnx"), "--input", "features=" + os.path.join(tmp, "bad.npy"))
check("wrong shape", rc == 1 and "input 'features' has shape [2,3,5], the model expects [batch,T,8]" in err, err)
with open(os.path.join(tmp, "int.npy"), "wb") as f:
    f.write(npy_bytes("<i8", [1, 2, 8], b"\0" * 128))
rc, out, err = lstm_run(os.path.join(clf, "model.onnx"), "--input", "features=" + os.path.join(tmp, "int.npy"))
check("wrong dtype", rc == 1 and "input 'features' is int64, the model expects float32" in err, err)
rc, out, err = lstm_run(os.path.join(clf, "model.onnx"), "--input", "features")
check("usage error", rc == 2 and "NAME=FILE" in err, err)
cm = os.path.join(clf, "model.onnx")
rc, out, err = lstm_run(cm, "--input", "features=" + os.path.join(tmp, "x.npy"), "--input",
                        "features=" + os.path.join(tmp, "x.npy"))
check("--input twice for one name", rc == 2 and "--input features is given twice" in err, err)
rc, out, err = lstm_run(cm, "--dim", "batch=2", "--dim", "batch=3")
check("--dim twice for one symbol", rc == 2 and "--dim batch is given twice" in err, err)
rc, out, err = lstm_run(cm, "--dim", "Q=7")
check("--dim for a symbol the model lacks",
      rc == 1 and "no input of the model has a dimension named 'Q' (its symbols: batch, T)" in err, err)
for args, what in ((["--time-axis", "1"], "--time-axis goes with --chunk K or --stream K"),
                   (["--format", "pb"], "--format goes with --output-dir DIR"),
                   (["--trace-batch", "1"], "--trace-batch goes with --trace DIR"),
                   (["--chunk", "2", "--bench", "3"], "do not go with --chunk")):
    rc, out, err = lstm_run(cm, *args)
    check("%s alone is a usage error" % args[0], rc == 2 and what in err, err)
rc, out, err = lstm_run(cm, "--inputs", os.path.join(tmp, "nope.npz"))
check("--inputs that cannot be read", rc == 1 and "nope.npz': No such file" in err, err)
with zipfile.ZipFile(os.path.join(tmp, "be.npz"), "w", zipfile.ZIP_STORED) as z:
    z.writestr("features.npy", npy_bytes("<c8", dims, raw + raw))
    z.writestr("extra.npy", npy_bytes("<f4", [1], b"\0" * 4))
rc, out, err = lstm_run(cm, "--inputs", os.path.join(tmp, "be.npz"))
check("--inputs member that cannot be read",
      rc == 1 and "unsupported .npy dtype '<c8' (" in err and "member 'extra' is neither" in err, err)
with open(os.path.join(tmp, "empty.npy"), "wb") as f:
    pass
rc, out, err = lstm_run(cm, "--input", "features=" + os.path.join(tmp, "empty.npy"))
check("an .npy file without the magic", rc == 1 and "not an .npy file" in err, err)
rc, out, err = lstm_run(cm, "--input", "features=" + tmp)
check("a directory as an input file", rc == 1 and "Is a directory" in err, err)

# --bench
rc, out, err = lstm_run(os.path.join(clf, "model.onnx"), "--input", "features=" + os.path.join(tmp, "x.npy"), "--bench", "5")
check("bench report", rc == 0 and all(k in out for k in ("model_load_ms", "first_run_ms", "runs_per_s", "peak_rss_kb", "threads"))
      and re.search(r"latency_ms min=[\d.]+ median=[\d.]+ p90=[\d.]+ p99=[\d.]+ max=[\d.]+", out) is not None, out + err)
# The kernel set in use, in --bench's report and --version; LSTM_ISA=portable caps it.
kernels = re.search(r"^kernels: (\w+)$", out, re.M)
check("bench names the kernels", kernels is not None and kernels.group(1) in ("avx512", "avx2", "neon", "portable"), out)
r = subprocess.run([run, "--version"], capture_output=True, text=True)
check("version names the kernels", r.returncode == 0 and re.search(r"^lstm-run \d+\.\d+\.\d+\nkernels: \w+\n$", r.stdout) is not None
      and kernels is not None and ("kernels: " + kernels.group(1)) in r.stdout, r.stdout)
r = subprocess.run([run, "--version"], capture_output=True, text=True, env=dict(os.environ, LSTM_ISA="portable"))
check("LSTM_ISA=portable caps the kernels", r.returncode == 0 and "kernels: portable\n" in r.stdout, r.stdout)

# --profile / --profile-json: every node that runs, slowest first, shares summing to 100%
pj = os.path.join(tmp, "profile.json")
rc, out, err = lstm_run(os.path.join(clf, "model.onnx"), "--input", "features=" + os.path.join(tmp, "x.npy"),
                        "--bench", "4", "--profile", "--profile-json", pj)
rows = re.findall(r"^\s+([\d.]+)%\s+([\d.]+)\s+([\d.]+)  node '([^']+)' \((\w+), opset \d+\)(?: \[[^]]+\])?$",
                  out, re.M)
check("profile table", rc == 0 and "profile: 4 runs timed" in out and len(rows) >= 2
      and any(r[4] == "LSTM" for r in rows) and abs(sum(float(r[0]) for r in rows) - 100) < 1
      and [float(r[2]) for r in rows] == sorted((float(r[2]) for r in rows), reverse=True), out + err)
try:
    import json
    prof = json.load(open(pj))
    ok = prof["runs"] == 4 and len(prof["nodes"]) == len(rows) and \
        {n["name"] for n in prof["nodes"]} == {r[3] for r in rows} and \
        abs(sum(n["share"] for n in prof["nodes"]) - 1) < 1e-3
except (OSError, ValueError, KeyError) as e:
    ok, prof = False, e
check("profile JSON", ok, str(prof))
check("profile marks the Gemm on packed weights",
      re.search(r"node '/out/Gemm' \(Gemm, opset \d+\) \[B packed at load: simd GEMM\]$", out, re.M)
      is not None, out)
rc, out, err = lstm_run(os.path.join(clf, "model.onnx"), "--input", "features=" + os.path.join(tmp, "x.npy"), "--profile")
check("profile of one run", rc == 0 and "profile: 1 run timed" in out and "probs: float32" in out, out + err)
# --trace prints and writes the outputs too (turning tracing off after the run dropped them).
td, od = os.path.join(tmp, "trace"), os.path.join(tmp, "trace_out")
rc, out, err = lstm_run(os.path.join(clf, "model.onnx"), "--input", "features=" + os.path.join(tmp, "x.npy"),
                        "--trace", td, "--output-dir", od)
check("--trace prints and writes the outputs", rc == 0 and "probs: float32" in out
      and os.path.isfile(os.path.join(od, "probs.npy")) and os.path.isdir(td)
      and any(f.endswith("_h.npy") for f in os.listdir(td)), out + err)
# Nodes inside a subgraph (a Loop whose body runs an LSTM step): listed with their graph's path,
# their time inside their owner's (the main graph's shares alone sum to 100%).
lp = os.path.join(root, "tests", "data", "trace", "loop_lstm")
rc, out, err = lstm_run(os.path.join(lp, "model.onnx"), "--input", "X=" + os.path.join(lp, "X.npy"),
                        "--profile", "--profile-json", pj)
rows = re.findall(r"^\s+([\d.]+)%\s+([\d.]+)\s+([\d.]+)  (.*)$", out, re.M)
labels = [r[3] for r in rows]
check("profile lists the Loop body's nodes", rc == 0 and "node 'Loop_1' (Loop, opset 16)" in labels
      and "node 'Loop_1' body: node 'lstm_step' (LSTM, opset 16)" in labels
      and "node 'Loop_1' body: node #0 (Gather, opset 16)" in labels and len(rows) == 5, out + err)
try:
    prof = json.load(open(pj))
    by = {(n["graph"], n["index"]): n for n in prof["nodes"]}
    ok = set(by) == {("", 0), ("Loop_1/body", 0), ("Loop_1/body", 1), ("Loop_1/body", 2),
                     ("Loop_1/body", 3)} and \
        by[("Loop_1/body", 2)]["name"] == "Loop_1/body/lstm_step" and \
        by[("Loop_1/body", 2)]["op_type"] == "LSTM" and \
        by[("Loop_1/body", 2)]["total_ms"] <= by[("", 0)]["total_ms"] and \
        abs(sum(n["share"] for n in prof["nodes"] if n["graph"] == "") - 1) < 1e-3
except (OSError, ValueError, KeyError) as e:
    ok, prof = False, e
check("profile JSON of subgraph nodes", ok, str(prof))

# --test: a folder of cases, and a mismatch
rc, out, err = lstm_run("--test", os.path.join(root, "models"))
check("test folder summary", rc == 0 and out.strip().endswith("3 passed, 0 failed"), out[-200:])
bad = os.path.join(tmp, "badcase")
shutil.copytree(clf, bad)
dims2, dt2, raw2 = read_pb(os.path.join(bad, "test_data_set_0", "output_0.pb"))
vals = list(floats(raw2))
vals[3] += 0.5
with open(os.path.join(bad, "test_data_set_0", "output_0.pb"), "wb") as f:
    def vi(v):
        o = b""
        while True:
            c = v & 0x7F
            v >>= 7
            o += bytes([c | (0x80 if v else 0)])
            if not v:
                return o
    body = b"".join(b"\x08" + vi(d) for d in dims2) + b"\x10\x01" + b"\x42\x05probs" + b"\x4a" + vi(4 * len(vals)) + struct.pack("<%df" % len(vals), *vals)
    f.write(body)
rc, out, err = lstm_run("--test", bad)
check("mismatch detected", rc == 1 and "1 of 16 differ; worst at 3" in out and "0 passed, 1 failed" in out, out)
# An expected NaN or infinity that the output misses is the worst element, before the larger
# finite difference at 3 (its tolerance ratio was NaN, so the report named 3).
for special in ("nan", "inf"):
    sp = os.path.join(tmp, "case_" + special)
    shutil.copytree(bad, sp)
    vs = list(vals)
    vs[10] = vs[12] = float(special)
    with open(os.path.join(sp, "test_data_set_0", "output_0.pb"), "wb") as f:
        f.write(b"".join(b"\x08" + vi(d) for d in dims2) + b"\x10\x01" + b"\x42\x05probs" + b"\x4a"
                + vi(4 * len(vs)) + struct.pack("<%df" % len(vs), *vs))
    rc, out, err = lstm_run("--test", sp)
    check("expected %s missed: the worst" % special,
          rc == 1 and ("3 of 16 differ; worst at 10: expected %s, got " % special) in out
          and "no tolerance passes 2 NaN or infinite mismatches" in out, out)
# A case's tolerance.txt replaces the command line's tolerances.
with open(os.path.join(bad, "tolerance.txt"), "w") as f:
    f.write("rtol 0 atol 0.6\n")
rc, out, err = lstm_run("--test", bad, "--atol", "0")
check("tolerance.txt widens", rc == 0 and "tolerance.txt: rtol 0 atol 0.6" in out, out)
with open(os.path.join(bad, "tolerance.txt"), "w") as f:
    f.write("rtol 0 atol 0.4\n")
rc, out, err = lstm_run("--test", bad, "--atol", "1")
check("tolerance.txt narrows", rc == 1 and "0 passed, 1 failed" in out, out)
with open(os.path.join(bad, "tolerance.txt"), "w") as f:
    f.write("rtol lots\n")
rc, out, err = lstm_run("--test", bad)
check("tolerance.txt malformed", rc == 1 and "expected \"rtol R atol A\"" in out, out)
# Integer outputs compare exactly, whatever the tolerances: 1, 4, 7 -> 1, 4, 8.
ints = os.path.join(tmp, "intcase")
shutil.copytree(os.path.join(root, "tests", "data", "diff", "range_v11_int64_0"), ints)
opb = os.path.join(ints, "test_data_set_0", "output_0.pb")
dims3, dt3, raw3 = read_pb(opb)
vals3 = list(struct.unpack("<%dq" % (len(raw3) // 8), raw3))
rc, out, err = lstm_run("--test", ints)
check("int64 case passes", rc == 0 and vals3 == [1, 4, 7] and "compared exactly" in out, out)
vals3[2] += 1
with open(opb, "wb") as f:
    f.write(b"".join(b"\x08" + vi(d) for d in dims3) + b"\x10\x07" + b"\x42\x01y" + b"\x4a" + vi(8 * len(vals3))
            + struct.pack("<%dq" % len(vals3), *vals3))
rc, out, err = lstm_run("--test", ints, "--rtol", "1", "--atol", "10")
check("integers compared exactly", rc == 1 and "expected 8, got 7; compared exactly" in out, out)

# An ai.onnx opset newer than the runtime knows (the classifier restamped from 14 to 26 and
# 999): it runs, with the outputs of opset 14, and a warning naming the domain and version.
rc0, out0, err0 = lstm_run(os.path.join(clf, "model.onnx"), "--input", "features=" + os.path.join(tmp, "x.npy"))
check("opset 14 runs without a warning", rc0 == 0 and "warning" not in err0, err0)
model = open(os.path.join(clf, "model.onnx"), "rb").read()
stamp = b"\x42\x02\x10\x0e"  # opset_import { version: 14 }
check("the classifier imports ai.onnx 14 once", model.count(stamp) == 1)
for v, enc in ((26, b"\x1a"), (999, b"\xe7\x07")):
    newer = os.path.join(tmp, "opset%d.onnx" % v)
    with open(newer, "wb") as f:
        f.write(model.replace(stamp, b"\x42" + bytes([2 + len(enc) - 1]) + b"\x10" + enc))
    rc, out, err = lstm_run(newer, "--input", "features=" + os.path.join(tmp, "x.npy"))
    check("opset %d runs with a warning" % v,
          rc == 0 and "lstm-run: warning: the model imports ai.onnx version %d, newer than 25" % v
          in err and out == out0, err)
# Explicit-state streaming: a PyTorch LSTM exported with (x, h0, c0) -> (y, hn, cn), fed in
# chunks of 5 steps with hn -> h0 and cn -> c0 carried, gives PyTorch's one-call outputs
# (tests/gen/make_state_io.py); without --carry the state restarts and y differs.
sio = os.path.join(root, "tests", "data", "cli")
ref = {}
with zipfile.ZipFile(os.path.join(sio, "state_io.npz")) as z:
    for k in ("y", "hn", "cn"):
        with open(os.path.join(tmp, "ref_%s.npy" % k), "wb") as f:
            f.write(z.read(k + ".npy"))
        ref[k] = read_npy(os.path.join(tmp, "ref_%s.npy" % k))
for carry in (True, False):
    od = os.path.join(tmp, "chunks%d" % carry)
    args = [os.path.join(sio, "state_io.onnx"), "--inputs", os.path.join(sio, "state_io.npz"),
            "--chunk", "5", "--output-dir", od]
    if carry:
        args += ["--carry", "hn=h0", "--carry", "cn=c0"]
    rc, out, err = lstm_run(*args)
    got = {k: read_npy(os.path.join(od, k + ".npy")) for k in ("y", "hn", "cn")} if rc == 0 else {}
    same = rc == 0 and all(got[k][0] == ref[k][0] and close(floats(got[k][1]), floats(ref[k][1]))
                           for k in ref)
    if carry:
        check("--chunk 5 --carry hn=h0 cn=c0 gives the one-run outputs",
              same and "5 chunks of 5 steps along axis 0 (23 steps)" in out, out + err)
    else:
        check("--chunk without --carry restarts the state (y differs)", rc == 0 and not same, out + err)
# Implicit state: char_lstm's LSTM starts from zeros it makes itself. Fed in chunks of 5
# steps it carries its state on (lstm_session_set_streaming) and gives the one-run outputs;
# with --stateless each chunk restarts. A bidirectional node cannot stream: a message that
# names --stateless, which runs it.
cl = os.path.join(root, "models", "char_lstm")
tok = "tokens=" + os.path.join(cl, "test_data_set_0", "input_0.pb")
outs = {}
for mode in ("whole", "chunked", "stateless"):
    od = os.path.join(tmp, "cl_" + mode)
    extra = [] if mode == "whole" else ["--chunk", "5"] + (["--stateless"] if mode == "stateless" else [])
    rc, out, err = lstm_run(os.path.join(cl, "model.onnx"), "--input", tok, "--output-dir", od, *extra)
    check("char_lstm %s runs" % mode, rc == 0, err)
    outs[mode] = floats(read_npy(os.path.join(od, "log_probs.npy"))[1]) if rc == 0 else ()
check("--chunk 5 carries the LSTM's state: the one-run outputs",
      len(outs["whole"]) == 24 * 25 and close(outs["chunked"], outs["whole"], 1e-5, 1e-5))
check("--chunk 5 --stateless restarts the state at every chunk",
      len(outs["stateless"]) == 24 * 25 and not close(outs["stateless"], outs["whole"]))
# With --context each chunk feeds again the C steps before it: a carried state has seen them,
# so every chunk starts from the initial state. Chunk 1 of --chunk 5 --context 2 (steps 3..9)
# gives what one run of the model on those 7 tokens gives.
dims, dt, raw = read_pb(os.path.join(cl, "test_data_set_0", "input_0.pb"))
win = os.path.join(tmp, "cl_window.npy")
hdr = "{'descr': '<i8', 'fortran_order': False, 'shape': (7, 1), }"
hdr += " " * (63 - (10 + len(hdr)) % 64) + "\n"
with open(win, "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(hdr)) + hdr.encode() + raw[3 * 8:10 * 8])
od = os.path.join(tmp, "cl_window")
rc, out, err = lstm_run(os.path.join(cl, "model.onnx"), "--input", "tokens=" + win, "--output-dir", od)
want = floats(read_npy(os.path.join(od, "log_probs.npy"))[1]) if rc == 0 else ()
od = os.path.join(tmp, "cl_context")
rc, out, err = lstm_run(os.path.join(cl, "model.onnx"), "--input", tok, "--output-dir", od, "--chunk", "5",
                        "--context", "2")
got = floats(read_npy(os.path.join(od, "log_probs.npy"))[1]) if rc == 0 else ()
check("--chunk 5 --context 2: chunk 1 is the model run on steps 3..9 from its initial state",
      len(want) == 7 * 25 and len(got) == 34 * 25 and close(got[7 * 25:14 * 25], want, 1e-5, 1e-5),
      err)
bg = os.path.join(root, "models", "bigru_tagger")
btok = "tokens=" + os.path.join(bg, "test_data_set_0", "input_0.pb")
rc, out, err = lstm_run(os.path.join(bg, "model.onnx"), "--input", btok, "--chunk", "4", "--time-axis", "1")
check("--chunk on a bidirectional GRU: refused, --stateless named",
      rc == 1 and "cannot stream" in err and "--stateless runs each chunk" in err, err)
rc, out, err = lstm_run(os.path.join(bg, "model.onnx"), "--input", btok, "--chunk", "4", "--time-axis", "1",
                        "--stateless")
check("--chunk --stateless on a bidirectional GRU runs", rc == 0, err)
rc, out, err = lstm_run(os.path.join(sio, "state_io.onnx"), "--carry", "hn=h0")
check("--carry without --chunk is a usage error", rc == 2 and "go with --chunk" in err, err)
rc, out, err = lstm_run(os.path.join(sio, "state_io.onnx"), "--inputs", os.path.join(sio, "state_io.npz"),
                        "--chunk", "4", "--carry", "nope=h0")
check("--carry of an unknown output", rc == 1 and "the model has no output 'nope'" in err, err)
# --test takes --carry with --stream only, and none of --chunk's options.
sio_case = os.path.join(root, "tests", "data", "state_io", "lstm_2layer")
rc, out, err = lstm_run("--test", sio_case, "--carry", "hn=h0")
check("--test --carry without --stream is a usage error", rc == 2 and "goes with --stream" in err, err)
rc, out, err = lstm_run("--test", sio_case, "--chunk", "2")
check("--test --chunk is a usage error", rc == 2 and "--test feeds chunks with --stream" in err, err)
# --chunk puts together what goes along time: per step (log_probs), one per chunk (h_n: the
# model declares that axis 1); not an axis the model fixes to another size (probs' 4 classes);
# and cuts no input whose time axis the model fixes (h0 [2, batch, 6] with T = 2).
rc, out, err = lstm_run(os.path.join(cl, "model.onnx"), "--dim", "T=20", "--chunk", "5")
check("--chunk: per-step and per-chunk outputs",
      rc == 0 and "log_probs (the chunks' outputs put together): float32 [20, 1, 25]" in out and
      "h_n (one per chunk, put together): float32 [4, 1, 64]" in out, out + err)
rc, out, err = lstm_run(os.path.join(cl, "model.onnx"), "--dim", "T=5", "--chunk", "2")
check("--chunk: a last chunk of one step keeps one per chunk",
      rc == 0 and "h_n (one per chunk, put together): float32 [3, 1, 64]" in out, out + err)
rc, out, err = lstm_run(cm, "--dim", "batch=2", "--dim", "T=20", "--chunk", "5", "--time-axis", "1")
check("--chunk: an axis of fixed size is the last chunk's",
      rc == 0 and "probs (the last chunk's): float32 [2, 4]" in out, out + err)
rc, out, err = lstm_run(os.path.join(sio, "state_io.onnx"), "--dim", "T=2", "--chunk", "1")
check("--chunk cuts no input of a fixed length", rc == 0 and "y (the chunks' outputs put together): "
      "float32 [2, 1, 6]" in out, out + err)
# A carried input from the --inputs bundle is the bundle's, not zeros.
with zipfile.ZipFile(os.path.join(tmp, "sio.npz"), "w", zipfile.ZIP_STORED) as z:
    z.writestr("x.npy", npy_bytes("<f4", [4, 1, 4], struct.pack("<16f", *[0.1 * i for i in range(16)])))
    z.writestr("h0.npy", npy_bytes("<f4", [2, 1, 6], struct.pack("<12f", *[0.5] * 12)))
rc, out, err = lstm_run(os.path.join(sio, "state_io.onnx"), "--inputs", os.path.join(tmp, "sio.npz"),
                        "--chunk", "2", "--carry", "hn=h0")
check("--chunk --carry: a carried input from --inputs is kept",
      rc == 0 and "carried input 'h0' starts at zeros" not in out, out + err)
# --test: a gap in a data set's numbering is an error, not the end of the list.
gap = os.path.join(tmp, "gap")
shutil.copytree(os.path.join(root, "models", "char_lstm"), gap)
os.remove(os.path.join(gap, "test_data_set_0", "output_1.pb"))
rc, out, err = lstm_run("--test", gap)
check("--test: a gap in the numbering", rc == 1 and "output_2.pb is there but output_1.pb is not" in out,
      out[-600:])
# Options of the other mode are refused, not ignored.
rc, out, err = lstm_run("--test", sio_case, "--output-dir", "/tmp/x")
check("--test --output-dir is a usage error", rc == 2 and "--output-dir is for running a MODEL" in err, err)
rc, out, err = lstm_run(os.path.join(sio, "state_io.onnx"), "--rtol", "0.1")
check("MODEL --rtol without --expect is a usage error",
      rc == 2 and "--rtol and --atol go with --test DIR or --expect" in err, err)
# --expect: the outputs against PyTorch's, saved with NumPy in the archive that holds the inputs
# (state_io.npz: x and PyTorch's y, hn, cn from a zero state; h0, c0 zeros added here); chunked
# with the state carried, y put together and the last chunk's hn, cn are PyTorch's one-call
# outputs; without --carry y differs.
sm, snpz = os.path.join(sio, "state_io.onnx"), os.path.join(tmp, "io.npz")
with zipfile.ZipFile(os.path.join(sio, "state_io.npz")) as zi, \
        zipfile.ZipFile(snpz, "w", zipfile.ZIP_STORED) as z:
    for k in ("x", "y", "hn", "cn"):
        z.writestr(k + ".npy", zi.read(k + ".npy"))
    for k in ("h0", "c0"):
        z.writestr(k + ".npy", npy_bytes("<f4", ref["hn"][0], b"\0" * len(ref["hn"][1])))
rc, out, err = lstm_run(sm, "--inputs", snpz, "--expect", snpz)
check("--expect io.npz: PyTorch's outputs match",
      rc == 0 and "3 of 3 outputs match" in out and out.count("-> ok") == 3 and not err, out + err)
rc, out, err = lstm_run(sm, "--inputs", snpz, "--expect", snpz, "--chunk", "5", "--carry", "hn=h0",
                        "--carry", "cn=c0")
check("--expect with --chunk --carry: the chunks' outputs match the one-call ones",
      rc == 0 and "3 of 3 outputs match" in out, out + err)
rc, out, err = lstm_run(sm, "--inputs", snpz, "--expect", snpz, "--chunk", "5")
check("--expect with --chunk, no --carry: y differs, exit 1",
      rc == 1 and re.search(r"output 'y' float32 \[23,2,6\]: [1-9][0-9]* of 276 differ.*-> FAIL", out)
      and "0 of 3 outputs match" in out, out + err)
# char_lstm's state is internal: chunked, h_n and c_n are put together one per chunk, and the
# last chunk's is compared with PyTorch's one-call state; with --stateless it differs.
ts0 = os.path.join(cl, "test_data_set_0")
cl_expect = [os.path.join(cl, "model.onnx"), "--input", tok, "--chunk", "5"]
for k, n in enumerate(("log_probs", "h_n", "c_n")):
    cl_expect += ["--expect", "%s=%s" % (n, os.path.join(ts0, "output_%d.pb" % k))]
rc, out, err = lstm_run(*cl_expect)
check("--expect with --chunk: a state put together per chunk is compared as the last chunk's",
      rc == 0 and "output 'h_n': the last chunk's, as the reference has one chunk's shape" in out
      and "output 'c_n' float32 [1,1,64]: 0 of 64 differ" in out and "3 of 3 outputs match" in out,
      out + err)
rc, out, err = lstm_run(*cl_expect, "--stateless")
check("--expect with --chunk --stateless: the last chunk's state differs, exit 1",
      rc == 1 and "0 of 3 outputs match" in out and "output 'h_n' float32 [1,1,64]: 64 of 64" in out,
      out + err)
# One element of y moved by 1e-3: one differs (at its flat index); --atol 2e-3 passes it; a
# NAME=FILE replaces the archive's member.
y_shape, y_raw = ref["y"]
moved = bytearray(y_raw)
struct.pack_into("<f", moved, 4 * 7, struct.unpack_from("<f", y_raw, 4 * 7)[0] + 1e-3)
with zipfile.ZipFile(os.path.join(tmp, "moved.npz"), "w", zipfile.ZIP_STORED) as z:
    z.writestr("y.npy", npy_bytes("<f4", y_shape, bytes(moved)))
    z.writestr("hn.npy", npy_bytes("<f4", ref["hn"][0], ref["hn"][1]))
    z.writestr("other.npy", npy_bytes("<f4", [1], b"\0" * 4))
rc, out, err = lstm_run(sm, "--inputs", snpz, "--expect", os.path.join(tmp, "moved.npz"))
check("--expect: a moved element fails, the worst named",
      rc == 1 and re.search(r"output 'y' float32 \[23,2,6\]: 1 of 276 differ; worst at 7:", out)
      and "1 of 2 outputs match" in out and "output 'cn': not given with --expect" in out
      and "member 'other' is neither an output nor an input" in err, out + err)
rc, out, err = lstm_run(sm, "--inputs", snpz, "--expect", os.path.join(tmp, "moved.npz"), "--atol", "2e-3")
check("--expect --atol 2e-3 passes it", rc == 0 and "(rtol 0.001, atol 0.002)" in out, out + err)
rc, out, err = lstm_run(sm, "--inputs", snpz, "--expect", os.path.join(tmp, "moved.npz"),
                        "--expect", "y=" + os.path.join(tmp, "ref_y.npy"))
check("--expect NAME=FILE replaces the archive's member", rc == 0 and "2 of 2 outputs match" in out,
      out + err)
rc, out, err = lstm_run(sm, "--inputs", snpz, "--expect", "y=" + os.path.join(tmp, "ref_hn.npy"))
check("--expect of another shape fails", rc == 1 and "output 'y': shape [23,2,6], expected [2,2,6]" in out,
      out + err)
rc, out, err = lstm_run(sm, "--inputs", snpz, "--expect", "x=" + os.path.join(tmp, "ref_y.npy"))
check("--expect of an input is refused", rc == 1 and "the model has no output named 'x'" in err, err)
rc, out, err = lstm_run(sm, "--inputs", snpz, "--expect", os.path.join(root, "tests", "data", "cli",
                                                                       "features.npz"))
check("--expect with no output in the archive", rc == 1 and "no member is named like an output" in err, err)
rc, out, err = lstm_run(sm, "--inputs", snpz, "--expect", snpz, "--bench", "2", "--output-dir",
                        os.path.join(tmp, "bench_out"))
written = read_npy(os.path.join(tmp, "bench_out", "y.npy")) if rc == 0 else None
check("--bench writes and compares the last run's outputs",
      rc == 0 and "3 of 3 outputs match" in out and written is not None and written[0] == ref["y"][0]
      and close(floats(written[1]), floats(ref["y"][1])), out + err)
# Archives of more than 256 members are read whole; a path holding '=' is an archive.
many = os.path.join(tmp, "lr=0.1.npz")
with zipfile.ZipFile(snpz) as zi, zipfile.ZipFile(many, "w", zipfile.ZIP_STORED) as z:
    for k in ("x", "h0", "c0", "hn", "cn"):
        z.writestr(k + ".npy", zi.read(k + ".npy"))
    for i in range(300):
        z.writestr("pad%03d.npy" % i, npy_bytes("<f4", [1], b"\0" * 4))
    z.writestr("y.npy", npy_bytes("<f4", y_shape, bytes(moved)))
rc, out, err = lstm_run(sm, "--inputs", snpz, "--expect", many)
check("--expect: the 306th member is compared; a path with '='",
      rc == 1 and "output 'y' float32 [23,2,6]: 1 of 276 differ" in out and "2 of 3 outputs match" in out,
      out[-400:] + err[-300:])
with open(snpz, "rb") as f:
    head = f.read(200)
with open(os.path.join(tmp, "trunc.npz"), "wb") as f:
    f.write(head)
rc, out, err = lstm_run(sm, "--inputs", snpz, "--expect", os.path.join(tmp, "trunc.npz"))
check("--expect a truncated archive: a message (and no leak under ASan)",
      rc == 1 and "not a readable .npz archive" in err, err)
rc, out, err = lstm_run(sm, "--expect", "y=a.npy", "--expect", "y=b.npy")
check("--expect NAME twice is a usage error", rc == 2 and "--expect y is given twice" in err, err)
rc, out, err = lstm_run("--test", sio_case, "--expect", snpz)
check("--test --expect is a usage error", rc == 2 and "--expect is for running a MODEL" in err, err)
rc, out, err = lstm_run("--test", sio_case, "--stream", "3", "--carry", "hn=nope")
check("--test --carry of an unknown input", rc == 1 and "the model has no input 'nope'" in out, out)
# Sequences: an input from a SequenceProto file, the output written as a SequenceProto
# (libonnx-testdata's SequenceInsert at the back), read back field by field here.
seqcase = "/usr/share/libonnx-testdata/data/node/test_sequence_insert_at_back"
if os.path.isdir(seqcase):
    od = os.path.join(tmp, "seqout")
    ts = os.path.join(seqcase, "test_data_set_0")
    rc, out, err = lstm_run(os.path.join(seqcase, "model.onnx"), "--input", "sequence=" +
                            os.path.join(ts, "input_0.pb"), "--input", "tensor=" +
                            os.path.join(ts, "input_1.pb"), "--output-dir", od, "--format", "pb")
    check("a sequence input from a SequenceProto, its items printed",
          rc == 0 and "output_sequence: a sequence of 4 tensors" in out and
          "output_sequence[3]: int64 [3]" in out, out + err)

    def items(path):
        return [tensor_values(v) for f, wt, v in fields(open(path, "rb").read()) if f == 3]
    got = items(os.path.join(od, "output_sequence.pb")) if rc == 0 else None
    check("the sequence output written as a SequenceProto equals the expected one",
          got == items(os.path.join(ts, "output_0.pb")) and len(got) == 4, str(got))
optcase = "/usr/share/libonnx-testdata/data/node/test_optional_has_element_empty"
if os.path.isdir(optcase):
    rc, out, err = lstm_run(os.path.join(optcase, "model.onnx"))
    check("an optional input not given is bound to no value",
          rc == 0 and "bound to no value" in out and "output: bool []" in out, out + err)
# Generated inputs of every width: float16 / bfloat16 in [-1, 1], integers 0 or 1, the same on
# each run (uint16, uint64 and the half floats were set in their first byte only, the rest left
# as malloc gave it). gen_types.onnx: Identity of h (float16), bh (bfloat16), u16, u64, i16.
gt = [lstm_run(os.path.join(root, "tests", "data", "cli", "gen_types.onnx"), "--seed", "3")
      for _ in range(2)]
ranges = re.findall(r"^y_(\w+): \w+ \[6\]  min (\S+)  max (\S+)", gt[0][1], re.M)
check("generated inputs of 2 and 8 bytes: in range, reproducible",
      gt[0][0] == 0 and gt[0][1] == gt[1][1] and len(ranges) == 5 and
      all(-1 <= float(lo) <= float(hi) <= 1 and (n in ("h", "bh") or lo in "01" and hi in "01")
          for n, lo, hi in ranges) and any(float(lo) < 0 for n, lo, hi in ranges), gt[0][1])
# int64 outputs print in full (a double rounds them): Range from 2^63 - 3 to 2^63 - 1
rc, out, err = lstm_run(os.path.join(root, "tests", "data", "cli", "range_int64.onnx"))
check("int64 values printed exactly",
      rc == 0 and "y: int64 [2]  min 9223372036854775805  max 9223372036854775806" in out and
      "[9223372036854775805, 9223372036854775806]" in out, out + err)
# An output with no element (a Loop of zero iterations) is written as .npy and .pb
edge = os.path.join(root, "tests", "data", "control_edge", "loop0_known")
for fmt in ("npy", "pb"):
    od = os.path.join(tmp, "edge_" + fmt)
    rc, out, err = lstm_run(os.path.join(edge, "model.onnx"), "--input",
                            "M=" + os.path.join(edge, "test_data_set_0", "input_0.pb"), "--input",
                            "v0=" + os.path.join(edge, "test_data_set_0", "input_1.pb"),
                            "--output-dir", od, "--format", fmt)
    written = (read_npy(os.path.join(od, "scans.npy"))[0] if fmt == "npy" else
               read_pb(os.path.join(od, "scans.pb"))[0]) if rc == 0 else None
    check("an empty output written as " + fmt, rc == 0 and written == [0, 2, 3], out + err)
shutil.rmtree(tmp)
print("%d passed, %d failed" % (checks - len(failures), len(failures)))
sys.exit(1 if failures else 0)
