"""Values of the differential cases beyond plain tensors: sequences and optionals. Their type
protos, their test-data files (SequenceProto, OptionalProto), and the onnxruntime form of a
case's model: onnxruntime-node feeds and fetches tensors only, so sequence and optional graph
inputs are built inside the model from tensors (SequenceConstruct / SequenceEmpty, Optional),
and sequence and optional outputs are taken apart into tensors (SequenceLength + SequenceAt,
OptionalHasElement + OptionalGetElement); bfloat16 tensors go through float32 Casts.

Kinds: "tensor" (an array), "seq" (a list of arrays), "opt" (an array or None), "opt_seq" (a
list or None)."""
import numpy as np
import onnx
from onnx import TensorProto, helper

from diff_case import DTYPES, to_dtype


def tensor_proto(name, dt, a):
    """A held array -> TensorProto of element type dt (bfloat16 from its float32 bits)."""
    t = TensorProto()
    t.name, t.data_type = name, DTYPES[dt][0]
    a = np.array(a, order="C")  # (ascontiguousarray would make a 0-d array 1-d)
    t.dims.extend(a.shape)
    if dt == "bfloat16":
        bits = a.astype(np.float32).view(np.uint32)
        if np.any(bits & 0xFFFF):  # held bfloat16 values are exact (diff_case.to_dtype)
            raise SystemExit("%s: bfloat16 values that are not bfloat16 numbers" % name)
        t.raw_data = (bits >> 16).astype(np.uint16).tobytes()
    else:
        t.raw_data = a.astype(DTYPES[dt][1]).tobytes()
    return t


def type_proto(kind, dt, shape=None):
    et = DTYPES[dt][0]
    if kind == "tensor":
        return helper.make_tensor_type_proto(et, shape)
    seq = helper.make_sequence_type_proto(helper.make_tensor_type_proto(et, None))
    if kind == "seq":
        return seq
    if kind == "opt":
        return helper.make_optional_type_proto(helper.make_tensor_type_proto(et, None))
    return helper.make_optional_type_proto(seq)


def value_info(name, kind, dt, shape=None):
    return helper.make_value_info(name, type_proto(kind, dt, shape))


def sequence_proto(name, dt, items):
    s = onnx.SequenceProto()
    s.name, s.elem_type = name, onnx.SequenceProto.TENSOR
    s.tensor_values.extend(tensor_proto("", dt, a) for a in items)
    return s


def value_proto(name, kind, dt, v):
    """The test-data file of a value."""
    if kind == "tensor":
        return tensor_proto(name, dt, v)
    if kind == "seq":
        return sequence_proto(name, dt, v)
    o = onnx.OptionalProto()
    o.name = name
    if kind == "opt":
        o.elem_type = onnx.OptionalProto.TENSOR
        if v is not None:
            o.tensor_value.CopyFrom(tensor_proto("", dt, v))
    else:
        o.elem_type = onnx.OptionalProto.SEQUENCE
        if v is not None:
            o.sequence_value.CopyFrom(sequence_proto("", dt, v))
    return o


def cast_value(kind, dt, v):
    """A NumPy result (float64 / integers / bool) -> the held form of kind and type dt."""
    if v is None:
        return None
    if kind in ("seq", "opt_seq"):
        return [to_dtype(a, dt) for a in v]
    return to_dtype(v, dt)


def shapes_of(kind, v):
    """The shape to declare for an output value (tensors only)."""
    return list(np.asarray(v).shape) if kind == "tensor" else None


