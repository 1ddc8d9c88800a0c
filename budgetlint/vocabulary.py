"""The label vocabulary (rules/vocabulary.toml) as lookups the reader and the checks use."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from budgetlint.record import fresh, named, record
from budgetlint.resources import read_toml, rules_path
from budgetlint.text import halfwidth, normalize_label, squeeze

TYPE_CHECKING = False  # typing is not imported on the check path
if TYPE_CHECKING:
    from typing import Any


@named
class Attribute:
    """A known 项目属性: code, name and the 项目期 range (years) that fits it."""

    code: str
    name: str
    aliases: tuple[str, ...]
    years: tuple[int, int]

    @property
    def label(self) -> str:
        return f"{self.code}-{self.name}"


@named
class Group:
    """A level-1 or level-2 indicator group kind (产出 / 数量 …)."""

    kind: str
    names: tuple[str, ...]
    code: str
    parent: str | None = None

    @property
    def label(self) -> str:
        return self.names[0]


@record
class Vocabulary:
    header_labels: dict[str, str]  # normalised label → field key
    header_canonical: dict[str, str]  # field key → canonical label
    header_english: dict[str, str]  # field key → its name in English messages
    sublabels: frozenset[str]
    money_fields: tuple[str, ...]
    duration_fields: tuple[str, ...]
    required_fields: tuple[str, ...]
    long_text_fields: frozenset[str]
    attributes: tuple[Attribute, ...]
    indicator_header: frozenset[str]  # every heading of the indicator block, normalised
    column_roles: dict[str, str]  # normalised heading → the role of its column (level1, value, unit …)
    directions: dict[str, str]  # a comparator column's word → the sign it gives ("" for none)
    annotations: tuple[str, ...]  # notes after a heading or group name: (必填)
    annotation_ends: tuple[str, ...]  # the last characters of the annotations (a quick test)
    level1: dict[str, Group]
    level2: dict[str, Group]
    level1_names: dict[str, str]  # normalised name → kind
    level2_names: dict[str, str]
    level2_codes: dict[str, Group]  # code → the first level-2 group with it
    cost_kinds: frozenset[str]
    not_applicable: frozenset[str]
    name_prefix: re.Pattern[str]  # a pack's: an RE2 pattern (see compile_pattern), used the same way
    fragments: frozenset[str]
    magnitudes: dict[str, Decimal]
    approximate: tuple[str, ...]
    suffix_comparators: dict[str, str]
    comparators: dict[str, str]
    date_suffixes: dict[str, str]
    relative_dates: dict[str, int]  # a date written without a number → the month it ends in (0: the year)
    vague: tuple[str, ...]
    placeholders: re.Pattern[str]
    metadata_keys: dict[str, str]  # normalised key → department / fiscal_year / money_unit
    rate_prefixes: tuple[str, ...]  # 每: before a unit, makes the narrative's amount after it a rate (每人 → 人)
    rate_words: dict[str, str]  # 人均 → 人: a word that makes a rate, and the unit it names
    signoff_words: tuple[str, ...]  # the words themselves (blanks removed, half-width): 项目负责人, 联系电话 …
    signoff_first: frozenset[str]  # their first characters, full- and half-width: most cells start otherwise
    # Near-miss labels (symmetric delete): each known label longer than 2 characters, and each of its
    # one-character deletions → the labels (normalised, as written) that give it.  See near_label.
    near_written: dict[str, str] = fresh(dict)  # normalised header label → as written: what near_label indexes
    near: dict[str, tuple[tuple[str, str], ...]] | None = None  # the index, made when first asked (see near_label)
    near_longest: int = 0
    raw: dict[str, Any] = fresh(dict)
    role_cache: dict[str, str | None] = fresh(dict)  # see column_role

    # ------------------------------------------------------------ header labels
    def header_field(self, cell: str) -> str | None:
        """The model field a header cell names, or None."""
        return self.header_labels.get(normalize_label(cell))

    def header_prefix_field(self, cell: str) -> tuple[str, str] | None:
        """A label cut short by a line break ('其他资' of 其他资金): (field, missing tail)."""
        label = normalize_label(cell)
        if len(label) < 2:
            return None
        hits = {
            (key, name[len(label) :])
            for name, key in self.header_labels.items()
            if name.startswith(label) and len(name) > len(label)
        }
        keys = {key for key, _ in hits}
        if len(keys) != 1:
            return None
        return min(hits, key=lambda hit: len(hit[1]))

    def unannotated(self, label: str) -> str:
        """A normalised label without the note a form writes after it: 数量指标(必填) → 数量指标."""
        if not label.endswith(self.annotation_ends):  # most labels: one test
            return label
        for note in self.annotations:
            if label.endswith(note) and len(label) > len(note):
                return label[: -len(note)]
        return label

    def column_role(self, cell: str) -> str | None:
        """The role of the indicator-block column a heading cell names, or None for no heading (memoised:
        every row of an indicator block asks it of its first cell)."""
        roles = self.role_cache
        if cell in roles:
            return roles[cell]
        if len(roles) > 65536:
            roles.clear()
        found = roles[cell] = self._column_role(cell)
        return found

    def _column_role(self, cell: str) -> str | None:
        label = normalize_label(cell)
        role = self.column_roles.get(label)
        if role is None and label not in self.indicator_header:
            label = self.unannotated(label)
            role = self.column_roles.get(label)
            if role is None and label not in self.indicator_header:
                return None
        return role or "other"

    def near_label(self, cell: str) -> str | None:
        """The one known header label (as the vocabulary writes it) that `cell` is one edit away from —
        a character inserted, deleted or replaced, after normalisation: 财政投款 → 财政拨款 — or None when
        it is none, a known label itself, 2 characters or fewer, or near several labels.

        Symmetric delete: the candidates are the labels one of whose deletions (or themselves) equals
        the cell or one of its deletions, found by lookup in `near` (made once from the vocabulary);
        each is then confirmed to be one edit away (two deletions at different places may be a
        transposition, two edits).  A cell longer than every label by more than one is no label's
        near miss, so a long cell costs one length test.
        """
        text = normalize_label(cell)
        if len(text) <= 2 or len(text) > self.near_longest + 1 or text in self.header_labels:
            return None
        near = self.near
        if near is None:  # made on the first unknown label: most documents have none, and start-up is what users feel
            near = self.near = _near_index(self.near_written)
        found: set[tuple[str, str]] = set()
        for key in {text, *(text[:i] + text[i + 1 :] for i in range(len(text)))}:
            found.update(near.get(key, ()))
        hits = {written for label, written in found if _one_edit(text, label)}
        return hits.pop() if len(hits) == 1 else None

    def is_signoff(self, cell: str) -> bool:
        """Whether a cell begins a sign-off — a sign-off word (blanks removed, half-width) alone or before a
        colon, a bracket or 签字/签章/盖章: 填表人：张三, 财政部门初审意见(盖章), but not 审核人员满意度."""
        if cell[:1] not in self.signoff_first:  # most cells: one test
            return False
        text = halfwidth(squeeze(cell))
        for word in self.signoff_words:  # longest first
            if text.startswith(word):
                rest = text[len(word) :]
                if not rest or rest[0] in ":(" or rest.startswith(_SIGNOFF_TAILS):
                    return True
        return False

    def is_sublabel(self, cell: str) -> bool:
        return normalize_label(cell) in self.sublabels

    # ------------------------------------------------------------ indicator groups
    def group_kind(self, level: int, name: str) -> str | None:
        table = self.level1_names if level == 1 else self.level2_names
        return table.get(normalize_label(name))

    def attribute_for(self, text: str) -> Attribute | None:
        """The known 项目属性 a cell names exactly (code and name, any dash), or None."""
        code, name = split_code(text)
        for attribute in self.attributes:
            names = (attribute.name, *attribute.aliases)
            if code == attribute.code and normalize_label(name) in names:
                return attribute
        return None


def _one_edit(a: str, b: str) -> bool:
    """Whether `a` and `b` differ by exactly one inserted, deleted or replaced character."""
    if len(a) > len(b):
        a, b = b, a
    if len(b) - len(a) > 1 or a == b:
        return False
    start = 0
    while start < len(a) and a[start] == b[start]:
        start += 1
    if len(a) == len(b):
        return a[start + 1 :] == b[start + 1 :]
    return a[start:] == b[start + 1 :]


def _near_index(written: dict[str, str]) -> dict[str, tuple[tuple[str, str], ...]]:
    """Each normalised label of more than 2 characters and each of its one-character deletions →
    (label, label as written) of the labels that give it."""
    index: dict[str, set[tuple[str, str]]] = {}
    for label, spelt in written.items():
        if len(label) <= 2:
            continue
        for key in {label, *(label[:i] + label[i + 1 :] for i in range(len(label)))}:
            index.setdefault(key, set()).add((label, spelt))
    return {key: tuple(sorted(hits)) for key, hits in index.items()}


_FULL = {"(": "（"}  # a half-width bracket a sign-off word may be written with in full width
_SIGNOFF_TAILS = ("签字", "签名", "签章", "盖章")  # after a sign-off word, besides a colon or a bracket


_CODE = re.compile(r"^\s*(\d+)\s*[-—–－_.、]+\s*(.*)$", re.S)


def split_code(text: str) -> tuple[str | None, str]:
    """'11-数量指标' → ('11', '数量指标'); '数量指标' → (None, '数量指标')."""
    match = _CODE.match(text)
    if match:
        return match.group(1), match.group(2).strip()
    return None, text.strip()


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """A rule pack's vocabulary extends the built-in one: tables merge, lists append."""
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        elif isinstance(value, list) and isinstance(merged.get(key), list):
            merged[key] = merged[key] + [item for item in value if item not in merged[key]]
        else:
            merged[key] = value
    return merged


