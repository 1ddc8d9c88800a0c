"""Funding (BL1xx): the money in the header must add up, and 项目属性 must fit 项目期."""

from __future__ import annotations

from decimal import Decimal

from budgetlint.checks import check_kind
from budgetlint.checks.common import field_label, field_row, show_money, tolerance
from budgetlint.findings import Edit, Finding, Fix
from budgetlint.text import normalize_label, squeeze
from budgetlint.vocabulary import split_code

_OPS = {
    "<=": lambda a, b, tol: a <= b + tol,
    ">=": lambda a, b, tol: a + tol >= b,
    "==": lambda a, b, tol: abs(a - b) <= tol,
}


@check_kind("funding-sum")
def funding_sum(project, params, ctx):
    """BL101–BL103: a total equals the sum of its parts (missing optional parts count as 0)."""
    total = project.field(params["total"])
    if total is None or total.amount is None:
        return
    parts = [project.field(key) for key in params["parts"]]
    present = [part for part in parts if part is not None and part.amount is not None]
    if not present:
        return
    if params["require_all"] and len(present) != len(parts):
        return
    expected = sum((part.amount for part in present), Decimal(0))
    allowed = tolerance(project, ctx, total.decimals, *(part.decimals for part in present))
    if abs(expected - total.amount) <= allowed:
        return
    terms = " + ".join(f"{field_label(ctx, part.key)} {show_money(project, part.amount)}" for part in present)
    equation = f"{terms} = {show_money(project, expected)}"
    fix = None
    if total.span is not None:
        fix = Fix(
            f"{field_label(ctx, total.key)}: {total.text} → {show_money(project, expected)}",
            (Edit(total.span, show_money(project, expected)),),
            safe=False,
        )
    yield Finding(
        "",
        total.where,
        args={"total": field_label(ctx, total.key), "equation": equation, "unit": project.money_unit_text},
        expected=show_money(project, expected),
        actual=show_money(project, total.amount),
        related=tuple(field_row(ctx, part) for part in present),
        fix=fix,
    )


@check_kind("funding-compare")
def funding_compare(project, params, ctx):
    """BL104: one amount must not exceed another (年度资金总额 ≤ 项目总额)."""
    left, right = project.field(params["left"]), project.field(params["right"])
    if left is None or right is None or left.amount is None or right.amount is None:
        return
    allowed = tolerance(project, ctx, left.decimals, right.decimals)
    if _OPS[params["op"]](left.amount, right.amount, allowed):
        return
    yield Finding(
        "",
        left.where,
        args={"left": field_label(ctx, left.key), "right": field_label(ctx, right.key), "op": params["op"]},
        expected=f"≤ {show_money(project, right.amount)}",
        actual=show_money(project, left.amount),
        related=(field_row(ctx, right),),
    )


def period_years(project, ctx) -> Decimal | None:
    """项目期 in years ('99 年' → 99), or None when it is absent or not a duration."""
    found = project.field("period")
    if found is None or found.value is None:
        return None
    amount = found.value.amount
    if amount is None:
        return None
    if amount.unit is None:
        return amount.number  # a bare number in the 项目期 cell is years
    if not amount.unit.is_time:
        return None
    year = ctx.units.get("年")
    return amount.number * amount.unit.factor / year.factor


def attribute_of(project, ctx):
    found = project.field("attribute")
    if found is None or not found.text:
        return None, None
    return found, ctx.vocabulary.attribute_for(found.text)


@check_kind("one-year-total")
def one_year_total(project, params, ctx):
    """BL105: a one-year project's 项目总额 must equal its 年度资金总额."""
    total, annual = project.field("total"), project.field("annual")
    if total is None or annual is None or total.amount is None or annual.amount is None:
        return
    years = period_years(project, ctx)
    _, attribute = attribute_of(project, ctx)
    one_year = years == 1 or (attribute is not None and attribute.years == (1, 1))
    if not one_year:
        return
    allowed = tolerance(project, ctx, total.decimals, annual.decimals)
    if abs(total.amount - annual.amount) <= allowed:
        return
    yield Finding(
        "",
        total.where,
        args={},
        expected=show_money(project, annual.amount),
        actual=show_money(project, total.amount),
        related=(field_row(ctx, annual),),
    )


@check_kind("attribute-known")
def attribute_known(project, params, ctx):
    """BL106: 项目属性 is one of the known values; a near miss names the right one."""
    found, attribute = attribute_of(project, ctx)
    if found is None or attribute is not None:
        return
    code, name = split_code(found.text)
    attributes = ctx.vocabulary.attributes
    by_name = {normalize_label(n): a for a in attributes for n in (a.name, *a.aliases)}
    suggestion = by_name.get(normalize_label(name))
    if suggestion is None:
        labels = {a.label: a for a in attributes}
        import difflib  # only for a value that is not one of the labels

        close = difflib.get_close_matches(squeeze(found.text), list(labels), n=1, cutoff=0.6)
        suggestion = labels[close[0]] if close else None
    known = "、".join(a.label for a in attributes)
    fix = None
    if suggestion is not None and found.span is not None:
        fix = Fix(f"{found.text} → {suggestion.label}", (Edit(found.span, suggestion.label),), safe=False)
    yield Finding(
        "",
        found.where,
        args={"variant": "suggest" if suggestion else "default", "known": known},
        expected=suggestion.label if suggestion else known,
        actual=found.text,
        fix=fix,
    )


@check_kind("attribute-period")
def attribute_period(project, params, ctx):
    """BL107: 项目属性 at odds with 项目期 (一年期 with 3 年, 多年期 with 99 年)."""
    found, attribute = attribute_of(project, ctx)
    years = period_years(project, ctx)
    if attribute is None or years is None:
        return
    low, high = attribute.years
    if low <= years <= high:
        return
    period = project.field("period")
    yield Finding(
        "",
        period.where,
        args={"attribute": attribute.label},
        expected=f"{low}–{high}年" if low != high else f"{low}年",
        actual=period.text,
        related=(field_row(ctx, found),),
    )


@check_kind("breakdown-sum")
def breakdown_sum(project, params, ctx):
    """BL108: the parts an amount is broken down into in its cell (1080万元（提质改造1008万元，错车道72万元）)
    add up to it."""
    for found in project.fields.values():
        if not found.parts or found.amount is None:
            continue
        parts = sum((part.amount for part in found.parts), Decimal(0))
        allowed = tolerance(project, ctx, found.decimals, *(part.decimals for part in found.parts))
        if abs(parts - found.amount) <= allowed:
            continue
        terms = " + ".join(f"{part.label} {show_money(project, part.amount)}".strip() for part in found.parts)
        yield Finding(
            "",
            found.where,
            args={
                "label": found.label,
                "equation": f"{terms} = {show_money(project, parts)}",
                "unit": project.money_unit_text,
            },
            expected=show_money(project, found.amount),
            actual=show_money(project, parts),
        )
