#!/usr/bin/python3
"""Silero VAD per-frame latency side by side with onnxruntime (issue 14): the models as shipped
(scripts/fetch-models: v5 and v4 from @ricky0123/vad-web 0.0.31), one frame per run (512
samples at 16 kHz, 256 at 8 kHz; v5 frames carry 64 / 32 samples of context before them),
batch 1, one thread, the state output fed back as the next frame's state input.
This library: bench/silero_ours.c on the public API (lstm_session_carry); onnxruntime:
bench/silero_ort.js (onnxruntime-node, CPU, default graph optimizations). Each round runs
both, one process each, in alternating order; each process times FRAMES frames one by one
(after 20 warm-up frames) and reports their median. Printed per case: the median of the round
medians per engine, their ratio (onnxruntime / ours, > 1: this library is faster) and the
spread of the per-round ratios. Both engines must give the same speech probabilities (their
sum over the frames is compared). Also: onnxruntime-node on a trivial model with Silero v5's
inputs and outputs (the cost of a call through Node and onnxruntime's session, no work), and
lstm-vad's real-time factor on 60 s of the same kind of audio.

    /usr/bin/python3 bench/silero_bench.py [--rounds N] [--frames F] [--no-record] [--as-avx2]

The run is kept in bench/frontends.json and its table written into bench/README.md
(bench/frontends.py) unless --no-record. --as-avx2 runs every engine as on an AVX2-only CPU,
as bench/run.py --as-avx2 does (not recorded).

Needs a build in build/ (bench/silero_ours, examples/lstm-vad), the models in build/silero
(scripts/fetch-models build/silero) and onnxruntime-node in bench/node_modules or
tests/gen/node_modules.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import wave

import numpy as np
import onnx
from onnx import TensorProto, helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import frontends  # noqa: E402
from frontends import cpu, run  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BUILD = os.path.join(ROOT, "build")
OURS = os.path.join(BUILD, "bench", "silero_ours")
VAD = os.path.join(BUILD, "examples", "lstm-vad")
MODELS = os.path.join(BUILD, "silero")
RTF_SECONDS = 60  # lstm-vad's audio: long enough that the first frame's planning is noise


def audio(rate, seconds=10):
    """A tone switched on and off every second over low noise (speech-like enough for timing:
    the model's work per frame does not depend on the samples)."""
    rng = np.random.default_rng(0)
    t = np.arange(rate * seconds) / rate
    on = np.sin(2 * np.pi * 0.5 * t) > 0
    x = 0.3 * np.sin(2 * np.pi * 220 * t) * on + 0.3 * np.sin(2 * np.pi * 660 * t) * on * 0.3
    return (x + 0.02 * rng.standard_normal(t.size)).astype(np.float32)


def trivial_model(path):
    """Silero v5's signature, no work: output = ReduceMax(input), stateN = Identity(state)."""
    g = helper.make_graph(
        [helper.make_node("ReduceMax", ["input"], ["m"], axes=[1], keepdims=1),
         helper.make_node("Identity", ["m"], ["output"]),
         helper.make_node("Identity", ["state"], ["stateN"]),
         helper.make_node("Identity", ["sr"], ["sr_out"])],
        "trivial",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, None]),
         helper.make_tensor_value_info("state", TensorProto.FLOAT, [2, 1, 128]),
         helper.make_tensor_value_info("sr", TensorProto.INT64, [])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 1]),
         helper.make_tensor_value_info("stateN", TensorProto.FLOAT, [2, 1, 128]),
         helper.make_tensor_value_info("sr_out", TensorProto.INT64, [])])
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 16)]), path)


