"""Rewriting a user's file in place: the one place `check --fix` and `fmt` write documents.

`rewrite(path, shown, change)` reads the file under an advisory lock, lets `change` make the new
text, and replaces the file only when that is safe:

- an exclusive `fcntl.flock` on the file itself, held from reading to replacing, so that two
  budgetlint rewriters of one file take turns; the second one, woken after the first replaced the
  file, locks and reads the new file and does its work again on the first one's result;
- the file must be unchanged since it was read (inode, size, mtime_ns and a SHA-256 of the bytes
  read), checked just before the rename; an editor's save in between is kept and the file is
  reported `changed while fixing, not rewritten` (exit 2) — never redone behind the user's back;
- refused with one line: a file with no write bit for the running user in its mode bits (owner
  bits if the user owns it, else group, else other — root included, unlike `os.access`), a file
  with more than one hard link (a rename would split them), and a file whose owner a non-root
  user could not give back to the new copy;
- the new copy keeps the owner, group, mode and extended attributes (skipped on a filesystem
  that has none) and every line ending as it was, line by line (`with_ends`);
- the temporary file is `.NAME.~budgetlint-PID-RANDOM.tmp` beside the file, removed on any error,
  on SIGTERM and on SIGINT; stale ones of that naming (over a minute old) are swept from each
  folder before its first rewrite.
"""

from __future__ import annotations

import errno
import os
import re
import signal
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from budgetlint.io import InputError, Source, decode

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

STALE_SECONDS = 60
TEMP_NAME = re.compile(r"^\..*\.~budgetlint-\d+-[0-9a-f]+\.tmp$")
HOOK = "BUDGETLINT_TEST_HOOK"  # "STAGE:FOLDER": tests pause a rewrite at STAGE (see _hook)


class RefusedError(Exception):
    """A file budgetlint will not rewrite; str() is one line `path: reason`."""

    def __init__(self, shown: str, reason: str):
        super().__init__(f"{shown}: {reason}")


# ==================================================================== line ends
_BREAK = re.compile(r"\r\n|\r|\n")


def line_ends(raw: str) -> list[str]:
    """Each line's ending as written (\\r\\n, \\r or \\n); "" for a last line without one."""
    ends = _BREAK.findall(raw)
    if raw and not raw.endswith(("\n", "\r")):
        ends.append("")
    return ends


def _origins(old: str, new: str) -> list[int | None]:
    """For each line of `new`, the 1-based line of `old` it comes from (None: a line added).

    Lines kept or edited in place are paired in order (a fix's edits stay within one line)."""
    from difflib import SequenceMatcher

    before, after = old.split("\n")[:-1] if old.endswith("\n") else old.split("\n"), new.split("\n")
    if new.endswith("\n"):
        after.pop()
    origins: list[int | None] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag in ("equal", "replace"):
            paired = min(i2 - i1, j2 - j1)
            origins.extend(i1 + k + 1 for k in range(paired))
            origins.extend([None] * (j2 - j1 - paired))
        elif tag == "insert":
            origins.extend([None] * (j2 - j1))
    return origins


def with_ends(text: str, ends: list[str], old: str, origins: list[int | None] | None = None) -> str:
    """`text` ('\\n' line ends) with each line ending as the line it comes from did in the original
    (`ends`, of the original text `old`); a line added takes the ending of the line before it.

    A file with one kind of line end (nearly all) gets it everywhere; `origins` (fmt's, else found
    by comparing lines) is needed only for a file that mixes them."""
    kinds = {end for end in ends if end}
    if len(kinds) <= 1:
        end = kinds.pop() if kinds else "\n"
        return text if end == "\n" else text.replace("\n", end)
    lines = text.split("\n")
    last = lines.pop()  # after the last line end: "" or a line without one
    if origins is None or len(origins) < len(lines):
        origins = _origins(old, text)
    previous = next(end for end in ends if end)
    out = []
    for index, line in enumerate(lines):
        origin = origins[index]
        end = ends[origin - 1] if origin is not None and origin <= len(ends) else ""
        end = end or previous  # added, or the old last line that had no ending
        out.append(line + end)
        previous = end
    out.append(last)
    return "".join(out)


# ==================================================================== reading
@dataclass(frozen=True)
class Original:
    """A file as read for rewriting: its text ('\\n' line ends) and what writing it back keeps."""

    source: Source
    ends: list[str]  # each line's ending as read
    info: os.stat_result | None = None  # of the file read, for the unchanged check
    digest: bytes = b""

    @property
    def text(self) -> str:
        return self.source.text

    def encode(self, text: str, origins: list[int | None] | None = None) -> bytes:
        """`text` as the original was written: its encoding, byte-order mark and line ends."""
        text = with_ends(text, self.ends, self.source.text, origins)
        source = self.source
        try:
            return source.bom + text.encode(source.codec or source.encoding)
        except UnicodeEncodeError as error:
            raise OSError(f"cannot encode as {source.encoding}: {error.reason}") from None


