"""`budgetlint convert` (issue 20): a page, CSV file or workbook as canonical pipe text, NAME.EXT.md.

Checking the converted file gives the findings checking the original gives, positions aside — for
every file of examples/formats/ that a container reads (a format added there joins by itself).
"""

from __future__ import annotations

import json
import os
import shutil

import pytest
from click.testing import CliRunner
from conftest import ROOT

from budgetlint.cli import main
from budgetlint.io import container_of

FORMATS = ROOT / "examples" / "formats"
CONTAINED = sorted(path for path in FORMATS.iterdir() if container_of(path))


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def findings(path) -> list[tuple]:
    """What a check finds, positions aside (a message may cite a line or a cell)."""
    data = json.loads(run("check", str(path), "--format", "json", "--lang", "en").stdout)
    assert not data["errors"]
    return sorted((f["code"], f["rule"], f["project"], f["expected"], f["actual"]) for f in data["findings"])


def test_every_container_format_has_an_example():
    assert {path.suffix for path in CONTAINED} >= {".html", ".csv", ".xlsx", ".ods", ".xls"}


@pytest.mark.parametrize("source", CONTAINED, ids=lambda path: path.suffix)
def test_the_converted_file_gives_the_same_findings(source, tmp_path):
    copy = tmp_path / source.name
    shutil.copyfile(source, copy)
    done = run("convert", str(copy))
    assert done.exit_code == 0, done.output
    converted = tmp_path / (source.name + ".md")
    assert converted.is_file() and copy.read_bytes() == source.read_bytes()  # the source as it was
    text = converted.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert any(line.startswith("| 项目名称 ") for line in lines)  # pipe rows …
    assert any(line.startswith("| ---") for line in lines)  # … laid out: a delimiter row after the headings
    expected = findings(source)
    assert expected, "the examples hold real defects"
    assert findings(converted) == expected


def test_the_converted_text_is_laid_out_as_fmt_leaves_it(tmp_path):
    shutil.copyfile(FORMATS / "hunan-2025.csv", tmp_path / "a.csv")
    assert run("convert", str(tmp_path / "a.csv")).exit_code == 0
    converted = tmp_path / "a.csv.md"
    before = converted.read_bytes()
    done = run("fmt", "--check", str(converted))
    assert done.exit_code == 0, done.output  # fmt would change nothing
    assert converted.read_bytes() == before


def test_output_folder_and_no_overwrite_without_force(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    source = FORMATS / "hunan-2025.xlsx"
    assert run("convert", str(source), "-o", str(out)).exit_code == 0
    target = out / "hunan-2025.xlsx.md"
    target.write_text("mine\n", encoding="utf-8")
    again = run("convert", str(source), "-o", str(out))
    assert again.exit_code == 2
    assert "exists; not overwritten (--force overwrites it)" in again.output
    assert target.read_text(encoding="utf-8") == "mine\n"
    forced = run("convert", str(source), "-o", str(out), "--force")
    assert forced.exit_code == 0
    assert "| 项目名称" in target.read_text(encoding="utf-8")
    assert not [name for name in os.listdir(out) if name.startswith(".")]  # no temporary file left


def test_a_dangling_link_in_the_way_is_not_followed(tmp_path):
    shutil.copyfile(FORMATS / "hunan-2025.csv", tmp_path / "a.csv")
    os.symlink(tmp_path / "elsewhere.txt", tmp_path / "a.csv.md")
    done = run("convert", str(tmp_path / "a.csv"))
    assert done.exit_code == 2 and "exists; not overwritten" in done.output
    assert not (tmp_path / "elsewhere.txt").exists()


def test_bad_input_is_one_line_exit_two_and_the_others_still_converted(tmp_path):
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    shutil.copyfile(FORMATS / "hunan-2025.ods", tmp_path / "good.ods")
    (tmp_path / "notes.md").write_text("# notes\n", encoding="utf-8")
    done = run("convert", str(tmp_path / "broken.xlsx"), str(tmp_path / "missing.csv"), str(tmp_path / "good.ods"))
    assert done.exit_code == 2
    errors = [line for line in done.output.splitlines() if "→" not in line]
    assert len(errors) == 2
    assert errors[0].startswith(f"{tmp_path / 'broken.xlsx'}: corrupt workbook")
    assert errors[1] == f"{tmp_path / 'missing.csv'}: no such file"
    assert (tmp_path / "good.ods.md").is_file()
    assert not (tmp_path / "broken.xlsx.md").exists()
    text = run("convert", str(tmp_path / "notes.md"))
    assert text.exit_code == 2 and "pipe or TAB text already" in text.output
    assert not (tmp_path / "notes.md.md").exists()


def test_a_missing_output_folder_is_a_usage_error(tmp_path):
    done = run("convert", str(FORMATS / "hunan-2025.csv"), "-o", str(tmp_path / "nowhere"))
    assert done.exit_code == 2


def test_convert_is_in_the_help():
    assert "convert" in run("--help").output
    assert "--output-dir" in run("convert", "--help").output
