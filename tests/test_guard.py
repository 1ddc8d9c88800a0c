"""Issue 22, first slice: one guard for every command, a walk that never crashes.

- A bug of ours with one file is `path: internal error, please report it: …`, exit code 2, and the other
  files are still checked, fixed or formatted — in `check`, `check --fix`, `fmt` (every mode) and `parse`;
  `BUDGETLINT_DEBUG=1` lets the exception through instead.
- Link loops, dangling links, a loop named on the command line and folders that cannot be read or entered
  are one line each, and the rest is checked, in every command.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import table, this_checkout

from budgetlint.cli import main
from budgetlint.valueread import ValueReader

# A table with one safe fix (BL802: 达…以上 → ≥) that fmt rewrites too: checked, fixed and formatted alike.
GOOD = table("""
    | 项目名称 | 示例项目 |
    | 一级指标 | 二级指标 | 三级指标 | 绩效值 |
    | 3-满意度指标 | 31-服务对象满意度 | 企业服务满意度 | 达90%以上 |
""")
MARK = "达91.2345%以上"  # the value that meets the planted bug: in a.md only
BAD = GOOD.replace("达90%以上", MARK)
FIXED_ROW = "| 3-满意度指标 | 31-服务对象满意度 | 企业服务满意度 | ≥90% |"
INTERNAL = "internal error, please report it: ZeroDivisionError: a planted bug"


def invoke(folder: Path, monkeypatch, *args: str, catch: bool = False):
    monkeypatch.chdir(folder)
    return CliRunner().invoke(main, list(args), catch_exceptions=catch)


@pytest.fixture
def planted(tmp_path, monkeypatch):
    """docs/a.md meets a bug of ours in the value reader (in every command: they all read values);
    docs/b.md, after it, does not."""
    monkeypatch.delenv("BUDGETLINT_DEBUG", raising=False)
    measure = ValueReader._measure

    def broken(self, tree, raw):
        if raw == MARK:
            raise ZeroDivisionError("a planted bug")
        return measure(self, tree, raw)

    monkeypatch.setattr(ValueReader, "_measure", broken)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text(BAD, encoding="utf-8")
    (tmp_path / "docs" / "b.md").write_text(GOOD, encoding="utf-8")
    return tmp_path


def error_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if "internal error" in line or "Traceback" in line]


# ==================================================================== 1. one guard for every command
def test_check_reports_a_bug_as_one_line_and_checks_the_next_file(planted, monkeypatch):
    result = invoke(planted, monkeypatch, "check", "docs", "--format", "json", "--lang", "en")
    report = json.loads(result.stdout)
    assert result.exit_code == 2
    assert [(e["path"], e["message"].split(" at ")[0]) for e in report["errors"]] == [("docs/a.md", INTERNAL)]
    assert {f["path"] for f in report["findings"]} == {"docs/b.md"}  # b.md checked


def test_check_fix_reports_a_bug_as_one_line_and_fixes_the_next_file(planted, monkeypatch):
    result = invoke(planted, monkeypatch, "check", "--fix", "docs", "--format", "json", "--lang", "en")
    report = json.loads(result.stdout)
    assert result.exit_code == 2
    # met while fixing and again while checking: one line
    assert [(e["path"], e["message"].split(" at ")[0]) for e in report["errors"]] == [("docs/a.md", INTERNAL)]
    assert "Traceback" not in result.output
    assert "fixed 1 finding in 1 file (BL802 ×1)" in result.stderr
    assert (planted / "docs" / "b.md").read_text(encoding="utf-8").splitlines()[2] == FIXED_ROW
    assert (planted / "docs" / "a.md").read_text(encoding="utf-8") == BAD


def test_a_bug_met_only_while_fixing_is_in_the_report(planted, monkeypatch):
    from budgetlint import fixes

    fix_text = fixes.fix_text

    def broken(text, *args, **kwargs):
        if "示例项目乙" in text:
            raise ZeroDivisionError("a planted bug")
        return fix_text(text, *args, **kwargs)

    other = GOOD.replace("示例项目", "示例项目乙")  # b.md: no bug while checking it, one while fixing it
    (planted / "docs" / "a.md").write_text(GOOD, encoding="utf-8")
    (planted / "docs" / "b.md").write_text(other, encoding="utf-8")
    monkeypatch.setattr(fixes, "fix_text", broken)
    result = invoke(planted, monkeypatch, "check", "--fix", "docs", "--format", "concise", "--lang", "en")
    assert result.exit_code == 2
    assert [line.split(" at ")[0] for line in error_lines(result.stdout)] == [f"docs/b.md:1:1: E000 {INTERNAL}"]
    assert (planted / "docs" / "a.md").read_text(encoding="utf-8").splitlines()[2] == FIXED_ROW  # a.md fixed
    assert (planted / "docs" / "b.md").read_text(encoding="utf-8") == other  # left as it was


@pytest.mark.parametrize("mode", [[], ["--check"], ["--diff"]])
def test_fmt_reports_a_bug_as_one_line_and_formats_the_next_file(planted, monkeypatch, mode):
    result = invoke(planted, monkeypatch, "fmt", *mode, "docs", "--lang", "en")
    assert result.exit_code == 2
    assert [line.split(" at ")[0] for line in error_lines(result.stderr)] == [f"docs/a.md: {INTERNAL}"]
    assert "Traceback" not in result.output
    assert (planted / "docs" / "a.md").read_text(encoding="utf-8") == BAD
    formatted = (planted / "docs" / "b.md").read_text(encoding="utf-8")
    if mode:
        assert formatted == GOOD
        assert (
            ("would reformat docs/b.md" in result.stderr)
            if mode == ["--check"]
            else ("+++ b/docs/b.md" in result.stdout)
        )
    else:
        assert FIXED_ROW.replace(" ", "") in formatted.replace(" ", "")  # b.md formatted: ≥90%
        assert "reformatted docs/b.md" in result.stderr


def test_parse_reports_a_bug_as_one_line(planted, monkeypatch):
    result = invoke(planted, monkeypatch, "parse", "docs/a.md")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert [line.split(" at ")[0] for line in result.stderr.splitlines()] == [f"budgetlint: docs/a.md: {INTERNAL}"]
    assert invoke(planted, monkeypatch, "parse", "docs/b.md").exit_code == 0


@pytest.mark.parametrize(
    "args",
    [
        ["check", "docs"],
        ["check", "--fix", "docs"],
        ["fmt", "docs"],
        ["fmt", "--check", "docs"],
        ["parse", "docs/a.md"],
    ],
)
def test_budgetlint_debug_lets_the_traceback_through(planted, monkeypatch, args):
    monkeypatch.setenv("BUDGETLINT_DEBUG", "1")
    result = invoke(planted, monkeypatch, *args, catch=True)
    assert isinstance(result.exception, ZeroDivisionError)


def test_an_internal_error_is_one_line_even_when_its_message_is_not(planted, monkeypatch):
    from budgetlint.runner import MAX_INTERNAL, Guard

    errors: list = []
    with Guard("x.md", errors) as guard:
        raise ValueError("first line\nsecond line" + "x" * 10_000)
    assert guard.failed and len(errors) == 1
    assert (
        "\n" not in str(errors[0])
        and len(errors[0].message) <= len("internal error, please report it: ") + MAX_INTERNAL
    )
    with pytest.raises(KeyboardInterrupt):
        with Guard("x.md", errors):
            raise KeyboardInterrupt


# ==================================================================== 2. walking never crashes
@pytest.fixture
def links(tmp_path, monkeypatch):
    """docs/ with a document (one BL802) beside a link to itself, a dangling link and a folder linked to itself."""
    monkeypatch.delenv("BUDGETLINT_DEBUG", raising=False)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text(GOOD, encoding="utf-8")
    (docs / "loop.md").symlink_to("loop.md")
    (docs / "dangling.md").symlink_to("nowhere.md")
    (docs / "itself").symlink_to(".")  # a folder linked to itself: not followed inside a walk
    (docs / "ring").symlink_to("ring")  # a loop without a document's name, for the command line
    return tmp_path


LINK_LINES = ["docs/dangling.md: broken symbolic link", "docs/loop.md: symbolic link loop"]


def concise_errors(output: str) -> list[str]:
    return sorted(line.replace(":1:1: E000", ":") for line in output.splitlines() if ": E000 " in line)


@pytest.mark.parametrize("fix", [[], ["--fix"]])
def test_check_of_a_folder_with_link_loops_reports_each_and_checks_the_rest(links, monkeypatch, fix):
    result = invoke(links, monkeypatch, "check", *fix, "docs", "--format", "concise", "--show-info", "--lang", "en")
    assert result.exit_code == 2
    assert concise_errors(result.stdout) == LINK_LINES
    assert "Traceback" not in result.output
    if fix:
        assert (links / "docs" / "a.md").read_text(encoding="utf-8").splitlines()[2] == FIXED_ROW
    else:
        assert [line.split(":")[:2] for line in result.stdout.splitlines() if "BL802" in line] == [["docs/a.md", "3"]]


@pytest.mark.parametrize("fix", [[], ["--fix"]])
def test_a_folder_with_link_loops_as_json_is_a_whole_report_with_exit_two(links, monkeypatch, fix):
    """Issue 22's reproduction, with options every version has: `check --format json` of a folder holding
    a link loop (a RuntimeError traceback, exit 1 and no report at all, before)."""
    result = invoke(links, monkeypatch, "check", *fix, "docs", "--format", "json", "--lang", "en")
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert sorted((e["path"], e["message"]) for e in report["errors"]) == [
        ("docs/dangling.md", "broken symbolic link"),
        ("docs/loop.md", "symbolic link loop"),
    ]
    if fix:
        assert (links / "docs" / "a.md").read_text(encoding="utf-8").splitlines()[2] == FIXED_ROW
    else:
        found = [(f["path"], f["code"], f["line"]) for f in report["findings"]]
        assert ("docs/a.md", "BL802", 3) in found and {path for path, _, _ in found} == {"docs/a.md"}


@pytest.mark.parametrize("mode", [[], ["--check"], ["--diff"]])
def test_fmt_of_a_folder_with_link_loops_reports_each_and_formats_the_rest(links, monkeypatch, mode):
    result = invoke(links, monkeypatch, "fmt", *mode, "docs", "--lang", "en")
    assert result.exit_code == 2
    assert sorted(line for line in result.stderr.splitlines() if "symbolic link" in line) == LINK_LINES
    assert "1 file reformatted" in result.stderr or "1 file would be reformatted" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--format", "concise"],
        ["check", "--fix", "--format", "concise"],
        ["fmt"],
        ["fmt", "--check"],
    ],
)
@pytest.mark.parametrize("link", ["docs/loop.md", "docs/ring", "docs/itself/loop.md"])
def test_a_loop_named_on_the_command_line_is_one_line_and_the_next_path_is_checked(links, monkeypatch, args, link):
    result = invoke(links, monkeypatch, *args, link, "docs/a.md", "--lang", "en")
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if "symbolic link loop" in line]
    assert len(lines) == 1 and lines[0].startswith(link + ":")
    assert "Traceback" not in result.output
    if "--fix" in args or args == ["fmt"]:  # the next path fixed or formatted
        assert (links / "docs" / "a.md").read_text(encoding="utf-8") != GOOD
    else:  # checked: its BL802, or would be formatted
        assert "docs/a.md" in result.output


@pytest.mark.parametrize(
    "link,why", [("docs/loop.md", "symbolic link loop"), ("docs/dangling.md", "broken symbolic link")]
)
def test_parse_of_a_link_loop_or_a_dangling_link_is_one_line(links, monkeypatch, link, why):
    result = invoke(links, monkeypatch, "parse", link)
    assert (result.exit_code, result.output) == (2, f"budgetlint: {link}: {why}\n")


def test_a_folder_linked_to_itself_is_walked_once(links, monkeypatch):
    result = invoke(links, monkeypatch, "check", "docs/itself", "--format", "json", "--lang", "en")
    report = json.loads(result.stdout)
    assert {f["path"] for f in report["findings"]} == {"docs/itself/a.md"}
    assert sorted(e["message"] for e in report["errors"]) == ["broken symbolic link", "symbolic link loop"]


def test_a_config_in_a_link_loop_folder_or_a_loop_pack_is_one_line(tmp_path, monkeypatch):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text(GOOD, encoding="utf-8")
    (docs / "budgetlint.toml").write_text("packs = ['pack.toml']\n", encoding="utf-8")
    (docs / "pack.toml").symlink_to("pack.toml")
    result = invoke(tmp_path, monkeypatch, "check", "docs", "--format", "concise", "--lang", "en")
    assert result.exit_code == 2
    assert "rule pack 'pack.toml' not found" in result.stdout
    assert "Traceback" not in result.output


# ---------------------------------------------------------------- folders that cannot be read
def _unprivileged() -> list[str]:
    """The command prefix that runs as a user whom the folders' modes bind: none for a user who is not
    root; for root, setpriv to nobody (root reads every folder), or the test is skipped."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: every folder reads")
    import grp

    group = next((name for name in ("nogroup", "nobody") if _has_group(grp, name)), None)
    if group is None:
        pytest.skip("running as root, with no group for nobody")
    return [setpriv, "--reuid=nobody", f"--regid={group}", "--clear-groups"]


