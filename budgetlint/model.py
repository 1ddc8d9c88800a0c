"""The typed model of a document: Document → Project → Funding fields and Indicators.

Checks see only this model, never text.  Every element keeps the Span it was
read from, so that every finding has a line and column.
"""

from __future__ import annotations

from collections import namedtuple
from decimal import Decimal

from budgetlint.record import Record, fresh, named, record
from budgetlint.record import fields as record_fields
from budgetlint.units import Unit
from budgetlint.values import Amount, Value

TYPE_CHECKING = False  # typing is not imported on the check path
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any


class Span(namedtuple("Span", "line column end_line end_column")):
    """1-based line and column; end_column is exclusive.  A tuple: cheap to make, hash and compare."""

    __slots__ = ()
    line: int
    column: int
    end_line: int
    end_column: int

    def to(self, other: Span) -> Span:
        return _new(Span, (self[0], self[1], other[2], other[3]))

    def sub(self, start: int, end: int) -> Span:
        """The part of a one-line span from character `start` to `end` of its text."""
        return Span(self.line, self.column + start, self.line, self.column + max(end, start + 1))


_new = tuple.__new__  # a named tuple made without its Python-level __new__: spans are made by the hundred thousand


def cell_span(cell) -> Span:
    """The span of a grid cell (budgetlint.grid.Cell); an empty cell spans one column."""
    column, end = cell.column, cell.end_column
    return _new(Span, (cell.line, column, cell.line, end if end > column else column + 1))


def cells_span(first, last) -> Span:
    """From the start of cell `first` to the end of cell `last` of a row."""
    end = last.end_column if last.end_column > last.column else last.column + 1
    return _new(Span, (first.line, first.column, last.line, end))


@named
class Part:
    """One part of an amount broken down in its cell: 提质改造1008万元."""

    label: str
    amount: Decimal  # in 元
    written: str
    decimals: int


@record
class Field:
    """A header field (项目总额, 本级资金 …): its label, its value, where both are."""

    key: str
    label: str  # as written
    label_span: Span
    text: str  # the value as written; "" when the table has none
    span: Span | None  # of the value
    value: Value | None  # money and duration fields, read when the table ends
    amount: Decimal | None  # money fields: exact amount in 元
    decimals: int  # money fields: the digits after the point as written, the precision stated
    unit: Unit | None  # the money unit its label states (年度资金总额（万元）), else the table's
    parts: tuple[Part, ...]  # money fields: the breakdown after the amount, 1080万元（提质改造1008万元，错车道72万元）

    def __init__(
        self,
        key: str,
        label: str,
        label_span: Span,
        text: str = "",
        span: Span | None = None,
        value: Value | None = None,
        amount: Decimal | None = None,
        decimals: int = 0,
        unit: Unit | None = None,
        parts: tuple[Part, ...] = (),
    ):
        self.key, self.label, self.label_span, self.text = key, label, label_span, text
        self.span, self.value, self.amount, self.decimals, self.unit = span, value, amount, decimals, unit
        self.parts = parts

    @property
    def where(self) -> Span:
        return self.span or self.label_span


FUNDING_KEYS = ("total", "annual", "own", "transfer", "appropriation", "other", "carryover", "central", "regional")


@named
class GroupRef:
    """A level-1 or level-2 group cell (1-产出指标, 11-数量指标), possibly inherited from a row above."""

    code: str | None
    name: str
    kind: str | None  # vocabulary kind: output / quantity / cost …; None if unknown
    span: Span
    inherited: bool = False

    @property
    def label(self) -> str:
        return f"{self.code}-{self.name}" if self.code else self.name

    def below(self) -> GroupRef:
        """The group as the rows below it see it, through a merged cell."""
        return _new(GroupRef, (self.code, self.name, self.kind, self.span, True))  # type: ignore[type-var]  # a named tuple


