"""HTML pages and CSV/TSV files (issue 20): each container gives the grid the pipe text gives.

examples/formats/ holds one document (two projects of the 湖南-style 申报表, one seeded defect) as
pipe text, as a published HTML page and as Excel's CSV export, all written by tests/formats.py.
Every format must give the same model and the same findings, each finding at the cell that holds
its value: in a page, the line and column of that cell's start tag.
"""

from __future__ import annotations

import html as htmllib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st

from budgetlint.cli import main
from budgetlint.containers import csv as csvc
from budgetlint.containers import html
from budgetlint.containers.text import TextBlocks
from budgetlint.grid import Grid, Text
from budgetlint.io import blocks_of, container_of, read_source
from budgetlint.model import to_data

sys.path.insert(0, str(ROOT / "tests"))
import formats  # noqa: E402  (tests/formats.py)

FORMATS = ROOT / "examples" / "formats"
PIPE = FORMATS / "hunan-2025.md"
OTHERS = ["hunan-2025.txt", "hunan-2025.html", "hunan-2025.csv", "hunan-2025.xlsx", "hunan-2025.ods", "hunan-2025.xls"]
# Word files: written by python-docx, and the same saved by LibreOffice (as are the .ods and .xls above, and
# an xlsx whose formulas LibreOffice computed); tests/formats.py --libreoffice writes them.
OTHERS += ["hunan-2025.docx", "hunan-2025-libreoffice.docx", "hunan-2025-libreoffice.xlsx"]
OTHERS += ["hunan-2025.pdf"]  # a PDF exported from Word or WPS: ruled tables (budgetlint.containers.pdf)
POSITIONS = ("span", "label_span", "line", "column", "end_line", "end_column", "where", "path")


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def grids(blocks) -> list[list[list]]:
    """Each grid's rows as lists of cells (the rows read once: the grid's rows are an iterator)."""
    return [[list(row.cells) for row in block.rows] for block in blocks if isinstance(block, Grid)]


def cells_of(path: Path) -> dict[tuple[int, int], str]:
    """(line, column) → the text of the cell that starts there (its own cell, not a merged continuation)."""
    found: dict[tuple[int, int], str] = {}
    for grid in grids(blocks_of(read_source(path))):
        for row in grid:
            for cell in row:
                if not cell.merged:
                    found.setdefault((cell.line, cell.column), as_written(cell.text))
    return found


def model(linter, path: Path):
    return linter.reader.read(blocks_of(read_source(path)), str(path))


def pipe_model(linter, name: str):
    """The model of the pipe text as the format shows it: a sheet shows money in the format `0.00`
    (`860.00`, and `0.00`, an amount, where the text's `0` reads as 不适用)."""
    text = PIPE.read_text(encoding="utf-8")
    if name.endswith((".xlsx", ".ods", ".xls")):  # (a Word file shows the text as typed)
        text = re.sub(r"(?<=\| )(\d+)(?= \|)", r"\1.00", text)
    return linter.parse(text, str(PIPE))


def as_written(text: str) -> str:
    """A money cell as the pipe text writes it: a sheet shows 860 in the format `0.00` as 860.00."""
    return text[:-3] if re.fullmatch(r"\d+\.00", text) else text


def without_positions(data):
    """The model's data without positions, and labels without the blanks a line break inside a cell leaves."""
    if isinstance(data, dict):
        out = {key: without_positions(value) for key, value in data.items() if key not in POSITIONS}
        if isinstance(out.get("label"), str):
            out["label"] = out["label"].replace(" ", "")
        return out
    if isinstance(data, list):
        return [without_positions(value) for value in data]
    return data


def findings(linter, path: Path):
    document, found = linter.check(blocks_of(read_source(path)), str(path))
    return found


# ---------------------------------------------------------------- the example in every format
def test_the_examples_are_what_the_script_writes():
    for name, data in formats.outputs().items():
        assert (FORMATS / name).read_bytes() == data, f"{name}: run python tests/formats.py"


