"""Write benchmark results as JSON and Markdown side by side, with the machine and command."""

from __future__ import annotations

import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def environment() -> dict[str, Any]:
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
    }


def markdown_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "(no rows)\n"
    cols = list(rows[0])
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(str(r.get(c, "")) for c in cols) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def write(name: str, title: str, summary: list[dict[str, Any]], details: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    env = environment()
    payload = {"benchmark": name, "environment": env, "summary": summary, **details}
    (RESULTS / f"{name}.json").write_text(json.dumps(payload, indent=2, default=str) + "\n")
    md = f"# {title}\n\n`{env['command']}` on {env['when']} ({env['machine']}, {env['cpus']} CPUs, "
    md += f"Python {env['python']})\n\n" + markdown_table(summary)
    for key, rows in details.items():
        if isinstance(rows, list) and rows and isinstance(rows[0], dict):
            md += f"\n## {key}\n\n" + markdown_table(rows)
    (RESULTS / f"{name}.md").write_text(md)
    return RESULTS / f"{name}.md"


def show(title: str, rows: list[dict[str, Any]]) -> None:
    """Print rows (dicts with the same keys) as a table."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for col in rows[0]:
        table.add_column(col)
    for row in rows:
        table.add_row(*(str(v) for v in row.values()))
    Console().print(table)
