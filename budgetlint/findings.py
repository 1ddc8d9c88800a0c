"""A Finding: what a check or the reader reports, with where, what was expected and what was found."""

from __future__ import annotations

from collections import namedtuple
from decimal import Decimal

from budgetlint.model import Span
from budgetlint.record import record

TYPE_CHECKING = False  # typing is not imported on the check path
if TYPE_CHECKING:
    from typing import Any

SEVERITIES = ("info", "warning", "error")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}


def format_value(value: Any) -> str:
    """A value as a finding shows it: an amount without trailing zeros (108.5500 → 108.55)."""
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def words(zh: str, en: str) -> dict[str, str]:
    """An `expected` / `actual` that is a description rather than a value: said in both languages."""
    return {"zh": zh, "en": en}


class Edit(namedtuple("Edit", "span text")):
    """Replace the text of `span` (one line) with `text`."""

    __slots__ = ()
    span: Span
    text: str


class Fix(namedtuple("Fix", "description edits safe")):
    """A description, the edits (tuple of Edit) and whether the fix is safe to apply unasked."""

    __slots__ = ()
    description: str
    edits: tuple[Edit, ...]
    safe: bool


class Related(namedtuple("Related", "span label place", defaults=("",))):
    """A location that entered the finding (a row of a sum), with a short label: a text, or words in
    both languages (`words`) until the engine completes the finding in the user's; and, in a workbook,
    Word file or PDF, its place there (`Sheet2!C10`: budgetlint.places)."""

    __slots__ = ()
    span: Span
    label: str | dict[str, str]
    place: str


@record
class Finding:
    """One finding.  Checks fill code, span and args; the engine fills the rest from the rule."""

    code: str
    span: Span
    args: dict[str, Any]  # placeholders of the rule's message
    expected: str | None
    actual: str | None
    related: tuple[Related, ...]
    fix: Fix | None
    project: str | None
    # filled by the engine
    path: str
    rule: str
    severity: str
    message: str
    # filled for a container's document (budgetlint.places): where the finding is in the user's own terms
    place: str  # the container's name (`Sheet2!C5`, `page 3`, `table 2, row 3, column 4`); "" for text
    box: tuple | None  # the cell's box on a PDF page, in points (x0, top, x1, bottom); None elsewhere

    def __init__(
        self,
        code: str,
        span: Span,
        args: dict[str, Any] | None = None,
        expected: Any = None,
        actual: Any = None,
        related: tuple[Related, ...] = (),
        fix: Fix | None = None,
        project: str | None = None,
        path: str = "",
        rule: str = "",
        severity: str = "warning",
        message: str = "",
        place: str = "",
        box: tuple | None = None,
    ):
        self.code, self.span, self.args = code, span, {} if args is None else args
        self.expected, self.actual, self.related, self.fix, self.project = expected, actual, related, fix, project
        self.path, self.rule, self.severity, self.message = path, rule, severity, message
        self.place, self.box = place, box

    def sort_key(self) -> tuple:
        return (self.path, self.span.line, self.span.column, self.code, self.message)
