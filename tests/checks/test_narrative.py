"""Narrative (BL7xx): 年度总体绩效目标 agrees with the indicators and the money, says things once,
and holds no markup.

The goal is line 3 of every table here (its text starts at column 14); its counts and amounts are
compared only with the indicator or cost row their words name confidently.
"""

from __future__ import annotations

from conftest import findings_of

from budgetlint.fixes import apply_fixes


def goal(text: str, *lines: str, annual: str = "10", total: str = "10", unit: str = "") -> str:
    """单位 (when given) and a blank, then 项目名称, the totals, the goal `text` and the indicator `lines`."""
    head = f"单位：{unit}\n\n" if unit else ""
    rows = ["| 一级指标 | 二级指标 | 三级指标 | 绩效值 |", *lines] if lines else []
    return (
        head
        + f"| 项目名称 | 示例项目 |\n| 项目总额 | {total} | 年度资金总额 | {annual} |\n| 年度总体绩效目标 | {text} |\n"
        + "".join(f"{line}\n" for line in rows)
    )


TEAMS = ("| 1-产出指标 | 11-数量指标 | 培育“三长”科技志愿服务队 | 6个 |", "| | | 培育科普教育基地 | 3个 |")


# ---------------------------------------------------------------- BL701: counts


def test_a_count_that_contradicts_its_indicator_is_reported_at_the_number_in_the_goal(linter):
    text = "培育科普教育基地 3 个，打造“三长”科技志愿服务队 5 个。"
    (finding,) = findings_of(linter, goal(text, *TEAMS), "BL701")
    assert (finding.span.line, finding.span.column, finding.span.end_column) == (3, 41, 44)
    assert (finding.expected, finding.actual) == ("6个", "5 个")
    assert "contradicts indicator '培育“三长”科技志愿服务队' (line 5)" in finding.message
    assert [(row.span.line, row.label) for row in finding.related] == [(5, "培育“三长”科技志愿服务队: 6个")]
    assert findings_of(linter, goal(text.replace("5 个", "6 个"), *TEAMS), "BL701") == []


def test_a_count_is_compared_only_with_an_indicator_its_words_name_in_its_unit(zh):
    # The phrase need not repeat the whole name: 科技志愿服务队 covers enough of it.
    (finding,) = findings_of(zh, goal("培育科普教育基地 3 个，打造科技志愿服务队 5 个。", *TEAMS), "BL701")
    assert (finding.span.column, finding.expected) == (37, "6个")
    assert findings_of(zh, goal("打造“三长”科技志愿服务队 5 支。", *TEAMS), "BL701") == []  # 支 is not 个
    assert findings_of(zh, goal("培育基地 4 个。", *TEAMS), "BL701") == []  # too little of any name


def test_markup_in_the_goal_does_not_move_the_column_of_a_count(zh):
    training = "| 1-产出指标 | 11-数量指标 | 举办培训 | 3 期 |"
    found = findings_of(zh, goal("<p>举办培训 2 期。</p>", training))
    assert [(f.code, f.span.line, f.span.column) for f in found if f.code.startswith("BL7")] == [
        ("BL704", 3, 14),
        ("BL701", 3, 22),  # the 2 after <p>举办培训
    ]
    assert findings_of(zh, goal("<p>举办培训 3 期。</p>", training), "BL701") == []


BOOKS = "| 1-产出指标 | 11-数量指标 | 采购图书 | 10000 册 |"
ROOMS = "| | | 覆盖社区图书室 | 8个 |"


def test_a_count_after_another_in_its_clause_is_compared_with_the_indicator_of_its_unit(linter):
    # The words after 8 个 (社区图书室采购图书) are also the words before 12000 册: 采购图书 is its indicator.
    text = "为 8 个社区图书室采购图书 12000 册。"
    (finding,) = findings_of(linter, goal(text, BOOKS), "BL701")
    assert (finding.span.line, finding.span.column, finding.span.end_column) == (3, 29, 36)
    assert (finding.expected, finding.actual) == ("10000 册", "12000 册")
    assert "contradicts indicator '采购图书' (line 5)" in finding.message
    assert findings_of(linter, goal(text.replace("12000", "10000"), BOOKS), "BL701") == []
    # 8 个 belongs to no indicator counted in 个 here, and to 覆盖社区图书室 when there is one
    assert findings_of(linter, goal(text.replace("12000", "10000"), BOOKS, ROOMS), "BL701") == []
    (rooms,) = findings_of(linter, goal("为 9 个社区图书室采购图书 10000 册。", BOOKS, ROOMS), "BL701")
    assert (rooms.span.line, rooms.span.column, rooms.expected) == (3, 16, "8个")
    assert rooms.actual.startswith("9 个")  # the count as written, with the words of its unit after it


