"""Configuration: `[tool.budgetlint]` in pyproject.toml or budgetlint.toml, found upward from a file.

Config is data only — nothing in it is imported or evaluated.  It is validated
against the rules' declared parameters: an unknown key, an unknown rule code
or a value of the wrong type is a ConfigError naming the file and the key
(the CLI exits 2), never silence.
"""

from __future__ import annotations

import fnmatch
import os
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path, PurePosixPath

from budgetlint.findings import SEVERITIES
from budgetlint.record import fresh, record
from budgetlint.rules import Catalogue, CatalogueError, load_catalogue, read_toml_file

TYPE_CHECKING = False  # typing is not imported on the check path
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

CONFIG_FILES = ("budgetlint.toml", "pyproject.toml")

# Shortcuts for the parameters users set most: key → (rule code, parameter).
SHORTCUTS = {
    "satisfaction-minimum": ("BL403", "minimum"),
}
_KNOWN_KEYS = {
    "select",
    "extend-select",
    "ignore",
    "extend-ignore",
    "per-file-ignores",
    "severity",
    "params",
    "fiscal-year",
    "tolerance",
    "packs",
    "include",
    "exclude",
    "lang",
    "fail-on",
    "min-severity",
    "docs-url",
    "cache",
    "baseline",
    *SHORTCUTS,
}
MAX_TOLERANCE = 10**12  # 元: more than any budget, so any larger tolerance is a typo
DEFAULT_INCLUDE = (
    "*.md",
    "*.txt",
    "*.markdown",
    "*.tsv",
    "*.csv",
    "*.html",
    "*.htm",
    "*.xlsx",
    "*.xlsm",
    "*.xls",
    "*.ods",
    "*.docx",
    "*.pdf",
)


class ConfigError(ValueError):
    """A configuration that cannot be used; str() is one line naming the file and the key.

    Located (`located`), it carries the file, the line of the key in it and the message without them:
    `path:line: message`."""

    def __init__(self, message: str, path: Path | None = None, line: int | None = None):
        super().__init__(f"{path}:{line}: {message}" if path is not None and line else message)
        self.path, self.line, self.message = path, line, message


@record(frozen=True)
class Config:
    path: Path | None = None
    root: Path = fresh(Path.cwd)
    select: tuple[str, ...] = ("BL",)
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    severity: tuple[tuple[str, str], ...] = ()
    params: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()
    fiscal_year: int | None = None
    tolerance: Decimal | None = None
    packs: tuple[Path, ...] = ()
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ()
    lang: str | None = None
    fail_on: str | None = None
    min_severity: str | None = None  # the lowest severity rich and concise output show (None: warning)
    docs_url: str | None = None  # where docs/rules/ is published: findings link to <docs_url>BLxxx.md
    cache: bool = True  # `cache = false`: its files are always checked afresh (budgetlint.resultcache)
    baseline: Path | None = None  # `check --baseline` when none is given (budgetlint.baseline)

    @property
    def catalogue(self) -> Catalogue:
        return load_catalogue(self.packs)

    def relative(self, path: Path) -> str:
        try:
            root = _resolved(self.root) if self.root.is_absolute() else _real(self.root)  # relative: to the cwd of now
            return PurePosixPath(_real(path).relative_to(root)).as_posix()
        except ValueError:
            return PurePosixPath(path).as_posix()

    def enabled(self, code: str, path: Path | None = None) -> bool:
        """Whether rule `code` runs (on `path`: its per-file-ignores too)."""
        if not self.selected(code):
            return False
        return path is None or not code.startswith(self.ignored_for(path))

    def selected(self, code: str) -> bool:
        """Whether `code` is selected and not ignored, the longest matching prefix deciding."""
        best_select = max((len(p) for p in (*self.select, *self.extend_select) if code.startswith(p)), default=-1)
        if best_select < 0:
            return False
        best_ignore = max((len(p) for p in self.ignore if code.startswith(p)), default=-1)
        return not (best_ignore >= best_select and best_ignore >= 0)

    def chosen(self, rule) -> bool:
        """Whether `rule` runs: selected and not ignored, and — for a rule off by default — named by its own
        code in select or extend-select (a prefix or family selects only the rules on by default)."""
        if not self.selected(rule.code):
            return False
        return rule.enabled or rule.code in self.select or rule.code in self.extend_select

    def ignored_for(self, path: Path) -> tuple[str, ...]:
        """The code prefixes per-file-ignores switch off for `path`, as one tuple for str.startswith (none,
        without resolving the path, when there are no per-file-ignores)."""
        if not self.per_file_ignores:
            return ()
        relative = self.relative(path)
        return tuple(code for pattern, codes in self.per_file_ignores if _matches(relative, pattern) for code in codes)

    def severity_of(self, code: str, default: str) -> str:
        return dict(self.severity).get(code, default)

    def params_of(self, code: str, defaults: dict[str, Any]) -> dict[str, Any]:
        merged = dict(defaults)
        merged.update(dict(dict(self.params).get(code, ())))
        return merged

    def is_included(self, path: Path) -> bool:
        if self.is_excluded(path):
            return False
        return any(fnmatch.fnmatch(path.name, pattern) for pattern in self.include)

    def is_excluded(self, path: Path) -> bool:
        """Whether `exclude` names `path` (a file named on the command line too, as ruff's --force-exclude)."""
        if not self.exclude:
            return False
        relative = self.relative(path)
        return any(_matches(relative, pattern) for pattern in self.exclude)

    def is_excluded_dir(self, path: Path) -> bool:
        if not self.exclude:
            return False
        relative = self.relative(path)
        return any(_matches(relative, pattern) or _matches(relative + "/", pattern) for pattern in self.exclude)


