"""Walking folders of messy files: every problem reported once, nothing written, the documented exit code."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from budgetlint.cli import main
from budgetlint.runner import Runner, frame_lines

DATA = Path(__file__).resolve().parent / "data"
TABLE = (DATA / "table.md").read_text(encoding="utf-8")
BL001 = "BL001 label broken by a line break: expected '其他资金', found '其他资' and a fragment below"
BL005 = "BL005 file encoding: expected UTF-8, found GB18030 (read as GB18030)"


def invoke(folder: Path, monkeypatch, *args: str):
    monkeypatch.chdir(folder)
    return CliRunner().invoke(main, ["check", *args, "--lang", "en"], catch_exceptions=False)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder under `folder` (hidden ones too) with a hash of its bytes."""
    found = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs:
            found[os.path.relpath(os.path.join(root, name), folder) + "/"] = "dir"
        for name in files:
            path = Path(root) / name
            found[os.path.relpath(path, folder)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    """A document folder as it really looks: good tables, binaries, GB18030, notes, broken configs."""
    root = tmp_path / "docs"
    (root / "2024").mkdir(parents=True)
    (root / "2024" / "a-table.md").write_text(TABLE, encoding="utf-8")
    (root / "2024" / "b-windows.txt").write_bytes((DATA / "encodings" / "table.gb18030.txt").read_bytes())
    (root / "2024" / "c-scan.md").write_bytes((DATA / "encodings" / "image.md").read_bytes())
    (root / "2024" / "d-big5.txt").write_bytes((DATA / "encodings" / "big5.txt").read_bytes())
    (root / "2024" / "e-notes.md").write_text("# 说明\n\n本文件夹存放 2024 年绩效目标表。\n", encoding="utf-8")
    (root / "2024" / "f-empty.md").write_bytes(b"")
    (root / "2024" / "logo.png").write_bytes((DATA / "encodings" / "image.md").read_bytes())  # not a document name
    (root / ".git").mkdir()
    (root / ".git" / "x.md").write_bytes(b"\x00")  # hidden folders are not walked
    broken = root / "drafts"
    broken.mkdir()
    (broken / "budgetlint.toml").write_text("select = [\n", encoding="utf-8")
    for name in ("x.md", "y.md", "z.md"):
        (broken / name).write_text(TABLE, encoding="utf-8")
    pack = root / "ningxia"
    pack.mkdir()
    (pack / "budgetlint.toml").write_text("packs = ['pack.toml']\n", encoding="utf-8")
    (pack / "pack.toml").write_text("[vocabulary.header.other]\naliases = [1]\n", encoding="utf-8")
    (pack / "t.md").write_text(TABLE, encoding="utf-8")
    return tmp_path


MESSY_CONCISE = (  # config errors are found while walking, before any file is read
    "docs/drafts/budgetlint.toml:1:1: E000 not valid TOML (Invalid value (at end of document))\n"
    "docs/ningxia/pack.toml:2:1: E000 vocabulary.header.other.aliases[0]: expected a string, got an integer 1\n"
    "docs/2024/c-scan.md:3:1: E000 binary file (NUL bytes), not a text document\n"
    "docs/2024/d-big5.txt:1:1: E000 not text in UTF-8, UTF-16 or GB18030 (as GB18030 it is mostly rare characters: "
    "another encoding such as Big5 or Shift-JIS, or binary data)\n"
    f"docs/2024/a-table.md:9:3: {BL001}\n"
    f"docs/2024/b-windows.txt:1:1: {BL005}\n"
    f"docs/2024/b-windows.txt:9:3: {BL001}\n"
)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_messy_folder_reports_each_problem_once_and_exits_two(messy, monkeypatch, jobs):
    # With --jobs 2 the files are checked by a pool of workers: still each problem once, in order.
    result = invoke(messy, monkeypatch, "docs", "--format", "concise", "--show-info", "--jobs", jobs)
    assert (result.exit_code, result.output) == (2, MESSY_CONCISE)


def test_messy_folder_as_json_counts_files_and_errors(messy, monkeypatch):
    result = invoke(messy, monkeypatch, "docs", "--format", "json")
    data = json.loads(result.output)
    assert result.exit_code == 2
    assert data["errors"] == [
        {
            "path": "docs/drafts/budgetlint.toml",
            "line": None,
            "message": "not valid TOML (Invalid value (at end of document))",
        },
        {
            "path": "docs/ningxia/pack.toml",
            "line": 2,
            "message": "vocabulary.header.other.aliases[0]: expected a string, got an integer 1",
        },
        {"path": "docs/2024/c-scan.md", "line": 3, "message": "binary file (NUL bytes), not a text document"},
        {
            "path": "docs/2024/d-big5.txt",
            "line": 1,
            "message": "not text in UTF-8, UTF-16 or GB18030 (as GB18030 it is mostly rare characters: another "
            "encoding such as Big5 or Shift-JIS, or binary data)",
        },
    ]
    # a-table, b-windows, e-notes, f-empty were read; the notes and the empty file hold no table.
    assert (data["summary"]["files"], data["summary"]["projects"]) == (4, 2)
    assert [(f["path"], f["line"], f["code"]) for f in data["findings"]] == [
        ("docs/2024/a-table.md", 9, "BL001"),
        ("docs/2024/b-windows.txt", 1, "BL005"),
        ("docs/2024/b-windows.txt", 9, "BL001"),
    ]


def test_messy_folder_in_rich_output_notes_the_skipped_files(messy, monkeypatch):
    result = invoke(messy, monkeypatch, "docs", "--format", "rich", "--no-color")
    assert result.exit_code == 2
    assert result.output.count("docs/drafts/budgetlint.toml") == 1
    tail = result.output.splitlines()[-4:]
    assert tail == [
        "Checked 4 files, 2 project tables: 2 warnings, 1 info",
        "1 info not shown: `--show-info` (or `--min-severity info`) shows them",
        "docs/2024/e-notes.md: skipped, no project table",
        "docs/2024/f-empty.md: skipped, no project table",
    ]


def test_check_writes_nothing_and_leaves_every_file_byte_identical(messy, monkeypatch):
    from importlib.util import find_spec

    from budgetlint.reporters import FORMATS

    before = snapshot(messy)
    for fmt, module in FORMATS.items():
        if find_spec(module) is not None:  # formats still being built elsewhere are skipped
            invoke(messy, monkeypatch, "docs", "--format", fmt)
    invoke(messy, monkeypatch, "docs/2024/a-table.md", "docs/2024/b-windows.txt")
    assert snapshot(messy) == before


def test_check_of_the_examples_writes_nothing(tmp_path, monkeypatch):
    examples = Path(__file__).resolve().parent.parent / "examples"
    shutil.copytree(examples, tmp_path / "examples")
    before = snapshot(tmp_path)
    result = invoke(tmp_path, monkeypatch, "examples", "--format", "concise")
    assert result.exit_code in (0, 1)
    assert snapshot(tmp_path) == before


def test_walk_does_not_follow_a_symlink_loop(tmp_path, monkeypatch):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "t.md").write_text(TABLE, encoding="utf-8")
    (tmp_path / "docs" / "loop").symlink_to(tmp_path / "docs")
    result = invoke(tmp_path, monkeypatch, "docs", "--format", "concise")
    assert (result.exit_code, result.output) == (0, f"docs/t.md:9:3: {BL001}\n")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder")
