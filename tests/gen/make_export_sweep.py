#!/usr/bin/python3
"""A sweep of fresh PyTorch exports of recurrent models, as a new user would make them, each run
by lstm-run and by onnxruntime and compared with PyTorch (rtol 1e-4, atol 1e-5).

    /usr/bin/python3 tests/gen/make_export_sweep.py [--out DIR] [--run PATH/lstm-run] [--only SUBSTR]

Default DIR /tmp/export_sweep, lstm-run build/tools/lstm-run. Every model is exported with fixed
seeds at several opsets (9 to 17 where the exporter allows); each export becomes DIR/NAME in the
ONNX test-case layout (model.onnx, test_data_set_N with PyTorch's outputs; the extra data sets
have other batch sizes and lengths where the axes are dynamic), so a case that finds a bug can
be copied into tests/data/pytorch as it is. Prints one line per export and writes
DIR/summary.tsv: export ok, lstm-run ok, onnxruntime ok, worst error of each against PyTorch and
of lstm-run against onnxruntime. lstm-run runs every data set at 1 and 2 threads. Verdicts:
OK; FAIL (lstm-run refuses a data set onnxruntime runs, or differs from PyTorch); BOTH-REFUSE
(lstm-run refuses only data sets onnxruntime refuses too); ORT-DIFFERS (onnxruntime refuses
or differs, lstm-run agrees with PyTorch); EXPORT-REFUSED. Needs torch and onnx (Debian's
python3-torch) and onnxruntime-node in tests/gen/node_modules; torchaudio's speech models
(export_sweep_audio.py) join when python3-torchaudio is installed. Exit 1 on any FAIL.
"""
import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import warnings

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from onnx_case import write_case  # noqa: E402
from export_sweep_audio import audio_cases  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
RTOL, ATOL = 1e-4, 1e-5
I, H = 5, 7
nn = torch.nn


def pack_args(s):
    return tuple(s) if isinstance(s, tuple) else (s,)


class Wrap(nn.Module):
    """A recurrent layer returning its sequence and its final states."""

    def __init__(self, rnn, with_state=False):
        super().__init__()
        self.rnn, self.with_state = rnn, with_state

    def forward(self, x, *state):
        if self.with_state:
            y, s = self.rnn(x, state[0] if len(state) == 1 else tuple(state))
        else:
            y, s = self.rnn(x)
        return (y,) + pack_args(s)


class CellLoop(nn.Module):
    """An LSTMCell / GRUCell / RNNCell stepped over time in a Python loop (unrolled by tracing)."""

    def __init__(self, cell, lstm):
        super().__init__()
        self.cell, self.lstm = cell, lstm

    def forward(self, x):
        h = torch.zeros(x.shape[1], self.cell.hidden_size)
        c = torch.zeros(x.shape[1], self.cell.hidden_size)
        ys = []
        for t in range(x.shape[0]):
            if self.lstm:
                h, c = self.cell(x[t], (h, c))
            else:
                h = self.cell(x[t], h)
            ys.append(h)
        return (torch.stack(ys), h, c) if self.lstm else (torch.stack(ys), h)


class ScriptedLSTMCellLoop(nn.Module):
    """The same under torch.jit.script: exported as Loop over the time steps."""

    def __init__(self):
        super().__init__()
        self.cell = nn.LSTMCell(I, H)
        self.hs = H

    def forward(self, x):
        h = torch.zeros(x.size(1), self.hs)
        c = torch.zeros(x.size(1), self.hs)
        ys = []
        for t in range(x.size(0)):
            h, c = self.cell(x[t], (h, c))
            ys.append(h)
        return torch.stack(ys), h, c


class ScriptedHCellLoop(nn.Module):
    """A GRUCell or RNNCell (state h only) over the time axis, for torch.jit.script."""

    def __init__(self, cell):
        super().__init__()
        self.cell = cell
        self.hs = H

    def forward(self, x):
        h = torch.zeros(x.size(1), self.hs)
        ys = []
        for t in range(x.size(0)):
            h = self.cell(x[t], h)
            ys.append(h)
        return torch.stack(ys), h


