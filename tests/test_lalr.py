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
def lark_value():
    return Lark(grammar_path("value.lark").read_text(encoding="utf-8"), parser="lalr", propagate_positions=True)


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
    count = 0
    for text in corpus():
        text = normalize_value(text)
        try:
            expected = shape(lark_value.parse(text))
        except Exception:
            with pytest.raises(ValueError):
                parser.parse(text)
            continue
        assert shape(parser.parse(text)) == expected, text
        count += 1
    assert count > 500


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="≥≤><=%/-,、 0123456789.万元项个次年月日前底以上达到不少于满意度提升件人", max_size=30))
def test_value_trees_are_lark_trees_on_random_text(lark_value, text):
    parser = value_parser()
    try:
        expected = shape(lark_value.parse(text))
    except Exception:
        with pytest.raises(ValueError):
            parser.parse(text)
        return
    assert shape(parser.parse(text)) == expected


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
