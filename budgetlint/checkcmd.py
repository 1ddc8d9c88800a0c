"""`budgetlint check`: its options (declared once, as data) and its work — without importing click.

click costs more to import than checking a table does, and `check` runs on
every commit and every save.  So the console script (budgetlint.entry) reads
a plain `check` command line with `fast_parse` over the same option table that
budgetlint.cli turns into click options; anything else — --help, an unknown
option, a bad value, another command — goes to click, which explains it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from budgetlint.record import named

TYPE_CHECKING = False  # typing is not imported on the check path
if TYPE_CHECKING:
    from typing import Any

FORMATS = ("rich", "concise", "json", "sarif", "github")
LANGS = ("zh", "en")
FAIL_ON = ("error", "warning", "info", "never")


@named
class Opt:
    flags: tuple[str, ...]  # "--format"; a pair "--color/--no-color" is kind "switch"
    dest: str
    kind: str  # choice | text | int | path | flag | switch
    default: Any = None
    choices: tuple[str, ...] = ()
    help: str = ""
    minimum: int | None = None


CHECK_OPTIONS = (
    Opt(("--format",), "fmt", "choice", "rich", FORMATS, "Output format."),
    Opt(("--lang",), "lang", "choice", None, LANGS, "Language of messages (default: from the locale; zh for zh_*)."),
    Opt(
        ("--fail-on",),
        "fail_on",
        "choice",
        None,
        FAIL_ON,
        "Lowest severity that makes the exit code 1 (default: error).",
    ),
    Opt(
        ("--config",),
        "config_path",
        "path",
        None,
        (),
        "Use this config file instead of the one found upward from each file.",
    ),
    Opt(("--select",), "select", "text", None, (), "Comma-separated codes or prefixes to check (replaces config)."),
    Opt(("--ignore",), "ignore", "text", None, (), "Comma-separated codes or prefixes to skip (adds to config)."),
    Opt(("--fiscal-year",), "fiscal_year", "int", None, (), "Fiscal year, overriding the documents' own."),
    Opt(("--color", "--no-color"), "color", "switch", None, (), "Force or disable colour in rich output."),
    Opt(("--output", "-o"), "output", "path", None, (), "Write the report to this file instead of standard output."),
    Opt(
        ("--jobs", "-j"), "jobs", "int", 0, (), "Worker processes; 0 = automatic (a pool only for 16 files or more).", 0
    ),
    Opt(("--fix",), "fix", "flag", False, (), "Apply the safe fixes to the files, then report what remains."),
    Opt(
        ("--unsafe-fixes",),
        "unsafe_fixes",
        "flag",
        False,
        (),
        "With --fix, apply the unsafe fixes too (review the result).",
    ),
)


class UsageProblem(ValueError):
    """A command line that cannot be run: exit 2 with the message."""


def default_lang() -> str:
    for variable in ("BUDGETLINT_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value:
            return "zh" if value.lower().startswith("zh") else ("en" if variable != "BUDGETLINT_LANG" else value[:2])
    return "zh"


def fast_parse(argv: list[str]) -> dict[str, Any] | None:
    """The keyword arguments of `run_check` for a plain command line, or None to let click handle it."""
    by_flag = {flag: opt for opt in CHECK_OPTIONS for flag in opt.flags}
    values: dict[str, Any] = {opt.dest: opt.default for opt in CHECK_OPTIONS}
    paths: list[Path] = []
    index = 0
    only_paths = False
    while index < len(argv):
        token = argv[index]
        index += 1
        if only_paths or not token.startswith("-") or token == "-":
            paths.append(Path(token))
            continue
        if token == "--":
            only_paths = True
            continue
        flag, equals, inline = token.partition("=")
        opt = by_flag.get(flag)
        if opt is None:
            return None  # --help, an unknown option, a bundled short option: click explains
        if opt.kind == "flag" or opt.kind == "switch":
            if equals:
                return None
            values[opt.dest] = True if opt.kind == "flag" else flag == opt.flags[0]
            continue
        if equals:
            raw = inline
        elif index < len(argv):
            raw = argv[index]
            index += 1
        else:
            return None
        if opt.kind == "choice":
            if raw not in opt.choices:
                return None
            values[opt.dest] = raw
        elif opt.kind == "int":
            try:
                number = int(raw)
            except ValueError:
                return None
            if opt.minimum is not None and number < opt.minimum:
                return None
            values[opt.dest] = number
        elif opt.kind == "path":
            values[opt.dest] = Path(raw)
        else:
            values[opt.dest] = raw
    values["paths"] = tuple(paths)
    return values


def _fail(message: str) -> int:
    sys.stderr.write(f"budgetlint: {message}\n")
    return 2


def run_check(
    paths,
    fmt,
    lang,
    fail_on,
    config_path,
    select,
    ignore,
    fiscal_year,
    color,
    output,
    jobs,
    fix,
    unsafe_fixes,
) -> int:
    """Check PATHS and print the report; the exit code. Raises UsageProblem for a command line that cannot run."""
    from budgetlint.config import ConfigError
    from budgetlint.reporters import Options, render
    from budgetlint.runner import Runner

    if unsafe_fixes and not fix:
        raise UsageProblem("--unsafe-fixes only takes effect with --fix")
    overrides = _overrides(select, ignore, fiscal_year)
    try:
        runner = Runner(
            lang=lang or default_lang(),
            config_path=config_path,
            overrides=overrides,
            keep_sources=fmt == "rich",
        )
    except ConfigError as error:
        return _fail(str(error))
    targets = list(paths) or [Path(".")]
    summary = None
    if fix:
        from budgetlint.fixes import fix_paths

        summary = fix_paths(runner, targets, unsafe=unsafe_fixes)
        for problem in summary.errors:
            sys.stderr.write(f"budgetlint: {problem}\n")
        sys.stderr.write(f"budgetlint: {summary.describe()}\n")
    result = runner.check_paths(targets, jobs=jobs)
    if summary is not None:  # a bug met while fixing: in the report, once (checking the file may meet it again)
        result.errors.extend([error for error in summary.failed if error not in result.errors])
    catalogue = next(iter(runner.linters.values())).catalogue if runner.linters else None
    if catalogue is None:
        from budgetlint.rules import load_catalogue

        catalogue = load_catalogue()
    options = Options(lang=runner.lang, color=color, catalogue=catalogue)
    try:
        if output is not None:
            with output.open("w", encoding="utf-8") as stream:
                render(fmt, result, stream, options)
        else:
            render(fmt, result, sys.stdout, options)
            sys.stdout.flush()
    except BrokenPipeError:  # `budgetlint check | head`: the reader left; say nothing more
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError as error:
        return _fail(f"{output}: cannot write the report ({error.strerror or error})")
    threshold = fail_on or _configured_fail_on(runner) or "error"
    if summary is not None and summary.errors:
        return 2
    return result.exit_code(threshold)


def _overrides(select: str | None, ignore: str | None, fiscal_year: int | None) -> dict:
    from budgetlint.config import ConfigError, _codes
    from budgetlint.rules import load_catalogue

    overrides: dict = {}
    catalogue = load_catalogue()
    try:
        if select:
            overrides["select"] = _codes([s for s in select.split(",") if s], "--select", catalogue)
        if ignore:
            overrides["extend_select"] = ()
            overrides["ignore"] = _codes([s for s in ignore.split(",") if s], "--ignore", catalogue)
    except ConfigError as error:
        raise UsageProblem(str(error)) from None
    if fiscal_year is not None:
        overrides["fiscal_year"] = fiscal_year
    return overrides


def _configured_fail_on(runner) -> str | None:
    for linter in runner.linters.values():
        if linter.config.fail_on:
            return linter.config.fail_on
    return None
