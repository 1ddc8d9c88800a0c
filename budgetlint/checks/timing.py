"""Time (BL3xx): deadlines and periods fall in the fiscal year; time targets can be read; 时效 exists."""

from __future__ import annotations

from budgetlint.checks import check_kind
from budgetlint.findings import Finding, Related, words


def fiscal_year(project, ctx):
    """(year, where it was stated) — config first, then the document (metadata, (2024年度), title)."""
    if ctx.fiscal_year is not None:
        return ctx.fiscal_year, None
    return project.fiscal_year, project.fiscal_year_span


def _date_text(point) -> str:
    parts = [f"{point.year}年" if point.year else ""]
    if point.month:
        parts.append(f"{point.month}月")
    if point.day:
        parts.append(f"{point.day}日")
    return "".join(parts)


@check_kind(
    "date-in-fiscal-year",
    params={
        "groups": {"type": "list", "default": ("timeliness",)},
        "all_groups": {"type": "bool", "default": False},
    },
)
def date_in_fiscal_year(project, params, ctx):
    """BL301: a deadline or period in a time indicator outside the fiscal year."""
    year, where = fiscal_year(project, ctx)
    if year is None:
        return
    kinds = set(params["groups"])
    related = (Related(where, words(f"预算年度 {year}", f"fiscal year {year}")),) if where else ()
    for indicator in project.indicators:
        if params["all_groups"] is False and indicator.kind not in kinds:
            continue
        value = indicator.value
        points = [(d.start, d.end, d) for d in value.dates]
        points += [(p.start, p.end, p.first) for p in value.periods] + [(p.start, p.end, p.last) for p in value.periods]
        reported = set()
        for start, end, point in points:
            if point.year is None or point.year == year or (start, end) in reported:
                continue
            if point.suffix == "year" and indicator.kind not in kinds:
                continue  # "2023年度" in a benefit text is a reference, not a deadline
            reported.add((start, end))
            yield Finding(
                "",
                indicator.value_span.sub(start, end),
                args={"name": indicator.name, "year": year},
                expected=words(f"{year}年内", f"within {year}"),
                actual=_date_text(point),
                related=related,
            )


@check_kind("period-order")
def period_order(project, params, ctx):
    """BL304: a period that ends before it starts, or a date that does not exist."""
    for indicator in project.indicators:
        value = indicator.value
        if not value.periods and not value.dates:
            continue  # most values hold neither
        for period in value.periods:
            first, last = period.first, period.last
            start = (first.year or 0, first.month or 0, first.day or 0)
            end = (last.year or first.year or 0, last.month or 0, last.day or 99)
            if end < start:
                yield Finding(
                    "",
                    indicator.value_span.sub(period.start, period.end),
                    args={"name": indicator.name},
                    expected=words("开始早于结束", "the start before the end"),
                    actual=value.raw[period.start : period.end],
                )
        for point in [*value.dates, *(p.first for p in value.periods), *(p.last for p in value.periods)]:
            if (point.month is not None and not 1 <= point.month <= 12) or (
                point.day is not None and not 1 <= point.day <= _days_in(point.year, point.month)
            ):
                yield Finding(
                    "",
                    indicator.value_span.sub(point.start, point.end),
                    args={"name": indicator.name, "variant": "invalid"},
                    expected=_real_date(point),
                    actual=value.raw[point.start : point.end],
                )


def _real_date(point) -> dict[str, str]:
    """What a date that exists is, said for the month `point` names (or for any month)."""
    if point.month is not None and 1 <= point.month <= 12:
        days = _days_in(point.year, point.month)
        return words(f"{point.month} 月的一日（1–{days} 日）", f"a day of month {point.month} (1–{days})")
    return words("有效日期（1–12 月，1–31 日）", "a real date (months 1–12, days 1–31)")


def _days_in(year: int | None, month: int | None) -> int:
    """The days of a month (of February, 29 when the year is not stated or is a leap year)."""
    if month == 2:
        leap = year is None or (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0))
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


@check_kind("time-target-readable")
def time_target_readable(project, params, ctx):
    """BL302: a 时效 target that is neither a date, a period, a duration nor a rate."""
    for indicator in project.of_kind("timeliness"):
        value = indicator.value
        if value.dates or value.periods or value.not_applicable or value.is_empty:
            continue
        if any(a.percent or (a.unit is not None and a.unit.is_time) for a in value.amounts):
            continue
        yield Finding(
            "",
            indicator.value_span,
            args={"name": indicator.name},
            expected=words(
                "日期、期间、时长或比率（如 2024年12月31日前、1-12月、≥98%）",
                "a date, period, duration or rate (2024年12月31日前, 1-12月, ≥98%)",
            ),
            actual=value.raw,
        )


@check_kind(
    "group-present",
    params={"groups": {"type": "list"}},
)
def group_present(project, params, ctx):
    """BL303 / BL401 / BL601: a required level-2 group is missing from the table."""
    if not project.indicators:
        return
    present = project.groups()
    names = ctx.vocabulary.level2
    cost_kinds = ctx.vocabulary.cost_kinds
    for kind in params["groups"]:
        if kind in present or (kind in cost_kinds and present & cost_kinds):
            continue  # 101号 style: 经济成本指标 etc. stand for 成本
        group = names.get(kind)
        label = f"{group.code}-{group.names[0]}" if group and group.code else (group.names[0] if group else kind)
        yield Finding("", project.span, args={"group": label}, expected=label)
