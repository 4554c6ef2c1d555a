#!/bin/sh
# The README's C example, exactly as written there: extract the first ```c block, install the
# library into a scratch prefix (meson install --destdir), compile the example against it
# through pkg-config, run it from the repository root, and check its answer.
# usage: readme_example.sh BUILD_DIR SOURCE_DIR [SANITIZERS]  (the build's b_sanitize)
# A cross build sets CC (the cross compiler) and LSTM_EXE_WRAPPER (qemu-user) in the environment.
set -eu
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
san=""
[ "${3:-none}" = none ] || san="-fsanitize=$3"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk '/^```c$/ {on = 1; next} /^```$/ {if (on) exit} on {print}' "$src/README.md" > "$tmp/example.c"
[ -s "$tmp/example.c" ] || { echo "FAIL: no \`\`\`c block in README.md"; exit 1; }
meson install -C "$build" --destdir "$tmp/root" --no-rebuild --quiet > "$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log"; exit 1; }
prefix=$(meson introspect "$build" --buildoptions | python3 -c \
    'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"][0])')
root="$tmp/root$prefix"
pc=$(dirname "$(find "$root" -name lstm.pc | head -n 1)")
flags=$(PKG_CONFIG_PATH="$pc" pkg-config --define-variable=prefix="$root" --cflags --libs lstm)
# shellcheck disable=SC2086
${CC:-cc} -std=c11 -Wall -Wextra -Werror $san "$tmp/example.c" $flags -o "$tmp/example"
libdir=$(PKG_CONFIG_PATH="$pc" pkg-config --define-variable=prefix="$root" --variable=libdir lstm)
cd "$src"
LD_LIBRARY_PATH="$libdir" ${LSTM_EXE_WRAPPER:-} "$tmp/example" | tee "$tmp/out"
# The classifier must pick class 2 (the feature that dominates the sequence).
best=$(sort -t: -k2 -n -r "$tmp/out" | head -n 1)
case "$best" in
"class 2:"*) echo "1 passed, 0 failed" ;;
*) echo "FAIL: expected class 2 to win, got '$best'"; exit 1 ;;
esac
