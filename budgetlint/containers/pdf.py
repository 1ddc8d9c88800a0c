"""PDF files → blocks: the ruled tables of a text PDF as grids, the text around them as lines.

What a 部门预算公开 site publishes most: the 绩效目标表 exported from Word or WPS as PDF, its tables
ruled (every cell bordered), its titles and `单位：万元` lines as paragraphs between them.

- Tables: pdfplumber's `find_tables()` with the lines strategy (its default): a table is where the
  ruling lines make cells.  Each table's cells in row order; a merged cell (pdfplumber gives None at
  the positions a merged cell covers beyond its own) becomes cells with `merged=True` and no text, as
  a page's rowspan/colspan (budgetlint.containers.html).  A title row, one cell across the whole
  table, is a line of free text, as in a page or a sheet.
- A cell's text: its characters (those whose centre is inside it, as pdfplumber assigns them) in
  reading order, the blanks of a line kept; a text that wraps over lines is joined as a PDF reader
  joins it — with no blank where either side of the break is a wide (CJK) character, with one blank
  between two narrow ones (`年度资金总` + `额` → `年度资金总额`).
- Never part of a cell as the whole: a cell whose text crosses its border (a number overflowing into
  the next cell: a run of characters with no more room between them than a blank on either side of
  a ruling, or a glyph that lies a quarter over it) or holds glyphs with no Unicode mapping (an
  embedded font without ToUnicode: `(cid:123)`) is read as empty, and reported (`Blocks.problems`,
  which budgetlint.io makes BL004 "pdf-cut" or "pdf-unmapped" at the cell) rather than read in part.
- Text outside the tables: pdfplumber's text lines, in page order with the tables, each classified
  as the text container classifies a line (`单位：万元` is metadata, `（2024年度）` text).
- A table split across pages continues: a table that starts a page (no text above it), after a page
  that ends with a table (no text below it), with the same left and right edges and column
  boundaries that agree (those of one among those of the other: a part of only wide label rows has
  fewer) continues the same grid, its repeated heading rows (Word's and WPS's "repeat as header
  row") dropped.
- Positions: a line number runs over the text lines and table rows of the whole document (unique
  and increasing); a cell's column is its column in its table (1-based); Cell.place and Grid.place
  are `page 3`, Cell.box the cell's box on its page in points (x0, top, x1, bottom; rounded to 0.1).
- What cannot be read is an Unreadable (one line; budgetlint.io makes it an InputError, exit 2): a
  password-protected PDF, a damaged file (when opened: `check`); as the pages are read, a PDF with
  no text layer (a scan: OCR is needed), one whose first page of text is mostly glyphs without a
  Unicode mapping, a damaged page.  A PDF
  that opens without a password (only its permissions restricted) is read.
- Bounded: the file is read page by page, each page's pdfplumber objects released when its blocks
  are made; a grid's rows are streamed (read them before the next block, as a text file's).
"""

from __future__ import annotations

from itertools import chain, groupby

from budgetlint.containers.text import classify
from budgetlint.grid import Cell, Grid, Row, Text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from budgetlint.grid import Block

EDGE = 1.0  # points: table edges and column boundaries this close are the same ruling
PROTRUDE = 0.25  # a character more than this share of its size outside its cell crosses the border
RUN = 0.4  # characters of one line closer than this share of their size, in two cells, are one run of text
HEADING_ROWS = 3  # rows of a grid a continuation may repeat at its top (Word's repeated header rows)


class Unreadable(Exception):
    """A PDF that cannot be read; str() is one line (budgetlint.io makes it an InputError)."""


def _quiet() -> None:
    """pdfminer logs a warning for each oddity of a damaged file: this is no place for them."""
    import logging

    logging.getLogger("pdfminer").setLevel(logging.ERROR)


def _open(path: Path):
    """The pdfplumber PDF of `path`, or Unreadable (a password, a damaged file)."""
    _quiet()
    import pdfplumber

    try:
        return pdfplumber.open(path)
    except Exception as error:  # pdfminer raises many kinds (wrapped or not) on a damaged file
        raise Unreadable(_why(error)) from None


def _close(pdf) -> None:
    """Close `pdf` and its file, even when its page tree is damaged (pdfplumber's close reads it)."""
    try:
        pdf.close()
    except Exception:
        pdf.stream.close()


