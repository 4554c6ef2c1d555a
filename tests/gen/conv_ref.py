"""NumPy float64 references for the convolutional front-end operators (Conv, ConvTranspose,
the pools, BatchNormalization, LayerNormalization, InstanceNormalization, PRelu), written from
the ONNX operator text, independently of the C code. Used to cross-check onnxruntime and where
onnxruntime cannot run a case (opset < 7 models, float64 / float16 Conv...)."""
import itertools

import numpy as np

AUTO = ("NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID")


def geometry(in_sz, kernel, attrs, ceil_mode=False):
    """Per spatial axis: (out, pad_begin, pad_end, stride, dilation, extent)."""
    sp = len(in_sz)
    strides = attrs.get("strides", [1] * sp)
    dil = attrs.get("dilations", [1] * sp)
    pads = attrs.get("pads", [0] * (2 * sp))
    auto = attrs.get("auto_pad", "NOTSET") or "NOTSET"
    geo = []
    for i in range(sp):
        x, k, s, d = in_sz[i], kernel[i], strides[i], dil[i]
        e = d * (k - 1) + 1
        if auto in ("SAME_UPPER", "SAME_LOWER"):
            out = -(-x // s)
            total = max(0, (out - 1) * s + e - x)
            pb = total // 2 if auto == "SAME_UPPER" else total - total // 2
            pe = total - pb
        else:
            pb, pe = (pads[i], pads[sp + i]) if auto == "NOTSET" else (0, 0)
            span = x + pb + pe - e
            assert span >= 0
            out = (-(-span // s) if ceil_mode else span // s) + 1
            if ceil_mode and (out - 1) * s >= x + pb:
                out -= 1
        geo.append((out, pb, pe, s, d, e))
    return geo


def _tap_slices(geo, q):
    """Slices of a padded input (offset by pad_begin) that tap q reads for every output."""
    return tuple(slice(qi * g[4], qi * g[4] + (g[0] - 1) * g[3] + 1, g[3]) for qi, g in zip(q, geo))


def _pad_to(x, geo, value):
    """Pad the spatial axes so every tap of every output lies inside."""
    widths = [(0, 0), (0, 0)]
    for i, (out, pb, pe, s, d, e) in enumerate(geo):
        need = (out - 1) * s + e
        widths.append((pb, max(0, need - pb - x.shape[2 + i])))
    return np.pad(x, widths, constant_values=value)


def conv(x, w, b=None, **attrs):
    x, w = np.asarray(x, np.float64), np.asarray(w, np.float64)
    sp = x.ndim - 2
    group = attrs.get("group", 1)
    kernel = w.shape[2:]
    geo = geometry(x.shape[2:], kernel, attrs)
    xp = _pad_to(x, geo, 0.0)
    N, C = x.shape[:2]
    M, Cg = w.shape[:2]
    Mg = M // group
    y = np.zeros((N, M) + tuple(g[0] for g in geo))
    for q in itertools.product(*[range(k) for k in kernel]):
        xs = xp[(slice(None), slice(None)) + _tap_slices(geo, q)]
        for g in range(group):
            wq = w[(slice(g * Mg, (g + 1) * Mg), slice(None)) + tuple(q)]
            y[:, g * Mg:(g + 1) * Mg] += np.tensordot(wq, xs[:, g * Cg:(g + 1) * Cg],
                                                      axes=([1], [1])).swapaxes(0, 1)
    if b is not None:
        y += np.asarray(b, np.float64).reshape((1, M) + (1,) * sp)
    return y


def conv_transpose(x, w, b=None, **attrs):
    x, w = np.asarray(x, np.float64), np.asarray(w, np.float64)
    sp = x.ndim - 2
    group = attrs.get("group", 1)
    kernel = w.shape[2:]
    strides = attrs.get("strides", [1] * sp)
    dil = attrs.get("dilations", [1] * sp)
    opad = attrs.get("output_padding", [0] * sp)
    pads = attrs.get("pads", [0] * (2 * sp))
    auto = attrs.get("auto_pad", "NOTSET")
    oshape = attrs.get("output_shape")
    N, C = x.shape[:2]
    Cg, Mg = C // group, w.shape[1]
    M = Mg * group
    full, pb, out = [], [], []
    for i in range(sp):
        f = strides[i] * (x.shape[2 + i] - 1) + opad[i] + dil[i] * (kernel[i] - 1) + 1
        full.append(f)
        if oshape is not None or auto in ("SAME_UPPER", "SAME_LOWER"):
            o = oshape[len(oshape) - sp + i] if oshape is not None else x.shape[2 + i] * strides[i]
            total = max(0, f - o)
            p = total // 2 if auto == "SAME_UPPER" else total - total // 2
        else:
            p = pads[i] if auto == "NOTSET" else 0
            o = f - p - (pads[sp + i] if auto == "NOTSET" else 0)
        pb.append(p)
        out.append(o)
    big = np.zeros((N, M) + tuple(max(f, p + o) for f, p, o in zip(full, pb, out)))
    for q in itertools.product(*[range(k) for k in kernel]):
        sl = tuple(slice(q[i] * dil[i], q[i] * dil[i] + (x.shape[2 + i] - 1) * strides[i] + 1,
                         strides[i]) for i in range(sp))
        for g in range(group):
            wq = w[(slice(g * Cg, (g + 1) * Cg), slice(None)) + tuple(q)]  # [Cg, Mg]
            contrib = np.tensordot(wq, x[:, g * Cg:(g + 1) * Cg], axes=([0], [1]))  # [Mg, N, ...]
            big[(slice(None), slice(g * Mg, (g + 1) * Mg)) + sl] += contrib.swapaxes(0, 1)
    y = big[(slice(None), slice(None)) + tuple(slice(p, p + o) for p, o in zip(pb, out))]
    if b is not None:
        y = y + np.asarray(b, np.float64).reshape((1, M) + (1,) * sp)
    return y


def pool(x, kind, kernel_shape, with_indices=False, **attrs):
    """kind 'max' or 'avg'; returns Y (and Indices for max)."""
    x = np.asarray(x, np.float64)
    sp = x.ndim - 2
    geo = geometry(x.shape[2:], kernel_shape, attrs, bool(attrs.get("ceil_mode", 0)))
    N, C = x.shape[:2]
    inside = _pad_to(np.ones(x.shape), geo, 0.0)
    padded = np.zeros_like(inside)
    # inside the input or its declared pads
    sl = tuple(slice(0, g[1] + x.shape[2 + i] + g[2]) for i, g in enumerate(geo))
    padded[(slice(None), slice(None)) + sl] = 1.0
    xp = _pad_to(x, geo, 0.0)
    # flat index of every padded position (row-major, or column-major over spatial axes)
    sizes = x.shape[2:]
    grids = np.meshgrid(*[np.arange(-g[1], -g[1] + xp.shape[2 + i]) for i, g in enumerate(geo)],
                        indexing="ij")
    if attrs.get("storage_order", 0):
        flat = sum(gr * int(np.prod(sizes[:i])) for i, gr in enumerate(grids))
    else:
        flat = sum(gr * int(np.prod(sizes[i + 1:])) for i, gr in enumerate(grids))
    base = (np.arange(N)[:, None] * C + np.arange(C)[None, :]) * int(np.prod(sizes))
    outs = tuple(g[0] for g in geo)
    best = np.full((N, C) + outs, -np.inf)
    idx = np.full((N, C) + outs, -1, np.int64)
    total = np.zeros((N, C) + outs)
    cnt = np.zeros((N, C) + outs)
    cntpad = np.zeros((N, C) + outs)
    first = np.ones((N, C) + outs, bool)
    for q in itertools.product(*[range(k) for k in kernel_shape]):
        s = (slice(None), slice(None)) + _tap_slices(geo, q)
        v, ins = xp[s], inside[s] > 0
        if kind == "max":
            f = flat[_tap_slices(geo, q)]
            take = ins & (first | (v > best))
            best = np.where(take, v, best)
            idx = np.where(take, base.reshape((N, C) + (1,) * sp) + f, idx)
            first &= ~ins
        else:
            total += np.where(ins, v, 0.0)
            cnt += ins
            cntpad += padded[s]
    if kind == "max":
        return (best, idx) if with_indices else best
    div = cntpad if attrs.get("count_include_pad", 0) else cnt
    return total / div


def global_pool(x, kind):
    x = np.asarray(x, np.float64)
    axes = tuple(range(2, x.ndim))
    return x.max(axis=axes, keepdims=True) if kind == "max" else x.mean(axis=axes, keepdims=True)


def batch_norm(x, scale, b, mean, var, epsilon=1e-5, spatial=1):
    x = np.asarray(x, np.float64)
    if spatial:
        shp = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    else:
        shp = (1,) + x.shape[1:]
    r = lambda a: np.asarray(a, np.float64).reshape(shp)  # noqa: E731
    return (x - r(mean)) / np.sqrt(r(var) + epsilon) * r(scale) + r(b)


def layer_norm(x, scale, b=None, axis=-1, epsilon=1e-5):
    """Returns Y, Mean, InvStdDev (the last two with the normalised axes kept as 1)."""
    x = np.asarray(x, np.float64)
    a = axis % x.ndim
    axes = tuple(range(a, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    inv = 1.0 / np.sqrt(var + epsilon)
    y = (x - mean) * inv * np.asarray(scale, np.float64)
    if b is not None:
        y = y + np.asarray(b, np.float64)
    return y, mean, inv


def instance_norm(x, scale, b, epsilon=1e-5):
    x = np.asarray(x, np.float64)
    axes = tuple(range(2, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    shp = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    return ((x - mean) / np.sqrt(var + epsilon) * np.asarray(scale, np.float64).reshape(shp)
            + np.asarray(b, np.float64).reshape(shp))


def prelu(x, slope):
    if x.dtype.kind in "iu":
        return np.where(x < 0, x * slope, x).astype(x.dtype)
    x = np.asarray(x, np.float64)
    return np.where(x < 0, x * np.asarray(slope, np.float64), x)
