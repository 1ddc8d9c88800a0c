"""Applying fixes: the edits of findings' Fixes written into the text, and files rewritten safely.

`check --fix` applies the fixes marked safe (`--unsafe-fixes`: all of them).
Edits are applied all-or-nothing per fix; a fix whose edits overlap an edit
already taken waits for the next round, which re-checks the new text.  Rounds
stop when nothing more applies, after MAX_ROUNDS, or when a text comes back
(two fixes undoing each other).  A file that cannot be read is never written;
files are rewritten by budgetlint.rewrite (locked, checked unchanged, line ends kept).
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from budgetlint.findings import Edit, Finding
from budgetlint.io import InputError, container_of

MAX_ROUNDS = 10


# ==================================================================== text
def _line_starts(text: str) -> list[int]:
    starts = [0]
    position = text.find("\n")
    while position >= 0:
        starts.append(position + 1)
        position = text.find("\n", position + 1)
    return starts


def _offsets(edit: Edit, text: str, starts: list[int]) -> tuple[int, int] | None:
    """The character range of `edit` in `text`, or None when its span is not inside the text."""
    span = edit.span
    if not (1 <= span.line <= span.end_line <= len(starts)) or span.column < 1 or span.end_column < 1:
        return None

    def offset(line: int, column: int) -> int | None:
        start = starts[line - 1]
        end = starts[line] - 1 if line < len(starts) else len(text)
        position = start + column - 1
        return position if position <= end else None

    first, last = offset(span.line, span.column), offset(span.end_line, span.end_column)
    if first is None or last is None or last < first:
        return None
    return first, last


@dataclass
class Applied:
    text: str
    fixes: list[Finding] = field(default_factory=list)  # whose edits went in
    deferred: list[Finding] = field(default_factory=list)  # overlapping an edit already taken
    invalid: list[Finding] = field(default_factory=list)  # an edit outside the text


def apply_fixes(text: str, findings: Iterable[Finding]) -> Applied:
    """Apply the fixes of `findings` (in order) whose edits overlap no edit already taken."""
    starts = _line_starts(text)
    taken: list[tuple[int, int, str]] = []  # sorted, non-overlapping
    result = Applied(text)
    for finding in findings:
        if finding.fix is None or not finding.fix.edits:
            continue
        ranges = [(_offsets(edit, text, starts), edit.text) for edit in finding.fix.edits]
        if any(bounds is None for bounds, _ in ranges):
            result.invalid.append(finding)
            continue
        candidate = sorted((bounds[0], bounds[1], new) for bounds, new in ranges)
        if any(_clash(a, b) for a, b in zip(candidate, candidate[1:])) or any(_hits(taken, r) for r in candidate):
            result.deferred.append(finding)
            continue
        for edit in candidate:
            bisect.insort(taken, edit, key=lambda item: (item[0], item[1]))
        result.fixes.append(finding)
    pieces = []
    position = 0
    for start, end, new in taken:
        pieces.append(text[position:start])
        pieces.append(new)
        position = end
    pieces.append(text[position:])
    result.text = "".join(pieces)
    return result


def _clash(a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    """Two edits overlap when they share a character, or both insert at one place (their order would be a guess)."""
    (s1, e1, _), (s2, e2, _) = a, b
    return (s1 < e2 and s2 < e1) or (s1 == s2 and (s1 == e1 or s2 == e2))


def _hits(taken: list[tuple[int, int, str]], edit: tuple[int, int, str]) -> bool:
    """Does `edit` clash with an edit of the sorted, non-overlapping `taken`?  Only its neighbours can."""
    index = max(bisect.bisect_left(taken, edit[0], key=lambda item: item[0]) - 1, 0)
    while index < len(taken) and taken[index][0] <= edit[1]:
        if _clash(edit, taken[index]):
            return True
        index += 1
    return False


@dataclass
class FixOutcome:
    text: str
    applied: int = 0  # fixes applied over all rounds
    by_code: Counter = field(default_factory=Counter)
    rounds: int = 0
    remaining: list[Finding] = field(default_factory=list)  # the findings of the final text
    unsafe_left: int = 0  # fixes there but not applied because they are unsafe


def wanted(finding: Finding, unsafe: bool) -> bool:
    return finding.fix is not None and bool(finding.fix.edits) and (finding.fix.safe or unsafe)


def fix_text(
    text: str,
    check: Callable[[str], list[Finding]],
    unsafe: bool = False,
    max_rounds: int = MAX_ROUNDS,
    first: list[Finding] | None = None,
) -> FixOutcome:
    """Apply fixes round after round: check, apply the non-overlapping ones, check again.

    `first`: the findings of `text`, when the caller has them already.
    """
    outcome = FixOutcome(text)
    seen = {text}
    findings = check(text) if first is None else first
    while outcome.rounds < max_rounds:
        fixable = [f for f in findings if wanted(f, unsafe)]
        if not fixable:
            break
        applied = apply_fixes(outcome.text, fixable)
        if not applied.fixes or applied.text in seen:
            break
        outcome.rounds += 1
        outcome.text = applied.text
        outcome.applied += len(applied.fixes)
        outcome.by_code.update(f.code for f in applied.fixes)
        seen.add(applied.text)
        findings = check(outcome.text)
    outcome.remaining = findings
    outcome.unsafe_left = sum(1 for f in findings if f.fix is not None and not f.fix.safe and not unsafe)
    return outcome


# ==================================================================== files
@dataclass
class FixSummary:
    files: int = 0  # files written
    applied: int = 0
    by_code: Counter = field(default_factory=Counter)
    unsafe_left: int = 0
    errors: list[str] = field(default_factory=list)
    failed: list = field(default_factory=list)  # FileErrors: the files where fixing met a bug of ours (Guard)

    def describe(self) -> str:
        codes = ", ".join(f"{code} ×{count}" for code, count in sorted(self.by_code.items()))
        text = (
            f"fixed {self.applied} finding{'s' * (self.applied != 1)} in {self.files} "
            f"file{'s' * (self.files != 1)}" + (f" ({codes})" if codes else "")
        )
        if self.unsafe_left:
            text += (
                f"; {self.unsafe_left} unsafe fix{'es' * (self.unsafe_left != 1)} not applied "
                "(review them, or use --unsafe-fixes)"
            )
        return text


def fix_paths(runner, paths: list[Path], unsafe: bool = False) -> FixSummary:
    """Fix every document under `paths` in place.  Files that do not read are left alone (check reports them);
    a bug of ours with one file leaves that file unchanged, goes to `failed`, and the others are fixed."""
    from budgetlint.runner import Guard, Result, display_path

    summary = FixSummary()
    for file, _explicit in runner.iter_files(paths, Result()):
        if container_of(file):  # a page or a sheet is not rewritten (check reports its findings)
            continue
        shown = display_path(file)
        with Guard(shown, summary.failed):
            _fix_file(runner, file, shown, unsafe, summary)
    return summary


def _fix_file(runner, file: Path, shown: str, unsafe: bool, summary: FixSummary) -> None:
    from budgetlint.config import ConfigError
    from budgetlint.rewrite import RefusedError, rewrite

    try:
        config = runner.config_for(file)
    except ConfigError:
        return
    linter = runner.linter_for(config)
    outcomes: list[FixOutcome] = []

    def change(original) -> tuple[str, None]:
        outcome = fix_text(original.text, lambda text: linter.check_text(text, shown, file)[1], unsafe)
        outcomes.append(outcome)
        return outcome.text, None

    try:
        written = rewrite(file, shown, change)
    except InputError:  # check reports it
        return
    except RefusedError as error:
        summary.errors.append(str(error))
        return
    except OSError as error:
        summary.errors.append(f"{shown}: cannot write the fixes ({error.strerror or error}); left unchanged")
        return
    if not outcomes:
        return
    outcome = outcomes[-1]
    summary.unsafe_left += outcome.unsafe_left
    if written:
        summary.files += 1
        summary.applied += outcome.applied
        summary.by_code.update(outcome.by_code)
