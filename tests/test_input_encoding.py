"""Encodings and line ends: every way a table arrives is read, or refused in one line with exit code 2.

tests/data/table.md is one clean table with one known finding (BL001 at 9:3,
a label broken over two lines); the files in tests/data/encodings/ are the
same table or real-looking text in the encodings budget tables arrive in,
written byte for byte (GB18030 with CRLF from a Windows machine, a
spreadsheet's UTF-16 "Unicode text", Big5, Shift-JIS, Latin-1, an image).
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from click.testing import CliRunner

from budgetlint.cli import main
from budgetlint.io import InputError, common_share, decode, read_source

DATA = Path(__file__).resolve().parent / "data"
TABLE = (DATA / "table.md").read_text(encoding="utf-8")
FINDING = "BL001 label broken by a line break: expected '其他资金', found '其他资' and a fragment below"
RARE = (
    "not text in UTF-8, UTF-16 or GB18030 (as GB18030 it is mostly rare characters: "
    "another encoding such as Big5 or Shift-JIS, or binary data)"
)


def check(folder: Path, *names: str, monkeypatch) -> tuple[int, str]:
    monkeypatch.chdir(folder)
    args = ["check", *names, "--format", "concise", "--show-info", "--lang", "en"]  # BL005 is an info finding
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    return result.exit_code, result.output


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------- encodings that are read


def test_utf8_is_read_without_an_encoding_finding(tmp_path, monkeypatch):
    write(tmp_path, "t.md", TABLE.encode("utf-8"))
    assert check(tmp_path, "t.md", monkeypatch=monkeypatch) == (0, f"t.md:9:3: {FINDING}\n")


def test_utf8_bom_is_read_and_does_not_shift_the_first_column(tmp_path, monkeypatch):
    write(tmp_path, "t.md", codecs.BOM_UTF8 + TABLE.encode("utf-8"))
    source = read_source(tmp_path / "t.md")
    assert source.encoding == "utf-8-sig" and source.text.startswith("# 2024年")
    assert check(tmp_path, "t.md", monkeypatch=monkeypatch) == (0, f"t.md:9:3: {FINDING}\n")


@pytest.mark.parametrize("codec", ["gb18030", "gbk", "gb2312"])
def test_gb18030_family_is_read_and_reported_as_info(tmp_path, monkeypatch, codec):
    write(tmp_path, "t.md", TABLE.encode(codec))
    expected = f"t.md:1:1: BL005 file encoding: expected UTF-8, found GB18030 (read as GB18030)\nt.md:9:3: {FINDING}\n"
    assert check(tmp_path, "t.md", monkeypatch=monkeypatch) == (0, expected)


def test_gb18030_fixture_with_windows_line_ends(monkeypatch):
    code, output = check(DATA / "encodings", "table.gb18030.txt", monkeypatch=monkeypatch)
    assert (code, output) == (
        0,
        "table.gb18030.txt:1:1: BL005 file encoding: expected UTF-8, found GB18030 "
        f"(read as GB18030)\ntable.gb18030.txt:9:3: {FINDING}\n",
    )


def test_spreadsheet_unicode_text_utf16_with_bom(monkeypatch):
    code, output = check(DATA / "encodings", "table.utf16.txt", monkeypatch=monkeypatch)
    assert (code, output) == (
        0,
        "table.utf16.txt:1:1: BL005 file encoding: expected UTF-8, found UTF-16 "
        f"(read as UTF-16)\ntable.utf16.txt:9:3: {FINDING}\n",
    )


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_recognised_by_its_nul_pattern(codec):
    source = decode(TABLE.encode(codec), "t.md")
    assert (source.encoding, source.text) == ("utf-16", TABLE)


def test_utf32_with_bom():
    source = decode(TABLE.encode("utf-32"), "t.md")
    assert (source.encoding, source.text) == ("utf-32", TABLE)


def test_encoding_finding_can_be_ignored(tmp_path, monkeypatch):
    write(tmp_path, "t.md", TABLE.encode("gb18030"))
    (tmp_path / "budgetlint.toml").write_text('ignore = ["BL005"]\n', encoding="utf-8")
    assert check(tmp_path, "t.md", monkeypatch=monkeypatch) == (0, f"t.md:9:3: {FINDING}\n")


def test_rare_gbk_characters_in_names_are_still_gb18030():
    # 喆 堃 镕 are GBK but not GB2312: a few in a real document do not make it "another encoding".
    data = "| 项目名称 | 张喆、王堃、朱镕基金会项目 |\n| 项目总额 | 10 |\n".encode("gbk")
    assert decode(data, "t.md").encoding == "gb18030"


def test_common_share_separates_chinese_from_other_encodings():
    assert common_share(TABLE.encode("gb18030")) == 1.0
    assert common_share((DATA / "encodings" / "big5.txt").read_bytes()) < 0.7
    assert common_share((DATA / "encodings" / "shift-jis.txt").read_bytes()) < 0.7


# ---------------------------------------------------------------- line ends


@pytest.mark.parametrize("newline", ["\r\n", "\r", "mixed"])
def test_crlf_and_lone_cr_keep_the_line_numbers(tmp_path, monkeypatch, newline):
    lines = TABLE.split("\n")
    if newline == "mixed":
        # A lone CR just before an empty line would make CR LF, one line end: only before a text line.
        ends = [("\r\n", "\r", "\n")[i % 3] if lines[i + 1] else "\n" for i in range(len(lines) - 1)]
        text = "".join(line + end for line, end in zip(lines, ends))
    else:
        text = newline.join(lines)
    write(tmp_path, "t.md", text.encode("utf-8"))
    assert read_source(tmp_path / "t.md").text == TABLE
    assert check(tmp_path, "t.md", monkeypatch=monkeypatch) == (0, f"t.md:9:3: {FINDING}\n")


def test_form_feed_of_a_pdf_page_break_is_text(tmp_path):
    data = TABLE.replace("| 一级指标", "\f\n| 一级指标").encode()
    assert decode(data, "t.md").encoding == "utf-8"


# ---------------------------------------------------------------- full-width forms


def test_full_width_digits_and_punctuation_read_as_their_half_width_values(linter):
    full = (
        TABLE.replace("| 10 |", "| １０ |")
        .replace("≥90%", "≥９０％")
        .replace("2 期 |", "２ 期 |")
        .replace("5 万元/期", "５万元／期")
        .replace("单位：万元", "单位:万元")
        .replace("（区）", "(区)")
        .replace("2024年12月31日前", "２０２４年１２月３１日前")
    )
    assert full != TABLE
    plain, full_doc = linter.parse(TABLE), linter.parse(full)
    [a], [b] = plain.projects, full_doc.projects
    assert {k: f.amount for k, f in a.fields.items()} == {k: f.amount for k, f in b.fields.items()}
    assert [
        (
            i.name,
            i.value.kind,
            [(x.comparator, x.number, x.unit_text, x.per_text) for x in i.value.amounts],
            [(d.year, d.month, d.day, d.suffix) for d in i.value.dates],
        )
        for i in a.indicators
    ] == [
        (
            i.name,
            i.value.kind,
            [(x.comparator, x.number, x.unit_text, x.per_text) for x in i.value.amounts],
            [(d.year, d.month, d.day, d.suffix) for d in i.value.dates],
        )
        for i in b.indicators
    ]
    _, findings = linter.check_text(full, "t.md")
    assert [(f.code, f.span.line, f.span.column) for f in findings] == [("BL001", 9, 3)]


def test_full_width_metadata_year_and_colon(linter):
    document = linter.parse("年度：２０２４\n" + TABLE.split("\n", 1)[1])
    assert document.projects[0].fiscal_year == 2024


# ---------------------------------------------------------------- what is refused, in one line


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("big5.txt", f"big5.txt:1:1: E000 {RARE}\n"),
        ("shift-jis.txt", f"shift-jis.txt:1:1: E000 {RARE}\n"),
        ("latin-1.txt", "latin-1.txt:1:1: E000 not text in UTF-8, UTF-16 or GB18030 (undecodable bytes)\n"),
        ("image.md", "image.md:3:1: E000 binary file (NUL bytes), not a text document\n"),
        # bytes 1–127 hold a LF and a lone CR before the first non-UTF-8 byte: line 3, as an editor counts
        ("garbage.md", "garbage.md:3:1: E000 not text in UTF-8, UTF-16 or GB18030 (undecodable bytes)\n"),
    ],
)
def test_other_encodings_and_binary_files_are_one_line_errors(monkeypatch, name, expected):
    assert check(DATA / "encodings", name, monkeypatch=monkeypatch) == (2, expected)


def test_a_stray_byte_in_a_utf8_file_names_its_line(tmp_path, monkeypatch):
    data = TABLE.encode("utf-8").replace("举办培训 2 期。".encode(), "举办".encode() + b"\xff" + "培训 2 期。".encode())
    write(tmp_path, "t.md", data)
    assert check(tmp_path, "t.md", monkeypatch=monkeypatch) == (
        2,
        "t.md:12:1: E000 not text in UTF-8, UTF-16 or GB18030 (undecodable bytes)\n",
    )


def test_nul_far_inside_a_text_file_names_its_line(tmp_path, monkeypatch):
    text = "说明文字\n" * 5000 + "| 项目名称 | 示\x00例 |\n" + "说明文字\n" * 5000
    write(tmp_path, "t.md", text.encode("utf-8"))
    assert check(tmp_path, "t.md", monkeypatch=monkeypatch) == (
        2,
        "t.md:5001:1: E000 NUL character in text (a binary or corrupted file)\n",
    )


def test_control_characters_without_nul_are_binary(tmp_path, monkeypatch):
    write(tmp_path, "t.md", bytes(range(1, 128)) * 20)
    assert check(tmp_path, "t.md", monkeypatch=monkeypatch) == (
        2,
        "t.md:1:1: E000 binary file (control characters), not a text document\n",
    )


def test_broken_bom_is_named(tmp_path, monkeypatch):
    write(tmp_path, "t.md", codecs.BOM_UTF16_LE + "| 项目名称 |\n".encode("utf-16-le") + b"\x00\xd8")
    assert check(tmp_path, "t.md", monkeypatch=monkeypatch) == (  # the lone surrogate is after the line end
        2,
        "t.md:2:1: E000 invalid UTF-16 despite its byte-order mark\n",
    )


def test_empty_file_named_explicitly_has_no_table(tmp_path, monkeypatch):
    write(tmp_path, "t.md", b"")
    assert check(tmp_path, "t.md", monkeypatch=monkeypatch) == (
        2,
        "t.md:1:1: E000 no project table found (no 项目名称 row)\n",
    )


def test_a_fifo_is_refused_without_blocking(tmp_path, monkeypatch):
    import os

    os.mkfifo(tmp_path / "pipe.md")
    assert check(tmp_path, "pipe.md", monkeypatch=monkeypatch) == (
        2,
        "pipe.md:1:1: E000 not a regular file (a device, pipe or socket)\n",
    )


def test_a_broken_symlink_is_named(tmp_path, monkeypatch):
    (tmp_path / "gone.md").symlink_to(tmp_path / "missing.md")
    assert check(tmp_path, "gone.md", monkeypatch=monkeypatch) == (2, "gone.md:1:1: E000 broken symbolic link\n")


def test_a_refused_file_never_stops_the_others(tmp_path, monkeypatch):
    write(tmp_path, "a.md", (DATA / "encodings" / "image.md").read_bytes())
    write(tmp_path, "b.md", TABLE.encode("gb18030"))
    write(tmp_path, "c.md", TABLE.encode("utf-8"))
    code, output = check(tmp_path, "a.md", "b.md", "c.md", monkeypatch=monkeypatch)
    assert (code, output) == (
        2,
        "a.md:3:1: E000 binary file (NUL bytes), not a text document\n"
        "b.md:1:1: BL005 file encoding: expected UTF-8, found GB18030 (read as GB18030)\n"
        f"b.md:9:3: {FINDING}\nc.md:9:3: {FINDING}\n",
    )


def test_input_error_is_one_line():
    with pytest.raises(InputError) as caught:
        decode(b"\x00\x01\x02\n" * 10, "x.md")
    assert str(caught.value) == "x.md:1: binary file (NUL bytes), not a text document"
    assert "\n" not in str(caught.value)
