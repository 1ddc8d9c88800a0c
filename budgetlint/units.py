"""Units of measure: defined in rules/units.txt, converted by pint, cached as exact factors.

pint is the authority on every unit and conversion.  Building a registry takes
hundreds of milliseconds, so the (dimension, factor) of every defined name is
derived from pint once and cached in the user cache folder, keyed by the
definition text; a run imports pint again only when the definitions change,
or to ask about a word that is not defined here (an ASCII unit such as "kg").
Factors are exact Decimals: money is never a float.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from budgetlint import __version__
from budgetlint.record import named
from budgetlint.resources import cached, rules_path

CURRENCY = "[currency]"
TIME = "[time]"


@named
class Unit:
    """A unit name as pint knows it: its canonical name, dimension and factor to the base unit."""

    name: str
    dimension: str
    factor: Decimal
    # Derived from the dimension and stored (made by `make_unit`): the checks ask them of every amount.
    is_money: bool
    is_time: bool
    is_ratio: bool


def make_unit(name: str, dimension: str, factor: Decimal) -> Unit:
    return Unit(name, dimension, factor, dimension == CURRENCY, dimension == TIME, dimension == "")


def _definition_names(text: str) -> list[str]:
    """Every name and alias defined by a pint definitions text (`name = def = alias = …`)."""
    names: list[str] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("@"):
            continue
        parts = [part.strip() for part in line.split("=")]
        names.append(parts[0])
        names.extend(part for part in parts[2:] if part and not part.startswith("["))
    return names


class UnitsError(ValueError):
    """A unit definition pint cannot read: str() names the line."""


def _build_with_pint(text: str) -> dict[str, list[str]]:
    """Ask pint for the dimension and base factor of every defined name."""
    import pint

    registry = pint.UnitRegistry(None, non_int_type=Decimal)
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            try:
                registry.define(line)
            except Exception as error:  # pint raises several types for a bad definition
                raise UnitsError(f"unit definition {line!r} cannot be read ({type(error).__name__}: {error})") from None
    table: dict[str, list[str]] = {}
    for name in _definition_names(text):
        quantity = registry.Quantity(Decimal(1), name).to_base_units()
        dimension = "*".join(
            f"{dim}" if power == 1 else f"{dim}^{power}" for dim, power in sorted(quantity.dimensionality.items())
        )
        canonical = registry.get_name(name)
        if canonical == "percent":
            canonical = "%"
        elif canonical == "permille":
            canonical = "‰"
        table[name] = [canonical, dimension, str(Decimal(quantity.magnitude).normalize())]
    return table


class UnitTable:
    """Lookup of unit words → Unit, built from pint and cached."""

    def __init__(self, entries: dict[str, list[str]]):
        self._units = {
            name: make_unit(canonical, dimension, Decimal(factor))
            for name, (canonical, dimension, factor) in entries.items()
        }
        self._longest = max((len(name) for name in self._units), default=0)
        self._foreign: dict[str, Unit | None] = {}

    def __contains__(self, word: str) -> bool:
        return word in self._units

    def get(self, word: str) -> Unit | None:
        unit = self._units.get(word)
        if unit is None and word.isascii() and word.isalpha():
            unit = self._ask_pint(word)
        return unit

    def prefix(self, word: str) -> tuple[Unit, int] | None:
        """The longest defined unit at the start of `word`, and its length ("件设备设施" → 件, 1)."""
        for size in range(min(self._longest, len(word)), 0, -1):
            unit = self._units.get(word[:size])
            if unit is not None:
                return unit, size
        return None

    def _ask_pint(self, word: str) -> Unit | None:
        """A word we do not define: ask pint's default registry (loaded only now)."""
        if word not in self._foreign:
            self._foreign[word] = _pint_default_unit(word)
        return self._foreign[word]


FACTOR_RANGE = (Decimal("1E-30"), Decimal("1E30"))  # to the base unit: a unit of 0 is a zero denominator


def check_definitions(text: str, table: UnitTable) -> None:
    """Raise UnitsError unless every unit `text` (a rule pack's definitions) defines is a finite, positive
    amount of its base unit within FACTOR_RANGE: `零 = 0 个` would divide every rate per 零 by zero."""
    for name in _definition_names(text):
        unit = table.get(name)
        if unit is None:
            continue
        factor = unit.factor
        if not (factor.is_finite() and FACTOR_RANGE[0] <= factor <= FACTOR_RANGE[1]):
            raise UnitsError(
                f"{name}: expected a positive amount of its base unit, {FACTOR_RANGE[0]} to {FACTOR_RANGE[1]}, "
                f"got {factor}"[:300]
            )


@lru_cache(maxsize=1)
def _pint_default_registry():
    import pint

    return pint.UnitRegistry(non_int_type=Decimal, cache_folder=":auto:")


def _pint_default_unit(word: str) -> Unit | None:
    try:
        registry = _pint_default_registry()
        quantity = registry.Quantity(Decimal(1), word).to_base_units()
    except Exception:  # pint raises many kinds for an unknown or malformed name
        return None
    dimension = "*".join(str(dim) for dim in sorted(quantity.dimensionality))
    return make_unit(word, dimension, Decimal(str(quantity.magnitude)))


@lru_cache(maxsize=8)
def load_units(extra_definitions: str = "") -> UnitTable:
    """The unit table for the built-in definitions plus a rule pack's, from cache when it is fresh."""
    text = rules_path("units.txt").read_text(encoding="utf-8")
    if extra_definitions:
        text += "\n" + extra_definitions
    entries = cached("units", f"{__version__}\n{text}", lambda: _build_with_pint(text))
    return UnitTable(entries)


def build_table_with_pint(definitions: Path | None = None) -> dict[str, list[str]]:
    """For tests: the table straight from pint, bypassing the cache."""
    path = definitions or rules_path("units.txt")
    return _build_with_pint(path.read_text(encoding="utf-8"))
