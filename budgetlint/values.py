"""A value cell as read: its amounts, dates, periods and the text around them (the model's values).

budgetlint.valueread reads a cell's text into these; checks see only them.
"""

from __future__ import annotations

from decimal import Decimal

from budgetlint.record import named
from budgetlint.units import Unit

TYPE_CHECKING = False  # typing is not imported on the check path
if TYPE_CHECKING:
    from typing import Any


@named
class Amount:
    """A measured amount inside a value: ≥ 14.775 万元 / 期."""

    start: int  # offsets of the amount in the raw value text
    end: int
    comparator: str | None  # canonical sign ≥ ≤ > < =, from a prefix or a suffix (以上)
    comparator_text: str  # as written: "不少于", ">=", "以上", or ""
    comparator_start: int  # offset of the comparator as written (-1 if none)
    qualifier: str  # a word between comparator and number: 不少于「指导」12 场
    suffix: str  # a comparator written after the amount (以上, 以内), also when a prefix one exists
    number: Decimal  # with the magnitude applied: "20.5 万" → 205000; a range's low end
    high: Decimal | None  # a range's high end, magnitude applied ("2-3万人" → 30000); None for one number
    written: str  # the digits of `number` as written
    decimals: int  # digits after the point of `number`, as written: the precision stated
    magnitude_text: str  # "万" in "20.5 万余师生" or a bare "40 万"; "" otherwise
    approximate: bool  # 余 / 多
    percent: bool
    unit: Unit | None
    unit_text: str  # as written: "万元", "件"
    per: Unit | None  # denominator of a rate: 万元/期 → 期
    per_text: str
    per_time: Unit | None  # a rate's second denominator, a time: 元/人·月 · 元/人/月 → 月 (its first: 人)
    noun: str  # the words after the unit: 10 件「设备设施」
    # Derived, and stored when the amount is made (`of`): the checks ask them of every amount of every
    # table, and an amount is read once.
    is_rate: bool  # it has a denominator (万元/期)
    is_money: bool  # in a unit of money
    bare_wan: bool  # a money-looking amount with 万 but no 元: '40 万', '828万/次'

    @classmethod
    def of(
        cls,
        *,
        start: int,
        end: int,
        comparator: str | None,
        comparator_text: str,
        comparator_start: int,
        qualifier: str,
        suffix: str,
        number: Decimal,
        high: Decimal | None,
        written: str,
        decimals: int,
        magnitude_text: str,
        approximate: bool,
        percent: bool,
        unit: Unit | None,
        unit_text: str,
        per: Unit | None,
        per_text: str,
        noun: str,
        per_time: Unit | None = None,
    ) -> Amount:
        """The amount of these fields, its derived ones worked out."""
        return cls(
            start,
            end,
            comparator,
            comparator_text,
            comparator_start,
            qualifier,
            suffix,
            number,
            high,
            written,
            decimals,
            magnitude_text,
            approximate,
            percent,
            unit,
            unit_text,
            per,
            per_text,
            per_time,
            noun,
            is_rate=bool(per_text),
            is_money=unit is not None and unit.is_money,
            bare_wan=magnitude_text == "万" and unit is None and not noun,
        )

    def changed(self, **changes: Any) -> Amount:
        """This amount with some of its fields as given, the derived ones worked out again (`of`)."""
        fields = {name: getattr(self, name) for name in _GIVEN}
        fields.update(changes)
        return Amount.of(**fields)

    def stated_in(self, unit: UnitStated) -> Amount:
        """This bare number in the unit its row states elsewhere (an indicator named 新造林（亩）)."""
        return self.changed(
            number=self.number * unit.scale,
            high=None if self.high is None else self.high * unit.scale,
            percent=unit.percent,
            unit=unit.unit,
            unit_text=unit.unit_text,
            per=unit.per,
            per_text=unit.per_text,
            per_time=None,
        )

    def compared(self, sign: str) -> Amount:
        """This amount with a comparator its row states apart from it (四川's 指标性质 column: ≥ | 90 | %).
        Nothing of it is written in the cell: comparator_text stays "" (no spelling to correct)."""
        return self.changed(comparator=sign)

    @property
    def is_bare(self) -> bool:
        """A number with no unit, percent sign, rate or noun: its unit is stated elsewhere, or missing."""
        return (
            self.unit is None and not self.percent and not self.per_text and not self.noun and not self.magnitude_text
        )

    def in_yuan(self, default: Unit | None = None) -> Decimal | None:
        """The amount in 元 (per denominator for a rate); a bare number is in `default`.  A range's low end."""
        return self._yuan(self.number, default)

    def high_in_yuan(self, default: Unit | None = None) -> Decimal | None:
        """A range's high end in 元, as in_yuan gives its low end; None for one number."""
        return None if self.high is None else self._yuan(self.high, default)

    def _yuan(self, number: Decimal, default: Unit | None) -> Decimal | None:
        if self.unit is not None:
            return number * self.unit.factor if self.unit.is_money else None
        if self.percent or self.noun:
            return None
        if self.magnitude_text:  # a bare 万 / 亿: the magnitude is already applied
            return number
        return number * default.factor if default is not None and default.is_money else None


