"""Funding (BL1xx): the money in the header adds up, one table at a time, in both languages."""

from __future__ import annotations

import pytest
from conftest import findings_of

from budgetlint.config import Config
from budgetlint.engine import Linter

UNBALANCED = """
    单位：万元

    | 项目名称 | 示例项目 |
    | 项目属性 | 02-经常性项目 | 项目期 | 99年 |
    | 项目总额 | 120 | 年度资金总额 | 108.55 |
    | 本级资金 | 29.55 | 转移市县（区）资金 | 78 |
    | 年度总体绩效目标 | 举办培训。 |
"""


@pytest.fixture(scope="module")
def linters() -> dict[str, Linter]:
    return {lang: Linter(Config(), lang=lang) for lang in ("zh", "en")}


def test_the_total_that_does_not_add_up_is_reported_at_its_cell_with_its_parts(linters):
    (finding,) = findings_of(linters["zh"], UNBALANCED, "BL101")
    assert (finding.span.line, finding.span.column) == (5, 25)
    assert (finding.expected, finding.actual) == ("107.55", "108.55")
    assert [(row.span.line, row.label) for row in finding.related] == [
        (6, "本级资金 29.55"),
        (6, "转移市县(区)资金 78"),
    ]


def test_related_rows_are_named_in_the_language_of_the_report(linters):
    (finding,) = findings_of(linters["en"], UNBALANCED, "BL101")
    assert [row.label for row in finding.related] == ["own-level funds 29.55", "transfers to cities and counties 78"]


def test_a_balanced_header_is_silent(linters):
    balanced = UNBALANCED.replace("| 108.55 |", "| 107.55 |")
    assert [f.code for f in findings_of(linters["zh"], balanced) if f.code.startswith("BL1")] == []


def test_equal_is_equal_to_the_finest_digit_the_table_states(linters):
    # 29.55 + 78 = 107.55: "107.550" says the same; "107.56" is a cent off at the precision stated.
    assert findings_of(linters["zh"], UNBALANCED.replace("| 108.55 |", "| 107.550 |"), "BL101") == []
    assert findings_of(linters["zh"], UNBALANCED.replace("| 108.55 |", "| 107.56 |"), "BL101") != []
