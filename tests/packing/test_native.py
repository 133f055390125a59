"""The compiled packer core answers exactly as the Python one, and is used only when current."""

from __future__ import annotations

import importlib
from fractions import Fraction
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import shipopt.packing.extreme_points_core as pure
from shipopt.packing import native

RULES = ("any", "upright", "fixed")


def _native() -> ModuleType | None:
    try:
        module = importlib.import_module(native.NATIVE)
    except ImportError:
        return None
    return module if native.core() is module else None


def _run(core: ModuleType, spec: dict[str, Any]) -> tuple[object, ...]:
    items = [
        core.PItem(k, core.rotations(*dims, rule), weight, fragile, stack)
        for k, (dims, rule, weight, fragile, stack) in enumerate(spec["items"])
    ]
    bins, left = core.pack_sequence(
        items, *spec["size"], spec["capacity"], spec["support"], spec["merit"], spec["max_bins"]
    )
    out: list[object] = [tuple(i.key for i in left)]
    for bn in bins:
        where = {id(i): n for n, i in enumerate(items)}
        recipe = bn.recipe(where)
        again = core.Bin.cooked(recipe, items, spec["size"], spec["capacity"], spec["support"])
        assert again.recipe(where) == recipe and again.weight == bn.weight
        assert (again.volume, again.has_fragile) == (bn.volume, bn.has_fragile)
        out.append(recipe)
    return tuple(out)


item = st.tuples(
    st.tuples(*[st.integers(1, 6)] * 3),
    st.sampled_from(RULES),
    st.integers(1, 9),
    st.booleans(),
    st.sampled_from([-1, -1, 5, 20]),
)
specs = st.fixed_dictionaries(
    {
        "items": st.lists(item, min_size=1, max_size=14),
        "size": st.tuples(*[st.integers(4, 10)] * 3),
        "capacity": st.integers(10, 60),
        "support": st.sampled_from([None, Fraction(1, 2), Fraction(1)]),
        "merit": st.sampled_from(["dbl", "contact", "first"]),
        "max_bins": st.sampled_from([None, 1, 2]),
    }
)


@settings(max_examples=150, deadline=None)
@given(specs)
def test_the_python_core_packs_and_rebuilds_its_bins(spec: dict[str, Any]) -> None:
    _run(pure, spec)


@pytest.mark.skipif(_native() is None, reason="the compiled core is not built (no C compiler)")
@settings(max_examples=150, deadline=None)
@given(specs)
def test_the_compiled_core_answers_as_the_python_one(spec: dict[str, Any]) -> None:
    compiled = _native()
    assert compiled is not None
    assert _run(compiled, spec) == _run(pure, spec)


def test_a_stale_or_refused_compiled_core_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(native, "_digest", lambda: "not the source it was built from")
    assert native.core() is pure
    monkeypatch.undo()
    monkeypatch.setenv("SHIPOPT_PURE_PYTHON", "1")
    assert native.core() is pure


def test_building_without_a_compiler_says_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setattr(native.shutil, "which", lambda name: None)
    assert "no C compiler" in native.build(tmp_path)
    assert list(tmp_path.iterdir()) == []
