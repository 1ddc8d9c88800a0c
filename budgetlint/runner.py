"""Walk the paths given on the command line and check every document under its own config.

Problems with one file or one config never stop the others: they are
collected as `FileError`s (one line each, exit code 2) beside the findings.
"""

from __future__ import annotations

import os
from pathlib import Path

from budgetlint.config import Config, ConfigError, config_for_dir
from budgetlint.engine import Linter
from budgetlint.findings import SEVERITY_RANK, Finding, from_plain, gc_paused, pack, plain, unpack
from budgetlint.io import InputError, NotVerified, Source, Stream, open_source
from budgetlint.model import Document, Span
from budgetlint.record import fresh, named, record

TYPE_CHECKING = False  # typing is not imported on the check path
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator


@named
class FileError:
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@record
class Result:
    findings: list[Finding] = fresh(list)
    errors: list[FileError] = fresh(list)
    notes: list[str] = fresh(list)
    files: int = 0
    projects: int = 0
    # path → text for code frames: only the lines that findings point at are kept (the others are
    # empty), so a clean 100 MB document costs nothing here and line numbers still index it.
    sources: dict[str, str] = fresh(dict)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def exit_code(self, fail_on: str = "error") -> int:
        if self.errors:
            return 2
        if fail_on == "never":
            return 0
        threshold = SEVERITY_RANK[fail_on]
        return 1 if any(SEVERITY_RANK.get(f.severity, 0) >= threshold for f in self.findings) else 0