def _why(error: BaseException) -> str:
    cause = getattr(error, "args", ()) and error.args[0]
    inner = cause if isinstance(cause, BaseException) else error
    name = type(inner).__name__
    if name == "PDFPasswordIncorrect":
        return "password-protected PDF: save it without a password (or print it to a new PDF)"
    if name == "PDFEncryptionError" or "encrypt" in str(inner).lower():
        return f"encrypted PDF that cannot be read ({inner}): save it without a password"
    detail = str(inner).strip().splitlines()[0] if str(inner).strip() else name
    return f"corrupt PDF ({detail[:120]})"


def check(path: Path) -> None:
    """Refuse, before any block is read, a PDF that cannot be opened (a password, a damaged file): raise
    Unreadable (one line).  A PDF without a text layer is found as its pages are read (see _pages)."""
    _close(_open(path))


NO_UNICODE = (
    "the text has no Unicode mapping (fonts without ToUnicode: glyphs, not characters): "
    "export the PDF again with its fonts embedded, or OCR it"
)


class Blocks:
    """The blocks of a PDF, read from the file page by page each time they are iterated.

    `problems`: the cells that could not be read whole, as (line, column, place, "pdf-cut" or
    "pdf-unmapped", the text found), which budgetlint.io makes BL004 findings, known once every block
    has been read; `line_count`: the lines (text lines and table rows) numbered; `tables`: the ruled
    tables found.  A page that cannot be read raises Unreadable as the blocks are read."""

    def __init__(self, path: Path):
        self.path = path
        self.problems: list[tuple[int, int, str, str, str]] = []
        self.line_count = 0
        self.tables = 0

    def __iter__(self) -> Iterator[Block]:
        self.problems = []
        self.tables = 0
        for key, run in groupby(self._items(), key=_key):
            items = (item for _, _, item in run)
            if key is None:
                yield from items  # type: ignore[misc]  # lines of text
            else:
                first: Row = next(items)  # type: ignore[assignment]
                place = first.cells[0].place if first.cells else ""  # the page the grid starts on
                yield Grid(chain((first,), items), place)  # type: ignore[arg-type]  # its rows, streamed

    def _items(self) -> Iterator[tuple[int | None, str, Row | Text]]:
        """(None, place, Text) and (grid number, place, Row) in document order: the rows of one grid,
        over pages, under one number."""
        pdf = _open(self.path)
        number = 0  # the running line number
        grids = 0
        open_grid: _Open | None = None  # the grid the last page ended with, which the next may continue
        try:
            for index, (tables, lines) in enumerate(_pages(pdf), 1):
                place = f"page {index}"
                items: list[_Table | tuple[float, str]] = sorted([*tables, *lines], key=_top)
                for position, item in enumerate(items):
                    if not isinstance(item, _Table):
                        number += 1
                        yield None, place, _line_block(item[1], number, place)
                        open_grid = None
                        continue
                    self.tables += 1
                    rows = item.rows
                    if position == 0 and open_grid is not None and open_grid.fits(item):
                        rows = open_grid.without_heading(rows)
                    else:
                        grids += 1
                        open_grid = _Open(grids, item)
                    for cells in rows:
                        number += 1
                        if item.is_title(cells):
                            yield None, place, _line_block(cells[0].text, number, place)  # type: ignore[union-attr]
                            grids += 1  # a title row ends the grid: the rows below it are another
                            open_grid = _Open(grids, item)
                        else:
                            open_grid.seen(cells)
                            yield open_grid.number, place, self._row(cells, number, place)
                    open_grid.edges_of(item)
                if items and not isinstance(items[-1], _Table):
                    open_grid = None  # text below the last table: the next page's table is another
        finally:
            _close(pdf)
            self.line_count = number

    def _row(self, cells: list[_Cell | None], number: int, place: str) -> Row:
        out = []
        for column, cell in enumerate(cells, 1):
            if cell is None:
                out.append(Cell("", number, column, column + 1, True, None, place))
                continue
            text = cell.text
            if cell.problem:
                self.problems.append((number, column, place, cell.problem, text))
                text = ""  # never a part of the cell read as the whole
            out.append(Cell(text, number, column, column + 1, False, None, place, cell.box))
        return Row(number, tuple(out))


