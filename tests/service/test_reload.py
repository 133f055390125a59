"""Issue 14 (service): rate tables reloaded without a restart, validated first, swapped at
once; a bad folder leaves the old tables serving; no request fails during a swap."""

import shutil
import threading
from pathlib import Path

from fastapi.testclient import TestClient

from shipopt.api import create_app, examples
from shipopt.api.config import hash_key
from tests.conftest import SAMPLE_TABLES
from tests.service.conftest import AUTH, settings

ADMIN = {"Authorization": "Bearer sk_admin"}


def _versions(c: TestClient) -> set[str]:
    rates = c.post("/v1/quotes", json=examples.QUOTE, headers=AUTH).json()["rates"]
    return {r["table_version"] for r in rates if r["carrier"] == "summit"}


def _set_version(folder: Path, version: str) -> None:
    for toml in folder.rglob("*.toml"):
        text = toml.read_text()
        if 'carrier = "summit"' in text:
            lines = [
                f'version = "{version}"' if ln.startswith("version = ") else ln
                for ln in text.splitlines()
            ]
            toml.write_text("\n".join(lines) + "\n")


def test_reload_swaps_or_keeps_the_old_tables(tmp_path: Path) -> None:
    tables = tmp_path / "tables"
    shutil.copytree(SAMPLE_TABLES, tables)
    s = settings(tmp_path, rate_tables=tables, admin_key_hashes=[hash_key("sk_admin")])
    with TestClient(create_app(s)) as c:
        before = _versions(c)
        _set_version(tables, "2099.9")
        assert c.post("/v1/admin/reload", headers=AUTH).status_code == 403  # not an admin key
        assert _versions(c) == before  # nothing reloaded yet
        r = c.post("/v1/admin/reload", headers=ADMIN)
        assert r.status_code == 200, r.text
        assert _versions(c) == {"2099.9"}
        assert "2099.9" in r.json()["versions"]["summit/ground"]
        assert 'version="2099.9"' in c.get("/metrics").text
        broken = next(tables.rglob("*.csv"))
        broken.write_text("weight_lb,2,3\n1,abc,1.00\n")
        bad = c.post("/v1/admin/reload", headers=ADMIN)
        assert bad.status_code == 422 and broken.name in bad.text
        assert _versions(c) == {"2099.9"}  # the old set keeps serving
        assert c.post("/v1/admin/reload").status_code == 401


def test_no_request_fails_during_swaps(tmp_path: Path) -> None:
    s = settings(tmp_path, admin_key_hashes=[hash_key("sk_admin")])
    with TestClient(create_app(s)) as c:
        failures: list[int] = []
        answered = [0]
        stop = threading.Event()

        def load() -> None:
            while not stop.is_set():
                r = c.post("/v1/quotes", json=examples.QUOTE, headers=AUTH)
                answered[0] += 1
                if r.status_code != 200 or not r.json()["rates"]:
                    failures.append(r.status_code)

        threads = [threading.Thread(target=load) for _ in range(4)]
        for t in threads:
            t.start()
        reloads = [c.post("/v1/admin/reload", headers=ADMIN).status_code for _ in range(5)]
        stop.set()
        for t in threads:
            t.join()
        assert reloads == [200] * 5
        assert failures == [] and answered[0] > 20


def test_sighup_reloads_a_running_server(tmp_path: Path) -> None:
    import os
    import signal
    import time

    import httpx2 as httpx

    from tests.service.test_restart import AUTH as KEYED
    from tests.service.test_restart import _free_port, _kill, _start

    tables = tmp_path / "tables"
    shutil.copytree(SAMPLE_TABLES, tables)
    port = _free_port()
    server = _start(
        port, f"sqlite:///{tmp_path / 'j.db'}", tmp_path / "log", rate_tables=str(tables)
    )
    try:
        url = f"http://127.0.0.1:{port}/v1/quotes"

        def versions() -> set[str]:
            rates = httpx.post(url, json=examples.QUOTE, headers=KEYED, timeout=10).json()["rates"]
            return {r["table_version"] for r in rates if r["carrier"] == "summit"}

        assert "2099.9" not in versions()
        _set_version(tables, "2099.9")
        os.kill(server.pid, signal.SIGHUP)
        end = time.monotonic() + 20
        while versions() != {"2099.9"}:
            assert time.monotonic() < end, (tmp_path / "log").read_text()[-2000:]
            time.sleep(0.2)
    finally:
        _kill(server)