class Runner:
    def __init__(
        self,
        lang: str = "zh",
        config_path: Path | None = None,
        keep_sources: bool = True,
        overrides: dict | None = None,
        batch: bool = False,
        output: str | None = None,
    ):
        self.lang = lang
        self.keep_sources = keep_sources
        # The report's format: each finding is written out by the process that completes it, when the
        # format writes a line a finding (budgetlint.reporters.LINE_FORMATS; Finding.output).
        self.output = output
        # A process that ends after its report (the console script): the findings that arrive from worker
        # processes are kept to the end, so they are frozen out of the cyclic GC (see `_keep`).
        self.batch = batch
        self.overrides = overrides or {}
        self._fixed_config: Config | None = None
        if config_path is not None:
            from budgetlint.config import read_config_file

            found = read_config_file(config_path)
            self._fixed_config = found or Config(root=config_path.parent)
        self.linters: dict[object, Linter] = {}
        self.big_file_workers = 1  # processes reading one large document together (set by check_paths)
        # Called after each table this process checks (Linter.collect's each_table): while it checks
        # files beside forked checkers, it takes in what they sent (see _check_forked).
        self.each_table: Callable[[list], None] | None = None
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
                config = config_for_dir(folder)
            except ConfigError as error:  # 10,000 files under one broken config: read it once
                self._broken[folder] = error
                raise
        if self.overrides:
            from budgetlint.record import replace

            config = replace(config, **self.overrides)
        return config

    def _folder(self, path: Path) -> Path:
        """The resolved folder whose config applies to `path`: a plain file's parent, resolved once per
        folder (resolving each of 10,000 files took more time than checking its table)."""
        if path.is_symlink() or path.is_dir():
            resolved = path.resolve()
            return resolved if resolved.is_dir() else resolved.parent
        parent = os.path.abspath(path.parent)
        folder = self._folders.get(parent)
        if folder is None:
            folder = self._folders[parent] = Path(parent).resolve()
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
        )
        linter = self.linters.get(key)
        if linter is None:
            linter = self.linters[key] = Linter(config, self.lang)
            if self.output is not None:
                from budgetlint.reporters import output_line

                linter.output_line = output_line(self.output)
        return linter

    # ---------------------------------------------------------------- walking
    def iter_files(self, paths: list[Path], result: Result) -> Iterator[tuple[Path, bool]]:
        """(file, named explicitly) for every document under `paths`, in a stable order."""
        for path in paths:
            if path.is_dir():
                try:
                    config = self.config_for(path)
                except ConfigError as error:
                    self._config_error(error, result)
                    continue

                def unreadable(error: OSError, path: Path = path) -> None:
                    shown = display_path(Path(error.filename)) if error.filename else str(path)
                    result.errors.append(FileError(shown, f"cannot read folder ({error.strerror or error})"))

                for root, dirs, files in os.walk(path, onerror=unreadable):
                    root_path = Path(root)
                    dirs[:] = sorted(
                        d for d in dirs if not d.startswith(".") and not config.is_excluded_dir(root_path / d)
                    )
                    for name in sorted(files):
                        file = root_path / name
                        try:
                            file_config = self.config_for(file)
                        except ConfigError as error:
                            self._config_error(error, result)
                            continue
                        if file_config.is_included(file):
                            yield file, False
            elif path.exists() or path.is_symlink():
                yield path, True
            else:
                result.errors.append(FileError(str(path), "no such file or directory"))

    def _config_error(self, error: ConfigError, result: Result) -> None:
        message = str(error)
        if message not in self._config_errors:
            self._config_errors.add(message)
            path, _, rest = message.partition(": ")
            result.errors.append(FileError(display_path(Path(path)) if rest else path, rest or message))

    # ---------------------------------------------------------------- checking
    def check_paths(self, paths: list[Path], jobs: int = 0) -> Result:
        """Check every document under `paths`; `jobs` 0 = automatic (a pool only for many files)."""
        result = Result()
        files = list(self.iter_files(paths, result))
        workers = _workers(jobs, len(files))
        self.big_file_workers = 1 if jobs == 1 or workers > 1 or not _FORKS else (jobs or min(os.cpu_count() or 1, 8))
        if workers <= 1:
            for file, explicit in files:
                self.check_file(file, explicit, result)
        elif _FORKS:
            self._check_forked(files, workers, result)
        else:
            self._check_in_pool(files, workers, result)
        if result.files > 1:  # one document's findings come sorted (Linter.finish)
            result.findings.sort(key=Finding.sort_key)
        return result

    def _check_forked(self, files: list[tuple[Path, bool]], workers: int, result: Result) -> None:
        """Check files in this process and `workers` - 1 forked from it (Linux), each file by the first to
        reach it (FirstComer, as the tables of one large document); results merge in file order, the
        same as sequentially.

        Against a pool of `workers` processes (`_check_in_pool`, where there is no fork): no
        concurrent.futures nor multiprocessing imported (~60 ms), the loaded rules shared, and this
        process checks files instead of only unpacking the workers' findings, so that the findings of
        its own files never cross a pipe.  A worker that dies leaves its files to this process."""
        try:  # the rules of the first file's config loaded once, before the fork, for every process
            self.linter_for(self.config_for(files[0][0]))
        except ConfigError:  # reported when that file is checked
            pass
        try:
            readers, deal = _fork_readers(workers, lambda deal, share: _FilesReader.start(self, files, deal))
        except OSError as error:  # no processes or shared memory here (a sandbox)
            result.notes.append(f"worker processes unavailable ({_describe(error)}): checked in one process")
            for file, explicit in files:
                self.check_file(file, explicit, result)
            return
        parts: dict[int, Result] = {}
        # Between its own tables, not only its own files: a checker whose frames fill the pipe while this
        # process checks a large file would wait for it.
        self.each_table = take_in = lambda raw=None: [reader.receive() for reader in readers]
        try:
            for index, (file, explicit) in enumerate(files):
                take_in()
                if deal(index):
                    self.check_file(file, explicit, part := Result())
                    parts[index] = part
            with gc_paused():
                for reader in readers:
                    try:
                        reader.wait()
                    except _ReaderFailed as error:
                        result.notes.append(f"a worker process failed ({error}): its files were checked in this one")
                    parts.update(reader.parts)
                self._keep()
        finally:
            self.each_table = None
            _stop(readers, deal)
        for index, (file, explicit) in enumerate(files):
            part = parts.get(index)
            if part is None:  # dealt to a worker that ended before it sent it
                self.check_file(file, explicit, part := Result())
            _merge(result, part)

    def _check_in_pool(self, files: list[tuple[Path, bool]], workers: int, result: Result) -> None:
        """Check files in worker processes (where processes are not forked: `_check_forked`); results
        merge in file order, the same as sequentially."""
        from concurrent.futures import ProcessPoolExecutor

        batches = _batches(files, workers)
        settings = (self.lang, self._fixed_config, self.overrides, self.keep_sources, self.output)
        pooled = Result()
        try:
            with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=settings) as pool:
                try:
                    # Each batch is merged as it arrives (in order), while the workers check the next ones.
                    for partial, findings in pool.map(_check_batch, batches):
                        with gc_paused():
                            partial.findings = unpack(findings)
                            _merge(pooled, partial)
                            self._keep()
                except KeyboardInterrupt:  # Ctrl-C: the batches not started are dropped, the running ones end
                    pool.shutdown(wait=True, cancel_futures=True)
                    raise
        except _pool_failures() as error:  # no processes here (a sandbox), or a worker was killed
            result.notes.append(f"worker processes unavailable ({_describe(error)}): checked in one process")
            for file, explicit in files:
                self.check_file(file, explicit, result)
            return
        _merge(result, pooled)

    def _keep(self) -> None:
        """In a batch process, freeze what is held now (findings just unpacked by the ten thousand, the GC
        paused) out of the cyclic GC: they live to the end and hold no cycles, yet the next collection of
        the young generation would walk every one of them (~30 ms after 10,000 findings).  Freed objects
        are still freed: freezing only stops the collector scanning them."""
        if self.batch:
            import gc

            gc.freeze()

    def check_file(self, file: Path, explicit: bool, result: Result) -> None:
        shown = display_path(file)
        try:
            config = self.config_for(file)
        except ConfigError as error:
            self._config_error(error, result)
            return
        try:
            if self.big_file_workers > 1 and _size(file) >= BIG_FILE:
                try:  # its readers decode it in parallel: no pass over it before they start
                    self._check_shared(open_source(file, shown, verify=False), file, explicit, result, config)
                    return
                except NotVerified:  # not UTF-8 after all: found out, and read, as any other file is
                    pass
            # Streamed: the text is read block by block and never held whole (a 100 MB document).
            self.check_source(open_source(file, shown), file, explicit, result, config)
        except InputError as error:
            result.errors.append(FileError(error.path, error.message, error.line))
        except Exception as error:  # a bug of ours: this file is reported, the others still checked
            if os.environ.get("BUDGETLINT_DEBUG"):
                raise
            result.errors.append(FileError(shown, f"internal error, please report it: {_describe(error)}"))

    def _check_shared(self, source: Stream, file: Path, explicit: bool, result: Result, config: Config) -> None:
        """One large document read by several processes, each table checked by the first to reach it; one report.

        The other readers are forked from this process (they share its loaded rules, and no pool
        module is imported: ~60 ms of imports before the first table); each sends its share back
        through a pipe as plain values."""
        linter = self.linter_for(config)
        workers = self.big_file_workers
        try:
            readers, deal = _fork_readers(
                workers, lambda deal, share: _ShareReader.start(linter, source, file, (share, workers), deal)
            )
        except OSError as error:  # no processes or shared memory here (a sandbox)
            result.notes.append(
                f"{source.path}: worker processes unavailable ({_describe(error)}): read in one process"
            )
            self.check_source(source, file, explicit, result, config)
            return
        try:
            # This process reads the first share meanwhile: one share's findings (of n) never cross a pipe.
            mine = linter.collect(
                source.blocks(),
                source.path,
                file,
                share=(0, workers),
                deal=deal,
                each_table=lambda raw: [reader.receive() for reader in readers],
            )
            with gc_paused():
                parts = [mine, *(reader.share(source.path) for reader in readers)]
                self._keep()
        finally:
            _stop(readers, deal)
        document, raw = linter.merge_shares(parts)
        findings = linter.finish(document, raw, linter.plan_for(file), linter.new_context(), file)
        self._record(source, file, explicit, result, linter, document, findings)

    def check_source(
        self, source: Source | Stream, file: Path | None, explicit: bool, result: Result, config: Config | None = None
    ) -> list[Finding]:
        linter = self.linter_for(config or (self.config_for(file) if file else Config()))
        document, findings = linter.check_text(
            source.blocks(), source.path, file, keep_projects=False, each_table=self.each_table
        )
        return self._record(source, file, explicit, result, linter, document, findings)

    def _record(self, source, file, explicit, result, linter, document, findings) -> list[Finding]:
        """Add one document's findings (and its encoding note, table count, code-frame lines) to `result`."""
        if source.encoding not in ("utf-8", "utf-8-sig") and linter.enabled("BL005", file):
            encoding = Finding("BL005", Span(1, 1, 1, 2), expected="UTF-8", actual=source.encoding.upper())
            findings = sorted([linter.complete(encoding, source.path), *findings], key=Finding.sort_key)
        result.files += 1
        result.projects += document.project_count
        if not document.project_count:
            if explicit:
                result.errors.append(FileError(source.path, _no_table_reason(source)))
            else:
                result.notes.append(f"{source.path}: skipped, no project table")
        result.findings.extend(findings)
        if self.keep_sources and findings:
            lines = {f.span.line for f in findings}
            result.sources[source.path] = frame_lines(source.blocks(), lines)  # a Stream reads the file again
        return findings


