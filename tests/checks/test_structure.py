"""Structure (BL6xx): the indicator tree — required groups, codes that fit parents and names,
no indicator twice, no blank cells, no template placeholders, no unknown groups.

Indicator rows start on line 3 of every table here.
"""

from __future__ import annotations

import pytest
from conftest import findings_of
from conftest import indicator_rows as rows

QUANTITY = "| 1-产出指标 | 11-数量指标 | 举办培训 | 2 期 |"
COST = "| | 14-成本指标 | 举办培训 | 5 万元/期 |"


def where(found) -> list[tuple[str, int, int]]:
    return [(f.code, f.span.line, f.span.column) for f in found]


# ---------------------------------------------------------------- BL601, BL602: groups and codes


def test_a_missing_cost_group_is_reported_but_a_101_style_cost_stands_for_it(linter):
    (finding,) = findings_of(linter, rows(QUANTITY, "| | 12-质量指标 | 培训合格率 | ≥90% |"), "BL601")
    assert (where([finding]), finding.expected) == ([("BL601", 1, 3)], "14-成本指标")
    assert finding.message == "missing level-2 group 14-成本指标: expected 14-成本指标, found none"
    # 财预〔2021〕101号 tables name the cost 经济成本指标 under a level 1 of its own.
    style_101 = rows("| 产出指标 | 数量指标 | 举办培训 | 2 期 |", "| 成本指标 | 经济成本指标 | 举办培训 | 5 万元/期 |")
    assert [f.code for f in findings_of(linter, style_101) if f.code.startswith("BL60")] == []


def test_a_group_under_the_wrong_level_1_is_reported_at_its_cell_even_through_a_merged_cell(linter):
    misplaced = rows(QUANTITY, COST, "| | 24-可持续影响 | 培训覆盖面 | ≥90% |")  # 1-产出指标 inherited
    (finding,) = findings_of(linter, misplaced, "BL602")
    assert where([finding]) == [("BL602", 5, 5)]
    assert (finding.expected, finding.actual) == ("under 效益指标", "1-产出指标")
    assert [(row.span.line, row.label) for row in finding.related] == [(3, "1-产出指标")]
    placed = rows(QUANTITY, COST, "| 2-效益指标 | 24-可持续影响 | 培训覆盖面 | ≥90% |")
    assert findings_of(linter, placed, "BL602") == []


@pytest.mark.parametrize(
    ("row", "expected", "actual"),
    [
        ("| 1-产出指标 | 12-数量指标 | 培训人数 | 200 人 |", "11-数量指标", "12-数量指标"),
        ("| 2-效益指标 | 21-社会效益 | 培训覆盖面 | ≥90% |", "22-社会效益", "21-社会效益"),
    ],
)
def test_a_code_that_belongs_to_another_group_name_is_reported_with_the_right_code(zh, row, expected, actual):
    (finding,) = findings_of(zh, rows(QUANTITY, COST, row), "BL602")
    assert (finding.span.line, finding.span.column) == (5, 12)
    assert (finding.expected, finding.actual) == (expected, actual)
    assert finding.message == f"“{actual}”的编码与名称不符：期望 “{expected}”，实际 “{actual}”"
    assert findings_of(zh, rows(QUANTITY, COST, row.replace(actual, expected)), "BL602") == []


# ---------------------------------------------------------------- BL603, BL604: duplicates and blanks


def test_the_same_indicator_twice_in_one_group_even_numbered_but_not_across_groups(linter):
    twice = rows(QUANTITY, "| | | 1.举办培训 | 3 期 |", COST)
    (finding,) = findings_of(linter, twice, "BL603")
    assert where([finding]) == [("BL603", 4, 7)]
    assert finding.actual == "lines 3 and 4"
    assert (
        finding.message
        == "indicator '1.举办培训' is repeated (first on line 3): expected it once, found it on both lines"
    )
    assert [(row.span.line, row.label) for row in finding.related] == [(3, "举办培训: 2 期")]
    assert findings_of(linter, rows(QUANTITY, COST), "BL603") == []  # 举办培训 as a quantity and as a cost


def test_rows_marked_not_applicable_are_neither_duplicates_nor_blanks(zh):
    none = rows(QUANTITY, COST, "| 2-效益指标 | 21-经济效益 | 无 | 无 |", "| | 23-生态效益 | 无 | 无 |")
    assert [f.code for f in findings_of(zh, none) if f.code in ("BL603", "BL604")] == []
    zeros = rows(QUANTITY, COST, "| 2-效益指标 | 21-经济效益 | 0 | 0 |")
    assert [f.code for f in findings_of(zh, zeros) if f.code in ("BL603", "BL604")] == []


