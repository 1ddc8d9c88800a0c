"""No pathological line, cell or table makes the reader super-linear.

Nothing here is a time limit.  Regular expressions and the grammars (C code,
where backtracking hides) are timed on one input and the same input made
larger by a factor; the time must grow far less than the square of the
factor: linear reading gives a ratio near the factor, the backtracking these
tests were written against its square or worse.  The margin (2.5 × factor
against factor²) absorbs noisy CI machines, and sizes are chosen so that a
regression fails in seconds rather than hanging.  The builder's Python is
measured by counting the lines it executes, which is exact.  Rewritten
patterns are checked to accept exactly what the original ones did.
"""

from __future__ import annotations

import re
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from budgetlint import build
from budgetlint.syntax import iter_lines

FAST = settings(max_examples=300, deadline=None)


def per_call(fn, arg) -> float:
    """Seconds per call of fn(arg): the best of three batches of at least 20 ms each."""
    best = float("inf")
    for _ in range(3):
        calls, start = 0, time.perf_counter()
        while True:
            fn(arg)
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= 0.02:
                break
        best = min(best, elapsed / calls)
    return best


def growth(fn, make, size: int, factor: int) -> float:
    return per_call(fn, make(size * factor)) / per_call(fn, make(size))


def assert_linear(fn, make, size: int, factor: int = 4) -> None:
    ratio = growth(fn, make, size, factor)
    assert ratio < 2.5 * factor, f"x{factor} input took x{ratio:.1f} time (quadratic would be x{factor * factor})"


def lines(text: str) -> list:
    return list(iter_lines(text))


# ---------------------------------------------------------------- table grammar terminals

def test_almost_a_separator_row_is_rejected_in_linear_time():
    assert_linear(lines, lambda n: "|" + "-" * n + "x\n", 2000)
    assert_linear(lines, lambda n: "-" * n + "x\n", 2000)
    assert_linear(lines, lambda n: "|" + " - |" * n + "x\n", 500)


def test_long_rows_and_comments_are_linear():
    assert_linear(lines, lambda n: "| 项目名称 " * n + "|\n", 2000)
    assert_linear(lines, lambda n: "项目名称\t" * n + "\n", 2000)
    assert_linear(lines, lambda n: "<!-- budgetlint:" + "--> " * n + "x\n", 2000)
    assert_linear(lines, lambda n: "说明文字" * n + "\n", 2000)


OLD_SEPARATOR = re.compile(r"[ \t]*\|[ \t|:-]*-[ \t|:-]*(?=\n)|[ \t]*-{3,}[ \t|:-]*(?=\n)")
NEW_SEPARATOR = re.compile(r"[ \t]*\|[ \t|:]*-[ \t|:-]*(?=\n)|[ \t]*---[ \t|:-]*(?=\n)")


@FAST
@given(st.text(alphabet=" \t|:-x", max_size=12))
def test_separator_terminal_accepts_what_it_always_did(line):
    text = line + "\n"
    old, new = OLD_SEPARATOR.match(text), NEW_SEPARATOR.match(text)
    assert (old and old.group()) == (new and new.group())


def test_grammar_file_holds_the_linear_separator():
    from budgetlint.resources import grammar_path

    grammar = grammar_path("table.lark").read_text(encoding="utf-8")
    assert r"SEPARATOR.9: /[ \t]*\|[ \t|:]*-[ \t|:-]*(?=\n)/" in grammar


# ---------------------------------------------------------------- the builder's patterns

def test_year_patterns_are_linear_on_long_lines():
    assert_linear(build._YEAR_LINE.match, lambda n: "2024年" + " " * n + "x", 200)
    assert_linear(build._YEAR_LINE.match, lambda n: "(" + " " * n + "x", 200)
    assert_linear(build.title_year, lambda n: "1111年" * n, 200)
    assert_linear(build.title_year, lambda n: "1111年" * n + "表", 200)


def test_directive_pattern_is_linear_on_long_lines():
    assert_linear(build._DIRECTIVE.search, lambda n: "<!-- budgetlint: disable=" + " " * n + "! -->", 200)
    assert_linear(build._DIRECTIVE.search, lambda n: "<!-- budgetlint: disable=" + "BL1 " * n + "! -->", 200)


OLD_YEAR_LINE = re.compile(r"^\s*[(（]?\s*(\d{4})\s*年\s*度?\s*[)）]?\s*$")
OLD_TITLE_YEAR = re.compile(r"(\d{4})\s*年.*(?:表|目标)\s*$")
OLD_DIRECTIVE = re.compile(r"<!--\s*budgetlint\s*:\s*(?P<verb>[a-z-]+)\s*(?:=\s*(?P<codes>[A-Za-z0-9,\s]*?))?\s*-->")

year_text = st.text(alphabet=" (（)）2024年度表目标x\t", max_size=14)


@FAST
@given(year_text)
def test_year_line_pattern_accepts_what_it_always_did(text):
    old, new = OLD_YEAR_LINE.match(text), build._YEAR_LINE.match(text)
    assert (old and old.group(1)) == (new and new.group(1))


@FAST
@given(year_text)
def test_title_year_finds_what_the_pattern_found(text):
    old, new = OLD_TITLE_YEAR.search(text), build.title_year(text)
    assert (old and (old.group(1), old.start(1))) == (new and (new.group(1), new.start(1)))


@FAST
@given(st.builds(lambda a, b: "<!--" + a + "budgetlint" + b, st.text(alphabet=" :", max_size=3),
                 st.text(alphabet=" \t:=,-!>abdeilsBL12", max_size=16)))
def test_directive_pattern_reads_what_it_always_did(text):
    def read(match):
        if match is None:
            return None
        codes = [code.strip() for code in (match.group("codes") or "").split(",") if code.strip()]
        return match.group("verb"), codes

    assert read(OLD_DIRECTIVE.search(text)) == read(build._DIRECTIVE.search(text))


# ---------------------------------------------------------------- values

def test_a_one_megabyte_value_cell_reads_in_linear_time(linter):
    read = linter.values._read  # not the memoised entry point
    assert_linear(read, lambda n: "不" * n, 50_000)
    assert_linear(read, lambda n: "不少达" * n, 20_000)
    assert_linear(read, lambda n: "≥1万元/期、" * n, 500)
    value = read("不" * 1_000_000)
    assert (value.kind, len(value.text)) == ("text", 1_000_000)


def test_a_period_whose_first_month_is_not_a_month_is_text(linter):
    # These raised ValueError: int('1.5'), and int() of more than 4300 digits.
    for raw in ("1.5-12月", "2024年1.5-12月", "1" * 5000 + "-12月", "2024年" + "1" * 5000 + "-12月"):
        value = linter.values.read(raw)
        assert (value.kind, value.periods) == ("text", ())
    assert [(p.first.month, p.last.month) for p in linter.values.read("1-12月").periods] == [(1, 12)]


def test_huge_numbers_read_as_exact_amounts(linter):
    value = linter.values.read("≥" + "9" * 5000 + " 项")
    assert (value.amount.number, value.amount.unit_text) == (Decimal("9" * 5000), "项")
