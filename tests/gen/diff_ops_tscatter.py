"""Differential entries of TensorScatter (24) for make_diff_cases.py (which imports this module).
The Debian onnx 1.12 does not know it: version 24 goes to diff_case.LATER_VERSIONS here with a
stand-in schema (onnxscript's opset24.py: T any type, write_indices int64, attributes axis and
mode; no later version up to opset 26)."""
import numpy as np

import diff_case
from diff_case import ALL, In, op

_ALL_T = ["tensor(%s)" % t for t in ("float", "double", "float16", "bfloat16", "bool")] + \
    ["tensor(%s)" % t for t in diff_case.INTS]
diff_case.LATER_VERSIONS["TensorScatter"] = [24]
diff_case.add_schema("TensorScatter", {24: diff_case.Schema([("T", _ALL_T)], ["axis", "mode"])})

I64 = "int64"


def ts_ref(axis=-2, circular=False):
    """The operator's pseudocode, wrapping only the sequence index."""
    def f(cache, update, wi=None):
        ax = axis % cache.ndim
        out = cache.copy()
        maxs, seq = cache.shape[ax], update.shape[ax]
        for prefix in np.ndindex(*cache.shape[:ax]):
            start = 0 if wi is None else int(wi[prefix[0]])
            for s in range(seq):
                r = start + s
                if circular:
                    r %= maxs
                out[prefix + (r,)] = update[prefix + (s,)]
        return out
    return f


@op("TensorScatter", types=ALL, exact=True)
def tensor_scatter(g):
    for dt in g.types(sweep=True):
        c = g.rand(dt, (2, 3, 6, 4))
        u = g.rand(dt, (2, 3, 2, 4))
        wi = g.ints([1, 4])
        yield g.case("linear_" + dt, "%s cache [2,3,6,4], 2 rows at [1,4] on axis -2" % dt, dt,
                     [In("c", dt, c), In("u", dt, u), In("w", I64, wi)], ref=ts_ref())
    f = "float32"
    c = g.rand(f, (2, 3, 6, 4))
    yield g.case("no_indices", "write_indices absent: rows from 0", f,
                 [In("c", f, c), In("u", f, g.rand(f, (2, 3, 3, 4)))], ref=ts_ref())
    yield g.case("prefill", "update as long as the cache", f,
                 [In("c", f, c), In("u", f, g.rand(f, (2, 3, 6, 4))), In("w", I64, g.ints([0, 0]))],
                 ref=ts_ref())
    yield g.case("seq0", "an update of 0 rows: the cache unchanged", f,
                 [In("c", f, c), In("u", f, g.rand(f, (2, 3, 0, 4))), In("w", I64, g.ints([5, 2]))],
                 ref=ts_ref())
    yield g.case("end", "linear rows up to the last one", f,
                 [In("c", f, c), In("u", f, g.rand(f, (2, 3, 3, 4))), In("w", I64, g.ints([3, 0]))],
                 ref=ts_ref())
    for tag, wi in (("wrap", [4, 5]), ("wrap_big", [13, 0]), ("wrap_neg", [-1, -8])):
        yield g.case("circular_" + tag, "mode circular from %s: the rows wrap" % wi, f,
                     [In("c", f, c), In("u", f, g.rand(f, (2, 3, 3, 4))), In("w", I64, g.ints(wi))],
                     attrs={"mode": "circular"}, ref=ts_ref(circular=True))
    yield g.case("circular_noidx", "mode circular without write_indices", f,
                 [In("c", f, c), In("u", f, g.rand(f, (2, 3, 2, 4)))],
                 attrs={"mode": "circular"}, ref=ts_ref(circular=True))
    yield g.case("circular_lead", "mode circular, the leading axis (5) longer than the sequence (3)", f,
                 [In("c", f, g.rand(f, (2, 5, 3))), In("u", f, g.rand(f, (2, 5, 2))),
                  In("w", I64, g.ints([2, 1]))],
                 attrs={"mode": "circular", "axis": -1}, ref=ts_ref(axis=-1, circular=True))
    for axis, cs, us, wi in ((1, (3, 5), (3, 2), [0, 3, 1]), (1, (2, 6, 2, 3), (2, 4, 2, 3), [2, 0]),
                             (2, (2, 2, 5, 3), (2, 2, 1, 3), [4, 0]), (-1, (1, 2, 7), (1, 2, 3), [4]),
                             (3, (2, 1, 2, 4), (2, 1, 2, 2), [1, 2])):
        yield g.case(("axis%d_r%d" % (axis, len(cs))).replace("-", "m"),
                     "axis %d: cache %s, update %s at %s" % (axis, cs, us, wi), f,
                     [In("c", f, g.rand(f, cs)), In("u", f, g.rand(f, us)), In("w", I64, g.ints(wi))],
                     attrs={"axis": axis}, ref=ts_ref(axis))
    yield g.case("empty_batch", "batch 0", f,
                 [In("c", f, g.rand(f, (0, 2, 4, 3))), In("u", f, g.rand(f, (0, 2, 1, 3))),
                  In("w", I64, g.ints([]))], ref=ts_ref())
    yield g.case("empty_inner", "a trailing axis of 0", f,
                 [In("c", f, g.rand(f, (2, 4, 0))), In("u", f, g.rand(f, (2, 2, 0))),
                  In("w", I64, g.ints([1, 2]))], ref=ts_ref())
    yield g.case("init", "the cache an initializer", f,
                 [In("c", f, c, init=True), In("u", f, g.rand(f, (2, 3, 1, 4))), In("w", I64, g.ints([5, 0]))],
                 ref=ts_ref())