def _no_table_reason(source: Source | Stream) -> str:
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


def _describe(error: BaseException) -> str:
    """The error and where it was raised (the innermost frame), on one line."""
    import traceback

    if isinstance(error, _ReaderFailed):
        return str(error)  # described in the process that raised it

    frames = traceback.extract_tb(error.__traceback__)
    where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    return f"{type(error).__name__}: {error}{where}"


def _pool_failures() -> tuple[type[BaseException], ...]:
    from concurrent.futures.process import BrokenProcessPool

    return (OSError, BrokenProcessPool)


POOL_THRESHOLD = 16  # below this many files a pool costs more than it saves
BATCH_BYTES = 1024 * 1024  # the most a batch of files sent to a worker holds (see _batches)
BIG_FILE = 4 * 1024 * 1024  # a document this large is read by every worker, each checking its share of tables
# Readers of one large document are forked (Linux; elsewhere such a document is read in one process).
_FORKS = hasattr(os, "fork") and hasattr(os, "memfd_create")
_worker: Runner | None = None


class FirstComer:
    """Deals the tables of one large document to the processes reading it: the first to reach a
    table checks it, the others pass over it.  A process slowed down (a busy neighbour on the same
    machine; vCPUs are not equal) then checks fewer tables instead of holding up the report, where
    a fixed deal (every n-th table) makes the report wait for the slowest.  The report is the same
    whoever checks a table.

    The count of tables dealt lives in a shared memory file that the forked readers inherit; each
    deal holds its POSIX record lock (fcntl.lockf: owned by a process, so forked readers exclude one
    another) — a few µs a table, where multiprocessing.Value costs 50 ms of imports."""

    def __init__(self, fd: int):
        import fcntl
        import mmap

        self.fd = fd
        self.count = mmap.mmap(fd, 8)
        self.lock = fcntl.lockf
        self.exclusive, self.unlocked = fcntl.LOCK_EX, fcntl.LOCK_UN

    @classmethod
    def new(cls) -> FirstComer:
        fd = os.memfd_create("budgetlint-deal")
        os.ftruncate(fd, 8)
        return cls(fd)

    def __call__(self, index: int) -> bool:
        self.lock(self.fd, self.exclusive)
        try:
            if index < int.from_bytes(self.count[:8], "little"):
                return False  # another process reached it first
            self.count[:8] = (index + 1).to_bytes(8, "little")
            return True
        finally:
            self.lock(self.fd, self.unlocked)

    def close(self) -> None:
        self.count.close()
        os.close(self.fd)


