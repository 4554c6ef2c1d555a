"""Write ONNX test cases in the backend-test layout: model.onnx + test_data_set_N/*.pb."""
import os

import numpy as np
import onnx
from onnx import numpy_helper


def write_case(root, name, model_bytes_or_proto, inputs, outputs, extra=None):
    """inputs/outputs: lists of (name, ndarray). extra: {filename: text} written beside."""
    d = os.path.join(root, name)
    os.makedirs(os.path.join(d, "test_data_set_0"), exist_ok=True)
    if isinstance(model_bytes_or_proto, bytes):
        data = model_bytes_or_proto
    else:
        data = model_bytes_or_proto.SerializeToString()
    with open(os.path.join(d, "model.onnx"), "wb") as f:
        f.write(data)
    for kind, items in (("input", inputs), ("output", outputs)):
        for i, (n, a) in enumerate(items):
            t = numpy_helper.from_array(np.ascontiguousarray(a), n)
            with open(os.path.join(d, "test_data_set_0", "%s_%d.pb" % (kind, i)), "wb") as f:
                f.write(t.SerializeToString())
    for fn, text in (extra or {}).items():
        with open(os.path.join(d, fn), "w") as f:
            f.write(text)
    return d
