"""The command line as users run it: exit codes, formats, the JSON schema, parse, rules, explain."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from conftest import CLEAN_TABLE, PIPE_SEED, ROOT, SEED
from hypothesis import given, settings
from hypothesis import strategies as st

from budgetlint.cli import main

SCHEMA = json.loads((ROOT / "budgetlint" / "schemas" / "findings-1.json").read_text(encoding="utf-8"))

CLEAN = CLEAN_TABLE + "| 3-满意度指标 | 31-服务对象满意度 | 参训人员满意度 | ≥90% |\n"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def clean_file(tmp_path: Path) -> Path:
    path = tmp_path / "clean.md"
    path.write_text(CLEAN, encoding="utf-8")
    return path


def test_clean_document_exits_zero(clean_file):
    result = run("check", str(clean_file), "--format", "concise")
    assert result.exit_code == 0, result.output
    assert result.output == ""


def test_missing_required_field_exits_one_with_the_line(tmp_path):
    path = tmp_path / "t.md"
    path.write_text(CLEAN.replace("| 年度总体绩效目标 | 举办培训 2 期。 |\n", ""), encoding="utf-8")
    result = run("check", str(path), "--format", "concise", "--lang", "en")
    assert result.exit_code == 1
    assert f"{path}:4:3: BL003 missing '年度总体绩效目标'" in result.output or ":4:3: BL003" in result.output


def test_fail_on_warning_and_never(tmp_path):
    path = tmp_path / "t.md"
    path.write_text(CLEAN.replace("| 其他资金 | 0 |", "| 其他资 | 0 |\n| 金 |"), encoding="utf-8")
    assert run("check", str(path), "--format", "concise").exit_code == 0  # BL001 is a warning
    assert run("check", str(path), "--format", "concise", "--fail-on", "warning").exit_code == 1
    assert run("check", str(path), "--format", "concise", "--fail-on", "never").exit_code == 0


def test_missing_path_is_exit_two_and_others_still_checked(clean_file, tmp_path):
    result = run("check", str(tmp_path / "nope.md"), str(clean_file), "--format", "json")
    assert result.exit_code == 2
    data = json.loads(result.output)
    assert data["summary"]["files"] == 1
    assert data["errors"][0]["message"] == "no such file or directory"


def test_json_output_of_the_seed_validates_against_the_schema():
    result = run("check", str(SEED), "--format", "json")
    data = json.loads(result.output)
    jsonschema.validate(data, SCHEMA)
    assert data["summary"]["projects"] == 19
    assert data["findings"], "the seed has real defects"
    first = data["findings"][0]
    assert {
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "code",
        "rule",
        "severity",
        "message",
        "project",
    } <= set(first)
    assert data["summary"]["findings"] == len(data["findings"])


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)) | st.sampled_from('"\\\n\t\x00\x1f\u2028/'))


@settings(max_examples=200, deadline=None)
@given(
    message=_TEXT,
    project=st.none() | _TEXT,
    expected=st.none() | _TEXT,
    labels=st.lists(_TEXT, max_size=3),
    edits=st.none() | st.lists(_TEXT, max_size=3),
    safe=st.booleans(),
    line=st.integers(1, 10**7),
)
def test_a_finding_line_is_the_json_of_its_fields(message, project, expected, labels, edits, safe, line):
    """The JSON reporter writes a finding from a template: it must be what json.dumps makes of the same fields,
    whatever the text holds (quotes, backslashes, control characters, line separators)."""
    from budgetlint.findings import Edit, Finding, Fix, Related
    from budgetlint.model import Span
    from budgetlint.reporters.json_output import finding_json

    span = Span(line, 3, line, 9)
    finding = Finding(
        "BL201",
        span,
        expected=expected,
        actual=message,
        project=project,
        path=f"a/{message}.md",
        rule="costs-add-up",
        severity="error",
        message=message,
        related=tuple(Related(span, label) for label in labels),
        fix=None if edits is None else Fix(message, tuple(Edit(span, edit) for edit in edits), safe),
    )
    where = {"line": line, "column": 3, "end_line": line, "end_column": 9}
    data = {
        "path": f"a/{message}.md",
        **where,
        "code": "BL201",
        "rule": "costs-add-up",
        "severity": "error",
        "message": message,
        "project": project,
        "expected": expected,
        "actual": message,
    }
    if labels:
        data["related"] = [{**where, "label": label} for label in labels]
    if edits is not None:
        data["fix"] = {"description": message, "safe": safe, "edits": [{**where, "text": edit} for edit in edits]}
    assert finding_json(finding) == json.dumps(data, ensure_ascii=False)


def test_json_schema_rejects_a_finding_without_a_line():
    result = run("check", str(SEED), "--format", "json")
    data = json.loads(result.output)
    del data["findings"][0]["line"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, SCHEMA)


def test_same_findings_in_every_format_and_every_run():
    concise = run("check", str(SEED), "--format", "concise", "--show-info").output.splitlines()
    again = run("check", str(SEED), "--format", "concise", "--min-severity", "info").output.splitlines()
    data = json.loads(run("check", str(SEED), "--format", "json").output)
    assert concise == again
    assert [(f["line"], f["column"], f["code"]) for f in data["findings"]] == [
        (int(line.split(":")[1]), int(line.split(":")[2]), line.split(": ")[1].split()[0]) for line in concise
    ]


def test_rich_output_shows_the_row_as_a_code_frame(tmp_path):
    path = tmp_path / "t.md"
    path.write_text(CLEAN.replace("| 其他资金 | 0 |", "| 其他资 | 0 |\n| 金 |"), encoding="utf-8")
    result = run("check", str(path), "--no-color", "--lang", "en")
    assert "BL001" in result.output
    assert "9 │ | 其他资 | 0 |\n" in result.output
    assert "│   ^^^^^^" in result.output  # caret under 其他资: 3 CJK characters, 6 columns
    assert "Checked 1 file, 1 project table" in result.output


def test_rich_summary_counts_in_both_languages():
    seed = str(SEED)
    # the summary counts every finding; then the line saying the info ones are not shown, then the --fix hint
    english = run("check", seed, "--no-color", "--lang", "en").output.splitlines()[-3:-1]
    chinese = run("check", seed, "--no-color", "--lang", "zh").output.splitlines()[-3:-1]
    assert english == [
        "Checked 1 file, 19 project tables: 3 errors, 32 warnings, 21 info",
        "21 info not shown: `--show-info` (or `--min-severity info`) shows them",
    ]
    assert chinese == [
        "共检查 1 个文件、19 个项目表：3 个错误、32 个警告、21 个提示",
        "另有 21 个提示未显示：加 `--show-info`（或 `--min-severity info`）显示",
    ]


def test_folder_walk_reads_the_documents_only(tmp_path, clean_file):
    (tmp_path / "notes.json").write_text('{"a": 1}\n', encoding="utf-8")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "sheet.csv").write_text("a,b\n", encoding="utf-8")  # a CSV export is a document (issue 20)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "more.txt").write_text(CLEAN, encoding="utf-8")
    data = json.loads(run("check", str(tmp_path), "--format", "json").output)
    assert data["summary"]["files"] == 3
    assert data["errors"] == []  # the CSV without a table is skipped with a note, not an error


def test_parse_prints_the_model_as_json():
    data = json.loads(run("parse", str(PIPE_SEED)).output)
    assert len(data["projects"]) == 19
    first = data["projects"][0]
    assert first["fields"]["annual"]["amount"] == "1235700"
    assert first["indicators"][0]["value"] == {
        "raw": "≥5 项",
        "kind": "amount",
        "amounts": [
            {
                "comparator": "≥",
                "number": "5",
                "unit": "项",
                "per": None,
                "percent": False,
                "approximate": False,
                "noun": None,
            }
        ],
    }


def test_parse_rich_shows_the_tree():
    result = run("parse", str(PIPE_SEED), "--format", "rich")
    assert "学术交流及学会能力提升专项" in result.output
    assert "≥5 项" in result.output


def test_rules_and_explain():
    listing = run("rules", "--lang", "en").output
    assert "BL001" in listing and "broken-row" in listing
    text = run("explain", "BL802", "--lang", "en").output
    assert text.startswith("BL802 non-standard-comparator")
    assert "达90%以上" in text  # the bad example
    assert run("explain", "BL999").exit_code == 2


def test_unknown_option_is_a_usage_error():
    assert run("check", "--format", "xml").exit_code == 2


def test_select_and_ignore_on_the_command_line():
    only = run("check", str(SEED), "--format", "concise", "--select", "BL001").output.splitlines()
    assert only and all(": BL001 " in line for line in only)
    without = run("check", str(SEED), "--format", "concise", "--ignore", "BL8").output
    assert "BL80" not in without
    assert run("check", str(SEED), "--select", "XX1").exit_code == 2