def test_the_example_page_has_spans_as_published_pages_have_them():
    page = (FORMATS / "hunan-2025.html").read_text(encoding="utf-8")
    assert re.search(r'rowspan="6">产出指标<', page)  # a level-1 cell over its rows
    assert re.search(r'rowspan="3">资金情况<br>', page)
    assert re.search(r'colspan="2">项目名称<', page)  # a label over two columns
    assert "&nbsp;" in page and '<table class="layout"' in page


@pytest.mark.parametrize("name", OTHERS)
def test_each_format_gives_the_model_of_the_pipe_text(linter, name):
    pipe, other = pipe_model(linter, name), model(linter, FORMATS / name)
    assert [p.name for p in other.projects] == ["农村公路安全生命防护工程", "城乡客运一体化运营补贴"]
    assert [len(p.indicators) for p in other.projects] == [9, 8]
    assert [(p.amount("annual"), p.amount("appropriation")) for p in other.projects] == [
        (p.amount("annual"), p.amount("appropriation")) for p in pipe.projects
    ]
    assert [[(i.name, i.value.raw) for i in p.indicators] for p in other.projects] == [
        [(i.name, i.value.raw) for i in p.indicators] for p in pipe.projects
    ]
    assert without_positions([to_data(p) for p in other.projects]) == without_positions(
        [to_data(p) for p in pipe.projects]
    )
    assert dict(other.metadata).keys() == dict(pipe.metadata).keys()


@pytest.mark.parametrize("name", OTHERS)
def test_each_format_gives_the_findings_of_the_pipe_text_at_the_same_cells(linter, name):
    def shown(path: Path):
        cells = cells_of(path)
        return sorted((f.code, cells.get((f.span.line, f.span.column))) for f in findings(linter, path))

    assert shown(PIPE) == [("BL101", "860")]  # the seeded defect, at the total it breaks
    assert shown(FORMATS / name) == shown(PIPE)


def test_a_finding_in_a_page_points_at_the_start_tag_of_its_cell(linter):
    path = FORMATS / "hunan-2025.html"
    lines = path.read_text(encoding="utf-8").split("\n")
    found = findings(linter, path)
    assert found
    for finding in found:
        line = lines[finding.span.line - 1]
        tag = line[finding.span.column - 1 :]
        assert tag.startswith("<td"), (finding.code, line)
        body = re.match(r"<td[^>]*>(.*?)</td>", tag)
        assert body is not None and htmllib.unescape(body.group(1)) == "860"
        assert finding.span.end_column == finding.span.column + len(tag[: tag.index(">") + 1])  # the start tag


def test_a_finding_in_a_csv_points_at_its_field(linter):
    path = FORMATS / "hunan-2025.csv"
    lines = path.read_text(encoding="utf-8-sig").split("\n")
    (finding,) = findings(linter, path)
    assert lines[finding.span.line - 1][finding.span.column - 1 :].startswith("860,")
    assert finding.span.line == 10  # the 3rd line of the 2nd table's records: a quoted label with a line break above


def test_the_command_line_reads_every_format_of_a_folder():
    done = run("check", str(FORMATS), "--format", "json", "--fail-on", "never")
    data = json.loads(done.output)
    assert data["summary"]["files"] == 11 and not data["errors"]
    assert sorted((Path(f["path"]).suffix, f["code"]) for f in data["findings"]) == [
        (".csv", "BL101"),
        (".docx", "BL101"),
        (".docx", "BL101"),
        (".html", "BL101"),
        (".md", "BL101"),
        (".ods", "BL101"),
        (".pdf", "BL101"),
        (".txt", "BL101"),
        (".xls", "BL101"),
        (".xlsx", "BL101"),
        (".xlsx", "BL101"),
    ]


def test_findings_in_a_page_or_a_sheet_offer_no_text_edit(tmp_path):
    text = formats.SOURCE.read_text(encoding="utf-8").replace("≥90%", ">=90%")  # BL802, a safe fix in text
    (tmp_path / "t.md").write_text(text, encoding="utf-8")
    (tmp_path / "t.html").write_text(formats.html_page(text), encoding="utf-8")
    (tmp_path / "t.csv").write_bytes(formats.csv_sheet(text))
    data = json.loads(run("check", str(tmp_path), "--format", "json", "--fail-on", "never").output)
    bl802 = sorted((Path(f["path"]).suffix, "fix" in f) for f in data["findings"] if f["code"] == "BL802")
    # a page or a sheet is never rewritten: the edit of a start tag's span would break it
    assert bl802 == [(".csv", False), (".html", False), (".md", True)]


