"""Real damage read robustly (issue 19, item 3): each case is a layout finding, never a wrong value.

1. a label whose value cell is empty does not take the label of the row below as its value;
2. the project name stops at the cells beside it (a label, a telephone number), but a name split
   over cells by PDF extraction is still joined;
3. a (2024年度) row inside a table, and a one-year 项目期, state the fiscal year;
4. sign-off rows (填表人：, 财政部门初审意见（盖章）) end the indicator block;
5. a label one edit away from a known label is BL002 "did you mean", its value not read.

Each case: the finding at its line and the field values read, exactly; then one good table.
"""

from __future__ import annotations

import pytest
from conftest import CLEAN_TABLE, HEADER_TABLE, damaged_seed, findings_of, table
from hypothesis import given, settings
from hypothesis import strategies as st
from test_lsp import assert_same

from budgetlint.lsp import TableCache

HEADER = HEADER_TABLE
FULL = CLEAN_TABLE + "| 3-满意度指标 | 31-服务对象满意度 | 参训人员满意度 | ≥90% |\n"  # lines 1–20, silent


def parse(linter, text: str):
    (project,) = linter.parse(table(text)).projects
    return project


def fields(project) -> dict[str, str]:
    return {key: field.text for key, field in project.fields.items()}


def codes(found) -> list[tuple[str, int, int]]:
    return [(f.code, f.span.line, f.span.column) for f in found]


def test_the_tables_the_cases_damage_are_silent(linter):
    assert findings_of(linter, HEADER) == []
    assert findings_of(linter, FULL) == []


# ---------------------------------------------------------------- 1. an empty value cell


def test_an_empty_value_cell_does_not_take_the_label_below_as_its_value(linter):
    empty = HEADER.replace("| 其他资金 | 4 | 自治区资金 | 0 |", "| 自治区资金 | 0 | 其他资金 | |").replace(
        "| 年度总体绩效目标 |", "| 目标概述 |"
    )
    project = parse(linter, empty)
    assert project.fields["other"].text == ""  # not "目标概述"
    assert "goal" not in project.fields  # 目标概述 is no label of the vocabulary: its text is not the goal
    found = findings_of(linter, empty)
    # BL002 at the label below (no BL001 value-next-line, no BL004 for 其他资金 = 目标概述); BL102: 本级 10 ≠ 6 + 0.
    assert codes(found) == [("BL003", 1, 3), ("BL102", 4, 10), ("BL002", 7, 3)]
    assert found[2].actual == "目标概述"


def test_an_empty_value_cell_before_a_known_label_stays_empty(linter):
    missing = HEADER.replace("| 其他资金 | 4 | 自治区资金 | 0 |", "| 自治区资金 | 0 | 其他资金 |")
    project = parse(linter, missing)
    assert (project.fields["other"].text, project.goal.text) == ("", "完成示例工作。")
    assert codes(findings_of(linter, missing)) == [("BL102", 4, 10)]  # 其他资金 is empty: 本级 10 ≠ 6


def test_an_empty_value_cell_before_a_misspelt_label_stays_empty(linter):
    misspelt = HEADER.replace(
        "| 财政拨款 | 6 | 中央资金 | 0 |\n| 其他资金 | 4 | 自治区资金 | 0 |",
        "| 中央资金 | 0 | 其他资金 |\n| 财政投款 | 10 | 自治区资金 | 0 |",
    )
    project = parse(linter, misspelt)
    assert project.fields["other"].text == "" and "appropriation" not in project.fields
    found = findings_of(linter, misspelt)
    assert codes(found) == [("BL002", 6, 3)]
    assert (found[0].expected, found[0].actual) == ("财政拨款", "财政投款")


def test_an_empty_value_cell_over_a_sign_off_word_stays_empty(linter):
    stamped = HEADER.replace("| 年度总体绩效目标 | 完成示例工作。 |", "| 年度总体绩效目标 |\n| 盖章 |")
    project = parse(linter, stamped)
    assert project.goal.text == ""
    found = findings_of(linter, stamped)
    assert codes(found) == [("BL003", 7, 3), ("BL007", 8, 3)]  # the goal is empty; 盖章 belongs to no label
    assert found[0].message == "'年度总体绩效目标' has no value: expected one, found an empty cell"


