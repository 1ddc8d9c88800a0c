"""The rules' pages (docs/rules/BLxxx.md), generated from the catalogue, and the address of each.

    python -m budgetlint.docs [FOLDER]      # rewrite docs/rules/ from rules/*.toml

A page holds what `budgetlint explain` prints, in both languages: summary, rationale, severity,
parameters, the bad and the good example (which tests/test_catalogue.py runs).  tests/test_docs.py
fails when a committed page is not what the catalogue gives.  With a base address (`docs-url` in the
config), JSON findings carry `url`, SARIF rules `helpUri` and editor diagnostics `codeDescription.href`,
each `<base>BLxxx.md`; without one they carry none.
"""

from __future__ import annotations

import sys
from pathlib import Path

_LANGS = (("zh", "中文"), ("en", "English"))
_HEAD = {
    "zh": (
        "默认级别",
        "检查类型",
        "类别",
        "可自动修复",
        "原因",
        "参数",
        "违反示例（第 {line} 行报告）",
        "合规示例",
        "默认",
    ),
    "en": (
        "Default severity",
        "Check kind",
        "Family",
        "Fixable",
        "Why",
        "Parameters",
        "Bad example (reported at line {line})",
        "Good example",
        "default",
    ),
}


def rule_url(base: str | None, code: str) -> str | None:
    """The address of rule `code`'s page under `base` (a folder's address), or None without a base."""
    if not base:
        return None
    return base.rstrip("/") + f"/{code}.md"


def rule_page(rule, families: dict[str, dict[str, str]]) -> str:
    """One rule's page, zh then en."""
    lines = [f"# {rule.code} {rule.name}", ""]
    for lang, title in _LANGS:
        severity, kind, family, fixable, why, params, bad, good, default = _HEAD[lang]
        lines += [f"## {title}", "", rule.summary.get(lang, ""), ""]
        family_name = families.get(rule.family, {}).get(lang, rule.family)
        lines += [
            f"- {severity}: `{rule.severity}`",
            f"- {kind}: `{rule.kind}`",
            f"- {family}: {family_name} (`{rule.family}`)",
        ]
        if rule.fixable:
            lines.append(f"- {fixable}")
        rationale = rule.rationale.get(lang, "")
        if rationale:
            lines += ["", f"### {why}", "", rationale]
        if rule.params:
            lines += ["", f"### {params}", ""]
            for param in rule.params.values():
                value = list(param.default) if isinstance(param.default, tuple) else param.default
                lines.append(f"- `{param.name}` ({param.type}, {default} `{value}`): {param.description.get(lang, '')}")
        for example in rule.examples:
            heading = bad.format(line=example.line) if example.expect == "bad" else good
            lines += ["", f"### {heading}", "", "```text", example.text.strip("\n"), "```"]
        lines.append("")
    return "\n".join(lines)


def index_page(catalogue) -> str:
    """docs/rules/README.md: every rule, a line each, linked to its page."""
    lines = ["# budgetlint rules", "", "Generated from `rules/*.toml` by `python -m budgetlint.docs`.", ""]
    lines += ["| code | name | severity | summary |", "|---|---|---|---|"]
    for rule in catalogue:
        lines.append(
            f"| [{rule.code}]({rule.code}.md) | {rule.name} | {rule.severity} | {rule.summary.get('zh', '')} |"
        )
    return "\n".join(lines) + "\n"


def pages(catalogue) -> dict[str, str]:
    """File name → text of every page."""
    found = {f"{rule.code}.md": rule_page(rule, catalogue.families) for rule in catalogue}
    found["README.md"] = index_page(catalogue)
    return found


def write(folder: Path) -> list[str]:
    """Write every page into `folder` (and remove pages of rules that are gone); the names written."""
    from budgetlint.rules import load_catalogue

    folder.mkdir(parents=True, exist_ok=True)
    wanted = pages(load_catalogue())
    for stale in folder.glob("BL*.md"):
        if stale.name not in wanted:
            stale.unlink()
    for name, text in wanted.items():
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return sorted(wanted)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "docs" / "rules"
    print(f"{len(write(target))} pages in {target}")
