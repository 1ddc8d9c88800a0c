"""`budgetlint fmt`: rewrite documents in the canonical layout of DESIGN.md §1, never changing a value.

The formatter works on lines and cells (budgetlint.containers.text), not on the model:
every row keeps all of its cells in order, empty ones included (the reader's
merged-cell inheritance depends on them), and every other line — titles,
prose, metadata, comments, directives — is kept verbatim.  What it changes:

- TAB rows (spreadsheet copies, PDF extraction) become pipe rows; `|` inside a
  cell is escaped as `\\|`;
- the cells of consecutive rows are aligned by display width (CJK characters
  are two columns wide); a cell wider than ALIGN_LIMIT is written as it is and
  does not widen its column;
- a Markdown delimiter row (`| --- | --- |`) follows the indicator column
  headings (一级指标 | 二级指标 | 三级指标 | 绩效值), so that a document
  repository renders the indicators as a table; rows of such a table are
  padded with empty cells to the widest row (GitHub drops cells beyond the
  heading's count), and blank lines between its rows (PDF page breaks, which
  would end the rendered table) are removed; one blank line separates the
  header rows from the indicator headings;
- comparators are written as BL802 asks (`达90%以上` → `≥90%`), only where the
  rewrite reads back to the same value.

Damage whose repair is not certain (a cell split over two lines, a stray line
inside a table, a comparator whose rewrite would read differently) is kept as
written and reported as a note.  After formatting, the document is read again
and its model compared with the original's.  Where it would change — rows that
do not line up with their table read otherwise once padded to its columns —
the blocks (aligned runs of rows) to blame are found by bisection (`_Keeping`)
and kept exactly as written, each with a BL007 note at its first line; the
other blocks are formatted.  The combined text is read again as a whole; if
even that reads otherwise, the file is left untouched and reported as an error
— a bug, which the check keeps from reaching the file.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import click

from budgetlint.containers.text import iter_lines
from budgetlint.findings import Finding, words
from budgetlint.grid import Cell
from budgetlint.model import Span, project_signature
from budgetlint.record import replace
from budgetlint.text import display_width, normalize_label

ALIGN_LIMIT = 48  # display columns: a wider cell is written as is and does not widen its column
NOTE_CODES = ("BL001", "BL006", "BL802")  # what fmt reports as kept as written
KEPT_CODE = "BL007"  # a block kept as written: its rows do not line up with their table (BL007's `kept`)
COMPARATOR_RULE = "BL802"


class FormatError(Exception):
    """The formatted text would read differently (a bug); the file is left as it is."""


@dataclass
class Formatted:
    """The result of formatting one text."""

    text: str
    changed: bool
    notes: list[Finding] = field(default_factory=list)  # damage kept as written, at its lines in `text`
    kept: list[Finding] = field(default_factory=list)  # the same notes, at their lines in the input
    comparators: int = 0  # comparator spellings rewritten
    projects: int = 0
    origins: list[int | None] | None = None  # for each line of `text`, its line in the input (None: added)


# ==================================================================== layout
@dataclass
class _Item:
    """One output line: a row (cells), a delimiter row, a blank line or a line kept verbatim."""

    kind: str  # row | rule | blank | keep
    text: str = ""  # verbatim text (keep) or the original delimiter line (rule)
    source: int | None = None  # its line in the input; None for a line fmt adds
    cells: tuple[str, ...] = ()
    project_start: bool = False
    headings: bool = False  # the indicator column headings that open the indicator table


_width = lru_cache(maxsize=65536)(display_width)  # tables repeat the same cells many times


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


def _reads_as_rule(cells: tuple[Cell, ...]) -> bool:
    """A row that, written with pipes, the grammar would take for a Markdown delimiter row."""
    texts = [cell.text for cell in cells]
    return any("-" in t for t in texts) and all(set(t) <= set("-: \t") for t in texts)


def _pipe_rule(text: str) -> str:
    """A TAB-separated rule line ('--<TAB>-----') as a pipe delimiter row, which the reader skips alike."""
    return "| " + " | ".join(piece.strip() or "-" for piece in text.split("\t")) + " |"


def _ignored_rule(cells: tuple[Cell, ...]) -> bool:
    """A rule line the reader skips (only dashes and colons): it may become a delimiter row."""
    return all(set(cell.text) <= set("-:") for cell in cells)


class _Layout:
    def __init__(self, vocabulary):
        self.vocab = vocabulary
        self.name_label = normalize_label(vocabulary.header_canonical["name"])

    def is_project_start(self, cells: tuple[Cell, ...]) -> bool:
        filled = [cell for cell in cells if cell.text]
        return (
            bool(filled)
            and self.vocab.header_field(filled[0].text) == "name"
            and (normalize_label(filled[0].text) == self.name_label)
        )

    def is_headings(self, cells: tuple[Cell, ...]) -> bool:
        filled = [cell for cell in cells if cell.text]
        return len(filled) >= 2 and all(normalize_label(c.text) in self.vocab.indicator_header for c in filled)

    # ---------------------------------------------------------------- structure
    def items(self, text: str) -> list[_Item]:
        classified = {line.number: line for line in iter_lines(text)}
        physical = text.split("\n")
        if physical and physical[-1] == "":
            physical.pop()
        items: list[_Item] = []
        in_table = False
        zone = "header"
        for number, raw in enumerate(physical, start=1):
            line = classified.get(number)
            if line is None:
                items.append(_Item("blank", raw, number))
            elif line.kind == "row" and _reads_as_rule(line.cells):
                # with pipes it would become a delimiter row: fine when the reader skips it anyway,
                # otherwise (a cell like "- -") it stays exactly as written
                items.append(_Item("rule" if _ignored_rule(line.cells) else "keep", raw, number))
            elif line.kind == "row":
                item = _Item("row", source=number, cells=tuple(_escape(cell.text) for cell in line.cells))
                if self.is_project_start(line.cells):
                    item.project_start, in_table, zone = True, True, "header"
                elif in_table and zone == "header" and self.is_headings(line.cells):
                    item.headings, zone = True, "indicators"
                items.append(item)
            elif line.kind == "separator" and raw.lstrip().startswith("|"):
                items.append(_Item("rule", raw, number))
            else:
                items.append(_Item("keep", raw, number))
        return self.restructure(items)

    @staticmethod
    def restructure(items: list[_Item]) -> list[_Item]:
        """Blank lines inside a table out, one before the indicator headings, a delimiter row after them."""
        out: list[_Item] = []
        in_table = False
        index = 0
        while index < len(items):
            item = items[index]
            if item.kind == "blank":
                end = index
                while end < len(items) and items[end].kind == "blank":
                    end += 1
                following = items[end] if end < len(items) else None
                previous = out[-1] if out else None
                between_rows = (
                    in_table
                    and previous is not None
                    and previous.kind in ("row", "rule")
                    and following is not None
                    and following.kind in ("row", "rule")
                    and not following.project_start
                )
                if not between_rows:
                    out.extend(items[index:end])
                elif following.headings:
                    out.append(_Item("blank", ""))
                index = end
                continue
            in_table = in_table or item.project_start
            if item.headings and out and out[-1].kind in ("row", "rule"):
                out.append(_Item("blank", ""))
            out.append(item)
            if item.headings:
                later = index + 1
                while later < len(items) and items[later].kind == "blank":
                    later += 1
                if later == len(items) or items[later].kind != "rule":
                    out.append(_Item("rule", ""))
            index += 1
        return out

    # ---------------------------------------------------------------- alignment
    @staticmethod
    def blocks(items: list[_Item]) -> list[list[_Item]]:
        """Runs of rows and delimiter rows that align together (comments and directives do not cut a run)."""
        blocks: list[list[_Item]] = []
        current: list[_Item] = []
        for item in items:
            if item.kind in ("row", "rule"):
                if item.project_start or item.headings:
                    if current:
                        blocks.append(current)
                    current = []
                current.append(item)
            elif item.kind == "keep" and item.text.lstrip().startswith("<!--"):
                continue
            elif current:
                blocks.append(current)
                current = []
        if current:
            blocks.append(current)
        return blocks

    @staticmethod
    def render_block(block: list[_Item]) -> dict[int, str]:
        rows = [item for item in block if item.kind == "row"]
        if not rows:  # delimiter rows with no table: nothing to align them with; TABs still become pipes
            return {id(item): _pipe_rule(item.text) if "\t" in item.text else item.text for item in block}
        rendered = any(item.kind == "rule" for item in block)
        count = max((len(item.cells) for item in rows), default=1)
        widths = [0] * count
        for item in rows:
            for column, cell in enumerate(item.cells):
                width = _width(cell)
                if width <= ALIGN_LIMIT:
                    widths[column] = max(widths[column], width)
        if rendered:
            widths = [max(width, 3) for width in widths]
        out: dict[int, str] = {}
        for item in block:
            if item.kind == "rule":
                out[id(item)] = _rule_line(item.text, widths)
                continue
            cells = list(item.cells)
            if rendered:
                cells += [""] * (count - len(cells))
            padded = [cell + " " * max(widths[column] - _width(cell), 0) for column, cell in enumerate(cells)]
            out[id(item)] = "| " + " | ".join(padded) + " |"
        return out

    def rendered(self, blocks: list[list[_Item]]) -> dict[int, str]:
        """The formatted line of each row and rule of `blocks`, by its item's id."""
        lines: dict[int, str] = {}
        for block in blocks:
            lines.update(self.render_block(block))
        return lines

    @staticmethod
    def line(item: _Item, lines: dict[int, str]) -> str:
        """`item` as written out: its formatted line (`rendered`) for a row or rule, else as it was."""
        return lines[id(item)] if item.kind in ("row", "rule") else item.text

    def format(self, text: str) -> tuple[str, list[int | None]]:
        """The formatted text, and for each of its lines the input line it comes from (None: added)."""
        items = self.items(text)
        lines = self.rendered(self.blocks(items))
        out = [self.line(item, lines) for item in items]
        return ("\n".join(out) + "\n" if out else ""), [item.source for item in items]


