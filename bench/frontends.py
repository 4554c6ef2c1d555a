"""The real-model front-end benchmarks' record (bench/silero_bench.py, bench/conv_bench.py):
each keeps its last run in bench/frontends.json (with the machine) and rewrites its part of
bench/README.md, between the markers below; bench/run.py puts the same section into the README
it writes, so neither erases the other's results. It also holds what those scripts (and
bench/quant_bench.py) share: the CPU's name, where onnxruntime-node is and its environment,
running an engine."""
import datetime
import json
import os
import platform
import re
import subprocess

import seen_as_avx2

HERE = os.path.dirname(os.path.abspath(__file__))
RECORD = os.path.join(HERE, "frontends.json")
README = os.path.join(HERE, "README.md")
BEGIN, END = "<!-- front-ends: written by silero_bench.py / conv_bench.py -->", "<!-- end of front-ends -->"


def cpu():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def node_modules():
    for d in (HERE, os.path.join(os.path.dirname(HERE), "tests", "gen")):
        if os.path.isdir(os.path.join(d, "node_modules", "onnxruntime-node")):
            return os.path.join(d, "node_modules")
    raise SystemExit("onnxruntime-node not found (bench/run.py installs it, or npm install in "
                     "tests/gen)")


def ort_env(as_avx2=False):
    """The environment of onnxruntime-node's processes. With as_avx2, first makes every engine
    see an AVX2-only CPU as bench/run.py --as-avx2 does (this process's environment, which this
    library's processes inherit, and what onnxruntime's add)."""
    extra = {}
    if as_avx2:
        seen_as_avx2.as_avx2()
        extra = seen_as_avx2.ORT_ENV
    return dict(os.environ, NODE_PATH=node_modules(), **extra)


def run(cmd, env=None):
    """Runs an engine; its key=value numbers as a dict."""
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    return {k: float(v) for k, v in re.findall(r"(\w+)=(-?[\d.]+)", out)}


def machine():
    flags = seen_as_avx2.cpu_flags()
    isa = ("AVX-512" if {"avx512f", "avx512dq"} <= flags else "AVX2" if {"avx2", "fma"} <= flags
           else platform.machine())
    return {"date": datetime.date.today().isoformat(), "cpu": cpu(), "cores": os.cpu_count(),
            "isa": isa, "LSTM_ISA": os.environ.get("LSTM_ISA"),
            "load_average": round(os.getloadavg()[0], 2)}


def load():
    try:
        with open(RECORD) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def save(kind, data):
    rec = load()
    rec[kind] = dict(data, machine=machine())
    with open(RECORD, "w") as f:
        json.dump(rec, f, indent=1)
    update_readme()


def _silero(r):
    m = r["machine"]
    lines = ["### Silero VAD, one frame per run (`silero_bench.py`)", "",
             "Measured %s on %s (%d cores, %s, LSTM_ISA=%s; load average %.1f at the start): "
             "%d rounds, each engine %d frames per round in its own process, in alternating order. "
             "Per engine the median of its round medians; ratios are onnxruntime / ours (above 1: "
             "this library is faster): of those medians, and per round (the two engines measured "
             "close in time) their median and range."
             % (m["date"], m["cpu"], m["cores"], m["isa"], m["LSTM_ISA"] or "not set",
                m["load_average"], r["rounds"], r["frames"]), "",
             "| model, rate | ours ms | onnxruntime ms | ort / ours | per round: median | range | "
             "best rounds |", "|---|---|---|---|---|---|---|"]
    for name, c in r["cases"].items():
        if name == "lstm-vad":
            continue
        lines.append("| %s | %.4f | %.4f | %.2f | %.2f | %.2f-%.2f | %.2f |" % (
            name, c["ours_ms"], c["ort_ms"], c["ratio"], c.get("round_ratio_median", 0),
            c["round_ratios"][0], c["round_ratios"][-1], c["best_rounds_ratio"]))
    lines += ["", "onnxruntime-node on a model with v5's inputs and outputs that does no work: "
              "%.4f ms per call (what the Node binding and onnxruntime's session cost; included in "
              "its times above)." % r["ort_trivial_ms"], ""]
    vad = r["cases"].get("lstm-vad")
    if vad:
        lines += ["`lstm-vad` on %d s of audio (median of 5 runs, the model load excluded): " %
                  r.get("rtf_seconds", 60) + "; ".join(
                      "%s %.4f ms per 32 ms frame, real-time factor %.5f" % (k, v[1], v[1] / 32)
                      for k, v in vad.items()) + ".", ""]
    return lines


def _conv(r):
    m = r["machine"]
    lines = ["### Convolutional front-ends (`conv_bench.py`)", "",
             "Measured %s on %s (%d cores, %s, LSTM_ISA=%s; load average %.1f at the start): "
             "%d rounds, each engine in its own process per round (this library, onnxruntime at "
             "its default optimization level, onnxruntime at \"extended\": its fusions without "
             "the NCHWc layout). Per engine the median of its round medians; ratios are "
             "onnxruntime / ours: of those medians, per round (median and range) and of the best "
             "rounds."
             % (m["date"], m["cpu"], m["cores"], m["isa"], m["LSTM_ISA"] or "not set",
                m["load_average"], r["rounds"]), "",
             "| front-end | ours ms | onnxruntime ms | ort / ours | per round: median | range | "
             "best rounds | ort extended / ours |", "|---|---|---|---|---|---|---|---|"]
    for c in r["cases"]:
        lines.append("| %s | %.4f | %.4f | %.2f | %.2f | %.2f-%.2f | %.2f | %.2f |" % (
            c["name"], c["ours_ms"], c["ort_ms"], c["ratio"], c.get("round_ratio_median", 0),
            c["round_ratios"][0], c["round_ratios"][-1], c["best_rounds_ratio"],
            c["extended_ratio"]))
    lines.append("")
    return lines


def section():
    rec = load()
    lines = [BEGIN, "## Real-model front-ends", "",
             "The last run of each. On shared machines the runs differ: compare ratios from one "
             "run, and prefer the best rounds when other load is high (the README's Speed "
             "section gives the range over several runs and what moves it).", ""]
    if "silero" in rec:
        lines += _silero(rec["silero"])
    if "conv" in rec:
        lines += _conv(rec["conv"])
    if "silero" not in rec and "conv" not in rec:
        lines.append("Not measured yet on this checkout.")
    lines.append(END)
    return "\n".join(lines) + "\n"


def update_readme():
    try:
        text = open(README).read()
    except OSError:
        text = "# Benchmarks\n"
    if BEGIN in text and END in text:
        a, b = text.index(BEGIN), text.index(END) + len(END)
        text = text[:a] + section().rstrip("\n") + text[b:]
    elif "\nOther benchmarks here:" in text:  # where bench/run.py puts it
        a = text.index("\nOther benchmarks here:") + 1
        text = text[:a] + section() + "\n" + text[a:]
    else:
        text = text.rstrip("\n") + "\n\n" + section()
    with open(README, "w") as f:
        f.write(text)