def _digest(data: bytes) -> bytes:
    import hashlib

    return hashlib.sha256(data).digest()


def _from_bytes(data: bytes, shown: str, info: os.stat_result | None) -> Original:
    source = decode(data, shown)
    raw = data[len(source.bom) :].decode(source.codec or source.encoding)
    return Original(source, line_ends(raw), info, _digest(data))


def read(path: Path, shown: str) -> Original:
    """Read `path` as a rewrite would, without locking it (fmt --check, --diff)."""
    from budgetlint.io import read_source

    read_source(path, shown)  # its one-line errors: not a file, too large, binary …
    try:
        return _from_bytes(path.read_bytes(), shown, None)
    except OSError as error:
        raise InputError(shown, f"cannot read ({error.strerror or error})") from None


def _read_fd(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


# ==================================================================== test hook
def _hook(stage: str) -> None:
    """Where a test pauses a rewrite: with BUDGETLINT_TEST_HOOK=STAGE:FOLDER, reaching STAGE creates
    FOLDER/STAGE and waits until FOLDER/STAGE.go exists.  Unset (always, outside tests): nothing."""
    spec = os.environ.get(HOOK)
    if not spec:
        return
    wanted, _, folder = spec.partition(":")
    if wanted != stage:
        return
    Path(folder, stage).touch()
    go = Path(folder, stage + ".go")
    while not go.exists():
        time.sleep(0.01)


# ==================================================================== temporary files
_live: set[str] = set()  # temporary files of this process not yet renamed
_previous: dict[int, object] = {}
_swept: set[str] = set()


def _on_signal(signum, frame) -> None:
    for name in list(_live):
        try:
            os.unlink(name)
        except OSError:
            pass
    _live.clear()
    previous = _previous.get(signum, signal.SIG_DFL)
    if callable(previous):
        previous(signum, frame)  # SIGINT: KeyboardInterrupt, as before
    elif previous != signal.SIG_IGN:
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)


def _install_handlers() -> None:
    if _previous:
        return
    for signum in (signal.SIGTERM, signal.SIGINT):
        try:
            if signal.getsignal(signum) == signal.SIG_IGN:  # ignored (nohup, a background job): stays so
                continue
            _previous[signum] = signal.signal(signum, _on_signal)
        except ValueError:  # not the main thread: the error path still removes the file
            return


def sweep(folder: str) -> int:
    """Remove our stale temporary files (TEMP_NAME, over STALE_SECONDS old) from `folder`, once per run."""
    if folder in _swept:
        return 0
    _swept.add(folder)
    removed = 0
    now = time.time()
    me = os.geteuid()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        if not TEMP_NAME.match(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and now - info.st_mtime > STALE_SECONDS and me in (0, info.st_uid):
                os.unlink(entry.path)
                removed += 1
        except OSError:
            pass
    return removed


# ==================================================================== refusals
def _writable_by_mode(info: os.stat_result) -> bool:
    uid = os.geteuid()
    if info.st_uid == uid:
        return bool(info.st_mode & stat.S_IWUSR)
    if info.st_gid == os.getegid() or info.st_gid in os.getgroups():
        return bool(info.st_mode & stat.S_IWGRP)
    return bool(info.st_mode & stat.S_IWOTH)


def _refusal(info: os.stat_result) -> str | None:
    if not _writable_by_mode(info):
        return f"read-only (mode {stat.S_IMODE(info.st_mode):04o} gives you no write permission), not rewritten"
    if info.st_nlink > 1:
        return f"has {info.st_nlink} hard links (rewriting would split them), not rewritten"
    uid = os.geteuid()
    if uid != 0 and info.st_uid != uid:
        return "owned by another user (the rewritten file would become yours), not rewritten"
    return None


def _copy_xattrs(source_fd: int, target_fd: int) -> None:
    """The extended attributes of one open file onto another; nothing where the filesystem has none."""
    if not hasattr(os, "listxattr"):
        return
    unsupported = (errno.ENOTSUP, errno.EOPNOTSUPP)
    try:
        names = os.listxattr(source_fd)
    except OSError as error:
        if error.errno in unsupported:
            return
        raise
    for name in names:
        value = os.getxattr(source_fd, name)
        try:
            os.setxattr(target_fd, name, value)
        except OSError as error:
            if error.errno not in unsupported:
                raise OSError(error.errno, f"cannot keep extended attribute {name} ({error.strerror})") from None


# ==================================================================== rewriting
def _lock(real: str) -> tuple[int, os.stat_result]:
    """An open descriptor of `real` holding its exclusive flock, and its stat; the file at `real`
    when the lock was granted (a rewriter that waited finds the file its predecessor wrote)."""
    import fcntl

    while True:
        fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                _hook("lock-busy")
                fcntl.flock(fd, fcntl.LOCK_EX)
            except OSError as error:  # a filesystem without locks: the unchanged check still guards
                if error.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS):
                    raise
            info = os.fstat(fd)
            now = os.stat(real)
        except BaseException:
            os.close(fd)
            raise
        if (now.st_dev, now.st_ino) == (info.st_dev, info.st_ino):
            return fd, info
        os.close(fd)  # replaced while we waited: lock the new file


