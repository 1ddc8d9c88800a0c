"""The rule catalogue: rules/*.toml (and users' rule packs) read into Rule objects.

A rule is data — code, kebab-case name, check kind, default severity, typed
parameters, messages in Chinese and English, a rationale, and bad and good
examples.  Its logic is one of the few check kinds in budgetlint/checks/.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from budgetlint.findings import SEVERITIES
from budgetlint.record import fresh, named, record
from budgetlint.resources import read_toml, rules_path

TYPE_CHECKING = False  # typing is not imported on the check path
if TYPE_CHECKING:
    from typing import Any

LANGS = ("zh", "en")
_CODE = re.compile(r"^BL\d{3}$")
_NAME = re.compile(r"^[a-z][a-z0-9-]*$")
_PARAM_TYPES = ("int", "decimal", "string", "bool", "list", "table")


class CatalogueError(ValueError):
    """A rule file or pack that is not valid: the message names the file and the key."""


@named
class Param:
    name: str
    type: str
    default: Any
    description: dict[str, str]

    def coerce(self, value: Any, where: str) -> Any:
        """Check a configured value against the declared type; raise CatalogueError with `where`."""
        kind = self.type
        if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
            return value
        if kind == "decimal" and isinstance(value, (int, float, str)) and not isinstance(value, bool):
            try:
                number = Decimal(str(value))
            except InvalidOperation:
                number = None
            if number is not None and number.is_finite():  # nan and inf compare badly in every check
                return number
        if kind == "string" and isinstance(value, str):
            return value
        if kind == "bool" and isinstance(value, bool):
            return value
        if kind == "list" and isinstance(value, list):
            return tuple(value)
        if kind == "table" and isinstance(value, dict):
            return dict(value)
        raise CatalogueError(f"{where}: expected {kind}, got {type(value).__name__} {value!r}")


@named
class Example:
    expect: str  # bad | good
    text: str
    line: int | None = None  # the line a bad example must be reported at
    note: str = ""


@record(frozen=True)
class Rule:
    code: str
    name: str
    kind: str
    severity: str
    family: str
    summary: dict[str, str]
    messages: dict[str, dict[str, str]]  # variant → lang → template
    rationale: dict[str, str]
    params: dict[str, Param]
    examples: tuple[Example, ...]
    fixable: bool = False
    source: str = ""
    enabled: bool = True  # False: off unless selected by its own code or name (select / extend-select)

    def defaults(self) -> dict[str, Any]:
        return {name: param.default for name, param in self.params.items()}

    def message(self, variant: str, lang: str) -> str:
        variants = self.messages.get(variant) or self.messages["default"]
        return variants.get(lang) or variants.get("zh") or next(iter(variants.values()))


@record
class Catalogue:
    rules: dict[str, Rule] = fresh(dict)
    families: dict[str, dict[str, str]] = fresh(dict)

    def __iter__(self):
        return iter(sorted(self.rules.values(), key=lambda r: r.code))

    def get(self, code_or_name: str) -> Rule | None:
        key = code_or_name.strip()
        if key.upper() in self.rules:
            return self.rules[key.upper()]
        for rule in self.rules.values():
            if rule.name == key:
                return rule
        return None

    def family(self, name: str) -> list[Rule]:
        """The rules of family `name` (`funding`, `cost`, … the `[family] id` of a rule file), or none."""
        name = name.strip().lower()
        return [rule for rule in self if rule.family == name]

    def resolve(self, name: str) -> tuple[str, ...] | None:
        """The codes a code, rule name or family names (`BL101`, `funding-sum`, `funding`), or None."""
        rule = self.get(name)
        if rule is not None:
            return (rule.code,)
        return tuple(rule.code for rule in self.family(name)) or None

    def select(self, prefix: str) -> list[Rule]:
        prefix = prefix.upper()
        return [rule for rule in self if rule.code.startswith(prefix)]


def _lang_table(data: Any, where: str) -> dict[str, str]:
    if isinstance(data, str):
        return {"zh": data, "en": data}
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise CatalogueError(f"{where}: expected a table of zh/en strings")
    unknown = set(data) - set(LANGS)
    if unknown:
        raise CatalogueError(f"{where}: unknown language {sorted(unknown)[0]!r} (use zh, en)")
    return dict(data)


_PLACEHOLDER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _check_template(text: str, where: str) -> None:
    """A message is filled with str.format_map: allow only plain {name} fields — no attribute,
    index, conversion or format spec, so that a pack's message can read nothing but the finding's values."""
    from _string import formatter_parser  # what string.Formatter().parse runs (string itself compiles a regex)

    try:
        fields = [(name, spec, conversion) for _, name, spec, conversion in formatter_parser(text) if name is not None]
    except ValueError as error:
        raise CatalogueError(f"{where}: not a valid message template ({error})") from None
    for name, spec, conversion in fields:
        if not _PLACEHOLDER.match(name) or spec or conversion:
            shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            raise CatalogueError(f"{where}: placeholder {shown} must be a plain name such as {{expected}}")


def _parse_param(name: str, data: Any, where: str) -> Param:
    if not isinstance(data, dict) or "type" not in data or "default" not in data:
        raise CatalogueError(f"{where}.params.{name}: needs `type` and `default`")
    kind = data["type"]
    if kind not in _PARAM_TYPES:
        raise CatalogueError(f"{where}.params.{name}.type: {kind!r} is not one of {', '.join(_PARAM_TYPES)}")
    param = Param(name, kind, None, _lang_table(data.get("description", ""), f"{where}.params.{name}.description"))
    default = param.coerce(data["default"], f"{where}.params.{name}.default")
    return Param(name, kind, default, param.description)


_RULE_KEYS = {
    "code",
    "name",
    "kind",
    "severity",
    "summary",
    "messages",
    "rationale",
    "params",
    "examples",
    "fixable",
    "enabled",
}


def parse_rule(data: dict[str, Any], source: str, family: str) -> Rule:
    code = data.get("code", "?")
    where = f"{source}: rule {code}"
    unknown = set(data) - _RULE_KEYS
    if unknown:
        raise CatalogueError(f"{where}: unknown key {sorted(unknown)[0]!r}")
    for key in ("code", "name", "kind", "severity", "summary", "messages"):
        if key not in data:
            raise CatalogueError(f"{where}: missing key {key!r}")
    if not isinstance(code, str) or not _CODE.match(code):
        raise CatalogueError(f"{where}: code must look like BL123")
    if not _NAME.match(str(data["name"])):
        raise CatalogueError(f"{where}: name {data['name']!r} must be kebab-case")
    if data["severity"] not in SEVERITIES:
        raise CatalogueError(f"{where}: severity {data['severity']!r} is not one of {', '.join(SEVERITIES)}")
    messages_data = data["messages"]
    if not isinstance(messages_data, dict) or "default" not in messages_data:
        raise CatalogueError(f"{where}: messages needs a `default` variant")
    messages = {variant: _lang_table(text, f"{where}.messages.{variant}") for variant, text in messages_data.items()}
    for variant, texts in messages.items():
        for lang, text in texts.items():
            _check_template(text, f"{where}.messages.{variant}.{lang}")
    if not isinstance(data["kind"], str):
        raise CatalogueError(f"{where}: kind must be a string (the name of a check kind)")
    params_data = data.get("params") or {}
    if not isinstance(params_data, dict):
        raise CatalogueError(f"{where}: params must be a table of [rule.params.NAME] tables")
    params = {name: _parse_param(name, spec, where) for name, spec in params_data.items()}
    examples_data = data.get("examples") or []
    if not isinstance(examples_data, list):
        raise CatalogueError(f"{where}: examples must be an array of tables ([[rule.examples]])")
    examples = []
    for index, example in enumerate(examples_data):
        if (
            not isinstance(example, dict)
            or example.get("expect") not in ("bad", "good")
            or not isinstance(example.get("text"), str)
        ):
            raise CatalogueError(f"{where}.examples[{index}]: needs expect = bad|good and text")
        line = example.get("line")
        if line is not None and (not isinstance(line, int) or isinstance(line, bool)):
            raise CatalogueError(f"{where}.examples[{index}].line: expected a line number, got {line!r}")
        examples.append(Example(example["expect"], example["text"], example.get("line"), example.get("note", "")))
    return Rule(
        code=code,
        name=data["name"],
        kind=data["kind"],
        severity=data["severity"],
        family=family,
        summary=_lang_table(data["summary"], f"{where}.summary"),
        messages=messages,
        rationale=_lang_table(data.get("rationale", ""), f"{where}.rationale"),
        params=params,
        examples=tuple(examples),
        fixable=bool(data.get("fixable", False)),
        source=source,
        enabled=bool(data.get("enabled", True)),
    )


_PACK_KEYS = {"family", "rule", "vocabulary", "units", "template"}


MAX_TOML_BYTES = 1 << 20  # a rule pack or config is a page of settings: 1 MB is far beyond any real one
MAX_TOML_DEPTH = 32  # tables and arrays within each other: the built-in files need 4


def read_toml_file(path: Path, error: type[ValueError], what: str) -> dict[str, Any]:
    """A TOML file as data; every way it can be unusable is `error` with one line naming the file.

    A pack or config is untrusted data: a file over MAX_TOML_BYTES is refused by its size before
    it is read, and one nested deeper than MAX_TOML_DEPTH (arrays, inline tables, or tables) is
    refused at the line where it gets too deep — tomllib's RecursionError included."""
    import os

    try:
        size = os.stat(path).st_size
        if size > MAX_TOML_BYTES:
            raise error(f"{path}: {what} is {size:,} bytes, over the limit of {MAX_TOML_BYTES:,} (1 MB)")
        data = read_toml(path)  # cached while the file is unchanged
    except OSError as problem:
        raise error(f"{path}: cannot read {what} ({problem.strerror or problem})") from None
    except UnicodeDecodeError as problem:
        raise error(f"{path}: not valid TOML (not UTF-8: byte {problem.start + 1})") from None
    except RecursionError:  # tomllib recurses into arrays and inline tables
        raise _nested(path, error, what) from None
    except ValueError as problem:  # tomllib.TOMLDecodeError, without importing tomllib for it
        if isinstance(problem, error) and str(problem).startswith(str(path)):
            raise
        raise error(f"{path}: not valid TOML ({problem})") from None
    if _depth(data) > MAX_TOML_DEPTH:
        raise _nested(path, error, what)
    return data


