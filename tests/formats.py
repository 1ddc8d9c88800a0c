"""Write examples/formats/: one document in every format budgetlint reads, from one pipe-text source.

    python tests/formats.py                 # rewrite the files written here (no LibreOffice needed)
    python tests/formats.py --libreoffice   # … and have LibreOffice save the .xls, .ods, *-libreoffice.*

The source is tests/data/templates/hunan-application-defect.md: the 湖南-style 绩效目标申报表 of
examples/templates (two projects) with its one seeded defect (财政拨款 780 + 其他资金 60 ≠ 年度资金总额
860: BL101).  Written here (`outputs()`, the same bytes on every run; CI checks they are these):

- `hunan-2025.md`: the pipe text itself;
- `hunan-2025.html`: the page a 部门预算公开 site publishes.  The document sits in a layout table (a
  table around the content, as many sites have), each project is one table of six columns: the
  label cells span columns (`项目名称` over two), the level-1 and level-2 indicator cells and the
  `资金情况（万元）` and `绩效指标` cells span rows, an empty cell is `&nbsp;`, a long label breaks
  with `<br>`, and the cells carry the width and style attributes of an office program's export;
- `hunan-2025.csv`: what Excel's "CSV UTF-8" export of that sheet gives: a byte-order mark, CRLF,
  every record as wide as the sheet, titles and `部门：` lines as records of one cell, a label
  with a line break inside its quoted cell;
- `hunan-2025.xlsx`: the sheet as a finance office lays out the form (openpyxl): the merged ranges
  of the page's rowspan/colspan (level-1 and level-2 cells merged over their rows, `项目名称` over
  two columns, the last cell of a short row over the columns left, the title across the sheet),
  money as numbers in the `0.00` format (it shows `860.00`), a wrapped label, no formula (openpyxl
  writes no cached result: a formula would read as BL004 "formula-uncached", as it should);
- `hunan-2025.docx`: the document as a Word file (python-docx): headings and `部门：` lines as
  paragraphs, each project one ruled table (style 'Table Grid') merged as the page's spans (level-1
  and level-2 cells merged down, `w:vMerge`; labels and values merged across, `w:gridSpan`).

Saved by LibreOffice (`libreoffice_outputs()`; LibreOffice 7.4, Debian's `apt-get install -y
--no-install-recommends libreoffice-calc libreoffice-writer`), as a user's office program saves them.
The xlsx given to it is the one above with formulas (the second project's 年度资金总额 is
`=SUM(C29:C30)`, without a cached result), in a fresh profile set to recalculate on load; for each
output, in a folder of its own:

    soffice --headless -env:UserInstallation=file:///tmp/…/profile --convert-to xls  --outdir … hunan-2025.xlsx
    soffice --headless -env:UserInstallation=file:///tmp/…/profile --convert-to ods  --outdir … hunan-2025.xlsx
    soffice --headless -env:UserInstallation=file:///tmp/…/profile --convert-to xlsx --outdir … hunan-2025.xlsx
    soffice --headless -env:UserInstallation=file:///tmp/…/profile --convert-to docx --outdir … hunan-2025.docx

- `hunan-2025.xls`, `hunan-2025.ods`: the sheet as Excel 97–2003 and OpenDocument, the formula's result
  computed and cached by LibreOffice;
- `hunan-2025-libreoffice.xlsx`: the xlsx re-saved, its formula with a cached result;
- `hunan-2025-libreoffice.docx`: the Word file re-saved by LibreOffice Writer.

CI has no LibreOffice: these are committed, and no test needs soffice (the regeneration test skips
without it).  `ods_book` and `xls_book` write the sheet without LibreOffice (the OpenDocument XML here,
xlwt for .xls), for benchmarks/read_formats.py and tests/test_formats.py.

Written here as well, with no office program:

- `hunan-2025.txt`: the document as TAB text, as a PDF extraction or a spreadsheet copy gives it (the
  seed's layout): each row's cells joined by TABs, the lines of text kept;
- `hunan-2025.pdf`: the document as Word or WPS exports it to PDF (reportlab, a test dependency): its
  titles and `部门：` lines as paragraphs, each project one ruled table (`GRID`) with the page's spans
  (`SPAN`: level-1 and level-2 indicator cells over their rows, labels over columns), each cell's text
  wrapping in its cell, in the CID font STSong-Light (its CJK text is what pdfplumber reads back), and
  the second table running onto page 2 with its first row repeated there (`repeatRows`).  Written
  with `invariant=1`: the same bytes on every run.

tests/test_formats.py holds that each gives the same model and findings as the pipe text, that
each finding points at the cell of its value, and that the files written here are what this script
writes.
"""

