"""An independent float64 NumPy implementation of ONNX LSTM / GRU / RNN (the equations of
../shared/docs/rnn-semantics.md section 1.7-1.8 and the decisions of the README): the oracle that
cross-checks the onnxruntime references and covers what onnxruntime refuses (layout=1, spec
defaults of alpha/beta, float16)."""
import numpy as np

DEFAULTS = {  # name: (alpha, beta) defaults of the matching ONNX operators
    "affine": (1.0, 0.0), "leakyrelu": (0.01, None), "thresholdedrelu": (1.0, None),
    "scaledtanh": (1.0, 1.0), "hardsigmoid": (0.2, 0.5), "elu": (1.0, None),
}
TAKES_ALPHA = {"affine", "leakyrelu", "thresholdedrelu", "scaledtanh", "hardsigmoid", "elu"}
TAKES_BETA = {"affine", "scaledtanh", "hardsigmoid"}


def act(name, a, b):
    n = name.lower()
    f = {
        "relu": lambda x: np.maximum(x, 0),
        "tanh": np.tanh,
        "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
        "affine": lambda x: a * x + b,
        "leakyrelu": lambda x: np.where(x < 0, a * x, x),
        "thresholdedrelu": lambda x: np.where(x > a, x, 0.0),
        "scaledtanh": lambda x: a * np.tanh(b * x),
        "hardsigmoid": lambda x: np.clip(a * x + b, 0, 1),
        "elu": lambda x: np.where(x < 0, a * (np.exp(np.minimum(x, 0)) - 1), x),
        "softsign": lambda x: x / (1 + np.abs(x)),
        "softplus": lambda x: np.logaddexp(0, x),
    }[n]
    return f


def resolve_acts(names, alphas, betas):
    """Consume alpha/beta in order, only by the functions that take them."""
    alphas, betas = list(alphas or []), list(betas or [])
    out = []
    for nm in names:
        n = nm.lower()
        a, b = DEFAULTS.get(n, (None, None))
        if n in TAKES_ALPHA and alphas:
            a = alphas.pop(0)
        if n in TAKES_BETA and betas:
            b = betas.pop(0)
        # ONNX attributes (and their defaults) are float32 values.
        a = None if a is None else float(np.float32(a))
        b = None if b is None else float(np.float32(b))
        out.append(act(nm, a, b))
    assert not alphas and not betas, "alpha/beta values left over"
    return out


def run(op, X, W, R, B=None, seq=None, h0=None, c0=None, P=None, direction="forward",
        layout=0, hidden_size=None, clip=None, input_forget=0, linear_before_reset=0,
        activations=None, alpha=None, beta=None):
    """Returns (Y, Y_h, Y_c) in float64 (Y_c None except for LSTM)."""
    X = np.asarray(X, np.float64)
    if layout:
        X = X.transpose(1, 0, 2)
        h0 = None if h0 is None else np.asarray(h0).transpose(1, 0, 2)
        c0 = None if c0 is None else np.asarray(c0).transpose(1, 0, 2)
    T, Bn, _ = X.shape
    D = 2 if direction == "bidirectional" else 1
    G = {"LSTM": 4, "GRU": 3, "RNN": 1}[op]
    H = hidden_size or R.shape[2]
    per = {"LSTM": 3, "GRU": 2, "RNN": 1}[op]
    if activations is None:
        activations = {"LSTM": ["Sigmoid", "Tanh", "Tanh"], "GRU": ["Sigmoid", "Tanh"],
                       "RNN": ["Tanh"]}[op] * D
    if op == "RNN" and D == 1 and len(activations) == 2:
        activations = activations[:1]
    fs = resolve_acts(activations, alpha, beta)
    seq = np.full(Bn, T, np.int64) if seq is None else np.asarray(seq, np.int64)
    cl = (lambda x: np.clip(x, -clip, clip)) if clip else (lambda x: x)
    Y = np.zeros((T, D, Bn, H))
    Yh = np.zeros((D, Bn, H))
    Yc = np.zeros((D, Bn, H))
    for d in range(D):
        f = fs[d * per:(d + 1) * per]
        Wd, Rd = np.asarray(W[d], np.float64), np.asarray(R[d], np.float64)
        Bd = np.zeros(2 * G * H) if B is None else np.asarray(B[d], np.float64)
        Wb, Rb = Bd[:G * H], Bd[G * H:]
        Pd = np.zeros(3 * H) if P is None else np.asarray(P[d], np.float64)
        rev = direction == "reverse" or d == 1
        for b in range(Bn):
            h = np.zeros(H) if h0 is None else np.asarray(h0[d, b], np.float64)
            c = np.zeros(H) if c0 is None else np.asarray(c0[d, b], np.float64)
            L = int(seq[b])
            for s in range(L):
                t = L - 1 - s if rev else s
                x = X[t, b]
                if op == "LSTM":
                    g = Wd @ x + Wb + Rd @ h + Rb
                    gi, go, gf, gc = g[:H], g[H:2 * H], g[2 * H:3 * H], g[3 * H:]
                    i = f[0](cl(gi + Pd[:H] * c))
                    fg = 1 - i if input_forget else f[0](cl(gf + Pd[2 * H:] * c))
                    ct = f[1](cl(gc))
                    c = fg * c + i * ct
                    o = f[0](cl(go + Pd[H:2 * H] * c))
                    h = o * f[2](c)
                elif op == "GRU":
                    xw = Wd @ x
                    z = f[0](cl(xw[:H] + Rd[:H] @ h + Wb[:H] + Rb[:H]))
                    r = f[0](cl(xw[H:2 * H] + Rd[H:2 * H] @ h + Wb[H:2 * H] + Rb[H:2 * H]))
                    if linear_before_reset:
                        hh = f[1](cl(xw[2 * H:] + r * (Rd[2 * H:] @ h + Rb[2 * H:]) + Wb[2 * H:]))
                    else:
                        hh = f[1](cl(xw[2 * H:] + Rd[2 * H:] @ (r * h) + Rb[2 * H:] + Wb[2 * H:]))
                    h = (1 - z) * hh + z * h
                else:
                    h = f[0](cl(Wd @ x + Wb + Rd @ h + Rb))
                Y[t, d, b] = h
            if L > 0:
                Yh[d, b], Yc[d, b] = h, c
    if layout:
        Y, Yh, Yc = Y.transpose(2, 0, 1, 3), Yh.transpose(1, 0, 2), Yc.transpose(1, 0, 2)
    return Y, Yh, (Yc if op == "LSTM" else None)