def _nested(path: Path, error: type[ValueError], what: str) -> ValueError:
    """The error for a file nested too deep, at the line where it gets too deep (none for tables nested
    by dotted keys, a.b.c…, which open no bracket)."""
    try:
        line = _too_deep(path.read_bytes())
    except OSError:
        line = 0
    return error(
        f"{path}{f':{line}' if line else ''}: {what} nests arrays or tables deeper than {MAX_TOML_DEPTH} levels"
    )


def _too_deep(raw: bytes) -> int:
    """The line at which `raw` (TOML) opens more than MAX_TOML_DEPTH brackets and braces within each
    other, outside strings and comments; 0 if it never does.  Linear, one pass over the bytes."""
    depth, line, index, length = 0, 1, 0, len(raw)
    while index < length:
        byte = raw[index]
        if byte in b"[{":
            depth += 1
            if depth > MAX_TOML_DEPTH:
                return line
        elif byte in b"]}":
            depth = max(depth - 1, 0)
        elif byte == 0x0A:
            line += 1
        elif byte == 0x23:  # a comment: to the end of the line
            end = raw.find(b"\n", index)
            index = length if end < 0 else end
            continue
        elif byte in b"\"'":
            quote = raw[index : index + 3] if raw[index : index + 3] in (b'"""', b"'''") else raw[index : index + 1]
            index += len(quote)
            while index < length and not raw.startswith(quote, index):
                if raw[index] == 0x5C and quote[:1] == b'"':  # a backslash escapes the next byte in "…"
                    index += 1
                    line += raw[index : index + 1] == b"\n"
                elif raw[index] == 0x0A:
                    line += 1
                    if len(quote) == 1:  # a one-line string ends at the line's end (tomllib will say so)
                        break
                index += 1
            index += len(quote)
            continue
        index += 1
    return 0