class _ReaderFailed(Exception):
    """A forked reader's own exception, told in one line (its type, text and where it was raised)."""


class _Reader:
    """A process forked to work beside this one (the other readers of one large document, the other
    checkers of many files).  It sends what it does through a pipe as marshalled frames (kind, *body),
    then ends without cleaning up what it shares with this process (os._exit).  A subclass takes in
    the frames of its kind (`take`).

    This process takes the frames in between its own work (`receive`), so that packing, unpacking
    and making findings again happen while both still work, not one after the other at the end (on
    a 10 MB document they were ~0.2 s after the last table)."""

    def __init__(self, pid: int, fd: int):
        self.pid, self.fd = pid, fd
        self.pending = bytearray()  # bytes received, not yet a whole frame
        self.done = False  # the reader's last frame was taken in
        self.failure: Exception | None = None
        os.set_blocking(fd, False)

    @classmethod
    def fork(cls, work) -> _Reader:
        """A reader forked to run `work(send)`; whatever it raises is sent as a "failed" frame."""
        read_end, write_end = os.pipe()
        _widen(write_end)
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            raise
        if pid:
            os.close(write_end)
            return cls(pid, read_end)
        os.close(read_end)  # the child from here on: it never returns
        try:
            send = _sender(write_end)
            try:
                work(send)
            except (
                BaseException
            ) as error:  # an InputError, not UTF-8 after all, a bug, an interrupt: told to the parent
                send(("failed", *_tell(error)))
        finally:
            os._exit(0)

    def take(self, kind: str, body: list) -> bool:
        """Take in one frame; whether it was the reader's last."""
        raise NotImplementedError

    def receive(self) -> None:
        """Take in the frames the reader has sent so far, without waiting for more."""
        try:
            while chunk := os.read(self.fd, 1 << 20):
                self.pending += chunk
        except BlockingIOError:
            pass
        self._unframe()

    def wait(self) -> None:
        """Take in every frame up to the reader's last, waiting for them; its failure raised."""
        os.set_blocking(self.fd, True)
        while not self.done and self.failure is None:
            chunk = os.read(self.fd, 1 << 20)
            if not chunk:
                raise _ReaderFailed("a reader process ended without sending its share")
            self.pending += chunk
            self._unframe()
        if self.failure is not None:
            raise self.failure

    def _unframe(self) -> None:
        import marshal

        pending = self.pending
        while len(pending) >= 4:
            size = int.from_bytes(pending[:4], "little")
            if len(pending) < 4 + size:
                return
            kind, *body = marshal.loads(pending[4 : 4 + size])
            del pending[: 4 + size]
            if kind == "failed":  # what came before it is the caller's to keep or drop
                self.failure = _told(*body)
            elif self.take(kind, body):
                self.done = True

    def end(self) -> None:
        """Wait for the reader to end (at once when its share was read; stopped when it was not)."""
        import signal

        os.close(self.fd)  # a reader still writing gets a broken pipe and ends
        try:
            pid, _ = os.waitpid(self.pid, os.WNOHANG)
            if not pid:
                os.kill(self.pid, signal.SIGTERM)
                os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


