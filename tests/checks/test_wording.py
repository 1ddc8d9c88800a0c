"""Wording (BL8xx): vague targets where a number is expected, and comparators spelled other than
≥ ≤ > < =, whose fix is safe only when the rewritten value reads the same.

The indicator row under test is line 3 of every table here; its value starts at column 30
(质量 rows: 1-产出指标 | 12-质量指标 | 培训合格率 | …).
"""

from __future__ import annotations

import pytest
from conftest import findings_of
from conftest import indicator_rows as rows

from budgetlint.config import Config
from budgetlint.engine import Linter
from budgetlint.fixes import apply_fixes


def quality(value: str) -> str:
    return rows(f"| 1-产出指标 | 12-质量指标 | 培训合格率 | {value} |")


# ---------------------------------------------------------------- BL801


STRICT = Linter(Config(extend_select=("BL803",)), lang="en")  # BL803 is off unless selected by its code


def test_a_vague_quality_is_reported_and_a_measured_one_is_not(linter):
    (finding,) = findings_of(linter, quality("明显提升"), "BL801")
    assert (finding.span.line, finding.span.column, finding.severity) == (3, 30, "info")
    assert finding.message == (
        "the target of '培训合格率' is the vague '明显提升': expected a measurable value (e.g. ≥90%), found '明显提升'"
    )
    for measured in ("较上年提升5%", "≥90%", "2024年底前明显提升"):  # a number or a date is measurable
        assert findings_of(linter, quality(measured), "BL801") == []


def test_a_qualitative_benefit_is_bl803_and_off_by_default(linter):
    benefit = rows("| 2-效益指标 | 22-社会效益 | 公众科学素质 | 持续提升 |")
    assert findings_of(linter, benefit, "BL801") == findings_of(linter, benefit, "BL803") == []  # allowed by 财政部
    (finding,) = findings_of(STRICT, benefit, "BL803")
    assert (finding.span.line, finding.span.column, finding.severity) == (3, 31, "info")
    assert finding.message == (
        "the benefit '公众科学素质' is described qualitatively as '持续提升': expected a measurable value "
        "(e.g. ≥15%), found '持续提升'"
    )
    assert findings_of(STRICT, rows("| 2-效益指标 | 22-社会效益 | 公众科学素质达标率 | ≥15% |"), "BL803") == []
    prefix = Linter(Config(extend_select=("BL8",)), lang="en")  # a prefix selects only the rules on by default
    assert findings_of(prefix, benefit, "BL803") == []


def test_vague_words_are_judged_only_in_the_groups_that_should_be_quantified(zh):
    table = rows(
        "| 1-产出指标 | 11-数量指标 | 科普宣传 | 明显提升 |",
        "| 2-效益指标 | 24-可持续影响 | 长效机制 | 明显提升 |",
        "| 3-满意度指标 | 31-服务对象满意度 | 群众满意度 | 明显提升 |",
    )
    assert [(f.span.line, f.actual) for f in findings_of(zh, table, "BL801")] == [(3, "明显提升")]
    assert [(f.span.line, f.actual) for f in findings_of(STRICT, table, "BL803")] == [(4, "明显提升")]


@pytest.mark.parametrize(
    ("groups", "value", "word"),
    [
        ("1-产出指标 | 11-数量指标", "若干次", "若干"),
        ("1-产出指标 | 11-数量指标", "一批", "一批"),
        ("1-产出指标 | 12-质量指标", "多次", "多次"),
        ("1-产出指标 | 13-时效指标", "适量", "适量"),
        ("1-产出指标 | 14-成本指标", "若干", "若干"),
    ],
)
def test_a_vague_quantity_is_vague_where_an_output_is_counted(linter, groups, value, word):
    (finding,) = findings_of(linter, rows(f"| {groups} | 举办培训 | {value} |"), "BL801")
    assert (finding.span.line, finding.span.column, finding.actual) == (3, 29, value)  # 举办培训: column 29
    assert finding.expected == "a measurable target (≥90%, ≥5 项)"
    assert finding.message == (
        f"the target of '举办培训' is the vague '{word}': expected a measurable value (e.g. ≥90%), found '{value}'"
    )


def test_a_counted_output_is_silent_and_benefit_rows_are_bl803s(zh):
    table = rows(
        "| 1-产出指标 | 11-数量指标 | 举办培训 | 10次 |",
        "| 1-产出指标 | 11-数量指标 | 采购设备 | ≥5 项 |",
        "| 1-产出指标 | 12-质量指标 | 验收次数 | 多于 3 次 |",
        "| 2-效益指标 | 22-社会效益 | 受益群众 | 若干 |",
        "| 2-效益指标 | 22-社会效益 | 公众科学素质 | 明显提升 |",
    )
    assert findings_of(zh, table, "BL801") == []
    assert [(f.span.line, f.actual) for f in findings_of(STRICT, table, "BL803")] == [(6, "若干"), (7, "明显提升")]


