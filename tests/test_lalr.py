"""The lark-derived tables run by budgetlint.lalr give exactly lark's tokens and trees."""

from __future__ import annotations

import pytest
from conftest import EXAMPLES, SEED
from hypothesis import given, settings
from hypothesis import strategies as st
from lark import Lark, Tree
from lark import Token as LarkToken

from budgetlint.lalr import Node, Token, line_scanner, value_parser
from budgetlint.resources import grammar_path
from budgetlint.text import normalize_value


@pytest.fixture(scope="module")
def lark_table():
    return Lark(grammar_path("table.lark").read_text(encoding="utf-8"), parser="lalr", lexer="contextual")


def shape(tree):
    if isinstance(tree, (Tree, Node)):
        meta = (tree.meta.start_pos, tree.meta.end_pos) if tree.children else None
        return (str(tree.data), meta, [shape(child) for child in tree.children])
    assert isinstance(tree, (LarkToken, Token))
    return (tree.type, str(tree), tree.start_pos, tree.end_pos)


def corpus() -> list[str]:
    values = set()
    for path in [SEED, *EXAMPLES.rglob("*.md"), *EXAMPLES.rglob("*.txt")]:
        for line in path.read_text(encoding="utf-8").splitlines():
            cells = [c.strip() for c in line.replace("|", "\t").split("\t") if c.strip()]
            values.update(cells)
    return sorted(values)


def test_value_trees_are_lark_trees_on_every_example_cell(lark_value):
    parser = value_parser()
    cells = corpus()
    for text in cells:
        text = normalize_value(text)
        assert shape(parser.parse(text)) == shape(lark_value.parse(text)), text
    assert len(cells) > 500


# The characters the value grammar gives a meaning to, and some it does not: digits and the signs
# between them, date words, comparators, magnitudes and units, blanks of several kinds (the grammar
# ignores every blank), separators, other CJK, and full-width forms (normalize_value maps them).
SIGNIFICANT = [
    *"0123456789",
    *".-~至/%‰",
    *"年月日号前底",
    *"≥≤><=",
    ">=",
    "不少于",
    "达",
    "达到",
    "以上",
    *"万元个余项次场",
    *" \t\u3000\xa0\n",
    *",;、",
    *"满意度提升件人",
    *"(（",
    *"－～％，．２",
]
significant_text = st.lists(st.sampled_from(SIGNIFICANT), max_size=25).map("".join)


@settings(max_examples=600, deadline=None)
@given(significant_text)
def test_value_trees_are_lark_trees_on_the_significant_characters(lark_value, text):
    """The value language is total: lark and the driver parse every text alike, as written and
    normalised (as budgetlint.values reads it)."""
    parser = value_parser()
    for form in (text, normalize_value(text)):
        assert shape(parser.parse(form)) == shape(lark_value.parse(form))


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_value_trees_are_lark_trees_on_any_text(lark_value, text):
    parser = value_parser()
    for form in (text, normalize_value(text)):
        assert shape(parser.parse(form)) == shape(lark_value.parse(form))


def test_line_kinds_are_lark_tokens(lark_table):
    scanner = line_scanner()
    for path in [SEED, *EXAMPLES.rglob("*.md"), *EXAMPLES.rglob("*.txt")]:
        text = path.read_text(encoding="utf-8")
        if not text.endswith("\n"):
            text += "\n"
        expected = [(t.type, t.line) for t in lark_table.lex(text) if t.type != "_NL"]
        lines = text.split("\n")
        actual = [(scanner.terminal(line), number) for number, line in enumerate(lines, 1) if line]
        assert actual == expected, path.name
