"""The value language is total: every text parses and reads, and a text cell is text by a grammar rule.

tests/test_lalr.py holds lark's trees and the driver's equal on any text; here the reader never
raises, no parse is wrapped in a try, and the cells of the example documents on which the grammar
used to fail (tests/values/cells-that-raised.txt) parse and read as stated below.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from test_lalr import shape, significant_text

from budgetlint.lalr import value_parser
from budgetlint.text import normalize_value

RAISED = ROOT / "tests" / "values" / "cells-that-raised.txt"


@settings(max_examples=400, deadline=None)
@given(st.one_of(significant_text, st.text()))
def test_every_text_reads(linter, text):
    read = linter.values.read
    for form in (text, normalize_value(text)):
        value = read(form)
        assert value.raw == form


def _parse_calls_in_try(path: Path) -> list[int]:
    """The lines of the calls of a `.parse(` method inside the body of a try that has an except."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.Try, ast.TryStar)) and node.handlers:
            for statement in node.body:
                for inner in ast.walk(statement):
                    if (
                        isinstance(inner, ast.Call)
                        and isinstance(inner.func, ast.Attribute)
                        and inner.func.attr == "parse"
                    ):
                        found.append(inner.lineno)
    return found


def test_no_parse_is_wrapped_in_a_try():
    """A parse error is a bug in a grammar and must be seen, not turned into text by a catch-all."""
    package = ROOT / "budgetlint"
    wrapped = {
        str(path.relative_to(ROOT)): lines
        for path in sorted(package.rglob("*.py"))
        if (lines := _parse_calls_in_try(path))
    }
    assert wrapped == {}


def test_the_finder_of_wrapped_parses_finds_one(tmp_path):
    source = tmp_path / "wrapped.py"
    source.write_text("def f(p, t):\n    try:\n        return p.parse(t)\n    except Exception:\n        return None\n")
    assert _parse_calls_in_try(source) == [3]


# ---------------------------------------------------------------- the cells that raised
#
# Every distinct cell of the example documents (examples/, tests/data/ in UTF-8,
# tests/golden/documents/) on which the grammar raised before it was total: the cells of every
# table row, the indicator values and header fields as read, and every text the reader was given
# while checking them (the narrative's clauses among them).  Most are codes written against their
# names ("02-经常性项目"), text as before.  The others hold an amount or a date after the code or
# the span of years the old grammar failed on; they read it now, as the same text without that
# code reads.  An amount is written comparator, number, ~high end, %, unit, /denominator.

READINGS = {
    "1-产出指标 11-数量指标 举办培训 2 期": ("mixed", ["2期"]),
    "12-质量指标 培训合格率 ≥90%": ("mixed", ["≥90%"]),
    "13-时效指标 完成时间 2024年12月31日前": ("mixed", ["2024-12-31 before"]),
    "14-成本指标 举办培训 5 万元/期": ("mixed", ["5万元/期"]),
    "2-效益指标 22-社会效益 参训人员技能达标率 ≥85%": ("mixed", ["≥85%"]),
    "3-满意度指标 31-服务对象满意度 参训人员满意度 ≥90%": ("mixed", ["≥90%"]),
    "项目属性 02-经常性项目 项目期 99年": ("mixed", ["99年"]),
    "｜ 1-产出指标 ｜ 11-数量指标 ｜ 举办培训 ｜ 2 期 ｜": ("mixed", ["2期"]),
    "｜ 2-效益指标 ｜ 22-社会效益 ｜ 参训人员技能达标率 ｜ ≥85% ｜": ("mixed", ["≥85%"]),
    "｜ 3-满意度指标 ｜ 31-服务对象满意度 ｜ 参训人员满意度 ｜ ≥90% ｜": ("mixed", ["≥90%"]),
    "｜ 项目属性 ｜ 02-经常性项目 ｜ 项目期 ｜ 99年 ｜": ("mixed", ["99年"]),
    "｜ ｜ 12-质量指标 ｜ 培训合格率 ｜ ≥90% ｜": ("mixed", ["≥90%"]),
    "｜ ｜ 13-时效指标 ｜ 完成时间 ｜ 2024年12月31日前 ｜": ("mixed", ["2024-12-31 before"]),
    "｜ ｜ 14-成本指标 ｜ 举办培训 ｜ 5 万元/期 ｜": ("mixed", ["5万元/期"]),
    # suppression comments, read as values only when a whole line is taken for a cell
    "<!-- budgetlint: disable-next-row=BL502,BL801 -->": ("mixed", ["=502", "801"]),
    "<!-- budgetlint: disable=BL402,BL403 -->": ("mixed", ["=402", "403"]),
    # a clause of a narrative, and the whole narrative: 2021-2035 is a span of years (text), the
    # document number 科协发普字(2015)20号 reads as the numbers it is written with
    "根据《国务院…)》文件要求": ("mixed", ["2015", "20"]),
    "根据《国务院…元。</p>": (
        "mixed",
        ["2015", "20", "1", "137.9万元", "2", "150万元", "3", "60万元", "3", "20万元", "4", "80万元", "447.9万元"],
    ),
}


def _name(cell: str) -> str:
    """The cell as READINGS names it: long cells by their ends."""
    cell = cell.strip()
    return cell if len(cell) <= 60 else f"{cell[:6]}…{cell[-6:]}"


def _reading(value) -> tuple[str, list[str]]:
    parts = [
        f"{a.comparator or ''}{a.number}{'' if a.high is None else f'~{a.high}'}{'%' if a.percent else ''}"
        f"{a.unit.name if a.unit else ''}{f'/{a.per_text}' if a.per_text else ''}"
        for a in value.amounts
    ]
    parts += [f"{d.year}-{d.month}-{d.day} {d.suffix}".strip() for d in value.dates]
    parts += [f"{p.first.year}-{p.first.month}..{p.last.year}-{p.last.month}" for p in value.periods]
    return value.kind, parts


def _raised_cells() -> list[str]:
    return [line for line in RAISED.read_text(encoding="utf-8").split("\n") if line]


def test_the_cells_that_raised_parse_in_lark_and_the_driver_alike(lark_value):
    cells = _raised_cells()
    assert len(cells) == 68
    parser = value_parser()
    for cell in cells:
        for form in (cell, normalize_value(cell)):
            assert shape(parser.parse(form)) == shape(lark_value.parse(form)), form


def test_the_cells_that_raised_read_as_text_or_as_stated(linter):
    named = [_name(cell) for cell in _raised_cells()]
    assert set(READINGS) <= set(named)
    for cell, name in zip(_raised_cells(), named):
        value = linter.values.read(cell)
        assert _reading(value) == READINGS.get(name, ("text", [])), cell
