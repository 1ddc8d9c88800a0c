"""PDFs (issue 20): text PDFs with ruled tables, read by budgetlint.containers.pdf.

The example PDF (examples/formats/hunan-2025.pdf, written by tests/formats.py with reportlab) gives the
model and findings of the pipe text (tests/test_formats.py).  Here: a finding's cell is on its page and
its box holds the value's characters; a table split over pages continues its grid; merged cells are
read once; wrapped text is joined as a PDF reader joins it; a cell that cannot be read whole is BL004;
a scanned, an encrypted and a corrupt PDF are one line each, exit 2, and the next file is checked.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgetlint.cli import main
from budgetlint.containers import pdf as pdfc
from budgetlint.grid import Grid, Text
from budgetlint.io import blocks_of, read_source

FORMATS = ROOT / "examples" / "formats"
PDF = FORMATS / "hunan-2025.pdf"
PIPE = FORMATS / "hunan-2025.md"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def blocks(path: Path) -> list:
    """The blocks, each grid as ("grid", place, rows of cells): the rows read as they come (streamed)."""
    out: list = []
    for block in blocks_of(read_source(path)):
        if isinstance(block, Grid):
            out.append(("grid", block.place, [list(row.cells) for row in block.rows]))
        else:
            out.append(block)
    return out


def grids(path: Path) -> list:
    return [block for block in blocks(path) if not isinstance(block, Text)]


# ---------------------------------------------------------------- writing test PDFs (reportlab)
def _styles():
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=10.5, leading=16)
    cell = ParagraphStyle("cell", fontName="STSong-Light", fontSize=9, leading=12, wordWrap="CJK")
    return body, cell


def table(rows: list[list[str]], spans=(), widths=None, repeat: int = 0):
    """A ruled table (every cell bordered) of paragraphs, `spans` as ((column, row), (column, row))."""
    from reportlab.platypus import Paragraph, Table, TableStyle

    _, cell = _styles()
    data = [[Paragraph(text, cell) if text else "" for text in row] for row in rows]
    made = Table(data, colWidths=widths, repeatRows=repeat)
    made.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black")] + [("SPAN", a, b) for a, b in spans]))
    return made


def document(*flowables, pagesize=None) -> bytes:
    """A PDF of `flowables` (a str is a paragraph), as Word exports one."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    body, _ = _styles()
    story = [Paragraph(item, body) if isinstance(item, str) else item for item in flowables]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=pagesize or A4, invariant=1).build(story)
    return buffer.getvalue()


PROJECT = [
    ["项目名称", "示例项目", "", ""],
    ["年度资金总额", "10", "本级资金", "10"],
    ["项目总额", "10", "转移市县（区）资金", "0"],
]


# ---------------------------------------------------------------- the example
def test_the_cjk_text_of_stsong_light_reads_back_as_written():
    with pdfplumber.open(PDF) as pdf:
        text = pdf.pages[0].extract_text()
    assert "2025年度项目支出绩效目标申报表" in text and "部门：宁乡市交通运输局（示例）" in text
    assert "≥90%" in pdf_text(PDF) and "宁乡市公路建设养护中心" in pdf_text(PDF)


def pdf_text(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() for page in pdf.pages)


def test_a_finding_is_at_its_cell_on_its_page_and_the_box_holds_the_value(linter):
    source = read_source(PDF)
    document_, found = linter.check(blocks_of(source), str(PDF))
    (finding,) = found
    cell = next(
        cell
        for _, _, rows in grids(PDF)
        for row in rows
        for cell in row
        if (cell.line, cell.column) == (finding.span.line, finding.span.column)
    )
    assert cell.text == "860" and cell.place == "page 1" and cell.box is not None
    x0, top, x1, bottom = cell.box
    with pdfplumber.open(PDF) as pdf:
        page = pdf.pages[int(cell.place.split()[1]) - 1]
        inside = [
            c for c in page.chars if c["x0"] >= x0 and c["x1"] <= x1 and c["top"] >= top and c["bottom"] <= bottom
        ]
    assert "".join(c["text"] for c in inside) == "860"


def test_the_table_split_over_two_pages_continues_its_grid_without_its_repeated_heading():
    found = grids(PDF)
    assert len(found) == 2  # two projects, two grids: the second's rows on page 2 are not a third
    _, place, rows = found[1]
    assert place == "page 1"
    pages = [row[0].place for row in rows]
    assert pages[0] == "page 1" and pages[-1] == "page 2" and "page 2" in pages
    firsts = [row[0].text for row in rows]
    assert firsts.count("项目名称") == 1  # the heading row the page repeats is dropped
    assert [row[1].text for row in rows][5:7] == ["其他资金", "年度目标"]  # page 1's last row, page 2's first
    assert pages[5:7] == ["page 1", "page 2"]
    with pdfplumber.open(PDF) as pdf:  # the PDF itself: the heading row is on both pages
        assert all("项目名称 城乡客运一体化运营补贴" in page.extract_text() for page in pdf.pages[:2])


