"""Differential entries of the operators new in opset 26, CumProd and BitCast, for
make_diff_cases.py (which imports this module). Opset 25 adds no operator (its new versions only
add the int2 / uint2 types). Neither is known to the Debian onnx 1.12: version 26 goes to
diff_case.LATER_VERSIONS here with stand-in schemas (onnxscript's opset26.py: CumProd T in
bfloat16, float64, float32, float16, int32, int64, uint32, uint64 and T2 int32 / int64, attributes
exclusive and reverse; BitCast any non-string type, attribute to)."""
import numpy as np

import diff_case
from diff_case import ALL, DTYPES, In, op

_CP_T = ["tensor(%s)" % t for t in ("bfloat16", "double", "float", "float16", "int32", "int64",
                                    "uint32", "uint64")]
_ALL_T = ["tensor(%s)" % t for t in ("float", "double", "float16", "bfloat16", "bool")] + \
    ["tensor(%s)" % t for t in diff_case.INTS]
diff_case.LATER_VERSIONS["CumProd"] = [26]
diff_case.LATER_VERSIONS["BitCast"] = [26]
diff_case.add_schema("CumProd", {26: diff_case.Schema([("T", _CP_T), ("T2", ["tensor(int32)", "tensor(int64)"])],
                                                      ["exclusive", "reverse"])})
diff_case.add_schema("BitCast", {26: diff_case.Schema([("T1", _ALL_T), ("T2", _ALL_T)], ["to"])})

F32 = "float32"
TOL = {"float16": (4e-3, 4e-3), "bfloat16": (3e-2, 3e-2), "float64": (1e-9, 1e-12)}


# ---------------------------------------------------------------- CumProd
def cumprod_ref(axis, exclusive=0, reverse=0):
    def f(x, _axis):
        a = np.flip(x, axis) if reverse else x
        if exclusive:
            ones = np.ones_like(np.take(a, [0], axis=axis)) if a.shape[axis] else np.take(a, [], axis=axis)
            a = np.concatenate([ones, np.take(a, range(a.shape[axis] - 1), axis=axis)], axis=axis) \
                if a.shape[axis] else a
        with np.errstate(over="ignore", invalid="ignore"):
            y = np.cumprod(a, axis=axis, dtype=a.dtype)
        return np.flip(y, axis) if reverse else y
    return f


@op("CumProd", types=["float32", "float64", "float16", "bfloat16", "int32", "int64", "uint32", "uint64"])
def cumprod(g):
    for dt in g.types():
        x = g.rand(dt, (3, 5), lo=0.5, hi=1.6) if dt in diff_case.FLOATS else g.rand(dt, (3, 5), lo=0, hi=4)
        for ex, rev in ((0, 0), (1, 0), (0, 1), (1, 1)):
            yield g.case("%s_e%d_r%d" % (dt, ex, rev), "%s along axis 1, exclusive %d, reverse %d" % (dt, ex, rev),
                         dt, [In("x", dt, x), In("axis", "int64", np.array(1, np.int64))],
                         attrs={"exclusive": ex, "reverse": rev}, tol=TOL.get(dt),
                         ref=cumprod_ref(1, ex, rev))
    for dt, hi in (("int32", 60), ("uint64", 1000), ("int64", 5000)):
        x = g.rand(dt, (12,), lo=0 if dt[0] == "u" else -hi, hi=hi)
        yield g.case("wrap_" + dt, "%s products that wrap" % dt, dt,
                     [In("x", dt, x), In("axis", "int64", np.array(0, np.int64))], ref=cumprod_ref(0))
    f = F32
    x = g.rand(f, (2, 3, 4), lo=-1.5, hi=1.5)
    for axis, adt in ((0, "int32"), (-1, "int64"), (-2, "int32")):
        yield g.case("axis%d_%s" % (axis, adt) if axis >= 0 else "axism%d_%s" % (-axis, adt),
                     "axis %d given as %s" % (axis, adt), f,
                     [In("x", f, x), In("axis", adt, np.array([axis], DTYPES[adt][1]))],
                     ref=cumprod_ref(axis))
    sp = np.array([[2.0, np.inf, 0.0, 3.0], [np.nan, 1.0, -2.0, 0.5]], np.float32)
    yield g.case("special", "inf, 0 (inf * 0 = NaN) and NaN", f,
                 [In("x", f, sp), In("axis", "int64", np.array(1, np.int64))], ref=cumprod_ref(1))
    yield g.case("empty", "an empty axis", f, [In("x", f, np.zeros((2, 0), np.float32)),
                                               In("axis", "int64", np.array(1, np.int64))],
                 attrs={"exclusive": 1}, ref=cumprod_ref(1, 1))
    yield g.case("scalar_axis_init", "the axis an initializer", f,
                 [In("x", f, x), In("axis", "int64", np.array(2, np.int64), init=True)], ref=cumprod_ref(2))