def tabs(text: str) -> str:
    """A pipe table as the seed's TAB rows (a spreadsheet copy, a PDF extraction)."""
    return "\n".join(
        "\t".join(cell.strip() for cell in line.strip()[1:-1].split("|")) if line.startswith("|") else line
        for line in text.split("\n")
    )


def test_an_empty_value_cell_in_tab_rows_does_not_take_the_label_below(linter):
    empty = tabs(HEADER.replace("| 其他资金 | 4 | 自治区资金 | 0 |", "| 自治区资金 | 0 | 其他资金 | |")).replace(
        "年度总体绩效目标", "目标概述"
    )
    assert "\t" in empty and "|" not in empty
    assert parse(linter, empty).fields["other"].text == ""
    assert codes(findings_of(linter, empty)) == [("BL003", 1, 1), ("BL102", 4, 6), ("BL002", 7, 1)]


def test_a_value_pushed_onto_the_next_line_is_still_its_labels(linter):
    pushed = HEADER.replace("| 其他资金 | 4 | 自治区资金 | 0 |", "| 其他资金 |\n| 4 | 自治区资金 | 0 |")
    assert parse(linter, pushed).fields["other"].text == "4"
    assert codes(findings_of(linter, pushed)) == [("BL001", 7, 3)]


# ---------------------------------------------------------------- 2. the cells beside the name


def test_the_name_stops_at_an_unknown_label_and_its_telephone_number(linter):
    beside = HEADER.replace("| 示例项目 |", "| 示例项目 | 项目经办人及手机 | 张三 13900000000 |")
    project = parse(linter, beside)
    assert project.name == "示例项目" and project.fields["name"].text == "示例项目"
    found = findings_of(linter, beside)
    assert codes(found) == [("BL002", 1, 17)]
    assert found[0].actual == "项目经办人及手机"


def test_the_name_stops_at_a_known_label_beside_it(linter):
    beside = HEADER.replace("| 示例项目 |", "| 示例项目 | 项目负责人及电话 | 张三 13900000000 |")
    project = parse(linter, beside)
    assert (project.name, project.fields["contact"].text) == ("示例项目", "张三 13900000000")
    assert findings_of(linter, beside) == []


def test_the_name_stops_at_a_sign_off_label_beside_it(linter):
    # 填表人 is no header label, and 李四 no value: only the sign-off word tells it from a split name
    beside = HEADER.replace("| 示例项目 |", "| 示例项目 | 填表人 | 李四 |")
    project = parse(linter, beside)
    assert project.name == "示例项目" and "contact" not in project.fields
    found = findings_of(linter, beside)
    assert codes(found) == [("BL002", 1, 17)]
    assert found[0].actual == "填表人"
    alone = HEADER.replace("| 示例项目 |", "| 示例项目 | 填表人：李四 |")
    assert parse(linter, alone).name == "示例项目"
    assert codes(findings_of(linter, alone)) == [("BL007", 1, 17)]


def test_a_telephone_number_beside_the_name_is_an_orphan_cell(linter):
    beside = HEADER.replace("| 示例项目 |", "| 示例项目 | 13900000000 |")
    assert parse(linter, beside).name == "示例项目"
    found = findings_of(linter, beside)
    assert codes(found) == [("BL007", 1, 17)]
    assert found[0].message == "cell without a label: expected label | value pairs, found only '13900000000'"


def test_a_budget_block_on_the_name_row_is_read_as_header_fields(linter):
    block = HEADER.replace("| 项目总额 | 10 | 年度资金总额 | 10 |\n", "").replace(
        "| 示例项目 |", "| 示例项目 | 项目总额 | 10 | 年度资金总额 | 10 |"
    )
    project = parse(linter, block)
    assert fields(project) == {
        "name": "示例项目",
        "total": "10",
        "annual": "10",
        "attribute": "02-经常性项目",
        "period": "99年",
        "own": "10",
        "transfer": "0",
        "appropriation": "6",
        "central": "0",
        "other": "4",
        "regional": "0",
        "goal": "完成示例工作。",
    }
    assert findings_of(linter, block) == []


