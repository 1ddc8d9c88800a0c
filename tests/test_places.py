"""Issue 20: a finding in a workbook says where it is there (`Sheet2!C5`), in every output.

A workbook's lines run on across its sheets (no two sheets' findings share a line); each finding and
its related rows get their cell's place (budgetlint.places).  An HTML page's or a text file's findings
have none: line and column say where, and their JSON is what it was before places existed.
"""

from __future__ import annotations

import json

import jsonschema
import pytest
from click.testing import CliRunner
from conftest import ROOT, SEED
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from budgetlint.cli import main

FORMATS = ROOT / "examples" / "formats"
SCHEMA = json.loads((ROOT / "budgetlint" / "schemas" / "findings-1.json").read_text(encoding="utf-8"))
SCHEMAS = ROOT / "tests" / "schemas"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """The example workbook (its BL101 at Sheet1!C9) and a Sheet2 whose funds do not add up at C5 and
    whose 项目负责人及电话 is given twice (BL008, citing the first one's row)."""
    book = load_workbook(FORMATS / "hunan-2025.xlsx")
    sheet = book.create_sheet("Sheet2")
    for row in (
        ["年度：2025"],
        ["项目名称", "乡村道路养护"],
        ["主管部门", "宁乡市交通运输局", "实施单位", "宁乡市公路建设养护中心"],
        ["项目负责人及电话", "李四 0731-87810000"],
        ["资金情况（万元）", "年度资金总额", 100.0],  # 80 + 10 ≠ 100: BL101 at C5
        [None, "其中：财政拨款", 80.0],
        [None, "其他资金", 10.0],
        ["项目负责人及电话", "王五 0731-87819999"],  # BL008 at B8, first on row 4
    ):
        sheet.append(row)
    path = tmp_path_factory.mktemp("book") / "two.xlsx"
    book.save(path)
    return path


def json_findings(path) -> list[dict]:
    data = json.loads(run("check", str(path), "--format", "json", "--lang", "en").stdout)
    jsonschema.validate(data, SCHEMA)
    return data["findings"]


def test_two_sheets_never_share_a_line(book):
    found = json_findings(book)
    first = next(f for f in found if f.get("place") == "Sheet1!C9")
    second = next(f for f in found if f.get("place") == "Sheet2!C5")
    assert first["line"] == 9 and second["line"] > first["line"]  # the second sheet's rows run on
    assert second["column"] == 3  # column C


def test_concise_names_the_sheet_and_cell(book):
    lines = run("check", str(book), "--format", "concise").stdout.splitlines()
    assert any(line.startswith(f"{book}:Sheet2!C5: BL101 ") for line in lines)
    assert any(line.startswith(f"{book}:Sheet1!C9: BL101 ") for line in lines)


def test_json_gives_place_sheet_and_cell(book):
    data = json.loads(run("check", str(book), "--format", "json").stdout)
    assert data["version"] == "1.1"  # optional fields added: the minor version (DESIGN.md's policy)
    found = next(f for f in data["findings"] if f["code"] == "BL101" and f.get("sheet") == "Sheet2")
    assert (found["place"], found["sheet"], found["cell"]) == ("Sheet2!C5", "Sheet2", "C5")
    assert "page" not in found and "box" not in found  # a PDF's only
    assert [r["place"] for r in found["related"]] == ["Sheet2!C6", "Sheet2!C7"]  # the terms of the sum


def test_a_message_citing_a_line_cites_its_place(book):
    found = next(f for f in json_findings(book) if f["code"] == "BL008")
    assert found["place"] == "Sheet2!B8"
    assert "(first on line Sheet2!A4)" in found["message"]  # the sheet's row 4, not the running line


def test_the_schema_refuses_a_malformed_place_field(book):
    data = json.loads(run("check", str(book), "--format", "json").stdout)
    data["findings"][0]["cell"] = "C0"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, SCHEMA)


def test_sarif_gives_a_logical_location_and_the_sheets_row(book):
    from test_reporters_sarif_github import official_schema

    log = json.loads(run("check", str(book), "--format", "sarif").stdout)
    jsonschema.Draft4Validator(official_schema(), format_checker=jsonschema.FormatChecker()).validate(log)
    result = next(
        r
        for r in log["runs"][0]["results"]
        if r["ruleId"] == "BL101" and r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "Sheet2!C5"
    )
    location = result["locations"][0]
    assert location["logicalLocations"] == [{"name": "C5", "fullyQualifiedName": "Sheet2!C5", "kind": "element"}]
    assert location["physicalLocation"]["region"] == {"startLine": 5, "startColumn": 3, "endColumn": 4}
    related = [r["logicalLocations"][0]["fullyQualifiedName"] for r in result["relatedLocations"]]
    assert related == ["Sheet2!C6", "Sheet2!C7"]


def test_github_puts_the_place_in_the_title_and_message(book):
    lines = run("check", str(book), "--format", "github").stdout.splitlines()
    line = next(line for line in lines if "Sheet2!C5" in line)
    assert line.startswith(f"::error file={book},line=5,title=BL101 Sheet2!C5::Sheet2!C5: ")
    assert ",col=" not in line  # a cell of a binary file: no text columns


def test_gitlab_puts_the_place_in_the_description(book):
    issues = json.loads(run("check", str(book), "--format", "gitlab").stdout)
    jsonschema.validate(issues, json.loads((SCHEMAS / "gitlab-codequality.json").read_text(encoding="utf-8")))
    issue = next(i for i in issues if "Sheet2!C5" in i["description"])
    assert issue["description"].startswith("BL101 Sheet2!C5: ")
    assert issue["location"]["lines"] == {"begin": 5, "end": 5}


