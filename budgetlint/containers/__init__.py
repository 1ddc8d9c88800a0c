"""Containers: each kind of file becomes blocks of free text and grids (budgetlint.grid).

A container is one module.  Today there is one, for the documented plain-text format
(pipe and TAB rows, budgetlint.containers.text); the reader and the rules are the same for
every container.
"""

from __future__ import annotations

from budgetlint.containers.text import blocks

__all__ = ["blocks"]
