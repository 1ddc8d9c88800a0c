"""Reading input files: bytes → text, with the encodings budget tables really arrive in.

UTF-8 (with or without BOM) is the norm; UTF-16/UTF-32 with a BOM (a
spreadsheet's "Unicode text"), UTF-16 without one, and GB18030/GBK (old
Windows machines) are detected and read, and the document gets an info
finding (BL005).  GB18030 accepts almost any byte string, so a file read as
GB18030 must also look like simplified Chinese: most of its characters
common (GB2312) ones — Big5, Shift-JIS or binary data read as GB18030 give
rare characters instead.  A binary file is an InputError: one line, exit code
2 for that file, and the other files are still checked.  Line ends (CRLF,
lone CR) are normalised to '\\n' here, so line numbers agree with every editor.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
from contextlib import contextmanager
from pathlib import Path

from budgetlint.findings import Finding
from budgetlint.model import Span
from budgetlint.record import named

TYPE_CHECKING = False  # typing is not imported on the check path
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from typing import Any

    from budgetlint.grid import Block


class InputError(Exception):
    """A file that cannot be used as input; str() is one line."""

    def __init__(self, path: str, message: str, line: int | None = None):
        super().__init__(message)
        self.path = path
        self.line = line
        self.message = message

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@named
class Source:
    path: str  # as shown to the user
    text: str
    encoding: str  # utf-8 | utf-8-sig | utf-16 | utf-32 | gb18030
    codec: str = ""  # the exact codec after any byte-order mark: utf-16-be for a big-endian file …
    bom: bytes = b""  # the byte-order mark the file starts with, if any
    container: str = ""  # html | csv | tsv | sheet | docx | pdf (budgetlint.containers); "" for pipe and TAB text
    sheets: Any = None  # a workbook's or a Word file's blocks, read whole when the file is opened; a PDF's,
    # read page by page each time they are iterated (budgetlint.containers.pdf.Blocks)

    def blocks(self) -> tuple[str]:
        """The text as one block: read the same way as a Stream's."""
        return (self.text,)


MAX_BYTES = 512 * 1024 * 1024
# The largest file read whole: by `parse`, `fmt` and `check --fix`, which hold a document's text, its model
# or its rewritten text at once (300 MB of blank lines took 917 MB).  `check` reads any file up to
# MAX_BYTES in pieces, in bounded memory; a larger file is refused by these commands with one line.
MAX_WHOLE = 64 * 1024 * 1024
SAMPLE = 64 * 1024  # bytes (or characters) looked at to tell text from binary

# C0 controls other than TAB, LF, VT, FF, CR (a PDF extraction leaves form feeds), and DEL.
_CONTROL = re.compile(r"[\x01-\x08\x0e-\x1f\x7f]")
# One GB18030 character at a time: a common (GB2312-area) pair, another pair or
# four-byte sequence (rare characters), or a run of ASCII.
_GB_CHARS = re.compile(
    rb"(?P<common>[\xa1-\xf7][\xa1-\xfe])"
    rb"|(?P<rare>[\x81-\xfe](?:[\x30-\x39][\x81-\xfe][\x30-\x39]|[\x40-\x7e\x80-\xfe]))"
    rb"|[\x00-\x7f]+"
)
_MIN_COMMON_SHARE = 0.7  # real documents: 0.98–1.0; Big5 read as GB18030 ≈ 0.45, Shift-JIS ≈ 0


