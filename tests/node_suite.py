#!/usr/bin/python3
"""The ONNX backend tests of libonnx-testdata (the node tests, and the pytorch-converted,
pytorch-operator and simple folders): a test case is in scope when all its nodes use operators of
the registry (runtime/ops/ops.def).
Each must pass `lstm-run --test`, or - only if it needs string, bfloat16, sequence or optional
types - be refused with an "unsupported type" message; STALE and ORT_READS name the cases whose
data neither onnxruntime nor this runtime meets. Prints every case and a summary.
Exits 77 (skipped) when NODE_DIR does not exist (libonnx-testdata not installed), 1 when it
holds no case in scope: the suite never passes without having run anything.
usage: node_suite.py LSTM_DUMP LSTM_RUN NODE_DIR"""
import concurrent.futures
import json
import os
import re
import subprocess
import sys

# Every ai.onnx operator of the registry (the one table: runtime/ops/ops.def).
OPS = set(re.findall(r'^X\("", "(\w+)"',
                     open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "runtime",
                                       "ops", "ops.def")).read(), re.M))
EXOTIC = ("string", "bfloat16", "sequence", "optional")
# bfloat16 cases whose ONNX 1.12 test data cannot be met; the reason is printed, they are not
# counted as passed.
STALE = {
    "test_cast_FLOAT_to_BFLOAT16": "the ONNX 1.12 data truncates float32 to bfloat16; the spec "
                                   "and onnxruntime round to nearest even (as this runtime does)",
    "test_castlike_BFLOAT16_to_FLOAT": "the data gives input 'like' shape [1], the model declares "
                                       "[3,4]",
    "test_castlike_FLOAT_to_BFLOAT16": "the data gives input 'like' shape [1], the model declares "
                                       "[3,4]",
    "test_castlike_BFLOAT16_to_FLOAT_expanded": "the data gives input 'like' shape [1], the model "
                                                "declares [3,4]",
    "test_castlike_FLOAT_to_BFLOAT16_expanded": "the data gives input 'like' shape [1], the model "
                                                "declares [3,4]",
}

# Cases whose ONNX 1.12 data onnxruntime does not meet either; this runtime computes what
# onnxruntime computes (the differential suite checks those readings against it). Not counted
# as passed.
ORT_READS = {
    "test_resize_downsample_scales_linear_align_corners": "align_corners with scale 0.6 on 4 "
        "elements: the data divides by the unrounded length 2.4 - 1, onnxruntime by the output "
        "size 2 - 1",
    "test_resize_downsample_scales_cubic_align_corners": "the same (scale 0.8 on 4 elements)",
    "test_maxunpool_export_with_output_shape": "the data reads the indices in the unpooled "
        "shape [4,4] and pads the result to output_shape [5,5]; onnxruntime (and PyTorch's "
        "max_unpool) read them as flat indices into output_shape, as MaxPool gives them",
}

# Random operators: the data holds NumPy's draws, which no other generator reproduces. Such a
# case counts as run (not passed) when lstm-run produced outputs of the expected types and shapes
# whose values differ; random_ops in tests/test_ops.c checks the distributions.
RANDOM = ("test_bernoulli",)

dump, run, root = sys.argv[1:4]
if not os.path.isdir(root):
    print("SKIP: %s does not exist (apt-get install libonnx-testdata, or -Dtestdata=DIR)" % root)
    sys.exit(77)


# The probe only reads the operators: dump_testdata runs lstm-dump on the same models with
# LeakSanitizer on, whose check at exit costs about 55 ms a process here.
PROBE_ENV = dict(os.environ, ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0")


def probe(name):
    """(exotic, lstm-run's result) for a case in scope, None for one out of it."""
    case = os.path.join(root, name)
    model = os.path.join(case, "model.onnx")
    if not os.path.isfile(model):
        return None
    r = subprocess.run([dump, "--json", model], capture_output=True, text=True, env=PROBE_ENV)
    doc = json.loads(r.stdout)
    ops = {n["op_type"] for n in doc.get("nodes", [])}
    if not ops or not ops <= OPS:
        return None
    types = {v.get("dtype") or v.get("kind") for v in doc.get("inputs", []) + doc.get("outputs", [])}
    kinds = {v.get("kind") for v in doc.get("inputs", []) + doc.get("outputs", [])}
    exotic = bool(types & set(EXOTIC) or kinds & {"sequence", "optional"} or "BFLOAT16" in name.upper()
                  or "STRING" in name.upper())
    return exotic, subprocess.run([run, "--test", case], capture_output=True, text=True)


passed = failed = refused = training = stale = random = 0
# Two cases at a time (a CI machine's cores); printed in name order.
with concurrent.futures.ThreadPoolExecutor(2) as pool:
    results = list(pool.map(lambda n: (n, probe(n)), sorted(os.listdir(root))))
for name, res in results:
    if res is None:
        continue
    exotic, r = res
    out = r.stdout + r.stderr
    if r.returncode == 0:
        passed += 1
        print("pass     %s" % name)
    elif exotic and "unsupported type" in out:
        refused += 1
        print("refused  %s: %s" % (name, [l.strip() for l in out.splitlines() if "unsupported" in l][0]))
    elif name in STALE and ("FAIL" in out or "invalid argument" in out):
        stale += 1
        print("refused  %s: stale bfloat16 test data: %s" % (name, STALE[name]))
    elif name in ORT_READS and "FAIL" in out:
        stale += 1
        print("differs  %s: as onnxruntime: %s" % (name, ORT_READS[name]))
    elif name.startswith(RANDOM) and "differ" in out and "shape" not in out and \
            "cannot" not in out:
        random += 1
        print("random   %s: other draws than NumPy's (types and shapes agree)" % name)
    elif name.startswith("test_training_dropout") and "inference only" in out:
        training += 1
        print("refused  %s: random dropout in training mode (inference-only runtime)" % name)
    elif name.startswith("test_batchnorm") and "training_mode=1 is not supported" in out:
        training += 1
        print("refused  %s: batch statistics in training mode (inference-only runtime)" % name)
    else:
        failed += 1
        print("FAIL     %s\n%s" % (name, "\n".join("         " + l for l in out.splitlines()[-6:])))
print("%d passed, %d failed (not run: %d string/bfloat16/sequence/optional types refused, %d stale "
      "bfloat16 data or onnxruntime's reading, %d training-mode Dropout / BatchNormalization, %d "
      "random draws)" % (passed, failed, refused, stale, training, random))
if passed + refused + stale + training + random == 0:
    print("FAIL: no test case in %s uses only the operators listed here" % root)
    sys.exit(1)
sys.exit(1 if failed else 0)
