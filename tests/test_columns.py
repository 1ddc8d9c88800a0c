"""Indicator blocks read by their heading row: each column for what its heading names.

A block whose heading has only level, name and value columns, the value last, is read by content
(tests/test_reader_seed.py); these are the others — 中期 beside 年度, 备注 beside the value, the
四川 split of 指标性质 | 指标值 | 度量单位, weights, a leading 绩效指标 column — and the rows that do
not fit their heading.
"""

from __future__ import annotations

from decimal import Decimal

from conftest import findings_of, table
from hypothesis import given
from hypothesis import strategies as st

HEAD = """
| 项目名称 | 就业培训项目 |
| 项目属性 | 01-一年期项目 | 项目期 | 1年 |
| 项目总额 | 100 | 年度资金总额 | 100 |
| 本级资金 | 100 | 转移市县（区）资金 | 0 |
| 年度总体绩效目标 | 培训城乡劳动者600人。 |
"""


def read(linter, body: str):
    document = linter.parse(table(HEAD + body), "t.md")
    (project,) = document.projects
    return project


def amount(indicator):
    (found,) = indicator.value.amounts
    return found.comparator, found.number, found.unit.name if found.unit else None, found.percent


def test_annual_and_long_term_columns_keep_apart(linter):
    body = """
    | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 中长期指标值 |
    | 产出指标 | 数量指标 | 培训人数 | ≥600人 | ≥1800人 |
    | | 时效指标 | 完成时间 | 2024年12月31日前 | 2026年12月31日前 |
    """
    project = read(linter, body)
    trained, deadline = project.indicators
    assert trained.value.raw == "≥600人" and trained.midterm is not None and trained.midterm.raw == "≥1800人"
    assert dict(trained.columns)["value"] == "年度指标值" and dict(trained.columns)["midterm"] == "中长期指标值"
    assert deadline.value.dates[0].year == 2024 and deadline.midterm.dates[0].year == 2026
    assert trained.midterm_span.line == 8 and trained.value_span.line == 8
    # the long-term deadline is not this year's: no BL301 for it
    assert findings_of(linter, HEAD + body, "BL301") == []


def test_long_term_column_first_is_not_the_value(linter):
    body = """
    | 一级指标 | 二级指标 | 三级指标 | 中期指标值 | 年度指标值 |
    | 产出指标 | 数量指标 | 培训人数 | ≥1800人 | ≥600人 |
    """
    (trained,) = read(linter, body).indicators
    assert trained.value.raw == "≥600人" and trained.midterm.raw == "≥1800人"


def test_a_remark_is_never_the_value(linter):
    body = """
    | 一级指标 | 二级指标 | 三级指标 | 指标值 | 备注 |
    | 产出指标 | 数量指标 | 培训人数 | 600人 | 含农村劳动力和城镇失业人员 |
    | | 质量指标 | 培训合格率 | ≥90% | |
    """
    trained, rate = read(linter, body).indicators
    assert trained.value.raw == "600人" and trained.note == "含农村劳动力和城镇失业人员"
    assert trained.name == "培训人数" and rate.value.raw == "≥90%" and rate.note == ""


def test_split_comparator_value_and_unit_columns(linter):
    body = """
    | 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 |
    | 产出指标 | 数量指标（必填） | 培训人数 | ≥ | 600 | 人 |
    | | 质量指标 | 培训合格率 | ≥ | 90 | % |
    | | 时效指标 | 完成时间 | ≤ | 2024年12月31日 | |
    | | 数量指标 | 受益人次 | 正向 | 1.2 | 万人次 |
    | | 质量指标 | 投诉率 | 反向 | 5 | ‰ |
    | | 质量指标 | 验收结论 | 定性 | 合格 | |
    """
    project = read(linter, body)
    trained, rate, deadline, visits, complaints, verdict = project.indicators
    assert trained.kind == "quantity"  # 数量指标（必填）: the note after the group name is not its name
    assert trained.name == "培训人数" and trained.value.raw == "600"
    assert amount(trained) == ("≥", Decimal(600), "人", False)
    assert amount(rate) == ("≥", Decimal(90), None, True)
    assert deadline.value.dates[0].suffix == "by" and deadline.value.dates[0].year == 2024
    assert amount(visits) == ("≥", Decimal("12000.0"), "人次", False)
    assert amount(complaints) == ("≤", Decimal("0.5"), None, True)
    assert verdict.value.raw == "合格" and verdict.value.amounts == ()
    assert dict(trained.columns) == {
        "level1": "一级指标",
        "level2": "二级指标",
        "name": "三级指标",
        "comparator": "指标性质",
        "value": "指标值",
        "unit": "度量单位",
    }


def test_a_comparator_the_value_writes_itself_is_kept(linter):
    body = """
    | 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 |
    | 产出指标 | 数量指标 | 培训人数 | ≥ | ≤600 | 人 |
    """
    (trained,) = read(linter, body).indicators
    assert amount(trained)[0] == "≤"


def test_leading_column_weights_and_levels_on_every_row(linter):
    body = """
    | 绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值 | 权重 |
    | 绩效指标 | 产出指标 | 数量指标 | 培训人数 | ≥600人 | 20 |
    | | 产出指标 | 质量指标 | 培训合格率 | ≥90% | 20 |
    | | 满意度指标 | 服务对象满意度指标 | 学员满意度 | ≥90% | 10 |
    """
    trained, rate, satisfied = read(linter, body).indicators
    assert [i.level1.kind for i in (trained, rate, satisfied)] == ["output", "output", "satisfaction"]
    assert [i.kind for i in (trained, rate, satisfied)] == ["quantity", "quality", "satisfaction"]
    assert trained.value.raw == "≥600人" and trained.weight.amounts[0].number == 20
    assert "lead" not in dict(trained.columns)