def test_an_unreadable_subfolder_is_an_error_and_the_rest_is_checked(tmp_path, monkeypatch):
    (tmp_path / "docs" / "locked").mkdir(parents=True)
    (tmp_path / "docs" / "t.md").write_text(TABLE, encoding="utf-8")
    os.chmod(tmp_path / "docs" / "locked", 0)
    try:
        result = invoke(tmp_path, monkeypatch, "docs", "--format", "concise")
    finally:
        os.chmod(tmp_path / "docs" / "locked", 0o755)
    assert (result.exit_code, result.output) == (
        2,
        f"docs/locked:1:1: E000 cannot read folder (Permission denied)\ndocs/t.md:9:3: {BL001}\n",
    )


def test_an_unreadable_subfolder_reported_by_the_walk(tmp_path, monkeypatch):
    # The same as above for any user: os.walk's error handler is what reports it.
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "t.md").write_text(TABLE, encoding="utf-8")
    real_walk = os.walk

    def walk(top, onerror=None, **kwargs):
        onerror(PermissionError(13, "Permission denied", str(Path(top) / "locked")))
        yield from real_walk(top, onerror=onerror, **kwargs)

    monkeypatch.setattr("budgetlint.runner.os.walk", walk)
    result = invoke(tmp_path, monkeypatch, "docs", "--format", "concise")
    assert (result.exit_code, result.output) == (
        2,
        f"docs/locked:1:1: E000 cannot read folder (Permission denied)\ndocs/t.md:9:3: {BL001}\n",
    )


