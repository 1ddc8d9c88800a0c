"""Terminal output: each finding with its row as a code frame, then a summary.

rich decides the colour system (terminal, NO_COLOR, FORCE_COLOR, --color) and
renders each style once; the lines themselves are streamed straight to the
output, so 10,000 findings print in a fraction of a second (a rich Table or a
Console.print per line costs seconds).  Carets are placed by display width:
CJK characters take two columns, a TAB is shown as →.
"""

from __future__ import annotations

from collections import Counter

from budgetlint.text import display_width

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
        self._style = Style
        self._cache: dict[str, object] = {}

    def __call__(self, style: str, text: str) -> str:
        if self.system is None or not style:
            return text
        parsed = self._cache.get(style)
        if parsed is None:
            parsed = self._cache[style] = self._style.parse(style)
        return parsed.render(text, color_system=self.system)


def _frame_line(text: str) -> str:
    return text.replace("\t", "→")


def render(result, stream, options) -> None:
    labels = _LABELS.get(options.lang, _LABELS["zh"])
    paint = _Painter(stream, options.color)
    out: list[str] = []
    write = out.append
    for error in result.errors:
        where = f"{error.path}:{error.line}" if error.line else error.path
        write(f"{paint('bold red', where)}: {error.message}\n")
    lines_cache: dict[str, list[str]] = {}
    for f in result.findings:
        style = _STYLE.get(f.severity, "")
        write(
            f"{paint('bold', f'{f.path}:{f.span.line}:{f.span.column}')} {paint(style, f.code)} "
            f"{paint(style, labels.get(f.severity, f.severity))} {f.message}\n"
        )
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
                write(f"{paint('dim', number + ' │')} {text}\n")
                write(f"{paint('dim', gutter + '│')} {' ' * start}{paint(style, '^' * width)}\n")
        parts = []
        if f.expected not in (None, ""):
            parts.append(f"{labels['expected']}: {f.expected}")
        if f.actual not in (None, ""):
            parts.append(f"{labels['actual']}: {f.actual}")
        if parts:
            write("   " + paint("dim", "  ·  ".join(parts)) + "\n")
        for related in f.related[:12]:
            write(
                "   "
                + paint("dim", f"{labels['related']} {related.span.line}:{related.span.column} {related.label}")
                + "\n"
            )
        if f.fix is not None:
            kind = labels["safe"] if f.fix.safe else labels["unsafe"]
            write(f"   {paint('green', labels['fix'] + ' (' + kind + ')')}: {f.fix.description}\n")
        if len(out) > 512:
            stream.write("".join(out))
            out.clear()
    if options.quiet:  # findings (and the errors above them) only
        stream.write("".join(out))
        return
    severities = Counter(f.severity for f in result.findings)
    english = labels is _LABELS["en"]
    summary = labels["summary"].format(
        files=_count(result.files, labels["file"], english),
        projects=_count(result.projects, labels["project"], english),
    )
    baselined = getattr(result, "baselined", 0)
    hidden = labels["baselined"].format(count=baselined) if baselined else ""
    if result.findings:
        counts = labels["and"].join(
            paint(_STYLE[name], _count(severities[name], labels[name], english))
            for name in ("error", "warning", "info")
            if severities[name]
        )
        write(summary + counts + hidden + "\n")
    else:
        write(summary + labels["clean"] + hidden + "\n")
    safe = sum(1 for f in result.findings if f.fix is not None and f.fix.safe)
    if safe:
        unsafe = sum(1 for f in result.findings if f.fix is not None and not f.fix.safe)
        write(
            labels["fixable"].format(safe=safe) + (labels["unsafe_more"].format(unsafe=unsafe) if unsafe else "") + "\n"
        )
    for note in result.notes:
        write(paint("dim", note) + "\n")
    stream.write("".join(out))
