"""The planner's page as one self-contained HTML file: the page, its script and styles,
Leaflet (from the xstatic-leaflet package), the state outlines and the plan's data inline,
so it opens from the file system with no server and no internet."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from shipopt.domain.plan import Plan, summarize
from shipopt.errors import InputError, Problem

STATIC = Path(__file__).resolve().parent / "static"


def _leaflet() -> tuple[str, str]:
    try:
        from xstatic.pkg import leaflet
    except ImportError as exc:
        raise InputError(
            Problem("web", "the planner's page needs the web extra: pip install 'shipopt[web]'")
        ) from exc
    base = Path(leaflet.BASE_DIR)
    return (base / "leaflet.js").read_text(encoding="utf-8"), (base / "leaflet.css").read_text(
        encoding="utf-8"
    )


def _script_safe(text: str) -> str:
    """Text that cannot close the <script> or <style> element it is inlined in."""
    return text.replace("</", "<\\/")


def page(data: dict[str, Any] | None, config: dict[str, str] | None = None) -> str:
    """The page; ``data`` inline (a report) or None (served: it reads the HTTP API, with the
    service's ``config``: its map tile server)."""
    from shipopt.web.basemap import us_states_json

    js, css = _leaflet()
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    parts = {
        "/*LEAFLET_CSS*/": css,
        "/*APP_CSS*/": (STATIC / "app.css").read_text(encoding="utf-8"),
        "/*PLAN_DATA*/": _script_safe(json.dumps(data, separators=(",", ":"))) if data else "null",
        "/*US_STATES*/": _script_safe(us_states_json()),
        "/*APP_CONFIG*/": _script_safe(json.dumps(config or {})),
        "/*LEAFLET_JS*/": _script_safe(js),
        "/*APP_JS*/": _script_safe((STATIC / "app.js").read_text(encoding="utf-8")),
    }
    for marker, text in parts.items():
        html = html.replace(marker, text, 1)
    return html


def plan_data(
    plan: Plan, title: str, compare: list[dict[str, Any]] | None = None, tile_url: str = ""
) -> dict[str, Any]:
    """What the page shows of one plan: the plan itself, its summary (the numbers of
    summary.md), an optional strategy comparison and tile server."""
    return {
        "title": title,
        "plan": plan.model_dump(mode="json"),
        "summary": summarize(plan).model_dump(mode="json"),
        "compare": compare,
        "tile_url": tile_url,
    }


def write_report(
    plan_dir: Path, out: Path | None = None, compare: Path | None = None, tile_url: str = ""
) -> Path:
    """``plan_dir/report.html`` (or ``out``) for the plan folder's ``plan.json``; with
    ``compare`` (a ``compare.json`` of ``shipopt plan compare``) the comparison too."""
    source = plan_dir / "plan.json"
    if not source.is_file():
        raise InputError(
            Problem(str(plan_dir), "no plan.json: give a folder written by shipopt plan run")
        )
    plan = Plan.model_validate_json(source.read_text(encoding="utf-8"))
    rows = None
    if compare is not None:
        try:
            rows = json.loads(compare.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise InputError(Problem(str(compare), f"cannot read the comparison: {exc}")) from exc
    target = out or plan_dir / "report.html"
    data = plan_data(plan, f"Plan {plan_dir.resolve().name} ({plan.strategy})", rows, tile_url)
    target.write_text(page(data), encoding="utf-8")
    return target