def test_a_heading_row_is_not_swallowed_into_the_goal(linter):
    body = """
    | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 中长期指标值 | 备注 |
    | 产出指标 | 数量指标 | 培训人数 | ≥600人 | ≥1800人 | |
    """
    project = read(linter, body)
    assert project.goal.text == "培训城乡劳动者600人。"
    assert findings_of(linter, HEAD + body, "BL001") == []


def test_a_row_that_does_not_fit_its_heading_is_reported_not_read(linter):
    body = """
    | 一级指标 | 二级指标 | 三级指标 | 指标值 | 备注 |
    | 产出指标 | 数量指标 | 培训人数 | 600人 | 含失业人员 | 另起一列 |
    | | 质量指标 | 培训合格率 | ≥90% | |
    """
    project = read(linter, body)
    assert [i.name for i in project.indicators] == ["培训合格率"]
    (finding,) = findings_of(linter, HEAD + body, "BL007")
    assert (finding.span.line, finding.args["variant"]) == (8, "unheaded")
    assert finding.expected == "5 columns (一级指标 | 二级指标 | 三级指标 | 指标值 | 备注)"
    assert finding.actual == "6 columns"


def test_a_short_row_lacking_only_trailing_notes_fits(linter):
    text = table(HEAD) + "一级指标\t二级指标\t三级指标\t指标值\t备注\n产出指标\t数量指标\t培训人数\t600人\n"
    (project,) = linter.parse(text, "t.txt").projects
    (trained,) = project.indicators
    assert trained.value.raw == "600人" and trained.note == ""


def test_the_plain_heading_is_still_read_by_content(linter):
    body = """
    | 一级指标 | 二级指标 | 三级指标 | 指标值 |
    | 产出指标 | 数量指标 | 培训 | 人数 | 600人 |
    """
    (trained,) = read(linter, body).indicators  # five cells under four headings: a name split in two
    assert trained.name == "培训人数" and trained.value.raw == "600人" and trained.columns == (("value", "指标值"),)


# ---------------------------------------------------------------- property

COLUMNS = {
    "name": ("三级指标", ["培训人数", "培训合格率", "完成时间"]),
    "comparator": ("指标性质", ["≥", "≥", "≤"]),
    "unit": ("度量单位", ["人", "%", ""]),
    "note": ("备注", ["含失业人员", "", "按合同"]),
    "weight": ("权重", ["20", "20", "10"]),
    "midterm": ("中期指标值", ["1800", "95", "2026年12月31日"]),
}
VALUES = ["600", "90", "2024年12月31日"]


@given(st.permutations(sorted(COLUMNS)), st.integers(min_value=0, max_value=len(COLUMNS)))
def test_shuffling_the_other_columns_changes_no_value(linter, order, value_at):
    columns = list(order)
    columns.insert(value_at, "value")
    heading = ["一级指标", "二级指标"] + [COLUMNS[c][0] if c != "value" else "指标值" for c in columns]
    rows = ["| " + " | ".join(heading) + " |"]
    for index, level2 in enumerate(["数量指标", "质量指标", "时效指标"]):
        cells = ["产出指标" if index == 0 else "", level2]
        cells += [COLUMNS[c][1][index] if c != "value" else VALUES[index] for c in columns]
        rows.append("| " + " | ".join(cells) + " |")
    project = read(linter, "\n".join(rows) + "\n")
    got = [
        (
            i.name,
            i.value.raw,
            [(a.comparator, a.number, a.percent, a.unit.name if a.unit else None) for a in i.value.amounts],
            [(d.year, d.suffix) for d in i.value.dates],
            i.midterm.raw,
            i.note,
            i.weight.raw,
        )
        for i in project.indicators
    ]
    assert got == [
        ("培训人数", "600", [("≥", Decimal(600), False, "人")], [], "1800", "含失业人员", "20"),
        ("培训合格率", "90", [("≥", Decimal(90), True, None)], [], "95", "", "20"),
        ("完成时间", "2024年12月31日", [], [(2024, "by")], "2026年12月31日", "按合同", "10"),
    ]


# ---------------------------------------------------------------- the 中期 costs (BL208)

MIDTERM = """
| 项目名称 | 示例项目 |
| 项目总额 | 300 | 年度资金总额 | 100 |
| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 中期指标值 |
| 产出指标 | 数量指标 | 举办培训班 | 4期 | 12期 |
| | 成本指标 | 举办培训班 | 25万元/期 | 25万元/期 |
"""


def test_midterm_costs_add_up_to_the_project_total(linter):
    assert findings_of(linter, MIDTERM, "BL208") == [] and findings_of(linter, MIDTERM, "BL201") == []
    wrong = MIDTERM.replace("| 4期 | 12期 |", "| 4期 | 14期 |")
    (finding,) = findings_of(linter, wrong, "BL208")
    assert (finding.span.line, finding.expected, finding.actual) == (5, "300", "350")
    assert findings_of(linter, wrong, "BL201") == []  # the annual column still balances: 25 × 4 = 100


def test_no_midterm_column_no_midterm_check(linter):
    plain = (
        MIDTERM.replace(" | 中期指标值 |", " |")
        .replace(" | 12期 |", " |")
        .replace(" | 25万元/期 | 25万元/期 |", " | 25万元/期 |")
    )
    assert findings_of(linter, plain.replace("项目总额 | 300", "项目总额 | 999"), "BL208") == []
