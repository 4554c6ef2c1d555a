#!/usr/bin/python3
"""The long-gap recall demo ("I grew up in France ... I speak fluent French"): a sequence starts
with a country, then a long run of distractor words, then "speak"; the model must answer the
language. An RNN and an LSTM of the same size are trained the same way (PyTorch) and exported
with a bundled input set. Each model takes tokens [batch, T] and the one-hot answers, and
returns the answer probabilities and the accuracy, so `lstm-run` scores it directly.

    /usr/bin/python3 models/make_recall_demo.py     (writes models/recall/; about a minute)
"""
import io
import os
import sys
import zipfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "recall")
sys.path.insert(0, os.path.join(HERE, "..", "tests", "gen"))
from onnx_case import write_case  # noqa: E402

COUNTRIES = ["france", "spain", "italy", "germany"]
LANGUAGES = ["french", "spanish", "italian", "german"]
DISTRACTORS = ["i", "grew", "up", "in", "and", "then", "moved", "away", "worked", "there",
               "years", "later", "we", "often", "travel", "home"]
VOCAB = COUNTRIES + DISTRACTORS + ["speak"]
GAP, HIDDEN, EMB = int(os.environ.get('RECALL_GAP', 80)), 24, 12


def batch(rng, n, gap=GAP):
    fact = rng.integers(0, 4, n)
    filler = rng.integers(len(COUNTRIES), len(COUNTRIES) + len(DISTRACTORS), (n, gap))
    tokens = np.concatenate([fact[:, None], filler, np.full((n, 1), VOCAB.index("speak"))], 1)
    onehot = np.eye(4, dtype=np.float32)[fact]
    return torch.tensor(tokens), torch.tensor(onehot), torch.tensor(fact)


class Recall(torch.nn.Module):
    def __init__(self, cell):
        super().__init__()
        self.emb = torch.nn.Embedding(len(VOCAB), EMB)
        self.rnn = (torch.nn.LSTM if cell == "lstm" else torch.nn.RNN)(EMB, HIDDEN, batch_first=True)
        self.out = torch.nn.Linear(HIDDEN, 4)
        if cell == "lstm":  # the usual forget-gate bias of 1 (PyTorch order i, f, g, o)
            with torch.no_grad():
                self.rnn.bias_ih_l0[HIDDEN:2 * HIDDEN].fill_(1.0)
                self.rnn.bias_hh_l0[HIDDEN:2 * HIDDEN].fill_(0.0)

    def logits(self, tokens):
        y, _ = self.rnn(self.emb(tokens))
        return self.out(y[:, -1, :])

    def forward(self, tokens, answers):
        probs = torch.softmax(self.logits(tokens), dim=-1)
        p_true = (probs * answers).sum(-1)
        correct = (p_true >= probs.max(-1).values).float()
        return probs, correct.mean()


def train(cell, seed=0, steps=int(os.environ.get('RECALL_STEPS', 1500))):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = Recall(cell)
    opt = torch.optim.Adam(model.parameters(), lr=0.005)
    for step in range(steps):
        # The same curriculum for both cells: the gap grows to its full length over the first
        # half of training.
        gap = min(GAP, 5 + step * GAP // (steps // 2))
        tokens, _, fact = batch(rng, 64, gap)
        loss = torch.nn.functional.cross_entropy(model.logits(tokens), fact)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
    return model.eval()


def main():
    global OUT
    OUT = os.environ.get("RECALL_OUT", OUT)
    os.makedirs(OUT, exist_ok=True)
    tokens, answers, _ = batch(np.random.default_rng(2026), 200)
    results = {}
    for cell in ("rnn", "lstm"):
        model = train(cell)
        f = io.BytesIO()
        torch.onnx.export(model, (tokens, answers), f, opset_version=14,
                          input_names=["tokens", "answers"], output_names=["probs", "accuracy"],
                          dynamic_axes={"tokens": {0: "batch", 1: "T"}, "answers": {0: "batch"},
                                        "probs": {0: "batch"}})
        with torch.no_grad():
            probs, acc = model(tokens, answers)
        results[cell] = float(acc)
        write_case(OUT, cell, f.getvalue(), [("tokens", tokens.numpy()), ("answers", answers.numpy())],
                   [("probs", probs.numpy()), ("accuracy", acc.numpy())])
        print("%s: accuracy %.3f on the bundled 200 sequences (gap %d)" % (cell, acc, GAP))
    # The bundled inputs for lstm-run --inputs (np.savez layout: stored members).
    buf = io.BytesIO()
    np.savez(buf, tokens=tokens.numpy(), answers=answers.numpy())
    with open(os.path.join(OUT, "inputs.npz"), "wb") as fh:
        fh.write(buf.getvalue())
    # One sequence to trace: the first of the bundle.
    np.save(os.path.join(OUT, "example_tokens.npy"), tokens.numpy()[:1])
    np.save(os.path.join(OUT, "example_answers.npy"), answers.numpy()[:1])
    with open(os.path.join(OUT, "README.md"), "w") as fh:
        fh.write("Long-gap recall: tokens are %s; a sequence is a country, %d distractors, then "
                 "'speak'. Trained accuracy on the bundled 200 sequences: RNN %.3f, LSTM %.3f.\n"
                 % (", ".join("%d=%s" % (i, w) for i, w in enumerate(VOCAB)), GAP,
                    results["rnn"], results["lstm"]))


if __name__ == "__main__":
    main()
