"""Wording (BL8xx): vague targets (明显提升, 若干次) where a number is expected; comparator spellings with a canonical form."""

from __future__ import annotations

from budgetlint.checks import check_kind
from budgetlint.findings import Edit, Finding, Fix, words
from budgetlint.text import squeeze

CANONICAL = "≥≤><="


def amount_signature(amount) -> tuple:
    """What a fix must not change: comparator meaning, number (both ends of a range), unit, rate, percent, noun."""
    return (
        amount.comparator,
        amount.number,
        amount.high,
        amount.unit.name if amount.unit else None,
        amount.per.name if amount.per else amount.per_text,
        amount.percent,
        amount.noun,
    )


def canonical_comparator_text(raw: str, amount) -> str | None:
    """The amount rewritten with its comparator as a sign in front: '达 90%以上' → '≥90%'."""
    if amount.comparator is None or not amount.comparator_text:
        return None
    body = raw[amount.start : amount.end]
    start = amount.comparator_start - amount.start
    prefix = raw[amount.start : amount.start + len(amount.comparator_text)] == amount.comparator_text and start == 0
    if prefix:
        body = body[len(amount.comparator_text) :].lstrip()
    # a suffix comparator (以上 / 以内 …) that repeats or carries the comparison
    for suffix in ("及以上", "以上", "及以下", "以下", "以内", "之内"):
        index = body.rfind(suffix)
        if index > 0 and (not amount.noun or not body.endswith(amount.noun) or index < len(body) - len(amount.noun)):
            body = body[:index] + body[index + len(suffix) :]
            break
    return amount.comparator + body.strip()


@check_kind(
    "comparator-spelling",
    params={"accepted": {"type": "list"}},
)
def comparator_spelling(project, params, ctx):
    """BL802: a comparator spelled other than ≥ ≤ > < =, with a fix when the rewrite reads the same."""
    accepted = set(params["accepted"])
    for indicator in project.indicators:
        value = indicator.value
        for amount in value.amounts:
            written = amount.comparator_text
            if not written or written in accepted or amount.comparator is None:
                continue
            rewritten = canonical_comparator_text(value.raw, amount)
            if rewritten is None:
                continue
            old = value.raw[amount.start : amount.end]
            new_raw = value.raw[: amount.start] + rewritten + value.raw[amount.end :]
            reread = ctx.values.read(new_raw)
            same = [amount_signature(a) for a in reread.amounts] == [amount_signature(a) for a in value.amounts]
            suffix_sign = ctx.vocabulary.suffix_comparators.get(amount.suffix)
            if suffix_sign is not None and suffix_sign != amount.comparator:
                same = False  # 达90%以内: the two comparators disagree; a person must choose
            span = indicator.value_span.sub(amount.start, amount.end)
            fix = (
                Fix(f"“{old}” → “{rewritten}”", (Edit(span, rewritten),), safe=same)
                if squeeze(old) != rewritten
                else None
            )
            yield Finding(
                "",
                span,
                args={"written": written, "canonical": amount.comparator},
                expected=rewritten,
                actual=old,
                fix=fix,
            )


@check_kind(
    "vague-target",
    params={
        "groups": {"type": "list", "default": ()},
        "quantity_groups": {"type": "list", "default": ()},
        "quantities": {"type": "list", "default": ()},
    },
)
def vague_target(project, params, ctx):
    """BL801: a target that states a direction (明显提升) or a vague quantity (若干次) where the group
    expects a number."""
    # The words each group is judged by: the vocabulary's directions in `groups`, the rule's vague
    # quantities in `quantity_groups`; a group named in both is judged by both, the longest word first
    # ("明显提升" before "提升").
    listed: dict[str, list[str]] = {}
    for kinds, words_of_kinds in (
        (params["groups"], ctx.vocabulary.vague),
        (params["quantity_groups"], params["quantities"]),
    ):
        for kind in kinds:
            listed.setdefault(kind, []).extend(words_of_kinds)
    judged = {kind: sorted(vague, key=len, reverse=True) for kind, vague in listed.items()}
    for indicator in project.indicators:
        vague = judged.get(indicator.kind)
        if vague is None:
            continue
        value = indicator.value
        if value.amounts or value.dates or value.periods or value.not_applicable or value.is_empty:
            continue
        text = squeeze(value.raw)
        word = next((w for w in vague if w in text), None)
        if word is None:
            continue
        yield Finding(
            "",
            indicator.value_span,
            args={"name": indicator.name, "word": word},
            expected=words("可衡量的目标值（如 ≥90%、≥5 项）", "a measurable target (≥90%, ≥5 项)"),
            actual=value.raw,
        )
