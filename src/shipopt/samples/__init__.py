"""The sample rate tables, box catalog, strategy file and example requests, shipped inside the
package: the defaults when the user names no folder of their own.

In the repository ``rate_tables`` and ``examples`` here are links to the top-level folders of
those names (the project's agreed layout); a built wheel holds copies.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def _here(name: str) -> Path:
    return Path(str(files(__name__) / name))


def rate_tables() -> Path:
    """The sample rate-table folder."""
    return _here("rate_tables")


def examples() -> Path:
    """The examples folder: boxes.json, plan.toml, quotes/, batch/, packing/, routes.json."""
    return _here("examples")


def boxes() -> Path:
    """The sample box catalog (JSON list of box types)."""
    return examples() / "boxes.json"


def workspace() -> Path:
    """The files ``shipopt init`` adds to the copies: shipopt.toml and README.md."""
    return _here("workspace")