def _depth(data: Any) -> int:
    """How deep tables and arrays nest in `data` (counted without recursion)."""
    deepest, stack = 0, [(data, 0)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        elif not isinstance(value, list):
            continue
        deepest = max(deepest, level + 1)
        if deepest > MAX_TOML_DEPTH:
            return deepest
        stack.extend((item, level + 1) for item in value)
    return deepest


def read_rule_file(path: Path, catalogue: Catalogue, replace: bool = False) -> None:
    """Add the rules of one TOML file; a pack may override a built-in rule's data (same code).

    A pack is data only: rules, its family title, [vocabulary] extensions and unit definitions
    are read and checked here; nothing in it is imported or evaluated.
    """
    data = read_toml_file(path, CatalogueError, "rule pack" if replace else "rule file")
    if replace:
        _check_pack(data, path)
    family = data.get("family", {})
    if not isinstance(family, dict) or not isinstance(family.get("id", ""), str):
        raise CatalogueError(f"{path}: family must be a table with a string id")
    family_id = family.get("id", path.stem)
    if family.get("title"):
        catalogue.families[family_id] = _lang_table(family["title"], f"{path}: family.title")
    rules = data.get("rule", [])
    if not isinstance(rules, list):
        raise CatalogueError(f"{path}: `rule` must be an array of tables ([[rule]])")
    for index, entry in enumerate(rules):
        if not isinstance(entry, dict):
            raise CatalogueError(f"{path}: rule[{index}]: expected a table ([[rule]]), got {entry!r}"[:300])
        rule = parse_rule(entry, str(path), family_id)
        if rule.code in catalogue.rules and not replace:
            raise CatalogueError(f"{path}: rule {rule.code} is defined twice")
        replaced = catalogue.rules.get(rule.code)
        if replace and replaced is not None and replaced.kind == rule.kind:
            # a pack restating a built-in rule keeps the parameters it does not set
            rule.params.update((name, param) for name, param in replaced.params.items() if name not in rule.params)
        catalogue.rules[rule.code] = rule


def _check_pack(data: dict[str, Any], path: Path) -> None:
    unknown = sorted(set(data) - _PACK_KEYS)
    if unknown:
        raise CatalogueError(f"{path}: unknown key {unknown[0]!r} (a rule pack has {', '.join(sorted(_PACK_KEYS))})")
    if "vocabulary" in data:
        from budgetlint.vocabulary import VocabularyError, check_extension

        try:
            check_extension(data["vocabulary"], str(path))
        except VocabularyError as error:
            raise CatalogueError(str(error)) from None


BUILTIN_FILES = (
    "layout.toml",
    "funding.toml",
    "cost.toml",
    "time.toml",
    "satisfaction.toml",
    "units.toml",
    "structure.toml",
    "narrative.toml",
    "wording.toml",
)


def load_catalogue(packs: tuple[Path, ...] | list[Path] = ()) -> Catalogue:
    """The built-in rules plus the packs' (built once per set of packs)."""
    return _load_catalogue(tuple(packs))


@lru_cache(maxsize=8)
def _load_catalogue(packs: tuple[Path, ...]) -> Catalogue:
    catalogue = Catalogue()
    for name in BUILTIN_FILES:
        path = rules_path(name)
        if path.exists():
            read_rule_file(path, catalogue)
    for pack in packs:
        read_rule_file(pack, catalogue, replace=True)
    return catalogue
