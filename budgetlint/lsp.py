"""`budgetlint lsp`: a language server over stdio publishing the findings of `check` in editors.

Three layers, each usable without the next: positions (our 1-based character
columns ↔ LSP positions in UTF-16, UTF-8 or UTF-32 code units), `TableCache`
(a re-check that reads again only the tables whose text changed), and the
pygls server.  pygls and lsprotocol are imported only when the server starts,
so `budgetlint check` never pays for them.

What a client sees: full text sync; diagnostics on open, change and save
(source "budgetlint", code = rule code, codeDescription.href = a file: URI of
the TOML file that defines the rule in this installation, or the user's rule
pack); hover = each finding's message and its rule's `explain` text; code
actions = a quick fix per finding with a Fix (safe ones preferred, unsafe
ones titled "(unsafe)") and `source.fixAll.budgetlint` with every safe fix.
initializationOptions {"lang": "zh"|"en"} sets the message language.
"""

from __future__ import annotations

import logging
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

    def offset(self, line0: int, units: int) -> int:
        """The character offset in the whole text of an LSP position (for applying ranged changes)."""
        line0 = min(max(line0, 0), len(self.lines) - 1)
        return sum(len(line) + 1 for line in self.lines[:line0]) + self.column(line0, units) - 1


def apply_change(text: str, change: Any, encoding: str = "utf-16") -> str:
    """The document after one content change: a whole text, or a text replacing a range."""
    change_range = getattr(change, "range", None)
    if change_range is None:
        return normalize_text(change.text)
    index = LineIndex(text, encoding)
    start = index.offset(change_range.start.line, change_range.start.character)
    end = index.offset(change_range.end.line, change_range.end.character)
    return text[:start] + normalize_text(change.text) + text[max(start, end) :]


def normalize_text(text: str) -> str:
    """Line ends as the reader wants them ('\\n'); line numbers and columns stay the editor's."""
    from budgetlint.io import normalize_newlines

    return normalize_newlines(text)


# ==================================================================== incremental re-check
class _Stale(Exception):
    """A cached table that cannot be moved safely: read it again."""


class _Resync(Exception):
    """The table boundaries guessed from the text disagree with the reader: check the whole text."""


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

    # ---------------------------------------------------------------- public
    def check(self, text: str, path: str = "<text>", keep_projects: bool = True):
        """(Document, findings) of `text`, exactly as `Linter.check_text(text, path, file, keep_projects)`.

        With `keep_projects=False` (the server) the model of tables that only
        moved is not moved along, unless a document-scope check needs it.
        """
        try:
            return self._check(text, path, keep_projects)
        except _Resync as why:
            log.warning("incremental re-check out of step (%s); checking the whole document", why)
            self._chunks = {}
            self.read, self.reused, self.moved = 1, 0, 0
            return self.linter.check_text(text, path, self.file, keep_projects)

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
    def _check(self, text: str, path: str, keep_projects: bool):
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
        index = 0
        while index < len(segments):
            first_line = segments[index][0] + 1
            state_key, spans = _state_key(state)
            key = (state_key, texts[index])
            chunk = self._chunks.get(key)
            if chunk is not None and chunk.fits(texts, index) and (chunk.projects is not None or not need_projects):
                if chunk.first_line != first_line or chunk.entry_spans != spans:
                    try:
                        chunk = _moved(chunk, first_line, spans, need_projects)
                        self.moved += 1
                    except _Stale:
                        chunk = self._read(state, spans, texts, segments, index, plan, context)
                else:
                    self.reused += 1
            else:
                chunk = self._read(state, spans, texts, segments, index, plan, context)
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
        return document, linter.finish(document, raw, self.file)

    def _read(self, state, spans, texts, segments, index, plan, context) -> _Chunk:
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
            projects=projects,
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
@dataclass
class _Open:
    """An open document: its text, its version and what the last check found."""

    uri: str
    text: str
    version: int | None
    path: Path | None
    index: LineIndex
    findings: list = field(default_factory=list)
    lang: str = "zh"
    catalogue: Any = None
    docs_url: str | None = None  # the config's docs-url: where a diagnostic's code links to
    cache: TableCache | None = None
    config_signature: tuple = ()