def test_line_numbers_run_over_the_whole_document_unique_and_increasing():
    numbers = []
    for block in blocks(PDF):
        if isinstance(block, Text):
            numbers.append(block.number)
        else:
            numbers.extend(row[0].line for row in block[2])
    assert numbers == sorted(set(numbers)) and numbers[0] == 1 and len(numbers) > 30


def test_merged_cells_are_read_once():
    _, _, rows = grids(PDF)[0]
    own = [cell.text for row in rows for cell in row if not cell.merged]
    assert own.count("产出指标") == 1 and own.count("绩效指标") == 1  # a cell over 6 and 10 rows
    column = [row[1] for row in rows if row[0].merged and row[1].merged]  # 5 rows under 产出指标, 1 under 效益指标
    assert len(column) == 6 and all(cell.text == "" for cell in column)
    heading = next(row for row in rows if row[0].text == "项目名称")
    assert [cell.merged for cell in heading] == [False, True, False, True, True, True]  # 项目名称 over two columns


def test_a_wrapped_cell_is_joined_as_a_pdf_reader_joins_it(tmp_path):
    with pdfplumber.open(PDF) as pdf:
        assert "年度资金总\n额" in pdf.pages[0].find_tables()[0].extract()[3][1]  # wrapped in its cell
    texts = [cell.text for _, _, rows in grids(PDF) for row in rows for cell in row]
    assert "年度资金总额" in texts and "资金情况（万元）" in texts  # CJK joined without a blank
    latin = document(table([["Project name", "alpha beta gamma delta epsilon"], ["x", "y"]], widths=[80, 60]))
    assert pdfc._joined("alpha beta\ngamma") == "alpha beta gamma" and pdfc._joined("年度资金总\n额") == "年度资金总额"
    assert pdfc._joined("2025年12月\n20日前") == "2025年12月20日前"
    path = tmp_path / "latin.pdf"
    path.write_bytes(latin)
    ((_, _, rows),) = grids(path)
    assert rows[0][1].text == "alpha beta gamma delta epsilon"


# ---------------------------------------------------------------- tables made here
def test_text_outside_the_tables_is_lines_of_text_in_page_order(tmp_path):
    path = tmp_path / "t.pdf"
    path.write_bytes(document("2024年度项目支出绩效目标表", "单位：万元", table(PROJECT), "（2024年度）"))
    found = blocks(path)
    assert [(b.kind, b.text) for b in found if isinstance(b, Text)] == [
        ("text", "2024年度项目支出绩效目标表"),
        ("meta", "单位：万元"),
        ("text", "（2024年度）"),
    ]
    assert [type(b).__name__ for b in found] == ["Text", "Text", "tuple", "Text"]  # a grid is a plain tuple here


def test_a_title_row_across_the_table_is_a_line_of_text(tmp_path):
    path = tmp_path / "t.pdf"
    path.write_bytes(document(table([["2024年项目支出绩效目标表", "", "", ""], *PROJECT], spans=[((0, 0), (3, 0))])))
    found = blocks(path)
    assert isinstance(found[0], Text) and found[0].text == "2024年项目支出绩效目标表"
    assert [row[0].text for row in found[1][2]] == ["项目名称", "年度资金总额", "项目总额"]


def long_project(rows: int) -> list[list[str]]:
    return [["项目名称", "示例项目", "", ""]] + [[f"指标{n}", f"{n}", "本级资金", "10"] for n in range(rows)]


def test_a_table_after_text_on_the_next_page_is_another_grid(tmp_path):
    from reportlab.platypus import PageBreak

    path = tmp_path / "t.pdf"
    # the same columns, but a title above the second part: another table
    path.write_bytes(document(table(PROJECT), PageBreak(), "第二个项目", table(PROJECT)))
    assert len(grids(path)) == 2
    path.write_bytes(document(table(long_project(80), repeat=1)))  # split by the page only: one grid
    ((_, _, rows),) = grids(path)
    assert [row[0].text for row in rows] == ["项目名称"] + [f"指标{n}" for n in range(80)]
    assert {row[0].place for row in rows} == {"page 1", "page 2", "page 3"}


def test_a_table_of_other_columns_at_the_top_of_the_next_page_is_another_grid(tmp_path):
    from reportlab.platypus import PageBreak

    path = tmp_path / "t.pdf"
    path.write_bytes(
        document(table(PROJECT, widths=[100, 100, 100, 100]), PageBreak(), table(PROJECT, widths=[80] * 4))
    )
    assert len(grids(path)) == 2


