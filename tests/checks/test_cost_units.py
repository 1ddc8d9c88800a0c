"""Cost rows matched to quantities by unit when their names match none (issue 19, item 4).

每公里硬化造价 55万元/公里 names no quantity, but 通村公路硬化里程 18公里 is the one quantity in
公里: the rate takes it, and BL201 can compare the sum with 年度资金总额.  Name matching comes
first and is unchanged; several quantities (or rates) in one unit are a guess not made (BL202,
variant "ambiguous"); every finding on a pair says how the pair was matched.
"""

from __future__ import annotations

from decimal import Decimal

from conftest import findings_of, table

from budgetlint.checks.cost import BY_NAME, BY_UNIT, _analyse


def family(linter, text: str) -> list:
    return [f for f in findings_of(linter, text) if f.code.startswith("BL2")]


def costs(annual: str, rows: str) -> str:
    """A table in 万元 whose indicator rows start on line 6 (as in test_cost.py)."""
    return f"单位：万元\n\n| 项目名称 | 示例项目 |\n| 项目总额 | {annual} | 年度资金总额 | {annual} |\n" + (
        "| 一级指标 | 二级指标 | 三级指标 | 绩效值 |\n" + rows
    )


def analysis(linter, text: str):
    [project] = linter.parse(table(text)).projects
    return _analyse(project, linter.new_context())


ROAD = """\
| 1-产出指标 | 11-数量指标 | 通村公路硬化里程 | 18公里 |
| | 13-时效指标 | 完工时间 | 2024年12月底前 |
| | 14-成本指标 | 每公里硬化造价 | 60万元/公里 |
"""  # 60 × 18 = 1080


def test_a_rate_named_unlike_its_quantity_is_matched_by_unit_and_the_sum_is_judged(linter):
    (finding,) = family(linter, costs("1180", ROAD))
    assert (finding.code, finding.severity) == ("BL201", "error")
    assert (finding.span.line, finding.span.column) == (8, 5)  # the 14-成本指标 cell, as for any BL201
    assert (finding.expected, finding.actual) == ("1180", "1080")
    assert "60×18 = 1080 (万元), 100 apart" in finding.message
    assert "「每公里硬化造价」↔「通村公路硬化里程」 matched by unit" in finding.message
    assert [(row.span.line, row.label) for row in finding.related] == [
        (4, "annual funds 1180"),
        (8, "每公里硬化造价: 60万元/公里 × 18公里 (matched by unit to '通村公路硬化里程')"),
    ]


def test_the_same_table_balanced_is_silent(linter):
    assert family(linter, costs("1080", ROAD)) == []
    [term] = analysis(linter, costs("1080", ROAD)).terms
    assert (term.how, term.quantity.indicator.name, term.yuan) == (BY_UNIT, "通村公路硬化里程", Decimal("10800000"))


def test_the_pair_is_said_in_chinese_too(zh):
    (finding,) = family(zh, costs("1180", ROAD))
    assert "其中按单位（名称对不上）对应的有 「每公里硬化造价」↔「通村公路硬化里程」" in finding.message
    assert finding.related[1].label == "每公里硬化造价: 60万元/公里 × 18公里（按单位对应“通村公路硬化里程”）"


def test_before_matching_by_unit_the_rate_was_without_quantity_and_the_sum_unjudged(linter, monkeypatch):
    from budgetlint.checks import cost

    monkeypatch.setattr(cost, "_match_by_unit", lambda result: None)
    assert [f.code for f in family(linter, costs("1180", ROAD))] == ["BL202"]


