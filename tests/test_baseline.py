"""The content-keyed baseline (issue 21): today's findings recorded, hidden wherever their tables move."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from conftest import CLEAN_TABLE, ROOT

from budgetlint.baseline import key_of
from budgetlint.cli import main

SCHEMA = json.loads((ROOT / "budgetlint" / "schemas" / "findings-1.json").read_text(encoding="utf-8"))
CLEAN = CLEAN_TABLE + "| 3-满意度指标 | 31-服务对象满意度 | 参训人员满意度 | ≥90% |\n"
HEAD, BODY = CLEAN.split("| 项目名称", 1)
BODY = "| 项目名称" + BODY


def project(name: str, annual: str = "10", quality: str = "≥90%") -> str:
    """One table of CLEAN named `name`, with 年度资金总额 `annual` (10 is right) and 培训合格率 `quality`."""
    return (
        BODY.replace("示例项目", name)
        .replace("年度资金总额 | 10", f"年度资金总额 | {annual}")
        .replace("| 培训合格率 | ≥90% |", f"| 培训合格率 | {quality} |")
    )


# 甲: 年度资金总额 12 where 10 (BL101, BL104, BL201); 乙: 达到90% (BL802, a finding that names no indicator).
A = project("甲项目", annual="12")
B = project("乙项目", quality="达到90%")
TODAY = {("BL101", "甲项目"), ("BL104", "甲项目"), ("BL201", "甲项目"), ("BL802", "乙项目")}


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BUDGETLINT_CACHE_DIR", str(tmp_path / "cache"))


def run(*args: str):
    return CliRunner().invoke(main, ["check", "--lang", "en", *args], catch_exceptions=False)


def report(*args: str) -> dict:
    result = run(*args, "--format", "json")
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def found(data: dict) -> set[tuple[str, str, int]]:
    return {(f["code"], f["project"], f["line"]) for f in data["findings"]}


@pytest.fixture
def doc(tmp_path: Path) -> Path:
    path = tmp_path / "docs" / "t.md"
    path.parent.mkdir()
    path.write_text(HEAD + A + "\n" + B, encoding="utf-8")
    return path


@pytest.fixture
def base(tmp_path: Path, doc: Path) -> Path:
    path = tmp_path / "base.json"
    before = report(str(doc))
    assert {(code, name) for code, name, _ in found(before)} == TODAY
    written = run(str(doc), "--write-baseline", str(path))
    assert written.exit_code == 0 and "4 hidden by the baseline" in written.stdout
    return path


def test_a_written_baseline_hides_todays_findings_and_the_summary_counts_them(doc, base):
    data = report(str(doc), "--baseline", str(base))
    assert data["findings"] == [] and data["summary"]["baselined"] == 4
    jsonschema.validate(data, SCHEMA)
    assert "(4 hidden by the baseline)" in run(str(doc), "--baseline", str(base)).stdout


def test_moving_tables_and_reordering_projects_brings_nothing_back(doc, base):
    doc.write_text(HEAD + "\n\n说明：两个项目。\n\n" + B + "\n\n" + A, encoding="utf-8")
    moved = report(str(doc))
    assert {(code, name) for code, name, _ in found(moved)} == TODAY  # the same findings, on other lines
    data = report(str(doc), "--baseline", str(base))
    assert data["findings"] == [] and data["summary"]["baselined"] == 4


def test_reformatting_with_fmt_brings_nothing_back(doc, base):
    before = doc.read_text(encoding="utf-8")
    assert CliRunner().invoke(main, ["fmt", str(doc)]).exit_code == 0
    assert doc.read_text(encoding="utf-8") != before  # realigned, 达到90% written ≥90%
    data = report(str(doc), "--baseline", str(base))
    assert data["findings"] == [] and data["summary"]["baselined"] == 3  # BL802 is gone: fmt fixed it


def test_a_changed_value_in_an_old_defect_is_reported(doc, base):
    doc.write_text(HEAD + project("甲项目", annual="13") + "\n" + B, encoding="utf-8")
    data = report(str(doc), "--baseline", str(base))
    assert found(data) == {("BL101", "甲项目", 6), ("BL104", "甲项目", 6), ("BL201", "甲项目", 18)}
    assert all(f["actual"] == "13" or f["expected"] == "13" for f in data["findings"])
    assert data["summary"]["baselined"] == 1  # 乙's BL802, unchanged


def test_a_new_defect_is_reported(doc, base):
    doc.write_text(HEAD + A + "\n" + B + "\n" + project("丙项目", quality="达到95%"), encoding="utf-8")
    data = report(str(doc), "--baseline", str(base))
    assert found(data) == {("BL802", "丙项目", 52)}


def test_identical_findings_count_a_third_one_is_reported(tmp_path):
    doc = tmp_path / "t.md"
    same = project("乙项目", quality="达到90%")
    doc.write_text(HEAD + same + "\n" + same, encoding="utf-8")
    base = tmp_path / "base.json"
    assert run(str(doc), "--write-baseline", str(base)).exit_code == 0
    recorded = json.loads(base.read_text(encoding="utf-8"))["findings"]
    assert [entry.get("count") for entry in recorded if entry["code"] == "BL802"] == [2]
    doc.write_text(HEAD + same + "\n" + same + "\n" + same, encoding="utf-8")
    data = report(str(doc), "--baseline", str(base))
    assert [(f["code"], f["line"]) for f in data["findings"] if f["code"] == "BL802"] == [("BL802", 52)]


def test_the_path_is_part_of_the_key_a_renamed_file_is_reported_again(doc, base):
    renamed = doc.with_name("renamed.md")
    doc.rename(renamed)
    data = report(str(renamed), "--baseline", str(base))
    assert {(code, name) for code, name, _ in found(data)} == TODAY and "baselined" not in data["summary"]


def test_the_file_is_sorted_stable_and_relative_to_its_folder(tmp_path, doc, base, monkeypatch):
    first = base.read_bytes()
    entries = json.loads(first)["findings"]
    assert json.loads(first)["version"] == 1
    assert {entry["path"] for entry in entries} == {"docs/t.md"}
    assert [
        tuple(e[k] for k in ("path", "project", "code", "subject", "expected", "actual")) for e in entries
    ] == sorted(tuple(e[k] for k in ("path", "project", "code", "subject", "expected", "actual")) for e in entries)
    monkeypatch.chdir(doc.parent)  # another working folder: the paths shown change, the keys do not
    assert run("t.md", "--write-baseline", str(base)).exit_code == 0
    assert base.read_bytes() == first
    data = report("t.md", "--baseline", str(base))
    assert data["findings"] == [] and data["summary"]["baselined"] == 4


def test_a_subject_is_the_indicator_or_a_hash_of_the_text_pointed_at(doc, base):
    entries = json.loads(base.read_text(encoding="utf-8"))["findings"]
    subjects = {entry["code"]: entry["subject"] for entry in entries}
    assert subjects["BL101"] == "年度资金总额"  # the field a funding rule names
    assert subjects["BL802"].startswith("#") and len(subjects["BL802"]) == 17  # names no indicator: the cell's text
    assert subjects["BL201"].startswith("#")


def test_the_config_key_baseline_is_used_when_no_option_names_one(tmp_path):
    folder = tmp_path / "project"  # a folder of its own: configs are read once a process
    folder.mkdir()
    (folder / "budgetlint.toml").write_text('baseline = "ci/base.json"\n', encoding="utf-8")
    doc = folder / "t.md"
    doc.write_text(HEAD + A + "\n" + B, encoding="utf-8")
    (folder / "ci").mkdir()
    assert run(str(doc), "--write-baseline", str(folder / "ci" / "base.json")).exit_code == 0
    data = report(str(doc))
    assert data["findings"] == [] and data["summary"]["baselined"] == 4


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("{not json", "base.json:1: not a baseline: invalid JSON"),
        ('{"version": 9, "tool": "budgetlint", "findings": []}', "baseline version 9, expected 1"),
        ('{"version": 1, "tool": "budgetlint", "findings": [{"path": "t.md"}]}', "findings[0]: project: expected"),
        ('{"version": 1, "tool": "budgetlint", "findings": [7]}', "findings[0]: expected an object"),
        ("[]", "not a budgetlint baseline"),
    ],
)
def test_a_bad_baseline_is_one_line_and_exit_2(doc, tmp_path, text, says):
    bad = tmp_path / "base.json"
    bad.write_text(text, encoding="utf-8")
    result = run(str(doc), "--baseline", str(bad))
    assert result.exit_code == 2
    assert says in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_a_missing_baseline_is_one_line_and_exit_2(doc, tmp_path):
    result = run(str(doc), "--baseline", str(tmp_path / "none.json"))
    assert result.exit_code == 2 and "baseline not found" in result.stderr


def test_keys_ignore_lines_and_columns(doc, base):
    from budgetlint.runner import Runner

    runner = Runner(lang="en", subjects=True)
    first = runner.check_paths([doc], jobs=1).findings
    doc.write_text("\n\n\n" + doc.read_text(encoding="utf-8"), encoding="utf-8")
    moved = runner.check_paths([doc], jobs=1).findings
    folder = Path(os.getcwd())
    assert [f.span.line + 3 for f in first] == [f.span.line for f in moved]
    assert [key_of(f, folder) for f in first] == [key_of(f, folder) for f in moved]


def test_a_baseline_written_in_chinese_serves_a_run_in_english(tmp_path):
    from conftest import PIPE_SEED

    doc = tmp_path / "seed.md"
    doc.write_text(PIPE_SEED.read_text(encoding="utf-8"), encoding="utf-8")
    english = report(str(doc))["findings"]
    assert any(f["expected"].startswith("a measurable target") for f in english)  # words, not a value
    base = tmp_path / "base.json"
    written = CliRunner().invoke(main, ["check", "--lang", "zh", str(doc), "--write-baseline", str(base)])
    assert written.exit_code == 0
    data = report(str(doc), "--baseline", str(base))
    assert data["findings"] == [] and data["summary"]["baselined"] == len(english)
