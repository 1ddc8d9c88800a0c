"""Narrative (BL7xx): 年度总体绩效目标 agrees with the indicators and the money, and says things once.

The reader has read the counts and amounts the narrative states, each with the
words of its clause around it (Project.narrative); each is matched to the
indicator (or cost row) of its unit that those words name — by how much of the
indicator's name they cover, then by how near the number the name stands — and
only a confident match is compared.
"""

from __future__ import annotations

from decimal import Decimal

from budgetlint.checks import check_kind
from budgetlint.checks.common import field_label, field_row, show_money, tolerance
from budgetlint.findings import Edit, Finding, Fix, Related, words
from budgetlint.matching import bigram_set, common_bigrams, name_key, similarity
from budgetlint.text import HTML_TAG

TYPE_CHECKING = False  # typing is not imported on the check path
if TYPE_CHECKING:
    from collections.abc import Iterator

    from budgetlint.model import Indicator, Stated
    from budgetlint.units import Unit
    from budgetlint.values import Amount

_plain_key = name_key(None)  # a phrase or sentence as compared (no numbering prefix to drop)


def coverage(phrase: str, name: str) -> float:
    """How much of `name` the phrase contains: the share of the name's bigrams found in the phrase."""
    if not phrase or not name:
        return 0.0
    if name in phrase:
        return 1.0
    return common_bigrams(name, phrase) / max(len(bigram_set(name)), 1)


def _statements(project) -> tuple[Stated, ...]:
    return project.narrative.statements if project.narrative is not None else ()


def _span(goal, offset: int, length: int):
    span = goal.where
    if span.line == span.end_line:
        return span.sub(offset, offset + length)
    return span


def _counted_alike(statement: Stated, row: Amount) -> bool:
    """Whether a row's amount counts per what the statement counts per: a total is compared with a total, and a
    rate (每人每年500元: per 人 and per 年) with a rate per one of its units that leaves none of its counts out
    (500元/人 or 500元/人/年, whose first denominator is read; not 500元/年, which is not per person)."""
    if not statement.per:
        return not row.is_rate
    if not row.is_rate:
        return False
    name = row.per.name if row.per is not None else row.per_text
    return any(unit.name == name for unit in statement.per) and all(
        unit.is_time or unit.name == name for unit in statement.per
    )


def _words(statement: Stated) -> tuple[str, str]:
    """The words of a statement before its number and after it, as compared."""
    return _plain_key(statement.phrase[: statement.at]), _plain_key(statement.phrase[statement.at :])


