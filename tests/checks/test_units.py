"""Units (BL5xx): amounts carry known units, money is never a bare 万, and cost rows keep one money unit.

Indicator rows start on line 3 of every table here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import findings_of

from budgetlint.config import Config
from budgetlint.engine import Linter


def rows(*lines: str, unit: str = "") -> str:
    """A table of indicator rows (line 3 on, or line 5 on after a 单位 line and a blank)."""
    head = f"单位：{unit}\n\n" if unit else ""
    return (
        head
        + "| 项目名称 | 示例项目 |\n| 一级指标 | 二级指标 | 三级指标 | 绩效值 |\n"
        + "".join(f"{line}\n" for line in lines)
    )


def family(linter, text: str) -> list:
    return [f for f in findings_of(linter, text) if f.code.startswith("BL5")]


def where(found) -> list[tuple[str, int, int]]:
    return [(f.code, f.span.line, f.span.column) for f in found]


# ---------------------------------------------------------------- BL501


def test_a_word_after_the_number_is_an_unknown_unit_only_when_it_is_short(linter):
    (finding,) = family(linter, rows("| 1-产出指标 | 11-数量指标 | 青少年科技创新大赛 | 20.5 万余师生 |"))
    assert where([finding]) == [("BL501", 3, 34)]  # the amount "20.5 万余师生" from its first digit
    assert finding.actual == "师生"
    assert finding.message.startswith("the unit '师生' of '青少年科技创新大赛' is not defined")
    assert family(linter, rows("| 1-产出指标 | 11-数量指标 | 青少年科技创新大赛 | 20.5 万人次 |")) == []
    # Longer than three characters, the word is what is counted, not a unit.
    assert family(linter, rows("| 1-产出指标 | 11-数量指标 | 组建队伍 | 2 科技志愿服务队 |")) == []


def test_a_unit_a_rule_pack_defines_is_known_and_other_groups_are_not_asked(zh, tmp_path: Path):
    classrooms = "| 1-产出指标 | 11-数量指标 | 改造教室 | 3 间 |"
    assert where(family(zh, rows(classrooms))) == [("BL501", 3, 29)]
    pack = tmp_path / "pack.toml"
    pack.write_text('units = """\n间 = [间]\n"""\n', encoding="utf-8")
    assert family(Linter(Config(packs=(pack,)), lang="zh"), rows(classrooms)) == []
    assert family(zh, rows("| 2-效益指标 | 22-社会效益 | 改造教室 | 3 间 |")) == []  # a benefit is not counted


# ---------------------------------------------------------------- BL502


@pytest.mark.parametrize(
    ("written", "column", "fixed"),
    [
        ("40 万", 34, "40 万元"),
        ("≥40万", 34, "≥40万元"),
        ("828万/次", 34, "828万元/次"),  # a rate: the fix reads 828 万元 per 次, as meant
    ],
)
def test_bare_wan_in_a_cost_is_fixed_safely_to_wanyuan(zh, written, column, fixed):
    (finding,) = family(zh, rows(f"| 1-产出指标 | 14-成本指标 | 学术交流项目 | {written} |"))
    assert (finding.code, finding.span.line, finding.span.column, finding.span.end_column) == (
        "BL502",
        3,
        column,
        column + 1,
    )
    assert (finding.expected, finding.actual) == ("万元", written)
    assert finding.fix.safe is True
    assert [(edit.span.column, edit.text) for edit in finding.fix.edits] == [(column, "万元")]
    assert finding.fix.description == f"{written} → {fixed}"
    assert family(zh, rows(f"| 1-产出指标 | 14-成本指标 | 学术交流项目 | {fixed} |")) == []


def test_bare_wan_in_a_quantity_is_a_count_not_money(zh):
    assert family(zh, rows("| 1-产出指标 | 11-数量指标 | 宣传覆盖人次 | 40 万人次 |")) == []
    assert [f.code for f in family(zh, rows("| 1-产出指标 | 11-数量指标 | 宣传覆盖人次 | 40 万 |"))] == []


# ---------------------------------------------------------------- BL503


def test_a_bare_number_asks_for_the_unit_its_group_needs_in_the_tables_money(linter):
    (count,) = family(linter, rows("| 1-产出指标 | 11-数量指标 | 台式机 | 3 |"))
    assert (where([count]), count.expected) == ([("BL503", 3, 28)], "a unit (项, 个, 次, 台 …)")
    (money,) = family(linter, rows("| 1-产出指标 | 14-成本指标 | 台式机 | 3 |"))
    assert money.expected == "a money unit (万元 …)"
    (in_yuan,) = family(linter, rows("| 1-产出指标 | 14-成本指标 | 台式机 | 3 |", unit="元"))
    assert (where([in_yuan]), in_yuan.expected) == ([("BL503", 5, 28)], "a money unit (元 …)")
    assert family(linter, rows("| 1-产出指标 | 11-数量指标 | 台式机 | 3台 |")) == []


@pytest.mark.parametrize(
    ("name", "value", "groups", "expected"),
    [
        ("品牌知名度", "≥80", "2-效益指标 | 22-社会效益", "%"),  # a name ending in 度 is a ratio
        ("品牌知名度", "≥80%", "2-效益指标 | 22-社会效益", None),
        ("品牌知名度提升", "≥80", "2-效益指标 | 22-社会效益", None),  # no ratio name, no sibling: no unit to ask
        ("受益群众评价", "≥90", "3-满意度指标 | 31-服务对象满意度", "%"),  # satisfaction is a percentage
    ],
)
def test_a_ratio_name_or_satisfaction_asks_for_a_percent(zh, name, value, groups, expected):
    found = family(zh, rows(f"| {groups} | {name} | {value} |"))
    if expected is None:
        assert found == []
        return
    (finding,) = found
    assert (finding.code, finding.span.line, finding.expected, finding.actual) == ("BL503", 3, expected, value)


def test_a_bare_number_among_siblings_of_one_unit_asks_for_that_unit(linter):
    people = ("| 2-效益指标 | 22-社会效益 | 受益人数 | 500人 |", "| | | 培训人数 | 200 |")
    (finding,) = family(linter, rows(*people))
    assert (where([finding]), finding.expected, finding.actual) == ([("BL503", 4, 14)], "人", "200")
    # Siblings in two units say nothing about the third row.
    assert family(linter, rows(people[0], "| | | 服务乡镇 | 12个 |", people[1])) == []


# ---------------------------------------------------------------- BL504


def test_lump_sums_in_two_money_units_but_not_unit_prices_in_yuan(linter):
    (finding,) = family(linter, rows("| 1-产出指标 | 14-成本指标 | 设备购置 | 2 万元 |", "| | | 设备维护 | 5000 元 |"))
    assert (where([finding]), finding.severity) == ([("BL504", 4, 14)], "info")
    assert (finding.expected, finding.actual) == ("万元 throughout", "万元、元")
    prices = rows("| 1-产出指标 | 14-成本指标 | 设备购置 | 2 万元 |", "| | | 专家劳务 | 800 元/人次 |")
    assert family(linter, prices) == []
    assert (
        family(linter, rows("| 1-产出指标 | 14-成本指标 | 设备购置 | 20000 元 |", "| | | 设备维护 | 5000 元 |")) == []
    )
