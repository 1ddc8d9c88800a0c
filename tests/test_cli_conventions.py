"""Issue 21: the command-line conventions ruff users expect — nothing checked never passes, colour,
stdin, statistics and quiet output, `fmt --diff`, the config's `lang`, family names."""

from __future__ import annotations

import json

from click.testing import CliRunner
from conftest import CLEAN_TABLE, SEED

from budgetlint.cli import main

CLEAN = CLEAN_TABLE + "| 3-满意度指标 | 31-服务对象满意度 | 参训人员满意度 | ≥90% |\n"
BARE_WAN = CLEAN.replace("| 举办培训 | 5 万元/期 |", "| 举办培训 | 5 万/期 |")  # BL502 at line 18, a safe fix
LOW = CLEAN.replace("| 参训人员满意度 | ≥90% |", "| 参训人员满意度 | 59% |")  # BL402, BL403


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
