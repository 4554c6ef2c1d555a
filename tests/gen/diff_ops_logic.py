"""Differential entries of And, Or, Xor, BitShift, Mod, CastLike, Trilu, EyeLike, OneHot,
GatherND, DepthToSpace and SpaceToDepth for make_diff_cases.py (which imports this module).
It registers the versions after opset 17 that the Debian python3-onnx does not know (CastLike
19, 21, 23, 24, 25 and EyeLike 22, from ONNX's operator docs and onnxscript's opset files; 22
adds bfloat16 to EyeLike, the others only types this runtime does not hold) in
diff_case.LATER_VERSIONS / LATER_TYPES."""
import numpy as np

import diff_case
from diff_case import ALL, DTYPES, FLOATS, INTS, NUMERIC, SIGNED, UNSIGNED, In, op, to_dtype
from diff_ops import BCAST, cast_pairs, cast_ref, cast_values

diff_case.LATER_VERSIONS.update({"CastLike": [19, 21, 23, 24, 25], "EyeLike": [22]})
diff_case.LATER_TYPES.update({("EyeLike", 22): ["bfloat16"]})

F32 = "float32"
I64 = "int64"
B = "bool"


def ints(values, dt=I64):
    return np.array(values, DTYPES[dt][1])


# ---------------------------------------------------------------- And, Or, Xor
def legacy_ref(fn, axis=None):
    """Version 1 with broadcast=1: B's dims line up with A's from axis (suffix when None)."""
    def f(a, b):
        if b.size == 1:
            return fn(a, b.reshape(()))
        ax = a.ndim - b.ndim if axis is None else (axis + a.ndim if axis < 0 else axis)
        shape = (1,) * ax + b.shape + (1,) * (a.ndim - ax - b.ndim)
        return fn(a, b.reshape(shape))
    return f


def logic_cases(g, fn):
    if g.v < 7:
        x = g.rand(B, (2, 3, 4, 5))
        yield g.case("same", "broadcast 0, equal shapes [2,3,4,5]", B,
                     [In("a", B, x), In("b", B, g.rand(B, (2, 3, 4, 5)))], ref=fn)
        for tag, sb, axis in (("scalar", (), None), ("one", (1, 1), None), ("suffix1", (5,), None),
                              ("suffix2", (4, 5), None), ("axis1", (3, 4), 1), ("axis0", (2,), 0),
                              ("axis_neg", (3, 4), -3), ("whole", (2, 3, 4, 5), None)):
            attrs = {"broadcast": 1}
            if axis is not None:
                attrs["axis"] = axis
            yield g.case("bcast_" + tag, "broadcast 1: B %s%s on A [2,3,4,5]" % (
                sb, "" if axis is None else " at axis %d" % axis), B,
                [In("a", B, x), In("b", B, g.rand(B, sb))], attrs=attrs, ref=legacy_ref(fn, axis))
        yield g.case("empty", "broadcast 1: B [0] on A [2,0]", B,
                     [In("a", B, np.zeros((2, 0), bool)), In("b", B, np.zeros((0,), bool))],
                     attrs={"broadcast": 1}, ref=legacy_ref(fn))
        return
    for shp in ((3, 4), (), (2, 3, 4, 5)):
        yield g.case("same%d" % len(shp), "equal shapes %s" % (shp,), B,
                     [In("a", B, g.rand(B, shp)), In("b", B, g.rand(B, shp))], ref=fn)
    for k, (sa, sb) in enumerate(BCAST + [((2, 1, 3), (4, 1))]):
        yield g.case("bcast%d" % k, "broadcast %s with %s" % (sa, sb), B,
                     [In("a", B, g.rand(B, sa)), In("b", B, g.rand(B, sb))], ref=fn)
    yield g.case("init", "B an initializer, a row on [3,4]", B,
                 [In("a", B, g.rand(B, (3, 4))), In("b", B, g.rand(B, (4,)), init=True)], ref=fn)


@op("And", types=[B], exact=True)
def and_(g):
    yield from logic_cases(g, np.logical_and)


