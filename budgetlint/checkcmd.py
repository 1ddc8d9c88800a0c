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

FORMATS = ("rich", "concise", "json", "sarif", "github", "gitlab", "junit")
LANGS = ("zh", "en")
FAIL_ON = ("error", "warning", "info", "never")
MIN_SEVERITY = ("error", "warning", "info")
COLORS = ("auto", "always", "never")


@named
class Opt:
    flags: tuple[str, ...]  # "--format"; a pair "--color/--no-color" is kind "switch"
    dest: str
    kind: str  # choice | text | int | path | multi (repeatable text) | flag | switch | color (see color_args)
    default: Any = None
    choices: tuple[str, ...] = ()
    help: str = ""
    minimum: int | None = None


CHECK_OPTIONS = (
    Opt(("--format",), "fmt", "choice", "rich", FORMATS, "Output format."),
    Opt(("--lang",), "lang", "choice", None, LANGS, "Language of messages (default: config `lang`, else the locale)."),
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
        "config",
        "multi",
        (),
        (),
        "A config file to use instead of the one found upward from each file, or KEY=VALUE (TOML, e.g."
        " 'ignore=[\"BL801\"]') overriding a key of the config; repeatable.",
    ),
    Opt(
        ("--select",),
        "select",
        "text",
        None,
        (),
        "Comma-separated codes, prefixes or families (funding, …) to check (replaces config).",
    ),
    Opt(
        ("--ignore",),
        "ignore",
        "text",
        None,
        (),
        "Comma-separated codes, prefixes or families to skip (adds to config).",
    ),
    Opt(("--fiscal-year",), "fiscal_year", "int", None, (), "Fiscal year, overriding the documents' own."),
    Opt(
        ("--color",),
        "color",
        "color",
        None,
        COLORS,
        "Colour in rich output: auto (a terminal, unless NO_COLOR is set; FORCE_COLOR forces it), always or"
        " never. `--color` alone means always, `--no-color` never.",
    ),
    Opt(
        ("--stdin-filename",),
        "stdin_filename",
        "path",
        None,
        (),
        "With `-` (or no paths): the file standard input stands for (config, per-file-ignores, the path shown).",
    ),
    Opt(
        ("--respect-gitignore", "--no-respect-gitignore"),
        "respect_gitignore",
        "switch",
        True,
        (),
        "In folders, skip what .gitignore and .ignore files ignore (files named on the command line are checked).",
    ),
    Opt(
        ("--min-severity",),
        "min_severity",
        "choice",
        None,
        MIN_SEVERITY,
        "Lowest severity the rich and concise output show; one line counts the findings left out (default:"
        " config `min-severity`, else warning). Other formats and the exit code always take every finding.",
    ),
    Opt(("--show-info",), "show_info", "flag", False, (), "Show the info findings too: --min-severity info."),
    Opt(
        ("--statistics",),
        "statistics",
        "flag",
        False,
        (),
        "Print counts by rule instead of the findings (every finding, whatever --min-severity).",
    ),
    Opt(("--quiet", "-q"), "quiet", "flag", False, (), "Print the findings only: no summary, hints or notes."),
    Opt(("--output", "-o"), "output", "path", None, (), "Write the report to this file instead of standard output."),
    Opt(
        ("--jobs", "-j"),
        "jobs",
        "int",
        0,
        (),
        "Processes that share the checking, forked from this one where the system forks (the report is the"
        " same). 0 = automatic: one per core (at most 8) for 16 files or more; with fewer files, the tables of"
        " a document of 4 MB or more are shared out the same way. 1 = this process only; N = at most N.",
        0,
    ),
    Opt(
        ("--baseline",),
        "baseline",
        "path",
        None,
        (),
        "Hide the findings this baseline file records (by content, not by line; config `baseline`).",
    ),
    Opt(
        ("--write-baseline",),
        "write_baseline",
        "path",
        None,
        (),
        "Record today's findings in this baseline file (JSON); they are hidden from then on.",
    ),
    Opt(
        ("--no-cache",),
        "no_cache",
        "flag",
        False,
        (),
        "Check every file afresh: neither use nor fill the result cache (config `cache = false`).",
    ),
    Opt(("--fix",), "fix", "flag", False, (), "Apply the safe fixes to the files, then report what remains."),
    Opt(
        ("--unsafe-fixes",),
        "unsafe_fixes",
        "flag",
        False,
        (),
        "With --fix or --diff, apply the unsafe fixes too (review the result).",
    ),
    Opt(
        ("--show-fixes",),
        "show_fixes",
        "flag",
        False,
        (),
        "In rich and concise output, show what each fix would change: the row before (-) and after (+).",
    ),
    Opt(
        ("--diff",),
        "diff",
        "flag",
        False,
        (),
        "Write nothing; print the unified diff that --fix would make; exit 1 if there is a fix, 0 if none.",
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


def color_args(argv: list[str]) -> list[str]:
    """`--color` alone as `--color=always`, `--color auto|always|never` as `--color=…`, `--no-color` as
    `--color=never`: the old flags keep working and `--color a.md` still checks a.md."""
    out: list[str] = []
    index = 0
    while index < len(argv):
        token = argv[index]
        index += 1
        if token == "--":
            out.extend(argv[index - 1 :])
            break
        if token == "--no-color":
            token = "--color=never"
        elif token == "--color":
            if index < len(argv) and argv[index] in COLORS:
                index += 1
                token = "--color=" + argv[index - 1]
            else:
                token = "--color=always"
        out.append(token)
    return out


def fast_parse(argv: list[str]) -> dict[str, Any] | None:
    """The keyword arguments of `run_check` for a plain command line, or None to let click handle it."""
    argv = color_args(argv)
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
        if opt.kind in ("choice", "color"):
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
        elif opt.kind == "multi":
            values[opt.dest] = (*values[opt.dest], raw)
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
    config,
    select,
    ignore,
    fiscal_year,
    color,
    stdin_filename,
    respect_gitignore,
    statistics,
    quiet,
    output,
    jobs,
    fix,
    unsafe_fixes,
    min_severity=None,
    show_info=False,
    show_fixes=False,
    diff=False,
    baseline=None,
    write_baseline=None,
    no_cache=False,
) -> int:
    """Check PATHS and print the report; the exit code. Raises UsageProblem for a command line that cannot run."""
    from budgetlint.config import ConfigError, parse_overrides
    from budgetlint.reporters import Options, render
    from budgetlint.runner import Result, Runner

    if unsafe_fixes and not (fix or diff):
        raise UsageProblem("--unsafe-fixes only takes effect with --fix or --diff")
    if fix and diff:
        raise UsageProblem("--diff shows what --fix would write: use one or the other")
    if diff and statistics:
        raise UsageProblem("--diff prints a diff, --statistics a table: use one or the other")
    if show_info and min_severity not in (None, "info"):
        raise UsageProblem(f"--show-info is --min-severity info: it contradicts --min-severity {min_severity}")
    targets = [path for path in paths if str(path) != "-"]
    from_stdin = len(targets) < len(paths) or (not paths and stdin_filename is not None)
    if from_stdin and (fix or diff):
        raise UsageProblem(f"{'--fix' if fix else '--diff'} reads files, not standard input (-)")
    if statistics and fmt not in ("rich", "concise", "json"):
        raise UsageProblem("--statistics prints a table (--format rich or concise) or JSON (--format json)")
    overrides = _overrides(select, ignore, fiscal_year)
    config_path, inline = _config_options(config)
    try:
        runner = Runner(
            lang=lang or default_lang(),
            config_path=config_path,
            overrides=overrides,
            keep_sources=(fmt == "rich" or (show_fixes and fmt == "concise")) and not statistics,
            config_lang=lang is None,
            config_overrides=parse_overrides(inline) if inline else None,
            respect_gitignore=respect_gitignore,
            cache=not no_cache,
        )
    except ConfigError as error:
        return _fail(str(error))
    if not targets and not from_stdin:
        targets = [Path(".")]
    first = targets[0] if targets else (stdin_filename or Path("-"))
    if baseline is None and write_baseline is None:
        baseline = _configured(runner, first, "baseline")
    recorded = None
    if baseline is not None:
        from budgetlint.baseline import BaselineError, read

        try:
            recorded = read(baseline)
        except BaselineError as error:
            return _fail(str(error))
    runner.subjects = baseline is not None or write_baseline is not None
    # the report's own words (summary, hints): --lang, else the first target's config, else the locale
    report_lang = lang or _configured(runner, first, "lang") or runner.lang
    if diff:
        return _diff(runner, targets, unsafe_fixes, quiet, output)
    summary = None
    if fix:
        from budgetlint.fixes import fix_paths

        summary = fix_paths(runner, targets, unsafe=unsafe_fixes)
        for problem in summary.errors:
            sys.stderr.write(f"budgetlint: {problem}\n")
        if not quiet:
            sys.stderr.write(f"budgetlint: {summary.describe()}\n")
    result = runner.check_paths(targets, jobs=jobs) if targets else Result()
    if summary is not None:  # a bug met while fixing: in the report, once (checking the file may meet it again)
        result.errors.extend([error for error in summary.failed if error not in result.errors])
    if from_stdin:
        _check_stdin(runner, stdin_filename, result)
    if not quiet:
        for skipped in result.skipped:
            sys.stderr.write(f"budgetlint: {skipped}: skipped, excluded by the config's `exclude`\n")
    if not result.errors and not result.projects:
        _nothing_checked(runner, [path for path in targets if path.is_dir()], result)
    if os.environ.get("BUDGETLINT_CACHE_STATS") and runner.results is not None:
        cache = runner.results
        sys.stderr.write(f"budgetlint: result cache: {cache.hits} hits, {cache.misses} misses\n")
    if write_baseline is not None:
        from budgetlint.baseline import write

        try:
            write(write_baseline, result.findings)
        except OSError as error:
            return _fail(f"{write_baseline}: cannot write the baseline ({error.strerror or error})")
        recorded, baseline = None, write_baseline
        from budgetlint.spill import Findings

        result.baselined, result.findings = len(result.findings), Findings()
    if recorded is not None and baseline is not None:
        from budgetlint.baseline import hide
        from budgetlint.spill import Findings

        kept, result.baselined = hide(result.findings, recorded, baseline.absolute().parent)
        result.findings = Findings.in_order(kept)
    catalogue = next(iter(runner.linters.values())).catalogue if runner.linters else None
    if catalogue is None:
        from budgetlint.rules import load_catalogue

        catalogue = load_catalogue()
    options = Options(
        lang=report_lang,
        color=color,
        quiet=quiet,
        catalogue=catalogue,
        docs_url=_configured(runner, first, "docs_url"),
        min_severity=min_severity
        or ("info" if show_info else None)
        or _configured(runner, first, "min_severity")
        or "warning",
        show_fixes=show_fixes,
    )
    if statistics:
        options.extra["json"] = fmt == "json"
        fmt = "statistics"
    failed = _deliver(output, "report", lambda stream: render(fmt, result, stream, options))
    if failed is not None:
        return failed
    threshold = fail_on or _configured_fail_on(runner) or "error"
    if summary is not None and summary.errors:
        return 2
    return result.exit_code(threshold)