from __future__ import annotations

import csv
import io
import re
import sys
import zipfile
from datetime import datetime
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from budgetlint.containers.text import TextRow, iter_lines  # noqa: E402

SOURCE = ROOT / "tests" / "data" / "templates" / "hunan-application-defect.md"
OUT = ROOT / "examples" / "formats"
STEM = "hunan-2025"
BREAKS = {"资金情况（万元）": "资金情况<br>（万元）", "项目负责人及电话": "项目负责人<br>及电话"}


def sections(text: str) -> list[tuple[str, object]]:
    """The source as ("line", Text) and ("table", rows of cell texts): each table from its 项目名称 row
    to the next line of text, the blank line and the `|---|` row inside it dropped."""
    out: list[tuple[str, object]] = []
    table: list[list[str]] | None = None
    for line in iter_lines(text):
        if isinstance(line, TextRow):
            if table is None:
                table = []
                out.append(("table", table))
            table.append([cell.text for cell in line.cells])
        elif line.kind == "separator":
            continue
        else:
            table = None
            out.append(("line", line))
    return out


def layout(rows: list[list[str]]) -> list[list[tuple[str, int, int]]]:
    """Each row's cells as (text, rowspan, colspan) as a published page has them: an empty cell before
    any text in its row is covered by the cell above it (a rowspan), the last cell of a short row
    spans the columns left, and in a two-cell row of a wide table the label spans two columns."""
    width = max(len(row) for row in rows)
    placed: list[list[list]] = []
    owner: dict[int, list] = {}  # column → the cell covering it in the row above
    for row in rows:
        out: list[list] = []
        leading = True
        taken = 0
        for column, text in enumerate(row):
            above = owner.get(column)
            if leading and not text and above is not None and above[2] == 1:
                above[1] += 1  # covered by the cell above
                taken += 1
                continue
            leading = False
            out.append([text, 1, 1, column])
        if len(row) == 2 and width >= 6 and not taken:
            out[0][2] = 2
        out[-1][2] += width - taken - sum(cell[2] for cell in out)
        column = 0
        for cell in out:
            column = cell[3] if cell[3] > column else column
            for offset in range(cell[2]):
                owner[column + offset] = cell
            column += cell[2]
        placed.append(out)
    return [[(text, rowspan, colspan) for text, rowspan, colspan, _ in row] for row in placed]


def html_page(text: str) -> str:
    title = "项目支出绩效目标表"
    lines = [
        "<!DOCTYPE html>",
        "<html>",
        "<head>",
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">',
        f"<title>{title}</title>",
        "<style>td { border: 1px solid #000; font-size: 10.5pt; }</style>",
        "</head>",
        "<body>",
        '<table class="layout" width="100%" border="0" cellspacing="0" cellpadding="0">',
        '<tr><td align="center">',
    ]
    for kind, item in sections(text):
        if kind == "line":
            line = item.text  # type: ignore[attr-defined]
            if item.kind == "comment":  # type: ignore[attr-defined]
                lines.append(line)
            elif line.startswith("## "):
                lines.append(f"<h2>{escape(line[3:])}</h2>")
            elif line.startswith("# "):
                lines.append(f'<h1 style="text-align:center">{escape(line[2:])}</h1>')
            else:
                lines.append(f"<p>{escape(line)}</p>")
            continue
        lines.append('<table border="1" cellspacing="0" cellpadding="4" style="border-collapse:collapse">')
        for row in layout(item):  # type: ignore[arg-type]
            cells = []
            for text, rowspan, colspan in row:
                attributes = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (
                    f' colspan="{colspan}"' if colspan > 1 else ""
                )
                body = BREAKS.get(text) or escape(text) or "&nbsp;"
                cells.append(f'<td width="{96 * colspan}" valign="middle"{attributes}>{body}</td>')
            # the first cell beside its <tr>, the others a line each (an office program's export)
            lines.append("  <tr>" + cells[0])
            lines.extend("    " + cell for cell in cells[1:])
            lines.append("  </tr>")
        lines.append("</table>")
    lines += ["</td></tr>", "</table>", "</body>", "</html>"]
    return "\n".join(lines) + "\n"


