"""Differential entries of the convolutional front-end operators (Conv, ConvTranspose, the
pools, the normalisations, PRelu) for make_diff_cases.py: the entries of conv_entries.py (shared
with make_conv_cases.py) run on the differential generator's per-version helper. Imported by
diff_ops.py (branch diff). The generator also needs these operators' later versions in
diff_case.LATER_VERSIONS: Conv, ConvTranspose, MaxPool, GlobalAveragePool, GlobalMaxPool,
InstanceNormalization 22 (bfloat16 added: LATER_TYPES) and AveragePool 19 (dilations), 22."""
import numpy as np

import conv_entries
from diff_case import FLOATS, In, op, to_dtype

# The element types the runtime takes for each operator (the schema's others are refused).
TYPES = {"Conv": FLOATS, "ConvTranspose": FLOATS, "MaxPool": FLOATS + ["int8", "uint8"],
         "AveragePool": FLOATS, "GlobalMaxPool": FLOATS, "GlobalAveragePool": FLOATS,
         "BatchNormalization": FLOATS, "LayerNormalization": FLOATS,
         "InstanceNormalization": FLOATS,
         "PRelu": FLOATS + ["int32", "int64", "uint32", "uint64"]}


BIG = 2048  # input elements


class Adapter:
    """conv_entries' interface (conv_entries.py) on make_diff_cases' G."""

    def __init__(self, g):
        self.g, self.v, self.rng = g, g.v, g.rng

    def x(self, shape, lo=-1.0, hi=1.0):
        return self.rng.uniform(lo, hi, shape)

    def w(self, shape, fan_in):
        return self.rng.standard_normal(shape) / np.sqrt(max(1, fan_in))

    def inp(self, name, dtype, value, kind="input"):
        # No Constant nodes here: those weights become initializers (test_ops checks Constant
        # weights, make_conv_cases.py writes a case of them).
        return In(name, dtype, to_dtype(value, dtype), init=kind != "input")

    def case(self, tag, what, inputs, outputs=("y",), out_types=None, attrs=None, ref=None,
             no_ort=None, stale_shape=None):
        if stale_shape:  # the full ONNX check would refuse the model; make_conv_cases keeps it
            return None
        # Cases of real-model sizes (the Silero STFT, the CRNN's first layer, the blocked paths)
        # stay in tests/data/convops only: this corpus keeps to small tensors.
        if sum(np.size(i.value) for i in inputs if i is not None) > BIG:
            return None
        dtype = next(i for i in inputs if i is not None).dtype
        return self.g.case(tag, what, dtype, inputs, outputs, out_types, attrs, ref,
                           ort=no_ort is None, why=no_ort and "onnxruntime: " + no_ort)


def _entry(fn):
    def run(g):
        return (c for c in fn(Adapter(g)) if c is not None)
    return run


for _name, (_fn, _versions) in conv_entries.ENTRIES.items():
    op(_name, types=TYPES[_name])(_entry(_fn))
