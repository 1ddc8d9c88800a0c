"""Funding (BL1xx): the money in the header adds up, one table at a time, in both languages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import findings_of

from budgetlint.config import Config
from budgetlint.engine import Linter

UNBALANCED = """
    单位：万元

    | 项目名称 | 示例项目 |
    | 项目属性 | 02-经常性项目 | 项目期 | 99年 |
    | 项目总额 | 120 | 年度资金总额 | 108.55 |
    | 本级资金 | 29.55 | 转移市县（区）资金 | 78 |
    | 年度总体绩效目标 | 举办培训。 |
"""


@pytest.fixture(scope="module")
def linters() -> dict[str, Linter]:
    return {lang: Linter(Config(), lang=lang) for lang in ("zh", "en")}


def test_the_total_that_does_not_add_up_is_reported_at_its_cell_with_its_parts(linters):
    (finding,) = findings_of(linters["zh"], UNBALANCED, "BL101")
    assert (finding.span.line, finding.span.column) == (5, 25)
    assert (finding.expected, finding.actual) == ("107.55", "108.55")
    assert [(row.span.line, row.label) for row in finding.related] == [
        (6, "本级资金 29.55"),
        (6, "转移市县(区)资金 78"),
    ]


def test_related_rows_are_named_in_the_language_of_the_report(linters):
    (finding,) = findings_of(linters["en"], UNBALANCED, "BL101")
    assert [row.label for row in finding.related] == ["own-level funds 29.55", "transfers to cities and counties 78"]


def test_a_balanced_header_is_silent(linters):
    balanced = UNBALANCED.replace("| 108.55 |", "| 107.55 |")
    assert [f.code for f in findings_of(linters["zh"], balanced) if f.code.startswith("BL1")] == []


def test_equal_is_equal_to_the_finest_digit_the_table_states(linters):
    # 29.55 + 78 = 107.55: "107.550" says the same; "107.56" is a cent off at the precision stated.
    assert findings_of(linters["zh"], UNBALANCED.replace("| 108.55 |", "| 107.550 |"), "BL101") == []
    assert findings_of(linters["zh"], UNBALANCED.replace("| 108.55 |", "| 107.56 |"), "BL101") != []


# ---------------------------------------------------------------- sums whose parts are missing or in other units

SOURCES = """
    | 项目名称 | 示例项目 |
    | 项目属性 | 02-经常性项目 | 项目期 | 99年 |
    | 项目总额 | 50 | 年度资金总额 | 50 |
    | 本级资金 | 50 | 转移市县（区）资金 | 0 |
    | 财政拨款 | 45 | 中央资金 | 0 |
    | 年度总体绩效目标 | 举办培训。 |
