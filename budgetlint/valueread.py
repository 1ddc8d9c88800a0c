"""Read one value cell (绩效值 or a money cell) into a typed Value, through grammar/value.lark.

The grammar gives the structure (comparator, number, the word after it, a
rate's denominator, dates and periods); the vocabulary splits the word after a
number into magnitude, unit, noun and a trailing comparator.  Reading is
memoised: real tables repeat the same few hundred values.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from budgetlint.lalr import Token, value_parser
from budgetlint.text import normalize_value
from budgetlint.units import Unit, UnitTable
from budgetlint.values import Amount, DatePoint, Period, TextPart, UnitStated, Value
from budgetlint.vocabulary import Vocabulary

TYPE_CHECKING = False  # typing is not imported on the check path
if TYPE_CHECKING:
    from typing import Any

_INT = re.compile(r"\d+")
# A number alone, its digits grouped by full-width commas: the one place where "，" groups digits.
_LONE_GROUPED = re.compile(r"[0-9０-９]{1,3}(?:，[0-9０-９]{3})++(?:[.．][0-9０-９]++)?+")
# The signs that join a rate's denominators: 元/人·月, 元/人/月.
_PER_SIGNS = str.maketrans({"·": "/", "•": "/", "・": "/", "／": "/"})
# A day written with numbers only (the DAY terminal), at the start of a text.
_DAY = re.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}")
# The dash of the PERIOD terminal (its points themselves have none).
_DASHES = frozenset("-~至")
# The most digits a number may have to be read as one.  Money is exact Decimal arithmetic in the
# standard context, whose precision is 28 digits: a number of more digits would be rounded in the
# sums and products (no longer exact, so the funding and cost checks would compare wrong values),
# and one of 10⁶ digits, scaled to 元, overflows the context (decimal.Overflow).  Real tables need
# far fewer: a national budget of 10¹³ 元 written to the fen has 16 digits.  A longer number is
# read as text, and the reader reports it as BL004 "too-long" at its cell.
MAX_DIGITS = 28
# The most characters a value may have to be read at all.  Each character may be a token of the value
# grammar (a run of 10⁶ comparison signs ≥≥≥… is 10⁶ tokens, and took 577 MB and 45 s), and no value of a
# real table is near it: a long indicator value is a sentence of a hundred characters.  A longer cell is
# kept as text, never read for amounts (a capped cell is never half read), and the reader reports it as
# BL004 "too-large" naming this cap.  A clause of the narrative longer than this is not read for amounts.
MAX_VALUE = 2000
# The most characters of a narrative (年度总体绩效目标) that are read for its amounts and sentences.  The
# narrative checks are linear, about 2 s a megabyte; a real narrative is a few hundred characters, the
# longest we have seen about a thousand.  A longer one is not read at all (never in part): the reader
# reports it as BL004 "too-large" naming this cap, and the narrative checks pass it by.
MAX_NARRATIVE = 50_000
_DIGIT_RUN = re.compile(r"[0-9]+")


class ValueReader:
    """Parses value texts with grammar/value.lark and the vocabulary; one per (vocabulary, units)."""

    def __init__(self, vocabulary: Vocabulary, units: UnitTable):
        self.vocabulary = vocabulary
        self.units = units
        self._parser = value_parser()
        self.read = lru_cache(maxsize=65536)(self._capped)
        # longest first: "及以上" before "以上"
        self._suffixes = tuple(sorted(vocabulary.suffix_comparators, key=len, reverse=True))
        self._relative = tuple(sorted(vocabulary.relative_dates, key=len, reverse=True))
        # The words after numbers repeat across a document ("万元", "场", "", "%以上") far more
        # than whole values do: each is split once.
        self._word = lru_cache(maxsize=4096)(self._split_word)

    # ---------------------------------------------------------------- entry
    def _capped(self, raw: str) -> Value:
        """The value of `raw` (`read`, memoised): a text of more than MAX_VALUE characters is kept as text,
        never read; a number too long in it is named as such (BL004 "too-long")."""
        if len(raw) <= MAX_VALUE:
            return self._read(raw)
        digits = max((len(run) for run in _DIGIT_RUN.findall(raw)), default=0)
        too_long = digits if digits > MAX_DIGITS else 0
        return Value(
            raw, texts=(TextPart(0, len(raw), raw),), is_empty=not raw.strip(), too_long=too_long, too_large=len(raw)
        )

    def _read(self, raw: str) -> Value:
        text = normalize_value(raw)
        if len(text) != len(raw):  # normalisation is one char for one char; guard anyway
            text = raw
        elif "，" in raw and _LONE_GROUPED.fullmatch(raw.strip()):  # "1，250，000": one number, alone
            text = "".join("," if char == "，" else mapped for char, mapped in zip(raw, text))
        stripped = text.strip()
        empty = not raw.strip()  # Value.is_empty, stored
        if not stripped:
            return Value(raw, is_empty=empty)
        if stripped in self.vocabulary.not_applicable:
            return Value(raw, not_applicable=True, is_empty=empty)
        tree = self._parser.parse(text)  # the grammar is total: an error here is a bug, and is raised
        amounts: list[Amount] = []
        dates: list[DatePoint] = []
        periods: list[Period] = []
        texts: list[Any] = []  # the spans (start, end) of text, joined by _merge_texts
        too_long = 0
        for part in tree.children:
            kind = part.data
            if kind == "measure":
                digits = _digits(part)
                if digits > MAX_DIGITS:  # never a Decimal: read as text, and reported (BL004)
                    too_long = max(too_long, digits)
                    texts.append(part.meta)
                    continue
                amount = self._measure(part, raw)
                if amount is not None:
                    if texts and texts[-1][1] == amount.start and text[amount.start - 1] == "-":
                        amount = self._negative(amount, texts, text)
                    amounts.append(amount)
                else:
                    texts.append(part.meta)
            elif kind == "text":
                point = self._relative_date(part.children[0])
                if point is not None:
                    dates.append(point)
                else:
                    texts.append(part.meta)
            elif kind == "date":
                dates.append(self._date(part.children))
            elif kind == "period":
                period = self._period(part.children)
                if period is not None:
                    periods.append(period)
                else:
                    texts.append(part.meta)
        return Value(
            raw,
            tuple(amounts),
            tuple(dates),
            tuple(periods),
            _merge_texts(texts, raw),
            is_empty=empty,
            too_long=too_long,
        )

    # ---------------------------------------------------------------- measures
    def _negative(self, amount: Amount, texts: list[Any], text: str) -> Amount:
        """The amount a minus sign just before it makes negative ("-5%", "≥-5%", "增长-3%"), taking the
        sign (and a comparator before it) out of `texts`: the grammar reads the sign as a dash, which
        would read -5% as 5%.  A sign after a numeral or a Latin letter or digit is a dash ("3-5",
        "Ⅱ-3", "GB-5"), and a range is not negated."""
        sign = amount.start - 1
        previous = text[sign - 1] if sign > 0 else " "
        dash = previous.isnumeric() or (previous.isascii() and previous.isalnum())
        if dash or amount.high is not None or amount.comparator is not None:
            return amount
        before = texts.pop()
        if before[0] < sign:  # "增长-5%": the words stay text
            texts.append((before[0], sign))
        # a named record is a named tuple, which mypy does not see
        negated = amount._replace(number=-amount.number, written="-" + amount.written, start=sign)  # type: ignore[attr-defined]
        if texts and not text[texts[-1][1] : sign].strip():  # "≥ -5%": a comparator before the sign
            start, end = texts[-1][0], texts[-1][1]
            comparator = self.vocabulary.comparators.get(text[start:end])
            if comparator is not None:
                texts.pop()
                return negated._replace(
                    comparator=comparator, comparator_text=text[start:end], comparator_start=start, start=start
                )
        return negated

    def _measure(self, tree, raw: str) -> Amount | None:
        comparator_key = None
        comparator_text = ""
        comparator_start = -1
        number_token = None
        percent = per_mille_sign = False
        unit_word = per_word = qualifier = ""
        unit_token = None
        for child in tree.children:  # comparator? (NUMBER | RANGE) PERCENT? unit? RATE?
            if isinstance(child, Token):
                kind = child.type
                if kind == "NUMBER" or kind == "RANGE":
                    number_token = child
                elif kind == "PERCENT":
                    percent = True
                    per_mille_sign = child == "‰"
                elif kind == "RATE":  # "/期", "/ 人次": the word after the slash
                    per_word = child[1:].lstrip()
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
        if number_token is None:
            return None
        high = None
        per_mille = False
        if number_token.type == "RANGE":  # "3-5", "90%-95", "2 ~ 3", "1,000-2,000": the low end is `number`
            dash = _first_dash(number_token)
            low = number_token[:dash].rstrip()
            low_percent = low[-1:] in ("%", "‰")
            per_mille = low[-1:] == "‰"
            written = low.rstrip("%‰").rstrip()
            high = _decimal(number_token[dash + 1 :].strip())
            if high is None or high < (_decimal(written) or high):  # "2024-12": not low to high, so text
                return None
            percent = percent or low_percent
        else:
            written = str(number_token)
        number = _decimal(written)
        if number is None:
            return None
        if per_mille or per_mille_sign:  # a percentage's number is in %: 5‰ is 0.5
            number /= 10
            high = high / 10 if high is not None else None
        point = written.find(".")
        decimals = len(written) - point - 1 if point >= 0 else 0
        vocab = self.vocabulary
        magnitude_text, approximate, unit, unit_text, suffix, noun = self._word(unit_word)
        if magnitude_text:
            number *= vocab.magnitudes[magnitude_text]
            if high is not None:
                high *= vocab.magnitudes[magnitude_text]
        per = None
        per_text = ""
        per_time = None
        if per_word:
            first, _, second = per_word.translate(_PER_SIGNS).partition("/")  # 人·月 · 人/月 → 人 and 月
            per_split = self._word(first.strip())
            per, per_text = per_split[2], per_split[3] or first.strip()
            if second:
                per_time = self.units.get("".join(second.split()))
                if per_time is None or not per_time.is_time:  # 元/人·次: not a rate per time
                    per, per_text, per_time = None, "".join(per_word.split()), None
        canonical = vocab.comparators.get(comparator_key) if comparator_key else None
        if suffix and canonical is None:
            canonical = vocab.suffix_comparators[suffix]
            comparator_text = suffix
            comparator_start = unit_token.start_pos + unit_word.rfind(suffix) if unit_token else -1
        start, end = tree.meta
        return Amount.of(
            start=start,
            end=end,
            comparator=canonical,
            comparator_text=comparator_text,
            comparator_start=comparator_start,
            qualifier=qualifier,
            suffix=suffix,
            number=number,
            high=high,
            written=written,
            decimals=decimals,
            magnitude_text=magnitude_text,
            approximate=approximate,
            percent=percent,
            unit=unit,
            unit_text=unit_text,
            per=per,
            per_text=per_text,
            noun=noun,
            per_time=per_time,
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
    def _date(self, children) -> DatePoint:
        """DATE WORD?, MONTH WORD? or DAY WORD?: 2024年12月30日前, 12月, 2024-12-31前."""
        token = children[0]
        suffix_text = str(children[1]).strip() if len(children) > 1 else ""
        return self._point(token, token.start_pos, children[-1].end_pos, suffix_text)

    def _relative_date(self, token: Any) -> DatePoint | None:
        """A date written without a number ("年底前", "上半年完成", "年内"): in the fiscal year, which the
        text does not name (year None); its month where the word names one.  None for other words."""
        if not isinstance(token, Token) or token.type != "WORD":
            return None
        word = str(token).strip()
        for name in self._relative:  # longest first: "上半年" before "年"
            if word.startswith(name) and (word == name or word[len(name) :] in self.vocabulary.date_suffixes):
                suffix_text = word[len(name) :]
                month = self.vocabulary.relative_dates[name] or None
                suffix = self.vocabulary.date_suffixes.get(suffix_text, "")
                return DatePoint(token.start_pos, token.end_pos, None, month, None, suffix, suffix_text)
        return None

    def _point(self, text: str, start: int, end: int, suffix_text: str = "", year: int | None = None) -> DatePoint:
        """The point written `text` ("2024年12月30日", "2024-12-31", "12月", or a period's bare month "1");
        a text that names no year is in `year`."""
        numbers = [int(n) for n in _INT.findall(text)]
        if "年" in text or _DAY.match(text):
            year, numbers = numbers[0], numbers[1:]
        month = numbers[0] if numbers else None
        day = numbers[1] if len(numbers) > 1 else None
        suffix = self.vocabulary.date_suffixes.get(suffix_text, "other" if suffix_text else "")
        return DatePoint(start, end, year, month, day, suffix, suffix_text)

    def _period(self, children) -> Period | None:
        """PERIOD WORD?: the PERIOD terminal is two points joined by a dash (grammar/value.lark), the
        last one in the first one's year when it names none ("2024年1-12月").  None when the number
        before the dash is no month ("1.5-12月", a 5000-digit number)."""
        token = children[0]
        position = token.start_pos
        day = _DAY.match(token)  # a day of numbers holds dashes of its own: the period's is after it
        dash = day.end() + _first_dash(token[day.end() :]) if day else _first_dash(token)
        if dash < 0:  # the PERIOD terminal holds a dash: not reached
            return None
        first_text = token[:dash].rstrip()
        if not day and first_text[-1] not in "年月日号":  # a bare month: "1-12月", "2024年 1-12月"
            month = first_text[first_text.rfind("年") + 1 :].strip()
            if not (month.isdigit() and len(month) <= 2):
                return None
        end = children[-1].end_pos
        suffix_text = str(children[1]).strip() if len(children) > 1 else ""
        first = self._point(first_text, position, position + len(first_text))
        after = dash + 1 + len(token[dash + 1 :]) - len(token[dash + 1 :].lstrip())  # past the blanks after it
        last = self._point(token[after:], position + after, end, suffix_text, first.year)
        return Period(position, end, first, last)


def _digits(measure) -> int:
    """The digits of the longest number of a measure (a range has two): what MAX_DIGITS bounds."""
    for child in measure.children:
        if isinstance(child, Token) and child.type in ("NUMBER", "RANGE"):
            if child.type == "NUMBER":
                return sum(1 for char in child if char.isdigit())
            dash = _first_dash(child)
            low, high = child[:dash], child[dash + 1 :]
            return max(sum(1 for char in low if char.isdigit()), sum(1 for char in high if char.isdigit()))
    return 0


def _decimal(written: str) -> Decimal | None:
    """The number written with its digits grouped or not ("1,250,000.00", "10 000"), or None."""
    try:
        return Decimal(written.replace(",", "").replace(" ", "").replace("\xa0", ""))
    except InvalidOperation:
        return None


def _first_dash(text: str) -> int:
    """Where the first dash of a range or a period is (its terminals hold one)."""
    return next((index for index, char in enumerate(text) if char in _DASHES), -1)


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
            merged.append(TextPart(start, end, raw[start:end]))
        start, end = part[0], part[1]
    if start >= 0:
        merged.append(TextPart(start, end, raw[start:end]))
    return tuple(merged)


def unit_in_brackets(text: str, units: UnitTable) -> tuple[str, UnitStated] | None:
    """The text before a unit in brackets at its end, and that unit: "新造林（亩）" → ("新造林", 亩),
    "补助标准（元/亩）" → a rate, "成活率(%)" → a percentage; None when the brackets hold no known unit."""
    stripped = text.strip()
    if not stripped.endswith((")", "）")):
        return None
    opening = max(stripped.rfind("("), stripped.rfind("（"))
    if opening <= 0:
        return None
    stated = unit_stated(stripped[opening + 1 : -1], units)
    if stated is None:
        return None
    return stripped[:opening].rstrip(), stated


_PER_MILLE = ("‰",)
_PERCENT = ("%", "％")


def unit_stated(text: str, units: UnitTable, magnitudes: dict[str, Decimal] | None = None) -> UnitStated | None:
    """A unit written apart from its number — in brackets after a label, or in a 度量单位 column: "亩",
    "元/亩", "%", "‰" (a percentage a tenth as large), and with `magnitudes` "万人次" (人次, scaled by
    10000); None when it is not a known unit."""
    inner = "".join(text.split())
    if inner in _PERCENT:
        return UnitStated(None, "", None, "", True)
    if inner in _PER_MILLE:
        return UnitStated(None, "", None, "", True, Decimal("0.1"))
    unit_text, _, per_text = inner.replace("／", "/").partition("/")
    unit = units.get(unit_text)
    scale = Decimal(1)
    if unit is None and magnitudes and len(unit_text) > 1 and unit_text[0] in magnitudes:
        unit = units.get(unit_text[1:])  # 万人次: a count of 人次 in ten thousands (万元 is a unit itself)
        if unit is not None and not unit.is_money:
            scale = magnitudes[unit_text[0]]
        else:
            unit = None
    per = units.get(per_text) if per_text else None
    if unit is None or (per_text and per is None):
        return None
    return UnitStated(unit, unit_text, per, per_text, False, scale)
