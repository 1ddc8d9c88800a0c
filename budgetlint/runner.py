"""Walk the paths given on the command line and check every document under its own config.

Problems with one file or one config never stop the others: they are
collected as `FileError`s (one line each, exit code 2) beside the findings.
Every command (check, check --fix, fmt, parse) does each file's work inside
one `Guard`, so that a bug of ours in one file is one line too.  The walk
never raises: link loops, dangling links and unreadable folders are lines.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from budgetlint import execute
from budgetlint.config import Config, ConfigError, config_for_dir
from budgetlint.engine import Linter
from budgetlint.findings import SEVERITY_RANK, Finding
from budgetlint.grid import Grid
from budgetlint.io import InputError, Source, Stream, blocks_of, encoding_finding, open_source
from budgetlint.record import fresh, named, record
from budgetlint.spill import Findings

TYPE_CHECKING = False  # typing is not imported on the check path
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from budgetlint.resultcache import ResultCache


@named
class FileError:
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


MAX_INTERNAL = 400  # characters of an internal error's description: one line, even for an error about a huge cell


def internal_error(shown: str, error: BaseException) -> FileError:
    """A bug of ours met while working on `shown`: one line naming the file, where it was raised."""
    described = " ".join(execute.describe(error).split())  # an exception's message may hold line breaks
    if len(described) > MAX_INTERNAL:
        described = described[: MAX_INTERNAL - 1] + "…"
    return FileError(shown, f"internal error, please report it: {described}")


class Guard:
    """One file's work, in every command: `with Guard(shown, errors) as guard: …`.

    An InputError is that file's one line; any other exception is a bug of ours, reported as
    `shown: internal error, please report it: …` (BUDGETLINT_DEBUG=1 lets it through with its
    traceback).  Either way the line goes to `errors`, `guard.failed` is set and the command goes
    on with its next file; exit code 2.  KeyboardInterrupt and SystemExit pass through.
    A class rather than a @contextmanager: it wraps each of 10,000 files of a folder.
    """

    __slots__ = ("shown", "errors", "failed")

    def __init__(self, shown: str | Path, errors: list[FileError]):  # a Path: shown as display_path, on failure
        self.shown = shown
        self.errors = errors
        self.failed = False

    def __enter__(self) -> Guard:
        return self

    def __exit__(self, kind, error, traceback) -> bool:
        if error is None or not isinstance(error, Exception):
            return False
        if isinstance(error, InputError):
            self.errors.append(FileError(error.path, error.message, error.line))
        elif os.environ.get("BUDGETLINT_DEBUG"):
            return False
        else:
            shown = self.shown
            self.errors.append(internal_error(shown if isinstance(shown, str) else display_path(shown), error))
        self.failed = True
        return True


@record
class Result:
    # one sorted run a document, beyond spill.HELD findings on disk; counts by severity kept (spill.Findings)
    findings: Findings = fresh(Findings)
    errors: list[FileError] = fresh(list)
    notes: list[str] = fresh(list)
    skipped: list[str] = fresh(list)  # files named explicitly that the config excludes
    checked: list[str] = fresh(list)  # the paths of the documents read (for reports that list them: junit)
    files: int = 0
    projects: int = 0
    baselined: int = 0  # findings hidden by the baseline (budgetlint.baseline)
    # path → text for code frames: only the lines that findings point at are kept (the others are
    # empty), so a clean 100 MB document costs nothing here and line numbers still index it.
    sources: dict[str, str] = fresh(dict)

    def count(self, severity: str) -> int:
        return self.findings.severities.get(severity, 0)

    def exit_code(self, fail_on: str = "error") -> int:
        if self.errors:
            return 2
        if fail_on == "never":
            return 0
        threshold = SEVERITY_RANK[fail_on]
        severities = self.findings.severities
        return 1 if any(SEVERITY_RANK.get(name, 0) >= threshold for name, n in severities.items() if n) else 0


class Runner:
    def __init__(
        self,
        lang: str = "zh",
        config_path: Path | None = None,
        keep_sources: bool = True,
        overrides: dict | None = None,
        config_lang: bool = False,
        config_overrides: dict | None = None,
        respect_gitignore: bool = True,
        cache: bool = False,
        subjects: bool = False,
    ):
        self.lang = lang
        self.cache = cache  # keep each file's result in the result cache (budgetlint.resultcache)
        self.results: ResultCache | None = None  # that cache, opened by check_paths
        self.subjects = subjects  # findings get a content `subject` (budgetlint.baseline)
        self.respect_gitignore = respect_gitignore  # a folder's walk skips what .gitignore and .ignore ignore
        self.gitignored: dict[str, int] = {}  # a walked folder (as shown) → files and folders its walk ignored
        self.config_overrides = config_overrides or {}  # `--config KEY=VALUE`, over every config file's keys
        self._override_key = _json_key(self.config_overrides)
        self.config_lang = config_lang  # no --lang: a config's `lang` decides its files' messages
        self.config_path = config_path
        self.keep_sources = keep_sources
        self.overrides = overrides or {}
        self._fixed_config: Config | None = None
        if config_path is not None:
            from budgetlint.config import parse_config, read_config_file

            found = read_config_file(config_path, self.config_overrides)
            if found is None and self.config_overrides:
                found = parse_config(self.config_overrides, None, config_path.parent, "--config")
            self._fixed_config = found or Config(root=config_path.parent)
        self.linters: dict[object, Linter] = {}
        self.large_workers = 1  # processes sharing the tables of one large document (set by check_paths)
        self._config_errors: set[str] = set()
        self._broken: dict[Path, ConfigError] = {}  # folder → its config's error, read once
        self._folders: dict[str, Path] = {}  # a file's folder (absolute) → resolved (see _folder)

    # ---------------------------------------------------------------- config
    def config_for(self, path: Path) -> Config:
        if self._fixed_config is not None:
            config = self._fixed_config
        else:
            folder = self._folder(path)
            if folder in self._broken:
                raise self._broken[folder]
            try:
                config = config_for_dir(folder, self._override_key)
            except ConfigError as error:  # 10,000 files under one broken config: read it once
                self._broken[folder] = error
                raise
        if self.overrides:
            from budgetlint.record import replace

            config = replace(config, **self.overrides)
        return config

    def _folder(self, path: Path) -> Path:
        """The resolved folder whose config applies to `path`: a plain file's parent, resolved once per
        folder (resolving each of 10,000 files would cost more than checking its table)."""
        if os.path.islink(path) or os.path.isdir(path):  # never raise: False in a folder that may not be entered
            # os.path.realpath, not Path.resolve: that raises RuntimeError on a link loop (Python 3.11)
            resolved = Path(os.path.realpath(path))
            return resolved if os.path.isdir(resolved) else resolved.parent
        parent = os.path.abspath(path.parent)
        folder = self._folders.get(parent)
        if folder is None:
            folder = self._folders[parent] = Path(os.path.realpath(parent))
        return folder

    def linter_for(self, config: Config) -> Linter:
        key = (
            config.path,
            config.packs,
            config.fiscal_year,
            config.tolerance,
            config.select,
            config.ignore,
            config.extend_select,
            config.severity,
            config.params,
            config.per_file_ignores,
            config.lang,
        )
        linter = self.linters.get(key)
        if linter is None:
            lang = (config.lang or self.lang) if self.config_lang else self.lang
            linter = self.linters[key] = Linter(config, lang)
            linter.neutral = self.subjects  # a baseline's keys hold expected/found in one language
        return linter

    # ---------------------------------------------------------------- walking
    def iter_files(self, paths: list[Path], result: Result) -> Iterator[tuple[Path, bool]]:
        """(file, named explicitly) for every document under `paths`, in a stable order.

        Nothing here raises: a path that cannot be looked at, a folder that cannot be read, a bug of
        ours with one file, is one line in `result.errors` and the walk goes on.  Links to folders
        inside a folder are not followed (os.walk), so a folder linked to itself is walked once; a
        link loop or a dangling link is given as a file, and reading it says what it is.
        """
        for path in paths:
            kind = _kind(path)
            if kind == "dir":
                yield from self._walk(path, result)
            elif kind == "file":
                if self.excluded(path):
                    result.skipped.append(display_path(path))
                    continue
                yield path, True
            else:
                result.errors.append(FileError(shown_name(str(path)), kind))

    def _walk(self, path: Path, result: Result) -> Iterator[tuple[Path, bool]]:
        with Guard(display_path(path), result.errors) as guard:
            try:
                config = self.config_for(path)
            except ConfigError as error:
                self._config_error(error, result)
                return
        if guard.failed:
            return

        def unreadable(error: OSError, path: Path = path) -> None:
            shown = display_path(Path(error.filename)) if error.filename else shown_name(str(path))
            result.errors.append(FileError(shown, f"cannot read folder ({error.strerror or error})"))

        chains: dict[str, tuple] = {}  # folder → the .gitignore/.ignore specs that apply in it
        if self.respect_gitignore:
            from budgetlint.ignorefiles import walk_chains

            chains = walk_chains(path)
        for root, dirs, files in os.walk(path, onerror=unreadable):
            root_path = Path(root)
            chain = chains.get(root) or ()
            kept = []
            for name in sorted(dirs):
                if name.startswith("."):
                    continue
                with Guard(root_path / name, result.errors):
                    if not config.is_excluded_dir(root_path / name) and not self._ignored(
                        path, root, name, True, chain
                    ):
                        kept.append(name)
                        if chains:
                            from budgetlint.ignorefiles import below

                            chains[os.path.join(root, name)] = below(chain, os.path.join(root, name))
            dirs[:] = kept
            for name in sorted(files):
                if chain and self._ignored(path, root, name, False, chain):
                    continue
                file = root_path / name
                included = False
                with Guard(file, result.errors):
                    try:
                        included = self.config_for(file).is_included(file)
                    except ConfigError as error:
                        self._config_error(error, result)
                if included:
                    yield file, False

    def _ignored(self, walked: Path, root: str, name: str, is_dir: bool, chain: tuple) -> bool:
        if not chain:
            return False
        from budgetlint.ignorefiles import ignored

        if not ignored(os.path.abspath(os.path.join(root, name)), is_dir, chain):
            return False
        shown = display_path(walked)
        self.gitignored[shown] = self.gitignored.get(shown, 0) + 1
        return True

    def excluded(self, path: Path) -> bool:
        """Whether the config of `path` excludes it (a broken config is reported when the file is checked)."""
        try:
            return self.config_for(path).is_excluded(path)
        except ConfigError:
            return False

    def _config_error(self, error: ConfigError, result: Result) -> None:
        message = str(error)
        if message not in self._config_errors:
            self._config_errors.add(message)
            if error.path is not None:  # located: the file and the line of the key
                result.errors.append(FileError(display_path(error.path), error.message, error.line))
                return
            path, _, rest = message.partition(": ")
            result.errors.append(FileError(display_path(Path(path)) if rest else path, rest or message))

    # ---------------------------------------------------------------- checking
    def check_paths(self, paths: list[Path], jobs: int = 0) -> Result:
        """Check every document under `paths`; `jobs` 0 = automatic (processes only for many files or
        a large document), 1 = this process only."""
        result = Result()
        files = list(self.iter_files(paths, result))
        # a file's index → the key of its result in the cache, read when its turn comes (one at a time: the
        # results of ten thousand files are never held together)
        found: dict[int, bytes] = {}
        if self.cache and self.results is None:
            from budgetlint.resultcache import ResultCache

            self.results = ResultCache.open()
        if self.results is not None:
            for index, (file, explicit) in enumerate(files):
                key = self._cache_key(file, explicit)
                if key is not None and self.results.has(key):
                    found[index] = key
        todo = [named for index, named in enumerate(files) if index not in found] if found else files
        workers = execute.workers_for(jobs, len(todo))
        self.large_workers = execute.large_workers(jobs) if workers == 1 and jobs != 1 else 1
        try:  # the rules of the first file's config loaded once, before any worker starts
            if todo and workers > 1:
                self.linter_for(self.config_for(todo[0][0]))
        except ConfigError:  # reported when that file is checked
            pass
        checked = execute.check_files(self, todo, workers)
        for index in range(len(files)):
            _merge(result, self._cached(files[index], found[index]) if index in found else next(checked))
        for _ in checked:  # none is left: ends the pool
            pass
        if self.results is not None and self.results.misses:
            self.results.trim()
        if result.files > 1:  # one document's findings come sorted (Linter.finish): the runs by path
            result.findings.order()
        return result

    def _cached(self, named: tuple[Path, bool], key: bytes) -> Result:
        """A file's result from the cache; checked here after all if its entry has gone or is not whole."""
        assert self.results is not None
        part = self.results.get(key)
        if part is None:
            self.check_file(*named, part := Result())
        return part

    def _cache_key(self, file: Path, explicit: bool) -> bytes | None:
        """The result cache's key for `file` (None: not cached — a config that says `cache = false`, or
        that cannot be read, which checking the file reports)."""
        assert self.results is not None
        try:
            config = self.config_for(file)
        except ConfigError:
            return None
        if not config.cache:
            return None
        lang = (config.lang or self.lang) if self.config_lang else self.lang
        return self.results.key(file, display_path(file), explicit, config, lang, (self.keep_sources, self.subjects))

    def for_worker(self) -> Runner:
        """This runner as a worker process uses it: the same settings and loaded rules, no processes of its own."""
        from copy import copy

        worker = copy(self)
        worker.large_workers = 1
        return worker

    def worker_settings(self) -> dict:
        """What makes this runner again in a worker process that does not inherit it."""
        return {
            "lang": self.lang,
            "config_path": self.config_path,
            "keep_sources": self.keep_sources,
            "overrides": self.overrides,
            "config_lang": self.config_lang,
            "config_overrides": self.config_overrides,
            "respect_gitignore": self.respect_gitignore,
            "cache": self.cache,
            "subjects": self.subjects,
        }

    def check_file(self, file: Path, explicit: bool, result: Result) -> None:
        """Check one file into `result` (its own: the result cache keeps it whole when it has no error, and
        the file was the same before and after it was read)."""
        if self.results is None and self.cache:  # a worker process started afresh (spawn), not forked
            from budgetlint.resultcache import ResultCache

            self.results = ResultCache.open()
        if self.results is None:
            self._check_file(file, explicit, result)
            return
        before = self._cache_key(file, explicit)
        self._check_file(file, explicit, result)
        if before is not None and not result.errors and self._cache_key(file, explicit) == before:
            self.results.put(before, result)

    def _check_file(self, file: Path, explicit: bool, result: Result) -> None:
        shown = display_path(file)
        with Guard(shown, result.errors):  # a bug of ours: this file is reported, the others still checked
            try:
                config = self.config_for(file)
            except ConfigError as error:
                self._config_error(error, result)
                return
            source = open_source(file, shown)
            if self.large_workers > 1 and type(source) is Stream and execute.size_of(file) >= execute.LARGE:
                linter = self.linter_for(config)
                shared = execute.check_large(self, linter, source, file, self.large_workers)
                if shared is not None:
                    self._record(source, file, explicit, result, linter, *shared)
                    return
            # Streamed: the text is read block by block and never held whole (a 100 MB document).
            self.check_source(source, file, explicit, result, config)

    def check_source(
        self,
        source: Source | Stream,
        file: Path | None,
        explicit: bool,
        result: Result,
        config: Config | None = None,
    ) -> list[Finding]:
        """Check one document read from `source` (its encoding's finding, BL005, among the reader's)."""
        from budgetlint.model import Document
        from budgetlint.spill import Spill

        linter = self.linter_for(config or (self.config_for(file) if file else Config()))
        document = Document(path=source.path)
        document.findings = Spill()  # type: ignore[assignment]  # the reader's: beyond spill.HELD on disk
        found = encoding_finding(source.encoding)
        if found is not None:
            document.findings.append(found)
        blocks = blocks_of(source)
        if getattr(source, "container", ""):  # a workbook's cells are named `Sheet2!C5`: findings say so
            from budgetlint.places import recorded

            blocks = recorded(blocks, document)
        raw = linter.check_tables(linter.reader.projects(blocks, document), document, file)
        findings = linter.finish(document, raw, file)
        if getattr(source, "container", ""):  # a page or a sheet is never rewritten: no text edits offered
            for finding in findings:
                finding.fix = None
        return self._record(source, file, explicit, result, linter, document, findings)

    def _record(self, source, file, explicit, result, linter, document, findings) -> list[Finding]:
        """Add one document's findings (and its table count, code-frame lines) to `result`."""
        result.files += 1
        result.checked.append(source.path)
        result.projects += document.project_count
        if not document.project_count:
            # A file with no project table is no table document (a README, notes): its rows are nobody's
            # table, so it reports nothing of them — one line when named, a note when found in a folder.
            if explicit:
                result.errors.append(FileError(source.path, _no_table_reason(source)))
            else:
                result.notes.append(f"{source.path}: skipped, no project table")
            return []
        if self.subjects and findings:
            from budgetlint.baseline import add_subjects

            add_subjects(findings, source.blocks())  # a Stream reads the file again
        result.findings.add_run(source.path, findings)
        if self.keep_sources and findings:
            lines = {f.span.line for f in findings}
            lines.update(edit.span.line for f in findings if f.fix is not None for edit in f.fix.edits)  # --show-fixes
            if document.places:  # a workbook, Word file or PDF: its rows' cells, as the reader read them
                last = max(lines, default=0)
                frames = (document.places.row_text(n) if n in lines else "" for n in range(1, last + 1))
                result.sources[source.path] = "\n".join(frames)
            else:
                result.sources[source.path] = frame_lines(source.blocks(), lines)  # a Stream reads the file again
        return findings


