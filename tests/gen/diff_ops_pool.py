"""Differential entries of LpPool (1, 2, 11, 18, 22), GlobalLpPool (1, 2, 22), LRN (1, 13),
MaxUnpool (9, 11, 22), Col2Im (18) and CenterCropPad (18) for make_diff_cases.py (which imports
this module). Their later versions are added to diff_case.LATER_VERSIONS / LATER_TYPES here
(LpPool 18: ceil_mode, dilations; LpPool, GlobalLpPool and MaxUnpool 22: bfloat16; none of them
changes at 23-26, per ONNX's operator_sets.h), and Col2Im and CenterCropPad, which the Debian
onnx 1.12 does not know, get a stand-in schema (their type constraints from the ONNX 1.13
operator text: every tensor type; CenterCropPad's shape int32 / int64).

The NumPy references follow the ONNX operator text (conv_ref.py's window geometry for the
pools). onnxruntime 1.30 runs LpPool 2-18+, GlobalLpPool 2+, LRN, MaxUnpool and Col2Im for
float32 only (and LRN for 4-D X only), and expands CenterCropPad's function body; the other
cases have the NumPy reference. MaxUnpool cases also feed MaxPool's own Indices output to
MaxUnpool in one model (pre_nodes: a MaxPool before the node)."""
import itertools

import numpy as np
from onnx import helper

import conv_ref
import diff_case
from diff_case import ALL, FLOATS, In, op, to_dtype

F32 = "float32"
I64 = "int64"
BF16_TOL = (8e-3, 1e-5)  # one bfloat16 step: the result rounds once into bfloat16
F16_TOL = (2e-3, 1e-5)

diff_case.LATER_VERSIONS.update({"LpPool": [18, 22], "GlobalLpPool": [22], "MaxUnpool": [22],
                                 "Col2Im": [18], "CenterCropPad": [18]})
diff_case.LATER_TYPES.update({("LpPool", 22): ["bfloat16"], ("GlobalLpPool", 22): ["bfloat16"],
                              ("MaxUnpool", 22): ["bfloat16"]})


_ALL_TENSORS = ["tensor(%s)" % t for t in ("float", "double", "float16", "bfloat16", "int8",
                                            "int16", "int32", "int64", "uint8", "uint16",
                                            "uint32", "uint64", "bool", "string", "complex64",
                                            "complex128")]
diff_case.add_schema("Col2Im", {18: diff_case.Schema([("T", _ALL_TENSORS)],
                                                     ["dilations", "pads", "strides"])})
diff_case.add_schema("CenterCropPad", {18: diff_case.Schema(
    [("T", _ALL_TENSORS), ("Tind", ["tensor(int32)", "tensor(int64)"])], ["axes"])})


def ints(values, dt=I64):
    return np.array(values, {"int64": np.int64, "int32": np.int32}[dt])


def tol_of(dt):
    return BF16_TOL if dt == "bfloat16" else F16_TOL if dt == "float16" else None


# ---------------------------------------------------------------- LpPool, GlobalLpPool
def lp_pool_ref(kernel, order, **attrs):
    attrs.pop("p", None)
    p = order

    def f(x):
        sp = x.ndim - 2
        geo = conv_ref.geometry(x.shape[2:], kernel, attrs, bool(attrs.get("ceil_mode", 0)))
        xp = conv_ref._pad_to(np.abs(x) ** p, geo, 0.0)
        outs = tuple(g[0] for g in geo)
        total = np.zeros(x.shape[:2] + outs)
        for q in itertools.product(*[range(k) for k in kernel]):
            total = total + xp[(slice(None), slice(None)) + conv_ref._tap_slices(geo, q)]
        assert total.ndim == sp + 2
        return total ** (1.0 / p)
    return f


def global_lp_ref(p):
    def f(x):
        return (np.abs(x) ** p).sum(axis=tuple(range(2, x.ndim)), keepdims=True) ** (1.0 / p)
    return f


def p_attr(g, p):
    """p as the version writes it: a float at opset 1, an int after."""
    return {"p": float(p)} if g.v < 2 else {"p": int(p)}


