"""CSV and TSV files → blocks: Excel's and WPS's exports of a sheet.

The records are read by the standard library's csv module (Excel's dialect: `"` quotes a cell,
`""` is a quote inside it, a quoted cell may hold line breaks).  The delimiter is a TAB for
`.tsv`; for `.csv` a comma, unless the first record has TABs and no comma outside quotes (a
"Unicode text" export saved under .csv).  The encoding (UTF-8 with its BOM, "CSV UTF-8"; GBK, the
plain "CSV" of a Chinese Windows) is found by budgetlint.io as for any text file.

- A record of one non-empty cell, in the first column, is a line of free text (a title, `单位：万元`,
  `（2024年度）`): a sheet has no other place for them.  Records with more cells are rows; runs
  of rows make one grid, and a record of empty cells ends nothing (as a blank line in text).
- A line break inside a cell reads as one blank, as a PDF's does.
- Positions: each cell's line and column in the file (1-based; a quoted cell starts at its quote),
  so a finding points where an editor shows the value.
"""

from __future__ import annotations

import csv
from itertools import groupby

from budgetlint.containers.text import classify
from budgetlint.grid import Cell, Grid, Row, Text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

    from budgetlint.grid import Block


def delimiter_of(text: str, suffix: str) -> str:
    """TAB for .tsv; for .csv a comma, or a TAB when the first line has TABs and no comma outside quotes."""
    if suffix.lower() == ".tsv":
        return "\t"
    first = text[: text.find("\n")] if "\n" in text else text
    outside = "".join(first.split('"')[::2])  # the first line without its quoted parts
    return "\t" if "\t" in outside and "," not in outside else ","


def _starts(raw: str, delimiter: str) -> list[int]:
    """The offset in `raw` (one record as written, its line breaks included) where each field starts,
    by Excel's quoting: a field that starts with a quote runs to the quote not doubled."""
    starts = [0]
    position, end = 0, len(raw)
    while position <= end:
        if position < end and raw[position] == '"':
            position += 1
            while position < end:
                if raw[position] == '"':
                    if position + 1 < end and raw[position + 1] == '"':
                        position += 2
                        continue
                    break
                position += 1
        cut = raw.find(delimiter, position)
        if cut < 0:
            break
        position = cut + 1
        starts.append(position)
    return starts


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str], str]]:
    """(first line, fields, the record as written) for each record of `text`."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    consumed = 0

    def feed() -> Iterator[str]:
        nonlocal consumed
        for line in lines:
            consumed += 1
            yield line + "\n"

    reader = csv.reader(feed(), delimiter=delimiter, quotechar='"', doublequote=True, strict=False)
    before = 0
    for fields in reader:
        raw = "\n".join(lines[before:consumed])
        yield before + 1, fields, raw
        before = consumed


def _cells(first_line: int, fields: list[str], raw: str, delimiter: str) -> tuple[Cell, ...]:
    starts = _starts(raw, delimiter)
    if len(starts) != len(fields):  # a record the scanner reads otherwise than csv: positions at its start
        starts = [0] * len(fields)
    line_starts = [0] + [index + 1 for index, ch in enumerate(raw) if ch == "\n"]
    cells = []
    for index, (field, start) in enumerate(zip(fields, starts)):
        text = " ".join(part.strip() for part in field.split("\n") if part.strip()) if "\n" in field else field.strip()
        row = 0
        while row + 1 < len(line_starts) and line_starts[row + 1] <= start:
            row += 1
        column = start - line_starts[row]
        written = raw[start : starts[index + 1] - 1] if index + 1 < len(starts) else raw[start:]
        written = written.split("\n", 1)[0]
        if not written.startswith('"'):  # as the text container: the column of the first character
            column += len(written) - len(written.lstrip())
            written = written.strip()
        cells.append(Cell.plain(text, first_line + row, column + 1, column + 1 + max(len(written), 1)))
    return tuple(cells)


def _items(text: str, delimiter: str) -> Iterator[Row | Text]:
    for line, fields, raw in _records(text, delimiter):
        cells = _cells(line, fields, raw, delimiter)
        filled = [cell for cell in cells if cell.text]
        if not filled:
            continue  # a record of empty cells: a blank line
        if len(filled) == 1 and filled[0] is cells[0]:
            yield _line_block(cells[0].text, cells[0].line)
        else:
            yield Row(line, cells)


def _line_block(text: str, number: int) -> Text:
    line = classify(text, number)
    if isinstance(line, Text) and line.kind in ("heading", "meta", "text", "directive", "comment"):
        return line
    return Text("text", number, text)


def blocks(text: str, delimiter: str = ",") -> Iterator[Block]:
    """The blocks of CSV `text` ('\\n' line ends): lines of free text, and each run of rows a grid."""
    for is_row, run in groupby(_items(text, delimiter), key=lambda item: isinstance(item, Row)):
        if is_row:
            yield Grid(iter(list(run)))  # type: ignore[arg-type]  # a run of rows
        else:
            yield from run  # type: ignore[misc]  # a run of Text