def csv_sheet(text: str) -> bytes:
    parts = sections(text)
    width = max(len(row) for kind, item in parts if kind == "table" for row in item)  # type: ignore[union-attr]
    records: list[list[str]] = []
    for kind, item in parts:
        if kind == "line":
            if item.kind == "comment":  # type: ignore[attr-defined]
                continue  # a sheet has no comments
            line = item.text.lstrip("#").strip()  # type: ignore[attr-defined]
            if line.startswith(("部门", "年度")) and records and any(records[-1]):
                pass
            else:
                records.append([""] * width)  # the blank row before a title, as a sheet is laid out
            records.append([line] + [""] * (width - 1))
            continue
        for row in item:  # type: ignore[union-attr]
            cells = [cell.replace("资金情况（万元）", "资金情况\n（万元）") for cell in row]
            records.append(cells + [""] * (width - len(cells)))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(records[1:] if not any(records[0]) else records)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def tab_text(text: str) -> bytes:
    """The document as a PDF extraction or a spreadsheet copy gives it: the lines of text kept, each row
    of a table its cells joined by TABs (merged cells as the page's empty ones), CRLF line ends."""
    out: list[str] = []
    for kind, item in sections(text):
        if kind == "line":
            out.append(item.text)  # type: ignore[attr-defined]
            continue
        out.extend("\t".join(row) for row in item)  # type: ignore[union-attr]
        out.append("")
    return ("\r\n".join(out) + "\r\n").encode("utf-8")


MONEY = re.compile(r"\d+(?:\.\d+)?")


def sheet_cells(text: str) -> tuple[int, list[tuple[int, int, object, int, int]]]:
    """The sheet's width and its cells as (row, column, value, rows, columns) (1-based; a money cell's
    value a float; a merged range's first cell with its size), laid out as the page's table."""
    parts = sections(text)
    width = max(len(row) for kind, item in parts if kind == "table" for row in item)  # type: ignore[union-attr]
    out: list[tuple[int, int, object, int, int]] = []
    number = 0
    for kind, item in parts:
        if kind == "line":
            if item.kind == "comment":  # type: ignore[attr-defined]
                continue
            line = item.text.lstrip("#").strip()  # type: ignore[attr-defined]
            title = not line.startswith(("部门", "年度"))
            if title and number:
                number += 1  # a blank row before a title
            number += 1
            out.append((number, 1, line, 1, width if title else 1))
            continue
        top = number + 1
        covered: set[tuple[int, int]] = set()
        for offset, row in enumerate(layout(item)):  # type: ignore[arg-type]
            number = top + offset
            column = 1
            for cell_text, rowspan, colspan in row:
                while (number, column) in covered:
                    column += 1
                value: object = float(cell_text) if MONEY.fullmatch(cell_text) else cell_text
                if cell_text == "资金情况（万元）":
                    value = "资金情况\n（万元）"  # a label wrapped in its cell
                out.append((number, column, value, rowspan, colspan))
                covered.update((number + r, column + c) for r in range(rowspan) for c in range(colspan) if r or c)
                column += colspan
    return width, out


