#!/usr/bin/python3
"""Small real models for this toolkit, trained briefly with PyTorch (Debian's python3-torch)
and exported to ONNX with dynamic batch and time, each in the ONNX test-case layout: model.onnx
plus test_data_set_N with inputs and PyTorch's outputs at several batch sizes and lengths.

    /usr/bin/python3 models/make_models.py        (only needed to regenerate them)

  char_lstm        character-level LSTM language model: embedding -> LSTM -> linear ->
                   log-softmax; input `tokens` int64 [T, B]; outputs log_probs [T, B, V],
                   h_n, c_n
  bigru_tagger     bidirectional GRU tagger (batch-first): tokens int64 [B, T] -> per-token
                   logits [B, T, 3] (vowel / consonant / other)
  lstm_classifier  2-layer LSTM classifier (batch-first): features float32 [B, T, 8] ->
                   class probabilities [B, 4] (which feature has the largest sum)
"""
import io
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "gen"))
from onnx_case import write_case  # noqa: E402

TEXT = ("the cell state runs straight down the entire chain, with only some minor linear "
        "interactions. it is very easy for information to just flow along it unchanged. "
        "the lstm does have the ability to remove or add information to the cell state, "
        "carefully regulated by structures called gates. gates are a way to optionally let "
        "information through. they are composed out of a sigmoid neural net layer and a "
        "pointwise multiplication operation. ")
VOCAB = sorted(set(TEXT))


class CharLSTM(torch.nn.Module):
    def __init__(self, v, e=16, h=64):
        super().__init__()
        self.emb = torch.nn.Embedding(v, e)
        self.lstm = torch.nn.LSTM(e, h)
        self.out = torch.nn.Linear(h, v)

    def forward(self, tokens):
        y, (h, c) = self.lstm(self.emb(tokens))
        return torch.log_softmax(self.out(y), dim=-1), h, c


class BiGRUTagger(torch.nn.Module):
    def __init__(self, v, e=16, h=32, tags=3):
        super().__init__()
        self.emb = torch.nn.Embedding(v, e)
        self.gru = torch.nn.GRU(e, h, batch_first=True, bidirectional=True)
        self.out = torch.nn.Linear(2 * h, tags)

    def forward(self, tokens):
        y, _ = self.gru(self.emb(tokens))
        return self.out(y)


class LSTMClassifier(torch.nn.Module):
    def __init__(self, f=8, h=32, classes=4):
        super().__init__()
        self.lstm = torch.nn.LSTM(f, h, num_layers=2, batch_first=True)
        self.out = torch.nn.Linear(h, classes)

    def forward(self, x):
        y, _ = self.lstm(x)
        return torch.softmax(self.out(y[:, -1, :]), dim=-1)


def train(model, batches, loss_fn, steps, lr=0.01):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for step in range(steps):
        x, y = batches(step)
        opt.zero_grad()
        loss = loss_fn(model, x, y)
        loss.backward()
        opt.step()
    return float(loss)


def export(name, model, example, in_name, out_names, dynamic, test_inputs, note):
    model.eval()
    f = io.BytesIO()
    torch.onnx.export(model, (example,), f, opset_version=14, input_names=[in_name],
                      output_names=out_names, dynamic_axes=dynamic)
    sets = []
    with torch.no_grad():
        for x in test_inputs:
            outs = model(x)
            outs = outs if isinstance(outs, tuple) else (outs,)
            sets.append(([(in_name, x.numpy())], [(n, o.numpy()) for n, o in zip(out_names, outs)]))
    params = sum(p.numel() for p in model.parameters())
    write_case(HERE, name, f.getvalue(), sets[0][0], sets[0][1],
               {"params.txt": "%d\n" % params, "README.md": note}, more_sets=sets[1:])
    print("wrote models/%s (%d parameters, %d test sets)" % (name, params, len(sets)))


def main():
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    ids = torch.tensor([VOCAB.index(ch) for ch in TEXT])

    # Character LM: predict the next character.
    lm = CharLSTM(len(VOCAB))

    def lm_batch(step):
        starts = rng.integers(0, len(ids) - 33, size=16)
        x = torch.stack([ids[s:s + 32] for s in starts], 1)
        y = torch.stack([ids[s + 1:s + 33] for s in starts], 1)
        return x, y
    loss = train(lm, lm_batch, lambda m, x, y: torch.nn.functional.nll_loss(
        m(x)[0].reshape(-1, len(VOCAB)), y.reshape(-1)), 300)
    seqs = [ids[:24].reshape(24, 1), torch.stack([ids[0:40], ids[50:90], ids[120:160]], 1),
            ids[200:207].reshape(7, 1)]
    export("char_lstm", lm, seqs[0], "tokens", ["log_probs", "h_n", "c_n"],
           {"tokens": {0: "T", 1: "batch"}, "log_probs": {0: "T", 1: "batch"},
            "h_n": {1: "batch"}, "c_n": {1: "batch"}}, seqs,
           "Character-level LSTM language model (vocabulary of %d: %s). Trained 300 steps, "
           "final NLL %.3f.\n" % (len(VOCAB), "".join(VOCAB), loss))

    # Tagger: vowel / consonant / other per character.
    def tag(i):
        ch = VOCAB[i]
        return 0 if ch in "aeiou" else 1 if ch.isalpha() else 2
    tags = torch.tensor([tag(int(i)) for i in ids])
    tagger = BiGRUTagger(len(VOCAB))

    def tag_batch(step):
        starts = rng.integers(0, len(ids) - 21, size=16)
        return (torch.stack([ids[s:s + 20] for s in starts]),
                torch.stack([tags[s:s + 20] for s in starts]))
    loss = train(tagger, tag_batch, lambda m, x, y: torch.nn.functional.cross_entropy(
        m(x).reshape(-1, 3), y.reshape(-1)), 200)
    tin = [torch.stack([ids[0:12], ids[30:42]]), ids[100:133].reshape(1, 33),
           torch.stack([ids[i:i + 5] for i in range(0, 70, 10)])]
    export("bigru_tagger", tagger, tin[0], "tokens", ["tag_logits"],
           {"tokens": {0: "batch", 1: "T"}, "tag_logits": {0: "batch", 1: "T"}}, tin,
           "Bidirectional GRU tagger: vowel / consonant / other for each character. Trained "
           "200 steps, final cross-entropy %.3f.\n" % loss)

    # Classifier: which of 8 features has the largest sum over time (classes = first 4).
    clf = LSTMClassifier()

    def clf_batch(step):
        x = torch.randn(32, 12, 8)
        return x, x[:, :, :4].sum(1).argmax(1)
    loss = train(clf, clf_batch, lambda m, x, y: torch.nn.functional.nll_loss(
        torch.log(m(x) + 1e-9), y), 400)
    cin = [torch.randn(4, 12, 8), torch.randn(1, 30, 8), torch.randn(9, 3, 8)]
    export("lstm_classifier", clf, cin[0], "features", ["probs"],
           {"features": {0: "batch", 1: "T"}, "probs": {0: "batch"}}, cin,
           "2-layer LSTM classifier: which of the first 4 features has the largest sum. "
           "Trained 400 steps, final NLL %.3f.\n" % loss)


if __name__ == "__main__":
    main()
