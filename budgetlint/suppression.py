"""Suppression: `<!-- budgetlint: disable=BL201 -->` read, given its lines, and applied; BL009.

A directive above a row covers that row; above 项目名称, the table; at the top of the file before
a blank line, the file.  `disable-next-row=`, `disable-table=` and `disable-file=` say the scope.
The reader hands each directive to `Directives` and tells it what follows; the engine applies
them (`suppress`), reporting each directive that cannot be read, names no rule or suppresses nothing
(BL009).  A directive names codes (`BL201`), one-word rule names or families (`disable=funding`).
"""

from __future__ import annotations

import re

from budgetlint.findings import Finding, words
from budgetlint.model import Directive, Span

TYPE_CHECKING = False  # typing is not imported on the check path
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

# Blanks are taken possessively (\s*+): codes never start or end with one, so a blank run has one
# owner and a long line of blanks is rejected in linear time.
DIRECTIVE = re.compile(
    r"<!--\s*+budgetlint\s*+:\s*+(?P<verb>[a-z-]+)\s*+(?:=\s*+(?P<codes>[A-Za-z0-9,]+(?:\s+[A-Za-z0-9,]+)*+)?)?\s*+-->"
)
_CODE = re.compile(r"^BL\d{3}$")
_FAMILY = re.compile(r"^[a-z]+$")  # a family (`funding`), or a rule name of one word
SCOPES = {
    "disable": "auto",
    "disable-next-row": "row",
    "disable-row": "row",
    "disable-table": "table",
    "disable-file": "file",
}
WHOLE_FILE = (1, 10**9)
OPEN = -1  # last_line of a table's directive until the table ends


def parse(text: str, span: Span) -> Directive:
    """The directive written on a line (`text`): its codes and scope, or its error."""
    match = DIRECTIVE.search(text)
    if not match or match.group("verb") not in SCOPES:
        return Directive(span, (), "row", error=text.strip())
    codes = tuple(_name(code) for code in (match.group("codes") or "").split(",") if code.strip())
    directive = Directive(span, codes, SCOPES[match.group("verb")])
    bad = [code for code in codes if not _CODE.match(code) and not _FAMILY.match(code)]
    if bad:
        directive.error = ", ".join(bad)
    if directive.scope == "file":
        directive.first_line, directive.last_line = WHOLE_FILE
    return directive


def _name(written: str) -> str:
    """A family or one-word rule name (letters only) in lower case; anything else, a code, in upper case."""
    written = written.strip()
    return written.lower() if written.isascii() and written.isalpha() else written.upper()


class Directives:
    """The directives of one document, given their lines as the reader learns what follows them.

    `found` is the document's list of every directive; `waiting` those not yet followed by a line.
    """

    def __init__(self, found: list[Directive], waiting: list[Directive] | None = None):
        self.found = found
        self.waiting = [] if waiting is None else waiting

    def add(self, text: str, span: Span) -> None:
        directive = parse(text, span)
        self.found.append(directive)
        if directive.scope != "file" and (directive.codes or not directive.error):  # not a malformed one
            self.waiting.append(directive)

    def followed_by(
        self, number: int, is_row: bool, table_line: int | None, starts_table: bool, tables_seen: bool
    ) -> None:
        """The directives waiting get their lines: the next line (`number`) is a row or not, inside
        the table that starts on `table_line` (None: outside any table), which it may start."""
        for directive in self.waiting:
            scope = directive.scope
            if scope == "auto":
                if is_row:
                    scope = "table" if starts_table else "row"
                else:
                    scope = "table" if tables_seen else "file"
                directive.scope = scope
            if scope == "row":
                directive.first_line = directive.last_line = number
            elif scope == "table":
                directive.first_line = table_line if table_line is not None else number
                directive.last_line = OPEN
            else:
                directive.first_line, directive.last_line = WHOLE_FILE
        self.waiting = []

    def table_ended(self, end_line: int) -> None:
        """The table that open directives cover ends on `end_line`."""
        for directive in self.found:
            if directive.last_line == OPEN:
                directive.last_line = end_line

    def document_ended(self) -> None:
        """Directives at the end of the file, followed by nothing: the file (unless they say otherwise)."""
        for directive in self.waiting:
            directive.scope = "file" if directive.scope == "auto" else directive.scope
            directive.first_line, directive.last_line = WHOLE_FILE
        self.waiting = []


def suppressed(
    findings: Iterable[Finding],
    directives: list[Directive],
    report: Callable[[str], bool],
    resolve: Callable[[str], tuple[str, ...] | None] | None = None,
) -> Iterator[Finding]:
    """The findings no directive covers, then a BL009 for each directive that cannot be read, names a
    rule that does not exist or covered none, when `report("BL009")` says the rule is on.  `resolve`
    gives the codes of a code, rule name or family (None: no such rule); without it codes are literal.
    One finding at a time: a document of 10⁶ findings is never held whole."""
    used = [False] * len(directives)
    codes_of: list[tuple[str, ...]] = []
    unknown: list[list[str]] = []
    for directive in directives:
        codes: list[str] = []
        missing: list[str] = []
        for name in directive.codes:
            found = (name,) if resolve is None else resolve(name)
            if found is None:
                missing.append(name)
            else:
                codes.extend(found)
        codes_of.append(tuple(codes))
        unknown.append(missing)
    for finding in findings:
        line = finding.span.line
        covered = False
        for index, directive in enumerate(directives):
            if directive.error and not directive.codes:
                continue
            if directive.codes and finding.code not in codes_of[index]:
                continue
            if directive.first_line <= line <= directive.last_line:
                used[index] = True
                covered = True
        if not covered:
            yield finding
    if report("BL009"):
        for directive, was_used, missing in zip(directives, used, unknown):
            if directive.error:
                yield Finding("BL009", directive.span, args={"variant": "malformed"}, actual=directive.error)
            elif missing:
                yield Finding("BL009", directive.span, args={"variant": "unknown"}, actual=", ".join(missing))
            elif not was_used:
                expected = ", ".join(directive.codes) or words("任何规则", "any rule")
                yield Finding("BL009", directive.span, expected=expected, actual="")