@lru_cache(maxsize=64)
def _resolved(root: Path) -> Path:
    """A config's root, resolved (once: every file under it is made relative to it)."""
    return _real(root)


def _real(path: Path) -> Path:
    """`path` with its links resolved as far as they go: Path.resolve raises RuntimeError on a link
    loop (Python 3.11), os.path.realpath leaves the loop as it is."""
    return Path(os.path.realpath(path))


def _matches(relative: str, pattern: str) -> bool:
    pattern = pattern.rstrip("/") if pattern.endswith("/") else pattern
    if fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(relative, pattern + "/*"):
        return True
    parts = relative.split("/")
    return any(fnmatch.fnmatch("/".join(parts[i:]), pattern) for i in range(len(parts))) or any(
        fnmatch.fnmatch(part, pattern) for part in parts
    )


def _codes(value: Any, where: str, catalogue: Catalogue) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f'{where}: expected a list of rule codes or prefixes, e.g. ["BL2", "BL801"]')
    codes = []
    for item in value:
        code = item.strip()
        rule = catalogue.get(code)
        if rule is not None:
            codes.append(rule.code)
            continue
        family = catalogue.family(code)
        if family:
            codes.extend(rule.code for rule in family)
            continue
        upper = code.upper()
        if not upper.startswith("BL") or not catalogue.select(upper):
            raise ConfigError(f"{where}: {item!r} is not a rule code, rule name, family or code prefix")
        codes.append(upper)
    return tuple(codes)