@record
class Indicator:
    """A level-3 indicator row: its groups, name, target value and where they are."""

    level1: GroupRef | None
    level2: GroupRef | None
    name: str
    name_span: Span | None
    value: Value
    value_span: Span
    row_span: Span
    kind: str | None  # the level-2 kind (quantity, cost …): set from level2, read by every check
    # Read by the block's heading row (a block with 中期, 备注, comparator, unit or weight columns):
    midterm: Value | None  # the 中期/中长期 target beside the annual one
    midterm_span: Span | None
    note: str  # 备注 / 说明: text only, never a value
    weight: Value | None  # 权重 / 分值
    # Which column each part came from: (part, heading as written), e.g. ("value", "年度指标值"),
    # ("comparator", "指标性质"), and ("unit", "度量单位") wherever the block has a unit column, even
    # left empty; () for a row read by content (no heading row, or the plain one).
    columns: tuple[tuple[str, str], ...]

    def __init__(
        self,
        level1: GroupRef | None,
        level2: GroupRef | None,
        name: str,
        name_span: Span | None,
        value: Value,
        value_span: Span,
        row_span: Span,
        midterm: Value | None = None,
        midterm_span: Span | None = None,
        note: str = "",
        weight: Value | None = None,
        columns: tuple[tuple[str, str], ...] = (),
    ):
        self.level1, self.level2, self.name, self.name_span = level1, level2, name, name_span
        self.value, self.value_span, self.row_span = value, value_span, row_span
        self.kind = level2.kind if level2 else None
        self.midterm, self.midterm_span, self.note, self.weight = midterm, midterm_span, note, weight
        self.columns = columns

    @property
    def line(self) -> int:
        return self.row_span.line

    @property
    def where(self) -> Span:
        return self.name_span or self.value_span


@named
class Stated:
    """An amount 年度总体绩效目标 states: where it is in the text, and the words of its clause that say what it
    counts — from the previous number's unit on (in "为 8 个社区图书室采购图书 12000 册" the words after 8 个 are
    also the words before 12000 册), its qualifier, then the words after its own unit."""

    offset: int
    phrase: str
    amount: Amount
    at: int  # where the number stands in `phrase`: the words before `at` precede it, the others follow it
    # The units it is counted per, when it is a rate and not a total: 每人每年500元 → 人, 年 (the rate words
    # before it, rules/vocabulary.toml [narrative]); 500元/人 → 人 (its own denominator).  () for a total.
    per: tuple[Unit, ...]


@named
class Sentence:
    offset: int  # in the goal text
    text: str


@record
class Narrative:
    """What 年度总体绩效目标 says that the checks compare: its amounts and its sentences."""

    statements: tuple[Stated, ...]
    sentences: tuple[Sentence, ...]


@record
class Project:
    """One project table (项目支出绩效目标表)."""

    name: str
    span: Span  # the 项目名称 row
    end_line: int
    fields: dict[str, Field]
    indicators: list[Indicator]
    fiscal_year: int | None
    fiscal_year_span: Span | None
    money_unit: Unit | None  # 单位 of bare numbers
    money_unit_text: str
    narrative: Narrative | None  # what 年度总体绩效目标 states, read when the table ends
    template: str  # the template its labels fit (rules/templates.toml), set when the table ends
    template_labels: tuple[str, ...]  # the labels that decided it (none: the default template)
    templates_tied: tuple[str, ...]  # other templates its labels fit as well (BL010)

    def __init__(
        self,
        name: str,
        span: Span,
        end_line: int,
        fields: dict[str, Field] | None = None,
        indicators: list[Indicator] | None = None,
        fiscal_year: int | None = None,
        fiscal_year_span: Span | None = None,
        money_unit: Unit | None = None,
        money_unit_text: str = "万元",
        narrative: Narrative | None = None,
    ):
        self.name, self.span, self.end_line = name, span, end_line
        self.fields = {} if fields is None else fields
        self.indicators = [] if indicators is None else indicators
        self.fiscal_year, self.fiscal_year_span = fiscal_year, fiscal_year_span
        self.money_unit, self.money_unit_text = money_unit, money_unit_text
        self.narrative = narrative
        self.template, self.template_labels, self.templates_tied = "", (), ()

    def field(self, key: str) -> Field | None:
        return self.fields.get(key)

    def amount(self, key: str) -> Decimal | None:
        found = self.fields.get(key)
        return found.amount if found else None

    @property
    def goal(self) -> Field | None:
        return self.fields.get("goal")

    def of_kind(self, *kinds: str) -> Iterator[Indicator]:
        return (ind for ind in self.indicators if ind.kind in kinds)

    def groups(self) -> set[str]:
        return {ind.kind for ind in self.indicators if ind.kind}


