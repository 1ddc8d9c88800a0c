"""Configuration (found upward, validated against the rules' parameters) and suppression comments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import table

from budgetlint.cli import main
from budgetlint.config import Config, ConfigError, config_for_dir, parse_config
from budgetlint.engine import Linter

LOW_SATISFACTION = table("""
    # 2024年部门项目支出绩效目标表
    | 项目名称 | 示例项目 |
    | 项目属性 | 02-经常性项目 | 项目期 | 99年 |
    | 项目总额 | 10 | 年度资金总额 | 10 |
    | 本级资金 | 10 | 转移市县（区）资金 | 0 |
    | 年度总体绩效目标 | 举办培训 2 期。 |
    | 一级指标 | 二级指标 | 三级指标 | 绩效值 |
    | 1-产出指标 | 11-数量指标 | 举办培训 | 2 期 |
    | | 13-时效指标 | 完成时间 | 2024年12月31日前 |
    | | 14-成本指标 | 举办培训 | 5 万元/期 |
    | 3-满意度指标 | 31-服务对象满意度 | 参训人员满意度 | ≥59% |
""")


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def codes(path: Path, *extra) -> list[tuple[str, int]]:
    data = json.loads(run("check", str(path), "--format", "json", *extra).output)
    return [(f["code"], f["line"]) for f in data["findings"]]


@pytest.fixture(autouse=True)
def fresh_config_cache():
    config_for_dir.cache_clear()
    yield
    config_for_dir.cache_clear()


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    (tmp_path / "docs" / "2024").mkdir(parents=True)
    (tmp_path / "docs" / "2024" / "t.md").write_text(LOW_SATISFACTION, encoding="utf-8")
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.write_text(table(text), encoding="utf-8")
    return path


def test_defaults_report_the_low_target(project_dir):
    assert ("BL403", 11) in codes(project_dir / "docs")


def test_pyproject_found_upward_sets_a_parameter(project_dir):
    write(
        project_dir / "pyproject.toml",
        """
        [project]
        name = "budget-docs"

        [tool.budgetlint]
        satisfaction-minimum = 55
    """,
    )
    assert ("BL403", 11) not in codes(project_dir / "docs")


def test_budgetlint_toml_params_by_code_or_name(project_dir):
    write(
        project_dir / "budgetlint.toml",
        """
        [params.satisfaction-below-minimum]
        minimum = "95"
    """,
    )
    found = codes(project_dir / "docs")
    assert ("BL403", 11) in found


def test_ignore_select_and_severity(project_dir):
    write(
        project_dir / "budgetlint.toml",
        """
        ignore = ["BL4"]
        extend-select = ["BL403"]
        [severity]
        BL403 = "error"
    """,
    )
    data = json.loads(run("check", str(project_dir / "docs"), "--format", "json").output)
    found = {(f["code"], f["severity"]) for f in data["findings"]}
    assert ("BL403", "error") in found  # the longer, more specific selection wins
    assert not any(code.startswith("BL40") and code != "BL403" for code, _ in found)
    assert run("check", str(project_dir / "docs"), "--format", "concise").exit_code == 1


def test_per_file_ignores(project_dir):
    write(
        project_dir / "budgetlint.toml",
        """
        [per-file-ignores]
        "docs/2024/*.md" = ["BL403"]
    """,
    )
    assert ("BL403", 11) not in codes(project_dir / "docs")


def test_per_file_ignores_apply_to_their_files_only_within_one_run(project_dir):
    """The rules a file gets are made once per set of per-file-ignores: the ignored file's set must not
    leak to the others, before or after it (a layout rule, read while building, included)."""
    stray = LOW_SATISFACTION.replace("| 一级指标 |", "这一行是散落的说明文字\n| 一级指标 |")  # BL006 (layout)
    for name in ("a.md", "c.md"):
        (project_dir / "docs" / "2024" / name).write_text(stray, encoding="utf-8")
    (project_dir / "docs" / "2024" / "b.md").write_text(stray, encoding="utf-8")
    write(
        project_dir / "budgetlint.toml",
        """
        [per-file-ignores]
        "docs/2024/b.md" = ["BL403", "BL006"]
    """,
    )
    data = json.loads(run("check", str(project_dir / "docs"), "--format", "json").output)
    found = {(Path(f["path"]).name, f["code"]) for f in data["findings"]}
    for name in ("a.md", "c.md", "t.md"):
        assert (name, "BL403") in found
    assert ("a.md", "BL006") in found and ("c.md", "BL006") in found
    assert not any(name == "b.md" and code in ("BL403", "BL006") for name, code in found)


def test_plans_are_made_once_per_set_of_per_file_ignores(project_dir):
    config = parse_config({"per-file-ignores": {"drafts/*": ["BL7"]}}, None, project_dir)
    linter = Linter(config)
    one, two = project_dir / "docs" / "a.md", project_dir / "docs" / "b.md"
    draft = project_dir / "drafts" / "c.md"
    assert linter.plan_for(one) is linter.plan_for(two)
    assert {rule.code for rule, _, _ in linter.plan_for(draft)} == {
        rule.code for rule, _, _ in linter.plan_for(one) if not rule.code.startswith("BL7")
    }
    assert any(rule.code.startswith("BL7") for rule, _, _ in linter.plan_for(one))
    assert not linter.enabled("BL701", draft) and linter.enabled("BL701", one)
    assert linter.enabled("BL006", one) == config.enabled("BL006", one)


def test_a_symlinked_file_takes_the_config_of_the_folder_it_points_into(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "links").mkdir()
    (tmp_path / "real" / "t.md").write_text(LOW_SATISFACTION, encoding="utf-8")
    write(tmp_path / "real" / "budgetlint.toml", 'ignore = ["BL403"]\n')
    (tmp_path / "links" / "t.md").symlink_to(tmp_path / "real" / "t.md")
    (tmp_path / "links" / "u.md").write_text(LOW_SATISFACTION, encoding="utf-8")
    found = {
        (Path(f["path"]).name, f["code"])
        for f in json.loads(run("check", str(tmp_path / "links"), "--format", "json").output)["findings"]
    }
    assert ("u.md", "BL403") in found and ("t.md", "BL403") not in found


def test_fiscal_year_from_config_overrides_the_document(project_dir):
    write(project_dir / "budgetlint.toml", "fiscal-year = 2025\n")
    assert ("BL301", 9) in codes(project_dir / "docs")
    assert ("BL301", 9) in codes(project_dir / "docs", "--fiscal-year", "2025")


def test_exclude(project_dir):
    write(project_dir / "budgetlint.toml", 'exclude = ["docs/2024/"]\n')
    data = json.loads(run("check", str(project_dir / "docs"), "--format", "json").output)
    assert data["summary"]["files"] == 0


@pytest.mark.parametrize(
    "config, message",
    [
        ("colour = true\n", "unknown key 'colour'"),
        ('select = "BL1"\n', "select: expected a list"),
        ('ignore = ["BL999"]\n', "'BL999' is not a rule code"),
        ('[severity]\nBL101 = "fatal"\n', "'fatal' is not one of"),
        ("[params.BL403]\nmaximum = 3\n", "BL403 has no parameter 'maximum'"),
        ("[params.BL403]\nminimum = [80]\n", "expected decimal"),
        ('fiscal-year = "2024"\n', "fiscal-year: expected a year"),
        ("tolerance = -1\n", "tolerance: expected a non-negative amount"),
        ('packs = ["missing.toml"]\n', "rule pack 'missing.toml' not found"),
        ("select = [\n", "not valid TOML"),
    ],
)
def test_bad_config_is_a_one_line_error_with_exit_two(project_dir, config, message):
    (project_dir / "budgetlint.toml").write_text(config, encoding="utf-8")
    result = run("check", str(project_dir / "docs"), "--format", "concise")
    assert result.exit_code == 2
    assert message in result.output
    assert "budgetlint.toml" in result.output
    assert "Traceback" not in result.output


def test_a_rule_pack_extends_vocabulary_units_and_rule_data(project_dir):
    write(
        project_dir / "ningxia.toml",
        """
        units = \"\"\"
        师生 = 人
        \"\"\"

        [vocabulary.header.other]
        label = "其他资金"
        aliases = ["单位自筹资金"]

        [[rule]]
        code = "BL403"
        name = "satisfaction-below-minimum"
        kind = "satisfaction-minimum"
        severity = "error"
        summary.zh = "满意度低于 60%"
        summary.en = "Satisfaction below 60%"
        params.minimum = { type = "decimal", default = "50" }
        [rule.messages.default]
        zh = "满意度过低：期望 {expected}，实际 {actual}"
        en = "too low: expected {expected}, found {actual}"
    """,
    )
    write(project_dir / "budgetlint.toml", 'packs = ["ningxia.toml"]\n')
    config = config_for_dir(project_dir / "docs" / "2024")
    linter = Linter(config, "en")
    assert linter.vocabulary.header_field("单位自筹资金") == "other"
    assert linter.units.get("师生").dimension == linter.units.get("人").dimension
    assert ("BL403", 11) not in codes(project_dir / "docs")  # minimum 50 from the pack


def test_an_invalid_rule_pack_names_the_file_and_the_rule(project_dir):
    write(
        project_dir / "bad-pack.toml",
        """
        [[rule]]
        code = "BL950"
        name = "Not Kebab"
    """,
    )
    write(project_dir / "budgetlint.toml", 'packs = ["bad-pack.toml"]\n')
    result = run("check", str(project_dir / "docs"))
    assert result.exit_code == 2
    assert "bad-pack.toml:1: rule BL950" in result.output


def test_a_pack_is_data_only(project_dir, tmp_path):
    marker = tmp_path / "pwned"
    write(
        project_dir / "evil.toml",
        f"""
        units = "__import__('os').system('touch {marker}')"
        [vocabulary.words]
        vague = ["{{{{__import__('os').system('touch {marker}')}}}}"]
    """,
    )
    write(project_dir / "budgetlint.toml", 'packs = ["evil.toml"]\n')
    result = run("check", str(project_dir / "docs"), "--format", "concise")
    assert not marker.exists()
    assert result.exit_code in (1, 2)


def test_parse_config_accepts_every_documented_key(tmp_path):
    config = parse_config(
        {
            "select": ["BL"],
            "extend-select": [],
            "ignore": ["BL801"],
            "extend-ignore": ["BL205"],
            "per-file-ignores": {"drafts/*": ["BL7"]},
            "severity": {"BL403": "error"},
            "params": {"BL403": {"minimum": 85}},
            "fiscal-year": 2024,
            "tolerance": "0.01",
            "packs": [],
            "include": ["*.md"],
            "exclude": ["archive/"],
            "lang": "en",
            "fail-on": "warning",
            "satisfaction-minimum": 85,
        },
        None,
        tmp_path,
    )
    assert config.enabled("BL101") and not config.enabled("BL801") and not config.enabled("BL205")
    assert config.params_of("BL403", {})["minimum"] == 85


# ------------------------------------------------------------------ suppression
SUPPRESSED = """
    <!-- budgetlint: disable=BL503 -->

    | 项目名称 | 示例项目 |
    | 项目属性 | 02-经常性项目 | 项目期 | 99年 |
    | 项目总额 | 10 | 年度资金总额 | 10 |
    | 本级资金 | 10 | 转移市县（区）资金 | 0 |
    | 年度总体绩效目标 | 购置台式机 3 台。 |
    | 一级指标 | 二级指标 | 三级指标 | 绩效值 |
    | 1-产出指标 | 11-数量指标 | 台式机 | 3 |
    | | 13-时效指标 | 完成时间 | 2024年12月31日前 |
    | | 14-成本指标 | 台式机 | 40 万 |
    | 3-满意度指标 | 31-服务对象满意度 | 使用人满意度 | 59% |
