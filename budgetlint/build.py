"""Lines → the typed model.  Header rows are read by label, indicator rows by content.

The reader is forgiving by design: real tables arrive from PDF extraction with
labels broken by blanks, cells split over two lines and cells in the wrong
column.  Whatever it repairs or cannot place, it reports as a layout finding
(BL0xx) with the line and column, and it reads on: one damaged row never
costs the rest of the file.
"""

from __future__ import annotations

import re
from collections import Counter

from budgetlint.findings import Finding, words
from budgetlint.model import Directive, Document, Field, GroupRef, Indicator, Project, Span, cell_span, cells_span
from budgetlint.record import named, record
from budgetlint.syntax import Cell, Line, iter_lines
from budgetlint.text import normalize_label, squeeze
from budgetlint.units import UnitTable
from budgetlint.values import ValueReader
from budgetlint.vocabulary import Vocabulary, split_code

TYPE_CHECKING = False  # typing is not imported on the check path
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

# A title names the year before it ends in 表 or 目标 ("2024年…绩效目标表"); see title_year().
_YEAR_MARK = re.compile(r"(\d{4})\s*年")
_TITLE_ENDS = ("表", "目标")
# "(2024年度)" alone on a line.  Each blank run belongs to one place (no two \s* side by side), so a
# line of a million blanks is read in linear time.
_YEAR_LINE = re.compile(r"^\s*(?:[(（]\s*)?(\d{4})\s*年(?:\s*度)?(?:\s*[)）])?\s*$")
# Blanks are taken possessively (\s*+): codes never start or end with one, so a blank run has one
# owner and a long line of blanks is rejected in linear time.
_DIRECTIVE = re.compile(
    r"<!--\s*+budgetlint\s*+:\s*+(?P<verb>[a-z-]+)\s*+(?:=\s*+(?P<codes>[A-Za-z0-9,]+(?:\s+[A-Za-z0-9,]+)*+)?)?\s*+-->"
)
_CODE_LIST = re.compile(r"^BL\d{3}$")
_DIRECTIVE_SCOPES = {
    "disable": "auto",
    "disable-next-row": "row",
    "disable-row": "row",
    "disable-table": "table",
    "disable-file": "file",
}
_LEVEL2_TAILS = ("指标", "效益", "影响", "满意度", "成本")
_RULE_CHARS = frozenset("-—:|")
_new = tuple.__new__  # a named tuple made without its Python-level __new__ (GroupRef, _Pending: several a table)


@named
class _Pending:
    """A header label whose value has not been read yet."""

    key: str | None  # None: an unknown label, whose value is swallowed
    cell: Cell
    broken_tail: str = ""  # the missing end of a label cut by a line break


@record
class _TableState:
    project: Project
    mine: bool  # False: another reader's share of the document (only its extent is tracked)
    zone: str  # header | indicators
    pending: _Pending | None
    last_field: Field | None
    level1: GroupRef | None  # the groups of the rows above, as inherited by a merged cell
    level2: GroupRef | None
    stray: list[Line]  # non-row lines since the last row
    # Expected tails of labels broken over lines ("金" of 其他资|金) → how many are still expected;
    # a count, not a list, so that each cell is looked up once however many labels broke.
    fragments: Counter[str]
    # Pieces of a long text continued over rows, joined once (appending to the str each row is
    # quadratic in a text split over 100,000 rows).
    continued: list[str]
    continued_field: Field | None

    def __init__(self, project: Project, mine: bool = True):  # one per table: not the generic __init__
        self.project, self.mine, self.zone = project, mine, "header"
        self.pending = self.last_field = self.level1 = self.level2 = self.continued_field = None
        self.stray, self.fragments, self.continued = [], Counter(), []

    def join_continued(self) -> None:
        if self.continued_field is not None:
            self.continued_field.text = "".join([self.continued_field.text, *self.continued])
            self.continued.clear()
            self.continued_field = None


