#!/bin/sh
# The README's long-gap demo: run both commands shown there and check that every line the
# README quotes from them is what they print.
# usage: readme_demo.sh LSTM_RUN SOURCE_DIR
set -eu
run=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$2"
fail=0
for cell in rnn lstm; do
    out=$("$run" "models/recall/$cell/model.onnx" --inputs models/recall/inputs.npz | grep '^accuracy:')
    if grep -qxF "$out" README.md; then
        echo "ok   $cell: $out"
    else
        echo "FAIL $cell: prints '$out', which the README does not show"
        fail=$((fail + 1))
    fi
done
echo "$((2 - fail)) passed, $fail failed"
[ $fail -eq 0 ]