def xlsx_book(text: str, formulas: bool = False) -> bytes:
    """The workbook (see the module's docstring), its bytes the same on every run.  With `formulas`, a
    年度资金总额 that its two parts make is `=SUM(…)` of their cells (no cached result: for LibreOffice
    to compute); a total that is not their sum (the seeded defect) stays a number, as typed by hand."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    book = Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    cells = sheet_cells(text)[1]
    at = {(row, column): value for row, column, value, _, _ in cells}
    for row, column, value, rows, columns in cells:
        if formulas and at.get((row, column - 1)) == "年度资金总额":
            parts = (at.get((row + 1, column)), at.get((row + 2, column)))
            if all(isinstance(part, float) for part in parts) and sum(parts) == value:  # type: ignore[arg-type]
                value = f"=SUM({column_letter(column)}{row + 1}:{column_letter(column)}{row + 2})"
        cell = sheet.cell(row, column, value)
        if isinstance(value, float) or str(value).startswith("=SUM("):
            cell.number_format = "0.00"
        elif "\n" in str(value):
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        if rows > 1 or columns > 1:
            sheet.merge_cells(
                start_row=row, start_column=column, end_row=row + rows - 1, end_column=column + columns - 1
            )
    book.properties.created = book.properties.modified = FIXED
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_dates(buffer.getvalue())


def column_letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column)


def xls_book(text: str) -> bytes:
    """The same sheet as an Excel 97–2003 `.xls` (xlwt): merged ranges and money in `0.00`, as the xlsx."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    money = xlwt.easyxf(num_format_str="0.00")
    wrapped = xlwt.easyxf("align: wrap on, vert centre")
    plain = xlwt.Style.default_style
    for row, column, value, rows, columns in sheet_cells(text)[1]:
        style = money if isinstance(value, float) else wrapped if "\n" in str(value) else plain
        if rows > 1 or columns > 1:
            sheet.write_merge(row - 1, row + rows - 2, column - 1, column + columns - 2, value, style)
        else:
            sheet.write(row - 1, column - 1, value, style)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


ODS_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet><table:table table:name="Sheet1">'
    '<table:table-column table:number-columns-repeated="{width}"/>{rows}'
    "</table:table></office:spreadsheet></office:body></office:document-content>"
)
ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def ods_book(text: str) -> bytes:
    """The same sheet as OpenDocument, its XML written here (without LibreOffice): a merged range is a cell with
    number-rows/columns-spanned and covered cells, a money cell a float whose text shows `860.00`."""
    width, cells = sheet_cells(text)
    at = {(row, column): (value, rows, columns) for row, column, value, rows, columns in cells}
    covered = {
        (row + r, column + c) for row, column, _, rows, columns in cells for r in range(rows) for c in range(columns)
    }
    last = max(row for row, *_ in cells)
    out = []
    for row in range(1, last + 1):
        parts = []
        for column in range(1, width + 1):
            if (row, column) in at:
                value, rows, columns = at[row, column]
                spans = (f' table:number-rows-spanned="{rows}"' if rows > 1 else "") + (
                    f' table:number-columns-spanned="{columns}"' if columns > 1 else ""
                )
                if isinstance(value, float):
                    body = f'office:value-type="float" office:value="{value:g}"{spans}><text:p>{value:.2f}</text:p>'
                else:
                    paragraphs = "".join(f"<text:p>{escape(part)}</text:p>" for part in str(value).split("\n"))
                    body = f'office:value-type="string"{spans}>{paragraphs}'
                parts.append(f"<table:table-cell {body}</table:table-cell>")
            elif (row, column) in covered:
                parts.append("<table:covered-table-cell/>")
            else:
                parts.append("<table:table-cell/>")
        out.append("<table:table-row>" + "".join(parts) + "</table:table-row>")
    content = ODS_CONTENT.format(width=width, rows="".join(out))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        stamp = FIXED.timetuple()[:6]
        archive.writestr(zipfile.ZipInfo("mimetype", stamp), "application/vnd.oasis.opendocument.spreadsheet")
        for name, body in (("META-INF/manifest.xml", ODS_MANIFEST), ("content.xml", content)):
            info = zipfile.ZipInfo(name, stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, body)
    return buffer.getvalue()


