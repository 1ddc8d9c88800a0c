"""`budgetlint parse --format rich`: the model as a tree, for a person reading what was understood."""

from __future__ import annotations

from budgetlint.findings import format_value


def render_model(document, stream) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.tree import Tree

    console = Console(file=stream, highlight=False, soft_wrap=True)
    root = Tree(f"[bold]{escape(document.path)}[/] — {len(document.projects)} 项目表 / projects")
    for project in document.projects:
        node = root.add(
            f"[bold]{escape(project.name)}[/] [dim](line {project.span.line}, "
            f"FY {project.fiscal_year}, 单位 {escape(project.money_unit_text)})[/]"
        )
        header = node.add("表头 / header")
        for key, field in project.fields.items():
            amount = f" = {format_value(field.amount)} 元" if field.amount is not None else ""
            text = field.text if len(field.text) <= 60 else field.text[:57] + "…"
            header.add(f"{escape(field.label)} [dim]{key} L{field.where.line}[/]: {escape(text)}{amount}")
        groups: dict[str, object] = {}
        for indicator in project.indicators:
            level1 = indicator.level1.label if indicator.level1 else "?"
            level2 = indicator.level2.label if indicator.level2 else "?"
            key = f"{level1} / {level2}"
            branch = groups.get(key)
            if branch is None:
                branch = groups[key] = node.add(escape(key))
            branch.add(
                f"[dim]L{indicator.line}[/] {escape(indicator.name or '—')}: "
                f"[cyan]{escape(indicator.value.raw)}[/] [dim]({indicator.value.kind})[/]"
            )
    console.print(root)