class _ShareReader(_Reader):
    """Another reader of one large document (Runner._check_shared): it checks the tables dealt to it
    and sends its completed findings as plain values in frames of about FRAME_FINDINGS as it goes,
    then its layout findings."""

    def __init__(self, pid: int, fd: int):
        super().__init__(pid, fd)
        self.findings: list[Finding] = []  # received so far, in the order the reader checked them
        self.layout: list[Finding] = []  # the last frame's

    @classmethod
    def start(
        cls, linter: Linter, source: Stream, file: Path, share: tuple[int, int], deal: FirstComer
    ) -> _ShareReader:
        return cls.fork(lambda send: _read_share(linter, source, file, share, deal, send))

    def take(self, kind: str, body: list) -> bool:
        if kind == "findings":
            self.findings += from_plain(body[0])
            return False
        self.layout = from_plain(body[0])
        return True

    def share(self, path: str) -> tuple[Document, list[Finding]]:
        """The reader's share, waited for: a document holding its layout findings, and its tables' findings."""
        self.wait()
        return Document(path=path, findings=self.layout), self.findings


class _FilesReader(_Reader):
    """Another checker of many files (Runner._check_forked): it checks the files dealt to it and sends
    each one's result (`_plain_result`) as it is done."""

    def __init__(self, pid: int, fd: int):
        super().__init__(pid, fd)
        self.parts: dict[int, Result] = {}  # file index → its result, received so far

    @classmethod
    def start(cls, runner: Runner, files: list[tuple[Path, bool]], deal: FirstComer) -> _FilesReader:
        return cls.fork(lambda send: _check_dealt(runner, files, deal, send))

    def take(self, kind: str, body: list) -> bool:
        if kind == "file":
            index, (files, projects, errors, notes, sources, findings) = body
            self.parts[index] = Result(
                from_plain(findings), [FileError(*error) for error in errors], notes, files, projects, sources
            )
            return False
        return True  # "done"


