"""Terminal output: each finding with its row as a code frame, then a summary.

Lines are streamed (no Table of every finding), so 10,000 findings print in
well under a second.  Carets are placed by display width: CJK characters
take two columns, a TAB is shown as →.
"""

from __future__ import annotations

from collections import Counter

from budgetlint.text import display_width

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_LABELS = {
    "zh": {"error": "错误", "warning": "警告", "info": "提示", "expected": "期望", "actual": "实际",
           "fix": "修复", "safe": "安全", "unsafe": "需确认", "summary": "共检查 {files} 个文件、{projects} 个项目表：",
           "clean": "未发现问题。", "related": "相关"},
    "en": {"error": "error", "warning": "warning", "info": "info", "expected": "expected", "actual": "found",
           "fix": "fix", "safe": "safe", "unsafe": "unsafe", "summary": "Checked {files} files, {projects} project tables: ",
           "clean": "no findings.", "related": "related"},
}


def _frame_line(text: str) -> str:
    return text.replace("\t", "→")


def render(result, stream, options) -> None:
    from rich.console import Console
    from rich.markup import escape

    labels = _LABELS.get(options.lang, _LABELS["zh"])
    console = Console(file=stream, highlight=False, soft_wrap=True, force_terminal=options.color,
                      no_color=options.color is False, emoji=False)
    out = console.print
    for error in result.errors:
        where = f"{error.path}:{error.line}" if error.line else error.path
        out(f"[bold red]{escape(where)}[/]: {escape(error.message)}")
    lines_cache: dict[str, list[str]] = {}
    for f in result.findings:
        style = _STYLE.get(f.severity, "")
        head = (
            f"[bold]{escape(f.path)}:{f.span.line}:{f.span.column}[/] "
            f"[{style}]{f.code}[/] [{style}]{labels.get(f.severity, f.severity)}[/] {escape(f.message)}"
        )
        out(head)
        source = result.sources.get(f.path)
        if source is not None:
            lines = lines_cache.get(f.path)
            if lines is None:
                lines = lines_cache[f.path] = source.split("\n")
            if 0 < f.span.line <= len(lines):
                text = _frame_line(lines[f.span.line - 1])
                number = str(f.span.line)
                gutter = " " * (len(number) + 1)
                start = display_width(text[: max(f.span.column - 1, 0)])
                end_col = f.span.end_column if f.span.end_line == f.span.line else len(text) + 1
                width = max(display_width(text[f.span.column - 1 : max(end_col - 1, f.span.column)]), 1)
                out(f"[dim]{number} │[/] {escape(text)}")
                out(f"[dim]{gutter}│[/] {' ' * start}[{style}]{'^' * width}[/]")
        if f.expected is not None or f.actual is not None:
            parts = []
            if f.expected not in (None, ""):
                parts.append(f"{labels['expected']}: {escape(str(f.expected))}")
            if f.actual not in (None, ""):
                parts.append(f"{labels['actual']}: {escape(str(f.actual))}")
            if parts:
                out("   [dim]" + "  ·  ".join(parts) + "[/]")
        for related in f.related[:12]:
            out(f"   [dim]{labels['related']} {related.span.line}:{related.span.column} {escape(related.label)}[/]")
        if f.fix is not None:
            kind = labels["safe"] if f.fix.safe else labels["unsafe"]
            out(f"   [green]{labels['fix']} ({kind})[/]: {escape(f.fix.description)}")
    severities = Counter(f.severity for f in result.findings)
    summary = labels["summary"].format(files=result.files, projects=result.projects)
    if result.findings:
        counts = ", ".join(
            f"[{_STYLE[name]}]{severities[name]} {labels[name]}[/]" for name in ("error", "warning", "info") if severities[name]
        )
        out(summary + counts)
    else:
        out(summary + labels["clean"])
    for note in result.notes:
        out(f"[dim]{escape(note)}[/]")
