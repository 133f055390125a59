"""The README's "Your own contract" walkthrough, command by command, on examples/contract."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from shipopt.cli.main import app
from tests.conftest import ROOT

runner = CliRunner()
E = ROOT / "examples" / "contract"


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_walkthrough(tmp_path: Path) -> None:
    into = str(tmp_path / "my_tables")
    acme = ["--into", into, "--carrier", "acme"]
    run(
        "rates",
        "import",
        "list-rates",
        str(E / "acme_ground_rates.csv"),
        str(E / "acme_air_rates.xlsx"),
        *acme,
        "--carrier-name",
        "Acme",
    )
    run("rates", "import", "zone-chart", str(E / "acme_zone_chart_606.csv"), *acme)
    run(
        "rates",
        "import",
        "incentives",
        str(E / "acme_incentives.xlsx"),
        *acme,
        "--declared-spend",
        "12000",
        "--name",
        "Agreement P-2026-118",
    )
    out = run(
        "rates",
        "import",
        "delivery-areas",
        str(E / "acme_das_zips.csv"),
        *acme,
        "--amount",
        "delivery_area=4.20/5.90",
        "--amount",
        "extended=5.10/7.25",
        "--amount",
        "alaska=40.00",
        "--amount",
        "hawaii=15.00/17.50",
    )
    assert "7 ZIPs delivery_area" in out
    run("rates", "import", "fuel", str(E / "acme_fuel.csv"), *acme)
    shutil.copy(E / "checkout_markup.toml", into)
    run("rates", "validate", into)
    answer = json.loads(
        run(
            "quote",
            "--from",
            "60601",
            "--to",
            "10001",
            "--weight",
            "4lb",
            "--dims",
            "6x6x6in",
            "--ship-at",
            "2026-12-01T09:00:00",
            "--tables",
            into,
            "--json",
        )
    )
    choice = answer["choice"]
    assert choice["service"] == "ground"
    prices = choice["prices"]
    assert (prices["list"]["total"], choice["total"], prices["sell"]["total"]) == (
        "18.50",
        "12.84",
        "15.99",
    )
    lines = {c["code"]: Decimal(c["amount"]) for c in prices["net"]["charges"]}
    assert lines == {
        "base": Decimal("15.42"),
        "incentive_base": Decimal("-4.63"),
        "fuel": Decimal("2.16"),
        "incentive_fuel": Decimal("-0.11"),
    }


def test_a_bad_file_exits_2_with_the_row(tmp_path: Path) -> None:
    bad = tmp_path / "ground.csv"
    bad.write_text("Acme Ground\nEffective 2026-01-05\nWeight,Zone 2\n1,9.OO\n")
    result = runner.invoke(
        app,
        [
            "rates",
            "import",
            "list-rates",
            str(bad),
            "--into",
            str(tmp_path / "t"),
            "--carrier",
            "acme",
        ],
    )
    assert result.exit_code == 2
    assert "ground.csv: row 4, column B" in result.output and "Traceback" not in result.output
    unknown = runner.invoke(
        app, ["rates", "import", "zones", str(bad), "--into", "x", "--carrier", "acme"]
    )
    assert unknown.exit_code == 2 and "unknown kind 'zones'" in unknown.output