def title_year(text: str) -> re.Match[str] | None:
    r"""The first "2024年" of a line that ends in 表 or 目标, before that ending.

    The same as searching r"(\d{4})\s*年.*(?:表|目标)\s*$", without that pattern's quadratic
    backtracking on a long line full of "1111年".
    """
    stripped = text.rstrip()
    for ending in _TITLE_ENDS:
        if stripped.endswith(ending):
            return _YEAR_MARK.search(stripped, 0, len(stripped) - len(ending))
    return None


def _joined(cells) -> str:
    """The text of cells that make one name (a PDF split it): most names are one cell."""
    if len(cells) == 1:
        return cells[0].text
    return "".join(cell.text for cell in cells)


def _first_cell(row: str) -> str:
    """The first non-empty cell of a row, without splitting the whole row."""
    rest = row.lstrip(" \t|\u3000")
    for index, char in enumerate(rest):
        if char == "\t" or char == "|":
            return rest[:index]
    return rest


def _inherited(group: GroupRef) -> GroupRef:
    """The group as the rows below it see it through a merged cell (one copy serves them all)."""
    code, name, kind, span, _ = group
    return _new(GroupRef, (code, name, kind, span, True))


class Builder:
    """Builds a Document from text.  One Builder serves many documents (it holds no per-file state)."""

    def __init__(self, vocabulary: Vocabulary, units: UnitTable, reader: ValueReader | None = None):
        self.vocab = vocabulary
        self.units = units
        self.values = reader or ValueReader(vocabulary, units)
        self.group_cache: dict[str, tuple] = {}  # see Reading.group_cells

    # ================================================================ document
    def build(self, text: str, path: str = "<text>") -> Document:
        """The whole document, every project kept."""
        document = self.new_document(text, path)
        document.projects.extend(self.iter_projects(text, document))
        return document

    @staticmethod
    def new_document(text: str | Iterable[str], path: str) -> Document:
        """An empty Document; its line count is known now for a text, after reading for blocks."""
        if not isinstance(text, str):
            return Document(path=path)
        return Document(path=path, line_count=text.count("\n") + (0 if text.endswith("\n") else 1))

    def iter_projects(
        self,
        text: str | Iterable[str],
        document: Document,
        share: tuple[int, int] = (0, 1),
        deal: Callable[[int], bool] | None = None,
    ) -> Iterator[Project]:
        """Each project as soon as its table ends: a 100 MB document is read one table at a time.

        `text` is the document, or its blocks of whole lines (budgetlint.io.Stream.blocks), so that
        the text itself need not be in memory.  `document` collects the metadata, directives and
        layout findings as reading goes.  With `share` (k, n), this is reader k of n reading one document
        together (budgetlint.runner): only the tables dealt to it are built and yielded (and only their
        layout findings kept); the others are passed over cheaply.  `deal` (table index → whether this
        reader checks it) deals them; by default every n-th table from the k-th.
        """
        run = Reading(self, document, share, deal)
        blocks = (text,) if isinstance(text, str) else text
        line_ends = 0
        last = "\n"
        passer = run if share[1] > 1 else None  # Reading.pass_rows
        for block in blocks:
            for line in iter_lines(block, line_ends + 1, passer):
                if line.kind == "row" and not run.open_directives:
                    run.row(line)  # what `feed` does with the common line, without the call
                else:
                    run.feed(line)
                if run.completed:
                    yield from run.completed
                    run.completed.clear()
            line_ends += block.count("\n")
            last = block[-1:] or last
        if not isinstance(text, str):
            document.line_count = line_ends + (0 if last == "\n" and line_ends else 1)
        run.finish()
        document.project_count = run.project_count
        yield from run.completed


class _EveryNth:
    """The fixed deal of reader k of n: every n-th table from the k-th."""

    __slots__ = ("k", "n")

    def __init__(self, k: int, n: int):
        self.k, self.n = k, n

    def __call__(self, index: int) -> bool:
        return index % self.n == self.k


