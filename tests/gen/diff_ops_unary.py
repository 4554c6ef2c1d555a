"""Differential entries of the element-wise unary operators (runtime/ops/op_activation.c,
op_trig.c, op_sign.c) for make_diff_cases.py, which imports this module: Reciprocal, Sign, Elu,
Selu, Celu, Softplus, Softsign, HardSwish, ThresholdedRelu, Shrink, Mish, Gelu, IsNaN, IsInf,
Tan, Sinh, Cosh, Asin, Acos, Atan, Asinh, Acosh, Atanh.

Their versions after opset 17 (from ONNX's operator_sets.h and the operator pages of onnx.ai)
are added to diff_case.LATER_VERSIONS / LATER_TYPES here: version 22 of Elu, Selu, Softplus,
Softsign, HardSwish, ThresholdedRelu, Mish and the nine trigonometric / hyperbolic functions adds
bfloat16; IsNaN 20 and IsInf 20 add float8 types (IsInf 20 also float16 and bfloat16). Mish (18,
22) and Gelu (20) are newer than the Debian onnx 1.12, so their schemas are described here.

onnxruntime's CPU kernels of most of these take float32 only; the other types are compared
with the NumPy references (float64 arithmetic rounded to the type), which the manifest lists.
"""
import math
from fractions import Fraction

import numpy as np

import diff_case
from diff_case import FLOATS, NUMERIC, In, op, to_dtype

F32 = "float32"
INF = float("inf")
NAN = float("nan")
HALVES = ("float16", "bfloat16")


# ---------------------------------------------------------------- versions after opset 17
class _Types:
    def __init__(self, param, types):
        self.type_param_str = param
        self.allowed_type_strs = ["tensor(%s)" % t for t in types]


class _Schema:
    """What diff_case.G reads of an onnx.defs schema, for an operator onnx 1.12 lacks."""

    def __init__(self, name, since, types, attrs=()):
        self.name, self.since_version, self.domain, self.deprecated = name, since, "", False
        self.type_constraints = [_Types("T", types)]
        self.attributes = {a: None for a in attrs}


_V22 = ["Elu", "Selu", "Softplus", "Softsign", "HardSwish", "ThresholdedRelu", "Tan", "Sinh",
        "Cosh", "Asin", "Acos", "Atan", "Asinh", "Acosh", "Atanh"]
for _op in _V22:
    diff_case.LATER_VERSIONS[_op] = [22]
    diff_case.LATER_TYPES[(_op, 22)] = ["bfloat16"]
diff_case.LATER_VERSIONS["IsNaN"] = [20]
diff_case.LATER_VERSIONS["IsInf"] = [20]
diff_case.LATER_TYPES[("IsInf", 20)] = ["float16", "bfloat16"]
_OLD = ["float16", "float", "double"]
if "Mish" not in diff_case._HISTORY:
    diff_case._HISTORY["Mish"] = {18: _Schema("Mish", 18, _OLD),
                                  22: _Schema("Mish", 22, _OLD + ["bfloat16"])}
if "Gelu" not in diff_case._HISTORY:
    diff_case._HISTORY["Gelu"] = {20: _Schema("Gelu", 20, _OLD + ["bfloat16"], ["approximate"])}


# ---------------------------------------------------------------- common cases
def f32(v):
    """An attribute value as the model holds it (float32), as a Python float."""
    return float(np.float32(v))


def cases(g, ref, specials, lo=None, hi=None, attrs=None, tag="", full=True):
    """Per type: a random shape (rank 0-4); the special values; for float32 also a 0-d input and
    an empty one. full=False: float32 random values only (attribute variants)."""
    for dt in g.types():
        shp = g.shape(int(g.rng.integers(0, 5)))
        x = g.rand(dt, shp, lo=lo, hi=hi) if dt in FLOATS else g.rand(dt, shp)
        if not full and dt != F32:
            continue
        yield g.case(tag + dt, "random shape %s" % (shp,), dt, [In("x", dt, x)], attrs=attrs, ref=ref)
        if not full:
            continue
        if dt in FLOATS and specials:
            s = to_dtype(np.array(specials, np.float64), dt)
            yield g.case(tag + "special_" + dt, "special values %s" % (specials,), dt,
                         [In("x", dt, s)], attrs=attrs, ref=ref)
    if full and F32 in g.types():
        yield g.case(tag + "scalar", "0-d input", F32, [In("x", F32, g.rand(F32, (), lo=lo, hi=hi))],
                     attrs=attrs, ref=ref)
        yield g.case(tag + "empty", "empty input [2, 0, 3]", F32,
                     [In("x", F32, np.zeros((2, 0, 3), np.float32))], attrs=attrs, ref=ref)


