"""`budgetlint lsp`: a language server over stdio publishing the findings of `check` in editors.

Three layers, each usable without the next: positions (our 1-based character
columns ↔ LSP positions in UTF-16, UTF-8 or UTF-32 code units), `TableCache`
(a re-check that reads again only the tables whose text changed), and the
pygls server.  pygls and lsprotocol are imported only when the server starts,
so `budgetlint check` never pays for them.

What a client sees: incremental text sync; diagnostics on open, change and
save (source "budgetlint", code = rule code, codeDescription.href = the rule's
page under the config's docs-url); hover = each finding's message and its
rule's `explain` text; code actions = a quick fix per finding with a Fix (safe
ones preferred, unsafe ones titled "(unsafe)") and `source.fixAll.budgetlint`
with every safe fix.  initializationOptions {"lang": "zh"|"en"} sets the
message language.

Checks run in one worker thread, never in the thread that answers requests: a
hover is never kept waiting by a check.  A change is checked `--debounce-ms`
(150) after the last of a burst; a newer version stops a running or waiting
check of the older one between two tables, and diagnostics are published only
for the version current when they are sent.  On a document of QUICK_LINES
lines or more, the tables a change touched (on opening: the tables of the
first FIRST_LINES lines) are read alone from the reader state before them,
as budgetlint.execute reads a stretch of a large document, and published with
the last complete check's other diagnostics moved with their lines; the whole
document follows in the background and replaces them.

Hostile input: a request whose parameters do not fit the LSP types (a negative
position) gets InvalidParams (-32602); a ranged change that cannot be applied
leaves the server's copy of the text unknown, so the document shows one error
diagnostic and is not checked (no hover, no fixes) until a change carrying the
whole text, or reopening it, puts it back in step.  A framing error (a
missing, non-numeric or wrong Content-Length) is logged and the server exits
with status 1: nothing after it can be trusted to start a message, and the
editor starts a new server.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from budgetlint.record import Record, replace

if TYPE_CHECKING:
    from budgetlint.model import Project

log = logging.getLogger("budgetlint.lsp")
_DIGITS = re.compile(r"\d+")

SOURCE = "budgetlint"
FIX_ALL_KIND = "source.fixAll.budgetlint"


# ==================================================================== positions
class LineIndex:
    """The lines of a document, to turn our columns into LSP positions and back.

    Our columns are 1-based and count Python characters (code points); LSP
    positions are 0-based and count code units of the negotiated encoding:
    UTF-16 by default (a CJK character is one unit, an astral one such as 𠀀
    or an emoji is two), or UTF-8 / UTF-32.  Lines end at '\\n' only — the text
    given here has had '\\r\\n' and '\\r' turned into '\\n', as the LSP counts them.
    """

    def __init__(self, text: str, encoding: str = "utf-16"):
        self.lines = text.split("\n")
        self.encoding = encoding
        self._text: str | None = text

    @property
    def text(self) -> str:
        """The whole text (joined again from the lines after a ranged change, once asked)."""
        if self._text is None:
            self._text = "\n".join(self.lines)
        return self._text

    def units(self, text: str) -> int:
        if text.isascii() or self.encoding == "utf-32":
            return len(text)
        if self.encoding == "utf-8":
            return len(text.encode("utf-8"))
        return len(text.encode("utf-16-le")) // 2

    def line_text(self, line0: int) -> str:
        return self.lines[line0] if 0 <= line0 < len(self.lines) else ""

    def position(self, line: int, column: int) -> tuple[int, int]:
        """(0-based line, code units) of a 1-based line and character column, clamped to the text."""
        index = min(max(line, 1), len(self.lines)) - 1
        text = self.lines[index]
        return index, self.units(text[: min(max(column - 1, 0), len(text))])

    def span_range(self, span) -> tuple[tuple[int, int], tuple[int, int]]:
        start = self.position(span.line, span.column)
        end = self.position(span.end_line, span.end_column)
        return start, max(start, end)

    def column(self, line0: int, units: int) -> int:
        """The 1-based character column at an LSP position (inside a surrogate pair: that character)."""
        text = self.line_text(line0)
        if text.isascii() or self.encoding == "utf-32":
            return min(max(units, 0), len(text)) + 1
        count = 0
        for index, char in enumerate(text):
            if count >= units:
                return index + 1
            count += self.units(char)
            if count > units:
                return index + 1
        return len(text) + 1

    def point(self, line0: int, units: int) -> tuple[int, int]:
        """(line, character in it) of an LSP position, clamped to the text."""
        line0 = min(max(line0, 0), len(self.lines) - 1)
        return line0, self.column(line0, units) - 1

    def apply(self, change: Any) -> LineIndex:
        """The index of the text after one content change: a whole text, or a text replacing a range
        (positions past the end clamped to it), the lines it touches cut again, the others kept as they are
        (a keystroke in a large document costs no copy of its text)."""
        change_range = getattr(change, "range", None)
        inserted = normalize_text(change.text)
        if change_range is None:
            return LineIndex(inserted, self.encoding)
        first, first_character = self.point(change_range.start.line, change_range.start.character)
        last, last_character = self.point(change_range.end.line, change_range.end.character)
        if (last, last_character) < (first, first_character):
            last, last_character = first, first_character
        middle = (self.lines[first][:first_character] + inserted + self.lines[last][last_character:]).split("\n")
        index = LineIndex("", self.encoding)
        index.lines = self.lines[:first] + middle + self.lines[last + 1 :]
        index._text = None
        return index


def apply_change(text: str, change: Any, encoding: str = "utf-16") -> str:
    """The document after one content change: a whole text, or a text replacing a range."""
    return LineIndex(text, encoding).apply(change).text


def normalize_text(text: str) -> str:
    """Line ends as the reader wants them ('\\n'); line numbers and columns stay the editor's."""
    from budgetlint.io import normalize_newlines

    return normalize_newlines(text)


# ==================================================================== incremental re-check
class _Stale(Exception):
    """A cached table that cannot be moved safely: read it again."""


class _Resync(Exception):
    """The table boundaries guessed from the text disagree with the reader: check the whole text."""


class Interrupted(Exception):
    """A check stopped between two tables because its caller asked (a newer version of the document, or
    more urgent work): the tables read so far stay in the cache, so that the next check reuses them."""


@dataclass
class _Chunk:
    """What reading one stretch of text (normally one table) gave, from one reader state.

    Spans are absolute, as read at `first_line`; `entry_spans` are the spans of
    the reader state it started from (the fiscal year's line, stated above it).
    """

    texts: tuple[str, ...]  # the segments it covers (more than one when a directive spans them)
    first_line: int
    line_count: int
    last: bool
    entry_spans: tuple
    exit_state: Any  # budgetlint.reader.ReaderState
    project_count: int
    projects: list | None  # None: not moved along (no caller asked for the model)
    reader_findings: list
    directives: list
    metadata: dict
    checked: list  # the check kinds' findings on its projects, stamped, before suppression

    def fits(self, texts: list[str], index: int) -> bool:
        end = index + len(self.texts)
        return tuple(texts[index:end]) == self.texts and self.last == (end == len(texts))