def compile_pattern(pattern: str, ours: bool) -> Any:
    """`pattern` compiled: ours (rules/vocabulary.toml's own) by Python's `re`; a rule pack's by RE2
    (google-re2, imported only then), whose matching time is linear in the text whatever the pattern —
    a pack's `(a+)+$` cannot hang a check.  RE2 has no lookarounds or backreferences: such a pack pattern
    is refused when the config is read.  Raises ValueError for a pattern that does not compile."""
    if ours:
        return re.compile(pattern)
    import re2  # type: ignore[import-untyped,unused-ignore]

    options = re2.Options()
    options.log_errors = False  # the error is raised (and reported as one line), not written to stderr
    try:
        return re2.compile(pattern, options)
    except re2.error as error:
        detail = error.args[0].decode("utf-8", "replace") if error.args and isinstance(error.args[0], bytes) else error
        raise ValueError(f"{detail} (pack patterns are RE2 syntax: no lookarounds, no backreferences)") from None


def build_vocabulary(data: dict[str, Any]) -> Vocabulary:
    base = read_toml(rules_path("vocabulary.toml"))  # what is ours: its patterns stay in `re`
    prefix = data["indicator_rules"]["name_prefix"]
    placeholders = data["words"]["placeholders"]
    header_labels: dict[str, str] = {}
    header_canonical: dict[str, str] = {}
    header_english: dict[str, str] = {}
    written: dict[str, str] = {}  # normalised label → as the vocabulary writes it
    for key, entry in data["header"].items():
        header_canonical[key] = entry["label"]
        header_english[key] = entry.get("en", entry["label"])
        for name in (entry["label"], *entry.get("aliases", ())):
            header_labels[normalize_label(name)] = key
            written.setdefault(normalize_label(name), name)
    rules = data["header_rules"]
    level1 = {
        kind: Group(kind, tuple(entry["names"]), str(entry.get("code", ""))) for kind, entry in data["level1"].items()
    }
    level2 = {
        kind: Group(kind, tuple(entry["names"]), str(entry.get("code", "")), entry.get("parent"))
        for kind, entry in data["level2"].items()
    }
    values = data["values"]
    indicator_rules = data["indicator_rules"]
    return Vocabulary(
        header_labels=header_labels,
        header_canonical=header_canonical,
        header_english=header_english,
        sublabels=frozenset(normalize_label(s) for s in rules["sublabels"]),
        money_fields=tuple(rules["money"]),
        duration_fields=tuple(rules["duration"]),
        required_fields=tuple(rules["required"]),
        long_text_fields=frozenset(rules["long_text"]),
        attributes=tuple(
            Attribute(str(a["code"]), a["name"], tuple(a.get("aliases", ())), tuple(a["years"]))
            for a in data["attribute"]
        ),
        indicator_header=frozenset(
            [normalize_label(s) for s in data["indicator_header"]["labels"]]
            + [normalize_label(s) for names in data["indicator_header"]["columns"].values() for s in names]
        ),
        column_roles={
            normalize_label(s): role for role, names in data["indicator_header"]["columns"].items() for s in names
        },
        directions={normalize_label(k): v for k, v in data["indicator_header"]["directions"].items()},
        annotations=tuple(normalize_label(s) for s in indicator_rules["annotations"]),
        annotation_ends=tuple({normalize_label(s)[-1:] for s in indicator_rules["annotations"]} - {""}),
        level1=level1,
        level2=level2,
        level1_names={normalize_label(n): g.kind for g in level1.values() for n in g.names},
        level2_names={normalize_label(n): g.kind for g in level2.values() for n in g.names},
        level2_codes={g.code: g for g in reversed(level2.values()) if g.code},
        cost_kinds=frozenset(indicator_rules["cost_kinds"]),
        not_applicable=frozenset(indicator_rules["not_applicable"]),
        name_prefix=compile_pattern(prefix, prefix == base["indicator_rules"]["name_prefix"]),
        fragments=frozenset(indicator_rules["fragments"]),
        magnitudes={k: Decimal(v) for k, v in values["magnitudes"].items()},
        approximate=tuple(sorted(values["approximate"], key=len, reverse=True)),
        suffix_comparators=dict(values["suffix_comparators"]),
        comparators=dict(values["comparators"]),
        date_suffixes=dict(values["date_suffixes"]),
        relative_dates={word: int(month) for word, month in values["relative_dates"].items()},
        vague=tuple(sorted(data["words"]["vague"], key=len, reverse=True)),
        placeholders=compile_pattern("|".join(placeholders), placeholders == base["words"]["placeholders"]),
        metadata_keys={normalize_label(name): key for key, names in data["metadata"].items() for name in names},
        rate_prefixes=tuple(data["narrative"]["rate_prefixes"]),
        rate_words=dict(data["narrative"]["rate_words"]),
        signoff_words=tuple(
            sorted({halfwidth(squeeze(word)) for word in data["signoff"]["words"]}, key=len, reverse=True)
        ),
        signoff_first=frozenset(
            char
            for word in data["signoff"]["words"]
            for char in (squeeze(word)[:1], halfwidth(squeeze(word)[:1]), _FULL.get(squeeze(word)[:1], ""))
            if char
        ),
        near_written=written,
        near_longest=max((len(label) for label in written if len(label) > 2), default=0),
        raw=data,
    )


