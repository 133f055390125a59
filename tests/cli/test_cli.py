import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shipopt.cli.main import app
from tests.conftest import ROOT, SAMPLE_TABLES

runner = CliRunner()
TABLES = ["--tables", str(SAMPLE_TABLES)]


def test_quick_quote_json() -> None:
    result = runner.invoke(
        app,
        [
            "quote",
            "--from",
            "10001",
            "--to",
            "94105",
            "--weight",
            "5lb",
            "--dims",
            "12x10x8in",
            "--ship-at",
            "2026-12-01T10:00:00",
            "--json",
            *TABLES,
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["choice"]["carrier"] and data["choice"]["total"]
    assert data["rates"][0]["total"] == data["choice"]["total"]


def test_quote_table_output() -> None:
    req = ROOT / "examples" / "quotes" / "01_residential_box.json"
    result = runner.invoke(app, ["quote", str(req), *TABLES])
    assert result.exit_code == 0, result.output
    assert "continental/ground" in result.stdout and "Chose" in result.stdout


def test_bad_inputs_give_messages_not_tracebacks(tmp_path: Path) -> None:
    cases = [
        (
            ["quote", "--from", "10001", "--to", "00000", "--weight", "5lb", "--dims", "12x10x8in"],
            "shipment.destination.postal_code: unknown ZIP code 00000",
        ),
        (
            [
                "quote",
                "--from",
                "10001",
                "--to",
                "94105",
                "--weight",
                "-5lb",
                "--dims",
                "12x10x8in",
            ],
            "shipment.parcels[0].weight: must be greater than zero",
        ),
        (
            [
                "quote",
                "--from",
                "10001",
                "--to",
                "94105",
                "--weight",
                "5 stone",
                "--dims",
                "12x10x8in",
            ],
            "unknown mass unit",
        ),
        (
            ["quote", "--from", "10001", "--to", "94105", "--weight", "5lb", "--dims", "12x0x8in"],
            "shipment.parcels[0].dimensions.width: must be greater than zero",
        ),
        (["quote", "--from", "10001"], "--to: required"),
    ]
    for args, message in cases:
        result = runner.invoke(app, [*args, *TABLES])
        assert result.exit_code == 2, (args, result.output)
        assert message in " ".join(result.output.split()), (message, result.output)
        assert "Traceback" not in result.output
    broken = tmp_path / "broken.json"
    broken.write_text('{"shipment": {')
    result = runner.invoke(app, ["quote", str(broken), *TABLES])
    assert result.exit_code == 2 and "not valid JSON" in result.output and "line 1" in result.output
    result = runner.invoke(app, ["quote", str(tmp_path / "absent.json"), *TABLES])
    assert result.exit_code == 2 and "cannot read" in result.output


def test_rates_validate_and_list(tmp_path: Path) -> None:
    ok = runner.invoke(app, ["rates", "validate", str(SAMPLE_TABLES)])
    assert ok.exit_code == 0 and "ok" in ok.output
    (tmp_path / "bad.toml").write_text('carrier = "x"\n')
    bad = runner.invoke(app, ["rates", "validate", str(tmp_path)])
    assert bad.exit_code == 2 and "bad.toml" in bad.output and "Field required" in bad.output
    listed = runner.invoke(app, ["rates", "list", "--json", *TABLES])
    assert {row["key"] for row in json.loads(listed.stdout)} >= {
        "continental/ground",
        "freightline/ltl",
    }


def test_pack_palletize_and_load1d(tmp_path: Path) -> None:
    order = ROOT / "examples" / "packing" / "order.json"
    result = runner.invoke(app, ["pack", str(order), "--plot", str(tmp_path / "p.png")])
    assert result.exit_code == 0, result.output
    assert "checked" in result.output and (tmp_path / "p.png").stat().st_size > 10_000
    data = json.loads(runner.invoke(app, ["pack", str(order), "--json"]).stdout)
    assert {b["box"] for b in data["boxes"]} >= {"OWN_PACKAGING"}
    pallets = runner.invoke(
        app, ["palletize", str(ROOT / "examples" / "packing" / "pallets.json"), "--json"]
    )
    assert pallets.exit_code == 0 and json.loads(pallets.stdout)["pallets"]
    one_d = runner.invoke(
        app, ["load1d", "--capacity", "10", "4", "4", "3", "3", "3", "3", "--json"]
    )
    assert json.loads(one_d.stdout)["bins"] == [[4, 3, 3], [4, 3, 3]]


def test_pack_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "items": [{"sku": "A", "dimensions": "1x1x1 in", "weight": "1 lb", "quantity": 0}],
                "boxes": [],
            }
        )
    )
    result = runner.invoke(app, ["pack", str(bad)])
    assert (
        result.exit_code == 2 and "items[0].quantity" in result.output and "boxes" in result.output
    )
    result = runner.invoke(app, ["load1d", "--capacity", "10", "11"])
    assert result.exit_code == 2 and "at most the capacity" in result.output


