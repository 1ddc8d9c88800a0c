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


_KINDS: dict[str, CheckKind] = {}
_MODULES = ("layout", "funding", "cost", "timing", "satisfaction", "units", "structure", "narrative", "wording")
_loaded = False


def check_kind(name: str, scope: str = "project") -> Callable[[CheckFn], CheckFn]:
    def register(fn: CheckFn) -> CheckFn:
        _KINDS[name] = CheckKind(name, fn, scope)
        return fn

    return register


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
