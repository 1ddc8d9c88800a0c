"""No pathological line, cell or table makes the reader super-linear, and nothing here is timed.

Two kinds of proof, both exact and the same on every machine:

* Regular expressions run in C, where CPython's `re` counts no steps, so they are proved linear
  statically: tests/linearity.py reads each pattern's parse tree and checks a sound sufficient
  condition (its docstring gives the argument; in short, the automaton of the paths the
  backtracking engine can visit must be finitely ambiguous — no state with two cycles on one
  word, no two loops joined by a path on the word they both loop on).  Checked: every terminal
  of the table grammar (one `.match` a line), every terminal of the value grammar (a lexer
  calling `.match` token after token), and every compiled pattern at module level in
  budgetlint/ and in the built-in vocabulary, each in the mode its callers use.  The checker is
  tested itself on patterns known to backtrack (it must reject them) and linear ones.
* Python code is measured by counting the lines of budgetlint it executes (sys.settrace) on an
  input and on the same input made larger by a factor: linear work gives a ratio near the
  factor (a little under: a document has a fixed cost), quadratic work its square; as the
  count is exact, the margin is tight (1.15 × factor).  Where the danger is one operation
  (copying a growing list, re-cutting a growing text), that operation is counted directly.

Rewritten patterns are checked to accept exactly what the original ones did.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
from decimal import Decimal
from pathlib import Path

import linearity
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import budgetlint
from budgetlint import lalr, reader
from budgetlint.containers.text import iter_lines
from budgetlint.suppression import DIRECTIVE
from budgetlint.valueread import MAX_DIGITS

FAST = settings(max_examples=300, deadline=None)


def lines(text: str) -> list:
    return list(iter_lines(text))


def assert_proved(pattern, mode: str, what: str = "") -> None:
    found = linearity.problems(pattern, mode)
    shown = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
    assert not found, f"{what or shown!s}: not proved linear in {mode} mode: " + "; ".join(found)


PACKAGE = str(Path(reader.__file__).parent)


def executed_lines(fn, arg, files: tuple[str, ...] = (PACKAGE,), code=None) -> int:
    """The lines of budgetlint (or of `files`, or of the one function whose `code` object is given) that
    fn(arg) executes: exact, the same on every machine."""
    count = 0

    def local(frame, event, _):
        nonlocal count
        if event == "line":
            count += 1
        return local

    def tracer(frame, event, _):
        inside = frame.f_code is code if code is not None else frame.f_code.co_filename.startswith(files)
        return local if inside else None

    previous = sys.gettrace()  # (a coverage tool's, say: restored after)
    sys.settrace(tracer)
    try:
        fn(arg)
    finally:
        sys.settrace(previous)
    assert count, f"no line of {files} ran"
    return count


def work_ratio(fn, make, size: int, factor: int, files: tuple[str, ...] = (PACKAGE,)) -> float:
    fn(make(2))  # warm the caches (parsers, value memo) before counting
    small = executed_lines(fn, make(size), files)  # first: the large input must not warm the small one's values
    return executed_lines(fn, make(size * factor), files) / small


def assert_linear_work(fn, make, size: int, factor: int = 8, files: tuple[str, ...] = (PACKAGE,)) -> float:
    ratio = work_ratio(fn, make, size, factor, files)
    # Linear work gives at most x{factor} (less the fixed cost of a document); the quadratic loops these
    # tests were written against gave x13 to x16 at these sizes.
    assert ratio < 1.15 * factor, f"x{factor} input ran x{ratio:.2f} lines (quadratic: x{factor * factor})"
    return ratio


# ---------------------------------------------------------------- the checker itself

# Each backtracks super-linearly in the mode given (by hand: x2 input, x4 time or worse).
BACKTRACKING = [
    (r"(a+)+$", "match"),  # exponential
    (r"(\s*)*x", "match"),
    (r"(a|a)*b", "match"),
    (r"(?:(?:a|b?)*c)*d", "match"),  # an empty iteration, then the tail, both ways
    (r"\s*\s*x", "match"),  # quadratic
    (r"[^\n]*[^\n]*x", "match"),
    (r"(a|aa)*c", "match"),
    (r"\s*(.*)$", "match"),  # without DOTALL, . stops at a newline and $ fails
    (r"(?:[^\n]*+x|.)*+", "match"),  # possessive does not help: each iteration scans the line
    (r"(?:(?=[^\n]*c)a)*x", "match"),  # a lookahead that scans to the end of the line at every position
    (r"\s*x", "search"),  # each start scans the whole run of blanks again
    (r"\s*+x", "search"),  # ... possessive or not
    (r"(a|ab)*c", "search"),
    (r"x(?:[^\n]*y)?", "scan"),  # each match of "x" scans the rest of the line for a "y"
    # the patterns these tests were first written against
    (r"[ \t]*\|[ \t|:-]*-[ \t|:-]*(?=\n)|[ \t]*-{3,}[ \t|:-]*(?=\n)", "match"),
    (r"^\s*[(（]?\s*(\d{4})\s*年\s*度?\s*[)）]?\s*$", "match"),
    (r"(\d{4})\s*年.*(?:表|目标)\s*$", "search"),
    (r"<!--\s*budgetlint\s*:\s*(?P<verb>[a-z-]+)\s*(?:=\s*(?P<codes>[A-Za-z0-9,\s]*?))?\s*-->", "search"),
    # budgetlint.suppression.DIRECTIVE without its possessive blanks
    (
        r"<!--\s*budgetlint\s*:\s*(?P<verb>[a-z-]+)\s*(?:=\s*(?P<codes>[A-Za-z0-9,]+(?:\s+[A-Za-z0-9,]+)*)?)?\s*-->",
        "search",
    ),
]

LINEAR = [
    (r"\s*x", "match"),
    (r"a*+a", "match"),
    (r"\s*+\s*x", "match"),  # possessive: a run of blanks has one owner (as a search, each start rescans it)
    (r"[^\n\t]*\t[^\n]*", "match"),
    (r"(a|ab)*c", "match"),  # one way through any text
    (r"(a?)*b", "match"),  # sre stops after an empty iteration
    (r"\d+", "scan"),  # a match succeeds as soon as it starts
    (r"x(?:[^\n]*y)?", "search"),
    (r"(?s)^\s*(\d+)\s*[-_.]+\s*(.*)$", "match"),  # (?s).* reaches the end, where $ holds
    (r"(?m)\s*([^\n]*)$", "match"),
    (r"(?:(?!ab|c[ \t]*\d)[^\d\s])+", "scan"),  # a lookahead that scans blanks only after a "c"
    (r"(?<!\\)\|", "scan"),
    (rb"[\x00-\x7f]+|[\x81-\xfe][\x40-\xfe]", "scan"),
]


@pytest.mark.parametrize(("pattern", "mode"), BACKTRACKING)
def test_the_checker_rejects_patterns_that_backtrack(pattern, mode):
    assert linearity.problems(pattern, mode)


@pytest.mark.parametrize(("pattern", "mode"), LINEAR)
def test_the_checker_proves_linear_patterns(pattern, mode):
    assert_proved(pattern, mode)


def test_the_modes_are_ordered_and_the_checker_says_what_it_cannot_read():
    for pattern, mode in LINEAR:
        for weaker in linearity.MODES[: linearity.MODES.index(mode)]:
            assert_proved(pattern, weaker)  # scan ⇒ search ⇒ match
    assert linearity.problems(r"(a)\1", "match") == ["not analysed: a backreference or a conditional group"]
    [reason] = linearity.problems(r"\s*\s*x", "match")
    assert reason.startswith("IDA:") and "' '" in reason
    [reason] = linearity.problems(r"(a+)+$", "match")
    assert reason.startswith("EDA:") and "'a'" in reason


# ---------------------------------------------------------------- the grammars' terminals


TABLE_TERMINALS = lalr.tables("table.lark")["terminals"]
VALUE_TERMINALS = lalr.tables("value.lark", propagate_positions=True)["terminals"]


def flagged(terminal: dict) -> str:
    return f"(?{''.join(terminal['flags'])}:{terminal['pattern']})" if terminal["flags"] else terminal["pattern"]


@pytest.mark.parametrize("terminal", TABLE_TERMINALS, ids=[t["name"] for t in TABLE_TERMINALS])
def test_every_table_grammar_terminal_is_linear_on_one_line(terminal):
    # iter_lines matches the terminals' union once at the start of each line
    assert_proved(flagged(terminal), "match", f"table.lark {terminal['name']}")


def test_the_line_scanner_is_linear():
    assert_proved(lalr.line_scanner().pattern, "match")


# The value parser's lexer matches one token where the last one ended, and raises where none matches:
# it never starts again after a failed attempt, as a search or finditer would.  So each terminal, and
# their union, is held to mode "match"; what a failed alternative reads beyond the token it loses to is
# a run of blanks or digits, which the next token takes whole (a run of digits is never cut: below).
@pytest.mark.parametrize("terminal", VALUE_TERMINALS, ids=[t["name"] for t in VALUE_TERMINALS])
def test_every_value_grammar_terminal_is_linear_token_after_token(terminal):
    # Read from the grammar's tables, so a terminal added to grammar/value.lark is checked too.  If one
    # fails here, the grammar needs a linear rewrite of that terminal (see tests/linearity.py for why).
    assert_proved(flagged(terminal), "match", f"value.lark {terminal['name']}")


def test_the_value_lexer_is_linear():
    # every contextual lexer of the value parser is this union restricted to some terminals
    assert_proved(lalr._union(lalr._ordered(VALUE_TERMINALS, None)), "match")


def _tokens(node) -> list:
    if isinstance(node, lalr.Token):
        return [node]
    return [token for child in node.children for token in _tokens(child)]


@FAST
@given(st.text(alphabet="0123456789 .-~至/%‰年月日号前底万元个项期余≥达以上", max_size=40))
def test_the_value_lexer_never_cuts_a_run_of_digits(text):
    for token in _tokens(lalr.value_parser().parse(text)):
        start = token.start_pos
        assert not (0 < start and text[start - 1].isdigit() and text[start].isdigit()), (text, token)


def test_long_lines_and_lines_almost_special_read_as_what_they_are():
    n = 20_000
    assert [line.kind for line in lines("| 项目名称 " * n + "|\n")] == ["row"]
    assert [line.kind for line in lines("说明文字" * n + "\n")] == ["text"]
    assert [line.kind for line in lines("|" + "-" * n + "x\n")] == ["row"]
    assert [line.kind for line in lines("-" * n + "x\n")] == ["text"]
    assert [line.kind for line in lines("|" + " - |" * n + "x\n")] == ["row"]
    assert [line.kind for line in lines("<!-- budgetlint:" + "--> " * n + "x\n")] == ["text"]
    assert [line.kind for line in lines("项目名称\t" * n + "\n")] == ["row"]


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


# ---------------------------------------------------------------- the patterns in budgetlint/


def module_patterns() -> dict[str, re.Pattern]:
    """Every compiled pattern at module level in budgetlint/."""
    found: dict[str, re.Pattern] = {}
    seen: set[int] = set()
    for info in pkgutil.walk_packages(budgetlint.__path__, "budgetlint."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern) and id(value) not in seen:  # once, where it is first found
                seen.add(id(value))
                found[f"{info.name}.{name}"] = value
    return found


MODULE_PATTERNS = module_patterns()
# How the callers apply a pattern, where it is not finditer, findall, sub or split: a pattern not listed
# is held to mode "scan", the strictest (every pattern passes it today, but a new one may need less).
USES = {
    "budgetlint.reader._YEAR_LINE": "match",
    "budgetlint.reader._YEAR_MARK": "search",  # title_year: one search, before the line's 表 or 目标
    "budgetlint.suppression.DIRECTIVE": "search",
    "budgetlint.valueread._DAY": "match",  # a DAY token, or a period's first point
    "budgetlint.valueread._LONE_GROUPED": "match",  # fullmatch of a whole cell
}


def test_the_patterns_at_module_level_are_found():
    assert set(USES) <= set(MODULE_PATTERNS)
    assert len(MODULE_PATTERNS) >= 20


@pytest.mark.parametrize("name", sorted(MODULE_PATTERNS))
def test_every_pattern_at_module_level_is_linear(name):
    assert_proved(MODULE_PATTERNS[name], USES.get(name, "scan"), name)


def test_the_vocabulary_patterns_are_linear(linter):
    assert_proved(linter.vocabulary.name_prefix, "scan")  # matching.name_key: prefix.sub
    assert_proved(linter.vocabulary.placeholders, "search")  # BL605: one search a cell


OLD_YEAR_LINE = re.compile(r"^\s*[(（]?\s*(\d{4})\s*年\s*度?\s*[)）]?\s*$")
OLD_TITLE_YEAR = re.compile(r"(\d{4})\s*年.*(?:表|目标)\s*$")
OLD_DIRECTIVE = re.compile(r"<!--\s*budgetlint\s*:\s*(?P<verb>[a-z-]+)\s*(?:=\s*(?P<codes>[A-Za-z0-9,\s]*?))?\s*-->")

year_text = st.text(alphabet=" (（)）2024年度表目标x\t", max_size=14)


@FAST
@given(year_text)
def test_year_line_pattern_accepts_what_it_always_did(text):
    old, new = OLD_YEAR_LINE.match(text), reader._YEAR_LINE.match(text)
    assert (old and old.group(1)) == (new and new.group(1))


@FAST
@given(year_text)
def test_title_year_finds_what_the_pattern_found(text):
    old, new = OLD_TITLE_YEAR.search(text), reader.title_year(text)
    assert (old and (old.group(1), old.start(1))) == (new and (new.group(1), new.start(1)))


@FAST
@given(
    st.builds(
        lambda a, b: "<!--" + a + "budgetlint" + b,
        st.text(alphabet=" :", max_size=3),
        st.text(alphabet=" \t:=,-!>abdeilsBL12", max_size=16),
    )
)
def test_directive_pattern_reads_what_it_always_did(text):
    def read(match):
        if match is None:
            return None
        codes = [code.strip() for code in (match.group("codes") or "").split(",") if code.strip()]
        return match.group("verb"), codes

    assert read(OLD_DIRECTIVE.search(text)) == read(DIRECTIVE.search(text))


# ---------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("make", "parts"),
    [
        pytest.param(lambda n: "≥1万元/期、" * n, True, id="measures"),
        pytest.param(lambda n: "不少于" * n, True, id="comparators"),
        pytest.param(lambda n: "2024年1月-12月；" * n, True, id="periods"),
        pytest.param(lambda n: "1 " * n, True, id="numbers and blanks"),
        pytest.param(lambda n: "达 9 次/年，" * n, True, id="rates"),
        pytest.param(lambda n: "不" * n, False, id="one word"),
        pytest.param(lambda n: "不少达" * n, False, id="almost comparators"),
    ],
)
def test_the_value_reader_does_linear_work_on_a_growing_cell(linter, make, parts):
    # The LALR driver (lalr.LalrParser.parse), the tree walk and the parts (valueread.py), counted; the
    # lexer's regular expressions are proved linear above.  100 → 800 parts: x7.94 to x7.99 lines;
    # one word however long is one token (x1 today).
    ratio = assert_linear_work(linter.values._read, make, 100)  # not the memoised entry point
    if parts:
        assert ratio > 7  # the count sees every part


def test_a_one_megabyte_value_cell_is_text(linter):
    value = linter.values._read("不" * 1_000_000)
    assert (value.kind, len(value.text)) == ("text", 1_000_000)


def test_the_value_parser_does_not_copy_its_growing_list_of_parts(linter, monkeypatch):
    # lalr._build flattened the left-recursive repetition `_part*` by copying the list of parts
    # read so far at every part: n² element copies for a value of n parts (20 s for 1 MB).
    from budgetlint import lalr

    copied = [0]

    class CountingInline(list):  # the lists of an inlined rule's parts, made by the name `list` in lalr
        def __iter__(self):
            copied[0] += len(self)
            return super().__iter__()

    monkeypatch.setattr(lalr, "list", CountingInline, raising=False)  # a global shadows the builtin
    parts = 4000
    value = linter.values._read("≥1万元/期、" * parts)
    assert len(value.amounts) == parts
    assert copied[0] < 4 * parts  # quadratic: about parts² / 2


def test_adjacent_text_pieces_are_cut_from_the_value_once():
    # _merge_texts re-cut the growing run of text at every piece: n² characters for n words.
    from budgetlint.valueread import _merge_texts
    from budgetlint.values import TextPart

    class CountingStr(str):
        cut = 0

        def __getitem__(self, index):
            piece = super().__getitem__(index)
            CountingStr.cut += len(piece)
            return piece

    words = 5000
    raw = CountingStr("不 " * words)
    pieces = [TextPart(2 * i, 2 * i + 1, "不") for i in range(words)]
    merged = _merge_texts(pieces, raw)
    assert [(part.start, part.end) for part in merged] == [(0, 2 * words - 1)]
    assert CountingStr.cut < 4 * len(raw)  # quadratic: about words² characters


def test_a_period_whose_first_month_is_not_a_month_is_text(linter):
    # These raised ValueError: int('1.5'), and int() of more than 4300 digits.
    for raw in ("1.5-12月", "2024年1.5-12月", "1" * 5000 + "-12月", "2024年" + "1" * 5000 + "-12月"):
        value = linter.values.read(raw)
        assert (value.kind, value.periods) == ("text", ())
    assert [(p.first.month, p.last.month) for p in linter.values.read("1-12月").periods] == [(1, 12)]


def test_huge_numbers_are_not_read_but_marked_too_long(linter):
    # Issue 22: a number of more digits than exact arithmetic holds (MAX_DIGITS) is never a Decimal (10⁶
    # digits overflowed the context); the reader reports it as BL004 "too-long" (tests/test_guard.py).
    value = linter.values.read("≥" + "9" * 5000 + " 项")
    assert (value.amounts, value.too_long, value.kind) == ((), 5000, "text")
    value = linter.values.read("≥" + "9" * MAX_DIGITS + " 项")
    assert (value.amount.number, value.amount.unit_text) == (Decimal("9" * MAX_DIGITS), "项")


# ---------------------------------------------------------------- deeply repeated structures
#
# The builder's own work is counted, not timed: the lines of budgetlint's Python executed while reading.
# A quadratic loop in the builder shows as a count growing with the square of the input.

HEAD = "| 项目名称 | 示例 |\n"


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda n: HEAD + "| 其他资 | 0 |\n| 无关文字 |\n" * n, id="label broken on every row"),
        pytest.param(
            lambda n: HEAD + "| 其他资 |\n" * n + "| 无关 | 文字 | 更多 | 内容 |\n" * n, id="many broken labels"
        ),
        pytest.param(
            lambda n: HEAD + "| 年度总体绩效目标 | 开始 |\n" + "| 继续的内容 |\n" * n, id="goal over many rows"
        ),
        pytest.param(
            lambda n: "".join(f"| 项目名称 | 示例{i} |\n| 项目总额 | 10 |\n" for i in range(n)), id="many tables"
        ),
        pytest.param(lambda n: HEAD + "散行文字\n" * n + "| 项目总额 | 1 |\n", id="many stray lines"),
        pytest.param(lambda n: HEAD + "| 专项债 | 10 | 某某 | 20 |\n" * n, id="many unknown labels"),
        pytest.param(lambda n: HEAD + "| 项目总额 " * n + "|\n", id="one row of many cells"),
        pytest.param(
            lambda n: (
                HEAD
                + "| 一级指标 | 二级指标 | 三级指标 | 绩效值 |\n"
                + "".join(f"| 1-产出指标 | 11-数量指标 | 活动{i} | {i} 项 |\n" for i in range(n))
            ),
            id="many indicators",
        ),
        pytest.param(
            lambda n: HEAD + "<!-- budgetlint: disable=BL001 -->\n| 其他资 | 0 |\n| 金 |\n" * n, id="many directives"
        ),
    ],
)
def test_the_builder_does_linear_work_on_repeated_structures(linter, make):
    assert_linear_work(linter.parse, make, 100)


def test_a_goal_text_continued_over_many_rows_is_copied_once(linter, monkeypatch):
    # The text was extended with += on every row: each row copied the whole text so far.
    from budgetlint import model

    assigned = []

    class CountingField(model.Field):
        __slots__ = ()

        def __setattr__(self, name, value):
            if name == "text" and self.key == "goal":
                assigned.append(len(value))
            super().__setattr__(name, value)

    monkeypatch.setattr(reader, "Field", CountingField)
    rows = 2000
    linter.parse(HEAD + "| 年度总体绩效目标 | 开始 |\n" + "| 继续的内容 |\n" * rows)
    assert len(assigned) <= 3 and assigned[-1] == 2 + 5 * rows


def test_a_continued_goal_text_is_whole_and_each_row_reported(linter):
    document = linter.parse(
        HEAD + "| 年度总体绩效目标 | 开始 |\n| 继续一 |\n| 继续二 |\n| 项目总额 | 10 |\n| 继续三 |\n"
    )
    assert document.projects[0].fields["goal"].text == "开始继续一继续二"
    assert [(f.code, f.span.line) for f in document.findings if f.code == "BL001"] == [("BL001", 3), ("BL001", 4)]


def cost_table(rows: int) -> str:
    lines = [
        "| 项目名称 | 示例 |",
        "| 项目总额 | 1 | 年度资金总额 | 1 |",
        "| 一级指标 | 二级指标 | 三级指标 | 绩效值 |",
    ]
    lines += [f"| 1-产出指标 | 11-数量指标 | 事项{i} | {i + 1}个 |" for i in range(rows)]
    lines += [f"| 1-产出指标 | 14-成本指标 | 事项{i} | 1元/个 |" for i in range(rows)]
    # rows that no row of the other kind names: scoring every pair would compare each with each
    lines += [f"| 1-产出指标 | 11-数量指标 | 数量{i} | {i + 1}项 |" for i in range(rows)]
    lines += [f"| 1-产出指标 | 14-成本指标 | 费用{i} | 1元 |" for i in range(rows)]
    return "\n".join(lines) + "\n"


COST_FILES = tuple(str(Path(reader.__file__).parent / name) for name in ("checks/cost.py", "matching.py"))


def cost_matching(linter):
    from budgetlint.checks.cost import _analyse

    def analyse(project):
        return _analyse(project, linter.new_context())

    return analyse


def test_cost_matching_of_a_huge_table_does_linear_work(linter):
    # checks/cost.py _analyse → matching.assign or, past MAX_PAIRS, pairing equal names: lines counted.
    [project] = linter.parse(cost_table(1000)).projects
    analysis = cost_matching(linter)(project)
    assert len(analysis.matches) == 1000  # every rate found its quantity by name, and only those
    ratio = assert_linear_work(
        cost_matching(linter), lambda rows: linter.parse(cost_table(rows)).projects[0], 250, factor=4, files=COST_FILES
    )
    assert ratio > 3  # the count sees the rows


def test_the_count_of_cost_matching_sees_a_quadratic_assignment(linter, monkeypatch):
    # Without the limit on pairs, assign compares every cost row with every quantity row: the count must show it.
    from budgetlint.checks import cost

    monkeypatch.setattr(cost, "MAX_PAIRS", float("inf"))
    ratio = work_ratio(
        cost_matching(linter), lambda rows: linter.parse(cost_table(rows)).projects[0], 100, 4, COST_FILES
    )
    assert ratio > 1.15 * 4 * 2


def test_a_huge_table_reports_no_rate_without_its_quantity(linter):
    _, findings = linter.check_text(cost_table(1000), "big.md")
    assert not [f for f in findings if f.code == "BL202"]


# ---------------------------------------------------------------- cost rows matched by unit
#
# The pass by unit (checks/cost.py _match_by_unit) groups the rates the names left alone and the
# quantities not taken by name by dimension, one pass over each side: O(rates + quantities) steps,
# whatever the table, beside the name pass's at most MAX_PAIRS comparisons.  The worst table for it
# is every rate and every quantity in one unit and no name shared: every rate is then ambiguous,
# and each BL202 names at most MAX_CANDIDATES rows, so the findings too are linear.


def _spelled(number: int, digits: str) -> str:
    return "".join(digits[int(d)] for d in str(number))


def unit_table(rows: int) -> str:
    # Numbered in two alphabets: a rate's name and a quantity's share no bigram ("费用100" and "数量100"
    # would share 10 and 00, and match by name).
    lines = [
        "| 项目名称 | 示例 |",
        "| 项目总额 | 1 | 年度资金总额 | 1 |",
        "| 一级指标 | 二级指标 | 三级指标 | 绩效值 |",
    ]
    lines += [
        f"| 1-产出指标 | 11-数量指标 | 数量{_spelled(i, '甲乙丙丁戊己庚辛壬癸')} | {i + 1}个 |" for i in range(rows)
    ]
    lines += [f"| 1-产出指标 | 14-成本指标 | 费用{_spelled(i, '子丑寅卯辰巳午未申酉')} | 1元/个 |" for i in range(rows)]
    return "\n".join(lines) + "\n"


def unit_pass_lines(linter, rows: int) -> int:
    """The lines the pass by unit executes on unit_table(rows), after the name pass (not counted)."""
    from budgetlint.checks import cost

    [project] = linter.parse(unit_table(rows)).projects
    analysed = cost._analyse(project, linter.new_context())
    assert analysed.matches == {} and analysed.by_unit == {}  # no name shared; one unit: all ambiguous
    assert len(analysed.ambiguous) == rows
    analysed.ambiguous = {}
    return executed_lines(cost._match_by_unit, analysed, code=cost._match_by_unit.__code__)


def test_matching_by_unit_takes_linear_steps_within_the_pairs_bound(linter):
    # n rates against n quantities, all in 个: n·n pairs a naive pass would compare; this one steps through
    # each row a constant number of times.  Sizes within MAX_PAIRS, where the name pass runs assign.
    from budgetlint.checks.cost import MAX_PAIRS

    small, large = 25, 200
    assert large * large <= MAX_PAIRS
    steps_small, steps_large = unit_pass_lines(linter, small), unit_pass_lines(linter, large)
    assert steps_large / steps_small < 1.15 * (large / small)  # x8 rows, at most x8 steps (quadratic: x64)
    assert steps_large <= 12 * (large + large)  # a few lines a row, never a line a pair
    assert steps_large < large * large / 2


def test_cost_matching_by_unit_of_a_huge_table_does_linear_work(linter):
    # The whole analysis (past MAX_PAIRS: equal names, then units) and BL202's findings, lines counted.
    from budgetlint.checks.cost import MAX_CANDIDATES, cost_rate_unmatched

    def bl202(project):
        return list(cost_rate_unmatched(project, {}, linter.new_context()))

    [project] = linter.parse(unit_table(1000)).projects
    found = bl202(project)
    assert len(found) == 1000 and all(f.args["variant"] == "ambiguous" for f in found)
    assert all(len(f.related) == MAX_CANDIDATES for f in found)  # the candidates named are capped
    assert found[0].actual["en"].startswith("1000 — 「数量甲」 1个, ")
    assert ", … (994 more); rates per 个 that match no name either: 999 more — " in found[0].actual["en"]
    ratio = assert_linear_work(
        bl202, lambda rows: linter.parse(unit_table(rows)).projects[0], 250, factor=4, files=COST_FILES
    )
    assert ratio > 3  # the count sees the rows
