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
import re
import stat
from dataclasses import dataclass
from pathlib import Path


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


@dataclass(frozen=True)
class Source:
    path: str  # as shown to the user
    text: str
    encoding: str  # utf-8 | utf-8-sig | utf-16 | utf-32 | gb18030


MAX_BYTES = 512 * 1024 * 1024
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


def decode(data: bytes, path: str) -> Source:
    """Decode `data`, detecting the encoding; raise InputError for binary or undecodable data."""
    text, encoding = _decode(data, path)
    del data  # a 100 MB file: let the bytes go before the newline copy
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputError(path, "NUL character in text (a binary or corrupted file)", line)
    sample = text[:SAMPLE]
    controls = len(_CONTROL.findall(sample))
    if controls > 8 and controls * 100 > len(sample):
        first = _CONTROL.search(text)
        line = text.count("\n", 0, first.start()) + 1 if first else None
        raise InputError(path, "binary file (control characters), not a text document", line)
    return Source(path, normalize_newlines(text), encoding)


def _decode(data: bytes, path: str) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[len(codecs.BOM_UTF8):], "utf-8", path), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return _strict(data, "utf-32", path), "utf-32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", path), "utf-16"
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16, "utf-16"
    head, tail = data[:8192], data[-8192:]
    if b"\x00" in head or b"\x00" in tail:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise InputError(path, "binary file (NUL bytes), not a text document", line)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        utf8_error = error
    # The line reported is where the text stops being UTF-8: most often one stray byte in a UTF-8 file.
    line = data.count(b"\n", 0, utf8_error.start) + 1
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise InputError(path, "not text in UTF-8, UTF-16 or GB18030 (undecodable bytes)", line) from None
    if common_share(data[:SAMPLE]) < _MIN_COMMON_SHARE:
        raise InputError(
            path,
            "not text in UTF-8, UTF-16 or GB18030 (as GB18030 it is mostly rare characters: "
            "another encoding such as Big5 or Shift-JIS, or binary data)",
            line,
        )
    return text, "gb18030"


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


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text with no byte-order mark: a NUL high byte for every ASCII character (digits, pipes, line ends).

    A few NULs fall on the other bytes too (一 is U+4E00); the decoded text must then be clean text.
    """
    sample = data[:SAMPLE]
    if len(data) % 2 or len(sample) < 4 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    major, minor = max(even, odd), min(even, odd)
    if major * 5 < len(sample) // 2 or minor * 10 > major:  # fewer than one ASCII character in five
        return None
    encoding = "utf-16-le" if odd > even else "utf-16-be"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    if "\x00" in text or _CONTROL.search(text[:SAMPLE]):
        return None
    return text


def _strict(data: bytes, encoding: str, path: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        # Count line ends in the good part as text: in UTF-16 a 0x0A byte may be half of 上 (U+4E0A).
        line = normalize_newlines(data[: error.start].decode(encoding, errors="replace")).count("\n") + 1
        raise InputError(path, f"invalid {encoding.upper()} despite its byte-order mark", line) from None


def read_source(path: Path, shown: str | None = None) -> Source:
    shown = shown or str(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise InputError(shown, "is a directory")
        if not stat.S_ISREG(info.st_mode):  # reading a FIFO or a device would block or never end
            raise InputError(shown, "not a regular file (a device, pipe or socket)")
        if info.st_size > MAX_BYTES:
            raise InputError(shown, f"file too large ({info.st_size // (1024 * 1024)} MB > {MAX_BYTES // (1024 * 1024)} MB)")
        return decode(path.read_bytes(), shown)  # no other reference: decode can free the bytes early
    except FileNotFoundError:
        message = "broken symbolic link" if path.is_symlink() else "no such file"
        raise InputError(shown, message) from None
    except IsADirectoryError:
        raise InputError(shown, "is a directory") from None
    except PermissionError:
        raise InputError(shown, "permission denied") from None
    except OSError as error:
        raise InputError(shown, f"cannot read ({error.strerror or error})") from None