class Reading:
    """The state of reading one document."""

    def __init__(
        self,
        builder: Builder,
        document: Document,
        share: tuple[int, int] = (0, 1),
        deal: Callable[[int], bool] | None = None,
    ):
        self.share, self.shares = share
        self.deal = deal or _EveryNth(self.share, self.shares)  # not a lambda over self: no reference cycle
        self.b = builder
        self.vocab = builder.vocab
        self.doc = document
        self.table: _TableState | None = None
        self.money_unit_text = "万元"
        self.fiscal_year: int | None = None
        self.fiscal_year_span: Span | None = None
        self.fiscal_year_rank = 0  # 3 metadata, 2 "(2024年度)", 1 title
        self.open_directives: list[Directive] = []
        self.completed: list[Project] = []
        self.project_count = 0
        self.name_label = normalize_label(self.vocab.header_canonical["name"])  # only 项目名称 starts a table
        self.read_value = builder.values.read  # text → Value (memoised): a cell's value

    # ---------------------------------------------------------------- another reader's share
    def passes(self, raw: str, number: int) -> bool:
        """Pass over `raw` unread when it is a row of another reader's table that does not start a table
        (exactly what `row` would conclude after splitting it), and no directive waits for its line
        (whose range must be the same in every reader's document)."""
        table = self.table
        if table is None or table.mine or self.open_directives:
            return False
        start = raw.lstrip(" ")
        if start[:1] != "|" and ("\t" not in raw or start[:1] in "-<"):
            return False  # not a row (a TAB row wins over every later line class; "-": "---\t" may be a rule)
        if "-" in raw and not raw.strip(" \t|:-"):
            return False  # a separator line ("|---|"): it does not extend the table as a row does
        if self.names_table(raw):
            return False  # 项目名称: the next table starts here
        self.extend_other(table, number)
        return True

    def pass_rows(self, text: str, position: int, end: int, number: int) -> tuple[int, int]:
        """Pass over the lines of another reader's table from `position` (line `number` + 1) while `passes`
        would: the position and number of the first line not passed (at once when this reader's table, or
        no table, is being read).  The common row — `|` first, not a separator, not all of 项目名称's characters —
        is passed here without a call; every other line (a separator among them) is left to `passes`."""
        table = self.table
        if table is None or table.mine or self.open_directives:
            return position, number
        find = text.find
        rare = self.name_label[-1]  # a row without it cannot name a table
        passed = 0
        while position < end:
            newline = find("\n", position)
            if newline < 0:
                newline = end
            raw = text[position:newline]
            if raw and (raw[0] != "|" or rare in raw or not raw.strip(" \t|:-")) and not self.passes(raw, number + 1):
                break
            position = newline + 1
            number += 1
            if raw:
                passed = number
        if passed:
            self.extend_other(table, passed)
        return position, number

    def names_table(self, raw: str) -> bool:
        """Whether the row's first cell is 项目名称, read without splitting the row (its characters first)."""
        label = self.name_label
        return all(char in raw for char in label) and normalize_label(_first_cell(raw)) == label

    @staticmethod
    def extend_other(table: _TableState, number: int) -> None:
        """Another reader's table reaches line `number`: only its extent matters here."""
        table.project.end_line = number
        if table.stray:
            table.stray = []

    # ---------------------------------------------------------------- helpers
    def report(self, code: str, span: Span, **args) -> Finding:
        expected = args.pop("expected", None)
        actual = args.pop("actual", None)
        project = self.table.project.name if self.table else None
        finding = Finding(code, span, args=args, expected=expected, actual=actual, project=project)
        self.doc.findings.append(finding)
        return finding

    def looks_like_value(self, text: str) -> bool:
        return self.read_value(text).kind in ("amount", "date", "period", "na", "mixed")

    # ---------------------------------------------------------------- lines
    def feed(self, line: Line) -> None:
        kind = line.kind
        if kind == "row":
            self.row(line)
        elif kind == "separator":
            pass
        elif kind == "directive":
            self.directive(line)
        elif kind == "comment":
            pass
        else:  # meta, heading, text
            self.non_row(line)
        if self.open_directives and kind not in ("directive", "comment"):
            self._attach_directives(line)

    def non_row(self, line: Line) -> None:
        text = line.text.strip()
        if line.kind == "meta":
            key, _, value = re.split(r"([:：])", text, maxsplit=1)
            meta_key = self.vocab.metadata_keys.get(normalize_label(key))
            if meta_key:
                self.metadata(meta_key, key, value.strip(), line)
        elif line.kind in ("heading", "text"):
            self.year_from_text(text.lstrip("#").strip(), line)
        if self.table is not None:
            self.table.stray.append(line)

    def metadata(self, key: str, label: str, value: str, line: Line) -> None:
        column = line.text.find(value) + 1 if value else 1
        span = Span(line.number, max(column, 1), line.number, max(column, 1) + max(len(value), 1))
        self.doc.metadata[key] = (value, span)
        if key == "money_unit" and value:
            self.money_unit_text = squeeze(value)
        elif key == "fiscal_year":
            match = re.search(r"\d{4}", value)
            if match:
                self.set_year(int(match.group()), span, 3)

    def year_from_text(self, text: str, line: Line) -> None:
        match = _YEAR_LINE.match(text)
        rank = 2
        if not match:
            match = title_year(text)
            rank = 1
        if match:
            start = line.text.find(match.group(1))
            span = Span(line.number, start + 1, line.number, start + 5)
            self.set_year(int(match.group(1)), span, rank)

    def set_year(self, year: int, span: Span, rank: int) -> None:
        # Between tables, the latest statement wins; a weaker source never overrides a stronger one
        # stated after the previous table.
        if self.table is None and rank < self.fiscal_year_rank and self.fiscal_year is not None:
            return
        self.fiscal_year, self.fiscal_year_span, self.fiscal_year_rank = year, span, rank

    # ---------------------------------------------------------------- directives
    def directive(self, line: Line) -> None:
        span = Span(line.number, 1, line.number, len(line.text) + 1)
        match = _DIRECTIVE.search(line.text)
        if not match or match.group("verb") not in _DIRECTIVE_SCOPES:
            directive = Directive(span, (), "row", error=line.text.strip())
            self.doc.directives.append(directive)
            return
        codes = tuple(code.strip().upper() for code in (match.group("codes") or "").split(",") if code.strip())
        bad = [code for code in codes if not _CODE_LIST.match(code)]
        directive = Directive(span, codes, _DIRECTIVE_SCOPES[match.group("verb")])
        if bad:
            directive.error = ", ".join(bad)
        self.doc.directives.append(directive)
        if directive.scope == "file":
            directive.first_line, directive.last_line = 1, 10**9
        else:
            self.open_directives.append(directive)

    def _attach_directives(self, line: Line) -> None:
        """Give the directives just above `line` their range, now that we know what follows them."""
        for directive in self.open_directives:
            scope = directive.scope
            starts_table = line.kind == "row" and self.table is not None and self.table.project.span.line == line.number
            if scope == "auto":
                if line.kind == "row":
                    scope = "table" if starts_table else "row"
                else:
                    scope = "file" if not self.project_count else "table"
                directive.scope = scope
            if scope == "row":
                directive.first_line = directive.last_line = line.number
            elif scope == "table":
                if self.table is not None and (starts_table or line.kind != "row"):
                    directive.first_line = self.table.project.span.line
                    directive.last_line = -1  # closed when the table ends
                    if not starts_table:
                        directive.first_line = self.table.project.span.line
                elif self.table is not None:
                    directive.first_line, directive.last_line = self.table.project.span.line, -1
                else:
                    directive.first_line, directive.last_line = line.number, -1
            else:
                directive.first_line, directive.last_line = 1, 10**9
        self.open_directives = []

    # ---------------------------------------------------------------- rows
    def row(self, line: Line) -> None:
        table = self.table
        if table is not None and not table.mine and not self.names_table(line.text):
            self.extend_other(table, line.number)
            return
        cells = line.filled
        if not cells:
            return
        if cells[0].text[0] in _RULE_CHARS and all(set(cell.text) <= _RULE_CHARS for cell in cells):
            return  # a rule line damaged by extraction
        if normalize_label(cells[0].text) == self.name_label:
            self.start_project(line)
            return
        if self.table is None:
            if self.share == 0:
                self.report("BL007", cells_span(cells[0], cells[-1]), variant="outside")
            return
        table = self.table
        if not table.mine:
            self.extend_other(table, line.number)
            return
        if table.stray:
            for stray in table.stray:
                if stray.kind in ("text", "heading", "meta"):
                    self.report(
                        "BL006", Span(stray.number, 1, stray.number, len(stray.text) + 1), line=stray.text.strip()[:40]
                    )
            table.stray = []
        table.project.end_line = line.number
        if table.zone == "header" and self.is_indicator_start(cells):
            self.close_pending()
            table.zone = "indicators"
        if table.zone == "header":
            self.header_row(line, cells)
        else:
            self.indicator_row(line, cells)

    def start_project(self, line: Line) -> None:
        self.finish_table()
        cells = line.filled
        name_cells = cells[1:]
        name = _joined(name_cells)
        span = cells_span(cells[0], cells[-1])
        unit = self.b.units.get(self.money_unit_text) if self.money_unit_text else None
        project = Project(
            name=name,
            span=span,
            end_line=line.number,
            fiscal_year=self.fiscal_year,
            fiscal_year_span=self.fiscal_year_span,
            money_unit=unit,
            money_unit_text=self.money_unit_text,
        )
        self.project_count += 1
        self.table = _TableState(project, mine=self.deal(self.project_count - 1))
        label = Field("name", cells[0].text, cell_span(cells[0]))
        if name_cells:
            label.text = name
            label.span = cells_span(name_cells[0], name_cells[-1])
        project.fields["name"] = label
        self.table.last_field = label
        self.fiscal_year_rank = 0  # the next table's title may restate the year

    def finish_table(self) -> None:
        table = self.table
        if table is None:
            return
        if table.mine:
            table.join_continued()
            self.close_pending()
        for directive in self.doc.directives:
            if directive.last_line == -1:
                directive.last_line = table.project.end_line
        if table.mine:
            self.finalize_fields(table.project)
            self.completed.append(table.project)
        self.table = None

    def finish(self) -> None:
        self.finish_table()
        for directive in self.open_directives:  # directives at the end of the file
            directive.scope = "file" if directive.scope == "auto" else directive.scope
            directive.first_line, directive.last_line = 1, 10**9
        self.open_directives = []

    # ---------------------------------------------------------------- header zone
    def is_indicator_start(self, cells: tuple[Cell, ...]) -> bool:
        # Loops, not all()/any() over generators: every header row asks this.
        if len(cells) >= 2:
            headings = self.vocab.indicator_header
            for cell in cells:
                if normalize_label(cell[0]) not in headings:
                    break
            else:
                return True
        group_cells = self.group_cells  # the cells are filled: none follows a blank one
        for cell in cells[:-1]:
            if group_cells(cell[0])[0] is not None:
                return True
        return False

    def header_row(self, line: Line, cells: tuple[Cell, ...]) -> None:
        table = self.table
        assert table is not None
        header_field = self.vocab.header_field
        keys = [header_field(cell[0]) for cell in cells]
        row_has_label = any(keys)
        for index, cell in enumerate(cells):
            text = cell.text
            key = keys[index]
            if key is not None and key != "name":
                if table.pending is not None:
                    self.close_pending()
                table.pending = _new(_Pending, (key, cell, ""))
                continue
            if table.pending is not None and self.vocab.is_sublabel(text):
                continue
            if table.pending is not None:
                pending = table.pending
                table.pending = None
                if pending.cell.line != cell.line and pending.key is not None:
                    self.report(
                        "BL001",
                        cell_span(cell),
                        variant="value-next-line",
                        label=pending.cell.text,
                        label_line=pending.cell.line,
                    )
                self.assign(pending, cell)
                continue
            broken = None if self.looks_like_value(text) else self.vocab.header_prefix_field(text)
            if broken is not None:
                key, tail = broken
                table.pending = _Pending(key, cell, tail)
                table.fragments[tail] += 1
                continue
            if self.absorb_fragment(cell):
                continue
            last = table.last_field
            if not row_has_label and last is not None and last.key in self.vocab.long_text_fields and last.span:
                self.report(
                    "BL001", cell_span(cell), variant="continued", label=last.label, label_line=last.label_span.line
                )
                if table.continued_field is not last:
                    table.join_continued()
                    table.continued_field = last
                table.continued.append(text)
                last.span = last.span.to(cell_span(cell))
                continue
            following = cells[index + 1] if index + 1 < len(cells) else None
            if following is not None and not keys[index + 1]:
                self.report("BL002", cell_span(cell), label=text, actual=text)
                table.pending = _Pending(None, cell)
                continue
            self.report("BL007", cell_span(cell), variant="unlabelled", text=text[:30])

    def absorb_fragment(self, cell: Cell) -> bool:
        """A cell that is the missing end of a label broken over lines ('金' of 其他资|金)."""
        table = self.table
        assert table is not None
        text = normalize_label(cell.text)
        if text and table.fragments[text] > 0:
            table.fragments[text] -= 1
            return True
        return False

    def close_pending(self) -> None:
        table = self.table
        if table is None or table.pending is None:
            return
        pending = table.pending
        table.pending = None
        if pending.key is not None:
            self.assign(pending, None)

    def assign(self, pending: _Pending, cell: Cell | None) -> None:
        table = self.table
        assert table is not None
        if table.continued_field is not None:
            table.join_continued()
        project = table.project
        key = pending.key
        if key is None:
            return
        label_span = cell_span(pending.cell)
        if pending.broken_tail:
            self.report(
                "BL001",
                label_span,
                variant="label-cut",
                label=pending.cell.text,
                expected=pending.cell.text + pending.broken_tail,
                actual=pending.cell.text,
            )
        new = Field(key, pending.cell.text, label_span)
        if cell is not None:
            new.text = cell.text
            new.span = cell_span(cell)
        existing = project.fields.get(key)
        if existing is not None and existing.text and new.text:
            if squeeze(existing.text) != squeeze(new.text):
                self.report(
                    "BL008",
                    new.where,
                    label=pending.cell.text,
                    first_line=existing.where.line,
                    expected=existing.text,
                    actual=new.text,
                )
            return
        if existing is not None and existing.text and not new.text:
            return
        project.fields[key] = new
        table.last_field = new

    def finalize_fields(self, project: Project) -> None:
        """Read money fields as exact amounts; report the ones that cannot be read."""
        for key in self.vocab.money_fields:
            found = project.fields.get(key)
            if found is None or not found.text:
                continue
            value = self.read_value(found.text)
            found.value = value
            amount = value.amount
            if value.kind == "na" and squeeze(found.text) in ("0",):
                found.amount = 0 * (project.money_unit.factor if project.money_unit else 1)
                continue
            if value.kind == "amount" and amount is not None and not amount.is_rate:
                yuan = amount.in_yuan(project.money_unit)
                if yuan is not None:
                    found.amount = yuan
                    continue
            self.report(
                "BL004",
                found.where,
                label=found.label,
                text=found.text,
                expected=words("金额（如 123.57）", "an amount (123.57)"),
                actual=found.text,
            )

    # ---------------------------------------------------------------- indicator zone
    def group_cells(self, text: str) -> tuple:
        """(level, code, name, kind) of `text` as a group cell — alone, and after a blank (merged) cell or
        a level-1 cell — or None; memoised by the text alone.  The two are one object unless the name is
        both a level-1 and a level-2 name (成本指标), so whether the cell follows one need be asked only then."""
        cache = self.b.group_cache
        found = cache.get(text)
        if found is None:
            if len(cache) > 65536:
                cache.clear()
            alone = self._group_cell(text, False)
            after_blank = self._group_cell(text, True)
            found = cache[text] = (alone, alone if after_blank == alone else after_blank)
        return found

    def _group_cell(self, text: str, after_blank: bool) -> tuple[int, str | None, str, str | None] | None:
        code, name = split_code(text)
        norm = normalize_label(name)
        if not norm:
            return None
        if code is not None:
            if len(code) == 1:
                kind = self.vocab.level1_names.get(norm)
                if kind or norm.endswith("指标"):
                    return 1, code, squeeze(name), kind
            elif len(code) == 2:
                kind = self.vocab.level2_names.get(norm)
                if kind or norm.endswith(_LEVEL2_TAILS):
                    return 2, code, squeeze(name), kind
            return None
        kind1 = self.vocab.level1_names.get(norm)
        kind2 = self.vocab.level2_names.get(norm)
        if kind1 and not (kind2 and after_blank):
            return 1, None, squeeze(name), kind1
        if kind2:
            return 2, None, squeeze(name), kind2
        return None

    def indicator_row(self, line: Line, cells: tuple[Cell, ...]) -> None:
        table = self.table
        assert table is not None
        headings = self.vocab.indicator_header
        if normalize_label(cells[0].text) in headings and all(normalize_label(c.text) in headings for c in cells):
            return  # the column headings, repeated after a page break
        level1, level2, fragments, rest = self.classify_cells(line, cells)
        for cell in fragments:
            self.report("BL001", cell_span(cell), variant="fragment", text=cell.text)
        if level1 is not None:
            table.level1, table.level2 = _inherited(level1), None
        if level2 is not None:
            table.level2 = _inherited(level2)
        if not rest:
            return  # a row of group cells only
        if len(rest) == 1 and level1 is None and level2 is None:
            only = rest[0]
            if self.absorb_fragment(only):
                return
            if normalize_label(only.text) in self.vocab.fragments:
                self.report("BL001", cell_span(only), variant="fragment", text=only.text)
                return
        if len(rest) == 1:
            only = rest[0]
            reads_as_value = self.looks_like_value(only.text) or self.is_vague(only.text)
            name_cells, value_cell = ([], only) if reads_as_value else ([only], None)
        else:
            name_cells, value_cell = rest[:-1], rest[-1]
        name_span = cells_span(name_cells[0], name_cells[-1]) if name_cells else None
        if value_cell is not None:
            value, value_span = self.read_value(value_cell.text), cell_span(value_cell)
        else:
            last = cells[-1]
            value, value_span = self.read_value(""), Span(last.line, last.end_column, last.line, last.end_column + 1)
        table.project.indicators.append(
            Indicator(
                level1 or table.level1,
                level2 or table.level2,
                _joined(name_cells),
                name_span,
                value,
                value_span,
                cells_span(cells[0], cells[-1]),
            )
        )

    def classify_cells(self, line: Line, cells: tuple[Cell, ...]):
        """Split a row's cells by content: (level-1 cell, level-2 cell, label fragments, name-and-value cells).

        Group cells are recognised only before the first name cell; the last cell is the value, never
        a group (unless it is alone).  A name that is both a level-1 and a level-2 name (成本指标) is level 2
        when a level 1 precedes it or when its row starts with an empty (merged) cell.
        """
        level1 = level2 = None
        fragments: list[Cell] | tuple = ()  # a list once there is one (rare)
        rest: tuple[Cell, ...] = ()
        last = len(cells) - 1
        for index, cell in enumerate(cells):
            if index < last or last == 0:
                group, after_blank = self.group_cells(cell[0])
                if after_blank is not group and (level1 is not None or (index == 0 and line.leading_blank)):
                    group = after_blank  # 成本指标 after a level 1, or after a merged cell: level 2
                if group is not None:
                    level, code, name, kind = group
                    ref = _new(GroupRef, (code, name, kind, cell_span(cell), False))
                    if level == 1 and level1 is None and level2 is None:
                        level1 = ref
                        continue
                    if level == 2 and level2 is None:
                        level2 = ref
                        continue
                if index < last and normalize_label(cell[0]) in self.vocab.fragments:
                    fragments = [*fragments, cell]
                    continue
            rest = cells[index:]  # the first name or value cell: the rest are names and the value
            break
        return level1, level2, fragments, rest

    def is_vague(self, text: str) -> bool:
        norm = squeeze(text)
        return any(norm.startswith(word) for word in self.vocab.vague)
