"""What a terminal is shown of a document's text: control characters escaped, a row cut to the width.

A document is untrusted: a cell holding ESC ] 0 ; … BEL would retitle the user's terminal, ESC [ 2 J
clear it, U+202E turn the line around.  Every text of a document that reaches the rich or concise
output (messages, rows, labels, paths) goes through `visible` first: C0 and C1 controls, DEL, the
bidirectional overrides and isolates and the line and paragraph separators are shown escaped, as
Python writes them (`\\x1b`, `\\u202e`).
"""

from __future__ import annotations

from budgetlint.text import display_width

_BIDI = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
_ESCAPED = {code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7F, 0xA0))}
_ESCAPED.update({code: f"\\u{code:04x}" for code in (*_BIDI, 0x2028, 0x2029)})
_ESCAPED.update({ord("\t"): "\\t", ord("\n"): "\\n", ord("\r"): "\\r"})
_IN_ROW = {**_ESCAPED, ord("\t"): "→"}  # a TAB between the cells of a row is shown as an arrow, one column
_PATTERN = None
ELLIPSIS = "…"  # marks where a row is cut (one column)


def _needs_escape():
    global _PATTERN
    if _PATTERN is None:
        import re

        _PATTERN = re.compile("[" + "".join(f"\\u{code:04x}" for code in sorted(_ESCAPED)) + "]")
    return _PATTERN


def visible(text: str, table: dict[int, str] = _ESCAPED) -> str:
    """`text` with the characters that drive a terminal escaped (most texts have none: no translation)."""
    return text.translate(table) if _needs_escape().search(text) is not None else text


def visible_except(text: str, kept: str) -> str:
    """`visible`, leaving the characters of `kept` as they are (GitHub's annotations escape CR and LF their way)."""
    table = _TABLES.get(kept)
    if table is None:
        table = _TABLES[kept] = {code: shown for code, shown in _ESCAPED.items() if chr(code) not in kept}
    return visible(text, table)


_TABLES: dict[str, dict[int, str]] = {}


def window(row: str, start: int, end: int, width: int) -> tuple[str, int, int]:
    """The part of `row` to show in `width` columns around the characters [start, end) it points at:
    (the text shown, the columns before the caret, the caret's width).  The row's characters are shown
    by `visible` (a TAB as →); where it is cut, `…` stands for what is left out.  Widths are display
    widths: a CJK character takes two columns and is never cut in half."""
    if _needs_escape().search(row.replace("\t", " ")) is None and display_width(row) <= width:  # most rows
        row = row.replace("\t", "→")
        start = min(max(start, 0), len(row))
        end = min(max(end, start), len(row))
        return row, display_width(row[:start]), max(display_width(row[start:end]), 1)
    shown = [row[index].translate(_IN_ROW) for index in range(len(row))]
    widths = [display_width(piece) for piece in shown]
    count = len(shown)
    start = min(max(start, 0), count)
    end = min(max(end, start), count)
    total = sum(widths)
    if total <= width:
        lo, hi = 0, count
    else:
        lo, hi = _fit(widths, start, end, max(width, 3))
    text = "".join(shown[lo:hi])
    before = sum(widths[lo:start]) if start >= lo else 0
    if lo > 0:
        text, before = ELLIPSIS + text, before + 1
    if hi < count:
        text += ELLIPSIS
    caret = sum(widths[max(start, lo) : min(end, hi)])
    return text, before, max(caret, 1)


def _fit(widths: list[int], start: int, end: int, width: int) -> tuple[int, int]:
    """The characters [lo, hi) of a row too wide for `width` columns to show, each cut end marked by one
    column: the pointed characters from their start (as many as fit), and around them context, as much
    on the left as on the right where the row has it."""
    count = len(widths)

    def fits(lo: int, hi: int, used: int) -> bool:
        return used + (lo > 0) + (hi < count) <= width

    lo = hi = start
    used = 0
    while hi < max(end, start + 1) and hi < count and fits(lo, hi + 1, used + widths[hi]):
        used += widths[hi]
        hi += 1
    left = (width - used - (lo > 0) - (hi < count)) // 2  # half of the room left, for the context before
    while lo > 0 and widths[lo - 1] <= left and fits(lo - 1, hi, used + widths[lo - 1]):
        lo -= 1
        left -= widths[lo]
        used += widths[lo]
    for _ in range(2):  # the room left: to the right, then to the left, then to the right (a cut undone frees a mark)
        while hi < count and fits(lo, hi + 1, used + widths[hi]):
            used += widths[hi]
            hi += 1
        while lo > 0 and fits(lo - 1, hi, used + widths[lo - 1]):
            lo -= 1
            used += widths[lo]
    return lo, hi


def shown(findings, min_severity: str) -> tuple[list, dict[str, int]]:
    """The findings at `min_severity` or above, and how many of each severity below it are left out."""
    from budgetlint.findings import SEVERITY_RANK

    floor = SEVERITY_RANK[min_severity]
    kept: list = []
    hidden: dict[str, int] = {}
    for finding in findings:
        if SEVERITY_RANK.get(finding.severity, 0) >= floor:
            kept.append(finding)
        else:
            hidden[finding.severity] = hidden.get(finding.severity, 0) + 1
    return kept, hidden


def hidden_line(hidden: dict[str, int], lang: str) -> str:
    """One line counting the findings not shown and saying how to show them ('' when none is hidden)."""
    counts = [(hidden.get(name, 0), name) for name in ("warning", "info") if hidden.get(name)]
    if not counts:
        return ""
    lowest = counts[-1][1]
    only_info = lowest == "info" and len(counts) == 1
    if lang == "en":
        how = "`--show-info` (or `--min-severity info`)" if only_info else f"`--min-severity {lowest}`"
        what = ", ".join(f"{number} {name}" + "s" * (name == "warning" and number != 1) for number, name in counts)
        return f"{what} not shown: {how} shows them"
    how = "`--show-info`（或 `--min-severity info`）" if only_info else f"`--min-severity {lowest}` "
    words = {"warning": "警告", "info": "提示"}
    what = "、".join(f"{number} 个{words[name]}" for number, name in counts)
    return f"另有 {what}未显示：加 {how}显示"