@op("LpPool", types=FLOATS)
def lp_pool(g):
    v = g.v
    for dt in g.types():
        x = g.rand(dt, (2, 3, 5, 6))
        attrs = {"kernel_shape": [2, 3], "strides": [1, 2], "pads": [1, 0, 0, 1]}
        yield g.case(dt, "2-D, kernel [2, 3], strides [1, 2], pads, p default 2", dt,
                     [In("x", dt, x)], attrs=attrs, ref=lp_pool_ref([2, 3], 2, **attrs),
                     tol=tol_of(dt))
    ps = [1, 3] + ([1.5] if v < 2 else [])
    for p in ps:
        shp = (1, 2) + g.shape(2, 3, 6)
        x = g.rand(F32, shp)
        attrs = dict(kernel_shape=[2, 2], **p_attr(g, p))
        yield g.case("p%s" % str(p).replace(".", "_"), "p = %s, random shape %s" % (p, shp), F32,
                     [In("x", F32, x)], attrs=attrs, ref=lp_pool_ref([2, 2], p))
    x = g.rand(F32, (2, 2, 9))
    attrs = {"kernel_shape": [3], "strides": [2], "pads": [2, 1]}
    yield g.case("1d", "1-D, kernel 3, stride 2, pads [2, 1]", F32, [In("x", F32, x)], attrs=attrs,
                 ref=lp_pool_ref([3], 2, **attrs))
    x = g.rand(F32, (1, 2, 4, 3, 5))
    attrs = {"kernel_shape": [2, 2, 3], "strides": [2, 1, 2], **p_attr(g, 3)}
    yield g.case("3d", "3-D, kernel [2, 2, 3], strides [2, 1, 2], p 3", F32, [In("x", F32, x)],
                 attrs=attrs, ref=lp_pool_ref([2, 2, 3], 3, **attrs))
    for mode in ("SAME_UPPER", "SAME_LOWER", "VALID", "NOTSET"):
        x = g.rand(F32, (1, 2, 7, 6))
        attrs = {"kernel_shape": [3, 2], "strides": [2, 2], "auto_pad": mode}
        yield g.case("auto_" + mode.lower(), "auto_pad %s, kernel [3, 2], strides 2" % mode, F32,
                     [In("x", F32, x)], attrs=attrs, ref=lp_pool_ref([3, 2], 2, **attrs))
    if v >= 18:
        x = g.rand(F32, (1, 2, 7, 8))
        attrs = {"kernel_shape": [2, 3], "strides": [2, 2], "ceil_mode": 1, "pads": [0, 1, 0, 1]}
        yield g.case("ceil", "ceil_mode 1, kernel [2, 3], strides 2, pads", F32, [In("x", F32, x)],
                     attrs=attrs, ref=lp_pool_ref([2, 3], 2, **attrs))
        x = g.rand(F32, (2, 1, 8, 7))
        attrs = {"kernel_shape": [2, 2], "dilations": [2, 3], "strides": [1, 2], **p_attr(g, 1)}
        yield g.case("dilations", "dilations [2, 3], strides [1, 2], p 1", F32, [In("x", F32, x)],
                     attrs=attrs, ref=lp_pool_ref([2, 2], 1, **attrs))
        x = g.rand(F32, (1, 2, 9))
        attrs = {"kernel_shape": [3], "dilations": [2], "strides": [3], "ceil_mode": 1,
                 "auto_pad": "SAME_UPPER"}
        yield g.case("dil_same", "1-D dilation 2 with SAME_UPPER and ceil_mode", F32,
                     [In("x", F32, x)], attrs=attrs, ref=lp_pool_ref([3], 2, **attrs), ort=False,
                     why="onnxruntime sizes SAME_UPPER's padding by the undilated kernel; the "
                     "operator text by its dilated extent")
        x = g.rand(F32, (1, 2, 10))
        attrs = {"kernel_shape": [3], "strides": [3], "ceil_mode": 1, "auto_pad": "VALID"}
        yield g.case("ceil_valid", "1-D VALID with ceil_mode: a last window past the end", F32,
                     [In("x", F32, x)], attrs=attrs, ref=lp_pool_ref([3], 2, **attrs))
    x = g.rand(F32, (1, 1, 4, 5))
    attrs = {"kernel_shape": [2, 2], "pads": [2, 0, 0, 2]}
    yield g.case("pads_kernel", "pads as large as the kernel: windows wholly in the padding", F32,
                 [In("x", F32, x)], attrs=attrs, ref=lp_pool_ref([2, 2], 2, **attrs))
    for k in range(3):
        sp = int(g.rng.integers(1, 4))
        kernel = [int(g.rng.integers(1, 4)) for _ in range(sp)]
        attrs = {"kernel_shape": kernel,
                 "strides": [int(g.rng.integers(1, 4)) for _ in range(sp)],
                 "pads": [int(g.rng.integers(0, kk)) for kk in kernel * 2], **p_attr(g, 1 + k)}
        if v >= 18:
            attrs["dilations"] = [int(g.rng.integers(1, 3)) for _ in range(sp)]
            attrs["ceil_mode"] = int(g.rng.integers(0, 2))
        ext = [attrs.get("dilations", [1] * sp)[a] * (kernel[a] - 1) + 1 for a in range(sp)]
        shp = (int(g.rng.integers(1, 3)), int(g.rng.integers(1, 4))) + tuple(
            e + int(g.rng.integers(0, 5)) for e in ext)
        x = g.rand(F32, shp)
        yield g.case("random%d" % k, "random geometry %s, shape %s" % (attrs, shp), F32,
                     [In("x", F32, x)], attrs=attrs, ref=lp_pool_ref(kernel, 1 + k, **attrs))
    x = g.rand(F32, (1, 2, 3, 4))
    x[0, 1, 1, 2] = np.nan
    x[0, 0, 0, 0] = np.inf
    attrs = {"kernel_shape": [2, 2]}
    yield g.case("nan", "a NaN and an inf in the input", F32, [In("x", F32, x)], attrs=attrs,
                 ref=lp_pool_ref([2, 2], 2))
    x = np.zeros((0, 2, 4, 4), np.float32)
    yield g.case("empty", "empty batch [0, 2, 4, 4]", F32, [In("x", F32, x)],
                 attrs={"kernel_shape": [2, 2]}, ref=lp_pool_ref([2, 2], 2))


