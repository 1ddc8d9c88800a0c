"""Issue 21: GitLab Code Quality and JUnit output, validated against the schemas vendored in tests/schemas/
(nothing can be fetched in CI): GitLab's documented Code Quality fields, and the common JUnit XSD."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from conftest import CLEAN_TABLE, SEED

from budgetlint.cli import main
from budgetlint.runner import display_path

SCHEMAS = Path(__file__).parent / "schemas"
CLEAN = CLEAN_TABLE + "| 3-满意度指标 | 31-服务对象满意度 | 参训人员满意度 | ≥90% |\n"
LOW = CLEAN.replace("| 参训人员满意度 | ≥90% |", "| 参训人员满意度 | 59% |")  # BL402, BL403 (warnings)


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def gitlab(*args: str) -> list[dict]:
    result = run("check", *args, "--format", "gitlab")
    issues = json.loads(result.stdout)
    jsonschema.validate(issues, json.loads((SCHEMAS / "gitlab-codequality.json").read_text(encoding="utf-8")))
    return issues


def test_gitlab_code_quality_of_the_seed_follows_the_documented_fields():
    issues = gitlab(str(SEED))
    findings = len(json.loads(run("check", str(SEED), "--format", "json").stdout)["findings"])
    assert len(issues) == findings > 50
    assert len({issue["fingerprint"] for issue in issues}) == findings  # GitLab shows one issue a fingerprint
    by_code = {issue["check_name"]: issue for issue in issues}
    assert by_code["BL403"]["severity"] == "minor"  # a warning
    assert by_code["BL802"]["severity"] == "info"
    assert {issue["severity"] for issue in issues} == {"major", "minor", "info"}  # error, warning, info
    assert by_code["BL403"]["location"] == {"path": display_path(SEED), "lines": {"begin": 560, "end": 560}}
    assert by_code["BL403"]["description"].startswith("BL403 ")


def test_gitlab_fingerprints_follow_content_not_lines(tmp_path):
    path = tmp_path / "t.md"
    path.write_text(LOW, encoding="utf-8")
    before = {issue["check_name"]: issue for issue in gitlab(str(path))}
    path.write_text("# 说明\n\n前言一段。\n\n" + LOW, encoding="utf-8")  # the table moves four lines down
    moved = {issue["check_name"]: issue for issue in gitlab(str(path))}
    assert moved["BL403"]["location"]["lines"]["begin"] == before["BL403"]["location"]["lines"]["begin"] + 4
    assert {code: issue["fingerprint"] for code, issue in moved.items()} == {
        code: issue["fingerprint"] for code, issue in before.items()
    }
    path.write_text(LOW.replace("59%", "58%"), encoding="utf-8")  # a changed value is a new issue
    changed = {issue["check_name"]: issue for issue in gitlab(str(path))}
    assert changed["BL403"]["fingerprint"] != before["BL403"]["fingerprint"]


def test_gitlab_reports_an_unreadable_file_as_a_blocker(tmp_path):
    binary = tmp_path / "bin.md"
    binary.write_bytes(b"\x00\x01\x02binary")
    result = run("check", str(binary), "--format", "gitlab")
    assert result.exit_code == 2
    (issue,) = json.loads(result.stdout)
    assert issue["severity"] == "blocker" and issue["check_name"] == "E000"


def junit(*args: str):
    xmlschema = pytest.importorskip("xmlschema", reason="`pip install -e '.[test]'` brings xmlschema")
    from xml.etree import ElementTree as ET

    result = run("check", *args, "--format", "junit")
    xmlschema.XMLSchema(SCHEMAS / "junit.xsd").validate(result.stdout)
    return result, ET.fromstring(result.stdout)


def test_junit_one_suite_a_file_one_case_a_finding_and_a_passing_case_for_a_clean_file(tmp_path):
    (tmp_path / "a-low.md").write_text(LOW, encoding="utf-8")
    (tmp_path / "b-clean.md").write_text(CLEAN, encoding="utf-8")
    result, root = junit(str(tmp_path), "--lang", "en")
    assert result.exit_code == 0  # warnings only: the exit code is the check's
    suites = root.findall("testsuite")
    assert [suite.get("name") for suite in suites] == [str(tmp_path / "a-low.md"), str(tmp_path / "b-clean.md")]
    low, clean = suites
    assert (low.get("tests"), low.get("failures"), low.get("errors")) == ("2", "2", "0")
    failures = [case.find("failure") for case in low.findall("testcase")]
    assert [failure.get("type") for failure in failures] == ["BL402", "BL403"]
    assert all(failure.get("message") and failure.text for failure in failures)
    (case,) = clean.findall("testcase")
    assert list(case) == [] and clean.get("failures") == "0"
    assert (root.get("tests"), root.get("failures")) == ("3", "2")


def test_junit_of_the_seed_and_of_an_unreadable_file(tmp_path):
    result, root = junit(str(SEED))
    findings = len(json.loads(run("check", str(SEED), "--format", "json").stdout)["findings"])
    assert result.exit_code == 1 and int(root.get("failures")) == findings > 50
    binary = tmp_path / "bin.md"
    binary.write_bytes(b"\x00\x01\x02binary")
    result, root = junit(str(binary))
    assert result.exit_code == 2
    (suite,) = root.findall("testsuite")
    assert suite.get("errors") == "1" and suite.find("testcase/error").get("type") == "E000"
