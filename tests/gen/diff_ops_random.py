"""Differential entries of RandomNormal, RandomUniform, RandomNormalLike, RandomUniformLike,
Bernoulli and Multinomial for make_diff_cases.py (which imports this module). ONNX leaves their
values to each implementation, so the cases are those whose values the attributes and inputs
determine, checked exactly against onnxruntime: scale 0 (every draw is the mean), low = high,
probabilities 0 and 1, one class of finite log-probability per row; with every output type,
shapes (empty and scalar too), seeds given or not. tests/test_ops.c (random_ops) checks the
distributions themselves. Version 22 of each adds bfloat16 (ONNX's operator_sets.h), registered
here in diff_case.LATER_VERSIONS / LATER_TYPES."""
import numpy as np

import diff_case
from diff_case import ALL, DTYPES, FLOATS, In, op

LATER = ["RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Bernoulli",
         "Multinomial"]
diff_case.LATER_VERSIONS.update({o: [22] for o in LATER})
diff_case.LATER_TYPES.update({(o, 22): ["bfloat16"] for o in LATER})
F32 = "float32"


def enum(dt):
    return int(DTYPES[dt][0])


def full(shape, value, dt):
    return diff_case.to_dtype(np.full(shape, value, np.float64), dt)


# Values the attributes determine: low = high, or a scale so small (1e-30) that mean + scale x z
# rounds to the mean (1.25, 0.5, -2: not 0) in every float type for any draw z. (Scale 0 would
# say the same, but onnxruntime asserts scale > 0 and aborts the process.)
PARS = {"normal": lambda v: {"mean": v, "scale": 1e-30}, "uniform": lambda v: {"low": v, "high": v}}


def generated(g, kind):
    """RandomNormal / RandomUniform: every output type, the default type, empty and scalar."""
    pars = PARS[kind]
    for dt in g.types():
        shape = g.shape(rank=2)
        yield g.case(dt, "%s, dtype %s, values determined (%s)" % (list(shape), dt, pars(1.25)), dt, [],
                     out_types=[dt], attrs=dict(shape=list(shape), dtype=enum(dt), seed=2.0, **pars(1.25)),
                     ref=lambda s=shape, d=dt: full(s, 1.25, d))
    yield g.case("default_type", "dtype absent (float32), no seed", F32, [], out_types=[F32],
                 attrs=dict(shape=[3, 1, 2], **pars(-0.5)), ref=lambda: full((3, 1, 2), -0.5, F32))
    yield g.case("one", "shape [1]", F32, [], out_types=[F32],
                 attrs=dict(shape=[1], seed=1.0, **pars(2.0)), ref=lambda: full((1,), 2.0, F32))
    yield g.case("empty", "shape [0, 3], default parameters", F32, [], out_types=[F32],
                 attrs=dict(shape=[0, 3]), ref=lambda: np.zeros((0, 3), np.float32))


def like(g, kind):
    """RandomNormalLike / RandomUniformLike: any input type, dtype absent (the input's) or given."""
    pars = PARS[kind]
    outs = g.types("T2")
    for dt in g.types("T1", sweep=g.sweep):
        x = g.rand(dt, g.shape(rank=3))
        if dt in outs:
            yield g.case("in_" + dt, "input %s, dtype absent: %s" % (dt, list(x.shape)), dt, [In("x", dt, x)],
                         attrs=dict(seed=3.0, **pars(0.5)), ref=lambda x, d=dt: full(x.shape, 0.5, d))
        to = outs[len(dt) % len(outs)]
        yield g.case("in_%s_to_%s" % (dt, to), "input %s, dtype %s" % (dt, to), dt, [In("x", dt, x)],
                     out_types=[to], attrs=dict(dtype=enum(to), **pars(-2.0)),
                     ref=lambda x, t=to: full(x.shape, -2.0, t))
    x = np.zeros((2, 0), np.float32)
    yield g.case("empty", "empty input [2, 0]", F32, [In("x", F32, x)], attrs=pars(1.0),
                 ref=lambda x: x.copy())