@op("GlobalLpPool", types=FLOATS)
def global_lp_pool(g):
    for dt in g.types():
        shp = (2, 3) + g.shape(2, 1, 5)
        x = g.rand(dt, shp)
        yield g.case(dt, "2-D, random shape %s, p default 2" % (shp,), dt, [In("x", dt, x)],
                     ref=global_lp_ref(2), tol=tol_of(dt))
    for p in [1, 3] + ([2.5] if g.v < 2 else []):
        x = g.rand(F32, (1, 2, 6))
        yield g.case("p%s" % str(p).replace(".", "_"), "1-D, p = %s" % p, F32, [In("x", F32, x)],
                     attrs=p_attr(g, p), ref=global_lp_ref(p))
    x = g.rand(F32, (2, 2, 2, 3, 2))
    yield g.case("3d", "3-D input", F32, [In("x", F32, x)], ref=global_lp_ref(2))
    x = g.rand(F32, (1, 3, 2, 2))
    x[0, 1, 0, 1] = np.nan
    yield g.case("nan", "a NaN in one channel", F32, [In("x", F32, x)], ref=global_lp_ref(2))
    yield g.case("empty", "empty batch [0, 3, 2]", F32,
                 [In("x", F32, np.zeros((0, 3, 2), np.float32))], ref=global_lp_ref(2))
    yield g.case("empty_spatial", "no spatial element [1, 2, 0]: 0", F32,
                 [In("x", F32, np.zeros((1, 2, 0), np.float32))], ref=global_lp_ref(2))


# ---------------------------------------------------------------- LRN
def lrn_ref(size, alpha=1e-4, beta=0.75, bias=1.0):
    def f(x):
        C = x.shape[1]
        sq = x * x
        s = np.zeros_like(x)
        lo_n, hi_n = (size - 1) // 2, size - 1 - (size - 1) // 2  # floor / ceil of (size-1)/2
        for c in range(C):
            lo, hi = max(0, c - lo_n), min(C - 1, c + hi_n)
            s[:, c] = sq[:, lo:hi + 1].sum(axis=1)
        return x / (bias + np.float64(np.float32(alpha)) / size * s) ** np.float64(np.float32(beta))
    return f


