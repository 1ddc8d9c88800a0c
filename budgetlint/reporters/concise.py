"""`path:line:col: CODE message` — one line a finding, for editors' error matchers and grep.

Errors and warnings, as the rich output (`--min-severity`, `--show-info`), then one line counting those
left out; the document's text is shown escaped (budgetlint.reporters.terminal).  A finding in a workbook,
Word file or PDF says its place instead of line and column, as the user finds it there:
`budget.xlsx:Sheet2!C5: BL201 …`, `report.pdf:page 3: …`."""

from __future__ import annotations

from budgetlint.reporters.terminal import hidden_line, shown, visible


def finding_line(f) -> str:
    if f.place:  # a workbook's, Word file's or PDF's own name of the cell: `budget.xlsx:Sheet1!C12: BL201 …`
        return f"{visible(f.path)}:{visible(f.place)}: {f.code} {visible(f.message)}\n"
    return f"{visible(f.path)}:{f.span.line}:{f.span.column}: {f.code} {visible(f.message)}\n"


def render(result, stream, options) -> None:
    write = stream.write
    for error in result.errors:
        where = f"{error.path}:{error.line}:1" if error.line else f"{error.path}:1:1"
        write(f"{visible(where)}: E000 {visible(error.message)}\n")
    findings, hidden = shown(result.findings, options.min_severity)
    lines_cache: dict[str, list[str]] = {}
    for f in findings:
        write(finding_line(f))
        if options.show_fixes and f.fix is not None:
            lines = lines_cache.get(f.path)
            if lines is None:
                source = result.sources.get(f.path)
                lines = lines_cache[f.path] = source.split("\n") if source is not None else []
            write(_fix_text(f, lines))
    if not options.quiet:
        left_out = hidden_line(hidden, options.lang)
        if left_out:
            write(left_out + "\n")


def _fix_text(f, lines: list[str]) -> str:
    """`--show-fixes`: the fix, and the rows it changes before (-) and after (+)."""
    from budgetlint.edits import preview

    text = f"  fix ({'safe' if f.fix.safe else 'unsafe'}): {visible(f.fix.description)}\n"
    for number, old, new in preview(f, lambda n: lines[n - 1] if 0 < n <= len(lines) else None):
        text += f"  {number} - {visible(old)}\n  {' ' * len(str(number))} + {visible(new)}\n"
    return text
