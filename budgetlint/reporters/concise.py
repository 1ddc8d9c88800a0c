"""`path:line:col: CODE message` — one line a finding, for editors' error matchers and grep."""

from __future__ import annotations


def finding_line(f) -> str:
    return f"{f.path}:{f.span.line}:{f.span.column}: {f.code} {f.message}\n"


def render(result, stream, options) -> None:
    write = stream.write
    for error in result.errors:
        where = f"{error.path}:{error.line}:1" if error.line else f"{error.path}:1:1"
        write(f"{where}: E000 {error.message}\n")
    for f in result.findings:
        write(finding_line(f))
