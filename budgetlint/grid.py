"""Grids: what every container gives the reader, whatever the file was.

A document is a sequence of blocks.  A block is a line of free text (`Text`: a title, a
`单位：万元` line, a comment) or a `Grid`: rows of cells, as a table in Markdown, in a web
page, a spreadsheet or a Word file.  Each cell carries its text, the typed value the container
knows (a spreadsheet's number or date; None for text), where it is (line and columns, and for
other containers their own name for the place, such as `Sheet1!C12`), and whether it continues a
merged cell.  The reader (budgetlint.reader) reads grids and knows nothing of files.
"""

from __future__ import annotations

from budgetlint.record import named

TYPE_CHECKING = False  # typing is not imported on the check path
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any


@named
class Cell:
    """One cell: its text (stripped), where it is, and what the container knows of it."""

    text: str
    line: (
        int  # 1-based line: the row's line in a text file; in other containers a running number, unique and increasing
    )
    column: int  # 1-based column of the first character
    end_column: int  # exclusive
    merged: bool = False  # continues a merged cell above or to the left (its text is "")
    value: Any = None  # the container's typed value (a number, a date), None for text
    place: str = ""  # the container's own name of the position ("Sheet1!C12"); "" where line/column say it
    box: tuple | None = None  # a PDF cell's box on its page, in points: (x0, top, x1, bottom); None elsewhere

    @staticmethod
    def plain(text: str, line: int, column: int, end_column: int) -> Cell:
        """A cell of text at a line and columns, nothing more known of it: the common cell, made by the
        hundred thousand (without the named tuple's Python-level __new__ and its defaults)."""
        return _new(Cell, (text, line, column, end_column, False, None, "", None))  # type: ignore[type-var]  # a named tuple


_new = tuple.__new__


class Row:
    """A row of a grid: every cell, empty ones included, and the non-empty ones.

    A container may split a row lazily (budgetlint.containers.text does: the reader asks most
    rows only for their non-empty cells); `cells` and `filled` are what the reader uses.
    """

    __slots__ = ("number", "_cells", "_filled")

    def __init__(self, number: int, cells: tuple[Cell, ...] | None = None):
        self.number = number  # 1-based line (or row) of the row's first cell
        self._cells = cells
        self._filled: tuple[Cell, ...] | None = None

    @property
    def cells(self) -> tuple[Cell, ...]:
        if self._cells is None:
            self._cells = self.split(keep_empty=True)
        return self._cells

    @property
    def filled(self) -> tuple[Cell, ...]:
        """The cells with text (a merged continuation has none)."""
        if self._filled is None:
            if self._cells is not None:
                self._filled = tuple([cell for cell in self._cells if cell.text])
            else:
                self._filled = self.split(keep_empty=False)
        return self._filled

    @property
    def leading_blank(self) -> bool:
        """Whether the first cell is empty: a merged cell continued from the row above."""
        cells = self.cells
        return bool(cells) and not cells[0].text

    def split(self, keep_empty: bool) -> tuple[Cell, ...]:
        """The row's cells, made when first asked for (a container that makes them at once never is)."""
        return ()

    def __repr__(self) -> str:
        return f"Row({self.number}, {[cell.text for cell in self.cells]!r})"


@named
class Text:
    """A line of free text between or inside tables, as the container classified it.

    kind: heading | meta (`key：value`) | text | directive (`<!-- budgetlint: … -->`) | comment
    """

    kind: str
    number: int  # 1-based line
    text: str
    place: str = ""  # the container's name of the line's position (`Sheet1!A1`, `page 3`); "" for text


class Grid:
    """A table: its rows, in order.  `rows` may be read once only (a text file is streamed)."""

    __slots__ = ("rows", "place")

    def __init__(self, rows: Iterator[Row], place: str = ""):
        self.rows = rows
        self.place = place  # the container's name of the table ("Sheet1", "table 2"); "" for text


Block = Grid | Text
