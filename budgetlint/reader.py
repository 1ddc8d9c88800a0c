"""Grids → the typed model.  Header rows are read by label, indicator rows by content.

The reader is forgiving by design: real tables arrive from PDF extraction with labels broken by
blanks, cells split over two lines and cells in the wrong column.  Whatever it repairs or cannot
place, it reports as a layout finding (BL0xx) with the line and column, and it reads on: one
damaged row never costs the rest of the file.

What one table passes to the next (the year and money unit stated so far, whether a table was
seen, directives waiting for their line) is a `ReaderState`: reading can start from any table
with the state before it (the language server reads again only the tables that changed).
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from functools import lru_cache

from budgetlint.findings import Finding, words
from budgetlint.grid import Cell, Grid, Row, Text
from budgetlint.model import (
    Directive,
    Document,
    Field,
    GroupRef,
    Indicator,
    Narrative,
    Part,
    Project,
    Sentence,
    Span,
    Stated,
    cell_span,
    cells_span,
)
from budgetlint.record import named, record
from budgetlint.suppression import OPEN, Directives
from budgetlint.templates import Templates, load_templates
from budgetlint.text import blank_tags, halfwidth, normalize_label, squeeze
from budgetlint.units import Unit, UnitTable, make_unit
from budgetlint.valueread import MAX_DIGITS, MAX_NARRATIVE, MAX_VALUE, ValueReader, unit_in_brackets, unit_stated
from budgetlint.values import Amount, UnitStated, Value
from budgetlint.vocabulary import Vocabulary, split_code

TYPE_CHECKING = False  # typing is not imported on the check path
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from budgetlint.grid import Block

# A title names the year before it ends in 表 or 目标 ("2024年…绩效目标表"); see title_year().
_YEAR_MARK = re.compile(r"(\d{4})\s*年")
_TITLE_ENDS = ("表", "目标")
# "(2024年度)" alone on a line.  Each blank run belongs to one place (no two \s* side by side), so a
# line of a million blanks is read in linear time.
_YEAR_LINE = re.compile(r"^\s*(?:[(（]\s*)?(\d{4})\s*年(?:\s*度)?(?:\s*[)）])?\s*$")
# A year row inside a table says 年度 or stands in brackets: "(2024 年度)", "2024年度" — not "2024年",
# which may be a value pushed onto the next line.
_YEAR_ROW_MARK = ("度", "(", "（")
# 项目期 years: "2019-2021", "2024年1月-2024年12月".
_PERIOD_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
# A telephone number beside the project name: a mobile (13900000000) or a fixed line (0951-5012345).
_PHONE = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}[-—－ ]?\d{7,8})(?!\d)")
_LEVEL2_TAILS = ("指标", "效益", "影响", "满意度", "成本")
# "单位：万元" inside a line of text (a title, a note): the money unit of the tables below it.
_UNIT_MARK = re.compile(r"单位\s*+[:：]\s*+([^\s)）\]】,，;；。、]++)")
_RULE_CHARS = frozenset("-—:|")
# The narrative: a clause ends at a comma, a semicolon or a full stop; a sentence at a full stop
# or a semicolon.  HTML tags pasted from a web form are blanked before either is read.
_CLAUSE = re.compile(r"(?:[^，,；;。！!？?\n]|,\d{3})+")  # a comma before three digits groups them: 1,250,000.00
_SENTENCE = re.compile(r"[^。；;！!？?]+[。；;！!？?]?")
# How far after a rate prefix (每) a unit word is looked for: the units of rules/units.txt are at most
# 3 characters; the bound keeps a clause full of 每 linear.
_UNIT_WORD = 8


@lru_cache(maxsize=4096)
def decimals_of(text: str) -> int:
    """The digits after the point of the number written in `text`: the precision it states."""
    digits = "".join(ch for ch in text if ch.isdigit() or ch == ".")
    return len(digits.split(".", 1)[1]) if "." in digits else 0


_DIGIT_COMMA = re.compile(r"\d,\d")


def _cut_number(value: Value) -> bool:
    """Whether a comma between two digits of the cell falls between its amounts (1,2345: digits grouped
    otherwise than by thousands) rather than inside one (1,250)."""
    for match in _DIGIT_COMMA.finditer(value.raw):
        comma = match.start() + 1
        if not any(amount.start <= comma < amount.end for amount in value.amounts):
            return True
    return False


def _grouped(digits: str) -> str:
    """Digits (and a decimal part) written with their thousands grouped: 12345.5 → 12,345.5."""
    whole, point, fraction = digits.partition(".")
    if not whole.isdigit():
        return digits
    return f"{int(whole):,}" + point + fraction


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


def _zero(text: str) -> Amount:
    """The bare number 0 of a cell whose unit is in a column of its own (alone, 0 reads as 不适用)."""
    at = text.find("0")
    return Amount.of(
        start=at,
        end=at + 1,
        comparator=None,
        comparator_text="",
        comparator_start=-1,
        qualifier="",
        suffix="",
        number=Decimal(0),
        high=None,
        written="0",
        decimals=0,
        magnitude_text="",
        approximate=False,
        percent=False,
        unit=None,
        unit_text="",
        per=None,
        per_text="",
        noun="",
    )


def _joined(cells: tuple[Cell, ...] | list[Cell]) -> str:
    """The text of cells that make one name (a PDF split it)."""
    return "".join(cell.text for cell in cells)


@record
class ReaderState:
    """What reading one table passes to the next."""

    fiscal_year: int | None = None
    fiscal_year_span: Span | None = None
    # what stated it: 3 metadata (年度：), 2 "(2024年度)" (a line, or a row of one cell), 1 a title; a one-year
    # 项目期 states the year of its own table only, when nothing else does (Reading.year_from_period)
    fiscal_year_rank: int = 0
    money_unit_text: str = "万元"  # 单位 of bare numbers
    tables: int = 0  # tables read before
    waiting: tuple[Directive, ...] = ()  # directives not yet followed by the line they cover


@named
class _Pending:
    """A header label whose value has not been read yet."""

    key: str | None  # None: an unknown label, whose value is swallowed
    cell: Cell
    broken_tail: str = ""  # the missing end of a label cut by a line break
    unit: Unit | None = None  # the money unit the label states: 年度资金总额（万元）
    row: int = 0  # the number of the label's row (a page's cells of one row may stand on several lines)


@named
class _Layout:
    """An indicator block's heading row: the role of each column (vocabulary [indicator_header.columns])
    and its heading as written."""

    roles: tuple[str, ...]
    headings: tuple[str, ...]
    by_columns: bool  # read each row by column; False: the plain heading, read by content
    cells: tuple[Cell, ...] = ()  # the heading cells (a sheet's header columns are labelled by them)
    units: tuple[Unit | None, ...] = ()  # the money unit each heading states: 年度资金总额（万元）
    value_column: tuple[tuple[str, str], ...] = ()  # ("value", its heading): what a row read by content records

    def fit(self, row: Row) -> tuple[Cell | None, ...] | None:
        """The row's cells by column, or None when the row does not fit the heading.

        A row of as many cells as the heading fits it cell for cell; cells beyond the heading fit
        when they are empty.  A shorter row fits when the columns it lacks hold no level, name or
        value: at its end (a TAB row whose 备注 is empty), or at its start when they are the level
        columns (a PDF dropped the merged cells).
        """
        cells, width = row.cells, len(self.roles)
        if len(cells) >= width:
            if any(cell.text for cell in cells[width:]):
                return None
            return cells[:width]
        missing = width - len(cells)
        padding: tuple[None, ...] = (None,) * missing
        if not set(self.roles[len(cells) :]) & _CONTENT_ROLES:
            return (*cells, *padding)
        if set(self.roles[:missing]) <= _LEVEL_ROLES:
            return (*padding, *cells)
        return None


# Roles of the plain heading, read by content (the others need the heading: see _Layout.by_columns); a row
# that lacks one of their columns does not fit its heading (_Layout.fit).
_CONTENT_ROLES = frozenset(("level1", "level2", "name", "value"))
_LEVEL_ROLES = frozenset(("level1", "level2", "lead", "other"))


@record
class _Table:
    """The state of reading one table."""

    project: Project
    zone: str  # header | indicators
    pending: _Pending | None
    last_field: Field | None
    level1: GroupRef | None  # the groups of the rows above, as inherited by a merged cell
    level2: GroupRef | None
    layout: _Layout | None  # the indicator block's heading row, once seen
    labels: set[str]  # the normalised labels and headings the table has: what tells its template
    stray: list[Text]  # non-row lines since the last row
    # Expected tails of labels broken over lines ("金" of 其他资|金) → how many are still expected.
    fragments: Counter[str]
    # Pieces of a long text continued over rows, joined once when it ends (appending to the text
    # at each row would copy it each time: quadratic over 100,000 rows).
    continued: list[str]
    continued_field: Field | None
    year_rank: int  # what stated the year this table starts with, since the table before (ReaderState)
    year_waiting: tuple[int, Span] | None  # a (2024年度) row inside the table, until a row of it follows

    def __init__(self, project: Project):
        self.project, self.zone = project, "header"  # zone: header | indicators | signoff
        self.pending = self.last_field = self.level1 = self.level2 = self.continued_field = self.layout = None
        self.stray, self.fragments, self.continued, self.labels = [], Counter(), [], set()
        self.year_rank, self.year_waiting = 0, None

    def join_continued(self) -> None:
        if self.continued_field is not None:
            self.continued_field.text = "".join([self.continued_field.text, *self.continued])
            self.continued.clear()
            self.continued_field = None


class Reader:
    """Reads documents (blocks of free text and grids) into the model; holds no per-document state."""

    def __init__(
        self,
        vocabulary: Vocabulary,
        units: UnitTable,
        values: ValueReader | None = None,
        templates: Templates | None = None,
    ):
        self.vocab = vocabulary
        self.units = units
        self.values = values or ValueReader(vocabulary, units)
        self.templates = templates or load_templates()
        # The labels that start a table (项目名称, 专项名称, 部门（单位）名称: rules/templates.toml `starts`);
        # the name of the first is what messages call the table's row.
        self.start_labels = self.templates.start_labels
        self.name_label = normalize_label(vocabulary.header_canonical["name"])
        self._groups: dict[str, tuple] = {}  # see group_cells
        self._signoff: dict[str, bool] = {}  # see is_signoff

    def read(self, blocks: Iterable[Block], path: str = "<text>") -> Document:
        """The whole document, every project kept."""
        document = Document(path=path)
        document.projects.extend(self.projects(blocks, document))
        return document

    def projects(
        self, blocks: Iterable[Block], document: Document, state: ReaderState | None = None
    ) -> Iterator[Project]:
        """Each project of the document as soon as its table ends (a 100 MB document is read one table
        at a time); `document` collects the metadata, directives and layout findings as reading goes."""
        reading = Reading(self, document, state)
        yield from reading.read(blocks)
        reading.finish()
        yield from reading.take()
        # what the container found (a workbook's uncached formulas, a PDF's cells not read whole): known
        # once every block has been read, for a container that reads its file as the blocks are asked for
        document.findings.extend(getattr(blocks, "findings", ()))
        document.line_count = getattr(blocks, "line_count", document.line_count)

    def starts_table(self, row: Row) -> bool:
        """Whether `row` starts a project table: its first cell is a template's start label (项目名称 …)."""
        cells = row.filled
        return bool(cells) and not _is_rule(cells) and normalize_label(cells[0].text) in self.start_labels

    def is_signoff(self, text: str) -> bool:
        """Whether a row's first cell begins a sign-off (填表人：, 财政部门初审意见（盖章）): memoised by the
        text, as every indicator row asks it."""
        cache = self._signoff
        found = cache.get(text)
        if found is None:
            if len(cache) > 65536:
                cache.clear()
            found = cache[text] = self.vocab.is_signoff(text)
        return found

    # ---------------------------------------------------------------- group cells
    def group_cells(self, text: str) -> tuple:
        """(level, code, name, kind) of `text` as a group cell — alone, and after a blank (merged) cell or
        a level-1 cell — or None; memoised by the text.  The two are one object unless the name is
        both a level-1 and a level-2 name (成本指标), so whether the cell follows one is asked only then."""
        cache = self._groups
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
        norm = self.vocab.unannotated(normalize_label(name))  # 数量指标（必填）
        if not norm:
            return None
        vocab = self.vocab
        if code is not None:
            if len(code) == 1:
                kind = vocab.level1_names.get(norm)
                if kind or norm.endswith("指标"):
                    return 1, code, squeeze(name), kind
            elif len(code) == 2:
                kind = vocab.level2_names.get(norm)
                if kind or norm.endswith(_LEVEL2_TAILS):
                    return 2, code, squeeze(name), kind
            return None
        kind1 = vocab.level1_names.get(norm)
        kind2 = vocab.level2_names.get(norm)
        if kind1 and not (kind2 and after_blank):
            return 1, None, squeeze(name), kind1
        if kind2:
            return 2, None, squeeze(name), kind2
        return None