def parse_config(
    data: dict[str, Any], path: Path | None, root: Path, where: str | None = None, table: str = "in [tool.budgetlint]"
) -> Config:
    """Validate a `[tool.budgetlint]` table (`where` names it in errors: the file, else `<config>`;
    `table` says which table it is in an unknown key's error: `in [tool.budgetlint]`, `at the top level
    of budgetlint.toml`)."""
    where = where or (str(path) if path else "<config>")
    unknown = sorted(set(data) - _KNOWN_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r}{f' {table}' if table else ''}")
    packs: list[Path] = []
    pack_items = data.get("packs", [])
    if not isinstance(pack_items, list):
        raise ConfigError(f"{where}: packs: expected a list of file paths")
    for item in pack_items:
        if not isinstance(item, str):
            raise ConfigError(f"{where}: packs: expected a list of file paths")
        pack = _real(root / item)
        if not pack.is_file():
            raise ConfigError(f"{where}: packs: rule pack {item!r} not found")
        packs.append(pack)
    try:
        catalogue = load_catalogue(tuple(packs))
        _check_pack_data(packs)
    except (CatalogueError, ConfigError) as error:
        raise pack_error(str(error), packs) from None
    select = _codes(data.get("select", ["BL"]), f"{where}: select", catalogue)
    extend_select = _codes(data.get("extend-select", []), f"{where}: extend-select", catalogue)
    ignore = _codes(data.get("ignore", []), f"{where}: ignore", catalogue) + _codes(
        data.get("extend-ignore", []), f"{where}: extend-ignore", catalogue
    )
    per_file = data.get("per-file-ignores", {})
    if not isinstance(per_file, dict):
        raise ConfigError(f"{where}: per-file-ignores: expected a table of pattern = [codes]")
    per_file_ignores = tuple(
        (pattern, _codes(codes, f"{where}: per-file-ignores.{pattern}", catalogue))
        for pattern, codes in per_file.items()
    )
    severity = data.get("severity", {})
    if not isinstance(severity, dict):
        raise ConfigError(f'{where}: severity: expected a table of CODE = "error"|"warning"|"info"')
    severities = []
    for code, level in severity.items():
        rule = catalogue.get(code)
        if rule is None:
            raise ConfigError(f"{where}: severity.{code}: unknown rule")
        if level not in SEVERITIES:
            raise ConfigError(f"{where}: severity.{code}: {level!r} is not one of {', '.join(SEVERITIES)}")
        severities.append((rule.code, level))
    params_data = data.get("params", {})
    if not isinstance(params_data, dict):
        raise ConfigError(f"{where}: params: expected a table of [params.CODE] tables")
    params: dict[str, dict[str, Any]] = {}
    for code, values in params_data.items():
        rule = catalogue.get(code)
        if rule is None:
            raise ConfigError(f"{where}: params.{code}: unknown rule")
        if not isinstance(values, dict):
            raise ConfigError(f"{where}: params.{code}: expected a table of parameters")
        for name, value in values.items():
            params.setdefault(rule.code, {})[name] = _param(rule, name, value, f"{where}: params.{code}.{name}")
    for key, (code, name) in SHORTCUTS.items():
        if key in data and code in catalogue.rules:
            params.setdefault(code, {})[name] = _param(catalogue.rules[code], name, data[key], f"{where}: {key}")
    fiscal_year = data.get("fiscal-year")
    if fiscal_year is not None and (
        not isinstance(fiscal_year, int) or isinstance(fiscal_year, bool) or not 1900 <= fiscal_year <= 2200
    ):
        raise ConfigError(f"{where}: fiscal-year: expected a year such as 2024, got {fiscal_year!r}")
    tolerance = data.get("tolerance")
    if tolerance is not None:
        try:
            if isinstance(tolerance, bool):
                raise InvalidOperation
            tolerance = Decimal(str(tolerance))
            if not tolerance.is_finite() or not 0 <= tolerance <= MAX_TOLERANCE:
                raise InvalidOperation
        except InvalidOperation:
            raise ConfigError(
                f"{where}: tolerance: expected a non-negative amount in 元, at most {MAX_TOLERANCE:,}, got {data['tolerance']!r}"
            ) from None
    for key in ("include", "exclude"):
        value = data.get(key)
        if value is not None and (not isinstance(value, list) or not all(isinstance(v, str) for v in value)):
            raise ConfigError(f"{where}: {key}: expected a list of glob patterns")
    lang = data.get("lang")
    if lang is not None and lang not in ("zh", "en"):
        raise ConfigError(f'{where}: lang: expected "zh" or "en", got {lang!r}')
    fail_on = data.get("fail-on")
    if fail_on is not None and fail_on not in (*SEVERITIES, "never"):
        raise ConfigError(f"{where}: fail-on: expected one of {', '.join(SEVERITIES)}, never")
    min_severity = data.get("min-severity")
    if min_severity is not None and min_severity not in SEVERITIES:
        raise ConfigError(f"{where}: min-severity: expected one of {', '.join(SEVERITIES)}, got {min_severity!r}")
    docs_url = data.get("docs-url")
    if docs_url is not None and (not isinstance(docs_url, str) or not docs_url.startswith(("https://", "http://"))):
        raise ConfigError(f"{where}: docs-url: expected the http(s) address of the rules' pages, got {docs_url!r}")
    cache = data.get("cache", True)
    if not isinstance(cache, bool):
        raise ConfigError(f"{where}: cache: expected true or false, got {cache!r}")
    baseline = data.get("baseline")
    if baseline is not None and (not isinstance(baseline, str) or not baseline or "\0" in baseline):
        raise ConfigError(f"{where}: baseline: expected the path of a baseline file, got {baseline!r}")
    return Config(
        path=path,
        root=root,
        select=select,
        extend_select=extend_select,
        ignore=ignore,
        per_file_ignores=per_file_ignores,
        severity=tuple(severities),
        params=tuple((code, tuple(values.items())) for code, values in params.items()),
        fiscal_year=fiscal_year,
        tolerance=tolerance,
        packs=tuple(packs),
        include=tuple(data.get("include", DEFAULT_INCLUDE)),
        exclude=tuple(data.get("exclude", ())),
        lang=lang,
        fail_on=fail_on,
        min_severity=min_severity,
        docs_url=docs_url,
        cache=cache,
        baseline=None if baseline is None else root / baseline,
    )


