"""Packing benchmarks, side by side with py3dbp on the same inputs and rules.

Sections (``--only`` to pick): mpv (3D bin packing, fixed orientation, bins vs lower bounds and
py3dbp), br (single-container loading, volume utilisation within a time limit, against py3dbp and
BoxPacker's published figures), heterogeneous (the same on 30 to 100 box types, made with the
Bischoff-Ratcliff generator), falkenauer (1D,
optimum hits within 1 s), boxpacker (4,288 real orders with a 4-box catalog, boxes per order
against BoxPacker's own results, latency), ecommerce (generated B2C orders, total shipping cost
priced with the sample rate tables: ours vs smallest single box vs py3dbp).
Instances are read from $SHIPOPT_DATA/packing (or --data).
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import time
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from benchmarks.results_io import markdown_table, write
from shipopt.domain.packing import PackRequest
from shipopt.packing.bin1d import pack_1d
from shipopt.packing.bins3d import pack_bins
from shipopt.packing.blocks import BoxKind, PlacedBlock
from shipopt.packing.bounds3d import lower_bounds
from shipopt.packing.br_generator import br_class
from shipopt.packing.cartonize import cartonize
from shipopt.packing.catalog import Pricer, one_service_total
from shipopt.packing.checker import CheckItem, check_box, check_pack_result
from shipopt.packing.extreme_points import PItem, rotations
from shipopt.packing.general_blocks import best_loading
from shipopt.packing.instances import (
    Loading,
    read_boxpacker_boxes,
    read_boxpacker_items,
    read_bpplib,
    read_mpv,
    read_thpack,
)
from shipopt.settings import Settings
from shipopt.units import Mass

ROOT = Path(__file__).resolve().parent.parent
console = Console()


def py3dbp_bins(
    bin_dims: tuple[int, int, int],
    items: list[tuple[int, int, int]],
    fixed: bool,
    max_weight: float = 1e12,
    weights: list[float] | None = None,
) -> int:
    """Bins py3dbp uses when given as many identical bins as items (bigger first, items removed
    once packed). ``fixed`` restricts its rotations to the given orientation."""
    from py3dbp import Bin, Item, Packer, constants, main

    saved = constants.RotationType.ALL
    if fixed:
        main.RotationType.ALL = [constants.RotationType.RT_WHD]
    try:
        packer = Packer()
        for k in range(len(items)):
            packer.add_bin(Bin(f"b{k}", *bin_dims, max_weight))
        for k, (w, h, d) in enumerate(items):
            packer.add_item(Item(f"i{k}", w, h, d, weights[k] if weights else 0))
        packer.pack(bigger_first=True, distribute_items=True)
        used = [b for b in packer.bins if b.items]
        placed = sum(len(b.items) for b in used)
        return len(used) if placed == len(items) else len(used) + (len(items) - placed)
    finally:
        main.RotationType.ALL = saved


def ours_bins(
    bin_dims: tuple[int, int, int], items: list[tuple[int, int, int]], budget: float
) -> int:
    """shipopt's 3D bin packing (fixed orientation) within ``budget`` seconds."""
    pitems = [PItem(k, rotations(*it, "fixed"), 0) for k, it in enumerate(items)]
    return len(pack_bins(pitems, bin_dims, 10**18, None, budget))


