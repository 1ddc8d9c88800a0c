"""Where a finding is in the user's own terms: `Sheet2!C5`, `page 3`, `table 2, row 3, column 4`.

Checks and the reader report lines and columns, as in a text file.  A container that is not text
(budgetlint.containers: a workbook, a Word file, a PDF) names each cell's position itself
(Cell.place, and Cell.box on a PDF page) and the position of a line of free text (Text.place), and
numbers its lines uniquely and increasingly across the whole document.  As the reader reads such a
document's blocks, `recorded` keeps, for each line, the places of its cells; once the document's
findings are complete, `Places.at` gives each its cell's place and box (Linter.finish).

A text file pays nothing: its blocks are not wrapped, and its document has no Places.  Nor does a
container whose cells have no place of their own (an HTML page, a CSV file: line and column say it).
"""

from __future__ import annotations

from budgetlint.grid import Grid

TYPE_CHECKING = False  # typing is not imported on the check path
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from budgetlint.grid import Block, Row

_WHOLE_LINE = 1 << 30  # a line of free text: its place covers every column


class Places:
    """For each line of a container's document, its cells' (column, end_column, place, box, text), by column."""

    __slots__ = ("lines",)

    def __init__(self) -> None:
        self.lines: dict[int, list[tuple[int, int, str, tuple | None, str]]] = {}

    def __bool__(self) -> bool:
        return bool(self.lines)

    def at(self, line: int, column: int) -> tuple[str, tuple | None]:
        """(place, box) of the cell at `line` and `column`: the cell whose columns hold `column`, else the
        last cell starting before it (a finding past a row's last cell), else the line's first;
        ("", None) on a line without places (a blank line, a line the container did not name)."""
        cells = self.lines.get(line)
        if not cells:
            return "", None
        found = cells[0]
        for cell in cells:
            if cell[0] > column:
                break
            found = cell
            if column < cell[1]:
                break
        return found[2], found[3]

    def row_text(self, line: int) -> str:
        """The line as the rich output frames it: its cells' texts in grid order joined by TABs (a cell's own
        TABs and line breaks as blanks; a missing column empty), or the line of text; "" if unknown."""
        cells = self.lines.get(line)
        if not cells:
            return ""
        if cells[0][1] == _WHOLE_LINE:
            return cells[0][4]
        texts = {cell[0]: " ".join(cell[4].split()) for cell in cells}
        return "\t".join(texts.get(column, "") for column in range(1, max(texts) + 1))

    def line_place(self, line: int) -> str:
        """The place of a line as a message cites it (its first cell's: `Sheet2!A5`), or "" if none."""
        cells = self.lines.get(line)
        return cells[0][2] if cells else ""


class _Recorded:
    """A container's blocks as read, recording the places of their cells and lines into `places`."""

    def __init__(self, blocks: Iterable[Block], places: Places):
        self.blocks = blocks
        self.places = places

    @property
    def findings(self):
        """What the container found, asked for when the reader has read it all (a PDF's are known then)."""
        return getattr(self.blocks, "findings", ())

    def __getattr__(self, name: str):  # what else the container's blocks say (line_count)
        return getattr(self.__dict__["blocks"], name)

    def __iter__(self) -> Iterator[Block]:
        lines = self.places.lines
        for block in self.blocks:
            if isinstance(block, Grid):
                yield Grid(self._rows(block.rows), block.place)
                continue
            place = getattr(block, "place", "")
            if place:
                lines[block.number] = [(1, _WHOLE_LINE, place, None, block.text)]
            yield block

    def _rows(self, rows: Iterable[Row]) -> Iterator[Row]:
        lines = self.places.lines
        rows = iter(rows)
        for row in rows:
            cells = row.cells
            if not any(cell.place for cell in cells):
                yield row
                yield from rows  # a grid whose first row has no places has none (an HTML table)
                return
            for cell in cells:
                if cell.place:
                    entries = lines.get(cell.line)
                    if entries is None:
                        entries = lines[cell.line] = []
                    entries.append((cell.column, cell.end_column, cell.place, cell.box, cell.text))
            yield row


def recorded(blocks: Iterable[Block], document) -> Iterable[Block]:
    """`blocks`, whose places are recorded into `document.places` as the reader reads them."""
    places = document.places = Places()
    return _Recorded(blocks, places)


def parts(place: str) -> dict:
    """The parts of a place a report names on their own: `Sheet2!C5` → sheet and cell, `page 3` → page
    (as the containers write them: budgetlint.containers.sheet, .pdf); {} for another place."""
    sheet, bang, cell = place.rpartition("!")
    if bang and sheet and cell[:1].isalpha() and cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ").isdigit():
        return {"sheet": sheet, "cell": cell}
    if place.startswith("page "):
        number = place[5:].split(",", 1)[0].strip()
        if number.isdigit():
            return {"page": int(number)}
    return {}


def row_of(place: str) -> int | None:
    """The row a place names (`Sheet2!C5` → 5, `table 2, row 3, column 4` → 3), or None (`page 3`)."""
    found = parts(place)
    if "cell" in found:
        return int(found["cell"].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    for part in place.split(","):
        words = part.split()
        if len(words) == 2 and words[0] == "row" and words[1].isdigit():
            return int(words[1])
    return None