def _check_pack_data(packs: list[Path]) -> None:
    """A pack's `units` and `[vocabulary]` must be readable: say which pack and why, once, here."""
    from budgetlint.templates import TemplateError, load_templates
    from budgetlint.units import UnitsError, check_definitions, load_units
    from budgetlint.vocabulary import load_vocabulary

    for pack in packs:
        data = read_toml_file(pack, ConfigError, "rule pack")
        units = data.get("units", "")
        if not isinstance(units, str):
            raise ConfigError(f"{pack}: units: expected a string of pint definitions")
        try:
            if units:
                check_definitions(units, load_units(units))
        except UnitsError as error:  # pint's messages may span lines: a config error is one line
            line = _units_line(pack, str(error))
            raise ConfigError(f"{pack}:{line}: units: {' '.join(str(error).split())}") from None
        except Exception as error:  # pint, after the definitions: undefined names, even RecursionError (元 = 2 元)
            detail = " ".join(str(error).split())[:200]
            raise ConfigError(f"{pack}: units: cannot be used ({type(error).__name__}: {detail})") from None
        _check_pack_kinds(pack, load_catalogue([pack]))
        try:
            template_params(load_catalogue([pack]), load_templates((pack,)))
        except TemplateError as error:
            raise ConfigError(str(error)) from None
        except ConfigError as error:  # a template's parameters: the pack's (a built-in template's fit ours)
            raise ConfigError(f"{pack}: {error}") from None
        try:
            load_vocabulary((pack,))
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ConfigError(f"{pack}: vocabulary: cannot be used ({type(error).__name__}: {error})") from None


def _check_pack_kinds(pack: Path, catalogue: Catalogue) -> None:
    """Each [[rule]] of `pack` names a check kind that exists, with the parameters that kind reads (its
    declaration in budgetlint/checks/): one line naming the rule and the key otherwise."""
    from budgetlint.checks import BUILT_IN_ONLY, ParamError, check_rule_params

    builtin = load_catalogue(())
    for rule in catalogue.rules.values():
        if rule.source != str(pack):
            continue
        where = f"{pack}: rule {rule.code}"
        if rule.kind in BUILT_IN_ONLY:  # the reader's and the suppression comments' own findings
            known = builtin.rules.get(rule.code)
            if known is None or known.kind != rule.kind:
                raise ConfigError(f"{where}.kind: {rule.kind!r} is only for restating the built-in rules of that kind")
            continue
        try:
            check_rule_params(rule.kind, {name: (param.type, param.default) for name, param in rule.params.items()})
        except ParamError as error:
            raise ConfigError(f"{where}.{error}") from None


