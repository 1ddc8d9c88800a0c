"""The terminal output (rich, concise): what is shown by default, rows cut to the width, fixes shown and
diffed, a document's control characters escaped — and the formats for machines carrying everything."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CLEAN_TABLE, PIPE_SEED, SEED

from budgetlint.cli import main
from budgetlint.findings import Finding
from budgetlint.model import Span
from budgetlint.reporters import Options, render
from budgetlint.reporters.terminal import ELLIPSIS, visible, window
from budgetlint.runner import Result
from budgetlint.text import display_width

CLEAN = CLEAN_TABLE + "| 3-满意度指标 | 31-服务对象满意度 | 参训人员满意度 | ≥90% |\n"
# a table with a warning (BL502, a bare 万, with a safe fix, line 18) and an info (BL801, a vague target, line 16)
MIXED = CLEAN.replace("| | 14-成本指标 | 举办培训 | 5 万元/期 |", "| | 14-成本指标 | 举办培训 | 5 万/期 |").replace(
    "| | 12-质量指标 | 培训合格率 | ≥90% |", "| | 12-质量指标 | 培训合格率 | 进一步提升 |"
)
EVIL_CELL = "培训合格率\x1b]0;pwned\x07\x1b[2J\u202e\x08\x9b"


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), catch_exceptions=False, env=env)


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    path = tmp_path / "mixed.md"
    path.write_text(MIXED, encoding="utf-8")
    return path


def codes(output: str) -> list[str]:
    return re.findall(r"\bBL\d{3}\b", output)


# ==================================================================== what is shown
def test_rich_and_concise_show_errors_and_warnings_and_count_the_info_ones(mixed):
    rich = run("check", str(mixed), "--no-color", "--lang", "en")
    concise = run("check", str(mixed), "--format", "concise", "--lang", "en")
    hint = "1 info not shown: `--show-info` (or `--min-severity info`) shows them"
    assert "BL502" in rich.output and "BL801" not in rich.output and hint in rich.output.splitlines()
    assert "Checked 1 file, 1 project table: 1 warning, 1 info" in rich.output  # the summary counts every finding
    assert concise.output.splitlines() == [
        f"{mixed}:18:24: BL502 money written with a bare 万: expected '万元', found '5 万/期'",
        hint,
    ]
    for flags in (["--show-info"], ["--min-severity", "info"]):
        shown = run("check", str(mixed), "--format", "concise", *flags).output
        assert codes(shown) == ["BL801", "BL502"] and "not shown" not in shown and "未显示" not in shown


def test_min_severity_error_hides_the_warnings_too_and_says_how_to_show_them(mixed):
    output = run("check", str(mixed), "--format", "concise", "--min-severity", "error", "--lang", "en").output
    assert output == "1 warning, 1 info not shown: `--min-severity info` shows them\n"
    chinese = run("check", str(mixed), "--format", "concise", "--min-severity", "error", "--lang", "zh").output
    assert chinese == "另有 1 个警告、1 个提示未显示：加 `--min-severity info` 显示\n"


def test_the_exit_code_does_not_depend_on_what_is_shown(mixed):
    # --fail-on info fails on the info finding although it is not shown; the hint line says it is there
    result = run("check", str(mixed), "--format", "concise", "--min-severity", "error", "--fail-on", "info")
    assert result.exit_code == 1 and codes(result.output) == []
    assert run("check", str(mixed), "--format", "concise", "--show-info", "--fail-on", "error").exit_code == 0


def test_quiet_prints_the_shown_findings_only(mixed):
    output = run("check", str(mixed), "--format", "concise", "--quiet").output
    assert codes(output) == ["BL502"] and len(output.splitlines()) == 1
    rich = run("check", str(mixed), "--no-color", "--quiet").output
    assert "BL502" in rich and "BL801" not in rich and "未显示" not in rich and "共检查" not in rich


def test_statistics_count_every_finding_whatever_is_shown(mixed):
    table = run("check", str(mixed), "--statistics", "--min-severity", "error").output
    assert [line.split()[1] for line in table.splitlines() if line.split()[0].isdigit()] == ["BL502", "BL801"]


@pytest.mark.parametrize("fmt", ["json", "sarif", "github", "gitlab", "junit"])
def test_the_formats_for_machines_carry_every_finding(mixed, fmt):
    output = run("check", str(mixed), "--format", fmt, "--min-severity", "error").output
    if fmt == "sarif":  # its rules list every rule: the results are the findings
        output = " ".join(result["ruleId"] for result in json.loads(output)["runs"][0]["results"])
    assert sorted(set(codes(output))) == ["BL502", "BL801"]


def test_config_min_severity_is_read_validated_and_overridden_by_the_command_line(tmp_path, mixed):
    (tmp_path / "budgetlint.toml").write_text('min-severity = "info"\n', encoding="utf-8")
    assert codes(run("check", str(mixed), "--format", "concise").output) == ["BL801", "BL502"]
    assert codes(run("check", str(mixed), "--format", "concise", "--min-severity", "warning").output) == ["BL502"]
    (tmp_path / "bad").mkdir()  # a folder of its own: the configs of a folder are read once a process
    (tmp_path / "bad" / "budgetlint.toml").write_text('min-severity = "louder"\n', encoding="utf-8")
    (tmp_path / "bad" / "mixed.md").write_text(MIXED, encoding="utf-8")
    bad = run("check", str(tmp_path / "bad" / "mixed.md"), "--format", "concise")
    assert bad.exit_code == 2
    assert "budgetlint.toml:1:1: E000 min-severity: expected one of info, warning, error, got 'louder'" in bad.output


def test_show_info_contradicting_min_severity_is_a_usage_error(mixed):
    result = run("check", str(mixed), "--show-info", "--min-severity", "error")
    assert result.exit_code == 2 and "--show-info is --min-severity info" in result.output


def test_the_seed_shows_its_errors_and_warnings_and_one_line_for_its_info_findings():
    everything = run("check", str(SEED), "--format", "concise", "--show-info").output.splitlines()
    default = run("check", str(SEED), "--format", "concise", "--lang", "en").output.splitlines()
    assert len(everything) == 56
    assert default[-1] == "21 info not shown: `--show-info` (or `--min-severity info`) shows them"
    assert len(default) - 1 == 56 - 21


# ==================================================================== rich: files, windows, one message
def test_rich_names_each_file_once_above_its_findings(tmp_path):
    for name in ("a.md", "b.md"):
        (tmp_path / name).write_text(MIXED, encoding="utf-8")
    output = run("check", str(tmp_path), "--no-color", "--lang", "en", "--config", 'severity.BL801="error"').output
    lines = output.splitlines()
    for name in ("a.md", "b.md"):
        path = str(tmp_path / name)
        assert output.count(path) == 1
        start = lines.index(path)
        assert lines[start + 1].startswith("16:23 BL801 error ") and lines[start + 4].startswith(
            "18:24 BL502 [*] warning "
        )


def test_rich_says_expected_and_found_once(mixed):
    output = run("check", str(mixed), "--no-color", "--lang", "en").output
    assert output.count("found '5 万/期'") == 1 and "expected:" not in output and "  ·  " not in output


def _frame(output: str, number: int) -> tuple[str, str]:
    """The row line of the code frame of line `number` (its text after the gutter) and the caret line's."""
    lines = output.splitlines()
    for index, line in enumerate(lines):
        if line.startswith(f"{number} │ "):
            gutter = len(f"{number} │ ")
            return line[gutter:], lines[index + 1][gutter:]
    raise AssertionError(f"no frame of line {number} in {output!r}")


