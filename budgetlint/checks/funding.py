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


@check_kind(
    "funding-sum",
    params={
        "total": {"type": "string"},
        "parts": {"type": "list"},
        "require_all": {"type": "bool", "default": False},
        "identities": {"type": "list", "default": ()},
        "one_year_equal": {"type": "list", "default": ()},
        "cost_sum_of": {"type": "string", "default": ""},
    },
)
def funding_sum(project, params, ctx):
    """BL101–BL103: a total equals the sum of its parts (missing optional parts count as 0).

    When it does not, the evidence is weighed before a cell is blamed (see `_weigh`): the finding is put on
    the cell the rest of the table contradicts, and its unsafe fix is offered only when that evidence agrees
    on the cell's value."""
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
    args = {"total": field_label(ctx, total.key), "equation": equation, "unit": project.money_unit_text}
    verdict = _weigh(project, params, ctx)
    if verdict is None:  # nothing else in the table bears on these cells: the total is blamed, as written
        yield _blame(project, ctx, total, expected, args, tuple(field_row(ctx, part) for part in present), True)
        return
    variant, blamed, suspects, solution, agreed, evidence = verdict
    args.update(_evidence_args(project, ctx, evidence, suspects))
    args["variant"] = variant
    if variant == "cell":
        found = project.field(blamed)
        yield _blame(project, ctx, found, solution, args, _related(ctx, [total, *present], found), agreed)
        return
    # No one cell is singled out: the finding stays on the total.  "parts": the total is borne out, so the
    # parts are expected to add up to it; "split": the evidence does not agree.
    parts_wrong = variant == "parts"
    yield Finding(
        "",
        total.where,
        args=args,
        expected=show_money(project, total.amount if parts_wrong else expected),
        actual=show_money(project, expected if parts_wrong else total.amount),
        related=_related(ctx, present, total),
    )


def _blame(project, ctx, cell, expected: Decimal, args: dict, related: tuple, fixable: bool) -> Finding:
    """The finding on the one cell blamed, expected to hold `expected`; with the unsafe fix that writes it
    when `fixable` (the evidence agrees on that value)."""
    shown = show_money(project, expected)
    fix = None
    if fixable and cell.span is not None:
        fix = Fix(f"{field_label(ctx, cell.key)}: {cell.text} → {shown}", (Edit(cell.span, shown),), safe=False)
    return Finding(
        "",
        cell.where,
        args=args,
        expected=shown,
        actual=show_money(project, cell.amount),
        related=related,
        fix=fix,
    )


# ---------------------------------------------------------------- weighing the evidence of a failed identity
_COSTS = "\x00costs"  # the cell the cost sum stands for (no header field is called so)


class _Fact:
    """One piece of evidence: an equality between cells of the table that holds or not, how to say it, and
    the value each of its cells would need for it to hold."""

    __slots__ = ("cells", "en", "holds", "solutions", "zh")

    def __init__(self, cells, holds, solutions, zh, en):
        self.cells: tuple[str, ...] = cells
        self.holds: bool = holds
        self.solutions: dict[str, Decimal] = solutions
        self.zh: str = zh
        self.en: str = en


def identities_of(params) -> list[tuple[str, tuple[str, ...]]]:
    """The rule's own identity first, then the others of `params["identities"]` ("annual = own + transfer")."""
    found = [(params["total"], tuple(params["parts"]))]
    seen = {(total, frozenset(parts)) for total, parts in found}
    for text in params.get("identities", ()):
        total, equals, rest = str(text).partition("=")
        total, parts = total.strip(), tuple(part.strip() for part in rest.split("+") if part.strip())
        if equals and total and parts and (total, frozenset(parts)) not in seen:
            seen.add((total, frozenset(parts)))
            found.append((total, parts))
    return found


def is_one_year(project, ctx) -> bool:
    """项目期 1 年, or a 项目属性 of one year (一年期项目)."""
    _, attribute = attribute_of(project, ctx)
    return period_years(project, ctx) == 1 or (attribute is not None and attribute.years == (1, 1))


def _identity_fact(project, ctx, total_key, part_keys, own):
    """The identity total = Σ parts as evidence: None when it cannot be judged.  Missing parts count as 0; for
    another identity than the rule's own, one with missing parts is evidence only where it holds (a part left
    out is reported as such, not weighed as a wrong sum)."""
    total = project.field(total_key)
    if total is None or total.amount is None:
        return None
    fields = {key: project.field(key) for key in part_keys}
    present = {key: f for key, f in fields.items() if f is not None and f.amount is not None}
    if not present:
        return None
    values = {key: (present[key].amount if key in present else Decimal(0)) for key in part_keys}
    parts_sum = sum(values.values(), Decimal(0))
    allowed = tolerance(project, ctx, total.decimals, *(f.decimals for f in present.values()))
    holds = abs(parts_sum - total.amount) <= allowed
    if not holds and not own and len(present) != len(part_keys):
        return None
    solutions = {total_key: parts_sum}
    solutions.update({key: total.amount - (parts_sum - values[key]) for key in part_keys})
    terms = " + ".join(f"{field_label(ctx, key)} {show_money(project, present[key].amount)}" for key in present)
    said = f"{field_label(ctx, total_key)} {show_money(project, total.amount)}"
    text = f"{said} = {terms}" if holds else f"{said} ≠ {terms} = {show_money(project, parts_sum)}"
    return _Fact((total_key, *part_keys), holds, solutions, text, text)


