"""The import graph runs one way: container → grid → reader → model → checks → engine → findings →
reporters / fixes → cli / lsp, with `execute` (processes) beside them.

Every import of budgetlint's modules is read from their source (at module level and inside
functions, where lazy imports live; imports only for the type checker are left out), and the
rules below are checked on what each module reaches through them.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "budgetlint"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _type_only(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def _imports(module: str) -> set[str]:
    """The budgetlint modules `module` imports at run time (at any depth of its code)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_only(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return {name for name in found if name in MODULES and name != module}


@cache
def reaches(module: str) -> frozenset[str]:
    """Every budgetlint module that importing `module` may import, directly or through others."""
    seen: set[str] = set()
    todo = [module]
    while todo:
        for imported in _imports(todo.pop()):
            if imported not in seen:
                seen.add(imported)
                todo.append(imported)
    seen.discard(module)
    return frozenset(seen)


def _in(module: str, *prefixes: str) -> bool:
    return any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes)


OUTER = (
    "budgetlint.runner",
    "budgetlint.execute",
    "budgetlint.reporters",
    "budgetlint.cli",
    "budgetlint.checkcmd",
    "budgetlint.entry",
    "budgetlint.lsp",
    "budgetlint.fmt",
    "budgetlint.fixes",
)
VALUE_PARSER = ("budgetlint.lalr", "budgetlint.valueread")

RULES = [
    # (whose imports, what they must not reach, why)
    (
        ("budgetlint.model", "budgetlint.checks", "budgetlint.engine"),
        OUTER,
        "the model, checks and engine know no runner, process, format or front end",
    ),
    (
        ("budgetlint.reader",),
        ("budgetlint.execute", "budgetlint.runner", "budgetlint.engine", "budgetlint.checks"),
        "the reader knows nothing of processes or rules",
    ),
    (("budgetlint.checks",), VALUE_PARSER + ("budgetlint.reader",), "a check sees the model, never text"),
    (
        ("budgetlint.grid", "budgetlint.containers"),
        ("budgetlint.reader", "budgetlint.model", "budgetlint.checks", "budgetlint.engine") + OUTER,
        "containers only make grids",
    ),
    (
        ("budgetlint.findings",),
        ("budgetlint.engine", "budgetlint.checks", "budgetlint.reader") + OUTER,
        "a finding is data",
    ),
    (
        ("budgetlint.reporters",),
        ("budgetlint.engine", "budgetlint.reader", "budgetlint.checks", "budgetlint.execute", "budgetlint.runner"),
        "reporters see findings only",
    ),
]


@pytest.mark.parametrize("owners, forbidden, why", RULES, ids=[rule[2] for rule in RULES])
def test_imports_run_one_way(owners, forbidden, why):
    broken = {
        module: sorted(reached for reached in reaches(module) if _in(reached, *forbidden))
        for module in MODULES
        if _in(module, *owners)
    }
    assert {module: found for module, found in broken.items() if found} == {}, why


def test_the_rules_see_real_modules():
    """The names in the rules are modules that exist (a rename must not make a rule vacuous)."""
    for owners, forbidden, _ in RULES:
        for name in (*owners, *forbidden):
            assert any(_in(module, name) for module in MODULES), name
    assert "budgetlint.lalr" in reaches("budgetlint.reader")  # the graph is read: the reader reaches the parser


def test_only_execute_knows_about_processes():
    """No module but budgetlint.execute imports what starts processes."""
    for module, path in MODULES.items():
        if module == "budgetlint.execute":
            continue
        text = path.read_text(encoding="utf-8")
        for name in ("multiprocessing", "concurrent.futures", "os.fork", "subprocess"):
            assert name not in text or module == "budgetlint.lsp" and name == "subprocess", (module, name)
