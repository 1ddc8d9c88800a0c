"""Helpers shared by check kinds: money shown in the table's unit, tolerances, labels."""

from __future__ import annotations

from decimal import Decimal

from budgetlint.findings import Related, format_value, words


def unit_factor(project) -> Decimal:
    unit = project.money_unit
    return unit.factor if unit is not None and unit.is_money else Decimal(1)


def in_table_unit(project, yuan: Decimal) -> Decimal:
    """An amount in 元 shown in the table's 单位 (万元 by default), exactly."""
    return yuan / unit_factor(project)


def show_money(project, yuan: Decimal) -> str:
    return format_value(in_table_unit(project, yuan))


def money_label(project) -> str:
    return project.money_unit_text or "万元"


def tolerance(project, ctx, *decimals: int) -> Decimal:
    """Half a unit of the finest digit the table states (in 元), plus the configured tolerance."""
    key = (max(decimals, default=0), unit_factor(project), ctx.tolerance)
    found = _TOLERANCES.get(key)
    if found is None:
        if len(_TOLERANCES) > 256:
            _TOLERANCES.clear()
        places, factor, configured = key
        found = _TOLERANCES[key] = Decimal(5) * Decimal(10) ** -(places + 1) * factor + (configured or Decimal(0))
    return found


# (places, unit factor, configured tolerance) → tolerance: a few keys serve a whole repository, and the
# Decimal arithmetic is asked for five times a table.
_TOLERANCES: dict[tuple, Decimal] = {}


def field_label(ctx, key: str) -> str:
    return ctx.vocabulary.header_canonical.get(key, key)


def field_row(ctx, field) -> Related:
    """A header field as a related row: its label and value, in the user's language."""
    vocab = ctx.vocabulary
    zh = vocab.header_canonical.get(field.key, field.key)
    return Related(field.where, words(f"{zh} {field.text}", f"{vocab.header_english.get(field.key, zh)} {field.text}"))
