"""The `budgetlint` console script: a plain `check` runs without importing click; the rest goes to click."""

from __future__ import annotations

import sys


def main() -> None:
    argv = sys.argv[1:]
    if argv[:1] == ["check"]:
        from budgetlint.checkcmd import UsageProblem, fast_parse, run_check

        options = fast_parse(argv[1:])
        if options is not None:
            try:
                sys.exit(run_check(**options))
            except UsageProblem as problem:
                sys.stderr.write(f"Usage: budgetlint check [OPTIONS] [PATHS]...\nError: {problem}\n")
                sys.exit(2)
    from budgetlint.cli import main as click_main

    click_main()