def section_mpv(data: Path, budget: float, peer_max_n: int) -> dict[str, Any]:
    lbs = {
        (r["class"], r["n"], r["instance"]): int(r["LB_max"])
        for r in csv.DictReader((data / "mpv3d" / "lower_bounds.csv").open())
    }
    rows, per_instance = [], []
    for cls in (1, 4, 5, 6, 7, 8):
        tot = {"ours": 0, "py3dbp": 0, "lb": 0, "l2": 0, "ours_peer_subset": 0, "lb_peer_subset": 0}
        for n in (50, 100, 150, 200):
            for k in range(1, 6):
                inst = read_mpv(data / "mpv3d" / f"{cls}_{n}" / str(k))
                ours = ours_bins(inst.bin, inst.items, budget)
                lb = lbs[(str(cls), str(n), str(k))]
                l2 = max(lb, lower_bounds(inst.bin, inst.items)[2])  # MPV's L2, ours
                peer = py3dbp_bins(inst.bin, inst.items, fixed=True) if n <= peer_max_n else None
                tot["ours"] += ours
                tot["lb"] += lb
                tot["l2"] += l2
                if peer is not None:
                    tot["py3dbp"] += peer
                    tot["ours_peer_subset"] += ours
                    tot["lb_peer_subset"] += lb
                per_instance.append(
                    {"class": cls, "n": n, "k": k, "ours": ours, "py3dbp": peer, "lb": lb, "l2": l2}
                )
        rows.append(
            {
                "class": cls,
                "ours": tot["ours"],
                "lower_bound": tot["lb"],
                "ours_vs_lb": f"{tot['ours'] / tot['lb'] - 1:+.1%}",
                "l2": tot["l2"],
                "ours_vs_l2": f"{tot['ours'] / tot['l2'] - 1:+.1%}",
                f"ours (n<={peer_max_n})": tot["ours_peer_subset"],
                f"py3dbp (n<={peer_max_n})": tot["py3dbp"],
                "ours/py3dbp": f"{tot['ours_peer_subset'] / tot['py3dbp']:.3f}"
                if tot["py3dbp"]
                else "-",
            }
        )
        console.print(rows[-1])
    lb48 = sum(r["lower_bound"] for r in rows if r["class"] != 1)
    ours48 = sum(r["ours"] for r in rows if r["class"] != 1)
    l2_48 = sum(r["l2"] for r in rows if r["class"] != 1)
    return {
        "rows": rows,
        "per_instance": per_instance,
        "classes_4_to_8": {
            "ours": ours48,
            "lower_bound": lb48,
            "gap": f"{ours48 / lb48 - 1:+.2%}",
            "l2": l2_48,
            "gap_l2": f"{ours48 / l2_48 - 1:+.2%}",
        },
        "budget_s": budget,
    }


def py3dbp_utilisation(loading: Loading) -> float:
    """Volume share py3dbp loads into one container (bigger first; it tries all six rotations
    and has no support rule, so it has more freedom than ours)."""
    from py3dbp import Bin, Item, Packer

    L, W, H = loading.container
    packer = Packer()
    packer.add_bin(Bin("container", L, H, W, 1e12))  # py3dbp's second side is the vertical
    n = 0
    for kind in loading.kinds:
        a, b, c = kind.dims
        for _ in range(kind.quantity):
            packer.add_item(Item(f"i{n}", a, c, b, 0))
            n += 1
    packer.pack(bigger_first=True)
    return sum(float(i.get_volume()) for i in packer.bins[0].items) / (L * W * H)


def _loadings_row(name: str, loadings: list[Loading], budget: float, peer: bool) -> dict[str, Any]:
    """Mean utilisation of ours (general blocks, checked) and py3dbp on the same problems."""
    utils, peers, secs, worst = [], [], [], 1.0
    for idx, loading in enumerate(loadings):
        kinds = [BoxKind(k.rotations(), k.quantity) for k in loading.kinds]
        t = time.perf_counter()
        volume, blocks = best_loading(loading.container, kinds, budget, seed=idx)
        secs.append(time.perf_counter() - t)
        errors = check_box(loading.container, 10**12, _checked_boxes(blocks, kinds), Fraction(1))
        if errors:
            raise SystemExit(f"{loading.name}: {errors[:3]}")
        L, W, H = loading.container
        utils.append(volume / (L * W * H))
        if peer:
            peers.append(py3dbp_utilisation(loading))
            worst = min(worst, utils[-1] - peers[-1])
    row = {
        "set": name,
        "problems": len(utils),
        "ours_mean_util": f"{statistics.fmean(utils):.2%}",
        "py3dbp_mean_util": f"{statistics.fmean(peers):.2%}" if peers else "-",
        "ours_minus_py3dbp_worst": f"{worst:+.2%}" if peers else "-",
        "max_seconds": f"{max(secs):.2f}",
    }
    console.print(row)
    return row


def _checked_boxes(blocks: list[PlacedBlock], kinds: list[BoxKind]) -> list[CheckItem]:
    return [
        CheckItem(f"k{b.kind}", *cell, size=kinds[b.kind].rots[0], weight=1)
        for b in blocks
        for cell in b.cells()
    ]


