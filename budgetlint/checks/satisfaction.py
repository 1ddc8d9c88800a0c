"""Satisfaction (BL4xx): the 满意度 target exists, has a comparator, is plausible and is a percentage."""

from __future__ import annotations

from decimal import Decimal

from budgetlint.checks import check_kind
from budgetlint.findings import Edit, Finding, Fix


def _bare(amount) -> bool:
    """A number with no %, unit, magnitude, noun, denominator or 余 after it ('90', '≥90', '90以上')."""
    return not (
        amount.percent
        or amount.unit is not None
        or amount.magnitude_text
        or amount.noun
        or amount.per_text
        or amount.approximate
    )


def _is_percent(indicator, amount) -> bool:
    """A percentage, or a bare number in a 满意度 row: the percentage its writer left the % off (BL503)."""
    return amount.percent or (indicator.kind == "satisfaction" and _bare(amount))


def _percent_amounts(project):
    for indicator in project.of_kind("satisfaction"):
        for amount in indicator.value.amounts:
            if _is_percent(indicator, amount):
                yield indicator, amount


@check_kind("satisfaction-comparator")
def satisfaction_comparator(project, params, ctx):
    """BL402: a satisfaction target without ≥ (59% reads as exactly 59%)."""
    for indicator, amount in _percent_amounts(project):
        if amount.comparator is not None:
            continue
        span = indicator.value_span.sub(amount.start, amount.end)
        written = indicator.value.raw[amount.start : amount.end]
        floor = f"≥{written.strip()}" if amount.percent else f"≥{written.strip()}%"  # a bare 90 is 90%
        yield Finding(
            "",
            span,
            args={"name": indicator.name},
            expected=floor,
            actual=written,
            fix=Fix(f"{written} → {floor}", (Edit(span, floor),), safe=False),
        )


@check_kind(
    "satisfaction-minimum",
    params={"minimum": {"type": "decimal", "default": Decimal(80), "min": 0, "max": 100}},
)
def satisfaction_minimum(project, params, ctx):
    """BL403: a satisfaction threshold below the configured minimum (default 80%)."""
    minimum = Decimal(params["minimum"])
    for indicator, amount in _percent_amounts(project):
        if amount.comparator in ("≤", "<") or amount.number >= minimum or amount.number < 0:
            continue
        yield Finding(
            "",
            indicator.value_span.sub(amount.start, amount.end),
            args={"name": indicator.name, "minimum": minimum},
            expected=f"≥{minimum}%",
            actual=indicator.value.raw,
        )


@check_kind(
    "percent-range",
    params={"groups": {"type": "list"}},
)
def percent_range(project, params, ctx):
    """BL404: a percentage outside 0–100 where a share is meant (满意度, 完成率 …)."""
    kinds = set(params["groups"])
    for indicator in project.indicators:
        if indicator.kind not in kinds:
            continue
        for amount in indicator.value.amounts:
            if _is_percent(indicator, amount) and not Decimal(0) <= amount.number <= Decimal(100):
                yield Finding(
                    "",
                    indicator.value_span.sub(amount.start, amount.end),
                    args={"name": indicator.name},
                    expected="0%–100%",
                    actual=indicator.value.raw[amount.start : amount.end],
                )
