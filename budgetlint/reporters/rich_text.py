"""Terminal output: the findings file by file, each with its row as a code frame, then a summary.

Errors and warnings are shown (`--min-severity`, `--show-info`: more or fewer); one line counts the
findings left out.  rich decides the colour system (terminal, NO_COLOR, FORCE_COLOR, --color) and the
width, and renders each style once; the lines themselves are streamed straight to the output, so
10,000 findings print in a fraction of a second (a rich Table or a Console.print per line costs
seconds).  A row wider than the terminal is cut to a window around the cell (budgetlint.reporters.
terminal), the caret under the cell by display width; the document's text is shown escaped.
"""

from __future__ import annotations

from collections import Counter

from budgetlint.reporters.terminal import hidden_line, shown, visible, window

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_LABELS = {
    "zh": {
        "error": "错误",
        "warning": "警告",
        "info": "提示",
        "expected": "期望",
        "actual": "实际",
        "fix": "修复",
        "safe": "安全",
        "unsafe": "需确认",
        "summary": "共检查 {files}、{projects}：",
        "file": "文件",
        "project": "项目表",
        "and": "、",
        "clean": "未发现问题。",
        "related": "相关",
        "fixable": "[*] 其中 {safe} 个可用 `--fix` 自动修复",
        "unsafe_more": "（另有 {unsafe} 个需加 `--unsafe-fixes`）",
        "baselined": "（另有 {count} 个已记入基线，未显示）",
    },
    "en": {
        "error": "error",
        "warning": "warning",
        "info": "info",
        "expected": "expected",
        "actual": "found",
        "fix": "fix",
        "safe": "safe",
        "unsafe": "unsafe",
        "summary": "Checked {files}, {projects}: ",
        "file": "file",
        "project": "project table",
        "and": ", ",
        "clean": "no findings.",
        "related": "related",
        "fixable": "[*] {safe} fixable with `--fix`",
        "unsafe_more": " ({unsafe} more with `--fix --unsafe-fixes`)",
        "baselined": " ({count} hidden by the baseline)",
    },
}


def _count(number: int, word: str, english: bool) -> str:
    """'3 errors', '1 file', '54 info' (no plural); in Chinese with the measure word: '3 个错误'."""
    if not english:
        return f"{number} 个{word}"
    return f"{number} {word}" if number == 1 or word == "info" else f"{number} {word}s"


class _Painter:
    """Styles rendered to escape codes once, by rich, for the stream's colour system."""

    def __init__(self, stream, color: str | None):
        from rich.console import Console
        from rich.style import Style

        # auto: rich reads the terminal, NO_COLOR (any non-empty value) and FORCE_COLOR; --color wins over both
        always, never = color == "always", color == "never"
        console = Console(
            file=stream,
            force_terminal=True if always else None,
            no_color=never or (False if always else None),
            highlight=False,
        )
        # None when the output is not a colour terminal; NO_COLOR means no escape codes at all (not even bold)
        self.system = None if console.no_color else console._color_system
        self.width = console.width  # the terminal's, else COLUMNS, else 80
        self._style = Style
        self._cache: dict[str, object] = {}

    def __call__(self, style: str, text: str) -> str:
        if self.system is None or not style:
            return text
        parsed = self._cache.get(style)
        if parsed is None:
            parsed = self._cache[style] = self._style.parse(style)
        return parsed.render(text, color_system=self.system)


MIN_FRAME = 16  # the fewest columns a row's window is given, however narrow the terminal


