"""Cost (BL2xx): the cost rows — per-unit costs times their quantities — account for 年度资金总额.

Each table states its 年度资金总额 and a few quantity and cost rows; the balanced version of each
table is silent, so a test cannot pass by a rule firing everywhere.
"""

from __future__ import annotations

import pytest
from conftest import findings_of


def family(linter, text: str, prefix: str = "BL2") -> list:
    """The findings of the rules whose code starts with `prefix` (the cost family by default)."""
    return [f for f in findings_of(linter, text) if f.code.startswith(prefix)]


def costs(annual: str, rows: str, unit: str = "万元") -> str:
    """A table whose indicator rows start on line 6 (单位 on line 1, the header on lines 3–4)."""
    return f"单位：{unit}\n\n| 项目名称 | 示例项目 |\n| 项目总额 | {annual} | 年度资金总额 | {annual} |\n" + (
        "| 一级指标 | 二级指标 | 三级指标 | 绩效值 |\n" + rows
    )


TRAINING = """\
| 1-产出指标 | 11-数量指标 | 举办培训班 | 2期 |
| | | 培育科普教育基地 | 3个 |
| | 14-成本指标 | 举办培训班 | 14.775万元/期 |
| | | 培育科普教育基地 | 8万元/个 |
"""  # 14.775 × 2 + 8 × 3 = 53.55


def test_per_unit_costs_times_quantities_balance_and_a_cent_off_is_reported_at_the_cost_group(linter):
    assert findings_of(linter, costs("53.55", TRAINING), "BL201") == []
    (finding,) = findings_of(linter, costs("53.56", TRAINING), "BL201")
    assert (finding.span.line, finding.span.column) == (8, 5)  # the 14-成本指标 cell
    assert (finding.expected, finding.actual) == ("53.56", "53.55")
    assert "14.775×2 + 8×3 = 53.55 (万元), 0.01 apart" in finding.message
    assert [(row.span.line, row.label) for row in finding.related] == [
        (4, "annual funds 53.56"),
        (8, "举办培训班: 14.775万元/期 × 2期 (matched by name)"),
        (9, "培育科普教育基地: 8万元/个 × 3个 (matched by name)"),
    ]


def test_the_annual_amount_is_compared_at_the_precision_it_is_written(zh):
    assert findings_of(zh, costs("53.550", TRAINING), "BL201") == []
    (finding,) = findings_of(zh, costs("53.551", TRAINING), "BL201")
    assert (finding.span.line, finding.expected, finding.actual) == (8, "53.551", "53.55")


def test_a_quantity_in_wan_of_the_rates_unit_is_converted(zh):
    # 2 元/人次 × 20.5 万人次 = 410000 元 = 41 万元.
    rows = """\
| 1-产出指标 | 11-数量指标 | 青少年科技创新大赛 | 20.5 万人次 |
| | 14-成本指标 | 青少年科技创新大赛 | 2 元/人次 |
"""
    assert family(zh, costs("41", rows)) == []
    (finding,) = findings_of(zh, costs("4.1", rows), "BL201")
    assert (finding.span.line, finding.expected, finding.actual) == (7, "4.1", "41")


def test_a_cost_per_year_without_a_quantity_counts_one_fiscal_year_not_its_sessions(zh):
    rows = """\
| 1-产出指标 | 11-数量指标 | 举办培训 | 2 期 |
| | | 科普服务 | 12 场 |
| | 14-成本指标 | 举办培训 | 5 万元/期 |
| | | 科普服务 | 3 万元/年 |
"""  # 5 × 2 + 3 × 1 = 13: the 12 场 of 科普服务 never multiply a cost per year
    assert family(zh, costs("13", rows)) == []
    (finding,) = findings_of(zh, costs("46", rows), "BL201")
    assert (finding.expected, finding.actual) == ("46", "13")
    assert (9, "科普服务: 3 万元/年 × 1年") in [(row.span.line, row.label) for row in finding.related]


def test_a_rate_without_its_quantity_is_bl202_and_leaves_the_sum_unjudged(linter):
    rows = """\
| 1-产出指标 | 11-数量指标 | 宣传栏更换 | 50个 |
| | 14-成本指标 | 专家授课 | 2万元/场 |
"""
    found = family(linter, costs("100", rows))
    assert [(f.code, f.span.line, f.span.column) for f in found] == [("BL202", 7, 22)]
    assert (found[0].expected, found[0].actual) == ("a quantity counted in 场", "2万元/场")
    counted = rows.replace("| 宣传栏更换 | 50个 |", "| 专家授课 | 5场 |")
    assert family(linter, costs("10", counted)) == []


FAIR = """\
| 1-产出指标 | 11-数量指标 | 流动科技馆常规巡展 | 2站 |
| | 12-质量指标 | 全年巡展周期站点数 | ≥2站 |
| | 14-成本指标 | 流动科技馆常规巡展 | 52000元 |
"""