def test_a_pdf_is_read_page_by_page_each_page_released_before_the_next(tmp_path, monkeypatch):
    path = tmp_path / "t.pdf"
    path.write_bytes(document(table(long_project(150), repeat=1)))
    closed: list[int] = []
    real = pdfplumber.page.Page.close
    monkeypatch.setattr(pdfplumber.page.Page, "close", lambda page: (closed.append(page.page_number), real(page)))
    seen = []
    for block in blocks_of(read_source(path)):
        for row in block.rows:
            page = int(row.cells[0].place.split()[1])
            if page not in seen:
                seen.append(page)
                assert closed[-1] == page  # its page released as its rows are made, the next not yet read
    assert seen == [1, 2, 3, 4, 5] and closed[-5:] == [1, 2, 3, 4, 5]


def test_a_pdf_without_a_ruled_table_says_so(tmp_path):
    path = tmp_path / "notes.pdf"
    path.write_bytes(document("项目名称 示例项目", "年度资金总额 10"))
    done = run("check", str(path), "--format", "concise")
    assert done.exit_code == 2
    assert "no project table found (no ruled table in the PDF" in done.output


# ---------------------------------------------------------------- cells not read whole
def ruled(path: Path, strings: list[tuple[float, float, str]], encrypt=None) -> None:
    """A 3 × 4 ruled grid drawn on a canvas (cells 100 × 24 points from (50, 700) down) and `strings`
    at (x, baseline y) in it: text placed by hand, as some exporters place it."""
    from reportlab.pdfgen import canvas

    _styles()
    made = canvas.Canvas(str(path), invariant=1, encrypt=encrypt)
    made.grid([50, 150, 250, 350, 450], [700, 676, 652, 628])
    for x, y, text in strings:
        made.setFont("STSong-Light" if not text.isascii() else "Helvetica", 10)
        made.drawString(x, y, text)
    made.save()


CELLS = [
    (54, 684, "项目名称"),
    (154, 684, "示例项目"),
    (54, 660, "年度资金总额"),
    (254, 660, "本级资金"),
    (354, 660, "10"),
]
CELLS += [(54, 636, "项目总额"), (154, 636, "10"), (254, 636, "转移市县（区）资金"), (354, 636, "0")]


def test_a_number_that_crosses_its_border_is_bl004_never_read_in_part(tmp_path):
    path = tmp_path / "cut.pdf"
    cells = [cell for cell in CELLS if cell[2] != "本级资金"] + [(300, 660, "本级资金")]
    ruled(path, [*cells, (200, 660, "1234567890123")])  # 年度资金总额's value runs over into the next cell
    data = json.loads(run("check", str(path), "--format", "json", "--fail-on", "never").output)
    cut = [f for f in data["findings"] if f["code"] == "BL004"]
    assert {(f["line"], f["column"]) for f in cut} == {(2, 2), (2, 3)}  # both cells the number lies across
    assert all("crosses its border" in f["message"] for f in cut)
    ((_, _, rows),) = grids(path)
    assert rows[1][1].text == "" and rows[1][2].text == ""  # neither part read as the value
    assert not any(ch.isdigit() for ch in rows[1][1].text + rows[1][2].text)


def test_a_number_inside_its_cell_is_read(tmp_path):
    path = tmp_path / "whole.pdf"
    ruled(path, [*CELLS, (154, 660, "1234567")])
    data = json.loads(run("check", str(path), "--format", "json", "--fail-on", "never").output)
    assert not [f for f in data["findings"] if f["code"] == "BL004"]
    ((_, _, rows),) = grids(path)
    assert rows[1][1].text == "1234567" and rows[1][1].box == (150.0, 165.9, 250.0, 189.9)


def test_a_glyph_without_a_unicode_mapping_is_a_problem_of_its_cell():
    box = (0, 0, 100, 20)
    char = {"x0": 10, "x1": 19, "top": 5, "bottom": 14}
    assert pdfc._problem([{**char, "text": "8"}], box) == ""
    assert pdfc._problem([{**char, "text": "(cid:123)"}], box) == "pdf-unmapped"
    assert pdfc._problem([{**char, "text": "8", "x1": 104, "x0": 95}], box) == "pdf-cut"


