"""Readers for standard packing instances; a malformed file is an error with its line number.

Formats (see the README of ``$SHIPOPT_DATA/packing``): Martello-Pisinger-Vigo 3D-BPP, OR-Library
container loading ("thpack", the BR sets), BPPLIB 1D, and BoxPacker's box and order CSVs.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from shipopt.errors import InputError, Problem


@dataclass(frozen=True)
class Bin3D:
    """A 3D bin-packing instance: identical bins, items with fixed orientation."""

    name: str
    bin: tuple[int, int, int]
    items: list[tuple[int, int, int]]


@dataclass(frozen=True)
class BoxKind:
    """A container-loading box type; ``vertical`` says which of its dims may stand vertical."""

    dims: tuple[int, int, int]
    vertical: tuple[bool, bool, bool]
    quantity: int

    def rotations(self) -> tuple[tuple[int, int, int], ...]:
        """The extents (length, width, height) it may take: each side allowed vertical, with
        the other two either way round."""
        l, w, h = self.dims
        out: list[tuple[int, int, int]] = []
        for up, (a, b, c) in zip(self.vertical, ((w, h, l), (l, h, w), (l, w, h)), strict=True):
            if up:
                out += [(a, b, c), (b, a, c)]
        return tuple(dict.fromkeys(out))


@dataclass(frozen=True)
class Loading:
    name: str
    container: tuple[int, int, int]
    kinds: list[BoxKind]


@dataclass(frozen=True)
class Bin1D:
    name: str
    capacity: int
    sizes: list[int]


def _tokens(path: Path) -> list[tuple[int, list[str]]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(Problem(str(path), f"cannot read: {exc}")) from None
    return [(n, line.split()) for n, line in enumerate(text.splitlines(), 1) if line.strip()]


def _ints(path: Path, line: int, parts: list[str], count: int | None, what: str) -> list[int]:
    if count is not None and len(parts) != count:
        raise InputError(
            Problem(f"{path}: line {line}", f"{what}: expected {count} numbers, got {len(parts)}")
        )
    try:
        values = [int(p) for p in parts]
    except ValueError:
        raise InputError(
            Problem(f"{path}: line {line}", f"{what}: not whole numbers: {' '.join(parts)}")
        ) from None
    if any(v <= 0 for v in values):
        raise InputError(Problem(f"{path}: line {line}", f"{what}: numbers must be positive"))
    return values


def read_mpv(path: Path) -> Bin3D:
    """``W H D`` / ``n`` / ``n`` lines of ``w h d``."""
    lines = _tokens(path)
    if len(lines) < 2:
        raise InputError(Problem(str(path), "too short: needs the bin line and the item count"))
    bin_dims = _ints(path, lines[0][0], lines[0][1], 3, "bin size")
    (n,) = _ints(path, lines[1][0], lines[1][1], 1, "item count")
    if len(lines) - 2 != n:
        raise InputError(
            Problem(f"{path}: line {lines[1][0]}", f"says {n} items, file has {len(lines) - 2}")
        )
    items = [tuple(_ints(path, ln, parts, 3, "item")) for ln, parts in lines[2:]]
    return Bin3D(path.parent.name + "/" + path.name, (bin_dims[0], bin_dims[1], bin_dims[2]), items)  # type: ignore[arg-type]


def read_thpack(path: Path) -> list[Loading]:
    """OR-Library container loading: problem count; per problem ``id [seed]``, ``L W H``, ``T``,
    then ``T`` lines ``type l fl w fw h fh q``. The known 7-field defect in thpack9 (a missing
    flag after the second dimension) is repaired."""
    lines = _tokens(path)
    if not lines:
        raise InputError(Problem(str(path), "empty file"))
    (count,) = _ints(path, lines[0][0], lines[0][1], 1, "problem count")
    pos = 1
    out: list[Loading] = []
    for _ in range(count):
        if pos + 2 >= len(lines):
            raise InputError(Problem(str(path), f"ends inside problem {len(out) + 1}"))
        ident = lines[pos][1][0]
        container = _ints(path, lines[pos + 1][0], lines[pos + 1][1], 3, "container")
        (types,) = _ints(path, lines[pos + 2][0], lines[pos + 2][1], 1, "type count")
        pos += 3
        kinds = []
        for _ in range(types):
            if pos >= len(lines):
                raise InputError(Problem(str(path), f"ends inside problem {ident}"))
            ln, parts = lines[pos]
            if len(parts) == 7:
                parts = [*parts[:4], "1", *parts[4:]]
            if len(parts) != 8:
                raise InputError(
                    Problem(f"{path}: line {ln}", f"box type: expected 8 fields, got {len(parts)}")
                )
            try:
                v = [int(p) for p in parts]
            except ValueError:
                raise InputError(
                    Problem(f"{path}: line {ln}", "box type: not whole numbers")
                ) from None
            if min(v[1], v[3], v[5], v[7]) <= 0 or any(f not in (0, 1) for f in (v[2], v[4], v[6])):
                raise InputError(
                    Problem(f"{path}: line {ln}", "box type: bad size, flag or quantity")
                )
            kinds.append(BoxKind((v[1], v[3], v[5]), (v[2] == 1, v[4] == 1, v[6] == 1), v[7]))
            pos += 1
        out.append(
            Loading(f"{path.stem}-{ident}", (container[0], container[1], container[2]), kinds)
        )
    return out


def read_bpplib(path: Path) -> Bin1D:
    """``n`` / ``c`` / ``n`` sizes, one per line."""
    lines = _tokens(path)
    if len(lines) < 2:
        raise InputError(Problem(str(path), "too short: needs n and c"))
    (n,) = _ints(path, lines[0][0], lines[0][1], 1, "item count")
    (c,) = _ints(path, lines[1][0], lines[1][1], 1, "capacity")
    if len(lines) - 2 != n:
        raise InputError(
            Problem(f"{path}: line {lines[0][0]}", f"says {n} items, file has {len(lines) - 2}")
        )
    sizes = [_ints(path, ln, parts, 1, "size")[0] for ln, parts in lines[2:]]
    for (ln, _), s in zip(lines[2:], sizes, strict=True):
        if s > c:
            raise InputError(Problem(f"{path}: line {ln}", f"size {s} exceeds the capacity {c}"))
    return Bin1D(path.stem, c, sizes)


@dataclass(frozen=True)
class BoxPackerBox:
    name: str
    outer: tuple[int, int, int]  # width, length, depth (mm); depth is vertical
    empty_weight: int  # g
    inner: tuple[int, int, int]
    max_weight: int  # g, gross


@dataclass(frozen=True)
class BoxPackerLine:
    order: str
    quantity: int
    sku: str
    dims: tuple[int, int, int]  # width, length, depth (mm)
    weight: int  # g


def _csv_rows(path: Path) -> list[tuple[int, list[str]]]:
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            return [(n, [c.strip() for c in row]) for n, row in enumerate(csv.reader(fh), 1) if row]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(Problem(str(path), f"cannot read: {exc}")) from None


def read_boxpacker_boxes(path: Path) -> list[BoxPackerBox]:
    out = []
    for ln, row in _csv_rows(path):
        if len(row) != 9:
            raise InputError(Problem(f"{path}: line {ln}", f"expected 9 fields, got {len(row)}"))
        v = _ints(path, ln, row[1:], 8, "box")
        out.append(BoxPackerBox(row[0], (v[0], v[1], v[2]), v[3], (v[4], v[5], v[6]), v[7]))
    return out


def read_boxpacker_items(path: Path) -> dict[str, list[BoxPackerLine]]:
    orders: dict[str, list[BoxPackerLine]] = {}
    for ln, row in _csv_rows(path):
        if len(row) != 7:
            raise InputError(Problem(f"{path}: line {ln}", f"expected 7 fields, got {len(row)}"))
        v = _ints(path, ln, [row[1], *row[3:]], 5, "order line")
        orders.setdefault(row[0], []).append(
            BoxPackerLine(row[0], v[0], row[2], (v[1], v[2], v[3]), v[4])
        )
    return orders