# ---------------------------------------------------------------- BitCast
WIDTHS = {1: ["int8", "uint8", "bool"], 2: ["int16", "uint16", "float16", "bfloat16"],
          4: ["int32", "uint32", "float32"], 8: ["int64", "uint64", "float64"]}


def held_of(raw, dt):
    """Little-endian bytes (a uint8 array, last axis the element's bytes) -> dt's held array."""
    w = raw.shape[-1]
    flat = np.frombuffer(np.array(raw, order="C").tobytes(), "<u%d" % w).reshape(raw.shape[:-1])
    if dt == "bfloat16":
        return (flat.astype(np.uint32) << 16).view(np.float32)
    return flat.view(DTYPES[dt][1])


def bits_of(v, dt):
    """A held / compute value of dt -> its bits as an unsigned array."""
    if dt == "bfloat16":
        return (np.asarray(v, np.float32).view(np.uint32) >> 16).astype(np.uint16)
    w = np.dtype(DTYPES[dt][1]).itemsize
    return np.asarray(v).astype(DTYPES[dt][1]).view("<u%d" % w)


def bitcast_ref(src, dst):
    def f(x):
        b = np.array(bits_of(x, src), order="C")
        raw = np.frombuffer(b.tobytes(), np.uint8).reshape(b.shape + (b.itemsize,))
        return held_of(raw, dst)
    return f


def raw_values(g, w, shape, boolish):
    """Bytes of w-wide values: finite floats of that width, or 0 / 1 bytes for bool pairs."""
    n = int(np.prod(shape)) if shape else 1
    if boolish:
        raw = g.rng.integers(0, 2, (n, 1)).astype(np.uint8)
    elif w == 1:
        raw = g.rng.integers(0, 256, (n, 1)).astype(np.uint8)
    else:
        ft = {2: np.float16, 4: np.float32, 8: np.float64}[w]
        v = (g.rng.standard_normal(n) * 100).astype(ft)
        raw = v.view(np.uint8).reshape(n, w)
        if w == 2:  # bfloat16 too: keep the high byte's exponent below all ones (no NaN / inf)
            raw[:, 1] &= 0xBF
    return raw.reshape(tuple(shape) + (w,))


@op("BitCast", types=ALL, exact=True)
def bitcast(g):
    for w, group in WIDTHS.items():
        for src in group:
            for dst in group:
                if src == dst:
                    continue
                raw = raw_values(g, w, (2, 3), "bool" in (src, dst))
                x = held_of(raw, src)
                yield g.case("%s_to_%s" % (src, dst), "%s bits as %s" % (src, dst), src,
                             [In("x", src, x)], out_types=[dst],
                             attrs={"to": int(DTYPES[dst][0])}, ref=bitcast_ref(src, dst))
    raw = raw_values(g, 4, (), False)
    yield g.case("scalar", "a 0-d float32 as int32", F32, [In("x", F32, held_of(raw, F32))],
                 out_types=["int32"], attrs={"to": int(DTYPES["int32"][0])}, ref=bitcast_ref(F32, "int32"))
    yield g.case("empty", "an empty float32 as uint32", F32, [In("x", F32, np.zeros((0, 3), np.float32))],
                 out_types=["uint32"], attrs={"to": int(DTYPES["uint32"][0])}, ref=bitcast_ref(F32, "uint32"))
    sp = np.array([np.inf, -np.inf, -0.0, 1e-45], np.float32)
    yield g.case("special", "inf, -inf, -0 and a subnormal as int32", F32, [In("x", F32, sp)],
                 out_types=["int32"], attrs={"to": int(DTYPES["int32"][0])}, ref=bitcast_ref(F32, "int32"))