@op("LRN", types=FLOATS)
def lrn(g):
    for dt in g.types():
        x = g.rand(dt, (2, 5, 3, 4))
        yield g.case(dt, "size 3, defaults", dt, [In("x", dt, x)], attrs={"size": 3},
                     ref=lrn_ref(3), tol=tol_of(dt))
    for size in (1, 2, 4, 5, 8):
        x = g.rand(F32, (1, 6, 2, 3))
        a = {"size": size, "alpha": 0.5, "beta": 0.6, "bias": 2.0}
        yield g.case("size%d" % size, "size %d (%s), alpha 0.5, beta 0.6, bias 2" % (
            size, "even" if size % 2 == 0 else "odd"), F32, [In("x", F32, x)], attrs=a,
            ref=lrn_ref(size, 0.5, 0.6, 2.0))
    x = g.rand(F32, (2, 4, 5))
    yield g.case("rank3", "3-D X [2, 4, 5], size 2", F32, [In("x", F32, x)],
                 attrs={"size": 2, "alpha": 0.3}, ref=lrn_ref(2, 0.3))
    x = g.rand(F32, (3, 3, 4))
    yield g.case("rank3_odd", "3-D X [3, 3, 4], size 3", F32, [In("x", F32, x)],
                 attrs={"size": 3, "bias": 0.5}, ref=lrn_ref(3, bias=0.5))
    x = g.rand(F32, (1, 3, 2, 2, 2))
    yield g.case("rank5", "5-D X, size 3, beta 1", F32, [In("x", F32, x)],
                 attrs={"size": 3, "beta": 1.0}, ref=lrn_ref(3, beta=1.0))
    x = g.rand(F32, (1, 4, 2, 2))
    x[0, 1, 0, 0] = np.nan
    yield g.case("nan", "a NaN reaches the channels whose window holds it", F32, [In("x", F32, x)],
                 attrs={"size": 3, "alpha": 0.2}, ref=lrn_ref(3, 0.2), ort=False,
                 why="onnxruntime's running window sum keeps a NaN for every later channel")
    yield g.case("empty", "empty batch [0, 3, 2, 2]", F32,
                 [In("x", F32, np.zeros((0, 3, 2, 2), np.float32))], attrs={"size": 3},
                 ref=lrn_ref(3))


# ---------------------------------------------------------------- MaxUnpool
def unpool_ref(out_shape):
    def f(x, i, *rest):
        y = np.zeros(int(np.prod(out_shape)))
        y[np.asarray(i).reshape(-1)] = np.asarray(x).reshape(-1)
        return y.reshape(out_shape)
    return f


def unpool_shape(xshape, kernel, strides=None, pads=None):
    sp = len(xshape) - 2
    strides = strides or [1] * sp
    pads = pads or [0] * (2 * sp)
    return tuple(xshape[:2]) + tuple((xshape[2 + a] - 1) * strides[a] + kernel[a] - pads[a] -
                                     pads[sp + a] for a in range(sp))


def chained(g, tag, what, dt, xshape, kernel, pool_attrs, unpool_attrs, with_shape):
    """MaxPool's Y and Indices fed to MaxUnpool in one model. The NumPy MaxPool (conv_ref.pool)
    gives the values the reference unpools; onnxruntime runs the real chain."""
    x = g.rand(dt, xshape)
    y, idx = conv_ref.pool(np.asarray(x, np.float64), "max", kernel, with_indices=True,
                           **pool_attrs)
    out_shape = tuple(xshape) if with_shape else unpool_shape(y.shape, kernel,
                                                             unpool_attrs.get("strides"),
                                                             unpool_attrs.get("pads"))
    ins = [In("pooled", dt, to_dtype(y, dt)), In("indices", I64, idx)]
    if with_shape:
        ins.append(In("output_shape", I64, ints(xshape), init=True))
    c = g.case(tag, what, dt, ins, attrs=dict(kernel_shape=kernel, **unpool_attrs),
               ref=unpool_ref(out_shape), outer=[In("x", dt, x)])
    c.pre_nodes = [helper.make_node("MaxPool", ["x"], ["pooled", "indices"], name="pool",
                                    kernel_shape=kernel, **pool_attrs)]
    r = c.ref  # it reads the node's inputs (the pool's outputs), not x
    c.ref = lambda *vals: r(vals[0], vals[1])
    return c


