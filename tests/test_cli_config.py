"""Issue 21: `--config KEY=VALUE` overrides, and config errors at the line and in the table of their key."""

from __future__ import annotations

import json
import textwrap
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CLEAN_TABLE, SEED

from budgetlint.checkcmd import fast_parse
from budgetlint.cli import main

CLEAN = CLEAN_TABLE + "| 3-满意度指标 | 31-服务对象满意度 | 参训人员满意度 | ≥90% |\n"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def by_code(*args: str) -> Counter:
    result = run("check", *args, "--format", "json")
    return Counter(finding["code"] for finding in json.loads(result.stdout)["findings"])


# ---------------------------------------------------------------- --config KEY=VALUE
def test_config_key_value_overrides_the_defaults():
    plain = by_code(str(SEED))
    assert plain["BL802"] == 11
    ignored = by_code(str(SEED), "--config", 'ignore=["BL802"]')
    assert "BL802" not in ignored and sum(ignored.values()) == sum(plain.values()) - 11
    later = by_code(str(SEED), "--config", 'ignore=["BL802"]', "--config", "fiscal-year=2025")
    assert "BL802" not in later and later["BL301"] > plain["BL301"]  # 2024's deadlines fall outside 2025
    severity = run(
        "check", str(SEED), "--format", "concise", "--config", 'severity.BL802="error"', "--fail-on", "error"
    )
    assert severity.exit_code == 1
    assert by_code(str(SEED), "--config", "satisfaction-minimum=50")["BL403"] == 0  # the seed's 59% passes 50%


def test_config_key_value_overrides_the_config_file_key_by_key(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "t.md").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "budgetlint.toml").write_text('ignore = ["BL502"]\n[severity]\nBL403 = "error"\n', encoding="utf-8")
    configured = by_code(str(folder))
    assert "BL502" not in configured and configured["BL802"] == 11
    overridden = by_code(str(folder), "--config", 'ignore=["BL802"]')  # replaces the file's ignore, as ruff's
    assert overridden["BL502"] == 8 and "BL802" not in overridden
    result = run("check", str(folder), "--format", "json", "--config", 'severity.BL802="error"')
    severities = {(f["code"], f["severity"]) for f in json.loads(result.stdout)["findings"]}
    assert ("BL403", "error") in severities and ("BL802", "error") in severities  # tables merge key by key
    # with --config FILE too; the override wins over it
    custom = tmp_path / "custom.toml"
    custom.write_text('ignore = ["BL5", "BL8"]\n', encoding="utf-8")
    both = by_code(str(folder), "--config", str(custom), "--config", 'ignore=["BL8"]')
    assert both["BL502"] == 8 and "BL802" not in both


def test_a_config_file_whose_name_holds_an_equals_sign_is_still_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("a=b.toml").write_text('ignore = ["BL8"]\n', encoding="utf-8")
    assert "BL802" not in by_code(str(SEED), "--config", "a=b.toml")
    assert fast_parse(["--config", "a=b.toml", "--config", "fiscal-year=2025", "x.md"])["config"] == (
        "a=b.toml",
        "fiscal-year=2025",
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("fiscal-year=abc", "--config 'fiscal-year=abc': expected KEY=VALUE with a TOML value"),
        ("fiscal-year='2024'", "--config \"fiscal-year='2024'\": fiscal-year: expected a year such as 2024"),
        ("nokey=1", "--config 'nokey=1': unknown key 'nokey'\n"),
        ('ignore=["BL999"]', "--config 'ignore=[\"BL999\"]': ignore: 'BL999' is not a rule code"),
    ],
)
def test_a_bad_config_override_is_one_line_naming_the_option(value, message):
    result = run("check", str(SEED), "--config", value)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("budgetlint: " + message) and result.stderr.count("\n") == 1


def test_two_config_files_are_a_usage_error(tmp_path):
    for name in ("a.toml", "b.toml"):
        (tmp_path / name).write_text("", encoding="utf-8")
    result = run("check", str(SEED), "--config", str(tmp_path / "a.toml"), "--config", str(tmp_path / "b.toml"))
    assert result.exit_code == 2 and "one config file at most" in result.output


# ---------------------------------------------------------------- config errors at their line and table
def errors(tmp_path: Path, name: str, text: str) -> list[str]:
    (tmp_path / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    (tmp_path / "t.md").write_text(CLEAN, encoding="utf-8")
    result = run("check", str(tmp_path / "t.md"), "--format", "concise")
    assert result.exit_code == 2
    return [line.replace(str(tmp_path) + "/", "") for line in result.stdout.splitlines()]


def test_a_config_error_is_at_the_line_of_its_key(tmp_path):
    pyproject = """
        [project]
        name = "documents"

        [tool.budgetlint]
        select = ["BL"]
        # the fiscal year of the budget
        fiscal-year = "2024"
    """
    assert errors(tmp_path, "pyproject.toml", pyproject) == [
        "pyproject.toml:7:1: E000 fiscal-year: expected a year such as 2024, got '2024'"
    ]
    nested = """
        ignore = ["BL802"]

        [params.BL403]
        minimum = 80

        [severity]
        BL502 = "error"
        BL403 = "loud"
    """
    assert errors(tmp_path, "budgetlint.toml", nested) == [
        "budgetlint.toml:8:1: E000 severity.BL403: 'loud' is not one of info, warning, error"
    ]
    dotted = """
        ignore = ["BL802"]
        params.BL403.minimum = 80
        params.BL403.maximum = 80
    """
    assert errors(tmp_path, "budgetlint.toml", dotted)[0].startswith(
        "budgetlint.toml:3:1: E000 params.BL403.maximum: BL403 has no parameter 'maximum'"
    )
    inline = """
        select = ["BL"]
        per-file-ignores = { "drafts/*.md" = ["BL7"], "old.md" = ["BL999"] }
    """
    assert errors(tmp_path, "budgetlint.toml", inline)[0].startswith(
        "budgetlint.toml:2:1: E000 per-file-ignores.old.md: 'BL999' is not a rule code"
    )


def test_an_unknown_key_names_the_table_it_is_in(tmp_path):
    assert errors(tmp_path, "budgetlint.toml", 'select = ["BL"]\nselct = ["BL"]\n') == [
        "budgetlint.toml:2:1: E000 unknown key 'selct' at the top level of budgetlint.toml"
    ]
    (tmp_path / "budgetlint.toml").unlink()
    tool = '[tool.other]\nselct = 1\n\n[tool.budgetlint]\nselect = ["BL"]\nselct = ["BL"]\n'
    assert errors(tmp_path, "budgetlint.toml", tool) == [
        "budgetlint.toml:6:1: E000 unknown key 'selct' in [tool.budgetlint]"
    ]
    (tmp_path / "budgetlint.toml").unlink()
    assert errors(tmp_path, "pyproject.toml", "[tool.budgetlint]\n\ncolour = 1\n") == [
        "pyproject.toml:3:1: E000 unknown key 'colour' in [tool.budgetlint]"
    ]
