"""Cost (BL2xx): the cost indicators, with per-unit costs times their quantities, give the money.

One analysis per project (cached in the context) matches each cost row to a
quantity row by name and unit, computes every term exactly, and searches for
the reading under which a table that does not add up would: a cost written
as a lump sum that only balances as a per-unit rate.  The rules of the family
are views of that analysis.

Matching is in two passes.  By name first (matching.assign: names drift, a
fitting unit breaks ties).  Then by unit, for the rates the names left alone
(每公里硬化造价 55万元/公里 beside 通村公路硬化里程 18公里): a rate takes the
quantity not taken by name whose unit has the dimension of its denominator
(亩 fits 万亩, 公里 fits 千米), when that quantity is the only one and no other
rate left alone is counted in that dimension.  Several such quantities (or
rates) are a guess not made: BL202 names them.  The pass groups the rows by
dimension, so it does O(rates + quantities) work; every finding on a pair says
how it was matched.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import combinations
from operator import attrgetter

from budgetlint.checks import check_kind
from budgetlint.checks.common import field_row, show_money, tolerance
from budgetlint.findings import Edit, Finding, Fix, Related, format_value, words
from budgetlint.matching import assign, name_key, similarity
from budgetlint.model import Indicator, Project
from budgetlint.record import named, record

TYPE_CHECKING = False  # typing is not imported on the check path
if TYPE_CHECKING:
    from budgetlint.values import Amount

MAX_REREADING_ROWS = 16  # 2^16 subsets at most when searching for the per-unit reading
MAX_PAIRS = 40_000  # cost × quantity rows compared by similarity; real tables have a few hundred
MAX_CANDIDATES = 6  # quantities (and rival rates) a BL202 "ambiguous" message names at most


@named
class CostRow:
    indicator: Indicator
    amount: Amount
    yuan: Decimal  # the amount in 元 (per unit for a rate)
    key: str  # normalised name

    @property
    def is_rate(self) -> bool:
        return self.amount.is_rate


@named
class QuantityRow:
    indicator: Indicator
    amount: Amount
    key: str

    @property
    def unit_word(self) -> str:
        amount = self.amount
        return amount.unit.name if amount.unit else (amount.noun or "")


BY_NAME, BY_UNIT = "name", "unit"  # how a cost row and its quantity row were matched


@named
class Term:
    cost: CostRow
    quantity: QuantityRow | None
    multiplier: Decimal
    yuan: Decimal
    formula: str
    how: str  # BY_NAME, BY_UNIT, or "" without a quantity


@named
class Ambiguity:
    """A rate the names left alone whose unit fits more than one quantity, or a quantity that more
    than one such rate fits: the rows among which a match by unit would be a guess."""

    quantities: list[QuantityRow]  # not taken by name, in the dimension of the rates' denominator
    rates: list[CostRow]  # the rates left alone in that dimension (one Ambiguity shared by them all)


@record
class CostAnalysis:
    costs: list[CostRow]
    quantities: list[QuantityRow]
    not_money: list[Indicator]
    matches: dict[int, tuple[int, float]]  # by name: cost index → (quantity index, score)
    by_unit: dict[int, int]  # by unit, for rates the names left alone: cost index → quantity index
    ambiguous: dict[int, Ambiguity]  # rates left alone whose unit fits several quantities (or rivals)
    terms: list[Term]
    unresolved: list[CostRow]
    mismatched_units: list[tuple[CostRow, QuantityRow]]
    total: Decimal
    balanced: bool | None  # None: cannot be judged (no annual, no costs, unresolved rates)
    per_unit_rows: list[Term]  # lump sums that balance only per unit
    # rates per time (元/人·月) for which the table states no duration: with their quantity and how matched
    no_duration: list[tuple[CostRow, QuantityRow | None, str]]

    def __init__(self) -> None:  # one per table: not the generic __init__
        self.costs, self.quantities, self.not_money, self.matches, self.terms = [], [], [], {}, []
        self.by_unit, self.ambiguous = {}, {}
        self.unresolved, self.mismatched_units, self.per_unit_rows, self.no_duration = [], [], [], []
        self.total, self.balanced = Decimal(0), None


def _cost_amount(value):
    """The money of a cost cell: the first money amount (a bare number is in the table's unit)."""
    for amount in value.amounts:
        if amount.is_money or amount.bare_wan:
            return amount
    for amount in value.amounts:
        if amount.unit is None and not amount.percent and not amount.noun and not amount.magnitude_text:
            return amount
    return None


def _quantity_amount(value):
    for amount in value.amounts:
        if not amount.percent and not amount.is_money and not amount.is_rate:
            return amount
    return None


def _units_fit(cost: CostRow, quantity: QuantityRow) -> str:
    """'same' when the quantity is counted in the rate's denominator, 'none' when it has no unit, else 'differ'."""
    per, unit = cost.amount.per, quantity.amount.unit
    if unit is None:
        return "none"
    if per is not None and per.dimension == unit.dimension:
        return "same"
    return "differ"


_row_key = attrgetter("key")  # the normalised name a row is matched on
_ONE = Decimal(1)


def analyse(project, ctx, total: str = "annual") -> CostAnalysis:
    """The cost analysis of `project`, its costs weighed against the money field `total` (年度资金总额;
    a template may name another: 部门整体's cost indicators account for its 项目支出)."""
    return ctx.cached(("cost", id(project), total), lambda: _analyse(project, ctx, total))


def _analyse(project, ctx, total: str = "annual") -> CostAnalysis:
    vocab = ctx.vocabulary
    key_of = name_key(vocab.name_prefix)
    cost_kinds = vocab.cost_kinds
    money_unit = project.money_unit
    result = CostAnalysis()
    for indicator in project.indicators:
        kind = indicator.kind
        if kind in cost_kinds:
            value = indicator.value
            if value.not_applicable or value.is_empty or value.too_long:  # too_long: BL004 says it
                continue
            amount = _cost_amount(value)
            yuan = None if amount is None else amount.in_yuan(money_unit)
            if yuan is None:
                result.not_money.append(indicator)
                continue
            result.costs.append(CostRow(indicator, amount, yuan, key_of(indicator.name)))
        elif kind == "quantity":
            amount = _quantity_amount(indicator.value)
            if amount is not None:
                result.quantities.append(QuantityRow(indicator, amount, key_of(indicator.name)))

    def score(cost: CostRow, quantity: QuantityRow, name: float) -> float:
        if not cost.amount.is_rate:
            return name
        fit = _units_fit(cost, quantity)
        if fit == "same":
            return name + 0.05  # a matching unit breaks ties between similar names
        if fit == "none":
            return name
        if cost.amount.per is not None and cost.amount.per.is_time:
            return 0.0  # 元/年 is never multiplied by 场 or 个
        return name - 0.1

    if len(result.costs) * len(result.quantities) <= MAX_PAIRS:
        result.matches = assign(result.costs, result.quantities, _row_key, score, threshold=0.5, slack=0.05)
    else:  # a pathological table: pair equal names only, in linear time
        by_key: dict[str, int] = {}
        for index, row in enumerate(result.quantities):
            by_key.setdefault(row.key, index)
        taken: set[int] = set()
        for index, cost in enumerate(result.costs):
            same = by_key.get(cost.key)
            if same is not None and same not in taken:
                taken.add(same)
                result.matches[index] = (same, 1.0)
    _match_by_unit(result)
    year = ctx.units.get("年")
    for index, cost in enumerate(result.costs):
        match = result.matches.get(index)
        how = BY_NAME if match else ""
        quantity = result.quantities[match[0]] if match else None
        if not cost.amount.is_rate:  # a lump sum: itself
            result.terms.append(Term(cost, quantity, _ONE, cost.yuan, cost.indicator.value.raw, how))
            continue
        if quantity is None and index in result.by_unit:
            quantity, how = result.quantities[result.by_unit[index]], BY_UNIT
        per = cost.amount.per
        multiplier: Decimal | None = None
        if quantity is not None:
            fit = _units_fit(cost, quantity)
            unit = quantity.amount.unit
            if fit == "same" and per is not None and unit is not None:
                multiplier = quantity.amount.number * unit.factor / per.factor
            else:
                multiplier = quantity.amount.number
                if fit == "differ" or (fit == "none" and quantity.amount.noun):
                    result.mismatched_units.append((cost, quantity))
        elif per is not None and per.is_time and year is not None:
            multiplier = year.factor / per.factor  # 万元/年: one fiscal year
        if multiplier is None:
            result.unresolved.append(cost)
            continue
        formula = f"{cost.indicator.value.raw} × {quantity.indicator.value.raw if quantity else '1年'}"
        if cost.amount.per_time is not None:  # 元/人·月: times the months the table states for it
            duration = _duration(project, cost, quantity, result.quantities, ctx)
            if duration is None:
                result.no_duration.append((cost, quantity, how))
                result.unresolved.append(cost)
                continue
            multiplier *= duration[0]
            formula += f" × {duration[1]}"
        result.terms.append(Term(cost, quantity, multiplier, cost.yuan * multiplier, formula, how))
    result.total = sum((term.yuan for term in result.terms), Decimal(0))
    annual = project.field(total)
    if annual is None or annual.amount is None or not result.costs or result.unresolved:
        return result
    allowed = tolerance(project, ctx, annual.decimals)
    result.balanced = abs(result.total - annual.amount) <= allowed
    if not result.balanced:
        result.per_unit_rows = _per_unit_reading(result, annual.amount, allowed)
    return result


def _match_by_unit(result: CostAnalysis) -> None:
    """The second pass: the rates the names left alone, matched to the quantities not taken by name
    whose unit has the dimension of their denominator, when the match is one to one.

    Rows are grouped by dimension in one pass over each side, so the work is O(rates + quantities),
    whatever the table; nothing compares a rate with a quantity of another dimension.  A rate per
    time (元/年) is left out: without a quantity it counts one fiscal year.
    """
    costs, quantities = result.costs, result.quantities
    rates: dict[str, list[int]] = {}  # dimension → the rates left alone counted in it
    for index, cost in enumerate(costs):
        per = cost.amount.per
        if per is None or index in result.matches or not cost.amount.is_rate:
            continue
        if per.is_time or per.is_money or per.is_ratio:
            continue
        rates.setdefault(per.dimension, []).append(index)
    if not rates:
        return
    taken = {q_index for q_index, _score in result.matches.values()}
    fitting: dict[str, list[int]] = {}  # dimension → the quantities not taken by name counted in it
    for q_index, quantity in enumerate(quantities):
        unit = quantity.amount.unit
        if unit is not None and q_index not in taken and unit.dimension in rates:
            fitting.setdefault(unit.dimension, []).append(q_index)
    for dimension, indices in rates.items():
        found = fitting.get(dimension)
        if not found:
            continue  # no quantity in a fitting unit: BL202 as before
        if len(found) == 1 and len(indices) == 1:
            result.by_unit[indices[0]] = found[0]
            continue
        ambiguity = Ambiguity([quantities[q_index] for q_index in found], [costs[index] for index in indices])
        for index in indices:
            result.ambiguous[index] = ambiguity


def _duration(project, cost: CostRow, count: QuantityRow | None, quantities: list[QuantityRow], ctx):
    """How many of a rate's time unit (元/人·月 → 月) the table states for it, and where: a quantity counted
    in time (the one named most like the cost, or the only one), else a 时效 period within one year, else
    项目期 of a year or less.  None when the table states none."""
    per_time = cost.amount.per_time
    month, year = ctx.units.get("月"), ctx.units.get("年")
    if per_time is None or month is None or year is None:
        return None
    timed = [
        (q, q.amount.unit) for q in quantities if q is not count and q.amount.unit is not None and q.amount.unit.is_time
    ]
    if timed:
        row, unit = max(timed, key=lambda pair: similarity(cost.key, pair[0].key))
        length = row.amount.number * unit.factor / per_time.factor
        return length, f"{row.indicator.value.raw}（{row.indicator.name}）"
    for indicator in project.of_kind("timeliness"):
        for period in indicator.value.periods:
            first, last = period.first, period.last
            if first.month and last.month and (last.year or first.year) == first.year and last.month >= first.month:
                length = Decimal(last.month - first.month + 1) * month.factor / per_time.factor
                return length, f"{last.month - first.month + 1}月（{indicator.name} {indicator.value.raw}）"
    period_field = project.field("period")
    stated = period_field.value.amount if period_field is not None and period_field.value is not None else None
    if stated is not None and stated.unit is not None and stated.unit.is_time:
        span = stated.number * stated.unit.factor
        if span <= year.factor:
            return span / per_time.factor, f"{period_field.text}（{period_field.label}）"
    return None


def _per_unit_reading(result: CostAnalysis, annual: Decimal, allowed: Decimal) -> list[Term]:
    """The smallest set of lump-sum rows that, read as per-unit costs, make the table balance."""
    candidates = [
        term
        for term in result.terms
        if not term.cost.is_rate
        and term.quantity is not None
        and term.quantity.amount.number > 1
        and not (term.quantity.amount.unit and term.quantity.amount.unit.is_time)
    ][:MAX_REREADING_ROWS]
    gap = annual - result.total
    # What reading each row per unit adds: computed once, summed by the subset (2^16 subsets at most).
    added = [t.yuan * (t.quantity.amount.number - 1) for t in candidates if t.quantity is not None]
    for size in range(1, len(candidates) + 1):
        found = [
            subset
            for subset, sums in zip(combinations(candidates, size), combinations(added, size))
            if abs(sum(sums) - gap) <= allowed
        ]
        if len(found) == 1:
            return list(found[0])
        if len(found) > 1:
            return []  # more than one reading balances: do not guess
    return []


# ---------------------------------------------------------------- rules (views of the analysis)
def midterm_view(project, ctx):
    """The project as its 中期 (mid- or long-term) column states it: each indicator with a 中期 value,
    that value in place of the annual one; None when no indicator has one (the block has no such column)."""

    def view():
        indicators = [
            Indicator(i.level1, i.level2, i.name, i.name_span, i.midterm, i.midterm_span, i.row_span)
            for i in project.indicators
            if i.midterm is not None and i.midterm_span is not None
        ]
        if not indicators:
            return None
        return Project(
            project.name,
            project.span,
            project.end_line,
            project.fields,
            indicators,
            project.fiscal_year,
            project.fiscal_year_span,
            project.money_unit,
            project.money_unit_text,
        )

    return ctx.cached(("midterm", id(project)), view)


@check_kind(
    "cost-sum",
    params={
        "max_terms": {"type": "int", "default": 12, "min": 1, "max": 1000},
        "total": {"type": "string", "default": "annual"},
        "values": {"type": "string", "default": "annual", "choices": ("annual", "midterm")},
    },
)
def cost_sum(project, params, ctx):
    """BL201: Σ(cost, per-unit costs × quantity) equals 年度资金总额 (or the field `total` names); BL208 the
    same over the 中期 column's values (`values = "midterm"`), against 项目总额 / 中期资金总额."""
    if params.get("values") == "midterm":
        project = midterm_view(project, ctx)
        if project is None:
            return
    analysis = analyse(project, ctx, params["total"])
    if analysis.balanced is not False or analysis.per_unit_rows:
        return
    annual = project.field(params["total"])
    terms = analysis.terms
    shown = " + ".join(_term_text(project, t) for t in terms[: params["max_terms"]])
    if len(terms) > params["max_terms"]:
        shown += f" + …（{len(terms) - params['max_terms']} 项）"
    first = terms[0].cost.indicator
    related = [field_row(ctx, annual)]
    related += [Related(t.cost.indicator.value_span, _term_label(t)) for t in terms]
    args = {
        "equation": f"{shown} = {show_money(project, analysis.total)}",
        "unit": project.money_unit_text,
        "difference": show_money(project, annual.amount - analysis.total),
    }
    by_unit = [t for t in terms if t.how == BY_UNIT and t.quantity is not None]
    if by_unit:  # the pairs the sum rests on that no name confirms: said in the message itself
        args["variant"] = "by-unit"
        args["pairs"] = ", ".join(
            f"「{t.cost.indicator.name}」↔「{t.quantity.indicator.name}」"
            for t in by_unit[: params["max_terms"]]
            if t.quantity is not None
        ) + (f", …（+{len(by_unit) - params['max_terms']}）" if len(by_unit) > params["max_terms"] else "")
    yield Finding(
        "",
        first.level2.span if first.level2 is not None and not first.level2.inherited else first.value_span,
        args=args,
        expected=show_money(project, annual.amount),
        actual=show_money(project, analysis.total),
        related=tuple(related),
    )


def _how(how: str, row_name: str, other_name: str) -> tuple[str, str]:
    """How a row was matched to the other of its pair, in both languages: by name, or by unit (naming
    the other row when its name differs)."""
    zh, en = ("按名称对应", "matched by name") if how == BY_NAME else ("按单位对应", "matched by unit")
    if other_name != row_name:
        zh, en = f"{zh}“{other_name}”", f"{en} to '{other_name}'"
    return zh, en


def _term_label(term: Term) -> str | dict[str, str]:
    """A term of the sum as a related row: the cost, its formula and, for a rate times its quantity,
    how the two were matched."""
    name = term.cost.indicator.name
    plain = f"{name}: {term.formula}"
    if term.quantity is None or not term.cost.is_rate or not term.how:
        return plain
    zh, en = _how(term.how, name, term.quantity.indicator.name)
    return words(f"{plain}（{zh}）", f"{plain} ({en})")


def _quantity_row(quantity: QuantityRow, how: str, cost: CostRow) -> Related:
    """The quantity of a pair as a related row, saying how it was matched to `cost` (named when its
    name differs)."""
    name, raw = quantity.indicator.name, quantity.indicator.value.raw
    zh, en = _how(how, name, cost.indicator.name)
    return Related(quantity.indicator.value_span, words(f"{name}: {raw}（{zh}）", f"{name}: {raw} ({en})"))


def _term_text(project, term: Term) -> str:
    if term.multiplier == 1 and not term.cost.is_rate:
        return show_money(project, term.yuan)
    return f"{show_money(project, term.cost.yuan)}×{format_value(term.multiplier)}"


@check_kind("cost-rate-unmatched")
def cost_rate_unmatched(project, params, ctx):
    """BL202: a per-unit cost whose quantity cannot be found."""
    analysis = analyse(project, ctx)
    timed = {id(cost) for cost, _quantity, _how in analysis.no_duration}
    ambiguous = {id(analysis.costs[index]): ambiguity for index, ambiguity in analysis.ambiguous.items()}
    for cost in analysis.unresolved:
        if id(cost) in timed:
            continue  # its quantity was found, its duration not: BL207
        indicator = cost.indicator
        per = cost.amount.per_text
        ambiguity = ambiguous.get(id(cost))
        if ambiguity is not None:
            yield _ambiguous(cost, ambiguity)
            continue
        yield Finding(
            "",
            indicator.value_span,
            args={"name": indicator.name, "per": per},
            expected=words(f"以“{per}”计的数量指标", f"a quantity counted in {per}"),
            actual=indicator.value.raw,
        )


def _ambiguous(cost: CostRow, ambiguity: Ambiguity) -> Finding:
    """BL202 "ambiguous": the quantities (and the other rates) among which a match by unit would be a
    guess, at most MAX_CANDIDATES of each named: the work is bounded for each rate."""
    indicator, per = cost.indicator, cost.amount.per_text
    quantities = ambiguity.quantities
    shown = [f"「{q.indicator.name}」 {q.indicator.value.raw}" for q in quantities[:MAX_CANDIDATES]]
    left = len(quantities) - MAX_CANDIDATES
    zh = f"{len(quantities)} 个 — {'，'.join(shown)}" + (f"，…（另 {left} 个）" if left > 0 else "")
    en = f"{len(quantities)} — {', '.join(shown)}" + (f", … ({left} more)" if left > 0 else "")
    expected = words(f"一个以“{per}”计的数量指标", f"one quantity in {per}")
    rivals: list[str] = []
    for other in ambiguity.rates:  # the other rates left alone in the dimension, MAX_CANDIDATES at most
        if len(rivals) == MAX_CANDIDATES:
            break
        if other is not cost:
            rivals.append(f"「{other.indicator.name}」 {other.indicator.value.raw}")
    if rivals:
        count = len(ambiguity.rates) - 1
        zh += f"；名称也对不上、同按“{per}”计的单价另有 {count} 项 — {'，'.join(rivals)}"
        en += f"; rates per {per} that match no name either: {count} more — {', '.join(rivals)}"
        expected = words(f"一个以“{per}”计的数量指标对应一项单价", f"one quantity in {per} for one rate")
    return Finding(
        "",
        indicator.value_span,
        args={"variant": "ambiguous", "name": indicator.name, "per": per},
        expected=expected,
        actual=words(zh, en),
        related=tuple(
            Related(q.indicator.value_span, f"{q.indicator.name}: {q.indicator.value.raw}")
            for q in quantities[:MAX_CANDIDATES]
        ),
    )


@check_kind(
    "cost-lump-per-unit",
    params={"total": {"type": "string", "default": "annual"}},
)
def cost_lump_per_unit(project, params, ctx):
    """BL203: a cost written as a lump sum that only balances read per unit (the /站 is missing)."""
    analysis = analyse(project, ctx, params["total"])
    if not analysis.per_unit_rows:
        return
    annual = project.field(params["total"])
    for term in analysis.per_unit_rows:
        indicator = term.cost.indicator
        quantity = term.quantity
        if quantity is None:  # a per-unit reading has its quantity
            continue
        unit = quantity.unit_word or "单位"
        written = indicator.value.raw
        amount = term.cost.amount
        as_rate = written[: amount.end].rstrip() + f"/{unit}" + written[amount.end :]
        per_unit_total = term.yuan * quantity.amount.number
        yield Finding(
            "",
            indicator.value_span,
            args={
                "name": indicator.name,
                "unit": unit,
                "quantity": quantity.indicator.value.raw,
                "product": show_money(project, per_unit_total),
                "annual": annual.text,
                "money_unit": project.money_unit_text,
            },
            expected=as_rate,
            actual=written,
            related=(_quantity_row(quantity, term.how, term.cost), field_row(ctx, annual)),
            fix=Fix(f"{written} → {as_rate}", (Edit(indicator.value_span, as_rate),), safe=False),
        )


@check_kind("cost-unit-mismatch")
def cost_unit_mismatch(project, params, ctx):
    """BL204: the quantity is counted in another unit than the rate's denominator."""
    for cost, quantity in analyse(project, ctx).mismatched_units:  # matched by name: by unit they fit
        yield Finding(
            "",
            cost.indicator.value_span,
            args={"name": cost.indicator.name, "quantity_name": quantity.indicator.name},
            expected=words(f"数量以“{cost.amount.per_text}”计", f"the quantity counted in {cost.amount.per_text}"),
            actual=quantity.indicator.value.raw,
            related=(_quantity_row(quantity, BY_NAME, cost),),
        )


@check_kind(
    "cost-name-drift",
    params={
        "min_similarity": {"type": "decimal", "default": Decimal("0.6"), "min": 0, "max": 1},
        "max_similarity": {"type": "decimal", "default": Decimal("0.9"), "min": 0, "max": 1},
    },
)
def cost_name_drift(project, params, ctx):
    """BL205: a cost row and a quantity row whose names nearly, but not exactly, match."""
    analysis = analyse(project, ctx)
    low, high = params["min_similarity"], params["max_similarity"]
    exact_quantities = {q.key for q in analysis.quantities}
    for index, (q_index, _score) in sorted(analysis.matches.items()):
        cost = analysis.costs[index]
        quantity = analysis.quantities[q_index]
        name_score = similarity(cost.key, quantity.key)
        if not low <= name_score < high or cost.key in exact_quantities:
            continue
        yield Finding(
            "",
            cost.indicator.where,
            args={"name": cost.indicator.name},
            expected=quantity.indicator.name,
            actual=cost.indicator.name,
            related=(
                Related(
                    quantity.indicator.where,
                    words(
                        f"数量指标（按名称对应）: {quantity.indicator.name}",
                        f"quantity indicator (matched by name): {quantity.indicator.name}",
                    ),
                ),
            ),
        )


@check_kind("cost-not-money")
def cost_not_money(project, params, ctx):
    """BL206: a cost indicator whose value is not an amount of money."""
    for indicator in analyse(project, ctx).not_money:
        yield Finding(
            "",
            indicator.value_span,
            args={"name": indicator.name},
            expected=words("金额（如 5 万元、2 元/人次）", "an amount of money (5 万元, 2 元/人次)"),
            actual=indicator.value.raw,
        )


@check_kind("cost-rate-no-duration")
def cost_rate_no_duration(project, params, ctx):
    """BL207: a rate per time (元/人·月) for which the table states no duration to multiply it by."""
    for cost, quantity, how in analyse(project, ctx).no_duration:
        indicator = cost.indicator
        per_time = cost.amount.per_time
        unit = per_time.name if per_time is not None else ""
        yield Finding(
            "",
            indicator.value_span,
            args={"name": indicator.name, "unit": unit},
            expected=words(
                f"以“{unit}”计的时长（数量指标、时效指标的期间或一年以内的项目期）",
                f"a duration in {unit} (a quantity, a period of a time indicator, or 项目期 within the year)",
            ),
            actual=indicator.value.raw,
            related=() if quantity is None or not how else (_quantity_row(quantity, how, cost),),
        )