def _rule_line(original: str, widths: list[int]) -> str:
    """A delimiter row for `widths`, keeping the alignment colons of `original` column by column."""
    marks = [piece.strip() for piece in re.split(r"[|\t]", original.strip().strip("|"))] if original.strip() else []
    cells = []
    for column, width in enumerate(widths):
        mark = marks[column] if column < len(marks) else ""
        left = ":" if mark.startswith(":") else ""
        right = ":" if mark.endswith(":") and len(mark) > 1 else ""
        cells.append(left + "-" * max(width - len(left) - len(right), 1) + right)
    return "| " + " | ".join(cells) + " |"


# ==================================================================== documents
class Formatter:
    """Formats texts under one configuration, with a Linter restricted to the rules fmt uses."""

    def __init__(self, config=None, lang: str = "zh"):
        from budgetlint.config import Config
        from budgetlint.engine import Linter

        self.config = config or Config()
        codes = tuple(code for code in NOTE_CODES if self.config.enabled(code))
        self.linter = Linter(replace(self.config, select=codes, extend_select=()), lang)
        self.layout = _Layout(self.linter.vocabulary)

    def check(self, text: str, path: str, file: Path | None):
        return self.linter.check_text(text, path, file)

    def format_text(self, text: str, path: str = "<text>", file: Path | None = None) -> Formatted:
        """Format `text`, keeping as written the blocks whose formatting would change what is read (each with
        a note); FormatError if even the combined result would not read as the same model (a bug)."""
        from budgetlint.fixes import fix_text

        before, findings = self.check(text, path, file)
        if not before.projects:
            return Formatted(text, False, _notes(findings), _notes(findings))
        candidates = [(text, 0)]
        if self.config.enabled(COMPARATOR_RULE, file):
            fixed = fix_text(text, lambda t: self.check(t, path, file)[1], first=findings)
            if fixed.applied:
                candidates.insert(0, (fixed.text, fixed.by_code[COMPARATOR_RULE]))
        expected = [project_signature(project) for project in before.projects]
        searches = []
        for candidate, comparators in candidates:  # the whole document formatted: one read each
            keeping = _Keeping(self, text, candidate, before.projects, expected, path, file)
            if keeping.whole():
                return self._formatted(text, findings, keeping, comparators, path)
            searches.append((keeping, comparators))
        for keeping, comparators in searches:  # then block by block, keeping those that read otherwise
            if keeping.search():
                return self._formatted(text, findings, keeping, comparators, path)
        raise FormatError("formatting would change what the document says; left unchanged (please report this)")

    def _formatted(self, text: str, findings: list[Finding], keeping: _Keeping, comparators: int, path: str):
        assert keeping.passed is not None  # whole() or search() said a text read the same
        result, origins, after, found = keeping.passed
        notes = _notes(found)
        if keeping.kept:  # the comparators rewritten are those gone from the text, not the ones in kept blocks
            comparators = max(0, _count(findings, COMPARATOR_RULE) - _count(found, COMPARATOR_RULE))
        still = {
            (note.code, origins[note.span.line - 1], note.actual) for note in notes if note.span.line <= len(origins)
        }
        kept = [f for f in _notes(findings) if (f.code, f.span.line, f.actual) in still]
        at = {source: line for line, source in reversed(list(enumerate(origins, start=1))) if source is not None}
        written = result.split("\n")
        for first, last, change in keeping.kept:
            notes.append(self._kept_note(at[first], written[at[first] - 1], first, last, change, path))
            kept.append(self._kept_note(first, keeping.physical[first - 1], first, last, change, path))
        notes.sort(key=Finding.sort_key)
        kept.sort(key=Finding.sort_key)
        return Formatted(result, result != text, notes, kept, comparators, len(after.projects), origins)

    def _kept_note(self, line: int, text: str, first: int, last: int, change: dict, path: str) -> Finding:
        """The note of a block kept as written (lines `first`–`last` of the input), at `line`, which reads `text`."""
        lines = f"{first}–{last}" if last > first else str(first)
        width = len(text)
        note = Finding(
            KEPT_CODE,
            Span(line, 1, line, width + 1),
            {"variant": "kept"},
            expected=words(
                "对齐到表格的列后读出的内容不变", "rows that read the same once aligned to the table's columns"
            ),
            actual=words(f"第 {lines} 行对齐后，{change['zh']}", f"lines {lines} aligned, {change['en']}"),
        )
        return self.linter.complete(note, path)