def long_halves(g, ref, lo=None, hi=None):
    """float16 / bfloat16 inputs of 600 elements (the runtime converts them 256 at a time)."""
    for dt in g.types():
        if dt in HALVES:
            x = g.rand(dt, (600,), lo=lo, hi=hi)
            yield g.case("long_" + dt, "600 elements", dt, [In("x", dt, x)], ref=ref)


def vec(fn):
    """A scalar math function over an array (float64)."""
    return lambda x: np.vectorize(fn, otypes=[np.float64])(x) if x.size else x.astype(np.float64)


def erf(x):
    return vec(math.erf)(x)


COMMON = [0.0, -0.0, NAN, INF, -INF, 1.0, -1.0, 0.5, -2.5, 30.0, -30.0, 1e-6]


# ---------------------------------------------------------------- activations
def elu_ref(a):
    return lambda x: np.where(x < 0, a * np.expm1(x), x)


@op("Elu", types=FLOATS)
def elu(g):
    yield from cases(g, elu_ref(1.0), COMMON + [-100.0, -1e-4])
    for a in (0.5, 2.0, -1.25):
        yield from cases(g, elu_ref(f32(a)), None, attrs={"alpha": a}, tag="alpha%g_" % a, full=False)


def selu_ref(a, gm):
    return lambda x: np.where(x > 0, gm * x, gm * (a * np.exp(x) - a))


@op("Selu", types=FLOATS)
def selu(g):
    yield from cases(g, selu_ref(f32(1.67326319217681884765625), f32(1.05070102214813232421875)),
                     COMMON + [-100.0])
    for a, gm in ((1.0, 1.0), (2.5, 0.5), (0.5, -2.0)):
        yield from cases(g, selu_ref(f32(a), f32(gm)), None, attrs={"alpha": a, "gamma": gm},
                         tag="a%g_g%g_" % (a, gm), full=False)


def celu_ref(a):  # the spec's formula as written
    return lambda x: np.maximum(0, x) + np.minimum(0, a * (np.exp(x / a) - 1))


@op("Celu", types=FLOATS)
def celu(g):
    yield from cases(g, celu_ref(1.0), COMMON + [-100.0])
    for a in (0.5, 3.0, -1.5):
        yield from cases(g, celu_ref(f32(a)), None, attrs={"alpha": a}, tag="alpha%g_" % a, full=False)


def softplus(x):
    return np.logaddexp(0.0, x)


@op("Softplus", types=FLOATS)
def softplus_(g):
    yield from cases(g, softplus, COMMON + [100.0, -100.0, 89.0, -90.0])


@op("Softsign", types=FLOATS)
def softsign(g):
    yield from cases(g, lambda x: x / (1 + np.abs(x)), COMMON + [1e30, -1e30])
    yield from long_halves(g, lambda x: x / (1 + np.abs(x)))


@op("HardSwish", types=FLOATS)
def hardswish(g):
    a = f32(1 / 6)
    yield from cases(g, lambda x: x * np.clip(a * x + 0.5, 0, 1), COMMON + [-3.0, 3.0, -2.9, 2.9],
                     lo=-5.0, hi=5.0)


def thresh_ref(a):
    return lambda x: np.where(x > a, x, 0.0)


@op("ThresholdedRelu", types=FLOATS, exact=True)
def thresholded_relu(g):
    yield from cases(g, thresh_ref(1.0), COMMON + [1.0000001, 0.9999999])
    for a in (0.5, 0.0, -1.5, 2.0):
        yield from cases(g, thresh_ref(f32(a)), None, attrs={"alpha": a}, tag="alpha%g_" % a,
                         full=False)
    x = np.array([-1.5, -1.0, 0.0, 1.5, 2.0, 2.5, NAN], np.float32)
    yield g.case("alpha_edges", "values at alpha -1.5 (not above it)", F32, [In("x", F32, x)],
                 attrs={"alpha": -1.5}, ref=thresh_ref(-1.5))


@op("Mish", types=FLOATS)
def mish(g):
    yield from cases(g, lambda x: x * np.tanh(softplus(x)), COMMON + [100.0, -100.0, -20.0])