def test_a_rate_per_mu_times_wan_mu_is_exact(linter):
    rows = """\
| 1-产出指标 | 11-数量指标 | 新建高标准农田 | 3.3万亩 |
| | 14-成本指标 | 亩均管护费 | 0.1元/亩 |
"""  # 0.1 × 33000 = 3300 元 = 0.33 万元 (in binary floating point, 0.33000000000000007)
    [term] = analysis(linter, costs("0.33", rows)).terms
    assert (term.how, term.multiplier, term.yuan) == (BY_UNIT, Decimal("33000"), Decimal("3300"))
    assert type(term.multiplier) is Decimal
    assert family(linter, costs("0.33", rows)) == []
    (finding,) = family(linter, costs("0.34", rows))
    assert (finding.code, finding.expected, finding.actual) == ("BL201", "0.34", "0.33")
    assert "0.00001×33000 = 0.33 (万元), 0.01 apart" in finding.message  # 0.1 元 in the table's 万元


def test_qian_mi_is_gong_li(linter):
    rows = ROAD.replace("18公里", "18千米")
    assert family(linter, costs("1080", rows)) == []
    assert [f.code for f in family(linter, costs("1180", rows))] == ["BL201"]


def test_several_quantities_in_the_unit_are_bl202_ambiguous_naming_them(linter):
    rows = ROAD + "| 1-产出指标 | 11-数量指标 | 村内道路硬化 | 6公里 |\n"
    (finding,) = family(linter, costs("1440", rows))
    assert (finding.code, finding.span.line, finding.span.column) == ("BL202", 8, 25)
    assert finding.expected == "one quantity in 公里"
    assert finding.actual == "2 — 「通村公路硬化里程」 18公里, 「村内道路硬化」 6公里"
    assert finding.message == (
        "'每公里硬化造价' is a per-unit cost (per 公里) whose name matches no quantity, and its unit does not "
        "single one out: expected one quantity in 公里, found 2 — 「通村公路硬化里程」 18公里, 「村内道路硬化」 6公里"
    )
    assert [(row.span.line, row.label) for row in finding.related] == [
        (6, "通村公路硬化里程: 18公里"),
        (9, "村内道路硬化: 6公里"),
    ]


def test_the_ambiguous_variant_in_chinese(zh):
    rows = ROAD + "| 1-产出指标 | 11-数量指标 | 村内道路硬化 | 6公里 |\n"
    (finding,) = family(zh, costs("1440", rows))
    assert finding.message == (
        "“每公里硬化造价”是单价成本（每公里），名称对不上任何数量，按单位又不能唯一对应："
        "期望 一个以“公里”计的数量指标，实际 2 个 — 「通村公路硬化里程」 18公里，「村内道路硬化」 6公里"
    )


def test_two_rates_for_one_quantity_in_their_unit_are_both_ambiguous(linter):
    rows = ROAD + "| | | 每公里养护费 | 1万元/公里 |\n"
    found = family(linter, costs("1098", rows))
    assert [(f.code, f.span.line) for f in found] == [("BL202", 8), ("BL202", 9)]
    assert found[0].expected == "one quantity in 公里 for one rate"
    assert found[0].actual == (
        "1 — 「通村公路硬化里程」 18公里; rates per 公里 that match no name either: 1 more — 「每公里养护费」 1万元/公里"
    )
    assert found[1].actual.endswith("— 「每公里硬化造价」 60万元/公里")


def test_a_quantity_taken_by_name_is_not_offered_again(linter):
    named = """\
| 1-产出指标 | 11-数量指标 | 通村公路硬化 | 18公里 |
| | 14-成本指标 | 通村公路硬化 | 60万元/公里 |
| | | 每公里养护费 | 1万元/公里 |
"""
    # 18公里 is 通村公路硬化's by name: 每公里养护费 has no quantity left in 公里 (BL202 as before, not ambiguous).
    found = family(linter, costs("1098", named))
    assert [(f.code, f.span.line) for f in found] == [("BL202", 8)]
    assert found[0].expected == "a quantity counted in 公里"
    assert "with no quantity" in found[0].message
    # With one more quantity in 公里, that one is the only one offered: matched by unit.
    more = named + "| 1-产出指标 | 11-数量指标 | 养护里程 | 30公里 |\n"
    result = analysis(linter, costs("1110", more))
    assert [(t.cost.indicator.name, t.quantity.indicator.name, t.how) for t in result.terms] == [
        ("通村公路硬化", "通村公路硬化", BY_NAME),
        ("每公里养护费", "养护里程", BY_UNIT),
    ]
    assert family(linter, costs("1110", more)) == []  # 60 × 18 + 1 × 30


