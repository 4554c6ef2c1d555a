#!/usr/bin/python3
"""Side-by-side benchmark: this library (in-process, bench_ours), onnxruntime (npm
onnxruntime-node, CPU) and PyTorch (Debian python3-torch) on the same ONNX models (PyTorch
exports, opset 14, float32), 1 and 2 threads, each engine in its own process. Prints medians,
ratios (onnxruntime / ours, PyTorch / ours) and peak RSS. Results are kept per kind of machine
(bench/results.json: "avx512" for a CPU with AVX-512, "avx2" for one with AVX2 and no AVX-512,
"avx512+LSTM_ISA=avx2" when this library is capped to its AVX2 kernels on an AVX-512 CPU, ...);
a run replaces its own kind's results and leaves the others, then rewrites bench/README.md
with every kind side by side, and plots this run's sweeps to bench/sweeps.png.

    /usr/bin/python3 bench/run.py [--quick] [--as-avx2]

--as-avx2, on an AVX-512 machine: every engine runs as on an AVX2-only CPU.
build/bench/libcpuid_avx2.so is preloaded into each process and hides AVX-512 from CPUID
(onnxruntime's MLAS and PyTorch take their AVX2 kernels), LSTM_ISA=avx2 caps this library,
OPENBLAS_CORETYPE=Haswell OpenBLAS, GLIBC_TUNABLES glibc's string functions,
ATEN_CPU_CAPABILITY and DNNL_MAX_CPU_ISA PyTorch. With CPUID faulting (flag cpuid_fault) every
CPUID traps; without it, onnxruntime runs a copy of its library whose CPUID instructions are
patched to trap (bench/cpuid_patch.py, in build/bench/cpuid-patched, preloaded in its place).
Results are kept as kind "avx512-as-avx2" ("avx512-zen5-as-avx2", ...): the same instruction
set as an AVX2-only CPU, not its microarchitecture (caches, memory, clocks).

Needs: a build in build/ (meson setup build && ninja -C build), python3-torch, python3-onnx,
python3-matplotlib, node + npm (onnxruntime-node is installed into bench/node_modules with
ONNXRUNTIME_NODE_INSTALL=skip when missing). OPENBLAS_CORETYPE, LSTM_ISA and friends are left
as set; the results (bench/results.json under "machine", and bench/README.md) record them with
the CPU model and the kernel set this library used.
"""
import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from configs import BATCH_SWEEP, FIVE, HIDDEN_SWEEP, build  # noqa: E402
import frontends  # noqa: E402  (the front-end benchmarks' section of bench/README.md)
from seen_as_avx2 import ORT_ENV, as_avx2, cpu_flags  # noqa: E402

QUICK = False  # --quick: fewer runs (main)
MODELS = os.path.join(HERE, "models")
OURS = os.path.join(ROOT, "build", "bench", "bench_ours")


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def setup():
    if not os.path.exists(os.path.join(ROOT, "build", "build.ninja")):
        sh(["meson", "setup", "build"], cwd=ROOT)
    sh(["ninja", "-C", "build"], cwd=ROOT)
    if not os.path.isdir(os.path.join(HERE, "node_modules", "onnxruntime-node")):
        env = dict(os.environ, ONNXRUNTIME_NODE_INSTALL="skip")
        sh(["npm", "install", "--no-audit", "--no-fund", "--no-package-lock", "--prefix", HERE,
            "onnxruntime-node@1.30.0"], env=env)
    os.makedirs(MODELS, exist_ok=True)


def export(cfg):
    path = os.path.join(MODELS, cfg["name"] + ".onnx")
    if not os.path.exists(path):
        module, x = build(cfg)
        torch.onnx.export(module, (x,), path, opset_version=14, input_names=["X"],
                          output_names=["Y"])
    return path


