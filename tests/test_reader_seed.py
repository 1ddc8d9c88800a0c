"""The real seed document: every project, header field and indicator row, counted by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import PIPE_SEED, SEED

from budgetlint.model import project_signature

# Indicator rows per table, counted by hand from the published PDF text
# (数量 + 质量 + 时效 + 成本 + 效益 + 满意度).
HAND_COUNTS = [
    ("学术交流及学会能力提升专项", 22),  # 5+2+2+5+6+2
    ("宁夏科协基层科普行动计划经费", 16),  # 4+1+1+4+5+1
    ("宁夏科协基层科普行动计划经费(中央资金)", 20),  # 6+1+1+6+5+1
    ("宁夏科协科普专项经费(部门项目)", 50),  # 20+1+1+20+6+2
    ("中央补助科技馆免费开放资金项目", 15),
    ("基本户自有资金", 11),
    ("流动科技馆", 11),
    ("宁夏科技馆公益免费开放资金项目(地方财政)", 15),
    ("宁夏科技馆公益免费开放资金项目(中央财政)", 25),  # 9+1+1+9+4+1
    ("宁夏青少年科技创新大赛暨机器人竞赛活动项目", 13),
    ("信创项目(计算机终端、外设设备)", 11),
    ("宁夏回族自治区科学技术馆自有资金项目", 17),
    ("宁夏回族自治区企业服务中心工作经费", 18),  # 4+4+1+4+4+1
    ("服务企业创新系列活动", 12),
    ("科普大篷车运行项目经费", 12),  # 1+1+1+4+4+1
    ("宁夏工作队开展科普工作反邪教宣传农业产业帮扶及农民科学素养提升经费", 24),  # 6+2+6+5+4+1
    ("信创项目-宁夏科普工作队购买办公设备", 9),
    ("宁夏三农呼叫中心运行费", 13),
    ("宁夏科学传播中心网络传播各类科普宣传活动、宁夏科协云平台全媒体传播项目", 28),  # 10+2+1+10+4+1
]
HEADER_KEYS = {
    "name",
    "department",
    "implementer",
    "attribute",
    "period",
    "total",
    "annual",
    "own",
    "transfer",
    "appropriation",
    "central",
    "other",
    "regional",
    "carryover",
    "goal",
}


@pytest.fixture(scope="module")
def seed(linter):
    return linter.parse(SEED.read_text(encoding="utf-8"), "seed")


@pytest.fixture(scope="module")
def pipe(linter):
    return linter.parse(PIPE_SEED.read_text(encoding="utf-8"), "pipe")


def test_every_project_and_indicator_row_is_read(seed):
    assert [(p.name, len(p.indicators)) for p in seed.projects] == HAND_COUNTS
    assert sum(count for _, count in HAND_COUNTS) == 342


def test_every_header_field_is_read(seed):
    for project in seed.projects:
        assert set(project.fields) == HEADER_KEYS, project.name
        assert all(f.text for f in project.fields.values()), project.name


def test_money_is_exact_and_in_yuan(seed):
    first = seed.projects[0]
    assert first.amount("total") == Decimal("1235700")
    assert isinstance(first.amount("annual"), Decimal)
    own = seed.projects[11]  # 自有资金项目: 436.2784 万元 carried over
    assert own.amount("annual") == Decimal("4362784")
    assert own.amount("carryover") == Decimal("4362784")
    assert own.amount("total") == Decimal("4479000")


def test_fiscal_year_and_unit_come_from_each_tables_title_block(seed):
    assert {p.fiscal_year for p in seed.projects} == {2024}
    assert {p.money_unit_text for p in seed.projects} == {"万元"}
    assert seed.projects[1].fiscal_year_span.line == 61  # "(2024 年度)" above table 2


def test_damaged_cells_are_read_where_they_belong(seed):
    by_name = {p.name: p for p in seed.projects}
    team = by_name["宁夏工作队开展科普工作反邪教宣传农业产业帮扶及农民科学素养提升经费"]
    assert team.fields["annual"].amount == Decimal("544600")  # the value was on the next line
    assert team.fields["period"].text == "99年"
    assert team.goal.text.endswith("助力乡村振兴。")  # the narrative continued after a blank line
    contest = by_name["宁夏青少年科技创新大赛暨机器人竞赛活动项目"]
    assert contest.fields["other"].amount == 0  # label "其他资" cut, "金" on a later row
    first = seed.projects[0]
    cost = [i for i in first.indicators if i.kind == "cost"]
    assert [i.line for i in cost] == [44, 46, 47, 48, 49]  # "14-成本指标" in column 1, "标" fragment
    assert cost[0].level1.code == "1" and cost[0].level1.inherited


def test_indicators_in_the_wrong_column_are_read_by_content(seed):
    first = seed.projects[0]
    row43 = next(i for i in first.indicators if i.line == 43)
    assert row43.kind == "timeliness"
    assert row43.value.dates[0].month == 12
    museum = seed.projects[11]
    row448 = next(i for i in museum.indicators if i.line == 448)  # "指标" fragment in column 1
    assert (row448.name, row448.value.raw) == ("其他科普活动项目", "1年")


def test_layout_damage_is_reported_at_its_line(linter):
    _, findings = linter.check_text(SEED.read_text(encoding="utf-8"), "seed")
    layout = [(f.code, f.span.line) for f in findings if f.code.startswith("BL0")]
    assert ("BL001", 46) in layout  # "标" fragment
    assert ("BL001", 380) in layout  # 其他资|金
    assert ("BL001", 426) in layout  # "益" fragment
    assert ("BL001", 448) in layout  # "指标" fragment
    assert ("BL001", 475) in layout  # 转移市县(区)资|金
    assert ("BL001", 570) in layout and ("BL001", 572) in layout and ("BL001", 574) in layout
    assert ("BL001", 581) in layout  # narrative continued
    assert not [c for c in layout if c[0] in ("BL002", "BL004", "BL006", "BL007")]


def test_pipe_version_gives_the_same_model(seed, pipe):
    assert len(pipe.projects) == 19
    for raw, clean in zip(seed.projects, pipe.projects):
        assert project_signature(raw) == project_signature(clean), raw.name


def test_pipe_version_has_no_layout_findings(linter):
    _, findings = linter.check_text(PIPE_SEED.read_text(encoding="utf-8"), "pipe")
    assert [f for f in findings if f.code.startswith("BL0")] == []
