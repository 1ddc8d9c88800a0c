"""The value language (grammar/value.lark + the unit vocabulary): one target value at a time."""

from __future__ import annotations

from decimal import Decimal

import pytest


@pytest.fixture(scope="module")
def read(linter):
    return linter.values.read


@pytest.mark.parametrize(
    "text, comparator, number, unit, per",
    [
        ("≥5 项", "≥", "5", "项", None),
        ("14.775万元/期", None, "14.775", "万元", "期"),
        ("2 元/人次", None, "2", "元", "人次"),
        ("82900 元/人", None, "82900", "元", "人"),
        ("达 90%以上", "≥", "90", None, None),
        ("不少于 10 项", "≥", "10", "项", None),
        ("不高于平均0.104万元/场次", "≤", "0.104", "万元", "场"),
        ("＞80%", ">", "80", None, None),
        (">=99%", "≥", "99", None, None),
        ("10件设备设施", None, "10", "件", None),
        ("≥1000 分钟", "≥", "1000", "分钟", None),
        ("１２３ 个", None, "123", "个", None),
    ],
)
def test_amounts(read, text, comparator, number, unit, per):
    amount = read(text).amount
    assert amount is not None
    assert amount.comparator == comparator
    assert amount.number == Decimal(number)
    assert (amount.unit.name if amount.unit else None) == unit
    assert (amount.per.name if amount.per else None) == per


def test_chinese_magnitude_and_approximation(read):
    amount = read("20.5 万余师生").amount
    assert amount.number == Decimal("205000")
    assert amount.approximate and amount.magnitude_text == "万" and amount.noun == "师生"
    assert amount.unit is None


def test_money_is_converted_exactly(read, linter):
    assert read("6.57 万元").amount.in_yuan() == Decimal("65700")
    assert read("75353.6 元/件").amount.in_yuan() == Decimal("75353.6")
    assert read("1.2 亿元").amount.in_yuan() == Decimal("120000000")
    wan = linter.units.get("万元")
    assert read("123.57").amount.in_yuan(wan) == Decimal("1235700")
    assert isinstance(read("0.1 万元").amount.in_yuan(), Decimal)


def test_bare_wan_is_money_but_flagged(read):
    amount = read("40 万").amount
    assert amount.bare_wan and amount.unit is None
    assert amount.in_yuan() == Decimal("400000")
    assert read("828万/次").amount.bare_wan


def test_percent_and_precision(read):
    amount = read("≥85.50%").amount
    assert amount.percent and amount.decimals == 2


@pytest.mark.parametrize(
    "text, year, month, day, suffix",
    [
        ("2024年12月30日前", 2024, 12, 30, "before"),
        ("2024 年 6 月 30 日前", 2024, 6, 30, "before"),
        ("2024年底", 2024, None, None, "end"),
        ("2024年12月底完成", 2024, 12, None, "end"),
        ("2024 年", 2024, None, None, ""),
    ],
)
def test_dates(read, text, year, month, day, suffix):
    value = read(text)
    assert value.kind == "date"
    point = value.dates[0]
    assert (point.year, point.month, point.day, point.suffix) == (year, month, day, suffix)


@pytest.mark.parametrize(
    "text, first, last",
    [
        ("2024年1月-2024年12月", (2024, 1), (2024, 12)),
        ("2024 年 1-12 月", (2024, 1), (2024, 12)),
        ("2024年1月-12月", (2024, 1), (2024, 12)),
        ("1-12月", (None, 1), (None, 12)),
        ("1-8 月", (None, 1), (None, 8)),
    ],
)
def test_periods(read, text, first, last):
    value = read(text)
    assert value.kind == "period"
    period = value.periods[0]
    assert (period.first.year, period.first.month) == first
    assert (period.last.year, period.last.month) == last


def test_durations_are_amounts_in_time_units(read):
    amount = read("99 年").amount
    assert amount.number == 99 and amount.unit.is_time


def test_mixed_text_and_several_amounts(read):
    value = read("推荐我区参赛企业 15 家，宣传推介企业科技创新成果 15 项")
    assert value.kind == "mixed"
    assert [a.unit.name for a in value.amounts] == ["家", "项"]
    value = read("1-12月,全年运行不少于120天")
    assert value.periods and value.amounts[0].comparator == "≥"


@pytest.mark.parametrize("text", ["0", "无", "—"])
def test_not_applicable(read, text):
    assert read(text).kind == "na"