def _under(row: str, carets: str) -> str:
    """The characters of `row` in the columns of the carets, by display width."""
    start = len(carets) - len(carets.lstrip(" "))
    width = len(carets.strip())
    column, picked = 0, []
    for char in row:
        if start <= column < start + width:
            picked.append(char)
        column += display_width(char)
    return "".join(picked)


NARRATIVE = "本项目主要用于开展科技志愿服务活动，举办基层科普人员能力提升培训，培育全国科普教育基地 3 个，" * 3


@pytest.mark.parametrize("width", [40, 80, 200])
@pytest.mark.parametrize(
    "row, cell",
    [
        ("| 年度总体绩效目标 | " + NARRATIVE + "打造科技志愿服务队 5 个，" + NARRATIVE + " |", "5 个"),
        ("\t\t新媒体科普传播\t开展科普短视频生产推广项目\t" + "说明" * 60 + "\t10.0047万", "万"),
        ("| 项目名称 | " + "很长的名称" * 40 + " | 项目期 | 99年 |", "99年"),
        ("| 项目名称 | 示例 | 项目期 | 99年 |", "99年"),
    ],
)
def test_the_row_is_cut_to_the_width_and_the_caret_is_under_the_cell(width, row, cell):
    start = row.rindex(cell)
    finding = _finding(Span(7, start + 1, 7, start + 1 + len(cell)))
    result = Result(findings=[finding], sources={"t.md": "\n" * 6 + row})
    stream = io.StringIO()
    render("rich", result, stream, Options(lang="en", color="never", width=width))
    text, carets = _frame(stream.getvalue(), 7)
    assert display_width("7 │ " + text) <= width
    assert _under(text, carets) == cell.replace("\t", "→")
    if display_width(row) + 4 > width:
        assert ELLIPSIS in text
    else:
        assert text == row.replace("\t", "→")