def normalize_newlines(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


CHUNK = 1024 * 1024  # bytes read at a time when a file is streamed


class _Bytes:
    """A document's bytes: whole in memory, or read from a file a chunk at a time."""

    def __init__(self, data: bytes | None = None, file: Path | None = None):
        self.file = file
        if data is None:
            assert file is not None
            with file.open("rb") as handle:
                if os.fstat(handle.fileno()).st_size <= CHUNK:  # a file of one chunk is kept: read once, not per pass
                    data = handle.read()  # (not read(CHUNK + 1): a buffer of CHUNK bytes for each small file)
                    if len(data) > CHUNK:
                        data = None
                        handle.seek(0)  # it grew meanwhile: streamed as any large file
                if data is None:
                    self.data = None
                    self.head = handle.read(SAMPLE)
                    self.size = handle.seek(0, 2)
                    handle.seek(max(self.size - 8192, 0))
                    self.tail = handle.read()
                    return
        self.data, self.size, self.head, self.tail = data, len(data), data[:SAMPLE], data[-8192:]

    def chunks(self, skip: int = 0) -> Iterator[bytes]:
        """CHUNK bytes at a time after the first `skip` (a BOM), from memory or the file alike."""
        if self.data is not None:
            view = memoryview(self.data)[skip:]
            for start in range(0, len(view), CHUNK):
                yield view[start : start + CHUNK]
            return
        assert self.file is not None
        with self.file.open("rb") as handle:
            handle.seek(skip)
            while chunk := handle.read(CHUNK):
                yield chunk

    def line_at(self, offset: int) -> int:
        """The 1-based line of byte `offset` (line ends counted as bytes: for 8-bit encodings)."""
        if self.data is not None:
            return self.data.count(b"\n", 0, offset) + 1
        count = seen = 0
        for chunk in self.chunks():
            count += chunk.count(b"\n", 0, max(offset - seen, 0))
            seen += len(chunk)
            if seen >= offset:
                break
        return count + 1


class _NotThis(Exception):
    """The bytes are not in the encoding tried; `line` is where that shows."""

    def __init__(self, line: int):
        super().__init__(line)
        self.line = line


def _pieces(source: _Bytes, codec: str, path: str, skip: int = 0, guess: bool = False) -> Iterator[str]:
    """The decoded text piece by piece, line ends normalised across pieces (a CR waits for its LF).

    Raises _NotThis at the first undecodable byte.  NUL characters and a start full of control
    characters are InputErrors — or _NotThis when the encoding is only a `guess`.
    """
    decoder = codecs.getincrementaldecoder(codec)("strict")
    lines = 0  # line ends in the pieces yielded so far
    held_cr = ""
    sample = ""
    chunks = source.chunks(skip)
    final = False
    while not final:
        chunk = next(chunks, None)
        final = chunk is None
        try:
            text = decoder.decode(chunk or b"", final=final)
        except UnicodeDecodeError as error:
            good = bytes(error.object[: error.start]).decode(codec, errors="replace")
            raise _NotThis(lines + normalize_newlines(held_cr + good).count("\n") + 1) from None
        text = held_cr + text
        held_cr = "\r" if text.endswith("\r") and not final else ""
        piece = normalize_newlines(text[:-1] if held_cr else text)
        if "\x00" in piece:
            line = lines + piece.count("\n", 0, piece.index("\x00")) + 1
            if guess:
                raise _NotThis(line)
            raise InputError(path, "NUL character in text (a binary or corrupted file)", line)
        if len(sample) < SAMPLE:
            before = len(sample)
            sample += piece[: SAMPLE - before]
            controls = _CONTROL.findall(sample)
            if guess and controls:
                raise _NotThis(1)
            if len(sample) >= SAMPLE or final:
                if len(controls) > 8 and len(controls) * 100 > len(sample):
                    first = _CONTROL.search(sample)
                    raise InputError(
                        path,
                        "binary file (control characters), not a text document",
                        sample.count("\n", 0, first.start()) + 1,
                    )
        lines += piece.count("\n")
        if piece:
            yield piece


def _read(source: _Bytes, codec: str, path: str, keep: bool, skip: int = 0, guess: bool = False) -> str | None:
    """Decode all of `source` (raising as _pieces does); the text if `keep`, else None."""
    pieces = [piece for piece in _pieces(source, codec, path, skip, guess) if keep]
    return "".join(pieces) if keep else None


def decode(data: bytes, path: str) -> Source:
    """Decode `data`, detecting the encoding; raise InputError for binary or undecodable data."""
    source = _Bytes(data)
    del data  # a 100 MB file: no reference left here once the text is decoded
    encoding, codec, skip, text = _detect(source, path, keep=True)
    assert text is not None
    return Source(path, text, encoding, codec, source.head[:skip])


_BOMS = (  # (mark, encoding as reported, codec after the mark); UTF-32 LE before UTF-16 LE, its prefix
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32", "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16-be"),
)


def _detect(source: _Bytes, path: str, keep: bool) -> tuple[str, str, int, str | None]:
    """(encoding as reported, codec to read it with, bytes of BOM to skip, the text if `keep`), or an InputError."""
    head = source.head
    for bom, encoding, codec in _BOMS:
        if head.startswith(bom):
            try:
                return encoding, codec, len(bom), _read(source, codec, path, keep, len(bom))
            except _NotThis as error:
                name = encoding.replace("-sig", "").upper()
                raise InputError(path, f"invalid {name} despite its byte-order mark", error.line) from None
    codec = _utf16_guess(head, source.size)
    if codec is not None:
        try:
            return "utf-16", codec, 0, _read(source, codec, path, keep, guess=True)
        except _NotThis:
            pass
    start = head[:8192]  # a NUL byte near either end: binary; further in, "NUL character in text" below
    if b"\x00" in start or b"\x00" in source.tail:
        offset = (
            start.index(b"\x00") if b"\x00" in start else source.size - len(source.tail) + source.tail.index(b"\x00")
        )
        raise InputError(path, "binary file (NUL bytes), not a text document", source.line_at(offset))
    try:
        return "utf-8", "utf-8", 0, _read(source, "utf-8", path, keep)
    except _NotThis as error:
        # The line reported is where the text stops being UTF-8: most often one stray byte in a UTF-8 file.
        line = error.line
    try:
        text = _read(source, "gb18030", path, keep)
    except _NotThis:
        raise InputError(path, "not text in UTF-8, UTF-16 or GB18030 (undecodable bytes)", line) from None
    if common_share(head) < _MIN_COMMON_SHARE:
        raise InputError(
            path,
            "not text in UTF-8, UTF-16 or GB18030 (as GB18030 it is mostly rare characters: "
            "another encoding such as Big5 or Shift-JIS, or binary data)",
            line,
        )
    return "gb18030", "gb18030", 0, text


def common_share(data: bytes) -> float:
    """Of the Chinese characters of GB18030 `data`, the share in the common GB2312 area (1.0 if none).

    A sample cut in the middle of a character costs at most one miscount.
    """
    common = rare = 0
    for match in _GB_CHARS.finditer(data):
        group = match.lastgroup
        if group == "common":
            common += 1
        elif group == "rare":
            rare += 1
    if rare <= 2:
        return 1.0
    return common / (common + rare)


def _utf16_guess(sample: bytes, size: int) -> str | None:
    """UTF-16 with no byte-order mark: a NUL high byte for every ASCII character (digits, pipes, line ends).

    A few NULs fall on the other bytes too (一 is U+4E00); the decoded text must then be clean text.
    """
    if size % 2 or len(sample) < 4 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    major, minor = max(even, odd), min(even, odd)
    if major * 5 < len(sample) // 2 or minor * 10 > major:  # fewer than one ASCII character in five
        return None
    return "utf-16-le" if odd > even else "utf-16-be"


@named
class Stream:
    """A document read block by block, so that its whole text is never in memory (a 100 MB file).

    The encoding was found and the bytes checked by one streaming pass when it was opened;
    `blocks()` reads the file again each time it is called — but a file of one chunk (CHUNK bytes),
    read whole by that pass, keeps its text: opened, read and decoded once (a repository of 10,000
    small files read each three times and decoded each twice).
    """

    path: str  # as shown to the user
    file: Path
    encoding: str  # as in Source
    codec: str  # what it is read with, after the byte-order mark: utf-16-le for "utf-16" …
    skip: int = 0  # bytes of byte-order mark
    text: str | None = None  # the whole text of a file of one chunk, decoded when it was opened

    def blocks(self) -> Iterator[str]:
        """The text in blocks of whole lines, '\n' line ends, about CHUNK bytes each."""
        if self.text is not None:
            if self.text:
                yield self.text
            return
        carry = ""
        try:
            for piece in _pieces(_Bytes(file=self.file), self.codec, self.path, self.skip):
                text = carry + piece
                cut = text.rfind("\n") + 1
                if cut:
                    yield text[:cut]
                carry = text[cut:]
        except _NotThis as error:  # the file changed since it was opened
            raise InputError(self.path, "changed while it was read (no longer valid text)", error.line) from None
        except OSError as error:
            raise InputError(self.path, f"cannot read ({error.strerror or error})") from None
        if carry:
            yield carry


def _checked_file(path: Path, shown: str, whole: bool = False) -> None:
    """A regular file of at most MAX_BYTES (MAX_WHOLE when it is to be `whole` in memory), or InputError."""
    info = path.stat()
    if stat.S_ISDIR(info.st_mode):
        raise InputError(shown, "is a directory")
    if not stat.S_ISREG(info.st_mode):  # reading a FIFO or a device would block or never end
        raise InputError(shown, "not a regular file (a device, pipe or socket)")
    if info.st_size > MAX_BYTES:
        raise InputError(
            shown, f"file too large ({info.st_size // (1024 * 1024)} MB > {MAX_BYTES // (1024 * 1024)} MB)"
        )
    if whole and info.st_size > MAX_WHOLE:
        raise InputError(
            shown,
            f"file too large to hold whole ({info.st_size // (1024 * 1024)} MB > {MAX_WHOLE // (1024 * 1024)} MB):"
            " parse, fmt and --fix hold a document in memory; `budgetlint check` reads it in pieces",
        )


# Files read by a container of their own (budgetlint.containers), by extension; the others are text.
CONTAINERS = {
    ".html": "html",
    ".htm": "html",
    ".csv": "csv",
    ".tsv": "tsv",
    ".xlsx": "sheet",
    ".xlsm": "sheet",
    ".xls": "sheet",
    ".ods": "sheet",
    ".docx": "docx",
    ".pdf": "pdf",
}


def container_of(path: Path | str) -> str:
    """The container that reads `path`: html | csv | tsv | sheet | docx | pdf, or "" for pipe and TAB text."""
    name = str(path)
    dot = name.rfind(".")
    return CONTAINERS.get(name[dot:].lower(), "") if dot >= 0 else ""


def decode_page(data: bytes, path: str) -> Source:
    """An HTML page's text: its byte-order mark, else the charset its <meta> declares, else detected."""
    from budgetlint.containers.html import declared_charset

    if not any(data.startswith(bom) for bom, _, _ in _BOMS):
        codec = declared_charset(data)
        if codec is not None:
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                text = None  # declared wrongly (a GBK page saying UTF-8): read as any text file is
            if text is not None and "\x00" not in text:
                return Source(path, normalize_newlines(text), codec, codec, b"", "html")
    source = decode(data, path)
    return Source(source.path, source.text, source.encoding, source.codec, source.bom, "html")


def read_container(path: Path, shown: str, container: str) -> Source:
    """The whole text of a file that a container reads (an HTML page, a CSV or TSV file), or a workbook's
    blocks (the text is then "")."""
    if container == "pdf":
        return read_pdf(path, shown)
    with _os_errors(path, shown):
        _checked_file(path, shown)
        data = path.read_bytes()
    if container == "html":
        return decode_page(data, shown)
    if container == "sheet":  # a workbook is read here, whole: what cannot be read is this one line
        from budgetlint.containers import sheet

        try:
            book = sheet.read(data, path.suffix)
        except sheet.Unreadable as error:
            raise InputError(shown, str(error)) from None
        book.findings = [  # a formula without a cached result: never evaluated by guess
            Finding(
                "BL004",
                Span(line, column, line, column + 1),
                args={"variant": "formula-uncached", "label": place},
                expected=None,
                actual=formula,
                place=place,  # also where no cell was read (past the sheet's last value)
            )
            for line, column, place, formula in book.uncached
        ]
        return Source(shown, "", "utf-8", "utf-8", b"", container, book)
    if container == "docx":
        return _read_docx(data, shown)
    source = decode(data, shown)
    return Source(source.path, source.text, source.encoding, source.codec, source.bom, container)


def _read_docx(data: bytes, shown: str) -> Source:
    """A Word file's blocks, read here whole: what cannot be read is this one line."""
    from budgetlint.containers import docx
    from budgetlint.containers.archive import Unreadable

    try:
        blocks = docx.read(data)
    except Unreadable as error:
        raise InputError(shown, str(error)) from None
    return Source(shown, "", "utf-8", "utf-8", b"", "docx", blocks)


def read_pdf(path: Path, shown: str) -> Source:
    """A PDF, checked to be readable (a text layer, no password, not damaged); its blocks are read from the
    file page by page when they are iterated (budgetlint.containers.pdf)."""
    with _os_errors(path, shown):
        _checked_file(path, shown)
        from budgetlint.containers import pdf

        try:
            pdf.check(path)
        except pdf.Unreadable as error:
            raise InputError(shown, str(error)) from None
    return Source(shown, "", "utf-8", "utf-8", b"", "pdf", PdfBlocks(pdf.Blocks(path), shown))


class PdfBlocks:
    """A PDF's blocks (budgetlint.containers.pdf.Blocks) as the reader takes them: a page that cannot be
    read is an InputError (the file's one line), the cells not read whole are BL004 findings."""

    def __init__(self, blocks: Any, shown: str):
        self.blocks, self.shown = blocks, shown

    def __iter__(self) -> Iterator[Block]:
        from budgetlint.grid import Grid

        for block in self._converted(self.blocks):
            # a grid's rows are read from the file as the reader asks for them: a page met then may fail too
            yield Grid(self._converted(block.rows), block.place) if isinstance(block, Grid) else block

    def _converted(self, items: Iterable) -> Iterator:
        from budgetlint.containers.pdf import Unreadable

        try:
            yield from items
        except Unreadable as error:
            raise InputError(self.shown, str(error)) from None

    @property
    def findings(self) -> list[Finding]:
        return [
            Finding(
                "BL004",
                Span(line, column, line, column + 1),
                args={"variant": variant, "label": place},
                expected=None,
                actual=text,
            )
            for line, column, place, variant, text in self.blocks.problems
        ]

    @property
    def line_count(self) -> int:
        return self.blocks.line_count

    @property
    def tables(self) -> int:
        return self.blocks.tables


def blocks_of(source: Source | Stream) -> Iterable[Block]:
    """The blocks (budgetlint.grid) of a document, read by its container."""
    container = getattr(source, "container", "")
    if container in ("sheet", "docx", "pdf"):
        return source.sheets  # type: ignore[union-attr]  # a Source: read when opened
    if container == "html":
        from budgetlint.containers import html

        return html.blocks(source.text or "")
    if container:
        from budgetlint.containers import csv

        text = source.text or ""
        return csv.blocks(text, csv.delimiter_of(text, "." + container))
    from budgetlint.containers.text import TextBlocks

    return TextBlocks(source.blocks())


def open_source(path: Path, shown: str | None = None) -> Stream | Source:
    """Check that `path` is readable text and find its encoding, reading it once without keeping it
    (a page or a sheet is read whole: its container reads it whole)."""
    shown = shown or str(path)
    container = container_of(path)
    if container:
        return read_container(path, shown, container)
    with _os_errors(path, shown):
        _checked_file(path, shown)
        source = _Bytes(file=path)
        encoding, codec, skip, text = _detect(source, shown, keep=source.data is not None)
    return Stream(shown, path, encoding, codec, skip, text=text)


def encoding_finding(encoding: str) -> Finding | None:
    """BL005, the input's one finding: a document that is not in UTF-8 (it was read all the same)."""
    if encoding in ("utf-8", "utf-8-sig"):
        return None
    return Finding("BL005", Span(1, 1, 1, 2), expected="UTF-8", actual=encoding.upper())


def read_source(path: Path, shown: str | None = None) -> Source:
    """The whole text of `path` (for one document at a time: parse, the language server)."""
    shown = shown or str(path)
    container = container_of(path)
    with _os_errors(path, shown):
        _checked_file(path, shown, whole=True)
    if container:
        return read_container(path, shown, container)
    with _os_errors(path, shown):
        return decode(path.read_bytes(), shown)


@contextmanager
def _os_errors(path: Path, shown: str) -> Iterator[None]:
    try:
        yield
    except FileNotFoundError:
        message = "broken symbolic link" if path.is_symlink() else "no such file"
        raise InputError(shown, message) from None
    except IsADirectoryError:
        raise InputError(shown, "is a directory") from None
    except PermissionError:
        raise InputError(shown, "permission denied") from None
    except OSError as error:
        if error.errno == errno.ELOOP:  # a link to itself, or links in a ring
            raise InputError(shown, "symbolic link loop") from None
        raise InputError(shown, f"cannot read ({error.strerror or error})") from None