class VocabularyError(ValueError):
    """A rule pack's [vocabulary] that does not fit the built-in one; the message names the file and key."""


# Entries a pack may add to a table of entries, and the keys each new entry needs.
_NEW_ENTRY_KEYS = {
    "header": ("label",),
    "level1": ("names",),
    "level2": ("names",),
    "attribute": ("code", "name", "years"),
}
_REGEX_KEYS = {("indicator_rules", "name_prefix"), ("words", "placeholders")}
_SIGNS = ("≥", "≤", ">", "<", "=")
MAGNITUDE_RANGE = (Decimal("0.001"), Decimal("1E16"))  # 毫 to 亿亿: a 万 of 0, NaN or 1e999999 breaks every sum
MAX_YEARS = 1000  # a 项目期 (99 年 is the longest in use)


def check_extension(extra: Any, where: str) -> None:
    """Raise VocabularyError unless `extra` (a pack's [vocabulary]) has the shape of the built-in vocabulary.

    Known keys keep their type, tables of entries (header, level1, level2, [[attribute]], the value
    word tables) may gain entries shaped like their siblings, and nothing else is accepted.  Regular
    expressions must compile; magnitudes are numbers; comparators map to ≥ ≤ > < =.
    """
    base = read_toml(rules_path("vocabulary.toml"))
    _check_shape(extra, base, ("vocabulary",), where)
    for path in _REGEX_KEYS:
        value = _dig(extra, path)
        for pattern in [value] if isinstance(value, str) else value or ():
            try:
                compile_pattern(pattern, False)
            except ValueError as error:
                raise VocabularyError(
                    f"{where}: vocabulary.{'.'.join(path)}: {pattern!r} is not a regular expression ({error})"[:400]
                ) from None
    for name, number in (_dig(extra, ("values", "magnitudes")) or {}).items():
        try:
            magnitude = Decimal(number)
            valid = magnitude.is_finite() and MAGNITUDE_RANGE[0] <= magnitude <= MAGNITUDE_RANGE[1]
        except ArithmeticError:
            valid = False
        if not valid:
            raise VocabularyError(
                f"{where}: vocabulary.values.magnitudes.{name}: expected a number from {MAGNITUDE_RANGE[0]} to "
                f"{MAGNITUDE_RANGE[1]:.0E}, got {number!r}"[:300]
            )
    for name, month in (_dig(extra, ("values", "relative_dates")) or {}).items():
        if not 0 <= month <= 12:
            raise VocabularyError(
                f"{where}: vocabulary.values.relative_dates.{name}: expected a month 1 to 12 (0: the year), got {month}"
            )
    for index, attribute in enumerate(_dig(extra, ("attribute",)) or ()):
        years = attribute.get("years")
        if years is not None and not (len(years) == 2 and 0 < years[0] <= years[1] <= MAX_YEARS):
            raise VocabularyError(
                f"{where}: vocabulary.attribute[{index}].years: expected [least, most] years, 1 to {MAX_YEARS}, "
                f"got {years!r}"[:300]
            )
    for table in ("comparators", "suffix_comparators"):
        for name, sign in (_dig(extra, ("values", table)) or {}).items():
            if sign not in _SIGNS:
                raise VocabularyError(
                    f"{where}: vocabulary.values.{table}.{name}: {sign!r} is not one of {' '.join(_SIGNS)}"
                )