def table_cells(rows: list[list[str]]) -> tuple[int, list[tuple[int, int, str, int, int]]]:
    """A table's width and its cells as (row, column, text, rows, columns) (0-based; a merged range's first
    cell with its size), laid out as the page's table (see layout)."""
    width = max(len(row) for row in rows)
    out = []
    covered: set[tuple[int, int]] = set()
    for number, row in enumerate(layout(rows)):
        column = 0
        for text, rowspan, colspan in row:
            while (number, column) in covered:
                column += 1
            out.append((number, column, text, rowspan, colspan))
            covered.update((number + r, column + c) for r in range(rowspan) for c in range(colspan) if r or c)
            column += colspan
    return width, out


def docx_document(text: str) -> bytes:
    """The document as a Word file (python-docx), as a finance office writes the form: the headings and
    `部门：` lines as paragraphs, each project one ruled table ('Table Grid') merged as the page's spans
    (`w:vMerge` down, `w:gridSpan` across), a wrapped label as a line break in its cell, an empty
    paragraph after each table.  Its zip entries carry a fixed date, so the file is the same on every run."""
    from docx import Document

    document = Document()
    for kind, item in sections(text):
        if kind == "line":
            if item.kind == "comment":  # type: ignore[attr-defined]
                continue  # a Word file has no comments of this kind
            line = item.text  # type: ignore[attr-defined]
            if line.startswith("#"):
                level = len(line) - len(line.lstrip("#"))
                document.add_heading(line.lstrip("#").strip(), level=level)
            else:
                document.add_paragraph(line)
            continue
        width, cells = table_cells(item)  # type: ignore[arg-type]
        table = document.add_table(rows=max(row + rows for row, _, _, rows, _ in cells), cols=width)
        table.style = "Table Grid"
        for row, column, cell_text, rows, columns in cells:
            cell = table.cell(row, column)
            if rows > 1 or columns > 1:
                cell = cell.merge(table.cell(row + rows - 1, column + columns - 1))
            cell.text = cell_text.replace("资金情况（万元）", "资金情况\n（万元）")  # a label wrapped by a line break
        document.add_paragraph()
    document.core_properties.created = document.core_properties.modified = FIXED
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_dates(buffer.getvalue())


PDF_COLUMNS = [56, 62, 70, 116, 92, 85]  # points: the six columns across A4 between margins of 2 cm


def pdf_document(text: str) -> bytes:
    """The document as a PDF exported from Word or WPS (reportlab, a test dependency; see the module's docstring)."""
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=10.5, leading=16)
    cell = ParagraphStyle("cell", fontName="STSong-Light", fontSize=9, leading=12, wordWrap="CJK")
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=24, alignment=TA_CENTER, spaceAfter=8)
    heading = ParagraphStyle("heading", parent=body, fontSize=12, leading=18, spaceBefore=8, spaceAfter=4)
    story: list = []
    for kind, item in sections(text):
        if kind == "line":
            if item.kind == "comment":  # type: ignore[attr-defined]
                continue  # a PDF has no comments
            line = item.text  # type: ignore[attr-defined]
            if line.startswith("## "):
                story.append(Paragraph(escape(line[3:]), heading))
            elif line.startswith("# "):
                story.append(Paragraph(escape(line[2:]), title))
            else:
                story.append(Paragraph(escape(line), body))
            continue
        rows = layout(item)  # type: ignore[arg-type]
        width = max(sum(colspan for _, _, colspan in row) for row in rows)
        data: list[list[object]] = [[""] * width for _ in rows]
        spans = []
        taken: set[tuple[int, int]] = set()
        for r, row in enumerate(rows):
            column = 0
            for cell_text, rowspan, colspan in row:
                while (r, column) in taken:
                    column += 1
                data[r][column] = Paragraph(escape(cell_text), cell)
                if rowspan > 1 or colspan > 1:
                    spans.append(("SPAN", (column, r), (column + colspan - 1, r + rowspan - 1)))
                taken.update((r + a, column + b) for a in range(rowspan) for b in range(colspan))
                column += colspan
        # the first row repeated at the top of each page the table runs onto, as Word's "repeat as header row"
        table = Table(data, colWidths=PDF_COLUMNS, repeatRows=1)
        table.setStyle(
            TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), *spans])
        )
        story.append(table)
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, invariant=1, title="项目支出绩效目标申报表").build(story)
    return buffer.getvalue()


