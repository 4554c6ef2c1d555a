#!/usr/bin/python3
"""A PyTorch LSTM exported with its state as inputs and outputs (x, h0, c0) -> (y, hn, cn),
time and batch dynamic, for the explicit-state streaming test (lstm-run --chunk --carry): the
whole sequence run by PyTorch in one call is the reference, in tests/data/cli/state_io.npz.

    /usr/bin/python3 tests/gen/make_state_io.py
"""
import os

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "data", "cli")


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


if __name__ == "__main__":
    main()