def test_junit_names_the_place(book):
    xmlschema = pytest.importorskip("xmlschema", reason="`pip install -e '.[test]'` brings xmlschema")
    out = run("check", str(book), "--format", "junit").stdout
    xmlschema.XMLSchema(SCHEMAS / "junit.xsd").validate(out)
    assert 'name="BL101 annual-equals-own-plus-transfer (Sheet2!C5)"' in out
    assert f"{book}:Sheet2!C5: BL101 [error]" in out


# ---------------------------------------------------------------- no place: an HTML page, a text file
def test_an_html_tables_findings_have_line_and_column_only():
    page = FORMATS / "hunan-2025.html"
    found = json_findings(page)
    assert found and not any({"place", "sheet", "cell", "page", "box"} & set(f) for f in found)
    concise = run("check", str(page), "--format", "concise").stdout.splitlines()
    first = found[0]
    assert concise[0].startswith(f"{first['path']}:{first['line']}:{first['column']}: {first['code']} ")
    log = json.loads(run("check", str(page), "--format", "sarif").stdout)
    assert not any("logicalLocations" in r["locations"][0] for r in log["runs"][0]["results"])


OLD_KEYS = ["path", "line", "column", "end_line", "end_column", "code", "rule", "severity", "message", "project"]


def test_a_text_files_json_findings_are_as_before():
    """The seed's findings carry exactly the fields of version 1.0, in its order: a text file's JSON
    output is byte for byte what it was (only the envelope's version says 1.1)."""
    for found in json.loads(run("check", str(SEED), "--format", "json").stdout)["findings"]:
        keys = list(found)
        assert keys[: len(OLD_KEYS) + 2] == [*OLD_KEYS, "expected", "actual"]
        assert set(keys) <= {*OLD_KEYS, "expected", "actual", "related", "fix", "url"}
        assert all(set(r) == {"line", "column", "end_line", "end_column", "label"} for r in found.get("related", ()))


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)) | st.sampled_from('"\\\n\t\x00\u2028'))


@settings(max_examples=100, deadline=None)
@given(message=_TEXT, labels=st.lists(_TEXT, max_size=3), line=st.integers(1, 10**7))
def test_a_finding_without_a_place_writes_the_json_it_always_did(message, labels, line):
    """Property: with no place (every text file's finding), the finding's JSON line is the same bytes
    as json.dumps of the version 1.0 fields; with a place, those bytes then the place's fields."""
    from budgetlint.findings import Finding, Related
    from budgetlint.model import Span
    from budgetlint.reporters.json_output import finding_json

    span = Span(line, 3, line, 4)
    fields = dict(path=f"{message}.md", rule="r", severity="error", message=message, expected=None, actual=message)
    plain = Finding("BL101", span, related=tuple(Related(span, label) for label in labels), **fields)
    where = {"line": line, "column": 3, "end_line": line, "end_column": 4}
    data = {"path": f"{message}.md", **where, "code": "BL101", "rule": "r", "severity": "error", "message": message}
    data |= {"project": None, "expected": None, "actual": message}
    if labels:
        data["related"] = [{**where, "label": label} for label in labels]
    before = json.dumps(data, ensure_ascii=False)
    assert finding_json(plain) == before
    placed = Finding("BL101", span, place=f"表{message}!C5", box=None, **fields)
    placed_json = finding_json(placed)
    assert json.loads(placed_json) == {
        **{k: v for k, v in data.items() if k != "related"},
        "place": f"表{message}!C5",
        "sheet": f"表{message}",
        "cell": "C5",
    }


def test_a_pdf_place_gives_page_and_box():
    from budgetlint.findings import Finding
    from budgetlint.model import Span
    from budgetlint.reporters.json_output import finding_json

    found = Finding("BL101", Span(40, 2, 40, 3), path="r.pdf", message="m", place="page 3", box=(72.0, 90.5, 140, 104))
    data = json.loads(finding_json(found))
    assert (data["place"], data["page"], data["box"]) == ("page 3", 3, [72.0, 90.5, 140, 104])
    assert "sheet" not in data and "cell" not in data


@pytest.mark.parametrize(
    ("name", "gutter", "value"),
    [("hunan-2025.xlsx", "9", "860.00"), ("hunan-2025.docx", "4", "860"), ("hunan-2025.pdf", "8", "860")],
)
def test_rich_output_frames_the_row_of_cells_with_the_caret_under_the_value(name, gutter, value, monkeypatch):
    """A finding in a workbook, Word file or PDF: its place in the header, then the row's cells (`a | b`),
    the gutter the place's row (a PDF's page has none: the line), the caret under the cell of the value."""
    monkeypatch.setenv("COLUMNS", "100")
    output = run("check", str(FORMATS / name), "--color", "never", "--lang", "en").output.splitlines()
    header = next(index for index, line in enumerate(output) if " BL101 " in line)
    row, carets = output[header + 1], output[header + 2]
    assert row.startswith(f"{gutter} │ ") and "年度资金总额 | " + value + " |" in row
    from budgetlint.reporters.terminal import display_width

    start = carets.index("^")  # in display columns: a CJK character takes two
    assert carets[start:].rstrip() == "^" * len(value)
    assert display_width(row[: row.index("年度资金总额 | ") + len("年度资金总额 | ")]) == start
