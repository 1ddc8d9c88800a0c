"""Workbooks (issue 20): .xlsx/.xlsm/.ods/.xls read by budgetlint.containers.sheet.

The example workbook (examples/formats/hunan-2025.xlsx, written by tests/formats.py) gives the model and
findings of the pipe text (tests/test_formats.py); here: positions are cells (`Sheet1!C9`), numbers read
as their format shows them, dates as dates, a formula without a cached result is BL004, and bad files
(a corrupt zip, a zip bomb, an encrypted workbook) are one line, exit 2, the other files still checked.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT
from openpyxl import Workbook, load_workbook

from budgetlint.cli import main
from budgetlint.containers import sheet
from budgetlint.grid import Grid
from budgetlint.io import blocks_of, read_source

FORMATS = ROOT / "examples" / "formats"
XLSX = FORMATS / "hunan-2025.xlsx"
PIPE = FORMATS / "hunan-2025.md"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def cells(path: Path) -> dict[tuple[int, int], object]:
    """(line, column) → the cell there (its own cell, not a merged continuation)."""
    found = {}
    for block in blocks_of(read_source(path)):
        if isinstance(block, Grid):
            for row in block.rows:
                for cell in row.cells:
                    if not cell.merged:
                        found[cell.line, cell.column] = cell
    return found


def book_bytes(fill) -> bytes:
    book = Workbook()
    fill(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def texts(data: bytes, suffix: str = ".xlsx") -> dict[str, str]:
    """Place → text of every non-empty cell of the workbook `data`."""
    out = {}
    for block in sheet.read(data, suffix):
        if isinstance(block, Grid):
            for row in block.rows:
                for cell in row.cells:
                    if cell.text:
                        out[cell.place] = cell.text
        else:
            out[f"line {block.number}"] = block.text
    return out


# ---------------------------------------------------------------- positions
def test_a_finding_points_at_the_cell_of_its_value(linter):
    document, found = linter.check(blocks_of(read_source(XLSX)), str(XLSX))
    (finding,) = found
    cell = cells(XLSX)[finding.span.line, finding.span.column]
    assert (finding.code, cell.place, cell.text, cell.value) == ("BL101", "Sheet1!C9", "860.00", 860)
    assert (finding.span.line, finding.span.column, finding.span.end_column) == (9, 3, 4)


def test_merged_ranges_are_merged_cells_at_the_position_of_the_range():
    grid = [list(row.cells) for block in blocks_of(read_source(XLSX)) if isinstance(block, Grid) for row in block.rows]
    first = grid[0]  # 项目名称 over A6:B6, the name over C6:F6
    assert [(c.text, c.merged, c.place) for c in first] == [
        ("项目名称", False, "Sheet1!A6"),
        ("", True, "Sheet1!B6"),
        ("农村公路安全生命防护工程", False, "Sheet1!C6"),
        ("", True, "Sheet1!D6"),
        ("", True, "Sheet1!E6"),
        ("", True, "Sheet1!F6"),
    ]
    level1 = [row[1] for row in grid if row[0].place.endswith(("A15", "A16"))]  # 产出指标 over B14:B19
    assert [(c.text, c.merged) for c in level1] == [("", True), ("", True)]


def test_the_command_line_names_the_sheet_and_cell():
    done = run("check", str(XLSX), "--format", "concise")
    assert done.exit_code == 1
    assert (
        done.output.startswith("examples/formats/hunan-2025.xlsx:Sheet1!C9: BL101 ")
        or f"{XLSX}:Sheet1!C9: BL101 " in done.output
    )


# ---------------------------------------------------------------- numbers, dates
@pytest.mark.parametrize(
    "value, number_format, shown",
    [
        (123.5700000001, "0.00", "123.57"),  # a formula's float, shown with its format's 2 decimals
        (123.5700000001, None, "123.5700000001"),  # General: all of it (Excel shows 15 digits)
        (0.1 + 0.2, None, "0.3"),  # never 0.30000000000000004
        (0.1 + 0.2, "0.00", "0.30"),
        (2.675, "0.00", "2.68"),  # half away from zero on the decimal, as Excel (round(2.675, 2) is 2.67)
        (-2.675, "0.00", "-2.68"),
        (860, "0.00", "860.00"),
        (860.0, None, "860"),
        (860, None, "860"),
        (1250000, "#,##0.00", "1,250,000.00"),
        (0.955, "0.0%", "95.5%"),
        (0.9, "0%", "90%"),
        (1e-7, None, "0.0000001"),
        (1.5e16, None, "15000000000000000"),
        (12.345, '"¥"#,##0.0;[Red]-"¥"#,##0.0', "12.3"),  # quoted text and sections left out
        (7.5, "@", "7.5"),  # text format: General
        (7.5, "0.00_);(0.00)", "7.50"),
    ],
)
def test_a_number_reads_as_its_format_shows_it(value, number_format, shown):
    assert sheet.shown_number(value, number_format) == shown


def test_a_workbook_reads_floats_formats_and_dates_as_the_user_sees_them():
    def fill(book):
        ws = book.active
        ws["A1"], ws["B1"] = 123.5700000001, 123.5700000001
        ws["A1"].number_format = "0.00"
        ws["C1"] = 0.1 + 0.2
        ws["A2"], ws["B2"] = datetime(2025, 12, 31), date(2024, 2, 29)
        ws["A2"].number_format = ws["B2"].number_format = "yyyy-mm-dd"
        ws["C2"] = "a\nb"

    found = texts(book_bytes(fill))
    assert found["Sheet!A1"] == "123.57" and found["Sheet!B1"] == "123.5700000001" and found["Sheet!C1"] == "0.3"
    assert found["Sheet!A2"] == "2025年12月31日" and found["Sheet!B2"] == "2024年2月29日" and found["Sheet!C2"] == "a b"


def test_a_date_cell_is_read_as_a_date_by_the_value_reader(tmp_path, linter):
    book = load_workbook(XLSX)
    ws = book["Sheet1"]
    assert ws["E17"].value == "2025年11月30日前"
    ws["E17"] = datetime(2026, 3, 31)  # outside the fiscal year 2025: BL301
    ws["E17"].number_format = "yyyy/m/d"
    book.save(tmp_path / "t.xlsx")
    _, found = linter.check(blocks_of(read_source(tmp_path / "t.xlsx")), "t.xlsx")
    assert ("BL301", 17, 5) in [(f.code, f.span.line, f.span.column) for f in found]
    assert cells(tmp_path / "t.xlsx")[17, 5].text == "2026年3月31日"


def test_every_sheet_is_read(tmp_path, linter):
    book = load_workbook(XLSX)
    second = book.copy_worksheet(book["Sheet1"])
    second.title = "第二张"
    second["C10"] = 700.0  # 700 + 60 ≠ 860 on this sheet
    book.save(tmp_path / "two.xlsx")
    _, found = linter.check(blocks_of(read_source(tmp_path / "two.xlsx")), "two.xlsx")
    assert [(f.code, f.place, f.span.column, f.actual) for f in found] == [
        ("BL101", "Sheet1!C9", 3, "840"),
        ("BL101", "第二张!C9", 3, "760"),
    ]
    first, second = (f.span.line for f in found)
    assert first == 9 < second  # the second sheet's rows run on after the first's: no two share a line
    found_texts = texts((tmp_path / "two.xlsx").read_bytes())
    assert (found_texts["Sheet1!C10"], found_texts["第二张!C10"]) == ("780.00", "700.00")
    assert [b.place for b in blocks_of(read_source(tmp_path / "two.xlsx")) if isinstance(b, Grid)] == [
        "Sheet1",
        "Sheet1",
        "第二张",
        "第二张",
    ]


# ---------------------------------------------------------------- formulas
def test_a_formula_without_a_cached_result_is_a_finding_never_a_guess(tmp_path):
    book = load_workbook(XLSX)
    book["Sheet1"]["C9"] = "=C10+C11"  # openpyxl writes no cached result
    book.save(tmp_path / "f.xlsx")
    done = run("check", str(tmp_path / "f.xlsx"), "--format", "json", "--fail-on", "never")
    data = json.loads(done.output)
    (uncached,) = [f for f in data["findings"] if f["code"] == "BL004"]
    assert (uncached["line"], uncached["column"]) == (9, 3)
    assert "Sheet1!C9" in uncached["message"] and "=C10+C11" in uncached["message"]
    assert "BL101" not in [f["code"] for f in data["findings"]]  # 840 is never computed for 年度资金总额
    zh = json.loads(run("check", str(tmp_path / "f.xlsx"), "--format", "json", "--lang", "zh").output)
    assert any("没有缓存的计算结果" in f["message"] for f in zh["findings"])


def test_a_formula_with_a_cached_result_reads_its_result(tmp_path, linter):
    """As an office program saves it: <f> and <v> (the cached result) in the cell."""
    book = load_workbook(XLSX)
    book["Sheet1"]["C9"] = "=C10+C11"
    book.save(tmp_path / "f.xlsx")
    with zipfile.ZipFile(tmp_path / "f.xlsx") as source, zipfile.ZipFile(tmp_path / "g.xlsx", "w") as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert b"<f>C10+C11</f><v></v>" in body or b"<f>C10+C11</f><v />" in body
                body = body.replace(b"<f>C10+C11</f><v></v>", b"<f>C10+C11</f><v>860.0000000001</v>")
                body = body.replace(b"<f>C10+C11</f><v />", b"<f>C10+C11</f><v>860.0000000001</v>")
            target.writestr(info, body)
    _, found = linter.check(blocks_of(read_source(tmp_path / "g.xlsx")), "g.xlsx")
    assert [f.code for f in found] == ["BL101"] and cells(tmp_path / "g.xlsx")[9, 3].text == "860.00"


# ---------------------------------------------------------------- bad files
def bomb_directory() -> bytes:
    """A small zip whose central directory claims an entry of 4 GB (nothing in it inflates so far)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<worksheet/>")
    data = bytearray(buffer.getvalue())
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 0xFFFFFFF0)  # uncompressed size
    return bytes(data)


