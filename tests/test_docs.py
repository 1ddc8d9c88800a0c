"""The rules' pages (docs/rules/) and the links findings carry to them."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from click.testing import CliRunner
from conftest import CLEAN_TABLE, ROOT

from budgetlint.cli import main
from budgetlint.docs import pages, rule_url
from budgetlint.rules import load_catalogue

DOCS = ROOT / "docs" / "rules"
BAD = CLEAN_TABLE.replace("≥90%", ">=90%", 1)


def test_the_committed_pages_are_what_the_catalogue_gives():
    wanted = pages(load_catalogue())
    committed = {path.name: path.read_text(encoding="utf-8") for path in DOCS.glob("*.md")}
    stale = sorted(name for name in wanted if committed.get(name) != wanted[name])
    extra = sorted(set(committed) - set(wanted))
    assert not stale and not extra, f"run `python -m budgetlint.docs`: stale {stale[:5]}, extra {extra[:5]}"


def test_a_page_holds_the_rule_in_both_languages_with_its_examples():
    page = (DOCS / "BL201.md").read_text(encoding="utf-8")
    rule = load_catalogue().get("BL201")
    assert page.startswith("# BL201 costs-add-up-to-annual")
    assert rule.summary["zh"] in page and rule.summary["en"] in page
    assert "违反示例（第 7 行报告）" in page and "Bad example (reported at line 7)" in page
    assert "14.775万元/期" in page  # the example table itself


def test_the_index_links_every_rule():
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    for rule in load_catalogue():
        assert f"[{rule.code}]({rule.code}.md)" in index


def test_rule_url():
    assert rule_url(None, "BL201") is None and rule_url("", "BL201") is None
    assert rule_url("https://example.org/docs/rules", "BL201") == "https://example.org/docs/rules/BL201.md"
    assert rule_url("https://example.org/docs/rules/", "BL201") == "https://example.org/docs/rules/BL201.md"


def _check(tmp_path: Path, config: str | None, fmt: str):
    if config is not None:
        (tmp_path / "budgetlint.toml").write_text(config, encoding="utf-8")
    (tmp_path / "t.md").write_text(BAD, encoding="utf-8")
    return CliRunner().invoke(main, ["check", str(tmp_path / "t.md"), "--format", fmt], catch_exceptions=False)


def test_with_docs_url_json_findings_and_sarif_rules_link_to_their_pages(tmp_path):
    config = 'docs-url = "https://example.org/budgetlint/rules/"\n'
    data = json.loads(_check(tmp_path, config, "json").output)
    jsonschema.validate(
        data, json.loads((ROOT / "budgetlint" / "schemas" / "findings-1.json").read_text(encoding="utf-8"))
    )
    assert data["findings"] and all(
        f["url"] == f"https://example.org/budgetlint/rules/{f['code']}.md" for f in data["findings"]
    )
    sarif = json.loads(_check(tmp_path, config, "sarif").output)
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert rules and all(r["helpUri"] == f"https://example.org/budgetlint/rules/{r['id']}.md" for r in rules)


def test_without_docs_url_nothing_links_anywhere(tmp_path):
    data = json.loads(_check(tmp_path, None, "json").output)
    assert data["findings"] and all("url" not in f for f in data["findings"])
    driver = json.loads(_check(tmp_path, None, "sarif").output)["runs"][0]["tool"]["driver"]
    assert all("helpUri" not in r for r in driver["rules"])
    assert "budgetlint.invalid" not in json.dumps(driver) and "file://" not in json.dumps(driver["rules"])


def test_a_docs_url_that_is_no_address_is_a_config_error(tmp_path):
    result = _check(tmp_path, 'docs-url = "docs/rules"\n', "concise")
    assert result.exit_code == 2 and "docs-url: expected the http(s) address" in result.output