def test_two_counts_in_one_unit_go_to_the_indicators_whose_words_stand_nearest_them(zh):
    # Both names are in the clause; 覆盖社区图书室 stands beside 8 个, 配备书架 beside 16 个.
    rows = (ROOMS.replace("| | |", "| 1-产出指标 | 11-数量指标 |"), "| | | 配备书架 | 16个 |")
    text = "为 8 个社区图书室配备书架 16 个。"
    assert findings_of(zh, goal(text, *rows), "BL701") == []
    (finding,) = findings_of(zh, goal(text.replace("16 个", "12 个"), *rows), "BL701")
    assert (finding.span.line, finding.span.column, finding.expected, finding.actual) == (3, 29, "16个", "12 个")
    (finding,) = findings_of(zh, goal(text.replace("8 个", "9 个"), *rows), "BL701")
    assert (finding.span.line, finding.span.column, finding.expected) == (3, 16, "8个")
    assert finding.actual.startswith("9 个")


# ---------------------------------------------------------------- BL702: amounts


def test_an_amount_equal_to_neither_total_is_bl702_whatever_unit_it_is_written_in(linter):
    text = "自治区科普工作队2024年计划2.8万元，用于完成相关工作。"
    (finding,) = findings_of(linter, goal(text, annual="2.4", total="11.35"), "BL702")
    assert (finding.span.line, finding.span.column, finding.span.end_column) == (3, 29, 34)
    assert (finding.expected, finding.actual) == ("2.4 万元", "2.8万元")
    assert [row.label for row in finding.related] == ["annual funds 2.4", "project total 11.35"]
    for same in ("2.4万元", "24000元", "11.35万元"):  # the annual amount in 元, or the project total
        assert findings_of(linter, goal(text.replace("2.8万元", same), annual="2.4", total="11.35"), "BL702") == []


def test_a_table_kept_in_yuan_states_the_expected_amount_in_yuan(zh):
    text = "2024年计划2.8万元，用于完成相关工作。"
    (finding,) = findings_of(zh, goal(text, annual="24000", total="113500", unit="元"), "BL702")
    assert (finding.span.line, finding.expected, finding.actual) == (5, "24000 元", "2.8万元")
    assert findings_of(zh, goal(text.replace("2.8", "2.4"), annual="24000", total="113500", unit="元"), "BL702") == []


def test_an_amount_named_after_a_cost_row_is_compared_with_that_row(linter):
    cost = "| 1-产出指标 | 14-成本指标 | 科普教育活动 | 126.2784万元 |"
    text = "2024年计划2.4万元，其中科普教育活动137.9万元。"
    (finding,) = findings_of(linter, goal(text, cost, annual="2.4", total="11.35"), "BL702")
    assert (finding.span.line, finding.span.column) == (3, 35)
    assert (finding.expected, finding.actual) == ("126.2784万元", "137.9万元")
    assert finding.message == (
        "the narrative's amount contradicts the cost of '科普教育活动': expected '126.2784万元', found '137.9万元'"
    )
    fixed = text.replace("137.9万元", "126.2784万元")
    assert findings_of(linter, goal(fixed, cost, annual="2.4", total="11.35"), "BL702") == []


def test_an_amount_per_session_is_not_a_total(zh):
    assert findings_of(zh, goal("开展科普活动 5 场，每场补助0.5万元。", annual="2.5", total="2.5"), "BL702") == []
    (finding,) = findings_of(zh, goal("开展科普活动 5 场，补助0.5万元。", annual="2.5", total="2.5"), "BL702")
    assert (finding.span.line, finding.span.column, finding.expected, finding.actual) == (3, 27, "2.5 万元", "0.5万元")


# 2500 people at 500 元 a year each: 1250000 元, in a table kept in 元.
POOR = "| 1-产出指标 | 11-数量指标 | 补助困难群众 | 2500人 |"
IN_YUAN = {"annual": "1250000.00", "total": "1250000.00", "unit": "元"}


def test_an_amount_per_person_is_compared_with_the_cost_per_person_never_with_the_funding(linter):
    text = "为困难群众发放补助，每人每年500元。"
    assert findings_of(linter, goal(text, POOR, **IN_YUAN), "BL702") == []  # 500 元 is no total
    (total,) = findings_of(linter, goal(text.replace("每人每年", "共计"), POOR, **IN_YUAN), "BL702")
    assert (total.span.line, total.span.column, total.expected, total.actual) == (5, 26, "1250000 元", "500元")
    for row in ("500元/人", "500元/人/年"):  # the cost per person, per year or not
        cost = f"| | 14-成本指标 | 补助标准 | {row} |"
        assert findings_of(linter, goal(text, POOR, cost, **IN_YUAN), "BL702") == []
    cost = "| | 14-成本指标 | 补助标准 | 600元/人/年 |"
    (finding,) = findings_of(linter, goal(text, POOR, cost, **IN_YUAN), "BL702")
    assert (finding.span.line, finding.span.column, finding.span.end_column) == (5, 28, 32)
    assert (finding.expected, finding.actual) == ("600元/人/年", "500元")
    assert (
        finding.message
        == "the narrative's amount contradicts the cost of '补助标准': expected '600元/人/年', found '500元'"
    )
    assert [(row.span.line, row.label) for row in finding.related] == [(8, "补助标准: 600元/人/年")]


