"""The `budgetlint` console script: a plain `check` runs without importing click; the rest goes to click."""

from __future__ import annotations

import sys


def console() -> None:
    """The console script and `python -m budgetlint`: `main` in a process that ends with its command."""
    main(batch=True)


def main(batch: bool = False) -> None:
    """The command line.  With `batch`, a plain check runs as a batch process: its GC tuned for it, and the
    process ends as soon as the report is out (see `_leave`)."""
    argv = sys.argv[1:]
    if argv[:1] == ["check"]:
        from budgetlint.checkcmd import UsageProblem, fast_parse, run_check

        if batch:
            _batch_gc()
        options = fast_parse(argv[1:])
        if options is not None:
            try:
                code = run_check(**options)
            except UsageProblem as problem:
                sys.stderr.write(f"Usage: budgetlint check [OPTIONS] [PATHS]...\nError: {problem}\n")
                sys.exit(2)
            except KeyboardInterrupt:  # Ctrl-C: what click says and does, without a traceback
                sys.stderr.write("Aborted!\n")
                sys.exit(1)
            if batch:
                _leave(code)
            sys.exit(code)
    from budgetlint.cli import main as click_main

    click_main()


def _leave(code: int) -> None:
    """End the process now that the report is written: streams flushed and the exit handlers run (worker
    processes joined, temporary files removed), but without the interpreter tearing down every object it
    holds one by one — 20–40 ms after checking a 10 MB document, for memory the system frees at once.
    Only when this is the one thread left: the interpreter's own exit joins other threads before the
    exit handlers run (a process pool's manager thread must send its workers their stop first)."""
    import atexit
    import os

    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        sys.exit(code)

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`| head`): nothing more can be said there
            pass
    atexit._run_exitfuncs()
    os._exit(code)


def _batch_gc() -> None:
    """Tune the cyclic GC for a `check` process (this process and the workers it forks): the modules
    loaded by now live to the end, so they are frozen out of every later collection, and the young
    generation is collected every 50,000 allocations rather than every 700 — a reader makes and drops
    objects by the million, few of them in cycles.  ~1% of the instructions of a check; memory stays
    bounded (collections still run)."""
    import gc

    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