def test_a_value_without_a_name_and_a_name_without_a_value(linter):
    (nameless,) = findings_of(linter, rows(QUANTITY, COST, "| 2-效益指标 | 22-社会效益 | | ≥95% |"), "BL604")
    assert where([nameless]) == [("BL604", 5, 24)]  # at the value, the only cell written
    assert nameless.message == "the value '≥95%' has no indicator name: expected a level-3 name, found nothing"
    (valueless,) = findings_of(linter, rows(QUANTITY, COST, "| 2-效益指标 | 22-社会效益 | 科普覆盖率 | |"), "BL604")
    assert where([valueless]) == [("BL604", 5, 22)]  # at the name
    assert valueless.message == "indicator '科普覆盖率' has no value: expected a target value, found nothing"
    assert findings_of(linter, rows(QUANTITY, COST, "| 2-效益指标 | 22-社会效益 | 科普覆盖率 | ≥95% |"), "BL604") == []


# ---------------------------------------------------------------- BL605, BL606


@pytest.mark.parametrize(
    ("value", "column", "text"),
    [("≥**人", 32, "**"), ("XX", 31, "XX"), ("≥××%", 32, "××"), ("某某", 31, "某某")],
)
def test_a_placeholder_is_reported_at_the_placeholder_itself(zh, value, column, text):
    found = findings_of(zh, rows(QUANTITY, COST, f"| 2-效益指标 | 22-社会效益 | 科普覆盖人数 | {value} |"), "BL605")
    assert [(f.span.line, f.span.column, f.span.end_column, f.actual) for f in found] == [
        (5, column, column + len(text), value)
    ]
    assert found[0].message.startswith(f"遗留模板占位符“{text}”")
    assert findings_of(zh, rows(QUANTITY, COST, "| 2-效益指标 | 22-社会效益 | 科普覆盖人数 | ≥200人 |"), "BL605") == []


def test_placeholders_in_the_header_are_found_too(zh):
    header = "| 项目名称 | XX项目 |\n| 年度总体绩效目标 | 某某单位开展科普培训。 |\n"
    assert where(findings_of(zh, header, "BL605")) == [("BL605", 1, 10), ("BL605", 2, 14)]
    assert findings_of(zh, "| 项目名称 | 科普项目 |\n| 年度总体绩效目标 | 科协开展科普培训。 |\n", "BL605") == []


@pytest.mark.xfail(strict=True, reason="BL605 takes 填写 for a placeholder: a 填写准确率 indicator is an error")
def test_a_word_of_the_placeholder_list_inside_a_real_indicator_name_is_not_a_placeholder(zh):
    real = rows(QUANTITY, COST, "| | 12-质量指标 | 统计报表填写准确率 | ≥95% |")
    assert findings_of(zh, real, "BL605") == []


def test_an_unknown_group_is_reported_once_at_its_cell_however_many_rows_it_holds(linter):
    unknown = rows(QUANTITY, COST, "| | 15-进度指标 | 完成进度 | 100% |", "| | | 资金支付进度 | 100% |")
    (finding,) = findings_of(linter, unknown, "BL606")
    assert where([finding]) == [("BL606", 5, 5)]
    assert (finding.actual, finding.expected) == ("15-进度指标", "a level-2 group of the vocabulary (11-数量指标 …)")
    assert findings_of(linter, unknown.replace("15-进度指标", "13-时效指标"), "BL606") == []
    (none,) = findings_of(linter, rows("| 举办培训 | 2 期 |", QUANTITY, COST), "BL606")  # no group cell at all
    assert (where([none]), none.actual) == ([("BL606", 3, 3)], "none")


@pytest.mark.xfail(
    strict=True, reason="BL606 names the level-1 cell as an unrecognised level-2 group when level 2 is empty"
)
def test_a_row_with_its_level_1_but_no_level_2_says_the_level_2_is_missing(linter):
    (finding,) = findings_of(linter, rows("| 1-产出指标 | | 举办培训 | 2 期 |", COST), "BL606")
    assert finding.span.line == 3
    assert finding.message == (
        "indicator row without a level-2 group: expected a level-2 group of the vocabulary (11-数量指标 …), found none"
    )
