"""Units (BL5xx): every amount has a unit that is known, money is never a bare 万, units do not mix."""

from __future__ import annotations

import re

from budgetlint.checks import check_kind
from budgetlint.findings import Edit, Finding, Fix, words

TYPE_CHECKING = False  # typing is not imported on the check path
if TYPE_CHECKING:
    from budgetlint.model import Indicator
    from budgetlint.values import Amount

_RATIO_NAME = re.compile(r"(率|度|比例|占比|比重|覆盖面)$")


def _amounts(project, kinds):
    for indicator in project.indicators:
        if kinds and indicator.kind not in kinds:
            continue
        for amount in indicator.value.amounts:
            yield indicator, amount


@check_kind(
    "unknown-unit",
    params={
        "groups": {"type": "list"},
        "max_length": {"type": "int", "default": 3, "min": 1, "max": 100},
    },
)
def unknown_unit(project, params, ctx):
    """BL501: a word after a number that reads like a unit but is not defined."""
    kinds = set(params["groups"])
    longest = params["max_length"]
    for indicator, amount in _amounts(project, kinds):
        if amount.unit is not None or amount.percent or not amount.noun or len(amount.noun) > longest:
            continue
        if amount.noun[0] in "的之和及与、":
            continue  # "3 个的" is text, not a unit
        yield Finding(
            "",
            indicator.value_span.sub(amount.start, amount.end),
            args={"unit": amount.noun, "name": indicator.name},
            expected=words(
                "已定义的计量单位（项、个、次、人次、万元……，可在规则包 units 中补充）",
                "a defined unit (项, 个, 次, 人次, 万元 …; a rule pack can add units)",
            ),
            actual=amount.noun,
        )


@check_kind("bare-wan")
def bare_wan(project, params, ctx):
    """BL502: money written with a bare 万 ('40 万', '828万/次'): 万元 is meant, or 万 of something?"""
    cost_kinds = ctx.vocabulary.cost_kinds
    for indicator, amount in _amounts(project, cost_kinds):
        if not amount.bare_wan:
            continue
        raw = indicator.value.raw
        index = raw.find("万", amount.start, amount.end)
        span = indicator.value_span.sub(index, index + 1)
        fixed = raw[: index + 1] + "元" + raw[index + 1 :]
        reread = ctx.values.read(fixed).amount
        safe = reread is not None and reread.in_yuan() == amount.in_yuan() and reread.is_money
        yield Finding(
            "",
            span,
            args={"name": indicator.name},
            expected="万元",
            actual=raw[amount.start : amount.end],
            fix=Fix(f"{raw} → {fixed}", (Edit(span, "万元"),), safe=safe),
        )


@check_kind("missing-unit")
def missing_unit(project, params, ctx):
    """BL503: an amount with no unit where its group, its name or its siblings need one."""
    vocab = ctx.vocabulary
    for indicator in project.indicators:
        for amount in indicator.value.amounts:
            if amount.unit is not None or amount.percent or amount.noun or amount.bare_wan:
                continue
            expected = _expected_unit(project, indicator, amount, vocab)
            if expected is None:
                continue
            yield Finding(
                "",
                indicator.value_span.sub(amount.start, amount.end),
                args={"name": indicator.name},
                expected=expected,
                actual=indicator.value.raw[amount.start : amount.end],
            )


def _expected_unit(project, indicator, amount, vocab) -> str | dict[str, str] | None:
    kind = indicator.kind
    if kind == "satisfaction" or _RATIO_NAME.search(indicator.name):
        return "%"
    column = dict(indicator.columns).get("unit")
    if column is not None:  # the block gives every row's unit a column of its own, and this one is empty
        return words(f"{column}栏中的单位", f"a unit in its {column} column")
    if kind in vocab.cost_kinds:
        return words(f"货币单位（如 {project.money_unit_text}）", f"a money unit ({project.money_unit_text} …)")
    if kind == "quantity":
        return words("计量单位（如 项、个、次、台）", "a unit (项, 个, 次, 台 …)")
    siblings = [
        other
        for other in project.indicators
        if other is not indicator
        and other.level2 is not None
        and indicator.level2 is not None
        and other.level2.label == indicator.level2.label
    ]
    units = {
        ("%" if a.percent else a.unit.name)
        for other in siblings
        for a in other.value.amounts
        if a.percent or a.unit is not None
    }
    if len(units) == 1 and siblings:
        return next(iter(units))
    return None


@check_kind("mixed-money-units")
def mixed_money_units(project, params, ctx):
    """BL504: lump-sum cost rows written in more than one money unit (元 here, 万元 there).

    Unit prices (200 元/套) are conventionally in 元 beside totals in 万元; only lump sums count.
    """
    seen: dict[str, tuple[Indicator, Amount]] = {}
    for indicator, amount in _amounts(project, ctx.vocabulary.cost_kinds):
        if amount.is_money and not amount.is_rate and amount.unit_text not in seen:
            seen[amount.unit_text] = (indicator, amount)
    if len(seen) < 2:
        return
    units = list(seen)
    indicator, amount = seen[units[1]]
    yield Finding(
        "",
        indicator.value_span.sub(amount.start, amount.end),
        args={"units": "、".join(units)},
        expected=words(f"统一使用 {units[0]}", f"{units[0]} throughout"),
        actual="、".join(units),
    )
