"""A Finding: what a check or the reader reports, with where, what was expected and what was found."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from budgetlint.model import Span

SEVERITIES = ("info", "warning", "error")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}


def words(zh: str, en: str) -> dict[str, str]:
    """An `expected` / `actual` that is a description rather than a value: said in both languages."""
    return {"zh": zh, "en": en}


class Edit(NamedTuple):
    """Replace the text of `span` (one line) with `text`."""

    span: Span
    text: str


class Fix(NamedTuple):
    description: str
    edits: tuple[Edit, ...]
    safe: bool


class Related(NamedTuple):
    """A location that entered the finding (a row of a sum), with a short label."""

    span: Span
    label: str


@dataclass(slots=True)
class Finding:
    """One finding.  Checks fill code, span and args; the engine fills the rest from the rule."""

    code: str
    span: Span
    args: dict[str, Any] = field(default_factory=dict)  # placeholders of the rule's message
    expected: str | None = None
    actual: str | None = None
    related: tuple[Related, ...] = ()
    fix: Fix | None = None
    project: str | None = None
    # filled by the engine
    path: str = ""
    rule: str = ""
    severity: str = "warning"
    message: str = ""

    def sort_key(self) -> tuple:
        return (self.path, self.span.line, self.span.column, self.code, self.message)
