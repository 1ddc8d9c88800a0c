"""Text → lines: classify every line with grammar/table.lark and split rows into cells.

The grammar yields one token per line (row, heading, metadata, comment, text);
cells are split here afterwards, keeping the line and column of each — the
layout that is an order of magnitude faster than one token per cell, with the
same information.  Columns are 1-based character offsets.
"""

from __future__ import annotations

import re

from budgetlint.lalr import line_scanner
from budgetlint.record import named

TYPE_CHECKING = False  # typing is not imported on the check path
if TYPE_CHECKING:
    from collections.abc import Iterator


@named
class Cell:
    text: str  # stripped; `\|` unescaped in pipe rows
    line: int
    column: int  # 1-based column of the first non-blank character
    end_column: int  # exclusive


class Line:
    """A classified line.  A row's cells are split when first asked for: a reader that only looks
    for where tables start (one worker's share of a large document) never pays for splitting."""

    __slots__ = ("kind", "number", "text", "delimiter", "_cells", "_filled")

    def __init__(self, kind: str, number: int, text: str, cells: tuple[Cell, ...] | None = None, delimiter: str = ""):
        self.kind = kind  # row | separator | directive | comment | heading | meta | text
        self.number = number  # 1-based line number
        self.text = text
        self.delimiter = delimiter  # "|" or "\t" for rows
        self._cells = cells
        self._filled: tuple[Cell, ...] | None = None

    @property
    def cells(self) -> tuple[Cell, ...]:
        if self._cells is None:
            self._cells = self._split(True)
        return self._cells

    @property
    def filled(self) -> tuple[Cell, ...]:
        """The non-empty cells (split without making the empty ones: merged cells are many)."""
        if self._filled is None:
            if self._cells is not None:
                self._filled = tuple([cell for cell in self._cells if cell[0]])
            elif self.delimiter == "|" and "\\" not in self.text:
                # The common row, split here without two more calls: its pieces before the first and after
                # the last pipe are blanks (the grammar's PIPE_ROW), which a filled split drops anyway.
                self._filled = _cells(self.text.split("|"), 0, self.number, False, False)
            else:
                self._filled = self._split(False)
        return self._filled

    @property
    def leading_blank(self) -> bool:
        """Whether the row's first cell is empty (a merged cell continued from the row above)."""
        if self._cells is not None or self.kind != "row":
            return bool(self.cells) and not self.cells[0][0]
        text = self.text
        if self.delimiter == "|":
            start = text.index("|") + 1
            end = text.find("|", start)
            return not text[start : end if end >= 0 else len(text)].strip()
        return not text[: text.find("\t")].strip()

    def _split(self, keep_empty: bool) -> tuple[Cell, ...]:
        if self.kind != "row":
            return ()
        if self.delimiter == "|":
            return split_pipe_row(self.text, self.number, keep_empty)
        return split_tab_row(self.text, self.number, keep_empty)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Line) and (self.kind, self.number, self.text, self.cells, self.delimiter) == (
            other.kind,
            other.number,
            other.text,
            other.cells,
            other.delimiter,
        )

    def __repr__(self) -> str:
        return f"Line({self.kind!r}, {self.number}, {self.text!r})"


_KINDS = {
    "PIPE_ROW": "row",
    "TAB_ROW": "row",
    "SEPARATOR": "separator",
    "DIRECTIVE": "directive",
    "COMMENT": "comment",
    "HEADING": "heading",
    "META": "meta",
    "TEXT": "text",
}
_PIPE_SPLIT = re.compile(r"(?<!\\)\|")


def _cells(pieces: list[str], offset: int, line: int, unescape: bool, keep_empty: bool = True) -> tuple[Cell, ...]:
    """Cells of consecutive `pieces` starting at character `offset`, each stripped, with its columns;
    without `keep_empty`, only the non-empty ones."""
    cells = []
    append = cells.append
    new = tuple.__new__  # Cell(...) without the named tuple's Python-level __new__ (a row makes several)
    for piece in pieces:
        inner = piece.strip()
        if inner or keep_empty:
            column = offset + len(piece) - len(piece.lstrip()) + 1
            append(new(Cell, (inner.replace("\\|", "|") if unescape else inner, line, column, column + len(inner))))
        offset += len(piece) + 1
    return tuple(cells)


def split_pipe_row(text: str, line: int, keep_empty: bool = True) -> tuple[Cell, ...]:
    """'| a | b |' → cells a, b (a missing closing pipe is tolerated; `\\|` is a literal pipe)."""
    start = text.index("|") + 1
    body_end = len(text.rstrip())
    if body_end > start and text[body_end - 1] == "|" and text[body_end - 2 : body_end] != "\\|":
        body_end -= 1
    body = text[start:body_end]
    if "\\|" not in body:
        return _cells(body.split("|"), start, line, False, keep_empty)
    pieces = []
    position = 0
    for match in _PIPE_SPLIT.finditer(body):
        pieces.append(body[position : match.start()])
        position = match.end()
    pieces.append(body[position:])
    return _cells(pieces, start, line, True, keep_empty)


def split_tab_row(text: str, line: int, keep_empty: bool = True) -> tuple[Cell, ...]:
    return _cells(text.split("\t"), 0, line, False, keep_empty)


def read_lines(text: str) -> list[Line]:
    """Every non-blank line of `text`, classified; rows split into cells."""
    return list(iter_lines(text))


def iter_lines(text: str, first_line: int = 1, passer=None) -> Iterator[Line]:
    """Every non-blank line of `text`, classified, one at a time (a 100 MB document streams).

    The classification is the table grammar's own terminals, derived by lark and run by
    budgetlint.lalr — lark itself is not imported on this path.  The grammar's LALR rules
    accept the line tokens in any order, so classifying each line is the whole parse.
    `text` must already have '\\n' line ends (budgetlint.io normalises CR and CRLF).  It may be
    one block of a longer document (whole lines), whose first line is numbered `first_line`.

    `passer`, when given, is asked before each line to pass over lines it need not see
    (`.pass_rows(text, position, end, number)` → the position and number of the next line to read):
    the rows of a table that another reader checks.
    """
    scanner = line_scanner()
    match_line, unless = scanner.pattern.match, scanner.unless  # LineScanner.kind, inlined below: a call a line
    position = 0
    number = first_line - 1
    end = len(text)
    while position < end:
        if passer is not None:
            position, number = passer.pass_rows(text, position, end, number)
            if position >= end:
                break
        newline = text.find("\n", position)
        if newline < 0:
            newline = end
        raw = text[position:newline]
        position = newline + 1
        number += 1
        if not raw:
            continue
        match = match_line(raw + "\n")
        if match is None:
            continue
        terminal = match.lastgroup
        if terminal in unless:
            terminal = unless[terminal].get(match.group(), terminal)
        kind = _KINDS.get(terminal)
        if kind is None:
            continue
        if kind == "text" and not raw.strip():
            continue  # blanks only (spaces, an ideographic space from a PDF): a blank line
        if kind != "row":
            yield Line(kind, number, raw)
        else:
            yield Line(kind, number, raw, None, "|" if terminal == "PIPE_ROW" else "\t")


def parse_tree(text: str):
    """The full LALR parse of `text` by lark itself (for tests of the grammar)."""
    from budgetlint.resources import lark_parser

    if not text.endswith("\n"):
        text += "\n"
    return lark_parser("table.lark", lexer="contextual").parse(text)
