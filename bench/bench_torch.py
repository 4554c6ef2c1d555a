#!/usr/bin/python3
"""Times the PyTorch module a benchmark model was exported from: a warm-up run, then RUNS timed
runs under torch.no_grad(). usage: bench_torch.py CONFIG_JSON RUNS THREADS
prints: median_ms=… min_ms=… peak_rss_kb=… threads=…"""
import json
import resource
import sys
import time

import torch

sys.path.insert(0, __import__("os").path.dirname(__file__))
from configs import build  # noqa: E402

cfg = json.loads(sys.argv[1])
runs, threads = int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
module, x = build(cfg)
with torch.no_grad():
    module(x)
    t = []
    for _ in range(runs):
        a = time.perf_counter()
        module(x)
        t.append((time.perf_counter() - a) * 1e3)
t.sort()
# VmHWM: getrusage's ru_maxrss survives exec and would report the parent's peak.
hwm = [int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")]
print("median_ms=%.4f min_ms=%.4f peak_rss_kb=%d threads=%d" % (
    t[(len(t) - 1) // 2], t[0], hwm[0] if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, threads))