def gelu_ref(approx):
    if approx == "tanh":  # as the spec's function body: sqrt of 2/pi and 0.044715 as float32
        k, c = math.sqrt(f32(2 / math.pi)), f32(0.044715)
        return lambda x: 0.5 * x * (1 + np.tanh(k * (x + c * x ** 3)))
    return lambda x: 0.5 * x * (1 + erf(x / math.sqrt(2)))


@op("Gelu", types=FLOATS)
def gelu(g):
    specials = COMMON + [-5.0, 5.0, -10.0, 1e20]
    yield from cases(g, gelu_ref("none"), specials)
    yield from cases(g, gelu_ref("none"), None, attrs={"approximate": "none"}, tag="none_", full=False)
    yield from cases(g, gelu_ref("tanh"), specials, attrs={"approximate": "tanh"}, tag="tanh_")


def shrink_ref(lambd, bias):
    """Floats: the spec's formula. Integers: exactly (fractions), x -+ bias truncated toward
    zero and wrapped into the type."""
    def ints(x):
        info, lam, b = np.iinfo(x.dtype), Fraction(lambd), Fraction(bias)
        out = []
        for v in x.reshape(-1).tolist():
            r = int(v + b) if v < -lam else int(v - b) if v > lam else 0
            span = info.max - info.min + 1
            out.append((r - info.min) % span + info.min)
        return np.array(out, x.dtype).reshape(x.shape)

    def f(x):
        if x.dtype.kind in "iu":
            return ints(x)
        return np.where(x < -lambd, x + bias, np.where(x > lambd, x - bias, 0.0))
    return f


SHRINK_WHY = "onnxruntime 1.30 rounds float64 Shrink (and int64 beyond 2^24) through float32"


def no_ort(c, why):
    c.ort, c.why = False, why
    return c


@op("Shrink", types=NUMERIC, exact=True)
def shrink(g):
    for c in cases(g, shrink_ref(0.5, 0.0), COMMON + [0.25, -0.75]):
        yield no_ort(c, SHRINK_WHY) if c.dtype == "float64" else c
    yield from long_halves(g, shrink_ref(0.5, 0.0))
    for lambd, bias in ((1.5, 0.25), (0.0, -0.75), (2.0, 2.0), (0.5, 1.5)):
        ref = shrink_ref(f32(lambd), f32(bias))
        attrs = {"lambd": lambd, "bias": bias}
        tag = "l%g_b%g_" % (lambd, bias)
        for dt in g.types():
            lo = 0 if dt.startswith("uint") else -9  # no unsigned result falls below -1
            shp = g.shape(2)
            x = g.rand(dt, shp, lo=-6.0, hi=6.0) if dt in FLOATS else g.rand(dt, shp, lo=lo)
            c = g.case(tag + dt, "lambd %g bias %g, shape %s" % (lambd, bias, shp), dt, [In("x", dt, x)],
                       attrs=attrs, ref=ref)
            yield no_ort(c, SHRINK_WHY) if dt == "float64" else c
    for dt in ("int8", "uint8", "int64", "uint64"):
        if dt not in g.types():
            continue
        info = np.iinfo(np.dtype(dt))
        x = np.array(sorted({info.min, info.min + 1, 0, 1, 2, info.max - 1, info.max}
                            | ({-2, -1} if info.min else set())), np.dtype(dt))
        for lambd, bias in ((0.5, 0.0), (1.5, -2.0), (0.5, 1.25)):
            c = g.case("limits_%s_l%g_b%g" % (dt, lambd, bias), "%s limits, lambd %g bias %g (wraps)"
                       % (dt, lambd, bias), dt, [In("x", dt, x)], attrs={"lambd": lambd, "bias": bias},
                       ref=shrink_ref(lambd, bias))
            yield no_ort(c, SHRINK_WHY) if dt in ("int64", "uint64") else c
    if "int64" in g.types():  # exact where float32 would round: 2^24 + 1, 2^62 + 1
        x = np.array([-2 ** 62 - 1, -16777219, -5, 5, 16777217, 2 ** 62 + 1], np.int64)
        for lambd, bias in ((0.5, 0.0), (3.5, 1.75), (3.5, -1.75)):
            yield g.case("big_int64_l%g_b%g" % (lambd, bias), "int64 beyond 2^24, lambd %g bias %g"
                         % (lambd, bias), "int64", [In("x", "int64", x)], attrs={"lambd": lambd, "bias": bias},
                         ref=shrink_ref(lambd, bias), ort=False, why=SHRINK_WHY)


