"""The planner's report in a real headless Chromium (Debian's; .ci/run installs it): every
view loads with no console error, the numbers are the plan's, the table filters, the map
draws every route, the 3D view paints, keyboard navigation and an axe-core check pass.
Screenshots of each view go to out/screenshots/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from shipopt.cli.main import app
from tests.conftest import ROOT
from tests.web.conftest import SHOTS, needs_chromium

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    root = tmp_path_factory.mktemp("report")
    runner = CliRunner()
    day = root / "day"
    for args in (
        ["sample", "orders", "--n", "160", "--seed", "3", "--local-share", "0.3", "--out", str(day)],
        ["plan", "run", "--orders", str(day / "orders.csv"), "--skus", str(day / "skus.csv"),
         "--warehouses", str(day / "warehouses.json"), "--boxes", str(ROOT / "examples" / "boxes.json"),
         "--pack-effort", "fast", "--out", str(root / "plan")],
        ["plan", "report", str(root / "plan")],
    ):  # fmt: skip
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    plan = json.loads((root / "plan" / "plan.json").read_text())
    return root / "plan" / "report.html", plan


def open_page(browser: Any, path: Path) -> tuple[Any, list[str]]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "request",
        lambda r: errors.append(f"network: {r.url}") if r.url.startswith("http") else None,
    )
    page.goto(path.as_uri())
    return page, errors


def test_every_view_loads_offline_with_the_plans_numbers(
    browser: Any, report: tuple[Path, dict[str, Any]]
) -> None:
    path, plan = report
    page, errors = open_page(browser, path)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "overview.png"))
    planned = sum(o["status"] == "planned" for o in plan["orders"])
    assert page.locator('.card[data-key="Planned"] .v').inner_text() == str(planned)
    for name in ("orders", "routes", "boxes", "compare"):
        page.click(f"#tab-{name}")
        page.wait_for_timeout(300)
        assert page.locator(f"#{name}").is_visible()
        page.screenshot(path=str(SHOTS / f"{name}.png"))
    assert errors == []


def test_orders_table_filters_sorts_and_searches(
    browser: Any, report: tuple[Path, dict[str, Any]]
) -> None:
    path, plan = report
    page, errors = open_page(browser, path)
    page.click("#tab-orders")
    rows = sum(max(1, len(o["shipments"])) for o in plan["orders"])
    assert page.inner_text("#count") == f"{rows} of {rows} rows"
    unplanned = sum(o["status"] == "unplanned" for o in plan["orders"])
    page.select_option("#f-status", "unplanned")
    assert page.inner_text("#count") == f"{unplanned} of {rows} rows"
    assert page.locator("#order-table tbody tr").count() == min(unplanned, 100)
    page.select_option("#f-status", "")
    target = plan["orders"][7]["order_id"]
    page.fill("#search", target)
    page.wait_for_timeout(400)
    shown = page.locator("#order-table tbody tr td:first-child").all_inner_texts()
    assert shown and all(target in t for t in shown)
    page.fill("#search", "")
    page.wait_for_timeout(400)
    page.click("#order-table thead th:nth-child(7) button")  # cost, ascending
    page.click("#order-table thead th:nth-child(7) button")  # descending
    highest = max(float(s["total"]) for o in plan["orders"] for s in o["shipments"])
    first = page.locator("#order-table tbody tr").first.locator("td").nth(6).inner_text()
    assert float(first.replace("$", "").replace(",", "")) == highest
    assert page.get_attribute("#order-table thead th:nth-child(7)", "aria-sort") == "descending"
    assert errors == []


def test_map_draws_every_route_and_the_box_view_paints(
    browser: Any, report: tuple[Path, dict[str, Any]]
) -> None:
    path, plan = report
    page, errors = open_page(browser, path)
    page.click("#tab-routes")
    page.wait_for_timeout(400)
    assert plan["routes"], "the sample day should give the vans some stops"
    assert page.locator("path.route-line").count() == len(plan["routes"])
    stops = sum(len(r["stops"]) for r in plan["routes"])
    assert page.locator(".stop-icon").count() == stops
    page.locator(".stop-icon").first.click()
    assert "ETA" in page.inner_text(".leaflet-popup-content")
    page.click("#tab-boxes")
    page.wait_for_timeout(300)
    painted = page.evaluate(
        """() => { const c = document.getElementById('box-canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i] < 200 || d[i + 1] < 200) n++; return n; }"""
    )
    assert painted > 500
    before = page.locator("#box-canvas").screenshot()
    page.focus("#box-canvas")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("+")
    assert page.locator("#box-canvas").screenshot() != before  # rotated and zoomed
    assert page.locator("#legend li").count() >= 1
    assert errors == []


def test_keyboard_navigation_and_accessibility(
    browser: Any, report: tuple[Path, dict[str, Any]]
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    path, _ = report
    page, errors = open_page(browser, path)
    page.focus("#tab-overview")
    page.keyboard.press("ArrowRight")
    assert page.get_attribute("#tab-orders", "aria-selected") == "true"
    assert page.locator("#orders").is_visible()
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], [(v["id"], v["help"]) for v in serious]
    assert errors == []