class Session:
    """What the server keeps between requests: open documents, linters per config, the language."""

    def __init__(self, lang: str | None = None, incremental: bool = True):
        self.lang = lang  # explicit: --lang or initializationOptions.lang; else config, else locale
        self.incremental = incremental
        self.documents: dict[str, _Open] = {}
        self.linters: dict[tuple, Any] = {}
        self.encoding = "utf-16"
        self.root: Path | None = None
        self.signatures: dict[Path, tuple] = {}  # folder → config files seen above it, with their mtimes
        self.markdown = True  # the client renders hover markdown

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
    def check(self, document: _Open) -> list:
        """Check `document`; return LSP diagnostics (lsprotocol objects)."""
        from budgetlint.config import ConfigError

        try:
            config, document.config_signature = self.config_for(document.path)
        except ConfigError as error:
            document.findings = []
            document.cache = None
            return [line_one_diagnostic(str(error), document.index)]
        if document.path is not None and not config.is_included(document.path):
            document.findings = []
            return []
        lang = self.language(config)
        linter = self.linter_for(config, lang)
        shown = config.relative(document.path) if document.path else document.uri
        if not self.incremental:
            result, findings = linter.check_text(document.text, shown, document.path, keep_projects=False)
        else:
            if document.cache is None or document.cache.linter is not linter:
                document.cache = TableCache(linter, document.path)
            result, findings = document.cache.check(document.text, shown, keep_projects=False)
        if not result.project_count:
            findings = []  # not a budget table (a README, notes): nothing to say
        document.findings = findings
        document.lang = lang
        document.catalogue = linter.catalogue
        document.docs_url = config.docs_url
        return [to_diagnostic(f, document.index, document.uri, linter.catalogue, config.docs_url) for f in findings]


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


def create_server(lang: str | None = None, incremental: bool = True):
    """The pygls LanguageServer with budgetlint's features (imports pygls)."""
    import functools

    from lsprotocol import types
    from pygls.lsp.server import LanguageServer

    from budgetlint import __version__

    server = LanguageServer("budgetlint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full)
    session = Session(lang, incremental)
    server.session = session  # for tests in-process

    def guarded(default=None):
        """Log any exception of a handler (stderr and window/logMessage) and keep serving."""

        def wrap(handler):
            @functools.wraps(handler)
            def run(ls, params):
                try:
                    return handler(ls, params)
                except Exception as error:  # noqa: BLE001 — a handler must never take the server down
                    log.exception("%s failed", handler.__name__)
                    try:
                        ls.window_log_message(
                            types.LogMessageParams(
                                type=types.MessageType.Error,
                                message=f"budgetlint: {handler.__name__} failed: {type(error).__name__}: {error}",
                            )
                        )
                    except Exception:  # noqa: BLE001
                        pass
                    return default

            return run

        return wrap

    def publish(ls, document: _Open) -> None:
        try:
            diagnostics = session.check(document)
        except Exception as error:  # noqa: BLE001 — report it on the document, keep serving
            log.exception("checking %s failed", document.uri)
            ls.window_log_message(
                types.LogMessageParams(
                    type=types.MessageType.Error, message=f"budgetlint: checking {document.uri} failed: {error!r}"
                )
            )
            document.findings = []
            diagnostics = [
                line_one_diagnostic(
                    f"budgetlint could not check this document ({type(error).__name__}: {error}); see the server log",
                    document.index,
                )
            ]
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=document.uri, diagnostics=diagnostics, version=document.version)
        )

    def open_document(uri: str, text: str, version: int | None) -> _Open:
        path = _path_of(uri)
        text = normalize_text(text)
        document = session.documents.get(uri)
        if document is None:
            document = _Open(uri, text, version, path, LineIndex(text, session.encoding))
            session.documents[uri] = document
        else:
            document.text, document.version = text, version
            document.index = LineIndex(text, session.encoding)
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
        publish(ls, open_document(item.uri, item.text, item.version))

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @guarded()
    def did_change(ls, params: types.DidChangeTextDocumentParams):
        uri = params.text_document.uri
        document = session.documents.get(uri)
        text = document.text if document else ""
        for change in params.content_changes:
            text = apply_change(text, change, session.encoding)
        publish(ls, open_document(uri, text, params.text_document.version))

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    @guarded()
    def did_save(ls, params: types.DidSaveTextDocumentParams):
        document = session.documents.get(params.text_document.uri)
        if document is None:
            return
        if params.text is not None:
            open_document(document.uri, params.text, document.version)
        publish(ls, document)
        for other in list(session.documents.values()):  # a saved config file changes what applies to them
            if (
                other is not document
                and other.path is not None
                and config_signature(other.path) != other.config_signature
            ):
                publish(ls, other)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @guarded()
    def did_close(ls, params: types.DidCloseTextDocumentParams):
        uri = params.text_document.uri
        session.documents.pop(uri, None)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @guarded()
    def hover(ls, params: types.HoverParams):
        document = session.documents.get(params.text_document.uri)
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
        document = session.documents.get(params.text_document.uri)
        if document is None:
            return []
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

    return server


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
@click.option("--clientProcessId", "client_process_id", default=None, hidden=True)
def lsp_command(lang, stdio, log_level, incremental, client_process_id):
    """Run the language server over stdio (diagnostics, hover, quick fixes)."""
    import sys

    logging.basicConfig(
        stream=sys.stderr,
        level=getattr(logging, log_level.upper()),
        format="budgetlint-lsp %(levelname)s %(name)s: %(message)s",
    )
    try:
        server = create_server(lang, incremental)
    except ImportError as error:
        click.echo(f"budgetlint: the language server needs pygls (pip install 'budgetlint[lsp]'): {error}", err=True)
        sys.exit(2)
    server.start_io()
