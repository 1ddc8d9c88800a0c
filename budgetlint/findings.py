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


class Related(namedtuple("Related", "span label")):
    """A location that entered the finding (a row of a sum), with a short label."""

    __slots__ = ()
    span: Span
    label: str


@record
class Finding:
    """One finding.  Checks fill code, span and args; the engine fills the rest from the rule.

    `output` (not a field: not compared, not in the repr) is the finding as the report will write it —
    (format, text) — when the process that completed it was asked to render it (Linter.output_line):
    the worker or reader that checked its table, at the same time as the others, not the one process
    that writes the report after all of them."""

    __slots__ = ("output",)
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
    ):
        self.code, self.span, self.args = code, span, {} if args is None else args
        self.expected, self.actual, self.related, self.fix, self.project = expected, actual, related, fix, project
        self.path, self.rule, self.severity, self.message = path, rule, severity, message
        self.output: tuple[str, str] | None = None

    def sort_key(self) -> tuple:
        return (self.path, self.span.line, self.span.column, self.code, self.message)


# ---------------------------------------------------------------- between processes
# A worker's completed findings cross to the parent as plain values in one marshal string:
# pickling the records costs ~60 µs a finding (the records' own reduce, a Python-level __new__ per
# Span), this ~10 µs each way.  A completed finding's args have served its message; they travel as text.
# The cyclic GC is paused meanwhile (gc_paused; unpacking 9,000 findings: 0.15–0.22 s with it, 0.07 s without).


def pack(findings: list[Finding]) -> bytes:
    """Completed findings (expected, actual, message filled: see Linter.complete) as bytes for `unpack`."""
    import marshal

    with gc_paused():
        return marshal.dumps([plain(f) for f in findings])


def plain(f: Finding) -> tuple:
    """A completed finding as the plain values `pack` sends (a list of them marshalled is what `unpack`
    reads): a reader makes them as it completes each finding (Linter.collect's `convert`), so that
    packing at the end is one marshal call."""
    return (
        f.code,
        tuple(f.span),
        {key: format_value(value) for key, value in f.args.items()},
        f.expected,
        f.actual,
        tuple([(tuple(r.span), r.label) for r in f.related]),
        None
        if f.fix is None
        else (f.fix.description, tuple([(tuple(e.span), e.text) for e in f.fix.edits]), f.fix.safe),
        f.project,
        f.path,
        f.rule,
        f.severity,
        f.message,
        f.output,
    )


def unpack(data: bytes) -> list[Finding]:
    """The findings `pack` made bytes of."""
    import marshal

    return from_plain(marshal.loads(data))


def from_plain(rows: list[tuple]) -> list[Finding]:
    """Findings again from their `plain` values."""
    new = tuple.__new__
    findings: list[Finding] = []
    append = findings.append
    with gc_paused():
        for code, span, args, expected, actual, related, fix, project, path, rule, severity, message, output in rows:
            if related:
                related = tuple([new(Related, (new(Span, where), label)) for where, label in related])
            if fix is not None:
                description, edits, safe = fix
                fix = new(
                    Fix, (description, tuple([new(Edit, (new(Span, where), text)) for where, text in edits]), safe)
                )
            finding = Finding(
                code, new(Span, span), args, expected, actual, related, fix, project, path, rule, severity, message
            )
            finding.output = output
            append(finding)
    return findings


class gc_paused:
    """`with gc_paused():` the cyclic garbage collector off for a block that builds or sorts findings by
    the ten thousand (as it was before, after).  Findings hold no reference cycles; a bulk of new
    long-lived objects otherwise sets off collections over the whole heap, again and again."""

    def __enter__(self) -> None:
        import gc

        self.was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc) -> None:
        import gc

        if self.was_enabled:
            gc.enable()
