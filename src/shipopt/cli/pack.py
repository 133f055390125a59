"""``shipopt pack``, ``palletize`` and ``load1d``: packing from the command line."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from shipopt.cli.common import console
from shipopt.cli.errors import fail, load_json, user_errors
from shipopt.domain.packing import PackedBox, PackRequest, PackResult
from shipopt.domain.parcel import Dimensions
from shipopt.errors import Problem
from shipopt.packing.cartonize import cartonize
from shipopt.packing.checker import check_pack_result
from shipopt.packing.instances import read_bpplib
from shipopt.packing.pallets import PalletRequest, pallet_box, palletize


def _pack_table(result: PackResult) -> None:
    table = Table(title="Packing")
    for col in ("#", "box", "units", "gross weight", "fill", "box cost", "shipping"):
        table.add_column(col, justify="left" if col in ("box", "units") else "right")
    for i, b in enumerate(result.boxes, 1):
        counts: dict[str, int] = {}
        for p in b.placements:
            counts[p.sku] = counts.get(p.sku, 0) + 1
        table.add_row(
            str(i),
            escape(b.box),
            escape(", ".join(f"{k} x{v}" for k, v in counts.items())),
            f"{b.gross_weight.to('lb').quantize(Decimal('0.01'))} lb",
            f"{float(b.fill_rate):.1%}",
            str(b.box_cost),
            "" if b.shipping_cost is None else str(b.shipping_cost),
        )
    console.print(table)
    for u in result.unpacked:
        console.print(
            f"[yellow]unpacked[/] {escape(u.sku)} #{u.unit}: {u.reason.value}: {escape(u.message)}",
            highlight=False,
        )
    console.print(
        f"{len(result.boxes)} box(es), objective {result.objective}, {result.starts} start(s), "
        f"{result.seconds:.3f} s"
    )


def pack_cmd(
    request_file: Annotated[
        str, typer.Argument(help="A PackRequest JSON file (items, boxes, options).")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    plot: Annotated[Path | None, typer.Option(help="Draw the boxes in 3D to this PNG.")] = None,
) -> None:
    """Cartonize order items into boxes from a catalog."""
    payload = load_json(request_file, lambda p: Path(p).read_text(encoding="utf-8"))
    with user_errors():
        request = PackRequest.model_validate(payload)
        result = cartonize(request)
    problems = check_pack_result(request, result)
    if problems:  # never expected: the packer and the checker disagree
        fail([Problem("packing", p) for p in problems], "checker")
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
    else:
        _pack_table(result)
        console.print(
            "[green]checked[/]: geometry, orientation, weight, support and every unit verified"
        )
    if plot is not None:
        _plot(result.boxes, plot, {b.name: b.inner for b in request.boxes})


def _plot(boxes: list[PackedBox], path: Path, inner: dict[str, Dimensions]) -> None:
    try:
        from shipopt.cli.plot import plot_boxes
    except ImportError:
        fail([Problem("--plot", "needs matplotlib: pip install 'shipopt[plot]'")])
    dims = {
        k: (float(v.length.to("in")), float(v.width.to("in")), float(v.height.to("in")))
        for k, v in inner.items()
    }
    plot_boxes(boxes, path, dims)
    console.print(f"plot: {escape(str(path))}")


def palletize_cmd(
    request_file: Annotated[
        str, typer.Argument(help="A PalletRequest JSON file (cartons, pallet).")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    plot: Annotated[Path | None, typer.Option(help="Draw the pallets in 3D to this PNG.")] = None,
) -> None:
    """Stack cartons onto pallets for LTL or truckload."""
    payload = load_json(request_file, lambda p: Path(p).read_text(encoding="utf-8"))
    with user_errors():
        request = PalletRequest.model_validate(payload)
        result = palletize(request)
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
    else:
        table = Table(title="Pallets")
        for col in ("#", "cartons", "height", "gross weight", "fill"):
            table.add_column(col, justify="right")
        for i, p in enumerate(result.pallets, 1):
            table.add_row(
                str(i),
                str(len(p.load.placements)),
                f"{p.parcel.dimensions.height.to('in'):f} in",
                f"{p.parcel.weight.to('lb').quantize(Decimal('0.01'))} lb",
                f"{float(p.load.fill_rate):.1%}",
            )
        console.print(table)
        for u in result.unplaced:
            console.print(
                f"[yellow]not placed[/] {escape(u.sku)} #{u.unit}: {escape(u.message)}",
                highlight=False,
            )
    if plot is not None:
        box = pallet_box(request.pallet)
        _plot([p.load for p in result.pallets], plot, {box.name: box.inner})


def load1d_cmd(
    capacity: Annotated[int, typer.Option(help="Bin capacity (same unit as the sizes).")],
    sizes: Annotated[list[int] | None, typer.Argument(help="Item sizes; or --file.")] = None,
    file: Annotated[Path | None, typer.Option(help="A BPPLIB instance (n, c, sizes).")] = None,
    time_limit: Annotated[float, typer.Option(help="Seconds.")] = 1.0,
    seed: Annotated[int, typer.Option(help="Seed of the local search.")] = 0,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Weight- or volume-only loading: fewest bins of a capacity (1D bin packing)."""
    # imported here: CP-SAT brings pandas, about 90 MB, into every process that imports the CLI
    # (plan workers are spawned from it)
    from shipopt.packing.bin1d import pack_1d

    with user_errors():
        if file is not None:
            instance = read_bpplib(file)
            sizes, capacity = instance.sizes, instance.capacity
        if not sizes:
            fail([Problem("sizes", "give sizes or --file")])
        result = pack_1d(sizes, capacity, time_limit, seed)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "bins": [[sizes[i] for i in b] for b in result.bins],
                    "lower_bound": result.lower_bound,
                    "optimal": result.optimal,
                    "method": result.method,
                }
            )
        )
        return
    console.print(
        f"{len(result.bins)} bins (lower bound {result.lower_bound}"
        f"{', optimal' if result.optimal else ''}; {result.method})"
    )
    for i, b in enumerate(result.bins, 1):
        load = [sizes[k] for k in b]
        console.print(f"  {i}: {sum(load)}/{capacity}  {load}", highlight=False)
