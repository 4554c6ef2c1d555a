#!/bin/sh
# The README's long-gap demo: run both commands shown there and check that each prints the
# accuracy line the README shows under that same command (so swapping the RNN's and the
# LSTM's numbers in the README, or the models, fails).
# usage: readme_demo.sh LSTM_RUN SOURCE_DIR
set -eu
run=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$2"
fail=0
for cell in rnn lstm; do
    cmd="\$ build/tools/lstm-run models/recall/$cell/model.onnx --inputs models/recall/inputs.npz"
    # The README's accuracy line under the command (before the next command or the block's end).
    want=$(awk -v c="$cmd" 'f && (/^\$ / || /^```/) {exit} f && /^accuracy:/ {print; exit}
                           $0 == c {f = 1}' README.md)
    got=$("$run" "models/recall/$cell/model.onnx" --inputs models/recall/inputs.npz | grep '^accuracy:')
    if [ -z "$want" ]; then
        echo "FAIL $cell: README.md does not show the command '$cmd'"
        fail=$((fail + 1))
    elif [ "$got" = "$want" ]; then
        echo "ok   $cell: $got"
    else
        echo "FAIL $cell: prints '$got', the README shows '$want' under its command"
        fail=$((fail + 1))
    fi
done
echo "$((2 - fail)) passed, $fail failed"
[ $fail -eq 0 ]
