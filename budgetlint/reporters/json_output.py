"""The versioned JSON envelope `{"version", "tool", "findings", "errors", "summary"}`.

Its schema is budgetlint/schemas/findings-1.json; a new optional field raises
SCHEMA_VERSION's minor version, a change that breaks a consumer its major one.
One finding a line: readable, diffable, and fast to write (see `finding_json`).
A finding in a workbook, Word file or PDF adds `place` and, as its place names
them, `sheet` and `cell` or `page` and `box` (1.1); a text file's has none.
"""

from __future__ import annotations

import json
from collections import Counter
from json.encoder import encode_basestring  # json's own string encoder (C), as json.dumps(ensure_ascii=False) uses

from budgetlint import __version__
from budgetlint.docs import rule_url

SCHEMA_VERSION = "1.1"  # 1.1: a finding in a workbook, Word file or PDF says its place


def _text(value: str | None) -> str:
    return "null" if value is None else encode_basestring(value)


def _span(span) -> str:
    line, column, end_line, end_column = span
    return f'"line": {line}, "column": {column}, "end_line": {end_line}, "end_column": {end_column}'


def finding_json(f, docs_url: str | None = None) -> str:
    """A completed finding as one JSON object on one line: the text `json.dumps(..., ensure_ascii=False)`
    gives for its fields (a hypothesis test holds them equal).  Written from a template, the keys being
    constants: a third of the cost of building a dict and encoding it (a 10 MB document has ~21,000
    findings)."""
    text = (
        f'{{"path": {encode_basestring(f.path)}, {_span(f.span)}, "code": {encode_basestring(f.code)}, '
        f'"rule": {encode_basestring(f.rule)}, "severity": {encode_basestring(f.severity)}, '
        f'"message": {encode_basestring(f.message)}, "project": {_text(f.project)}, '
        f'"expected": {_text(f.expected)}, "actual": {_text(f.actual)}'
    )
    if f.related:
        text += (
            ', "related": ['
            + ", ".join(
                [
                    f'{{{_span(r.span)}, "label": {encode_basestring(r.label)}'
                    + (f', "place": {encode_basestring(r.place)}}}' if r.place else "}")
                    for r in f.related
                ]
            )
            + "]"
        )
    if f.fix is not None:
        edits = ", ".join([f'{{{_span(e.span)}, "text": {encode_basestring(e.text)}}}' for e in f.fix.edits])
        text += (
            f', "fix": {{"description": {encode_basestring(f.fix.description)}, '
            f'"safe": {"true" if f.fix.safe else "false"}, "edits": [{edits}]}}'
        )
    if docs_url:
        text += f', "url": {encode_basestring(rule_url(docs_url, f.code) or "")}'
    if f.place:  # a text file's finding has none of these: its output is as before
        text += _place(f)
    return text + "}"


def _place(f) -> str:
    """`"place"`, and `"sheet"` and `"cell"` (a workbook's), `"page"` and `"box"` (a PDF's), as JSON fields."""
    from budgetlint.places import parts

    fields = {"place": f.place, **parts(f.place)}
    if f.box is not None:
        fields["box"] = list(f.box)
    return "".join([f", {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}" for key, value in fields.items()])


def envelope(result, severities: Counter | None = None, codes: Counter | None = None) -> dict:
    """Everything but the findings (written a line each by `render`); the counts by severity and code
    as `render` took them while writing, else counted here."""
    if severities is None or codes is None:
        severities = Counter(f.severity for f in result.findings)
        codes = Counter(f.code for f in result.findings)
    data: dict = {
        "version": SCHEMA_VERSION,
        "tool": {"name": "budgetlint", "version": __version__},
        "errors": [{"path": e.path, "line": e.line, "message": e.message} for e in result.errors],
        "summary": {
            "files": result.files,
            "projects": result.projects,
            "findings": sum(severities.values()),
            "errors": len(result.errors),
            "by_severity": {name: severities.get(name, 0) for name in ("error", "warning", "info")},
            "by_code": dict(sorted(codes.items())),
        },
    }
    if getattr(result, "baselined", 0):  # findings a baseline hid (check --baseline)
        data["summary"]["baselined"] = result.baselined
    return data


def render(result, stream, options) -> None:
    """The envelope, written as the findings are read: a finding a line, then the errors and the summary
    (counted on the way), so that 10⁶ findings are never held as text (the bytes are those of writing
    them all at once)."""
    dumps = json.dumps
    tool = {"name": "budgetlint", "version": __version__}
    stream.write('{"version": ' + dumps(SCHEMA_VERSION) + ', "tool": ' + dumps(tool) + ',\n"findings": [')
    docs_url = getattr(options, "docs_url", None)
    severities: Counter = Counter()
    codes: Counter = Counter()
    out: list[str] = []
    separator = "\n"
    for f in result.findings:
        severities[f.severity] += 1
        codes[f.code] += 1
        out.append(separator + finding_json(f, docs_url))
        separator = ",\n"
        if len(out) >= 512:
            stream.write("".join(out))
            out.clear()
    stream.write("".join(out) + "\n],\n")
    data = envelope(result, severities, codes)
    stream.write('"errors": ' + dumps(data["errors"], ensure_ascii=False) + ",\n")
    stream.write('"summary": ' + dumps(data["summary"], ensure_ascii=False) + "}\n")
