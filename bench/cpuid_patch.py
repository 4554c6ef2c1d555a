#!/usr/bin/python3
"""Copies of ELF files whose CPUID instructions are UD2s, for bench/cpuid_avx2.c on a machine
without CPUID faulting: under the shim (LD_PRELOAD) with LSTM_CPUID_PATCHED=DIR, each UD2 of a
copy in DIR traps and is answered as a CPUID of an AVX2-only CPU.

    /usr/bin/python3 bench/cpuid_patch.py DIR FILE...       copies each FILE into DIR, patched
    /usr/bin/python3 bench/cpuid_patch.py --test SHIM PROBE  patches PROBE (bench/cpuid_probe)
                                                            and runs it under SHIM: exit 0 if
                                                            it sees no AVX-512, 77 to skip

The instructions are found by `objdump -d` (binutils) and checked byte by byte before they are
replaced; their addresses are listed beside the copy (FILE.cpuid), for the shim. A copy is
remade when its source or this script changed (path, size or mtime).
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


def stamp(src):
    """What a copy was made from: the source and this script, by path, size and mtime."""
    st, me = os.stat(src), os.stat(os.path.abspath(__file__))
    return "source %s %d %d patcher %d %d" % (os.path.abspath(src), st.st_size, st.st_mtime_ns,
                                              me.st_size, me.st_mtime_ns)


def patch(src, dst_dir):
    """Writes DIR/basename(src) with every CPUID turned into UD2, and DIR/basename(src).cpuid:
    a stamp line, then the address of each UD2 it wrote (hexadecimal, one a line: the shim
    answers those and no other UD2). Returns how many, None if the copy was up to date."""
    dst = os.path.join(dst_dir, os.path.basename(src))
    listing = dst + ".cpuid"
    try:
        with open(listing) as f:
            if f.readline().rstrip("\n") == stamp(src) and os.path.exists(dst):
                return None
    except OSError:
        pass
    data = bytearray(open(src, "rb").read())
    segs = load_segments(data)
    addrs = list(cpuid_addresses(src))
    for addr in addrs:
        off = next((o + addr - v for v, o, size in segs if v <= addr < v + size), None)
        if off is None or data[off:off + 2] != CPUID:
            raise ValueError("%s: no CPUID at address 0x%x" % (src, addr))
        data[off:off + 2] = UD2
    os.makedirs(dst_dir, exist_ok=True)
    with open(dst + ".tmp", "wb") as f:
        f.write(data)
    shutil.copymode(src, dst + ".tmp")
    with open(listing + ".tmp", "w") as f:
        f.write(stamp(src) + "\n" + "".join("%x\n" % a for a in addrs))
    os.replace(dst + ".tmp", dst)
    os.replace(listing + ".tmp", listing)
    return len(addrs)


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
