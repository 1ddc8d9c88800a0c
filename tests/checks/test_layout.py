"""Layout (BL0xx): what the reader repaired or could not place, and the suppression comments (BL009).

Each repair is checked twice: the finding at the damaged cell, and the value read as if the table
were whole (a repaired label still feeds the funding sums).
"""

from __future__ import annotations

import pytest
from conftest import CLEAN_TABLE, HEADER_TABLE, findings_of, table

HEADER = HEADER_TABLE


def codes(found) -> list[tuple[str, int, int]]:
    return [(f.code, f.span.line, f.span.column) for f in found]


# ---------------------------------------------------------------- cells split across lines


def test_a_label_cut_by_a_line_break_is_reported_and_still_read(linter):
    broken = HEADER.replace("| 其他资金 | 4 | 自治区资金 | 0 |", "| 其他资 | 4 | 自治区资金 | 0 |\n| 金 | | | |")
    (finding,) = findings_of(linter, broken)  # the fragment 金 is not a cell of its own, 4 still adds up
    assert (finding.code, finding.span.line, finding.span.column) == ("BL001", 6, 3)
    assert (finding.expected, finding.actual) == ("其他资金", "其他资")
    assert finding.message == "label broken by a line break: expected '其他资金', found '其他资' and a fragment below"
    assert findings_of(linter, HEADER) == []


def test_a_value_on_the_line_below_its_label_names_both_lines(linter):
    pushed = HEADER.replace("| 年度资金总额 | 10 |", "| 年度资金总额 |\n| 10 |")
    (finding,) = findings_of(linter, pushed)  # no BL101: the 10 below is read as 年度资金总额
    assert (finding.code, finding.span.line, finding.span.column) == ("BL001", 4, 3)
    assert finding.message == (
        "the value of '年度资金总额' (line 3) is on the next line: expected it on the label's row, found it on line 4"
    )
    assert findings_of(linter, HEADER) == []


def test_a_name_spelt_like_the_tail_of_a_label_is_a_name_when_its_value_follows(linter):
    named = CLEAN_TABLE + "| 3-满意度指标 | 31-服务对象满意度 | 满意度 | ≥90% |\n"
    assert findings_of(linter, named) == []  # neither a fragment (BL001) nor a value without a name (BL604)
    (row,) = [i for i in linter.parse(table(named)).projects[0].indicators if i.kind == "satisfaction"]
    assert (row.line, row.name, row.value.raw) == (20, "满意度", "≥90%")


def test_a_label_fragment_before_the_name_is_still_reported_and_skipped(linter):
    broken = CLEAN_TABLE + "| 3-满意度指标 | 31-服务对象满意度 | 指标 | 参训人员满意度 | ≥90% |\n"
    (finding,) = findings_of(linter, broken)
    assert (finding.code, finding.span.line, finding.span.column) == ("BL001", 20, 26)
    assert finding.message == (
        "'指标' is the fragment of a label broken by a line break: expected it inside the label above, "
        "found it in a cell of its own"
    )
    (row,) = [i for i in linter.parse(table(broken)).projects[0].indicators if i.kind == "satisfaction"]
    assert (row.line, row.name, row.value.raw) == (20, "参训人员满意度", "≥90%")


# ---------------------------------------------------------------- labels and cells that cannot be placed


def test_an_unknown_label_swallows_its_value_and_an_alias_is_not_unknown(linter):
    unknown = HEADER.replace("| 财政拨款 | 6 |", "| 专项债资金 | 6 |")
    found = findings_of(linter, unknown)
    # Its 6 is no orphan cell (BL007) but enters no check either: 本级资金 10 is now 其他资金 4 alone.
    assert codes(found) == [("BL102", 4, 10), ("BL002", 5, 3)]
    assert found[1].actual == "专项债资金"
    assert findings_of(linter, HEADER.replace("| 项目属性 |", "| 项目类型 |")) == []


def test_a_money_cell_in_words_is_unreadable_but_one_with_its_own_unit_is_read(zh):
    (finding,) = findings_of(zh, HEADER.replace("| 其他资金 | 4 |", "| 其他资金 | 四万 |"), "BL004")
    assert (finding.span.line, finding.span.column, finding.actual) == (6, 10, "四万")
    assert findings_of(zh, HEADER.replace("| 其他资金 | 4 |", "| 其他资金 | 40000元 |")) == []


def test_a_field_left_out_is_reported_at_the_table_and_an_empty_one_at_its_label(linter):
    (missing,) = findings_of(linter, HEADER.replace("| 年度总体绩效目标 | 完成示例工作。 |\n", ""))
    assert (missing.code, missing.span.line, missing.span.column) == ("BL003", 1, 3)
    assert missing.message == "missing '年度总体绩效目标': expected this field in the header, found none"
    (empty,) = findings_of(linter, HEADER.replace("| 完成示例工作。 |", "| |"))
    assert (empty.code, empty.span.line, empty.span.column) == ("BL003", 7, 3)
    assert empty.message == "'年度总体绩效目标' has no value: expected one, found an empty cell"
    assert findings_of(linter, HEADER, "BL003") == []


