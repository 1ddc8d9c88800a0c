"""Shared helpers: tests read like the tables they check — a few rows inline, the finding at a line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from budgetlint.config import Config
from budgetlint.engine import Linter

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SEED = EXAMPLES / "ningxia-kexie-2024-performance-targets.txt"
PIPE_SEED = EXAMPLES / "ningxia-kexie-2024-performance-targets.md"


@pytest.fixture(scope="session")
def linter() -> Linter:
    return Linter(Config(), lang="en")


def table(text: str) -> str:
    """Dedent an inline table and drop the first newline, so line 1 is the first row."""
    return textwrap.dedent(text).lstrip("\n")


def findings_of(linter: Linter, text: str, code: str | None = None):
    _, findings = linter.check_text(table(text), "t.md")
    return [f for f in findings if code is None or f.code == code]


def lines_of(linter: Linter, text: str, code: str) -> list[int]:
    return [f.span.line for f in findings_of(linter, text, code)]