class _Keeping:
    """`candidate` (the input, or the input with its comparators rewritten) formatted block by block: the blocks
    (`_Layout.blocks`) whose formatting changes what is read are kept exactly as the input (`original`) has them.

    Every check reads a whole text made of some blocks formatted and the others as written, and compares its
    projects with the input's.  `whole` formats every block (one check).  `search` bisects: a group of blocks
    is formatted on top of those accepted so far; if the text reads the same, the group is accepted, else it
    is halved, down to single blocks, which are kept.  When a group fails and its first half is accepted
    whole, its second half is known to fail without a check (it gives the text that failed).  So each kept
    block costs at most two checks on each level of halving: with N blocks and k of them kept, at most
    2·k·⌈log2 N⌉ + 2 checks in all (the +2: `whole`, and the text with every block kept when none is
    accepted) — 30 for one bad table among 10,000, not 10,000.  The result is the last text that read the
    same, so it has been verified whole."""

    def __init__(self, formatter, original, candidate, projects, expected, path, file):
        self.formatter, self.projects, self.expected, self.path, self.file = formatter, projects, expected, path, file
        layout = formatter.layout
        self.items = layout.items(candidate)
        blocks = layout.blocks(self.items)
        self.lines = layout.rendered(blocks)
        self.physical = original.split("\n")
        if self.physical and self.physical[-1] == "":
            self.physical.pop()
        position = {id(item): index for index, item in enumerate(self.items)}
        # each block: (its first and last item, its first and last line in the input); a block spans every
        # item between those, comments inside it and blank lines dropped between its rows included
        self.spans: list[tuple[int, int, int, int]] = []
        for block in blocks:
            sources = [item.source for item in block if item.source is not None]
            if sources:  # (a block always has a line of the input: only a delimiter row is added, after one)
                self.spans.append((position[id(block[0])], position[id(block[-1])], min(sources), max(sources)))
        self.accepted: set[int] = set()  # blocks formatted in the last text that read the same
        self.kept: list[tuple[int, int, dict]] = []  # (first line, last line, what formatting it changes)
        self.passed: tuple | None = None  # (text, origins, document, findings) of the last text that read the same
        self.whole_change: dict | None = None  # what formatting every block changes (`whole`)

    def build(self, formatted: set[int]) -> tuple[str, list[int | None]]:
        """The text with the blocks in `formatted` formatted and the others as written, and its origins."""
        kept = {self.spans[block][0]: self.spans[block] for block in range(len(self.spans)) if block not in formatted}
        out: list[str] = []
        origins: list[int | None] = []
        index = 0
        while index < len(self.items):
            span = kept.get(index)
            if span is not None:
                _, last, first_line, last_line = span
                out.extend(self.physical[first_line - 1 : last_line])
                origins.extend(range(first_line, last_line + 1))
                index = last + 1
                continue
            item = self.items[index]
            out.append(_Layout.line(item, self.lines))
            origins.append(item.source)
            index += 1
        return ("\n".join(out) + "\n" if out else ""), origins

    def reads_otherwise(self, formatted: set[int]) -> dict | None:
        """None if the text with `formatted` formatted reads as the input (it becomes `passed`), else what
        changes, in words."""
        text, origins = self.build(formatted)
        document, findings = self.formatter.check(text, self.path, self.file)
        if [project_signature(project) for project in document.projects] == self.expected:
            self.passed = (text, origins, document, findings)
            return None
        return _what_changes(self.projects, document.projects)

    def whole(self) -> bool:
        """Every block formatted: True if that reads the same."""
        self.whole_change = self.reads_otherwise(set(range(len(self.spans))))
        return self.whole_change is None

    def search(self) -> bool:
        """After `whole` failed: keep the blocks to blame, format the rest; True if a text read the same."""
        self._settle(list(range(len(self.spans))), self.whole_change)
        if self.passed is None and self.reads_otherwise(set()) is not None:
            return False  # even with every block as written the text reads otherwise: not the blocks' doing
        self.kept.sort()
        return True

    def _settle(self, group: list[int], change: dict | None) -> None:
        """Format `group` on top of the accepted blocks, or halve it; `change`: what it changes, when known."""
        if not group:
            return
        if change is None:
            change = self.reads_otherwise(self.accepted | set(group))
            if change is None:
                self.accepted |= set(group)
                return
        if len(group) == 1:
            _, _, first, last = self.spans[group[0]]
            self.kept.append((first, last, change))
            return
        half = len(group) // 2
        self._settle(group[:half], None)
        # the first half accepted whole: the second on top of it is the text that just failed
        self._settle(group[half:], change if self.accepted >= set(group[:half]) else None)