@pytest.mark.parametrize("columns", ["40", "80", "200"])
def test_the_terminal_width_is_read_and_a_narrative_row_fits_it(columns):
    # the seed's narrative (line 54, ~300 columns): its count 5 个 contradicts an indicator (BL701)
    output = run("check", str(PIPE_SEED), "--no-color", "--lang", "en", env={"COLUMNS": columns}).output
    text, carets = _frame(output, 54)
    assert display_width("54 │ " + text) <= int(columns) and ELLIPSIS in text
    assert _under(text, carets) == "5 个"


def test_the_window_never_cuts_a_wide_character_and_marks_both_cuts():
    row = "甲" * 50 + "目标" + "乙" * 50
    text, before, caret = window(row, 50, 52, 21)
    assert text.startswith(ELLIPSIS) and text.endswith(ELLIPSIS) and display_width(text) <= 21
    assert text[1:-1].strip("甲乙") == "目标" and caret == 4
    assert display_width(text[: text.index("目标")]) == before


def test_a_finding_with_a_place_shows_it_instead_of_line_and_column():
    finding = _finding(Span(7, 3, 7, 5), "t.xlsx")
    finding.place = "Sheet1!C12"  # a finding of a sheet or a page: the engine gives it its place
    stream = io.StringIO()
    render("rich", Result(findings=[finding], sources={"t.xlsx": "\n" * 6 + "a\tb\tc"}), stream, Options(color="never"))
    header = stream.getvalue().splitlines()[1]
    assert header.startswith("Sheet1!C12 BL502 ") and "7:3" not in header


def _finding(span: Span, path: str = "t.md", kind: type = Finding) -> Finding:
    message = "money written with a bare 万: expected '万元', found '万'"
    return kind("BL502", span, expected="万元", actual="万", path=path, rule="bare-wan", message=message)


# ==================================================================== fixes: --show-fixes, --diff
def test_show_fixes_shows_the_row_before_and_after_the_fix(mixed):
    for fmt in ("rich", "concise"):
        output = run("check", str(mixed), "--format", fmt, "--no-color", "--show-fixes").output
        assert "18 - | | 14-成本指标 | 举办培训 | 5 万/期 |" in output
        assert "   + | | 14-成本指标 | 举办培训 | 5 万元/期 |" in output
        without = run("check", str(mixed), "--format", fmt, "--no-color").output
        assert "18 - " not in without


def test_diff_prints_what_fix_would_write_and_writes_nothing(mixed, tmp_path):
    before = mixed.read_bytes()
    result = CliRunner().invoke(main, ["check", str(mixed), "--diff"])
    assert result.exit_code == 1 and mixed.read_bytes() == before
    assert result.stdout.splitlines()[:2] == [f"--- {mixed}", f"+++ {mixed}"]
    assert "-| | 14-成本指标 | 举办培训 | 5 万/期 |" in result.stdout.splitlines()
    assert "+| | 14-成本指标 | 举办培训 | 5 万元/期 |" in result.stdout.splitlines()
    assert "would fix 1 finding in 1 file (BL502 ×1)" in result.stderr
    # what --fix then writes is what the diff said
    run("check", str(mixed), "--fix", "--quiet")
    assert "| | 14-成本指标 | 举办培训 | 5 万元/期 |" in mixed.read_text(encoding="utf-8")
    clean = run("check", str(mixed), "--diff")
    assert (clean.exit_code, clean.stdout) == (0, "")


def test_diff_of_a_relative_path_names_a_and_b(mixed, monkeypatch):
    monkeypatch.chdir(mixed.parent)
    result = CliRunner().invoke(main, ["check", "mixed.md", "--diff"])
    assert result.stdout.splitlines()[:2] == ["--- a/mixed.md", "+++ b/mixed.md"]


def test_diff_says_why_a_file_cannot_be_diffed_and_exits_two(tmp_path, mixed):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "budgetlint.toml").write_text("select = [\n", encoding="utf-8")
    (tmp_path / "sub" / "t.md").write_text(MIXED, encoding="utf-8")
    (tmp_path / "scan.md").write_bytes(b"| \x00\x01 |\n")
    result = run("check", str(tmp_path), "--diff")
    assert result.exit_code == 2
    assert "sub/budgetlint.toml" in result.stderr and "scan.md" in result.stderr and "binary" in result.stderr
    assert result.stdout.startswith(f"--- {mixed}")  # the other files are diffed


def test_diff_and_fix_together_are_a_usage_error(mixed):
    result = run("check", str(mixed), "--diff", "--fix")
    assert result.exit_code == 2 and "--diff shows what --fix would write" in result.output