def runs_for(cfg):
    work = cfg["T"] * cfg["B"] * cfg["H"] * (cfg["I"] + cfg["H"]) * cfg.get("layers", 1)
    n = 6 if work > 5e8 else 16 if work > 5e7 else 50
    return max(5, n // 4) if QUICK else n


def measure(engine, cfg, path, threads):
    shape = "%d,%d,%d" % (cfg["T"], cfg["B"], cfg["I"])
    runs = str(runs_for(cfg))
    if engine == "ours":
        out = sh([OURS, path, "X", shape, runs, str(threads)])
    elif engine == "onnxruntime":
        out = sh(["node", os.path.join(HERE, "bench_ort.js"), path, "X", shape, runs,
                  str(threads)], cwd=HERE, env=dict(os.environ, **ORT_ENV))
    else:
        return torch_best(cfg, runs, threads)
    return {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", out)}


def torch_best(cfg, runs, threads):
    """PyTorch on `threads` cores at its best: its intra-op threads and its BLAS's (OpenBLAS)
    cannot both take every core (2 + 2 threads on 2 cores ran 3-5x slower), so with 2 threads
    it runs both ways, torch's or the BLAS's threads, and keeps the faster."""
    best = None
    for t, blas in ((threads, threads),) if threads == 1 else ((threads, 1), (1, threads)):
        out = sh([sys.executable, os.path.join(HERE, "bench_torch.py"), json.dumps(cfg), runs,
                  str(t), str(blas)])
        r = {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", out)}
        if best is None or r["median_ms"] < best["median_ms"]:
            best = r
    return best


def cpu_model():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def cpu_vendor():
    for line in open("/proc/cpuinfo"):
        if line.startswith("vendor_id"):
            return line.split(":", 1)[1].strip()
    return ""


def kernels():
    """The kernel set this library uses here, and where that was read: `lstm-run --version`
    when it names it ("kernels: NAME"), else the rule of lstm__isa() applied to the CPU's flags
    and LSTM_ISA."""
    out = subprocess.run([os.path.join(ROOT, "build", "tools", "lstm-run"), "--version"],
                         capture_output=True, text=True).stdout
    m = re.search(r"kernels:\s*(\S+)", out)
    if m:
        return m.group(1), "lstm-run --version"
    flags = cpu_flags()
    isa = ("avx512" if {"avx512f", "avx512dq"} <= flags else
           "avx2" if {"avx2", "fma"} <= flags else "portable")
    cap = os.environ.get("LSTM_ISA")
    if cap == "portable" or (cap == "avx2" and isa == "avx512"):
        isa = cap
    return isa, "CPU flags and LSTM_ISA"


def amd_core(flags):
    """AMD's core generation from the CPU family (25: Zen 3 without AVX-512, Zen 4 with it; 26:
    Zen 5), which decides how wide the FMA units are; "amd" for the others."""
    family = 0
    for line in open("/proc/cpuinfo"):
        if line.startswith("cpu family"):
            family = int(line.split(":", 1)[1])
            break
    if family == 25:
        return "zen4" if "avx512f" in flags else "zen3"
    return {26: "zen5"}.get(family, "amd")


def machine_kind(info):
    flags = cpu_flags()
    kind = ("avx512" if "avx512f" in flags else "avx2" if "avx2" in flags else
            platform.machine())
    if cpu_vendor() == "AuthenticAMD":
        kind += "-" + amd_core(flags)
    if info.get("cpuid"):
        return kind + "-as-avx2"
    if info["LSTM_ISA"]:
        kind += "+LSTM_ISA=" + info["LSTM_ISA"]
    return kind


def machine():
    k, source = kernels()
    return {"date": datetime.date.today().isoformat(), "cpu": cpu_model(),
            "cores": os.cpu_count(), "arch": platform.machine(), "kernels": k,
            "kernels_from": source, "LSTM_ISA": os.environ.get("LSTM_ISA"),
            "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
            "cpuid": os.environ.get("LSTM_BENCH_CPUID")}


def main():
    global QUICK
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fewer runs and rounds")
    ap.add_argument("--rounds", type=int, default=9,
                    help="alternating rounds of this library and onnxruntime (default 9)")
    ap.add_argument("--as-avx2", action="store_true",
                    help="hide AVX-512 from every engine (see above)")
    args = ap.parse_args()
    QUICK = args.quick
    setup()
    if args.as_avx2:
        as_avx2()
    info = machine()
    info["rounds"] = 1 if QUICK else max(1, args.rounds)
    print("%s (%d cores), kernels %s (from %s), OPENBLAS_CORETYPE=%s, CPUID %s" % (
        info["cpu"], info["cores"], info["kernels"], info["kernels_from"],
        info["OPENBLAS_CORETYPE"] or "(not set)", info["cpuid"] or "as is"), flush=True)
    engines = ["ours", "onnxruntime", "pytorch"]
    results = {}
    for cfg in FIVE + BATCH_SWEEP + HIDDEN_SWEEP:
        path = export(cfg)
        for threads in (1, 2):
            # The machines are noisy, in bursts of seconds: this library and onnxruntime
            # alternate over short rounds (nine unless --rounds) and each keeps the median of
            # its round medians (PyTorch runs once).
            rounds = {e: [] for e in engines}
            for _ in range(info["rounds"]):
                for e in ("ours", "onnxruntime"):
                    rounds[e].append(measure(e, cfg, path, threads))
            rounds["pytorch"].append(measure("pytorch", cfg, path, threads))
            row = {}
            for e, rs in rounds.items():
                ms = sorted(r["median_ms"] for r in rs)
                row[e] = {"median_ms": ms[(len(ms) - 1) // 2], "best_round_ms": ms[0],
                          "round_medians_ms": [r["median_ms"] for r in rs],
                          "peak_rss_kb": max(r["peak_rss_kb"] for r in rs)}
            results[(cfg["name"], threads)] = row
            o, r, p = (row[e]["median_ms"] for e in engines)
            print("%-28s %d thr  ours %9.3f ms  ort %9.3f ms (%.2fx, best rounds %.2fx)  "
                  "torch %9.3f ms (%.2fx)  rss ours %d ort %d torch %d KiB" % (
                      cfg["name"], threads, o, r, r / o,
                      row["onnxruntime"]["best_round_ms"] / row["ours"]["best_round_ms"], p, p / o,
                      row["ours"]["peak_rss_kb"], row["onnxruntime"]["peak_rss_kb"],
                      row["pytorch"]["peak_rss_kb"]), flush=True)
    kind = machine_kind(info)
    path = os.path.join(HERE, "results.json")
    try:
        kinds = json.load(open(path)).get("kinds", {})
    except (OSError, ValueError):
        kinds = {}
    doc = {"machine": info}
    doc.update({"%s/%dthr" % k: v for k, v in results.items()})
    kinds[kind] = doc
    with open(path, "w") as f:
        json.dump({"kinds": kinds}, f, indent=1)
    write_report(kinds)
    try:
        plot(results, kind)
    except ImportError:
        print("bench/sweeps.png not redrawn: python3-matplotlib is not installed", file=sys.stderr)


KIND_TITLES = {"avx512": "AVX-512 machine, Intel",
               "avx512+LSTM_ISA=avx2": "AVX-512 machine, Intel, this library on its AVX2 kernels "
                                       "(LSTM_ISA=avx2; onnxruntime and PyTorch on AVX-512)",
               "avx512-as-avx2": "AVX-512 machine, Intel, seen as AVX2-only (run.py --as-avx2: AVX-512 "
                                 "hidden from CPUID; every engine on its AVX2 kernels)",
               "avx2": "AVX2-only machine",
               "avx512-zen4": "AVX-512 machine, AMD Zen 4 (512-bit operations on 256-bit units)",
               "avx512-zen4+LSTM_ISA=avx2": "AVX-512 machine, AMD Zen 4, this library on its AVX2 "
                                            "kernels (LSTM_ISA=avx2; onnxruntime and PyTorch "
                                            "on AVX-512)",
               "avx512-zen5": "AVX-512 machine, AMD Zen 5 (512-bit FMA units: twice the AVX2 peak)",
               "avx512-zen5+LSTM_ISA=avx2": "AVX-512 machine, AMD Zen 5, this library on its AVX2 "
                                            "kernels (LSTM_ISA=avx2; onnxruntime and PyTorch "
                                            "on AVX-512, twice the FLOPs)",
               "avx512-zen4-as-avx2": "AVX-512 machine, AMD Zen 4, seen as AVX2-only (run.py "
                                      "--as-avx2; every engine on its AVX2 kernels)",
               "avx512-zen5-as-avx2": "AVX-512 machine, AMD Zen 5, seen as AVX2-only (run.py "
                                      "--as-avx2: onnxruntime's CPUIDs patched, PyTorch and "
                                      "OpenBLAS capped; every engine on its AVX2 kernels)",
               "avx2-zen3": "AVX2-only machine, AMD Zen 3",
               "avx2-amd": "AVX2-only machine, AMD"}


def kind_results(doc):
    out = {}
    for k, v in doc.items():
        if k == "machine":
            continue
        name, thr = k.rsplit("/", 1)
        out[(name, int(thr[:-3]))] = v
    return out


def table(results, cfgs):
    lines = ["| configuration | threads | ours ms | onnxruntime ms | PyTorch ms | ort / ours | "
             "ort / ours, best rounds | PyTorch / ours | peak RSS MiB (ours / ort / PyTorch) |",
             "|---|---|---|---|---|---|---|---|---|"]
    for cfg in cfgs:
        for threads in (1, 2):
            row = results[(cfg["name"], threads)]
            o, r, p = (row[e]["median_ms"] for e in ("ours", "onnxruntime", "pytorch"))
            rss = "/".join("%.0f" % (row[e]["peak_rss_kb"] / 1024) for e in ("ours", "onnxruntime", "pytorch"))
            best = row["onnxruntime"]["best_round_ms"] / row["ours"]["best_round_ms"]
            lines.append("| %s | %d | %.3f | %.3f | %.3f | %.2f | %.2f | %.2f | %s |" % (
                cfg["name"], threads, o, r, p, r / o, best, p / o, rss))
    return "\n".join(lines)


def side_by_side(kinds, cfgs):
    order = [k for k in KIND_TITLES if k in kinds] + sorted(k for k in kinds if k not in KIND_TITLES)
    head = "| configuration | threads | " + " | ".join("%s: ort / ours" % k for k in order) + " |"
    lines = [head, "|---|---|" + "---|" * len(order)]
    res = {k: kind_results(kinds[k]) for k in order}
    for cfg in cfgs:
        for threads in (1, 2):
            cells = []
            for k in order:
                row = res[k].get((cfg["name"], threads))
                cells.append("%.2f" % (row["onnxruntime"]["median_ms"] / row["ours"]["median_ms"])
                             if row else "not measured")
            lines.append("| %s | %d | %s |" % (cfg["name"], threads, " | ".join(cells)))
    return "\n".join(lines), order


def write_report(kinds):
    summary, order = side_by_side(kinds, FIVE + BATCH_SWEEP + HIDDEN_SWEEP)
    sections = []
    for k in order:
        info, results = kinds[k]["machine"], kind_results(kinds[k])
        sections.append("""## %s

Measured %s on %s (%d cores, %s), kernels: %s (from %s), LSTM_ISA=%s,
OPENBLAS_CORETYPE=%s, CPUID %s, %s alternating rounds.

### The five configurations

%s

### Batch sweep (LSTM, I = H = 256, T = 100)

%s

### Hidden-size sweep (LSTM, I = H, B = 1, T = 100)

%s
""" % (KIND_TITLES.get(k, k), info["date"], info["cpu"], info["cores"], info["arch"],
           info["kernels"], info["kernels_from"], info["LSTM_ISA"] or "(not set)",
           info["OPENBLAS_CORETYPE"] or "(not set)", info.get("cpuid") or "as is",
           info.get("rounds", 9),
           table(results, FIVE),
           table(results, BATCH_SWEEP), table(results, HIDDEN_SWEEP)))
    with open(os.path.join(HERE, "README.md"), "w") as f:
        f.write("""# Benchmarks

`/usr/bin/python3 bench/run.py` (about 15 minutes; `--quick` for fewer runs) measures this
library (in-process, `bench/bench_ours.c`), onnxruntime (npm onnxruntime-node, CPU execution
provider) and PyTorch (Debian python3-torch, the module the model was exported from) on the
same float32 models (PyTorch exports, opset 14, `bench/configs.py`), each in its own process:
one warm-up run, then the median of N timed runs; this library and onnxruntime alternate over
such rounds (nine, or `--rounds N`; each kind below gives its count) and each reports the
median of its round medians (PyTorch runs one round, with OpenBLAS under it held to the same
number of threads; at 2 threads both ways, torch's 2 threads over 1 BLAS thread and 1 over 2,
and the faster is kept: before, its 1-thread runs used both cores through OpenBLAS).
Ratios above 1 mean this library is faster. "Best rounds" compares each engine's fastest round
median (the least disturbed by other load on the machine); every round's median is in
`bench/results.json`.
`--as-avx2` (on an AVX-512 machine) runs every engine as on an AVX2-only CPU:
`build/bench/libcpuid_avx2.so` is preloaded into each process and hides AVX-512 and AMX from
CPUID, so that onnxruntime's MLAS takes its AVX2 kernels (checked under perf: onnxruntime's hot
instructions turn from zmm to ymm, and its LSTM H = 512 batch 32 takes 1.5-1.9x as long);
`LSTM_ISA=avx2`, `OPENBLAS_CORETYPE=Haswell`, `GLIBC_TUNABLES` and `ATEN_CPU_CAPABILITY=avx2`
do the same for this library, OpenBLAS, glibc and PyTorch, and `build/bench/cpuid_probe`
checks the shim before the run. Where the kernel offers CPUID faulting (flag `cpuid_fault`)
every CPUID traps into the shim. Where it does not, onnxruntime runs a copy of its library
whose CPUID instructions (found by `objdump -d`) are patched into traps, preloaded in place of
the original (`bench/cpuid_patch.py`, into `build/bench/cpuid-patched/`; on AMD Zen 5 its
LSTM H = 512 batch 32 then takes 1.65x as long, with the same output to the bit; of its 44
CPUIDs, 25 trap per process, all as it starts, as many for 5 runs as for 200). That is an
AVX2-only CPU's instruction set, not its caches, memory or clocks.
Peak RSS is the whole process (Node.js and Python interpreters included). The machines are
noisy: compare ratios from one run, not absolute times across runs. On the shared VMs here a
whole process is often 1.3-1.5x slower than the next one of the same engine and model, for
onnxruntime and this library alike, while a register-only FMA loop keeps its speed (caches
shared with other tenants, it seems); more rounds (`--rounds`) steady the medians.
`bench/threads.py` compares this library's 1 and 2 threads within one process
(`bench/bench_pair.c`), pair by pair. Each kind of machine keeps its own results; a run
replaces those of the kind it runs on (the kind is the instruction set, the core generation on
AMD CPUs, "-zen4", and how the run capped it). The PyTorch columns of runs before 2026-12-01
(the Intel kinds) let OpenBLAS under PyTorch use both cores in its "1-thread" runs.

## onnxruntime / ours, every kind of machine

%s%s

%s
![sweeps](sweeps.png)

%s
Other benchmarks here: `bench_kernels` (the GEMM kernels against the FMA peak and OpenBLAS,
[kernels.md](kernels.md)), `plan_scale.py` / `plan_bench` (loading and planning at scale),
`threads.py` (1 vs 2 threads), `conv_bench.py` and `silero_bench.py` (the real-model
front-ends: their section above, and the README's Speed section).
""" % (summary, missing_kinds(kinds), "\n".join(sections), frontends.section()))


def missing_kinds(kinds):
    """A line under the side-by-side table naming the x86 kinds with no results yet."""
    absent = [k for k in ("avx512", "avx2") if not any(n.split("+")[0].split("-")[0] == k
                                                        and "-as-" not in n for n in kinds)]
    if not absent:
        return ""
    return ("\n\nNo results yet from a machine of kind %s: run `bench/run.py` on one (the "
            "kind is read from the CPU's flags).\n" % " or ".join(absent))


def plot(results, kind):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    for ax, sweep, key, label in ((axes[0], BATCH_SWEEP, "B", "batch size (I = H = 256, T = 100)"),
                                  (axes[1], HIDDEN_SWEEP, "H", "hidden size (I = H, B = 1, T = 100)")):
        xs = [c[key] for c in sweep]
        for engine, style in (("ours", "o-"), ("onnxruntime", "s--"), ("pytorch", "^:")):
            ax.plot(xs, [results[(c["name"], 1)][engine]["median_ms"] for c in sweep], style,
                    label=engine + " (1 thread)")
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel(label)
        ax.set_ylabel("median latency (ms)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    fig.suptitle("LSTM inference latency, %s, %s" % (cpu_model(), KIND_TITLES.get(kind, kind)))
    fig.tight_layout()
    fig.savefig(os.path.join(HERE, "sweeps.png"), dpi=90)


if __name__ == "__main__":
    main()