# ---------------------------------------------------------------- HTML
def page(body: str, head: str = '<meta charset="utf-8">') -> str:
    return f"<html><head>{head}</head><body>\n{body}\n</body></html>\n"


def texts(blocks) -> list[list[str]]:
    return [[cell.text for cell in row] for grid in grids(blocks) for row in grid]


def test_rowspan_and_colspan_are_expanded_as_merged_cells():
    blocks = list(
        html.blocks(
            page(
                "<table>\n"
                '<tr><td rowspan="2">1-产出指标</td><td colspan="2">a</td><td>x</td></tr>\n'
                "<tr><td>b</td><td>c</td><td>y</td></tr>\n"
                "</table>"
            )
        )
    )
    (grid,) = grids(blocks)
    assert [[cell.text for cell in row] for row in grid] == [["1-产出指标", "a", "", "x"], ["", "b", "c", "y"]]
    assert [[cell.merged for cell in row] for row in grid] == [[False, False, True, False], [True, False, False, False]]
    assert grid[1][0].line == grid[0][0].line == 3  # a continuation points at the cell it continues
    assert (grid[1][1].line, grid[1][1].column) == (4, 5)


def test_spans_are_clipped_as_html_clips_them():
    grid = texts(
        html.blocks(
            page(
                "<table>"
                '<tr><td rowspan="0">a</td><td rowspan="99">b</td><td colspan="x">c</td></tr>'
                "<tr><td>d</td></tr><tr><td>e</td></tr>"
                "</table>"
            )
        )
    )
    # rowspan=0 runs to the end of the table; rowspan=99 stops there too; no rows are made for them
    assert grid == [["a", "b", "c"], ["", "", "d"], ["", "", "e"]]
    wide = texts(html.blocks(page('<table><tr><td colspan="5000">a</td><td>b</td></tr></table>')))
    assert len(wide[0]) == html.MAX_COLSPAN + 1 and wide[0][-1] == "b"


def test_spans_cannot_make_a_small_page_millions_of_cells():
    rows = "<tr><td>x</td></tr>" * 2000
    made = texts(
        html.blocks(page(f'<table><tr><td rowspan="65534" colspan="1000">a</td><td>b</td></tr>{rows}</table>'))
    )
    assert len(made) == 2001  # every row is read…
    # …its spans within the budget (checked a row at a time), then its own cells
    assert sum(map(len, made)) <= html.SPAN_BUDGET + html.SPAN_RATIO * 2002 + 1001 + 2002
    assert made[-1] == ["x"]  # past it, with its own cells only
    assert made[1][:2] == ["", ""] and made[1][-1] == "x"  # before it, spans expanded


def test_nbsp_br_and_blanks_read_as_a_browser_shows_them():
    grid = texts(
        html.blocks(
            page(
                "<table><tr><td>资金情况<br>（万元）</td><td>&nbsp;</td><td> 年度\n   资金<b>总额</b> </td></tr></table>"
            )
        )
    )
    assert grid == [["资金情况 （万元）", "", "年度 资金总额"]]


def test_a_nested_layout_table_is_read_as_its_own_grid():
    blocks = list(
        html.blocks(
            page(
                '<table class="layout"><tr><td>\n<h1>2024年部门项目支出绩效目标表</h1>\n'
                "<table><tr><td>项目名称</td><td>甲</td></tr></table>\n"
                "<p>单位：元</p>\n"
                "<table><tr><td>项目名称</td><td>乙</td></tr></table>\n"
                "</td></tr></table>"
            )
        )
    )
    kinds = [type(block).__name__ for block in blocks]
    assert kinds == ["Text", "Grid", "Text", "Grid"]  # the outer table is no grid; its text is free text
    assert texts(blocks) == [["项目名称", "甲"], ["项目名称", "乙"]]  # nothing of one glued into another
    assert [b.text for b in blocks if isinstance(b, Text)] == ["2024年部门项目支出绩效目标表", "单位：元"]
    assert [b.kind for b in blocks if isinstance(b, Text)] == ["text", "meta"]


