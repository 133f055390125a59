"""Lower bounds on the bins of 3D bin packing with fixed orientation (Martello, Pisinger and
Vigo, "The three-dimensional bin packing problem", Operations Research 48(2), 2000): the
continuous bound L0, the bound L1 (the items large in two dimensions as a 1D problem in the
third) and the bound L2 (L1 plus the volume the other items need beyond what L1's bins leave),
each taken over the three ways of naming the dimensions."""

from __future__ import annotations

from math import ceil

import numpy as np

Dims = tuple[int, int, int]


def bound_l0(bin_dims: Dims, items: list[Dims]) -> int:
    """Total volume over the bin's volume, rounded up."""
    W, H, D = bin_dims
    return -(-sum(w * h * d for w, h, d in items) // (W * H * D))


def _l1_one(bin_dims: Dims, items: np.ndarray) -> int:
    """L1 with H the 1D dimension: items with w > W/2 and d > D/2 cannot share a W x D
    footprint, so they stack along H; for each threshold p <= H/2, the items taller than H - p
    need a bin each, and those of height in [p, H/2] fill what the ones in (H/2, H - p] leave."""
    W, H, D = bin_dims
    big = items[(2 * items[:, 0] > W) & (2 * items[:, 2] > D)]
    if len(big) == 0:
        return 0
    h = big[:, 1]
    best = int((2 * h > H).sum())
    for p in np.unique(h[2 * h <= H]).tolist():
        j1 = h > H - p
        j2 = (h <= H - p) & (2 * h > H)
        j3 = (2 * h <= H) & (h >= p)
        room = int(j2.sum()) * H - int(h[j2].sum())
        alpha = ceil((int(h[j3].sum()) - room) / H)
        beta = ceil((int(j3.sum()) - int(((H - h[j2]) // p).sum())) / (H // p))
        best = max(best, int(j1.sum()) + int(j2.sum()) + max(alpha, beta, 0))
    return best


def _l2_one(bin_dims: Dims, items: np.ndarray) -> int:
    """L2 with H the 1D dimension: for thresholds p <= W/2 and q <= D/2, the items with
    w > W - p and d > D - q fill at most their height of L1's bins; every other item with
    w >= p and d >= q needs volume in what is left, or in further bins."""
    W, H, D = bin_dims
    lb1 = _l1_one(bin_dims, items)
    w, h, d = items[:, 0], items[:, 1], items[:, 2]
    volume = w * h * d
    ps = np.unique(np.concatenate([[1], w[2 * w <= W]]))
    qs = np.unique(np.concatenate([[1], d[2 * d <= D]]))
    best = lb1
    for p in ps.tolist():
        wide = w > W - p
        at_least = w >= p
        # every q at once: rows are thresholds q, columns items
        deep = d[None, :] > (D - qs)[:, None]
        k1 = wide[None, :] & deep
        k23 = ~k1 & at_least[None, :] & (d[None, :] >= qs[:, None])
        k1_height = (k1 * h[None, :]).sum(axis=1)
        k23_volume = (k23 * volume[None, :]).sum(axis=1)
        need = k23_volume - (H * lb1 - k1_height) * W * D
        extra = -(-need // (W * H * D))
        best = max(best, lb1 + int(max(0, extra.max())))
    return best


def _turned(bin_dims: Dims, items: np.ndarray, k: int) -> tuple[Dims, np.ndarray]:
    order = [(0, 1, 2), (1, 2, 0), (2, 0, 1)][k]
    return (
        (bin_dims[order[0]], bin_dims[order[1]], bin_dims[order[2]]),
        items[:, list(order)],
    )


def lower_bounds(bin_dims: Dims, items: list[Dims]) -> tuple[int, int, int]:
    """(L0, L1, L2) for ``items`` (w, h, d each, fixed orientation) in bins of ``bin_dims``."""
    if not items:
        return 0, 0, 0
    arr = np.array(items, dtype=np.int64)
    l1 = l2 = 0
    for k in range(3):
        dims, turned = _turned(bin_dims, arr, k)
        l1 = max(l1, _l1_one(dims, turned))
        l2 = max(l2, _l2_one(dims, turned))
    return bound_l0(bin_dims, items), l1, max(l1, l2)
