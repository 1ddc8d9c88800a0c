"""Rule packs and config are untrusted data (issue 22 item 4).

Each bad pack or config is one line naming the file, the line of the key and the key, exit 2, in every
command (check, --fix, fmt, parse; the language server shows it as a diagnostic and keeps running) —
never a hang, a traceback or an internal error on every check.  Each case was found on an older main:
a pattern that backtracks for ever, NaN and 1e999999 magnitudes, a unit of 0 used as a rate's
denominator, a [[rule]] without the parameters its kind reads or with one of the wrong type, an unknown
kind silently ignored, a 50,000-deep array, a 600 MB pack read whole.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from budgetlint.cli import main
from budgetlint.config import ConfigError, read_config_file

ROOT = Path(__file__).resolve().parent.parent
CLEAN = (ROOT / "examples" / "clean" / "2025-health-projects.md").read_text(encoding="utf-8")
NEW_RULE = """
    [[rule]]
    code = "BL990"
    name = "pack-rule"
    kind = "percent-range"
    severity = "warning"
    summary = "a pack's own rule"
    messages.default = "{name}: expected {expected}, found {actual}"
"""


def project(tmp_path: Path, pack: str, table: str = CLEAN, config: str = "packs = ['p.toml']\n") -> Path:
    """A folder with a config naming the pack p.toml (holding `pack`) and a table; the table's path."""
    (tmp_path / "budgetlint.toml").write_text(config, encoding="utf-8")
    (tmp_path / "p.toml").write_text(textwrap.dedent(pack).lstrip("\n"), encoding="utf-8")
    (tmp_path / "t.md").write_text(table, encoding="utf-8")
    return tmp_path / "t.md"


def run(tmp_path: Path, monkeypatch, *args: str) -> tuple[int, str]:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [*args], catch_exceptions=False)
    return result.exit_code, result.output


def check(tmp_path: Path, monkeypatch) -> tuple[int, str]:
    return run(tmp_path, monkeypatch, "check", "t.md", "--format", "concise", "--lang", "en")


def found(output: str) -> list[str]:
    """`file:line:column CODE` of each finding of concise output."""
    return [" ".join(match) for match in re.findall(r"^(\S+): (BL\d{3}) ", output, re.M)]


# ---------------------------------------------------------------- patterns


REDOS_CELL = "a" * 40 + "!"  # what '(a+)+$' backtracks on for minutes in Python's re
DIGITS_CELL = "1" * 40 + "x"  # and '^(\d+)+$'


def test_a_pack_pattern_runs_in_linear_time_and_still_matches(tmp_path, monkeypatch):
    table = CLEAN.replace("| 服务站验收合格率 |", f"| {REDOS_CELL} |").replace(
        "| 建设社区养老服务站 | 4 个 |", f"| {DIGITS_CELL} | 4 个 |"
    )
    table = table.replace("| 老人生活照料需求满足率 |", "| aaaa |")
    project(
        tmp_path,
        """
        [vocabulary.words]
        placeholders = ['(a+)+$']
        [vocabulary.indicator_rules]
        name_prefix = '^(\\d+)+$'
        """,
        table,
    )
    exit_code, output = check(tmp_path, monkeypatch)
    # the pack's pattern finds the cell it matches (and not the one it does not), at its line
    assert (exit_code, output) == (
        1,
        "t.md:29:19: BL605 template placeholder 'aaaa' left in: expected real content, found 'aaaa'\n",
    )
    from budgetlint.config import config_for
    from budgetlint.matching import name_key
    from budgetlint.vocabulary import load_vocabulary

    vocabulary = load_vocabulary(config_for(tmp_path / "t.md").packs)
    # RE2, whose matching is linear in the text: the pack's patterns are not Python re objects
    assert not isinstance(vocabulary.placeholders, re.Pattern)
    assert not isinstance(vocabulary.name_prefix, re.Pattern)
    assert vocabulary.placeholders.search(REDOS_CELL * 25_000) is None  # 1 MB
    assert (
        name_key(vocabulary.name_prefix)("123") == "" and name_key(vocabulary.name_prefix)(DIGITS_CELL) == DIGITS_CELL
    )


