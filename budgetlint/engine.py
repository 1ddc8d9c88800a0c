"""The engine: a document read table by table → every enabled rule's check → suppressions → Findings.

`Linter` holds what is built once per rule-pack set (vocabulary, units, value reader, reader, the
catalogue) and checks one document at a time.  It returns findings, complete (rule name,
severity, message in the chosen language) and in a deterministic order; it renders nothing.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from budgetlint.checks import Context, kinds
from budgetlint.config import Config, template_params
from budgetlint.findings import Finding, format_value
from budgetlint.reader import Reader, ReaderState
from budgetlint.resources import read_toml
from budgetlint.suppression import suppressed
from budgetlint.templates import Recognised, load_templates
from budgetlint.units import load_units
from budgetlint.valueread import ValueReader
from budgetlint.vocabulary import load_vocabulary

TYPE_CHECKING = False  # typing is not imported on the check path
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from typing import Any

    from budgetlint.grid import Block
    from budgetlint.model import Document, Project
    from budgetlint.places import Places

    Plan = list[tuple[Any, Any, dict[str, Any]]]

READER_KINDS = ("reader", "suppression")


class _Args(dict):
    """Message placeholders; a missing one stays visible as {name} rather than raising."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


# The most characters of one quoted value in a message: a longer one (a pasted paragraph, a 2,000-character
# cell) shows its start and its end around "…", so that a message stays one readable line.  The finding's
# own fields (JSON `expected`/`actual`, fixes) keep the whole text.
QUOTE_LIMIT = 160
_QUOTE_TAIL = 30


def quoted(text: str) -> str:
    if len(text) <= QUOTE_LIMIT:
        return text
    return text[: QUOTE_LIMIT - _QUOTE_TAIL - 1] + "…" + text[-_QUOTE_TAIL:]


