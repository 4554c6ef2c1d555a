"""Differential entries of NonMaxSuppression (10, 11) for make_diff_cases.py (which imports this
module). Its types are fixed (float32 boxes and scores, int64 max_output_boxes_per_class and
output): no type sweep. The NumPy reference is the operator text's greedy selection, in float32
arithmetic: per batch and class, by score (ties: lower index first), a box is dropped when its
IoU with one kept before exceeds iou_threshold."""
import numpy as np

from diff_case import In, op

F32 = "float32"
I64 = "int64"


def _extent(b, axis, center):
    if center:
        half = np.float32(b[axis + 2]) / np.float32(2)
        return np.float32(b[axis]) - half, np.float32(b[axis]) + half
    a, c = np.float32(b[axis]), np.float32(b[axis + 2])
    return min(a, c), max(a, c)


def _suppresses(a, b, center, thr):
    inter = area_a = area_b = np.float32(1)
    for ax in range(2):
        alo, ahi = _extent(a, ax, center)
        blo, bhi = _extent(b, ax, center)
        lo, hi = max(alo, blo), min(ahi, bhi)
        if not hi > lo:
            return False
        inter = np.float32(inter * (hi - lo))
        area_a = np.float32(area_a * (ahi - alo))
        area_b = np.float32(area_b * (bhi - blo))
    uni = np.float32(area_a + area_b - inter)
    if not (inter > 0 and area_a > 0 and area_b > 0 and uni > 0):
        return False
    return np.float32(inter / uni) > np.float32(thr)


def nms_ref(center=0):
    def f(boxes, scores, max_out=None, iou=None, st=None):
        boxes, scores = boxes.astype(np.float32), scores.astype(np.float32)
        mo = 0 if max_out is None else int(np.asarray(max_out).reshape(-1)[0])
        thr = 0.0 if iou is None else float(np.asarray(iou).reshape(-1)[0])
        out = []
        for b in range(boxes.shape[0]):
            for c in range(scores.shape[1]):
                s = scores[b, c]
                cand = [i for i in range(s.size)
                        if not np.isnan(s[i]) and (st is None or s[i] > np.float32(np.asarray(st).reshape(-1)[0]))]
                cand.sort(key=lambda i: (-s[i], i))
                kept = []
                for i in cand:
                    if len(kept) >= mo:
                        break
                    if any(_suppresses(boxes[b, i], boxes[b, j], center, thr) for j in kept):
                        continue
                    kept.append(i)
                    out.append([b, c, i])
        return np.array(out, np.int64).reshape(-1, 3)
    return f


# The ONNX operator page's example: boxes along y, some overlapping, scores decreasing.
EX_BOXES = np.array([[[0.0, 0.0, 1.0, 1.0], [0.0, 0.1, 1.0, 1.1], [0.0, -0.1, 1.0, 0.9],
                      [0.0, 10.0, 1.0, 11.0], [0.0, 10.1, 1.0, 11.1], [0.0, 100.0, 1.0, 101.0]]],
                    np.float32)
EX_SCORES = np.array([[[0.9, 0.75, 0.6, 0.95, 0.5, 0.3]]], np.float32)


