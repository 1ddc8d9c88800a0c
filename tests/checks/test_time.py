"""Time (BL3xx): deadlines and periods belong to the fiscal year, and where that year comes from.

The year is the config's `fiscal-year`, else the document's: a 年度： line outranks a "(2024年度)"
line, which outranks a title "2024年…表"; each table's title may restate it.
"""

from __future__ import annotations

import pytest
from conftest import findings_of

from budgetlint.config import Config
from budgetlint.engine import Linter

TITLE = "# 2024年部门项目支出绩效目标表\n"


def timed(value: str, before: str = TITLE, group: str = "13-时效指标") -> str:
    """`before`, then a table whose one indicator row (`group`, 完成时间 = `value`) is its third row."""
    return (
        before
        + f"| 项目名称 | 示例项目 |\n| 一级指标 | 二级指标 | 三级指标 | 绩效值 |\n| 1-产出指标 | {group} | 完成时间 | {value} |\n"
    )


# ---------------------------------------------------------------- BL301: in the fiscal year


def test_a_deadline_after_the_year_of_the_title_is_reported_at_the_date(zh):
    (finding,) = findings_of(zh, timed("2025年6月30日前"), "BL301")
    assert (finding.span.line, finding.span.column, finding.span.end_column) == (4, 29, 40)
    assert (finding.expected, finding.actual) == ("2024年内", "2025年6月30日")
    assert [(row.span.line, row.span.column, row.label) for row in finding.related] == [(1, 3, "预算年度 2024")]
    assert findings_of(zh, timed("2024年12月31日前"), "BL301") == []


def test_a_year_line_outranks_the_title_and_metadata_outranks_both(linter):
    year_line = "（2024年度）\n# 2025年部门项目支出绩效目标表\n"
    (finding,) = findings_of(linter, timed("2025年6月30日前", year_line), "BL301")
    assert (finding.span.line, finding.expected) == (5, "within 2024")
    assert [(row.span.line, row.label) for row in finding.related] == [(1, "fiscal year 2024")]
    metadata = "年度：2024\n（2025年度）\n"
    (finding,) = findings_of(linter, timed("2025年6月30日前", metadata), "BL301")
    assert [(row.span.line, row.label) for row in finding.related] == [(1, "fiscal year 2024")]
    assert findings_of(linter, timed("2024年6月30日前", metadata), "BL301") == []


def test_without_a_year_nothing_is_judged_unless_the_config_gives_one(zh):
    assert findings_of(zh, timed("2025年6月30日前", before=""), "BL301") == []
    configured = Linter(Config(fiscal_year=2024), lang="zh")
    (finding,) = findings_of(configured, timed("2025年6月30日前", before=""), "BL301")
    assert (finding.span.line, finding.actual, finding.related) == (3, "2025年6月30日", ())  # no row states it
    # The config wins over the document's title too.
    assert findings_of(configured, timed("2025年6月30日前", "# 2025年部门项目支出绩效目标表\n"), "BL301") != []


def test_each_table_is_judged_by_the_year_its_own_title_restates(zh):
    two = timed("2024年12月31日前") + "\n" + timed("2024年12月31日前", "# 2025年部门项目支出绩效目标表\n")
    (finding,) = findings_of(zh, two, "BL301")
    assert (finding.span.line, finding.expected) == (9, "2025年内")
    assert [(row.span.line, row.label) for row in finding.related] == [(6, "预算年度 2025")]


def test_a_period_running_into_next_year_is_reported_once_at_the_end_outside(zh):
    (finding,) = findings_of(zh, timed("2024年3月-2025年2月"), "BL301")
    assert (finding.span.line, finding.span.column, finding.span.end_column) == (4, 29, 44)  # the whole period
    assert finding.actual == "2025年2月"
    (finding,) = findings_of(zh, timed("2025年1月-2025年6月"), "BL301")  # both ends outside: one finding
    assert finding.actual == "2025年1月"
    assert findings_of(zh, timed("2024年1-12月"), "BL301") == []


def test_only_time_rows_are_held_to_the_year(zh):
    assert findings_of(zh, timed("2025年6月底前完成", group="12-质量指标"), "BL301") == []
    assert findings_of(zh, timed("较2023年度提高5%", group="22-社会效益").replace("1-产出", "2-效益"), "BL301") == []
    assert [f.span.line for f in findings_of(zh, timed("2025年6月底前完成"), "BL301")] == [4]


# ---------------------------------------------------------------- BL302–BL304


@pytest.mark.parametrize("value", ["2024年12月31日前", "12月底前完成", "2024年1-12月", "≥98%", "12个月", "无"])
def test_a_date_period_duration_rate_or_not_applicable_is_a_readable_time_target(zh, value):
    assert findings_of(zh, timed(value), "BL302") == []


@pytest.mark.parametrize("value", ["按时完成", "及时"])
def test_a_time_target_without_a_date_is_bl302(linter, value):
    (finding,) = findings_of(linter, timed(value), "BL302")
    assert (finding.span.line, finding.span.column, finding.actual) == (4, 29, value)
    assert finding.expected == "a date, period, duration or rate (2024年12月31日前, 1-12月, ≥98%)"


def test_a_table_without_a_time_row_is_bl303_but_one_without_indicators_is_not_judged(zh):
    without = timed("2 期", group="11-数量指标")
    (finding,) = findings_of(zh, without, "BL303")
    assert (finding.span.line, finding.span.column, finding.expected) == (2, 3, "13-时效指标")
    assert findings_of(zh, timed("2024年12月31日前"), "BL303") == []
    assert findings_of(zh, TITLE + "| 项目名称 | 示例项目 |\n| 项目总额 | 10 | 年度资金总额 | 10 |\n", "BL303") == []


@pytest.mark.parametrize(
    ("value", "variant_message"),
    [
        ("2024年12月-2024年1月", "the period of '完成时间' is reversed"),
        ("2024年9月-6月", "the period of '完成时间' is reversed"),  # the end takes the start's year
        ("2024年13月31日前", "the date of '完成时间' does not exist"),
        ("2024年6月32日前", "the date of '完成时间' does not exist"),
    ],
)
def test_a_reversed_period_or_an_impossible_date_is_bl304(linter, value, variant_message):
    (finding,) = findings_of(linter, timed(value), "BL304")
    assert (finding.span.line, finding.span.column) == (4, 29)
    assert finding.message.startswith(variant_message)
    assert finding.actual == value
    assert findings_of(linter, timed("2024年1月-2024年12月"), "BL304") == []


def test_the_thirtieth_of_february_does_not_exist(zh):
    assert [f.span.line for f in findings_of(zh, timed("2024年2月30日前"), "BL304")] == [4]
