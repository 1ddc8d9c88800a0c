"""Reading input files: bytes → text, with the encodings budget tables really arrive in.

UTF-8 (with or without BOM) is the norm; UTF-16 with a BOM and GB18030/GBK
(old Windows machines) are detected and read, and the document gets an info
finding (BL005).  A binary file is an InputError: one line, exit code 2 for
that file, and the other files are still checked.  Line ends are normalised
to '\\n' here, so line numbers agree with every editor.
"""

from __future__ import annotations

from typing import NamedTuple

import codecs
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


class Source(NamedTuple):
    path: str  # as shown to the user
    text: str
    encoding: str  # utf-8 | utf-8-sig | utf-16 | gb18030


MAX_BYTES = 512 * 1024 * 1024


def normalize_newlines(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def decode(data: bytes, path: str) -> Source:
    """Decode `data`, detecting the encoding; raise InputError for binary or undecodable data."""
    if data.startswith(codecs.BOM_UTF8):
        encoding, body = "utf-8-sig", data[len(codecs.BOM_UTF8):]
        text = _strict(body, "utf-8", path)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
        text = _strict(data, "utf-16", path)
    else:
        if b"\x00" in data[:8192] or b"\x00" in data[-8192:]:
            line = data[: data.index(b"\x00")].count(b"\n") + 1 if b"\x00" in data else None
            raise InputError(path, "binary file (NUL bytes), not a text document", line)
        try:
            text = data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError as error:
            try:
                text = data.decode("gb18030")
                encoding = "gb18030"
            except UnicodeDecodeError:
                line = data[: error.start].count(b"\n") + 1
                raise InputError(path, "not text in UTF-8, UTF-16 or GB18030 (undecodable bytes)", line) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise InputError(path, "NUL character in text (a binary or corrupted file)", line)
    return Source(path, normalize_newlines(text), encoding)


def _strict(data: bytes, encoding: str, path: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(path, f"invalid {encoding} despite its byte-order mark", line) from None


def read_source(path: Path, shown: str | None = None) -> Source:
    shown = shown or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(shown, f"file too large ({size // (1024 * 1024)} MB > {MAX_BYTES // (1024 * 1024)} MB)")
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(shown, "no such file") from None
    except IsADirectoryError:
        raise InputError(shown, "is a directory") from None
    except PermissionError:
        raise InputError(shown, "permission denied") from None
    except OSError as error:
        raise InputError(shown, f"cannot read ({error.strerror or error})") from None
    return decode(data, shown)
