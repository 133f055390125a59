"""Issue 13: a wheel built from the repository works from any folder. It is installed into a
fresh virtual environment (dependencies taken from this one's site-packages, so nothing is
downloaded) and run from an empty folder: version, demo, a quote, a workspace, a small plan,
and the service answering."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import venv
from pathlib import Path

import httpx2 as httpx
import pytest

from shipopt.client import ShipoptClient
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX paths")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin`` folder of a fresh venv holding the wheel."""
    base = tmp_path_factory.mktemp("wheel")
    wheels = base / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(wheels), str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = wheels.glob("shipopt-*.whl")
    env_dir = base / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    target = Path(
        sysconfig.get_path("purelib", vars={"base": str(env_dir), "platbase": str(env_dir)})
    )
    # the dependencies from this environment (a plain path line: its .pth files, among them
    # the editable install of the source tree, are not processed)
    (target / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    python = env_dir / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q",
         str(wheel)],
        check=True, capture_output=True,
    )  # fmt: skip
    return env_dir / "bin"


def _run(bin_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHIPOPT_")}
    env.pop("PYTHONPATH", None)
    return subprocess.run(
        [str(bin_dir / "shipopt"), *args], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip


def test_the_installed_package_is_the_wheel(installed: Path, tmp_path: Path) -> None:
    out = subprocess.run(
        [str(installed / "python"), "-c", "import shipopt; print(shipopt.__file__, shipopt.__version__)"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    path, version = out.split()
    assert "site-packages" in path and str(ROOT / "src") not in path
    assert version == "0.1.0"
    assert _run(installed, tmp_path, "--version").stdout.strip() == "shipopt 0.1.0"


def test_demo_quote_and_plan_from_an_empty_folder(installed: Path, tmp_path: Path) -> None:
    demo = _run(installed, tmp_path, "demo")
    assert demo.returncode == 0, demo.stderr
    assert "01_residential_box.json" in demo.stdout
    quote = _run(installed, tmp_path, "quote", "--from", "10001", "--to", "94105",
                 "--weight", "2 lb", "--dims", "10x8x4 in", "--json")  # fmt: skip
    assert quote.returncode == 0, quote.stderr
    assert json.loads(quote.stdout)["choice"]["total"]
    ws = tmp_path / "ws"
    made = _run(installed, tmp_path, "init", str(ws))
    assert made.returncode == 0, made.stderr
    plan = _run(installed, ws, "plan", "run", "--orders", "day/orders.csv", "--skus",
                "day/skus.csv", "--warehouses", "day/warehouses.json", "--config", "plan.toml",
                "--pack-effort", "fast", "--workers", "1", "--out", "plan")  # fmt: skip
    assert plan.returncode == 0, plan.stderr + plan.stdout
    decisions = json.loads((ws / "plan" / "plan.json").read_text())["orders"]
    assert decisions and all(d["status"] in ("planned", "unplanned") for d in decisions)
    assert not list(tmp_path.glob("*.json"))  # nothing written outside the folders named


def test_serve_answers_from_an_empty_folder(installed: Path, tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHIPOPT_")}
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [str(installed / "shipopt"), "serve", "--insecure-dev", "--port", str(port)],
        cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        end = time.monotonic() + 60
        while True:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1)
                if r.status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < end, (tmp_path / "serve.log").read_text()
            time.sleep(0.2)
        assert "services" in r.json()["checks"]["rate_tables"]
        docs = httpx.get(f"http://127.0.0.1:{port}/docs", timeout=5)
        assert docs.status_code == 200
        with ShipoptClient(f"http://127.0.0.1:{port}", timeout=10) as api:
            assert api.health().status == "ok"
            assert len(api.services()) > 5  # --insecure-dev: no key needed
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
