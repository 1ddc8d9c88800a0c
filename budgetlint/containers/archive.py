"""Office files as archives: what is refused before anything is inflated, for workbooks and Word files alike.

An `.xlsx`, `.ods` or `.docx` is a zip archive; a password-protected one is an OLE compound file holding
an `EncryptionInfo` stream (Office's encryption wraps the whole package).  `check_zip` refuses, from
the zip's central directory alone: a file that is no zip, a damaged one, and one whose directory says
it inflates past MAX_INFLATED bytes or MAX_RATIO times the file (a zip bomb).  Each raises Unreadable,
whose str() is one line (budgetlint.io makes it an InputError: exit 2, the other files still checked).
"""

from __future__ import annotations

import io
import zipfile

MAX_INFLATED = 200 * 1024 * 1024  # bytes an archive's zip directory may say it inflates to
MAX_RATIO = 100  # … and at most this many times the file's size
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE compound file: an .xls or .doc, or an encrypted package
_ENCRYPTION = "EncryptionInfo".encode("utf-16-le")  # the stream an encrypted OOXML package's container holds


class Unreadable(Exception):
    """A file that cannot be read; str() is one line (budgetlint.io makes it an InputError)."""


def is_encrypted(data: bytes) -> bool:
    """Whether `data` is an OLE container holding an encrypted Office package (a password was set)."""
    return data.startswith(OLE_MAGIC) and _ENCRYPTION in data


def check_zip(data: bytes, what: str, suffix: str) -> None:
    """Refuse, from the central directory only, a `what` ("workbook", "Word document") that is not a
    readable zip or would inflate past the limits: raise Unreadable (one line)."""
    if not data.startswith(b"PK"):
        raise Unreadable(f"corrupt {what} (not a zip archive, as a {suffix} file is)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()  # the central directory only: nothing is inflated
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise Unreadable(f"corrupt {what} (a damaged zip archive: {error})") from None
    inflated = sum(info.file_size for info in infos)
    if inflated > MAX_INFLATED or inflated > MAX_RATIO * len(data):
        past = "200 MB" if inflated > MAX_INFLATED else f"{MAX_RATIO}× the file"
        raise Unreadable(
            f"refused: the {what} would inflate to {inflated:,} bytes (more than {past}): a zip bomb or a damaged file"
        )
