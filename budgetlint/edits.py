"""Edits of fixes applied to a text: what `check --fix` writes (budgetlint.fixes) and what `--show-fixes` shows.

Edits are applied all-or-nothing per fix; a fix whose edits overlap an edit already taken is deferred.
Pure text in, text out: the reporters use it as the fixes do.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from budgetlint.findings import Edit, Finding


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


def preview(finding: Finding, line_of: Callable[[int], str | None]) -> list[tuple[int, str, str]]:
    """What `finding`'s fix alone would change: (line number, the line, the line fixed) for each line its
    edits touch, applied as `apply_fixes` applies them; [] when a line is unknown (`line_of` gives None)
    or the edits do not apply."""
    from types import SimpleNamespace

    if finding.fix is None or not finding.fix.edits:
        return []
    numbers = sorted({edit.span.line for edit in finding.fix.edits})
    lines: list[str] = []
    for number in numbers:
        line = line_of(number)
        if line is None:
            return []
        lines.append(line)
    place = {number: index + 1 for index, number in enumerate(numbers)}  # each line's number in the excerpt
    edits = tuple(
        Edit(edit.span._replace(line=place[edit.span.line], end_line=place[edit.span.line]), edit.text)
        for edit in finding.fix.edits
    )
    applied = apply_fixes("\n".join(lines), [SimpleNamespace(fix=finding.fix._replace(edits=edits))])  # type: ignore[list-item]
    if not applied.fixes:
        return []
    return [(number, old, new) for number, old, new in zip(numbers, lines, applied.text.split("\n")) if old != new]
