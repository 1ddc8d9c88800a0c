"""HTML pages → blocks: every data table a grid, the text between tables lines of free text.

Pages as a browser saves them from a 部门预算公开 site: tables with `rowspan`/`colspan` (a level-1
cell over its rows, a label over two columns), `&nbsp;` in empty cells, `<br>` inside cells, a
layout table around the data tables, titles and `单位：万元` lines between them.

- A cell's `rowspan`/`colspan` is expanded as the table model of HTML does: the positions it
  covers beyond its own are cells with `merged=True` and no text, so the reader sees the grid a
  pipe table writes with empty cells.  Spans are clipped as HTML clips them (colspan ≤ 1000,
  rowspan ≤ 65534, 0 = to the end of the table); a span never makes rows the table does not have.
- A table that holds a table is a layout table: its own cells' text is read as lines of free text
  and each table inside it as a grid of its own, in the order of the source.  (Its cells are not
  glued to the inner table's text.)
- Text: character references decoded (`&nbsp;` is a blank), blanks collapsed as a browser does; a
  line break inside a cell (`<br>`, a `<p>` or `<div>` in it) reads as one blank, as a PDF's does.
  Outside tables, each block element (`<p>`, `<h1>`, `<div>`, `<br>`, …) ends a line of text,
  classified as the text container classifies a line (a `key：value` line is metadata).
  `<!-- budgetlint: … -->` comments are directives; `<head>`, `<script>`, `<style>` are not read.
- A title row, one cell across the whole table (`2024年…表`, `单位：万元` above the labels, as an office
  program exports a sheet), is a line of free text, as in a CSV file.
- Positions: a cell's line and column are those of its start tag in the source (1-based); the
  continuation of a spanned cell has the position of the cell it continues.  A row's number is
  the line of its first own cell.

Parser: the standard library's html.parser, which gives the line and column of every start tag
(lxml gives a line only and selectolax no position; see README "Libraries, and why").
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from itertools import groupby

from budgetlint.containers.text import classify
from budgetlint.grid import Cell, Grid, Row, Text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import TypeAlias

    from budgetlint.grid import Block

    _Item: TypeAlias = "_Line | _Table | _Directive"  # what a page, a cell or a caption holds, in order

# Elements that end a line of text (HTML's block-level elements, and the row of a table).
_BREAKS = frozenset(
    "address article aside blockquote br caption center dd details dialog div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary ul".split()
)
_SKIPPED = frozenset(("head", "script", "style", "template", "noscript", "title"))
_CELLS = frozenset(("td", "th"))
_BLANKS = re.compile(r"[ \t\n\r\f\xa0]+")
MAX_COLSPAN, MAX_ROWSPAN = 1000, 65534  # HTML's own limits
SPAN_BUDGET, SPAN_RATIO = 100_000, 20  # the cells a table's spans may make: 100,000 + 20 a cell of its own


def declared_charset(head: bytes) -> str | None:
    """The encoding a page declares in `<meta charset>` or `<meta http-equiv … content="…; charset=…">`
    within its first bytes, as a Python codec name (GB2312 and GBK are read as their superset GB18030),
    or None."""
    name = _charset_name(head[:4096].lower())
    if name is None:
        return None
    if name in ("gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn"):
        return "gb18030"
    if name in ("utf8", "utf-8", "unicode-1-1-utf-8"):
        return "utf-8"
    if name.startswith(("utf-16", "utf-32", "unicode")):
        return None  # a page that says UTF-16 without a byte-order mark is not: HTML reads it as UTF-8
    import codecs

    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _charset_name(head: bytes) -> str | None:
    """The value after `charset=` in the first <meta> tag of `head` (lower case) that has one."""
    start = head.find(b"<meta")
    while start >= 0:
        end = head.find(b">", start)
        tag = head[start : end if end >= 0 else len(head)]
        at = tag.find(b"charset")
        if at >= 0:
            rest = tag[at + 7 :].lstrip()
            if rest.startswith(b"="):
                rest = rest[1:].lstrip().lstrip(b"\"'").lstrip()
                name = bytearray()
                for byte in rest:
                    if not (chr(byte).isalnum() or byte in b"_:.-"):
                        break
                    name.append(byte)
                if name:
                    return name.decode("ascii", "replace")
        start = head.find(b"<meta", start + 5)
    return None


class _Cell:
    __slots__ = ("line", "column", "end_column", "rowspan", "colspan", "content")

    def __init__(self, line: int, column: int, end_column: int, rowspan: int, colspan: int):
        self.line, self.column, self.end_column = line, column, end_column
        self.rowspan, self.colspan = rowspan, colspan
        self.content: list[_Item] = []


class _Line:
    """A line of text as written: its pieces, and the line where its first visible character is."""

    __slots__ = ("number", "pieces")

    def __init__(self, number: int):
        self.number = number
        self.pieces: list[str] = []

    @property
    def text(self) -> str:
        return _BLANKS.sub(" ", "".join(self.pieces)).strip()


class _Table:
    __slots__ = ("rows", "row_lines", "caption", "nested")

    def __init__(self) -> None:
        self.rows: list[list[_Cell]] = []
        self.row_lines: list[int] = []
        self.caption: list[_Item] = []
        self.nested = False  # holds a table: a layout table


class _Parser(HTMLParser):
    """Builds a light tree: the page's content, each table's rows of cells, each cell's content."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.top: list[_Item] = []
        self.tables: list[_Table] = []  # open tables, innermost last
        self.cells: list[_Cell | None] = []  # the open cell of each open table (None between cells)
        self.in_caption: list[bool] = []
        self.skipping = 0
        self.line: _Line | None = None

    # where content goes: the open cell of the innermost table, its caption, or the page
    def _content(self) -> list[_Item] | None:
        if not self.tables:
            return self.top
        if self.in_caption[-1]:
            return self.tables[-1].caption
        cell = self.cells[-1]
        return cell.content if cell is not None else None  # text between cells is not shown

    def _break(self) -> None:
        self.line = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
            return
        if tag == "body":  # a page whose <head> was never closed
            self.skipping = 0
        if tag == "table":
            table = _Table()
            content = self._content()
            if self.tables:
                for outer in self.tables:
                    outer.nested = True
            (content if content is not None else self.top).append(table)
            self.tables.append(table)
            self.cells.append(None)
            self.in_caption.append(False)
            self._break()
        elif not self.tables:
            if tag in _BREAKS:
                self._break()
        elif tag == "tr":
            self.cells[-1] = None
            table = self.tables[-1]
            table.rows.append([])
            line, _ = self.getpos()
            table.row_lines.append(line)
            self._break()
        elif tag in _CELLS:
            table = self.tables[-1]
            if not table.rows:  # a cell with no <tr>: a row of its own
                table.rows.append([])
                table.row_lines.append(self.getpos()[0])
            line, offset = self.getpos()
            tag_text = self.get_starttag_text() or ""
            end = offset + 1 + (len(tag_text) if "\n" not in tag_text else 3)
            values = dict(attrs)
            cell = _Cell(
                line,
                offset + 1,
                end,
                _span(values.get("rowspan"), MAX_ROWSPAN, zero=0),
                _span(values.get("colspan"), MAX_COLSPAN, zero=1),
            )
            table.rows[-1].append(cell)
            self.cells[-1] = cell
            self._break()
        elif tag == "caption":
            self.in_caption[-1] = True
            self._break()
        elif tag in _BREAKS:
            self._break()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BREAKS:
            self._break()  # <br/>

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(self.skipping - 1, 0)
            return
        if tag == "table":
            if self.tables:
                self.tables.pop()
                self.cells.pop()
                self.in_caption.pop()
        elif self.tables and tag in _CELLS:
            self.cells[-1] = None
        elif self.tables and tag == "tr":
            self.cells[-1] = None
        elif self.tables and tag == "caption":
            self.in_caption[-1] = False
        elif tag not in _BREAKS:
            return  # an inline element (<span>, <b>, <font>) ends no line
        self._break()

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        content = self._content()
        if content is None:
            return
        if self.line is None:
            if not _BLANKS.sub("", data):
                return
            line, _ = self.getpos()
            stripped = data.lstrip(" \t\n\r\f")
            self.line = _Line(line + data.count("\n", 0, len(data) - len(stripped)))
            content.append(self.line)
        self.line.pieces.append(data)

    def handle_comment(self, data: str) -> None:
        if self.skipping or self.tables:
            return
        text = f"<!--{data}-->"
        line = classify(text, self.getpos()[0])
        if isinstance(line, Text) and line.kind == "directive":
            self.top.append(_Directive(line))
        self._break()


