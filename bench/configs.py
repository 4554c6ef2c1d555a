"""The benchmark configurations and the PyTorch modules they are exported from (same seed, so
every engine runs the same weights on the same input)."""
import torch

FIVE = [
    {"name": "lstm_256_b1_t100", "cell": "LSTM", "I": 256, "H": 256, "B": 1, "T": 100},
    {"name": "lstm_32x64_b1_t200", "cell": "LSTM", "I": 32, "H": 64, "B": 1, "T": 200},
    {"name": "lstm_512_b32_t50", "cell": "LSTM", "I": 512, "H": 512, "B": 32, "T": 50},
    {"name": "lstm2_bidi_128x256_b8_t100", "cell": "LSTM", "I": 128, "H": 256, "B": 8, "T": 100,
     "layers": 2, "bidi": True},
    {"name": "gru_256_b4_t100", "cell": "GRU", "I": 256, "H": 256, "B": 4, "T": 100},
]
BATCH_SWEEP = [{"name": "sweep_b%d" % b, "cell": "LSTM", "I": 256, "H": 256, "B": b, "T": 100}
               for b in (1, 2, 4, 8, 16, 32, 64)]
HIDDEN_SWEEP = [{"name": "sweep_h%d" % h, "cell": "LSTM", "I": h, "H": h, "B": 1, "T": 100}
                for h in (32, 64, 128, 256, 512, 1024)]


class Seq(torch.nn.Module):
    """Returns the recurrent layer's output sequence only."""

    def __init__(self, rnn):
        super().__init__()
        self.rnn = rnn

    def forward(self, x):
        return self.rnn(x)[0]


def build(cfg):
    torch.manual_seed(0)
    cls = {"LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU}[cfg["cell"]]
    rnn = cls(cfg["I"], cfg["H"], num_layers=cfg.get("layers", 1),
              bidirectional=cfg.get("bidi", False))
    x = torch.randn(cfg["T"], cfg["B"], cfg["I"])
    return Seq(rnn).eval(), x
