"""Structure (BL6xx): the indicator tree — codes agree with parents and names, no duplicates or blanks."""

from __future__ import annotations

from budgetlint.checks import check_kind
from budgetlint.findings import Finding, Related, words
from budgetlint.matching import name_key

TYPE_CHECKING = False  # typing is not imported on the check path
if TYPE_CHECKING:
    from budgetlint.model import Indicator


@check_kind(
    "group-codes",
    params={"check_names": {"type": "bool", "default": True}},
)
def group_codes(project, params, ctx):
    """BL602: a level-2 code at odds with its level 1 (24-… under 1-产出指标) or with its own name."""
    vocab = ctx.vocabulary
    seen = set()
    for indicator in project.indicators:
        level1, level2 = indicator.level1, indicator.level2
        if level2 is None or level2.inherited:
            continue
        key = (level2.span, level1.span if level1 else None)
        if key in seen:
            continue
        seen.add(key)
        group2 = vocab.level2.get(level2.kind) if level2.kind else None
        if level1 is not None and level1.kind and group2 is not None and group2.parent and group2.parent != level1.kind:
            yield Finding(
                "",
                level2.span,
                args={"child": level2.label, "parent": level1.label, "variant": "parent"},
                expected=words(
                    f"{vocab.level1[group2.parent].names[0]}之下", f"under {vocab.level1[group2.parent].names[0]}"
                ),
                actual=level1.label,
                related=(Related(level1.span, level1.label),),
            )
            continue
        if level1 is not None and level1.code and level2.code and not level2.code.startswith(level1.code):
            yield Finding(
                "",
                level2.span,
                args={"child": level2.label, "parent": level1.label, "variant": "parent"},
                expected=words(f"以 {level1.code} 开头的编码", f"a code starting with {level1.code}"),
                actual=level2.code,
                related=(Related(level1.span, level1.label),),
            )
            continue
        if (
            params["check_names"]
            and level2.code
            and group2 is not None
            and group2.code
            and len(level2.code) == len(group2.code)
        ):
            owner = vocab.level2_codes.get(level2.code)
            if owner is not None and owner.kind != group2.kind:
                yield Finding(
                    "",
                    level2.span,
                    args={"child": level2.label, "variant": "name"},
                    expected=f"{group2.code}-{level2.name}",
                    actual=level2.label,
                )


@check_kind("duplicate-indicator")
def duplicate_indicator(project, params, ctx):
    """BL603: the same indicator twice in the same group."""
    seen: dict[tuple, Indicator] = {}
    key_of = name_key(ctx.vocabulary.name_prefix)
    for indicator in project.indicators:
        if not indicator.name or indicator.value.not_applicable:
            continue
        key = (indicator.kind, key_of(indicator.name))
        first = seen.get(key)
        if first is None:
            seen[key] = indicator
            continue
        yield Finding(
            "",
            indicator.where,
            args={"name": indicator.name, "first_line": first.line},
            expected=words("每个指标只出现一次", "each indicator once"),
            actual=words(f"第 {first.line} 行与第 {indicator.line} 行", f"lines {first.line} and {indicator.line}"),
            related=(Related(first.where, f"{first.name}: {first.value.raw}"),),
        )


@check_kind("empty-cell")
def empty_cell(project, params, ctx):
    """BL604: an indicator with no name or no value ('0 | 0' rows of 经济效益 are fine)."""
    for indicator in project.indicators:
        if not indicator.name.strip() and not indicator.value.not_applicable and not indicator.value.is_empty:
            yield Finding(
                "",
                indicator.value_span,
                args={"variant": "name", "value": indicator.value.raw},
                expected=words("三级指标名称", "a level-3 name"),
                actual="",
            )
        elif indicator.value.is_empty:
            yield Finding(
                "",
                indicator.where,
                args={"variant": "value", "name": indicator.name},
                expected=words("绩效值", "a target value"),
                actual="",
            )


def _placeholders(project, search):
    """(span, text, match) of each header value and indicator cell where `search` finds something."""
    for found in project.fields.values():
        if found.text and (match := search(found.text)) is not None:
            yield found.where, found.text, match
    for indicator in project.indicators:
        if indicator.name_span and (match := search(indicator.name)) is not None:
            yield indicator.name_span, indicator.name, match
        raw = indicator.value.raw
        if (match := search(raw)) is not None:
            yield indicator.value_span, raw, match


@check_kind("placeholder")
def placeholder(project, params, ctx):
    """BL605: template placeholders left in (≥**, XX, 某某)."""
    search = ctx.vocabulary.placeholders.search
    for span, text, match in _placeholders(project, search):
        yield Finding(
            "",
            span.sub(match.start(), match.end()) if span.line == span.end_line else span,
            args={"text": match.group()},
            expected=words("实际内容", "real content"),
            actual=text,
        )


@check_kind("unknown-group")
def unknown_group(project, params, ctx):
    """BL606: an indicator row with no recognisable level-1 / level-2 group."""
    reported = set()
    for indicator in project.indicators:
        if indicator.level2 is not None and indicator.level2.kind is not None:
            continue
        ref = indicator.level2 or indicator.level1
        key = ref.span if ref is not None else indicator.row_span
        if key in reported:
            continue
        reported.add(key)
        yield Finding(
            "",
            key,
            args={"variant": "unknown" if ref is not None else "none", "group": ref.label if ref else ""},
            expected=words("词表中的二级指标（如 11-数量指标）", "a level-2 group of the vocabulary (11-数量指标 …)"),
            actual=ref.label if ref else words("无", "none"),
        )
