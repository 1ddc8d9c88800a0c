"""Processes: the one place that knows how checking is shared between them.

Two kinds of work are shared: many files (`check_files`), and the tables of one large document
(`check_large`).  Both run on the standard library's process pool (concurrent.futures), with the
fork start method where the system has it, so that workers start with the rules already loaded
(spawn elsewhere).  Whatever runs where, the report is the same and in the same order:

- where processes cannot start (a sandbox), everything is checked in this process, with a note;
- a worker that dies breaks nothing: the files it had not returned are checked in this process;
- Ctrl-C stops every process quietly (workers ignore it; this process cancels what has not started).
"""

from __future__ import annotations

import os
from pathlib import Path

TYPE_CHECKING = False  # typing is not imported on the check path
if TYPE_CHECKING:
    from collections.abc import Iterator
    from concurrent.futures import ProcessPoolExecutor
    from typing import Any

    from budgetlint.engine import Linter
    from budgetlint.findings import Finding
    from budgetlint.io import Stream
    from budgetlint.model import Document
    from budgetlint.runner import Result, Runner

POOL_THRESHOLD = 16  # below this many files a pool costs more than it saves
LARGE = 4 * 1024 * 1024  # a document this large has its tables shared out when there are few files
BATCH_BYTES = 1024 * 1024  # the most a batch of files sent to a worker holds
STRETCHES = 4  # stretches of a large document for each worker: a slow worker delays the report less
MAX_WORKERS = 8

_runner: Runner | None = None  # a worker's own runner (inherited by a forked worker, else made)


def workers_for(jobs: int, files: int) -> int:
    """How many processes check `files` files: `jobs`, or by the number of files and cores (0)."""
    if jobs == 1 or files < 2:
        return 1
    if jobs > 1:
        return min(jobs, files)
    if files < POOL_THRESHOLD:
        return 1
    return min(os.cpu_count() or 1, MAX_WORKERS)


def large_workers(jobs: int) -> int:
    """How many processes read one large document: `jobs`, or one per core (0)."""
    return jobs if jobs > 0 else min(os.cpu_count() or 1, MAX_WORKERS)


# ==================================================================== many files
def check_files(runner: Runner, files: list[tuple[Path, bool]], workers: int) -> Iterator[Result]:
    """Each file's result, in the order of `files`: in this process, or shared by `workers` processes."""
    from budgetlint.runner import Result

    if workers <= 1:
        for file, explicit in files:
            runner.check_file(file, explicit, part := Result())
            yield part
        return
    done = 0
    try:
        for batch in _map(runner, workers, _check_batch, _batches(files, workers)):
            for part in batch:
                done += 1
                yield part
    except _failures() as error:
        note = f"worker processes unavailable ({describe(error)}): "
        note += "checked in one process" if not done else f"the last {len(files) - done} files checked in this one"
        for index, (file, explicit) in enumerate(files[done:]):
            runner.check_file(file, explicit, part := Result())
            if index == 0:
                part.notes.insert(0, note)
            yield part


def _check_batch(batch: list[tuple[Path, bool]]) -> list[Result]:
    """In a worker: each file's result."""
    from budgetlint.runner import Result

    assert _runner is not None
    parts = []
    for file, explicit in batch:
        _runner.check_file(file, explicit, part := Result())
        parts.append(part)
    return parts


def _batches(files: list[tuple[Path, bool]], workers: int, shares: int = 4) -> list[list[tuple[Path, bool]]]:
    """The files in batches (in order), each about 1/(workers × shares) of the bytes still left when it
    is cut and at most BATCH_BYTES: large batches first, where round trips are fewest, then smaller
    ones, the last a file each, so that no worker checks a large batch alone at the end."""
    sizes = [max(size_of(file), 1) for file, _ in files]
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


