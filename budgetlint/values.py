"""Read one value cell (绩效值 or a money cell) into a typed Value, through grammar/value.lark.

The grammar gives the structure (comparator, number, the word after it, a
rate's denominator, dates and periods); the vocabulary splits the word after a
number into magnitude, unit, noun and a trailing comparator.  Parsing is
memoised: real tables repeat the same few hundred values.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from budgetlint.record import named
from budgetlint.text import normalize_value
from budgetlint.units import Unit, UnitTable
from budgetlint.vocabulary import Vocabulary

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
    number: Decimal  # with the magnitude applied: "20.5 万" → 205000
    written: str  # the digits as written
    decimals: int  # digits after the point, as written: the precision stated
    magnitude_text: str  # "万" in "20.5 万余师生" or a bare "40 万"; "" otherwise
    approximate: bool  # 余 / 多
    percent: bool
    unit: Unit | None
    unit_text: str  # as written: "万元", "件"
    per: Unit | None  # denominator of a rate: 万元/期 → 期
    per_text: str
    noun: str  # the words after the unit: 10 件「设备设施」
    # Derived, and stored when the amount is read (they were properties, a Python call each: the checks
    # ask them of every amount of every table, ~80 times a table, and an amount is read once).
    is_rate: bool  # it has a denominator (万元/期)
    is_money: bool  # in a unit of money
    bare_wan: bool  # a money-looking amount with 万 but no 元: '40 万', '828万/次'

    def in_yuan(self, default: Unit | None = None) -> Decimal | None:
        """The amount in 元 (per denominator for a rate); a bare number is in `default`."""
        if self.unit is not None:
            return self.number * self.unit.factor if self.unit.is_money else None
        if self.percent or self.noun:
            return None
        if self.magnitude_text:  # a bare 万 / 亿: the magnitude is already applied
            return self.number
        return self.number * default.factor if default is not None and default.is_money else None


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

    @property
    def amount(self) -> Amount | None:
        return self.amounts[0] if self.amounts else None

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


_INT = re.compile(r"\d+")
# Records are made by tuple.__new__ with their fields in order where a value cell makes them: a named
# tuple's own __new__ is a Python function, and called by keyword costs ~2 µs for an Amount.
_new = tuple.__new__


class ValueReader:
    """Parses value texts with grammar/value.lark and the vocabulary; one per (vocabulary, units)."""

    def __init__(self, vocabulary: Vocabulary, units: UnitTable):
        self.vocabulary = vocabulary
        self.units = units
        self._parser = _value_parser()
        self.read = lru_cache(maxsize=65536)(self._read)
        # longest first: "及以上" before "以上"
        self._suffixes = tuple(sorted(vocabulary.suffix_comparators, key=len, reverse=True))
        # The words after numbers repeat across a document ("万元", "场", "", "%以上") far more
        # than whole values do: each is split once.
        self._word = lru_cache(maxsize=4096)(self._split_word)

    # ---------------------------------------------------------------- entry
    def _read(self, raw: str) -> Value:
        text = normalize_value(raw)
        if len(text) != len(raw):  # normalisation is one char for one char; guard anyway
            text = raw
        stripped = text.strip()
        empty = not raw.strip()  # Value.is_empty, stored
        if not stripped:
            return Value(raw, is_empty=empty)
        if stripped in self.vocabulary.not_applicable:
            return Value(raw, not_applicable=True, is_empty=empty)
        try:
            tree = self._parser.parse(text)
        except Exception:  # the grammar is total; a failure is a bug, so keep the text
            return Value(raw, texts=(TextPart(0, len(raw), raw),), is_empty=empty)
        amounts: list[Amount] = []
        dates: list[DatePoint] = []
        periods: list[Period] = []
        texts: list[Any] = []  # the spans (start, end) of text, joined by _merge_texts
        for part in tree.children:
            kind = part.data
            if kind == "measure":
                amount = self._measure(part, raw)
                if amount is not None:
                    amounts.append(amount)
                else:
                    texts.append(part.meta)
            elif kind == "text":
                texts.append(part.meta)
            elif kind == "date":
                dates.append(self._date(part.children, raw))
            elif kind == "period":
                period = self._period(part.children, raw)
                if period is not None:
                    periods.append(period)
                else:
                    texts.append(part.meta)
        return _new(Value, (raw, tuple(amounts), tuple(dates), tuple(periods), _merge_texts(texts, raw), False, empty))

    # ---------------------------------------------------------------- measures
    def _measure(self, tree, raw: str) -> Amount | None:
        comparator_key = None
        comparator_text = ""
        comparator_start = -1
        number_token = None
        percent = False
        unit_word = per_word = qualifier = ""
        unit_token = None
        for child in tree.children:  # comparator? NUMBER PERCENT? unit? rate?
            if isinstance(child, str):  # a token
                if child.type == "NUMBER":
                    number_token = child
                elif child.type == "PERCENT":
                    percent = True
            else:
                data = child.data
                if data == "comparator":
                    token = child.children[0]
                    qualifier = str(child.children[1]) if len(child.children) > 1 else ""
                    comparator_key = token
                    comparator_text = raw[token.start_pos : token.end_pos]
                    comparator_start = token.start_pos
                elif data == "unit":
                    unit_token = child.children[0]
                    unit_word = str(unit_token)
                elif data == "rate":
                    per_word = str(child.children[1])
        if number_token is None:
            return None
        written = str(number_token)
        try:
            number = Decimal(written)
        except InvalidOperation:
            return None
        point = written.find(".")
        decimals = len(written) - point - 1 if point >= 0 else 0
        vocab = self.vocabulary
        magnitude_text, approximate, unit, unit_text, suffix, noun = self._word(unit_word)
        if magnitude_text:
            number *= vocab.magnitudes[magnitude_text]
        per = None
        per_text = ""
        if per_word:
            per_split = self._word(per_word)
            per, per_text = per_split[2], per_split[3] or per_word
        canonical = vocab.comparators.get(comparator_key) if comparator_key else None
        if suffix and canonical is None:
            canonical = vocab.suffix_comparators[suffix]
            comparator_text = suffix
            comparator_start = unit_token.start_pos + unit_word.rfind(suffix) if unit_token else -1
        start, end = tree.meta
        return _new(
            Amount,
            (
                start,
                end,
                canonical,
                comparator_text,
                comparator_start,
                qualifier,
                suffix,
                number,
                written,
                decimals,
                magnitude_text,
                approximate,
                percent,
                unit,
                unit_text,
                per,
                per_text,
                noun,
                bool(per_text),
                unit is not None and unit.is_money,  # is_rate, is_money
                magnitude_text == "万" and unit is None and not noun,  # bare_wan
            ),
        )

    def _split_word(self, word: str) -> tuple[str, bool, Unit | None, str, str, str]:
        """'万余师生' → magnitude 万, approximate, no unit, noun 师生; '万元以上' → unit 万元, suffix 以上."""
        vocab = self.vocabulary
        rest = word.strip()
        magnitude = ""
        approximate = False
        unit: Unit | None = None
        unit_text = ""
        found = self.units.prefix(rest)
        if found is None and rest[:1] in vocab.magnitudes:
            magnitude, rest = rest[:1], rest[1:]
            found = self.units.prefix(rest)
        if found is None:
            for mark in vocab.approximate:
                if rest.startswith(mark):
                    approximate, rest = True, rest[len(mark) :]
                    found = self.units.prefix(rest)
                    break
        if found is not None:
            unit, size = found
            unit_text, rest = rest[:size], rest[size:]
        elif rest.isascii() and rest.isalpha():
            unit = self.units.get(rest)
            if unit is not None:
                unit_text, rest = rest, ""
        for mark in vocab.approximate:
            if rest.startswith(mark):
                approximate, rest = True, rest[len(mark) :]
                break
        suffix = ""
        for mark in self._suffixes:
            if rest.startswith(mark):
                suffix, rest = mark, rest[len(mark) :]
                break
        return magnitude, approximate, unit, unit_text, suffix, rest.strip()

    # ---------------------------------------------------------------- dates
    def _date(self, children, raw: str, year: int | None = None) -> DatePoint:
        token = children[0]
        numbers = [int(n) for n in _INT.findall(str(token))]
        if token.type == "DATE":
            y, rest = numbers[0], numbers[1:]
        else:
            y, rest = year, numbers
        month = rest[0] if rest else None
        day = rest[1] if len(rest) > 1 else None
        suffix_text = str(children[1]).strip() if len(children) > 1 else ""
        suffix = self.vocabulary.date_suffixes.get(suffix_text, "other" if suffix_text else "")
        end = children[-1].end_pos
        return DatePoint(token.start_pos, end, y, month, day, suffix, suffix_text)

    def _period(self, children, raw: str) -> Period | None:
        """The period, or None when its first month is not a month ("1.5-12月", a 5000-digit number)."""
        tokens = [c for c in children if c.type != "DASH"]
        suffix = [tokens.pop()] if tokens[-1].type == "WORD" else []
        first_token = tokens[0]
        month = next((t for t in tokens[:2] if t.type == "NUMBER"), None)
        if month is not None and not (str(month).isdigit() and len(month) <= 2):
            return None
        if first_token.type == "NUMBER":  # "1-12月" or the month of "2024年1-12月"
            first = DatePoint(first_token.start_pos, first_token.end_pos, None, int(first_token), None, "", "")
            last = self._date([tokens[1], *suffix], raw)
        elif len(tokens) == 3:  # DATE NUMBER - MONTH: "2024年 1-12 月"
            year = int(_INT.findall(str(first_token))[0])
            first = DatePoint(first_token.start_pos, tokens[1].end_pos, year, int(tokens[1]), None, "", "")
            last = self._date([tokens[2], *suffix], raw, year)
        else:
            first = self._date([first_token], raw)
            last = self._date([tokens[1], *suffix], raw, first.year)
        if first.year is not None and last.year is None:
            last = DatePoint(last.start, last.end, first.year, last.month, last.day, last.suffix, last.suffix_text)
        return Period(children[0].start_pos, children[-1].end_pos, first, last)


def _merge_texts(texts: list[Any], raw: str) -> tuple[TextPart, ...]:
    """Join adjacent text pieces (the grammar splits text at blanks and stray signs), given by their
    spans: (start, end, ...) tuples, such as a node's Meta or a TextPart.

    Each run of pieces is cut from `raw` once, when it ends: re-cutting the growing run at every
    piece made a value of n words cost n² characters of copying.
    """
    merged: list[TextPart] = []
    start = end = -1
    for part in texts:
        if start >= 0 and not raw[end : part[0]].strip():
            end = part[1]
            continue
        if start >= 0:
            merged.append(_new(TextPart, (start, end, raw[start:end])))
        start, end = part[0], part[1]
    if start >= 0:
        merged.append(_new(TextPart, (start, end, raw[start:end])))
    return tuple(merged)


def _value_parser():
    from budgetlint.lalr import value_parser

    return value_parser()
