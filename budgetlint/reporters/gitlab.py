"""`--format gitlab`: a GitLab Code Quality report (`artifacts: reports: codequality:`).

A JSON array of issues with the fields GitLab documents: `description`, `check_name`, `fingerprint`,
`severity` (info, minor, major, critical, blocker) and `location.path` with `location.lines.begin`.
The fingerprint is what GitLab compares between the base and the head of a merge request, so it is
keyed by content, never by line: the path, the rule, the project, the finding's arguments (its values,
without the line numbers some messages cite) and its expected and found values.  Moving a table keeps
its findings' fingerprints; changing a value makes a new one.  Identical findings in one file are told
apart by their order among themselves (GitLab shows one issue a fingerprint).  Files that could not be
read are `budgetlint` issues of severity `blocker`, so a broken input is never a green widget.
A finding in a workbook, Word file or PDF names its place (`Sheet2!C5`) in the description, and its
lines are the place's row.
"""

from __future__ import annotations

import hashlib
import json
from itertools import chain

from budgetlint.findings import format_value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}


def content_key(finding) -> list:
    """What identifies a finding wherever it stands in its file."""
    args = sorted(
        (key, format_value(value)) for key, value in finding.args.items() if key != "line" and not key.endswith("_line")
    )
    return [finding.path, finding.code, finding.project, args, finding.expected, finding.actual]


def fingerprints(findings) -> Iterator[str]:
    """Each finding's fingerprint, in order.  Identical findings are numbered by their order among those
    of their file; a file's findings stand together in a report (sorted by path), so the numbers seen are
    forgotten when the path changes: memory for the findings of one file, not of the run."""
    seen: dict[str, int] = {}
    path = None
    for finding in findings:
        if finding.path != path:
            seen.clear()
            path = finding.path
        key = json.dumps(content_key(finding), ensure_ascii=False, sort_keys=True, default=str)
        occurrence = seen[key] = seen.get(key, 0) + 1
        yield hashlib.sha256(f"{key}\n{occurrence}".encode()).hexdigest()


def _lines(f) -> dict:
    """The finding's lines; in a workbook, Word file or PDF the place's row (its place is in the description)."""
    if f.place:
        from budgetlint.places import row_of

        row = row_of(f.place)
        if row is not None:
            return {"begin": row, "end": row}
    return {"begin": f.span.line, "end": f.span.end_line}


def finding_issue(f, fingerprint: str) -> dict:
    return {
        "description": f"{f.code} {f.place}: {f.message}" if f.place else f"{f.code} {f.message}",
        "check_name": f.code,
        "fingerprint": fingerprint,
        "severity": SEVERITIES.get(f.severity, "minor"),
        "location": {"path": f.path, "lines": _lines(f)},
    }


def error_issues(result) -> list[dict]:
    out = []
    for error in result.errors:
        key = json.dumps([error.path, "E000", error.message], ensure_ascii=False)
        out.append(
            {
                "description": f"E000 {error.message}",
                "check_name": "E000",
                "fingerprint": hashlib.sha256(key.encode()).hexdigest(),
                "severity": "blocker",
                "location": {"path": error.path, "lines": {"begin": error.line or 1}},
            }
        )
    return out


def issues(result) -> list[dict]:
    """The whole report as data (what `render` writes issue by issue)."""
    found = [finding_issue(f, fingerprint) for f, fingerprint in zip(result.findings, fingerprints(result.findings))]
    return found + error_issues(result)


def render(result, stream, options) -> None:
    """`json.dump(issues(result), indent=2)` and a newline, byte for byte, written an issue at a time."""
    everything: Iterator[dict] = chain(
        (finding_issue(f, fingerprint) for f, fingerprint in zip(result.findings, fingerprints(result.findings))),
        error_issues(result),
    )
    separator = "[\n"
    out: list[str] = []
    for issue in everything:
        out.append(separator + "  " + json.dumps(issue, ensure_ascii=False, indent=2).replace("\n", "\n  "))
        separator = ",\n"
        if len(out) >= 256:
            stream.write("".join(out))
            out.clear()
    stream.write("".join(out) + ("[]\n" if separator == "[\n" else "\n]\n"))
