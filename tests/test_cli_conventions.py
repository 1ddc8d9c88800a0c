"""Issue 21: the command-line conventions ruff users expect — nothing checked never passes, colour,
stdin, statistics and quiet output, `fmt --diff`, the config's `lang`, family names."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from conftest import CLEAN_TABLE, SEED

from budgetlint.cli import main

CLEAN = CLEAN_TABLE + "| 3-满意度指标 | 31-服务对象满意度 | 参训人员满意度 | ≥90% |\n"
BARE_WAN = CLEAN.replace("| 举办培训 | 5 万元/期 |", "| 举办培训 | 5 万/期 |")  # BL502 at line 18, a safe fix
LOW = CLEAN.replace("| 参训人员满意度 | ≥90% |", "| 参训人员满意度 | 59% |")  # BL402, BL403 (warnings)


def run(*args: str, env: dict[str, str] | None = None, input: str | bytes | None = None):
    return CliRunner().invoke(main, list(args), catch_exceptions=False, env=env, input=input)


def codes(output: str) -> list[str]:
    return [line.split(": ")[1].split()[0] for line in output.splitlines() if ": BL" in line]


# ---------------------------------------------------------------- the config's `lang` (item 6)
def test_lang_of_the_config_is_honoured_by_check_and_the_command_line_wins(tmp_path):
    (tmp_path / "budgetlint.toml").write_text('lang = "zh"\n', encoding="utf-8")
    path = tmp_path / "t.md"
    path.write_text(BARE_WAN, encoding="utf-8")
    locale = {"LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "BUDGETLINT_LANG": ""}
    chinese = run("check", str(path), "--no-color", env=locale).output
    assert "BL502" in chinese and "万元" in chinese
    assert "共检查 1 个文件" in chinese and "expected" not in chinese
    english = run("check", str(path), "--no-color", "--lang", "en", env=locale).output
    assert "Checked 1 file" in english and "expected" in english
    data = json.loads(run("check", str(path), "--format", "json", env=locale).output)
    assert "期望" in data["findings"][0]["message"]


# ---------------------------------------------------------------- family names (item 7)
def test_family_names_select_and_ignore_their_rules():
    seed = str(SEED)
    funding = codes(run("check", seed, "--format", "concise", "--select", "funding").output)
    assert funding and all(code.startswith("BL1") for code in funding)
    assert codes(run("check", seed, "--format", "concise", "--select", "BL1").output) == funding
    without = codes(run("check", seed, "--format", "concise", "--ignore", "wording,units").output)
    assert without and not [code for code in without if code.startswith(("BL8", "BL5"))]
    assert run("check", seed, "--select", "fundng").exit_code == 2


def test_family_names_in_config_and_per_file_ignores(tmp_path):
    text = BARE_WAN.replace("| 参训人员满意度 | ≥90% |", "| 参训人员满意度 | 59% |")
    for folder in ("plain", "configured"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "t.md").write_text(text, encoding="utf-8")
    (tmp_path / "configured" / "budgetlint.toml").write_text(
        'ignore = ["satisfaction"]\n[per-file-ignores]\n"t.md" = ["units"]\n', encoding="utf-8"
    )
    plain = codes(run("check", str(tmp_path / "plain" / "t.md"), "--format", "concise").output)
    assert {"BL402", "BL403", "BL502"} <= set(plain)
    configured = run("check", str(tmp_path / "configured" / "t.md"), "--format", "concise")
    assert configured.exit_code == 0 and configured.output == ""


def test_a_family_in_a_directive_suppresses_its_rules(tmp_path):
    path = tmp_path / "t.md"
    path.write_text(
        BARE_WAN.replace("| | 14-成本指标 |", "<!-- budgetlint: disable=units -->\n| | 14-成本指标 |"),
        encoding="utf-8",
    )
    result = run("check", str(path), "--format", "concise", "--lang", "en")
    assert codes(result.output) == [] and result.exit_code == 0


def test_an_unknown_code_in_a_directive_is_reported_as_unknown(tmp_path):
    path = tmp_path / "t.md"
    path.write_text(
        CLEAN.replace("| 其他资金 | 0 |", "<!-- budgetlint: disable=BL999,nosuchfamily -->\n| 其他资金 | 0 |"),
        encoding="utf-8",
    )
    output = run("check", str(path), "--format", "concise", "--lang", "en").output
    assert codes(output) == ["BL009"]
    assert "unknown rule BL999, nosuchfamily:" in output and "suppresses nothing" not in output
    partly = BARE_WAN.replace("| | 14-成本指标 |", "<!-- budgetlint: disable=BL999,BL502 -->\n| | 14-成本指标 |")
    path.write_text(partly, encoding="utf-8")
    output = run("check", str(path), "--format", "concise", "--lang", "en").output
    assert codes(output) == ["BL009"] and "unknown rule BL999:" in output  # BL502 still suppressed


# ---------------------------------------------------------------- nothing checked (item 1)
def test_a_folder_with_nothing_to_check_fails_with_the_reason(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("check", str(empty), "--format", "concise")
    assert result.exit_code == 2
    assert result.output == f"{empty}:1:1: E000 nothing to check: the folder holds no file\n"
    (empty / "notes.json").write_text("{}\n", encoding="utf-8")  # .csv is a document since issue 20
    result = run("check", str(empty), "--format", "concise")
    assert result.exit_code == 2 and "none of its 1 file(s) matches `include` (*.md, *.txt" in result.output
    (empty / "README.md").write_text("# 说明\n\n没有表格。\n", encoding="utf-8")
    result = run("check", str(empty), "--format", "json")
    assert result.exit_code == 2
    (error,) = json.loads(result.output)["errors"]
    assert error["message"] == "nothing checked: none of its 1 file(s) holds a project table (no 项目名称 row)"
    (empty / "t.md").write_text(CLEAN, encoding="utf-8")
    assert run("check", str(empty), "--format", "concise").exit_code == 0


def test_a_markdown_file_without_a_table_reports_nothing_of_its_rows(tmp_path):
    # a repository's README: Markdown tables of its own, no 项目名称 — none of its rows is a finding
    (tmp_path / "README.md").write_text("# 说明\n\n| 列 | 含义 |\n|---|---|\n| a | b |\n", encoding="utf-8")
    (tmp_path / "t.md").write_text(CLEAN, encoding="utf-8")
    result = run("check", str(tmp_path), "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.output)
    assert [f for f in report["findings"] if f["path"].endswith("README.md")] == []
    assert report["errors"] == []
    named = run("check", str(tmp_path / "README.md"), "--format", "concise")  # named: one line, exit 2
    assert named.exit_code == 2
    assert named.output == f"{tmp_path / 'README.md'}:1:1: E000 no project table found (no 项目名称 row)\n"


def test_a_folder_whose_files_are_all_excluded_fails(tmp_path):
    (tmp_path / "budgetlint.toml").write_text('exclude = ["drafts/"]\n', encoding="utf-8")
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "t.md").write_text(CLEAN, encoding="utf-8")
    result = run("check", str(tmp_path / "drafts"), "--format", "concise")
    assert result.exit_code == 2 and "all excluded by the config's `exclude`" in result.output


def test_files_named_but_all_excluded_are_skipped_with_a_note(tmp_path):
    """As `ruff check --force-exclude` under pre-commit: the hook names every staged file."""
    (tmp_path / "budgetlint.toml").write_text('exclude = ["drafts/"]\n', encoding="utf-8")
    (tmp_path / "drafts").mkdir()
    draft = tmp_path / "drafts" / "t.md"
    draft.write_text(LOW, encoding="utf-8")
    result = run("check", str(draft), "--format", "concise")
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr == f"budgetlint: {draft}: skipped, excluded by the config's `exclude`\n"
    assert run("check", str(draft), "--format", "concise", "-q").stderr == ""
    kept = tmp_path / "t.md"
    kept.write_text(LOW, encoding="utf-8")
    both = run("check", str(draft), str(kept), "--format", "concise")
    assert both.exit_code == 0 and codes(both.stdout) == ["BL402", "BL403"] and "skipped" in both.stderr


# ---------------------------------------------------------------- colour (item 2)
def _escapes(output: str) -> bool:
    return "\x1b[" in output


def test_color_spellings_on_the_command_line(tmp_path):
    path = tmp_path / "t.md"
    path.write_text(LOW, encoding="utf-8")
    for args, coloured in (
        (["--color"], True),  # alone, before a path: a flag, as before
        (["--color=always"], True),
        (["--color", "always"], True),
        (["--color=never"], False),
        (["--color", "never"], False),
        (["--no-color"], False),
        (["--color=auto"], False),  # CliRunner's output is not a terminal
        ([], False),
    ):
        result = run("check", *args, str(path), "--lang", "en")
        assert result.exit_code == 0, (args, result.output)  # warnings
        assert "BL403" in result.output
        assert _escapes(result.output) is coloured, args
    assert run("check", "--color=sometimes", str(path)).exit_code == 2


def test_color_spellings_on_the_fast_path():
    from budgetlint.checkcmd import fast_parse

    assert fast_parse(["--color", "a.md"])["color"] == "always"
    assert fast_parse(["--color", "a.md"])["paths"] == (Path("a.md"),)
    assert fast_parse(["--color=never", "a.md"])["color"] == "never"
    assert fast_parse(["--color", "auto", "a.md"])["color"] == "auto"
    assert fast_parse(["--no-color"])["color"] == "never"
    assert fast_parse(["--", "--color"])["paths"] == (Path("--color"),)
    assert fast_parse(["--color=sometimes"]) is None  # click explains


def test_no_color_and_force_color_from_the_environment(tmp_path):
    path = tmp_path / "t.md"
    path.write_text(LOW, encoding="utf-8")
    base = {"NO_COLOR": "", "FORCE_COLOR": "", "TERM": "xterm-256color"}
    assert _escapes(run("check", str(path), env={**base, "FORCE_COLOR": "1"}).output)
    assert not _escapes(run("check", str(path), env={**base, "FORCE_COLOR": "1", "NO_COLOR": "1"}).output)
    assert not _escapes(run("check", str(path), env={**base, "FORCE_COLOR": "1", "NO_COLOR": "0"}).output)
    # an empty NO_COLOR is no NO_COLOR; the command line wins over the environment
    assert _escapes(run("check", str(path), env={**base, "FORCE_COLOR": "1", "NO_COLOR": ""}).output)
    assert _escapes(run("check", str(path), "--color=always", env={**base, "NO_COLOR": "1"}).output)
    assert not _escapes(run("check", str(path), "--no-color", env={**base, "FORCE_COLOR": "1"}).output)


def test_no_color_on_a_real_terminal(tmp_path):
    """The console script on a pseudo-terminal: coloured by default, plain with NO_COLOR=1."""
    import os
    import pty
    import subprocess
    import sys

    path = tmp_path / "t.md"
    path.write_text(LOW, encoding="utf-8")

    def on_a_terminal(extra: dict[str, str]) -> str:
        main_fd, child_fd = pty.openpty()
        env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
        env.update(TERM="xterm-256color", **extra)
        code = "from budgetlint.entry import main; main()"
        process = subprocess.Popen(
            [sys.executable, "-c", code, "check", str(path)], stdout=child_fd, stderr=child_fd, env=env
        )
        os.close(child_fd)
        chunks = []
        while True:
            try:
                chunk = os.read(main_fd, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(main_fd)
        assert process.wait(timeout=60) == 0
        return b"".join(chunks).decode("utf-8", "replace")

    assert _escapes(on_a_terminal({}))
    plain = on_a_terminal({"NO_COLOR": "1"})
    assert "BL403" in plain and not _escapes(plain)


# ---------------------------------------------------------------- standard input (item 3)
def test_dash_reads_standard_input(tmp_path):
    result = run("check", "-", "--format", "concise", "--lang", "en", input=LOW.encode("utf-8"))
    assert result.exit_code == 0  # two warnings
    assert codes(result.output) == ["BL402", "BL403"]
    assert result.output.startswith("-:20:")


def test_stdin_filename_decides_config_per_file_ignores_and_the_path_shown(tmp_path, monkeypatch):
    (tmp_path / "budgetlint.toml").write_text(
        'lang = "en"\nexclude = ["archive/"]\n[per-file-ignores]\n"drafts/*.md" = ["satisfaction"]\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    shown = run("check", "-", "--stdin-filename", "budgets/a.md", "--format", "concise", input=LOW)
    assert shown.exit_code == 0 and shown.output.startswith("budgets/a.md:20:")
    assert "has no comparator" in shown.output  # the config's lang
    ignored = run("check", "--stdin-filename", "drafts/a.md", "--format", "json", input=LOW)  # no paths: stdin
    assert ignored.exit_code == 0 and json.loads(ignored.output)["summary"]["projects"] == 1
    excluded = run("check", "-", "--stdin-filename", "archive/a.md", "--format", "concise", input=LOW)
    assert excluded.exit_code == 0 and "archive/a.md: skipped" in excluded.stderr
    rich = run("check", "-", "--stdin-filename", "budgets/a.md", "--no-color", input=LOW)
    assert "20 │ | 3-满意度指标" in rich.output  # the code frame comes from standard input
    assert run("check", "-", "--fix", input=LOW).exit_code == 2
    assert run("check", "-", input=b"\x00\x01\x02binary").exit_code == 2


# ---------------------------------------------------------------- statistics, quiet, the fix hint (item 4)
def test_statistics_count_findings_by_rule():
    text = run("check", str(SEED), "--statistics", "--lang", "en")
    assert text.exit_code == 1  # the exit code is the check's
    lines = text.output.splitlines()
    assert lines[0].split() == ["11", "BL802", "non-standard-comparator", "info", "[*]"]
    assert "8  BL502  bare-wan" in text.output and lines[-1] == "[*] 20 fixable with `--fix`"
    rows = json.loads(run("check", str(SEED), "--statistics", "--format", "json").output)
    assert sum(row["count"] for row in rows) == 56
    assert {"code": "BL502", "name": "bare-wan", "severity": "warning", "count": 8, "fixable": 8} in rows
    assert run("check", str(SEED), "--statistics", "--format", "sarif").exit_code == 2


def test_quiet_prints_the_findings_only_with_the_same_exit_code(tmp_path):
    loud = run("check", str(SEED), "--no-color", "--lang", "en")
    quiet = run("check", str(SEED), "--no-color", "--lang", "en", "--quiet")
    assert quiet.exit_code == loud.exit_code == 1
    assert "Checked 1 file" in loud.output and "Checked" not in quiet.output and "fixable" not in quiet.output
    assert quiet.output and loud.output.startswith(quiet.output)
    path = tmp_path / "t.md"
    path.write_text(CLEAN, encoding="utf-8")
    assert run("check", str(path), "-q").output == ""


def test_the_rich_summary_says_how_many_findings_fix_can_fix(tmp_path):
    path = tmp_path / "t.md"
    path.write_text(BARE_WAN, encoding="utf-8")
    english = run("check", str(path), "--no-color", "--lang", "en").output.splitlines()
    assert english[-2:] == ["Checked 1 file, 1 project table: 1 warning", "[*] 1 fixable with `--fix`"]
    chinese = run("check", str(path), "--no-color", "--lang", "zh").output.splitlines()
    assert chinese[-1] == "[*] 其中 1 个可用 `--fix` 自动修复"
    run("check", str(path), "--fix")
    assert "fixable" not in run("check", str(path), "--no-color", "--lang", "en").output