def section_br(
    data: Path, budget: float, classes: list[int], per_class: int, peer: bool
) -> dict[str, Any]:
    """Single-container loading (shipopt.packing.general_blocks), every loading checked with
    full support; BoxPacker's published utilisation on the same problems beside."""
    expected: dict[tuple[int, int], float] = {}
    for row in csv.reader((data / "boxpacker" / "thpack-expected.csv").open()):
        if row and row[0].startswith("Bischoff"):
            types, k = row[0].split("#")[1].split("-")
            expected[(int(types), int(k))] = float(row[1])
    types_of = {1: 3, 2: 5, 3: 8, 4: 10, 5: 12, 6: 15, 7: 20}
    rows: list[dict[str, Any]] = []
    for c in classes:
        loadings = read_thpack(data / "br" / f"BR{c}.txt")[:per_class]
        line = _loadings_row(f"BR{c}", loadings, budget, peer)
        bp = [
            expected[(types_of[c], k)] / 100
            for k in range(1, len(loadings) + 1)
            if (types_of[c], k) in expected
        ]
        line["boxpacker_mean_util"] = f"{statistics.fmean(bp):.2%}" if bp else "-"
        rows.append(line)
    return {"rows": rows, "budget_s": budget}


def section_heterogeneous(budget: float, per_class: int) -> dict[str, Any]:
    """Strongly heterogeneous cargo: 30 to 100 box types (the sizes of Davies and Bischoff's
    BR8-BR15), generated with the Bischoff-Ratcliff generator on the BR files' seeds."""
    rows = []
    for types in range(30, 101, 10):
        rows.append(_loadings_row(f"{types} types", br_class(types, per_class), budget, True))
    means = [float(r["ours_mean_util"][:-1]) for r in rows]
    return {"rows": rows, "budget_s": budget, "mean_util": f"{statistics.fmean(means):.2f}%"}


def section_falkenauer(data: Path, budget: float) -> dict[str, Any]:
    rows_out, per = [], []
    optima = list(csv.DictReader((data / "bpplib1d" / "optima.csv").open()))
    for family in ("U", "T"):
        hits, times = 0, []
        subset = [r for r in optima if f"Falkenauer_{family}/" in r["file"]]
        for r in subset:
            inst = read_bpplib(data / "bpplib1d" / r["file"])
            t = time.perf_counter()
            result = pack_1d(inst.sizes, inst.capacity, budget)
            dt = time.perf_counter() - t
            hit = len(result.bins) == int(r["optimum"])
            hits += hit
            times.append(dt)
            per.append(
                {
                    "file": r["file"],
                    "bins": len(result.bins),
                    "optimum": int(r["optimum"]),
                    "method": result.method,
                    "seconds": round(dt, 3),
                }
            )
        rows_out.append(
            {
                "family": family,
                "instances": len(subset),
                "optimum_hits": hits,
                "share": f"{hits / len(subset):.0%}",
                "max_seconds": f"{max(times):.2f}",
            }
        )
        console.print(rows_out[-1])
    return {"rows": rows_out, "per_instance": per, "budget_s": budget}