def _deliver(output: Path | None, what: str, write) -> int | None:
    """`write(stream)` to `output` (atomic_output), else to standard output (escape_unwritable); None when
    written, else the exit code of a file that cannot be written."""
    try:
        if output is not None:
            with atomic_output(output) as stream:
                write(stream)
        else:
            escape_unwritable(sys.stdout)
            write(sys.stdout)
            sys.stdout.flush()
    except BrokenPipeError:  # `budgetlint check | head`: the reader left; say nothing more
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError as error:
        return _fail(f"{output}: cannot write the {what} ({error.strerror or error})")
    return None


def _diff(runner, targets: list[Path], unsafe: bool, quiet: bool, output: Path | None) -> int:
    """`check --diff`: the unified diff of what `--fix` would write, nothing written; 1 when there is a fix."""
    from budgetlint.fixes import fix_paths

    summary = fix_paths(runner, targets, unsafe=unsafe, write=False)
    text = "".join(summary.diffs)
    failed = _deliver(output, "diff", lambda stream: stream.write(text))
    if failed is not None:
        return failed
    for problem in [*summary.errors, *(str(error) for error in summary.failed)]:
        sys.stderr.write(f"budgetlint: {problem}\n")
    if not quiet:
        sys.stderr.write(f"budgetlint: {summary.describe(would=True)}\n")
    if summary.errors or summary.failed:
        return 2
    return 1 if summary.diffs else 0