@record
class Directive:
    """`<!-- budgetlint: disable=BL201 -->`: which codes, over which lines."""

    span: Span
    codes: tuple[str, ...]  # empty = all
    scope: str  # row | table | file
    first_line: int = 0
    last_line: int = 0
    error: str = ""


@record
class Document:
    path: str
    projects: list[Project] = fresh(list)
    metadata: dict[str, tuple[str, Span]] = fresh(dict)
    directives: list[Directive] = fresh(list)
    findings: list[Any] = fresh(list)  # layout findings from the reader
    encoding: str = "utf-8"
    line_count: int = 0
    project_count: int = 0
    places: Any = None  # a container's positions (budgetlint.places.Places); None for text, which line/column say


_DERIVED = frozenset({"narrative", "decimals"})  # read from what the model already shows


def to_data(obj: Any) -> Any:
    """The model as plain JSON data (`budgetlint parse --format json`)."""
    if isinstance(obj, Decimal):
        return format(obj, "f")
    if isinstance(obj, Unit):
        return obj.name
    if isinstance(obj, Span):
        return obj._asdict()
    if isinstance(obj, Value):
        return value_data(obj)
    if isinstance(obj, (Record, GroupRef)):
        return {name: to_data(getattr(obj, name)) for name in record_fields(obj) if name not in _DERIVED}
    if isinstance(obj, dict):
        return {key: to_data(item) for key, item in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_data(item) for item in obj]
    return obj


def value_data(value: Value) -> dict[str, Any]:
    data: dict[str, Any] = {"raw": value.raw, "kind": value.kind}
    if value.amounts:
        data["amounts"] = [_amount_data(a) for a in value.amounts]
    if value.dates:
        data["dates"] = [
            {"year": d.year, "month": d.month, "day": d.day, "suffix": d.suffix or None} for d in value.dates
        ]
    if value.periods:
        data["periods"] = [
            {
                "from": {"year": p.first.year, "month": p.first.month, "day": p.first.day},
                "to": {"year": p.last.year, "month": p.last.month, "day": p.last.day},
            }
            for p in value.periods
        ]
    if value.texts:
        data["text"] = value.text
    return data


def _amount_data(a: Amount) -> dict[str, Any]:
    data = {"comparator": a.comparator, "number": to_data(a.number)}
    if a.high is not None:  # a range: "number" is its low end
        data["high"] = to_data(a.high)
    data.update(
        unit=a.unit.name if a.unit else None,
        per=a.per.name if a.per else (a.per_text or None),
        percent=a.percent,
        approximate=a.approximate,
        noun=a.noun or None,
    )
    return data


def value_signature(value: Value) -> tuple:
    """What a value means, independent of spelling and position (for equality across layouts)."""
    return (
        value.kind,
        tuple(
            (
                a.comparator,
                a.number,
                a.high,
                a.unit.name if a.unit else None,
                a.per.name if a.per else a.per_text,
                a.percent,
                a.approximate,
                a.noun,
            )
            for a in value.amounts
        ),
        tuple((d.year, d.month, d.day, d.suffix) for d in value.dates),
        tuple(
            ((p.first.year, p.first.month, p.first.day), (p.last.year, p.last.month, p.last.day)) for p in value.periods
        ),
        "".join(value.text.split()),
    )


def project_signature(project: Project) -> tuple:
    """A project's content without spans: equal for the same table in any layout."""
    return (
        project.name,
        project.fiscal_year,
        project.money_unit_text,
        tuple(sorted((key, "".join(f.text.split()), f.amount) for key, f in project.fields.items())),
        tuple(
            (
                (i.level1.code, i.level1.kind) if i.level1 else None,
                (i.level2.code, i.level2.kind) if i.level2 else None,
                "".join(i.name.split()),
                value_signature(i.value),
            )
            for i in project.indicators
        ),
    )
