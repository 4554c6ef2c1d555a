"""Differential entries of the signal operators (DFT, STFT, HannWindow, HammingWindow,
BlackmanWindow, MelWeightMatrix) for make_diff_cases.py (which imports this module). DFT's
version 20 (axis becomes an input) is added to diff_case.LATER_VERSIONS here; the others have
only version 17 up to opset 26.

The NumPy references follow the spec's formulas and its reference implementation
(onnx/reference/ops: op_dft.py, op_stft.py, op_window_functions.py, op_mel_weight_matrix.py)."""
import numpy as np

import diff_case
from diff_case import FLOATS, NUMERIC, In, op

diff_case.LATER_VERSIONS.setdefault("DFT", [20])

F32, F64, I64, I32 = "float32", "float64", "int64", "int32"
# A transform sums n products: float32 (onnxruntime computes in float32) drifts by about
# n * 2^-24 of the largest magnitude, beyond atol 1e-5 on outputs that cancel to near zero.
SUM_TOL = (1e-3, 1e-4)
F64_TOL = (1e-9, 1e-9)  # float64 sums in double: rounding only
LONG_TOL = (1e-3, 2e-3)  # frames of 400-512 samples: sums of that many terms of magnitude ~2
# Where onnxruntime's float32 sums drift beyond the generator's agreement check (1e-5 absolute),
# the NumPy reference (float64, exact to the float32 output) stands in.
F32_SUMS = "onnxruntime sums in float32: off by up to ~5e-5 here, beyond the 1e-5 agreement check"
# The agreement check of transforms where onnxruntime is the reference: its float32 sums are off
# by ~1e-5-3e-5 near zero, its float64 sums of 1009 terms by ~6e-12 (held-out seeds, DIFF_SALT,
# found 1.4e-5 to 2.4e-5 and 6.4e-12).
F32_CHECK = (1e-4, 1e-4)


def checked(c):
    """A case whose agreement check allows rounded sums (F32_CHECK; float64: F64_TOL)."""
    if c.dtype in (F32, F64):
        c.check_tol = F32_CHECK if c.dtype == F32 else F64_TOL
    return c


def scalar(v, dt=I64):
    return np.array(v, {I64: np.int64, I32: np.int32}[dt])


def as_complex(x):
    """[..., 1 or 2] -> complex [...]"""
    return x[..., 0] + 1j * x[..., 1] if x.shape[-1] == 2 else x[..., 0].astype(np.complex128)


def as_pairs(z):
    return np.stack([z.real, z.imag], axis=-1)