class TableCache:
    """Checks successive versions of one document, reading again only the tables whose text changed.

    The text is cut before each `项目名称` row (and before the directives just
    above it).  A piece is read by the real reader (build.Reading) from the reader
    state the previous piece left — 单位, 年度 and its line, whether a table was
    seen — and its projects are checked by the engine's own check step.  A piece
    whose text and entry state are unchanged is reused; if lines above it were
    added or removed, its spans, line numbers and `*line` message arguments are
    moved.  Suppression, document-scope checks and message rendering run on the
    whole document every time, as in `Linter.check_text`, whose result this
    equals (tests/test_lsp.py checks that on the seed and on random edits).

    A cut the reader does not confirm as a table start makes it fall back to a
    full check; a piece is only cut where the reader state is clean (no
    directive waiting for the end of a table).
    """

    def __init__(self, linter, file: Path | None = None):
        self.linter = linter
        self.file = file
        self._needles = tuple(ch for ch in linter.reader.name_label if not ch.isascii())
        self._chunks: dict[tuple, _Chunk] = {}
        self._starts: dict[str, bool] = {}
        self.read = 0  # pieces read by the last check (for tests and the benchmark)
        self.reused = 0
        self.moved = 0
        # Of the last complete check: each piece's first line and the reader state before it (where a
        # part of the next version can be read from), and the directives that cover the whole file.
        self.boundaries: list[tuple[int, Any]] = []
        self.file_directives: list = []

    # ---------------------------------------------------------------- public
    def check(self, text: str, path: str = "<text>", keep_projects: bool = True, should_stop=None):
        """(Document, findings) of `text`, exactly as `Linter.check_text(text, path, file, keep_projects)`.

        With `keep_projects=False` (the server) the model of tables that only
        moved is not moved along, unless a document-scope check needs it.
        `should_stop()`, asked before each piece, stops the check (Interrupted).
        """
        try:
            return self._check(text, path, keep_projects, should_stop)
        except _Resync as why:
            log.warning("incremental re-check out of step (%s); checking the whole document", why)
            self._chunks = {}
            self.boundaries, self.file_directives = [], []
            self.read, self.reused, self.moved = 1, 0, 0
            return self.linter.check_text(text, path, self.file, keep_projects)

    # ---------------------------------------------------------------- one stretch before the rest
    def first_stretch(self, lines: list[str], first_lines: int) -> int | None:
        """The end (a line index) of the pieces that hold the first `first_lines` lines: the cut before the
        first table that starts below them; None when there is none (they are the whole document)."""
        for index in range(first_lines, len(lines)):
            if self._is_table_start(lines[index]):
                cut = self._segments(lines[: index + 1])[-1][0]
                return cut if cut > 0 else None
        return None

    def edit_stretch(self, lines: list[str], first: int, old_end: int, delta: int) -> tuple[int, int, Any] | None:
        """(start, end, reader state at start) of the pieces that hold the lines changed since the last
        complete check — lines first…old_end-1 then, first…old_end+delta-1 now (indexes) — cut where that
        check cut, at a table start the text still has; None before any complete check."""
        import bisect

        if not self.boundaries:
            return None
        starts = [line - 1 for line, _ in self.boundaries]
        above = bisect.bisect_right(starts, first) - 1
        while above > 0 and not self._starts_piece(lines, starts[above]):
            above -= 1
        start, state = starts[above], self.boundaries[above][1]
        end = len(lines)
        for old in starts[bisect.bisect_left(starts, old_end) :]:
            if old + delta > start and self._starts_piece(lines, old + delta):
                end = old + delta
                break
        return start, end, state

    def _starts_piece(self, lines: list[str], index: int) -> bool:
        """Whether a piece can start at `index`: its first line that is not blank or a directive starts a table."""
        for line in lines[index : index + 64]:
            if line.strip() and not self._is_directive(line):
                return self._is_table_start(line)
        return False

    def check_stretch(self, lines: list[str], start: int, end: int, state, path: str) -> list:
        """The findings on lines start…end-1 (indexes) of the pieces there, read alone from `state` by the
        engine's `check_stretch` (as budgetlint.execute reads a stretch of a large document): the tables'
        findings and the reader's, suppressed by the stretch's directives and the file-wide ones of the last
        complete check.  Without the findings of document-scope rules and of unused suppressions (BL009):
        they need the whole document."""
        from budgetlint.containers.text import TextBlocks
        from budgetlint.model import Document

        linter = self.linter
        document = Document(path=path, line_count=len(lines))
        document.directives.extend(d for d in self.file_directives if not start < d.span.line <= end)
        text = "".join(line + "\n" for line in lines[start:end])
        raw = linter.check_stretch(TextBlocks(text, start + 1), document, state, end == len(lines), self.file)
        findings = linter.finish(document, raw, self.file)
        whole = {rule.code for rule in linter.catalogue if rule.kind == "suppression"}
        whole.update(rule.code for rule, kind, _ in linter.plan_for(self.file) if kind.scope == "document")
        return [f for f in findings if start < f.span.line <= end and f.code not in whole]

    # ---------------------------------------------------------------- cutting
    def _is_table_start(self, line: str) -> bool:
        known = self._starts.get(line)
        if known is None:
            known = False
            if all(ch in line for ch in self._needles):
                from budgetlint.containers.text import classify

                first = classify(line, 1)
                known = first is not None and first.kind == "row" and self.linter.reader.starts_table(first)
            if len(self._starts) > 4096:
                self._starts.clear()
            self._starts[line] = known
        return known

    @staticmethod
    def _is_directive(line: str) -> bool:
        if "<!--" not in line:
            return False
        from budgetlint.containers.text import classify

        first = classify(line, 1)
        return first is not None and first.kind in ("directive", "comment")

    def _segments(self, lines: list[str]) -> list[tuple[int, int]]:
        """[start, end) line indexes of the pieces: each table from the directives above its 项目名称 row."""
        cuts = [0]
        previous = -1
        for index, line in enumerate(lines):
            if not self._is_table_start(line):
                continue
            cut = index
            above = index - 1
            while above > previous and (not lines[above].strip() or self._is_directive(lines[above])):
                if lines[above].strip():
                    cut = above
                above -= 1
            if cut > cuts[-1]:
                cuts.append(cut)
            previous = index
        return list(zip(cuts, [*cuts[1:], len(lines)]))

    # ---------------------------------------------------------------- checking
    def _check(self, text: str, path: str, keep_projects: bool, should_stop=None):
        from budgetlint.model import Document
        from budgetlint.reader import ReaderState

        body = text if text.endswith("\n") else text + "\n"
        lines = body.split("\n")[:-1]
        segments = self._segments(lines)
        texts = ["".join(line + "\n" for line in lines[start:end]) for start, end in segments]
        linter = self.linter
        plan = linter.plan_for(self.file)
        context = linter.new_context()
        need_projects = keep_projects or any(kind.scope == "document" for _, kind, _ in plan)
        state = ReaderState()
        used: dict[tuple, _Chunk] = {}
        chunks: list[_Chunk] = []
        self.read = self.reused = self.moved = 0
        boundaries = []
        index = 0
        while index < len(segments):
            if should_stop is not None and should_stop():
                if len(self._chunks) < 2 * len(segments) + 64:
                    self._chunks.update(used)
                else:  # checks stopped again and again (typing without a pause): keep this one's pieces only
                    self._chunks = used
                raise Interrupted(f"stopped before line {segments[index][0] + 1}")
            first_line = segments[index][0] + 1
            boundaries.append((first_line, state))
            state_key, spans = _state_key(state)
            key = (state_key, texts[index])
            chunk = self._chunks.get(key)
            if chunk is not None and chunk.fits(texts, index) and (chunk.projects is not None or not need_projects):
                if chunk.first_line != first_line or chunk.entry_spans != spans:
                    try:
                        chunk = _moved(chunk, first_line, spans, need_projects)
                        self.moved += 1
                    except _Stale:
                        chunk = self._read(state, spans, texts, segments, index, plan, context, need_projects)
                else:
                    self.reused += 1
            else:
                chunk = self._read(state, spans, texts, segments, index, plan, context, need_projects)
            used[key] = chunk
            chunks.append(chunk)
            state = chunk.exit_state
            index += len(chunk.texts)
        self._chunks = used

        document = Document(path=path, line_count=text.count("\n") + (0 if text.endswith("\n") else 1))
        raw = []
        for chunk in chunks:
            document.metadata.update(chunk.metadata)
            document.directives.extend(chunk.directives)
            document.findings.extend(chunk.reader_findings)
            document.project_count += chunk.project_count
            if need_projects and chunk.projects is not None:
                document.projects.extend(chunk.projects)
            raw.extend(chunk.checked)
        self.boundaries = boundaries
        self.file_directives = [d for d in document.directives if d.scope == "file"]
        return document, linter.finish(document, raw, self.file)

    def _read(self, state, spans, texts, segments, index, plan, context, need_projects: bool = True) -> _Chunk:
        """Read pieces from `index` on, from `state`, until no directive waits for a table to end at a cut."""
        from budgetlint.containers.text import TextBlocks
        from budgetlint.model import Document
        from budgetlint.reader import Reading

        self.read += 1
        document = Document(path="")
        reading = Reading(self.linter.reader, document, state)
        projects: list[Project] = []
        end = index
        while True:
            first_line = segments[end][0] + 1
            projects.extend(reading.read(TextBlocks(texts[end], first_line)))
            if end > 0:  # a cut must be a table start the reader agrees with
                start = self._first_line(texts[end], first_line)
                starts = {project.span.line for project in projects}
                if reading.table is not None:
                    starts.add(reading.table.project.span.line)
                if start is not None and start not in starts:
                    raise _Resync(f"line {start} was taken for a table start")
            last = end == len(segments) - 1
            if last:
                reading.finish()
            else:
                reading.end_table()
            projects.extend(reading.take())
            end += 1
            if last or (not reading.directives.waiting and all(d.last_line != -1 for d in document.directives)):
                break
        checked = []
        for project in projects:
            checked.extend(self.linter.check_project(project, plan, context))
        first = segments[index][0]
        return _Chunk(
            texts=tuple(texts[index:end]),
            first_line=first + 1,
            line_count=segments[end - 1][1] - first,
            last=end == len(segments),
            entry_spans=spans,
            exit_state=reading.state(),
            project_count=len(projects),
            projects=projects if need_projects else None,  # a check that needs no model keeps none
            reader_findings=list(document.findings),
            directives=list(document.directives),
            metadata=dict(document.metadata),
            checked=checked,
        )

    def _first_line(self, text: str, first_line: int) -> int | None:
        """The number of the first line of a piece that is not blank, a directive or a comment."""
        for offset, line in enumerate(text.split("\n")):
            if line.strip() and not self._is_directive(line):
                return first_line + offset
        return None