def render_message(template: str, finding: Finding) -> str:
    args = _Args({key: quoted(format_value(value)) for key, value in finding.args.items()})
    args.setdefault("expected", quoted(format_value(finding.expected)) if finding.expected is not None else "")
    args.setdefault("actual", quoted(format_value(finding.actual)) if finding.actual is not None else "")
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
        self.templates = template_params(self.catalogue, load_templates(self.config.packs))
        self.reader = Reader(self.vocabulary, self.units, self.values, self.templates)
        self._template_plans: dict[tuple[int, str, tuple[str, ...]], Plan] = {}  # see plan_under
        self._plans: dict[tuple[str, ...], tuple[frozenset[str], Plan]] = {}  # see _rules_for
        self._last_ignored: tuple[Path, tuple[str, ...]] | None = None  # see _ignored_for
        self._says: dict[tuple[str, str], tuple[str, str, str] | None] = {}  # see _rule_says; None: unknown code
        # Keep an expected/found said in words in Chinese too (args `expected_zh`, `actual_zh`), whatever the
        # message language: what a baseline keys findings by (budgetlint.baseline).
        self.neutral = False

    # ---------------------------------------------------------------- reading and checking
    def parse(self, text: str | Iterable[str], path: str = "<text>") -> Document:
        """The model of a plain-text document (or of its pieces of whole lines), every project kept."""
        from budgetlint.containers.text import blocks

        return self.reader.read(blocks(text), path)

    def check_text(
        self, text: str | Iterable[str], path: str = "<text>", file: Path | None = None, keep_projects: bool = True
    ) -> tuple[Document, list[Finding]]:
        """Read and check a plain-text document (or its pieces of whole lines), one table at a time."""
        from budgetlint.containers.text import blocks

        return self.check(blocks(text), path, file, keep_projects)

    def check(
        self, blocks: Iterable[Block], path: str, file: Path | None = None, keep_projects: bool = True
    ) -> tuple[Document, list[Finding]]:
        """Read and check a document given as blocks (budgetlint.grid); `keep_projects=False` keeps
        memory flat: each table is dropped once checked."""
        from budgetlint.containers.text import TextBlocks
        from budgetlint.model import Document

        document = Document(path=path)
        if not isinstance(blocks, TextBlocks):  # a container's: its cells' places are kept (budgetlint.places)
            from budgetlint.places import recorded

            blocks = recorded(blocks, document)
        raw = self.check_tables(self.reader.projects(blocks, document), document, file, keep_projects)
        return document, self.finish(document, raw, file)

    def check_tables(
        self, projects: Iterable[Project], document: Document, file: Path | None, keep_projects: bool = False
    ) -> list[Finding]:
        """The findings of every project-scope rule on each of `projects`, completed for `document`'s path,
        before suppression (`finish` applies it over the whole document)."""
        plan = self.plan_for(file)
        context = self.new_context()
        from budgetlint.spill import Spill

        raw: list[Finding] = Spill()  # type: ignore[assignment]  # a list-like that spills beyond spill.HELD
        path = document.path
        for project in projects:
            raw.extend([self.complete(finding, path) for finding in self.check_project(project, plan, context)])
            if keep_projects:
                document.projects.append(project)
        return raw

    def check_stretch(
        self, blocks: Iterable[Block], document: Document, state: ReaderState, last: bool, file: Path | None
    ) -> list[Finding]:
        """Read and check a stretch of a document from the reader state before it — whole tables; `last`
        when it ends the document — into `document`: the findings before suppression, as `check_tables`."""
        from budgetlint.reader import Reading

        reading = Reading(self.reader, document, state)

        def projects() -> Iterable[Project]:
            yield from reading.read(blocks)
            if last:
                reading.finish()
            else:
                reading.end_table()
            yield from reading.take()

        return self.check_tables(projects(), document, file)

    def new_context(self) -> Context:
        return Context(
            vocabulary=self.vocabulary,
            units=self.units,
            values=self.values,
            fiscal_year=self.config.fiscal_year,
            tolerance=self.config.tolerance,
        )

    # ---------------------------------------------------------------- rules
    def plan_for(self, file: Path | None) -> Plan:
        """(rule, check kind, parameters) of every enabled rule with a check, in code order: the same
        list (not to be changed) for every file that per-file-ignores treat alike."""
        return self._rules_for(file)[1]

    def enabled(self, code: str, file: Path | None) -> bool:
        """Whether rule `code` reports on `file` (Config.enabled, from the set made once per kind of file)."""
        return code in self._rules_for(file)[0] or (
            code not in self.catalogue.rules and self.config.enabled(code, file)
        )

    def _rules_for(self, file: Path | None) -> tuple[frozenset[str], Plan]:
        """(codes enabled, plan) for `file`, made once for each set of per-file-ignores that applies."""
        ignored = () if file is None else self._ignored_for(file)
        found = self._plans.get(ignored)
        if found is None:
            registry = kinds()
            enabled = frozenset(
                rule.code for rule in self.catalogue if self.config.chosen(rule) and not rule.code.startswith(ignored)
            )
            plan = []
            for rule in self.catalogue:
                if rule.kind in READER_KINDS or rule.code not in enabled:
                    continue
                kind = registry.get(rule.kind)
                if kind is None:
                    continue  # never from a pack read through its config: an unknown kind is a config error
                plan.append((rule, kind, self.config.params_of(rule.code, {**kind.defaults(), **rule.defaults()})))
            found = self._plans[ignored] = (enabled, plan)
        return found

    def _ignored_for(self, file: Path) -> tuple[str, ...]:
        """Config.ignored_for(file), kept for the file asked about last (a file asks several times)."""
        last = self._last_ignored
        if last is None or last[0] is not file:
            last = self._last_ignored = (file, self.config.ignored_for(file))
        return last[1]

    def plan_under(self, plan: Plan, project: Project) -> Plan:
        """`plan` with the parameters of the project's template (rules/templates.toml) under the user's
        own; on a tie, without the rules whose parameters the tied templates set differently."""
        template = self.templates.by_id.get(project.template)
        if template is None or (not template.params and not project.templates_tied):
            return plan
        key = (id(plan), template.id, project.templates_tied)
        found = self._template_plans.get(key)
        if found is None:
            recognised = Recognised(template, (), project.templates_tied)
            found = []
            for rule, kind, _ in plan:
                under = self.templates.params(recognised, rule.code, {**kind.defaults(), **rule.defaults()})
                if under is not None:
                    found.append((rule, kind, self.config.params_of(rule.code, under)))
            self._template_plans[key] = found
        return found

    def check_project(self, project: Project, plan: Plan, context: Context) -> list[Finding]:
        found = _run(self.plan_under(plan, project), "project", project, context, project.name)
        context.memo.clear()  # analyses are per project
        return found

    def finish(self, document: Document, raw: list[Finding], file: Path | None) -> list[Finding]:
        """The document's report: its tables' findings (`raw`), the document-scope rules, the reader's and
        the input's findings, suppressions and BL009 — completed, sorted, each once."""
        from itertools import chain

        from budgetlint.spill import Spill, sort_spilled

        raw.extend(_run(self.plan_for(file), "document", document, self.new_context(), None))
        enabled = self.enabled
        findings = chain((f for f in document.findings if enabled(f.code, file)), raw)
        kept = suppressed(findings, document.directives, lambda code: enabled(code, file), self.catalogue.resolve)
        path = document.path
        complete: Iterable[Finding] = (f if f.rule and f.path == path else self.complete(f, path) for f in kept)
        if document.places:  # a workbook, a Word file, a PDF: each finding's place in the user's terms
            complete = self.located(complete, document.places)
        # Sorted and deduplicated in bounded memory: a list below spill.HELD findings, else a Spill (on disk).
        report = Spill(_dedupe(sort_spilled(complete, Finding.sort_key)))
        return report.memory if not report.segments else report  # type: ignore[return-value]

    def located(self, findings: Iterable[Finding], places: Places) -> Iterator[Finding]:
        """Each finding with its cell's place and box; a message citing a line (`first on line 12`) cites
        the line's place instead (`Sheet2!A5`), the container's line numbers being nothing the user sees."""
        at, line_place = places.at, places.line_place
        for finding in findings:
            self._locate(finding, at, line_place)
            yield finding

    def _locate(self, finding: Finding, at, line_place) -> None:
        span = finding.span
        place, box = at(span.line, span.column)
        if place:
            finding.place, finding.box = place, box
        elif not finding.place:  # (a container's own finding may come with its place)
            return
        if finding.related:
            finding.related = tuple(
                [row._replace(place=at(row.span.line, row.span.column)[0]) for row in finding.related]
            )
        variant = finding.args.get("variant", "default")
        said = self._says.get((finding.code, variant if type(variant) is str else str(variant)))
        if said is None or "line}" not in said[2]:
            return
        args = finding.args
        finding.args = {
            key: (line_place(value) or value)
            if type(value) is int and (key == "line" or key.endswith("_line"))
            else value
            for key, value in args.items()
        }
        finding.args.setdefault("line", line_place(span.line) or span.line)
        finding.message = render_message(said[2], finding)
        finding.args = args

    # ---------------------------------------------------------------- completion
    def _rule_says(self, code: str, variant: str) -> tuple[str, str, str] | None:
        """(rule name, severity, message template) of a finding of `code` and `variant`, or None for a code
        the catalogue does not know; looked up once for each pair (a large document completes tens of
        thousands of findings of a few dozen rules)."""
        rule = self.catalogue.rules.get(code)
        said = (
            None
            if rule is None
            else (rule.name, self.config.severity_of(rule.code, rule.severity), rule.message(variant, self.lang))
        )
        self._says[code, variant] = said
        return said

    def complete(self, finding: Finding, path: str) -> Finding:
        """Fill path, rule, severity and the message (in place: findings are fresh from a check)."""
        finding.path = path
        lang = self.lang
        if self.neutral:
            for name, value in (("expected_zh", finding.expected), ("actual_zh", finding.actual)):
                if isinstance(value, dict):
                    finding.args[name] = _said(value, "zh")
        finding.expected, finding.actual = _said(finding.expected, lang), _said(finding.actual, lang)
        related = finding.related
        if related and any(type(row.label) is not str for row in related):
            finding.related = tuple([row._replace(label=_said(row.label, lang)) for row in related])
        variant = finding.args.get("variant", "default")
        if type(variant) is not str:
            variant = str(variant)
        key = (finding.code, variant)
        said = self._says[key] if key in self._says else self._rule_says(*key)
        if said is None:
            finding.rule, finding.message = "unknown", finding.message or finding.code
        else:
            finding.rule, finding.severity, template = said
            finding.message = render_message(template, finding)
        return finding


