"""The engine: text → Document → every enabled rule's check → suppressions → Findings.

`Linter` holds what is built once per rule-pack set (vocabulary, units,
value reader, the catalogue) and checks one document at a time.  Findings
come out complete (rule name, severity, message in the chosen language) and
in a deterministic order.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from budgetlint.build import Builder
from budgetlint.checks import Context, kinds
from budgetlint.config import Config
from budgetlint.findings import Finding, format_value, gc_paused, words
from budgetlint.model import Document, Span
from budgetlint.resources import read_toml
from budgetlint.units import load_units
from budgetlint.values import ValueReader
from budgetlint.vocabulary import load_vocabulary

TYPE_CHECKING = False  # typing is not imported on the check path
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any

READER_KINDS = ("reader", "suppression")
_UNKNOWN = object()  # a code the catalogue does not know


class _Args(dict):
    """Message placeholders; a missing one stays visible as {name} rather than raising."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render_message(template: str, finding: Finding) -> str:
    args = _Args({key: format_value(value) for key, value in finding.args.items()})
    args.setdefault("expected", format_value(finding.expected) if finding.expected is not None else "")
    args.setdefault("actual", format_value(finding.actual) if finding.actual is not None else "")
    args.setdefault("line", str(finding.span.line))
    return template.format_map(args)


@lru_cache(maxsize=8)
def _pack_units(packs: tuple[Path, ...]) -> str:
    extra = []
    for pack in packs:
        units = read_toml(pack).get("units", "")
        if isinstance(units, str):
            extra.append(units)
    return "\n".join(extra)


