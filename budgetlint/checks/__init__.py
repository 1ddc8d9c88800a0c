"""Check kinds: the few pure functions of the model that every rule's logic is one of.

A check kind is `fn(project, params, ctx) -> iterable of Finding` (or, with
scope "document", `fn(document, params, ctx)`).  It never reads the table's
text: whatever it compares, the reader has read into the model (values,
amounts in 元, the precision stated, what the narrative says).  The one text it
may have read is a fix it proposes, through `ctx.values`, to make sure the fix
reads as the same value.  Rules in rules/*.toml name a kind and give it
parameters; one kind serves many rules.
"""

from __future__ import annotations

from importlib import import_module

from budgetlint.findings import Finding
from budgetlint.record import fresh, named, record

TYPE_CHECKING = False  # typing is not imported on the check path
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any

    CheckFn = Callable[..., Iterable[Finding]]  # (project | document, params, ctx) → findings


@named
class CheckKind:
    name: str
    fn: CheckFn
    scope: str  # project | document
    # The parameters the kind reads, as data: name → {"type": int|decimal|string|bool|list (of strings),
    # "default": …  (absent: a rule of the kind must give it), "min"/"max": bounds of a number,
    # "choices": the strings allowed}.  A rule's params, a template's and a config's are checked against it.
    params: dict[str, dict[str, Any]]

    def defaults(self) -> dict[str, Any]:
        """The parameters the kind gives a default: what a rule of the kind has when it leaves them out."""
        return {name: spec["default"] for name, spec in self.params.items() if "default" in spec}


_KINDS: dict[str, CheckKind] = {}
_MODULES = ("layout", "funding", "cost", "timing", "satisfaction", "units", "structure", "narrative", "wording")
_loaded = False
# Kinds whose findings the reader and the suppression comments make (no check function, no parameters).
BUILT_IN_ONLY = ("reader", "suppression")


def check_kind(
    name: str, scope: str = "project", params: dict[str, dict[str, Any]] | None = None
) -> Callable[[CheckFn], CheckFn]:
    def register(fn: CheckFn) -> CheckFn:
        _KINDS[name] = CheckKind(name, fn, scope, dict(params or {}))
        return fn

    return register


class ParamError(ValueError):
    """A rule parameter that does not fit its check kind's declaration: the message names the parameter."""


def check_param(kind: str, name: str, value: Any) -> None:
    """Raise ParamError unless `value` (already of the rule's declared type) fits kind `kind`'s declaration
    of parameter `name`: its type, its bounds, its choices, strings in a list."""
    spec = kinds()[kind].params.get(name)
    if spec is None:
        known = ", ".join(sorted(kinds()[kind].params)) or "none"
        raise ParamError(f"check kind {kind!r} has no parameter {name!r} (it has: {known})")
    if spec["type"] == "list" and not all(isinstance(item, str) for item in value):
        raise ParamError(f"expected a list of strings, got {list(value)!r}"[:300])
    if "min" in spec and value < spec["min"] or "max" in spec and value > spec["max"]:
        raise ParamError(f"expected {spec.get('min', '…')} to {spec.get('max', '…')}, got {value}"[:300])
    if "choices" in spec and value not in spec["choices"]:
        raise ParamError(f"expected one of {', '.join(spec['choices'])}, got {value!r}"[:300])


def check_rule_params(kind: str, declared: dict[str, tuple[str, Any]]) -> None:
    """Raise ParamError unless a rule of kind `kind` declaring `declared` (name → (type, default)) fits the
    kind: a kind that exists, only parameters it reads, of its types and bounds, and every one it has no
    default for (the kind's defaults fill in the others: see Linter)."""
    found = kinds().get(kind)
    if found is None:
        known = ", ".join(sorted(kinds()))
        raise ParamError(f"kind: unknown check kind {kind!r} (the kinds are: {known})")
    for name, (type_, default) in declared.items():
        spec = found.params.get(name)
        if spec is not None and spec["type"] != type_:
            raise ParamError(
                f"params.{name}.type: expected {spec['type']} (as check kind {kind!r} reads it), got {type_}"
            )
        try:
            check_param(kind, name, default)
        except ParamError as error:
            raise ParamError(f"params.{name}: {error}") from None
    missing = [name for name, spec in found.params.items() if name not in declared and "default" not in spec]
    if missing:
        raise ParamError(
            f"params: check kind {kind!r} needs parameter {missing[0]!r} ({found.params[missing[0]]['type']})"
        )


def kinds() -> dict[str, CheckKind]:
    global _loaded
    if not _loaded:
        for module in _MODULES:
            try:
                import_module(f"budgetlint.checks.{module}")
            except ModuleNotFoundError as error:
                if error.name != f"budgetlint.checks.{module}":
                    raise
        _loaded = True
    return _KINDS


@record
class Context:
    """What a check may use besides the model: the vocabulary, units, value reader and settings."""

    vocabulary: Any
    units: Any
    values: Any
    fiscal_year: int | None = None  # from config; overrides the document's
    tolerance: Any = None  # Decimal, in 元
    memo: dict[tuple, Any] = fresh(dict)

    def cached(self, key: tuple, compute: Callable[[], Any]) -> Any:
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]