def _facts(project, params, ctx) -> list[_Fact]:
    """Every piece of evidence on the funding: the identities (the rule's own first), 项目总额 = 年度资金总额 of
    a one-year project, and the costs adding up to 年度资金总额 when every cost is resolved."""
    facts = []
    for index, (total_key, part_keys) in enumerate(identities_of(params)):
        fact = _identity_fact(project, ctx, total_key, part_keys, own=index == 0)
        if fact is not None:
            facts.append(fact)
    pair = [project.field(key) for key in params.get("one_year_equal", ())]
    if len(pair) == 2 and all(f is not None and f.amount is not None for f in pair) and is_one_year(project, ctx):
        left, right = pair
        holds = abs(left.amount - right.amount) <= tolerance(project, ctx, left.decimals, right.decimals)
        sign = "=" if holds else "≠"
        shown = (
            f"{field_label(ctx, left.key)} {show_money(project, left.amount)} {sign} "
            f"{field_label(ctx, right.key)} {show_money(project, right.amount)}"
        )
        facts.append(
            _Fact(
                (left.key, right.key),
                holds,
                {left.key: right.amount, right.key: left.amount},
                f"一年期项目 {shown}",
                f"{shown} (one-year project)",
            )
        )
    costs_of = project.field(params.get("cost_sum_of", ""))
    if costs_of is not None and costs_of.amount is not None:
        from budgetlint.checks.cost import analyse

        analysis = analyse(project, ctx, costs_of.key)  # the analysis BL201 makes of that field
        if analysis.costs and not analysis.unresolved and not analysis.per_unit_rows:
            holds = abs(analysis.total - costs_of.amount) <= tolerance(project, ctx, costs_of.decimals)
            sign = "=" if holds else "≠"
            said = f"{sign} {field_label(ctx, costs_of.key)} {show_money(project, costs_of.amount)}"
            costs = show_money(project, analysis.total)
            facts.append(
                _Fact(
                    (costs_of.key, _COSTS),
                    holds,
                    {costs_of.key: analysis.total, _COSTS: costs_of.amount},
                    f"成本指标合计 {costs} {said}",
                    f"the costs {costs} {said}",
                )
            )
    return facts


def _weigh(project, params, ctx):
    """Which cell of the rule's failed identity the rest of the table contradicts, on the premise that one cell
    is wrong: a cell is suspect when it is in every failed piece of evidence that bears on the identity's cells,
    and cleared when a piece of evidence that holds has it.  None when no other evidence bears on them;
    else (variant, blamed cell, suspects, the value the identity asks of it, whether every failed piece of
    evidence it is in asks the same, the evidence weighed):

    - "cell": one cell is left (a fix is offered when the evidence agrees on its value);
    - "parts": the total is cleared and several parts are left (nothing says which of them);
    - "split": the total is left with other cells, or nothing is (the evidence contradicts itself)."""
    facts = _facts(project, params, ctx)
    if not facts or facts[0].cells[0] != params["total"]:
        return None  # the rule's own identity cannot be judged (it is, when this is asked)
    own, others = facts[0], facts[1:]
    cells = set(own.cells)
    bearing = [fact for fact in others if cells.intersection(fact.cells)]
    if not bearing:
        return None
    suspects = set(cells)
    for fact in bearing:
        if fact.holds:
            suspects -= set(fact.cells)
        else:
            suspects &= set(fact.cells)
    ordered = [cell for cell in own.cells if cell in suspects]
    evidence = [fact for fact in bearing if fact.holds] + [fact for fact in bearing if not fact.holds]
    written = [cell for cell in ordered if _written(project, cell)]
    total_key = own.cells[0]
    if len(ordered) == 1 and written:
        (blamed,) = written
        asked = [fact.solutions[blamed] for fact in [own, *bearing] if not fact.holds and blamed in fact.solutions]
        decimals = [f.decimals for f in map(project.field, own.cells) if f is not None and f.amount is not None]
        allowed = tolerance(project, ctx, *decimals)
        agreed = max(asked) - min(asked) <= allowed and min(asked) >= 0
        return "cell", blamed, ordered, own.solutions[blamed], agreed, evidence
    if ordered and total_key not in suspects:
        return "parts", total_key, ordered, None, False, evidence
    return "split", total_key, ordered or list(own.cells), None, False, evidence


def _written(project, key) -> bool:
    found = project.field(key)
    return found is not None and found.amount is not None


def _evidence_args(project, ctx, evidence: list[_Fact], suspects: list[str]) -> dict[str, str]:
    """The evidence weighed and the suspect cells, in each language (a suspect the table leaves out, counted
    as 0, is said to be so)."""
    names = [field_label(ctx, key) for key in suspects]
    unwritten = [not _written(project, key) for key in suspects]
    return {
        "evidence_zh": "；".join(fact.zh for fact in evidence),
        "evidence_en": "; ".join(fact.en for fact in evidence),
        "cells_zh": "或".join(name + "（未填）" * gone for name, gone in zip(names, unwritten)),
        "cells_en": " or ".join(name + " (not written)" * gone for name, gone in zip(names, unwritten)),
        "cell": names[0] if names else "",
    }


def _related(ctx, fields, placed):
    """The identity's other written cells, as related rows."""
    return tuple(field_row(ctx, f) for f in fields if f is not placed)


@check_kind(
    "funding-compare",
    params={
        "left": {"type": "string"},
        "right": {"type": "string"},
        "op": {"type": "string", "default": "<=", "choices": tuple(_OPS)},
    },
)
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
    if not is_one_year(project, ctx):
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