def distance(before: str, after: str, name: str) -> float:
    """How far from the number the words of `name` stand, among the words `before` and `after` it: the median,
    over the name's bigrams found, of the characters between the bigram (where it stands nearest) and the
    number.  The median, so that one common bigram (图书 of 社区图书室 and of 采购图书) does not place a name."""
    found = []
    for bigram in bigram_set(name):
        ends = []
        at = before.rfind(bigram)
        if at >= 0:
            ends.append(len(before) - at - len(bigram))
        at = after.find(bigram)
        if at >= 0:
            ends.append(at)
        if ends:
            found.append(min(ends))
    if not found:
        return float("inf")
    found.sort()
    return found[(len(found) - 1) // 2]


def _best(words, candidates, key, threshold, margin):
    """The single candidate the words of a number name confidently, or None.

    The words name a candidate when they cover `threshold` of its name.  Of those, the one whose name stands
    nearest the number is taken ("为 8 个社区图书室配备书架 16 个": 社区图书室 for 8, 配备书架 for 16), unless
    another candidate, as near, is covered almost as well (within `margin`): then the words name neither.
    """
    before, after = words
    phrase = before + after
    threshold, margin = float(threshold), float(margin)
    scored = [(coverage(phrase, key(c)), c) for c in candidates]
    placed = sorted(
        ((distance(before, after, key(c)), -score, i) for i, (score, c) in enumerate(scored) if score >= threshold)
    )
    if not placed:
        return None
    near, best, index = placed[0][0], -placed[0][1], placed[0][2]
    for i, (score, c) in enumerate(scored):
        if i != index and score > best - margin and distance(before, after, key(c)) <= near:
            return None
    return scored[index][1]


@check_kind(
    "narrative-counts",
    params={
        "threshold": {"type": "decimal", "default": Decimal("0.6"), "min": 0, "max": 1},
        "margin": {"type": "decimal", "default": Decimal("0.15"), "min": 0, "max": 1},
    },
)
def narrative_counts(project, params, ctx):
    """BL701: a count in the narrative ("培育…5 个") that contradicts its indicator ("6个")."""
    key_of = name_key(ctx.vocabulary.name_prefix)
    quantities: list[tuple[Indicator, Amount, Unit, str]] = []
    for indicator in project.of_kind("quantity"):
        counted = next((a for a in indicator.value.amounts if a.unit is not None and not a.is_money), None)
        if counted is not None and counted.unit is not None and not counted.unit.is_time:
            quantities.append((indicator, counted, counted.unit, key_of(indicator.name)))
    if not quantities:
        return
    goal = project.goal
    for statement in _statements(project):
        offset, amount = statement.offset, statement.amount
        unit = amount.unit
        if unit is None or amount.is_money or unit.is_time or amount.percent:
            continue
        same_unit = [q for q in quantities if q[2].dimension == unit.dimension and _counted_alike(statement, q[1])]
        match = _best(_words(statement), same_unit, lambda q: q[3], params["threshold"], params["margin"])
        if match is None:
            continue
        indicator, target, _, _ = match
        if target.number <= amount.number <= (target.number if target.high is None else target.high):
            continue  # the count, or a count within the indicator's range ("3 期" for "2-3 期")
        written = goal.text[offset : offset + (amount.end - amount.start)]
        yield Finding(
            "",
            _span(goal, offset, amount.end - amount.start),
            args={"name": indicator.name, "indicator_line": indicator.line},
            expected=indicator.value.raw,
            actual=written,
            related=(Related(indicator.value_span, f"{indicator.name}: {indicator.value.raw}"),),
        )


@check_kind(
    "narrative-money",
    params={
        "totals": {"type": "list", "default": ("annual", "total")},
        "total_words": {"type": "list", "default": ()},
        "threshold": {"type": "decimal", "default": Decimal("0.6"), "min": 0, "max": 1},
        "margin": {"type": "decimal", "default": Decimal("0.15"), "min": 0, "max": 1},
    },
)
def narrative_money(project, params, ctx):
    """BL702: an amount in the narrative that contradicts its cost row or the funding (计划2.8万元 vs 2.4).

    A rate (每人每年500元) is compared with the cost row counted per its unit that its words name, or the only
    one there is (500元/人); never with the funding.
    """
    key_of = name_key(ctx.vocabulary.name_prefix)
    costs = []
    for indicator in project.indicators:
        if indicator.kind in ctx.vocabulary.cost_kinds:
            amount = next((a for a in indicator.value.amounts if a.is_money or a.bare_wan), None)
            if amount is not None:
                costs.append((indicator, amount, key_of(indicator.name)))
    totals = [project.field(key) for key in params["totals"]]
    totals = [f for f in totals if f is not None and f.amount is not None]
    words = tuple(params["total_words"])
    goal = project.goal
    year = ctx.units.get("年")
    money_amounts = [s for s in _statements(project) if s.amount.is_money or s.amount.bare_wan]
    total_like = sum(1 for s in money_amounts if not s.per)
    for statement in money_amounts:
        offset, phrase, amount = statement.offset, statement.phrase, statement.amount
        yuan = amount.in_yuan()
        if yuan is None:
            continue
        length = amount.end - amount.start
        written = goal.text[offset : offset + length]
        alike = [c for c in costs if _counted_alike(statement, c[1])]
        match = _best(_words(statement), alike, lambda c: c[2], params["threshold"], params["margin"])
        if match is None and statement.per and len(alike) == 1:
            match = alike[0]  # the only cost row counted per the rate's unit
        if match is not None:
            indicator, target, _ = match
            target_yuan = target.in_yuan(project.money_unit)
            allowed = tolerance(project, ctx, target.decimals, amount.decimals)
            # the amount, or an amount within the cost row's range ("2.5万元" for "2-3万元")
            high = target.high_in_yuan(project.money_unit) if target.high is not None else target_yuan
            if target_yuan is not None and not target_yuan - allowed <= yuan <= (high or target_yuan) + allowed:
                yield Finding(
                    "",
                    _span(goal, offset, length),
                    args={"variant": "cost", "name": indicator.name},
                    expected=indicator.value.raw,
                    actual=written,
                    related=(Related(indicator.value_span, f"{indicator.name}: {indicator.value.raw}"),),
                )
            continue
        named_total = any(word in phrase for word in words)
        # A rate is no total — but an amount per year that names the funding (每年经费 447.9 万元) is the
        # annual amount: the table's money is counted per year already.
        annual_rate = named_total and all(unit == year for unit in statement.per)
        if (statement.per and not annual_rate) or not totals or not (named_total or total_like == 1):
            continue
        allowed = tolerance(project, ctx, amount.decimals, *(f.decimals for f in totals))
        if any(abs(f.amount - yuan) <= allowed for f in totals):
            continue
        annual = totals[0]
        yield Finding(
            "",
            _span(goal, offset, length),
            args={"variant": "total", "field": field_label(ctx, annual.key), "unit": project.money_unit_text},
            expected=f"{show_money(project, annual.amount)} {project.money_unit_text}",
            actual=written,
            related=tuple(field_row(ctx, f) for f in totals),
        )


@check_kind(
    "repeated-paragraph",
    params={
        "min_length": {"type": "int", "default": 20, "min": 1, "max": 1_000_000},
        "similarity": {"type": "decimal", "default": Decimal("0.8"), "min": 0, "max": 1},
    },
)
def repeated_paragraph(project, params, ctx):
    """BL703: a sentence of the narrative that repeats an earlier one (a paste done twice)."""
    goal = project.goal
    if goal is None or project.narrative is None:
        return
    sentences = [
        (sentence.offset, sentence.text)
        for sentence in project.narrative.sentences
        if len(_plain_key(sentence.text)) >= params["min_length"]
    ]
    threshold = float(params["similarity"])
    for index, earlier_index in _repeats(sentences, threshold):
        (start, sentence), (earlier_start, earlier) = sentences[index], sentences[earlier_index]
        yield Finding(
            "",
            _span(goal, start, len(sentence)),
            args={"chars": len(_plain_key(sentence))},
            expected=words("每段内容只写一次", "each passage once"),
            actual=_excerpt(sentence),
            related=(Related(_span(goal, earlier_start, len(earlier)), _excerpt(earlier)),),
        )
        return  # one finding a narrative: the first repeat shows where the paste went twice


POSTINGS = 32  # earlier sentences a bigram leads to; a bigram in more is too common to find a repeat by
COMPARED = 64  # earlier sentences a sentence is compared with at most


def _repeats(sentences: list[tuple[int, str]], threshold: float) -> Iterator[tuple[int, int]]:
    """(sentence, the first earlier sentence as similar as `threshold`) for each sentence that repeats one.

    Comparing each sentence with every earlier one is quadratic (a 3 MB narrative of distinct sentences:
    10⁹ comparisons).  So an index gives, for each bigram, the sentences it is in — until it is in more
    than POSTINGS, when it is too common to tell sentences apart and is no longer followed.  The earlier
    sentences compared are those the followed bigrams lead to, in their order, at most COMPARED of them,
    and only those that may reach `threshold`: two sentences share at most the followed bigrams found
    in both plus the bigrams no longer followed, which bounds their similarity (`similarity`: equal,
    one inside the other, else 2·shared / (|a| + |b|)).  Each sentence costs at most a constant times
    its length.  While no bigram is in more than POSTINGS sentences the answer is exactly that of
    comparing with every earlier sentence, since similar sentences share a bigram."""
    # bigram → the one sentence it is in (an int: most bigrams of a long narrative are in one), the
    # sentences it is in (a list, up to POSTINGS), or None once it is no longer followed
    index: dict[str, int | list[int] | None] = {}
    keys = [_plain_key(sentence) for _, sentence in sentences]
    sizes: list[int] = []  # each sentence's distinct bigrams, counted as it is met (earlier ones are asked for)
    for number, key in enumerate(keys):
        shared: dict[int, int] = {}
        common = 0  # the bigrams of this sentence no longer followed
        grams = bigram_set(key)
        sizes.append(len(grams))
        for gram in grams:
            if gram not in index:
                index[gram] = number
                continue
            found = index[gram]
            if found is None:
                common += 1
            elif type(found) is int:
                shared[found] = shared.get(found, 0) + 1
                index[gram] = [found, number]
            else:
                for earlier in found:  # type: ignore[union-attr]
                    shared[earlier] = shared.get(earlier, 0) + 1
                if len(found) < POSTINGS:  # type: ignore[arg-type]
                    found.append(number)  # type: ignore[union-attr]
                else:
                    index[gram] = None
        size = sizes[number]
        compared = 0
        for earlier in sorted(shared):
            most = shared[earlier] + common
            other = sizes[earlier]
            if most < min(size, other) and 2 * most < threshold * (size + other):
                continue  # neither equal nor inside the other, and too few bigrams in common
            if similarity(key, keys[earlier]) >= threshold:
                yield number, earlier
                break
            compared += 1
            if compared >= COMPARED:
                break


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= 30 else flat[:30] + "…"


@check_kind("markup")
def markup(project, params, ctx):
    """BL704: HTML tags (<p>…</p>) pasted from a web form into a cell."""
    for field in project.fields.values():
        if "<" not in field.text or field.span is None:
            continue
        tags = list(HTML_TAG.finditer(field.text))
        if not tags:
            continue
        cleaned = HTML_TAG.sub("", field.text)
        single = field.span.line == field.span.end_line
        fix = Fix("删除 HTML 标记 / remove the HTML tags", (Edit(field.span, cleaned),), safe=True) if single else None
        first = tags[0]
        yield Finding(
            "",
            _span(field, first.start(), len(first.group())),
            args={"label": field.label, "tags": " ".join(sorted({t.group() for t in tags}))},
            expected=words("纯文本", "plain text"),
            actual=" ".join(t.group() for t in tags),
            fix=fix,
        )