def _what_changes(before: list, after: list) -> dict[str, str]:
    """How `after` (a formatted text's projects) reads otherwise than `before` (the input's): the first project
    that changes and where in the input, in words."""
    if len(after) != len(before):
        return words(
            f"读成 {len(after)} 张项目表，而非 {len(before)} 张",
            f"they read as {len(after)} project table{'s' * (len(after) != 1)} instead of {len(before)}",
        )
    for old, new in zip(before, after):
        was, now = project_signature(old), project_signature(new)
        if was == now:
            continue
        name = old.name
        if was[3] != now[3]:  # the header fields
            fields = {key: (f.text, f.amount) for key, f in old.fields.items()}
            changed = [key for key, f in new.fields.items() if fields.get(key) != (f.text, f.amount)]
            key = next((key for key in old.fields if key not in new.fields), changed[0] if changed else None)
            field = old.fields.get(key) if key else None
            if field is not None:
                return words(
                    f"项目“{name}”的“{field.label}”（第 {field.where.line} 行）会读成别的值",
                    f"'{field.label}' of project '{name}' (line {field.where.line}) would read otherwise",
                )
            return words(f"项目“{name}”会多出表头字段", f"project '{name}' would gain header fields")
        if was[4] != now[4]:  # the indicators
            index = next((i for i, (a, b) in enumerate(zip(was[4], now[4])) if a != b), min(len(was[4]), len(now[4])))
            if index < len(old.indicators):
                line = old.indicators[index].row_span.line
                return words(
                    f"项目“{name}”第 {line} 行的指标会读成别的",
                    f"the indicator on line {line} of project '{name}' would read otherwise",
                )
            return words(f"项目“{name}”会多出指标", f"project '{name}' would gain indicators")
        return words(
            f"项目“{name}”（第 {old.span.line} 行）的名称、年度或金额单位会读成别的",
            f"the name, year or money unit of project '{name}' (line {old.span.line}) would read otherwise",
        )
    return words("读出的内容会改变", "it would read otherwise")