class ScriptedLSTM(nn.Module):
    """nn.LSTM in a module compiled whole by torch.jit.script."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(I, H, num_layers=2)

    def forward(self, x):
        y, (h, c) = self.rnn(x)
        return y, h, c


class ScriptedGRU(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(I, H, num_layers=2)

    def forward(self, x):
        y, h = self.rnn(x)
        return y, h


class Packed(nn.Module):
    """pack_padded_sequence -> recurrent layer -> pad_packed_sequence."""

    def __init__(self, rnn, enforce_sorted, batch_first=False):
        super().__init__()
        self.rnn, self.sorted, self.bf = rnn, enforce_sorted, batch_first

    def forward(self, x, lengths):
        p = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=self.bf,
                                              enforce_sorted=self.sorted)
        y, s = self.rnn(p)
        y, _ = nn.utils.rnn.pad_packed_sequence(y, batch_first=self.bf,
                                                total_length=x.shape[1 if self.bf else 0])
        return (y,) + pack_args(s)


def trained_bn(bn):
    with torch.no_grad():
        bn.running_mean.uniform_(-0.3, 0.3)
        bn.running_var.uniform_(0.5, 2.0)
        bn.weight.uniform_(0.5, 1.5)
        bn.bias.uniform_(-0.2, 0.2)
    return bn


class Conv1dGRU(nn.Module):
    """Conv1d + BatchNorm1d + ReLU + MaxPool1d -> batch_first GRU -> Linear -> Softmax(-1)."""

    def __init__(self, kind="gru", log=False):
        super().__init__()
        self.front = nn.Sequential(nn.Conv1d(4, 12, 3, padding=1), trained_bn(nn.BatchNorm1d(12)),
                                   nn.ReLU(), nn.MaxPool1d(2))
        rnn = {"gru": nn.GRU, "lstm": nn.LSTM, "rnn": nn.RNN}[kind]
        self.rnn = rnn(12, 9, batch_first=True, num_layers=2, bidirectional=True)
        self.fc = nn.Linear(18, 6)
        self.log = log
        with torch.no_grad():
            self.fc.weight.mul_(10.0)

    def forward(self, x):  # x [batch, 4, time]
        f = self.front(x).transpose(1, 2)
        y, s = self.rnn(f)
        z = self.fc(y)
        p = torch.log_softmax(z, dim=-1) if self.log else torch.softmax(z, dim=-1)
        return (p,) + pack_args(s)


class CRNN(nn.Module):
    """Conv2d + BatchNorm2d + ReLU + AvgPool2d / MaxPool2d -> LSTM over the width -> Linear ->
    LogSoftmax(-1)."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), trained_bn(nn.BatchNorm2d(8)), nn.ReLU(),
            nn.MaxPool2d(2), nn.Conv2d(8, 8, 3, padding=1), trained_bn(nn.BatchNorm2d(8)),
            nn.ReLU(), nn.AvgPool2d((2, 1)))
        self.rnn = nn.LSTM(8 * 4, 10, bidirectional=True, batch_first=True)
        self.fc = nn.Linear(20, 7)
        with torch.no_grad():
            self.fc.weight.mul_(10.0)

    def forward(self, x):  # [batch, 1, 16, width]
        f = self.features(x)
        b, c, h, w = f.shape
        f = f.permute(0, 3, 1, 2).reshape(b, w, c * h)
        y, _ = self.rnn(f)
        return (nn.functional.log_softmax(self.fc(y), dim=-1),)


class EmbedAttn(nn.Module):
    """Embedding (int64 ids) -> LSTM -> dot attention of the final state over the sequence
    (bmm, masked_fill of padding ids, softmax) -> Linear -> LogSoftmax(-1)."""

    def __init__(self, kind="lstm", vocab=20):
        super().__init__()
        self.emb = nn.Embedding(vocab, 6, padding_idx=0)
        rnn = {"gru": nn.GRU, "lstm": nn.LSTM}[kind]
        self.rnn = rnn(6, 8, batch_first=True)
        self.kind = kind
        self.fc = nn.Linear(16, 5)

    def forward(self, ids):  # [batch, time]
        e = self.emb(ids)
        y, s = self.rnn(e)
        h = s[0] if self.kind == "lstm" else s
        q = h[-1].unsqueeze(2)  # [batch, 8, 1]
        score = torch.bmm(y, q).squeeze(2)  # [batch, time]
        score = score.masked_fill(ids == 0, -1e9)
        w = torch.softmax(score, dim=-1)
        ctx = torch.bmm(w.unsqueeze(1), y).squeeze(1)
        out = torch.log_softmax(self.fc(torch.cat([ctx, h[-1]], dim=1)), dim=-1)
        return out, w


