"""Output formats.  A reporter sees only the Result (findings, errors, sources); one format is one module.

`render(result, stream, options)` writes the whole output.  Formats are
imported lazily so that `--format concise` never pays for rich.
"""

from __future__ import annotations

from importlib import import_module

from budgetlint.record import fresh, record

TYPE_CHECKING = False  # typing is not imported on the check path
if TYPE_CHECKING:
    from typing import Any, TextIO

FORMATS = {
    "rich": "budgetlint.reporters.rich_text",
    "concise": "budgetlint.reporters.concise",
    "json": "budgetlint.reporters.json_output",
    "sarif": "budgetlint.reporters.sarif",
    "github": "budgetlint.reporters.github",
    "gitlab": "budgetlint.reporters.gitlab",  # GitLab Code Quality JSON
    "junit": "budgetlint.reporters.junit",  # JUnit XML
    "statistics": "budgetlint.reporters.statistics",  # --statistics (text, or JSON with --format json)
}


@record
class Options:
    lang: str = "zh"
    color: str | None = None  # auto | always | never (None: auto)
    quiet: bool = False  # findings only: no summary, hints or notes
    catalogue: Any = None  # for formats that describe the rules (SARIF)
    docs_url: str | None = None  # the rules' pages (config docs-url): findings link to them; None: no links
    min_severity: str = "warning"  # rich and concise show the findings of this severity and above
    show_fixes: bool = False  # rich and concise: what each fix would change, the row before and after
    width: int | None = None  # rich: the terminal's columns (None: as rich finds them)
    extra: dict[str, Any] = fresh(dict)


def render(name: str, result, stream: TextIO, options: Options) -> None:
    module = import_module(FORMATS[name])
    module.render(result, stream, options)