@op("MaxUnpool", types=FLOATS, exact=True)
def max_unpool(g):
    for dt in g.types():
        xs = (2, 3, 2, 3)
        out = unpool_shape(xs, [2, 2], [2, 2])
        x = g.rand(dt, xs)
        idx = g.rng.choice(int(np.prod(out)), size=int(np.prod(xs)), replace=False)
        yield g.case(dt, "arbitrary distinct indices, kernel 2, stride 2", dt,
                     [In("x", dt, x), In("i", I64, idx.reshape(xs).astype(np.int64))],
                     attrs={"kernel_shape": [2, 2], "strides": [2, 2]}, ref=unpool_ref(out))
    xs = (1, 2, 4)
    attrs = {"kernel_shape": [3], "strides": [2], "pads": [1, 0]}
    out = unpool_shape(xs, [3], [2], [1, 0])
    idx = g.rng.integers(0, int(np.prod(out)), size=xs).astype(np.int64)
    x = g.rand(F32, xs)
    yield g.case("1d_pads", "1-D, kernel 3, stride 2, pads [1, 0], indices may repeat", F32,
                 [In("x", F32, x), In("i", I64, idx)], attrs=attrs, ref=unpool_ref(out))
    xs = (1, 1, 2, 2, 2)
    out = unpool_shape(xs, [2, 2, 2], [2, 2, 2])
    idx = g.rng.choice(int(np.prod(out)), size=8, replace=False).reshape(xs).astype(np.int64)
    yield g.case("3d", "3-D, kernel 2, stride 2", F32, [In("x", F32, g.rand(F32, xs)),
                                                        In("i", I64, idx)],
                 attrs={"kernel_shape": [2, 2, 2], "strides": [2, 2, 2]}, ref=unpool_ref(out))
    xs = (1, 2, 2, 2)
    big = (1, 2, 5, 5)
    idx = g.rng.choice(50, size=8, replace=False).reshape(xs).astype(np.int64)
    for init in (True, False):
        yield g.case("shape_" + ("const" if init else "input"),
                     "output_shape [1, 2, 5, 5] as %s" % ("an initializer" if init else
                                                          "a graph input"), F32,
                     [In("x", F32, g.rand(F32, xs)), In("i", I64, idx),
                      In("s", I64, ints(big), init=init)],
                     attrs={"kernel_shape": [2, 2], "strides": [2, 2]}, ref=unpool_ref(big))
    # MaxPool's real Indices through MaxUnpool
    for dt in g.types():
        yield chained(g, "pool_" + dt, "MaxPool (kernel 2, stride 2) then MaxUnpool", dt,
                      (2, 3, 4, 6), [2, 2], {"strides": [2, 2]}, {"strides": [2, 2]}, False)
    yield chained(g, "pool_odd_shape", "MaxPool of a 5x7 input, MaxUnpool with output_shape",
                  F32, (1, 2, 5, 7), [2, 2], {"strides": [2, 2]}, {"strides": [2, 2]}, True)
    yield chained(g, "pool_pads", "MaxPool with pads [1, 1, 0, 1], stride 2, unpooled back", F32,
                  (1, 2, 5, 5), [3, 3], {"strides": [2, 2], "pads": [1, 1, 0, 1]},
                  {"strides": [2, 2], "pads": [1, 1, 0, 1]}, True)
    yield chained(g, "pool_overlap", "overlapping windows (stride 1): an index may repeat", F32,
                  (1, 1, 4, 4), [2, 2], {}, {}, False)
    for k in range(2):
        sp = int(g.rng.integers(1, 4))
        kernel = [int(g.rng.integers(1, 4)) for _ in range(sp)]
        strides = [int(g.rng.integers(1, 4)) for _ in range(sp)]
        shp = (int(g.rng.integers(1, 3)), int(g.rng.integers(1, 4))) + tuple(
            kk + int(g.rng.integers(0, 4)) for kk in kernel)
        yield chained(g, "pool_random%d" % k, "MaxPool then MaxUnpool, random: kernel %s, strides "
                      "%s, X %s, output_shape X's" % (kernel, strides, shp), F32, shp, kernel,
                      {"strides": strides}, {"strides": strides}, True)
    yield chained(g, "pool_1d", "1-D MaxPool kernel 3 stride 3, output_shape", F32, (2, 2, 10),
                  [3], {"strides": [3]}, {"strides": [3]}, True)
    yield g.case("empty", "empty batch", F32, [In("x", F32, np.zeros((0, 2, 2, 2), np.float32)),
                                               In("i", I64, np.zeros((0, 2, 2, 2), np.int64))],
                 attrs={"kernel_shape": [2, 2], "strides": [2, 2]},
                 ref=unpool_ref((0, 2, 4, 4)))