def section_boxpacker(data: Path, limit: int | None) -> dict[str, Any]:
    boxes = read_boxpacker_boxes(data / "boxpacker" / "boxes.csv")
    orders = read_boxpacker_items(data / "boxpacker" / "items.csv")
    expected = {
        row[0]: int(row[4])
        for row in csv.reader((data / "boxpacker" / "expected.csv").open())
        if row
    }
    catalog = [
        {
            "name": b.name,
            "inner": f"{b.inner[1]}x{b.inner[0]}x{b.inner[2]} mm",
            "outer": f"{b.outer[1]}x{b.outer[0]}x{b.outer[2]} mm",
            "tare_weight": f"{b.empty_weight} g",
            "max_gross_weight": f"{b.max_weight} g",
        }
        for b in boxes
    ]
    more = fewer = same = ours_total = bp_total = 0
    latencies, failures = [], 0
    worst: list[dict[str, Any]] = []
    ids = sorted(orders)[:limit] if limit else sorted(orders)
    for oid in ids:
        lines = orders[oid]
        merged: dict[str, Any] = {}
        for line in lines:
            key = line.sku
            if key in merged:
                merged[key]["quantity"] += line.quantity
            else:
                merged[key] = {
                    "sku": key,
                    "dimensions": f"{line.dims[1]}x{line.dims[0]}x{line.dims[2]} mm",
                    "weight": f"{line.weight} g",
                    "quantity": line.quantity,
                }
        req = PackRequest.model_validate(
            {
                "items": list(merged.values()),
                "boxes": catalog,
                "options": {"support": None, "time_limit": 1.0},
            }
        )
        t = time.perf_counter()
        res = cartonize(req)
        latencies.append((time.perf_counter() - t) * 1000)
        if res.unpacked or check_pack_result(req, res):
            failures += 1
            continue
        n, e = len(res.boxes), expected[oid]
        ours_total += n
        bp_total += e
        more += n > e
        fewer += n < e
        same += n == e
        if n > e and len(worst) < 20:
            worst.append({"order": oid, "ours": n, "boxpacker": e})
    row = {
        "orders": len(ids),
        "ours_boxes": ours_total,
        "boxpacker_boxes": bp_total,
        "orders_more_than_boxpacker": more,
        "orders_fewer": fewer,
        "orders_same": same,
        "unpacked_or_invalid": failures,
        "p50_ms": f"{np.percentile(latencies, 50):.1f}",
        "p95_ms": f"{np.percentile(latencies, 95):.1f}",
    }
    console.print(row)
    return {"rows": [row], "orders_with_more_boxes": worst}


def section_ecommerce(n_orders: int, seed: int) -> dict[str, Any]:
    from datetime import UTC, datetime

    from shipopt.domain.quote import QuoteRequest
    from shipopt.pipeline.context import QuoteContext
    from shipopt.pipeline.eligibility import plan_services
    from shipopt.pipeline.lane import resolve_lane
    from shipopt.pipeline.quote import cheapest_parcel_pricer

    ctx = QuoteContext.from_directory(ROOT / "rate_tables")
    rng = random.Random(seed)
    boxes = [  # 10 stock boxes incl. two mailers (inner x outer inches, tare oz, cost)
        ("MAILER-S", (9, 6, 1.5), 1, "0.20"),
        ("MAILER-L", (14, 10, 2.5), 2, "0.30"),
        ("6x6x6", (6, 6, 6), 4, "0.35"),
        ("8x6x4", (8, 6, 4), 4, "0.35"),
        ("10x8x6", (10, 8, 6), 6, "0.50"),
        ("12x10x6", (12, 10, 6), 8, "0.65"),
        ("12x12x12", (12, 12, 12), 10, "0.85"),
        ("16x12x8", (16, 12, 8), 11, "0.95"),
        ("18x14x12", (18, 14, 12), 14, "1.25"),
        ("24x18x18", (24, 18, 18), 22, "1.90"),
    ]
    catalog = [
        {
            "name": n,
            "inner": f"{a}x{b}x{c} in",
            "outer": f"{a + 0.5}x{b + 0.5}x{c + 0.5} in",
            "tare_weight": f"{t} oz",
            "max_gross_weight": "50 lb",
            "cost": cost,
        }
        for n, (a, b, c), t, cost in boxes
    ]
    skus = []
    for k in range(60):
        kind = rng.random()
        if kind < 0.3:  # flat goods
            dims = (rng.randint(6, 12), rng.randint(4, 9), rng.choice([0.5, 1, 1.5]))
        elif kind < 0.8:
            dims = (rng.randint(3, 12), rng.randint(3, 10), rng.randint(2, 8))
        else:
            dims = (rng.randint(10, 20), rng.randint(8, 14), rng.randint(6, 12))
        vol = dims[0] * dims[1] * dims[2]
        skus.append(
            {
                "sku": f"SKU{k}",
                "dimensions": f"{dims[0]}x{dims[1]}x{dims[2]} in",
                "weight": f"{max(2, round(vol * rng.uniform(0.15, 0.6)))} oz",
            }
        )
    origin, dests = (
        "60601",
        ["10001", "94105", "30303", "98101", "75201", "02108", "85004", "48226"],
    )
    totals = {"ours": Decimal(0), "smallest_single_box": Decimal(0), "py3dbp": Decimal(0)}
    skipped = 0
    for _o in range(n_orders):
        lines = 1 if rng.random() < 0.6 else rng.randint(2, 4)
        picks = rng.sample(skus, lines)
        items = [{**s, "quantity": 1 if lines == 1 else rng.randint(1, 2)} for s in picks]
        req = QuoteRequest.model_validate(
            {
                "shipment": {
                    "origin": {"postal_code": origin},
                    "destination": {"postal_code": rng.choice(dests), "residential": True},
                    "items": items,
                    "boxes": catalog,
                    "ship_at": "2026-12-01T10:00:00",
                }
            }
        )
        lane = resolve_lane(req.shipment, ctx.directory, datetime(2026, 12, 1, tzinfo=UTC))
        plans, _ = plan_services(req, ctx, lane)
        pricer = cheapest_parcel_pricer(req, ctx, lane, plans)
        pack_req = PackRequest(items=req.shipment.items, boxes=req.shipment.boxes)
        ours = cartonize(pack_req, pricer)
        if ours.unpacked or ours.total_shipping_cost is None:
            skipped += 1
            continue
        base = _smallest_single_box(pack_req, pricer)
        peer = _py3dbp_cost(pack_req, pricer)
        if base is None or peer is None:
            skipped += 1
            continue
        totals["ours"] += ours.total_shipping_cost + ours.total_box_cost
        totals["smallest_single_box"] += base
        totals["py3dbp"] += peer
    row = {
        "orders": n_orders - skipped,
        **{k: str(v) for k, v in totals.items()},
        "ours_vs_smallest_box": f"{totals['ours'] / totals['smallest_single_box'] - 1:+.1%}",
        "ours_vs_py3dbp": f"{totals['ours'] / totals['py3dbp'] - 1:+.1%}",
        "skipped": skipped,
    }
    console.print(row)
    return {"rows": [row], "catalog": [b[0] for b in boxes]}


