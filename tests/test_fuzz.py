"""Fuzzing: mutated real tables never make the reader, the builder or the CLI raise.

Inputs are windows of the real documents in examples/ (the damaged seed
among them) and tests/data/table.md, mutated the way documents get damaged:
lines deleted, duplicated, swapped, joined or split inside a cell; TABs,
pipes, full-width forms and random characters inserted; truncation.  The
budget is bounded for CI (the whole file runs in well under a minute);
benchmarks/fuzz.py runs the same mutations over 100,000 inputs.
"""

from __future__ import annotations

import json
import random
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgetlint.cli import main
from budgetlint.containers.text import iter_lines
from budgetlint.io import InputError, decode

ROOT = Path(__file__).resolve().parent.parent
CORPUS_FILES = (
    sorted((ROOT / "examples").rglob("*.txt"))
    + sorted((ROOT / "examples").rglob("*.md"))
    + [ROOT / "tests" / "data" / "table.md"]
)
CORPUS = [path.read_text(encoding="utf-8").split("\n") for path in CORPUS_FILES]
FULL_WIDTH = "０１２３４５６７８９：（）｜％，．－／　＞＜＝～"
INSERTS = [
    "\t",
    "|",
    "\\|",
    " ",
    "\n",
    "|---|",
    "<!--",
    "-->",
    "<!-- budgetlint: disable=BL201 -->",
    "项目名称",
    "1-产出指标",
    "11-数量指标",
    "14-成本指标",
    "≥",
    "万元",
    "/期",
    "2024年12月",
    "1-12月",
    "%",
    "以上",
    "不少于",
]
UNICODE = st.characters(codec="utf-8", exclude_categories=("Cs",))
CI = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# ---------------------------------------------------------------- mutations (shared with benchmarks/fuzz.py)


def window(rng: random.Random, lines: list[str] | None = None) -> list[str]:
    """A run of 1–60 lines of one corpus document."""
    lines = lines if lines is not None else rng.choice(CORPUS)
    start = rng.randrange(len(lines))
    return lines[start : start + rng.randint(1, 60)]


def mutate(lines: list[str], rng: random.Random, count: int, unicode: str = "") -> str:
    """Apply `count` random mutations to `lines`; `unicode` is a pool of random characters to insert."""
    lines = list(lines) or [""]
    for _ in range(count):
        op = rng.randrange(11)
        i = rng.randrange(len(lines))
        line = lines[i]
        at = rng.randint(0, len(line))
        if op == 0 and len(lines) > 1:  # delete a line
            del lines[i]
        elif op == 1:  # duplicate a line
            lines.insert(i, line)
        elif op == 2:  # swap two lines
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == 3:  # split a cell across two lines (PDF extraction)
            lines[i : i + 1] = [line[:at], line[at:]]
        elif op == 4 and i + 1 < len(lines):  # join a line with the next one
            lines[i : i + 2] = [line + rng.choice(["", " ", "\t", " | "]) + lines[i + 1]]
        elif op == 5:  # insert a TAB, a pipe or a piece of the format
            lines[i] = line[:at] + rng.choice(INSERTS) + line[at:]
        elif op == 6:  # a full-width form
            lines[i] = line[:at] + rng.choice(FULL_WIDTH) + line[at:]
        elif op == 7 and unicode:  # random characters
            piece = "".join(rng.choice(unicode) for _ in range(rng.randint(1, 8)))
            lines[i] = line[:at] + piece + line[at:]
        elif op == 8:  # drop a character
            lines[i] = line[:at] + line[at + 1 :]
        elif op == 9:  # truncate the document here
            lines = lines[:i] + [line[:at]]
        elif op == 10:  # a repeated structure
            lines.insert(i, rng.choice(["| 其他资 | 0 |", "| 金 |", "| | | |", "\t\t\t", line]) * rng.randint(1, 3))
    return "\n".join(lines)


@st.composite
def documents(draw, max_mutations: int = 12) -> str:
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    unicode = draw(st.text(UNICODE, min_size=1, max_size=20))
    return mutate(window(rng), rng, draw(st.integers(0, max_mutations)), unicode)


# ---------------------------------------------------------------- the table grammar