def test_name_matching_stays_first_even_when_the_unit_differs(linter):
    rows = """\
| 1-产出指标 | 11-数量指标 | 举办培训 | 200 人 |
| | | 培训人次 | 300 人次 |
| | 14-成本指标 | 举办培训 | 500 元/人次 |
"""  # 举办培训 is matched by name to 200 人 (BL204), not by unit to 300 人次
    result = analysis(linter, costs("10", rows))
    [term] = result.terms
    assert (term.quantity.indicator.name, term.how) == ("举办培训", BY_NAME)
    assert result.by_unit == {}
    assert [f.code for f in family(linter, costs("10", rows))] == ["BL204"]


def test_a_lump_sum_or_a_rate_per_year_is_never_matched_by_unit(linter):
    rows = """\
| 1-产出指标 | 11-数量指标 | 设备运维期 | 3年 |
| | | 宣传册 | 5000册 |
| | 14-成本指标 | 平台运维 | 2万元/年 |
| | | 印刷费 | 1万元 |
"""  # 2万元/年 counts one fiscal year, as before; 1万元 is 1万元, whatever the 册
    result = analysis(linter, costs("3", rows))
    assert result.by_unit == {} and result.ambiguous == {}
    assert [(t.multiplier, t.how) for t in result.terms] == [(Decimal(1), ""), (Decimal(1), "")]
    assert family(linter, costs("3", rows)) == []


def test_a_rate_of_another_unit_is_still_without_quantity(linter):
    rows = """\
| 1-产出指标 | 11-数量指标 | 宣传栏更换 | 50个 |
| | 14-成本指标 | 专家授课 | 2万元/场 |
"""
    (finding,) = family(linter, costs("100", rows))
    assert (finding.code, finding.expected) == ("BL202", "a quantity counted in 场")


def test_each_finding_on_a_pair_says_it_was_matched_by_name(linter):
    fair = """\
| 1-产出指标 | 11-数量指标 | 流动科技馆常规巡展 | 2站 |
| | 14-成本指标 | 流动科技馆常规巡展 | 52000元 |
"""
    (bl203,) = findings_of(linter, costs("10.4", fair), "BL203")
    assert bl203.related[0].label == "流动科技馆常规巡展: 2站 (matched by name)"
    drift = """\
| 1-产出指标 | 11-数量指标 | 编印科普刊物《宁夏科协》 | 6 期 |
| | 14-成本指标 | 编印科普内刊《宁夏科协》 | 4 万元 |
"""
    (bl205,) = findings_of(linter, costs("4", drift), "BL205")
    assert bl205.related[0].label == "quantity indicator (matched by name): 编印科普刊物《宁夏科协》"


def test_a_rate_per_month_matched_by_unit_without_a_duration_is_bl207_naming_the_pair(linter):
    text = """\
| 项目名称 | 示例项目 |
| 项目属性 | 02-经常性项目 | 项目期 | 99年 |
| 项目总额 | 6 | 年度资金总额 | 6 |
| 一级指标 | 二级指标 | 三级指标 | 绩效值 |
| 1-产出指标 | 11-数量指标 | 聘用公益岗位人员 | 10人 |
| | 14-成本指标 | 岗位补贴标准 | 500元/人·月 |
"""
    found = [f for f in findings_of(linter, text) if f.code.startswith("BL2")]
    assert [(f.code, f.span.line) for f in found] == [("BL207", 6)]
    assert [(row.span.line, row.label) for row in found[0].related] == [
        (5, "聘用公益岗位人员: 10人 (matched by unit to '岗位补贴标准')"),
    ]