"""


def test_sources_left_out_count_as_zero_and_the_fix_writes_the_sum_unsafely(linters):
    # 其他资金 and 结余结转资金 are not written: 本级资金 50 must then be 财政拨款 alone.  With no 年度资金总额,
    # nothing else bears on 本级资金: it is blamed, as the identity is written, and the fix writes the sum.
    alone = without(SOURCES, "项目总额")
    (finding,) = findings_of(linters["zh"], alone, "BL102")
    assert (finding.span.line, finding.span.column) == (3, 10)
    assert (finding.expected, finding.actual) == ("45", "50")
    assert finding.message == "本级资金与来源不符：财政拨款 45 = 45（万元）；期望 45，实际 50"
    assert [(row.span.line, row.label) for row in finding.related] == [(4, "财政拨款 45")]
    assert finding.fix.safe is False
    assert [edit.text for edit in finding.fix.edits] == ["45"]
    assert findings_of(linters["zh"], alone.replace("| 财政拨款 | 45 |", "| 财政拨款 | 50 |"), "BL102") == []


def test_sources_that_do_not_add_up_to_a_borne_out_total_leave_it_alone(linters):
    # 年度资金总额 50 = 本级资金 50 + 转移 0 bears 本级资金 out: a source is wrong (or left out), not 本级资金.
    (finding,) = findings_of(linters["en"], SOURCES, "BL102")
    assert (finding.span.line, finding.span.column) == (4, 10)  # no one cell singled out: where it was
    assert (finding.expected, finding.actual) == ("50", "45")  # the sources are expected to add up to 50
    assert finding.message == (
        "本级资金 does not match its sources: 财政拨款 45 = 45 (万元); "
        "年度资金总额 50 = 本级资金 50 + 转移市县(区)资金 0: these bear out 本级资金, "
        "so 财政拨款 or 其他资金 (not written) or 结余结转资金 (not written) is wrong; expected 50 in all, found 45"
    )
    assert finding.fix is None
    assert findings_of(linters["en"], SOURCES.replace("| 财政拨款 | 45 |", "| 财政拨款 | 50 |"), "BL102") == []


def test_annual_is_not_judged_when_the_transfer_is_missing_which_is_reported_instead(linters):
    # 年度资金总额 needs both of its parts (require_all): a missing 转移 is BL003, not a wrong sum.
    no_transfer = SOURCES.replace("| 本级资金 | 50 | 转移市县（区）资金 | 0 |", "| 本级资金 | 40 |")
    found = findings_of(linters["zh"], no_transfer)
    assert [f.code for f in found if f.code == "BL101"] == []
    assert [(f.code, f.span.line, f.expected) for f in found if f.code == "BL003"] == [("BL003", 1, "转移市县(区)资金")]
    wrong = SOURCES.replace("| 本级资金 | 50 | 转移市县（区）资金 | 0 |", "| 本级资金 | 40 | 转移市县（区）资金 | 0 |")
    assert [(f.span.line, f.expected) for f in findings_of(linters["zh"], wrong, "BL101")] == [(3, "40")]


def test_an_amount_written_with_its_own_unit_is_converted_to_the_tables(linters):
    # 单位：万元, but the transfer is written in 元: 4 + 60000元 = 10 万元.
    mixed = """
        单位：万元

        | 项目名称 | 示例项目 |
        | 项目属性 | 02-经常性项目 | 项目期 | 99年 |
        | 项目总额 | 10.6 | 年度资金总额 | 10 |
        | 本级资金 | 4 | 转移市县（区）资金 | 60000元 |
        | 年度总体绩效目标 | 举办培训。 |
    """
    assert findings_of(linters["en"], mixed, "BL101") == []
    (finding,) = findings_of(linters["en"], mixed.replace("| 年度资金总额 | 10 |", "| 年度资金总额 | 10.6 |"), "BL101")
    assert (finding.span.line, finding.expected, finding.actual) == (5, "10", "10.6")
    assert [row.label for row in finding.related] == ["own-level funds 4", "transfers to cities and counties 60000元"]


def test_a_table_in_yuan_is_reported_in_yuan(linters):
    in_yuan = """
        单位：元

        | 项目名称 | 示例项目 |
        | 项目属性 | 02-经常性项目 | 项目期 | 99年 |
        | 项目总额 | 120000 | 年度资金总额 | 100000 |
        | 本级资金 | 30000 | 转移市县（区）资金 | 60000 |
        | 年度总体绩效目标 | 举办培训。 |
    """
    (finding,) = findings_of(linters["en"], in_yuan, "BL101")
    assert (finding.span.line, finding.span.column, finding.expected, finding.actual) == (5, 28, "90000", "100000")
    assert "= 90000 (元)" in finding.message
    assert findings_of(linters["en"], in_yuan.replace("| 100000 |", "| 90000 |"), "BL101") == []


# ---------------------------------------------------------------- 项目总额, 年度资金总额 and 项目属性


def header(attribute: str, period: str, total: str, annual: str) -> str:
    return f"""
        | 项目名称 | 示例项目 |
        | 项目属性 | {attribute} | 项目期 | {period} |
        | 项目总额 | {total} | 年度资金总额 | {annual} |
        | 本级资金 | {annual} | 转移市县（区）资金 | 0 |
        | 年度总体绩效目标 | 举办培训。 |
    """


def test_annual_may_equal_the_total_but_not_exceed_it_beyond_precision_and_tolerance(linters):
    assert findings_of(linters["zh"], header("02-经常性项目", "99年", "13.45", "13.45"), "BL104") == []
    assert findings_of(linters["zh"], header("02-经常性项目", "99年", "13.45", "13.450"), "BL104") == []
    (finding,) = findings_of(linters["zh"], header("02-经常性项目", "99年", "13.45", "13.455"), "BL104")
    assert (finding.span.line, finding.span.column) == (3, 27)
    assert (finding.expected, finding.actual) == ("≤ 13.45", "13.455")
    assert [(row.span.line, row.label) for row in finding.related] == [(3, "项目总额 13.45")]
    # A configured tolerance (in 元) is added to the precision: 0.01 万元 over is 100 元 over.
    over_by_100_yuan = header("02-经常性项目", "99年", "13.45", "13.46")
    assert [f.code for f in findings_of(linters["zh"], over_by_100_yuan, "BL104")] == ["BL104"]
    assert findings_of(Linter(Config(tolerance=Decimal("100")), lang="zh"), over_by_100_yuan, "BL104") == []


@pytest.mark.parametrize(
    ("attribute", "period", "one_year"),
    [
        ("01-一年期项目", "1年", True),
        ("02-经常性项目", "1年", True),  # the period says one year whatever the attribute
        ("01-一年期项目", "3年", True),  # the attribute says one year whatever the period (BL107 says the rest)
        ("02-经常性项目", "99年", False),
        ("03-多年期延续性项目", "3年", False),
    ],
)
def test_a_one_year_project_spends_its_total_this_year(linters, attribute, period, one_year):
    found = findings_of(linters["zh"], header(attribute, period, "15.45", "13.45"), "BL105")
    if not one_year:
        assert found == []
        return
    (finding,) = found
    assert (finding.span.line, finding.span.column, finding.expected, finding.actual) == (3, 10, "13.45", "15.45")
    assert [(row.span.line, row.label) for row in finding.related] == [(3, "年度资金总额 13.45")]
    assert findings_of(linters["zh"], header(attribute, period, "13.45", "13.45"), "BL105") == []


@pytest.mark.parametrize(
    ("written", "suggested"),
    [
        ("03-多长期延续性项目", "03-多年期延续性项目"),  # a character wrong
        ("01-经常性项目", "02-经常性项目"),  # the right name under the wrong code
        ("多年期延续性项目", "03-多年期延续性项目"),  # the code left out
    ],
)
def test_a_near_miss_attribute_names_the_right_one_with_an_unsafe_fix(linters, written, suggested):
    (finding,) = findings_of(linters["en"], header(written, "4年", "10", "10"), "BL106")
    assert (finding.span.line, finding.span.column) == (2, 10)
    assert (finding.expected, finding.actual) == (suggested, written)
    assert finding.message == f"项目属性 is misspelt: expected '{suggested}', found '{written}'"
    assert finding.fix.safe is False and [edit.text for edit in finding.fix.edits] == [suggested]
    assert findings_of(linters["en"], header(suggested, "4年", "10", "10"), "BL106") == []


def test_an_unknown_attribute_lists_the_known_ones_and_any_dash_is_accepted(linters):
    (finding,) = findings_of(linters["zh"], header("05-专项项目", "4年", "10", "10"), "BL106")
    assert (finding.span.line, finding.actual, finding.fix) == (2, "05-专项项目", None)
    assert finding.expected == "01-一年期项目、02-经常性项目、03-多年期延续性项目"
    assert findings_of(linters["zh"], header("03—多年期延续性项目", "4年", "10", "10"), "BL106") == []


def test_the_period_must_fit_the_attribute_and_names_it_in_english(linters):
    (finding,) = findings_of(linters["en"], header("03-多年期延续性项目", "99年", "10", "10"), "BL107")
    assert (finding.span.line, finding.span.column) == (2, 30)
    assert (finding.expected, finding.actual) == ("2–10年", "99年")
    assert [(row.span.line, row.label) for row in finding.related] == [(2, "project type 03-多年期延续性项目")]
    assert findings_of(linters["en"], header("03-多年期延续性项目", "5年", "10", "10"), "BL107") == []
    assert findings_of(linters["en"], header("02-经常性项目", "99年", "10", "10"), "BL107") == []


# ---------------------------------------------------------------- weighing the evidence before blaming a cell


def weighed(own: str = "60", transfer: str = "50", central: str = "40", total: str = "100", cost: str = "10") -> str:
    """A one-year project of 100 whose costs add up to 100 (10 场 × `cost`) — unless told otherwise."""
    return f"""
        | 项目名称 | 示例项目 |
        | 项目属性 | 01-一年期项目 | 项目期 | 1年 |
        | 项目总额 | {total} | 年度资金总额 | 100 |
        | 本级资金 | {own} | 转移市县（区）资金 | {transfer} |
        | 财政拨款 | 60 | 中央资金 | {central} |
        | 其他资金 | 0 | 自治区资金 | 0 |
        | 结余结转资金 | 0 |
        | 年度总体绩效目标 | 举办培训。 |
        | 一级指标 | 二级指标 | 三级指标 | 绩效值 |
        | 1-产出指标 | 11-数量指标 | 举办培训 | 10 场 |
        | | 14-成本指标 | 举办培训 | {cost} 万元/场 |
    """


def without(text: str, *labels: str) -> str:
    """`text` without the rows that start with one of `labels`."""
    return "\n".join(
        line for line in text.split("\n") if not line.strip().startswith(tuple(f"| {x} |" for x in labels))
    )


def funding_codes(linter, text):
    return [(f.code, f.span.line) for f in findings_of(linter, text) if f.code.startswith(("BL1", "BL2"))]


def test_a_table_that_adds_up_everywhere_is_silent(linters):
    assert funding_codes(linters["zh"], weighed(transfer="40")) == []


def test_a_total_borne_out_by_the_project_total_and_the_costs_is_not_blamed(linters):
    # The 110-vs-100 case: 项目总额 100 and the costs 100 agree with 年度资金总额 100, so 本级 60 + 转移 50 = 110 is
    # wrong in its parts; 本级资金 is itself borne out by its sources only when they are written (here they are
    # not), so nothing says which part: no fix.
    text = without(weighed(), "财政拨款", "其他资金", "结余结转资金")
    (finding,) = findings_of(linters["en"], text, "BL101")
    assert (finding.span.line, finding.span.column) == (3, 25)
    assert (finding.expected, finding.actual) == ("100", "110")
    assert finding.message == (
        "年度资金总额 does not add up: 本级资金 60 + 转移市县(区)资金 50 = 110 (万元); "
        "项目总额 100 = 年度资金总额 100 (one-year project); the costs 100 = 年度资金总额 100: "
        "these bear out 年度资金总额, so 本级资金 or 转移市县(区)资金 is wrong; expected 100 in all, found 110"
    )
    assert finding.fix is None
    (zh,) = findings_of(linters["zh"], text, "BL101")
    assert zh.message == (
        "年度资金总额与分项不符：本级资金 60 + 转移市县(区)资金 50 = 110（万元）；"
        "一年期项目 项目总额 100 = 年度资金总额 100；成本指标合计 100 = 年度资金总额 100，"
        "印证年度资金总额无误，有误的是本级资金或转移市县(区)资金：期望合计 100，实际 110"
    )
    assert findings_of(linters["en"], text.replace("| 50 |", "| 40 |"), "BL101") == []


def test_the_one_cell_the_evidence_contradicts_is_blamed_and_fixed(linters):
    # 本级资金 60 = 财政拨款 60 and 年度资金总额 = 项目总额 = the costs: only 转移 is left, and 中央 40 agrees with
    # 100 − 60 = 40.  BL101 and BL103 both blame it and both fix it to 40.
    found = [f for f in findings_of(linters["en"], weighed()) if f.code.startswith(("BL1", "BL2"))]
    assert [(f.code, f.span.line, f.span.column, f.expected, f.actual) for f in found] == [
        ("BL101", 4, 27, "40", "50"),
        ("BL103", 4, 27, "40", "50"),
    ]
    bl101, bl103 = found
    assert bl101.message == (
        "年度资金总额 does not add up: 本级资金 60 + 转移市县(区)资金 50 = 110 (万元); "
        "weighed with 本级资金 60 = 财政拨款 60 + 其他资金 0 + 结余结转资金 0; "
        "项目总额 100 = 年度资金总额 100 (one-year project); the costs 100 = 年度资金总额 100; "
        "转移市县(区)资金 50 ≠ 中央资金 40 + 自治区资金 0 = 40, the wrong cell is 转移市县(区)资金: expected 40, found 50"
    )
    assert [row.label for row in bl101.related] == ["annual funds 100", "own-level funds 60"]
    for finding in found:
        assert finding.fix.safe is False
        assert finding.fix.description == "转移市县(区)资金: 50 → 40"
        assert [(e.span.line, e.span.column, e.text) for e in finding.fix.edits] == [(4, 27, "40")]
    assert "有误的是转移市县(区)资金：期望 40，实际 50" in findings_of(linters["zh"], weighed(), "BL101")[0].message


def test_a_blamed_cell_whose_value_the_evidence_does_not_agree_on_is_not_fixed(linters):
    # 转移 is the one cell left, but 年度 − 本级 asks 40 of it and 中央 + 自治区 asks 30.
    found = [f for f in findings_of(linters["zh"], weighed(central="30")) if f.code in ("BL101", "BL103")]
    assert [(f.code, f.span.line, f.span.column, f.expected, f.actual, f.fix) for f in found] == [
        ("BL101", 4, 27, "40", "50", None),
        ("BL103", 4, 27, "30", "50", None),
    ]


def test_the_total_is_blamed_when_the_rest_of_the_table_agrees_with_its_parts(linters):
    # Not one-year: 项目总额 says nothing.  年度资金总额 100 against 本级 60 + 转移 50 = 110 and costs of 110.
    text = weighed(central="50", cost="11").replace("01-一年期项目 | 项目期 | 1年", "02-经常性项目 | 项目期 | 99年")
    text = text.replace("| 项目总额 | 100 |", "| 项目总额 | 200 |")
    found = [f for f in findings_of(linters["en"], text) if f.code.startswith(("BL1", "BL2"))]
    assert [(f.code, f.span.line, f.span.column, f.expected, f.actual) for f in found] == [
        ("BL101", 3, 25, "110", "100"),
        ("BL201", 11, 5, "100", "110"),
    ]
    assert "the costs 110 ≠ 年度资金总额 100, the wrong cell is 年度资金总额" in found[0].message
    assert [edit.text for edit in found[0].fix.edits] == ["110"]
    # The costs asking 105 and the parts 110: 年度资金总额 is still the one cell, but its value is not agreed.
    (disputed,) = findings_of(linters["en"], text.replace("11 万元/场", "10.5 万元/场"), "BL101")
    assert (disputed.span.line, disputed.expected, disputed.fix) == (3, "110", None)


def test_evidence_that_contradicts_itself_is_said_to_be_split(linters):
    # 项目总额 100 bears 年度资金总额 100 out; the costs (110) and the parts (110) contradict it: no single wrong
    # cell explains all three, so the finding stays on the total, says so, and offers no fix.
    (finding,) = findings_of(linters["en"], weighed(central="50", cost="11"), "BL101")
    assert (finding.span.line, finding.span.column, finding.expected, finding.actual) == (3, 25, "110", "100")
    assert finding.message == (
        "年度资金总额 does not add up: 本级资金 60 + 转移市县(区)资金 50 = 110 (万元); the other evidence is split "
        "(本级资金 60 = 财政拨款 60 + 其他资金 0 + 结余结转资金 0; 转移市县(区)资金 50 = 中央资金 50 + 自治区资金 0; "
        "项目总额 100 = 年度资金总额 100 (one-year project); the costs 110 ≠ 年度资金总额 100): it does not say which of "
        "年度资金总额 or 本级资金 or 转移市县(区)资金 is wrong; expected 110, found 100"
    )
    assert finding.fix is None
    assert "其他证据不一" in findings_of(linters["zh"], weighed(central="50", cost="11"), "BL101")[0].message


def test_the_evidence_weighed_is_the_identities_the_rule_is_given(linters):
    # A template with other identities passes them as parameters: with none but the rule's own, and neither
    # 项目总额 nor the costs, nothing is weighed and the total is blamed as written.
    bare = Linter(
        Config(params=(("BL101", (("identities", ()), ("one_year_equal", ()), ("cost_sum_of", ""))),)), lang="en"
    )
    (finding,) = findings_of(bare, weighed(), "BL101")
    assert (finding.span.line, finding.expected, finding.actual) == (3, "110", "100")
    assert finding.message.endswith("= 110 (万元); expected 110, found 100")
    assert [edit.text for edit in finding.fix.edits] == ["110"]
    # Only 本级 = 财政拨款 + 其他 + 结余 given: 本级资金 is cleared, 年度资金总额 or 转移 is left.
    sources_only = Linter(
        Config(
            params=(
                (
                    "BL101",
                    (
                        ("identities", ("own = appropriation + other + carryover",)),
                        ("one_year_equal", ()),
                        ("cost_sum_of", ""),
                    ),
                ),
            )
        ),
        lang="en",
    )
    (finding,) = findings_of(sources_only, weighed(), "BL101")
    assert (finding.span.line, finding.fix) == (3, None)
    assert finding.message.endswith(
        "it does not say which of 年度资金总额 or 转移市县(区)资金 is wrong; expected 110, found 100"
    )


DEPARTMENT = """
    | 部门（单位）名称 | 宁德市档案馆 | 部门预算编码 | 901015 |
    | 年度预算安排（万元） | 资金总额 | 680 |
    |  | 其中：财政拨款 | 650 |
    |  | 其他资金 | 30 |
    |  | 基本支出 | 512 |
    |  | 项目支出 | 168 |
    | 年度总体目标 | 完成馆藏档案数字化。 |
    | 一级指标 | 二级指标 | 三级指标 | 指标值 |
    | 产出指标 | 数量指标 | 馆藏档案数字化 | ≥60000件 |
    |  | 时效指标 | 数字化任务完成时间 | 2025年11月30日前 |
    |  | 成本指标 | 馆藏档案数字化 | 28元/件 |
    | 满意度指标 | 服务对象满意度指标 | 查档群众满意度 | ≥95% |
