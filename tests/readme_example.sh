#!/bin/sh
# The README's C example, exactly as written there: extract the first ```c block, install the
# library into a scratch prefix (meson install --destdir), compile the example against it
# through pkg-config, run it from the repository root, and check its answer. Then the installed
# copy as other programs use it: lstm.h alone as C99, C11 and C++ (warnings as errors), the shared
# library's exports against lstm.h, and the static library linked into a program that defines
# protobuf-c's ONNX names itself.
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
"class 2:"*) ;;
*) echo "FAIL: expected class 2 to win, got '$best'"; exit 1 ;;
esac
inc=$(PKG_CONFIG_PATH="$pc" pkg-config --define-variable=prefix="$root" --variable=includedir lstm)
printf '#include <lstm.h>\nint main(void) { lstm_options o; lstm_options_init(&o); return o.size == 0; }\n' \
    > "$tmp/header.c"
for std in c99 c11; do
    ${CC:-cc} -std=$std -Wall -Wextra -pedantic -Werror -I"$inc" -c "$tmp/header.c" -o "$tmp/h.o" ||
        { echo "FAIL: lstm.h as $std"; exit 1; }
done
cxx=${CXX:-c++} # may hold flags or a wrapper ("ccache g++")
skip=""
if [ -n "${LSTM_EXE_WRAPPER:-}" ]; then
    echo "lstm.h as C++: not checked in a cross build"
elif command -v "${cxx%% *}" > /dev/null; then
    # shellcheck disable=SC2086
    $cxx -std=c++11 -Wall -Wextra -pedantic -Werror -I"$inc" -x c++ -c "$tmp/header.c" \
        -o "$tmp/h.o" || { echo "FAIL: lstm.h as C++"; exit 1; }
else
    skip="no C++ compiler ($cxx; apt-get install g++) to compile lstm.h as C++"
fi
# The shared library exports exactly the functions lstm.h declares, each at version LSTM_1.
so=$(find "$libdir" -name 'liblstm.so.*.*.*' | head -n 1)
if [ -z "$so" ]; then
    echo "liblstm.so: not built (default_library=static), exports not checked"
elif ! command -v readelf > /dev/null; then
    skip="no readelf (binutils) to read the exports of liblstm.so"
else
    sed -n 's/^LSTM_API [^(]*[ *]\(lstm_[a-z0-9_]*\)(.*/\1@@LSTM_1/p' "$inc/lstm.h" | sort > "$tmp/declared"
    readelf --dyn-syms -W "$so" | awk '$7 != "UND" && $5 == "GLOBAL" && $8 != "LSTM_1" {print $8}' |
        sort > "$tmp/exported"
    [ -s "$tmp/declared" ] && diff "$tmp/declared" "$tmp/exported" > "$tmp/abi" ||
        { echo "FAIL: liblstm.so's exports (>) are not lstm.h's functions at LSTM_1 (<):"
          cat "$tmp/abi"; exit 1; }
    echo "liblstm.so exports the $(wc -l < "$tmp/declared") functions of lstm.h at LSTM_1"
fi
# A program with protobuf-c code of its own for the ONNX schema defines the generated names.
cat > "$tmp/clash.c" <<'C'
#include <lstm.h>
void onnx__model_proto__init(void *m);
void onnx__model_proto__init(void *m) { (void)m; }
int main(void)
{
    lstm_model *m = NULL; /* the importer's objects are linked in */
    int rc = lstm_model_open("/nonexistent/model.onnx", NULL, &m);
    lstm_model_close(m);
    return rc != LSTM_EIO;
}
C
if [ -n "${LSTM_EXE_WRAPPER:-}" ]; then
    echo "liblstm.a: not linked in a cross build (the names are the same on every architecture)"
elif [ -f "$libdir/liblstm.a" ]; then
    static=$(PKG_CONFIG_PATH="$pc" pkg-config --define-variable=prefix="$root" --static --libs-only-other \
        --libs-only-l lstm | sed 's/-llstm//')
    # shellcheck disable=SC2086
    ${CC:-cc} -std=c11 -Wall -Wextra -Werror $san -I"$inc" "$tmp/clash.c" "$libdir/liblstm.a" \
        $static -o "$tmp/clash" || { echo "FAIL: liblstm.a clashes with a program's onnx__ names"; exit 1; }
    "$tmp/clash" || { echo "FAIL: the static program: opening a missing file did not give LSTM_EIO"; exit 1; }
else
    echo "liblstm.a: not built (default_library=shared), not checked"
fi
echo "1 passed, 0 failed"
[ -z "$skip" ] || { echo "SKIP: $skip"; exit 77; }
