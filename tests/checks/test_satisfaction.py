"""Satisfaction (BL4xx): a 满意度 target is present, a floor (≥), not implausibly low, and a share.

Satisfaction rows are the table's third row, so every finding here is on line 3.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import findings_of

from budgetlint.config import Config
from budgetlint.engine import Linter


def rated(value: str, name: str = "受益群众满意度", groups: str = "3-满意度指标 | 31-服务对象满意度") -> str:
    return f"| 项目名称 | 示例项目 |\n| 一级指标 | 二级指标 | 三级指标 | 绩效值 |\n| {groups} | {name} | {value} |\n"


def family(linter, text: str) -> list:
    return [f for f in findings_of(linter, text) if f.code.startswith("BL4")]


def spans(found) -> list[tuple[str, int, int, int]]:
    return [(f.code, f.span.line, f.span.column, f.span.end_column) for f in found]


def test_a_bare_percentage_gets_an_unsafe_fix_to_a_floor_keeping_its_percent_sign(zh):
    (finding,) = findings_of(zh, rated("85%"), "BL402")
    assert spans([finding]) == [("BL402", 3, 36, 39)]
    assert (finding.expected, finding.actual) == ("≥85%", "85%")
    assert finding.fix.safe is False
    assert [edit.text for edit in finding.fix.edits] == ["≥85%"]
    (full_width,) = findings_of(zh, rated("85％"), "BL402")  # a full-width ％ is kept as written
    assert [edit.text for edit in full_width.fix.edits] == ["≥85％"]
    assert family(zh, rated("≥85%")) == []


def test_a_low_bare_target_is_two_findings_and_with_its_floor_one(zh):
    assert spans(family(zh, rated("59%"))) == [("BL402", 3, 36, 39), ("BL403", 3, 36, 39)]
    (finding,) = family(zh, rated("≥59%"))
    assert spans([finding]) == [("BL403", 3, 36, 40)]
    assert (finding.expected, finding.actual) == ("≥80%", "≥59%")


def test_the_minimum_is_inclusive_and_a_tenth_below_it_counts(zh):
    assert findings_of(zh, rated("≥80%"), "BL403") == []
    (finding,) = findings_of(zh, rated("≥79.9%"), "BL403")
    assert (finding.span.line, finding.actual) == (3, "≥79.9%")


def test_a_configured_minimum_is_the_one_named_in_the_message():
    strict = Linter(Config(params=(("BL403", (("minimum", Decimal("90")),)),)), lang="en")
    (finding,) = findings_of(strict, rated("≥85%"), "BL403")
    assert finding.message == "the satisfaction target of '受益群众满意度' is below 90%: expected ≥90%, found '≥85%'"
    assert findings_of(strict, rated("≥90%"), "BL403") == []


def test_a_ceiling_such_as_a_complaint_rate_is_neither_bare_nor_low(zh):
    assert family(zh, rated("≤5%", name="服务对象投诉率")) == []
    # Two targets in one cell: only the one without a comparator is reported, at its own columns.
    assert spans(family(zh, rated("90%，投诉率≤5%"))) == [("BL402", 3, 36, 39)]
    assert family(zh, rated("≥90%，投诉率≤5%")) == []


@pytest.mark.parametrize(
    ("value", "groups", "reported"),
    [
        ("≥101%", "3-满意度指标 | 31-服务对象满意度", True),
        ("≥100%", "3-满意度指标 | 31-服务对象满意度", False),
        ("≥120%", "1-产出指标 | 12-质量指标", True),  # a pass rate is a share too
        ("≥120%", "2-效益指标 | 22-社会效益", False),  # a growth rate may exceed 100%
    ],
)
def test_a_share_above_100_percent_is_bl404_only_where_a_share_is_meant(linter, value, groups, reported):
    found = findings_of(linter, rated(value, name="受益群众满意度", groups=groups), "BL404")
    if not reported:
        assert found == []
        return
    (finding,) = found
    assert (finding.span.line, finding.expected, finding.actual) == (3, "0%–100%", value)
    assert finding.message == f"the percentage of '受益群众满意度' is out of range: expected 0%–100%, found '{value}'"


def test_satisfaction_is_found_by_its_name_with_or_without_codes(linter):
    quantity = "| 1-产出指标 | 11-数量指标 | 举办培训 | 2 期 |\n"
    (finding,) = findings_of(linter, rated("2 期", name="举办培训", groups="1-产出指标 | 11-数量指标"), "BL401")
    assert (finding.span.line, finding.span.column, finding.expected) == (1, 3, "31-服务对象满意度指标")
    assert finding.message == "no satisfaction indicator: expected 31-服务对象满意度指标, found none"
    plain = rated("≥90%", name="参训人员满意度", groups="满意度指标 | 服务对象满意度").replace(
        "| 满意度", quantity + "| 满意度"
    )
    assert findings_of(linter, plain, "BL401") == []
    assert findings_of(linter, "| 项目名称 | 示例项目 |\n| 项目总额 | 10 | 年度资金总额 | 10 |\n", "BL401") == []


def test_a_bare_number_is_the_percentage_meant_and_gets_a_floor_with_its_percent_sign(zh):
    (finding,) = family(zh, rated("90"))
    assert spans([finding]) == [("BL402", 3, 36, 38)]
    assert (finding.expected, finding.actual) == ("≥90%", "90")
    assert finding.fix.safe is False
    assert [edit.text for edit in finding.fix.edits] == ["≥90%"]
    assert [f.code for f in findings_of(zh, rated("90")) if f.code == "BL503"] == ["BL503"]  # its % still missing
    assert family(zh, rated("≥90")) == []  # a floor: only the % is missing (BL503)
    assert family(zh, rated("90分")) == []  # a score in its own unit is no percentage


def test_a_bare_number_is_judged_low_or_out_of_range_as_the_percentage_it_means(zh):
    assert spans(family(zh, rated("59"))) == [("BL402", 3, 36, 38), ("BL403", 3, 36, 38)]
    (low,) = family(zh, rated("≥59"))
    assert spans([low]) == [("BL403", 3, 36, 39)]
    assert (low.expected, low.actual) == ("≥80%", "≥59")
    (high,) = family(zh, rated("≥850"))
    assert spans([high]) == [("BL404", 3, 36, 40)]
    assert (high.expected, high.actual) == ("0%–100%", "≥850")
    assert family(zh, rated("≥85")) == []