FIXED = datetime(2025, 1, 1)


def _fixed_dates(data: bytes) -> bytes:
    """The zip `data` again with every entry dated FIXED (openpyxl dates them now)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, FIXED.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            body = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps `modified` with the time of saving
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2025-01-01T00:00:00Z", body)
            target.writestr(fixed, body)
    return out.getvalue()


def outputs() -> dict[str, bytes]:
    text = SOURCE.read_text(encoding="utf-8")
    return {
        f"{STEM}.md": text.encode("utf-8"),
        f"{STEM}.html": html_page(text).encode("utf-8"),
        f"{STEM}.txt": tab_text(text),
        f"{STEM}.csv": csv_sheet(text),
        f"{STEM}.xlsx": xlsx_book(text),
        f"{STEM}.docx": docx_document(text),
        f"{STEM}.pdf": pdf_document(text),
    }


# ---------------------------------------------------------------- saved by LibreOffice
# What LibreOffice saves (see the module's docstring): output name → (the input written here, the
# format LibreOffice converts it to).  The xlsx given to it holds formulas without a cached result.
SAVED = {
    f"{STEM}.xls": ("xlsx", "xls"),
    f"{STEM}.ods": ("xlsx", "ods"),
    f"{STEM}-libreoffice.xlsx": ("xlsx", "xlsx"),
    f"{STEM}-libreoffice.docx": ("docx", "docx"),
}
# A profile that recalculates every formula on load, whatever the file says and whoever wrote it (Calc's
# default asks, or trusts an Excel file's cached results); see soffice's Tools ▸ Options ▸ Calc ▸ Formula.
RECALCULATE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">\
<value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">\
<value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str | None:
    """LibreOffice's command, if it is installed."""
    import shutil

    return shutil.which("soffice") or shutil.which("libreoffice")


def libreoffice_outputs(text: str | None = None) -> dict[str, bytes]:
    """The files LibreOffice saves from the xlsx (with formulas) and the docx written here (see SAVED)."""
    import subprocess
    import tempfile

    command = soffice()
    if command is None:
        raise SystemExit("LibreOffice is not installed (apt-get install libreoffice-calc libreoffice-writer)")
    text = SOURCE.read_text(encoding="utf-8") if text is None else text
    inputs = {"xlsx": xlsx_book(text, formulas=True), "docx": docx_document(text)}
    out: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / "profile" / "user").mkdir(parents=True)
        (work / "profile" / "user" / "registrymodifications.xcu").write_text(RECALCULATE, encoding="utf-8")
        for kind, data in inputs.items():
            (work / f"{STEM}.{kind}").write_bytes(data)
        for name, (kind, target) in SAVED.items():
            saved = work / target / kind  # a folder of its own: xlsx → xlsx keeps the file's name
            saved.mkdir(parents=True)
            subprocess.run(
                [
                    command,
                    "--headless",
                    f"-env:UserInstallation={(work / 'profile').as_uri()}",
                    "--convert-to",
                    target,
                    "--outdir",
                    str(saved),
                    str(work / f"{STEM}.{kind}"),
                ],
                check=True,
                capture_output=True,
                timeout=300,
            )
            out[name] = (saved / f"{STEM}.{target}").read_bytes()
    return out


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, data in outputs().items():
        (OUT / name).write_bytes(data)
    if "--libreoffice" in sys.argv[1:]:
        for name, data in libreoffice_outputs().items():
            (OUT / name).write_bytes(data)


if __name__ == "__main__":
    main()