@op("Or", types=[B], exact=True)
def or_(g):
    yield from logic_cases(g, np.logical_or)


@op("Xor", types=[B], exact=True)
def xor(g):
    yield from logic_cases(g, np.logical_xor)


# ---------------------------------------------------------------- BitShift
def shift_ref(right):
    return (lambda a, b: np.right_shift(a, b)) if right else (lambda a, b: np.left_shift(a, b))


@op("BitShift", types=UNSIGNED, exact=True)
def bitshift(g):
    for dt in g.types(sweep=True):
        bits = np.iinfo(dt).bits
        info = np.iinfo(dt)
        for direction in ("LEFT", "RIGHT"):
            right = direction == "RIGHT"
            x = g.rng.integers(0, int(info.max), (3, 4), dtype=np.uint64).astype(dt)
            s = g.rng.integers(0, bits, (3, 4)).astype(dt)
            s[0, :3] = [0, bits - 1, 1]
            yield g.case("%s_%s" % (direction.lower(), dt), "%s %s by 0..%d" % (direction, dt, bits - 1),
                         dt, [In("a", dt, x), In("b", dt, s)], attrs={"direction": direction},
                         ref=shift_ref(right))
            s = np.array([bits, bits + 1, 2 * bits, int(info.max)], dt)
            yield g.case("%s_%s_wide" % (direction.lower(), dt),
                         "%s %s by the width or more: 0" % (direction, dt), dt,
                         [In("a", dt, np.full(4, info.max, dt)), In("b", dt, s)],
                         attrs={"direction": direction}, ref=shift_ref(right))
    for dt in ("uint8", "uint32"):
        for k, (sa, sb) in enumerate(BCAST):
            a = g.rand(dt, sa, lo=0, hi=200)
            b = g.rand(dt, sb, lo=0, hi=7)
            direction = ("LEFT", "RIGHT")[k % 2]
            yield g.case("bcast%d_%s" % (k, dt), "%s broadcast %s with %s" % (direction, sa, sb), dt,
                         [In("a", dt, a), In("b", dt, b)], attrs={"direction": direction},
                         ref=shift_ref(direction == "RIGHT"))


# ---------------------------------------------------------------- Mod
def mod_ref(fmod):
    def f(a, b):
        return np.fmod(a, b) if fmod else np.mod(a, b)
    return f


