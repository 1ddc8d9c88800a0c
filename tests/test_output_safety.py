"""Reports never crash and are never left truncated: file names that are not valid UTF-8 are shown with
their bytes escaped in every format, and a report given to --output is written atomically."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from budgetlint.cli import main
from budgetlint.reporters import FORMATS

TABLE = "| 项目名称 | x |\n"
ALL = [name for name in FORMATS if name != "statistics"]

needs_bytes_names = pytest.mark.skipif(
    sys.platform in ("win32", "darwin"), reason="the file system must accept any bytes in a name"
)


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def bad_name(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"bad\xff.md"), "w", encoding="utf-8") as handle:
        handle.write(TABLE)
    monkeypatch.chdir(tmp_path)
    return folder


@needs_bytes_names
@pytest.mark.parametrize("fmt", ALL)
def test_an_undecodable_file_name_is_escaped_in_every_format(bad_name, tmp_path, fmt):
    report = tmp_path / f"report.{fmt}"
    result = run("check", "in", "--format", fmt, "--output", str(report), "--lang", "en")
    assert result.exit_code == 1, result.output
    text = report.read_text(encoding="utf-8")  # strict: the report is valid UTF-8
    if fmt == "sarif":  # a URI: the escape's backslash is percent-encoded
        assert "in/bad%5Cxff.md" in text
        json.loads(text)
    else:
        assert "bad\\xff.md" in text or "bad\\\\xff.md" in text  # the JSON formats escape the backslash
    if fmt in ("json", "gitlab"):
        paths = json.dumps(json.loads(text), ensure_ascii=False)
        assert "in/bad\\\\xff.md" in paths


@needs_bytes_names
def test_an_undecodable_file_name_on_standard_output(bad_name):
    result = run("check", "in", "--format", "concise", "--lang", "en")
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith("in/bad\\xff.md:1:3: BL003 ")


def test_a_failed_report_leaves_the_old_one_whole(tmp_path, monkeypatch):
    """A report that fails halfway (here: the writer raises after its first line) leaves the report that
    was there, and no temporary file beside it."""
    table = tmp_path / "t.md"
    table.write_text(TABLE, encoding="utf-8")
    report = tmp_path / "report.txt"
    report.write_text("the old report\n", encoding="utf-8")
    from budgetlint.reporters import concise

    def broken(result, stream, options):
        stream.write("half a report\n")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(concise, "render", broken)
    result = run("check", str(table), "--format", "concise", "--output", str(report))
    assert result.exit_code == 2
    assert "cannot write the report" in result.output
    assert report.read_text(encoding="utf-8") == "the old report\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["report.txt", "t.md"]


def test_a_report_replaces_the_old_one_and_keeps_its_permissions(tmp_path):
    table = tmp_path / "t.md"
    table.write_text(TABLE, encoding="utf-8")
    report = tmp_path / "report.txt"
    report.write_text("the old report\n", encoding="utf-8")
    os.chmod(report, 0o640)
    result = run("check", str(table), "--format", "concise", "--output", str(report))
    assert result.exit_code == 1
    text = report.read_text(encoding="utf-8")
    assert "BL003" in text and "the old report" not in text
    assert report.stat().st_mode & 0o777 == 0o640
    assert sorted(path.name for path in tmp_path.iterdir()) == ["report.txt", "t.md"]


def test_a_new_report_gets_the_permissions_of_a_new_file(tmp_path):
    table = tmp_path / "t.md"
    table.write_text(TABLE, encoding="utf-8")
    report = tmp_path / "report.json"
    umask = os.umask(0o022)
    try:
        result = run("check", str(table), "--format", "json", "--output", str(report))
    finally:
        os.umask(umask)
    assert result.exit_code == 1
    assert json.loads(report.read_text(encoding="utf-8"))["summary"]["findings"] == 7
    assert report.stat().st_mode & 0o777 == 0o644


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="a system with /dev/null")
def test_a_report_to_a_device_is_written_to_it_never_replacing_it(tmp_path):
    import stat

    table = tmp_path / "t.md"
    table.write_text(TABLE, encoding="utf-8")
    result = run("check", str(table), "--format", "json", "--output", "/dev/null")
    assert result.exit_code == 1
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert not [name for name in os.listdir("/dev") if name.startswith(".null.")]


def test_a_long_cell_is_quoted_by_its_ends_in_messages_and_whole_in_json(tmp_path: Path):
    """A message quoting a 1,200-character cell stays one readable line (its start, "…", its end); the
    JSON report's `actual` keeps the whole cell."""
    from budgetlint.engine import QUOTE_LIMIT

    cell = "xxxx" * 299 + "尾巴"  # a template placeholder (BL605), 1,198 characters
    document = tmp_path / "long.md"
    document.write_text(
        f"| 项目名称 | 示例 |\n| 年度资金总额 | 100 |\n| 年度总体绩效目标 | {cell} |\n"
        "| 一级指标 | 二级指标 | 三级指标 | 指标值 |\n| 产出指标 | 数量指标 | 培训人员 | 8 人次 |\n",
        encoding="utf-8",
    )
    concise = run("check", str(document), "--format", "concise", "--lang", "en", "--no-cache").output
    [line] = [line for line in concise.splitlines() if " BL605 " in line]
    assert cell not in line and "…" + cell[-30:] in line
    assert len(line) < len(str(document)) + 3 * QUOTE_LIMIT
    report = json.loads(run("check", str(document), "--format", "json", "--no-cache").output)
    [finding] = [f for f in report["findings"] if f["code"] == "BL605"]
    assert finding["actual"] == cell and finding["line"] == 3
