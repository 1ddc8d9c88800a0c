"""What `budgetlint check` imports: start-up is what pre-commit and editor users feel (issue 6).

A plain check with warm caches must not import lark (grammar tables are cached), pint (unit factors
are cached), click, rich or pygls (concise output needs none), nor the stdlib modules that cost the
most for what we would use of them: dataclasses (inspect, ast), typing, tomllib (datetime), json.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = (
    "lark",
    "pint",
    "click",
    "rich",
    "pygls",
    "dataclasses",
    "inspect",
    "typing",
    "tomllib",
    "json",
    "python_calamine",
    "openpyxl",
    "xlrd",
    "zipfile",
    "docx",
    "lxml",
    "pdfplumber",
    "pdfminer",
    "re2",  # a rule pack's patterns only (budgetlint/vocabulary.py compile_pattern)
)

PROBE = (
    "import sys\n"
    "sys.argv = ['budgetlint', 'check', 'examples/clean/2025-health-projects.md', '--format', 'concise']\n"
    "import budgetlint.entry as entry\n"
    "try:\n    entry.main()\nexcept SystemExit:\n    pass\n"
    f"print(sorted(name for name in {HEAVY!r} if name in sys.modules))\n"
)


def test_a_plain_check_imports_none_of_the_heavy_modules(tmp_path):
    env = dict(os.environ, BUDGETLINT_CACHE_DIR=str(tmp_path))
    cold = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT, env=env, check=True)
    assert "lark" in cold.stdout  # an empty cache: the grammar tables are derived by lark once
    warm = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT, env=env, check=True)
    assert warm.stdout.strip().splitlines()[-1] == "[]"
    assert any(path.suffix == ".marshal" for path in tmp_path.iterdir())


def test_an_unreadable_cache_entry_is_derived_again(tmp_path):
    env = dict(os.environ, BUDGETLINT_CACHE_DIR=str(tmp_path))
    subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT, env=env, check=True)
    for path in tmp_path.rglob("*"):
        if path.is_file():  # truncated: the entry's seal fails, the data is derived again
            path.write_bytes(path.read_bytes()[:7])
    again = subprocess.run(
        [sys.executable, "-m", "budgetlint", "check", "examples/clean/2025-health-projects.md", "--format", "concise"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert again.returncode == 0 and again.stderr == ""
