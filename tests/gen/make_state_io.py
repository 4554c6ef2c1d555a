#!/usr/bin/python3
"""A PyTorch LSTM exported with its state as inputs and outputs (x, h0, c0) -> (y, hn, cn),
time and batch dynamic, for the explicit-state streaming test (lstm-run --chunk --carry): the
whole sequence run by PyTorch in one call is the reference, in tests/data/cli/state_io.npz.
Also test cases for lstm-run --test --stream K --carry OUT=IN, in tests/data/state_io: the
same kind of models, from a state that is not zero, the reference again one PyTorch call over
the whole sequence.

    /usr/bin/python3 tests/gen/make_state_io.py
"""
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "data", "cli")
CASES = os.path.join(HERE, "..", "data", "state_io")
sys.path.insert(0, HERE)
from onnx_case import write_case  # noqa: E402


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(4, 6, num_layers=2)

    def forward(self, x, h0, c0):
        y, (hn, cn) = self.lstm(x, (h0, c0))
        return y, hn, cn


def main():
    torch.manual_seed(7)
    net = Net().eval()
    T, B = 23, 2
    x = torch.randn(T, B, 4)
    h0, c0 = torch.zeros(2, B, 6), torch.zeros(2, B, 6)
    torch.onnx.export(net, (x, h0, c0), os.path.join(OUT, "state_io.onnx"),
                      input_names=["x", "h0", "c0"], output_names=["y", "hn", "cn"],
                      dynamic_axes={"x": {0: "T", 1: "batch"}, "h0": {1: "batch"},
                                    "c0": {1: "batch"}, "y": {0: "T", 1: "batch"},
                                    "hn": {1: "batch"}, "cn": {1: "batch"}},
                      opset_version=14)
    with torch.no_grad():
        y, hn, cn = net(x, h0, c0)
    np.savez(os.path.join(OUT, "state_io.npz"), x=x.numpy(), y=y.numpy(), hn=hn.numpy(),
             cn=cn.numpy())


class Gru(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = torch.nn.GRU(3, 5, batch_first=True)

    def forward(self, x, h0):
        return self.gru(x, h0)


def export(net, args, in_names, out_names, dyn):
    path = os.path.join(CASES, "tmp.onnx")
    torch.onnx.export(net, args, path, input_names=in_names, output_names=out_names,
                      dynamic_axes=dyn, opset_version=14)
    with open(path, "rb") as f:
        data = f.read()
    os.remove(path)
    return data


def test_cases():
    """lstm_2layer: time axis 0, carry hn=h0 cn=c0; gru_batch_first: time axis 1, carry hn=h0."""
    os.makedirs(CASES, exist_ok=True)
    torch.manual_seed(11)
    net = Net().eval()
    T, B = 17, 3
    x, h0, c0 = torch.randn(T, B, 4), torch.randn(2, B, 6), torch.randn(2, B, 6)
    model = export(net, (x, h0, c0), ["x", "h0", "c0"], ["y", "hn", "cn"],
                   {"x": {0: "T", 1: "batch"}, "h0": {1: "batch"}, "c0": {1: "batch"},
                    "y": {0: "T", 1: "batch"}, "hn": {1: "batch"}, "cn": {1: "batch"}})
    with torch.no_grad():
        y, hn, cn = net(x, h0, c0)
    write_case(CASES, "lstm_2layer", model,
               [("x", x.numpy()), ("h0", h0.numpy()), ("c0", c0.numpy())],
               [("y", y.numpy()), ("hn", hn.numpy()), ("cn", cn.numpy())])
    net = Gru().eval()
    B, T = 2, 13
    x, h0 = torch.randn(B, T, 3), torch.randn(1, B, 5)
    model = export(net, (x, h0), ["x", "h0"], ["y", "hn"],
                   {"x": {0: "batch", 1: "T"}, "h0": {1: "batch"}, "y": {0: "batch", 1: "T"},
                    "hn": {1: "batch"}})
    with torch.no_grad():
        y, hn = net(x, h0)
    write_case(CASES, "gru_batch_first", model, [("x", x.numpy()), ("h0", h0.numpy())],
               [("y", y.numpy()), ("hn", hn.numpy())])


if __name__ == "__main__":
    main()
    test_cases()
