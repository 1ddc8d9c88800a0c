"""Workbooks → blocks: every sheet of an `.xlsx`, `.xlsm`, `.ods` or `.xls` file, read as its user sees it.

- Values and merged ranges come from python-calamine (Rust's calamine: xlsx, xlsm, xls, ods).  A merged
  range is its top-left cell, and the positions it covers beyond it are cells with `merged=True` and no
  text, as a page's rowspan/colspan (budgetlint.containers.html): a level-1 cell over its rows reads as
  the pipe text's empty cells below it.
- What calamine does not give, openpyxl does, for `.xlsx`/`.xlsm` only: each cell's number format, and
  which cells hold a formula.  For `.ods`, whose merged ranges calamine does not give either, one pass
  over its content.xml (the standard library's iterparse) reads the spans, each number's format as its
  own cell text shows it, and formulas without a result.  For `.xls`, xlrd reads the number formats.
- A number is text as the sheet shows it: the stored value rounded (half away from zero, as Excel) to
  the decimals of its number format (`0.00` → 2, `#,##0.00` also groups thousands, `0.0%` is a
  percentage); in General format the shortest decimal of the value at Excel's 15 significant digits, so a float never shows a binary
  artefact (0.1 + 0.2 reads 0.3).  A date reads `2025年12月31日`, which the value reader knows.
- A formula is read by its cached result.  A formula without one (a file written by a library and
  never opened in an office program) is a BL004 finding ("formula-uncached") at its cell; it is never
  evaluated here.
- Bad files raise Unreadable, one line (budgetlint.io makes it an InputError): a corrupt zip, a
  password-protected workbook (an encrypted OLE container), a zip whose directory says it inflates
  past 200 MB or 100× the file (checked before anything is inflated: budgetlint.containers.archive,
  shared with Word files).
- Layout as a CSV export's: a row of one non-empty cell in the first column is a line of free text (a
  title, `单位：万元`), a row of empty cells a blank line, runs of rows a grid (Grid.place = the sheet).
- Positions: line = a running number, unique and increasing across the workbook (sheet 1's rows, a
  blank line, sheet 2's rows …: two sheets' findings never share a line), column = the column number
  (A = 1); Cell.place is the sheet's own `Sheet2!C12`, Text.place `Sheet2!A1` (budgetlint.places).
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import groupby

from budgetlint.containers.archive import OLE_MAGIC, Unreadable, check_zip, is_encrypted
from budgetlint.containers.text import classify
from budgetlint.grid import Cell, Grid, Row, Text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import IO

    from budgetlint.grid import Block

_FORMATS = (".xlsx", ".xlsm")  # the files openpyxl reads number formats and formulas from


class Workbook(list):
    """The blocks of a workbook (a list: read whole), and its formulas without a cached result
    (`uncached`: line, column, place, formula), which budgetlint.io makes findings (`findings`)."""

    def __init__(self) -> None:
        super().__init__()
        self.uncached: list[tuple[int, int, str, str]] = []
        self.findings: list = []


def column_name(column: int) -> str:
    """1 → A, 27 → AA."""
    name = ""
    while column:
        column, rest = divmod(column - 1, 26)
        name = chr(65 + rest) + name
    return name


def check_container(data: bytes, suffix: str) -> None:
    """Refuse, before anything is inflated, what cannot be read: raise Unreadable (one line)."""
    if data.startswith(OLE_MAGIC):
        if is_encrypted(data):
            raise Unreadable("password-protected workbook (an encrypted container): save it without a password")
        return  # an .xls (also under another name): calamine reads it
    check_zip(data, "workbook", suffix)


def read(data: bytes, suffix: str) -> Workbook:
    """The blocks of the workbook `data` (every sheet, in order); Unreadable for a file that cannot be read."""
    check_container(data, suffix)
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for meta in book.sheets_metadata:
            if str(meta.typ).rsplit(".", 1)[-1] not in ("WorkSheet", "Worksheet"):
                continue  # a chart sheet, a macro sheet: no cells to read
            sheet = book.get_sheet_by_name(meta.name)
            sheets.append((meta.name, sheet.to_python(skip_empty_area=False), sheet.merged_cell_ranges or []))
    except PasswordError:
        raise Unreadable("password-protected workbook: save it without a password") from None
    except (CalamineError, ValueError, OSError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise Unreadable(f"cannot read the workbook ({first})") from None
    details: dict[str, tuple[dict, dict, list]] = {}  # sheet → number formats, formulas, merged ranges
    try:
        if suffix.lower() in _FORMATS:
            details = _details(data, {name: len(values) for name, values, _ in sheets})
        elif suffix.lower() == ".ods":
            details = _ods_details(data)
        elif data.startswith(OLE_MAGIC):
            details = _xls_details(data)
    except (KeyError, SyntaxError, ValueError, zipfile.BadZipFile, OSError) as error:  # ParseError is a SyntaxError
        raise Unreadable(f"cannot read the workbook ({type(error).__name__}: {error})") from None
    out = Workbook()
    start = 1  # the line of the sheet's row 1
    for name, values, merged in sheets:
        formats, formulas, spans = details.get(name, ({}, {}, []))
        out.extend(_sheet_blocks(name, values, merged or spans, formats, formulas, out.uncached, start))
        height = max(len(values), max((row for row, _ in formulas), default=0))  # a formula past the values
        start += height + 1  # a blank line between sheets
    return out


def _xls_details(data: bytes) -> dict[str, tuple[dict, dict, list]]:
    """For each sheet of an Excel 97–2003 file: the number format of each numeric cell not in General
    (xlrd with formatting_info; calamine gives none for .xls).  Unreadable formats leave General."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True, logfile=io.StringIO())
    except Exception:  # xlrd refuses what calamine read (an .xls of a newer BIFF, a damaged style table)
        return {}
    out: dict[str, tuple[dict, dict, list]] = {}
    try:
        for index, name in enumerate(book.sheet_names()):
            sheet = book.sheet_by_index(index)
            formats: dict[tuple[int, int], str] = {}
            for r in range(sheet.nrows):
                types = sheet.row_types(r)
                for c, kind in enumerate(types):
                    if kind == xlrd.XL_CELL_NUMBER:
                        found = book.format_map.get(book.xf_list[sheet.cell_xf_index(r, c)].format_key)
                        if found is not None and found.format_str not in ("General", ""):
                            formats[r + 1, c + 1] = found.format_str
            out[name] = (formats, {}, [])
    finally:
        book.release_resources()
    return out