class PosMaskLSTM(nn.Module):
    """Token and position embeddings (torch.arange over time) -> LSTM, a length mask built as
    arange(T) < lengths[:, None] (masked_fill), mean over the valid steps -> Linear."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(20, 6)
        self.pos = nn.Embedding(32, 6)
        self.rnn = nn.LSTM(6, 8, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(16, 4)

    def forward(self, ids, lengths):
        t = torch.arange(ids.shape[1])
        e = self.emb(ids) + self.pos(t).unsqueeze(0)
        y, _ = self.rnn(e)
        mask = t.unsqueeze(0) < lengths.unsqueeze(1)
        y = y.masked_fill(~mask.unsqueeze(2), 0.0)
        m = y.sum(1) / lengths.unsqueeze(1).to(y.dtype)
        return torch.softmax(self.fc(m), dim=-1), mask.to(torch.int64)


class Tails(nn.Module):
    """The usual classifier heads on an LSTM / GRU: last step y[:, -1], h_n[-1], the two final
    directions concatenated, max and mean over time."""

    def __init__(self, kind):
        super().__init__()
        self.rnn = rnn_of(kind, I, H, batch_first=True, num_layers=2, bidirectional=True)
        self.kind = kind
        self.fc = nn.Linear(2 * H, 3)

    def forward(self, x):
        y, s = self.rnn(x)
        h = s[0] if self.kind == "lstm" else s
        last = y[:, -1]
        hcat = torch.cat([h[-2], h[-1]], dim=1)
        mx = y.max(dim=1)[0]
        mean = y.mean(dim=1)
        return self.fc(last), h[-1], hcat, mx, mean


class Seq2Seq(nn.Module):
    """Encoder LSTM / GRU whose final states start a decoder fed the target tokens (teacher
    forcing) -> Linear -> LogSoftmax(-1); also the encoder states flattened per batch item."""

    def __init__(self, kind):
        super().__init__()
        self.kind = kind
        self.src = nn.Embedding(15, 6)
        self.tgt = nn.Embedding(12, 6)
        self.enc = rnn_of(kind, 6, 8, num_layers=2, batch_first=True)
        self.dec = rnn_of(kind, 6, 8, num_layers=2, batch_first=True)
        self.out = nn.Linear(8, 12)

    def forward(self, src, tgt):
        _, s = self.enc(self.src(src))
        y, _ = self.dec(self.tgt(tgt), s)
        h = s[0] if self.kind == "lstm" else s
        flat = h.transpose(0, 1).reshape(h.shape[1], -1)
        return torch.log_softmax(self.out(y), dim=-1), flat


class GreedyDecoder(nn.Module):
    """Scripted greedy decoding: an LSTMCell fed the embedding of its own ArgMax for n steps
    (exported as Loop with the step count an input)."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(10, 6)
        self.cell = nn.LSTMCell(6, 8)
        self.out = nn.Linear(8, 10)

    def forward(self, h, c, n: int):
        tok = torch.zeros(h.size(0), dtype=torch.long)
        toks = []
        for _ in range(n):
            h, c = self.cell(self.emb(tok), (h, c))
            tok = torch.argmax(self.out(h), dim=1)
            toks.append(tok)
        return torch.stack(toks, 1), h


def rnn_of(kind, *a, **k):
    if kind == "lstm":
        return nn.LSTM(*a, **k)
    if kind == "gru":
        return nn.GRU(*a, **k)
    return nn.RNN(*a, nonlinearity="relu" if kind == "rnn_relu" else "tanh", **k)


