"""Numbers and dates as finance offices write them (issue 18): read whole, or reported — never in part.

Each observation of the issue is pinned by a table at a line; the properties hold the readings equal
whatever the spelling.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from conftest import findings_of
from hypothesis import given, settings
from hypothesis import strategies as st

PROPERTY = settings(max_examples=200, deadline=None)


def yuan_table(total: str, own: str, transfer: str = "0", rows: str = "") -> str:
    """A table in 元: 项目总额 and 年度资金总额 on line 4, 本级 and 转移 on line 5, indicators from line 7."""
    return (
        "单位：元\n\n| 项目名称 | 示例项目 |\n"
        f"| 项目总额 | {total} | 年度资金总额 | {total} |\n"
        f"| 本级资金 | {own} | 转移市县（区）资金 | {transfer} |\n"
        "| 一级指标 | 二级指标 | 三级指标 | 绩效值 |\n" + rows
    )


# ==================================================================== numbers
@pytest.mark.parametrize(
    "written, number, unit",
    [
        ("1,250,000.00", "1250000.00", ""),
        ("1,200人", "1200", "人"),
        ("1，250", "1250", ""),  # a full-width comma groups the digits of a number alone
        ("１，２５０，０００", "1250000", ""),
        ("10 000人次", "10000", "人次"),
        ("1,000-2,000万元", "1000", "万元"),
    ],
)
def test_a_number_with_its_digits_grouped_is_one_number(linter, written, number, unit):
    value = linter.values.read(written)
    (amount,) = value.amounts
    assert (amount.number, amount.unit_text) == (Decimal(number), unit)


@pytest.mark.parametrize(
    "written, numbers",
    [
        ("100，200，300万元", ["100", "200", "300"]),  # full-width commas between numbers: a list
        ("12,34", ["12", "34"]),  # digits grouped otherwise than by thousands: not one number
        ("1,2345", ["1", "2345"]),
        ("1 2 3", ["1", "2", "3"]),
    ],
)
def test_numbers_grouped_otherwise_are_a_list_never_one_number(linter, written, numbers):
    assert [a.written for a in linter.values.read(written).amounts] == numbers


def test_a_table_in_yuan_with_separators_balances(zh):
    # read in part (1 = 1 + 50), it would not: 1,250,000.00 is 1,200,000.00 and 50,000.00
    text = yuan_table("1,250,000.00", "1,200,000.00", "50,000.00")
    assert [f.code for f in findings_of(zh, text) if f.code.startswith(("BL1", "BL004"))] == []


def test_a_table_in_yuan_with_separators_that_does_not_balance_says_the_real_amounts(linter):
    text = yuan_table("1,250,000.00", "1,200,000.00", "40,000.00")
    (finding,) = findings_of(linter, text, "BL101")
    assert (finding.span.line, finding.expected, finding.actual) == (4, "1240000", "1250000")
    assert finding.fix is not None and "1,250,000.00 → 1240000" in finding.fix.description


def test_a_money_cell_of_several_numbers_is_reported_with_both_readings_never_read_in_part(linter):
    text = yuan_table("12,500", "1,2500")
    (finding,) = findings_of(linter, text, "BL004")
    assert (finding.span.line, finding.span.column) == (5, 10)
    assert "several numbers (1、2500)" in finding.message and "12,500 if it is one number" in finding.message
    assert findings_of(linter, text, "BL101") == []  # its parts were not summed as if 本级资金 were 1


def test_costs_in_yuan_with_separators_balance(zh):
    rows = (
        "| 1-产出指标 | 11-数量指标 | 培训学员 | 1,200人 |\n"
        "| | 14-成本指标 | 培训学员 | 1,000元/人 |\n"
        "| | | 场地租赁 | 50,000.00元 |\n"
    )
    assert findings_of(zh, yuan_table("1,250,000.00", "1,250,000.00", rows=rows), "BL201") == []
    (finding,) = findings_of(zh, yuan_table("1,260,000.00", "1,260,000.00", rows=rows), "BL201")
    assert (finding.expected, finding.actual) == ("1260000", "1250000")


@pytest.mark.parametrize(
    "written, number, comparator",
    [
        ("-5%", "-5", None),
        ("－5%", "-5", None),  # full-width minus
        ("≥-5%", "-5", "≥"),  # the comparator kept, not left as text before a dash
        ("≥ -5 %", "-5", "≥"),
        ("不低于-2%", "-2", "≥"),
        ("≤−3个", "-3", "≤"),  # U+2212, once taken for a qualifier word
        ("增长-3%", "-3", None),
    ],
)
def test_a_minus_sign_before_a_number_makes_it_negative(linter, written, number, comparator):
    (amount,) = linter.values.read(written).amounts
    assert (amount.number, amount.comparator) == (Decimal(number), comparator)


@pytest.mark.parametrize(("written", "low", "high"), [("3-5个", "3", "5"), ("Ⅱ-3类", "3", None), ("GB-5", "5", None)])
def test_a_dash_after_a_numeral_or_a_latin_letter_is_no_minus_sign(linter, written, low, high):
    (amount,) = linter.values.read(written).amounts
    assert (amount.number, amount.high) == (Decimal(low), None if high is None else Decimal(high))


@pytest.mark.parametrize(
    ("written", "number", "high"), [("≤5‰", "0.5", None), ("5‰-8‰", "0.5", "0.8"), ("950‰", "95", None)]
)
def test_a_per_mille_reads_as_its_percentage(linter, written, number, high):
    (amount,) = linter.values.read(written).amounts
    assert (amount.percent, amount.number, amount.high) == (True, Decimal(number), high and Decimal(high))


def test_a_satisfaction_target_in_per_mille_or_below_zero_is_judged_as_written(linter):
    def satisfaction(value: str) -> str:
        return yuan_table("100", "100", rows=f"| 3-满意度指标 | 31-服务对象满意度 | 学员满意度 | {value} |\n")

    assert findings_of(linter, satisfaction("≥950‰"), "BL404") == []  # 95%, not 950%
    (finding,) = findings_of(linter, satisfaction("≥-5%"), "BL404")  # not 5% with no comparator
    assert (finding.span.line, finding.actual) == (7, "≥-5%")
    assert findings_of(linter, satisfaction("≥-5%"), "BL402") == []


@PROPERTY
@given(st.integers(0, 10**12), st.integers(0, 99), st.sampled_from(["", "万元", "人"]))
def test_an_amount_reads_the_same_with_or_without_separators(linter, whole, cents, unit):
    plain = f"{whole}.{cents:02}"
    grouped = f"{whole:,}.{cents:02}"
    spaced = grouped.replace(",", " ")
    numbers = {linter.values.read(form + unit).amount.number for form in (plain, grouped, spaced)}
    if not unit:  # a full-width comma groups digits only in a cell of the number alone
        numbers.add(linter.values.read(grouped.replace(",", "，")).amount.number)
    assert numbers == {Decimal(plain)}


# ==================================================================== dates
def timed(value: str, title_year: int = 2024) -> str:
    """A table of one 时效 indicator, its value on line 4."""
    return (
        f"# {title_year}年项目支出绩效目标表\n| 项目名称 | 示例项目 |\n| 一级指标 | 二级指标 | 三级指标 | 绩效值 |\n"
        f"| 1-产出指标 | 13-时效指标 | 完成时间 | {value} |\n"
    )


@pytest.mark.parametrize("written", ["2025-06-30", "2025.6.30前", "2025/06/30前", "2025-01-01至2025-12-31"])
def test_a_deadline_written_with_signs_outside_the_year_is_reported(linter, written):
    (finding,) = findings_of(linter, timed(written), "BL301")
    assert finding.span.line == 4 and finding.actual.startswith("2025年")
    assert findings_of(linter, timed(written.replace("2025", "2024")), "BL301") == []
    assert findings_of(linter, timed(written), "BL302") == []  # read, not unreadable


@pytest.mark.parametrize("written", ["年底前", "上半年完成", "年内", "2024年第四季度", "12月底", "年底前完成"])
def test_a_deadline_in_words_is_readable(linter, written):
    assert findings_of(linter, timed(written), "BL302") == []
    assert findings_of(linter, timed("尽快"), "BL302") != []


@pytest.mark.parametrize("written", ["2024年11月31日前", "2月30日", "2023-02-29", "2024/4/31", "2024年13月"])
def test_a_date_that_does_not_exist_is_reported(linter, written):
    (finding,) = findings_of(linter, timed(written), "BL304")
    assert finding.span.line == 4
    assert findings_of(linter, timed("2024-02-29"), "BL304") == []  # 2024 is a leap year


def _forms(day: date) -> list[str]:
    y, m, d = day.year, day.month, day.day
    return [
        f"{y}年{m}月{d}日",
        f"{y}年{m:02}月{d:02}日前",
        f"{y}-{m:02}-{d:02}",
        f"{y}-{m}-{d}之前",
        f"{y}.{m}.{d}",
        f"{y}/{m:02}/{d:02}以前",
    ]


@PROPERTY
@given(st.dates(date(2000, 1, 1), date(2099, 12, 31)))
def test_a_date_reads_as_the_same_date_in_every_form(linter, day):
    for form in _forms(day):
        (point,) = linter.values.read(form).dates
        assert (point.year, point.month, point.day) == (day.year, day.month, day.day), form


@PROPERTY
@given(st.dates(date(2000, 1, 1), date(2099, 12, 31)), st.integers(1, 3))
def test_a_day_past_the_end_of_its_month_is_reported(linter, day, beyond):
    last = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)  # its month's last day
    if last.day + beyond > 31 and beyond > 1:
        return
    written = f"{day.year}年{day.month}月{last.day + beyond}日前"
    assert [f.span.line for f in findings_of(linter, timed(written, day.year), "BL304")] == [4], written


# ==================================================================== units stated outside the value
def table_in(header: str, funding: str, rows: str) -> str:
    """`header` lines, then a table whose funding rows are `funding` (项目名称 on the line after the header)."""
    return (
        f"{header}\n| 项目名称 | 示例项目 |\n| 项目属性 | 02-经常性项目 | 项目期 | 99年 |\n{funding}"
        "| 年度总体绩效目标 | 完成工作。 |\n| 一级指标 | 二级指标 | 三级指标 | 绩效值 |\n" + rows
    )


FUNDING_360K = (
    "| 项目总额 | 360,000.00 | 年度资金总额 | 360,000.00 |\n| 本级资金 | 360,000.00 | 转移市县（区）资金 | 0 |\n"
)
TRAINING = "| 1-产出指标 | 11-数量指标 | 举办培训 | 2 期 |\n| | 14-成本指标 | 举办培训 | 180,000.00元/期 |\n"


@pytest.mark.parametrize(
    "header", ["（单位：元）", "金额单位：元", "# 2024年项目支出绩效目标表    单位：元", "说明：本表单位：元。"]
)
def test_a_unit_line_above_a_table_is_its_money_unit(zh, header):
    text = table_in(header, FUNDING_360K, TRAINING)
    assert [f.code for f in findings_of(zh, text) if f.code.startswith(("BL1", "BL2", "BL004"))] == []
    (project,) = zh.parse(text).projects
    assert project.money_unit_text == "元"


def test_a_unit_line_applies_until_the_next_one(zh):
    second = table_in(
        "单位：万元", "| 项目总额 | 36 | 年度资金总额 | 36 |\n| 本级资金 | 36 | 转移市县（区）资金 | 0 |\n", ""
    )
    projects = zh.parse(table_in("单位：元", FUNDING_360K, TRAINING) + "\n" + second).projects
    assert [p.money_unit_text for p in projects] == ["元", "万元"]
    assert [p.amount("annual") for p in projects] == [Decimal("360000.00"), Decimal("360000")]


def test_the_unit_in_a_header_label_is_the_unit_of_its_value(zh):
    funding = (
        "| 项目总额（万元） | 36 | 年度资金总额（万元） | 36 |\n| 本级资金（万元） | 36 | 转移市县（区）资金 | 0 |\n"
    )
    text = table_in("单位：元", funding, TRAINING)
    assert [f.code for f in findings_of(zh, text) if f.code.startswith(("BL0", "BL1", "BL2"))] == []
    (project,) = zh.parse(text).projects
    assert project.amount("annual") == Decimal("360000")


def test_a_heading_row_that_states_the_unit_sets_it_for_the_fields_below(zh):
    funding = (
        "| 资金情况（万元） |\n| 项目总额 | 36 | 年度资金总额 | 36 |\n| 本级资金 | 36 | 转移市县（区）资金 | 0 |\n"
    )
    text = table_in("单位：元", funding, TRAINING)
    assert [f.code for f in findings_of(zh, text) if f.code.startswith(("BL0", "BL1", "BL2"))] == []
    (project,) = zh.parse(text).projects
    assert (project.money_unit_text, project.amount("annual")) == ("万元", Decimal("360000"))


def test_the_unit_in_an_indicator_name_is_the_unit_of_its_bare_number(linter):
    rows = (
        "| 1-产出指标 | 11-数量指标 | 新造林（亩） | 1200 |\n"
        "| | 12-质量指标 | 苗木成活率（%） | 85 |\n"
        "| | 14-成本指标 | 新造林（元/亩） | 300 |\n"
    )
    text = table_in("单位：元", FUNDING_360K, rows)
    assert [f.code for f in findings_of(linter, text) if f.code in ("BL201", "BL202", "BL503", "BL501")] == []
    indicators = linter.parse(text).projects[0].indicators
    amounts = [indicator.value.amount for indicator in indicators]
    assert [(a.number, a.unit_text, a.per_text, a.percent) for a in amounts] == [
        (Decimal(1200), "亩", "", False),
        (Decimal(85), "", "", True),
        (Decimal(300), "元", "亩", False),
    ]
    # a cost of the wrong total is reported against the rate the name states: 300 元/亩 × 1200 亩
    (finding,) = findings_of(linter, table_in("单位：元", FUNDING_360K.replace("360,000", "350,000"), rows), "BL201")
    assert (finding.expected, finding.actual) == ("350000", "360000")


def test_the_narrative_reads_amounts_with_separators_whole(linter):
    funding = "| 项目总额 | 1,250,000.00 | 年度资金总额 | 1,250,000.00 |\n"
    text = table_in("单位：元", funding, "").replace("完成工作。", "本项目年度资金1,250,000.00元，共补助2,500人。")
    assert findings_of(linter, text, "BL702") == []
    (finding,) = findings_of(linter, text.replace("资金1,250,000.00元", "资金1,200,000.00元"), "BL702")
    assert (finding.expected, finding.actual) == ("1250000 元", "1,200,000.00元")


# ==================================================================== rates per time, breakdowns
@pytest.mark.parametrize(
    "written, per, per_time",
    [("500元/人·月", "人", "月"), ("500元/人/月", "人", "月"), ("2万元/公里·年", "公里", "年")],
)
def test_a_rate_per_time_keeps_both_its_denominators(linter, written, per, per_time):
    amount = linter.values.read(written).amount
    assert (amount.per_text, amount.per_time.name if amount.per_time else None) == (per, per_time)


SUBSIDY = "| 1-产出指标 | 11-数量指标 | 公益岗位补贴 | 10人 |\n"


@pytest.mark.parametrize(
    "duration, rows, period",
    [
        ("a quantity in months", "| | | 补贴月数 | 6个月 |\n", "99年"),
        ("a period of a time indicator", "| | 13-时效指标 | 补贴发放期 | 2024年1-6月 |\n", "99年"),
        ("项目期 within the year", "", "6个月"),
    ],
)
def test_a_rate_per_person_month_is_multiplied_by_the_months_the_table_states(zh, duration, rows, period):
    # 500 元/人·月 × 10 人 × 6 月 = 30000 元 = 3 万元
    text = (
        f"| 项目名称 | 示例项目 |\n| 项目属性 | 02-经常性项目 | 项目期 | {period} |\n"
        "| 项目总额 | 3 | 年度资金总额 | 3 |\n| 一级指标 | 二级指标 | 三级指标 | 绩效值 |\n"
        + SUBSIDY
        + rows
        + "| | 14-成本指标 | 公益岗位补贴 | 500元/人·月 |\n"
    )
    assert [f.code for f in findings_of(zh, text) if f.code.startswith("BL2")] == [], duration
    (finding,) = findings_of(zh, text.replace("| 3 |", "| 4 |"), "BL201")
    assert (finding.expected, finding.actual) == ("4", "3")
    assert any("500元/人·月 × 10人 × " in row.label for row in finding.related)  # which duration it used


def test_a_rate_per_time_with_no_duration_is_reported(zh):
    text = (
        "| 项目名称 | 示例项目 |\n| 项目属性 | 02-经常性项目 | 项目期 | 99年 |\n"
        "| 项目总额 | 3 | 年度资金总额 | 3 |\n| 一级指标 | 二级指标 | 三级指标 | 绩效值 |\n"
        + SUBSIDY
        + "| | 14-成本指标 | 公益岗位补贴 | 500元/人·月 |\n"
    )
    (finding,) = findings_of(zh, text, "BL207")
    assert (finding.span.line, finding.actual) == (6, "500元/人·月")
    assert findings_of(zh, text, "BL202") == [] and findings_of(zh, text, "BL201") == []


def test_an_amount_broken_down_in_its_cell_is_the_amount_and_its_parts(zh):
    cell = "1080万元（提质改造1008万元，错车道72万元）"
    text = f"| 项目名称 | 示例项目 |\n| 项目总额 | {cell} | 年度资金总额 | 1080 |\n"
    assert [f.code for f in findings_of(zh, text) if f.code in ("BL004", "BL104", "BL108")] == []
    field = zh.parse(text).projects[0].fields["total"]
    assert field.amount == Decimal("10800000")
    assert [(part.label, part.amount) for part in field.parts] == [("提质改造", 10080000), ("错车道", 720000)]
    (finding,) = findings_of(zh, text.replace("72万元", "62万元"), "BL108")
    assert (finding.span.line, finding.expected, finding.actual) == (2, "1080", "1070")


def test_an_indicator_value_whose_digits_are_grouped_otherwise_is_reported_not_read_in_part(linter):
    rows = "| 1-产出指标 | 11-数量指标 | 培训学员 | 1,2345人 |\n"
    text = table_in("单位：元", FUNDING_360K, rows)
    (finding,) = findings_of(linter, text, "BL004")
    assert (finding.span.line, finding.actual) == (8, "1,2345人") and "1、2345" in finding.message
    assert linter.parse(text).projects[0].indicators[0].value.amounts == ()  # neither 1 nor 2345 is taken
    assert findings_of(linter, text.replace("1,2345人", "12,345人"), "BL004") == []
    assert findings_of(linter, text.replace("1,2345人", "100，200人"), "BL004") == []  # a list, by its comma
