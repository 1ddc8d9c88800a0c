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
}


@record
class Options:
    lang: str = "zh"
    color: bool | None = None
    catalogue: Any = None  # for formats that describe the rules (SARIF)
    extra: dict[str, Any] = fresh(dict)


# Formats that write one line a finding, from the finding alone: the function that writes it, which the
# process completing a finding can run (Linter.output_line; the report then joins the texts).
LINE_FORMATS = {"json": "finding_json", "concise": "finding_line"}


def output_line(name: str | None):
    """finding → (format, its text in the report) for a format of LINE_FORMATS, else None."""
    function_name = LINE_FORMATS.get(name or "")
    if function_name is None:
        return None
    function = getattr(import_module(FORMATS[name]), function_name)
    return _Tagged(name, function)


class _Tagged:
    """A format's line function, its text tagged with the format's name (see `line_of`)."""

    __slots__ = ("name", "function")

    def __init__(self, name: str, function):
        self.name, self.function = name, function

    def __call__(self, finding) -> tuple[str, str]:
        return self.name, self.function(finding)


def line_of(finding, name: str, function) -> str:
    """The finding's text in format `name`: as its process rendered it, else rendered now."""
    output = finding.output
    return output[1] if output is not None and output[0] == name else function(finding)


def render(name: str, result, stream: TextIO, options: Options) -> None:
    module = import_module(FORMATS[name])
    module.render(result, stream, options)
