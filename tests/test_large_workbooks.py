"""A workbook of a million empty but formatted rows reads, and gives the findings of its table (issue 20).

How fast and in how much memory is benchmarks/read_formats.py's to say (goal: 10 s, 500 MB); here only
that it is read right: the table's BL101 at its cell, and a formula without a cached result in the very
last row still found (rows past the last value are not read cell by cell, but a formula's row is).
"""

from __future__ import annotations

import io
import json
import sys

import pytest
from click.testing import CliRunner
from conftest import ROOT

from budgetlint.cli import main
from budgetlint.containers.sheet import last_formula_row

sys.path.insert(0, str(ROOT / "benchmarks"))
import read_formats  # noqa: E402  (benchmarks/read_formats.py: the workbook the benchmark measures)

sys.path.insert(0, str(ROOT / "tests"))
import formats  # noqa: E402

pytestmark = pytest.mark.slow  # a 100 MB sheet is written and read


def places(path) -> list[tuple[str, str]]:
    data = json.loads(CliRunner().invoke(main, ["check", str(path), "--format", "json"]).stdout)
    assert not data["errors"]
    return [(f["code"], f["place"]) for f in data["findings"]]


def test_a_million_formatted_rows_of_xlsx(tmp_path):
    text = formats.SOURCE.read_text(encoding="utf-8")
    path = tmp_path / "million.xlsx"
    path.write_bytes(read_formats.formatted_rows(formats.xlsx_book(text), ".xlsx", level=1, formula="SUM(C9:C11)"))
    assert places(path) == [("BL101", "Sheet1!C9"), ("BL004", "Sheet1!G1000000")]


def test_a_million_formatted_rows_of_ods(tmp_path):
    text = formats.SOURCE.read_text(encoding="utf-8")
    path = tmp_path / "million.ods"
    path.write_bytes(read_formats.formatted_rows(formats.ods_book(text), ".ods"))
    assert places(path) == [("BL101", "Sheet1!C9")]


@pytest.mark.parametrize(
    "xml, row",
    [
        (
            b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="7"><c r="A7"><f>A1*2</f></c></row></sheetData>',
            7,
        ),
        (
            b'<sheetData><row r="1"><c r="A1"><f t="shared" ref="A1:A3" si="0">B1</f></c></row><row r="9"/></sheetData>',
            1,
        ),
        (b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row><rowBreaks/></sheetData>', 0),
        (b"<sheetData><row><c><f>A1</f></c></row></sheetData>", None),  # rows without numbers: read them all
        (b'<x:sheetData><x:row r="3"><x:c r="A3"><x:f>A1</x:f></x:c></x:row></x:sheetData>', None),  # prefixed
    ],
)
def test_the_last_formula_row(xml, row):
    assert last_formula_row(io.BytesIO(xml)) == row


def test_the_last_formula_row_across_chunks(monkeypatch):
    from budgetlint.containers import sheet

    monkeypatch.setattr(sheet, "_CHUNK", 7)  # every tag cut somewhere
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(1, 50))
    xml = b"<sheetData>" + rows + b'<row r="50"><c r="B50"><f>SUM(A1:A49)</f></c></row><row r="51" s="1"/></sheetData>'
    assert last_formula_row(io.BytesIO(xml)) == 50


def test_a_formula_past_the_values_keeps_the_lines_unique():
    """A formula without a cached result in an otherwise empty row, past the sheet's last value, is
    still BL004 at its cell; the next sheet's lines start after it."""
    from openpyxl import Workbook

    from budgetlint.containers import sheet
    from budgetlint.grid import Grid

    book = Workbook()
    first = book.active
    first.title = "Sheet1"
    first["A1"] = "年度：2025"
    first["C50"] = "=SUM(1,2)"  # openpyxl writes no cached result
    second = book.create_sheet("Sheet2")
    second.append(["项目名称", "乡村道路养护"])
    second.append(["主管部门", "宁乡市交通运输局"])
    buffer = io.BytesIO()
    book.save(buffer)
    read = sheet.read(buffer.getvalue(), ".xlsx")
    assert read.uncached == [(50, 3, "Sheet1!C50", "=SUM(1,2)")]
    lines = [row.number for block in read if isinstance(block, Grid) for row in block.rows]
    assert lines and min(lines) > 50
