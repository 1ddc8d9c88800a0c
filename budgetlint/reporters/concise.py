"""`path:line:col: CODE message` — one line a finding, for editors' error matchers and grep.

A finding in a workbook, Word file or PDF says its place instead of line and column, as the user
finds it there: `budget.xlsx:Sheet2!C5: BL201 …`, `report.pdf:page 3: …`."""

from __future__ import annotations


def finding_line(f) -> str:
    if f.place:  # a workbook's, Word file's or PDF's own name of the cell: `budget.xlsx:Sheet1!C12: BL201 …`
        return f"{f.path}:{f.place}: {f.code} {f.message}\n"
    return f"{f.path}:{f.span.line}:{f.span.column}: {f.code} {f.message}\n"


def render(result, stream, options) -> None:
    write = stream.write
    for error in result.errors:
        where = f"{error.path}:{error.line}:1" if error.line else f"{error.path}:1:1"
        write(f"{where}: E000 {error.message}\n")
    for f in result.findings:
        write(finding_line(f))
