"""The value language is total: every text parses and reads, and a text cell is text by a grammar rule.

tests/test_lalr.py holds lark's trees and the driver's equal on any text; here the reader never
raises, and no parse is wrapped in a try.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from test_lalr import significant_text

from budgetlint.text import normalize_value


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