# ---------------------------------------------------------------- sources for code frames


def test_frame_lines_keeps_only_the_lines_with_findings():
    text = "a\nb\nc\nd\ne"
    assert frame_lines(text, {2, 4}) == "\nb\n\nd"
    assert frame_lines(text, {5}) == "\n\n\n\ne"
    assert frame_lines(text, set()) == ""
    assert frame_lines(text, {9}) == "\n\n\n\ne".replace("e", "")  # past the end: as many lines as there are


def test_runner_keeps_no_source_for_a_clean_file_and_only_finding_lines_otherwise(tmp_path):
    (tmp_path / "t.md").write_text(TABLE, encoding="utf-8")
    clean = TABLE.replace("| 其他资 | 0 | 自治区资金 | 0 |\n| 金 |\n", "| 其他资金 | 0 | 自治区资金 | 0 |\n")
    (tmp_path / "clean.md").write_text(clean, encoding="utf-8")
    result = Runner(lang="en").check_paths([tmp_path / "t.md", tmp_path / "clean.md"])
    [(path, text)] = result.sources.items()
    assert path.endswith("t.md")
    assert text.split("\n") == [""] * 8 + ["| 其他资 | 0 | 自治区资金 | 0 |"]


def test_rich_code_frame_still_shows_the_row(tmp_path, monkeypatch):
    (tmp_path / "t.md").write_text(TABLE, encoding="utf-8")
    result = invoke(tmp_path, monkeypatch, "t.md", "--format", "rich", "--no-color")
    assert "9 │ | 其他资 | 0 | 自治区资金 | 0 |" in result.output


def test_display_paths_are_relative_to_the_current_folder_when_inside_it(tmp_path, monkeypatch):
    from pathlib import Path

    from budgetlint.runner import display_path

    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path)
    inside = tmp_path / "sub" / "t.md"

    def by_paths(path):  # the definition, in pathlib's terms
        try:
            return str(Path(os.path.abspath(path)).relative_to(Path.cwd()))
        except ValueError:
            return str(path)

    cases = [
        inside,
        Path("sub/t.md"),
        Path("./sub//t.md"),
        Path("sub/../t.md"),
        tmp_path,
        Path("."),
        Path("/"),
        tmp_path.parent / "elsewhere.md",
        Path("../x.md"),
        Path(str(tmp_path) + "x/t.md"),
    ]
    for case in cases:
        assert display_path(case) == by_paths(case), case
    assert display_path(inside) == os.path.join("sub", "t.md") and display_path(Path("../x.md")) == "../x.md"
    monkeypatch.chdir("/")
    assert display_path(inside) == str(inside)[1:] == by_paths(inside)