def test_the_vague_quantities_are_the_rules_data_and_a_configuration_replaces_them():
    own = Linter(Config(params=(("BL801", (("quantities", ["几批"]),)),)), lang="en")
    table = rows("| 1-产出指标 | 11-数量指标 | 采购设备 | 几批 |", "| 1-产出指标 | 11-数量指标 | 举办培训 | 若干次 |")
    assert [(f.span.line, f.actual) for f in findings_of(own, table, "BL801")] == [(3, "几批")]


# ---------------------------------------------------------------- BL802


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        (">=90%", "≥90%"),
        ("≧90%", "≥90%"),
        ("达90%以上", "≥90%"),
        ("90%及以上", "≥90%"),
        ("大于等于90%", "≥90%"),
        ("大于90%", ">90%"),
        ("<=5%", "≤5%"),
        ("5%以内", "≤5%"),
    ],
)
def test_a_comparator_spelled_otherwise_gets_a_safe_fix_to_its_sign(zh, written, canonical):
    (finding,) = findings_of(zh, quality(written), "BL802")
    assert (finding.span.line, finding.span.column, finding.span.end_column) == (3, 30, 30 + len(written))
    assert (finding.expected, finding.actual) == (canonical, written)
    assert finding.fix.safe is True
    assert [edit.text for edit in finding.fix.edits] == [canonical]
    assert findings_of(zh, quality(canonical), "BL802") == []


@pytest.mark.parametrize("accepted", ["≥90%", "不少于90%", "不低于90%", "不超过5%", "≤5%"])
def test_the_accepted_spellings_are_silent(zh, accepted):
    assert findings_of(zh, quality(accepted), "BL802") == []


def test_two_comparators_that_disagree_leave_the_choice_to_a_person(linter):
    (finding,) = findings_of(linter, quality("达90%以内"), "BL802")  # 达 says ≥, 以内 says ≤
    assert (finding.expected, finding.actual) == ("≥90%", "达90%以内")
    assert finding.fix.safe is False
    assert finding.message == "comparator '达' is not standard: expected '≥90%', found '达90%以内'"


def test_the_fix_keeps_the_unit_and_the_words_around_the_amount(zh):
    (visits,) = findings_of(zh, quality("100人次以上"), "BL802")
    assert (visits.expected, visits.fix.safe) == ("≥100人次", True)
    towns = rows("| 2-效益指标 | 22-社会效益 | 科普覆盖 | 覆盖5个以上乡镇 |")
    (finding,) = findings_of(zh, towns, "BL802")
    assert (finding.span.column, finding.actual, finding.expected) == (31, "5个以上乡镇", "≥5个乡镇")
    fixed = apply_fixes(towns, [finding]).text
    assert "| 科普覆盖 | 覆盖≥5个乡镇 |" in fixed
    assert findings_of(zh, fixed, "BL802") == []


def test_only_the_amount_spelled_otherwise_in_a_cell_of_two_is_reported(zh):
    (finding,) = findings_of(zh, quality("≥90%，投诉率<=5%"), "BL802")
    assert (finding.span.column, finding.span.end_column, finding.actual) == (
        38,
        42,
        "<=5%",
    )  # 8 characters into the cell
    assert findings_of(zh, quality("≥90%，投诉率≤5%"), "BL802") == []


def test_fixing_every_comparator_of_a_table_leaves_it_silent(zh):
    table = rows(
        "| 1-产出指标 | 12-质量指标 | 培训合格率 | >=90% |",
        "| | | 设备故障率 | 5%以下 |",
        "| 3-满意度指标 | 31-服务对象满意度 | 参训人员满意度 | 达85%以上 |",
    )
    found = findings_of(zh, table, "BL802")
    assert [(f.span.line, f.expected) for f in found] == [(3, "≥90%"), (4, "≤5%"), (5, "≥85%")]
    fixed = apply_fixes(table, found).text
    assert fixed.splitlines()[2:] == [
        "| 1-产出指标 | 12-质量指标 | 培训合格率 | ≥90% |",
        "| | | 设备故障率 | ≤5% |",
        "| 3-满意度指标 | 31-服务对象满意度 | 参训人员满意度 | ≥85% |",
    ]
    assert [f.code for f in findings_of(zh, fixed) if f.code.startswith("BL8")] == []