def dft_ref(n=None, axis=1, inverse=0, onesided=0):
    def ref(x, *_):
        z = as_complex(np.asarray(x, np.float64))
        a = axis + x.ndim if axis < 0 else axis
        m = x.shape[a] if n is None else n
        y = np.fft.ifft(z, m, axis=a) if inverse else np.fft.fft(z, m, axis=a)
        if onesided:
            y = np.take(y, np.arange(m // 2 + 1), axis=a)
        return as_pairs(y)
    return ref


def stft_ref(step, length, onesided=1, window=True):
    def ref(x, _step, *rest):
        w = rest[0] if window else np.ones(length)
        z = as_complex(np.asarray(x, np.float64))
        frames = (z.shape[1] - length) // step + 1
        out = np.stack([np.fft.fft(z[:, f * step:f * step + length] * w, axis=1) for f in range(frames)],
                       axis=1)
        if onesided:
            out = out[:, :, :length // 2 + 1]
        return as_pairs(out)
    return ref


WINDOWS = {"HannWindow": (0.5, 0.5, 0.0), "HammingWindow": (25.0 / 46.0, 1.0 - 25.0 / 46.0, 0.0),
           "BlackmanWindow": (0.42, 0.5, 0.08)}


def window_ref(name, periodic=1):
    a0, a1, a2 = WINDOWS[name]

    def ref(size):
        s = int(size)
        N = s if periodic else s - 1
        with np.errstate(invalid="ignore", divide="ignore"):
            x = 2 * np.pi * (np.arange(s) / np.float64(N))
        return a0 - a1 * np.cos(x) + (a2 * np.cos(2 * x) if a2 else 0.0)
    return ref


def mel_ref(num_mel_bins, dft_length, sample_rate, lo, hi):
    m, n, sr = int(num_mel_bins), int(dft_length), int(sample_rate)
    low = 2595 * np.log10(1 + float(lo) / 700)
    step = (2595 * np.log10(1 + float(hi) / 700) - low) / (m + 2)
    pts = [int(np.floor((n + 1) * (700 * (10 ** ((low + step * i) / 2595) - 1)) / sr)) for i in range(m + 2)]
    out = np.zeros((n // 2 + 1, m))
    for i in range(m):
        left, c, right = pts[i], pts[i + 1], pts[i + 2]
        if c == left:
            out[c, i] = 1
        else:
            for j in range(left, c + 1):
                out[j, i] = (j - left) / (c - left)
        for j in range(c, right):
            out[j, i] = (right - j) / (right - c)
    return out


# ---------------------------------------------------------------- windows
ORT_COEF = ("onnxruntime takes the coefficients as float32 (25/46, 0.42, 0.08 rounded): its float64 "
            "values are off by about 1e-8 and Blackman's peak, 0.99999998, truncates to 0 in integer "
            "types where the spec's 0.42 + 0.5 + 0.08 gives 1")


def window_ort(name, dt):
    """Whether onnxruntime's window agrees with the spec's formula in type dt."""
    if name == "HannWindow":
        return True
    return dt != F64 and not (name == "BlackmanWindow" and dt not in FLOATS)


def window_cases(g, name):
    for dt in g.types("T2"):
        size = int(g.rng.integers(5, 13))
        yield g.case("rand_" + dt, "size %d, output %s" % (size, dt), dt, [In("size", I64, scalar(size), True)],
                     out_types=[dt], attrs={"output_datatype": diff_case.DTYPES[dt][0]},
                     ref=window_ref(name), ort=window_ort(name, dt),
                     why=None if window_ort(name, dt) else ORT_COEF)
    for size in (1, 2, 7, 8, 16, 400):
        for periodic in (0, 1):
            if size == 1 and periodic == 0:
                continue
            yield g.case("s%d_p%d" % (size, periodic), "size %d, periodic %d" % (size, periodic), F32,
                         [In("size", I64, scalar(size), size != 16)], out_types=[F32],
                         attrs={"periodic": periodic}, ref=window_ref(name, periodic))
    yield g.case("one_symmetric", "size 1, periodic 0: the formula divides 0 by 0 (NaN)", F32,
                 [In("size", I64, scalar(1), True)], out_types=[F32], attrs={"periodic": 0},
                 ref=window_ref(name, 0))
    yield g.case("int32_size", "size given as int32, output float64", F64, [In("size", I32, scalar(9, I32), True)],
                 out_types=[F64], attrs={"output_datatype": 11, "periodic": 0}, ref=window_ref(name, 0),
                 ort=window_ort(name, F64), why=None if window_ort(name, F64) else ORT_COEF)
    for dt in ("int32", "uint8"):
        for size, periodic in ((8, 1), (9, 0)):
            yield g.case("%s_%d" % (dt, size), "output %s: 1 at the peak, 0 elsewhere (truncated)" % dt, dt,
                         [In("size", I64, scalar(size), True)], out_types=[dt],
                         attrs={"output_datatype": diff_case.DTYPES[dt][0], "periodic": periodic},
                         ref=window_ref(name, periodic), ort=window_ort(name, dt),
                         why=None if window_ort(name, dt) else ORT_COEF)


@op("HannWindow", types=NUMERIC)
def hann_window(g):
    yield from window_cases(g, "HannWindow")


@op("HammingWindow", types=NUMERIC)
def hamming_window(g):
    yield from window_cases(g, "HammingWindow")


@op("BlackmanWindow", types=NUMERIC)
def blackman_window(g):
    yield from window_cases(g, "BlackmanWindow")


# ---------------------------------------------------------------- MelWeightMatrix
@op("MelWeightMatrix", types=NUMERIC)
def mel_weight_matrix(g):
    def case(tag, what, m, n, sr, lo, hi, dt=F32, edge=F32, idt=I64, init=True, tol=None, ort=True, why=None):
        ins = [In("num_mel_bins", idt, scalar(m, idt), init), In("dft_length", idt, scalar(n, idt), init),
               In("sample_rate", idt, scalar(sr, idt), init),
               In("lower_edge_hertz", edge, diff_case.to_dtype(np.array(lo), edge), init),
               In("upper_edge_hertz", edge, diff_case.to_dtype(np.array(hi), edge), init)]
        attrs = {} if dt == F32 and tag == "default" else {"output_datatype": diff_case.DTYPES[dt][0]}
        return g.case(tag, what, dt, ins, out_types=[dt], attrs=attrs, tol=tol, ort=ort, why=why,
                      ref=lambda *v: mel_ref(*v))
    for dt in g.types("T3"):
        yield case("out_" + dt, "8 bins, dft 64, 16 kHz, 0-8000 Hz, output %s" % dt, 8, 64, 16000, 0.0, 8000.0, dt)
    yield case("default", "output_datatype absent", 10, 400, 16000, 20.0, 7600.0)
    yield case("whisper", "80 bins, dft 400, 16 kHz, 0-8000 Hz", 80, 400, 16000, 0.0, 8000.0)
    yield case("narrow", "40 bins over 300-900 Hz: neighbouring points share a bin", 40, 512, 16000, 300.0, 900.0)
    yield case("odd_dft", "odd dft_length 255, 8 kHz", 12, 255, 8000, 100.0, 3900.0)
    yield case("int32", "int32 scalars, graph inputs", 6, 128, 22050, 50.0, 11000.0, idt=I32, init=False)
    yield case("zero_bins", "num_mel_bins 0: an empty matrix", 0, 32, 16000, 0.0, 8000.0)
    yield case("one_bin", "num_mel_bins 1", 1, 32, 16000, 1000.0, 4000.0)
    for e in ("float64", "float16", "bfloat16"):
        yield case("edge_" + e, "edges given as %s" % e, 16, 256, 16000, 125.0, 7500.0, edge=e)


# ---------------------------------------------------------------- DFT
@op("DFT", types=FLOATS)
def dft(g):
    v = g.v

    def case(tag, what, dt, x, n=None, axis=None, inverse=0, onesided=0, n_init=True, tol=SUM_TOL, ort=True,
             why=None, n_dt=I64):
        attrs = {}
        if inverse:
            attrs["inverse"] = inverse
        if onesided:
            attrs["onesided"] = onesided
        ins = [In("x", dt, x), In("n", n_dt, scalar(n, n_dt), n_init) if n is not None else None]
        if axis is not None:
            if v >= 20:
                ins.append(In("axis", I64, scalar(axis), True))
            else:
                attrs["axis"] = axis
        while ins[-1] is None:
            ins.pop()
        eff = axis if axis is not None else (1 if v < 20 else -2)
        return checked(g.case(tag, what, dt, ins, attrs=attrs, tol=F64_TOL if dt == F64 else tol, ort=ort,
                              why=why, ref=dft_ref(n, eff, inverse, onesided)))

    for dt in g.types():
        yield case("real_" + dt, "real [2, 8, 1]", dt, g.rand(dt, (2, 8, 1)))
        yield case("complex_" + dt, "complex [3, 6, 2]", dt, g.rand(dt, (3, 6, 2)))
        yield case("inverse_" + dt, "inverse, complex [2, 16, 2]", dt, g.rand(dt, (2, 16, 2)), inverse=1)
    for c in (1, 2):
        kind = "real" if c == 1 else "complex"
        for length, n in ((8, 5), (8, 12), (6, 16), (10, 10)):
            x = g.rand(F32, (2, length, c))
            yield case("%s_%d_n%d" % (kind, length, n), "%s, length %d, dft_length %d" % (kind, length, n), F32, x, n,
                       ort=(kind, length, n) != ("real", 8, 12), why=F32_SUMS)
        for length in (7, 16):
            x = g.rand(F32, (2, length, c))
            if c == 1:
                yield case("onesided_%d" % length, "real, onesided, length %d" % length, F32, x, onesided=1)
            yield case("inverse_%s_%d" % (kind, length), "%s, inverse, length %d" % (kind, length), F32, x, inverse=1)
        x = g.rand(F32, (2, 9, c))
        yield case("inv_n_%s" % kind, "%s, inverse, dft_length 12 > 9 (zero-padded)" % kind, F32, x, 12, inverse=1)
    x = g.rand(F32, (2, 3, 5, 2))
    for axis in (1, 2, -2, -3):
        yield case("axis%d" % axis, "[2, 3, 5, 2], axis %d" % axis, F32, x, axis=axis)
    yield case("axis0", "[4, 3, 1], axis 0", F32, g.rand(F32, (4, 3, 1)), axis=0)
    yield case("axis_n", "[2, 5, 3, 1], axis 2, dft_length 4, onesided", F32, g.rand(F32, (2, 5, 3, 1)), 4,
               axis=2, onesided=1)
    yield case("rank2", "[6, 1]: axis 0 is the signal", F32, g.rand(F32, (6, 1)), axis=0)
    yield case("empty_batch", "[0, 4, 1]", F32, np.zeros((0, 4, 1), np.float32))
    yield case("n_input", "dft_length a graph input (int32)", F32, g.rand(F32, (2, 8, 1)), 6, n_init=False,
               n_dt=I32)
    yield case("fft512", "real [2, 512, 1], power of two (FFT)", F32, g.rand(F32, (2, 512, 1)), tol=LONG_TOL)
    yield case("dft400", "real [2, 400, 1], onesided (direct sum)", F32, g.rand(F32, (2, 400, 1)), onesided=1,
               tol=LONG_TOL, ort=False, why=F32_SUMS)
    for n in (49, 202, 210):  # mixed radix: 7 x 7, 2 x 101 (a large prime factor), 2 x 3 x 5 x 7
        yield case("f64_n%d" % n, "float64 complex [2, 100, 2], dft_length %d (mixed-radix FFT)" % n, F64,
                   g.rand(F64, (2, 100, 2)), n)
    yield case("f64_1024", "float64 complex [1, 1024, 2], inverse", F64, g.rand(F64, (1, 1024, 2)), inverse=1)
    # Lengths with a prime factor above 64 take Bluestein's algorithm.
    yield case("bluestein_1009", "float64 real [1, 1009, 1], onesided: prime length (Bluestein)", F64,
               g.rand(F64, (1, 1009, 1)), onesided=1)
    yield case("bluestein_inv_262", "complex [2, 262, 2], inverse: 2 x 131 (Bluestein)", F32,
               g.rand(F32, (2, 262, 2)), inverse=1, tol=LONG_TOL, ort=False, why=F32_SUMS)
    # No inf / NaN case: where a sum meets inf * 0 depends on the algorithm (numpy's FFT skips
    # trivial twiddles, a direct sum does not), so no reference is authoritative.


# ---------------------------------------------------------------- STFT
# onnxruntime's shape inference counts frames from the n/2+1 one-sided bins instead of the frame
# length (and takes an absent onesided as 0): make_diff_cases.py declares STFT's output by rank.
@op("STFT", types=FLOATS)
def stft(g):
    def case(tag, what, dt, x, step, window=None, length=None, onesided=1, tol=SUM_TOL, ort=True, why=None,
             step_dt=I64, step_init=True):
        ins = [In("signal", dt, x), In("frame_step", step_dt, scalar(step, step_dt), step_init),
               In("window", dt, window) if window is not None else None,
               In("frame_length", I64, scalar(length), True) if length is not None else None]
        while ins[-1] is None:
            ins.pop()
        attrs = {} if onesided is None else {"onesided": onesided}
        flen = length if length is not None else len(window)
        return checked(g.case(tag, what, dt, ins, attrs=attrs, tol=F64_TOL if dt == F64 else tol, ort=ort,
                              why=why, ref=stft_ref(step, flen, 1 if onesided is None else onesided,
                                                    window is not None)))

    hann16 = window_ref("HannWindow")(16)
    for dt in g.types():
        x = g.rand(dt, (2, 40, 1))
        yield case("hann_" + dt, "[2, 40, 1], Hann window 16, step 8", dt, x, 8,
                   window=diff_case.to_dtype(hann16, dt))
    x = g.rand(F32, (1, 37, 1))
    yield case("default_onesided", "onesided absent (1)", F32, x, 3, window=g.rand(F32, (10,)), onesided=None,
               ort=False, why=F32_SUMS)
    yield case("no_window_1", "frame_length 10, no window, step 3, onesided 1", F32, x, 3, length=10)
    yield case("no_window", "frame_length 10, no window, step 3, onesided 0", F32, x, 3, length=10, onesided=0)
    yield case("both", "window and frame_length 10, onesided 0", F32, x, 4, window=g.rand(F32, (10,)), length=10,
               onesided=0, ort=False, why=F32_SUMS)
    yield case("twosided", "onesided 0, real", F32, x, 5, window=g.rand(F32, (8,)), onesided=0)
    yield case("complex", "complex [2, 30, 2], onesided 0", F32, g.rand(F32, (2, 30, 2)), 7,
               window=g.rand(F32, (12,)), onesided=0,
               ort=False, why="onnxruntime 1.30's STFT returns garbage (~1e31) for a complex signal")
    yield case("big_step", "step 20 > frame 6", F32, g.rand(F32, (3, 50, 1)), 20, length=6)
    yield case("one_frame", "signal as long as the frame", F32, g.rand(F32, (2, 9, 1)), 4, length=9, onesided=0)
    yield case("speech", "[1, 1600, 1], Hann 400, hop 160 (direct sum)", F32, g.rand(F32, (1, 1600, 1)), 160,
               window=window_ref("HannWindow")(400).astype(np.float32), tol=LONG_TOL,
               ort=False, why=F32_SUMS)
    yield case("fft512", "[1, 2048, 1], Hann 512, hop 256 (FFT)", F32, g.rand(F32, (1, 2048, 1)), 256,
               window=window_ref("HannWindow")(512).astype(np.float32), tol=LONG_TOL,
               ort=False, why=F32_SUMS)
    yield case("step_input", "frame_step an int32 graph input", F32, g.rand(F32, (2, 24, 1)), 5,
               window=g.rand(F32, (6,)), step_dt=I32, step_init=False, ort=False, why=F32_SUMS)
    yield case("empty_batch", "batch 0", F32, np.zeros((0, 20, 1), np.float32), 4, length=8)
    yield case("f64", "float64, no window, onesided 0", F64, g.rand(F64, (2, 20, 1)), 5, length=8, onesided=0)
    yield case("bluestein", "float64 frames of 67 (a prime: Bluestein), Hann window", F64,
               g.rand(F64, (1, 300, 1)), 50, window=window_ref("HannWindow")(67))