def normalized(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


@CI
@given(documents())
def test_iter_lines_classifies_every_line_and_cells_point_at_their_text(text):
    text = normalized(text)
    physical = text.split("\n")
    previous = 0
    for line in iter_lines(text):
        assert previous < line.number <= len(physical)
        previous = line.number
        assert line.text == physical[line.number - 1]
        for cell in line.cells if line.kind == "row" else ():
            raw = line.text[cell.column - 1 : cell.end_column - 1]
            assert (
                raw.replace("\\|", "|") if line.delimiter == "|" else raw
            ) == cell.text  # `\|`: a pipe in a pipe row


@CI
@given(st.text(UNICODE, max_size=200))
def test_iter_lines_takes_any_text(text):
    for line in iter_lines(normalized(text)):
        assert line.kind in ("row", "separator", "directive", "comment", "heading", "meta", "text")


# ---------------------------------------------------------------- the value grammar

VALUE_ALPHABET = st.sampled_from(
    list("0123456789.%‰ -~至/,;、年月日号前底内以上下≥≤><=万亿千元项个次期场人余多不少于达到约") + list(FULL_WIDTH)
)


def check_value(linter, raw: str) -> None:
    value = linter.values.read(raw)
    assert value.raw == raw
    assert value.kind in ("empty", "na", "amount", "date", "period", "text", "mixed")
    for part in (*value.amounts, *value.dates, *value.periods, *value.texts):
        assert 0 <= part.start <= part.end <= len(raw)
    for amount in value.amounts:
        assert isinstance(amount.number, Decimal) and amount.number.is_finite()
        assert amount.comparator in (None, "≥", "≤", ">", "<", "=")
    for date in (*value.dates, *(p.first for p in value.periods), *(p.last for p in value.periods)):
        assert date.month is None or isinstance(date.month, int)


@CI
@given(st.text(VALUE_ALPHABET, max_size=40))
def test_value_reader_takes_any_value_made_of_value_characters(linter, raw):
    check_value(linter, raw)


@CI
@given(st.text(UNICODE, max_size=60))
def test_value_reader_takes_any_text(linter, raw):
    check_value(linter, raw)


@CI
@given(st.data())
def test_value_reader_takes_mutated_real_values(linter, data):
    rng = random.Random(data.draw(st.integers(0, 2**32 - 1)))
    row = rng.choice([line for line in window(rng, rng.choice(CORPUS)) if "\t" in line or "|" in line] or ["≥5 项"])
    cells = [cell for cell in row.replace("|", "\t").split("\t") if cell.strip()] or ["0"]
    unicode = data.draw(st.text(UNICODE, min_size=1, max_size=10))
    check_value(linter, mutate([rng.choice(cells)], rng, rng.randint(0, 4), unicode).replace("\n", ""))


# ---------------------------------------------------------------- the model builder and the checks


@CI
@given(documents())
def test_builder_and_checks_take_any_damaged_table(linter, text):
    text = normalized(text)
    document, findings = linter.check_text(text, "t.md", keep_projects=True)
    lines = text.count("\n") + 1
    assert document.project_count == len(document.projects)
    for finding in findings:
        assert finding.rule and finding.message and finding.severity in ("error", "warning", "info")
        assert 1 <= finding.span.line <= max(lines, finding.span.line if finding.code == "BL009" else lines)
        assert finding.span.column >= 1


# ---------------------------------------------------------------- the whole command line


def encodings(text: str, choice: int) -> bytes:
    if choice == 1:
        return text.encode("gb18030", errors="replace")
    if choice == 2:
        return ("\ufeff" + text).encode("utf-16-le")
    if choice == 3:
        return text.replace("\n", "\r\n").encode("utf-8", errors="surrogatepass")
    return text.encode("utf-8", errors="surrogatepass")


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(documents(), st.integers(0, 4), st.binary(max_size=8), st.sampled_from(["json", "concise", "rich"]))
def test_cli_check_never_raises_and_exits_with_a_documented_code(tmp_path_factory, text, encoding, noise, fmt):
    folder = tmp_path_factory.mktemp("fuzz")
    data = encodings(text, encoding)
    if noise:  # stray bytes: binary debris in a text file
        data = data[: len(data) // 2] + noise + data[len(data) // 2 :]
    (folder / "t.md").write_bytes(data)
    result = CliRunner().invoke(
        main,
        ["check", str(folder / "t.md"), "--format", fmt, "--lang", "en", "--no-color"]
        if fmt == "rich"
        else ["check", str(folder / "t.md"), "--format", fmt],
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert result.exit_code in (0, 1, 2)
    if fmt == "json":
        envelope = json.loads(result.output)
        assert (result.exit_code == 2) == bool(envelope["errors"])
    try:
        decode(data, "t.md")
    except InputError as error:
        assert result.exit_code == 2 and "\n" not in str(error)


# ---------------------------------------------------------------- structured: real skeletons, hostile cells
# (shared with benchmarks/fuzz.py, which runs 100,000 of them through check, --fix and fmt)

SKELETON_FILES = (
    sorted((ROOT / "examples" / "templates").glob("*.md"))
    + sorted((ROOT / "examples" / "clean").glob("*"))
    + [ROOT / "examples" / "formats" / "hunan-2025.md", ROOT / "tests" / "data" / "table.md"]
)
SKELETONS = [path.read_text(encoding="utf-8").split("\n") for path in SKELETON_FILES]
MEGABYTE = 1 << 20


def _digits(rng: random.Random, count: int) -> str:
    """`count` digits, each half- or full-width at random: 1２3４."""
    return "".join(
        chr(ord(digit) + 0xFEE0) if rng.random() < 0.5 else digit
        for digit in (rng.choice("0123456789") for _ in range(count))
    )


def hostile_cell(rng: random.Random, cell: str, big: bool) -> str:
    """A cell's text made hostile: huge and zero numbers, zero denominators, impossible dates, control
    characters, deep brackets, mixed full/half-width digits — beside, inside or instead of what it said.
    `big`: may be a 1 MB cell."""
    kind = rng.randrange(12)
    if kind == 0:  # huge numbers, and numbers that are not
        piece = rng.choice(
            ["9" * rng.randint(20, 400), "1e999999", "1E+999999", "0." + "0" * rng.randint(20, 400) + "1", "NaN", "inf"]
        ) + rng.choice(["", "万元", "元", "%", "个", "亿元", "年"])
    elif kind == 1:  # zero
        piece = rng.choice(["0", "0.0", "-0", "0万元", "0%", "≥0%", "0个", "0 年", "０", "00000"])
    elif kind == 2:  # zero denominators
        piece = rng.choice(
            ["1200元/0个", "5万元/0人", "/0个", "100元/零", "0/0", "1/0", "5万元/0", "3元/人/0年", "1元/0.0人"]
        )
    elif kind == 3:  # impossible dates
        piece = rng.choice(
            [
                "2024年2月30日",
                "2024年13月",
                "2023年2月29日",
                "2024年0月0日",
                "2024年12月32日前",
                "9999年99月",
                "1-13月",
                "2024年6月31日",
                "2024年4月31日至2024年3月1日",
                "0年",
                "2024.13.01",
                "2024-02-30",
                "第13季度",
            ]
        )
    elif kind == 4:  # control characters
        piece = "".join(
            rng.choice(
                ["\x00", "\x07", "\x08", "\x1b[31m", "\x7f", "\u202e", "\u2028", "\ufeff", "\x0b", "\x0c", "\x85"]
            )
            for _ in range(rng.randint(1, 4))
        )
    elif kind == 5 and big:  # a 1 MB cell
        piece = rng.choice(["好", "9", "1万元", "≥", "(", "a", "XX"]) * (MEGABYTE // 3)
    elif kind == 6:  # deep nesting of brackets
        depth = rng.choice([10, 100, 1000, 5000])
        open_, close = rng.choice(
            [("(", ")"), ("（", "）"), ("【", "】"), ("[", "]"), ("{", "}"), ("<", ">"), ("《", "》")]
        )
        piece = open_ * depth + rng.choice(["1", "5万元", "≥90%", ""]) + close * rng.choice([depth, 0, depth // 2])
    elif kind == 7:  # mixed full- and half-width digits
        piece = (
            rng.choice(["≥", "", "约", "不少于"])
            + _digits(rng, rng.randint(1, 8))
            + rng.choice(["", "." + _digits(rng, 2), "，" + _digits(rng, 3)])
            + rng.choice(["万元", "%", "％", "个", "元/人", "年", "月"])
        )
    elif kind == 8:  # comparators and signs piled up
        piece = rng.choice(
            ["≥≥", "≤≥", "><", "不少于不少于", "-", "--5", "+-3", "±", "≥-5%", "~", "至至"]
        ) + rng.choice(["5", "90%", ""])
    elif kind == 9:  # a number with a wrong unit or a magnitude word alone
        piece = rng.choice(
            ["万", "亿", "万万元", "千万亿元", "5万亿亿元", "1e5万元", "1,2,3万元", "1..5万元", "5万元万元"]
        )
    elif kind == 10:  # pipes, tabs and the format's own words inside a cell
        piece = rng.choice(
            ["|", "\\|", "\t", "项目名称", "一级指标", "1-产出指标", "<!-- budgetlint: disable=BL201 -->", "---"]
        )
    else:  # empty
        return ""
    where = rng.randrange(3)
    if where == 0:
        return piece
    if where == 1:
        return cell + piece
    at = rng.randint(0, len(cell))
    return cell[:at] + piece + cell[at:]


def structured(rng: random.Random, big: bool = False) -> str:
    """A real table skeleton (examples/templates, examples/clean …: the whole document, or one of its tables
    under its head) with 1–6 of its cells made hostile, and sometimes a row duplicated or a bracket line
    added.  `big`: a cell may be 1 MB."""
    lines = list(rng.choice(SKELETONS))
    starts = [index for index, line in enumerate(lines) if line.startswith("## ")]
    if len(starts) > 1 and rng.random() < 0.75:  # one table of the document, under the document's head
        section = rng.randrange(len(starts))
        end = starts[section + 1] if section + 1 < len(starts) else len(lines)
        lines = lines[: starts[0]] + lines[starts[section] : end]
    rows = [index for index, line in enumerate(lines) if line.count("|") >= 2 or "\t" in line]
    for _ in range(rng.randint(1, 6)):
        if not rows:
            break
        index = rng.choice(rows)
        line = lines[index]
        delimiter = "|" if "|" in line else "\t"
        cells = line.split(delimiter)
        inner = range(1, len(cells) - 1) if delimiter == "|" else range(len(cells))
        if not inner:
            continue
        at = rng.choice(inner)
        if set(cells[at].strip()) <= set("-: "):  # a separator row |---|: leave it
            continue
        cells[at] = " " + hostile_cell(rng, cells[at].strip(), big) + " "
        lines[index] = delimiter.join(cells)
    if rng.random() < 0.1 and rows:
        index = rng.choice(rows)
        lines.insert(index, lines[index])
    if rng.random() < 0.05:
        lines.insert(rng.randrange(len(lines) + 1), "(" * rng.choice([100, 10_000]))
    return "\n".join(lines)


def run_structured(text: str, linter, formatter, thorough: bool = True) -> list[str]:
    """`text` through check, --fix and fmt as the commands run them (Linter.check_text, fix_text, Formatter);
    the problems found: a fixed text that reads as another number of tables, fmt not idempotent, and
    "fmt refused" (its guard: the text left unchanged).  An exception escaping (a traceback, what the CLI
    reports as an internal error) is raised.  Not `thorough`: fmt's idempotence is checked on its layout only
    (the comparator fixes it applies first have been applied until none is left), unless fmt kept a block as
    written (a KEPT_CODE note), which its layout alone would format."""
    from budgetlint.fixes import fix_text

    problems = []
    document, findings = linter.check_text(text, "t.md")
    projects = len(document.projects)
    outcome = fix_text(text, lambda changed: linter.check_text(changed, "t.md")[1], unsafe=True, first=findings)
    if outcome.applied:
        after, _ = linter.check_text(outcome.text, "t.md")  # the fixed text checks again, and reads as as many tables
        if len(after.projects) != projects:
            problems.append(f"fix: {projects} tables became {len(after.projects)}")
    from budgetlint.fmt import KEPT_CODE, FormatError

    try:
        formatted = formatter.format_text(text, "t.md")
    except FormatError:  # fmt's guard: the aligned text would read otherwise, so the file is left unchanged
        return [*problems, "fmt refused"]
    if formatted.changed:  # idempotent: all of fmt again (`thorough`, or a block kept), else its layout again
        kept = any(note.code == KEPT_CODE for note in formatted.notes)
        again = (
            formatter.format_text(formatted.text, "t.md").text
            if thorough or kept
            else formatter.layout.format(formatted.text)[0]
        )
        if again != formatted.text:
            problems.append("fmt: formatting the formatted text changes it again")
    return problems


KNOWN_FMT_REFUSALS = ()  # inputs of the seeded few hundred below whose formatting fmt refuses


@pytest.fixture(scope="module")
def formatter():
    from budgetlint.config import Config
    from budgetlint.fmt import Formatter

    return Formatter(Config(), "en")


def test_structured_inputs_never_break_check_fix_or_fmt(linter, formatter):
    """A seeded few hundred of benchmarks/fuzz.py's 100,000 structured inputs."""
    problems = []
    for number in range(300):
        rng = random.Random(f"structured:{number}")
        text = structured(rng, big=number % 100 == 7)
        problems.extend(f"input {number}: {problem}" for problem in run_structured(text, linter, formatter))
    refused = [problem for problem in problems if problem.endswith(": fmt refused")]
    assert [problem for problem in problems if problem not in refused] == []
    # fmt's guard refuses a file only when even the text with the blocks to blame kept as written reads
    # otherwise (a bug): a new refusal fails here.
    assert refused == [f"input {number}: fmt refused" for number in KNOWN_FMT_REFUSALS]


def _structured_input(number: int) -> str:
    return structured(random.Random(f"structured:{number}"), big=number % 100 == 7)


def test_rows_that_do_not_line_up_are_kept_and_the_other_tables_formatted(formatter):
    """Input 43: the second table's 项目名称 cell is gone, so its header rows (31–35) and its indicators join the
    first table's indicator block, which aligning would pad to six columns: those lines are kept as written,
    with a note at line 31; the first table is formatted."""
    text = _structured_input(43)
    lines = text.split("\n")
    assert lines[30] == "|  | 社区老年人助餐服务补贴 |" and lines[35] == ""  # the 项目名称 gone; a blank line kept
    result = formatter.format_text(text, "t.md")
    out = result.text.split("\n")
    assert result.changed and out[:8] == lines[:8] and out[30:46] == lines[30:46]  # lines 31–46 as written
    assert out[9] == "| 项目名称       | 城区道路照明设施维护         |"  # the first table aligned
    assert out[16] == "| ---------- | ------------------ | ------------------ | -------- | -------------- | -------- |"
    kept = [note for note in result.notes if note.code == "BL007"]
    assert [(note.span.line, note.severity) for note in kept] == [(31, "warning")]
    assert "lines 31–46 aligned, the indicator on line 32 of project '城区道路照明设施维护'" in kept[0].message
    assert [(note.code, note.span.line) for note in result.kept if note.code == "BL007"] == [("BL007", 31)]
    assert formatter.format_text(result.text, "t.md").text == result.text  # idempotent, the block kept again


def test_a_per_row_table_with_a_pipe_added_is_kept_whole(formatter):
    """Input 270: one per-row table (lines 7–23) whose row 9 has a pipe too many; padded to eight columns it
    would read as one project instead of four: the table is kept as written, the file unchanged, one note."""
    text = _structured_input(270)
    assert "| 华容县卫生健康局| | 960,000.00 |" in text.split("\n")[8]
    result = formatter.format_text(text, "t.md")
    assert result.text == text and not result.changed and result.projects == 4
    kept = [note for note in result.notes if note.code == "BL007"]
    assert [note.span.line for note in kept] == [7]
    assert "lines 7–23 aligned, they read as 1 project table instead of 4" in kept[0].message


def test_the_structured_generator_makes_what_it_says():
    texts = [structured(random.Random(f"structured:{number}")) for number in range(300)]
    joined = "\n".join(texts)
    for piece in ("2024年2月30日", "/0个", "\x00", "((((((((((", "１", "9" * 30):
        assert piece in joined, piece
    assert all("项目名称" in text or "专项名称" in text or "部门" in text for text in texts)
    assert max(len(structured(random.Random(f"big:{n}"), big=True)) for n in range(200)) > MEGABYTE // 3
