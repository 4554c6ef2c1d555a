#!/usr/bin/python3
"""Gate values for `lstm-run --trace`, computed independently: PyTorch modules run step by step
with the cell equations written out (torch's own weights, float64), for an LSTM, a
bidirectional LSTM and a GRU exported with torch.onnx.export. Each case has model.onnx, X.npy
and expected/<gate>.npy shaped [T, num_directions, batch, hidden] (ONNX gate names).

    /usr/bin/python3 tests/gen/make_trace_cases.py [OUT_DIR]    (default tests/data/trace)
"""
import os
import sys

import numpy as np
import torch

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "trace")
T, B, I, H = 7, 2, 4, 5


def lstm_gates(mod, x, reverse_dir):
    """i, f, o, g, c, h for one direction, [T, B, H] each (float64)."""
    sfx = "_reverse" if reverse_dir else ""
    Wi, Wh = (getattr(mod, n + sfx).double() for n in ("weight_ih_l0", "weight_hh_l0"))
    b = (getattr(mod, "bias_ih_l0" + sfx) + getattr(mod, "bias_hh_l0" + sfx)).double()
    h = torch.zeros(B, H, dtype=torch.float64)
    c = torch.zeros(B, H, dtype=torch.float64)
    out = {k: torch.zeros(T, B, H, dtype=torch.float64) for k in "ifogch"}
    steps = range(T - 1, -1, -1) if reverse_dir else range(T)
    for t in steps:
        a = x[t] @ Wi.T + h @ Wh.T + b  # PyTorch order i, f, g, o
        i, f, g, o = torch.sigmoid(a[:, :H]), torch.sigmoid(a[:, H:2 * H]), torch.tanh(a[:, 2 * H:3 * H]), torch.sigmoid(a[:, 3 * H:])
        c = f * c + i * g
        h = o * torch.tanh(c)
        for k, v in zip("ifogch", (i, f, o, g, c, h)):
            out[k][t] = v
    return out


def gru_gates(mod, x):
    Wi, Wh = mod.weight_ih_l0.double(), mod.weight_hh_l0.double()
    bi, bh = mod.bias_ih_l0.double(), mod.bias_hh_l0.double()
    h = torch.zeros(B, H, dtype=torch.float64)
    out = {k: torch.zeros(T, B, H, dtype=torch.float64) for k in "zrgh"}
    for t in range(T):
        gi, gh = x[t] @ Wi.T + bi, h @ Wh.T + bh  # PyTorch order r, z, n
        r = torch.sigmoid(gi[:, :H] + gh[:, :H])
        z = torch.sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
        n = torch.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
        h = (1 - z) * n + z * h
        for k, v in zip("zrgh", (z, r, n, h)):
            out[k][t] = v
    return out


def save(name, mod, x, gates):
    d = os.path.join(OUT, name)
    os.makedirs(os.path.join(d, "expected"), exist_ok=True)

    class Seq(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, x):
            return self.m(x)[0]
    torch.onnx.export(Seq(mod).eval(), (x.float(),), os.path.join(d, "model.onnx"), opset_version=14,
                      input_names=["X"], output_names=["Y"])
    np.save(os.path.join(d, "X.npy"), x.float().numpy())
    for k, v in gates.items():
        np.save(os.path.join(d, "expected", k + ".npy"), v.numpy().astype(np.float32))
    print("wrote", d)


def main():
    torch.manual_seed(3)
    x = torch.randn(T, B, I, dtype=torch.float64) * 2
    with torch.no_grad():
        lstm = torch.nn.LSTM(I, H)
        g = lstm_gates(lstm, x, False)
        save("lstm", lstm, x, {k: v[:, None] for k, v in g.items()})
        bi = torch.nn.LSTM(I, H, bidirectional=True)
        gf, gb = lstm_gates(bi, x, False), lstm_gates(bi, x, True)
        save("lstm_bidi", bi, x, {k: torch.stack([gf[k], gb[k]], 1) for k in gf})
        gru = torch.nn.GRU(I, H)
        g = gru_gates(gru, x)
        save("gru", gru, x, {k: v[:, None] for k, v in g.items()})


if __name__ == "__main__":
    main()
