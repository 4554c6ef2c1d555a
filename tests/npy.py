"""Reading and writing .npy files (little-endian, C order) for the check scripts: standard
library only, as the scripts run where NumPy may be missing."""
import re
import struct

FORMATS = {"<f4": "f", "<f8": "d", "<i2": "h", "<i4": "i", "<i8": "q"}


def npy_bytes(descr, shape, raw):
    """A whole .npy file holding raw (already encoded) elements."""
    h = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (
        descr, "".join("%d, " % d for d in shape))
    h += " " * ((64 - (10 + len(h) + 1) % 64) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h.encode() + raw


def read_raw(path):
    """(shape, descr, raw element bytes)."""
    b = open(path, "rb").read()
    hl = struct.unpack("<H", b[8:10])[0]
    h = b[10:10 + hl].decode()
    shape = [int(x) for x in re.search(r"\(([^)]*)\)", h).group(1).replace(",", " ").split()]
    return shape, re.search(r"'descr': '([^']*)'", h).group(1), b[10 + hl:]


def read_npy(path):
    """(shape, list of the values)."""
    shape, descr, raw = read_raw(path)
    fmt = FORMATS[descr]
    return shape, list(struct.unpack("<%d%s" % (len(raw) // struct.calcsize(fmt), fmt), raw))


def write_npy(path, descr, shape, vals):
    with open(path, "wb") as f:
        f.write(npy_bytes(descr, shape, struct.pack("<%d%s" % (len(vals), FORMATS[descr]), *vals)))