def rtf(model, wav_path, times=5):
    """lstm-vad's real-time factor (median of `times` runs: processing time over audio time,
    the WAV read and the model load excluded) and its ms per frame."""
    got = []
    for _ in range(times):
        out = subprocess.run([VAD, model, wav_path], check=True, capture_output=True,
                             text=True).stdout
        m = re.search(r"real-time factor ([\d.]+), ([\d.]+) ms per frame", out)
        got.append((float(m.group(1)), float(m.group(2))))
    got.sort()
    return got[(len(got) - 1) // 2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--frames", type=int, default=2000)
    ap.add_argument("--no-record", action="store_true")
    ap.add_argument("--as-avx2", action="store_true",
                    help="every engine as on an AVX2-only CPU (bench/run.py --as-avx2; not recorded)")
    a = ap.parse_args()
    v5 = os.path.join(MODELS, "silero_vad_v5.onnx")
    v4 = os.path.join(MODELS, "silero_vad_legacy.onnx")
    for p in (OURS, VAD, v5, v4):
        if not os.path.exists(p):
            raise SystemExit("missing %s (build, and scripts/fetch-models build/silero)" % p)
    env = frontends.ort_env(a.as_avx2)
    work = tempfile.mkdtemp(prefix="silero_bench_")
    samples = {}
    for rate in (16000, 8000):
        samples[rate] = os.path.join(work, "audio%d.f32" % rate)
        audio(rate).tofile(samples[rate])
        x = audio(rate, RTF_SECONDS)
        with wave.open(os.path.join(work, "audio%d.wav" % rate), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(rate)
            w.writeframes((np.clip(x, -1, 1 - 2**-15) * 32768).astype("<i2").tobytes())
    trivial = os.path.join(work, "trivial.onnx")
    trivial_model(trivial)
    cases = [("v5, 16 kHz", v5, 16000), ("v5, 8 kHz", v5, 8000), ("v4, 16 kHz", v4, 16000),
             ("v4, 8 kHz", v4, 8000)]
    print("CPU: %s%s, %d cores; one thread; %d rounds of %d frames per engine; load average "
          "%s" % (cpu(), " seen as AVX2-only" if a.as_avx2 else "", os.cpu_count(), a.rounds,
                  a.frames, os.getloadavg()[0]), flush=True)
    results = {"cpu": cpu(), "rounds": a.rounds, "frames": a.frames, "rtf_seconds": RTF_SECONDS,
               "cases": {}}
    for name, model, rate in cases:
        rounds = {"ours": [], "ort": []}
        for r in range(a.rounds):
            order = ("ours", "ort") if r % 2 == 0 else ("ort", "ours")
            for e in order:
                if e == "ours":
                    cmd = [OURS, model, str(rate), samples[rate], str(a.frames)]
                else:
                    cmd = ["node", os.path.join(HERE, "silero_ort.js"), model, str(rate),
                           samples[rate], str(a.frames)]
                rounds[e].append(run(cmd, env if e == "ort" else None))
        sums = [r["prob_sum"] for e in rounds for r in rounds[e]]
        if max(sums) - min(sums) > 1e-3 * a.frames:
            raise SystemExit("%s: the engines disagree (sums of probabilities %s)" % (name, sums))
        med = {e: statistics.median(r["median_ms"] for r in rounds[e]) for e in rounds}
        ratios = sorted(o["median_ms"] / u["median_ms"] for o, u in zip(rounds["ort"], rounds["ours"]))
        best = min(r["median_ms"] for r in rounds["ort"]) / min(r["median_ms"] for r in rounds["ours"])
        results["cases"][name] = {"ours_ms": med["ours"], "ort_ms": med["ort"],
                                  "ratio": med["ort"] / med["ours"], "round_ratios": ratios,
                                  "round_ratio_median": statistics.median(ratios),
                                  "best_rounds_ratio": best,
                                  "rounds": {e: [r["median_ms"] for r in rounds[e]] for e in rounds}}
        print("%-12s ours %.4f ms  onnxruntime %.4f ms  ratio %.2f (per round: median %.2f, "
              "%.2f-%.2f; best rounds %.2f)" % (name, med["ours"], med["ort"],
                                                med["ort"] / med["ours"],
                                                statistics.median(ratios), ratios[0], ratios[-1],
                                                best), flush=True)
    floor = [run(["node", os.path.join(HERE, "silero_ort.js"), trivial, "16000", samples[16000],
                  str(a.frames)], env)["median_ms"] for _ in range(3)]
    results["ort_trivial_ms"] = statistics.median(floor)
    print("onnxruntime-node, trivial model with v5's inputs/outputs: %.4f ms per call"
          % results["ort_trivial_ms"])
    for name, model in (("v5", v5), ("v4", v4)):
        for rate in (16000, 8000):
            f, ms = rtf(model, os.path.join(work, "audio%d.wav" % rate))
            results["cases"].setdefault("lstm-vad", {})["%s %d" % (name, rate)] = [f, ms]
            # lstm-vad prints the factor to 4 decimals; each frame is 32 ms of audio.
            print("lstm-vad %s %5d Hz, %d s of audio: %.4f ms per 32 ms frame, real-time factor "
                  "%.5f (lstm-vad: %.4f; median of 5 runs)" % (name, rate, RTF_SECONDS, ms,
                                                              ms / 32, f))
    print("load average after: %.2f" % os.getloadavg()[0])
    if not (a.no_record or a.as_avx2):
        frontends.save("silero", results)
    return results


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