def test_text_between_tables_is_read_by_the_reader(linter):
    table = (
        "<table><tr><td>项目名称</td><td>示例</td></tr>"
        "<tr><td>项目总额</td><td>1,000</td><td>年度资金总额</td><td>1,000</td></tr></table>"
    )
    body = f"<h1>部门项目支出绩效目标表</h1><p>（2023年度）</p><p>单位：<span>元</span></p>{table}"
    document = linter.reader.read(html.blocks(page(body)), "t.html")
    (project,) = document.projects
    assert project.fiscal_year == 2023
    assert project.money_unit_text == "元"
    assert project.amount("annual") == 1000  # in 元, as the line above the table says


def test_title_rows_inside_a_table_are_read_as_text(linter):
    body = (
        "<table>"
        '<tr><td colspan="4">2023年部门项目支出绩效目标表</td></tr>'
        '<tr><td colspan="4">单位：元</td></tr>'
        '<tr><td>项目名称</td><td colspan="3">示例</td></tr>'
        "<tr><td>项目总额</td><td>1,000</td><td>年度资金总额</td><td>1,000</td></tr>"
        '<tr><td colspan="2">其他资金</td><td colspan="2"></td></tr>'
        "</table>"
    )
    blocks = list(html.blocks(page(body)))
    assert [type(block).__name__ for block in blocks] == ["Text", "Text", "Grid"]
    assert texts(blocks)[-1] == ["其他资金", "", "", ""]  # one label over half the row: a row still
    document, found = linter.check(html.blocks(page(body)), "t.html")
    (project,) = document.projects
    assert (project.fiscal_year, project.money_unit_text, project.amount("annual")) == (2023, "元", 1000)
    assert not [f for f in found if f.code == "BL007"]


def test_unclosed_cells_and_rows_end_where_the_next_begins():
    assert texts(html.blocks(page("<table><tr><td>a<td>b<tr><td>c</table><p>after</p>"))) == [["a", "b"], ["c"]]


def test_a_directive_comment_suppresses_as_in_text(linter):
    body = (
        "<!-- budgetlint: disable-file=BL101 -->\n"
        + (FORMATS / "hunan-2025.html").read_text(encoding="utf-8").split("<body>", 1)[1].split("</body>")[0]
    )
    document, found = linter.check(html.blocks(page(body)), "t.html")
    assert [f.code for f in found if f.code.startswith("BL1")] == []
    assert len(document.projects) == 2


@pytest.mark.parametrize("declared", ["gb2312", "GBK", "gb18030"])
def test_a_page_in_gbk_is_read_by_its_meta_charset(tmp_path, linter, declared):
    text = (FORMATS / "hunan-2025.html").read_text(encoding="utf-8").replace("charset=utf-8", f"charset={declared}")
    path = tmp_path / "page.htm"
    path.write_bytes(text.encode("gbk"))
    source = read_source(path)
    assert source.encoding == "gb18030" and source.container == "html"
    assert [p.name for p in model(linter, path).projects] == ["农村公路安全生命防护工程", "城乡客运一体化运营补贴"]


def test_a_byte_order_mark_wins_over_the_meta_charset(tmp_path):
    path = tmp_path / "page.html"
    path.write_bytes(b"\xef\xbb\xbf" + page("<p>单位：元</p>", '<meta charset="gbk">').encode("utf-8"))
    assert read_source(path).encoding == "utf-8-sig"
    assert "单位：元" in read_source(path).text


def test_a_page_that_declares_its_charset_wrongly_is_read_as_any_text(tmp_path):
    path = tmp_path / "page.html"
    path.write_bytes(page("<p>单位：万元，部门项目支出绩效目标表</p>", '<meta charset="utf-8">').encode("gbk"))
    source = read_source(path)
    assert source.encoding == "gb18030" and "单位：万元" in source.text


def test_declared_charsets():
    assert html.declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=GB2312" />') == "gb18030"
    assert html.declared_charset(b"<META CHARSET=utf-8>") == "utf-8"
    assert html.declared_charset(b'<meta charset="utf-16">') is None
    assert html.declared_charset(b'<meta name="keywords" content="charset">') is None
    assert html.declared_charset(b"<p>no meta</p>") is None