# ==================================================================== control characters
@pytest.fixture
def evil(tmp_path: Path) -> Path:
    path = tmp_path / "evil.md"
    path.write_text(MIXED.replace("| 培训合格率 |", f"| {EVIL_CELL} |"), encoding="utf-8")
    return path


RAW = ("\x1b]0;pwned\x07", "\x1b[2J", "\x07", "\u202e", "\x08", "\x9b")


@pytest.mark.parametrize("fmt", ["rich", "concise", "github"])
@pytest.mark.parametrize("color", ["never", "always"])
def test_a_document_never_drives_the_terminal(evil, fmt, color):
    output = run("check", str(evil), "--format", fmt, f"--color={color}", "--config", 'severity.BL801="error"').output
    assert "BL801" in output
    for raw in RAW:
        assert raw not in output
    if color == "never" or fmt != "rich":
        assert "\x1b" not in output  # no escape code at all: ours only with colour
    assert "\\x1b]0;pwned\\x07\\x1b[2J\\u202e\\x08\\x9b" in output


@pytest.mark.parametrize("fmt", ["rich", "concise"])
def test_a_document_s_escape_codes_reach_no_terminal_with_the_default_options(tmp_path, fmt):
    """Issue 22 item 7 as found, with options every version has: the codes in a row's name (which the
    rich frame shows) and in its money cell (which BL502, a warning, quotes) are shown escaped."""
    codes = "\x1b]0;pwned\x07\x1b[2J\u202e\x08\x9b"
    text = MIXED.replace("| 举办培训 | 5 万/期 |", f"| 举办培训{codes} | 5 万/期{codes} |")
    assert text != MIXED
    path = tmp_path / "evil.md"
    path.write_text(text, encoding="utf-8")
    output = run("check", str(path), "--format", fmt, "--lang", "en").output
    assert "BL502" in output
    assert [c for c in output if c != "\n" and (c < " " or "\x7f" <= c <= "\x9f" or c == "\u202e")] == []
    assert "\\x1b]" in output  # shown, escaped


def test_junit_stays_well_formed_xml_with_a_document_s_control_characters(evil):
    from xml.etree import ElementTree as ET

    output = run("check", str(evil), "--format", "junit", "--config", 'severity.BL801="error"').output
    failures = [node.get("message") for node in ET.fromstring(output.encode()).iter("failure")]
    assert any("\\x1b]0;pwned\\x07\\x1b[2J\\u202e" in message for message in failures)


def test_visible_escapes_controls_and_bidi_and_keeps_the_rest():
    assert visible("a\tb\nc") == "a\\tb\\nc"
    assert visible("\u2066x\u2069\u200f\x7f") == "\\u2066x\\u2069\\u200f\\x7f"
    assert visible("预算 100万元 ≥90%…") == "预算 100万元 ≥90%…"


def test_github_annotations_escape_controls_and_keep_their_own_escapes():
    from budgetlint.reporters.github import escape_data, escape_property

    assert escape_data("a\x1b[2Jb%\nc") == "a\\x1b[2Jb%25%0Ac"
    assert escape_property("t.md,\x07:x") == "t.md%2C\\x07%3Ax"


# ==================================================================== --jobs says what it does
def test_jobs_help_describes_processes_and_the_automatic_choice():
    from budgetlint import execute

    text = " ".join(run("check", "--help").output.split())
    assert f"one per core (at most {execute.MAX_WORKERS}) for {execute.POOL_THRESHOLD} files or more" in text
    assert f"a document of {execute.LARGE // (1024 * 1024)} MB or more" in text
    assert "forked" in text


def test_json_is_unchanged_by_the_display_options(mixed):
    plain = json.loads(run("check", str(mixed), "--format", "json").output)
    hidden = json.loads(run("check", str(mixed), "--format", "json", "--min-severity", "error").output)
    assert plain == hidden and len(plain["findings"]) == 2


def test_preview_applies_the_fix_alone_on_the_lines_it_touches():
    from budgetlint.edits import preview
    from budgetlint.findings import Edit, Fix

    lines = {3: "| a | 5 万 |", 9: "| b | 6 万 |"}
    edits = (Edit(Span(3, 9, 3, 10), "万元"), Edit(Span(9, 9, 9, 10), "万元"))
    finding = Finding("BL502", Span(3, 7, 3, 9), fix=Fix("万 → 万元", edits, True))
    assert preview(finding, lines.get) == [(3, "| a | 5 万 |", "| a | 5 万元 |"), (9, "| b | 6 万 |", "| b | 6 万元 |")]
    assert preview(finding, {3: lines[3]}.get) == []  # a line it does not have: nothing rather than a guess
