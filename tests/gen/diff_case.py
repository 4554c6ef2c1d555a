"""The pieces the differential operator entries (diff_ops.py) are written with: element types,
the @op registry, the per-version helper G handed to each entry, and Case.

Values are held as NumPy arrays in their own type, except bfloat16, held as float32 arrays
whose values are exact bfloat16 numbers (NumPy has no bfloat16)."""
import os
import zlib

import numpy as np
import onnx.defs
from onnx import TensorProto

# label: (TensorProto type, NumPy type of the held array)
DTYPES = {
    "float32": (TensorProto.FLOAT, np.float32),
    "float64": (TensorProto.DOUBLE, np.float64),
    "float16": (TensorProto.FLOAT16, np.float16),
    "bfloat16": (TensorProto.BFLOAT16, np.float32),
    "int8": (TensorProto.INT8, np.int8),
    "int16": (TensorProto.INT16, np.int16),
    "int32": (TensorProto.INT32, np.int32),
    "int64": (TensorProto.INT64, np.int64),
    "uint8": (TensorProto.UINT8, np.uint8),
    "uint16": (TensorProto.UINT16, np.uint16),
    "uint32": (TensorProto.UINT32, np.uint32),
    "uint64": (TensorProto.UINT64, np.uint64),
    "bool": (TensorProto.BOOL, np.bool_),
}
FLOATS = ["float32", "float64", "float16", "bfloat16"]
SIGNED = ["int8", "int16", "int32", "int64"]
UNSIGNED = ["uint8", "uint16", "uint32", "uint64"]
INTS = SIGNED + UNSIGNED
NUMERIC = FLOATS + INTS
ALL = NUMERIC + ["bool"]
SCHEMA_NAMES = {"tensor(float)": "float32", "tensor(double)": "float64",
                "tensor(float16)": "float16", "tensor(bfloat16)": "bfloat16",
                "tensor(bool)": "bool"}
SCHEMA_NAMES.update({"tensor(%s)" % t: t for t in INTS})

# Operator versions after opset 17, the newest the Debian python3-onnx (1.12) knows. From ONNX's
# onnx/defs/operator_sets.h (versions 18-23) and onnxscript's generated opset24.py / opset25.py /
# opset26.py (24-26; 26 changes none of these). Versions from 24 on only add element types
# (float8e8m0, int2/uint2) and Cast's round_mode for float8e8m0.
LATER_VERSIONS = {
    "Cast": [19, 21, 23, 24, 25], "Constant": [19, 21, 23, 24, 25],
    "ConstantOfShape": [20, 21, 23, 24, 25], "Dropout": [22], "Equal": [19],
    "Flatten": [21, 23, 24, 25], "GRU": [22], "HardSigmoid": [22],
    "Identity": [19, 21, 23, 24, 25], "LSTM": [22], "RNN": [22], "ReduceMax": [18, 20],
    "ReduceMean": [18], "Reshape": [19, 21, 23, 24, 25], "Shape": [19, 21, 23, 24, 25],
    "Split": [18], "Squeeze": [21, 23, 24, 25], "Transpose": [21, 23, 24, 25],
    "Unsqueeze": [21, 23, 24, 25], "If": [19, 21, 23, 24, 25], "Loop": [19, 21, 23, 24, 25],
    "Scan": [19, 21, 23, 24, 25], "OptionalGetElement": [18], "OptionalHasElement": [18],
    "SplitToSequence": [24], "Conv": [22], "ConvTranspose": [22], "MaxPool": [22],
    "AveragePool": [19, 22], "GlobalAveragePool": [22], "GlobalMaxPool": [22],
    "InstanceNormalization": [22], "Pad": [18, 19, 21, 23, 24, 25], "Size": [19, 21, 23, 24, 25],
    "ScatterElements": [18], "ScatterND": [18], "TopK": [24], "Round": [22], "Sin": [22],
    "Cos": [22], "ReduceProd": [18], "Resize": [18, 19],
}
# Element types those later versions add that onnx 1.12's older schema does not list (only the
# ones this runtime could support; float8 / int4 / int2 / string additions are left out).
LATER_TYPES = {("ConstantOfShape", 20): ["bfloat16"], ("HardSigmoid", 22): ["bfloat16"],
               ("ReduceMax", 20): ["bool"], ("LSTM", 22): ["bfloat16"], ("GRU", 22): ["bfloat16"],
               ("RNN", 22): ["bfloat16"], ("Conv", 22): ["bfloat16"], ("ConvTranspose", 22): ["bfloat16"],
               ("MaxPool", 22): ["bfloat16"], ("AveragePool", 22): ["bfloat16"],
               ("GlobalAveragePool", 22): ["bfloat16"], ("GlobalMaxPool", 22): ["bfloat16"],
               ("InstanceNormalization", 22): ["bfloat16"], ("Round", 22): ["bfloat16"],
               ("Sin", 22): ["bfloat16"], ("Cos", 22): ["bfloat16"], ("TopK", 24): ["bfloat16"]}