# ---------------------------------------------------------------- files that cannot be read
def scanned(path: Path) -> None:
    """A scanned page: an image of a table, no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("L", (400, 200), 255)
    draw = ImageDraw.Draw(image)
    for x in range(0, 400, 100):
        draw.line([(x, 0), (x, 200)], fill=0)
    draw.text((10, 10), "860", fill=0)
    made = canvas.Canvas(str(path), invariant=1)
    made.drawImage(ImageReader(image), 50, 500, 400, 200)
    made.save()


def encrypted(user: str, rows: list[list[str]] | None = None) -> bytes:
    from reportlab.lib import pdfencrypt
    from reportlab.platypus import SimpleDocTemplate

    buffer = io.BytesIO()
    body, _ = _styles()
    SimpleDocTemplate(
        buffer, encrypt=pdfencrypt.StandardEncryption(user, "owner", canPrint=0, strength=128), invariant=1
    ).build([table(rows or PROJECT)])
    return buffer.getvalue()


def damaged_page_2() -> bytes:
    """The example with the filter of its last content stream (page 2's) misspelt: page 1 reads, page 2 fails
    while the grid it continues is being read."""
    data = PDF.read_bytes()
    at = data.rfind(b"/ASCII85Decode")
    return data[:at] + b"/ASCII85Decodf" + data[at + 14 :]


@pytest.mark.parametrize(
    "name, make, says",
    [
        ("scan.pdf", scanned, "no text layer (a scanned PDF, pages of images only): OCR is needed to read it"),
        ("secret.pdf", lambda path: path.write_bytes(encrypted("secret")), "password-protected PDF"),
        ("cut.pdf", lambda path: path.write_bytes(PDF.read_bytes()[:3000]), "corrupt PDF"),
        ("junk.pdf", lambda path: path.write_bytes("项目名称 | 示例".encode()), "corrupt PDF"),
        ("empty.pdf", lambda path: path.write_bytes(b""), "corrupt PDF"),
        ("page2.pdf", lambda path: path.write_bytes(damaged_page_2()), "corrupt PDF (Unsupported filter"),
    ],
)
def test_a_pdf_that_cannot_be_read_is_one_line_exit_2_and_the_next_file_is_checked(tmp_path, name, make, says):
    bad = tmp_path / name
    make(bad)
    done = run("check", str(bad), str(PIPE), "--format", "concise")
    assert done.exit_code == 2
    lines = done.output.splitlines()
    errors = [line for line in lines if line.startswith(str(bad))]
    assert len(errors) == 1 and says in errors[0], errors
    assert errors[0].startswith(f"{bad}:1:1: E000 ")
    assert [line.split(": ")[1].split()[0] for line in lines if "hunan-2025.md:" in line] == ["BL101"]


def test_a_pdf_with_permissions_only_opens_without_a_password_and_is_read(tmp_path):
    from reportlab.lib import pdfencrypt

    path = tmp_path / "restricted.pdf"
    # encrypted, the user password empty (printing forbidden): every PDF reader opens it
    ruled(path, [(54, 684, "Name"), (154, 684, "Demo")], pdfencrypt.StandardEncryption("", "owner", canPrint=0))
    ((_, _, rows),) = grids(path)
    assert [cell.text for cell in rows[0]] == ["Name", "Demo", "", ""]


def test_a_pdf_whose_text_is_glyphs_without_unicode_is_one_line(tmp_path):
    """pdfminer reads the CJK glyphs of reportlab's encrypted CID font as `(cid:n)`: no text to read."""
    path = tmp_path / "glyphs.pdf"
    path.write_bytes(encrypted("", PROJECT))
    done = run("check", str(path), str(PIPE), "--format", "concise")
    assert done.exit_code == 2
    assert f"{path}:1:1: E000 the text has no Unicode mapping" in done.output
    assert "hunan-2025.md:12:23: BL101" in done.output


def test_a_folder_picks_up_pdfs(tmp_path):
    (tmp_path / "a.pdf").write_bytes(PDF.read_bytes())
    data = json.loads(run("check", str(tmp_path), "--format", "json", "--fail-on", "never").output)
    assert data["summary"]["files"] == 1
    assert [(Path(f["path"]).name, f["code"], f["line"]) for f in data["findings"]] == [("a.pdf", "BL101", 8)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.one_of(
        st.binary(max_size=400),
        st.binary(max_size=400).map(lambda tail: b"%PDF-1.4\n" + tail),
        st.tuples(st.integers(0, 20000), st.binary(max_size=30)).map(
            lambda cut: PDF.read_bytes()[: cut[0]] + cut[1] + PDF.read_bytes()[cut[0] + len(cut[1]) :]
        ),
    )
)
def test_arbitrary_bytes_named_pdf_never_give_a_traceback(tmp_path, data):
    path = tmp_path / "x.pdf"
    path.write_bytes(data)
    done = run("check", str(path), "--format", "concise", "--fail-on", "never")
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exception
    assert "internal error" not in done.output and "Traceback" not in done.output
    assert done.exit_code in (0, 2)
