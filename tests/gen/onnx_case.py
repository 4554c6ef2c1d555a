"""Write ONNX test cases in the backend-test layout: model.onnx + test_data_set_N/*.pb."""
import os

import numpy as np
from onnx import numpy_helper


def write_case(root, name, model_bytes_or_proto, inputs, outputs, extra=None, more_sets=()):
    """inputs/outputs: lists of (name, ndarray, or list of ndarrays for a sequence) for
    test_data_set_0; more_sets: further (inputs, outputs) pairs for test_data_set_1, 2, ...;
    extra: {filename: text} beside."""
    d = os.path.join(root, name)
    os.makedirs(d, exist_ok=True)
    if isinstance(model_bytes_or_proto, bytes):
        data = model_bytes_or_proto
    else:
        data = model_bytes_or_proto.SerializeToString()
    with open(os.path.join(d, "model.onnx"), "wb") as f:
        f.write(data)
    for s, (ins, outs) in enumerate([(inputs, outputs)] + list(more_sets)):
        sd = os.path.join(d, "test_data_set_%d" % s)
        os.makedirs(sd, exist_ok=True)
        for kind, items in (("input", ins), ("output", outs)):
            for i, (n, a) in enumerate(items):
                if isinstance(a, list):  # a sequence of tensors: a SequenceProto
                    t = numpy_helper.from_list([np.array(e, order="C") for e in a], n)
                else:
                    t = numpy_helper.from_array(np.array(a, order="C"), n)  # keeps 0-d arrays 0-d
                with open(os.path.join(sd, "%s_%d.pb" % (kind, i)), "wb") as f:
                    f.write(t.SerializeToString())
    for fn, text in (extra or {}).items():
        with open(os.path.join(d, fn), "w") as f:
            f.write(text)
    return d