@pytest.mark.parametrize("text", ["明显提升", "效果显著,逐年提升", "合格"])
def test_qualitative_text(read, text):
    value = read(text)
    assert value.kind == "text" and not value.amounts


def test_ascii_unit_unknown_to_our_definitions_is_asked_of_pint(read):
    amount = read("10 kg").amount
    assert amount.unit is not None and amount.unit.dimension == "[mass]"


def test_every_string_reads(read):
    for text in ["", "|||", "≥", "≥≥5", "5/", "/5", "年月日", "2024年13月40日", "-", "9" * 400, "达", "以上"]:
        read(text)  # total grammar: never raises


def test_stored_facts_agree_with_the_value(linter):
    """is_empty, is_rate, is_money and bare_wan (and a unit's is_money, is_time, is_ratio) are stored when
    a value is read or a unit made (they were properties):
    for every cell of the seed and the examples, and for blank and odd texts, they say what the value does."""
    from pathlib import Path

    from budgetlint.valueread import ValueReader

    root = Path(__file__).resolve().parent.parent
    files = [
        root.parent / "shared" / "seeds" / "ningxia-kexie-2024-performance-targets.txt",
        *root.glob("examples/*.md"),
    ]
    texts = {
        cell.strip()
        for path in files
        if path.exists()
        for line in path.read_text(encoding="utf-8").splitlines()
        for cell in line.split("|")
    }
    texts |= {"", " ", "\u3000", "\t", " \u3000 ", "—", "－", "无", "40 万", "828万/次", "2 元/人次", "5 万元", "10 kg"}
    read = ValueReader(linter.vocabulary, linter.units).read  # a fresh cache: every text read here
    amounts = 0
    for text in texts:
        value = read(text)
        assert value.is_empty == (not value.raw.strip()), text
        for a in value.amounts:
            amounts += 1
            assert a.is_rate == bool(a.per_text), text
            assert a.is_money == (a.unit is not None and a.unit.is_money), text
            assert a.bare_wan == (a.magnitude_text == "万" and a.unit is None and not a.noun), text
            for unit in (a.unit, a.per):
                if unit is not None:
                    assert (unit.is_money, unit.is_time, unit.is_ratio) == (
                        unit.dimension == "[currency]",
                        unit.dimension == "[time]",
                        unit.dimension == "",
                    ), text
    assert amounts > 200  # the seed alone has hundreds of amounts
    assert read("828万/次").amount.bare_wan and read("5 万元").amount.is_money and read("2 元/人次").amount.is_rate


def test_conflicting_prefix_and_suffix_comparators_get_no_safe_fix(linter):
    from conftest import findings_of

    (finding,) = findings_of(
        linter,
        """
        | 项目名称 | 示例项目 |
        | 一级指标 | 二级指标 | 三级指标 | 绩效值 |
        | 3-满意度指标 | 31-服务对象满意度 | 满意度 | 达90%以内 |
    """,
        "BL802",
    )
    assert finding.fix is not None and not finding.fix.safe
    (agreeing,) = findings_of(
        linter,
        """
        | 项目名称 | 示例项目 |
        | 一级指标 | 二级指标 | 三级指标 | 绩效值 |
        | 3-满意度指标 | 31-服务对象满意度 | 满意度 | 达90%以上 |
    """,
        "BL802",
    )
    assert agreeing.fix.safe and agreeing.expected == "≥90%"


def test_value_normalisation_skips_exactly_the_texts_it_would_not_change():
    """normalize_value and halfwidth translate only when their pattern finds a character to map: each
    pattern's class must be exactly its table's keys, and the value table the old two translations
    (signs, then widths)."""
    from budgetlint.text import _FULLWIDTH, _FULLWIDTH_MAPPED, _VALUE_EXTRA, _VALUE_MAPPED, _VALUE_TABLE, halfwidth

    every = "".join(chr(code) for code in range(0x110000) if not 0xD800 <= code < 0xE000)
    assert {ord(match.group()) for match in _VALUE_MAPPED.finditer(every)} == set(_VALUE_TABLE)
    assert {ord(match.group()) for match in _FULLWIDTH_MAPPED.finditer(every)} == set(_FULLWIDTH)
    assert every.translate(_VALUE_TABLE) == halfwidth(every.translate(_VALUE_EXTRA))