def _state_key(state) -> tuple[tuple, tuple]:
    """A hashable key of a reader state without its spans, and its spans apart (they move with lines)."""
    key = (
        state.fiscal_year,
        state.fiscal_year_rank,
        state.money_unit_text,
        state.tables > 0,  # the reader only asks whether a table was seen
        tuple(repr(directive) for directive in state.waiting),
    )
    spans = () if state.fiscal_year_span is None else (state.fiscal_year_span,)
    return key, spans


def _moved(chunk: _Chunk, first_line: int, spans: tuple, with_projects: bool) -> _Chunk:
    """`chunk` as if read at `first_line` from a state whose spans are `spans`."""
    mover = _Mover(chunk, first_line, spans)
    return _Chunk(
        texts=chunk.texts,
        first_line=first_line,
        line_count=chunk.line_count,
        last=chunk.last,
        entry_spans=spans,
        exit_state=mover.any(chunk.exit_state),
        project_count=chunk.project_count,
        projects=[mover.any(project) for project in chunk.projects or ()] if with_projects else None,
        reader_findings=[mover.finding(f) for f in chunk.reader_findings],
        directives=[mover.any(directive) for directive in chunk.directives],
        metadata={key: mover.any(value) for key, value in chunk.metadata.items()},
        checked=[mover.finding(f) for f in chunk.checked],
    )


class _Mover:
    """Moves what a chunk holds: spans of its own lines by the line shift, spans of its entry state to the new ones.

    Line numbers that are plain ints are recognised by name: model fields and
    message arguments called `line` or ending in `line` (end_line, label_line);
    a file-wide directive's 1…10**9 is a range, not lines, and stays.  A
    finding with any other number that could be a moving line — an int
    argument, or digits in its expected / actual / labels / fix texts ("第 345
    行与第 346 行") — makes the chunk stale: it is read again rather than risk a
    wrong message.  Numbers in values ("100 项") make that happen needlessly now
    and then; it costs a re-read, never a wrong finding.
    """

    _OPAQUE_MODULES = ("budgetlint.values", "budgetlint.units")  # hold offsets within a cell, never lines

    def __init__(self, chunk: _Chunk, first_line: int, spans: tuple):
        self.low = chunk.first_line
        self.high = chunk.first_line + chunk.line_count - 1
        self.delta = first_line - chunk.first_line
        self.entry = {old: new for old, new in zip(chunk.entry_spans, spans) if old != new}
        self.entry_lines = {
            line for old, new in self.entry.items() if old[0] != new[0] or old[2] != new[2] for line in (old[0], old[2])
        }

    def line(self, number: int) -> int:
        return number + self.delta if self.low <= number <= self.high else number

    def span(self, span):
        moved = self.entry.get(span)
        if moved is not None:
            return moved
        if self.delta and self.low <= span.line <= self.high:
            return type(span)(span.line + self.delta, span.column, span.end_line + self.delta, span.end_column)
        return span

    def moves(self, number: int) -> bool:
        """Whether `number`, if it is a line number, is one this move changes."""
        return bool(self.delta) and self.low <= number <= self.high or number in self.entry_lines

    def mentions_moving_line(self, value) -> bool:
        """Whether a text (or the texts in a dict, list, tuple) holds a number that could be a moving line."""
        if isinstance(value, str):
            return any(self.moves(int(digits)) for digits in _DIGITS.findall(value))
        if isinstance(value, dict):
            return any(self.mentions_moving_line(item) for item in value.values())
        if isinstance(value, (list, tuple)):
            return any(self.mentions_moving_line(item) for item in value)
        return False

    def finding(self, finding):
        texts = [finding.expected, finding.actual, [r.label for r in finding.related]]
        if finding.fix is not None:
            texts += [finding.fix.description, [edit.text for edit in finding.fix.edits]]
        args = finding.args
        if args:
            new_args = {}
            for name, value in args.items():
                if isinstance(value, int) and not isinstance(value, bool):
                    if name.endswith("line"):
                        value = self.line(value)
                    elif self.moves(value):
                        raise _Stale(f"{finding.code} argument {name}={value} may be a line number")
                else:
                    texts.append(value)
                new_args[name] = value
            args = new_args
        if self.mentions_moving_line(texts):
            raise _Stale(f"{finding.code} says a number that may be a line which moved")
        moved = self.any(finding)
        if moved is finding:
            moved = replace(finding)  # never share a mutable Finding between cache entries
        moved.args = args
        moved.rule = ""  # its message may say a line number: the engine completes it again
        return moved

    def any(self, obj):
        from budgetlint.model import Directive, Span

        if isinstance(obj, Span):
            return self.span(obj)
        if isinstance(obj, Directive) and obj.scope == "file":  # lines 1…10**9: the whole file, not line numbers
            return replace(obj, span=self.span(obj.span))
        if obj is None or isinstance(obj, (str, int, float, bool)):
            return obj
        if isinstance(obj, list):
            return [self.any(item) for item in obj]
        if isinstance(obj, tuple) and hasattr(obj, "_fields"):  # a named tuple (Related, Edit, Fix …)
            changes = self.fields(obj)
            return obj._replace(**changes) if changes else obj
        if isinstance(obj, tuple):
            return tuple(self.any(item) for item in obj)
        if isinstance(obj, dict):
            return {key: self.any(value) for key, value in obj.items()}
        if isinstance(obj, Record):
            changes = self.fields(obj)
            return replace(obj, **changes) if changes else obj
        return obj

    def fields(self, obj) -> dict:
        """The shifted values of a named tuple's or a record's fields that change (a field named
        *line holding an int is a line number)."""
        if type(obj).__module__ in self._OPAQUE_MODULES:
            return {}
        changes = {}
        for name in obj._fields:
            value = getattr(obj, name)
            if isinstance(value, int) and not isinstance(value, bool) and name.endswith("line"):
                new = self.line(value)
            else:
                new = self.any(value)
            if new is not value:
                changes[name] = new
        return changes