def _pages(pdf) -> Iterator[tuple[list[_Table], list[tuple[float, str]]]]:
    """Each page's tables and lines of text (_read_page), the page released before the next is read.

    Unreadable, the file's one line: pdfminer's errors on a damaged page or page tree; a first page of
    text whose characters are mostly glyphs without a Unicode mapping; no character on any page (a
    scan: its pages, images only, gave no block)."""
    try:
        pages = iter(pdf.pages)
    except Exception as error:
        raise Unreadable(_why(error)) from None
    index = 0
    text = images = False
    while True:
        index += 1
        try:
            page = next(pages, None)
        except Exception as error:
            raise Unreadable(f"{_why(error)} on page {index}") from None
        if page is None:
            break
        try:
            if not text:
                chars = page.chars
                text = bool(chars)
                images = images or bool(page.images)
                if sum(1 for char in chars if char["text"].startswith("(cid:")) * 2 > len(chars) > 0:
                    raise Unreadable(NO_UNICODE)
            read = _read_page(page)
        except Unreadable:
            raise
        except Exception as error:  # pdfminer (and pdfplumber on what it parsed) on a damaged page
            raise Unreadable(f"{_why(error)} on page {index}") from None
        finally:
            page.close()
        yield read
    if text:
        return
    if images:
        raise Unreadable("no text layer (a scanned PDF, pages of images only): OCR is needed to read it")
    raise Unreadable("no text in the PDF (no text layer): OCR is needed if it is a scan")


def _key(item: tuple) -> int | None:
    return item[0]


def _top(item: _Table | tuple[float, str]) -> float:
    """Where a table or a line of text starts on its page (a table before a line at the same height)."""
    return item.top - 0.01 if isinstance(item, _Table) else item[0]


class _Cell:
    __slots__ = ("text", "box", "problem")

    def __init__(self, text: str, box: tuple, problem: str):
        self.text, self.box, self.problem = text, box, problem


class _Table:
    """One ruled table of one page: its rows of cells (None where a merged cell covers), its edges."""

    __slots__ = ("rows", "top", "left", "right", "bounds")

    def __init__(self, rows: list[list[_Cell | None]], bbox: tuple, bounds: list[float]):
        self.rows = rows
        self.left, self.top, self.right = bbox[0], bbox[1], bbox[2]
        self.bounds = bounds  # the x of every column boundary, left to right

    def is_title(self, cells: list[_Cell | None]) -> bool:
        """Whether a row is a title across the table (`2024年…表` above the labels): one cell of text,
        the first, as wide as the table (not a cell beside the merged cells of the rows above)."""
        first = cells[0] if cells else None
        return (
            len(cells) >= 2
            and first is not None
            and bool(first.text)
            and not first.problem
            and all(cell is None for cell in cells[1:])
            and first.box[2] >= self.right - EDGE
        )


class _Open:
    """The grid a page ends with: what a table at the top of the next page must match to continue it."""

    __slots__ = ("number", "left", "right", "bounds", "heading")

    def __init__(self, number: int, table: _Table):
        self.number = number
        self.heading: list[tuple] = []
        self.edges_of(table)

    def edges_of(self, table: _Table) -> None:
        self.left, self.right, self.bounds = table.left, table.right, table.bounds

    def seen(self, cells: list) -> None:
        if len(self.heading) < HEADING_ROWS:
            self.heading.append(_signature(cells))

    def fits(self, table: _Table) -> bool:
        if abs(table.left - self.left) > EDGE or abs(table.right - self.right) > EDGE:
            return False
        fewer, more = sorted((self.bounds, table.bounds), key=len)
        return all(any(abs(x - y) <= EDGE for y in more) for x in fewer)

    def without_heading(self, rows: list) -> list:
        """`rows` without the grid's first rows repeated at their top."""
        count = 0
        while count < min(len(rows), len(self.heading)) and _signature(rows[count]) == self.heading[count]:
            count += 1
        return rows[count:]


def _signature(cells: list) -> tuple:
    """A row as its own cells' texts, trailing empty ones aside (a part of a table may have fewer columns)."""
    texts = [cell.text for cell in cells if cell is not None]
    while texts and not texts[-1]:
        texts.pop()
    return tuple(texts)