def _has_group(grp, name: str) -> bool:
    try:
        grp.getgrnam(name)
    except KeyError:
        return False
    return True


@pytest.fixture
def locked():
    """A folder every user may use, holding docs/a.md (fixable), docs/locked (mode 0: not listed, not
    entered) and docs/closed (listed but not entered: mode r--, so its b.md is seen and cannot be opened)."""
    base = Path(tempfile.mkdtemp(prefix="budgetlint-locked-"))
    os.chmod(base, 0o777)
    docs = base / "docs"
    (docs / "locked").mkdir(parents=True)
    (docs / "closed").mkdir()
    (docs / "a.md").write_text(GOOD, encoding="utf-8")
    (docs / "locked" / "x.md").write_text(GOOD, encoding="utf-8")
    (docs / "closed" / "b.md").write_text(GOOD, encoding="utf-8")
    os.chmod(docs, 0o777)
    os.chmod(docs / "a.md", 0o666)
    if os.geteuid() == 0:  # the file is the unprivileged user's own: a rewrite never gives it another owner
        import grp
        import pwd

        group = next((grp.getgrnam(name).gr_gid for name in ("nogroup", "nobody") if _has_group(grp, name)), -1)
        os.chown(docs / "a.md", pwd.getpwnam("nobody").pw_uid, group)
    os.chmod(docs / "locked", 0)
    os.chmod(docs / "closed", 0o444)
    yield base
    os.chmod(docs / "locked", 0o755)
    os.chmod(docs / "closed", 0o755)
    shutil.rmtree(base)