# ==================================================================== findings → LSP
def rule_href(rule, docs_url: str | None) -> str | None:
    """The link a diagnostic's code opens: the rule's page under the config's docs-url; none without one
    (never a file of the installation)."""
    from budgetlint.docs import rule_url

    return rule_url(docs_url, rule.code) if rule is not None else None


def hover_markdown(findings, catalogue, lang: str) -> str:
    """Each finding's message, then its rule's `budgetlint explain` text (once per rule)."""
    from budgetlint.explain import explain_text

    blocks = []
    explained = set()
    for finding in findings:
        head = f"**{finding.code}** `{finding.rule}` · {finding.severity}\n\n{_escape_markdown(finding.message)}"
        if finding.fix is not None:
            safe = "safe fix" if lang == "en" else "安全修复"
            unsafe = "unsafe fix" if lang == "en" else "不安全修复"
            head += f"\n\n{safe if finding.fix.safe else unsafe}: {_escape_markdown(finding.fix.description)}"
        rule = catalogue.rules.get(finding.code)
        if rule is not None and rule.code not in explained:
            explained.add(rule.code)
            explained_text = explain_text(rule, lang)
            fence = "`" * max(3, _longest_run(explained_text, "`") + 1)
            head += f"\n\n{fence}text\n{explained_text}\n{fence}"
        blocks.append(head)
    return "\n\n---\n\n".join(blocks)


def _longest_run(text: str, char: str) -> int:
    longest = run = 0
    for each in text:
        run = run + 1 if each == char else 0
        longest = max(longest, run)
    return longest


def _escape_markdown(text: str) -> str:
    out = []
    for char in text:
        if char in "\\`*_{}[]<>#|":
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def span_contains(span, line: int, column: int) -> bool:
    """Whether a 1-based line and character column fall inside `span` (its end included, for the cursor after it)."""
    if line < span.line or line > span.end_line:
        return False
    if line == span.line and column < span.column:
        return False
    if line == span.end_line and column > span.end_column:
        return False
    return True


def span_overlaps(span, first: tuple[int, int], last: tuple[int, int]) -> bool:
    """Whether `span` meets the (line, column)..(line, column) range, ends included."""
    return (span.line, span.column) <= last and (span.end_line, span.end_column) >= first


# ==================================================================== the server
FIRST_LINES = 80  # on opening, the tables on these first lines are checked and published before the rest
QUICK_LINES = 2000  # a document shorter than this is checked whole at once (an incremental re-check is quick)
DEBOUNCE = 0.15  # seconds without a change before a changed document is checked
_NEVER = object()  # the version of a document never checked


@dataclass
class _Open:
    """An open document: its text, its version and what the last complete check found."""

    uri: str
    version: int | None
    path: Path | None
    index: LineIndex  # its text, as lines
    findings: list = field(default_factory=list)
    checked_version: Any = _NEVER  # the version `findings` belong to: hover and code actions answer only then
    lang: str = "zh"
    catalogue: Any = None
    docs_url: str | None = None  # the config's docs-url: where a diagnostic's code links to
    cache: TableCache | None = None
    config_signature: tuple = ()
    # The last complete check as published: the lines it read and its diagnostics as sent (_Wire), which a
    # quick check of the changed tables merges with; and each finding's diagnostic, kept while it lives.
    full_lines: list | None = None
    full_wire: list = field(default_factory=list)
    full_wire_lines: list = field(default_factory=list)
    wires: dict = field(default_factory=dict)
    wire_key: tuple = ()
    opened: bool = True  # no check published since didOpen: the first lines go first
    out_of_sync: str = ""  # why this copy of the text cannot be trusted (an invalid change): nothing is checked

    @property
    def text(self) -> str:
        return self.index.text


class _Wire:
    """A diagnostic as sent (JSON), in pieces around its line numbers, so that it moves with its lines cheaply."""

    __slots__ = ("line", "pieces", "lines", "_json")

    def __init__(self, line: int, pieces: tuple[str, ...], lines: tuple[int, ...]):
        self.line = line  # the first line of its range (0-based)
        self.pieces = pieces
        self.lines = lines
        self._json: str | None = None

    def moved(self, delta: int) -> _Wire:
        return _Wire(self.line + delta, self.pieces, tuple(line + delta for line in self.lines))

    def json(self) -> str:
        if self._json is None:
            pieces = self.pieces
            out = [pieces[0]]
            for line, piece in zip(self.lines, pieces[1:]):
                out.append(str(line))
                out.append(piece)
            self._json = "".join(out)
        return self._json


_MARK = "\x01\x02budgetlint-line\x02\x01"


def to_wire(diagnostic: dict) -> _Wire:
    """The JSON of an unstructured diagnostic, cut at the line numbers of its ranges (its own, its related)."""
    import json

    lines: list[int] = []

    def mark(value):
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                if key in ("start", "end") and isinstance(item, dict) and isinstance(item.get("line"), int):
                    lines.append(item["line"])
                    out[key] = {**item, "line": _MARK}
                else:
                    out[key] = mark(item)
            return out
        if isinstance(value, list):
            return [mark(item) for item in value]
        return value

    marked = mark(diagnostic)
    pieces = tuple(json.dumps(marked, separators=(",", ":")).split(json.dumps(_MARK)))
    first = lines[0] if lines else 0
    if len(pieces) != len(lines) + 1:  # a text of it holds the mark: sent as it is, never moved
        return _Wire(first, (json.dumps(diagnostic, separators=(",", ":")),), ())
    return _Wire(first, pieces, tuple(lines))


def changed_lines(old: list[str], new: list[str]) -> tuple[int, int, int]:
    """(first, old stop, new stop): lines first…old stop-1 of `old` became first…new stop-1 of `new`
    (the common head and tail compared a block at a time)."""
    shortest = min(len(old), len(new))
    first = _common(old, new, shortest, lambda i, j: (slice(i, j), slice(i, j)))
    old_size, new_size = len(old), len(new)
    tail = _common(
        old,
        new,
        shortest - first,
        lambda i, j: (slice(old_size - j, old_size - i), slice(new_size - j, new_size - i)),
    )
    return first, old_size - tail, new_size - tail


