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
    """A short key naming cached data derived from `data` (CRC-32 and length: zlib, not hashlib, is
    already imported at start-up, and a cache key needs no cryptography)."""
    import zlib

    raw = data.encode("utf-8") if isinstance(data, str) else data
    return f"{zlib.crc32(raw):08x}{len(raw):x}"


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


def cache_dir() -> Path:
    """The per-user cache (parser tables, unit factors); never a user's document folder."""
    base = os.environ.get("BUDGETLINT_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base else Path.home() / ".cache"
    path = root / "budgetlint" if not os.environ.get("BUDGETLINT_CACHE_DIR") else root
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        import tempfile

        path = Path(tempfile.gettempdir()) / "budgetlint-cache"
        path.mkdir(parents=True, exist_ok=True)
    return path


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


def cached(kind: str, source: bytes | str, derive: Callable[[], Any]) -> Any:
    """Data derived from `source` (a grammar, a TOML file, unit definitions), from the cache when
    `source` is unchanged; else `derive()`, stored for next time.

    Stored with marshal, Python's own format for compiled modules: builtin and loaded in
    microseconds, where importing json and decoding cost milliseconds of every start-up.  The
    file name carries the Python version (marshal's format may change between versions).  Data
    marshal cannot store (a TOML date) is simply not cached; an unreadable, truncated or
    unwritable cache costs time, never correctness.
    """
    import marshal

    version = f"py{sys.version_info[0]}{sys.version_info[1]}"
    path = cache_dir() / f"{kind}-{content_key(source)}-{version}.marshal"
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        pass
    data = derive()
    try:
        write_atomic(path, marshal.dumps(data))
    except (OSError, ValueError):
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
    """A Lark LALR parser for grammar/NAME, its tables cached by the grammar's content hash."""
    from lark import Lark
    from lark import __version__ as lark_version

    text = grammar_path(name).read_text(encoding="utf-8")
    key = content_key(f"{lark_version}{sorted(options.items())}{text}")
    cache = cache_dir() / f"{Path(name).stem}-{key}.lark-cache"
    try:
        return Lark(text, parser="lalr", cache=str(cache), **options)
    except OSError:  # an unwritable cache: build without it
        return Lark(text, parser="lalr", **options)