# ---------------------------------------------------------------- sign, inverse, class
@op("Reciprocal", types=FLOATS, exact=True)
def reciprocal(g):
    yield from cases(g, lambda x: 1 / x, [0.0, -0.0, NAN, INF, -INF, 3.0, -7.0, 0.1, 1e-40, 3e38,
                                          -1e-45, 65504.0, 6e-8])
    yield from long_halves(g, lambda x: 1 / x)


def sign_ref(x):
    return np.sign(x)  # NaN stays NaN


SIGN_WHY = ("onnxruntime's float16 / bfloat16 Sign maps NaN to 0, its float32 / float64 Sign keeps "
            "NaN (this runtime keeps it for every type)")


@op("Sign", types=NUMERIC, exact=True)
def sign(g):
    for c in cases(g, sign_ref, [0.0, -0.0, NAN, INF, -INF, 2.5, -1e-30, 1e-45]):
        yield no_ort(c, SIGN_WHY) if "special" in c.tag and c.dtype in HALVES else c
    yield from long_halves(g, sign_ref)
    for dt in ("int8", "int64", "uint64"):
        if dt in g.types():
            info = np.iinfo(np.dtype(dt))
            x = np.array([info.min, 0, 1, info.max], np.dtype(dt))
            yield g.case("limits_" + dt, "%s limits" % dt, dt, [In("x", dt, x)], ref=sign_ref)


CLASS = [0.0, -0.0, NAN, -NAN, INF, -INF, 1.0, -3.5, 1e-45, 3e38]


@op("IsNaN", types=FLOATS, exact=True)
def isnan(g):
    for c in cases(g, np.isnan, CLASS):
        c.out_types = ["bool"]
        yield c


def isinf_ref(neg, pos):
    return lambda x: (np.isposinf(x) & bool(pos)) | (np.isneginf(x) & bool(neg))


@op("IsInf", types=FLOATS, exact=True)
def isinf(g):
    for neg, pos in ((1, 1), (0, 1), (1, 0), (0, 0)):
        attrs = {} if (neg, pos) == (1, 1) else {"detect_negative": neg, "detect_positive": pos}
        tag = "" if not attrs else "n%d_p%d_" % (neg, pos)
        for c in cases(g, isinf_ref(neg, pos), CLASS, attrs=attrs, tag=tag, full=not attrs):
            c.out_types = ["bool"]
            yield c
        if attrs and F32 in g.types():
            c = g.case(tag + "special", "special values %s" % (CLASS,), F32,
                       [In("x", F32, np.array(CLASS, np.float32))], attrs=attrs, ref=isinf_ref(neg, pos))
            c.out_types = ["bool"]
            yield c


# ---------------------------------------------------------------- trigonometric, hyperbolic
def trig(name, fn, specials, lo, hi):
    @op(name, types=FLOATS)
    def entry(g):
        yield from cases(g, fn, specials, lo=lo, hi=hi)
        wide = g.rand(F32, (3, 4), lo=-10.0, hi=10.0)  # outside the domain too
        if F32 in g.types():
            yield g.case("wide", "values in [-10, 10]", F32, [In("x", F32, wide)], ref=fn)
    return entry


EDGES = [0.0, -0.0, NAN, INF, -INF]
trig("Tan", np.tan, EDGES + [1.5707964, -1.5707964, 3.1415927, 100.0, 1e5], -1.5, 1.5)
trig("Asin", np.arcsin, EDGES + [1.0, -1.0, 1.0000001, -2.0, 0.5], -1.0, 1.0)
trig("Acos", np.arccos, EDGES + [1.0, -1.0, 1.0000001, -2.0, 0.5], -1.0, 1.0)
trig("Atan", np.arctan, EDGES + [1.0, -1.0, 1e30, -1e-30], -5.0, 5.0)
trig("Sinh", np.sinh, EDGES + [1.0, -1.0, 89.0, -89.5, 1e-20], -5.0, 5.0)
trig("Cosh", np.cosh, EDGES + [1.0, -1.0, 89.0, -89.5, 1e-20], -5.0, 5.0)
trig("Asinh", np.arcsinh, EDGES + [1.0, -1.0, 1e30, -1e-30], -5.0, 5.0)
trig("Acosh", np.arccosh, EDGES + [1.0, 0.999, 0.5, -1.0, 1e30, 1.0000001], 1.0, 6.0)
trig("Atanh", np.arctanh, EDGES + [1.0, -1.0, 0.999999, -1.0000001, 2.0, 0.5], -1.0, 1.0)
