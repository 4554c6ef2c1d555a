"""Differential entries of BitwiseAnd, BitwiseOr, BitwiseXor and BitwiseNot (18) for
make_diff_cases.py (which imports this module). The Debian onnx 1.12 does not know them: version 18
goes to diff_case.LATER_VERSIONS here with a stand-in schema (ONNX's onnx/defs/math/defs.cc: T in
the eight integer types, no attributes; no later version up to opset 26 per onnxscript's opset
files)."""
import numpy as np

import diff_case
from diff_case import INTS, In, op
from diff_ops import BCAST

_INT_T = ["tensor(%s)" % t for t in INTS]
for _op in ("BitwiseAnd", "BitwiseOr", "BitwiseXor", "BitwiseNot"):
    diff_case.LATER_VERSIONS[_op] = [18]
    diff_case.add_schema(_op, {18: diff_case.Schema([("T", _INT_T)], [])})


def full_range(g, dt, shape):
    """Values over the whole range of dt (sign bits and high bits set)."""
    info = np.iinfo(dt)
    v = g.rng.integers(int(info.min), int(info.max), shape, dtype=np.int64 if info.min < 0 else np.uint64,
                       endpoint=True)
    return v.astype(dt)


def extremes(dt):
    info = np.iinfo(dt)
    return np.array([info.min, info.max, 0, 1, info.max // 2 + 1 if info.min == 0 else -1], dt)


def binary_cases(g, fn):
    for dt in g.types(sweep=True):
        for shp in ((3, 4), ()):
            yield g.case("%s_same%d" % (dt, len(shp)), "%s over its whole range, shape %s" % (dt, shp),
                         dt, [In("a", dt, full_range(g, dt, shp)), In("b", dt, full_range(g, dt, shp))],
                         ref=fn)
        e = extremes(dt)
        a, b = np.repeat(e, len(e)), np.tile(e, len(e))
        yield g.case(dt + "_extremes", "%s min, max, 0, 1, the top bit: every pair" % dt, dt,
                     [In("a", dt, a), In("b", dt, b)], ref=fn)
    for dt in ("int8", "uint32", "int64", "uint64"):
        for k, (sa, sb) in enumerate(BCAST):
            yield g.case("%s_bcast%d" % (dt, k), "broadcast %s with %s" % (sa, sb), dt,
                         [In("a", dt, full_range(g, dt, sa)), In("b", dt, full_range(g, dt, sb))], ref=fn)
    yield g.case("init", "B an initializer, a row on [3,4]", "int32",
                 [In("a", "int32", full_range(g, "int32", (3, 4))),
                  In("b", "int32", full_range(g, "int32", (4,)), init=True)], ref=fn)


@op("BitwiseAnd", types=INTS, exact=True)
def bitwise_and(g):
    yield from binary_cases(g, np.bitwise_and)


@op("BitwiseOr", types=INTS, exact=True)
def bitwise_or(g):
    yield from binary_cases(g, np.bitwise_or)


@op("BitwiseXor", types=INTS, exact=True)
def bitwise_xor(g):
    yield from binary_cases(g, np.bitwise_xor)


@op("BitwiseNot", types=INTS, exact=True)
def bitwise_not(g):
    for dt in g.types(sweep=True):
        for shp in ((2, 3, 4), (), (0, 3)):
            yield g.case("%s_r%d%s" % (dt, len(shp), "_empty" if 0 in shp else ""),
                         "%s over its whole range, shape %s" % (dt, shp), dt,
                         [In("x", dt, full_range(g, dt, shp))], ref=np.invert)
        yield g.case(dt + "_extremes", "%s min, max, 0, 1, the top bit" % dt, dt,
                     [In("x", dt, extremes(dt))], ref=np.invert)