# The fields of an Amount that `Amount.of` is given; the others it derives.
_GIVEN = tuple(name for name in Amount._fields if name not in ("is_rate", "is_money", "bare_wan"))  # type: ignore[attr-defined]


@named
class UnitStated:
    """A unit a table states apart from the value: in brackets after a label or a name ("（万元）",
    "（元/亩）", "（%）")."""

    unit: Unit | None
    unit_text: str
    per: Unit | None  # the denominator of a rate: 元/亩 → 亩
    per_text: str
    percent: bool
    scale: Decimal = Decimal(1)  # a magnitude written with the unit: 万人次 counts 人次 by 10000; ‰ is % × 0.1


@named
class DatePoint:
    """A calendar point, as precise as written: 2024年 / 2024年12月 / 2024年12月30日 / 12月."""

    start: int
    end: int
    year: int | None
    month: int | None
    day: int | None
    suffix: str  # meaning of the word after it: before / end / by / within / year / ""
    suffix_text: str


@named
class Period:
    start: int
    end: int
    first: DatePoint
    last: DatePoint


@named
class TextPart:
    start: int
    end: int
    text: str


@named
class Value:
    """A value cell, read: its amounts, dates, periods and the text around them."""

    raw: str
    amounts: tuple[Amount, ...] = ()
    dates: tuple[DatePoint, ...] = ()
    periods: tuple[Period, ...] = ()
    texts: tuple[TextPart, ...] = ()
    not_applicable: bool = False
    is_empty: bool = False  # nothing but blanks: derived from raw when read, stored (asked by most checks)
    too_long: int = 0  # the digits of the longest number too long to read (valueread.MAX_DIGITS), read as text; 0: none
    too_large: int = 0  # the characters of a cell too long to read at all (valueread.MAX_VALUE), kept as text; 0: read

    @property
    def amount(self) -> Amount | None:
        return self.amounts[0] if self.amounts else None

    def with_amounts(self, amounts: tuple[Amount, ...], dates: tuple[DatePoint, ...] | None = None) -> Value:
        """The same cell, its amounts (and dates) read otherwise (in a unit or by a sign its row states)."""
        return Value(
            self.raw,
            amounts,
            self.dates if dates is None else dates,
            self.periods,
            self.texts,
            self.not_applicable,
            self.is_empty,
            self.too_long,
            self.too_large,
        )

    def with_comparator(self, sign: str) -> Value:
        """The same cell compared by `sign`, stated in a column of its own: each amount without a
        comparator takes it, and ≤ / < makes a bare date a deadline (by that date)."""
        amounts = tuple(amount if amount.comparator else amount.compared(sign) for amount in self.amounts)
        dates = self.dates
        if sign in ("≤", "<"):
            dates = tuple(date if date.suffix else date._replace(suffix="by") for date in dates)  # type: ignore[attr-defined]
        return self.with_amounts(amounts, dates)

    @property
    def text(self) -> str:
        return "".join(part.text for part in self.texts)

    @property
    def kind(self) -> str:
        """empty | na | amount | date | period | text | mixed — the shape of the value."""
        if self.is_empty:
            return "empty"
        if self.not_applicable:
            return "na"
        shapes = [
            name
            for name, present in (
                ("amount", self.amounts),
                ("date", self.dates),
                ("period", self.periods),
            )
            if present
        ]
        if not shapes:
            return "text"
        if len(shapes) == 1 and not self.texts:
            return shapes[0]
        return "mixed"
