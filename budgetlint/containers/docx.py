"""Word files → blocks: every table of a `.docx` body a grid, the paragraphs between them lines of free text.

A 绩效目标表 published as Word: ruled tables whose level-1 and level-2 indicator cells are merged down
over their rows (`w:vMerge`), labels and titles merged across (`w:gridSpan`), and the title,
`（2024年度）` and `单位：万元` paragraphs between the tables.

- The package is opened by python-docx; the body is walked here, in document order, in its XML (`w:p`,
  `w:tbl`, `w:tr`, `w:tc`, content controls `w:sdt` and `w:customXml` read through): python-docx's
  `row.cells` repeats a merged cell's object at each position it covers, which would read its text
  twice.  A cell's `gridSpan` and a `vMerge` continuation are expanded as a page's colspan/rowspan
  (budgetlint.containers.html): the positions a merged cell covers beyond its own are cells with
  `merged=True` and no text, so a level-1 cell merged down reads as the pipe text's empty cells below
  it.  `w:gridBefore` (a row starting further right) is empty cells.
- A table that holds a table is a layout table, as in a page: its cells' paragraphs are lines of free
  text and each table inside it a grid of its own, in document order.
- A title row, one cell across the whole table (`2024年…表`, `单位：万元`), is a line of free text.
- Text: what Word shows with changes accepted (inserted runs read, deleted and moved-away runs not), a
  tab or a line break one blank, the paragraphs of a cell joined by a blank, blanks inside as typed; a text box's content
  (drawn over the page, not in the flow) and the fallback copy of a drawing are not read.  A paragraph
  is classified as the text container classifies a line (budgetlint.containers.text.classify).
- Positions: a running line count over the document: each paragraph of the body (empty ones too) and
  each table row takes the next line, so a line names one place.  Cell.place is `table 2, row 3,
  column 4` (1-based: the tables of the document in order, nested ones where they start; the row in
  its table; the column of Word's grid), Grid.place `table 2`; a cell's column is its grid column.
- Bad files raise Unreadable, one line: a corrupt zip, a password-protected document (an encrypted OLE
  container), a Word 97–2003 `.doc` under the name `.docx`, a zip bomb (budgetlint.containers.archive,
  checked before anything is inflated), a package that is not a Word document.
"""

from __future__ import annotations

import io
from itertools import groupby

from budgetlint.containers.archive import OLE_MAGIC, Unreadable, check_zip, is_encrypted
from budgetlint.containers.text import classify
from budgetlint.grid import Cell, Grid, Row, Text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

    from budgetlint.grid import Block

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _TR, _TC = W + "p", W + "tbl", W + "tr", W + "tc"
_SDT, _SDT_CONTENT, _CUSTOM_XML = W + "sdt", W + "sdtContent", W + "customXml"
_VAL = W + "val"
_TC_PR, _TR_PR, _GRID_SPAN, _GRID_BEFORE = W + "tcPr", W + "trPr", W + "gridSpan", W + "gridBefore"
_MERGES = (W + "vMerge", W + "hMerge")
_T = W + "t"
# What a paragraph shows beside its text: the characters Word draws for a tab, a break, a hyphen.
_CHARACTERS = {W + "tab": " ", W + "br": " ", W + "cr": " ", W + "noBreakHyphen": "-"}
# What it does not show as its text: deleted and moved-away runs, a text box's content (drawn over the page,
# not in the flow), the fallback copy of a drawing, the tab stops and other properties.
_HIDDEN = frozenset(
    (
        W + "del",
        W + "moveFrom",
        W + "txbxContent",
        "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
        W + "pPr",
        W + "rPr",
        W + "instrText",
    )
)


def check_container(data: bytes) -> None:
    """Refuse, before anything is inflated, what cannot be read: raise Unreadable (one line)."""
    if data.startswith(OLE_MAGIC):
        if is_encrypted(data):
            raise Unreadable("password-protected Word document (an encrypted container): save it without a password")
        raise Unreadable("a Word 97–2003 document (.doc), not a .docx: save it as .docx (Word document)")
    check_zip(data, "Word document", ".docx")


def read(data: bytes) -> list[Block]:
    """The blocks of the Word document `data`, in document order; Unreadable for a file that cannot be read."""
    check_container(data)
    from xml.etree.ElementTree import fromstring

    import docx

    try:  # an XML syntax error (lxml's, expat's) is a SyntaxError
        # python-docx finds and checks the main document part; its XML is walked as plain elements (the
        # standard library's: python-docx's own element classes cost 20 µs a look-up)
        body = fromstring(docx.Document(io.BytesIO(data)).part.blob).find(W + "body")
    except Exception as error:  # python-docx raises many kinds on a damaged package (KeyError, AttributeError, …)
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        if "content type is" in first:
            first = "the package is not a Word document"
        raise Unreadable(f"cannot read the Word document ({first})") from None
    if body is None:
        raise Unreadable("cannot read the Word document (it has no body)")
    return list(_Walk().content(body))


