#!/usr/bin/python3
"""Times the PyTorch module a benchmark model was exported from: a warm-up run, then RUNS timed
runs under torch.no_grad(). usage: bench_torch.py CONFIG_JSON RUNS THREADS [BLAS_THREADS]
THREADS is torch's intra-op thread count; BLAS_THREADS (default THREADS) that of the BLAS under
it (Debian's torch calls OpenBLAS, whose pool is sized when it loads and would otherwise take
every core: a "1-thread" run on 2 cores used both).
prints: median_ms=… min_ms=… peak_rss_kb=… threads=…"""
import json
import os
import resource
import sys
import time

BLAS = sys.argv[4] if len(sys.argv) > 4 else sys.argv[3]
os.environ["OPENBLAS_NUM_THREADS"] = os.environ["OMP_NUM_THREADS"] = BLAS
import torch  # noqa: E402 (after the BLAS's thread count is set)

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
