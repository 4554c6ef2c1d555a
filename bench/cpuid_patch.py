#!/usr/bin/python3
"""Copies of ELF files whose CPUID instructions are UD2s, for bench/cpuid_avx2.c on a machine
without CPUID faulting: under the shim (LD_PRELOAD) with LSTM_CPUID_PATCHED=DIR, each UD2 of a
copy in DIR traps and is answered as a CPUID of an AVX2-only CPU.

    /usr/bin/python3 bench/cpuid_patch.py DIR FILE...       copies each FILE into DIR, patched
    /usr/bin/python3 bench/cpuid_patch.py --test SHIM PROBE  patches PROBE (bench/cpuid_probe)
                                                            and runs it under SHIM: exit 0 if
                                                            it sees no AVX-512, 77 to skip

The instructions are found by `objdump -d` (binutils) and checked byte by byte before they are
replaced. A copy is remade only when its source is newer.
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile

CPUID, UD2 = b"\x0f\xa2", b"\x0f\x0b"


def load_segments(data):
    """(vaddr, offset, filesz) of each PT_LOAD of a little-endian ELF64 file."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError("not a little-endian ELF64 file")
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    segs = []
    for i in range(phnum):
        ptype, _, offset, vaddr, _, filesz = struct.unpack_from("<IIQQQQ", data,
                                                                phoff + i * phentsize)
        if ptype == 1:
            segs.append((vaddr, offset, filesz))
    return segs


def cpuid_addresses(path):
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}  # not under the shim
    out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", path], check=True,
                         capture_output=True, text=True, env=env).stdout
    for line in out.splitlines():
        head, sep, insn = line.partition(":\t")
        if sep and insn.split() == ["cpuid"]:
            yield int(head.strip(), 16)


def patch(src, dst_dir):
    """Writes DIR/basename(src) with every CPUID turned into UD2; returns how many."""
    dst = os.path.join(dst_dir, os.path.basename(src))
    if os.path.exists(dst) and os.path.getmtime(dst) >= os.path.getmtime(src):
        return None
    data = bytearray(open(src, "rb").read())
    segs = load_segments(data)
    n = 0
    for addr in cpuid_addresses(src):
        off = next((o + addr - v for v, o, size in segs if v <= addr < v + size), None)
        if off is None or data[off:off + 2] != CPUID:
            raise ValueError("%s: no CPUID at address 0x%x" % (src, addr))
        data[off:off + 2] = UD2
        n += 1
    os.makedirs(dst_dir, exist_ok=True)
    tmp = dst + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    shutil.copymode(src, tmp)
    os.replace(tmp, dst)
    return n


def test(shim, probe):
    if shutil.which("objdump") is None:
        print("SKIP: objdump (binutils) is missing")
        return 77
    with tempfile.TemporaryDirectory(prefix="cpuid_patch_") as d:
        patch(probe, d)
        env = dict(os.environ, LD_PRELOAD=shim, LSTM_CPUID_PATCHED=d)
        r = subprocess.run([os.path.join(d, os.path.basename(probe))], env=env)
        return r.returncode


def main(argv):
    if len(argv) == 3 and argv[0] == "--test":
        return test(argv[1], argv[2])
    if len(argv) < 2 or argv[0].startswith("-"):
        sys.exit(__doc__)
    for src in argv[1:]:
        n = patch(src, argv[0])
        print("%s: %s" % (src, "up to date" if n is None else "%d CPUID patched" % n))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