class _Directive:
    __slots__ = ("text",)

    def __init__(self, text: Text):
        self.text = text


def _span(value: str | None, limit: int, zero: int) -> int:
    try:
        number = int((value or "1").strip().rstrip(";"))
    except ValueError:
        return 1
    if number == 0:
        return zero  # rowspan=0: to the end of the table (0 stands for it here)
    return min(max(number, 1), limit)


def _cell_text(cell: _Cell) -> str:
    return " ".join(text for item in cell.content if isinstance(item, _Line) and (text := item.text))


def _table_blocks(table: _Table) -> Iterator[Block]:
    """The table as grids, their rows made as the reader asks for them (see _rows); a title row — one
    cell across the whole table, as an office program exports `2024年…表` or `单位：万元` above the
    labels — is a line of text between them."""
    for is_row, run in groupby(_rows(table), key=_is_row):
        if is_row:
            yield Grid(iter(list(run)))  # type: ignore[arg-type]  # a run of rows (kept: blocks may be listed)
        else:
            yield from run  # type: ignore[misc]  # a title row's Text


def _is_row(item: Row | Text) -> bool:
    return isinstance(item, Row)


def _rows(table: _Table) -> Iterator[Row | Text]:
    """The table's rows with every span expanded: the positions a cell covers beyond its own are
    merged cells, so each row has a cell at each column up to its last.  A title row is a Text."""
    width = max((sum(cell.colspan for cell in own) for own in table.rows), default=0)
    below: dict[int, tuple[_Cell, int]] = {}  # column → (the cell spanning down into it, rows still to cover)
    count = len(table.rows)
    # Spans may make at most this many cells: a page of 40 KB must not become millions of cells (rowspan
    # 65534 × colspan 1000).  Past it, the rows are read with their own cells only.
    budget = SPAN_BUDGET + SPAN_RATIO * sum(len(own) for own in table.rows)
    for index, (own, tr_line) in enumerate(zip(table.rows, table.row_lines)):
        if budget <= 0:
            below.clear()
        if len(own) == 1 and not below and 2 <= own[0].colspan == width and own[0].rowspan == 1:
            title = _cell_text(own[0])
            if title:
                yield _line_block(title, own[0].line)
                continue
        cells: list[Cell] = []
        column = 0
        last = max(below, default=-1)  # the last column a span from above reaches in this row
        pending = iter(own)
        cell = next(pending, None)
        while cell is not None or column <= last:
            spanned = below.get(column)
            if spanned is not None:
                origin, left = spanned
                cells.append(Cell("", origin.line, origin.column, origin.end_column, True))
                if left > 1:
                    below[column] = (origin, left - 1)
                else:
                    del below[column]
            elif cell is None:  # a position no cell of this row reaches, before a span from above
                cells.append(Cell.plain("", tr_line, 1, 1))
            else:
                cells.append(Cell.plain(_cell_text(cell), cell.line, cell.column, cell.end_column))
                rowspan = cell.rowspan or count - index  # 0: to the end of the table
                colspan = cell.colspan if budget > 0 else 1
                for _ in range(1, colspan):
                    cells.append(Cell("", cell.line, cell.column, cell.end_column, True))
                if rowspan > 1 and budget > 0:
                    for offset in range(colspan):
                        below[column + offset] = (cell, rowspan - 1)
                column += colspan
                cell = next(pending, None)
                continue
            column += 1
        budget -= len(cells)
        first = next((c for c in cells if not c.merged and c.text), None) or next(
            (c for c in cells if not c.merged), None
        )
        yield Row(first.line if first is not None and first.line >= tr_line else tr_line, tuple(cells))


def _line_block(text: str, number: int) -> Text:
    """A line of free text, classified as the text container classifies a line (never as a row)."""
    line = classify(text, number)
    if isinstance(line, Text) and line.kind in ("heading", "meta", "text"):
        return line
    return Text("text", number, text)


def _blocks(items: list) -> Iterator[Block]:
    for item in items:
        if isinstance(item, _Line):
            text = item.text
            if text:
                yield _line_block(text, item.number)
        elif isinstance(item, _Directive):
            yield item.text
        elif item.nested:  # a layout table: its cells' text is free text, its tables grids
            yield from _blocks(item.caption)
            for row in item.rows:
                for cell in row:
                    yield from _blocks(cell.content)
        else:
            yield from _blocks(item.caption)
            yield from _table_blocks(item)


def parse(text: str) -> list:
    """The page's content tree (see _Parser)."""
    parser = _Parser()
    parser.feed(text)
    parser.close()
    return parser.top


def blocks(text: str) -> Iterator[Block]:
    """The blocks of the page `text` ('\\n' line ends): lines of text and one grid per data table."""
    return _blocks(parse(text))


def has_table(text: str) -> bool:
    return "<table" in text.lower()