@given(st.text(alphabet="<>/=\"' tdrhablecospn&;#x0123456789项目名称\n", max_size=300))
def test_any_text_reads_as_a_page_without_raising(text):
    for block in html.blocks(text):
        if isinstance(block, Grid):
            for row in block.rows:
                assert all(cell.line >= 1 and cell.column >= 1 for cell in row.cells)


# ---------------------------------------------------------------- CSV and TSV
def test_quoted_cells_with_line_breaks_keep_their_positions():
    text = 'title,,\n项目名称,"示例,项目",\n"资金情况\n（万元）",年度资金总额,"1,000"\n'
    blocks = list(csvc.blocks(text, ","))
    assert isinstance(blocks[0], Text) and blocks[0].text == "title"
    (grid,) = grids(blocks)
    assert [[c.text for c in row] for row in grid] == [
        ["项目名称", "示例,项目", ""],
        ["资金情况 （万元）", "年度资金总额", "1,000"],
    ]
    assert [(c.line, c.column) for c in grid[1]] == [(3, 1), (4, 7), (4, 14)]


def test_the_delimiter_of_a_file():
    assert csvc.delimiter_of("a\tb\n", ".tsv") == "\t"
    assert csvc.delimiter_of("a\tb\n", ".csv") == "\t"  # a "Unicode text" export saved as .csv
    assert csvc.delimiter_of('"a\tb",c\n', ".csv") == ","
    assert csvc.delimiter_of("a,b\tc\n", ".csv") == ","


def test_excel_csv_in_gbk_and_a_tsv_read_as_the_utf8_csv(tmp_path, linter):
    text = (FORMATS / "hunan-2025.csv").read_text(encoding="utf-8-sig")
    gbk = tmp_path / "sheet.csv"
    gbk.write_bytes(text.encode("gbk"))
    tsv = tmp_path / "sheet.tsv"
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t", lineterminator="\r\n").writerows(csv.reader(io.StringIO(text)))
    tsv.write_text(buffer.getvalue(), encoding="utf-8")
    want = [to_data(p) for p in model(linter, FORMATS / "hunan-2025.csv").projects]
    for path in (gbk, tsv):
        assert without_positions([to_data(p) for p in model(linter, path).projects]) == without_positions(want)
    assert read_source(gbk).encoding == "gb18030"
    assert [f.code for f in findings(linter, tsv)] == ["BL101"]


def test_the_text_container_reads_the_same_rows_as_csv_for_plain_tab_rows():
    text = "项目名称\t示例\n项目总额\t10\t年度资金总额\t10\n"
    as_csv = [[(c.text, c.line, c.column) for c in row] for row in grids(csvc.blocks(text, "\t"))[0]]
    as_text = [[(c.text, c.line, c.column) for c in row] for row in grids(TextBlocks(text))[0]]
    assert as_csv == as_text


@given(st.text(alphabet=',"\t\nab项目 ', max_size=200))
def test_any_text_reads_as_csv_without_raising(text):
    for block in csvc.blocks(text, ","):
        if isinstance(block, Grid):
            for row in block.rows:
                assert all(cell.line >= 1 and cell.column >= 1 for cell in row.cells)


# ---------------------------------------------------------------- bad files, other commands
def test_a_page_without_a_table_is_one_line_and_exit_2_the_others_still_checked(tmp_path):
    bare = tmp_path / "notice.html"
    bare.write_text(page("<h1>2024年部门预算公开</h1><p>附件：绩效目标表.pdf</p>"), encoding="utf-8")
    done = run("check", str(bare), str(PIPE), "--format", "concise")
    assert done.exit_code == 2
    lines = done.output.splitlines()
    errors = [line for line in lines if line.startswith(str(bare))]
    assert errors == [f"{bare}:1:1: E000 no project table found (no <table> in the page)"]
    assert [line.split(": ")[1].split()[0] for line in lines if "hunan-2025.md:" in line] == ["BL101"]