def render(result, stream, options) -> None:
    labels = _LABELS.get(options.lang, _LABELS["zh"])
    paint = _Painter(stream, options.color)
    width = options.width or paint.width
    out: list[str] = []
    write = out.append
    for error in result.errors:
        where = f"{error.path}:{error.line}" if error.line else error.path
        write(f"{paint('bold red', visible(where))}: {visible(error.message)}\n")
    findings, hidden = shown(result.findings, options.min_severity)
    lines_cache: dict[str, list[str]] = {}
    path = None
    for f in findings:
        if f.path != path:  # the file's name once, above its findings
            if path is not None:
                write("\n")
            path = f.path
            write(paint("bold underline", visible(path)) + "\n")
        style = _STYLE.get(f.severity, "")
        where = getattr(f, "place", "") or f"{f.span.line}:{f.span.column}"
        mark = " [*]" if f.fix is not None and f.fix.safe else ""
        write(
            f"{paint('bold', visible(where))} {paint(style, f.code)}{mark} "
            f"{paint(style, labels.get(f.severity, f.severity))} {visible(f.message)}\n"
        )
        lines = lines_cache.get(f.path)
        if lines is None:
            source = result.sources.get(f.path)
            lines = lines_cache[f.path] = source.split("\n") if source is not None else []
        if 0 < f.span.line <= len(lines):
            number = str(f.span.line)
            row = lines[f.span.line - 1]
            if f.place and "\t" in row:  # a workbook's, Word file's or PDF's row: its cells, the caret under one
                row, start, end = _cells(row, f.span.column)
                number = _row_label(f.place) or number
            else:
                start = f.span.column - 1
                end = (f.span.end_column if f.span.end_line == f.span.line else len(row) + 1) - 1
                end = max(end, f.span.column)
            gutter = " " * (len(number) + 1)
            text, before, caret = window(row, start, end, max(width - len(number) - 3, MIN_FRAME))
            write(f"{paint('dim', number + ' │')} {text}\n")
            write(f"{paint('dim', gutter + '│')} {' ' * before}{paint(style, '^' * caret)}\n")
        for related in f.related[:12]:
            write(
                "   "
                + paint(
                    "dim",
                    f"{labels['related']} {related.span.line}:{related.span.column} {visible(str(related.label))}",
                )
                + "\n"
            )
        if f.fix is not None:
            kind = labels["safe"] if f.fix.safe else labels["unsafe"]
            write(f"   {paint('green', labels['fix'] + ' (' + kind + ')')}: {visible(f.fix.description)}\n")
            if options.show_fixes:
                _write_preview(f, lines, write, paint)
        if len(out) > 512:
            stream.write("".join(out))
            out.clear()
    if options.quiet:  # findings (and the errors above them) only
        stream.write("".join(out))
        return
    if findings:
        write("\n")
    severities = Counter(f.severity for f in result.findings)
    english = labels is _LABELS["en"]
    summary = labels["summary"].format(
        files=_count(result.files, labels["file"], english),
        projects=_count(result.projects, labels["project"], english),
    )
    baselined = getattr(result, "baselined", 0)
    by_baseline = labels["baselined"].format(count=baselined) if baselined else ""
    if result.findings:
        counts = labels["and"].join(
            paint(_STYLE[name], _count(severities[name], labels[name], english))
            for name in ("error", "warning", "info")
            if severities[name]
        )
        write(summary + counts + by_baseline + "\n")
    else:
        write(summary + labels["clean"] + by_baseline + "\n")
    left_out = hidden_line(hidden, options.lang)
    if left_out:
        write(paint("dim", left_out) + "\n")
    safe = sum(1 for f in result.findings if f.fix is not None and f.fix.safe)
    if safe:
        unsafe = sum(1 for f in result.findings if f.fix is not None and not f.fix.safe)
        write(
            labels["fixable"].format(safe=safe) + (labels["unsafe_more"].format(unsafe=unsafe) if unsafe else "") + "\n"
        )
    for note in result.notes:
        write(paint("dim", visible(note)) + "\n")
    stream.write("".join(out))


def _cells(row: str, column: int) -> tuple[str, int, int]:
    """A row of cells (budgetlint.places.Places.row_text: TABs between them) framed as `a | b | c`, and the
    characters [start, end) of cell `column` (1-based) in it."""
    cells = row.split("\t")
    index = min(max(column, 1), len(cells)) - 1
    start = sum(len(cell) + 3 for cell in cells[:index])
    return " | ".join(cells), start, start + max(len(cells[index]), 1)


def _row_label(place: str) -> str:
    """The row a place names, for the frame's gutter (`Sheet2!C5` → `5`), or "" (a PDF's page)."""
    from budgetlint.places import row_of

    row = row_of(place)
    return "" if row is None else str(row)


def _write_preview(f, lines: list[str], write, paint) -> None:
    """`--show-fixes`: the rows the fix changes, before (-) and after (+)."""
    from budgetlint.edits import preview

    def line_of(number: int) -> str | None:
        return lines[number - 1] if 0 < number <= len(lines) else None

    for number, old, new in preview(f, line_of):
        gutter = str(number)
        write(f"   {paint('red', f'{gutter} - ' + visible(old))}\n")
        write(f"   {paint('green', ' ' * len(gutter) + ' + ' + visible(new))}\n")