# ---------------------------------------------------------------- Col2Im
# Checked against torch (conv_transpose with one-hot kernels, grouped per channel, pads cropped):
# the NumPy reference agrees, onnxruntime does not (it is right on every 2-D image, and on 3-D
# ones dilated on the middle axis only). microsoft/onnxruntime#18156 reports its N-D Col2Im.
COL2IM_ND_DIL = "onnxruntime 1.30's Col2Im is wrong on 1-D and 3-D images with dilations"


def col2im_ref(image, block, dilations=None, pads=None, strides=None, dt=F32):
    sp = len(image)
    dil = dilations or [1] * sp
    pads = pads or [0] * (2 * sp)
    strides = strides or [1] * sp
    cnt = [(image[a] + pads[a] + pads[sp + a] - (dil[a] * (block[a] - 1) + 1)) // strides[a] + 1
           for a in range(sp)]

    def f(x, *rest):
        N, CK, L = x.shape
        kk = int(np.prod(block))
        C = CK // kk
        acc = np.zeros((N, C) + tuple(image), np.int64 if dt not in FLOATS else np.float64)
        xs = x.reshape(N, C, kk, L).astype(acc.dtype)
        for e, el in enumerate(itertools.product(*[range(b) for b in block])):
            for l, pos in enumerate(itertools.product(*[range(c) for c in cnt])):
                px = [pos[a] * strides[a] - pads[a] + el[a] * dil[a] for a in range(sp)]
                if all(0 <= px[a] < image[a] for a in range(sp)):
                    acc[(slice(None), slice(None)) + tuple(px)] += xs[:, :, e, l]
        if dt == "bool":
            return acc != 0
        return acc
    return f, int(np.prod(cnt))


@op("Col2Im", types=ALL)
def col2im(g):
    def case(tag, what, dt, N, C, image, block, attrs=None, shapes_init=True, ints_dt=I64,
             tol=None):
        attrs = attrs or {}
        f, L = col2im_ref(image, block, attrs.get("dilations"), attrs.get("pads"),
                          attrs.get("strides"), dt)
        x = g.rand(dt, (N, C * int(np.prod(block)), L))
        ins = [In("x", dt, x), In("image_shape", ints_dt, ints(image, ints_dt), init=shapes_init),
               In("block_shape", ints_dt, ints(block, ints_dt), init=shapes_init)]
        exact = dt not in FLOATS
        ort_wrong = len(image) != 2 and any(d > 1 for d in attrs.get("dilations", []))
        return g.case(tag, what, dt, ins, attrs=attrs, ref=f,
                      tol=(0.0, 0.0) if exact else tol if tol is not None else tol_of(dt),
                      ort=not ort_wrong, why=COL2IM_ND_DIL)

    for dt in g.types():
        yield case(dt, "image [4, 5], block [2, 2] (torch Fold)", dt, 1, 2, [4, 5], [2, 2])
    yield case("attrs", "pads [1, 0, 1, 2], strides [2, 1], dilations [1, 2]", F32, 2, 3, [5, 6],
               [2, 3], {"pads": [1, 0, 1, 2], "strides": [2, 1], "dilations": [1, 2]})
    yield case("stride_gap", "strides [3, 3] larger than the block: pixels no block covers", F32,
               1, 1, [7, 8], [2, 2], {"strides": [3, 3]})
    yield case("fold_1d", "1-D overlap-add (speech decoder): image [16], block [4], stride 2",
               F32, 2, 3, [16], [4], {"strides": [2]})
    yield case("fold_1d_pads", "1-D, pads [2, 2], stride 2 (overlap-add with padding dropped)",
               F32, 1, 2, [10], [4], {"strides": [2], "pads": [2, 2]})
    yield case("3d", "3-D image [3, 4, 4], block [2, 2, 3], strides [1, 2, 1], pads", F32, 1, 2,
               [3, 4, 4], [2, 2, 3], {"strides": [1, 2, 1], "pads": [0, 1, 0, 1, 0, 1]})
    yield case("shapes_input", "image_shape and block_shape as graph inputs (read at prepare)",
               F32, 1, 2, [5, 4], [3, 2], {"strides": [1, 2]}, shapes_init=False)
    yield case("block1", "block [1, 1]: a reshape", F32, 2, 3, [3, 2], [1, 1])
    yield case("empty", "empty batch", F32, 0, 2, [4, 4], [2, 2])
    for k in range(4):
        sp = int(g.rng.integers(1, 4))
        block = [int(g.rng.integers(1, 4)) for _ in range(sp)]
        attrs = {"dilations": [int(g.rng.integers(1, 3)) for _ in range(sp)],
                 "strides": [int(g.rng.integers(1, 4)) for _ in range(sp)],
                 "pads": [int(g.rng.integers(0, 3)) for _ in range(2 * sp)]}
        ext = [attrs["dilations"][a] * (block[a] - 1) + 1 for a in range(sp)]
        image = [max(1, ext[a] - attrs["pads"][a] - attrs["pads"][sp + a]) +
                 int(g.rng.integers(0, 5)) for a in range(sp)]
        N, C = int(g.rng.integers(1, 3)), int(g.rng.integers(1, 4))
        yield case("random%d" % k, "random: N %d, C %d, image %s, block %s, %s" % (
            N, C, image, block, attrs), F32, N, C, image, block, attrs)
    f, L = col2im_ref([3, 3], [2, 2])
    x = g.rand(F32, (1, 4, L))
    x[0, 1, 2] = np.nan
    x[0, 3, 0] = -np.inf
    yield g.case("nan", "a NaN and a -inf add into their pixels", F32,
                 [In("x", F32, x), In("image_shape", I64, ints([3, 3]), init=True),
                  In("block_shape", I64, ints([2, 2]), init=True)], ref=f)
    yield case("dil_1d", "1-D image [7], block [3], dilations [2], strides [2], pads [1, 1]", F32, 1,
               3, [7], [3], {"dilations": [2], "strides": [2], "pads": [1, 1]})
    yield case("dil_3d", "3-D image [5, 4, 6], block [2, 3, 3], dilations [2, 2, 2], strides "
               "[1, 1, 2], pads [1, 0, 0, 2, 1, 1]", F32, 2, 2, [5, 4, 6], [2, 3, 3],
               {"dilations": [2, 2, 2], "strides": [1, 1, 2], "pads": [1, 0, 0, 2, 1, 1]})


