"""Templates: the forms a 绩效目标表 is published in (rules/templates.toml), and recognising them.

A template is data: the labels that start its tables, the labels that tell it from the others,
and the rule parameters it sets (the fields BL003 requires, the identities BL101–BL103 check).
The reader collects each table's labels and asks `Templates.recognise` which template they fit;
the engine checks the table with that template's parameters.
"""

from __future__ import annotations

from budgetlint.record import named
from budgetlint.resources import read_toml, rules_path
from budgetlint.text import normalize_label

TYPE_CHECKING = False  # typing is not imported on the check path
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any


class TemplateError(ValueError):
    """A template file that cannot be used; the message names the file and the entry."""


@named
class Template:
    id: str
    title: str
    title_en: str
    starts: tuple[str, ...]  # normalised labels whose row begins one of its tables
    distinctive: frozenset[str]  # normalised labels whose presence points to it
    params: dict[str, dict[str, Any]]  # rule code → the parameters it sets


@named
class Recognised:
    """Which template a table's labels fit, and why."""

    template: Template
    deciding: tuple[str, ...]  # the distinctive labels present (none: the default, by default)
    tied: tuple[str, ...]  # the ids of the templates tied with it (empty when one template won)


class Templates:
    def __init__(self, templates: list[Template], default: str, tie_intersection: tuple[str, ...]):
        self.templates = templates
        self.by_id = {template.id: template for template in templates}
        self.default = self.by_id[default]
        self.tie_intersection = frozenset(tie_intersection)
        self.start_labels = frozenset(label for template in templates for label in template.starts)
        self._plain = Recognised(self.default, (), ())

    def recognise(self, labels: set[str] | frozenset[str]) -> Recognised:
        """The template whose distinctive labels `labels` hold the most of (the first in file order on
        a tie, the others named); the default when they hold none."""
        best: list[tuple[Template, tuple[str, ...]]] = []
        score = 0
        for template in self.templates:
            present = template.distinctive & labels
            if not present:
                continue
            if len(present) > score:
                score, best = len(present), [(template, tuple(sorted(present)))]
            elif len(present) == score:
                best.append((template, tuple(sorted(present))))
        if not best:
            return self._plain
        (template, deciding), others = best[0], best[1:]
        return Recognised(
            template,
            tuple(sorted({label for _, present in best for label in present})) if others else deciding,
            tuple(other.id for other, _ in others),
        )

    def params(self, recognised: Recognised, code: str, defaults: dict[str, Any]) -> dict[str, Any] | None:
        """The parameters of rule `code` for a table recognised as `recognised` (over `defaults`); None
        when the templates it is tied between set them differently (the rule is not checked)."""
        merged = {**defaults, **recognised.template.params.get(code, {})}
        for other_id in recognised.tied:
            other = {**defaults, **self.by_id[other_id].params.get(code, {})}
            for name, value in other.items():
                if merged.get(name) == value:
                    continue
                if name in self.tie_intersection and isinstance(value, list):
                    merged[name] = [item for item in merged.get(name, []) if item in value]
                    continue
                return None
        return merged


def load_templates(packs: tuple[Path, ...] = ()) -> Templates:
    """The built-in templates, then each pack's [[template]] entries (same id: replaced)."""
    data = _read(rules_path("templates.toml"))
    entries = {}
    for entry in _entries(data, "rules/templates.toml"):
        entries[entry.id] = entry
    default = data.get("default", "")
    tie = data.get("tie_intersection", [])
    for pack in packs:
        for entry in _entries(_read(pack), str(pack)):
            entries[entry.id] = entry
    if default not in entries:
        raise TemplateError(f"rules/templates.toml: default template {default!r} is not defined")
    return Templates(list(entries.values()), default, tuple(tie))


def _read(path: Path) -> dict[str, Any]:
    try:
        return read_toml(path)
    except (OSError, ValueError) as error:
        raise TemplateError(f"{path}: cannot read templates ({error})") from None


def _entries(data: dict[str, Any], where: str) -> list[Template]:
    found = []
    raw = data.get("template", [])
    if not isinstance(raw, list):
        raise TemplateError(f"{where}: `template` must be an array of tables ([[template]])")
    for index, entry in enumerate(raw):
        at = f"{where}: template[{index}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not entry["id"]:
            raise TemplateError(f"{at}: expected a table with a string id")
        lists = {}
        for key in ("starts", "distinctive"):
            value = entry.get(key, [])
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                raise TemplateError(f"{at} ({entry['id']}): {key} must be a list of labels")
            lists[key] = [normalize_label(item) for item in value]
        params = entry.get("params", {})
        if not isinstance(params, dict) or not all(isinstance(p, dict) for p in params.values()):
            raise TemplateError(
                f"{at} ({entry['id']}): params must be tables of rule parameters ([template.params.BL101])"
            )
        title = entry.get("title", {})
        title = title if isinstance(title, dict) else {"zh": str(title)}
        found.append(
            Template(
                entry["id"],
                str(title.get("zh", entry["id"])),
                str(title.get("en", title.get("zh", entry["id"]))),
                tuple(lists["starts"]) or ("项目名称",),
                frozenset(lists["distinctive"]),
                {code: dict(values) for code, values in params.items()},
            )
        )
    return found
