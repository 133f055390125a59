"""A plan's journal: every finished shipment decision, appended as one JSON line, so that an
interrupted run can be resumed without redoing finished work.

Stage lines keep what a finished step produced (the sourcing, the consolidated decisions), so
a resumed run skips those steps too; the journal is deleted only when the plan is complete.
The first line is the run's fingerprint (a hash of the orders, catalog, warehouses, boxes and
plan settings); a journal from other inputs or settings is not reused. A torn last line (the
process died mid-write) is ignored."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any

from pydantic import TypeAdapter, ValidationError

from shipopt.domain.batch import Order, OrderLine, Sku, Warehouse
from shipopt.domain.packing import BoxType
from shipopt.domain.plan import Decision, OrderBook, PlanSettings
from shipopt.sourcing.nearest import Assignment, Sourcing

_DECISION: TypeAdapter[Decision] = TypeAdapter(Decision)


def fingerprint(*parts: Any) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(json.dumps(part, sort_keys=True, default=str).encode())
        digest.update(b"\0")
    return digest.hexdigest()


_ORDERS: TypeAdapter[list[Order]] = TypeAdapter(list[Order])


class Journal:
    """Append-only decisions of one run at ``path``."""

    def __init__(self, path: Path, run: str) -> None:
        self.path = path
        self.run = run
        self._fh: IO[str] | None = None
        self._pending = 0
        self.stages: dict[str, Any] = {}

    def load(self) -> dict[str, Decision]:
        """Decisions of an earlier run with the same fingerprint (empty otherwise); the stages
        it finished (sourcing, consolidation) are in :attr:`stages` after this."""
        self.stages = {}
        if not self.path.exists():
            return {}
        done: dict[str, Decision] = {}
        with self.path.open(encoding="utf-8") as fh:
            head = fh.readline()
            try:
                if json.loads(head).get("run") != self.run:
                    return {}
            except (json.JSONDecodeError, AttributeError):
                return {}
            for line in fh:
                try:
                    entry = json.loads(line)
                    if "stage" in entry:
                        self.stages[entry["stage"]] = entry["value"]
                    else:
                        done[entry["key"]] = _DECISION.validate_python(entry["decision"])
                except (json.JSONDecodeError, KeyError, TypeError, ValidationError):
                    break  # a torn last line: everything before it stands
        return done

    def start(self, keep: dict[str, Decision], stages: dict[str, Any] | None = None) -> None:
        """Begin writing: the header, then the stages and decisions kept from before."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = self.path.open("w", encoding="utf-8")
        self._fh.write(json.dumps({"run": self.run}) + "\n")
        for name, value in (stages or {}).items():
            self.stage(name, value)
        for key, decision in keep.items():
            self.add(key, decision)
        self._fh.flush()

    def stage(self, name: str, value: Any) -> None:
        """A finished stage's result (JSON), written at once: a resumed run starts after it."""
        assert self._fh is not None
        self._fh.write(json.dumps({"stage": name, "value": value}) + "\n")
        self._fh.flush()

    def add(self, key: str, decision: Decision) -> None:
        assert self._fh is not None
        payload = decision.model_dump_json()  # its own model's serializer: no union to try
        self._fh.write(f'{{"key": {json.dumps(key)}, "decision": {payload}}}\n')
        self._pending += 1
        if self._pending >= 50:
            self._fh.flush()
            self._pending = 0

    def close(self, finished: bool) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        if finished:
            self.path.unlink(missing_ok=True)


def run_fingerprint(
    book: OrderBook,
    skus: dict[str, Sku],
    warehouses: list[Warehouse],
    boxes: list[BoxType],
    settings: PlanSettings,
) -> str:
    """What a plan's decisions depend on: not how they are computed (workers, executor, Ray
    address, where the workers load the tables), since the plan is the same either way."""
    how = ("workers", "rate_tables", "executor", "ray_address")
    knobs = {k: v for k, v in asdict(settings).items() if k not in how}
    return fingerprint(
        hashlib.sha256(_ORDERS.dump_json(book.orders)).hexdigest(),  # the bulk, dumped at once
        [s.model_dump(mode="json") for s in skus.values()],
        [w.model_dump(mode="json") for w in warehouses],
        [b.model_dump(mode="json") for b in boxes],
        knobs,
    )


def sourcing_to_json(sourcing: Sourcing) -> dict[str, Any]:
    """The sourcing as JSON for the journal: each order's shipments as (warehouse, sku, qty)."""
    return {
        "assignments": [
            [
                a.order.id,
                [[wid, [[ln.sku, ln.quantity] for ln in lines]] for wid, lines in a.shipments],
            ]
            for a in sourcing.assignments
        ],
        "unplanned": sourcing.unplanned,
    }


def sourcing_from_json(data: dict[str, Any], orders: list[Order]) -> Sourcing:
    """The sourcing written by :func:`sourcing_to_json`, on the same orders."""
    by_id = {o.id: o for o in orders}
    assignments = [
        Assignment(
            by_id[oid],
            tuple(
                (wid, tuple(OrderLine(sku=sku, quantity=q) for sku, q in lines))
                for wid, lines in shipments
            ),
        )
        for oid, shipments in data["assignments"]
    ]
    return Sourcing(assignments, dict(data["unplanned"]))