def _common(old: list, new: list, limit: int, cut) -> int:
    """How many items (up to `limit`) the two lists have in common, counted the way `cut` walks them."""
    done = 0
    step = 4096
    while done < limit:
        stop = min(done + step, limit)
        old_part, new_part = cut(done, stop)
        if old[old_part] == new[new_part]:
            done = stop
            continue
        if step == 1:
            return done
        step = max(1, step // 16)
    return limit


class Scheduler:
    """One worker thread checks documents, one at a time, outside the thread that answers requests.

    Each document has at most one job waiting: a change puts it `DEBOUNCE` seconds away (a newer change
    moves it on: rapid changes make one check).  Urgent jobs (a first or quick check) go before background
    ones (the whole document after a quick check); a background check stops between tables when urgent
    work is due, and goes on later with the tables it read kept.
    """

    def __init__(self, run):
        import threading

        self.run = run  # run(uri, urgent)
        self.jobs: dict[str, list] = {}  # uri → [due (monotonic seconds), urgent]
        self.condition = threading.Condition()
        self.thread: Any = None

    def submit(self, uri: str, urgent: bool = True, delay: float = 0.0, keep_urgent: bool = False) -> None:
        import threading
        import time

        with self.condition:
            job = self.jobs.get(uri)
            if keep_urgent and job is not None:
                return  # a newer change waits already: it checks the newer text
            if job is not None:
                log.debug("the waiting check of %s superseded", uri)
            self.jobs[uri] = [time.monotonic() + delay, urgent]
            self.condition.notify()
            if self.thread is None:
                self.thread = threading.Thread(target=self._work, name="budgetlint-check", daemon=True)
                self.thread.start()

    def drop(self, uri: str) -> None:
        with self.condition:
            self.jobs.pop(uri, None)

    def urgent_due(self) -> bool:
        import time

        now = time.monotonic()
        with self.condition:
            return any(urgent and due <= now for due, urgent in self.jobs.values())

    def _next(self) -> tuple[str, bool]:
        import time

        with self.condition:
            while True:
                now = time.monotonic()
                due = [(not urgent, at, uri) for uri, (at, urgent) in self.jobs.items() if at <= now]
                if due:
                    _, _, uri = min(due)
                    _, urgent = self.jobs.pop(uri)
                    return uri, urgent
                wait = min((at for at, _ in self.jobs.values()), default=now + 3600) - now
                self.condition.wait(max(wait, 0.001))

    def _work(self) -> None:
        while True:
            uri, urgent = self._next()
            try:
                self.run(uri, urgent)
            except Exception:  # noqa: BLE001 — the worker must outlive any one check
                log.exception("checking %s failed", uri)


class Session:
    """What the server keeps between requests: open documents, linters per config, the language."""

    def __init__(self, lang: str | None = None, incremental: bool = True):
        import threading

        self.lang = lang  # explicit: --lang or initializationOptions.lang; else config, else locale
        self.incremental = incremental
        self.documents: dict[str, _Open] = {}
        self.linters: dict[tuple, Any] = {}
        self.encoding = "utf-16"
        self.root: Path | None = None
        self.signatures: dict[Path, tuple] = {}  # folder → config files seen above it, with their mtimes
        self.markdown = True  # the client renders hover markdown
        self.lock = threading.RLock()  # documents change in the server's thread, are checked in the worker's
        self.converter: Any = None  # lsprotocol objects → JSON-ready values (set by create_server)
        self.scheduler: Scheduler | None = None  # the worker thread (set by create_server)

    # ---------------------------------------------------------------- config
    def config_for(self, path: Path | None):
        """The config for a document (raises ConfigError); a changed config file is read again."""
        from budgetlint.config import Config, config_for, config_for_dir

        where = path if path is not None else (self.root / "untitled.md" if self.root else None)
        if where is None:
            return Config(), ()
        signature = config_signature(where)
        if signature != self.signatures.get(where.parent):
            config_for_dir.cache_clear()  # a config file was added, changed or removed
            self.signatures[where.parent] = signature
        return config_for(where), signature

    def linter_for(self, config, lang: str):
        from budgetlint.engine import Linter

        key = (repr(config), lang)
        linter = self.linters.get(key)
        if linter is None:
            if len(self.linters) > 16:
                self.linters.clear()
            linter = self.linters[key] = Linter(config, lang)
        return linter

    def language(self, config) -> str:
        from budgetlint.checkcmd import default_lang

        return self.lang or config.lang or default_lang()

    # ---------------------------------------------------------------- checking
    def check(self, document: _Open, urgent: bool = True, should_stop=None) -> tuple[str, list[_Wire]]:
        """Check `document` (as it is now): ("whole", diagnostics) of the whole text, or ("part", …) of the
        tables that changed merged with the last complete check's other diagnostics (urgent, on a large
        document: the rest follows).  Raises Interrupted when `should_stop()` says so between two tables."""
        from budgetlint.config import ConfigError

        index = document.index
        try:
            config, document.config_signature = self.config_for(document.path)
        except ConfigError as error:
            self._forget(document)
            return "whole", [self.wire(line_one_diagnostic(str(error), index))]
        if document.path is not None and not config.is_included(document.path):
            self._forget(document)
            return "whole", []
        lang = self.language(config)
        linter = self.linter_for(config, lang)
        shown = config.relative(document.path) if document.path else document.uri
        document.lang, document.catalogue, document.docs_url = lang, linter.catalogue, config.docs_url
        key = (id(linter), config.docs_url, self.encoding)
        if document.wire_key != key:
            document.wires, document.wire_key = {}, key
        if not self.incremental:
            result, findings = linter.check_text(index.text, shown, document.path, keep_projects=False)
        else:
            if document.cache is None or document.cache.linter is not linter:
                document.cache = TableCache(linter, document.path)
                document.full_lines = None
            if urgent:
                part = self._quick(document, shown, index)
                if part is not None:
                    return "part", part
            text = index.text
            result, findings = document.cache.check(text, shown, keep_projects=False, should_stop=should_stop)
        if not result.project_count:
            findings = []  # not a budget table (a README, notes): nothing to say
        wires = self.wires_of(document, findings, index)
        wires.sort(key=lambda wire: wire.line)
        document.findings = findings
        document.full_lines, document.full_wire = index.lines, wires
        document.full_wire_lines = [wire.line for wire in wires]
        return "whole", wires

    def _quick(self, document: _Open, shown: str, index: LineIndex) -> list[_Wire] | None:
        """The diagnostics of the tables a change touched (or, just opened, of the first lines' tables), read
        alone, with the last complete check's others moved with their lines; None when that is the whole
        document or nothing is known to merge with."""
        import bisect

        from budgetlint.reader import ReaderState

        cache = document.cache
        assert cache is not None
        lines = index.lines
        if len(lines) < QUICK_LINES:
            return None
        if document.opened:
            end = cache.first_stretch(lines, FIRST_LINES)
            if end is None:
                return None
            start, state, kept, delta = 0, ReaderState(), [], 0
        else:
            if document.full_lines is None:
                return None
            first, old_stop, new_stop = changed_lines(document.full_lines, lines)
            if first == old_stop == new_stop:
                return None  # the same text (a save, a config changed): check it whole
            delta = new_stop - old_stop
            found = cache.edit_stretch(lines, first, old_stop, delta)
            if found is None or (found[0] == 0 and found[1] == len(lines)):
                return None
            start, end, state = found
            kept = document.full_wire
        findings = cache.check_stretch(lines, start, end, state, shown)
        fresh = self.wires_of(document, findings, index, keep=False)
        at = document.full_wire_lines  # the lines of `kept`, in order
        below = kept[bisect.bisect_left(at, end - delta) :] if kept else []
        return (
            kept[: bisect.bisect_left(at, start)] + fresh + ([wire.moved(delta) for wire in below] if delta else below)
        )

    def wires_of(self, document: _Open, findings: list, index: LineIndex, keep: bool = True) -> list[_Wire]:
        """Each finding's diagnostic as sent; a finding kept from the last check (the same object: its
        table was not read again) reuses its own."""
        known = document.wires
        wires = []
        kept = {}
        for finding in findings:
            found = known.get(id(finding))
            if found is None or found[0] is not finding:
                found = (
                    finding,
                    self.wire(to_diagnostic(finding, index, document.uri, document.catalogue, document.docs_url)),
                )
            kept[id(finding)] = found
            wires.append(found[1])
        if keep:
            document.wires = kept  # holds the findings, so that no other object takes their ids
        return wires

    def wire(self, diagnostic) -> _Wire:
        return to_wire(self.converter.unstructure(diagnostic))

    @staticmethod
    def _forget(document: _Open) -> None:
        document.findings = []
        document.cache = None
        document.full_lines = None


def config_signature(path: Path) -> tuple:
    """The config files that could apply to `path`, with their modification times: a change means read again."""
    from budgetlint.config import CONFIG_FILES

    signature = []
    start = path.parent.resolve()
    for folder in (start, *start.parents):
        for name in CONFIG_FILES:
            try:
                stat = (folder / name).stat()
            except OSError:
                continue
            signature.append((str(folder / name), stat.st_mtime_ns, stat.st_size))
    return tuple(signature)


def to_diagnostic(finding, index: LineIndex, uri: str, catalogue, docs_url: str | None = None):
    from lsprotocol import types

    start, end = index.span_range(finding.span)
    severity = {
        "error": types.DiagnosticSeverity.Error,
        "warning": types.DiagnosticSeverity.Warning,
        "info": types.DiagnosticSeverity.Information,
    }.get(finding.severity, types.DiagnosticSeverity.Warning)
    href = rule_href(catalogue.rules.get(finding.code), docs_url)
    related = [
        types.DiagnosticRelatedInformation(
            location=types.Location(uri=uri, range=_range(*index.span_range(item.span))), message=item.label
        )
        for item in finding.related
    ]
    return types.Diagnostic(
        range=_range(start, end),
        message=finding.message,
        severity=severity,
        code=finding.code,
        code_description=types.CodeDescription(href=href) if href else None,
        source=SOURCE,
        related_information=related or None,
    )


def line_one_diagnostic(message: str, index: LineIndex):
    """An error about the whole document (a bad config, a failed check), shown on line 1, on one line."""
    from lsprotocol import types

    end = index.units(index.line_text(0))
    return types.Diagnostic(
        range=_range((0, 0), (0, end)),
        message=" ".join(message.splitlines()),
        severity=types.DiagnosticSeverity.Error,
        source=SOURCE,
    )


def _range(start: tuple[int, int], end: tuple[int, int]):
    from lsprotocol import types

    return types.Range(
        start=types.Position(line=start[0], character=start[1]),
        end=types.Position(line=end[0], character=end[1]),
    )


def _text_edits(fix, index: LineIndex):
    from lsprotocol import types

    return [types.TextEdit(range=_range(*index.span_range(edit.span)), new_text=edit.text) for edit in fix.edits]


# ==================================================================== framing
class FramingError(Exception):
    """The client's bytes are not LSP messages any more (a missing, non-numeric or wrong Content-Length):
    nothing after them can be trusted to start a message, so the server stops (exit 1) and the editor
    starts a new one."""


_HEADER_NAME = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_SWALLOWED = re.compile(rb"content-length[ \t]*:[ \t]*\d*\r?\n", re.IGNORECASE)
MAX_HEADER_LINE = 8192
MAX_MESSAGE = 1 << 30  # bytes: a Content-Length above this is taken for a broken one


class FramedInput:
    """The server's stdin as pygls reads it (readline, read), each message's framing checked first.

    A header line must be `Name: value`; a header block must end in a blank line and hold one decimal
    Content-Length (1 byte to MAX_MESSAGE); the body must have that many bytes.  A body that holds a raw
    `Content-Length: …` line swallowed the next message's header (its length was too large: valid JSON
    cannot hold a raw line break inside a string); the line after a body that is not a header means the
    length was too small.  Any of these raises FramingError.  A message is handed on with its header
    written the one way pygls reads it.  Malformed JSON in a well-framed body is pygls's to answer.
    """

    def __init__(self, stream):
        self.stream = stream
        self._lines: list[bytes] = []
        self._body = b""

    def readline(self) -> bytes:
        if not self._lines:
            length = self._header()
            if length is None:
                return b""  # the input ended between messages: the client went away
            self._body = self._read_body(length)
            self._lines = [b"Content-Length: %d\r\n" % length, b"\r\n"]
        return self._lines.pop(0)

    def read(self, size: int) -> bytes:
        body, self._body = self._body, b""
        return body

    def _header(self) -> int | None:
        length = None
        first = True
        while True:
            line = self.stream.readline(MAX_HEADER_LINE + 1)
            if not line:
                if first:
                    return None
                raise FramingError("the input ended inside a message header")
            first = False
            if not line.endswith(b"\n"):
                raise FramingError(f"a header line longer than {MAX_HEADER_LINE} bytes: {line[:60]!r}…")
            text = line.rstrip(b"\r\n")
            if not text:
                if length is None:
                    raise FramingError("a message without a Content-Length header")
                return length
            name, colon, value = text.partition(b":")
            if not colon or not _HEADER_NAME.fullmatch(name):
                raise FramingError(f"not a message header: {line[:80]!r}")
            if name.lower() != b"content-length":
                continue  # Content-Type, the only other header the LSP defines
            value = value.strip(b" \t")
            if not (value.isdigit() and value.isascii()):
                raise FramingError(f"Content-Length is not a number: {value[:40]!r}")
            if length is not None:
                raise FramingError("two Content-Length headers in one message")
            length = int(value)
            if not 0 < length <= MAX_MESSAGE:
                raise FramingError(f"Content-Length {length} is not between 1 and {MAX_MESSAGE}")

    def _read_body(self, length: int) -> bytes:
        read = getattr(self.stream, "read1", self.stream.read)
        parts: list[bytes] = []
        got = 0
        tail = b""
        while got < length:
            chunk = read(min(length - got, 1 << 16))
            if not chunk:
                raise FramingError(f"the input ended {got} bytes into a message of Content-Length {length}")
            window = tail + chunk
            if b"\n" in window and _SWALLOWED.search(window):
                raise FramingError(
                    f"a message of Content-Length {length} holds the header of the next one (its length is wrong)"
                )
            tail = window[-64:]
            parts.append(chunk)
            got += len(chunk)
        return b"".join(parts)


class _LockedOutput:
    """stdout for pygls, written one whole message at a time: checks publish from their own thread."""

    def __init__(self, stream):
        import threading

        self.stream = stream
        self.lock = threading.Lock()

    def write(self, data: bytes) -> None:
        with self.lock:
            self.stream.write(data)
            self.stream.flush()

    def flush(self) -> None:
        pass

    def close(self) -> None:
        with self.lock:
            self.stream.close()


def create_server(lang: str | None = None, incremental: bool = True, debounce: float = DEBOUNCE):
    """The pygls LanguageServer with budgetlint's features (imports pygls)."""
    import functools
    import json

    import cattrs
    from lsprotocol import types
    from pygls.exceptions import JsonRpcException
    from pygls.lsp.server import LanguageServer
    from pygls.protocol import LanguageServerProtocol, default_converter
    from pygls.protocol.language_server import lsp_method

    from budgetlint import __version__

    session = Session(lang, incremental)
    session.converter = default_converter()

    class Protocol(LanguageServerProtocol):
        """pygls's protocol, with two changes.  A message whose parameters do not fit the LSP types (a
        negative position, a wrong type) gets an answer: a request InvalidParams (-32602), a text change
        marks its document out of step.  The server keeps the documents' text itself (pygls's own copy
        would cost a copy of a large document at each change)."""

        def structure_message(self, data):
            try:
                return super().structure_message(data)
            except JsonRpcException as error:
                if not isinstance(data, dict) or "jsonrpc" not in data:
                    raise
                return _Rejected(data, _describe(error))

        def handle_message(self, message):
            if isinstance(message, _Rejected):
                rejected(self, message)
                return
            super().handle_message(message)

        @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
        def lsp_text_document__did_open(self, params):
            if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
                yield handler, (params,), None

        @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
        def lsp_text_document__did_change(self, params):
            if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
                yield handler, (params,), None

        @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
        def lsp_text_document__did_close(self, params):
            if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
                yield handler, (params,), None

    server = LanguageServer(
        "budgetlint",
        __version__,
        text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
        protocol_cls=Protocol,
    )
    server.session = session  # for tests in-process

    def log_error(message: str) -> None:
        """An error the user should see: stderr and window/logMessage."""
        log.error("%s", message)
        try:
            server.window_log_message(
                types.LogMessageParams(type=types.MessageType.Error, message=f"budgetlint: {message}")
            )
        except Exception:  # noqa: BLE001 — no client to tell
            pass

    def rejected(protocol, message: _Rejected) -> None:
        data = message.data
        method = data.get("method")
        if "id" in data and isinstance(method, str):
            log.warning("%s: invalid params (%s)", method, message.reason)
            protocol._send_response(
                data["id"],
                error=types.ResponseError(code=-32602, message=f"Invalid params: {message.reason}"),
            )
        elif method == types.TEXT_DOCUMENT_DID_CHANGE:
            params = data.get("params")
            item = params.get("textDocument") if isinstance(params, dict) else None
            uri = item.get("uri") if isinstance(item, dict) else None
            version = item.get("version") if isinstance(item, dict) else None
            with session.lock:
                document = session.documents.get(uri) if isinstance(uri, str) else None
                if document is None:
                    log_error(f"an invalid change to a document not open ignored ({message.reason})")
                    return
                lose_step(document, version if isinstance(version, int) else None, message.reason)
        elif not isinstance(method, str):
            log.warning("an invalid response from the client ignored (%s)", message.reason)
        elif method != types.CANCEL_REQUEST:
            log_error(f"{method}: an invalid notification ignored ({message.reason})")

    def lose_step(document: _Open, version: int | None, reason: str) -> None:
        """The editor's text and ours differ from here on (a change that cannot be applied): say so on the
        document and check nothing until a change with the whole text, or reopening, gives it back."""
        document.out_of_sync = reason
        document.version = version
        document.checked_version = _NEVER
        scheduler.drop(document.uri)
        log_error(
            f"{document.uri}: a change that cannot be applied ({reason}); its diagnostics stop until the "
            "editor sends the whole text again (close and reopen the document)"
        )
        send(
            document,
            version,
            [
                session.wire(
                    line_one_diagnostic(
                        "budgetlint lost track of this document's text (the editor sent a change at an invalid "
                        "position); close and reopen it to check it again",
                        LineIndex(""),
                    )
                )
            ],
        )

    def send(document: _Open, version, wires: list[_Wire]) -> None:
        """publishDiagnostics, written as JSON from each diagnostic's pieces (a large document has tens of
        thousands: the lsprotocol round trip for each would cost seconds)."""
        writer = server.protocol.writer
        if writer is None:
            return
        version_json = "" if version is None else f'"version":{json.dumps(version)},'
        diagnostics = ",".join(wire.json() for wire in wires)
        head = '{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":'
        body = f'{head}{json.dumps(document.uri)},{version_json}"diagnostics":[{diagnostics}]}}}}'.encode()
        writer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def current(document: _Open, version) -> bool:
        return session.documents.get(document.uri) is document and document.version == version

    def run(uri: str, urgent: bool) -> None:
        """A check of one document, in the worker thread: published unless a newer version came meanwhile."""
        import time

        began = time.thread_time()
        with session.lock:
            document = session.documents.get(uri)
            if document is None or document.out_of_sync:
                return
            version = document.version
        should_stop = lambda: not current(document, version) or (not urgent and scheduler.urgent_due())  # noqa: E731
        try:
            kind, wires = session.check(document, urgent, should_stop)
        except Interrupted as why:
            log.debug("check of %s version %s stopped (%s)", uri, version, why)
            if current(document, version):
                scheduler.submit(uri, urgent=False, keep_urgent=True)
            return
        except Exception as error:  # noqa: BLE001 — report it on the document, keep serving
            log.exception("checking %s failed", uri)
            log_error(f"checking {uri} failed: {error!r}")
            document.findings = []
            kind = "whole"
            wires = [
                session.wire(
                    line_one_diagnostic(
                        f"budgetlint could not check this document ({type(error).__name__}: {error}); see the server log",
                        document.index,
                    )
                )
            ]
        with session.lock:
            if not current(document, version):
                return  # a newer version is on its way: never publish an older one
            if kind == "whole":  # hover and code actions answer from these findings once they are sent
                document.opened = False
                document.checked_version = version
            send(document, version, wires)
            used = (time.thread_time() - began) * 1000
            log.info("published %s %s version %s: %d diagnostics, %.0f ms CPU", kind, uri, version, len(wires), used)
            if kind != "whole":
                scheduler.submit(uri, urgent=False, keep_urgent=True)

    scheduler = Scheduler(run)
    session.scheduler = scheduler

    def guarded(default=None):
        """Log any exception of a handler (stderr and window/logMessage) and keep serving."""

        def wrap(handler):
            @functools.wraps(handler)
            def run_handler(ls, params):
                try:
                    return handler(ls, params)
                except JsonRpcException:
                    raise  # an answer pygls sends
                except Exception as error:  # noqa: BLE001 — a handler must never take the server down
                    log.exception("%s failed", handler.__name__)
                    log_error(f"{handler.__name__} failed: {type(error).__name__}: {error}")
                    return default

            return run_handler

        return wrap

    def open_document(uri: str, text: str, version: int | None, index: LineIndex | None = None) -> _Open:
        """The document `uri` now holds `text`, or the text of `index` when it is given."""
        if index is None:
            index = LineIndex(normalize_text(text), session.encoding)
        with session.lock:
            document = session.documents.get(uri)
            if document is None:
                document = _Open(uri, version, _path_of(uri), index)
                session.documents[uri] = document
            else:
                document.version, document.index = version, index
            document.out_of_sync = ""
        return document

    @server.feature(types.INITIALIZE)
    @guarded()
    def initialize(ls, params: types.InitializeParams):
        options = params.initialization_options
        if isinstance(options, dict) and options.get("lang") in ("zh", "en") and session.lang is None:
            session.lang = options["lang"]
        encoding = ls.workspace.position_encoding  # negotiated by pygls: the client's first of utf-8/16/32
        session.encoding = str(getattr(encoding, "value", encoding) or "utf-16")
        root = params.root_uri or (params.workspace_folders[0].uri if params.workspace_folders else None)
        session.root = _path_of(root) if root else None
        hover_capability = params.capabilities.text_document and params.capabilities.text_document.hover
        formats = hover_capability.content_format if hover_capability else None
        session.markdown = not formats or types.MarkupKind.Markdown in formats

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @guarded()
    def did_open(ls, params: types.DidOpenTextDocumentParams):
        item = params.text_document
        document = open_document(item.uri, item.text, item.version)
        document.opened = True
        scheduler.submit(document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @guarded()
    def did_change(ls, params: types.DidChangeTextDocumentParams):
        uri = params.text_document.uri
        with session.lock:
            document = session.documents.get(uri)
            index = document.index if document else LineIndex("", session.encoding)
            lost = document.out_of_sync if document else ""
            for change in params.content_changes:
                if lost and getattr(change, "range", None) is not None:
                    continue  # a change to a text we no longer know: a whole text is awaited
                if getattr(change, "range", None) is None:
                    lost = ""
                index = index.apply(change)
            if document is not None and lost:
                document.version = params.text_document.version
                return
            document = open_document(uri, "", params.text_document.version, index)
        scheduler.submit(uri, delay=debounce)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    @guarded()
    def did_save(ls, params: types.DidSaveTextDocumentParams):
        document = session.documents.get(params.text_document.uri)
        if document is None:
            return
        if params.text is not None:
            open_document(document.uri, params.text, document.version)
        scheduler.submit(document.uri)
        for other in list(session.documents.values()):  # a saved config file changes what applies to them
            if (
                other is not document
                and other.path is not None
                and config_signature(other.path) != other.config_signature
            ):
                scheduler.submit(other.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @guarded()
    def did_close(ls, params: types.DidCloseTextDocumentParams):
        uri = params.text_document.uri
        with session.lock:
            session.documents.pop(uri, None)
            scheduler.drop(uri)
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def checked(uri: str) -> _Open | None:
        """The document if its findings are those of its text now (else hover and code actions wait)."""
        document = session.documents.get(uri)
        if document is None or document.checked_version != document.version:
            return None
        return document

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @guarded()
    def hover(ls, params: types.HoverParams):
        document = checked(params.text_document.uri)
        if document is None or not document.findings:
            return None
        line = params.position.line + 1
        column = document.index.column(params.position.line, params.position.character)
        here = [f for f in document.findings if span_contains(f.span, line, column)]
        if not here:
            return None
        first = min((f.span for f in here), key=lambda s: (s.line, s.column))
        last = max((f.span for f in here), key=lambda s: (s.end_line, s.end_column))
        start = document.index.position(first.line, first.column)
        end = document.index.position(last.end_line, last.end_column)
        return types.Hover(
            contents=types.MarkupContent(
                kind=types.MarkupKind.Markdown if session.markdown else types.MarkupKind.PlainText,
                value=hover_markdown(here, document.catalogue, document.lang),  # readable as plain text too
            ),
            range=_range(start, max(start, end)),
        )

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND]),
    )
    @guarded(default=[])
    def code_action(ls, params: types.CodeActionParams):
        document = checked(params.text_document.uri)
        if document is None:
            return []  # never a fix computed on another version of the text
        only = params.context.only
        wants = (
            (lambda kind: True) if not only else (lambda kind: any(kind == o or kind.startswith(o + ".") for o in only))
        )
        actions = []
        index = document.index
        if wants(types.CodeActionKind.QuickFix):
            first = (params.range.start.line + 1, index.column(params.range.start.line, params.range.start.character))
            last = (params.range.end.line + 1, index.column(params.range.end.line, params.range.end.character))
            for finding in document.findings:
                if finding.fix is None or not span_overlaps(finding.span, first, last):
                    continue
                fix = finding.fix
                unsafe = "" if fix.safe else ("(unsafe) " if document.lang == "en" else "（不安全）")
                actions.append(
                    types.CodeAction(
                        title=f"{unsafe}{finding.code}: {fix.description}",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[
                            to_diagnostic(finding, index, document.uri, document.catalogue, document.docs_url)
                        ],
                        edit=types.WorkspaceEdit(changes={document.uri: _text_edits(fix, index)}),
                        is_preferred=fix.safe,
                    )
                )
        if wants(FIX_ALL_KIND):
            edits = fix_all_edits(document.text, document.findings)
            if edits:
                actions.append(
                    types.CodeAction(
                        title="budgetlint: fix all safe fixes"
                        if document.lang == "en"
                        else "budgetlint：应用全部安全修复",
                        kind=FIX_ALL_KIND,
                        edit=types.WorkspaceEdit(
                            changes={
                                document.uri: [
                                    types.TextEdit(range=_range(*index.span_range(e.span)), new_text=e.text)
                                    for e in edits
                                ]
                            }
                        ),
                    )
                )
        return actions

    def _describe(error: Exception) -> str:
        cause = error.__cause__
        if isinstance(cause, cattrs.ClassValidationError):
            return "; ".join(cattrs.transform_error(cause))
        return str(cause or error) or type(error).__name__

    return server


