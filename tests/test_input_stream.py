"""Streaming: a file checked block by block reads exactly as the whole text does, in every encoding.

`budgetlint check` never holds a document's whole text: io.open_source finds
the encoding in one pass, Stream.blocks() reads whole lines a chunk at a
time, and the builder numbers lines across blocks.  These tests shrink the
chunk to a few bytes, so that line ends (CR LF), multi-byte characters and
UTF-16 code units are cut at every possible place.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgetlint import io
from budgetlint.io import InputError, decode, open_source, read_source
from budgetlint.runner import Runner, frame_lines

DATA = Path(__file__).resolve().parent / "data"
TABLE = (DATA / "table.md").read_text(encoding="utf-8")
SEED = Path(__file__).resolve().parent.parent / "examples" / "ningxia-kexie-2024-performance-targets.txt"
ENCODINGS = {
    "utf-8": lambda text: text.encode("utf-8"),
    "utf-8-sig": lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
    "gb18030": lambda text: text.encode("gb18030"),
    "utf-16": lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
    "utf-16-be": lambda text: text.encode("utf-16-be"),
    "utf-16-be-bom": lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
    "utf-32": lambda text: text.encode("utf-32"),
}
SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


def outcome(read):
    try:
        return read()
    except InputError as error:
        return str(error)


def streamed(path: Path) -> str:
    stream = open_source(path)
    blocks = list(stream.blocks())
    assert all(block.endswith("\n") for block in blocks[:-1])
    return "".join(blocks)


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7, 64, 1 << 20])
@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
def test_blocks_join_to_the_whole_text_at_every_chunk_size(tmp_path, monkeypatch, encoding, chunk):
    text = TABLE.replace("\n", "\r\n", 5).replace("\n| 一级", "\r| 一级")  # CRLF, LF and a lone CR
    path = tmp_path / "t.md"
    path.write_bytes(ENCODINGS[encoding](text))
    monkeypatch.setattr(io, "CHUNK", chunk)
    whole = read_source(path)
    assert streamed(path) == whole.text == io.normalize_newlines(text)
    assert open_source(path).encoding == whole.encoding


@SETTINGS
@given(
    text=st.text(st.sampled_from("项目名称|\t \r\n0１2a\x00\x01中文≥%金"), max_size=60),
    encoding=st.sampled_from(sorted(ENCODINGS)),
    chunk=st.integers(1, 9),
    noise=st.binary(max_size=3),
)
def test_stream_and_whole_read_agree_on_any_bytes(tmp_path_factory, text, encoding, chunk, noise):
    data = ENCODINGS[encoding](text)
    data = data[: len(data) // 2] + noise + data[len(data) // 2 :]
    path = tmp_path_factory.mktemp("s") / "t.md"
    path.write_bytes(data)
    original = io.CHUNK
    io.CHUNK = chunk
    try:
        assert outcome(lambda: streamed(path)) == outcome(lambda: read_source(path).text)
    finally:
        io.CHUNK = original


def test_errors_name_the_same_line_streamed(tmp_path, monkeypatch):
    monkeypatch.setattr(io, "CHUNK", 16)
    (tmp_path / "nul.md").write_bytes(("说明文字\n" * 5000 + "| 项目名称 | 示\x00例 |\n" + "说明\n" * 5000).encode())
    (tmp_path / "stray.md").write_bytes(TABLE.encode().replace("举办培训 2 期。".encode(), b"\xff"))
    (tmp_path / "bom.md").write_bytes(codecs.BOM_UTF16_LE + "| 项目名称 |\n".encode("utf-16-le") + b"\x00\xd8")
    (tmp_path / "be.md").write_bytes(codecs.BOM_UTF16_BE + "上\n".encode("utf-16-be") * 40 + b"\xd8\x00")
    for name, message in (
        ("nul.md", "nul.md:5001: NUL character in text (a binary or corrupted file)"),
        ("stray.md", "stray.md:12: not text in UTF-8, UTF-16 or GB18030 (undecodable bytes)"),
        ("bom.md", "bom.md:2: invalid UTF-16 despite its byte-order mark"),
        ("be.md", "be.md:41: invalid UTF-16 despite its byte-order mark"),  # 上 is U+4E0A: not a line end
    ):
        with pytest.raises(InputError) as caught:
            open_source(tmp_path / name, name)
        assert str(caught.value) == message
        with pytest.raises(InputError) as caught:
            decode((tmp_path / name).read_bytes(), name)
        assert str(caught.value) == message


def test_a_file_that_changes_between_the_two_reads_is_an_error_not_a_crash(tmp_path, monkeypatch):
    monkeypatch.setattr(io, "CHUNK", 64)  # a file of more than one chunk is read again for its blocks
    path = tmp_path / "t.md"
    path.write_text(TABLE, encoding="utf-8")
    stream = open_source(path)
    path.write_bytes(TABLE.encode() + b"\xff\xfe")
    with pytest.raises(InputError) as caught:
        list(stream.blocks())
    assert str(caught.value) == f"{path}:22: changed while it was read (no longer valid text)"


def test_a_file_of_one_chunk_is_read_once_and_its_text_kept(tmp_path, monkeypatch):
    path = tmp_path / "t.md"
    path.write_bytes(TABLE.replace("\n", "\r\n").encode("gb18030"))
    stream = open_source(path)
    path.write_bytes(b"\xff\xfe changed after it was read")  # not read again
    assert "".join(stream.blocks()) == stream.text == io.normalize_newlines(TABLE) and stream.encoding == "gb18030"
    monkeypatch.setattr(io, "CHUNK", len(TABLE.encode()) - 1)  # one byte more than a chunk: streamed, text not kept
    path.write_text(TABLE, encoding="utf-8")
    streamed_stream = open_source(path)
    assert streamed_stream.text is None and "".join(streamed_stream.blocks()) == TABLE
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    assert list(open_source(empty).blocks()) == []


def test_the_seed_checked_streamed_gives_the_findings_of_the_whole_text(linter, monkeypatch):
    whole = linter.check_text(read_source(SEED).text, "seed")[1]
    monkeypatch.setattr(io, "CHUNK", 997)  # blocks cut inside tables, between a label and its value
    blocks = list(open_source(SEED).blocks())
    assert len(blocks) > 30
    document, streamed_findings = linter.check_text(iter(blocks), "seed")
    assert [(f.code, f.span, f.message) for f in streamed_findings] == [(f.code, f.span, f.message) for f in whole]
    assert document.line_count == read_source(SEED).text.count("\n") + 1 - read_source(SEED).text.endswith("\n")


def test_runner_streams_files_and_keeps_frames_for_findings(tmp_path, monkeypatch):
    monkeypatch.setattr(io, "CHUNK", 50)
    (tmp_path / "t.md").write_text(TABLE, encoding="utf-8")
    result = Runner(lang="en").check_paths([tmp_path / "t.md"])
    assert [(f.code, f.span.line) for f in result.findings] == [("BL001", 9)]
    [frame] = result.sources.values()
    assert frame.split("\n")[8] == "| 其他资 | 0 | 自治区资金 | 0 |"


@SETTINGS
@given(
    lines=st.lists(st.text(st.sampled_from("ab|\t中"), max_size=4), max_size=12),
    cuts=st.sets(st.integers(0, 12)),
    wanted=st.sets(st.integers(1, 14), max_size=4),
)
def test_frame_lines_of_blocks_equals_frame_lines_of_the_text(lines, cuts, wanted):
    text = "\n".join(lines)
    ends = [i for i, line in enumerate(lines[:-1]) if i in cuts]  # cut after these lines
    blocks, start = [], 0
    for index in ends:
        stop = sum(len(line) + 1 for line in lines[: index + 1])
        blocks.append(text[start:stop])
        start = stop
    blocks.append(text[start:])
    assert "".join(blocks) == text
    assert frame_lines(iter(blocks), set(wanted)) == frame_lines(text, set(wanted))


def test_a_file_that_grows_past_one_chunk_as_it_is_opened_is_streamed(tmp_path, monkeypatch):
    monkeypatch.setattr(io, "CHUNK", 64)
    path = tmp_path / "t.md"
    path.write_text(TABLE, encoding="utf-16")  # told by its byte-order mark, at the start of the head
    real = io.os.fstat

    class Small:  # the size stat saw before the file grew
        st_size = 10

    monkeypatch.setattr(io.os, "fstat", lambda fd: Small)
    stream = open_source(path)
    monkeypatch.setattr(io.os, "fstat", real)
    assert stream.text is None and stream.encoding == "utf-16" and "".join(stream.blocks()) == TABLE