def test_a_name_split_over_cells_by_pdf_extraction_is_still_joined(linter):
    split = HEADER.replace("| 示例项目 |", "| 宁夏科协基层科普 | 行动计划经费(中央资金) |")
    project = parse(linter, split)
    assert project.name == "宁夏科协基层科普行动计划经费(中央资金)"
    assert (project.fields["name"].span.column, project.fields["name"].span.end_column) == (10, 33)
    assert findings_of(linter, split) == []
    tab = split.replace(" | ", "\t").replace("| ", "").replace(" |", "")  # the seed's TAB rows
    assert parse(linter, tab).name == "宁夏科协基层科普行动计划经费(中央资金)"


# ---------------------------------------------------------------- 3. the fiscal year

LATE = FULL.replace("# 2024年部门项目支出绩效目标表\n", "# 部门项目支出绩效目标表\n").replace(
    "2024年12月31日前", "2025年3月31日前"
)  # no year above the table; a deadline outside 2024 on line 17


def test_a_year_row_inside_the_table_states_its_fiscal_year(linter):
    assert findings_of(linter, LATE, "BL301") == []  # no year: nothing to compare with
    row = LATE.replace("| 项目名称 | 示例项目 |\n", "| 项目名称 | 示例项目 |\n| ( 2024 年度) |\n")
    project = parse(linter, row)
    assert (project.fiscal_year, project.fiscal_year_span.line, project.name) == (2024, 5, "示例项目")
    found = findings_of(linter, row)
    # no BL001 (the name continued) nor BL007; BL011 (info) says where the year was read
    assert [(f.code, f.span.line) for f in found] == [("BL011", 5), ("BL301", 18)]
    assert found[0].args["variant"] == "row" and found[0].severity == "info"
    assert found[1].related[0].span.line == 5


def test_a_year_line_inside_the_table_states_its_fiscal_year(linter):
    line = LATE.replace("| 项目名称 | 示例项目 |\n", "| 项目名称 | 示例项目 |\n(2024年度)\n")
    assert parse(linter, line).fiscal_year == 2024
    found = findings_of(linter, line)
    assert [(f.code, f.span.line) for f in found] == [("BL011", 5), ("BL301", 18)]  # no BL006 stray line


def test_a_year_row_above_the_table_is_no_orphan_row(linter):
    above = LATE.replace("| 项目名称 | 示例项目 |\n", "| (2024年度) |\n| 项目名称 | 示例项目 |\n")
    assert parse(linter, above).fiscal_year == 2024
    assert codes(findings_of(linter, above)) == [("BL301", 18, 22)]  # no BL007 row outside any table


def test_metadata_above_the_table_outranks_a_year_row_inside_it(linter):
    both = LATE.replace("单位：万元\n", "年度：2025\n单位：万元\n").replace(
        "| 项目名称 | 示例项目 |\n", "| 项目名称 | 示例项目 |\n| (2024年度) |\n"
    )
    assert parse(linter, both).fiscal_year == 2025


def test_a_one_year_project_period_states_the_year_when_nothing_else_does(linter):
    one = LATE.replace("| 项目期 | 99年 |", "| 项目期 | 2024年1月-2024年12月 |").replace(
        "02-经常性项目", "01-一年期项目"
    )
    project = parse(linter, one)
    assert (project.fiscal_year, project.fiscal_year_span.line, project.fiscal_year_span.column) == (2024, 5, 27)
    found = findings_of(linter, one)
    assert codes(found) == [("BL011", 5, 27), ("BL301", 17, 22)]
    assert found[0].args["variant"] == "period" and found[0].actual == "2024"
    assert found[1].related[0].span.line == 5  # the finding shows where the year came from


def test_a_multi_year_project_period_does_not_decide_the_year(linter):
    several = LATE.replace("| 项目期 | 99年 |", "| 项目期 | 2019-2021 |").replace(
        "02-经常性项目", "03-多年期延续性项目"
    )
    assert parse(linter, several).fiscal_year is None
    assert findings_of(linter, several, "BL301") == []


def test_the_project_period_is_the_weakest_source(linter):
    titled = FULL.replace("| 项目期 | 99年 |", "| 项目期 | 2023年1月-2023年12月 |")
    assert parse(linter, titled).fiscal_year == 2024  # the title's