def _said(value: Any, lang: str) -> str | None:
    """An expected, actual or related label as the finding shows it: words in the user's language, a
    number written as text — so that a completed finding holds only plain values."""
    if value is None or type(value) is str:
        return value
    if isinstance(value, dict):
        return value.get(lang) or value.get("zh")
    return format_value(value)


def _run(plan: Plan, scope: str, target: Any, context: Context, project: str | None) -> list[Finding]:
    """The findings of every check of `scope` ("project" or "document") on `target`, each stamped
    with its rule's code and, unless the check named one, the project."""
    found: list[Finding] = []
    for rule, kind, params in plan:
        if kind.scope != scope:
            continue
        for finding in kind.fn(target, params, context):
            finding.code = rule.code
            if finding.project is None:
                finding.project = project
            found.append(finding)
    return found


def _dedupe(findings: Iterable[Finding]) -> Iterator[Finding]:
    """Sorted findings each once: a finding of the same code, span and message as one before it (which has
    the same sort key, so stands among the findings of that key, next to it) is dropped."""
    seen: set[tuple] = set()
    last = None
    for finding in findings:
        sort_key = finding.sort_key()
        if sort_key != last:
            seen.clear()
            last = sort_key
        key = (finding.code, finding.span, finding.message)
        if key not in seen:
            seen.add(key)
            yield finding
