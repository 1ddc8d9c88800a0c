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
