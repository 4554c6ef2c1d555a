#!/bin/sh
# Build the libFuzzer harnesses (clang, ASan + UBSan) and run each for SECONDS (default 60).
# Corpora start from the models in tests/ and models/ and grow in fuzz/corpus-*/ (not committed);
# crashes land in fuzz/findings/. Longer runs: fuzz/run.sh 3600
# usage: fuzz/run.sh [SECONDS] [JOBS]
set -eu
cd "$(dirname "$0")/.."
secs=${1:-60}
jobs=${2:-1}
if [ ! -f build-fuzz/build.ninja ]; then
    CC=clang meson setup build-fuzz -Dfuzz=true -Dtests=false -Db_lundef=false \
        -Db_sanitize=address,undefined -Dbuildtype=debugoptimized > /dev/null
fi
ninja -C build-fuzz > /dev/null
mkdir -p fuzz/corpus-load fuzz/corpus-run fuzz/corpus-ops fuzz/corpus-npz fuzz/findings
i=0
# control flow (If, Loop, Scan, sequences, optionals) from libonnx-testdata as well
td=/usr/share/libonnx-testdata/data/node
for m in tests/data/*/*/model.onnx models/*/model.onnx $td/test_if*/model.onnx \
         $td/test_loop*/model.onnx $td/test_scan*/model.onnx $td/test_sequence_*/model.onnx \
         $td/test_optional_*/model.onnx $td/test_range_*_expanded/model.onnx fuzz/models/*.onnx; do
    [ -f "$m" ] || continue
    i=$((i + 1))
    [ -f "fuzz/corpus-load/seed$i" ] || cp "$m" "fuzz/corpus-load/seed$i"
done
# one seed per fuzz_run / fuzz_ops model (the first byte picks it: fuzz/fuzz_run.c's paths, the
# FUZZ_OPS list for fuzz_ops)
for f in run ops; do
    if [ $f = ops ]; then
        nmodels=$(sed -n '/^#ifdef FUZZ_OPS/,/^#else/p' fuzz/fuzz_run.c | grep -c '^    "[^"]*\.onnx",$')
    else
        nmodels=$(sed '/^#ifdef FUZZ_OPS/,/^#else/d' fuzz/fuzz_run.c | grep -c '^    "[^"]*\.onnx",$')
    fi
    for k in $(seq 0 $((nmodels - 1))); do
        [ -f "fuzz/corpus-$f/seed$k" ] || printf "\\$(printf '%03o' $k)\\001\\002\\003\\004\\005\\006\\007" > "fuzz/corpus-$f/seed$k"
        # the same on the two-thread sessions, with a batch of 17 where the batch is free
        [ -f "fuzz/corpus-$f/seed2t$k" ] || printf "\\$(printf '%03o' $k)\\003\\217\\217\\217\\005\\006\\007" > "fuzz/corpus-$f/seed2t$k"
    done
done
# the committed findings and the minimized run corpus (tests/data/fuzz/) seed the corpora too
# (fuzz_npz: .npy, .npz and DEFLATE streams NumPy and zlib made, tests/data/fuzz/npz)
for f in load run ops npz; do
    cp -n tests/data/fuzz/$f/* fuzz/corpus-$f/ 2> /dev/null || true
done
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export OPENBLAS_NUM_THREADS=1
status=0
for f in load run ops npz; do
    echo "== fuzz_$f for $secs s"
    par=""
    [ "$jobs" -gt 1 ] && par="-jobs=$jobs -workers=$jobs"
    # from fuzz/findings: with -jobs, libFuzzer writes its fuzz-N.log files in the current folder
    # shellcheck disable=SC2086
    (cd fuzz/findings && "../../build-fuzz/fuzz/fuzz_$f" "../corpus-$f" -max_total_time="$secs" \
        -max_len=65536 -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=60 $par -artifact_prefix=./ \
        -print_final_stats=1 > "fuzz_$f.log" 2>&1) || status=1
    grep -E '^stat::number_of_executed_units|^stat::peak_rss|Done|ERROR|SUMMARY' "fuzz/findings/fuzz_$f.log" | head -n 5 || true
    echo "corpus: $(ls "fuzz/corpus-$f" | wc -l) files, $(du -sk "fuzz/corpus-$f" | cut -f1) KiB"
done
[ $status -eq 0 ] || { echo "FAIL: a fuzzer found a problem (fuzz/findings/)"; grep -h -A 12 -E 'ERROR|runtime error' fuzz/findings/fuzz_*.log | head -n 60; }
exit $status
