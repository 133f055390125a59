"""Carrier file layouts as data: how a family of carriers writes headers, zone codes, row
labels, charge and tier names, and the services they sell. A new layout is one TOML file
(see ``layouts/national.toml``); ``--layout FILE`` reads a user's own."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shipopt.errors import InputError, Problem, problems_from_validation
from shipopt.importers.cells import CellError

LAYOUTS = Path(__file__).resolve().parent / "layouts"
NOT_SERVED = -2


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ZoneCodes(_Strict):
    """How a published zone code becomes a zone: its digits (``last_two``: "002" -> 2,
    "124" -> 24, "044" -> 44; ``all``: the whole number), after dropping ``strip`` markers;
    ``letters`` name special codes; ``not_served`` codes (and blanks) are lanes not served."""

    digits: str = Field(default="last_two", pattern="^(last_two|all)$")
    strip: str = "*+"
    letters: dict[str, int] = {}
    not_served: list[str] = ["", "-", "n/a", "na"]

    def zone(self, code: str) -> int:
        raw = code.strip()
        if raw.lower() in {c.lower() for c in self.not_served} or re.fullmatch(r"\[\d+\]", raw):
            return NOT_SERVED
        upper = raw.upper()
        if upper in self.letters:
            return self.letters[upper]
        digits = raw.rstrip(self.strip).strip()
        if digits.lower().startswith("zone"):
            digits = digits[4:].strip()
        if not digits.isdigit():
            raise CellError(
                f"zone code {raw!r} is not a number, a known letter code "
                f"({', '.join(sorted(self.letters)) or 'none'}) or a not-served mark"
            )
        value = int(digits)
        return value % 100 if self.digits == "last_two" and len(digits) == 3 else value


class ServiceNames(_Strict):
    names: list[str] = Field(min_length=1)
    name: str
    fuel: str = "ground"
    transit_days: dict[int, int] = {}
    other_zones_days: int = Field(default=5, ge=0)


class Defaults(_Strict):
    dim_divisor: int | None = 139
    dim_min_volume: int = 0
    round_up_to: str = "1 lb"
    max_weight: str = "150 lb"
    max_length: str | None = "108 in"
    max_length_plus_girth: str | None = "165 in"
    zone_floor: int | None = None


class Layout(_Strict):
    name: str
    description: str
    zone_codes: ZoneCodes = ZoneCodes()
    headers: dict[str, list[str]]
    rows: dict[str, list[str]] = {}
    charges: dict[str, list[str]] = {}
    tiers: dict[str, list[str]] = {}
    fuel_columns: dict[str, list[str]] = {}
    defaults: Defaults = Defaults()
    services: dict[str, ServiceNames] = {}

    def role(self, header: str) -> str | None:
        """The column role (``weight``, ``dest_zip``, ...) a header names, if any."""
        h = normal(header)
        for role, aliases in self.headers.items():
            if h in {normal(a) for a in aliases}:
                return role
        return None

    def is_role(self, header: str, role: str) -> bool:
        """Whether ``header`` is one of ``role``'s aliases (a header may fit several roles)."""
        return normal(header) in {normal(a) for a in self.headers.get(role, [])}

    def named(self, table: dict[str, list[str]], text: str) -> str | None:
        t = normal(text)
        for key, aliases in table.items():
            if t in {normal(a) for a in aliases}:
                return key
        return None

    def found_in(self, table: dict[str, list[str]], text: str) -> str | None:
        """The key whose longest alias appears in ``text`` as whole words (a title such as
        "Remote Area Alaska ZIP Codes"), if any."""
        exact = self.named(table, text)
        if exact is not None or not text.strip():
            return exact
        padded = f" {_plain(text)} "
        best: tuple[int, str] | None = None
        for key, aliases in table.items():
            for alias in aliases:
                a = _plain(alias)
                if a and f" {a} " in padded and (best is None or len(a) > best[0]):
                    best = (len(a), key)
        return best[1] if best else None


FILLER = frozenset({"surcharge", "surcharges", "zip", "zips", "code", "codes", "list", "the"})


def _plain(text: str) -> str:
    """:func:`normal` without filler words ("Remote Area Surcharge Alaska" -> "remote area
    alaska")."""
    return " ".join(w for w in normal(text).split() if w not in FILLER)


def normal(text: str) -> str:
    """Lower case, trademark signs and punctuation dropped, spaces collapsed."""
    t = text.lower().replace("\u00ae", " ").replace("\u2122", " ").replace("(r)", " ")
    t = re.sub(r"[^a-z0-9%+ ]+", " ", t)
    return re.sub(r"\s+", " ", t).strip()


def load_layout(name_or_path: str) -> Layout:
    """A built-in layout by name (``national``, ``postal``) or a layout TOML file."""
    path = LAYOUTS / f"{name_or_path}.toml"
    if not path.is_file():
        path = Path(name_or_path)
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in LAYOUTS.glob("*.toml")))
        raise InputError(Problem("--layout", f"no layout {name_or_path!r} (built in: {known})"))
    try:
        return Layout.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(Problem(str(path), f"not valid TOML: {exc}")) from exc
    except ValidationError as err:
        raise InputError(problems_from_validation(err, str(path))) from err


class ServiceResolver:
    """Published service names -> service ids: the user's ``--service NAME=ID`` first, then
    the layout's names (with the carrier's own name dropped from the front), then an id as is."""

    def __init__(
        self, layout: Layout, carrier_words: list[str], overrides: dict[str, str], known: set[str]
    ) -> None:
        self.layout = layout
        self.prefixes = sorted({normal(w) for w in carrier_words if w}, key=len, reverse=True)
        self.overrides = {normal(k): v for k, v in overrides.items()}
        self.known = known

    def resolve(self, text: str) -> str | None:
        t = normal(text)
        for prefix in self.prefixes:
            if t.startswith(prefix + " "):
                t = t[len(prefix) + 1 :]
                break
        if t in self.overrides:
            return self.overrides[t]
        if normal(text) in self.overrides:
            return self.overrides[normal(text)]
        for sid, spec in self.layout.services.items():
            if t in {normal(n) for n in spec.names}:
                return sid
        slug = t.replace(" ", "_")
        if slug in self.known or slug in self.layout.services:
            return slug
        return self._contained(t)

    def _contained(self, text: str) -> str | None:
        """The service whose longest name appears in ``text`` as whole words (a title such as
        "Acme Ground - Daily Rates")."""
        best: tuple[int, str] | None = None
        padded = f" {text} "
        for sid, spec in self.layout.services.items():
            for name in spec.names:
                n = normal(name)
                if f" {n} " in padded and (best is None or len(n) > best[0]):
                    best = (len(n), sid)
        return best[1] if best else None

    def choices(self) -> str:
        names = sorted({*self.layout.services, *self.known, *self.overrides.values()})
        return ", ".join(names)
