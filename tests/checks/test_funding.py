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
    # 其他资金 and 结余结转资金 are not written: 本级资金 50 must then be 财政拨款 alone.
    (finding,) = findings_of(linters["zh"], SOURCES, "BL102")
    assert (finding.span.line, finding.span.column) == (4, 10)
    assert (finding.expected, finding.actual) == ("45", "50")
    assert [(row.span.line, row.label) for row in finding.related] == [(5, "财政拨款 45")]
    assert finding.fix.safe is False
    assert [edit.text for edit in finding.fix.edits] == ["45"]
    assert findings_of(linters["zh"], SOURCES.replace("| 财政拨款 | 45 |", "| 财政拨款 | 50 |"), "BL102") == []


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
