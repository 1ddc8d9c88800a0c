"""Line classification (grammar/table.lark), cell columns, and the unit table derived from pint."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from budgetlint.containers.text import iter_lines
from budgetlint.units import build_table_with_pint, load_units


def read_lines(text: str) -> list:
    return list(iter_lines(text))


def parse_tree(text: str):
    """The full LALR parse of `text` by lark itself."""
    from budgetlint.resources import lark_parser

    return lark_parser("table.lark", lexer="contextual").parse(text if text.endswith("\n") else text + "\n")


def test_lines_are_classified():
    text = "\n".join(
        [
            "# 2024年绩效目标表",
            "单位：万元",
            "<!-- budgetlint: disable=BL201 -->",
            "<!-- a comment -->",
            "| 项目名称 | 示例 |",
            "|---|---|",
            "项目名称\t示例",
            "------\t-----",
            "只是一段说明文字",
        ]
    )
    kinds = [(line.kind, line.number) for line in read_lines(text)]
    assert kinds == [
        ("heading", 1),
        ("meta", 2),
        ("directive", 3),
        ("comment", 4),
        ("row", 5),
        ("separator", 6),
        ("row", 7),
        ("separator", 8),
        ("text", 9),
    ]


def test_cells_keep_their_columns_and_escaped_pipes():
    (line,) = read_lines("|  a | 二三 | x\\|y |")
    assert [(c.text, c.column, c.end_column) for c in line.cells] == [("a", 4, 5), ("二三", 8, 10), ("x|y", 13, 17)]
    (tab,) = read_lines("项目名称\t\t示例\t")
    assert [(c.text, c.column) for c in tab.cells] == [("项目名称", 1), ("", 6), ("示例", 7), ("", 10)]


@given(st.text(alphabet=" \t|\\\u3000a二-", max_size=30))
def test_filled_cells_are_the_non_empty_cells(row):
    """`Line.filled` splits the common pipe row its own way (without the pieces outside the pipes):
    it must give exactly the non-empty cells of the full split, columns included, for any row."""
    for line in read_lines(row):
        if line.kind == "row":
            filled = line.filled
            line._filled = None
            assert filled == tuple(cell for cell in line.cells if cell.text)


def test_blank_lines_keep_numbering():
    lines = read_lines("\n\n| a |\n\n\n| b |\n")
    assert [line.number for line in lines] == [3, 6]


def test_the_grammar_parses_the_seed(tmp_path):
    from conftest import SEED

    tree = parse_tree(SEED.read_text(encoding="utf-8"))
    assert sum(1 for child in tree.children if child.data == "tab_row") > 500


def test_cached_unit_table_equals_pint():
    """The cached factors are pint's own, exactly (Decimal, never float)."""
    fresh = build_table_with_pint()
    table = load_units()
    for name, (canonical, dimension, factor) in fresh.items():
        unit = table.get(name)
        assert (unit.name, unit.dimension, unit.factor) == (canonical, dimension, Decimal(factor)), name
    assert table.get("万元").factor == Decimal("10000")
    assert table.get("场次").name == "场"  # an alias
    assert table.get("人次").dimension != table.get("人").dimension
    assert table.get("年").is_time and table.get("%").is_ratio


def test_longest_unit_prefix():
    table = load_units()
    unit, size = table.prefix("件设备设施")
    assert (unit.name, size) == ("件", 1)
    unit, size = table.prefix("人次以上")
    assert (unit.name, size) == ("人次", 2)
    assert table.prefix("师生") is None