def _count(findings: list[Finding], code: str) -> int:
    return sum(1 for f in findings if f.code == code)


def _notes(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.code in NOTE_CODES]


# ==================================================================== command
_KEPT = {"zh": "（已保留原样）", "en": " (kept as written)"}


@click.command("fmt")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--check", "check_only", is_flag=True, help="Write nothing; exit 1 if a file would be reformatted.")
@click.option(
    "--diff",
    "show_diff",
    is_flag=True,
    help="Write nothing; print a unified diff of the changes; exit 1 if a file would change.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Use this config file instead of the one found upward from each file.",
)
@click.option(
    "--lang", type=click.Choice(["zh", "en"]), default=None, help="Language of notes (default: from the locale)."
)
@click.option("--quiet", "-q", is_flag=True, help="Print only errors (and the diff with --diff).")
def fmt_command(paths, check_only, show_diff, config_path, lang, quiet):
    """Rewrite documents in the canonical layout: aligned pipe rows, standard comparators.

    Never changes a value: the document is read again after formatting and
    must give the same model.  Exit codes: 0 done (or nothing to change),
    1 with --check or --diff when a file would change (as ruff format does),
    2 when a file or config cannot be read (the other files are still processed).
    """
    from budgetlint.checkcmd import default_lang
    from budgetlint.config import ConfigError
    from budgetlint.runner import Guard, Result, Runner

    lang = lang or default_lang()
    try:
        runner = Runner(lang=lang, config_path=config_path, keep_sources=False)
    except ConfigError as error:
        click.echo(f"budgetlint: {error}", err=True)
        sys.exit(2)
    walk = Result()
    formatters: dict[object, Formatter] = {}
    changed = unchanged = failed = 0
    write = not (check_only or show_diff)
    for file, explicit in runner.iter_files(list(paths) or [Path(".")], walk):
        outcome = "error"
        bugs: list = []
        with Guard(file, bugs):  # a bug of ours: one line, the file left as it was, the others formatted
            outcome = _format_file(runner, formatters, file, explicit, lang, write, show_diff, quiet)
        for bug in bugs:
            click.echo(str(bug), err=True)
        if outcome == "changed":
            changed += 1
        elif outcome == "unchanged":
            unchanged += 1
        elif outcome == "error":
            failed += 1
    for error in walk.errors:
        click.echo(str(error), err=True)
        failed += 1
    if not quiet:
        for skipped in walk.skipped:
            click.echo(f"budgetlint: {skipped}: skipped, excluded by the config's `exclude`", err=True)
    if not quiet:
        verb = "reformatted" if write else "would be reformatted"
        click.echo(
            f"{changed} file{'s' * (changed != 1)} {verb}, {unchanged} unchanged"
            + (f", {failed} not read" if failed else ""),
            err=True,
        )
    if failed:
        sys.exit(2)
    sys.exit(1 if (check_only or show_diff) and changed else 0)