def _check_dealt(runner: Runner, files: list[tuple[Path, bool]], deal: FirstComer, send) -> None:
    """In a forked checker: the files dealt to it, each one's result sent as plain values."""
    for index, (file, explicit) in enumerate(files):
        if deal(index):
            part = Result()
            runner.check_file(file, explicit, part)
            send(
                (
                    "file",
                    index,
                    (
                        part.files,
                        part.projects,
                        [tuple(error) for error in part.errors],
                        part.notes,
                        part.sources,
                        [plain(finding) for finding in part.findings],
                    ),
                )
            )
    send(("done",))


FRAME_FINDINGS = 256  # findings a reader sends at a time (~100 KB as JSON lines)


def _widen(fd: int) -> None:
    """A pipe of 1 MB where Linux allows it (64 KB by default): a reader then seldom waits for this
    process to take in its frames, which it does only between its own tables."""
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1 << 20)
    except (ImportError, AttributeError, OSError):
        pass


def _sender(fd: int):
    """A function writing one value to `fd` as a frame: its marshalled size (4 bytes), then it."""
    import marshal

    def send(value) -> None:
        data = marshal.dumps(value)
        view = memoryview(len(data).to_bytes(4, "little") + data)
        while view:
            view = view[os.write(fd, view) :]

    return send


def _tell(error: BaseException) -> tuple[str, object]:
    """A forked reader's exception as plain values for the parent (`_told` makes it an exception again)."""
    if isinstance(error, InputError):
        return "input", (error.path, error.message, error.line)
    if isinstance(error, NotVerified):
        return "not verified", error.args
    return "bug", _describe(error)


def _told(kind: str, told) -> Exception:
    """The exception a forked reader told (`_tell`), raised in the parent as the reader raised it — a
    bug as _ReaderFailed, whose text is the reader's own one-line description."""
    if kind == "input":
        return InputError(*told)
    if kind == "not verified":
        return NotVerified(*told)
    return _ReaderFailed(told)


def _fork_readers(workers: int, start) -> tuple[list, FirstComer]:
    """`workers` - 1 readers, each forked by `start(deal, share)` (share 1, 2, …), and the deal they share
    with this process.  On an OSError (no processes or shared memory here: a sandbox) the readers
    already started are stopped and the error raised."""
    deal: FirstComer | None = None
    readers: list[_Reader] = []
    try:
        deal = FirstComer.new()
        for share in range(1, workers):
            readers.append(start(deal, share))
    except OSError:
        _stop(readers, deal)
        raise
    return readers, deal


