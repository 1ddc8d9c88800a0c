"""Model → the canonical pipe layout of DESIGN.md §1 (for the round-trip property and clean copies).

This writes what the reader understood, not the original text: `budgetlint
fmt` is the tool that rewrites a user's file line by line.
"""

from __future__ import annotations

from budgetlint.model import Document, Project

HEADER_PAIRS = (
    ("name",),
    ("department", "implementer"),
    ("attribute", "period"),
    ("total", "annual"),
    ("own", "transfer"),
    ("appropriation", "central"),
    ("other", "regional"),
    ("carryover",),
    ("goal",),
)


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").strip()


def row(cells: list[str]) -> str:
    return "| " + " | ".join(cell(c) for c in cells) + " |"


def write_project(project: Project, labels: dict[str, str]) -> list[str]:
    lines = []
    for keys in HEADER_PAIRS:
        cells: list[str] = []
        for key in keys:
            found = project.fields.get(key)
            if found is None:
                continue
            cells += [labels.get(key, found.label), found.text]
        if cells:
            lines.append(row(cells))
    lines.append("")
    lines.append(row(["一级指标", "二级指标", "三级指标", "绩效值"]))
    lines.append("|---|---|---|---|")
    last1 = last2 = None
    for indicator in project.indicators:
        level1 = indicator.level1.label if indicator.level1 else ""
        level2 = indicator.level2.label if indicator.level2 else ""
        show1 = level1 if level1 != last1 else ""
        show2 = level2 if (level2 != last2 or show1) else ""
        last1, last2 = level1, level2
        lines.append(row([show1, show2, indicator.name, indicator.value.raw]))
    return lines


def write_document(
    document: Document,
    labels: dict[str, str],
    title: str = "",
    year: int | None = None,
    unit: str = "万元",
    department: str = "",
) -> str:
    out: list[str] = []
    if title:
        out += [f"# {title}", ""]
    if department:
        out.append(f"部门：{department}")
    if year:
        out.append(f"年度：{year}")
    out.append(f"单位：{unit}")
    for project in document.projects:
        out += ["", f"## {project.name}", ""]
        out += write_project(project, labels)
    return "\n".join(out) + "\n"