"""


def test_a_template_weighs_its_own_identities_and_the_field_its_costs_account_for(linters):
    # 部门整体: 资金总额 = 财政拨款 + 其他资金 (BL101) = 基本支出 + 项目支出 (BL102), and the costs account for
    # 项目支出 (rules/templates.toml).  A wrong 资金总额 fails both identities: both blame it and fix it.
    assert [f.code for f in findings_of(linters["en"], DEPARTMENT) if f.code.startswith(("BL1", "BL2"))] == []
    wrong_total = DEPARTMENT.replace("| 资金总额 | 680 |", "| 资金总额 | 700 |")
    found = [f for f in findings_of(linters["en"], wrong_total) if f.code.startswith(("BL1", "BL2"))]
    assert [(f.code, f.span.line, f.expected, f.actual, f.fix.edits[0].text) for f in found] == [
        ("BL101", 2, "680", "700", "680"),
        ("BL102", 2, "680", "700", "680"),
    ]
    # A wrong 项目支出: 资金总额 is borne out by its sources, and the costs (60000 × 28元 = 168) say 项目支出 is 168.
    wrong_spending = DEPARTMENT.replace("| 项目支出 | 168 |", "| 项目支出 | 188 |")
    (finding,) = findings_of(linters["en"], wrong_spending, "BL102")
    assert (finding.span.line, finding.expected, finding.actual) == (6, "168", "188")
    assert "the costs 168 ≠ 项目支出 188" in finding.message
    assert [edit.text for edit in finding.fix.edits] == ["168"]