def _smallest_single_box(req: PackRequest, pricer: Pricer) -> Decimal | None:
    """Baseline "smallest single box that fits": the smallest box (by inner volume) that really
    holds the whole order (checked by packing it), else the smallest box per unit."""
    boxes = sorted(
        req.boxes, key=lambda b: b.inner.length.nm * b.inner.width.nm * b.inner.height.nm
    )

    def fits(box: Any, items: list[Any]) -> bool:
        trial = PackRequest(
            items=items, boxes=[box], options=req.options.model_copy(update={"max_starts": 4})
        )
        packed = cartonize(trial)
        return not packed.unpacked and len(packed.boxes) == 1

    total_weight = sum(it.weight.ng * it.quantity for it in req.items)
    one = next((b for b in boxes if fits(b, list(req.items))), None)
    if one is not None:
        return _one_service_cost(pricer, [(one, total_weight)])
    shipped: list[tuple[Any, int]] = []
    for it in req.items:
        single = it.model_copy(update={"quantity": 1})
        box = next((b for b in boxes if fits(b, [single])), None)
        if box is None:
            return None
        shipped += [(box, it.weight.ng)] * it.quantity
    return _one_service_cost(pricer, shipped)


def _one_service_cost(pricer: Pricer, shipped: list[tuple[Any, int]]) -> Decimal | None:
    """Box costs plus shipping with every box on the one service that ships them cheapest (as
    the quote does)."""
    prices = [pricer(b.outer, Mass(b.tare_weight.ng + w)) for b, w in shipped]
    best = one_service_total(prices)
    return None if best is None else best[0] + sum((b.cost for b, _ in shipped), Decimal(0))