def test_a_lump_sum_that_balances_only_per_unit_is_bl203_with_an_unsafe_fix_not_bl201(linter):
    found = family(linter, costs("10.4", FAIR))
    assert [(f.code, f.span.line, f.span.column) for f in found] == [("BL203", 8, 27)]
    (finding,) = found
    assert (finding.expected, finding.actual) == ("52000元/站", "52000元")
    assert "(52000元 × 2站 = 10.4 万元)" in finding.message
    assert [(row.span.line, row.label) for row in finding.related] == [
        (6, "流动科技馆常规巡展: 2站 (matched by name)"),
        (4, "annual funds 10.4"),
    ]
    assert finding.fix.safe is False
    assert [(edit.span.line, edit.span.column, edit.text) for edit in finding.fix.edits] == [(8, 27, "52000元/站")]
    assert family(linter, costs("10.4", FAIR.replace("52000元 |", "52000元/站 |"))) == []
    assert family(linter, costs("5.2", FAIR)) == []  # the lump sum it says


def test_no_per_unit_reading_is_guessed_when_two_rows_could_be_it_or_the_quantity_is_a_time(zh):
    either = """\
| 1-产出指标 | 11-数量指标 | 举办培训班 | 2期 |
| | | 编印宣传册 | 2期 |
| | 14-成本指标 | 举办培训班 | 1万元 |
| | | 编印宣传册 | 1万元 |
"""  # 3 万元 is either row read per unit: which one is a guess
    assert [f.code for f in family(zh, costs("3", either))] == ["BL201"]
    assert [f.span.line for f in findings_of(zh, costs("4", either), "BL203")] == [8, 9]  # both: no choice made
    months = """\
| 1-产出指标 | 11-数量指标 | 设备维护 | 12个月 |
| | 14-成本指标 | 设备维护 | 1万元 |
"""
    assert [f.code for f in family(zh, costs("12", months))] == ["BL201"]


def test_a_rate_per_person_visit_times_a_count_of_people_is_bl204(linter):
    rows = """\
| 1-产出指标 | 11-数量指标 | 举办培训 | 200 人 |
| | 14-成本指标 | 举办培训 | 500 元/人次 |
"""
    (finding,) = findings_of(linter, costs("10", rows), "BL204")
    assert (finding.span.line, finding.span.column) == (7, 22)
    assert (finding.expected, finding.actual) == ("the quantity counted in 人次", "200 人")
    assert [(row.span.line, row.label) for row in finding.related] == [(6, "举办培训: 200 人 (matched by name)")]
    assert family(linter, costs("10", rows.replace("200 人 |", "200 人次 |"))) == []


@pytest.mark.parametrize(
    ("quantity", "cost", "drift"),
    [
        ("编印科普刊物《宁夏科协》", "编印科普内刊《宁夏科协》", True),
        ("编印科普刊物《宁夏科协》", "编印科普刊物《宁夏科协》", False),  # the same name
        ("举办培训", "举办培训班", False),  # one name contains the other
        ("举办科普讲座", "科普讲座", False),
    ],
)
def test_a_cost_named_nearly_like_its_quantity_is_bl205(linter, quantity, cost, drift):
    rows = f"| 1-产出指标 | 11-数量指标 | {quantity} | ≥6 期 |\n| | 14-成本指标 | {cost} | 4 万元 |\n"
    found = findings_of(linter, costs("4", rows), "BL205")
    if not drift:
        assert found == []
        return
    (finding,) = found
    assert (finding.span.line, finding.span.column, finding.severity) == (7, 15, "info")
    assert (finding.expected, finding.actual) == (quantity, cost)
    assert [(row.span.line, row.label) for row in finding.related] == [
        (6, f"quantity indicator (matched by name): {quantity}")
    ]


def test_a_cost_that_is_not_money_is_bl206_but_not_applicable_is_not(linter):
    rows = """\
| 1-产出指标 | 11-数量指标 | 举办培训 | 2 期 |
| | 14-成本指标 | 举办培训 | 5 万元/期 |
| | | 成本控制率 | ≤100% |
"""
    (finding,) = findings_of(linter, costs("10", rows), "BL206")
    assert (finding.span.line, finding.span.column, finding.actual) == (8, 15, "≤100%")
    assert finding.expected == "an amount of money (5 万元, 2 元/人次)"
    assert family(linter, costs("10", rows.replace("| 成本控制率 | ≤100% |", "| 其他成本 | 无 |"))) == []


def test_costs_in_a_table_kept_in_yuan(zh):
    rows = """\
| 1-产出指标 | 11-数量指标 | 举办培训 | 2 期 |
| | 14-成本指标 | 举办培训 | 5 万元/期 |
"""
    assert findings_of(zh, costs("100000", rows, unit="元"), "BL201") == []
    (finding,) = findings_of(zh, costs("10", rows, unit="元"), "BL201")
    assert (finding.expected, finding.actual) == ("10", "100000")  # 5 万元 × 2 shown in the table's 元
    assert "50000×2 = 100000（元）" in finding.message