def _json_key(table: dict) -> str:
    """`--config KEY=VALUE` overrides as the text that keys the cache of configs (none: "")."""
    if not table:
        return ""
    import json

    return json.dumps(table, sort_keys=True)


def _kind(path: Path) -> str:
    """Whether a path named on the command line is a "dir" or a "file", else why it cannot be walked.

    What cannot be looked at — a link loop, a dangling link, a file in a folder that may not be
    entered — is a "file": reading it says what it is (io.open_source), as for one found in a folder."""
    try:
        info = os.stat(path)
    except OSError as error:
        if error.errno in (errno.ENOENT, errno.ENOTDIR) and not os.path.lexists(path):
            return "no such file or directory"
        return "file"
    except ValueError:  # a NUL byte in the name
        return "not a valid path (a NUL character)"
    return "dir" if stat.S_ISDIR(info.st_mode) else "file"


def _merge(into: Result, part: Result) -> None:
    for path, run, known in part.findings.runs:
        into.findings.add_run(path, run, known)
    for error in part.errors:
        if error not in into.errors:
            into.errors.append(error)
    into.notes.extend(part.notes)
    into.files += part.files
    into.checked.extend(part.checked)
    into.projects += part.projects
    into.sources.update(part.sources)


def _no_table_reason(source: Source | Stream) -> str:
    container = getattr(source, "container", "")
    if container == "html" and "<table" not in source.text.lower():  # type: ignore[union-attr]  # a Source
        return "no project table found (no <table> in the page)"
    if container == "docx" and not any(isinstance(block, Grid) for block in source.sheets):  # type: ignore[union-attr]
        return "no project table found (no table in the Word document)"
    if container == "pdf" and not getattr(source.sheets, "tables", 0):  # type: ignore[union-attr]  # a Source
        return "no project table found (no ruled table in the PDF: its tables need their borders)"
    if container:
        return "no project table found (no 项目名称 row)"
    if any("项目名称" in block for block in source.blocks()):  # the label is there, but not in a row: full-width ｜ …
        return "no project table found (项目名称 is not in a row: a row starts with | or holds a TAB)"
    return "no project table found (no 项目名称 row)"