# ---------------------------------------------------------------- CenterCropPad
def ccp_ref(shape, axes=None):
    def f(x, *rest):
        r = x.ndim
        ax = list(range(r)) if axes is None else [a + r if a < 0 else a for a in axes]
        out = x
        for a, want in zip(ax, shape):
            n = out.shape[a]
            if want < n:
                st = (n - want) // 2
                out = np.take(out, range(st, st + want), axis=a)
            elif want > n:
                b = (want - n) // 2
                w = [(0, 0)] * r
                w[a] = (b, want - n - b)
                out = np.pad(out, w)
        return out
    return f


@op("CenterCropPad", types=ALL, exact=True)
def center_crop_pad(g):
    for dt in g.types():
        x = g.rand(dt, (5, 4, 3))
        yield g.case(dt, "crop, pad and keep: shape [3, 7, 3]", dt,
                     [In("x", dt, x), In("shape", I64, ints([3, 7, 3]), init=True)],
                     ref=ccp_ref([3, 7, 3]))
    x = g.rand(F32, (2, 6, 5))
    yield g.case("axes_neg", "axes [-1, 1], shape [2, 9] (odd differences)", F32,
                 [In("x", F32, x), In("shape", I64, ints([2, 9]), init=True)],
                 attrs={"axes": [-1, 1]}, ref=ccp_ref([2, 9], [-1, 1]))
    x = g.rand(F32, (3, 4, 7, 8))
    yield g.case("image_hw", "image crop axes [2, 3] to [5, 5], shape int32", F32,
                 [In("x", F32, x), In("shape", "int32", ints([5, 5], "int32"), init=True)],
                 attrs={"axes": [2, 3]}, ref=ccp_ref([5, 5], [2, 3]))
    x = g.rand(F32, (4, 3))
    yield g.case("shape_input", "shape as a graph input (read at prepare)", F32,
                 [In("x", F32, x), In("shape", I64, ints([1, 6]))], ref=ccp_ref([1, 6]))
    x = g.rand(F32, (0, 3))
    yield g.case("empty_in", "empty input [0, 3] padded to [2, 3]", F32,
                 [In("x", F32, x), In("shape", I64, ints([2, 3]), init=True)],
                 ref=ccp_ref([2, 3]))
    x = g.rand(F32, (4, 3))
    yield g.case("empty_out", "cropped to [0, 3]", F32,
                 [In("x", F32, x), In("shape", I64, ints([0, 5]), init=True)],
                 ref=ccp_ref([0, 5]))