def ratio_bomb() -> bytes:
    """A real zip of 3 MB of zeros: a few KB, past 100× its size."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (3 * 1024 * 1024))
    return buffer.getvalue()


ENCRYPTED = sheet.OLE_MAGIC + bytes(504) + "EncryptionInfo".encode("utf-16-le") + bytes(1024)


@pytest.mark.parametrize(
    "name, data, says",
    [
        ("corrupt.xlsx", XLSX.read_bytes()[:3000], "corrupt workbook"),
        ("junk.xlsx", b"PK\x03\x04" + bytes(200), "corrupt workbook"),
        ("text.xlsx", "项目名称".encode(), "corrupt workbook"),
        (
            "bomb.xlsx",
            bomb_directory(),
            "refused: the workbook would inflate to 4,294,967,280 bytes (more than 200 MB)",
        ),
        ("ratio.ods", ratio_bomb(), "(more than 100× the file)"),
        ("secret.xlsx", ENCRYPTED, "password-protected workbook"),
        ("empty.xls", sheet.OLE_MAGIC + bytes(100), "cannot read the workbook"),
    ],
)
def test_a_bad_workbook_is_one_line_exit_2_and_the_next_file_is_checked(tmp_path, name, data, says):
    one_line_and_the_next_checked(tmp_path / name, data, says)


def one_line_and_the_next_checked(bad: Path, data: bytes, says: str) -> None:
    """`bad` (holding `data`) checked before the pipe example: exit 2, one line `bad:1:1: E000 …` saying
    `says` (never an internal error), and the example still checked (its BL101)."""
    bad.write_bytes(data)
    done = run("check", str(bad), str(PIPE), "--format", "concise")
    assert done.exit_code == 2
    lines = done.output.splitlines()
    errors = [line for line in lines if line.startswith(str(bad))]
    assert len(errors) == 1 and says in errors[0], errors
    assert errors[0].startswith(f"{bad}:1:1: E000 ") and "internal error" not in errors[0]
    assert [line.split(": ")[1].split()[0] for line in lines if "hunan-2025.md:" in line] == ["BL101"]


def test_a_workbook_encrypted_with_a_password_as_excel_does_is_one_line(tmp_path):
    from msoffcrypto.format.ooxml import OOXMLFile

    encrypted = io.BytesIO()
    with XLSX.open("rb") as plain:
        OOXMLFile(plain).encrypt("secret", encrypted)  # Agile encryption, Excel's own since 2010
    (tmp_path / "budget.xlsx").write_bytes(encrypted.getvalue())
    done = run("check", str(tmp_path / "budget.xlsx"), str(PIPE), "--format", "concise")
    assert done.exit_code == 2
    assert done.output.splitlines()[0] == (
        f"{tmp_path / 'budget.xlsx'}:1:1: E000 password-protected workbook (an encrypted container): "
        "save it without a password"
    )
    assert "hunan-2025.md:12:23: BL101" in done.output


def _read_docx(data: bytes) -> None:
    from budgetlint.containers import docx

    docx.read(data)


@pytest.mark.parametrize("read", [lambda data: sheet.check_container(data, ".xlsx"), _read_docx], ids=["xlsx", "docx"])
def test_the_zip_directory_is_checked_before_anything_is_inflated(monkeypatch, read):
    """Workbooks and Word files alike (budgetlint.containers.archive): refused from the directory alone."""
    data = bomb_directory()

    def inflate(*args, **kwargs):
        raise AssertionError("inflated")

    monkeypatch.setattr(zipfile.ZipFile, "read", inflate)
    monkeypatch.setattr(zipfile.ZipFile, "open", inflate)
    with pytest.raises(sheet.Unreadable, match="refused"):
        read(data)


def test_a_folder_picks_up_workbooks(tmp_path):
    for name in ("a.xlsx", "b.ods"):
        (tmp_path / name).write_bytes((FORMATS / ("hunan-2025" + Path(name).suffix)).read_bytes())
    data = json.loads(run("check", str(tmp_path), "--format", "json", "--fail-on", "never").output)
    assert data["summary"]["files"] == 2
    assert sorted((Path(f["path"]).name, f["code"], f["line"]) for f in data["findings"]) == [
        ("a.xlsx", "BL101", 9),
        ("b.ods", "BL101", 9),
    ]


def test_column_names():
    assert [sheet.column_name(n) for n in (1, 3, 26, 27, 52, 703)] == ["A", "C", "Z", "AA", "AZ", "AAA"]


# ---------------------------------------------------------------- OpenDocument
def ods(rows: str) -> bytes:
    """An .ods of one table `Sheet1` whose rows are `rows` (content.xml's table rows)."""
    import sys

    sys.path.insert(0, str(ROOT / "tests"))
    import formats

    content = formats.ODS_CONTENT.format(width=4, rows=rows)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", formats.ODS_MANIFEST)
        archive.writestr("content.xml", content)
    return buffer.getvalue()


def test_an_ods_reads_spans_formats_repeated_rows_and_uncached_formulas():
    data = ods(
        '<table:table-row><table:table-cell office:value-type="string" table:number-columns-spanned="2">'
        "<text:p>项目名称</text:p></table:table-cell><table:covered-table-cell/>"
        '<table:table-cell office:value-type="float" office:value="1250000.456"><text:p>1,250,000.46</text:p>'
        "</table:table-cell></table:table-row>"
        '<table:table-row table:number-rows-repeated="100000"><table:table-cell table:number-columns-repeated="4"/>'
        "</table:table-row>"
        '<table:table-row><table:table-cell office:value-type="percentage" office:value="0.955"><text:p>95.5%</text:p>'
        '</table:table-cell><table:table-cell table:formula="of:=[.A1]*2"/>'
        '<table:table-cell office:value-type="float" office:value="0.30000000000000004"><text:p>0.3</text:p>'
        "</table:table-cell></table:table-row>"
    )
    book = sheet.read(data, ".ods")
    grids = [[list(row.cells) for row in block.rows] for block in book if isinstance(block, Grid)]
    first = grids[0][0]
    assert [(c.text, c.merged, c.place) for c in first] == [
        ("项目名称", False, "Sheet1!A1"),
        ("", True, "Sheet1!B1"),
        ("1,250,000.46", False, "Sheet1!C1"),
    ]
    last = grids[0][1]  # the next row with text: rows of empty cells are blank lines, which end no grid
    assert [(c.text, c.line) for c in last if c.text] == [("95.5%", 100002), ("0.3", 100002)]
    assert book.uncached == [(100002, 2, "Sheet1!B100002", "of:=[.A1]*2")]


# ---------------------------------------------------------------- Excel 97–2003
def test_an_xls_reads_merged_ranges_and_number_formats():
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("表一")
    ws.write_merge(0, 0, 0, 1, "项目名称")
    ws.write(0, 2, 123.5700000001, xlwt.easyxf(num_format_str="0.00"))
    ws.write(1, 0, 0.1 + 0.2)
    ws.write(1, 1, 1250000, xlwt.easyxf(num_format_str="#,##0.00"))
    buffer = io.BytesIO()
    book.save(buffer)
    found = texts(buffer.getvalue(), ".xls")
    assert found == {"表一!A1": "项目名称", "表一!C1": "123.57", "表一!A2": "0.3", "表一!B2": "1,250,000.00"}
    (grid,) = [b for b in sheet.read(buffer.getvalue(), ".xls") if isinstance(b, Grid)]
    assert [c.merged for c in next(iter(grid.rows)).cells] == [False, True, False]