NEWEST_OPSET = 26  # onnxruntime 1.30 supports ai.onnx up to 26
ONNX_PY_NEWEST = onnx.defs.onnx_opset_version()
# DIFF_SALT=N (N > 0) changes every per-operator/version seed: other shapes, values and randomly
# chosen attributes, for a held-out run of the entries; 0 (default) gives the committed corpus.
SALT = int(os.environ.get("DIFF_SALT", "0"))


def seed_of(key):
    """The seed for key ("op-version"), changed by DIFF_SALT."""
    return zlib.crc32((key if SALT == 0 else "%s-salt%d" % (key, SALT)).encode())

_HISTORY = {}
for _s in onnx.defs.get_all_schemas_with_history():
    if _s.domain in ("", "ai.onnx") and not _s.deprecated:  # Scatter 11 only marks the end
        _HISTORY.setdefault(_s.name, {})[_s.since_version] = _s


class _Constraint:
    def __init__(self, name, types):
        self.type_param_str, self.allowed_type_strs = name, types


class Schema:
    """What G reads of a schema (type constraints, attribute names), for versions the Debian
    onnx does not know: add_schema(op, {version: Schema([(param, types)], [attributes])})."""

    def __init__(self, constraints, attributes):
        self.type_constraints = [_Constraint(n, t) for n, t in constraints]
        self.attributes = {a: None for a in attributes}


def add_schema(op_type, versions):
    """Versions of op_type the installed onnx lacks (those it knows are kept)."""
    _HISTORY.setdefault(op_type, versions)


# Operators of another domain (com.microsoft): op_type -> domain (@op(..., domain=...)). Their
# one version is 1; their models import ai.onnx at CONTRIB_ONNX_OPSET too.
DOMAINS = {}
CONTRIB_ONNX_OPSET = 17


def schema_versions(op):
    """Every ai.onnx version of op: onnx.defs, plus LATER_VERSIONS beyond what it knows."""
    if op in DOMAINS:
        return [1]
    vs = set(_HISTORY.get(op, {}))
    vs |= {v for v in LATER_VERSIONS.get(op, []) if v > ONNX_PY_NEWEST}
    return sorted(vs)


def schema(op, v):
    """The onnx.defs schema of version v, or of the newest version it knows (<= 17) for a later
    version (those only add types, so type constraints and attributes hold)."""
    known = [s for s in _HISTORY[op] if s <= v]
    return _HISTORY[op][max(known)]