def _stop(readers: list[_Reader], deal: FirstComer | None) -> None:
    """End the readers (reaped, or stopped first if still running) and release the deal's shared memory."""
    for reader in readers:
        reader.end()
    if deal is not None:
        deal.close()


def _read_share(linter: Linter, source: Stream, file: Path, share: tuple[int, int], deal: FirstComer, send) -> None:
    """In a forked reader: its share of the document, sent as `_Reader` takes it in — its tables'
    findings as they are checked, a frame at a time, then its layout findings."""

    def send_some(raw: list) -> None:
        if len(raw) >= FRAME_FINDINGS:
            send(("findings", raw))
            raw.clear()

    document, raw = linter.collect(
        source.blocks(), source.path, file, share=share, deal=deal, convert=plain, each_table=send_some
    )
    send(("findings", raw))
    send(("layout", [plain(linter.complete(finding, source.path)) for finding in document.findings]))


def _workers(jobs: int, files: int) -> int:
    if jobs == 1 or files < 2:
        return 1
    if jobs > 1:
        return min(jobs, files)
    if files < POOL_THRESHOLD:
        return 1
    return min(os.cpu_count() or 1, 8)


def _init_worker(lang, fixed_config, overrides, keep_sources, output) -> None:
    """A pool worker: Ctrl-C is this process's parent's to handle (see Runner._check_in_pool).  A worker
    interrupted by it at the wrong moment — holding a lock of the pool's queues — could leave the pool
    waiting for it forever (the Ctrl-C test hung once in 15 runs)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _worker
    _worker = Runner(lang=lang, overrides=overrides, keep_sources=keep_sources, output=output)
    _worker._fixed_config = fixed_config


def _batches(files: list[tuple[Path, bool]], workers: int, shares: int = 4) -> list[list[tuple[Path, bool]]]:
    """The files in batches for `workers` (in order), each about 1/(workers × shares) of the bytes still
    left when it is cut, and at most BATCH_BYTES (what a worker holds before sending: its sources, for
    the rich format): large batches first, where their round trips are fewest, then smaller and smaller,
    the last ones a file each, so that no worker is left checking a large batch alone at the end (equal
    batches of 12 files left one worker idle for a whole batch, 0.6 s of an 8 s check of 200 files)."""
    sizes = [max(_size(file), 1) for file, _ in files]
    left = sum(sizes)
    batches = []
    start = 0
    while start < len(files):
        target = min(left / (workers * shares), BATCH_BYTES)
        end, taken = start + 1, sizes[start]
        while end < len(files) and taken + sizes[end] <= target:
            taken += sizes[end]
            end += 1
        batches.append(files[start:end])
        left -= taken
        start = end
    return batches


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _check_batch(batch: list[tuple[Path, bool]]) -> tuple[Result, bytes]:
    """A batch's result, its findings packed (budgetlint.findings.pack)."""
    result = Result()
    for file, explicit in batch:
        _worker.check_file(file, explicit, result)
    findings, result.findings = result.findings, []
    return result, pack(findings)


def _merge(into: Result, part: Result) -> None:
    into.findings.extend(part.findings)
    for error in part.errors:
        if error not in into.errors:
            into.errors.append(error)
    into.notes.extend(part.notes)
    into.files += part.files
    into.projects += part.projects
    into.sources.update(part.sources)


def display_path(path: Path) -> str:
    """`path` relative to the current folder when it is inside it; a symlink keeps its own name.
    (Path(abspath).relative_to(Path.cwd()), in strings: two Paths fewer for each of 10,000 files.)"""
    absolute, folder = os.path.abspath(path), os.getcwd()
    if absolute == folder:
        return "."
    inside = folder if folder.endswith(os.sep) else folder + os.sep
    return absolute[len(inside) :] if absolute.startswith(inside) else str(path)
