#!/bin/sh
# lstm-dump over every model of Debian's libonnx-testdata: each must exit 0, or 1 with a
# message on stderr; never crash or trip a sanitizer (exit 223 in the sanitizer build). Every
# --json output must parse, and the --dot output of every recurrent model and every model with
# subgraphs (If, Loop, Scan, SequenceMap: clusters) must render.
# usage: dump_testdata.sh LSTM_DUMP TESTDATA_DIR
set -u
if [ "${1:-}" = --one ]; then
    # One model (run by xargs below): prints "ok", "refused: MESSAGE" or "FAIL: ...".
    dump=$2 m=$3 json=$4
    "$dump" "$m" > "$json.out" 2> "$json.err"
    rc=$?
    "$dump" --json "$m" > "$json" 2> /dev/null
    jrc=$?
    if [ $rc -eq 0 ] && [ $jrc -eq 0 ]; then
        echo ok
    elif [ $rc -eq 1 ] && [ $jrc -eq 1 ] && [ -s "$json.err" ]; then
        echo "refused: $(cat "$json.err")"
    else
        echo "FAIL: $m: exit $rc (json $jrc): $(head -c 300 "$json.err")"
    fi
    rm -f "$json.out" "$json.err"
    exit 0
fi
dump=$1
data=$2
if [ ! -d "$data" ]; then
    echo "libonnx-testdata not found at $data (apt-get install libonnx-testdata)"
    exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Two processes at a time (a CI machine's cores): the models are independent.
total=0
for m in "$data"/*/*/model.onnx; do
    total=$((total + 1))
    printf '%s\0%s/%05d.json\0' "$m" "$tmp" $total
done > "$tmp/list"
xargs -0 -n 2 -P 2 sh "$0" --one "$dump" < "$tmp/list" > "$tmp/results"
ok=$(grep -c '^ok$' "$tmp/results")
refused=$(grep -c '^refused: ' "$tmp/results")
bad=$(grep -c '^FAIL: ' "$tmp/results")
grep -v '^ok$' "$tmp/results"
[ $((ok + refused + bad)) -eq $total ] || { echo "FAIL: $total models, $((ok + refused + bad)) results"; bad=$((bad + 1)); }
python3 - "$tmp" <<'PY' || bad=$((bad + 1))
import json, sys, glob
files = sorted(glob.glob(sys.argv[1] + "/*.json"))
for f in files:
    with open(f) as fh:
        try:
            doc = json.load(fh)
        except Exception as e:
            sys.exit("invalid JSON for model %s: %s" % (f, e))
    assert doc["schema"] == "lstm-dump/1", f
print("%d JSON documents parse" % len(files))
PY
if command -v dot > /dev/null; then
    for m in "$data"/node/test_lstm_*/model.onnx "$data"/node/test_gru_*/model.onnx \
             "$data"/node/test_*rnn_*/model.onnx "$data"/pytorch-converted/*/model.onnx \
             "$data"/node/test_if*/model.onnx "$data"/node/test_loop*/model.onnx \
             "$data"/node/test_scan*/model.onnx "$data"/node/test_sequence_map*/model.onnx; do
        [ -f "$m" ] || continue
        if ! "$dump" --dot "$m" | dot -Tsvg > /dev/null 2> "$tmp/dot.err"; then
            bad=$((bad + 1))
            echo "FAIL: dot cannot render the graph of $m: $(head -c 300 "$tmp/dot.err")"
        fi
    done
else
    echo "FAIL: graphviz 'dot' is not installed (apt-get install graphviz)"
    bad=$((bad + 1))
fi
echo "$total models: $ok valid, $refused refused with a message, $bad failures"
[ $total -gt 900 ] && [ $bad -eq 0 ]
