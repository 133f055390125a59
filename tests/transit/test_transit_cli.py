"""shipopt sample history and shipopt transit fit from the command line; bad rows are listed."""

from pathlib import Path

from typer.testing import CliRunner

from shipopt.cli.main import app
from shipopt.transit.model import TransitModel

runner = CliRunner()


def test_sample_then_fit(tmp_path: Path) -> None:
    history = tmp_path / "h.csv"
    made = runner.invoke(
        app, ["sample", "history", "--rows", "5000", "--seed", "2", "--out", str(history)]
    )
    assert made.exit_code == 0, made.output
    with history.open("a") as fh:
        fh.write(
            "X1,continental,ground,60601,10001,2026-03-05T10:00:00,2026-03-02T12:00:00,,false,\n"
        )
    model = tmp_path / "m.npz"
    fitted = runner.invoke(app, ["transit", "fit", str(history), "--out", str(model)])
    assert fitted.exit_code == 0, fitted.output
    assert "1 delivered before shipped" in fitted.output and "bad row(s)" in fitted.output
    assert TransitModel.load(model).services
    missing = runner.invoke(
        app, ["transit", "fit", str(tmp_path / "none.csv"), "--out", str(model)]
    )
    assert missing.exit_code == 2 and "file not found" in missing.output
