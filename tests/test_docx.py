"""Word files (issue 20): .docx read by budgetlint.containers.docx.

The example (examples/formats/hunan-2025.docx, python-docx; hunan-2025-libreoffice.docx, the same saved by
LibreOffice Writer) gives the model and findings of the pipe text (tests/test_formats.py).  Here: a
finding's place names the cell that holds its value, merged cells are read once, the paragraphs between
tables are read as text, line numbers name one place each, and bad files are one line, exit 2, the
other files still checked.
"""

from __future__ import annotations

import io
import json
import re
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT
from docx import Document
from hypothesis import given, settings
from hypothesis import strategies as st
from test_sheets import bomb_directory, one_line_and_the_next_checked, ratio_bomb

from budgetlint.cli import main
from budgetlint.containers import docx as docxc
from budgetlint.containers.archive import OLE_MAGIC
from budgetlint.grid import Grid, Text
from budgetlint.io import blocks_of, read_source

sys.path.insert(0, str(ROOT / "tests"))
import formats  # noqa: E402  (tests/formats.py)

FORMATS = ROOT / "examples" / "formats"
DOCX = FORMATS / "hunan-2025.docx"
SAVED = FORMATS / "hunan-2025-libreoffice.docx"
PIPE = FORMATS / "hunan-2025.md"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def document_bytes(fill) -> bytes:
    document = Document()
    fill(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def grids(blocks) -> list[list[list]]:
    return [[list(row.cells) for row in block.rows] for block in blocks if isinstance(block, Grid)]


def texts(data: bytes) -> list[list[list[str]]]:
    return [[[cell.text for cell in row] for row in grid] for grid in grids(docxc.read(data))]


def cell_at(path: Path, line: int, column: int):
    for grid in grids(blocks_of(read_source(path))):
        for row in grid:
            for cell in row:
                if (cell.line, cell.column) == (line, column) and not cell.merged:
                    return cell
    raise AssertionError(f"no cell at {line}:{column}")


# ---------------------------------------------------------------- positions
@pytest.mark.parametrize("path", [DOCX, SAVED], ids=["python-docx", "libreoffice"])
def test_a_finding_names_the_cell_that_holds_its_value(linter, path):
    _, found = linter.check(blocks_of(read_source(path)), str(path))
    assert [f.code for f in found] == ["BL101"]
    cell = cell_at(path, found[0].span.line, found[0].span.column)
    assert cell.place == "table 1, row 4, column 3" and cell.text == "860"
    # the place read back by python-docx: the grid position (its row.cells repeats merged cells)
    table, row, column = map(int, re.findall(r"\d+", cell.place))
    assert Document(str(path)).tables[table - 1].rows[row - 1].cells[column - 1].text == "860"


def test_the_command_line_names_the_place_of_the_cell():
    done = run("check", str(DOCX.relative_to(ROOT)), "--format", "concise")
    assert done.exit_code == 1
    assert done.output.startswith("examples/formats/hunan-2025.docx:table 1, row 4, column 3: BL101 ")
    data = json.loads(run("check", str(DOCX.relative_to(ROOT)), "--format", "json").output)
    (finding,) = [f for f in data["findings"] if f["code"] == "BL101"]
    assert (finding["line"], finding["column"]) == (8, 3)  # 4 paragraphs, then the table's 4th row


def test_line_numbers_are_unique_and_increasing_across_the_document():
    numbers = []
    for block in docxc.read(DOCX.read_bytes()):
        if isinstance(block, Text):
            numbers.append(block.number)
        else:
            for row in block.rows:
                numbers.append(row.number)
                assert {cell.line for cell in row.cells} == {row.number}
    assert (
        numbers == sorted(set(numbers)) and len(numbers) == 4 + 17 + 1 + 16
    )  # paragraphs, rows (the empty one skipped)
    assert numbers[:5] == [1, 2, 3, 4, 5]


def test_places_count_tables_rows_and_grid_columns():
    blocks = docxc.read(DOCX.read_bytes())
    assert [b.place for b in blocks if isinstance(b, Grid)] == ["table 1", "table 2"]
    second = grids(blocks)[1]
    assert [c.place for c in second[0]][:3] == [
        "table 2, row 1, column 1",
        "table 2, row 1, column 2",  # 项目名称 over two columns: the second is its merged continuation
        "table 2, row 1, column 3",
    ]
    assert [(c.text, c.merged) for c in second[0][:3]] == [
        ("项目名称", False),
        ("", True),
        ("城乡客运一体化运营补贴", False),
    ]


# ---------------------------------------------------------------- merged cells and text
def test_merged_cells_are_read_once_as_html_reads_spans():
    def fill(document):
        table = document.add_table(rows=3, cols=3)
        table.cell(0, 0).merge(table.cell(2, 0)).text = "产出指标"  # a level-1 cell merged down (vMerge)
        table.cell(0, 1).merge(table.cell(0, 2)).text = "数量指标"  # merged across (gridSpan)
        for row, column, text in ((1, 1, "a"), (1, 2, "1"), (2, 1, "b"), (2, 2, "2")):
            table.cell(row, column).text = text

    data = document_bytes(fill)
    (grid,) = grids(docxc.read(data))
    assert [[c.text for c in row] for row in grid] == [["产出指标", "数量指标", ""], ["", "a", "1"], ["", "b", "2"]]
    assert [[c.merged for c in row] for row in grid] == [
        [False, False, True],
        [True, False, False],
        [True, False, False],
    ]
    # python-docx's row.cells repeats the merged cell at every position it covers: three times here
    assert [c.text for row in Document(io.BytesIO(data)).tables[0].rows for c in row.cells].count("产出指标") == 3
    assert sum(c.text == "产出指标" for row in grid for c in row) == 1


def test_a_merged_level_1_cell_reads_as_the_pipe_texts_empty_cells(linter):
    text = (
        "| 项目名称 | 示例 |\n| 项目总额 | 10 | 年度资金总额 | 10 |\n\n"
        "| 一级指标 | 二级指标 | 三级指标 | 指标值 |\n"
        "| 产出指标 | 数量指标 | 培训人数 | 100人 |\n|  |  | 培训场次 | 5场 |\n|  | 质量指标 | 合格率 | ≥90% |\n"
    )
    path = Path("t.docx")
    data = formats.docx_document(text)
    assert re.search(rb"<w:vMerge/>", zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    document = linter.reader.read(docxc.read(data), str(path))
    pipe = linter.parse(text, "t.md")
    assert [(i.level1.name, i.level2.name, i.name, i.value.raw) for i in document.projects[0].indicators] == [
        (i.level1.name, i.level2.name, i.name, i.value.raw) for i in pipe.projects[0].indicators
    ]
    assert len(document.projects[0].indicators) == 3


def test_paragraphs_between_tables_are_read_as_text(linter):
    def fill(document):
        document.add_heading("部门项目支出绩效目标表", level=1)
        document.add_paragraph("（2023年度）")
        document.add_paragraph("单位：元")
        table = document.add_table(rows=2, cols=4)
        table.cell(0, 0).text = "项目名称"
        table.cell(0, 1).merge(table.cell(0, 3)).text = "示例"
        for column, text in enumerate(("项目总额", "1,000", "年度资金总额", "1,000")):
            table.cell(1, column).text = text

    blocks = docxc.read(document_bytes(fill))
    assert [(b.kind, b.text) for b in blocks if isinstance(b, Text)] == [
        ("text", "部门项目支出绩效目标表"),
        ("text", "（2023年度）"),
        ("meta", "单位：元"),
    ]
    (project,) = linter.reader.read(blocks, "t.docx").projects
    assert (project.fiscal_year, project.money_unit_text, project.amount("annual")) == (2023, "元", 1000)


def test_a_title_row_across_the_table_is_text_and_a_nested_table_a_grid_of_its_own():
    def fill(document):
        outer = document.add_table(rows=1, cols=1)
        cell = outer.cell(0, 0)
        cell.paragraphs[0].text = "单位：万元"
        inner = cell.add_table(rows=2, cols=2)
        inner.cell(0, 0).merge(inner.cell(0, 1)).text = "2024年项目支出绩效目标表"
        inner.cell(1, 0).text, inner.cell(1, 1).text = "项目名称", "甲"

    blocks = docxc.read(document_bytes(fill))
    assert [type(b).__name__ for b in blocks] == ["Text", "Text", "Grid"]
    assert [b.text for b in blocks if isinstance(b, Text)] == ["单位：万元", "2024年项目支出绩效目标表"]
    assert texts(document_bytes(fill)) == [[["项目名称", "甲"]]]
    assert blocks[2].place == "table 2"  # the layout table is table 1


def test_text_is_what_word_shows_with_changes_accepted():
    def fill(document):
        table = document.add_table(rows=1, cols=2)
        table.cell(0, 0).text = "项目名称"
        table.cell(0, 1).paragraphs[0].add_run("示例\t项目")
        table.cell(0, 1).add_paragraph("第二段")

    data = document_bytes(fill)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    w = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = parts["word/document.xml"]
    tracked = (
        b'<w:ins w:id="1" w:author="a"><w:r><w:t>(new)</w:t></w:r></w:ins>'
        b'<w:del w:id="2" w:author="a"><w:r><w:delText>(old)</w:delText></w:r></w:del>'
        b'<w:moveFrom w:id="3" w:author="a"><w:r><w:t>(moved away)</w:t></w:r></w:moveFrom>'
    )
    body = body.replace("第二段</w:t></w:r>".encode(), "第二段</w:t></w:r>".encode() + tracked, 1)
    assert w in body and tracked in body
    parts["word/document.xml"] = body
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    assert texts(out.getvalue()) == [[["项目名称", "示例 项目 第二段(new)"]]]


def with_body(body: str) -> bytes:
    """A Word file whose body is `body` (WordprocessingML, `w:` prefixed), in python-docx's package."""
    data = document_bytes(lambda document: None)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "word/document.xml":
                content = re.sub(rb"<w:body>.*</w:body>", f"<w:body>{body}</w:body>".encode(), content, flags=re.S)
            target.writestr(info.filename, content)
    return out.getvalue()


def tc(text: str, properties: str = "") -> str:
    return f"<w:tc><w:tcPr>{properties}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


def test_grid_before_legacy_hmerge_and_rows_in_content_controls_keep_their_columns():
    restart = tc("f", '<w:hMerge w:val="restart"/>')
    body = (
        "<w:tbl>"
        f"<w:tr>{tc('a')}{tc('b')}{tc('c')}</w:tr>"
        f'<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>{tc("d")}{tc("e")}</w:tr>'
        f"<w:tr>{restart}{tc('', '<w:hMerge/>')}{tc('g')}</w:tr>"
        f"<w:sdt><w:sdtContent><w:tr>{tc('h')}{tc('i')}{tc('j')}</w:tr></w:sdtContent></w:sdt>"
        "</w:tbl>"
    )
    (grid,) = grids(docxc.read(with_body(body)))
    assert [[(c.text, c.merged) for c in row] for row in grid] == [
        [("a", False), ("b", False), ("c", False)],
        [("", False), ("d", False), ("e", False)],  # gridBefore: an empty cell, d in column 2
        [("f", False), ("", True), ("g", False)],
        [("h", False), ("i", False), ("j", False)],
    ]
    assert grid[1][1].place == "table 1, row 2, column 2"


def test_spans_cannot_make_a_small_file_millions_of_cells(monkeypatch):
    monkeypatch.setattr(docxc, "SPAN_BUDGET", 0)
    monkeypatch.setattr(docxc, "SPAN_RATIO", 1)  # spans may make as many cells as the table has of its own
    row = "".join(tc(str(n), '<w:gridSpan w:val="9999"/>') for n in range(100))
    (grid,) = grids(docxc.read(with_body(f"<w:tbl><w:tr>{row}</w:tr></w:tbl>")))
    (cells,) = grid
    assert len(cells) <= 100 + 100 + docxc.MAX_SPAN  # the table's own cells, its budget, one span past it
    assert [c.text for c in cells if c.text][-1] == "99" and cells[1].merged  # spans first, every cell read
    assert docxc._number("9999", 1, 1) == docxc.MAX_SPAN == 63


@settings(max_examples=40)
@given(
    st.lists(
        st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn")) | st.sampled_from("\t\n|"), max_size=12),
        min_size=6,
        max_size=6,
    ),
    st.sampled_from([None, "down", "across"]),
)
def test_any_cell_text_reads_without_raising(cells, merge):
    def fill(document):
        table = document.add_table(rows=2, cols=3)
        if merge == "down":
            table.cell(0, 0).merge(table.cell(1, 0))
        elif merge == "across":
            table.cell(0, 0).merge(table.cell(0, 2))
        for index, text in enumerate(cells):
            table.cell(index // 3, index % 3).text = text
        document.add_paragraph(cells[0])

    blocks = docxc.read(document_bytes(fill))
    for grid in grids(blocks):
        for row in grid:
            for cell in row:
                assert cell.line >= 1 and cell.column >= 1 and cell.place.startswith("table ")
                assert cell.text == cell.text.strip() and "\n" not in cell.text


# ---------------------------------------------------------------- bad files
def encrypted() -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    with DOCX.open("rb") as plain:
        OOXMLFile(plain).encrypt("secret", out)  # Agile encryption, Word's own since 2010
    return out.getvalue()


def damaged_relationships() -> bytes:
    """A package whose relationships' root element is misspelt (python-docx raises AttributeError on it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(DOCX) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "_rels/.rels":
                content = content.replace(b"<Relationships ", b"<Relationshipz ").replace(
                    b"</Relationships>", b"</Relationshipz>"
                )
            target.writestr(info.filename, content)
    return out.getvalue()


def no_table() -> bytes:
    return document_bytes(lambda document: document.add_paragraph("2024年部门预算公开说明"))


@pytest.mark.parametrize(
    "name, data, says",
    [
        ("corrupt.docx", DOCX.read_bytes()[:3000], "corrupt Word document"),
        ("junk.docx", b"PK\x03\x04" + bytes(200), "corrupt Word document"),
        ("text.docx", "项目名称".encode(), "corrupt Word document (not a zip archive, as a .docx file is)"),
        ("bomb.docx", bomb_directory(), "refused: the Word document would inflate to 4,294,967,280 bytes"),
        ("ratio.docx", ratio_bomb(), "(more than 100× the file)"),
        ("secret.docx", encrypted(), "password-protected Word document (an encrypted container)"),
        ("old.docx", OLE_MAGIC + bytes(600), "a Word 97–2003 document (.doc), not a .docx"),
        ("sheet.docx", (FORMATS / "hunan-2025.xlsx").read_bytes(), "the package is not a Word document"),
        ("rels.docx", damaged_relationships(), "cannot read the Word document ("),
        ("notice.docx", no_table(), "no project table found (no table in the Word document)"),
    ],
)
def test_a_bad_word_file_is_one_line_exit_2_and_the_next_file_is_checked(tmp_path, name, data, says):
    one_line_and_the_next_checked(tmp_path / name, data, says)


# ---------------------------------------------------------------- folders
def test_a_folder_picks_up_word_files_and_the_config_applies(tmp_path):
    (tmp_path / "a.docx").write_bytes(DOCX.read_bytes())
    (tmp_path / "notice.docx").write_bytes(no_table())  # found in a folder: skipped with a note
    data = json.loads(run("check", str(tmp_path), "--format", "json", "--fail-on", "never").output)
    assert data["summary"]["files"] == 2 and data["errors"] == []
    assert [(Path(f["path"]).name, f["code"], f["line"]) for f in data["findings"]] == [("a.docx", "BL101", 8)]
    other = tmp_path / "other"  # (a folder's config is read once a process)
    other.mkdir()
    (other / "a.docx").write_bytes(DOCX.read_bytes())
    (other / "b.md").write_bytes(PIPE.read_bytes())
    (other / "budgetlint.toml").write_text('exclude = ["*.docx"]\n', encoding="utf-8")
    data = json.loads(run("check", str(other), "--format", "json", "--fail-on", "never").output)
    assert [(Path(f["path"]).name, f["code"]) for f in data["findings"]] == [("b.md", "BL101")]


# ---------------------------------------------------------------- LibreOffice
@pytest.mark.skipif(formats.soffice() is None, reason="LibreOffice is not installed (CI has none)")
def test_libreoffice_saves_what_is_committed():
    """LibreOffice's files are not the same bytes twice (it dates them): what they read as is compared."""

    def shown(name: str, data: bytes):
        path = Path("/nonexistent") / name
        if name.endswith(".docx"):
            blocks = docxc.read(data)
        else:
            from budgetlint.containers import sheet

            blocks = sheet.read(data, path.suffix)
        return [
            [(c.text, c.merged, c.place) for row in b.rows for c in row.cells] if isinstance(b, Grid) else b
            for b in blocks
        ]

    for name, data in formats.libreoffice_outputs().items():
        assert shown(name, data) == shown(name, (FORMATS / name).read_bytes()), name