class Linter:
    """Checks documents under one configuration."""

    def __init__(self, config: Config | None = None, lang: str = "zh"):
        self.config = config or Config()
        self.lang = lang
        self.catalogue = self.config.catalogue
        self.vocabulary = load_vocabulary(self.config.packs)
        self.units = load_units(_pack_units(self.config.packs))
        self.values = ValueReader(self.vocabulary, self.units)
        self.builder = Builder(self.vocabulary, self.units, self.values)
        self._plans: dict[tuple[str, ...], tuple[frozenset[str], list]] = {}  # see _rules_for
        self._last_ignored: tuple[Path, tuple[str, ...]] | None = None  # see _ignored_for
        # finding → (format, the report's text for it), applied as each finding is completed (Finding.output)
        self.output_line: Callable[[Finding], tuple[str, str]] | None = None
        self._says: dict[tuple[str, str], tuple[str, str, str] | object] = {}  # see _rule_says

    def parse(self, text: str, path: str = "<text>") -> Document:
        return self.builder.build(text, path)

    def check_text(
        self,
        text: str | Iterable[str],
        path: str = "<text>",
        file: Path | None = None,
        keep_projects: bool = True,
        each_table: Callable[[list], None] | None = None,
    ) -> tuple[Document, list[Finding]]:
        """Read and check a document, one table at a time; `keep_projects=False` keeps memory flat.
        `each_table`: as `collect`'s."""
        document, raw = self.collect(text, path, file, keep_projects=keep_projects, each_table=each_table)
        return document, self.finish(document, raw, self.plan_for(file), self.new_context(), file)

    def collect(
        self,
        text,
        path: str = "<text>",
        file: Path | None = None,
        keep_projects: bool = False,
        share: tuple[int, int] = (0, 1),
        deal: Callable[[int], bool] | None = None,
        convert: Callable[[Finding], Any] | None = None,
        each_table: Callable[[list], None] | None = None,
    ) -> tuple[Document, list[Finding]]:
        """The document as read and its tables' findings, before suppression and completion.

        With `share` (k, n) only the tables dealt to reader k of n are checked (every n-th from the
        k-th, or as `deal` says): n processes each collect a share of one large document, and
        `merge_shares` + `finish` make the report.  `convert`, when given, is applied to each completed
        finding as its table is checked (a worker makes them plain values to send: findings.plain).
        `each_table`, when given, is called with the findings so far after each table this process
        checks (a reader sends them on and empties the list; the first reader takes in the others').
        """
        document = Builder.new_document(text, path)
        plan = self.plan_for(file)
        context = self.new_context()
        raw: list[Finding] = []
        complete = self.complete
        if convert is not None:

            def complete(finding: Finding, path: str, complete=complete):
                return convert(complete(finding, path))

        for project in self.builder.iter_projects(text, document, share, deal):
            # Messages are rendered here, by whichever process checked the table (see `finish`).
            raw.extend([complete(finding, path) for finding in self.check_project(project, plan, context)])
            if keep_projects:
                document.projects.append(project)
            if each_table is not None:
                each_table(raw)
        return document, raw

    @staticmethod
    def merge_shares(parts: list[tuple[Document, list[Finding]]]) -> tuple[Document, list[Finding]]:
        """One document and its raw findings from the shares of n readers (the first has the rest)."""
        document = parts[0][0]
        document.findings = [finding for part, _ in parts for finding in part.findings]
        return document, [finding for _, raw in parts for finding in raw]

    def check_document(self, document: Document, file: Path | None = None) -> list[Finding]:
        """Check an already-built document (every project kept)."""
        plan = self.plan_for(file)
        context = self.new_context()
        raw: list[Finding] = []
        for project in document.projects:
            raw.extend(self.check_project(project, plan, context))
        return self.finish(document, raw, plan, context, file)

    def new_context(self) -> Context:
        return Context(
            vocabulary=self.vocabulary,
            units=self.units,
            values=self.values,
            fiscal_year=self.config.fiscal_year,
            tolerance=self.config.tolerance,
        )

    def plan_for(self, file: Path | None) -> list[tuple[Any, Any, dict[str, Any]]]:
        """(rule, check kind, parameters) of every enabled rule with a check, in code order: the same
        list (not to be changed) for every file that per-file-ignores treat alike."""
        return self._rules_for(file)[1]

    def enabled(self, code: str, file: Path | None) -> bool:
        """Whether rule `code` reports on `file` (Config.enabled, from the set made once per kind of file)."""
        return code in self._rules_for(file)[0] or (
            code not in self.catalogue.rules and self.config.enabled(code, file)
        )

    def _rules_for(self, file: Path | None) -> tuple[frozenset[str], list[tuple[Any, Any, dict[str, Any]]]]:
        """(codes enabled, plan) for `file`, made once for each set of per-file-ignores that applies: a
        repository of 10,000 one-table files made them 20,000 times (~0.4 ms each, more than its table)."""
        ignored = () if file is None else self._ignored_for(file)
        found = self._plans.get(ignored)
        if found is None:
            registry = kinds()
            enabled = frozenset(
                rule.code
                for rule in self.catalogue
                if self.config.selected(rule.code) and not rule.code.startswith(ignored)
            )
            plan = []
            for rule in self.catalogue:
                if rule.kind in READER_KINDS or rule.code not in enabled:
                    continue
                kind = registry.get(rule.kind)
                if kind is None:
                    continue  # a pack naming a kind this version lacks: its rules stay silent
                plan.append((rule, kind, self.config.params_of(rule.code, rule.defaults())))
            found = self._plans[ignored] = (enabled, plan)
        return found

    def _ignored_for(self, file: Path) -> tuple[str, ...]:
        """Config.ignored_for(file), kept for the file asked about last: one file asks for its plan and
        whether a rule is on several times in a row (collect, finish, each layout finding), and with
        per-file-ignores each answer resolves the path and matches every pattern."""
        last = self._last_ignored
        if last is None or last[0] is not file:
            last = self._last_ignored = (file, self.config.ignored_for(file))
        return last[1]

    def check_project(self, project, plan, context) -> list[Finding]:
        found = _run(plan, "project", project, context, project.name)
        context.memo.clear()  # analyses are per project
        return found

    def finish(self, document, raw, plan, context, file) -> list[Finding]:
        with gc_paused():  # 21,000 findings of a 10 MB document: 0.17 → 0.07 s
            return self._finish(document, raw, plan, context, file)

    def _finish(self, document, raw, plan, context, file) -> list[Finding]:
        raw.extend(_run(plan, "document", document, context, None))
        enabled = self.enabled
        raw = [f for f in document.findings if enabled(f.code, file)] + raw
        findings = self._suppress(document, raw, file)
        path = document.path
        # A table's findings were completed as it was checked (in parallel, by the worker that read it);
        # the rest here (document findings, layout findings, and any completed for another path).
        complete = [f if f.rule and f.path == path else self.complete(f, path) for f in findings]
        complete.sort(key=Finding.sort_key)
        return _dedupe(complete)

    # ---------------------------------------------------------------- suppression
    def _suppress(self, document: Document, findings: list[Finding], file: Path | None) -> list[Finding]:
        kept: list[Finding] = []
        used = [False] * len(document.directives)
        for finding in findings:
            suppressed = False
            for index, directive in enumerate(document.directives):
                if directive.error and not directive.codes:
                    continue
                if directive.codes and finding.code not in directive.codes:
                    continue
                if directive.first_line <= finding.span.line <= directive.last_line:
                    used[index] = True
                    suppressed = True
            if not suppressed:
                kept.append(finding)
        if self.enabled("BL009", file):
            for directive, was_used in zip(document.directives, used):
                if directive.error:
                    kept.append(Finding("BL009", directive.span, args={"variant": "malformed"}, actual=directive.error))
                elif not was_used:
                    codes = ", ".join(directive.codes)
                    expected = codes or words("任何规则", "any rule")
                    kept.append(Finding("BL009", directive.span, expected=expected, actual=""))
        return kept

    # ---------------------------------------------------------------- completion
    def _rule_says(self, code: str, variant: str) -> tuple[str, str, str] | object:
        """(rule name, severity, message template) of a finding of `code` and `variant` (looked up once
        for each pair: a large document completes tens of thousands of findings of a few dozen rules)."""
        rule = self.catalogue.rules.get(code)
        said = (
            _UNKNOWN
            if rule is None
            else (rule.name, self.config.severity_of(rule.code, rule.severity), rule.message(variant, self.lang))
        )
        self._says[code, variant] = said
        return said

    def _say(self, value: Any) -> Any:
        return _said(value, self.lang)

    def complete(self, finding: Finding, path: str) -> Finding:
        """Fill path, rule, severity and the message (in place: findings are fresh from a check)."""
        finding.path = path
        finding.expected, finding.actual = self._say(finding.expected), self._say(finding.actual)
        variant = finding.args.get("variant", "default")
        if type(variant) is not str:
            variant = str(variant)
        said = self._says.get((finding.code, variant))
        if said is None:
            said = self._rule_says(finding.code, variant)
        if said is _UNKNOWN:
            finding.rule, finding.message = "unknown", finding.message or finding.code
        else:
            finding.rule, finding.severity, template = said
            finding.message = render_message(template, finding)
        finding.output = None if self.output_line is None else self.output_line(finding)
        return finding


def _said(value: Any, lang: str) -> str | None:
    """An expected or actual value as the finding shows it: words in the user's language, a number
    written as text — so that a completed finding holds only plain values, whichever reporter reads it."""
    if value is None or type(value) is str:
        return value
    if isinstance(value, dict):
        return value.get(lang) or value.get("zh")
    return format_value(value)


def _run(plan, scope: str, target, context, project: str | None) -> list[Finding]:
    """The findings of every check of `scope` ("project" or "document") on `target`, each stamped
    with its rule's code and, unless the check named one, the project."""
    found: list[Finding] = []
    for rule, kind, params in plan:
        if kind.scope != scope:
            continue
        for finding in kind.fn(target, params, context):  # most yield nothing: no wrapper per check
            finding.code = rule.code
            if finding.project is None:
                finding.project = project
            found.append(finding)
    return found


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple] = set()
    unique = []
    for finding in findings:
        key = (finding.code, finding.span, finding.message)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique


def whole_span(document: Document) -> Span:
    return Span(1, 1, max(document.line_count, 1), 1)