# ---------------------------------------------------------------- 4. sign-off rows

SIGNED = FULL + table("""
    | 财政部门初审意见（盖章） | | 主管部门审核意见（盖章） | |
    | 单位负责人：张三 | 填表人：李四 | 联系电话：0951-5012345 |
    | 填报日期：2024年1月10日 | 审核人：王五 |
    | 审核 | 满意度 | 50% |
""")


def test_sign_off_rows_end_the_indicator_block(linter):
    project = parse(linter, SIGNED)
    assert len(project.indicators) == 6 and project.indicators[-1].name == "参训人员满意度"
    assert findings_of(linter, SIGNED) == []  # no BL402/BL404 for 0951-5012345, no BL301 for 2024年1月10日


def test_sign_off_rows_in_tab_rows_end_the_indicator_block(linter):
    signed = tabs(SIGNED)
    assert len(parse(linter, signed).indicators) == 6
    assert findings_of(linter, signed) == []


def test_a_name_that_starts_like_a_sign_off_word_is_an_indicator(linter):
    named = FULL + "| | | 审核人员满意度 | ≥90% |\n"
    assert [i.name for i in parse(linter, named).indicators][-1] == "审核人员满意度"


def test_the_next_table_after_sign_off_rows_is_read_with_its_year_row(linter):
    second = FULL.split("\n", 3)[3].replace("示例项目", "第二个项目").replace("2024年12月31日前", "2025年12月31日前")
    two = SIGNED + "| (2025年度) |\n\n" + second
    document = linter.parse(table(two))
    assert [(p.name, len(p.indicators), p.fiscal_year) for p in document.projects] == [
        ("示例项目", 6, 2024),
        ("第二个项目", 6, 2025),
    ]
    assert findings_of(linter, two) == []


# ---------------------------------------------------------------- 5. near-miss labels


def test_a_label_one_edit_from_a_known_label_is_did_you_mean_and_not_read(linter):
    misspelt = HEADER.replace("| 财政拨款 | 6 |", "| 财政投款 | 6 |")
    project = parse(linter, misspelt)
    assert "appropriation" not in project.fields  # a misread is worse than a miss
    found = findings_of(linter, misspelt)
    assert codes(found) == [("BL102", 4, 10), ("BL002", 5, 3)]
    assert (found[1].expected, found[1].actual) == ("财政拨款", "财政投款")
    assert found[1].message == (
        "unknown header label, did you mean '财政拨款'? expected '财政拨款', found '财政投款' "
        "(its value is not read as '财政拨款')"
    )


def test_an_inserted_or_deleted_character_is_one_edit_and_a_short_label_is_no_near_miss(linter):
    near = linter.vocabulary.near_label
    assert near("其它资金") == "其他资金"
    assert near("年度资金总额额") == "年度资金总额"
    assert near("项目周") is None  # a prefix of 项目周期 and one edit from 项目期: two labels
    assert near("其它") is None  # 2 characters: too many false matches
    assert near("财政拨款") is None and near("专项债资金") is None
    assert near("政财拨款") is None  # a transposition is two edits
    assert near("财" * 100_000) is None  # longer than every label: one length test
    plain = HEADER.replace("| 其他资金 | 4 |", "| 其它 | 4 |")
    (finding,) = findings_of(linter, plain, "BL002")
    assert finding.expected is None and finding.actual == "其它"


# ---------------------------------------------------------------- one good table with every case


GOOD = table("""
    | 项目名称 | 宁夏科协基层科普 | 行动计划经费 |
    | (2024年度) |
    | 项目属性 | 02-经常性项目 | 项目期 | 99年 |
    | 项目总额 | 10 | 年度资金总额 | 10 |
    | 本级资金 | 10 | 转移市县（区）资金 | 0 |
    | 财政拨款 | 10 | 中央资金 | 0 |
    | 其他资金 | 0 | 自治区资金 | 0 |
    | 结余结转资金 | 0 |
    | 年度总体绩效目标 | 举办培训 2 期。 |
    | 一级指标 | 二级指标 | 三级指标 | 绩效值 |
    | 1-产出指标 | 11-数量指标 | 举办培训 | 2 期 |
    | | 12-质量指标 | 培训合格率 | ≥90% |
    | | 13-时效指标 | 完成时间 | 2024年12月31日前 |
    | | 14-成本指标 | 举办培训 | 5 万元/期 |
    | 2-效益指标 | 22-社会效益 | 参训人员技能达标率 | ≥85% |
    | 3-满意度指标 | 31-服务对象满意度 | 参训人员满意度 | ≥90% |
    | 单位负责人：张三 | 填表人：李四 | 联系电话：13900000000 |
    | 填报日期：2024年1月10日 | 盖章 |
""")