def cases():
    """Yield (name, factory, input sets, input names, output names, dynamic axes, opsets, kw)."""
    g = torch.Generator().manual_seed(7)

    def rnd(*shape, scale=1.0):
        return torch.randn(*shape, generator=g) * scale

    all_opsets = (9, 10, 11, 12, 13, 14, 15, 16, 17)
    some = (9, 11, 14, 17)
    rnn_opsets = all_opsets  # the recurrent layers alone: every opset
    for kind in ("lstm", "gru", "rnn_tanh", "rnn_relu"):
        sc = 0.5 if kind == "rnn_relu" else 2.0
        states = ["Y_h", "Y_c"] if kind == "lstm" else ["Y_h"]
        for cfg, k, bf in (("base", {}, False), ("2layer_bidi", dict(num_layers=2, bidirectional=True), False),
                           ("3layer_bidi_bf", dict(num_layers=3, bidirectional=True), True),
                           ("nobias", dict(bias=False), False),
                           ("nobias_bidi_bf", dict(bias=False, bidirectional=True), True),
                           ("dropout_2layer", dict(num_layers=2, dropout=0.4), False),
                           ("isize_eq_h", dict(num_layers=2), False),
                           ("t1b1", dict(bidirectional=True), False),
                           ("proj", dict(proj_size=3, num_layers=2), False),
                           ("2layer_bidi_nofold", dict(num_layers=2, bidirectional=True), False)):
            if cfg == "proj" and kind != "lstm":
                continue
            isz = H if cfg == "isize_eq_h" else I
            torch.manual_seed(11)
            mod = Wrap(rnn_of(kind, isz, H, batch_first=bf, **k))
            shapes = [(6, 3), (9, 5), (1, 1), (2, 4)]
            if cfg == "t1b1":
                shapes = [(1, 1), (6, 3), (1, 4), (5, 1)]
            sets = []
            for t, b in shapes:
                x = rnd(t, b, isz, scale=sc)
                sets.append((x.transpose(0, 1).contiguous() if bf else x,))
            dyn = {"X": {1: "T", 0: "batch"} if bf else {0: "T", 1: "batch"}}
            for n in ["Y"] + states:
                dyn[n] = {1: "batch"} if n != "Y" else ({0: "batch", 1: "T"} if bf else {0: "T", 2: "batch"})
            yield ("%s_%s" % (kind, cfg), mod, sets, ["X"], ["Y"] + states, dyn, rnn_opsets,
                   {"nofold": cfg.endswith("nofold")})
        # Given initial states.
        torch.manual_seed(12)
        nl = 2
        for bf in (False, True):
            mod = Wrap(rnn_of(kind, I, H, num_layers=nl, bidirectional=True, batch_first=bf), True)
            sets = []
            for t, b in ((6, 3), (9, 5), (1, 1)):
                x = rnd(t, b, I, scale=sc)
                x = x.transpose(0, 1).contiguous() if bf else x
                st = [rnd(2 * nl, b, H) for _ in states]
                sets.append(tuple([x] + st))
            names = ["X", "h0", "c0"][: 1 + len(states)]
            dyn = {"X": {1: "T", 0: "batch"} if bf else {0: "T", 1: "batch"}}
            for n in names[1:]:
                dyn[n] = {1: "batch"}
            yield ("%s_state_2layer_bidi%s" % (kind, "_bf" if bf else ""), mod, sets, names,
                   ["Y"] + states, dyn, rnn_opsets, {})
        # Packed sequences, sorted and not, lengths with the full length and 1.
        # Time dynamic; batch dynamic too in the _dynbatch exports, whose other batch sizes
        # both runtimes refuse (the exporter writes the export's batch into the zero state).
        for sorted_, k, dynbatch in ((True, dict(bidirectional=True), False),
                                     (False, dict(num_layers=2, bidirectional=True), False),
                                     (True, dict(num_layers=2), False), (False, {}, False),
                                     (True, {}, True), (False, dict(bidirectional=True), True)):
            for bf in (False, True):
                torch.manual_seed(13)
                mod = Packed(rnn_of(kind, I, H, batch_first=bf, **k), sorted_, bf)
                lens = ([[6, 4, 1], [6, 6, 2], [3, 2, 1], [5, 5, 4, 2, 1], [2]] if sorted_ else
                        [[4, 6, 1], [1, 6, 6], [2, 3, 1], [1, 5, 2, 5, 3], [2]])
                if not dynbatch:
                    lens = lens[:3]
                sets = []
                for t, ln in zip((6, 6, 3, 5, 2), lens):
                    x = rnd(t, len(ln), I, scale=sc)
                    sets.append((x.transpose(0, 1).contiguous() if bf else x, torch.tensor(ln)))
                dyn = {"X": {1: "T"} if bf else {0: "T"}}
                if dynbatch:
                    dyn = {"X": {1: "T", 0: "batch"} if bf else {0: "T", 1: "batch"}, "lengths": {0: "batch"}}
                yield ("%s_packed_%s_%s%s%s" % (kind, "sorted" if sorted_ else "unsorted",
                                                 "_".join("%s%s" % (a, int(v)) for a, v in k.items()) or "plain",
                                                 "_bf" if bf else "", "_dynbatch" if dynbatch else ""),
                       mod, sets, ["X", "lengths"], ["Y"] + states, dyn, rnn_opsets, {})

    # Sizes of real models (blocked products, SIMD tails, row splits at batch >= 8 with --threads 2).
    for kind, isz, hsz, k in (("lstm", 40, 128, dict(num_layers=2, bidirectional=True)),
                              ("gru", 33, 96, dict(num_layers=2)),
                              ("rnn_tanh", 64, 200, dict(bidirectional=True)),
                              ("lstm", 80, 257, {}), ("gru", 128, 64, dict(bidirectional=True))):
        torch.manual_seed(23)
        mod = Wrap(rnn_of(kind, isz, hsz, batch_first=True, **k))
        sets = [(rnd(8, 50, isz),), (rnd(1, 7, isz),), (rnd(17, 3, isz),), (rnd(3, 1, isz),)]
        states = ["Y_h", "Y_c"] if kind == "lstm" else ["Y_h"]
        yield ("%s_big_%d_%d%s" % (kind, isz, hsz, "_bidi" if k.get("bidirectional") else ""), mod, sets,
               ["X"], ["Y"] + states, {"X": {0: "batch", 1: "T"}}, (9, 14, 17), {})
    # Exported without dynamic axes, then fed other shapes: refused, or PyTorch's numbers.
    for kind in ("lstm", "gru"):
        torch.manual_seed(24)
        mod = Wrap(rnn_of(kind, I, H, num_layers=2, bidirectional=True))
        sets = [(rnd(6, 3, I),), (rnd(9, 3, I),), (rnd(6, 5, I),)]
        yield ("%s_static" % kind, mod, sets, ["X"], ["Y", "Y_h", "Y_c"][: 3 if kind == "lstm" else 2], {},
               (9, 14, 17), {"static": True})
    # Cells stepped in Python (unrolled; the time length is fixed by the trace).
    for kind, cell in (("lstm", lambda: nn.LSTMCell(I, H)), ("gru", lambda: nn.GRUCell(I, H)),
                       ("rnn_tanh", lambda: nn.RNNCell(I, H)),
                       ("rnn_relu", lambda: nn.RNNCell(I, H, nonlinearity="relu"))):
        torch.manual_seed(14)
        mod = CellLoop(cell(), kind == "lstm")
        sets = [(rnd(5, 3, I, scale=1.5),), (rnd(5, 1, I),), (rnd(5, 6, I),)]
        outs = ["Y", "h", "c"]
        yield ("%scell_unrolled" % kind, mod, sets, ["X"], outs, {"X": {1: "batch"}}, some, {})
    # ... and under torch.jit.script (Loop).
    for kind, ctor in (("lstm", ScriptedLSTMCellLoop),
                       ("gru", lambda: ScriptedHCellLoop(nn.GRUCell(I, H))),
                       ("rnn_tanh", lambda: ScriptedHCellLoop(nn.RNNCell(I, H, "tanh"))),
                       ("rnn_relu", lambda: ScriptedHCellLoop(nn.RNNCell(I, H, True, "relu")))):
        torch.manual_seed(15)
        mod = torch.jit.script(ctor().eval())
        sets = [(rnd(5, 3, I, scale=1.5),), (rnd(9, 2, I),), (rnd(1, 1, I),)]
        outs = ["Y", "h", "c"] if kind == "lstm" else ["Y", "h"]
        yield ("%scell_scripted" % kind, mod, sets, ["X"], outs, {"X": {0: "T", 1: "batch"}},
               (9, 11, 13, 14, 17), {})
    # A whole scripted model holding an nn.LSTM / nn.GRU.
    for kind in ("lstm", "gru"):
        torch.manual_seed(19)
        mod = ScriptedLSTM() if kind == "lstm" else ScriptedGRU()
        sets = [(rnd(5, 3, I),), (rnd(8, 2, I),)]
        yield ("%s_scripted_module" % kind, torch.jit.script(mod.eval()), sets, ["X"],
               ["Y", "Y_h", "Y_c"][: 3 if kind == "lstm" else 2], {"X": {0: "T", 1: "batch"}},
               (11, 14, 17), {})

    # Front-ends and tails.
    for kind in ("gru", "lstm", "rnn"):
        for log in (False, True):
            torch.manual_seed(16)
            mod = Conv1dGRU(kind, log)
            sets = [(rnd(2, 4, 20),), (rnd(1, 4, 8),), (rnd(3, 4, 34),)]
            outs = ["probs", "h_n", "c_n"] if kind == "lstm" else ["probs", "h_n"]
            for preserve in (False, True):
                yield ("conv1d_%s_%s%s" % (kind, "logsoftmax" if log else "softmax",
                                           "_bnkept" if preserve else ""),
                       mod, sets, ["x"], outs, {"x": {0: "batch", 2: "time"}}, (9, 11, 13, 17),
                       {"preserve": preserve})
    torch.manual_seed(17)
    mod = CRNN()
    sets = [(torch.rand(2, 1, 16, 24, generator=g),), (torch.rand(1, 1, 16, 8, generator=g),),
            (torch.rand(3, 1, 16, 40, generator=g),)]
    for preserve in (False, True):
        yield ("crnn2d%s" % ("_bnkept" if preserve else ""), mod, sets, ["image"], ["log_probs"],
               {"image": {0: "batch", 3: "width"}}, (9, 11, 13, 17), {"preserve": preserve})
    for kind in ("lstm", "gru"):
        torch.manual_seed(18)
        mod = EmbedAttn(kind)
        sets = []
        for b, t, pad in ((3, 7, [0, 2, 5]), (1, 4, [0]), (4, 11, [0, 0, 9, 3])):
            ids = torch.randint(1, 20, (b, t), generator=g)
            for i, p in enumerate(pad):
                if p:
                    ids[i, t - p:] = 0
            sets.append((ids,))
        yield ("embed_attn_%s" % kind, mod, sets, ["ids"], ["log_probs", "weights"],
               {"ids": {0: "batch", 1: "T"}}, (9, 11, 13, 14, 17), {})
    torch.manual_seed(20)
    mod = PosMaskLSTM()
    sets = [(torch.randint(0, 20, (3, 7), generator=g), torch.tensor([7, 3, 1])),
            (torch.randint(0, 20, (2, 12), generator=g), torch.tensor([5, 12])),
            (torch.randint(0, 20, (1, 1), generator=g), torch.tensor([1]))]
    yield ("posmask_lstm", mod, sets, ["ids", "lengths"], ["probs", "mask"],
           {"ids": {0: "batch", 1: "T"}, "lengths": {0: "batch"}}, (9, 10, 11, 13, 14, 17), {})
    for kind in ("lstm", "gru", "rnn_tanh"):
        torch.manual_seed(21)
        mod = Tails(kind)
        sets = [(rnd(3, 6, I),), (rnd(1, 1, I),), (rnd(4, 10, I),)]
        yield ("tails_%s" % kind, mod, sets, ["X"], ["logits", "h_last", "h_cat", "y_max", "y_mean"],
               {"X": {0: "batch", 1: "T"}}, (9, 11, 13, 17), {})
    for kind in ("lstm", "gru"):
        torch.manual_seed(25)
        mod = Seq2Seq(kind)
        sets = [(torch.randint(0, 15, (3, 7), generator=g), torch.randint(0, 12, (3, 5), generator=g)),
                (torch.randint(0, 15, (1, 2), generator=g), torch.randint(0, 12, (1, 9), generator=g)),
                (torch.randint(0, 15, (4, 11), generator=g), torch.randint(0, 12, (4, 1), generator=g))]
        yield ("seq2seq_%s" % kind, mod, sets, ["src", "tgt"], ["log_probs", "enc_flat"],
               {"src": {0: "batch", 1: "S"}, "tgt": {0: "batch", 1: "T"}}, (9, 11, 13, 14, 17), {})
    torch.manual_seed(26)
    mod = torch.jit.script(GreedyDecoder().eval())
    sets = [(rnd(3, 8), rnd(3, 8), torch.tensor(6)), (rnd(1, 8), rnd(1, 8), torch.tensor(1)),
            (rnd(2, 8), rnd(2, 8), torch.tensor(11))]
    yield ("greedy_decoder_scripted", mod, sets, ["h0", "c0", "n"], ["tokens", "h"],
           {"h0": {0: "batch"}, "c0": {0: "batch"}}, (11, 13, 14, 17), {})
    # float64 weights and inputs; weights kept as graph inputs too (keep_initializers_as_inputs).
    for kind in ("lstm", "gru", "rnn_tanh"):
        torch.manual_seed(22)
        mod = Wrap(rnn_of(kind, I, H, bidirectional=True)).double()
        sets = [(rnd(6, 3, I).double(),), (rnd(2, 5, I).double(),)]
        outs = ["Y", "Y_h", "Y_c"][: 3 if kind == "lstm" else 2]
        yield ("%s_float64" % kind, mod, sets, ["X"], outs, {"X": {0: "T", 1: "batch"}}, (9, 14, 17), {})
        mod = Wrap(rnn_of(kind, I, H, num_layers=2))
        sets = [(rnd(6, 3, I),), (rnd(2, 5, I),)]
        yield ("%s_inits_as_inputs" % kind, mod, sets, ["X"], outs, {"X": {0: "T", 1: "batch"}},
               (9, 14, 17), {"keep_inits": True})
    yield from audio_cases()