def run_unprivileged(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """budgetlint ARGS in `folder`, as a user the folders' modes apply to (this one, or nobody for root)."""
    prefix = _unprivileged()
    env = this_checkout({**os.environ, "BUDGETLINT_LANG": "en"})
    env.pop("BUDGETLINT_DEBUG", None)

    def run(*argv: str) -> subprocess.CompletedProcess:
        command = [*prefix, sys.executable, *argv]
        return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=120)

    if prefix and run("-c", "import budgetlint").returncode:
        pytest.skip("the unprivileged user cannot import budgetlint (its folders are not readable to it)")
    return run("-m", "budgetlint", *args)


UNREADABLE = [
    "docs/closed/b.md: permission denied",
    "docs/locked: cannot read folder (Permission denied)",
]


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["check", "--format", "concise", "--show-info"],
        ["check", "--fix", "--format", "concise", "--show-info"],
        ["fmt"],
        ["fmt", "--check"],
    ],
)
def test_unreadable_folders_are_one_line_each_and_the_rest_is_checked(locked, args):
    result = run_unprivileged(locked, *args, "docs")
    assert "Traceback" not in result.stderr, result.stderr
    lines = sorted(
        line.replace(":1:1: E000", ":")
        for line in (result.stdout + result.stderr).splitlines()
        if "ermission denied" in line
    )
    assert lines == UNREADABLE
    assert result.returncode == 2
    if args == ["check", "--fix", "--format", "concise", "--show-info"] or args == ["fmt"]:  # fixed or formatted: ≥90%
        assert "≥90%" in (locked / "docs" / "a.md").read_text(encoding="utf-8")
    elif args[0] == "check":
        assert "BL802" in result.stdout and "docs/a.md:3:" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("args", [["check", "--format", "concise"], ["fmt", "--check"], ["parse"]])
def test_a_file_in_a_folder_that_cannot_be_entered_named_on_the_command_line_is_one_line(locked, args):
    result = run_unprivileged(locked, *args, "docs/closed/b.md")
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2
    assert "docs/closed/b.md: permission denied" in (result.stdout + result.stderr).replace(":1:1: E000", ":")