def test_ship_at_at_the_end_of_time_is_an_input_error() -> None:
    args = ["quote", "--from", "10001", "--to", "94105", "--weight", "5lb", "--dims", "12x10x8in"]
    result = runner.invoke(app, [*args, "--ship-at", "9999-12-30T10:00:00", *TABLES])
    assert result.exit_code == 2, result.output
    assert "shipment.ship_at: must be between" in result.output
    assert "Traceback" not in result.output and "OverflowError" not in result.output


QUICK = ["quote", "--from", "10001", "--to", "94105", "--weight", "5lb", "--dims", "12x10x8in"]


def test_unknown_carrier_is_an_error_listing_the_known_ones() -> None:
    result = runner.invoke(app, [*QUICK, "--carrier", "nosuch", *TABLES])
    assert result.exit_code == 2, result.output
    assert "constraints.carriers[0]: unknown carrier 'nosuch'" in result.output
    assert "continental" in result.output and "nationalpost" in result.output
    result = runner.invoke(app, [*QUICK, "--exclude-carrier", "nosuch", *TABLES])
    assert result.exit_code == 2 and "constraints.exclude_carriers[0]" in result.output


def test_deliver_by_before_the_ship_date_says_so() -> None:
    args = [*QUICK, "--ship-at", "2026-12-01T10:00:00", "--deliver-by", "2026-11-30", *TABLES]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "2026-11-30 is before the ship date 2026-12-01" in result.output


def test_markup_in_paths_and_messages_is_printed_as_written(tmp_path: Path) -> None:
    result = runner.invoke(app, ["quote", "[/x].json"])  # once a MarkupError and a traceback
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "[/x].json" in result.output
    folder = tmp_path / "[red]x"
    folder.mkdir()
    result = runner.invoke(app, ["quote", str(folder / "missing.json")])
    assert result.exit_code == 2 and "[red]x" in result.output


def test_route_request_writes_its_plot_and_solution(tmp_path: Path) -> None:
    sol, png = tmp_path / "r.sol", tmp_path / "r.png"
    request = ROOT / "examples" / "routes.json"
    result = runner.invoke(
        app, ["route", "solve", str(request), "--plot", str(png), "--write-sol", str(sol)]
    )
    assert result.exit_code == 0, result.output
    lines = sol.read_text().splitlines()
    assert lines[0].startswith("Route #1: ") and lines[-1].startswith("Cost ")
    stops = len(json.loads(request.read_text())["stops"])
    visited = [int(v) for ln in lines[:-1] for v in ln.split(":")[1].split()]
    assert len(visited) == len(set(visited)) and all(1 <= v <= stops for v in visited)
    assert png.stat().st_size > 1000


def test_plan_run_help_lists_every_strategy() -> None:
    result = runner.invoke(app, ["plan", "run", "--help"], env={"COLUMNS": "200"})
    for name in ("cheapest", "fastest", "nearest-warehouse", "no-cartonization", "full"):
        assert name in result.output, name


@pytest.mark.parametrize("command", ["pack", "palletize", "quote"])
def test_a_file_that_is_not_utf8_is_an_error(tmp_path: Path, command: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\xff\xfe{")
    result = runner.invoke(app, [command, str(bad)])
    assert result.exit_code == 2 and "not UTF-8" in result.output, result.output
    assert "Traceback" not in result.output


def test_plan_help_comes_from_the_plan_options_model() -> None:
    """Issue 12: one definition of the plan knobs; the CLI's help is built from it."""
    from shipopt.domain.plan import PlanOptions

    result = runner.invoke(app, ["plan", "run", "--help"], env={"COLUMNS": "400"})
    flat = " ".join(result.output.replace("│", " ").split())
    for name in ("strategy", "pack_effort", "day", "seed"):
        description = PlanOptions.model_fields[name].description
        assert description is not None and " ".join(description.split()) in flat, name
    assert "shipopt[ray]" in flat  # not eaten as markup


def test_plan_run_plans_the_day_given(tmp_path: Path) -> None:
    batch = ROOT / "examples" / "batch"
    out = tmp_path / "plan"
    args = ["plan", "run", "--orders", str(batch / "orders.csv"), "--skus", str(batch / "skus.csv"),
            "--warehouses", str(batch / "warehouses.json"), "--boxes",
            str(ROOT / "examples" / "boxes.json"), "--out", str(out), "--workers", "1",
            "--pack-effort", "fast", "--day", "2026-12-03", "--tables", str(SAMPLE_TABLES)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    plan = json.loads((out / "plan.json").read_text())
    dates = [s["ship_date"] for o in plan["orders"] for s in o["shipments"]]
    assert dates and min(dates) >= "2026-12-03"
    bad = runner.invoke(app, [*args[:-4], "--day", "12/03/2026"])
    assert bad.exit_code == 2 and "day" in bad.output and "Traceback" not in bad.output


def test_the_module_runs_every_command() -> None:
    # the benchmarks call ``python -m shipopt.cli.main plan run``: the groups registered after
    # the module's own commands must be there too
    import subprocess
    import sys

    for group in ("plan", "sample"):
        done = subprocess.run(
            [sys.executable, "-m", "shipopt.cli.main", group, "--help"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