def _units_line(pack: Path, message: str) -> int:
    """The line of `pack` that defines the unit an error `message` names (`零: …`, `unit definition '零 = 0 个'
    …`), else the line of its `units` key."""
    name = message.split(":", 1)[0].strip()
    quoted = re.match(r"unit definition '([^']*)'", message)
    if quoted:
        name = quoted.group(1).split("=", 1)[0].strip()
    try:
        lines = pack.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    start = _key_line_in(lines, ("units",)) or 1
    for number, line in enumerate(lines[start - 1 :], start=start):
        head = line.split("#", 1)[0]
        if number == start:  # units = """name = …
            head = head.partition("=")[2].lstrip(" \t\"'")
        if name and head.split("=", 1)[0].strip() == name:
            return number
    return start


def template_params(catalogue, templates):
    """`templates` with each template's rule parameters checked against the catalogue and coerced to
    their types: a template naming a rule or parameter that does not exist is a ConfigError."""
    for template in templates.templates:
        where = f"template {template.id}"
        for code, values in template.params.items():
            rule = catalogue.rules.get(code)
            if rule is None:
                raise ConfigError(f"{where}: no rule {code} to set parameters of")
            for name, value in list(values.items()):
                values[name] = _param(rule, name, value, f"{where}: params.{code}.{name}")
    return templates


def _param(rule, name: str, value: Any, where: str) -> Any:
    spec = rule.params.get(name)
    if spec is None:
        known = ", ".join(sorted(rule.params)) or "none"
        raise ConfigError(f"{where}: {rule.code} has no parameter {name!r} (it has: {known})")
    try:
        value = spec.coerce(value, where)
    except CatalogueError as error:
        raise ConfigError(str(error)) from None
    from budgetlint.checks import BUILT_IN_ONLY, ParamError, check_param

    if rule.kind not in BUILT_IN_ONLY:
        try:
            check_param(rule.kind, name, value)
        except ParamError as error:
            raise ConfigError(f"{where}: {error}") from None
    return value


def parse_overrides(values: Iterable[str]) -> dict[str, Any]:
    """`--config KEY=VALUE` options (each a line of TOML: `ignore=["BL801"]`, `severity.BL403="error"`),
    merged into one table that overrides the config file's keys.  Each is validated on its own, so a
    bad one is one ConfigError naming the option; a pack is relative to the current folder."""
    import tomllib

    merged: dict[str, Any] = {}
    for value in values:
        where = f"--config {value!r}"
        try:
            data = tomllib.loads(value)
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(
                f"{where}: expected KEY=VALUE with a TOML value, e.g. 'ignore=[\"BL801\"]' ({error})"
            ) from None
        packs = data.get("packs")
        if isinstance(packs, list):
            data["packs"] = [os.path.abspath(pack) if isinstance(pack, str) else pack for pack in packs]
        parse_config(data, None, Path.cwd(), where, table="")
        _merge_tables(merged, data)
    return merged


