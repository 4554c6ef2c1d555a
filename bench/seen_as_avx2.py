"""Every engine started from this process sees an AVX2-only CPU (the --as-avx2 of bench/run.py,
conv_bench.py, silero_bench.py and quant_bench.py); no PyTorch import, so the scripts that do
not run PyTorch need none."""
import os
import subprocess
import sys

import cpuid_patch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHIM = os.path.join(ROOT, "build", "bench", "libcpuid_avx2.so")
PROBE = os.path.join(ROOT, "build", "bench", "cpuid_probe")
PATCHED = os.path.join(ROOT, "build", "bench", "cpuid-patched")
GLIBC_NO_AVX512 = "glibc.cpu.hwcaps=" + ",".join(
    "-AVX512" + f for f in ("F", "CD", "BW", "DQ", "VL", "ER", "PF"))
ORT_ENV = {}  # what onnxruntime's processes add to the environment (as_avx2)


def cpu_flags():
    for line in open("/proc/cpuinfo"):
        if line.startswith(("flags", "Features")):
            return set(line.split(":", 1)[1].split())
    return set()


def as_avx2():
    """Caps this process's environment (which every engine inherits) and fills ORT_ENV."""
    flags = cpu_flags()
    if "avx512f" not in flags:
        sys.exit("--as-avx2: this CPU has no AVX-512 to hide; run without it")
    if not os.path.exists(SHIM):
        sys.exit("--as-avx2: %s is missing (ninja -C build)" % SHIM)
    pre = os.environ.get("LD_PRELOAD")
    pre = " " + pre if pre else ""
    probe = PROBE
    how = "masked (no AVX-512)"
    os.environ.update({"LD_PRELOAD": SHIM + pre, "LSTM_ISA": "avx2",
                       "OPENBLAS_CORETYPE": "Haswell", "GLIBC_TUNABLES": GLIBC_NO_AVX512,
                       "ATEN_CPU_CAPABILITY": "avx2", "DNNL_MAX_CPU_ISA": "AVX2",
                       "ONEDNN_MAX_CPU_ISA": "AVX2"})
    if "cpuid_fault" not in flags:
        # No CPUID faulting: onnxruntime runs a copy of its library whose CPUIDs trap (UD2),
        # listed before the shim, whose constructor then runs first.
        ort = ort_library()
        for f in (ort, probe):
            cpuid_patch.patch(f, PATCHED)
        probe = os.path.join(PATCHED, os.path.basename(probe))
        os.environ["LSTM_CPUID_PATCHED"] = PATCHED
        ORT_ENV["LD_PRELOAD"] = os.path.join(PATCHED, os.path.basename(ort)) + " " + SHIM + pre
        how += ", onnxruntime's CPUIDs patched; PyTorch by ATEN_CPU_CAPABILITY"
    os.environ["LSTM_BENCH_CPUID"] = how
    out = subprocess.run([probe], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit("--as-avx2: the shim did not hide AVX-512: " + out.stdout.strip())


def ort_library():
    """onnxruntime-node's libonnxruntime.so.1 for linux x64."""
    from frontends import node_modules
    bins = os.path.join(node_modules(), "onnxruntime-node", "bin")
    for napi in sorted(os.listdir(bins) if os.path.isdir(bins) else [], reverse=True):
        path = os.path.join(bins, napi, "linux", "x64", "libonnxruntime.so.1")
        if os.path.exists(path):
            return path
    sys.exit("--as-avx2: no libonnxruntime.so.1 for linux x64 under " + bins)