class OrtForm:
    """The onnxruntime form of a case: extra nodes, tensor graph inputs (name, dtype, array)
    and, per present output, how to put it back together from tensor outputs."""

    def __init__(self):
        self.pre, self.post, self.inits, self.g_in, self.feeds, self.g_out, self.fetch = ([], [], [], [], [],
                                                                                  [], [])

    def feed_tensor(self, name, dt, a):
        """A tensor graph input giving `name` (bfloat16 through a float32 input and a Cast)."""
        if dt == "bfloat16":
            self.g_in.append(helper.make_tensor_value_info(name + "_f32", TensorProto.FLOAT, list(a.shape)))
            self.pre.append(helper.make_node("Cast", [name + "_f32"], [name], to=TensorProto.BFLOAT16))
            self.feeds.append((name + "_f32", "float32", np.asarray(a, np.float32)))
        else:
            self.g_in.append(helper.make_tensor_value_info(name, DTYPES[dt][0], list(a.shape)))
            self.feeds.append((name, dt, a))

    def feed_sequence(self, name, dt, items):
        if not items:
            self.pre.append(helper.make_node("SequenceEmpty", [], [name], dtype=DTYPES[dt][0]))
            return
        parts = ["%s__%d" % (name, j) for j in range(len(items))]
        for p, a in zip(parts, items):
            self.feed_tensor(p, dt, a)
        self.pre.append(helper.make_node("SequenceConstruct", parts, [name]))

    def feed(self, name, kind, dt, v):
        if kind == "tensor":
            self.feed_tensor(name, dt, v)
        elif kind == "seq":
            self.feed_sequence(name, dt, v)
        elif v is None:
            self.pre.append(helper.make_node("Optional", [], [name],
                                               type=type_proto("tensor" if kind == "opt" else "seq", dt)))
        else:
            if kind == "opt":
                self.feed_tensor(name + "__v", dt, v)
            else:
                self.feed_sequence(name + "__v", dt, v)
            self.pre.append(helper.make_node("Optional", [name + "__v"], [name]))

    def out_tensor(self, name, dt, shape=None):
        """A tensor graph output for `name`; returns the output name onnxruntime gives."""
        if dt == "bfloat16":
            self.post.append(helper.make_node("Cast", [name], [name + "_f32"], to=TensorProto.FLOAT))
            self.g_out.append(helper.make_tensor_value_info(name + "_f32", TensorProto.FLOAT, shape))
            return name + "_f32"
        self.g_out.append(helper.make_tensor_value_info(name, DTYPES[dt][0], shape))
        return name

    def out_sequence(self, name, dt, n):
        """SequenceLength and the first n items (n from the NumPy reference)."""
        self.post.append(helper.make_node("SequenceLength", [name], [name + "__len"]))
        self.g_out.append(helper.make_tensor_value_info(name + "__len", TensorProto.INT64, []))
        items = []
        for j in range(n):
            idx = "%s__i%d" % (name, j)
            self.inits.append(tensor_proto(idx, "int64", np.array(j, np.int64)))
            self.post.append(helper.make_node("SequenceAt", [name, idx], ["%s__%d" % (name, j)]))
            items.append(self.out_tensor("%s__%d" % (name, j), dt))
        return name + "__len", items

    def out(self, name, kind, dt, ref):
        if kind == "tensor":
            self.fetch.append(("tensor", self.out_tensor(name, dt)))
        elif kind == "seq":
            self.fetch.append(("seq",) + self.out_sequence(name, dt, len(ref)))
        else:
            self.post.append(helper.make_node("OptionalHasElement", [name], [name + "__has"]))
            self.g_out.append(helper.make_tensor_value_info(name + "__has", TensorProto.BOOL, []))
            inner = None
            if ref is not None:
                self.post.append(helper.make_node("OptionalGetElement", [name], [name + "__v"]))
                inner = (("tensor", self.out_tensor(name + "__v", dt)) if kind == "opt"
                         else ("seq",) + self.out_sequence(name + "__v", dt, len(ref)))
            self.fetch.append(("opt", name + "__has", inner))


def gather(fetch, outs):
    """Rebuild an output from onnxruntime's tensors (outs: name -> array)."""
    if fetch[0] == "tensor":
        return outs[fetch[1]]
    if fetch[0] == "seq":
        n = int(outs[fetch[1]])
        items = [outs[x] for x in fetch[2]]
        return items if n == len(items) else items + [None] * (n - len(items))
    if not bool(outs[fetch[1]]):
        return None
    return gather(fetch[2], outs) if fetch[2] else "present"