"""


def check(text: str):
    linter = Linter(Config(), "en")
    return linter.check_text(table(text), "t.md")[1]


def test_file_level_suppression():
    found = check(SUPPRESSED)
    assert "BL503" not in {f.code for f in found}
    assert "BL009" not in {f.code for f in found}


def test_row_level_suppression_only_covers_the_next_row():
    text = SUPPRESSED.replace("<!-- budgetlint: disable=BL503 -->\n", "").replace(
        "    | | 14-成本指标 | 台式机 | 40 万 |",
        "    <!-- budgetlint: disable=BL502 -->\n    | | 14-成本指标 | 台式机 | 40 万 |",
    )
    found = check(text)
    assert "BL502" not in {f.code for f in found}
    assert ("BL503", 7) in {(f.code, f.span.line) for f in found}


def test_table_level_suppression_above_the_project_row():
    text = "<!-- budgetlint: disable=BL402,BL403 -->\n" + table(SUPPRESSED).split("\n", 2)[2]
    found = check(text)
    assert not {"BL402", "BL403"} & {f.code for f in found}


def test_explicit_scopes():
    text = SUPPRESSED.replace("disable=BL503", "disable-file=BL402")
    assert "BL402" not in {f.code for f in check(text)}


def test_unused_suppression_is_a_finding():
    text = SUPPRESSED.replace("disable=BL503", "disable=BL101")
    found = [f for f in check(text) if f.code == "BL009"]
    assert [(f.span.line, f.expected) for f in found] == [(1, "BL101")]


def test_malformed_suppression_is_a_finding():
    text = SUPPRESSED.replace("disable=BL503", "disabel=BL503")
    found = [f for f in check(text) if f.code == "BL009"]
    assert len(found) == 1 and found[0].span.line == 1 and "disabel" in found[0].actual


def test_config_error_type_is_one_line(tmp_path):
    with pytest.raises(ConfigError) as error:
        parse_config({"select": ["XYZ"]}, tmp_path / "budgetlint.toml", tmp_path)
    assert "\n" not in str(error.value)


def test_per_file_ignores_are_matched_once_for_the_file_being_checked(project_dir, monkeypatch):
    config = parse_config({"per-file-ignores": {"drafts/*": ["BL7"]}}, None, project_dir)
    linter = Linter(config)
    draft, other = project_dir / "drafts" / "c.md", project_dir / "docs" / "a.md"
    calls = []
    real = Config.ignored_for
    monkeypatch.setattr(Config, "ignored_for", lambda self, path: calls.append(path) or real(self, path))
    for _ in range(3):
        linter.plan_for(draft)
        assert not linter.enabled("BL701", draft)
    assert calls == [draft]
    assert linter.enabled("BL701", other) and not linter.enabled("BL701", draft)  # the next file, then back
    assert calls == [draft, other, draft]