def test_a_good_table_with_a_split_name_a_year_row_and_sign_off_rows_is_silent(linter):
    project = parse(linter, GOOD)
    assert fields(project) == {
        "name": "宁夏科协基层科普行动计划经费",
        "attribute": "02-经常性项目",
        "period": "99年",
        "total": "10",
        "annual": "10",
        "own": "10",
        "transfer": "0",
        "appropriation": "10",
        "central": "0",
        "other": "0",
        "regional": "0",
        "carryover": "0",
        "goal": "举办培训 2 期。",
    }
    assert project.fiscal_year == 2024
    assert [(i.line, i.name, i.value.raw) for i in project.indicators] == [
        (11, "举办培训", "2 期"),
        (12, "培训合格率", "≥90%"),
        (13, "完成时间", "2024年12月31日前"),
        (14, "举办培训", "5 万元/期"),
        (15, "参训人员技能达标率", "≥85%"),
        (16, "参训人员满意度", "≥90%"),
    ]
    # silent but for where the year was read (info): the (2024年度) row inside the table
    assert [(f.code, f.severity) for f in findings_of(linter, GOOD)] == [("BL011", "info")]


# ---------------------------------------------------------------- no damage raises

DAMAGE = [
    "| 其他资金 | |\n| 总体目标 | 本项目…… |\n",
    "| 其他资金 |\n| 财政投款 | 4 |\n",
    "| 项目名称 | 某某项目 | 项目负责人及电话 | 张三 13900000000 |\n",
    "| 项目名称 | 某某项目 | 项目总额 | 10 | 年度资金总额 | 10 |\n",
    "| 项目名称 | 宁夏科协 | 基层科普 |\n",
    "| ( 2024 年度) |\n",
    "(2024年度)\n",
    "| 项目期 | 2019-2021 |\n",
    "| 项目期 | 2024年1月-2024年12月 |\n",
    "| 财政部门初审意见（盖章） | |\n| 填表人：李四 | 联系电话：0951-5012345 |\n",
    "| 财政投款 | 6 |\n",
    "| 财政投款 |\n",
]


@settings(max_examples=60)
@given(st.lists(st.sampled_from(DAMAGE + FULL.splitlines(keepends=True)), max_size=30), damaged_seed())
def test_no_damage_raises(linter, pieces, seed):
    for text in ("".join(pieces), seed + "\n" + "".join(pieces)):
        document, findings = linter.check_text(text, "fuzz.md")
        for finding in findings:
            assert finding.span.line >= 1 and finding.span.column >= 1
            assert finding.message


# ---------------------------------------------------------------- the language server reads the same

SECOND = FULL.split("\n", 3)[3].replace("示例项目", "第二个项目")  # from 项目名称 on


@pytest.mark.parametrize(
    "text",
    [
        SIGNED + "| (2025年度) |\n\n" + SECOND,
        LATE.replace("| 项目名称 | 示例项目 |\n", "| 项目名称 | 示例项目 |\n| (2024年度) |\n")
        + "\n(2025年度)\n"
        + SECOND,
        LATE.replace("| 项目期 | 99年 |", "| 项目期 | 2024年1月-2024年12月 |") + "\n" + SECOND,
        HEADER.replace("| 示例项目 |", "| 示例项目 | 项目负责人及电话 | 张三 13900000000 |") + "\n" + SECOND,
    ],
)
def test_the_language_server_reads_damage_as_a_full_check_does(zh, text):
    cache = TableCache(zh)
    assert_same(cache, zh, table(text))
    assert_same(cache, zh, "\n" + table(text))