class Case:
    """One single-node model and its data.
    inputs: node input slots in order; None for an absent optional input ("" in the node;
      trailing absent inputs are left out). Each present slot is In(...).
    outputs: node output names (None: an absent optional output, "").
    out_types: element type label of each present output (the model declares them).
    out_kinds: "tensor" (default), "seq", "opt" or "opt_seq" per present output.
    outer: In values that are graph inputs (or initializers) but not the node's inputs: what
      subgraphs read from the outer scope; ref gets them after the node's inputs.
    ref: NumPy reference: called with the present inputs' values (floats as float64) and
      returning one array or a tuple (one per present output); None: onnxruntime only.
    tol: (rtol, atol) written to the case when it differs from lstm-run's default.
    ort: False (with why) when onnxruntime must not be the reference for this case."""

    def __init__(self, op, v, tag, what, dtype, inputs, outputs, out_types, attrs=None, ref=None,
                 tol=None, ort=True, why=None, out_kinds=None, outer=None):
        self.op, self.v, self.tag, self.what, self.dtype = op, v, tag, what, dtype
        self.outer = outer or []
        self.inputs, self.outputs, self.out_types = inputs, outputs, out_types
        self.out_kinds = out_kinds or ["tensor"] * len(out_types)
        self.attrs, self.ref, self.tol, self.ort, self.why = attrs or {}, ref, tol, ort, why

    @property
    def name(self):
        return ("%s_v%d_%s" % (self.op, self.v, self.tag)).lower()


class In:
    """A node input: name, element type label, value, whether it is an initializer, and its
    kind: "tensor" (an array), "seq" (a list of arrays), "opt" (an array or None: an empty
    optional) or "opt_seq" (a list or None)."""

    def __init__(self, name, dtype, value, init=False, kind="tensor"):
        self.name, self.dtype, self.value, self.init, self.kind = name, dtype, value, init, kind


def reduce_inputs(g, by_input, dt, x, axes, keepdims, noop, graph_input):
    """A Reduce* node's inputs and attributes: x, then axes as the attribute or (by_input) the
    second input, a graph input when graph_input; keepdims and noop_with_empty_axes when given."""
    attrs = {}
    if keepdims is not None:
        attrs["keepdims"] = keepdims
    if noop is not None:
        attrs["noop_with_empty_axes"] = noop
    ins = [In("x", dt, x)]
    if axes is not None:
        if by_input:
            ins.append(In("axes", "int64", g.ints(axes), not graph_input))
        else:
            attrs["axes"] = axes
    return ins, attrs


def round_bf16(a):
    """float values -> the nearest bfloat16 numbers (ties to even), held as float32 (a 0-d array
    stays 0-d: np.ascontiguousarray would make it 1-d)."""
    shape = np.shape(a)
    bits = np.ascontiguousarray(np.asarray(a, np.float32)).view(np.uint32).astype(np.uint64)
    nan = np.isnan(np.asarray(a, np.float32))
    bits = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16) << 16
    out = bits.astype(np.uint32).view(np.float32)
    return np.where(nan, np.float32(np.nan), out).astype(np.float32).reshape(shape)


def to_dtype(a, dt):
    """A float64 / integer / bool array -> the held array of element type dt (floats round to
    nearest even, as the conversions of the runtime and onnxruntime do)."""
    a = np.asarray(a)
    if dt == "bfloat16":
        return round_bf16(a.astype(np.float64).astype(np.float32))
    return a.astype(DTYPES[dt][1])


def as_compute(a, dt):
    """The held array as the NumPy references see it: floats as float64."""
    return np.asarray(a, np.float64) if dt in FLOATS else np.asarray(a)


REGISTRY = {}  # op_type -> (function, runtime types, exact)
SUITE_TOL = (0.0, 0.0)  # meson runs the suite with --rtol 0 --atol 0
INEXACT_TOL = (1e-3, 1e-5)


def op(name, types=ALL, exact=False, domain=""):
    """Register the case generator of an operator: fn(g) yields Case objects for version g.v.
    types: the element types the runtime supports for it (intersected with the schema's).
    exact: its results are exact (moves, casts, one correctly rounded operation): its cases
    compare at rtol 0, atol 0 (the suite's default); others at lstm-run's usual rtol 1e-3,
    atol 1e-5 (written to their tolerance.txt); a case's own tol overrides either."""
    def deco(fn):
        REGISTRY[name] = (fn, list(types), exact)
        if domain:
            DOMAINS[name] = domain
        return fn
    return deco


