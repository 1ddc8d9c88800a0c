"""`check --statistics`: how many findings of each rule, as ruff prints them — count, code, name, severity,
`[*]` when some have a safe fix.  With `--format json`, a JSON list of the same rows."""

from __future__ import annotations

import json


def rows(result) -> list[dict]:
    """One row per (code, rule, severity), the most frequent first, then by code."""
    counts: dict[tuple[str, str, str], list[int]] = {}
    for f in result.findings:
        row = counts.setdefault((f.code, f.rule, f.severity), [0, 0])
        row[0] += 1
        row[1] += f.fix is not None and f.fix.safe
    ordered = sorted(counts.items(), key=lambda item: (-item[1][0], item[0]))
    return [
        {"code": code, "name": name, "severity": severity, "count": count, "fixable": fixable}
        for (code, name, severity), (count, fixable) in ordered
    ]


def render(result, stream, options) -> None:
    table = rows(result)
    if options.extra.get("json"):
        stream.write(json.dumps(table, ensure_ascii=False, indent=2) + "\n")
        return
    for error in result.errors:
        stream.write(f"{error}\n")
    width = max((len(str(row["count"])) for row in table), default=1)
    name_width = max((len(row["name"]) for row in table), default=0)
    for row in table:
        mark = " [*]" if row["fixable"] else ""
        line = f"{row['count']:>{width}}  {row['code']}  {row['name']:<{name_width}}  {row['severity']}{mark}"
        stream.write(line.rstrip() + "\n")
    fixable = sum(row["fixable"] for row in table)
    if fixable and not options.quiet:
        english = options.lang == "en"
        stream.write(
            f"[*] {fixable} fixable with `--fix`\n" if english else f"[*] 其中 {fixable} 个可用 `--fix` 自动修复\n"
        )