def _read_page(page) -> tuple[list[_Table], list[tuple[float, str]]]:
    """The page's ruled tables and its lines of text outside them ((top, text), top to bottom)."""
    from pdfplumber.utils import extract_text

    chars = page.chars
    tables = []
    boxes = []
    for found in page.find_tables():
        rows: list[list[_Cell | None]] = []
        bounds = sorted({round(x, 1) for row in found.rows for c in row.cells if c for x in (c[0], c[2])})
        table_chars = [char for char in chars if _centre_in(char, found.bbox)]
        owner: dict[int, _Cell] = {}  # id of a character → the cell it is read in
        for row in found.rows:
            row_chars = [char for char in table_chars if _centre_in(char, row.bbox)]
            cells: list[_Cell | None] = []
            for box in row.cells:
                if box is None:
                    cells.append(None)
                    continue
                inside = [char for char in row_chars if _centre_in(char, box)]
                text = _joined(extract_text(inside)) if inside else ""
                cell = _Cell(text, tuple(round(x, 1) for x in box), _problem(inside, box))
                owner.update((id(char), cell) for char in inside)
                cells.append(cell)
            rows.append(cells)
        _runs_across(table_chars, owner)
        tables.append(_Table(rows, found.bbox, bounds))
        boxes.append(found.bbox)
    if boxes:
        outside = page.filter(
            lambda obj: obj.get("object_type") != "char" or not any(_centre_in(obj, b) for b in boxes)
        )
    else:
        outside = page
    lines = [(line["top"], line["text"]) for line in outside.extract_text_lines(return_chars=False) if line["text"]]
    return tables, lines


def _centre_in(char: dict, box: tuple) -> bool:
    x = (char["x0"] + char["x1"]) / 2
    y = (char["top"] + char["bottom"]) / 2
    return box[0] <= x < box[2] and box[1] <= y < box[3]


def _problem(chars: list[dict], box: tuple) -> str:
    """Why the characters of the cell `box` are not its whole text: "pdf-unmapped" (a glyph without a
    Unicode mapping), "pdf-cut" (a character crossing the cell's border), or "" (none)."""
    for char in chars:
        text = char["text"]
        if text.startswith("(cid:") or "\ufffd" in text:
            return "pdf-unmapped"
    for char in chars:
        width, height = char["x1"] - char["x0"], char["bottom"] - char["top"]
        if (
            box[0] - char["x0"] > PROTRUDE * width
            or char["x1"] - box[2] > PROTRUDE * width
            or box[1] - char["top"] > PROTRUDE * height
            or char["bottom"] - box[3] > PROTRUDE * height
        ):
            return "pdf-cut"
    return ""


def _runs_across(chars: list[dict], owner: dict[int, _Cell]) -> None:
    """Mark "pdf-cut" the cells a run of text crosses: two characters of one line, in different cells,
    closer than RUN of their size (a cell's padding keeps its text further from the next cell's) —
    a number overflowing into the next cell, whichever side of the border each glyph fell."""
    lines: dict[int, list[dict]] = {}
    for char in chars:
        lines.setdefault(round(char["bottom"]), []).append(char)
    for line in lines.values():
        line.sort(key=_x0)
        for left, right in zip(line, line[1:]):
            a, b = owner.get(id(left)), owner.get(id(right))
            if a is not None and b is not None and a is not b and right["x0"] - left["x1"] < RUN * left["size"]:
                for cell in (a, b):
                    cell.problem = cell.problem or "pdf-cut"


def _x0(char: dict) -> float:
    return char["x0"]


def _joined(text: str) -> str:
    """The lines of a cell's text as one (a wrapped label reads whole): no blank where either side of a
    break is a wide (CJK) character, one blank between narrow ones; blanks within a line kept."""
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    if len(lines) <= 1:
        return lines[0] if lines else ""
    from unicodedata import east_asian_width

    out = lines[0]
    for line in lines[1:]:
        wide = east_asian_width(out[-1]) in "WF" or east_asian_width(line[0]) in "WF"
        out += line if wide else " " + line
    return out


def _line_block(text: str, number: int, place: str) -> Text:
    """A line of free text on the page `place`, classified as the text container classifies a line (never as
    a row)."""
    line = classify(text, number)
    if isinstance(line, Text) and line.kind in ("heading", "meta", "text"):
        return Text(line.kind, number, line.text, place)
    return Text("text", number, text, place)
