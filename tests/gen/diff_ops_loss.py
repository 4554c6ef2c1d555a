"""Differential entries of NegativeLogLikelihoodLoss (12, 13, 22) and SoftmaxCrossEntropyLoss (12,
13) for make_diff_cases.py (which imports this module). NegativeLogLikelihoodLoss 22 (bfloat16
added, ONNX's operator_sets.h / onnxscript's opset22.py) goes to diff_case.LATER_VERSIONS /
LATER_TYPES here.

The NumPy references follow the operator text: loss = -x[n, t, d...] * weight[t], 0 where the
target is ignore_index; "mean" divides the sum by the sum of the weights taken."""
import numpy as np

import diff_case
from diff_case import FLOATS, In, op

diff_case.LATER_VERSIONS["NegativeLogLikelihoodLoss"] = [22]
diff_case.LATER_TYPES[("NegativeLogLikelihoodLoss", 22)] = ["bfloat16"]

F32 = "float32"
I64 = "int64"
TOL = {"float16": (4e-3, 4e-3), "bfloat16": (3e-2, 3e-2), "float64": (1e-9, 1e-12)}


def log_softmax(x):
    m = np.max(x, axis=1, keepdims=True)
    return x - m - np.log(np.sum(np.exp(x - m), axis=1, keepdims=True))


def nll(x, t, w, reduction, ignore):
    t = t.astype(np.int64)
    keep = np.ones(t.shape, bool) if ignore is None else t != ignore
    tc = np.where(keep, t, 0)
    picked = np.take_along_axis(x, tc[:, None], axis=1)[:, 0]
    wt = (np.ones(x.shape[1]) if w is None else w)[tc] * keep
    loss = -picked * wt
    if reduction == "none":
        return loss
    if reduction == "sum":
        return np.array(loss.sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.array(loss.sum() / wt.sum())


def loss_ref(softmax, reduction="mean", ignore=None, log_prob=False):
    def f(x, t, w=None):
        lp = log_softmax(x) if softmax else x
        y = nll(lp, t, w, reduction, ignore)
        return (y, lp) if log_prob else y
    return f


def loss_cases(g, softmax):
    ign_name = "ignore_index"
    outs = ("y", "lp") if softmax else ("y",)

    def case(tag, what, dt, x, t, w=None, reduction=None, ignore=None, log_prob=False, tdt=I64,
             ort=True, why=None):
        attrs = {}
        if reduction is not None:
            attrs["reduction"] = reduction
        if ignore is not None:
            attrs[ign_name] = ignore
        ins = [In("x", dt, x), In("t", tdt, t.astype(tdt))]
        if w is not None:
            ins.append(In("w", dt, w))
        outputs = outs if log_prob else ("y",)
        return g.case(tag, what, dt, ins, outputs=outputs, out_types=[dt] * len(outputs),
                      attrs=attrs, tol=TOL.get(dt), ort=ort, why=why,
                      ref=loss_ref(softmax, reduction or "mean", ignore, log_prob))

    for dt in g.types():
        x = g.rand(dt, (3, 5)) if softmax else g.rand(dt, (3, 5), lo=-3, hi=0)
        t = g.rng.integers(0, 5, (3,))
        for red in (None, "none", "sum", "mean"):
            yield case("%s_%s" % (dt, red or "default"), "%s (N, C) = (3, 5), reduction %s" % (dt, red or "default (mean)"),
                       dt, x, t, reduction=red)
        w = g.rand(dt, (5,), lo=0.2, hi=2.0)
        for red in ("none", "sum", "mean"):
            yield case("%s_w_%s" % (dt, red), "%s with weights, reduction %s" % (dt, red), dt, x, t, w=w,
                       reduction=red)
    f = F32
    shp = (2, 4, 3, 2)
    x = g.rand(f, shp) if softmax else g.rand(f, shp, lo=-3, hi=0)
    t = g.rng.integers(0, 4, (2, 3, 2))
    t[0, 0, :] = 2
    w = g.rand(f, (4,), lo=0.2, hi=2.0)
    for red in ("none", "sum", "mean"):
        yield case("kdim_" + red, "K-dimensional (2, 4, 3, 2), reduction %s" % red, f, x, t, reduction=red)
        yield case("kdim_w_" + red, "K-dimensional with weights, reduction %s" % red, f, x, t, w=w,
                   reduction=red)
        yield case("kdim_ign_" + red, "K-dimensional, ignore_index 2 (present), weights, reduction %s" % red,
                   f, x, t, w=w, reduction=red, ignore=2)
    t1 = t.copy()
    t1[1, :, 0] = -100
    yield case("ign_neg", "ignore_index -100 outside the classes, mean", f, x, t1, ignore=-100)
    yield case("ign_neg_w", "ignore_index -100 with weights, mean", f, x, t1, w=w, ignore=-100)
    yield case("ign_absent", "ignore_index 3 set, mean", f, x, t, ignore=3)
    yield case("int32", "int32 targets, K-dimensional, weights, sum", f, x, t, w=w, reduction="sum",
               tdt="int32")
    x3 = g.rand(f, (2, 3, 5)) if softmax else g.rand(f, (2, 3, 5), lo=-3, hi=0)
    yield case("d1", "(N, C, d1) = (2, 3, 5), mean", f, x3, g.rng.integers(0, 3, (2, 5)))
    empty_ort = not softmax
    why = None if empty_ort else ("onnxruntime finds the model invalid: its function body's Reshape "
                                  "refuses a target shape of product 0")
    yield case("empty_none", "N = 0, reduction none", f, np.zeros((0, 3), np.float32),
               np.zeros((0,), np.int64), reduction="none", ort=empty_ort, why=why)
    yield case("empty_sum", "N = 0, reduction sum: 0", f, np.zeros((0, 3), np.float32),
               np.zeros((0,), np.int64), reduction="sum", ort=empty_ort, why=why)
    yield case("all_ignored_mean", "every target ignored, mean: 0 / 0", f, x3, np.full((2, 5), 1),
               ignore=1)
    yield case("all_ignored_sum", "every target ignored, sum: 0", f, x3, np.full((2, 5), 1),
               reduction="sum", ignore=1)
    if softmax:
        for red in ("none", "mean"):
            yield case("logprob_" + red, "log_prob output, K-dimensional, weights, ignore_index 2, %s" % red,
                       f, x, t, w=w, reduction=red, ignore=2, log_prob=True)
        for dt in g.types():
            if dt != F32:
                yield case("logprob_" + dt, "%s log_prob output, sum" % dt, dt,
                           g.rand(dt, (3, 4)), g.rng.integers(0, 4, (3,)), reduction="sum",
                           log_prob=True)
        big = np.array([[1000.0, 0.0, -1000.0], [3.0, 3.0, 3.0]], np.float32)
        yield case("large", "scores of +-1000 (log_softmax stays finite)", f, big,
                   np.array([2, 1]), reduction="none", log_prob=True)


@op("NegativeLogLikelihoodLoss", types=FLOATS)
def nll_loss(g):
    yield from loss_cases(g, False)


@op("SoftmaxCrossEntropyLoss", types=FLOATS)
def sce_loss(g):
    yield from loss_cases(g, True)