def _format_file(
    runner, formatters, file: Path, explicit: bool, lang: str, write: bool, show_diff: bool, quiet: bool
) -> str:
    """Format one file and print its notes; return changed | unchanged | skipped | error."""
    from budgetlint.config import ConfigError
    from budgetlint.io import InputError, container_of
    from budgetlint.rewrite import RefusedError, read, rewrite
    from budgetlint.runner import display_path

    shown = display_path(file)
    if container_of(file):  # a page or a sheet is not rewritten: its text is not pipe text
        if explicit and not quiet:
            click.echo(f"{shown}: fmt rewrites pipe and TAB text only; left unchanged", err=True)
        return "skipped"
    try:
        config = runner.config_for(file)
    except ConfigError as error:
        click.echo(f"budgetlint: {error}", err=True)
        return "error"
    key = (config.path, config.packs, config.select, config.extend_select, config.ignore, config.per_file_ignores)
    formatter = formatters.get(key)
    if formatter is None:
        formatter = formatters[key] = Formatter(config, lang)
    done: list = []  # (the original as read, its formatted text): the last read, under the lock when writing

    def change(original):
        formatted = formatter.format_text(original.text, shown, file)
        done.append((original, formatted))
        return (formatted.text, formatted.origins) if formatted.changed and formatted.projects else None

    try:
        if write:
            rewrite(file, shown, change, doing="formatting")
        else:
            change(read(file, shown))
    except (InputError, RefusedError) as error:  # their text names the file
        click.echo(str(error), err=True)
        return "error"
    except FormatError as error:
        click.echo(f"{shown}: {error}", err=True)
        return "error"
    except OSError as error:
        click.echo(f"{shown}: cannot write ({error.strerror or error}); left unchanged", err=True)
        return "error"
    original, result = done[-1]
    if not result.projects:
        if explicit and not quiet:
            click.echo(f"{shown}: no project table found (no 项目名称 row); left unchanged", err=True)
        return "skipped"
    if show_diff and result.changed:
        from budgetlint.fixes import unified_diff

        click.echo(unified_diff(shown, original.text, result.text), nl=False)
    if not quiet:
        # the notes point at the file as it is on disk now: formatted when written, as it was otherwise
        for note in result.notes if write else result.kept:
            click.echo(
                f"{note.path}:{note.span.line}:{note.span.column}: {note.code} {note.message}"
                f"{_KEPT.get(lang, _KEPT['en'])}",
                err=True,
            )
        if result.changed and not show_diff:
            click.echo(f"{'reformatted' if write else 'would reformat'} {shown}", err=True)
    return "changed" if result.changed else "unchanged"