def test_an_amount_per_year_that_names_the_funding_is_the_annual_amount(zh):
    # the table's money is counted per year: 每年经费 is 年度资金总额, while 每年补助 500 元 is a rate of something
    (finding,) = findings_of(zh, goal("每年经费需求共计 447.9 万元。", annual="436.2784", total="436.2784"), "BL702")
    assert (finding.expected, finding.actual) == ("436.2784 万元", "447.9 万元")
    assert findings_of(zh, goal("每年经费需求共计 436.2784 万元。", annual="436.2784", total="436.2784"), "BL702") == []
    assert findings_of(zh, goal("每年补助500元。", POOR, **IN_YUAN), "BL702") == []


def test_a_rate_is_compared_only_with_a_row_counted_per_its_unit(zh):
    per_person = "| | 14-成本指标 | 补助标准 | 600元/人 |"
    for text in ("人均补助500元。", "每名学员补助500元。"):  # 人均 and 每名 name 人 too
        (finding,) = findings_of(zh, goal(text, POOR, per_person, **IN_YUAN), "BL702")
        assert (finding.span.line, finding.expected, finding.actual) == (5, "600元/人", "500元")
    for text in ("每亩补贴500元。", "每年补助500元。", "每户补助500元。"):  # per 亩, per 年, per 户: not per 人
        assert findings_of(zh, goal(text, POOR, per_person, **IN_YUAN), "BL702") == []
    # of two rows per 人, the one the words name
    training = "| | | 培训费用 | 200元/人 |"
    (finding,) = findings_of(zh, goal("每人培训费用300元。", POOR, per_person, training, **IN_YUAN), "BL702")
    assert (finding.expected, finding.actual) == ("200元/人", "300元")
    assert findings_of(zh, goal("每人培训费用200元。", POOR, per_person, training, **IN_YUAN), "BL702") == []


def test_a_count_per_session_is_compared_with_a_count_per_session_never_with_the_total(zh):
    lectures = "| 1-产出指标 | 11-数量指标 | 举办科普讲座 | 5场 |"
    text = "举办科普讲座 5 场，每场参与人数 60 人。"
    assert findings_of(zh, goal(text, lectures, "| | | 参与人数 | 250人 |"), "BL701") == []
    (finding,) = findings_of(zh, goal(text, lectures, "| | | 参与人数 | 50人/场 |"), "BL701")
    assert (finding.span.line, finding.span.column, finding.expected, finding.actual) == (3, 32, "50人/场", "60 人")
    assert findings_of(zh, goal(text.replace("60", "50"), lectures, "| | | 参与人数 | 50人/场 |"), "BL701") == []


# ---------------------------------------------------------------- BL703, BL704


SENTENCE = "本项目主要通过发挥科普大篷车功能，在乡村学校、社区开展综合科普服务和宣传教育活动。"


def test_a_passage_repeated_with_a_word_changed_is_reported_once_at_the_repeat(linter):
    text = SENTENCE + "开展科普讲座。" + SENTENCE.replace("乡村学校", "农村学校")
    (finding,) = findings_of(linter, goal(text), "BL703")
    assert (finding.span.line, finding.span.column) == (3, 14 + len(SENTENCE) + len("开展科普讲座。"))
    assert finding.message.startswith("repeated passage (38 characters)")
    assert [(row.span.line, row.span.column) for row in finding.related] == [(3, 14)]
    assert len(findings_of(linter, goal(text + SENTENCE), "BL703")) == 1  # a third time: still one finding


def test_short_sentences_and_different_sentences_are_not_repeats(zh):
    assert findings_of(zh, goal("开展科普讲座。开展科普讲座。"), "BL703") == []  # under 20 characters
    other = "本项目主要通过组织科技工作者，在城市社区开展科技志愿服务和科学普及活动。"
    assert findings_of(zh, goal(SENTENCE + other), "BL703") == []


def test_markup_has_a_safe_fix_that_leaves_plain_text_and_a_less_than_sign_is_not_markup(zh):
    text = goal("<p>开展科普活动，覆盖率<b>≥90%</b>。</p>")
    (finding,) = findings_of(zh, text, "BL704")
    assert (finding.span.line, finding.span.column, finding.actual) == (3, 14, "<p> <b> </b> </p>")
    assert finding.fix.safe is True
    fixed = apply_fixes(text, [finding]).text
    assert "| 年度总体绩效目标 | 开展科普活动，覆盖率≥90%。 |" in fixed
    assert findings_of(zh, fixed, "BL704") == []
    assert findings_of(zh, goal("开展科普活动，投诉率<5%。"), "BL704") == []