ESCAPE = "budgetlint-escape"


def _escape(error: UnicodeError) -> tuple[str, int]:
    """The codec error handler of reports: a character the output cannot hold written as an escape —
    `\\xff` for an undecodable byte of a file name (a lone surrogate), `\\uXXXX` for any other."""
    assert isinstance(error, UnicodeEncodeError)
    text = error.object[error.start : error.end]
    escaped = "".join(f"\\x{ord(c) - 0xDC00:02x}" if 0xDC80 <= ord(c) <= 0xDCFF else f"\\u{ord(c):04x}" for c in text)
    return escaped, error.end


def _register_escape() -> None:
    """The codec error handler ESCAPE, registered once a process."""
    import codecs

    try:
        codecs.lookup_error(ESCAPE)
    except LookupError:
        codecs.register_error(ESCAPE, _escape)


def escape_unwritable(stream) -> None:
    """Let `stream` (standard output) write what its encoding cannot hold as escapes rather than fail
    halfway through a report (file names are escaped before they reach it: this is the last resort)."""
    _register_escape()
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None and getattr(stream, "errors", "strict") == "strict":
        reconfigure(errors=ESCAPE)


class atomic_output:
    """`with atomic_output(path) as stream:` — a report written to a temporary file in the same folder and
    renamed over `path` once complete: a crash, a kill or an error leaves the old report or none, never a
    truncated one.  The new file gets the old one's permissions, else those a new file would get.  A path
    that is there and is not a regular file (/dev/null, a pipe) is written directly: never replaced."""

    def __init__(self, path: Path):
        self.path = path
        self.temporary: str | None = None
        self.stream: Any = None

    def __enter__(self):
        import stat
        import tempfile

        _register_escape()
        try:
            special = not stat.S_ISREG(os.stat(self.path).st_mode)
        except OSError:
            special = False
        if special:
            self.stream = open(self.path, "w", encoding="utf-8", errors=ESCAPE)
            return self.stream
        folder = self.path.parent
        handle, self.temporary = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=folder)
        try:
            mode = os.stat(self.path).st_mode & 0o7777
        except OSError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        try:
            os.chmod(handle, mode)
        except OSError:
            pass
        self.stream = open(handle, "w", encoding="utf-8", errors=ESCAPE)
        return self.stream

    def __exit__(self, kind, error, traceback) -> None:
        if self.temporary is None:  # written directly
            self.stream.close()
            return
        try:
            self.stream.close()
            if error is None:
                os.replace(self.temporary, self.path)
                self.temporary = None
        finally:
            if self.temporary is not None:
                try:
                    os.unlink(self.temporary)
                except OSError:
                    pass