def _is_rule(cells: tuple[Cell, ...]) -> bool:
    """A rule line damaged by extraction (`|--|—|`) rather than a row of text."""
    return cells[0].text[0] in _RULE_CHARS and all(set(cell.text) <= _RULE_CHARS for cell in cells)


class Reading:
    """Reading one document, or a stretch of one from the state before it (`state`)."""

    def __init__(self, reader: Reader, document: Document, state: ReaderState | None = None):
        state = state or ReaderState()
        self.reader = reader
        self.vocab = reader.vocab
        self.doc = document
        self.table: _Table | None = None
        self.completed: list[Project] = []
        self.fiscal_year, self.fiscal_year_span = state.fiscal_year, state.fiscal_year_span
        self.fiscal_year_rank = state.fiscal_year_rank
        self.money_unit_text = state.money_unit_text
        self.tables = state.tables
        self.directives = Directives(document.directives, list(state.waiting))
        self.read_value = reader.values.read  # text → Value (memoised)
        self.sheet: _Layout | None = None  # one indicator a row under a 项目名称 column (see open_sheet)
        self.row_number = 0  # the number of the row being read

    def state(self) -> ReaderState:
        """The state this reading passes to the table after the ones it has read."""
        return ReaderState(
            self.fiscal_year,
            self.fiscal_year_span,
            self.fiscal_year_rank,
            self.money_unit_text,
            self.tables,
            tuple(self.directives.waiting),
        )

    # ---------------------------------------------------------------- blocks
    def read(self, blocks: Iterable[Block]) -> Iterator[Project]:
        """Read `blocks`, yielding each project as its table ends (the last one stays open: see finish)."""
        for block in blocks:
            if type(block) is Grid:
                for row in block.rows:
                    self.feed_row(row)
                    if self.completed:
                        yield from self.take()
            else:
                self.feed_text(block)  # type: ignore[arg-type]
                if self.completed:
                    yield from self.take()

    def feed_row(self, row: Row) -> None:
        """Read one row, and give the directives waiting above it their lines."""
        self.row(row)
        if self.directives.waiting:
            self._followed(row.number, True)

    def feed_text(self, line: Text) -> None:
        """Read one line of free text, and give the directives waiting above it their lines."""
        self.text(line)
        if self.directives.waiting and line.kind not in ("directive", "comment"):
            self._followed(line.number, False)

    def open_directives(self) -> bool:
        """Whether a directive waits for a table to end while no table is read (one above the first table,
        outside it): where it ends depends on tables to come."""
        return self.table is None and any(directive.last_line == OPEN for directive in self.doc.directives)

    def take(self) -> list[Project]:
        """The projects completed since last asked."""
        completed, self.completed = self.completed, []
        return completed

    def _followed(self, number: int, is_row: bool) -> None:
        table = self.table
        table_line = table.project.span.line if table is not None else None
        self.directives.followed_by(number, is_row, table_line, is_row and table_line == number, self.tables > 0)

    def report(self, code: str, span: Span, **args) -> Finding:
        """A layout finding of the reader (every one is made here)."""
        expected = args.pop("expected", None)
        actual = args.pop("actual", None)
        project = self.table.project.name if self.table else None
        finding = Finding(code, span, args=args, expected=expected, actual=actual, project=project)
        self.doc.findings.append(finding)
        return finding

    def looks_like_value(self, text: str) -> bool:
        return self.read_value(text).kind in ("amount", "date", "period", "na", "mixed")

    # ---------------------------------------------------------------- free text
    def text(self, line: Text) -> None:
        kind = line.kind
        if kind == "directive":
            self.directives.add(line.text, Span(line.number, 1, line.number, len(line.text) + 1))
            return
        if kind in ("comment", "separator"):
            return
        text = line.text.strip()
        if kind == "meta":
            key, _, value = re.split(r"([:：])", text, maxsplit=1)
            meta_key = self.vocab.metadata_keys.get(normalize_label(key.lstrip("(（[【")))
            if meta_key:  # "年度：2024", "（单位：元）"
                self.metadata(meta_key, value.strip().rstrip(")）]】").strip(), line)
            else:  # "说明：本表单位：元。"
                self.unit_from_text(line)
        else:  # heading, text
            self.year_from_text(text.lstrip("#").strip(), line)
            self.unit_from_text(line)
        if self.table is not None:
            self.table.stray.append(line)

    def metadata(self, key: str, value: str, line: Text) -> None:
        column = max(line.text.find(value) + 1 if value else 1, 1)
        span = Span(line.number, column, line.number, column + max(len(value), 1))
        self.doc.metadata[key] = (value, span)
        if key == "money_unit" and value:
            self.money_unit_text = squeeze(value)
        elif key == "fiscal_year":
            match = re.search(r"\d{4}", value)
            if match:
                self.set_year(int(match.group()), span, 3)

    def unit_from_text(self, line: Text) -> None:
        """A money unit stated in a line of text ("2024年…绩效目标表    单位：万元"), for the tables below."""
        match = _UNIT_MARK.search(line.text)
        if match is not None:
            unit = self.reader.units.get(squeeze(match.group(1)))
            if unit is not None and unit.is_money:
                self.metadata("money_unit", match.group(1), line)

    def year_from_text(self, text: str, line: Text) -> None:
        match = _YEAR_LINE.match(text)
        rank = 2
        if not match:
            match = title_year(text)
            rank = 1
        if match:
            start = line.text.find(match.group(1))
            self.set_year(int(match.group(1)), Span(line.number, start + 1, line.number, start + 5), rank)

    def set_year(self, year: int, span: Span, rank: int) -> None:
        # Between tables, the latest statement wins, but a weaker source never overrides a stronger one
        # stated after the previous table.
        if self.table is None and rank < self.fiscal_year_rank and self.fiscal_year is not None:
            return
        self.fiscal_year, self.fiscal_year_span, self.fiscal_year_rank = year, span, rank

    # ---------------------------------------------------------------- rows
    def row(self, row: Row) -> None:
        self.row_number = row.number
        cells = row.filled
        if not cells or _is_rule(cells):
            return
        if normalize_label(cells[0].text) in self.reader.start_labels:
            self.sheet = self.sheet_layout(row, cells)
            if self.sheet is None:
                self.start_table(row, cells)
            else:
                self.end_table()
            return
        if self.sheet is not None:
            self.sheet_row(row, cells)
            return
        if self.passed_over(cells):
            return
        table = self.table
        if table is None:
            self.report("BL007", cells_span(cells[0], cells[-1]), variant="outside")
            return
        if table.stray or table.year_waiting:
            self.table_year(table)
        if table.stray:
            for stray in table.stray:
                if stray.kind in ("text", "heading", "meta"):
                    span = Span(stray.number, 1, stray.number, len(stray.text) + 1)
                    self.report("BL006", span, line=stray.text.strip()[:40])
            table.stray = []
        table.project.end_line = row.number
        if table.zone == "header" and self.is_indicator_start(cells):
            self.close_pending()
            table.zone = "indicators"
        if table.zone == "header":
            self.header_row(cells)
        else:
            self.indicator_row(row, cells)

    def start_table(self, row: Row, cells: tuple[Cell, ...]) -> None:
        self.end_table()
        name_cells, rest = self.name_cells(cells)
        self.open_table(row, cells[0], name_cells)
        assert self.table is not None
        if rest:
            self.beside_name(rest)
        if self.table.last_field is None:
            self.table.last_field = self.table.project.fields["name"]

    def open_table(self, row: Row, label_cell: Cell, name_cells: tuple[Cell, ...]) -> None:
        """Begin the table of a project named by `name_cells`, under the start label `label_cell`."""
        cells = (label_cell, *name_cells)
        unit = self.reader.units.get(self.money_unit_text) if self.money_unit_text else None
        project = Project(
            name=_joined(name_cells),
            # a sheet's row: its name cell (the 项目名称 heading is lines above)
            span=cells_span(cells[0], cells[-1]) if label_cell.line == row.number else cell_span(name_cells[0]),
            end_line=row.number,
            fiscal_year=self.fiscal_year,
            fiscal_year_span=self.fiscal_year_span,
            money_unit=unit,
            money_unit_text=self.money_unit_text,
        )
        self.tables += 1
        self.doc.project_count += 1
        self.table = _Table(project)
        label = Field("name", cells[0].text, cell_span(cells[0]))
        self.note_label(cells[0].text)
        if name_cells:
            label.text = project.name
            label.span = cells_span(name_cells[0], name_cells[-1])
        project.fields["name"] = label
        self.table.year_rank = self.fiscal_year_rank
        self.fiscal_year_rank = 0  # the next table's title may restate the year

    # ---------------------------------------------------------------- one indicator a row
    def sheet_layout(self, row: Row, cells: tuple[Cell, ...]) -> _Layout | None:
        """The layout of a sheet heading — 项目名称 | 主管部门 | 年度资金总额 | 一级指标 | … | 指标值: header
        labels and indicator headings side by side, each row below one indicator of the project it
        names — or None for an ordinary 项目名称 row."""
        if len(cells) < 3 or len(cells) != len(row.cells):
            return None
        roles: list[str] = []
        units: list[Unit | None] = []
        for cell in cells:
            role = self.vocab.column_role(cell.text)
            unit = None
            if role is None or role == "other":
                key, unit = self.label(cell.text)
                if key is None:
                    return None
                role = "field:" + key
            roles.append(role)
            units.append(unit)
        if roles[0] != "field:name" or "value" not in roles or "field:name" in roles[1:]:
            return None
        headings = tuple(squeeze(cell.text) for cell in cells)
        return _Layout(tuple(roles), headings, True, cells, tuple(units))

    def sheet_row(self, row: Row, cells: tuple[Cell, ...]) -> None:
        """A row of a sheet: a new project where its name changes, its header cells, its indicator."""
        layout = self.sheet
        assert layout is not None
        fitted = layout.fit(row)
        if fitted is None or fitted[0] is None:
            self.unheaded(row, cells, layout)
            return
        name = fitted[0]
        if name.text and (self.table is None or squeeze(name.text) != squeeze(self.table.project.name)):
            self.end_table()
            self.open_table(row, layout.cells[0], (name,))
            assert self.table is not None
            self.table.zone = "indicators"
            self.table.labels.add("(一行一指标)")
            for heading in layout.cells:
                self.note_label(heading.text)
        table = self.table
        if table is None:
            self.unheaded(row, cells, layout)
            return
        table.project.end_line = row.number
        for at, role in enumerate(layout.roles[1:], 1):
            cell = fitted[at]
            if role.startswith("field:") and cell is not None and cell.text:
                self.assign(_Pending(role[6:], layout.cells[at], "", layout.units[at]), cell)
        self.indicator_by_columns(row, layout, fitted)

    def unheaded(self, row: Row, cells: tuple[Cell, ...], layout: _Layout) -> None:
        """BL007: a row that does not fit the heading of its block, not read."""
        width, headings = len(layout.roles), " | ".join(layout.headings)
        self.report(
            "BL007",
            cells_span(cells[0], cells[-1]),
            variant="unheaded",
            text=" | ".join(cell.text for cell in cells)[:40],
            expected=words(f"{width} 列（{headings}）", f"{width} columns ({headings})"),
            actual=words(f"{len(row.cells)} 列", f"{len(row.cells)} columns"),
        )

    def recognise(self, table: _Table) -> None:
        """The template the table's labels fit (rules/templates.toml); BL010 when they fit several alike."""
        project = table.project
        found = self.reader.templates.recognise(table.labels)
        project.template, project.template_labels, project.templates_tied = (
            found.template.id,
            found.deciding,
            found.tied,
        )
        if found.tied:
            ids = "、".join((found.template.id, *found.tied))
            labels = "、".join(found.deciding)
            self.report(
                "BL010",
                project.span,
                templates=ids,
                labels=labels,
                expected=words(f"一种模板（{ids} 之一）", f"one template (one of {ids})"),
                actual=words(f"标签同样符合：{labels}", f"labels fitting them alike: {labels}"),
            )

    def end_table(self) -> None:
        """End the table being read, if any: its project is complete."""
        table = self.table
        if table is None:
            return
        table.join_continued()
        self.close_pending()
        self.recognise(table)
        self.directives.table_ended(table.project.end_line)
        if table.project.fiscal_year is None:
            self.year_from_period(table.project)
        self.finalize(table.project)
        self.completed.append(table.project)
        self.table = None

    def finish(self) -> None:
        """The end of the document."""
        self.end_table()
        self.directives.document_ended()

    # ---------------------------------------------------------------- header zone
    def is_indicator_start(self, cells: tuple[Cell, ...]) -> bool:
        # Loops, not all()/any() over generators: every header row asks this.
        if len(cells) >= 2 and self.is_heading(cells):
            return True
        group_cells = self.reader.group_cells  # the cells are filled: none follows a blank one
        for cell in cells[:-1]:
            if group_cells(cell.text)[0] is not None:
                return True
        return False

    def is_heading(self, cells: tuple[Cell, ...]) -> bool:
        """Whether every cell is a heading of the indicator block (一级指标 | 二级指标 | … | 备注)."""
        column_role = self.vocab.column_role
        for cell in cells:
            if column_role(cell.text) is None:
                return False
        return True

    def header_row(self, cells: tuple[Cell, ...]) -> None:
        table = self.table
        assert table is not None
        labels = [self.label(cell.text) for cell in cells]
        keys = [key for key, _ in labels]
        row_has_label = any(keys)
        for index, cell in enumerate(cells):
            text = cell.text
            key, unit = labels[index]
            if key is not None or unit is not None:
                self.note_label(text)
            if key is not None and key != "name":
                if (
                    unit is not None
                    and index + 1 < len(cells)
                    and (keys[index + 1] or self.vocab.is_sublabel(cells[index + 1].text))
                ):
                    # 年度预算安排（元） | 资金总额 | …: the unit heads the block of amounts below it
                    table.project.money_unit, table.project.money_unit_text = unit, unit.name
                if table.pending is not None:
                    self.close_pending()
                table.pending = _Pending(key, cell, "", unit, self.row_number)
                continue
            if key is None and unit is not None:  # a heading that states the unit: 资金情况（万元）
                table.project.money_unit, table.project.money_unit_text = unit, unit.name
                continue
            if table.pending is not None and self.vocab.is_sublabel(text):
                continue
            if table.pending is not None and self.label_below(table.pending, cells, index, keys):
                self.close_pending()  # the field stays empty: the cell below is a label, not its value
            if table.pending is not None:
                pending = table.pending
                table.pending = None
                if pending.row != self.row_number and pending.key is not None:
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
                table.pending = _Pending(key, cell, tail, None, self.row_number)
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
            near = self.vocab.near_label(text)
            if following is not None and not keys[index + 1]:
                self.unknown_label(cell, near)
                table.pending = _Pending(None, cell, "", None, self.row_number)
                continue
            if near is not None:  # a misspelt label whose value is missing: not an orphan value
                self.unknown_label(cell, near)
                continue
            self.report("BL007", cell_span(cell), variant="unlabelled", text=text[:30])

    def note_label(self, text: str) -> None:
        """Keep a label the table has, with and without the unit it states, for recognising the template."""
        assert self.table is not None
        label = normalize_label(text)
        self.table.labels.add(label)
        bracket = label.find("(")
        if bracket > 0:
            self.table.labels.add(label[:bracket])

    def unknown_label(self, cell: Cell, near: str | None) -> None:
        """BL002 for a label the vocabulary does not know; "did you mean" the one known label it is one edit
        away from.  Its value is never read as that label's field: a misread is worse than a miss."""
        if near is None:
            self.report("BL002", cell_span(cell), label=cell.text, actual=cell.text)
        else:
            self.report("BL002", cell_span(cell), variant="near", label=cell.text, expected=near, actual=cell.text)

    def label_below(self, pending: _Pending, cells: tuple[Cell, ...], index: int, keys: list[str | None]) -> bool:
        """Whether the cell that would be the value of `pending`, a label on a line above whose own value cell
        was empty or missing, is a label of its row rather than that value: a misspelt label, a sign-off
        word (| 盖章 |), or a text before a value of its own (| 总体目标 | 本项目… |).  A value pushed onto the next line stands alone
        or before a label (| 54.46 | 中央资金 | 0 |), and reads as a value."""
        cell = cells[index]
        if pending.key is None or pending.row == self.row_number or self.looks_like_value(cell.text):
            return False
        if self.vocab.near_label(cell.text) is not None or self.reader.is_signoff(cell.text):
            return True
        return index + 1 < len(cells) and keys[index + 1] is None and not self.vocab.is_sublabel(cells[index + 1].text)

    def name_cells(self, cells: tuple[Cell, ...]) -> tuple[tuple[Cell, ...], tuple[Cell, ...]]:
        """(the cells of the project name, the cells after it) of a 项目名称 row.

        The cell after 项目名称 is the name, unless it is a known label with cells after it.  A name that
        PDF extraction split over cells goes on over the cells after it, each joined as long as it is not
        a known label, a sign-off word (项目负责人, 联系电话) or a near miss of a label, does not look like a
        value or a telephone number, and is not followed by one (then it is a label of its own:
        | 项目负责人及电话 | 张三 13900000000 |).  The name stops there; the cells
        from there are read as a header row (beside_name): a known label and its value as that field, an
        unknown label as BL002 (before its value), a value without a label as BL007 — never as part of the
        name.  A text cell that is neither a label nor a value, with no value after it, cannot be told from
        the second half of a split name, and is joined.
        """
        count = len(cells)
        end = 1
        while end < count:
            cell = cells[end]
            if self.label(cell.text)[0] is not None and (end > 1 or count > 2):
                break
            if end > 1 and (
                self.value_or_phone(cell.text)
                or (end + 1 < count and self.value_or_phone(cells[end + 1].text))
                or self.label_beside_name(cell.text)
            ):
                break
            end += 1
        return cells[1:end], cells[end:]

    def label_beside_name(self, text: str) -> bool:
        """A cell beside the name that is a label, though not of the header: one of the sign-off words
        (项目负责人, 联系人, 联系电话 …) and what follows it, or a near miss of a header label."""
        return halfwidth(squeeze(text)).startswith(self.vocab.signoff_words) or self.vocab.near_label(text) is not None

    def value_or_phone(self, text: str) -> bool:
        """A cell that cannot continue a name: an amount, a date, a period, 无 — or holds a telephone number."""
        return _PHONE.search(text) is not None or self.read_value(text).kind in ("amount", "date", "period", "na")

    def beside_name(self, cells: tuple[Cell, ...]) -> None:
        """The cells after the name on the 项目名称 row, read as a header row of their own (see name_cells)."""
        table = self.table
        assert table is not None
        table.last_field = None  # they do not continue the name
        self.header_row(cells)

    def passed_over(self, cells: tuple[Cell, ...]) -> bool:
        """Rows that are neither header nor indicator rows: a (2024年度) row of one cell, which states the
        fiscal year (see table_year); a sign-off row after the indicators (填表人：, 财政部门初审意见（盖章）)
        and every row after it until the next table."""
        table = self.table
        if len(cells) == 1 and (table is None or table.pending is None):
            match = self.year_row(cells[0].text)
            if match is not None:
                cell = cells[0]
                start = cell.column + cell.text.find(match.group(1))
                span = Span(cell.line, start, cell.line, start + 4)
                self.set_year(int(match.group(1)), span, 2)  # for the tables below, as a (2024年度) line
                if table is not None and table.zone != "signoff":
                    table.year_waiting = (int(match.group(1)), span)
                return True
        if table is None or table.zone == "header":
            return False
        if table.zone == "indicators" and not self.reader.is_signoff(cells[0].text):
            return False
        table.zone = "signoff"
        table.stray.clear()
        return True

    @staticmethod
    def year_row(text: str) -> re.Match[str] | None:
        """ "(2024 年度)" or "2024年度" alone (not "2024年": that may be a value pushed onto the next line)."""
        match = _YEAR_LINE.match(text)
        return match if match is not None and any(mark in text for mark in _YEAR_ROW_MARK) else None

    def table_year(self, table: _Table) -> None:
        """The year a (2024年度) row or line inside a table states, once a row of that table follows it (after
        its last row, it is the title of the next table): the year of this table and of the state passed on
        — as a (2024年度) line above the table would be — unless 年度： stated it above this table."""
        waiting = table.year_waiting
        kept = []
        for stray in table.stray:
            match = self.year_row(stray.text.strip().lstrip("#").strip()) if stray.kind in ("text", "heading") else None
            if match is None:
                kept.append(stray)
                continue
            start = stray.text.find(match.group(1))
            waiting = (int(match.group(1)), Span(stray.number, start + 1, stray.number, start + 5))
        table.stray, table.year_waiting = kept, None
        if waiting is not None and table.year_rank <= 2:
            table.project.fiscal_year, table.project.fiscal_year_span = waiting
            table.year_rank = 2
            self.set_year(*waiting, 2)
            self.year_source(waiting[0], waiting[1], "row")

    def year_from_period(self, project: Project) -> None:
        """The fiscal year of a table nothing else states it for: the year of a one-year 项目期 (2024年1月-
        2024年12月, 2024年).  The weakest source, for this table only.  A 项目期 over several years
        (2019-2021) states none: a multi-year project files a table each year, so its end year is the
        fiscal year of one table only."""
        period = project.fields.get("period")
        if period is None or not period.text:
            return
        years = {int(year) for year in _PERIOD_YEAR.findall(halfwidth(period.text))}
        if len(years) == 1:
            project.fiscal_year, project.fiscal_year_span = years.pop(), period.where
            self.year_source(project.fiscal_year, period.where, "period")

    def year_source(self, year: int, span: Span, variant: str) -> None:
        """BL011 (info): the fiscal year of a table read from inside it — a (2024年度) row, or a one-year
        项目期 — where no line above the table states it: what the date rules (BL301) compare with."""
        self.report(
            "BL011",
            span,
            variant=variant,
            year=year,
            expected=words("表格上方写明年度（如“年度：2024”）", "the year stated above the table (年度：2024)"),
            actual=str(year),
        )

    def label(self, text: str) -> tuple[str | None, Unit | None]:
        """(the field a header cell names, the money unit it states in brackets): "年度资金总额（万元）" →
        (annual, 万元); "资金情况(万元)" → (None, 万元); an unknown label → (None, None)."""
        key = self.vocab.header_field(text)
        if key is not None:
            return key, None
        stated = unit_in_brackets(text, self.reader.units)
        if stated is None or stated[1].unit is None or not stated[1].unit.is_money or stated[1].per is not None:
            return None, None
        return self.vocab.header_field(stated[0]), stated[1].unit

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
        new = Field(key, pending.cell.text, label_span, unit=pending.unit)
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

    def finalize(self, project: Project) -> None:
        """Read what the header says once the table is whole: money fields as exact amounts (the ones
        that cannot be read are BL004), durations and the narrative."""
        vocab = self.vocab
        for key in vocab.money_fields:
            found = project.fields.get(key)
            if found is None or not found.text:
                continue
            value = self.read_value(found.text)
            found.value = value
            if value.too_long or value.too_large:
                self.too_long(found.where, found.label, value)
                continue
            found.decimals = decimals_of(found.text)
            amount = value.amount
            if value.kind == "na" and squeeze(found.text) in ("0",):
                found.amount = Decimal(0) * (project.money_unit.factor if project.money_unit else 1)
                continue
            if value.kind == "amount" and len(value.amounts) == 1 and amount is not None and not amount.is_rate:
                yuan = amount.in_yuan(found.unit or project.money_unit)
                if yuan is not None:
                    found.amount = yuan
                    continue
            broken = self.breakdown(value, found.unit or project.money_unit)
            if broken is not None:  # 1080万元（提质改造1008万元，错车道72万元）
                found.amount, found.parts = broken
                continue
            if value.kind == "amount" and len(value.amounts) > 1:  # never one of them for the whole
                numbers = [a.written for a in value.amounts]
                joined = _grouped("".join(number.replace(",", "").replace(" ", "") for number in numbers))
                self.report(
                    "BL004",
                    found.where,
                    variant="several",
                    label=found.label,
                    numbers="、".join(numbers),
                    expected=words(
                        f"一个金额（若是一个数，写作 {joined}）", f"one amount ({joined} if it is one number)"
                    ),
                    actual=found.text,
                )
                continue
            self.report(
                "BL004",
                found.where,
                label=found.label,
                text=found.text,
                expected=words("金额（如 123.57）", "an amount (123.57)"),
                actual=found.text,
            )
        for key in vocab.duration_fields:
            found = project.fields.get(key)
            if found is not None and found.text:
                found.value = self.read_value(found.text)
        goal = project.fields.get("goal")
        if goal is not None and len(goal.text) > MAX_NARRATIVE:
            self.report(
                "BL004",
                goal.where,
                variant="too-large",
                label=goal.label,
                expected=str(MAX_NARRATIVE),
                actual=str(len(goal.text)),
            )
        elif goal is not None and goal.text:
            project.narrative = self.narrative(goal.text)

    def too_long(self, span: Span, label: str, value: Value) -> None:
        """BL004 for a cell too long to read (valueread.MAX_VALUE characters), or holding a number of more
        digits than can be read (valueread.MAX_DIGITS)."""
        if value.too_large and not value.too_long:
            self.report(
                "BL004", span, variant="too-large", label=label, expected=str(MAX_VALUE), actual=str(value.too_large)
            )
            return
        self.report(
            "BL004",
            span,
            variant="too-long",
            label=label,
            expected=str(MAX_DIGITS),
            actual=str(value.too_long),
        )

    def breakdown(self, value: Value, unit: Unit | None) -> tuple[Decimal, tuple[Part, ...]] | None:
        """A money cell that is an amount, then its parts in brackets, each named: (the amount in 元, the
        parts); None for any other cell."""
        raw = value.raw.strip()
        opening = min((at for at in (raw.find("("), raw.find("（")) if at > 0), default=-1)
        if opening < 0 or not raw.endswith((")", "）")):
            return None
        head, inner = self.read_value(raw[:opening]), self.read_value(raw[opening + 1 : -1])
        if head.kind != "amount" or len(head.amounts) != 1 or not inner.amounts:
            return None
        whole = head.amounts[0].in_yuan(unit)
        if whole is None:
            return None
        parts = []
        previous = 0
        for amount in inner.amounts:
            yuan = amount.in_yuan(unit)
            if yuan is None or amount.is_rate:
                return None
            label = inner.raw[previous : amount.start].strip(" ,，、;；:：")
            parts.append(Part(label, yuan, inner.raw[amount.start : amount.end], amount.decimals))
            previous = amount.end
        return whole, tuple(parts)

    def narrative(self, text: str) -> Narrative:
        """The amounts 年度总体绩效目标 states, each with the words of its clause around it, and its sentences.

        The words after a number's unit are its noun ("8 个「社区图书室采购图书」") and, as often, the words
        before the next number ("采购图书 12000 册"): each number's words start after the previous number's
        unit, so that both see them and the checks tell by the unit and the nearest words which is whose.
        """
        plain = blank_tags(text)
        statements = []
        for clause in _CLAUSE.finditer(plain):
            words = clause.group()
            value: Value = self.read_value(words)
            previous = 0
            for amount in value.amounts:
                before = words[previous : amount.start] + amount.qualifier
                per = self.rate_units(before, amount)
                statements.append(Stated(clause.start() + amount.start, before + amount.noun, amount, len(before), per))
                # the noun is the end of the amount's unit word (a rate's denominator may follow it)
                noun = words.rfind(amount.noun, amount.start, amount.end) if amount.noun else -1
                previous = noun if noun >= 0 else amount.end
        sentences = tuple(Sentence(match.start(), match.group()) for match in _SENTENCE.finditer(plain))
        return Narrative(tuple(statements), sentences)

    def rate_units(self, before: str, amount: Amount) -> tuple[Unit, ...]:
        """The units an amount of the narrative is counted per: those the rate words in the words `before` it
        name (每人每年500元 → 人, 年; 人均 → 人) and its own denominator (500元/人 → 人).  () for a total."""
        units, vocab = self.reader.units, self.vocab
        text = "".join(before.split())
        found: list[Unit] = []
        for prefix in vocab.rate_prefixes:
            at = text.find(prefix)
            while at >= 0:
                start = at + len(prefix)
                named = units.prefix(text[start : start + _UNIT_WORD])
                if named is not None:
                    found.append(named[0])
                at = text.find(prefix, start)
        for word, unit_word in vocab.rate_words.items():
            if word in text:
                found.append(self.unit_named(unit_word))
        if amount.per_text:
            found.append(amount.per or self.unit_named(amount.per_text))
        return tuple(dict.fromkeys(found))

    def unit_named(self, word: str) -> Unit:
        """The unit `word` names; a word rules/units.txt does not define counts in a unit of its own."""
        return self.reader.units.get(word) or make_unit(word, f"[{word}]", Decimal(1))

    # ---------------------------------------------------------------- indicator zone
    def indicator_row(self, row: Row, cells: tuple[Cell, ...]) -> None:
        table = self.table
        assert table is not None
        if len(cells) >= 2 and self.is_heading(cells):
            table.layout = self.layout(row)  # the column headings (again after a page break)
            for cell in cells:
                self.note_label(cell.text)
            return
        layout = table.layout
        if layout is not None and layout.by_columns:
            fitted = layout.fit(row)
            if fitted is not None:
                self.indicator_by_columns(row, layout, fitted)
                return
            self.unheaded(row, cells, layout)
            return
        level1, level2, fragments, rest = self.classify_cells(row, cells)
        for cell in fragments:
            self.report("BL001", cell_span(cell), variant="fragment", text=cell.text)
        if level1 is not None:
            table.level1, table.level2 = level1.below(), None
        if level2 is not None:
            table.level2 = level2.below()
        if not rest:
            return  # a row of group cells only
        if len(rest) == 1 and level1 is None and level2 is None:
            only = rest[0]
            if self.absorb_fragment(only):
                return
            if normalize_label(only.text) in self.vocab.fragments:
                self.report("BL001", cell_span(only), variant="fragment", text=only.text)
                return
        name_cells: tuple[Cell, ...]
        value_cell: Cell | None
        if len(rest) == 1:
            only = rest[0]
            reads_as_value = self.looks_like_value(only.text) or self.is_vague(only.text)
            name_cells, value_cell = ((), only) if reads_as_value else ((only,), None)
        else:
            name_cells, value_cell = rest[:-1], rest[-1]
        name_span = cells_span(name_cells[0], name_cells[-1]) if name_cells else None
        name = _joined(name_cells)
        if value_cell is not None:
            value, value_span = self.read_value(value_cell.text), cell_span(value_cell)
            if value.too_long or value.too_large:
                self.too_long(value_span, name, value)
            if len(value.amounts) > 1 and "," in value.raw and _cut_number(value):
                numbers = [a.written for a in value.amounts]
                self.report(
                    "BL004",
                    value_span,
                    variant="several",
                    label=name,
                    numbers="、".join(numbers),
                    expected=words("一个数（如 12,345 或 12345）", "one number (12,345 or 12345)"),
                    actual=value.raw,
                )
                value = value.with_amounts(())  # none of them is taken for the number meant
            if name.endswith((")", "）")) and len(value.amounts) == 1 and value.amounts[0].is_bare:
                stated = unit_in_brackets(name, self.reader.units)  # 新造林（亩） | 10000
                if stated is not None:
                    value = value.with_amounts((value.amounts[0].stated_in(stated[1]),))
        else:
            last = cells[-1]
            value, value_span = self.read_value(""), Span(last.line, last.end_column, last.line, last.end_column + 1)
        table.project.indicators.append(
            Indicator(
                level1 or table.level1,
                level2 or table.level2,
                name,
                name_span,
                value,
                value_span,
                cells_span(cells[0], cells[-1]),
                columns=table.layout.value_column if table.layout is not None and value_cell is not None else (),
            )
        )

    def layout(self, row: Row) -> _Layout:
        """The layout a heading row gives the rows below it."""
        column_role = self.vocab.column_role
        cells = list(row.cells)
        while cells and not cells[-1].text:
            cells.pop()
        roles: list[str] = []
        for cell in cells:  # an empty heading continues the one before it (a merged heading cell)
            roles.append(column_role(cell.text) or "other" if cell.text or not roles else roles[-1])
        levels = [at for at, role in enumerate(roles) if role in ("level1", "level2")]
        if levels and "name" in roles[levels[0] :]:
            # 绩效指标 | 一级指标 | 二级指标 | 三级指标: the column before the levels only leads them
            roles = ["lead" if at < levels[0] and role == "name" else role for at, role in enumerate(roles)]
        values = len({role_at for role_at, role in enumerate(roles) if role == "value" and cells[role_at].text})
        plain = set(roles) <= _CONTENT_ROLES and values == 1 and roles[-1] == "value"
        headings = tuple(squeeze(cell.text) for cell in cells)
        value_column = (("value", headings[len(roles) - 1 - roles[::-1].index("value")]),) if values else ()
        return _Layout(tuple(roles), headings, not plain and values == 1, (), (), value_column)

    def indicator_by_columns(self, row: Row, layout: _Layout, fitted: tuple[Cell | None, ...]) -> None:
        """An indicator row read by its block's heading: each cell for what its column holds."""
        table = self.table
        assert table is not None
        level1 = level2 = None
        name_cells: list[Cell] = []
        by_role: dict[str, Cell] = {}
        columns: list[tuple[str, str]] = []
        for role, heading, cell in zip(layout.roles, layout.headings, fitted):
            if cell is None or not cell.text:
                if role == "unit":  # where the row's unit belongs, stated or not (BL503 asks)
                    columns.append((role, heading))
                continue
            if role == "level1" or role == "level2":
                alone, after_blank = self.reader.group_cells(cell.text)
                group = alone if role == "level1" else after_blank
                code, name = split_code(cell.text)
                if group is not None:
                    code, name = group[1], group[2]
                kind = group[3] if group is not None and group[0] == (1 if role == "level1" else 2) else None
                ref = GroupRef(code, squeeze(name), kind, cell_span(cell))
                if role == "level1":
                    level1 = ref
                else:
                    level2 = ref
            elif role == "name":
                name_cells.append(cell)
            elif role in ("lead", "other") or role.startswith("field:"):
                continue
            else:
                by_role.setdefault(role, cell)
            columns.append((role, heading))
        if level1 is not None:
            table.level1, table.level2 = level1.below(), None
        if level2 is not None:
            table.level2 = level2.below()
        value_cell = by_role.get("value")
        if not name_cells and value_cell is None and "midterm" not in by_role:
            return  # a row of group cells (and notes) only
        comparator, unit = by_role.get("comparator"), by_role.get("unit")
        if value_cell is not None:
            value, value_span = self.stated_apart(value_cell.text, comparator, unit), cell_span(value_cell)
        else:
            at = fitted[layout.roles.index("value")] if "value" in layout.roles else None
            last = cells_span(row.filled[-1], row.filled[-1])
            value_span = (
                cell_span(at) if at is not None else Span(last.line, last.end_column, last.line, last.end_column + 1)
            )
            value = self.read_value("")
        midterm_cell, weight_cell, note_cell = by_role.get("midterm"), by_role.get("weight"), by_role.get("note")
        filled = row.filled
        table.project.indicators.append(
            Indicator(
                level1 or table.level1,
                level2 or table.level2,
                _joined(name_cells),
                cells_span(name_cells[0], name_cells[-1]) if name_cells else None,
                value,
                value_span,
                cells_span(filled[0], filled[-1]),
                midterm=None if midterm_cell is None else self.stated_apart(midterm_cell.text, comparator, unit),
                midterm_span=None if midterm_cell is None else cell_span(midterm_cell),
                note="" if note_cell is None else note_cell.text,
                weight=None if weight_cell is None else self.read_value(weight_cell.text),
                columns=tuple(columns),
            )
        )

    def stated_apart(self, text: str, comparator: Cell | None, unit: Cell | None) -> Value:
        """A value cell with the comparator and unit its row writes in columns of their own (四川: ≥ | 90 | %).

        The value stays the cell as written (its spans are the cell's); a bare number takes the unit
        column's unit, and an amount or a date with no comparator of its own takes the comparator
        column's sign.  A unit or comparator column the value already states is not applied twice.
        """
        value = self.read_value(text)
        if value.not_applicable and unit is not None and squeeze(text) == "0":  # ＝ | 0 | 次: none, counted
            value = Value(text, (_zero(text),), texts=(), not_applicable=False)
        if unit is not None and len(value.amounts) == 1 and value.amounts[0].is_bare:
            stated = unit_stated(unit.text, self.reader.units, self.vocab.magnitudes)
            if stated is None:  # a count in a word rules/units.txt does not define: 个 → its own unit
                word = squeeze(unit.text)
                stated = UnitStated(self.unit_named(word), word, None, "", False)
            value = value.with_amounts((value.amounts[0].stated_in(stated),))
        if comparator is not None:
            sign = self.vocab.directions.get(normalize_label(comparator.text))
            if sign is None:
                sign = self.vocab.comparators.get(squeeze(halfwidth(comparator.text)))
            if sign:
                value = value.with_comparator(sign)
        return value

    def classify_cells(
        self, row: Row, cells: tuple[Cell, ...]
    ) -> tuple[GroupRef | None, GroupRef | None, list[Cell], tuple[Cell, ...]]:
        """Split a row's cells by content: (level-1 cell, level-2 cell, label fragments, name-and-value cells).

        Group cells are recognised only before the first name cell; the last cell is the value, never
        a group (unless it is alone); a label fragment is a cell with a name after it.  A name that is
        both a level-1 and a level-2 name (成本指标) is level 2 when a level 1 precedes it or when its
        row starts with an empty (merged) cell.
        """
        level1 = level2 = None
        fragments: list[Cell] = []
        rest: tuple[Cell, ...] = ()
        last = len(cells) - 1
        for index, cell in enumerate(cells):
            if index < last or last == 0:
                group, after_blank = self.reader.group_cells(cell.text)
                if after_blank is not group and (level1 is not None or (index == 0 and row.leading_blank)):
                    group = after_blank  # 成本指标 after a level 1, or after a merged cell: level 2
                if group is not None:
                    level, code, name, kind = group
                    ref = GroupRef(code, name, kind, cell_span(cell))
                    if level == 1 and level1 is None and level2 is None:
                        level1 = ref
                        continue
                    if level == 2 and level2 is None:
                        level2 = ref
                        continue
                # A label's leftover (指标, 标, 满意度) is a fragment only with a name still after it: the
                # cell just before the value is the row's name, and 满意度 or 影响 is a name there.
                if index < last - 1 and normalize_label(cell.text) in self.vocab.fragments:
                    fragments.append(cell)
                    continue
            rest = cells[index:]  # the first name or value cell: the rest are names and the value
            break
        return level1, level2, fragments, rest

    def is_vague(self, text: str) -> bool:
        norm = squeeze(text)
        return any(norm.startswith(word) for word in self.vocab.vague)
