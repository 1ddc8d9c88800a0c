"""The `budgetlint` console script: a plain `check` runs without importing click; the rest goes to click."""

from __future__ import annotations

import sys


def main() -> None:
    argv = sys.argv[1:]
    if argv[:1] == ["check"]:
        from budgetlint.checkcmd import UsageProblem, fast_parse, run_check

        _batch_gc()

        options = fast_parse(argv[1:])
        if options is not None:
            try:
                sys.exit(run_check(**options))
            except UsageProblem as problem:
                sys.stderr.write(f"Usage: budgetlint check [OPTIONS] [PATHS]...\nError: {problem}\n")
                sys.exit(2)
    from budgetlint.cli import main as click_main

    click_main()


def _batch_gc() -> None:
    """Tune the cyclic GC for a `check` process (this process and the workers it forks): the modules
    loaded by now live to the end, so they are frozen out of every later collection, and the young
    generation is collected every 50,000 allocations rather than every 700 — a reader makes and drops
    objects by the million, few of them in cycles.  ~1% of the instructions of a check; memory stays
    bounded (collections still run)."""
    import gc

    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