@op("RandomNormal", types=FLOATS, exact=True)
def random_normal(g):
    yield from generated(g, "normal")


@op("RandomUniform", types=FLOATS, exact=True)
def random_uniform(g):
    yield from generated(g, "uniform")


@op("RandomNormalLike", types=ALL, exact=True)
def random_normal_like(g):
    yield from like(g, "normal")


@op("RandomUniformLike", types=ALL, exact=True)
def random_uniform_like(g):
    yield from like(g, "uniform")


# onnxruntime has no Bernoulli kernel: it expands ONNX's function body of the operator,
# Cast(Greater(RandomUniformLike(p), p)), which is 1 with probability 1 - p, where the operator's
# text (and PyTorch's bernoulli) say p: it gives 0 for p = 1 and 1 for p = 0. NumPy stands in.
BERNOULLI_ORT = {"ort": False, "why": "onnxruntime runs ONNX's function body of Bernoulli, which gives 1 with "
                 "probability 1 - p (the operator's text: p)"}


@op("Bernoulli", types=ALL, exact=True)
def bernoulli(g):
    outs = g.types("T2", sweep=g.sweep)
    for dt in g.types("T1"):
        p = diff_case.to_dtype(g.rng.integers(0, 2, g.shape(rank=2, lo=2)), dt)
        yield g.case(dt, "probabilities 0 and 1 %s, dtype absent" % (list(p.shape),), dt, [In("p", dt, p)],
                     attrs={"seed": 4.0}, ref=lambda p: p.copy(), **BERNOULLI_ORT)
        for to in outs:
            if to == dt:
                continue
            yield g.case("%s_to_%s" % (dt, to), "probabilities 0 and 1, dtype %s" % to, dt, [In("p", dt, p)],
                         out_types=[to], attrs={"dtype": enum(to)},
                         ref=lambda p, t=to: p.astype(np.float64).astype(DTYPES[t][1]) if t != "bfloat16"
                         else diff_case.to_dtype(p.astype(np.float64), t), **BERNOULLI_ORT)
        if dt != F32:
            outs = outs[:2]  # the full output sweep once, on float32 probabilities
    p = np.zeros((0, 3), np.float32)
    yield g.case("empty", "empty [0, 3]", F32, [In("p", F32, p)], ref=lambda p: p.copy(), **BERNOULLI_ORT)


@op("Multinomial", types=FLOATS + ["int32", "int64"], exact=True)
def multinomial(g):
    def rows(dt, b, c):
        """Log-probabilities with one finite class per row (the others -inf)."""
        keep = g.rng.integers(0, c, b)
        x = np.full((b, c), -np.inf)
        x[np.arange(b), keep] = g.rng.standard_normal(b)
        return diff_case.to_dtype(x, dt), keep
    for dt in g.types("T1"):
        x, keep = rows(dt, 3, 4)
        yield g.case(dt, "one finite class per row of [3, 4], sample_size 5, dtype absent (int32)", dt,
                     [In("x", dt, x)], out_types=["int32"], attrs={"sample_size": 5, "seed": 1.5},
                     ref=lambda x, k=keep: np.repeat(k[:, None], 5, 1).astype(np.int32))
    x, keep = rows(F32, 2, 6)
    yield g.case("int64", "dtype int64, sample_size 1 (default)", F32, [In("x", F32, x)], out_types=["int64"],
                 attrs={"dtype": 7}, ref=lambda x, k=keep: k[:, None].astype(np.int64))
    x = g.rand(F32, (3, 1))
    yield g.case("one_class", "a single class of any log-probability", F32, [In("x", F32, x)],
                 out_types=["int32"], attrs={"sample_size": 4}, ref=lambda x: np.zeros((3, 4), np.int32))
    x = g.rand(F32, (0, 3))
    yield g.case("empty", "batch 0", F32, [In("x", F32, x)], out_types=["int32"], attrs={"sample_size": 2},
                 ref=lambda x: np.zeros((0, 2), np.int32))
