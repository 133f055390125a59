"""``shipopt init DIR``: a starter workspace of editable copies of the samples."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from shipopt import samples
from shipopt.cli.common import console
from shipopt.cli.errors import fail
from shipopt.errors import Problem
from shipopt.settings import PROJECT_FILE


def init(
    folder: Annotated[Path, typer.Argument(help="The workspace folder to create.")],
    force: Annotated[bool, typer.Option(help="Write into a folder that is not empty.")] = False,
) -> None:
    """Write a starter workspace: editable copies of the sample rate tables, boxes, a strategy
    file, a small day of orders, example quotes, a project settings file and a README."""
    if folder.exists() and not folder.is_dir():
        fail([Problem(str(folder), "exists and is not a folder")])
    if folder.is_dir() and any(folder.iterdir()) and not force:
        fail([Problem(str(folder), "is not empty (use --force to write into it)")])
    examples = samples.examples()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copytree(samples.rate_tables(), folder / "rate_tables", dirs_exist_ok=True)
        shutil.copytree(examples / "batch", folder / "day", dirs_exist_ok=True)
        shutil.copytree(examples / "quotes", folder / "quotes", dirs_exist_ok=True)
        shutil.copyfile(samples.boxes(), folder / "boxes.json")
        plan = (examples / "plan.toml").read_text(encoding="utf-8")
        (folder / "plan.toml").write_text(
            plan.replace("examples/plan.toml", "plan.toml"), encoding="utf-8"
        )
        for name in (PROJECT_FILE, "README.md"):
            shutil.copyfile(samples.workspace() / name, folder / name)
    except OSError as exc:
        fail([Problem(str(folder), f"cannot write: {exc}")])
    console.print(f"workspace: {escape(str(folder))} (see its README.md; run commands from there)")
