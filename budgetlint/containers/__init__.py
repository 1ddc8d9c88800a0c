"""Containers: each kind of file becomes blocks of free text and grids (budgetlint.grid).

A container is one module: the documented plain-text format (pipe and TAB rows,
budgetlint.containers.text), web pages (budgetlint.containers.html), CSV/TSV exports
(budgetlint.containers.csv), workbooks (budgetlint.containers.sheet) and Word files
(budgetlint.containers.docx; the zip checks both share are budgetlint.containers.archive), chosen by
extension in budgetlint.io and imported only when such a file is read.  The reader and the rules are
the same for every container.
"""

from __future__ import annotations

from budgetlint.containers.text import blocks

__all__ = ["blocks"]