def test_in_a_folder_a_page_without_a_table_is_skipped_with_a_note(tmp_path):
    (tmp_path / "notice.htm").write_text(page("<p>no table here</p>"), encoding="utf-8")
    (tmp_path / "budget.html").write_bytes((FORMATS / "hunan-2025.html").read_bytes())
    data = json.loads(run("check", str(tmp_path), "--format", "json", "--fail-on", "never").output)
    assert data["summary"]["files"] == 2 and data["errors"] == []
    assert [f["code"] for f in data["findings"]] == ["BL101"]


def test_the_include_config_applies_to_pages_and_sheets(tmp_path):
    (tmp_path / "budget.html").write_bytes((FORMATS / "hunan-2025.html").read_bytes())
    (tmp_path / "budget.csv").write_bytes((FORMATS / "hunan-2025.csv").read_bytes())
    (tmp_path / "budgetlint.toml").write_text('include = ["*.csv"]\n', encoding="utf-8")
    data = json.loads(run("check", str(tmp_path), "--format", "json", "--fail-on", "never").output)
    assert data["summary"]["files"] == 1
    assert {Path(f["path"]).suffix for f in data["findings"]} == {".csv"}


def test_fmt_and_fix_leave_pages_and_sheets_unchanged(tmp_path):
    containers = [name for name in OTHERS if container_of(name)]  # the TAB text is text: fmt lays it out
    assert "hunan-2025.txt" not in containers and len(containers) == len(OTHERS) - 1
    for name in containers:
        (tmp_path / name).write_bytes((FORMATS / name).read_bytes())
    done = run("fmt", str(tmp_path / "hunan-2025.html"))
    assert done.exit_code == 0 and "left unchanged" in done.output
    run("fmt", str(tmp_path))
    run("check", str(tmp_path), "--fix", "--unsafe-fixes")
    for name in containers:
        assert (tmp_path / name).read_bytes() == (FORMATS / name).read_bytes()


def test_parse_reads_a_page():
    data = json.loads(run("parse", str(FORMATS / "hunan-2025.html")).output)
    assert [p["name"] for p in data["projects"]] == ["农村公路安全生命防护工程", "城乡客运一体化运营补贴"]


def test_checking_text_imports_no_other_container():
    probe = (
        "import sys\n"
        "sys.argv = ['budgetlint', 'check', 'examples/clean/2025-health-projects.md', '--format', 'concise']\n"
        "import budgetlint.entry as entry\n"
        "try:\n    entry.main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('html.parser', 'csv', 'budgetlint.containers.html', 'budgetlint.containers.csv')"
        " if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


# ---------------------------------------------------------------- written without LibreOffice
@pytest.mark.parametrize("write", ["ods_book", "xls_book"])
def test_sheets_written_without_libreoffice_give_the_model_of_the_pipe_text(tmp_path, linter, write):
    """The .ods and .xls of examples/formats are LibreOffice's; these are tests/formats.py's own (the XML
    of an .ods written here, xlwt's .xls), as benchmarks/read_formats.py reads them."""
    suffix = ".ods" if write == "ods_book" else ".xls"
    path = tmp_path / f"sheet{suffix}"
    path.write_bytes(getattr(formats, write)(formats.SOURCE.read_text(encoding="utf-8")))
    assert without_positions([to_data(p) for p in model(linter, path).projects]) == without_positions(
        [to_data(p) for p in model(linter, FORMATS / f"hunan-2025{suffix}").projects]
    )
    assert [(f.code, f.span.line, f.span.column) for f in findings(linter, path)] == [("BL101", 9, 3)]


def test_a_formula_libreoffice_computed_reads_its_result_one_openpyxl_wrote_is_a_finding(tmp_path, linter):
    path = tmp_path / "formulas.xlsx"
    path.write_bytes(formats.xlsx_book(formats.SOURCE.read_text(encoding="utf-8"), formulas=True))
    uncached = [(f.code, f.span.line, f.span.column, f.actual) for f in findings(linter, path) if f.code == "BL004"]
    assert uncached == [("BL004", 28, 3, "=SUM(C29:C30)")]  # the second project's total, never guessed
    saved = FORMATS / "hunan-2025-libreoffice.xlsx"
    assert [f.code for f in findings(linter, saved)] == ["BL101"]
    assert cells_of(saved)[28, 3] == "420"  # LibreOffice's cached result, shown in 0.00 (as_written: 420)
