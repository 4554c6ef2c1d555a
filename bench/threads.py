#!/usr/bin/python3
"""Two threads against one, this library only, on every configuration of bench/run.py. Each
round is one bench_pair process: a 1-thread and a 2-thread session of the same model run in
turns (order alternating), so bursts of other load fall on both sides of each pair; a round
reports the median of its pairs' 2-thread / 1-thread ratios. Printed per configuration: the
rounds' ratios and their median. --control runs 1 thread against 1 (what noise alone gives).

    /usr/bin/python3 bench/threads.py [--rounds N] [--filter SUBSTRING] [--control]
                                      [--pair PATH_TO_ANOTHER_BUILDS_BENCH_PAIR]

Needs a build in build/ and the exported models (bench/run.py exports them into bench/models).
"""
import argparse
import os
import platform
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from configs import BATCH_SWEEP, FIVE, HIDDEN_SWEEP  # noqa: E402
from run import cpu_model, export, kernels, runs_for  # noqa: E402

PAIR = os.path.join(ROOT, "build", "bench", "bench_pair")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--filter", default="")
    ap.add_argument("--control", action="store_true")
    ap.add_argument("--pair", default=PAIR)
    a = ap.parse_args()
    threads = 1 if a.control else 2
    print("%s, %d cores, %s, kernels %s, OPENBLAS_CORETYPE=%s; %d rounds; %d threads vs 1; %s" % (
        cpu_model(), os.cpu_count(), platform.machine(), kernels()[0],
        os.environ.get("OPENBLAS_CORETYPE", "(not set)"), a.rounds, threads, a.pair))
    worst = 0.0
    for cfg in FIVE + BATCH_SWEEP + HIDDEN_SWEEP:
        if a.filter not in cfg["name"]:
            continue
        path = export(cfg)
        shape = "%d,%d,%d" % (cfg["T"], cfg["B"], cfg["I"])
        pairs = str(max(10, 2 * runs_for(cfg)))
        rounds = []
        for _ in range(a.rounds):
            out = subprocess.run([a.pair, path, "X", shape, pairs, str(threads)], check=True,
                                 capture_output=True, text=True).stdout
            rounds.append({k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", out)})
        ratios = sorted(r["ratio_median"] for r in rounds)
        med = ratios[(len(ratios) - 1) // 2]
        worst = max(worst, med)
        t1 = sorted(r["median_1_ms"] for r in rounds)[(len(rounds) - 1) // 2]
        tn = sorted(r["median_n_ms"] for r in rounds)[(len(rounds) - 1) // 2]
        print("%-28s 1 thr %9.3f ms  %d thr %9.3f ms  ratio %.3f  (rounds %s)" % (
            cfg["name"], t1, threads, tn, med, " ".join("%.3f" % x for x in ratios)), flush=True)
    print("largest ratio: %.3f" % worst)


if __name__ == "__main__":
    main()
