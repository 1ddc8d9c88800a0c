"""Damaged layout: every way a table arrives broken gives exact findings (code, line, column), never a crash.

Each test starts from tests/data/table.md with its one defect repaired (CLEAN,
no finding at all), damages it the way PDF extraction, copy-paste or a hasty
edit does, and states exactly what is reported.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from budgetlint.cli import main

DATA = Path(__file__).resolve().parent / "data"
BROKEN = (DATA / "table.md").read_text(encoding="utf-8")
CLEAN = BROKEN.replace("| 其他资 | 0 | 自治区资金 | 0 |\n| 金 |\n", "| 其他资金 | 0 | 自治区资金 | 0 |\n")
LINES = CLEAN.split("\n")  # line n of CLEAN is LINES[n - 1]


def outcome(linter, text: str) -> list[tuple[str, int, int]]:
    _, findings = linter.check_text(text, "t.md")
    return [(f.code, f.span.line, f.span.column) for f in findings]


def replace_line(number: int, *new: str) -> str:
    return "\n".join([*LINES[: number - 1], *new, *LINES[number:]])


def test_the_clean_table_has_no_finding(linter):
    assert outcome(linter, CLEAN) == []
    assert LINES[8] == "| 其他资金 | 0 | 自治区资金 | 0 |"


# ---------------------------------------------------------------- cells split across lines


def test_label_cut_by_a_line_break(linter):
    assert outcome(linter, BROKEN) == [("BL001", 9, 3)]


def test_value_on_the_line_below_its_label(linter):
    text = replace_line(6, "| 项目总额 | 10 | 年度资金总额 |", "| 10 |")
    assert outcome(linter, text) == [("BL001", 7, 3)]
    project = linter.parse(text).projects[0]
    assert project.fields["annual"].amount == 100000


def test_goal_text_continued_on_the_next_rows(linter):
    text = replace_line(11, "| 年度总体绩效目标 | 举办培训 |", "| 2 期。 |")
    assert outcome(linter, text) == [("BL001", 12, 3)]
    assert linter.parse(text).projects[0].fields["goal"].text == "举办培训2 期。"


def test_label_broken_by_blanks_reads_as_the_label(linter):
    text = (
        CLEAN.replace("中央资金", "中 央 资 金")
        .replace("本级资金", "本级 资金")
        .replace("年度总体绩效目标", "年度 总体 绩效 目标")
    )
    assert outcome(linter, text) == []
    fields = linter.parse(text).projects[0].fields
    assert (fields["central"].amount, fields["own"].amount, fields["goal"].text) == (0, 100000, "举办培训 2 期。")


# ---------------------------------------------------------------- extra and missing cells


def test_header_row_with_an_extra_cell(linter):
    assert outcome(linter, replace_line(6, "| 项目总额 | 10 | 年度资金总额 | 10 | 多余 |")) == [("BL007", 6, 29)]


def test_header_row_with_a_missing_value(linter):
    assert outcome(linter, replace_line(6, "| 项目总额 | | 年度资金总额 | 10 |")) == [("BL003", 6, 3)]


def test_indicator_row_with_extra_cells_keeps_the_last_as_its_value(linter):
    text = replace_line(16, "| | 12-质量指标 | 培训合格率 | 补充说明 | ≥90% |")
    assert outcome(linter, text) == []
    indicator = linter.parse(text).projects[0].indicators[1]
    assert (indicator.name, indicator.value.raw) == ("培训合格率补充说明", "≥90%")


def test_indicator_row_without_its_value(linter):
    assert outcome(linter, replace_line(16, "| | 12-质量指标 | 培训合格率 |")) == [("BL604", 16, 15)]


def test_rows_without_a_closing_pipe_and_with_escaped_pipes(linter):
    text = CLEAN.replace(" |\n", "\n").replace("参训人员满意度", "参训人员\\|满意度")
    assert outcome(linter, text) == []
    assert linter.parse(text).projects[0].indicators[-1].name == "参训人员|满意度"


def test_tab_rows_and_pipe_rows_mixed_in_one_table(linter):
    assert outcome(linter, replace_line(6, "项目总额\t10\t年度资金总额\t10")) == []


# ---------------------------------------------------------------- loose lines


def test_blank_lines_of_spaces_inside_a_table_are_blank(linter):
    for blank in ("   ", "\t", "\u3000\u3000", " \t \u3000"):
        assert outcome(linter, replace_line(7, blank, LINES[6])) == [], repr(blank)


def test_prose_inside_a_table_is_a_stray_line(linter):
    assert outcome(linter, replace_line(7, "（此处为 PDF 页眉）", LINES[6])) == [("BL006", 7, 1)]


def test_rows_before_any_project_table(linter):
    text = "| 一级指标 | 二级指标 | 三级指标 | 绩效值 |\n| 1-产出指标 | 11-数量指标 | 举办培训 | 2 期 |\n"
    assert outcome(linter, text) == [("BL007", 1, 3), ("BL007", 2, 3)]


# ---------------------------------------------------------------- cut off, run together


def test_table_cut_off_after_the_funding_rows(linter):
    assert outcome(linter, "\n".join(LINES[:7]) + "\n") == [("BL003", 4, 3)]


def test_table_cut_off_in_the_middle_of_a_row(linter):
    cut = CLEAN[: CLEAN.index("| 财政拨款 | 10 | 中") + len("| 财政拨款 | 1")]
    assert cut.endswith("| 财政拨款 | 1")
    # The cut leaves 财政拨款 at 1 (万元), so 本级资金 10 no longer adds up: reported, not a crash.
    assert outcome(linter, cut) == [("BL003", 4, 3), ("BL102", 7, 10)]
    assert linter.parse(cut).projects[0].fields["appropriation"].amount == 10000


def test_two_tables_run_together_are_two_projects(linter):
    second = "\n".join(LINES[3:]).replace("示例项目", "第二个项目")
    text = CLEAN.replace("\n\n| 一级", "\n| 一级") + second
    document = linter.parse(text)
    assert [p.name for p in document.projects] == ["示例项目", "第二个项目"]
    assert [(p.span.line, p.end_line) for p in document.projects] == [(4, 19), (20, 36)]
    assert outcome(linter, text) == []


def test_a_project_name_row_and_nothing_else(linter):
    assert sorted(set(outcome(linter, "| 项目名称 | 示例 |\n"))) == [("BL003", 1, 3)]


# ---------------------------------------------------------------- size and repetition


def test_extremely_long_lines_and_cells(linter):
    long_line = "说明" * 500_000  # 1,000,000 characters of prose before the table
    assert outcome(linter, long_line + "\n" + CLEAN) == []
    assert outcome(linter, replace_line(7, "说明" * 100_000, LINES[6])) == [("BL006", 7, 1)]
    goal = "举办培训" * 250_000
    text = CLEAN.replace("举办培训 2 期。", goal)
    # a narrative of 1,000,000 characters is kept whole, and not read: one BL004 naming the cap
    assert outcome(linter, text) == [("BL004", 11, 14)]
    assert linter.parse(text).projects[0].fields["goal"].text == goal


def test_a_thousand_tables_in_one_document(linter):
    body = "\n".join(LINES[3:])
    text = "\n".join(LINES[:3]) + "\n" + "\n".join(body.replace("示例项目", f"项目{i}") for i in range(1000))
    document, findings = linter.check_text(text, "t.md", keep_projects=False)
    assert (document.project_count, findings) == (1000, [])


# ---------------------------------------------------------------- files that hold no table


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "no project table found (no 项目名称 row)"),
        ("\n\n   \n", "no project table found (no 项目名称 row)"),
        ("# 说明\n本文件没有表格。\n", "no project table found (no 项目名称 row)"),
        (
            CLEAN.replace("|", "｜"),
            "no project table found (项目名称 is not in a row: a row starts with | or holds a TAB)",
        ),
        (
            CLEAN.replace("| ", "").replace(" |", "  "),
            "no project table found (项目名称 is not in a row: a row starts with | or holds a TAB)",
        ),
    ],
    ids=["empty", "blank", "prose", "full-width pipes", "columns of spaces"],
)
def test_a_file_without_a_table_is_an_error_when_named_and_a_note_in_a_folder(tmp_path, monkeypatch, content, message):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "t.md").write_text(content, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    named = CliRunner().invoke(main, ["check", "docs/t.md", "--format", "concise"])
    assert (named.exit_code, named.output) == (2, f"docs/t.md:1:1: E000 {message}\n")
    walked = CliRunner().invoke(main, ["check", "docs", "--format", "rich", "--lang", "en", "--no-color"])
    assert walked.exit_code == 2  # a folder that yields no table checks nothing: never a silent pass (issue 21)
    assert walked.output.splitlines() == [
        "docs: nothing checked: none of its 1 file(s) holds a project table (no 项目名称 row)",
        "Checked 1 file, 0 project tables: no findings.",
        "docs/t.md: skipped, no project table",
    ]
