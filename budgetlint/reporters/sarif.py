"""`--format sarif`: SARIF 2.1.0, for GitHub code scanning (github/codeql-action/upload-sarif) and other viewers.

One run: the driver describes every rule of the catalogue (its `budgetlint
explain` text is the help); each finding is a result with its region, the
rows that entered it as related locations, and its fix where it has one.
Columns are 1-based characters with an exclusive end, which is SARIF's own
convention once `columnKind` is `unicodeCodePoints`.  Files that could not be
read are tool execution notifications, so the log stays valid.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from budgetlint import __version__

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def information_uri() -> str | None:
    """The project's homepage from the installed package's metadata (Project-URL Homepage), if it has one;
    None without one (never an invented address)."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        meta = metadata("budgetlint")
    except PackageNotFoundError:
        return None
    for entry in meta.get_all("Project-URL") or ():
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("homepage", "home", "documentation", "source", "repository") and url.strip():
            return url.strip()
    return meta.get("Home-page") or None


def artifact_location(path: str) -> dict:
    """A relative path as a URI relative to the source root; an absolute one as a file: URI."""
    posix = Path(path).as_posix()
    if Path(path).is_absolute():
        return {"uri": "file://" + quote(posix, safe="/:")}
    return {"uri": quote(str(PurePosixPath(posix)), safe="/"), "uriBaseId": SRCROOT}


def region(span) -> dict:
    return {"startLine": span.line, "startColumn": span.column, "endLine": span.end_line, "endColumn": span.end_column}


def physical(path: str, span) -> dict:
    return {"artifactLocation": artifact_location(path), "region": region(span)}


def location(path: str, span, place: str = "") -> dict:
    """A finding's location: its region in a text file; in a workbook, Word file or PDF its place as a
    logical location (`Sheet1!C12`, `page 3`) and a region whose start line is the place's row (a
    sheet's row 12, a Word table's row 3; a PDF's running line, which has none) and, in a sheet, whose
    columns are the cell's (A = 1)."""
    if not place:
        return {"physicalLocation": physical(path, span)}
    from budgetlint.places import parts, row_of

    found = parts(place)
    where: dict = {"startLine": row_of(place) or span.line}
    if "cell" in found:
        where["startColumn"], where["endColumn"] = span.column, span.column + 1
    return {
        "physicalLocation": {"artifactLocation": artifact_location(path), "region": where},
        "logicalLocations": [{"name": found.get("cell", place), "fullyQualifiedName": place, "kind": "element"}],
    }


def rule_descriptor(rule, lang: str, docs_url: str | None = None) -> dict:
    from budgetlint.docs import rule_url
    from budgetlint.explain import explain_text

    summary = rule.summary.get(lang) or rule.summary.get("zh", rule.code)
    help_uri = rule_url(docs_url, rule.code)
    return {
        **({"helpUri": help_uri} if help_uri else {}),
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": rule.rationale.get(lang) or summary},
        "help": {"text": explain_text(rule, lang)},
        "defaultConfiguration": {"level": LEVELS.get(rule.severity, "warning")},
        "properties": {"tags": [rule.family], "fixable": rule.fixable},
    }


def fix_object(fix, path: str) -> dict:
    return {
        "description": {"text": fix.description},
        "artifactChanges": [
            {
                "artifactLocation": artifact_location(path),
                "replacements": [
                    {"deletedRegion": region(edit.span), "insertedContent": {"text": edit.text}} for edit in fix.edits
                ],
            }
        ],
        "properties": {"safe": fix.safe},
    }


def result_object(finding, rule_index: dict[str, int]) -> dict:
    result: dict = {
        "ruleId": finding.code,
        "level": LEVELS.get(finding.severity, "warning"),
        "message": {"text": finding.message or finding.code},
        "locations": [location(finding.path, finding.span, finding.place)],
    }
    if finding.code in rule_index:
        result["ruleIndex"] = rule_index[finding.code]
    if finding.related:
        result["relatedLocations"] = [
            {"id": number, **location(finding.path, related.span, related.place), "message": {"text": related.label}}
            for number, related in enumerate(finding.related, start=1)
        ]
    if finding.fix is not None and finding.fix.edits:
        result["fixes"] = [fix_object(finding.fix, finding.path)]
    properties = {  # text once completed (Linter.complete)
        key: value for key, value in (("expected", finding.expected), ("actual", finding.actual)) if value is not None
    }
    if finding.project:
        properties["project"] = finding.project
    if properties:
        result["properties"] = properties
    return result


def sarif_log(result, options, with_results: bool = True) -> dict:
    from budgetlint.rules import load_catalogue

    catalogue = options.catalogue or load_catalogue()
    rules = list(catalogue)
    rule_index = {rule.code: index for index, rule in enumerate(rules)}
    notifications = [
        {
            "level": "error",
            "message": {"text": error.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": artifact_location(error.path),
                        **({"region": {"startLine": error.line}} if error.line else {}),
                    }
                }
            ],
        }
        for error in result.errors
    ]
    run = {
        "tool": {
            "driver": {
                "name": "budgetlint",
                "version": __version__,
                "semanticVersion": __version__,
                **({"informationUri": uri} if (uri := information_uri()) else {}),
                "language": "zh-CN" if options.lang == "zh" else "en-US",
                "rules": [rule_descriptor(rule, options.lang, getattr(options, "docs_url", None)) for rule in rules],
            }
        },
        "invocations": [{"executionSuccessful": not result.errors, "toolExecutionNotifications": notifications}],
        "originalUriBaseIds": {SRCROOT: {"uri": Path.cwd().resolve().as_uri() + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": [result_object(finding, rule_index) for finding in result.findings] if with_results else [],
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


RESULTS = '"results": []'  # the log's last key, where `render` writes the results one by one
RESULT_INDENT = " " * 8  # the depth of a result in the log: {"runs": [{"results": [ … ]}]}


def render(result, stream, options) -> None:
    """The log `json.dump(sarif_log(…), indent=2)` writes, byte for byte, with its results written one at
    a time as the findings are read (10⁶ findings are never held as objects or text).  The results are
    the last key of the run: the log is dumped without them and they go where its `[]` stands."""
    log = sarif_log(result, options, with_results=False)
    text = json.dumps(log, ensure_ascii=False, indent=2)
    at = text.rindex(RESULTS) + len(RESULTS) - 1  # a key in text would have its quotes escaped
    if not result.findings:
        stream.write(text + "\n")
        return
    stream.write(text[:at] + "\n")
    rule_index = {rule["id"]: index for index, rule in enumerate(log["runs"][0]["tool"]["driver"]["rules"])}
    separator = ""
    out: list[str] = []
    for finding in result.findings:
        body = json.dumps(result_object(finding, rule_index), ensure_ascii=False, indent=2)
        out.append(separator + RESULT_INDENT + body.replace("\n", "\n" + RESULT_INDENT))
        separator = ",\n"
        if len(out) >= 256:
            stream.write("".join(out))
            out.clear()
    stream.write("".join(out) + "\n" + " " * 6 + text[at:] + "\n")