class _Rejected:
    """A message whose parameters do not fit the LSP types: its raw JSON and why."""

    def __init__(self, data: dict, reason: str):
        self.data = data
        self.reason = reason


def fix_all_edits(text: str, findings) -> list:
    """The edits of every safe fix that one round of `check --fix` would apply (fixes.apply_fixes decides)."""
    from budgetlint.fixes import apply_fixes

    applied = apply_fixes(text, [f for f in findings if f.fix is not None and f.fix.safe])
    return [edit for finding in applied.fixes for edit in finding.fix.edits]


def _path_of(uri: str | None) -> Path | None:
    if not uri or not uri.startswith("file:"):
        return None
    from urllib.parse import unquote, urlparse

    parsed = urlparse(uri)
    path = unquote(parsed.path)
    if parsed.netloc and parsed.netloc != "localhost":
        path = f"//{parsed.netloc}{path}"
    if len(path) >= 3 and path[0] == "/" and path[2] == ":":  # file:///C:/… on Windows
        path = path[1:]
    return Path(path)


@click.command("lsp")
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default=None,
    help="Language of messages (default: the config's lang, else the locale).",
)
@click.option("--stdio", is_flag=True, help="Talk LSP over stdin/stdout (the default and only transport).")
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"]),
    default="warning",
    show_default=True,
    help="What the server logs to stderr.",
)
@click.option(
    "--incremental/--no-incremental",
    default=True,
    show_default=True,
    help="Re-read only the tables that changed (--no-incremental: the whole document every time).",
)
@click.option(
    "--debounce-ms",
    type=click.IntRange(0, 10_000),
    default=int(DEBOUNCE * 1000),
    show_default=True,
    help="Wait this long after a change for the next one before checking (rapid changes make one check).",
)
@click.option("--clientProcessId", "client_process_id", default=None, hidden=True)
def lsp_command(lang, stdio, log_level, incremental, debounce_ms, client_process_id):
    """Run the language server over stdio (diagnostics, hover, quick fixes)."""
    import sys

    logging.basicConfig(
        stream=sys.stderr,
        level=getattr(logging, log_level.upper()),
        format="budgetlint-lsp %(levelname)s %(name)s: %(message)s",
    )
    if log_level != "debug":  # pygls logs every message sent at info: a large document's diagnostics, megabytes
        logging.getLogger("pygls").setLevel(logging.WARNING)
    try:
        server = create_server(lang, incremental, debounce_ms / 1000)
    except ImportError as error:
        click.echo(f"budgetlint: the language server needs pygls (pip install 'budgetlint[lsp]'): {error}", err=True)
        sys.exit(2)
    try:
        server.start_io(FramedInput(sys.stdin.buffer), _LockedOutput(sys.stdout.buffer))
    except FramingError as error:
        log.error(
            "the input is not LSP messages any more (%s); stopping so that the editor starts the server again", error
        )
        sys.stderr.flush()
        os._exit(1)  # at once: a check running in the worker thread is not waited for