def test_a_field_given_twice_keeps_the_first_value_and_a_repeat_of_it_is_silent(zh):
    twice = HEADER.replace("| 年度总体绩效目标 |", "| 年度资金总额 | 12 |\n| 年度总体绩效目标 |")
    (finding,) = findings_of(zh, twice)  # no BL101: 10 is the 年度资金总额 used
    assert (finding.code, finding.span.line, finding.span.column) == ("BL008", 7, 12)
    assert (finding.expected, finding.actual) == ("10", "12")
    assert finding.message == "“年度资金总额”重复（首次在第 3 行）：期望 10，实际 12"
    assert findings_of(zh, twice.replace("| 年度资金总额 | 12 |", "| 年度资金总额 | 10 |")) == []


@pytest.mark.xfail(strict=True, reason="BL008 compares the text: 10 and 10.00 万元 are one amount, reported as two")
def test_a_field_repeated_with_the_same_amount_written_differently_is_not_a_contradiction(zh):
    twice = HEADER.replace("| 年度总体绩效目标 |", "| 年度资金总额 | 10.00 |\n| 年度总体绩效目标 |")
    assert findings_of(zh, twice, "BL008") == []


# ---------------------------------------------------------------- lines outside the rows

FULL = CLEAN_TABLE + "| 3-满意度指标 | 31-服务对象满意度 | 参训人员满意度 | ≥90% |\n"


def test_prose_between_rows_is_stray_but_a_note_after_the_last_row_is_not(linter):
    inside = FULL.replace("| | 12-质量指标", "注：合格率按结业考核计算\n| | 12-质量指标")
    (finding,) = findings_of(linter, inside)
    assert (finding.code, finding.span.line, finding.span.column) == ("BL006", 16, 1)
    assert "found text '注：合格率按结业考核计算'" in finding.message
    assert findings_of(linter, FULL + "注：以上数据为预估数。\n") == []
    assert findings_of(linter, FULL.replace("| | 12-质量指标", "<!-- 质量指标 -->\n| | 12-质量指标")) == []


def test_rows_before_any_project_table_belong_to_none(linter):
    before = "| 本级资金 | 10 | 转移市县（区）资金 | 0 |\n| 财政拨款 | 10 | 中央资金 | 0 |\n\n" + FULL
    found = findings_of(linter, before)
    assert codes(found) == [("BL007", 1, 3), ("BL007", 2, 3)]
    assert found[0].message == "row outside any project table: expected a 项目名称 row first, found none"
    assert findings_of(linter, "说明：以下为示例。\n\n" + FULL) == []


# ---------------------------------------------------------------- suppression comments

LOW = FULL.replace("| ≥90% |", "| 59% |")  # line 20: BL402 and BL403
SECOND = LOW.split("\n", 3)[3].replace("示例项目", "第二个项目")  # the same table again, from 项目名称 on


def satisfaction(linter, text: str) -> list[tuple[str, int]]:
    return [(f.code, f.span.line) for f in findings_of(linter, text) if f.code.startswith(("BL40", "BL009"))]


def test_a_directive_above_a_row_covers_that_row_and_above_the_name_row_that_table(linter):
    both = LOW + "\n" + SECOND  # the second table's satisfaction row is line 38
    assert satisfaction(linter, both) == [("BL402", 20), ("BL403", 20), ("BL402", 38), ("BL403", 38)]
    row = both.replace("| 3-满意度指标", "<!-- budgetlint: disable-next-row=BL402 -->\n| 3-满意度指标", 1)
    assert satisfaction(linter, row) == [("BL403", 21), ("BL402", 39), ("BL403", 39)]
    first_table = both.replace(
        "| 项目名称 | 示例项目 |", "<!-- budgetlint: disable=BL402,BL403 -->\n| 项目名称 | 示例项目 |"
    )
    assert satisfaction(linter, first_table) == [("BL402", 39), ("BL403", 39)]


def test_a_directive_at_the_top_of_the_file_covers_every_table(linter):
    both = LOW + "\n" + SECOND
    assert satisfaction(linter, "<!-- budgetlint: disable=BL402 -->\n\n" + both) == [("BL403", 22), ("BL403", 40)]
    assert satisfaction(linter, "<!-- budgetlint: disable-file=BL402 -->\n" + both) == [("BL403", 21), ("BL403", 39)]


def test_a_directive_that_suppresses_nothing_or_cannot_be_read_is_bl009(linter):
    stale = LOW.replace("| 项目名称 |", "<!-- budgetlint: disable=BL101 -->\n| 项目名称 |")
    (finding,) = [f for f in findings_of(linter, stale) if f.code == "BL009"]
    assert (finding.span.line, finding.expected) == (4, "BL101")
    assert finding.message == "suppression suppresses nothing: expected a finding of BL101 in its range, found none"
    # A prefix is not a code: the directive is unreadable and suppresses nothing.
    prefix = LOW.replace("| 项目名称 |", "<!-- budgetlint: disable=BL4 -->\n| 项目名称 |")
    assert satisfaction(linter, prefix) == [("BL009", 4), ("BL402", 21), ("BL403", 21)]
    assert findings_of(linter, prefix, "BL009")[0].actual == "BL4"
    used = LOW.replace("| 项目名称 |", "<!-- budgetlint: disable=BL402,BL403 -->\n| 项目名称 |")
    assert satisfaction(linter, used) == []