def test_the_built_in_patterns_stay_in_re_and_keep_working_beside_a_packs(tmp_path, monkeypatch):
    from budgetlint.vocabulary import load_vocabulary

    assert isinstance(load_vocabulary().placeholders, re.Pattern)  # ours: no RE2 import for a plain check
    table = CLEAN.replace("| 服务站验收合格率 |", "| 服务站XX合格率 |").replace(
        "| 老人生活照料需求满足率 |", "| 待补充 |"
    )
    project(tmp_path, "[vocabulary.words]\nplaceholders = ['待补充']\n", table)
    exit_code, output = check(tmp_path, monkeypatch)
    assert (exit_code, found(output)) == (1, ["t.md:25:15 BL605", "t.md:29:19 BL605"])


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("(?=a)b", "vocabulary.words.placeholders: '(?=a)b' is not a regular expression (invalid perl operator: (?="),
        ("(a)\\1", "vocabulary.words.placeholders: '(a)\\\\1' is not a regular expression (invalid escape sequence"),
    ],
    ids=["lookahead", "backreference"],
)
def test_a_pack_pattern_re2_cannot_run_is_one_line(tmp_path, monkeypatch, pattern, message):
    project(tmp_path, f"[vocabulary.words]\nplaceholders = ['{pattern}']\n")
    exit_code, output = check(tmp_path, monkeypatch)
    assert exit_code == 2 and output.startswith(f"p.toml:2:1: E000 {message}")
    assert output.count("\n") == 1 and "RE2 syntax" in output


# ---------------------------------------------------------------- numbers

MAGNITUDE = '[vocabulary.values.magnitudes]\n"兆" = "{value}"\n'


@pytest.mark.parametrize("value", ["NaN", "sNaN", "1e999999", "-Infinity", "0", "-1", "1e-999999"])
def test_a_magnitude_that_is_not_a_finite_amount_in_range_is_one_line(tmp_path, monkeypatch, value):
    table = CLEAN.replace("| 120 | 年度资金总额 | 120 |", "| 120 | 年度资金总额 | 0.012兆 |")
    project(tmp_path, MAGNITUDE.format(value=value), table)
    assert check(tmp_path, monkeypatch) == (
        2,
        f"p.toml:2:1: E000 vocabulary.values.magnitudes.兆: expected a number from 0.001 to 1E+16, got {value!r}\n",
    )


def test_a_magnitude_in_range_is_read(tmp_path, monkeypatch):
    table = CLEAN.replace("| 项目总额 | 120 | 年度资金总额 | 120 |", "| 项目总额 | 120 | 年度资金总额 | 0.0000012兆 |")
    project(tmp_path, MAGNITUDE.format(value="1e12"), table)
    assert check(tmp_path, monkeypatch) == (0, "")  # 0.0000012 × 10¹² 元 = 120 万元


@pytest.mark.parametrize(
    ("units", "line", "message"),
    [
        ('units = """\n零 = 0 个\n"""\n', 2, "units: 零: expected a positive amount of its base unit"),
        ("units = '零 = 0 个'\n", 1, "units: 零: expected a positive amount of its base unit"),
        ('units = """\n大 = 1e99 个\n"""\n', 2, "units: 大: expected a positive amount of its base unit"),
        ('units = """\n\n负 = -1 个\n"""\n', 3, "units: 负: expected a positive amount of its base unit"),
    ],
    ids=["zero", "zero one line", "huge", "negative"],
)
def test_a_unit_that_is_zero_or_out_of_range_is_one_line_at_its_definition(tmp_path, monkeypatch, units, line, message):
    table = CLEAN.replace("| 1200 元/人 |", "| 1200 元/零 |").replace("| 500 人 |", "| 500 零 |")
    project(tmp_path, units, table)
    exit_code, output = check(tmp_path, monkeypatch)
    assert exit_code == 2 and output.startswith(f"p.toml:{line}:1: E000 {message}") and output.count("\n") == 1


def test_a_unit_defined_in_range_is_used(tmp_path, monkeypatch):
    table = CLEAN.replace("| 1200 元/人 |", "| 1200 元/位 |").replace("| 500 人 |", "| 500 位 |")
    project(tmp_path, 'units = """\n位 = 1 个\n"""\n', table)
    assert check(tmp_path, monkeypatch) == (0, "")


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            "tolerance = 'inf'\n",
            "tolerance: expected a non-negative amount in 元, at most 1,000,000,000,000, got 'inf'",
        ),
        (
            "tolerance = 'NaN'\n",
            "tolerance: expected a non-negative amount in 元, at most 1,000,000,000,000, got 'NaN'",
        ),
        ("tolerance = 1e400\n", "tolerance: expected a non-negative amount in 元, at most 1,000,000,000,000, got inf"),
        ("satisfaction-minimum = 1e999\n", "satisfaction-minimum: expected decimal, got float inf"),
        ("satisfaction-minimum = '1e999'\n", "satisfaction-minimum: expected 0 to 100, got 1E+999"),
        ("[params.BL201]\nmax_terms = 99999999999999999999\n", "params.BL201.max_terms: expected 1 to 1000"),
        ("[params.BL703]\nsimilarity = -2\n", "params.BL703.similarity: expected 0 to 1, got -2"),
        ("[params.BL104]\nop = '!='\n", "params.BL104.op: expected one of <=, >=, ==, got '!='"),
        ("[params.BL601]\ngroups = [1, 2]\n", "params.BL601.groups: expected a list of strings, got [1, 2]"),
    ],
)
def test_a_config_number_out_of_range_is_one_line_at_its_key(tmp_path, monkeypatch, config, message):
    project(tmp_path, "", config=config)
    exit_code, output = check(tmp_path, monkeypatch)
    line = config.count("\n", 0, config.rindex("=")) + 1
    assert exit_code == 2 and output.count("\n") == 1
    assert output.startswith(f"budgetlint.toml:{line}:1: E000 {message}"), output


