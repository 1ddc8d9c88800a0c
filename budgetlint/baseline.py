"""The baseline: today's findings recorded by content, so that only new ones are reported.

`check --write-baseline FILE` records every finding by a key that does not hold its line:

    (file, project, rule code, subject, expected, found)

- file: the document's path relative to the baseline's folder (a renamed file is a new file: its
  findings are reported again);
- subject: what the finding is about — the indicator (`name`), field (`label`, `total`, `field`),
  group, attribute … its check names in the finding's args; for a finding that names none, a hash of
  the text it points at (a paragraph, a cell), its spaces and table rules left out, so that `fmt`'s
  realignment does not change it (see `SUBJECT_ARGS`, `add_subjects`);
- expected and found as the report shows them, a description in words (rather than a value) in
  Chinese whatever the message language (Linter.neutral): a baseline written with --lang zh serves
  a run with --lang en.

Identical keys count: two identical findings recorded and a third appears, the third is reported.
`check --baseline FILE` hides exactly those recorded.  So moving a table, re-ordering projects or
reformatting with `budgetlint fmt` hides the same findings; a new defect, or a changed value in an old
one, is reported.  The file is JSON — versioned, sorted, one finding a line — and validated on read.
"""

from __future__ import annotations

import os
from pathlib import Path

TYPE_CHECKING = False  # typing is not imported on the check path
if TYPE_CHECKING:
    from collections.abc import Iterable

    from budgetlint.findings import Finding

VERSION = 1
# The args that name a finding's subject, most specific first: the indicator, the field's label, the group …
SUBJECT_ARGS = ("subject", "name", "label", "total", "left", "field", "group", "attribute", "child", "quantity_name")
FIELDS = ("path", "project", "code", "subject", "expected", "actual")


class BaselineError(ValueError):
    """A baseline file that cannot be used: one line naming it (exit 2)."""


def named_subject(finding: Finding) -> str | None:
    args = finding.args
    for name in SUBJECT_ARGS:
        value = args.get(name)
        if value not in (None, ""):
            return str(value)
    return None


def add_subjects(findings: list[Finding], blocks: Iterable[str]) -> None:
    """Give each finding that names no subject one: a hash of the text its span covers in the document
    (`blocks`: its text in pieces of whole lines), without spaces or table rules."""
    from budgetlint.resources import digest

    wanted = [f for f in findings if named_subject(f) is None]
    if not wanted:
        return
    lines = {number for f in wanted for number in range(f.span.line, f.span.end_line + 1)}
    text: dict[int, str] = {}
    last = max(lines)
    number = 0
    rest = ""
    for block in blocks:
        block = rest + block
        start = 0
        while (end := block.find("\n", start)) >= 0:
            number += 1
            if number in lines:
                text[number] = block[start:end]
            start = end + 1
        rest = block[start:]
        if number >= last:
            break
    else:
        if rest:
            number += 1
            if number in lines:
                text[number] = rest
    for f in wanted:
        span = f.span
        if span.line == span.end_line:
            covered = text.get(span.line, "")[span.column - 1 : span.end_column - 1]
        else:
            parts = [text.get(span.line, "")[span.column - 1 :]]
            parts += [text.get(n, "") for n in range(span.line + 1, span.end_line)]
            parts.append(text.get(span.end_line, "")[: span.end_column - 1])
            covered = "\n".join(parts)
        plain = "".join(covered.split()).replace("|", "").replace("｜", "")
        f.args["subject"] = "#" + digest(plain).hex()[:16]


def relative(shown: str, folder: Path) -> str:
    """A finding's path as the baseline keys it: relative to the baseline's folder, with `/`."""
    if shown == "-" or not shown:
        return shown
    return os.path.relpath(os.path.abspath(shown), os.path.abspath(folder)).replace(os.sep, "/")


def key_of(finding: Finding, folder: Path) -> tuple[str, ...]:
    return (
        relative(finding.path, folder),
        finding.project or "",
        finding.code,
        named_subject(finding) or "",
        finding.args.get("expected_zh") or finding.expected or "",
        finding.args.get("actual_zh") or finding.actual or "",
    )


def write(path: Path, findings: Iterable[Finding]) -> None:
    """Record `findings` in the baseline at `path` (JSON, sorted: a diff shows what changed)."""
    import json

    from budgetlint.resources import write_atomic

    counts: dict[tuple[str, ...], int] = {}
    folder = path.absolute().parent
    for finding in findings:
        key = key_of(finding, folder)
        counts[key] = counts.get(key, 0) + 1
    lines = []
    for key in sorted(counts):
        entry: dict[str, object] = dict(zip(FIELDS, key))
        if counts[key] > 1:
            entry["count"] = counts[key]
        lines.append(json.dumps(entry, ensure_ascii=False, sort_keys=True))
    head = f'{{"version": {VERSION}, "tool": "budgetlint", "findings": ['
    text = head + ("\n" + ",\n".join(lines) + "\n" if lines else "") + "]}\n"
    write_atomic(path, text.encode("utf-8"))


def read(path: Path) -> dict[tuple[str, ...], int]:
    """The findings a baseline records (key → how many); BaselineError when it cannot be used."""
    import json

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(f"{path}: baseline not found (write one with --write-baseline)") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        raise BaselineError(f"{path}: cannot read the baseline ({reason})") from None
    try:
        data = json.loads(text)
    except ValueError as error:
        line = getattr(error, "lineno", None)
        where = f"{path}:{line}" if line else str(path)
        raise BaselineError(f"{where}: not a baseline: invalid JSON ({getattr(error, 'msg', error)})") from None
    if not isinstance(data, dict) or data.get("tool") != "budgetlint" or "findings" not in data:
        raise BaselineError(f"{path}: not a budgetlint baseline (no tool/findings)")
    if data.get("version") != VERSION:
        raise BaselineError(f"{path}: baseline version {data.get('version')!r}, expected {VERSION}")
    entries = data["findings"]
    if not isinstance(entries, list):
        raise BaselineError(f"{path}: findings: expected a list")
    counts: dict[tuple[str, ...], int] = {}
    for index, entry in enumerate(entries):
        where = f"{path}: findings[{index}]"
        if not isinstance(entry, dict):
            raise BaselineError(f"{where}: expected an object")
        unknown = sorted(set(entry) - {*FIELDS, "count"})
        if unknown:
            raise BaselineError(f"{where}: unknown key {unknown[0]!r}")
        values = []
        for name in FIELDS:
            value = entry.get(name)
            if not isinstance(value, str) or (name in ("path", "code") and not value):
                raise BaselineError(f"{where}: {name}: expected a string, got {value!r}")
            values.append(value)
        count = entry.get("count", 1)
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise BaselineError(f"{where}: count: expected a whole number ≥ 1, got {count!r}")
        key = tuple(values)
        counts[key] = counts.get(key, 0) + count
    return counts


def hide(findings: Iterable[Finding], recorded: dict[tuple[str, ...], int], folder: Path) -> tuple[list[Finding], int]:
    """The findings the baseline does not record (each recorded key hides as many findings as it counts),
    and how many were hidden."""
    left = dict(recorded)
    kept = []
    hidden = 0
    for finding in findings:
        key = key_of(finding, folder)
        if left.get(key, 0) > 0:
            left[key] -= 1
            hidden += 1
        else:
            kept.append(finding)
    return kept, hidden
