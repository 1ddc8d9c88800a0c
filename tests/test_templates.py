"""Templates: each form of examples/templates/ read as its author wrote it, and checked by its own rules.

The oracles (tests/data/templates/*.oracle.toml) were written from the tables' own data, never
from budgetlint's output: every money field in 元, every indicator's value, number, unit,
comparator and column, and the template.  Each example is written twice (万元, and 元 with
thousands separators) and reads with no error; each defect copy gives exactly its seeded finding.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT, findings_of, table
from hypothesis import given
from hypothesis import strategies as st

from budgetlint.config import Config, ConfigError, read_config_file
from budgetlint.engine import Linter

TEMPLATES = EXAMPLES / "templates"
DATA = ROOT / "tests" / "data" / "templates"
IDS = sorted(path.name.removesuffix(".oracle.toml") for path in DATA.glob("*.oracle.toml"))


def parse(linter: Linter, path: Path):
    return linter.parse(path.read_text(encoding="utf-8"), str(path))


def findings(linter: Linter, path: Path):
    return linter.check_text(path.read_text(encoding="utf-8"), str(path))[1]


def shown(indicator) -> dict:
    """An indicator as the oracles write it."""
    value = indicator.value
    found = {"name": indicator.name, "value": value.raw, "column": dict(indicator.columns).get("value", "")}
    if value.amounts:
        amount = value.amounts[0]
        found["number"] = amount.number
        found["unit"] = "%" if amount.percent else (amount.unit_text or (amount.unit.name if amount.unit else ""))
        if amount.per_text:
            found["unit"] += "/" + amount.per_text
        found["comparator"] = amount.comparator or ""
    if indicator.midterm is not None:
        found["midterm"] = indicator.midterm.raw
    return found


def expected(entry: dict) -> dict:
    want = {"name": entry["name"], "value": entry["value"]}
    want["column"] = entry.get("column", "")
    if "number" in entry:
        want["number"] = Decimal(entry["number"])
        want["unit"] = entry.get("unit", "")
        want["comparator"] = entry.get("comparator", "")
    if "midterm" in entry:
        want["midterm"] = entry["midterm"]
    return want


@pytest.mark.parametrize("template", IDS)
def test_each_template_reads_as_its_oracle(linter, template):
    oracle = tomllib.loads((DATA / f"{template}.oracle.toml").read_text(encoding="utf-8"))
    document = parse(linter, TEMPLATES / f"{template}.md")
    assert len(document.projects) == oracle["projects"]
    for project, truth in zip(document.projects, oracle["project"]):
        assert (project.name, project.template, project.templates_tied) == (truth["name"], template, ())
        funds = {key: project.amount(key) for key in truth["funds"]}
        assert funds == {key: Decimal(value) for key, value in truth["funds"].items()}
        got = [shown(indicator) for indicator in project.indicators]
        want = [expected(entry) for entry in truth["indicator"]]
        for mine, theirs in zip(got, want):
            # the oracle writes the sign of ＝ as =, and the value as a person reads it (≥ | 90 | % → ≥90%)
            assert {k: v for k, v in mine.items() if k != "value"} == {k: v for k, v in theirs.items() if k != "value"}
        assert len(got) == len(want)


@pytest.mark.parametrize("template", IDS)
def test_the_template_is_recognised_by_labels_it_names(linter, template):
    distinctive = linter.templates.by_id[template].distinctive
    for project in parse(linter, TEMPLATES / f"{template}.md").projects:
        assert project.template_labels and set(project.template_labels) <= distinctive


@pytest.mark.parametrize("template", IDS)
def test_yuan_and_wan_yuan_read_the_same(linter, template):
    wan = parse(linter, TEMPLATES / f"{template}.md").projects
    yuan = parse(linter, TEMPLATES / f"{template}-yuan.md").projects
    assert [p.template for p in wan] == [p.template for p in yuan] == [template] * len(wan)
    for one, other in zip(wan, yuan):
        money = [key for key, field in one.fields.items() if field.amount is not None]
        assert money and {key: one.amount(key) for key in money} == {key: other.amount(key) for key in money}
        assert [i.name for i in one.indicators] == [i.name for i in other.indicators]


@pytest.mark.parametrize("name", sorted(path.name for path in TEMPLATES.glob("*.md")))
def test_no_template_example_has_an_error(linter, name):
    errors = [f for f in findings(linter, TEMPLATES / name) if f.severity == "error"]
    assert errors == []


@pytest.mark.parametrize("template", IDS)
def test_each_seeded_defect_gives_exactly_its_finding(linter, template):
    truth = tomllib.loads((DATA / f"{template}-defect.expected.toml").read_text(encoding="utf-8"))
    clean = {(f.code, f.span.line) for f in findings(linter, TEMPLATES / f"{template}.md")}
    found = [(f.code, f.span.line) for f in findings(linter, DATA / f"{template}-defect.md")]
    new = [where for where in found if where not in clean]
    assert new == [(entry["code"], entry["line"]) for entry in truth["finding"]]


# ---------------------------------------------------------------- recognising and ties

TIED = """
| 项目名称 | 示例项目 |
| 项目总额 | 10 | 年度资金总额 | 10 |
| 本级资金 | 10 | 上年结转资金 | 0 |
| 年度总体绩效目标 | 完成示例工作。 |
"""


def test_labels_that_fit_two_templates_alike_are_reported_and_only_shared_rules_run(linter):
    (project,) = linter.parse(table(TIED), "t.md").projects
    assert (project.template, project.templates_tied) == ("ningxia", ("central-101",))
    assert set(project.template_labels) == {"本级资金", "上年结转资金"}
    (tie,) = findings_of(linter, TIED, "BL010")
    assert (tie.span.line, tie.severity) == (1, "info")
    assert tie.message.startswith("the table's labels fit several templates (ningxia、central-101)")
    # BL003: only the fields both require (name, annual and goal are there)
    assert findings_of(linter, TIED, "BL003") == []


def test_a_distinctive_label_decides_the_required_fields(linter):
    text = """
    | 项目名称 | 示例项目 |
    | 主管部门及代码 | [161]示例部门 |
    | 年度资金总额 | 10 |
    | 财政拨款 | 8 | 上年结转资金 | 1 | 其他资金 | 2 |
    """
    (project,) = linter.parse(table(text), "t.md").projects
    assert project.template == "central-101"
    missing = findings_of(linter, text, "BL003")
    assert [f.expected for f in missing] == ["年度总体绩效目标"]  # not 项目属性, 项目期, 本级资金 …
    (unbalanced,) = findings_of(linter, text, "BL101")  # 8 + 1 + 2 = 11 ≠ 10
    assert (unbalanced.span.line, unbalanced.expected, unbalanced.actual) == (3, "11", "10")


def test_department_and_investment_tables_start_at_their_own_labels(linter):
    text = """
    | 专项名称 | 老旧管网改造 |
    | 本次下达中央预算内投资（万元） | 2400 |
    | 地方投资（万元） | 600 | 总投资（万元） | 3100 |
    | 年度目标 | 改造管网60公里。 |
    """
    (project,) = linter.parse(table(text), "t.md").projects
    assert (project.name, project.template) == ("老旧管网改造", "central-investment")
    (unbalanced,) = findings_of(linter, text, "BL101")
    assert (unbalanced.span.line, unbalanced.expected, unbalanced.actual) == (3, "3000", "3100")


def test_a_pack_adds_a_template_and_a_bad_one_is_a_config_error(tmp_path):
    pack = tmp_path / "gansu.toml"
    pack.write_text(
        """