# ---------------------------------------------------------------- rule kinds and their parameters


@pytest.mark.parametrize(
    ("extra", "line", "message"),
    [
        ("", 1, "rule BL990.params: check kind 'percent-range' needs parameter 'groups' (list)"),
        (
            "params.groups = { type = 'int', default = 3 }\n",
            8,
            "rule BL990.params.groups.type: expected list (as check kind 'percent-range' reads it), got int",
        ),
        (
            "params.groups = { type = 'list', default = [1] }\n",
            8,
            "rule BL990.params.groups: expected a list of strings, got [1]",
        ),
        (
            "params.groups = { type = 'list', default = ['quality'] }\nparams.colour = { type = 'string', default = 'x' }\n",
            9,
            "rule BL990.params.colour: check kind 'percent-range' has no parameter 'colour' (it has: groups)",
        ),
    ],
    ids=["missing", "wrong type", "wrong item type", "unknown"],
)
def test_a_pack_rule_must_give_its_kind_the_parameters_it_reads(tmp_path, monkeypatch, extra, line, message):
    project(tmp_path, NEW_RULE + extra)
    assert check(tmp_path, monkeypatch) == (2, f"p.toml:{line}:1: E000 {message}\n")


def test_an_unknown_kind_is_one_line_not_silence(tmp_path, monkeypatch):
    project(tmp_path, NEW_RULE.replace("percent-range", "percent-rnage"))
    exit_code, output = check(tmp_path, monkeypatch)
    assert exit_code == 2 and output.count("\n") == 1
    assert output.startswith("p.toml:4:1: E000 rule BL990.kind: unknown check kind 'percent-rnage' (the kinds are: ")
    assert "percent-range" in output


def test_a_pack_rule_with_its_parameters_checks(tmp_path, monkeypatch):
    table = CLEAN.replace("| 服务站验收合格率 | 100% |", "| 服务站验收合格率 | 120% |")
    project(tmp_path, NEW_RULE + "params.groups = { type = 'list', default = ['quality'] }\n", table)
    exit_code, output = check(tmp_path, monkeypatch)
    assert (exit_code, found(output)) == (1, ["t.md:25:23 BL404", "t.md:25:23 BL990"])


def test_a_pack_restating_a_built_in_rule_keeps_the_parameters_it_leaves_out(tmp_path, monkeypatch):
    table = CLEAN.replace("| 服务站验收合格率 | 100% |", "| 服务站验收合格率 | 120% |")
    pack = NEW_RULE.replace("BL990", "BL404").replace("pack-rule", "percent-out-of-range")
    project(tmp_path, pack, table)
    exit_code, output = check(tmp_path, monkeypatch)
    assert (exit_code, found(output)) == (0, ["t.md:25:23 BL404"])  # a warning now: exit 0
    config = read_config_file(tmp_path / "budgetlint.toml")
    rule = config.catalogue.get("BL404")
    assert (rule.severity, rule.params["groups"].default) == ("warning", ("satisfaction", "quality"))


def test_a_pack_rule_may_leave_out_the_parameters_its_kind_gives_defaults(tmp_path, monkeypatch):
    table = CLEAN.replace(
        "| ≥90% |\n| 满意度指标 | 服务对象满意度指标 | 服务对象满意度 | ≥90% |",
        "| ≥90% |\n| 满意度指标 | 服务对象满意度指标 | 服务对象满意度 | ≥70% |",
    )
    pack = NEW_RULE.replace("percent-range", "satisfaction-minimum")
    project(tmp_path, pack, table)
    exit_code, output = check(tmp_path, monkeypatch)
    assert (exit_code, found(output)) == (0, ["t.md:30:33 BL403", "t.md:30:33 BL990"])  # warnings