_OD_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OD_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_OD_NUMBERS = ("float", "percentage", "currency")


def _ods_details(data: bytes) -> dict[str, tuple[dict, dict, list]]:
    """For each table of an .ods (its content.xml, which calamine reads for values only): the format a
    number is shown in, as its cell's own text shows it (`860.00` → `0.00`, `1,250.5` → `#,##0.0`, `95.0%`
    → `0.0%`), the cells of a formula without a cached text, and the merged ranges (0-based, as calamine's).
    Repeated rows and cells (`number-rows-repeated`, a million empty rows) are counted, never expanded."""
    from xml.etree.ElementTree import iterparse

    out: dict[str, tuple[dict, dict, list]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("content.xml") as content:
        formats: dict = {}
        formulas: dict = {}
        merged: list = []
        row = column = 0
        for event, element in iterparse(content, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == _OD_TABLE + "table":
                    formats, formulas, merged = {}, {}, []
                    out[element.get(_OD_TABLE + "name", "")] = (formats, formulas, merged)
                    row = 0
                elif tag == _OD_TABLE + "table-row":
                    column = 0
                continue
            if tag == _OD_TABLE + "table-row":
                row += int(element.get(_OD_TABLE + "number-rows-repeated", "1"))
                element.clear()
            elif tag in (_OD_TABLE + "table-cell", _OD_TABLE + "covered-table-cell"):
                rows = int(element.get(_OD_TABLE + "number-rows-spanned", "1"))
                columns = int(element.get(_OD_TABLE + "number-columns-spanned", "1"))
                if rows > 1 or columns > 1:
                    merged.append(((row, column), (row + rows - 1, column + columns - 1)))
                shown = "".join(element.itertext()).strip()
                kind = element.get(_OD_OFFICE + "value-type")
                if kind in _OD_NUMBERS and shown:
                    formats[row + 1, column + 1] = _format_shown(shown)
                formula = element.get(_OD_TABLE + "formula")
                if formula and kind is None:
                    formulas[row + 1, column + 1] = formula
                column += int(element.get(_OD_TABLE + "number-columns-repeated", "1"))
                element.clear()
    return out


def _format_shown(shown: str) -> str:
    """The number format that shows a number as `shown` does (its decimals, groups and percent sign)."""
    digits = shown.rstrip("%").strip()
    point = max(digits.rfind("."), -1)
    decimals = 0
    if point >= 0:
        while point + 1 + decimals < len(digits) and digits[point + 1 + decimals].isdigit():
            decimals += 1
    return (
        ("#,##0" if "," in digits else "0") + ("." + "0" * decimals if decimals else "") + ("%" if "%" in shown else "")
    )


def _details(data: bytes, heights: dict[str, int] | None = None) -> dict[str, tuple[dict, dict, list]]:
    """For each sheet of an xlsx/xlsm: the number format of each numeric cell not in General format,
    and the formula of each formula cell, by (row, column), both 1-based (openpyxl, read-only).

    `heights`: for each sheet, its rows up to the last that holds a value (calamine's).  Rows past both
    it and the last formula (found by a byte scan of the sheet's XML) are not read: a million empty
    but formatted rows would cost openpyxl minutes, a cell object each."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception as error:  # openpyxl raises many kinds on a file calamine read: formats are then unknown
        raise Unreadable(f"cannot read the workbook's formats ({type(error).__name__}: {error})") from None
    out: dict[str, tuple[dict, dict, list]] = {}
    try:
        for sheet in book.worksheets:
            formats: dict[tuple[int, int], str] = {}
            formulas: dict[tuple[int, int], str] = {}
            last = None
            if heights is not None and sheet.title in heights:
                with book._archive.open(sheet._worksheet_path) as xml:
                    formula_row = last_formula_row(xml)
                if formula_row is not None:
                    last = max(heights[sheet.title], formula_row, 1)
            for row in sheet.iter_rows(max_row=last):
                for cell in row:
                    value = getattr(cell, "value", None)
                    if value is None:
                        continue
                    if isinstance(value, str):
                        if value.startswith("=") and getattr(cell, "data_type", "") == "f":
                            formulas[cell.row, cell.column] = value
                            number_format = cell.number_format
                            if number_format and number_format != "General":
                                formats[cell.row, cell.column] = number_format
                        continue
                    number_format = cell.number_format
                    if number_format and number_format != "General":
                        formats[cell.row, cell.column] = number_format
            out[sheet.title] = (formats, formulas, [])
    finally:
        book.close()
    return out


_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")
_CHUNK = 1 << 20


def _row_number(part: bytes, start: int, end: int) -> int | None:
    """The number of the last `<row>` opened in part[start:end]: 0 if none, None if it has no `r`."""
    at = part.rfind(b"<row", start, end)
    while at >= 0 and part[at + 4 : at + 5] not in (b" ", b">", b"\t", b"\n", b"\r", b"/"):  # <rowBreaks>
        at = part.rfind(b"<row", start, at)
    if at < 0:
        return 0
    tag = part[at : part.find(b">", at)]
    found = tag.find(b'r="')
    while found > 0 and tag[found - 1 : found] not in (b" ", b"\t", b"\n", b"\r"):  # not `spans="…"`
        found = tag.find(b'r="', found + 1)
    if found < 0:
        return None
    digits = tag[found + 3 : tag.find(b'"', found + 3)]
    return int(digits) if digits.isdigit() else None


def last_formula_row(xml: IO[bytes]) -> int | None:
    """The number of the last row of a sheet's XML that holds a formula (0: none), read a chunk at a
    time at C speed; None when it cannot be told (rows without their `r` number, a prefixed namespace)."""
    last_row = 0  # the last row opened before the position reached
    found = 0
    carry = b""
    while True:
        chunk = xml.read(_CHUNK)
        text = carry + chunk
        cut = len(text) if not chunk else max(text.rfind(b"<"), 0)  # a tag across two chunks waits for the next
        part = text[:cut]
        position = 0
        for formula in _FORMULA.finditer(part):
            row = _row_number(part, position, formula.start())
            if row is None:
                return None
            last_row = row or last_row
            if not last_row:
                return None  # a formula outside any row that can be told
            found = last_row
            position = formula.end()
        row = _row_number(part, position, len(part))
        if row is None:
            return None
        last_row = row or last_row
        carry = text[cut:]
        if not chunk:
            return found


def decimals_of(number_format: str) -> tuple[int, bool, bool] | None:
    """(decimals, grouped, percent) that `number_format` shows a number with, or None for General/text."""
    section = number_format.split(";", 1)[0]
    plain = []
    quoted = escaped = False
    bracket = False
    for ch in section:
        if escaped:
            escaped = False
        elif quoted:
            quoted = ch != '"'
        elif bracket:
            bracket = ch != "]"
        elif ch == '"':
            quoted = True
        elif ch == "\\":
            escaped = True
        elif ch == "[":
            bracket = True
        else:
            plain.append(ch)
    body = "".join(plain)
    if not any(ch in body for ch in "0#?"):
        return None  # General, @ (text), or a date format (dates come as dates)
    point = body.find(".")
    decimals = 0
    if point >= 0:
        for ch in body[point + 1 :]:
            if ch not in "0#?":
                break
            decimals += 1
    integer = body[: point if point >= 0 else len(body)]
    return decimals, "," in integer, "%" in body


def shown_number(value: float | int, number_format: str | None) -> str:
    """`value` as the sheet shows it in `number_format` (None: General)."""
    spec = decimals_of(number_format) if number_format else None
    if spec is None:
        if isinstance(value, int):
            return str(value)
        exact = Decimal(repr(float(f"{value:.15g}")))  # Excel's 15 digits, then the shortest decimal
        text = format(exact, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text or "0"
    decimals, grouped, percent = spec
    exact = Decimal(repr(value)) * (100 if percent else 1)
    rounded = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = format(rounded, ",f" if grouped else "f")
    return text + ("%" if percent else "")


def shown_value(value: object, number_format: str | None) -> str:
    """A cell's value as text the value reader reads as the user sees it."""
    if isinstance(value, str):
        return " ".join(part.strip() for part in value.split("\n") if part.strip()) if "\n" in value else value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return shown_number(value, number_format)
    if isinstance(value, datetime):
        value = value.date() if value.time() == time() else value
        if isinstance(value, datetime):
            return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if isinstance(value, timedelta):
        return str(value)
    return "" if value is None else str(value).strip()


def _sheet_blocks(
    name: str,
    values: list[list],
    merged: list,
    formats: dict[tuple[int, int], str],
    formulas: dict[tuple[int, int], str],
    uncached: list[tuple[int, int, str, str]],
    first: int = 1,
) -> Iterator[Block]:
    """The blocks of one sheet, its row r (0-based) on line `first + r`; its formulas without a cached
    result (wherever they are: in an otherwise empty row, past the last value) into `uncached`."""
    for (number, column), formula in formulas.items():
        row = values[number - 1] if number <= len(values) else ()
        if (row[column - 1] if column <= len(row) else "") == "":
            uncached.append((first + number - 1, column, f"{name}!{column_name(column)}{number}", formula))
    covered: set[tuple[int, int]] = set()  # 0-based positions a merged range covers beyond its first cell
    for (top, left), (bottom, right) in merged:
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                if (r, c) != (top, left):
                    covered.add((r, c))
    items: list[Row | Text] = []
    for r, row_values in enumerate(values):
        if row_values.count("") == len(row_values):
            continue  # a row of empty cells (a million formatted ones): a blank line, skipped at C speed
        number = r + 1  # the sheet's row number
        line = first + r
        cells = []
        for c, value in enumerate(row_values):
            column = c + 1
            place = f"{name}!{column_name(column)}{number}"
            if (r, c) in covered:
                cells.append(Cell("", line, column, column + 1, True, None, place))
                continue
            text = shown_value(value, formats.get((number, column)))
            cells.append(Cell(text, line, column, column + 1, False, None if value == "" else value, place))
        while cells and not cells[-1].text and not cells[-1].merged:
            cells.pop()  # the sheet's empty columns on the right
        filled = [cell for cell in cells if cell.text]
        if not filled:
            continue  # a row of empty cells: a blank line
        if len(filled) == 1 and filled[0] is cells[0]:  # a title (merged across the table or not), a unit line
            items.append(_line_block(cells[0].text, line, cells[0].place))
        else:
            items.append(Row(line, tuple(cells)))
    for is_row, run in groupby(items, key=lambda item: isinstance(item, Row)):
        if is_row:
            yield Grid(iter(list(run)), name)  # type: ignore[arg-type]  # a run of rows
        else:
            yield from run  # type: ignore[misc]  # a run of Text


def _line_block(text: str, number: int, place: str) -> Text:
    line = classify(text, number)
    if isinstance(line, Text) and line.kind in ("heading", "meta", "text", "directive", "comment"):
        return Text(line.kind, line.number, line.text, place)
    return Text("text", number, text, place)
