"""`.gitignore` and `.ignore` files, as a folder walk respects them (as ruff and ripgrep do).

The matching is pathspec's (`GitIgnoreSpec`: git's own rules, `!` negation, `dir/` patterns, `**`).
What is ours is only which files apply: each one to the paths below its folder, a deeper one deciding
before those above it (as git: the last matching pattern of the nearest file wins), from the top of
the git repository (a folder holding `.git`, whose `.git/info/exclude` applies too) or, outside one,
from the walked folder down.  A folder that is ignored is not entered, so nothing under it comes back.
pathspec is imported only when a walk meets such a file: a check of named files never pays for it.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing is not imported on the check path
if TYPE_CHECKING:
    from typing import Any

NAMES = (".gitignore", ".ignore")
Chain = tuple  # ((folder, spec), …), the outermost first


def _spec(lines: list[str]) -> Any:
    from pathspec import GitIgnoreSpec

    return GitIgnoreSpec.from_lines(lines)


def _read(path: str) -> list[str] | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read().splitlines()
    except OSError:  # absent, unreadable, a folder: no patterns
        return None


def own(folder: str) -> Chain:
    """The specs of the ignore files in `folder` itself ((folder, spec) pairs; none: ())."""
    found = []
    for name in NAMES:
        lines = _read(os.path.join(folder, name))
        if lines and any(line.strip() and not line.lstrip().startswith("#") for line in lines):
            found.append((folder, _spec(lines)))
    return tuple(found)


def git_top(folder: str) -> str | None:
    """The folder at or above `folder` that holds `.git`, if any."""
    current = folder
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def chain_for(folder: str) -> Chain:
    """The specs that apply inside `folder` (absolute), from the top of its git repository down to it."""
    top = git_top(folder)
    if top is None:
        return own(folder)
    chain: Chain = ()
    exclude = _read(os.path.join(top, ".git", "info", "exclude"))
    if exclude:
        chain += ((top, _spec(exclude)),)
    relative = os.path.relpath(folder, top)
    parts = [] if relative == "." else relative.split(os.sep)
    current = top
    chain += own(current)
    for part in parts:
        current = os.path.join(current, part)
        chain += own(current)
    return chain


def walk_chains(path: os.PathLike | str) -> dict[str, Chain]:
    """{walked folder: the specs that apply in it}, the start of a walk's folder → specs map.  Inside a
    repository the files above the folder apply too, unless they ignore the folder itself: a folder
    named on the command line is walked all the same."""
    start = os.path.abspath(path)
    top = git_top(start)
    if top is None or top == start:
        return {os.fspath(path): chain_for(start)}
    above = chain_for(os.path.dirname(start))
    if ignored(start, True, above):
        above = ()
    return {os.fspath(path): above + own(start)}


def below(chain: Chain, folder: str) -> Chain:
    """The specs that apply in `folder`, a sub-folder of one where `chain` applies."""
    return chain + own(os.path.abspath(folder))


def ignored(path: str, is_dir: bool, chain: Chain) -> bool:
    """Whether the specs of `chain` ignore `path` (absolute): the nearest file with a matching pattern decides."""
    for base, spec in reversed(chain):
        relative = os.path.relpath(path, base).replace(os.sep, "/")
        if relative.startswith("../"):
            continue
        decision = spec.check_file(relative + "/" if is_dir else relative).include
        if decision is not None:
            return decision
    return False