def _merge_tables(into: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """`data` over `into`: tables merged key by key, any other value replaced."""
    for key, value in data.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            into[key] = _merge_tables(dict(into[key]), value)
        else:
            into[key] = value
    return into


def read_config_file(path: Path, overrides: dict[str, Any] | None = None) -> Config | None:
    """The config in `path` (with `overrides`, from `--config KEY=VALUE`, over its keys), or None for a
    pyproject.toml without [tool.budgetlint]."""
    data = read_toml_file(path, ConfigError, "config")
    tool = data.get("tool", {})
    prefix: tuple[str, ...] = ("tool", "budgetlint")
    if path.name == "pyproject.toml":
        if not isinstance(tool, dict) or "budgetlint" not in tool:
            return None
        section = tool["budgetlint"]
    elif "tool" in data:
        if not isinstance(tool, dict):
            message = f"tool: expected a [tool.budgetlint] table, got {tool!r}"[:300]
            raise ConfigError(message, path, key_line(path, ("tool",)))
        section = tool.get("budgetlint", data)
        if "budgetlint" not in tool:
            prefix = ()
    else:
        section, prefix = data, ()
    if not isinstance(section, dict):
        raise ConfigError("[tool.budgetlint] must be a table", path, key_line(path, prefix))
    if overrides:
        section = _merge_tables(dict(section), overrides)
    table = "in [tool.budgetlint]" if prefix else f"at the top level of {path.name}"
    try:
        return parse_config(section, path, path.parent, table=table)
    except ConfigError as error:
        raise located(error, path, prefix) from None


_UNKNOWN = re.compile(r"unknown key '([^']*)'")


def located(error: ConfigError, path: Path, prefix: tuple[str, ...]) -> ConfigError:
    """`error`, raised for the config `path`, at the line of the key it names (its first line that
    sets the key, or the key's table, or the line of the nearest table that holds it)."""
    message = str(error)
    head = f"{path}: "
    if error.path is not None or not message.startswith(head):  # a rule pack's error names the pack
        return error
    message = message[len(head) :]
    unknown = _UNKNOWN.match(message)
    if unknown:
        key: tuple[str, ...] = (unknown.group(1),)
    else:
        name = message.split(": ", 1)[0]
        first, _, rest = name.partition(".")
        if first not in _KNOWN_KEYS:
            return ConfigError(message, path, key_line(path, prefix) or 1)
        key = (first,)
        if rest and first == "params":
            code, _, parameter = rest.partition(".")
            key += (code, parameter) if parameter else (code,)
        elif rest:
            key += (rest,)
    return ConfigError(message, path, key_line(path, prefix + key) or 1)


def key_line(path: Path, key: tuple[str, ...]) -> int | None:
    """The line of `path` (TOML) where `key` (a dotted path from the top) is set; else where the longest
    part of it is: the table or inline table holding it.  tomllib gives no positions, so the text is
    read line by line: `[table]` headers, and `dotted.key = …` lines within them."""
    if not key:
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return _key_line_in(text.splitlines(), key)


def _key_line_in(lines: list[str], key: tuple[str, ...], first: int = 1) -> int | None:
    """key_line over `lines`, the first of which is line `first`."""
    best, best_line = 0, None
    table: tuple[str, ...] = ()
    for number, line in enumerate(lines, start=first):
        stripped = line.strip()
        if stripped.startswith("["):  # a [table] or [[array]] header
            found = _dotted(stripped, 2 if stripped.startswith("[[") else 1)
            if found is None or not stripped.startswith("]", found[1]):
                continue
            table = full = found[0]
        else:  # dotted.key = value
            found = _dotted(stripped, 0)
            if found is None or not stripped.startswith("=", found[1]):
                continue
            full = table + found[0]
        common = 0
        for have, want in zip(full, key):
            if have != want:
                break
            common += 1
        if common > best and common == min(len(full), len(key)):
            best, best_line = common, number
            if common == len(key):
                break
    return best_line


def _dotted(text: str, index: int) -> tuple[tuple[str, ...], int] | None:
    """The TOML dotted key at `index` of `text` (`a."b.c"` → ("a", "b.c")) and where it ends; None if there
    is none.  Scanned by hand: bare keys, quoted keys, dots and blanks between them."""
    parts: list[str] = []
    length = len(text)
    while True:
        while index < length and text[index] in " \t":
            index += 1
        if index < length and text[index] in "\"'":
            close = text.find(text[index], index + 1)
            if close < 0:
                return None
            parts.append(text[index + 1 : close])
            index = close + 1
        else:
            end = index
            while end < length and (text[end].isalnum() or text[end] in "_-"):
                end += 1
            if end == index:
                return None
            parts.append(text[index:end])
            index = end
        while index < length and text[index] in " \t":
            index += 1
        if index < length and text[index] == ".":
            index += 1
            continue
        return tuple(parts), index


def pack_error(message: str, packs: Iterable[Path]) -> ConfigError:
    """A rule pack's error (`message` begins with the pack's path), located: the pack, the line of the key
    it names (a [[rule]] entry's own key, found in the entry with its code) and the message without them."""
    for pack in packs:
        head = f"{pack}:"
        if not message.startswith(head):
            continue
        rest = message[len(head) :]
        number, at, after = rest.partition(": ")
        if at and number.isdigit():  # already at its line
            return ConfigError(after, pack, int(number))
        rest = rest.lstrip()
        return ConfigError(rest, pack, pack_line(pack, rest) or 1)
    return ConfigError(message)


def pack_line(pack: Path, message: str) -> int | None:
    """The line of `pack` holding the key an error `message` names: `rule BL990.params.groups: …`,
    `vocabulary.values.magnitudes.兆: …`, `units: …`, `unknown key 'x'`."""
    try:
        lines = pack.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    entry = _entry_key(message)
    if entry:  # a [[rule]] or [[template]] entry: the one with that code or id, then the key in it
        table, name, own, sub = entry
        starts = [number for number, line in enumerate(lines) if line.strip().startswith(f"[[{table}]]")]
        for start, end in zip(starts, [*starts[1:], len(lines)]):
            block = lines[start:end]
            if any(re.match(rf"\s*{name}\s*=\s*[\"']{re.escape(own)}[\"']", line) for line in block):
                return (_key_line_in(block, (table, *sub), start + 1) if sub else None) or start + 1
        return None
    unknown = _UNKNOWN.match(message)
    name = unknown.group(1) if unknown else message.split(": ", 1)[0]
    key = tuple(re.sub(r"\[\d+\]$", "", part) for part in name.split("."))
    return _key_line_in(lines, key)


def _entry_key(message: str) -> tuple[str, str, str, tuple[str, ...]] | None:
    """(table, its key, the entry's code or id, the key in it) of an error about a [[rule]] entry
    (`rule BL990.params.groups: …`, `rule BL990.examples[0]: …`) or a [[template]] entry (`template gansu:
    params.BL201.max_terms: …`); None for another error.  Read with str methods: a pack's keys are any text."""
    if message.startswith("rule BL") and message[7:10].isdigit() and message[10:11] in (".", ":"):
        key = message[10:].partition(": ")[0].partition(".examples[")[0].rstrip(":")
        return "rule", "code", message[5:10], tuple(part for part in key.split(".") if part)
    if message.startswith("template "):
        own, found, rest = message[len("template ") :].partition(": ")
        if not found:
            return None
        key, found, _ = rest.partition(": ")
        sub = tuple(key.split(".")) if found and key.startswith("params.BL") else ()
        return "template", "id", own, sub
    return None


@lru_cache(maxsize=256)
def config_for_dir(directory: Path, overrides: str = "") -> Config:
    """The nearest config at or above `directory` (the defaults if there is none); `overrides` is the
    JSON text of `parse_overrides`' table (a string, so that the answer can be cached)."""
    table = json_table(overrides)
    for folder in (directory, *directory.parents):
        for name in CONFIG_FILES:
            candidate = folder / name
            if os.path.isfile(candidate):  # False for a folder that may not be entered (Path.is_file raises)
                found = read_config_file(candidate, table)
                if found is not None:
                    return found
    return parse_config(table, None, directory, "--config", table="") if table else Config(root=directory)


def json_table(text: str) -> dict[str, Any]:
    if not text:
        return {}
    import json

    return json.loads(text)


def config_for(path: Path) -> Config:
    path = _real(path)
    return config_for_dir(path if os.path.isdir(path) else path.parent)