def _py3dbp_cost(req: PackRequest, pricer: Pricer) -> Decimal | None:
    """py3dbp as a cartonizer: try boxes smallest first, one at a time, until everything is in."""
    from py3dbp import Bin, Item, Packer

    boxes = sorted(
        req.boxes, key=lambda b: b.inner.length.nm * b.inner.width.nm * b.inner.height.nm
    )
    left = [(f"{it.sku}#{k}", it) for it in req.items for k in range(it.quantity)]
    shipped: list[tuple[Any, int]] = []
    while left:
        chosen = None
        for b in boxes:
            packer = Packer()
            inner = [float(x.to("in")) for x in (b.inner.length, b.inner.width, b.inner.height)]
            packer.add_bin(
                Bin(b.name, *inner, float((b.max_gross_weight.ng - b.tare_weight.ng) / 10**9))
            )
            for name, it in left:
                dims = [
                    float(x.to("in"))
                    for x in (it.dimensions.length, it.dimensions.width, it.dimensions.height)
                ]
                packer.add_item(Item(name, *dims, float(it.weight.ng / 10**9)))
            packer.pack(bigger_first=True)
            placed = {i.name for i in packer.bins[0].items}
            if len(placed) == len(left):
                chosen = (b, placed)
                break
            if chosen is None or len(placed) > len(chosen[1]):
                chosen = (b, placed) if placed else chosen
        if chosen is None or not chosen[1]:
            return None
        b, placed = chosen
        shipped.append((b, sum(it.weight.ng for name, it in left if name in placed)))
        left = [(n, it) for n, it in left if n not in placed]
    return _one_service_cost(pricer, shipped)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--only", default="mpv,br,heterogeneous,falkenauer,boxpacker,ecommerce")
    parser.add_argument("--mpv-budget", type=float, default=2.0, help="seconds per MPV instance")
    parser.add_argument("--peer-max-n", type=int, default=100, help="largest MPV n given to py3dbp")
    parser.add_argument("--br-budget", type=float, default=2.0)
    parser.add_argument("--br-per-class", type=int, default=100)
    parser.add_argument("--no-br-peer", action="store_true", help="skip py3dbp on BR1-BR7")
    parser.add_argument("--hetero-per-class", type=int, default=20)
    parser.add_argument("--boxpacker-limit", type=int, default=None)
    parser.add_argument("--ecommerce-orders", type=int, default=500)
    args = parser.parse_args()
    data = (args.data or Settings().data) / "packing"
    if not data.exists():
        console.print(f"[red]packing data not found: {data}[/] (set SHIPOPT_DATA or --data)")
        raise SystemExit(2)
    only = set(args.only.split(","))
    details: dict[str, Any] = {}
    summary: list[dict[str, Any]] = []
    if "mpv" in only:
        details["mpv"] = section_mpv(data, args.mpv_budget, args.peer_max_n)
        details["mpv_rows"] = details["mpv"]["rows"]
        summary.append(
            {
                "section": "MPV classes 4-8 vs lower bound",
                "result": details["mpv"]["classes_4_to_8"]["gap"],
            }
        )
        summary.append(
            {
                "section": "MPV classes 4-8 vs the L2 bound",
                "result": details["mpv"]["classes_4_to_8"]["gap_l2"],
            }
        )
    if "br" in only:
        details["br"] = section_br(
            data, args.br_budget, list(range(1, 8)), args.br_per_class, not args.no_br_peer
        )
        details["br_rows"] = details["br"]["rows"]
    if "heterogeneous" in only:
        details["heterogeneous"] = section_heterogeneous(args.br_budget, args.hetero_per_class)
        details["heterogeneous_rows"] = details["heterogeneous"]["rows"]
        summary.append(
            {
                "section": "heterogeneous cargo (30-100 box types), mean utilisation",
                "result": details["heterogeneous"]["mean_util"],
            }
        )
    if "falkenauer" in only:
        details["falkenauer"] = section_falkenauer(data, 1.0)
        details["falkenauer_rows"] = details["falkenauer"]["rows"]
    if "boxpacker" in only:
        details["boxpacker"] = section_boxpacker(data, args.boxpacker_limit)
        details["boxpacker_rows"] = details["boxpacker"]["rows"]
    if "ecommerce" in only:
        details["ecommerce"] = section_ecommerce(args.ecommerce_orders, 7)
        details["ecommerce_rows"] = details["ecommerce"]["rows"]
    name = (
        "packing"
        if only == {"mpv", "br", "heterogeneous", "falkenauer", "boxpacker", "ecommerce"}
        else "packing_" + "_".join(sorted(only))
    )
    path = write(name, "Packing benchmarks", summary, details)
    for key, value in details.items():
        if key.endswith("_rows"):
            console.print(f"\n[bold]{key[:-5]}[/]")
            console.print(markdown_table(value))
    console.print(f"results: {path}")
    _ = (Table, Fraction)


if __name__ == "__main__":
    main()