def size_of(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


# ==================================================================== one large document
def check_large(
    runner: Runner, linter: Linter, source: Stream, file: Path, workers: int
) -> tuple[Document, list[Finding]] | None:
    """A large UTF-8 document checked by `workers` processes, each reading whole tables from the reader
    state before them, or None when it cannot be shared (another encoding, CR line ends, few tables,
    no processes): the caller reads it in this process.  The report is the one-process report."""
    from budgetlint.model import Document

    stretches = _stretches(linter, source, workers * STRETCHES)
    if stretches is None or len(stretches) < 2:
        return None
    tasks = [(file, source.path, *stretch, index == len(stretches) - 1) for index, stretch in enumerate(stretches)]
    try:
        parts = list(_map(runner, workers, _check_stretch, tasks))
    except _failures():
        return None
    if any(part is None for part in parts):
        return None  # the file changed, or is not the text it looked like: read as any other file
    from budgetlint.spill import Spill

    document = Document(path=source.path, line_count=_line_count(source))
    document.findings = Spill()  # type: ignore[assignment]  # list-like, beyond spill.HELD on disk
    raw: list[Finding] = Spill()  # type: ignore[assignment]
    for findings, directives, metadata, tables, checked in parts:
        document.findings.extend(findings)
        document.directives.extend(directives)
        document.metadata.update(metadata)
        document.project_count += tables
        raw.extend(checked)
    return document, linter.finish(document, raw, file)


def _stretches(linter: Linter, source: Stream, pieces: int) -> list[tuple[int, int, int, Any]] | None:
    """The document cut into about `pieces` stretches of whole tables, each (first byte, end byte, first
    line, reader state before it), found by skimming it: only its free text and the rows that may
    start a table are read.  None when the file is not plain UTF-8 with '\\n' line ends."""
    from budgetlint.containers.text import skim
    from budgetlint.model import Document
    from budgetlint.reader import Reading

    if source.encoding not in ("utf-8", "utf-8-sig"):
        return None
    reader = linter.reader
    needle = reader.name_label[-1].encode()  # 称: the rows that hold it are few
    reading = Reading(reader, Document(path=source.path))
    step = (size_of(source.file) - source.skip) / pieces
    chosen: list[tuple[int, int, Any]] = [(source.skip, 1, None)]  # (first byte, first line, state before)
    end = source.skip
    try:
        for base, body, first_line in _whole_lines(source.file, source.skip):
            if b"\r" in body:
                return None
            for offset, cut, line in skim(body, needle, first_line):
                if line.kind != "row":
                    reading.feed_text(line)  # type: ignore[arg-type]
                    continue
                if not reader.starts_table(line):  # type: ignore[arg-type]
                    continue
                # A stretch long enough ends here, unless a directive above waits for a table to end (its
                # range would be another in a reader that starts here).
                if cut >= 0 and base + cut - chosen[-1][0] >= step and not reading.open_directives():
                    number = line.number - body.count(b"\n", cut, offset)
                    reading.directives.waiting.clear()  # those above the table are read with it
                    chosen.append((base + cut, number, reading.state()))
                reading.feed_row(line)  # type: ignore[arg-type]
                reading.take()
            end = base + len(body)
    except (OSError, UnicodeDecodeError):
        return None
    ends = [point[0] for point in chosen[1:]] + [end]
    return [(start, stop, line, state) for (start, line, state), stop in zip(chosen, ends)]


def _whole_lines(file: Path, start: int, end: int | None = None) -> Iterator[tuple[int, bytes, int]]:
    """The bytes of `file` from `start` to `end` (its end) in pieces of whole lines, about CHUNK bytes
    each: (offset of the piece, the piece, its first line counted from 1 at `start`)."""
    from budgetlint.io import CHUNK

    with open(file, "rb") as handle:
        handle.seek(start)
        left = -1 if end is None else end - start
        base, line, carry = start, 1, b""
        while True:
            chunk = handle.read(CHUNK if left < 0 else min(CHUNK, left))
            if left >= 0:
                left -= len(chunk)
            buffer = carry + chunk
            cut = buffer.rfind(b"\n") + 1 if chunk else len(buffer)
            body, carry = buffer[:cut], buffer[cut:]
            if body:
                yield base, body, line
                base += len(body)
                line += body.count(b"\n")
            if not chunk:
                return


def _check_stretch(task: tuple) -> tuple | None:
    """In a worker: one stretch of a large document checked — its reader findings, directives, metadata,
    table count and table findings; None when its bytes are not the UTF-8 text they were."""
    from budgetlint.containers.text import TextBlocks
    from budgetlint.model import Document
    from budgetlint.reader import ReaderState

    file, shown, start, end, first_line, state, last = task
    assert _runner is not None
    linter = _runner.linter_for(_runner.config_for(file))
    document = Document(path=shown)

    def pieces() -> Iterator[str]:
        for _, body, _ in _whole_lines(file, start, end):
            if b"\r" in body:
                raise UnicodeError("a CR line end")
            yield body.decode("utf-8")

    try:
        raw = linter.check_stretch(TextBlocks(pieces(), first_line), document, state or ReaderState(), last, file)
    except (OSError, UnicodeError):  # the file changed since it was skimmed
        return None
    return document.findings, document.directives, document.metadata, document.project_count, raw


def _line_count(source: Stream) -> int:
    lines = 0
    last = "\n"
    for block in source.blocks():
        lines += block.count("\n")
        last = block[-1:] or last
    return lines + (0 if last == "\n" and lines else 1)


# ==================================================================== the pool
def _map(runner: Runner, workers: int, function: Any, tasks: list) -> Iterator[Any]:
    """`function` over `tasks` in a pool of `workers` processes, the results in order.  On any exception
    (a worker died, Ctrl-C, the caller stopped early) the workers are stopped at once, not waited for."""
    import signal

    # Ctrl-C is held while the workers start (submitting the tasks starts them all), so that none
    # is interrupted before it has made itself deaf to it (see _start_worker); it reaches this process
    # once they have, and stops them all.
    masked = hasattr(signal, "pthread_sigmask")
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if masked else set()
    pool = None
    try:
        pool = _pool(runner, workers)
        futures: list[Any] = [pool.submit(function, task) for task in tasks]
        if masked:
            masked = False
            signal.pthread_sigmask(signal.SIG_SETMASK, before)  # a Ctrl-C held meanwhile is raised here
        for index, future in enumerate(futures):
            futures[index] = None  # its result is the caller's now
            yield future.result()
    except BaseException:
        if pool is not None:
            _stop(pool)
        raise
    finally:
        if masked:
            signal.pthread_sigmask(signal.SIG_SETMASK, before)
    pool.shutdown(wait=True)


def _stop(pool: ProcessPoolExecutor) -> None:
    """End the workers at once and reap them: the pool then fails what was not done, and shuts down."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            process.terminate()
        except (OSError, ValueError):  # ended already, or closed
            pass
    pool.shutdown(wait=True)


def _pool(runner: Runner, workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` processes checking with `runner`'s settings (forked from this one where the
    system forks: they inherit its loaded rules)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _runner
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    if method == "fork":
        _runner = runner.for_worker()
        settings = None
    else:
        settings = runner.worker_settings()
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context(method),
        initializer=_start_worker,
        initargs=(settings,),
    )


def _start_worker(settings: dict | None) -> None:
    """A worker: Ctrl-C is the parent's to handle (a worker interrupted while it holds a lock of the
    pool's queues could leave the pool waiting for it), and its runner is ready."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):  # held by the parent while the pool starts (see _map)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    global _runner
    if settings is not None:
        from budgetlint.runner import Runner

        _runner = Runner(**settings)


def _failures() -> tuple[type[BaseException], ...]:
    """What a pool raises when processes cannot start (a sandbox) or a worker dies."""
    from concurrent.futures.process import BrokenProcessPool

    return (OSError, BrokenProcessPool)


def describe(error: BaseException) -> str:
    """The error and where it was raised (the innermost frame, in a worker too), on one line."""
    import re
    import traceback

    frames = traceback.extract_tb(error.__traceback__)
    where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    remote = error.__cause__
    if type(remote).__name__ == "_RemoteTraceback":  # raised in a worker: its traceback, as text
        found = re.findall(r'File "([^"]+)", line (\d+)', str(remote))
        if found:
            where = f" at {Path(found[-1][0]).name}:{found[-1][1]}"
    return f"{type(error).__name__}: {error}{where}"