def test_the_built_in_rules_fit_their_kinds_declarations():
    from budgetlint.checks import BUILT_IN_ONLY, check_rule_params, kinds
    from budgetlint.rules import load_catalogue

    checked = 0
    for rule in load_catalogue():
        if rule.kind in BUILT_IN_ONLY:
            continue
        check_rule_params(rule.kind, {name: (param.type, param.default) for name, param in rule.params.items()})
        assert set(rule.params) <= set(kinds()[rule.kind].params)
        checked += 1
    assert checked == len([rule for rule in load_catalogue() if rule.kind not in BUILT_IN_ONLY]) > 30


# ---------------------------------------------------------------- size and depth


def test_a_pack_over_1_mb_is_refused_by_its_size_before_it_is_read(tmp_path, monkeypatch):
    import budgetlint.rules

    project(tmp_path, "")
    with open(tmp_path / "p.toml", "wb") as handle:  # 600 MB, sparse: no disk, and never read
        handle.truncate(600 * 1024 * 1024)

    read = budgetlint.rules.read_toml

    def refuse(path):
        assert path.name != "p.toml", "the pack was read"
        return read(path)

    monkeypatch.setattr(budgetlint.rules, "read_toml", refuse)
    assert check(tmp_path, monkeypatch) == (
        2,
        "p.toml:1:1: E000 rule pack is 629,145,600 bytes, over the limit of 1,048,576 (1 MB)\n",
    )


def test_a_config_over_1_mb_is_refused_by_its_size(tmp_path, monkeypatch):
    project(tmp_path, "", config="# " + "x" * (1 << 20) + "\n")
    exit_code, output = check(tmp_path, monkeypatch)
    assert (exit_code, output) == (
        2,
        "budgetlint.toml:1:1: E000 config is 1,048,579 bytes, over the limit of 1,048,576 (1 MB)\n",
    )


@pytest.mark.parametrize(
    ("pack", "line"),
    [
        ("x = " + "[" * 50_000 + "]" * 50_000 + "\n", 1),  # tomllib's RecursionError, caught
        ("family.id = 'x'\n\nx = " + "[" * 33 + "]" * 33 + "\n", 3),
        ("x = " + "{a = " * 40 + "1" + "}" * 40 + "\n", 1),
        ("[" + ".".join(["a"] * 40) + "]\nb = 1\n", 0),  # dotted tables: no bracket nests, the data does
        ("s = '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[['\n" + "x = " + "[" * 34 + "]" * 34 + "\n", 2),
    ],
    ids=["50,000 deep", "33 deep", "inline tables", "dotted tables", "brackets in a string are not nesting"],
)
def test_a_pack_nested_too_deep_is_one_line(tmp_path, monkeypatch, pack, line):
    project(tmp_path, pack)
    where = f"p.toml:{line}:1" if line else "p.toml:1:1"
    assert check(tmp_path, monkeypatch) == (
        2,
        f"{where}: E000 rule pack nests arrays or tables deeper than 32 levels\n",
    )


def test_nesting_up_to_the_limit_is_read(tmp_path):
    from budgetlint.rules import CatalogueError, read_toml_file

    path = tmp_path / "deep.toml"
    path.write_text("x = " + "[" * 31 + "]" * 31 + "\n", encoding="utf-8")  # 32 levels with the top table
    data = read_toml_file(path, CatalogueError, "rule pack")
    assert data["x"] == [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]


def test_recursion_error_never_escapes_reading_a_config(tmp_path):
    (tmp_path / "budgetlint.toml").write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        read_config_file(tmp_path / "budgetlint.toml")
    assert str(caught.value) == f"{tmp_path / 'budgetlint.toml'}:1: config nests arrays or tables deeper than 32 levels"


# ---------------------------------------------------------------- every command


BROKEN = {
    "magnitude": MAGNITUDE.format(value="NaN"),
    "kind": NEW_RULE,
    "depth": "x = " + "[" * 50_000 + "]" * 50_000 + "\n",
}


@pytest.mark.parametrize("broken", sorted(BROKEN))
@pytest.mark.parametrize(
    "command", [("check",), ("check", "--fix"), ("fmt",), ("parse",)], ids=["check", "fix", "fmt", "parse"]
)
def test_every_command_reports_a_bad_pack_in_one_line_with_exit_two(tmp_path, monkeypatch, broken, command):
    project(tmp_path, BROKEN[broken])
    exit_code, output = run(tmp_path, monkeypatch, *command, "t.md")
    assert exit_code == 2
    errors = [line for line in output.splitlines() if "p.toml:" in line]
    assert len(errors) == 1 and "Traceback" not in output and "internal error" not in output
    assert (tmp_path / "t.md").read_text(encoding="utf-8") == CLEAN  # nothing written