def _dig(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _type_name(value: Any) -> str:
    return {dict: "a table", list: "a list", str: "a string", int: "an integer", bool: "true/false"}.get(
        type(value), type(value).__name__
    )


def _check_shape(value: Any, base: Any, path: tuple[str, ...], where: str) -> None:
    name = ".".join(path)
    if type(value) is not type(base) and not (isinstance(base, float) and isinstance(value, int)):
        raise VocabularyError(f"{where}: {name}: expected {_type_name(base)}, got {_type_name(value)} {value!r}"[:300])
    if isinstance(base, dict):
        for key, item in value.items():
            if key in base:
                _check_shape(item, base[key], (*path, key), where)
                continue
            siblings = list(base.values())
            if (
                not siblings
                or len({type(v) for v in siblings}) != 1
                or (isinstance(siblings[0], dict) and path[-1] not in _NEW_ENTRY_KEYS)
            ):
                raise VocabularyError(f"{where}: {name}: unknown key {key!r}")
            _check_entry(item, siblings, (*path, key), where)
    elif isinstance(base, list) and base:
        for index, item in enumerate(value):
            _check_entry(item, base, (*path[:-1], f"{path[-1]}[{index}]"), where)


def _check_entry(item: Any, siblings: list[Any], path: tuple[str, ...], where: str) -> None:
    """A new entry of a table or list: shaped like its siblings, with the keys the reader needs."""
    model = siblings[0]
    if isinstance(model, dict):
        if not isinstance(item, dict):
            raise VocabularyError(f"{where}: {'.'.join(path)}: expected a table, got {_type_name(item)} {item!r}"[:300])
        table = path[-1].split("[")[0] if path[-1].endswith("]") else path[-2]
        for key in _NEW_ENTRY_KEYS.get(table, ()):
            if key not in item:
                raise VocabularyError(f"{where}: {'.'.join(path)}: missing key {key!r}")
        known = {key: value for sibling in siblings for key, value in sibling.items()}
        for key, value in item.items():
            if key not in known:
                raise VocabularyError(f"{where}: {'.'.join(path)}: unknown key {key!r}")
            _check_shape(value, known[key], (*path, key), where)
    else:
        _check_shape(item, model, path, where)


@lru_cache(maxsize=8)
def load_vocabulary(extra: tuple[Path, ...] = ()) -> Vocabulary:
    """The built-in vocabulary, extended by the `[vocabulary]` tables of rule packs."""
    data = read_toml(rules_path("vocabulary.toml"))
    for path in extra:
        data = _merge(data, read_toml(path).get("vocabulary", {}))
    return build_vocabulary(data)
