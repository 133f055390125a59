"""The packer's compiled core: ``extreme_points_core`` compiled by mypyc into the C extension
``shipopt_ep_native`` (about 1.6 times faster cartonization), built by ``make`` where a C
compiler is found. ``core()`` returns the extension only when it was built from the source as
it is now (its SHA-256 is stored beside it); else, or with ``SHIPOPT_PURE_PYTHON=1``, the same
code as Python. Build: ``python -c "from shipopt.packing.native import main; main()"``."""

from __future__ import annotations

import hashlib
import importlib
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from types import ModuleType

NATIVE = "shipopt_ep_native"
SOURCE = Path(__file__).with_name("extreme_points_core.py")


def _digest() -> str:
    return hashlib.sha256(SOURCE.read_bytes()).hexdigest()


def _stamp(where: Path) -> Path:
    return where / f"{NATIVE}.sha256"


def core() -> ModuleType:
    """The compiled core if it matches the source, else the Python one."""
    if os.environ.get("SHIPOPT_PURE_PYTHON") != "1":
        try:
            native = importlib.import_module(NATIVE)
        except ImportError:
            pass
        else:
            stamp = _stamp(Path(native.__file__ or "").parent)
            if stamp.is_file() and stamp.read_text().strip() == _digest():
                return native
    return importlib.import_module("shipopt.packing.extreme_points_core")


def build(target: Path) -> str:
    """Compile the core into ``target``; what happened, in a sentence (never raises: without a
    C compiler the Python core is used)."""
    if shutil.which(os.environ.get("CC", "gcc")) is None and shutil.which("cc") is None:
        return "no C compiler found: the packer runs as Python"
    with tempfile.TemporaryDirectory(prefix="shipopt-native-") as tmp:
        work = Path(tmp)
        shutil.copyfile(SOURCE, work / f"{NATIVE}.py")
        done = subprocess.run(
            [sys.executable, "-m", "mypyc", f"{NATIVE}.py"],
            cwd=work,
            capture_output=True,
            text=True,
            check=False,
        )
        built = sorted(work.glob(f"{NATIVE}*.so")) + sorted(work.glob(f"{NATIVE}*.pyd"))
        if done.returncode != 0 or not built:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            return f"mypyc failed ({tail[0]}): the packer runs as Python"
        for old in target.glob(f"{NATIVE}*"):
            old.unlink()
        for lib in built:
            shutil.copyfile(lib, target / lib.name)
    _stamp(target).write_text(_digest() + "\n")
    return f"compiled packer core installed in {target}"


def main() -> None:
    """Build into this interpreter's site-packages and say what happened."""
    print(build(Path(sysconfig.get_paths()["platlib"])))
