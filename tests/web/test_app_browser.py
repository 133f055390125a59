"""The planner's page served by the HTTP service at /app, in headless Chromium: a wrong key
is refused, the right one lists the plans, a re-plan of the sample day runs to completion
from the page and opens; the page reads everything through the public HTTP API."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from shipopt.api import create_app
from tests.service.conftest import KEY, settings
from tests.web.conftest import SHOTS, needs_chromium

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("app")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(
        create_app(settings(folder)), host="127.0.0.1", port=port, log_level="warning"
    )
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running.started
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=30)


def test_a_wrong_key_is_refused(browser: Any, server: str) -> None:
    page = browser.new_page()
    page.goto(f"{server}/app")
    page.fill("#api-key", "sk_wrong")
    page.click("#signin-form button")
    page.wait_for_selector("#signin-error:not([hidden])")
    assert "refused" in page.inner_text("#signin-error")
    assert page.locator("#jobs").is_hidden()
    assert "sk_wrong" not in page.url
    page.close()


def test_replan_from_the_page_runs_and_opens(browser: Any, server: str, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{server}/app")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "signin.png"))
    page.fill("#api-key", KEY)
    page.click("#signin-form button")
    page.wait_for_selector("#jobs:not([hidden])")
    assert KEY not in page.url
    page.select_option("#strategy", "cheapest")
    page.click("#sample")
    page.wait_for_selector("#tabs:not([hidden])", timeout=120_000)  # done, reloaded, opened
    from shipopt.api.routes.planner import sample_day

    orders = len(sample_day()["orders"])
    assert page.locator('.card[data-key="Orders"] .v').inner_text() == str(orders)
    page.click("#tab-orders")
    assert page.inner_text("#count").endswith("rows")
    page.click("#to-plans")
    page.wait_for_selector("#jobs:not([hidden])")
    assert page.locator("#job-table tbody tr").count() == 1
    assert "succeeded" in page.inner_text("#job-table tbody")
    page.check("#job-table input.pick")
    page.click("#compare-picked")
    page.wait_for_selector("#job-compare table")
    assert page.locator("#job-compare tbody tr").count() == 1
    page.screenshot(path=str(SHOTS / "plans.png"))
    assert errors == []
    page.close()
