"""Bad configuration and rule packs: one line naming the file and the key, exit code 2, other folders still checked.

Each case is a folder `bad/` holding a config (and maybe a pack) beside a good
table, checked together with a folder `good/` whose table has one known
finding (BL001 at 9:3): the output is exactly the config error, then that
finding — the good folder was checked, the bad one reported once.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from budgetlint.cli import main
from budgetlint.config import ConfigError, read_config_file

DATA = Path(__file__).resolve().parent / "data"
TABLE = (DATA / "table.md").read_text(encoding="utf-8")
GOOD = (
    "good/table.md:9:3: BL001 label broken by a line break: expected '其他资金', found '其他资' and a fragment below\n"
)
RULE = """
    [[rule]]
    code = "BL990"
    name = "pack-rule"
    kind = "no-such-kind"
    severity = "warning"
    summary = "a pack's own rule"
"""


def _pack(text: str) -> dict[str, str]:
    """A config naming one rule pack, p.toml, holding `text`."""
    return {"budgetlint.toml": "packs = ['p.toml']\n", "p.toml": text}


def check(tmp_path: Path, monkeypatch, *args: str) -> tuple[int, str]:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", *args, "--format", "concise", "--lang", "en"], catch_exceptions=False)
    return result.exit_code, result.output


def layout(tmp_path: Path, files: dict[str, str | bytes]) -> None:
    for folder in ("bad", "good"):
        (tmp_path / folder).mkdir(exist_ok=True)
        (tmp_path / folder / "table.md").write_text(TABLE, encoding="utf-8")
    for name, content in files.items():
        path = tmp_path / "bad" / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")


CASES = [
    # unreadable TOML
    ({"budgetlint.toml": "select = [\n"}, "bad/budgetlint.toml", "not valid TOML (Invalid value (at end of document))"),
    ({"budgetlint.toml": b"select = ['\xff']\n"}, "bad/budgetlint.toml", "not valid TOML (not UTF-8: byte 12)"),
    (
        {"pyproject.toml": "[tool.budgetlint\nselect = []\n"},
        "bad/pyproject.toml",
        "not valid TOML (Expected ']' at the end of a table declaration (at line 1, column 17))",
    ),
    # unknown keys
    (
        {"budgetlint.toml": "selct = ['BL']\n"},
        "bad/budgetlint.toml",
        "unknown key 'selct' at the top level of budgetlint.toml",
    ),
    (
        {"pyproject.toml": "[tool.budgetlint]\ncolour = true\n"},
        "bad/pyproject.toml",
        "unknown key 'colour' in [tool.budgetlint]",
    ),
    # wrong types
    (
        {"budgetlint.toml": "select = 'BL'\n"},
        "bad/budgetlint.toml",
        'select: expected a list of rule codes or prefixes, e.g. ["BL2", "BL801"]',
    ),
    (
        {"budgetlint.toml": "ignore = []\nextend-ignore = 'BL1'\n"},
        "bad/budgetlint.toml",
        'extend-ignore: expected a list of rule codes or prefixes, e.g. ["BL2", "BL801"]',
    ),
    (
        {"budgetlint.toml": "fiscal-year = '2024'\n"},
        "bad/budgetlint.toml",
        "fiscal-year: expected a year such as 2024, got '2024'",
    ),
    ({"budgetlint.toml": "tool = 'x'\n"}, "bad/budgetlint.toml", "tool: expected a [tool.budgetlint] table, got 'x'"),
    ({"pyproject.toml": "[tool]\nbudgetlint = 3\n"}, "bad/pyproject.toml", "[tool.budgetlint] must be a table"),
    ({"budgetlint.toml": "packs = 'p.toml'\n"}, "bad/budgetlint.toml", "packs: expected a list of file paths"),
    ({"budgetlint.toml": "include = '*.md'\n"}, "bad/budgetlint.toml", "include: expected a list of glob patterns"),
    (
        {"budgetlint.toml": "[params.BL003]\nfields = 3\n"},
        "bad/budgetlint.toml",
        "params.BL003.fields: expected list, got int 3",
    ),
    # unknown rule codes and parameters
    (
        {"budgetlint.toml": "ignore = ['BL999']\n"},
        "bad/budgetlint.toml",
        "ignore: 'BL999' is not a rule code, rule name, family or code prefix",
    ),
    ({"budgetlint.toml": "[severity]\nBL998 = 'error'\n"}, "bad/budgetlint.toml", "severity.BL998: unknown rule"),
    (
        {"budgetlint.toml": "[params.BL003]\nfoo = 3\n"},
        "bad/budgetlint.toml",
        "params.BL003.foo: BL003 has no parameter 'foo' (it has: fields)",
    ),
    # rule packs that are not valid
    ({"budgetlint.toml": "packs = ['nope.toml']\n"}, "bad/budgetlint.toml", "packs: rule pack 'nope.toml' not found"),
    (
        _pack("[[rule]\n"),
        "bad/p.toml",
        "not valid TOML (Expected ']]' at the end of an array declaration (at line 1, column 7))",
    ),
    (
        _pack("rules = []\n"),
        "bad/p.toml",
        "unknown key 'rules' (a rule pack has family, rule, template, units, vocabulary)",
    ),
    (_pack("rule = [1, 2]\n"), "bad/p.toml", "rule[0]: expected a table ([[rule]]), got 1"),
    (_pack("[[rule]]\ncode = 'XX1'\n"), "bad/p.toml", "rule XX1: missing key 'name'"),
    (
        _pack(RULE + "messages.default = 'x'\nexamples = [1]\n"),
        "bad/p.toml",
        "rule BL990.examples[0]: needs expect = bad|good and text",
    ),
    (
        _pack(RULE + "messages.default = 'x'\nparams = 3\n"),
        "bad/p.toml",
        "rule BL990: params must be a table of [rule.params.NAME] tables",
    ),
    (
        _pack(RULE + "messages.default = 'x'\nparams.limit = { type = 'decimal', default = 'nan' }\n"),
        "bad/p.toml",
        "rule BL990.params.limit.default: expected decimal, got str 'nan'",
    ),
    (
        _pack(RULE + "messages.default = '{expected.__class__}'\n"),
        "bad/p.toml",
        "rule BL990.messages.default.zh: placeholder {expected.__class__} must be a plain name such as {expected}",
    ),
    (
        _pack(RULE + "messages.default = '{actual:>999999999}'\n"),
        "bad/p.toml",
        "rule BL990.messages.default.zh: placeholder {actual:>999999999} must be a plain name such as {expected}",
    ),
    (
        _pack(RULE + "messages.default = 'a {b'\n"),
        "bad/p.toml",
        "rule BL990.messages.default.zh: not a valid message template (expected '}' before end of string)",
    ),
    (_pack("vocabulary = 3\n"), "bad/p.toml", "vocabulary: expected a table, got an integer 3"),
    (
        _pack("[vocabulary.header]\nfoo = 'x'\n"),
        "bad/p.toml",
        "vocabulary.header.foo: expected a table, got a string 'x'",
    ),
    (_pack("[vocabulary.header.foo]\naliases = ['x']\n"), "bad/p.toml", "vocabulary.header.foo: missing key 'label'"),
    (
        _pack("[vocabulary.header.other]\naliases = [3]\n"),
        "bad/p.toml",
        "vocabulary.header.other.aliases[0]: expected a string, got an integer 3",
    ),
    (_pack("[vocabulary]\nheadr = {}\n"), "bad/p.toml", "vocabulary: unknown key 'headr'"),
    (
        _pack("[vocabulary.words]\nplaceholders = ['(']\n"),
        "bad/p.toml",
        "vocabulary.words.placeholders: '(' is not a regular expression (missing ): ( "
        "(pack patterns are RE2 syntax: no lookarounds, no backreferences))",
    ),
    (
        _pack("[vocabulary.values.magnitudes]\n'兆' = 'many'\n"),
        "bad/p.toml",
        "vocabulary.values.magnitudes.兆: expected a number from 0.001 to 1E+16, got 'many'",
    ),
    (
        _pack("[vocabulary.values.comparators]\n'起码' = 'at least'\n"),
        "bad/p.toml",
        "vocabulary.values.comparators.起码: 'at least' is not one of ≥ ≤ > < =",
    ),
    (_pack("units = 3\n"), "bad/p.toml", "units: expected a string of pint definitions"),
    (
        _pack("units = '斤 = 500 克'\n"),
        "bad/p.toml",
        "units: cannot be used (UndefinedUnitError: '克' is not defined in the unit registry)",
    ),
    (
        _pack("units = '元 = 2 元'\n"),
        "bad/p.toml",
        "units: cannot be used (RecursionError: maximum recursion depth exceeded while calling a Python object)",
    ),
]


# Issue 21: a config error is at the line of its key (else line 1: a whole file, a rule pack).
LINES = {
    "unknown key 'colour' in [tool.budgetlint]": 2,
    'extend-ignore: expected a list of rule codes or prefixes, e.g. ["BL2", "BL801"]': 2,
    "[tool.budgetlint] must be a table": 2,
    "params.BL003.fields: expected list, got int 3": 2,
    "severity.BL998: unknown rule": 2,
    "params.BL003.foo: BL003 has no parameter 'foo' (it has: fields)": 2,
    # a rule pack's error: at the line of the key in the [[rule]] entry with that code, or in [vocabulary…]
    "rule BL990.params.limit.default: expected decimal, got str 'nan'": 8,
    "rule BL990.messages.default.zh: placeholder {expected.__class__} must be a plain name such as {expected}": 7,
    "rule BL990.messages.default.zh: placeholder {actual:>999999999} must be a plain name such as {expected}": 7,
    "rule BL990.messages.default.zh: not a valid message template (expected '}' before end of string)": 7,
    "vocabulary.header.foo: expected a table, got a string 'x'": 2,
    "vocabulary.header.other.aliases[0]: expected a string, got an integer 3": 2,
    "vocabulary.words.placeholders: '(' is not a regular expression (missing ): ( "
    "(pack patterns are RE2 syntax: no lookarounds, no backreferences))": 2,
    "vocabulary.values.magnitudes.兆: expected a number from 0.001 to 1E+16, got 'many'": 2,
    "vocabulary.values.comparators.起码: 'at least' is not one of ≥ ≤ > < =": 2,
}


@pytest.mark.parametrize(("files", "where", "message"), CASES, ids=[f"{i}-{c[2]}" for i, c in enumerate(CASES)])
def test_bad_config_is_one_line_naming_file_and_key_and_other_folders_are_checked(
    tmp_path, monkeypatch, files, where, message
):
    layout(tmp_path, files)
    line = LINES.get(message, 1)
    assert check(tmp_path, monkeypatch, "bad", "good") == (2, f"{where}:{line}:1: E000 {message}\n{GOOD}")


def test_a_broken_config_is_reported_once_for_all_its_files(tmp_path, monkeypatch):
    layout(tmp_path, {"budgetlint.toml": "selct = 1\n"})
    for index in range(5):
        (tmp_path / "bad" / "sub").mkdir(exist_ok=True)
        (tmp_path / "bad" / "sub" / f"t{index}.md").write_text(TABLE, encoding="utf-8")
    assert check(tmp_path, monkeypatch, "bad", "bad/sub/t1.md", "bad/table.md", "good") == (
        2,
        f"bad/budgetlint.toml:1:1: E000 unknown key 'selct' at the top level of budgetlint.toml\n{GOOD}",
    )


def test_a_broken_config_in_a_subfolder_spares_its_siblings(tmp_path, monkeypatch):
    layout(tmp_path, {})
    (tmp_path / "good" / "drafts").mkdir()
    (tmp_path / "good" / "drafts" / "budgetlint.toml").write_text("fail-on = 'sometimes'\n", encoding="utf-8")
    (tmp_path / "good" / "drafts" / "t.md").write_text(TABLE, encoding="utf-8")
    code, output = check(tmp_path, monkeypatch, "good")
    assert (code, output) == (
        2,
        "good/drafts/budgetlint.toml:1:1: E000 fail-on: expected one of info, warning, error, never\n" + GOOD,
    )


def test_explicit_config_option_that_is_broken_stops_before_checking(tmp_path, monkeypatch):
    layout(tmp_path, {"custom.toml": "select = [\n"})
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "good", "--config", "bad/custom.toml"])
    assert result.exit_code == 2
    assert result.output == "budgetlint: bad/custom.toml: not valid TOML (Invalid value (at end of document))\n"


def test_config_error_text_is_one_line_even_when_pint_says_more(tmp_path):
    (tmp_path / "p.toml").write_text("units = 'x = ['\n", encoding="utf-8")
    (tmp_path / "budgetlint.toml").write_text("packs = ['p.toml']\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        read_config_file(tmp_path / "budgetlint.toml")
    assert "\n" not in str(caught.value)
    assert str(caught.value).startswith(f"{tmp_path / 'p.toml'}:1: units: unit definition 'x = [' cannot be read")


# ---------------------------------------------------------------- packs are data, never code

PYTHON = "__import__('os').system('touch {marker}')"


@pytest.mark.parametrize("evil_kind", [False, True], ids=["known kind", "kind an import path"])
def test_a_pack_full_of_python_looking_strings_is_inert(tmp_path, monkeypatch, evil_kind):
    from budgetlint.checks import kinds

    registered = set(kinds())
    marker = tmp_path / "PWNED"
    code = PYTHON.format(marker=marker)
    # a kind is a name in budgetlint's registry: an import path is an unknown kind, refused (exit 2)
    kind = f"budgetlint.checks.os:{code}" if evil_kind else "placeholder"
    hook = f'params.hook = {{ type = "string", default = "{code}" }}' if evil_kind else ""
    layout(
        tmp_path,
        {
            "budgetlint.toml": "packs = ['evil.toml']\n",
            "evil.toml": f'''
            [family]
            id = "{code}"
            title = "exec(open('{marker}', 'w'))"

            [[rule]]
            code = "BL990"
            name = "python-looking"
            kind = "{kind}"
            severity = "warning"
            summary = "eval(\\"{code}\\")"
            rationale = "import os; os.system('touch {marker}')"
            messages.default = "{{expected}} eval('{code}')"
            {hook}
            [[rule.examples]]
            expect = "bad"
            text = "{code}"

            [vocabulary.header.other]
            aliases = ["{code}"]
            [vocabulary.words]
            vague = ["{code}"]
            placeholders = ["__import__\\\\(.os.\\\\)"]
        ''',
            "evil.md": TABLE.replace("其他资", code).replace("| 金 |\n", "").replace("示例项目", code),
        },
    )
    exit_code, output = check(tmp_path, monkeypatch, "bad", "good")
    assert not marker.exists()
    if evil_kind:
        assert exit_code == 2
        assert output.startswith(f"bad/evil.toml:8:1: E000 rule BL990.kind: unknown check kind {kind!r} (the kinds")
        assert output.endswith(GOOD) and output.count("\n") == 1 + GOOD.count("\n")
        with pytest.raises(ConfigError):
            read_config_file(tmp_path / "bad" / "budgetlint.toml")
    else:
        # The pack's placeholder pattern is matched as a pattern (BL605 on the project name), its alias
        # reads the label (no BL002 on line 9); BL990 is a second placeholder rule, its message only text.
        assert (exit_code, output) == (
            1,
            (
                f"bad/evil.md:4:10: BL605 template placeholder '__import__('os')' left in: expected real content, "
                f"found '{code}'\n"
                f"bad/evil.md:4:10: BL990 real content eval('{code}')\n"
                "bad/table.md:9:3: BL001 label broken by a line break: expected '其他资金', found '其他资' and a "
                f"fragment below\n{GOOD}"
            ),
        )
        config = read_config_file(tmp_path / "bad" / "budgetlint.toml")
        rule = config.catalogue.get("BL990")
        assert (rule.kind, rule.examples[0].text) == ("placeholder", code)
    assert set(kinds()) == registered  # a kind is a name in budgetlint's own registry, never an import path
    assert not marker.exists()