def export_one(mod, sets, in_names, out_names, dyn, opset, kw):
    mod.eval()
    f = io.BytesIO()
    extra = {}
    if kw.get("preserve"):
        extra["training"] = torch.onnx.TrainingMode.PRESERVE
    dyn = {k: v for k, v in dyn.items() if k in in_names or k in out_names}
    if kw.get("static"):
        dyn = None
    if kw.get("nofold"):
        extra["do_constant_folding"] = False
    if kw.get("keep_inits"):
        extra["keep_initializers_as_inputs"] = True
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(mod, sets[0], f, opset_version=opset, input_names=in_names,
                          output_names=out_names, dynamic_axes=dyn, **extra)
    return f.getvalue()


def worst(a, b):
    """(max abs error, max rel error, worst |a-b| / (atol + rtol |b|)) of a against b."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return None
    if a.size == 0:
        return (0.0, 0.0, 0.0)
    d = np.abs(a - b)
    return (float(d.max()), float((d / np.maximum(np.abs(b), 1e-30)).max()),
            float((d / (ATOL + RTOL * np.abs(b))).max()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/export_sweep")
    ap.add_argument("--run", default=os.path.join(ROOT, "build", "tools", "lstm-run"))
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    out = args.out
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(out)
    rows, jobs, todo, static = [], [], [], {}
    for name, mod, sets, in_names, out_names, dyn, opsets, kw in cases():
        if args.only and args.only not in name:
            continue
        mod.eval()
        with torch.no_grad():
            refs = [mod(*s) for s in sets]
        refs = [[r] if torch.is_tensor(r) else list(r) for r in refs]
        for opset in opsets:
            case = "%s_opset%d" % (name, opset)
            out_k = out_names[: len(refs[0])]
            try:
                model = export_one(mod, sets, in_names, out_k, dyn, opset, kw)
            except Exception as e:  # the exporter refuses: recorded
                msg = str(e).strip().splitlines()[0][:150] if str(e).strip() else type(e).__name__
                rows.append({"case": case, "export": "refused: " + msg})
                continue
            pairs = [([(n, t.numpy()) for n, t in zip(in_names, s)],
                      [(n, t.numpy()) for n, t in zip(out_k, r)]) for s, r in zip(sets, refs)]
            d = write_case(out, case, model, pairs[0][0], pairs[0][1], more_sets=pairs[1:])
            for si, (ins, _) in enumerate(pairs):
                feeds = []
                for n, a in ins:
                    fn = os.path.join(d, "test_data_set_%d" % si, "%s.npy" % n)
                    np.save(fn, a)
                    raw = fn[:-4] + ".bin"
                    a.tofile(raw)
                    feeds.append({"name": n, "dtype": str(a.dtype), "dims": list(a.shape), "file": raw})
                jobs.append({"model": os.path.join(d, "model.onnx"), "feeds": feeds,
                             "out_dir": os.path.join(d, "ort_%d" % si), "keep_going": True,
                             "typed": True})
            todo.append((case, d, pairs))
            static[case] = bool(kw.get("static"))
            rows.append({"case": case, "export": "ok"})
    with open(os.path.join(out, "jobs.json"), "w") as f:
        json.dump(jobs, f)
    r = subprocess.run(["node", os.path.join(HERE, "ort_run.js"), os.path.join(out, "jobs.json")],
                       capture_output=True, text=True)
    print(r.stdout.strip(), r.stderr.strip()[-500:])
    by = {row["case"]: row for row in rows}
    for case, d, pairs in todo:
        row = by[case]
        err = {"lstm_vs_torch": 0.0, "ort_vs_torch": 0.0, "lstm_vs_ort": 0.0}
        absrel = {k: (0.0, 0.0) for k in err}
        row["lstm"], row["ort"] = "ok", "ok"
        for si, (ins, outs) in enumerate(pairs):
            lstm_outs = []
            for threads in ("1", "2"):
                od = os.path.join(d, "lstm_%d_t%s" % (si, threads))
                cmd = [args.run, os.path.join(d, "model.onnx"), "--output-dir", od, "--threads", threads]
                for n, _ in ins:
                    cmd += ["--input", "%s=%s" % (n, os.path.join(d, "test_data_set_%d" % si, n + ".npy"))]
                p = subprocess.run(cmd, capture_output=True, text=True)
                msg = (p.stderr.strip().splitlines() or ["exit %d" % p.returncode])[-1][:200]
                if p.returncode != 0 and static.get(case) and si > 0:
                    row["static_refused"] = row.get("static_refused", 0) + 1
                    row["static_msg"] = msg
                elif p.returncode != 0:
                    row.setdefault("lstm_refused", set()).add(si)
                    if row["lstm"] == "ok":
                        row["lstm"] = "set %d: (threads %s) %s" % (si, threads, msg)
                else:
                    lstm_outs.append({n: np.load(os.path.join(od, n + ".npy")) for n, _ in outs})
            lstm_out = lstm_outs[0] if lstm_outs else None
            ort_out = None
            od2 = os.path.join(d, "ort_%d" % si)
            if os.path.exists(os.path.join(od2, "error.txt")):
                row.setdefault("ort_refused", set()).add(si)
                if row["ort"] == "ok":
                    row["ort"] = "set %d: %s" % (si, open(os.path.join(od2, "error.txt")).read().strip().splitlines()[0][:200])
            elif os.path.exists(os.path.join(od2, "outputs.json")):
                meta = json.load(open(os.path.join(od2, "outputs.json")))
                ort_out = {}
                for n, _ in outs:
                    m = meta[n]
                    dt = {"float32": np.float32, "int64": np.int64, "float64": np.float64}[m["type"]]
                    ort_out[n] = np.fromfile(os.path.join(od2, n + ".bin"), dtype=dt).reshape(m["dims"])
            else:  # neither outputs nor an error: onnxruntime's process died
                row.setdefault("ort_refused", set()).add(si)
                if row["ort"] == "ok":
                    row["ort"] = "set %d: no result (onnxruntime's process ended)" % si
            if static.get(case) and si > 0 and ort_out is None:
                lstm_outs = lstm_outs[1:]  # torch's numbers at another shape are not this model's
            for key, a_out, b_out in [("lstm_vs_torch", o, dict(outs)) for o in lstm_outs] + [
                                      ("ort_vs_torch", ort_out, dict(outs)),
                                      ("lstm_vs_ort", lstm_out, ort_out)]:
                if a_out is None or b_out is None:
                    continue
                for n, _ in outs:
                    w = worst(a_out[n], b_out[n])
                    if w is None:
                        w = (float("inf"),) * 3
                        row.setdefault("shape", []).append("%s set %d %s: %s vs %s" % (
                            key, si, n, list(np.shape(a_out[n])), list(np.shape(b_out[n]))))
                    if w[2] > err[key]:
                        err[key] = w[2]
                    absrel[key] = (max(absrel[key][0], w[0]), max(absrel[key][1], w[1]))
        for k in err:
            row[k] = err[k]
            row[k + "_abs"], row[k + "_rel"] = absrel[k]
    bad = 0
    with open(os.path.join(out, "summary.tsv"), "w") as f:
        cols = ["case", "export", "lstm", "ort", "lstm_vs_torch_abs", "lstm_vs_torch_rel",
                "ort_vs_torch_abs", "ort_vs_torch_rel", "lstm_vs_ort_abs", "lstm_vs_ort_rel"]
        f.write("\t".join(cols) + "\n")
        for row in rows:
            f.write("\t".join(str(row.get(c, "")) for c in cols) + "\n")
            verdict = "OK"
            if row["export"] != "ok":
                verdict = "EXPORT-REFUSED"
            elif (row["lstm"] != "ok" and not (row["lstm_refused"] - row.get("ort_refused", set()))
                  and row.get("lstm_vs_torch", 0) <= 1):
                verdict = "BOTH-REFUSE"  # onnxruntime refuses those data sets too: a limit of the export
            elif row["lstm"] != "ok" or row.get("lstm_vs_torch", 0) > 1:
                verdict = "FAIL"
                bad += 1
            elif (row["ort"] != "ok" and not row.get("static_refused")) or row.get("ort_vs_torch", 0) > 1:
                verdict = "ORT-DIFFERS"
            print("%-14s %-52s" % (verdict, row["case"]), end="")
            if row["export"] != "ok":
                print(" " + row["export"])
                continue
            print(" lstm/torch %.1e (abs %.1e) ort/torch %.1e lstm/ort %.1e" % (
                row["lstm_vs_torch"], row["lstm_vs_torch_abs"], row["ort_vs_torch"], row["lstm_vs_ort"]),
                "" if "static_refused" not in row else "| other shapes refused (%d): %s" % (
                    row["static_refused"], row["static_msg"]),
                "" if row["lstm"] == "ok" else "| lstm-run: " + row["lstm"],
                "" if row["ort"] == "ok" else "| ort: " + row["ort"],
                "" if "shape" not in row else "| " + "; ".join(row["shape"][:2]))
    n_exp = sum(1 for r in rows if r["export"] == "ok")
    print("%d exports tried, %d exported, %d refused by the exporter; lstm-run fails or differs "
          "from PyTorch in %d (rtol %g, atol %g; error figures are worst |d| / (atol + rtol |ref|))"
          % (len(rows), n_exp, len(rows) - n_exp, bad, RTOL, ATOL))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