# ---------------------------------------------------------------- ranges
@pytest.mark.parametrize(
    "text, comparator, low, high, unit, percent",
    [
        ("3-5个", None, "3", "5", "个", False),
        ("3~5个", None, "3", "5", "个", False),
        ("3至5个", None, "3", "5", "个", False),
        ("3 - 5 个", None, "3", "5", "个", False),
        ("≥3-5场", "≥", "3", "5", "场", False),
        ("2-3万元", None, "2", "3", "万元", False),
        ("1.5-2.5万元/期", None, "1.5", "2.5", "万元", False),
        ("90-95%", None, "90", "95", None, True),
        ("90%-95%", None, "90", "95", None, True),
        ("90%-95", None, "90", "95", None, True),
        ("９０％～９５％", None, "90", "95", None, True),
        ("1-3个月", None, "1", "3", "月", False),
    ],
)
def test_a_range_is_one_amount(read, text, comparator, low, high, unit, percent):
    value = read(text)
    assert value.kind == "amount" and len(value.amounts) == 1
    amount = value.amount
    assert (amount.comparator, amount.number, amount.high) == (comparator, Decimal(low), Decimal(high))
    assert (amount.unit.name if amount.unit else None, amount.percent) == (unit, percent)
    assert (amount.start, amount.end) == (0, len(text))
    assert amount.written == low  # written and decimals are those of the low end, `number`
    assert amount.decimals == (len(low) - low.index(".") - 1 if "." in low else 0)


def test_a_range_takes_the_magnitude_on_both_ends(read):
    amount = read("2-3万人").amount
    assert (amount.number, amount.high, amount.magnitude_text, amount.unit.name) == (20000, 30000, "万", "人")
    money = read("2-3万元").amount  # 万元 is the unit: the number stays in it
    assert (money.number, money.high, money.in_yuan()) == (2, 3, Decimal("20000"))


def test_one_number_has_no_high_end(read):
    assert read("≥5 项").amount.high is None


@pytest.mark.parametrize("text", ["1-12月", "2024年1-12月", "2024年1月-12月", "3-5月"])
def test_a_dash_before_a_month_is_still_a_period(read, text):
    value = read(text)
    assert value.kind == "period" and not value.amounts


@pytest.mark.parametrize(
    "text",
    [
        # a date written with signs and blanks: no form of a date, and never numbers
        "2024 - 12 - 31",
        "12/31",
        "2024-12",  # not a range: its high end is below its low end
        "1.2.3",
        "3-5-7个",
        "2021-2035",  # a span of years
        "2024-2025年",
        "02-经常性项目",  # a code written against its name
        "1-产出指标",
    ],
)
def test_digits_joined_by_signs_are_not_taken_apart_into_numbers(read, text):
    value = read(text)
    assert (value.kind, value.amounts, value.dates, value.periods) == ("text", (), (), ())


def test_the_high_end_is_part_of_the_data_and_the_signature(read):
    from budgetlint.model import value_data, value_signature

    (data,) = value_data(read("≥3-5场"))["amounts"]
    assert (data["number"], data["high"]) == ("3", "5")
    assert "high" not in value_data(read("≥3场"))["amounts"][0]
    assert value_signature(read("3-5场")) != value_signature(read("3-6场"))
    assert value_signature(read("3-5场")) == value_signature(read("3 ~ 5 场"))


NARRATIVE = """
    | 项目名称 | 示例项目 |
    | 年度总体绩效目标 | 举办培训 {count}，培训费用 {money}。 |
    | 一级指标 | 二级指标 | 三级指标 | 绩效值 |
    | 1-产出指标 | 11-数量指标 | 举办培训 | 2-3 期 |
    | | 14-成本指标 | 培训费用 | 2-3万元 |
"""


@pytest.mark.parametrize(
    "count, money, codes",
    [
        ("2 期", "2 万元", []),
        ("3 期", "2.5 万元", []),  # within the indicator's range: no contradiction
        ("4 期", "3 万元", ["BL701"]),
        ("2 期", "3.5 万元", ["BL702"]),
        ("1 期", "1 万元", ["BL701", "BL702"]),
    ],
)
def test_the_narrative_agrees_with_a_range_it_falls_within(linter, count, money, codes):
    from conftest import findings_of

    found = findings_of(linter, NARRATIVE.format(count=count, money=money))
    assert sorted(f.code for f in found if f.code in ("BL701", "BL702")) == codes