def _unchanged(real: str, original: Original) -> bool:
    before = original.info
    assert before is not None
    try:
        now = os.stat(real)
        same = (now.st_dev, now.st_ino, now.st_size, now.st_mtime_ns) == (
            before.st_dev,
            before.st_ino,
            before.st_size,
            before.st_mtime_ns,
        )
        return same and _digest(Path(real).read_bytes()) == original.digest
    except OSError:
        return False


def rewrite(
    path: Path,
    shown: str,
    change: Callable[[Original], tuple[str, list[int | None] | None] | None],
    doing: str = "fixing",
) -> bool:
    """Rewrite `path` with what `change(original)` returns — (new text, the origin line of each of
    its lines or None) — or leave it when that is None or the same text.  True when written.

    InputError: the file does not read.  RefusedError: it is not rewritten, one line why (the
    file is as it was).  OSError: writing failed (the file is as it was)."""
    from budgetlint.io import _checked_file, _os_errors

    real = os.path.realpath(path)  # a symbolic link is written through: its target is replaced
    folder = os.path.dirname(real)
    sweep(folder)
    with _os_errors(path, shown):
        _checked_file(Path(real), shown, whole=True)
        fd, info = _lock(real)
    try:
        with _os_errors(path, shown):
            data = _read_fd(fd)
        original = _from_bytes(data, shown, info)
        del data
        wanted = change(original)
        if wanted is None or wanted[0] == original.text:
            return False
        text, origins = wanted
        reason = _refusal(info)
        if reason:
            raise RefusedError(shown, reason)
        _replace(real, fd, info, original.encode(text, origins), original, shown, doing)
        return True
    finally:
        os.close(fd)  # the lock goes with it


def _temp_path(folder: str, name: str) -> str:
    """A new temporary file's path beside `name`, named as TEMP_NAME matches (the sweep finds it)."""
    import secrets

    return os.path.join(folder, f".{name}.~budgetlint-{os.getpid()}-{secrets.token_hex(4)}.tmp")


def _replace(real: str, fd: int, info: os.stat_result, data: bytes, original: Original, shown: str, doing: str):
    _install_handlers()
    folder, name = os.path.split(real)
    temp = _temp_path(folder, name)
    _live.add(temp)  # before it exists: a signal from here on removes it
    try:
        out = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
        try:
            _hook("temp-open")
            view = memoryview(data)
            while view:
                view = view[os.write(out, view) :]
            os.fchown(out, info.st_uid, info.st_gid)
            os.fchmod(out, stat.S_IMODE(info.st_mode))
            _copy_xattrs(fd, out)
            os.fsync(out)
        finally:
            os.close(out)
        _hook("before-replace")
        if not _unchanged(real, original):
            raise RefusedError(shown, f"changed while {doing}, not rewritten")
        os.replace(temp, real)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
    finally:
        _live.discard(temp)


def write_new(path: Path, shown: str, text: str) -> bool:
    """Write `text` (UTF-8, '\\n' line ends) as the new file `path`, whole or not at all; False, nothing
    written, when `path` exists (even as a dangling link): an existing file is only ever `rewrite`n.

    The text goes to a temporary file beside it (removed on any error, SIGTERM, SIGINT) that is then
    hard-linked to `path` — which fails rather than replace a file made meanwhile.  On a filesystem
    without hard links, `path` is created exclusively and written.  OSError: writing failed."""
    real = os.path.abspath(path)
    folder, name = os.path.split(real)
    if os.path.lexists(real):
        return False
    _install_handlers()
    sweep(folder)
    data = text.encode("utf-8")
    temp = _temp_path(folder, name)
    _live.add(temp)  # before it exists: a signal from here on removes it
    try:
        _write_all(temp, data)
        try:
            os.link(temp, real)
        except FileExistsError:
            return False
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
                raise
            try:  # no hard links here: created exclusively, then written
                _write_all(real, data)
            except FileExistsError:
                return False
        return True
    finally:
        try:
            os.unlink(temp)
        except OSError:
            pass
        _live.discard(temp)


def _write_all(path: str, data: bytes) -> None:
    """Create `path` (never an existing file or link) with `data`, synced to disk; mode 0o666 less the umask."""
    out = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | os.O_NOFOLLOW, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(out, view) :]
        os.fsync(out)
    finally:
        os.close(out)