@op("Mod", types=NUMERIC, exact=True)
def mod(g):
    for dt in g.types():
        fmods = (1,) if dt in FLOATS else (0, 1)
        for fm in fmods:
            if dt in FLOATS:
                a, b = g.rand(dt, (3, 5)), g.rand(dt, (3, 5), nonzero=True)
            else:
                lo = 0 if dt in UNSIGNED else -100
                a = g.rand(dt, (3, 5), lo=lo, hi=100)
                b = g.rand(dt, (3, 5), lo=lo // 10, hi=10, nonzero=True)
            yield g.case("%s_fmod%d" % (dt, fm), "%s, fmod %d, mixed signs" % (dt, fm), dt,
                         [In("a", dt, a), In("b", dt, b)], attrs={"fmod": fm}, ref=mod_ref(fm))
    if F32 in g.types():
        inf, nan = np.inf, np.nan
        a = np.array([5.5, -5.5, 5.5, -5.5, -0.0, 0.0, inf, -inf, 3.0, -3.0, nan, 2.0, 1e30, -6.0],
                     np.float32)
        b = np.array([2.0, 2.0, -2.0, -2.0, 3.0, -3.0, 2.0, 2.0, inf, -inf, 1.0, nan, 3.0, 3.0],
                     np.float32)
        yield g.case("special", "fmod 1: signs, -0, infinities, NaN", F32,
                     [In("a", F32, a), In("b", F32, b)], attrs={"fmod": 1}, ref=mod_ref(1))
        yield g.case("zero_div", "fmod 1: float divisor 0 gives NaN", F32,
                     [In("a", F32, np.array([1.0, -2.0, 0.0], np.float32)),
                      In("b", F32, np.array([0.0, -0.0, 0.0], np.float32))], attrs={"fmod": 1},
                     ref=mod_ref(1))
    for dt in [d for d in ("int64", "int32") if d in g.types()]:
        a = ints([7, -7, 7, -7, 0, 6, -6], dt)
        b = ints([3, 3, -3, -3, -5, 3, -3], dt)
        for fm in (0, 1):
            yield g.case("signs_%s_fmod%d" % (dt, fm), "%s, fmod %d: every sign pair, exact multiples"
                         % (dt, fm), dt, [In("a", dt, a), In("b", dt, b)], attrs={"fmod": fm},
                         ref=mod_ref(fm))
    if g.sweep:
        for dt in ("int8", "int16", "int32"):
            info = np.iinfo(dt)
            a = ints([info.min, info.min, info.max, info.min + 1], dt)
            b = ints([-1, 7, info.min, -1], dt)
            trap = dt == "int32"  # int8 / int16 are promoted to int, which does not trap
            yield g.case("limits_" + dt, "%s: the minimum by -1 and the extremes" % dt, dt,
                         [In("a", dt, a), In("b", dt, b)], ref=mod_ref(0), ort=not trap,
                         why="onnxruntime dies of SIGFPE computing INT32_MIN % -1" if trap else None)
        a = ints([-2 ** 63, -2 ** 63 + 1], I64)
        yield g.case("limits_int64", "int64: the minimum by -1 (0)", I64,
                     [In("a", I64, a), In("b", I64, ints([-1, -1]))], ref=mod_ref(0), ort=False,
                     why="onnxruntime dies of SIGFPE computing INT64_MIN % -1")
        a = np.array([2 ** 64 - 1, 2 ** 63 + 5, 10], np.uint64)
        b = np.array([7, 2 ** 63, 2 ** 64 - 2], np.uint64)
        yield g.case("uint64_big", "uint64 values above INT64_MAX", "uint64",
                     [In("a", "uint64", a), In("b", "uint64", b)], ref=mod_ref(0))
    for dt, fm in (("float32", 1), ("int32", 0), ("int64", 1)):
        if dt not in g.types():
            continue
        for k, (sa, sb) in enumerate(BCAST):
            a = g.rand(dt, sa) if dt in FLOATS else g.rand(dt, sa, lo=-50, hi=50)
            b = g.rand(dt, sb, nonzero=True)
            yield g.case("bcast%d_%s" % (k, dt), "%s fmod %d, broadcast %s with %s" % (dt, fm, sa, sb), dt,
                         [In("a", dt, a), In("b", dt, b)], attrs={"fmod": fm}, ref=mod_ref(fm))


# ---------------------------------------------------------------- CastLike
@op("CastLike", types=ALL, exact=True)
def castlike(g):
    for k, (s, t) in enumerate(cast_pairs(g, 15)):
        x = cast_values(g, s, t)
        like = g.rand(t, ((2, 3), (), (0,), (1,))[k % 4])  # only its type counts
        yield g.case("%s_to_%s" % (s, t), "cast %s to %s (target of shape %s)" % (s, t, like.shape), s,
                     [In("x", s, x), In("t", t, like)], out_types=[t], ref=lambda x, _, t=t: cast_ref(t)(x))
    x = g.rand(F32, (2, 3, 4))
    yield g.case("shape", "a [2,3,4] input, the target an int8 initializer of shape [5]", F32,
                 [In("x", F32, x), In("t", "int8", g.rand("int8", (5,)), init=True)], out_types=["int8"],
                 ref=lambda x, _: cast_ref("int8")(x))
    yield g.case("empty", "an empty input [0,3] to float16", F32,
                 [In("x", F32, np.zeros((0, 3), np.float32)), In("t", "float16", g.rand("float16", (1,)))],
                 out_types=["float16"], ref=lambda x, _: cast_ref("float16")(x))
    if g.v >= 19:
        x = cast_values(g, "float32", "float16")
        yield g.case("saturate0", "saturate 0 (it concerns float8 only)", F32,
                     [In("x", F32, x), In("t", "float16", g.rand("float16", (1,)))], out_types=["float16"],
                     attrs={"saturate": 0}, ref=lambda x, _: cast_ref("float16")(x))
    if g.v >= 24:
        x = cast_values(g, "float32", "int32")
        yield g.case("round_mode", "round_mode \"down\" (it concerns float8e8m0 only)", F32,
                     [In("x", F32, x), In("t", "int32", g.rand("int32", (1,)))], out_types=["int32"],
                     attrs={"round_mode": "down"}, ref=lambda x, _: cast_ref("int32")(x))


# ---------------------------------------------------------------- Trilu
def trilu_ref(upper):
    def f(x, k=None):
        kk = 0 if k is None else int(np.asarray(k).reshape(-1)[0])
        return np.triu(x, kk) if upper else np.tril(x, kk)
    return f


@op("Trilu", types=ALL, exact=True)
def trilu(g):
    for dt in g.types(sweep=True):
        x = g.rand(dt, (3, 4))
        for upper in (1, 0):
            yield g.case("%s_%s" % (dt, "upper" if upper else "lower"), "%s %s triangle" % (
                dt, "upper" if upper else "lower"), dt, [In("x", dt, x)], attrs={"upper": upper},
                ref=trilu_ref(upper))
    shapes = [(4, 4), (2, 5), (5, 2), (2, 3, 4, 3), (1, 4), (3, 0), (0, 2, 2)]
    ks = [0, 1, -1, 2, -3, 5, -6, 2 ** 62, -2 ** 62]
    for upper in (1, 0):
        for j, shp in enumerate(shapes):
            for kv in (ks if j < 4 else ks[:3]):
                x = g.rand(F32, shp)
                kt = "%d" % kv if abs(kv) < 100 else ("big" if kv > 0 else "-big")
                yield g.case("%s_s%d_k%s" % ("up" if upper else "lo", j, kt.replace("-", "m")),
                             "%s, shape %s, k %s" % ("upper" if upper else "lower", shp, kt), F32,
                             [In("x", F32, x), In("k", I64, np.array(kv, np.int64))],
                             attrs={} if upper else {"upper": 0}, ref=trilu_ref(upper))
    yield g.case("no_k", "no k input (0), upper by default", F32, [In("x", F32, g.rand(F32, (3, 3)))],
                 ref=trilu_ref(1))
    yield g.case("k_init", "k an initializer", F32,
                 [In("x", F32, g.rand(F32, (2, 4, 4))), In("k", I64, np.array(-1, np.int64), init=True)],
                 attrs={"upper": 0}, ref=trilu_ref(0))
    yield g.case("k_1d", "k of shape [1]", F32,
                 [In("x", F32, g.rand(F32, (3, 4))), In("k", I64, np.array([1], np.int64))],
                 ref=trilu_ref(1))


# ---------------------------------------------------------------- EyeLike
def eye_ref(k, dt):
    def f(x):
        return np.eye(x.shape[0], x.shape[1], k).astype(np.float64 if dt in FLOATS else DTYPES[dt][1])
    return f


@op("EyeLike", types=ALL, exact=True)
def eyelike(g):
    for dt in g.types("T1", sweep=True):
        x = g.rand(dt, (3, 4))
        yield g.case("from_" + dt, "%s input, no dtype" % dt, dt, [In("x", dt, x)], out_types=[dt],
                     ref=eye_ref(0, dt))
    for dt in g.types("T2", sweep=True):
        yield g.case("to_" + dt, "float32 input, dtype %s, k 1" % dt, F32, [In("x", F32, g.rand(F32, (4, 3)))],
                     out_types=[dt], attrs={"dtype": DTYPES[dt][0], "k": 1}, ref=eye_ref(1, dt))
    for shp in ((4, 4), (2, 5), (5, 2), (1, 1), (0, 3), (3, 0)):
        for kv in (0, 1, -1, 3, -4, 5, -5, 2 ** 62, -2 ** 62):
            kt = "%d" % kv if abs(kv) < 100 else ("big" if kv > 0 else "-big")
            yield g.case("s%dx%d_k%s" % (shp[0], shp[1], kt.replace("-", "m")), "shape %s, k %s" % (shp, kt),
                         F32, [In("x", F32, g.rand(F32, shp))], attrs={"k": kv}, ref=eye_ref(kv, F32))


# ---------------------------------------------------------------- OneHot
def onehot_ref(axis, v9):
    def f(ix, depth, vals):
        d = int(np.trunc(np.asarray(depth, np.float64).reshape(-1)[0]))
        ixi = np.trunc(np.asarray(ix, np.float64)).astype(np.int64)
        valid = (ixi >= (0 if v9 else -d)) & (ixi < d)
        ixw = np.where(ixi < 0, ixi + d, ixi)
        hot = (ixw[..., None] == np.arange(d)) & valid[..., None]
        a = axis + ix.ndim + 1 if axis < 0 else axis
        hot = np.moveaxis(hot, -1, a)
        return np.where(hot, vals[1], vals[0])
    return f


@op("OneHot", types=ALL, exact=True)
def onehot(g):
    v9 = g.v < 11
    depth = np.array(4, np.int64)
    ix_pos = ints([[0, 3, 1], [2, 7, 0]])  # 7: beyond depth, all off
    for dt in g.types("T1", sweep=True):
        yield g.case("ix_" + dt, "%s indices [2,3], depth 4 (7 is beyond)" % dt, dt,
                     [In("i", dt, ix_pos.astype(DTYPES[dt][1]) if dt != "bfloat16" else to_dtype(ix_pos, dt)),
                      In("d", I64, depth), In("v", F32, np.array([0.0, 1.0], np.float32))],
                     out_types=[F32], ref=onehot_ref(-1, v9))
    for dt in g.types("T2", sweep=True):
        dv = np.array(3, DTYPES[dt][1]) if dt != "bfloat16" else to_dtype(np.array(3.0), dt)
        yield g.case("depth_" + dt, "depth 3 as %s" % dt, dt,
                     [In("i", I64, ints([0, 2, 1, 1])), In("d", dt, dv),
                      In("v", F32, np.array([-1.0, 2.5], np.float32))], out_types=[F32], ref=onehot_ref(-1, v9))
    for dt in g.types("T3", sweep=True):
        vals = g.rand(dt, (2,))
        yield g.case("values_" + dt, "values [off, on] of %s" % dt, dt,
                     [In("i", I64, ints([1, 0, 2])), In("d", I64, depth), In("v", dt, vals)],
                     out_types=[dt], ref=onehot_ref(-1, v9))
    ix = g.rng.integers(0, 5, (2, 3, 2)).astype(np.int64)
    for axis in (-4, -3, -2, -1, 0, 1, 2, 3):
        yield g.case("axis%s" % str(axis).replace("-", "m"), "indices [2,3,2], axis %d, depth 5" % axis, F32,
                     [In("i", I64, ix), In("d", I64, np.array(5, np.int64)),
                      In("v", F32, np.array([0.5, -2.0], np.float32))], out_types=[F32],
                     attrs={"axis": axis}, ref=onehot_ref(axis, v9))
    neg = ints([-1, -4, -5, 3, 4, 0])
    why = None if not v9 else ("onnxruntime wraps negative indices at version 9 too; the spec's "
                               "version 9 gives all off values outside [0, depth)")
    yield g.case("negative", "indices -1, -4, -5, 3, 4, 0 with depth 4 (%s)" % (
        "outside [0, 4): all off" if v9 else "-1 and -4 count from the end, -5 and 4 all off"), I64,
        [In("i", I64, neg), In("d", I64, depth), In("v", F32, np.array([0.0, 1.0], np.float32))],
        out_types=[F32], ref=onehot_ref(-1, v9), ort=not v9, why=why)
    yield g.case("float_depth", "float32 indices of integral values, depth 3.7 truncates to 3", F32,
                 [In("i", F32, np.array([0.0, 2.0, 1.0, 3.0, -1.0], np.float32)),
                  In("d", F32, np.array(3.7, np.float32)), In("v", F32, np.array([0.0, 1.0], np.float32))],
                 out_types=[F32], ref=onehot_ref(-1, v9), ort=not v9, why=why)
    yield g.case("float_idx", "float32 indices 0.9, 2.5, -0.5, 1.2 truncate as the spec casts them to int64",
                 F32, [In("i", F32, np.array([0.9, 2.5, -0.5, 1.2], np.float32)),
                       In("d", F32, np.array(3.0, np.float32)),
                       In("v", F32, np.array([0.0, 1.0], np.float32))],
                 out_types=[F32], ref=onehot_ref(-1, v9), ort=False,
                 why="onnxruntime (and onnx's reference implementation) compare float indices "
                     "unconverted, so 0.9 matches no position; the spec casts them to int64 first")
    yield g.case("depth_1d", "depth of shape [1]", I64,
                 [In("i", I64, ints([2, 0])), In("d", I64, ints([3])), In("v", I64, ints([5, 9]))],
                 out_types=[I64], ref=onehot_ref(-1, v9))
    yield g.case("depth_init", "depth and values initializers", I64,
                 [In("i", I64, ints([[1, 2]])), In("d", I64, ints(3), init=True),
                  In("v", I64, ints([0, 1]), init=True)], out_types=[I64], ref=onehot_ref(-1, v9))
    yield g.case("empty", "no indices [0,2]", I64,
                 [In("i", I64, np.zeros((0, 2), np.int64)), In("d", I64, depth),
                  In("v", F32, np.array([0.0, 1.0], np.float32))], out_types=[F32], ref=onehot_ref(1, v9),
                 attrs={"axis": 1})
    yield g.case("depth0", "depth 0: an empty one-hot axis", I64,
                 [In("i", I64, ints([0, 1])), In("d", I64, np.array(0, np.int64)),
                  In("v", F32, np.array([0.0, 1.0], np.float32))], out_types=[F32], ref=onehot_ref(-1, v9))


# ---------------------------------------------------------------- GatherND
def gathernd_ref(b=0):
    def f(x, ix):
        m = ix.shape[-1]
        lead = ix.shape[:-1]  # the batch axes, then the tuples'
        out = np.zeros(lead + x.shape[b + m:], x.dtype)
        for pos in np.ndindex(*lead):
            out[pos] = x[pos[:b] + tuple(int(v) for v in ix[pos])]
        return out
    return f


@op("GatherND", types=ALL, exact=True)
def gathernd(g):
    for dt in g.types():
        x = g.rand(dt, (3, 4, 2))
        ix = ints([[2, 1], [0, -1], [-3, 3]])
        yield g.case(dt, "%s [3,4,2], pairs (negative ones too)" % dt, dt,
                     [In("x", dt, x), In("i", I64, ix)], ref=gathernd_ref())
    x = g.rand(F32, (3, 4, 5))
    for m in (1, 2, 3):
        for ishape in ((m,), (2, m), (2, 2, m)):
            ix = np.stack([g.rng.integers(-x.shape[j], x.shape[j], ishape[:-1]) for j in range(m)],
                          axis=-1).astype(np.int64)
            yield g.case("m%d_q%d" % (m, len(ishape)), "[3,4,5], indices %s" % (ishape,), F32,
                         [In("x", F32, x), In("i", I64, ix)], ref=gathernd_ref())
    yield g.case("m0", "empty index tuples pick the whole data", F32,
                 [In("x", F32, g.rand(F32, (2, 3))), In("i", I64, np.zeros((2, 0), np.int64))], ref=gathernd_ref())
    yield g.case("no_tuples", "no index tuple [0,2]", F32,
                 [In("x", F32, g.rand(F32, (2, 3))), In("i", I64, np.zeros((0, 2), np.int64))], ref=gathernd_ref())
    yield g.case("init", "indices an initializer", F32,
                 [In("x", F32, g.rand(F32, (4, 3))), In("i", I64, ints([[3], [0], [3]]), init=True)],
                 ref=gathernd_ref())
    if g.v >= 12:
        x = g.rand(F32, (2, 3, 4, 2))
        for b, ishape in ((1, (2, 1)), (1, (2, 3, 2)), (1, (2, 2, 3)), (2, (2, 3, 1)), (2, (2, 3, 2, 2)),
                          (3, (2, 3, 4, 1)), (1, (2, 0))):
            m = ishape[-1]
            cols = [g.rng.integers(-x.shape[b + j], x.shape[b + j], ishape[:-1]) for j in range(m)]
            ix = (np.stack(cols, axis=-1) if m else np.zeros(ishape)).astype(np.int64)
            yield g.case("b%d_%s" % (b, "x".join(map(str, ishape))), "batch_dims %d, [2,3,4,2], indices %s"
                         % (b, ishape), F32, [In("x", F32, x), In("i", I64, ix)],
                         attrs={"batch_dims": b}, ref=gathernd_ref(b))
        yield g.case("b1_int32", "batch_dims 1 on int32 data", "int32",
                     [In("x", "int32", g.rand("int32", (2, 2))), In("i", I64, ints([[1], [0]]))],
                     attrs={"batch_dims": 1}, ref=gathernd_ref(1))


# ---------------------------------------------------------------- DepthToSpace, SpaceToDepth
def d2s_ref(b, crd):
    def f(x):
        n, c, h, w = x.shape
        if crd:
            t = x.reshape(n, c // (b * b), b, b, h, w).transpose(0, 1, 4, 2, 5, 3)
        else:
            t = x.reshape(n, b, b, c // (b * b), h, w).transpose(0, 3, 4, 1, 5, 2)
        return t.reshape(n, c // (b * b), h * b, w * b)
    return f


def s2d_ref(b):
    def f(x):
        n, c, h, w = x.shape
        t = x.reshape(n, c, h // b, b, w // b, b).transpose(0, 3, 5, 1, 2, 4)
        return t.reshape(n, c * b * b, h // b, w // b)
    return f


@op("DepthToSpace", types=ALL, exact=True)
def depth_to_space(g):
    modes = ("DCR", "CRD") if g.v >= 11 else ("DCR",)
    for dt in g.types():
        for mode in modes:
            yield g.case("%s_%s" % (dt, mode.lower()), "%s [1,8,2,3], blocksize 2, %s" % (dt, mode), dt,
                         [In("x", dt, g.rand(dt, (1, 8, 2, 3)))], attrs={"blocksize": 2, **({"mode": mode} if g.v >= 11 else {})},
                         ref=d2s_ref(2, mode == "CRD"))
    for mode in modes:
        for b, shp in ((1, (2, 3, 2, 2)), (2, (2, 12, 3, 1)), (3, (1, 18, 1, 2)), (2, (0, 4, 2, 2)),
                       (2, (1, 4, 0, 3))):
            attrs = {"blocksize": b}
            if g.v >= 11:
                attrs["mode"] = mode
            yield g.case("%s_b%d_%s" % (mode.lower(), b, "x".join(map(str, shp))),
                         "%s, blocksize %d, input %s" % (mode, b, shp), F32,
                         [In("x", F32, g.rand(F32, shp))], attrs=attrs, ref=d2s_ref(b, mode == "CRD"))
    if g.v >= 11:
        yield g.case("default_mode", "no mode attribute (DCR)", F32, [In("x", F32, g.rand(F32, (1, 8, 2, 2)))],
                     attrs={"blocksize": 2}, ref=d2s_ref(2, False))


@op("SpaceToDepth", types=ALL, exact=True)
def space_to_depth(g):
    for dt in g.types():
        yield g.case(dt, "%s [1,2,4,6], blocksize 2" % dt, dt, [In("x", dt, g.rand(dt, (1, 2, 4, 6)))],
                     attrs={"blocksize": 2}, ref=s2d_ref(2))
    for b, shp in ((1, (2, 3, 2, 2)), (2, (2, 3, 4, 2)), (3, (1, 2, 3, 6)), (2, (0, 2, 2, 2)),
                   (2, (1, 2, 0, 4))):
        yield g.case("b%d_%s" % (b, "x".join(map(str, shp))), "blocksize %d, input %s" % (b, shp), F32,
                     [In("x", F32, g.rand(F32, shp))], attrs={"blocksize": b}, ref=s2d_ref(b))