@pytest.mark.slow  # a server process
def test_the_language_server_shows_a_bad_pack_and_keeps_running(tmp_path):
    from test_lsp import BAD, LspProcess

    server = LspProcess()
    try:
        broken = tmp_path / "broken"
        broken.mkdir()
        project(broken, MAGNITUDE.format(value="NaN"))
        redos = tmp_path / "redos"
        redos.mkdir()
        project(redos, "[vocabulary.words]\nplaceholders = ['(a+)+$']\n")
        server.initialize(tmp_path, {"lang": "en"})
        uri = (broken / "a.md").as_uri()
        server.open(uri, BAD)
        [diagnostic] = server.diagnostics(uri)["diagnostics"]
        assert "p.toml:2: vocabulary.values.magnitudes.兆" in diagnostic["message"]
        assert "\n" not in diagnostic["message"]
        # still running: a document under a pack with a pathological pattern is checked, in linear time
        uri = (redos / "a.md").as_uri()
        server.open(uri, BAD.replace("示例项目", REDOS_CELL))
        codes = [found["code"] for found in server.diagnostics(uri)["diagnostics"]]
        assert "BL802" in codes
        assert server.close() == 0
    finally:
        server.kill()


@pytest.mark.parametrize(
    ("pack", "line", "message"),
    [
        (
            '[vocabulary.values.relative_dates]\n"年末末" = 13\n',
            2,
            "vocabulary.values.relative_dates.年末末: expected a month 1 to 12 (0: the year), got 13",
        ),
        (
            '[[vocabulary.attribute]]\ncode = "04"\nname = "永久项目"\nyears = [5, 1]\n',
            4,
            "vocabulary.attribute[0].years: expected [least, most] years, 1 to 1000, got [5, 1]",
        ),
        (
            '[[template]]\nid = "gansu"\nstarts = ["项目名称"]\n[template.params.BL201]\nmax_terms = 0\n',
            5,
            "template gansu: params.BL201.max_terms: expected 1 to 1000, got 0",
        ),
    ],
    ids=["relative date", "attribute years", "template parameter"],
)
def test_every_number_a_pack_gives_is_checked(tmp_path, monkeypatch, pack, line, message):
    project(tmp_path, pack)
    assert check(tmp_path, monkeypatch) == (2, f"p.toml:{line}:1: E000 {message}\n")


REDOS_PACK = "[vocabulary.words]\nplaceholders = ['(a+)+$']\n[vocabulary.indicator_rules]\nname_prefix = '^(\\d+)+$'\n"
REDOS_TABLE = CLEAN.replace("| 服务站验收合格率 |", f"| {REDOS_CELL} |").replace(
    "| 建设社区养老服务站 | 4 个 |", f"| {DIGITS_CELL} | 4 个 |"
)


@pytest.mark.parametrize("command", [["check", "--fix"], ["fmt"]], ids=["fix", "fmt"])
def test_a_backtracking_pattern_never_hangs_a_rewrite(tmp_path, command):
    """In a process of its own, bounded: Python's re took longer than any bound on these cells."""
    import os
    import subprocess
    import sys

    from conftest import this_checkout

    assert REDOS_TABLE != CLEAN
    project(tmp_path, REDOS_PACK, REDOS_TABLE)
    env = this_checkout({**os.environ, "BUDGETLINT_LANG": "en"})
    done = subprocess.run(
        [sys.executable, "-m", "budgetlint", *command, "t.md"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,  # a bound against a hang, not a measurement
    )
    assert done.returncode in (0, 1), done.stderr


@pytest.mark.slow  # a server process
def test_the_language_server_checks_a_document_under_a_backtracking_pattern(tmp_path):
    from test_lsp import BAD, LspProcess

    server = LspProcess()
    try:
        project(tmp_path, REDOS_PACK)
        server.initialize(tmp_path, {"lang": "en"})
        uri = (tmp_path / "a.md").as_uri()
        text = BAD.replace("示例项目", REDOS_CELL).replace("| 3-满意度指标 |", f"| {DIGITS_CELL} |")
        assert REDOS_CELL in text and DIGITS_CELL in text
        server.open(uri, text)
        assert "BL802" in [found["code"] for found in server.diagnostics(uri)["diagnostics"]]
        assert server.close() == 0
    finally:
        server.kill()