def frame_lines(text: str | Iterable[str], wanted: set[int]) -> str:
    """The text (or its blocks of whole lines) with only the lines numbered in `wanted` kept;
    the others empty, the line count the same up to the last wanted line."""
    last = max(wanted, default=0)
    kept = [line if number in wanted else "" for number, line in zip(range(1, last + 1), _split_lines(text))]
    return "\n".join(kept)


def _split_lines(text: str | Iterable[str]) -> Iterator[str]:
    """The lines of `text` or of the text its blocks make, as str.split("\n") gives them, lazily."""
    rest = ""
    for block in (text,) if isinstance(text, str) else text:
        start = 0
        block = rest + block
        while (end := block.find("\n", start)) >= 0:
            yield block[start:end]
            start = end + 1
        rest = block[start:]
    yield rest


def display_path(path: Path) -> str:
    """`path` relative to the current folder when it is inside it; a symlink keeps its own name.  A name
    that is not valid UTF-8 is shown with its undecodable bytes escaped (`bad\\xff.md`, see `shown_name`)."""
    absolute, folder = os.path.abspath(path), os.getcwd()
    if absolute == folder:
        return "."
    inside = folder if folder.endswith(os.sep) else folder + os.sep
    return shown_name(absolute[len(inside) :] if absolute.startswith(inside) else str(path))


def shown_name(name: str) -> str:
    """A file name as reports show it: the bytes of a name that is not valid UTF-8 (held by Python as
    lone surrogates, which no UTF-8 report can write) escaped as `\\xff`; any other name unchanged."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")
    return name
