"""Helpers shared by check kinds: money shown in the table's unit, tolerances, labels."""

from __future__ import annotations

from decimal import Decimal

from budgetlint.findings import format_value


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
    places = max(decimals, default=0)
    half = Decimal(5) * Decimal(10) ** -(places + 1) * unit_factor(project)
    return half + (ctx.tolerance or Decimal(0))


def decimals_of(text: str) -> int:
    digits = "".join(ch for ch in text if ch.isdigit() or ch == ".")
    return len(digits.split(".", 1)[1]) if "." in digits else 0


def field_label(ctx, key: str) -> str:
    return ctx.vocabulary.header_canonical.get(key, key)
