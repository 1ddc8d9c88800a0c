"""Every rule's own examples, run as tests: the bad one fires at its line, the good one stays silent.

The examples live next to each rule in rules/*.toml (and are what
`budgetlint explain` prints), so documentation and tests cannot drift apart.
"""

from __future__ import annotations

import re

import pytest

from budgetlint.config import Config
from budgetlint.engine import Linter
from budgetlint.explain import explain_text
from budgetlint.rules import load_catalogue

CATALOGUE = load_catalogue()
RULES = list(CATALOGUE)
BAD = [(rule, ex) for rule in RULES for ex in rule.examples if ex.expect == "bad"]
GOOD = [(rule, ex) for rule in RULES for ex in rule.examples if ex.expect == "good"]


@pytest.fixture(scope="module")
def linters():
    return {lang: Linter(Config(), lang=lang) for lang in ("zh", "en")}


def _codes_at(linter, text, rule=None):
    if rule is not None and not rule.enabled:  # a rule off by default: its examples run with it selected
        linter = Linter(Config(extend_select=(rule.code,)), lang="zh")
    _, findings = linter.check_text(text, "example.md")
    return findings


@pytest.mark.parametrize("rule, example", BAD, ids=[f"{r.code}-bad-{i}" for i, (r, _) in enumerate(BAD)])
def test_bad_example_fires_at_its_line(linters, rule, example):
    findings = [f for f in _codes_at(linters["zh"], example.text, rule) if f.code == rule.code]
    assert findings, f"{rule.code} did not fire on its bad example"
    assert example.line in [f.span.line for f in findings], (
        f"{rule.code} fired at {[f.span.line for f in findings]}, expected line {example.line}"
    )


@pytest.mark.parametrize("rule, example", GOOD, ids=[f"{r.code}-good-{i}" for i, (r, _) in enumerate(GOOD)])
def test_good_example_is_silent(linters, rule, example):
    findings = [f for f in _codes_at(linters["zh"], example.text, rule) if f.code == rule.code]
    assert findings == [], [f.message for f in findings]


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_every_rule_is_documented_and_testable(rule):
    assert rule.summary.get("zh") and rule.summary.get("en")
    assert rule.rationale.get("zh") and rule.rationale.get("en")
    assert any(e.expect == "good" for e in rule.examples)
    if rule.code != "BL005":  # an encoding cannot be shown in a text example; tests/test_input_* cover it
        assert any(e.expect == "bad" and e.line for e in rule.examples)


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_every_message_says_what_was_expected_and_found(rule):
    for variant, texts in rule.messages.items():
        assert "期望" in texts["zh"] and "实际" in texts["zh"], f"{rule.code}.{variant} zh"
        assert "expected" in texts["en"] and "found" in texts["en"], f"{rule.code}.{variant} en"


def test_messages_render_without_leftover_placeholders(linters):
    for lang, linter in linters.items():
        for _rule, example in BAD:
            for finding in _codes_at(linter, example.text):
                assert not re.search(r"\{[a-z_]+\}", finding.message), (lang, finding.code, finding.message)


def test_codes_and_names_are_unique_and_in_their_family():
    names = [r.name for r in RULES]
    assert len(names) == len(set(names))
    families = {
        "0": "layout",
        "1": "funding",
        "2": "cost",
        "3": "time",
        "4": "satisfaction",
        "5": "units",
        "6": "structure",
        "7": "narrative",
        "8": "wording",
    }
    for rule in RULES:
        assert rule.family == families[rule.code[2]], rule.code


def test_explain_shows_the_rule_text_and_examples():
    rule = CATALOGUE.get("BL802")
    text = explain_text(rule, "zh")
    assert rule.summary["zh"] in text and rule.rationale["zh"] in text
    for example in rule.examples:
        assert example.text.strip().splitlines()[0] in text
