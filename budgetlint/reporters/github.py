"""`--format github`: GitHub Actions workflow commands, one annotation a finding.

`::error file=PATH,line=L,col=C,endLine=L2,endColumn=C2,title=CODE::message`,
with `warning` and `notice` for the other severities.  Escaping follows the
Actions runner: `%`, CR and LF in the message; those and `:` and `,` in the
properties.  GitHub accepts columns only on a one-line annotation, so a span
over several lines gives lines only.  The other characters that drive a terminal
(ESC, BEL, bidi overrides …: a document's text may hold them) are shown escaped,
`\x1b`, as in the rich output: the log shows the annotation lines as they are.
A finding in a workbook, Word file or PDF says its place
(`Sheet2!C5`) in the title and the message, its line being the place's row (no columns: a binary file).
"""

from __future__ import annotations

from budgetlint.reporters.terminal import visible_except

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return visible_except(text, "\r\n").replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items() if value is not None)
    return f"::{name} {props}::{escape_data(message)}" if props else f"::{name}::{escape_data(message)}"


def render(result, stream, options) -> None:
    write = stream.write
    for error in result.errors:
        write(command("error", error.message, file=error.path, line=error.line, title="budgetlint") + "\n")
    for f in result.findings:
        span = f.span
        if f.place:  # a workbook's, Word file's or PDF's cell: its place in the message, its row as the line
            from budgetlint.places import row_of

            write(
                command(
                    COMMANDS.get(f.severity, "warning"),
                    f"{f.place}: {f.message}",
                    file=f.path,
                    line=row_of(f.place) or span.line,
                    title=f"{f.code} {f.place}",
                )
                + "\n"
            )
            continue
        one_line = span.end_line == span.line
        write(
            command(
                COMMANDS.get(f.severity, "warning"),
                f.message,
                file=f.path,
                line=span.line,
                col=span.column if one_line else None,
                endLine=span.end_line,
                endColumn=span.end_column if one_line else None,
                title=f.code,
            )
            + "\n"
        )