def _check_stdin(runner, stdin_filename: Path | None, result) -> None:
    """Check the document on standard input as if it were `stdin_filename` (its config, per-file-ignores
    and name in the report; `-` and the current folder's config without one)."""
    from budgetlint.config import ConfigError
    from budgetlint.io import InputError, decode
    from budgetlint.runner import FileError, shown_name

    shown = shown_name(str(stdin_filename)) if stdin_filename is not None else "-"
    try:
        config = runner.config_for(stdin_filename or Path("-"))
    except ConfigError as error:
        runner._config_error(error, result)
        return
    if stdin_filename is not None and config.is_excluded(stdin_filename):
        result.skipped.append(shown)
        return
    try:
        source = decode(sys.stdin.buffer.read(), shown)
    except InputError as error:
        result.errors.append(FileError(error.path, error.message, error.line))
        return
    runner.check_source(source, stdin_filename, True, result, config)


def _nothing_checked(runner, folders: list[Path], result) -> None:
    """A run that read no project table from the folders it was given fails (exit 2), one line a folder
    saying why; files named explicitly and all excluded by config are only skipped (exit 0)."""
    from budgetlint.config import ConfigError
    from budgetlint.runner import FileError, display_path

    for folder in folders:
        try:
            config = runner.config_for(folder)
        except ConfigError:
            continue  # already reported
        files = excluded = included = 0
        for root, dirs, names in os.walk(folder):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in names:
                files += 1
                path = Path(root) / name
                if config.is_excluded(path) or config.is_excluded_dir(Path(root)):
                    excluded += 1
                elif config.is_included(path):
                    included += 1
        ignored = runner.gitignored.get(display_path(folder), 0)
        if ignored:
            reason = (
                f"nothing checked: {ignored} file(s) or folder(s) ignored by .gitignore or .ignore, and no project"
                " table in the rest (--no-respect-gitignore checks them)"
            )
        elif included:
            reason = f"nothing checked: none of its {included} file(s) holds a project table (no 项目名称 row)"
        elif not files:
            reason = "nothing to check: the folder holds no file"
        elif excluded == files:
            reason = f"nothing to check: its {files} file(s) are all excluded by the config's `exclude`"
        else:
            patterns = ", ".join(config.include)
            reason = f"nothing to check: none of its {files} file(s) matches `include` ({patterns})"
        result.errors.append(FileError(display_path(folder), reason))


def _config_options(values) -> tuple[Path | None, list[str]]:
    """`--config` values: the config file (at most one), and the KEY=VALUE overrides — a value holding
    `=` that is not an existing file (as ruff tells them apart)."""
    path: Path | None = None
    inline: list[str] = []
    for value in values:
        if "=" in value and not os.path.isfile(value):
            inline.append(value)
        elif path is not None:
            raise UsageProblem(f"--config: one config file at most (got {str(path)!r} and {value!r})")
        else:
            path = Path(value)
    return path, inline


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


def _configured(runner, first: Path, key: str) -> str | None:
    """A setting (lang, docs_url) of the config that applies to the first target; None when it is unset or
    the config cannot be read (that is reported where it applies)."""
    from budgetlint.config import ConfigError

    try:
        return getattr(runner.config_for(first), key)
    except ConfigError:
        return None


def _configured_fail_on(runner) -> str | None:
    for linter in runner.linters.values():
        if linter.config.fail_on:
            return linter.config.fail_on
    return None