@op("NonMaxSuppression", types=[F32], exact=True)
def nms(g):
    def case(tag, what, boxes, scores, max_out=None, iou=None, st=None, center=None, absent_mid=False,
             init=False):
        ins = [In("boxes", F32, boxes.astype(np.float32), init=init), In("scores", F32, scores.astype(np.float32))]
        opt = [None if max_out is None else In("max_out", I64, np.asarray(max_out, np.int64)),
               None if iou is None else In("iou", F32, np.asarray(iou, np.float32)),
               None if st is None else In("st", F32, np.asarray(st, np.float32))]
        while opt and opt[-1] is None:
            opt.pop()
        ins += opt
        attrs = {} if center is None else {"center_point_box": center}
        present = [x for x in ins if x is not None]

        def ref(*vals):
            names = [x.name for x in present]
            kw = dict(zip(names, vals))
            return nms_ref(center or 0)(kw["boxes"], kw["scores"], kw.get("max_out"), kw.get("iou"),
                                        kw.get("st"))
        return g.case(tag, what, F32, ins, out_types=[I64], attrs=attrs, ref=ref)

    yield case("example", "the operator page's example: 3 per class, IoU 0.5", EX_BOXES, EX_SCORES,
               np.array([3]), np.array([0.5]), np.array([0.0]))
    yield case("scalars", "0-d optional inputs, score threshold 0.4", EX_BOXES, EX_SCORES,
               np.array(3), np.array(0.5), np.array(0.4))
    flipped = EX_BOXES[:, :, [2, 3, 0, 1]]
    yield case("flipped", "corners given the other way round", flipped, EX_SCORES, [3], [0.5])
    cbox = np.array([[[0.5, 0.5, 1.0, 1.0], [0.5, 0.6, 1.0, 1.0], [0.5, 0.4, 1.0, 1.0],
                      [0.5, 10.5, 1.0, 1.0], [0.5, 10.6, 1.0, 1.0], [0.5, 100.5, 1.0, 1.0]]], np.float32)
    yield case("center", "center_point_box 1", cbox, EX_SCORES, [3], [0.5], center=1)
    yield case("center0_attr", "center_point_box 0 given", EX_BOXES, EX_SCORES, [10], [0.5], center=0)
    yield case("no_optional", "no optional input: max_output_boxes_per_class 0 selects nothing",
               EX_BOXES, EX_SCORES)
    yield case("max_only", "max_output_boxes_per_class only: IoU threshold 0", EX_BOXES, EX_SCORES, [4])
    yield case("max0", "max_output_boxes_per_class 0", EX_BOXES, EX_SCORES, [0], [0.5])
    yield case("max_big", "max_output_boxes_per_class above the box count", EX_BOXES, EX_SCORES, [100], [0.5])
    yield case("iou1", "IoU threshold 1: nothing suppressed, identical boxes kept",
               np.concatenate([EX_BOXES, EX_BOXES], axis=1), np.concatenate([EX_SCORES, EX_SCORES], axis=2),
               [20], [1.0])
    yield case("st_high", "score threshold above every score", EX_BOXES, EX_SCORES, [3], [0.5], [0.99])
    ties = np.array([[[0.5, 0.5, 0.5, 0.9, 0.5, 0.9]]], np.float32)
    yield case("ties", "equal scores: lower index first", EX_BOXES, ties, [6], [0.01])
    degen = np.array([[[0.0, 0.0, 0.0, 1.0], [0.0, 0.0, 0.0, 1.0], [0.0, 0.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0]]],
                     np.float32)
    yield case("zero_area", "boxes without area overlap nothing", degen, np.array([[[0.9, 0.8, 0.7, 0.6]]]),
               [4], [0.0])
    B, C, S = 2, 3, 20
    xy = np.round(g.rng.uniform(0, 10, (B, S, 2)) * 8) / 8
    wh = np.round(g.rng.uniform(0.5, 4, (B, S, 2)) * 8) / 8
    boxes = np.concatenate([xy, xy + wh], axis=2)
    scores = np.round(g.rng.uniform(0, 1, (B, C, S)) * 64) / 64
    for k, (mo, iou, st) in enumerate(((5, 0.3, None), (20, 0.5, 0.25), (3, 0.0, 0.5), (20, 0.7, None))):
        yield case("rand%d" % k, "2 batches, 3 classes, 20 boxes: max %d, IoU %g, score threshold %s" % (mo, iou, st),
                   boxes, scores, [mo], [iou], None if st is None else [st])
    cb = np.concatenate([xy + wh / 2, wh], axis=2)
    yield case("rand_center", "the same boxes as centres and sizes", cb, scores, [5], [0.3], [0.2], center=1)
    yield case("init", "boxes an initializer", boxes, scores, [5], [0.4], init=True)
    yield case("empty", "no boxes", np.zeros((1, 0, 4)), np.zeros((1, 2, 0)), [3], [0.5])
    yield case("no_batch", "no batch", np.zeros((0, 4, 4)), np.zeros((0, 2, 4)), [3], [0.5])