[[template]]
id = "gansu"
starts = ["项目名称"]
distinctive = ["省级配套资金"]
[template.params.BL003]
fields = ["name"]
[vocabulary.header.provincial]
label = "省级配套资金"
""",
        encoding="utf-8",
    )
    config = tmp_path / "budgetlint.toml"
    config.write_text('packs = ["gansu.toml"]\n', encoding="utf-8")
    linter = Linter(read_config_file(config) or Config(), lang="en")
    (project,) = linter.parse(table("| 项目名称 | 甲 |\n| 省级配套资金 | 5 |\n"), "t.md").projects
    assert project.template == "gansu"
    pack.write_text('[[template]]\nid = "gansu"\n[template.params.BL999]\nfields = ["name"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="template gansu: no rule BL999"):
        read_config_file(config)


# ---------------------------------------------------------------- pipe rows and TAB rows


def _signature(document) -> list:
    """What a document says, without where: the projects, their money, their indicators."""
    return [
        (
            project.name,
            project.template,
            {key: field.amount for key, field in project.fields.items() if field.amount is not None},
            [
                (
                    i.name,
                    i.kind,
                    i.value.raw,
                    [(a.comparator, a.number, a.unit, a.percent) for a in i.value.amounts],
                    i.midterm.raw if i.midterm is not None else None,
                    i.note,
                )
                for i in project.indicators
            ],
        )
        for project in document.projects
    ]


def _as_tab(line: str) -> str:
    """A pipe row written as TAB cells (a rule line `|---|` as an empty line: the lines keep their numbers)."""
    cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
    if all(set(cell) <= set("-: ") for cell in cells):
        return ""
    return "\t".join(cells)


@given(st.sampled_from(IDS), st.data())
def test_a_table_reads_the_same_in_pipe_rows_and_tab_rows(linter, template, data):
    lines = (TEMPLATES / f"{template}.md").read_text(encoding="utf-8").splitlines()
    rows = [at for at, line in enumerate(lines) if line.startswith("|")]
    tabbed = set(data.draw(st.lists(st.sampled_from(rows), unique=True), label="rows as TAB"))
    mixed = [_as_tab(line) if at in tabbed else line for at, line in enumerate(lines)]
    pipe = linter.parse("\n".join(lines) + "\n", "t.md")
    assert _signature(linter.parse("\n".join(mixed) + "\n", "t.md")) == _signature(pipe)
