"""Where the grammars and the rule data live: inside the wheel, or in a source checkout."""

from __future__ import annotations

import os
import sys
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

_PACKAGE = Path(__file__).resolve().parent


def content_key(data: bytes | str) -> str:
    """A key naming cached data derived from `data`: 32 hex digits of its BLAKE2b digest."""
    return digest(data).hex()


def digest(data: bytes | str, key: bytes = b"") -> bytes:
    """16 bytes of BLAKE2b of `data` (keyed by `key`, when given): from _blake2 itself, which imports in
    well under a millisecond where hashlib (OpenSSL) costs about ten of every start-up."""
    try:
        from _blake2 import blake2b
    except ImportError:  # a Python built without it
        from hashlib import blake2b
    return blake2b(data.encode("utf-8") if isinstance(data, str) else data, digest_size=16, key=key).digest()


def data_dir(name: str) -> Path:
    """The folder `grammar` or `rules`: packaged as budgetlint/_data/NAME, or at the repository top."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"budgetlint data folder {name!r} is missing from the installation")


def grammar_path(name: str) -> Path:
    return data_dir("grammar") / name


def rules_path(name: str = "") -> Path:
    return data_dir("rules") / name if name else data_dir("rules")


_folders: dict[tuple, Path | None] = {}  # the cache folder decided for each environment (None: no cache)


def cache_dir() -> Path | None:
    """The per-user cache folder (parser tables, unit factors, TOML data, check results), or None when
    there is none we can trust — then every cache is skipped, with one note on stderr.

    `BUDGETLINT_CACHE_DIR`, else `$XDG_CACHE_HOME/budgetlint`, else `~/.cache/budgetlint`; where the
    latter two cannot be made, `$TMPDIR/budgetlint-cache-UID` (a BUDGETLINT_CACHE_DIR that cannot be made
    is no cache, with its note).  It is made 0700, and used only when it is a folder
    owned by the current user that neither group nor others may write: a cache written by anyone else
    could make a clean document report errors (a unit table where 万元 = 1 元).  Decided once for each
    environment (a run asks for it many times).
    """
    environ = os.environ
    key = tuple(environ.get(name) for name in ("BUDGETLINT_CACHE_DIR", "XDG_CACHE_HOME", "HOME", "TMPDIR"))
    if key not in _folders:
        _folders[key] = _find_cache_dir()
    return _folders[key]


def _find_cache_dir() -> Path | None:
    own = os.environ.get("BUDGETLINT_CACHE_DIR")
    base = own or os.environ.get("XDG_CACHE_HOME")
    path = Path(base) if base else Path.home() / ".cache"
    if not own:
        path = path / "budgetlint"
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        if own:  # the folder the user named, or none: never a fallback they did not ask for
            _note(f"BUDGETLINT_CACHE_DIR={own}: {error.strerror or error}: running without a cache")
            return None
        import tempfile

        path = Path(tempfile.gettempdir()) / f"budgetlint-cache-{_uid()}"
        try:
            path.mkdir(mode=0o700, exist_ok=True)
        except OSError as error:
            _note(f"cannot make a cache folder ({error.strerror or error}): running without a cache")
            return None
    problem = untrusted(path)
    if problem:
        _note(f"{path}: {problem}: running without a cache")
        return None
    return path


def _uid() -> int:
    return os.geteuid() if hasattr(os, "geteuid") else 0


def untrusted(path: Path) -> str:
    """Why the folder `path` may not hold our cache ("" when it may): not a folder, owned by another
    user, or writable by group or others (the link itself, when it is one, must be ours too)."""
    import stat

    try:
        link, info = os.lstat(path), os.stat(path)
    except OSError as error:
        return f"cannot be looked at ({error.strerror or error})"
    if not stat.S_ISDIR(info.st_mode):
        return "not a folder"
    if hasattr(os, "geteuid"):  # POSIX: ownership and permission bits mean what they say
        uid = os.geteuid()
        if info.st_uid != uid or link.st_uid != uid:
            return f"owned by another user (uid {info.st_uid if info.st_uid != uid else link.st_uid})"
        if info.st_mode & 0o022:
            return f"writable by group or others (mode {stat.S_IMODE(info.st_mode):o})"
    return ""


_noted: set[str] = set()


def _note(message: str) -> None:
    """`message` on stderr, once in the life of the process."""
    if message not in _noted:
        _noted.add(message)
        sys.stderr.write(f"budgetlint: cache: {message}\n")


def write_atomic(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder and rename it over `path`.

    A symbolic link is written through (its target is replaced), and a file
    that exists keeps its permission bits.
    """
    import stat
    import tempfile

    path = Path(os.path.realpath(path))
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mode = None
    fd, tmp = tempfile.mkstemp(dir=str(path.parent), prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


MAGIC = b"budgetlint-cache"  # the first bytes of every cache entry
_secrets: dict[Path, bytes] = {}


def _secret() -> bytes:
    """This cache folder's own key (32 random bytes in its file `key`, 0600, made once): entries are
    sealed with it, so that one copied from another cache, or made by anyone who cannot read the
    folder, is never taken for ours."""
    folder = cache_dir()
    if folder is None:
        return b""
    found = _secrets.get(folder)
    if found is None:
        path = folder / "key"
        try:
            found = path.read_bytes()
        except OSError:
            found = b""
        if len(found) != 32:
            found = _new_secret(path)
        _secrets[folder] = found
    return found


def _new_secret(path: Path) -> bytes:
    """A new key at `path`, made whole before it appears there (os.link fails when another process made
    one meanwhile: then that one is the key)."""
    import tempfile

    secret = os.urandom(32)
    try:
        fd, tmp = tempfile.mkstemp(dir=str(path.parent), prefix=".key.")  # 0600
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(secret)
            if path.exists():
                os.replace(tmp, path)  # a key of the wrong length: replaced
            else:
                os.link(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        found = path.read_bytes()
    except OSError:
        return secret  # an unwritable folder: entries are neither kept nor read
    return found if len(found) == 32 else secret


def _stamp(source: bytes) -> bytes:
    """What an entry must have been made from: this budgetlint and Python (marshal's format may change
    between versions), and the digest of its source."""
    from budgetlint import __version__

    return digest(f"{__version__} py{sys.version_info[0]}.{sys.version_info[1]}\n".encode() + source)


def seal(source: bytes, payload: bytes) -> bytes:
    """A cache entry: MAGIC, the stamp of `source` (a digest of what it was derived from), the digest of
    `payload` keyed by the folder's key (see _secret), then `payload`."""
    stamp = _stamp(source)
    return MAGIC + stamp + digest(stamp + payload, _secret()) + payload


def unseal(entry: bytes, source: bytes) -> bytes | None:
    """The payload of a cache entry made from `source` by this version in this folder, or None: a
    foreign, stale, truncated or tampered entry is never used."""
    head = len(MAGIC)
    stamp = _stamp(source)
    if len(entry) < head + 32 or not entry.startswith(MAGIC) or entry[head : head + 16] != stamp:
        return None
    payload = entry[head + 32 :]
    return payload if entry[head + 16 : head + 32] == digest(stamp + payload, _secret()) else None


def read_entry(path: Path, source: bytes) -> bytes | None:
    """The payload of the entry at `path` (see unseal), None when there is none to trust."""
    try:
        with open(path, "rb") as handle:
            entry = handle.read()
    except (OSError, ValueError):
        return None
    return unseal(entry, source)


def write_entry(path: Path, source: bytes, payload: bytes) -> None:
    """Store `payload` (derived from `source`) at `path`, atomically: several processes may write the same
    entry at once; a folder that cannot be written costs time, never correctness."""
    try:
        write_atomic(path, seal(source, payload))
    except (OSError, ValueError):
        pass


def cached(kind: str, source: bytes | str, derive: Callable[[], Any]) -> Any:
    """Data derived from `source` (a grammar, a TOML file, unit definitions), from the cache when
    `source` is unchanged; else `derive()`, stored for next time.

    Stored with marshal, Python's own format for compiled modules: builtin and loaded in
    microseconds, where importing json and decoding cost milliseconds of every start-up.  Each entry
    is sealed (see seal): the version, the digest of its source and of its own content are checked
    before it is used.  Data marshal cannot store (a TOML date) is simply not cached; an unreadable,
    truncated, tampered or unwritable cache costs time, never correctness; an untrusted cache folder
    is not used at all (cache_dir).
    """
    import marshal

    folder = cache_dir()
    if folder is None:
        return derive()
    raw = source.encode("utf-8") if isinstance(source, str) else source
    path = folder / f"{kind}-{content_key(raw)}.marshal"
    payload = read_entry(path, raw)
    if payload is not None:
        try:
            return marshal.loads(payload)
        except (ValueError, EOFError, TypeError):
            pass
    data = derive()
    try:
        write_entry(path, raw, marshal.dumps(data))
    except ValueError:  # data marshal cannot store
        pass
    return data


def read_toml(path: Path) -> dict:
    """A TOML file's data, from the cache when the file is unchanged (tomllib takes tens of
    milliseconds for the rule catalogue; a cached copy well under one).  An edited file is always
    read afresh, and its errors raised as tomllib's."""
    data = path.read_bytes()

    def parse() -> dict:
        import tomllib  # only on a cache miss: it brings typing and datetime, ~10 ms of start-up

        return tomllib.loads(data.decode("utf-8"))

    return cached("toml", data, parse)


def lark_parser(name: str, **options):
    """A Lark LALR parser for grammar/NAME, kept in the cache (sealed, see seal) while the grammar, lark's
    version and the options are unchanged."""
    import io

    from lark import Lark
    from lark import __version__ as lark_version

    text = grammar_path(name).read_text(encoding="utf-8")
    folder = cache_dir()
    if folder is None:
        return Lark(text, parser="lalr", **options)
    source = f"{lark_version}{sorted(options.items())}{text}".encode()
    path = folder / f"{Path(name).stem}-{content_key(source)}.lark"
    payload = read_entry(path, source)
    if payload is not None:
        try:
            return Lark.load(io.BytesIO(payload))
        except Exception:  # lark's own format, sealed by us but unreadable to this lark: build it again
            pass
    parser = Lark(text, parser="lalr", **options)
    buffer = io.BytesIO()
    parser.save(buffer)
    write_entry(path, source, buffer.getvalue())
    return parser
