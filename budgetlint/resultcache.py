"""The result cache: a file unchanged since it was last checked under the same settings is not read again.

An entry holds one file's part of the report (findings with their fixes, errors, notes, counts and the
code-frame lines), so that a hit gives exactly the output a check would, in every format.  It is keyed by

- the file's content (BLAKE2b of its bytes), the path it is shown as and whether it was named;
- the effective config as it applies to that file (its whole record, overrides included), the message
  language and what the report keeps (code frames, baseline subjects);
- the contents of its rule packs, of the rule catalogue and grammars, and budgetlint's own code
  (its version, and each module's size and time) — a new version or an edited rule is a miss.

Entries live in `results/` of the cache folder (resources.cache_dir: ours, 0700, else no cache), are
sealed like every cache entry (version, key and a digest of their own content are checked before use:
a corrupt, truncated or foreign entry is a miss, never an error) and written through a temporary file
renamed into place, so that worker processes may write at once.  Stored with marshal as plain tuples:
data, never code.  The folder is bounded: beyond MAX_ENTRIES entries or MAX_BYTES, the least recently
used are removed (a hit renews an entry's time).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from budgetlint.findings import Edit, Finding, Fix, Related, format_value
from budgetlint.model import Span
from budgetlint.record import fields as record_fields
from budgetlint.resources import _PACKAGE, cache_dir, data_dir, digest, read_entry, write_entry

TYPE_CHECKING = False  # typing is not imported on the check path
if TYPE_CHECKING:
    from typing import Any

    from budgetlint.config import Config
    from budgetlint.runner import Result

MAX_ENTRIES = 20_000  # files' results kept: a large repository's documents, several configs
MAX_BYTES = 256 * 1024 * 1024  # and at most this much
FORMAT = 2  # the layout of an entry's payload


class ResultCache:
    """The result cache of one run (one per Runner; a forked worker inherits it)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.hits = 0
        self.misses = 0
        self.written = 0
        self._settings: dict[str, bytes] = {}  # repr of settings → their digest (see _settings_digest)
        self._made = False

    @classmethod
    def open(cls) -> ResultCache | None:
        """The cache in the trusted cache folder, or None when there is none."""
        folder = cache_dir()
        return None if folder is None else cls(folder / "results")

    # ---------------------------------------------------------------- keys
    def key(self, file: Path, shown: str, explicit: bool, config: Config, lang: str, keeps: tuple) -> bytes | None:
        """The key of `file`'s result, None when the file cannot be read (checking it says why)."""
        content = file_digest(file)
        if content is None:
            return None
        settings = f"{config!r}\n{lang}\n{keeps!r}"
        found = self._settings.get(settings)
        if found is None:
            packs = b"".join(file_digest(pack) or b"-" for pack in config.packs)
            found = self._settings[settings] = digest(settings.encode() + packs + installation_digest())
        return b"%s%s%d%s" % (content, found, explicit, shown.encode("utf-8", "surrogateescape"))

    def _path(self, key: bytes) -> Path:
        return self.folder / f"{digest(key).hex()}.result"

    # ---------------------------------------------------------------- entries
    def has(self, key: bytes) -> bool:
        """Whether an entry for `key` is there (its seal is checked when it is read: `get`); a miss is counted."""
        if self._path(key).is_file():
            return True
        self.misses += 1
        return False

    def get(self, key: bytes) -> Result | None:
        """The stored result for `key`, or None (a miss)."""
        import marshal

        path = self._path(key)
        payload = read_entry(path, key)
        part = None
        if payload is not None:
            try:
                part = decode(marshal.loads(payload))
            except Exception:  # sealed by us, yet not the layout this code reads: a miss, never an error
                part = None
        if part is None:
            self.misses += 1
            return None
        self.hits += 1
        try:
            os.utime(path)  # recently used: kept when the folder is trimmed
        except OSError:
            pass
        return part

    def put(self, key: bytes, part: Result) -> None:
        """Store `part` under `key`; a result marshal cannot store, or an unwritable folder, is simply not kept,
        nor is one of more findings than are held in memory (spill.HELD, the rest spilled to disk): encoding
        it would hold them all (10⁶ findings: 855 MB, against 60 MB spilled)."""
        import marshal

        from budgetlint import spill

        if len(part.findings) > spill.HELD:
            return
        try:
            payload = marshal.dumps(encode(part))
        except ValueError:
            return
        if not self._made:
            try:
                self.folder.mkdir(mode=0o700, exist_ok=True)
            except OSError:
                return
            self._made = True
        write_entry(self._path(key), key, payload)
        self.written += 1

    def trim(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> int:
        """Remove the least recently used entries beyond the bounds (down to 90% of them); how many."""
        try:
            entries = []
            with os.scandir(self.folder) as found:
                for entry in found:
                    if entry.name.endswith(".result"):
                        info = entry.stat(follow_symlinks=False)
                        entries.append((info.st_mtime_ns, info.st_size, entry.path))
        except OSError:
            return 0
        total = sum(size for _, size, _ in entries)
        if len(entries) <= max_entries and total <= max_bytes:
            return 0
        entries.sort()
        removed = 0
        count = len(entries)
        for _, size, path in entries:
            if count <= max_entries * 9 // 10 and total <= max_bytes * 9 // 10:
                break
            try:
                os.unlink(path)
            except OSError:
                continue
            count -= 1
            total -= size
            removed += 1
        return removed


def file_digest(path: Path) -> bytes | None:
    """BLAKE2b of a regular file's bytes, read in pieces (a 100 MB document is never held whole); None when
    it cannot be read or is no regular file (a FIFO, a device: opened without waiting, never read here)."""
    import stat

    try:
        from _blake2 import blake2b
    except ImportError:
        from hashlib import blake2b
    hasher = blake2b(digest_size=16)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except (OSError, ValueError):
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        while chunk := os.read(fd, 1 << 20):
            hasher.update(chunk)
    except OSError:
        return None
    finally:
        os.close(fd)
    return hasher.digest()


_installation: list[bytes] = []


def installation_digest() -> bytes:
    """What the results of this budgetlint depend on besides the file and its config: the version, each
    module's name, size and time (an edited checkout), the rule catalogue and the grammars (contents)."""
    if not _installation:
        from budgetlint import __version__

        parts = [f"{FORMAT} {__version__} {sys.version_info[:2]}".encode()]
        for root, dirs, files in os.walk(_PACKAGE):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith(".py"):
                    info = os.stat(os.path.join(root, name))
                    parts.append(f"{root}/{name} {info.st_size} {info.st_mtime_ns}".encode())
        for kind in ("rules", "grammar"):
            for root, dirs, files in os.walk(data_dir(kind)):
                dirs.sort()
                for name in sorted(files):
                    parts.append(name.encode() + (file_digest(Path(root) / name) or b"-"))
        _installation.append(digest(b"\n".join(parts)))
    return _installation[0]


# ==================================================================== the payload: plain tuples
def _plain(value: Any) -> Any:
    """An args value as marshal stores it: what messages and fingerprints show of it (format_value)."""
    return value if value is None or type(value) in (str, int, bool) else format_value(value)


def _finding(f: Finding) -> tuple:
    fix = f.fix
    return (
        f.code,
        tuple(f.span),
        {key: _plain(value) for key, value in f.args.items()},
        f.expected,
        f.actual,
        tuple([(tuple(r.span), r.label, r.place) for r in f.related]),
        None if fix is None else (fix.description, tuple([(tuple(e.span), e.text) for e in fix.edits]), fix.safe),
        f.project,
        f.path,
        f.rule,
        f.severity,
        f.message,
        f.place,
        None if f.box is None else tuple(f.box),
    )


def _unfinding(t: tuple) -> Finding:
    code, span, args, expected, actual, related, fix, project, path, rule, severity, message, place, box = t
    return Finding(
        code,
        Span(*span),
        args,
        expected,
        actual,
        tuple([Related(Span(*s), label, where) for s, label, where in related]),
        None if fix is None else Fix(fix[0], tuple([Edit(Span(*s), text) for s, text in fix[1]]), fix[2]),
        project,
        path,
        rule,
        severity,
        message,
        place,
        box,
    )


def encode(part: Result) -> tuple:
    return (
        FORMAT,
        record_fields(Finding),
        [_finding(f) for f in part.findings],
        [(e.path, e.message, e.line) for e in part.errors],
        list(part.notes),
        list(part.checked),
        part.files,
        part.projects,
        dict(part.sources),
    )


def decode(data: tuple) -> Result | None:
    from budgetlint.runner import FileError, Result
    from budgetlint.spill import Findings

    layout, fields, findings, errors, notes, checked, files, projects, sources = data
    if layout != FORMAT or fields != record_fields(Finding):
        return None
    return Result(
        findings=Findings.in_order(_unfinding(t) for t in findings),
        errors=[FileError(*e) for e in errors],
        notes=list(notes),
        checked=list(checked),
        files=files,
        projects=projects,
        sources=dict(sources),
    )
