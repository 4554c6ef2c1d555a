#!/usr/bin/python3
"""Reference cases from PyTorch (Debian's python3-torch): nn.LSTM / nn.GRU / nn.RNN exported
with torch.onnx.export (packed sequences sorted and unsorted), inputs and PyTorch's own outputs
in the ONNX test-case layout.

    /usr/bin/python3 tests/gen/make_pytorch_cases.py [OUT_DIR]   (default tests/data/pytorch)

Each case also gets params.txt: sum(p.numel() for p in module.parameters()).
The test suite only reads the generated files; it does not need torch.
"""
import io
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from onnx_case import write_case  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "data", "pytorch")
T, B, I, H = 6, 3, 5, 7


class Wrap(torch.nn.Module):
    """Return every output of the recurrent module as a flat tuple."""

    def __init__(self, rnn, with_state=False):
        super().__init__()
        self.rnn = rnn
        self.with_state = with_state

    def forward(self, x, *state):
        if self.with_state:
            st = state[0] if len(state) == 1 else tuple(state)
            y, s = self.rnn(x, st)
        else:
            y, s = self.rnn(x)
        return (y,) + (tuple(s) if isinstance(s, tuple) else (s,))


class CRNN(torch.nn.Module):
    """Conv2d + BatchNorm2d + ReLU + MaxPool2d (twice), then the feature columns as time steps
    into a bidirectional LSTM, a Linear layer and log_softmax (a text-line recogniser's shape).
    x [batch, 1, 32, width] -> log-probabilities [width / 4, batch, classes]."""

    def __init__(self, height=32, hidden=24, classes=11):
        super().__init__()
        nn = torch.nn
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2))
        self.rnn = nn.LSTM(32 * height // 4, hidden, bidirectional=True)
        self.fc = nn.Linear(2 * hidden, classes)
        with torch.no_grad():  # running statistics as a trained model has them
            for m in self.features:
                if isinstance(m, nn.BatchNorm2d):
                    m.running_mean.uniform_(-0.3, 0.3)
                    m.running_var.uniform_(0.5, 2.0)
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.uniform_(-0.2, 0.2)
            self.fc.weight.mul_(30.0)  # spread the log-probabilities (an untrained model's are flat)

    def forward(self, x):
        f = self.features(x)
        b, c, h, w = f.shape
        f = f.permute(3, 0, 1, 2).reshape(w, b, c * h)
        y, _ = self.rnn(f)
        return (torch.log_softmax(self.fc(y), dim=2),)


class Packed(torch.nn.Module):
    """pack_padded_sequence -> LSTM -> pad_packed_sequence: exported as sequence_lens."""

    def __init__(self, rnn):
        super().__init__()
        self.rnn = rnn

    def forward(self, x, lengths):
        p = torch.nn.utils.rnn.pack_padded_sequence(x, lengths, enforce_sorted=True)
        y, s = self.rnn(p)
        y, _ = torch.nn.utils.rnn.pad_packed_sequence(y, total_length=x.shape[0])
        return (y,) + (tuple(s) if isinstance(s, tuple) else (s,))


class LstmLayerNorm(torch.nn.Module):
    """batch_first LSTM -> LayerNorm over the hidden units (LayerNormalization from opset 17)."""

    def __init__(self):
        super().__init__()
        self.rnn = torch.nn.LSTM(I, H, batch_first=True)
        self.norm = torch.nn.LayerNorm(H)
        with torch.no_grad():  # not the identity
            self.norm.weight.uniform_(0.5, 1.5)
            self.norm.bias.uniform_(-0.5, 0.5)

    def forward(self, x):
        y, (h, c) = self.rnn(x)
        return self.norm(y), h, c


class PackedUnsorted(torch.nn.Module):
    """pack_padded_sequence(enforce_sorted=False) -> RNN -> pad_packed_sequence: exported with
    TopK (sort by length), Gather and ScatterElements (the inverse permutation)."""

    def __init__(self, rnn):
        super().__init__()
        self.rnn = rnn

    def forward(self, x, lengths):
        p = torch.nn.utils.rnn.pack_padded_sequence(x, lengths, enforce_sorted=False)
        y, s = self.rnn(p)
        y, _ = torch.nn.utils.rnn.pad_packed_sequence(y, total_length=x.shape[0])
        return (y,) + (tuple(s) if isinstance(s, tuple) else (s,))


def export(name, module, inputs, input_names, opset=14, dynamic=None, more_inputs=(),
           fold=True, out_names=None, training=None, params_file=True):
    """Export at `opset`; dynamic: {input: {axis: name}}; more_inputs: further input tuples
    (other batch sizes / lengths) whose PyTorch outputs become test_data_set_1, 2, ...;
    training=TrainingMode.PRESERVE keeps BatchNormalization nodes (eval mode; the default export
    folds them into the Conv before); params_file=False when buffers are initializers too
    (BatchNorm running statistics), so lstm-dump's parameter total is not PyTorch's."""
    module.eval()
    with torch.no_grad():
        outs = module(*inputs)
        more = [(ins, module(*ins)) for ins in more_inputs]
    f = io.BytesIO()
    out_names = out_names or ["Y", "Y_h", "Y_c"][: len(outs)]
    kw = {"training": training} if training is not None else {}
    torch.onnx.export(module, inputs, f, opset_version=opset, input_names=input_names,
                      output_names=out_names, dynamic_axes=dynamic, do_constant_folding=fold, **kw)
    params = sum(p.numel() for p in module.parameters())

    def pairs(ins, os_):
        return ([(n, t.numpy()) for n, t in zip(input_names, ins)],
                [(n, t.numpy()) for n, t in zip(out_names, os_)])
    i0, o0 = pairs(inputs, outs)
    write_case(OUT, name, f.getvalue(), i0, o0, {"params.txt": "%d\n" % params} if params_file else {},
               more_sets=[pairs(i, o) for i, o in more])
    print("wrote", name, "opset", opset, "params", params, "sets", 1 + len(more))


def main():
    torch.manual_seed(1234)
    # Saturating inputs (|x| > 10) for some elements, distinct weights per direction.
    x = torch.randn(T, B, I) * 3.0
    x[0, 0, 0] = 12.0
    x[2, 1, 3] = -15.0
    xb = x.transpose(0, 1).contiguous()
    export("lstm_1layer", Wrap(torch.nn.LSTM(I, H)), (x,), ["X"])
    export("lstm_2layer_bidi", Wrap(torch.nn.LSTM(I, H, num_layers=2, bidirectional=True)),
           (x,), ["X"])
    export("lstm_batch_first", Wrap(torch.nn.LSTM(I, H, batch_first=True)), (xb,), ["X"])
    h0, c0 = torch.randn(2, B, H), torch.randn(2, B, H)
    export("lstm_h0c0_2layer", Wrap(torch.nn.LSTM(I, H, num_layers=2), True), (x, h0, c0),
           ["X", "h0", "c0"])
    export("gru_1layer", Wrap(torch.nn.GRU(I, H)), (x,), ["X"])
    export("gru_2layer_bidi", Wrap(torch.nn.GRU(I, H, num_layers=2, bidirectional=True)),
           (x,), ["X"])
    export("gru_h0_batch_first", Wrap(torch.nn.GRU(I, H, batch_first=True), True),
           (xb, torch.randn(1, B, H)), ["X", "h0"])
    export("rnn_tanh", Wrap(torch.nn.RNN(I, H)), (x,), ["X"])
    export("rnn_relu_bidi_2layer",
           Wrap(torch.nn.RNN(I, H, num_layers=2, nonlinearity="relu", bidirectional=True)),
           (x * 0.3,), ["X"])
    lengths = torch.tensor([6, 4, 1])
    export("lstm_packed", Packed(torch.nn.LSTM(I, H)), (x, lengths), ["X", "lengths"])
    export("gru_packed_bidi", Packed(torch.nn.GRU(I, H, bidirectional=True)), (x, lengths),
           ["X", "lengths"])

    # Opsets 9 to 17, dynamic batch and time checked at other sizes, no constant folding.
    x2 = torch.randn(9, 5, I)
    x3 = torch.randn(2, 1, I)
    dyn = {"X": {0: "T", 1: "batch"}}
    lstm2 = torch.nn.LSTM(I, H, num_layers=2, bidirectional=True)
    for opset in (9, 11, 13, 17):
        export("lstm_2layer_bidi_opset%d" % opset, Wrap(lstm2), (x,), ["X"], opset=opset,
               dynamic=dyn, more_inputs=[(x2,), (x3,)])
    export("gru_batch_first_opset9", Wrap(torch.nn.GRU(I, H, batch_first=True)), (xb,), ["X"],
           opset=9, dynamic={"X": {0: "batch", 1: "T"}},
           more_inputs=[(x2.transpose(0, 1).contiguous(),)])
    export("rnn_relu_opset17", Wrap(torch.nn.RNN(I, H, nonlinearity="relu")), (x * 0.3,), ["X"],
           opset=17, dynamic=dyn, more_inputs=[(x2 * 0.3,)])
    export("lstm_2layer_nofold", Wrap(torch.nn.LSTM(I, H, num_layers=2)), (x,), ["X"],
           fold=False, dynamic=dyn, more_inputs=[(x2,)])
    export("gru_bidi_nofold_opset11", Wrap(torch.nn.GRU(I, H, bidirectional=True)), (x,), ["X"],
           opset=11, fold=False)

    # A CRNN (issue 14): Conv, BatchNormalization (kept), MaxPool, biLSTM, Linear, log_softmax;
    # dynamic batch and width, checked at other sizes. The plain export folds BatchNorm into
    # the Conv.
    crnn = CRNN()
    img = torch.rand(2, 1, 32, 40)
    more = [(torch.rand(1, 1, 32, 64),), (torch.rand(3, 1, 32, 16),)]
    cdyn = {"image": {0: "batch", 3: "width"}}
    for opset in (13, 17):
        export("crnn_opset%d" % opset, crnn, (img,), ["image"], opset=opset, dynamic=cdyn,
               more_inputs=more, out_names=["log_probs"],
               training=torch.onnx.TrainingMode.PRESERVE, params_file=False)
    export("crnn_bnfolded_opset17", crnn, (img,), ["image"], opset=17, dynamic=cdyn,
           more_inputs=more, out_names=["log_probs"], params_file=False)

    # Packed sequences in any order (enforce_sorted=False): TopK + Gather + ScatterElements
    # around the recurrent node; other lengths, orders and T as further sets (the export fixes
    # the batch size in the zero initial state).
    dyn_len = {"X": {0: "T"}}
    more = [(torch.randn(T, B, I), torch.tensor([2, 6, 5])),
            (torch.randn(9, B, I), torch.tensor([3, 9, 3])),
            (torch.randn(4, B, I), torch.tensor([1, 1, 4]))]
    for name, rnn, opset in (("lstm_packed_unsorted", torch.nn.LSTM(I, H), 14),
                             ("gru_packed_unsorted_bidi_opset17", torch.nn.GRU(I, H, bidirectional=True), 17),
                             ("lstm_packed_unsorted_2layer_opset11", torch.nn.LSTM(I, H, num_layers=2), 11)):
        export(name, PackedUnsorted(rnn), (x, torch.tensor([4, 6, 1])), ["X", "lengths"], opset=opset,
               dynamic=dyn_len, more_inputs=more)

    # LSTM + LayerNorm at opset 17 (LayerNormalization), dynamic batch and time.
    export("lstm_layernorm_opset17", LstmLayerNorm(), (xb,), ["X"], opset=17,
           dynamic={"X": {0: "batch", 1: "T"}},
           more_inputs=[(torch.randn(5, 9, I),), (torch.randn(1, 2, I),)])


if __name__ == "__main__":
    main()
