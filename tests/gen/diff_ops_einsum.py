"""Differential entries of Einsum (12, the only version), Hardmax (1, 11, 13) and Compress
(9, 11) for make_diff_cases.py (which imports this module). Einsum: matrix and batched
products (those the BLAS takes too), transposes, traces and diagonals, outer products, sums,
ellipsis broadcasting, three and more operands, scalars, empty axes, every numeric type;
NumPy's einsum (floats in float64) is the reference, checked against onnxruntime. Hardmax:
every axis, the 2-D coercion before 13, ties, infinities, NaN, empty tensors; NumPy's argmax
as in ONNX's reference implementation. Compress: every type, each axis (negative from 11),
no axis (flattened), conditions shorter and longer than the axis (entries past it ignored, as
onnxruntime does), empty tensors."""
import numpy as np

from diff_case import ALL, FLOATS, NUMERIC, SUITE_TOL, In, op

F32 = "float32"
B = "bool"

# (tag, equation, operand shapes, what)
EQUATIONS = [
    ("matmul", "ij,jk->ik", [(3, 4), (4, 5)], "matrix product"),
    ("matmul_implicit", "ij,jk", [(2, 3), (3, 4)], "matrix product, implicit output"),
    ("matmul_bt", "ik,jk->ij", [(3, 4), (5, 4)], "A B^T"),
    ("bmm", "bij,bjk->bik", [(2, 3, 4), (2, 4, 5)], "batched matrix product"),
    ("matmul_at", "ki,kj->ij", [(4, 3), (4, 5)], "A^T B"),
    ("bmm_tt", "bkm,bnk->bmn", [(2, 4, 3), (2, 5, 4)], "batched A^T B^T"),
    ("multi_m", "abk,kc->abc", [(2, 3, 4), (4, 5)], "two M axes"),
    ("big_bmm", "bij,bjk->bik", [(3, 33, 65), (3, 65, 17)], "larger batched product"),
    ("bmm_ell", "...ij,...jk->...ik", [(2, 1, 3, 4), (1, 3, 4, 2)], "ellipsis batch, broadcast"),
    ("transpose", "ij->ji", [(3, 4)], "transpose"),
    ("transpose_implicit", "ba", [(3, 4)], "implicit output sorts letters (transpose)"),
    ("permute", "abc->cab", [(2, 3, 4)], "3-D permutation"),
    ("trace", "ii", [(4, 4)], "trace (implicit scalar)"),
    ("trace_explicit", "ii->", [(3, 3)], "trace, explicit scalar output"),
    ("diagonal", "ii->i", [(4, 4)], "diagonal"),
    ("diag3", "iii->i", [(3, 3, 3)], "diagonal of a cube"),
    ("batch_diag", "...ii->...i", [(2, 3, 3)], "batched diagonal"),
    ("batch_trace", "bii->b", [(2, 4, 4)], "batched trace"),
    ("partial_diag", "iji->ij", [(3, 2, 3)], "repeated letter, kept in output"),
    ("outer", "i,j->ij", [(3,), (4,)], "outer product"),
    ("outer_implicit", "i,j", [(2,), (5,)], "outer product, implicit"),
    ("dot", "i,i->", [(5,)] * 2, "dot product"),
    ("dot_implicit", "i,i", [(6,)] * 2, "dot product, implicit"),
    ("sum_all", "ij->", [(3, 4)], "sum of all elements"),
    ("sum_rows", "ij->i", [(3, 4)], "sum over j"),
    ("sum_cols", "ij->j", [(3, 4)], "sum over i"),
    ("hadamard", "ij,ij->ij", [(3, 4)] * 2, "elementwise product"),
    ("matvec", "ij,j->i", [(3, 4), (4,)], "matrix-vector product"),
    ("bilinear", "bn,anm,bm->ba", [(2, 3), (4, 3, 5), (2, 5)], "bilinear form, 3 operands"),
    ("chain3", "ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)], "chain of three products"),
    ("four", "a,b,c,d->abcd", [(2,), (3,), (2,), (2,)], "four operands, outer"),
    ("four_sum", "ab,bc,cd,da->", [(2, 3), (3, 2), (2, 4), (4, 2)], "four operands, ring trace"),
    ("scalar_mul", ",ij->ij", [(), (3, 4)], "scalar operand times matrix"),
    ("scalars", ",->", [(), ()], "two scalars"),
    ("ell_sum", "...i->...", [(2, 3, 4)], "ellipsis kept, last axis summed"),
    ("ell_mid", "a...b->b...a", [(2, 3, 4, 5)], "ellipsis in the middle"),
    ("ell_implicit", "...ij,...jk", [(2, 3, 4), (2, 4, 2)], "ellipsis, implicit output"),
    ("ell_empty", "...ij->...ji", [(3, 4)], "ellipsis of no axes"),
    ("ell_bcast_one", "...i,...i->...", [(3, 1, 4), (1, 2, 4)], "ellipsis broadcast of 1s"),
    ("upper", "Ab,bC->AC", [(2, 3), (3, 2)], "uppercase letters"),
    ("mixed_case", "aA", [(3, 2)], "implicit: uppercase sorts first"),
    ("attention", "bhqd,bhkd->bhqk", [(1, 2, 3, 4), (1, 2, 5, 4)], "attention scores"),
    ("attn_v", "bhqk,bhkd->bqhd", [(1, 2, 3, 5), (1, 2, 5, 4)], "attention values, permuted"),
    ("empty_out", "ij,jk->ik", [(0, 3), (3, 2)], "empty output"),
    ("empty_sum", "ij,jk->ik", [(2, 0), (0, 3)], "empty summed axis: zeros"),
    ("ell_ranks", "...ij,...jk->...ik", [(2, 1, 3, 4), (3, 4, 2)],
     "ellipses of different ranks broadcast (numpy)"),
    ("spaces", "ij, jk -> ik", [(2, 3), (3, 2)], "spaces in the equation"),
]

# The spec broadcasts "..." as numpy does; ONNX's shape inference (so onnxruntime) requires
# every "..." to stand for the same number of axes.
# Its implicit-output inference counts lowercase letters only.
NOT_ORT = {
    "ell_ranks": "ONNX shape inference refuses '...' of different ranks",
    "mixed_case": "ONNX shape inference of implicit outputs ignores uppercase letters",
}


def ref_of(eq):
    return lambda *xs: np.einsum(eq.replace(" ", ""), *xs)


@op("Einsum", types=NUMERIC)
def einsum(g):
    for tag, eq, shapes, what in EQUATIONS:
        xs = [g.rand(F32, s) for s in shapes]
        c = g.case(tag, "%s: '%s'" % (what, eq), F32,
                   [In("x%d" % i, F32, x) for i, x in enumerate(xs)],
                   attrs={"equation": eq}, ref=ref_of(eq),
                   tol=(1e-4, 1e-4) if tag.startswith("big") else None,
                   **({"ort": False, "why": NOT_ORT[tag]} if tag in NOT_ORT else {}))
        c.infer = tag not in NOT_ORT  # the checker's shape inference refuses them too
        yield c
    for dt in g.types(sweep=True):
        for tag, eq, shapes in [("mm", "ij,jk->ik", [(3, 4), (4, 2)]),
                                ("bmm_trace", "bij,bjk,bkk->bi", [(2, 2, 3), (2, 3, 2), (2, 2, 2)]),
                                ("diag", "ii->i", [(3, 3)])]:
            xs = [g.rand(dt, s) for s in shapes]
            exact = dt not in ("float32", "float64", "float16", "bfloat16")
            yield g.case("%s_%s" % (dt, tag), "%s '%s'" % (dt, eq), dt,
                         [In("x%d" % i, dt, x) for i, x in enumerate(xs)],
                         attrs={"equation": eq}, ref=ref_of(eq),
                         tol=SUITE_TOL if exact else None)
    # 1 + 2^-11 + 2^-40 rounds up in float16 when rounded once from double (through float32
    # it would land on the tie 1 + 2^-11 and round to even, 1)
    a = np.array([1, 2.0 ** -11, 2.0 ** -20], np.float16)
    b = np.array([1, 1, 2.0 ** -20], np.float16)
    yield g.case("float16_round_once", "float16 dot rounded once from double", "float16",
                 [In("a", "float16", a), In("b", "float16", b)], attrs={"equation": "i,i->"},
                 ref=ref_of("i,i->"), tol=SUITE_TOL, ort=False,
                 why="onnxruntime adds float16 in float32: this case checks the single rounding")
    # integers wrap: products past the type's range
    for dt, v in (("int8", 100), ("uint8", 200), ("int32", 2 ** 30), ("int16", 300)):
        x = np.full((2, 3), v, {"int8": np.int8, "uint8": np.uint8, "int32": np.int32,
                                "int16": np.int16}[dt])
        y = np.full((3, 2), 3, x.dtype)
        yield g.case("%s_wrap" % dt, "%s products wrap" % dt, dt, [In("a", dt, x), In("b", dt, y)],
                     attrs={"equation": "ij,jk->ik"}, ref=ref_of("ij,jk->ik"), tol=SUITE_TOL)


# ---------------------------------------------------------------- Hardmax
def hardmax_ref(axis, v):
    def f(x):
        a = axis + x.ndim if axis < 0 else axis
        if v < 13:  # rows of the 2-D coercion at axis
            rows = x.reshape(int(np.prod(x.shape[:a], dtype=np.int64)),
                             int(np.prod(x.shape[a:], dtype=np.int64)))
            y = np.zeros_like(rows)
            if rows.shape[1] and rows.shape[0]:
                y[np.arange(rows.shape[0]), np.argmax(rows, axis=1)] = 1
            return y.reshape(x.shape)
        y = np.zeros_like(x)
        if x.shape[a] and x.size:
            np.put_along_axis(y, np.expand_dims(np.argmax(x, axis=a), a), 1, axis=a)
        return y
    return f


@op("Hardmax", types=FLOATS, exact=True)
def hardmax(g):
    default = -1 if g.v >= 13 else 1
    for dt in g.types():
        x = g.rand(dt, (3, 4, 5))
        yield g.case(dt + "_default", "%s, default axis %d" % (dt, default), dt, [In("x", dt, x)],
                     ref=hardmax_ref(default, g.v))
    for shape, axis in [((3, 4, 5), 0), ((3, 4, 5), 1), ((3, 4, 5), 2), ((3, 4, 5), -1),
                        ((3, 4, 5), -3), ((2, 3, 2, 3), -2), ((6,), 0), ((2, 0, 3), 1),
                        ((2, 3, 0), 1), ((0, 3), -1)]:
        x = g.rand(F32, shape)
        tag = "s%s_a%d" % ("x".join(map(str, shape)), axis)
        yield g.case(tag.replace("-", "m"), "shape %s axis %d" % (shape, axis), F32,
                     [In("x", F32, x)], attrs={"axis": axis}, ref=hardmax_ref(axis, g.v))
    ties = np.array([[1, 3, 3, 2], [5, 5, 5, 5], [-1, -2, -1, -3]], np.float32)
    yield g.case("ties", "ties: the first maximum wins", F32, [In("x", F32, ties)],
                 attrs={"axis": -1}, ref=hardmax_ref(-1, g.v))
    inf = np.array([[1, np.inf, 2, np.inf], [-np.inf, -np.inf, -np.inf, -5]], np.float32)
    yield g.case("inf", "infinities", F32, [In("x", F32, inf)], attrs={"axis": -1},
                 ref=hardmax_ref(-1, g.v))
    nan = np.array([[np.nan, 1, 2, 0], [3, np.nan, 3, 1], [np.nan, np.nan, np.nan, np.nan]],
                   np.float32)
    yield g.case("nan", "NaN is the maximum, the first one wins (numpy argmax)", F32,
                 [In("x", F32, nan)], attrs={"axis": -1}, ref=hardmax_ref(-1, g.v), ort=False,
                 why="onnxruntime leaves a row with a leading NaN all 0 (ONNX's reference: "
                     "numpy argmax, where the first NaN wins)")


# ---------------------------------------------------------------- Compress
def compress_ref(axis):
    """onnxruntime's reading: condition entries past the axis's length are ignored."""
    def f(x, c):
        n = x.size if axis is None else x.shape[axis]
        return np.compress(c[:n], x, axis=axis)
    return f


@op("Compress", types=ALL, exact=True)
def compress(g):
    def cond(n):
        return g.rng.integers(0, 2, n).astype(np.bool_)
    for dt in g.types():
        x = g.rand(dt, (3, 4))
        yield g.case(dt + "_axis1", "%s, axis 1" % dt, dt, [In("x", dt, x), In("c", B, cond(4))],
                     attrs={"axis": 1}, ref=compress_ref(1))
    neg = [-1, -3] if g.v >= 11 else []
    for shape, axis, n in [((3, 4, 5), 0, 3), ((3, 4, 5), 1, 4), ((3, 4, 5), 2, 5),
                           ((3, 4, 5), 1, 2), ((3, 4, 5), 2, 7), ((3, 4, 5), None, 60),
                           ((3, 4, 5), None, 10), ((3, 4), None, 15), ((6,), 0, 6),
                           ((2, 0, 3), 2, 3), ((2, 0, 3), 1, 0), ((2, 3), 0, 0),
                           ((3, 4, 5), -1, 5), ((3, 4, 5), -3, 2)]:
        if axis is not None and axis < 0 and axis not in neg:
            continue
        x = g.rand(F32, shape)
        tag = "s%s_%s_c%d" % ("x".join(map(str, shape)),
                              "flat" if axis is None else "a%d" % axis, n)
        yield g.case(tag.replace("-", "m"), "shape %s, %s, condition of %d" % (
            shape, "flattened" if axis is None else "axis %d" % axis, n), F32,
            [In("x", F32, x), In("c", B, cond(n))],
            attrs={} if axis is None else {"axis": axis}, ref=compress_ref(axis))
    x = g.rand(F32, (3, 4))
    for tag, c, what in [("all_false", np.zeros(4, np.bool_), "no slice selected"),
                         ("all_true", np.ones(4, np.bool_), "every slice selected"),
                         ("long_true", np.ones(6, np.bool_),
                          "longer condition, true past the end")]:
        yield g.case(tag, what, F32, [In("x", F32, x), In("c", B, c)], attrs={"axis": 1},
                     ref=compress_ref(1))