class G:
    """What an operator entry gets for one schema version: g.op, g.v, a seeded g.rng and
    helpers for types, shapes, values and cases."""

    def __init__(self, op_name, v, covered):
        """covered: every version of the operator the registry's rows cover."""
        self.op, self.v = op_name, v
        self.rng = np.random.default_rng(seed_of("%s-%d" % (op_name, v)))
        self.schema = None if op_name in DOMAINS else schema(op_name, v)  # onnx knows ai.onnx
        self.runtime_types = REGISTRY[op_name][1]
        # The full type sweep runs where the version's type lists change, and at the newest
        # version; other versions get float32 and int64 (or their first type).
        vs = sorted(covered)
        prev = [u for u in vs if u < v]
        self.sweep = v == vs[-1] or not prev or self._type_lists(v) != self._type_lists(prev[-1])

    def _contrib_types(self):
        return [t for t in ALL if t in self.runtime_types]

    def _type_lists(self, v):
        sch = schema(self.op, v)
        extra = [t for (o, u), ts in LATER_TYPES.items() if o == self.op and u <= v for t in ts]
        return {t.type_param_str: sorted(set(t.allowed_type_strs) | {"tensor(%s)" % x for x in extra})
                for t in sch.type_constraints}

    # ---- element types ----
    def types(self, param=None, runtime=None, sweep=None):
        """Types the schema allows for the type parameter (the first one when None) that the
        runtime supports, in a fixed order; only float32 / int64 when this version does not
        sweep (sweep=True forces the full list)."""
        if self.schema is None:
            return self._contrib_types()
        tcs = self._type_lists(self.v)
        allowed = tcs[param] if param else next(iter(tcs.values()))
        names = set()
        for t in allowed:  # tensor(x), seq(tensor(x)), optional(...): the element type x
            inner = t[t.rfind("tensor("):t.find(")") + 1] if "tensor(" in t else t
            names.add(SCHEMA_NAMES[inner] if inner in SCHEMA_NAMES else inner[7:-1])
        rt = runtime if runtime is not None else self.runtime_types
        full = [t for t in ALL if t in names and t in rt]
        if sweep or (sweep is None and self.sweep):
            return full
        few = [t for t in full if t in ("float32", "int64")]
        return few or full[:1]

    def has_attr(self, name):
        return self.schema is not None and name in self.schema.attributes

    # ---- shapes and values ----
    def shape(self, rank=None, lo=1, hi=4):
        r = int(self.rng.integers(0, 4)) if rank is None else rank
        return tuple(int(self.rng.integers(lo, hi + 1)) for _ in range(r))

    def rand(self, dt, shape, lo=None, hi=None, positive=False, nonzero=False):
        """Random values exactly representable in dt. Floats: standard normal x 2 (or uniform
        in [lo, hi]); integers: uniform in a small range that fits every integer type."""
        shape = tuple(shape)
        r = self.rng
        if dt == "bool":
            return r.integers(0, 2, shape).astype(np.bool_)
        if dt in FLOATS:
            if lo is not None:
                a = r.uniform(lo, hi, shape)
            else:
                a = r.standard_normal(shape) * 2.0
            if positive:
                a = np.abs(a) + 0.1
            if nonzero:
                a = np.where(np.abs(a) < 0.1, 0.5, a)
            return to_dtype(a, dt)
        info = np.iinfo(DTYPES[dt][1])
        lo = (0 if info.min == 0 or positive else -9) if lo is None else lo
        hi = 9 if hi is None else hi
        a = r.integers(lo, hi + 1, shape)
        if nonzero:
            a = np.where(a == 0, 1, a)
        return a.astype(DTYPES[dt][1])

    def ints(self, values, dt="int64"):
        return np.array(values, DTYPES[dt][1])

    def case(self, tag, what, dtype, inputs, outputs=("y",), out_types=None, attrs=None,
             ref=None, tol=None, ort=True, why=None, out_kinds=None, outer=None):
        if out_types is None:
            first = next(i for i in list(inputs) + list(outer or []) if i is not None)
            out_types = [first.dtype] * len([o for o in outputs if o])
        if tol is None and not REGISTRY[self.op][2]:
            tol = INEXACT_TOL
        c = Case(self.op, self.v, tag, what, dtype, list(inputs), list(outputs),
                 list(out_types), attrs, ref, tol, ort, why, out_kinds, outer)
        return c
