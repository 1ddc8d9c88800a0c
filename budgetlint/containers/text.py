"""Plain text → blocks: each line classified by grammar/table.lark, consecutive rows made a grid.

The grammar gives one token per line (a pipe or TAB row, a Markdown separator, a directive, a
comment, a heading, `key：value` metadata, other text); a row's cells are split here, keeping the
line and column of each, when the reader first asks for them.  Columns are 1-based character
offsets.  Blank lines end nothing: a table may be interrupted by a page break.
"""

from __future__ import annotations

import re
from itertools import accumulate, groupby
from operator import attrgetter

from budgetlint.grid import Cell, Grid, Row, Text
from budgetlint.lalr import line_scanner

TYPE_CHECKING = False  # typing is not imported on the check path
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from budgetlint.grid import Block


class TextRow(Row):
    """A pipe or TAB row of a text file, split into cells when first asked."""

    __slots__ = ("text", "delimiter")
    kind = "row"  # as Text.kind: a line of the text format is a row or a Text
    is_row = True

    def __init__(self, number: int, text: str, delimiter: str):
        self.number, self._cells, self._filled = number, None, None  # Row's fields (a row is made a line)
        self.text = text  # the whole line as written
        self.delimiter = delimiter  # "|" or "\t"

    def split(self, keep_empty: bool) -> tuple[Cell, ...]:
        if self.delimiter == "|":
            if not keep_empty and "\\" not in self.text:
                # The common row: the pieces before its first and after its last pipe are blanks (the
                # grammar's PIPE_ROW), which a split of the non-empty cells drops anyway.
                return _cells(self.text.split("|"), 0, self.number, False, False)
            return split_pipe_row(self.text, self.number, keep_empty)
        return split_tab_row(self.text, self.number, keep_empty)

    @property
    def leading_blank(self) -> bool:
        """Whether the first cell is empty, read off the text without splitting the row."""
        if self._cells is not None:
            return super().leading_blank
        text = self.text
        if self.delimiter == "|":
            start = text.index("|") + 1
            end = text.find("|", start)
            return not text[start : end if end >= 0 else len(text)].strip()
        return not text[: text.find("\t")].strip()


Text.is_row = False  # type: ignore[attr-defined]  # the key that groups a text's lines into blocks

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
_is_row = attrgetter("is_row")


def _cells(pieces: list[str], offset: int, line: int, unescape: bool, keep_empty: bool) -> tuple[Cell, ...]:
    """Cells of consecutive `pieces` starting at character `offset`, each stripped, with its columns;
    without `keep_empty`, only the non-empty ones."""
    cells = []
    plain = Cell.plain
    for piece in pieces:
        inner = piece.strip()
        if inner or keep_empty:
            column = offset + len(piece) - len(piece.lstrip()) + 1
            end = column + len(inner)  # as written: `\\|` is two characters of the line
            cells.append(plain(inner.replace("\\|", "|") if unescape else inner, line, column, end))
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


def classify(raw: str, number: int, terminal_of: Callable[[str], str | None] | None = None) -> TextRow | Text | None:
    """The line `raw` (without its line end) as a row or a Text, or None for a blank line.
    `terminal_of`: the line scanner's `terminal`, when the caller has it at hand."""
    terminal = (terminal_of or line_scanner().terminal)(raw)
    kind = _KINDS.get(terminal) if terminal is not None else None
    if kind is None or (kind == "text" and not raw.strip()):
        return None  # blanks only (spaces, an ideographic space from a PDF): a blank line
    if kind == "row":
        return TextRow(number, raw, "|" if terminal == "PIPE_ROW" else "\t")
    return Text(kind, number, raw)


def iter_lines(text: str, first_line: int = 1) -> Iterator[TextRow | Text]:
    """Every non-blank line of `text`, classified, one at a time (a 100 MB document streams).

    `text` has '\\n' line ends (budgetlint.io normalises CR and CRLF); it may be one block of whole
    lines of a longer document, whose first line is numbered `first_line`.
    """
    position, end = 0, len(text)
    number = first_line - 1
    terminal_of = line_scanner().terminal
    while position < end:
        newline = text.find("\n", position)
        if newline < 0:
            newline = end
        number += 1
        if newline > position:
            line = classify(text[position:newline], number, terminal_of)
            if line is not None:
                yield line
        position = newline + 1


class TextBlocks:
    """The blocks of a text, or of its pieces of whole lines in order (budgetlint.io.Stream.blocks):
    each run of rows one Grid, each other line a Text (a separator `|---|` among them).

    A grid's rows must be read before the next block is asked for (they are streamed).
    `line_count` is the number of lines, known once every block has been read.
    """

    def __init__(self, text: str | Iterable[str], first_line: int = 1):
        self.pieces = (text,) if isinstance(text, str) else text
        self.first_line = first_line
        self.line_count = 0

    def __iter__(self) -> Iterator[Block]:
        for is_row, run in groupby(self._lines(), key=_is_row):
            if is_row:
                yield Grid(run)  # type: ignore[arg-type]  # a run of rows
            else:
                yield from run  # type: ignore[misc]  # a run of Text

    def _lines(self) -> Iterator[TextRow | Text]:
        line_ends = 0
        last = "\n"
        for piece in self.pieces:
            yield from iter_lines(piece, self.first_line + line_ends)
            line_ends += piece.count("\n")
            last = piece[-1:] or last
        self.line_count = line_ends + (0 if last == "\n" and line_ends else 1)


blocks = TextBlocks


# ---------------------------------------------------------------- skimming a large document
def skim(buffer: bytes, needle: bytes, first_line: int) -> Iterator[tuple[int, int, TextRow | Text]]:
    """The lines of UTF-8 `buffer` (whole lines, '\\n' line ends, line `first_line` first) that can change
    what one table passes to the next: every line of free text (not a pipe row, no TAB), and the rows
    that hold `needle` (the rarest character of the label that starts a table, encoded).  Each as (byte
    offset of the line, byte offset of the directive and comment lines just above it (see `_above`),
    the line)."""
    lines = buffer.split(b"\n")
    lengths = list(accumulate(map(len, lines), initial=0))  # line i starts at lengths[i] + i (its line ends)
    wanted = {  # the lines of free text: most lines of a large document start with a pipe
        index
        for index, raw in enumerate(lines)
        if raw and raw[0] != 0x7C and b"\t" not in raw and not raw.lstrip(b" \t").startswith(b"|")
    }
    found, index, counted = buffer.find(needle), 0, 0
    while found >= 0:  # and the lines that hold the needle (a few a table)
        index += buffer.count(b"\n", counted, found)
        counted = found
        wanted.add(index)
        end = buffer.find(b"\n", found)
        found = buffer.find(needle, end) if end >= 0 else -1
    for index in sorted(wanted):
        raw = lines[index]
        start = lengths[index] + index
        line = classify(raw.decode("utf-8"), first_line + index)
        if line is not None:
            yield start, _above(buffer, start), line


def _above(buffer: bytes, start: int) -> int:
    """The offset of the first of the directive and comment lines just above the line at `start` (blank
    lines may come between them), or `start`; -1 when they may go on above the start of the buffer."""
    cut = position = start
    while position > 0:
        previous = buffer.rfind(b"\n", 0, position - 1) + 1
        raw = buffer[previous : position - 1]
        if raw.strip():
            if not (raw.lstrip().startswith(b"<!--") and _is_comment(raw.decode("utf-8"))):
                return cut
            cut = previous
        position = previous
    return -1


def _is_comment(raw: str) -> bool:
    return line_scanner().terminal(raw) in ("DIRECTIVE", "COMMENT")
