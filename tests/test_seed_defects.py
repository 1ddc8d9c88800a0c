"""The real defects of the published seed, each found at its line — and no false error on its arithmetic."""

from __future__ import annotations

import pytest
from conftest import SEED


@pytest.fixture(scope="module")
def findings(linter):
    _, found = linter.check_text(SEED.read_text(encoding="utf-8"), "seed")
    return found


def at(findings, code):
    return sorted({f.span.line for f in findings if f.code == code})


def test_the_59_percent_satisfaction_target(findings):
    assert at(findings, "BL402") == [560]  # no ≥
    assert at(findings, "BL403") == [560]  # below 80%


def test_narrative_says_2_8_where_the_funding_is_2_4(findings):
    (finding,) = [f for f in findings if f.code == "BL702" and f.span.line == 622]
    assert (finding.expected, finding.actual) == ("2.4 万元", "2.8万元")
    assert finding.severity == "error"


def test_narrative_item_137_9_against_its_cost_row(findings):
    (finding,) = [f for f in findings if f.code == "BL702" and f.span.line == 444]
    assert (finding.expected, finding.actual) == ("126.2784万元", "137.9 万元")


def test_narrative_says_5_teams_where_the_indicator_says_6(findings):
    (finding,) = [f for f in findings if f.code == "BL701"]
    assert finding.span.line == 73 and (finding.expected, finding.actual) == ("6个", "5 个")


def test_the_two_tables_whose_costs_balance_only_per_unit(findings):
    # 流动科技馆 (10.4 万元 = 2 站 × (50000 + 2000) 元) and 地方财政 (37.24 万元).
    assert at(findings, "BL203") == [283, 284, 316, 317, 318]
    per_unit = {f.span.line: f.expected for f in findings if f.code == "BL203"}
    assert per_unit[283] == "50000元/站" and per_unit[316] == "8500元/次"


def test_no_funding_or_cost_error_under_the_correct_reading(findings):
    errors = [f for f in findings if f.code[2] in "12" and f.severity == "error"]
    assert errors == [], [(f.code, f.span.line, f.message) for f in errors]


@pytest.mark.parametrize(
    "code, lines",
    [
        ("BL106", [408, 510]),  # 03-多长期延续性项目; 0101—一年期项目
        ("BL107", [101]),  # 03-多年期延续性项目 with 99年
        ("BL502", [49, 223, 226, 697, 698, 699, 700, 701]),  # bare 万 in cost rows
        ("BL503", [230, 624]),  # 知名度 ≥80 without %; 台式机 3 without 台
        ("BL501", [387]),  # 20.5 万余师生
        ("BL204", [392]),  # 2 元/人次 against 师生
        ("BL703", [579]),  # the narrative pasted twice
        ("BL704", [444, 579]),  # <p>…</p>
    ],
)
def test_other_real_defects(findings, code, lines):
    assert at(findings, code) == lines


def test_the_editing_drift_between_cost_and_quantity_names(findings):
    drift = {f.actual: f.expected for f in findings if f.code == "BL205"}
    assert drift["编印科普内刊《宁夏科协》"] == "编印科普刊物《宁夏科协》"
    assert drift["网站维护及年度科普宣传"] == "网络维护及年度科普宣传"


def test_every_finding_has_a_line_and_a_message_with_expected_and_found(findings):
    for finding in findings:
        assert finding.span.line >= 1 and finding.span.column >= 1
        assert "expected" in finding.message and "found" in finding.message, finding.message


def test_findings_are_deterministic(linter):
    text = SEED.read_text(encoding="utf-8")
    runs = [[(f.code, f.span, f.message) for f in linter.check_text(text, "seed")[1]] for _ in range(2)]
    assert runs[0] == runs[1]


def test_clean_realistic_tables_give_no_finding(linter):
    from conftest import EXAMPLES

    files = sorted((EXAMPLES / "clean").iterdir())
    projects = 0
    for path in files:
        document, found = linter.check_text(path.read_text(encoding="utf-8"), path.name)
        projects += document.project_count
        assert found == [], [(f.code, f.span.line, f.message) for f in found]
    assert projects >= 10
