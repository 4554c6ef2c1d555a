#!/usr/bin/python3
"""lstm-dump on the PyTorch exports in tests/data/pytorch: the parameter total equals PyTorch's
sum(p.numel()) (params.txt, written by tests/gen/make_pytorch_cases.py), and recurrent nodes show
hidden size and direction.  usage: dump_pytorch.py LSTM_DUMP DATA_DIR"""
import json
import os
import subprocess
import sys

dump, root = sys.argv[1], sys.argv[2]
cases = sorted(d for d in os.listdir(root) if os.path.isfile(os.path.join(root, d, "params.txt")))
assert cases, "no cases under " + root
failures = 0
for c in cases:
    model = os.path.join(root, c, "model.onnx")
    want = int(open(os.path.join(root, c, "params.txt")).read())
    doc = json.loads(subprocess.run([dump, "--json", model], check=True,
                                    capture_output=True).stdout)
    got = doc["totals"]["parameters"]
    rec = [n["recurrent"] for n in doc["nodes"] if n["op_type"] in ("LSTM", "GRU", "RNN")]
    ok = got == want and rec and all(r and r["hidden_size"] == 7 for r in rec)
    if "bidi" in c:
        ok = ok and all(r["direction"] == "bidirectional" and r["num_directions"] == 2 for r in rec)
    text = subprocess.run([dump, model], check=True, capture_output=True, text=True).stdout
    ok = ok and "hidden_size=7" in text and "parameters: %d " % want in text
    print("%-24s params %d (PyTorch %d), %d recurrent node(s): %s" % (c, got, want, len(rec),
          "ok" if ok else "FAIL"))
    failures += not ok
print("%d passed, %d failed" % (len(cases) - failures, failures))
sys.exit(1 if failures else 0)