class _Walk:
    """One pass over the body: the running line count and table count, and the blocks in order."""

    def __init__(self) -> None:
        self.line = 0
        self.tables = 0

    def content(self, parent) -> Iterator[Block]:
        """The blocks of the paragraphs and tables in `parent` (the body, a cell, a content control)."""
        for element in _children(parent, (_P, _TBL)):
            if element.tag == _P:
                self.line += 1
                text = self.text(element)
                if text:
                    yield _line_block(text, self.line)
            else:
                yield from self.table(element)

    def text(self, paragraph) -> str:
        """What the paragraph shows, as typed (a tab or a line break is a blank), stripped."""
        pieces: list[str] = []
        _shown(paragraph, pieces)
        return "".join(pieces).strip()

    def cell_text(self, cell) -> str:
        return " ".join(text for p in _children(cell, (_P,)) if (text := self.text(p)))

    def table(self, table) -> Iterator[Block]:
        self.tables += 1
        number = self.tables
        rows = [
            (_grid_before(row), [_TableCell(cell) for cell in _children(row, (_TC,))])
            for row in _children(table, (_TR,))
        ]
        if any(cell.nested for _, row in rows for cell in row):  # a layout table
            for _, row in rows:
                for cell in row:
                    yield from self.content(cell.element)
            return
        # Spans may make at most this many cells beyond the table's own (gridSpan ≤ 63 each): past it, a
        # cell is read as one column (as a page's spans are, budgetlint.containers.html).
        budget = SPAN_BUDGET + SPAN_RATIO * sum(len(row) for _, row in rows)
        for _, row in rows:
            for cell in row:
                budget -= cell.span - 1
                if budget < 0:
                    cell.span = 1
        width = max((before + sum(cell.span for cell in row) for before, row in rows), default=0)
        items = [self.row(number, index, row, before, width) for index, (before, row) in enumerate(rows)]
        place = f"table {number}"
        for is_row, run in groupby(items, key=lambda item: isinstance(item, Row)):
            if is_row:
                yield Grid(iter(list(run)), place)  # type: ignore[arg-type]  # a run of rows
            else:
                yield from run  # type: ignore[misc]  # a title row's Text

    def row(self, table: int, index: int, own: list[_TableCell], before: int, width: int) -> Row | Text:
        """Row `index` (0-based) of table `table`: its cells at their grid columns, or a title row's Text."""
        self.line += 1
        line = self.line
        if len(own) == 1 and not before and 2 <= own[0].span == width and own[0].merge is None:
            title = self.cell_text(own[0].element)
            if title:
                return _line_block(title, line)
        cells: list[Cell] = []
        place = f"table {table}, row {index + 1}, column "
        for column in range(1, before + 1):
            cells.append(Cell("", line, column, column + 1, False, None, place + str(column)))
        for cell in own:
            continued = cell.merge == "continue"
            column = len(cells) + 1
            text = "" if continued else self.cell_text(cell.element)
            cells.append(Cell(text, line, column, column + 1, continued, None, place + str(column)))
            for covered in range(column + 1, column + cell.span):
                cells.append(Cell("", line, covered, covered + 1, True, None, place + str(covered)))
        return Row(line, tuple(cells))


MAX_SPAN = 63  # Word's own limit of a table's columns
SPAN_BUDGET, SPAN_RATIO = 100_000, 20  # the cells a table's spans may make: 100,000 + 20 a cell of its own


class _TableCell:
    """A `w:tc` read once: the grid columns it covers (`w:gridSpan`, 1 without it or for a bad value), its
    vertical merge ("restart" starts one, "continue" continues the cell above — `<w:vMerge/>` without a
    value continues; the legacy `w:hMerge` continues the cell to the left), whether it holds a table."""

    __slots__ = ("element", "span", "merge", "nested")

    def __init__(self, element) -> None:
        self.element = element
        self.span = 1
        self.merge: str | None = None
        self.nested = False
        for child in element:
            tag = child.tag
            if tag == _TC_PR:
                for item in child:
                    if item.tag == _GRID_SPAN:
                        self.span = _number(item.get(_VAL), 1, 1)
                    elif item.tag in _MERGES and self.merge is None:
                        self.merge = "restart" if item.get(_VAL) == "restart" else "continue"
            elif tag == _TBL:
                self.nested = True
            elif tag in (_SDT, _CUSTOM_XML) and not self.nested:
                self.nested = bool(_children(child, (_TBL,)))


def _number(value: str | None, default: int, least: int) -> int:
    """A span's count, within least..MAX_SPAN (`default` when it is not a number)."""
    try:
        return min(max(int(value or default), least), MAX_SPAN)
    except ValueError:
        return default


def _grid_before(row) -> int:
    """The grid columns left empty before the row's first cell (`w:trPr/w:gridBefore`)."""
    for child in row:
        if child.tag == _TR_PR:
            for item in child:
                if item.tag == _GRID_BEFORE:
                    return _number(item.get(_VAL), 0, 0)
    return 0


def _shown(element, pieces: list[str]) -> None:
    """Append to `pieces` what `element` shows, in order (see _CHARACTERS and _HIDDEN)."""
    for child in element:
        tag = child.tag
        if tag == _T:
            pieces.append(child.text or "")
        elif tag in _CHARACTERS:
            pieces.append(_CHARACTERS[tag])
        elif tag not in _HIDDEN and len(child):
            _shown(child, pieces)


def _children(parent, tags: tuple[str, ...]) -> list:
    """The children of `parent` with one of `tags`, those inside content controls and custom XML included."""
    out = []
    for child in parent:
        tag = child.tag
        if tag in tags:
            out.append(child)
        elif tag == _SDT:
            for content in child:
                if content.tag == _SDT_CONTENT:
                    out.extend(_children(content, tags))
        elif tag == _CUSTOM_XML:
            out.extend(_children(child, tags))
    return out


def _line_block(text: str, number: int) -> Text:
    """A line of free text, classified as the text container classifies a line (never as a row)."""
    line = classify(text, number)
    if isinstance(line, Text) and line.kind in ("heading", "meta", "text", "directive", "comment"):
        return line
    return Text("text", number, text)
